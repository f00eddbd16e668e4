"""fleet.json from the environments' saved report directories, one environment at a time.

Nothing is audited again: each environment's ``findings.json`` gives its entry and its
differences, and ``snapshots/compared.json`` the normalized target configurations its audit
compared (names, ids, account ids and timestamps already masked by the normalizer: the values
that differ by design are gone). Memory holds one environment's files at a time plus the
fleet-wide tallies (per attribute, how many environments hold each distinct value), so it does
not grow with the number of environments; the peer deviations take a second pass over the
saved configurations.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paymentaudit.compare import format_path
from paymentaudit.errors import InputError
from paymentaudit.fleet.model import (
    CommonDifference,
    EnvironmentEntry,
    FleetView,
    PeerDeviation,
    Verdict,
)
from paymentaudit.model import Finding, Kind, ResourceKey, Severity, canonical_json, unnamed_label
from paymentaudit.normalize import UNKNOWN_PREFIX
from paymentaudit.reporters import directory as report_directory
from paymentaudit.snapshots import now_iso

# The kinds of finding parts that are baseline | target differences.
DIFFERENCE_KINDS = frozenset({Kind.PARITY, Kind.MISSING, Kind.UNEXPECTED})
# Logical names made of a physical id (nothing names the resource): they differ by design.
UNNAMED = unnamed_label("")
_NULL = canonical_json(None)
_UNKNOWN_MARK = json.dumps(UNKNOWN_PREFIX)[:-1]  # '"(unknown: ' inside canonical JSON

Configs = Mapping[ResourceKey, Mapping[str, Any]]


def build(fleet_dir: Path, suffixes: Sequence[str]) -> FleetView:
    """The fleet view of the report directories ``fleet_dir/<suffix>/``, in ``suffixes``
    order."""
    entries: list[EnvironmentEntry] = []
    common = _Common()
    peers = _Peers()
    for suffix in suffixes:
        directory = fleet_dir / suffix
        doc = report_directory.read_findings(directory)
        entries.append(entry_of(doc, suffix))
        common.add(suffix, doc)
        peers.count(target_configs(directory))
        del doc
    peers.settle()
    deviations = [
        deviation
        for suffix in suffixes
        for deviation in peers.deviations(suffix, target_configs(fleet_dir / suffix))
    ]
    order = {suffix: i for i, suffix in enumerate(suffixes)}
    deviations.sort(key=lambda d: (d.resource_type, d.resource, d.path, order[d.suffix]))
    return FleetView(
        generated_at=now_iso(),
        environments=tuple(entries),
        common_differences=tuple(common.entries()),
        peer_deviations=tuple(deviations),
    )


def entry_of(doc: Mapping[str, Any], report_dir: str) -> EnvironmentEntry:
    """An environment's fleet entry from its findings.json."""
    sources = doc.get("sources") or {}
    return EnvironmentEntry(
        suffix=doc["target"],
        baseline=doc.get("baseline"),
        account=str((sources.get("target") or {}).get("account") or ""),
        region=str(doc.get("region") or ""),
        verdict=Verdict(doc["verdict"]),
        score=int(doc["score"]),
        counts={s.value: int(doc.get("counts", {}).get(s.value, 0)) for s in Severity},
        report_dir=report_dir,
    )


def target_configs(directory: Path) -> Configs:
    """The normalized target configurations a report directory's audit compared."""
    path = directory / report_directory.SNAPSHOTS / report_directory.COMPARED
    if not path.is_file():  # written before compared.json existed: normalized again
        return report_directory.load(directory).normalized.get("target", {})
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return {
            ResourceKey(row["type"], row["logical_name"]): row["config"]
            for row in doc["sides"]["target"]
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: cannot read ({type(exc).__name__})") from None


def flatten(config: Mapping[str, Any], parts: tuple[Any, ...] = ()) -> Iterator[tuple[str, Any]]:
    """(path, value) of every attribute, paths as the compare writes them: mapping keys are
    followed, a list is one value (the compare reports differences at the list's path)."""
    for key, value in config.items():
        here = (*parts, key)
        if isinstance(value, Mapping) and value:
            yield from flatten(value, here)
        else:
            yield format_path(list(here)), value


# -- common differences ---------------------------------------------------------------------


@dataclass
class _Difference:
    baseline_value: Any
    target_value: Any
    severity: Severity
    environments: list[str] = field(default_factory=list)


class _Common:
    """Differences by (check, resource type, resource, path, baseline value, target value)."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, ...], _Difference] = {}

    def add(self, suffix: str, doc: Mapping[str, Any]) -> None:
        seen: set[tuple[str, ...]] = set()
        for raw in doc.get("findings", []):
            finding = Finding.from_dict(raw)
            for part in finding.parts:
                if part.kind not in DIFFERENCE_KINDS:
                    continue
                rtype = part.resource_type or finding.resource_type
                resource = part.resource or finding.resource
                key = (
                    part.check,
                    rtype,
                    resource,
                    part.path,
                    canonical_json(part.baseline_value),
                    canonical_json(part.actual),
                )
                known = self.found.get(key)
                if known is None:
                    known = self.found[key] = _Difference(
                        part.baseline_value, part.actual, part.severity
                    )
                elif part.severity.rank < known.severity.rank:
                    known.severity = part.severity
                if key not in seen:
                    seen.add(key)
                    known.environments.append(suffix)

    def entries(self) -> list[CommonDifference]:
        out = [
            CommonDifference(
                check=key[0],
                resource_type=key[1],
                resource=key[2],
                path=key[3],
                baseline_value=diff.baseline_value,
                target_value=diff.target_value,
                severity=diff.severity,
                environments=tuple(diff.environments),
            )
            for key, diff in self.found.items()
            if len(diff.environments) >= 2
        ]
        out.sort(
            key=lambda d: (
                -len(d.environments),
                d.severity.rank,
                d.resource_type,
                d.resource,
                d.path,
            )
        )
        return out


# -- peer deviations ------------------------------------------------------------------------


@dataclass
class _Attribute:
    """One attribute of one logical resource across the fleet."""

    counts: Counter[str] = field(default_factory=Counter)  # canonical value -> environments
    values: dict[str, Any] = field(default_factory=dict)  # canonical value -> the value
    unknown: int = 0  # environments where it could not be read or resolved
    majority: str | None = None  # the value a strict majority holds
    agreeing: int = 0
    peers: int = 0


def _unknown(canonical: str) -> bool:
    return _UNKNOWN_MARK in canonical


class _Peers:
    """Per (resource, attribute): how many environments hold each value."""

    def __init__(self) -> None:
        self.resources: Counter[ResourceKey] = Counter()
        self.attributes: dict[ResourceKey, dict[str, _Attribute]] = {}

    def count(self, configs: Configs) -> None:
        for key, config in configs.items():
            if key.logical_name.startswith(UNNAMED):
                continue
            self.resources[key] += 1
            attrs = self.attributes.setdefault(key, {})
            for path, value in flatten(config):
                attr = attrs.setdefault(path, _Attribute())
                canonical = canonical_json(value)
                if _unknown(canonical):
                    attr.unknown += 1
                    continue
                attr.counts[canonical] += 1
                attr.values.setdefault(canonical, value)

    def settle(self) -> None:
        """Find each attribute's strict majority (an environment holding the resource without
        the attribute holds null); drop attributes every environment agrees on."""
        for key, attrs in self.attributes.items():
            for path in list(attrs):
                attr = attrs[path]
                attr.peers = self.resources[key] - attr.unknown
                absent = attr.peers - sum(attr.counts.values())
                if absent > 0:
                    attr.counts[_NULL] += absent
                    attr.values.setdefault(_NULL, None)
                value, n = attr.counts.most_common(1)[0] if attr.counts else (None, 0)
                if value is None or n == attr.peers or 2 * n <= attr.peers:
                    del attrs[path]  # all agree, or no strict majority
                    continue
                attr.majority, attr.agreeing = value, n

    def deviations(self, suffix: str, configs: Configs) -> Iterator[PeerDeviation]:
        for key, config in configs.items():
            attrs = self.attributes.get(key)
            if not attrs:
                continue
            mine = dict(flatten(config))
            for path, attr in attrs.items():
                value = mine.get(path)
                canonical = canonical_json(value)
                if _unknown(canonical) or canonical == attr.majority:
                    continue
                yield PeerDeviation(
                    suffix=suffix,
                    resource_type=key.type,
                    resource=key.logical_name,
                    path=path,
                    value=value,
                    peer_value=attr.values[attr.majority or _NULL],
                    agreeing=attr.agreeing,
                    peers=attr.peers,
                )
