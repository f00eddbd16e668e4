"""KMS readiness rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from paymentaudit.model import Resource, Severity
from paymentaudit.rules import register
from paymentaudit.rules.base import Outcome, Rule, RuleContext, enabled_is_stricter


@register
class KmsRotation(Rule):
    id = "KMS-ROTATION"
    severity = Severity.HIGH
    title = "Rotation is enabled on the environment's customer-managed keys"
    remediation = "Set enable_key_rotation = true on the key."
    service = "kms"
    resource_types = ("kms.key",)
    governs = (("kms.key", "enable_key_rotation"),)

    def targets(self, ctx: RuleContext) -> Iterable[Resource]:
        return [
            k
            for k in ctx.of_type("kms.key")
            if k.config.get("key_manager", "CUSTOMER") == "CUSTOMER"
            and k.config.get("key_spec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
        ]

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        on = ctx.attr(resource, "enable_key_rotation")
        yield self.expect(
            resource,
            "enable_key_rotation",
            bool(on),
            True,
            on,
            "automatic key rotation is off",
        )

    def stricter(self, path: str, baseline: object, target: object) -> bool:
        return enabled_is_stricter(path, baseline, target)
