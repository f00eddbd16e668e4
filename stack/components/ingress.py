"""Ingress: the internal ALB with blue/green Lambda target groups and a weighted listener."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cdk
from config import VPC_CIDR, StackConfig

from components.compute import Compute
from components.network import Network, sg_rule

# (target group name base, alias attribute of Compute, listener weight)
TARGET_GROUPS = (
    ("payment-blue", "blue", 100),
    ("payment-green", "green", 0),
)


@dataclass
class Ingress:
    """The load balancer, both target groups and the listener."""

    alb: cdk.Lb
    blue_target_group: cdk.LbTargetGroup
    green_target_group: cdk.LbTargetGroup
    listener: cdk.LbListener


def build(
    scope: cdk.TerraformStack, cfg: StackConfig, network: Network, compute: Compute
) -> Ingress:
    """Create the ALB, its security group, target groups, attachments and listener."""
    alb_sg = cdk.SecurityGroup(
        scope,
        "alb_sg",
        name=cfg.name("payment-alb-sg"),
        description="Internal payment ALB: HTTP/HTTPS from the VPC only",
        vpc_id=network.vpc.id,
        ingress=[
            sg_rule("HTTP from the VPC", 80, cidr_blocks=[VPC_CIDR]),
            sg_rule("HTTPS from the VPC", 443, cidr_blocks=[VPC_CIDR]),
        ],
        egress=[sg_rule("HTTPS to the VPC", 443, cidr_blocks=[VPC_CIDR], egress=True)],
        tags={"Name": cfg.name("payment-alb-sg")},
    )
    alb = cdk.Lb(
        scope,
        "alb",
        name=cfg.name("payment-alb"),
        internal=True,
        load_balancer_type="application",
        security_groups=[alb_sg.id],
        subnets=network.subnet_ids,
        enable_deletion_protection=cfg.deletion_protection,
        drop_invalid_header_fields=True,
    )

    target_groups: dict[str, cdk.LbTargetGroup] = {}
    forward_targets: list[Any] = []
    for tg_base, slot, weight in TARGET_GROUPS:
        alias: cdk.LambdaAlias = getattr(compute, slot)
        target_group = cdk.LbTargetGroup(
            scope,
            f"{slot}_target_group",
            name=cfg.name(tg_base),
            target_type="lambda",
            health_check={
                "enabled": True,
                "path": "/health",
                "matcher": "200",
                "interval": 35,
                "timeout": 30,
                "healthy_threshold": 3,
                "unhealthy_threshold": 3,
            },
        )
        permission = cdk.LambdaPermission(
            scope,
            f"{slot}_alb_invoke_permission",
            statement_id=f"AllowAlbInvoke-{slot}",
            action="lambda:InvokeFunction",
            function_name=compute.processor.function_name,
            principal="elasticloadbalancing.amazonaws.com",
            qualifier=alias.name,
            source_arn=target_group.arn,
        )
        cdk.LbTargetGroupAttachment(
            scope,
            f"{slot}_target_group_attachment",
            target_group_arn=target_group.arn,
            target_id=alias.arn,
            depends_on=[permission],
        )
        target_groups[slot] = target_group
        forward_targets.append(
            cdk.LbListenerDefaultActionForwardTargetGroup(arn=target_group.arn, weight=weight)
        )

    # Cut-over from blue to green is one change of these two weights.
    listener = cdk.LbListener(
        scope,
        "http_listener",
        load_balancer_arn=alb.arn,
        port=80,
        protocol="HTTP",
        default_action=[
            cdk.LbListenerDefaultAction(
                type="forward",
                forward={
                    "target_group": forward_targets,
                    "stickiness": {"enabled": False, "duration": 1},
                },
            )
        ],
    )
    return Ingress(
        alb=alb,
        blue_target_group=target_groups["blue"],
        green_target_group=target_groups["green"],
        listener=listener,
    )
