"""The fleet directory's own files: fleet.json, summary.md and fleet.html (the executed
``notebooks/fleet.ipynb``, rendered offline the way readiness.html is), and the console lines.

Template: ``notebooks/fleet.ipynb`` at the repository root, else the copy packaged under
``paymentaudit/reporters/templates/`` (a test asserts they are identical).
"""

from __future__ import annotations

import json
from pathlib import Path

from paymentaudit.atomic import atomic_file, write_json_atomic
from paymentaudit.fleet.model import FLEET_JSON, FleetView, Verdict
from paymentaudit.reporters import notebook
from paymentaudit.reporters.markdown import ICONS, cell

TEMPLATE = "fleet.ipynb"
REPO_TEMPLATE = notebook.REPO_NOTEBOOKS / TEMPLATE
PACKAGED_TEMPLATE = notebook.PACKAGED_NOTEBOOKS / TEMPLATE
NOTEBOOK = "fleet.ipynb"
HTML = "fleet.html"
SUMMARY = "summary.md"
TITLE = "Fleet readiness"
MAX_ROWS = 50


def template_path() -> Path:
    """The fleet template: the checkout's notebooks/, else the packaged copy."""
    return notebook.find_template(TEMPLATE)


def write(view: FleetView, directory: Path, *, html: bool) -> list[Path]:
    """fleet.json and summary.md, then (``html``) fleet.ipynb and fleet.html, into
    ``directory`` (the fleet directory under construction)."""
    written = [write_json_atomic(directory / FLEET_JSON, view.to_json())]
    with atomic_file(directory / SUMMARY) as tmp:
        tmp.write_text(summary(view), encoding="utf-8")
    written.append(directory / SUMMARY)
    if html:
        written.extend(write_html(directory))
    return written


def write_html(directory: Path, title: str = TITLE) -> list[Path]:
    """Execute the fleet notebook in ``directory`` (it reads fleet.json and the environments'
    report directories there) and convert it to standalone, offline HTML."""
    params = {"fleet_dir": ".", "title": title}
    return notebook.render(template_path(), directory, params, NOTEBOOK, HTML)


def headline(view: FleetView) -> str:
    """ "1 NOT READY, 0 INCOMPLETE, 4 READY (5 environments)"."""
    tally = view.tally()
    parts = ", ".join(
        f"{tally[v]} {v.value}" for v in (Verdict.NOT_READY, Verdict.INCOMPLETE, Verdict.READY)
    )
    return f"{parts} ({len(view.environments)} environments)"


def summary(view: FleetView) -> str:
    """summary.md: one line per environment, then the common differences."""
    worst = {1: Verdict.NOT_READY, 3: Verdict.INCOMPLETE}.get(view.exit_code, Verdict.READY)
    lines = [
        f"## {ICONS.get(worst.value, '')} paymentaudit fleet: {headline(view)}",
        "",
        f"generated {view.generated_at}",
        "",
    ]
    for env in view.environments:
        counts = ", ".join(f"{k} {n}" for k, n in env.counts.items() if n and k != "info")
        lines.append(
            f"- {ICONS.get(env.verdict.value, '')} `{env.suffix}` **{env.verdict.value}** "
            f"· score {env.score}/100 · against `{env.baseline or '-'}` · account "
            f"{cell(env.account or '?')} ({cell(env.region)}) · {counts or 'no finding above info'}"
            f" · [report]({env.report_dir}/summary.md)"
        )
    common = view.common_differences
    lines += ["", f"### Common differences ({len(common)})", ""]
    if not common:
        lines.append("No difference from the baseline is shared by two or more environments.")
    else:
        lines += [
            "| severity | resource | path | baseline | target | environments |",
            "|---|---|---|---|---|---|",
        ]
        for d in common[:MAX_ROWS]:
            lines.append(
                f"| {d.severity.value} | {cell(d.resource_type)}: {cell(d.resource)} | "
                f"{cell(d.path)} | {cell(_text(d.baseline_value))} | "
                f"{cell(_text(d.target_value))} | {len(d.environments)}: "
                f"{cell(', '.join(d.environments))} |"
            )
        if len(common) > MAX_ROWS:
            lines += ["", f"… and {len(common) - MAX_ROWS} more in fleet.json."]
    if view.peer_deviations:
        lines += ["", f"{len(view.peer_deviations)} peer deviation(s): see fleet.json."]
    return "\n".join(lines) + "\n"


def console(view: FleetView, directory: Path, latest: Path | None = None) -> str:
    """The lines `fleet` prints: one per environment, then the fleet's and where it is."""
    width = max([len("environment"), *(len(e.suffix) for e in view.environments)]) + 2
    lines = [f"paymentaudit fleet: {headline(view)}"]
    for env in view.environments:
        lines.append(
            f"  {env.suffix:<{width}}{env.verdict.value:<12}{env.score:>3}/100  "
            f"against {env.baseline or '-'}  {env.account or '?'} {env.region}"
        )
    lines.append(
        f"common differences: {len(view.common_differences)}, "
        f"peer deviations: {len(view.peer_deviations)}"
    )
    lines.append(f"report: {directory}")
    page = directory / HTML
    lines.append(f"open: {page}" if page.is_file() else "no fleet.html (--no-notebook)")
    if latest is not None:
        lines.append(f"latest: {latest} -> {directory.name}")
    return "\n".join(lines) + "\n"


def _text(value: object) -> str:
    if value is None:
        return "(absent)"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
