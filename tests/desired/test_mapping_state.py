"""A Terraform state file (version 4) mapped to the collectors' model.

The fixture holds every mapped Terraform type with attributes as Terraform stores them: ids
and ARNs instead of references, unset strings as "", unset numbers as 0, blocks as lists,
``tags_all`` next to ``tags``, rules both inline and as rule resources.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from desiredkit import STATE_FILE, normalized

from paymentaudit.desired.mapping import MAPPED, NOT_COMPARED

TAGS = {
    "Environment": "<env>",
    "EnvironmentSuffix": "<env>",
    "ManagedBy": "cdktf",
    "Project": "payment",
}


def test_every_type_of_the_fixture_is_mapped_or_listed(state_desired: Any) -> None:
    doc = json.loads(STATE_FILE.read_text())
    used = {("data." if r["mode"] == "data" else "") + r["type"] for r in doc["resources"]}
    assert used - MAPPED - set(NOT_COMPARED) == set()
    # ...and the fixture covers every mapped type.
    assert MAPPED - used == set()
    assert state_desired.extra["unmapped"] == {
        "aws_iam_policy": 1,
        "aws_lambda_permission": 1,
        "aws_rds_cluster_parameter_group": 1,
        "aws_s3_bucket_ownership_controls": 1,
        "data.aws_caller_identity": 1,
    }


def test_source_account_and_regions(state_desired: Any) -> None:
    assert state_desired.source == "tfstate"
    assert state_desired.account_id == "111122223333"
    assert state_desired.extra["document"]["serial"] == 42
    regions = {(r.type, r.logical_name): r.region for r in state_desired.resources}
    assert regions["kms.key", "alias/payment-replica"] == "us-west-2"
    assert regions["s3.bucket", "payment-audit-logs-replica"] == "us-west-2"


def test_physical_ids_are_the_collectors(state_desired: Any) -> None:
    ids = {(r.type, r.logical_name): r.physical_id for r in state_desired.resources}
    assert ids["ec2.vpc", "payment-vpc"] == "vpc-0a1b2c3d4e5f60718"
    assert ids["elbv2.load_balancer", "payment-alb"] == "payment-alb-prod-abc123"
    assert ids["elbv2.target_group", "payment-blue"] == "payment-blue-prod-abc123"
    assert ids["sns.topic", "payment-alarms"] == "payment-alarms-prod-abc123"
    assert ids["kms.key", "alias/payment"] == "1234abcd-12ab-34cd-56ef-1234567890ab"
    assert ids["ssm.parameter", "app/currency"] == "/prod/app/currency"


def rule(port: Any, source: str, protocol: str = "tcp") -> dict[str, Any]:
    return {"protocol": protocol, "from_port": port, "to_port": port, "source": source}


EXPECTED: list[tuple[str, str, str, Any]] = [
    ("ec2.vpc", "payment-vpc", "nat_gateways", 1),
    ("ec2.vpc", "payment-vpc", "internet_gateway", True),
    ("ec2.vpc", "payment-vpc", "flow_logs.0.log_destination", "/aws/vpc/flow-logs/payment"),
    ("ec2.vpc", "payment-vpc", "flow_logs.0.iam_role_arn", "payment-flow-logs-role"),
    ("ec2.vpc", "payment-vpc", "tags", {**TAGS, "Name": "payment-<env>-vpc-<env>"}),
    ("ec2.subnet", "payment-private-a", "vpc_id", "payment-vpc"),
    (
        "ec2.route_table",
        "payment-private-rt-a",
        "routes",
        [  # the NAT route once (inline and aws_route), the local route, the endpoint's
            {"destination": "0.0.0.0/0", "target": "<nat-id>"},
            {"destination": "10.20.0.0/16", "target": "local"},
            {"destination": "endpoint-prefix-list", "target": "payment-s3-endpoint"},
        ],
    ),
    ("ec2.route_table", "payment-private-rt-a", "subnet_ids", ["payment-private-a"]),
    ("ec2.vpc_endpoint", "payment-s3-endpoint", "route_table_ids", ["payment-private-rt-a"]),
    ("ec2.vpc_endpoint", "payment-s3-endpoint", "policy.Version", "2008-10-17"),
    (
        "ec2.security_group",
        "payment-lambda-sg",
        "egress",  # the prefix list is the endpoint's; the rule resource duplicates one
        [rule(443, "payment-s3-endpoint"), rule(5432, "10.20.0.0/16")],
    ),
    (
        "ec2.security_group",
        "payment-rds-sg",
        "ingress",
        [rule(5432, "10.20.9.0/24"), rule(5432, "payment-lambda-sg")],
    ),
    (
        "ec2.security_group",
        "payment-alb-sg",
        "ingress",  # self: the group itself; protocol -1: all, no ports
        [rule(80, "10.20.0.0/16"), rule(None, "payment-alb-sg", "all")],
    ),
    ("ec2.security_group", "default", "description", "default VPC security group"),
    ("rds.cluster", "payment-aurora-cluster", "members", ["payment-aurora-instance-1"]),
    ("rds.cluster", "payment-aurora-cluster", "vpc_security_group_ids", ["payment-rds-sg"]),
    ("rds.cluster", "payment-aurora-cluster", "manage_master_user_password", True),
    ("rds.instance", "payment-aurora-instance-1", "instance_class", "db.r6g.large"),
    (
        "rds.subnet_group",
        "payment-db-subnets",
        "subnet_ids",
        ["payment-private-a", "payment-private-b"],
    ),
    ("dynamodb.table", "payment-sessions", "range_key", None),
    ("dynamodb.table", "payment-sessions", "stream_view_type", None),
    (
        "dynamodb.table",
        "payment-sessions",
        "global_secondary_indexes.user_id-index.range_key",
        None,
    ),
    ("dynamodb.table", "payment-sessions", "server_side_encryption.kms_key_arn", "alias/payment"),
    (
        "s3.bucket",
        "payment-audit-logs",
        "logging",
        {"target_bucket": "payment-access-logs", "target_prefix": "audit/"},
    ),
    ("s3.bucket", "payment-audit-logs", "mfa_delete", "Disabled"),
    ("s3.bucket", "payment-audit-logs", "replication.rules.payment-audit-logs-replica.priority", 1),
    (
        "s3.bucket",
        "payment-audit-logs",
        "replication.rules.payment-audit-logs-replica.replica_kms_key_id",
        "alias/payment-replica",
    ),
    (
        "s3.bucket",
        "payment-audit-logs",
        "lifecycle_rules.all-objects.transitions",
        [{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 90, "storage_class": "GLACIER"}],
    ),
    ("s3.bucket", "payment-audit-logs", "lifecycle_rules.all-objects.expiration_days", None),
    (
        "s3.bucket",
        "payment-access-logs",  # no encryption or public-access-block resource: S3's defaults
        "encryption",
        {"sse_algorithm": "AES256", "kms_master_key_id": None, "bucket_key_enabled": False},
    ),
    ("s3.bucket", "payment-access-logs", "public_access_block.block_public_policy", True),
    ("s3.bucket", "payment-access-logs", "versioning", "Disabled"),
    ("lambda.function", "payment-processor", "log_group", "/aws/lambda/payment-processor"),
    ("lambda.function", "payment-processor", "sensitive_literal_variables", ["API_TOKEN"]),
    ("lambda.function", "payment-processor", "aliases", ["blue"]),
    (
        "lambda.function",
        "payment-processor",
        "subnet_ids",
        ["payment-private-a", "payment-private-b"],
    ),
    ("logs.log_group", "/aws/lambda/payment-processor", "retention_in_days", None),  # 0: forever
    ("logs.log_group", "/aws/lambda/payment-processor", "kms_key_id", None),  # "": none
    ("elbv2.load_balancer", "payment-alb", "attributes.idle_timeout.timeout_seconds", "60"),
    ("elbv2.load_balancer", "payment-alb", "attributes.access_logs.s3.enabled", "false"),
    (
        "elbv2.load_balancer",
        "payment-alb",
        "listeners.HTTP:80.default_actions",
        [{"type": "forward", "target_groups": {"payment-blue": 100}}],
    ),
    ("elbv2.target_group", "payment-blue", "targets", [{"id": "payment-processor"}]),
    ("elbv2.target_group", "payment-blue", "health_check.matcher", "200"),
    ("cloudwatch.alarm", "payment-rds-cpu-high", "datapoints_to_alarm", None),
    ("cloudwatch.alarm", "payment-rds-cpu-high", "alarm_actions", ["payment-alarms"]),
    (
        "cloudwatch.dashboard",
        "payment-processing",
        "metrics",
        ["AWS/Lambda/Errors", "AWS/RDS/CPUUtilization", "AWS/RDS/DatabaseConnections"],
    ),
    ("sns.topic", "payment-alarms", "subscriptions", 1),
    ("ssm.parameter", "app/currency", "value", "USD"),
    ("ssm.parameter", "app/db-password", "value", "[REDACTED]"),
    ("ssm.parameter", "app/db-password", "key_id", "alias/aws/ssm"),
    ("kms.key", "alias/payment", "key_usage", "ENCRYPT_DECRYPT"),
    ("kms.key", "alias/payment-replica", "enable_key_rotation", False),
    (
        "iam.role",
        "payment-lambda-role",
        "managed_policies.arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        None,
    ),
    ("iam.role", "payment-flow-logs-role", "inline_policies", {}),
]


def _dig(config: Any, path: str) -> Any:
    """Walk a dotted path whose keys may hold dots (tried longest first)."""
    parts = path.split(".")
    while parts:
        for size in range(len(parts), 0, -1):
            key = ".".join(parts[:size])
            if isinstance(config, list) and key.isdigit():
                config, parts = config[int(key)], parts[size:]
                break
            if isinstance(config, dict) and key in config:
                config, parts = config[key], parts[size:]
                break
        else:
            raise KeyError(path)
    return config


@pytest.mark.parametrize(("rtype", "logical", "path", "value"), EXPECTED)
def test_normalized_values(
    state_desired: Any, rtype: str, logical: str, path: str, value: Any
) -> None:
    assert _dig(normalized(state_desired)[rtype, logical], path) == value


def test_the_customer_managed_policy_document_and_the_inline_policy(state_desired: Any) -> None:
    role = normalized(state_desired)["iam.role", "payment-lambda-role"]
    managed = role["managed_policies"]["arn:aws:iam::<account>:policy/payment-audit-read-<env>"]
    assert managed["Statement"][0]["Resource"] == ["payment-audit-logs/*"]
    (inline,) = role["inline_policies"].values()  # inline_policy and aws_iam_role_policy: once
    resources = {r for s in inline["Statement"] for r in s["Resource"]}
    assert resources == {
        "payment-sessions",
        "arn:aws:dynamodb:us-east-1:<account>:table/payment-sessions-<env>/index/*",
        "/aws/lambda/payment-processor",
    }


def test_values_held_in_the_state_never_reach_the_snapshot(state_desired: Any) -> None:
    text = json.dumps(state_desired.to_dict())
    for secret in ("correct-horse-battery-staple", "tok-live-0123456789", "secret:payment-db"):
        assert secret not in text
