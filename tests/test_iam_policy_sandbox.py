"""The scoped policy of `iam-policy` against what the session sandbox's snapshots read: every
resource, every action its collector used on it, allowed by some statement (IAM's wildcard
and condition semantics); and nothing of another environment's."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Any

from iamkit import SCOPE, SCOPED_ACTIONS, allowed

from paymentaudit import services
from paymentaudit.iam_policy import RESOURCE_TYPES, method_action, policy_document
from paymentaudit.model import Resource
from paymentaudit.services.spec import IamScope


def _arn_regex(scope: IamScope) -> re.Pattern[str]:
    """A declared ARN template as a regex that parses real ARNs (region, account, name)."""
    groups = {"partition": "[a-z-]+", "region": "[a-z0-9-]*", "account": "[0-9]*", "name": ".+"}
    out = ""
    for literal, field, _, _ in string.Formatter().parse(scope.arn):
        out += re.escape(literal)
        if field is not None:
            out += f"(?P<{field}>{groups[field]})"
    return re.compile(out)


def _context(resource: Resource) -> dict[str, list[str]]:
    """The condition keys AWS evaluates for a resource, from its snapshot."""
    context = {f"aws:ResourceTag/{k}": [v] for k, v in (resource.tags or {}).items()}
    if resource.type == "kms.key":
        context["kms:ResourceAliases"] = list(resource.config.get("aliases") or [])
    return context


def _attached_policies(role: Resource) -> list[str]:
    """The customer-managed policies attached to a role (GetPolicy and GetPolicyVersion)."""
    docs = role.config.get("managed_policies") or {}
    return [arn for arn, doc in docs.items() if doc is not None]


def _checks(snapshot: Any) -> Iterator[tuple[Resource, str, str, dict[str, list[str]]]]:
    """(resource, action, ARN AWS authorizes, condition keys) for every action each resource's
    collector used on it: its list call (the type's wildcard ARN when the action supports
    resources) and its calls on the item."""
    for resource in snapshot.resources:
        collector = services.get(resource.type)
        spec = services.spec_of_type(resource.type)
        assert spec is not None
        for call in collector.calls():
            action = method_action(collector.boto_service, call.op)
            resource_type = RESOURCE_TYPES[action]
            if resource_type is None:
                yield resource, action, "*", {}
                continue
            (scope, *_) = spec.iam[resource_type]
            parsed = _arn_regex(scope).fullmatch(resource.arn)
            if call is collector.list:
                assert parsed, (resource.arn, scope.arn)  # the template describes real ARNs
                fields = {"region": "", "account": "", **parsed.groupdict()}
                whole = scope.resource(
                    "*", fields["partition"], fields["region"], fields["account"]
                )
                yield resource, action, whole, {}
            elif parsed:
                yield resource, action, resource.arn, _context(resource)
            elif (resource.type, resource_type) == ("iam.role", "policy"):
                for policy in _attached_policies(resource):
                    yield resource, action, policy, {}
            else:
                raise AssertionError(f"{action} on {resource.arn}: which resource does it name?")


def test_the_scoped_policy_allows_every_read_of_the_sandbox(sandbox_snapshots: Any) -> None:
    """The issue's second test: every resource the snapshots read, every action its collector
    used on it, is allowed by some statement's Resource pattern and condition."""
    policy = policy_document(scope=SCOPE)
    seen = set()
    for suffix in SCOPE:
        snapshot = sandbox_snapshots[suffix]
        assert [c for c in snapshot.coverage if c.status != "ok"] == []
        for resource, action, arn, context in _checks(snapshot):
            seen.add(action)
            assert allowed(policy, action, arn, context), (suffix, resource.logical_name, action)
    # The session sandbox attaches no customer-managed policy to a role (GetPolicy and
    # GetPolicyVersion are exercised by tests/test_least_privilege.py, which attaches one).
    assert seen >= SCOPED_ACTIONS - {"iam:GetPolicy", "iam:GetPolicyVersion"}
    for method in services.PREFLIGHT["resourcegroupstaggingapi"]:
        assert allowed(policy, method_action("resourcegroupstaggingapi", method), "*")


def test_the_master_user_secret_is_tagged_with_its_environments_cluster(
    sandbox_snapshots: Any,
) -> None:
    """The RDS-managed secret's condition rests on the tag RDS puts on it: the ARN of the
    cluster that points at the secret, one of the environment's."""
    for suffix in SCOPE:
        resources = sandbox_snapshots[suffix].resources
        clusters = {r.arn: r for r in resources if r.type == "rds.cluster"}
        secrets = [r for r in resources if r.type == "secretsmanager.secret"]
        assert secrets
        for secret in secrets:
            cluster = clusters[(secret.tags or {})["aws:rds:primaryDBClusterArn"]]
            assert cluster.config["master_user_secret"] == secret.arn
            assert cluster.physical_id.endswith(f"-{suffix}")


def test_a_scope_reads_no_other_environments_resources(sandbox_snapshots: Any) -> None:
    """Scoped to dev, no call on one of prod-abc123's named resources is allowed; only the
    type-wide grants (enumerating calls, VPC attributes, attached policies) and "*" remain."""
    policy = policy_document(scope=["dev"])
    type_wide = {"ec2:DescribeVpcAttribute", "iam:GetPolicy", "iam:GetPolicyVersion"}
    denied = set()
    for resource, action, arn, context in _checks(sandbox_snapshots["prod-abc123"]):
        if arn.endswith(("*", ":*")) or action in type_wide:
            assert allowed(policy, action, arn, context), (resource.logical_name, action)
        else:
            assert not allowed(policy, action, arn, context), (resource.logical_name, action)
            denied.add(resource.type)
    assert denied == {
        "cloudwatch.dashboard", "dynamodb.table", "iam.role", "kms.key", "lambda.function",
        "s3.bucket", "secretsmanager.secret", "sns.topic", "ssm.parameter",
    }  # fmt: skip
