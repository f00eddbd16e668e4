"""KMS readiness rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from paymentaudit.model import Resource, Severity
from paymentaudit.rules.base import (
    FlagRule,
    Outcome,
    RuleContext,
    register,
)


@register
class KmsRotation(FlagRule):
    id = "KMS-ROTATION"
    severity = Severity.HIGH
    title = "Rotation is enabled on the environment's customer-managed keys"
    remediation = "Set enable_key_rotation = true on the key."
    service = "kms"
    resource_types = ("kms.key",)
    attribute = "enable_key_rotation"
    failure = "automatic key rotation is off"

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        # Whether the rule applies (a customer-managed symmetric key) must be known too.
        ctx.attr(resource, "key_manager")
        ctx.attr(resource, "key_spec")
        yield from super().check(resource, ctx)

    def targets(self, ctx: RuleContext) -> Iterable[Resource]:
        # Customer-managed symmetric keys; a key whose metadata could not be read is kept
        # (its check is then not evaluated, never skipped).
        return [
            k
            for k in ctx.of_type("kms.key")
            if k.config.get("key_manager") in ("CUSTOMER", None)
            and k.config.get("key_spec") in ("SYMMETRIC_DEFAULT", None)
        ]
