"""Where and as whom to read AWS: the connection choice, in one place.

The embedded sandbox (a moto server in this process, provisioned with the environments asked
for), or each environment's own account: a profile, a role assumed from the base credentials
(another account's audit role), an endpoint (LocalStack, moto), a region; the default
credential chain otherwise. Flags override the inventory (``inventory``), the inventory
overrides the defaults. :func:`opened` is the context manager the CLI uses; :func:`connect` is
the notebook form, which keeps a sandbox running until the process ends.
"""

from __future__ import annotations

import atexit
import contextlib
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from paymentaudit.api.inventory import Environment
from paymentaudit.aws import SESSION_PREFIX, Connection, check_reachable, check_role_arn
from paymentaudit.errors import InputError

DEFAULT_REGION = "us-east-1"
DEFAULT_REPLICA_REGION = "us-west-2"


@dataclass(frozen=True)
class Where:
    """One environment's connection flags; None: from the inventory, else the default."""

    region: str | None = None
    replica_region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    sandbox: bool = False
    role_arn: str | None = None
    external_id: str | None = None


def endpoint_from(value: str | None, what: str = "--endpoint-url") -> str | None:
    """An endpoint URL, else $AWS_ENDPOINT_URL; InputError for a URL without a scheme."""
    url = value or os.environ.get("AWS_ENDPOINT_URL") or None
    if url is not None and not url.startswith(("http://", "https://")):
        source = what if value else "AWS_ENDPOINT_URL"
        raise InputError(
            f"invalid {source} {url!r}: expected http:// or https:// (e.g. http://localhost:4566)"
        )
    return url


def resolve(
    suffix: str, where: Where, entry: Environment, *, base: Where | None = None
) -> Connection:
    """One environment's connection: its flags, else its inventory entry, else ``base`` (the
    command's flags for the baseline: --region, --profile, --endpoint-url), else the defaults.
    A role session is named ``paymentaudit-<suffix>``."""
    base = base or Where()
    role = where.role_arn or entry.role_arn
    region = where.region or entry.region or base.region or DEFAULT_REGION
    if role:
        check_role_arn(role, "role ARN")
        check_reachable(role, region, f"the role of {suffix}")
    profile = where.profile or (None if where.role_arn else entry.profile) or base.profile
    return Connection(
        region=region,
        replica_region=(
            where.replica_region
            or entry.replica_region
            or base.replica_region
            or DEFAULT_REPLICA_REGION
        ),
        profile=profile,
        endpoint_url=endpoint_from(where.endpoint_url or entry.endpoint_url or base.endpoint_url),
        role_arn=role,
        external_id=(where.external_id or entry.external_id) if role else None,
        session_name=f"{SESSION_PREFIX}{suffix}",
    )


@contextlib.contextmanager
def sandbox_opened(
    target: str,
    baseline: str | None,
    *,
    region: str = DEFAULT_REGION,
    replica_region: str = DEFAULT_REPLICA_REGION,
    drifts: bool = True,
    progress: Callable[[str], None] | None = None,
    layout: str = "stack",
) -> Iterator[dict[str, Connection]]:
    """The embedded sandbox, provisioned with ``target`` (its planted drifts unless ``drifts``
    is False) in an account of its own, and ``baseline`` in the base account: each
    environment's connection (the target's through its audit role, which holds exactly the
    printed IAM policy)."""
    from paymentaudit.iam_policy import policy_document, trust_policy
    from paymentaudit.sandbox import AuditRole, running

    with running(
        target,
        baseline,
        audit=AuditRole(policy=policy_document(), trust=trust_policy),
        region=region,
        replica_region=replica_region,
        drifts=drifts,
        progress=progress,
        layout=layout,
    ) as conns:
        yield conns


class Connections(dict[str, Connection]):
    """Each environment's connection, by suffix: the sandbox's environments live in two
    accounts (the baseline in the base account, the target behind its audit role)."""

    def __missing__(self, suffix: str) -> Connection:
        raise InputError(f"no connection for {suffix!r}: these reach {', '.join(sorted(self))}")


@contextlib.contextmanager
def opened(
    where: Where,
    *,
    target: str | None = None,
    baseline: str | None = None,
    drifts: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Iterator[Connection | Connections]:
    """The connection for the block: the sandbox's (provisioned with ``target`` and
    ``baseline``: one per environment), or the account the flags reach (notebooks and
    ``snapshot``)."""
    if where.sandbox:
        if target is None:
            raise InputError("the sandbox needs the environment to provision")
        with sandbox_opened(
            target,
            baseline,
            region=where.region or DEFAULT_REGION,
            replica_region=where.replica_region or DEFAULT_REPLICA_REGION,
            drifts=drifts,
            progress=progress,
        ) as conns:
            yield Connections(conns)
        return
    yield resolve(target or "audit", where, Environment(target or "audit"))


def for_environment(connection: Connection | Mapping[str, Connection], suffix: str) -> Connection:
    """The connection that reads ``suffix``: itself, or its entry in a per-environment map."""
    if isinstance(connection, Connection):
        return connection
    return connection[suffix]


_KEPT = contextlib.ExitStack()
atexit.register(_KEPT.close)


def connect(
    *,
    sandbox: bool = False,
    profile: str | None = None,
    endpoint_url: str | None = None,
    region: str = DEFAULT_REGION,
    replica_region: str = DEFAULT_REPLICA_REGION,
    role_arn: str | None = None,
    external_id: str | None = None,
    target: str = "prod-abc123",
    baseline: str | None = "dev",
) -> Connection | Connections:
    """A connection for a notebook: a profile, an endpoint, or a role to assume from those
    credentials; or the sandbox (holding ``target``, drifts planted, and ``baseline``; it runs
    until the process ends), whose environments live in two accounts: then one connection per
    environment, by suffix. ``snapshot(suffix, connection=...)`` takes either."""
    where = Where(region, replica_region, profile, endpoint_url, sandbox, role_arn, external_id)
    return _KEPT.enter_context(opened(where, target=target, baseline=baseline))
