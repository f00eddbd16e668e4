"""The collection engine: runs declared collectors concurrently for one or more environments.

One bounded thread pool spans services, regions and per-item detail calls. The main
thread only schedules: every task returns to it, and follow-up calls (details of a
listed item, the next level of a fan-out) are submitted from there, so no worker ever
waits on another and the longest chain of dependent calls sets the wall time.
List calls that do not depend on the environment run once and serve every
environment being snapshotted.

The engine also measures that longest chain (``Engine.chain``): the most requests on any
path of dependent calls, counting every page of a paginated call (pages are sequential).
A call's depth is the depth of the call whose result scheduled it, plus its own pages;
a listing routed only once the tag map is in depends on both.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from paymentaudit.aws import AWS_ERRORS, Clients, describe_error
from paymentaudit.collect_items import TASK_STATE, ItemCalls, execute
from paymentaudit.collectors.base import Call, Collector, Item, Scope, dig, tag_dict
from paymentaudit.model import Coverage, Resource
from paymentaudit.naming import SUFFIX_TAG

TAGGING = "resourcegroupstaggingapi"
# The tag map gates the routing of every listing, so its pages are on the longest chain:
# the largest pages allowed (ResourcesPerPage 1-100). AWS advises against TagsPerPage,
# its older alternative, so it is not sent (moto then cuts pages at 100 tags).
TAGGING_CALL = Call(
    "get_resources",
    params=lambda item, element, scope: {
        "TagFilters": [{"Key": SUFFIX_TAG}],
        "ResourcesPerPage": 100,
    },
    result="ResourceTagMappingList",
    paginate=True,
)
VPC_TYPE = "ec2.vpc"


@dataclass(frozen=True)
class EnvSpec:
    """One environment to snapshot: its suffix and SSM prefix."""

    suffix: str
    ssm_prefix: str


@dataclass
class EnvResult:
    """What the engine collected for one environment."""

    env: EnvSpec
    resources: list[Resource] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)  # service -> error lines
    not_run: set[str] = field(default_factory=set)

    def coverage(self, services: Iterable[str]) -> list[Coverage]:
        """One coverage entry per service, in the given order."""
        counts: dict[str, int] = {}
        for res in self.resources:
            counts[res.service] = counts.get(res.service, 0) + 1
        out = []
        for service in services:
            errors = sorted(set(self.errors.get(service, ())))
            out.append(
                Coverage(
                    service=service,
                    status="error" if errors else "ok",
                    resources=counts.get(service, 0),
                    error="; ".join(errors) if errors else None,
                )
            )
        return out


class Engine(ItemCalls):
    """Runs collectors for several environments with one bounded pool."""

    def __init__(
        self,
        clients: Clients,
        collectors: Sequence[Collector],
        envs: Sequence[EnvSpec],
        *,
        account_id: str,
        partition: str = "aws",
        max_workers: int = 16,
        timeout: float | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.clients = clients
        self.collectors = list(collectors)
        self.envs = list(envs)
        self.account_id = account_id
        self.partition = partition
        self.max_workers = max(1, max_workers)
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.progress = progress
        self.results = {env.suffix: EnvResult(env) for env in self.envs}
        # future -> (callback, service, depth of the scheduling call, [requests made])
        self._pending: dict[
            Future[Any],
            tuple[Callable[[Any, BaseException | None], None], str, int, list[int]],
        ] = {}
        # Finished futures, in completion order: the loop takes them one at a time instead
        # of waiting on every pending future at each turn (quadratic in the pending count).
        self._finished: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
        self._depth = 0  # chain depth of the callback running on the main thread
        self.chain = 0  # longest chain of dependent requests seen so far
        self._tags: dict[str, dict[str, dict[str, str]]] = {}  # region -> arn -> tags
        self._tag_waiters: dict[str, list[Callable[[], None]]] = {}
        self._vpc_ids: dict[str, dict[str, list[str]]] = {}  # suffix -> region -> ids
        self._lock = threading.Lock()

    # -- scheduling ---------------------------------------------------------------

    def _submit(
        self,
        fn: Callable[[], Any],
        done: Callable[[Any, BaseException | None], None],
        service: str,
    ) -> None:
        made = [0]

        def task() -> Any:
            TASK_STATE.requests = 0
            try:
                return fn()
            finally:
                made[0] = max(1, TASK_STATE.requests)  # a call failing on its first page made one

        fut = self._pool.submit(task)
        self._pending[fut] = (done, service, self._depth, made)
        fut.add_done_callback(self._finished.put)

    def run(self) -> dict[str, EnvResult]:
        """Collect everything; returns one EnvResult per suffix."""
        self._pool = ThreadPoolExecutor(self.max_workers, thread_name_prefix="collect")
        try:
            self._start()
            self._loop()
        finally:
            # Not waiting: after a timeout or Ctrl-C, calls still in flight finish on their
            # own (bounded by the client timeouts) while the run reports what it has.
            self._pool.shutdown(wait=False, cancel_futures=True)
        return self.results

    def _loop(self) -> None:
        while self._pending:
            timeout = None
            if self.deadline is not None:
                timeout = max(0.0, self.deadline - time.monotonic())
            try:
                fut = self._finished.get(timeout=timeout)
            except queue.Empty:
                self._time_out()
                return
            entry = self._pending.pop(fut, None)
            if entry is None:
                continue
            callback, _service, depth, made = entry
            self._depth = depth + made[0]
            self.chain = max(self.chain, self._depth)
            try:
                value = fut.result()
            except AWS_ERRORS as exc:
                callback(None, exc)
            else:
                callback(value, None)
            self._depth = 0

    def _time_out(self) -> None:
        services = sorted({entry[1] for entry in self._pending.values()})
        for fut in self._pending:
            fut.cancel()
        self._pending.clear()
        for result in self.results.values():
            for service in services:
                result.errors.setdefault(service, []).append("timed out before completing")

    def _fail(self, service: str, message: str, suffixes: Iterable[str] | None = None) -> None:
        for suffix in suffixes if suffixes is not None else self.results:
            self.results[suffix].errors.setdefault(service, []).append(message)

    # -- phases ---------------------------------------------------------------------

    def _regions(self, collector: Collector) -> tuple[str, ...]:
        regions = self.clients.connection.regions
        return regions if collector.regions == "all" else regions[:1]

    def _scope(self, env: EnvSpec, region: str) -> Scope:
        return Scope(
            suffix=env.suffix,
            ssm_prefix=env.ssm_prefix,
            region=region,
            account_id=self.account_id,
            vpc_ids=tuple(self._vpc_ids.get(env.suffix, {}).get(region, ())),
            partition=self.partition,
        )

    def _start(self) -> None:
        for region in self.clients.connection.regions:
            self._start_tagging(region)
        for collector in self.collectors:
            if collector.list_scope == "vpc":
                continue  # started once the environment's VPCs are known
            for region in self._regions(collector):
                if collector.list_scope == "env":
                    for env in self.envs:
                        self._start_list(collector, region, [env])
                else:
                    self._start_list(collector, region, self.envs)

    def _start_tagging(self, region: str) -> None:
        client = self.clients.client(TAGGING, region)
        scope = Scope("", "", region, self.account_id)

        def done(value: Any, exc: BaseException | None) -> None:
            tags: dict[str, dict[str, str]] = {}
            if exc is not None:
                # Membership then rests on names alone; the gap is reported, not hidden.
                self._fail("tagging", f"tag:GetResources in {region}: {describe_error(exc)}")
            else:
                for mapping in value or []:
                    tags[mapping["ResourceARN"]] = tag_dict(mapping.get("Tags"))
            self._tags[region] = tags
            for waiter in self._tag_waiters.pop(region, []):
                waiter()

        params = TAGGING_CALL.build_params(None, None, scope)
        self._submit(lambda: execute(client, TAGGING_CALL, params), done, "tagging")

    def _after_tags(self, regions: Sequence[str], fn: Callable[[], None]) -> None:
        """Run ``fn`` once the tag maps of all ``regions`` are in."""
        waiting = [r for r in regions if r not in self._tags]
        if not waiting:
            fn()
            return
        depth = self._depth  # the listing's depth: what runs later depends on it too

        def later() -> None:
            saved = self._depth
            self._depth = max(saved, depth)
            try:
                self._after_tags(regions, fn)
            finally:
                self._depth = saved

        self._tag_waiters.setdefault(waiting[0], []).append(later)

    def _tag_map(self, collector: Collector, region: str) -> dict[str, dict[str, str]]:
        if collector.regions != "global":
            return self._tags.get(region, {})
        merged: dict[str, dict[str, str]] = {}
        for tags in self._tags.values():
            merged.update(tags)
        return merged

    def _start_list(self, collector: Collector, region: str, envs: Sequence[EnvSpec]) -> None:
        client = self.clients.client(collector.boto_service, region)
        scope = self._scope(envs[0], region)
        params = collector.list.build_params(None, None, scope)
        suffixes = [env.suffix for env in envs]

        def done(value: Any, exc: BaseException | None) -> None:
            if exc is not None:
                where = "" if collector.regions != "all" else f" in {region}"
                self._fail(collector.service, f"{describe_error(exc)}{where}", suffixes)
                return
            regions = (
                self.clients.connection.regions if collector.regions == "global" else (region,)
            )
            self._after_tags(regions, lambda: self._route(collector, region, envs, value or []))

        self._submit(lambda: execute(client, collector.list, params), done, collector.service)

    def _route(
        self, collector: Collector, region: str, envs: Sequence[EnvSpec], raws: list[Any]
    ) -> None:
        tags = self._tag_map(collector, region)
        for env in envs:
            scope = self._scope(env, region)
            items_raw = collector.expand(raws, scope, tags) if collector.expand else raws
            members = []
            for raw in items_raw:
                item = Item(raw=raw, region=region)
                item.name = collector.item_name(raw)
                item.arn = collector.item_arn(raw, scope)
                if collector.tags and not isinstance(raw, str):
                    item.tags = tag_dict(dig(raw, collector.tags))
                elif item.arn in tags:
                    item.tags = tags[item.arn]
                tagged = bool(item.tags) and item.tags.get(SUFFIX_TAG) == env.suffix
                if collector.member(item, scope, tagged):
                    members.append(item)
            if self.progress:
                self.progress(f"{collector.type} {env.suffix}: {len(members)}")
            if collector.type == VPC_TYPE:
                self._vpc_ids.setdefault(env.suffix, {})[region] = [
                    collector.item_id(item.raw) for item in members
                ]
            self._collect_items(collector, env, scope, members)
            if collector.type == VPC_TYPE:
                for child in self.collectors:
                    if child.list_scope == "vpc" and region in self._regions(child) and members:
                        self._start_list(child, region, [env])
