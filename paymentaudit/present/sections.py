"""Service sections: each service's side-by-side comparison, target health and findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from paymentaudit import frames
from paymentaudit import services as registry
from paymentaudit.findings.result import AuditResult
from paymentaudit.model import Finding, Severity, Status
from paymentaudit.present.markup import (
    BREAK_ANYWHERE,
    FOLD_AT,
    MUTED,
    Html,
    _render,
    _subheading,
    change_html,
    esc,
    note,
    value_html,
)
from paymentaudit.present.tables import findings_table, styled
from paymentaudit.rules.base import Outcome

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler


@dataclass(frozen=True)
class Section:
    """A report section: its heading, description and the services it shows."""

    key: str
    title: str
    services: tuple[str, ...]
    heading: str  # the readiness notebook's heading of the section
    description: str = ""

    @property
    def anchor(self) -> str:
        """The id of the section's heading in readiness.html."""
        return self.heading.replace(" ", "-")


def _sections() -> tuple[Section, ...]:
    """One section per service that has one, in registry order, each listing the services
    shown in it (its own, and those placed there: log groups, the SNS topic)."""
    placed: dict[str, list[str]] = {}
    for spec in registry.SERVICES:
        if spec.placement is not None:
            for key in spec.placement.sections:
                placed.setdefault(key, []).append(spec.name)
    return tuple(
        Section(
            spec.name,
            spec.section.title,
            (spec.name, *placed.get(spec.name, ())),
            spec.section.heading,
            spec.section.description,
        )
        for spec in registry.SERVICES
        if spec.section is not None
    )


SECTIONS: tuple[Section, ...] = _sections()
SECTION_BY_KEY = {s.key: s for s in SECTIONS}


def section_of(service: str, resource: str = "") -> str | None:
    """The section that shows a resource: a function's log group (/aws/lambda/...) goes
    with Lambda, any other log group (VPC flow logs) with CloudWatch; None: no section."""
    return registry.section_of(service, resource)


SIDE_LABELS = {"desired": "desired (code)", "baseline": "baseline", "target": "target"}
MAX_DIFF_ROWS = 80


def _sides(result: AuditResult) -> list[str]:
    return [s for s in frames.SIDES if s in result.normalized]


# Differing target cells: a finding at or above low (pink); only info findings, that is a
# stricter target or a declared expected difference (green); no finding (grey: ignored by the
# policy, or an attribute not compared).
DIFF_COLOURS = {"finding": "#fde2e2", "info": "#dcfce7", "none": "#f3f4f6", "other": "#e0ecff"}


def _finding_index(result: AuditResult) -> dict[tuple[str, str], list[tuple[str, Severity]]]:
    index: dict[tuple[str, str], list[tuple[str, Severity]]] = {}
    for f in result.findings:
        index.setdefault((f.resource_type, f.resource), []).append((f.path, f.severity))
    return index


def _cell_kind(found: list[tuple[str, Severity]], path: str) -> str:
    """How a differing attribute's target cell is shaded: by the findings on that attribute."""
    severities = [
        sev
        for fpath, sev in found
        if not fpath or path == fpath or path.startswith((f"{fpath}.", f"{fpath}["))
    ]
    if any(sev is not Severity.INFO for sev in severities):
        return "finding"
    return "info" if severities else "none"


def _differs_style(
    compact: pd.DataFrame, shown: pd.DataFrame, sides: list[str], result: AuditResult
) -> pd.DataFrame:
    """CSS per shown cell: differing values shaded (the target by its findings' severity),
    summary rows muted, resources separated."""
    css = pd.DataFrame("", index=shown.index, columns=shown.columns)
    labels = [SIDE_LABELS[s] for s in sides]
    first = ~(compact["type"] + " " + compact["resource"]).duplicated()
    index = _finding_index(result)
    i: Any
    for i, row in compact.iterrows():
        kind = row["row"]
        if kind in ("equal", "more"):
            css.loc[i, ["attribute", *labels]] = MUTED
        elif kind == "presence":
            css.loc[i, labels] = "background:#fef3c7"
        elif kind == "differs":
            found = index.get((row["type"], row["resource"]), [])
            for side in sides:
                value = row[side]
                if side == "target":
                    shade = DIFF_COLOURS[_cell_kind(found, row["path"])]
                    css.loc[i, SIDE_LABELS[side]] = f"background:{shade}"
                elif value != row["target"] and not (side == "desired" and value == ""):
                    css.loc[i, SIDE_LABELS[side]] = f"background:{DIFF_COLOURS['other']}"
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


def side_by_side_table(
    result: AuditResult, services: Iterable[str], section_key: str | None = None
) -> Html:
    """The compared attributes of some services (of one section's resources, with
    ``section_key``), desired | baseline | target: the differing attributes of each resource
    (highlighted) with a count of its equal ones, then one line listing the resources without
    any difference."""
    sides = _sides(result)
    parts = [frames.side_by_side(result, s) for s in services]
    full = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if section_key is not None and not full.empty:
        mine = [
            section_of(svc, r) == section_key
            for svc, r in zip(full["service"], full["resource"], strict=True)
        ]
        full = full[mine].reset_index(drop=True)
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
            "attribute": compact["path"].map(lambda v: value_html(v, wrap=BREAK_ANYWHERE)),
        }
    )
    for side in sides:
        shown[SIDE_LABELS[side]] = _value_cells(compact, side)
    css = _differs_style(compact, shown, sides, result)
    widths = {"resource": "17%", "attribute": "21%"}
    table = styled(shown, html_columns=list(shown.columns), widths=widths).apply(
        lambda _frame: css, axis=None
    )
    return Html(table.to_html() + _identical_note(identical, sides))


def _summary_line(result: AuditResult, key: str) -> str:
    services = SECTION_BY_KEY[key].services
    resources = sum(
        1 for r in result.target.resources if section_of(r.service, r.logical_name) == key
    )
    findings = section_findings(result, key)
    by_severity = [
        f"{sum(1 for f in findings if f.severity.value == s.value)} {s.value}"
        for s in Severity
        if any(f.severity is s for f in findings)
    ]
    outcomes = [o for o in result.outcomes if _outcome_section(o) == key]
    passed = sum(1 for o in outcomes if o.status is Status.PASS)
    services_of = _services_by_key(result)
    pairs = [
        p
        for p in result.pairs
        if section_of(services_of.get(p.key, p.key.type.split(".", 1)[0]), p.key.logical_name)
        == key
    ]
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


def section_findings(result: AuditResult, key: str) -> list[Finding]:
    """The findings one section shows."""
    return [f for f in result.findings if section_of(f.service, f.resource) == key]


def _outcome_section(outcome: Outcome) -> str | None:
    """The section of the resource a rule check looked at."""
    service = outcome.resource_type.split(".", 1)[0] if outcome.resource_type else outcome.service
    return section_of(service, outcome.resource)


def _services_by_key(result: AuditResult) -> dict[Any, str]:
    """Each compared resource's service, by pairing key (target first)."""
    out: dict[Any, str] = {}
    for snap in (result.baseline, result.target):
        if snap is not None:
            out.update({r.key: r.service for r in snap.resources})
    return out


def _swatch(colour: str, text: str) -> str:
    return f'<span style="background:{colour};padding:0 4px;margin-right:4px">{text}</span>'


LEGEND = (
    '<span style="font-weight:400;font-size:12px;color:#4b5563;margin-left:14px">'
    + _swatch(DIFF_COLOURS["finding"], "target differs: a finding")
    + _swatch(DIFF_COLOURS["info"], "target differs: info (stricter or expected)")
    + _swatch(DIFF_COLOURS["none"], "target differs: no finding (ignored, not compared)")
    + _swatch(DIFF_COLOURS["other"], "baseline / desired value")
    + "· long values expand on click</span>"
)


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


# Tables a section shows after its comparison: the ALB's listener weights and target health.
EXTRA_TABLES: dict[str, tuple[tuple[str, Callable[[AuditResult], Any]], ...]] = {
    "elbv2": (("Target health", target_health),),
}


def section(result: AuditResult, key: str) -> Html:
    """One service section: a summary line, the side-by-side table, and its findings."""
    sec = SECTION_BY_KEY[key]
    sides = _sides(result)
    compared = " | ".join(SIDE_LABELS[s] for s in sides)
    parts = [
        note(_summary_line(result, key)).html,
        _subheading(f"Compared attributes ({compared}): differences only", LEGEND),
        side_by_side_table(result, sec.services, key).html,
    ]
    for title, table in EXTRA_TABLES.get(key, ()):
        parts += [_subheading(title), _render(table(result))]
    findings = section_findings(result, key)
    parts += [_subheading(f"Findings ({len(findings)})"), _render(findings_table(findings))]
    return Html("\n".join(parts))


def all_sections(result: AuditResult) -> Html:
    """Every section in registry order, each under its heading (the notebook's one loop)."""
    parts = []
    for sec in SECTIONS:
        parts.append(
            f'<h2 id="{esc(sec.anchor)}">{esc(sec.heading)}</h2>'
            f'<p style="color:#374151">{esc(sec.description)}</p>'
        )
        parts.append(section(result, sec.key).html)
    return Html("\n".join(parts))
