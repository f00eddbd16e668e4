"""summary.md: the verdict, the counts and the blocking findings, for a pull-request comment
or $GITHUB_STEP_SUMMARY (which `validate` appends it to when set)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from paymentaudit.atomic import atomic_file
from paymentaudit.findings.result import INCOMPLETE, NOT_READY, READY, AuditResult
from paymentaudit.findings.runs import since_line
from paymentaudit.model import Finding, Severity

SUMMARY = "summary.md"
# A PR comment holds 65536 characters: keep the table well below that.
MAX_ROWS = 50
MAX_CELL = 300
ICONS = {READY: "✅", NOT_READY: "❌", INCOMPLETE: "⚠️"}
# Markdown punctuation that could start emphasis, links, code or a table cell.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def cell(value: object, limit: int = MAX_CELL) -> str:
    """Text safe inside a Markdown table cell: one line, HTML and Markdown escaped, `|` too."""
    text = " ".join(str(value if value is not None else "").split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def render(result: AuditResult) -> str:
    """The Markdown summary of an audit."""
    baseline = result.baseline.suffix if result.baseline else "-"
    verdict = result.verdict
    lines = [
        f"## {ICONS.get(verdict, '')} paymentaudit: {cell(result.target.suffix)} is "
        f"{cell(result.verdict_text)}",
        "",
        f"score **{result.score}/100** · target `{result.target.suffix}` "
        f"against baseline `{baseline}` · region `{result.target.region}` · "
        f"fail on **{result.fail_on.value}** · generated {result.generated_at}",
        "",
        cell(result.accounts_text),
        "",
        _coverage_line(result),
        "",
        *([f"**{cell(since_line(result))}**", ""] if result.previous is not None else []),
        *([f"**{cell(result.suppressed_text)}**", ""] if result.suppressed else []),
        "| " + " | ".join(s.value for s in Severity) + " |",
        "|" + "---:|" * len(Severity),
        "| " + " | ".join(str(n) for n in result.counts.values()) + " |",
        "",
    ]
    blocking = result.blocking
    if blocking:
        lines += [
            f"### Blocking findings ({len(blocking)}, at or above {result.fail_on.value})",
            "",
            "| severity | service | resource | check | finding | remediation |",
            "|---|---|---|---|---|---|",
        ]
        for f in blocking[:MAX_ROWS]:
            lines.append(_row(f))
        if len(blocking) > MAX_ROWS:
            lines.append("")
            lines.append(f"… and {len(blocking) - MAX_ROWS} more in findings.json.")
        lines.append("")
    else:
        lines += [f"No finding at or above {result.fail_on.value}.", ""]
    if result.suppressed:
        lines += [
            f"### Suppressed by policy ({len(result.suppressed)})",
            "",
            "| entry | reason | severity | resource | check | finding |",
            "|---|---|---|---|---|---|",
        ]
        for waived in result.suppressed[:MAX_ROWS]:
            f = waived.finding
            lines.append(
                f"| `{waived.matcher.entry}` | {cell(waived.matcher.reason)} | "
                f"{cell(f.severity.value)} | {cell(f'{f.resource_type} {f.resource}')} | "
                f"{cell(_check(f))} | {cell(f.message)} |"
            )
        if len(result.suppressed) > MAX_ROWS:
            lines += ["", f"… and {len(result.suppressed) - MAX_ROWS} more in findings.json."]
        lines.append("")
    if result.unused_ignores:
        lines += ["### Unused waivers", ""]
        lines += [
            f"- `{m.entry}` ({cell(m.reason)}) matched no finding: remove it or fix it"
            for m in result.unused_ignores
        ]
        lines.append("")
    unread = [c for c in result.coverage if c.status != "ok"]
    if unread or result.not_evaluated:
        lines += ["### Not read or not evaluated", ""]
        lines += [f"- {cell(c.service)}: {cell(c.error or 'could not be read')}" for c in unread]
        for o in result.not_evaluated[:MAX_ROWS]:
            lines.append(
                f"- {cell(o.rule)} on {cell(o.resource_type)} {cell(o.resource)}: {cell(o.message)}"
            )
        if len(result.not_evaluated) > MAX_ROWS:
            lines.append(f"- … and {len(result.not_evaluated) - MAX_ROWS} more")
        lines.append("")
    lines.append(
        "The full report is `readiness.html` next to this file (every service's comparison "
        "and findings; absent when the notebook was skipped), with `findings.json`, "
        "`snapshots/`, `findings.sarif` and `junit.xml`."
    )
    return "\n".join(lines) + "\n"


def _check(f: Finding) -> str:
    return f.check if f.kind.value == f.check else f"{f.kind.value} {f.check}"


def _row(f: Finding) -> str:
    """A blocking finding's table row; its state since the previous report when known."""
    state = f" ({f.baseline_state})" if f.baseline_state is not None else ""
    return (
        f"| {cell(f.severity.value + state)} | {cell(f.service)} | "
        f"{cell(f'{f.resource_type} {f.resource}')} | {cell(_check(f))} | "
        f"{cell(_message(f))} | {cell(f.remediation, 200)} |"
    )


def _message(f: Finding) -> str:
    """The message, and how many more parts of evidence back it."""
    more = len(f.parts) - 1
    return f.message + (f" (+{more} more evidence in findings.json)" if more else "")


def _coverage_line(result: AuditResult) -> str:
    """What the verdict rests on: services read, rule checks, resources compared."""
    read = sum(1 for c in result.coverage if c.status == "ok")
    outcomes = result.outcomes
    passed = sum(1 for o in outcomes if o.status.value == "pass")
    parts = [
        f"{read}/{len(result.coverage)} services read",
        f"{passed}/{len(outcomes)} rule checks passed",
        f"{len(result.not_evaluated)} not evaluated",
    ]
    if result.pairs:
        equal = sum(1 for p in result.pairs if p.status == "equal")
        parts.append(f"{equal}/{len(result.pairs)} resources identical to the baseline")
    return " · ".join(parts)


def write(result: AuditResult, directory: Path) -> list[Path]:
    """Write summary.md."""
    path = Path(directory) / SUMMARY
    with atomic_file(path) as tmp:
        tmp.write_text(render(result), encoding="utf-8")
    return [path]
