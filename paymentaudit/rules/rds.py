"""RDS readiness rules."""

from __future__ import annotations

from collections.abc import Iterator

from paymentaudit.model import Resource, Severity
from paymentaudit.rules.base import (
    FlagRule,
    NotEvaluated,
    Outcome,
    Rule,
    RuleContext,
    greater_is_stricter,
    register,
)

MIN_BACKUP_DAYS = 7


def cluster_instances(cluster: Resource, ctx: RuleContext) -> list[Resource]:
    """The cluster's members, as the cluster reports them (whatever their names);
    NotEvaluated when a member was not read."""
    members = ctx.attr(cluster, "members") or []
    found = [ctx.resolve(m) for m in members]
    missing = [m for m, res in zip(members, found, strict=True) if res is None]
    if missing:
        raise NotEvaluated(f"member instance(s) {', '.join(missing)} not read")
    return [res for res in found if res is not None]


@register
class RdsEncrypted(Rule):
    id = "RDS-ENCRYPTED"
    severity = Severity.CRITICAL
    title = "Aurora storage is encrypted with a customer-managed KMS key"
    remediation = (
        "Create the cluster with storage_encrypted = true and kms_key_id set to the "
        "environment's customer-managed key (encryption cannot be added in place: restore a "
        "snapshot into an encrypted cluster)."
    )
    service = "rds"
    resource_types = ("rds.cluster",)
    governs = (("rds.cluster", "storage_encrypted"), ("rds.cluster", "kms_key_id"))
    requires = ("rds", "kms")

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        if not ctx.attr(resource, "storage_encrypted"):
            yield self.failed(
                resource, "storage_encrypted", True, False, "cluster storage is not encrypted"
            )
            return
        key_ref = ctx.attr(resource, "kms_key_id")
        key = ctx.resolve(key_ref)
        manager = ctx.attr(key, "key_manager") if key else None
        yield self.expect(
            resource,
            "kms_key_id",
            manager == "CUSTOMER",
            "a customer-managed key of the environment",
            key.logical_name if key else key_ref,
            "storage is encrypted, but not with one of the environment's customer-managed keys",
        )


@register
class RdsPublic(Rule):
    id = "RDS-PUBLIC"
    severity = Severity.CRITICAL
    title = "No Aurora instance is publicly accessible"
    remediation = "Set publicly_accessible = false on every cluster instance."
    service = "rds"
    resource_types = ("rds.instance",)
    governs = (("rds.instance", "publicly_accessible"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        public = ctx.attr(resource, "publicly_accessible")
        yield self.expect(
            resource,
            "publicly_accessible",
            not public,
            False,
            public,
            "instance is publicly accessible",
        )


@register
class RdsBackup(Rule):
    id = "RDS-BACKUP"
    severity = Severity.HIGH
    title = f"Backup retention is at least {MIN_BACKUP_DAYS} days"
    remediation = (
        f"Set backup_retention_period to {MIN_BACKUP_DAYS} days or more "
        "(the stack uses 14 in prod)."
    )
    service = "rds"
    resource_types = ("rds.cluster",)
    governs = (("rds.cluster", "backup_retention_period"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        days = ctx.attr(resource, "backup_retention_period") or 0
        yield self.expect(
            resource,
            "backup_retention_period",
            days >= MIN_BACKUP_DAYS,
            f">= {MIN_BACKUP_DAYS}",
            days,
            f"backups are kept {days} days, fewer than {MIN_BACKUP_DAYS}",
        )

    def stricter(self, path: str, baseline: object, target: object) -> bool:
        return greater_is_stricter(path, baseline, target)


@register
class RdsMultiAz(Rule):
    id = "RDS-MULTI-AZ"
    severity = Severity.HIGH
    title = "The cluster has at least two instances in at least two AZs"
    remediation = "Run two or more cluster instances, in different availability zones."
    service = "rds"
    resource_types = ("rds.cluster",)
    governs = (("rds.cluster", "members"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        instances = cluster_instances(resource, ctx)
        zones = sorted({str(ctx.attr(i, "availability_zone")) for i in instances})
        yield self.expect(
            resource,
            "members",
            len(instances) >= 2 and len(zones) >= 2,
            ">= 2 instances in >= 2 AZs",
            {"instances": len(instances), "availability_zones": zones},
            f"{len(instances)} instance(s) in {len(zones)} AZ(s): a zone outage stops the database",
        )


@register
class RdsManagedSecret(FlagRule):
    id = "RDS-MANAGED-SECRET"
    severity = Severity.HIGH
    title = "The master password is managed by Secrets Manager"
    remediation = (
        "Set manage_master_user_password = true so that no password lives in code or state."
    )
    service = "rds"
    resource_types = ("rds.cluster",)
    attribute = "manage_master_user_password"
    failure = "the master password is not managed by Secrets Manager"


@register
class RdsDeletionProtection(FlagRule):
    id = "RDS-DELETION-PROTECTION"
    severity = Severity.MEDIUM
    title = "Deletion protection is on in the target environment"
    remediation = "Set deletion_protection = true on the cluster."
    service = "rds"
    resource_types = ("rds.cluster",)
    attribute = "deletion_protection"
    failure = "the cluster can be deleted without first disabling protection"
