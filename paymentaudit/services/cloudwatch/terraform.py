"""Terraform types -> cloudwatch.alarm, cloudwatch.dashboard (the shapes of ``collect``)."""

from __future__ import annotations

import json
from typing import Any

from paymentaudit.services.cloudwatch.collect import widget_metrics
from paymentaudit.terraform.document import TfResource, flag, number, strings, text
from paymentaudit.terraform.spec import Built, Context, Relation, Spec, named


def _sorted(ctx: Context, value: Any) -> list[Any]:
    return sorted((ctx.resolve(v) for v in strings(value)), key=str)


# -- CloudWatch ----------------------------------------------------------------------------------


def build_alarm(res: TfResource, ctx: Context) -> Built:
    """Metric alarm: metric, statistic, threshold, comparison, periods, dimensions, actions."""
    a = res.attrs
    threshold = number(a.get("threshold"))
    config = {
        "namespace": text(a.get("namespace")),
        "metric_name": text(a.get("metric_name")),
        "statistic": text(a.get("statistic")) or text(a.get("extended_statistic")),
        "threshold": float(threshold) if isinstance(threshold, int | float) else threshold,
        "comparison_operator": text(a.get("comparison_operator")),
        "period": number(a.get("period")) or None,
        "evaluation_periods": number(a.get("evaluation_periods")),
        "datapoints_to_alarm": number(a.get("datapoints_to_alarm")) or None,
        "treat_missing_data": text(a.get("treat_missing_data"), "missing"),
        "dimensions": {k: ctx.resolve(v) for k, v in (a.get("dimensions") or {}).items()},
        "actions_enabled": flag(a.get("actions_enabled"), True),
        "alarm_actions": _sorted(ctx, a.get("alarm_actions")),
        "ok_actions": _sorted(ctx, a.get("ok_actions")),
        "insufficient_data_actions": _sorted(ctx, a.get("insufficient_data_actions")),
    }
    return Built(config)


def build_dashboard(res: TfResource, ctx: Context) -> Built:
    """Dashboard: its widget count and the metrics they plot (from the resolved body)."""
    body = text(res.attrs.get("dashboard_body"))
    widgets: Any = None
    metrics = None
    if isinstance(body, str):
        try:
            data = ctx.resolve(json.loads(body))
        except ValueError:
            data = None
        if isinstance(data, dict):
            widgets = len(data.get("widgets") or [])
            metrics = widget_metrics(json.dumps(data))
        else:
            widgets, metrics = 0, widget_metrics(body)
    return Built({"widgets": widgets, "metrics": metrics})


SPECS: dict[str, Spec] = {
    "aws_cloudwatch_metric_alarm": Spec(
        "cloudwatch", "cloudwatch.alarm", named("alarm_name"), build_alarm
    ),
    "aws_cloudwatch_dashboard": Spec(
        "cloudwatch",
        "cloudwatch.dashboard",
        named("dashboard_name"),
        build_dashboard,
        taggable=False,
    ),
}

RELATIONS: tuple[Relation, ...] = ()
