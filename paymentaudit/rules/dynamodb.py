"""DynamoDB readiness rules."""

from __future__ import annotations

from collections.abc import Iterator

from paymentaudit.model import Resource, Severity
from paymentaudit.rules.base import (
    FlagRule,
    Outcome,
    Rule,
    RuleContext,
    register,
)


@register
class DdbPitr(FlagRule):
    id = "DDB-PITR"
    severity = Severity.HIGH
    title = "Point-in-time recovery is enabled"
    remediation = "Enable point_in_time_recovery on the table."
    service = "dynamodb"
    resource_types = ("dynamodb.table",)
    attribute = "point_in_time_recovery"
    failure = "point-in-time recovery is off: a bad write cannot be rolled back"


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
            bool(sse.get("enabled")) and sse.get("sse_type") == "KMS",
            "KMS",
            sse.get("sse_type"),
            "the table is encrypted with an AWS-owned key, not KMS",
        )


@register
class DdbDeletionProtection(FlagRule):
    id = "DDB-DELETION-PROTECTION"
    severity = Severity.MEDIUM
    title = "Table deletion protection is on in the target environment"
    remediation = "Set deletion_protection_enabled = true on the table."
    service = "dynamodb"
    resource_types = ("dynamodb.table",)
    attribute = "deletion_protection_enabled"
    failure = "the table can be deleted without first disabling protection"
