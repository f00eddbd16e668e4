"""Snapshot scaling: the stack x1, x10, x50 in one environment, concurrent against sequential.

For each scale the moto server (a process of its own) holds N copies of the stack, and the
snapshot of that one environment is taken in fresh processes (``bench.snapchild``) with a
latency injected before every request:

* concurrent: the default pool (``paymentaudit.aws.DEFAULT_MAX_WORKERS``);
* sequential: the same collectors with ``max_workers=1``.

The bound is the larger of the longest chain of dependent requests times the latency
(``Engine.chain``: list pages are sequential, list -> describe -> detail -> follow-up
chain) and all requests times the latency over the pool size.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.common import Child, log, median, rounded, run_module
from bench.scaled import RESOURCES_PER_COPY, SUFFIX, moto_server, provision_copies

SPEEDUP_TARGET = 8.0
BOUND_FACTOR = 2.0
TARGET_SCALES = (10, 50)
CHILD_TIMEOUT = 900.0


def _snap(url: str, account: str, workers: int, latency_ms: float) -> Child:
    return run_module(
        "bench.snapchild",
        [url, account, "--suffix", SUFFIX, "--workers", str(workers),
         "--latency-ms", str(latency_ms)],
        timeout=CHILD_TIMEOUT,
    )  # fmt: skip


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _runs(
    url: str,
    account: str,
    workers: int,
    latency_ms: float,
    runs: int,
    parallel: bool,
    server_pid: int | None = None,
) -> list[dict[str, Any]]:
    """``runs`` snapshots, one after the other, or all at once when ``parallel``.

    One after the other, each result also gets ``server_cpu_s``: the moto server's CPU time
    during that snapshot.
    """
    if not parallel:
        out = []
        for _ in range(runs):
            before = process_cpu_s(server_pid) if server_pid else 0.0
            data = _snap(url, account, workers, latency_ms).data
            if server_pid:
                data["server_cpu_s"] = process_cpu_s(server_pid) - before
            out.append(data)
        return out
    with ThreadPoolExecutor(runs) as pool:
        futures = [pool.submit(_snap, url, account, workers, latency_ms) for _ in range(runs)]
        return [f.result().data for f in futures]


def run(
    scales: list[int],
    runs: int = 3,
    latency_ms: float = 50.0,
    parallel_sequential_from: int = 50,
) -> dict[str, Any]:
    """Measure every scale (ascending); results keyed ``x<N>``.

    Sequential runs of scales at or above ``parallel_sequential_from`` run as simultaneous
    single-threaded processes (each mostly sleeping in the injected latency) to keep the
    suite within its time budget; ``runs`` of them take the time of one.
    """
    from paymentaudit.aws import DEFAULT_MAX_WORKERS

    latency = latency_ms / 1000
    out: dict[str, Any] = {}
    with moto_server() as server:
        provisioned = 0
        for scale in sorted(scales):
            log(f"snapshot x{scale}: provisioning copies {provisioned}..{scale - 1}")
            seconds = provision_copies(server, range(provisioned, scale))
            provisioned = scale
            log(f"snapshot x{scale}: provisioned in {seconds:.1f}s; concurrent runs")
            conc = _runs(
                server.url, server.account, DEFAULT_MAX_WORKERS, latency_ms, runs, False,
                server.process.pid,
            )  # fmt: skip
            parallel = scale >= parallel_sequential_from
            log(f"snapshot x{scale}: sequential runs" + (" (simultaneous)" if parallel else ""))
            seq = _runs(server.url, server.account, 1, latency_ms, runs, parallel)
            out[f"x{scale}"] = summarize(
                scale, conc, seq, latency, DEFAULT_MAX_WORKERS, seconds, parallel
            )
            row = out[f"x{scale}"]
            log(
                f"snapshot x{scale}: concurrent {row['concurrent_s']}s, sequential "
                f"{row['sequential_s']}s, {row['calls']} calls, bound {row['bound_s']}s"
            )
    return out


def summarize(
    scale: int,
    conc: list[dict[str, Any]],
    seq: list[dict[str, Any]],
    latency: float,
    workers: int,
    provision_s: float,
    parallel_sequential: bool,
) -> dict[str, Any]:
    """One scale's figures (medians), bound and targets."""
    concurrent_s = median([r["wall_s"] for r in conc])
    sequential_s = median([r["wall_s"] for r in seq])
    calls = int(median([r["calls"] for r in conc]))
    chain = int(median([r["chain"] for r in conc]))
    chain_bound = chain * latency
    pool_bound = calls * latency / workers
    bound = max(chain_bound, pool_bound)
    speedup = sequential_s / concurrent_s
    targeted = scale in TARGET_SCALES
    resources = [r["resources"] for r in conc + seq]
    errors = [r["errors"] for r in conc + seq if r["errors"]]
    return {
        "concurrent_s": rounded(concurrent_s),
        "sequential_s": rounded(sequential_s),
        "calls": calls,
        "bound_s": rounded(bound),
        "chain": chain,
        "chain_bound_s": rounded(chain_bound),
        "pool_bound_s": rounded(pool_bound),
        "calls_per_s": rounded(calls / concurrent_s, 1),
        "sequential_calls_per_s": rounded(calls / sequential_s, 1),
        "speedup": rounded(speedup, 2),
        "bound_ratio": rounded(concurrent_s / bound, 2),
        "resources": resources[0],
        "expected_resources": scale * RESOURCES_PER_COPY,
        "resources_consistent": len(set(resources)) == 1,
        "coverage_errors": errors[0] if errors else {},
        "workers": workers,
        "latency_ms": rounded(latency * 1000, 1),
        "client_cpu_s": rounded(median([r["cpu_s"] for r in conc])),
        "server_cpu_s": rounded(median([r.get("server_cpu_s", 0.0) for r in conc])),
        "provision_s": rounded(provision_s, 1),
        "sequential_mode": "simultaneous processes" if parallel_sequential else "one at a time",
        "runs": {
            "concurrent_s": [rounded(r["wall_s"]) for r in conc],
            "sequential_s": [rounded(r["wall_s"]) for r in seq],
        },
        "targets": {
            "speedup_at_least_8x": (speedup >= SPEEDUP_TARGET) if targeted else None,
            "within_2x_of_bound": (concurrent_s <= BOUND_FACTOR * bound) if targeted else None,
        },
    }
