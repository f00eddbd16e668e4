"""The audit: from snapshots to findings, once.

Normalize each side, compare (parity with the baseline, drift with the desired state, since an
earlier snapshot), evaluate the readiness rules on the target, merge what describes one problem
into one finding (``problems``), then apply the policy's ignore and expected entries to every
finding in one place. The result is saved (findings.json plus the snapshots) and every report
is rendered from that: nothing downstream computes it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from paymentaudit import rules as rule_registry
from paymentaudit.compare import dig_path, strip_later
from paymentaudit.findings.differences import Compared, Comparison, differences
from paymentaudit.findings.problems import apply_policy, merge, unused_ignores
from paymentaudit.findings.result import AuditResult, finding_id
from paymentaudit.model import Finding, Kind, ResourceKey, Severity, Status, sort_findings
from paymentaudit.normalize import no_cycle_collection, normalize_snapshot
from paymentaudit.phases import Phases, quiet
from paymentaudit.policy import Policy
from paymentaudit.rules.base import Outcome, Rule, RuleContext
from paymentaudit.snapshots import Snapshot

Configs = Mapping[ResourceKey, dict[str, Any]]


def evaluate_rules(ctx: RuleContext, rules: Sequence[Rule]) -> list[Outcome]:
    """Every rule's outcomes on the target (without the cycle collector: its full passes over
    a large snapshot would cost more than the rules)."""
    outcomes: list[Outcome] = []
    with no_cycle_collection():
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
    """Where an environment was read: its account, region and how it was reached."""
    return {
        "suffix": snapshot.suffix,
        "source": snapshot.source,
        "resources": len(snapshot.resources),
        "account": snapshot.account_id,
        "region": snapshot.region,
        "reached": snapshot.reached,
    }


@dataclass
class _Compared:
    """What the comparisons produced, for the rules and the merge that follow."""

    ctx: RuleContext
    compared: list[Compared] = field(default_factory=list)
    normalized: dict[str, dict[ResourceKey, dict[str, Any]]] = field(default_factory=dict)
    sources: dict[str, Any] = field(default_factory=dict)


def audit(
    baseline: Snapshot | None,
    target: Snapshot,
    *,
    policy: Policy | None = None,
    fail_on: Severity | str = Severity.HIGH,
    run_rules: bool = True,
    desired: Snapshot | None = None,
    since: Snapshot | None = None,
    phases: Phases | None = None,
) -> AuditResult:
    """Compare ``target`` with ``baseline`` (parity), with ``desired`` (drift: the synthesized
    stack or a state file) and with ``since`` (an earlier snapshot of the target), evaluate the
    readiness rules on it, and apply the policy; the verdict and score follow."""
    policy = policy or Policy()
    fail_on = Severity.parse(fail_on) if isinstance(fail_on, str) else fail_on
    active = [r for r in rule_registry.all_rules() if r.id not in policy.disabled]
    phase = phases or quiet()
    with phase("compare"):
        done = _compare(baseline, target, desired, since, policy, active)
    with phase("rules"):
        outcomes = evaluate_rules(done.ctx, active) if run_rules else []
        by_id = {r.id: r for r in active}
        parts = [f for c in done.compared for f in c.findings]
        parts.extend(policy_findings(outcomes, by_id, done.normalized.get("baseline", {}), policy))
        if desired is not None:
            parts = fill_desired_values(parts, done.normalized["desired"])
        known = {**(desired.by_key() if desired else {}), **(baseline.by_key() if baseline else {})}
        known.update(target.by_key())
        kept, suppressed = apply_policy(merge(parts, active, known.get), policy)
    parity = next((c for c in done.compared if c.comparison is Comparison.PARITY), None)
    return AuditResult(
        target=target,
        baseline=baseline,
        findings=sort_findings(kept),
        outcomes=outcomes,
        pairs=parity.pairs if parity else [],
        fail_on=fail_on,
        normalized=done.normalized,
        desired=desired,
        suppressed=suppressed,
        unused_ignores=unused_ignores(policy, suppressed),
        sources=done.sources,
        not_compared=[n for c in done.compared for n in c.not_compared],
        unpaired=[r.key for r in parity.unpaired] if parity else [],
    )


def _compare(
    baseline: Snapshot | None,
    target: Snapshot,
    desired: Snapshot | None,
    since: Snapshot | None,
    policy: Policy,
    active: Sequence[Rule],
) -> _Compared:
    """Normalize each side and run the comparisons: parity, drift, since."""
    done = _Compared(RuleContext(target))
    target_norm = normalize_snapshot(target, baseline, "baseline")
    done.normalized["target"] = target_norm
    done.sources["target"] = _source(target)
    base_norm: dict[ResourceKey, dict[str, Any]] = {}

    def run(kind: Comparison, reference: Snapshot, reference_norm: Configs) -> None:
        with no_cycle_collection():
            done.compared.append(
                differences(
                    kind,
                    reference,
                    target,
                    reference_norm,
                    target_norm,
                    rules=active,
                    policy=policy,
                    ctx=done.ctx,
                    baseline_norm=base_norm,
                )
            )

    if baseline is not None:
        base_norm = normalize_snapshot(baseline, target, "target")
        done.normalized["baseline"] = base_norm
        done.sources["baseline"] = _source(baseline)
        run(Comparison.PARITY, baseline, base_norm)
    if desired is not None:
        desired_norm = normalize_snapshot(desired)
        done.normalized["desired"] = {k: strip_later(v) for k, v in desired_norm.items()}
        done.sources["desired"] = {
            "source": desired.source,
            "path": desired.extra.get("path"),
            "resources": len(desired.resources),
            **({"cache": desired.extra["cache"]} if "cache" in desired.extra else {}),
            "not_compared": sorted(desired.extra.get("unmapped", {})),
        }
        run(Comparison.DRIFT, desired, desired_norm)
    if since is not None:
        done.sources["since"] = {
            "suffix": since.suffix,
            "source": since.source,
            "taken_at": since.taken_at,
            "resources": len(since.resources),
        }
        run(Comparison.SINCE, since, normalize_snapshot(since))
    return done
