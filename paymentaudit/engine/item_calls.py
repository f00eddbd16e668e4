"""Per-item calls of the collection engine: describe, locate, details, fan-outs, batches.

A mixin of the engine (``scheduler.Engine``): every method here schedules calls for listed
items through the engine's ``_submit`` and builds each item into a Resource once its last call
has returned (a :class:`Tracker` counts them). When the run is cut off (``--timeout``), the
engine finishes every open item with what it has: the calls still out are recorded as errors,
so their attributes are unknown, never absent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from paymentaudit.aws import describe_error, error_code
from paymentaudit.detect import classify, redacted
from paymentaudit.engine.results import EnvResult, EnvSpec
from paymentaudit.model import Resource, unnamed_label
from paymentaudit.naming import belongs
from paymentaudit.services.declare import Call, Collector, Item, Scope, dig

TIMED_OUT = "timed out before completing"


# Requests made by the task running on this worker thread (for Engine.chain).
TASK_STATE = threading.local()


def _count_request() -> None:
    TASK_STATE.requests = getattr(TASK_STATE, "requests", 0) + 1


def execute(client: Any, call: Call, params: Mapping[str, Any]) -> Any:
    """Make one declared call (following its paginator) and return its ``result``."""
    if call.paginate:
        pages = client.get_paginator(call.op).paginate(**params)
        out: list[Any] = []
        for page in pages:
            _count_request()
            if call.result is None:
                out.append(_strip(page))
            else:
                out.extend(dig(page, call.result) or [])
        return out
    _count_request()
    response = getattr(client, call.op)(**params)
    return _strip(response) if call.result is None else dig(response, call.result)


def _strip(response: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


class ItemCalls:
    """The per-item half of the engine (see the module docstring)."""

    clients: Any
    results: dict[str, EnvResult]
    _submit: Callable[..., None]
    _open: list[Tracker]

    def _built(self, env: EnvSpec, collector: Collector, resource: Resource) -> None:
        """Called with every resource once built (the engine follows its references)."""

    def _collect_items(
        self, collector: Collector, env: EnvSpec, scope: Scope, items: list[Item]
    ) -> None:
        result = self.results[env.suffix]
        trackers = []
        for item in items:
            tracker = Tracker(item, self._finisher(collector, scope, result, item))
            self._open.append(tracker)
            tracker.add()  # held until every call of the item has been submitted
            trackers.append(tracker)
            if collector.describe is not None:
                self._describe(collector, scope, item, tracker)
            elif collector.locate is not None:
                self._locate(collector, scope, item, tracker)
            else:
                self._details(collector, scope, item, tracker, batchable=False)
        if collector.describe is None and collector.locate is None:
            self._batches(collector, scope, list(zip(items, trackers, strict=True)))
        for tracker in trackers:
            tracker.done()

    def _finisher(
        self, collector: Collector, scope: Scope, result: EnvResult, item: Item
    ) -> Callable[[], None]:
        return lambda: self._finish(collector, scope, result, item)

    def _describe(self, collector: Collector, scope: Scope, item: Item, tracker: Tracker) -> None:
        assert collector.describe is not None

        def merge(value: Any) -> bool:
            if value is None:
                return False  # gone between list and describe
            # Keep what the list said (e.g. a key's aliases) next to the description.
            item.raw = {**item.raw, **value} if isinstance(item.raw, dict) else value
            item.arn = item.arn or collector.item_arn(item.raw, scope)
            return True

        self._before_details(collector, scope, item, tracker, "describe", collector.describe, merge)

    def _locate(self, collector: Collector, scope: Scope, item: Item, tracker: Tracker) -> None:
        assert collector.locate is not None and collector.locate_fn is not None
        locate_fn = collector.locate_fn

        def move(value: Any) -> bool:
            item.region = locate_fn(value)
            return True

        self._before_details(collector, scope, item, tracker, "locate", collector.locate, move)

    def _before_details(
        self,
        collector: Collector,
        scope: Scope,
        item: Item,
        tracker: Tracker,
        key: str,
        call: Call,
        apply: Callable[[Any], bool],
    ) -> None:
        """A call the detail calls depend on (describe, locate); ``apply`` takes its result
        and says whether the item still exists; then the details are scheduled."""
        client = self.clients.client(collector.boto_service, item.region)
        params = call.build_params(item.raw, item.raw, scope)
        tracker.add(key)

        def done(value: Any, exc: BaseException | None) -> None:
            if exc is not None:
                if error_code(exc) in call.absent:
                    tracker.drop()  # gone since it was listed
                else:
                    item.errors[key] = describe_error(exc)
            elif apply(value):
                self._details(collector, scope, item, tracker, batchable=True)
            else:
                tracker.drop()
            tracker.done(key)

        self._submit(lambda: execute(client, call, params), done, collector.service)

    def _details(
        self, collector: Collector, scope: Scope, item: Item, tracker: Tracker, batchable: bool
    ) -> None:
        client = self.clients.client(collector.boto_service, item.region)
        for key, call in collector.details.items():
            if call.batch:
                if batchable:
                    self._batches(collector, scope, [(item, tracker)], only=key)
                continue
            self._call(client, collector.service, call, item, None, scope, tracker, key, None)

    def _call(
        self,
        client: Any,
        service: str,
        call: Call,
        item: Item,
        element: Any,
        scope: Scope,
        tracker: Tracker,
        key: str,
        sink: dict[Any, Any] | None,
        sink_key: Any = None,
    ) -> None:
        """Run one detail call for an item; store its result and fan out ``each``."""
        params = call.build_params(item.raw, element, scope)
        tracker.add(key)

        def store(value: Any) -> None:
            if sink is None:
                item.details[key] = value
            else:
                sink[sink_key] = value

        def done(value: Any, exc: BaseException | None) -> None:
            if exc is not None:
                if error_code(exc) in call.absent:
                    store(None)
                else:
                    item.errors[key] = describe_error(exc)
                    store(None)
            elif call.each is not None:
                children: dict[Any, Any] = {}
                store(children)
                elements = value if isinstance(value, list) else [value]
                for elem in elements:
                    if elem is None:
                        continue
                    child_key = elem if call.each_key == "." else dig(elem, call.each_key)
                    if call.when is not None and not call.when(elem):
                        children[child_key] = None  # listed, no follow-up needed
                        continue
                    self._call(
                        client, service, call.each, item, elem, scope, tracker, key, children,
                        child_key,
                    )  # fmt: skip
            else:
                store(value)
            tracker.done(key)

        self._submit(lambda: execute(client, call, params), done, service)

    def _batches(
        self,
        collector: Collector,
        scope: Scope,
        items: list[tuple[Item, Tracker]],
        only: str | None = None,
    ) -> None:
        """Detail calls declared with ``batch``: one call per ``batch`` items."""
        for key, call in collector.details.items():
            if not call.batch or (only is not None and key != only):
                continue
            eligible = [(i, t) for i, t in items if call.when is None or call.when(i.raw)]
            for start in range(0, len(eligible), call.batch):
                self._batch_call(collector, scope, call, key, eligible[start : start + call.batch])

    def _batch_call(
        self,
        collector: Collector,
        scope: Scope,
        call: Call,
        key: str,
        chunk: list[tuple[Item, Tracker]],
    ) -> None:
        client = self.clients.client(collector.boto_service, chunk[0][0].region)
        ids = [collector.item_id(item.raw) for item, _ in chunk]
        params = dict(call.build_params(None, None, scope))
        params[call.batch_param] = ids
        for _, tracker in chunk:
            tracker.add(key)

        def done(value: Any, exc: BaseException | None) -> None:
            by_id = {}
            if exc is None:
                by_id = {dig(elem, call.batch_key): elem for elem in value or []}
            for (item, tracker), ident in zip(chunk, ids, strict=True):
                if exc is not None and error_code(exc) not in call.absent:
                    item.errors[key] = describe_error(exc)
                item.details[key] = by_id.get(ident)
                tracker.done(key)

        self._submit(lambda: execute(client, call, params), done, collector.service)

    def _finish(self, collector: Collector, scope: Scope, result: EnvResult, item: Item) -> None:
        built = collector.build(item, scope)
        if built is None:
            return
        if built.name:
            item.name = built.name
        if item.errors:
            lines = [f"{collector.type} {item.name}: {msg}" for msg in item.errors.values()]
            result.errors.setdefault(collector.service, []).extend(lines)
        physical = collector.item_id(item.raw) or item.name
        # A resource reached only by reference is named by its relationships unless its own
        # name follows the environment's naming (ends with -<suffix>, or tagged for it).
        named = item.named and (
            not item.via_ref or belongs(item.name, scope.suffix, item.tags) or item.tagged
        )
        resource = Resource(
            service=collector.service,
            type=collector.type,
            logical_name=collector.logical(item, scope) if named else unnamed_label(physical),
            physical_id=physical,
            region=item.region,
            arn=item.arn,
            config=built.config,
            tags=_scanned(item.tags),
            errors=dict(item.errors),
            aliases=built.aliases,
            named=named,
        )
        result.resources.append(resource)
        self._built(result.env, collector, resource)


def _scanned(tags: dict[str, str] | None) -> dict[str, str] | None:
    """Tag values scanned as they are read: a secret in a tag is redacted (the detector's
    name kept), never stored."""
    if not tags:
        return tags
    out = {}
    for key, value in tags.items():
        reason = classify(key, value)
        out[key] = value if reason is None else redacted(reason)
    return out


class Tracker:
    """Counts an item's outstanding calls (by detail key) and builds it when the last one
    returns; :meth:`cut` builds it with what it has when the run is cut off."""

    __slots__ = ("dropped", "finish", "finished", "item", "open")

    def __init__(self, item: Item, finish: Callable[[], None]) -> None:
        self.open: dict[str, int] = {}
        self.dropped = False
        self.finished = False
        self.item = item
        self.finish = finish

    def add(self, key: str = "") -> None:
        self.open[key] = self.open.get(key, 0) + 1

    def drop(self) -> None:
        self.dropped = True

    def done(self, key: str = "") -> None:
        self.open[key] -= 1
        if not self.open[key]:
            del self.open[key]
        if not self.open and not self.dropped and not self.finished:
            self.finished = True
            self.finish()

    def cut(self) -> None:
        """Finish now: every call still out is recorded as timed out."""
        if self.finished or self.dropped:
            return
        for key in self.open:
            if key:
                self.item.errors.setdefault(key, TIMED_OUT)
        self.open.clear()
        self.finished = True
        self.finish()
