"""S3 readiness rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from paymentaudit.model import Resource, Severity
from paymentaudit.rules.base import FlagRule, Outcome, Rule, RuleContext, register

PAB_FLAGS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)


@register
class S3Versioning(FlagRule):
    id = "S3-VERSIONING"
    severity = Severity.HIGH
    title = "Versioning is enabled on the audit bucket and its replica"
    remediation = "Enable versioning (aws_s3_bucket_versioning status = Enabled)."
    service = "s3"
    resource_types = ("s3.bucket",)
    attribute = "versioning"
    expected = "Enabled"
    failure = "versioning is off: overwritten or deleted audit records cannot be recovered"


@register
class S3Encryption(Rule):
    id = "S3-ENCRYPTION"
    severity = Severity.HIGH
    title = "Default encryption is configured"
    remediation = "Configure default SSE-KMS encryption with the region's CMK and bucket keys."
    service = "s3"
    resource_types = ("s3.bucket",)
    governs = (("s3.bucket", "encryption*"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        enc = ctx.attr(resource, "encryption")
        yield self.expect(
            resource,
            "encryption",
            bool(enc and enc.get("sse_algorithm")),
            "aws:kms",
            None if not enc else enc.get("sse_algorithm"),
            "no default encryption is configured",
        )


@register
class S3PublicAccess(Rule):
    id = "S3-PUBLIC-ACCESS"
    severity = Severity.CRITICAL
    title = "All four public-access-block flags are true"
    remediation = "Add an aws_s3_bucket_public_access_block with all four flags set to true."
    service = "s3"
    resource_types = ("s3.bucket",)
    governs = (("s3.bucket", "public_access_block*"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        pab = ctx.attr(resource, "public_access_block") or {}
        off = [flag for flag in PAB_FLAGS if not pab.get(flag)]
        yield self.expect(
            resource,
            "public_access_block",
            not off,
            dict.fromkeys(PAB_FLAGS, True),
            pab or None,
            f"public access is not fully blocked ({', '.join(off)} off)",
        )


def replication_sources(ctx: RuleContext) -> Iterable[Resource]:
    """Buckets that should replicate: primary-region buckets that are nobody's replica."""
    buckets = ctx.of_type("s3.bucket")
    destinations = set()
    for bucket in buckets:
        replication = bucket.config.get("replication") or {}
        for rule in (replication.get("rules") or {}).values():
            target = ctx.resolve(rule.get("destination_bucket"))
            if target is not None:
                destinations.add(target.physical_id)
    return [b for b in buckets if b.region == ctx.region and b.physical_id not in destinations]


@register
class S3Replication(Rule):
    id = "S3-REPLICATION"
    severity = Severity.HIGH
    title = "The audit bucket replicates, rule enabled, to a bucket in the replica region"
    remediation = (
        "Add an aws_s3_bucket_replication_configuration with an Enabled rule whose destination "
        "is the replica bucket in the replica region (versioning on both sides)."
    )
    service = "s3"
    resource_types = ("s3.bucket",)
    governs = (("s3.bucket", "replication*"),)

    def targets(self, ctx: RuleContext) -> Iterable[Resource]:
        return replication_sources(ctx)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        replication = ctx.attr(resource, "replication")
        if not replication or not replication.get("rules"):
            yield self.failed(
                resource, "replication", "an enabled rule", None, "the bucket does not replicate"
            )
            return
        enabled = [r for r in replication["rules"].values() if r.get("status") == "Enabled"]
        if not enabled:
            yield self.failed(
                resource,
                "replication",
                "an enabled rule",
                "all rules disabled",
                "replication rules exist but none is enabled",
            )
            return
        regions = []
        for rule in enabled:
            dest = ctx.resolve(rule.get("destination_bucket"))
            regions.append(dest.region if dest else None)
        yield self.expect(
            resource,
            "replication",
            ctx.replica_region in regions,
            f"a destination bucket in {ctx.replica_region}",
            [r or "unknown bucket" for r in regions],
            f"no enabled rule replicates to a bucket in {ctx.replica_region}",
        )


@register
class S3Lifecycle(Rule):
    id = "S3-LIFECYCLE"
    severity = Severity.LOW
    title = "Lifecycle rules are configured"
    remediation = (
        "Add lifecycle rules: STANDARD_IA at 30 days, GLACIER at 90, noncurrent versions "
        "expire at 365, incomplete multipart uploads abort after 7."
    )
    service = "s3"
    resource_types = ("s3.bucket",)
    governs = (("s3.bucket", "lifecycle_rules*"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        rules = ctx.attr(resource, "lifecycle_rules") or {}
        enabled = [r for r in rules.values() if r.get("status") == "Enabled"]
        yield self.expect(
            resource,
            "lifecycle_rules",
            bool(enabled),
            "at least one enabled rule",
            len(enabled),
            "no enabled lifecycle rule: storage grows without bound",
        )
