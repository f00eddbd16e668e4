"""The audit: from snapshots to findings, once.

Normalize each side, compare (parity with the baseline, drift with the desired state, since an
earlier snapshot), evaluate the readiness rules on the target, then apply the policy's ignore
and expected entries to every finding in one place. The result is saved (findings.json plus the
snapshots) and every report is rendered from that: nothing downstream computes it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from paymentaudit import rules as rule_registry
from paymentaudit.compare import dig_path, strip_later
from paymentaudit.findings.differences import Compared, Comparison, differences
from paymentaudit.findings.result import AuditResult, finding_id
from paymentaudit.model import Finding, Kind, ResourceKey, Severity, Status, sort_findings
from paymentaudit.normalize import no_cycle_collection, normalize_snapshot
from paymentaudit.policy import Policy
from paymentaudit.rules.base import Outcome, Rule, RuleContext
from paymentaudit.snapshots import Snapshot

Configs = Mapping[ResourceKey, dict[str, Any]]


def evaluate_rules(ctx: RuleContext, rules: Sequence[Rule]) -> list[Outcome]:
    """Every rule's outcomes on the target."""
    outcomes: list[Outcome] = []
    for rule in rules:
        outcomes.extend(rule.evaluate(ctx))
    return outcomes


def policy_findings(
    outcomes: Iterable[Outcome],
    rules: Mapping[str, Rule],
    baseline_norm: Configs,
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
    """Drop ignored findings and turn expected differences into info; returns (kept, ignored).
    The one place the policy's ignore and expected entries apply, whatever made a finding."""
    kept, ignored = [], 0
    for f in findings:
        if policy.ignored(f):
            ignored += 1
            continue
        expectation = policy.expectation(f)
        if expectation is not None:
            reason = expectation.matcher.reason or "declared in the policy"
            f = replace(f, severity=Severity.INFO, message=f"{f.message} (expected: {reason})")
        kept.append(f)
    return kept, ignored


def fill_desired_values(findings: list[Finding], desired: Configs) -> list[Finding]:
    """Each finding on a resource the desired state declares, with its ``desired_value``."""
    out = []
    for f in findings:
        config = desired.get(ResourceKey(f.resource_type, f.resource))
        if f.desired_value is None and config is not None and f.path:
            f = replace(f, desired_value=dig_path(config, f.path))
        out.append(f)
    return out


def _source(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "suffix": snapshot.suffix,
        "source": snapshot.source,
        "resources": len(snapshot.resources),
    }


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
    """Compare ``target`` with ``baseline`` (parity), with ``desired`` (drift: the synthesized
    stack or a state file) and with ``since`` (an earlier snapshot of the target), evaluate the
    readiness rules on it, and apply the policy; the verdict and score follow."""
    policy = policy or Policy()
    fail_on = Severity.parse(fail_on) if isinstance(fail_on, str) else fail_on
    active = [r for r in rule_registry.all_rules() if r.id not in policy.disabled]
    by_id = {r.id: r for r in active}
    ctx = RuleContext(target)
    target_norm = normalize_snapshot(target, baseline, "baseline")
    normalized: dict[str, dict[ResourceKey, dict[str, Any]]] = {"target": target_norm}
    base_norm: dict[ResourceKey, dict[str, Any]] = {}
    sources: dict[str, Any] = {"target": _source(target)}
    compared: list[Compared] = []

    def run(kind: Comparison, reference: Snapshot, reference_norm: Configs) -> None:
        with no_cycle_collection():
            compared.append(
                differences(
                    kind,
                    reference,
                    target,
                    reference_norm,
                    target_norm,
                    rules=active,
                    policy=policy,
                    ctx=ctx,
                    baseline_norm=base_norm,
                )
            )

    if baseline is not None:
        base_norm = normalize_snapshot(baseline, target, "target")
        normalized["baseline"] = base_norm
        sources["baseline"] = _source(baseline)
        run(Comparison.PARITY, baseline, base_norm)
    desired_norm: dict[ResourceKey, dict[str, Any]] = {}
    if desired is not None:
        desired_norm = normalize_snapshot(desired)
        normalized["desired"] = {k: strip_later(v) for k, v in desired_norm.items()}
        sources["desired"] = {
            "source": desired.source,
            "path": desired.extra.get("path"),
            "resources": len(desired.resources),
            **({"cache": desired.extra["cache"]} if "cache" in desired.extra else {}),
            "not_compared": sorted(desired.extra.get("unmapped", {})),
        }
        run(Comparison.DRIFT, desired, desired_norm)
    if since is not None:
        sources["since"] = {
            "suffix": since.suffix,
            "source": since.source,
            "taken_at": since.taken_at,
            "resources": len(since.resources),
        }
        run(Comparison.SINCE, since, normalize_snapshot(since))
    outcomes = evaluate_rules(ctx, active) if run_rules else []
    found = [f for c in compared for f in c.findings]
    found.extend(policy_findings(outcomes, by_id, base_norm, policy))
    kept, ignored = apply_policy(found, policy)
    if desired is not None:
        kept = fill_desired_values(kept, normalized["desired"])
    parity = next((c for c in compared if c.comparison is Comparison.PARITY), None)
    return AuditResult(
        target=target,
        baseline=baseline,
        findings=sort_findings(kept),
        outcomes=outcomes,
        pairs=parity.pairs if parity else [],
        fail_on=fail_on,
        normalized=normalized,
        desired=desired,
        ignored=ignored,
        sources=sources,
        not_compared=[n for c in compared for n in c.not_compared],
        unpaired=[r.key for r in parity.unpaired] if parity else [],
    )
