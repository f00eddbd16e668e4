"""SNS topics: KMS key and subscriptions."""

from __future__ import annotations

from typing import Any

from paymentaudit.naming import belongs, logical_name
from paymentaudit.services.declare import Built, Call, Collector, Item, Ref, Scope


def build_topic(item: Item, scope: Scope) -> Built:
    """Topic: encryption key, subscription count, FIFO flag."""
    attrs = item.details.get("attributes")
    if attrs is None:
        config: dict[str, Any] = {
            "kms_master_key_id": None,
            "subscriptions": None,
            "fifo_topic": None,
        }
        if "attributes" in item.errors:
            # Every attribute comes from that one call: each is unreadable, not absent.
            reason = item.errors.pop("attributes")
            item.errors.update(dict.fromkeys(config, reason))
        return Built(config=config)
    config = {
        "kms_master_key_id": attrs.get("KmsMasterKeyId"),
        "subscriptions": int(attrs.get("SubscriptionsConfirmed", 0) or 0)
        + int(attrs.get("SubscriptionsPending", 0) or 0),
        "fifo_topic": attrs.get("FifoTopic", "false") == "true",
    }
    return Built(config=config)


def _base(name: str) -> tuple[str, str]:
    """A topic name split into its base and the ``.fifo`` ending FIFO topics must have."""
    return (name[:-5], ".fifo") if name.endswith(".fifo") else (name, "")


def is_member(item: Item, scope: Scope, tagged: bool) -> bool:
    """By tag, or by name: ``payment-events-dev.fifo`` belongs to ``dev``."""
    return tagged or belongs(_base(item.name)[0], scope.suffix, item.tags)


def logical(item: Item, scope: Scope) -> str:
    """The logical name, keeping the ``.fifo`` ending after the suffix is removed."""
    base, fifo = _base(item.name)
    return logical_name(base, scope.suffix) + fifo


TOPIC = Collector(
    service="sns",
    type="sns.topic",
    list=Call("list_topics", result="Topics", paginate=True),
    id=lambda raw: raw["TopicArn"].rsplit(":", 1)[-1],
    arn="TopicArn",
    member=is_member,
    logical=logical,
    details={
        "attributes": Call(
            "get_topic_attributes",
            params={"TopicArn": "TopicArn"},
            result="Attributes",
            absent=("NotFound",),
        ),
    },
    refs=(Ref("kms.key", "kms_master_key_id", label="topic-key"),),
    build=build_topic,
)

COLLECTORS = (TOPIC,)
