"""Helpers of the fleet tests: the moto server process, the inventory, running the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import moto_process

from paymentaudit.sandbox.fleet import Fleet, Part

ROOT = Path(__file__).resolve().parents[2]
__all__ = ["moto_process"]
PRODS = ("prod-abc123", "prod-def456", "prod-ghi789", "prod-jkl012", "prod-mno345")


def write_inventory(path: Path, fleet: Fleet) -> Path:
    """An inventory declaring each prod's SSM path (the sandbox fleet keeps each prod's
    parameters under /<suffix>)."""
    lines = []
    for suffix, ssm in fleet.ssm_paths.items():
        lines += [f"[environments.{suffix}]", f'ssm_path = "{ssm}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@dataclass(frozen=True)
class FleetServer:
    """The session's moto server with the sandbox fleet, and its inventory file."""

    fleet: Fleet
    inventory: Path

    @property
    def url(self) -> str:
        return self.fleet.url

    @property
    def where(self) -> list[str]:
        """The connection flags that reach it."""
        return ["--endpoint-url", self.url, "--inventory", str(self.inventory)]

    def suffixes(self, part: Part) -> list[str]:
        return self.fleet.of(part)


@dataclass(frozen=True)
class FleetRun:
    """A finished `python -m paymentaudit fleet` run."""

    returncode: int
    stdout: str
    stderr: str
    directory: Path
    step_summary: Path
    history: Path

    @property
    def doc(self) -> dict[str, Any]:
        return load(self.directory)


def load(directory: Path) -> dict[str, Any]:
    """fleet.json of a fleet directory."""
    return json.loads((directory / "fleet.json").read_text(encoding="utf-8"))


def run_module(
    args: list[str], env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """`python -m paymentaudit ARGS` from the repository root (its policy applies)."""
    return subprocess.run(
        [sys.executable, "-m", "paymentaudit", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_fleet(server: FleetServer, args: list[str], base: Path) -> FleetRun:
    """`fleet ARGS` against ``server``, with a history and a step summary under ``base``."""
    summary, history = base / "step-summary.md", base / "history"
    out = Path(args[args.index("--out") + 1])
    proc = run_module(
        ["fleet", *args, *server.where],
        env={"GITHUB_STEP_SUMMARY": str(summary), "PAYMENTAUDIT_HISTORY": str(history)},
    )
    return FleetRun(proc.returncode, proc.stdout, proc.stderr, out, summary, history)


def comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """fleet.json without its time of writing."""
    return {k: v for k, v in doc.items() if k != "generated_at"}


def assert_one_error_line(err: str) -> None:
    """The error contract: one `paymentaudit: error:` line on stderr, no traceback, after the
    fleet's progress lines (`paymentaudit: fleet: ...`) when it got that far."""
    lines = [
        line
        for line in err.splitlines()
        if line.strip() and not line.startswith("paymentaudit: fleet")
    ]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("paymentaudit: error:"), err
