"""findings.json, the snapshots it was computed from, and what was compared.

The report directory's single source: every other format, the notebook and ``report DIR`` are
rendered from these files (``directory.load``) without computing anything again.
"""

from __future__ import annotations

from pathlib import Path

from paymentaudit.atomic import write_json_atomic
from paymentaudit.findings.result import AuditResult
from paymentaudit.reporters.directory import COMPARED, FINDINGS, SNAPSHOTS, compared_document
from paymentaudit.reporters.directory import snapshot_path as snapshot_path


def write(result: AuditResult, directory: Path) -> list[Path]:
    """Write findings.json, snapshots/<baseline>.json, snapshots/<target>.json (and desired.json),
    and snapshots/compared.json (the normalized configurations the report shows)."""
    written = [write_json_atomic(directory / FINDINGS, result.to_json())]
    for snap in (result.baseline, result.target):
        if snap is not None:
            written.append(snap.save(snapshot_path(directory, snap.suffix)))
    if result.desired is not None:
        written.append(result.desired.save(directory / SNAPSHOTS / "desired.json"))
    written.append(write_json_atomic(directory / SNAPSHOTS / COMPARED, compared_document(result)))
    return written
