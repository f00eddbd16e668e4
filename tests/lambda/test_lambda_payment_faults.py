"""payment_processor fault handling: never 2xx unless record and audit are both stored."""

import itertools
import json
from types import SimpleNamespace
from typing import Any

import boto3
import payment_processor
import pytest
from botocore.stub import ANY, Stubber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lambda_testkit import (
    BUCKET,
    TABLE,
    Fault,
    FaultyClient,
    alb_event,
    client_error,
    payment,
)

STORED_ITEM = {
    "session_id": {"S": "payment#pay_001"},
    "record_type": {"S": "payment"},
    "payment_id": {"S": "pay_001"},
    "user_id": {"S": "user-42"},
    "amount": {"N": "125.5"},
    "currency": {"S": "EUR"},
    "created_at": {"S": "2024-05-01T10:00:00.000+00:00"},
}


def invoke(body: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
    response = payment_processor.handler(alb_event(body=body or payment()), None)
    return response, json.loads(response["body"])


def stubbed(service: str) -> tuple[Any, Stubber]:
    """A stubbed client installed as the processor's module client (no moto, no network)."""
    client = boto3.client(service)
    stubber = Stubber(client)
    stubber.activate()
    payment_processor._CLIENTS[service] = client
    return client, stubber


def audit_exists(aws: SimpleNamespace, payment_id: str = "pay_001") -> bool:
    listed = aws.s3.list_objects_v2(Bucket=BUCKET, Prefix=f"payments/{payment_id}.json")
    return listed.get("KeyCount", 0) == 1


def record_exists(aws: SimpleNamespace, payment_id: str = "pay_001") -> bool:
    key = {"session_id": {"S": f"payment#{payment_id}"}}
    return "Item" in aws.ddb.get_item(TableName=TABLE, Key=key)


# --------------------------------------------------------------------------- Stubber


@pytest.mark.parametrize(
    ("code", "http", "status"),
    [
        ("ProvisionedThroughputExceededException", 400, 503),
        ("ThrottlingException", 400, 503),
        ("RequestLimitExceeded", 400, 503),
        ("AccessDeniedException", 400, 502),
        ("ResourceNotFoundException", 400, 502),
        ("InternalServerError", 500, 502),
    ],
)
def test_dynamodb_failure_is_5xx_and_s3_is_never_called(code: str, http: int, status: int) -> None:
    _, ddb = stubbed("dynamodb")
    _, s3 = stubbed("s3")  # nothing queued: any S3 call would fail the assertions below
    ddb.add_client_error(
        "put_item",
        service_error_code=code,
        service_message="arn:aws:dynamodb:secret",
        http_status_code=http,
    )
    response, body = invoke()
    assert response["statusCode"] == status
    assert "arn:" not in response["body"] and code not in response["body"]
    if status == 503:
        assert body["error"] == "service_unavailable"
        assert response["headers"]["Retry-After"] == "1"
    else:
        assert body == {"error": "upstream_error", "message": "a dependency failed"}
    ddb.assert_no_pending_responses()
    s3.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("code", "http", "status"),
    [
        ("SlowDown", 503, 503),
        ("ServiceUnavailable", 503, 503),
        ("ConditionalRequestConflict", 409, 503),
        ("AccessDenied", 403, 502),
        ("KMS.DisabledException", 400, 502),
        ("InternalError", 500, 502),
    ],
)
def test_audit_failure_after_a_stored_record_is_5xx(code: str, http: int, status: int) -> None:
    _, ddb = stubbed("dynamodb")
    _, s3 = stubbed("s3")
    ddb.add_response("put_item", {})
    s3.add_client_error("put_object", service_error_code=code, http_status_code=http)
    response, _ = invoke()
    assert response["statusCode"] == status
    assert code not in response["body"]
    s3.assert_no_pending_responses()


def test_condition_failure_without_old_item_falls_back_to_a_consistent_get() -> None:
    _, ddb = stubbed("dynamodb")
    _, s3 = stubbed("s3")
    ddb.add_client_error("put_item", service_error_code="ConditionalCheckFailedException")
    ddb.add_response(
        "get_item",
        {"Item": STORED_ITEM},
        {
            "TableName": TABLE,
            "Key": {"session_id": {"S": "payment#pay_001"}},
            "ConsistentRead": True,
        },
    )
    s3.add_client_error("put_object", service_error_code="PreconditionFailed", http_status_code=412)
    response, body = invoke()
    assert response["statusCode"] == 200
    assert body["created_at"] == "2024-05-01T10:00:00.000+00:00"
    assert body["amount"] == "125.50"
    ddb.assert_no_pending_responses()


def test_condition_failure_and_vanished_item_is_503() -> None:
    _, ddb = stubbed("dynamodb")
    stubbed("s3")
    ddb.add_client_error("put_item", service_error_code="ConditionalCheckFailedException")
    ddb.add_response("get_item", {})
    assert invoke()[0]["statusCode"] == 503


def test_stored_non_payment_item_is_a_conflict() -> None:
    _, ddb = stubbed("dynamodb")
    stubbed("s3")
    session = {"session_id": {"S": "payment#pay_001"}, "user_id": {"S": "user-42"}}
    ddb.add_client_error("put_item", service_error_code="ConditionalCheckFailedException")
    ddb.add_response("get_item", {"Item": session})
    assert invoke()[0]["statusCode"] == 409


def test_audit_put_is_write_once_and_encrypted() -> None:
    _, ddb = stubbed("dynamodb")
    _, s3 = stubbed("s3")
    ddb.add_response("put_item", {})
    expected = {
        "Bucket": BUCKET,
        "Key": "payments/pay_001.json",
        "Body": ANY,
        "ContentType": "application/json",
        "ServerSideEncryption": "aws:kms",
        "IfNoneMatch": "*",
    }
    s3.add_response("put_object", {}, expected)
    assert invoke()[0]["statusCode"] == 201
    s3.assert_no_pending_responses()


# --------------------------------------------------------------------------- partial writes


def test_retry_completes_a_partly_written_payment(aws: SimpleNamespace) -> None:
    s3 = FaultyClient(
        boto3.client("s3"), {"put_object": [Fault(client_error("InternalError", "PutObject", 500))]}
    )
    payment_processor._CLIENTS["s3"] = s3
    first, _ = invoke()
    assert first["statusCode"] == 502
    assert record_exists(aws) and not audit_exists(aws)

    retry, body = invoke()
    assert retry["statusCode"] == 200
    assert audit_exists(aws)
    audit = json.loads(aws.s3.get_object(Bucket=BUCKET, Key="payments/pay_001.json")["Body"].read())
    assert audit["payment"] == body
    assert [op for op, _ in s3.calls] == ["put_object", "put_object"]


def test_lost_dynamodb_answer_then_retry_is_200(aws: SimpleNamespace) -> None:
    timeout = client_error("ServiceUnavailable", "PutItem", 503)
    payment_processor._CLIENTS["dynamodb"] = FaultyClient(
        boto3.client("dynamodb"), {"put_item": [Fault(timeout, after=True)]}
    )
    first, _ = invoke()
    assert first["statusCode"] == 503
    assert record_exists(aws) and not audit_exists(aws)
    assert invoke()[0]["statusCode"] == 200
    assert audit_exists(aws)


def test_lost_s3_answer_then_retry_is_200(aws: SimpleNamespace) -> None:
    lost = client_error("SlowDown", "PutObject", 503)
    payment_processor._CLIENTS["s3"] = FaultyClient(
        boto3.client("s3"), {"put_object": [Fault(lost, after=True)]}
    )
    assert invoke()[0]["statusCode"] == 503
    assert record_exists(aws) and audit_exists(aws)
    assert invoke()[0]["statusCode"] == 200  # the write-once audit put answers 412: stored


OPERATIONS = {"dynamodb": ("put_item", "get_item"), "s3": ("put_object",)}
ERRORS = [
    ("ProvisionedThroughputExceededException", 400),
    ("SlowDown", 503),
    ("InternalError", 500),
    ("AccessDenied", 403),
]
fault_strategy = st.builds(
    lambda code_http, after: Fault(client_error(code_http[0], "Op", code_http[1]), after),
    st.sampled_from(ERRORS),
    st.booleans(),
)
attempt_strategy = st.fixed_dictionaries(
    {op: st.lists(fault_strategy, max_size=1) for ops in OPERATIONS.values() for op in ops}
)


def test_never_2xx_unless_both_writes_are_stored(aws: SimpleNamespace) -> None:
    """Any sequence of faulty attempts, then a clean one: every 2xx has both writes behind it,
    and the clean retry always completes the payment (one moto account, a payment per example)."""
    real = {"dynamodb": boto3.client("dynamodb"), "s3": boto3.client("s3")}
    ids = itertools.count()

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(attempts=st.lists(attempt_strategy, min_size=1, max_size=4))
    def run(attempts: list[dict[str, list[Fault]]]) -> None:
        payment_id = f"prop_{next(ids)}"
        statuses = []
        for faults in [*attempts, {}]:
            for service, ops in OPERATIONS.items():
                queued = {op: list(faults.get(op, [])) for op in ops}
                payment_processor._CLIENTS[service] = FaultyClient(real[service], queued)
            response, _ = invoke(payment(payment_id=payment_id))
            statuses.append(response["statusCode"])
            if 200 <= response["statusCode"] < 300:
                assert record_exists(aws, payment_id) and audit_exists(aws, payment_id)
            else:
                assert response["statusCode"] in (502, 503)
        assert statuses[-1] in (200, 201)
        assert statuses.count(201) <= 1

    run()
