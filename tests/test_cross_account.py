"""Separate accounts, end to end, with IAM enforcement on (issue #11): dev in the moto server's
base account, prod in another, each read through an audit role holding exactly the printed
policy; the base identity may only assume the two roles. The run finds exactly what the
one-account run finds, no difference comes from the account ids, and an inventory file gives
the same run as the flags.

moto keeps accounts apart by the credentials AssumeRole returns (the role ARN's account).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, chdir, findings, run_cli
from test_least_privilege import moto_iam_like_aws  # noqa: F401  (a fixture, used by name)

from paymentaudit.iam_policy import policy_document, trust_policy
from paymentaudit.sandbox import AuditRole, build, client_factory, server, target_account_of

DEV_ROLE = "payment-audit-readonly-dev-reader"
_COUNTER = itertools.count(1)


def _key(f: dict[str, Any]) -> tuple[str, ...]:
    return (f["kind"], f["check"], f["resource_type"], f["resource"], f["path"], f["severity"])


@pytest.fixture(scope="module")
def one_account(sandbox_report: Any) -> set[tuple[str, ...]]:
    """What the one-account run of the same planted environments found."""
    return {_key(f) for f in findings(Path(sandbox_report.report_dir))["findings"]}


@pytest.fixture
def moto_trust_like_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a trust policy, AWS reads the principal ``arn:aws:iam::<account>:root`` as the whole
    account: any IAM user or role of it that its own policy allows to assume the role. moto
    compares the caller's ARN with the principal as a string, so it refuses the account's users.
    Here a caller of the root's account passes the trust check as in AWS; everything else (the
    caller's own policy, other principals, conditions) is moto's."""
    from moto.iam import access_control

    original = access_control.IAMRequestBase._check_role_trust_relationship

    def check(self: Any, role_arn: str) -> bool:
        if original(self, role_arn):
            return True
        role = self.backend.get_role_by_arn(role_arn)
        caller = self._access_key.arn.split(":")[4]
        statements = json.loads(role.assume_role_policy_document)["Statement"]
        return any(
            st.get("Effect") == "Allow"
            and st.get("Principal", {}).get("AWS") == f"arn:aws:iam::{caller}:root"
            and "Condition" not in st
            for st in statements
        )

    monkeypatch.setattr(access_control.IAMRequestBase, "_check_role_trust_relationship", check)


@pytest.fixture
def accounts(moto_iam_like_aws: None, moto_trust_like_aws: None) -> Iterator[dict[str, Any]]:  # noqa: F811
    """dev in the base account, prod (drifts planted) in the target account; an audit role in
    each; a CI user that may only assume them; IAM enforcement on."""
    from moto.core.authorization import enable_iam_authentication

    n = next(_COUNTER)
    target, baseline = f"prod-xa{n}", f"dev-xa{n}"
    with server() as url:
        envs = build(url, target, baseline, target_account=target_account_of(url),
                     audit=AuditRole(policy=policy_document(), trust=trust_policy))  # fmt: skip
        base = envs[baseline].account_id
        iam = client_factory(url)("iam", "us-east-1")
        iam.create_role(
            RoleName=DEV_ROLE,
            AssumeRolePolicyDocument=json.dumps(trust_policy(f"arn:aws:iam::{base}:root")),
        )
        iam.put_role_policy(
            RoleName=DEV_ROLE, PolicyName=DEV_ROLE, PolicyDocument=json.dumps(policy_document())
        )
        roles = {
            "target": f"arn:aws:iam::{envs[target].account_id}:role/payment-audit-readonly",
            "baseline": f"arn:aws:iam::{base}:role/{DEV_ROLE}",
        }
        iam.create_user(UserName="ci")
        only_assume = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": list(roles.values())}
            ],
        }
        iam.put_user_policy(
            UserName="ci", PolicyName="assume", PolicyDocument=json.dumps(only_assume)
        )
        key = iam.create_access_key(UserName="ci")["AccessKey"]
        with enable_iam_authentication():
            yield {
                "url": url,
                "target": target,
                "baseline": baseline,
                "accounts": {s: e.account_id for s, e in envs.items()},
                "roles": roles,
                "creds": {
                    "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                    "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
                },
            }


def _run(env: dict[str, Any], args: list[str], out: Path, capsys: Any, monkeypatch: Any) -> int:
    for name, value in env["creds"].items():
        monkeypatch.setenv(name, value)
    with chdir(ROOT):  # the repository's policy applies, as for the one-account report
        code, _, err = run_cli(
            ["validate", env["target"], "--no-notebook", "--out", str(out), *args], capsys
        )
    assert "Traceback" not in err
    return code


def test_the_cross_account_run_finds_what_the_one_account_run_finds(
    accounts: dict[str, Any],
    one_account: set[tuple[str, ...]],
    tmp_path: Path,
    capsys: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = accounts
    code = _run(
        env,
        ["--baseline", env["baseline"], "--endpoint-url", env["url"],
         "--role-arn", env["roles"]["target"], "--baseline-role-arn", env["roles"]["baseline"]],
        tmp_path / "flags",
        capsys,
        monkeypatch,
    )  # fmt: skip
    doc = findings(tmp_path / "flags")
    assert code == 1 and doc["verdict"] == "NOT READY"
    assert [c for c in doc["coverage"] if c["status"] != "ok"] == []
    assert {_key(f) for f in doc["findings"]} == one_account
    # Each environment was read in its own account, through its own role.
    sources = doc["sources"]
    assert sources["target"]["account"] == env["accounts"][env["target"]]
    assert sources["baseline"]["account"] == env["accounts"][env["baseline"]]
    assert sources["target"]["account"] != sources["baseline"]["account"]
    assert env["roles"]["target"] in sources["target"]["reached"]
    assert env["roles"]["baseline"] in sources["baseline"]["reached"]
    # No difference comes from the account ids: none appears in a finding.
    text = json.dumps(doc["findings"])
    assert not any(account in text for account in env["accounts"].values())


def test_an_inventory_gives_the_same_run(
    accounts: dict[str, Any], tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = accounts
    inventory = tmp_path / "environments.toml"
    inventory.write_text(
        f'[environments.{env["target"]}]\nrole_arn = "{env["roles"]["target"]}"\n'
        f'endpoint_url = "{env["url"]}"\nbaseline = "{env["baseline"]}"\n'
        f'[environments.{env["baseline"]}]\nrole_arn = "{env["roles"]["baseline"]}"\n'
        f'endpoint_url = "{env["url"]}"\n'
    )
    flags = [
        *("--baseline", env["baseline"], "--endpoint-url", env["url"]),
        *("--role-arn", env["roles"]["target"]),
        *("--baseline-role-arn", env["roles"]["baseline"]),
    ]
    assert _run(env, flags, tmp_path / "flags", capsys, monkeypatch) == 1
    assert _run(env, ["--inventory", str(inventory)], tmp_path / "inv", capsys, monkeypatch) == 1
    by_flags, by_inventory = findings(tmp_path / "flags"), findings(tmp_path / "inv")
    assert {_key(f) for f in by_inventory["findings"]} == {_key(f) for f in by_flags["findings"]}
    assert by_inventory["baseline"] == env["baseline"]
    assert by_inventory["sources"]["target"]["reached"] == by_flags["sources"]["target"]["reached"]


def test_the_base_identity_alone_reads_nothing(
    accounts: dict[str, Any], tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the roles, the CI user may read nothing: every service is AccessDenied."""
    env = accounts
    code = _run(env, ["--baseline", env["baseline"], "--endpoint-url", env["url"]],
                tmp_path / "r", capsys, monkeypatch)  # fmt: skip
    assert code == 3
    doc = findings(tmp_path / "r")
    assert doc["verdict"] == "INCOMPLETE"
    assert all(c["status"] == "error" for c in doc["coverage"])
