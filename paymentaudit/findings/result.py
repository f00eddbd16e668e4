"""The outcome of an audit: findings, rule outcomes, coverage, verdict and score."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from paymentaudit.compare import PairDiff
from paymentaudit.findings.problems import Suppressed
from paymentaudit.model import (
    BaselineState,
    Coverage,
    Finding,
    NotCompared,
    ResourceKey,
    Severity,
    Status,
)
from paymentaudit.policy import Matcher
from paymentaudit.rules.base import Outcome
from paymentaudit.snapshots import Snapshot, now_iso

FINDINGS_SCHEMA = "paymentaudit/findings/v2"
FINDINGS_SCHEMA_V1 = "paymentaudit/findings/v1"  # still read (report DIR renders it)
MODE_ALL, MODE_NEW = "all", "new-only"
READY, NOT_READY, INCOMPLETE = "READY", "NOT READY", "INCOMPLETE"

# Score: each finding costs these points (info nothing); the score is 100 * K / (K + points),
# so it is 100 exactly when nothing is above info, and falls smoothly without hitting 0.
SCORE_K = 100
SCORE_WEIGHTS = {
    Severity.CRITICAL: 25,
    Severity.HIGH: 10,
    Severity.MEDIUM: 4,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


def finding_id(kind: str, check: str, resource_type: str, resource: str, path: str) -> str:
    """A stable id: a hash of kind, check, resource and path."""
    text = "|".join((kind, check, resource_type, resource, path))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def score(findings: Iterable[Finding]) -> int:
    """0-100: 100 * K / (K + weighted findings); 100 exactly when none is above info."""
    points = sum(SCORE_WEIGHTS[f.severity] for f in findings)
    if points == 0:
        return 100
    return min(99, round(100 * SCORE_K / (SCORE_K + points)))


@dataclass
class AuditResult:
    """Everything one audit found, and the frames the reports show."""

    target: Snapshot
    baseline: Snapshot | None
    findings: list[Finding]
    outcomes: list[Outcome]
    pairs: list[PairDiff]
    fail_on: Severity
    normalized: dict[str, dict[ResourceKey, dict[str, Any]]] = field(default_factory=dict)
    desired: Snapshot | None = None
    sources: dict[str, Any] = field(default_factory=dict)
    generated_at: str = field(default_factory=now_iso)
    not_compared: list[NotCompared] = field(default_factory=list)
    unpaired: list[ResourceKey] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    unused_ignores: list[Matcher] = field(default_factory=list)
    # Against the previous report of the same target and baseline: its time and directory,
    # and the findings it had that are gone (fixed).
    previous: dict[str, Any] | None = None
    fixed: list[Finding] = field(default_factory=list)
    mode: str = MODE_ALL  # "new-only": only new findings at or above fail_on block
    # The target's runs so far (from the history), this one last: the report's trend chart.
    trend: list[dict[str, Any]] = field(default_factory=list)

    # -- verdict --------------------------------------------------------------------------

    @property
    def counts(self) -> dict[str, int]:
        """Findings per severity (every severity present, zero or not)."""
        tally = Counter(f.severity.value for f in self.findings)
        return {s.value: tally.get(s.value, 0) for s in Severity}

    @property
    def blocking(self) -> list[Finding]:
        """Findings at or above --fail-on (only the new ones, with --fail-on-new)."""
        return [
            f
            for f in self.findings
            if f.severity.at_least(self.fail_on)
            and (self.mode != MODE_NEW or f.baseline_state in (None, BaselineState.NEW))
        ]

    @property
    def ignored(self) -> int:
        """How many findings the policy's [[ignore]] entries suppressed."""
        return len(self.suppressed)

    @property
    def verdict_text(self) -> str:
        """The verdict as people read it: with --fail-on-new, "NOT READY (new findings only)"."""
        if self.mode == MODE_NEW and self.verdict != INCOMPLETE:
            return f"{self.verdict} (new findings only)"
        return self.verdict

    @property
    def states(self) -> dict[str, int]:
        """Findings by baseline state, and the fixed ones (empty without a previous report)."""
        if self.previous is None:
            return {}
        tally = Counter(str(f.baseline_state) for f in self.findings if f.baseline_state)
        return {
            "new": tally.get("new", 0),
            "unchanged": tally.get("unchanged", 0),
            "updated": tally.get("updated", 0),
            "fixed": len(self.fixed),
        }

    def suppressed_by_reason(self) -> dict[str, int]:
        """How many findings each waiver reason suppressed."""
        return dict(Counter(s.matcher.reason for s in self.suppressed).most_common())

    @property
    def suppressed_text(self) -> str:
        """ "13 suppressed by policy: 10 "accepted until Q3", 3 "sandbox only"" (empty when
        the policy waived nothing)."""
        if not self.suppressed:
            return ""
        reasons = ", ".join(f'{n} "{why}"' for why, n in self.suppressed_by_reason().items())
        return f"{len(self.suppressed)} suppressed by policy: {reasons}"

    @property
    def accounts_text(self) -> str:
        """ "target prod-abc123 in 222222222222 (us-east-1), baseline dev in 111111111111"."""
        sides = [("target", self.target), ("baseline", self.baseline)]
        return ", ".join(
            f"{label} {snap.suffix} in {snap.account_id or 'an unknown account'} ({snap.region})"
            for label, snap in sides
            if snap is not None
        )

    @property
    def coverage(self) -> list[Coverage]:
        """Per service: ok only when both sides were read completely."""
        merged: dict[str, Coverage] = {}
        sides = [s for s in (self.target, self.baseline) if s is not None]
        for side in sides:
            for cov in side.coverage:
                prev = merged.get(cov.service)
                error = f"{side.suffix}: {cov.error}" if cov.error else None
                if prev is None:
                    resources = cov.resources if side is self.target else 0
                    merged[cov.service] = Coverage(cov.service, cov.status, resources, error)
                    continue
                status = "error" if "error" in (prev.status, cov.status) else "ok"
                errors = "; ".join(e for e in (prev.error, error) if e) or None
                resources = prev.resources + (cov.resources if side is self.target else 0)
                merged[cov.service] = Coverage(cov.service, status, resources, errors)
        return list(merged.values())

    @property
    def not_evaluated(self) -> list[Outcome]:
        """Rule outcomes that could not be evaluated."""
        return [o for o in self.outcomes if o.status is Status.NOT_EVALUATED]

    @property
    def incomplete(self) -> bool:
        """True when something could not be read or evaluated."""
        return any(c.status != "ok" for c in self.coverage) or bool(self.not_evaluated)

    @property
    def verdict(self) -> str:
        """NOT READY when a finding blocks, else INCOMPLETE when blind somewhere, else READY."""
        if self.blocking:
            return NOT_READY
        return INCOMPLETE if self.incomplete else READY

    @property
    def ready(self) -> bool:
        """True only for the READY verdict."""
        return self.verdict == READY

    @property
    def score(self) -> int:
        """See :func:`score`."""
        return score(self.findings)

    # -- findings.json -----------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The findings.json document (schema ``paymentaudit/findings/v1``)."""
        with_desired = "desired" in self.sources
        out: dict[str, Any] = {
            "schema": FINDINGS_SCHEMA,
            "target": self.target.suffix,
            "baseline": self.baseline.suffix if self.baseline else None,
            "region": self.target.region,
            "generated_at": self.generated_at,
            "ready": self.ready,
            "verdict": self.verdict,
            "score": self.score,
            "fail_on": self.fail_on.value,
            "counts": self.counts,
            "coverage": [c.to_dict() for c in self.coverage],
            "not_evaluated": [
                {
                    "check": o.rule,
                    "service": o.service,
                    "resource_type": o.resource_type,
                    "resource": o.resource,
                    "reason": o.message,
                }
                for o in self.not_evaluated
            ],
            "not_compared": [n.to_dict() for n in self.not_compared],
            "unpaired": [
                {"resource_type": k.type, "resource": k.logical_name} for k in self.unpaired
            ],
            "mode": self.mode,
            "findings": [f.to_dict(with_desired=with_desired) for f in self.findings],
            "suppressed": [s.to_dict(with_desired) for s in self.suppressed],
            "unused_ignores": [m.describe() for m in self.unused_ignores],
            "outcomes": [outcome_dict(o) for o in self.outcomes],
            "pairs": [
                {"resource_type": p.key.type, "resource": p.key.logical_name, "status": p.status}
                for p in self.pairs
            ],
        }
        if self.sources:
            out["sources"] = self.sources
        if self.suppressed:
            out["ignored"] = len(self.suppressed)
        if self.trend:
            out["trend"] = self.trend
        if self.previous is not None:
            out["previous"] = self.previous
            out["states"] = self.states
            out["fixed"] = [f.to_dict(with_desired=with_desired) for f in self.fixed]
        return out


def outcome_dict(outcome: Outcome) -> dict[str, Any]:
    """JSON form of a rule outcome (findings.json ``outcomes`` entry)."""
    return {
        "check": outcome.rule,
        "status": outcome.status.value,
        "service": outcome.service,
        "resource_type": outcome.resource_type,
        "resource": outcome.resource,
        "physical_id": outcome.physical_id,
        "path": outcome.path,
        "message": outcome.message,
        **({"severity": outcome.severity.value} if outcome.severity else {}),
    }


def outcome_from_dict(data: dict[str, Any]) -> Outcome:
    """Inverse of :func:`outcome_dict` (expected and actual values are not kept)."""
    return Outcome(
        rule=data["check"],
        status=Status(data["status"]),
        service=data["service"],
        resource_type=data.get("resource_type", ""),
        resource=data.get("resource", ""),
        physical_id=data.get("physical_id", ""),
        path=data.get("path", ""),
        message=data.get("message", ""),
        severity=Severity(data["severity"]) if data.get("severity") else None,
    )
