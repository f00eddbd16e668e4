"""The sandbox fleet: ``dev`` and five prod environments in ONE account of a moto server.

``fleet --sandbox`` audits it; the fleet tests provision it into a moto server of their own.
The five prods play one part each:

* ``prod-abc123`` carries the sandbox's planted drifts (``drifts.plant``): NOT READY;
* ``prod-def456`` deviates from its peers only: its Aurora backup retention is longer than the
  other prods' (and dev's). Longer is stricter, so against dev it is a difference of severity
  info, not a parity problem; among its peers it is the odd one out (a peer deviation);
* ``prod-ghi789``, ``prod-jkl012`` and ``prod-mno345`` are clean.

Prods of one account cannot share the ``/prod`` SSM path (each stack writes the same parameter
names), so each prod keeps its parameters under ``/<suffix>/``, as a fleet's inventory declares
(``ssm_path``); dev keeps ``/dev``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from paymentaudit.aws import Connection
from paymentaudit.naming import environment_word
from paymentaudit.sandbox import CREDENTIALS, account_of, client_factory, server
from paymentaudit.sandbox.drifts import plant
from paymentaudit.sandbox.provision import Env, provision

BASELINE = "dev"
DEVIANT_BACKUP_RETENTION_DAYS = 21  # the other prods keep platform's 14, dev 7


class Part(StrEnum):
    """What an environment of the sandbox fleet is there to show."""

    BASELINE = "baseline"
    DRIFTED = "drifted"  # the planted drifts
    DEVIANT = "deviant"  # differs from its peers only, and stricter than the baseline
    CLEAN = "clean"


@dataclass(frozen=True)
class Member:
    """One environment of the sandbox fleet."""

    suffix: str
    part: Part

    @property
    def ssm_path(self) -> str | None:
        """Its SSM prefix: ``/<suffix>`` for a prod, None (the default, ``/dev``) for dev."""
        return None if self.part is Part.BASELINE else f"/{self.suffix}"


MEMBERS: tuple[Member, ...] = (
    Member(BASELINE, Part.BASELINE),
    Member("prod-abc123", Part.DRIFTED),
    Member("prod-def456", Part.DEVIANT),
    Member("prod-ghi789", Part.CLEAN),
    Member("prod-jkl012", Part.CLEAN),
    Member("prod-mno345", Part.CLEAN),
)


@dataclass(frozen=True)
class Fleet:
    """A provisioned sandbox fleet: where it is served and what it holds."""

    url: str
    account_id: str
    members: tuple[Member, ...]

    @property
    def connection(self) -> Connection:
        """The Connection that audits it (the sandbox's fixed test credentials)."""
        return Connection(endpoint_url=self.url, credentials=CREDENTIALS)

    @property
    def ssm_paths(self) -> dict[str, str]:
        """Suffix -> SSM prefix, for the members whose prefix is not the default."""
        return {m.suffix: m.ssm_path for m in self.members if m.ssm_path}

    def of(self, part: Part) -> list[str]:
        """The suffixes playing ``part``."""
        return [m.suffix for m in self.members if m.part is part]


@dataclass
class _OwnPathEnv(Env):
    """An Env whose SSM parameters live under ``/<suffix>/`` instead of ``/<environment>/``."""

    def param(self, path: str) -> str:
        return f"/{self.suffix}/{path.lstrip('/')}"


def deviate(env: Env) -> None:
    """The peer deviation: a longer Aurora backup retention than the other prods'."""
    env.c("rds").modify_db_cluster(
        DBClusterIdentifier=env.ids["cluster"],
        BackupRetentionPeriod=DEVIANT_BACKUP_RETENTION_DAYS,
        ApplyImmediately=True,
    )


def provision_fleet(
    url: str,
    members: tuple[Member, ...] = MEMBERS,
    progress: Callable[[str], None] | None = None,
) -> Fleet:
    """Provision ``members`` into the moto server at ``url`` (one account), then plant the
    drifts and the deviation."""
    clients = client_factory(url)
    account = account_of(url)
    envs: dict[str, Env] = {}
    for member in members:
        if progress:
            progress(f"provisioning {member.suffix}")
        word = environment_word(member.suffix)
        kind = Env if member.part is Part.BASELINE else _OwnPathEnv
        env = kind(
            suffix=member.suffix,
            environment=word if word in ("dev", "prod") else "dev",
            clients=clients,
            account_id=account,
        )
        envs[member.suffix] = provision(env)
    for member in members:
        if member.part is Part.DRIFTED:
            plant(envs[member.suffix])
        elif member.part is Part.DEVIANT:
            deviate(envs[member.suffix])
    return Fleet(url=url, account_id=account, members=members)


@contextlib.contextmanager
def running(progress: Callable[[str], None] | None = None) -> Iterator[Fleet]:
    """An embedded moto server (127.0.0.1, no credentials, no network) holding the fleet."""
    saved = {k: os.environ.pop(k, None) for k in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")}
    try:
        with server() as url:
            yield provision_fleet(url, progress=progress)
    finally:
        for key, value in saved.items():
            if value is not None:
                os.environ[key] = value
