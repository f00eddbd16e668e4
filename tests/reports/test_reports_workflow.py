"""The example GitHub workflows: valid YAML wiring validate to the artifact, SARIF and JUnit
(readiness.yml) and one validate per environment merged into a fleet report (fleet.yml), both
hardened the way zizmor checks: pinned actions, no persisted credentials, no template expansion
in scripts, permissions per job."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")  # PyYAML comes with papermill

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO_ROOT / ".github" / "workflows"
READINESS = WORKFLOWS / "readiness.yml"
FLEET = WORKFLOWS / "fleet.yml"
DEFAULT_ZIZMOR = REPO_ROOT / ".venv" / "tools" / "zizmor" / "bin" / "zizmor"

# `uses: owner/repo[/path]@<40-hex commit SHA> # vX[.Y[.Z]]`
PINNED_USES = re.compile(
    r"^\s*(?:- )?uses: (?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})"
    r" +# (?P<version>v\d+(?:\.\d+){0,2})(?:\s.*)?$"
)
VERDICT_CODES = 'contains(fromJSON(\'["0", "1", "3"]\'), '


def _load(path: Path) -> dict[Any, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    return _load(READINESS)


@pytest.fixture(scope="module")
def fleet() -> dict[Any, Any]:
    return _load(FLEET)


@pytest.fixture(params=[READINESS, FLEET], ids=lambda p: p.name, scope="module")
def any_workflow(request: pytest.FixtureRequest) -> tuple[Path, dict[Any, Any]]:
    return request.param, _load(request.param)


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true


def _steps(workflow: dict[Any, Any], job: str = "validate") -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


def _all_steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _action(step: dict[str, Any]) -> str:
    return step.get("uses", "").partition("@")[0]


def _uses(workflow: dict[Any, Any], action: str, job: str = "validate") -> dict[str, Any]:
    (step,) = [s for s in _steps(workflow, job) if _action(s) == action]
    return step


def _step(workflow: dict[Any, Any], step_id: str, job: str = "validate") -> dict[str, Any]:
    (step,) = [s for s in _steps(workflow, job) if s.get("id") == step_id]
    return step


def _index(steps: list[dict[str, Any]], step: dict[str, Any]) -> int:
    return next(i for i, s in enumerate(steps) if s is step)


# -- the zizmor rules, on both workflows ---------------------------------------------------


def test_every_uses_is_pinned_to_a_commit_sha_with_its_version(
    any_workflow: tuple[Path, dict[Any, Any]],
) -> None:
    path, workflow = any_workflow
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    parsed = [step["uses"] for step in _all_steps(workflow) if "uses" in step]
    assert parsed and len(lines) == len(parsed), lines
    for line in lines:
        assert PINNED_USES.match(line), f"not pinned to a commit SHA with a # vX comment: {line}"


def test_one_action_one_pin_across_workflows() -> None:
    pins: dict[str, set[tuple[str, str]]] = {}
    for path in (READINESS, FLEET):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = PINNED_USES.match(line)
            if match:
                pins.setdefault(match["action"], set()).add((match["sha"], match["version"]))
    assert {"actions/checkout", "actions/setup-python", "actions/upload-artifact"} <= set(pins)
    assert {action: pin for action, pin in pins.items() if len(pin) > 1} == {}


def test_no_template_expansion_inside_run(any_workflow: tuple[Path, dict[Any, Any]]) -> None:
    _, workflow = any_workflow
    runs = [step["run"] for step in _all_steps(workflow) if "run" in step]
    assert runs
    for run in runs:
        assert "${{" not in run, run


def test_permissions_are_per_job(any_workflow: tuple[Path, dict[Any, Any]]) -> None:
    _, workflow = any_workflow
    assert workflow["permissions"] == {}
    for name, job in workflow["jobs"].items():
        permissions = job.get("permissions")
        assert isinstance(permissions, dict) and permissions, name  # never read-all/write-all
        assert permissions.get("contents") == "read", name
        actions = {_action(step) for step in job["steps"]}
        # Each write scope only where the action that needs it runs.
        needs_write = {
            "id-token": "aws-actions/configure-aws-credentials",
            "security-events": "github/codeql-action/upload-sarif",
            "checks": "mikepenz/action-junit-report",
        }
        for scope, action in needs_write.items():
            assert (permissions.get(scope) == "write") == (action in actions), (name, scope)
        assert set(permissions) <= {"contents", "actions", *needs_write}, name
        assert all(v == "read" for k, v in permissions.items() if k in ("contents", "actions"))


def test_checkout_does_not_persist_credentials(any_workflow: tuple[Path, dict[Any, Any]]) -> None:
    _, workflow = any_workflow
    checkouts = [s for s in _all_steps(workflow) if _action(s) == "actions/checkout"]
    assert len(checkouts) == len(workflow["jobs"])
    for step in checkouts:
        assert step["with"]["persist-credentials"] is False


def _zizmor() -> Path:
    value = os.environ.get("ZIZMOR_BIN")
    if value:
        if not Path(value).exists():
            pytest.fail(f"ZIZMOR_BIN={value} does not exist", pytrace=False)
        return Path(value)
    if DEFAULT_ZIZMOR.exists():
        return DEFAULT_ZIZMOR
    found = shutil.which("zizmor")
    if not found:
        pytest.skip("zizmor not installed: set ZIZMOR_BIN, or run `make test`, which installs it")
    return Path(found)


def test_zizmor_reports_no_finding() -> None:
    # As `make test` runs it; --strict-collection: a workflow zizmor cannot load is an error,
    # not a warning and a skipped file.
    result = subprocess.run(
        [str(_zizmor()), "--offline", "--strict-collection", "--format", "json", str(WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    described = [f"{f['ident']} ({f['determinations']['severity']}): {f['desc']}" for f in findings]
    assert findings == [], "\n".join(described)
    assert result.returncode == 0, result.stderr[-3000:]


# -- readiness.yml -------------------------------------------------------------------------


def test_triggers_and_permissions(workflow: dict[Any, Any]) -> None:
    triggers = _triggers(workflow)
    inputs = triggers["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"target", "baseline", "fail_on", "sandbox"}
    assert inputs["sandbox"]["type"] == "boolean"
    assert inputs["fail_on"]["type"] == "choice"
    assert triggers["schedule"][0]["cron"]
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["validate"]["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "security-events": "write",
        "actions": "read",
        "checks": "write",
    }


def test_inputs_reach_the_scripts_through_env(workflow: dict[Any, Any]) -> None:
    env = workflow["env"]
    assert env["TARGET"] == "${{ inputs.target || 'prod-abc123' }}"
    assert env["BASELINE"] == "${{ inputs.baseline || 'dev' }}"
    assert env["FAIL_ON"] == "${{ inputs.fail_on || 'high' }}"
    assert "inputs.sandbox" in env["SANDBOX"]
    run = _step(workflow, "validate")["run"]
    for var in ("$TARGET", "$BASELINE", "$FAIL_ON", "$SANDBOX", "$REPORT_DIR"):
        assert f'"{var}"' in run, var


def test_credentials_come_from_the_oidc_role_unless_sandbox(workflow: dict[Any, Any]) -> None:
    step = _uses(workflow, "aws-actions/configure-aws-credentials")
    assert step["with"]["role-to-assume"] == "${{ vars.PAYMENTAUDIT_ROLE_ARN }}"
    assert "SANDBOX" in step["if"]
    assert "python -m paymentaudit iam-policy" in READINESS.read_text(encoding="utf-8")


def test_optional_roles_for_separate_accounts(workflow: dict[Any, Any]) -> None:
    validate = _step(workflow, "validate")
    assert validate["env"] == {
        "PROD_ROLE_ARN": "${{ vars.PAYMENTAUDIT_PROD_ROLE_ARN }}",
        "BASELINE_ROLE_ARN": "${{ vars.PAYMENTAUDIT_BASELINE_ROLE_ARN }}",
    }
    run = validate["run"]
    assert 'if [ -n "$PROD_ROLE_ARN" ]; then args+=(--role-arn "$PROD_ROLE_ARN"); fi' in run
    assert (
        'if [ -n "$BASELINE_ROLE_ARN" ]; then '
        'args+=(--baseline-role-arn "$BASELINE_ROLE_ARN"); fi' in run
    )
    # Not in the sandbox: its moto account has no such roles.
    assert run.index("--sandbox") < run.index("else") < run.index("--role-arn")


def test_validate_keeps_going_then_publishes_and_fails(workflow: dict[Any, Any]) -> None:
    steps = _steps(workflow)
    validate = _step(workflow, "validate")
    assert 'python -m paymentaudit validate "$TARGET" "${args[@]}"' in validate["run"]
    assert "--sandbox" in validate["run"] and 'echo "exit_code=$code"' in validate["run"]
    assert '[ "$code" -ne 1 ] && [ "$code" -ne 3 ]' in validate["run"]
    install = next(s for s in steps if s.get("name") == "Install paymentaudit")
    assert "pip install -e '.[sandbox]'" in install["run"]
    publish = [
        _uses(workflow, "actions/upload-artifact"),
        _uses(workflow, "github/codeql-action/upload-sarif"),
        _uses(workflow, "mikepenz/action-junit-report"),
    ]
    for step in publish:
        assert step["if"].startswith("always() && " + VERDICT_CODES)
        assert "steps.validate.outputs.exit_code" in step["if"]
        assert _index(steps, step) > _index(steps, validate)
    assert publish[1]["with"]["sarif_file"].endswith("/findings.sarif")
    assert publish[2]["with"]["report_paths"].endswith("/junit.xml")
    last = steps[-1]
    assert last["if"] == "steps.validate.outputs.exit_code != '0'"
    assert last["env"] == {"EXIT_CODE": "${{ steps.validate.outputs.exit_code }}"}
    assert 'exit "$EXIT_CODE"' in last["run"]


# -- fleet.yml -----------------------------------------------------------------------------


def test_fleet_triggers(fleet: dict[Any, Any]) -> None:
    triggers = _triggers(fleet)
    inputs = triggers["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"match", "baseline", "fail_on"}
    assert inputs["match"]["default"] == "prod-*"
    assert inputs["baseline"]["default"] == "" and inputs["baseline"]["required"] is False
    assert inputs["fail_on"]["type"] == "choice"
    assert inputs["fail_on"]["options"] == ["critical", "high", "medium", "low"]
    assert triggers["schedule"][0]["cron"]
    assert fleet["env"]["MATCH"] == "${{ inputs.match || 'prod-*' }}"
    assert fleet["env"]["FAIL_ON"] == "${{ inputs.fail_on || 'high' }}"
    assert fleet["env"]["BASELINE_INPUT"] == "${{ inputs.baseline || '' }}"


def test_fleet_jobs_and_least_permissions(fleet: dict[Any, Any]) -> None:
    jobs = fleet["jobs"]
    assert list(jobs) == ["plan", "validate", "merge"]
    assert jobs["validate"]["needs"] == "plan"
    assert jobs["merge"]["needs"] == ["plan", "validate"]
    oidc = {"contents": "read", "id-token": "write"}
    assert jobs["plan"]["permissions"] == oidc
    assert jobs["validate"]["permissions"] == oidc
    assert jobs["merge"]["permissions"] == {"contents": "read"}


def test_fleet_credentials_come_from_the_oidc_role(fleet: dict[Any, Any]) -> None:
    for job in ("plan", "validate"):
        step = _uses(fleet, "aws-actions/configure-aws-credentials", job)
        assert step["with"]["role-to-assume"] == "${{ vars.PAYMENTAUDIT_ROLE_ARN }}"
    assert not any(_action(s).startswith("aws-actions/") for s in _steps(fleet, "merge"))
    assert "python -m paymentaudit iam-policy" in FLEET.read_text(encoding="utf-8")


def test_fleet_plan_feeds_the_matrix(fleet: dict[Any, Any]) -> None:
    plan = fleet["jobs"]["plan"]
    assert plan["outputs"] == {"matrix": "${{ steps.plan.outputs.matrix }}"}
    run = _step(fleet, "plan", "plan")["run"]
    assert 'python -m paymentaudit fleet plan "${args[@]}"' in run
    assert "args=(--format github-matrix)" in run
    assert 'args+=(--match "$glob")' in run and '<<< "$MATCH"' in run
    # The dispatch input's baseline reaches the plan; the matrix carries it to each job.
    assert 'if [ -n "$BASELINE_INPUT" ]; then args+=(--baseline "$BASELINE_INPUT"); fi' in run
    assert '>> "$GITHUB_OUTPUT"' in run and '"matrix=" + json.dumps(' in run
    strategy = fleet["jobs"]["validate"]["strategy"]
    assert strategy["matrix"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
    assert strategy["fail-fast"] is False


def test_fleet_validate_keeps_going_then_uploads(fleet: dict[Any, Any]) -> None:
    job = fleet["jobs"]["validate"]
    assert job["env"]["SUFFIX"] == "${{ matrix.suffix }}"
    assert job["env"]["BASELINE"] == "${{ matrix.baseline }}"
    steps = job["steps"]
    validate = _step(fleet, "validate")
    assert (
        'python -m paymentaudit validate "$SUFFIX" --baseline "$BASELINE" --no-notebook \\\n'
        '  --out "reports/$SUFFIX"' in validate["run"]
    )
    assert validate["run"].startswith("set +e\n") and 'echo "exit_code=$code"' in validate["run"]
    assert '[ "$code" -ne 1 ] && [ "$code" -ne 3 ]' in validate["run"]
    upload = _uses(fleet, "actions/upload-artifact")
    assert upload["if"].startswith("always() && " + VERDICT_CODES)
    assert _index(steps, upload) > _index(steps, validate)
    assert upload["with"]["name"] == "readiness-${{ matrix.suffix }}"
    assert upload["with"]["path"] == "reports/${{ matrix.suffix }}"
    assert upload["with"]["if-no-files-found"] == "error"


def test_fleet_merge_publishes_then_fails(fleet: dict[Any, Any]) -> None:
    job = fleet["jobs"]["merge"]
    assert "!cancelled()" in job["if"] and "needs.plan.result == 'success'" in job["if"]
    steps = job["steps"]
    download = _uses(fleet, "actions/download-artifact", "merge")
    assert download["with"]["pattern"] == "readiness-*"
    merge = _step(fleet, "merge", "merge")
    assert _index(steps, download) < _index(steps, merge)
    assert (
        'python -m paymentaudit fleet merge "${reports[@]}" --out "$FLEET_DIR" '
        '--fail-on "$FAIL_ON"' in merge["run"]
    )
    assert "reports=(reports/*)" in merge["run"] and 'echo "exit_code=$code"' in merge["run"]
    upload = _uses(fleet, "actions/upload-artifact", "merge")
    assert upload["if"].startswith("always() && " + VERDICT_CODES)
    assert "steps.merge.outputs.exit_code" in upload["if"]
    assert upload["with"]["path"] == "${{ env.FLEET_DIR }}"
    assert not upload["with"]["name"].startswith("readiness-")  # not one of the downloads
    last = steps[-1]
    assert _index(steps, upload) < _index(steps, last)
    assert last["if"] == 'contains(fromJSON(\'["1", "3"]\'), steps.merge.outputs.exit_code)'
    assert last["env"] == {"EXIT_CODE": "${{ steps.merge.outputs.exit_code }}"}
    assert 'exit "$EXIT_CODE"' in last["run"]
