"""EC2 network: the environment's VPC and what lives in it, and its security groups.

The collectors: what each lists (the VPC-scoped ones filtered to the environment's VPCs), how
it names what it finds, and the details it reads. Their build functions, and how they read the
members missing from a response, are in :mod:`paymentaudit.services.ec2.build`.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import Any

from paymentaudit.model import Resource, ResourceKey
from paymentaudit.naming import logical_name
from paymentaudit.services.declare import Call, Collector, Item, Ref, Scope, tag_dict
from paymentaudit.services.ec2.build import (
    build_endpoint,
    build_route_table,
    build_security_group,
    build_subnet,
    build_vpc,
    safe_name,
    sg_rules,
)

__all__ = [
    "COLLECTORS",
    "MAIN_ROUTE_TABLE",
    "ROUTE_TABLE",
    "SECURITY_GROUP",
    "SUBNET",
    "VPC",
    "VPC_ENDPOINT",
    "aws_created",
    "build_endpoint",
    "build_route_table",
    "build_security_group",
    "build_subnet",
    "build_vpc",
    "flow_log_groups",
    "route_table_relation_name",
    "safe_name",
    "sg_rules",
]


def _vpc_filter(name: str) -> Any:
    return lambda item, element, scope: {"Filters": [{"Name": name, "Values": [item["VpcId"]]}]}


def _in_vpcs(name: str = "vpc-id") -> Any:
    return lambda item, element, scope: {"Filters": [{"Name": name, "Values": list(scope.vpc_ids)}]}


def _arn(kind: str, key: str) -> Any:
    return lambda raw, scope: (
        f"arn:{scope.partition}:ec2:{scope.region}:{scope.account_id}:{kind}/{raw.get(key, '')}"
    )


def _vpc_attribute(attribute: str, result: str) -> Call:
    return Call(
        "describe_vpc_attribute",
        params=lambda item, element, scope: {"VpcId": item["VpcId"], "Attribute": attribute},
        result=f"{result}.Value",
    )


MAIN_ROUTE_TABLE = "main"


def _route_table_name(raw: dict[str, Any]) -> str:
    """The Name tag, else ``main`` for the VPC's main table, else none (see below)."""
    name = tag_dict(raw.get("Tags")).get("Name")
    if name:
        return name
    if any(a.get("Main") for a in raw.get("Associations") or []):
        return MAIN_ROUTE_TABLE
    return ""


def route_table_relation_name(
    table: Resource, resolve: Callable[[str], Resource | None]
) -> str | None:
    """An unnamed route table is named by the subnets it serves: ``<subnet>/route-table``
    (several: ``<a>+<b>/route-table``); None when it serves no known subnet."""
    subnets = [resolve(s) for s in table.config.get("subnet_ids") or []]
    names = sorted(s.logical_name for s in subnets if s is not None and s.named)
    return f"{'+'.join(names)}/route-table" if names else None


def flow_log_groups(vpc: Resource) -> list[str]:
    """The log groups the VPC's flow logs write to."""
    return [
        str(f["log_destination"])
        for f in vpc.config.get("flow_logs") or []
        if f.get("log_destination_type") == "cloud-watch-logs" and f.get("log_destination")
    ]


def _endpoint_name(raw: dict[str, Any]) -> str:
    name = tag_dict(raw.get("Tags")).get("Name")
    if name:
        return name
    return "vpc-endpoint-" + str(raw.get("ServiceName", "")).rsplit(".", 1)[-1]


def _in_env_vpc(item: Item, scope: Scope, tagged: bool) -> bool:
    return True  # the list call is filtered to the environment's VPCs


def _child_logical(item: Item, scope: Scope) -> str:
    return logical_name(item.name, scope.suffix)


VPC = Collector(
    service="ec2",
    type="ec2.vpc",
    list=Call("describe_vpcs", result="Vpcs", paginate=True),
    id="VpcId",
    name="tag:Name",
    tags="Tags",
    arn=_arn("vpc", "VpcId"),
    refs=(Ref("logs.log_group", flow_log_groups, label="flow-logs"),),
    details={
        "enable_dns_support": _vpc_attribute("enableDnsSupport", "EnableDnsSupport"),
        "enable_dns_hostnames": _vpc_attribute("enableDnsHostnames", "EnableDnsHostnames"),
        "nat_gateways": Call(
            "describe_nat_gateways",
            params=lambda item, element, scope: {
                "Filter": [{"Name": "vpc-id", "Values": [item["VpcId"]]}]
            },
            result="NatGateways",
            paginate=True,
        ),
        "internet_gateways": Call(
            "describe_internet_gateways",
            params=_vpc_filter("attachment.vpc-id"),
            result="InternetGateways",
            paginate=True,
        ),
        "flow_logs": Call(
            "describe_flow_logs",
            params=lambda item, element, scope: {
                "Filters": [{"Name": "resource-id", "Values": [item["VpcId"]]}]
            },
            result="FlowLogs",
            paginate=True,
        ),
    },
    build=build_vpc,
)

SUBNET = Collector(
    service="ec2",
    type="ec2.subnet",
    list=Call("describe_subnets", params=_in_vpcs(), result="Subnets", paginate=True),
    list_scope="vpc",
    id="SubnetId",
    name=lambda raw: (
        tag_dict(raw.get("Tags")).get("Name") or f"subnet-{raw.get('AvailabilityZone', '')}"
    ),
    tags="Tags",
    arn=_arn("subnet", "SubnetId"),
    member=_in_env_vpc,
    logical=_child_logical,
    build=build_subnet,
)

ROUTE_TABLE = Collector(
    service="ec2",
    type="ec2.route_table",
    list=Call("describe_route_tables", params=_in_vpcs(), result="RouteTables", paginate=True),
    list_scope="vpc",
    id="RouteTableId",
    name=_route_table_name,
    tags="Tags",
    arn=_arn("route-table", "RouteTableId"),
    member=_in_env_vpc,
    logical=_child_logical,
    relation_name=route_table_relation_name,
    build=build_route_table,
)

VPC_ENDPOINT = Collector(
    service="ec2",
    type="ec2.vpc_endpoint",
    list=Call("describe_vpc_endpoints", params=_in_vpcs(), result="VpcEndpoints", paginate=True),
    list_scope="vpc",
    id="VpcEndpointId",
    name=_endpoint_name,
    tags="Tags",
    arn=_arn("vpc-endpoint", "VpcEndpointId"),
    member=_in_env_vpc,
    logical=_child_logical,
    details={
        "prefix_lists": Call(
            "describe_prefix_lists",
            params=lambda item, element, scope: {
                "Filters": [{"Name": "prefix-list-name", "Values": [item["ServiceName"]]}]
            },
            result="PrefixLists",
        ),
    },
    build=build_endpoint,
)

SECURITY_GROUP = Collector(
    service="ec2",
    type="ec2.security_group",
    list=Call(
        "describe_security_groups", params=_in_vpcs(), result="SecurityGroups", paginate=True
    ),
    list_scope="vpc",
    id="GroupId",
    name="GroupName",
    tags="Tags",
    arn=_arn("security-group", "GroupId"),
    member=_in_env_vpc,
    logical=_child_logical,
    build=build_security_group,
)

COLLECTORS = (VPC, SUBNET, ROUTE_TABLE, VPC_ENDPOINT, SECURITY_GROUP)


def aws_created(res: Resource, declared: Container[ResourceKey]) -> bool:
    """What AWS creates with every VPC: its main route table and its default security group."""
    if res.type == "ec2.route_table":
        return bool(res.config.get("main"))
    return res.type == "ec2.security_group" and res.logical_name == "default"
