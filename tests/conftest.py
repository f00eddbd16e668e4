"""Shared fixtures: fake AWS credentials, no real AWS, and one provisioned sandbox per session."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
TARGET, BASELINE = "prod-abc123", "dev"

_AWS_VARS = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_ENDPOINT_URL",
    "GITHUB_STEP_SUMMARY",
)


def _set_fake_aws_env() -> None:
    for var in _AWS_VARS:
        os.environ.pop(var, None)
    os.environ["AWS_ACCESS_KEY_ID"] = "testing"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    os.environ["AWS_CONFIG_FILE"] = str(ROOT / "tests" / ".no-aws-config")
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(ROOT / "tests" / ".no-aws-credentials")
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


# Before anything creates a boto3 session: no test may find real credentials.
_set_fake_aws_env()
# Runs append to the findings history: the tests' go to a directory of their own, never to
# reports/history of the checkout.
os.environ["PAYMENTAUDIT_HISTORY"] = tempfile.mkdtemp(prefix="paymentaudit-history-")

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if (
        isinstance(host, str)
        and host not in ("127.0.0.1", "localhost", "::1")
        and (self.family in (socket.AF_INET, socket.AF_INET6))
    ):
        raise RuntimeError(f"tests may not reach the network ({host})")
    return _real_connect(self, address)


socket.socket.connect = _loopback_only  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def fake_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and region for every test; nothing from the developer's machine."""
    for var in _AWS_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@dataclass
class Sandbox:
    """A running, provisioned sandbox: its URL and the environments in it."""

    url: str
    envs: dict[str, Any]

    @property
    def connection(self) -> Any:
        """The Connection the audit uses for it."""
        from paymentaudit.aws import Connection
        from paymentaudit.sandbox import CREDENTIALS

        return Connection(endpoint_url=self.url, credentials=CREDENTIALS)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """One moto server with dev and prod-abc123 (drifts planted) for the session. Read only:
    a test that changes AWS state starts its own (tests/helpers.py: fresh_sandbox).

    The server runs in a process of its own: moto keeps state per process, so neither an
    in-process `--sandbox` run (same S3 bucket names) nor a mock_aws test (which resets every
    backend of its process) can collide with it.
    """
    from helpers import moto_process

    from paymentaudit.sandbox import build

    with moto_process() as url:
        envs = build(url, TARGET, BASELINE)
        yield Sandbox(url=url, envs=envs)


@pytest.fixture(scope="session")
def sandbox_snapshots(sandbox: Sandbox) -> dict[str, Any]:
    """Snapshots of both sandbox environments, taken once."""
    from paymentaudit.engine.run import take

    return take([(TARGET, None), (BASELINE, None)], sandbox.connection)


@pytest.fixture(scope="session")
def sandbox_report(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A complete report directory (with the notebook) of the session sandbox, made once:
    the same run as `validate prod-abc123 --sandbox`, on the already provisioned server
    (the CLI's own --sandbox path is tested by tests/test_cli.py).

    Runs from the repository root so that pyproject.toml's [tool.paymentaudit] policy applies,
    as it does for `make demo`.
    """
    from paymentaudit.api import validation as validate

    out = tmp_path_factory.mktemp("report") / "run"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return validate.validate(
            validate.Options(target=TARGET, endpoint_url=sandbox.url, out=str(out))
        )
    finally:
        os.chdir(cwd)
