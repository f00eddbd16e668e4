"""Network readiness rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from paymentaudit.model import UNREADABLE, Resource, Severity
from paymentaudit.rules.base import NotEvaluated, Outcome, Rule, RuleContext, register

OPEN_SOURCES = ("0.0.0.0/0", "::/0")
ALB_PUBLIC_PORTS = (80, 443)


@register
class SgOpenIngress(Rule):
    id = "SG-OPEN-INGRESS"
    severity = Severity.CRITICAL
    title = "No ingress from 0.0.0.0/0 or ::/0 (except 80 and 443 on the ALB security group)"
    remediation = (
        "Restrict the rule's source to the VPC CIDR or to a security group; only the ALB "
        "security group may accept 80/443 from anywhere."
    )
    service = "ec2"
    resource_types = ("ec2.security_group",)
    governs = (("ec2.security_group", "ingress"),)

    @staticmethod
    def alb_groups(ctx: RuleContext) -> set[str]:
        """The security groups a load balancer of the environment uses (by relationship)."""

        def compute() -> set[str]:
            found: set[str] = set()
            for lb in ctx.of_type("elbv2.load_balancer"):
                found.update(str(g) for g in lb.config.get("security_groups") or [])
            return found

        groups: set[str] = ctx.memo("alb-security-groups", compute)
        return groups

    @staticmethod
    def open_rules(is_alb: bool, ingress: Any) -> list[dict[str, Any]]:
        """The ingress rules open to the internet that the group may not have (a load
        balancer's group may take 80 and 443 from anywhere)."""
        found = []
        for rule in ingress if isinstance(ingress, list) else []:
            if not isinstance(rule, dict) or rule.get("source") not in OPEN_SOURCES:
                continue
            port = rule.get("from_port")
            if is_alb and port == rule.get("to_port") and port in ALB_PUBLIC_PORTS:
                continue
            found.append(rule)
        return found

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        is_alb = resource.physical_id in self.alb_groups(ctx)
        open_rules = self.open_rules(is_alb, ctx.attr(resource, "ingress") or [])
        yield self.expect(
            resource,
            "ingress",
            not open_rules,
            "no ingress from anywhere",
            open_rules,
            "ingress open to the internet: "
            + ", ".join(
                f"{r['protocol']} {r['from_port']}-{r['to_port']} from {r['source']}"
                for r in open_rules
            ),
        )

    def change_severity(
        self,
        path: str,
        baseline: Any,
        target: Any,
        resource: Resource | None = None,
        ctx: RuleContext | None = None,
    ) -> Severity | None:
        """Critical when the target's ingress is open to the internet; any other ingress
        change (a security group replaced by a CIDR, a port) is a plain difference."""
        is_alb = (
            resource is not None
            and ctx is not None
            and resource.physical_id in self.alb_groups(ctx)
        )
        return self.severity if self.open_rules(is_alb, target) else None


@register
class SgDefaultDeny(Rule):
    id = "SG-DEFAULT-DENY"
    severity = Severity.LOW
    title = "The VPC's default security group has no rules"
    remediation = "Manage the default security group (aws_default_security_group) with no rules."
    service = "ec2"
    resource_types = ("ec2.security_group",)
    # The default group's egress (its ingress stays with SG-OPEN-INGRESS, registered first).
    governs = (("ec2.security_group", "egress"),)

    def targets(self, ctx: RuleContext) -> Iterable[Resource]:
        return [g for g in ctx.of_type("ec2.security_group") if g.logical_name == "default"]

    def governs_path(self, resource_type: str, path: str, resource: Resource | None = None) -> bool:
        """Only the VPC's default security group."""
        return (
            super().governs_path(resource_type, path, resource)
            and resource is not None
            and resource.logical_name == "default"
        )

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        rules = (ctx.attr(resource, "ingress") or []) + (ctx.attr(resource, "egress") or [])
        yield self.expect(
            resource,
            "egress",
            not rules,
            [],
            rules,
            "the default security group allows traffic: anything launched without a group gets it",
        )


@register
class VpcEndpoints(Rule):
    id = "VPC-ENDPOINTS"
    severity = Severity.MEDIUM
    title = "Gateway endpoints for S3 and DynamoDB exist"
    remediation = (
        "Add aws_vpc_endpoint resources of type Gateway for com.amazonaws.<region>.s3 and "
        ".dynamodb, attached to the private route tables."
    )
    service = "ec2"
    resource_types = ("ec2.vpc",)
    governs = (
        ("ec2.vpc_endpoint", "vpc_endpoint_type"),
        ("ec2.vpc_endpoint", "service_name"),
        ("ec2.vpc_endpoint", "route_table_ids"),
    )

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        found = set()
        # Endpoints that may be a missing one: their VPC, type or service unread. Those whose
        # VPC could not be read may belong to any VPC (listed once per audit).
        unknown = list(ctx.memo("ec2.vpc_endpoint:vpc unread", lambda: _vpc_unread(ctx)))
        for endpoint in ctx.grouped("ec2.vpc_endpoint", "vpc_id").get(resource.physical_id, []):
            if {"vpc_endpoint_type", "service_name"} & set(endpoint.errors):
                unknown.append(endpoint)
                continue
            if endpoint.config.get("vpc_endpoint_type") != "Gateway":
                continue
            service = str(endpoint.config.get("service_name", "")).rsplit(".", 1)[-1]
            found.add(service)
        missing = sorted({"s3", "dynamodb"} - found)
        if missing and unknown:
            names = ", ".join(sorted(e.logical_name for e in unknown))
            raise NotEvaluated(f"endpoint(s) {names} not readable")
        yield self.expect(
            resource,
            "vpc_endpoints",
            not missing,
            ["dynamodb", "s3"],
            sorted(found & {"s3", "dynamodb"}),
            f"no gateway endpoint for {', '.join(missing)}: traffic leaves the VPC or fails",
        )


def _vpc_unread(ctx: RuleContext) -> tuple[Resource, ...]:
    """The VPC endpoints whose VPC (or everything) could not be read."""
    return tuple(
        e for e in ctx.of_type("ec2.vpc_endpoint") if {"vpc_id", *UNREADABLE} & set(e.errors)
    )


@register
class VpcFlowLogs(Rule):
    id = "VPC-FLOW-LOGS"
    severity = Severity.LOW
    title = "VPC flow logs are enabled"
    remediation = "Add an aws_flow_log for the VPC (traffic type ALL) to CloudWatch Logs."
    service = "ec2"
    resource_types = ("ec2.vpc",)
    governs = (("ec2.vpc", "flow_logs"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        logs = ctx.attr(resource, "flow_logs") or []
        yield self.expect(
            resource, "flow_logs", bool(logs), "a flow log", len(logs), "no flow logs on the VPC"
        )
