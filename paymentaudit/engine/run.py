"""One collection pass: check who we are, run the engine, name by relationships, make Snapshots."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from paymentaudit import services as registry
from paymentaudit.aws import DEFAULT_MAX_WORKERS, Clients, Connection, whoami
from paymentaudit.engine.naming import name_by_relationships
from paymentaudit.engine.results import EnvSpec
from paymentaudit.engine.scheduler import Engine
from paymentaudit.model import Coverage
from paymentaudit.naming import default_ssm_path, validate_suffix
from paymentaudit.snapshots import Snapshot, now_iso


def take(
    envs: Sequence[tuple[str, str | None]],
    connection: Connection,
    *,
    services: Iterable[str] | None = None,
    max_workers: int = DEFAULT_MAX_WORKERS,
    timeout: float | None = None,
    progress: Callable[[str], None] | None = None,
    source: str = "aws",
    extra_hooks: Mapping[str, Callable[..., Any]] | None = None,
) -> dict[str, Snapshot]:
    """Snapshot several environments of one account and region pair in one pass; list calls
    they share run once. ``envs`` holds (suffix, ssm prefix or None for the default) pairs."""
    specs = []
    for suffix, ssm_prefix in envs:
        validate_suffix(suffix)
        specs.append(EnvSpec(suffix, ssm_prefix or default_ssm_path(suffix)))
    selected = registry.select(services)
    identity = whoami(connection)
    clients = Clients(
        connection,
        registry.declared_operations(selected),
        max_workers=max_workers,
        extra_hooks=extra_hooks,
    )
    engine = Engine(
        clients,
        selected,
        specs,
        account_id=identity.account_id,
        partition=identity.partition,
        max_workers=max_workers,
        timeout=timeout,
        progress=progress,
    )
    results = engine.run()
    service_order = list(dict.fromkeys(c.service for c in selected))
    taken_at = now_iso()
    calls = clients.calls.total
    by_type = {c.type: c for c in selected}
    seen = sorted(engine.tagged_suffixes())
    out = {}
    for spec in specs:
        result = results[spec.suffix]
        coverage = result.coverage(service_order)
        tagging = result.errors.get("tagging")
        if tagging:
            coverage.append(Coverage("tagging", "error", 0, "; ".join(sorted(set(tagging)))))
        named = name_by_relationships(result.resources, by_type)
        resources = sorted(named, key=lambda r: (r.service, r.type, r.logical_name))
        out[spec.suffix] = Snapshot(
            suffix=spec.suffix,
            ssm_prefix=spec.ssm_prefix,
            region=connection.region,
            replica_region=connection.replica_region,
            account_id=identity.account_id,
            taken_at=taken_at,
            resources=tuple(resources),
            coverage=tuple(coverage),
            api_calls=calls,
            source=source,
            identity=identity.arn,
            reached=connection.reached,
            extra={"suffixes_seen": seen},
        )
    return out


def take_all(
    envs: Sequence[tuple[Connection, str, str | None]],
    **kwargs: Any,
) -> dict[str, Snapshot]:
    """Snapshot environments that may live in different accounts or regions: those read the
    same way (``Connection.same_reads``) share one pass and its list calls; the passes of
    different accounts run side by side. ``envs`` holds (connection, suffix, ssm prefix)."""
    groups: list[tuple[Connection, list[tuple[str, str | None]]]] = []
    for conn, suffix, ssm in envs:
        group = next((g for g in groups if g[0].same_reads(conn)), None)
        if group is None:
            groups.append((conn, [(suffix, ssm)]))
        else:
            group[1].append((suffix, ssm))
    if len(groups) == 1:
        conn, members = groups[0]
        return take(members, conn, **kwargs)
    out: dict[str, Snapshot] = {}
    with ThreadPoolExecutor(len(groups), thread_name_prefix="account") as pool:
        futures = [pool.submit(take, members, conn, **kwargs) for conn, members in groups]
        for future in futures:
            out.update(future.result())
    return out
