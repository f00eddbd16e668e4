"""The audit's parity findings and their severities: missing, unexpected, stricter in the
target, governed by a rule, and what is not compared (unreadable attributes, resources, tags)."""

from __future__ import annotations

from typing import Any

import pytest
from auditkit import pair_of, parity, res, snap

from paymentaudit import rules
from paymentaudit.findings.evaluate import audit
from paymentaudit.findings.result import INCOMPLETE, READY
from paymentaudit.model import Kind, Severity


def test_equal_environments_give_no_finding_and_are_ready() -> None:
    dev, prod = pair_of(
        "lambda.function", "payment-processor", {"memory_size": 512}, {"memory_size": 512}
    )
    result = audit(dev, prod, run_rules=False)
    assert result.findings == []
    assert (result.verdict, result.score, result.ready) == (READY, 100, True)
    assert [p.status for p in result.pairs] == ["equal"]


def test_ungoverned_difference_is_medium() -> None:
    dev, prod = pair_of(
        "lambda.function", "payment-processor", {"memory_size": 512}, {"memory_size": 256}
    )
    (finding,) = parity(dev, prod)
    assert (finding.kind, finding.check, finding.severity) == (
        Kind.PARITY,
        "parity",
        Severity.MEDIUM,
    )
    assert (finding.path, finding.baseline_value, finding.actual) == ("memory_size", 512, 256)
    assert finding.physical_id == "payment-processor-prod-abc123"
    assert "512 in dev, 256 in prod-abc123" in finding.message


def test_low_impact_paths_are_low() -> None:
    dev, prod = pair_of("lambda.function", "f", {"description": "a"}, {"description": "b"})
    assert [f.severity for f in parity(dev, prod)] == [Severity.LOW]


def test_governed_difference_takes_the_rule_severity() -> None:
    dev, prod = pair_of(
        "dynamodb.table",
        "payment-sessions",
        {"point_in_time_recovery": True},
        {"point_in_time_recovery": False},
    )
    (finding,) = parity(dev, prod)
    assert finding.severity is Severity.HIGH and "governed by DDB-PITR" in finding.message


@pytest.mark.parametrize(
    ("resource_type", "logical", "path", "dev_value", "prod_value", "rule"),
    [
        ("dynamodb.table", "r", "deletion_protection_enabled", False, True,
         "DDB-DELETION-PROTECTION"),
        ("rds.cluster", "r", "deletion_protection", False, True, "RDS-DELETION-PROTECTION"),
        ("rds.cluster", "r", "backup_retention_period", 7, 14, "RDS-BACKUP"),
        ("logs.log_group", "/aws/lambda/payment-processor", "retention_in_days", 7, 30,
         "LAMBDA-LOG-RETENTION"),
        ("logs.log_group", "/aws/vpc/flow-logs/payment", "retention_in_days", 7, 30,
         "LOGS-RETENTION"),
        ("kms.key", "r", "enable_key_rotation", False, True, "KMS-ROTATION"),
    ],
)  # fmt: skip
def test_stricter_in_target_is_info(
    resource_type: str, logical: str, path: str, dev_value: Any, prod_value: Any, rule: str
) -> None:
    dev, prod = pair_of(resource_type, logical, {path: dev_value}, {path: prod_value})
    (finding,) = parity(dev, prod)
    assert finding.severity is Severity.INFO
    assert f"target stricter under {rule}" in finding.message
    # The other way round, the same difference is a real one, with that rule's remediation.
    (weaker,) = parity(*pair_of(resource_type, logical, {path: prod_value}, {path: dev_value}))
    assert weaker.severity is rules.get(rule).severity
    assert f"governed by {rule}" in weaker.message
    assert weaker.remediation == rules.get(rule).remediation


def test_alb_deletion_protection_only_in_prod_is_info() -> None:
    path = "deletion_protection.enabled"
    dev, prod = pair_of(
        "elbv2.load_balancer",
        "payment-alb",
        {"attributes": {path: "false"}},
        {"attributes": {path: "true"}},
    )
    (finding,) = parity(dev, prod)
    assert finding.path == f"attributes[{path}]" and finding.severity is Severity.INFO


def test_missing_is_high_and_unexpected_is_low() -> None:
    dev = snap(
        "dev", [res("sns.topic", "payment-alarms", "dev", {}), res("sns.topic", "a", "dev", {})]
    )
    prod = snap(
        "prod-abc123",
        [res("sns.topic", "a", "prod-abc123", {}), res("sns.topic", "extra", "prod-abc123", {})],
    )
    findings = {f.kind: f for f in parity(dev, prod)}
    assert set(findings) == {Kind.MISSING, Kind.UNEXPECTED}
    missing = findings[Kind.MISSING]
    assert (missing.severity, missing.resource) == (Severity.HIGH, "payment-alarms")
    assert missing.physical_id == "payment-alarms-prod-abc123"  # the name it would have
    assert (findings[Kind.UNEXPECTED].severity, findings[Kind.UNEXPECTED].resource) == (
        Severity.LOW,
        "extra",
    )


def test_no_missing_or_unexpected_where_a_side_was_blind() -> None:
    dev = snap("dev", [res("sns.topic", "payment-alarms", "dev", {})])
    prod = snap("prod-abc123", [], errors={"sns": "ListTopics: AccessDenied"})
    result = audit(dev, prod, run_rules=False)
    assert result.findings == []
    assert result.verdict == INCOMPLETE


def test_unreadable_attributes_are_not_compared() -> None:
    before = {"point_in_time_recovery": True, "billing": "A"}
    after = {"point_in_time_recovery": None, "billing": "B"}
    dev, prod = pair_of("dynamodb.table", "t", before, after)
    assert {f.path for f in parity(dev, prod)} == {"billing", "point_in_time_recovery"}
    errors = {"point_in_time_recovery": "DescribeContinuousBackups: AccessDenied"}
    prod = snap("prod-abc123", [res("dynamodb.table", "t", "prod-abc123", after, errors=errors)])
    assert [f.path for f in parity(dev, prod)] == ["billing"]


@pytest.mark.parametrize("whole", ["describe", "locate"])
def test_unreadable_resource_is_not_compared_at_all(whole: str) -> None:
    read = {"enabled": True, "key_manager": "CUSTOMER"}
    unread = {"enabled": None, "key_manager": None}
    dev, prod = pair_of("kms.key", "k", read, unread)
    assert len(parity(dev, prod)) == 2
    errors = {whole: "DescribeKey: AccessDenied"}
    prod = snap("prod-abc123", [res("kms.key", "k", "prod-abc123", unread, errors=errors)])
    assert parity(dev, prod) == []


def test_unknown_tags_are_not_compared() -> None:
    dev = snap("dev", [res("sns.topic", "t", "dev", {}, tags={"Owner": "a"})])
    prod_unknown = snap("prod-abc123", [res("sns.topic", "t", "prod-abc123", {}, tags=None)])
    assert parity(dev, prod_unknown) == []
    prod_known = snap(
        "prod-abc123", [res("sns.topic", "t", "prod-abc123", {}, tags={"Owner": "b"})]
    )
    assert [(f.path, f.severity) for f in parity(dev, prod_known)] == [("tags.Owner", Severity.LOW)]
