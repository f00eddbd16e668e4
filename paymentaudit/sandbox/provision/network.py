"""Encryption and network: the KMS keys, the VPC and what lives in it."""

from __future__ import annotations

from paymentaudit.sandbox.provision.base import (
    PRIMARY,
    REPLICA,
    SUBNETS,
    VPC_CIDR,
    Env,
    allow,
    document,
    make_role,
    make_sg,
    tcp,
)

# -- encryption ---------------------------------------------------------------------------------


def encryption(env: Env) -> None:
    """The CMK (us-east-1) and the replica CMK (us-west-2), rotation on, with aliases."""
    for region, base, alias, label in (
        (PRIMARY, "payment-cmk", "alias/payment", "CMK"),
        (REPLICA, "payment-replica-cmk", "alias/payment-replica", f"replica CMK ({REPLICA})"),
    ):
        kms = env.c("kms", region)
        desc = (
            f"payment {env.environment} CMK ({env.suffix})"
            if label == "CMK"
            else f"payment {env.environment} replica CMK ({env.suffix}, {REPLICA})"
        )
        key = kms.create_key(
            Description=desc, Tags=env.tag_list(env.name(base), "TagKey", "TagValue")
        )["KeyMetadata"]
        kms.enable_key_rotation(KeyId=key["KeyId"])
        kms.create_alias(AliasName=env.name(alias), TargetKeyId=key["KeyId"])
        env.ids[base] = key["Arn"]


# -- network ------------------------------------------------------------------------------------


def network(env: Env) -> None:
    """VPC, default SG with no rules, subnets, route tables, endpoints, SGs, flow logs."""
    ec2 = env.c("ec2")
    vpc = ec2.create_vpc(
        CidrBlock=VPC_CIDR,
        TagSpecifications=[
            {"ResourceType": "vpc", "Tags": env.tag_list(env.name("payment-vpc", True))}
        ],
    )["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    env.ids["vpc"] = vpc
    default_sg = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]["GroupId"]
    ec2.revoke_security_group_egress(
        GroupId=default_sg,
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    ec2.create_tags(Resources=[default_sg], Tags=env.tag_list(env.name("payment-default-sg")))

    subnets, route_tables = [], []
    for subnet_base, rt_base, az, cidr in SUBNETS:
        subnet = ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=cidr,
            AvailabilityZone=az,
            TagSpecifications=[
                {"ResourceType": "subnet", "Tags": env.tag_list(env.name(subnet_base))}
            ],
        )["Subnet"]["SubnetId"]
        table = ec2.create_route_table(
            VpcId=vpc,
            TagSpecifications=[
                {"ResourceType": "route-table", "Tags": env.tag_list(env.name(rt_base))}
            ],
        )["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(SubnetId=subnet, RouteTableId=table)
        subnets.append(subnet)
        route_tables.append(table)
    env.ids["subnets"], env.ids["route_tables"] = subnets, route_tables

    prefix_lists = []
    for service in ("s3", "dynamodb"):
        ec2.create_vpc_endpoint(
            VpcId=vpc,
            ServiceName=f"com.amazonaws.{PRIMARY}.{service}",
            VpcEndpointType="Gateway",
            RouteTableIds=route_tables,
            TagSpecifications=[
                {
                    "ResourceType": "vpc-endpoint",
                    "Tags": env.tag_list(env.name(f"payment-{service}-endpoint")),
                }
            ],
        )
    for pl in ec2.describe_prefix_lists()["PrefixLists"]:
        if pl["PrefixListName"] in (
            f"com.amazonaws.{PRIMARY}.s3",
            f"com.amazonaws.{PRIMARY}.dynamodb",
        ):
            prefix_lists.append(pl["PrefixListId"])

    endpoint_sg = make_sg(
        env, "payment-endpoint-sg", "Interface VPC endpoints: HTTPS from inside the VPC only", vpc
    )
    ec2.authorize_security_group_ingress(
        GroupId=endpoint_sg, IpPermissions=[tcp(443, cidr=VPC_CIDR, desc="HTTPS from the VPC")]
    )
    ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{PRIMARY}.ssm",
        VpcEndpointType="Interface",
        SubnetIds=subnets,
        SecurityGroupIds=[endpoint_sg],
        PrivateDnsEnabled=True,
        TagSpecifications=[
            {"ResourceType": "vpc-endpoint", "Tags": env.tag_list(env.name("payment-ssm-endpoint"))}
        ],
    )

    lambda_sg = make_sg(
        env,
        "payment-lambda-sg",
        "Payment Lambdas: no ingress; egress to Aurora, endpoints and S3/DynamoDB",
        vpc,
    )
    egress = [tcp(5432, cidr=VPC_CIDR), tcp(443, cidr=VPC_CIDR)]
    if prefix_lists:
        egress.append(tcp(443, prefix_lists=sorted(prefix_lists)))
    ec2.authorize_security_group_egress(GroupId=lambda_sg, IpPermissions=egress)
    env.ids["lambda_sg"] = lambda_sg

    logs = env.c("logs")
    group = env.name("/aws/vpc/flow-logs/payment")
    logs.create_log_group(logGroupName=group, kmsKeyId=env.ids["payment-cmk"], tags=env.tags)
    logs.put_retention_policy(logGroupName=group, retentionInDays=30 if env.is_prod else 7)
    group_arn = env.arn("logs", f"log-group:{group}")
    role = make_role(
        env,
        "payment-flow-logs-role",
        "vpc-flow-logs.amazonaws.com",
        "payment-flow-logs-policy",
        document(
            allow(
                "DeliverFlowLogsToTheFlowLogGroup",
                ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                [group_arn, f"{group_arn}:*"],
            )
        ),
        scoped=True,
    )
    ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="cloud-watch-logs",
        LogDestination=group_arn,
        DeliverLogsPermissionArn=role,
        MaxAggregationInterval=60,
        TagSpecifications=[
            {"ResourceType": "vpc-flow-log", "Tags": env.tag_list(env.name("payment-vpc-flow-log"))}
        ],
    )
