"""pandas frames for notebooks and reports: resources, attributes, findings, side by side.

In a notebook::

    from paymentaudit import frames
    frames.resources_frame(prod)          # one row per resource of a snapshot
    frames.attributes_frame(prod)         # one row per (resource, attribute)
    frames.findings_frame(result.findings)
    frames.side_by_side(result, "rds")    # baseline | target (| desired), and ``differs``
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pandas as pd

from paymentaudit.compare import format_path
from paymentaudit.findings.result import AuditResult
from paymentaudit.model import Finding, ResourceKey
from paymentaudit.rules.base import Outcome
from paymentaudit.snapshots import Snapshot

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
            row: dict[str, Any] = {
                "service": svc,
                "type": key.type,
                "resource": key.logical_name,
                "path": path,
            }
            values = []
            for side in sides:
                value = flat[side].get(path) if present[side] else None
                row[side] = display(value) if present[side] else "(absent)"
                values.append(row[side])
            row["differs"] = len(set(values)) > 1
            rows.append(row)
    columns = ["service", "type", "resource", "path", *sides, "differs"]
    return pd.DataFrame(rows, columns=columns)


# -- presentation helpers (the readiness notebook) ------------------------------------------

SIDES = ("desired", "baseline", "target")


def row_differs(row: Mapping[str, Any], sides: Iterable[str]) -> bool:
    """True when baseline and target differ, or the desired state sets another value.

    An attribute the desired state does not set (shown as '') is not a difference.
    """
    sides = list(sides)
    live = [row[s] for s in sides if s != "desired"]
    if len(set(live)) > 1:
        return True
    desired = row.get("desired") if "desired" in sides else ""
    return bool(desired) and bool(live) and desired != live[-1]


def compact_side_by_side(frame: pd.DataFrame, max_rows: int | None = None) -> pd.DataFrame:
    """A side_by_side frame reduced to what differs: per resource, its differing attributes,
    then one row counting its equal attributes; a resource absent on a side is one row.

    Columns: type, resource, path, the sides, ``row`` and ``equal`` (the number of equal
    attributes on "equal" and "identical" rows). ``row`` is "differs" (an attribute),
    "presence" (the resource is absent on a side), "equal" (the count of a resource's other
    attributes) or "identical" (a resource without any difference). ``max_rows`` caps the
    "differs" rows; a last row of kind "more" then says how many were left out.
    """
    sides = [s for s in SIDES if s in frame.columns]
    columns = ["type", "resource", "path", *sides, "row", "equal"]
    rows: list[dict[str, Any]] = []
    shown = hidden = 0
    for (rtype, resource), group in frame.groupby(["type", "resource"], sort=False):
        absent = [s for s in sides if (group[s] == "(absent)").all()]
        if absent and len(absent) < len(sides):
            row = {"type": rtype, "resource": resource, "path": "(the resource)", "row": "presence"}
            for side in sides:
                row[side] = "(absent)" if side in absent else f"present ({len(group)} attributes)"
            rows.append({**row, "equal": 0})
            continue
        records: list[dict[str, Any]] = group.to_dict("records")  # type: ignore[assignment]
        differs = [r for r in records if row_differs(r, sides)]
        for record in differs:
            if max_rows is not None and shown >= max_rows:
                hidden += 1
                continue
            shown += 1
            rows.append(
                {
                    **{k: record[k] for k in ("type", "resource", "path", *sides)},
                    "row": "differs",
                    "equal": 0,
                }
            )
        equal = len(group) - len(differs)
        if equal:
            kind = "equal" if differs else "identical"
            label = (
                f"{equal} other attributes equal" if differs else f"all {equal} attributes equal"
            )
            row = {"type": rtype, "resource": resource, "path": label}
            rows.append({**row, **dict.fromkeys(sides, ""), "row": kind, "equal": equal})
    if hidden:
        rows.append(
            {
                "type": "",
                "resource": "",
                "path": f"{hidden} more differing attribute(s) not shown",
                **dict.fromkeys(sides, ""),
                "row": "more",
                "equal": 0,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def severity_counts(findings: Iterable[Finding], services: Iterable[str] = ()) -> pd.DataFrame:
    """Findings per service (rows, ``services`` first and always) and severity (columns)."""
    from paymentaudit.model import Severity

    order = list(dict.fromkeys(services))
    counts: dict[str, dict[str, int]] = {s: {} for s in order}
    for f in findings:
        row = counts.setdefault(f.service, {})
        row[f.severity.value] = row.get(f.severity.value, 0) + 1
    columns = [s.value for s in Severity]
    frame = pd.DataFrame.from_dict(counts, orient="index", columns=columns).fillna(0)
    return frame.astype(int)


def outcome_counts(outcomes: Iterable[Outcome]) -> pd.DataFrame:
    """Rule outcomes per service (rows) and status (columns pass, fail, not_evaluated)."""
    from paymentaudit.model import Status

    counts: dict[str, dict[str, int]] = {}
    for o in outcomes:
        row = counts.setdefault(o.service, {})
        row[o.status.value] = row.get(o.status.value, 0) + 1
    columns = [s.value for s in Status]
    return pd.DataFrame.from_dict(counts, orient="index", columns=columns).fillna(0).astype(int)


def target_health_frame(result: AuditResult) -> pd.DataFrame:
    """Registered targets of each target group, per environment: weight, target, state."""
    columns = ["environment", "target_group", "weight", "target", "state", "reason"]
    rows = []
    for snap in (result.baseline, result.target):
        if snap is None:
            continue
        weights: dict[str, Any] = {}
        for lb in snap.of_type("elbv2.load_balancer"):
            for listener in (lb.config.get("listeners") or {}).values():
                for action in listener.get("default_actions") or []:
                    weights.update(action.get("target_groups") or {})
        for tg in snap.of_type("elbv2.target_group"):
            targets = tg.config.get("targets")
            base = {
                "environment": snap.suffix,
                "target_group": tg.logical_name,
                "weight": weights.get(tg.arn, weights.get(tg.physical_id)),
            }
            if not targets:
                state = "not read" if targets is None else "no targets"
                rows.append({**base, "target": "", "state": state, "reason": ""})
            for target in targets or []:
                ident = str(target.get("id", ""))
                parts = ident.split(":", 5)
                short = parts[5] if ident.startswith("arn:") and len(parts) == 6 else ident
                rows.append(
                    {
                        **base,
                        "target": short,
                        "state": target.get("state") or "",
                        "reason": target.get("reason") or "",
                    }
                )
    return pd.DataFrame(rows, columns=columns)


def resource_differences(result: AuditResult, resource_type: str, resource: str) -> pd.DataFrame:
    """One resource's differing attributes, side by side, each with the findings the audit
    made there (severity, and the check and message of every part of their evidence: the
    rule's and the differences'): the audit's own diff and wording."""
    frame = side_by_side(result)
    rows = frame[(frame["type"] == resource_type) & (frame["resource"] == resource)]
    rows = rows[rows["differs"]].drop(columns=["differs"])
    found = [
        f for f in result.findings if (f.resource_type, f.resource) == (resource_type, resource)
    ]

    def about(path: str) -> list[Finding]:
        return [
            f
            for f in found
            if not f.path or path == f.path or path.startswith((f"{f.path}.", f"{f.path}["))
        ]

    out = rows.assign(
        severity=[", ".join(sorted({f.severity.value for f in about(p)})) for p in rows["path"]],
        check=[
            ", ".join(sorted({part.check for f in about(p) for part in f.parts}))
            for p in rows["path"]
        ],
        message=[
            "; ".join(dict.fromkeys(part.message for f in about(p) for part in f.parts))
            for p in rows["path"]
        ],
    )
    return out.reset_index(drop=True)
