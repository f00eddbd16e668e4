"""Secrets Manager readiness rules (the cluster's master-user secret)."""

from __future__ import annotations

from collections.abc import Iterator

from paymentaudit.model import Resource, Severity
from paymentaudit.rules.base import FlagRule, Outcome, Rule, RuleContext, register


@register
class SecretRotation(FlagRule):
    id = "SECRET-ROTATION"
    severity = Severity.HIGH
    title = "Rotation is enabled on the environment's secrets"
    remediation = (
        "Turn rotation on (RDS-managed master-user secrets rotate every 7 days by default: "
        "re-enable it with aws secretsmanager rotate-secret, or manage_master_user_password)."
    )
    service = "secretsmanager"
    resource_types = ("secretsmanager.secret",)
    attribute = "rotation_enabled"
    failure = "rotation is off: a leaked database password stays valid"


@register
class SecretKms(Rule):
    id = "SECRET-KMS"
    severity = Severity.MEDIUM
    title = "Secrets are encrypted with the environment's customer-managed key"
    remediation = (
        "Set master_user_secret_kms_key_id on the cluster to the environment's CMK (a "
        "secret without a key uses the AWS-managed aws/secretsmanager key)."
    )
    service = "secretsmanager"
    resource_types = ("secretsmanager.secret",)
    governs = (("secretsmanager.secret", "kms_key_id"),)
    requires = ("secretsmanager", "kms")

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        key_ref = ctx.attr(resource, "kms_key_id")
        key = ctx.resolve(key_ref)
        manager = ctx.attr(key, "key_manager") if key else None
        yield self.expect(
            resource,
            "kms_key_id",
            manager == "CUSTOMER",
            "a customer-managed key of the environment",
            key.logical_name if key else key_ref or "aws/secretsmanager (AWS-managed)",
            "the secret is not encrypted with one of the environment's customer-managed keys",
        )
