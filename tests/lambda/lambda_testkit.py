"""Helpers shared by the Lambda handler tests (events, fakes, fault injection)."""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import boto3
from botocore.exceptions import ClientError

TABLE = "sessions"  # TABLE_NAME and AUDIT_BUCKET as conftest sets them
BUCKET = "payment-audit"
TARGET_GROUP_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/pay/abc"


def alb_event(
    method: str = "POST",
    path: str = "/payments",
    body: Any = None,
    *,
    b64: bool = False,
    multi_value: bool = False,
) -> dict[str, Any]:
    """Build an ALB target-group event; a dict body is JSON-encoded."""
    if isinstance(body, dict):
        body = json.dumps(body)
    if b64 and body is not None:
        body = base64.b64encode(body.encode()).decode()
    headers = {"content-type": "application/json", "host": "pay.example.com"}
    event: dict[str, Any] = {
        "requestContext": {"elb": {"targetGroupArn": TARGET_GROUP_ARN}},
        "httpMethod": method,
        "path": path,
        "body": body if body is not None else "",
        "isBase64Encoded": b64,
    }
    if multi_value:
        event["multiValueQueryStringParameters"] = {}
        event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
    else:
        event["queryStringParameters"] = {}
        event["headers"] = headers
    return event


def create_payment_resources() -> SimpleNamespace:
    """Create the session table (with the user_id-index GSI) and the audit bucket; call
    inside mock_aws. Returns the clients used."""
    ddb = boto3.client("dynamodb")
    ddb.create_table(
        TableName=TABLE,
        AttributeDefinitions=[
            {"AttributeName": "session_id", "AttributeType": "S"},
            {"AttributeName": "user_id", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "session_id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "user_id-index",
                "KeySchema": [{"AttributeName": "user_id", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    return SimpleNamespace(ddb=ddb, s3=s3)


def payment(**overrides: Any) -> dict[str, Any]:
    """A valid payment body, with overrides."""
    body: dict[str, Any] = {
        "payment_id": "pay_001",
        "user_id": "user-42",
        "amount": "125.50",
        "currency": "EUR",
    }
    body.update(overrides)
    return body


def client_error(code: str, operation: str, status: int = 400, **extra: Any) -> ClientError:
    """A botocore ClientError as the client would raise it."""
    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": f"{code} arn:aws:secret:internal detail"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    response.update(extra)
    return ClientError(response, operation)


@dataclass(frozen=True)
class Fault:
    """An injected failure; after=True means the call went through but its answer was lost."""

    error: Exception
    after: bool = False


class FaultyClient:
    """Wrap a boto3 client; an operation with queued faults fails (once per fault), then
    delegates. `calls` records (operation, params) of every call."""

    def __init__(self, real: Any, faults: dict[str, list[Fault]] | None = None) -> None:
        self._real = real
        self.faults = {op: list(queue) for op, queue in (faults or {}).items()}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._real, name)
        if not callable(attr) or name in ("get_paginator", "can_paginate"):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, kwargs))
            queue = self.faults.get(name)
            fault = queue.pop(0) if queue else None
            if fault is not None and not fault.after:
                raise fault.error
            result = attr(*args, **kwargs)
            if fault is not None:
                raise fault.error
            return result

        return call


class FakeDynamo:
    """In-memory DynamoDB with the conditional-put semantics the processor relies on."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    def put_item(self, *, Item: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        key = Item["session_id"]["S"]
        if key in self.items:
            raise client_error(
                "ConditionalCheckFailedException", "PutItem", Item=dict(self.items[key])
            )
        self.items[key] = dict(Item)
        return {}

    def get_item(self, *, Key: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        item = self.items.get(Key["session_id"]["S"])
        return {"Item": dict(item)} if item else {}


class FakeS3:
    """In-memory S3 honouring If-None-Match: *."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put_object(self, *, Key: str, Body: bytes, **kwargs: Any) -> dict[str, Any]:
        if kwargs.get("IfNoneMatch") == "*" and Key in self.objects:
            raise client_error("PreconditionFailed", "PutObject", 412)
        self.objects[Key] = Body
        return {}


def record_calls(client: Any, service: str) -> list[tuple[str, dict[str, Any]]]:
    """Record (operation, API params) of every call the client makes, via a botocore hook."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def hook(params: dict[str, Any], model: Any, **_kwargs: Any) -> None:
        calls.append((model.name, dict(params)))

    client.meta.events.register(f"provide-client-params.{service}", hook)
    return calls


class _RawBody:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_kwargs: Any) -> Any:
        yield self._data


class WireSSM:
    """A tiny SSM answering at the HTTP layer (botocore before-send), so the client's own
    retry logic runs. Use without mock_aws: botocore calls every before-send handler, and an
    active moto would apply the request too. PutParameter is throttled while
    should_throttle(name); `attempts` counts the PutParameter attempts per name."""

    def __init__(
        self, client: Any, parameters: dict[str, str], should_throttle: Callable[[str], bool]
    ) -> None:
        self.parameters = dict(parameters)  # name -> value, all of Type String
        self.should_throttle = should_throttle
        self.attempts: dict[str, int] = {}
        client.meta.events.register_first("before-send.ssm", self._answer)

    def _answer(self, request: Any, **_kwargs: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        operation = request.headers["X-Amz-Target"].decode().split(".")[-1]
        params = json.loads(request.body)
        status, body = 200, {}
        if operation == "DescribeParameters":
            path = params["ParameterFilters"][0]["Values"][0] + "/"
            names = sorted(n for n in self.parameters if n.startswith(path))
            body = {"Parameters": [{"Name": n, "Type": "String"} for n in names]}
        elif operation == "GetParameters":
            found = [n for n in params["Names"] if n in self.parameters]
            body = {
                "Parameters": [
                    {"Name": n, "Type": "String", "Value": self.parameters[n]} for n in found
                ],
                "InvalidParameters": [n for n in params["Names"] if n not in found],
            }
        elif operation == "PutParameter":
            name = params["Name"]
            self.attempts[name] = self.attempts.get(name, 0) + 1
            if self.should_throttle(name):
                status = 400
                body = {"__type": "ThrottlingException", "message": "Rate exceeded"}
            else:
                self.parameters[name] = params["Value"]
                body = {"Version": 1, "Tier": "Standard"}
        else:
            raise AssertionError(f"unexpected SSM call {operation}")
        headers = {"Content-Type": "application/x-amz-json-1.1"}
        return AWSResponse(request.url, status, headers, _RawBody(json.dumps(body).encode()))
