"""paymentaudit.detect, secrets by value: detect-secrets' detectors, their entropy limits, the
global detect-secrets settings left alone, and the same results from many threads.

No literal secret sits in this file: the keys, tokens and passwords come from detectkit.py,
built at run time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from detectkit import (
    AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY,
    BENIGN,
    CONNECTION_STRING,
    DB_PASSWORD,
    JWT,
    PEM_PRIVATE_KEY,
    RANDOM_BASE64,
    RANDOM_HEX,
    SIGNING_KEY_32,
    SLACK_WEBHOOK,
    STORE_ENTRY_ARN,
    STRIPE_LIVE_KEY,
    URL_WITH_CREDENTIALS,
)

from paymentaudit import detect as d
from paymentaudit.detect import scan as ds

# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "detector"),
    [
        # the examples
        ("CONFIG_BLOB", STRIPE_LIVE_KEY, "StripeDetector"),
        ("AWS_ACCESS_KEY_ID", AWS_ACCESS_KEY_ID, "AWSKeyDetector"),
        # the secret access key is found through the synthetic NAME = "value" line
        ("AWS_SECRET_ACCESS_KEY", AWS_SECRET_ACCESS_KEY, "AWSKeyDetector"),
        ("SESSION_SAMPLE", JWT, "JwtTokenDetector"),
        ("TLS_BUNDLE", PEM_PRIVATE_KEY, "PrivateKeyDetector"),
        ("BUILD_ARTIFACT", RANDOM_BASE64, "Base64HighEntropyString"),
        ("CONFIG_BLOB", RANDOM_HEX, "HexHighEntropyString"),
        ("DATABASE_URL", URL_WITH_CREDENTIALS, "BasicAuthDetector"),
        ("ALERTS_WEBHOOK", SLACK_WEBHOOK, "SlackDetector"),
        ("UPSTREAM", "Bearer " + RANDOM_BASE64, "Base64HighEntropyString"),
        # a value found inside a larger value, under a harmless name
        ("CONFIG_BLOB", f'{{"mode": "live", "stripe": "{STRIPE_LIVE_KEY}"}}', "StripeDetector"),
        ("CONFIG_BLOB", CONNECTION_STRING, "KeywordDetector"),
        # the keyword detector uses the name, through the synthetic line
        ("DB_PASSWORD", DB_PASSWORD, "KeywordDetector"),
        ("db_password", "changeme", "KeywordDetector"),
        # nothing fires
        ("JWT_SIGNING_KEY", "a" * 32, None),
        ("DESCRIPTION", "Stores the secret: rotated weekly by the platform team", None),
        ("CONFIG_BLOB", '{"db_secret_arn": "' + STORE_ENTRY_ARN + '"}', None),
        ("GREETING", "hello world", None),
        ("PUBLIC_ENDPOINT", "54.12.3.4", None),  # IPPublicDetector is disabled
        ("UPSTREAM_HOST", "host=54.12.3.4;port=443", None),
        # a digest under a digest name is not a secret
        ("GIT_COMMIT_SHA", RANDOM_HEX, None),
        ("SOURCE_HASH", RANDOM_BASE64, None),
        # ids (detect-secrets' is_likely_id_string filter)
        ("TENANT_ID", RANDOM_HEX, None),
        # benign values never fire
        *[(name, value, None) for name, value in BENIGN],
    ],
)
def test_detect(name: str, value: str, detector: str | None) -> None:
    assert d.detect(value, name) == detector


def test_detect_without_a_name_uses_the_value_alone() -> None:
    assert d.detect(STRIPE_LIVE_KEY) == "StripeDetector"
    assert d.detect(DB_PASSWORD) is None  # a plain password needs the name: see classify()
    assert d.detect(DB_PASSWORD, "DB_PASSWORD") == "KeywordDetector"


@pytest.mark.parametrize("value", [None, 3, 2.5, True, b"payment-processor"])
def test_detect_accepts_non_text_values(value: object) -> None:
    assert d.detect(value, "X") is None


def test_detect_decodes_bytes() -> None:
    assert d.detect(STRIPE_LIVE_KEY.encode(), "X") == "StripeDetector"


def test_enabled_detectors_and_entropy_limits() -> None:
    names = d.enabled_detectors()
    for required in (
        "KeywordDetector",
        "Base64HighEntropyString",
        "HexHighEntropyString",
        "AWSKeyDetector",
        "StripeDetector",
        "JwtTokenDetector",
        "PrivateKeyDetector",
        "BasicAuthDetector",
        "SlackDetector",
        "GitHubTokenDetector",
    ):
        assert required in names
    assert "IPPublicDetector" not in names
    assert d.DISABLED_DETECTORS.isdisjoint(names)
    assert len(names) == len(set(names))
    # format detectors first, then entropy, then keyword
    assert names[-3:] == ("Base64HighEntropyString", "HexHighEntropyString", "KeywordDetector")
    limits = {type(p).__name__: p.entropy_limit for p in d._engine().entropy}
    assert limits == {"Base64HighEntropyString": 4.5, "HexHighEntropyString": 3.0}
    assert (d.BASE64_ENTROPY_LIMIT, d.HEX_ENTROPY_LIMIT) == (4.5, 3.0)


def test_detect_ignores_the_global_detect_secrets_settings() -> None:
    """Other code configuring detect-secrets (plugins, verification) changes nothing here.

    With the verification filter configured, ``BasePlugin.analyze_line`` would send each
    candidate to the vendor's API; detect() must never do that (and the test suite only allows
    loopback sockets anyway).
    """
    from detect_secrets.settings import transient_settings

    config = {
        "plugins_used": [{"name": "PrivateKeyDetector"}],
        "filters_used": [
            {
                "path": "detect_secrets.filters.common.is_ignored_due_to_verification_policies",
                "min_level": 2,
            }
        ],
    }
    with transient_settings(config):
        assert d.detect(STRIPE_LIVE_KEY, "CONFIG_BLOB") == "StripeDetector"
        assert d.detect(AWS_ACCESS_KEY_ID, "X") == "AWSKeyDetector"
        assert d.detect(RANDOM_BASE64, "X") == "Base64HighEntropyString"


# --------------------------------------------------------------------------------------------


CASES = [
    ("CONFIG_BLOB", STRIPE_LIVE_KEY),
    ("AWS_ACCESS_KEY_ID", AWS_ACCESS_KEY_ID),
    ("AWS_SECRET_ACCESS_KEY", AWS_SECRET_ACCESS_KEY),
    ("SESSION_SAMPLE", JWT),
    ("TLS_BUNDLE", PEM_PRIVATE_KEY),
    ("BUILD_ARTIFACT", RANDOM_BASE64),
    ("CONFIG_BLOB", RANDOM_HEX),
    ("DB_PASSWORD", DB_PASSWORD),
    ("UPSTREAM", "Bearer " + RANDOM_BASE64),
    ("TABLE_NAME", "payment-sessions-prod-abc123"),
    ("GREETING", "hello world"),
    ("JWT_SIGNING_KEY", SIGNING_KEY_32),
]


def test_detect_from_8_threads_gives_the_same_results() -> None:
    expected = [d.detect(value, name) for name, value in CASES]
    assert "Base64HighEntropyString" in expected  # the entropy path (the locked one) is covered
    barrier = threading.Barrier(8)

    def run(_: int) -> list[list[str | None]]:
        barrier.wait()
        return [[d.detect(value, name) for name, value in CASES] for _ in range(25)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, range(8)))
    assert all(rounds == [expected] * 25 for rounds in results)


def test_the_detectors_are_built_once_under_concurrency(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ds, "_ENGINE", None)
    built: list[object] = []
    real_build: Callable[[], d._Engine] = d._build_engine

    def counting_build() -> d._Engine:
        engine = real_build()
        built.append(engine)
        return engine

    monkeypatch.setattr(ds, "_build_engine", counting_build)
    barrier = threading.Barrier(8)

    def first_call(_: int) -> str | None:
        barrier.wait()
        return d.detect(STRIPE_LIVE_KEY, "CONFIG_BLOB")

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(first_call, range(8))) == {"StripeDetector"}
    assert len(built) == 1
