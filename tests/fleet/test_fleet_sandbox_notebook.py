"""`fleet --sandbox` (the README's third command) with the notebooks: the sandbox fleet's
verdicts and deviation, fleet.html rendered offline and linking to each readiness.html; the
fleet template as committed and as packaged."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fleetkit import PRODS, ROOT, load, run_module

from paymentaudit.fleet import report


@pytest.fixture(scope="module")
def sandbox_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    out = tmp_path_factory.mktemp("sandbox-fleet") / "fleet"
    proc = run_module(["fleet", "--sandbox", "--out", str(out)])
    return proc.returncode, proc.stderr, out


def test_the_sandbox_fleet_is_one_drifted_one_deviant_three_clean(
    sandbox_run: tuple[int, str, Path],
) -> None:
    code, err, out = sandbox_run
    assert code == 1, err
    doc = load(out)
    verdicts = {e["suffix"]: e["verdict"] for e in doc["environments"]}
    assert verdicts == {s: "NOT READY" if s == "prod-abc123" else "READY" for s in PRODS}
    by_suffix: dict[str, set[str]] = {}
    for d in doc["peer_deviations"]:
        by_suffix.setdefault(d["suffix"], set()).add(d["path"])
    assert by_suffix.pop("prod-def456") == {"backup_retention_period"}
    assert set(by_suffix) == {"prod-abc123"}


def test_fleet_html_renders_offline_and_links_each_readiness_page(
    sandbox_run: tuple[int, str, Path],
) -> None:
    _, err, out = sandbox_run
    page = (out / "fleet.html").read_text()
    for suffix in PRODS:
        assert f'href="{suffix}/readiness.html"' in page
        assert (out / suffix / "readiness.html").is_file(), err
    for heading in (
        "Environments",
        "Rules by environment",
        "Common differences",
        "Peer deviations",
    ):
        assert f">{heading}<" in page
    assert "backup_retention_period" in page  # the deviation is shown
    assert 'title="RDS-BACKUP: passes"' in page  # the heatmap has a cell per rule
    # Nothing is loaded from the network (no CDN scripts or styles).
    assert not re.search(r"""(src|href)=["']https?://""", page)
    executed = json.loads((out / "fleet.ipynb").read_text())
    assert all(not c.get("outputs") or "ename" not in str(c["outputs"]) for c in executed["cells"])


def test_the_template_is_committed_without_outputs_and_packaged_identically() -> None:
    committed = ROOT / "notebooks" / "fleet.ipynb"
    assert report.PACKAGED_TEMPLATE.read_bytes() == committed.read_bytes()
    cells = json.loads(committed.read_text())["cells"]
    assert all(
        not c.get("outputs") and c.get("execution_count") is None
        for c in cells
        if c["cell_type"] == "code"
    )
    assert any("parameters" in c["metadata"].get("tags", []) for c in cells)
