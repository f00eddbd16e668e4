"""IAM readiness rules."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from paymentaudit.iam_policy import RESOURCE_TYPES
from paymentaudit.model import Resource, Severity, canonical_json
from paymentaudit.rules.base import Outcome, Rule, RuleContext, register

# Actions that have no resource-level permissions and so may use Resource "*": the VPC
# network-interface, X-Ray and CloudWatch-metrics actions, and ssm:DescribeParameters
# (metadata only, never values), which the parameter migration needs; and the audit's own
# list and describe reads that support only "*".
RESOURCE_STAR_ALLOWED = frozenset(
    a.lower()
    for a in (
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeVpcs",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries",
        "cloudwatch:PutMetricData",
        "ssm:DescribeParameters",
        # The audit's own reads AWS cannot scope (its role, payment-audit-readonly-<suffix>,
        # carries them on "*" in a statement of their own).
        *(action for action, kind in RESOURCE_TYPES.items() if kind is None),
    )
)


def allow_statements(role: Resource) -> Iterator[tuple[str, dict[str, Any]]]:
    """(policy name, statement) for every Allow statement of the role's policies."""
    docs: dict[str, Any] = {}
    docs.update({f"inline:{k}": v for k, v in (role.config.get("inline_policies") or {}).items()})
    docs.update({f"managed:{k}": v for k, v in (role.config.get("managed_policies") or {}).items()})
    for name, doc in docs.items():
        if not isinstance(doc, Mapping):
            continue
        for stmt in doc.get("Statement", []):
            if stmt.get("Effect") == "Allow":
                yield name, stmt


def is_wildcard_action(action: str) -> bool:
    """``*`` or ``service:*``."""
    return action == "*" or action.endswith(":*")


def statement_severity(stmt: Mapping[str, Any]) -> Severity | None:
    """What an Allow statement breaks: HIGH for Action * / service:* / NotAction, MEDIUM for
    Resource "*" on actions that support named resources, None for neither."""
    if stmt.get("Effect") != "Allow":
        return None
    actions = stmt.get("Action", [])
    actions = [actions] if isinstance(actions, str) else actions
    if "NotAction" in stmt or any(is_wildcard_action(a) for a in actions):
        return Severity.HIGH
    resources = stmt.get("Resource", [])
    resources = [resources] if isinstance(resources, str) else resources
    if "*" in resources and any(a.lower() not in RESOURCE_STAR_ALLOWED for a in actions):
        return Severity.MEDIUM
    return None


def _statements(value: Any) -> Iterator[Mapping[str, Any]]:
    """Every policy statement inside a value (a role's policies, one document, a list)."""
    if isinstance(value, Mapping):
        if "Effect" in value:
            yield value
            return
        for child in value.values():
            yield from _statements(child)
    elif isinstance(value, list):
        for child in value:
            yield from _statements(child)


@register
class IamWildcard(Rule):
    id = "IAM-WILDCARD"
    severity = Severity.HIGH
    title = "No Allow with Action * or service:*; Resource * only for actions that need it"
    remediation = (
        "List the exact actions, and name the resources' ARNs; only EC2 network-interface, "
        'X-Ray and CloudWatch-metrics actions may use Resource "*".'
    )
    service = "iam"
    resource_types = ("iam.role",)
    governs = (("iam.role", "inline_policies*"), ("iam.role", "managed_policies*"))

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        ctx.attr(resource, "inline_policies")
        ctx.attr(resource, "managed_policies")
        wild_actions: list[str] = []
        wild_resources: list[str] = []
        for policy, stmt in allow_statements(resource):
            actions = stmt.get("Action", [])
            bad = [a for a in actions if is_wildcard_action(a)]
            if bad or "NotAction" in stmt:
                wild_actions.append(f"{policy}: {', '.join(bad) or 'NotAction'}")
            if "*" in stmt.get("Resource", []):
                extra = [a for a in actions if a.lower() not in RESOURCE_STAR_ALLOWED]
                if extra:
                    wild_resources.append(f"{policy}: {', '.join(sorted(extra))} on *")
        if wild_actions:
            yield self.failed(
                resource,
                "policies",
                "no Action * or service:*",
                wild_actions,
                "wildcard actions allowed: " + "; ".join(wild_actions),
            )
        elif wild_resources:
            yield self.failed(
                resource,
                "policies",
                'Resource "*" only for ENI, X-Ray and CloudWatch-metrics actions',
                wild_resources,
                'Resource "*" for actions that support named resources: '
                + "; ".join(wild_resources),
                severity=Severity.MEDIUM,
            )
        else:
            yield self.passed(resource, "policies")

    def change_severity(
        self,
        path: str,
        baseline: Any,
        target: Any,
        resource: Resource | None = None,
        ctx: RuleContext | None = None,
    ) -> Severity | None:
        """As severe as the wildcard statements the change adds (high for wildcard actions,
        medium for Resource "*"); a change that adds none is no violation of this rule."""
        before = {canonical_json(s) for s in _statements(baseline)}
        added = [s for s in _statements(target) if canonical_json(s) not in before]
        found = [sev for sev in map(statement_severity, added) if sev is not None]
        return min(found, key=lambda sev: sev.rank) if found else None  # the most severe
