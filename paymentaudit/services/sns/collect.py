"""SNS topics: KMS key and subscriptions.

Attributes missing from GetTopicAttributes' ``Attributes`` map, decided from the SNS API
reference:

* Unknown when absent, or when not a number (``item.errors[<attribute>]``: not compared, and
  a rule reading it is not evaluated): ``SubscriptionsConfirmed`` and ``SubscriptionsPending``,
  which SNS returns for every topic (never read as 0).
* Absent with a documented meaning, kept: ``KmsMasterKeyId`` (server-side encryption is off:
  the attribute "applies only to server-side-encryption"); ``FifoTopic`` (a standard topic:
  the FIFO attributes apply only to FIFO topics).
* Not distinguishable here: a response without the ``Attributes`` map and the NotFound error
  (the topic was deleted since it was listed) both reach the build as None, read as a topic
  with no attribute set.
"""

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
        "subscriptions": None,
        "fifo_topic": str(attrs.get("FifoTopic", "false")).lower() == "true",
    }
    total = 0
    for name in ("SubscriptionsConfirmed", "SubscriptionsPending"):
        value = attrs.get(name)
        if value is None:
            item.errors.setdefault("subscriptions", f"{name} not in the response")
            return Built(config=config)
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            item.errors.setdefault("subscriptions", f"{name} is not a number")
            return Built(config=config)
        total += int(text)
    config["subscriptions"] = total
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
    id=lambda raw: str(raw.get("TopicArn") or "").rsplit(":", 1)[-1],
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
