"""Compare: synthetic snapshot pairs of 10k and 100k resources, 1% changed.

Each size runs in a fresh process (``bench.compare_child``, which documents exactly what
is timed) so that its peak RSS is its own. The pairs are copies of the sandbox's own snapshot
(``bench.synthetic``); its template is provisioned (once, in a process of its own) before
the first child, so that no child's build time includes it.
"""

from __future__ import annotations

from typing import Any

from bench.common import log, rounded, run_module

TIME_TARGETS = {10_000: 0.5, 100_000: 6.0}
RSS_TARGETS_MB = {100_000: 1536.0}  # 1.5 GiB
DEEPDIFF_FACTOR = 10.0
CHILD_TIMEOUT = 1200.0


def deepdiff_runs_for(size: int, runs: int) -> int:
    """Whole-snapshot DeepDiff runs: ``runs`` up to 10k resources, one above.

    At 100k one DeepDiff takes over a minute here; three would not fit the suite's
    ten-minute budget. The single run is recorded as such.
    """
    return runs if size <= 10_000 else 1


def run(sizes: list[int], runs: int = 3, deepdiff_runs: int | None = None) -> dict[str, Any]:
    """Measure every size; results keyed by the size."""
    from bench.synthetic import template_snapshot

    log("compare: the template snapshot (bench/.cache/, else provisioned in a sandbox)")
    template_snapshot()
    out: dict[str, Any] = {}
    for size in sizes:
        dd_runs = deepdiff_runs if deepdiff_runs is not None else deepdiff_runs_for(size, runs)
        log(f"compare {size}: {runs} engine runs, {dd_runs} whole-snapshot DeepDiff run(s)")
        data = run_module(
            "bench.compare_child",
            ["--size", str(size), "--runs", str(runs), "--deepdiff-runs", str(dd_runs)],
            timeout=CHILD_TIMEOUT,
        ).data
        out[str(size)] = summarize(size, data)
        row = out[str(size)]
        log(
            f"compare {size}: {row['s']}s, peak RSS {row['rss_mb']} MB, whole DeepDiff "
            f"{row['deepdiff_whole_s']}s"
        )
    return out


def summarize(size: int, data: dict[str, Any]) -> dict[str, Any]:
    """One size's figures and targets."""
    seconds = data["s"]
    dd = data["deepdiff_whole_s"]
    ratio = dd / seconds if dd else None
    time_target = TIME_TARGETS.get(size)
    rss_target = RSS_TARGETS_MB.get(size)
    breakdown = {k: rounded(v) for k, v in data["breakdown_s"].items()}
    breakdown["other"] = rounded(max(0.0, seconds - sum(data["breakdown_s"].values())))
    return {
        "s": rounded(seconds),
        "rss_mb": rounded(data["rss_mb"], 1),
        "deepdiff_whole_s": rounded(dd),
        "deepdiff_ratio": rounded(ratio, 1),
        "breakdown_s": breakdown,
        "rules_s": rounded(data["rules_s"]),
        "inputs_rss_mb": rounded(data["inputs_rss_mb"], 1),
        "deepdiff_rss_mb": rounded(data["deepdiff_rss_mb"], 1),
        "resources_per_side": size,
        "planted_changes": data["planted_changes"],
        "changed_pairs": data["changed_pairs"],
        "findings": data["findings"],
        "build_s": rounded(data["build_s"]),
        "runs": {
            "s": [rounded(t) for t in data["runs_s"]],
            "deepdiff_whole_s": [rounded(t) for t in data["deepdiff_runs_s"]],
            "rules_s": [rounded(t) for t in data["rules_runs_s"]],
        },
        "targets": {
            "time": (seconds <= time_target) if time_target else None,
            "time_limit_s": time_target,
            "rss": (data["rss_mb"] <= rss_target) if rss_target else None,
            "rss_limit_mb": rss_target,
            "deepdiff_10x": (ratio >= DEEPDIFF_FACTOR) if ratio else None,
        },
    }
