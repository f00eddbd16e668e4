"""Monitoring: the encrypted alarm topic, the two alarms and the dashboard."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import cdk
from config import StackConfig

from paymentaudit import platform


@dataclass
class Monitoring:
    """The alarm topic (its ARN is a stack output)."""

    topic: cdk.SnsTopic


def dashboard_body(
    cluster_id: str, function_name: str, table_name: str, alb_arn_suffix: str
) -> dict[str, Any]:
    """The dashboard JSON as a dict (CDK tokens inside the strings resolve at synth)."""
    return platform.dashboard_body(cluster_id, function_name, table_name, alb_arn_suffix)


def _alarm(alarm: platform.Alarm, dimension: str, topic: cdk.SnsTopic) -> dict[str, Any]:
    """The keyword arguments of a platform alarm (all but its name)."""
    settings: dict[str, Any] = {
        "alarm_description": alarm.description,
        "namespace": alarm.namespace,
        "metric_name": alarm.metric,
        "statistic": alarm.statistic,
        "comparison_operator": alarm.comparison,
        "threshold": alarm.threshold,
        "period": alarm.period,
        "evaluation_periods": alarm.evaluation_periods,
        "dimensions": {alarm.dimension: dimension},
        "alarm_actions": [topic.arn],
        "ok_actions": [topic.arn],
    }
    if alarm.treat_missing_data is not None:
        settings["treat_missing_data"] = alarm.treat_missing_data
    return settings


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
        **_alarm(platform.RDS_CPU_ALARM, cluster.cluster_identifier, topic),
    )
    cdk.CloudwatchMetricAlarm(
        scope,
        "lambda_errors_alarm",
        alarm_name=cfg.name("payment-lambda-errors-high"),
        **_alarm(platform.LAMBDA_ERRORS_ALARM, processor.function_name, topic),
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
