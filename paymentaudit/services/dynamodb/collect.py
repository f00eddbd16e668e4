"""DynamoDB tables: keys, indexes, billing, PITR, SSE, TTL, streams, protection.

Members missing from a response (DescribeTable's ``Table``, DescribeContinuousBackups,
DescribeTimeToLive), decided member by member from the DynamoDB API reference:

* Unknown when absent (``item.errors[<attribute>] = "<Member> not in the response"``: not
  compared, and a rule reading the attribute is not evaluated): ``DeletionProtectionEnabled``
  (never read as off), ``KeySchema`` (hash and range keys), ``AttributeDefinitions``; inside an
  ``SSEDescription`` that is present, its ``Status`` or its ``SSEType``; the
  ``PointInTimeRecoveryDescription`` of DescribeContinuousBackups or its
  ``PointInTimeRecoveryStatus`` (never read as disabled); DescribeTimeToLive's
  ``TimeToLiveDescription`` or its ``TimeToLiveStatus``; ``BillingModeSummary`` when the table's
  ``ProvisionedThroughput`` does not tell either (below). An index without its name or key
  schema makes that index attribute unknown.
* ``BillingModeSummary`` is read from the summary when present. Without it, a table whose
  ``ProvisionedThroughput`` has read or write capacity units above zero is provisioned (an
  on-demand table reports zero units): that is read from a member that is present, not a
  default; with neither, the billing mode is unknown (never read as ``PROVISIONED``).
* Absent with a documented meaning, kept: ``SSEDescription`` (the table is encrypted with an
  AWS owned key: ``SSESpecification`` "not specified" is the AWS owned key, and the
  description describes KMS encryption only, ``SSEType``'s one value being ``KMS``);
  ``StreamSpecification`` (no stream); ``GlobalSecondaryIndexes`` and
  ``LocalSecondaryIndexes`` (none); ``TableClassSummary`` (``STANDARD``, the default class of
  CreateTable: DynamoDB, and moto, report the summary only for a table whose class was set).
"""

from __future__ import annotations

from typing import Any

from paymentaudit.services.declare import Built, Call, Collector, Item, Ref, Scope


def _keys(schema: list[dict[str, Any]] | None) -> tuple[str | None, str | None] | None:
    """(hash key, range key) of a key schema; None when an element lacks a member (unknown).
    A schema without a RANGE element has no range key."""
    if any(k.get("AttributeName") is None or k.get("KeyType") is None for k in schema or []):
        return None
    hash_key = next((k["AttributeName"] for k in schema or [] if k["KeyType"] == "HASH"), None)
    range_key = next((k["AttributeName"] for k in schema or [] if k["KeyType"] == "RANGE"), None)
    return hash_key, range_key


def _indexes(indexes: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """Indexes by name; None when an index lacks its name or key schema (unknown)."""
    out = {}
    for index in indexes or []:
        keys = _keys(index.get("KeySchema"))
        if index.get("IndexName") is None or index.get("KeySchema") is None or keys is None:
            return None
        projection = index.get("Projection") or {}
        out[str(index["IndexName"])] = {
            "hash_key": keys[0],
            "range_key": keys[1],
            "projection_type": projection.get("ProjectionType"),
            "non_key_attributes": sorted(projection.get("NonKeyAttributes") or []),
        }
    return out


def _billing_mode(raw: dict[str, Any]) -> str | None:
    """BillingModeSummary's mode; without it, PROVISIONED when the table has capacity units
    (an on-demand table reports zero); None when neither tells (see the module docstring)."""
    mode = (raw.get("BillingModeSummary") or {}).get("BillingMode")
    if mode is not None:
        return str(mode)
    throughput = raw.get("ProvisionedThroughput") or {}
    units = [throughput.get("ReadCapacityUnits"), throughput.get("WriteCapacityUnits")]
    if any(isinstance(u, int) and u > 0 for u in units):
        return "PROVISIONED"
    return None


def build_table(item: Item, scope: Scope) -> Built:
    """Table configuration from describe_table plus PITR and TTL; an always-returned member
    that is missing makes its attribute unknown (see the module docstring)."""
    raw = item.raw
    if not isinstance(raw, dict):
        # describe_table failed (item.errors says why): the list gave the name only.
        return Built(config={})
    unknown: dict[str, str] = {}
    keys = _keys(raw.get("KeySchema"))
    if raw.get("KeySchema") is None or keys is None:
        unknown["hash_key"] = unknown["range_key"] = "KeySchema not in the response"
    hash_key, range_key = keys or (None, None)
    sse = raw.get("SSEDescription")
    if sse is not None:
        for member in ("Status", "SSEType"):
            if sse.get(member) is None:
                unknown["server_side_encryption"] = f"SSEDescription.{member} not in the response"
    sse = sse or {}
    pitr = (item.details.get("point_in_time_recovery") or {}).get("PointInTimeRecoveryDescription")
    pitr_status = (pitr or {}).get("PointInTimeRecoveryStatus")
    if pitr_status is None:
        member = "PointInTimeRecoveryStatus" if pitr else "PointInTimeRecoveryDescription"
        unknown["point_in_time_recovery"] = f"{member} not in the response"
    ttl = item.details.get("ttl")
    if (ttl or {}).get("TimeToLiveStatus") is None:
        member = "TimeToLiveStatus" if ttl else "TimeToLiveDescription"
        unknown["ttl"] = f"{member} not in the response"
    ttl = ttl or {}
    stream = raw.get("StreamSpecification") or {}
    attributes = raw.get("AttributeDefinitions")
    if attributes is None or any(
        a.get("AttributeName") is None or a.get("AttributeType") is None for a in attributes
    ):
        unknown["attributes"] = "AttributeDefinitions not in the response"
    billing_mode = _billing_mode(raw)
    if billing_mode is None:
        unknown["billing_mode"] = "BillingModeSummary not in the response"
    if raw.get("DeletionProtectionEnabled") is None:
        unknown["deletion_protection_enabled"] = "DeletionProtectionEnabled not in the response"
    global_indexes = _indexes(raw.get("GlobalSecondaryIndexes"))
    local_indexes = _indexes(raw.get("LocalSecondaryIndexes"))
    for attribute, indexes in (
        ("global_secondary_indexes", global_indexes),
        ("local_secondary_indexes", local_indexes),
    ):
        if indexes is None:
            unknown[attribute] = "an index's IndexName or KeySchema not in the response"
    config = {
        "billing_mode": billing_mode,
        "hash_key": hash_key,
        "range_key": range_key,
        "attributes": {a.get("AttributeName"): a.get("AttributeType") for a in attributes or []},
        "global_secondary_indexes": global_indexes,
        "local_secondary_indexes": local_indexes,
        "point_in_time_recovery": pitr_status == "ENABLED",
        "server_side_encryption": {
            "enabled": sse.get("Status") in ("ENABLED", "ENABLING"),
            "sse_type": sse.get("SSEType") or "AWS_OWNED",
            "kms_key_arn": sse.get("KMSMasterKeyArn"),
        },
        "ttl": {
            "enabled": ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"),
            "attribute_name": ttl.get("AttributeName"),
        },
        "stream_enabled": bool(stream.get("StreamEnabled")),
        "stream_view_type": stream.get("StreamViewType"),
        "deletion_protection_enabled": bool(raw.get("DeletionProtectionEnabled")),
        "table_class": (raw.get("TableClassSummary") or {}).get("TableClass") or "STANDARD",
    }
    # A failed call is already in item.errors (its reason kept); what it would fill is None.
    for attribute in ("point_in_time_recovery", "ttl"):
        if attribute in item.errors:
            unknown.pop(attribute, None)
            config[attribute] = None
    for attribute, reason in unknown.items():
        item.errors.setdefault(attribute, reason)
        config[attribute] = None
    return Built(config=config, aliases=tuple(a for a in (raw.get("TableArn"),) if a))


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
    id=lambda raw: raw if isinstance(raw, str) else str(raw.get("TableName") or ""),
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
