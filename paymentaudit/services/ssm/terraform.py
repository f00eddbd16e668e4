"""Terraform types -> ssm.parameter (the shape of ``collect``)."""

from __future__ import annotations

from typing import Any

from paymentaudit.detect import classify, is_sensitive_name, redacted
from paymentaudit.naming import ssm_logical_name
from paymentaudit.redact import (
    REDACTED,
)
from paymentaudit.terraform.document import TfResource, text
from paymentaudit.terraform.refs import later, unknown
from paymentaudit.terraform.spec import Built, Context, Relation, Spec, named

DEFAULT_SSM_KEY = "alias/aws/ssm"


# -- SSM -----------------------------------------------------------------------------------------


def parameter_logical(name: str, ctx: Context) -> str:
    """The path below the environment's SSM prefix (``app/currency``)."""
    return ssm_logical_name(name, ctx.ssm_prefix)


def build_parameter(res: TfResource, ctx: Context) -> Built:
    """Parameter: type, data type, tier, key, and the value only when the live side reads it."""
    a = res.attrs
    kind = text(a.get("type"), "String")
    name = str(ctx.resolve(a.get("name")))
    readable = kind in ("String", "StringList") and not is_sensitive_name(name)
    value: Any = REDACTED
    if readable:
        raw = a.get("value") if text(a.get("value")) is not None else a.get("insecure_value")
        value = ctx.resolve(raw)
        if value is None or unknown(value):
            value = later(res, "value")
        elif (secret := classify(name, value)) is not None:
            value = redacted(secret)  # what the live side stores for it
    config = {
        "type": kind,
        "data_type": text(a.get("data_type"), "text"),
        "tier": text(a.get("tier"), "Standard"),
        "key_id": (ctx.resolve(text(a.get("key_id"))) or DEFAULT_SSM_KEY)
        if kind == "SecureString"
        else None,
        "description": ctx.resolve(text(a.get("description"))),
        "allowed_pattern": text(a.get("allowed_pattern")),
        "value": value,
    }
    return Built(config)


SPECS: dict[str, Spec] = {
    "aws_ssm_parameter": Spec(
        "ssm", "ssm.parameter", named("name"), build_parameter, logical=parameter_logical
    ),
}

RELATIONS: tuple[Relation, ...] = ()
