"""junit.xml: one testsuite per service, one testcase per rule check and per compared resource.

Test cases:

* ``<RULE-ID> <resource>`` for each (rule, resource) the rules evaluated: failed when one of
  its findings is at or above --fail-on, skipped when it could not be evaluated;
* ``parity <type> <resource>`` for each resource pair compared between baseline and target;
* ``drift <type> <resource>`` for each resource of the desired state (with --desired/--synth);
* ``coverage <service>``: an error when the service could not be read;
* ``suppressed <check> <resource>``: skipped, with the policy entry's reason, for each finding
  an ``[[ignore]]`` entry waived.

A finding is one problem: it joins the case of its primary part (the rule's check when a rule
failed) and lists every part of its evidence. With ``--fail-on-new`` only new findings fail.

Findings below --fail-on are listed in the test case's system-out; a finding that fits no
test case gets one of its own, so every blocking finding is a failure somewhere.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paymentaudit.atomic import atomic_file
from paymentaudit.findings.problems import evidence_lines
from paymentaudit.findings.result import AuditResult
from paymentaudit.model import Finding, Kind, Status
from paymentaudit.services import SERVICE_NAMES

JUNIT = "junit.xml"
PARITY_KINDS = (Kind.PARITY, Kind.MISSING, Kind.UNEXPECTED)


@dataclass
class Case:
    """One test case under construction."""

    service: str
    name: str
    findings: list[Finding] = field(default_factory=list)
    skipped: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def classname(self) -> str:
        """``paymentaudit.<service>``."""
        return f"paymentaudit.{self.service}"


def _finding_text(f: Finding) -> str:
    lines = [f"[{f.severity.value}] {f.kind.value} {f.check} {f.resource_type} {f.resource}"]
    if f.path:
        lines.append(f"  path: {f.path}")
    lines.append(f"  {f.message}")
    if f.kind is not Kind.POLICY or f.expected is not None or f.actual is not None:
        lines.append(f"  expected: {_json(f.expected)}")
        lines.append(f"  actual: {_json(f.actual)}")
    if len(f.parts) > 1:
        lines.append("  evidence:")
        lines.extend(f"    - {line}" for line in evidence_lines(f))
    if f.remediation:
        lines.append(f"  remediation: {f.remediation}")
    if f.baseline_state is not None:
        lines.append(f"  since the previous report: {f.baseline_state}")
    lines.append(f"  finding id: {f.id}")
    return "\n".join(lines)


def _json(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 400 else text[:397] + "..."


def _services(result: AuditResult) -> dict[tuple[str, str], str]:
    """(type, logical name) -> service, from both snapshots."""
    out: dict[tuple[str, str], str] = {}
    for snap in (result.baseline, result.target):
        if snap is not None:
            out.update({(r.type, r.logical_name): r.service for r in snap.resources})
    return out


def build_cases(result: AuditResult) -> list[Case]:
    """Every test case of the report, findings assigned to exactly one case each."""
    services = _services(result)
    blind = {c.service: c.error or "could not be read" for c in result.coverage if c.status != "ok"}
    cases: dict[tuple[str, ...], Case] = {}

    def service_of(resource_type: str, resource: str) -> str:
        """The service of a resource of either snapshot (else the type's prefix)."""
        return services.get((resource_type, resource), resource_type.split(".", 1)[0])

    for cov in result.coverage:
        case = Case(cov.service, f"coverage {cov.service}")
        if cov.status != "ok":
            case.error = f"{cov.service} could not be read: {cov.error or 'unknown error'}"
        else:
            case.notes.append(f"{cov.resources} resource(s) read")
        cases[("coverage", cov.service)] = case

    # Rule checks: one case per (rule, resource), whatever the number of outcomes.
    by_check: dict[tuple[str, str, str], list[Any]] = {}
    for o in result.outcomes:
        by_check.setdefault((o.rule, o.resource_type, o.resource), []).append(o)
    names = [(rule, resource) for rule, _type, resource in by_check]
    for (rule, rtype, resource), outcomes in sorted(by_check.items()):
        label = resource if names.count((rule, resource)) == 1 else f"{rtype} {resource}"
        case = Case(outcomes[0].service, f"{rule} {label}".strip())
        not_evaluated = [o for o in outcomes if o.status is Status.NOT_EVALUATED]
        failed = [o for o in outcomes if o.status is Status.FAIL]
        if not_evaluated and not failed:
            case.skipped = "; ".join(
                dict.fromkeys(o.message or "not evaluated" for o in not_evaluated)
            )
        for o in outcomes:
            if o.status is Status.PASS:
                case.notes.append(f"pass {o.path}".rstrip())
            elif o.status is Status.FAIL:
                case.notes.append(f"fail {o.path}: {o.message}")
        cases[("policy", rule, rtype, resource)] = case

    for pair in sorted(result.pairs, key=lambda p: (p.key.type, p.key.logical_name)):
        key = pair.key
        svc = service_of(key.type, key.logical_name)
        case = Case(svc, f"parity {key.type} {key.logical_name}")
        case.notes.append(f"status: {pair.status}")
        if pair.status in ("missing", "unexpected") and svc in blind:
            case.skipped = f"{svc} could not be read on one side: {blind[svc]}"
        cases[("parity", key.type, key.logical_name)] = case

    desired = result.normalized.get("desired") or {}
    for key in sorted(desired, key=lambda k: (k.type, k.logical_name)):
        svc = service_of(key.type, key.logical_name)
        cases[("drift", key.type, key.logical_name)] = Case(
            svc, f"drift {key.type} {key.logical_name}"
        )

    for f in result.findings:
        if f.kind is Kind.POLICY:
            wanted: tuple[str, ...] = ("policy", f.check, f.resource_type, f.resource)
        elif f.kind in PARITY_KINDS:
            wanted = ("parity", f.resource_type, f.resource)
        else:
            wanted = (f.kind.value, f.resource_type, f.resource)
        if wanted not in cases:  # e.g. a rule disabled since, or a --since drift
            name = " ".join(part for part in wanted if part)
            if f.kind is Kind.POLICY:
                name = f"{f.check} {f.resource}".strip()
            cases[wanted] = Case(f.service or service_of(f.resource_type, f.resource), name)
        cases[wanted].findings.append(f)
    for waived in result.suppressed:
        f = waived.finding
        case = Case(
            f.service or service_of(f.resource_type, f.resource),
            f"suppressed {f.check} {f.resource}".strip(),
        )
        case.skipped = f"suppressed by policy ({waived.matcher.entry}): {waived.matcher.reason}"
        case.notes.append(_finding_text(f))
        cases[("suppressed", f.id)] = case
    return list(cases.values())


def _suite_order(result: AuditResult, cases: Iterable[Case]) -> list[str]:
    known = list(SERVICE_NAMES)
    seen = dict.fromkeys(c.service for c in cases)
    return sorted(seen, key=lambda s: (known.index(s) if s in known else len(known), s))


def document(result: AuditResult) -> ET.Element:
    """The <testsuites> element of an audit."""
    cases = build_cases(result)
    baseline = result.baseline.suffix if result.baseline else "-"
    root = ET.Element(
        "testsuites",
        name=f"paymentaudit {result.target.suffix} against {baseline}: {result.verdict_text} "
        f"(score {result.score}/100, fail on {result.fail_on.value})",
    )
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    blocking_ids = {f.id for f in result.blocking}
    for service in _suite_order(result, cases):
        members = [c for c in cases if c.service == service]
        suite = ET.SubElement(
            root, "testsuite", name=f"paymentaudit.{service}", timestamp=result.generated_at
        )
        props = ET.SubElement(suite, "properties")
        for name, value in (
            ("target", result.target.suffix),
            ("baseline", baseline),
            ("fail_on", result.fail_on.value),
        ):
            ET.SubElement(props, "property", name=name, value=value)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for case in members:
            counts["tests"] += 1
            element = ET.SubElement(
                suite, "testcase", classname=case.classname, name=case.name, time="0"
            )
            blocking = [f for f in case.findings if f.id in blocking_ids]
            others = [f for f in case.findings if f.id not in blocking_ids]
            if blocking:
                counts["failures"] += 1
                worst = blocking[0].severity.value
                message = blocking[0].message
                if len(blocking) > 1:
                    message = f"{len(blocking)} findings at or above {result.fail_on.value}"
                failure = ET.SubElement(element, "failure", message=message, type=worst)
                failure.text = "\n\n".join(_finding_text(f) for f in blocking)
            elif case.error:
                counts["errors"] += 1
                ET.SubElement(element, "error", message=case.error, type="coverage")
            elif case.skipped:
                counts["skipped"] += 1
                ET.SubElement(element, "skipped", message=case.skipped)
            out = [_finding_text(f) for f in others] + case.notes
            if out:
                ET.SubElement(element, "system-out").text = "\n".join(out)
        for key, number in counts.items():
            suite.set(key, str(number))
            totals[key] += number
        suite.set("time", "0")
    for key, number in totals.items():
        root.set(key, str(number))
    root.set("time", "0")
    return root


def write(result: AuditResult, directory: Path) -> list[Path]:
    """Write junit.xml."""
    path = Path(directory) / JUNIT
    tree = ET.ElementTree(document(result))
    ET.indent(tree, space="  ")
    with atomic_file(path) as tmp:
        tree.write(tmp, encoding="utf-8", xml_declaration=True)
    return [path]
