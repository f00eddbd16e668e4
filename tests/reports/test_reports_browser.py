"""readiness.html in headless Chromium, with the network cut off: every findings table is
interactive (sort, search, filter by severity, state, service and kind) from the page alone.

Chromium and its driver live in .venv/tools/chromium (`make test` installs them; see the
Makefile). The test skips only when CHROMIUM_TOOLS is unset and that directory is missing; a
CHROMIUM_TOOLS that points nowhere fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT

from paymentaudit.model import Severity

SCRIPT = Path(__file__).resolve().parents[1] / "browser" / "check_report.mjs"
DEFAULT_TOOLS = ROOT / ".venv" / "tools" / "chromium"


@pytest.fixture(scope="module")
def chromium_tools() -> Path:
    given = os.environ.get("CHROMIUM_TOOLS")
    tools = Path(given) if given else DEFAULT_TOOLS
    if not (tools / "node_modules" / "puppeteer-core").is_dir():
        if given:
            pytest.fail(f"CHROMIUM_TOOLS={given} holds no puppeteer-core (run make test)")
        pytest.skip("no headless Chromium: make test installs it in .venv/tools/chromium")
    if shutil.which("node") is None:
        pytest.fail("node is not on PATH (Node.js 18+ is a requirement)")
    return tools


def _check(chromium_tools: Path, html: Path, search: str, pane: str) -> dict[str, Any]:
    done = subprocess.run(
        ["node", str(SCRIPT), str(html), search, pane],
        env={**os.environ, "CHROMIUM_TOOLS": str(chromium_tools)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _total(info: str) -> int:
    """The row count of a DataTables info line ("Showing 1 to 3 of 3 entries (...)")."""
    return int(info.split(" of ", 1)[1].split()[0])


def test_the_findings_tables_work_offline(
    chromium_tools: Path, report_dir: Path, result: Any
) -> None:
    findings = result.findings
    high = sum(1 for f in findings if f.severity is Severity.HIGH)
    assert high and len(findings) > high
    (pitr,) = [f for f in findings if f.check == "DDB-PITR"]
    page = _check(chromium_tools, report_dir / "readiness.html", pitr.check, "high")
    # Nothing from the network (the DataTables bundle is in the page), no script error.
    assert page["external_requests"] == [] and page["errors"] == []
    # Every interactive table initialized (its search panes are DataTables of their own).
    assert page["tables"] >= len(Counter(f.service for f in findings))
    assert page["initialized"] >= page["tables"]
    # The table of every finding: its panes, its rows, sorting, search and a pane filter.
    assert page["panes"] == ["severity", "state", "service", "kind"]
    assert _total(page["info_all"]) == len(findings)
    worst = min(findings, key=lambda f: f.severity.rank).severity.value
    mildest = max(findings, key=lambda f: f.severity.rank).severity.value
    assert (page["first_severity"], page["first_severity_sorted"]) == (worst, mildest)
    assert _total(page["info_search"]) == 1
    assert page["pane_clicked"] and _total(page["info_filtered"]) == high
