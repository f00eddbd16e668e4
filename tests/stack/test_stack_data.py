"""The data and its encryption, asserted on the synthesized Terraform JSON (prod and dev): the
KMS keys, Aurora, the sessions table, the buckets and their replication."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import pytest
from stacktest import Synth

pytestmark = pytest.mark.synth


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
