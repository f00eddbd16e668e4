"""findings.json and the snapshots it was computed from."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from paymentaudit.reporters import register
from paymentaudit.snapshot import write_json_atomic

if TYPE_CHECKING:
    from paymentaudit.audit import AuditResult

FINDINGS = "findings.json"
SNAPSHOTS = "snapshots"


def snapshot_path(directory: Path, suffix: str) -> Path:
    """Where a run directory keeps one environment's snapshot."""
    return directory / SNAPSHOTS / f"{suffix}.json"


@register("json")
def write(result: AuditResult, directory: Path) -> list[Path]:
    """Write findings.json and snapshots/<baseline>.json, snapshots/<target>.json."""
    written = [write_json_atomic(directory / FINDINGS, result.to_json())]
    for snap in (result.baseline, result.target):
        if snap is not None:
            written.append(snap.save(snapshot_path(directory, snap.suffix)))
    if result.desired is not None:
        written.append(result.desired.save(directory / SNAPSHOTS / "desired.json"))
    return written
