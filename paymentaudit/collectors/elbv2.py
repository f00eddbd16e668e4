"""ELBv2: the ALB (scheme, groups, attributes, listeners) and its target groups."""

from __future__ import annotations

from typing import Any

from paymentaudit.collectors.base import Built, Call, Collector, Item, Scope


def _forward(action: dict[str, Any]) -> dict[str, Any]:
    """A forward action as {target group: weight}, whichever shape AWS used."""
    groups = (action.get("ForwardConfig") or {}).get("TargetGroups")
    if groups:
        return {g["TargetGroupArn"]: g.get("Weight", 1) for g in groups}
    if action.get("TargetGroupArn"):
        return {action["TargetGroupArn"]: 1}
    return {}


def actions(raw_actions: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Listener actions in order, forward target groups with their weights."""
    out = []
    for action in sorted(raw_actions or [], key=lambda a: a.get("Order", 0)):
        entry: dict[str, Any] = {"type": action.get("Type")}
        if action.get("Type") == "forward":
            entry["target_groups"] = _forward(action)
        elif action.get("Type") == "redirect":
            entry["redirect"] = action.get("RedirectConfig")
        elif action.get("Type") == "fixed-response":
            entry["fixed_response"] = action.get("FixedResponseConfig")
        out.append(entry)
    return out


def build_load_balancer(item: Item, scope: Scope) -> Built:
    """Load balancer: type, scheme, groups, subnets, attributes, listeners by protocol:port."""
    raw = item.raw
    listeners = item.details.get("listeners")
    attributes = item.details.get("attributes")
    config = {
        "load_balancer_type": raw.get("Type"),
        "internal": raw.get("Scheme") == "internal",
        "ip_address_type": raw.get("IpAddressType"),
        "security_groups": sorted(raw.get("SecurityGroups") or []),
        "subnets": sorted(
            z["SubnetId"] for z in raw.get("AvailabilityZones", []) if "SubnetId" in z
        ),
        "attributes": None
        if attributes is None
        else {a["Key"]: a.get("Value") for a in attributes},
        "listeners": None
        if listeners is None
        else {
            f"{listener.get('Protocol')}:{listener.get('Port')}": {
                "protocol": listener.get("Protocol"),
                "port": listener.get("Port"),
                "ssl_policy": listener.get("SslPolicy"),
                "default_actions": actions(listener.get("DefaultActions")),
            }
            for listener in listeners
        },
    }
    listener_arns = tuple(listener["ListenerArn"] for listener in listeners or [])
    return Built(config=config, aliases=(raw.get("DNSName", ""), *listener_arns))


def build_target_group(item: Item, scope: Scope) -> Built:
    """Target group: protocol, type, health check, registered targets and their health."""
    raw = item.raw
    health = item.details.get("targets")
    config = {
        "protocol": raw.get("Protocol"),
        "port": raw.get("Port"),
        "target_type": raw.get("TargetType"),
        "health_check": {
            "enabled": raw.get("HealthCheckEnabled"),
            "path": raw.get("HealthCheckPath"),
            "protocol": raw.get("HealthCheckProtocol"),
            "interval_seconds": raw.get("HealthCheckIntervalSeconds"),
            "timeout_seconds": raw.get("HealthCheckTimeoutSeconds"),
            "healthy_threshold": raw.get("HealthyThresholdCount"),
            "unhealthy_threshold": raw.get("UnhealthyThresholdCount"),
            "matcher": (raw.get("Matcher") or {}).get("HttpCode"),
        },
        "load_balancer_arns": sorted(raw.get("LoadBalancerArns") or []),
        "targets": None
        if health is None
        else sorted(
            (
                {
                    "id": t["Target"]["Id"],
                    "state": (t.get("TargetHealth") or {}).get("State"),
                }
                for t in health
            ),
            key=lambda t: str(t["id"]),
        ),
    }
    return Built(config=config)


LOAD_BALANCER = Collector(
    service="elbv2",
    type="elbv2.load_balancer",
    list=Call("describe_load_balancers", result="LoadBalancers", paginate=True),
    id="LoadBalancerName",
    arn="LoadBalancerArn",
    details={
        "attributes": Call(
            "describe_load_balancer_attributes",
            params={"LoadBalancerArn": "LoadBalancerArn"},
            result="Attributes",
        ),
        "listeners": Call(
            "describe_listeners",
            params={"LoadBalancerArn": "LoadBalancerArn"},
            result="Listeners",
            paginate=True,
        ),
    },
    build=build_load_balancer,
)

TARGET_GROUP = Collector(
    service="elbv2",
    type="elbv2.target_group",
    list=Call("describe_target_groups", result="TargetGroups", paginate=True),
    id="TargetGroupName",
    arn="TargetGroupArn",
    details={
        "targets": Call(
            "describe_target_health",
            params={"TargetGroupArn": "TargetGroupArn"},
            result="TargetHealthDescriptions",
        ),
    },
    build=build_target_group,
)

COLLECTORS = (LOAD_BALANCER, TARGET_GROUP)
