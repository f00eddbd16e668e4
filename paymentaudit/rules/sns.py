"""SNS readiness rules."""

from __future__ import annotations

from collections.abc import Iterator

from paymentaudit.model import Resource, Severity
from paymentaudit.rules.base import Outcome, Rule, RuleContext, register


@register
class SnsEncryption(Rule):
    id = "SNS-ENCRYPTION"
    severity = Severity.MEDIUM
    title = "The alarm topic is encrypted with KMS"
    remediation = "Set kms_master_key_id on the topic to the environment's CMK."
    service = "sns"
    resource_types = ("sns.topic",)
    governs = (("sns.topic", "kms_master_key_id"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        key = ctx.attr(resource, "kms_master_key_id")
        yield self.expect(
            resource,
            "kms_master_key_id",
            bool(key),
            "a KMS key",
            key,
            "the topic is not encrypted at rest",
        )
