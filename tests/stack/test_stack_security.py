"""Security properties of the JSON: no secrets, least-privilege IAM, closed security groups.

Checkov misses open security-group ingress in CDKTF output (cdktf writes unset rule attributes
as null), so the rules are asserted here directly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from stacktest import Synth

pytestmark = pytest.mark.synth

VPC_CIDR = "10.0.0.0/16"
OPEN_CIDRS = {"0.0.0.0/0", "::/0"}
# The only actions an identity policy may grant on Resource "*": VPC-Lambda ENI management and
# X-Ray (no resource-level permissions), plus ssm:DescribeParameters (metadata only, no
# resource-level permissions) that the parameter migration lists with.
STAR_RESOURCE_ACTIONS = {
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "ssm:DescribeParameters",
}
AWS_ACCESS_KEY = re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")
ACCOUNT_ID = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """(path, key, value) of every dict entry, recursively."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")


def policy_documents(stack: Synth) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(kind, where, parsed document) of every policy string in the stack."""
    kinds = {
        ("aws_iam_role_policy", "policy"): "identity",
        ("aws_iam_role", "assume_role_policy"): "trust",
        ("aws_kms_key", "policy"): "key",
        ("aws_s3_bucket_policy", "policy"): "bucket",
    }
    seen = 0
    for rtype, items in stack.doc["resource"].items():
        for logical, body in items.items():
            for attr in ("policy", "assume_role_policy", "inline_policy"):
                if attr in body:
                    kind = kinds.get((rtype, attr))
                    assert kind, f"unexpected policy attribute {rtype}.{logical}.{attr}"
                    seen += 1
                    yield kind, f"{rtype}.{logical}", json.loads(body[attr])
    assert seen >= 12


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# --- secrets -----------------------------------------------------------------------------------


def test_no_password_or_secret_value_anywhere(stack: Synth) -> None:
    allowed = {"manage_master_user_password", "master_user_secret_kms_key_id"}
    for path, key, value in _walk(stack.doc):
        lowered = key.lower()
        if any(word in lowered for word in ("password", "secret")) and key not in allowed:
            assert value in (None, "", False), f"{path}.{key} has a value"
    cluster = stack.resource("aws_rds_cluster", "aurora_cluster")
    assert cluster["manage_master_user_password"] is True


def test_no_access_keys_account_ids_or_secure_strings(stack: Synth) -> None:
    text = stack.path.read_text()
    assert not AWS_ACCESS_KEY.search(text)
    assert "SecureString" not in text
    assert not ACCOUNT_ID.search(text), "account ids come from aws_caller_identity, not literals"
    for provider in stack.doc["provider"]["aws"]:
        assert not {"access_key", "secret_key", "token", "profile"} & set(provider)


def test_lambda_environments_hold_no_secrets(stack: Synth) -> None:
    for fn in stack.resources("aws_lambda_function").values():
        for name, value in fn["environment"]["variables"].items():
            assert not re.search(r"PASSWORD|SECRET|TOKEN|CREDENTIAL", name), name
            assert not AWS_ACCESS_KEY.search(str(value))


# --- IAM ---------------------------------------------------------------------------------------


def test_no_wildcard_actions_in_any_allow(stack: Synth) -> None:
    for kind, where, document in policy_documents(stack):
        for statement in document["Statement"]:
            if statement["Effect"] != "Allow":
                continue
            for action in _as_list(statement["Action"]):
                assert "*" not in action, f"{kind} policy {where} allows {action!r}"
            assert "NotAction" not in statement and "NotResource" not in statement


def test_star_resource_only_for_the_allowed_actions(stack: Synth) -> None:
    for kind, where, document in policy_documents(stack):
        if kind != "identity":
            continue
        for statement in document["Statement"]:
            resources = _as_list(statement["Resource"])
            if any(r == "*" for r in resources):
                extra = set(_as_list(statement["Action"])) - STAR_RESOURCE_ACTIONS
                assert not extra, f"{where}: {sorted(extra)} on Resource '*'"
            for resource in resources:
                assert resource == "*" or resource.startswith(("arn:aws:", "${")), resource


def test_identity_policies_name_their_resources(stack: Synth) -> None:
    """Everything not in the allow-list targets a named ARN of this stack (or its SSM paths)."""
    for kind, where, document in policy_documents(stack):
        if kind != "identity":
            continue
        for statement in document["Statement"]:
            for resource in _as_list(statement["Resource"]):
                if resource == "*":
                    continue
                named = resource.startswith("${aws_") or ":${data.aws_caller_identity" in resource
                assert named, f"{where}: {resource}"


def test_lambda_role_grants(stack: Synth) -> None:
    env = stack.environment
    policy = json.loads(stack.resource("aws_iam_role_policy", "lambda_role_policy")["policy"])
    by_action: dict[str, set[str]] = {}
    for statement in policy["Statement"]:
        for action in statement["Action"]:
            by_action.setdefault(action, set()).update(statement["Resource"])
    table = stack.ref("aws_dynamodb_table", "sessions_table", "arn")
    assert by_action["dynamodb:PutItem"] == {table, f"{table}/index/*"}
    bucket = stack.ref("aws_s3_bucket", "audit_bucket", "arn")
    assert by_action["s3:PutObject"] == {f"{bucket}/*"}
    assert by_action["kms:Decrypt"] == {stack.ref("aws_kms_key", "cmk", "arn")}
    assert all(r.endswith(f":parameter/{env}/*") for r in by_action["ssm:PutParameter"])
    read = by_action["ssm:GetParameters"]
    assert any(r.endswith(":parameter/dev/*") for r in read)
    assert all(re.search(rf":parameter/(dev|{env})(/\*)?$", r) for r in read)
    logs = by_action["logs:PutLogEvents"]
    for group in ("processor_log_group", "migration_log_group"):
        assert stack.ref("aws_cloudwatch_log_group", group, "arn") + ":*" in logs
    assert not {a for a in by_action if a.startswith(("iam:", "sts:", "kms:Create", "s3:Delete"))}


def test_trust_policies_name_one_service(stack: Synth) -> None:
    services = set()
    for kind, where, document in policy_documents(stack):
        if kind != "trust":
            continue
        (statement,) = document["Statement"]
        assert statement["Action"] == ["sts:AssumeRole"], where
        assert set(statement["Principal"]) == {"Service"}, where
        services.add(statement["Principal"]["Service"])
    assert services == {
        "lambda.amazonaws.com",
        "s3.amazonaws.com",
        "vpc-flow-logs.amazonaws.com",
        "monitoring.rds.amazonaws.com",
    }


def test_key_policies_have_no_wildcard_principal(stack: Synth) -> None:
    """In a key policy Resource "*" means the key itself; principals must be named."""
    for kind, where, document in policy_documents(stack):
        if kind != "key":
            continue
        for statement in document["Statement"]:
            principal = statement["Principal"]
            assert principal != "*" and "*" not in _as_list(principal.get("AWS", [])), where
            if "Service" in principal:
                assert statement.get("Condition"), f"{where}: service grant without condition"


def test_only_deny_statements_use_wildcard_principals(stack: Synth) -> None:
    for _kind, where, document in policy_documents(stack):
        for statement in document["Statement"]:
            if statement.get("Principal") == "*":
                assert statement["Effect"] == "Deny", where


# --- security groups -----------------------------------------------------------------------------


def _rules(stack: Synth, logical: str, direction: str) -> list[dict[str, Any]]:
    return stack.resource("aws_security_group", logical)[direction]


def test_security_group_rules_are_inline_only(stack: Synth) -> None:
    standalone = {
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
    }
    assert not standalone & set(stack.doc["resource"])
    assert set(stack.resources("aws_security_group")) == {
        "alb_sg",
        "lambda_sg",
        "rds_sg",
        "endpoint_sg",
    }


def test_no_ingress_or_egress_from_anywhere(stack: Synth) -> None:
    for logical, sg in stack.resources("aws_security_group").items():
        for direction in ("ingress", "egress"):
            for rule in sg.get(direction) or []:
                cidrs = set(rule.get("cidr_blocks") or []) | set(rule.get("ipv6_cidr_blocks") or [])
                assert not cidrs & OPEN_CIDRS, f"{logical} {direction} open to {cidrs}"
                assert rule["protocol"] != "-1", f"{logical} {direction} allows all protocols"
                assert rule.get("self") is not True
                assert rule.get("description"), f"{logical} {direction} rule has no description"


def test_alb_security_group(stack: Synth) -> None:
    ingress = _rules(stack, "alb_sg", "ingress")
    assert sorted((r["protocol"], r["from_port"], r["to_port"]) for r in ingress) == [
        ("tcp", 80, 80),
        ("tcp", 443, 443),
    ]
    for rule in ingress + _rules(stack, "alb_sg", "egress"):
        assert rule["cidr_blocks"] == [VPC_CIDR]
        assert not rule["security_groups"] and not rule["prefix_list_ids"]
        assert not rule["ipv6_cidr_blocks"]


def test_rds_security_group_allows_postgres_from_lambda_only(stack: Synth) -> None:
    (rule,) = _rules(stack, "rds_sg", "ingress")
    assert (rule["protocol"], rule["from_port"], rule["to_port"]) == ("tcp", 5432, 5432)
    assert rule["security_groups"] == [stack.ref("aws_security_group", "lambda_sg", "id")]
    assert not rule["cidr_blocks"] and not rule["ipv6_cidr_blocks"] and not rule["prefix_list_ids"]
    assert _rules(stack, "rds_sg", "egress") == []


def test_lambda_security_group_has_no_ingress(stack: Synth) -> None:
    assert _rules(stack, "lambda_sg", "ingress") == []
    egress = _rules(stack, "lambda_sg", "egress")
    for rule in egress:
        assert rule["cidr_blocks"] in ([], [VPC_CIDR])
    assert {r["from_port"] for r in egress} == {443, 5432}


def test_endpoint_security_group(stack: Synth) -> None:
    (rule,) = _rules(stack, "endpoint_sg", "ingress")
    assert (rule["from_port"], rule["cidr_blocks"]) == (443, [VPC_CIDR])
    assert _rules(stack, "endpoint_sg", "egress") == []


def test_databases_are_private(stack: Synth) -> None:
    for instance in stack.resources("aws_rds_cluster_instance").values():
        assert instance["publicly_accessible"] is False
    assert stack.resource("aws_lb", "alb")["internal"] is True
