"""Helpers shared by the CLI and reliability tests."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI in-process (no sys.exit); returns (code, stdout, stderr)."""
    from paymentaudit import cli

    code = cli.run(args)
    out, err = capsys.readouterr()
    return code, out, err


def run_module(
    args: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run `python -m paymentaudit ARGS` as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "paymentaudit", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


PHASE_LINE = re.compile(r"^paymentaudit: (synth|snapshot|compare|rules|reports|notebook)(: |$)")


def assert_one_line_error(err: str) -> None:
    """The error contract: one clear line on stderr, no traceback (after the progress lines of
    the phases that ran)."""
    lines = [line for line in err.splitlines() if line.strip() and not PHASE_LINE.match(line)]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("paymentaudit: error:"), err


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def chdir(path: Path) -> Iterator[None]:
    """Temporarily change the working directory."""
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def findings(directory: Path) -> dict[str, Any]:
    """findings.json of a report directory."""
    return json.loads((directory / "findings.json").read_text())


_COUNTER = iter(range(1, 10**6))


@contextlib.contextmanager
def fresh_sandbox(drifts: bool = False) -> Iterator[Any]:
    """A private moto server with a target and a baseline of their own (for tests that change
    AWS state). Suffixes are unique in the process because S3 bucket names are global."""
    from paymentaudit.sandbox import build, client_factory, server

    n = next(_COUNTER)
    target, baseline = f"prod-t{n}", f"dev-t{n}"
    with server() as url:
        envs = build(url, target, baseline, drifts=drifts)
        yield type(
            "Fresh",
            (),
            {
                "url": url,
                "envs": envs,
                "clients": client_factory(url),
                "target": target,
                "baseline": baseline,
            },
        )


def parts_of(found: Any) -> dict[tuple[str, str, str, str], tuple[Any, str]]:
    """Every part of every finding (one problem, one finding: a rule's result and its
    differences are parts of one): (kind, check, resource, path) -> (part severity, finding
    id)."""
    out = {}
    for f in found:
        for part in f.parts:
            key = (part.kind.value, part.check, part.resource or f.resource, part.path)
            out[key] = (part.severity, f.id)
    return out


@contextlib.contextmanager
def moto_process() -> Iterator[str]:
    """``python -m moto.server`` in a process of its own, on a free loopback port; yields its
    URL. moto keeps its state per process: nothing else in the test process can touch it."""
    port = closed_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env={**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the moto server did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
