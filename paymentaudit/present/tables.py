"""Styled tables (pandas Stylers): the report's table look and the findings tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from paymentaudit.findings.result import AuditResult
from paymentaudit.model import Finding
from paymentaudit.present import interactive
from paymentaudit.present.markup import FONT, Html, esc, note, value_html

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from paymentaudit.findings.result import AuditResult


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
    styles: Any = _table_styles(widths, full_width)  # pandas' CSSDict shape
    return (
        shown.style.hide(axis="index")
        .set_table_styles(styles)
        .format(str, escape=None)
        .format_index(lambda c: str(c).replace("_", " "), axis="columns")
    )


def findings_table(findings: Sequence[Finding], with_service: bool = False) -> Html:
    """Findings as an interactive table: sort, search (see ``interactive``)."""
    return interactive.findings_table(findings, with_service=with_service)


def blocking(result: AuditResult) -> Html:
    """The findings at or above --fail-on."""
    if not result.blocking:
        return note(
            f"No finding at or above <b>{esc(result.fail_on.value)}</b>: nothing blocks.",
            "#15803d",
        )
    return findings_table(result.blocking, with_service=True)


def every_finding(result: AuditResult) -> Html:
    """Every finding in one table: sort, search, and filter by severity, state, service and
    kind."""
    return interactive.findings_table(result.findings, with_service=True, filters=True)
