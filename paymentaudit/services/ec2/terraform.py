"""EC2 network types -> ec2.vpc, ec2.subnet, ec2.route_table, ec2.vpc_endpoint,
ec2.security_group (the shapes of ``paymentaudit.services.ec2.collect``)."""

from __future__ import annotations

import json
from typing import Any

from paymentaudit.redact import policy_document
from paymentaudit.services.ec2.collect import sg_rules
from paymentaudit.terraform.document import TfResource, blocks, flag, number, strings, text
from paymentaudit.terraform.refs import later, unknown
from paymentaudit.terraform.spec import Built, Context, Relation, Spec, attr_keys

# What AWS attaches to an endpoint created without a policy (full access).
DEFAULT_ENDPOINT_POLICY = policy_document(
    {
        "Version": "2008-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
    }
)
_PROTOCOLS = {"all": "-1", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
_ROUTE_TARGETS = (
    "gateway_id",
    "nat_gateway_id",
    "transit_gateway_id",
    "vpc_peering_connection_id",
    "network_interface_id",
    "egress_only_gateway_id",
    "local_gateway_id",
    "carrier_gateway_id",
    "core_network_arn",
    "vpc_endpoint_id",
)
SG_TYPES = ("aws_security_group", "aws_default_security_group")


def ids(res: TfResource) -> tuple[str, ...]:
    """The identifiers a state file holds for a resource (none in cdk.tf.json)."""
    return tuple(str(res.attrs[k]) for k in ("id", "arn") if text(res.attrs.get(k)))


def name_tag(res: TfResource, ctx: Context) -> str | None:
    """The Name tag (what the EC2 collectors name most things by)."""
    value = ctx.resolve((res.tags or {}).get("Name"))
    return value if isinstance(value, str) and value else None


def _resolved(ctx: Context, value: Any) -> list[Any]:
    return sorted((ctx.resolve(v) for v in strings(value)), key=str)


# -- VPC -------------------------------------------------------------------------------------


def _flow_log(res: TfResource, ctx: Context) -> dict[str, Any]:
    a = res.attrs
    destination = text(a.get("log_destination")) or text(a.get("log_group_name"))
    return {
        "traffic_type": text(a.get("traffic_type")),
        "log_destination_type": text(a.get("log_destination_type"), "cloud-watch-logs"),
        "log_destination": ctx.resolve(destination),
        "iam_role_arn": ctx.resolve(text(a.get("iam_role_arn"))),
        "max_aggregation_interval": number(a.get("max_aggregation_interval"), 600),
    }


def build_vpc(res: TfResource, ctx: Context) -> Built:
    """VPC: CIDR, tenancy, DNS attributes, NAT/IGW presence, flow logs."""
    a = res.attrs
    nats = sum(len(ctx.children(s, "aws_nat_gateway")) for s in ctx.children(res, "aws_subnet"))
    flow_logs = [_flow_log(f, ctx) for f in ctx.children(res, "aws_flow_log")]
    config = {
        "cidr_block": ctx.resolve(text(a.get("cidr_block"))) or later(res, "cidr_block"),
        "instance_tenancy": text(a.get("instance_tenancy"), "default"),
        "enable_dns_support": flag(a.get("enable_dns_support"), True),
        "enable_dns_hostnames": flag(a.get("enable_dns_hostnames"), False),
        "nat_gateways": nats,
        "internet_gateway": bool(ctx.children(res, "aws_internet_gateway")),
        "flow_logs": sorted(
            flow_logs, key=lambda f: (str(f["log_destination"]), str(f["traffic_type"]))
        ),
    }
    return Built(config, physical_id=text(a.get("id"), res.address), aliases=ids(res))


# -- subnets and route tables ------------------------------------------------------------------


def subnet_name(res: TfResource, ctx: Context) -> str | None:
    """Name tag, else ``subnet-<az>`` like the collector."""
    az = ctx.resolve(text(res.attrs.get("availability_zone")))
    return name_tag(res, ctx) or (f"subnet-{az}" if az else None)


def build_subnet(res: TfResource, ctx: Context) -> Built:
    """Subnet: VPC, CIDR, AZ (when the code picks it), public-IP mapping."""
    a = res.attrs
    config = {
        "vpc_id": ctx.resolve(a.get("vpc_id")),
        "cidr_block": ctx.resolve(text(a.get("cidr_block"))) or later(res, "cidr_block"),
        "availability_zone": ctx.resolve(text(a.get("availability_zone")))
        or later(res, "availability_zone"),
        "map_public_ip_on_launch": flag(a.get("map_public_ip_on_launch"), False),
    }
    return Built(config, physical_id=text(a.get("id"), res.address), aliases=ids(res))


def _route(route: dict[str, Any], ctx: Context) -> dict[str, Any] | None:
    destination = next(
        (
            route[k]
            for k in (
                "cidr_block",
                "destination_cidr_block",
                "ipv6_cidr_block",
                "destination_ipv6_cidr_block",
                "destination_prefix_list_id",
            )
            if text(route.get(k))
        ),
        None,
    )
    target = next((route[k] for k in _ROUTE_TARGETS if text(route.get(k))), None)
    if str(target).startswith("vpce-") or ctx.referenced(target, "aws_vpc_endpoint"):
        return None  # endpoint routes are the endpoints' (added below, as AWS shows them)
    return {"destination": ctx.resolve(destination), "target": ctx.resolve(target)}


def build_route_table(res: TfResource, ctx: Context) -> Built:
    """Route table: the local route, routes, gateway-endpoint routes, associated subnets."""
    a = res.attrs
    routes: list[dict[str, Any]] = []
    vpc = ctx.referenced(a.get("vpc_id"), "aws_vpc")
    cidr = ctx.resolve(text(vpc.attrs.get("cidr_block"))) if vpc is not None else None
    if cidr and not unknown(cidr):
        routes.append({"destination": cidr, "target": "local"})
    inline = [*blocks(a.get("route")), *(r.attrs for r in ctx.children(res, "aws_route"))]
    routes.extend(r for r in (_route(route, ctx) for route in inline) if r is not None)
    for endpoint in ctx.children(res, "aws_vpc_endpoint"):
        routes.append(
            {"destination": "endpoint-prefix-list", "target": ctx.attribute(endpoint, "id")}
        )
    subnets = [
        ctx.resolve(x.attrs.get("subnet_id"))
        for x in ctx.children(res, "aws_route_table_association")
    ]
    # A state lists a table's routes in it and in the aws_route resources too: once each.
    unique = {(str(r["destination"]), str(r["target"])): r for r in routes}
    config = {
        "vpc_id": ctx.resolve(a.get("vpc_id")),
        "main": False,
        "routes": [unique[k] for k in sorted(unique)],
        "subnet_ids": sorted((s for s in subnets if s), key=str),
    }
    return Built(config, physical_id=text(a.get("id"), res.address), aliases=ids(res))


# -- endpoints -----------------------------------------------------------------------------------


def endpoint_name(res: TfResource, ctx: Context) -> str | None:
    """Name tag, else ``vpc-endpoint-<service>`` like the collector."""
    service = str(ctx.resolve(res.attrs.get("service_name")) or "")
    return name_tag(res, ctx) or ("vpc-endpoint-" + service.rsplit(".", 1)[-1])


def build_endpoint(res: TfResource, ctx: Context) -> Built:
    """VPC endpoint: service, type, private DNS, route tables, subnets, groups, policy."""
    a = res.attrs
    kind = text(a.get("vpc_endpoint_type"), "Gateway")
    groups: Any = _resolved(ctx, a.get("security_group_ids"))
    if kind == "Interface" and not groups:
        groups = later(res, "security_group_ids")  # AWS picks the VPC's default group
    config = {
        "vpc_id": ctx.resolve(a.get("vpc_id")),
        "service_name": ctx.resolve(a.get("service_name")),
        "vpc_endpoint_type": kind,
        "private_dns_enabled": flag(a.get("private_dns_enabled"), False)
        if kind == "Interface"
        else None,
        "route_table_ids": _resolved(ctx, a.get("route_table_ids")),
        "subnet_ids": _resolved(ctx, a.get("subnet_ids")),
        "security_group_ids": groups,
        "policy": ctx.policy(text(a.get("policy"))) or DEFAULT_ENDPOINT_POLICY,
    }
    aliases = (*ids(res), *((str(a["prefix_list_id"]),) if text(a.get("prefix_list_id")) else ()))
    return Built(config, physical_id=text(a.get("id"), res.address), aliases=aliases)


# -- security groups -----------------------------------------------------------------------------


def _protocol(value: Any) -> str:
    protocol = str(value if value not in (None, "") else "-1").lower()
    return _PROTOCOLS.get(protocol, protocol)


def _inline_permission(rule: dict[str, Any], own: Any) -> dict[str, Any]:
    groups = [*strings(rule.get("security_groups"))]
    if flag(rule.get("self"), False):
        groups.append(own)
    return {
        "IpProtocol": _protocol(rule.get("protocol")),
        "FromPort": number(rule.get("from_port")),
        "ToPort": number(rule.get("to_port")),
        "IpRanges": [{"CidrIp": c} for c in strings(rule.get("cidr_blocks"))],
        "Ipv6Ranges": [{"CidrIpv6": c} for c in strings(rule.get("ipv6_cidr_blocks"))],
        "PrefixListIds": [{"PrefixListId": p} for p in strings(rule.get("prefix_list_ids"))],
        "UserIdGroupPairs": [{"GroupId": g} for g in groups],
    }


def _rule_resource_permission(res: TfResource, own: Any) -> tuple[str, dict[str, Any]]:
    """aws_security_group_rule or aws_vpc_security_group_{ingress,egress}_rule."""
    a = res.attrs
    if res.type == "aws_security_group_rule":
        rule = dict(a)
        source = text(a.get("source_security_group_id"))
        rule["security_groups"] = [source] if source else []
        return str(a.get("type")), _inline_permission(rule, own)
    direction = "ingress" if res.type.endswith("ingress_rule") else "egress"
    rule = {
        "protocol": a.get("ip_protocol"),
        "from_port": a.get("from_port"),
        "to_port": a.get("to_port"),
        "cidr_blocks": strings(text(a.get("cidr_ipv4"))),
        "ipv6_cidr_blocks": strings(text(a.get("cidr_ipv6"))),
        "prefix_list_ids": strings(text(a.get("prefix_list_id"))),
        "security_groups": strings(text(a.get("referenced_security_group_id"))),
    }
    return direction, _inline_permission(rule, own)


RULE_TYPES = (
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
)


def _flatten(permissions: list[dict[str, Any]], ctx: Context) -> list[dict[str, Any]]:
    resolved = ctx.resolve(permissions)
    unique = {json.dumps(r, sort_keys=True, default=str): r for r in sg_rules(resolved)}
    return list(unique.values())


def build_security_group(res: TfResource, ctx: Context) -> Built:
    """Security group: description, ingress and egress flattened like the collector.

    Terraform removes AWS's default allow-all egress of a group it creates, and every rule of
    a default group it adopts: the rules are exactly the inline blocks plus rule resources.
    """
    a = res.attrs
    own = ctx.attribute(res, "id")
    sides: dict[str, list[dict[str, Any]]] = {
        "ingress": [_inline_permission(r, own) for r in blocks(a.get("ingress"))],
        "egress": [_inline_permission(r, own) for r in blocks(a.get("egress"))],
    }
    for rule_type in RULE_TYPES:
        for rule in ctx.children(res, rule_type):
            direction, permission = _rule_resource_permission(rule, own)
            sides.setdefault(direction, []).append(permission)
    default = "default VPC security group" if res.type == "aws_default_security_group" else None
    config = {
        "vpc_id": ctx.resolve(a.get("vpc_id")),
        "description": text(a.get("description"), default or "Managed by Terraform"),
        "ingress": _flatten(sides["ingress"], ctx),
        "egress": _flatten(sides["egress"], ctx),
    }
    return Built(config, physical_id=text(a.get("id"), res.address), aliases=ids(res))


def sg_name(res: TfResource, ctx: Context) -> str | None:
    """GroupName: the ``name`` attribute (``default`` for the default group)."""
    if res.type == "aws_default_security_group":
        return "default"
    value = ctx.resolve(text(res.attrs.get("name")))
    return value if isinstance(value, str) and not unknown(value) else None


def _as_is(name: str, ctx: Context) -> str:
    return name


SPECS: dict[str, Spec] = {
    "aws_vpc": Spec("ec2", "ec2.vpc", name_tag, build_vpc),
    "aws_subnet": Spec("ec2", "ec2.subnet", subnet_name, build_subnet),
    "aws_route_table": Spec("ec2", "ec2.route_table", name_tag, build_route_table),
    "aws_vpc_endpoint": Spec("ec2", "ec2.vpc_endpoint", endpoint_name, build_endpoint),
    "aws_security_group": Spec("ec2", "ec2.security_group", sg_name, build_security_group),
    "aws_default_security_group": Spec(
        "ec2", "ec2.security_group", sg_name, build_security_group, logical=_as_is
    ),
}

RELATIONS: tuple[Relation, ...] = (
    Relation("aws_flow_log", ("aws_vpc",), attr_keys("vpc_id")),
    Relation("aws_internet_gateway", ("aws_vpc",), attr_keys("vpc_id")),
    Relation("aws_subnet", ("aws_vpc",), attr_keys("vpc_id")),
    Relation("aws_nat_gateway", ("aws_subnet",), attr_keys("subnet_id")),
    Relation("aws_route_table_association", ("aws_route_table",), attr_keys("route_table_id")),
    Relation("aws_route", ("aws_route_table",), attr_keys("route_table_id")),
    Relation("aws_vpc_endpoint", ("aws_route_table",), attr_keys("route_table_ids")),
    *(Relation(t, SG_TYPES, attr_keys("security_group_id")) for t in RULE_TYPES),
)
