"""The platform, its regions and its environments: the settings that differ between dev and
prod."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

PROJECT = "payment"
MANAGED_BY = "cdktf"
ENVIRONMENTS = ("dev", "prod")
PRIMARY_REGION = "us-east-1"
REPLICA_REGION = "us-west-2"
DEFAULT_DB_INSTANCE_CLASS = "db.t3.medium"
# The suffix placeholder of a name pattern (a name that does not end with the suffix).
SUFFIX_FIELD = "{suffix}"


@dataclass(frozen=True)
class EnvironmentSettings:
    """The settings that differ between dev and prod."""

    deletion_protection: bool  # Aurora, DynamoDB and the ALB
    final_snapshot: bool  # Aurora takes a final snapshot when deleted
    backup_retention_days: int  # Aurora automated backups
    log_retention_days: int  # the Lambda and flow-log groups
    kms_deletion_window_days: int  # the maximum in prod, the minimum in dev
    log_level: str  # LOG_LEVEL of both functions and the app/log-level parameter


SETTINGS: Mapping[str, EnvironmentSettings] = MappingProxyType(
    {
        "dev": EnvironmentSettings(
            deletion_protection=False,
            final_snapshot=False,
            backup_retention_days=7,
            log_retention_days=7,
            kms_deletion_window_days=7,
            log_level="INFO",
        ),
        "prod": EnvironmentSettings(
            deletion_protection=True,
            final_snapshot=True,
            backup_retention_days=14,
            log_retention_days=30,
            kms_deletion_window_days=30,
            log_level="INFO",
        ),
    }
)


def settings(environment: str) -> EnvironmentSettings:
    """The settings of ``environment`` (dev or prod)."""
    return SETTINGS[environment]
