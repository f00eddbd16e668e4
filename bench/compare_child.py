"""One compare case in a fresh process: ``python -m bench.compare_child --size N``.

What "compare" times: ``paymentaudit.findings.evaluate.audit(baseline, target,
run_rules=False)``, the compare engine end to end: normalize both snapshots, drop what only
one side could read, pair by (type, logical name), DeepDiff the pairs whose normalized
configurations differ, build the parity findings, apply the policy, sort. Readiness rules are
not included; they are timed on their own (``rules_s``: ``evaluate_rules`` on the target).
The pair comes from ``bench.synthetic`` (copies of the sandbox's own snapshot); its build
time is ``build_s``, not part of the compare.

The whole-snapshot DeepDiff reference runs afterwards in the same process: one
``DeepDiff`` of the two normalized snapshots (dicts keyed ``type:logical_name``, the same
options as the engine's per-pair diff). Normalization is not in that figure, so the
comparison favours DeepDiff.

Peak RSS: the process's high-water mark (VmHWM) after the compare runs (inputs included;
``inputs_rss_mb`` is the RSS once they are built), then reset (``/proc/self/clear_refs``)
before the DeepDiff runs, whose own peak is reported apart.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import current_rss_mb, emit, median, peak_rss_mb

STAGES = ("normalize_snapshot", "comparable", "pair", "parity_findings")
# The functions timed, where the audit calls them: (stage, module, attribute). parity_findings
# is the rest of ``differences`` (the parity comparison) once comparable and pair are taken out.
TIMED = (
    ("normalize_snapshot", "paymentaudit.findings.evaluate", "normalize_snapshot"),
    ("comparable", "paymentaudit.findings.differences", "comparable"),
    ("pair", "paymentaudit.findings.differences", "pair"),
    ("differences", "paymentaudit.findings.evaluate", "differences"),
)


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _timed(fn: Callable[..., Any], sink: dict[str, float], name: str) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        if name == "pair":
            value = list(value)  # a generator: consume it inside the timer (audit lists it)
        sink[name] = sink.get(name, 0.0) + time.perf_counter() - start
        return value

    return wrapper


def main() -> None:
    """Build the pair, time the compare engine, then the whole-snapshot DeepDiff."""
    parser = argparse.ArgumentParser(prog="python -m bench.compare_child")
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--deepdiff-runs", type=int, default=3)
    parser.add_argument("--changed", type=float, default=0.01)
    args = parser.parse_args()

    from deepdiff import DeepDiff

    from bench.synthetic import make_pair
    from paymentaudit import rules as rule_registry
    from paymentaudit.findings import evaluate
    from paymentaudit.rules.base import RuleContext

    start = time.perf_counter()
    baseline, target, planted = make_pair(args.size, args.changed)
    build_s = time.perf_counter() - start
    gc.collect()
    inputs_rss = current_rss_mb()

    stages: dict[str, float] = {}
    for name, module, attr in TIMED:
        owner = importlib.import_module(module)
        setattr(owner, attr, _timed(getattr(owner, attr), stages, name))

    times, breakdowns = [], []
    result = None
    for _ in range(args.runs):
        result = None
        gc.collect()
        stages.clear()
        start = time.perf_counter()
        result = evaluate.audit(baseline, target, run_rules=False)
        times.append(time.perf_counter() - start)
        whole = stages.pop("differences", 0.0)
        rest = whole - stages.get("comparable", 0.0) - stages.get("pair", 0.0)
        stages["parity_findings"] = max(0.0, rest)
        breakdowns.append(dict(stages))
    assert result is not None
    compare_peak = peak_rss_mb()
    changed_pairs = sum(1 for p in result.pairs if p.status == "changed")
    findings = len(result.findings)

    rules = [r for r in rule_registry.all_rules()]
    rules_times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        evaluate.evaluate_rules(RuleContext(target), rules)
        rules_times.append(time.perf_counter() - start)

    base_map = {str(k): v for k, v in result.normalized["baseline"].items()}
    target_map = {str(k): v for k, v in result.normalized["target"].items()}
    del result
    gc.collect()
    reset = _reset_peak()
    dd_times, dd_reported = [], 0
    for _ in range(args.deepdiff_runs):
        gc.collect()
        start = time.perf_counter()
        tree = DeepDiff(base_map, target_map, ignore_order=False, view="tree", verbose_level=2)
        dd_times.append(time.perf_counter() - start)
        dd_reported = sum(len(tree[c]) for c in tree)
        del tree
    dd_peak = peak_rss_mb() if reset else None

    emit(
        {
            "size": args.size,
            "planted_changes": planted,
            "changed_pairs": changed_pairs,
            "findings": findings,
            "build_s": build_s,
            "inputs_rss_mb": inputs_rss,
            "runs_s": times,
            "s": median(times),
            "breakdown_s": {
                name: median([b.get(name, 0.0) for b in breakdowns]) for name in STAGES
            },
            "rss_mb": compare_peak,
            "rules_runs_s": rules_times,
            "rules_s": median(rules_times),
            "deepdiff_runs_s": dd_times,
            "deepdiff_whole_s": median(dd_times) if dd_times else None,
            "deepdiff_reported_changes": dd_reported,
            "deepdiff_rss_mb": dd_peak,
        }
    )


if __name__ == "__main__":
    main()
