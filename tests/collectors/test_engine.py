"""The engine around the collectors: read-only clients, tagging, shared list calls."""

from __future__ import annotations

import re

import pytest
from collectkit import Recorder, client, coverage, deny, snap, snaps, tag_list

from paymentaudit import services as collectors
from paymentaudit.aws import Clients, Connection
from paymentaudit.errors import ReadOnlyViolation

READ_ONLY_OP = re.compile(r"^(Describe|Get|List)[A-Z]")


def test_client_refuses_an_undeclared_operation_before_sending() -> None:
    client("s3").create_bucket(Bucket="payment-audit-logs-dev")
    clients = Clients(Connection(), collectors.declared_operations())
    s3 = clients.client("s3")
    with pytest.raises(ReadOnlyViolation, match="s3:DeleteBucket"):
        s3.delete_bucket(Bucket="payment-audit-logs-dev")
    assert [b["Name"] for b in client("s3").list_buckets()["Buckets"]] == ["payment-audit-logs-dev"]
    # A declared operation goes through and is counted; the refused one was not.
    s3.get_bucket_versioning(Bucket="payment-audit-logs-dev")
    assert dict(clients.calls.counts) == {("s3", "GetBucketVersioning"): 1}


@pytest.mark.parametrize(
    ("service", "call", "kwargs"),
    [
        ("dynamodb", "delete_table", {"TableName": "t-dev"}),
        ("ssm", "put_parameter", {"Name": "/dev/x", "Value": "1", "Type": "String"}),
        ("ssm", "get_parameter", {"Name": "/dev/x", "WithDecryption": True}),
        ("kms", "disable_key_rotation", {"KeyId": "k"}),
        ("lambda", "get_function", {"FunctionName": "f"}),  # returns a code URL: not declared
    ],
)
def test_other_undeclared_operations_are_refused(service: str, call: str, kwargs: dict) -> None:
    clients = Clients(Connection(), collectors.declared_operations())
    with pytest.raises(ReadOnlyViolation):
        getattr(clients.client(service), call)(**kwargs)
    assert clients.calls.total == 0


def test_every_declared_operation_only_reads() -> None:
    declared = collectors.declared_operations()
    for service, operations in declared.items():
        assert operations, service
        writes = sorted(op for op in operations if not READ_ONLY_OP.match(op))
        assert writes == [], f"{service} declares non-read operations {writes}"
    # Values of SecureString parameters are never requested by operation either.
    assert "GetParameter" not in declared["ssm"]
    assert "GetParametersByPath" not in declared["ssm"]


def test_tagging_failure_is_reported_and_names_still_decide() -> None:
    ddb = client("dynamodb")
    for name, tags in (("payment-sessions-dev", []), ("sessions-archive", tag_list("dev"))):
        ddb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            **({"Tags": tags} if tags else {}),
        )
    hooks = {"before-call.resource-groups-tagging-api.GetResources": deny("GetResources")}
    snapshot = snap("dev", "dynamodb", hooks=hooks)
    assert [r.physical_id for r in snapshot.resources] == ["payment-sessions-dev"]
    tagging = coverage(snapshot, "tagging")
    assert tagging.status == "error"
    assert tagging.error == (
        "tag:GetResources in us-east-1: GetResources: AccessDenied; "
        "tag:GetResources in us-west-2: GetResources: AccessDenied"
    )
    assert "tagging" in snapshot.failed_services()


def test_environments_share_account_wide_list_calls() -> None:
    ddb = client("dynamodb")
    for name in ("payment-sessions-dev", "payment-sessions-prod-abc123"):
        ddb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    recorder = Recorder()
    result = snaps(
        ["dev", "prod-abc123"], "dynamodb", hooks={"before-parameter-build.dynamodb": recorder}
    )
    assert len(recorder.of("ListTables")) == 1
    assert sorted(p["TableName"] for p in recorder.of("DescribeTable")) == [
        "payment-sessions-dev",
        "payment-sessions-prod-abc123",
    ]
    assert [r.physical_id for r in result["dev"].resources] == ["payment-sessions-dev"]
    assert [r.physical_id for r in result["prod-abc123"].resources] == [
        "payment-sessions-prod-abc123"
    ]
