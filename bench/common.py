"""Shared helpers of the benchmark suite: child processes, peak RSS, medians, the machine."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PYTHON = sys.executable
_STARTED = time.monotonic()


def log(message: str) -> None:
    """A progress line on stderr, with the time since the bench started."""
    print(f"[{time.monotonic() - _STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float:
    """The median (the middle run of an odd count)."""
    return float(statistics.median(values))


def rounded(value: float | None, digits: int = 3) -> float | None:
    """``value`` rounded for the results file (None stays None)."""
    return None if value is None else round(float(value), digits)


@dataclass
class Child:
    """A finished child process: exit code, wall time, peak RSS, output."""

    returncode: int
    wall_s: float
    maxrss_mb: float  # the child's peak RSS, or its largest waited-for descendant's
    stdout: str
    stderr: str
    timed_out: bool = False
    data: dict[str, Any] = field(default_factory=dict)  # the last JSON line of stdout


def run_child(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    cwd: Path = ROOT,
) -> Child:
    """Run ``argv`` to completion and measure it with wait4 (wall time and peak RSS).

    The child gets a session of its own so that a timeout ends it and everything it started
    (a notebook kernel) by process group, and nothing else.
    """
    full_env = {**os.environ, **(env or {})}
    full_env.setdefault("PYTHONPATH", str(ROOT))
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8") as out,
        tempfile.TemporaryFile("w+", encoding="utf-8") as err,
    ):
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            cwd=cwd,
            env=full_env,
            start_new_session=True,
        )
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    child = Child(
        returncode=proc.returncode,
        wall_s=wall,
        maxrss_mb=usage.ru_maxrss / 1024,
        stdout=stdout,
        stderr=stderr,
        timed_out=expired.is_set(),
    )
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            try:
                child.data = json.loads(line)
            except ValueError:
                continue
            break
    return child


def run_module(
    module: str,
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Child:
    """``python -m module args`` as a measured child; RuntimeError when it fails."""
    child = run_child([PYTHON, "-m", module, *args], env=env, timeout=timeout)
    if child.returncode != 0 or not child.data:
        tail = "\n".join(child.stderr.strip().splitlines()[-15:])
        reason = "timed out" if child.timed_out else f"exit {child.returncode}"
        raise RuntimeError(f"python -m {module} {' '.join(args)}: {reason}\n{tail}")
    return child


def emit(data: Mapping[str, Any]) -> None:
    """A child's result: one JSON line on stdout."""
    print(json.dumps(data, default=str), flush=True)


def peak_rss_mb() -> float:
    """This process's peak RSS so far (VmHWM), in MB."""
    return _status_kb("VmHWM") / 1024


def current_rss_mb() -> float:
    """This process's current RSS (VmRSS), in MB."""
    return _status_kb("VmRSS") / 1024


def _status_kb(field_name: str) -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return float(line.split()[1])
    except OSError:
        pass
    import resource

    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def busy_cpu_s() -> float:
    """CPU seconds the whole machine has spent busy since boot (all processes, /proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_s() -> float:
    """CPU seconds of this process and of its children waited for so far."""
    import resource

    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


class Quietness:
    """How much CPU other processes used while a part ran (the bench's own excluded)."""

    def __init__(self) -> None:
        self.busy = busy_cpu_s()
        self.own = own_cpu_s()
        self.wall = time.monotonic()
        self.load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None

    def report(self) -> dict[str, Any]:
        """Foreign CPU seconds, and as a share of the machine's capacity over the period."""
        wall = time.monotonic() - self.wall
        foreign = max(0.0, (busy_cpu_s() - self.busy) - (own_cpu_s() - self.own))
        capacity = wall * (os.cpu_count() or 1)
        return {
            "foreign_cpu_s": round(foreign, 1),
            "foreign_share": round(foreign / capacity, 3) if capacity else None,
            "load_at_start": round(self.load, 2) if self.load is not None else None,
        }


def machine() -> dict[str, Any]:
    """What the numbers were measured on: cores, memory, CPU, Python, library versions."""
    from importlib import metadata

    memory_mb = None
    cpu_model = platform.processor() or None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = round(int(line.split()[1]) / 1024)
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in ("paymentaudit", "boto3", "botocore", "moto", "deepdiff", "papermill"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_mb": memory_mb,
        "cpu": cpu_model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
