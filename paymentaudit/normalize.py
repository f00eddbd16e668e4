"""Normalization: make two environments' configurations comparable.

References to other resources become their logical names; the environment's own
suffix, environment word and SSM prefix become ``<env>``; opaque ids, UUIDs and timestamps
are masked; lists are put in a canonical order. What is left differs only where the
configuration really differs.

Account ids never make a difference between environments in different accounts: an account id
becomes its role, ``<account>`` (the environment's own), ``<baseline account>`` or ``<target
account>`` (the other environment's, when it is in another account) or ``<other account>``.

A reference (``declare.Ref``) that does not resolve while the service it points into could not
be read on that side is *unknown* (``(unknown: <why>)``): the compare never compares it.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from paymentaudit import services
from paymentaudit.model import Resource, ResourceKey, canonical_json
from paymentaudit.naming import ACCOUNT, ENV_SYNONYMS, environment_word
from paymentaudit.services.declare import Ref
from paymentaudit.snapshots import Snapshot

ENV = "<env>"
OTHER_ACCOUNT = "<other account>"
UNKNOWN_PREFIX = "(unknown: "
_ACCOUNT_RE = re.compile(r"(?<![0-9])\d{12}(?![0-9])")

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
        *,
        peer_account: str = "",
        peer_role: str = "",
        failed: Iterable[str] = (),
    ) -> None:
        self.index: dict[str, str] = {}
        for res in resources:
            for token in (res.physical_id, res.arn, *res.aliases):
                if token and len(token) > 2:
                    self.index.setdefault(token, res.logical_name)
        self.account_id = account_id
        # The other environment's account, when it is another one, and how to call it.
        self.peer_account = peer_account if peer_account != account_id else ""
        self.peer_label = f"<{peer_role} account>" if peer_role else OTHER_ACCOUNT
        self.failed = frozenset(failed)
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
            text = _ACCOUNT_IN_ARN_RE.sub(lambda m: m[1] + self.account_role(m[2]) + m[3], text)
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
            if self.account_id or self.peer_account:
                out = _ACCOUNT_RE.sub(self._account_match, out)
        if self._ssm_re is not None and self._ssm_prefix in out:
            out = self._ssm_re.sub("/" + ENV, out)
        if any(word in out for word in self._words):
            out = self._env_re.sub(ENV, out)
        return out

    def account_role(self, account: str) -> str:
        """An account id as its role: the environment's own, the other environment's, or
        another account's."""
        if account == self.account_id or not self.account_id:
            return ACCOUNT
        if account == self.peer_account:
            return self.peer_label
        return OTHER_ACCOUNT

    def _account_match(self, match: re.Match[str]) -> str:
        account = match.group(0)
        if account == self.account_id:
            return ACCOUNT
        if account == self.peer_account:
            return self.peer_label
        return account  # twelve digits that are no known account: a value, kept

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
            if len(items) < 2:
                return items
            return sorted(items, key=_canonical)
        if isinstance(value, str):
            return self.string(value)
        return value

    def config(self, resource: Resource) -> dict[str, Any]:
        """A resource's comparable configuration: config, plus tags when they were read."""
        out = self.value(self._mark_unknown(resource) if self.failed else resource.config)
        if resource.tags is not None:
            out["tags"] = {k: self.string(v) for k, v in sorted(resource.tags.items())}
        return out

    def _mark_unknown(self, resource: Resource) -> Any:
        """The resource's config with its unresolvable references marked unknown, where the
        service they point into could not be read on this side."""
        try:
            refs = services.get(resource.type).refs
        except KeyError:
            return resource.config
        config: Any = resource.config
        for ref in refs:
            svc = ref.type.split(".", 1)[0]
            if svc in self.failed and isinstance(ref.path, str):
                config = _mark(config, ref.path.split("."), self.index, svc, ref)
        return config


def _mark(value: Any, parts: list[str], index: Mapping[str, str], svc: str, ref: Ref) -> Any:
    """A copy of ``value`` with the unresolved references at ``parts`` made unknown."""
    if not parts:
        unknown = f"{UNKNOWN_PREFIX}{svc} could not be read to resolve it)"
        if isinstance(value, str):
            return value if value in index else unknown
        if isinstance(value, list):
            return [v if not isinstance(v, str) or v in index else unknown for v in value]
        return value
    if not isinstance(value, Mapping) or parts[0] not in value:
        return value
    return {**value, parts[0]: _mark(value[parts[0]], parts[1:], index, svc, ref)}


_SCALARS = frozenset({int, float, bool, type(None)})


def _canonical(value: Any) -> str:
    if isinstance(value, str):
        return "0" + value
    return "1" + canonical_json(value)


def normalize_snapshot(
    snapshot: Snapshot, peer: Snapshot | None = None, peer_role: str = ""
) -> dict[ResourceKey, dict[str, Any]]:
    """Every resource of a snapshot, normalized, by pairing key. ``peer`` is the snapshot it is
    compared with (its account gets the role ``peer_role``: "baseline" or "target")."""
    norm = normalizer_for(snapshot, peer, peer_role)
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


def normalizer_for(
    snapshot: Snapshot, peer: Snapshot | None = None, peer_role: str = ""
) -> Normalizer:
    """The Normalizer of a Snapshot (compared with ``peer``)."""
    return Normalizer(
        snapshot.resources,
        snapshot.suffix,
        snapshot.ssm_prefix,
        snapshot.account_id,
        peer_account=peer.account_id if peer is not None else "",
        peer_role=peer_role,
        failed=snapshot.failed_services(),
    )
