"""From snapshots to findings: parity, readiness rules, policy, verdict and score."""

from __future__ import annotations

import fnmatch
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from paymentaudit import rules as rule_registry
from paymentaudit.compare import PairDiff, pair, without
from paymentaudit.model import Coverage, Finding, Kind, Resource, ResourceKey, Severity, Status
from paymentaudit.normalize import normalize_snapshot
from paymentaudit.policy import Policy
from paymentaudit.rules.base import UNREADABLE, Outcome, Rule, RuleContext
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
        "Make the target match the tested baseline, or declare the difference as expected "
        "in the policy file ([[expected]])."
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


# -- building findings ---------------------------------------------------------------------


def governing_rule(
    rules: Sequence[Rule], resource_type: str, path: str, config: Mapping[str, Any] | None = None
) -> Rule | None:
    """The first rule that governs an attribute (its severity applies to differences there)."""
    return next((r for r in rules if r.governs_path(resource_type, path, config)), None)


def low_impact(path: str) -> bool:
    """True for attributes whose differences are low by default (tags, descriptions...)."""
    return any(fnmatch.fnmatchcase(path, p) for p in LOW_IMPACT_PATHS)


def change_severity(
    rules: Sequence[Rule],
    policy: Policy,
    resource_type: str,
    path: str,
    before: Any,
    after: Any,
    *,
    kind: str = "parity",
    config: Mapping[str, Any] | None = None,
) -> tuple[Severity, str, str]:
    """(severity, note, remediation) of a changed attribute: the governing rule's severity
    (info when ``after`` is stricter), else the kind's default; remediation '' without a rule.
    Shared by parity, drift and since findings."""
    rule = governing_rule(rules, resource_type, path, config)
    if rule is None:
        default = Severity.LOW if low_impact(path) else Severity.MEDIUM
        return policy.severity_for_kind(kind, default), "", ""
    if rule.stricter(path, before, after):
        return Severity.INFO, f" (target stricter under {rule.id})", rule.remediation
    severity = policy.severity_for_rule(rule.id, rule.severity)
    return severity, f" (governed by {rule.id})", rule.remediation


def _resource_index(snapshot: Snapshot | None) -> dict[ResourceKey, Resource]:
    return {} if snapshot is None else snapshot.by_key()


def parity_findings(
    diffs: Iterable[PairDiff],
    baseline: Snapshot,
    target: Snapshot,
    rules: Sequence[Rule],
    policy: Policy,
) -> list[Finding]:
    """Findings of kind parity, missing and unexpected."""
    base_res, target_res = _resource_index(baseline), _resource_index(target)
    blind = baseline.failed_services() | target.failed_services()
    out = []
    for diff in diffs:
        key = diff.key
        res = target_res.get(key) or base_res[key]
        if diff.status == "missing":
            if res.service in blind:
                continue
            physical = res.physical_id
            if physical.endswith("-" + baseline.suffix):
                physical = physical[: -len(baseline.suffix)] + target.suffix
            out.append(
                _finding(
                    Kind.MISSING,
                    "parity",
                    policy.severity_for_kind("missing", Severity.HIGH),
                    res,
                    physical,
                    "",
                    "present",
                    None,
                    "present",
                    f"{key.type} {key.logical_name} exists in {baseline.suffix} "
                    f"({res.physical_id}) but not in {target.suffix}",
                    DEFAULT_REMEDIATION[Kind.MISSING],
                )
            )
        elif diff.status == "unexpected":
            if res.service in blind:
                continue
            out.append(
                _finding(
                    Kind.UNEXPECTED,
                    "parity",
                    policy.severity_for_kind("unexpected", Severity.LOW),
                    res,
                    res.physical_id,
                    "",
                    None,
                    "present",
                    None,
                    f"{key.type} {key.logical_name} exists in {target.suffix} only",
                    DEFAULT_REMEDIATION[Kind.UNEXPECTED],
                )
            )
        else:
            for change in diff.changes:
                severity, note, remediation = change_severity(
                    rules,
                    policy,
                    key.type,
                    change.path,
                    change.baseline,
                    change.target,
                    config=res.config,
                )
                out.append(
                    _finding(
                        Kind.PARITY,
                        "parity",
                        severity,
                        res,
                        res.physical_id,
                        change.path,
                        change.baseline,
                        change.target,
                        change.baseline,
                        f"{change.path}: {short(change.baseline)} in {baseline.suffix}, "
                        f"{short(change.target)} in {target.suffix}{note}",
                        remediation or DEFAULT_REMEDIATION[Kind.PARITY],
                    )
                )
    return out


def short(value: Any, limit: int = 80) -> str:
    """A value as JSON, cut to ``limit`` characters for messages."""
    text = json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _finding(
    kind: Kind,
    check: str,
    severity: Severity,
    res: Resource,
    physical_id: str,
    path: str,
    expected: Any,
    actual: Any,
    baseline_value: Any,
    message: str,
    remediation: str,
) -> Finding:
    return Finding(
        id=finding_id(kind.value, check, res.type, res.logical_name, path),
        kind=kind,
        check=check,
        severity=severity,
        service=res.service,
        resource_type=res.type,
        resource=res.logical_name,
        physical_id=physical_id,
        path=path,
        expected=expected,
        actual=actual,
        baseline_value=baseline_value,
        message=message,
        remediation=remediation,
    )


def evaluate_rules(target: Snapshot, rules: Sequence[Rule]) -> list[Outcome]:
    """Every rule's outcomes on the target."""
    ctx = RuleContext(target)
    outcomes: list[Outcome] = []
    for rule in rules:
        outcomes.extend(rule.evaluate(ctx))
    return outcomes


def policy_findings(
    outcomes: Iterable[Outcome],
    rules: Mapping[str, Rule],
    baseline_norm: Mapping[ResourceKey, Mapping[str, Any]],
    policy: Policy,
) -> list[Finding]:
    """Findings of kind policy, one per failed outcome."""
    out = []
    for o in outcomes:
        if o.status is not Status.FAIL:
            continue
        rule = rules[o.rule]
        severity = policy.severity_for_rule(rule.id, o.severity or rule.severity)
        base_cfg = baseline_norm.get(ResourceKey(o.resource_type, o.resource))
        base_value = None
        if base_cfg is not None and o.path:
            base_value = base_cfg.get(o.path.split(".", 1)[0].split("[", 1)[0])
        out.append(
            Finding(
                id=finding_id("policy", rule.id, o.resource_type, o.resource, o.path),
                kind=Kind.POLICY,
                check=rule.id,
                severity=severity,
                service=o.service,
                resource_type=o.resource_type,
                resource=o.resource,
                physical_id=o.physical_id,
                path=o.path,
                expected=o.expected,
                actual=o.actual,
                baseline_value=base_value,
                message=o.message,
                remediation=rule.remediation,
            )
        )
    return out


def apply_policy(findings: Iterable[Finding], policy: Policy) -> tuple[list[Finding], int]:
    """Drop ignored findings and turn expected differences into info; returns (kept, ignored)."""
    kept, ignored = [], 0
    for f in findings:
        if policy.ignored(f):
            ignored += 1
            continue
        expectation = policy.expectation(f)
        if expectation is not None:
            reason = expectation.matcher.reason or "declared in the policy"
            f = _with(f, severity=Severity.INFO, message=f"{f.message} (expected: {reason})")
        kept.append(f)
    return kept, ignored


def _with(f: Finding, **changes: Any) -> Finding:
    from dataclasses import replace

    return replace(f, **changes)


def comparable(
    baseline: dict[ResourceKey, dict[str, Any]],
    target: dict[ResourceKey, dict[str, Any]],
    base_snap: Snapshot,
    target_snap: Snapshot,
) -> tuple[dict[ResourceKey, dict[str, Any]], dict[ResourceKey, dict[str, Any]]]:
    """Drop, pairwise, what only one side could read: unread attributes, unknown tags."""
    base_res, target_res = base_snap.by_key(), target_snap.by_key()
    b_out, t_out = dict(baseline), dict(target)
    for key in baseline.keys() & target.keys():
        drop = set(base_res[key].errors) | set(target_res[key].errors)
        if drop & set(UNREADABLE):  # nothing of that side was read: compare nothing
            drop |= set(baseline[key]) | set(target[key])
        if base_res[key].tags is None or target_res[key].tags is None:
            drop.add("tags")
        if drop:
            b_out[key] = without(baseline[key], drop)
            t_out[key] = without(target[key], drop)
    return b_out, t_out


def audit(
    baseline: Snapshot | None,
    target: Snapshot,
    *,
    policy: Policy | None = None,
    fail_on: Severity | str = Severity.HIGH,
    run_rules: bool = True,
    desired: Snapshot | None = None,
    since: Snapshot | None = None,
) -> AuditResult:
    """Compare target with baseline, evaluate the rules on the target, apply the policy.

    With ``desired`` (the synthesized stack or a state file), drift findings compare it
    with the target too; with ``since`` (an earlier snapshot of the target), drift
    findings report what changed since then.
    """
    policy = policy or Policy()
    fail_on = Severity.parse(fail_on) if isinstance(fail_on, str) else fail_on
    active = [r for r in rule_registry.all_rules() if r.id not in policy.disabled]
    by_id = {r.id: r for r in active}
    target_norm = normalize_snapshot(target)
    findings: list[Finding] = []
    pairs: list[PairDiff] = []
    normalized = {"target": target_norm}
    base_norm: dict[ResourceKey, dict[str, Any]] = {}
    if baseline is not None:
        base_norm = normalize_snapshot(baseline)
        normalized["baseline"] = base_norm
        b_cmp, t_cmp = comparable(base_norm, target_norm, baseline, target)
        pairs = list(pair(b_cmp, t_cmp))
        findings.extend(parity_findings(pairs, baseline, target, active, policy))
    outcomes = evaluate_rules(target, active) if run_rules else []
    findings.extend(policy_findings(outcomes, by_id, base_norm, policy))
    kept, ignored = apply_policy(findings, policy)
    from paymentaudit.model import sort_findings

    result = AuditResult(
        target=target,
        baseline=baseline,
        findings=sort_findings(kept),
        outcomes=outcomes,
        pairs=pairs,
        fail_on=fail_on,
        normalized=normalized,
        ignored=ignored,
        sources={
            "target": _source(target),
            **({"baseline": _source(baseline)} if baseline else {}),
        },
    )
    if desired is not None or since is not None:
        from paymentaudit.desired.drift import add_desired, add_since

        if desired is not None:
            add_desired(result, desired, policy=policy, rules=active)
        if since is not None:
            add_since(result, since, policy=policy, rules=active)
        result.findings = sort_findings(result.findings)
    return result


def _source(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "suffix": snapshot.suffix,
        "source": snapshot.source,
        "resources": len(snapshot.resources),
    }
