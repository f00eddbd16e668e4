"""Terraform types -> logs.log_group (the shape of ``collect``)."""

from __future__ import annotations

from paymentaudit.terraform.document import TfResource, number, text
from paymentaudit.terraform.spec import Built, Context, Relation, Spec, named


def build_log_group(res: TfResource, ctx: Context) -> Built:
    """Log group: retention (None: never expire), KMS key, class."""
    a = res.attrs
    config = {
        "retention_in_days": number(a.get("retention_in_days"), 0) or None,
        "kms_key_id": ctx.resolve(text(a.get("kms_key_id"))),
        "log_group_class": text(a.get("log_group_class"), "STANDARD"),
    }
    arn = ctx.attribute(res, "arn")
    return Built(config, aliases=(f"{arn}:*",) if str(arn).startswith("arn:") else ())


SPECS: dict[str, Spec] = {
    "aws_cloudwatch_log_group": Spec("logs", "logs.log_group", named("name"), build_log_group),
}

RELATIONS: tuple[Relation, ...] = ()
