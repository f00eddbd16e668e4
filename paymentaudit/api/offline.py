"""What works without AWS: auditing two saved snapshots, re-rendering a report directory."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from paymentaudit import atomic, history
from paymentaudit.api.inputs import load_policy, parse_fail_on
from paymentaudit.api.presence import ensure_found
from paymentaudit.api.validation import (
    REPORT_FORMATS,
    Run,
    render_formats,
    write_report,
)
from paymentaudit.errors import InputError
from paymentaudit.findings.evaluate import audit
from paymentaudit.findings.result import AuditResult
from paymentaudit.naming import validate_suffix
from paymentaudit.phases import Phases
from paymentaudit.reporters import directory as report_directory
from paymentaudit.snapshots import Snapshot
from paymentaudit.snapshots import load as load_snapshot


def diff(
    baseline_file: str | os.PathLike[str],
    target_file: str | os.PathLike[str],
    *,
    policy: str | None = None,
    fail_on: str = "high",
    out: str | os.PathLike[str] | None = None,
    notebook: bool = False,
) -> Run:
    """Audit two saved snapshots (baseline first); with ``out``, write a report directory
    there (the notebook too with ``notebook``). Same findings and verdict as validate."""
    if notebook and not out:
        raise InputError("--notebook renders into the report directory: give --out DIR")
    severity = parse_fail_on(fail_on)
    pol = load_policy(policy)
    if out:
        atomic.ReportDir(Path(out)).check_final()
        atomic.writable_dir(Path(out).parent, "the report directory")
    baseline = load_snapshot(baseline_file)
    target = load_snapshot(target_file)
    if baseline.suffix == target.suffix and baseline.taken_at == target.taken_at:
        raise InputError(f"{baseline_file} and {target_file} are the same snapshot")
    ensure_found((target, "target"), (baseline, "baseline"))
    result = audit(baseline, target, policy=pol, fail_on=severity)
    result.sources["policy"] = {"source": pol.source or None, "disabled": sorted(pol.disabled)}
    path = None
    if out:
        with atomic.ReportDir(Path(out)) as report_dir:
            path = write_report(result, report_dir, notebook)
    return Run(result=result, report_dir=path)


def load_report(directory: str | os.PathLike[str]) -> AuditResult:
    """A report directory's saved result (offline; nothing is computed again)."""
    return report_directory.load(directory)


def render(
    directory: str | os.PathLike[str],
    notebook: bool = True,
    announce: Callable[[str], None] | None = None,
) -> list[Path]:
    """Re-render a report directory's reports from its saved findings and snapshots (offline)."""
    path = Path(directory)
    result = load_report(path)
    atomic.writable_dir(path, "the reports")
    formats = tuple(name for name in REPORT_FORMATS if name != "json")
    return render_formats(result, path, formats, Phases(announce), notebook=notebook)


def snapshot_of(path: str | os.PathLike[str]) -> Snapshot:
    """A saved snapshot file."""
    return load_snapshot(path)


HISTORY_COLUMNS = (
    ("generated_at", "run (UTC)"),
    ("baseline", "baseline"),
    ("verdict", "verdict"),
    ("score", "score"),
    ("blocking", "blocking"),
    ("critical", "critical"),
    ("high", "high"),
    ("medium", "medium"),
    ("low", "low"),
    ("suppressed", "suppressed"),
    ("new", "new"),
    ("fixed", "fixed"),
    ("duration_s", "seconds"),
)


def history_table(target: str, base: str | None = None) -> str:
    """The target's runs from the findings history, as a plain-text table."""
    validate_suffix(target)
    rows = history.runs(target, base)
    if not rows:
        return f"{target}: no run in the history ({history.root(base)})\n"
    cells = [[label for _, label in HISTORY_COLUMNS]]
    for row in rows:
        cells.append(
            ["" if row.get(key) is None else str(row.get(key)) for key, _ in HISTORY_COLUMNS]
        )
    widths = [max(len(r[i]) for r in cells) for i in range(len(HISTORY_COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"


def iam_policy(
    scope: list[str] | None = None,
    *,
    inventory: str | None = None,
    trust: str | None = None,
    external_id: str | None = None,
) -> dict[str, object]:
    """The audit's IAM policy document, or with ``trust`` the audit role's trust policy.

    ``scope`` limits the policy to those environments' resources; an empty string in it (a bare
    ``--scope``) stands for every environment of the inventory. SSM paths come from the
    inventory where it declares one.
    """
    from paymentaudit.api import inventory as environments
    from paymentaudit.iam_policy import policy_document, trust_policy

    if trust is not None:
        return trust_policy(trust, external_id)
    if external_id is not None:
        raise InputError("--external-id needs --trust PRINCIPAL_ARN")
    if scope is None:
        return policy_document()
    declared = environments.load(inventory)
    suffixes = [validate_suffix(s) for s in scope if s]
    if "" in scope:
        if not declared.environments:
            raise InputError("--scope without a suffix needs an inventory of environments")
        suffixes += [s for s in declared.environments if s not in suffixes]
    ssm_paths = {s: path for s in suffixes if (path := declared.get(s).ssm_path)}
    return policy_document(suffixes, ssm_paths or None)
