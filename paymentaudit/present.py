"""Presentation for the readiness notebook: banner, chart, styled tables, service sections.

The notebook's cells stay a line or two each: they call these functions, which return
objects that Jupyter displays (``_repr_html_`` / ``_repr_png_``) and that work outside a
notebook too (``.html`` / ``.png``). Tables are pandas Stylers; the chart is matplotlib
(the Agg canvas, no pyplot state). Nothing here calls AWS.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from paymentaudit import frames
from paymentaudit.audit import INCOMPLETE, NOT_READY, READY
from paymentaudit.model import Finding, Severity, Status

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from paymentaudit.audit import AuditResult


@dataclass(frozen=True)
class Section:
    """A report section: its heading and the services it shows."""

    key: str
    title: str
    services: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section("ec2", "VPC and network", ("ec2",)),
    Section("rds", "RDS (Aurora PostgreSQL)", ("rds",)),
    Section("dynamodb", "DynamoDB", ("dynamodb",)),
    Section("s3", "S3", ("s3",)),
    Section("lambda", "Lambda and its log groups", ("lambda", "logs")),
    Section("elbv2", "ALB and target health", ("elbv2",)),
    Section(
        "cloudwatch", "CloudWatch alarms, dashboard and the SNS alarm topic", ("cloudwatch", "sns")
    ),
    Section("kms", "KMS", ("kms",)),
    Section("ssm", "SSM parameters", ("ssm",)),
    Section("iam", "IAM", ("iam",)),
)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}

VERDICT_COLOURS = {READY: "#15803d", NOT_READY: "#b91c1c", INCOMPLETE: "#b45309"}
SEVERITY_COLOURS = {
    "critical": "#7f1d1d",
    "high": "#dc2626",
    "medium": "#f59e0b",
    "low": "#3b82f6",
    "info": "#9ca3af",
}
SIDE_LABELS = {"desired": "desired (code)", "baseline": "baseline", "target": "target"}
# Longer values are folded into a <details> element (click to expand the full JSON).
FOLD_AT = 110
MAX_DIFF_ROWS = 80
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


class Html:
    """HTML that Jupyter displays as such (``_repr_html_``)."""

    def __init__(self, text: str) -> None:
        self.html = text

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


class Png:
    """A PNG image, displayed as an inline ``<img>`` with alternative text (``_repr_html_``:
    nbconvert's own PNG output has no alt text)."""

    def __init__(self, data: bytes, alt: str = "") -> None:
        self.png = data
        self.alt = alt

    def _repr_html_(self) -> str:
        encoded = base64.b64encode(self.png).decode("ascii")
        return (
            f'<img src="data:image/png;base64,{encoded}" alt="{esc(self.alt)}" '
            'style="max-width:100%;height:auto">'
        )


# -- parameters ------------------------------------------------------------------------------


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


# -- small HTML pieces -------------------------------------------------------------------------


def esc(value: Any) -> str:
    """HTML-escaped text."""
    return html.escape(str(value), quote=True)


def badge(severity: str) -> str:
    """A coloured severity label."""
    colour = SEVERITY_COLOURS.get(severity, "#6b7280")
    return (
        f'<span style="display:inline-block;min-width:4.6em;text-align:center;white-space:nowrap;'
        f"padding:1px 6px;border-radius:9px;background:{colour};color:#fff;"
        f'font-size:11px;font-weight:600;letter-spacing:.02em">{esc(severity)}</span>'
    )


WRAP = "white-space:pre-wrap;overflow-wrap:break-word"
MUTED = "color:#6b7280;font-style:italic"


def value_html(text: Any, fold_at: int = FOLD_AT, empty: str = "") -> str:
    """A table value: escaped, wrapped; long (JSON) values folded into <details>;
    ``empty`` (muted) stands for an empty value."""
    text = "" if text is None else str(text)
    if not text and empty:
        return f'<span style="{MUTED}">{esc(empty)}</span>'
    if len(text) <= fold_at:
        return f'<span style="{WRAP}">{esc(text)}</span>'
    try:
        pretty = json.dumps(json.loads(text), indent=2, sort_keys=True)
    except ValueError:
        pretty = text
    head = text[: fold_at - 10].rstrip()
    return (
        f'<details><summary style="cursor:pointer;overflow-wrap:anywhere">{esc(head)}… '
        f'<span style="color:#6b7280">({len(text)} chars)</span></summary>'
        f'<pre style="{WRAP};font-size:11px;max-height:28em;overflow:auto;margin:4px 0">'
        f"{esc(pretty)}</pre></details>"
    )


def change_html(before: str, after: str, limit: int = 400) -> str:
    """What changed inside a long JSON value: list items added/removed, dict keys changed."""
    try:
        old, new = json.loads(before), json.loads(after)
    except ValueError:
        return ""
    lines: list[tuple[str, str]] = []
    if isinstance(old, list) and isinstance(new, list):
        lines += [("+", json.dumps(x, sort_keys=True)) for x in new if x not in old]
        lines += [("-", json.dumps(x, sort_keys=True)) for x in old if x not in new]
    elif isinstance(old, dict) and isinstance(new, dict):
        changed = [k for k in new if k in old and new[k] != old[k]]
        lines += [("+", str(k)) for k in new if k not in old]
        lines += [("-", str(k)) for k in old if k not in new]
        if changed:
            lines.append(("~", ", ".join(map(str, changed))))
    colours = {"+": "#b91c1c", "-": "#1d4ed8", "~": "#92400e"}
    return "".join(
        f'<div style="color:{colours[sign]};font-size:11.5px;{WRAP}">'
        f"{sign} {esc(text if len(text) <= limit else text[: limit - 1] + '…')}</div>"
        for sign, text in lines[:8]
    )


def _table_styles(
    widths: dict[str, str] | None = None, full_width: bool = True
) -> list[dict[str, Any]]:
    styles: list[dict[str, Any]] = [
        {
            "selector": "",
            "props": [
                ("border-collapse", "collapse"),
                ("width", "100%" if full_width else "auto"),
                ("table-layout", "auto"),
                ("font-size", "12.5px"),
                ("font-family", FONT),
                ("margin", "6px 0 14px 0"),
            ],
        },
        {
            "selector": "th",
            "props": [
                ("text-align", "left"),
                ("background", "#f3f4f6"),
                ("color", "#111827"),
                ("font-weight", "600"),
                ("padding", "5px 8px"),
                ("border-bottom", "2px solid #d1d5db"),
                ("white-space", "nowrap"),
            ],
        },
        {
            "selector": "td",
            "props": [
                ("text-align", "left"),
                ("vertical-align", "top"),
                ("padding", "4px 8px"),
                ("border-bottom", "1px solid #e5e7eb"),
                ("max-width", "38em"),
                ("overflow-wrap", "break-word"),
            ],
        },
    ]
    for i, width in enumerate((widths or {}).values()):
        styles.append({"selector": f".col{i}", "props": [("width", width)]})
    return styles


def styled(
    frame: pd.DataFrame,
    html_columns: Sequence[str] = (),
    widths: dict[str, str] | None = None,
    full_width: bool = True,
) -> Styler:
    """A Styler with the report's table look; ``html_columns`` already hold HTML.

    Column names are shown with spaces for underscores.
    """
    shown = frame.copy()
    for column in shown.columns:
        if column not in html_columns:
            shown[column] = shown[column].map(lambda v: value_html(v))
    return (
        shown.style.hide(axis="index")
        .set_table_styles(_table_styles(widths, full_width))
        .format(lambda v: v, escape=None)
        .format_index(lambda c: str(c).replace("_", " "), axis="columns")
    )


def note(text: str, colour: str = "#374151") -> Html:
    """A short paragraph."""
    return Html(f'<p style="font-family:{FONT};color:{colour};margin:4px 0 10px 0">{text}</p>')


# -- banner ------------------------------------------------------------------------------------


def banner(result: AuditResult, title: str | None = None) -> Html:
    """The verdict banner: READY, NOT READY or INCOMPLETE, with the score and the counts."""
    verdict = result.verdict
    colour = VERDICT_COLOURS.get(verdict, "#374151")
    baseline = result.baseline.suffix if result.baseline else "no baseline"
    counts = "".join(
        f'<span style="display:inline-block;margin:0 8px 6px 0;padding:4px 10px;'
        f"border-radius:6px;background:rgba(255,255,255,.16);"
        f'border-left:5px solid {SEVERITY_COLOURS[name]}">'
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
    why = {
        READY: "No finding at or above the threshold, and everything was read and evaluated.",
        NOT_READY: "At least one finding is at or above the threshold (see Blocking findings).",
        INCOMPLETE: "Nothing blocks, but something could not be read or evaluated (see Coverage).",
    }.get(verdict, "")
    return Html(
        f'<div style="font-family:{FONT};background:{colour};color:#fff;border-radius:10px;'
        f'padding:18px 26px 14px 26px;margin:4px 0 12px 0;box-shadow:0 1px 3px rgba(0,0,0,.2)">'
        f'<div style="font-size:13px;opacity:.85;text-transform:uppercase;letter-spacing:.06em">'
        f"{esc(title or 'Production readiness')}</div>"
        f'<div style="display:flex;align-items:baseline;gap:28px;flex-wrap:wrap">'
        f'<div style="font-size:42px;font-weight:800;letter-spacing:.02em">{esc(verdict)}</div>'
        f'<div style="font-size:22px">score <b>{result.score}</b>/100</div></div>'
        f'<div style="font-size:15px;margin:2px 0 10px 0">'
        f"<b>{esc(result.target.suffix)}</b> against <b>{esc(baseline)}</b> · "
        f"{esc(result.target.region)} · fail on <b>{esc(result.fail_on.value)}</b> · "
        f"generated {esc(result.generated_at)}</div>"
        f"<div>{counts}</div>"
        f'<div style="font-size:13.5px;opacity:.95;margin-top:4px">{" · ".join(facts)}</div>'
        f'<div style="font-size:13.5px;opacity:.9;margin-top:2px">{esc(why)}</div></div>'
    )


# -- chart -------------------------------------------------------------------------------------


def service_order(result: AuditResult) -> list[str]:
    """Services in section order, then any other service the audit saw."""
    ordered = [s for section in SECTIONS for s in section.services]
    seen = [c.service for c in result.coverage] + [f.service for f in result.findings]
    return ordered + [s for s in dict.fromkeys(seen) if s not in ordered]


def findings_chart(result: AuditResult) -> Png:
    """Findings by service and severity (stacked bars) next to rule outcomes by service."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    services = service_order(result)
    counts = frames.severity_counts(result.findings, services).loc[services]
    outcomes = frames.outcome_counts(result.outcomes).reindex(services, fill_value=0)
    # Fixed margins (the left one fits the longest service name): a constrained layout
    # would cost twice the drawing time.
    fig = Figure(figsize=(12.5, 4.4), dpi=110)
    FigureCanvasAgg(fig)
    longest = max((len(s) for s in services), default=4)
    fig.subplots_adjust(left=0.02 + 0.0062 * longest, right=0.985, top=0.86, bottom=0.12)
    fig.subplots_adjust(wspace=0.06)
    left, right = fig.subplots(1, 2, width_ratios=(1.6, 1), sharey=True)
    y = range(len(services))
    start = [0] * len(services)
    for severity in counts.columns:
        values = counts[severity].tolist()
        left.barh(y, values, left=start, color=SEVERITY_COLOURS[severity], label=severity)
        start = [a + b for a, b in zip(start, values, strict=True)]
    for i, total in enumerate(start):
        if total:
            left.text(total + 0.08, i, str(total), va="center", fontsize=9, color="#374151")
    left.set_yticks(list(y), services)
    left.invert_yaxis()
    left.set_title("Findings by service and severity", loc="left", fontsize=11)
    left.set_xlabel("findings")
    left.legend(ncols=5, loc="lower right", fontsize=8, frameon=False, bbox_to_anchor=(1, 1.06))
    status_colours = {"pass": "#16a34a", "fail": "#dc2626", "not_evaluated": "#9ca3af"}
    start = [0] * len(services)
    for status in outcomes.columns:
        values = outcomes[status].tolist()
        label = status.replace("_", " ")
        right.barh(y, values, left=start, color=status_colours.get(status), label=label)
        start = [a + b for a, b in zip(start, values, strict=True)]
    right.set_title("Rule checks by service", loc="left", fontsize=11)
    right.set_xlabel("rule checks")
    right.legend(ncols=3, loc="lower right", fontsize=8, frameon=False, bbox_to_anchor=(1, 1.06))
    for axis in (left, right):
        axis.spines[["top", "right"]].set_visible(False)
        axis.xaxis.get_major_locator().set_params(integer=True)
        axis.grid(axis="x", color="#e5e7eb", linewidth=0.8)
        axis.set_axisbelow(True)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return Png(
        buffer.getvalue(),
        alt="Bar charts: findings by service and severity; rule checks by service and status",
    )


# -- findings tables ---------------------------------------------------------------------------


def _findings_frame(findings: Iterable[Finding], with_service: bool) -> pd.DataFrame:
    rows = []
    for f in findings:
        check = f.check if f.kind.value == f.check else f"{f.kind.value} · {f.check}"
        row = {"severity": badge(f.severity.value)}
        if with_service:
            row["service"] = value_html(f.service)
        row.update(
            {
                "check": value_html(check),
                "resource": value_html(f"{f.resource_type} {f.resource}"),
                "attribute": value_html(f.path),
                "finding": value_html(f.message, fold_at=400),
                "remediation": (
                    f'<span style="color:#4b5563">{value_html(f.remediation, fold_at=400)}</span>'
                ),
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def findings_table(findings: Sequence[Finding], with_service: bool = False) -> Styler | Html:
    """Findings as a styled table (severity badges, wrapped text)."""
    if not findings:
        return note("No findings.")
    frame = _findings_frame(findings, with_service)
    return styled(frame, html_columns=list(frame.columns))


def blocking(result: AuditResult) -> Styler | Html:
    """The findings at or above --fail-on."""
    if not result.blocking:
        return note(
            f"No finding at or above <b>{esc(result.fail_on.value)}</b>: nothing blocks.",
            "#15803d",
        )
    return findings_table(result.blocking, with_service=True)


# -- service sections --------------------------------------------------------------------------


def _sides(result: AuditResult) -> list[str]:
    return [s for s in frames.SIDES if s in result.normalized]


def _differs_style(compact: pd.DataFrame, shown: pd.DataFrame, sides: list[str]) -> pd.DataFrame:
    """CSS per shown cell: differing values shaded, summary rows muted, resources separated."""
    css = pd.DataFrame("", index=shown.index, columns=shown.columns)
    labels = [SIDE_LABELS[s] for s in sides]
    first = ~(compact["type"] + " " + compact["resource"]).duplicated()
    for i, row in compact.iterrows():
        kind = row["row"]
        if kind in ("equal", "more"):
            css.loc[i, ["attribute", *labels]] = MUTED
        elif kind == "presence":
            css.loc[i, labels] = "background:#fef3c7"
        elif kind == "differs":
            for side in sides:
                value = row[side]
                if side == "target":
                    css.loc[i, SIDE_LABELS[side]] = "background:#fde2e2"
                elif value != row["target"] and not (side == "desired" and value == ""):
                    css.loc[i, SIDE_LABELS[side]] = "background:#e0ecff"
        if first[i] and i != compact.index[0]:
            css.loc[i, :] = css.loc[i, :] + ";border-top:2px solid #9ca3af"
    return css


def _identical_note(identical: pd.DataFrame, sides: list[str]) -> str:
    """One paragraph listing the resources without any difference, by type."""
    if identical.empty:
        return ""
    by_type: dict[str, list[str]] = {}
    for row in identical.itertuples():
        by_type.setdefault(str(row.type), []).append(f"{esc(row.resource)} ({row.equal})")
    listed = "; ".join(f"<b>{esc(t)}</b> {', '.join(names)}" for t, names in by_type.items())
    where = " and ".join(SIDE_LABELS[s] for s in sides)
    return note(
        f"<b>{len(identical)}</b> resource(s) identical in {where} "
        f"(attributes compared in brackets): {listed}",
        "#4b5563",
    ).html


def _value_cells(compact: pd.DataFrame, side: str) -> list[str]:
    cells = []
    for row in compact.to_dict("records"):
        if row["row"] != "differs":
            cells.append(value_html(row[side]))
            continue
        cell = value_html(row[side], empty="(none)")
        if side == "target":
            reference = row.get("baseline") or row.get("desired") or ""
            if max(len(reference), len(row[side])) > FOLD_AT:
                cell += change_html(reference, row[side])
        cells.append(cell)
    return cells


def side_by_side_table(result: AuditResult, services: Iterable[str]) -> Html:
    """The compared attributes of some services, desired | baseline | target: the differing
    attributes of each resource (highlighted) with a count of its equal ones, then one line
    listing the resources without any difference."""
    sides = _sides(result)
    parts = [result.side_by_side(s) for s in services]
    full = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if full.empty:
        return note("Nothing was compared for this section.")
    compact = frames.compact_side_by_side(full, max_rows=MAX_DIFF_ROWS)
    identical = compact[compact["row"] == "identical"]
    compact = compact[compact["row"] != "identical"].reset_index(drop=True)
    if compact.empty:
        return Html(
            note("No difference: every compared attribute is equal.").html
            + _identical_note(identical, sides)
        )
    first = ~(compact["type"] + " " + compact["resource"]).duplicated()
    shown = pd.DataFrame(
        {
            # Each resource's name once, on its first row.
            "resource": [
                f"<b>{esc(r)}</b><br><span style='color:#6b7280'>{esc(t)}</span>" if f else ""
                for r, t, f in zip(compact["resource"], compact["type"], first, strict=True)
            ],
            "attribute": compact["path"].map(lambda v: value_html(v)),
        }
    )
    for side in sides:
        shown[SIDE_LABELS[side]] = _value_cells(compact, side)
    css = _differs_style(compact, shown, sides)
    widths = {"resource": "17%", "attribute": "21%"}
    table = styled(shown, html_columns=list(shown.columns), widths=widths).apply(
        lambda _frame: css, axis=None
    )
    return Html(table.to_html() + _identical_note(identical, sides))


def _summary_line(result: AuditResult, services: tuple[str, ...]) -> str:
    resources = sum(c.resources for c in result.coverage if c.service in services)
    findings = [f for f in result.findings if f.service in services]
    by_severity = [
        f"{sum(1 for f in findings if f.severity.value == s.value)} {s.value}"
        for s in Severity
        if any(f.severity is s for f in findings)
    ]
    outcomes = [o for o in result.outcomes if o.service in services]
    passed = sum(1 for o in outcomes if o.status is Status.PASS)
    pairs = [p for p in result.pairs if _pair_service(result, p) in services]
    changed = sum(1 for p in pairs if p.status != "equal")
    parts = [
        f"<b>{resources}</b> resource(s) in the target",
        f"<b>{len(findings)}</b> finding(s)" + (f" ({', '.join(by_severity)})" if findings else ""),
        f"<b>{passed}/{len(outcomes)}</b> rule checks passed" if outcomes else "no rule check",
        f"<b>{changed}</b> of {len(pairs)} compared resource(s) differ from the baseline",
    ]
    unread = [c for c in result.coverage if c.service in services and c.status != "ok"]
    if unread:
        parts.append(
            '<b style="color:#b45309">not read: '
            + esc(", ".join(f"{c.service} ({c.error})" for c in unread))
            + "</b>"
        )
    return " · ".join(parts)


def _pair_service(result: AuditResult, pair: Any) -> str:
    for snap in (result.target, result.baseline):
        if snap is not None:
            for r in snap.resources:
                if r.key == pair.key:
                    return r.service
    return pair.key.type.split(".", 1)[0]


LEGEND = (
    '<span style="font-weight:400;font-size:12px;color:#6b7280;margin-left:14px">'
    '<span style="background:#fde2e2;padding:0 4px">target value</span> '
    '<span style="background:#e0ecff;padding:0 4px">differs from the target</span> '
    "· long values expand on click</span>"
)


def _subheading(text: str, extra_html: str = "") -> str:
    return (
        f'<h4 style="font-family:{FONT};font-size:14px;margin:14px 0 4px 0;color:#111827">'
        f"{esc(text)}{extra_html}</h4>"
    )


def _render(part: Styler | Html) -> str:
    return part.html if isinstance(part, Html) else part.to_html()


def target_health(result: AuditResult) -> Styler | Html:
    """Listener weight and registered targets' health of each target group, per environment."""
    frame = frames.target_health_frame(result)
    if frame.empty:
        return note("No target group was found.")
    frame["weight"] = frame["weight"].map(lambda w: "" if w is None or pd.isna(w) else f"{w:g}")
    colours = {"healthy": "#15803d", "": "#6b7280"}
    frame["state"] = frame["state"].map(
        lambda s: f'<b style="color:{colours.get(s, "#b91c1c")}">{esc(s)}</b>'
    )
    return styled(frame, html_columns=["state"], full_width=False)


def section(result: AuditResult, key: str) -> Html:
    """One service section: a summary line, the side-by-side table, and its findings."""
    sec = SECTION_BY_KEY[key]
    sides = _sides(result)
    compared = " | ".join(SIDE_LABELS[s] for s in sides)
    parts = [
        note(_summary_line(result, sec.services)).html,
        _subheading(f"Compared attributes ({compared}): differences only", LEGEND),
        side_by_side_table(result, sec.services).html,
    ]
    if key == "elbv2":
        parts += [_subheading("Target health"), _render(target_health(result))]
    findings = [f for f in result.findings if f.service in sec.services]
    parts += [_subheading(f"Findings ({len(findings)})"), _render(findings_table(findings))]
    return Html("\n".join(parts))


# -- coverage ----------------------------------------------------------------------------------


def coverage(result: AuditResult) -> Html:
    """What could not be read, and why; the rule checks that could not be evaluated."""
    rows = []
    for cov in result.coverage:
        ok = cov.status == "ok"
        status = (
            '<b style="color:#15803d">read</b>' if ok else '<b style="color:#b91c1c">NOT READ</b>'
        )
        rows.append(
            {
                "service": value_html(cov.service),
                "status": status,
                "resources (target)": value_html(cov.resources),
                "error": value_html(cov.error or "", fold_at=400),
            }
        )
    unread = [c for c in result.coverage if c.status != "ok"]
    head = (
        f"All {len(result.coverage)} services were read completely on both sides."
        if not unread
        else f"<b>{len(unread)}</b> service(s) could not be read completely: their rule checks "
        "are not evaluated and missing/unexpected resources are not reported for them."
    )
    table = styled(pd.DataFrame(rows), html_columns=list(rows[0]) if rows else [], full_width=False)
    parts = [note(head).html, table.to_html()]
    parts.append(_subheading(f"Rule checks not evaluated ({len(result.not_evaluated)})"))
    if result.not_evaluated:
        frame = pd.DataFrame(
            [
                {
                    "rule": o.rule,
                    "service": o.service,
                    "resource": f"{o.resource_type} {o.resource}".strip(),
                    "reason": o.message,
                }
                for o in result.not_evaluated
            ]
        )
        parts.append(styled(frame, full_width=False).to_html())
    else:
        parts.append(note("Every rule check was evaluated.").html)
    covered = {s for sec in SECTIONS for s in sec.services}
    other = [f for f in result.findings if f.service not in covered]
    if other:
        parts.append(_subheading(f"Findings of other services ({len(other)})"))
        parts.append(_render(findings_table(other, with_service=True)))
    return Html("\n".join(parts))
