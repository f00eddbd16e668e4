"""junit.xml: parses with junitparser, one suite per service, failures exactly for blocking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from paymentaudit.model import Severity


def _cases(xml: JUnitXml) -> dict[str, Any]:
    return {f"{case.classname}::{case.name}": case for suite in xml for case in suite}


@pytest.fixture
def junit(report_dir: Path) -> JUnitXml:
    return JUnitXml.fromfile(str(report_dir / "junit.xml"))


def test_one_suite_per_service(junit: JUnitXml, result: Any) -> None:
    suites = [suite.name for suite in junit]
    assert suites == [f"paymentaudit.{c.service}" for c in result.coverage]
    assert len(set(suites)) == len(suites)
    for suite in junit:
        names = [case.name for case in suite]
        assert len(set(names)) == len(names), f"duplicate test case names in {suite.name}"
        assert all(case.classname == suite.name for case in suite)


def test_a_failure_for_each_blocking_finding(junit: JUnitXml, result: Any) -> None:
    failures = [
        (case, r)
        for suite in junit
        for case in suite
        for r in case.result
        if isinstance(r, Failure)
    ]
    text = "\n".join(r.text or "" for _case, r in failures)
    assert result.blocking, "the sandbox plants blocking drifts"
    for finding in result.blocking:
        assert f"finding id: {finding.id}" in text, finding
    # ...and nothing else fails: every failure holds a blocking finding.
    blocking_ids = {f.id for f in result.blocking}
    for case, failure in failures:
        assert any(fid in (failure.text or "") for fid in blocking_ids), case.name
    assert junit.failures == len(failures)


def test_findings_below_fail_on_are_in_system_out(junit: JUnitXml, result: Any) -> None:
    below = [f for f in result.findings if not f.severity.at_least(result.fail_on)]
    assert below
    out = "\n".join(case.system_out or "" for suite in junit for case in suite)
    for finding in below:
        assert f"finding id: {finding.id}" in out, finding


def test_stable_readable_names_and_passes(junit: JUnitXml) -> None:
    cases = _cases(junit)
    assert "paymentaudit.rds::RDS-BACKUP payment-aurora-cluster" in cases
    assert "paymentaudit.rds::parity rds.cluster payment-aurora-cluster" in cases
    assert "paymentaudit.dynamodb::DDB-PITR payment-sessions" in cases
    assert "paymentaudit.ec2::coverage ec2" in cases
    assert cases["paymentaudit.rds::RDS-BACKUP payment-aurora-cluster"].is_passed
    assert isinstance(cases["paymentaudit.dynamodb::DDB-PITR payment-sessions"].result[0], Failure)
    passed = [c for c in cases.values() if c.is_passed]
    assert len(passed) > 40
    # One problem, one finding: the parity twin of DDB-PITR is evidence in the rule's case,
    # and the pair's own case does not fail a second time for it.
    pitr = cases["paymentaudit.dynamodb::DDB-PITR payment-sessions"].result[0].text or ""
    assert "baseline | target" in pitr and "point_in_time_recovery" in pitr
    assert cases["paymentaudit.dynamodb::parity dynamodb.table payment-sessions"].is_passed


def test_not_evaluated_is_skipped_and_unread_is_an_error(incomplete_result: Any) -> None:
    from xml.etree import ElementTree as ET

    from paymentaudit.reporters import junit as junit_reporter

    xml = JUnitXml.fromstring(ET.tostring(junit_reporter.document(incomplete_result)))
    cases = _cases(xml)
    not_evaluated = incomplete_result.not_evaluated
    assert not_evaluated
    for outcome in not_evaluated:
        case = cases[f"paymentaudit.{outcome.service}::{outcome.rule} {outcome.resource}"]
        assert isinstance(case.result[0], Skipped), case.name
        assert "rds could not be read" in case.result[0].message
    coverage = cases["paymentaudit.rds::coverage rds"]
    assert isinstance(coverage.result[0], Error)
    assert "AccessDenied" in coverage.result[0].message
    assert xml.skipped == len(not_evaluated)


def test_fail_on_moves_findings_between_failures_and_output(result: Any, tmp_path: Path) -> None:
    from paymentaudit.reporters import junit as junit_reporter

    result.fail_on = Severity.CRITICAL
    junit_reporter.write(result, tmp_path)
    xml = JUnitXml.fromfile(str(tmp_path / "junit.xml"))
    critical = [f for f in result.findings if f.severity is Severity.CRITICAL]
    failed = [case for suite in xml for case in suite if not case.is_passed and case.result]
    failed = [c for c in failed if isinstance(c.result[0], Failure)]
    assert {f.resource for f in critical} == {c.name.split()[-1] for c in failed}
