"""CloudWatch: metric alarms and dashboards (the metrics their widgets plot).

Members missing from a DescribeAlarms ``MetricAlarm``, decided member by member from the
CloudWatch API reference:

* Unknown when absent (``item.errors[<attribute>] = "<Member> not in the response"``: not
  compared, and a rule reading the attribute is not evaluated): ``EvaluationPeriods``,
  ``ComparisonOperator``, ``ActionsEnabled``, ``AlarmActions`` (never read as no action),
  ``OKActions``, ``InsufficientDataActions``, which CloudWatch returns for every metric alarm
  (the action lists empty when none is set); ``Namespace``, ``MetricName`` and ``Period`` of
  an alarm on one metric (``Metrics`` absent or empty); ``Threshold`` of an alarm with a static
  threshold (one without ``ThresholdMetricId``).
* Absent with a documented meaning, kept: ``Namespace``, ``MetricName``, ``Period`` and
  ``Statistic`` of an alarm on a metric-math expression (its ``Metrics`` hold them: None);
  ``Threshold`` of an anomaly-detection alarm (its ``ThresholdMetricId`` is the threshold:
  None); ``TreatMissingData`` ("If this parameter is omitted, the default behavior of missing
  is used"); ``DatapointsToAlarm`` (the evaluation periods); ``Dimensions`` (none).
* A dimension without its ``Name`` makes ``dimensions`` unknown.
"""

from __future__ import annotations

import json
from typing import Any

from paymentaudit.services.declare import Built, Call, Collector, Item, Ref, Scope

# Members CloudWatch returns for every metric alarm -> the attribute unknown when one is missing.
ALARM_ALWAYS = {
    "EvaluationPeriods": "evaluation_periods",
    "ComparisonOperator": "comparison_operator",
    "ActionsEnabled": "actions_enabled",
    "AlarmActions": "alarm_actions",
    "OKActions": "ok_actions",
    "InsufficientDataActions": "insufficient_data_actions",
}
# ... and for every alarm on one metric (no ``Metrics``): its metric and period.
SINGLE_METRIC_ALWAYS = {"Namespace": "namespace", "MetricName": "metric_name", "Period": "period"}


def build_alarm(item: Item, scope: Scope) -> Built:
    """Alarm: metric, statistic, threshold, comparison, periods, dimensions, actions; an
    always-returned member that is missing makes its attribute unknown (see the docstring)."""
    raw = item.raw
    dimensions = raw.get("Dimensions") or []
    config = {
        "namespace": raw.get("Namespace"),
        "metric_name": raw.get("MetricName"),
        "statistic": raw.get("Statistic") or raw.get("ExtendedStatistic"),
        "threshold": raw.get("Threshold"),
        "comparison_operator": raw.get("ComparisonOperator"),
        "period": raw.get("Period"),
        "evaluation_periods": raw.get("EvaluationPeriods"),
        "datapoints_to_alarm": raw.get("DatapointsToAlarm"),
        "treat_missing_data": raw.get("TreatMissingData") or "missing",
        "dimensions": {str(d.get("Name")): d.get("Value") for d in dimensions},
        "actions_enabled": raw.get("ActionsEnabled"),
        "alarm_actions": sorted(raw.get("AlarmActions") or []),
        "ok_actions": sorted(raw.get("OKActions") or []),
        "insufficient_data_actions": sorted(raw.get("InsufficientDataActions") or []),
    }
    required = dict(ALARM_ALWAYS)
    if not raw.get("Metrics"):  # an alarm on one metric (its Metrics empty or absent)
        required.update(SINGLE_METRIC_ALWAYS)
    if raw.get("ThresholdMetricId") is None:
        required["Threshold"] = "threshold"
    unknown = {a: f"{m} not in the response" for m, a in required.items() if raw.get(m) is None}
    if any(d.get("Name") is None for d in dimensions):
        unknown["dimensions"] = "Dimensions[].Name not in the response"
    for attribute, reason in unknown.items():
        item.errors.setdefault(attribute, reason)
        config[attribute] = None
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
    for widget in _widgets(data) or []:
        properties = widget.get("properties") if isinstance(widget, dict) else None
        metrics = properties.get("metrics") if isinstance(properties, dict) else None
        if not isinstance(metrics, list):
            continue
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


def _widgets(data: Any) -> list[Any] | None:
    """The widgets of a parsed dashboard body (None: it is no dashboard body)."""
    widgets = data.get("widgets", []) if isinstance(data, dict) else None
    return widgets if isinstance(widgets, list) else None


def build_dashboard(item: Item, scope: Scope) -> Built:
    """Dashboard: present, and the metrics its widgets plot."""
    body = item.details.get("body")
    widgets = None
    if body is not None:
        try:
            widgets = len(_widgets(json.loads(body)) or [])
        except ValueError:
            widgets = 0
    config = {"widgets": widgets, "metrics": widget_metrics(body)}
    # No DashboardBody without an error (the member missing, or ResourceNotFound: the
    # dashboard was deleted since it was listed) leaves both None, as before.
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
