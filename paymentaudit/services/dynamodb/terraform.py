"""Terraform types -> dynamodb.table (the shape of ``collect``)."""

from __future__ import annotations

from typing import Any

from paymentaudit.terraform.document import TfResource, block, blocks, flag, strings, text
from paymentaudit.terraform.refs import later
from paymentaudit.terraform.spec import Built, Context, Relation, Spec, named

# -- DynamoDB ------------------------------------------------------------------------------------


def _index(spec: dict[str, Any], hash_key: Any = None) -> dict[str, Any]:
    return {
        "hash_key": text(spec.get("hash_key")) or hash_key,
        "range_key": text(spec.get("range_key")),
        "projection_type": text(spec.get("projection_type")),
        "non_key_attributes": sorted(strings(spec.get("non_key_attributes"))),
    }


def build_table(res: TfResource, ctx: Context) -> Built:
    """Table: keys, indexes, billing, PITR, SSE, TTL, streams, protection, class."""
    a = res.attrs
    sse = block(a.get("server_side_encryption"))
    if flag(sse.get("enabled"), False):
        key = ctx.resolve(text(sse.get("kms_key_arn")))
        encryption = {
            "enabled": True,
            "sse_type": "KMS",
            "kms_key_arn": key or later(res, "server_side_encryption.kms_key_arn"),
        }
    else:
        encryption = {"enabled": False, "sse_type": "AWS_OWNED", "kms_key_arn": None}
    ttl = block(a.get("ttl"))
    ttl_on = flag(ttl.get("enabled"), False)
    stream = flag(a.get("stream_enabled"), False)
    config = {
        "billing_mode": text(a.get("billing_mode"), "PROVISIONED"),
        "hash_key": text(a.get("hash_key")),
        "range_key": text(a.get("range_key")),
        "attributes": {b.get("name"): b.get("type") for b in blocks(a.get("attribute"))},
        "global_secondary_indexes": {
            b.get("name"): _index(b) for b in blocks(a.get("global_secondary_index"))
        },
        "local_secondary_indexes": {
            b.get("name"): _index(b, text(a.get("hash_key")))
            for b in blocks(a.get("local_secondary_index"))
        },
        "point_in_time_recovery": flag(
            block(a.get("point_in_time_recovery")).get("enabled"), False
        ),
        "server_side_encryption": encryption,
        "ttl": {
            "enabled": ttl_on,
            "attribute_name": text(ttl.get("attribute_name")) if ttl_on else None,
        },
        "stream_enabled": stream,
        "stream_view_type": text(a.get("stream_view_type")) if stream else None,
        "deletion_protection_enabled": flag(a.get("deletion_protection_enabled"), False),
        "table_class": text(a.get("table_class"), "STANDARD"),
    }
    return Built(config)


SPECS: dict[str, Spec] = {
    "aws_dynamodb_table": Spec("dynamodb", "dynamodb.table", named("name"), build_table),
}

RELATIONS: tuple[Relation, ...] = ()
