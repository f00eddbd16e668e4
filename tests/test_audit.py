"""The audit: parity findings and their severities, policy, verdict, score, determinism."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paymentaudit import rules
from paymentaudit.findings.evaluate import audit
from paymentaudit.findings.result import INCOMPLETE, NOT_READY, READY, finding_id, score
from paymentaudit.model import Coverage, Finding, Kind, Resource, Severity
from paymentaudit.policy import parse
from paymentaudit.sandbox.drifts import DRIFTS
from paymentaudit.snapshots import Snapshot


def res(resource_type: str, logical: str, suffix: str, config: dict, **kw: Any) -> Resource:
    return Resource(
        service=resource_type.split(".", 1)[0],
        type=resource_type,
        logical_name=logical,
        physical_id=f"{logical}-{suffix}",
        region="us-east-1",
        config=config,
        **kw,
    )


def snap(suffix: str, resources: list[Resource], errors: dict[str, str] | None = None) -> Snapshot:
    errors = errors or {}
    services = sorted({r.service for r in resources} | set(errors))
    coverage = tuple(
        Coverage(
            s,
            "error" if s in errors else "ok",
            sum(r.service == s for r in resources),
            errors.get(s),
        )
        for s in services
    )
    return Snapshot(
        suffix=suffix,
        ssm_prefix="/" + suffix.split("-")[0],
        region="us-east-1",
        replica_region="us-west-2",
        account_id="123456789012",
        taken_at="2025-01-01T00:00:00Z",
        resources=tuple(resources),
        coverage=coverage,
    )


def pair_of(resource_type: str, logical: str, dev_config: dict, prod_config: dict, **kw: Any):
    dev = snap("dev", [res(resource_type, logical, "dev", dev_config, **kw)])
    prod = snap("prod-abc123", [res(resource_type, logical, "prod-abc123", prod_config, **kw)])
    return dev, prod


def parity(dev: Snapshot, prod: Snapshot, **kw: Any) -> list[Finding]:
    return audit(dev, prod, run_rules=False, **kw).findings


# -- parity severities ----------------------------------------------------------------------------


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


# -- policy ---------------------------------------------------------------------------------------


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


# -- verdict, counts, score -----------------------------------------------------------------------


def test_verdict_follows_fail_on_and_coverage() -> None:
    dev, prod = pair_of("lambda.function", "f", {"memory_size": 512}, {"memory_size": 256})
    assert audit(dev, prod, run_rules=False).verdict == READY  # medium < high
    blocked = audit(dev, prod, run_rules=False, fail_on="medium")
    assert blocked.verdict == NOT_READY and [f.path for f in blocked.blocking] == ["memory_size"]
    blind = snap("prod-abc123", list(prod.resources), errors={"iam": "ListRoles: AccessDenied"})
    assert audit(dev, blind, run_rules=False).verdict == INCOMPLETE
    assert audit(dev, blind, run_rules=False, fail_on="medium").verdict == NOT_READY


def test_counts_have_every_severity() -> None:
    dev, prod = pair_of(
        "lambda.function",
        "f",
        {"memory_size": 512, "description": "a"},
        {"memory_size": 256, "description": "b"},
    )
    counts = audit(dev, prod, run_rules=False).counts
    assert counts == {"critical": 0, "high": 0, "medium": 1, "low": 1, "info": 0}


def _f(severity: Severity) -> Finding:
    return Finding(
        "i", Kind.PARITY, "parity", severity, "s", "t", "r", "p", "x", None, None, None, "m", "r"
    )


SEVERITIES = st.lists(st.sampled_from(list(Severity)), max_size=30)


@settings(deadline=None)
@given(SEVERITIES)
def test_score_is_100_exactly_when_nothing_is_above_info(severities: list[Severity]) -> None:
    value = score(_f(s) for s in severities)
    assert 0 < value <= 100
    assert (value == 100) == all(s is Severity.INFO for s in severities)


@settings(deadline=None)
@given(SEVERITIES, st.sampled_from(list(Severity)))
def test_score_never_rises_with_another_finding(
    severities: list[Severity], extra: Severity
) -> None:
    before = score(_f(s) for s in severities)
    after = score(_f(s) for s in [*severities, extra])
    assert after <= before
    # A more severe finding costs at least as much as a less severe one.
    for other in Severity:
        if extra.at_least(other):
            assert after <= score(_f(s) for s in [*severities, other])


def test_score_examples() -> None:
    assert score([]) == 100
    assert score([_f(Severity.LOW)]) == 99
    assert score([_f(Severity.CRITICAL)] * 4) == 50


# -- determinism ----------------------------------------------------------------------------------


def test_two_audits_of_the_same_snapshots_are_identical(sandbox_snapshots) -> None:
    dev, prod = sandbox_snapshots["dev"], sandbox_snapshots["prod-abc123"]
    first = audit(dev, prod).to_json()
    second = audit(copy.deepcopy(dev), copy.deepcopy(prod)).to_json()
    first.pop("generated_at"), second.pop("generated_at")
    assert first == second
    ids = [f["id"] for f in first["findings"]]
    assert len(ids) == len(set(ids))
    keys = [
        (
            Severity(f["severity"]).rank,
            f["service"],
            f["resource"],
            f["path"],
            f["check"],
            f["kind"],
        )
        for f in first["findings"]
    ]
    assert keys == sorted(keys)


def test_finding_ids_are_stable_hashes() -> None:
    one = finding_id("parity", "parity", "lambda.function", "payment-processor", "memory_size")
    assert one == finding_id(
        "parity", "parity", "lambda.function", "payment-processor", "memory_size"
    )
    assert len(one) == 16 and int(one, 16) >= 0
    assert one != finding_id("parity", "parity", "lambda.function", "payment-processor", "timeout")


def test_sandbox_audit_finds_every_planted_drift(sandbox_snapshots) -> None:
    result = audit(sandbox_snapshots["dev"], sandbox_snapshots["prod-abc123"])
    found = {(f.kind.value, f.check, f.resource, f.path): f.severity for f in result.findings}
    for drift in DRIFTS:
        for e in drift.expect:
            assert found.get((e.kind, e.check, e.resource, e.path)) is e.severity, drift.name
    assert result.verdict == NOT_READY
    assert result.coverage and all(c.status == "ok" for c in result.coverage)


@pytest.mark.parametrize(
    ("added", "severity"),
    [
        ({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]}, Severity.MEDIUM),
        ({"Effect": "Allow", "Action": ["s3:*"], "Resource": ["arn:aws:s3:::b/*"]}, Severity.HIGH),
        ({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"]},
         Severity.MEDIUM),
    ],
)  # fmt: skip
def test_a_governed_policy_change_takes_the_severity_of_what_it_adds(
    added: dict[str, Any], severity: Severity
) -> None:
    """IAM-WILDCARD grades its outcomes: Resource "*" alone is medium, so is the parity."""
    base = {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": ["arn:aws:kms:k"]}
    doc = {"Version": "2012-10-17", "Statement": [base]}
    wider = {"Version": "2012-10-17", "Statement": [base, added]}
    dev, prod = pair_of(
        "iam.role", "payment-s3-replication-role",
        {"inline_policies": {"replication": doc}}, {"inline_policies": {"replication": wider}},
    )  # fmt: skip
    (finding,) = parity(dev, prod)
    assert finding.severity is severity and "IAM-WILDCARD" in finding.message
    # The rule's own finding on the target agrees (none when nothing is a wildcard).
    rule_findings = [f.severity for f in audit(dev, prod).findings if f.check == "IAM-WILDCARD"]
    wildcard = added["Resource"] == ["*"] or any(a.endswith("*") for a in added["Action"])
    assert rule_findings == ([severity] if wildcard else [])


def test_default_security_group_egress_is_governed_by_sg_default_deny() -> None:
    opened = [{"protocol": "all", "source": "0.0.0.0/0"}]
    (finding,) = parity(
        *pair_of("ec2.security_group", "default", {"egress": []}, {"egress": opened})
    )
    assert finding.severity is Severity.LOW and "governed by SG-DEFAULT-DENY" in finding.message
    # Any other group's egress is no rule's: the default parity severity.
    (other,) = parity(
        *pair_of("ec2.security_group", "payment-lambda-sg", {"egress": []}, {"egress": opened})
    )
    assert other.severity is Severity.MEDIUM and "governed" not in other.message


def test_the_albs_group_is_known_by_relationship() -> None:
    """SG-OPEN-INGRESS allows 80/443 from anywhere on the group a load balancer uses (read
    from the load balancer, not from the group's name)."""
    https = {"protocol": "tcp", "from_port": 443, "to_port": 443, "source": "0.0.0.0/0"}
    sides = []
    for env in ("dev", "prod-abc123"):
        group = res("ec2.security_group", "payment-edge", env, {"ingress": [https]})
        lb = res(
            "elbv2.load_balancer", "payment-alb", env, {"security_groups": [group.physical_id]}
        )
        sides.append(snap(env, [group, lb]))
    dev, prod = sides
    outcomes = [o for o in audit(dev, prod).outcomes if o.rule == "SG-OPEN-INGRESS"]
    assert [o.status.value for o in outcomes] == ["pass"]
    lonely = snap("prod-abc123", [res("ec2.security_group", "payment-edge", "prod-abc123",
                                      {"ingress": [https]})])  # fmt: skip
    failed = [f for f in audit(None, lonely).findings if f.check == "SG-OPEN-INGRESS"]
    assert [f.severity for f in failed] == [Severity.CRITICAL]


SG_RULE = {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "source": "payment-lambda-sg"}
FORWARD = {"type": "forward", "target_groups": {"payment-blue": 100, "payment-green": 0}}


@pytest.mark.parametrize(
    ("resource_type", "logical", "path", "dev_value", "prod_value", "severity", "note"),
    [
        # Open to the internet: what SG-OPEN-INGRESS forbids.
        ("ec2.security_group", "payment-rds-sg", "ingress", [SG_RULE],
         [SG_RULE, {**SG_RULE, "source": "0.0.0.0/0"}], Severity.CRITICAL,
         "governed by SG-OPEN-INGRESS"),
        # A group replaced by the VPC CIDR: a difference, not a violation.
        ("ec2.security_group", "payment-rds-sg", "ingress", [SG_RULE],
         [{**SG_RULE, "source": "10.0.0.0/16"}], Severity.MEDIUM,
         "under SG-OPEN-INGRESS, but no violation of it"),
        # 80/443 from anywhere on a group no load balancer uses, whatever its name: critical
        # (the ALB's own group: test_the_albs_group_is_known_by_relationship).
        ("ec2.security_group", "payment-alb-sg", "ingress", [],
         [{"protocol": "tcp", "from_port": 443, "to_port": 443, "source": "0.0.0.0/0"}],
         Severity.CRITICAL, "governed by SG-OPEN-INGRESS"),
        # The listener forwards to neither blue nor green: ALB-BLUE-GREEN's concern.
        ("elbv2.load_balancer", "payment-alb", "listeners.HTTP:80.default_actions", [FORWARD],
         [{"type": "forward", "target_groups": {"payment-canary": 100}}], Severity.HIGH,
         "governed by ALB-BLUE-GREEN"),
        # Blue only ("forwards to one of them"): traffic moved between the two, by design.
        ("elbv2.load_balancer", "payment-alb", "listeners.HTTP:80.default_actions", [FORWARD],
         [{"type": "forward", "target_groups": {"payment-blue": 100}}], Severity.INFO,
         "an allowed blue/green cutover under ALB-BLUE-GREEN"),
        # A cutover (weights moved to green): the allowed blue/green cutover, info.
        ("elbv2.load_balancer", "payment-alb", "listeners.HTTP:80.default_actions", [FORWARD],
         [{"type": "forward", "target_groups": {"payment-blue": 0, "payment-green": 100}}],
         Severity.INFO, "an allowed blue/green cutover under ALB-BLUE-GREEN"),

    ],
)  # fmt: skip
def test_a_governed_change_is_graded_by_whether_it_violates_the_rule(
    resource_type: str,
    logical: str,
    path: str,
    dev_value: Any,
    prod_value: Any,
    severity: Severity,
    note: str,
) -> None:
    top, _, rest = path.partition(".")

    def config(value: Any) -> dict[str, Any]:
        if not rest:
            return {top: value}
        listener, _, leaf = rest.partition(".")
        return {top: {listener: {leaf: value}}}

    dev, prod = pair_of(resource_type, logical, config(dev_value), config(prod_value))
    (finding,) = parity(dev, prod)
    assert finding.path == path
    assert finding.severity is severity and note in finding.message, finding.message
