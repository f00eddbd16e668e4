"""One problem, one finding: a rule's failure and the differences about the same thing are
merged, then the policy is applied to each problem through any of its parts.

A part is what a rule or a comparison found: a rule's failed outcome, a baseline | target
difference, a desired | actual difference, a then | now difference. Parts about the same
resource join one finding when:

- a difference is at an attribute a failing rule governs on that resource (the parity twin of
  DDB-PITR, its drift, its since), or a resource a failing rule reports as absent is missing;
- or, with no failing rule there, the differences are at the same attribute (parity, drift
  and since of one value).

Ungoverned differences at different attributes stay findings of their own. The finding's
fields are its primary part's (the rule's, else parity, else drift, else since); its severity
is the highest of its parts after policy; ``evidence`` lists every part.

The policy, in one place: an ``[[ignore]]`` entry matching any part suppresses the whole
problem (kept, with the entry and its reason, under ``suppressed``); an ``[[expected]]`` entry
turns the parity parts it matches into info.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from paymentaudit.findings.severity import governing_rule
from paymentaudit.model import Evidence, Finding, Kind, Resource, ResourceKey, Severity
from paymentaudit.policy import Matcher, Policy
from paymentaudit.rules.base import Rule

# Which part leads a finding: the rule, then parity (and presence), then drift, then since.
_PRECEDENCE = {Kind.POLICY: 0, Kind.PARITY: 1, Kind.MISSING: 1, Kind.UNEXPECTED: 1}


def _rank(part: Finding) -> tuple[int, str]:
    if part.kind is Kind.DRIFT:
        return (3 if part.check == "since" else 2, part.check)
    return (_PRECEDENCE[part.kind], part.check)


@dataclass(frozen=True)
class Suppressed:
    """A finding an [[ignore]] entry waived, and the entry that did."""

    finding: Finding
    matcher: Matcher

    def to_dict(self, with_desired: bool = False) -> dict[str, object]:
        """JSON form (findings.json ``suppressed`` entry)."""
        return {
            "finding": self.finding.to_dict(with_desired=with_desired),
            "entry": self.matcher.entry,
            "reason": self.matcher.reason,
        }


def merge(
    parts: Iterable[Finding],
    rules: Sequence[Rule],
    resource_of: Callable[[ResourceKey], Resource | None],
) -> list[Finding]:
    """The parts merged into one finding per problem (see the module docstring)."""
    ordered = sorted(parts, key=lambda f: (f.resource_type, f.resource, _rank(f), f.path))
    by_rule: dict[tuple[str, str, str], list[Finding]] = {}
    whole: dict[tuple[str, str], list[Finding]] = {}  # rule failures about a resource as a whole
    groups: list[list[Finding]] = []
    by_path: dict[tuple[str, str, str], list[Finding]] = {}
    for part in ordered:
        if part.kind is Kind.POLICY:
            group = by_rule.get((part.resource_type, part.resource, part.check))
            if group is None:
                group = by_rule[(part.resource_type, part.resource, part.check)] = []
                groups.append(group)
                if not part.path:
                    whole.setdefault((part.resource_type, part.resource), group)
            group.append(part)
    for part in ordered:
        if part.kind is Kind.POLICY:
            continue
        key = ResourceKey(part.resource_type, part.resource)
        group = None
        if part.path:
            rule = governing_rule(rules, part.resource_type, part.path, resource_of(key))
            if rule is not None:
                group = by_rule.get((part.resource_type, part.resource, rule.id))
        else:
            group = whole.get((part.resource_type, part.resource))
        if group is None:
            path_key = (part.resource_type, part.resource, part.path)
            group = by_path.get(path_key)
            if group is None:
                group = by_path[path_key] = []
                groups.append(group)
        group.append(part)
    return [_one(sorted(group, key=_rank)) for group in groups]


def _one(parts: list[Finding]) -> Finding:
    """One finding from its parts (the first leads)."""
    primary = parts[0]
    if len(parts) == 1:
        return replace(primary, evidence=(primary.as_evidence(),))
    severity = min((p.severity for p in parts), key=lambda s: s.rank)
    desired = next((p.desired_value for p in parts if p.desired_value is not None), None)
    baseline = primary.baseline_value
    if baseline is None:
        baseline = next((p.baseline_value for p in parts if p.baseline_value is not None), None)
    return replace(
        primary,
        severity=severity,
        desired_value=desired,
        baseline_value=baseline,
        evidence=tuple(p.as_evidence() for p in parts),
    )


def apply_policy(
    findings: Iterable[Finding], policy: Policy
) -> tuple[list[Finding], list[Suppressed]]:
    """Suppress what an [[ignore]] entry matches (through any part); turn expected parity
    parts into info. Returns (kept, suppressed)."""
    kept: list[Finding] = []
    suppressed: list[Suppressed] = []
    for finding in findings:
        matcher = policy.ignoring(finding)
        if matcher is not None:
            suppressed.append(Suppressed(finding, matcher))
            continue
        kept.append(_expected(finding, policy))
    return kept, suppressed


def _expected(finding: Finding, policy: Policy) -> Finding:
    """The finding with the parity parts an [[expected]] entry matches turned into info."""
    parts = list(finding.parts)
    changed = False
    for i, part in enumerate(parts):
        expectation = next((e for e in policy.expected if e.matches_part(finding, part)), None)
        if expectation is None:
            continue
        reason = expectation.matcher.reason or "declared in the policy"
        parts[i] = replace(
            part, severity=Severity.INFO, message=f"{part.message} (expected: {reason})"
        )
        changed = True
    if not changed:
        return finding
    lead = parts[0]
    severity = min((p.severity for p in parts), key=lambda s: s.rank)
    return replace(
        finding,
        severity=severity,
        message=lead.message if lead.kind is finding.kind else finding.message,
        evidence=tuple(parts),
    )


def unused_ignores(policy: Policy, suppressed: Sequence[Suppressed]) -> list[Matcher]:
    """The [[ignore]] entries that matched nothing (stale waivers)."""
    used = {s.matcher.entry for s in suppressed}
    return [m for m in policy.ignore if m.entry not in used]


def evidence_lines(finding: Finding) -> list[str]:
    """One line per part, for messages and reports."""
    return [_line(part) for part in finding.parts]


def _line(part: Evidence) -> str:
    label = {
        Kind.POLICY: f"rule {part.check}",
        Kind.PARITY: "baseline | target",
        Kind.MISSING: "baseline | target",
        Kind.UNEXPECTED: "baseline | target",
    }.get(part.kind, "then | now" if part.check == "since" else "desired | actual")
    return f"{label} ({part.severity.value}): {part.message}"
