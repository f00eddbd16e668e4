"""SSM readiness rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from paymentaudit.detect import is_sensitive_name
from paymentaudit.model import Resource, Severity
from paymentaudit.rules.base import Outcome, Rule, RuleContext, register


@register
class SsmSensitiveType(Rule):
    id = "SSM-SENSITIVE-TYPE"
    severity = Severity.CRITICAL
    title = "Parameters whose names or values look sensitive are SecureString"
    remediation = (
        "Recreate the parameter as a SecureString (KMS-encrypted) and rotate the value, which "
        "was readable in plain text."
    )
    service = "ssm"
    resource_types = ("ssm.parameter",)
    governs = (("ssm.parameter", "type"),)

    def targets(self, ctx: RuleContext) -> Iterable[Resource]:
        return [
            p
            for p in ctx.of_type("ssm.parameter")
            if is_sensitive_name(p.physical_id) or p.config.get("literal_secret")
        ]

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        kind = ctx.attr(resource, "type")
        found = resource.config.get("literal_secret")
        yield self.expect(
            resource,
            "type",
            kind == "SecureString",
            "SecureString",
            kind,
            f"a parameter holding a secret is stored in plain text ({found})"
            if found
            else "a sensitive-looking parameter is stored in plain text",
        )
