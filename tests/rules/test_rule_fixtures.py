"""Every registered rule on its two fixtures: pass.json passes, fail.json fails."""

from __future__ import annotations

from typing import Any

import pytest
from rulekit import fixture, run

from paymentaudit import rules
from paymentaudit.findings.evaluate import audit
from paymentaudit.model import Kind, Status

RULE_IDS = rules.ids()


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_pass_fixture_passes(rule_id: str) -> None:
    outcomes = run(rule_id, fixture(rule_id, "pass"))
    assert outcomes, f"{rule_id} found nothing to evaluate in its pass fixture"
    assert [o.status for o in outcomes] == [Status.PASS] * len(outcomes), outcomes
    assert {o.rule for o in outcomes} == {rule_id}


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_fail_fixture_fails(rule_id: str) -> None:
    rule = rules.get(rule_id)
    outcomes = run(rule_id, fixture(rule_id, "fail"))
    failed = [o for o in outcomes if o.status is Status.FAIL]
    assert failed, f"{rule_id} did not fail on its fail fixture: {outcomes}"
    assert not [o for o in outcomes if o.status is Status.NOT_EVALUATED]
    for outcome in failed:
        assert outcome.rule == rule_id
        assert outcome.message.strip()
        assert outcome.resource and outcome.resource_type
        assert (outcome.severity or rule.severity) is rule.severity


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_audit_reports_the_failure_as_a_policy_finding(rule_id: str) -> None:
    rule = rules.get(rule_id)
    findings = [f for f in audit(None, fixture(rule_id, "fail")).findings if f.check == rule_id]
    assert findings
    for finding in findings:
        assert finding.kind is Kind.POLICY
        assert finding.severity is rule.severity
        # The rule's service, or that of the resource it reports on (a function's log group).
        assert finding.service in (rule.service, finding.resource_type.split(".", 1)[0])
        assert finding.message.strip() and finding.remediation == rule.remediation
    passing = audit(None, fixture(rule_id, "pass")).findings
    assert not [f for f in passing if f.check == rule_id]


def test_fixtures_match_what_the_collectors_produce(sandbox_snapshots: dict[str, Any]) -> None:
    """The committed fixtures are what make_fixtures.py writes from the sandbox today: a change
    to a collector's output shape fails here until the fixtures are regenerated."""
    import make_fixtures

    from paymentaudit.sandbox import SANDBOX_ACCOUNT

    data = make_fixtures.as_fixture_data(sandbox_snapshots, SANDBOX_ACCOUNT)
    expected = make_fixtures.fixtures(data)
    committed = set(make_fixtures.FIXTURES.glob("*/*.json"))
    assert committed == set(expected), "run tests/rules/make_fixtures.py"
    stale = [
        path.relative_to(make_fixtures.FIXTURES).as_posix()
        for path, text in expected.items()
        if path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"stale fixtures (run tests/rules/make_fixtures.py): {stale}"
