"""The README's examples work as written: the notebook example, the policy file (its alias
pairs payment-db-sg with payment-rds-sg), the inventory, and every command is shown."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from helpers import ROOT

from paymentaudit.api import inventory
from paymentaudit.cli import build_parser
from paymentaudit.findings.evaluate import audit
from paymentaudit.model import Coverage, Kind, Resource
from paymentaudit.policy import parse
from paymentaudit.snapshots import Snapshot

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    start = README.index(f"\n{heading}\n")
    following = re.search(r"\n#{2,3} ", README[start + len(heading) + 2 :])
    end = start + len(heading) + 2 + following.start() if following else len(README)
    return README[start:end]


def _blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section, re.DOTALL)


def test_every_command_is_shown() -> None:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    for command in sub.choices:
        assert f"python -m paymentaudit {command}" in README, command


def test_the_notebook_example_runs(tmp_path: Path) -> None:
    """In a fresh interpreter, as a reader runs it (its sandbox lives until the process ends)."""
    (code,) = _blocks(_section("### In a notebook"), "python")
    check = (
        "\nimport json\n"
        "d = frames.resource_differences(result, 'dynamodb.table', 'payment-sessions')\n"
        "print(json.dumps({'verdict': result.verdict, 'dev': len(dev.resources),"
        " 'paths': sorted(d['path'])}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code + check],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["verdict"] == "NOT READY" and out["dev"] > 40
    assert "point_in_time_recovery" in out["paths"]


def _group(name: str, suffix: str) -> Resource:
    return Resource(
        "ec2",
        "ec2.security_group",
        name,
        f"sg-{suffix}",
        "us-east-1",
        config={"ingress": [{"protocol": "tcp", "from_port": 5432, "to_port": 5432}]},
    )


def _snap(suffix: str, *resources: Resource) -> Snapshot:
    return Snapshot(
        suffix=suffix,
        ssm_prefix="/x",
        region="us-east-1",
        replica_region="us-west-2",
        account_id="123456789012",
        taken_at="2026-01-01T00:00:00Z",
        resources=resources,
        coverage=(Coverage("ec2", "ok", len(resources), None),),
    )


def test_the_policy_example_parses_and_its_alias_pairs_the_groups() -> None:
    (toml,) = _blocks(_section("### Policy files"), "toml")
    policy = parse(tomllib.loads(toml), "README.md")
    assert policy.disabled == {"S3-LIFECYCLE"}
    assert all(m.reason for m in policy.ignore) and all(e.matcher.reason for e in policy.expected)
    dev = _snap("dev", _group("payment-db-sg", "dev"))
    prod = _snap("prod-abc123", _group("payment-rds-sg", "prod"))
    unpaired = audit(dev, prod, run_rules=False)
    kinds = {f.kind for f in unpaired.findings}
    assert {Kind.MISSING, Kind.UNEXPECTED} <= kinds
    paired = audit(dev, prod, policy=policy, run_rules=False)
    assert not [f for f in paired.findings if f.kind in (Kind.MISSING, Kind.UNEXPECTED)]


@pytest.mark.parametrize("heading", ["### Auditing separate accounts"])
def test_the_inventory_example_is_valid(heading: str) -> None:
    (toml,) = _blocks(_section(heading), "toml")
    declared = inventory.parse(tomllib.loads(toml)["environments"], "README.md")
    prod = declared.get("prod-abc123")
    assert prod.role_arn and prod.baseline == "dev"
    assert declared.get("dev").profile == "dev-readonly"
