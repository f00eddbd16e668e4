"""The compact stdout summary: per service counts, then the verdict and the report path."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from paymentaudit.findings.result import AuditResult
from paymentaudit.model import Severity

SEVERITIES = [s.value for s in Severity]


def render_summary(result: AuditResult, report_dir: Path | None) -> str:
    """Plain text, one table and a few lines; no colour so that it logs cleanly."""
    baseline = result.baseline.suffix if result.baseline else "-"
    lines = [f"paymentaudit: {result.target.suffix} against {baseline} ({result.target.region})"]
    per_service: dict[str, Counter[str]] = {}
    for f in result.findings:
        per_service.setdefault(f.service, Counter())[f.severity.value] += 1
    header = f"  {'service':<11}{'resources':>10}" + "".join(f"{s:>10}" for s in SEVERITIES)
    lines.append(header + f"{'status':>10}")
    for cov in result.coverage:
        counts = per_service.get(cov.service, Counter())
        row = f"  {cov.service:<11}{cov.resources:>10}"
        row += "".join(f"{counts.get(s, 0):>10}" for s in SEVERITIES)
        lines.append(row + f"{cov.status:>10}")
    totals = ", ".join(f"{k} {v}" for k, v in result.counts.items())
    lines.append(f"verdict: {result.verdict}  score {result.score}/100  ({totals})")
    blocking = len(result.blocking)
    if blocking:
        lines.append(f"blocking: {blocking} finding(s) at or above {result.fail_on.value}")
    for cov in result.coverage:
        if cov.status != "ok":
            lines.append(f"not read: {cov.service}: {cov.error}")
    if result.not_evaluated:
        lines.append(f"not evaluated: {len(result.not_evaluated)} rule check(s)")
    if report_dir is not None:
        lines.append(f"report: {report_dir}")
    return "\n".join(lines) + "\n"
