"""Monitoring: the encrypted alarm topic, the two alarms and the dashboard."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import cdk
from config import PRIMARY_REGION, StackConfig


@dataclass
class Monitoring:
    """The alarm topic (its ARN is a stack output)."""

    topic: cdk.SnsTopic


def _widget(title: str, y: int, metrics: list[list[Any]]) -> dict[str, Any]:
    """A full-width time-series widget with the given metric lines."""
    return {
        "type": "metric",
        "x": 0,
        "y": y,
        "width": 24,
        "height": 6,
        "properties": {
            "title": title,
            "region": PRIMARY_REGION,
            "view": "timeSeries",
            "stacked": False,
            "period": 300,
            "metrics": metrics,
        },
    }


def dashboard_body(
    cluster_id: str, function_name: str, table_name: str, alb_arn_suffix: str
) -> dict[str, Any]:
    """The dashboard JSON as a dict (CDK tokens inside the strings resolve at synth)."""
    rds = ["AWS/RDS", "DBClusterIdentifier", cluster_id]
    fn = ["FunctionName", function_name]
    table = ["TableName", table_name]
    lb = ["LoadBalancer", alb_arn_suffix]
    return {
        "widgets": [
            _widget(
                "Aurora PostgreSQL",
                0,
                [
                    [rds[0], "CPUUtilization", *rds[1:], {"stat": "Average"}],
                    [rds[0], "DatabaseConnections", *rds[1:], {"stat": "Average"}],
                    [rds[0], "FreeableMemory", *rds[1:], {"stat": "Minimum"}],
                ],
            ),
            _widget(
                "Payment processor Lambda",
                6,
                [
                    ["AWS/Lambda", "Invocations", *fn, {"stat": "Sum"}],
                    ["AWS/Lambda", "Errors", *fn, {"stat": "Sum"}],
                    ["AWS/Lambda", "Duration", *fn, {"stat": "p99"}],
                    ["AWS/Lambda", "Throttles", *fn, {"stat": "Sum"}],
                ],
            ),
            _widget(
                "Sessions table",
                12,
                [
                    ["AWS/DynamoDB", "ConsumedReadCapacityUnits", *table, {"stat": "Sum"}],
                    ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", *table, {"stat": "Sum"}],
                    # UserErrors is published per account and region only (no TableName).
                    ["AWS/DynamoDB", "UserErrors", {"stat": "Sum"}],
                ],
            ),
            _widget(
                "Internal ALB",
                18,
                [
                    ["AWS/ApplicationELB", "RequestCount", *lb, {"stat": "Sum"}],
                    ["AWS/ApplicationELB", "TargetResponseTime", *lb, {"stat": "p99"}],
                    ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", *lb, {"stat": "Sum"}],
                ],
            ),
        ]
    }


def build(
    scope: cdk.TerraformStack,
    cfg: StackConfig,
    key: cdk.KmsKey,
    cluster: cdk.RdsCluster,
    processor: cdk.LambdaFunction,
    table: cdk.DynamodbTable,
    alb: cdk.Lb,
) -> Monitoring:
    """Create the topic, the RDS CPU and Lambda errors alarms, and the dashboard."""
    topic = cdk.SnsTopic(
        scope,
        "alarm_topic",
        name=cfg.name("payment-alarms"),
        kms_master_key_id=key.arn,
    )
    cdk.CloudwatchMetricAlarm(
        scope,
        "rds_cpu_alarm",
        alarm_name=cfg.name("payment-rds-cpu-high"),
        alarm_description="Aurora cluster CPU above 80% for 10 minutes",
        namespace="AWS/RDS",
        metric_name="CPUUtilization",
        statistic="Average",
        comparison_operator="GreaterThanThreshold",
        threshold=80,
        period=300,
        evaluation_periods=2,
        dimensions={"DBClusterIdentifier": cluster.cluster_identifier},
        alarm_actions=[topic.arn],
        ok_actions=[topic.arn],
    )
    cdk.CloudwatchMetricAlarm(
        scope,
        "lambda_errors_alarm",
        alarm_name=cfg.name("payment-lambda-errors-high"),
        alarm_description="Payment processor errors: 5 or more per minute, twice in a row",
        namespace="AWS/Lambda",
        metric_name="Errors",
        statistic="Sum",
        comparison_operator="GreaterThanOrEqualToThreshold",
        threshold=5,
        period=60,
        evaluation_periods=2,
        dimensions={"FunctionName": processor.function_name},
        treat_missing_data="notBreaching",
        alarm_actions=[topic.arn],
        ok_actions=[topic.arn],
    )
    cdk.CloudwatchDashboard(
        scope,
        "dashboard",
        dashboard_name=cfg.name("payment-processing"),
        dashboard_body=json.dumps(
            dashboard_body(
                cluster.cluster_identifier, processor.function_name, table.name, alb.arn_suffix
            )
        ),
    )
    return Monitoring(topic=topic)
