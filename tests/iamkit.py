"""Helpers of the IAM tests (test_iam_policy*.py, test_least_privilege.py): IAM's own evaluation
(its wildcards, the condition operators the audit's policies use, an Allow-only identity
policy), the resources AWS authorizes an audited request against (to align moto's enforcement
with it), and the scope the policy tests use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from paymentaudit.iam_policy import RESOURCE_TYPES

# The environments the policy tests scope to, and the actions with and without resources.
SCOPE = ["prod-abc123", "dev"]
SCOPED_ACTIONS = {a for a, t in RESOURCE_TYPES.items() if t is not None}
STAR_ACTIONS = {a for a, t in RESOURCE_TYPES.items() if t is None}


# The audited actions AWS authorizes against "*" only (moto passes "*" for them too).
STAR_ONLY = frozenset(
    {
        "cloudwatch:ListDashboards", "dynamodb:ListTables", "ec2:DescribeFlowLogs",
        "ec2:DescribeInternetGateways", "ec2:DescribeNatGateways", "ec2:DescribePrefixLists",
        "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
        "ec2:DescribeVpcEndpoints", "ec2:DescribeVpcs", "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth", "iam:ListRoles", "kms:ListAliases",
        "lambda:ListFunctions", "logs:DescribeLogGroups", "secretsmanager:ListSecrets",
        "sns:ListTopics", "ssm:DescribeParameters", "tag:GetResources", "sts:GetCallerIdentity",
    }
)  # fmt: skip
# moto's service names -> IAM's prefixes, where they differ.
MOTO_PREFIX = {
    "awslambda": "lambda",
    "elbv2": "elasticloadbalancing",
    "resourcegroupstaggingapi": "tag",
}
Target = tuple[str, dict[str, list[str]]]  # a resource ARN and its condition keys' values


def iam_match(pattern: str, value: str) -> bool:
    """IAM's wildcards: ``*`` any run of characters (``/`` and ``:`` included), ``?`` one."""
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.fullmatch(regex, value) is not None


def conditions_hold(condition: dict[str, Any], context: dict[str, Any] | None) -> bool:
    """IAM's evaluation of the condition operators the audit's policies use; any other
    operator fails the test instead of being ignored the way moto ignores it."""
    for operator, by_key in condition.items():
        for key, expected in by_key.items():
            patterns = [expected] if isinstance(expected, str) else list(expected)
            actual = (context or {}).get(key)
            values = [actual] if isinstance(actual, str) else list(actual or [])
            if operator == "StringEquals":
                holds = any(v in patterns for v in values)
            elif operator in ("StringLike", "ForAnyValue:StringLike"):
                holds = any(iam_match(p, v) for p in patterns for v in values)
            else:
                raise AssertionError(f"condition operator {operator} is not aligned with IAM")
            if not holds:  # a key missing from the request fails its condition, as in IAM
                return False
    return True


def allowed(
    policy: dict[str, Any], action: str, arn: str, context: dict[str, list[str]] | None = None
) -> bool:
    """IAM's answer for an identity policy of Allow statements: some statement names the
    action, a Resource pattern matches the ARN, and its condition holds."""
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        resources = statement["Resource"]
        resources = [resources] if isinstance(resources, str) else resources
        if (
            action in statement["Action"]
            and any(iam_match(pattern, arn) for pattern in resources)
            and conditions_hold(statement.get("Condition") or {}, context)
        ):
            return True
    return False


@dataclass
class Alignment:
    """What the alignment saw: errors (an audited action it does not know), and the resources
    each action was authorized against ("*" for the actions that support only "*")."""

    errors: list[str] = field(default_factory=list)
    resources: dict[str, set[str]] = field(default_factory=dict)


class Targets(str):
    """The resource moto passes to its IAM check, carrying what AWS would authorize: every
    resource the request names, each with its condition keys."""

    targets: list[Target]


def aws_targets(resp: Any) -> list[Target] | None:
    """The resources AWS authorizes an audited request against (None: only "*"), read from
    the request and moto's backends; raises for an audited action it does not know."""
    from moto.iam.models import iam_backends
    from moto.kms.models import kms_backends
    from moto.secretsmanager.models import secretsmanager_backends
    from moto.utilities.utils import get_partition

    service = MOTO_PREFIX.get(resp.service_name, resp.service_name)
    action = f"{service}:{resp._get_action()}"
    region, account = resp.region, resp.current_account
    partition = get_partition(region)
    param = resp._get_param
    arn = f"arn:{partition}:{service}:{region}:{account}"
    if action in STAR_ONLY:
        return None
    if action in ("dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups",
                  "dynamodb:DescribeTimeToLive"):  # fmt: skip
        table = param("TableName")
        return [(table if table.startswith("arn:") else f"{arn}:table/{table}", {})]
    if action == "cloudwatch:DescribeAlarms":
        # Without names it enumerates the account: AWS authorizes the type's wildcard ARN.
        return [(f"{arn}:alarm:{n}", {}) for n in param("AlarmNames") or ["*"]]
    if action == "cloudwatch:GetDashboard":
        return [(f"arn:{partition}:cloudwatch::{account}:dashboard/{param('DashboardName')}", {})]
    if action == "ec2:DescribeVpcAttribute":
        return [(f"{arn}:vpc/{param('VpcId')}", {})]
    if action in ("iam:GetPolicy", "iam:GetPolicyVersion"):
        return [(param("PolicyArn"), {})]
    if action in ("iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"):
        return [(iam_backends[account][partition].get_role(param("RoleName")).arn, {})]
    if action in ("kms:DescribeKey", "kms:GetKeyRotationStatus"):
        backend = kms_backends[account][region]
        key = backend.keys[backend.any_id_to_key_id(param("KeyId"))]
        return [(key.arn, {"kms:ResourceAliases": sorted(key.aliases)})]
    if action in ("lambda:GetFunctionConcurrency", "lambda:ListAliases"):
        name = param("FunctionName") or unquote(re.findall(r"/functions/([^/]+)", resp.path)[0])
        return [(name if name.startswith("arn:") else f"{arn}:function:{name}", {})]
    if action.startswith("rds:Describe"):
        kind, field = {
            "rds:DescribeDBClusters": ("cluster", "DBClusterIdentifier"),
            "rds:DescribeDBInstances": ("db", "DBInstanceIdentifier"),
            "rds:DescribeDBSubnetGroups": ("subgrp", "DBSubnetGroupName"),
        }[action]
        return [(f"{arn}:{kind}:{param(field) or '*'}", {})]
    if action == "secretsmanager:DescribeSecret":
        secret = secretsmanager_backends[account][region].secrets[param("SecretId")]
        tags = {f"aws:ResourceTag/{t['Key']}": [t["Value"]] for t in secret.tags or []}
        return [(secret.arn, tags)]
    if action == "sns:GetTopicAttributes":
        return [(param("TopicArn"), {})]
    if action == "ssm:GetParameters":
        return [(f"{arn}:parameter" + ("" if n.startswith("/") else "/") + n, {})
                for n in param("Names")]  # fmt: skip
    raise AssertionError(f"{action}: not aligned (add how AWS authorizes it to aws_targets)")
