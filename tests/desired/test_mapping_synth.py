"""The synthesized stack mapped to the collectors' model: every type, key and value shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from desiredkit import normalized

from paymentaudit.desired.mapping import MAPPED, NOT_COMPARED, SPECS
from paymentaudit.services.cloudwatch.collect import widget_metrics

pytestmark = pytest.mark.synth

TAGS = {
    "Environment": "<env>",
    "EnvironmentSuffix": "<env>",
    "ManagedBy": "cdktf",
    "Project": "payment",
}
KEYS = {
    "cloudwatch.alarm": {"payment-lambda-errors-high", "payment-rds-cpu-high"},
    "cloudwatch.dashboard": {"payment-processing"},
    "dynamodb.table": {"payment-sessions"},
    "ec2.route_table": {"payment-private-rt-a", "payment-private-rt-b", "payment-private-rt-c"},
    "ec2.security_group": {
        "default",
        "payment-alb-sg",
        "payment-endpoint-sg",
        "payment-lambda-sg",
        "payment-rds-sg",
    },
    "ec2.subnet": {"payment-private-a", "payment-private-b", "payment-private-c"},
    "ec2.vpc": {"payment-vpc"},
    "ec2.vpc_endpoint": {
        "payment-dynamodb-endpoint",
        "payment-s3-endpoint",
        "payment-ssm-endpoint",
    },
    "elbv2.load_balancer": {"payment-alb"},
    "elbv2.target_group": {"payment-blue", "payment-green"},
    "iam.role": {
        "payment-flow-logs-role",
        "payment-lambda-role",
        "payment-rds-monitoring-role",
        "payment-s3-replication-role",
    },
    "kms.key": {"alias/payment", "alias/payment-replica"},
    "lambda.function": {"parameter-migration", "payment-processor"},
    "logs.log_group": {
        "/aws/lambda/parameter-migration",
        "/aws/lambda/payment-processor",
        "/aws/vpc/flow-logs/payment",
    },
    "rds.cluster": {"payment-aurora-cluster"},
    "rds.instance": {"payment-aurora-instance-1", "payment-aurora-instance-2"},
    "rds.subnet_group": {"payment-db-subnets"},
    "s3.bucket": {"payment-audit-logs", "payment-audit-logs-replica"},
    "sns.topic": {"payment-alarms"},
    "ssm.parameter": {"app/currency", "app/log-level", "app/max-payment-amount", "app/table-name"},
}
TCP = {"protocol": "tcp"}


def rule(port: int, source: str) -> dict[str, Any]:
    return {**TCP, "from_port": port, "to_port": port, "source": source}


# (type, logical name, path, normalized value) — what the collectors make of the same thing.
EXPECTED: list[tuple[str, str, str, Any]] = [
    ("ec2.vpc", "payment-vpc", "enable_dns_hostnames", True),
    ("ec2.vpc", "payment-vpc", "nat_gateways", 0),
    ("ec2.vpc", "payment-vpc", "internet_gateway", False),
    (
        "ec2.vpc",
        "payment-vpc",
        "flow_logs",
        [
            {
                "traffic_type": "ALL",
                "log_destination_type": "cloud-watch-logs",
                "log_destination": "/aws/vpc/flow-logs/payment",
                "iam_role_arn": "payment-flow-logs-role",
                "max_aggregation_interval": 60,
            }
        ],
    ),
    ("ec2.vpc", "payment-vpc", "tags", {**TAGS, "Name": "payment-<env>-vpc-<env>"}),
    ("ec2.subnet", "payment-private-b", "availability_zone", "us-east-1b"),
    ("ec2.subnet", "payment-private-b", "vpc_id", "payment-vpc"),
    ("ec2.route_table", "payment-private-rt-c", "subnet_ids", ["payment-private-c"]),
    (
        "ec2.route_table",
        "payment-private-rt-c",
        "routes",
        [
            {"destination": "10.0.0.0/16", "target": "local"},
            {"destination": "endpoint-prefix-list", "target": "payment-dynamodb-endpoint"},
            {"destination": "endpoint-prefix-list", "target": "payment-s3-endpoint"},
        ],
    ),
    ("ec2.vpc_endpoint", "payment-ssm-endpoint", "private_dns_enabled", True),
    ("ec2.vpc_endpoint", "payment-ssm-endpoint", "security_group_ids", ["payment-endpoint-sg"]),
    ("ec2.vpc_endpoint", "payment-s3-endpoint", "private_dns_enabled", None),
    (
        "ec2.vpc_endpoint",
        "payment-s3-endpoint",
        "route_table_ids",
        ["payment-private-rt-a", "payment-private-rt-b", "payment-private-rt-c"],
    ),
    ("ec2.security_group", "payment-rds-sg", "ingress", [rule(5432, "payment-lambda-sg")]),
    ("ec2.security_group", "payment-rds-sg", "egress", []),
    (
        "ec2.security_group",
        "payment-lambda-sg",
        "egress",
        [
            rule(443, "10.0.0.0/16"),
            rule(443, "payment-dynamodb-endpoint"),
            rule(443, "payment-s3-endpoint"),
            rule(5432, "10.0.0.0/16"),
        ],
    ),
    ("ec2.security_group", "default", "ingress", []),
    ("ec2.security_group", "default", "egress", []),
    ("ec2.security_group", "default", "tags", {**TAGS, "Name": "payment-default-sg-<env>"}),
    (
        "rds.cluster",
        "payment-aurora-cluster",
        "members",
        ["payment-aurora-instance-1", "payment-aurora-instance-2"],
    ),
    ("rds.cluster", "payment-aurora-cluster", "kms_key_id", "alias/payment"),
    ("rds.cluster", "payment-aurora-cluster", "db_subnet_group_name", "payment-db-subnets"),
    ("rds.cluster", "payment-aurora-cluster", "deletion_protection", True),
    ("rds.instance", "payment-aurora-instance-2", "cluster_identifier", "payment-aurora-cluster"),
    (
        "rds.instance",
        "payment-aurora-instance-2",
        "performance_insights_kms_key_id",
        "alias/payment",
    ),
    ("rds.subnet_group", "payment-db-subnets", "vpc_id", "payment-vpc"),
    ("dynamodb.table", "payment-sessions", "point_in_time_recovery", True),
    (
        "dynamodb.table",
        "payment-sessions",
        "ttl",
        {"enabled": True, "attribute_name": "expires_at"},
    ),
    (
        "dynamodb.table",
        "payment-sessions",
        "server_side_encryption",
        {"enabled": True, "sse_type": "KMS", "kms_key_arn": "alias/payment"},
    ),
    (
        "dynamodb.table",
        "payment-sessions",
        "global_secondary_indexes",
        {
            "user_id-index": {
                "hash_key": "user_id",
                "range_key": None,
                "projection_type": "ALL",
                "non_key_attributes": [],
            }
        },
    ),
    ("s3.bucket", "payment-audit-logs", "versioning", "Enabled"),
    (
        "s3.bucket",
        "payment-audit-logs-replica",
        "encryption",
        {
            "sse_algorithm": "aws:kms",
            "kms_master_key_id": "alias/payment-replica",
            "bucket_key_enabled": True,
        },
    ),
    ("s3.bucket", "payment-audit-logs", "tls_only", True),
    ("s3.bucket", "payment-audit-logs", "logging", None),
    ("s3.bucket", "payment-audit-logs-replica", "replication", None),
    (
        "s3.bucket",
        "payment-audit-logs",
        "replication",
        {
            "role": "payment-s3-replication-role",
            "rules": {
                "payment-audit-logs-replica": {
                    "status": "Enabled",
                    "priority": 1,
                    "destination_bucket": "payment-audit-logs-replica",
                    "storage_class": "STANDARD",
                    "replica_kms_key_id": "alias/payment-replica",
                    "sse_kms_encrypted_objects": "Enabled",
                    "delete_marker_replication": "Enabled",
                }
            },
        },
    ),
    (
        "s3.bucket",
        "payment-audit-logs",
        "lifecycle_rules",
        {
            "all-objects": {
                "status": "Enabled",
                "prefix": "",
                "transitions": [
                    {"days": 30, "storage_class": "STANDARD_IA"},
                    {"days": 90, "storage_class": "GLACIER"},
                ],
                "expiration_days": None,
                "noncurrent_version_expiration_days": 365,
                "noncurrent_version_transitions": [],
                "abort_incomplete_multipart_upload_days": 7,
            }
        },
    ),
    ("s3.bucket", "payment-audit-logs", "tags", TAGS),
    ("lambda.function", "payment-processor", "aliases", ["blue", "green"]),
    ("lambda.function", "payment-processor", "role", "payment-lambda-role"),
    ("lambda.function", "payment-processor", "kms_key_arn", "alias/payment"),
    ("lambda.function", "payment-processor", "reserved_concurrent_executions", 50),
    ("lambda.function", "parameter-migration", "aliases", []),
    (
        "lambda.function",
        "parameter-migration",
        "environment",
        {"LOG_LEVEL": "[REDACTED]", "SOURCE_PATH": "[REDACTED]", "TARGET_PATH": "[REDACTED]"},
    ),
    ("logs.log_group", "/aws/lambda/payment-processor", "retention_in_days", 30),
    ("logs.log_group", "/aws/vpc/flow-logs/payment", "kms_key_id", "alias/payment"),
    ("elbv2.load_balancer", "payment-alb", "security_groups", ["payment-alb-sg"]),
    (
        "elbv2.load_balancer",
        "payment-alb",
        "attributes",
        {
            "deletion_protection.enabled": "true",
            "routing.http.drop_invalid_header_fields.enabled": "true",
        },
    ),
    (
        "elbv2.load_balancer",
        "payment-alb",
        "listeners",
        {
            "HTTP:80": {
                "protocol": "HTTP",
                "port": 80,
                "default_actions": [
                    # Traffic shares: green at weight 0 takes none (see traffic_shares).
                    {"type": "forward", "target_groups": {"payment-blue": 100}}
                ],
            }
        },
    ),
    ("elbv2.target_group", "payment-green", "targets", [{"id": "payment-processor"}]),
    ("elbv2.target_group", "payment-green", "health_check.interval_seconds", 35),
    ("cloudwatch.alarm", "payment-rds-cpu-high", "threshold", 80.0),
    (
        "cloudwatch.alarm",
        "payment-rds-cpu-high",
        "dimensions",
        {"DBClusterIdentifier": "payment-aurora-cluster"},
    ),
    ("cloudwatch.alarm", "payment-lambda-errors-high", "ok_actions", ["payment-alarms"]),
    ("cloudwatch.alarm", "payment-lambda-errors-high", "treat_missing_data", "notBreaching"),
    ("cloudwatch.dashboard", "payment-processing", "widgets", 4),
    ("kms.key", "alias/payment-replica", "aliases", ["alias/payment-replica"]),
    ("kms.key", "alias/payment", "enable_key_rotation", True),
    ("kms.key", "alias/payment", "tags", {**TAGS, "Name": "payment-cmk-<env>"}),
    ("ssm.parameter", "app/table-name", "value", "payment-sessions"),
    ("ssm.parameter", "app/max-payment-amount", "value", "10000"),
    ("sns.topic", "payment-alarms", "kms_master_key_id", "alias/payment"),
    ("sns.topic", "payment-alarms", "subscriptions", 0),
    ("iam.role", "payment-lambda-role", "managed_policies", {}),
]


def test_every_stack_type_is_mapped_or_listed_as_not_compared(prod_synth: Any) -> None:
    doc = json.loads(prod_synth.path.read_text())
    used = set(doc["resource"]) | {f"data.{t}" for t in doc.get("data", {})}
    assert used - MAPPED - set(NOT_COMPARED) == set()
    assert {
        "aws_lambda_permission",
        "aws_rds_cluster_parameter_group",
        "aws_s3_bucket_ownership_controls",
    } <= used
    assert set(SPECS) & set(NOT_COMPARED) == set()


def test_the_keys_are_the_collectors_logical_names(prod_desired: Any) -> None:
    found: dict[str, set[str]] = {}
    for res in prod_desired.resources:
        found.setdefault(res.type, set()).add(res.logical_name)
    assert found == KEYS
    assert prod_desired.source == "cdk.tf.json"
    assert prod_desired.extra["unmapped"] == {
        "aws_lambda_permission": 2,
        "aws_rds_cluster_parameter_group": 1,
        "aws_s3_bucket_ownership_controls": 2,
        "data.aws_caller_identity": 1,
    }


@pytest.mark.parametrize(("rtype", "logical", "path", "value"), EXPECTED)
def test_normalized_values(
    prod_desired: Any, rtype: str, logical: str, path: str, value: Any
) -> None:
    config: Any = normalized(prod_desired)[rtype, logical]
    for part in path.split("."):
        config = config[part]
    assert config == value


def test_regions_follow_the_provider(prod_desired: Any) -> None:
    regions = {(r.type, r.logical_name): r.region for r in prod_desired.resources}
    assert regions["kms.key", "alias/payment-replica"] == "us-west-2"
    assert regions["s3.bucket", "payment-audit-logs-replica"] == "us-west-2"
    assert regions["kms.key", "alias/payment"] == "us-east-1"


def test_policies_are_canonical_documents_with_references_resolved(prod_desired: Any) -> None:
    roles = normalized(prod_desired)
    lambda_role = roles["iam.role", "payment-lambda-role"]
    (policy,) = lambda_role["inline_policies"].values()
    resources = {r for s in policy["Statement"] for r in s["Resource"]}
    assert {
        "payment-sessions",
        "arn:aws:dynamodb:us-east-1:<account>:table/payment-sessions-<env>/index/*",
        "payment-audit-logs/*",
        "alias/payment",
        "/aws/lambda/payment-processor",
        "arn:aws:ssm:us-east-1:<account>:parameter/<env>/*",
        "*",
    } <= resources
    assert not [r for r in resources if "${" in r or "known after apply" in r]
    trust = roles["iam.role", "payment-flow-logs-role"]["assume_role_policy"]
    assert trust["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ["<account>"]}
    }
    bucket_policy = roles["s3.bucket", "payment-audit-logs"]["policy"]
    assert bucket_policy["Statement"][0]["Resource"] == [
        "payment-audit-logs",
        "payment-audit-logs/*",
    ]


def test_the_dashboard_metrics_are_what_widget_metrics_reads(
    prod_synth: Any, prod_desired: Any
) -> None:
    doc = json.loads(prod_synth.path.read_text())
    body = doc["resource"]["aws_cloudwatch_dashboard"]["dashboard"]["dashboard_body"]
    dashboard = normalized(prod_desired)["cloudwatch.dashboard", "payment-processing"]
    assert dashboard["metrics"] == widget_metrics(body)
    assert len(dashboard["metrics"]) == 13


def test_no_secret_or_unresolved_reference_reaches_the_snapshot(prod_desired: Any) -> None:
    text = json.dumps(prod_desired.to_dict())
    assert "${aws_" not in text and "${data." not in text
    for value in ("USD,EUR,GBP", "payment_processor.handler"):
        assert (value in text) is (value == "payment_processor.handler")  # env values: never
