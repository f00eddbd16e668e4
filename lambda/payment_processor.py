"""Payment processor behind an ALB: validate, store idempotently in DynamoDB, audit to S3.

Handler: ``payment_processor.handler``.

Environment
    TABLE_NAME          the platform's session table (hash key ``session_id``, S). A payment is
                        stored under ``session_id = "payment#<payment_id>"`` with ``user_id`` set,
                        so the ``user_id-index`` GSI finds it. Required.
    AUDIT_BUCKET        bucket for audit records (``payments/<payment_id>.json``). Required.
    AUDIT_KMS_KEY_ARN   optional CMK for the audit objects. S3 encrypts with the AWS-managed
                        ``aws/s3`` key when a request says ``aws:kms`` without a key id, so set this
                        to the bucket's CMK to have that key (and the S3 bucket key) used.
    MAX_PAYMENT_AMOUNT  inclusive upper bound of ``amount`` (default "10000").
    ALLOWED_CURRENCIES  comma-separated allow-list (default "USD,EUR,GBP").
    LOG_LEVEL           default INFO.

Events
    An ALB target-group event (``httpMethod``, ``path``, ``body``, ``isBase64Encoded``, and
    ``headers`` or ``multiValueHeaders``). A direct invocation uses the same shape; its ``body``
    may also be a JSON object (a dict) instead of a JSON string. An event without a string
    ``httpMethod`` and ``path`` is a 400.

Routes
    GET  /health    200 {"status": "ok"}
    POST /payments  {"payment_id", "user_id", "amount", "currency"}; unknown fields are rejected.
        201 first write, 200 identical repeat (the stored record), 409 same payment_id with a
        different body, 400 invalid input {"error": "invalid_request", "field", "message"},
        413 body over 16 KiB, 502 AWS failure, 503 AWS throttling/unavailable (Retry-After: 1),
        500 misconfiguration. Other paths 404; other methods 405 (with an Allow header).

Every response has the ALB shape (statusCode, statusDescription, headers or multiValueHeaders
mirroring the request, JSON body, isBase64Encoded false). A 2xx means both the DynamoDB record
and its audit object are stored; a retry of a partly written payment completes it.
"""

import base64
import binascii
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from http import HTTPStatus
from typing import Any

import boto3
import jsonlog
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

logger = jsonlog.get_logger("payment_processor")

PAYMENT_FIELDS = ("payment_id", "user_id", "amount", "currency")
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Amounts given as JSON strings: plain decimal notation only (no exponent, sign only "-").
AMOUNT_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
MAX_BODY_BYTES = 16 * 1024
CENT = Decimal("0.01")
KEY_PREFIX = "payment#"
AUDIT_PREFIX = "payments/"
AUDIT_SCHEMA = "payment-audit/v1"
_LOGGABLE_FIELDS = frozenset({*PAYMENT_FIELDS, "body", "event", "httpMethod", "path", None})
ROUTES: dict[str, tuple[str, ...]] = {"/health": ("GET",), "/payments": ("POST",)}
# Error codes meaning "try again later": answered with 503 instead of 502.
RETRYABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "SlowDown",
        "ServiceUnavailable",
        "RequestThrottled",
        "ConditionalRequestConflict",  # S3: a concurrent conditional write to the same key
    }
)

_BOTO_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=2, read_timeout=3
)
# One client per service per container, created on first use (tests may replace them).
_CLIENTS: dict[str, Any] = {}


def _client(service: str) -> Any:
    client = _CLIENTS.get(service)
    if client is None:
        client = _CLIENTS[service] = boto3.client(service, config=_BOTO_CONFIG)
    return client


# --------------------------------------------------------------------------- models


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


def _invalid(field: str, message: str) -> RequestError:
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
        return cls(table, bucket, Decimal(raw_max), currencies, kms_key)


@dataclass(frozen=True)
class HttpRequest:
    """The parts of an ALB (or direct-invocation) event the handler uses."""

    method: str
    path: str
    body: str | dict[str, Any] | None
    is_base64: bool
    multi_value_headers: bool


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


# --------------------------------------------------------------------------- parsing


def parse_event(event: Any) -> HttpRequest:
    """Extract method, path and body from an ALB or direct-invocation event."""
    if not isinstance(event, Mapping):
        raise _invalid("event", "event must be a JSON object")
    method, path = event.get("httpMethod"), event.get("path")
    if not isinstance(method, str) or not method:
        raise _invalid("httpMethod", "httpMethod must be a non-empty string")
    if not isinstance(path, str) or not path:
        raise _invalid("path", "path must be a non-empty string")
    body = event.get("body")
    if body is not None and not isinstance(body, str | dict):
        raise _invalid("body", "body must be a JSON string or object")
    return HttpRequest(
        method=method.upper(),
        path=path.rstrip("/") or "/",
        body=body,
        is_base64=event.get("isBase64Encoded") is True,
        multi_value_headers="multiValueHeaders" in event,
    )


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _invalid(key, "duplicate field")
        result[key] = value
    return result


def decode_body(body: str | dict[str, Any] | None, is_base64: bool) -> Any:
    """Decode a request body to JSON values with every number as a Decimal."""
    if body is None or body == "":
        raise _invalid("body", "body is required")
    if isinstance(body, dict):
        try:  # re-encode so a dict body takes the same (Decimal) parsing path as a string
            text = json.dumps(body, allow_nan=True)
        except (TypeError, ValueError, RecursionError):
            raise _invalid("body", "body must be JSON") from None
    elif is_base64:
        try:
            text = base64.b64decode(body, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise _invalid("body", "body is not valid base64-encoded UTF-8") from None
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
        raise _invalid("body", "body is not valid JSON") from None


def parse_amount(value: Any, max_amount: Decimal) -> Decimal:
    """Validate an amount (JSON number or decimal string) and return it quantized to cents."""
    if isinstance(value, str):
        if not AMOUNT_TEXT.fullmatch(value):
            raise _invalid("amount", "amount must be a decimal number")
        value = Decimal(value)
    if not isinstance(value, Decimal):
        raise _invalid("amount", "amount must be a number or a decimal string")
    if not value.is_finite():
        raise _invalid("amount", "amount must be finite")
    if value <= 0:
        raise _invalid("amount", "amount must be greater than 0")
    if value > max_amount:
        raise _invalid("amount", f"amount must be at most {max_amount}")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise _invalid("amount", "amount must have at most 2 decimal places")
    return value.quantize(CENT)


def _parse_id(body: Mapping[str, Any], field: str) -> str:
    value = body.get(field)
    if value is None:
        raise _invalid(field, f"{field} is required")
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise _invalid(field, f"{field} must match ^[A-Za-z0-9_-]{{1,64}}$")
    return value


def parse_payment(data: Any, config: ProcessorConfig) -> PaymentRequest:
    """Validate decoded JSON as a payment request; raise RequestError naming the bad field."""
    if not isinstance(data, dict):
        raise _invalid("body", "body must be a JSON object")
    unknown = sorted(set(data) - set(PAYMENT_FIELDS))
    if unknown:
        raise _invalid(unknown[0], "unknown field")
    payment_id = _parse_id(data, "payment_id")
    user_id = _parse_id(data, "user_id")
    if "amount" not in data:
        raise _invalid("amount", "amount is required")
    amount = parse_amount(data["amount"], config.max_amount)
    currency = data.get("currency")
    if currency is None:
        raise _invalid("currency", "currency is required")
    if not isinstance(currency, str) or currency not in config.allowed_currencies:
        allowed = ", ".join(sorted(config.allowed_currencies))
        raise _invalid("currency", f"currency must be one of {allowed}")
    return PaymentRequest(payment_id, user_id, amount, currency)


# --------------------------------------------------------------------------- domain


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _http_status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def audit_document(record: PaymentRecord) -> bytes:
    """Return the audit object body: the payment record and its timestamp (deterministic)."""
    document = {
        "schema": AUDIT_SCHEMA,
        "event": "payment.recorded",
        "timestamp": record.created_at,
        "payment": record.to_json(),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8")


def write_audit(s3: Any, config: ProcessorConfig, record: PaymentRecord) -> None:
    """Store the audit object once (If-None-Match: *); an existing object counts as stored."""
    params: dict[str, Any] = {
        "Bucket": config.audit_bucket,
        "Key": f"{AUDIT_PREFIX}{record.payment_id}.json",
        "Body": audit_document(record),
        "ContentType": "application/json",
        "ServerSideEncryption": "aws:kms",
        "IfNoneMatch": "*",
    }
    if config.audit_kms_key_id:
        params["SSEKMSKeyId"] = config.audit_kms_key_id
        params["BucketKeyEnabled"] = True
    try:
        s3.put_object(**params)
    except ClientError as error:
        if _error_code(error) == "PreconditionFailed" or _http_status(error) == 412:
            return  # written by an earlier attempt: audit objects are write-once
        raise


def record_payment(
    dynamodb: Any, s3: Any, config: ProcessorConfig, request: PaymentRequest, now: datetime
) -> PaymentOutcome:
    """Store the payment (conditional put) and its audit object; both or an exception."""
    record = PaymentRecord(
        payment_id=request.payment_id,
        user_id=request.user_id,
        amount=request.amount,
        currency=request.currency,
        created_at=now.astimezone(UTC).isoformat(timespec="milliseconds"),
    )
    status = "created"
    try:
        dynamodb.put_item(
            TableName=config.table_name,
            Item=record.to_item(),
            ConditionExpression="attribute_not_exists(session_id)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as error:
        if _error_code(error) != "ConditionalCheckFailedException":
            raise
        item = error.response.get("Item")
        if item is None:
            item = dynamodb.get_item(
                TableName=config.table_name,
                Key={"session_id": {"S": KEY_PREFIX + request.payment_id}},
                ConsistentRead=True,
            ).get("Item")
        if item is None:
            raise RetryableError("the stored payment vanished between put and get") from None
        stored = PaymentRecord.from_item(item)
        if stored is None or not stored.matches(request):
            return PaymentOutcome("conflict", None)
        record, status = stored, "replayed"
    # Reached on a first write and on every identical repeat, so a repeat completes a payment
    # whose audit write failed earlier.
    write_audit(s3, config, record)
    return PaymentOutcome(status, record)


# --------------------------------------------------------------------------- HTTP


def alb_response(
    status: int,
    body: Mapping[str, Any],
    multi_value: bool = False,
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Build an ALB Lambda-target response with a JSON body."""
    all_headers = {"Content-Type": "application/json", "Cache-Control": "no-store"}
    all_headers.update(headers or {})
    response: dict[str, Any] = {
        "statusCode": status,
        "statusDescription": f"{status} {HTTPStatus(status).phrase}",
        "isBase64Encoded": False,
        "body": json.dumps(body),
    }
    if multi_value:
        response["multiValueHeaders"] = {k: [v] for k, v in all_headers.items()}
    else:
        response["headers"] = all_headers
    return response


def _aws_failure(error: Exception, operation: str, payment_id: str, mv: bool) -> dict[str, Any]:
    code = type(error).__name__
    retryable = isinstance(error, RetryableError)
    if isinstance(error, ClientError):
        code = _error_code(error)
        retryable = code in RETRYABLE_CODES or _http_status(error) in (429, 503)
    status = 503 if retryable else 502
    logger.error(
        "payment failed",
        extra={
            "payment_id": payment_id,
            "outcome": "aws_error",
            "status": status,
            "operation": operation,
            "aws_error_code": code,
        },
    )
    if status == 503:
        body = {"error": "service_unavailable", "message": "temporarily unavailable, retry"}
        return alb_response(status, body, mv, {"Retry-After": "1"})
    return alb_response(status, {"error": "upstream_error", "message": "a dependency failed"}, mv)


def _post_payment(request: HttpRequest, config: ProcessorConfig) -> dict[str, Any]:
    mv = request.multi_value_headers
    payment = parse_payment(decode_body(request.body, request.is_base64), config)
    operation = "dynamodb"
    try:
        outcome = record_payment(
            _client("dynamodb"), _client("s3"), config, payment, datetime.now(UTC)
        )
    except ClientError as error:
        operation = error.operation_name
        return _aws_failure(error, operation, payment.payment_id, mv)
    except (BotoCoreError, RetryableError) as error:
        return _aws_failure(error, operation, payment.payment_id, mv)
    status = {"created": 201, "replayed": 200, "conflict": 409}[outcome.status]
    logger.info(
        "payment processed",
        extra={"payment_id": payment.payment_id, "outcome": outcome.status, "status": status},
    )
    if outcome.record is None:
        body = {
            "error": "conflict",
            "field": "payment_id",
            "message": "payment_id already used for a different payment",
        }
        return alb_response(409, body, mv)
    return alb_response(status, outcome.record.to_json(), mv)


def route(request: HttpRequest) -> dict[str, Any]:
    """Dispatch a parsed request to its route; RequestError propagates to the caller."""
    mv = request.multi_value_headers
    methods = ROUTES.get(request.path)
    if methods is None:
        raise RequestError(404, "not_found", "no such route")
    if request.method not in methods:
        return alb_response(
            405,
            {"error": "method_not_allowed", "message": f"use {', '.join(methods)}"},
            mv,
            {"Allow": ", ".join(methods)},
        )
    if request.path == "/health":
        return alb_response(200, {"status": "ok"}, mv)
    return _post_payment(request, ProcessorConfig.from_env())


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda entry point: serve one ALB (or direct) request."""
    with jsonlog.request_context(context):
        mv = isinstance(event, Mapping) and "multiValueHeaders" in event
        try:
            return route(parse_event(event))
        except RequestError as error:
            # Only a known field name is logged: an unknown one is a piece of the body.
            field = error.field if error.field in _LOGGABLE_FIELDS else "other"
            logger.info(
                "request rejected",
                extra={"outcome": "invalid", "status": error.status, "field": field},
            )
            return alb_response(error.status, error.body(), mv)
        except ConfigError:
            logger.exception("invalid function configuration")
            body = {"error": "configuration_error", "message": "misconfigured"}
            return alb_response(500, body, mv)
        except Exception:
            logger.exception("unhandled error")
            return alb_response(500, {"error": "internal_error", "message": "internal error"}, mv)
