"""KMS customer keys, found by alias (``alias/...-<suffix>``) or by tag, in both regions."""

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
        if alias.get("TargetKeyId") and not alias["AliasName"].startswith("alias/aws/"):
            by_key.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
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


def build_key(item: Item, scope: Scope) -> Built:
    """Key: state, rotation, spec, usage, manager, aliases."""
    raw = item.raw
    suffixed = [a for a in raw.get("Aliases", []) if a.endswith("-" + scope.suffix)]
    config = {
        "key_state": raw.get("KeyState"),
        "enabled": raw.get("Enabled"),
        "key_spec": raw.get("KeySpec") or raw.get("CustomerMasterKeySpec"),
        "key_usage": raw.get("KeyUsage"),
        "key_manager": raw.get("KeyManager"),
        "origin": raw.get("Origin"),
        "multi_region": raw.get("MultiRegion", False),
        "enable_key_rotation": item.details.get("enable_key_rotation"),
        "description": raw.get("Description"),
        "aliases": sorted(raw.get("Aliases", [])),
    }
    region, account = scope.region, scope.account_id
    alias_arns = tuple(
        f"arn:{scope.partition}:kms:{region}:{account}:{a}" for a in raw.get("Aliases", [])
    )
    aliases = (raw["KeyId"], raw.get("Arn", ""), *raw.get("Aliases", []), *alias_arns)
    return Built(config=config, aliases=aliases, name=suffixed[0] if suffixed else None)


def is_member(item: Item, scope: Scope, tagged: bool) -> bool:
    """A key belongs by an alias ending with ``-<suffix>`` or by its EnvironmentSuffix tag."""
    if item.tags and SUFFIX_TAG in item.tags:
        return item.tags[SUFFIX_TAG] == scope.suffix
    return tagged or any(a.endswith("-" + scope.suffix) for a in item.raw.get("Aliases", []))


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
