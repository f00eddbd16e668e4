"""From snapshots to findings: parity, readiness rules, policy, verdict and score."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from paymentaudit import rules as rule_registry
from paymentaudit.changes import describe
from paymentaudit.compare import PairDiff, pair, without
from paymentaudit.model import Finding, Kind, Resource, ResourceKey, Severity, Status
from paymentaudit.normalize import no_cycle_collection, normalize_snapshot
from paymentaudit.policy import Policy
from paymentaudit.result import (
    DEFAULT_REMEDIATION,
    FINDINGS_SCHEMA,
    INCOMPLETE,
    LOW_IMPACT_PATHS,
    NOT_READY,
    READY,
    SCORE_WEIGHTS,
    AuditResult,
    finding_id,
    score,
)
from paymentaudit.rules.base import UNREADABLE, Outcome, Rule, RuleContext
from paymentaudit.snapshot import Snapshot

__all__ = [
    "DEFAULT_REMEDIATION",
    "FINDINGS_SCHEMA",
    "INCOMPLETE",
    "NOT_READY",
    "READY",
    "SCORE_WEIGHTS",
    "AuditResult",
    "audit",
    "change_severity",
    "comparable",
    "evaluate_rules",
    "finding_id",
    "score",
]
# -- building findings ---------------------------------------------------------------------


def governing_rule(
    rules: Sequence[Rule], resource_type: str, path: str, resource: Resource | None = None
) -> Rule | None:
    """The first rule that governs an attribute (its severity applies to differences there)."""
    return next((r for r in rules if r.governs_path(resource_type, path, resource)), None)


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
    resource: Resource | None = None,
) -> tuple[Severity, str, str]:
    """(severity, note, remediation) of a changed attribute: the governing rule's severity
    (info when ``after`` is stricter), else the kind's default; remediation '' without a rule.
    Shared by parity, drift and since findings."""
    rule = governing_rule(rules, resource_type, path, resource)
    default = Severity.LOW if low_impact(path) else Severity.MEDIUM
    if rule is None:
        return policy.severity_for_kind(kind, default), "", ""
    if rule.stricter(path, before, after):
        return Severity.INFO, f" (target stricter under {rule.id})", rule.remediation
    graded = rule.change_severity(path, before, after, resource)
    if graded is None:
        note = f" (under {rule.id}, but no violation of it)"
        return policy.severity_for_kind(kind, default), note, rule.remediation
    return policy.severity_for_rule(rule.id, graded), f" (governed by {rule.id})", rule.remediation


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
                    resource=res,
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
                        describe(
                            change.path,
                            change.baseline,
                            change.target,
                            baseline.suffix,
                            target.suffix,
                        )
                        + note,
                        remediation or DEFAULT_REMEDIATION[Kind.PARITY],
                    )
                )
    return out


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
    unreadable = set(UNREADABLE)
    for key in baseline.keys() & target.keys():
        base, live = base_res[key], target_res[key]
        tags_unknown = base.tags is None or live.tags is None
        if not (base.errors or live.errors or tags_unknown):
            continue  # the common case: both sides read completely
        drop = set(base.errors) | set(live.errors)
        if drop & unreadable:  # nothing of that side was read: compare nothing
            drop |= set(baseline[key]) | set(target[key])
        if tags_unknown:
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
        with no_cycle_collection():
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
