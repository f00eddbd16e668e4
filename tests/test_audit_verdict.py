"""The audit's verdict (fail-on and coverage), its counts and its score."""

from __future__ import annotations

from auditkit import pair_of, snap
from hypothesis import given, settings
from hypothesis import strategies as st

from paymentaudit.findings.evaluate import audit
from paymentaudit.findings.result import INCOMPLETE, NOT_READY, READY, score
from paymentaudit.model import Finding, Kind, Severity


def test_verdict_follows_fail_on_and_coverage() -> None:
    dev, prod = pair_of("lambda.function", "f", {"memory_size": 512}, {"memory_size": 256})
    assert audit(dev, prod, run_rules=False).verdict == READY  # medium < high
    blocked = audit(dev, prod, run_rules=False, fail_on="medium")
    assert blocked.verdict == NOT_READY and [f.path for f in blocked.blocking] == ["memory_size"]
    blind = snap("prod-abc123", list(prod.resources), errors={"iam": "ListRoles: AccessDenied"})
    assert audit(dev, blind, run_rules=False).verdict == INCOMPLETE
    assert audit(dev, blind, run_rules=False, fail_on="medium").verdict == NOT_READY


def test_counts_have_every_severity() -> None:
    dev, prod = pair_of(
        "lambda.function",
        "f",
        {"memory_size": 512, "description": "a"},
        {"memory_size": 256, "description": "b"},
    )
    counts = audit(dev, prod, run_rules=False).counts
    assert counts == {"critical": 0, "high": 0, "medium": 1, "low": 1, "info": 0}


def _f(severity: Severity) -> Finding:
    return Finding(
        "i", Kind.PARITY, "parity", severity, "s", "t", "r", "p", "x", None, None, None, "m", "r"
    )


SEVERITIES = st.lists(st.sampled_from(list(Severity)), max_size=30)


@settings(deadline=None)
@given(SEVERITIES)
def test_score_is_100_exactly_when_nothing_is_above_info(severities: list[Severity]) -> None:
    value = score(_f(s) for s in severities)
    assert 0 < value <= 100
    assert (value == 100) == all(s is Severity.INFO for s in severities)


@settings(deadline=None)
@given(SEVERITIES, st.sampled_from(list(Severity)))
def test_score_never_rises_with_another_finding(
    severities: list[Severity], extra: Severity
) -> None:
    before = score(_f(s) for s in severities)
    after = score(_f(s) for s in [*severities, extra])
    assert after <= before
    # A more severe finding costs at least as much as a less severe one.
    for other in Severity:
        if extra.at_least(other):
            assert after <= score(_f(s) for s in [*severities, other])


def test_score_examples() -> None:
    assert score([]) == 100
    assert score([_f(Severity.LOW)]) == 99
    assert score([_f(Severity.CRITICAL)] * 4) == 50
