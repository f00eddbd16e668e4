"""Lambda readiness rules."""

from __future__ import annotations

from collections.abc import Iterator

from paymentaudit.model import Resource, Severity
from paymentaudit.naming import logical_name
from paymentaudit.rules.base import (
    FlagRule,
    Outcome,
    Rule,
    RuleContext,
    greater_is_stricter,
    register,
)

LAMBDA_LOG_PREFIX = "/aws/lambda/"


def log_group_name(function: Resource) -> str:
    """The log group a function writes to (its logging config, else /aws/lambda/<name>)."""
    return function.config.get("log_group") or f"{LAMBDA_LOG_PREFIX}{function.physical_id}"


def is_function_log_group(group: Resource) -> bool:
    """True for a Lambda function's log group (/aws/lambda/...)."""
    return group.physical_id.startswith(LAMBDA_LOG_PREFIX)


@register
class LambdaVpc(Rule):
    id = "LAMBDA-VPC"
    severity = Severity.HIGH
    title = "The function is attached to VPC subnets"
    remediation = "Set vpc_config with the private subnets and the Lambda security group."
    service = "lambda"
    resource_types = ("lambda.function",)
    governs = (("lambda.function", "subnet_ids"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        subnets = ctx.attr(resource, "subnet_ids") or []
        yield self.expect(
            resource,
            "subnet_ids",
            bool(subnets),
            "private subnets",
            subnets,
            "the function runs outside the VPC",
        )


@register
class LambdaSecrets(Rule):
    id = "LAMBDA-SECRETS"
    severity = Severity.CRITICAL
    title = "No environment variable holds a literal secret (by its name or its value)"
    remediation = (
        "Move the secret to Secrets Manager or a SecureString parameter and pass its name or "
        "ARN instead; rotate the exposed value."
    )
    service = "lambda"
    resource_types = ("lambda.function",)
    governs = (("lambda.function", "sensitive_literal_variables"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        names = ctx.attr(resource, "sensitive_literal_variables") or []
        shown = (resource.config.get("environment") or {}) if names else {}

        def why(name: str) -> str:
            value = str(shown.get(name, ""))
            found = value.removeprefix("[REDACTED: ").removesuffix("]")
            return f"{name} ({found})" if value.startswith("[REDACTED: ") else name

        yield self.expect(
            resource,
            "sensitive_literal_variables",
            not names,
            [],
            names,
            f"literal secret value(s) in environment variable(s) {', '.join(map(why, names))}",
        )


@register
class LambdaLogRetention(Rule):
    id = "LAMBDA-LOG-RETENTION"
    severity = Severity.MEDIUM
    title = "The function's log group exists with retention set"
    remediation = (
        "Declare the log group /aws/lambda/<function> explicitly with retention_in_days "
        "(7 in dev, 30 in prod) and the CMK."
    )
    service = "lambda"
    resource_types = ("lambda.function",)
    governs = (("logs.log_group", "retention_in_days"),)
    requires = ("lambda", "logs")

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        """The outcome is about the log group (the function's own, through its logging config):
        the problem and its differences are the group's, so they are one finding."""
        name = log_group_name(resource)
        group = next(iter(ctx.grouped("logs.log_group", "physical_id").get(name, [])), None)
        if group is None:
            yield self.failed(
                None,
                "",
                "present, with retention set",
                None,
                f"log group {name} of {resource.logical_name} does not exist",
                resource_type="logs.log_group",
                resource=logical_name(name, ctx.suffix),
                physical_id=name,
                service="logs",
            )
            return
        days = ctx.attr(group, "retention_in_days")
        yield self.expect(
            group,
            "retention_in_days",
            days is not None,
            "retention set",
            days,
            f"log group {name} of {resource.logical_name} keeps logs forever (no retention set)",
        )

    def governs_path(self, resource_type: str, path: str, resource: Resource | None = None) -> bool:
        """Only functions' log groups (LOGS-RETENTION governs the others)."""
        return super().governs_path(resource_type, path, resource) and (
            resource is None or is_function_log_group(resource)
        )

    def stricter(self, path: str, baseline: object, target: object) -> bool:
        return greater_is_stricter(path, baseline, target)


@register
class LambdaTracing(FlagRule):
    id = "LAMBDA-TRACING"
    severity = Severity.LOW
    title = "X-Ray tracing is active"
    remediation = 'Set tracing_config { mode = "Active" }.'
    service = "lambda"
    resource_types = ("lambda.function",)
    attribute = "tracing_mode"
    expected = "Active"
    failure = "tracing is not active"
