"""The secrets of the paymentaudit.detect tests, and how they are made.

No literal secret sits in this file: every key, token and password below is built at run time
(concatenation, a seeded random generator), so that neither GitHub push protection nor a
secret scanner run over the repository sees one. The generator is drawn in a fixed order (this
module's, then test_detect_benign.py's parameters), so the values are the same on every run.
"""

from __future__ import annotations

import base64
import json
import random
import string

from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString

_RNG = random.Random(20240611)
ALNUM = string.ascii_letters + string.digits


def _random(n: int, alphabet: str = ALNUM) -> str:
    """A random string with at least one lower-case letter, upper-case letter and digit."""
    while True:
        s = "".join(_RNG.choice(alphabet) for _ in range(n))
        if alphabet != ALNUM or (
            any(c.islower() for c in s)
            and any(c.isupper() for c in s)
            and any(c.isdigit() for c in s)
        ):
            return s


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# Secrets, built at run time.
STRIPE_LIVE_KEY = "sk_" + "live_" + _random(24)
AWS_ACCESS_KEY_ID = "AK" + "IA" + _random(16, string.ascii_uppercase + string.digits)
AWS_SECRET_ACCESS_KEY = _random(40, ALNUM + "/+")
JWT = ".".join(
    (
        _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()),
        _b64url(json.dumps({"sub": "merchant-42", "iat": 1718000000}).encode()),
        _b64url(_RNG.randbytes(32)),
    )
)
PEM_PRIVATE_KEY = (
    "-----BEGIN " + "RSA PRIVATE" + " KEY-----\n" + _random(64) + "\n-----END RSA PRIVATE KEY-----"
)
RANDOM_BASE64 = base64.b64encode(_RNG.randbytes(33)).decode()  # 44 characters
RANDOM_HEX = "".join(_RNG.choice("0123456789abcdef") for _ in range(40))


def _random_key_32(*, high_entropy: bool) -> str:
    """A random 32-character key above (or not above) the base64 entropy limit.

    About 60% of random 32-character alphanumeric keys are above 4.5: both kinds occur.
    """
    base64_plugin = Base64HighEntropyString(limit=4.5)
    while True:
        key = _random(32)
        if (base64_plugin.calculate_shannon_entropy(key) > 4.5) is high_entropy:
            return key


SIGNING_KEY_32 = _random_key_32(high_entropy=False)
SIGNING_KEY_32_HIGH = _random_key_32(high_entropy=True)
DB_PASSWORD = _random(16)
URL_WITH_CREDENTIALS = "postgres://payments:" + _random(16) + "@db.internal:5432/payments"
URL_WITH_CREDENTIALS_NO_USER = "redis://:" + _random(16) + "@cache.internal:6379/0"
SLACK_WEBHOOK = (
    "https://hooks.slack.com/services/T"
    + _random(8, string.ascii_uppercase + string.digits)
    + "/B"
    + _random(8, string.ascii_uppercase + string.digits)
    + "/"
    + _random(24)
)
CONNECTION_STRING = "Server=db.internal;User Id=app;Password=" + _random(12) + ";"

KMS_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
STORE_ENTRY_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/stripe-AbCdEf"

SECRETS = [
    STRIPE_LIVE_KEY,
    AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY,
    JWT,
    PEM_PRIVATE_KEY,
    RANDOM_BASE64,
    RANDOM_HEX,
    SIGNING_KEY_32,
    SIGNING_KEY_32_HIGH,
    DB_PASSWORD,
    URL_WITH_CREDENTIALS,
    URL_WITH_CREDENTIALS_NO_USER,
    SLACK_WEBHOOK,
    CONNECTION_STRING,
]


# Values under names that are no secrets, whatever the detector: no finding, no redaction.
BENIGN = [
    ("AUDIT_KMS_KEY_ARN", KMS_KEY_ARN),
    ("TABLE_NAME", "payment-sessions-prod-abc123"),
    ("LOG_LEVEL", "INFO"),
    ("ALLOWED_CURRENCIES", "USD,EUR,GBP"),
    ("MAX_PAYMENT_AMOUNT", "10000"),
    ("POWERTOOLS_SERVICE_NAME", "payment-processor"),
    ("API_URL", "https://api.example.com/v1/payments"),
]
