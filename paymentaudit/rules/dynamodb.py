"""DynamoDB readiness rules."""

from __future__ import annotations

from collections.abc import Iterator

from paymentaudit.model import Resource, Severity
from paymentaudit.rules import register
from paymentaudit.rules.base import Outcome, Rule, RuleContext, enabled_is_stricter


@register
class DdbPitr(Rule):
    id = "DDB-PITR"
    severity = Severity.HIGH
    title = "Point-in-time recovery is enabled"
    remediation = "Enable point_in_time_recovery on the table."
    service = "dynamodb"
    resource_types = ("dynamodb.table",)
    governs = (("dynamodb.table", "point_in_time_recovery"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        on = ctx.attr(resource, "point_in_time_recovery")
        yield self.expect(
            resource,
            "point_in_time_recovery",
            bool(on),
            True,
            on,
            "point-in-time recovery is off: a bad write cannot be rolled back",
        )

    def stricter(self, path: str, baseline: object, target: object) -> bool:
        return enabled_is_stricter(path, baseline, target)


@register
class DdbSseKms(Rule):
    id = "DDB-SSE-KMS"
    severity = Severity.HIGH
    title = "Server-side encryption uses KMS"
    remediation = (
        "Set server_side_encryption { enabled = true, kms_key_arn = <the environment's CMK> }."
    )
    service = "dynamodb"
    resource_types = ("dynamodb.table",)
    governs = (("dynamodb.table", "server_side_encryption*"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        sse = ctx.attr(resource, "server_side_encryption") or {}
        yield self.expect(
            resource,
            "server_side_encryption.sse_type",
            sse.get("enabled") and sse.get("sse_type") == "KMS",
            "KMS",
            sse.get("sse_type"),
            "the table is encrypted with an AWS-owned key, not KMS",
        )


@register
class DdbDeletionProtection(Rule):
    id = "DDB-DELETION-PROTECTION"
    severity = Severity.MEDIUM
    title = "Table deletion protection is on in the target environment"
    remediation = "Set deletion_protection_enabled = true on the table."
    service = "dynamodb"
    resource_types = ("dynamodb.table",)
    governs = (("dynamodb.table", "deletion_protection_enabled"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        on = ctx.attr(resource, "deletion_protection_enabled")
        yield self.expect(
            resource,
            "deletion_protection_enabled",
            bool(on),
            True,
            on,
            "the table can be deleted without first disabling protection",
        )

    def stricter(self, path: str, baseline: object, target: object) -> bool:
        return enabled_is_stricter(path, baseline, target)
