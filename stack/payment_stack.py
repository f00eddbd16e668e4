"""PaymentStack: the one stack class, composing the eight component modules (and the optional
audit role of components/audit.py)."""

from __future__ import annotations

import cdk
from components import (
    audit,
    compute,
    database,
    encryption,
    ingress,
    monitoring,
    network,
    sessions,
    storage,
)
from config import PRIMARY_REGION, REPLICA_REGION, StackConfig

from paymentaudit import platform

# (construct id, parameter path): the type and value of each are platform.parameter(<path>).
PARAMETERS = (
    ("param_currency", "app/currency"),
    ("param_max_payment_amount", "app/max-payment-amount"),
    ("param_log_level", "app/log-level"),
    ("param_table_name", "app/table-name"),
)


class PaymentStack(cdk.TerraformStack):
    """The payment platform of one environment suffix (stack id `payment-<suffix>`)."""

    def __init__(self, scope: cdk.Construct, cfg: StackConfig) -> None:
        """Declare the providers, every component, the app's SSM parameters and the outputs."""
        super().__init__(scope, cfg.stack_id)
        self.cfg = cfg
        # Local state next to the code, whatever the cwd (cdktf's default follows the cwd).
        cdk.LocalBackend(self, path=str(cfg.state_file))
        default_tags = [cdk.AwsProviderDefaultTags(tags=cfg.tags)]
        cdk.AwsProvider(self, "aws", region=PRIMARY_REGION, default_tags=default_tags)
        replica = cdk.AwsProvider(
            self, "aws_replica", alias="replica", region=REPLICA_REGION, default_tags=default_tags
        )

        keys = encryption.build(self, cfg, replica)
        account_id = keys.account_id
        net = network.build(self, cfg, keys.key, account_id)
        db = database.build(self, cfg, net, keys.key, account_id)
        table = sessions.build(self, cfg, keys.key).table
        buckets = storage.build(self, cfg, replica, keys.key, keys.replica_key, account_id)
        functions = compute.build(self, cfg, net, keys.key, table, buckets.bucket, account_id)
        lb = ingress.build(self, cfg, net, functions)
        alarms = monitoring.build(
            self, cfg, keys.key, db.cluster, functions.processor, table, lb.alb
        )
        self._parameters(table)
        # The role the auditor assumes: only with AUDIT_PRINCIPAL_ARN (else nothing changes).
        audit_role = audit.build(self, cfg)

        outputs = {
            "vpc_id": (net.vpc.id, "ID of the payment VPC"),
            "rds_cluster_endpoint": (db.cluster.endpoint, "Aurora writer endpoint"),
            "dynamodb_table_name": (table.name, "Sessions table name"),
            "audit_bucket_name": (buckets.bucket.bucket, "Audit log bucket (us-east-1)"),
            "payment_lambda_arn": (functions.processor.arn, "Payment processor function ARN"),
            "alb_dns_name": (lb.alb.dns_name, "Internal ALB DNS name"),
            "alarm_topic_arn": (alarms.topic.arn, "SNS topic of the alarms"),
            "blue_target_group_arn": (lb.blue_target_group.arn, "Blue target group ARN"),
            "green_target_group_arn": (lb.green_target_group.arn, "Green target group ARN"),
            "listener_arn": (lb.listener.arn, "HTTP listener ARN (blue/green weights)"),
        }
        if audit_role is not None:
            outputs["audit_role_arn"] = (audit_role.arn, "Role the auditor assumes (read-only)")
        for output_id, (value, description) in outputs.items():
            cdk.TerraformOutput(self, output_id, value=value, description=description)
        # Every name paymentaudit.platform declares was built, and only those (cfg.name).
        cfg.check_names()

    def _parameters(self, table: cdk.DynamodbTable) -> None:
        """Non-sensitive application settings as String parameters under /<env>/app/."""
        cfg = self.cfg
        refs = {"log_level": cfg.log_level, "table_name": table.name}
        for construct_id, path in PARAMETERS:
            spec = platform.parameter(path)
            cdk.SsmParameter(
                self,
                construct_id,
                name=cfg.param(path),
                type=spec.type,
                value=spec.value.format(**refs),
            )
