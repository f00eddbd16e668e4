"""Collectors declared as data: a list call, per-item detail calls, id and ARN keys.

Only the post-processing (``build``) is code. The engine in ``paymentaudit.engine.scheduler``
runs the declared calls concurrently, paginates, records errors per call, and
derives the read-only allow-list and the IAM policy from these declarations.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from paymentaudit.model import Resource
from paymentaudit.naming import belongs, logical_name


@dataclass(frozen=True)
class Scope:
    """What one environment's calls may depend on."""

    suffix: str
    ssm_prefix: str
    region: str
    account_id: str
    vpc_ids: tuple[str, ...] = ()
    partition: str = "aws"


# Parameters: a mapping of API parameter -> item field ("TableName"), element field
# (".PolicyArn"), the element itself ("."), or a callable (item, element, scope) -> dict.
Params = Mapping[str, str] | Callable[[Any, Any, Scope], dict[str, Any]]


@dataclass(frozen=True)
class Call:
    """One declared API call."""

    op: str
    params: Params = field(default_factory=dict)
    result: str | None = None  # dotted key to keep from the response
    paginate: bool = False  # follow the paginator and concatenate ``result``
    absent: tuple[str, ...] = ()  # error codes that mean "not configured": value None
    each: Call | None = None  # a follow-up call per element of the result list
    each_key: str = "."  # key of the follow-up results: "." (the element) or an element field
    when: Callable[[Any], bool] | None = None  # which elements get the follow-up call
    batch: int = 0  # detail only: one call for up to ``batch`` items
    batch_param: str = ""  # the list parameter filled with item ids
    batch_key: str = ""  # result element field matching an item id

    def walk(self) -> Iterator[Call]:
        """This call and its follow-ups."""
        yield self
        if self.each is not None:
            yield from self.each.walk()

    def build_params(self, item: Any, element: Any, scope: Scope) -> dict[str, Any]:
        """The API parameters for one call."""
        if callable(self.params):
            return self.params(item, element, scope)
        out: dict[str, Any] = {}
        for param, ref in self.params.items():
            if ref == ".":
                out[param] = element
            elif ref.startswith("."):
                out[param] = dig(element, ref[1:])
            else:
                out[param] = dig(item, ref)
        return out


@dataclass(frozen=True)
class Built:
    """What post-processing makes of one item."""

    config: dict[str, Any]
    aliases: tuple[str, ...] = ()  # other identifiers other resources may use (ids, ARNs)
    name: str | None = None  # overrides the collector's name for the logical name


@dataclass(frozen=True)
class Ref:
    """A configuration attribute that points at other resources (ids, names or ARNs).

    The engine follows every reference to a fixed point: a resource an environment's resource
    points at (a cluster's members, the key that encrypts a table, a function's role) belongs
    to the environment too, whatever its name. ``label`` names such a resource when it has no
    usable name of its own: ``<referrer's logical name>/<label>``, with ``-<n>`` (1-based, in
    the attribute's order) when the attribute holds a list.
    """

    type: str  # the referenced resource type
    path: str | Callable[[Resource], list[str]]  # a dotted config path, or a function
    label: str = ""

    def values(self, resource: Resource) -> list[str]:
        """The references a resource holds (strings only; a list gives several)."""
        if callable(self.path):
            found: Any = self.path(resource)
        else:
            found = dig(resource.config, self.path)
        items = found if isinstance(found, list) else [found]
        return [v for v in items if isinstance(v, str) and v]


@dataclass
class Item:
    """One listed item and what its detail calls returned."""

    raw: Any
    region: str
    name: str = ""
    arn: str = ""
    tags: dict[str, str] | None = None
    details: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    tagged: bool = False  # tagged EnvironmentSuffix=<the environment's suffix>
    via_ref: bool = False  # joined the environment because a member refers to it
    named: bool = True  # False: its collector found no usable name (relationships may)

    def detail(self, key: str, default: Any = None) -> Any:
        """A detail call's result, or ``default`` when absent or failed."""
        value = self.details.get(key)
        return default if value is None else value


def dig(data: Any, path: str) -> Any:
    """``data['a']['b']`` for path ``a.b``; None when any step is missing."""
    for part in path.split("."):
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


def tag_dict(tags: Sequence[Mapping[str, str]] | Mapping[str, str] | None) -> dict[str, str]:
    """Tags from any AWS shape ([{Key, Value}], [{TagKey, TagValue}], {k: v}) as a dict."""
    if not tags:
        return {}
    if isinstance(tags, Mapping):
        return {str(k): str(v) for k, v in tags.items()}
    out = {}
    for tag in tags:
        key = tag.get("Key", tag.get("TagKey", tag.get("key")))
        value = tag.get("Value", tag.get("TagValue", tag.get("value", "")))
        if key is not None:
            out[str(key)] = str(value)
    return out


def default_member(item: Item, scope: Scope, tagged: bool) -> bool:
    """Environment membership: name ends with ``-<suffix>`` or tagged EnvironmentSuffix."""
    if tagged:
        return True
    return belongs(item.name, scope.suffix, item.tags)


def default_logical(item: Item, scope: Scope) -> str:
    """Logical name: the name without suffix and environment words."""
    return logical_name(item.name, scope.suffix)


@dataclass(frozen=True)
class Collector:
    """The declaration of one resource type's collection."""

    service: str  # findings service name, e.g. "lambda"
    type: str  # resource type, e.g. "lambda.function"
    list: Call  # enumerates items (result: a list)
    build: Callable[[Item, Scope], Built]
    client: str = ""  # boto3 service name (default: ``service``)
    id: str | Callable[[Any], str] = ""  # item field or function: the physical id
    name: str | Callable[[Any], str] | None = None  # for membership and logical name
    arn: str | Callable[[Any, Scope], str] | None = None
    describe: Call | None = None  # list returns names only: the item becomes this result
    details: Mapping[str, Call] = field(default_factory=dict)
    locate: Call | None = None  # per item: the region its detail calls go to
    locate_fn: Callable[[Any], str] | None = None  # region from ``locate``'s result
    regions: Literal["primary", "all", "global"] = "primary"
    list_scope: Literal["account", "env", "vpc"] = "account"
    member: Callable[[Item, Scope, bool], bool] = default_member
    logical: Callable[[Item, Scope], str] = default_logical
    tags: str | None = None  # item field holding tags, when the list returns them
    expand: (
        Callable[[builtins.list[Any], Scope, Mapping[str, dict[str, str]]], builtins.list[Any]]
        | None
    ) = None
    refs: tuple[Ref, ...] = ()  # attributes that point at other resources (followed)
    # An item for a reference the listing does not hold (a key without alias): its describe
    # call reads it. None: only listed items can be followed to.
    from_ref: Callable[[str], Any] | None = None
    # A name from relationships, for a resource without a usable one (a route table named by
    # its subnets): (resource, resolve) -> name or None; resolve maps an id to a Resource.
    relation_name: Callable[[Resource, Callable[[str], Resource | None]], str | None] | None = None

    @property
    def boto_service(self) -> str:
        """The boto3 client name."""
        return self.client or self.service

    def calls(self) -> Iterator[Call]:
        """Every call this collector may make."""
        yield from self.list.walk()
        for call in (self.describe, self.locate, *self.details.values()):
            if call is not None:
                yield from call.walk()

    def item_id(self, raw: Any) -> str:
        """The physical id of a raw item."""
        if callable(self.id):
            return self.id(raw)
        if isinstance(raw, str):
            return raw
        return str(dig(raw, self.id) or "")

    def item_name(self, raw: Any) -> str:
        """The name used for membership and the logical name."""
        if self.name is None:
            return self.item_id(raw)
        if callable(self.name):
            return self.name(raw)
        if isinstance(raw, str):
            return raw
        if self.name.startswith("tag:"):
            return tag_dict(raw.get(self.tags or "Tags")).get(self.name[4:], "")
        return str(dig(raw, self.name) or "")

    def tokens(self, raw: Any, scope: Scope) -> tuple[str, ...]:
        """The identifiers references to a raw item may use: id, name, ARN."""
        found = (self.item_id(raw), self.item_name(raw), self.item_arn(raw, scope))
        return tuple(dict.fromkeys(t for t in found if t))

    def item_arn(self, raw: Any, scope: Scope) -> str:
        """The ARN of a raw item ('' when unknown)."""
        if self.arn is None:
            return ""
        if callable(self.arn):
            return self.arn(raw, scope)
        if isinstance(raw, str):
            return ""
        return str(dig(raw, self.arn) or "")
