"""Typed records shared by every stage: severities, kinds, resources, findings, coverage."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """Finding severity, most severe first."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for critical up to 4 for info: sort key, lower is more severe."""
        return _SEVERITY_ORDER.index(self)

    def at_least(self, other: Severity) -> bool:
        """True when this severity is as severe as ``other`` or more."""
        return self.rank <= other.rank

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Parse a severity name, case-insensitively; ValueError names the allowed values."""
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (allowed: {allowed})") from None


_SEVERITY_ORDER = list(Severity)

# ``Resource.errors`` keys meaning no attribute at all could be read: the describe call
# failed, or (S3) the bucket's region could not be located, so no detail call was made.
UNREADABLE = ("describe", "locate")

# Severities accepted by --fail-on (info never blocks).
FAIL_ON_CHOICES = ("critical", "high", "medium", "low")


class Kind(StrEnum):
    """What produced a finding."""

    POLICY = "policy"  # a readiness rule failed
    PARITY = "parity"  # baseline and target differ on an attribute
    MISSING = "missing"  # in the baseline, not in the target
    UNEXPECTED = "unexpected"  # in the target only
    DRIFT = "drift"  # desired state (code) and live target differ


class Status(StrEnum):
    """Outcome of one rule on one resource."""

    PASS = "pass"
    FAIL = "fail"
    NOT_EVALUATED = "not_evaluated"


@dataclass(frozen=True, slots=True)
class ResourceKey:
    """How resources pair across environments: type plus logical name."""

    type: str
    logical_name: str

    def __str__(self) -> str:
        return f"{self.type}:{self.logical_name}"


@dataclass(frozen=True, slots=True)
class Resource:
    """One collected resource: identity plus its redacted configuration.

    ``config`` holds JSON values only. References to other resources are physical
    ids/ARNs here; normalization maps them to logical names before comparing.
    ``errors`` maps an attribute path to the reason it could not be read.
    """

    service: str
    type: str
    logical_name: str
    physical_id: str
    region: str
    arn: str = ""
    config: Mapping[str, Any] = field(default_factory=dict)
    tags: Mapping[str, str] | None = None  # None: not read (unknown), {}: read, none set
    errors: Mapping[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()  # other identifiers (ids, ARNs) references may use
    # False: neither its name nor its relationships name it (``logical_name`` is a placeholder
    # holding its physical id); it pairs only when it is the only one of its type on each side.
    named: bool = True
    key: ResourceKey = field(init=False, repr=False, compare=False)  # the pairing key

    def __post_init__(self) -> None:
        # Computed once: pairing and indexing read it for every resource, several times.
        object.__setattr__(self, "key", ResourceKey(self.type, self.logical_name))

    def to_dict(self) -> dict[str, Any]:
        """JSON form for snapshot files."""
        out: dict[str, Any] = {
            "service": self.service,
            "type": self.type,
            "logical_name": self.logical_name,
            "physical_id": self.physical_id,
            "region": self.region,
            "arn": self.arn,
            "config": self.config,
            "tags": None if self.tags is None else dict(self.tags),
        }
        if self.errors:
            out["errors"] = dict(self.errors)
        if self.aliases:
            out["aliases"] = list(self.aliases)
        if not self.named:
            out["named"] = False
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Resource:
        """Inverse of :meth:`to_dict`."""
        return cls(
            service=data["service"],
            type=data["type"],
            logical_name=data["logical_name"],
            physical_id=data["physical_id"],
            region=data["region"],
            arn=data.get("arn", ""),
            config=data.get("config", {}),
            tags=data.get("tags"),
            errors=data.get("errors", {}),
            aliases=tuple(data.get("aliases", ())),
            named=bool(data.get("named", True)),
        )


def unnamed_label(physical_id: str) -> str:
    """The placeholder logical name of a resource nothing names."""
    return f"(unnamed {physical_id})"


# One encoder for every call (json.dumps with options builds a new one each time: a compare
# sorts thousands of lists by this key).
_CANONICAL = json.JSONEncoder(sort_keys=True, default=str)


def canonical_json(value: Any) -> str:
    """A value as JSON with sorted keys: equal values give equal text (set and sort keys)."""
    return _CANONICAL.encode(value)


@dataclass(frozen=True, slots=True)
class Coverage:
    """Whether one service could be read, and how many resources it gave."""

    service: str
    status: str  # "ok" | "error"
    resources: int
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form (findings.json ``coverage`` entry)."""
        return {
            "service": self.service,
            "status": self.status,
            "resources": self.resources,
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class NotCompared:
    """An attribute of a paired resource that was not compared, and why (it could not be read,
    or a reference in it could not be resolved, on one side)."""

    resource_type: str
    resource: str
    path: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form (findings.json ``not_compared`` entry)."""
        return {
            "resource_type": self.resource_type,
            "resource": self.resource,
            "path": self.path,
            "reason": self.reason,
        }


_NOTHING: Any = None


class BaselineState(StrEnum):
    """A finding against the previous report of the same target and baseline (SARIF's
    ``baselineState``; ``absent`` is a fixed finding, listed apart)."""

    NEW = "new"
    UNCHANGED = "unchanged"
    UPDATED = "updated"  # the same problem, another value or severity


@dataclass(frozen=True, slots=True)
class Evidence:
    """One part of a finding: a rule's result, or a difference (baseline | target, desired |
    actual, then | now). A problem one rule failure and its differences describe is one
    finding; each of them is one part of its evidence."""

    kind: Kind
    check: str
    severity: Severity
    path: str
    expected: Any
    actual: Any
    message: str
    baseline_value: Any = None
    desired_value: Any = None
    resource_type: str = ""  # when the part is about a related resource (a function's log group)
    resource: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form (a findings.json ``evidence`` entry)."""
        out = {
            "kind": str(self.kind),
            "check": self.check,
            "severity": str(self.severity),
            "path": self.path,
            "expected": self.expected,
            "actual": self.actual,
            "baseline_value": self.baseline_value,
            "desired_value": self.desired_value,
            "message": self.message,
        }
        if self.resource:
            out.update(resource_type=self.resource_type, resource=self.resource)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evidence:
        """Inverse of :meth:`to_dict`."""
        return cls(
            kind=Kind(data["kind"]),
            check=data["check"],
            severity=Severity(data["severity"]),
            path=data.get("path", ""),
            expected=data.get("expected"),
            actual=data.get("actual"),
            message=data.get("message", ""),
            baseline_value=data.get("baseline_value"),
            desired_value=data.get("desired_value"),
            resource_type=data.get("resource_type", ""),
            resource=data.get("resource", ""),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding (one problem), as written to findings.json.

    Its kind, check, path, values and message are those of its primary part (the rule's
    result when a rule failed, else the difference); ``evidence`` lists every part, and the
    severity is the highest of theirs.
    """

    id: str
    kind: Kind
    check: str
    severity: Severity
    service: str
    resource_type: str
    resource: str
    physical_id: str
    path: str
    expected: Any
    actual: Any
    baseline_value: Any
    message: str
    remediation: str
    desired_value: Any = _NOTHING
    evidence: tuple[Evidence, ...] = ()
    baseline_state: BaselineState | None = None

    @property
    def sort_key(self) -> tuple[int, str, str, str, str, str]:
        """Deterministic order: severity, service, resource, path, then check and kind."""
        return (self.severity.rank, self.service, self.resource, self.path, self.check, self.kind)

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """What makes two runs' findings the same problem: check, resource type, logical name
        and path, never a physical id (stable across redeployments)."""
        return (self.check, self.resource_type, self.resource, self.path)

    @property
    def parts(self) -> tuple[Evidence, ...]:
        """The evidence, or the finding itself as its one part."""
        return self.evidence or (self.as_evidence(),)

    def as_evidence(self) -> Evidence:
        """This finding as one part of a bigger one."""
        return Evidence(
            kind=self.kind,
            check=self.check,
            severity=self.severity,
            path=self.path,
            expected=self.expected,
            actual=self.actual,
            message=self.message,
            baseline_value=self.baseline_value,
            desired_value=self.desired_value,
            resource_type=self.resource_type,
            resource=self.resource,
        )

    def to_dict(self, with_desired: bool = False) -> dict[str, Any]:
        """JSON form (findings.json ``findings`` entry)."""
        out = {
            "id": self.id,
            "kind": str(self.kind),
            "check": self.check,
            "severity": str(self.severity),
            "service": self.service,
            "resource_type": self.resource_type,
            "resource": self.resource,
            "physical_id": self.physical_id,
            "path": self.path,
            "expected": self.expected,
            "actual": self.actual,
            "baseline_value": self.baseline_value,
            "message": self.message,
            "remediation": self.remediation,
        }
        if with_desired:
            out["desired_value"] = self.desired_value
        out["evidence"] = [e.to_dict() for e in self.parts]
        if self.baseline_state is not None:
            out["baseline_state"] = str(self.baseline_state)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """Inverse of :meth:`to_dict` (v1 entries, without evidence, read too)."""
        state = data.get("baseline_state")
        return cls(
            id=data["id"],
            kind=Kind(data["kind"]),
            check=data["check"],
            severity=Severity(data["severity"]),
            service=data["service"],
            resource_type=data["resource_type"],
            resource=data["resource"],
            physical_id=data.get("physical_id", ""),
            path=data.get("path", ""),
            expected=data.get("expected"),
            actual=data.get("actual"),
            baseline_value=data.get("baseline_value"),
            message=data.get("message", ""),
            remediation=data.get("remediation", ""),
            desired_value=data.get("desired_value"),
            evidence=tuple(Evidence.from_dict(e) for e in data.get("evidence", ())),
            baseline_state=BaselineState(state) if state else None,
        )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in the documented deterministic order."""
    return sorted(findings, key=lambda f: f.sort_key)
