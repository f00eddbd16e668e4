"""``python -m bench``: the benchmark suite (``make bench``); not part of the tests.

Runs the five parts (snapshot scaling, compare, end to end, synth, fleet), prints a table, and on
a full run writes ``bench/results/latest.json``, a dated copy, and ``BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.common import RESULTS, ROOT, Quietness, log, machine

PARTS = ("snapshot", "compare", "validate", "synth", "fleet")
DEFAULT_SCALES = (1, 10, 50)
DEFAULT_SIZES = (10_000, 100_000)
DEFAULT_RUNS = 3
DEFAULT_LATENCY_MS = 50.0
DEFAULT_FLEET_SCALES = (10, 50)
DEFAULT_FLEET_VALIDATE_SAMPLE = 5
PARALLEL_SEQUENTIAL_FROM = 10
SCHEMA = "paymentaudit/bench/v1"
BUSY_SHARE = 0.05  # other processes' CPU share above which the figures get a warning


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--only", default=",".join(PARTS), help=f"parts, comma-separated: {PARTS}")
    p.add_argument("--scales", type=_ints, default=list(DEFAULT_SCALES), help="e.g. 1,10")
    p.add_argument("--sizes", type=_ints, default=list(DEFAULT_SIZES), help="e.g. 10000")
    p.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs per figure (median)")
    p.add_argument("--latency-ms", type=float, default=DEFAULT_LATENCY_MS)
    p.add_argument(
        "--deepdiff-runs",
        type=int,
        default=None,
        help="whole-snapshot DeepDiff runs per size (default: --runs up to 10k, 1 above)",
    )
    p.add_argument(
        "--parallel-sequential-from",
        type=int,
        default=PARALLEL_SEQUENTIAL_FROM,
        help="scale from which sequential runs run simultaneously (default 10)",
    )
    p.add_argument(
        "--fleet-scales", type=_ints, default=list(DEFAULT_FLEET_SCALES), help="e.g. 10,50"
    )
    p.add_argument(
        "--fleet-validate-sample",
        type=int,
        default=DEFAULT_FLEET_VALIDATE_SAMPLE,
        help="separate validate runs measured per fleet scale (0: all of them)",
    )
    p.add_argument("--out", help="also write the results JSON here (any run)")
    p.add_argument("--no-write", action="store_true", help="write nothing under bench/results")
    args = p.parse_args(argv)
    args.parts = [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        p.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    if args.runs < 1:
        p.error("--runs must be at least 1")
    return args


def is_full(args: argparse.Namespace) -> bool:
    """True for the default, complete run (the one that updates latest.json)."""
    return (
        set(args.parts) == set(PARTS)
        and tuple(args.scales) == DEFAULT_SCALES
        and tuple(args.sizes) == DEFAULT_SIZES
        and args.runs == DEFAULT_RUNS
        and args.latency_ms == DEFAULT_LATENCY_MS
        and args.deepdiff_runs is None
        and args.parallel_sequential_from == PARALLEL_SEQUENTIAL_FROM
        and tuple(args.fleet_scales) == DEFAULT_FLEET_SCALES
        and args.fleet_validate_sample == DEFAULT_FLEET_VALIDATE_SAMPLE
    )


def notes(results: dict[str, Any]) -> list[str]:
    """What a reader must know about how these particular numbers were taken."""
    out = []
    for size, row in results.get("compare", {}).items():
        n = len(row["runs"]["deepdiff_whole_s"])
        if n < results["config"]["runs"]:
            out.append(
                f"compare {size}: the whole-snapshot DeepDiff ran {n} time(s) (one run takes "
                f"{row['deepdiff_whole_s']}s; more would not fit the ten-minute budget)."
            )
    for scale, row in results.get("snapshot", {}).items():
        if row["sequential_mode"] != "one at a time":
            out.append(f"snapshot {scale}: sequential runs were simultaneous processes.")
        if row["coverage_errors"]:
            out.append(f"snapshot {scale}: coverage errors {row['coverage_errors']}.")
        if not row["resources_consistent"] or row["resources"] != row["expected_resources"]:
            out.append(
                f"snapshot {scale}: {row['resources']} resources collected, "
                f"{row['expected_resources']} provisioned."
            )
    for part, q in results["machine"].get("other_processes", {}).items():
        if q.get("foreign_share") and q["foreign_share"] > BUSY_SHARE:
            out.append(
                f"{part}: other processes used {q['foreign_cpu_s']}s of CPU meanwhile "
                f"({q['foreign_share']:.0%} of the machine): its figures are pessimistic."
            )
    val = results.get("validate")
    if val and val.get("notebook_skipped"):
        out.append(f"validate with the notebook skipped: {val['notebook_skipped']}.")
    for scale, row in results.get("fleet", {}).items():
        measured = row["validate_runs_measured"]
        n = int(scale.lstrip("x"))
        if measured < n:
            out.append(
                f"fleet {scale}: the separate validate figures are {measured} measured runs "
                f"(evenly spaced environments) scaled to {n}: every run reads the same account "
                f"and identical environments (their times: {row['validate_s']['min']}-"
                f"{row['validate_s']['max']}s)."
            )
    syn = results.get("synth")
    if syn and syn.get("skipped"):
        out.append(f"synth skipped: {syn['skipped']}.")
    for part, message in results.get("errors", {}).items():
        out.append(f"{part} failed: {message.splitlines()[0] if message else 'error'}")
    return out


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (a .tmp sibling, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    """Run the selected parts; 0 when every part ran (targets missed or not), 1 otherwise."""
    args = parse_args(argv)
    start = time.monotonic()
    full = is_full(args)
    results: dict[str, Any] = {
        "schema": SCHEMA,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "complete": full,
        "machine": machine(),
        "config": {
            "parts": args.parts,
            "runs": args.runs,
            "latency_ms": args.latency_ms,
            "scales": args.scales,
            "sizes": args.sizes,
            "deepdiff_runs": args.deepdiff_runs,
            "parallel_sequential_from": args.parallel_sequential_from,
            "fleet_scales": args.fleet_scales,
            "fleet_validate_sample": args.fleet_validate_sample,
            "workers": _default_workers(),
        },
    }
    errors: dict[str, str] = {}
    quiet: dict[str, Any] = {}
    whole = Quietness()
    jobs: dict[str, Callable[[], Any]] = {
        "snapshot": lambda: _snapshot(args),
        "compare": lambda: _compare(args),
        "validate": lambda: _validate(args),
        "synth": lambda: _synth(args),
        "fleet": lambda: _fleet(args),
    }
    for part in PARTS:
        if part not in args.parts:
            continue
        watch = Quietness()
        try:
            results[part] = jobs[part]()
        except Exception as exc:  # noqa: BLE001 - one broken part must not lose the others
            errors[part] = f"{type(exc).__name__}: {exc}"
            log(f"{part} FAILED: {errors[part]}")
            traceback.print_exc()
        quiet[part] = watch.report()
    quiet["all"] = whole.report()
    results["machine"]["other_processes"] = quiet
    if errors:
        results["errors"] = errors
    results["duration_s"] = round(time.monotonic() - start, 1)
    results["targets"] = report.targets(results)
    results["notes"] = notes(results)
    print(report.console(results))
    if args.out:
        write_json(Path(args.out), results)
    if full and not args.no_write:
        stamp = results["generated_at"].replace(":", "").replace("-", "")
        write_json(RESULTS / "latest.json", results)
        write_json(RESULTS / f"{stamp}.json", results)
        (ROOT / "BENCHMARKS.md").write_text(report.markdown(results), encoding="utf-8")
        log(f"wrote {RESULTS / 'latest.json'}, {RESULTS / (stamp + '.json')}, BENCHMARKS.md")
    elif not full:
        log("partial run: bench/results and BENCHMARKS.md left as they are")
    return 1 if errors else 0


def _default_workers() -> int:
    from paymentaudit.aws import DEFAULT_MAX_WORKERS

    return DEFAULT_MAX_WORKERS


def _snapshot(args: argparse.Namespace) -> Any:
    from bench import snapshot_bench

    return snapshot_bench.run(
        args.scales, args.runs, args.latency_ms, args.parallel_sequential_from
    )


def _compare(args: argparse.Namespace) -> Any:
    from bench import compare_bench

    return compare_bench.run(args.sizes, args.runs, args.deepdiff_runs)


def _validate(args: argparse.Namespace) -> Any:
    from bench import validate_bench

    return validate_bench.run(args.runs)


def _synth(args: argparse.Namespace) -> Any:
    from bench import synth_bench

    return synth_bench.run(args.runs)


def _fleet(args: argparse.Namespace) -> Any:
    from bench import fleet_bench

    sample = args.fleet_validate_sample or None
    return fleet_bench.run(args.fleet_scales, args.latency_ms, sample)


if __name__ == "__main__":
    sys.exit(main())
