"""Parity graded by the rules that govern it: a governed change takes the severity of whether
it violates the rule (IAM-WILDCARD, SG-OPEN-INGRESS, SG-DEFAULT-DENY, ALB-BLUE-GREEN)."""

from __future__ import annotations

from typing import Any

import pytest
from auditkit import pair_of, parity, res, snap

from paymentaudit.findings.evaluate import audit
from paymentaudit.model import Severity


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


def test_the_audit_role_passes_iam_wildcard() -> None:
    """The deployed audit role (`iam-policy --scope <suffix>`, stack/components/audit.py)
    carries the reads AWS cannot scope on "*": no IAM-WILDCARD finding on it; the same
    statement with one scopable action is medium."""
    from paymentaudit.iam_policy import policy_document

    doc = policy_document(["prod-abc123"])
    role = {"inline_policies": {"payment-audit-readonly-<env>": doc}}
    dev, prod = pair_of("iam.role", "payment-audit-readonly", role, role)
    assert [f for f in audit(dev, prod).findings if f.check == "IAM-WILDCARD"] == []
    star = next(s for s in doc["Statement"] if s["Resource"] == "*")
    star["Action"] = [*star["Action"], "dynamodb:DescribeTable"]
    dev, prod = pair_of("iam.role", "payment-audit-readonly", role, role)
    found = [f.severity for f in audit(dev, prod).findings if f.check == "IAM-WILDCARD"]
    assert found == [Severity.MEDIUM]
