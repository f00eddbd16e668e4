"""Snapshots: one environment's redacted resources, coverage and provenance; JSON on disk."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import botocore.exceptions

from paymentaudit import collectors
from paymentaudit._callable import make_callable
from paymentaudit.aws import DEFAULT_MAX_WORKERS, Clients, Connection, error_code
from paymentaudit.collect import Engine, EnvSpec
from paymentaudit.errors import InputError, SnapshotFileError
from paymentaudit.model import Coverage, Resource, ResourceKey
from paymentaudit.naming import default_ssm_path, environment_word, validate_suffix
from paymentaudit.outputs import atomic_file

if TYPE_CHECKING:
    import pandas as pd

SNAPSHOT_SCHEMA = "paymentaudit/snapshot/v1"


@dataclass(frozen=True)
class Snapshot:
    """One environment as the audit saw it."""

    suffix: str
    ssm_prefix: str
    region: str
    replica_region: str
    account_id: str
    taken_at: str
    resources: tuple[Resource, ...]
    coverage: tuple[Coverage, ...]
    api_calls: int = 0
    source: str = "aws"
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def environment(self) -> str:
        """The environment word (dev, prod, ...)."""
        return environment_word(self.suffix)

    def by_key(self) -> dict[ResourceKey, Resource]:
        """Resources by pairing key (type, logical name); built once per snapshot."""
        return self._by_key

    @functools.cached_property
    def _by_key(self) -> dict[ResourceKey, Resource]:
        return {r.key: r for r in self.resources}

    def of_type(self, resource_type: str) -> list[Resource]:
        """Resources of one type, in snapshot order."""
        return [r for r in self.resources if r.type == resource_type]

    def failed_services(self) -> set[str]:
        """Services whose coverage is an error."""
        return {c.service for c in self.coverage if c.status != "ok"}

    # -- frames -----------------------------------------------------------------------

    def frame(self) -> pd.DataFrame:
        """Resources as a DataFrame: service, type, logical_name, physical_id, region, arn."""
        from paymentaudit.frames import resources_frame

        return resources_frame(self)

    def attributes_frame(self) -> pd.DataFrame:
        """Flattened attributes: service, type, logical_name, path, value."""
        from paymentaudit.frames import attributes_frame

        return attributes_frame(self)

    # -- files ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON form (schema ``paymentaudit/snapshot/v1``)."""
        return {
            "schema": SNAPSHOT_SCHEMA,
            "suffix": self.suffix,
            "environment": self.environment,
            "ssm_prefix": self.ssm_prefix,
            "region": self.region,
            "replica_region": self.replica_region,
            "account_id": self.account_id,
            "taken_at": self.taken_at,
            "source": self.source,
            "api_calls": self.api_calls,
            "coverage": [c.to_dict() for c in self.coverage],
            "resources": [r.to_dict() for r in self.resources],
            **({"extra": dict(self.extra)} if self.extra else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], origin: str = "snapshot") -> Snapshot:
        """Inverse of :meth:`to_dict`; SnapshotFileError on another schema or a bad shape."""
        if not isinstance(data, Mapping):
            raise SnapshotFileError(f"{origin}: not a JSON object")
        schema = data.get("schema")
        if schema != SNAPSHOT_SCHEMA:
            raise SnapshotFileError(
                f"{origin}: schema {schema!r} is not supported (expected {SNAPSHOT_SCHEMA!r})"
            )
        try:
            return cls(
                suffix=data["suffix"],
                ssm_prefix=data["ssm_prefix"],
                region=data["region"],
                replica_region=data.get("replica_region", ""),
                account_id=data.get("account_id", ""),
                taken_at=data["taken_at"],
                resources=tuple(Resource.from_dict(r) for r in data["resources"]),
                coverage=tuple(
                    Coverage(c["service"], c["status"], c["resources"], c.get("error"))
                    for c in data["coverage"]
                ),
                api_calls=int(data.get("api_calls", 0)),
                source=data.get("source", "file"),
                extra=data.get("extra", {}),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SnapshotFileError(
                f"{origin}: malformed snapshot ({type(exc).__name__}: {exc})"
            ) from None

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write atomically (temporary file, then rename)."""
        return write_json_atomic(Path(path), self.to_dict())


def load(path: str | os.PathLike[str]) -> Snapshot:
    """Read a snapshot file; SnapshotFileError when unreadable, corrupt or another version."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SnapshotFileError(f"{path}: cannot read snapshot ({exc.strerror or exc})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SnapshotFileError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})"
        ) from None
    return Snapshot.from_dict(data, origin=str(path))


def write_json_atomic(path: Path, data: Any) -> Path:
    """Write JSON to ``path`` through a temporary sibling and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=False, default=str)
        handle.write("\n")
    return path


def now_iso() -> str:
    """The current UTC time, ISO-8601 with a Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Identity:
    """Who the audit runs as."""

    account_id: str
    arn: str
    partition: str


def whoami(connection: Connection) -> Identity:
    """Check credentials and endpoint with sts:GetCallerIdentity; InputError when unusable."""
    clients = Clients(connection, collectors.declared_operations(()), max_attempts=2)
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
    """Snapshot several environments in one pass; list calls they share run once.

    ``envs`` holds (suffix, ssm prefix or None for the default) pairs.
    """
    specs = []
    for suffix, ssm_prefix in envs:
        validate_suffix(suffix)
        specs.append(EnvSpec(suffix, ssm_prefix or default_ssm_path(suffix)))
    selected = collectors.select(services)
    identity = whoami(connection)
    clients = Clients(
        connection,
        collectors.declared_operations(selected),
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
    out = {}
    for spec in specs:
        result = results[spec.suffix]
        coverage = result.coverage(service_order)
        tagging = result.errors.get("tagging")
        if tagging:
            coverage.append(Coverage("tagging", "error", 0, "; ".join(sorted(set(tagging)))))
        resources = sorted(result.resources, key=lambda r: (r.service, r.type, r.logical_name))
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
        )
    return out


def snapshot(
    suffix: str,
    *,
    region: str = "us-east-1",
    replica_region: str = "us-west-2",
    profile: str | None = None,
    endpoint_url: str | None = None,
    ssm_path: str | None = None,
    max_workers: int = DEFAULT_MAX_WORKERS,
    services: Iterable[str] | None = None,
) -> Snapshot:
    """Snapshot one environment (the notebook entry point)."""
    connection = Connection(
        region=region,
        replica_region=replica_region,
        profile=profile,
        endpoint_url=endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None,
    )
    return take([(suffix, ssm_path)], connection, services=services, max_workers=max_workers)[
        suffix
    ]


def _entry() -> Any:
    return snapshot


make_callable(__name__, _entry)
