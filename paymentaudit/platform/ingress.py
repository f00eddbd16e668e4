"""Ingress: the internal ALB, its security group, blue/green target groups and listener."""

from __future__ import annotations

from dataclasses import dataclass

from paymentaudit.platform.network import FROM_VPC, SecurityGroup, SgRule


@dataclass(frozen=True)
class HealthCheck:
    """A Lambda target group's health check."""

    path: str
    matcher: str
    interval: int
    timeout: int
    healthy_threshold: int
    unhealthy_threshold: int
    enabled: bool = True


@dataclass(frozen=True)
class TargetGroup:
    """A blue/green Lambda target group: its alias and its listener weight."""

    name: str
    slot: str  # the processor alias it serves
    weight: int


@dataclass(frozen=True)
class LoadBalancer:
    """The internal ALB, its security group, target groups and listener."""

    name: str
    type: str
    internal: bool
    drop_invalid_header_fields: bool
    security_group: SecurityGroup
    target_type: str
    health_check: HealthCheck
    target_groups: tuple[TargetGroup, ...]
    listener_port: int
    listener_protocol: str
    stickiness: bool
    stickiness_duration: int
    invoke_principal: str
    invoke_statement: str  # the Lambda permission's statement id, formatted with the slot


ALB = LoadBalancer(
    name="payment-alb",
    type="application",
    internal=True,
    drop_invalid_header_fields=True,
    security_group=SecurityGroup(
        "payment-alb-sg",
        "Internal payment ALB: HTTP/HTTPS from the VPC only",
        ingress=(
            SgRule("HTTP from the VPC", 80, FROM_VPC),
            SgRule("HTTPS from the VPC", 443, FROM_VPC),
        ),
        egress=(SgRule("HTTPS to the VPC", 443, FROM_VPC),),
    ),
    target_type="lambda",
    health_check=HealthCheck(
        path="/health",
        matcher="200",
        interval=35,
        timeout=30,
        healthy_threshold=3,
        unhealthy_threshold=3,
    ),
    # Cut-over from blue to green is one change of these two weights.
    target_groups=(
        TargetGroup("payment-blue", "blue", 100),
        TargetGroup("payment-green", "green", 0),
    ),
    listener_port=80,
    listener_protocol="HTTP",
    stickiness=False,
    stickiness_duration=1,
    invoke_principal="elasticloadbalancing.amazonaws.com",
    invoke_statement="AllowAlbInvoke-{slot}",
)


def target_group(name_base: str) -> TargetGroup:
    """The target group named ``name_base`` (KeyError when none is declared)."""
    return {t.name: t for t in ALB.target_groups}[name_base]
