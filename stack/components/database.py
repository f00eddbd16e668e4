"""Database: Aurora PostgreSQL 15 (two instances, two AZs), password managed by Secrets Manager."""

from __future__ import annotations

from dataclasses import dataclass

import cdk
from config import PRIMARY_REGION, StackConfig
from policies import allow, assume_role, document

from components.network import Network, sg_rule

ENGINE = "aurora-postgresql"
ENGINE_VERSION = "15.10"
PARAMETER_GROUP_FAMILY = "aurora-postgresql15"
PORT = 5432
MONITORING_INTERVAL_SECONDS = 60
# (instance identifier base, availability zone): the writer and the reader in different AZs.
INSTANCES = (
    ("payment-aurora-instance-1", "us-east-1a"),
    ("payment-aurora-instance-2", "us-east-1b"),
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
    rds_sg = cdk.SecurityGroup(
        scope,
        "rds_sg",
        name=cfg.name("payment-rds-sg"),
        description="Aurora PostgreSQL: 5432 from the payment Lambdas only",
        vpc_id=network.vpc.id,
        ingress=[
            sg_rule(
                "PostgreSQL from the Lambda security group",
                PORT,
                security_groups=[network.lambda_sg.id],
            )
        ],
        egress=[],
        tags={"Name": cfg.name("payment-rds-sg")},
    )
    subnet_group = cdk.DbSubnetGroup(
        scope,
        "db_subnet_group",
        name=cfg.name("payment-db-subnets"),
        description="Private subnets of the payment VPC",
        subnet_ids=network.subnet_ids,
    )
    parameter_group = cdk.RdsClusterParameterGroup(
        scope,
        "db_cluster_parameters",
        name=cfg.name("payment-aurora-params"),
        family=PARAMETER_GROUP_FAMILY,
        description="payment Aurora PostgreSQL 15: TLS only, DDL and slow-query logging",
        parameter=[
            cdk.RdsClusterParameterGroupParameter(
                name="rds.force_ssl", value="1", apply_method="pending-reboot"
            ),
            cdk.RdsClusterParameterGroupParameter(
                name="log_statement", value="ddl", apply_method="immediate"
            ),
            cdk.RdsClusterParameterGroupParameter(
                name="log_min_duration_statement", value="1000", apply_method="immediate"
            ),
        ],
    )

    cluster = cdk.RdsCluster(
        scope,
        "aurora_cluster",
        cluster_identifier=cfg.name("payment-aurora-cluster"),
        engine=ENGINE,
        engine_version=ENGINE_VERSION,
        database_name="payments",
        master_username="payment_admin",
        # Secrets Manager generates, stores and rotates the password: none in code, JSON or state.
        manage_master_user_password=True,
        master_user_secret_kms_key_id=key.arn,
        port=PORT,
        db_subnet_group_name=subnet_group.name,
        db_cluster_parameter_group_name=parameter_group.name,
        vpc_security_group_ids=[rds_sg.id],
        storage_encrypted=True,
        kms_key_id=key.arn,
        iam_database_authentication_enabled=True,
        backup_retention_period=cfg.backup_retention_days,
        preferred_backup_window="03:00-04:00",
        preferred_maintenance_window="sun:05:00-sun:06:00",
        copy_tags_to_snapshot=True,
        enabled_cloudwatch_logs_exports=["postgresql"],
        deletion_protection=cfg.deletion_protection,
        skip_final_snapshot=not cfg.is_prod,
        final_snapshot_identifier=(
            cfg.name("payment-aurora-final-snapshot") if cfg.is_prod else None
        ),
    )

    monitoring_role = _monitoring_role(scope, cfg, account_id)
    for base, az in INSTANCES:
        cdk.RdsClusterInstance(
            scope,
            f"aurora_instance_{base[-1]}",
            identifier=cfg.name(base),
            cluster_identifier=cluster.cluster_identifier,
            instance_class=cfg.db_instance_class,
            engine=ENGINE,
            engine_version=ENGINE_VERSION,
            availability_zone=az,
            db_subnet_group_name=subnet_group.name,
            publicly_accessible=False,
            auto_minor_version_upgrade=True,
            copy_tags_to_snapshot=True,
            performance_insights_enabled=True,
            performance_insights_kms_key_id=key.arn,
            performance_insights_retention_period=7,
            monitoring_interval=MONITORING_INTERVAL_SECONDS,
            monitoring_role_arn=monitoring_role.arn,
        )
    return Database(cluster=cluster)


def _monitoring_role(scope: cdk.TerraformStack, cfg: StackConfig, account_id: str) -> cdk.IamRole:
    """Enhanced monitoring role, scoped to the RDSOSMetrics log group (what the AWS managed
    AmazonRDSEnhancedMonitoringRole grants, without its RDS* wildcard)."""
    role = cdk.IamRole(
        scope,
        "rds_monitoring_role",
        name=cfg.name("payment-rds-monitoring-role"),
        assume_role_policy=assume_role("monitoring.rds.amazonaws.com", account_id),
    )
    log_group = f"arn:aws:logs:{PRIMARY_REGION}:{account_id}:log-group:RDSOSMetrics"
    cdk.IamRolePolicy(
        scope,
        "rds_monitoring_role_policy",
        name=cfg.name("payment-rds-monitoring-policy"),
        role=role.id,
        policy=document(
            allow(
                "ManageRdsOsMetricsLogGroup",
                ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
                [log_group],
            ),
            allow(
                "WriteRdsOsMetricsLogStreams",
                [
                    "logs:CreateLogStream",
                    "logs:DescribeLogStreams",
                    "logs:GetLogEvents",
                    "logs:PutLogEvents",
                ],
                [f"{log_group}:log-stream:*"],
            ),
        ),
    )
    return role
