"""Reference resolution: to the value set, to a derived identifier, to the logical name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from paymentaudit.desired import tfjson
from paymentaudit.desired.mapping import Engine, map_document
from paymentaudit.model import Resource
from paymentaudit.normalize import Normalizer
from paymentaudit.terraform.refs import Resolver, references

SUFFIX = "prod-abc123"
ACCOUNT = "${data.aws_caller_identity.current.account_id}"


def _doc(resources: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "provider": {
            "aws": [
                {"region": "us-east-1", "default_tags": [{"tags": {"EnvironmentSuffix": SUFFIX}}]},
                {"alias": "replica", "region": "us-west-2"},
            ]
        },
        "data": {"aws_caller_identity": {"current": {"//": {"metadata": {}}}}},
        "resource": resources,
        **extra,
    }


DOC = _doc(
    {
        "aws_s3_bucket": {"audit": {"bucket": f"payment-audit-logs-{SUFFIX}"}},
        "aws_dynamodb_table": {"sessions": {"name": f"payment-sessions-{SUFFIX}"}},
        "aws_cloudwatch_log_group": {"logs": {"name": f"/aws/lambda/payment-processor-{SUFFIX}"}},
        "aws_iam_role": {
            "role": {"name": f"payment-lambda-role-{SUFFIX}", "path": "/service/"},
        },
        "aws_iam_role_policy": {
            "policy": {
                "name": f"payment-lambda-policy-{SUFFIX}",
                "role": "${aws_iam_role.role.id}",
                "policy": json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["s3:PutObject", "dynamodb:Query", "logs:PutLogEvents"],
                                "Resource": [
                                    "${aws_s3_bucket.audit.arn}/*",
                                    "${aws_dynamodb_table.sessions.arn}",
                                    "${aws_dynamodb_table.sessions.arn}/index/*",
                                    "${aws_cloudwatch_log_group.logs.arn}:*",
                                    "${aws_kms_key.cmk.arn}",
                                    f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/prod/*",
                                ],
                            }
                        ],
                    }
                ),
            }
        },
        "aws_kms_key": {"cmk": {"description": "key"}},
        "aws_kms_alias": {
            "alias": {
                "name": f"alias/payment-{SUFFIX}",
                "target_key_id": "${aws_kms_key.cmk.key_id}",
            }
        },
        "aws_vpc": {
            "vpc": {"cidr_block": "10.0.0.0/16", "tags": {"Name": f"payment-prod-vpc-{SUFFIX}"}}
        },
        "aws_lambda_function": {
            "fn": {
                "function_name": f"payment-processor-{SUFFIX}",
                "role": "${aws_iam_role.role.arn}",
            }
        },
        "aws_lambda_alias": {
            "blue": {"name": "blue", "function_name": "${aws_lambda_function.fn.function_name}"}
        },
        "aws_ssm_parameter": {
            "table": {
                "name": "/prod/app/table-name",
                "type": "String",
                "value": "${aws_dynamodb_table.sessions.name}",
            }
        },
        "aws_sns_topic": {
            "a": {"name": "${aws_sns_topic.b.name}"},
            "b": {"name": "${aws_sns_topic.a.name}"},
        },
    }
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    doc = tfjson.parse(DOC, region="us-east-1", replica_region="us-west-2")
    return Engine(doc, SUFFIX, "/prod")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # set in the code
        ("${aws_dynamodb_table.sessions.name}", f"payment-sessions-{SUFFIX}"),
        ("${aws_lambda_alias.blue.name}", "blue"),
        # derived from names the code sets
        ("${aws_s3_bucket.audit.arn}", f"arn:aws:s3:::payment-audit-logs-{SUFFIX}"),
        ("${aws_s3_bucket.audit.id}", f"payment-audit-logs-{SUFFIX}"),
        (
            "${aws_dynamodb_table.sessions.arn}",
            f"arn:aws:dynamodb:us-east-1:<account>:table/payment-sessions-{SUFFIX}",
        ),
        (
            "${aws_iam_role.role.arn}",
            f"arn:aws:iam::<account>:role/service/payment-lambda-role-{SUFFIX}",
        ),
        (
            "${aws_lambda_alias.blue.arn}",
            f"arn:aws:lambda:us-east-1:<account>:function:payment-processor-{SUFFIX}:blue",
        ),
        ("${aws_kms_alias.alias.arn}", f"arn:aws:kms:us-east-1:<account>:alias/payment-{SUFFIX}"),
        # concatenations
        ("${aws_s3_bucket.audit.arn}/*", f"arn:aws:s3:::payment-audit-logs-{SUFFIX}/*"),
        (f"arn:aws:iam::{ACCOUNT}:root", "arn:aws:iam::<account>:root"),
        # the account
        (ACCOUNT, "<account>"),
        # made up at apply: the logical name
        ("${aws_kms_key.cmk.arn}", "alias/payment"),
        ("${aws_kms_key.cmk.key_id}", "alias/payment"),
        ("${aws_vpc.vpc.id}", "payment-vpc"),
        # known after apply, not an identifier
        (
            "${aws_lambda_function.fn.version}",
            "(known after apply: aws_lambda_function.fn.version)",
        ),
        # not declared: left as written; escaped: a literal
        ("${aws_nope.x.id}", "${aws_nope.x.id}"),
        ("$${not.a.reference}", "${not.a.reference}"),
        ("plain", "plain"),
    ],
)
def test_references_resolve(engine: Engine, text: str, expected: str) -> None:
    assert engine.resolve(text) == expected


def test_structures_resolve_recursively(engine: Engine) -> None:
    value = {"a": ["${aws_vpc.vpc.id}", {"b": "${aws_s3_bucket.audit.bucket}"}], "n": 3}
    assert engine.resolve(value) == {
        "a": ["payment-vpc", {"b": f"payment-audit-logs-{SUFFIX}"}],
        "n": 3,
    }


def test_a_reference_cycle_resolves_to_a_placeholder(engine: Engine) -> None:
    assert "known after apply" in str(engine.resolve("${aws_sns_topic.a.name}"))


def test_nested_attribute_access() -> None:
    resources = {"aws_x.y": _res("aws_x", "y", {"list": ["first", "second"], "map": {"k": "v"}})}
    resolver = Resolver(resources, lambda address: address)
    assert resolver.string("${aws_x.y.list[1]}") == "second"
    assert resolver.string("${aws_x.y.map.k}") == "v"
    assert "known after apply" in resolver.string("${aws_x.y.list[9]}")


def _res(rtype: str, name: str, attrs: dict[str, Any]) -> Any:
    from paymentaudit.terraform.document import TfResource

    return TfResource(rtype, name, attrs, "us-east-1")


def test_references_lists_addresses() -> None:
    assert references(
        ["${aws_vpc.v.id}", {"x": "a-${data.aws_region.r.name}-${aws_s3_bucket.b.arn}"}]
    ) == [
        "aws_vpc.v",
        "data.aws_region.r",
        "aws_s3_bucket.b",
    ]


def test_references_inside_a_json_policy_string(engine: Engine) -> None:
    policy = DOC["resource"]["aws_iam_role_policy"]["policy"]["policy"]
    doc = engine.policy(policy)
    (statement,) = doc["Statement"]
    assert statement["Resource"] == sorted(
        [
            f"arn:aws:s3:::payment-audit-logs-{SUFFIX}/*",
            f"arn:aws:dynamodb:us-east-1:<account>:table/payment-sessions-{SUFFIX}",
            f"arn:aws:dynamodb:us-east-1:<account>:table/payment-sessions-{SUFFIX}/index/*",
            f"arn:aws:logs:us-east-1:<account>:log-group:/aws/lambda/payment-processor-{SUFFIX}:*",
            "alias/payment",
            "arn:aws:ssm:us-east-1:<account>:parameter/prod/*",
        ]
    )


def _live_normalizer() -> Normalizer:
    """What the collectors make of the same resources in account 123456789012."""
    account = "123456789012"
    resources = [
        Resource(
            "s3",
            "s3.bucket",
            "payment-audit-logs",
            f"payment-audit-logs-{SUFFIX}",
            "us-east-1",
            arn=f"arn:aws:s3:::payment-audit-logs-{SUFFIX}",
        ),
        Resource(
            "dynamodb",
            "dynamodb.table",
            "payment-sessions",
            f"payment-sessions-{SUFFIX}",
            "us-east-1",
            arn=f"arn:aws:dynamodb:us-east-1:{account}:table/payment-sessions-{SUFFIX}",
            aliases=(f"arn:aws:dynamodb:us-east-1:{account}:table/payment-sessions-{SUFFIX}",),
        ),
        Resource(
            "logs",
            "logs.log_group",
            "/aws/lambda/payment-processor",
            f"/aws/lambda/payment-processor-{SUFFIX}",
            "us-east-1",
            arn=f"arn:aws:logs:us-east-1:{account}:log-group:/aws/lambda/payment-processor-{SUFFIX}",
            aliases=(
                f"arn:aws:logs:us-east-1:{account}:log-group:/aws/lambda/payment-processor-{SUFFIX}:*",
            ),
        ),
        Resource(
            "kms",
            "kms.key",
            "alias/payment",
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "us-east-1",
            arn=f"arn:aws:kms:us-east-1:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ),
    ]
    return Normalizer(resources, SUFFIX, "/prod", account)


def test_desired_and_live_normalize_to_the_same_policy() -> None:
    """The live policy, with real ARNs, and the code's, with references, normalize alike."""
    account = "123456789012"
    live_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:PutObject", "dynamodb:Query", "logs:PutLogEvents"],
                "Resource": [
                    f"arn:aws:s3:::payment-audit-logs-{SUFFIX}/*",
                    f"arn:aws:dynamodb:us-east-1:{account}:table/payment-sessions-{SUFFIX}",
                    f"arn:aws:dynamodb:us-east-1:{account}:table/payment-sessions-{SUFFIX}/index/*",
                    f"arn:aws:logs:us-east-1:{account}:log-group:/aws/lambda/payment-processor-{SUFFIX}:*",
                    f"arn:aws:kms:us-east-1:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                    f"arn:aws:ssm:us-east-1:{account}:parameter/prod/*",
                ],
            }
        ],
    }
    from paymentaudit.redact import policy_document

    live = _live_normalizer().value(policy_document(live_policy))
    doc = tfjson.parse(DOC, region="us-east-1", replica_region="us-west-2")
    resources, _ = map_document(doc, SUFFIX, "/prod")
    desired = Normalizer(resources, SUFFIX, "/prod", "")
    role = next(r for r in resources if r.type == "iam.role")
    code = desired.value(role.config["inline_policies"])["payment-lambda-policy-<env>"]
    assert code == live
    assert sorted(live["Statement"][0]["Resource"]) == [
        "/aws/lambda/payment-processor",
        "alias/payment",
        "arn:aws:dynamodb:us-east-1:<account>:table/payment-sessions-<env>/index/*",
        "arn:aws:ssm:us-east-1:<account>:parameter/<env>/*",
        "payment-audit-logs/*",
        "payment-sessions",
    ]


def test_a_parameter_value_referencing_a_table_is_its_logical_name() -> None:
    doc = tfjson.parse(DOC, region="us-east-1", replica_region="us-west-2")
    resources, _ = map_document(doc, SUFFIX, "/prod")
    parameter = next(r for r in resources if r.type == "ssm.parameter")
    assert parameter.logical_name == "app/table-name"
    assert (
        Normalizer(resources, SUFFIX, "/prod").value(parameter.config["value"])
        == "payment-sessions"
    )
