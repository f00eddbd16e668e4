"""The environment x rule matrix of a fleet report (the fleet notebook's heatmap), from each
environment's saved rule outcomes and findings: nothing is evaluated again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from paymentaudit import rules
from paymentaudit.fleet.model import FleetView
from paymentaudit.model import Finding, Kind, Severity, Status
from paymentaudit.reporters import directory as report_directory

# A rule's outcomes in one environment reduce to the worst of them.
_WORST = (Status.FAIL, Status.NOT_EVALUATED, Status.PASS)


@dataclass(frozen=True)
class RuleCell:
    """One rule in one environment."""

    status: Status  # fail when any outcome failed, else not_evaluated when any, else pass
    failures: int  # failed outcomes (resources)
    severity: Severity | None  # the highest severity of its findings there (after the policy)


@dataclass(frozen=True)
class RuleRow:
    """One environment's rules (a rule without any outcome there is absent)."""

    suffix: str
    cells: Mapping[str, RuleCell]


def rule_ids() -> list[str]:
    """The columns: every registered rule, in the registry's order."""
    return [rule.id for rule in rules.all_rules()]


def rule_matrix(fleet_dir: Path, view: FleetView) -> tuple[RuleRow, ...]:
    """Each environment's row, read from ``fleet_dir/<report_dir>/findings.json``."""
    return tuple(row_of(env.suffix, fleet_dir / env.report_dir) for env in view.environments)


def row_of(suffix: str, directory: Path) -> RuleRow:
    """One environment's row from its report directory."""
    doc = report_directory.read_findings(directory)
    statuses: dict[str, list[Status]] = {}
    for outcome in doc.get("outcomes", []):
        statuses.setdefault(outcome["check"], []).append(Status(outcome["status"]))
    worst: dict[str, Severity] = {}
    for raw in doc.get("findings", []):
        for part in Finding.from_dict(raw).parts:
            if part.kind is not Kind.POLICY:
                continue
            known = worst.get(part.check)
            if known is None or part.severity.rank < known.rank:
                worst[part.check] = part.severity
    cells = {
        rule: RuleCell(
            status=next(s for s in _WORST if s in found),
            failures=found.count(Status.FAIL),
            severity=worst.get(rule),
        )
        for rule, found in statuses.items()
    }
    return RuleRow(suffix, cells)


def failing_rules(rows: Sequence[RuleRow]) -> list[str]:
    """The rules that fail or are not evaluated somewhere, in registry order."""
    shown = {r for row in rows for r, cell in row.cells.items() if cell.status is not Status.PASS}
    return [r for r in rule_ids() if r in shown]
