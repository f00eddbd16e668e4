"""jsonlog: level from LOG_LEVEL, one JSON object per line, extras and request id included."""

import json
import logging
from types import SimpleNamespace

import jsonlog
import pytest


@pytest.mark.parametrize(
    ("value", "level"),
    [(None, logging.INFO), ("debug", logging.DEBUG), (" WARNING ", logging.WARNING), ("x", 20)],
)
def test_level_from_env(monkeypatch: pytest.MonkeyPatch, value: str | None, level: int) -> None:
    if value is not None:
        monkeypatch.setenv("LOG_LEVEL", value)
    assert jsonlog.level_from_env() == level


def test_lines_are_json_with_extras_and_request_id(capsys: pytest.CaptureFixture[str]) -> None:
    logger = jsonlog.get_logger("jsonlog-test")
    assert jsonlog.get_logger("jsonlog-test").handlers == logger.handlers  # no duplicate handler
    with jsonlog.request_context(SimpleNamespace(aws_request_id="abc")):
        logger.warning("hello\nworld", extra={"payment_id": "p1", "count": 2})
    logger.warning("outside")
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["message"] == "hello\nworld"
    assert first["level"] == "WARNING" and first["logger"] == "jsonlog-test"
    assert first["payment_id"] == "p1" and first["count"] == 2
    assert first["request_id"] == "abc"
    assert "request_id" not in second
