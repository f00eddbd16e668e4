"""Terraform types -> sns.topic (with its subscriptions; the shape of ``collect``)."""

from __future__ import annotations

from paymentaudit.naming import logical_name
from paymentaudit.terraform.document import TfResource, flag, text
from paymentaudit.terraform.spec import Built, Context, Relation, Spec, attr_keys, named

# -- SNS -----------------------------------------------------------------------------------------


def topic_logical(name: str, ctx: Context) -> str:
    """Like the SNS collector: the suffix is dropped before a ``.fifo`` ending, which stays."""
    base, fifo = (name[:-5], ".fifo") if name.endswith(".fifo") else (name, "")
    return logical_name(base, ctx.suffix) + fifo


def build_topic(res: TfResource, ctx: Context) -> Built:
    """Topic: KMS key, subscription count (declared subscriptions), FIFO flag."""
    a = res.attrs
    config = {
        "kms_master_key_id": ctx.resolve(text(a.get("kms_master_key_id"))),
        "subscriptions": len(ctx.children(res, "aws_sns_topic_subscription")),
        "fifo_topic": flag(a.get("fifo_topic"), False),
    }
    return Built(config)


SPECS: dict[str, Spec] = {
    "aws_sns_topic": Spec("sns", "sns.topic", named("name"), build_topic, logical=topic_logical),
}

RELATIONS: tuple[Relation, ...] = (
    Relation("aws_sns_topic_subscription", ("aws_sns_topic",), attr_keys("topic_arn")),
)
