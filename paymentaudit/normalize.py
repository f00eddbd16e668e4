"""Normalization: make two environments' configurations comparable.

References to other resources become their logical names; the environment's own
suffix, environment word and SSM prefix become ``<env>``; account ids, opaque ids,
UUIDs and timestamps are masked; lists are put in a canonical order. What is left
differs only where the configuration really differs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from paymentaudit.model import Resource, ResourceKey
from paymentaudit.naming import ENV_SYNONYMS, environment_word

ENV = "<env>"
ACCOUNT = "<account>"

_ARN = r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:[^\s\"',\]\}]+"
_ID = (
    r"\b(?:vpc|subnet|sg|rtb|vpce|igw|nat|eni|acl|fl|eipalloc|tgw|pcx|sgr|rtbassoc|lt|i)"
    r"-[0-9a-f]{8,17}\b"
)
_UUID = r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
_TIMESTAMP = r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?\b"
TOKEN_RE = re.compile(f"(?P<arn>{_ARN})|(?P<id>{_ID})|(?P<uuid>{_UUID})|(?P<ts>{_TIMESTAMP})")
_ELB_HASH_RE = re.compile(r"/[0-9a-f]{16}(?=$|/)")
_RDS_ENDPOINT_RE = re.compile(r"\.cluster-(?:ro-|custom-)?[a-z0-9]{12}\.")
_ACCOUNT_IN_ARN_RE = re.compile(r"^(arn:[^:]+:[^:]*:[^:]*:)(\d{12})(:)")


class Normalizer:
    """Normalizes one snapshot's values; built once per snapshot (linear in its size)."""

    def __init__(
        self,
        resources: Iterable[Resource],
        suffix: str,
        ssm_prefix: str,
        account_id: str = "",
    ) -> None:
        self.index: dict[str, str] = {}
        for res in resources:
            for token in (res.physical_id, res.arn, *res.aliases):
                if token and len(token) > 2:
                    self.index.setdefault(token, res.logical_name)
        self.account_id = account_id
        words = {suffix, *ENV_SYNONYMS.get(environment_word(suffix), (environment_word(suffix),))}
        if suffix in ENV_SYNONYMS:
            words.update(ENV_SYNONYMS[suffix])
        alternatives = sorted((re.escape(w) for w in words if w), key=len, reverse=True)
        prefix = ssm_prefix.rstrip("/")
        ssm_alt = [] if not prefix or prefix == "/" else [re.escape(prefix)]
        self._ssm_re = (
            re.compile(
                rf"(?<![A-Za-z0-9_.\-/]){ssm_alt[0]}(?=/|$)|(?<=parameter){ssm_alt[0]}(?=/|$)"
            )
            if ssm_alt
            else None
        )
        self._env_re = re.compile(
            r"(?<![A-Za-z0-9])(?:" + "|".join(alternatives) + r")(?![A-Za-z0-9])"
        )

    # -- strings ------------------------------------------------------------------------

    def _token(self, match: re.Match[str]) -> str:
        text = match.group(0)
        hit = self.index.get(text)
        if hit is not None:
            return hit
        kind = match.lastgroup
        if kind == "arn":
            for tail in ("/*", ":*"):
                if text.endswith(tail) and text[: -len(tail)] in self.index:
                    return self.index[text[: -len(tail)]] + tail
            text = _ACCOUNT_IN_ARN_RE.sub(rf"\g<1>{ACCOUNT}\g<3>", text)
            text = _ELB_HASH_RE.sub("/<hash>", text)
            return re.sub(_UUID, "<uuid>", text)
        if kind == "id":
            return "<" + text.split("-", 1)[0] + "-id>"
        if kind == "uuid":
            return "<uuid>"
        return "<timestamp>"

    def string(self, value: str) -> str:
        """One string value, normalized."""
        hit = self.index.get(value)
        if hit is not None:
            return hit
        out = TOKEN_RE.sub(self._token, value)
        out = _RDS_ENDPOINT_RE.sub(".cluster-<id>.", out)
        if self.account_id:
            out = out.replace(self.account_id, ACCOUNT)
        if self._ssm_re is not None:
            out = self._ssm_re.sub("/" + ENV, out)
        return self._env_re.sub(ENV, out)

    # -- structures ----------------------------------------------------------------------

    def value(self, value: Any) -> Any:
        """Any JSON value, normalized; lists are sorted into a canonical order."""
        if isinstance(value, str):
            return self.string(value)
        if isinstance(value, Mapping):
            # Keys are normalized too: they can be names (inline policies) or ARNs.
            return {self.string(str(k)): self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            items = [self.value(v) for v in value]
            return sorted(items, key=_canonical)
        return value

    def config(self, resource: Resource) -> dict[str, Any]:
        """A resource's comparable configuration: config, plus tags when they were read."""
        out = self.value(dict(resource.config))
        if resource.tags is not None:
            out["tags"] = {k: self.string(v) for k, v in sorted(resource.tags.items())}
        return out


def _canonical(value: Any) -> str:
    if isinstance(value, str):
        return "0" + value
    return "1" + json.dumps(value, sort_keys=True, default=str)


def normalize_snapshot(snapshot: Any) -> dict[ResourceKey, dict[str, Any]]:
    """Every resource of a snapshot, normalized, by pairing key."""
    norm = normalizer_for(snapshot)
    return {res.key: norm.config(res) for res in snapshot.resources}


def normalizer_for(snapshot: Any) -> Normalizer:
    """The Normalizer of a Snapshot."""
    return Normalizer(snapshot.resources, snapshot.suffix, snapshot.ssm_prefix, snapshot.account_id)
