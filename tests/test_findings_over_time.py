"""Findings over time on a moto environment with known problems (issue #13): one problem, one
finding; a second run after one problem is fixed and another introduced marks them fixed and
new and the rest unchanged, in findings.json and SARIF; --fail-on-new; the history lists both
runs; suppressions need a reason and are counted and listed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, assert_one_line_error, chdir, fresh_sandbox, run_cli

from paymentaudit import api
from paymentaudit.sandbox.drifts import DRIFTS

REGION = "us-east-1"


def _options(box: Any, tmp: Path, **kw: Any) -> api.Options:
    return api.Options(
        target=box.target,
        baseline=box.baseline,
        endpoint_url=box.url,
        reports_root=str(tmp / "reports"),
        history=str(tmp / "history"),
        notebook=False,
        **kw,
    )


def _by_check(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["check"], f["resource"]): f for f in doc["findings"]}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run 1 on the planted problems; fix PITR, turn deletion protection off; run 2."""
    tmp = tmp_path_factory.mktemp("over-time")
    with fresh_sandbox(drifts=True) as box:
        first = api.validate(_options(box, tmp))
        dynamodb = box.clients("dynamodb", REGION)
        table = f"payment-sessions-{box.target}"
        dynamodb.update_continuous_backups(
            TableName=table,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )
        dynamodb.update_table(TableName=table, DeletionProtectionEnabled=False)
        second = api.validate(_options(box, tmp))
        new_only = api.validate(_options(box, tmp, fail_on_new=True, out=str(tmp / "new-only")))
        return {
            "box": box,
            "tmp": tmp,
            "first": first,
            "second": second,
            "new_only": new_only,
            "history": api.history_table(box.target, str(tmp / "history")),
        }


def test_each_planted_problem_is_one_finding(two_runs: dict[str, Any]) -> None:
    result = two_runs["first"].result
    worst = {d.name: min((e.severity for e in d.expect), key=lambda s: s.rank) for d in DRIFTS}
    planted = [name for name, severity in worst.items() if severity.at_least(result.fail_on)]
    assert len(result.blocking) == len(planted)
    assert result.previous is None and all(f.baseline_state is None for f in result.findings)


def test_the_second_run_marks_fixed_new_and_unchanged(two_runs: dict[str, Any]) -> None:
    first, second = two_runs["first"], two_runs["second"]
    doc = json.loads((second.report_dir / "findings.json").read_text())
    assert doc["schema"] == "paymentaudit/findings/v2"
    assert doc["previous"]["report_dir"] == str(first.report_dir.resolve())
    found = _by_check(doc)
    assert found["DDB-DELETION-PROTECTION", "payment-sessions"]["baseline_state"] == "new"
    assert ("DDB-PITR", "payment-sessions") not in found
    # Fixed: PITR, and the info difference "target stricter than dev" about deletion
    # protection (dev has it off; now prod too).
    assert sorted((f["check"], f["resource"], f["path"]) for f in doc["fixed"]) == [
        ("DDB-PITR", "payment-sessions", "point_in_time_recovery"),
        ("parity", "payment-sessions", "deletion_protection_enabled"),
    ]
    others = [f for f in doc["findings"] if f["check"] != "DDB-DELETION-PROTECTION"]
    assert others and {f["baseline_state"] for f in others} == {"unchanged"}
    # Each finding of the first run is either fixed or the same problem again.
    assert len(others) + len(doc["fixed"]) == len(first.result.findings)
    assert doc["states"] == {
        "new": 1,
        "unchanged": len(others),
        "updated": 0,
        "fixed": 2,
    }


def test_sarif_carries_the_same_states(two_runs: dict[str, Any]) -> None:
    second = two_runs["second"]
    sarif = json.loads((second.report_dir / "findings.sarif").read_text())
    results = sarif["runs"][0]["results"]
    states = {(r["ruleId"], r["properties"]["resource"]): r["baselineState"] for r in results}
    assert states["DDB-DELETION-PROTECTION", "payment-sessions"] == "new"
    assert states["DDB-PITR", "payment-sessions"] == "absent"
    findings = json.loads((second.report_dir / "findings.json").read_text())["findings"]
    assert len(results) == len(findings) + 2  # one result per finding, plus the fixed ones
    assert sum(1 for r in results if r["baselineState"] == "unchanged") == len(findings) - 1
    absent = next(r for r in results if r["baselineState"] == "absent")
    assert absent["kind"] == "pass" and absent["level"] == "none"


def test_stdout_and_summary_say_what_changed(
    two_runs: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    second = two_runs["second"]
    when = second.result.previous["generated_at"][:16]
    line = f"1 new, 2 fixed since {when}Z"
    summary = second.report_dir / "summary.md"
    assert line in summary.read_text()
    from paymentaudit.reporters.summary import render_summary

    assert line in render_summary(second.result, second.report_dir)
    # Re-rendered from the saved result, the report still says it.
    summary.unlink()
    code, _, _ = run_cli(["report", str(second.report_dir), "--no-notebook"], capsys)
    assert code == 0 and line in summary.read_text()


def test_fail_on_new_blocks_on_new_findings_only(two_runs: dict[str, Any]) -> None:
    run = two_runs["new_only"]
    result = run.result
    doc = json.loads((run.report_dir / "findings.json").read_text())
    assert doc["mode"] == "new-only"
    # The run before it (the second) found the same problems: nothing is new, nothing blocks,
    # although findings at or above high remain.
    assert any(f.severity.at_least(result.fail_on) for f in result.findings)
    assert result.blocking == []
    assert result.verdict_text.endswith("(new findings only)")
    assert "(new findings only)" in (run.report_dir / "summary.md").read_text()


def test_the_history_lists_every_run(two_runs: dict[str, Any]) -> None:
    lines = two_runs["history"].splitlines()
    assert lines[0].split()[:3] == ["run", "(UTC)", "baseline"]
    rows = lines[1:]
    assert len(rows) == 3
    for run, row in zip(
        (two_runs["first"], two_runs["second"], two_runs["new_only"]), rows, strict=True
    ):
        assert row.startswith(run.result.generated_at)
        assert f" {run.result.score} " in row


def test_the_trend_reaches_the_report(two_runs: dict[str, Any]) -> None:
    doc = json.loads((two_runs["second"].report_dir / "findings.json").read_text())
    assert [t["generated_at"] for t in doc["trend"]] == [
        two_runs["first"].result.generated_at,
        two_runs["second"].result.generated_at,
    ]


# -- suppressions ------------------------------------------------------------------------------


def test_a_suppression_without_a_reason_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[[ignore]]\ncheck = "DDB-PITR"\n')
    with chdir(tmp_path):
        code, out, err = run_cli(["validate", "prod-abc123", "--sandbox", "--policy", str(policy)],
                                 capsys)  # fmt: skip
    assert code == 2 and out == ""
    assert_one_line_error(err)
    assert "ignore[0]" in err and "reason" in err


def test_suppressions_with_reasons_are_counted_and_listed(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[[ignore]]\ncheck = "DDB-PITR"\nreason = "PITR is restored by ticket PAY-1234"\n'
        '[[ignore]]\ncheck = "NO-SUCH-RULE"\nreason = "a stale waiver"\n'
    )
    with fresh_sandbox(drifts=True) as box, chdir(ROOT):
        run = api.validate(_options(box, tmp_path, policy=str(policy)))
    doc = json.loads((run.report_dir / "findings.json").read_text())
    (waived,) = doc["suppressed"]
    assert waived["entry"] == "ignore[0]" and waived["reason"].startswith("PITR is restored")
    # The whole problem is suppressed: the rule and its parity twin, not one of them.
    assert {p["kind"] for p in waived["finding"]["evidence"]} == {"policy", "parity"}
    assert not any("point_in_time_recovery" in f["path"] for f in doc["findings"])
    assert [u["entry"] for u in doc["unused_ignores"]] == ["ignore[1]"]
    summary = (run.report_dir / "summary.md").read_text()
    assert '1 suppressed by policy: 1 "PITR is restored by ticket PAY-1234"' in summary
    assert "ignore[1]" in summary and "matched no finding" in summary
