"""Data stores -> rds.cluster, rds.instance, rds.subnet_group, dynamodb.table, s3.bucket
(the shapes of ``paymentaudit.collectors.rds``, ``.dynamodb`` and ``.s3``)."""

from __future__ import annotations

from typing import Any

from paymentaudit.collectors.s3 import keyed_rules
from paymentaudit.desired.base import Built, Context, Relation, Spec, attr_keys
from paymentaudit.desired.refs import later
from paymentaudit.desired.tf import TfResource, block, blocks, flag, number, strings, text
from paymentaudit.redact import is_tls_only

# Ports Aurora uses when the code sets none.
DEFAULT_PORTS = {"aurora-postgresql": 5432, "postgres": 5432}
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


def named(attr: str) -> Any:
    """A Spec name function: the resolved value of one attribute."""

    def name(res: TfResource, ctx: Context) -> str | None:
        """The resolved attribute, when it is a non-empty string."""
        value = ctx.resolve(text(res.attrs.get(attr)))
        return value if isinstance(value, str) and value else None

    return name


def _set(res: TfResource, ctx: Context, attr: str) -> Any:
    """The attribute as set, else its after-apply placeholder (AWS picks it)."""
    value = ctx.resolve(text(res.attrs.get(attr)))
    return later(res, attr) if value is None else value


def _ids(ctx: Context, value: Any) -> Any:
    return sorted((ctx.resolve(v) for v in strings(value)), key=str)


# -- RDS -----------------------------------------------------------------------------------------


def build_cluster(res: TfResource, ctx: Context) -> Built:
    """Aurora cluster: the attributes the RDS collector reads."""
    a = res.attrs
    engine = ctx.resolve(text(a.get("engine")))
    encrypted = flag(a.get("storage_encrypted"), False)
    members = [
        ctx.attribute(i, "identifier") for i in ctx.children(res, "aws_rds_cluster_instance")
    ]
    groups = _ids(ctx, a.get("vpc_security_group_ids")) or later(res, "vpc_security_group_ids")
    kms = ctx.resolve(text(a.get("kms_key_id")))
    config = {
        "engine": engine,
        "engine_version": _set(res, ctx, "engine_version"),
        "engine_mode": text(a.get("engine_mode"), "provisioned"),
        "storage_encrypted": encrypted,
        "kms_key_id": kms if kms else (later(res, "kms_key_id") if encrypted else None),
        "backup_retention_period": number(a.get("backup_retention_period"), 1),
        "preferred_backup_window": _set(res, ctx, "preferred_backup_window"),
        "deletion_protection": flag(a.get("deletion_protection"), False),
        "iam_database_authentication_enabled": flag(
            a.get("iam_database_authentication_enabled"), False
        ),
        "manage_master_user_password": flag(a.get("manage_master_user_password"), False),
        "master_username": _set(res, ctx, "master_username"),
        "enabled_cloudwatch_logs_exports": sorted(
            strings(a.get("enabled_cloudwatch_logs_exports"))
        ),
        "copy_tags_to_snapshot": flag(a.get("copy_tags_to_snapshot"), False),
        "db_subnet_group_name": _set(res, ctx, "db_subnet_group_name"),
        "vpc_security_group_ids": groups,
        "port": number(a.get("port")) or DEFAULT_PORTS.get(str(engine), 3306),
        "members": sorted(members, key=str),
    }
    aliases = tuple(str(a[k]) for k in ("cluster_resource_id", "endpoint") if text(a.get(k)))
    return Built(config, aliases=aliases)


def build_instance(res: TfResource, ctx: Context) -> Built:
    """Cluster instance: class, AZ, public access, performance insights, monitoring."""
    a = res.attrs
    insights = flag(a.get("performance_insights_enabled"), False)
    insights_key = ctx.resolve(text(a.get("performance_insights_kms_key_id")))
    config = {
        "cluster_identifier": ctx.resolve(a.get("cluster_identifier")),
        "instance_class": ctx.resolve(a.get("instance_class")),
        "engine": ctx.resolve(a.get("engine")),
        "availability_zone": _set(res, ctx, "availability_zone"),
        "publicly_accessible": flag(a.get("publicly_accessible"), False),
        "performance_insights_enabled": insights,
        "performance_insights_kms_key_id": insights_key
        if insights_key
        else (later(res, "performance_insights_kms_key_id") if insights else None),
        "auto_minor_version_upgrade": flag(a.get("auto_minor_version_upgrade"), True),
        "monitoring_interval": number(a.get("monitoring_interval"), 0),
    }
    aliases = tuple(str(a[k]) for k in ("resource_id",) if text(a.get(k)))
    return Built(config, aliases=aliases)


def build_subnet_group(res: TfResource, ctx: Context) -> Built:
    """DB subnet group: its VPC (the subnets') and subnets."""
    a = res.attrs
    vpc = ctx.resolve(text(a.get("vpc_id")))
    if vpc is None:
        subnet = next(
            (
                s
                for s in (ctx.referenced(v, "aws_subnet") for v in strings(a.get("subnet_ids")))
                if s
            ),
            None,
        )
        vpc = ctx.resolve(subnet.attrs.get("vpc_id")) if subnet else later(res, "vpc_id")
    return Built({"vpc_id": vpc, "subnet_ids": _ids(ctx, a.get("subnet_ids"))})


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
    "aws_rds_cluster": Spec("rds", "rds.cluster", named("cluster_identifier"), build_cluster),
    "aws_rds_cluster_instance": Spec("rds", "rds.instance", named("identifier"), build_instance),
    "aws_db_subnet_group": Spec("rds", "rds.subnet_group", named("name"), build_subnet_group),
    "aws_dynamodb_table": Spec("dynamodb", "dynamodb.table", named("name"), build_table),
    "aws_s3_bucket": Spec("s3", "s3.bucket", named("bucket"), build_bucket),
}

RELATIONS: tuple[Relation, ...] = (
    Relation("aws_rds_cluster_instance", ("aws_rds_cluster",), attr_keys("cluster_identifier")),
    *(Relation(part, ("aws_s3_bucket",), attr_keys("bucket")) for part in S3_PARTS),
)
