"""Helpers for the fuzz tests: a fake client answering from the real output shapes (with the
canary secrets of canarykit.py), and the engine's own per-item code run synchronously on it.

:class:`FuzzEngine` is the collection engine (``engine.scheduler.Engine``) with one change: a
call runs at once, on the calling thread, instead of in the pool. Everything else is the
engine's: ``item_calls.execute`` reduces each response by the call's ``result``/``paginate``,
describe, locate, details, ``each`` follow-ups and ``batch`` calls run as they do against AWS,
a failed call is recorded in ``item.errors`` (an ``absent`` error code stores None), and
``_finish`` builds each item into a Resource (tags scanned, errors kept).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import botocore.exceptions
from canarykit import as_text, leaks, strategies, tag_lists
from hypothesis import strategies as st
from shapes import ACCOUNT, operation_model

from paymentaudit import services
from paymentaudit.aws import AWS_ERRORS
from paymentaudit.engine.item_calls import execute
from paymentaudit.engine.naming import name_by_relationships
from paymentaudit.engine.results import EnvResult, EnvSpec
from paymentaudit.engine.scheduler import Engine
from paymentaudit.model import Coverage, Resource
from paymentaudit.naming import SUFFIX_TAG
from paymentaudit.services.declare import Call, Collector, Item, Scope, tag_dict
from paymentaudit.snapshots import Snapshot

REGION = "us-east-1"
TARGET, BASELINE = "prod-abc123", "dev"
VPC_ID = "vpc-0123456789abcdef0"


# -- the fake client --------------------------------------------------------------------------


def api_name(service: str, method: str) -> str:
    return operation_model(service, method).name


def client_error(service: str, method: str, code: str) -> botocore.exceptions.ClientError:
    return botocore.exceptions.ClientError(
        {"Error": {"Code": code, "Message": "fuzzed failure"}}, api_name(service, method)
    )


Draw = Callable[[st.SearchStrategy[Any]], Any]

# Where secrets live in each response: half the time these paths are made present (the other
# half they may be absent, as any member), so that canaries reach the collectors.
SECRET_PATHS: dict[str, tuple[str, ...]] = {
    "list_functions": ("Functions.Environment.Variables",),
    "get_parameters": ("Parameters.Value",),
    "describe_vpcs": ("Vpcs.Tags",),
    "describe_subnets": ("Subnets.Tags",),
    "describe_route_tables": ("RouteTables.Tags",),
    "describe_vpc_endpoints": ("VpcEndpoints.Tags", "VpcEndpoints.PolicyDocument"),
    "describe_security_groups": ("SecurityGroups.Tags",),
    "describe_db_clusters": ("DBClusters.TagList",),
    "describe_db_instances": ("DBInstances.TagList",),
    "list_secrets": ("SecretList.Tags",),
    "describe_secret": ("Tags",),
    "list_roles": ("Roles.AssumeRolePolicyDocument",),
    "get_role_policy": ("PolicyDocument",),
    "get_policy_version": ("PolicyVersion.Document",),
    "get_bucket_policy": ("Policy",),
    "get_topic_attributes": ("Attributes",),
}
# How many responses (or tag maps) held a canary, per collector type: each fuzz test checks
# that its collector was given secrets to leak.
PLANTED: dict[str, int] = {}

# Members the declared calls' parameters subscript (``item["VpcId"]``): a listed element
# without one raises KeyError while the engine builds the call's parameters. AWS returns each
# for every element; the declared calls are not changed here (see the report), so the fuzzed
# listings always carry them.
REQUIRED_BY_DECLARED_PARAMS: dict[str, tuple[str, ...]] = {
    "describe_vpcs": ("VpcId",),
    "describe_vpc_endpoints": ("ServiceName",),
}


class FakeClient:
    """A boto3 client whose every answer is drawn from the operation's real output shape.

    The collector's list call always succeeds and lists something; any other call may fail
    (AccessDenied, or one of the error codes the call declares ``absent``) when ``failures``.
    A batch call's answer names some of the requested ids, as GetParameters does.
    """

    def __init__(self, draw: Draw, service: str, collector: Collector, failures: bool) -> None:
        self.draw = draw
        self.service = service
        self.failures = failures
        self.calls: dict[str, Call] = {c.op: c for c in collector.calls()}
        self.list_op = collector.list.op
        self.list_result = collector.list.result
        self.type = collector.type

    def get_paginator(self, method: str) -> Any:
        client = self

        class Paginator:
            def paginate(self, **params: Any) -> list[Any]:
                first = client.respond(method, params)
                more = client.draw(st.lists(st.just(None), max_size=1))
                return [first, *(client.respond(method, params, page=2) for _ in more)]

        return Paginator()

    def __getattr__(self, method: str) -> Any:
        if method.startswith("_"):
            raise AttributeError(method)
        return lambda **params: self.respond(method, params)

    def respond(self, method: str, params: Mapping[str, Any], page: int = 1) -> Any:
        call = self.calls.get(method)
        listing = method == self.list_op
        if not listing and self.failures:
            codes = ["AccessDenied", *(call.absent if call else ())]
            outcome = self.draw(st.integers(0, 7))
            if outcome < len(codes):
                raise client_error(self.service, method, codes[outcome])
        require: list[str] = []
        if listing and page == 1:
            require.append(self.list_result or "")
        elif not listing and call and call.result and self.draw(st.integers(0, 3)):
            require.append(call.result)  # mostly with the member the call reads
        if method in SECRET_PATHS and self.draw(st.booleans()):
            require.extend(SECRET_PATHS[method])
        response = self.draw(strategies(self.service).output(method, require=tuple(require)))
        if leaks(as_text(response)):
            PLANTED[self.type] = PLANTED.get(self.type, 0) + 1
        if listing:
            for element in response.get(self.list_result or "") or []:
                for member in REQUIRED_BY_DECLARED_PARAMS.get(method, ()):
                    if isinstance(element, dict) and member not in element:
                        element[member] = self.draw(st.sampled_from(["vpc-0a1b2c3d", "x"]))
        if call is not None and call.batch and call.result:
            names = list(params.get(call.batch_param) or [])
            elements = response.get(call.result) or []
            for element in elements:
                if names and isinstance(element, dict):
                    element[call.batch_key] = self.draw(st.sampled_from(names))
        return {**response, "ResponseMetadata": {"HTTPStatusCode": 200}}


class FakeClients:
    """``engine.Clients`` for the fake clients of one collector."""

    def __init__(self, draw: Draw, collector: Collector, failures: bool) -> None:
        self.made = FakeClient(draw, collector.boto_service, collector, failures)

    def client(self, service: str, region: str | None = None) -> FakeClient:
        return self.made


class FuzzEngine(Engine):
    """The engine, each call run at once on the calling thread (see the module docstring)."""

    def __init__(self, clients: Any) -> None:  # only what the per-item half uses
        self.clients = clients
        self.results = {}
        self._open = []

    def _submit(
        self, fn: Callable[[], Any], done: Callable[[Any, BaseException | None], None], service: str
    ) -> None:
        try:
            value = fn()
        except AWS_ERRORS as exc:
            done(None, exc)
        else:
            done(value, None)

    def _built(self, env: Any, collector: Collector, resource: Resource) -> None:
        """References are not followed: each collector is fuzzed on its own."""


def scope_of(suffix: str) -> Scope:
    return Scope(
        suffix=suffix,
        ssm_prefix="/" + suffix.split("-")[0],
        region=REGION,
        account_id=ACCOUNT,
        vpc_ids=(VPC_ID,),
    )


def collect(draw: Draw, collector: Collector, suffix: str, failures: bool = True) -> EnvResult:
    """One collector's resources for one environment, from drawn responses: the list call,
    every item (all members of the environment), its calls, its build, its Resource."""
    scope = scope_of(suffix)
    engine = FuzzEngine(FakeClients(draw, collector, failures))
    env = EnvSpec(suffix, scope.ssm_prefix)
    result = engine.results[suffix] = EnvResult(env)
    client = engine.clients.client(collector.boto_service, REGION)
    raws = execute(client, collector.list, collector.list.build_params(None, None, scope)) or []
    tags: dict[str, dict[str, str]] = {}
    if collector.tags is None:  # the tagging API's map, by ARN, for what the listing gives
        listed = collector.expand(raws, scope, {}) if collector.expand else raws
        if collector.from_ref is not None:  # and an item only its tags name (a KMS key)
            listed = [*listed, collector.from_ref(draw(st.uuids()).__str__())]
        for raw in listed:
            arn = collector.item_arn(raw, scope) if raw is not None else ""
            if arn:
                drawn = tag_dict(draw(tag_lists()))
                if draw(st.booleans()):
                    drawn[SUFFIX_TAG] = suffix
                if leaks(as_text(drawn)):
                    PLANTED[collector.type] = PLANTED.get(collector.type, 0) + 1
                tags[arn] = drawn
    listed = collector.expand(raws, scope, tags) if collector.expand else raws
    items: dict[str, Item] = {}
    for raw in listed:
        item = engine._item(collector, raw, REGION, scope, tags)
        collector.member(item, scope, item.tagged)  # decided here: every item is a member
        items.setdefault(collector.item_id(raw) or item.name, item)
    engine._collect_items(collector, env, scope, list(items.values()))
    return result


def snapshot(suffix: str, results: Sequence[EnvResult], ok: bool = False) -> Snapshot:
    """A Snapshot of collected results (``ok``: coverage ok whatever the errors, so that the
    resources' own errors must be enough)."""
    resources: list[Resource] = [r for result in results for r in result.resources]
    resources = name_by_relationships(resources, {c.type: c for c in services.COLLECTORS})
    coverage: list[Coverage] = []
    for result in results:
        for cov in result.coverage(sorted({c.service for c in services.COLLECTORS})):
            if cov.resources or cov.status != "ok":
                coverage.append(Coverage(cov.service, "ok", cov.resources) if ok else cov)
    merged: dict[str, Coverage] = {}
    for cov in coverage:
        seen = merged.get(cov.service)
        if seen is None or seen.status == "ok":
            merged[cov.service] = cov
    scope = scope_of(suffix)
    return Snapshot(
        suffix=suffix,
        ssm_prefix=scope.ssm_prefix,
        region=REGION,
        replica_region="us-west-2",
        account_id=ACCOUNT,
        taken_at="2025-01-01T00:00:00Z",
        resources=tuple(sorted(resources, key=lambda r: (r.service, r.type, r.logical_name))),
        coverage=tuple(merged.values()),
        source="fuzz",
    )


# -- one resource from a given response -------------------------------------------------------


def build_resource(
    collector: Collector,
    raw: Any,
    details: Mapping[str, Any] | None = None,
    *,
    region: str = REGION,
    suffix: str = TARGET,
) -> Resource:
    """The Resource the engine makes of one listed (and described) item whose detail calls
    returned ``details``: ``Engine._item`` then ``ItemCalls._finish``, as in a collection."""
    scope = scope_of(suffix)
    engine = FuzzEngine(None)
    result = EnvResult(EnvSpec(suffix, scope.ssm_prefix))
    item = engine._item(collector, raw, region, scope, {})
    item.details = dict(details or {})
    engine._finish(collector, scope, result, item)
    (resource,) = result.resources
    return resource


def snapshot_of(resources: Sequence[Resource], suffix: str = TARGET) -> Snapshot:
    """A target snapshot of resources, every service's coverage ok (so that a resource's own
    errors must be enough to make a rule not evaluated)."""
    result = EnvResult(EnvSpec(suffix, scope_of(suffix).ssm_prefix), resources=list(resources))
    return snapshot(suffix, [result], ok=True)


def element_strategy(collector: Collector) -> st.SearchStrategy[Any]:
    """What one listed item of a collector looks like once described: the element shape of
    its list call (or of its describe call's result), from the real output shapes."""
    call = collector.describe or collector.list
    model = operation_model(collector.boto_service, call.op)
    shape: Any = model.output_shape
    for part in (call.result or "").split("."):
        if part:
            shape = shape.members[part]
    if shape.type_name == "list":
        shape = shape.member
    return strategies(collector.boto_service).shape(shape, "", 1)
