"""SNS topics: key, subscriptions, FIFO, membership, failures."""

from __future__ import annotations

from collectkit import client, coverage, deny, resources, snap, snaps, statuses, tag_list, without

from paymentaudit.model import Status
from paymentaudit.normalize import normalize_snapshot
from paymentaudit.services.declare import Item, Scope
from paymentaudit.services.sns.collect import build_topic


def test_topic_configuration_is_read() -> None:
    kms = client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/payment-dev", TargetKeyId=key["KeyId"])
    sns = client("sns")
    arn = sns.create_topic(Name="payment-alarms-dev", Attributes={"KmsMasterKeyId": key["Arn"]})[
        "TopicArn"
    ]
    sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="oncall@example.com")
    sns.create_topic(Name="payment-events-dev.fifo", Attributes={"FifoTopic": "true"})

    snapshot = snap("dev", "sns", "kms")
    topics = resources(snapshot, "sns.topic")
    topic = topics["payment-alarms"]
    assert (topic.type, topic.physical_id, topic.arn) == ("sns.topic", "payment-alarms-dev", arn)
    assert topic.config["kms_master_key_id"] == key["Arn"]
    assert topic.config["subscriptions"] == 0  # moto never confirms: see the unit test below
    assert topic.config["fifo_topic"] is False
    assert normalize_snapshot(snapshot)[topic.key]["kms_master_key_id"] == "alias/payment"
    # A FIFO topic's name must end with .fifo: it belongs by the name before it.
    fifo = topics["payment-events.fifo"]
    assert fifo.physical_id == "payment-events-dev.fifo"
    assert fifo.config["fifo_topic"] is True
    assert fifo.config["kms_master_key_id"] is None
    assert set(topics) == {"payment-alarms", "payment-events.fifo"}


def test_subscriptions_count_confirmed_and_pending() -> None:
    item = Item(
        raw={"TopicArn": "arn:aws:sns:us-east-1:123456789012:payment-alarms-dev"},
        region="us-east-1",
        details={"attributes": {"SubscriptionsConfirmed": "2", "SubscriptionsPending": "1"}},
    )
    scope = Scope("dev", "/dev", "us-east-1", "123456789012")
    assert build_topic(item, scope).config["subscriptions"] == 3


def test_membership_by_suffix_and_tag() -> None:
    sns = client("sns")
    sns.create_topic(Name="payment-alarms-dev")
    sns.create_topic(Name="payment-alarms-prod-abc123")
    sns.create_topic(Name="payment-events-prod-abc123.fifo", Attributes={"FifoTopic": "true"})
    sns.create_topic(Name="ops-notices", Tags=tag_list("dev"))
    sns.create_topic(Name="payment-exports-dev", Tags=tag_list("abc-dev"))
    result = snaps(["dev", "prod-abc123"], "sns")
    assert {r.physical_id for r in result["dev"].resources} == {
        "payment-alarms-dev",
        "ops-notices",
    }
    assert {r.physical_id for r in result["prod-abc123"].resources} == {
        "payment-alarms-prod-abc123",
        "payment-events-prod-abc123.fifo",
    }


def test_attribute_failure_marks_every_attribute_it_provides() -> None:
    client("sns").create_topic(Name="payment-alarms-dev")
    hooks = {"before-call.sns.GetTopicAttributes": deny("GetTopicAttributes")}
    snapshot = snap("dev", "sns", "logs", hooks=hooks)
    topic = resources(snapshot, "sns.topic")["payment-alarms"]
    # Unknown, not "unencrypted": the errors name the attributes the failed call provides.
    assert topic.config["kms_master_key_id"] is None
    assert set(topic.errors) == {"kms_master_key_id", "subscriptions", "fifo_topic"}
    assert set(topic.errors.values()) == {"GetTopicAttributes: AccessDenied"}
    cov = coverage(snapshot, "sns")
    assert cov.status == "error"
    assert cov.error == "sns.topic payment-alarms-dev: GetTopicAttributes: AccessDenied"
    assert coverage(snapshot, "logs").status == "ok"


def test_list_failure_fails_the_service_only() -> None:
    client("sns").create_topic(Name="payment-alarms-dev")
    client("logs").create_log_group(logGroupName="/aws/lambda/payment-processor-dev")
    snapshot = snap("dev", "sns", "logs", hooks={"before-call.sns.ListTopics": deny("ListTopics")})
    assert snapshot.of_type("sns.topic") == []
    assert coverage(snapshot, "sns").error == "ListTopics: AccessDenied"
    assert len(snapshot.of_type("logs.log_group")) == 1


def test_missing_subscription_counts_are_unknown_never_zero() -> None:
    client("sns").create_topic(Name="payment-alarms-dev")
    drop = without("Attributes.SubscriptionsConfirmed")
    snapshot = snap("dev", "sns", hooks={"after-call.sns.GetTopicAttributes": drop})
    topic = resources(snapshot, "sns.topic")["payment-alarms"]
    assert topic.errors == {"subscriptions": "SubscriptionsConfirmed not in the response"}
    assert topic.config["subscriptions"] is None
    # KmsMasterKeyId absent keeps its meaning: the topic is not encrypted (known).
    assert topic.config["kms_master_key_id"] is None
    assert statuses(snapshot, "SNS-ENCRYPTION", coverage_ok=True) == {Status.FAIL}
