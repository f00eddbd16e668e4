"""Monitoring and parameters: alarms, topic, dashboard, SSM parameters."""

from __future__ import annotations

import json
from typing import Any

from paymentaudit.sandbox.provision.base import (
    PRIMARY,
    Env,
)

# -- monitoring ---------------------------------------------------------------------------------


def _widget(title: str, y: int, metrics: list[list[Any]]) -> dict[str, Any]:
    return {
        "type": "metric",
        "x": 0,
        "y": y,
        "width": 24,
        "height": 6,
        "properties": {
            "title": title,
            "region": PRIMARY,
            "view": "timeSeries",
            "stacked": False,
            "period": 300,
            "metrics": metrics,
        },
    }


def monitoring(env: Env) -> None:
    """The encrypted alarm topic, the RDS CPU and Lambda errors alarms, the dashboard."""
    sns, cw = env.c("sns"), env.c("cloudwatch")
    topic = sns.create_topic(
        Name=env.name("payment-alarms"),
        Attributes={"KmsMasterKeyId": env.ids["payment-cmk"]},
        Tags=env.tag_list(),
    )["TopicArn"]
    cw.put_metric_alarm(
        AlarmName=env.name("payment-rds-cpu-high"),
        AlarmDescription="Aurora cluster CPU above 80% for 10 minutes",
        Namespace="AWS/RDS",
        MetricName="CPUUtilization",
        Statistic="Average",
        ComparisonOperator="GreaterThanThreshold",
        Threshold=80,
        Period=300,
        EvaluationPeriods=2,
        Dimensions=[{"Name": "DBClusterIdentifier", "Value": env.ids["cluster"]}],
        AlarmActions=[topic],
        OKActions=[topic],
        Tags=env.tag_list(),
    )
    cw.put_metric_alarm(
        AlarmName=env.name("payment-lambda-errors-high"),
        AlarmDescription="Payment processor errors: 5 or more per minute, twice in a row",
        Namespace="AWS/Lambda",
        MetricName="Errors",
        Statistic="Sum",
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        Threshold=5,
        Period=60,
        EvaluationPeriods=2,
        Dimensions=[{"Name": "FunctionName", "Value": env.ids["function"]}],
        TreatMissingData="notBreaching",
        AlarmActions=[topic],
        OKActions=[topic],
        Tags=env.tag_list(),
    )
    lb_suffix = env.ids["alb"].split(":loadbalancer/", 1)[-1]
    rds = ["AWS/RDS", "DBClusterIdentifier", env.ids["cluster"]]
    fn = ["FunctionName", env.ids["function"]]
    table = ["TableName", env.ids["table"]]
    lb = ["LoadBalancer", lb_suffix]
    body = {
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
    cw.put_dashboard(DashboardName=env.name("payment-processing"), DashboardBody=json.dumps(body))


# -- parameters ---------------------------------------------------------------------------------


def parameters(env: Env) -> None:
    """The app's non-sensitive String parameters under /<env>/app/."""
    ssm = env.c("ssm")
    values = {
        "app/currency": "USD",
        "app/max-payment-amount": "10000",
        "app/log-level": "INFO",
        "app/table-name": env.ids["table"],
    }
    for path, value in values.items():
        ssm.put_parameter(
            Name=f"/{env.environment}/{path}", Value=value, Type="String", Tags=env.tag_list()
        )
