"""Where and as whom an environment is read: its regions, profile, endpoint, and the role to
assume in its account. Plain data: the sessions are made in ``credentials``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from paymentaudit.errors import InputError

# A role the audit can assume: a partition, a 12-digit account, a role name (with a path).
ROLE_ARN_RE = re.compile(
    r"^arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role/[\w+=,.@/-]{1,512}$"
)
SESSION_PREFIX = "paymentaudit-"


@dataclass(frozen=True)
class Connection:
    """Where and as whom to connect: profile, endpoint (moto, LocalStack), regions, and a role
    to assume from those base credentials (another account's audit role)."""

    region: str = "us-east-1"
    replica_region: str = "us-west-2"
    profile: str | None = None
    endpoint_url: str | None = None
    # Static credentials, used by the embedded sandbox only.
    credentials: Mapping[str, str] | None = None
    role_arn: str | None = None
    external_id: str | None = None
    session_name: str = "paymentaudit"  # paymentaudit-<suffix> for an environment's role

    @property
    def regions(self) -> tuple[str, ...]:
        """Primary region, then the replica region (when different)."""
        if self.replica_region and self.replica_region != self.region:
            return (self.region, self.replica_region)
        return (self.region,)

    @property
    def reached(self) -> str:
        """How the account is reached, for the reports (never a credential)."""
        parts = []
        if self.role_arn:
            parts.append(f"role {self.role_arn}")
        if self.profile:
            parts.append(f"profile {self.profile}")
        if self.endpoint_url:
            parts.append(f"endpoint {self.endpoint_url}")
        if self.credentials and not self.role_arn:
            parts.append("sandbox credentials")
        return ", ".join(parts) or "default credentials"

    def same_reads(self, other: Connection) -> bool:
        """True when two connections read the same account and regions the same way (their
        environments can share list calls)."""
        return (
            self.region,
            self.replica_region,
            self.profile,
            self.endpoint_url,
            tuple(sorted((self.credentials or {}).items())),
            self.role_arn,
            self.external_id,
        ) == (
            other.region,
            other.replica_region,
            other.profile,
            other.endpoint_url,
            tuple(sorted((other.credentials or {}).items())),
            other.role_arn,
            other.external_id,
        )


def check_role_arn(value: str, what: str = "--role-arn") -> str:
    """A role ARN, or InputError naming what gave it."""
    if not isinstance(value, str) or not ROLE_ARN_RE.match(value):
        raise InputError(
            f"invalid {what} {value!r}: expected arn:aws:iam::<12-digit account>:role/<name>"
        )
    return value
