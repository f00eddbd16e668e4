"""DynamoDB tables: config attributes, membership, pagination, failures."""

from __future__ import annotations

from collectkit import (
    Recorder,
    client,
    coverage,
    deny,
    resources,
    snap,
    snaps,
    statuses,
    tag_list,
    without,
)

from paymentaudit.model import Status
from paymentaudit.normalize import normalize_snapshot

KEY = [{"AttributeName": "session_id", "KeyType": "HASH"}]
ATTRS = [{"AttributeName": "session_id", "AttributeType": "S"}]


def _table(name: str, **kw: object) -> dict:
    return client("dynamodb").create_table(
        TableName=name,
        KeySchema=kw.pop("KeySchema", KEY),
        AttributeDefinitions=kw.pop("AttributeDefinitions", ATTRS),
        BillingMode="PAY_PER_REQUEST",
        **kw,
    )["TableDescription"]


def _sessions_table(key_arn: str) -> None:
    ddb = client("dynamodb")
    _table(
        "payment-sessions-dev",
        KeySchema=[*KEY, {"AttributeName": "created_at", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            *ATTRS,
            {"AttributeName": "created_at", "AttributeType": "N"},
            {"AttributeName": "customer_id", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "customer-index",
                "KeySchema": [{"AttributeName": "customer_id", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["status", "amt"]},
            }
        ],
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_arn},
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        DeletionProtectionEnabled=True,
    )
    ddb.update_continuous_backups(
        TableName="payment-sessions-dev",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
    )
    ddb.update_time_to_live(
        TableName="payment-sessions-dev",
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
    )


def _key() -> str:
    kms = client("kms")
    arn = kms.create_key(Description="payment dev CMK")["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/payment-dev", TargetKeyId=arn.rsplit("/", 1)[-1])
    return arn


def test_table_configuration_is_read() -> None:
    key_arn = _key()
    _sessions_table(key_arn)
    _table("payment-ledger-dev")  # defaults: no PITR, AWS-owned key, no TTL

    snapshot = snap("dev", "dynamodb", "kms")
    tables = resources(snapshot, "dynamodb.table")
    assert set(tables) == {"payment-sessions", "payment-ledger"}
    sessions = tables["payment-sessions"]
    assert sessions.type == "dynamodb.table" and sessions.service == "dynamodb"
    assert sessions.physical_id == "payment-sessions-dev"
    assert sessions.region == "us-east-1"
    assert sessions.arn == "arn:aws:dynamodb:us-east-1:123456789012:table/payment-sessions-dev"
    cfg = sessions.config
    assert cfg["billing_mode"] == "PAY_PER_REQUEST"
    assert (cfg["hash_key"], cfg["range_key"]) == ("session_id", "created_at")
    assert cfg["attributes"] == {"session_id": "S", "created_at": "N", "customer_id": "S"}
    assert cfg["global_secondary_indexes"] == {
        "customer-index": {
            "hash_key": "customer_id",
            "range_key": None,
            "projection_type": "INCLUDE",
            "non_key_attributes": ["amt", "status"],
        }
    }
    assert cfg["point_in_time_recovery"] is True
    assert cfg["ttl"] == {"enabled": True, "attribute_name": "expires_at"}
    assert cfg["server_side_encryption"] == {
        "enabled": True,
        "sse_type": "KMS",
        "kms_key_arn": key_arn,
    }
    assert cfg["stream_enabled"] is True
    assert cfg["stream_view_type"] == "NEW_AND_OLD_IMAGES"
    assert cfg["deletion_protection_enabled"] is True
    assert sessions.errors == {}

    ledger = tables["payment-ledger"].config
    assert ledger["point_in_time_recovery"] is False
    assert ledger["ttl"] == {"enabled": False, "attribute_name": None}
    assert ledger["server_side_encryption"]["sse_type"] != "KMS"
    assert ledger["deletion_protection_enabled"] is False
    assert ledger["range_key"] is None

    # The KMS key ARN becomes the key's logical name once normalized.
    normalized = normalize_snapshot(snapshot)
    sse = normalized[sessions.key]["server_side_encryption"]
    assert sse["kms_key_arn"] == "alias/payment"
    assert coverage(snapshot, "dynamodb").status == "ok"


def test_membership_by_suffix_and_tag() -> None:
    _table("payment-sessions-dev")
    _table("payment-sessions-prod-abc123")
    _table("sessions-archive", Tags=tag_list("dev"))  # no suffix in the name: the tag decides
    _table("payment-cache-dev", Tags=tag_list("abc-dev"))  # the tag names another env
    _table("unrelated-table")

    result = snaps(["dev", "prod-abc123", "abc-dev"], "dynamodb")
    ids = {s: {r.physical_id for r in snap_.resources} for s, snap_ in result.items()}
    assert ids["dev"] == {"payment-sessions-dev", "sessions-archive"}
    assert ids["prod-abc123"] == {"payment-sessions-prod-abc123"}
    assert ids["abc-dev"] == {"payment-cache-dev"}
    assert {r.logical_name for r in result["dev"].resources} == {
        "payment-sessions",
        "sessions-archive",
    }
    assert resources(result["abc-dev"], "dynamodb.table")["payment-cache"]


def test_list_tables_is_paginated() -> None:
    # moto returns 100 table names per page: 103 tables take two pages.
    for i in range(103):
        _table(f"t{i:03d}-dev")
    recorder = Recorder()
    snapshot = snap("dev", "dynamodb", hooks={"before-parameter-build.dynamodb": recorder})
    assert len(snapshot.of_type("dynamodb.table")) == 103
    assert len(recorder.of("ListTables")) >= 2
    assert coverage(snapshot, "dynamodb").resources == 103


def test_detail_failure_keeps_the_table_and_marks_the_attribute() -> None:
    _table("payment-sessions-dev")
    client("sns").create_topic(Name="payment-alarms-dev")
    hooks = {"before-call.dynamodb.DescribeContinuousBackups": deny("DescribeContinuousBackups")}

    snapshot = snap("dev", "dynamodb", "sns", hooks=hooks)
    table = resources(snapshot, "dynamodb.table")["payment-sessions"]
    assert table.errors == {"point_in_time_recovery": "DescribeContinuousBackups: AccessDenied"}
    assert table.config["point_in_time_recovery"] is None  # unknown, not False
    assert table.config["ttl"] == {"enabled": False, "attribute_name": None}  # still read
    cov = coverage(snapshot, "dynamodb")
    assert cov.status == "error"
    assert "payment-sessions-dev" in cov.error and "DescribeContinuousBackups" in cov.error
    assert "AccessDenied" in cov.error
    sns = coverage(snapshot, "sns")
    assert (sns.status, sns.resources, sns.error) == ("ok", 1, None)


def test_describe_failure_keeps_the_table_as_unreadable() -> None:
    _table("payment-sessions-dev")
    hooks = {"before-call.dynamodb.DescribeTable": deny("DescribeTable")}
    snapshot = snap("dev", "dynamodb", hooks=hooks)
    table = resources(snapshot, "dynamodb.table")["payment-sessions"]
    assert table.physical_id == "payment-sessions-dev"
    assert table.errors == {"describe": "DescribeTable: AccessDenied"}
    assert coverage(snapshot, "dynamodb").status == "error"


def test_list_failure_fails_the_service_only() -> None:
    _table("payment-sessions-dev")
    client("sns").create_topic(Name="payment-alarms-dev")
    snapshot = snap(
        "dev", "dynamodb", "sns", hooks={"before-call.dynamodb.ListTables": deny("ListTables")}
    )
    assert snapshot.of_type("dynamodb.table") == []
    cov = coverage(snapshot, "dynamodb")
    assert (cov.status, cov.resources) == ("error", 0)
    assert cov.error == "ListTables: AccessDenied"
    assert [r.physical_id for r in snapshot.of_type("sns.topic")] == ["payment-alarms-dev"]
    assert coverage(snapshot, "sns").status == "ok"


def test_missing_members_are_unknown_never_defaults() -> None:
    """DeletionProtectionEnabled and the PITR description are returned for every table: without
    them the attributes are unknown and their rules not evaluated. Without BillingModeSummary,
    a table with capacity units is provisioned (read from ProvisionedThroughput); an on-demand
    table's billing mode is then unknown. SSEDescription absent keeps its meaning."""
    _table("payment-sessions-dev")
    client("dynamodb").create_table(
        TableName="payment-cache-dev",
        KeySchema=KEY,
        AttributeDefinitions=ATTRS,
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    hooks = {
        "after-call.dynamodb.DescribeTable": without(
            "Table.DeletionProtectionEnabled", "Table.BillingModeSummary", "Table.SSEDescription"
        ),
        "after-call.dynamodb.DescribeContinuousBackups": without(
            "ContinuousBackupsDescription.PointInTimeRecoveryDescription"
        ),
    }
    snapshot = snap("dev", "dynamodb", hooks=hooks)
    tables = resources(snapshot, "dynamodb.table")
    sessions = tables["payment-sessions"]
    assert sessions.errors == {
        "billing_mode": "BillingModeSummary not in the response",
        "deletion_protection_enabled": "DeletionProtectionEnabled not in the response",
        "point_in_time_recovery": "PointInTimeRecoveryDescription not in the response",
    }
    assert sessions.config["deletion_protection_enabled"] is None
    assert sessions.config["point_in_time_recovery"] is None
    # Without an SSEDescription the table is encrypted with an AWS owned key: known.
    assert sessions.config["server_side_encryption"]["sse_type"] == "AWS_OWNED"
    assert tables["payment-cache"].config["billing_mode"] == "PROVISIONED"
    assert "billing_mode" not in tables["payment-cache"].errors
    for rule in ("DDB-PITR", "DDB-DELETION-PROTECTION"):
        assert statuses(snapshot, rule, coverage_ok=True) == {Status.NOT_EVALUATED}
    assert statuses(snapshot, "DDB-SSE-KMS", coverage_ok=True) == {Status.FAIL}
