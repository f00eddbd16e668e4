"""Monitoring and parameters: alarms, topic, dashboard, SSM parameters."""

from __future__ import annotations

import json

from paymentaudit import platform
from paymentaudit.sandbox.provision.base import Env

# -- monitoring ---------------------------------------------------------------------------------


def monitoring(env: Env) -> None:
    """The encrypted alarm topic, the RDS CPU and Lambda errors alarms, the dashboard."""
    sns, cw = env.c("sns"), env.c("cloudwatch")
    topic = sns.create_topic(
        Name=env.name(platform.ALARM_TOPIC),
        Attributes={"KmsMasterKeyId": env.ids[platform.PRIMARY_KEY.name]},
        Tags=env.tag_list(),
    )["TopicArn"]
    # What each alarm's dimension names, in this environment.
    dimensions = {"DBClusterIdentifier": env.ids["cluster"], "FunctionName": env.ids["function"]}
    for alarm in platform.ALARMS:
        extra = {"TreatMissingData": alarm.treat_missing_data} if alarm.treat_missing_data else {}
        cw.put_metric_alarm(
            AlarmName=env.name(alarm.name),
            AlarmDescription=alarm.description,
            Namespace=alarm.namespace,
            MetricName=alarm.metric,
            Statistic=alarm.statistic,
            ComparisonOperator=alarm.comparison,
            Threshold=alarm.threshold,
            Period=alarm.period,
            EvaluationPeriods=alarm.evaluation_periods,
            Dimensions=[{"Name": alarm.dimension, "Value": dimensions[alarm.dimension]}],
            AlarmActions=[topic],
            OKActions=[topic],
            Tags=env.tag_list(),
            **extra,
        )
    body = platform.dashboard_body(
        env.ids["cluster"],
        env.ids["function"],
        env.ids["table"],
        env.ids["alb"].split(":loadbalancer/", 1)[-1],
    )
    cw.put_dashboard(DashboardName=env.name(platform.DASHBOARD), DashboardBody=json.dumps(body))


# -- parameters ---------------------------------------------------------------------------------


def parameters(env: Env) -> None:
    """The app's non-sensitive parameters under /<env>/app/."""
    ssm = env.c("ssm")
    refs = {"log_level": env.settings.log_level, "table_name": env.ids["table"]}
    for spec in platform.PARAMETERS:
        ssm.put_parameter(
            Name=env.param(spec.path),
            Value=spec.value.format(**refs),
            Type=spec.type,
            Tags=env.tag_list(),
        )
