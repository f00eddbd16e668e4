"""`validate prod-abc123 --sandbox` end to end: the planted drifts, and nothing else."""

from __future__ import annotations

from typing import Any

from helpers import parts_of

from paymentaudit.model import Severity
from paymentaudit.sandbox.drifts import DRIFTS


def _findings(run: Any) -> list[Any]:
    return run.result.findings


def test_every_planted_drift_is_reported_at_its_severity(sandbox_report: Any) -> None:
    found = parts_of(_findings(sandbox_report))
    for drift in DRIFTS:
        ids = set()
        for expect in drift.expect:
            key = (expect.kind, expect.check, expect.resource, expect.path)
            assert key in found, f"{drift.name}: {key} not reported"
            severity, finding = found[key]
            assert severity == expect.severity, f"{drift.name}: {key} is {severity}"
            ids.add(finding)
        assert len(ids) == 1, f"{drift.name}: one problem, one finding"


def test_each_problem_is_one_finding_and_blocks_once(sandbox_report: Any) -> None:
    """The blocking count is the number of distinct planted problems at or above --fail-on."""
    result = sandbox_report.result
    worst = {d.name: min((e.severity for e in d.expect), key=lambda s: s.rank) for d in DRIFTS}
    planted = [name for name, severity in worst.items() if severity.at_least(result.fail_on)]
    assert len(result.blocking) == len(planted) == 4
    # The score charges each problem once.
    assert result.score == round(100 * 100 / (100 + 25 + 10 * 3 + 4 * 3))


def test_nothing_else_at_medium_or_above(sandbox_report: Any) -> None:
    expected = {(e.kind, e.check, e.resource, e.path) for drift in DRIFTS for e in drift.expect}
    extra = [
        (f.kind.value, f.check, f.resource, f.path, f.severity.value)
        for f in _findings(sandbox_report)
        if f.severity.at_least(Severity.MEDIUM)
        and not any(
            (p.kind.value, p.check, p.resource or f.resource, p.path) in expected for p in f.parts
        )
    ]
    assert extra == []


def test_verdict_coverage_and_report_directory(sandbox_report: Any) -> None:
    result = sandbox_report.result
    assert result.verdict == "NOT READY" and not result.ready
    assert all(c.status == "ok" for c in result.coverage)
    assert result.not_evaluated == []
    assert 0 < result.score < 100
    directory = sandbox_report.report_dir
    assert (directory / "findings.json").is_file()
    assert sorted(p.name for p in (directory / "snapshots").iterdir()) == [
        "compared.json",  # what was compared: the report renders from it, never re-audits
        "dev.json",
        "prod-abc123.json",
    ]


def test_prod_only_strictness_is_info(sandbox_report: Any) -> None:
    info = {(f.resource, f.path) for f in _findings(sandbox_report) if f.severity is Severity.INFO}
    for item in [
        ("payment-aurora-cluster", "deletion_protection"),
        ("payment-aurora-cluster", "backup_retention_period"),
        ("payment-sessions", "deletion_protection_enabled"),
        ("payment-alb", "attributes[deletion_protection.enabled]"),
        ("/aws/lambda/parameter-migration", "retention_in_days"),
    ]:
        assert item in info, item
