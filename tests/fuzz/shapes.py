"""Hypothesis strategies from botocore's own output shapes: what an AWS API may really return.

``responses(service).output(operation)`` is a strategy for one parsed response of an operation
(the dict boto3 gives back, without ``ResponseMetadata``), built from
``botocore.session.get_session().get_service_model(service).operation_model(op).output_shape``:

* structures: every member optional (present or absent), so that absent members are exercised;
  a tagged union holds exactly one member;
* lists: small (0 to ``MAX_LIST`` elements); maps: small, keys from the key shape;
* strings: a value of the enum when the shape has one; otherwise short text, ids, names and
  ARNs (chosen by the member's name: ``...Arn`` gives ARN-like strings, ``...Id`` ids...),
  within the shape's min/max length when it has them;
* integers and longs within the shape's min/max; floats and doubles finite; booleans;
  timestamps as timezone-aware datetimes (what botocore parses them to); blobs as bytes;
* documents: small JSON values.

Recursive shapes are bounded: below ``max_depth`` a structure is ``{}``, a list or a map
empty. Strategies are cached per (shape, depth, required paths), so a service's strategies are
built once per process.

``overrides`` replaces the strategy of a member (``"Shape.Member"``) or of every use of a shape
(``"Shape"``): the fuzz tests use it to plant canary secrets in the members that carry secrets
and to make policy documents JSON. ``output(op, require="Functions")`` makes a dotted path of
members present (and a list at its end non-empty): a list call that lists something. Several
paths may be given; a path through a list applies to each element
(``("Config.Rules", "Config.Rules.Status")``: at least one rule, each with its status).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape
from hypothesis import strategies as st

MAX_LIST = 2
MAX_DEPTH = 8
ACCOUNT = "123456789012"

# A strategy factory for one member or shape: (the builder, the shape, the depth) -> strategy.
Override = Callable[["ShapeStrategies", Shape, int], st.SearchStrategy[Any]]


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def service_model(service: str) -> Any:
    """botocore's service model (parsed once per process)."""
    return _session().get_service_model(service)


def operation_model(service: str, operation: str) -> OperationModel:
    """An operation's model, by API name (``ListFunctions``) or client method
    (``list_functions``)."""
    model = service_model(service)
    names = {botocore.xform_name(n): n for n in model.operation_names}
    return model.operation_model(names.get(operation, operation))


# -- scalars ----------------------------------------------------------------------------------

_ALNUM = string.ascii_lowercase + string.digits
_HEX = "0123456789abcdef"


def _short_text() -> st.SearchStrategy[str]:
    return st.text(max_size=12)


def _word() -> st.SearchStrategy[str]:
    return st.text(alphabet=_ALNUM + "-_", min_size=1, max_size=12)


def _ids() -> st.SearchStrategy[str]:
    prefixed = st.builds(
        lambda p, h: f"{p}-{h}",
        st.sampled_from(["vpc", "subnet", "sg", "rtb", "vpce", "igw", "nat", "pl", "fl"]),
        st.text(alphabet=_HEX, min_size=8, max_size=17),
    )
    return st.one_of(prefixed, st.uuids().map(str), _word())


def _names() -> st.SearchStrategy[str]:
    """Resource names: some end with an environment suffix, so that naming is exercised."""
    return (
        st.builds(
            lambda base, suffix: base + suffix,
            st.sampled_from(["payment-processor", "payment-alb", "payment", "x", "/aws/lambda/fn"]),
            st.sampled_from(["", "-dev", "-prod-abc123", "-prod", ".fifo", "-prod-abc123.fifo"]),
        )
        | _word()
    )


def _arns(service: str) -> st.SearchStrategy[str]:
    return st.builds(
        lambda svc, region, account, kind, name: f"arn:aws:{svc}:{region}:{account}:{kind}{name}",
        st.sampled_from([service, "kms", "iam", "s3", "lambda", "sns"]),
        st.sampled_from(["us-east-1", "us-west-2", ""]),
        st.sampled_from([ACCOUNT, "210987654321", ""]),
        st.sampled_from(["key/", "role/", "function:", "", "targetgroup/", "secret:"]),
        _names(),
    )


def _fit(strategy: st.SearchStrategy[str], shape: Shape) -> st.SearchStrategy[str]:
    """Strings within the shape's length bounds (the bounds of real responses): padded or cut,
    never filtered."""
    low = int(shape.metadata.get("min") or 0)
    high = shape.metadata.get("max")
    if not low and high is None:
        return strategy

    def fit(text: str) -> str:
        text = text + "0" * max(0, low - len(text))
        return text if high is None else text[: max(int(high), low)]

    return strategy.map(fit)


def _string(service: str, member: str, shape: Shape) -> st.SearchStrategy[str]:
    enum = getattr(shape, "enum", None)
    if enum:
        return st.sampled_from(list(enum))
    lowered = member.lower()
    if lowered.endswith("arn") or lowered.endswith("arns"):
        base = st.one_of(_arns(service), _short_text())
    elif lowered.endswith(("id", "ids", "identifier")):
        base = st.one_of(_ids(), _short_text())
    elif "name" in lowered:
        base = st.one_of(_names(), _short_text())
    else:
        base = st.one_of(_short_text(), _word(), _ids(), _arns(service))
    return _fit(base, shape)


def _number(shape: Shape, low_default: int, high_default: int) -> st.SearchStrategy[int]:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    low = low_default if low is None else int(low)
    high = high_default if high is None else int(high)
    return st.integers(min_value=low, max_value=max(low, high))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=6), inner, max_size=2)
    ),
    max_leaves=4,
)


# -- the builder ------------------------------------------------------------------------------


class ShapeStrategies:
    """Strategies for one service's shapes (see the module docstring)."""

    def __init__(
        self,
        service: str,
        overrides: Mapping[str, Override] | None = None,
        *,
        max_depth: int = MAX_DEPTH,
        max_list: int = MAX_LIST,
    ) -> None:
        self.service = service
        self.model = service_model(service)
        self.overrides = dict(overrides or {})
        self.max_depth = max_depth
        self.max_list = max_list
        self._cache: dict[tuple[str, str, int, tuple[str, ...]], st.SearchStrategy[Any]] = {}

    def output(
        self, operation: str, require: str | tuple[str, ...] | None = None
    ) -> st.SearchStrategy[Any]:
        """A parsed response of ``operation`` (``require``: dotted paths made present)."""
        shape = operation_model(self.service, operation).output_shape
        if shape is None:
            return st.just({})
        paths = (require,) if isinstance(require, str) else tuple(require or ())
        return self.shape(shape, member="", depth=0, require=paths)

    def shape(
        self, shape: Shape, member: str = "", depth: int = 0, require: tuple[str, ...] = ()
    ) -> st.SearchStrategy[Any]:
        """The strategy of one shape, used as ``member`` (for name-based string choices)."""
        key = (shape.name, member, depth, require)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._build(shape, member, depth, require)
        return found

    def _build(self, shape: Shape, member: str, depth: int, require: tuple[str, ...]) -> Any:
        override = self.overrides.get(shape.name)
        if override is not None:
            return override(self, shape, depth)
        kind = shape.type_name
        if isinstance(shape, StructureShape):
            if getattr(shape, "is_document_type", False):
                return _JSON
            return self._structure(shape, depth, require)
        if isinstance(shape, ListShape):
            if depth >= self.max_depth:
                return st.just([])
            inner = tuple(path for path in require if path != ".")
            element = self.shape(shape.member, member, depth + 1, inner)
            return st.lists(element, min_size=int("." in require), max_size=self.max_list)
        if isinstance(shape, MapShape):
            if depth >= self.max_depth:
                return st.just({})
            keys = self.shape(shape.key, "key", depth + 1)
            values = self.shape(shape.value, member, depth + 1)
            return st.dictionaries(keys, values, max_size=self.max_list)
        if kind == "string":
            return _string(self.service, member, shape)
        if kind in ("integer", "long"):
            return _number(shape, -1, 2**31 - 1)
        if kind in ("float", "double"):
            return st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "timestamp":
            return st.datetimes(
                min_value=datetime(2000, 1, 1),
                max_value=datetime(2040, 1, 1),
                timezones=st.just(UTC),
            )
        if kind == "blob":
            return st.binary(max_size=8)
        raise NotImplementedError(f"{self.service}: shape type {kind} ({shape.name})")

    def _structure(self, shape: StructureShape, depth: int, require: tuple[str, ...]) -> Any:
        if depth >= self.max_depth:
            return st.just({})
        below: dict[str, tuple[str, ...]] = {}  # required member -> the paths below it
        for path in require:
            if path != ".":
                head, _, rest = path.partition(".")
                below[head] = (*below.get(head, ()), rest or ".")
        members: dict[str, st.SearchStrategy[Any]] = {}
        for name, child in shape.members.items():
            if name == "ResponseMetadata":
                continue
            override = self.overrides.get(f"{shape.name}.{name}")
            if override is not None:
                members[name] = override(self, child, depth + 1)
            else:
                members[name] = self.shape(child, name, depth + 1, below.get(name, ()))
        unknown = set(below) - set(members)
        if unknown:
            raise KeyError(f"{self.service} {shape.name} has no member {sorted(unknown)}")
        if shape.metadata.get("union"):
            return st.one_of(*(st.fixed_dictionaries({n: s}) for n, s in members.items()))
        required = {name: members.pop(name) for name in below}
        return st.fixed_dictionaries(required, optional=members)


@cache
def responses(service: str) -> ShapeStrategies:
    """The shared strategies of a service's responses (no overrides)."""
    return ShapeStrategies(service)
