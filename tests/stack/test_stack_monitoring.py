"""Monitoring, asserted on the synthesized Terraform JSON (prod and dev): the alarm topic, the
alarms and the dashboard."""

from __future__ import annotations

import json

import pytest
from stacktest import Synth

pytestmark = pytest.mark.synth


def test_alarm_topic_and_alarms(stack: Synth) -> None:
    s = stack.suffix
    topic = stack.resource("aws_sns_topic", "alarm_topic")
    assert topic["kms_master_key_id"] == stack.ref("aws_kms_key", "cmk", "arn")
    topic_arn = stack.ref("aws_sns_topic", "alarm_topic", "arn")
    rds = stack.by_attr("aws_cloudwatch_metric_alarm", "alarm_name", f"payment-rds-cpu-high-{s}")
    assert (rds["namespace"], rds["metric_name"], rds["statistic"]) == (
        "AWS/RDS",
        "CPUUtilization",
        "Average",
    )
    assert (rds["comparison_operator"], rds["threshold"]) == ("GreaterThanThreshold", 80)
    assert (rds["evaluation_periods"], rds["period"]) == (2, 300)
    assert rds["dimensions"] == {
        "DBClusterIdentifier": stack.ref("aws_rds_cluster", "aurora_cluster", "cluster_identifier")
    }
    errors = stack.by_attr(
        "aws_cloudwatch_metric_alarm", "alarm_name", f"payment-lambda-errors-high-{s}"
    )
    assert (errors["namespace"], errors["metric_name"], errors["statistic"]) == (
        "AWS/Lambda",
        "Errors",
        "Sum",
    )
    assert (errors["comparison_operator"], errors["threshold"]) == (
        "GreaterThanOrEqualToThreshold",
        5,
    )
    assert (errors["evaluation_periods"], errors["period"]) == (2, 60)
    assert errors["dimensions"] == {
        "FunctionName": stack.ref("aws_lambda_function", "processor_function", "function_name")
    }
    for alarm in (rds, errors):
        assert alarm["alarm_actions"] == [topic_arn]
        assert alarm["ok_actions"] == [topic_arn]


def test_dashboard_widgets(stack: Synth) -> None:
    dashboard = stack.resource("aws_cloudwatch_dashboard", "dashboard")
    body = json.loads(dashboard["dashboard_body"])
    metrics: dict[str, set[str]] = {}
    dimension_values: set[str] = set()
    for widget in body["widgets"]:
        for line in widget["properties"]["metrics"]:
            metrics.setdefault(line[0], set()).add(line[1])
            dimension_values |= {v for v in line[2:] if isinstance(v, str)}
    assert metrics == {
        "AWS/RDS": {"CPUUtilization", "DatabaseConnections", "FreeableMemory"},
        "AWS/Lambda": {"Invocations", "Errors", "Duration", "Throttles"},
        "AWS/DynamoDB": {"ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits", "UserErrors"},
        "AWS/ApplicationELB": {"RequestCount", "TargetResponseTime", "HTTPCode_ELB_5XX_Count"},
    }
    assert stack.ref("aws_rds_cluster", "aurora_cluster", "cluster_identifier") in dimension_values
    assert stack.ref("aws_lb", "alb", "arn_suffix") in dimension_values
