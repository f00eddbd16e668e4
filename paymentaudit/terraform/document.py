"""The Terraform resources of a desired state, whichever file they came from.

Both sources, a synthesized ``cdk.tf.json`` and a Terraform state file, are read into the
same shape: a list of :class:`TfResource` (type, name, attributes, region, tags). The two
differ in what the attributes hold, and the mapping copes with both:

- cdk.tf.json holds what the code wrote: references as ``${type.name.attr}`` strings, unset
  attributes absent, nested blocks as a dict or a list of dicts;
- a state file holds what Terraform stored after apply: every attribute (unset ones as
  ``null``, ``""``, ``0`` or ``[]``), references already resolved to ids and ARNs, nested
  blocks always as lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TfResource:
    """One Terraform resource (or data source) instance."""

    type: str
    name: str
    attrs: dict[str, Any]
    region: str
    tags: dict[str, Any] | None = None  # provider default_tags merged with the resource's tags
    mode: str = "managed"  # "managed" | "data"

    @property
    def address(self) -> str:
        """The Terraform address: ``aws_vpc.vpc`` or ``data.aws_caller_identity.current``."""
        prefix = "data." if self.mode == "data" else ""
        return f"{prefix}{self.type}.{self.name}"


@dataclass
class TfDocument:
    """Everything the mapping needs from one desired-state file."""

    source: str  # "cdk.tf.json" | "tfstate"
    resources: list[TfResource]
    account_id: str = ""  # "" when unknown (a synth: the account is an interpolation)
    suffix: str | None = None  # EnvironmentSuffix of the provider default tags, when set
    info: dict[str, Any] = field(default_factory=dict)

    def by_address(self) -> dict[str, TfResource]:
        """Resources and data sources by address."""
        return {r.address: r for r in self.resources}


def block(value: Any) -> dict[str, Any]:
    """A nested block as a dict: cdk.tf.json writes ``{...}`` or ``[{...}]``, state ``[{...}]``."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, list) and value and isinstance(value[0], Mapping):
        return dict(value[0])
    return {}


def blocks(value: Any) -> list[dict[str, Any]]:
    """A repeated nested block as a list of dicts (a single dict becomes a list of one)."""
    if isinstance(value, Mapping):
        return [dict(value)]
    if isinstance(value, list):
        return [dict(v) for v in value if isinstance(v, Mapping)]
    return []


def text(value: Any, default: Any = None) -> Any:
    """An optional string: ``None`` and ``""`` (how state stores an unset string) give default."""
    if value is None or value == "":
        return default
    return value


def flag(value: Any, default: bool) -> bool:
    """An optional boolean (``"true"``/``"false"`` strings accepted)."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def number(value: Any, default: Any = None) -> Any:
    """An optional number (numeric strings accepted); ``None``/``""`` give default."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return value
    return value


def strings(value: Any) -> list[Any]:
    """An optional list attribute as a list (absent, ``null`` -> ``[]``; a scalar -> ``[v]``)."""
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


def tag_map(value: Any) -> dict[str, Any]:
    """Tags of a provider ``default_tags`` block (``[{"tags": {...}}]``) or of a resource."""
    if isinstance(value, list):
        value = block(value)
    if isinstance(value, Mapping) and set(value) == {"tags"}:
        value = value["tags"]
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items() if v is not None}
    return {}
