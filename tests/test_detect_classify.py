"""paymentaudit.detect: why a (name, value) pair is a literal secret (classify), and the
placeholder that replaces it (redacted).

No literal secret sits in this file: the keys, tokens and passwords come from detectkit.py,
built at run time.
"""

from __future__ import annotations

import pytest
from detectkit import (
    AWS_ACCESS_KEY_ID,
    BENIGN,
    DB_PASSWORD,
    JWT,
    PEM_PRIVATE_KEY,
    RANDOM_BASE64,
    RANDOM_HEX,
    SIGNING_KEY_32,
    SIGNING_KEY_32_HIGH,
    STORE_ENTRY_ARN,
    STRIPE_LIVE_KEY,
    URL_WITH_CREDENTIALS,
    URL_WITH_CREDENTIALS_NO_USER,
)

from paymentaudit import detect as d
from paymentaudit import redact


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("CONFIG_BLOB", STRIPE_LIVE_KEY, "detected StripeDetector"),
        ("AWS_ACCESS_KEY_ID", AWS_ACCESS_KEY_ID, "detected AWSKeyDetector"),
        ("SESSION_SAMPLE", JWT, "detected JwtTokenDetector"),
        ("TLS_BUNDLE", PEM_PRIVATE_KEY, "detected PrivateKeyDetector"),
        ("BUILD_ARTIFACT", RANDOM_BASE64, "detected Base64HighEntropyString"),
        ("DB_PASSWORD", DB_PASSWORD, "detected KeywordDetector"),
        # the issue: a literal key under JWT_SIGNING_KEY is a secret. At 32 characters the
        # entropy of a random key is above the base64 limit about 60% of the time; otherwise
        # the key is caught by its name.
        ("JWT_SIGNING_KEY", SIGNING_KEY_32_HIGH, "detected Base64HighEntropyString"),
        ("JWT_SIGNING_KEY", SIGNING_KEY_32, "sensitive name"),
        ("JWT_SIGNING_KEY", "a" * 32, "sensitive name"),
        ("SMTP_PASS", "changeme", "sensitive name"),
        ("/prod/app/api-key", DB_PASSWORD, "detected KeywordDetector"),
        ("/prod/app/signing-key", DB_PASSWORD, "sensitive name"),
        ("PASSWORD_HASH", RANDOM_HEX, "detected KeywordDetector"),  # a digest name, but...
        # URLs
        ("DATABASE_URL", URL_WITH_CREDENTIALS, "detected BasicAuthDetector"),
        ("REDIS_URL", URL_WITH_CREDENTIALS_NO_USER, "password in URL"),
        ("AUTH_URL", "https://auth.example.com/oauth2/token", None),
        # ARNs, references and resource names under sensitive names
        ("DB_SECRET_ARN", STORE_ENTRY_ARN, None),
        ("STRIPE_API_KEY_PARAMETER", "/prod/payments/stripe-api-key", None),
        ("SIGNING_KEY_ALIAS", "alias/payment-signing", None),
        ("TOKEN_TABLE", "payment-tokens-prod", None),
        ("AUTH_ENABLED", "true", None),
        ("KEY_ROTATION_DAYS", "90", None),
        ("JWT_SIGNING_ALG", "RS256", None),
        ("DB_PASSWORD", "", None),
        ("DB_PASSWORD", None, None),
        ("CLIENT_SECRET", "{{resolve:secretsmanager:prod/app:SecretString:client}}", None),
        # harmless names and values
        *[(name, value, None) for name, value in BENIGN],
        ("GREETING", "hello world", None),
        ("MONKEY", "changeme", None),
        ("PASSPORT_COUNTRY", "Netherlands", None),
    ],
)
def test_classify(name: str, value: object, reason: str | None) -> None:
    assert d.classify(name, value) == reason


@pytest.mark.parametrize(
    ("reason", "placeholder"),
    [
        (None, "[REDACTED]"),
        ("sensitive name", "[REDACTED]"),
        ("password in URL", "[REDACTED]"),
        ("detection failed", "[REDACTED]"),
        ("detected StripeDetector", "[REDACTED: detected StripeDetector]"),
        ("detected Base64HighEntropyString", "[REDACTED: detected Base64HighEntropyString]"),
        # anything else is never echoed
        ("detected " + STRIPE_LIVE_KEY, "[REDACTED]"),
        ("detected a value with spaces", "[REDACTED]"),
        ("detected ", "[REDACTED]"),
        (STRIPE_LIVE_KEY, "[REDACTED]"),
    ],
)
def test_redacted(reason: str | None, placeholder: str) -> None:
    assert d.redacted(reason) == placeholder
    assert d.redacted(None) == redact.REDACTED


def test_classify_and_redacted_together() -> None:
    reason = d.classify("CONFIG_BLOB", STRIPE_LIVE_KEY)
    assert d.redacted(reason) == "[REDACTED: detected StripeDetector]"
    assert d.redacted(d.classify("JWT_SIGNING_KEY", SIGNING_KEY_32)) == "[REDACTED]"
