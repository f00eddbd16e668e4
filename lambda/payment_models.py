"""Models of the payment processor: its configuration, request and record types, and errors.

Pure Python (no AWS calls): parsed by ``payment_parsing``, stored by ``payment_domain``,
answered by ``payment_processor``.
"""

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

PAYMENT_FIELDS = ("payment_id", "user_id", "amount", "currency")
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Amounts given as JSON strings: plain decimal notation only (no exponent, sign only "-").
AMOUNT_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
MAX_BODY_BYTES = 16 * 1024
CENT = Decimal("0.01")
KEY_PREFIX = "payment#"


class ConfigError(Exception):
    """The function's environment is invalid."""


class RequestError(Exception):
    """The request cannot be served as sent (4xx)."""

    def __init__(self, status: int, error: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.field = field

    def body(self) -> dict[str, str]:
        """Return the JSON error body."""
        body = {"error": self.error}
        if self.field is not None:
            body["field"] = self.field
        body["message"] = self.message
        return body


def invalid(field: str, message: str) -> RequestError:
    """Return the 400 invalid_request error naming the offending field."""
    return RequestError(400, "invalid_request", message, field)


class RetryableError(Exception):
    """A transient condition: answer 503 so the caller retries."""


@dataclass(frozen=True)
class ProcessorConfig:
    """Settings read from the environment."""

    table_name: str
    audit_bucket: str
    max_amount: Decimal
    allowed_currencies: frozenset[str]
    audit_kms_key_id: str | None = None
    # The currency of a direct invocation's payment that names none (None: currency required).
    default_currency: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "ProcessorConfig":
        """Build the config from environment variables; raise ConfigError when invalid."""
        env = os.environ if env is None else env
        table = env.get("TABLE_NAME", "").strip()
        bucket = env.get("AUDIT_BUCKET", "").strip()
        if not table or not bucket:
            raise ConfigError("TABLE_NAME and AUDIT_BUCKET are required")
        raw_max = env.get("MAX_PAYMENT_AMOUNT", "10000").strip()
        if not AMOUNT_TEXT.fullmatch(raw_max) or Decimal(raw_max) <= 0:
            raise ConfigError("MAX_PAYMENT_AMOUNT must be a positive decimal")
        currencies = frozenset(
            c.strip().upper() for c in env.get("ALLOWED_CURRENCIES", "USD,EUR,GBP").split(",")
        ) - {""}
        if not currencies:
            raise ConfigError("ALLOWED_CURRENCIES is empty")
        kms_key = env.get("AUDIT_KMS_KEY_ARN", "").strip() or None
        default_currency = env.get("DEFAULT_CURRENCY", "").strip().upper() or None
        if default_currency is not None and default_currency not in currencies:
            raise ConfigError("DEFAULT_CURRENCY must be one of ALLOWED_CURRENCIES")
        return cls(table, bucket, Decimal(raw_max), currencies, kms_key, default_currency)


@dataclass(frozen=True)
class HttpRequest:
    """The parts of an ALB (or direct-invocation) event the handler uses.

    ``direct`` marks the runbook's form of direct invocation (a ``body`` without
    ``httpMethod`` and ``path``), which is served as POST /payments.
    """

    method: str
    path: str
    body: str | dict[str, Any] | None
    is_base64: bool
    multi_value_headers: bool
    direct: bool = False


@dataclass(frozen=True)
class PaymentRequest:
    """A validated POST /payments body; amount is quantized to cents."""

    payment_id: str
    user_id: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class PaymentRecord:
    """A payment as stored in DynamoDB."""

    payment_id: str
    user_id: str
    amount: Decimal
    currency: str
    created_at: str

    def matches(self, request: PaymentRequest) -> bool:
        """Return True if the request describes this same payment."""
        return (
            self.payment_id == request.payment_id
            and self.user_id == request.user_id
            and self.amount == request.amount
            and self.currency == request.currency
        )

    def to_item(self) -> dict[str, dict[str, str]]:
        """Return the DynamoDB item (low-level attribute-value form)."""
        return {
            "session_id": {"S": KEY_PREFIX + self.payment_id},
            "record_type": {"S": "payment"},
            "payment_id": {"S": self.payment_id},
            "user_id": {"S": self.user_id},
            "amount": {"N": str(self.amount)},
            "currency": {"S": self.currency},
            "created_at": {"S": self.created_at},
        }

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> "PaymentRecord | None":
        """Return the record stored in an item, or None if the item is not a payment."""
        try:
            if item["record_type"]["S"] != "payment":
                return None
            return cls(
                payment_id=item["payment_id"]["S"],
                user_id=item["user_id"]["S"],
                amount=Decimal(item["amount"]["N"]).quantize(CENT),
                currency=item["currency"]["S"],
                created_at=item["created_at"]["S"],
            )
        except (KeyError, TypeError, ArithmeticError):
            return None

    def to_json(self) -> dict[str, str]:
        """Return the public JSON form (amount as a string with two decimals)."""
        return {
            "payment_id": self.payment_id,
            "user_id": self.user_id,
            "amount": str(self.amount.quantize(CENT)),
            "currency": self.currency,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class PaymentOutcome:
    """Result of record_payment: created (201), replayed (200) or conflict (409)."""

    status: str
    record: PaymentRecord | None
