"""Coverage: what could not be read, and the rule checks that could not be evaluated."""

from __future__ import annotations

import pandas as pd

from paymentaudit.findings.result import AuditResult
from paymentaudit.present.markup import Html, _render, _subheading, note, value_html
from paymentaudit.present.sections import section_of
from paymentaudit.present.tables import findings_table, styled


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
    other = [f for f in result.findings if section_of(f.service, f.resource) is None]
    if other:
        parts.append(_subheading(f"Findings of other services ({len(other)})"))
        parts.append(_render(findings_table(other, with_service=True)))
    return Html("\n".join(parts))
