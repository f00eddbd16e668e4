"""Layouts: the names that differ between deployments of the same design (:data:`STACK`, what
``stack/`` deploys; :data:`LEGACY`, the original design's script)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from paymentaudit.platform.database import AURORA, DbInstance
from paymentaudit.platform.environments import SUFFIX_FIELD
from paymentaudit.platform.network import SUBNETS


@dataclass(frozen=True)
class RouteTable:
    """A route table (Name tag base, or None: no Name tag) and the subnets it serves."""

    name: str | None
    subnets: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    """How one deployment names what the design leaves open. Everything else is the stack's."""

    name: str
    route_tables: tuple[RouteTable, ...]
    db_instances: tuple[DbInstance, ...]
    db_security_group: str
    plants_drifts: bool  # the sandbox plants its drifts in the target


STACK = Layout(
    name="stack",
    route_tables=tuple(RouteTable(s.route_table, (s.name,)) for s in SUBNETS),
    db_instances=AURORA.instances,
    db_security_group=AURORA.security_group.name,
    plants_drifts=True,
)
# The original design's own names: two environments were built by its script, not by stack/.
LEGACY = Layout(
    name="legacy",
    route_tables=(RouteTable(None, tuple(s.name for s in SUBNETS)),),
    db_instances=(
        DbInstance(f"payment-aurora-{SUFFIX_FIELD}-1", "us-east-1a"),
        DbInstance(f"payment-aurora-{SUFFIX_FIELD}-2", "us-east-1b"),
    ),
    db_security_group="payment-db-sg",
    plants_drifts=False,
)
LAYOUTS: Mapping[str, Layout] = MappingProxyType({STACK.name: STACK, LEGACY.name: LEGACY})


def layout(key: str) -> Layout:
    """The layout called ``key`` (stack or legacy); ValueError for another."""
    try:
        return LAYOUTS[key]
    except KeyError:
        raise ValueError(
            f"unknown sandbox layout {key!r}: use one of {', '.join(LAYOUTS)}"
        ) from None
