"""The findings history (issue #13): one Parquet row per run and per finding, partitioned by
target; `history SUFFIX`; corrupt or foreign files skipped with a warning and left in place;
the README's DuckDB query runs over it."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import ROOT, chdir, run_cli

from paymentaudit import history
from paymentaudit.api import validation

TARGET = "prod-abc123"


@pytest.fixture(scope="module")
def two_runs(sandbox: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two validate runs of the session sandbox, their history under tmp/reports/history."""
    tmp = tmp_path_factory.mktemp("history")
    runs = []
    with chdir(tmp):
        for n in range(2):
            opts = validation.Options(
                target=TARGET,
                endpoint_url=sandbox.url,
                notebook=False,
                out=str(tmp / f"run{n}"),
                history=str(tmp / "reports" / "history"),
            )
            runs.append(validation.validate(opts))
    return {"tmp": tmp, "runs": runs}


def test_each_run_appends_a_run_row_and_its_findings(two_runs: dict[str, Any]) -> None:
    base = two_runs["tmp"] / "reports" / "history"
    rows = history.runs(TARGET, base)
    assert [r["generated_at"] for r in rows] == [
        run.result.generated_at for run in two_runs["runs"]
    ]
    first = two_runs["runs"][0].result
    assert rows[0]["score"] == first.score and rows[0]["verdict"] == first.verdict
    assert rows[0]["blocking"] == len(first.blocking)
    assert rows[0]["target_account"] == first.target.account_id
    files = sorted((base / "findings" / f"target={TARGET}").glob("*.parquet"))
    assert len(files) == 2
    ids = pq.read_table(files[0]).column("id").to_pylist()
    assert sorted(ids) == sorted(f.id for f in first.findings)


def test_the_history_command_lists_both_runs(
    two_runs: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    base = two_runs["tmp"] / "reports" / "history"
    code, out, _ = run_cli(["history", TARGET, "--history", str(base)], capsys)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3
    for run, line in zip(two_runs["runs"], lines[1:], strict=True):
        assert line.startswith(run.result.generated_at) and "NOT READY" in line


def test_corrupt_and_foreign_files_are_skipped_with_a_warning_and_kept(
    two_runs: dict[str, Any], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import shutil

    base = tmp_path / "history"
    shutil.copytree(two_runs["tmp"] / "reports" / "history", base)
    where = base / "runs" / f"target={TARGET}"
    corrupt = where / "corrupt.parquet"
    corrupt.write_bytes(b"PAR1 not really")
    foreign = where / "foreign.parquet"
    pq.write_table(pa.table({"x": [1]}), foreign)
    with caplog.at_level(logging.WARNING, logger="paymentaudit.history"):
        rows = history.runs(TARGET, base)
    assert len(rows) == 2
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2
    assert any("corrupt.parquet: not a Parquet file" in w for w in warnings)
    assert any("foreign.parquet: not a paymentaudit history file" in w for w in warnings)
    assert corrupt.read_bytes() == b"PAR1 not really" and foreign.is_file()


def test_the_readme_duckdb_query_runs_over_the_history(two_runs: dict[str, Any]) -> None:
    duckdb = pytest.importorskip("duckdb")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (query,) = re.findall(r"```sql\n(.*?)```", readme, re.DOTALL)
    with chdir(two_runs["tmp"]):
        rows = duckdb.sql(query).fetchall()
    runs = [run.result for run in two_runs["runs"]]
    assert [row[:4] for row in rows] == [
        (r.generated_at, r.verdict, r.score, len(r.blocking)) for r in runs
    ]
