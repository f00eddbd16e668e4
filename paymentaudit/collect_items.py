"""Per-item calls of the collection engine: describe, locate, details, fan-outs, batches.

A mixin of :class:`paymentaudit.collect.Engine`: every method here schedules calls for
listed items through the engine's ``_submit`` and builds each item into a Resource once
its last call has returned (a :class:`Tracker` counts them).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from paymentaudit.aws import describe_error, error_code
from paymentaudit.collectors.base import Call, Collector, Item, Scope, dig
from paymentaudit.model import Resource

if TYPE_CHECKING:
    from paymentaudit.collect import EnvResult, EnvSpec


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

    def _collect_items(
        self, collector: Collector, env: EnvSpec, scope: Scope, items: list[Item]
    ) -> None:
        result = self.results[env.suffix]
        trackers = []
        for item in items:
            tracker = Tracker(lambda item=item: self._finish(collector, scope, result, item))
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
        tracker.add()

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
            tracker.done()

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
        tracker.add()

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
            tracker.done()

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
            tracker.add()

        def done(value: Any, exc: BaseException | None) -> None:
            by_id = {}
            if exc is None:
                by_id = {dig(elem, call.batch_key): elem for elem in value or []}
            for (item, tracker), ident in zip(chunk, ids, strict=True):
                if exc is not None and error_code(exc) not in call.absent:
                    item.errors[key] = describe_error(exc)
                item.details[key] = by_id.get(ident)
                tracker.done()

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
        result.resources.append(
            Resource(
                service=collector.service,
                type=collector.type,
                logical_name=collector.logical(item, scope),
                physical_id=collector.item_id(item.raw) or item.name,
                region=item.region,
                arn=item.arn,
                config=built.config,
                tags=item.tags,
                errors=dict(item.errors),
                aliases=built.aliases,
            )
        )


class Tracker:
    """Counts an item's outstanding calls and builds it when the last one returns."""

    __slots__ = ("dropped", "finish", "outstanding")

    def __init__(self, finish: Callable[[], None]) -> None:
        self.outstanding = 0
        self.dropped = False
        self.finish = finish

    def add(self) -> None:
        self.outstanding += 1

    def drop(self) -> None:
        self.dropped = True

    def done(self) -> None:
        self.outstanding -= 1
        if self.outstanding == 0 and not self.dropped:
            self.finish()
