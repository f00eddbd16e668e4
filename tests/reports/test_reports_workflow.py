"""The example GitHub workflow: valid YAML wiring validate to the artifact, SARIF and JUnit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")  # PyYAML comes with papermill

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "readiness.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return workflow["jobs"]["validate"]["steps"]


def _uses(workflow: dict[Any, Any], action: str) -> dict[str, Any]:
    (step,) = [s for s in _steps(workflow) if s.get("uses", "").startswith(action + "@")]
    return step


def test_triggers_and_permissions(workflow: dict[Any, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true
    inputs = triggers["workflow_dispatch"]["inputs"]
    assert inputs["sandbox"]["type"] == "boolean"
    assert workflow["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "security-events": "write",
        "checks": "write",
    }


def test_credentials_come_from_the_oidc_role_unless_sandbox(workflow: dict[Any, Any]) -> None:
    step = _uses(workflow, "aws-actions/configure-aws-credentials")
    assert step["uses"].endswith("@v4")
    assert step["with"]["role-to-assume"] == "${{ vars.PAYMENTAUDIT_ROLE_ARN }}"
    assert "SANDBOX" in step["if"]
    assert "python -m paymentaudit iam-policy" in WORKFLOW.read_text(encoding="utf-8")


def test_validate_keeps_going_then_publishes_and_fails(workflow: dict[Any, Any]) -> None:
    steps = _steps(workflow)
    names = [s.get("id") or s.get("uses", s.get("name")) for s in steps]
    validate = next(s for s in steps if s.get("id") == "validate")
    assert "python -m paymentaudit validate" in validate["run"]
    assert "--sandbox" in validate["run"] and 'echo "exit_code=$code"' in validate["run"]
    install = next(s for s in steps if s.get("name") == "Install paymentaudit")
    assert "pip install -e '.[sandbox]'" in install["run"]
    publish = [
        _uses(workflow, "actions/upload-artifact"),
        _uses(workflow, "github/codeql-action/upload-sarif"),
        _uses(workflow, "mikepenz/action-junit-report"),
    ]
    for step in publish:
        assert step["if"].startswith("always()")
        assert names.index(step["uses"]) > names.index("validate")
    assert publish[1]["with"]["sarif_file"].endswith("/findings.sarif")
    assert publish[2]["with"]["report_paths"].endswith("/junit.xml")
    last = steps[-1]
    assert "exit ${{ steps.validate.outputs.exit_code }}" in last["run"]
