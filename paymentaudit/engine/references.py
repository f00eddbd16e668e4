"""The references half of the engine: an environment is what its name and tag rules find, plus
everything those resources point at (``declare.Ref``), followed to a fixed point. When a built
resource refers to an id, a name or an ARN that is not yet a member, the listed item it names
joins the environment (or, for collectors that can read one item by id, ``from_ref``, it is
read directly), and its own references are followed in turn, in the same pool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from paymentaudit.engine.results import EnvSpec
from paymentaudit.model import Resource
from paymentaudit.naming import SUFFIX_TAG
from paymentaudit.services.declare import Collector, Item, Scope

Listed = dict[str, tuple[str, Any]]  # token (id, name, ARN) -> (region, raw item)


class References:
    """Following references (the engine's state it uses is declared here)."""

    clients: Any
    account_id: str
    partition: str
    by_type: dict[str, Collector]
    _listed: dict[str, Listed]
    _lists_out: dict[str, int]
    _waiting: dict[str, list[tuple[EnvSpec, str]]]
    _list_failed: set[str]
    _known: dict[str, set[str]]
    _scope: Callable[[EnvSpec, str], Scope]
    _item: Callable[[Collector, Any, str, Scope, dict[str, Any]], Item]
    _tag_map: Callable[[Collector, str], dict[str, dict[str, str]]]
    _join: Callable[[Collector, EnvSpec, Scope, list[Item]], None]

    def _listed_one(self, collector: Collector, region: str, raws: list[Any]) -> None:
        """One list call of a followed type is in: index its items, answer waiting refs."""
        index = self._listed.setdefault(collector.type, {})
        scope = Scope("", "", region, self.account_id, partition=self.partition)
        for raw in raws:
            for token in collector.tokens(raw, scope):
                index.setdefault(token, (region, raw))
        self._lists_out[collector.type] -= 1
        if self._lists_out[collector.type] == 0:
            for env, token in self._waiting.pop(collector.type, []):
                self._resolve(env, collector, token)

    def _built(self, env: EnvSpec, collector: Collector, resource: Resource) -> None:
        known = self._known[env.suffix]
        known.update(t for t in (resource.physical_id, resource.arn, *resource.aliases) if t)
        for ref in collector.refs:
            target = self.by_type.get(ref.type)
            if target is None:
                continue
            for token in ref.values(resource):
                if token in known:
                    continue
                if self._lists_out.get(ref.type, 0):
                    self._waiting.setdefault(ref.type, []).append((env, token))
                else:
                    self._resolve(env, target, token)

    def _resolve(self, env: EnvSpec, collector: Collector, token: str) -> None:
        """Bring the item a reference names into the environment, if it can be found."""
        if token in self._known[env.suffix]:
            return
        found = self._listed.get(collector.type, {}).get(token)
        # An item the listing does not hold is read by id only when the listing succeeded:
        # after a failed listing its names (a key's aliases) are unknown, and so is it.
        if found is None and collector.from_ref and collector.type not in self._list_failed:
            raw = collector.from_ref(token)
            region = _arn_region(token) or self.clients.connection.region
            found = None if raw is None else (region, raw)
        if found is None:
            return  # outside what the audit can read (another account, deleted): kept as is
        region, raw = found
        scope = self._scope(env, region)
        item = self._item(collector, raw, region, scope, self._tag_map(collector, region))
        other = (item.tags or {}).get(SUFFIX_TAG)
        if other is not None and other != env.suffix:
            return  # tagged for another environment: a cross-environment reference
        item.via_ref = True
        self._known[env.suffix].add(token)
        self._join(collector, env, scope, [item])


def _arn_region(token: str) -> str:
    """The region of an ARN ('' for a bare id or a global ARN)."""
    parts = token.split(":", 5)
    return parts[3] if token.startswith("arn:") and len(parts) > 3 else ""
