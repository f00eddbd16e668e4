"""Every required physical name, asserted on the synthesized Terraform JSON (prod and dev):
the naming table, the replica region's resources, the suffix on every name, the name bases
as literals in stack/, and the SSM parameters."""

from __future__ import annotations

import pytest
from stacktest import Synth, string_literals

pytestmark = pytest.mark.synth


REPLICA = "aws.replica"


def expected_names(s: str, env: str) -> list[tuple[str, str, str]]:
    """(resource type, attribute or "Name" for tags.Name, exact value) from the naming table."""
    return [
        ("aws_vpc", "Name", f"payment-{env}-vpc-{s}"),
        ("aws_subnet", "Name", f"payment-private-a-{s}"),
        ("aws_subnet", "Name", f"payment-private-b-{s}"),
        ("aws_subnet", "Name", f"payment-private-c-{s}"),
        ("aws_route_table", "Name", f"payment-private-rt-a-{s}"),
        ("aws_route_table", "Name", f"payment-private-rt-b-{s}"),
        ("aws_route_table", "Name", f"payment-private-rt-c-{s}"),
        ("aws_security_group", "name", f"payment-alb-sg-{s}"),
        ("aws_security_group", "name", f"payment-lambda-sg-{s}"),
        ("aws_security_group", "name", f"payment-rds-sg-{s}"),
        ("aws_vpc_endpoint", "Name", f"payment-s3-endpoint-{s}"),
        ("aws_vpc_endpoint", "Name", f"payment-dynamodb-endpoint-{s}"),
        ("aws_vpc_endpoint", "Name", f"payment-ssm-endpoint-{s}"),
        ("aws_kms_alias", "name", f"alias/payment-{s}"),
        ("aws_kms_alias", "name", f"alias/payment-replica-{s}"),
        ("aws_rds_cluster", "cluster_identifier", f"payment-aurora-cluster-{s}"),
        ("aws_rds_cluster_instance", "identifier", f"payment-aurora-instance-1-{s}"),
        ("aws_rds_cluster_instance", "identifier", f"payment-aurora-instance-2-{s}"),
        ("aws_db_subnet_group", "name", f"payment-db-subnets-{s}"),
        ("aws_dynamodb_table", "name", f"payment-sessions-{s}"),
        ("aws_s3_bucket", "bucket", f"payment-audit-logs-{s}"),
        ("aws_s3_bucket", "bucket", f"payment-audit-logs-replica-{s}"),
        ("aws_lambda_function", "function_name", f"payment-processor-{s}"),
        ("aws_lambda_function", "function_name", f"parameter-migration-{s}"),
        ("aws_cloudwatch_log_group", "name", f"/aws/lambda/payment-processor-{s}"),
        ("aws_cloudwatch_log_group", "name", f"/aws/lambda/parameter-migration-{s}"),
        ("aws_cloudwatch_log_group", "name", f"/aws/vpc/flow-logs/payment-{s}"),
        ("aws_iam_role", "name", f"payment-lambda-role-{s}"),
        ("aws_iam_role", "name", f"payment-s3-replication-role-{s}"),
        ("aws_iam_role", "name", f"payment-flow-logs-role-{s}"),
        ("aws_lb", "name", f"payment-alb-{s}"),
        ("aws_lb_target_group", "name", f"payment-blue-{s}"),
        ("aws_lb_target_group", "name", f"payment-green-{s}"),
        ("aws_sns_topic", "name", f"payment-alarms-{s}"),
        ("aws_cloudwatch_metric_alarm", "alarm_name", f"payment-rds-cpu-high-{s}"),
        ("aws_cloudwatch_metric_alarm", "alarm_name", f"payment-lambda-errors-high-{s}"),
        ("aws_cloudwatch_dashboard", "dashboard_name", f"payment-processing-{s}"),
    ]


def test_every_name_in_the_naming_table(stack: Synth) -> None:
    for rtype, attr, value in expected_names(stack.suffix, stack.environment):
        stack.by_attr(rtype, attr, value)


def test_replica_resources_are_in_us_west_2(stack: Synth) -> None:
    s = stack.suffix
    assert (
        stack.by_attr("aws_kms_alias", "name", f"alias/payment-replica-{s}")["provider"] == REPLICA
    )
    assert stack.by_attr("aws_kms_alias", "name", f"alias/payment-{s}").get("provider") is None
    replica = stack.by_attr("aws_s3_bucket", "bucket", f"payment-audit-logs-replica-{s}")
    assert replica["provider"] == REPLICA
    assert (
        stack.by_attr("aws_s3_bucket", "bucket", f"payment-audit-logs-{s}").get("provider") is None
    )
    on_replica = sorted(
        f"{rtype}.{name}"
        for rtype, items in stack.doc["resource"].items()
        for name, body in items.items()
        if body.get("provider") == REPLICA
    )
    assert on_replica == [
        "aws_kms_alias.replica_cmk_alias",
        "aws_kms_key.replica_cmk",
        "aws_s3_bucket.audit_replica_bucket",
        "aws_s3_bucket_lifecycle_configuration.audit_replica_bucket_lifecycle",
        "aws_s3_bucket_ownership_controls.audit_replica_bucket_ownership",
        "aws_s3_bucket_policy.audit_replica_bucket_policy",
        "aws_s3_bucket_public_access_block.audit_replica_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration.audit_replica_bucket_encryption",
        "aws_s3_bucket_versioning.audit_replica_bucket_versioning",
    ]


NAME_ATTRS = (
    "name",
    "bucket",
    "function_name",
    "cluster_identifier",
    "identifier",
    "alarm_name",
    "dashboard_name",
    "final_snapshot_identifier",
)
# Names the spec fixes outside the payment-<...>-<suffix> pattern.
UNSCOPED = {"aws_lambda_alias", "aws_ssm_parameter"}


def physical_names(stack: Synth) -> list[tuple[str, str]]:
    """(where, value) of every literal physical name and Name tag."""
    found = []
    for rtype, items in stack.doc["resource"].items():
        if rtype in UNSCOPED:
            continue
        for logical, body in items.items():
            for attr in NAME_ATTRS:
                value = body.get(attr)
                if isinstance(value, str) and "${" not in value:
                    found.append((f"{rtype}.{logical}.{attr}", value))
            name_tag = body.get("tags", {}).get("Name")
            if name_tag:
                found.append((f"{rtype}.{logical}.tags.Name", name_tag))
    return found


def test_every_physical_name_is_scoped_to_the_suffix(stack: Synth) -> None:
    s = stack.suffix
    allowed_prefixes = ("payment-", "alias/payment-", "/aws/vpc/flow-logs/payment-")
    allowed_exact = {
        f"parameter-migration-{s}",
        f"/aws/lambda/payment-processor-{s}",
        f"/aws/lambda/parameter-migration-{s}",
    }
    names = physical_names(stack)
    assert len(names) > 40
    for where, value in names:
        assert value.endswith(f"-{s}"), f"{where}={value!r} does not end with -{s}"
        assert value.startswith(allowed_prefixes) or value in allowed_exact, f"{where}={value!r}"


def test_every_physical_name_base_is_a_literal_in_stack_sources(stack: Synth) -> None:
    """The audit library's locator finds cfg.name("<base>") literals in stack/*.py."""
    literals = string_literals()
    vpc_name = f"payment-{stack.environment}-vpc-{stack.suffix}"
    for where, value in physical_names(stack):
        base = "payment-vpc" if value == vpc_name else value[: -len(stack.suffix) - 1]
        assert base in literals, f"{where}: no literal {base!r} in stack/"


def test_ssm_parameters(stack: Synth) -> None:
    env = stack.environment
    params = {p["name"]: p for p in stack.resources("aws_ssm_parameter").values()}
    table_ref = stack.ref("aws_dynamodb_table", "sessions_table", "name")
    assert {name: p["value"] for name, p in params.items()} == {
        f"/{env}/app/currency": "USD",
        f"/{env}/app/max-payment-amount": "10000",
        f"/{env}/app/log-level": "INFO",
        f"/{env}/app/table-name": table_ref,
    }
    assert {p["type"] for p in params.values()} == {"String"}
