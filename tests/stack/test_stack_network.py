"""The network's settings, asserted on the synthesized Terraform JSON (prod and dev): the VPC,
subnets and route tables, no NAT or internet gateway, the endpoints, the flow logs and the
default security group."""

from __future__ import annotations

import json

import pytest
from stacktest import Synth

pytestmark = pytest.mark.synth


def test_vpc(stack: Synth) -> None:
    vpc = stack.resource("aws_vpc", "vpc")
    assert vpc["cidr_block"] == "10.0.0.0/16"
    assert vpc["enable_dns_support"] is True and vpc["enable_dns_hostnames"] is True


def test_private_subnets_and_route_tables(stack: Synth) -> None:
    s = stack.suffix
    vpc_id = stack.ref("aws_vpc", "vpc", "id")
    layout = {"a": ("us-east-1a", "10.0.1.0/24"), "b": ("us-east-1b", "10.0.2.0/24")}
    layout["c"] = ("us-east-1c", "10.0.3.0/24")
    assert len(stack.resources("aws_subnet")) == 3
    associations = stack.resources("aws_route_table_association")
    assert len(associations) == 3
    pairs = {(a["subnet_id"], a["route_table_id"]) for a in associations.values()}
    for letter, (az, cidr) in layout.items():
        subnet = stack.resource("aws_subnet", f"private_subnet_{letter}")
        assert subnet["tags"]["Name"] == f"payment-private-{letter}-{s}"
        assert (subnet["availability_zone"], subnet["cidr_block"]) == (az, cidr)
        assert subnet["map_public_ip_on_launch"] is False
        assert subnet["vpc_id"] == vpc_id
        route_table = stack.resource("aws_route_table", f"private_rt_{letter}")
        assert route_table["vpc_id"] == vpc_id
        assert not route_table.get("route"), "private route tables have no routes"
        assert (
            stack.ref("aws_subnet", f"private_subnet_{letter}", "id"),
            stack.ref("aws_route_table", f"private_rt_{letter}", "id"),
        ) in pairs


def test_no_nat_or_internet_gateway(stack: Synth) -> None:
    forbidden = {
        "aws_nat_gateway",
        "aws_internet_gateway",
        "aws_egress_only_internet_gateway",
        "aws_eip",
        "aws_route",
    }
    assert not forbidden & set(stack.doc["resource"])


def test_vpc_endpoints(stack: Synth) -> None:
    route_tables = sorted(stack.ref("aws_route_table", f"private_rt_{x}", "id") for x in "abc")
    subnets = sorted(stack.ref("aws_subnet", f"private_subnet_{x}", "id") for x in "abc")
    for service in ("s3", "dynamodb"):
        endpoint = stack.resource("aws_vpc_endpoint", f"{service}_endpoint")
        assert endpoint["service_name"] == f"com.amazonaws.us-east-1.{service}"
        assert endpoint["vpc_endpoint_type"] == "Gateway"
        assert sorted(endpoint["route_table_ids"]) == route_tables
    ssm = stack.resource("aws_vpc_endpoint", "ssm_endpoint")
    assert ssm["service_name"] == "com.amazonaws.us-east-1.ssm"
    assert ssm["vpc_endpoint_type"] == "Interface"
    assert ssm["private_dns_enabled"] is True
    assert sorted(ssm["subnet_ids"]) == subnets
    (sg_ref,) = ssm["security_group_ids"]
    sg = stack.resource("aws_security_group", sg_ref.split(".")[1])
    assert [(r["from_port"], r["to_port"], r["cidr_blocks"]) for r in sg["ingress"]] == [
        (443, 443, ["10.0.0.0/16"])
    ]


def test_flow_logs(stack: Synth) -> None:
    flow_log = stack.resource("aws_flow_log", "flow_log")
    log_group = stack.resource("aws_cloudwatch_log_group", "flow_log_group")
    assert flow_log["vpc_id"] == stack.ref("aws_vpc", "vpc", "id")
    assert flow_log["traffic_type"] == "ALL"
    assert flow_log["log_destination_type"] == "cloud-watch-logs"
    assert flow_log["log_destination"] == stack.ref(
        "aws_cloudwatch_log_group", "flow_log_group", "arn"
    )
    assert flow_log["iam_role_arn"] == stack.ref("aws_iam_role", "flow_log_role", "arn")
    assert log_group["retention_in_days"] == (30 if stack.environment == "prod" else 7)
    assert log_group["kms_key_id"] == stack.ref("aws_kms_key", "cmk", "arn")
    trust = json.loads(stack.resource("aws_iam_role", "flow_log_role")["assume_role_policy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    policy = json.loads(stack.resource("aws_iam_role_policy", "flow_log_role_policy")["policy"])
    (statement,) = policy["Statement"]
    assert set(statement["Action"]) == {
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
    }
    group_arn = stack.ref("aws_cloudwatch_log_group", "flow_log_group", "arn")
    assert statement["Resource"] == [group_arn, f"{group_arn}:*"]


def test_default_security_group_denies_everything(stack: Synth) -> None:
    (default_sg,) = stack.resources("aws_default_security_group").values()
    assert default_sg["vpc_id"] == stack.ref("aws_vpc", "vpc", "id")
    assert not default_sg.get("ingress") and not default_sg.get("egress")
