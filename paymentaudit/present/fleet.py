"""Presentation for the fleet notebook (``notebooks/fleet.ipynb``): the fleet's banner, the
environments with their verdicts, the environment x rule heatmap, the common differences and
the peer deviations. Every environment links to its own ``<suffix>/readiness.html``.

Everything shown comes from the fleet directory's fleet.json and the environments' saved
findings (``fleet.model.load``, ``fleet.matrix``); nothing is computed here but the look.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from paymentaudit.fleet.matrix import RuleCell, rule_ids, rule_matrix
from paymentaudit.fleet.model import FleetView, Verdict
from paymentaudit.fleet.model import load as load_view
from paymentaudit.model import Severity, Status
from paymentaudit.present.markup import FONT, MUTED, SEVERITY_COLOURS, Html, badge, esc, note
from paymentaudit.present.tables import styled
from paymentaudit.present.verdict import VERDICT_COLOURS

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

PAGE = "readiness.html"
PASS_COLOUR, NOT_EVALUATED_COLOUR, ABSENT_COLOUR = "#bbf7d0", "#fde68a", "#f3f4f6"


def load(fleet_dir: str | os.PathLike[str]) -> FleetView:
    """The fleet directory's fleet.json."""
    return load_view(fleet_dir)


def link(view_dir: str, suffix: str) -> str:
    """``suffix`` linking to its report, ``<report_dir>/readiness.html`` (relative)."""
    return f'<a href="{esc(view_dir)}/{PAGE}" style="color:#1d4ed8"><b>{esc(suffix)}</b></a>'


def banner(view: FleetView, title: str | None = None) -> Html:
    """The fleet's verdict: how many environments are NOT READY, INCOMPLETE and READY."""
    worst = {1: Verdict.NOT_READY, 3: Verdict.INCOMPLETE}.get(view.exit_code, Verdict.READY)
    tally = view.tally()
    chips = "".join(
        f'<span style="display:inline-block;margin:0 8px 4px 0;padding:3px 10px;'
        f"border-radius:6px;background:#fff;color:#111827;"
        f'border-left:6px solid {VERDICT_COLOURS[v]}"><b style="font-size:18px">{tally[v]}</b> '
        f"{esc(v.value)}</span>"
        for v in (Verdict.NOT_READY, Verdict.INCOMPLETE, Verdict.READY)
    )
    return Html(
        f'<div style="font-family:{FONT};background:{VERDICT_COLOURS[worst]};color:#fff;'
        f'border-radius:10px;padding:16px 24px;margin:4px 0 12px 0">'
        f'<div style="font-size:13px;opacity:.85;text-transform:uppercase;letter-spacing:.06em">'
        f"{esc(title or 'Fleet readiness')}</div>"
        f'<div style="font-size:34px;font-weight:800">{len(view.environments)} environments</div>'
        f"<div>{chips}</div>"
        f'<div style="font-size:13.5px;margin-top:4px">'
        f"{len(view.common_differences)} difference(s) shared by two or more environments · "
        f"{len(view.peer_deviations)} peer deviation(s) · generated {esc(view.generated_at)}"
        "</div></div>"
    )


def environments(view: FleetView) -> Styler:
    """One row per environment: verdict, score, counts, baseline, account; each links to its
    readiness.html."""
    rows = []
    for env in view.environments:
        colour = VERDICT_COLOURS.get(env.verdict, "#374151")
        rows.append(
            {
                "environment": link(env.report_dir, env.suffix),
                "verdict": f'<b style="color:{colour}">{esc(env.verdict.value)}</b>',
                "score": f"{env.score}/100",
                **{s.value: str(env.counts.get(s.value, 0)) for s in Severity},
                "baseline": esc(env.baseline or "-"),
                "account": esc(env.account or "?"),
                "region": esc(env.region),
            }
        )
    frame = pd.DataFrame(rows)
    return styled(frame, html_columns=list(frame.columns), full_width=False)


def _cell(cell: RuleCell | None) -> tuple[str, str, str]:
    """(background, text, tooltip) of one heatmap cell."""
    if cell is None:
        return ABSENT_COLOUR, "", "no resource to check"
    if cell.status is Status.FAIL:
        severity = cell.severity.value if cell.severity else "fail"
        colour = SEVERITY_COLOURS.get(severity, "#dc2626")
        return colour, str(cell.failures), f"{cell.failures} failing ({severity})"
    if cell.status is Status.NOT_EVALUATED:
        return NOT_EVALUATED_COLOUR, "?", "not evaluated"
    return PASS_COLOUR, "", "passes"


def heatmap(view: FleetView, fleet_dir: str | os.PathLike[str] = ".") -> Html:
    """Environments x readiness rules: a failing rule is coloured by its highest severity and
    shows how many resources fail it; ? is not evaluated; green passes; grey: nothing to check."""
    rows = rule_matrix(Path(fleet_dir), view)
    if not rows:
        return note("No environment in this fleet.")
    rules = rule_ids()
    head = "".join(
        f'<th style="writing-mode:vertical-rl;transform:rotate(180deg);font-weight:500;'
        f'padding:4px 2px;font-size:11px;white-space:nowrap">{esc(r)}</th>'
        for r in rules
    )
    body = []
    by_suffix = {env.suffix: env for env in view.environments}
    for row in rows:
        cells = []
        for rule in rules:
            colour, text, tip = _cell(row.cells.get(rule))
            ink = "#fff" if text and text != "?" else "#111827"
            cells.append(
                f'<td title="{esc(rule)}: {esc(tip)}" style="background:{colour};color:{ink};'
                f'text-align:center;min-width:18px;font-size:11px;border:1px solid #fff">'
                f"{esc(text)}</td>"
            )
        env = by_suffix[row.suffix]
        body.append(
            f'<tr><td style="padding:2px 8px;white-space:nowrap">'
            f"{link(env.report_dir, row.suffix)}</td>{''.join(cells)}</tr>"
        )
    legend = " · ".join(
        f'<span style="background:{c};padding:0 6px;border-radius:3px;color:#fff">{esc(s)}</span>'
        for s, c in SEVERITY_COLOURS.items()
        if s != "info"
    )
    return Html(
        f'<div style="overflow-x:auto;font-family:{FONT}">'
        f'<table style="border-collapse:collapse;font-size:12px"><thead><tr><th></th>{head}</tr>'
        f"</thead><tbody>{''.join(body)}</tbody></table>"
        f'<p style="{MUTED};font-size:12px">failing, by highest severity: {legend} · '
        f'<span style="background:{NOT_EVALUATED_COLOUR};padding:0 6px">?</span> not evaluated'
        f' · <span style="background:{PASS_COLOUR};padding:0 6px">&nbsp;</span> passes</p></div>'
    )


def _value(value: Any) -> str:
    if value is None:
        return "(absent)"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _environment_links(view: FleetView, suffixes: tuple[str, ...] | list[str]) -> str:
    dirs = {env.suffix: env.report_dir for env in view.environments}
    return ", ".join(link(dirs.get(s, s), s) for s in suffixes)


def common_differences(view: FleetView) -> Styler | Html:
    """Each difference from the baseline that two or more environments share, once."""
    if not view.common_differences:
        return note("No difference from the baseline is shared by two or more environments.")
    frame = pd.DataFrame(
        [
            {
                "severity": badge(d.severity.value),
                "resource": esc(f"{d.resource_type}: {d.resource}"),
                "path": esc(d.path),
                "baseline": _value(d.baseline_value),
                "target": _value(d.target_value),
                "environments": f"<b>{len(d.environments)}</b>: "
                + _environment_links(view, d.environments),
            }
            for d in view.common_differences
        ]
    )
    return styled(frame, html_columns=["severity", "resource", "path", "environments"])


def peer_deviations(view: FleetView) -> Styler | Html:
    """Each environment whose attribute differs from the value a strict majority of its peers
    share (whatever the baseline says)."""
    if not view.peer_deviations:
        return note("No environment differs from the majority of its peers.")
    dirs = {env.suffix: env.report_dir for env in view.environments}
    frame = pd.DataFrame(
        [
            {
                "environment": link(dirs.get(d.suffix, d.suffix), d.suffix),
                "resource": esc(f"{d.resource_type}: {d.resource}"),
                "path": esc(d.path),
                "value": _value(d.value),
                "peers' value": _value(d.peer_value),
                "agreeing": f"{d.agreeing} of {d.peers}",
            }
            for d in view.peer_deviations
        ]
    )
    return styled(frame, html_columns=["environment", "resource", "path", "agreeing"])
