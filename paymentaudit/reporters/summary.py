"""The compact stdout summary: per service counts, then the verdict and the report path."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from paymentaudit.findings.result import AuditResult
from paymentaudit.findings.runs import since_line
from paymentaudit.model import Severity

SEVERITIES = [s.value for s in Severity]


def render_summary(result: AuditResult, report_dir: Path | None, latest: Path | None = None) -> str:
    """Plain text, one table and a few lines; no colour so that it logs cleanly."""
    baseline = result.baseline.suffix if result.baseline else "-"
    lines = [
        f"paymentaudit: {result.target.suffix} against {baseline} ({result.target.region})",
        f"  {result.accounts_text}",
    ]
    per_service: dict[str, Counter[str]] = {}
    for f in result.findings:
        per_service.setdefault(f.service, Counter())[f.severity.value] += 1
    width = max([len("service"), *(len(c.service) for c in result.coverage)]) + 2
    header = f"  {'service':<{width}}{'resources':>10}" + "".join(f"{s:>10}" for s in SEVERITIES)
    lines.append(header + f"{'status':>10}")
    for cov in result.coverage:
        counts = per_service.get(cov.service, Counter())
        row = f"  {cov.service:<{width}}{cov.resources:>10}"
        row += "".join(f"{counts.get(s, 0):>10}" for s in SEVERITIES)
        lines.append(row + f"{cov.status:>10}")
    totals = ", ".join(f"{k} {v}" for k, v in result.counts.items())
    lines.append(f"verdict: {result.verdict_text}  score {result.score}/100  ({totals})")
    blocking = len(result.blocking)
    if blocking:
        new = " new" if result.mode == "new-only" else ""
        lines.append(f"blocking: {blocking}{new} finding(s) at or above {result.fail_on.value}")
    if result.previous is not None:
        lines.append(since_line(result))
    if result.suppressed:
        lines.append(result.suppressed_text)
    for matcher in result.unused_ignores:
        lines.append(f"unused waiver: {matcher.entry} ({matcher.reason}) matched no finding")
    for cov in result.coverage:
        if cov.status != "ok":
            lines.append(f"not read: {cov.service}: {cov.error}")
    if result.not_evaluated:
        lines.append(f"not evaluated: {len(result.not_evaluated)} rule check(s)")
    if report_dir is not None:
        lines.extend(_where_lines(report_dir, latest))
    return "\n".join(lines) + "\n"


def _where_lines(report_dir: Path, latest: Path | None) -> list[str]:
    """Where the report is: the run's directory, its HTML (or why there is none) and latest."""
    lines = [f"report: {report_dir}"]
    html = report_dir / "readiness.html"
    if html.is_file():
        lines.append(f"open: {html}")
    else:
        lines.append("no readiness.html in this report (--no-notebook); `report DIR` adds it")
    if latest is not None:
        lines.append(f"latest: {latest} -> {report_dir.name}")
    return lines
