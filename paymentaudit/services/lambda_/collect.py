"""Lambda functions: runtime, sizing, network, environment variable names, tracing,
concurrency, aliases, dead-letter target. Environment variable values are never kept."""

from __future__ import annotations

from typing import Any

from paymentaudit.detect import classify, redacted
from paymentaudit.model import Resource
from paymentaudit.services.declare import Built, Call, Collector, Item, Ref, Scope


def environment_summary(variables: dict[str, Any] | None) -> tuple[dict[str, str], list[str]]:
    """Variable names with redacted values, and the variables holding a literal secret: a
    value a detector recognizes (a Stripe key under CONFIG_BLOB), or a literal under a
    sensitive name (an ARN or a reference is no literal).

    The values are dropped here, at the edge: nothing downstream ever sees them; a detected
    one keeps the detector's name (``[REDACTED: detected StripeDetector]``).
    """
    names = {}
    literal_secrets = []
    for name, value in (variables or {}).items():
        reason = classify(name, value)
        names[name] = redacted(reason)
        if reason is not None:
            literal_secrets.append(name)
    return names, sorted(literal_secrets)


def build_function(item: Item, scope: Scope) -> Built:
    """Function configuration, with environment values redacted."""
    raw = item.raw
    env, literal_secrets = environment_summary((raw.get("Environment") or {}).get("Variables"))
    vpc = raw.get("VpcConfig") or {}
    aliases = item.details.get("aliases")
    config = {
        "runtime": raw.get("Runtime"),
        "handler": raw.get("Handler"),
        "package_type": raw.get("PackageType", "Zip"),
        "memory_size": raw.get("MemorySize"),
        "timeout": raw.get("Timeout"),
        "architectures": sorted(raw.get("Architectures") or ["x86_64"]),
        "ephemeral_storage": (raw.get("EphemeralStorage") or {}).get("Size"),
        "role": raw.get("Role"),
        "subnet_ids": sorted(vpc.get("SubnetIds") or []),
        "security_group_ids": sorted(vpc.get("SecurityGroupIds") or []),
        "environment": env,
        "sensitive_literal_variables": literal_secrets,
        "tracing_mode": (raw.get("TracingConfig") or {}).get("Mode", "PassThrough"),
        "reserved_concurrent_executions": item.details.get("reserved_concurrent_executions"),
        "aliases": None if aliases is None else sorted(a["Name"] for a in aliases),
        "dead_letter_target_arn": (raw.get("DeadLetterConfig") or {}).get("TargetArn"),
        "kms_key_arn": raw.get("KMSKeyArn"),
        "layers": sorted(layer.get("Arn", "").rsplit(":", 1)[0] for layer in raw.get("Layers", [])),
        "log_group": (raw.get("LoggingConfig") or {}).get("LogGroup"),
    }
    alias_arns = tuple(a["AliasArn"] for a in aliases or [] if a.get("AliasArn"))
    return Built(config=config, aliases=(raw["FunctionArn"], *alias_arns))


LOG_PREFIX = "/aws/lambda/"


def log_group_name(function: Resource) -> str:
    """The log group a function writes to (its logging config, else /aws/lambda/<name>)."""
    return function.config.get("log_group") or f"{LOG_PREFIX}{function.physical_id}"


FUNCTION = Collector(
    service="lambda",
    type="lambda.function",
    list=Call("list_functions", result="Functions", paginate=True),
    id="FunctionName",
    arn="FunctionArn",
    details={
        "reserved_concurrent_executions": Call(
            "get_function_concurrency",
            params={"FunctionName": "FunctionName"},
            result="ReservedConcurrentExecutions",
        ),
        "aliases": Call(
            "list_aliases", params={"FunctionName": "FunctionName"}, result="Aliases", paginate=True
        ),
    },
    refs=(
        Ref("iam.role", "role", label="execution-role"),
        Ref("logs.log_group", lambda fn: [log_group_name(fn)], label="log-group"),
        Ref("kms.key", "kms_key_arn", label="environment-key"),
    ),
    build=build_function,
)

COLLECTORS = (FUNCTION,)
