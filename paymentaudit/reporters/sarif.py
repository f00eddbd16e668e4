"""findings.sarif: SARIF 2.1.0 for code-scanning UIs, each result pointing at its construct."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from paymentaudit import rules as rule_registry
from paymentaudit.atomic import write_json_atomic
from paymentaudit.findings.problems import evidence_lines
from paymentaudit.findings.result import AuditResult
from paymentaudit.findings.severity import DEFAULT_REMEDIATION
from paymentaudit.model import Finding, Kind, Severity
from paymentaudit.reporters import stack_source as locate
from paymentaudit.version import __version__

SARIF = "findings.sarif"
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "paymentauditFindingId/v1"
ABSENT = "absent"  # SARIF's baselineState for a result of the previous run that is gone

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub code scanning ranks alerts by this CVSS-like score (a string).
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
}

# Findings that no readiness rule produced, as SARIF rules of their own.
PSEUDO_RULES: dict[Kind, dict[str, Any]] = {
    Kind.PARITY: {
        "id": "PARITY",
        "title": "The target matches the tested baseline",
        "help": "An attribute differs between the baseline (tested) and the target environment.",
        "severity": Severity.MEDIUM,
    },
    Kind.MISSING: {
        "id": "PARITY-MISSING",
        "title": "Every baseline resource exists in the target",
        "help": "A resource of the baseline has no counterpart in the target environment.",
        "severity": Severity.HIGH,
    },
    Kind.UNEXPECTED: {
        "id": "PARITY-UNEXPECTED",
        "title": "The target has no resource the baseline lacks",
        "help": "A resource exists in the target environment only.",
        "severity": Severity.LOW,
    },
    Kind.DRIFT: {
        "id": "DRIFT",
        "title": "The live target matches its desired state (the code)",
        "help": "The deployed configuration differs from the desired state (stack or state file).",
        "severity": Severity.MEDIUM,
    },
}
PSEUDO_REMEDIATION = {
    Kind.DRIFT: "Redeploy the stack (or change the code to match the intended live setting).",
}


def rule_id(finding: Finding) -> str:
    """The SARIF rule of a finding: the readiness rule, or the pseudo-rule of its kind."""
    if finding.kind is Kind.POLICY:
        return finding.check
    return PSEUDO_RULES[finding.kind]["id"]


def _rule_descriptor(
    rid: str, title: str, help_text: str, remediation: str, severity: Severity, tags: list[str]
) -> dict[str, Any]:
    properties: dict[str, Any] = {"severity": severity.value, "tags": tags}
    if severity in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[severity]
    return {
        "id": rid,
        "name": "".join(part.capitalize() for part in rid.split("-")),
        "shortDescription": {"text": title},
        "fullDescription": {"text": help_text},
        "help": {
            "text": f"{help_text}\n\nRemediation: {remediation}",
            "markdown": f"{help_text}\n\n**Remediation:** {remediation}",
        },
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": properties,
    }


def rule_descriptors() -> list[dict[str, Any]]:
    """Every registered rule, then the parity/missing/unexpected/drift pseudo-rules."""

    out = [
        _rule_descriptor(
            r.id,
            r.title,
            f"{r.title} ({r.service}).",
            r.remediation,
            r.severity,
            ["paymentaudit", "readiness", r.service],
        )
        for r in rule_registry.all_rules()
    ]
    for kind, meta in PSEUDO_RULES.items():
        remediation = DEFAULT_REMEDIATION.get(kind) or PSEUDO_REMEDIATION[kind]
        out.append(
            _rule_descriptor(
                meta["id"],
                meta["title"],
                meta["help"],
                remediation,
                meta["severity"],
                ["paymentaudit", kind.value],
            )
        )
    return out


def _location(
    finding: Finding,
    root: Path | None,
    resource_type: str | None = None,
    resource: str | None = None,
) -> dict[str, Any]:
    """Where the construct of the finding's resource (or of a related one) is declared."""
    resource_type = resource_type or finding.resource_type
    resource = resource or finding.resource
    where = locate.locate(resource_type, resource, finding.service, root=root)
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": where.path, "uriBaseId": SRCROOT},
            "region": {"startLine": where.line, "startColumn": where.column},
        },
        "logicalLocations": [
            {
                "name": resource,
                "fullyQualifiedName": f"{resource_type}/{resource}",
                "kind": "resource",
            }
        ],
    }
    if where.note:
        location["message"] = {"text": where.note}
    return location


def _result(
    finding: Finding, index: dict[str, int], root: Path | None, state: str | None = None
) -> dict[str, Any]:
    """One SARIF result per finding: its parts in the message and as related locations."""
    rid = rule_id(finding)
    text = f"{finding.resource_type} {finding.resource}: {finding.message}"
    if len(finding.parts) > 1:
        text += " Evidence: " + "; ".join(evidence_lines(finding)) + "."
    if finding.remediation:
        text += f" Remediation: {finding.remediation}"
    out: dict[str, Any] = {
        "ruleId": rid,
        "ruleIndex": index[rid],
        "level": LEVELS[finding.severity],
        "kind": "fail",
        "message": {"text": text},
        "locations": [_location(finding, root)],
        "relatedLocations": [
            {
                "id": i,
                **_location(finding, root, part.resource_type or None, part.resource or None),
                "message": {"text": line},
            }
            for i, (part, line) in enumerate(
                zip(finding.parts, evidence_lines(finding), strict=True)
            )
        ],
        "partialFingerprints": {FINGERPRINT: finding.id},
        "properties": {
            "severity": finding.severity.value,
            "kind": finding.kind.value,
            "check": finding.check,
            "service": finding.service,
            "resourceType": finding.resource_type,
            "resource": finding.resource,
            "physicalId": finding.physical_id,
            "path": finding.path,
            "expected": finding.expected,
            "actual": finding.actual,
            "baselineValue": finding.baseline_value,
            "evidence": [part.to_dict() for part in finding.parts],
        },
    }
    state = state or (str(finding.baseline_state) if finding.baseline_state else None)
    if state is not None:
        out["baselineState"] = state
    if state == ABSENT:  # fixed since the previous report: not a failure of this run
        out.update(kind="pass", level="none")
    return out


def _notifications(result: AuditResult) -> list[dict[str, Any]]:
    """What could not be read or evaluated, as tool execution notifications."""
    out: list[dict[str, Any]] = [
        {
            "level": "error",
            "message": {"text": f"{cov.service} could not be read: {cov.error or 'unknown error'}"},
            "descriptor": {"id": "COVERAGE"},
        }
        for cov in result.coverage
        if cov.status != "ok"
    ]
    out.extend(
        {
            "level": "warning",
            "message": {
                "text": f"{o.rule} not evaluated on {o.resource_type} {o.resource}: {o.message}"
            },
            "descriptor": {"id": o.rule},
        }
        for o in result.not_evaluated
    )
    return out


def document(result: AuditResult, root: str | Path | None = None) -> dict[str, Any]:
    """The SARIF log of an audit (``root``: the repository holding stack/, for tests)."""
    root_path = Path(root).resolve() if root is not None else locate.REPO_ROOT
    stack_present = locate.stack_root(root_path) is not None
    rules = rule_descriptors()
    index = {r["id"]: i for i, r in enumerate(rules)}
    for f in [*result.findings, *result.fixed]:
        rid = rule_id(f)
        if rid not in index:  # a rule no longer registered: describe it from the finding
            index[rid] = len(rules)
            rules.append(
                _rule_descriptor(rid, rid, rid, f.remediation, f.severity, ["paymentaudit"])
            )
    srcroot: dict[str, Any] = {
        "description": {"text": "The root of the repository holding stack/ (the CDKTF app)."}
    }
    if stack_present:
        srcroot["uri"] = root_path.as_uri() + "/"
    baseline = result.baseline.suffix if result.baseline else None
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "paymentaudit",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "automationDetails": {"id": f"paymentaudit/{result.target.suffix}/{result.generated_at}"},
        "originalUriBaseIds": {SRCROOT: srcroot},
        "invocations": [
            {
                "executionSuccessful": not result.incomplete,
                "endTimeUtc": result.generated_at,
                "toolExecutionNotifications": _notifications(result),
            }
        ],
        "results": [_result(f, index, root_path) for f in result.findings]
        + [_result(f, index, root_path, ABSENT) for f in result.fixed],
        "properties": {
            "target": result.target.suffix,
            "baseline": baseline,
            "region": result.target.region,
            "verdict": result.verdict,
            "verdictText": result.verdict_text,
            "mode": result.mode,
            "score": result.score,
            "failOn": result.fail_on.value,
            "counts": result.counts,
            "stackSources": stack_present,
            "suppressed": result.suppressed_by_reason(),
            **({"states": result.states} if result.previous is not None else {}),
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def write(result: AuditResult, directory: Path) -> list[Path]:
    """Write findings.sarif."""
    return [write_json_atomic(Path(directory) / SARIF, document(result))]
