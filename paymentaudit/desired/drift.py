"""Drift findings: the desired state (code) against the live target, and the target against an
earlier snapshot of itself (``--since``).

Checks (all of kind ``drift``): ``drift`` (an attribute differs from the code),
``drift-missing`` (declared, not deployed), ``drift-unmanaged`` (deployed with the
environment's suffix, declared nowhere; what AWS creates by itself is left out) and ``since``
(changed since the earlier snapshot). Severities follow parity: the governing rule's (info
when the target is stricter than the reference under that rule), else medium (low for tags
and descriptions); missing high, unmanaged low. The policy's ``drift`` severity, its rule
overrides and its ``[[ignore]]`` entries apply. ``expected`` is the reference (code, or the
earlier snapshot), ``actual`` the target now, ``baseline_value`` the baseline's value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from paymentaudit import rules as rule_registry
from paymentaudit.audit import AuditResult, comparable
from paymentaudit.changes import describe
from paymentaudit.compare import diff_configs, pair
from paymentaudit.desired.project import (
    change_severity,
    dig_path,
    drift_finding,
    normalize_desired,
    project,
    sandbox_gap,
    strip_later,
)
from paymentaudit.model import Finding, Resource, ResourceKey, Severity
from paymentaudit.normalize import normalize_snapshot
from paymentaudit.policy import Policy
from paymentaudit.rules.base import Rule
from paymentaudit.snapshot import Snapshot

CHECK_CHANGED, CHECK_MISSING, CHECK_UNMANAGED, CHECK_SINCE = (
    "drift",
    "drift-missing",
    "drift-unmanaged",
    "since",
)
REMEDIATION = {
    CHECK_CHANGED: (
        "Apply the code (cdktf deploy / terraform apply) to restore the declared value, or, "
        "when the change is intended, make it in the code."
    ),
    CHECK_MISSING: "Deploy the stack (cdktf deploy), or remove the resource from the code.",
    CHECK_UNMANAGED: "Import the resource into the code (terraform import), or delete it.",
    CHECK_SINCE: "Confirm the change was intended; otherwise restore the earlier value.",
}
Configs = Mapping[ResourceKey, Mapping[str, Any]]


def aws_created(res: Resource, desired_keys: Mapping[ResourceKey, Any]) -> bool:
    """What AWS creates by itself in an environment, never reported unmanaged: the VPC's main
    route table and default security group, a declared function's own log group."""
    if res.type == "ec2.route_table" and res.config.get("main"):
        return True
    if res.type == "ec2.security_group" and res.logical_name == "default":
        return True
    if res.type == "logs.log_group" and res.logical_name.startswith("/aws/lambda/"):
        function = res.logical_name.removeprefix("/aws/lambda/")
        return ResourceKey("lambda.function", function) in desired_keys
    return False


def _presence(key: ResourceKey, configs: Configs) -> str | None:
    return "present" if key in configs else None


def _changes(
    key: ResourceKey,
    want: Mapping[str, Any],
    have: Mapping[str, Any],
    live: Resource,
    context: dict[str, Any],
) -> list[Finding]:
    """One ``drift`` finding per attribute where the target differs from the code."""
    target: Snapshot = context["target"]
    out = []
    for change in diff_configs(want, have):
        severity, note, remedy = change_severity(
            context["rules"],
            context["policy"],
            live,
            change.path,
            change.baseline,
            change.target,
        )
        if sandbox_gap(target, key.type, change.path):
            severity, note = Severity.INFO, " (the sandbox cannot hold this attribute)"
        out.append(
            drift_finding(
                CHECK_CHANGED,
                severity,
                live,
                change.path,
                expected=change.baseline,
                actual=change.target,
                baseline_value=dig_path(context["baseline"].get(key), change.path),
                desired_value=change.baseline,
                message=describe(
                    change.path, change.baseline, change.target, context["where"], target.suffix
                )
                + note,
                remediation=remedy or REMEDIATION[CHECK_CHANGED],
            )
        )
    return out


def desired_findings(
    desired: Snapshot,
    target: Snapshot,
    desired_norm: Configs,
    target_norm: Configs,
    baseline_norm: Configs,
    rules: Sequence[Rule],
    policy: Policy,
) -> list[Finding]:
    """Drift findings of the target against the desired state (before ``[[ignore]]``)."""
    d_cmp, t_cmp = comparable(dict(desired_norm), dict(target_norm), desired, target)
    d_res, t_res = desired.by_key(), target.by_key()
    blind = target.failed_services()
    where = f"the code ({desired.source})"
    context = {
        "target": target,
        "rules": rules,
        "policy": policy,
        "baseline": baseline_norm,
        "where": where,
    }
    out: list[Finding] = []
    for key, d_config in d_cmp.items():
        if key in t_cmp:
            want, have = project(d_config, t_cmp[key], top=True)
            if want != have:
                out.extend(_changes(key, want, have, t_res[key], context))
            continue
        res = d_res[key]
        if res.service in blind:
            continue
        out.append(
            drift_finding(
                CHECK_MISSING,
                policy.severity_for_kind("drift", Severity.HIGH),
                res,
                "",
                expected="present",
                actual=None,
                baseline_value=_presence(key, baseline_norm),
                desired_value="present",
                message=f"{key.type} {key.logical_name} is declared in {where} "
                f"but not deployed in {target.suffix}",
                remediation=REMEDIATION[CHECK_MISSING],
            )
        )
    for key in t_cmp:
        res = t_res[key]
        if key in d_cmp or res.service in blind or aws_created(res, d_cmp):
            continue
        out.append(
            drift_finding(
                CHECK_UNMANAGED,
                policy.severity_for_kind("drift", Severity.LOW),
                res,
                "",
                expected=None,
                actual="present",
                baseline_value=_presence(key, baseline_norm),
                desired_value=None,
                message=f"{key.type} {key.logical_name} exists in {target.suffix} "
                f"({res.physical_id}) but is declared nowhere in {where}",
                remediation=REMEDIATION[CHECK_UNMANAGED],
            )
        )
    return out


def _keep(result: AuditResult, findings: list[Finding], policy: Policy) -> None:
    """Add findings to the result, dropping (and counting) those ``[[ignore]]`` matches."""
    for finding in findings:
        if policy.ignored(finding):
            result.ignored += 1
        else:
            result.findings.append(finding)


def fill_desired_values(result: AuditResult) -> None:
    """Give each finding on a resource the desired state declares its ``desired_value``."""
    desired = result.normalized.get("desired")
    if not desired:
        return
    filled = []
    for f in result.findings:
        config = desired.get(ResourceKey(f.resource_type, f.resource))
        if f.desired_value is None and config is not None and f.path:
            f = replace(f, desired_value=dig_path(config, f.path))
        filled.append(f)
    result.findings = filled


def add_desired(
    result: AuditResult,
    desired: Snapshot,
    *,
    policy: Policy | None = None,
    rules: Sequence[Rule] | None = None,
) -> None:
    """Add the desired state to an audit: its column, its source, and drift findings."""
    policy = policy or Policy()
    rules = list(rule_registry.all_rules()) if rules is None else rules
    desired_norm = normalize_desired(desired)
    target_norm = result.normalized.get("target") or normalize_snapshot(result.target)
    result.desired = desired
    result.normalized["desired"] = {k: strip_later(v) for k, v in desired_norm.items()}
    result.sources["desired"] = {
        "source": desired.source,
        "path": desired.extra.get("path"),
        "resources": len(desired.resources),
        **({"cache": desired.extra["cache"]} if "cache" in desired.extra else {}),
        "not_compared": sorted(desired.extra.get("unmapped", {})),
    }
    baseline = result.normalized.get("baseline", {})
    found = desired_findings(
        desired, result.target, desired_norm, target_norm, baseline, rules, policy
    )
    _keep(result, found, policy)
    fill_desired_values(result)


def _since_presence(
    key: ResourceKey, status: str, res: Resource, since: Snapshot, baseline: Configs, **kw: Any
) -> Finding:
    """A ``since`` finding for a resource removed (status missing) or added since."""
    gone = status == "missing"
    state = "was removed" if gone else "was added"
    return drift_finding(
        CHECK_SINCE,
        kw["policy"].severity_for_kind("drift", Severity.HIGH if gone else Severity.LOW),
        res,
        "",
        expected="present" if gone else None,
        actual=None if gone else "present",
        baseline_value=_presence(key, baseline),
        message=f"{key.type} {key.logical_name} {state} since the snapshot of {since.taken_at}",
        remediation=REMEDIATION[CHECK_SINCE],
    )


def add_since(
    result: AuditResult,
    since: Snapshot,
    *,
    policy: Policy | None = None,
    rules: Sequence[Rule] | None = None,
) -> None:
    """Add what changed in the target since ``since``, an earlier snapshot of it."""
    policy = policy or Policy()
    rules = list(rule_registry.all_rules()) if rules is None else rules
    target = result.target
    target_norm = result.normalized.get("target") or normalize_snapshot(target)
    s_cmp, t_cmp = comparable(normalize_snapshot(since), dict(target_norm), since, target)
    s_res, t_res = since.by_key(), target.by_key()
    baseline = result.normalized.get("baseline", {})
    blind = since.failed_services() | target.failed_services()
    found: list[Finding] = []
    for diff in pair(s_cmp, t_cmp):
        key = diff.key
        res = t_res.get(key) or s_res[key]
        if diff.status in ("missing", "unexpected"):
            if res.service not in blind:
                found.append(_since_presence(key, diff.status, res, since, baseline, policy=policy))
            continue
        for change in diff.changes:
            severity, note, remedy = change_severity(
                rules, policy, res, change.path, change.baseline, change.target
            )
            found.append(
                drift_finding(
                    CHECK_SINCE,
                    severity,
                    res,
                    change.path,
                    expected=change.baseline,
                    actual=change.target,
                    baseline_value=dig_path(baseline.get(key), change.path),
                    message=describe(
                        change.path, change.baseline, change.target, f"at {since.taken_at}", "now"
                    )
                    + note,
                    remediation=remedy or REMEDIATION[CHECK_SINCE],
                )
            )
    result.sources["since"] = {
        "suffix": since.suffix,
        "source": since.source,
        "taken_at": since.taken_at,
        "resources": len(since.resources),
    }
    _keep(result, found, policy)
    fill_desired_values(result)
