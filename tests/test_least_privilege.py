"""Read-only and least privilege, against moto with IAM enforcement on.

moto enforces IAM once its request count passes INITIAL_NO_AUTH_ACTION_COUNT; the
fixture provisions the environments first and then turns enforcement on (count 0).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, chdir, findings, fresh_sandbox, run_cli

from paymentaudit import services as collectors
from paymentaudit.engine.run import take
from paymentaudit.iam_policy import policy_document

READ_PREFIXES = ("Describe", "List", "Get")


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


def _user(iam: Any, name: str, *statements: dict[str, Any]) -> dict[str, str]:
    iam.create_user(UserName=name)
    doc = policy_document()
    doc["Statement"].extend(statements)
    iam.put_user_policy(UserName=name, PolicyName="audit", PolicyDocument=json.dumps(doc))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {
        "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
    }


@pytest.fixture
def enforced(moto_iam_like_aws: None) -> Iterator[Any]:
    """A clean sandbox, an auditor with exactly the printed policy, one denied KMS, and IAM
    enforcement on."""
    from moto.core.authorization import enable_iam_authentication

    with fresh_sandbox(drifts=False) as box:
        iam = box.clients("iam", "us-east-1")
        box.auditor = _user(iam, "auditor")
        box.no_kms = _user(
            iam, "auditor-no-kms", {"Effect": "Deny", "Action": "kms:*", "Resource": "*"}
        )
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


def test_every_call_of_a_full_snapshot_is_a_declared_read(sandbox: Any) -> None:
    """Run the whole snapshot against the moto server and look at every operation called."""
    import paymentaudit.aws as aws

    made: list[aws.Clients] = []
    original = aws.Clients.__init__

    def record(self: aws.Clients, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    aws.Clients.__init__ = record  # type: ignore[method-assign]
    try:
        take([("prod-abc123", None), ("dev", None)], sandbox.connection)
    finally:
        aws.Clients.__init__ = original  # type: ignore[method-assign]
    declared = collectors.declared_operations()
    called = {key for clients in made for key in clients.calls.counts}
    assert len(called) > 40
    for service, operation in called:
        assert operation in declared[service], (service, operation)
        assert operation.startswith(READ_PREFIXES), operation


def test_the_guard_refuses_an_undeclared_call_before_sending(sandbox: Any) -> None:
    from paymentaudit.aws import Clients
    from paymentaudit.errors import ReadOnlyViolation

    clients = Clients(sandbox.connection, collectors.declared_operations())
    s3 = clients.client("s3")
    with pytest.raises(ReadOnlyViolation):
        s3.delete_bucket(Bucket="payment-audit-logs-dev")
    with pytest.raises(ReadOnlyViolation):
        clients.client("ssm").get_parameter(Name="/dev/app/currency", WithDecryption=True)
    assert "payment-audit-logs-dev" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
