"""Fleet: N prod environments in ONE account, audited by one ``fleet`` run against N separate
``validate`` runs (N = 10 and 50).

A moto server in a process of its own (``bench.scaled.moto_server``) holds ``dev`` and N clean
prods provisioned by the sandbox fleet's own code (``paymentaudit.sandbox.fleet``: each prod's
parameters under ``/<suffix>``, declared in an inventory file). Every measured command is a
fresh process, ``python -m bench.fleet_bench child ARGS`` (the CLI, ``paymentaudit.cli.main``),
with a latency slept before every request (a botocore ``before-send`` hook, as in the snapshot
benchmark) and every request counted (one byte appended to a file per request). The hook is
installed when this module is imported with $BENCH_FLEET_LATENCY_MS set: in the child, and in
the fleet's worker processes too (``spawn`` imports the parent's main module, this one, as
``__mp_main__``), so calls made anywhere in the process tree are delayed and counted.

* ``s``: wall time of ``fleet --match 'prod-*' --baseline dev --no-notebook``;
* ``sequential_validate_s``: the N ``validate <prod> --baseline dev --no-notebook`` runs, one
  after the other: all N measured, or k evenly spaced ones (``validate_runs_measured``; the
  default at 50 is 10) and their mean times N;
* ``calls``, ``sequential_calls``: the requests each made;
* ``rss_mb``: the fleet's peak memory: the largest sum of the resident sizes of the fleet
  process and all its descendants (sampled every 100 ms), or the largest single process's peak
  (``wait4``) when that is higher.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

LATENCY_ENV = "BENCH_FLEET_LATENCY_MS"
CALLS_ENV = "BENCH_FLEET_CALLS_FILE"
SCALES = (10, 50)
TARGET_SCALE = 50
SPEEDUP_TARGET = 10.0
CALLS_SHARE_TARGET = 1 / 3
RSS_TARGET_MB = 1024.0
CHILD_TIMEOUT = 900.0
SAMPLE_S = 0.1
# Separate validate runs measured per scale (evenly spaced); None: all N.
VALIDATE_SAMPLE: int | None = 5


def _install_from_env() -> None:
    """In a measured process: delay and count every AWS request (see the module docstring)."""
    latency = os.environ.get(LATENCY_ENV)
    if not latency:
        return
    import botocore.session

    delay = float(latency) / 1000
    path = os.environ.get(CALLS_ENV)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600) if path else None
    create = botocore.session.Session.create_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = create(self, *args, **kwargs)

        def before_send(**_: Any) -> None:
            if fd is not None:
                os.write(fd, b".")
            time.sleep(delay)

        client.meta.events.register("before-send", before_send)
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]


_install_from_env()


# -- measuring -------------------------------------------------------------------------------


def measure(argv: list[str], latency_ms: float, calls_file: Path) -> dict[str, Any]:
    """Run ``python -m bench.fleet_bench child ARGV``; wall time, exit code, requests made
    and peak memory of its process tree."""
    import psutil

    from bench.common import PYTHON, ROOT

    calls_file.write_bytes(b"")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        LATENCY_ENV: str(latency_ms),
        CALLS_ENV: str(calls_file),
        # A findings history of the benchmark's own: never reports/history of the checkout.
        "PAYMENTAUDIT_HISTORY": str(calls_file.parent / "history"),
    }
    errors = calls_file.with_suffix(".err")
    peak = [0.0]
    done = threading.Event()
    with open(errors, "w", encoding="utf-8") as err_out:
        start = time.perf_counter()
        proc = psutil.Popen(
            [PYTHON, "-m", "bench.fleet_bench", "child", *argv],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err_out,
        )

        def sample() -> None:
            while not done.is_set():
                total = 0
                try:
                    tree = [proc, *proc.children(recursive=True)]
                except psutil.Error:
                    tree = []
                for member in tree:
                    try:
                        total += member.memory_info().rss
                    except psutil.Error:
                        continue
                peak[0] = max(peak[0], total / 2**20)
                done.wait(SAMPLE_S)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            done.set()
            sampler.join()
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 3):
        tail = "\n".join(errors.read_text(errors="replace").strip().splitlines()[-10:])
        raise RuntimeError(f"{' '.join(argv[:2])} exited {code}:\n{tail}")
    return {
        "wall_s": wall,
        "exit": code,
        "calls": calls_file.stat().st_size,
        "rss_mb": max(peak[0], usage.ru_maxrss / 1024),
    }


# -- setup -----------------------------------------------------------------------------------


def provision(url: str, suffixes: list[str], workers: int = 1) -> float:
    """Provision ``suffixes`` (dev is the baseline, the others clean prods); seconds taken."""
    from paymentaudit.sandbox.fleet import Member, Part, provision_fleet

    def one(suffix: str) -> None:
        part = Part.BASELINE if suffix == "dev" else Part.CLEAN
        provision_fleet(url, (Member(suffix, part),))

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, suffixes))
    return time.perf_counter() - start


def prods(n: int) -> list[str]:
    """The prod suffixes of a fleet of ``n``."""
    return [f"prod-f{i:03d}" for i in range(n)]


def inventory(path: Path, suffixes: list[str]) -> Path:
    """Each prod's SSM path (the sandbox fleet keeps a prod's parameters under /<suffix>)."""
    lines = [f'[environments.{s}]\nssm_path = "/{s}"\n' for s in suffixes]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def sampled(suffixes: list[str], k: int | None) -> list[str]:
    """``k`` evenly spaced suffixes (all of them when ``k`` is None or not smaller)."""
    if k is None or k >= len(suffixes):
        return suffixes
    step = len(suffixes) / k
    return [suffixes[int(i * step)] for i in range(k)]


def run(
    scales: list[int] | tuple[int, ...] = SCALES,
    latency_ms: float = 50.0,
    validate_sample: int | None = VALIDATE_SAMPLE,
) -> dict[str, Any]:
    """Every scale (ascending), the account growing between them; results keyed ``x<N>``.

    The separate validate runs are measured one after the other: all N of them, or with
    ``validate_sample`` k evenly spaced ones, their mean times N (the environments are
    identical and read from the same account, so each run does the same work).
    """
    from bench.common import log, rounded
    from bench.scaled import moto_server

    out: dict[str, Any] = {}
    with moto_server() as server, tempfile.TemporaryDirectory(prefix="bench-fleet-") as tmp:
        work = Path(tmp)
        have: list[str] = []
        for scale in sorted(scales):
            todo = [s for s in ["dev", *prods(scale)] if s not in have]
            log(f"fleet x{scale}: provisioning {len(todo)} environment(s)")
            provision_s = provision(server.url, todo)
            have += todo
            where = ["--endpoint-url", server.url, "--inventory"]
            where.append(str(inventory(work / f"inventory-{scale}.toml", prods(scale))))
            log(f"fleet x{scale}: provisioned in {provision_s:.1f}s; the fleet run")
            fleet = measure(
                ["fleet", "--match", "prod-*", "--baseline", "dev", "--no-notebook",
                 "--out", str(work / f"fleet-{scale}"), *where],
                latency_ms, work / "calls-fleet",
            )  # fmt: skip
            log(
                f"fleet x{scale}: {fleet['wall_s']:.1f}s; validate runs (sample: {validate_sample})"
            )
            sample = sampled(prods(scale), validate_sample)
            alone = [
                measure(
                    [
                        "validate",
                        suffix,
                        "--baseline",
                        "dev",
                        "--no-notebook",
                        "--out",
                        str(work / f"validate-{scale}-{suffix}"),
                        *where,
                    ],
                    latency_ms,
                    work / "calls-validate",
                )
                for suffix in sample
            ]
            out[f"x{scale}"] = summarize(scale, fleet, alone, latency_ms, provision_s)
            row = out[f"x{scale}"]
            log(
                f"fleet x{scale}: {row['s']}s and {row['calls']} calls against "
                f"{row['sequential_validate_s']}s and {row['sequential_calls']} calls; "
                f"peak {rounded(row['rss_mb'], 1)} MB"
            )
    return out


def summarize(
    scale: int,
    fleet: dict[str, Any],
    alone: list[dict[str, Any]],
    latency_ms: float,
    provision_s: float,
) -> dict[str, Any]:
    """One scale's figures and, at 50, its targets."""
    from bench.common import rounded

    mean_s = sum(r["wall_s"] for r in alone) / len(alone)
    sequential_s = mean_s * scale
    sequential_calls = round(sum(r["calls"] for r in alone) / len(alone) * scale)
    speedup = sequential_s / fleet["wall_s"]
    share = fleet["calls"] / sequential_calls
    targeted = scale == TARGET_SCALE
    return {
        "s": rounded(fleet["wall_s"]),
        "sequential_validate_s": rounded(sequential_s),
        "calls": fleet["calls"],
        "sequential_calls": sequential_calls,
        "rss_mb": rounded(fleet["rss_mb"], 1),
        "speedup": rounded(speedup, 2),
        "calls_share": rounded(share, 3),
        "exit_code": fleet["exit"],
        "validate_exit_codes": sorted({r["exit"] for r in alone}),
        "validate_runs_measured": len(alone),
        "validate_s": {
            "mean": rounded(mean_s),
            "min": rounded(min(r["wall_s"] for r in alone)),
            "max": rounded(max(r["wall_s"] for r in alone)),
        },
        "validate_calls": sorted({r["calls"] for r in alone}),
        "latency_ms": latency_ms,
        "provision_s": rounded(provision_s, 1),
        "targets": {
            "speedup_at_least_10x": (speedup >= SPEEDUP_TARGET) if targeted else None,
            "calls_at_most_a_third": (share <= CALLS_SHARE_TARGET) if targeted else None,
            "rss_at_most_1gb": fleet["rss_mb"] <= RSS_TARGET_MB,
        },
    }


def main() -> None:
    """``child ARGS``: the CLI (measured by ``measure``); else run the benchmark alone."""
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        from paymentaudit import cli

        cli.main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(prog="python -m bench.fleet_bench")
    parser.add_argument("--scales", default="10,50")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument(
        "--validate-sample", type=int, default=VALIDATE_SAMPLE, help="0: every validate run"
    )
    args = parser.parse_args()
    import json

    scales = [int(x) for x in args.scales.split(",") if x.strip()]
    sample = args.validate_sample or None
    print(json.dumps(run(scales, args.latency_ms, sample), indent=2))


if __name__ == "__main__":
    main()
