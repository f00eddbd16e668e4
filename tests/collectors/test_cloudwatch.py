"""CloudWatch alarms and dashboards: attributes, membership, failures."""

from __future__ import annotations

import json

from collectkit import client, coverage, deny, resources, snap, snaps, statuses, tag_list, without

from paymentaudit.model import Status
from paymentaudit.normalize import normalize_snapshot
from paymentaudit.services.cloudwatch.collect import widget_metrics

TOPIC = "arn:aws:sns:us-east-1:123456789012:payment-alarms-dev"


def _alarm(name: str, **kw: object) -> None:
    params = {
        "AlarmName": name,
        "Namespace": "AWS/RDS",
        "MetricName": "CPUUtilization",
        "Statistic": "Average",
        "Period": 300,
        "EvaluationPeriods": 2,
        "Threshold": 80.0,
        "ComparisonOperator": "GreaterThanThreshold",
        "Dimensions": [{"Name": "DBClusterIdentifier", "Value": "payment-aurora-cluster-dev"}],
        "AlarmActions": [TOPIC],
        "TreatMissingData": "breaching",
        **kw,
    }
    client("cloudwatch").put_metric_alarm(**params)


BODY = {
    "widgets": [
        {
            "type": "metric",
            "properties": {
                "metrics": [
                    ["AWS/RDS", "CPUUtilization", "DBClusterIdentifier", "c-dev"],
                    [".", "DatabaseConnections", ".", "."],
                    ["AWS/Lambda", "Errors", "FunctionName", "f-dev", {"stat": "Sum"}],
                ]
            },
        },
        {"type": "text", "properties": {"markdown": "hello"}},
    ]
}


def test_alarm_and_dashboard_are_read() -> None:
    client("sns").create_topic(Name="payment-alarms-dev")
    _alarm("payment-rds-cpu-high-dev")
    client("cloudwatch").put_dashboard(
        DashboardName="payment-processing-dev", DashboardBody=json.dumps(BODY)
    )
    snapshot = snap("dev", "cloudwatch", "sns")
    alarm = resources(snapshot, "cloudwatch.alarm")["payment-rds-cpu-high"]
    assert (alarm.type, alarm.physical_id) == ("cloudwatch.alarm", "payment-rds-cpu-high-dev")
    assert alarm.arn.endswith(":alarm:payment-rds-cpu-high-dev")
    cfg = alarm.config
    assert (cfg["namespace"], cfg["metric_name"], cfg["statistic"]) == (
        "AWS/RDS",
        "CPUUtilization",
        "Average",
    )
    assert (cfg["threshold"], cfg["period"], cfg["evaluation_periods"]) == (80.0, 300, 2)
    assert cfg["comparison_operator"] == "GreaterThanThreshold"
    assert cfg["dimensions"] == {"DBClusterIdentifier": "payment-aurora-cluster-dev"}
    assert cfg["alarm_actions"] == [TOPIC]
    assert cfg["treat_missing_data"] == "breaching"
    norm = normalize_snapshot(snapshot)[alarm.key]
    assert norm["alarm_actions"] == ["payment-alarms"]  # the topic's logical name
    assert norm["dimensions"] == {"DBClusterIdentifier": "payment-aurora-cluster-<env>"}

    dashboard = resources(snapshot, "cloudwatch.dashboard")["payment-processing"]
    assert dashboard.physical_id == "payment-processing-dev"
    assert dashboard.config == {
        "widgets": 2,
        "metrics": ["AWS/Lambda/Errors", "AWS/RDS/CPUUtilization", "AWS/RDS/DatabaseConnections"],
    }
    assert coverage(snapshot, "cloudwatch").status == "ok"


def test_widget_metrics_shorthand() -> None:
    body = {
        "widgets": [
            {"properties": {"metrics": [["A", "M1"], ["...", {"stat": "Max"}], [".", "M2"]]}},
        ]
    }
    assert widget_metrics(json.dumps(body)) == ["A/M1", "A/M2"]
    assert widget_metrics("{not json") == ["<unparsable dashboard body>"]
    assert widget_metrics(None) is None


def test_membership_by_suffix_and_tag() -> None:
    _alarm("payment-rds-cpu-high-dev")
    _alarm("payment-rds-cpu-high-prod-abc123")
    _alarm("capacity-watch", Tags=tag_list("dev"))
    _alarm("payment-exports-dev", Tags=tag_list("abc-dev"))
    result = snaps(["dev", "prod-abc123"], "cloudwatch")
    assert {r.physical_id for r in result["dev"].resources} == {
        "payment-rds-cpu-high-dev",
        "capacity-watch",
    }
    assert {r.logical_name for r in result["prod-abc123"].resources} == {"payment-rds-cpu-high"}


def test_dashboard_body_failure_marks_what_the_body_provides() -> None:
    _alarm("payment-rds-cpu-high-dev")
    client("cloudwatch").put_dashboard(
        DashboardName="payment-processing-dev", DashboardBody=json.dumps(BODY)
    )
    snapshot = snap(
        "dev", "cloudwatch", hooks={"before-call.cloudwatch.GetDashboard": deny("GetDashboard")}
    )
    dashboard = resources(snapshot, "cloudwatch.dashboard")["payment-processing"]
    assert dashboard.config == {"widgets": None, "metrics": None}
    assert dashboard.errors == {
        "widgets": "GetDashboard: AccessDenied",
        "metrics": "GetDashboard: AccessDenied",
    }
    cov = coverage(snapshot, "cloudwatch")
    assert cov.status == "error"
    assert cov.error == "cloudwatch.dashboard payment-processing-dev: GetDashboard: AccessDenied"
    assert resources(snapshot, "cloudwatch.alarm")["payment-rds-cpu-high"].errors == {}


def test_alarm_list_failure_leaves_dashboards() -> None:
    _alarm("payment-rds-cpu-high-dev")
    client("cloudwatch").put_dashboard(
        DashboardName="payment-processing-dev", DashboardBody=json.dumps(BODY)
    )
    snapshot = snap(
        "dev", "cloudwatch", hooks={"before-call.cloudwatch.DescribeAlarms": deny("DescribeAlarms")}
    )
    assert snapshot.of_type("cloudwatch.alarm") == []
    assert len(snapshot.of_type("cloudwatch.dashboard")) == 1
    cov = coverage(snapshot, "cloudwatch")
    assert (cov.status, cov.resources, cov.error) == ("error", 1, "DescribeAlarms: AccessDenied")


def test_missing_alarm_actions_are_unknown_never_none() -> None:
    _alarm("payment-rds-cpu-high-dev")
    drop = without("MetricAlarms[].AlarmActions")
    snapshot = snap("dev", "cloudwatch", hooks={"after-call.cloudwatch.DescribeAlarms": drop})
    alarm = resources(snapshot, "cloudwatch.alarm")["payment-rds-cpu-high"]
    assert alarm.errors == {"alarm_actions": "AlarmActions not in the response"}
    assert alarm.config["alarm_actions"] is None
    assert statuses(snapshot, "CW-ALARM-RDS-CPU", coverage_ok=True) == {Status.NOT_EVALUATED}


def test_an_alarm_whose_metric_is_unknown_may_be_the_one() -> None:
    _alarm("payment-rds-cpu-high-dev")
    drop = without("MetricAlarms[].MetricName")
    snapshot = snap("dev", "cloudwatch", hooks={"after-call.cloudwatch.DescribeAlarms": drop})
    # "No alarm on AWS/RDS CPUUtilization" would be no evidence: not evaluated, not failed.
    assert statuses(snapshot, "CW-ALARM-RDS-CPU", coverage_ok=True) == {Status.NOT_EVALUATED}
