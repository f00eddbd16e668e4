"""Small HTML pieces: displayable HTML and PNG, escaping, severity badges, table values."""

from __future__ import annotations

import base64
import html
import json
from typing import TYPE_CHECKING, Any

from paymentaudit.changes import changes

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler


SEVERITY_COLOURS = {
    "critical": "#7f1d1d",
    "high": "#dc2626",
    "medium": "#b45309",
    "low": "#3b82f6",
    "info": "#6b7280",
}
# Longer values are folded into a <details> element (click to expand the full JSON).
FOLD_AT = 110
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
# For identifiers without spaces (attribute paths): may break anywhere, so that a long one
# does not widen its column past the page.
BREAK_ANYWHERE = "white-space:pre-wrap;overflow-wrap:anywhere"
MUTED = "color:#6b7280;font-style:italic"


def value_html(text: Any, fold_at: int = FOLD_AT, empty: str = "", wrap: str = WRAP) -> str:
    """A table value: escaped, wrapped (``wrap``: WRAP, or BREAK_ANYWHERE for identifiers);
    long (JSON) values folded into <details>; ``empty`` (muted) stands for an empty value."""
    text = "" if text is None else str(text)
    if not text and empty:
        return f'<span style="{MUTED}">{esc(empty)}</span>'
    if len(text) <= fold_at:
        return f'<span style="{wrap}">{esc(text)}</span>'
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
    """What changed inside a long JSON value (``+`` only in it, ``-`` only in ``before``, ``~``
    changed), element by element: list items, mapping keys, recursively."""
    try:
        old, new = json.loads(before), json.loads(after)
    except ValueError:
        return ""
    lines: list[tuple[str, str]] = []
    for c in changes(old, new):
        if c.sign == "+":
            text = json.dumps(c.new, sort_keys=True)
        elif c.sign == "-":
            text = json.dumps(c.old, sort_keys=True)
        else:
            text = f"{json.dumps(c.old, sort_keys=True)} → {json.dumps(c.new, sort_keys=True)}"
        where = "" if c.path == "[]" else c.path.lstrip(".")
        lines.append((c.sign, f"{where}: {text}" if where else text))
    colours = {"+": "#b91c1c", "-": "#1d4ed8", "~": "#92400e"}
    shown = "".join(
        f'<div style="color:{colours[sign]};font-size:11.5px;{WRAP}">'
        f"{sign} {esc(text if len(text) <= limit else text[: limit - 1] + '…')}</div>"
        for sign, text in lines[:8]
    )
    if len(lines) > 8:
        shown += f'<div style="{MUTED};font-size:11.5px">… {len(lines) - 8} more</div>'
    return shown


def note(text: str, colour: str = "#374151") -> Html:
    """A short paragraph."""
    return Html(f'<p style="font-family:{FONT};color:{colour};margin:4px 0 10px 0">{text}</p>')


def _subheading(text: str, extra_html: str = "") -> str:
    return (
        f'<h4 style="font-family:{FONT};font-size:14px;margin:14px 0 4px 0;color:#111827">'
        f"{esc(text)}{extra_html}</h4>"
    )


def _render(part: Styler | Html) -> str:
    return part.html if isinstance(part, Html) else part.to_html()
