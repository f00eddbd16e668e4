"""Stack inputs: suffix and environment validation, physical names, per-environment settings.

This module imports nothing from CDKTF/CDK Terrain, so `main.py` validates its inputs (and exits
with a one-line error) before the slow jsii runtime starts. Names, tags and settings come from
`paymentaudit.platform`, the one declaration of the payment stack (stdlib only; `main.py` puts
the repository root on sys.path for it).

The optional audit role (`AUDIT_PRINCIPAL_ARN`, `AUDIT_EXTERNAL_ID`) is validated here with the
patterns of `paymentaudit.iam_policy.trust_policy` (copied: that module needs botocore, which
the CDK Terrain venv does not have; tests/stack/test_stack_audit.py keeps the copies equal).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from paymentaudit import platform

ENVIRONMENTS = platform.ENVIRONMENTS
SUFFIX_MAX_LENGTH = 18
SUFFIX_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,16}[a-z0-9])?")
INSTANCE_CLASS_PATTERN = re.compile(r"db\.[a-z0-9]+\.[a-z0-9]+")
DEFAULT_DB_INSTANCE_CLASS = platform.DEFAULT_DB_INSTANCE_CLASS

PRIMARY_REGION = platform.PRIMARY_REGION
REPLICA_REGION = platform.REPLICA_REGION
VPC_CIDR = platform.VPC.cidr
STACK_DIR = Path(__file__).resolve().parent
LAMBDA_SOURCE_DIR = STACK_DIR.parent / "lambda"

# The audit role (components/audit.py), built only when AUDIT_PRINCIPAL_ARN is set: its name
# base is the stack's own (the platform declares the names every stack builds).
AUDIT_ROLE = "payment-audit-readonly"
# Who may assume it (paymentaudit.iam_policy.PRINCIPAL_RE): an account root, a user or a role
# of any partition; and sts:AssumeRole's ExternalId (paymentaudit.iam_policy.EXTERNAL_ID_RE).
PRINCIPAL_PATTERN = re.compile(
    r"arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:(?:root|(?:user|role)/[\w+=,.@/-]{1,512})"
)
EXTERNAL_ID_PATTERN = re.compile(r"[\w+=,.@:/-]{2,1224}")


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


def validate_audit(principal: str | None, external_id: str | None) -> tuple[str | None, str | None]:
    """Return (AUDIT_PRINCIPAL_ARN, AUDIT_EXTERNAL_ID), None when unset, else raise ConfigError."""
    principal, external_id = principal or None, external_id or None
    if principal is None:
        if external_id is not None:
            raise ConfigError(
                "AUDIT_EXTERNAL_ID is set without AUDIT_PRINCIPAL_ARN: the external id is a "
                "condition of the audit role, which AUDIT_PRINCIPAL_ARN enables"
            )
        return None, None
    if not PRINCIPAL_PATTERN.fullmatch(principal):
        raise ConfigError(
            f"AUDIT_PRINCIPAL_ARN {principal!r} is invalid: expected arn:<partition>:iam::"
            "<12-digit account>:root, :user/<name> or :role/<name>"
        )
    if external_id is not None and not EXTERNAL_ID_PATTERN.fullmatch(external_id):
        raise ConfigError(
            f"AUDIT_EXTERNAL_ID is invalid ({len(external_id)} characters): expected 2 to 1224 "
            "characters of letters, digits and +=,.@:/-_"
        )
    return principal, external_id


@dataclass(frozen=True)
class StackConfig:
    """Validated inputs plus the settings that differ between dev and prod."""

    suffix: str
    environment: str
    db_instance_class: str = DEFAULT_DB_INSTANCE_CLASS
    lambda_source_dir: Path = LAMBDA_SOURCE_DIR
    # The audit role: built when audit_principal_arn is set (AUDIT_PRINCIPAL_ARN).
    audit_principal_arn: str | None = None
    audit_external_id: str | None = None
    # The name bases and parameter paths asked for so far (check_names compares them with
    # what paymentaudit.platform declares).
    named: set[str] = field(default_factory=set, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        validate_suffix(self.suffix)
        if self.environment not in ENVIRONMENTS:
            raise ConfigError(f"environment {self.environment!r} is not one of dev, prod")
        validate_instance_class(self.db_instance_class)
        validate_audit(self.audit_principal_arn, self.audit_external_id)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StackConfig:
        """Build the config from ENVIRONMENT_SUFFIX, ENVIRONMENT, DB_INSTANCE_CLASS,
        AUDIT_PRINCIPAL_ARN and AUDIT_EXTERNAL_ID."""
        env = os.environ if environ is None else environ
        suffix = validate_suffix(env.get("ENVIRONMENT_SUFFIX"))
        principal, external_id = validate_audit(
            env.get("AUDIT_PRINCIPAL_ARN"), env.get("AUDIT_EXTERNAL_ID")
        )
        return cls(
            suffix=suffix,
            environment=validate_environment(env.get("ENVIRONMENT"), suffix),
            db_instance_class=validate_instance_class(env.get("DB_INSTANCE_CLASS")),
            audit_principal_arn=principal,
            audit_external_id=external_id,
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
        hyphen-separated token (`payment-vpc` -> `payment-<env>-vpc-<suffix>`).

        `base` must be declared by paymentaudit.platform (STACK_NAMES), or be the audit role's
        when it is enabled (AUDIT_ROLE): ConfigError otherwise.
        """
        if base == AUDIT_ROLE and self.audit_principal_arn is None:
            raise ConfigError(f"{base!r} is built only when AUDIT_PRINCIPAL_ARN is set")
        if base not in platform.STACK_NAMES and base != AUDIT_ROLE:
            raise ConfigError(f"{base!r} is not a name declared by paymentaudit/platform/")
        self.named.add(base)
        return platform.name(base, self.suffix, self.environment, with_env=with_env)

    def param(self, path: str) -> str:
        """SSM parameter name under this environment's path: `app/x` -> `/<env>/app/x`."""
        if path not in platform.STACK_PARAMETERS:
            raise ConfigError(f"{path!r} is not a parameter declared by paymentaudit/platform/")
        self.named.add(path)
        return platform.param(path, self.environment)

    def check_names(self) -> None:
        """ConfigError unless every name and parameter paymentaudit.platform declares was
        built (the stack and the platform declare the same resources), and the audit role
        when AUDIT_PRINCIPAL_ARN enables it."""
        if self.audit_principal_arn is not None and AUDIT_ROLE not in self.named:
            raise ConfigError(f"AUDIT_PRINCIPAL_ARN is set but the stack built no {AUDIT_ROLE}")
        missing = set(platform.STACK_NAMES | platform.STACK_PARAMETERS) - self.named
        if not self.settings.final_snapshot:
            missing.discard(platform.AURORA.final_snapshot)
        if missing:
            raise ConfigError(
                "paymentaudit/platform/ declares names the stack does not build: "
                + ", ".join(sorted(missing))
            )

    @property
    def tags(self) -> dict[str, str]:
        """Provider default tags, carried by every taggable resource."""
        return platform.default_tags(self.environment, self.suffix)

    # --- per-environment settings --------------------------------------------------------------

    @property
    def is_prod(self) -> bool:
        """True for the prod environment."""
        return self.environment == "prod"

    @property
    def settings(self) -> platform.EnvironmentSettings:
        """The settings of this environment (paymentaudit.platform.SETTINGS)."""
        return platform.settings(self.environment)

    @property
    def deletion_protection(self) -> bool:
        """Deletion protection on Aurora, DynamoDB and the ALB: prod only."""
        return self.settings.deletion_protection

    @property
    def backup_retention_days(self) -> int:
        """Aurora automated backup retention."""
        return self.settings.backup_retention_days

    @property
    def log_retention_days(self) -> int:
        """CloudWatch Logs retention of the Lambda and flow-log groups."""
        return self.settings.log_retention_days

    @property
    def kms_deletion_window_days(self) -> int:
        """KMS key deletion window: the maximum in prod, the minimum in dev."""
        return self.settings.kms_deletion_window_days

    @property
    def log_level(self) -> str:
        """LOG_LEVEL of both Lambdas (INFO in both environments)."""
        return self.settings.log_level
