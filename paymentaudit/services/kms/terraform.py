"""Terraform types -> kms.key (named by its alias; the shape of ``collect``)."""

from __future__ import annotations

from paymentaudit.terraform.document import TfResource, flag, text
from paymentaudit.terraform.refs import later
from paymentaudit.terraform.spec import Built, Context, Relation, Spec, attr_keys

# -- KMS -----------------------------------------------------------------------------------------


def key_aliases(res: TfResource, ctx: Context) -> list[str]:
    """The names of the aliases that target the key, sorted (as the collector lists them)."""
    return sorted(str(ctx.resolve(x.attrs.get("name"))) for x in ctx.children(res, "aws_kms_alias"))


def key_name(res: TfResource, ctx: Context) -> str | None:
    """The collector's name of a key: its first alias ending with the suffix, else its first."""
    aliases = key_aliases(res, ctx)
    suffixed = [x for x in aliases if x.endswith("-" + ctx.suffix)]
    found = suffixed or aliases
    return found[0] if found else None


def build_key(res: TfResource, ctx: Context) -> Built:
    """Key: state, rotation, spec, usage, manager, origin, aliases."""
    a = res.attrs
    enabled = flag(a.get("is_enabled"), True)
    aliases = key_aliases(res, ctx)
    config = {
        "key_state": "Enabled" if enabled else "Disabled",
        "enabled": enabled,
        "key_spec": text(a.get("customer_master_key_spec"), "SYMMETRIC_DEFAULT"),
        "key_usage": text(a.get("key_usage")) or later(res, "key_usage"),
        "key_manager": "CUSTOMER",
        "origin": "AWS_KMS",
        "multi_region": flag(a.get("multi_region"), False),
        "enable_key_rotation": flag(a.get("enable_key_rotation"), False),
        "description": ctx.resolve(text(a.get("description"), "")),
        "aliases": aliases,
    }
    alias_arns = [ctx.attribute(x, "arn") for x in ctx.children(res, "aws_kms_alias")]
    ident = (str(a["key_id"]),) if text(a.get("key_id")) else ()
    return Built(
        config,
        physical_id=text(a.get("key_id"), "") or (aliases[0] if aliases else ""),
        aliases=(*ident, *aliases, *(str(x) for x in alias_arns if str(x).startswith("arn:"))),
    )


SPECS: dict[str, Spec] = {
    "aws_kms_key": Spec("kms", "kms.key", key_name, build_key),
}

RELATIONS: tuple[Relation, ...] = (
    Relation("aws_kms_alias", ("aws_kms_key",), attr_keys("target_key_id")),
)
