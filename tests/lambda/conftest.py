"""Fixtures for the Lambda handler tests: lambda/ on sys.path, fake AWS, no network."""

import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from moto import mock_aws

HERE = Path(__file__).resolve().parent
LAMBDA_DIR = HERE.parents[1] / "lambda"
# `lambda` is a keyword: the handlers are imported as top-level modules from lambda/.
for _path in (str(LAMBDA_DIR), str(HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

# The stack zips lambda/ as is: keep the test run from leaving __pycache__ in it.
_dont_write_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
import jsonlog  # noqa: E402,F401
import parameter_migration  # noqa: E402
import payment_processor  # noqa: E402

sys.dont_write_bytecode = _dont_write_bytecode

from lambda_testkit import create_payment_resources  # noqa: E402

_AWS_VARS_TO_CLEAR = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_ENDPOINT_URL",
    "MAX_PAYMENT_AMOUNT",
    "ALLOWED_CURRENCIES",
    "DEFAULT_CURRENCY",
    "AUDIT_KMS_KEY_ARN",
    "LOG_LEVEL",
)


def _no_network(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("network access is not allowed in the Lambda tests")


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials and region, the stack's env vars, fresh clients, sockets blocked."""
    for var in _AWS_VARS_TO_CLEAR:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(HERE / "no-such-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(HERE / "no-such-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("TABLE_NAME", "sessions")
    monkeypatch.setenv("AUDIT_BUCKET", "payment-audit")
    monkeypatch.setenv("SOURCE_PATH", "/dev")
    monkeypatch.setenv("TARGET_PATH", "/prod")
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", _no_network)
    payment_processor._CLIENTS.clear()
    parameter_migration._CLIENTS.clear()
    yield
    payment_processor._CLIENTS.clear()
    parameter_migration._CLIENTS.clear()


@pytest.fixture
def aws() -> Iterator[SimpleNamespace]:
    """moto with the session table and the audit bucket the processor uses."""
    with mock_aws():
        yield create_payment_resources()
