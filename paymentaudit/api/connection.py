"""Where and as whom to read AWS: the connection choice, in one place.

The embedded sandbox (a moto server in this process, provisioned with the environments asked
for), a profile, or an endpoint (LocalStack, moto); the default credential chain otherwise.
:func:`opened` is the context manager the CLI uses; :func:`connect` is the notebook form, which
keeps a sandbox running until the process ends.
"""

from __future__ import annotations

import atexit
import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from paymentaudit.aws import Connection
from paymentaudit.errors import InputError

DEFAULT_REGION = "us-east-1"
DEFAULT_REPLICA_REGION = "us-west-2"


@dataclass(frozen=True)
class Where:
    """What a connection is asked for (the CLI's connection flags, as data)."""

    region: str = DEFAULT_REGION
    replica_region: str = DEFAULT_REPLICA_REGION
    profile: str | None = None
    endpoint_url: str | None = None
    sandbox: bool = False


def endpoint_from(value: str | None) -> str | None:
    """--endpoint-url, else $AWS_ENDPOINT_URL; InputError for a URL without a scheme."""
    url = value or os.environ.get("AWS_ENDPOINT_URL") or None
    if url is not None and not url.startswith(("http://", "https://")):
        raise InputError(
            f"invalid endpoint URL {url!r}: expected http:// or https:// "
            "(e.g. http://localhost:4566)"
        )
    return url


@contextlib.contextmanager
def opened(
    where: Where,
    *,
    target: str | None = None,
    baseline: str | None = None,
    drifts: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Iterator[Connection]:
    """The connection to audit, open for the block: the sandbox (provisioned with ``target``,
    with its planted drifts unless ``drifts`` is False, and ``baseline``), or the account the
    profile, endpoint or default chain reaches."""
    if where.sandbox:
        from paymentaudit.sandbox import running

        if target is None:
            raise InputError("the sandbox needs the environment to provision")
        with running(
            target,
            baseline,
            region=where.region,
            replica_region=where.replica_region,
            drifts=drifts,
            progress=progress,
        ) as conn:
            yield conn
        return
    yield Connection(
        region=where.region,
        replica_region=where.replica_region,
        profile=where.profile,
        endpoint_url=endpoint_from(where.endpoint_url),
    )


_KEPT = contextlib.ExitStack()
atexit.register(_KEPT.close)


def connect(
    *,
    sandbox: bool = False,
    profile: str | None = None,
    endpoint_url: str | None = None,
    region: str = DEFAULT_REGION,
    replica_region: str = DEFAULT_REPLICA_REGION,
    target: str = "prod-abc123",
    baseline: str | None = "dev",
) -> Connection:
    """A connection for a notebook: the sandbox (holding ``target``, drifts planted, and
    ``baseline``; it runs until the process ends), a profile, or an endpoint."""
    where = Where(region, replica_region, profile, endpoint_url, sandbox)
    return _KEPT.enter_context(opened(where, target=target, baseline=baseline))
