"""How severe a difference is: the rule that governs the attribute, else the kind's default.

Shared by every comparison (parity, drift, since): a difference at an attribute a readiness rule
governs takes the rule's severity, unless the target is stricter or the change is allowed by
design (both info), or the rule can tell the target's value violates nothing (then the kind's
default). The policy's severity overrides apply here, for rules and for kinds.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from typing import Any

from paymentaudit.model import Kind, Resource, Severity
from paymentaudit.policy import Policy
from paymentaudit.rules.base import Rule, RuleContext

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
    ctx: RuleContext | None = None,
) -> tuple[Severity, str, str]:
    """(severity, note, remediation) of a changed attribute: the governing rule's severity
    (info when ``after`` is stricter or the change is allowed by design), else the kind's
    default; remediation '' without a rule."""
    rule = governing_rule(rules, resource_type, path, resource)
    default = Severity.LOW if low_impact(path) else Severity.MEDIUM
    if rule is None:
        return policy.severity_for_kind(kind, default), "", ""
    if rule.stricter(path, before, after):
        return Severity.INFO, f" (target stricter under {rule.id})", rule.remediation
    allowed = rule.allowed_change(path, before, after)
    if allowed:
        return Severity.INFO, f" ({allowed} under {rule.id})", rule.remediation
    graded = rule.change_severity(path, before, after, resource, ctx)
    if graded is None:
        note = f" (under {rule.id}, but no violation of it)"
        return policy.severity_for_kind(kind, default), note, rule.remediation
    # A [severity] entry for the rule wins; else one for the kind ("parity = low") applies to
    # governed differences too; else the rule's grading.
    if rule.id in policy.rule_severity:
        severity = policy.rule_severity[rule.id]
    else:
        severity = policy.severity_for_kind(kind, graded)
    return severity, f" (governed by {rule.id})", rule.remediation
