"""The SSM parameters: the application's non-sensitive settings under ``/<env>/``."""

from __future__ import annotations

from dataclasses import dataclass

from paymentaudit.platform.compute import CURRENCY, MAX_PAYMENT_AMOUNT


@dataclass(frozen=True)
class Parameter:
    """A non-sensitive application setting under ``/<env>/``; the value is a ``str.format``
    template (``{log_level}``, ``{table_name}``)."""

    path: str
    type: str
    value: str


PARAMETERS = (
    Parameter("app/currency", "String", CURRENCY),
    Parameter("app/max-payment-amount", "String", MAX_PAYMENT_AMOUNT),
    Parameter("app/log-level", "String", "{log_level}"),
    Parameter("app/table-name", "String", "{table_name}"),
)


def parameter(path: str) -> Parameter:
    """The parameter at ``path`` (KeyError when none is declared)."""
    return {p.path: p for p in PARAMETERS}[path]
