"""The records of a fleet run: the plan (targets and their groups), the picklable task of one
(account, region) group, what a task returns, and the finished run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paymentaudit.aws import Connection
from paymentaudit.fleet.model import FleetView
from paymentaudit.model import Severity
from paymentaudit.policy import Policy


@dataclass(frozen=True)
class Target:
    """One environment of the fleet: where it and its baseline are read."""

    suffix: str
    baseline: str
    connection: Connection
    ssm_path: str | None
    baseline_connection: Connection
    baseline_ssm: str | None


@dataclass(frozen=True)
class FleetPlan:
    """The targets (by suffix) and every suffix seen (tagged or in the inventory)."""

    targets: tuple[Target, ...]
    seen: tuple[str, ...]

    def matrix(self) -> dict[str, list[dict[str, str]]]:
        """The GitHub Actions matrix: ``{"include": [{"suffix", "baseline"}, ...]}``."""
        return {"include": [{"suffix": t.suffix, "baseline": t.baseline} for t in self.targets]}

    def groups(self) -> list[tuple[Target, ...]]:
        """The targets read the same way (one account and region), in plan order."""
        out: list[list[Target]] = []
        for target in self.targets:
            group = next((g for g in out if g[0].connection.same_reads(target.connection)), None)
            if group is None:
                out.append([target])
            else:
                group.append(target)
        return [tuple(g) for g in out]


@dataclass(frozen=True)
class EnvTask:
    """One target of a group task, with what the client knows of its earlier runs."""

    target: Target
    previous: tuple[dict[str, Any], str] | None = None  # findings.json and where it is
    trend: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class GroupTask:
    """One (account, region) group: picklable, so that a local process or a Dask worker runs
    it with nothing else from this process."""

    envs: tuple[EnvTask, ...]
    policy: Policy
    fail_on: Severity
    notebook: bool
    max_workers: int
    timeout: float
    source: str


@dataclass(frozen=True)
class EnvReport:
    """A finished report directory, packed (``fleet.pack``), and the seconds it took."""

    suffix: str
    files: bytes
    seconds: float


@dataclass
class FleetRun:
    """A finished fleet: its view, where it was written, and ``latest`` when switched."""

    view: FleetView
    report_dir: Path
    latest: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """1 when any environment is NOT READY, else 3 when any is INCOMPLETE, else 0."""
        return self.view.exit_code
