"""CloudWatch Logs log groups: retention and KMS key.

Members missing from a DescribeLogGroups ``LogGroup``, decided from the CloudWatch Logs API
reference: none is made unknown; each absence has a documented meaning, kept:

* ``retentionInDays``: the log events never expire (DeleteRetentionPolicy removes it);
* ``kmsKeyId``: the group is not encrypted with a KMS key of the account;
* ``logGroupClass``: ``STANDARD``, the class of every group made before log classes existed
  (and of moto's): "If you omit this parameter, the default of STANDARD is used", and the
  class cannot change after a group is created.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from paymentaudit.model import Resource, ResourceKey
from paymentaudit.services.declare import Built, Call, Collector, Item, Ref, Scope


def _arn(raw: dict[str, Any], scope: Scope) -> str:
    arn = raw.get("logGroupArn") or raw.get("arn") or ""
    return arn[:-2] if arn.endswith(":*") else arn


def build_log_group(item: Item, scope: Scope) -> Built:
    """Log group retention (None: never expire), KMS key and class."""
    raw = item.raw
    config = {
        "retention_in_days": raw.get("retentionInDays"),
        "kms_key_id": raw.get("kmsKeyId"),
        "log_group_class": raw.get("logGroupClass") or "STANDARD",
    }
    return Built(config=config, aliases=tuple(a for a in (raw.get("arn"),) if a))


LOG_GROUP = Collector(
    service="logs",
    type="logs.log_group",
    list=Call("describe_log_groups", result="logGroups", paginate=True),
    id="logGroupName",
    arn=_arn,
    refs=(Ref("kms.key", "kms_key_id", label="log-key"),),
    build=build_log_group,
)

COLLECTORS = (LOG_GROUP,)


FUNCTION_LOG_PREFIX = "/aws/lambda/"


def placement(logical_name: str) -> str:
    """A function's log group is shown with Lambda, any other (VPC flow logs) with CloudWatch."""
    return "lambda" if logical_name.startswith(FUNCTION_LOG_PREFIX) else "cloudwatch"


def aws_created(res: Resource, declared: Container[ResourceKey]) -> bool:
    """Lambda creates a function's log group on first use: not unmanaged when the function
    is declared."""
    if not res.logical_name.startswith(FUNCTION_LOG_PREFIX):
        return False
    function = res.logical_name.removeprefix(FUNCTION_LOG_PREFIX)
    return ResourceKey("lambda.function", function) in declared
