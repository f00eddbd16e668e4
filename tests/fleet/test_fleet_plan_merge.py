"""`fleet plan` (the GitHub Actions matrix) and `fleet merge` of separately run validates: the
CI form of the fleet gives the fleet run's environments."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from fleetkit import PRODS, FleetRun, FleetServer, comparable, load, run_module
from helpers import assert_one_line_error, run_cli


def _matrix(server: FleetServer, *extra: str) -> dict[str, list[dict[str, str]]]:
    proc = run_module(["fleet", "plan", "--format", "github-matrix", *extra, *server.where])
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1  # one line: $GITHUB_OUTPUT takes it as is
    return json.loads(lines[0])


def test_the_matrix_lists_the_targets_with_their_baselines(fleet_server: FleetServer) -> None:
    matrix = _matrix(fleet_server, "--match", "prod-*")
    assert matrix == {"include": [{"suffix": s, "baseline": "dev"} for s in PRODS]}


def test_the_plan_discovers_tagged_environments_without_an_inventory(
    fleet_server: FleetServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["fleet", "plan", "--endpoint-url", fleet_server.url], capsys)
    assert code == 0, err
    # Every EnvironmentSuffix tag value; dev, the baseline, is not a target.
    assert [line.split()[0] for line in out.splitlines()] == list(PRODS)
    assert all(" against dev: us-east-1, endpoint " in line for line in out.splitlines())


def test_inventory_environments_join_the_tagged_ones(
    fleet_server: FleetServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = tmp_path / "inventory.toml"
    text = fleet_server.inventory.read_text() + '\n[environments.stage-x1]\nbaseline = "dev"\n'
    inventory.write_text(text)
    args = [
        "fleet",
        "plan",
        "--format",
        "github-matrix",
        "--match",
        "stage-*",
        "--match",
        "prod-a*",
    ]
    code, out, err = run_cli(
        [*args, "--endpoint-url", fleet_server.url, "--inventory", str(inventory)], capsys
    )
    assert code == 0, err
    assert json.loads(out) == {
        "include": [
            {"suffix": "prod-abc123", "baseline": "dev"},
            {"suffix": "stage-x1", "baseline": "dev"},
        ]
    }


def test_merge_of_separate_validates_gives_the_fleet_runs_environments(
    fleet_run: FleetRun,
    fleet_server: FleetServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    matrix = _matrix(fleet_server, "--match", "prod-*")
    reports = []
    for job in matrix["include"]:  # what each job of .github/workflows/fleet.yml runs
        out = tmp_path / "reports" / job["suffix"]
        code, _, err = run_cli(
            ["validate", job["suffix"], "--baseline", job["baseline"], "--no-notebook",
             "--out", str(out), *fleet_server.where],
            capsys,
        )  # fmt: skip
        assert code in (0, 1, 3), err
        reports.append(str(out))
    merged = tmp_path / "fleet-report"
    summary = tmp_path / "step-summary.md"
    os.environ["GITHUB_STEP_SUMMARY"] = str(summary)
    try:
        code, out, err = run_cli(
            ["fleet", "merge", *reports, "--out", str(merged), "--no-notebook"], capsys
        )
    finally:
        del os.environ["GITHUB_STEP_SUMMARY"]
    assert code == 1, err  # same exit codes as the fleet run
    doc = load(merged)
    assert doc["environments"] == fleet_run.doc["environments"]
    assert comparable(doc) == comparable(fleet_run.doc)
    for suffix in PRODS:
        assert (merged / suffix / "findings.json").is_file()
    assert (merged / "summary.md").read_text() in summary.read_text()
    assert "prod-abc123" in out


def test_merge_takes_the_verdicts_at_its_fail_on(
    fleet_run: FleetRun, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dirs = [str(fleet_run.directory / s) for s in PRODS]
    merged = tmp_path / "merged"
    code, _, err = run_cli(
        ["fleet", "merge", *dirs, "--out", str(merged), "--fail-on", "low", "--no-notebook"],
        capsys,
    )
    assert code == 1, err
    for suffix in PRODS:
        doc = json.loads((merged / suffix / "findings.json").read_text())
        assert doc["fail_on"] == "low"
        assert "fail on **low**" in (merged / suffix / "summary.md").read_text()
    # The copies follow the new threshold; the originals are left as they were.
    original = json.loads((fleet_run.directory / "prod-abc123" / "findings.json").read_text())
    assert original["fail_on"] == "high"


def test_merge_refuses_two_reports_of_one_environment(
    fleet_run: FleetRun, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(fleet_run.directory / "prod-abc123", copy)
    code, _, err = run_cli(
        ["fleet", "merge", str(fleet_run.directory / "prod-abc123"), str(copy),
         "--out", str(tmp_path / "m"), "--no-notebook"],
        capsys,
    )  # fmt: skip
    assert code == 2
    assert_one_line_error(err)
    assert "prod-abc123" in err
    assert not (tmp_path / "m").exists()


def test_merge_of_a_directory_that_is_no_report_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["fleet", "merge", str(tmp_path), "--no-notebook"], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert "findings.json" in err
