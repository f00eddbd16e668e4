"""The least-privilege IAM policy the audit needs, built from the declared operations.

Two policies:

- :func:`policy_document` without a scope: every read action on ``Resource "*"`` (the audit
  discovers the environments' resources, so it needs no names);
- ``policy_document(scope=[suffix, ...])``: the same actions, each on the resources of those
  environments only, wherever AWS lets a policy name a resource (:data:`RESOURCE_TYPES`). How a
  resource type is named is declared next to its service (``ServiceSpec.iam``,
  ``paymentaudit.services.spec.IamScope``); this module is the one place that turns those
  declarations into statements:

  * a call on one item (DescribeTable, GetBucketPolicy, GetRolePolicy...) gets the
    environments' ARN patterns (``*-<suffix>``, the SSM paths, an alias or tag condition);
  * a call that enumerates the account (DescribeDBClusters, DescribeAlarms without names) is
    authorized by AWS against the type's wildcard ARN (``arn:aws:rds:*:*:cluster:*``): that
    type, not ``*``;
  * an action that supports no resource (ListTables, DescribeVpcs, tag:GetResources...) stays
    on ``"*"``, in a statement of its own.

:func:`trust_policy` is the audit role's trust policy; :func:`policy_template` the scoped policy
of one environment for ``stack/`` (``python -m paymentaudit.iam_policy`` prints it).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from botocore import xform_name

from paymentaudit import services as collectors
from paymentaudit.aws import botocore_session
from paymentaudit.errors import InputError
from paymentaudit.naming import default_ssm_path, validate_ssm_path, validate_suffix
from paymentaudit.services.spec import IamScope, ServiceSpec

# boto3 client name -> IAM service prefix, where they differ.
IAM_PREFIX = {
    "elbv2": "elasticloadbalancing",
    "resourcegroupstaggingapi": "tag",
}

# API operations whose IAM action name differs from the operation name.
ACTION_OVERRIDES = {
    ("s3", "ListBuckets"): "ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "GetEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "GetBucketPublicAccessBlock",
    ("s3", "GetBucketReplication"): "GetReplicationConfiguration",
    ("s3", "GetBucketLifecycleConfiguration"): "GetLifecycleConfiguration",
}

READ_PREFIXES = ("Describe", "List", "Get")

# Every IAM action the audit declares -> the resource type AWS authorizes it against (the
# "Resource types" column of AWS's Service Authorization Reference, required type), or None:
# the action supports only "*". tests/test_iam_policy.py checks this table against
# parliament's copy of that reference (iam_definition.json) for every declared action, and
# that no declared action is missing. The types are named as the reference names them.
RESOURCE_TYPES: Mapping[str, str | None] = {
    "cloudwatch:DescribeAlarms": "alarm",
    "cloudwatch:GetDashboard": "dashboard",
    "cloudwatch:ListDashboards": None,
    "dynamodb:DescribeContinuousBackups": "table",
    "dynamodb:DescribeTable": "table",
    "dynamodb:DescribeTimeToLive": "table",
    "dynamodb:ListTables": None,
    "ec2:DescribeFlowLogs": None,
    "ec2:DescribeInternetGateways": None,
    "ec2:DescribeNatGateways": None,
    "ec2:DescribePrefixLists": None,
    "ec2:DescribeRouteTables": None,
    "ec2:DescribeSecurityGroups": None,
    "ec2:DescribeSubnets": None,
    "ec2:DescribeVpcAttribute": "vpc",
    "ec2:DescribeVpcEndpoints": None,
    "ec2:DescribeVpcs": None,
    "elasticloadbalancing:DescribeListeners": None,
    "elasticloadbalancing:DescribeLoadBalancerAttributes": None,
    "elasticloadbalancing:DescribeLoadBalancers": None,
    "elasticloadbalancing:DescribeTargetGroups": None,
    "elasticloadbalancing:DescribeTargetHealth": None,
    "iam:GetPolicy": "policy",
    "iam:GetPolicyVersion": "policy",
    "iam:GetRolePolicy": "role",
    "iam:ListAttachedRolePolicies": "role",
    "iam:ListRolePolicies": "role",
    "iam:ListRoles": None,
    "kms:DescribeKey": "key",
    "kms:GetKeyRotationStatus": "key",
    "kms:ListAliases": None,
    "lambda:GetFunctionConcurrency": "function",
    "lambda:ListAliases": "function",
    "lambda:ListFunctions": None,
    "logs:DescribeLogGroups": None,
    "rds:DescribeDBClusters": "cluster",
    "rds:DescribeDBInstances": "db",
    "rds:DescribeDBSubnetGroups": "subgrp",
    "s3:GetBucketLocation": "bucket",
    "s3:GetBucketLogging": "bucket",
    "s3:GetBucketPolicy": "bucket",
    "s3:GetBucketPublicAccessBlock": "bucket",
    "s3:GetBucketVersioning": "bucket",
    "s3:GetEncryptionConfiguration": "bucket",
    "s3:GetLifecycleConfiguration": "bucket",
    "s3:GetReplicationConfiguration": "bucket",
    "s3:ListAllMyBuckets": None,
    "secretsmanager:DescribeSecret": "Secret",
    "secretsmanager:ListSecrets": None,
    "sns:GetTopicAttributes": "topic",
    "sns:ListTopics": None,
    "ssm:DescribeParameters": None,
    "ssm:GetParameters": "parameter",
    "tag:GetResources": None,
}

VERSION = "2012-10-17"
SID = "PaymentAudit"
STAR_SID = f"{SID}NoResourceLevelPermissions"
# Who may assume the audit role: an account, a user or a role (not a session, not a service).
PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b")
PRINCIPAL_RE = re.compile(
    r"arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:(?:root|(?:user|role)/[\w+=,.@/-]{1,512})"
)
EXTERNAL_ID_RE = re.compile(r"[\w+=,.@:/-]{2,1224}")  # sts:AssumeRole's ExternalId


def iam_action(service: str, operation: str) -> str:
    """The IAM action of a boto3 client's API operation (``s3``, ``ListBuckets``)."""
    prefix = IAM_PREFIX.get(service, service)
    return f"{prefix}:{ACTION_OVERRIDES.get((service, operation), operation)}"


def actions() -> list[str]:
    """Every IAM action the audit may use, sorted (sts:GetCallerIdentity needs none)."""
    out = set()
    for service, ops in collectors.declared_operations().items():
        if service == "sts":
            continue  # GetCallerIdentity is allowed for every principal
        for op in ops:
            out.add(iam_action(service, op))
    return sorted(out)


def _check_reads(acts: Sequence[str]) -> None:
    not_read = [a for a in acts if not a.split(":", 1)[1].startswith(READ_PREFIXES)]
    if not_read:
        raise RuntimeError(f"non-read actions declared: {not_read}")


def policy_document(
    scope: Sequence[str] | None = None,
    ssm_paths: Mapping[str, str] | None = None,
    *,
    partition: str = "aws",
) -> dict[str, Any]:
    """The IAM policy JSON.

    Without ``scope``: read-only actions on all resources (the audit discovers names). With
    ``scope`` (environment suffixes), every action that supports resource-level permissions is
    limited to those environments' resources (see the module docstring); ``ssm_paths`` maps a
    suffix to its SSM path when it is not the default (``/<environment word>``).
    """
    acts = actions()
    _check_reads(acts)
    if scope is None:
        if ssm_paths:
            raise InputError("SSM paths apply to a scoped policy only: give the scope too")
        return {
            "Version": VERSION,
            "Statement": [
                {
                    "Sid": "PaymentAuditReadOnly",
                    "Effect": "Allow",
                    "Action": acts,
                    "Resource": "*",
                }
            ],
        }
    if partition not in PARTITIONS:
        raise InputError(
            f"invalid partition {partition!r}: expected one of {', '.join(PARTITIONS)}"
        )
    envs = environments(scope, ssm_paths)
    return {"Version": VERSION, "Statement": scoped_statements(envs, partition)}


def environments(
    scope: Sequence[str], ssm_paths: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """Validated (suffix, SSM path) pairs of a scope, in order, without repeats."""
    if isinstance(scope, str):
        raise InputError(f"invalid scope {scope!r}: expected a list of environment suffixes")
    suffixes = list(dict.fromkeys(validate_suffix(s, "scope suffix") for s in scope))
    if not suffixes:
        raise InputError("empty scope: give at least one environment suffix")
    paths = dict(ssm_paths or {})
    unknown = sorted(set(paths) - set(suffixes))
    if unknown:
        raise InputError(f"SSM path for {unknown[0]!r}, which is not in the scope")
    return [
        (s, validate_ssm_path(paths[s]) if s in paths else default_ssm_path(s)) for s in suffixes
    ]


def _uses() -> dict[str, list[tuple[ServiceSpec, bool]]]:
    """IAM action -> (service, enumerates) for each way a collector uses it: ``enumerates``
    for a collector's list call (no item named), else a call on one listed item."""
    out: dict[str, list[tuple[ServiceSpec, bool]]] = {}
    for spec in collectors.SERVICES:
        for collector in spec.collectors:
            for call in collector.calls():
                use = (spec, call is collector.list)
                action = method_action(collector.boto_service, call.op)
                if use not in out.setdefault(action, []):
                    out[action].append(use)
    return out


@cache
def _operation_names(service: str) -> dict[str, str]:
    model = botocore_session().get_service_model(service)
    return {xform_name(name): name for name in model.operation_names}


def method_action(service: str, method: str) -> str:
    """The IAM action of a boto3 client method (``dynamodb``, ``describe_table``)."""
    return iam_action(service, _operation_names(service)[method])


def _preflight_actions() -> list[str]:
    """The actions of the calls the engine makes outside any collector (sts:GetCallerIdentity
    needs no permission)."""
    return [
        method_action(service, method)
        for service, methods in collectors.PREFLIGHT.items()
        if service != "sts"
        for method in methods
    ]


def _scopes(spec: ServiceSpec, resource_type: str, action: str) -> tuple[IamScope, ...]:
    scopes = spec.iam.get(resource_type)
    if not scopes:
        raise RuntimeError(
            f"{action} is authorized against the {resource_type!r} resource type: declare its "
            f"IamScope in the {spec.name} ServiceSpec (iam={{{resource_type!r}: ...}})"
        )
    return scopes


def _sid(*parts: str) -> str:
    words = (w for part in parts for w in re.split(r"[^A-Za-z0-9]+", part) if w)
    return SID + "".join(w[:1].upper() + w[1:] for w in words)


def _condition(
    scope: IamScope, envs: Sequence[tuple[str, str]], partition: str
) -> dict[str, dict[str, list[str]]] | None:
    """The scope's condition over every environment: one operator, one key, values joined."""
    if scope.condition is None:
        return None
    out: dict[str, dict[str, list[str]]] = {}
    for suffix, path in envs:
        built = scope.condition(suffix, path, partition)
        keys = [(op, key) for op, by_key in built.items() for key in by_key]
        if len(keys) != 1:
            raise RuntimeError(f"an IamScope condition has one operator and one key: {built}")
        op, key = keys[0]
        values = out.setdefault(op, {}).setdefault(key, [])
        values.extend(v for v in built[op][key] if v not in values)
    return out


def scoped_statements(
    envs: Sequence[tuple[str, str]], partition: str = "aws"
) -> list[dict[str, Any]]:
    """The statements of the scoped policy for (suffix, SSM path) pairs."""
    star: list[str] = []
    # sid -> (resources, condition, actions)
    grants: dict[str, tuple[list[str], dict[str, Any] | None, list[str]]] = {}

    def grant(sid: str, action: str, resources: list[str], condition: Any) -> None:
        entry = grants.setdefault(sid, (resources, condition, []))
        if entry[:2] != (resources, condition):
            raise RuntimeError(f"statement {sid}: two declarations name different resources")
        entry[2].append(action)

    for action, uses in sorted(_uses().items()):
        if action not in RESOURCE_TYPES:
            raise RuntimeError(
                f"{action}: not in iam_policy.RESOURCE_TYPES (look it up in AWS's Service "
                "Authorization Reference)"
            )
        resource_type = RESOURCE_TYPES[action]
        if resource_type is None:
            star.append(action)
            continue
        prefix = action.split(":", 1)[0]
        for spec, enumerates in uses:
            scopes = _scopes(spec, resource_type, action)
            if enumerates:
                # No item named: AWS authorizes the call against the type's wildcard ARN.
                grant(
                    _sid(prefix, resource_type, "AllOfType"),
                    action,
                    [scopes[0].resource("*", partition)],
                    None,
                )
                continue
            for scope in scopes:
                resources = [
                    scope.resource(name, partition)
                    for suffix, path in envs
                    for name in scope.names(suffix, path)
                ]
                grant(
                    _sid(prefix, resource_type, scope.label),
                    action,
                    list(dict.fromkeys(resources)),
                    _condition(scope, envs, partition),
                )
    for action in _preflight_actions():
        if RESOURCE_TYPES.get(action, "") is not None:
            raise RuntimeError(f"{action}: a preflight call must support only '*'")
        star.append(action)
    statements: list[dict[str, Any]] = [
        {"Sid": STAR_SID, "Effect": "Allow", "Action": sorted(set(star)), "Resource": "*"}
    ]
    for sid in sorted(grants):
        resources, condition, acts = grants[sid]
        statement: dict[str, Any] = {
            "Sid": sid,
            "Effect": "Allow",
            "Action": sorted(set(acts)),
            "Resource": resources,
        }
        if condition:
            statement["Condition"] = condition
        statements.append(statement)
    covered = {a for s in statements for a in s["Action"]}
    if covered != set(actions()):
        raise RuntimeError(f"scoped policy lost actions: {sorted(set(actions()) - covered)}")
    return statements


def trust_policy(principal_arn: str, external_id: str | None = None) -> dict[str, Any]:
    """The trust policy of the audit role: ``principal_arn`` (an account root, user or role)
    may assume it, with ``external_id`` when given (``sts:ExternalId``)."""
    if not isinstance(principal_arn, str) or not PRINCIPAL_RE.fullmatch(principal_arn):
        raise InputError(
            f"invalid principal {principal_arn!r}: expected arn:aws:iam::<12-digit account>:"
            "root, :user/<name> or :role/<name>"
        )
    statement: dict[str, Any] = {
        "Sid": f"{SID}AssumeRole",
        "Effect": "Allow",
        "Principal": {"AWS": principal_arn},
        "Action": "sts:AssumeRole",
    }
    if external_id is not None:
        if not isinstance(external_id, str) or not EXTERNAL_ID_RE.fullmatch(external_id):
            raise InputError(
                f"invalid external id {external_id!r}: expected 2 to 1224 characters of "
                "letters, digits and +=,.@:/-_"
            )
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return {"Version": VERSION, "Statement": [statement]}


MARKERS = ("{suffix}", "{ssm_path}")  # policy_template's suffix and SSM path


def policy_template() -> dict[str, Any]:
    """The scoped policy of one environment with :data:`MARKERS` for its suffix and SSM path:
    ``policy_document([s], {s: p})`` is this document with the markers replaced."""
    return {"Version": VERSION, "Statement": scoped_statements([MARKERS])}


if __name__ == "__main__":  # python -m paymentaudit.iam_policy > stack/audit_policy.template.json
    if len(sys.argv) > 1:
        print("error: python -m paymentaudit.iam_policy takes no arguments", file=sys.stderr)
        sys.exit(2)
    print(json.dumps(policy_template(), indent=2))
