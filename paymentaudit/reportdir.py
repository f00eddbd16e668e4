"""Load a report directory back into an AuditResult, offline (the notebook's data source)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from paymentaudit import snapshot as snapshot_mod
from paymentaudit.audit import FINDINGS_SCHEMA, AuditResult, audit
from paymentaudit.errors import InputError
from paymentaudit.model import Finding, Severity
from paymentaudit.policy import Policy
from paymentaudit.reporters.json_ import FINDINGS, snapshot_path


def read_findings(directory: str | os.PathLike[str]) -> dict[str, Any]:
    """findings.json of a report directory; InputError when absent, corrupt or another schema."""
    path = Path(directory) / FINDINGS
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("schema") != FINDINGS_SCHEMA:
        raise InputError(f"{path}: not a {FINDINGS_SCHEMA} document")
    return doc


def load(directory: str | os.PathLike[str]) -> AuditResult:
    """The saved findings, with outcomes, pairs and normalized configs recomputed from the
    saved snapshots (rules are deterministic); never calls AWS."""
    directory = Path(directory)
    doc = read_findings(directory)
    target = snapshot_mod.load(snapshot_path(directory, doc["target"]))
    baseline = None
    if doc.get("baseline"):
        baseline = snapshot_mod.load(snapshot_path(directory, doc["baseline"]))
    disabled = frozenset((doc.get("sources") or {}).get("policy", {}).get("disabled", []))
    result = audit(baseline, target, policy=Policy(disabled=disabled), fail_on=doc["fail_on"])
    desired_file = directory / "snapshots" / "desired.json"
    if desired_file.is_file():
        from paymentaudit.desired.drift import add_desired

        add_desired(result, snapshot_mod.load(desired_file))
    result.findings = [Finding.from_dict(f) for f in doc["findings"]]
    result.generated_at = doc.get("generated_at", result.generated_at)
    result.sources = doc.get("sources", result.sources)
    result.ignored = int(doc.get("ignored", 0))
    result.fail_on = Severity(doc["fail_on"])
    return result
