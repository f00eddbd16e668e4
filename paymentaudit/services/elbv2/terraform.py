"""Terraform types -> elbv2.load_balancer (with its listeners) and elbv2.target_group."""

from __future__ import annotations

from typing import Any

from paymentaudit.services.elbv2.collect import traffic_shares
from paymentaudit.terraform.document import TfResource, block, blocks, flag, number, strings, text
from paymentaudit.terraform.refs import later, others
from paymentaudit.terraform.spec import Built, Context, Relation, Spec, attr_keys, named

# -- ELBv2 ---------------------------------------------------------------------------------------


def _ids(ctx: Context, value: Any) -> list[Any]:
    return sorted((ctx.resolve(v) for v in strings(value)), key=str)


def _bool_text(value: Any, default: bool) -> str:
    return "true" if flag(value, default) else "false"


def actions(items: list[dict[str, Any]], ctx: Context) -> list[dict[str, Any]]:
    """Listener actions in order, like ``collect.actions`` (forward: group -> traffic share)."""
    out = []
    for action in sorted(items, key=lambda x: number(x.get("order"), 0) or 0):
        kind = text(action.get("type"))
        entry: dict[str, Any] = {"type": kind}
        if kind == "forward":
            groups = blocks(block(action.get("forward")).get("target_group"))
            if groups:
                entry["target_groups"] = traffic_shares(
                    {str(ctx.resolve(g.get("arn"))): number(g.get("weight"), 1) for g in groups}
                )
            elif text(action.get("target_group_arn")):
                entry["target_groups"] = traffic_shares(
                    {str(ctx.resolve(action["target_group_arn"])): 1}
                )
            else:
                entry["target_groups"] = {}
        elif kind == "redirect":
            r = block(action.get("redirect"))
            entry["redirect"] = {
                "Protocol": text(r.get("protocol"), "#{protocol}"),
                "Port": text(r.get("port"), "#{port}"),
                "Host": text(r.get("host"), "#{host}"),
                "Path": text(r.get("path"), "/#{path}"),
                "Query": text(r.get("query"), "#{query}"),
                "StatusCode": text(r.get("status_code")),
            }
        elif kind == "fixed-response":
            r = block(action.get("fixed_response"))
            entry["fixed_response"] = {
                "MessageBody": text(r.get("message_body")),
                "StatusCode": text(r.get("status_code")),
                "ContentType": text(r.get("content_type")),
            }
        out.append(entry)
    return out


def listener_groups(res: TfResource) -> list[Any]:
    """The target groups a listener's default actions forward to (relation keys)."""
    found: list[Any] = []
    for action in blocks(res.attrs.get("default_action")):
        found.extend(g.get("arn") for g in blocks(block(action.get("forward")).get("target_group")))
        found.append(action.get("target_group_arn"))
    return [g for g in found if g not in (None, "")]


def _listener(res: TfResource, lb_type: str, ctx: Context) -> tuple[str, dict[str, Any]]:
    a = res.attrs
    protocol = text(a.get("protocol")) or ("HTTP" if lb_type == "application" else "TCP")
    port = number(a.get("port"))
    record = {
        "protocol": protocol,
        "port": port,
        "ssl_policy": text(a.get("ssl_policy")) or later(res, "ssl_policy"),
        "default_actions": actions(blocks(a.get("default_action")), ctx),
    }
    return f"{protocol}:{port}", record


def build_load_balancer(res: TfResource, ctx: Context) -> Built:
    """Load balancer: type, scheme, groups, subnets, the attributes the code sets, listeners."""
    a = res.attrs
    lb_type = text(a.get("load_balancer_type"), "application")
    attributes: dict[str, Any] = {
        "deletion_protection.enabled": _bool_text(a.get("enable_deletion_protection"), False),
        **others(res, "attributes"),
    }
    if lb_type == "application":
        attributes["routing.http.drop_invalid_header_fields.enabled"] = _bool_text(
            a.get("drop_invalid_header_fields"), False
        )
    if number(a.get("idle_timeout")) is not None:
        attributes["idle_timeout.timeout_seconds"] = str(number(a.get("idle_timeout")))
    logs = block(a.get("access_logs"))
    if logs:
        attributes["access_logs.s3.enabled"] = _bool_text(logs.get("enabled"), True)
        attributes["access_logs.s3.bucket"] = ctx.resolve(text(logs.get("bucket"), ""))
        attributes["access_logs.s3.prefix"] = ctx.resolve(text(logs.get("prefix"), ""))
    subnets = strings(a.get("subnets")) or [
        m.get("subnet_id") for m in blocks(a.get("subnet_mapping"))
    ]
    config = {
        "load_balancer_type": lb_type,
        "internal": flag(a.get("internal"), False),
        "ip_address_type": text(a.get("ip_address_type"), "ipv4"),
        "security_groups": _ids(ctx, a.get("security_groups")) or later(res, "security_groups"),
        "subnets": _ids(ctx, subnets),
        "attributes": attributes,
        "listeners": dict(_listener(x, lb_type, ctx) for x in ctx.children(res, "aws_lb_listener")),
    }
    aliases = tuple(
        str(x.attrs["arn"])
        for x in ctx.children(res, "aws_lb_listener")
        if text(x.attrs.get("arn"))
    )
    return Built(
        config, aliases=(*aliases, *((str(a["dns_name"]),) if text(a.get("dns_name")) else ()))
    )


def build_target_group(res: TfResource, ctx: Context) -> Built:
    """Target group: protocol, type, health check, targets (not their health)."""
    a = res.attrs
    kind = text(a.get("target_type"), "instance")
    check = block(a.get("health_check"))

    def checked(key: str, conv: Any = text) -> Any:
        """A health-check field as set, else known only after apply."""
        value = conv(check.get(key))
        return later(res, f"health_check.{key}") if value in (None, 0) else value

    attachments = ctx.children(res, "aws_lb_target_group_attachment")
    config = {
        "protocol": None
        if kind == "lambda"
        else (text(a.get("protocol")) or later(res, "protocol")),
        "port": None if kind == "lambda" else (number(a.get("port")) or later(res, "port")),
        "target_type": kind,
        "health_check": {
            "enabled": flag(check.get("enabled"), True),
            "path": checked("path"),
            "protocol": checked("protocol"),
            "interval_seconds": checked("interval", number),
            "timeout_seconds": checked("timeout", number),
            "healthy_threshold": checked("healthy_threshold", number),
            "unhealthy_threshold": checked("unhealthy_threshold", number),
            "matcher": checked("matcher"),
        },
        # Registered targets; their health is live-only state, never compared.
        "targets": sorted(
            (
                {"id": ctx.resolve(x.attrs.get("target_id")), "state": later(res, "targets.state")}
                for x in attachments
            ),
            key=lambda t: str(t["id"]),
        ),
    }
    return Built(config)


SPECS: dict[str, Spec] = {
    "aws_lb": Spec("elbv2", "elbv2.load_balancer", named("name"), build_load_balancer),
    "aws_lb_target_group": Spec("elbv2", "elbv2.target_group", named("name"), build_target_group),
}

RELATIONS: tuple[Relation, ...] = (
    Relation("aws_lb_listener", ("aws_lb",), attr_keys("load_balancer_arn")),
    Relation("aws_lb_listener", ("aws_lb_target_group",), listener_groups),
    Relation(
        "aws_lb_target_group_attachment", ("aws_lb_target_group",), attr_keys("target_group_arn")
    ),
)
