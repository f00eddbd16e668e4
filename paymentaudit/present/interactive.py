"""Interactive findings tables: itables (DataTables) in its offline mode.

``setup()`` embeds the DataTables bundle in the page once (no network: the report opens from
a CI artifact); each table then sorts by any column (severity by rank), searches, and, for the
report's table of every finding, filters by severity, state, service and kind (SearchPanes).
Without JavaScript a table shows its static preview.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import pandas as pd

from paymentaudit.findings.problems import Suppressed, evidence_lines
from paymentaudit.model import Finding
from paymentaudit.present.markup import BREAK_ANYWHERE, Html, badge, esc, note, value_html

# What the panes filter on (by column name) in the table of every finding.
FILTERS = ("severity", "state", "service", "kind")
PAGE_LENGTHS = [10, 25, 100, -1]
_IDS = itertools.count(1)


def setup() -> None:
    """Embed the DataTables bundle in the notebook's output (offline mode), once per page."""
    import itables

    itables.init_notebook_mode(all_interactive=False, connected=False)


def _kind(f: Finding) -> str:
    return f.kind.value


def _evidence(f: Finding) -> str:
    if len(f.parts) < 2:
        return ""
    items = "".join(f"<li>{esc(line)}</li>" for line in evidence_lines(f))
    return f'<ul style="margin:0;padding-left:1.1em;font-size:11.5px">{items}</ul>'


def finding_rows(findings: Sequence[Finding], with_service: bool = True) -> pd.DataFrame:
    """One row per finding; the severity cell starts with its rank, hidden, so that sorting
    the column sorts by severity (DataTables orders HTML cells by their text)."""
    rows = []
    for f in findings:
        row: dict[str, Any] = {
            "severity": f"<span hidden>{f.severity.rank}</span>{badge(f.severity.value)}",
            "state": esc(f.baseline_state or ""),
        }
        if with_service:
            row["service"] = esc(f.service)
        row.update(
            {
                "kind": esc(_kind(f)),
                "check": esc(f.check),
                "resource": value_html(f"{f.resource_type} {f.resource}"),
                "attribute": value_html(f.path, wrap=BREAK_ANYWHERE),
                "finding": value_html(f.message, fold_at=400) + _evidence(f),
                "remediation": value_html(f.remediation, fold_at=300),
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def table(
    frame: pd.DataFrame,
    *,
    filters: Sequence[str] = (),
    page_length: int = 25,
    caption: str | None = None,
) -> Html:
    """An interactive table of ``frame`` (cells already HTML), ordered by its ``severity``
    column when it has one. ``filters``: the columns given a search pane."""
    import itables

    columns = list(frame.columns)
    defs: list[dict[str, Any]] = [{"targets": "_all", "className": "dt-left dt-head-left"}]
    order = [[columns.index("severity"), "asc"]] if "severity" in columns else []
    options: dict[str, Any] = {
        "connected": False,
        "allow_html": True,
        "showIndex": False,
        "classes": "display compact",
        "order": order,
        "pageLength": page_length,
        "lengthMenu": PAGE_LENGTHS,
        "autoWidth": False,
        "table_id": f"paymentaudit-table-{next(_IDS)}",
        "display_logo_when_loading": False,
        "text_in_header_can_be_selected": False,  # a click anywhere on a header sorts
        "style": "width:100%;font-size:12.5px",
    }
    panes = [columns.index(c) for c in filters if c in columns]
    if panes:
        defs.extend({"targets": i, "searchPanes": {"show": True}} for i in panes)
        options["layout"] = {"top1": "searchPanes"}
        options["searchPanes"] = {
            "columns": panes,
            "cascadePanes": True,
            "initCollapsed": False,
            "layout": f"columns-{len(panes)}",
        }
    options["columnDefs"] = defs
    return Html(itables.to_html_datatable(frame, caption=caption, **options))


def findings_table(
    findings: Sequence[Finding], *, with_service: bool = True, filters: bool = False
) -> Html:
    """Findings as an interactive table (with search panes when ``filters``)."""
    if not findings:
        return note("No findings.")
    frame = finding_rows(findings, with_service)
    return table(frame, filters=FILTERS if filters else ())


def suppressed_table(suppressed: Sequence[Suppressed]) -> Html:
    """What the policy waived: the entry and its reason next to each finding."""
    if not suppressed:
        return note("The policy suppressed nothing.")
    frame = finding_rows([s.finding for s in suppressed])
    frame.insert(1, "reason", [esc(s.matcher.reason) for s in suppressed])
    frame.insert(1, "entry", [esc(s.matcher.entry) for s in suppressed])
    return table(frame, filters=("reason", "severity"), page_length=10)
