"""Wrong inputs get one clear line and exit 2, before any collection (#14 "Inputs")."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, assert_one_line_error, chdir, closed_port, fresh_sandbox, run_cli


def _validate(args: list[str], capsys: Any) -> tuple[int, str, str]:
    with chdir(ROOT):
        return run_cli(["validate", *args], capsys)


def test_a_suffix_with_consecutive_hyphens_is_refused(capsys: Any) -> None:
    code, _out, err = _validate(["a--b", "--endpoint-url", "http://127.0.0.1:1"], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert "two consecutive hyphens" in err and "RDS" in err


@pytest.mark.parametrize("url", ["localhost:4566", "127.0.0.1:5000", "ftp://host"])
def test_an_endpoint_without_a_scheme_is_exit_2(url: str, capsys: Any) -> None:
    code, _out, err = _validate(["prod-abc123", "--endpoint-url", url, "--no-notebook"], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert "http://" in err and url in err


def test_aws_endpoint_url_without_a_scheme_is_exit_2(
    capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "localhost:4566")
    code, _out, err = _validate(["prod-abc123", "--no-notebook"], capsys)
    assert code == 2
    assert_one_line_error(err)


@pytest.mark.parametrize(
    ("out", "reason"),
    [("/dev/null/x", "Not a directory"), ("/proc/paymentaudit-report/run", "No such file")],
)
def test_an_unwritable_out_is_refused_before_collection(out: str, reason: str, capsys: Any) -> None:
    # The endpoint answers nothing: had collection started, the error would be about it.
    url = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    code, _out, err = _validate(["prod-abc123", "--endpoint-url", url, "--out", out], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert "cannot write the report directory" in err and "File exists" not in err
    assert reason in err
    assert time.monotonic() - started < 5


def test_snapshot_checks_its_output_before_collecting(capsys: Any) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    with chdir(ROOT):
        code, _out, err = run_cli(
            ["snapshot", "prod-abc123", "-o", "/dev/null/x.json", "--endpoint-url", url], capsys
        )
    assert code == 2
    assert_one_line_error(err)
    assert "Not a directory" in err and "connect" not in err


def test_report_and_diff_check_their_output(tmp_path: Path, capsys: Any) -> None:
    with chdir(ROOT):
        code, _out, err = run_cli(["diff", "a.json", "b.json", "--out", "/dev/null/report"], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert "Not a directory" in err
    with chdir(ROOT):
        code, _out, err = run_cli(["diff", "a.json", "b.json", "--notebook"], capsys)
    assert code == 2 and "--out" in err


def test_a_region_where_neither_environment_exists_is_exit_2(tmp_path: Path, capsys: Any) -> None:
    with fresh_sandbox() as box:
        code, _out, err = _validate(
            [box.target, "--baseline", box.baseline, "--endpoint-url", box.url,
             "--region", "eu-west-1", "--replica-region", "eu-central-1", "--no-notebook",
             "--out", str(tmp_path / "r")],
            capsys,
        )  # fmt: skip
    assert code == 2
    assert_one_line_error(err)
    assert "eu-west-1" in err and box.target in err and box.baseline in err
    assert not (tmp_path / "r").exists()


def test_the_suffixes_found_there_are_named(tmp_path: Path, capsys: Any) -> None:
    with fresh_sandbox() as box:
        code, _out, err = _validate(
            ["prod-typo", "--baseline", "dev-typo", "--endpoint-url", box.url, "--no-notebook",
             "--out", str(tmp_path / "r")],
            capsys,
        )  # fmt: skip
    assert code == 2
    assert_one_line_error(err)
    assert "us-east-1" in err and box.target in err and box.baseline in err
