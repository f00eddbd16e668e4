"""boto3 clients for an audit: one per service and region, read-only by construction."""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.config
import botocore.exceptions
import botocore.loaders
import botocore.session

from paymentaudit.errors import InputError, ReadOnlyViolation

DEFAULT_MAX_WORKERS = 16
DEFAULT_MAX_ATTEMPTS = 5  # per request, the first attempt included (4 retries)
USER_AGENT = "paymentaudit/0.1"


@dataclass(frozen=True)
class Connection:
    """Where and as whom to connect: profile, endpoint (moto, LocalStack), regions."""

    region: str = "us-east-1"
    replica_region: str = "us-west-2"
    profile: str | None = None
    endpoint_url: str | None = None
    # Static credentials, used by the embedded sandbox only.
    credentials: Mapping[str, str] | None = None

    @property
    def regions(self) -> tuple[str, ...]:
        """Primary region, then the replica region (when different)."""
        if self.replica_region and self.replica_region != self.region:
            return (self.region, self.replica_region)
        return (self.region,)


@dataclass
class CallLog:
    """Thread-safe record of every API call made (service, operation)."""

    _lock: threading.Lock = field(default_factory=threading.Lock)
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def record(self, service: str, operation: str) -> None:
        """Count one call."""
        with self._lock:
            self.counts[(service, operation)] += 1

    @property
    def total(self) -> int:
        """All calls so far."""
        with self._lock:
            return sum(self.counts.values())


Hook = Callable[..., Any]


class Clients:
    """Creates each (service, region) client once and shares it between threads.

    Every client refuses, before any request is sent, an operation absent from
    ``allowed`` (service name -> API operation names): the audit path can only
    call what its collectors declare.
    """

    def __init__(
        self,
        connection: Connection,
        allowed: Mapping[str, Iterable[str]],
        *,
        max_workers: int = DEFAULT_MAX_WORKERS,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        extra_hooks: Mapping[str, Hook] | None = None,
    ) -> None:
        self.connection = connection
        self.allowed = {svc: frozenset(ops) for svc, ops in allowed.items()}
        self.calls = CallLog()
        self._extra_hooks = dict(extra_hooks or {})
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}
        self._config = botocore.config.Config(
            retries={"mode": "standard", "total_max_attempts": max_attempts},
            max_pool_connections=max(10, max_workers),
            connect_timeout=5,
            read_timeout=30,
            user_agent_extra=USER_AGENT,
        )
        self._session = make_session(connection)

    def client(self, service: str, region: str | None = None) -> Any:
        """The shared client for ``service`` in ``region`` (default: the primary region)."""
        region = region or self.connection.region
        key = (service, region)
        client = self._clients.get(key)
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._session.client(  # type: ignore[call-overload]
                    service,
                    region_name=region,
                    endpoint_url=self.connection.endpoint_url,
                    config=self._config,
                )
                self._install_hooks(client, service)
                self._clients[key] = client
        return client

    def _install_hooks(self, client: Any, service: str) -> None:
        allowed = self.allowed.get(service, frozenset())
        calls = self.calls

        def guard(model: Any, **_: Any) -> None:
            if model.name not in allowed:
                raise ReadOnlyViolation(
                    f"refused {service}:{model.name}: not a declared read-only audit operation"
                )
            calls.record(service, model.name)

        events = client.meta.events
        events.register_first("before-call", guard, unique_id="paymentaudit-guard")
        for event, hook in self._extra_hooks.items():
            events.register(event, hook)


def make_session(connection: Connection) -> boto3.Session:
    """A boto3 session for the connection; an unknown profile is an InputError.

    Sessions are cached per (profile, credentials, credential environment); all of them
    share one service-model loader, so each model is parsed once per process.
    """
    creds = dict(connection.credentials or {})
    # The environment is part of the key: a long-lived process (a notebook, the tests) that
    # switches credentials or profile must not keep using the first ones it resolved.
    env = tuple(os.environ.get(var) for var in _CREDENTIAL_ENV)
    key = (connection.profile, tuple(sorted(creds.items())), env)
    with _SESSIONS_LOCK:
        session = _SESSIONS.get(key)
        if session is None:
            try:
                session = boto3.Session(
                    botocore_session=botocore_session(),
                    profile_name=connection.profile,
                    aws_access_key_id=creds.get("aws_access_key_id"),
                    aws_secret_access_key=creds.get("aws_secret_access_key"),
                    aws_session_token=creds.get("aws_session_token"),
                )
                if connection.profile and connection.profile not in session.available_profiles:
                    raise botocore.exceptions.ProfileNotFound(profile=connection.profile)
            except botocore.exceptions.ProfileNotFound:
                raise InputError(
                    f"unknown AWS profile {connection.profile!r}: "
                    "not in ~/.aws/config or ~/.aws/credentials"
                ) from None
            _SESSIONS[key] = session
        return session


_SESSIONS: dict[tuple[Any, ...], boto3.Session] = {}
# One loader for every session: AWS service models are parsed once per process, not once
# per session (the ec2 model alone is several megabytes of JSON).
_LOADER = botocore.loaders.create_loader()


def botocore_session() -> botocore.session.Session:
    """A new botocore session sharing the process-wide service-model loader."""
    session = botocore.session.Session()
    session.register_component("data_loader", _LOADER)
    return session


_CREDENTIAL_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)
_SESSIONS_LOCK = threading.Lock()


# Some endpoints answer with a bare HTTP status instead of an error code.
_STATUS_CODES = {"403": "AccessDenied", "429": "Throttling", "503": "ServiceUnavailable"}


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore error, or the exception class name."""
    if isinstance(exc, botocore.exceptions.ClientError):
        code = str(exc.response.get("Error", {}).get("Code") or "ClientError")
        return _STATUS_CODES.get(code, code)
    return type(exc).__name__


def describe_error(exc: BaseException) -> str:
    """A short, secret-free description of an API failure for coverage and reports."""
    if isinstance(exc, botocore.exceptions.ClientError):
        op = getattr(exc, "operation_name", "") or "call"
        return f"{op}: {error_code(exc)}"
    if isinstance(exc, botocore.exceptions.EndpointConnectionError):
        return f"cannot connect to {exc.kwargs.get('endpoint_url', 'the endpoint')}"
    if isinstance(
        exc, botocore.exceptions.ReadTimeoutError | botocore.exceptions.ConnectTimeoutError
    ):
        return "timed out"
    return type(exc).__name__


@dataclass(frozen=True)
class Identity:
    """Who the audit runs as."""

    account_id: str
    arn: str
    partition: str


def whoami(connection: Connection) -> Identity:
    """Check credentials and endpoint with sts:GetCallerIdentity; InputError when unusable."""
    clients = Clients(connection, {"sts": {"GetCallerIdentity"}}, max_attempts=2)
    where = connection.endpoint_url or "AWS"
    try:
        ident = clients.client("sts").get_caller_identity()
    except botocore.exceptions.NoCredentialsError:
        raise InputError(
            "no AWS credentials found: set AWS_PROFILE or --profile, export AWS_ACCESS_KEY_ID/"
            "AWS_SECRET_ACCESS_KEY, or use --sandbox"
        ) from None
    except botocore.exceptions.EndpointConnectionError:
        raise InputError(f"cannot connect to {where}: connection refused or unreachable") from None
    except (botocore.exceptions.ConnectTimeoutError, botocore.exceptions.ReadTimeoutError):
        raise InputError(f"cannot connect to {where}: timed out") from None
    except botocore.exceptions.ClientError as exc:
        raise InputError(f"AWS rejected the credentials: {error_code(exc)}") from None
    except botocore.exceptions.BotoCoreError as exc:
        raise InputError(f"cannot use the AWS configuration: {type(exc).__name__}") from None
    arn = ident.get("Arn", "")
    partition = arn.split(":")[1] if arn.count(":") >= 2 else "aws"
    return Identity(account_id=ident.get("Account", ""), arn=arn, partition=partition)


# The botocore errors a collector call may raise and that the audit records per call
# instead of failing the run.
AWS_ERRORS: tuple[type[BaseException], ...] = (
    botocore.exceptions.ClientError,
    botocore.exceptions.BotoCoreError,
)
