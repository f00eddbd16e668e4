"""KMS customer keys, found by alias (``alias/...-<suffix>``) or by tag, in both regions.

Members missing from a response (DescribeKey's ``KeyMetadata``, GetKeyRotationStatus), decided
member by member from the KMS API reference:

* Unknown when absent (``item.errors[<attribute>] = "<Member> not in the response"``: not
  compared, and a rule reading the attribute is not evaluated): ``KeyState``, ``Enabled``,
  ``KeyManager``, ``Origin``, and the key spec (``KeySpec``, or the deprecated
  ``CustomerMasterKeySpec`` that carries the same value); GetKeyRotationStatus's
  ``KeyRotationEnabled`` for a key that supports automatic rotation (a symmetric encryption
  key with key material from KMS, ``Origin`` ``AWS_KMS``): never read as rotation off.
* Absent with a meaning, kept: ``KeyRotationEnabled`` of another key (an asymmetric or HMAC
  key, imported key material, a custom key store: GetKeyRotationStatus fails with
  UnsupportedOperationException, which the declared call reads as "not configured", None; the
  engine gives the build the same None for that error and for a missing member, and the key
  metadata tells them apart); ``MultiRegion`` (a regional key: keys made before multi-Region
  keys existed, and moto, do not report it); ``KeyUsage`` and ``Description`` (not reported by
  moto; read as they come, None when absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from paymentaudit.naming import SUFFIX_TAG
from paymentaudit.services.declare import Built, Call, Collector, Item, Scope


def keys_from_aliases(
    aliases: list[dict[str, Any]], scope: Scope, tags: Mapping[str, dict[str, str]]
) -> list[dict[str, Any]]:
    """One item per key: keys named by an alias, plus keys tagged for the environment."""
    by_key: dict[str, list[str]] = {}
    for alias in aliases:
        name = alias.get("AliasName")
        if alias.get("TargetKeyId") and name and not name.startswith("alias/aws/"):
            by_key.setdefault(alias["TargetKeyId"], []).append(name)
    items = {
        key_id: {"KeyId": key_id, "Aliases": sorted(names)} for key_id, names in by_key.items()
    }
    prefix = f"arn:{scope.partition}:kms:{scope.region}:{scope.account_id}:key/"
    for arn, key_tags in tags.items():
        if arn.startswith(prefix) and key_tags.get(SUFFIX_TAG) == scope.suffix:
            key_id = arn[len(prefix) :]
            items.setdefault(key_id, {"KeyId": key_id, "Aliases": []})
    return list(items.values())


def key_name(raw: dict[str, Any]) -> str:
    """The key's name: its first alias (environment aliases end with the suffix); a key
    without alias has no usable name (the resources it encrypts name it)."""
    aliases = raw.get("Aliases") or []
    return aliases[0] if aliases else ""


def key_from_ref(token: str) -> dict[str, Any] | None:
    """A key a resource refers to by ARN or id, even without an alias (describe reads it)."""
    key_id = token.rsplit(":key/", 1)[1] if ":key/" in token else token
    if (len(key_id) == 36 and key_id.count("-") == 4) or key_id.startswith("mrk-"):
        return {"KeyId": key_id, "Aliases": []}
    return None  # an alias or something else: aliased keys are in the listing


# KeyMetadata members KMS returns for every key -> the attribute unknown when one is missing.
ALWAYS_RETURNED = {
    "KeyState": "key_state",
    "Enabled": "enabled",
    "KeyManager": "key_manager",
    "Origin": "origin",
}


def rotation_supported(raw: Mapping[str, Any]) -> bool:
    """Automatic rotation applies: a symmetric encryption key whose material KMS made."""
    spec = raw.get("KeySpec") or raw.get("CustomerMasterKeySpec")
    return spec == "SYMMETRIC_DEFAULT" and raw.get("Origin") == "AWS_KMS"


def build_key(item: Item, scope: Scope) -> Built:
    """Key: state, rotation, spec, usage, manager, aliases; an always-returned member that is
    missing makes its attribute unknown (see the module docstring)."""
    raw = item.raw
    names = [str(a) for a in raw.get("Aliases") or []]
    suffixed = [a for a in names if a.endswith("-" + scope.suffix)]
    rotation = item.details.get("enable_key_rotation")
    config = {
        "key_state": raw.get("KeyState"),
        "enabled": raw.get("Enabled"),
        "key_spec": raw.get("KeySpec") or raw.get("CustomerMasterKeySpec"),
        "key_usage": raw.get("KeyUsage"),
        "key_manager": raw.get("KeyManager"),
        "origin": raw.get("Origin"),
        "multi_region": raw.get("MultiRegion", False),
        "enable_key_rotation": rotation,
        "description": raw.get("Description"),
        "aliases": sorted(names),
    }
    if "describe" not in item.errors:  # else nothing of the key was read (model.UNREADABLE)
        unknown = {
            attribute: f"{member} not in the response"
            for member, attribute in ALWAYS_RETURNED.items()
            if raw.get(member) is None
        }
        if config["key_spec"] is None:
            unknown["key_spec"] = "KeySpec not in the response"
        if rotation is None and "enable_key_rotation" not in item.errors:
            if raw.get("Origin") is None or config["key_spec"] is None:
                unknown["enable_key_rotation"] = "whether the key supports rotation is unknown"
            elif rotation_supported(raw):
                unknown["enable_key_rotation"] = "KeyRotationEnabled not in the response"
        for attribute, reason in unknown.items():
            item.errors.setdefault(attribute, reason)
            config[attribute] = None
    region, account = scope.region, scope.account_id
    alias_arns = tuple(f"arn:{scope.partition}:kms:{region}:{account}:{a}" for a in names)
    aliases = (raw.get("KeyId"), raw.get("Arn"), *names, *alias_arns)
    return Built(
        config=config,
        aliases=tuple(str(a) for a in aliases if a),
        name=suffixed[0] if suffixed else None,
    )


def is_member(item: Item, scope: Scope, tagged: bool) -> bool:
    """A key belongs by an alias ending with ``-<suffix>`` or by its EnvironmentSuffix tag."""
    if item.tags and SUFFIX_TAG in item.tags:
        return item.tags[SUFFIX_TAG] == scope.suffix
    return tagged or any(str(a).endswith("-" + scope.suffix) for a in item.raw.get("Aliases") or [])


KEY = Collector(
    service="kms",
    type="kms.key",
    list=Call("list_aliases", result="Aliases", paginate=True),
    expand=keys_from_aliases,
    member=is_member,
    regions="all",
    id="KeyId",
    name=key_name,
    arn=lambda raw, scope: (
        raw.get("Arn")
        or f"arn:{scope.partition}:kms:{scope.region}:{scope.account_id}:key/{raw['KeyId']}"
    ),
    from_ref=key_from_ref,
    describe=Call(
        "describe_key",
        params={"KeyId": "KeyId"},
        result="KeyMetadata",
        absent=("NotFoundException",),
    ),
    details={
        "enable_key_rotation": Call(
            "get_key_rotation_status",
            params={"KeyId": "KeyId"},
            result="KeyRotationEnabled",
            absent=("UnsupportedOperationException",),
        ),
    },
    build=build_key,
)

COLLECTORS = (KEY,)
