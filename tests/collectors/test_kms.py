"""KMS keys: found by alias or tag in both regions, rotation, failures."""

from __future__ import annotations

from collectkit import REPLICA, client, coverage, deny, resources, snap, statuses, tag_list, without

from paymentaudit.model import Status


def _key(alias: str | None, region: str = "us-east-1", rotate: bool = True, **kw: object) -> dict:
    kms = client("kms", region)
    key = kms.create_key(**kw)["KeyMetadata"]
    if rotate:
        kms.enable_key_rotation(KeyId=key["KeyId"])
    if alias:
        kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    return key


def test_keys_in_both_regions_are_read() -> None:
    primary = _key(
        "alias/payment-dev", Description="payment dev CMK (dev)", KeyUsage="ENCRYPT_DECRYPT"
    )
    replica = _key("alias/payment-replica-dev", REPLICA, rotate=False)
    snapshot = snap("dev", "kms")
    keys = resources(snapshot, "kms.key")
    assert set(keys) == {"alias/payment", "alias/payment-replica"}

    key = keys["alias/payment"]
    assert (key.type, key.physical_id, key.region) == ("kms.key", primary["KeyId"], "us-east-1")
    assert key.arn == primary["Arn"]
    assert key.config["enable_key_rotation"] is True
    assert key.config["key_manager"] == "CUSTOMER"
    assert key.config["key_spec"] == "SYMMETRIC_DEFAULT"
    assert key.config["key_usage"] == "ENCRYPT_DECRYPT"
    assert key.config["enabled"] is True
    assert key.config["aliases"] == ["alias/payment-dev"]
    assert key.config["description"] == "payment dev CMK (dev)"
    # Anything that names the key (id, ARN, alias, alias ARN) resolves to it.
    assert primary["KeyId"] in key.aliases and "alias/payment-dev" in key.aliases
    assert "arn:aws:kms:us-east-1:123456789012:alias/payment-dev" in key.aliases

    rep = keys["alias/payment-replica"]
    assert (rep.physical_id, rep.region) == (replica["KeyId"], REPLICA)
    assert rep.arn.startswith(f"arn:aws:kms:{REPLICA}:")
    assert rep.config["enable_key_rotation"] is False
    assert coverage(snapshot, "kms").status == "ok"


def test_membership_by_alias_and_tag() -> None:
    _key("alias/payment-dev")
    _key("alias/payment-prod-abc123")
    tagged = _key(None, Tags=tag_list("dev", "TagKey", "TagValue"))
    _key("alias/payment-cache-dev", Tags=tag_list("abc-dev", "TagKey", "TagValue"))
    _key(None)  # neither alias nor tag
    snapshot = snap("dev", "kms")
    keys = resources(snapshot, "kms.key")
    # A key without alias has no usable name: never one built from its id (what points at it
    # names it; see the reference tests). It still belongs, by its tag.
    unnamed = f"(unnamed {tagged['KeyId']})"
    assert set(keys) == {"alias/payment", unnamed}
    assert keys[unnamed].physical_id == tagged["KeyId"] and not keys[unnamed].named
    prod = snap("prod-abc123", "kms")
    assert set(resources(prod, "kms.key")) == {"alias/payment"}


def test_rotation_failure_marks_the_attribute() -> None:
    _key("alias/payment-dev")
    hooks = {"before-call.kms.GetKeyRotationStatus": deny("GetKeyRotationStatus")}
    snapshot = snap("dev", "kms", "sns", hooks=hooks)
    key = resources(snapshot, "kms.key")["alias/payment"]
    assert key.errors == {"enable_key_rotation": "GetKeyRotationStatus: AccessDenied"}
    assert key.config["enable_key_rotation"] is None
    assert key.config["key_manager"] == "CUSTOMER"
    assert coverage(snapshot, "kms").status == "error"
    assert coverage(snapshot, "sns").status == "ok"


def test_describe_failure_keeps_the_key_as_unreadable() -> None:
    _key("alias/payment-dev")
    snapshot = snap("dev", "kms", hooks={"before-call.kms.DescribeKey": deny("DescribeKey")})
    key = resources(snapshot, "kms.key")["alias/payment"]
    assert key.errors == {"describe": "DescribeKey: AccessDenied"}
    cov = coverage(snapshot, "kms")
    assert cov.status == "error" and "DescribeKey: AccessDenied" in cov.error


def test_list_failure_names_each_region() -> None:
    _key("alias/payment-dev")
    client("sns").create_topic(Name="payment-alarms-dev")
    snapshot = snap("dev", "kms", "sns", hooks={"before-call.kms.ListAliases": deny("ListAliases")})
    assert snapshot.of_type("kms.key") == []
    cov = coverage(snapshot, "kms")
    assert (cov.status, cov.resources) == ("error", 0)
    assert cov.error == (
        "ListAliases: AccessDenied in us-east-1; ListAliases: AccessDenied in us-west-2"
    )
    assert len(snapshot.of_type("sns.topic")) == 1


def test_a_missing_rotation_status_is_unknown_never_off() -> None:
    _key("alias/payment-dev")
    drop = without("KeyRotationEnabled")
    snapshot = snap("dev", "kms", hooks={"after-call.kms.GetKeyRotationStatus": drop})
    key = resources(snapshot, "kms.key")["alias/payment"]
    assert key.errors == {"enable_key_rotation": "KeyRotationEnabled not in the response"}
    assert key.config["enable_key_rotation"] is None
    assert coverage(snapshot, "kms").status == "error"
    for ok in (False, True):
        assert statuses(snapshot, "KMS-ROTATION", coverage_ok=ok) == {Status.NOT_EVALUATED}


def test_a_missing_key_manager_is_unknown() -> None:
    _key("alias/payment-dev")
    drop = without("KeyMetadata.KeyManager")
    snapshot = snap("dev", "kms", hooks={"after-call.kms.DescribeKey": drop})
    key = resources(snapshot, "kms.key")["alias/payment"]
    assert key.errors == {"key_manager": "KeyManager not in the response"}
    # Whether KMS-ROTATION applies (a customer-managed key) is unknown: not evaluated.
    assert statuses(snapshot, "KMS-ROTATION", coverage_ok=True) == {Status.NOT_EVALUATED}
