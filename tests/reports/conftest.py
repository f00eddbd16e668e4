"""Fixtures of the report tests: the session's sandbox report, loaded back, and variants."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def report_dir(sandbox_report: Any) -> Path:
    """The report directory `validate prod-abc123 --sandbox` wrote (notebook included)."""
    assert sandbox_report.report_dir is not None
    return Path(sandbox_report.report_dir)


@pytest.fixture
def result(report_dir: Path) -> Any:
    """The report loaded back offline (a fresh AuditResult per test: tests may change it)."""
    from paymentaudit.reporters import directory as reportdir

    return reportdir.load(report_dir)


@pytest.fixture
def incomplete_result(report_dir: Path) -> Any:
    """The saved snapshots audited again with RDS unreadable in the target: INCOMPLETE-ish."""
    from paymentaudit import snapshots as snapshot
    from paymentaudit.findings.evaluate import audit

    target = snapshot.load(report_dir / "snapshots" / "prod-abc123.json")
    baseline = snapshot.load(report_dir / "snapshots" / "dev.json")
    coverage = tuple(
        dataclasses.replace(c, status="error", error="AccessDenied: rds:DescribeDBClusters")
        if c.service == "rds"
        else c
        for c in target.coverage
    )
    target = dataclasses.replace(target, coverage=coverage)
    return audit(baseline, target, fail_on="critical")
