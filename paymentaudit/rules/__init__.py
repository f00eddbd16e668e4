"""The readiness rules. Rule ids are stable: SARIF, JUnit and policy files name them.

Each module registers its rules with ``base.register``; importing this package imports every
rule module, so the registry is complete once ``paymentaudit.rules`` is imported.
"""

from __future__ import annotations

from paymentaudit.rules import (
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
    secretsmanager,
    sns,
    ssm,
)
from paymentaudit.rules.base import (
    RULE_ID_RE,
    DuplicateRuleError,
    Rule,
    register,
    registered,
)

MODULES = (
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
    secretsmanager,
    sns,
    ssm,
)


def get(rule_id: str) -> Rule:
    """The rule with this id; KeyError names the known ids."""
    rules = registered()
    try:
        return rules[rule_id]
    except KeyError:
        raise KeyError(f"unknown rule {rule_id!r} (known: {', '.join(sorted(rules))})") from None


def all_rules() -> list[Rule]:
    """Every registered rule, by id."""
    rules = registered()
    return [rules[k] for k in sorted(rules)]


def ids() -> list[str]:
    """Every registered rule id, sorted."""
    return sorted(registered())


__all__ = [
    "MODULES",
    "RULE_ID_RE",
    "DuplicateRuleError",
    "Rule",
    "all_rules",
    "get",
    "ids",
    "register",
]
