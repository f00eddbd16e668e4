"""Terraform types -> s3.bucket: the bucket and its aws_s3_bucket_* parts (the shape of
``collect``)."""

from __future__ import annotations

from typing import Any

from paymentaudit.redact import (
    is_tls_only,
)
from paymentaudit.services.s3.collect import keyed_rules
from paymentaudit.terraform.document import TfResource, block, blocks, flag, number, text
from paymentaudit.terraform.spec import Built, Context, Relation, Spec, attr_keys, named

# What S3 applies to a bucket the code leaves without these (defaults since 2023).
DEFAULT_ENCRYPTION = {
    "sse_algorithm": "AES256",
    "kms_master_key_id": None,
    "bucket_key_enabled": False,
}


DEFAULT_PUBLIC_ACCESS_BLOCK = {
    "block_public_acls": True,
    "block_public_policy": True,
    "ignore_public_acls": True,
    "restrict_public_buckets": True,
}


S3_PARTS = (
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_replication_configuration",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_logging",
)


# -- S3 ------------------------------------------------------------------------------------------


def _one(ctx: Context, res: TfResource, tf_type: str) -> TfResource | None:
    found = ctx.children(res, tf_type)
    return found[0] if found else None


def _encryption(part: TfResource | None, ctx: Context) -> dict[str, Any]:
    if part is None:
        return dict(DEFAULT_ENCRYPTION)
    rule = block(part.attrs.get("rule"))
    default = block(rule.get("apply_server_side_encryption_by_default"))
    return {
        "sse_algorithm": text(default.get("sse_algorithm")),
        "kms_master_key_id": ctx.resolve(text(default.get("kms_master_key_id"))),
        "bucket_key_enabled": flag(rule.get("bucket_key_enabled"), False),
    }


def _public_access_block(part: TfResource | None) -> dict[str, Any]:
    if part is None:
        return dict(DEFAULT_PUBLIC_ACCESS_BLOCK)
    return {k: flag(part.attrs.get(k), False) for k in DEFAULT_PUBLIC_ACCESS_BLOCK}


def _transitions(items: list[dict[str, Any]], days: str) -> list[dict[str, Any]]:
    out = [
        {"days": number(t.get(days)), "storage_class": text(t.get("storage_class"))} for t in items
    ]
    return sorted(out, key=lambda t: (t["days"] or 0, str(t["storage_class"])))


def _lifecycle(part: TfResource | None) -> dict[str, Any] | None:
    if part is None:
        return None
    out = []
    for rule in blocks(part.attrs.get("rule")):
        filt = block(rule.get("filter"))
        prefix = text(filt.get("prefix")) or text(block(filt.get("and")).get("prefix"))
        out.append(
            {
                "status": text(rule.get("status")),
                "prefix": prefix or text(rule.get("prefix")) or "",
                "transitions": _transitions(blocks(rule.get("transition")), "days"),
                "expiration_days": number(block(rule.get("expiration")).get("days")) or None,
                "noncurrent_version_expiration_days": number(
                    block(rule.get("noncurrent_version_expiration")).get("noncurrent_days")
                )
                or None,
                "noncurrent_version_transitions": _transitions(
                    blocks(rule.get("noncurrent_version_transition")), "noncurrent_days"
                ),
                "abort_incomplete_multipart_upload_days": number(
                    block(rule.get("abort_incomplete_multipart_upload")).get(
                        "days_after_initiation"
                    )
                )
                or None,
            }
        )
    return keyed_rules(out, "prefix")


def _replication(part: TfResource | None, ctx: Context) -> dict[str, Any] | None:
    if part is None:
        return None
    rules = []
    for rule in blocks(part.attrs.get("rule")):
        dest = block(rule.get("destination"))
        criteria = block(rule.get("source_selection_criteria"))
        v2 = "filter" in rule and rule.get("filter") not in (None, [])  # the V2 rule schema
        rules.append(
            {
                "status": text(rule.get("status")),
                "priority": number(rule.get("priority"), 0 if v2 else None),
                "destination_bucket": ctx.resolve(text(dest.get("bucket"))),
                "storage_class": text(dest.get("storage_class")),
                "replica_kms_key_id": ctx.resolve(
                    text(block(dest.get("encryption_configuration")).get("replica_kms_key_id"))
                ),
                "sse_kms_encrypted_objects": text(
                    block(criteria.get("sse_kms_encrypted_objects")).get("status")
                ),
                "delete_marker_replication": text(
                    block(rule.get("delete_marker_replication")).get("status"),
                    "Disabled" if v2 else None,
                ),
            }
        )
    return {
        "role": ctx.resolve(text(part.attrs.get("role"))),
        "rules": keyed_rules(rules, "destination_bucket"),
    }


def build_bucket(res: TfResource, ctx: Context) -> Built:
    """Bucket: the split aws_s3_bucket_* resources folded into the collector's one config."""
    versioning = _one(ctx, res, "aws_s3_bucket_versioning")
    version = block(versioning.attrs.get("versioning_configuration")) if versioning else {}
    policy_part = _one(ctx, res, "aws_s3_bucket_policy")
    policy = ctx.policy(policy_part.attrs.get("policy")) if policy_part else None
    logging = _one(ctx, res, "aws_s3_bucket_logging")
    status = text(version.get("status"), "Disabled")
    config = {
        "versioning": status,
        "mfa_delete": text(version.get("mfa_delete"), "Disabled"),
        "encryption": _encryption(
            _one(ctx, res, "aws_s3_bucket_server_side_encryption_configuration"), ctx
        ),
        "public_access_block": _public_access_block(
            _one(ctx, res, "aws_s3_bucket_public_access_block")
        ),
        "lifecycle_rules": _lifecycle(_one(ctx, res, "aws_s3_bucket_lifecycle_configuration")),
        "replication": _replication(_one(ctx, res, "aws_s3_bucket_replication_configuration"), ctx),
        "policy": policy,
        "tls_only": is_tls_only(policy),
        "logging": None
        if logging is None
        else {
            "target_bucket": ctx.resolve(text(logging.attrs.get("target_bucket"))),
            "target_prefix": text(logging.attrs.get("target_prefix"), ""),
        },
    }
    return Built(config)


SPECS: dict[str, Spec] = {
    "aws_s3_bucket": Spec("s3", "s3.bucket", named("bucket"), build_bucket),
}

RELATIONS: tuple[Relation, ...] = (
    *(Relation(part, ("aws_s3_bucket",), attr_keys("bucket")) for part in S3_PARTS),
)
