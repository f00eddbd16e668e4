"""The CLI contract: commands, outputs and every exit code; bad input is one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    ROOT,
    assert_one_line_error,
    chdir,
    closed_port,
    findings,
    fresh_sandbox,
    run_cli,
    run_module,
)

from paymentaudit.model import Severity

NO_CREDS = {
    "AWS_ACCESS_KEY_ID": "",
    "AWS_SECRET_ACCESS_KEY": "",
}


def test_help_lists_commands() -> None:
    proc = run_module(["--help"])
    assert proc.returncode == 0
    for command in ("validate", "snapshot", "diff", "report", "iam-policy"):
        assert command in proc.stdout


# -- exit 2: bad input, one clear line, no traceback --------------------------------------


def test_invalid_suffix(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["validate", "Prod_ABC"], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert "Prod_ABC" in err


def test_target_equal_to_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["validate", "dev", "--baseline", "dev"], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert "baseline" in err


@pytest.mark.parametrize("value", ["huge", "info", ""])
def test_bad_fail_on(capsys: pytest.CaptureFixture[str], value: str) -> None:
    code, _, err = run_cli(["validate", "prod-abc123", "--fail-on", value], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert "--fail-on" in err


def test_unknown_profile(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(
        ["validate", "prod-abc123", "--profile", "no-such-profile", "--out", str(tmp_path / "r")],
        capsys,
    )
    assert code == 2
    assert_one_line_error(err)
    assert "no-such-profile" in err
    assert not (tmp_path / "r").exists()


def test_no_credentials(tmp_path: Path) -> None:
    proc = run_module(
        ["validate", "prod-abc123", "--out", str(tmp_path / "r")],
        env={**NO_CREDS, "AWS_EC2_METADATA_DISABLED": "true"},
    )
    assert proc.returncode == 2, proc.stderr
    assert_one_line_error(proc.stderr)
    assert "credentials" in proc.stderr
    assert not (tmp_path / "r").exists()


def test_endpoint_refusing_connections(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    proc = run_module(["validate", "prod-abc123", "--endpoint-url", url, "--out", str(tmp_path)])
    assert proc.returncode == 2, proc.stderr
    assert_one_line_error(proc.stderr)
    assert url in proc.stderr


def test_endpoint_from_environment(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    proc = run_module(
        ["validate", "prod-abc123", "--out", str(tmp_path)], env={"AWS_ENDPOINT_URL": url}
    )
    assert proc.returncode == 2
    assert url in proc.stderr


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("disable = [", "not valid TOML"),
        ("colour = 'red'\n", "colour: unknown key"),
        ("[[ignore]]\npth = 'x'\n", "ignore[0].pth: unknown key"),
        ("disable = ['NO-SUCH-RULE']\n", "unknown rule id"),
        ("[severity]\nparity = 'huge'\n", "severity.parity"),
    ],
)
def test_invalid_policy_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, needle: str
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(content)
    code, _, err = run_cli(["validate", "prod-abc123", "--policy", str(policy)], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert str(policy) in err and needle in err


def test_unwritable_output_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    code, _, err = run_cli(["validate", "prod-abc123", "--out", str(blocker / "report")], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert "cannot write" in err


def test_existing_report_is_never_overwritten(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "report"
    out.mkdir()
    (out / "findings.json").write_text("{}")
    code, _, err = run_cli(["validate", "prod-abc123", "--out", str(out)], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert (out / "findings.json").read_text() == "{}"


def test_no_resources_found(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from paymentaudit.sandbox import server

    with server() as url:
        code, _, err = run_cli(
            ["validate", "prod-zzz", "--endpoint-url", url, "--out", str(tmp_path / "r")], capsys
        )
    assert code == 2
    assert_one_line_error(err)
    assert "no resources found" in err and "prod-zzz" in err


@pytest.mark.parametrize(
    ("target", "baseline", "missing"),
    [
        ("prod-abc123", "dev-typo", "baseline 'dev-typo'"),
        ("prod-typo", "dev", "target 'prod-typo'"),
    ],
)
def test_a_mistyped_environment_is_not_found_although_its_ssm_path_exists(
    sandbox: Any,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    target: str,
    baseline: str,
    missing: str,
) -> None:
    """/dev and /prod hold parameters, but SSM paths alone never make an environment."""
    code, _, err = run_cli(
        ["validate", target, "--baseline", baseline, "--endpoint-url", sandbox.url,
         "--no-notebook", "--out", str(tmp_path / "r")],
        capsys,
    )  # fmt: skip
    assert code == 2, err
    assert_one_line_error(err)
    assert f"no resources found for the {missing}" in err and "SSM parameter(s) under /" in err
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("kind", ["corrupt", "schema", "missing"])
def test_diff_rejects_bad_snapshot_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    good = tmp_path / "good.json"
    bad = tmp_path / "bad.json"
    good.write_text(json.dumps({"schema": "paymentaudit/snapshot/v1"}))
    if kind == "corrupt":
        bad.write_text('{"schema": "paymentaudit/snapshot/v1", "resources": [')
    elif kind == "schema":
        bad.write_text(json.dumps({"schema": "paymentaudit/snapshot/v0", "resources": []}))
    code, _, err = run_cli(["diff", str(bad), str(good)], capsys)
    assert code == 2
    assert_one_line_error(err)
    assert str(bad) in err


# -- exit 0, 1, outputs --------------------------------------------------------------------


def test_sandbox_run_is_not_ready_with_summary(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = run_module(["validate", "prod-abc123", "--sandbox", "--no-notebook", "--out", str(out)])
    assert proc.returncode == 1, proc.stderr
    # Off a terminal: one plain progress line per phase, nothing else.
    assert [line.split(":")[1].strip() for line in proc.stderr.splitlines()] == [
        "snapshot", "compare", "rules", "reports",
    ]  # fmt: skip
    assert "verdict: NOT READY" in proc.stdout
    assert f"report: {out}" in proc.stdout
    for service in ("ec2", "rds", "dynamodb", "s3", "lambda", "kms", "ssm", "iam"):
        assert f"  {service} " in proc.stdout
    doc = findings(out)
    assert doc["schema"] == "paymentaudit/findings/v2"
    assert doc["ready"] is False and doc["verdict"] == "NOT READY"
    assert (out / "snapshots" / "dev.json").is_file()
    assert (out / "snapshots" / "prod-abc123.json").is_file()
    assert not (out / "readiness.ipynb").exists()


def test_clean_target_is_ready_and_has_no_false_parity(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Ids, ARNs, names, timestamps and prod-only strictness never make a finding above info."""
    with fresh_sandbox(drifts=False) as box, chdir(ROOT):
        code, out, err = run_cli(
            [
                "validate",
                box.target,
                "--baseline",
                box.baseline,
                "--endpoint-url",
                box.url,
                "--no-notebook",
                "--out",
                str(tmp_path / "r"),
            ],
            capsys,
        )
    assert code == 0, out + err
    doc = findings(tmp_path / "r")
    assert doc["ready"] is True and doc["verdict"] == "READY" and doc["score"] == 100
    above_info = [f for f in doc["findings"] if f["severity"] != "info"]
    assert above_info == []
    info = {(f["resource"], f["path"]) for f in doc["findings"]}
    assert ("payment-aurora-cluster", "deletion_protection") in info
    assert ("payment-aurora-cluster", "backup_retention_period") in info


def test_default_output_layout_and_latest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """reports/<suffix>/<timestamp>/ and an atomically switched latest link."""
    with fresh_sandbox(drifts=False) as box, chdir(tmp_path):
        (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
        args = ["validate", box.target, "--baseline", box.baseline, "--endpoint-url", box.url]
        args.append("--no-notebook")
        first = run_cli(args, capsys)
        second = run_cli(args, capsys)
    assert first[0] == second[0] == 0
    base = tmp_path / "reports" / box.target
    runs = sorted(p for p in base.iterdir() if p.name != "latest")
    assert len(runs) == 2
    latest = base / "latest"
    assert latest.is_symlink() and latest.resolve() == runs[-1].resolve()
    assert not [p for p in runs[0].parent.iterdir() if ".tmp-" in p.name]
    one, two = findings(runs[0]), findings(runs[1])
    # The second run compares itself with the first (latest): everything unchanged.
    assert two["previous"]["report_dir"] == str(runs[0].resolve())
    assert {f["baseline_state"] for f in two["findings"]} == {"unchanged"}
    assert two["states"]["new"] == two["states"]["fixed"] == 0
    for doc in (one, two):
        for key in ("generated_at", "trend", "previous", "states", "fixed"):
            doc.pop(key, None)
        for finding in doc["findings"]:
            finding.pop("baseline_state", None)
    assert one == two  # an unchanged environment gives identical findings


def test_snapshot_and_diff_match_validate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sandbox: object
) -> None:
    url = sandbox.url  # type: ignore[attr-defined]
    for suffix in ("dev", "prod-abc123"):
        code, out, _ = run_cli(
            ["snapshot", suffix, "-o", str(tmp_path / f"{suffix}.json"), "--endpoint-url", url],
            capsys,
        )
        assert code == 0 and "resources" in out
    with chdir(ROOT):
        code, out, _ = run_cli(
            [
                "diff",
                str(tmp_path / "dev.json"),
                str(tmp_path / "prod-abc123.json"),
                "--out",
                str(tmp_path / "diff"),
            ],
            capsys,
        )
        assert code == 1
        vcode, _, _ = run_cli(
            [
                "validate",
                "prod-abc123",
                "--endpoint-url",
                url,
                "--no-notebook",
                "--out",
                str(tmp_path / "val"),
            ],
            capsys,
        )
    assert vcode == 1
    from_diff = {f["id"]: f["severity"] for f in findings(tmp_path / "diff")["findings"]}
    from_validate = {f["id"]: f["severity"] for f in findings(tmp_path / "val")["findings"]}
    assert from_diff == from_validate


def test_fail_on_changes_the_verdict(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sandbox: object
) -> None:
    url = sandbox.url  # type: ignore[attr-defined]
    with chdir(ROOT):
        code, _, _ = run_cli(
            ["validate", "prod-abc123", "--endpoint-url", url, "--no-notebook",
             "--fail-on", "critical", "--out", str(tmp_path / "c")],
            capsys,
        )  # fmt: skip
    doc = findings(tmp_path / "c")
    assert code == 1  # the planted open security group is critical
    assert doc["fail_on"] == "critical"
    blocking = [f for f in doc["findings"] if Severity(f["severity"]).at_least(Severity.CRITICAL)]
    assert blocking and all(f["resource"] == "payment-rds-sg" for f in blocking)


def test_iam_policy_is_read_only_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["iam-policy"], capsys)
    assert code == 0
    doc = json.loads(out)
    actions = doc["Statement"][0]["Action"]
    assert "dynamodb:DescribeContinuousBackups" in actions
    assert "s3:GetEncryptionConfiguration" in actions and "tag:GetResources" in actions
    for action in actions:
        assert action.split(":", 1)[1].startswith(("Describe", "List", "Get")), action


def test_rules_command_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    from paymentaudit import rules

    code, out, _ = run_cli(["rules"], capsys)
    assert code == 0
    for rule_id in rules.ids():
        assert rule_id in out


def test_readme_documents_every_rule_and_exit_code() -> None:
    from paymentaudit import rules

    readme = (ROOT / "README.md").read_text()
    for rule_id in rules.ids():
        assert f"| {rule_id} |" in readme, rule_id
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 130 |"):
        assert code in readme


def test_sandbox_snapshot_of_the_baseline_has_no_planted_drift(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`snapshot dev --sandbox` is dev as `validate --sandbox` provisions it: no drift."""
    from paymentaudit.snapshots import load

    for suffix in ("dev", "prod-abc123"):
        code, _, _ = run_cli(
            ["snapshot", suffix, "--sandbox", "-o", str(tmp_path / f"{suffix}.json")], capsys
        )
        assert code == 0
    pitr = {
        suffix: next(
            r.config["point_in_time_recovery"]
            for r in load(tmp_path / f"{suffix}.json").resources
            if r.type == "dynamodb.table"
        )
        for suffix in ("dev", "prod-abc123")
    }
    assert pitr == {"dev": True, "prod-abc123": False}
