"""Structured JSON logging for the Lambda handlers (stdlib only, shared by both handlers).

One JSON object per line on stdout (which Lambda ships to CloudWatch Logs). Extra fields passed
with ``logger.info("msg", extra={...})`` become top-level keys. The level comes from LOG_LEVEL
(default INFO; an unknown level falls back to INFO). The Lambda request id is added to every
line logged inside ``request_context(context)``.
"""

import contextlib
import contextvars
import json
import logging
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

_REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "lambda_request_id", default=None
)
# Attributes every LogRecord has: anything else on a record came from `extra=`.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}
_HANDLER_MARK = "_jsonlog_handler"


class JsonFormatter(logging.Formatter):
    """Format a log record as one JSON object."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a single-line JSON string."""
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = _REQUEST_ID.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _StdoutHandler(logging.StreamHandler):
    """A stream handler that resolves sys.stdout at emit time (works under capture too)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stdout

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def level_from_env(default: str = "INFO") -> int:
    """Return the logging level named by LOG_LEVEL, or the default for a missing/unknown name."""
    name = os.environ.get("LOG_LEVEL", default).strip().upper()
    level = logging.getLevelName(name)
    return level if isinstance(level, int) else logging.getLevelName(default)


def get_logger(name: str) -> logging.Logger:
    """Return a logger that writes JSON lines to stdout at the LOG_LEVEL level."""
    logger = logging.getLogger(name)
    if not any(getattr(h, _HANDLER_MARK, False) for h in logger.handlers):
        handler = _StdoutHandler()
        handler.setFormatter(JsonFormatter())
        setattr(handler, _HANDLER_MARK, True)
        logger.addHandler(handler)
    # Own handler, no propagation: the Lambda runtime's root handler would print a second,
    # non-JSON copy of every line.
    logger.propagate = False
    logger.setLevel(level_from_env())
    return logger


@contextlib.contextmanager
def request_context(context: Any) -> Iterator[None]:
    """Tag every line logged inside the block with the Lambda request id (if any)."""
    token = _REQUEST_ID.set(getattr(context, "aws_request_id", None))
    try:
        yield
    finally:
        _REQUEST_ID.reset(token)
