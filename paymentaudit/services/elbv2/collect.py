"""ELBv2: the ALB (scheme, groups, attributes, listeners) and its target groups.

Members missing from a response, decided member by member from the ELBv2 API reference:

* Unknown when absent (``item.errors[<attribute>] = "<Member> not in the response"``: not
  compared, and a rule reading the attribute is not evaluated): a load balancer's ``Scheme``
  (never read as internet-facing); DescribeLoadBalancerAttributes' ``Attributes`` (or an
  attribute without its ``Key``); a listener's ``DefaultActions`` (every listener has one), a
  forward target group without its ``TargetGroupArn``; DescribeTargetHealth's
  ``TargetHealthDescriptions`` (or a description without its ``Target.Id``).
* Absent with a meaning, kept: a load balancer's ``SecurityGroups`` (a Network Load Balancer
  made without security groups has none); a target group's ``Port`` and ``Protocol`` (a
  Lambda target group has neither); a target's ``TargetHealth`` (state unknown: None); a
  forward action's ``ForwardConfig`` (the single ``TargetGroupArn`` form) and a weight (1, the
  weight of a group forwarded to alone).
* DescribeListeners is paginated: a page without ``Listeners`` reads as a page with none (the
  engine concatenates pages).
"""

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


class Unknown(Exception):
    """A member ELBv2 always returns is missing: the attribute is unknown."""


def _forward(action: dict[str, Any]) -> dict[str, int]:
    """A forward action as {target group: traffic share}, whichever shape AWS used."""
    groups = (action.get("ForwardConfig") or {}).get("TargetGroups")
    if groups:
        if any(g.get("TargetGroupArn") is None for g in groups):
            raise Unknown("a forward's TargetGroupArn not in the response")
        return traffic_shares({g["TargetGroupArn"]: g.get("Weight", 1) for g in groups})
    if action.get("TargetGroupArn"):
        return traffic_shares({action["TargetGroupArn"]: 1})
    return {}


def actions(raw_actions: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Listener actions in order, forward target groups with their traffic shares."""
    out = []
    for action in sorted(raw_actions or [], key=lambda a: _order(a.get("Order"))):
        entry: dict[str, Any] = {"type": action.get("Type")}
        if action.get("Type") == "forward":
            entry["target_groups"] = _forward(action)
        elif action.get("Type") == "redirect":
            entry["redirect"] = action.get("RedirectConfig")
        elif action.get("Type") == "fixed-response":
            entry["fixed_response"] = action.get("FixedResponseConfig")
        out.append(entry)
    return out


def _order(value: Any) -> int:
    return value if isinstance(value, int) else 0


def _attributes(attributes: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    if attributes is None:
        raise Unknown("Attributes not in the response")
    if any(a.get("Key") is None for a in attributes):
        raise Unknown("an attribute's Key not in the response")
    return {a["Key"]: a.get("Value") for a in attributes}


def _listeners(listeners: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    if listeners is None:
        return None
    out = {}
    for listener in listeners:
        if listener.get("DefaultActions") is None:
            raise Unknown("a listener's DefaultActions not in the response")
        out[f"{listener.get('Protocol')}:{listener.get('Port')}"] = {
            "protocol": listener.get("Protocol"),
            "port": listener.get("Port"),
            "ssl_policy": listener.get("SslPolicy"),
            "default_actions": actions(listener.get("DefaultActions")),
        }
    return out


def _read(item: Item, key: str, reduce: Any) -> Any:
    """A detail reduced to its attribute (None when its call failed: item.errors says why); a
    missing member records the attribute as unknown."""
    if key in item.errors:
        return None
    try:
        return reduce(item.details.get(key))
    except Unknown as why:
        item.errors[key] = str(why)
        return None


def build_load_balancer(item: Item, scope: Scope) -> Built:
    """Load balancer: type, scheme, groups, subnets, attributes, listeners by protocol:port;
    an always-returned member that is missing makes its attribute unknown (see the
    docstring)."""
    raw = item.raw
    listeners = item.details.get("listeners")
    config = {
        "load_balancer_type": raw.get("Type"),
        "internal": raw.get("Scheme") == "internal",
        "ip_address_type": raw.get("IpAddressType"),
        "security_groups": sorted(str(g) for g in raw.get("SecurityGroups") or []),
        "subnets": sorted(
            str(z["SubnetId"]) for z in raw.get("AvailabilityZones") or [] if z.get("SubnetId")
        ),
        "attributes": _read(item, "attributes", _attributes),
        "listeners": _read(item, "listeners", _listeners),
    }
    if raw.get("Scheme") is None:
        item.errors.setdefault("internal", "Scheme not in the response")
        config["internal"] = None
    listener_arns = tuple(str(x.get("ListenerArn") or "") for x in listeners or [])
    aliases = (str(raw.get("DNSName") or ""), *listener_arns)
    return Built(config=config, aliases=tuple(a for a in aliases if a))


def build_target_group(item: Item, scope: Scope) -> Built:
    """Target group: protocol, type, health check, registered targets and their health.

    Which load balancers use it is not kept: that is the listeners' forward actions, compared
    on the load balancer (a group at weight 0 is not attached, yet routes the same)."""
    raw = item.raw
    health = item.details.get("targets")
    if "targets" not in item.errors and health is None:
        item.errors["targets"] = "TargetHealthDescriptions not in the response"
    elif any(not (t.get("Target") or {}).get("Id") for t in health or []):
        item.errors.setdefault("targets", "a target's Target.Id not in the response")
        health = None
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
