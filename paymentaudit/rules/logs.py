"""CloudWatch Logs readiness rules (the functions' own log groups: LAMBDA-LOG-RETENTION)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from paymentaudit.model import Resource, Severity
from paymentaudit.rules.base import Outcome, Rule, RuleContext, greater_is_stricter, register
from paymentaudit.rules.lambda_ import is_function_log_group


@register
class LogsRetention(Rule):
    id = "LOGS-RETENTION"
    severity = Severity.MEDIUM
    title = "Log groups other than the functions' (VPC flow logs) have retention set"
    remediation = (
        "Set retention_in_days on the log group (for the VPC flow logs: the "
        "aws_cloudwatch_log_group the aws_flow_log writes to, 7 days in dev, 30 in prod)."
    )
    service = "logs"
    resource_types = ("logs.log_group",)
    governs = (("logs.log_group", "retention_in_days"),)

    def targets(self, ctx: RuleContext) -> Iterable[Resource]:
        return (g for g in ctx.of_type("logs.log_group") if not is_function_log_group(g))

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        days = resource.config.get("retention_in_days")
        yield self.expect(
            resource,
            "retention_in_days",
            days is not None,
            "retention set",
            days,
            f"log group {resource.physical_id} keeps logs forever (no retention set)",
        )

    def governs_path(self, resource_type: str, path: str, resource: Resource | None = None) -> bool:
        """Only log groups that are not a function's (LAMBDA-LOG-RETENTION governs those)."""
        return (
            super().governs_path(resource_type, path, resource)
            and resource is not None
            and not is_function_log_group(resource)
        )

    def stricter(self, path: str, baseline: object, target: object) -> bool:
        return greater_is_stricter(path, baseline, target)
