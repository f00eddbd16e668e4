"""Helpers for the collector tests: snapshot the mocked account, fail or record calls.

Every test in this folder runs inside ``mock_aws`` (see conftest.py): resources are made
with real boto3 clients and read back with :func:`paymentaudit.engine.run.take`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import boto3
import botocore.exceptions

from paymentaudit import rules
from paymentaudit.aws import Connection
from paymentaudit.engine.run import take
from paymentaudit.model import Coverage, Resource, Status
from paymentaudit.naming import SUFFIX_TAG
from paymentaudit.rules.base import RuleContext
from paymentaudit.snapshots import Snapshot

PRIMARY, REPLICA = "us-east-1", "us-west-2"
ACCOUNT = "123456789012"


# One session for the setup clients: it parses each service model once for the whole run
# (boto3's default session is replaced by moto at every mock, and would parse them again).
_SESSION = boto3.Session()


def client(service: str, region: str = PRIMARY) -> Any:
    """A plain boto3 client of the mocked account (for setting things up)."""
    return _SESSION.client(service, region_name=region)


def snap(
    suffix: str,
    *services: str,
    ssm: str | None = None,
    hooks: dict[str, Callable[..., Any]] | None = None,
) -> Snapshot:
    """One environment's snapshot, reading only ``services``."""
    return take([(suffix, ssm)], Connection(), services=services, extra_hooks=hooks)[suffix]


def snaps(
    suffixes: list[str], *services: str, hooks: dict[str, Callable[..., Any]] | None = None
) -> dict[str, Snapshot]:
    """Several environments in one pass."""
    return take([(s, None) for s in suffixes], Connection(), services=services, extra_hooks=hooks)


def deny(operation: str, code: str = "AccessDenied") -> Callable[..., Any]:
    """A ``before-call`` hook that fails the call as AWS would, before it is sent."""

    def hook(**_: Any) -> None:
        raise botocore.exceptions.ClientError(
            {"Error": {"Code": code, "Message": f"not allowed to call {operation}"}}, operation
        )

    return hook


def without(*paths: str) -> Callable[..., Any]:
    """An ``after-call`` hook that removes members from the parsed response, as if AWS had not
    returned them: ``Functions[].TracingConfig`` (``[]``: in every element of the list)."""

    def remove(node: Any, parts: list[str]) -> None:
        head, rest = parts[0], parts[1:]
        if head.endswith("[]"):
            for element in node.get(head[:-2]) or []:
                remove(element, rest)
        elif not rest:
            node.pop(head, None)
        elif isinstance(node.get(head), dict):
            remove(node[head], rest)

    def hook(parsed: dict[str, Any], **_: Any) -> None:
        for path in paths:
            remove(parsed, path.split("."))

    return hook


class Recorder:
    """A ``before-parameter-build`` hook recording (operation, API parameters) of each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        with self._lock:
            self.calls.append((model.name, json.loads(json.dumps(params, default=str))))

    def of(self, operation: str) -> list[dict[str, Any]]:
        """The parameters of every call of one operation."""
        return [p for op, p in self.calls if op == operation]


def resources(snapshot: Snapshot, resource_type: str) -> dict[str, Resource]:
    """A snapshot's resources of one type, by logical name."""
    return {r.logical_name: r for r in snapshot.of_type(resource_type)}


def coverage(snapshot: Snapshot, service: str) -> Coverage:
    """The coverage entry of one service."""
    return next(c for c in snapshot.coverage if c.service == service)


def tag_list(suffix: str, key: str = "Key", value: str = "Value", **extra: str) -> list:
    """EnvironmentSuffix (plus extra tags) in AWS's list shape."""
    tags = {SUFFIX_TAG: suffix, **extra}
    return [{key: k, value: v} for k, v in tags.items()]


def statuses(snapshot: Snapshot, rule_id: str, *, coverage_ok: bool = False) -> set[Status]:
    """The statuses of one rule's outcomes on a snapshot (``coverage_ok``: every service's
    coverage made ok, so that the resources' own errors must be enough)."""
    if coverage_ok:
        snapshot = replace(
            snapshot, coverage=tuple(replace(c, status="ok", error=None) for c in snapshot.coverage)
        )
    return {o.status for o in rules.get(rule_id).evaluate(RuleContext(snapshot))}


def secret_free(snapshot: Snapshot, *secrets: str) -> bool:
    """True when none of ``secrets`` appears anywhere in the snapshot's JSON form."""
    text = json.dumps(snapshot.to_dict(), default=str)
    return not any(secret in text for secret in secrets)
