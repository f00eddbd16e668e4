"""The payment processor's domain: store a payment idempotently in DynamoDB, audit it to S3.

The clients are passed in (boto3 clients or fakes with the same methods), so this module
never creates one; it knows nothing of HTTP.
"""

import json
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError
from payment_models import (
    KEY_PREFIX,
    PaymentOutcome,
    PaymentRecord,
    PaymentRequest,
    ProcessorConfig,
    RetryableError,
)

AUDIT_PREFIX = "payments/"
AUDIT_SCHEMA = "payment-audit/v1"


def error_code(error: ClientError) -> str:
    """Return the AWS error code of a ClientError ("" when absent)."""
    return str(error.response.get("Error", {}).get("Code", ""))


def http_status(error: ClientError) -> int:
    """Return the HTTP status of a ClientError (0 when absent)."""
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
        if error_code(error) == "PreconditionFailed" or http_status(error) == 412:
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
        if error_code(error) != "ConditionalCheckFailedException":
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
