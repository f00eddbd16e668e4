"""CloudWatch Logs log groups: retention and KMS key."""

from __future__ import annotations

from typing import Any

from paymentaudit.collectors.base import Built, Call, Collector, Item, Scope


def _arn(raw: dict[str, Any], scope: Scope) -> str:
    arn = raw.get("logGroupArn") or raw.get("arn") or ""
    return arn[:-2] if arn.endswith(":*") else arn


def build_log_group(item: Item, scope: Scope) -> Built:
    """Log group retention (None: never expire), KMS key and class."""
    raw = item.raw
    config = {
        "retention_in_days": raw.get("retentionInDays"),
        "kms_key_id": raw.get("kmsKeyId"),
        "log_group_class": raw.get("logGroupClass", "STANDARD"),
    }
    return Built(config=config, aliases=tuple(a for a in (raw.get("arn"),) if a))


LOG_GROUP = Collector(
    service="logs",
    type="logs.log_group",
    list=Call("describe_log_groups", result="logGroups", paginate=True),
    id="logGroupName",
    arn=_arn,
    build=build_log_group,
)

COLLECTORS = (LOG_GROUP,)
