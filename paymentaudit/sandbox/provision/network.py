"""Encryption and network: the KMS keys, the VPC and what lives in it."""

from __future__ import annotations

from paymentaudit import platform
from paymentaudit.sandbox.provision.base import Env, make_role, make_sg

# -- encryption ---------------------------------------------------------------------------------


def encryption(env: Env) -> None:
    """The CMK (us-east-1) and the replica CMK (us-west-2), rotation on, with aliases."""
    for spec in platform.KEYS:
        kms = env.c("kms", spec.region)
        key = kms.create_key(
            Description=spec.description.format(environment=env.environment, suffix=env.suffix),
            Tags=env.tag_list(env.name(spec.name), "TagKey", "TagValue"),
        )["KeyMetadata"]
        if spec.rotation:
            kms.enable_key_rotation(KeyId=key["KeyId"])
        kms.create_alias(AliasName=env.name(spec.alias), TargetKeyId=key["KeyId"])
        env.ids[spec.name] = key["Arn"]


# -- network ------------------------------------------------------------------------------------


def network(env: Env) -> None:
    """VPC, default SG with no rules, subnets, route tables, endpoints, SGs, flow logs."""
    ec2 = env.c("ec2")
    spec = platform.VPC
    vpc = ec2.create_vpc(
        CidrBlock=spec.cidr,
        TagSpecifications=[
            {"ResourceType": "vpc", "Tags": env.tag_list(env.name(spec.name, True))}
        ],
    )["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": spec.dns_support})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": spec.dns_hostnames})
    env.ids["vpc"] = vpc
    default_sg = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}]
    )["SecurityGroups"][0]["GroupId"]
    ec2.revoke_security_group_egress(
        GroupId=default_sg,
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    ec2.create_tags(
        Resources=[default_sg], Tags=env.tag_list(env.name(spec.default_security_group))
    )

    subnets: dict[str, str] = {}
    for subnet in platform.SUBNETS:
        subnets[subnet.name] = ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=subnet.cidr,
            AvailabilityZone=subnet.availability_zone,
            TagSpecifications=[
                {"ResourceType": "subnet", "Tags": env.tag_list(env.name(subnet.name))}
            ],
        )["Subnet"]["SubnetId"]
        if subnet.map_public_ip_on_launch:
            ec2.modify_subnet_attribute(
                SubnetId=subnets[subnet.name], MapPublicIpOnLaunch={"Value": True}
            )
    # The layout's route tables: one named table per subnet (the stack), or one unnamed table
    # for all three (the original design's script).
    route_tables = []
    for table in env.layout.route_tables:
        name = env.name(table.name) if table.name else None
        table_id = ec2.create_route_table(
            VpcId=vpc,
            TagSpecifications=[{"ResourceType": "route-table", "Tags": env.tag_list(name)}],
        )["RouteTable"]["RouteTableId"]
        for subnet_name in table.subnets:
            ec2.associate_route_table(SubnetId=subnets[subnet_name], RouteTableId=table_id)
        route_tables.append(table_id)
    env.ids["subnets"], env.ids["route_tables"] = list(subnets.values()), route_tables

    for endpoint in platform.GATEWAY_ENDPOINTS:
        ec2.create_vpc_endpoint(
            VpcId=vpc,
            ServiceName=endpoint.service_name,
            VpcEndpointType=endpoint.type,
            RouteTableIds=route_tables,
            TagSpecifications=[
                {"ResourceType": "vpc-endpoint", "Tags": env.tag_list(env.name(endpoint.name))}
            ],
        )
    services = {e.service_name for e in platform.GATEWAY_ENDPOINTS}
    prefix_lists = [
        pl["PrefixListId"]
        for pl in ec2.describe_prefix_lists()["PrefixLists"]
        if pl["PrefixListName"] in services
    ]

    endpoint_sg = make_sg(env, platform.ENDPOINT_SG, vpc)
    ssm = platform.SSM_ENDPOINT
    ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=ssm.service_name,
        VpcEndpointType=ssm.type,
        SubnetIds=env.ids["subnets"],
        SecurityGroupIds=[endpoint_sg],
        PrivateDnsEnabled=ssm.private_dns,
        TagSpecifications=[
            {"ResourceType": "vpc-endpoint", "Tags": env.tag_list(env.name(ssm.name))}
        ],
    )
    env.ids["lambda_sg"] = make_sg(env, platform.LAMBDA_SG, vpc, prefix_lists=prefix_lists)
    _flow_logs(env, vpc)


def _flow_logs(env: Env, vpc: str) -> None:
    spec = platform.FLOW_LOGS
    logs = env.c("logs")
    group = env.name(spec.log_group)
    logs.create_log_group(
        logGroupName=group, kmsKeyId=env.ids[platform.PRIMARY_KEY.name], tags=env.tags
    )
    logs.put_retention_policy(logGroupName=group, retentionInDays=env.settings.log_retention_days)
    group_arn = env.arn("logs", f"log-group:{group}")
    policy = platform.document(*(s.render(log_group_arn=group_arn) for s in spec.statements))
    role = make_role(env, spec.role, policy)
    env.c("ec2").create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType=spec.traffic_type,
        LogDestinationType=spec.destination_type,
        LogDestination=group_arn,
        DeliverLogsPermissionArn=role,
        MaxAggregationInterval=spec.max_aggregation_interval,
        TagSpecifications=[
            {"ResourceType": "vpc-flow-log", "Tags": env.tag_list(env.name(spec.name))}
        ],
    )
