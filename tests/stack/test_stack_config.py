"""Fast tests of stack/config.py: input validation, naming and per-environment settings."""

from __future__ import annotations

import re

import pytest
from config import (
    DEFAULT_DB_INSTANCE_CLASS,
    ConfigError,
    StackConfig,
    default_environment,
    validate_environment,
    validate_instance_class,
    validate_suffix,
)
from hypothesis import given
from hypothesis import strategies as st

VALID_SUFFIXES = ["a", "0", "dev", "prod", "prod-abc123", "dev-feature-x", "a" * 18, "a-b", "9z"]
INVALID_SUFFIXES = [
    "",
    "a" * 19,
    "Prod",
    "PROD-ABC",
    "-dev",
    "dev-",
    "-",
    "dev_1",
    "dev.1",
    "dev 1",
    "dév",
    "dev\n",
]
SPEC_PATTERN = re.compile(r"[a-z0-9-]{1,18}")


@pytest.mark.parametrize("suffix", VALID_SUFFIXES)
def test_valid_suffixes_are_accepted(suffix: str) -> None:
    assert validate_suffix(suffix) == suffix


@pytest.mark.parametrize("suffix", INVALID_SUFFIXES)
def test_invalid_suffixes_raise_a_one_line_error(suffix: str) -> None:
    with pytest.raises(ConfigError) as info:
        validate_suffix(suffix)
    message = str(info.value)
    assert "ENVIRONMENT_SUFFIX" in message
    assert "\n" not in message


def test_missing_suffix_is_an_error() -> None:
    with pytest.raises(ConfigError, match="required"):
        StackConfig.from_env({})


@given(st.text(alphabet="abcz09-_A.", max_size=22))
def test_suffix_validation_matches_the_spec(value: str) -> None:
    """1-18 chars of [a-z0-9-], no leading or trailing hyphen; everything else is rejected."""
    expected = bool(SPEC_PATTERN.fullmatch(value)) and not value.startswith("-")
    expected = expected and not value.endswith("-")
    try:
        validate_suffix(value)
        accepted = True
    except ConfigError:
        accepted = False
    assert accepted == expected


@pytest.mark.parametrize(
    ("suffix", "environment"),
    [
        ("prod", "prod"),
        ("prod-abc123", "prod"),
        ("dev", "dev"),
        ("dev-feature", "dev"),
        ("staging-1", "dev"),
        ("production", "dev"),
        ("devx", "dev"),
        ("pr-123", "dev"),
    ],
)
def test_environment_defaults_to_the_first_token(suffix: str, environment: str) -> None:
    assert default_environment(suffix) == environment
    assert StackConfig.from_env({"ENVIRONMENT_SUFFIX": suffix}).environment == environment


def test_explicit_environment_wins() -> None:
    cfg = StackConfig.from_env({"ENVIRONMENT_SUFFIX": "prod-abc123", "ENVIRONMENT": "dev"})
    assert cfg.environment == "dev"
    assert StackConfig.from_env({"ENVIRONMENT_SUFFIX": "x", "ENVIRONMENT": "prod"}).is_prod


@pytest.mark.parametrize("value", ["staging", "Prod", "PROD", "production", " dev", "test"])
def test_invalid_environment(value: str) -> None:
    with pytest.raises(ConfigError, match="ENVIRONMENT") as info:
        validate_environment(value, "dev")
    assert "\n" not in str(info.value)


def test_instance_class() -> None:
    assert validate_instance_class(None) == DEFAULT_DB_INSTANCE_CLASS == "db.t3.medium"
    assert validate_instance_class("db.r6g.large") == "db.r6g.large"
    with pytest.raises(ConfigError, match="DB_INSTANCE_CLASS"):
        validate_instance_class("t3.medium")
    cfg = StackConfig.from_env({"ENVIRONMENT_SUFFIX": "dev", "DB_INSTANCE_CLASS": "db.r6g.large"})
    assert cfg.db_instance_class == "db.r6g.large"


def test_names() -> None:
    cfg = StackConfig(suffix="prod-abc123", environment="prod")
    assert cfg.name("payment-sessions") == "payment-sessions-prod-abc123"
    assert cfg.name("payment-vpc", with_env=True) == "payment-prod-vpc-prod-abc123"
    assert cfg.name("alias/payment") == "alias/payment-prod-abc123"
    assert cfg.name("/aws/lambda/payment-processor") == "/aws/lambda/payment-processor-prod-abc123"
    assert cfg.param("app/currency") == "/prod/app/currency"
    assert cfg.stack_id == "payment-prod-abc123"
    assert StackConfig("dev", "dev").name("payment-vpc", with_env=True) == "payment-dev-vpc-dev"


def test_tags() -> None:
    assert StackConfig("dev-x", "dev").tags == {
        "Project": "payment",
        "Environment": "dev",
        "EnvironmentSuffix": "dev-x",
        "ManagedBy": "cdktf",
    }


def test_per_environment_settings() -> None:
    prod, dev = StackConfig("p", "prod"), StackConfig("d", "dev")
    assert (prod.backup_retention_days, dev.backup_retention_days) == (14, 7)
    assert (prod.log_retention_days, dev.log_retention_days) == (30, 7)
    assert (prod.kms_deletion_window_days, dev.kms_deletion_window_days) == (30, 7)
    assert prod.deletion_protection and not dev.deletion_protection
    assert prod.log_level == dev.log_level == "INFO"


# AWS name-length limits, checked with the longest suffix the validation accepts.
NAME_LIMITS = {
    "payment-alb": 32,
    "payment-blue": 32,
    "payment-green": 32,
    "payment-lambda-role": 64,
    "payment-s3-replication-role": 64,
    "payment-flow-logs-role": 64,
    "payment-rds-monitoring-role": 64,
    "payment-audit-logs": 63,
    "payment-audit-logs-replica": 63,
    "payment-processor": 64,
    "parameter-migration": 64,
    "payment-aurora-cluster": 63,
    "payment-aurora-instance-1": 63,
    "payment-aurora-instance-2": 63,
    "payment-aurora-final-snapshot": 255,
    "payment-sessions": 255,
}


@pytest.mark.parametrize(("base", "limit"), sorted(NAME_LIMITS.items()))
def test_names_fit_aws_limits_with_the_longest_suffix(base: str, limit: int) -> None:
    cfg = StackConfig(suffix="p" * 18, environment="prod")
    assert len(cfg.name(base)) <= limit
