"""The findings history: one row per run and one row per finding, appended by every validate to
a Parquet dataset (pyarrow), partitioned by target.

Layout, under ``$PAYMENTAUDIT_HISTORY`` or ``reports/history/`` of the working directory
(whatever ``--out`` is)::

    runs/target=<suffix>/<run id>.parquet       one row: verdict, score, counts, duration, ...
    findings/target=<suffix>/<run id>.parquet   one row per finding of that run

Each run writes new files (a temporary name, then a rename), so appending never rewrites
history and a crash leaves nothing half-written. Readers (``history SUFFIX``, the report's
trend chart, DuckDB) skip, with one warning line, a file that is not a run of this schema; such
a file is left where it is. A DuckDB query over it::

    SELECT generated_at, verdict, score, blocking
    FROM read_parquet('reports/history/runs/*/*.parquet', hive_partitioning = true)
    WHERE target = 'prod-abc123' ORDER BY generated_at
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from paymentaudit.atomic import atomic_file
from paymentaudit.findings.result import AuditResult
from paymentaudit.model import Severity

ENV_VAR = "PAYMENTAUDIT_HISTORY"
DEFAULT_DIR = Path("reports") / "history"
SCHEMA_VERSION = 1
_log = logging.getLogger(__name__)

RUN_SCHEMA = pa.schema(
    [
        ("schema_version", pa.int32()),
        ("run_id", pa.string()),
        ("baseline", pa.string()),
        ("generated_at", pa.string()),
        ("verdict", pa.string()),
        ("mode", pa.string()),
        ("score", pa.int32()),
        ("fail_on", pa.string()),
        ("blocking", pa.int32()),
        *((s.value, pa.int32()) for s in Severity),
        ("suppressed", pa.int32()),
        ("new", pa.int32()),
        ("fixed", pa.int32()),
        ("duration_s", pa.float64()),
        ("target_account", pa.string()),
        ("baseline_account", pa.string()),
        ("region", pa.string()),
        ("report_dir", pa.string()),
    ]
)
FINDING_SCHEMA = pa.schema(
    [
        ("schema_version", pa.int32()),
        ("run_id", pa.string()),
        ("generated_at", pa.string()),
        ("id", pa.string()),
        ("kind", pa.string()),
        ("check", pa.string()),
        ("severity", pa.string()),
        ("service", pa.string()),
        ("resource_type", pa.string()),
        ("resource", pa.string()),
        ("path", pa.string()),
        ("baseline_state", pa.string()),
        ("message", pa.string()),
    ]
)


def root(base: str | os.PathLike[str] | None = None) -> Path:
    """Where the history lives: ``base``, else $PAYMENTAUDIT_HISTORY, else reports/history/."""
    if base is not None:
        return Path(base)
    return Path(os.environ.get(ENV_VAR) or DEFAULT_DIR)


def run_row(result: AuditResult, duration: float, report_dir: str) -> dict[str, Any]:
    """A run as a history row."""
    counts = result.counts
    states = result.states
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": "",
        "baseline": result.baseline.suffix if result.baseline else None,
        "generated_at": result.generated_at,
        "verdict": result.verdict,
        "mode": result.mode,
        "score": result.score,
        "fail_on": result.fail_on.value,
        "blocking": len(result.blocking),
        **{s.value: counts[s.value] for s in Severity},
        "suppressed": len(result.suppressed),
        "new": states.get("new"),
        "fixed": states.get("fixed"),
        "duration_s": round(duration, 3),
        "target_account": result.target.account_id,
        "baseline_account": result.baseline.account_id if result.baseline else None,
        "region": result.target.region,
        "report_dir": report_dir,
    }


def append(
    result: AuditResult,
    *,
    duration: float,
    report_dir: str,
    base: str | os.PathLike[str] | None = None,
) -> str:
    """Append one run (and its findings) to the history of its target; returns the run id."""
    run_id = f"{result.generated_at.replace(':', '')}-{uuid.uuid4().hex[:8]}"
    target = result.target.suffix
    row = run_row(result, duration, report_dir)
    row["run_id"] = run_id
    findings = [
        {
            "schema_version": SCHEMA_VERSION,
            "run_id": run_id,
            "generated_at": result.generated_at,
            "id": f.id,
            "kind": f.kind.value,
            "check": f.check,
            "severity": f.severity.value,
            "service": f.service,
            "resource_type": f.resource_type,
            "resource": f.resource,
            "path": f.path,
            "baseline_state": f.baseline_state.value if f.baseline_state else None,
            "message": f.message,
        }
        for f in result.findings
    ]
    top = root(base)
    _write(top / "findings" / f"target={target}" / f"{run_id}.parquet", findings, FINDING_SCHEMA)
    _write(top / "runs" / f"target={target}" / f"{run_id}.parquet", [row], RUN_SCHEMA)
    return run_id


def _write(path: Path, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(rows, schema=schema)
    with atomic_file(path) as tmp:
        pq.write_table(table, tmp)


def runs(
    target: str,
    base: str | os.PathLike[str] | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """The target's runs, oldest first; foreign or corrupt files are skipped with a warning."""
    out = list(_rows(root(base) / "runs" / f"target={target}", RUN_SCHEMA, warn))
    return sorted(out, key=lambda r: (str(r.get("generated_at")), str(r.get("run_id"))))


def _rows(
    directory: Path, schema: pa.Schema, warn: Callable[[str], None] | None
) -> Iterator[dict[str, Any]]:
    if not directory.is_dir():
        return
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        try:
            table = pq.read_table(path)
        except (pa.ArrowException, OSError) as exc:
            _skip(path, f"not a Parquet file ({type(exc).__name__})", warn)
            continue
        missing = [n for n in schema.names if n not in table.column_names]
        if missing:
            _skip(path, f"not a paymentaudit history file (no {missing[0]})", warn)
            continue
        yield from table.select(schema.names).to_pylist()


def _skip(path: Path, why: str, warn: Callable[[str], None] | None) -> None:
    message = f"history: skipped {path}: {why} (left where it is)"
    if warn is not None:
        warn(message)
    else:
        _log.warning(message)


def trend(
    target: str,
    base: str | os.PathLike[str] | None = None,
    warn: Callable[[str], None] | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """The target's previous runs for the report's chart: time, verdict, score, blocking."""
    rows = runs(target, base, warn)[-limit:]
    keys = ("generated_at", "verdict", "score", "blocking", "baseline")
    return [{k: row.get(k) for k in keys} for row in rows]
