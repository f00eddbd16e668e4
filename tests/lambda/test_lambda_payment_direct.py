"""payment_processor invoked directly, as the runbook does: `{"body": "<payment JSON>"}`.

Such an event (a body without httpMethod and path) is POST /payments, and its payment takes
DEFAULT_CURRENCY when it names none. ALB-shaped events stay strict.
"""

import json
from types import SimpleNamespace
from typing import Any

import payment_models
import payment_processor
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lambda_testkit import BUCKET, TABLE, FakeDynamo, FakeS3, alb_event, payment

# The runbook's "Test Lambda function" payload, exactly as `aws lambda invoke --payload` sends it.
RUNBOOK_EVENT = {"body": '{"payment_id":"test-123","user_id":"user-456","amount":100}'}


def invoke(event: Any) -> tuple[dict[str, Any], Any]:
    response = payment_processor.handler(event, SimpleNamespace(aws_request_id="req-d"))
    return response, json.loads(response["body"])


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


def stored_item(aws: SimpleNamespace, payment_id: str) -> dict[str, Any] | None:
    key = {"session_id": {"S": f"payment#{payment_id}"}}
    return aws.ddb.get_item(TableName=TABLE, Key=key).get("Item")


def audit(aws: SimpleNamespace, payment_id: str) -> dict[str, Any]:
    obj = aws.s3.get_object(Bucket=BUCKET, Key=f"payments/{payment_id}.json")
    return json.loads(obj["Body"].read())


@pytest.fixture
def usd_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """DEFAULT_CURRENCY as the stack sets it."""
    monkeypatch.setenv("DEFAULT_CURRENCY", "USD")


# --------------------------------------------------------------------------- the runbook form


def test_runbook_payload_is_201_and_stored_in_usd(aws: SimpleNamespace, usd_default: None) -> None:
    response, body = invoke(RUNBOOK_EVENT)
    assert_alb_shape(response, 201)
    assert response["statusDescription"] == "201 Created"
    assert body["payment_id"] == "test-123"
    assert body["user_id"] == "user-456"
    assert body["amount"] == "100.00"
    assert body["currency"] == "USD"
    item = stored_item(aws, "test-123")
    assert item is not None
    assert item["currency"] == {"S": "USD"}
    assert item["user_id"] == {"S": "user-456"}
    assert audit(aws, "test-123")["payment"] == body


def test_runbook_payload_repeat_is_200_with_the_stored_record(
    aws: SimpleNamespace, usd_default: None
) -> None:
    first, first_body = invoke(RUNBOOK_EVENT)
    again, again_body = invoke(dict(RUNBOOK_EVENT))
    assert first["statusCode"] == 201
    assert_alb_shape(again, 200)
    assert again_body == first_body


def test_the_default_does_not_override_a_named_currency(
    aws: SimpleNamespace, usd_default: None
) -> None:
    response, body = invoke({"body": json.dumps(payment(currency="GBP"))})
    assert response["statusCode"] == 201
    assert body["currency"] == "GBP"
    assert stored_item(aws, "pay_001")["currency"] == {"S": "GBP"}


def test_null_currency_takes_the_default(aws: SimpleNamespace, usd_default: None) -> None:
    response, body = invoke({"body": json.dumps(payment(currency=None))})
    assert response["statusCode"] == 201
    assert body["currency"] == "USD"


def test_a_repeat_naming_the_default_is_the_same_payment(
    aws: SimpleNamespace, usd_default: None
) -> None:
    invoke(RUNBOOK_EVENT)
    named = json.loads(RUNBOOK_EVENT["body"]) | {"currency": "USD"}
    other = json.loads(RUNBOOK_EVENT["body"]) | {"currency": "EUR"}
    assert invoke({"body": json.dumps(named)})[0]["statusCode"] == 200
    assert invoke({"body": json.dumps(other)})[0]["statusCode"] == 409


def test_dict_body_and_base64_body_work_directly(aws: SimpleNamespace, usd_default: None) -> None:
    response, body = invoke({"body": {"payment_id": "p-dict", "user_id": "u1", "amount": 5}})
    assert_alb_shape(response, 201)
    assert body["currency"] == "USD"
    encoded = alb_event(body=payment(payment_id="p-b64"), b64=True)["body"]
    response, body = invoke({"body": encoded, "isBase64Encoded": True})
    assert response["statusCode"] == 201
    assert body["currency"] == "EUR"


def test_direct_payment_is_still_validated(aws: SimpleNamespace, usd_default: None) -> None:
    for body, field in (
        (payment(currency="JPY"), "currency"),
        (payment(amount="0"), "amount"),
        (payment(note="x"), "note"),
        ({"user_id": "u", "amount": 1}, "payment_id"),
    ):
        response, error = invoke({"body": json.dumps(body)})
        assert_alb_shape(response, 400)
        assert (error["error"], error["field"]) == ("invalid_request", field)
    for empty in (None, ""):
        response, error = invoke({"body": empty})
        assert (response["statusCode"], error["field"]) == (400, "body")
    assert stored_item(aws, "pay_001") is None


def test_direct_log_line_names_the_invocation(
    aws: SimpleNamespace, usd_default: None, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    invoke(RUNBOOK_EVENT)
    invoke(alb_event(body=payment()))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    processed = [line for line in lines if line["message"] == "payment processed"]
    assert [(line["payment_id"], line["invocation"]) for line in processed] == [
        ("test-123", "direct"),
        ("pay_001", "alb"),
    ]


# --------------------------------------------------------------------------- without the default


def test_without_default_currency_the_runbook_payload_needs_a_currency(
    aws: SimpleNamespace,
) -> None:
    response, error = invoke(RUNBOOK_EVENT)
    assert_alb_shape(response, 400)
    assert error == {
        "error": "invalid_request",
        "field": "currency",
        "message": "currency is required",
    }
    assert stored_item(aws, "test-123") is None


def test_a_default_outside_the_allowed_currencies_is_a_500(
    aws: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFAULT_CURRENCY", "JPY")
    response, error = invoke(RUNBOOK_EVENT)
    assert response["statusCode"] == 500
    assert error["error"] == "configuration_error"
    assert stored_item(aws, "test-123") is None


@pytest.mark.parametrize(("raw", "expected"), [("USD", "USD"), (" eur ", "EUR"), ("", None)])
def test_default_currency_config(raw: str, expected: str | None) -> None:
    env = {"TABLE_NAME": "t", "AUDIT_BUCKET": "b", "DEFAULT_CURRENCY": raw}
    assert payment_models.ProcessorConfig.from_env(env).default_currency == expected


# --------------------------------------------------------------------------- ALB events stay strict


def test_alb_event_without_currency_is_still_400(aws: SimpleNamespace, usd_default: None) -> None:
    body = json.loads(RUNBOOK_EVENT["body"])
    response, error = invoke(alb_event(body=body))
    assert_alb_shape(response, 400)
    assert (error["field"], error["message"]) == ("currency", "currency is required")
    direct_shaped = {"httpMethod": "POST", "path": "/payments", "body": RUNBOOK_EVENT["body"]}
    assert invoke(direct_shaped)[1]["field"] == "currency"
    assert stored_item(aws, "test-123") is None


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"httpMethod": "POST", "body": RUNBOOK_EVENT["body"]}, "path"),
        ({"path": "/payments", "body": RUNBOOK_EVENT["body"]}, "httpMethod"),
        ({"httpMethod": None, "path": "/payments", "body": RUNBOOK_EVENT["body"]}, "httpMethod"),
        ({"httpMethod": "POST", "path": "", "body": RUNBOOK_EVENT["body"]}, "path"),
        ({}, "httpMethod"),
    ],
)
def test_events_naming_method_or_path_are_strict(
    aws: SimpleNamespace, usd_default: None, event: dict[str, Any], field: str
) -> None:
    response, error = invoke(event)
    assert_alb_shape(response, 400)
    assert error["field"] == field
    assert stored_item(aws, "test-123") is None


def test_a_direct_event_never_reaches_another_route(
    aws: SimpleNamespace, usd_default: None
) -> None:
    """The direct form is POST /payments only: no health check, no other path."""
    response, error = invoke({"body": '{"status": "ok"}'})
    assert (response["statusCode"], error["field"]) == (400, "status")


# --------------------------------------------------------------------------- properties


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.one_of(
        st.none(),
        st.text(),
        st.dictionaries(
            st.sampled_from([*payment_models.PAYMENT_FIELDS, "x"]),
            st.one_of(st.none(), st.text(max_size=8), st.integers(), st.sampled_from(["USD"])),
        ).map(json.dumps),
    ),
    default=st.sampled_from(["", "USD"]),
)
def test_arbitrary_direct_bodies_never_raise_or_5xx(body: Any, default: str) -> None:
    payment_processor._CLIENTS.update(dynamodb=FakeDynamo(), s3=FakeS3())
    env = {"TABLE_NAME": TABLE, "AUDIT_BUCKET": BUCKET, "DEFAULT_CURRENCY": default}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        try:
            response = payment_processor.handler({"body": body}, None)
        finally:
            payment_processor._CLIENTS.clear()
    assert response["statusCode"] in (201, 400, 413)
    payload = json.loads(response["body"])
    if response["statusCode"] == 201:
        stated = json.loads(body).get("currency")
        assert payload["currency"] == (default if stated is None else stated)
