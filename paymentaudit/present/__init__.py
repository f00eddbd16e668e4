"""Presentation for the readiness notebook: banner, chart, styled tables, service sections.

The notebook's cells stay a line or two each: they call these functions, which return
objects that Jupyter displays (``_repr_html_`` / ``_repr_png_``) and that work outside a
notebook too (``.html`` / ``.png``). Tables are pandas Stylers; the chart is matplotlib
(the Agg canvas, no pyplot state). Nothing here calls AWS.

Modules: ``markup`` (small HTML pieces), ``verdict`` (parameters, banner), ``charts``,
``tables`` (Stylers, findings), ``interactive`` (itables, offline), ``sections`` (service
sections), ``completeness`` (coverage), ``waivers`` (what the policy suppressed).
"""

from __future__ import annotations

from paymentaudit.present.charts import findings_chart, service_order, trend_chart
from paymentaudit.present.completeness import coverage
from paymentaudit.present.interactive import setup as interactive_setup
from paymentaudit.present.markup import (
    FOLD_AT,
    FONT,
    MUTED,
    SEVERITY_COLOURS,
    WRAP,
    Html,
    Png,
    badge,
    change_html,
    esc,
    note,
    value_html,
)
from paymentaudit.present.sections import (
    LEGEND,
    MAX_DIFF_ROWS,
    SECTION_BY_KEY,
    SECTIONS,
    SIDE_LABELS,
    Section,
    all_sections,
    section,
    section_findings,
    section_of,
    side_by_side_table,
    target_health,
)
from paymentaudit.present.tables import blocking, every_finding, findings_table, styled
from paymentaudit.present.verdict import VERDICT_COLOURS, banner, contents, use_parameters
from paymentaudit.present.waivers import suppressed

__all__ = [
    "FOLD_AT",
    "FONT",
    "LEGEND",
    "MAX_DIFF_ROWS",
    "MUTED",
    "SECTIONS",
    "SECTION_BY_KEY",
    "SEVERITY_COLOURS",
    "SIDE_LABELS",
    "VERDICT_COLOURS",
    "WRAP",
    "Html",
    "Png",
    "Section",
    "all_sections",
    "badge",
    "banner",
    "blocking",
    "change_html",
    "contents",
    "coverage",
    "esc",
    "every_finding",
    "findings_chart",
    "findings_table",
    "interactive_setup",
    "note",
    "section",
    "section_findings",
    "section_of",
    "service_order",
    "side_by_side_table",
    "styled",
    "suppressed",
    "target_health",
    "trend_chart",
    "use_parameters",
    "value_html",
]
