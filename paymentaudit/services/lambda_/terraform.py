"""Terraform types -> lambda.function (with its aliases; the shape of ``collect``)."""

from __future__ import annotations

from typing import Any

from paymentaudit.detect import classify
from paymentaudit.services.lambda_.collect import environment_summary
from paymentaudit.terraform.document import TfResource, block, number, strings, text
from paymentaudit.terraform.refs import later
from paymentaudit.terraform.spec import Built, Context, Relation, Spec, attr_keys, named


def _ids(ctx: Context, value: Any) -> list[Any]:
    return sorted((ctx.resolve(v) for v in strings(value)), key=str)


# -- Lambda --------------------------------------------------------------------------------------


def literal_secrets(variables: dict[str, Any]) -> list[str]:
    """Variables the code gives a literal secret (a reference is not a literal)."""
    return sorted(
        name
        for name, value in variables.items()
        if "${" not in str(value) and classify(name, value) is not None
    )


def build_function(res: TfResource, ctx: Context) -> Built:
    """Function: runtime, sizing, network, variable names (never values), aliases, ..."""
    a = res.attrs
    variables = block(a.get("environment")).get("variables") or {}
    names, _ = environment_summary(variables)
    vpc = block(a.get("vpc_config"))
    aliases = ctx.children(res, "aws_lambda_alias")
    reserved = number(a.get("reserved_concurrent_executions"), -1)
    log_group = ctx.resolve(text(block(a.get("logging_config")).get("log_group")))
    config = {
        "runtime": text(a.get("runtime")),
        "handler": text(a.get("handler")),
        "package_type": text(a.get("package_type"), "Zip"),
        "memory_size": number(a.get("memory_size"), 128),
        "timeout": number(a.get("timeout"), 3),
        "architectures": sorted(strings(a.get("architectures")) or ["x86_64"]),
        "ephemeral_storage": number(block(a.get("ephemeral_storage")).get("size"), 512),
        "role": ctx.resolve(a.get("role")),
        "subnet_ids": _ids(ctx, vpc.get("subnet_ids")),
        "security_group_ids": _ids(ctx, vpc.get("security_group_ids")),
        "environment": names,
        "sensitive_literal_variables": literal_secrets(variables),
        "tracing_mode": text(block(a.get("tracing_config")).get("mode"), "PassThrough"),
        "reserved_concurrent_executions": None if reserved in (None, -1) else reserved,
        "aliases": sorted(str(ctx.resolve(x.attrs.get("name"))) for x in aliases),
        "dead_letter_target_arn": ctx.resolve(
            text(block(a.get("dead_letter_config")).get("target_arn"))
        ),
        "kms_key_arn": ctx.resolve(text(a.get("kms_key_arn"))),
        "layers": sorted(str(ctx.resolve(x)).rsplit(":", 1)[0] for x in strings(a.get("layers"))),
        # Lambda names the group itself (/aws/lambda/<name>) when the code does not.
        "log_group": log_group or later(res, "logging_config.log_group"),
    }
    alias_arns = tuple(str(ctx.attribute(x, "arn")) for x in aliases)
    return Built(config, aliases=alias_arns)


SPECS: dict[str, Spec] = {
    "aws_lambda_function": Spec(
        "lambda", "lambda.function", named("function_name"), build_function
    ),
}

RELATIONS: tuple[Relation, ...] = (
    Relation("aws_lambda_alias", ("aws_lambda_function",), attr_keys("function_name")),
)
