"""EC2 network, the collectors' build functions: an EC2 API item to its resource's config.

Members missing from a response, decided member by member from the EC2 API reference:

* Unknown when absent (``item.errors[<attribute>] = "<Member> not in the response"``: not
  compared, and a rule reading the attribute is not evaluated): a security group's
  ``IpPermissions`` and ``IpPermissionsEgress`` (EC2 returns both lists, empty when the group
  has no rule: never read as "no rule"); a VPC endpoint's ``VpcEndpointType``,
  ``ServiceName`` and ``VpcId``; DescribeVpcAttribute's ``EnableDnsSupport`` /
  ``EnableDnsHostnames`` value; a group in an endpoint's ``Groups`` without its ``GroupId``.
* Absent with a meaning, kept: an endpoint's ``PolicyDocument`` (none: full access), its
  ``RouteTableIds``, ``SubnetIds`` and ``Groups`` (none); a route table's ``Associations``
  (not associated); a flow log's ``LogDestinationType`` (``cloud-watch-logs``, the default of
  CreateFlowLogs); ``Tags`` (none).
* Names from ``Name`` tags: tag values are scanned for secrets (``paymentaudit.detect``), and a
  ``Name`` tag a detector recognizes as a secret never becomes the resource's name: the
  resource is named by its id instead (its tags keep the value redacted).
"""

from __future__ import annotations

from typing import Any

from paymentaudit.detect import classify, redacted
from paymentaudit.redact import policy_document
from paymentaudit.services.declare import Built, Item, Scope


def safe_name(item: Item, fallback: str) -> str:
    """The item's name, unless it came from a tag value that is a secret: then ``fallback``
    (its id), or the placeholder naming the detector without an id, so that a secret never
    becomes a logical name."""
    reason = classify("Name", item.name) if item.name else None
    if reason is not None:
        return fallback or redacted(reason)
    return item.name or fallback


def _ids(value: Any) -> list[str]:
    """The strings of an id list (None and non-strings left out)."""
    return sorted(str(v) for v in value or [] if v is not None)


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
    vpc_id = str(raw.get("VpcId") or "")
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
    for attribute, member in (
        ("enable_dns_support", "EnableDnsSupport"),
        ("enable_dns_hostnames", "EnableDnsHostnames"),
    ):
        if config[attribute] is None and attribute not in item.errors:
            item.errors[attribute] = f"{member} not in the response"
    return Built(
        config=config,
        aliases=tuple(a for a in (vpc_id,) if a),
        name=safe_name(item, vpc_id) if item.name else None,
    )


def build_subnet(item: Item, scope: Scope) -> Built:
    """Subnet: CIDR, AZ, public-IP mapping."""
    raw = item.raw
    config = {
        "vpc_id": raw.get("VpcId"),
        "cidr_block": raw.get("CidrBlock"),
        "availability_zone": raw.get("AvailabilityZone"),
        "map_public_ip_on_launch": raw.get("MapPublicIpOnLaunch"),
    }
    subnet_id = str(raw.get("SubnetId") or "")
    return Built(
        config=config, aliases=tuple(a for a in (subnet_id,) if a), name=safe_name(item, subnet_id)
    )


def build_route_table(item: Item, scope: Scope) -> Built:
    """Route table: routes by destination and target, associated subnets, main flag."""
    raw = item.raw
    routes = []
    for route in raw.get("Routes") or []:
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
    assocs = raw.get("Associations") or []
    config = {
        "vpc_id": raw.get("VpcId"),
        "main": any(a.get("Main") for a in assocs),
        "routes": routes,
        "subnet_ids": sorted(str(a["SubnetId"]) for a in assocs if a.get("SubnetId")),
    }
    table_id = str(raw.get("RouteTableId") or "")
    return Built(
        config=config,
        aliases=tuple(a for a in (table_id,) if a),
        name=safe_name(item, table_id) if item.named else None,
    )


def build_endpoint(item: Item, scope: Scope) -> Built:
    """VPC endpoint: service, type, private DNS, route tables, subnets, groups, policy."""
    raw = item.raw
    groups = raw.get("Groups") or []
    config = {
        "vpc_id": raw.get("VpcId"),
        "service_name": raw.get("ServiceName"),
        "vpc_endpoint_type": raw.get("VpcEndpointType"),
        "private_dns_enabled": raw.get("PrivateDnsEnabled")
        if raw.get("VpcEndpointType") == "Interface"
        else None,
        "route_table_ids": _ids(raw.get("RouteTableIds")),
        "subnet_ids": _ids(raw.get("SubnetIds")),
        "security_group_ids": _ids(g.get("GroupId") for g in groups),
        "policy": policy_document(raw.get("PolicyDocument")),
    }
    unknown = {
        attribute: f"{member} not in the response"
        for member, attribute in (
            ("VpcEndpointType", "vpc_endpoint_type"),
            ("ServiceName", "service_name"),
            ("VpcId", "vpc_id"),
        )
        if raw.get(member) is None
    }
    if any(g.get("GroupId") is None for g in groups):
        unknown["security_group_ids"] = "Groups[].GroupId not in the response"
    for attribute, reason in unknown.items():
        item.errors.setdefault(attribute, reason)
        config[attribute] = None
    # A gateway endpoint's service prefix list: security-group rules name it (pl-...), and
    # this alias makes normalization name it by the endpoint, like the route tables do.
    prefix_lists = tuple(
        str(p["PrefixListId"])
        for p in item.detail("prefix_lists", [])
        if raw.get("VpcEndpointType") == "Gateway" and p.get("PrefixListId")
    )
    endpoint_id = str(raw.get("VpcEndpointId") or "")
    return Built(
        config=config,
        aliases=tuple(a for a in (endpoint_id, *prefix_lists) if a),
        name=safe_name(item, endpoint_id),
    )


def build_security_group(item: Item, scope: Scope) -> Built:
    """Security group: description and ingress/egress rules; a missing rule list makes its
    attribute unknown, never "no rule" (see the module docstring)."""
    raw = item.raw
    config = {
        "vpc_id": raw.get("VpcId"),
        "description": raw.get("Description"),
        "ingress": sg_rules(raw.get("IpPermissions")),
        "egress": sg_rules(raw.get("IpPermissionsEgress")),
    }
    for member, attribute in (("IpPermissions", "ingress"), ("IpPermissionsEgress", "egress")):
        if raw.get(member) is None:
            item.errors.setdefault(attribute, f"{member} not in the response")
            config[attribute] = None
    return Built(config=config, aliases=tuple(a for a in (str(raw.get("GroupId") or ""),) if a))
