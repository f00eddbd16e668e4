"""Database: Aurora PostgreSQL 15 (two instances, two AZs), password managed by Secrets Manager."""

from __future__ import annotations

from dataclasses import dataclass

import cdk
from config import PRIMARY_REGION, StackConfig
from policies import assume_role, render

from components.network import Network, sg_rules
from paymentaudit import platform

# Instance identifier bases: their settings (AZ) are platform.db_instance(<base>).
INSTANCES = (
    "payment-aurora-instance-1",
    "payment-aurora-instance-2",
)


@dataclass
class Database:
    """The cluster (its id feeds the alarm and the dashboard)."""

    cluster: cdk.RdsCluster


def build(
    scope: cdk.TerraformStack,
    cfg: StackConfig,
    network: Network,
    key: cdk.KmsKey,
    account_id: str,
) -> Database:
    """Create the security group, subnet group, parameter group, cluster and instances."""
    spec = platform.AURORA
    rds_sg = cdk.SecurityGroup(
        scope,
        "rds_sg",
        name=cfg.name("payment-rds-sg"),
        description=spec.security_group.description,
        vpc_id=network.vpc.id,
        ingress=sg_rules(
            spec.security_group.ingress,
            groups={platform.LAMBDA_SG.name: network.lambda_sg.id},
        ),
        egress=sg_rules(spec.security_group.egress, egress=True),
        tags={"Name": cfg.name("payment-rds-sg")},
    )
    subnet_group = cdk.DbSubnetGroup(
        scope,
        "db_subnet_group",
        name=cfg.name("payment-db-subnets"),
        description=spec.subnet_group_description,
        subnet_ids=network.subnet_ids,
    )
    parameter_group = cdk.RdsClusterParameterGroup(
        scope,
        "db_cluster_parameters",
        name=cfg.name("payment-aurora-params"),
        family=spec.parameter_group_family,
        description=spec.parameter_group_description,
        parameter=[
            cdk.RdsClusterParameterGroupParameter(
                name=p.name, value=p.value, apply_method=p.apply_method
            )
            for p in spec.parameters
        ],
    )

    final_snapshot = cfg.settings.final_snapshot
    cluster = cdk.RdsCluster(
        scope,
        "aurora_cluster",
        cluster_identifier=cfg.name("payment-aurora-cluster"),
        engine=spec.engine,
        engine_version=spec.engine_version,
        database_name=spec.database_name,
        master_username=spec.master_username,
        # Secrets Manager generates, stores and rotates the password: none in code, JSON or state.
        manage_master_user_password=spec.managed_master_password,
        master_user_secret_kms_key_id=key.arn,
        port=spec.port,
        db_subnet_group_name=subnet_group.name,
        db_cluster_parameter_group_name=parameter_group.name,
        vpc_security_group_ids=[rds_sg.id],
        storage_encrypted=spec.storage_encrypted,
        kms_key_id=key.arn,
        iam_database_authentication_enabled=spec.iam_authentication,
        backup_retention_period=cfg.backup_retention_days,
        preferred_backup_window=spec.backup_window,
        preferred_maintenance_window=spec.maintenance_window,
        copy_tags_to_snapshot=spec.copy_tags_to_snapshot,
        enabled_cloudwatch_logs_exports=list(spec.log_exports),
        deletion_protection=cfg.deletion_protection,
        skip_final_snapshot=not final_snapshot,
        final_snapshot_identifier=(
            cfg.name("payment-aurora-final-snapshot") if final_snapshot else None
        ),
    )

    monitoring_role = _monitoring_role(scope, cfg, account_id)
    for base in INSTANCES:
        instance = platform.db_instance(base)
        cdk.RdsClusterInstance(
            scope,
            f"aurora_instance_{base[-1]}",
            identifier=cfg.name(base),
            cluster_identifier=cluster.cluster_identifier,
            instance_class=cfg.db_instance_class,
            engine=spec.engine,
            engine_version=spec.engine_version,
            availability_zone=instance.availability_zone,
            db_subnet_group_name=subnet_group.name,
            publicly_accessible=spec.publicly_accessible,
            auto_minor_version_upgrade=spec.auto_minor_version_upgrade,
            copy_tags_to_snapshot=spec.copy_tags_to_snapshot,
            performance_insights_enabled=spec.performance_insights,
            performance_insights_kms_key_id=key.arn,
            performance_insights_retention_period=spec.performance_insights_retention_days,
            monitoring_interval=spec.monitoring_interval,
            monitoring_role_arn=monitoring_role.arn,
        )
    return Database(cluster=cluster)


def _monitoring_role(scope: cdk.TerraformStack, cfg: StackConfig, account_id: str) -> cdk.IamRole:
    """Enhanced monitoring role, scoped to the RDSOSMetrics log group (what the AWS managed
    AmazonRDSEnhancedMonitoringRole grants, without its RDS* wildcard)."""
    spec = platform.AURORA
    role = cdk.IamRole(
        scope,
        "rds_monitoring_role",
        name=cfg.name("payment-rds-monitoring-role"),
        assume_role_policy=assume_role(
            spec.monitoring_role.service, account_id if spec.monitoring_role.scoped else None
        ),
    )
    cdk.IamRolePolicy(
        scope,
        "rds_monitoring_role_policy",
        name=cfg.name("payment-rds-monitoring-policy"),
        role=role.id,
        policy=render(spec.monitoring_statements, region=PRIMARY_REGION, account_id=account_id),
    )
    return role
