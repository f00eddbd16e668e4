"""EC2 network: the environment's VPC and what lives in it."""

from __future__ import annotations

from collectkit import client, coverage, deny, resources, snap, snaps, statuses, without

from paymentaudit.model import Status
from paymentaudit.normalize import normalize_snapshot

ROLE = "arn:aws:iam::123456789012:role/payment-flow-logs-role-dev"


def _tags(name: str, kind: str, **extra: str) -> list:
    tags = [{"Key": "Name", "Value": name}, *({"Key": k, "Value": v} for k, v in extra.items())]
    return [{"ResourceType": kind, "Tags": tags}]


def _vpc(name: str, cidr: str = "10.0.0.0/16", **tags: str) -> str:
    return client("ec2").create_vpc(CidrBlock=cidr, TagSpecifications=_tags(name, "vpc", **tags))[
        "Vpc"
    ]["VpcId"]


def _environment() -> dict[str, str]:
    ec2 = client("ec2")
    vpc = _vpc("payment-dev-vpc-dev")
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(
        VpcId=vpc,
        CidrBlock="10.0.1.0/24",
        AvailabilityZone="us-east-1a",
        TagSpecifications=_tags("payment-private-a-dev", "subnet"),
    )["Subnet"]["SubnetId"]
    table = ec2.create_route_table(
        VpcId=vpc, TagSpecifications=_tags("payment-private-rt-a-dev", "route-table")
    )["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(SubnetId=subnet, RouteTableId=table)
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName="com.amazonaws.us-east-1.s3",
        VpcEndpointType="Gateway",
        RouteTableIds=[table],
        TagSpecifications=_tags("payment-s3-endpoint-dev", "vpc-endpoint"),
    )["VpcEndpoint"]["VpcEndpointId"]
    rds_sg = ec2.create_security_group(
        GroupName="payment-rds-sg-dev", Description="Aurora", VpcId=vpc
    )["GroupId"]
    lambda_sg = ec2.create_security_group(
        GroupName="payment-lambda-sg-dev", Description="Lambdas", VpcId=vpc
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=rds_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": lambda_sg}],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            },
        ],
    )
    client("logs").create_log_group(logGroupName="/aws/vpc/flow-logs/payment-dev")
    ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="cloud-watch-logs",
        LogGroupName="/aws/vpc/flow-logs/payment-dev",
        DeliverLogsPermissionArn=ROLE,
    )
    return {
        "vpc": vpc,
        "subnet": subnet,
        "table": table,
        "endpoint": endpoint,
        "rds": rds_sg,
        "lambda": lambda_sg,
    }


def test_vpc_and_its_contents_are_read() -> None:
    ids = _environment()
    snapshot = snap("dev", "ec2")
    vpc = resources(snapshot, "ec2.vpc")["payment-vpc"]  # env word and suffix dropped
    assert (vpc.type, vpc.physical_id, vpc.region) == ("ec2.vpc", ids["vpc"], "us-east-1")
    assert vpc.config["cidr_block"] == "10.0.0.0/16"
    assert vpc.config["enable_dns_support"] is True
    assert vpc.config["enable_dns_hostnames"] is True
    assert vpc.config["internet_gateway"] is False
    (flow_log,) = vpc.config["flow_logs"]
    assert flow_log["traffic_type"] == "ALL"
    assert flow_log["log_destination_type"] == "cloud-watch-logs"
    assert flow_log["log_destination"] == "/aws/vpc/flow-logs/payment-dev"
    assert flow_log["iam_role_arn"] == ROLE

    subnet = resources(snapshot, "ec2.subnet")["payment-private-a"]
    assert subnet.physical_id == ids["subnet"]
    assert subnet.config["cidr_block"] == "10.0.1.0/24"
    assert subnet.config["availability_zone"] == "us-east-1a"
    assert subnet.config["vpc_id"] == ids["vpc"]

    tables = resources(snapshot, "ec2.route_table")
    assert set(tables) == {"payment-private-rt-a", "main"}
    assert tables["payment-private-rt-a"].config["subnet_ids"] == [ids["subnet"]]
    assert tables["main"].config["main"] is True

    endpoint = resources(snapshot, "ec2.vpc_endpoint")["payment-s3-endpoint"]
    assert endpoint.physical_id == ids["endpoint"]
    assert endpoint.config["vpc_endpoint_type"] == "Gateway"
    assert endpoint.config["service_name"] == "com.amazonaws.us-east-1.s3"
    assert endpoint.config["route_table_ids"] == [ids["table"]]

    groups = resources(snapshot, "ec2.security_group")
    assert set(groups) == {"default", "payment-rds-sg", "payment-lambda-sg"}
    rds = groups["payment-rds-sg"]
    assert rds.physical_id == ids["rds"] and rds.config["description"] == "Aurora"
    assert rds.config["ingress"] == [
        {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "source": "0.0.0.0/0"},
        {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "source": ids["lambda"]},
    ]
    # References to other resources normalize to their logical names.
    norm = normalize_snapshot(snapshot)
    assert norm[rds.key]["ingress"][1]["source"] == "payment-lambda-sg"
    assert norm[rds.key]["vpc_id"] == "payment-vpc"
    assert norm[endpoint.key]["route_table_ids"] == ["payment-private-rt-a"]
    assert coverage(snapshot, "ec2").status == "ok"


def test_other_environments_vpcs_and_contents_are_excluded() -> None:
    ids = _environment()
    ec2 = client("ec2")
    prod = _vpc("payment-prod-vpc-prod-abc123", "10.1.0.0/16")
    ec2.create_subnet(VpcId=prod, CidrBlock="10.1.1.0/24")
    ec2.create_security_group(GroupName="payment-rds-sg-prod-abc123", Description="x", VpcId=prod)
    shared = _vpc("shared-services", "10.2.0.0/16", EnvironmentSuffix="dev")
    _vpc("payment-dev-vpc-abc-dev", "10.3.0.0/16", EnvironmentSuffix="abc-dev")

    result = snaps(["dev", "prod-abc123"], "ec2")
    dev = result["dev"]
    assert {r.physical_id for r in dev.of_type("ec2.vpc")} == {ids["vpc"], shared}
    assert all(r.config["vpc_id"] in (ids["vpc"], shared) for r in dev.of_type("ec2.subnet"))
    assert "payment-rds-sg" in resources(dev, "ec2.security_group")
    prod_snap = result["prod-abc123"]
    assert [r.physical_id for r in prod_snap.of_type("ec2.vpc")] == [prod]
    prod_groups = resources(prod_snap, "ec2.security_group")
    assert (
        prod_groups["payment-rds-sg"].physical_id
        != resources(dev, "ec2.security_group")["payment-rds-sg"].physical_id
    )
    assert {r.config["vpc_id"] for r in prod_snap.of_type("ec2.security_group")} == {prod}


def test_flow_log_failure_marks_the_attribute() -> None:
    _environment()
    hooks = {"before-call.ec2.DescribeFlowLogs": deny("DescribeFlowLogs")}
    snapshot = snap("dev", "ec2", "sns", hooks=hooks)
    vpc = resources(snapshot, "ec2.vpc")["payment-vpc"]
    assert vpc.errors == {"flow_logs": "DescribeFlowLogs: AccessDenied"}
    assert vpc.config["cidr_block"] == "10.0.0.0/16"
    assert len(snapshot.of_type("ec2.security_group")) == 3  # the rest is still read
    assert coverage(snapshot, "ec2").status == "error"
    assert coverage(snapshot, "sns").status == "ok"


def test_vpc_list_failure_fails_the_service() -> None:
    _environment()
    client("sns").create_topic(Name="payment-alarms-dev")
    snapshot = snap(
        "dev", "ec2", "sns", hooks={"before-call.ec2.DescribeVpcs": deny("DescribeVpcs")}
    )
    assert [r for r in snapshot.resources if r.service == "ec2"] == []
    cov = coverage(snapshot, "ec2")
    assert (cov.status, cov.resources, cov.error) == ("error", 0, "DescribeVpcs: AccessDenied")
    assert len(snapshot.of_type("sns.topic")) == 1


def test_missing_rule_lists_are_unknown_never_empty() -> None:
    """A security group's IpPermissions are returned for every group (empty when it has no
    rule): without them ingress is unknown, never "no rule"; SG-OPEN-INGRESS is not
    evaluated (the RDS group has ingress from 0.0.0.0/0: it would otherwise pass)."""
    _environment()
    drop = without("SecurityGroups[].IpPermissions")
    snapshot = snap("dev", "ec2", hooks={"after-call.ec2.DescribeSecurityGroups": drop})
    group = resources(snapshot, "ec2.security_group")["payment-rds-sg"]
    assert group.errors == {"ingress": "IpPermissions not in the response"}
    assert group.config["ingress"] is None and group.config["egress"] is not None
    assert statuses(snapshot, "SG-OPEN-INGRESS", coverage_ok=True) == {Status.NOT_EVALUATED}
