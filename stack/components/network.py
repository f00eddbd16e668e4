"""Network: private-only VPC, route tables, S3/DynamoDB/SSM endpoints, flow logs, shared SGs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cdk
from config import StackConfig
from policies import assume_role, render

from paymentaudit import platform

# (subnet Name base, route table Name base): the settings of each are platform.subnet(<base>).
PRIVATE_SUBNETS = (
    ("payment-private-a", "payment-private-rt-a"),
    ("payment-private-b", "payment-private-rt-b"),
    ("payment-private-c", "payment-private-rt-c"),
)


def sg_rule(
    description: str,
    port: int,
    *,
    protocol: str,
    cidr_blocks: list[str] | None = None,
    security_groups: list[str] | None = None,
    prefix_list_ids: list[str] | None = None,
    egress: bool = False,
) -> Any:
    """One inline single-port security-group rule with every attribute explicit (no nulls in
    the JSON)."""
    rule = cdk.SecurityGroupEgress if egress else cdk.SecurityGroupIngress
    return rule(
        description=description,
        protocol=protocol,
        from_port=port,
        to_port=port,
        cidr_blocks=cidr_blocks or [],
        ipv6_cidr_blocks=[],
        prefix_list_ids=prefix_list_ids or [],
        security_groups=security_groups or [],
        self_attribute=False,
    )


def sg_rules(
    rules: tuple[platform.SgRule, ...],
    *,
    groups: Mapping[str, str] | None = None,
    prefix_lists: list[str] | None = None,
    egress: bool = False,
) -> list[Any]:
    """The inline rules of platform rule intents: a source is the VPC CIDR, the gateway
    endpoints' prefix lists, or a security group (its id in ``groups``, by name base)."""
    out = []
    for r in rules:
        if r.source == platform.FROM_VPC:
            source: dict[str, list[str]] = {"cidr_blocks": [platform.VPC.cidr]}
        elif r.source == platform.VIA_GATEWAY_ENDPOINTS:
            source = {"prefix_list_ids": list(prefix_lists or [])}
        else:
            source = {"security_groups": [(groups or {})[r.source]]}
        out.append(sg_rule(r.description, r.port, protocol=r.protocol, egress=egress, **source))
    return out


@dataclass
class Network:
    """What other components attach to."""

    vpc: cdk.Vpc
    subnet_ids: list[str]
    subnet_ids_by_az: dict[str, str]
    lambda_sg: cdk.SecurityGroup


def build(scope: cdk.TerraformStack, cfg: StackConfig, key: cdk.KmsKey, account_id: str) -> Network:
    """Create the VPC and everything in it that is not owned by a workload component."""
    spec = platform.VPC
    vpc = cdk.Vpc(
        scope,
        "vpc",
        cidr_block=spec.cidr,
        enable_dns_support=spec.dns_support,
        enable_dns_hostnames=spec.dns_hostnames,
        tags={"Name": cfg.name("payment-vpc", with_env=True)},
    )
    # The default security group denies everything: managed with no ingress and no egress rule.
    cdk.DefaultSecurityGroup(
        scope,
        "default_sg",
        vpc_id=vpc.id,
        tags={"Name": cfg.name("payment-default-sg")},
    )

    subnet_ids: list[str] = []
    subnet_ids_by_az: dict[str, str] = {}
    route_table_ids: list[str] = []
    for subnet_base, rt_base in PRIVATE_SUBNETS:
        private = platform.subnet(subnet_base)
        az = private.availability_zone
        letter = az[-1]
        subnet = cdk.Subnet(
            scope,
            f"private_subnet_{letter}",
            vpc_id=vpc.id,
            availability_zone=az,
            cidr_block=private.cidr,
            map_public_ip_on_launch=private.map_public_ip_on_launch,
            tags={"Name": cfg.name(subnet_base)},
        )
        route_table = cdk.RouteTable(
            scope,
            f"private_rt_{letter}",
            vpc_id=vpc.id,
            tags={"Name": cfg.name(rt_base)},
        )
        cdk.RouteTableAssociation(
            scope,
            f"private_rt_assoc_{letter}",
            subnet_id=subnet.id,
            route_table_id=route_table.id,
        )
        subnet_ids.append(subnet.id)
        subnet_ids_by_az[az] = subnet.id
        route_table_ids.append(route_table.id)

    s3_endpoint = cdk.VpcEndpoint(
        scope,
        "s3_endpoint",
        vpc_id=vpc.id,
        service_name=platform.S3_ENDPOINT.service_name,
        vpc_endpoint_type=platform.S3_ENDPOINT.type,
        route_table_ids=route_table_ids,
        tags={"Name": cfg.name("payment-s3-endpoint")},
    )
    dynamodb_endpoint = cdk.VpcEndpoint(
        scope,
        "dynamodb_endpoint",
        vpc_id=vpc.id,
        service_name=platform.DYNAMODB_ENDPOINT.service_name,
        vpc_endpoint_type=platform.DYNAMODB_ENDPOINT.type,
        route_table_ids=route_table_ids,
        tags={"Name": cfg.name("payment-dynamodb-endpoint")},
    )

    endpoint_sg = cdk.SecurityGroup(
        scope,
        "endpoint_sg",
        name=cfg.name("payment-endpoint-sg"),
        description=platform.ENDPOINT_SG.description,
        vpc_id=vpc.id,
        ingress=sg_rules(platform.ENDPOINT_SG.ingress),
        egress=sg_rules(platform.ENDPOINT_SG.egress, egress=True),
        tags={"Name": cfg.name("payment-endpoint-sg")},
    )
    # The migration Lambda reaches SSM through this endpoint: there is no NAT or internet gateway.
    ssm = platform.SSM_ENDPOINT
    cdk.VpcEndpoint(
        scope,
        "ssm_endpoint",
        vpc_id=vpc.id,
        service_name=ssm.service_name,
        vpc_endpoint_type=ssm.type,
        private_dns_enabled=ssm.private_dns,
        subnet_ids=subnet_ids,
        security_group_ids=[endpoint_sg.id],
        tags={"Name": cfg.name("payment-ssm-endpoint")},
    )

    prefix_lists = [s3_endpoint.prefix_list_id, dynamodb_endpoint.prefix_list_id]
    lambda_sg = cdk.SecurityGroup(
        scope,
        "lambda_sg",
        name=cfg.name("payment-lambda-sg"),
        description=platform.LAMBDA_SG.description,
        vpc_id=vpc.id,
        ingress=sg_rules(platform.LAMBDA_SG.ingress),
        egress=sg_rules(platform.LAMBDA_SG.egress, prefix_lists=prefix_lists, egress=True),
        tags={"Name": cfg.name("payment-lambda-sg")},
    )

    _flow_logs(scope, cfg, vpc, key, account_id)
    return Network(
        vpc=vpc,
        subnet_ids=subnet_ids,
        subnet_ids_by_az=subnet_ids_by_az,
        lambda_sg=lambda_sg,
    )


def _flow_logs(
    scope: cdk.TerraformStack, cfg: StackConfig, vpc: cdk.Vpc, key: cdk.KmsKey, account_id: str
) -> None:
    spec = platform.FLOW_LOGS
    log_group = cdk.CloudwatchLogGroup(
        scope,
        "flow_log_group",
        name=cfg.name("/aws/vpc/flow-logs/payment"),
        retention_in_days=cfg.log_retention_days,
        kms_key_id=key.arn,
    )
    role = cdk.IamRole(
        scope,
        "flow_log_role",
        name=cfg.name("payment-flow-logs-role"),
        assume_role_policy=assume_role(spec.role.service, account_id if spec.role.scoped else None),
    )
    cdk.IamRolePolicy(
        scope,
        "flow_log_role_policy",
        name=cfg.name("payment-flow-logs-policy"),
        role=role.id,
        policy=render(spec.statements, log_group_arn=log_group.arn),
    )
    cdk.FlowLog(
        scope,
        "flow_log",
        vpc_id=vpc.id,
        traffic_type=spec.traffic_type,
        log_destination_type=spec.destination_type,
        log_destination=log_group.arn,
        iam_role_arn=role.arn,
        max_aggregation_interval=spec.max_aggregation_interval,
        tags={"Name": cfg.name("payment-vpc-flow-log")},
    )
