"""Monitoring: the alarm topic, the metric alarms and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from paymentaudit.platform.environments import PRIMARY_REGION


@dataclass(frozen=True)
class Alarm:
    """A metric alarm on one dimension, notifying the alarm topic (alarm and OK)."""

    name: str
    description: str
    namespace: str
    metric: str
    statistic: str
    comparison: str
    threshold: int
    period: int
    evaluation_periods: int
    dimension: str  # DBClusterIdentifier | FunctionName
    treat_missing_data: str | None = None


ALARM_TOPIC = "payment-alarms"
RDS_CPU_ALARM = Alarm(
    name="payment-rds-cpu-high",
    description="Aurora cluster CPU above 80% for 10 minutes",
    namespace="AWS/RDS",
    metric="CPUUtilization",
    statistic="Average",
    comparison="GreaterThanThreshold",
    threshold=80,
    period=300,
    evaluation_periods=2,
    dimension="DBClusterIdentifier",
)
LAMBDA_ERRORS_ALARM = Alarm(
    name="payment-lambda-errors-high",
    description="Payment processor errors: 5 or more per minute, twice in a row",
    namespace="AWS/Lambda",
    metric="Errors",
    statistic="Sum",
    comparison="GreaterThanOrEqualToThreshold",
    threshold=5,
    period=60,
    evaluation_periods=2,
    dimension="FunctionName",
    treat_missing_data="notBreaching",
)
ALARMS = (RDS_CPU_ALARM, LAMBDA_ERRORS_ALARM)
DASHBOARD = "payment-processing"
DASHBOARD_PERIOD = 300


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
            "period": DASHBOARD_PERIOD,
            "metrics": metrics,
        },
    }


def dashboard_body(
    cluster_id: str, function_name: str, table_name: str, alb_arn_suffix: str
) -> dict[str, Any]:
    """The dashboard's JSON body as a dict: Aurora, the processor, the table, the ALB."""
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
