"""Helpers for the rule tests: fixture snapshots and rule evaluation."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from paymentaudit import rules
from paymentaudit.rules.base import Outcome, RuleContext
from paymentaudit.snapshots import Snapshot

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture_data(rule_id: str, name: str) -> dict[str, Any]:
    """A fixture's JSON data (a fresh copy: tests may change it)."""
    path = FIXTURES / rule_id / f"{name}.json"
    return copy.deepcopy(json.loads(path.read_text(encoding="utf-8")))


def to_snapshot(data: dict[str, Any], origin: str = "fixture") -> Snapshot:
    """Snapshot JSON data as a Snapshot."""
    return Snapshot.from_dict(data, origin=origin)


def fixture(rule_id: str, name: str) -> Snapshot:
    """A fixture as a Snapshot."""
    return to_snapshot(fixture_data(rule_id, name), origin=f"{rule_id}/{name}.json")


def run(rule_id: str, snapshot: Snapshot) -> list[Outcome]:
    """One rule's outcomes on a snapshot."""
    return list(rules.get(rule_id).evaluate(RuleContext(snapshot)))
