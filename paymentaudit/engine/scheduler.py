"""The collection engine: runs declared collectors concurrently for one or more environments.

One bounded thread pool spans services, regions and per-item detail calls. The main
thread only schedules: every task returns to it, and follow-up calls (details of a
listed item, the next level of a fan-out) are submitted from there, so no worker ever
waits on another and the longest chain of dependent calls sets the wall time.
List calls that do not depend on the environment run once and serve every
environment being snapshotted.

An environment is what its name and tag rules find, plus everything those resources point at
(``declare.Ref``), followed to a fixed point: when a built resource refers to an id, a name or
an ARN that is not yet a member, the listed item it names joins the environment (or, for
collectors that can read one item by id, ``from_ref``, it is read directly), and its own
references are followed in turn, in the same pool.

The engine also measures the longest chain (``Engine.chain``): the most requests on any
path of dependent calls, counting every page of a paginated call (pages are sequential).
A call's depth is the depth of the call whose result scheduled it, plus its own pages;
a listing routed only once the tag map is in depends on both.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from paymentaudit.aws import AWS_ERRORS, Clients, describe_error
from paymentaudit.engine.item_calls import TASK_STATE, ItemCalls, Tracker, execute
from paymentaudit.engine.references import Listed, References
from paymentaudit.engine.results import EnvResult, EnvSpec
from paymentaudit.naming import SUFFIX_TAG
from paymentaudit.services.declare import Call, Collector, Item, Scope, dig, tag_dict

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


class Engine(References, ItemCalls):
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
        self.by_type = {c.type: c for c in self.collectors}
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
        self._open: list[Tracker] = []
        # Reference following: every listed item by its tokens, per resource type; the list
        # calls of a type still out; the references waiting for them; the members so far.
        self._ref_types = {ref.type for c in self.collectors for ref in c.refs}
        self._listed: dict[str, Listed] = {}
        self._lists_out: dict[str, int] = {}
        self._waiting: dict[str, list[tuple[EnvSpec, str]]] = {}
        self._list_failed: set[str] = set()  # types whose listing failed somewhere
        # service -> its list calls not yet routed to the environments (in flight, or in
        # waiting for the tag maps): a run cut off then has not seen that service whole.
        self._unrouted: Counter[str] = Counter()
        self._members: dict[str, set[tuple[str, str]]] = {e.suffix: set() for e in self.envs}
        self._known: dict[str, set[str]] = {e.suffix: set() for e in self.envs}
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
        """Stop waiting: what is still out is reported, and every item already listed is built
        with what it has (its calls still out are unknown attributes, not absent ones)."""
        services = {entry[1] for entry in self._pending.values()}
        services.update(s for s, n in self._unrouted.items() if n)
        if any(self._unrouted[c.service] for c in self.collectors if c.type == VPC_TYPE):
            services.update(c.service for c in self.collectors if c.list_scope == "vpc")
        for fut in self._pending:
            fut.cancel()
        self._pending.clear()
        for tracker in list(self._open):
            tracker.cut()
        for result in self.results.values():
            for service in sorted(services):
                if service != "tagging":
                    result.fail(service, "timed out before completing")

    def _fail(self, service: str, message: str, suffixes: Iterable[str] | None = None) -> None:
        for suffix in suffixes if suffixes is not None else self.results:
            self.results[suffix].fail(service, message)

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
        followed = collector.type in self._ref_types and collector.list_scope == "account"
        if followed:
            self._lists_out[collector.type] = self._lists_out.get(collector.type, 0) + 1
        self._unrouted[collector.service] += 1

        def done(value: Any, exc: BaseException | None) -> None:
            if exc is not None:
                self._unrouted[collector.service] -= 1
                where = "" if collector.regions != "all" else f" in {region}"
                self._fail(collector.service, f"{describe_error(exc)}{where}", suffixes)
                if followed:
                    self._list_failed.add(collector.type)
                    self._listed_one(collector, region, [])
                return
            regions = (
                self.clients.connection.regions if collector.regions == "global" else (region,)
            )

            def route() -> None:
                self._unrouted[collector.service] -= 1
                self._route(collector, region, envs, value or [], followed)

            self._after_tags(regions, route)

        self._submit(lambda: execute(client, collector.list, params), done, collector.service)

    def _item(
        self, collector: Collector, raw: Any, region: str, scope: Scope, tags: dict[str, Any]
    ) -> Item:
        item = Item(raw=raw, region=region)
        item.name = collector.item_name(raw)
        item.arn = collector.item_arn(raw, scope)
        if collector.tags and not isinstance(raw, str):
            item.tags = tag_dict(dig(raw, collector.tags))
        elif item.arn in tags:
            item.tags = tags[item.arn]
        item.tagged = (item.tags or {}).get(SUFFIX_TAG) == scope.suffix
        if not item.name:  # nothing names it: its relationships may (see naming.py)
            item.named = False
            item.name = collector.item_id(raw)
        return item

    def _route(
        self,
        collector: Collector,
        region: str,
        envs: Sequence[EnvSpec],
        raws: list[Any],
        followed: bool,
    ) -> None:
        tags = self._tag_map(collector, region)
        listed: list[Any] = []
        for env in envs:
            scope = self._scope(env, region)
            items_raw = collector.expand(raws, scope, tags) if collector.expand else raws
            if followed and not listed:
                listed = items_raw
            members = []
            for raw in items_raw:
                item = self._item(collector, raw, region, scope, tags)
                if collector.member(item, scope, item.tagged):
                    members.append(item)
            if self.progress:
                self.progress(f"{collector.type} {env.suffix}: {len(members)}")
            if collector.type == VPC_TYPE:
                self._vpc_ids.setdefault(env.suffix, {})[region] = [
                    collector.item_id(item.raw) for item in members
                ]
            self._join(collector, env, scope, members)
            if collector.type == VPC_TYPE:
                for child in self.collectors:
                    if child.list_scope == "vpc" and region in self._regions(child) and members:
                        self._start_list(child, region, [env])
        if followed:
            self._listed_one(collector, region, listed)

    def _join(self, collector: Collector, env: EnvSpec, scope: Scope, items: list[Item]) -> None:
        """Make items members of an environment (once each) and read their details."""
        members = self._members[env.suffix]
        fresh = []
        for item in items:
            key = (collector.type, collector.item_id(item.raw) or item.name)
            if key not in members:
                members.add(key)
                fresh.append(item)
        if fresh:
            self._collect_items(collector, env, scope, fresh)

    def tagged_suffixes(self) -> set[str]:
        """Every EnvironmentSuffix tag value seen in the regions read."""
        return {
            tags[SUFFIX_TAG]
            for region in self._tags.values()
            for tags in region.values()
            if tags.get(SUFFIX_TAG)
        }
