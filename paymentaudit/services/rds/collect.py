"""RDS: Aurora clusters, their instances and subnet groups."""

from __future__ import annotations

from paymentaudit.services.declare import Built, Call, Collector, Item, Ref, Scope


def build_cluster(item: Item, scope: Scope) -> Built:
    """Aurora cluster: engine, encryption, backups, protection, auth, secret, logs."""
    raw = item.raw
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
            g["VpcSecurityGroupId"] for g in raw.get("VpcSecurityGroups", [])
        ),
        "port": raw.get("Port"),
        # As the cluster reports them, by promotion tier then name (the order names them).
        "members": [
            m["DBInstanceIdentifier"]
            for m in sorted(
                raw.get("DBClusterMembers") or [],
                key=lambda m: (m.get("PromotionTier", 1), m["DBInstanceIdentifier"]),
            )
        ],
        "master_user_secret": (raw.get("MasterUserSecret") or {}).get("SecretArn"),
    }
    aliases = tuple(a for a in (raw.get("DbClusterResourceId"), raw.get("Endpoint")) if a)
    return Built(config=config, aliases=aliases)


def build_instance(item: Item, scope: Scope) -> Built:
    """Cluster instance: class, AZ, public access, performance insights."""
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
    aliases = tuple(a for a in (raw.get("DbiResourceId"),) if a)
    return Built(config=config, aliases=aliases)


def build_subnet_group(item: Item, scope: Scope) -> Built:
    """DB subnet group: its VPC and subnets."""
    raw = item.raw
    config = {
        "vpc_id": raw.get("VpcId"),
        "subnet_ids": sorted(s["SubnetIdentifier"] for s in raw.get("Subnets", [])),
    }
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
