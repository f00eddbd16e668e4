"""Snapshots from AWS: one environment, in a notebook or to a file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from paymentaudit import atomic
from paymentaudit.api import inventory as inventory_mod
from paymentaudit.api.connection import (
    DEFAULT_REGION,
    DEFAULT_REPLICA_REGION,
    Where,
    for_environment,
    opened,
    resolve,
)
from paymentaudit.api.inputs import check_limits, workers
from paymentaudit.aws import DEFAULT_MAX_WORKERS, Connection
from paymentaudit.engine.run import take
from paymentaudit.errors import OutputError
from paymentaudit.naming import validate_ssm_path, validate_suffix
from paymentaudit.snapshots import Snapshot

DEFAULT_TIMEOUT = 600.0


def snapshot(
    suffix: str,
    *,
    connection: Connection | Mapping[str, Connection] | None = None,
    region: str = DEFAULT_REGION,
    replica_region: str = DEFAULT_REPLICA_REGION,
    profile: str | None = None,
    endpoint_url: str | None = None,
    role_arn: str | None = None,
    external_id: str | None = None,
    ssm_path: str | None = None,
    max_workers: int = DEFAULT_MAX_WORKERS,
    timeout: float | None = None,
    services: Iterable[str] | None = None,
) -> Snapshot:
    """Snapshot one environment: through ``connection`` (see ``connect``), or the profile,
    endpoint ($AWS_ENDPOINT_URL), role to assume from those credentials (``role_arn``, with
    ``external_id``) or default credentials given."""
    validate_suffix(suffix)
    if ssm_path:
        validate_ssm_path(ssm_path, "ssm_path")
    if connection is None:
        where = Where(region, replica_region, profile, endpoint_url, False, role_arn, external_id)
        with opened(where, target=suffix) as conn:
            return _take(suffix, for_environment(conn, suffix), ssm_path, max_workers, timeout,
                         services)  # fmt: skip
    return _take(suffix, for_environment(connection, suffix), ssm_path, max_workers, timeout,
                 services)  # fmt: skip


def _take(
    suffix: str,
    conn: Connection,
    ssm_path: str | None,
    max_workers: int,
    timeout: float | None,
    services: Iterable[str] | None,
    progress: Callable[[str], None] | None = None,
    source: str = "aws",
) -> Snapshot:
    snaps = take(
        [(suffix, ssm_path)],
        conn,
        services=services,
        max_workers=max_workers,
        timeout=timeout,
        progress=progress,
        source=source,
    )
    return snaps[suffix]


def snapshot_to_file(
    suffix: str,
    output: str | os.PathLike[str],
    where: Where,
    *,
    inventory: str | None = None,
    ssm_path: str | None = None,
    max_workers: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Callable[[str], None] | None = None,
) -> Snapshot:
    """Snapshot one environment to a file (the ``snapshot`` command): its flags, else its
    inventory entry, else the defaults. The output path is checked before anything is read.
    On the sandbox, the environment is provisioned as ``validate --sandbox`` provisions it:
    drifts in a target, none in ``dev``, so that ``diff`` of two such snapshots matches
    validate."""
    validate_suffix(suffix)
    if ssm_path:
        validate_ssm_path(ssm_path, "--ssm-path")
    check_limits(max_workers, timeout)
    entry = inventory_mod.load(inventory).get(suffix)
    ssm_path = ssm_path or entry.ssm_path
    path = Path(output)
    atomic.writable_file(path, "the snapshot file")
    if not where.sandbox:
        snap = _take(
            suffix,
            resolve(suffix, where, entry),
            ssm_path,
            workers(max_workers, sandbox=False),
            timeout,
            None,
            progress,
            "aws",
        )
        return _save(snap, path, output)
    with opened(where, target=suffix, drifts=suffix != "dev", progress=progress) as conns:
        snap = _take(
            suffix,
            for_environment(conns, suffix),
            ssm_path,
            workers(max_workers, sandbox=True),
            timeout,
            None,
            progress,
            "sandbox",
        )
    return _save(snap, path, output)


def _save(snap: Snapshot, path: Path, output: str | os.PathLike[str]) -> Snapshot:
    try:
        snap.save(path)
    except OSError as exc:
        raise OutputError(f"cannot write {output}: {exc.strerror or exc}") from None
    return snap
