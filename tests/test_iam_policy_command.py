"""The `iam-policy` command: scoped to suffixes and the inventory, the trust policy, and bad
inputs (one line, exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import assert_one_line_error, chdir, run_cli

from paymentaudit.iam_policy import policy_document, trust_policy


def test_the_command_scopes_to_suffixes_and_the_inventory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = tmp_path / "environments.toml"
    inventory.write_text(
        '[environments.prod-abc123]\nssm_path = "/prod"\n[environments.staging]\n'
        'ssm_path = "/staging"\n'
    )
    code, out, _ = run_cli(["iam-policy", "--scope", "dev"], capsys)
    assert code == 0 and json.loads(out) == policy_document(["dev"])
    code, out, _ = run_cli(
        ["iam-policy", "--scope", "dev", "--scope", "--inventory", str(inventory)], capsys
    )
    assert code == 0
    assert json.loads(out) == policy_document(
        ["dev", "prod-abc123", "staging"], {"prod-abc123": "/prod", "staging": "/staging"}
    )


def test_the_command_prints_the_trust_policy(capsys: pytest.CaptureFixture[str]) -> None:
    principal = "arn:aws:iam::111122223333:role/ci-deployer"
    code, out, _ = run_cli(
        ["iam-policy", "--trust", principal, "--external-id", "paymentaudit-prod"], capsys
    )
    assert code == 0 and json.loads(out) == trust_policy(principal, "paymentaudit-prod")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--external-id", "paymentaudit-prod"], "--external-id needs --trust"),
        (["--scope"], "needs an inventory"),
        (["--scope", "Bad_Suffix"], "invalid suffix"),
        (["--trust", "123"], "invalid principal"),
    ],
)
def test_bad_command_inputs_are_one_line_and_exit_2(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with chdir(tmp_path):  # no pyproject.toml here: no inventory
        code, out, err = run_cli(["iam-policy", *args], capsys)
    assert code == 2 and out == ""
    assert_one_line_error(err)
    assert message in err
