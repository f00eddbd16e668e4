"""New, unchanged, updated, fixed: this run's findings against the previous report's.

A finding's identity is its check, resource type, logical name and path (``Finding.identity``),
never a physical id, so it is stable across redeployments. Two findings are the same problem
when any of their parts share an identity (a v1 report's parity twin is the same problem as
this run's merged rule finding). ``updated``: the same problem with another severity or value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from paymentaudit.findings.result import AuditResult
from paymentaudit.model import BaselineState, Finding, canonical_json

Identity = tuple[str, str, str, str]


def identities(finding: Finding) -> set[Identity]:
    """The identities of a finding and of each of its parts."""
    out = {finding.identity}
    for part in finding.parts:
        rtype = part.resource_type or finding.resource_type
        resource = part.resource or finding.resource
        out.add((part.check, rtype, resource, part.path))
    return out


def _same_values(a: Finding, b: Finding) -> bool:
    return a.severity is b.severity and canonical_json(a.actual) == canonical_json(b.actual)


def compare_runs(
    findings: Iterable[Finding], previous: Iterable[Finding]
) -> tuple[list[Finding], list[Finding]]:
    """This run's findings with their baseline state, and the previous findings now gone."""
    earlier = list(previous)
    index: dict[Identity, int] = {}
    for i, old in enumerate(earlier):
        for key in identities(old):
            index.setdefault(key, i)
    matched: set[int] = set()
    out = []
    for finding in findings:
        hits = sorted({index[k] for k in identities(finding) if k in index})
        if not hits:
            out.append(replace(finding, baseline_state=BaselineState.NEW))
            continue
        matched.update(hits)
        same = any(_same_values(finding, earlier[i]) for i in hits)
        state = BaselineState.UNCHANGED if same else BaselineState.UPDATED
        out.append(replace(finding, baseline_state=state))
    fixed = [old for i, old in enumerate(earlier) if i not in matched]
    return out, fixed


def against_previous(result: AuditResult, doc: Mapping[str, Any], where: str) -> None:
    """Give the result's findings their state against a previous findings.json (v1 or v2)."""
    previous = [Finding.from_dict(f) for f in doc.get("findings", [])]
    result.findings, result.fixed = compare_runs(result.findings, previous)
    result.previous = {
        "generated_at": doc.get("generated_at"),
        "report_dir": where,
        "verdict": doc.get("verdict"),
        "score": doc.get("score"),
    }


def since_line(result: AuditResult) -> str:
    """ "3 new, 2 fixed since 2026-11-28T06:17Z" (empty without a previous report)."""
    if result.previous is None:
        return ""
    states = result.states
    when = str(result.previous.get("generated_at") or "")
    if len(when) >= 16 and when[10] == "T":
        when = when[:16] + "Z"
    extra = [f"{states[k]} {k}" for k in ("updated",) if states.get(k)]
    parts = [f"{states['new']} new", *extra, f"{states['fixed']} fixed"]
    return f"{', '.join(parts)} since {when}"
