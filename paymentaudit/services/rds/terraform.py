"""Terraform types -> rds.cluster, rds.instance, rds.subnet_group (the shapes of ``collect``)."""

from __future__ import annotations

from typing import Any

from paymentaudit.terraform.document import TfResource, flag, number, strings, text
from paymentaudit.terraform.refs import later
from paymentaudit.terraform.spec import Built, Context, Relation, Spec, attr_keys, named

# Ports Aurora uses when the code sets none.
DEFAULT_PORTS = {"aurora-postgresql": 5432, "postgres": 5432}


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


SPECS: dict[str, Spec] = {
    "aws_rds_cluster": Spec("rds", "rds.cluster", named("cluster_identifier"), build_cluster),
    "aws_rds_cluster_instance": Spec("rds", "rds.instance", named("identifier"), build_instance),
    "aws_db_subnet_group": Spec("rds", "rds.subnet_group", named("name"), build_subnet_group),
}

RELATIONS: tuple[Relation, ...] = (
    Relation("aws_rds_cluster_instance", ("aws_rds_cluster",), attr_keys("cluster_identifier")),
)
