"""Ingress: the internal ALB with blue/green Lambda target groups and a weighted listener."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cdk
from config import StackConfig

from components.compute import Compute
from components.network import Network, sg_rules
from paymentaudit import platform

# Target group name bases: their alias and listener weight are platform.target_group(<base>).
TARGET_GROUPS = (
    "payment-blue",
    "payment-green",
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
    spec = platform.ALB
    alb_sg = cdk.SecurityGroup(
        scope,
        "alb_sg",
        name=cfg.name("payment-alb-sg"),
        description=spec.security_group.description,
        vpc_id=network.vpc.id,
        ingress=sg_rules(spec.security_group.ingress),
        egress=sg_rules(spec.security_group.egress, egress=True),
        tags={"Name": cfg.name("payment-alb-sg")},
    )
    alb = cdk.Lb(
        scope,
        "alb",
        name=cfg.name("payment-alb"),
        internal=spec.internal,
        load_balancer_type=spec.type,
        security_groups=[alb_sg.id],
        subnets=network.subnet_ids,
        enable_deletion_protection=cfg.deletion_protection,
        drop_invalid_header_fields=spec.drop_invalid_header_fields,
    )

    check = spec.health_check
    target_groups: dict[str, cdk.LbTargetGroup] = {}
    forward_targets: list[Any] = []
    for tg_base in TARGET_GROUPS:
        group = platform.target_group(tg_base)
        slot = group.slot
        alias: cdk.LambdaAlias = getattr(compute, slot)
        target_group = cdk.LbTargetGroup(
            scope,
            f"{slot}_target_group",
            name=cfg.name(tg_base),
            target_type=spec.target_type,
            health_check={
                "enabled": check.enabled,
                "path": check.path,
                "matcher": check.matcher,
                "interval": check.interval,
                "timeout": check.timeout,
                "healthy_threshold": check.healthy_threshold,
                "unhealthy_threshold": check.unhealthy_threshold,
            },
        )
        permission = cdk.LambdaPermission(
            scope,
            f"{slot}_alb_invoke_permission",
            statement_id=spec.invoke_statement.format(slot=slot),
            action="lambda:InvokeFunction",
            function_name=compute.processor.function_name,
            principal=spec.invoke_principal,
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
            cdk.LbListenerDefaultActionForwardTargetGroup(arn=target_group.arn, weight=group.weight)
        )

    # Cut-over from blue to green is one change of the two weights (platform.ALB).
    listener = cdk.LbListener(
        scope,
        "http_listener",
        load_balancer_arn=alb.arn,
        port=spec.listener_port,
        protocol=spec.listener_protocol,
        default_action=[
            cdk.LbListenerDefaultAction(
                type="forward",
                forward={
                    "target_group": forward_targets,
                    "stickiness": {
                        "enabled": spec.stickiness,
                        "duration": spec.stickiness_duration,
                    },
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
