"""pandas frames for notebooks and reports: resources, attributes, findings, side by side."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from paymentaudit.compare import format_path
from paymentaudit.model import Finding, ResourceKey

if TYPE_CHECKING:
    from paymentaudit.audit import AuditResult
    from paymentaudit.rules.base import Outcome
    from paymentaudit.snapshot import Snapshot

FINDING_COLUMNS = [
    "severity",
    "kind",
    "check",
    "service",
    "resource_type",
    "resource",
    "path",
    "expected",
    "actual",
    "baseline_value",
    "message",
    "remediation",
    "physical_id",
    "id",
]


def display(value: Any) -> str:
    """A value as the reports print it: JSON for structures, '' for absent."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def flatten(
    config: Mapping[str, Any], prefix: list[Any] | None = None
) -> Iterator[tuple[str, Any]]:
    """(dotted path, leaf value) pairs; lists are leaves."""
    prefix = prefix or []
    for key, value in config.items():
        path = [*prefix, key]
        if isinstance(value, Mapping) and value:
            yield from flatten(value, path)
        else:
            yield format_path(path), value


def resources_frame(snapshot: Snapshot) -> pd.DataFrame:
    """One row per resource."""
    rows = [
        {
            "service": r.service,
            "type": r.type,
            "logical_name": r.logical_name,
            "physical_id": r.physical_id,
            "region": r.region,
            "arn": r.arn,
            "errors": "; ".join(r.errors.values()),
        }
        for r in snapshot.resources
    ]
    columns = ["service", "type", "logical_name", "physical_id", "region", "arn", "errors"]
    return pd.DataFrame(rows, columns=columns)


def attributes_frame(snapshot: Snapshot) -> pd.DataFrame:
    """One row per (resource, attribute path): service, type, logical_name, path, value."""
    rows = [
        {
            "service": r.service,
            "type": r.type,
            "logical_name": r.logical_name,
            "path": path,
            "value": display(value),
        }
        for r in snapshot.resources
        for path, value in flatten(r.config)
    ]
    return pd.DataFrame(rows, columns=["service", "type", "logical_name", "path", "value"])


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """One row per finding; structured values shown as JSON text."""
    rows = []
    for f in findings:
        row = f.to_dict()
        for key in ("expected", "actual", "baseline_value"):
            row[key] = display(row[key])
        rows.append(row)
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def outcomes_frame(outcomes: Iterable[Outcome]) -> pd.DataFrame:
    """One row per rule outcome."""
    rows = [
        {
            "rule": o.rule,
            "status": o.status.value,
            "service": o.service,
            "resource_type": o.resource_type,
            "resource": o.resource,
            "path": o.path,
            "message": o.message,
        }
        for o in outcomes
    ]
    columns = ["rule", "status", "service", "resource_type", "resource", "path", "message"]
    return pd.DataFrame(rows, columns=columns)


def side_by_side(result: AuditResult, service: str | None = None) -> pd.DataFrame:
    """Compared attributes per resource: baseline | target (| desired), and ``differs``."""
    sides = [s for s in ("desired", "baseline", "target") if s in result.normalized]
    keys: dict[ResourceKey, None] = {}
    for side in sides:
        keys.update(dict.fromkeys(result.normalized[side]))
    services = {}
    for snap in (result.target, result.baseline):
        if snap is not None:
            services.update({r.key: r.service for r in snap.resources})
    desired = result.normalized.get("desired", {})
    for key in desired:
        services.setdefault(key, key.type.split(".", 1)[0])
    rows = []
    for key in sorted(keys, key=lambda k: (k.type, k.logical_name)):
        svc = services.get(key, key.type.split(".", 1)[0])
        if service is not None and svc != service:
            continue
        flat = {side: dict(flatten(result.normalized[side].get(key) or {})) for side in sides}
        present = {side: key in result.normalized[side] for side in sides}
        paths = dict.fromkeys(p for side in sides for p in flat[side])
        for path in paths:
            row = {"service": svc, "type": key.type, "resource": key.logical_name, "path": path}
            values = []
            for side in sides:
                value = flat[side].get(path) if present[side] else None
                row[side] = display(value) if present[side] else "(absent)"
                values.append(row[side])
            row["differs"] = len(set(values)) > 1
            rows.append(row)
    columns = ["service", "type", "resource", "path", *sides, "differs"]
    return pd.DataFrame(rows, columns=columns)
