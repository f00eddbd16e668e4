"""Normalization: two environments' configurations made comparable, differences kept."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paymentaudit.compare import diff_configs
from paymentaudit.model import Resource
from paymentaudit.normalize import Normalizer, normalize_snapshot

ACCOUNT = "111122223333"
VPC = "vpc-0123456789abcdef0"
TABLE_ARN = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/payment-sessions-prod-abc123"
KEY_ID = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{KEY_ID}"


def _prod() -> Normalizer:
    resources = [
        Resource("ec2", "ec2.vpc", "payment-vpc", VPC, "us-east-1", aliases=(VPC,)),
        Resource(
            "dynamodb",
            "dynamodb.table",
            "payment-sessions",
            "payment-sessions-prod-abc123",
            "us-east-1",
            arn=TABLE_ARN,
        ),
        Resource(
            "kms",
            "kms.key",
            "alias/payment",
            KEY_ID,
            "us-east-1",
            arn=KEY_ARN,
            aliases=(KEY_ID, KEY_ARN, "alias/payment-prod-abc123"),
        ),
        Resource(
            "logs",
            "logs.log_group",
            "/aws/lambda/payment-processor",
            "/aws/lambda/payment-processor-prod-abc123",
            "us-east-1",
            arn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/payment-processor-prod-abc123",
        ),
    ]
    return Normalizer(resources, "prod-abc123", "/prod", ACCOUNT)


@pytest.mark.parametrize(
    ("value", "normalized"),
    [
        # Known identifiers become logical names.
        (VPC, "payment-vpc"),
        (TABLE_ARN, "payment-sessions"),
        (f"{TABLE_ARN}/*", "payment-sessions/*"),
        (KEY_ID, "alias/payment"),
        (KEY_ARN, "alias/payment"),
        ("alias/payment-prod-abc123", "alias/payment"),
        ("payment-sessions-prod-abc123", "payment-sessions"),
        (
            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/payment-processor-prod-abc123:*",
            "/aws/lambda/payment-processor:*",
        ),
        (f"route via {VPC}", "route via payment-vpc"),
        # The environment's own suffix, words and SSM prefix.
        ("payment-alarms-prod-abc123", "payment-alarms-<env>"),
        ("payment production CMK (prod-abc123)", "payment <env> CMK (<env>)"),
        ("/prod/app/currency", "/<env>/app/currency"),
        (
            f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/prod/app/currency",
            "arn:aws:ssm:us-east-1:<account>:parameter/<env>/app/currency",
        ),
        ("prodigy", "prodigy"),  # not a standalone word
        ("/production-data", "/<env>-data"),  # "production" is prod's synonym
        # Accounts, unknown ids, UUIDs, timestamps.
        (f"account {ACCOUNT}", "account <account>"),
        ("subnet-0aa11bb22cc33dd44", "<subnet-id>"),
        ("sg-12345678", "<sg-id>"),
        ("9b2e1f0a-1111-4222-8333-444455556666", "<uuid>"),
        ("2024-05-01T10:20:30.123Z", "<timestamp>"),
        ("since 2024-05-01 10:20:30+00:00", "since <timestamp>"),
        (
            f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/x-prod-abc123/0123456789abcdef",
            "arn:aws:elasticloadbalancing:us-east-1:<account>:targetgroup/x-<env>/<hash>",
        ),
        (
            f"arn:aws:kms:us-west-2:{ACCOUNT}:key/9b2e1f0a-1111-4222-8333-444455556666",
            "arn:aws:kms:us-west-2:<account>:key/<uuid>",
        ),
        (
            "db-prod-abc123.cluster-abcdefghijkl.us-east-1.rds.amazonaws.com",
            "db-<env>.cluster-<id>.us-east-1.rds.amazonaws.com",
        ),
        ("plain text", "plain text"),
    ],
)
def test_string_normalization(value: str, normalized: str) -> None:
    assert _prod().string(value) == normalized


def test_structures_keys_lists_and_tags() -> None:
    norm = _prod()
    value = {"b": [3, "x", 1, {"k": VPC}], "payment-sessions-prod-abc123": True, "n": 5}
    assert norm.value(value) == {
        "b": ["x", 1, 3, {"k": "payment-vpc"}],  # strings first, then by JSON
        "payment-sessions": True,
        "n": 5,
    }
    res = Resource("s3", "s3.bucket", "b", "b-prod-abc123", "us-east-1", config={"a": VPC})
    assert norm.config(res) == {"a": "payment-vpc"}  # tags unknown: left out
    tagged = Resource(
        "s3",
        "s3.bucket",
        "b",
        "b-prod-abc123",
        "us-east-1",
        config={},
        tags={"Name": "payment-prod-abc123", "Owner": "team"},
    )
    assert norm.config(tagged) == {"tags": {"Name": "payment-<env>", "Owner": "team"}}


def test_dev_word_synonyms() -> None:
    dev = Normalizer([], "dev", "/dev", ACCOUNT)
    assert dev.string("payment development stack") == "payment <env> stack"
    assert dev.string("/dev/app/x") == "/<env>/app/x"
    assert dev.string("/devices/app") == "/devices/app"


# -- dev and prod of one config normalize equal ---------------------------------------------------

HEX = st.text(alphabet="0123456789abcdef", min_size=17, max_size=17)
UUIDS = st.uuids().map(str)
ACCOUNTS = st.from_regex(r"[1-9][0-9]{11}", fullmatch=True)
TIMES = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
)
SUFFIXES = st.sampled_from(["prod-abc123", "prod-x9", "production", "prod"])


def _environment(suffix: str, env: str, account: str, vpc: str, key: str, stamp: str, eni: str):
    """One environment's resources and a config full of references to them."""
    table = f"payment-sessions-{suffix}"
    table_arn = f"arn:aws:dynamodb:us-east-1:{account}:table/{table}"
    key_arn = f"arn:aws:kms:us-east-1:{account}:key/{key}"
    resources = [
        Resource("ec2", "ec2.vpc", "payment-vpc", f"vpc-{vpc}", "us-east-1"),
        Resource(
            "dynamodb", "dynamodb.table", "payment-sessions", table, "us-east-1", arn=table_arn
        ),
        Resource(
            "kms",
            "kms.key",
            "alias/payment",
            key,
            "us-east-1",
            arn=key_arn,
            aliases=(key, key_arn, f"alias/payment-{suffix}"),
        ),
    ]
    config = {
        "vpc_id": f"vpc-{vpc}",
        "network_interface": f"eni-{eni}",
        "kms_key_arn": key_arn,
        "alias": f"alias/payment-{suffix}",
        "resources": [f"{table_arn}/*", table_arn, f"{table_arn}/index/*"],
        "role": f"arn:aws:iam::{account}:role/payment-lambda-role-{suffix}",
        "log_group": f"/aws/lambda/payment-processor-{suffix}",
        "parameter": f"/{env}/app/currency",
        "description": f"payment {env} CMK ({suffix})",
        "created": stamp,
        "owner": account,
        "memory_size": 512,
    }
    return resources, config


@settings(deadline=None)
@given(
    SUFFIXES,
    st.tuples(ACCOUNTS, ACCOUNTS),
    st.tuples(HEX, HEX),
    st.tuples(UUIDS, UUIDS),
    st.tuples(TIMES, TIMES),
    st.tuples(HEX, HEX),
)
def test_dev_and_prod_differing_only_by_identity_normalize_equal(
    prod_suffix: str,
    accounts: tuple[str, str],
    vpcs: tuple[str, str],
    keys: tuple[str, str],
    stamps: tuple[str, str],
    enis: tuple[str, str],
) -> None:
    prod_env = "prod" if prod_suffix != "production" else "production"
    dev_res, dev_cfg = _environment("dev", "dev", accounts[0], vpcs[0], keys[0], stamps[0], enis[0])
    prod_res, prod_cfg = _environment(
        prod_suffix, prod_env, accounts[1], vpcs[1], keys[1], stamps[1], enis[1]
    )
    dev = Normalizer(dev_res, "dev", "/dev", accounts[0]).value(dev_cfg)
    prod = Normalizer(prod_res, prod_suffix, f"/{prod_env}", accounts[1]).value(prod_cfg)
    assert dev == prod
    assert dev["kms_key_arn"] == "alias/payment" and dev["vpc_id"] == "payment-vpc"

    # A real difference survives normalization, at its own path only.
    prod_cfg["memory_size"] = 256
    prod = Normalizer(prod_res, prod_suffix, f"/{prod_env}", accounts[1]).value(prod_cfg)
    assert [c.path for c in diff_configs(dev, prod)] == ["memory_size"]


def test_a_reference_to_another_resource_is_a_real_difference() -> None:
    dev_res, dev_cfg = _environment("dev", "dev", ACCOUNT, "1" * 17, KEY_ID, "", "2" * 17)
    other = Resource("kms", "kms.key", "alias/other", "key-2", "us-east-1")
    dev_cfg["kms_key_arn"] = "key-2"
    assert Normalizer([*dev_res, other], "dev", "/dev", ACCOUNT).value(dev_cfg)["kms_key_arn"] == (
        "alias/other"
    )


# -- the sandbox: only the planted and the intended differences remain ----------------------------

INTENDED = {
    # Planted drifts (paymentaudit/sandbox/drifts.py).
    ("dynamodb.table", "payment-sessions", "point_in_time_recovery"),
    ("ec2.security_group", "payment-rds-sg", "ingress"),
    ("lambda.function", "payment-processor", "memory_size"),
    ("cloudwatch.alarm", "payment-rds-cpu-high", "threshold"),
    ("logs.log_group", "/aws/lambda/payment-processor", "retention_in_days"),
    ("kms.key", "alias/payment-replica", "enable_key_rotation"),
    ("ssm.parameter", "app/max-payment-amount", "value"),
    # Stricter in prod by design (stack/config.py).
    ("dynamodb.table", "payment-sessions", "deletion_protection_enabled"),
    ("elbv2.load_balancer", "payment-alb", "attributes[deletion_protection.enabled]"),
    ("rds.cluster", "payment-aurora-cluster", "deletion_protection"),
    ("rds.cluster", "payment-aurora-cluster", "backup_retention_period"),
    ("logs.log_group", "/aws/lambda/parameter-migration", "retention_in_days"),
    ("logs.log_group", "/aws/vpc/flow-logs/payment", "retention_in_days"),
    # prod's migration Lambda also reads the /dev parameters it copies.
    ("iam.role", "payment-lambda-role", "inline_policies.payment-lambda-policy-<env>.Statement"),
}


def test_sandbox_environments_differ_only_where_intended(sandbox_snapshots) -> None:
    dev = normalize_snapshot(sandbox_snapshots["dev"])
    prod = normalize_snapshot(sandbox_snapshots["prod-abc123"])
    assert dev.keys() == prod.keys()
    found = set()
    for key in dev:
        for change in diff_configs(dev[key], prod[key]):
            found.add((key.type, key.logical_name, change.path))
    assert found == INTENDED


def test_statement_ids_and_value_shapes_are_no_difference() -> None:
    """Sids are labels; a single value and a one-item list are the same; order is not kept."""
    from paymentaudit.redact import policy_document

    dev = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Key", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "k"},
            {"Sid": "Table", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
             "Resource": ["t"]},
        ],
    }  # fmt: skip
    prod = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:GetItem"],
             "Resource": "t"},
            {"Sid": "Stmt1700000000000", "Effect": "Allow", "Action": "kms:Decrypt",
             "Resource": ["k"]},
        ],
    }  # fmt: skip
    assert policy_document(dev) == policy_document(json.dumps(prod))
    wider = {**prod, "Statement": [*prod["Statement"], {"Effect": "Allow", "Action": "s3:*"}]}
    assert policy_document(dev) != policy_document(wider)
