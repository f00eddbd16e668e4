"""paymentaudit.detect never leaks a value: not in logs, not in exceptions (a failing or a
missing detector), and random text never raises or leaks.

No literal secret sits in this file: the keys, tokens and passwords come from detectkit.py,
built at run time.
"""

from __future__ import annotations

import logging
import string
import traceback
from collections.abc import Iterator

import pytest
from detectkit import SECRETS, STRIPE_LIVE_KEY
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from paymentaudit import detect as d
from paymentaudit.detect import scan as ds

# --------------------------------------------------------------------------------------------


def _leaks(value: str, caplog: pytest.LogCaptureFixture) -> list[str]:
    texts = []
    for record in caplog.records:
        texts.append(record.getMessage())
        texts.append(repr(record.args))
        if record.exc_info and record.exc_info[1] is not None:
            texts.extend(traceback.format_exception(record.exc_info[1]))
    return [t for t in texts if value in t]


def test_no_log_record_contains_a_value(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The module's own logger: another test's CLI run may have set "paymentaudit" to WARNING.
    caplog.set_level(logging.DEBUG, logger=d.__name__)
    monkeypatch.setattr(ds, "_ENGINE", None)  # the first call logs the initialisation, too
    for value in SECRETS:
        for name in ("CONFIG_BLOB", "DB_PASSWORD", ""):
            d.classify(name, value)
            d.detect(value, name)
    assert caplog.records, "expected at least the initialisation record"
    for value in SECRETS:
        assert not _leaks(value, caplog)


@pytest.fixture
def failing_stripe(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make the Stripe detector raise an exception whose message and args hold the value."""
    engine = d._engine()
    stripe = next(p for p in engine.formats if type(p).__name__ == "StripeDetector")

    def boom(string: str) -> Iterator[str]:
        raise ValueError(f"cannot parse {string!r}", string)

    monkeypatch.setattr(stripe, "analyze_string", boom)
    yield


@pytest.mark.usefixtures("failing_stripe")
def test_a_failing_detector_raises_without_the_value() -> None:
    with pytest.raises(d.DetectionError) as info:
        d.detect(STRIPE_LIVE_KEY, "CONFIG_BLOB")
    error = info.value
    assert str(error) == "StripeDetector failed (ValueError)"
    assert error.__cause__ is None and error.__context__ is None
    rendered = "".join(traceback.format_exception(error))
    assert STRIPE_LIVE_KEY not in rendered
    assert STRIPE_LIVE_KEY not in repr(error.args)


@pytest.mark.usefixtures("failing_stripe")
def test_classify_fails_closed_without_logging_the_value(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    reason = d.classify("CONFIG_BLOB", STRIPE_LIVE_KEY)
    assert reason == d.REASON_DETECTION_FAILED
    assert d.redacted(reason) == "[REDACTED]"
    assert any("StripeDetector failed" in r.getMessage() for r in caplog.records)
    assert not _leaks(STRIPE_LIVE_KEY, caplog)


def test_missing_detectors_raise_without_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ds, "_ENGINE", None)
    monkeypatch.setattr(ds, "_registry", dict)
    with pytest.raises(d.DetectorUnavailableError) as info:
        d.detect(STRIPE_LIVE_KEY, "CONFIG_BLOB")
    assert "StripeDetector" in str(info.value)
    assert STRIPE_LIVE_KEY not in "".join(traceback.format_exception(info.value))


# --------------------------------------------------------------------------------------------


_NAMES = st.one_of(
    st.sampled_from(["", "CONFIG_BLOB", "DB_PASSWORD", "JWT_SIGNING_KEY", "TABLE_NAME", "X_ID"]),
    st.text(alphabet=st.characters(codec="ascii", categories=["L", "N", "P"]), max_size=30),
)


def _allowed_reasons() -> set[str | None]:
    return {
        None,
        d.REASON_SENSITIVE_NAME,
        d.REASON_URL_PASSWORD,
        d.REASON_DETECTION_FAILED,
        *(f"detected {name}" for name in d.enabled_detectors()),
    }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"])), name=_NAMES)
def test_random_text_never_raises_and_never_leaks(value: str, name: str) -> None:
    detector = d.detect(value, name)
    assert detector is None or detector in d.enabled_detectors()
    reason = d.classify(name, value)
    assert reason in _allowed_reasons()
    placeholder = d.redacted(reason)
    assert placeholder.startswith("[REDACTED")
    # A reason is one of a few fixed strings: it can only "contain" a value that is a fragment
    # of those strings by coincidence (e.g. the value "name" and the reason "sensitive name").
    assume(len(value.strip()) >= d.MIN_SECRET_LENGTH)
    assume(not any(value in r for r in _allowed_reasons() if r) and value not in placeholder)
    assert reason is None or value not in reason
    assert value not in placeholder


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.printable, min_size=1, max_size=200))
def test_random_printable_text_is_benign_or_scanned_without_error(value: str) -> None:
    benign = d.is_benign(value)
    detector = d.detect(value, "CONFIG_BLOB")
    if benign:
        assert detector is None
