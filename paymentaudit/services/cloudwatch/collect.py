"""CloudWatch: metric alarms and dashboards (the metrics their widgets plot)."""

from __future__ import annotations

import json
from typing import Any

from paymentaudit.services.declare import Built, Call, Collector, Item, Ref, Scope


def build_alarm(item: Item, scope: Scope) -> Built:
    """Alarm: metric, statistic, threshold, comparison, periods, dimensions, actions."""
    raw = item.raw
    config = {
        "namespace": raw.get("Namespace"),
        "metric_name": raw.get("MetricName"),
        "statistic": raw.get("Statistic") or raw.get("ExtendedStatistic"),
        "threshold": raw.get("Threshold"),
        "comparison_operator": raw.get("ComparisonOperator"),
        "period": raw.get("Period"),
        "evaluation_periods": raw.get("EvaluationPeriods"),
        "datapoints_to_alarm": raw.get("DatapointsToAlarm"),
        "treat_missing_data": raw.get("TreatMissingData", "missing"),
        "dimensions": {d["Name"]: d["Value"] for d in raw.get("Dimensions", [])},
        "actions_enabled": raw.get("ActionsEnabled"),
        "alarm_actions": sorted(raw.get("AlarmActions") or []),
        "ok_actions": sorted(raw.get("OKActions") or []),
        "insufficient_data_actions": sorted(raw.get("InsufficientDataActions") or []),
    }
    return Built(config=config)


def widget_metrics(body: str | None) -> list[str] | None:
    """The sorted ``Namespace/MetricName`` pairs a dashboard body plots."""
    if body is None:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return ["<unparsable dashboard body>"]
    found = set()
    for widget in data.get("widgets", []) if isinstance(data, dict) else []:
        metrics = (widget.get("properties") or {}).get("metrics") or []
        previous: list[Any] = []
        for metric in metrics:
            if not isinstance(metric, list):
                continue
            parts = [p for p in metric if not isinstance(p, dict)]
            # "." repeats the value at the same position in the previous metric.
            resolved = [
                previous[i] if p == "." and i < len(previous) else p for i, p in enumerate(parts)
            ]
            if resolved and resolved[0] == "...":
                resolved = previous[:2]
            if len(resolved) >= 2:
                found.add(f"{resolved[0]}/{resolved[1]}")
            previous = resolved
    return sorted(found)


def build_dashboard(item: Item, scope: Scope) -> Built:
    """Dashboard: present, and the metrics its widgets plot."""
    body = item.details.get("body")
    widgets = None
    if body is not None:
        try:
            widgets = len(json.loads(body).get("widgets", []))
        except (ValueError, AttributeError):
            widgets = 0
    config = {"widgets": widgets, "metrics": widget_metrics(body)}
    if "body" in item.errors:
        # Both attributes come from the body: each is unreadable, not absent.
        reason = item.errors.pop("body")
        item.errors.update(dict.fromkeys(config, reason))
    return Built(config=config)


ALARM = Collector(
    service="cloudwatch",
    type="cloudwatch.alarm",
    list=Call(
        "describe_alarms",
        params=lambda item, element, scope: {"AlarmTypes": ["MetricAlarm"]},
        result="MetricAlarms",
        paginate=True,
    ),
    id="AlarmName",
    arn="AlarmArn",
    refs=(Ref("sns.topic", "alarm_actions", label="alarm-topic"),),
    build=build_alarm,
)

DASHBOARD = Collector(
    service="cloudwatch",
    type="cloudwatch.dashboard",
    list=Call("list_dashboards", result="DashboardEntries", paginate=True),
    id="DashboardName",
    arn="DashboardArn",
    details={
        "body": Call(
            "get_dashboard",
            params={"DashboardName": "DashboardName"},
            result="DashboardBody",
            absent=("ResourceNotFound",),
        )
    },
    build=build_dashboard,
)

COLLECTORS = (ALARM, DASHBOARD)
