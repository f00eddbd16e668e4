"""Payment processor behind an ALB: validate, store idempotently in DynamoDB, audit to S3.

Handler: ``payment_processor.handler``. Powertools style, one module per step: the event is
parsed (``payment_parsing``), a pure domain function stores the payment (``payment_domain``),
and this module answers with the ALB response. ``payment_models`` holds the shared types.

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
    DEFAULT_CURRENCY    the currency of a direct invocation's payment that names none (one of
                        ALLOWED_CURRENCIES; the stack sets "USD"). Unset: ``currency`` is required.
    LOG_LEVEL           default INFO.

Events
    An ALB target-group event (``httpMethod``, ``path``, ``body``, ``isBase64Encoded``, and
    ``headers`` or ``multiValueHeaders``). A direct invocation may use the same shape; its
    ``body`` may also be a JSON object (a dict) instead of a JSON string. An event with
    ``httpMethod`` or ``path`` is validated strictly: without a string ``httpMethod`` and
    ``path`` it is a 400, and its payment needs a ``currency``.
    A direct invocation as the runbook writes it, ``{"body": "<payment JSON>"}`` (a ``body``
    without ``httpMethod`` and ``path``), is served as POST /payments, and its payment takes
    DEFAULT_CURRENCY when it names no ``currency``.

Routes
    GET  /health    200 {"status": "ok"}
    POST /payments  {"payment_id", "user_id", "amount", "currency"}; unknown fields are rejected.
        201 first write, 200 identical repeat (the stored record), 409 same payment_id with a
        different body, 400 invalid input {"error": "invalid_request", "field", "message"},
        413 body over 16 KiB, 502 AWS failure, 503 AWS throttling/unavailable (Retry-After: 1),
        500 misconfiguration. Other paths 404; other methods 405 (with an Allow header).

Every response has the ALB shape (statusCode, statusDescription, headers or multiValueHeaders
mirroring the request, JSON body, isBase64Encoded false), direct invocations included. A 2xx
means both the DynamoDB record and its audit object are stored; a retry of a partly written
payment completes it.
"""

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

import boto3
import jsonlog
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from payment_domain import error_code, http_status, record_payment
from payment_models import (
    PAYMENT_FIELDS,
    ConfigError,
    HttpRequest,
    ProcessorConfig,
    RequestError,
    RetryableError,
)
from payment_parsing import decode_body, parse_event, parse_payment

logger = jsonlog.get_logger("payment_processor")

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
        code = error_code(error)
        retryable = code in RETRYABLE_CODES or http_status(error) in (429, 503)
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
    default_currency = config.default_currency if request.direct else None
    data = decode_body(request.body, request.is_base64)
    payment = parse_payment(data, config, default_currency)
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
        extra={
            "payment_id": payment.payment_id,
            "outcome": outcome.status,
            "status": status,
            "invocation": "direct" if request.direct else "alb",
        },
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
