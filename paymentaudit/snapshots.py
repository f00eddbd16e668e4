"""Snapshots: one environment's redacted resources, coverage and provenance, and their JSON file
format (schema ``paymentaudit/snapshot/v1``). Taking one is the engine's job (``engine.run``)."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from paymentaudit.atomic import write_json_atomic
from paymentaudit.errors import SnapshotFileError
from paymentaudit.model import Coverage, Resource, ResourceKey
from paymentaudit.naming import environment_word

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
    identity: str = ""  # the caller's ARN (sts:GetCallerIdentity), when read from AWS
    reached: str = ""  # how the account was reached: a role, a profile, an endpoint

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
            **({"identity": self.identity} if self.identity else {}),
            **({"reached": self.reached} if self.reached else {}),
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
                identity=str(data.get("identity", "")),
                reached=str(data.get("reached", "")),
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
    except json.JSONDecodeError as exc:
        raise SnapshotFileError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})"
        ) from None
    return Snapshot.from_dict(data, origin=str(path))


def now_iso() -> str:
    """The current UTC time, ISO-8601 with a Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
