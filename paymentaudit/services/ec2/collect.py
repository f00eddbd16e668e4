"""EC2 network: the environment's VPC and what lives in it, and its security groups."""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import Any

from paymentaudit.model import Resource, ResourceKey
from paymentaudit.naming import logical_name
from paymentaudit.redact import policy_document
from paymentaudit.services.declare import Built, Call, Collector, Item, Ref, Scope, tag_dict


def _vpc_filter(name: str) -> Any:
    return lambda item, element, scope: {"Filters": [{"Name": name, "Values": [item["VpcId"]]}]}


def _in_vpcs(name: str = "vpc-id") -> Any:
    return lambda item, element, scope: {"Filters": [{"Name": name, "Values": list(scope.vpc_ids)}]}


def _arn(kind: str, key: str) -> Any:
    return lambda raw, scope: (
        f"arn:{scope.partition}:ec2:{scope.region}:{scope.account_id}:{kind}/{raw[key]}"
    )


def _vpc_attribute(attribute: str, result: str) -> Call:
    return Call(
        "describe_vpc_attribute",
        params=lambda item, element, scope: {"VpcId": item["VpcId"], "Attribute": attribute},
        result=f"{result}.Value",
    )


def sg_rules(permissions: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Security-group permissions flattened to one sorted entry per (protocol, ports, source)."""
    rules: list[dict[str, Any]] = []
    for perm in permissions or []:
        protocol = str(perm.get("IpProtocol", "-1"))
        base = {
            "protocol": "all" if protocol == "-1" else protocol,
            "from_port": perm.get("FromPort") if protocol != "-1" else None,
            "to_port": perm.get("ToPort") if protocol != "-1" else None,
        }
        sources = [r.get("CidrIp") for r in perm.get("IpRanges", [])]
        sources += [r.get("CidrIpv6") for r in perm.get("Ipv6Ranges", [])]
        sources += [r.get("PrefixListId") for r in perm.get("PrefixListIds", [])]
        sources += [r.get("GroupId") for r in perm.get("UserIdGroupPairs", [])]
        rules.extend({**base, "source": source} for source in sources if source)
    rules.sort(key=lambda r: (r["protocol"], r["from_port"] or 0, r["to_port"] or 0, r["source"]))
    return rules


def build_vpc(item: Item, scope: Scope) -> Built:
    """VPC: CIDR, DNS attributes, NAT/IGW presence, flow logs."""
    raw = item.raw
    nats = [n for n in item.detail("nat_gateways", []) if n.get("State") not in ("deleted",)]
    flow_logs = sorted(
        (
            {
                "traffic_type": fl.get("TrafficType"),
                "log_destination_type": fl.get("LogDestinationType", "cloud-watch-logs"),
                "log_destination": fl.get("LogGroupName") or fl.get("LogDestination"),
                "iam_role_arn": fl.get("DeliverLogsPermissionArn"),
                "max_aggregation_interval": fl.get("MaxAggregationInterval"),
            }
            for fl in item.detail("flow_logs", [])
        ),
        key=lambda f: (str(f["log_destination"]), str(f["traffic_type"])),
    )
    config = {
        "cidr_block": raw.get("CidrBlock"),
        "instance_tenancy": raw.get("InstanceTenancy"),
        "enable_dns_support": item.details.get("enable_dns_support"),
        "enable_dns_hostnames": item.details.get("enable_dns_hostnames"),
        "nat_gateways": len(nats),
        "internet_gateway": bool(item.detail("internet_gateways", [])),
        "flow_logs": flow_logs,
    }
    return Built(config=config, aliases=(raw["VpcId"],))


def build_subnet(item: Item, scope: Scope) -> Built:
    """Subnet: CIDR, AZ, public-IP mapping."""
    raw = item.raw
    config = {
        "vpc_id": raw.get("VpcId"),
        "cidr_block": raw.get("CidrBlock"),
        "availability_zone": raw.get("AvailabilityZone"),
        "map_public_ip_on_launch": raw.get("MapPublicIpOnLaunch"),
    }
    return Built(config=config, aliases=(raw["SubnetId"],), name=item.name or raw["SubnetId"])


def build_route_table(item: Item, scope: Scope) -> Built:
    """Route table: routes by destination and target, associated subnets, main flag."""
    raw = item.raw
    routes = []
    for route in raw.get("Routes", []):
        dest = (
            route.get("DestinationCidrBlock")
            or route.get("DestinationIpv6CidrBlock")
            or route.get("DestinationPrefixListId")
        )
        target = next(
            (
                route[k]
                for k in (
                    "GatewayId",
                    "NatGatewayId",
                    "TransitGatewayId",
                    "VpcPeeringConnectionId",
                    "NetworkInterfaceId",
                    "InstanceId",
                    "EgressOnlyInternetGatewayId",
                )
                if route.get(k)
            ),
            None,
        )
        if str(dest).startswith("pl-") and str(target).startswith("vpce-"):
            dest = "endpoint-prefix-list"  # the service prefix list: the endpoint names it
        routes.append({"destination": dest, "target": target})
    routes.sort(key=lambda r: (str(r["destination"]), str(r["target"])))
    assocs = raw.get("Associations", [])
    config = {
        "vpc_id": raw.get("VpcId"),
        "main": any(a.get("Main") for a in assocs),
        "routes": routes,
        "subnet_ids": sorted(a["SubnetId"] for a in assocs if a.get("SubnetId")),
    }
    return Built(config=config, aliases=(raw["RouteTableId"],))


MAIN_ROUTE_TABLE = "main"


def _route_table_name(raw: dict[str, Any]) -> str:
    """The Name tag, else ``main`` for the VPC's main table, else none (see below)."""
    name = tag_dict(raw.get("Tags")).get("Name")
    if name:
        return name
    if any(a.get("Main") for a in raw.get("Associations", [])):
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


def build_endpoint(item: Item, scope: Scope) -> Built:
    """VPC endpoint: service, type, private DNS, route tables, subnets, groups, policy."""
    raw = item.raw
    config = {
        "vpc_id": raw.get("VpcId"),
        "service_name": raw.get("ServiceName"),
        "vpc_endpoint_type": raw.get("VpcEndpointType"),
        "private_dns_enabled": raw.get("PrivateDnsEnabled")
        if raw.get("VpcEndpointType") == "Interface"
        else None,
        "route_table_ids": sorted(raw.get("RouteTableIds", [])),
        "subnet_ids": sorted(raw.get("SubnetIds", [])),
        "security_group_ids": sorted(g["GroupId"] for g in raw.get("Groups", [])),
        "policy": policy_document(raw.get("PolicyDocument")),
    }
    # A gateway endpoint's service prefix list: security-group rules name it (pl-...), and
    # this alias makes normalization name it by the endpoint, like the route tables do.
    prefix_lists = tuple(
        p["PrefixListId"]
        for p in item.detail("prefix_lists", [])
        if raw.get("VpcEndpointType") == "Gateway" and p.get("PrefixListId")
    )
    return Built(config=config, aliases=(raw["VpcEndpointId"], *prefix_lists))


def _endpoint_name(raw: dict[str, Any]) -> str:
    name = tag_dict(raw.get("Tags")).get("Name")
    if name:
        return name
    return "vpc-endpoint-" + str(raw.get("ServiceName", "")).rsplit(".", 1)[-1]


def build_security_group(item: Item, scope: Scope) -> Built:
    """Security group: description and ingress/egress rules."""
    raw = item.raw
    config = {
        "vpc_id": raw.get("VpcId"),
        "description": raw.get("Description"),
        "ingress": sg_rules(raw.get("IpPermissions")),
        "egress": sg_rules(raw.get("IpPermissionsEgress")),
    }
    return Built(config=config, aliases=(raw["GroupId"],))


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
    name=lambda raw: tag_dict(raw.get("Tags")).get("Name") or f"subnet-{raw['AvailabilityZone']}",
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
