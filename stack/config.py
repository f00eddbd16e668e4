"""Stack inputs: suffix and environment validation, physical names, per-environment settings.

This module imports nothing from CDKTF/CDK Terrain, so `main.py` validates its inputs (and exits
with a one-line error) before the slow jsii runtime starts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENVIRONMENTS = ("dev", "prod")
SUFFIX_MAX_LENGTH = 18
SUFFIX_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,16}[a-z0-9])?")
INSTANCE_CLASS_PATTERN = re.compile(r"db\.[a-z0-9]+\.[a-z0-9]+")
DEFAULT_DB_INSTANCE_CLASS = "db.t3.medium"

PRIMARY_REGION = "us-east-1"
REPLICA_REGION = "us-west-2"
VPC_CIDR = "10.0.0.0/16"
STACK_DIR = Path(__file__).resolve().parent
LAMBDA_SOURCE_DIR = STACK_DIR.parent / "lambda"


class ConfigError(ValueError):
    """An invalid stack input; its message is one line meant for stderr."""


def validate_suffix(value: str | None) -> str:
    """Return the suffix when valid, else raise ConfigError."""
    if value is None or value == "":
        raise ConfigError("ENVIRONMENT_SUFFIX is required (1 to 18 characters of [a-z0-9-])")
    if len(value) > SUFFIX_MAX_LENGTH:
        raise ConfigError(
            f"ENVIRONMENT_SUFFIX {value!r} is {len(value)} characters long; "
            f"at most {SUFFIX_MAX_LENGTH} are allowed"
        )
    if not SUFFIX_PATTERN.fullmatch(value):
        raise ConfigError(
            f"ENVIRONMENT_SUFFIX {value!r} is invalid: use only [a-z0-9-], "
            "with no leading or trailing hyphen"
        )
    return value


def default_environment(suffix: str) -> str:
    """The suffix's first hyphen-separated token when it is dev or prod, else dev."""
    first = suffix.split("-", 1)[0]
    return first if first in ENVIRONMENTS else "dev"


def validate_environment(value: str | None, suffix: str) -> str:
    """Return the environment (explicit or derived from the suffix), else raise ConfigError."""
    if value is None or value == "":
        return default_environment(suffix)
    if value not in ENVIRONMENTS:
        raise ConfigError(f"ENVIRONMENT {value!r} is invalid: use one of {', '.join(ENVIRONMENTS)}")
    return value


def validate_instance_class(value: str | None) -> str:
    """Return the Aurora instance class (default db.t3.medium), else raise ConfigError."""
    if value is None or value == "":
        return DEFAULT_DB_INSTANCE_CLASS
    if not INSTANCE_CLASS_PATTERN.fullmatch(value):
        raise ConfigError(f"DB_INSTANCE_CLASS {value!r} is invalid: expected e.g. db.t3.medium")
    return value


@dataclass(frozen=True)
class StackConfig:
    """Validated inputs plus the settings that differ between dev and prod."""

    suffix: str
    environment: str
    db_instance_class: str = DEFAULT_DB_INSTANCE_CLASS
    lambda_source_dir: Path = LAMBDA_SOURCE_DIR

    def __post_init__(self) -> None:
        validate_suffix(self.suffix)
        if self.environment not in ENVIRONMENTS:
            raise ConfigError(f"environment {self.environment!r} is not one of dev, prod")
        validate_instance_class(self.db_instance_class)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StackConfig:
        """Build the config from ENVIRONMENT_SUFFIX, ENVIRONMENT and DB_INSTANCE_CLASS."""
        env = os.environ if environ is None else environ
        suffix = validate_suffix(env.get("ENVIRONMENT_SUFFIX"))
        return cls(
            suffix=suffix,
            environment=validate_environment(env.get("ENVIRONMENT"), suffix),
            db_instance_class=validate_instance_class(env.get("DB_INSTANCE_CLASS")),
        )

    # --- names -------------------------------------------------------------------------------

    @property
    def stack_id(self) -> str:
        """The stack id, which is also the directory name under <outdir>/stacks/."""
        return f"payment-{self.suffix}"

    @property
    def state_file(self) -> Path:
        """Local Terraform state file: stack/terraform.<stack id>.tfstate, whatever the cwd."""
        return STACK_DIR / f"terraform.{self.stack_id}.tfstate"

    def name(self, base: str, *, with_env: bool = False) -> str:
        """Physical name: `<base>-<suffix>`; with_env inserts the environment after base's first
        hyphen-separated token (`payment-vpc` -> `payment-<env>-vpc-<suffix>`)."""
        if with_env:
            head, sep, rest = base.partition("-")
            base = f"{head}-{self.environment}{sep}{rest}" if sep else f"{base}-{self.environment}"
        return f"{base}-{self.suffix}"

    def param(self, path: str) -> str:
        """SSM parameter name under this environment's path: `app/x` -> `/<env>/app/x`."""
        return f"/{self.environment}/{path.lstrip('/')}"

    @property
    def tags(self) -> dict[str, str]:
        """Provider default tags, carried by every taggable resource."""
        return {
            "Project": "payment",
            "Environment": self.environment,
            "EnvironmentSuffix": self.suffix,
            "ManagedBy": "cdktf",
        }

    # --- per-environment settings --------------------------------------------------------------

    @property
    def is_prod(self) -> bool:
        """True for the prod environment."""
        return self.environment == "prod"

    @property
    def deletion_protection(self) -> bool:
        """Deletion protection on Aurora, DynamoDB and the ALB: prod only."""
        return self.is_prod

    @property
    def backup_retention_days(self) -> int:
        """Aurora automated backup retention."""
        return 14 if self.is_prod else 7

    @property
    def log_retention_days(self) -> int:
        """CloudWatch Logs retention of the Lambda and flow-log groups."""
        return 30 if self.is_prod else 7

    @property
    def kms_deletion_window_days(self) -> int:
        """KMS key deletion window: the maximum in prod, the minimum in dev."""
        return 30 if self.is_prod else 7

    @property
    def log_level(self) -> str:
        """LOG_LEVEL of both Lambdas (INFO in both environments)."""
        return "INFO"
