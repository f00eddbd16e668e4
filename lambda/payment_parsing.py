"""Parsing of the payment processor's input: the event, the JSON body, the payment fields.

Pure functions (no AWS calls) raising ``RequestError`` (4xx) that names the offending field.
"""

import base64
import binascii
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from payment_models import (
    AMOUNT_TEXT,
    CENT,
    ID_PATTERN,
    MAX_BODY_BYTES,
    PAYMENT_FIELDS,
    HttpRequest,
    PaymentRequest,
    ProcessorConfig,
    RequestError,
    invalid,
)

# The route a direct invocation without httpMethod and path is served as.
DIRECT_METHOD, DIRECT_PATH = "POST", "/payments"


def is_direct_invocation(event: Mapping[str, Any]) -> bool:
    """True for the runbook's direct invocation: a ``body`` without ``httpMethod`` and ``path``.

    An event naming either of them is an ALB-shaped event and is validated strictly.
    """
    return "body" in event and "httpMethod" not in event and "path" not in event


def parse_event(event: Any) -> HttpRequest:
    """Extract method, path and body from an ALB or direct-invocation event."""
    if not isinstance(event, Mapping):
        raise invalid("event", "event must be a JSON object")
    direct = is_direct_invocation(event)
    if direct:
        method, path = DIRECT_METHOD, DIRECT_PATH
    else:
        method, path = event.get("httpMethod"), event.get("path")
    if not isinstance(method, str) or not method:
        raise invalid("httpMethod", "httpMethod must be a non-empty string")
    if not isinstance(path, str) or not path:
        raise invalid("path", "path must be a non-empty string")
    body = event.get("body")
    if body is not None and not isinstance(body, str | dict):
        raise invalid("body", "body must be a JSON string or object")
    return HttpRequest(
        method=method.upper(),
        path=path.rstrip("/") or "/",
        body=body,
        is_base64=event.get("isBase64Encoded") is True,
        multi_value_headers="multiValueHeaders" in event,
        direct=direct,
    )


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise invalid(key, "duplicate field")
        result[key] = value
    return result


def decode_body(body: str | dict[str, Any] | None, is_base64: bool) -> Any:
    """Decode a request body to JSON values with every number as a Decimal."""
    if body is None or body == "":
        raise invalid("body", "body is required")
    if isinstance(body, dict):
        try:  # re-encode so a dict body takes the same (Decimal) parsing path as a string
            text = json.dumps(body, allow_nan=True)
        except (TypeError, ValueError, RecursionError):
            raise invalid("body", "body must be JSON") from None
    elif is_base64:
        try:
            text = base64.b64decode(body, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise invalid("body", "body is not valid base64-encoded UTF-8") from None
    else:
        text = body
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BODY_BYTES:
        raise RequestError(413, "payload_too_large", f"body exceeds {MAX_BODY_BYTES} bytes", "body")
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=Decimal,  # NaN/Infinity become Decimal and fail amount validation
            object_pairs_hook=_reject_duplicate_keys,
        )
    except (ValueError, RecursionError):
        raise invalid("body", "body is not valid JSON") from None


def parse_amount(value: Any, max_amount: Decimal) -> Decimal:
    """Validate an amount (JSON number or decimal string) and return it quantized to cents."""
    if isinstance(value, str):
        if not AMOUNT_TEXT.fullmatch(value):
            raise invalid("amount", "amount must be a decimal number")
        value = Decimal(value)
    if not isinstance(value, Decimal):
        raise invalid("amount", "amount must be a number or a decimal string")
    if not value.is_finite():
        raise invalid("amount", "amount must be finite")
    if value <= 0:
        raise invalid("amount", "amount must be greater than 0")
    if value > max_amount:
        raise invalid("amount", f"amount must be at most {max_amount}")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise invalid("amount", "amount must have at most 2 decimal places")
    return value.quantize(CENT)


def _parse_id(body: Mapping[str, Any], field: str) -> str:
    value = body.get(field)
    if value is None:
        raise invalid(field, f"{field} is required")
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise invalid(field, f"{field} must match ^[A-Za-z0-9_-]{{1,64}}$")
    return value


def parse_payment(
    data: Any, config: ProcessorConfig, default_currency: str | None = None
) -> PaymentRequest:
    """Validate decoded JSON as a payment request; raise RequestError naming the bad field.

    A payment without ``currency`` (absent or null) takes ``default_currency``; when that is
    None (the default), ``currency`` is required.
    """
    if not isinstance(data, dict):
        raise invalid("body", "body must be a JSON object")
    unknown = sorted(set(data) - set(PAYMENT_FIELDS))
    if unknown:
        raise invalid(unknown[0], "unknown field")
    payment_id = _parse_id(data, "payment_id")
    user_id = _parse_id(data, "user_id")
    if "amount" not in data:
        raise invalid("amount", "amount is required")
    amount = parse_amount(data["amount"], config.max_amount)
    currency = data.get("currency")
    if currency is None:  # absent or null, as for the other fields
        currency = default_currency
    if currency is None:
        raise invalid("currency", "currency is required")
    if not isinstance(currency, str) or currency not in config.allowed_currencies:
        allowed = ", ".join(sorted(config.allowed_currencies))
        raise invalid("currency", f"currency must be one of {allowed}")
    return PaymentRequest(payment_id, user_id, amount, currency)
