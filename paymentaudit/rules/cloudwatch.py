"""Monitoring readiness rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from paymentaudit.model import UNREADABLE, Resource, Severity
from paymentaudit.rules.base import NotEvaluated, Outcome, Rule, RuleContext, register


class AlarmRule(Rule):
    """An alarm on one metric must exist with the right threshold, periods and an action."""

    namespace: ClassVar[str]
    metric: ClassVar[str]
    max_threshold: ClassVar[float]
    period: ClassVar[int]
    evaluation_periods: ClassVar[int] = 2
    alarm_name: ClassVar[str]
    service = "cloudwatch"
    resource_types = ("cloudwatch.alarm",)
    governs = (
        ("cloudwatch.alarm", "threshold"),
        ("cloudwatch.alarm", "period"),
        ("cloudwatch.alarm", "evaluation_periods"),
        ("cloudwatch.alarm", "alarm_actions"),
        ("cloudwatch.alarm", "metric_name"),
        ("cloudwatch.alarm", "namespace"),
    )
    environment_level = True

    def evaluate(self, ctx: RuleContext) -> Iterator[Outcome]:
        try:
            ctx.require("cloudwatch")
        except NotEvaluated as why:
            yield self.not_evaluated(
                None,
                str(why),
                resource_type="cloudwatch.alarm",
                resource=self.alarm_name,
                physical_id=f"{self.alarm_name}-{ctx.suffix}",
            )
            return
        alarms = [
            a
            for a in ctx.of_type("cloudwatch.alarm")
            if a.config.get("namespace") == self.namespace
            and a.config.get("metric_name") == self.metric
        ]
        # An alarm whose metric could not be read may be the one: "none found" is no evidence.
        unread = [
            a
            for a in ctx.of_type("cloudwatch.alarm")
            if {"namespace", "metric_name", *UNREADABLE} & set(a.errors)
        ]
        if not alarms and unread:
            yield self.not_evaluated(
                None,
                f"the metric of alarm(s) {', '.join(a.logical_name for a in unread)} not readable",
                resource_type="cloudwatch.alarm",
                resource=self.alarm_name,
                physical_id=f"{self.alarm_name}-{ctx.suffix}",
            )
            return
        if not alarms:
            yield self.failed(
                None,
                "",
                f"an alarm on {self.namespace} {self.metric}",
                None,
                f"no alarm watches {self.namespace} {self.metric}",
                resource_type="cloudwatch.alarm",
                resource=self.alarm_name,
                physical_id=f"{self.alarm_name}-{ctx.suffix}",
            )
            return
        for alarm in alarms:
            try:
                yield from self.check(alarm, ctx)
            except NotEvaluated as why:
                yield self.not_evaluated(alarm, str(why))

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        # Every attribute the rule reads must be known: an unknown one is never a failure.
        cfg = {
            path: ctx.attr(resource, path)
            for path in ("threshold", "period", "evaluation_periods", "alarm_actions")
        }
        problems: dict[str, tuple[Any, Any]] = {}
        threshold = cfg.get("threshold")
        if threshold is None or float(threshold) > self.max_threshold:
            problems["threshold"] = (f"<= {self.max_threshold:g}", threshold)
        if cfg.get("period") != self.period:
            problems["period"] = (self.period, cfg.get("period"))
        if cfg.get("evaluation_periods") != self.evaluation_periods:
            problems["evaluation_periods"] = (
                self.evaluation_periods,
                cfg.get("evaluation_periods"),
            )
        if not cfg.get("alarm_actions"):
            problems["alarm_actions"] = ("an action (the alarm topic)", [])
        if not problems:
            yield self.passed(resource, "threshold", expected=f"<= {self.max_threshold:g}")
            return
        for path, (expected, actual) in problems.items():
            yield self.failed(
                resource,
                path,
                expected,
                actual,
                f"{self.namespace} {self.metric} alarm: {path} is {actual!r}, expected {expected}",
            )

    def governs_path(self, resource_type: str, path: str, resource: Resource | None = None) -> bool:
        """Only the alarm on this rule's metric (any alarm when the resource is unknown)."""
        if not super().governs_path(resource_type, path, resource):
            return False
        if resource is None:
            return True
        cfg = resource.config
        return (cfg.get("namespace"), cfg.get("metric_name")) == (self.namespace, self.metric)

    def stricter(self, path: str, baseline: Any, target: Any) -> bool:
        if path != "threshold":
            return False
        try:
            return float(target) < float(baseline)
        except (TypeError, ValueError):
            return False


@register
class CwAlarmRdsCpu(AlarmRule):
    id = "CW-ALARM-RDS-CPU"
    severity = Severity.HIGH
    title = "RDS CPUUtilization alarm: threshold <= 80, period 300, 2 periods, an action"
    remediation = (
        "Alarm payment-rds-cpu-high-<suffix>: AWS/RDS CPUUtilization Average > 80 over 2 periods "
        "of 300 s, alarm_actions = [the alarm topic]."
    )
    namespace = "AWS/RDS"
    metric = "CPUUtilization"
    max_threshold = 80
    period = 300
    alarm_name = "payment-rds-cpu-high"


@register
class CwAlarmLambdaErrors(AlarmRule):
    id = "CW-ALARM-LAMBDA-ERRORS"
    severity = Severity.HIGH
    title = "Lambda Errors alarm: threshold <= 5, period 60, 2 periods, an action"
    remediation = (
        "Alarm payment-lambda-errors-high-<suffix>: AWS/Lambda Errors Sum >= 5 over 2 periods "
        "of 60 s, alarm_actions = [the alarm topic]."
    )
    namespace = "AWS/Lambda"
    metric = "Errors"
    max_threshold = 5
    period = 60
    alarm_name = "payment-lambda-errors-high"


@register
class CwDashboard(Rule):
    id = "CW-DASHBOARD"
    severity = Severity.MEDIUM
    title = "Dashboard payment-processing-<suffix> exists"
    remediation = (
        "Create the dashboard payment-processing-<suffix> with RDS, Lambda, DynamoDB and ALB "
        "widgets."
    )
    service = "cloudwatch"
    resource_types = ("cloudwatch.dashboard",)
    environment_level = True

    def evaluate(self, ctx: RuleContext) -> Iterator[Outcome]:
        name = f"payment-processing-{ctx.suffix}"
        where = {
            "resource_type": "cloudwatch.dashboard",
            "resource": "payment-processing",
            "physical_id": name,
        }
        try:
            ctx.require("cloudwatch")
        except NotEvaluated as why:
            yield self.not_evaluated(None, str(why), **where)
            return
        found = next(iter(ctx.grouped("cloudwatch.dashboard", "physical_id").get(name, [])), None)
        if found is None:
            yield self.failed(None, "", name, None, f"dashboard {name} does not exist", **where)
        else:
            yield self.passed(found, "")
