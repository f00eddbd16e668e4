"""ALB readiness rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from paymentaudit.model import Resource, Severity
from paymentaudit.rules.base import (
    NotEvaluated,
    Outcome,
    Rule,
    RuleContext,
    enabled_is_stricter,
    register,
)

DELETION_PROTECTION = "deletion_protection.enabled"


def forwarded_groups(load_balancer: Resource) -> dict[str, int]:
    """Target-group ARN -> weight, over every listener's forward actions."""
    out: dict[str, int] = {}
    for listener in (load_balancer.config.get("listeners") or {}).values():
        for action in listener.get("default_actions", []):
            for arn, weight in (action.get("target_groups") or {}).items():
                out[arn] = max(out.get(arn, 0), weight or 0)
    return out


def group_colors(ctx: RuleContext) -> set[str]:
    """Which of blue and green the environment's target groups are named for."""
    return {
        c
        for g in ctx.of_type("elbv2.target_group")
        for c in ("blue", "green")
        if c in g.logical_name
    }


COLOURS = ("blue", "green")


def _target_groups(value: Any) -> Iterator[list[str]]:
    """The target group names of every forward inside a (normalized) listeners value."""
    if isinstance(value, dict):
        groups = value.get("target_groups")
        if isinstance(groups, dict):
            yield [str(k) for k in groups]
        for child in value.values():
            yield from _target_groups(child)
    elif isinstance(value, list):
        for child in value:
            yield from _target_groups(child)


@register
class AlbBlueGreen(Rule):
    id = "ALB-BLUE-GREEN"
    severity = Severity.HIGH
    title = "The ALB has a blue and a green target group and forwards to them"
    remediation = (
        "Create target groups payment-blue-<suffix> and payment-green-<suffix> and make the "
        "listener forward to them (weighted: blue 100, green 0 before a cutover)."
    )
    service = "elbv2"
    resource_types = ("elbv2.load_balancer",)
    governs = (("elbv2.load_balancer", "listeners*"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        ctx.attr(resource, "listeners")
        colors = ctx.memo("target-group-colors", lambda: group_colors(ctx))
        forwarded = forwarded_groups(resource)
        forwarded_colors = set()
        for arn in forwarded:
            group = ctx.resolve(arn)
            if group is not None:
                forwarded_colors |= {c for c in ("blue", "green") if c in group.logical_name}
        ok = colors == {"blue", "green"} and bool(forwarded_colors)
        yield self.expect(
            resource,
            "listeners",
            ok,
            {"target_groups": ["blue", "green"], "forwards_to": "blue and/or green"},
            {"target_groups": sorted(colors), "forwards_to": sorted(forwarded_colors)},
            "no blue/green pair behind the listener: a cutover cannot be a weight change",
        )

    def change_severity(
        self,
        path: str,
        baseline: Any,
        target: Any,
        resource: Resource | None = None,
        ctx: RuleContext | None = None,
    ) -> Severity | None:
        """High when the listener's forward no longer reaches a blue or green group (a weight
        shift between them, a port or a protocol is a plain difference)."""
        forwards = list(_target_groups(target))
        if not forwards and "default_actions" not in path and path != "listeners":
            return None
        reaches = any(c in name for names in forwards for name in names for c in COLOURS)
        return None if reaches else self.severity

    def allowed_change(self, path: str, baseline: Any, target: Any) -> str | None:
        """A blue/green cutover: the listeners differ only in how traffic is shared between
        target groups, and on both sides every forward reaches blue or green groups only."""
        if _without_groups(baseline) != _without_groups(target):
            return None
        for side in (baseline, target):
            forwards = list(_target_groups(side))
            if not forwards or not all(
                names and all(any(c in n for c in COLOURS) for n in names) for names in forwards
            ):
                return None
        return "an allowed blue/green cutover"


def _without_groups(value: Any) -> Any:
    """A listeners value without its forward target groups (what a cutover changes)."""
    if isinstance(value, dict):
        return {k: _without_groups(v) for k, v in value.items() if k != "target_groups"}
    if isinstance(value, list):
        return [_without_groups(v) for v in value]
    return value


@register
class AlbDeletionProtection(Rule):
    id = "ALB-DELETION-PROTECTION"
    severity = Severity.MEDIUM
    title = "ALB deletion protection is on in the target environment"
    remediation = "Set enable_deletion_protection = true on the load balancer."
    service = "elbv2"
    resource_types = ("elbv2.load_balancer",)
    governs = (("elbv2.load_balancer", f"attributes[{DELETION_PROTECTION}]"),)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        attrs = ctx.attr(resource, "attributes") or {}
        if DELETION_PROTECTION not in attrs:  # ELBv2 returns it for every load balancer
            raise NotEvaluated(f"{DELETION_PROTECTION} not in the load balancer's attributes")
        value = str(attrs.get(DELETION_PROTECTION, "false")).lower()
        yield self.expect(
            resource,
            f"attributes[{DELETION_PROTECTION}]",
            value == "true",
            "true",
            value,
            "the load balancer can be deleted without first disabling protection",
        )

    def stricter(self, path: str, baseline: object, target: object) -> bool:
        return enabled_is_stricter(path, baseline, target)
