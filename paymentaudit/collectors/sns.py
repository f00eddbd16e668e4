"""SNS topics: KMS key and subscriptions."""

from __future__ import annotations

from paymentaudit.collectors.base import Built, Call, Collector, Item, Scope


def build_topic(item: Item, scope: Scope) -> Built:
    """Topic: encryption key, subscription count, FIFO flag."""
    attrs = item.details.get("attributes")
    if attrs is None:
        return Built(config={"kms_master_key_id": None, "subscriptions": None, "fifo_topic": None})
    config = {
        "kms_master_key_id": attrs.get("KmsMasterKeyId"),
        "subscriptions": int(attrs.get("SubscriptionsConfirmed", 0) or 0)
        + int(attrs.get("SubscriptionsPending", 0) or 0),
        "fifo_topic": attrs.get("FifoTopic", "false") == "true",
    }
    return Built(config=config)


TOPIC = Collector(
    service="sns",
    type="sns.topic",
    list=Call("list_topics", result="Topics", paginate=True),
    id=lambda raw: raw["TopicArn"].rsplit(":", 1)[-1],
    arn="TopicArn",
    details={
        "attributes": Call(
            "get_topic_attributes",
            params={"TopicArn": "TopicArn"},
            result="Attributes",
            absent=("NotFound",),
        ),
    },
    build=build_topic,
)

COLLECTORS = (TOPIC,)
