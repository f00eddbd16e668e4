"""SSM readiness rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from paymentaudit.model import Resource, Severity
from paymentaudit.redact import is_sensitive_name
from paymentaudit.rules.base import Outcome, Rule, RuleContext, register


@register
class SsmSensitiveType(Rule):
    id = "SSM-SENSITIVE-TYPE"
    severity = Severity.CRITICAL
    title = "Parameters whose names look sensitive are SecureString"
    remediation = (
        "Recreate the parameter as a SecureString (KMS-encrypted) and rotate the value, which "
        "was readable in plain text."
    )
    service = "ssm"
    resource_types = ("ssm.parameter",)
    governs = (("ssm.parameter", "type"),)

    def targets(self, ctx: RuleContext) -> Iterable[Resource]:
        return [p for p in ctx.of_type("ssm.parameter") if is_sensitive_name(p.physical_id)]

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        kind = ctx.attr(resource, "type")
        yield self.expect(
            resource,
            "type",
            kind == "SecureString",
            "SecureString",
            kind,
            "a sensitive-looking parameter is stored in plain text",
        )
