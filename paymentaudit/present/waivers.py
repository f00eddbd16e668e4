"""What the policy waived: suppressed findings with the entry and reason that waived them,
and the waivers that matched nothing (stale)."""

from __future__ import annotations

import pandas as pd

from paymentaudit.findings.result import AuditResult
from paymentaudit.present import interactive
from paymentaudit.present.markup import Html, _subheading, esc, note
from paymentaudit.present.tables import styled


def suppressed(result: AuditResult) -> Html:
    """The report's "Suppressed by policy" section."""
    source = result.sources.get("policy", {}).get("source") or "no policy file"
    if not result.suppressed:
        head = f"The policy ({esc(source)}) suppressed no finding."
    else:
        groups = "; ".join(
            f"<b>{n}</b> {esc(reason)}" for reason, n in result.suppressed_by_reason().items()
        )
        head = (
            f"<b>{len(result.suppressed)}</b> finding(s) suppressed by [[ignore]] entries of "
            f"{esc(source)}, by reason: {groups}. They do not count towards the verdict or "
            "the score; each is listed with the entry that waived it."
        )
    parts = [note(head).html]
    if result.suppressed:
        parts.append(interactive.suppressed_table(result.suppressed).html)
    parts.append(_subheading(f"Unused waivers ({len(result.unused_ignores)})"))
    if result.unused_ignores:
        frame = pd.DataFrame(
            [
                {
                    "entry": m.entry,
                    "matches": ", ".join(f"{k} = {v}" for k, v in m.patterns.items()),
                    "reason": m.reason,
                }
                for m in result.unused_ignores
            ]
        )
        parts.append(
            note("These [[ignore]] entries matched no finding: remove them or fix them.").html
        )
        parts.append(styled(frame, full_width=False).to_html())
    else:
        parts.append(note("Every [[ignore]] entry matched a finding.").html)
    return Html("\n".join(parts))
