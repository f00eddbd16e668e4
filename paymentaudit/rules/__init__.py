"""The rule registry. Rule ids are stable: SARIF, JUnit and policy files name them."""

from __future__ import annotations

import re
from typing import TypeVar

from paymentaudit.model import Severity
from paymentaudit.rules.base import Rule

RULE_ID_RE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)+$")
_REGISTRY: dict[str, Rule] = {}

R = TypeVar("R", bound=type[Rule])


class DuplicateRuleError(ValueError):
    """Two rules declare the same id."""


def register(cls: R) -> R:
    """Class decorator: add a rule to the registry; a duplicate or incomplete rule raises."""
    rule_id = getattr(cls, "id", None)
    if not isinstance(rule_id, str) or not RULE_ID_RE.match(rule_id):
        raise ValueError(f"{cls.__name__}: rule id {rule_id!r} must look like ABC-DEF")
    if rule_id in _REGISTRY:
        raise DuplicateRuleError(f"duplicate rule id {rule_id} ({cls.__name__})")
    for attr in ("title", "remediation", "service"):
        if not getattr(cls, attr, ""):
            raise ValueError(f"{rule_id}: missing {attr}")
    if not isinstance(getattr(cls, "severity", None), Severity):
        raise ValueError(f"{rule_id}: severity must be a Severity")
    _REGISTRY[rule_id] = cls()
    return cls


def get(rule_id: str) -> Rule:
    """The rule with this id; KeyError names the known ids."""
    try:
        return _REGISTRY[rule_id]
    except KeyError:
        raise KeyError(
            f"unknown rule {rule_id!r} (known: {', '.join(sorted(_REGISTRY))})"
        ) from None


def all_rules() -> list[Rule]:
    """Every registered rule, by id."""
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def ids() -> list[str]:
    """Every registered rule id, sorted."""
    return sorted(_REGISTRY)


# Importing the modules registers their rules.
from paymentaudit.rules import (  # noqa: E402
    cloudwatch,
    dynamodb,
    ec2,
    elbv2,
    iam,
    kms,
    lambda_,
    logs,
    rds,
    s3,
    sns,
    ssm,
)

__all__ = [
    "DuplicateRuleError",
    "Rule",
    "all_rules",
    "cloudwatch",
    "dynamodb",
    "ec2",
    "elbv2",
    "get",
    "iam",
    "ids",
    "kms",
    "lambda_",
    "logs",
    "rds",
    "register",
    "s3",
    "sns",
    "ssm",
]
