"""checkov on the synthesized prod JSON (and prod with the audit role): zero failed checks;
every skip has a reason."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from stacktest import REPO_ROOT, Synth, tool_path

CONFIG = REPO_ROOT / ".checkov.yaml"
DEFAULT_CHECKOV = REPO_ROOT / ".venv" / "tools" / "checkov" / "bin" / "checkov"
# Offline: no Prisma Cloud guideline download, no PyPI update check.
OFFLINE_ENV = {"BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE"}


def run_checkov(path: Path, *extra: str) -> dict[str, Any]:
    """Run checkov on one cdk.tf.json with the repo config; return its JSON report."""
    checkov = tool_path("CHECKOV_BIN", DEFAULT_CHECKOV, "checkov")
    result = subprocess.run(
        [
            str(checkov),
            "-f",
            str(path),
            "--framework",
            "terraform_json",
            "--config-file",
            str(CONFIG),
            "-o",
            "json",
            *extra,
        ],
        env={**os.environ, **OFFLINE_ENV},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr[-3000:]
    report = json.loads(result.stdout)
    if isinstance(report, list):  # one entry per framework
        (report,) = [r for r in report if r.get("check_type") == "terraform_json"]
    return report


def _describe(failed: list[dict[str, Any]]) -> str:
    return "\n".join(f"{c['check_id']} {c['resource']}: {c['check_name']}" for c in failed)


@pytest.mark.synth
@pytest.mark.parametrize("quiet", [False, True], ids=["full", "quiet"])
def test_checkov_has_no_failed_checks(prod: Synth, quiet: bool) -> None:
    report = run_checkov(prod.path, *(["--quiet"] if quiet else []))
    summary = report["summary"]
    failed = report["results"]["failed_checks"]
    assert summary["failed"] == 0, _describe(failed)
    assert failed == []
    assert summary["parsing_errors"] == 0
    if not quiet:
        assert summary["passed"] >= 150, summary


@pytest.mark.synth
def test_checkov_passes_the_stack_with_the_audit_role(audit_prod: Synth) -> None:
    report = run_checkov(audit_prod.path)
    summary = report["summary"]
    assert summary["failed"] == 0, _describe(report["results"]["failed_checks"])
    assert summary["parsing_errors"] == 0
    # The role and its policy were checked (IAM policy and trust checks), not skipped over.
    checked = {(c["check_id"], c["resource"]) for c in report["results"]["passed_checks"]}
    assert {
        ("CKV_AWS_60", "resource.audit_role"),
        ("CKV_AWS_63", "resource.audit_role_policy"),
        ("CKV2_AWS_40", "aws_iam_role_policy.audit_role_policy"),
    } <= checked, sorted(c for c in checked if "audit_role" in c[1])


def skipped_checks() -> list[tuple[str, str]]:
    """(check id, reason comment) of every skip-check entry in .checkov.yaml."""
    lines = CONFIG.read_text().splitlines()
    start = lines.index("skip-check:")
    entries = []
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line and not line.startswith(" "):
            break
        match = re.fullmatch(r"\s+- (CKV2?_AWS_\d+)\s*", line)
        if match:
            reason = lines[index - 1].strip()
            entries.append((match.group(1), reason))
    return entries


def test_every_skipped_check_has_a_reason() -> None:
    entries = skipped_checks()
    assert entries, "no skip-check entries found"
    ids = [check_id for check_id, _ in entries]
    assert len(ids) == len(set(ids))
    for check_id, reason in entries:
        assert reason.startswith("# ") and len(reason) > 20, f"{check_id} has no reason comment"
    assert "skip-download: true" in CONFIG.read_text()
