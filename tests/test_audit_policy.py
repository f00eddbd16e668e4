"""The audit under a policy: ignored and expected differences, severity overrides, disabled
rules, and rules that could not be evaluated."""

from __future__ import annotations

from auditkit import pair_of, parity, res, snap

from paymentaudit.findings.evaluate import audit
from paymentaudit.findings.result import INCOMPLETE, NOT_READY, READY
from paymentaudit.model import Severity
from paymentaudit.policy import parse


def test_policy_ignore_expected_and_severity_overrides() -> None:
    dev, prod = pair_of(
        "lambda.function",
        "payment-processor",
        {"memory_size": 512, "timeout": 30, "runtime": "a"},
        {"memory_size": 256, "timeout": 60, "runtime": "b"},
    )
    base = parity(dev, prod)
    assert {f.path: f.severity for f in base} == dict.fromkeys(
        ["memory_size", "runtime", "timeout"], Severity.MEDIUM
    )
    policy = parse(
        {
            "ignore": [{"path": "runtime", "reason": "runtime upgrade in flight"}],
            "expected": [{"path": "timeout", "baseline": 30, "target": 60, "reason": "slow prod"}],
            "severity": {"parity": "high"},
        },
        "test-policy",
    )
    result = audit(dev, prod, run_rules=False, policy=policy)
    assert result.ignored == 1
    got = {f.path: f for f in result.findings}
    assert set(got) == {"memory_size", "timeout"}
    assert got["memory_size"].severity is Severity.HIGH  # kind severity override
    assert got["timeout"].severity is Severity.INFO
    assert got["timeout"].message.endswith("(expected: slow prod)")
    assert result.to_json()["ignored"] == 1


# Environment-level rules fail on a snapshot without alarms or dashboard: keep them out.
ENV_RULES = ["CW-ALARM-LAMBDA-ERRORS", "CW-ALARM-RDS-CPU", "CW-DASHBOARD"]
TABLE = {
    "point_in_time_recovery": False,
    "deletion_protection_enabled": True,
    "server_side_encryption": {"enabled": True, "sse_type": "KMS"},
}


def test_rule_severity_override_and_disable() -> None:
    target = snap("prod-abc123", [res("dynamodb.table", "t", "prod-abc123", TABLE)])
    plain = audit(None, target, policy=parse({"disable": ENV_RULES}, "p"))
    assert [(f.check, f.severity) for f in plain.findings] == [("DDB-PITR", Severity.HIGH)]
    assert plain.verdict == NOT_READY

    lowered = audit(
        None, target, policy=parse({"disable": ENV_RULES, "severity": {"DDB-PITR": "low"}}, "p")
    )
    assert [(f.check, f.severity) for f in lowered.findings] == [("DDB-PITR", Severity.LOW)]
    assert lowered.verdict == READY  # low does not block at --fail-on high

    disabled = audit(None, target, policy=parse({"disable": [*ENV_RULES, "DDB-PITR"]}, "p"))
    assert disabled.findings == []
    assert "DDB-PITR" not in {o.rule for o in disabled.outcomes}
    assert {o.rule for o in disabled.outcomes} == {"DDB-SSE-KMS", "DDB-DELETION-PROTECTION"}


def test_not_evaluated_rules_make_the_verdict_incomplete() -> None:
    unread = {**TABLE, "point_in_time_recovery": None}
    errors = {"point_in_time_recovery": "DescribeContinuousBackups: AccessDenied"}
    target = snap("prod-abc123", [res("dynamodb.table", "t", "prod-abc123", unread, errors=errors)])
    result = audit(None, target, policy=parse({"disable": ENV_RULES}, "p"))
    assert result.findings == []
    assert [o.rule for o in result.not_evaluated] == ["DDB-PITR"]
    assert result.verdict == INCOMPLETE
    assert result.to_json()["not_evaluated"][0]["check"] == "DDB-PITR"
