"""Operations and security -> cloudwatch.alarm, cloudwatch.dashboard, sns.topic,
ssm.parameter, iam.role, kms.key (the shapes of the matching collectors)."""

from __future__ import annotations

import json
from typing import Any

from paymentaudit.collectors.cloudwatch import widget_metrics
from paymentaudit.desired.base import Built, Context, Relation, Spec, attr_keys
from paymentaudit.desired.map_storage import named
from paymentaudit.desired.refs import later, unknown
from paymentaudit.desired.tf import TfResource, blocks, flag, number, strings, text
from paymentaudit.naming import logical_name, ssm_logical_name
from paymentaudit.redact import REDACTED, is_sensitive_name

AWS_MANAGED_POLICY = ":iam::aws:policy/"
DEFAULT_SSM_KEY = "alias/aws/ssm"


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


# -- SNS -----------------------------------------------------------------------------------------


def topic_logical(name: str, ctx: Context) -> str:
    """Like the SNS collector: the suffix is dropped before a ``.fifo`` ending, which stays."""
    base, fifo = (name[:-5], ".fifo") if name.endswith(".fifo") else (name, "")
    return logical_name(base, ctx.suffix) + fifo


def build_topic(res: TfResource, ctx: Context) -> Built:
    """Topic: KMS key, subscription count (declared subscriptions), FIFO flag."""
    a = res.attrs
    config = {
        "kms_master_key_id": ctx.resolve(text(a.get("kms_master_key_id"))),
        "subscriptions": len(ctx.children(res, "aws_sns_topic_subscription")),
        "fifo_topic": flag(a.get("fifo_topic"), False),
    }
    return Built(config)


# -- SSM -----------------------------------------------------------------------------------------


def parameter_logical(name: str, ctx: Context) -> str:
    """The path below the environment's SSM prefix (``app/currency``)."""
    return ssm_logical_name(name, ctx.ssm_prefix)


def build_parameter(res: TfResource, ctx: Context) -> Built:
    """Parameter: type, data type, tier, key, and the value only when the live side reads it."""
    a = res.attrs
    kind = text(a.get("type"), "String")
    name = str(ctx.resolve(a.get("name")))
    readable = kind in ("String", "StringList") and not is_sensitive_name(name)
    value: Any = REDACTED
    if readable:
        raw = a.get("value") if text(a.get("value")) is not None else a.get("insecure_value")
        value = ctx.resolve(raw)
        if value is None or unknown(value):
            value = later(res, "value")
    config = {
        "type": kind,
        "data_type": text(a.get("data_type"), "text"),
        "tier": text(a.get("tier"), "Standard"),
        "key_id": (ctx.resolve(text(a.get("key_id"))) or DEFAULT_SSM_KEY)
        if kind == "SecureString"
        else None,
        "description": ctx.resolve(text(a.get("description"))),
        "allowed_pattern": text(a.get("allowed_pattern")),
        "value": value,
    }
    return Built(config)


# -- IAM -----------------------------------------------------------------------------------------


def _managed(arn: Any, ctx: Context) -> Any:
    if AWS_MANAGED_POLICY in str(arn):
        return None  # AWS-managed: the ARN says it all (as the collector keeps it)
    policy = ctx.referenced(arn, "aws_iam_policy")
    return ctx.policy(policy.attrs.get("policy")) if policy else later_policy(arn)


def later_policy(arn: Any) -> str:
    """A customer-managed policy declared elsewhere: its document is not known here."""
    return f"(known after apply: the document of {arn})"


def build_role(res: TfResource, ctx: Context) -> Built:
    """Role: trust policy, inline policies (by name), attached policies (by ARN)."""
    a = res.attrs
    inline = {}
    for block_ in blocks(a.get("inline_policy")):
        if text(block_.get("name")):
            inline[str(ctx.resolve(block_["name"]))] = ctx.policy(block_.get("policy"))
    for part in ctx.children(res, "aws_iam_role_policy"):
        inline[str(ctx.resolve(part.attrs.get("name")))] = ctx.policy(part.attrs.get("policy"))
    arns = [*strings(a.get("managed_policy_arns"))]
    arns += [x.attrs.get("policy_arn") for x in ctx.children(res, "aws_iam_role_policy_attachment")]
    managed = {str(ctx.resolve(arn)): _managed(arn, ctx) for arn in arns if arn}
    config = {
        "path": text(a.get("path"), "/"),
        "assume_role_policy": ctx.policy(a.get("assume_role_policy")),
        "max_session_duration": number(a.get("max_session_duration"), 3600),
        "permissions_boundary": ctx.resolve(text(a.get("permissions_boundary"))),
        "inline_policies": inline,
        "managed_policies": managed,
    }
    aliases = (str(a["unique_id"]),) if text(a.get("unique_id")) else ()
    return Built(config, aliases=aliases)


# -- KMS -----------------------------------------------------------------------------------------


def key_aliases(res: TfResource, ctx: Context) -> list[str]:
    """The names of the aliases that target the key, sorted (as the collector lists them)."""
    return sorted(str(ctx.resolve(x.attrs.get("name"))) for x in ctx.children(res, "aws_kms_alias"))


def key_name(res: TfResource, ctx: Context) -> str | None:
    """The collector's name of a key: its first alias ending with the suffix, else its first."""
    aliases = key_aliases(res, ctx)
    suffixed = [x for x in aliases if x.endswith("-" + ctx.suffix)]
    return (suffixed or aliases or [None])[0]


def build_key(res: TfResource, ctx: Context) -> Built:
    """Key: state, rotation, spec, usage, manager, origin, aliases."""
    a = res.attrs
    enabled = flag(a.get("is_enabled"), True)
    aliases = key_aliases(res, ctx)
    config = {
        "key_state": "Enabled" if enabled else "Disabled",
        "enabled": enabled,
        "key_spec": text(a.get("customer_master_key_spec"), "SYMMETRIC_DEFAULT"),
        "key_usage": text(a.get("key_usage")) or later(res, "key_usage"),
        "key_manager": "CUSTOMER",
        "origin": "AWS_KMS",
        "multi_region": flag(a.get("multi_region"), False),
        "enable_key_rotation": flag(a.get("enable_key_rotation"), False),
        "description": ctx.resolve(text(a.get("description"), "")),
        "aliases": aliases,
    }
    alias_arns = [ctx.attribute(x, "arn") for x in ctx.children(res, "aws_kms_alias")]
    ident = (str(a["key_id"]),) if text(a.get("key_id")) else ()
    return Built(
        config,
        physical_id=text(a.get("key_id"), "") or (aliases[0] if aliases else ""),
        aliases=(*ident, *aliases, *(str(x) for x in alias_arns if str(x).startswith("arn:"))),
    )


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
    "aws_sns_topic": Spec("sns", "sns.topic", named("name"), build_topic, logical=topic_logical),
    "aws_ssm_parameter": Spec(
        "ssm", "ssm.parameter", named("name"), build_parameter, logical=parameter_logical
    ),
    "aws_iam_role": Spec("iam", "iam.role", named("name"), build_role),
    "aws_kms_key": Spec("kms", "kms.key", key_name, build_key),
}

RELATIONS: tuple[Relation, ...] = (
    Relation("aws_sns_topic_subscription", ("aws_sns_topic",), attr_keys("topic_arn")),
    Relation("aws_iam_role_policy", ("aws_iam_role",), attr_keys("role")),
    Relation("aws_iam_role_policy_attachment", ("aws_iam_role",), attr_keys("role")),
    Relation("aws_kms_alias", ("aws_kms_key",), attr_keys("target_key_id")),
)
