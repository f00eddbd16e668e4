"""Every required name and setting, asserted on the synthesized Terraform JSON (prod and dev)."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import pytest
from stacktest import STACK_DIR, Synth, string_literals

pytestmark = pytest.mark.synth

TAG_KEYS = {"Project", "Environment", "EnvironmentSuffix", "ManagedBy"}
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


# --- tags and providers ------------------------------------------------------------------------


def test_both_providers_carry_the_default_tags(stack: Synth) -> None:
    providers = stack.doc["provider"]["aws"]
    assert len(providers) == 2
    tags = {
        "Project": "payment",
        "Environment": stack.environment,
        "EnvironmentSuffix": stack.suffix,
        "ManagedBy": "cdktf",
    }
    default, replica = sorted(providers, key=lambda p: p.get("alias", ""))
    assert default["region"] == "us-east-1" and "alias" not in default
    assert replica["region"] == "us-west-2" and replica["alias"] == "replica"
    for provider in providers:
        assert provider["default_tags"] == [{"tags": tags}]


def test_no_resource_overrides_the_default_tags(stack: Synth) -> None:
    for rtype, items in stack.doc["resource"].items():
        for logical, body in items.items():
            assert not TAG_KEYS & set(body.get("tags", {})), f"{rtype}.{logical} overrides tags"


def test_outputs(stack: Synth) -> None:
    assert set(stack.doc["output"]) == {
        "vpc_id",
        "rds_cluster_endpoint",
        "dynamodb_table_name",
        "audit_bucket_name",
        "payment_lambda_arn",
        "alb_dns_name",
        "alarm_topic_arn",
        "blue_target_group_arn",
        "green_target_group_arn",
        "listener_arn",
    }
    out = {k: v["value"] for k, v in stack.doc["output"].items()}
    assert out["vpc_id"] == stack.ref("aws_vpc", "vpc", "id")
    assert out["rds_cluster_endpoint"] == stack.ref("aws_rds_cluster", "aurora_cluster", "endpoint")
    assert out["listener_arn"] == stack.ref("aws_lb_listener", "http_listener", "arn")
    assert out["payment_lambda_arn"] == stack.ref(
        "aws_lambda_function", "processor_function", "arn"
    )


def test_local_state_file_is_next_to_the_stack(stack: Synth) -> None:
    # The path is absolute and names this checkout's stack/: a synth cached by another checkout
    # (same sources, other path) must never be served here.
    backend = stack.doc["terraform"]["backend"]["local"]["path"]
    assert backend == str(STACK_DIR / f"terraform.payment-{stack.suffix}.tfstate")


# --- network -----------------------------------------------------------------------------------


def test_vpc(stack: Synth) -> None:
    vpc = stack.resource("aws_vpc", "vpc")
    assert vpc["cidr_block"] == "10.0.0.0/16"
    assert vpc["enable_dns_support"] is True and vpc["enable_dns_hostnames"] is True


def test_private_subnets_and_route_tables(stack: Synth) -> None:
    s = stack.suffix
    vpc_id = stack.ref("aws_vpc", "vpc", "id")
    layout = {"a": ("us-east-1a", "10.0.1.0/24"), "b": ("us-east-1b", "10.0.2.0/24")}
    layout["c"] = ("us-east-1c", "10.0.3.0/24")
    assert len(stack.resources("aws_subnet")) == 3
    associations = stack.resources("aws_route_table_association")
    assert len(associations) == 3
    pairs = {(a["subnet_id"], a["route_table_id"]) for a in associations.values()}
    for letter, (az, cidr) in layout.items():
        subnet = stack.resource("aws_subnet", f"private_subnet_{letter}")
        assert subnet["tags"]["Name"] == f"payment-private-{letter}-{s}"
        assert (subnet["availability_zone"], subnet["cidr_block"]) == (az, cidr)
        assert subnet["map_public_ip_on_launch"] is False
        assert subnet["vpc_id"] == vpc_id
        route_table = stack.resource("aws_route_table", f"private_rt_{letter}")
        assert route_table["vpc_id"] == vpc_id
        assert not route_table.get("route"), "private route tables have no routes"
        assert (
            stack.ref("aws_subnet", f"private_subnet_{letter}", "id"),
            stack.ref("aws_route_table", f"private_rt_{letter}", "id"),
        ) in pairs


def test_no_nat_or_internet_gateway(stack: Synth) -> None:
    forbidden = {
        "aws_nat_gateway",
        "aws_internet_gateway",
        "aws_egress_only_internet_gateway",
        "aws_eip",
        "aws_route",
    }
    assert not forbidden & set(stack.doc["resource"])


def test_vpc_endpoints(stack: Synth) -> None:
    route_tables = sorted(stack.ref("aws_route_table", f"private_rt_{x}", "id") for x in "abc")
    subnets = sorted(stack.ref("aws_subnet", f"private_subnet_{x}", "id") for x in "abc")
    for service in ("s3", "dynamodb"):
        endpoint = stack.resource("aws_vpc_endpoint", f"{service}_endpoint")
        assert endpoint["service_name"] == f"com.amazonaws.us-east-1.{service}"
        assert endpoint["vpc_endpoint_type"] == "Gateway"
        assert sorted(endpoint["route_table_ids"]) == route_tables
    ssm = stack.resource("aws_vpc_endpoint", "ssm_endpoint")
    assert ssm["service_name"] == "com.amazonaws.us-east-1.ssm"
    assert ssm["vpc_endpoint_type"] == "Interface"
    assert ssm["private_dns_enabled"] is True
    assert sorted(ssm["subnet_ids"]) == subnets
    (sg_ref,) = ssm["security_group_ids"]
    sg = stack.resource("aws_security_group", sg_ref.split(".")[1])
    assert [(r["from_port"], r["to_port"], r["cidr_blocks"]) for r in sg["ingress"]] == [
        (443, 443, ["10.0.0.0/16"])
    ]


def test_flow_logs(stack: Synth) -> None:
    flow_log = stack.resource("aws_flow_log", "flow_log")
    log_group = stack.resource("aws_cloudwatch_log_group", "flow_log_group")
    assert flow_log["vpc_id"] == stack.ref("aws_vpc", "vpc", "id")
    assert flow_log["traffic_type"] == "ALL"
    assert flow_log["log_destination_type"] == "cloud-watch-logs"
    assert flow_log["log_destination"] == stack.ref(
        "aws_cloudwatch_log_group", "flow_log_group", "arn"
    )
    assert flow_log["iam_role_arn"] == stack.ref("aws_iam_role", "flow_log_role", "arn")
    assert log_group["retention_in_days"] == (30 if stack.environment == "prod" else 7)
    assert log_group["kms_key_id"] == stack.ref("aws_kms_key", "cmk", "arn")
    trust = json.loads(stack.resource("aws_iam_role", "flow_log_role")["assume_role_policy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    policy = json.loads(stack.resource("aws_iam_role_policy", "flow_log_role_policy")["policy"])
    (statement,) = policy["Statement"]
    assert set(statement["Action"]) == {
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
    }
    group_arn = stack.ref("aws_cloudwatch_log_group", "flow_log_group", "arn")
    assert statement["Resource"] == [group_arn, f"{group_arn}:*"]


def test_default_security_group_denies_everything(stack: Synth) -> None:
    (default_sg,) = stack.resources("aws_default_security_group").values()
    assert default_sg["vpc_id"] == stack.ref("aws_vpc", "vpc", "id")
    assert not default_sg.get("ingress") and not default_sg.get("egress")


# --- encryption --------------------------------------------------------------------------------


def test_kms_keys(stack: Synth) -> None:
    window = 30 if stack.environment == "prod" else 7
    account = "${data.aws_caller_identity.current.account_id}"
    assert "current" in stack.doc["data"]["aws_caller_identity"]
    for logical in ("cmk", "replica_cmk"):
        key = stack.resource("aws_kms_key", logical)
        assert key["enable_key_rotation"] is True
        assert key["deletion_window_in_days"] == window
        policy = json.loads(key["policy"])
        root = policy["Statement"][0]
        assert root["Principal"] == {"AWS": f"arn:aws:iam::{account}:root"}
    statements = json.loads(stack.resource("aws_kms_key", "cmk")["policy"])["Statement"]
    services: set[str] = set()
    for statement in statements:
        service = statement["Principal"].get("Service", [])
        services |= {service} if isinstance(service, str) else set(service)
    assert {"logs.us-east-1.amazonaws.com", "sns.amazonaws.com"} <= services
    aliases = {a["name"]: a["target_key_id"] for a in stack.resources("aws_kms_alias").values()}
    assert aliases[f"alias/payment-{stack.suffix}"] == stack.ref("aws_kms_key", "cmk", "key_id")
    assert aliases[f"alias/payment-replica-{stack.suffix}"] == stack.ref(
        "aws_kms_key", "replica_cmk", "key_id"
    )


def test_logs_key_grant_covers_the_stack_log_groups(stack: Synth) -> None:
    statements = json.loads(stack.resource("aws_kms_key", "cmk")["policy"])["Statement"]
    service = "logs.us-east-1.amazonaws.com"
    (logs,) = [s for s in statements if s["Principal"].get("Service") == service]
    patterns = logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
    account = "${data.aws_caller_identity.current.account_id}"
    prefix = f"arn:aws:logs:us-east-1:{account}:log-group:"
    for pattern in patterns:
        assert pattern.startswith(prefix) and pattern.endswith(f"*-{stack.suffix}")
    for group in stack.resources("aws_cloudwatch_log_group").values():
        arn = prefix + group["name"]
        assert any(fnmatch.fnmatchcase(arn, p) for p in patterns), arn


# --- database ----------------------------------------------------------------------------------


def test_aurora_cluster(stack: Synth) -> None:
    prod = stack.environment == "prod"
    cluster = stack.resource("aws_rds_cluster", "aurora_cluster")
    cmk = stack.ref("aws_kms_key", "cmk", "arn")
    assert cluster["engine"] == "aurora-postgresql"
    assert cluster["engine_version"].startswith("15.")
    assert cluster["manage_master_user_password"] is True
    assert "master_password" not in cluster and "master_password_wo" not in cluster
    assert cluster["storage_encrypted"] is True and cluster["kms_key_id"] == cmk
    assert cluster["backup_retention_period"] == (14 if prod else 7)
    assert cluster["deletion_protection"] is prod
    assert cluster["skip_final_snapshot"] is (not prod)
    if prod:
        assert (
            cluster["final_snapshot_identifier"] == f"payment-aurora-final-snapshot-{stack.suffix}"
        )
    else:
        assert "final_snapshot_identifier" not in cluster
    assert cluster["iam_database_authentication_enabled"] is True
    assert cluster["copy_tags_to_snapshot"] is True
    assert cluster["enabled_cloudwatch_logs_exports"] == ["postgresql"]
    assert cluster["vpc_security_group_ids"] == [stack.ref("aws_security_group", "rds_sg", "id")]
    assert cluster["db_subnet_group_name"] == stack.ref(
        "aws_db_subnet_group", "db_subnet_group", "name"
    )
    subnet_group = stack.resource("aws_db_subnet_group", "db_subnet_group")
    assert sorted(subnet_group["subnet_ids"]) == sorted(
        stack.ref("aws_subnet", f"private_subnet_{x}", "id") for x in "abc"
    )


def test_aurora_instances(stack: Synth) -> None:
    instances = list(stack.resources("aws_rds_cluster_instance").values())
    assert len(instances) == 2
    assert sorted(i["availability_zone"] for i in instances) == ["us-east-1a", "us-east-1b"]
    for instance in instances:
        assert instance["cluster_identifier"] == stack.ref(
            "aws_rds_cluster", "aurora_cluster", "cluster_identifier"
        )
        assert instance["instance_class"] == "db.t3.medium"
        assert instance["engine"] == "aurora-postgresql"
        assert instance["publicly_accessible"] is False
        assert instance["performance_insights_enabled"] is True
        assert instance["performance_insights_kms_key_id"] == stack.ref("aws_kms_key", "cmk", "arn")


# --- sessions ----------------------------------------------------------------------------------


def test_sessions_table(stack: Synth) -> None:
    table = stack.resource("aws_dynamodb_table", "sessions_table")
    assert table["billing_mode"] == "PAY_PER_REQUEST"
    assert table["hash_key"] == "session_id"
    assert sorted((a["name"], a["type"]) for a in table["attribute"]) == [
        ("session_id", "S"),
        ("user_id", "S"),
    ]
    (gsi,) = table["global_secondary_index"]
    assert (gsi["name"], gsi["hash_key"], gsi["projection_type"]) == (
        "user_id-index",
        "user_id",
        "ALL",
    )
    assert table["point_in_time_recovery"] == {"enabled": True}
    assert table["server_side_encryption"] == {
        "enabled": True,
        "kms_key_arn": stack.ref("aws_kms_key", "cmk", "arn"),
    }
    assert table["ttl"] == {"attribute_name": "expires_at", "enabled": True}
    assert table["deletion_protection_enabled"] is (stack.environment == "prod")


# --- storage -----------------------------------------------------------------------------------


def _for_bucket(stack: Synth, rtype: str, bucket_logical: str) -> dict[str, Any]:
    ref = stack.ref("aws_s3_bucket", bucket_logical, "id")
    (match,) = [r for r in stack.resources(rtype).values() if r["bucket"] == ref]
    return match


@pytest.mark.parametrize(
    ("bucket", "key"), [("audit_bucket", "cmk"), ("audit_replica_bucket", "replica_cmk")]
)
def test_bucket_hardening(stack: Synth, bucket: str, key: str) -> None:
    versioning = _for_bucket(stack, "aws_s3_bucket_versioning", bucket)
    assert versioning["versioning_configuration"] == {"status": "Enabled"}
    (rule,) = _for_bucket(stack, "aws_s3_bucket_server_side_encryption_configuration", bucket)[
        "rule"
    ]
    assert rule["apply_server_side_encryption_by_default"] == {
        "sse_algorithm": "aws:kms",
        "kms_master_key_id": stack.ref("aws_kms_key", key, "arn"),
    }
    assert rule["bucket_key_enabled"] is True
    block = _for_bucket(stack, "aws_s3_bucket_public_access_block", bucket)
    for flag in ("block_public_acls", "block_public_policy", "ignore_public_acls"):
        assert block[flag] is True
    assert block["restrict_public_buckets"] is True
    policy = json.loads(_for_bucket(stack, "aws_s3_bucket_policy", bucket)["policy"])
    (deny,) = policy["Statement"]
    arn = stack.ref("aws_s3_bucket", bucket, "arn")
    assert deny["Effect"] == "Deny" and deny["Action"] == "s3:*" and deny["Principal"] == "*"
    assert sorted(deny["Resource"]) == sorted([arn, f"{arn}/*"])
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    (lifecycle,) = _for_bucket(stack, "aws_s3_bucket_lifecycle_configuration", bucket)["rule"]
    assert lifecycle["status"] == "Enabled"
    assert [(t["days"], t["storage_class"]) for t in lifecycle["transition"]] == [
        (30, "STANDARD_IA"),
        (90, "GLACIER"),
    ]
    assert lifecycle["noncurrent_version_expiration"] == [{"noncurrent_days": 365}]
    assert lifecycle["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 7}]


def test_replication(stack: Synth) -> None:
    replication = _for_bucket(stack, "aws_s3_bucket_replication_configuration", "audit_bucket")
    assert replication["role"] == stack.ref("aws_iam_role", "replication_role", "arn")
    assert "aws_s3_bucket_versioning.audit_bucket_versioning" in replication["depends_on"]
    (rule,) = replication["rule"]
    assert rule["status"] == "Enabled"
    assert rule["source_selection_criteria"] == {"sse_kms_encrypted_objects": {"status": "Enabled"}}
    destination = rule["destination"]
    assert destination["bucket"] == stack.ref("aws_s3_bucket", "audit_replica_bucket", "arn")
    assert destination["encryption_configuration"] == {
        "replica_kms_key_id": stack.ref("aws_kms_key", "replica_cmk", "arn")
    }
    policy = json.loads(stack.resource("aws_iam_role_policy", "replication_role_policy")["policy"])
    allowed = {
        stack.ref("aws_s3_bucket", b, "arn") for b in ("audit_bucket", "audit_replica_bucket")
    }
    allowed |= {f"{arn}/*" for arn in allowed}
    allowed |= {stack.ref("aws_kms_key", k, "arn") for k in ("cmk", "replica_cmk")}
    actions: set[str] = set()
    for statement in policy["Statement"]:
        assert set(statement["Resource"]) <= allowed, statement
        actions |= set(statement["Action"])
    assert {a.split(":")[0] for a in actions} == {"s3", "kms"}
    assert {"s3:ReplicateObject", "s3:GetObjectVersionForReplication", "kms:Decrypt"} <= actions
    trust = json.loads(stack.resource("aws_iam_role", "replication_role")["assume_role_policy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "s3.amazonaws.com"}


# --- compute -----------------------------------------------------------------------------------


def test_lambda_functions(stack: Synth) -> None:
    prod = stack.environment == "prod"
    s = stack.suffix
    processor = stack.by_attr("aws_lambda_function", "function_name", f"payment-processor-{s}")
    migration = stack.by_attr("aws_lambda_function", "function_name", f"parameter-migration-{s}")
    role = stack.ref("aws_iam_role", "lambda_role", "arn")
    subnets = sorted(stack.ref("aws_subnet", f"private_subnet_{x}", "id") for x in "abc")
    for fn, handler, memory, timeout, concurrency in (
        (processor, "payment_processor.handler", 512, 30, 50),
        (migration, "parameter_migration.handler", 256, 300, 1),
    ):
        assert fn["runtime"] == "python3.12"
        assert fn["handler"] == handler
        assert (fn["memory_size"], fn["timeout"]) == (memory, timeout)
        assert fn["reserved_concurrent_executions"] == concurrency
        assert fn["architectures"] == ["x86_64"]
        assert fn["role"] == role
        assert fn["tracing_config"] == {"mode": "Active"}
        assert sorted(fn["vpc_config"]["subnet_ids"]) == subnets
        assert fn["vpc_config"]["security_group_ids"] == [
            stack.ref("aws_security_group", "lambda_sg", "id")
        ]
        assert fn["environment"]["variables"]["LOG_LEVEL"] == "INFO"
    assert processor["publish"] is True
    env = processor["environment"]["variables"]
    assert env["TABLE_NAME"] == stack.ref("aws_dynamodb_table", "sessions_table", "name")
    assert env["AUDIT_BUCKET"] == stack.ref("aws_s3_bucket", "audit_bucket", "bucket")
    assert env["MAX_PAYMENT_AMOUNT"] == "10000"
    assert env["ALLOWED_CURRENCIES"] == "USD,EUR,GBP"
    migration_env = migration["environment"]["variables"]
    assert migration_env["SOURCE_PATH"] == "/dev"
    assert migration_env["TARGET_PATH"] == f"/{stack.environment}"
    for group in ("processor_log_group", "migration_log_group"):
        log_group = stack.resource("aws_cloudwatch_log_group", group)
        assert log_group["retention_in_days"] == (30 if prod else 7)
        assert log_group["kms_key_id"] == stack.ref("aws_kms_key", "cmk", "arn")
    assert "aws_cloudwatch_log_group.processor_log_group" in processor["depends_on"]


def test_blue_green_aliases(stack: Synth) -> None:
    aliases = {a["name"]: a for a in stack.resources("aws_lambda_alias").values()}
    assert set(aliases) == {"blue", "green"}
    for alias in aliases.values():
        assert alias["function_name"] == stack.ref(
            "aws_lambda_function", "processor_function", "function_name"
        )
        assert alias["function_version"] == stack.ref(
            "aws_lambda_function", "processor_function", "version"
        )


# --- ingress -----------------------------------------------------------------------------------


def test_alb(stack: Synth) -> None:
    alb = stack.resource("aws_lb", "alb")
    assert alb["internal"] is True
    assert alb["load_balancer_type"] == "application"
    assert alb["drop_invalid_header_fields"] is True
    assert alb["enable_deletion_protection"] is (stack.environment == "prod")
    assert alb["security_groups"] == [stack.ref("aws_security_group", "alb_sg", "id")]
    assert sorted(alb["subnets"]) == sorted(
        stack.ref("aws_subnet", f"private_subnet_{x}", "id") for x in "abc"
    )


@pytest.mark.parametrize("slot", ["blue", "green"])
def test_target_groups_point_at_the_aliases(stack: Synth, slot: str) -> None:
    target_group = stack.resource("aws_lb_target_group", f"{slot}_target_group")
    assert target_group["name"] == f"payment-{slot}-{stack.suffix}"
    assert target_group["target_type"] == "lambda"
    assert target_group["health_check"]["enabled"] is True
    assert target_group["health_check"]["path"] == "/health"
    tg_arn = stack.ref("aws_lb_target_group", f"{slot}_target_group", "arn")
    alias_logical = f"processor_{slot}_alias"
    (attachment,) = [
        a
        for a in stack.resources("aws_lb_target_group_attachment").values()
        if a["target_group_arn"] == tg_arn
    ]
    assert attachment["target_id"] == stack.ref("aws_lambda_alias", alias_logical, "arn")
    (permission,) = [
        p for p in stack.resources("aws_lambda_permission").values() if p["source_arn"] == tg_arn
    ]
    assert permission["principal"] == "elasticloadbalancing.amazonaws.com"
    assert permission["action"] == "lambda:InvokeFunction"
    assert permission["qualifier"] == stack.ref("aws_lambda_alias", alias_logical, "name")
    assert any(d.startswith("aws_lambda_permission.") for d in attachment["depends_on"])


def test_listener_weights_blue_100_green_0(stack: Synth) -> None:
    listener = stack.resource("aws_lb_listener", "http_listener")
    assert (listener["port"], listener["protocol"]) == (80, "HTTP")
    assert listener["load_balancer_arn"] == stack.ref("aws_lb", "alb", "arn")
    (action,) = listener["default_action"]
    assert action["type"] == "forward"
    weights = {t["arn"]: t["weight"] for t in action["forward"]["target_group"]}
    assert weights == {
        stack.ref("aws_lb_target_group", "blue_target_group", "arn"): 100,
        stack.ref("aws_lb_target_group", "green_target_group", "arn"): 0,
    }


# --- monitoring --------------------------------------------------------------------------------


def test_alarm_topic_and_alarms(stack: Synth) -> None:
    s = stack.suffix
    topic = stack.resource("aws_sns_topic", "alarm_topic")
    assert topic["kms_master_key_id"] == stack.ref("aws_kms_key", "cmk", "arn")
    topic_arn = stack.ref("aws_sns_topic", "alarm_topic", "arn")
    rds = stack.by_attr("aws_cloudwatch_metric_alarm", "alarm_name", f"payment-rds-cpu-high-{s}")
    assert (rds["namespace"], rds["metric_name"], rds["statistic"]) == (
        "AWS/RDS",
        "CPUUtilization",
        "Average",
    )
    assert (rds["comparison_operator"], rds["threshold"]) == ("GreaterThanThreshold", 80)
    assert (rds["evaluation_periods"], rds["period"]) == (2, 300)
    assert rds["dimensions"] == {
        "DBClusterIdentifier": stack.ref("aws_rds_cluster", "aurora_cluster", "cluster_identifier")
    }
    errors = stack.by_attr(
        "aws_cloudwatch_metric_alarm", "alarm_name", f"payment-lambda-errors-high-{s}"
    )
    assert (errors["namespace"], errors["metric_name"], errors["statistic"]) == (
        "AWS/Lambda",
        "Errors",
        "Sum",
    )
    assert (errors["comparison_operator"], errors["threshold"]) == (
        "GreaterThanOrEqualToThreshold",
        5,
    )
    assert (errors["evaluation_periods"], errors["period"]) == (2, 60)
    assert errors["dimensions"] == {
        "FunctionName": stack.ref("aws_lambda_function", "processor_function", "function_name")
    }
    for alarm in (rds, errors):
        assert alarm["alarm_actions"] == [topic_arn]
        assert alarm["ok_actions"] == [topic_arn]


def test_dashboard_widgets(stack: Synth) -> None:
    dashboard = stack.resource("aws_cloudwatch_dashboard", "dashboard")
    body = json.loads(dashboard["dashboard_body"])
    metrics: dict[str, set[str]] = {}
    dimension_values: set[str] = set()
    for widget in body["widgets"]:
        for line in widget["properties"]["metrics"]:
            metrics.setdefault(line[0], set()).add(line[1])
            dimension_values |= {v for v in line[2:] if isinstance(v, str)}
    assert metrics == {
        "AWS/RDS": {"CPUUtilization", "DatabaseConnections", "FreeableMemory"},
        "AWS/Lambda": {"Invocations", "Errors", "Duration", "Throttles"},
        "AWS/DynamoDB": {"ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits", "UserErrors"},
        "AWS/ApplicationELB": {"RequestCount", "TargetResponseTime", "HTTPCode_ELB_5XX_Count"},
    }
    assert stack.ref("aws_rds_cluster", "aurora_cluster", "cluster_identifier") in dimension_values
    assert stack.ref("aws_lb", "alb", "arn_suffix") in dimension_values
