"""A report directory on disk: where its files are, and loading it back for rendering.

``findings.json`` (the findings, rule outcomes, compared pairs, coverage, verdict inputs) and
``snapshots/`` (each environment's snapshot and ``compared.json``, the normalized
configurations that were compared) are the report's single source. :func:`load` reads them into
an :class:`AuditResult` for the notebook and ``report DIR``; it never runs the audit again.

Directories written before rule outcomes and compared configurations were saved (findings.json
without ``outcomes``) still render: for those the outcomes are re-evaluated from the saved
target snapshot and the configurations normalized again, both deterministic.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from paymentaudit.atomic import read_document
from paymentaudit.compare import PairDiff, strip_later
from paymentaudit.errors import InputError
from paymentaudit.findings.problems import Suppressed
from paymentaudit.findings.result import (
    FINDINGS_SCHEMA,
    FINDINGS_SCHEMA_V1,
    MODE_ALL,
    AuditResult,
    outcome_from_dict,
)
from paymentaudit.model import Finding, NotCompared, ResourceKey, Severity
from paymentaudit.policy import Matcher
from paymentaudit.snapshots import Snapshot
from paymentaudit.snapshots import load as load_snapshot

FINDINGS = "findings.json"
SNAPSHOTS = "snapshots"
COMPARED = "compared.json"
COMPARED_SCHEMA = "paymentaudit/compared/v1"
SCHEMAS = (FINDINGS_SCHEMA, FINDINGS_SCHEMA_V1)


def snapshot_path(directory: Path, suffix: str) -> Path:
    """Where a run directory keeps one environment's snapshot."""
    return directory / SNAPSHOTS / f"{suffix}.json"


def compared_document(result: AuditResult) -> dict[str, Any]:
    """The normalized configurations each side was compared with (compared.json)."""
    return {
        "schema": COMPARED_SCHEMA,
        "sides": {
            side: [
                {"type": key.type, "logical_name": key.logical_name, "config": config}
                for key, config in configs.items()
            ]
            for side, configs in result.normalized.items()
        },
    }


def read_findings(directory: str | os.PathLike[str]) -> dict[str, Any]:
    """findings.json of a report directory; InputError when absent, corrupt or another schema."""
    return read_document(Path(directory) / FINDINGS, SCHEMAS)


def _compared(directory: Path) -> dict[str, dict[ResourceKey, dict[str, Any]]] | None:
    path = directory / SNAPSHOTS / COMPARED
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return {
            side: {ResourceKey(r["type"], r["logical_name"]): r["config"] for r in rows}
            for side, rows in doc["sides"].items()
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: cannot read ({type(exc).__name__})") from None


def load(directory: str | os.PathLike[str]) -> AuditResult:
    """The saved result of a report directory, offline: never calls AWS, never re-audits."""
    directory = Path(directory)
    doc = read_findings(directory)
    target = load_snapshot(snapshot_path(directory, doc["target"]))
    baseline = None
    if doc.get("baseline"):
        baseline = load_snapshot(snapshot_path(directory, doc["baseline"]))
    desired_file = directory / SNAPSHOTS / "desired.json"
    desired = load_snapshot(desired_file) if desired_file.is_file() else None
    normalized = _compared(directory)
    if "outcomes" in doc:
        outcomes = [outcome_from_dict(o) for o in doc["outcomes"]]
    else:
        outcomes = _legacy_outcomes(target, doc)
    if normalized is None:
        normalized = _legacy_normalized(target, baseline, desired)
    pairs = [
        PairDiff(ResourceKey(p["resource_type"], p["resource"]), p["status"])
        for p in doc.get("pairs", [])
    ]
    return AuditResult(
        target=target,
        baseline=baseline,
        findings=[Finding.from_dict(f) for f in doc["findings"]],
        outcomes=outcomes,
        pairs=pairs or _legacy_pairs(normalized),
        fail_on=Severity(doc["fail_on"]),
        normalized=normalized,
        desired=desired,
        suppressed=[_suppressed(s) for s in doc.get("suppressed", [])],
        unused_ignores=[
            Matcher(u.get("patterns", {}), u.get("reason", ""), u.get("entry", ""))
            for u in doc.get("unused_ignores", [])
        ],
        previous=doc.get("previous"),
        fixed=[Finding.from_dict(f) for f in doc.get("fixed", [])],
        mode=doc.get("mode", MODE_ALL),
        trend=list(doc.get("trend", [])),
        sources=doc.get("sources", {}),
        generated_at=doc.get("generated_at", ""),
        not_compared=[NotCompared(**n) for n in doc.get("not_compared", [])],
        unpaired=[ResourceKey(u["resource_type"], u["resource"]) for u in doc.get("unpaired", [])],
    )


def _suppressed(data: dict[str, Any]) -> Suppressed:
    """A suppressed finding as saved (the entry that matched and its reason)."""
    matcher = Matcher({}, data.get("reason", ""), data.get("entry", ""))
    return Suppressed(Finding.from_dict(data["finding"]), matcher)


def _legacy_outcomes(target: Snapshot, doc: dict[str, Any]) -> list[Any]:
    """Rule outcomes of a directory written before they were saved (rules are deterministic)."""
    from paymentaudit import rules
    from paymentaudit.rules.base import RuleContext

    disabled = set((doc.get("sources") or {}).get("policy", {}).get("disabled", []))
    ctx = RuleContext(target)
    return [o for r in rules.all_rules() if r.id not in disabled for o in r.evaluate(ctx)]


def _legacy_normalized(
    target: Snapshot, baseline: Snapshot | None, desired: Snapshot | None
) -> dict[str, dict[ResourceKey, dict[str, Any]]]:
    """The configurations to show, for a directory written before compared.json existed."""
    from paymentaudit.normalize import normalize_snapshot

    out = {"target": normalize_snapshot(target, baseline, "baseline")}
    if baseline is not None:
        out["baseline"] = normalize_snapshot(baseline, target, "target")
    if desired is not None:
        out["desired"] = {k: strip_later(v) for k, v in normalize_snapshot(desired).items()}
    return out


def _legacy_pairs(normalized: dict[str, dict[ResourceKey, dict[str, Any]]]) -> list[PairDiff]:
    base, target = normalized.get("baseline"), normalized.get("target", {})
    if base is None:
        return []
    out = [
        PairDiff(k, "missing" if k not in target else "equal" if v == target[k] else "changed")
        for k, v in base.items()
    ]
    out.extend(PairDiff(k, "unexpected") for k in target if k not in base)
    return out
