"""CloudWatch Logs log groups: retention, key, membership, pagination, list failure."""

from __future__ import annotations

from collectkit import Recorder, client, coverage, deny, resources, snap, snaps

from paymentaudit.normalize import normalize_snapshot


def test_log_group_configuration_is_read() -> None:
    kms = client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/payment-dev", TargetKeyId=key["KeyId"])
    logs = client("logs")
    logs.create_log_group(logGroupName="/aws/lambda/payment-processor-dev", kmsKeyId=key["Arn"])
    logs.put_retention_policy(logGroupName="/aws/lambda/payment-processor-dev", retentionInDays=7)
    logs.create_log_group(logGroupName="/aws/vpc/flow-logs/payment-dev")

    snapshot = snap("dev", "logs", "kms")
    groups = resources(snapshot, "logs.log_group")
    assert set(groups) == {"/aws/lambda/payment-processor", "/aws/vpc/flow-logs/payment"}
    group = groups["/aws/lambda/payment-processor"]
    assert (group.type, group.physical_id, group.region) == (
        "logs.log_group",
        "/aws/lambda/payment-processor-dev",
        "us-east-1",
    )
    assert group.arn == (
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/payment-processor-dev"
    )
    assert group.config["retention_in_days"] == 7
    assert group.config["kms_key_id"] == key["Arn"]
    assert groups["/aws/vpc/flow-logs/payment"].config["retention_in_days"] is None
    assert groups["/aws/vpc/flow-logs/payment"].config["kms_key_id"] is None
    assert normalize_snapshot(snapshot)[group.key]["kms_key_id"] == "alias/payment"


def test_membership_by_suffix_and_tag() -> None:
    logs = client("logs")
    logs.create_log_group(logGroupName="/aws/lambda/payment-processor-dev")
    logs.create_log_group(logGroupName="/aws/lambda/payment-processor-prod-abc123")
    logs.create_log_group(logGroupName="/app/audit-trail", tags={"EnvironmentSuffix": "dev"})
    logs.create_log_group(logGroupName="/app/exports-dev", tags={"EnvironmentSuffix": "abc-dev"})
    result = snaps(["dev", "prod-abc123"], "logs")
    assert {r.physical_id for r in result["dev"].resources} == {
        "/aws/lambda/payment-processor-dev",
        "/app/audit-trail",
    }
    assert {r.logical_name for r in result["prod-abc123"].resources} == {
        "/aws/lambda/payment-processor"
    }


def test_describe_log_groups_is_paginated() -> None:
    logs = client("logs")
    for i in range(57):  # moto pages at 50
        logs.create_log_group(logGroupName=f"/aws/lambda/fn{i:02d}-dev")
    recorder = Recorder()
    snapshot = snap("dev", "logs", hooks={"before-parameter-build.cloudwatch-logs": recorder})
    assert len(snapshot.of_type("logs.log_group")) == 57
    assert len(recorder.of("DescribeLogGroups")) >= 2


def test_list_failure_fails_the_service_only() -> None:
    client("logs").create_log_group(logGroupName="/aws/lambda/payment-processor-dev")
    client("sns").create_topic(Name="payment-alarms-dev")
    hooks = {"before-call.cloudwatch-logs.DescribeLogGroups": deny("DescribeLogGroups")}
    snapshot = snap("dev", "logs", "sns", hooks=hooks)
    assert snapshot.of_type("logs.log_group") == []
    cov = coverage(snapshot, "logs")
    assert (cov.status, cov.resources, cov.error) == (
        "error",
        0,
        "DescribeLogGroups: AccessDenied",
    )
    assert len(snapshot.of_type("sns.topic")) == 1
