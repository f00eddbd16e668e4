"""ELBv2: the ALB (scheme, groups, attributes, listeners) and its target groups."""

from __future__ import annotations

from typing import Any

from paymentaudit.model import Resource
from paymentaudit.services.declare import Built, Call, Collector, Item, Ref, Scope


def traffic_shares(weights: dict[str, Any]) -> dict[str, int]:
    """Target group -> its percentage of the forwarded traffic; groups at weight 0 take none
    and are left out. A forward to blue alone and a weighted blue 100 / green 0 are the same
    routing, so they compare equal (the groups themselves are compared as resources)."""
    numeric = {k: max(0, int(w or 0)) for k, w in weights.items()}
    total = sum(numeric.values())
    if total == 0:
        return {}
    return {k: round(100 * w / total) for k, w in sorted(numeric.items()) if w}


def _forward(action: dict[str, Any]) -> dict[str, int]:
    """A forward action as {target group: traffic share}, whichever shape AWS used."""
    groups = (action.get("ForwardConfig") or {}).get("TargetGroups")
    if groups:
        return traffic_shares({g["TargetGroupArn"]: g.get("Weight", 1) for g in groups})
    if action.get("TargetGroupArn"):
        return traffic_shares({action["TargetGroupArn"]: 1})
    return {}


def actions(raw_actions: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Listener actions in order, forward target groups with their traffic shares."""
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
    """Target group: protocol, type, health check, registered targets and their health.

    Which load balancers use it is not kept: that is the listeners' forward actions, compared
    on the load balancer (a group at weight 0 is not attached, yet routes the same)."""
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


def forwarded_arns(load_balancer: Resource) -> list[str]:
    """The target groups every listener's forward actions reach (ARNs, in listener order)."""
    out: list[str] = []
    for key in sorted(load_balancer.config.get("listeners") or {}):
        listener = load_balancer.config["listeners"][key]
        for action in listener.get("default_actions") or []:
            out.extend(a for a in action.get("target_groups") or {} if a not in out)
    return out


def target_ids(group: Resource) -> list[str]:
    """The registered targets' ids (function ARNs for a Lambda target group)."""
    return [str(t["id"]) for t in group.config.get("targets") or [] if t.get("id")]


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
    refs=(Ref("elbv2.target_group", forwarded_arns, label="target-group"),),
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
    refs=(Ref("lambda.function", target_ids, label="target"),),
    build=build_target_group,
)

COLLECTORS = (LOAD_BALANCER, TARGET_GROUP)
