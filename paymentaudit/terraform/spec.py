"""What a mapping module declares: how a Terraform type becomes a collector resource type.

A *primary* Terraform type (``aws_vpc``) becomes one resource of the audit's model
(``ec2.vpc``) through a :class:`Spec`. Other types fold into a primary one (``aws_flow_log``
into ``ec2.vpc.flow_logs``) through a :class:`Relation`: the engine attaches each such child
to the primary resource it references, and the primary's ``build`` reads its children.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from paymentaudit.terraform.document import TfResource, text


@dataclass
class Built:
    """What a mapping makes of one Terraform resource (the collector's ``Built``, plus ids)."""

    config: dict[str, Any]
    physical_id: str = ""
    arn: str = ""
    aliases: tuple[str, ...] = ()


class Context(Protocol):
    """What a mapping function may ask the engine."""

    suffix: str
    ssm_prefix: str
    account: str  # the account id, or the "<account>" placeholder

    def resolve(self, value: Any) -> Any:
        """A value with every reference resolved."""

    def attribute(self, res: TfResource, attr: str) -> Any:
        """``${<res>.<attr>}``: set, derived, the logical name, or known after apply."""

    def children(self, res: TfResource, tf_type: str) -> list[TfResource]:
        """The resources of ``tf_type`` that fold into ``res`` (see Relation)."""

    def referenced(self, value: Any, *tf_types: str) -> TfResource | None:
        """The resource of one of ``tf_types`` a value refers to (a reference, an id, a name)."""

    def logical(self, res: TfResource) -> str:
        """The logical name a resource has in the audit's model."""

    def policy(self, value: Any) -> dict[str, Any] | None:
        """A policy document (JSON string or dict) resolved and in canonical form."""


Name = Callable[[TfResource, Context], "str | None"]
Build = Callable[[TfResource, Context], Built]


@dataclass(frozen=True)
class Spec:
    """A primary Terraform type: the resource type it becomes and how."""

    service: str
    type: str
    name: Name  # the physical name the collector derives the logical name from
    build: Build
    logical: Callable[[str, Context], str] | None = None  # default: naming.logical_name
    taggable: bool = True  # Terraform default_tags apply


@dataclass(frozen=True)
class Relation:
    """A child type that folds into a primary one: ``keys`` are the child's references to it."""

    child: str
    parents: tuple[str, ...]
    keys: Callable[[TfResource], list[Any]]


def attr_keys(*names: str) -> Callable[[TfResource], list[Any]]:
    """Relation keys: the values of some attributes (lists are flattened)."""

    def keys(res: TfResource) -> list[Any]:
        """The non-empty values of the attributes."""
        out: list[Any] = []
        for name in names:
            value = res.attrs.get(name)
            out.extend(value if isinstance(value, list) else [value])
        return [v for v in out if v not in (None, "")]

    return keys


def named(attr: str) -> Name:
    """A Spec name function: the resolved value of one attribute."""

    def name(res: TfResource, ctx: Context) -> str | None:
        """The resolved attribute, when it is a non-empty string."""
        value = ctx.resolve(text(res.attrs.get(attr)))
        return value if isinstance(value, str) and value else None

    return name
