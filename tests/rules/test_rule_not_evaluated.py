"""A rule whose data could not be read says so (NOT_EVALUATED), never pass or fail."""

from __future__ import annotations

import pytest
from rulekit import fixture_data, run, to_snapshot

from paymentaudit import rules
from paymentaudit.model import Status

RULE_IDS = rules.ids()
REQUIRED = [(r.id, s) for r in rules.all_rules() for s in (r.requires or (r.service,))]


def _fail_service(data: dict, service: str, drop_resources: bool) -> dict:
    """Mark a service's coverage as an error (optionally as if its list call failed)."""
    if drop_resources:
        data["resources"] = [r for r in data["resources"] if r["service"] != service]
    data["coverage"] = [c for c in data["coverage"] if c["service"] != service]
    data["coverage"].append(
        {"service": service, "status": "error", "resources": 0, "error": "List: AccessDenied"}
    )
    return data


def _assert_not_evaluated(rule_id: str, outcomes: list) -> None:
    assert outcomes, f"{rule_id} said nothing although its data is missing"
    assert {o.status for o in outcomes} == {Status.NOT_EVALUATED}, outcomes
    assert all(o.rule == rule_id and o.message for o in outcomes)


@pytest.mark.parametrize(("rule_id", "service"), REQUIRED)
@pytest.mark.parametrize("name", ["pass", "fail"])
def test_detail_error_in_a_required_service(rule_id: str, service: str, name: str) -> None:
    data = _fail_service(fixture_data(rule_id, name), service, drop_resources=False)
    _assert_not_evaluated(rule_id, run(rule_id, to_snapshot(data)))


@pytest.mark.parametrize(("rule_id", "service"), REQUIRED)
def test_list_failure_of_a_required_service(rule_id: str, service: str) -> None:
    # No resources of the service at all: "none found" is not evidence either way.
    data = _fail_service(fixture_data(rule_id, "fail"), service, drop_resources=True)
    _assert_not_evaluated(rule_id, run(rule_id, to_snapshot(data)))


def test_list_failure_elsewhere_does_not_blind_a_rule() -> None:
    data = _fail_service(fixture_data("DDB-PITR", "fail"), "sns", drop_resources=True)
    assert {o.status for o in run("DDB-PITR", to_snapshot(data))} == {Status.FAIL}


# Rule -> (resource type, logical name, the Resource.errors key of the attribute it reads).
ATTRIBUTE_OF = {
    "ALB-BLUE-GREEN": ("elbv2.load_balancer", "payment-alb", "listeners"),
    "ALB-DELETION-PROTECTION": ("elbv2.load_balancer", "payment-alb", "attributes"),
    "DDB-PITR": ("dynamodb.table", "payment-sessions", "point_in_time_recovery"),
    "DDB-SSE-KMS": ("dynamodb.table", "payment-sessions", "describe"),
    "DDB-DELETION-PROTECTION": ("dynamodb.table", "payment-sessions", "describe"),
    "IAM-WILDCARD": ("iam.role", "payment-lambda-role", "managed_policies"),
    "KMS-ROTATION": ("kms.key", "*", "enable_key_rotation"),
    "S3-ENCRYPTION": ("s3.bucket", "*", "encryption"),
    "S3-LIFECYCLE": ("s3.bucket", "*", "lifecycle_rules"),
    "S3-PUBLIC-ACCESS": ("s3.bucket", "*", "public_access_block"),
    "S3-REPLICATION": ("s3.bucket", "payment-audit-logs", "replication"),
    "S3-VERSIONING": ("s3.bucket", "*", "locate"),
    "SNS-ENCRYPTION": ("sns.topic", "payment-alarms", "kms_master_key_id"),
    "VPC-FLOW-LOGS": ("ec2.vpc", "payment-vpc", "flow_logs"),
}


@pytest.mark.parametrize("rule_id", sorted(ATTRIBUTE_OF))
@pytest.mark.parametrize("name", ["pass", "fail"])
def test_unreadable_attribute_gives_not_evaluated(rule_id: str, name: str) -> None:
    resource_type, logical, key = ATTRIBUTE_OF[rule_id]
    data = fixture_data(rule_id, name)
    marked = 0
    for res in data["resources"]:
        if res["type"] == resource_type and logical in ("*", res["logical_name"]):
            res["errors"] = {key: "GetSomething: AccessDenied"}
            marked += 1
    assert marked
    # Coverage stays "ok": the resource's own errors must be enough.
    _assert_not_evaluated(rule_id, run(rule_id, to_snapshot(data)))


def test_an_error_on_another_attribute_does_not_blind_the_rule() -> None:
    data = fixture_data("DDB-PITR", "fail")
    data["resources"][0]["errors"] = {"ttl": "DescribeTimeToLive: AccessDenied"}
    assert {o.status for o in run("DDB-PITR", to_snapshot(data))} == {Status.FAIL}
