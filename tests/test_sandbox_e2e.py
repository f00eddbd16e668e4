"""`validate prod-abc123 --sandbox` end to end: the planted drifts, and nothing else."""

from __future__ import annotations

from typing import Any

from paymentaudit.model import Severity
from paymentaudit.sandbox.drifts import DRIFTS


def _findings(run: Any) -> list[Any]:
    return run.result.findings


def test_every_planted_drift_is_reported_at_its_severity(sandbox_report: Any) -> None:
    found = {
        (f.kind.value, f.check, f.resource, f.path): f.severity for f in _findings(sandbox_report)
    }
    for drift in DRIFTS:
        for expect in drift.expect:
            key = (expect.kind, expect.check, expect.resource, expect.path)
            assert key in found, f"{drift.name}: {key} not reported"
            assert found[key] == expect.severity, f"{drift.name}: {key} is {found[key]}"


def test_nothing_else_at_medium_or_above(sandbox_report: Any) -> None:
    expected = {(e.kind, e.check, e.resource, e.path) for drift in DRIFTS for e in drift.expect}
    extra = [
        (f.kind.value, f.check, f.resource, f.path, f.severity.value)
        for f in _findings(sandbox_report)
        if f.severity.at_least(Severity.MEDIUM)
        and (f.kind.value, f.check, f.resource, f.path) not in expected
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
