"""Lambda functions: runtime, sizing, network, environment variable names, tracing,
concurrency, aliases, dead-letter target. Environment variable values are never kept.

Members missing from a response (``FunctionConfiguration`` of ListFunctions), decided member by
member from the Lambda API reference:

* Unknown when absent (``item.errors[<attribute>] = "<Member> not in the response"``: not
  compared, and a rule reading the attribute is not evaluated). Lambda returns these for every
  function, so their absence says nothing about the function: ``PackageType`` (never read as
  ``Zip``), ``Architectures`` (never read as ``x86_64``), ``TracingConfig`` and its ``Mode``
  (never read as ``PassThrough``), ``MemorySize``, ``Timeout``, ``EphemeralStorage`` and its
  ``Size``, ``Role``; inside a ``VpcConfig`` that is present, ``SubnetIds`` and
  ``SecurityGroupIds``; an alias (ListAliases) without its ``Name``.
* Absent with a documented meaning, kept: ``VpcConfig`` (the function is not connected to a
  VPC: no subnets, no groups); ``Environment`` (no variables); ``LoggingConfig`` or its
  ``LogGroup`` (older functions, and moto, have none: the function logs to the default group
  ``/aws/lambda/<function name>``, the ``LogGroup`` documentation); ``KMSKeyArn`` (Lambda uses
  an AWS owned or AWS managed key); ``DeadLetterConfig`` (none); ``Layers`` (none);
  ``Runtime`` and ``Handler`` (a container-image function has neither);
  ``ReservedConcurrentExecutions`` of GetFunctionConcurrency (no concurrency reserved).
"""

from __future__ import annotations

from collections.abc import Mapping
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


# Members Lambda returns for every function (a dotted path inside the function's
# configuration) -> the attribute that is unknown when one is missing (see the docstring).
ALWAYS_RETURNED = {
    "PackageType": "package_type",
    "Architectures": "architectures",
    "TracingConfig.Mode": "tracing_mode",
    "MemorySize": "memory_size",
    "Timeout": "timeout",
    "EphemeralStorage.Size": "ephemeral_storage",
    "Role": "role",
}


def _missing(raw: Mapping[str, Any], path: str) -> str | None:
    """The first member of a dotted path that ``raw`` lacks (None: all present)."""
    value: Any = raw
    walked = []
    for part in path.split("."):
        walked.append(part)
        if not isinstance(value, Mapping) or value.get(part) is None:
            return ".".join(walked)
        value = value[part]
    return None


def build_function(item: Item, scope: Scope) -> Built:
    """Function configuration, with environment values redacted; an always-returned member
    that is missing makes its attribute unknown (see the module docstring)."""
    raw = item.raw
    env, literal_secrets = environment_summary((raw.get("Environment") or {}).get("Variables"))
    vpc = raw.get("VpcConfig")
    aliases = item.details.get("aliases")
    config = {
        "runtime": raw.get("Runtime"),
        "handler": raw.get("Handler"),
        "package_type": raw.get("PackageType"),
        "memory_size": raw.get("MemorySize"),
        "timeout": raw.get("Timeout"),
        "architectures": sorted(raw.get("Architectures") or []),
        "ephemeral_storage": (raw.get("EphemeralStorage") or {}).get("Size"),
        "role": raw.get("Role"),
        "subnet_ids": sorted((vpc or {}).get("SubnetIds") or []),
        "security_group_ids": sorted((vpc or {}).get("SecurityGroupIds") or []),
        "environment": env,
        "sensitive_literal_variables": literal_secrets,
        "tracing_mode": (raw.get("TracingConfig") or {}).get("Mode"),
        "reserved_concurrent_executions": item.details.get("reserved_concurrent_executions"),
        "aliases": None if aliases is None else sorted(str(a.get("Name")) for a in aliases),
        "dead_letter_target_arn": (raw.get("DeadLetterConfig") or {}).get("TargetArn"),
        "kms_key_arn": raw.get("KMSKeyArn"),
        "layers": sorted(
            str(layer.get("Arn") or "").rsplit(":", 1)[0] for layer in raw.get("Layers") or []
        ),
        "log_group": (raw.get("LoggingConfig") or {}).get("LogGroup"),
    }
    unknown = {
        attribute: f"{member} not in the response"
        for path, attribute in ALWAYS_RETURNED.items()
        if (member := _missing(raw, path)) is not None
    }
    if vpc is not None:  # attached (or detached) explicitly: both lists are then returned
        for member, attribute in (
            ("SubnetIds", "subnet_ids"),
            ("SecurityGroupIds", "security_group_ids"),
        ):
            if vpc.get(member) is None:
                unknown[attribute] = f"VpcConfig.{member} not in the response"
    if aliases is not None and any(a.get("Name") is None for a in aliases):
        unknown["aliases"] = "Aliases[].Name not in the response"
    for attribute, reason in unknown.items():
        if attribute not in item.errors:
            item.errors[attribute] = reason
            config[attribute] = None
    alias_arns = tuple(a["AliasArn"] for a in aliases or [] if a.get("AliasArn"))
    function_arn = raw.get("FunctionArn")
    return Built(config=config, aliases=tuple(a for a in (function_arn, *alias_arns) if a))


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
