"""paymentaudit.detect: secrets by name and by value, with detect-secrets' detectors.

No literal secret sits in this file: every key, token and password below is built at run time
(concatenation, a seeded random generator), so that neither GitHub push protection nor a
secret scanner run over the repository sees one.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import re
import string
import threading
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from paymentaudit import detect as d
from paymentaudit import redact
from paymentaudit.detect import scan as ds

# The name rule redact.py had before values were scanned (verbatim): detect must match a superset.
HISTORICAL = re.compile(r"password|passwd|secret|token|api[_-]?key|private|credential", re.I)

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


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sensitive"),
    [
        # the examples
        ("JWT_SIGNING_KEY", True),
        ("db_password", True),
        ("/prod/app/api-key", True),
        ("stripeApiKey", True),
        ("AUTH_TOKEN", True),
        # the historical words, anywhere in the name (as redact.SENSITIVE_NAME_RE)
        ("STRIPE_SECRET", True),
        ("DBPASSWORD", True),
        ("db_passwd", True),
        ("PRIVATE_CERT", True),
        ("partner-credentials", True),
        ("APIKEY", True),
        ("api-key", True),
        # the new short words, as whole tokens, singular or plural
        ("ENCRYPTION_KEY", True),
        ("ACCESS_KEYS", True),
        ("SMTP_PASS", True),
        ("db.pwd", True),
        ("BASIC_AUTH", True),
        ("authHeader", True),
        ("WEBHOOK_SIGNING_SECRET", True),
        ("signing", True),
        ("JWTSigningKey", True),
        ("API_KEY2", True),
        ("ACCESSKEY", True),  # a known compound
        # decided: passphrase and passcode are sensitive
        ("PASSPHRASE", True),
        ("ssh_passphrase", True),
        ("PASSCODE", True),
        # not sensitive
        ("MONKEY", False),
        ("PASSPORT_COUNTRY", False),
        ("AUTHOR", False),
        ("AUTHOR_EMAIL", False),
        ("KEYBOARD", False),
        ("KEYBOARD_LAYOUT", False),
        ("TABLE_NAME", False),
        ("LOG_LEVEL", False),
        ("POWERTOOLS_SERVICE_NAME", False),
        ("TURKEY_VAT_RATE", False),
        ("BYPASS_CACHE", False),
        ("OAUTH_ISSUER_URL", False),
        ("", False),
        (None, False),
    ],
)
def test_is_sensitive_name(name: str | None, sensitive: bool) -> None:
    assert d.is_sensitive_name(name) is sensitive


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("JWT_SIGNING_KEY", ("jwt", "signing", "key")),
        ("stripeApiKey", ("stripe", "api", "key")),
        ("JWTSigningKey", ("jwt", "signing", "key")),
        ("/prod/app/api-key", ("prod", "app", "api", "key")),
        ("db.pwd", ("db", "pwd")),
        ("aws:cloudformation:stack-name", ("aws", "cloudformation", "stack", "name")),
        ("API_KEY2", ("api", "key", "2")),
        ("MONKEY", ("monkey",)),
        ("", ()),
        (None, ()),
    ],
)
def test_name_tokens(name: str | None, tokens: tuple[str, ...]) -> None:
    assert d.name_tokens(name) == tokens


def test_sensitive_words_holds_the_old_and_the_new_words() -> None:
    old = {"password", "passwd", "secret", "token", "api_key", "apikey", "private", "credential"}
    new = {"key", "pass", "pwd", "auth", "signing", "passphrase", "passcode"}
    assert old | new == d.SENSITIVE_WORDS


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=40))
def test_every_name_redact_found_sensitive_still_is(name: str) -> None:
    """A superset of the old rule: no parameter the SSM collector never fetched becomes readable."""
    if HISTORICAL.search(name):
        assert d.is_sensitive_name(name)


# --------------------------------------------------------------------------------------------
# Benign values
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "-",
        "N/A",
        "***",
        True,
        False,
        0,
        10000,
        2.5,
        "true",
        "False",
        "disabled",
        "null",
        "10000",
        "-12.5",
        "1e6",
        "123456789012",
        "INFO",
        "debug",
        "WARNING",
        "USD",
        "USD,EUR,GBP",
        "USD, EUR, GBP",
        "eu-west-1,us-east-1",
        "card,sepa,ideal",
        "RS256",
        "payment-sessions-prod-abc123",
        "payment-processor",
        "payment_sessions",
        "vpc-0abc123def4567890",
        "subnet-0abc1234",
        "i-0123456789abcdef0",
        "sg-0abc1234def567890",
        "alias/payment-signing",
        "alias/aws/lambda",
        "/aws/lambda/payment-processor-prod",
        "/prod/app/api-key",
        "prod/stripe/api-key",
        "db.internal:5432",
        "python3.12",
        "1.2.3",
        "payments@example.com",
        "123e4567-e89b-12d3-a456-426614174000",
        KMS_KEY_ARN,
        STORE_ENTRY_ARN,
        "arn:aws:s3:::payment-exports-prod/*",
        "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:payment-processor",
        "arn:aws:iam::aws:policy/AWSLambdaExecute",
        f"{KMS_KEY_ARN},{STORE_ENTRY_ARN}",
        "{{resolve:secretsmanager:prod/stripe:SecretString:api_key}}",
        "https://api.example.com/v1/payments",
        "https://api.example.com/v1/payments?mode=live&page=2",
        "https://user@api.example.com/v1",
        "https://d111111abcdef8.cloudfront.net/index.html",
        "s3://payment-exports-prod/daily/",
        "http://localhost:8080/health",
    ],
)
def test_benign(value: object) -> None:
    assert d.is_benign(value)
    assert d.detect(value, "ANY_NAME") is None
    assert d.classify("JWT_SIGNING_KEY", value) is None  # benign under any name


@pytest.mark.parametrize(
    "value",
    [
        *SECRETS,
        "changeme",
        "hunter22",
        "cognito",
        "Sup3r-S3cret!",
        "aZ3kP9qL-m2Xw9kQz",
        "sk_" + "live_" + "a" * 24,
        "/" + _random(30),  # starts with "/" like a reference, but is a base64 key
        "{{resolve:secretsmanager:prod}} and more",
        "https://user:" + "pw@host.example.com/",
        "https://api.example.com/v1?api_key=" + _random(32),
        "https://api.example.com/v1?X-Amz-Credential=abc&X-Amz-Signature=" + RANDOM_HEX,
        "12345678901234567890123",  # a long digit string: a numeric token, not an amount
        "admin:hunter2@db.internal",
        "payments@",
    ],
)
def test_not_benign(value: str) -> None:
    assert not d.is_benign(value)


# --------------------------------------------------------------------------------------------
# detect
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
        ("AUDIT_KMS_KEY_ARN", KMS_KEY_ARN, None),
        ("TABLE_NAME", "payment-sessions-prod-abc123", None),
        ("LOG_LEVEL", "INFO", None),
        ("ALLOWED_CURRENCIES", "USD,EUR,GBP", None),
        ("MAX_PAYMENT_AMOUNT", "10000", None),
        ("POWERTOOLS_SERVICE_NAME", "payment-processor", None),
        ("API_URL", "https://api.example.com/v1/payments", None),
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
# classify and redacted
# --------------------------------------------------------------------------------------------


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
        ("API_URL", "https://api.example.com/v1/payments", None),
        ("AUTH_URL", "https://auth.example.com/oauth2/token", None),
        # ARNs, references and resource names under sensitive names
        ("AUDIT_KMS_KEY_ARN", KMS_KEY_ARN, None),
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
        ("TABLE_NAME", "payment-sessions-prod-abc123", None),
        ("LOG_LEVEL", "INFO", None),
        ("ALLOWED_CURRENCIES", "USD,EUR,GBP", None),
        ("MAX_PAYMENT_AMOUNT", "10000", None),
        ("POWERTOOLS_SERVICE_NAME", "payment-processor", None),
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


# --------------------------------------------------------------------------------------------
# The value never leaks: logs, exceptions
# --------------------------------------------------------------------------------------------


def _leaks(value: str, caplog: pytest.LogCaptureFixture) -> list[str]:
    texts = []
    for record in caplog.records:
        texts.append(record.getMessage())
        texts.append(repr(record.args))
        if record.exc_info and record.exc_info[1] is not None:
            texts.extend(traceback.format_exception(record.exc_info[1]))
    return [t for t in texts if value in t]


def test_no_log_record_contains_a_value(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The module's own logger: another test's CLI run may have set "paymentaudit" to WARNING.
    caplog.set_level(logging.DEBUG, logger=d.__name__)
    monkeypatch.setattr(ds, "_ENGINE", None)  # the first call logs the initialisation, too
    for value in SECRETS:
        for name in ("CONFIG_BLOB", "DB_PASSWORD", ""):
            d.classify(name, value)
            d.detect(value, name)
    assert caplog.records, "expected at least the initialisation record"
    for value in SECRETS:
        assert not _leaks(value, caplog)


@pytest.fixture
def failing_stripe(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make the Stripe detector raise an exception whose message and args hold the value."""
    engine = d._engine()
    stripe = next(p for p in engine.formats if type(p).__name__ == "StripeDetector")

    def boom(string: str) -> Iterator[str]:
        raise ValueError(f"cannot parse {string!r}", string)

    monkeypatch.setattr(stripe, "analyze_string", boom)
    yield


@pytest.mark.usefixtures("failing_stripe")
def test_a_failing_detector_raises_without_the_value() -> None:
    with pytest.raises(d.DetectionError) as info:
        d.detect(STRIPE_LIVE_KEY, "CONFIG_BLOB")
    error = info.value
    assert str(error) == "StripeDetector failed (ValueError)"
    assert error.__cause__ is None and error.__context__ is None
    rendered = "".join(traceback.format_exception(error))
    assert STRIPE_LIVE_KEY not in rendered
    assert STRIPE_LIVE_KEY not in repr(error.args)


@pytest.mark.usefixtures("failing_stripe")
def test_classify_fails_closed_without_logging_the_value(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    reason = d.classify("CONFIG_BLOB", STRIPE_LIVE_KEY)
    assert reason == d.REASON_DETECTION_FAILED
    assert d.redacted(reason) == "[REDACTED]"
    assert any("StripeDetector failed" in r.getMessage() for r in caplog.records)
    assert not _leaks(STRIPE_LIVE_KEY, caplog)


def test_missing_detectors_raise_without_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ds, "_ENGINE", None)
    monkeypatch.setattr(ds, "_registry", dict)
    with pytest.raises(d.DetectorUnavailableError) as info:
        d.detect(STRIPE_LIVE_KEY, "CONFIG_BLOB")
    assert "StripeDetector" in str(info.value)
    assert STRIPE_LIVE_KEY not in "".join(traceback.format_exception(info.value))


# --------------------------------------------------------------------------------------------
# Threads
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


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

_NAMES = st.one_of(
    st.sampled_from(["", "CONFIG_BLOB", "DB_PASSWORD", "JWT_SIGNING_KEY", "TABLE_NAME", "X_ID"]),
    st.text(alphabet=st.characters(codec="ascii", categories=["L", "N", "P"]), max_size=30),
)


def _allowed_reasons() -> set[str | None]:
    return {
        None,
        d.REASON_SENSITIVE_NAME,
        d.REASON_URL_PASSWORD,
        d.REASON_DETECTION_FAILED,
        *(f"detected {name}" for name in d.enabled_detectors()),
    }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"])), name=_NAMES)
def test_random_text_never_raises_and_never_leaks(value: str, name: str) -> None:
    detector = d.detect(value, name)
    assert detector is None or detector in d.enabled_detectors()
    reason = d.classify(name, value)
    assert reason in _allowed_reasons()
    placeholder = d.redacted(reason)
    assert placeholder.startswith("[REDACTED")
    # A reason is one of a few fixed strings: it can only "contain" a value that is a fragment
    # of those strings by coincidence (e.g. the value "name" and the reason "sensitive name").
    assume(len(value.strip()) >= d.MIN_SECRET_LENGTH)
    assume(not any(value in r for r in _allowed_reasons() if r) and value not in placeholder)
    assert reason is None or value not in reason
    assert value not in placeholder


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.printable, min_size=1, max_size=200))
def test_random_printable_text_is_benign_or_scanned_without_error(value: str) -> None:
    benign = d.is_benign(value)
    detector = d.detect(value, "CONFIG_BLOB")
    if benign:
        assert detector is None
