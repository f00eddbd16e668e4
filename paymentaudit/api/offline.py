"""What works without AWS: auditing two saved snapshots, re-rendering a report directory."""

from __future__ import annotations

import os
from pathlib import Path

from paymentaudit import atomic, reporters
from paymentaudit.api.inputs import load_policy, parse_fail_on
from paymentaudit.api.validation import (
    NOTEBOOK_FORMAT,
    REPORT_FORMATS,
    Run,
    ensure_found,
    write_report,
)
from paymentaudit.errors import InputError
from paymentaudit.findings.evaluate import audit
from paymentaudit.findings.result import AuditResult
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


def render(directory: str | os.PathLike[str], notebook: bool = True) -> list[Path]:
    """Re-render a report directory's reports from its saved findings and snapshots (offline)."""
    path = Path(directory)
    result = load_report(path)
    atomic.writable_dir(path, "the reports")
    written: list[Path] = []
    for name in (*REPORT_FORMATS, NOTEBOOK_FORMAT):
        if name == "json" or (name == NOTEBOOK_FORMAT and not notebook):
            continue
        written.extend(reporters.get(name)(result, path))
    return written


def snapshot_of(path: str | os.PathLike[str]) -> Snapshot:
    """A saved snapshot file."""
    return load_snapshot(path)
