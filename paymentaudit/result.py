"""The outcome of an audit: findings, rule outcomes, coverage, verdict and score."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from paymentaudit.compare import PairDiff
from paymentaudit.model import Coverage, Finding, Kind, ResourceKey, Severity, Status
from paymentaudit.rules.base import Outcome
from paymentaudit.snapshot import Snapshot, now_iso

if TYPE_CHECKING:
    import pandas as pd

FINDINGS_SCHEMA = "paymentaudit/findings/v1"
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

# Parity severities of attributes no rule governs, where medium would overstate them.
LOW_IMPACT_PATHS = ("tags", "tags.*", "description", "preferred_backup_window")

DEFAULT_REMEDIATION = {
    Kind.PARITY: (
        "Make the target match the tested baseline, or declare the difference as expected: "
        "an [[expected]] entry in the policy file (--policy FILE, or "
        "[[tool.paymentaudit.expected]] in pyproject.toml)."
    ),
    Kind.MISSING: "Deploy the resource to the target (it exists in the baseline).",
    Kind.UNEXPECTED: "Remove the resource, or add it to the baseline if it is intended.",
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
    ignored: int = 0
    sources: dict[str, Any] = field(default_factory=dict)
    generated_at: str = field(default_factory=now_iso)

    # -- verdict --------------------------------------------------------------------------

    @property
    def counts(self) -> dict[str, int]:
        """Findings per severity (every severity present, zero or not)."""
        tally = Counter(f.severity.value for f in self.findings)
        return {s.value: tally.get(s.value, 0) for s in Severity}

    @property
    def blocking(self) -> list[Finding]:
        """Findings at or above --fail-on."""
        return [f for f in self.findings if f.severity.at_least(self.fail_on)]

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

    # -- frames -----------------------------------------------------------------------------

    def findings_frame(self) -> pd.DataFrame:
        """Findings as a DataFrame, in findings.json order."""
        from paymentaudit.frames import findings_frame

        return findings_frame(self.findings)

    def outcomes_frame(self) -> pd.DataFrame:
        """Every rule outcome (pass, fail, not evaluated)."""
        from paymentaudit.frames import outcomes_frame

        return outcomes_frame(self.outcomes)

    def side_by_side(self, service: str | None = None) -> pd.DataFrame:
        """Compared attributes, baseline | target, with a ``differs`` column."""
        from paymentaudit.frames import side_by_side

        return side_by_side(self, service)

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
            "findings": [f.to_dict(with_desired=with_desired) for f in self.findings],
        }
        if self.sources:
            out["sources"] = self.sources
        if self.ignored:
            out["ignored"] = self.ignored
        return out
