"""Network: private-only VPC, route tables, S3/DynamoDB/SSM endpoints, flow logs, shared SGs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cdk
from config import PRIMARY_REGION, VPC_CIDR, StackConfig
from policies import allow, assume_role, document

# (subnet Name base, route table Name base, availability zone, CIDR)
PRIVATE_SUBNETS = (
    ("payment-private-a", "payment-private-rt-a", "us-east-1a", "10.0.1.0/24"),
    ("payment-private-b", "payment-private-rt-b", "us-east-1b", "10.0.2.0/24"),
    ("payment-private-c", "payment-private-rt-c", "us-east-1c", "10.0.3.0/24"),
)


def sg_rule(
    description: str,
    port: int,
    *,
    cidr_blocks: list[str] | None = None,
    security_groups: list[str] | None = None,
    prefix_list_ids: list[str] | None = None,
    egress: bool = False,
) -> Any:
    """One inline TCP security-group rule with every attribute explicit (no nulls in the JSON)."""
    rule = cdk.SecurityGroupEgress if egress else cdk.SecurityGroupIngress
    return rule(
        description=description,
        protocol="tcp",
        from_port=port,
        to_port=port,
        cidr_blocks=cidr_blocks or [],
        ipv6_cidr_blocks=[],
        prefix_list_ids=prefix_list_ids or [],
        security_groups=security_groups or [],
        self_attribute=False,
    )


@dataclass
class Network:
    """What other components attach to."""

    vpc: cdk.Vpc
    subnet_ids: list[str]
    subnet_ids_by_az: dict[str, str]
    lambda_sg: cdk.SecurityGroup


def build(scope: cdk.TerraformStack, cfg: StackConfig, key: cdk.KmsKey, account_id: str) -> Network:
    """Create the VPC and everything in it that is not owned by a workload component."""
    vpc = cdk.Vpc(
        scope,
        "vpc",
        cidr_block=VPC_CIDR,
        enable_dns_support=True,
        enable_dns_hostnames=True,
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
    for subnet_base, rt_base, az, cidr in PRIVATE_SUBNETS:
        letter = az[-1]
        subnet = cdk.Subnet(
            scope,
            f"private_subnet_{letter}",
            vpc_id=vpc.id,
            availability_zone=az,
            cidr_block=cidr,
            map_public_ip_on_launch=False,
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
        service_name=f"com.amazonaws.{PRIMARY_REGION}.s3",
        vpc_endpoint_type="Gateway",
        route_table_ids=route_table_ids,
        tags={"Name": cfg.name("payment-s3-endpoint")},
    )
    dynamodb_endpoint = cdk.VpcEndpoint(
        scope,
        "dynamodb_endpoint",
        vpc_id=vpc.id,
        service_name=f"com.amazonaws.{PRIMARY_REGION}.dynamodb",
        vpc_endpoint_type="Gateway",
        route_table_ids=route_table_ids,
        tags={"Name": cfg.name("payment-dynamodb-endpoint")},
    )

    endpoint_sg = cdk.SecurityGroup(
        scope,
        "endpoint_sg",
        name=cfg.name("payment-endpoint-sg"),
        description="Interface VPC endpoints: HTTPS from inside the VPC only",
        vpc_id=vpc.id,
        ingress=[sg_rule("HTTPS from the VPC", 443, cidr_blocks=[VPC_CIDR])],
        egress=[],
        tags={"Name": cfg.name("payment-endpoint-sg")},
    )
    # The migration Lambda reaches SSM through this endpoint: there is no NAT or internet gateway.
    cdk.VpcEndpoint(
        scope,
        "ssm_endpoint",
        vpc_id=vpc.id,
        service_name=f"com.amazonaws.{PRIMARY_REGION}.ssm",
        vpc_endpoint_type="Interface",
        private_dns_enabled=True,
        subnet_ids=subnet_ids,
        security_group_ids=[endpoint_sg.id],
        tags={"Name": cfg.name("payment-ssm-endpoint")},
    )

    lambda_sg = cdk.SecurityGroup(
        scope,
        "lambda_sg",
        name=cfg.name("payment-lambda-sg"),
        description="Payment Lambdas: no ingress; egress to Aurora, endpoints and S3/DynamoDB",
        vpc_id=vpc.id,
        ingress=[],
        egress=[
            sg_rule("PostgreSQL to Aurora in the VPC", 5432, cidr_blocks=[VPC_CIDR], egress=True),
            sg_rule(
                "HTTPS to interface endpoints in the VPC",
                443,
                cidr_blocks=[VPC_CIDR],
                egress=True,
            ),
            sg_rule(
                "HTTPS to S3 and DynamoDB via gateway endpoints",
                443,
                prefix_list_ids=[s3_endpoint.prefix_list_id, dynamodb_endpoint.prefix_list_id],
                egress=True,
            ),
        ],
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
        assume_role_policy=assume_role("vpc-flow-logs.amazonaws.com", account_id),
    )
    cdk.IamRolePolicy(
        scope,
        "flow_log_role_policy",
        name=cfg.name("payment-flow-logs-policy"),
        role=role.id,
        policy=document(
            allow(
                "DeliverFlowLogsToTheFlowLogGroup",
                ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                [log_group.arn, f"{log_group.arn}:*"],
            )
        ),
    )
    cdk.FlowLog(
        scope,
        "flow_log",
        vpc_id=vpc.id,
        traffic_type="ALL",
        log_destination_type="cloud-watch-logs",
        log_destination=log_group.arn,
        iam_role_arn=role.arn,
        max_aggregation_interval=60,
        tags={"Name": cfg.name("payment-vpc-flow-log")},
    )
