"""The database: the Aurora PostgreSQL cluster, its instances, parameters, security group and
enhanced-monitoring role."""

from __future__ import annotations

from dataclasses import dataclass

from paymentaudit.platform.iam import Role, Statement
from paymentaudit.platform.network import LAMBDA_SG, POSTGRES_PORT, SecurityGroup, SgRule


@dataclass(frozen=True)
class DbInstance:
    """An Aurora instance: its identifier (a base, or a pattern holding ``{suffix}``) and AZ."""

    name: str
    availability_zone: str


@dataclass(frozen=True)
class ClusterParameter:
    """One parameter of the cluster parameter group."""

    name: str
    value: str
    apply_method: str


@dataclass(frozen=True)
class Aurora:
    """The Aurora PostgreSQL cluster, its instances and what they need."""

    cluster: str
    engine: str
    engine_version: str
    parameter_group_family: str
    port: int
    database_name: str
    master_username: str
    backup_window: str
    maintenance_window: str
    log_exports: tuple[str, ...]
    instances: tuple[DbInstance, ...]
    subnet_group: str
    subnet_group_description: str
    parameter_group: str
    parameter_group_description: str
    parameters: tuple[ClusterParameter, ...]
    final_snapshot: str  # prod only
    security_group: SecurityGroup
    monitoring_role: Role
    monitoring_statements: tuple[Statement, ...]
    monitoring_interval: int
    performance_insights_retention_days: int
    managed_master_password: bool = True  # Secrets Manager holds and rotates it
    storage_encrypted: bool = True
    iam_authentication: bool = True
    performance_insights: bool = True
    copy_tags_to_snapshot: bool = True
    publicly_accessible: bool = False
    auto_minor_version_upgrade: bool = True


_RDS_OS_METRICS = "arn:aws:logs:{region}:{account_id}:log-group:RDSOSMetrics"
AURORA = Aurora(
    cluster="payment-aurora-cluster",
    engine="aurora-postgresql",
    engine_version="15.10",
    parameter_group_family="aurora-postgresql15",
    port=POSTGRES_PORT,
    database_name="payments",
    master_username="payment_admin",
    backup_window="03:00-04:00",
    maintenance_window="sun:05:00-sun:06:00",
    log_exports=("postgresql",),
    # The writer and the reader in different AZs.
    instances=(
        DbInstance("payment-aurora-instance-1", "us-east-1a"),
        DbInstance("payment-aurora-instance-2", "us-east-1b"),
    ),
    subnet_group="payment-db-subnets",
    subnet_group_description="Private subnets of the payment VPC",
    parameter_group="payment-aurora-params",
    parameter_group_description=(
        "payment Aurora PostgreSQL 15: TLS only, DDL and slow-query logging"
    ),
    parameters=(
        ClusterParameter("rds.force_ssl", "1", "pending-reboot"),
        ClusterParameter("log_statement", "ddl", "immediate"),
        ClusterParameter("log_min_duration_statement", "1000", "immediate"),
    ),
    final_snapshot="payment-aurora-final-snapshot",
    security_group=SecurityGroup(
        "payment-rds-sg",
        "Aurora PostgreSQL: 5432 from the payment Lambdas only",
        ingress=(
            SgRule("PostgreSQL from the Lambda security group", POSTGRES_PORT, LAMBDA_SG.name),
        ),
    ),
    # Enhanced monitoring, scoped to the RDSOSMetrics log group (what the AWS managed
    # AmazonRDSEnhancedMonitoringRole grants, without its RDS* wildcard).
    monitoring_role=Role(
        "payment-rds-monitoring-role",
        "payment-rds-monitoring-policy",
        "monitoring.rds.amazonaws.com",
        scoped=True,
    ),
    monitoring_statements=(
        Statement(
            "ManageRdsOsMetricsLogGroup",
            ("logs:CreateLogGroup", "logs:PutRetentionPolicy"),
            (_RDS_OS_METRICS,),
        ),
        Statement(
            "WriteRdsOsMetricsLogStreams",
            (
                "logs:CreateLogStream",
                "logs:DescribeLogStreams",
                "logs:GetLogEvents",
                "logs:PutLogEvents",
            ),
            (f"{_RDS_OS_METRICS}:log-stream:*",),
        ),
    ),
    monitoring_interval=60,
    performance_insights_retention_days=7,
)


def db_instance(name_base: str) -> DbInstance:
    """The stack's Aurora instance named ``name_base`` (KeyError when none is declared)."""
    return {i.name: i for i in AURORA.instances}[name_base]
