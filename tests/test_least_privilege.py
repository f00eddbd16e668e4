"""Least privilege: the printed and the scoped policies, against moto with IAM enforcement on.

moto enforces IAM once its request count passes INITIAL_NO_AUTH_ACTION_COUNT; the
fixture provisions the environments first and then turns enforcement on (count 0).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, chdir, findings, fresh_sandbox, run_cli
from iamkit import Alignment, Targets, aws_targets, conditions_hold, iam_match

from paymentaudit import services as collectors
from paymentaudit.iam_policy import RESOURCE_TYPES, policy_document


@pytest.fixture
def moto_iam_like_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Align three moto IAM-enforcement gaps with real IAM, so the test checks our policy,
    not moto's quirks:

    - moto names the action after the request's signing name: CloudWatch signs as
      ``monitoring`` and the tagging API as ``tagging``; IAM says ``cloudwatch:`` and ``tag:``;
    - moto's S3 action map lacks ?encryption, ?replication and ?publicAccessBlock and falls
      back to ``s3:ListBucket``; IAM requires GetEncryptionConfiguration,
      GetReplicationConfiguration and GetBucketPublicAccessBlock;
    - moto recomputes Lambda REST signatures differently from botocore (SignatureDoesNotMatch
      for a valid ListFunctions), so the signature check is skipped for lambda only; the
      action is still authorized against the policy.
    """
    from moto.iam import access_control
    from moto.s3 import responses as s3_responses

    aliases = {"monitoring": "cloudwatch", "tagging": "tag"}
    original_init = access_control.IAMRequestBase.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        service, _, action = self._action.partition(":")
        if service in aliases:
            self._action = f"{aliases[service]}:{action}"

    original_check = access_control.IAMRequestBase.check_signature

    def check_signature(self: Any) -> None:
        if self._service != "lambda":
            original_check(self)

    monkeypatch.setattr(access_control.IAMRequestBase, "__init__", init)
    monkeypatch.setattr(access_control.IAMRequestBase, "check_signature", check_signature)
    get_map = dict(s3_responses.ACTION_MAP["BUCKET"]["GET"])
    get_map.update(
        encryption="GetEncryptionConfiguration",
        replication="GetReplicationConfiguration",
        publicAccessBlock="GetBucketPublicAccessBlock",
    )
    monkeypatch.setitem(s3_responses.ACTION_MAP["BUCKET"], "GET", get_map)


@pytest.fixture
def moto_resources_like_aws(monkeypatch: pytest.MonkeyPatch) -> Alignment:
    """Align moto's evaluation of Resource and Condition with real IAM, so that a
    resource-scoped policy is checked as AWS would check it; yields the alignment's errors.

    - moto computes a request's resource only in a few response classes (IAM roles, S3
      buckets) and passes "*" everywhere else, which no scoped statement matches: the request's
      resources are computed here as AWS does (``aws_targets``): the table, function, topic,
      role, policy, parameters (GetParameters: each one), key, secret, dashboard or VPC it
      names; the type's wildcard ARN for a call that enumerates the account (DescribeAlarms
      without names, DescribeDB*); "*" for the actions that support only "*" (ListBuckets
      included, where moto says ``arn:aws:s3:::*``);
    - moto ignores every condition operator but StringEquals, and knows no condition key but
      sts:ExternalId: the keys the scoped policy uses are read from moto's backends
      (kms:ResourceAliases from the key's aliases, aws:ResourceTag/<key> from the secret's
      tags) and StringLike / ForAnyValue:StringLike are evaluated (``conditions_hold``); any
      other operator fails the test;
    - moto treats an Allow whose condition does not hold as a Deny; in IAM the statement just
      does not apply, so another statement may still allow the request;
    - moto matches Resource and Action as regular expressions (``?`` and ``.`` included); IAM
      matches ``*`` and ``?`` wildcards (``iam_match``).
    """
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.iam import access_control

    seen = Alignment()
    original_authorize = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action

    def authorize(self: Any, resource: str = "*") -> None:
        enforced = ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT
        if enforced and resource == "*":
            try:
                targets = aws_targets(self)
            except Exception as exc:  # the server would only answer 500: record it for the test
                seen.errors.append(f"{type(exc).__name__}: {exc}")
                raise
            if targets is not None:
                resource = Targets(targets[0][0])
                resource.targets = targets
        original_authorize(self, resource)

    original_s3 = ActionAuthenticatorMixin._authenticate_and_authorize_s3_action

    def authorize_s3(
        self: Any, bucket_name: str | None = None, key_name: str | None = None
    ) -> None:
        if bucket_name is None and key_name is None:  # ListBuckets: "*", not arn:aws:s3:::*
            self._authenticate_and_authorize_action(access_control.S3IAMRequest, "*")
        else:
            original_s3(self, bucket_name, key_name)

    original_check = access_control.IAMRequestBase.check_action_permitted

    def check_action_permitted(self: Any, resource: str) -> None:
        targets = getattr(resource, "targets", None)
        arns = [arn for arn, _ in targets] if targets is not None else [str(resource)]
        seen.resources.setdefault(self._action, set()).update(arns)
        if targets is None:
            original_check(self, resource)
            return
        policies = self._access_key.collect_policies()
        for arn, context in targets:  # each resource of the request must be allowed
            permitted = False
            for policy in policies:
                result = access_control.IAMPolicy(policy).is_action_permitted(
                    self._action, arn, None, context
                )
                if result == access_control.PermissionResult.DENIED:
                    self._raise_access_denied()
                permitted = permitted or result == access_control.PermissionResult.PERMITTED
            if not permitted:
                self._raise_access_denied()

    statement = access_control.IAMPolicyStatement
    original_statement = statement.is_action_permitted

    def statement_permitted(
        self: Any,
        action: str,
        resource: str = "*",
        principal: str | None = None,
        incoming_condition_values: Any = None,
    ) -> Any:
        condition = self._statement.get("Condition")
        if condition and not conditions_hold(condition, incoming_condition_values):
            return access_control.PermissionResult.NEUTRAL
        return original_statement(self, action, resource, principal, incoming_condition_values)

    monkeypatch.setattr(
        ActionAuthenticatorMixin, "_authenticate_and_authorize_normal_action", authorize
    )
    monkeypatch.setattr(
        ActionAuthenticatorMixin, "_authenticate_and_authorize_s3_action", authorize_s3
    )
    monkeypatch.setattr(
        access_control.IAMRequestBase, "check_action_permitted", check_action_permitted
    )
    monkeypatch.setattr(statement, "is_action_permitted", statement_permitted)
    monkeypatch.setattr(statement, "_check_conditions", lambda self, values: True)
    monkeypatch.setattr(
        statement, "_match", staticmethod(lambda pattern, value: iam_match(pattern, value) or None)
    )
    return seen


def _user(
    iam: Any, name: str, *statements: dict[str, Any], doc: dict[str, Any] | None = None
) -> dict[str, str]:
    iam.create_user(UserName=name)
    doc = policy_document() if doc is None else doc
    doc["Statement"].extend(statements)
    iam.put_user_policy(UserName=name, PolicyName="audit", PolicyDocument=json.dumps(doc))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {
        "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
    }


@pytest.fixture
def enforced(moto_iam_like_aws: None, moto_resources_like_aws: Alignment) -> Iterator[Any]:
    """A clean sandbox, an auditor with exactly the printed policy, one denied KMS, one with
    exactly the policy scoped to the two environments, and IAM enforcement on."""
    from moto.core.authorization import enable_iam_authentication

    with fresh_sandbox(drifts=False) as box:
        iam = box.clients("iam", "us-east-1")
        # A customer-managed policy on both environments' Lambda role (the sandbox attaches
        # none), so that iam:GetPolicy and iam:GetPolicyVersion are exercised too.
        document = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"}],
        }
        policy = iam.create_policy(
            PolicyName="payment-tracing", PolicyDocument=json.dumps(document)
        )["Policy"]["Arn"]
        for suffix in (box.target, box.baseline):
            iam.attach_role_policy(RoleName=f"payment-lambda-role-{suffix}", PolicyArn=policy)
        box.auditor = _user(iam, "auditor")
        box.no_kms = _user(
            iam, "auditor-no-kms", {"Effect": "Deny", "Action": "kms:*", "Resource": "*"}
        )
        box.scoped = _user(
            iam, "auditor-scoped", doc=policy_document(scope=[box.target, box.baseline])
        )
        box.alignment = moto_resources_like_aws
        with enable_iam_authentication():
            yield box


def _validate(box: Any, creds: dict[str, str], out: Path, capsys: Any, monkeypatch: Any) -> int:
    for key, value in creds.items():
        monkeypatch.setenv(key, value)
    with chdir(ROOT):
        code, out, err = run_cli(
            ["validate", box.target, "--baseline", box.baseline, "--endpoint-url", box.url,
             "--no-notebook", "--out", str(out)],
            capsys,
        )  # fmt: skip
    print(out, err)
    return code


def test_the_printed_policy_is_enough_for_a_complete_validate(
    enforced: Any, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = _validate(enforced, enforced.auditor, tmp_path / "r", capsys, monkeypatch)
    doc = findings(tmp_path / "r")
    assert [c for c in doc["coverage"] if c["status"] != "ok"] == []
    assert doc["not_evaluated"] == []
    assert code == 0 and doc["verdict"] == "READY"


def test_the_scoped_policy_is_enough_for_a_complete_validate(
    enforced: Any, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`iam-policy --scope <target> --scope <baseline>`: a READY run, every service read, with
    every resource-level action checked against the resources AWS would authorize."""
    code = _validate(enforced, enforced.scoped, tmp_path / "r", capsys, monkeypatch)
    doc = findings(tmp_path / "r")
    assert enforced.alignment.errors == []
    assert [c for c in doc["coverage"] if c["status"] != "ok"] == []
    assert doc["not_evaluated"] == []
    assert code == 0 and doc["verdict"] == "READY"
    assert {c["service"] for c in doc["coverage"]} >= set(collectors.SERVICE_NAMES)
    # The scoped statements were what allowed the reads: every action that supports
    # resource-level permissions was evaluated against named resources.
    checked = enforced.alignment.resources
    scoped_actions = {a for a, t in RESOURCE_TYPES.items() if t is not None}
    assert scoped_actions - set(checked) == set()
    for action, resources in checked.items():
        assert ("*" in resources) == (action not in scoped_actions), (action, resources)
    parameters = enforced.alignment.resources["ssm:GetParameters"]
    assert parameters and all(re.search(r":parameter/(prod|dev)/", p) for p in parameters)
    assert any(
        "rds!cluster-" in s for s in enforced.alignment.resources["secretsmanager:DescribeSecret"]
    )


def test_the_scoped_policy_denies_the_other_environments(
    enforced: Any, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A policy scoped to the baseline alone reads none of the target's named resources: each
    service with a resource-level read of them reports AccessDenied, the run is not ready.
    (A blocking parity finding on what could be read may come first: NOT READY, exit 1.)"""
    from moto.core.authorization import disable_iam_authentication

    iam = enforced.clients("iam", "us-east-1")
    with disable_iam_authentication():
        creds = _user(iam, "auditor-baseline", doc=policy_document(scope=[enforced.baseline]))
    code = _validate(enforced, creds, tmp_path / "r", capsys, monkeypatch)
    doc = findings(tmp_path / "r")
    assert enforced.alignment.errors == []
    errors = {c["service"]: c["error"] for c in doc["coverage"] if c["status"] == "error"}
    assert set(errors) == {
        "cloudwatch", "dynamodb", "iam", "kms", "lambda", "s3", "secretsmanager", "sns", "ssm",
    }  # fmt: skip
    for error in errors.values():
        assert error.startswith(f"{enforced.target}: ") and "AccessDenied" in error, error
    assert doc["ready"] is False and code in (1, 3)


def test_a_denied_service_makes_the_audit_incomplete(
    enforced: Any, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = _validate(enforced, enforced.no_kms, tmp_path / "r", capsys, monkeypatch)
    doc = findings(tmp_path / "r")
    errors = {c["service"]: c["error"] for c in doc["coverage"] if c["status"] == "error"}
    assert set(errors) == {"kms"}
    assert "AccessDenied" in errors["kms"]
    assert doc["verdict"] == "INCOMPLETE" and doc["ready"] is False
    assert {n["check"] for n in doc["not_evaluated"]} >= {"KMS-ROTATION", "RDS-ENCRYPTED"}
    assert code == 3
