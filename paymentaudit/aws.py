"""boto3 clients for an audit: one per service and region, read-only by construction; what an
AWS error means; who the credentials are. Connections live in ``accounts``, sessions in
``credentials`` (both re-exported here)."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import botocore.config
import botocore.credentials
import botocore.exceptions
import botocore.loaders
import botocore.session

from paymentaudit.accounts import ROLE_ARN_RE, SESSION_PREFIX, Connection, check_role_arn
from paymentaudit.credentials import (
    LOOPBACK_CREDENTIALS,
    botocore_session,
    check_reachable,
    is_loopback,
    make_session,
)
from paymentaudit.errors import InputError, ReadOnlyViolation

_log = logging.getLogger(__name__)

__all__ = [
    "AWS_ERRORS",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_WORKERS",
    "LOOPBACK_CREDENTIALS",
    "ROLE_ARN_RE",
    "SANDBOX_MAX_WORKERS",
    "SESSION_PREFIX",
    "CallLog",
    "Clients",
    "Connection",
    "Identity",
    "botocore_session",
    "check_reachable",
    "check_role_arn",
    "describe_error",
    "error_code",
    "is_loopback",
    "make_session",
    "whoami",
]

DEFAULT_MAX_WORKERS = 16
# On the sandbox, whose moto server runs in the audit's own process, a call costs CPU, not
# waiting: more threads per account only contend for the GIL (measured: 16 workers per account
# snapshot the two sandbox accounts in about 3 s, one worker each in about 1.6 s).
SANDBOX_MAX_WORKERS = 1
DEFAULT_MAX_ATTEMPTS = 5  # per request, the first attempt included (4 retries)
USER_AGENT = "paymentaudit/0.1"


# What an STS or service error code means for the credentials, in the one-line error.
CREDENTIAL_ERRORS = {
    "ExpiredToken": "the session token has expired: refresh the credentials",
    "ExpiredTokenException": "the session token has expired: refresh the credentials",
    "RequestExpired": "the request expired: check the clock and refresh the credentials",
    "InvalidClientTokenId": "the access key id is not valid in this account or partition",
    "UnrecognizedClientException": "the access key id or session token is not valid",
    "SignatureDoesNotMatch": "the secret access key does not match the access key id",
    "AccessDenied": "denied: the base identity may not assume it (its policy or the role's "
    "trust policy)",
}


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
        code = error_code(exc)
        meaning = CREDENTIAL_ERRORS.get(code)
        if connection.role_arn and getattr(exc, "operation_name", "") == "AssumeRole":
            why = f" ({meaning})" if meaning else ""
            raise InputError(f"cannot assume {connection.role_arn}: {code}{why}") from None
        why = f": {meaning}" if meaning and code != "AccessDenied" else ""
        raise InputError(f"AWS rejected the credentials: {code}{why}") from None
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
