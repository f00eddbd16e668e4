"""Suffixes, environment words and logical names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paymentaudit.errors import InputError
from paymentaudit.naming import (
    ENV_WORDS,
    belongs,
    default_ssm_path,
    environment_word,
    logical_name,
    ssm_logical_name,
    validate_ssm_path,
    validate_suffix,
)


@pytest.mark.parametrize(
    ("name", "suffix", "logical"),
    [
        ("payment-prod-vpc-prod-abc123", "prod-abc123", "payment-vpc"),
        ("payment-sessions-dev", "dev", "payment-sessions"),
        ("payment-dev-vpc-dev", "dev", "payment-vpc"),
        ("/aws/lambda/payment-processor-dev", "dev", "/aws/lambda/payment-processor"),
        (
            "/aws/lambda/payment-processor-prod-abc123",
            "prod-abc123",
            "/aws/lambda/payment-processor",
        ),
        ("alias/payment-replica-prod-abc123", "prod-abc123", "alias/payment-replica"),
        ("alias/payment-dev", "dev", "alias/payment"),
        ("/aws/vpc/flow-logs/payment-staging-x1", "staging-x1", "/aws/vpc/flow-logs/payment"),
        ("payment-Production-db-abc", "abc", "payment-db"),  # env words in any case
        ("default", "dev", "default"),  # not suffixed: unchanged
        ("dev", "dev", "dev"),  # only an environment word: kept
        ("prod/app", "x", "prod/app"),
        ("payment-devices-dev", "dev", "payment-devices"),  # "devices" is not "dev"
        # The suffix inside the name (AWS-generated and legacy names): the same logical name.
        ("payment-aurora-prod-abc123-1", "prod-abc123", "payment-aurora-1"),
        ("payment-aurora-dev-1", "dev", "payment-aurora-1"),
        ("payment-aurora-staging-x1-2", "staging-x1", "payment-aurora-2"),
        ("prod-abc123-payment-db", "prod-abc123", "payment-db"),
        ("payment-abc123x-1", "abc123", "payment-abc123x-1"),  # not a whole word
    ],
)
def test_logical_name(name: str, suffix: str, logical: str) -> None:
    assert logical_name(name, suffix) == logical


@pytest.mark.parametrize(
    ("name", "prefix", "logical"),
    [
        ("/prod/app/currency", "/prod", "app/currency"),
        ("/dev/app/max-payment-amount", "/dev", "app/max-payment-amount"),
        ("/dev/app/currency", "/dev/", "app/currency"),
        ("/payments/dev/limit", "/payments/dev", "limit"),
        ("/devices/x", "/dev", "devices/x"),  # another path: kept whole
        ("/other/x", "/dev", "other/x"),
    ],
)
def test_ssm_logical_name(name: str, prefix: str, logical: str) -> None:
    assert ssm_logical_name(name, prefix) == logical


def test_environment_word_and_default_ssm_path() -> None:
    assert environment_word("prod-abc123") == "prod"
    assert environment_word("staging") == "staging"
    assert environment_word("abc123") == "dev"
    assert default_ssm_path("prod-abc123") == "/prod"
    assert default_ssm_path("dev") == "/dev"


@pytest.mark.parametrize("suffix", ["dev", "prod-abc123", "a", "a1-b2", "x" * 18])
def test_valid_suffixes(suffix: str) -> None:
    assert validate_suffix(suffix) == suffix


@pytest.mark.parametrize("suffix", ["", "-dev", "dev-", "Dev", "a_b", "x" * 19, "a b", None])
def test_invalid_suffixes(suffix: object) -> None:
    with pytest.raises(InputError, match="invalid suffix"):
        validate_suffix(suffix)  # type: ignore[arg-type]


@pytest.mark.parametrize("suffix", ["a--b", "prod--abc", "x---y"])
def test_consecutive_hyphens_are_refused_citing_the_rds_rule(suffix: str) -> None:
    with pytest.raises(InputError, match="two consecutive hyphens") as info:
        validate_suffix(suffix)
    assert "RDS" in str(info.value) and "\n" not in str(info.value)


def test_ssm_paths() -> None:
    assert validate_ssm_path("/prod/") == "/prod"
    assert validate_ssm_path("/") == "/"
    with pytest.raises(InputError):
        validate_ssm_path("prod")


def test_belongs() -> None:
    assert belongs("payment-sessions-dev", "dev")
    assert belongs("dev", "dev")
    assert not belongs("payment-sessions-prod-abc123", "dev")
    assert not belongs("payment-sessionsdev", "dev")
    assert belongs("anything", "dev", {"EnvironmentSuffix": "dev"})
    assert not belongs("payment-x-dev", "dev", {"EnvironmentSuffix": "abc-dev"})
    assert belongs("payment-x-dev", "dev", {"Name": "x"})


# -- properties ---------------------------------------------------------------------------------

# Base tokens are letters only; suffix tokens other than environment words carry a digit, so
# a base never ends with the suffix by accident.
TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
ENV = st.sampled_from(sorted(ENV_WORDS))
ID = st.from_regex(r"[a-z]{0,4}[0-9][a-z0-9]{0,5}", fullmatch=True)
SUFFIX = st.one_of(ENV, ID, st.builds(lambda e, i: f"{e}-{i}", ENV, ID)).filter(
    lambda s: len(s) <= 18
)
BASE_TOKENS = st.lists(st.one_of(TOKEN, ENV), min_size=1, max_size=5).filter(
    lambda tokens: any(t not in ENV_WORDS for t in tokens)
)


@settings(deadline=None)
@given(BASE_TOKENS, SUFFIX)
def test_suffix_is_dropped(tokens: list[str], suffix: str) -> None:
    base = "-".join(tokens)
    validate_suffix(suffix)
    logical = logical_name(f"{base}-{suffix}", suffix)
    assert logical == logical_name(base, suffix)
    assert not set(logical.split("-")) & ENV_WORDS
    assert logical == "-".join(t for t in tokens if t not in ENV_WORDS)


@settings(deadline=None)
@given(BASE_TOKENS, SUFFIX)
def test_logical_name_is_idempotent(tokens: list[str], suffix: str) -> None:
    once = logical_name("-".join(tokens) + "-" + suffix, suffix)
    assert logical_name(once, suffix) == once


@settings(deadline=None)
@given(BASE_TOKENS, ID, st.sampled_from(["", "/aws/lambda/", "alias/"]))
def test_dev_and_prod_names_of_one_base_are_equal(tokens: list[str], tail: str, path: str) -> None:
    head, *rest = tokens
    prod_suffix = f"prod-{tail}"

    def named(env: str, suffix: str) -> str:  # as the stack names things, env word inside
        return path + "-".join([head, env, *rest, suffix])

    assert logical_name(named("dev", "dev"), "dev") == logical_name(
        named("prod", prod_suffix), prod_suffix
    )
    assert logical_name(path + "-".join(tokens) + "-dev", "dev") == logical_name(
        path + "-".join(tokens) + "-" + prod_suffix, prod_suffix
    )
