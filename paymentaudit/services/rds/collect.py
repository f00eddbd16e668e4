"""RDS: Aurora clusters, their instances and subnet groups.

Members missing from a response (DescribeDBClusters' ``DBCluster``, DescribeDBInstances'
``DBInstance``), decided member by member from the RDS API reference:

* Unknown when absent (``item.errors[<attribute>] = "<Member> not in the response"``: not
  compared, and a rule reading the attribute is not evaluated). RDS returns these for every
  cluster or instance: ``StorageEncrypted``, ``BackupRetentionPeriod``, ``DeletionProtection``
  (never read as off), ``DBClusterMembers`` (or a member without its
  ``DBInstanceIdentifier``); ``KmsKeyId`` of a cluster whose storage is encrypted;
  ``PubliclyAccessible`` and ``AvailabilityZone`` of an instance; ``Subnets`` of a subnet group
  (or a subnet without its ``SubnetIdentifier``).
* Absent with a documented meaning, kept: ``MasterUserSecret`` (the master password is not
  managed in Secrets Manager: the member is "the secret managed by RDS"); ``KmsKeyId`` of a
  cluster whose storage is not encrypted (only an encrypted cluster has one);
  ``EnabledCloudwatchLogsExports`` and ``VpcSecurityGroups`` (none);
  ``PerformanceInsightsEnabled`` (read as off, as before: RDS leaves it out where Performance
  Insights does not apply, and moto never returns it; no rule reads it).
"""

from __future__ import annotations

from typing import Any

from paymentaudit.services.declare import Built, Call, Collector, Item, Ref, Scope

# Members RDS returns for every cluster / instance -> the attribute unknown when one is missing.
CLUSTER_ALWAYS = {
    "StorageEncrypted": "storage_encrypted",
    "BackupRetentionPeriod": "backup_retention_period",
    "DeletionProtection": "deletion_protection",
    "DBClusterMembers": "members",
}
INSTANCE_ALWAYS = {
    "PubliclyAccessible": "publicly_accessible",
    "AvailabilityZone": "availability_zone",
}


def _unknown(
    item: Item, config: dict[str, Any], raw: dict[str, Any], members: dict[str, str]
) -> None:
    """Each member of ``members`` missing from ``raw`` makes its attribute unknown."""
    for member, attribute in members.items():
        if raw.get(member) is None:
            item.errors.setdefault(attribute, f"{member} not in the response")
            config[attribute] = None


def build_cluster(item: Item, scope: Scope) -> Built:
    """Aurora cluster: engine, encryption, backups, protection, auth, secret, logs; an
    always-returned member that is missing makes its attribute unknown (see the docstring)."""
    raw = item.raw
    members = raw.get("DBClusterMembers") or []
    config = {
        "engine": raw.get("Engine"),
        "engine_version": raw.get("EngineVersion"),
        "engine_mode": raw.get("EngineMode"),
        "storage_encrypted": raw.get("StorageEncrypted"),
        "kms_key_id": raw.get("KmsKeyId"),
        "backup_retention_period": raw.get("BackupRetentionPeriod"),
        "preferred_backup_window": raw.get("PreferredBackupWindow"),
        "deletion_protection": raw.get("DeletionProtection"),
        "iam_database_authentication_enabled": raw.get("IAMDatabaseAuthenticationEnabled"),
        "manage_master_user_password": bool(raw.get("MasterUserSecret")),
        "master_username": raw.get("MasterUsername"),
        "enabled_cloudwatch_logs_exports": sorted(raw.get("EnabledCloudwatchLogsExports") or []),
        "copy_tags_to_snapshot": raw.get("CopyTagsToSnapshot"),
        "db_subnet_group_name": raw.get("DBSubnetGroup"),
        "vpc_security_group_ids": sorted(
            str(g.get("VpcSecurityGroupId"))
            for g in raw.get("VpcSecurityGroups") or []
            if g.get("VpcSecurityGroupId")
        ),
        "port": raw.get("Port"),
        # As the cluster reports them, by promotion tier then name (the order names them).
        "members": [
            str(m["DBInstanceIdentifier"])
            for m in sorted(
                (m for m in members if m.get("DBInstanceIdentifier") is not None),
                key=lambda m: (_tier(m.get("PromotionTier")), str(m["DBInstanceIdentifier"])),
            )
        ],
        "master_user_secret": (raw.get("MasterUserSecret") or {}).get("SecretArn"),
    }
    _unknown(item, config, raw, CLUSTER_ALWAYS)
    if any(m.get("DBInstanceIdentifier") is None for m in members):
        item.errors.setdefault(
            "members", "DBClusterMembers[].DBInstanceIdentifier not in the response"
        )
        config["members"] = None
    if raw.get("StorageEncrypted") and raw.get("KmsKeyId") is None:
        item.errors.setdefault("kms_key_id", "KmsKeyId not in the response")
    aliases = tuple(a for a in (raw.get("DbClusterResourceId"), raw.get("Endpoint")) if a)
    return Built(config=config, aliases=aliases)


def _tier(value: Any) -> int:
    """A member's promotion tier (1 when not reported, the RDS default)."""
    return value if isinstance(value, int) else 1


def build_instance(item: Item, scope: Scope) -> Built:
    """Cluster instance: class, AZ, public access, performance insights; an always-returned
    member that is missing makes its attribute unknown (see the module docstring)."""
    raw = item.raw
    config = {
        "cluster_identifier": raw.get("DBClusterIdentifier"),
        "instance_class": raw.get("DBInstanceClass"),
        "engine": raw.get("Engine"),
        "availability_zone": raw.get("AvailabilityZone"),
        "publicly_accessible": raw.get("PubliclyAccessible"),
        "performance_insights_enabled": raw.get("PerformanceInsightsEnabled", False),
        "performance_insights_kms_key_id": raw.get("PerformanceInsightsKMSKeyId"),
        "auto_minor_version_upgrade": raw.get("AutoMinorVersionUpgrade"),
        "monitoring_interval": raw.get("MonitoringInterval"),
    }
    _unknown(item, config, raw, INSTANCE_ALWAYS)
    aliases = tuple(a for a in (raw.get("DbiResourceId"),) if a)
    return Built(config=config, aliases=aliases)


def build_subnet_group(item: Item, scope: Scope) -> Built:
    """DB subnet group: its VPC and subnets."""
    raw = item.raw
    subnets = raw.get("Subnets")
    config = {
        "vpc_id": raw.get("VpcId"),
        "subnet_ids": sorted(str(s.get("SubnetIdentifier")) for s in subnets or []),
    }
    if subnets is None or any(s.get("SubnetIdentifier") is None for s in subnets):
        item.errors.setdefault("subnet_ids", "Subnets not in the response")
        config["subnet_ids"] = None
    return Built(config=config)


CLUSTER = Collector(
    service="rds",
    type="rds.cluster",
    list=Call("describe_db_clusters", result="DBClusters", paginate=True),
    id="DBClusterIdentifier",
    arn="DBClusterArn",
    tags="TagList",
    refs=(
        Ref("rds.instance", "members", label="member"),
        Ref("secretsmanager.secret", "master_user_secret", label="master-user-secret"),
        Ref("rds.subnet_group", "db_subnet_group_name", label="subnet-group"),
        Ref("kms.key", "kms_key_id", label="storage-key"),
    ),
    build=build_cluster,
)

INSTANCE = Collector(
    service="rds",
    type="rds.instance",
    list=Call("describe_db_instances", result="DBInstances", paginate=True),
    id="DBInstanceIdentifier",
    arn="DBInstanceArn",
    tags="TagList",
    refs=(Ref("kms.key", "performance_insights_kms_key_id", label="performance-insights-key"),),
    build=build_instance,
)

SUBNET_GROUP = Collector(
    service="rds",
    type="rds.subnet_group",
    list=Call("describe_db_subnet_groups", result="DBSubnetGroups", paginate=True),
    id="DBSubnetGroupName",
    arn="DBSubnetGroupArn",
    build=build_subnet_group,
)

COLLECTORS = (CLUSTER, INSTANCE, SUBNET_GROUP)
