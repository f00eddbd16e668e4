"""The verdict: the notebook parameters that set it and the banner that shows it."""

from __future__ import annotations

from paymentaudit.findings.result import INCOMPLETE, NOT_READY, READY, AuditResult
from paymentaudit.findings.runs import since_line
from paymentaudit.model import Severity, Status
from paymentaudit.present.markup import FONT, SEVERITY_COLOURS, Html, esc

VERDICT_COLOURS = {READY: "#15803d", NOT_READY: "#b91c1c", INCOMPLETE: "#b45309"}


def use_parameters(
    result: AuditResult,
    *,
    target: str | None = None,
    baseline: str | None = None,
    region: str | None = None,
    fail_on: str | None = None,
) -> AuditResult:
    """Check the notebook parameters against the loaded report; apply ``fail_on``."""
    actual = {
        "target": result.target.suffix,
        "baseline": result.baseline.suffix if result.baseline else None,
        "region": result.target.region,
    }
    for name, wanted in (("target", target), ("baseline", baseline), ("region", region)):
        if wanted and wanted != actual[name]:
            raise ValueError(
                f"parameter {name}={wanted!r}, but the report directory holds "
                f"{name} {actual[name]!r}"
            )
    if fail_on:
        result.fail_on = Severity.parse(fail_on)
    return result


def banner(result: AuditResult, title: str | None = None) -> Html:
    """The verdict banner: READY, NOT READY or INCOMPLETE, with the score and the counts."""
    verdict = result.verdict
    colour = VERDICT_COLOURS.get(verdict, "#374151")
    baseline = result.baseline.suffix if result.baseline else "no baseline"
    counts = "".join(
        f'<span style="display:inline-block;margin:0 8px 6px 0;padding:3px 10px;'
        f"border-radius:6px;background:#fff;color:#111827;"
        f'border-left:6px solid {SEVERITY_COLOURS[name]}">'
        f'<b style="font-size:18px">{n}</b> {esc(name)}</span>'
        for name, n in result.counts.items()
    )
    covered = sum(1 for c in result.coverage if c.status == "ok")
    outcomes = [o.status for o in result.outcomes]
    facts = [
        f"{len(result.blocking)} blocking finding(s) at or above {esc(result.fail_on.value)}",
        f"{covered}/{len(result.coverage)} services read completely",
        f"{outcomes.count(Status.PASS)}/{len(outcomes)} rule checks passed",
    ]
    if result.not_evaluated:
        facts.append(f"{len(result.not_evaluated)} rule check(s) not evaluated")
    if result.pairs:
        equal = sum(1 for p in result.pairs if p.status == "equal")
        facts.append(f"{equal}/{len(result.pairs)} resources identical to the baseline")
    history = [esc(text) for text in (since_line(result), result.suppressed_text) if text]
    if result.unused_ignores:
        history.append(f"{len(result.unused_ignores)} unused waiver(s)")
    if result.suppressed or result.unused_ignores:
        history[-1] += (
            " (see " + _link("Suppressed-by-policy", "Suppressed by policy", "#fff") + ")"
        )
    why = {
        READY: "No finding at or above the threshold, and everything was read and evaluated.",
        NOT_READY: "At least one finding is at or above the threshold (see "
        + _link("Blocking-findings", "Blocking findings", "#fff")
        + ").",
        INCOMPLETE: "Nothing blocks, but something could not be read or evaluated (see "
        + _link("Coverage", "Coverage", "#fff")
        + ").",
    }.get(verdict, "")
    return Html(
        f'<div style="font-family:{FONT};background:{colour};color:#fff;border-radius:10px;'
        f'padding:18px 26px 14px 26px;margin:4px 0 12px 0;box-shadow:0 1px 3px rgba(0,0,0,.2)">'
        f'<div style="font-size:13px;opacity:.85;text-transform:uppercase;letter-spacing:.06em">'
        f"{esc(title or 'Production readiness')}</div>"
        f'<div style="display:flex;align-items:baseline;gap:28px;flex-wrap:wrap">'
        f'<div style="font-size:42px;font-weight:800;letter-spacing:.02em">'
        f"{esc(result.verdict_text)}</div>"
        f'<div style="font-size:22px">score <b>{result.score}</b>/100</div></div>'
        f'<div style="font-size:15px;margin:2px 0 10px 0">'
        f"<b>{esc(result.target.suffix)}</b> against <b>{esc(baseline)}</b> · "
        f"{esc(result.target.region)} · fail on <b>{esc(result.fail_on.value)}</b> · "
        f"generated {esc(result.generated_at)}</div>"
        f'<div style="font-size:13.5px;margin:0 0 8px 0">{esc(result.accounts_text)}</div>'
        f"<div>{counts}</div>"
        f'<div style="font-size:13.5px;opacity:.95;margin-top:4px">{" · ".join(facts)}</div>'
        + (
            '<div style="font-size:13.5px;font-weight:600;margin-top:4px">'
            + " · ".join(history)
            + "</div>"
            if history
            else ""
        )
        + f'<div style="font-size:13.5px;opacity:.9;margin-top:2px">{why}</div></div>'
        + contents(result)
    )


def _link(anchor: str, text: str, colour: str = "#1d4ed8") -> str:
    return f'<a href="#{esc(anchor)}" style="color:{colour}">{esc(text)}</a>'


def contents(result: AuditResult) -> str:
    """A line of links to the report's parts, each with its findings above info."""
    from paymentaudit.present.sections import SECTIONS, section_findings

    def count(n: int) -> str:
        return f" <b>({n})</b>" if n else ""

    links = [
        _link("Blocking-findings", "Blocking findings") + count(len(result.blocking)),
        _link("All-findings", "All findings") + count(len(result.findings)),
    ]
    for sec in SECTIONS:
        found = [f for f in section_findings(result, sec.key) if f.severity is not Severity.INFO]
        links.append(_link(sec.anchor, sec.heading) + count(len(found)))
    unread = sum(1 for c in result.coverage if c.status != "ok") + len(result.not_evaluated)
    links.append(_link("Coverage", "Coverage") + count(unread))
    links.append(_link("Suppressed-by-policy", "Suppressed") + count(len(result.suppressed)))
    links.append(_link("Trend", "Trend"))
    return (
        f'<div style="font-family:{FONT};font-size:13px;color:#4b5563;margin:0 0 14px 2px">'
        f'Jump to: {" · ".join(links)} <span style="color:#6b7280">'
        "(in brackets: findings above info; for coverage, what was not read or evaluated)"
        "</span></div>"
    )
