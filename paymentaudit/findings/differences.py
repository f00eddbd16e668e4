"""One comparison of two normalized snapshots, and the findings it makes.

Parity (baseline against target), drift (the desired state, projected into the snapshot model,
against the live target) and since (an earlier snapshot of the target against now) are the same
comparison: two sides reduced to what both could read, paired, diffed. They differ only in
what the sides are called, the checks and kinds their findings get, and (drift) in comparing
only what the code declares. :class:`Comparison` holds those differences as data.

Checks: parity ``parity`` (kinds parity, missing, unexpected); drift ``drift``,
``drift-missing`` (declared, not deployed) and ``drift-unmanaged`` (deployed, declared nowhere;
what AWS creates by itself is left out); since ``since``. Severities: the governing rule's, else
medium (low for tags and descriptions); missing high, unexpected and unmanaged low; the
policy's severity overrides apply. Presence findings are not made for a service that could not
be read on either side: "could not see" is never "is different".
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from paymentaudit import services
from paymentaudit.changes import describe
from paymentaudit.compare import (
    Alias,
    Change,
    PairDiff,
    apply_aliases,
    comparable,
    diff_configs,
    dig_path,
    pair,
    pair_unnamed,
    project,
)
from paymentaudit.findings.result import finding_id
from paymentaudit.findings.severity import DEFAULT_REMEDIATION, change_severity
from paymentaudit.model import Finding, Kind, NotCompared, Resource, ResourceKey, Severity
from paymentaudit.policy import Policy
from paymentaudit.rules.base import Rule, RuleContext
from paymentaudit.snapshots import Snapshot

Configs = Mapping[ResourceKey, dict[str, Any]]

CHECK_PARITY, CHECK_CHANGED, CHECK_MISSING, CHECK_UNMANAGED, CHECK_SINCE = (
    "parity",
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
# Similarity of two logical names above which an unpaired pair is worth a suggestion.
SIMILAR = 0.6


class Comparison(StrEnum):
    """Which two sides are compared: the reference is the baseline, the code, or the past."""

    PARITY = "parity"
    DRIFT = "drift"
    SINCE = "since"


@dataclass
class Compared:
    """What one comparison found."""

    comparison: Comparison
    pairs: list[PairDiff] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    not_compared: list[NotCompared] = field(default_factory=list)
    unpaired: list[Resource] = field(default_factory=list)
    aliased: list[tuple[Alias, ResourceKey, ResourceKey]] = field(default_factory=list)


@dataclass
class _Context:
    comparison: Comparison
    reference: Snapshot
    target: Snapshot
    rules: Sequence[Rule]
    policy: Policy
    ctx: RuleContext | None
    baseline: Configs  # the baseline's normalized configs (baseline_value of drift findings)

    @property
    def ref_label(self) -> str:
        if self.comparison is Comparison.PARITY:
            return self.reference.suffix
        if self.comparison is Comparison.DRIFT:
            return f"the code ({self.reference.source})"
        return when(self.reference.taken_at)


def when(timestamp: str) -> str:
    """An ISO timestamp as a message says it: ``2026-11-29 19:00Z``."""
    if len(timestamp) >= 16 and timestamp[10] == "T":
        return f"{timestamp[:10]} {timestamp[11:16]}Z"
    return timestamp


def differences(
    comparison: Comparison,
    reference: Snapshot,
    target: Snapshot,
    reference_norm: Configs,
    target_norm: Configs,
    *,
    rules: Sequence[Rule],
    policy: Policy,
    ctx: RuleContext | None = None,
    baseline_norm: Configs | None = None,
) -> Compared:
    """Compare two normalized snapshots (``reference`` against ``target``): the pairs and the
    findings, before the policy's ignore and expected entries (applied once, by the audit)."""
    c = _Context(comparison, reference, target, rules, policy, ctx, baseline_norm or {})
    r_cmp, t_cmp, skipped = comparable(dict(reference_norm), dict(target_norm), reference, target)
    out = Compared(comparison, not_compared=skipped)
    if comparison is Comparison.PARITY:
        r_cmp, t_cmp, out.unpaired = pair_unnamed(r_cmp, t_cmp, reference, target)
        t_cmp, out.aliased = apply_aliases(r_cmp, t_cmp, policy.aliases)
    ref_res, target_res = reference.by_key(), target.by_key()
    renamed = {ref_key: target_key for _, ref_key, target_key in out.aliased}
    blind = target.failed_services()
    if comparison is not Comparison.DRIFT:
        blind |= reference.failed_services()
    for diff in pair(r_cmp, t_cmp):
        key = diff.key
        res = _resource(key, target_res, ref_res, renamed)
        if diff.status in ("missing", "unexpected"):
            out.pairs.append(diff)
            if res.service not in blind and not _aws_created(c, diff.status, res, r_cmp):
                out.findings.append(_presence(c, diff.status, key, res))
            continue
        changes: Sequence[Change] = diff.changes
        if comparison is Comparison.DRIFT and diff.status == "changed":
            want, have = project(r_cmp[key], t_cmp[key], top=True)
            changes = diff_configs(want, have)
        out.pairs.append(PairDiff(key, "changed" if changes else "equal", tuple(changes)))
        out.findings.extend(_changed(c, key, res, change) for change in changes)
    if comparison is Comparison.PARITY:
        out.findings = _suggest(out.findings)
    return out


def _resource(
    key: ResourceKey,
    target_res: Mapping[ResourceKey, Resource],
    ref_res: Mapping[ResourceKey, Resource],
    renamed: Mapping[ResourceKey, ResourceKey],
) -> Resource:
    found = target_res.get(renamed.get(key, key)) or target_res.get(key) or ref_res.get(key)
    if found is None:  # an unnamed pair: (type, "(unnamed)") is no snapshot key
        found = next(
            r
            for r in (*target_res.values(), *ref_res.values())
            if r.type == key.type and not r.named
        )
    return found


def _aws_created(c: _Context, status: str, res: Resource, reference: Configs) -> bool:
    """Drift: what AWS creates by itself is never "declared nowhere"."""
    if c.comparison is not Comparison.DRIFT or status != "unexpected":
        return False
    spec = services.spec_of_type(res.type)
    return bool(spec and spec.aws_created and spec.aws_created(res, reference))


def _presence(c: _Context, status: str, key: ResourceKey, res: Resource) -> Finding:
    """A finding for a resource present on one side only."""
    gone = status == "missing"
    ref, target = c.reference, c.target
    if c.comparison is Comparison.PARITY:
        if gone:
            physical = res.physical_id
            if physical.endswith("-" + ref.suffix):
                physical = physical[: -len(ref.suffix)] + target.suffix
            return _finding(
                Kind.MISSING,
                CHECK_PARITY,
                c.policy.severity_for_kind("missing", Severity.HIGH),
                res,
                "",
                physical_id=physical,
                expected="present",
                actual=None,
                baseline_value="present",
                message=f"{key.type} {key.logical_name} exists in {ref.suffix} "
                f"({res.physical_id}) but not in {target.suffix}",
                remediation=DEFAULT_REMEDIATION[Kind.MISSING],
            )
        return _finding(
            Kind.UNEXPECTED,
            CHECK_PARITY,
            c.policy.severity_for_kind("unexpected", Severity.LOW),
            res,
            "",
            expected=None,
            actual="present",
            baseline_value=None,
            message=f"{key.type} {key.logical_name} exists in {target.suffix} only",
            remediation=DEFAULT_REMEDIATION[Kind.UNEXPECTED],
        )
    baseline_value = "present" if key in c.baseline else None
    if c.comparison is Comparison.DRIFT:
        where = c.ref_label
        return _finding(
            Kind.DRIFT,
            CHECK_MISSING if gone else CHECK_UNMANAGED,
            c.policy.severity_for_kind("drift", Severity.HIGH if gone else Severity.LOW),
            res,
            "",
            expected="present" if gone else None,
            actual=None if gone else "present",
            baseline_value=baseline_value,
            desired_value="present" if gone else None,
            message=f"{key.type} {key.logical_name} is declared in {where} "
            f"but not deployed in {target.suffix}"
            if gone
            else f"{key.type} {key.logical_name} exists in {target.suffix} "
            f"({res.physical_id}) but is declared nowhere in {where}",
            remediation=REMEDIATION[CHECK_MISSING if gone else CHECK_UNMANAGED],
        )
    state = "was removed" if gone else "was added"
    return _finding(
        Kind.DRIFT,
        CHECK_SINCE,
        c.policy.severity_for_kind("drift", Severity.HIGH if gone else Severity.LOW),
        res,
        "",
        expected="present" if gone else None,
        actual=None if gone else "present",
        baseline_value=baseline_value,
        message=f"{key.type} {key.logical_name} {state} since {c.ref_label}",
        remediation=REMEDIATION[CHECK_SINCE],
    )


def _changed(c: _Context, key: ResourceKey, res: Resource, change: Change) -> Finding:
    """A finding for one attribute that differs."""
    kind = "parity" if c.comparison is Comparison.PARITY else "drift"
    severity, note, remedy = change_severity(
        c.rules,
        c.policy,
        key.type,
        change.path,
        change.baseline,
        change.target,
        kind=kind,
        resource=res,
        ctx=c.ctx,
    )
    if c.comparison is Comparison.DRIFT and _sandbox_gap(c.target, key.type, change.path):
        severity, note = Severity.INFO, " (the sandbox cannot hold this attribute)"
    earlier = c.comparison is Comparison.SINCE
    message = describe(
        change.path, change.baseline, change.target, c.ref_label, c.target.suffix, earlier=earlier
    )
    fields: dict[str, Any] = {
        "expected": change.baseline,
        "actual": change.target,
        "message": message + note,
    }
    if c.comparison is Comparison.PARITY:
        return _finding(
            Kind.PARITY,
            CHECK_PARITY,
            severity,
            res,
            change.path,
            baseline_value=change.baseline,
            remediation=remedy or DEFAULT_REMEDIATION[Kind.PARITY],
            **fields,
        )
    check = CHECK_CHANGED if c.comparison is Comparison.DRIFT else CHECK_SINCE
    extra = {"desired_value": change.baseline} if c.comparison is Comparison.DRIFT else {}
    return _finding(
        Kind.DRIFT,
        check,
        severity,
        res,
        change.path,
        baseline_value=dig_path(c.baseline.get(key), change.path),
        remediation=remedy or REMEDIATION[check],
        **fields,
        **extra,
    )


def _sandbox_gap(target: Snapshot, resource_type: str, path: str) -> bool:
    """True for an attribute the sandbox cannot hold, on a sandbox target."""
    spec = services.spec_of_type(resource_type)
    globs = spec.sandbox_gaps.get(resource_type, ()) if spec else ()
    return target.source == "sandbox" and any(fnmatch.fnmatchcase(path, g) for g in globs)


def _finding(
    kind: Kind, check: str, severity: Severity, res: Resource, path: str, **fields: Any
) -> Finding:
    return Finding(
        id=finding_id(kind.value, check, res.type, res.logical_name, path),
        kind=kind,
        check=check,
        severity=severity,
        service=res.service,
        resource_type=res.type,
        resource=res.logical_name,
        physical_id=fields.pop("physical_id", res.physical_id),
        path=path,
        **fields,
    )


def _suggest(findings: list[Finding]) -> list[Finding]:
    """A missing and an unexpected resource of the same type that look alike (similar logical
    names) say so: "add an alias if they are the same"."""
    missing = [f for f in findings if f.kind is Kind.MISSING]
    unexpected = [f for f in findings if f.kind is Kind.UNEXPECTED]
    if not missing or not unexpected:
        return findings
    hints: dict[str, str] = {}
    for gone in missing:
        best = max(
            (u for u in unexpected if u.resource_type == gone.resource_type),
            key=lambda u: difflib.SequenceMatcher(None, u.resource, gone.resource).ratio(),
            default=None,
        )
        if best is None:
            continue
        if difflib.SequenceMatcher(None, best.resource, gone.resource).ratio() < SIMILAR:
            continue
        hint = (
            f"; {best.resource} (target) looks like {gone.resource} (baseline): add an "
            f"[[alias]] if they are the same"
        )
        hints[gone.id] = hints[best.id] = hint
    return [replace(f, message=f.message + hints[f.id]) if f.id in hints else f for f in findings]
