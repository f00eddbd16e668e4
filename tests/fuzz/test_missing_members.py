"""A missing member makes a rule *not evaluated*, never passed or failed.

For every rule: a response that makes it pass (a few members written out, every other member
generated from the real output shape), then one member AWS always returns dropped (or the
detail call's result member), rebuilt through the collector: the rule's outcome must be
``not_evaluated``. Members whose absence has a documented meaning (``KEPT``) keep it: the rule
is evaluated and gives the documented outcome. The decisions are documented in each
collector's module docstring; the cases are in casekit.py, their parts in partkit.py.

Paths: ``Member.Sub`` inside the item's raw response; ``@detail.Member`` inside a detail call's
result (``@detail`` alone: the call's response lacked its result member); a number is a list
index; ``path=None`` sets the value None instead of deleting it (an ``each`` follow-up whose
response lacked its result member).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from casekit import CASES
from fuzzkit import build_resource, element_strategy, snapshot_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from partkit import Part

from paymentaudit import rules, services
from paymentaudit.model import Status
from paymentaudit.rules.base import RuleContext

# -- dropping members -------------------------------------------------------------------------


def _drop(part: Part, path: str) -> None:
    """Delete the member at ``path`` (or set it None: ``path=None``)."""
    to_none = path.endswith("=None")
    path = path.removesuffix("=None")
    if path.startswith("@"):
        detail, _, rest = path[1:].partition(".")
        if not rest:
            part.details[detail] = None
            return
        parent: Any = part.details[detail]
    else:
        parent, rest = part.raw, path
    *walk, last = rest.split(".")
    for step in walk:
        parent = parent[int(step)] if isinstance(parent, list) else parent[step]
    if isinstance(parent, list):
        parent.pop(int(last))
    elif to_none:
        parent[last] = None
    else:
        del parent[last]


def _merged(base: Any, noise: Any) -> Any:
    """``base`` over generated ``noise``: every member the case writes wins, nested too."""
    if isinstance(base, dict) and isinstance(noise, dict):
        out = dict(noise)
        for k, v in base.items():
            out[k] = _merged(v, noise.get(k))
        return out
    return copy.deepcopy(base)


def _outcomes(rule_id: str, parts: list[Part]) -> list[Any]:
    resources = []
    for part in parts:
        collector = services.get(part.type)
        raw = copy.deepcopy(part.raw)
        resources.append(
            build_resource(collector, raw, copy.deepcopy(part.details), region=part.region)
        )
    ctx = RuleContext(snapshot_of(resources))
    return list(rules.get(rule_id).evaluate(ctx))


def _with_noise(data: st.DataObject, parts: list[Part]) -> list[Part]:
    out = []
    for part in parts:
        noise = data.draw(element_strategy(services.get(part.type)))
        for member in part.exclude:
            noise.pop(member, None)
        raw = _merged(part.raw, noise if isinstance(noise, dict) else {})
        out.append(Part(part.type, raw, copy.deepcopy(part.details), part.region, part.exclude))
    return out


MISSING = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
WITH_DROPS = sorted(rule for rule, case in CASES.items() if case.drops)
WITH_KEPT = sorted(rule for rule, case in CASES.items() if case.kept)


def test_every_rule_has_a_case_or_a_reason() -> None:
    """A new rule gets a case here (or the reason it has none, like CW-DASHBOARD's)."""
    assert set(rules.ids()) - set(CASES) == {"CW-DASHBOARD"}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_the_case_passes_as_written(rule_id: str) -> None:
    outcomes = _outcomes(rule_id, CASES[rule_id].parts)
    assert outcomes and {o.status for o in outcomes} == {Status.PASS}, outcomes


@pytest.mark.parametrize("rule_id", WITH_DROPS)
def test_a_missing_member_makes_the_rule_not_evaluated(rule_id: str) -> None:
    case = CASES[rule_id]

    @MISSING
    @given(st.data(), st.sampled_from(case.drops))
    def run(data: st.DataObject, drop: tuple[int, tuple[str, ...]]) -> None:
        parts = _with_noise(data, case.parts)
        before = _outcomes(rule_id, parts)
        assert before and {o.status for o in before} == {Status.PASS}, before
        index, paths = drop
        for path in paths:
            _drop(parts[index], path)
        after = _outcomes(rule_id, parts)
        assert after, f"{rule_id} said nothing once {paths} was dropped"
        assert {o.status for o in after} == {Status.NOT_EVALUATED}, (paths, after)

    run()


@pytest.mark.parametrize("rule_id", WITH_KEPT)
def test_a_member_with_a_documented_meaning_keeps_it(rule_id: str) -> None:
    case = CASES[rule_id]

    @MISSING
    @given(st.data(), st.sampled_from(case.kept))
    def run(data: st.DataObject, kept: tuple[int, tuple[str, ...], Status]) -> None:
        parts = _with_noise(data, case.parts)
        index, paths, expected = kept
        for path in paths:
            _drop(parts[index], path)
        after = _outcomes(rule_id, parts)
        assert after and {o.status for o in after} == {expected}, (paths, after)

    run()
