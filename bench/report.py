"""Targets, the console table and BENCHMARKS.md, all from one results document."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

RERUN = """\
make bench                                     # everything (under 10 minutes on 2 cores)
.venv/bin/python -m bench --only snapshot --scales 1,10   # quick iteration
.venv/bin/python -m bench --only compare --sizes 10000
.venv/bin/python -m bench --only validate,synth
.venv/bin/python -m bench --only fleet --fleet-scales 10
"""


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _met(value: bool | None) -> str:
    return "-" if value is None else ("met" if value else "MISSED")


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target with its measured value, limit and outcome."""
    rows: list[dict[str, Any]] = []
    for scale, row in results.get("snapshot", {}).items():
        t = row.get("targets", {})
        if t.get("speedup_at_least_8x") is not None:
            rows.append(
                {
                    "target": f"snapshot {scale}: concurrent >= 8x faster than sequential",
                    "actual": f"{row['speedup']}x",
                    "met": t["speedup_at_least_8x"],
                }
            )
            rows.append(
                {
                    "target": f"snapshot {scale}: concurrent within 2x of the bound",
                    "actual": f"{row['concurrent_s']}s = {row['bound_ratio']}x of "
                    f"{row['bound_s']}s",
                    "met": t["within_2x_of_bound"],
                }
            )
    for size, row in results.get("compare", {}).items():
        t = row.get("targets", {})
        if t.get("time") is not None:
            rows.append(
                {
                    "target": f"compare {size}: at most {t['time_limit_s']}s",
                    "actual": f"{row['s']}s",
                    "met": t["time"],
                }
            )
        if t.get("rss") is not None:
            rows.append(
                {
                    "target": f"compare {size}: peak RSS at most {t['rss_limit_mb']:.0f} MB",
                    "actual": f"{row['rss_mb']} MB",
                    "met": t["rss"],
                }
            )
        if t.get("deepdiff_10x") is not None:
            rows.append(
                {
                    "target": f"compare {size}: >= 10x faster than a whole-snapshot DeepDiff",
                    "actual": f"{row['deepdiff_ratio']}x",
                    "met": t["deepdiff_10x"],
                }
            )
    val = results.get("validate")
    if val:
        t = val["targets"]
        rows.append(
            {
                "target": "validate without the notebook: at most 5s",
                "actual": f"{val['no_notebook_s']}s",
                "met": t["no_notebook_5s"],
            }
        )
        rows.append(
            {
                "target": "validate with the notebook: at most 12s",
                "actual": _fmt(val["notebook_s"], 3) + ("s" if val["notebook_s"] else ""),
                "met": t["notebook_12s"],
            }
        )
        rows.append(
            {
                "target": "validate without the notebook: peak RSS at most 400 MB",
                "actual": f"{val['rss_mb']} MB",
                "met": t["rss_400mb"],
            }
        )
    rows.extend(_fleet_targets(results))
    if results.get("complete") and results.get("duration_s") is not None:
        rows.append(
            {
                "target": "make bench: under 10 minutes",
                "actual": f"{results['duration_s']:.0f}s",
                "met": results["duration_s"] < 600,
            }
        )
    return rows


def _fleet_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for scale, row in results.get("fleet", {}).items():
        t = row.get("targets", {})
        n = scale.lstrip("x")
        if t.get("speedup_at_least_10x") is not None:
            rows.append(
                {
                    "target": f"fleet {scale}: >= 10x faster than {n} separate validate runs",
                    "actual": f"{row['s']}s against {row['sequential_validate_s']}s = "
                    f"{row['speedup']}x",
                    "met": t["speedup_at_least_10x"],
                }
            )
        if t.get("calls_at_most_a_third") is not None:
            rows.append(
                {
                    "target": f"fleet {scale}: at most a third of their calls",
                    "actual": f"{row['calls']} against {row['sequential_calls']} = "
                    f"{row['calls_share']}",
                    "met": t["calls_at_most_a_third"],
                }
            )
        if t.get("rss_at_most_1gb") is not None:
            rows.append(
                {
                    "target": f"fleet {scale}: peak RSS at most 1 GB",
                    "actual": f"{row['rss_mb']} MB",
                    "met": t["rss_at_most_1gb"],
                }
            )
    return rows


def _table(header: Sequence[str], rows: list[Sequence[Any]]) -> list[str]:
    cells = [[str(c) for c in header]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]


def _md_table(header: Sequence[str], rows: list[Sequence[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows]
    return out


def sections(results: dict[str, Any]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Each part as (header, rows)."""
    out: dict[str, tuple[list[str], list[list[Any]]]] = {}
    snap = results.get("snapshot")
    if snap:
        out["Snapshot scaling"] = (
            ["scale", "resources", "calls", "chain", "concurrent s", "sequential s", "speedup",
             "bound s", "x bound", "calls/s", "client CPU s", "server CPU s"],
            [[k, r["resources"], r["calls"], r["chain"], r["concurrent_s"], r["sequential_s"],
              r["speedup"], r["bound_s"], r["bound_ratio"], r["calls_per_s"], r["client_cpu_s"],
              r.get("server_cpu_s")]
             for k, r in snap.items()],
        )  # fmt: skip
    comp = results.get("compare")
    if comp:
        out["Compare (1% of resources changed)"] = (
            ["resources/side", "compare s", "peak RSS MB", "whole DeepDiff s", "DeepDiff / compare",
             "normalize s", "pair+diff s", "rules s (apart)"],
            [[k, r["s"], r["rss_mb"], r["deepdiff_whole_s"], r["deepdiff_ratio"],
              r["breakdown_s"]["normalize_snapshot"], r["breakdown_s"]["pair"], r["rules_s"]]
             for k, r in comp.items()],
        )  # fmt: skip
    val = results.get("validate")
    if val:
        b = val["breakdown"]
        out["validate prod-abc123 --sandbox"] = (
            ["no notebook s", "notebook s", "peak RSS MB", "provision s (all runs)", "provision",
             "snapshot", "compare", "rules", "reports", "notebook", "HTML", "other"],
            [[val["no_notebook_s"], val["notebook_s"], val["rss_mb"], val.get("provision_s"),
              b["provision"], b["snapshot"], b["compare"], b["rules"], b["reports"],
              b["notebook"], b["html"], b["other"]]],
        )  # fmt: skip
    fleet = results.get("fleet")
    if fleet:
        out["Fleet (N prods and dev in one account)"] = (
            ["scale", "fleet s", "validates s", "speedup", "calls", "validate calls",
             "calls share", "peak RSS MB", "validates measured"],
            [[k, r["s"], r["sequential_validate_s"], r["speedup"], r["calls"],
              r["sequential_calls"], r["calls_share"], r["rss_mb"], r["validate_runs_measured"]]
             for k, r in fleet.items()],
        )  # fmt: skip
    syn = results.get("synth")
    if syn:
        out["Synth (desired state from stack/)"] = (
            ["cold s", "cached s", "note"],
            [[syn.get("cold_s"), syn.get("cached_s"), syn.get("skipped") or ""]],
        )
    return out


def console(results: dict[str, Any]) -> str:
    """The plain-text table printed at the end of a run."""
    lines: list[str] = []
    for title, (header, rows) in sections(results).items():
        lines += ["", title, *_table(header, rows)]
    rows = targets(results)
    if rows:
        lines += ["", "Targets"]
        lines += [f"  {_met(r['met']):6}  {r['target']}: {r['actual']}" for r in rows]
    if results.get("duration_s") is not None:
        lines += ["", f"bench wall time: {results['duration_s']:.0f}s"]
    return "\n".join(lines)


METHOD = """\
## Method

All figures are medians of {runs} runs (exceptions are listed under *Notes*), measured by
`python -m bench` on the machine below. Every case runs in a fresh process.

**Snapshot scaling.** A moto server runs in a process of its own (`bench/motoproc.py`: the
sandbox's server, `paymentaudit.sandbox.server`, so the server does not compete with the
audit for the GIL). It holds the payment stack x1, x10 and x50 inside ONE environment
(`bench`): copy *i* is provisioned by the sandbox's own components through an `Env` whose
`name()` inserts the copy index (`payment-sessions-007-bench`), with ten SSM parameters per
copy; 51 resources per copy. Each snapshot (`paymentaudit.engine.run.take`, both regions,
every collector) runs in a fresh process with {latency} ms slept in a botocore
`before-send` hook before every request, modelling a real round trip. *Concurrent* is the
default pool ({workers} workers); *sequential* is the same collectors with
`max_workers=1`. *Calls* counts every request (each page of a paginated call). The
*chain* is measured by the engine (`Engine.chain`): the most requests on one path of
dependent calls, where the pages of a paginated call are sequential and a call scheduled
by another's result (list, describe, detail, follow-up; a listing waits for the tag map)
comes after it. The *bound* is max(chain x latency, calls x latency / pool size);
*x bound* is concurrent / bound. *Client CPU* is the audit process's CPU time during the
concurrent snapshot and *server CPU* the moto process's: on this machine, what the
latency cannot hide.
Sequential runs at x{parallel_from} and above run as simultaneous single-threaded
processes (each spends about 90% of its time asleep in the injected latency): three take
the time of one, which keeps the suite within ten minutes, at the price of some
contention for the CPU that can only make the sequential figure (and so the speedup)
larger. Run `python -m bench --only snapshot --parallel-sequential-from 1000` to take them
one at a time.

**Compare.** Synthetic snapshot pairs (`bench/synthetic.py`): copies of the sandbox's own
snapshot of the stack (cached in `bench/.cache/`), so every resource has its collector's
shape (nested IAM and bucket policies, lifecycle rules, listeners, security group rules,
ARNs with account ids, `vpc-`/`sg-`/`subnet-` ids, KMS key UUIDs, ELB hashes, environment
words); the baseline is `dev` in one account, the target `prod-b7k2` in another with its
own ids; exactly 1% of the target's resources have one attribute changed. *Compare* times
`paymentaudit.findings.evaluate.audit(baseline, target, run_rules=False)`: normalize both snapshots,
drop what one side could not read, pair by (type, logical name), DeepDiff only the pairs
whose normalized configurations differ, build the parity findings, apply the policy and
sort. Readiness rules are NOT included (timed apart: *rules s*). The *whole DeepDiff* is
one `DeepDiff` of the two normalized snapshots (dicts keyed `type:logical_name`, the
engine's DeepDiff options); normalization is not in that figure, which favours DeepDiff.
Peak RSS is the compare process's high-water mark (inputs included) before the DeepDiff
runs, each size in a fresh process.

**End to end.** `python -m paymentaudit validate prod-abc123 --sandbox --out <tmp>`
with and without `--no-notebook`, each run a fresh process (`bench/validate_child.py`: the
CLI entry point with timers wrapped around library functions). Wall time and peak RSS
(`os.wait4`, i.e. the process or its largest waited-for child such as the notebook
kernel) are measured from outside. Breakdown (from the runs with the notebook): provision =
sandbox server start + provisioning both environments; snapshot; compare (compare engine
and findings); rules; reports (JSON, JUnit, SARIF, Markdown); notebook (papermill
execution and writing); HTML (nbconvert); other = interpreter start, imports, exit.
*Provision s (all runs)* (`validate.provision_s` in the results) is the median of the
provisioning over every run, with and without the notebook: the sandbox's moto server start
plus `paymentaudit.sandbox.build` (dev in the base account, prod in its own account through
an assumed role, the audit role, the planted drifts).

**Fleet.** A moto server process of its own holds `dev` and N clean prods (N = 10, then 50:
the account grows between the two) provisioned by the sandbox fleet's code
(`paymentaudit.sandbox.fleet`; each prod's parameters under `/<suffix>`, declared in an
inventory file). *Fleet s* is `python -m paymentaudit fleet --match 'prod-*' --baseline dev
--no-notebook` (discovery, one collection pass for the whole account in a local worker process,
N report directories, fleet.json), *validates s* the N separate `validate <prod> --baseline
dev --no-notebook` runs one after the other; every run is a fresh process with {latency} ms
slept before every request and every request counted, in the worker processes too
(`bench/fleet_bench.py`). Of the N validate runs, {fleet_sample} (evenly spaced) are measured
and their mean scaled to N: the environments are identical and read from the same account.
*Peak RSS* is the largest sum of the resident sizes of the fleet's process tree (sampled), or
its largest single process's peak, whichever is higher.

**Synth.** `paymentaudit.desired.state.load(synth=True)` for `prod-abc123` in a fresh process with
`PAYMENTAUDIT_CACHE_DIR` pointing at an empty directory (cold: runs the stack's synth),
then the same call again (cached: a cache hit).
"""


def markdown(results: dict[str, Any]) -> str:
    """BENCHMARKS.md: method, the latest tables, targets and how to rerun."""
    cfg = results.get("config", {})
    m = results.get("machine", {})
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`python -m bench`) from `bench/results/latest.json`; "
        "do not edit by hand.",
        "",
        f"Last run: {results.get('generated_at')}, commit {m.get('commit')}"
        + (" (with uncommitted changes)" if m.get("dirty") else "")
        + f", {results.get('duration_s', 0):.0f}s in all.",
        "",
        f"Machine: {m.get('cores')} cores ({m.get('cpu')}), {m.get('memory_mb')} MB memory, "
        f"Python {m.get('python')}, moto {m.get('packages', {}).get('moto')}, "
        f"boto3 {m.get('packages', {}).get('boto3')}, "
        f"deepdiff {m.get('packages', {}).get('deepdiff')}.",
        "",
        METHOD.format(
            runs=cfg.get("runs", 3),
            latency=f"{cfg.get('latency_ms', 50):g}",
            workers=cfg.get("workers", 16),
            parallel_from=cfg.get("parallel_sequential_from", 10),
            fleet_sample=cfg.get("fleet_validate_sample") or "all",
        ),
        "## Results",
    ]
    for title, (header, rows) in sections(results).items():
        lines += ["", f"### {title}", "", *_md_table(header, rows)]
    rows = targets(results)
    if rows:
        lines += ["", "### Targets", "", "| target | measured | outcome |", "|---|---|---|"]
        lines += [f"| {r['target']} | {r['actual']} | {_met(r['met'])} |" for r in rows]
    notes = results.get("notes") or []
    if notes:
        lines += ["", "### Notes", ""] + [f"- {n}" for n in notes]
    lines += ["", "## Rerun", "", "```sh", RERUN.rstrip(), "```", ""]
    lines += [
        "A full run writes `bench/results/latest.json`, a dated copy next to it and this "
        "file. A partial run (`--only`, `--scales`, `--sizes`, `--runs`) prints its table "
        "and writes nothing unless given `--out FILE`.",
        "",
    ]
    return "\n".join(lines)
