"""What a user sees on the terminal (issue #13, part 6): where the report is, one progress line
per phase off a terminal, --debug phase timings, the --synth install hint, dummy credentials
for a loopback endpoint, a pyproject.toml as --policy."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from helpers import PHASE_LINE, ROOT, assert_one_line_error, chdir, run_cli

from paymentaudit.api.inputs import load_policy
from paymentaudit.aws import is_loopback

TARGET = "prod-abc123"


def _validate(sandbox: Any, *extra: str, capsys: pytest.CaptureFixture[str]) -> Any:
    return run_cli(["validate", TARGET, "--endpoint-url", sandbox.url, *extra], capsys)


def test_the_output_says_where_the_report_is_and_what_it_lacks(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with chdir(tmp_path):
        code, out, _ = _validate(sandbox, "--no-notebook", capsys=capsys)
    assert code == 1
    (run_dir,) = (tmp_path / "reports" / TARGET).glob("2*")
    lines = out.splitlines()
    assert f"report: reports/{TARGET}/{run_dir.name}" in lines
    assert any("no readiness.html in this report (--no-notebook)" in line for line in lines)
    assert f"latest: reports/{TARGET}/latest -> {run_dir.name}" in lines
    assert (tmp_path / "reports" / TARGET / "latest").resolve() == run_dir.resolve()


def test_off_a_terminal_each_phase_is_one_plain_line(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with chdir(tmp_path):
        code, _, err = _validate(sandbox, "--no-notebook", capsys=capsys)
    assert code == 1
    assert "\r" not in err and "\x1b" not in err
    phases = [PHASE_LINE.match(line) for line in err.splitlines()]
    assert all(phases), err
    assert [m.group(1) for m in phases if m] == ["snapshot", "compare", "rules", "reports"]


def test_debug_logs_each_phase_and_its_duration_never_a_body(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with chdir(tmp_path):
        code, _, err = _validate(sandbox, "--no-notebook", "--debug", capsys=capsys)
    assert code == 1
    timed = re.findall(r"paymentaudit\.phases: (\w+): (\d+\.\d\d) s$", err, re.MULTILINE)
    assert [name for name, _ in timed] == ["snapshot", "compare", "rules", "reports"]
    assert all(float(seconds) >= 0 for _, seconds in timed)
    # Debug output never holds a response body (botocore's own debug log stays quiet).
    for body in ("ResponseMetadata", "<?xml", '"TableDescription"', "Response body"):
        assert body not in err


def test_synth_without_a_cdk_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from paymentaudit.desired import synth

    monkeypatch.setenv("PAYMENTAUDIT_CACHE_DIR", str(tmp_path / "cache"))  # a cache miss
    monkeypatch.setattr(synth, "backend", lambda environ=None: "none")
    with chdir(tmp_path):
        code, _, err = run_cli(["validate", TARGET, "--sandbox", "--synth"], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert "pip install -e '.[stack]'" in err and "make test" in err


def test_a_loopback_endpoint_works_without_credentials(
    sandbox: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with chdir(tmp_path):
        code, out, err = _validate(sandbox, "--no-notebook", capsys=capsys)
    assert code == 1, err  # NOT READY: the planted drifts, read with the dummy credentials
    assert "verdict: NOT READY" in out


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://localhost:4566", True),
        ("http://127.0.0.1:5000", True),
        ("http://127.8.9.1", True),
        ("http://[::1]:4566", True),
        ("https://LOCALHOST", True),
        ("https://s3.amazonaws.com", False),
        ("http://10.0.0.5:4566", False),
        ("http://localhost.example.com", False),
        (None, False),
    ],
)
def test_what_is_a_loopback_endpoint(url: str | None, loopback: bool) -> None:
    assert is_loopback(url) is loopback


def test_a_pyproject_is_a_policy_file() -> None:
    policy = load_policy(str(ROOT / "pyproject.toml"))
    assert policy.source.endswith("pyproject.toml [tool.paymentaudit]")
    assert policy.expected  # the repository's [tool.paymentaudit] declares expected entries
