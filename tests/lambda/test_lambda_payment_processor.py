"""payment_processor against moto: routes, status codes, storage, audit, ALB shape, logs."""

import base64
import json
from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import boto3
import jsonlog
import payment_processor
import pytest
from lambda_testkit import BUCKET, TABLE, alb_event, payment


def invoke(event: Any) -> tuple[dict[str, Any], Any]:
    response = payment_processor.handler(event, SimpleNamespace(aws_request_id="req-1"))
    return response, json.loads(response["body"])


def audit_object(aws: SimpleNamespace, payment_id: str) -> dict[str, Any]:
    return aws.s3.get_object(Bucket=BUCKET, Key=f"payments/{payment_id}.json")


def stored_item(aws: SimpleNamespace, payment_id: str) -> dict[str, Any] | None:
    key = {"session_id": {"S": f"payment#{payment_id}"}}
    return aws.ddb.get_item(TableName=TABLE, Key=key).get("Item")


def assert_alb_shape(response: dict[str, Any], status: int) -> None:
    assert set(response) == {
        "statusCode",
        "statusDescription",
        "headers",
        "body",
        "isBase64Encoded",
    }
    assert response["statusCode"] == status
    assert response["statusDescription"].startswith(f"{status} ")
    assert response["headers"]["Content-Type"] == "application/json"
    assert response["isBase64Encoded"] is False
    assert isinstance(response["body"], str)
    json.loads(response["body"])


# --------------------------------------------------------------------------- routes


def test_health_is_200_without_aws() -> None:
    response, body = invoke(alb_event("GET", "/health"))
    assert_alb_shape(response, 200)
    assert response["statusDescription"] == "200 OK"
    assert body == {"status": "ok"}


@pytest.mark.parametrize("path", ["/", "/nope", "/payments/pay_001", "/healthz"])
def test_unknown_route_is_404(path: str) -> None:
    response, body = invoke(alb_event("GET", path))
    assert_alb_shape(response, 404)
    assert body["error"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("GET", "/payments", "POST"), ("DELETE", "/payments", "POST"), ("POST", "/health", "GET")],
)
def test_wrong_method_is_405_with_allow(method: str, path: str, allow: str) -> None:
    response, body = invoke(alb_event(method, path, payment()))
    assert_alb_shape(response, 405)
    assert response["statusDescription"] == "405 Method Not Allowed"
    assert response["headers"]["Allow"] == allow
    assert body["error"] == "method_not_allowed"


def test_trailing_slash_and_lowercase_method_are_normalized(aws: SimpleNamespace) -> None:
    response, _ = invoke(alb_event("post", "/payments/", payment()))
    assert response["statusCode"] == 201


def test_multi_value_headers_event_gets_multi_value_response() -> None:
    response = payment_processor.handler(alb_event("GET", "/health", multi_value=True), None)
    assert "headers" not in response
    assert response["multiValueHeaders"]["Content-Type"] == ["application/json"]
    assert response["statusCode"] == 200


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ("not an event", "event"),
        ([], "event"),
        ({}, "httpMethod"),
        ({"httpMethod": "GET"}, "path"),
        ({"httpMethod": "POST", "path": "/payments", "body": 5}, "body"),
    ],
)
def test_malformed_event_is_400(event: Any, field: str) -> None:
    response, body = invoke(event)
    assert response["statusCode"] == 400
    assert body["field"] == field


# --------------------------------------------------------------------------- payments


def test_first_write_is_201_and_stores_record_and_audit(aws: SimpleNamespace) -> None:
    response, body = invoke(alb_event(body=payment()))
    assert_alb_shape(response, 201)
    assert response["statusDescription"] == "201 Created"
    assert body["payment_id"] == "pay_001"
    assert body["amount"] == "125.50"
    assert body["currency"] == "EUR"
    assert body["user_id"] == "user-42"

    item = stored_item(aws, "pay_001")
    assert item is not None
    assert item["user_id"] == {"S": "user-42"}
    assert Decimal(item["amount"]["N"]) == Decimal("125.50")
    assert item["created_at"]["S"] == body["created_at"]
    by_user = aws.ddb.query(
        TableName=TABLE,
        IndexName="user_id-index",
        KeyConditionExpression="user_id = :u",
        ExpressionAttributeValues={":u": {"S": "user-42"}},
    )
    assert [i["session_id"]["S"] for i in by_user["Items"]] == ["payment#pay_001"]

    obj = audit_object(aws, "pay_001")
    assert obj["ServerSideEncryption"] == "aws:kms"
    assert obj["ContentType"] == "application/json"
    audit = json.loads(obj["Body"].read())
    assert audit["payment"] == body
    assert audit["timestamp"] == body["created_at"]
    assert audit["schema"] == "payment-audit/v1"


def test_audit_uses_the_configured_cmk(
    aws: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_arn = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    monkeypatch.setenv("AUDIT_KMS_KEY_ARN", key_arn)
    assert invoke(alb_event(body=payment()))[0]["statusCode"] == 201
    obj = audit_object(aws, "pay_001")
    assert obj["ServerSideEncryption"] == "aws:kms"
    assert obj["SSEKMSKeyId"] == key_arn
    assert obj["BucketKeyEnabled"] is True


def test_identical_repeat_is_200_with_the_stored_record(aws: SimpleNamespace) -> None:
    first, first_body = invoke(alb_event(body=payment()))
    etag = audit_object(aws, "pay_001")["ETag"]
    # Same payment written differently: number instead of string, one trailing zero less.
    again, again_body = invoke(
        alb_event(
            body='{"payment_id": "pay_001", "user_id": "user-42",'
            ' "amount": 125.5, "currency": "EUR"}'
        )
    )
    assert first["statusCode"] == 201
    assert_alb_shape(again, 200)
    assert again_body == first_body  # same created_at: the stored record
    assert audit_object(aws, "pay_001")["ETag"] == etag


@pytest.mark.parametrize(
    "change", [{"amount": "125.51"}, {"user_id": "user-43"}, {"currency": "USD"}]
)
def test_conflicting_repeat_is_409_and_leaks_nothing(
    aws: SimpleNamespace, change: dict[str, str]
) -> None:
    invoke(alb_event(body=payment()))
    response, body = invoke(alb_event(body=payment(**change)))
    assert_alb_shape(response, 409)
    assert body["error"] == "conflict"
    assert body["field"] == "payment_id"
    assert "user-42" not in response["body"] and "125.50" not in response["body"]
    assert stored_item(aws, "pay_001")["user_id"] == {"S": "user-42"}


def test_base64_body_is_decoded(aws: SimpleNamespace) -> None:
    response, body = invoke(alb_event(body=payment(), b64=True))
    assert response["statusCode"] == 201
    assert body["payment_id"] == "pay_001"


def test_direct_invocation_with_dict_body(aws: SimpleNamespace) -> None:
    event = {"httpMethod": "POST", "path": "/payments", "body": payment(amount=10.1)}
    response, body = invoke(event)
    assert_alb_shape(response, 201)
    assert body["amount"] == "10.10"


# --------------------------------------------------------------------------- 400s


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (payment(payment_id="../etc"), "payment_id"),
        (payment(payment_id=""), "payment_id"),
        (payment(payment_id="x" * 65), "payment_id"),
        (payment(payment_id=7), "payment_id"),
        ({k: v for k, v in payment().items() if k != "payment_id"}, "payment_id"),
        (payment(user_id="a b"), "user_id"),
        (payment(user_id=None), "user_id"),
        (payment(amount="12.345"), "amount"),
        (payment(amount="0"), "amount"),
        (payment(amount="-5"), "amount"),
        (payment(amount="10000.01"), "amount"),
        (payment(amount="NaN"), "amount"),
        (payment(amount="1e3"), "amount"),
        (payment(amount=True), "amount"),
        (payment(amount=None), "amount"),
        (payment(amount=[1]), "amount"),
        ({k: v for k, v in payment().items() if k != "amount"}, "amount"),
        (payment(currency="JPY"), "currency"),
        (payment(currency="eur"), "currency"),
        (payment(currency=1), "currency"),
        (payment(note="hi"), "note"),
        ([payment()], "body"),
        ("[]", "body"),
        ('"a string"', "body"),
        ("{not json", "body"),
        ("", "body"),
        ('{"payment_id": "a", "payment_id": "b"}', "payment_id"),
        ('{"payment_id":"p","user_id":"u","amount":NaN,"currency":"EUR"}', "amount"),
        ('{"payment_id":"p","user_id":"u","amount":-Infinity,"currency":"EUR"}', "amount"),
        ("[" * 5000 + "]" * 5000, "body"),  # deeper than the JSON recursion limit
    ],
)
def test_bad_input_is_400_naming_the_field(body: Any, field: str) -> None:
    if isinstance(body, list):
        body = json.dumps(body)
    response, error = invoke(alb_event(body=body))
    assert_alb_shape(response, 400)
    assert error["error"] == "invalid_request"
    assert error["field"] == field
    assert error["message"]


def test_bad_base64_is_400() -> None:
    event = alb_event(body="not base64!!")
    event["isBase64Encoded"] = True
    response, error = invoke(event)
    assert response["statusCode"] == 400
    assert error["field"] == "body"


def test_base64_of_invalid_utf8_is_400() -> None:
    event = alb_event(body=base64.b64encode(b"\xff\xfe").decode())
    event["isBase64Encoded"] = True
    assert invoke(event)[1]["field"] == "body"


def test_oversized_body_is_413() -> None:
    response, error = invoke(alb_event(body=payment(payment_id="p" * 20_000)))
    assert_alb_shape(response, 413)
    assert error["field"] == "body"


def test_limits_come_from_the_environment(
    aws: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_PAYMENT_AMOUNT", "50")
    monkeypatch.setenv("ALLOWED_CURRENCIES", " jpy , EUR ,")
    assert invoke(alb_event(body=payment(amount="50.01")))[1]["field"] == "amount"
    assert invoke(alb_event(body=payment(amount="50", currency="JPY")))[0]["statusCode"] == 201


@pytest.mark.parametrize(
    ("var", "value"),
    [("TABLE_NAME", ""), ("MAX_PAYMENT_AMOUNT", "lots"), ("ALLOWED_CURRENCIES", " , ")],
)
def test_misconfiguration_is_500_without_details(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str
) -> None:
    monkeypatch.setenv(var, value)
    response, body = invoke(alb_event(body=payment()))
    assert_alb_shape(response, 500)
    assert body == {"error": "configuration_error", "message": "misconfigured"}


# --------------------------------------------------------------------------- AWS failures


def test_missing_bucket_is_502_then_a_retry_completes_the_payment(aws: SimpleNamespace) -> None:
    aws.s3.delete_bucket(Bucket=BUCKET)
    response, body = invoke(alb_event(body=payment()))
    assert_alb_shape(response, 502)
    assert body == {"error": "upstream_error", "message": "a dependency failed"}
    assert stored_item(aws, "pay_001") is not None  # half written: record yes, audit no

    aws.s3.create_bucket(Bucket=BUCKET)
    response, body = invoke(alb_event(body=payment()))
    assert response["statusCode"] == 200
    assert json.loads(audit_object(aws, "pay_001")["Body"].read())["payment"] == body


def test_missing_table_is_502_and_nothing_is_audited(aws: SimpleNamespace) -> None:
    aws.ddb.delete_table(TableName=TABLE)
    response, _ = invoke(alb_event(body=payment()))
    assert response["statusCode"] == 502
    assert "sessions" not in response["body"] and "arn:" not in response["body"]
    assert aws.s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0


# --------------------------------------------------------------------------- logging


@pytest.fixture
def stdout_logs(capsys: pytest.CaptureFixture[str]) -> Iterator[Any]:
    """Run the processor logger at DEBUG; yield a function returning the JSON lines logged."""
    logger = payment_processor.logger
    level = logger.level
    logger.setLevel("DEBUG")
    capsys.readouterr()

    def lines() -> list[dict[str, Any]]:
        out = capsys.readouterr().out
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    yield lines
    logger.setLevel(level)


def test_logs_are_json_and_never_contain_the_body(
    aws: SimpleNamespace,
    stdout_logs: Any,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    payment_processor.logger.addHandler(caplog.handler)
    try:
        secret_user, secret_amount = "user_SENTINEL_77", "4321.09"
        invoke(alb_event(body=payment(user_id=secret_user, amount=secret_amount)))  # 201
        invoke(alb_event(body=payment(user_id=secret_user, amount=secret_amount)))  # 200
        invoke(alb_event(body=payment(user_id=secret_user, amount="1.01")))  # 409
        invoke(alb_event(body=payment(user_id=secret_user, amount="4321.099")))  # 400
        invoke(alb_event(body=payment(user_id=secret_user, **{"x_" + secret_user: 1})))  # 400
        monkeypatch.setenv("AUDIT_BUCKET", "no-such-bucket")
        invoke(alb_event(body=payment(payment_id="p2", user_id=secret_user)))  # 502
    finally:
        payment_processor.logger.removeHandler(caplog.handler)

    lines = stdout_logs()
    assert len(lines) == 6
    assert [line.get("outcome") for line in lines] == [
        "created",
        "replayed",
        "conflict",
        "invalid",
        "invalid",
        "aws_error",
    ]
    assert all(line["request_id"] == "req-1" for line in lines)
    assert lines[0]["payment_id"] == "pay_001"
    assert lines[5]["aws_error_code"] == "NoSuchBucket"
    for text in (json.dumps(lines), caplog.text):
        assert secret_user not in text
        assert "4321" not in text
    formatter = jsonlog.JsonFormatter()
    assert caplog.records
    for record in caplog.records:
        assert secret_user not in formatter.format(record)
