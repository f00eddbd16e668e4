"""Normalization: make two environments' configurations comparable.

References to other resources become their logical names; the environment's own
suffix, environment word and SSM prefix become ``<env>``; account ids, opaque ids,
UUIDs and timestamps are masked; lists are put in a canonical order. What is left
differs only where the configuration really differs.
"""

from __future__ import annotations

import contextlib
import gc
import json
import re
from collections.abc import Iterable, Iterator, Mapping
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
_MAYBE_TOKEN_RE = re.compile(r"[0-9]|arn:")
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
        self._memo: dict[str, str] = {}
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
        self._words = tuple(w for w in words if w)
        self._ssm_prefix = prefix
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
        """One string value, normalized (memoized: configs repeat most of their strings)."""
        out = self._memo.get(value)
        if out is None:
            out = self._memo[value] = self._string(value)
        return out

    def _string(self, value: str) -> str:
        hit = self.index.get(value)
        if hit is not None:
            return hit
        out = value
        if _MAYBE_TOKEN_RE.search(out):  # every id, ARN, UUID and timestamp has one of these
            out = TOKEN_RE.sub(self._token, out)
            out = _RDS_ENDPOINT_RE.sub(".cluster-<id>.", out)
            if self.account_id:
                out = out.replace(self.account_id, ACCOUNT)
        if self._ssm_re is not None and self._ssm_prefix in out:
            out = self._ssm_re.sub("/" + ENV, out)
        if any(word in out for word in self._words):
            out = self._env_re.sub(ENV, out)
        return out

    # -- structures ----------------------------------------------------------------------

    def value(self, value: Any) -> Any:
        """Any JSON value, normalized; lists are sorted into a canonical order.

        This is the hot loop of a compare: exact types are tested first, and scalar children
        are handled inline instead of by a recursive call.
        """
        kind = type(value)
        if kind is str:
            return self.string(value)
        if kind in _SCALARS:
            return value
        if kind is dict or isinstance(value, Mapping):
            memo, string, walk = self._memo, self.string, self.value
            out = {}
            for key, child in value.items():
                # Keys are normalized too: they can be names (inline policies) or ARNs.
                new_key = memo.get(key) if type(key) is str else None
                if new_key is None:
                    new_key = string(str(key))
                child_kind = type(child)
                if child_kind is str:
                    new = memo.get(child)
                    out[new_key] = string(child) if new is None else new
                elif child_kind in _SCALARS:
                    out[new_key] = child
                else:
                    out[new_key] = walk(child)
            return out
        if kind is list or isinstance(value, list | tuple):
            memo, string, walk = self._memo, self.string, self.value
            items = []
            only_strings = True
            for child in value:
                child_kind = type(child)
                if child_kind is str:
                    new = memo.get(child)
                    items.append(string(child) if new is None else new)
                else:
                    only_strings = False
                    items.append(child if child_kind in _SCALARS else walk(child))
            if only_strings:
                items.sort()  # the same order _canonical gives strings
                return items
            return sorted(items, key=_canonical)
        if isinstance(value, str):
            return self.string(value)
        return value

    def config(self, resource: Resource) -> dict[str, Any]:
        """A resource's comparable configuration: config, plus tags when they were read."""
        out = self.value(resource.config)
        if resource.tags is not None:
            out["tags"] = {k: self.string(v) for k, v in sorted(resource.tags.items())}
        return out


_SCALARS = frozenset({int, float, bool, type(None)})


def _canonical(value: Any) -> str:
    if isinstance(value, str):
        return "0" + value
    return "1" + json.dumps(value, sort_keys=True, default=str)


def normalize_snapshot(snapshot: Any) -> dict[ResourceKey, dict[str, Any]]:
    """Every resource of a snapshot, normalized, by pairing key."""
    norm = normalizer_for(snapshot)
    with no_cycle_collection():
        return {res.key: norm.config(res) for res in snapshot.resources}


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Keep the cycle collector out of a compare.

    Normalizing and comparing make many new containers, none of them cyclic. The collector
    is paused while they are made, and they are then frozen (``gc.freeze``): exempt from
    later collections, which would otherwise walk them all. They are still freed by
    reference counting like any acyclic object. On 100k resources this halves the time.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def normalizer_for(snapshot: Any) -> Normalizer:
    """The Normalizer of a Snapshot."""
    return Normalizer(snapshot.resources, snapshot.suffix, snapshot.ssm_prefix, snapshot.account_id)
