"""paymentaudit.detect, secrets by name: the sensitive words, the name tokens, and every name
the old rule found still found.

No literal secret sits in this file: the keys, tokens and passwords come from detectkit.py,
built at run time.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paymentaudit import detect as d

# The name rule redact.py had before values were scanned (verbatim): detect must match a superset.
HISTORICAL = re.compile(r"password|passwd|secret|token|api[_-]?key|private|credential", re.I)


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
