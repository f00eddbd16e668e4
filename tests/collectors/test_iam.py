"""IAM roles: trust policy, inline and managed policy documents, membership, failures."""

from __future__ import annotations

import json

import pytest
from collectkit import Recorder, client, coverage, deny, resources, snap, snaps, statuses, without

from paymentaudit.model import Status

ACCOUNT = "123456789012"


def _doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


TRUST = _doc(
    {
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": ACCOUNT, "sts:ExternalId": "ext-secret-42"}
        },
    }
)
INLINE = _doc(
    {
        "Sid": "Items",
        "Effect": "Allow",
        "Action": ["dynamodb:PutItem", "dynamodb:GetItem"],
        "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/payment-sessions-dev",
    }
)
MANAGED = _doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
AWS_MANAGED = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def _role(name: str) -> None:
    iam = client("iam")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, MaxSessionDuration=7200)
    iam.put_role_policy(
        RoleName=name, PolicyName="payment-lambda-policy-dev", PolicyDocument=INLINE
    )


def _managed(role: str) -> str:
    iam = client("iam")
    arn = iam.create_policy(PolicyName="payment-read-dev", PolicyDocument=MANAGED)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    return arn


def test_role_policies_are_read() -> None:
    _role("payment-lambda-role-dev")
    managed_arn = _managed("payment-lambda-role-dev")
    snapshot = snap("dev", "iam")
    role = resources(snapshot, "iam.role")["payment-lambda-role"]
    assert (role.type, role.physical_id, role.region) == (
        "iam.role",
        "payment-lambda-role-dev",
        "us-east-1",
    )
    assert role.arn == f"arn:aws:iam::{ACCOUNT}:role/payment-lambda-role-dev"
    cfg = role.config
    assert cfg["max_session_duration"] == 7200
    trust = cfg["assume_role_policy"]["Statement"][0]
    assert trust["Principal"] == {"Service": ["lambda.amazonaws.com"]}
    assert trust["Condition"]["StringEquals"] == {
        "aws:SourceAccount": [ACCOUNT],  # an identifier: kept
        "sts:ExternalId": ["[REDACTED]"],  # a shared secret: redacted
    }
    inline = cfg["inline_policies"]["payment-lambda-policy-dev"]["Statement"][0]
    assert inline["Action"] == ["dynamodb:GetItem", "dynamodb:PutItem"]  # canonical order
    assert cfg["managed_policies"] == {
        managed_arn: {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"]}
            ],
        }
    }
    assert "ext-secret-42" not in json.dumps(snapshot.to_dict())
    assert coverage(snapshot, "iam").status == "ok"


def test_aws_managed_policies_are_referenced_not_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")  # read on IAM's first call
    _role("payment-lambda-role-dev")
    client("iam").attach_role_policy(RoleName="payment-lambda-role-dev", PolicyArn=AWS_MANAGED)
    recorder = Recorder()
    snapshot = snap("dev", "iam", hooks={"before-parameter-build.iam": recorder})
    role = resources(snapshot, "iam.role")["payment-lambda-role"]
    assert role.config["managed_policies"] == {AWS_MANAGED: None}
    assert role.errors == {}
    assert recorder.of("ListAttachedRolePolicies")
    assert not recorder.of("GetPolicy") and not recorder.of("GetPolicyVersion")


def test_membership_by_suffix() -> None:
    for name in ("payment-lambda-role-dev", "payment-lambda-role-prod-abc123", "admin-role"):
        _role(name)
    result = snaps(["dev", "prod-abc123"], "iam")
    assert [r.physical_id for r in result["dev"].resources] == ["payment-lambda-role-dev"]
    assert [r.logical_name for r in result["prod-abc123"].resources] == ["payment-lambda-role"]


def test_attached_policy_failure_marks_managed_policies() -> None:
    _role("payment-lambda-role-dev")
    _managed("payment-lambda-role-dev")
    hooks = {"before-call.iam.ListAttachedRolePolicies": deny("ListAttachedRolePolicies")}
    snapshot = snap("dev", "iam", "sns", hooks=hooks)
    role = resources(snapshot, "iam.role")["payment-lambda-role"]
    assert role.errors == {"managed_policies": "ListAttachedRolePolicies: AccessDenied"}
    assert role.config["managed_policies"] is None
    assert role.config["inline_policies"]  # still read
    assert coverage(snapshot, "iam").status == "error"
    assert coverage(snapshot, "sns").status == "ok"


def test_inline_document_failure_marks_inline_policies() -> None:
    _role("payment-lambda-role-dev")
    snapshot = snap("dev", "iam", hooks={"before-call.iam.GetRolePolicy": deny("GetRolePolicy")})
    role = resources(snapshot, "iam.role")["payment-lambda-role"]
    assert role.errors == {"inline_policies": "GetRolePolicy: AccessDenied"}
    assert coverage(snapshot, "iam").error == (
        "iam.role payment-lambda-role-dev: GetRolePolicy: AccessDenied"
    )


def test_list_failure_fails_the_service_only() -> None:
    _role("payment-lambda-role-dev")
    client("sns").create_topic(Name="payment-alarms-dev")
    snapshot = snap("dev", "iam", "sns", hooks={"before-call.iam.ListRoles": deny("ListRoles")})
    assert snapshot.of_type("iam.role") == []
    assert coverage(snapshot, "iam").error == "ListRoles: AccessDenied"
    assert len(snapshot.of_type("sns.topic")) == 1


def test_a_missing_policy_document_is_unknown_never_empty() -> None:
    """A policy that could not be seen is never read as granting nothing."""
    _role("payment-lambda-role-dev")
    drop = without("PolicyDocument")
    snapshot = snap("dev", "iam", hooks={"after-call.iam.GetRolePolicy": drop})
    role = resources(snapshot, "iam.role")["payment-lambda-role"]
    assert role.errors == {"inline_policies": "PolicyDocument not in the response"}
    assert role.config["inline_policies"] is None
    assert statuses(snapshot, "IAM-WILDCARD", coverage_ok=True) == {Status.NOT_EVALUATED}
