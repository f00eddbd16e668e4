"""The records of a fleet report: fleet.json, schema ``paymentaudit/fleet/v1``.

``environments``: one :class:`EnvironmentEntry` per environment (its verdict as its own
``validate`` gives it). ``common_differences``: a difference (check, resource, path, baseline
value, target value) found in two or more environments, once, with the environments listing
it. ``peer_deviations``: an environment whose value of an attribute differs from the value a
strict majority of the environments holding that resource share, whatever the baseline says.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from paymentaudit.atomic import read_document
from paymentaudit.errors import InputError
from paymentaudit.model import Severity

FLEET_SCHEMA = "paymentaudit/fleet/v1"
FLEET_JSON = "fleet.json"


class Verdict(StrEnum):
    """An environment's verdict (the values findings.json uses)."""

    READY = "READY"
    NOT_READY = "NOT READY"
    INCOMPLETE = "INCOMPLETE"

    @property
    def exit_code(self) -> int:
        """What ``validate`` exits with for this verdict: 0, 1 or 3."""
        return {Verdict.READY: 0, Verdict.NOT_READY: 1, Verdict.INCOMPLETE: 3}[self]


def fleet_exit_code(verdicts: Iterable[Verdict]) -> int:
    """1 when any environment is NOT READY, else 3 when any is INCOMPLETE, else 0."""
    seen = set(verdicts)
    if Verdict.NOT_READY in seen:
        return 1
    if Verdict.INCOMPLETE in seen:
        return 3
    return 0


@dataclass(frozen=True)
class EnvironmentEntry:
    """One environment of the fleet, as its report directory says."""

    suffix: str
    baseline: str | None
    account: str
    region: str
    verdict: Verdict
    score: int
    counts: Mapping[str, int]
    report_dir: str  # relative to the fleet directory: "<suffix>"

    @property
    def exit_code(self) -> int:
        """The exit code its own ``validate`` gives."""
        return self.verdict.exit_code

    def to_json(self) -> dict[str, Any]:
        """fleet.json ``environments`` entry."""
        return {
            "suffix": self.suffix,
            "baseline": self.baseline,
            "account": self.account,
            "region": self.region,
            "verdict": self.verdict.value,
            "score": self.score,
            "exit_code": self.exit_code,
            "counts": dict(self.counts),
            "report_dir": self.report_dir,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EnvironmentEntry:
        """Inverse of :meth:`to_json`."""
        return cls(
            suffix=data["suffix"],
            baseline=data.get("baseline"),
            account=data.get("account") or "",
            region=data.get("region") or "",
            verdict=Verdict(data["verdict"]),
            score=int(data["score"]),
            counts={str(k): int(v) for k, v in data.get("counts", {}).items()},
            report_dir=data["report_dir"],
        )


@dataclass(frozen=True)
class CommonDifference:
    """A baseline | target difference shared by two or more environments."""

    check: str
    resource_type: str
    resource: str
    path: str
    baseline_value: Any
    target_value: Any
    severity: Severity  # the highest it has in any of the environments
    environments: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """fleet.json ``common_differences`` entry."""
        return {
            "check": self.check,
            "resource_type": self.resource_type,
            "resource": self.resource,
            "path": self.path,
            "baseline_value": self.baseline_value,
            "target_value": self.target_value,
            "severity": self.severity.value,
            "environments": list(self.environments),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CommonDifference:
        """Inverse of :meth:`to_json`."""
        return cls(
            check=data["check"],
            resource_type=data["resource_type"],
            resource=data["resource"],
            path=data["path"],
            baseline_value=data.get("baseline_value"),
            target_value=data.get("target_value"),
            severity=Severity(data["severity"]),
            environments=tuple(data["environments"]),
        )


@dataclass(frozen=True)
class PeerDeviation:
    """An environment whose attribute differs from the value most of its peers share."""

    suffix: str
    resource_type: str
    resource: str
    path: str
    value: Any
    peer_value: Any
    agreeing: int  # how many environments hold peer_value
    peers: int  # how many environments were compared on this attribute

    def to_json(self) -> dict[str, Any]:
        """fleet.json ``peer_deviations`` entry."""
        return {
            "suffix": self.suffix,
            "resource_type": self.resource_type,
            "resource": self.resource,
            "path": self.path,
            "value": self.value,
            "peer_value": self.peer_value,
            "agreeing": self.agreeing,
            "peers": self.peers,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PeerDeviation:
        """Inverse of :meth:`to_json`."""
        return cls(
            suffix=data["suffix"],
            resource_type=data["resource_type"],
            resource=data["resource"],
            path=data["path"],
            value=data.get("value"),
            peer_value=data.get("peer_value"),
            agreeing=int(data["agreeing"]),
            peers=int(data["peers"]),
        )


@dataclass(frozen=True)
class FleetView:
    """Everything fleet.json holds."""

    generated_at: str
    environments: tuple[EnvironmentEntry, ...]
    common_differences: tuple[CommonDifference, ...]
    peer_deviations: tuple[PeerDeviation, ...]

    @property
    def exit_code(self) -> int:
        """See :func:`fleet_exit_code`."""
        return fleet_exit_code(e.verdict for e in self.environments)

    def tally(self) -> dict[Verdict, int]:
        """How many environments have each verdict (every verdict present)."""
        return {v: sum(1 for e in self.environments if e.verdict is v) for v in Verdict}

    def to_json(self) -> dict[str, Any]:
        """The fleet.json document."""
        return {
            "schema": FLEET_SCHEMA,
            "generated_at": self.generated_at,
            "environments": [e.to_json() for e in self.environments],
            "common_differences": [d.to_json() for d in self.common_differences],
            "peer_deviations": [d.to_json() for d in self.peer_deviations],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FleetView:
        """Inverse of :meth:`to_json`."""
        return cls(
            generated_at=data.get("generated_at", ""),
            environments=tuple(EnvironmentEntry.from_json(e) for e in data["environments"]),
            common_differences=tuple(
                CommonDifference.from_json(d) for d in data["common_differences"]
            ),
            peer_deviations=tuple(PeerDeviation.from_json(d) for d in data["peer_deviations"]),
        )


def load(directory: str | os.PathLike[str]) -> FleetView:
    """fleet.json of a fleet report directory; InputError when absent, corrupt or another
    schema."""
    path = Path(directory) / FLEET_JSON
    doc = read_document(path, (FLEET_SCHEMA,))
    try:
        return FleetView.from_json(doc)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{path}: malformed ({type(exc).__name__}: {exc})") from None
