"""What the collection engine is asked for and what it returns, per environment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from paymentaudit.model import Coverage, Resource


@dataclass(frozen=True)
class EnvSpec:
    """One environment to snapshot: its suffix and SSM prefix."""

    suffix: str
    ssm_prefix: str


@dataclass
class EnvResult:
    """What the engine collected for one environment."""

    env: EnvSpec
    resources: list[Resource] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)  # service -> error lines

    def fail(self, service: str, message: str) -> None:
        """Record that part of a service could not be read."""
        self.errors.setdefault(service, []).append(message)

    def coverage(self, services: Iterable[str]) -> list[Coverage]:
        """One coverage entry per service, in the given order."""
        counts: dict[str, int] = {}
        for res in self.resources:
            counts[res.service] = counts.get(res.service, 0) + 1
        out = []
        for service in services:
            errors = sorted(set(self.errors.get(service, ())))
            out.append(
                Coverage(
                    service=service,
                    status="error" if errors else "ok",
                    resources=counts.get(service, 0),
                    error="; ".join(errors) if errors else None,
                )
            )
        return out
