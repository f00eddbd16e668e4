"""`fleet` against a moto server holding dev and five prods (one drifted, one deviating from its
peers only, three clean): exit codes, fleet.json, the environments' report directories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fleetkit import PRODS, FleetRun, FleetServer
from helpers import run_cli

from paymentaudit import history
from paymentaudit.sandbox.drifts import DRIFTS
from paymentaudit.sandbox.fleet import DEVIANT_BACKUP_RETENTION_DAYS, Part

REPORT_FILES = {"findings.json", "findings.sarif", "junit.xml", "summary.md", "snapshots"}


def test_one_not_ready_environment_makes_the_fleet_exit_1(fleet_run: FleetRun) -> None:
    assert fleet_run.returncode == 1, fleet_run.stderr
    envs = fleet_run.doc["environments"]
    assert [e["suffix"] for e in envs] == list(PRODS)  # the baseline is never a target
    verdicts = {e["suffix"]: e["verdict"] for e in envs}
    assert verdicts["prod-abc123"] == "NOT READY"
    assert {verdicts[s] for s in PRODS if s != "prod-abc123"} == {"READY"}
    assert fleet_run.doc["schema"] == "paymentaudit/fleet/v1"


def test_every_entry_has_the_contract_fields(fleet_run: FleetRun) -> None:
    for env in fleet_run.doc["environments"]:
        assert set(env) == {
            "suffix", "baseline", "account", "region", "verdict", "score", "exit_code",
            "counts", "report_dir",
        }  # fmt: skip
        assert env["baseline"] == "dev" and env["region"] == "us-east-1"
        assert env["account"].isdigit() and len(env["account"]) == 12
        assert env["exit_code"] == {"READY": 0, "NOT READY": 1, "INCOMPLETE": 3}[env["verdict"]]
        assert env["report_dir"] == env["suffix"]


@pytest.mark.parametrize("suffix", ["prod-abc123", "prod-def456"])
def test_each_verdict_is_the_one_its_own_validate_gives(
    fleet_run: FleetRun,
    fleet_server: FleetServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    suffix: str,
) -> None:
    out = tmp_path / "validate"
    args = ["validate", suffix, "--baseline", "dev", "--no-notebook", "--out", str(out)]
    code, _, err = run_cli([*args, *fleet_server.where], capsys)
    alone = json.loads((out / "findings.json").read_text())
    entry = next(e for e in fleet_run.doc["environments"] if e["suffix"] == suffix)
    assert entry["exit_code"] == code, err
    assert (entry["verdict"], entry["score"], entry["counts"]) == (
        alone["verdict"],
        alone["score"],
        alone["counts"],
    )
    in_fleet = json.loads((fleet_run.directory / suffix / "findings.json").read_text())
    assert {f["id"] for f in in_fleet["findings"]} == {f["id"] for f in alone["findings"]}


def test_each_environment_has_a_complete_report_directory(fleet_run: FleetRun) -> None:
    for suffix in PRODS:
        directory = fleet_run.directory / suffix
        assert {p.name for p in directory.iterdir()} >= REPORT_FILES
        assert sorted(p.name for p in (directory / "snapshots").glob("*.json")) == [
            "compared.json",
            "dev.json",
            f"{suffix}.json",
        ]
        assert not (directory / "readiness.html").exists()  # --no-notebook
    assert not (fleet_run.directory / "fleet.html").exists()


def test_the_deviant_is_a_peer_deviation_at_its_one_path_only(
    fleet_run: FleetRun, fleet_server: FleetServer
) -> None:
    deviations = fleet_run.doc["peer_deviations"]
    (deviant,) = fleet_server.suffixes(Part.DEVIANT)
    mine = [d for d in deviations if d["suffix"] == deviant]
    assert mine == [
        {
            "suffix": deviant,
            "resource_type": "rds.cluster",
            "resource": "payment-aurora-cluster",
            "path": "backup_retention_period",
            "value": DEVIANT_BACKUP_RETENTION_DAYS,
            "peer_value": 14,
            "agreeing": 4,
            "peers": 5,
        }
    ]
    clean = set(fleet_server.suffixes(Part.CLEAN))
    assert not [d for d in deviations if d["suffix"] in clean]
    # Against dev the longer retention is stricter: not a parity problem.
    entry = next(e for e in fleet_run.doc["environments"] if e["suffix"] == deviant)
    assert entry["verdict"] == "READY"


def test_the_drifted_one_deviates_for_its_drifts_only(
    fleet_run: FleetRun, fleet_server: FleetServer
) -> None:
    (drifted,) = fleet_server.suffixes(Part.DRIFTED)
    planted = {(e.resource, e.path) for drift in DRIFTS for e in drift.expect}
    found = {
        (d["resource"], d["path"])
        for d in fleet_run.doc["peer_deviations"]
        if d["suffix"] == drifted
    }
    assert found, "the planted drifts make the drifted prod differ from its peers"
    assert found <= planted


def test_a_difference_shared_by_several_environments_is_one_entry(fleet_run: FleetRun) -> None:
    common = fleet_run.doc["common_differences"]
    keys = [
        (d["check"], d["resource_type"], d["resource"], d["path"],
         json.dumps(d["baseline_value"]), json.dumps(d["target_value"]))
        for d in common
    ]  # fmt: skip
    assert len(keys) == len(set(keys))
    assert all(len(d["environments"]) >= 2 for d in common)
    retention = [d for d in common if d["path"] == "backup_retention_period"]
    # dev keeps 7 days, four prods 14, the deviant 21 (in no other environment: not common).
    assert retention == [
        {
            "check": "parity",
            "resource_type": "rds.cluster",
            "resource": "payment-aurora-cluster",
            "path": "backup_retention_period",
            "baseline_value": 7,
            "target_value": 14,
            "severity": "info",
            "environments": ["prod-abc123", "prod-ghi789", "prod-jkl012", "prod-mno345"],
        }
    ]
    everywhere = [d for d in common if len(d["environments"]) == len(PRODS)]
    assert any(d["path"] == "deletion_protection" for d in everywhere)


def test_the_summary_has_one_line_per_environment_and_reaches_the_step_summary(
    fleet_run: FleetRun,
) -> None:
    text = (fleet_run.directory / "summary.md").read_text()
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert [line.split("`")[1] for line in lines] == list(PRODS)
    assert "NOT READY" in lines[0] and "](prod-abc123/summary.md)" in lines[0]
    assert "### Common differences" in text
    assert text in fleet_run.step_summary.read_text()


def test_each_environment_run_is_appended_to_the_history(fleet_run: FleetRun) -> None:
    for suffix in PRODS:
        (row,) = history.runs(suffix, fleet_run.history)
        assert row["report_dir"] == str(fleet_run.directory / suffix)
        entry = next(e for e in fleet_run.doc["environments"] if e["suffix"] == suffix)
        assert (row["verdict"], row["score"]) == (entry["verdict"], entry["score"])


def test_the_console_names_each_environment_and_the_report(fleet_run: FleetRun) -> None:
    out = fleet_run.stdout
    assert "1 NOT READY, 0 INCOMPLETE, 4 READY (5 environments)" in out
    for suffix in PRODS:
        assert suffix in out
    assert f"report: {fleet_run.directory}" in out
