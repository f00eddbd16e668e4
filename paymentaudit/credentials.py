"""boto3 sessions for a connection: the base credentials (profile, environment, instance role;
dummy ones for a local emulator on a loopback endpoint), or a role assumed from them with
refreshable credentials. One service-model loader for every session of the process."""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import urllib.parse
from typing import Any

import boto3
import botocore.credentials
import botocore.exceptions
import botocore.loaders
import botocore.session

from paymentaudit.accounts import Connection
from paymentaudit.errors import InputError

_log = logging.getLogger("paymentaudit.aws")


def check_reachable(role_arn: str, region: str, what: str = "--role-arn") -> None:
    """InputError when the role's partition is not the region's: an aws-cn role cannot be
    assumed through us-east-1's STS (nor an aws role through cn-north-1's)."""
    partition = role_arn.split(":", 2)[1]
    try:
        reachable = botocore_session().get_partition_for_region(region)
    except botocore.exceptions.UnknownRegionError:
        return  # a region botocore does not know (a local emulator's): nothing to compare
    if partition != reachable:
        raise InputError(
            f"cannot reach {what} {role_arn} from {region}: the role is in partition "
            f"{partition}, {region} in {reachable} (give a region of the role's partition)"
        )


def make_session(connection: Connection) -> boto3.Session:
    """A boto3 session for the connection; an unknown profile is an InputError.

    With a ``role_arn``, the session's credentials are the role's, assumed from the base
    credentials (profile, environment or instance role) with botocore's refreshable
    credentials: they are fetched on first use and renewed before they expire, so a run that
    outlasts the role session's duration still completes.

    Sessions are cached per (profile, credentials, credential environment, role); all of them
    share one service-model loader, so each model is parsed once per process.
    """
    if connection.role_arn:
        return _role_session(connection)
    return _base_session(connection)


def _role_session(connection: Connection) -> boto3.Session:
    role_arn = connection.role_arn
    assert role_arn is not None
    base = _base_session(connection)
    env = tuple(os.environ.get(var) for var in _CREDENTIAL_ENV)
    key = (
        "role",
        connection.role_arn,
        connection.external_id,
        connection.session_name,
        connection.endpoint_url,
        connection.region,
        connection.profile,
        tuple(sorted((connection.credentials or {}).items())),
        env,
    )
    with _SESSIONS_LOCK:
        session = _SESSIONS.get(key)
        if session is not None:
            return session
        source = base.get_credentials()
        if source is None:
            raise InputError(
                "no AWS credentials found to assume "
                f"{connection.role_arn} from: set AWS_PROFILE or --profile, or export "
                "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
            )
        base_core = base._session  # the base botocore session: it creates the STS client
        endpoint = connection.endpoint_url

        def sts_client(service_name: str, **kwargs: Any) -> Any:
            kwargs.setdefault("region_name", connection.region)
            if endpoint:
                kwargs.setdefault("endpoint_url", endpoint)
            return base_core.create_client(service_name, **kwargs)

        extra: dict[str, Any] = {"RoleSessionName": connection.session_name[:64]}
        if connection.external_id:
            extra["ExternalId"] = connection.external_id
        fetcher = botocore.credentials.AssumeRoleCredentialFetcher(
            client_creator=sts_client,
            source_credentials=source,
            role_arn=role_arn,
            extra_args=extra,
        )
        core = botocore_session()
        # botocore has no public setter for refreshable credentials: its own assume-role
        # provider stores them in the same private attribute.
        core._credentials = botocore.credentials.DeferredRefreshableCredentials(  # type: ignore[attr-defined]
            method="assume-role", refresh_using=fetcher.fetch_credentials
        )
        session = boto3.Session(botocore_session=core, region_name=connection.region)
        _SESSIONS[key] = session
        return session


# A local emulator (moto, LocalStack) on a loopback endpoint accepts any credentials: when
# none are configured, these are used, so that `--endpoint-url http://localhost:4566` works on
# a machine without AWS credentials. Never for a remote endpoint or a real AWS one.
LOOPBACK_CREDENTIALS = {
    "aws_access_key_id": "paymentaudit-local",
    "aws_secret_access_key": "paymentaudit-local",
}


def is_loopback(url: str | None) -> bool:
    """True for http(s)://localhost, 127.0.0.0/8 or [::1] (a local emulator)."""
    if not url:
        return False
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _base_session(connection: Connection) -> boto3.Session:
    session = _session_for(connection, dict(connection.credentials or {}))
    if (
        connection.credentials is None
        and connection.profile is None
        and is_loopback(connection.endpoint_url)
        and session.get_credentials() is None
    ):
        _log.debug("no AWS credentials: dummy ones for the loopback endpoint")
        return _session_for(connection, LOOPBACK_CREDENTIALS)
    return session


def _session_for(connection: Connection, creds: dict[str, str]) -> boto3.Session:
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
