"""The findings chart: matplotlib on the Agg canvas (no pyplot state)."""

from __future__ import annotations

import io

from paymentaudit import frames
from paymentaudit.findings.result import AuditResult
from paymentaudit.present.markup import SEVERITY_COLOURS, Html, Png, esc, note
from paymentaudit.present.sections import SECTIONS


def service_order(result: AuditResult) -> list[str]:
    """Services in section order, then any other service the audit saw."""
    ordered = list(dict.fromkeys(s for section in SECTIONS for s in section.services))
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
    fig = Figure(figsize=(11, 4.6), dpi=110)
    FigureCanvasAgg(fig)
    longest = max((len(s) for s in services), default=4)
    fig.subplots_adjust(left=0.02 + 0.0085 * longest, right=0.985, top=0.85, bottom=0.12)
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
            left.text(total + 0.08, i, str(total), va="center", fontsize=10, color="#374151")
    left.set_yticks(list(y), services, fontsize=11)
    left.invert_yaxis()
    left.set_title("Findings by service and severity", loc="left", fontsize=12.5)
    left.set_xlabel("findings")
    left.legend(ncols=5, loc="lower right", fontsize=9.5, frameon=False, bbox_to_anchor=(1, 1.07))
    status_colours = {"pass": "#16a34a", "fail": "#dc2626", "not_evaluated": "#9ca3af"}
    start = [0] * len(services)
    for status in outcomes.columns:
        values = outcomes[status].tolist()
        label = status.replace("_", " ")
        right.barh(y, values, left=start, color=status_colours.get(status), label=label)
        start = [a + b for a, b in zip(start, values, strict=True)]
    right.set_title("Rule checks by service", loc="left", fontsize=12.5)
    right.set_xlabel("rule checks")
    right.legend(ncols=3, loc="lower right", fontsize=9.5, frameon=False, bbox_to_anchor=(1, 1.07))
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


def trend_chart(result: AuditResult) -> Png | Html:
    """Score and blocking findings over the target's runs (from the findings history), this
    run last; a note until there are two runs."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    runs = result.trend
    if len(runs) < 2:
        return note(
            f"The history holds {len(runs)} run of {esc(result.target.suffix)}: the trend "
            "appears from the second run on (`python -m paymentaudit history "
            f"{esc(result.target.suffix)}` lists them)."
        )
    labels = [str(r.get("generated_at", ""))[:16].replace("T", " ") for r in runs]
    x = list(range(len(runs)))
    fig = Figure(figsize=(11, 3.4), dpi=110)
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=0.06, right=0.94, top=0.84, bottom=0.26)
    score = fig.subplots()
    blocking = score.twinx()
    blocking.bar(x, [int(r.get("blocking") or 0) for r in runs], color="#fca5a5", width=0.5,
                 label="blocking findings")  # fmt: skip
    values = [float(r["score"]) if r.get("score") is not None else float("nan") for r in runs]
    score.plot(x, values, color="#1d4ed8", marker="o", label="score")
    score.set_zorder(blocking.get_zorder() + 1)
    score.patch.set_visible(False)
    score.set_ylim(0, 105)
    score.set_ylabel("score (0-100)", color="#1d4ed8")
    blocking.set_ylabel("blocking findings", color="#b91c1c")
    blocking.yaxis.set_major_locator(MaxNLocator(integer=True))
    step = max(1, len(runs) // 12)
    score.set_xticks(x[::step], labels[::step], rotation=25, ha="right", fontsize=8.5)
    score.set_title(f"Runs of {result.target.suffix}: score and blocking findings", loc="left",
                    fontsize=12.5)  # fmt: skip
    for axis in (score, blocking):
        axis.spines[["top"]].set_visible(False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    scores = ", ".join(f"{label}: {r.get('score')}" for label, r in zip(labels, runs, strict=True))
    return Png(buffer.getvalue(), alt=f"Score and blocking findings per run ({scores[:600]})")
