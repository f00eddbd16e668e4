"""Values that are never secrets, whatever the name says (ARNs, references, resource names,
URLs without a password, numbers, log levels...)."""

from __future__ import annotations

import re
from re import Pattern
from typing import Final
from urllib.parse import parse_qsl, urlsplit

from paymentaudit.detect.names import is_sensitive_name
from paymentaudit.redact import is_secret_reference

#: Values shorter than this (after stripping whitespace) are never secrets: placeholders such
#: as ``-``, ``N/A`` or ``***``, flags, small numbers.
MIN_SECRET_LENGTH: Final = 4

# Single words that are configuration, not secrets (compared lower-case): booleans and nulls,
# log levels, and signing/encryption algorithm names (a ``JWT_SIGNING_ALG=RS256`` variable has
# a sensitive name since "signing" was added).
_BENIGN_WORDS: Final = frozenset(
    {"true", "false", "yes", "no", "on", "off", "enabled", "disabled"}
    | {"none", "null", "nil", "undefined"}
    | {"trace", "debug", "info", "notice", "warn", "warning", "error", "critical", "fatal"}
    | {"all", "verbose", "silent"}
    | {f"{family}{bits}" for family in ("hs", "rs", "es", "ps") for bits in (256, 384, 512)}
    | {"eddsa", "aes128", "aes256", "sha1", "sha256", "sha384", "sha512"}
)
# Plain numbers; longer digit strings may be numeric tokens or PINs and are not benign.
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_MAX_NUMBER_LENGTH: Final = 20
_CURRENCY: Final = re.compile(r"[A-Z]{3}")
_ARN: Final = re.compile(r"arn:aws(?:-[a-z]+)*:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12}|aws)?:\S+")
_RESOLVE: Final = re.compile(r"\{\{resolve:[^\s{}]+\}\}")
_URL: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")
_HOSTNAME: Final = re.compile(
    r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
)
# A resource name or path: tokens joined by - _ . /, optional leading/trailing "/", optional port.
_RESOURCE: Final = re.compile(r"/?[A-Za-z0-9]+(?:[-_./][A-Za-z0-9]+)*/?(?::\d{1,5})?")
_RESOURCE_SEPARATORS: Final = re.compile(r"[-_./:]")
# Tokens of a name: each must look like a word, a number or a short id, never like a key.
_NAME_TOKEN_FORMS: Final[tuple[Pattern[str], ...]] = (
    re.compile(r"[a-z]{1,20}|[A-Z]{1,20}"),  # word: payment, PROD
    re.compile(r"(?:[A-Z]?[a-z]+)(?:[A-Z][a-z]+)+|[A-Z][a-z]+"),  # CamelCase: PaymentStack
    re.compile(r"\d{1,18}"),  # number: 5432, account id
    re.compile(r"[a-z0-9]{1,12}|[A-Z0-9]{1,12}"),  # short id: abc123, v2, 1A2B3C4D
    re.compile(r"[A-Za-z][a-z]*\d{1,6}"),  # word + number: Function1, python3
    re.compile(r"[0-9a-f]{8}|[0-9a-f]{17}"),  # AWS resource id suffix: vpc-0abc..., i-...
)
_MAX_CAMEL_WORD: Final = 32


def _is_name_token(token: str) -> bool:
    if len(token) > _MAX_CAMEL_WORD:
        return False
    return any(form.fullmatch(token) for form in _NAME_TOKEN_FORMS)


def _is_resource_name(text: str, *, need_separator: bool = True) -> bool:
    """``payment-sessions-prod-abc123``, ``vpc-0abc...``, ``alias/x``, ``/aws/lambda/x``, ..."""
    if not _RESOURCE.fullmatch(text):
        return False
    body = text.rsplit(":", 1)[0] if ":" in text else text
    tokens = [t for t in _RESOURCE_SEPARATORS.split(body) if t]
    if need_separator and len(tokens) < 2:
        return False
    return all(_is_name_token(t) for t in tokens)


def _is_reference(text: str) -> bool:
    """A secret-store reference as a whole value: ARN, ``{{resolve:...}}`` or a name-like path.

    ``redact.is_secret_reference`` accepts any value starting with ``/``; a base64 key can start
    with ``/`` too, so the path form must also be made of name tokens.
    """
    if not is_secret_reference(text):
        return False
    if text.startswith("/"):
        return _is_resource_name(text, need_separator=False)
    return bool(_ARN.fullmatch(text) or _RESOLVE.fullmatch(text))


def _url_has_password(text: str) -> bool:
    """True when a URL carries a password in its userinfo (``user:password`` before the host)."""
    if not _URL.fullmatch(text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return "@" in parts.netloc and ":" in parts.netloc.rsplit("@", 1)[0]


def _is_benign_url(text: str) -> bool:
    """A URL without credentials: no password, no secret-looking path segment or query."""
    if not _URL.fullmatch(text) or _url_has_password(text):
        return False
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return False
    host = parts.hostname or ""
    if parts.netloc and not (_HOSTNAME.fullmatch(host) or host.startswith("[")):
        return False
    if not all(
        not seg or _is_resource_name(seg, need_separator=False) for seg in parts.path.split("/")
    ):
        return False
    for key, val in parse_qsl(parts.query, keep_blank_values=True):
        if is_sensitive_name(key) or not _is_resource_name(key, need_separator=False):
            return False
        if val and not (_is_benign_text(val, allow_list=True) or _is_name_token(val)):
            return False
    return not parts.fragment or _is_resource_name(parts.fragment, need_separator=False)


def _is_email(text: str) -> bool:
    """``payments@example.com``: a name-like local part at a host name with a dot."""
    local, at, domain = text.rpartition("@")
    return bool(
        at
        and "." in domain
        and _HOSTNAME.fullmatch(domain.lower())
        and _is_resource_name(local, need_separator=False)
    )


def _is_prose(text: str) -> bool:
    """Two or more plain words separated by spaces: free text (a tag, a description)."""
    words = [w.strip(".,;:!?()") for w in text.split()]
    return len(words) >= 2 and all(w and _is_name_token(w) for w in words)


def _is_benign_text(text: str, *, allow_list: bool) -> bool:
    if text.lower() in _BENIGN_WORDS:
        return True
    if len(text) <= _MAX_NUMBER_LENGTH and _NUMBER.fullmatch(text):
        return True
    if _CURRENCY.fullmatch(text):
        return True
    if _ARN.fullmatch(text) or _is_reference(text):
        return True
    if _is_benign_url(text) or _is_resource_name(text) or _is_email(text):
        return True
    if allow_list and "," in text:
        items = [item.strip() for item in text.split(",")]
        return all(
            item and (_is_benign_text(item, allow_list=False) or _is_name_token(item))
            for item in items
        )
    return False


def _as_text(value: object) -> str:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    return value if isinstance(value, str) else str(value)


def is_benign(value: object) -> bool:
    """True for values that are never secrets, whatever the name says.

    Benign: None, empty or short values (fewer than :data:`MIN_SECRET_LENGTH` characters),
    booleans and numbers (Python or text, up to 20 characters), log levels, currency codes
    (``USD``), algorithm names (``RS256``), ARNs, secret-store references
    (``redact.is_secret_reference``, with a name-like path), URLs without a password and
    without a secret-looking path segment or query parameter, AWS resource names and ids
    (``payment-sessions-prod-abc123``, ``vpc-0abc...``, ``alias/...``, ``/aws/lambda/...``,
    ``host:5432``) and comma-separated lists of such values or words (``USD,EUR,GBP``).

    A resource name needs at least one separator and every token must look like a word, a
    number or a short id: a random token (``sk_live_`` + 24 characters, a 40-character hex
    string, a mixed-case base64 chunk) never passes. A password shaped like a resource name
    (``hunter2-prod``) does: that is the price of not flagging every table name held by a
    variable whose name contains ``key``.
    """
    if value is None or isinstance(value, bool | int | float):
        return True
    text = _as_text(value).strip()
    if len(text) < MIN_SECRET_LENGTH:
        return True
    return _is_benign_text(text, allow_list=True)
