"""Bad input to `fleet` is one line on stderr and exit 2, with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from fleetkit import PRODS, FleetServer, run_module
from fleetkit import assert_one_error_line as assert_one_line_error
from helpers import closed_port, run_cli


def test_no_environment_matched_names_the_globs_and_the_suffixes_seen(
    fleet_server: FleetServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fleet"
    code, _, err = run_cli(
        ["fleet", "--match", "stage-*", "--match", "qa-?", "--out", str(out), *fleet_server.where],
        capsys,
    )
    assert code == 2
    assert_one_line_error(err)
    assert "no environment matched --match 'stage-*' --match 'qa-?'" in err
    assert f"suffixes seen: {', '.join(['dev', *PRODS])}" in err
    assert not out.exists()


def test_matching_only_the_baseline_is_no_environment(
    fleet_server: FleetServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["fleet", "plan", "--match", "dev", *fleet_server.where], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert "a baseline is never a target (dev)" in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--fail-on", "huge"], "--fail-on"),
        (["--baseline", "Not_A_Suffix"], "Not_A_Suffix"),
        (["--max-workers", "0"], "--max-workers"),
        (["--match", ""], "--match"),
        (["--role-arn", "arn:aws:iam::1:role/x"], "--role-arn"),
    ],
)
def test_bad_flags_are_exit_2(
    args: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["fleet", *args, "--out", str(tmp_path / "f")], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert needle in err


def test_an_unreachable_endpoint_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    code, _, err = run_cli(["fleet", "plan", "--endpoint-url", url], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert "cannot connect" in err


def test_an_existing_report_is_never_overwritten(
    fleet_server: FleetServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "fleet"
    out.mkdir()
    (out / "fleet.json").write_text("{}")
    code, _, err = run_cli(["fleet", "--out", str(out), *fleet_server.where], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert (out / "fleet.json").read_text() == "{}"


def test_unknown_fleet_subcommand_is_a_usage_error() -> None:
    proc = run_module(["fleet", "prod-*"])
    assert proc.returncode == 2
    assert_one_line_error(proc.stderr)
    assert "'prod-*'" in proc.stderr
