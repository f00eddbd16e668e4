"""Readiness rules: one small class per rule, with an id, severity, title and remediation.

The registry lives here, in the module every rule module imports (``@register``); the package
``paymentaudit.rules`` imports the rule modules and lists them.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from paymentaudit.model import UNREADABLE, Resource, Severity, Status


class NotEvaluated(Exception):
    """The data a rule needs could not be read."""


@dataclass(frozen=True)
class Outcome:
    """The result of one rule on one resource (or on the environment)."""

    rule: str
    status: Status
    service: str
    resource_type: str
    resource: str  # logical name
    physical_id: str
    path: str = ""
    expected: Any = None
    actual: Any = None
    message: str = ""
    severity: Severity | None = None  # overrides the rule's severity for this outcome


class RuleContext:
    """What a rule may look at: the target snapshot's resources, indexed."""

    def __init__(self, snapshot: Any) -> None:
        self.snapshot = snapshot
        self.suffix: str = snapshot.suffix
        self.replica_region: str = snapshot.replica_region
        self.region: str = snapshot.region
        self.failed = snapshot.failed_services()
        self._by_type: dict[str, list[Resource]] = {}
        self._index: dict[str, Resource] = {}
        self._groups: dict[tuple[str, str], dict[Any, list[Resource]]] = {}
        self._memo: dict[str, Any] = {}
        for res in snapshot.resources:
            self._by_type.setdefault(res.type, []).append(res)
            for token in (res.physical_id, res.arn, *res.aliases):
                if token:
                    self._index.setdefault(token, res)

    def of_type(self, resource_type: str) -> list[Resource]:
        """The target's resources of one type."""
        return self._by_type.get(resource_type, [])

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per context (for environment-wide facts several rules share)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def grouped(self, resource_type: str, attribute: str) -> dict[Any, list[Resource]]:
        """Resources of one type by the value of an attribute (``physical_id`` or a top-level
        config key), built once: rules look related resources up without scanning them."""
        key = (resource_type, attribute)
        groups = self._groups.get(key)
        if groups is None:
            groups = self._groups[key] = {}
            for res in self.of_type(resource_type):
                value = res.physical_id if attribute == "physical_id" else res.config.get(attribute)
                if isinstance(value, list | dict):
                    value = repr(value)
                groups.setdefault(value, []).append(res)
        return groups

    def resolve(self, ref: str | None) -> Resource | None:
        """The resource a physical id, ARN or alias refers to, if it is in the snapshot."""
        if not ref:
            return None
        return self._index.get(ref)

    def require(self, *services: str) -> None:
        """Raise NotEvaluated when any of ``services`` could not be read."""
        down = [s for s in services if s in self.failed]
        if down:
            raise NotEvaluated(f"{', '.join(down)} could not be read")

    @staticmethod
    def attr(resource: Resource, path: str) -> Any:
        """A top-level attribute; NotEvaluated when the call that provides it failed."""
        root = path.split(".", 1)[0]
        if root in resource.errors or any(k in resource.errors for k in UNREADABLE):
            raise NotEvaluated(f"{resource.type} {resource.logical_name}: {root} not readable")
        value: Any = resource.config
        for part in path.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        return value


class Rule:
    """Base class. Subclasses set the metadata and implement ``evaluate``."""

    id: ClassVar[str]
    severity: ClassVar[Severity]
    title: ClassVar[str]
    remediation: ClassVar[str]
    service: ClassVar[str]
    resource_types: ClassVar[tuple[str, ...]] = ()
    # (resource type, attribute path glob) pairs this rule governs: a parity difference
    # there takes the rule's severity.
    governs: ClassVar[tuple[tuple[str, str], ...]] = ()
    # Services whose data the rule needs (default: its own service).
    requires: ClassVar[tuple[str, ...]] = ()
    # Environment-level rules evaluate once, not per resource.
    environment_level: ClassVar[bool] = False

    # -- evaluation -------------------------------------------------------------------

    def evaluate(self, ctx: RuleContext) -> Iterator[Outcome]:
        """Outcomes for the target environment (one per applicable resource by default)."""
        targets = list(self.targets(ctx))
        if not targets:
            # None found is no evidence when the service listing them could not be read.
            unread = {t.split(".", 1)[0] for t in self.resource_types if not ctx.of_type(t)}
            if unread & ctx.failed:
                yield self.not_evaluated(
                    None,
                    f"{', '.join(sorted(unread & ctx.failed))} could not be read",
                    resource_type=self.resource_types[0],
                    resource="*",
                )
            return
        for resource in targets:
            try:
                ctx.require(*(self.requires or (self.service,)))
                yield from self.check(resource, ctx)
            except NotEvaluated as why:
                yield self.not_evaluated(resource, str(why))

    def targets(self, ctx: RuleContext) -> Iterable[Resource]:
        """The resources this rule applies to."""
        for resource_type in self.resource_types:
            yield from ctx.of_type(resource_type)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        """Outcomes for one resource."""
        raise NotImplementedError

    def governs_path(self, resource_type: str, path: str, resource: Resource | None = None) -> bool:
        """True when a difference at ``path`` of a ``resource_type`` falls under this rule
        (``resource``, the target's resource when known, lets a rule narrow that down)."""
        return any(
            resource_type == rtype and (fnmatch.fnmatchcase(path, glob) or path == glob)
            for rtype, glob in self.governs
        )

    def stricter(self, path: str, baseline: Any, target: Any) -> bool:
        """True when the target is stricter than the baseline under this rule."""
        return False

    def change_severity(
        self,
        path: str,
        baseline: Any,
        target: Any,
        resource: Resource | None = None,
        ctx: RuleContext | None = None,
    ) -> Severity | None:
        """The severity of a difference this rule governs (the target not stricter): the
        rule's own; a rule that can tell may grade it, or return None when the target value
        is no violation of the rule (the difference then has the default parity severity).
        ``ctx`` is the target environment, for rules that read relationships."""
        return self.severity

    def allowed_change(self, path: str, baseline: Any, target: Any) -> str | None:
        """Why a difference this rule governs is allowed by design (it is then info), or None.
        Example: a blue/green cutover moves the listener's traffic between the two groups."""
        return None

    # -- outcome helpers ----------------------------------------------------------------

    def _outcome(self, status: Status, res: Resource | None, **kw: Any) -> Outcome:
        """An Outcome about ``res``, or, without one, about kw's resource_type/resource."""
        where = {
            "resource_type": kw.pop("resource_type", ""),
            "resource": kw.pop("resource", ""),
            "physical_id": kw.pop("physical_id", ""),
        }
        if res is not None:
            where = {
                "resource_type": res.type,
                "resource": res.logical_name,
                "physical_id": res.physical_id,
            }
        service = kw.pop("service", None) or (res.service if res else self.service)
        return Outcome(rule=self.id, status=status, service=service, **where, **kw)

    def passed(self, res: Resource | None, path: str = "", **kw: Any) -> Outcome:
        """A passing outcome."""
        return self._outcome(Status.PASS, res, path=path, **kw)

    def failed(
        self,
        res: Resource | None,
        path: str,
        expected: Any,
        actual: Any,
        message: str,
        **kw: Any,
    ) -> Outcome:
        """A failing outcome: what was expected, what was found, and why it matters."""
        return self._outcome(
            Status.FAIL,
            res,
            path=path,
            expected=expected,
            actual=actual,
            message=message,
            **kw,
        )

    def not_evaluated(self, res: Resource | None, why: str, **kw: Any) -> Outcome:
        """The rule could not be evaluated: its data is unavailable."""
        return self._outcome(Status.NOT_EVALUATED, res, message=why, **kw)

    def expect(
        self, resource: Resource, path: str, ok: bool, expected: Any, actual: Any, message: str
    ) -> Outcome:
        """Pass when ``ok``, else fail with the given details."""
        if ok:
            return self.passed(resource, path, expected=expected, actual=actual)
        return self.failed(resource, path, expected, actual, message)


def greater_is_stricter(path: str, baseline: Any, target: Any) -> bool:
    """Numbers: a larger target value (longer retention) is stricter."""
    try:
        return target is not None and baseline is not None and float(target) > float(baseline)
    except (TypeError, ValueError):
        return False


def enabled_is_stricter(path: str, baseline: Any, target: Any) -> bool:
    """Flags: on in the target, off in the baseline, is stricter."""
    return _truthy(target) and not _truthy(baseline)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "enabled", "1", "yes")
    return bool(value)


class FlagRule(Rule):
    """A rule that one attribute must be on: true, or a given value ("Enabled", "Active").

    Subclasses set ``attribute``, ``failure`` (why it matters) and, for a value other than
    true, ``expected``. A difference there governed by the rule is stricter when the target
    has the flag on and the baseline has not.
    """

    attribute: ClassVar[str]
    expected: ClassVar[Any] = True
    failure: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "governs" not in cls.__dict__ and getattr(cls, "attribute", None):
            cls.governs = tuple((rtype, cls.attribute) for rtype in cls.resource_types)

    def check(self, resource: Resource, ctx: RuleContext) -> Iterator[Outcome]:
        value = ctx.attr(resource, self.attribute)
        on = bool(value) if self.expected is True else value == self.expected
        yield self.expect(resource, self.attribute, on, self.expected, value, self.failure)

    def stricter(self, path: str, baseline: Any, target: Any) -> bool:
        if self.expected is True:
            return enabled_is_stricter(path, baseline, target)
        return target == self.expected and baseline != self.expected


# -- the registry -----------------------------------------------------------------------

RULE_ID_RE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)+$")
_REGISTRY: dict[str, Rule] = {}

R = TypeVar("R", bound=type[Rule])


class DuplicateRuleError(ValueError):
    """Two rules declare the same id."""


def register(cls: R) -> R:
    """Class decorator: add a rule to the registry; a duplicate or incomplete rule raises."""
    rule_id = getattr(cls, "id", None)
    if not isinstance(rule_id, str) or not RULE_ID_RE.match(rule_id):
        raise ValueError(f"{cls.__name__}: rule id {rule_id!r} must look like ABC-DEF")
    if rule_id in _REGISTRY:
        raise DuplicateRuleError(f"duplicate rule id {rule_id} ({cls.__name__})")
    for attr in ("title", "remediation", "service"):
        if not getattr(cls, attr, ""):
            raise ValueError(f"{rule_id}: missing {attr}")
    if not isinstance(getattr(cls, "severity", None), Severity):
        raise ValueError(f"{rule_id}: severity must be a Severity")
    _REGISTRY[rule_id] = cls()
    return cls


def registered() -> dict[str, Rule]:
    """The registered rules by id (a copy)."""
    return dict(_REGISTRY)
