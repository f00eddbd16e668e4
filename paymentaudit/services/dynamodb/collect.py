"""DynamoDB tables: keys, indexes, billing, PITR, SSE, TTL, streams, protection."""

from __future__ import annotations

from typing import Any

from paymentaudit.services.declare import Built, Call, Collector, Item, Ref, Scope


def _keys(schema: list[dict[str, Any]] | None) -> tuple[str | None, str | None]:
    hash_key = next((k["AttributeName"] for k in schema or [] if k["KeyType"] == "HASH"), None)
    range_key = next((k["AttributeName"] for k in schema or [] if k["KeyType"] == "RANGE"), None)
    return hash_key, range_key


def _indexes(indexes: list[dict[str, Any]] | None) -> dict[str, Any]:
    out = {}
    for index in indexes or []:
        hash_key, range_key = _keys(index.get("KeySchema"))
        projection = index.get("Projection", {})
        out[index["IndexName"]] = {
            "hash_key": hash_key,
            "range_key": range_key,
            "projection_type": projection.get("ProjectionType"),
            "non_key_attributes": sorted(projection.get("NonKeyAttributes", [])),
        }
    return out


def build_table(item: Item, scope: Scope) -> Built:
    """Table configuration from describe_table plus PITR and TTL."""
    raw = item.raw
    if not isinstance(raw, dict):
        # describe_table failed (item.errors says why): the list gave the name only.
        return Built(config={})
    hash_key, range_key = _keys(raw.get("KeySchema"))
    sse = raw.get("SSEDescription") or {}
    pitr = (item.detail("point_in_time_recovery", {}) or {}).get(
        "PointInTimeRecoveryDescription", {}
    )
    ttl = item.detail("ttl", {})
    stream = raw.get("StreamSpecification") or {}
    config = {
        "billing_mode": (raw.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED"),
        "hash_key": hash_key,
        "range_key": range_key,
        "attributes": {
            a["AttributeName"]: a["AttributeType"] for a in raw.get("AttributeDefinitions", [])
        },
        "global_secondary_indexes": _indexes(raw.get("GlobalSecondaryIndexes")),
        "local_secondary_indexes": _indexes(raw.get("LocalSecondaryIndexes")),
        "point_in_time_recovery": None
        if "point_in_time_recovery" in item.errors
        else pitr.get("PointInTimeRecoveryStatus") == "ENABLED",
        "server_side_encryption": {
            "enabled": sse.get("Status") in ("ENABLED", "ENABLING"),
            "sse_type": sse.get("SSEType") or "AWS_OWNED",
            "kms_key_arn": sse.get("KMSMasterKeyArn"),
        },
        "ttl": None
        if "ttl" in item.errors
        else {
            "enabled": ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"),
            "attribute_name": ttl.get("AttributeName"),
        },
        "stream_enabled": bool(stream.get("StreamEnabled")),
        "stream_view_type": stream.get("StreamViewType"),
        "deletion_protection_enabled": bool(raw.get("DeletionProtectionEnabled")),
        "table_class": (raw.get("TableClassSummary") or {}).get("TableClass", "STANDARD"),
    }
    return Built(config=config, aliases=(raw.get("TableArn", ""),))


def _table_arn(raw: Any, scope: Scope) -> str:
    if isinstance(raw, dict):
        return raw.get("TableArn", "")
    return f"arn:{scope.partition}:dynamodb:{scope.region}:{scope.account_id}:table/{raw}"


TABLE = Collector(
    service="dynamodb",
    type="dynamodb.table",
    list=Call("list_tables", result="TableNames", paginate=True),
    describe=Call(
        "describe_table",
        params={"TableName": "."},
        result="Table",
        absent=("ResourceNotFoundException",),
    ),
    id=lambda raw: raw if isinstance(raw, str) else raw["TableName"],
    arn=_table_arn,
    details={
        "point_in_time_recovery": Call(
            "describe_continuous_backups",
            params={"TableName": "TableName"},
            result="ContinuousBackupsDescription",
        ),
        "ttl": Call(
            "describe_time_to_live",
            params={"TableName": "TableName"},
            result="TimeToLiveDescription",
        ),
    },
    refs=(Ref("kms.key", "server_side_encryption.kms_key_arn", label="table-key"),),
    build=build_table,
)

COLLECTORS = (TABLE,)
