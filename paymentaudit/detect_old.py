"""Secrets found by value, with detect-secrets' detectors, at read time.

Name-based detection (``redact.is_sensitive_name``) misses a literal key held by a variable
whose name has no secret word (``JWT_SIGNING_KEY``, ``CONFIG_BLOB``). This module looks at the
value as well, when it is read: Lambda environment values, String parameter values and tag
values. Only the name of the detector that fired is ever kept, never the value.

Public API:

* :func:`is_sensitive_name` and :data:`SENSITIVE_WORDS`: the name rule.
* :func:`is_benign`: values that are never secrets whatever the name says.
* :func:`detect`: the first detect-secrets detector that fires on a value, or None.
* :func:`classify`: the reason a (name, value) pair is a literal secret, or None.
* :func:`redacted`: the placeholder that replaces a value, naming the detector if any.

How detect-secrets is used. Its documented Python API scans *files* under process-wide
settings (``default_settings`` / ``transient_settings``); its ad hoc ``scan_line`` mutates those
global settings on every call, reports high-entropy strings *below* the entropy limit (the
CLI prints them as "False (2.5)"), and runs through ``BasePlugin.analyze_line``, which sends the
candidate to the vendor's API for verification when the verification filter is configured
anywhere in the process. None of that fits a read-only, multi-threaded audit. So this module
builds its own plugin instances once, from detect-secrets' own plugin registry (the list that
``default_settings`` and ``detect-secrets scan --list-all-plugins`` use), with explicit limits,
calls each plugin's pure ``analyze_string``, and applies detect-secrets' default heuristic
filters (``detect_secrets.filters.heuristic``) itself. The global detect-secrets settings are
never read or changed, and nothing here can reach the network.

Nothing in this module logs, raises or caches a value: messages name detectors and exception
types only.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from re import Pattern
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.filters import heuristic
from detect_secrets.plugins.base import BasePlugin
from detect_secrets.plugins.high_entropy_strings import HighEntropyStringsPlugin
from detect_secrets.plugins.keyword import (
    CONFIG_DENYLIST_REGEX_TO_GROUP,
    QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
    KeywordDetector,
)

from paymentaudit.redact import REDACTED, is_secret_reference

__all__ = [
    "BASE64_ENTROPY_LIMIT",
    "DIGEST_NAME_WORDS",
    "DISABLED_DETECTORS",
    "HEX_ENTROPY_LIMIT",
    "MIN_SECRET_LENGTH",
    "REASON_DETECTION_FAILED",
    "REASON_SENSITIVE_NAME",
    "REASON_URL_PASSWORD",
    "SENSITIVE_WORDS",
    "DetectionError",
    "DetectorUnavailableError",
    "classify",
    "detect",
    "enabled_detectors",
    "is_benign",
    "is_sensitive_name",
    "name_tokens",
    "redacted",
]

_log = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

#: Words that make a parameter, variable or tag name sensitive.
#:
#: The historical words (``password passwd secret token api_key/apikey private credential``)
#: match anywhere in the name, exactly as ``redact.SENSITIVE_NAME_RE`` always did: the SSM
#: collector decides from the name whether it may *fetch* a value, and no parameter it never
#: requested (``/prod/dbpassword``, ``STRIPESECRETKEY``) may become readable.
#: The short words added since (``key pass pwd auth signing``) and ``passphrase``/``passcode``
#: (decided: sensitive) match whole word tokens only, singular or plural, so that
#: ``JWT_SIGNING_KEY`` or ``db_pass`` match but ``MONKEY``, ``PASSPORT_COUNTRY``, ``AUTHOR`` and
#: ``KEYBOARD`` do not. See :func:`name_tokens` for the tokenisation.
SENSITIVE_WORDS: Final[frozenset[str]] = frozenset(
    {
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "private",
        "credential",
        "key",
        "pass",
        "pwd",
        "auth",
        "signing",
        "passphrase",
        "passcode",
    }
)

# The historical rule, verbatim (redact.SENSITIVE_NAME_RE): kept here rather than imported so
# that this leaf does not depend on a constant callers are being moved away from.
_LEGACY_NAME_RE: Final = re.compile(
    r"password|passwd|secret|token|api[_-]?key|private|credential", re.I
)
# Whole-token words: SENSITIVE_WORDS that are single tokens.
_TOKEN_WORDS: Final = frozenset(w for w in SENSITIVE_WORDS if "_" not in w)
# Lower-case concatenations that a tokeniser cannot split but that clearly end in a secret word.
_TOKEN_COMPOUNDS: Final = frozenset(
    {"accesskey", "authkey", "hmackey", "masterkey", "privkey", "signingkey", "sshkey"}
    | {"dbpass", "dbpwd", "encryptionkey"}
)

_NAME_SEPARATORS: Final = re.compile(r"[^A-Za-z0-9]+")
# camelCase / PascalCase / ACRONYMWord / letter-digit boundaries.
_CAMEL_BOUNDARY: Final = re.compile(
    r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])"
)


def name_tokens(name: str | None) -> tuple[str, ...]:
    """The lower-case word tokens of a name.

    Splits on every non-alphanumeric character (``_ - . / :`` and spaces) and on camelCase,
    ACRONYMWord and letter/digit boundaries: ``stripeApiKey`` gives ``stripe api key``,
    ``/prod/app/api-key`` gives ``prod app api key``.
    """
    tokens: list[str] = []
    for part in _NAME_SEPARATORS.split(name or ""):
        tokens.extend(t.lower() for t in _CAMEL_BOUNDARY.split(part) if t)
    return tuple(tokens)


def _is_sensitive_token(token: str) -> bool:
    return (
        token in _TOKEN_WORDS
        or (token.endswith("s") and token[:-1] in _TOKEN_WORDS)
        or token in _TOKEN_COMPOUNDS
    )


def is_sensitive_name(name: str | None) -> bool:
    """True when a parameter, variable or tag name looks like it holds a secret.

    A superset of ``redact.is_sensitive_name``: every name the historical rule matched still
    matches. See :data:`SENSITIVE_WORDS`.
    """
    if not name:
        return False
    if _LEGACY_NAME_RE.search(name):
        return True
    return any(_is_sensitive_token(t) for t in name_tokens(name))


# --------------------------------------------------------------------------------------------
# Benign values
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# detect-secrets
# --------------------------------------------------------------------------------------------

#: Shannon entropy limits of the high-entropy detectors, detect-secrets' defaults made explicit.
#: A string (a run of base64 or hex characters) fires when its entropy is strictly above the
#: limit. Base64 (``[A-Za-z0-9+/_=-]``): 4.5 flags almost every random alphanumeric token of
#: 40+ characters, about 60% of 32-character ones and almost none under 24 (the entropy of a
#: short string is bounded by log2 of its length), and no words, paths or resource names
#: (3.7 to 4.1). Hex: 3.0 flags every random hex string of 32+ characters, about half of the
#: 12-character ones; all-digit strings get a length penalty from detect-secrets, so that
#: account ids and amounts do not fire. Short random keys are caught by format detectors or by
#: the sensitive-name rule, not by entropy.
BASE64_ENTROPY_LIMIT: Final = 4.5
HEX_ENTROPY_LIMIT: Final = 3.0

#: Name tokens under which a high-entropy value is a digest or version, not a secret: the
#: high-entropy detectors do not fire for them (format detectors, keyword and the
#: sensitive-name rule still apply: ``PASSWORD_HASH`` remains a secret for classify()).
DIGEST_NAME_WORDS: Final[frozenset[str]] = frozenset(
    {"sha", "hash", "digest", "checksum", "fingerprint", "commit", "revision", "etag"}
)

#: detect-secrets detectors that are not used: a public IPv4 address is an endpoint, not a
#: secret, and Lambda variables and tags hold them legitimately.
DISABLED_DETECTORS: Final[frozenset[str]] = frozenset({"IPPublicDetector"})

# Detectors that must be present, or the module refuses to run (fail loudly, not silently).
_REQUIRED_DETECTORS: Final = frozenset(
    {
        "AWSKeyDetector",
        "BasicAuthDetector",
        "Base64HighEntropyString",
        "HexHighEntropyString",
        "JwtTokenDetector",
        "KeywordDetector",
        "PrivateKeyDetector",
        "StripeDetector",
    }
)

_PLUGIN_CONFIG: Final[Mapping[str, Mapping[str, Any]]] = {
    "Base64HighEntropyString": {"limit": BASE64_ENTROPY_LIMIT},
    "HexHighEntropyString": {"limit": HEX_ENTROPY_LIMIT},
    "KeywordDetector": {"keyword_exclude": None},
}

# detect-secrets' default filters that apply to a string (the file-level ones do not): a
# candidate is dropped when any of these says so, as in a default ``detect-secrets scan``.
# ``is_line_allowlisted`` is deliberately not applied: a value must not silence its own check
# with a "pragma: allowlist secret" comment.
_SECRET_FILTERS: Final[tuple[Callable[[str], bool], ...]] = (
    heuristic.is_sequential_string,
    heuristic.is_potential_uuid,
    heuristic.is_templated_secret,
    heuristic.is_prefixed_with_dollar_sign,
    heuristic.is_not_alphanumeric_string,
)


class DetectorUnavailableError(RuntimeError):
    """detect-secrets could not provide the detectors this module needs (installation error)."""


class DetectionError(RuntimeError):
    """A detector failed on a value. The message names the detector, never the value."""


@dataclass(frozen=True)
class _Engine:
    """Plugin instances, built once and shared by every thread."""

    # Format detectors (AWS, Stripe, JWT, private key, ...): pure regex, stateless.
    formats: tuple[BasePlugin, ...]
    # High-entropy detectors; their ad hoc (unquoted) mode swaps an attribute: see _EAGER_LOCK.
    entropy: tuple[HighEntropyStringsPlugin, ...]
    keyword: KeywordDetector

    @property
    def names(self) -> tuple[str, ...]:
        plugins: Iterable[BasePlugin] = (*self.formats, *self.entropy, self.keyword)
        return tuple(type(p).__name__ for p in plugins)


_ENGINE: _Engine | None = None
_ENGINE_LOCK: Final = threading.Lock()
# HighEntropyStringsPlugin.non_quoted_string_regex() replaces the plugin's regex for the
# duration of a call: calls in that mode are serialised (they are short and hold the GIL anyway).
_EAGER_LOCK: Final = threading.Lock()


def _registry() -> dict[str, type[BasePlugin]]:
    """detect-secrets' built-in plugin classes by class name (its own plugin registry)."""
    classes: Iterable[type[BasePlugin]] = get_mapping_from_secret_type_to_class().values()
    return {
        cls.__name__: cls for cls in classes if cls.__module__.startswith("detect_secrets.plugins.")
    }


def _build_engine() -> _Engine:
    registry = _registry()
    missing = sorted(_REQUIRED_DETECTORS - registry.keys())
    if missing:
        raise DetectorUnavailableError(
            "detect-secrets does not provide the detectors " + ", ".join(missing)
        )
    formats: list[BasePlugin] = []
    entropy: list[HighEntropyStringsPlugin] = []
    keyword: KeywordDetector | None = None
    for name, cls in registry.items():
        if name in DISABLED_DETECTORS:
            continue
        plugin = cls(**_PLUGIN_CONFIG.get(name, {}))
        if isinstance(plugin, HighEntropyStringsPlugin):
            entropy.append(plugin)
        elif isinstance(plugin, KeywordDetector):
            keyword = plugin
        else:
            formats.append(plugin)
    assert keyword is not None  # guaranteed by _REQUIRED_DETECTORS
    # Base64 before hex: a hex string is also base64, and the base64 limit is the stricter one.
    entropy.sort(key=lambda p: type(p).__name__ != "Base64HighEntropyString")
    engine = _Engine(formats=tuple(formats), entropy=tuple(entropy), keyword=keyword)
    _log.debug("detect-secrets detectors initialised: %s", ", ".join(engine.names))
    return engine


def _engine() -> _Engine:
    global _ENGINE
    engine = _ENGINE
    if engine is None:
        with _ENGINE_LOCK:
            engine = _ENGINE
            if engine is None:
                engine = _ENGINE = _build_engine()
    return engine


def enabled_detectors() -> tuple[str, ...]:
    """Class names of the enabled detectors, in the order :func:`detect` tries them.

    Format detectors first (registry order), then Base64/Hex high entropy, then keyword.
    """
    return _engine().names


def _rejected(secret: str, line: str, plugin: BasePlugin) -> bool:
    """detect-secrets' default heuristic filters, as a default scan applies them."""
    return (
        any(f(secret) for f in _SECRET_FILTERS)
        or heuristic.is_likely_id_string(secret, line, plugin)
        or heuristic.is_indirect_reference(line)
    )


def _candidates(
    plugin: BasePlugin, line: str, groups: dict[Pattern[str], int] | None = None
) -> list[str]:
    """The raw matches of ``plugin.analyze_string(line)``; a failure becomes a DetectionError.

    The original exception is not chained: its message or attributes may hold the value.
    """
    failure: str | None = None
    try:
        if isinstance(plugin, KeywordDetector) and groups is not None:
            return [s for s in plugin.analyze_string(line, denylist_regex_to_group=groups) if s]
        return [s for s in plugin.analyze_string(line) if s]
    except Exception as exc:  # noqa: BLE001 - any detector failure fails closed, below
        failure = type(exc).__name__
    raise DetectionError(f"{type(plugin).__name__} failed ({failure})")


def _assignment(name: str, text: str) -> str:
    """``NAME = "value"``: the line the keyword and AWS secret-key detectors need."""
    identifier = re.sub(r"[^A-Za-z0-9_]", "_", name)
    quote = "'" if '"' in text and "'" not in text else '"'
    return f"{identifier} = {quote}{text}{quote}"


def _scan(engine: _Engine, text: str, name: str) -> str | None:
    lines = text.splitlines() or [text]
    # The synthetic assignment lets name-aware detectors (keyword, AWS secret key) see the
    # name; a multi-line value is not an assignment, its lines are scanned on their own.
    assignment = _assignment(name, text) if name and len(lines) == 1 else None
    with_name = [*lines, assignment] if assignment else lines

    for plugin in engine.formats:
        for line in with_name:
            for secret in _candidates(plugin, line):
                if not _rejected(secret, line, plugin):
                    return type(plugin).__name__

    context = assignment or text
    # A random-looking string under a digest name (GIT_COMMIT_SHA, SOURCE_HASH) is a digest,
    # as a random string after an "_id" name is an id for detect-secrets (is_likely_id_string).
    is_digest_name = not DIGEST_NAME_WORDS.isdisjoint(name_tokens(name))
    for entropy in engine.entropy if not is_digest_name else ():
        for line in lines:
            with _EAGER_LOCK, entropy.non_quoted_string_regex(is_exact_match=False):
                found = _candidates(entropy, line)
            for secret in found:
                # The entropy of n characters is at most log2(n): shorter runs cannot exceed
                # the limit, and computing it is most of the cost of a call.
                if (
                    len(secret) > 2**entropy.entropy_limit
                    and entropy.calculate_shannon_entropy(secret) > entropy.entropy_limit
                    and not _rejected(secret, context, entropy)
                    and not is_benign(secret)
                ):
                    return type(entropy).__name__

    keyword = engine.keyword
    # The value alone is read like a config file (quotes optional: "user=app;password=..."),
    # the synthetic assignment like source code (quotes required).
    attempts = [(line, CONFIG_DENYLIST_REGEX_TO_GROUP) for line in lines]
    if assignment:
        attempts.append((assignment, QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP))
    for line, groups in attempts:
        for secret in _candidates(keyword, line, groups):
            candidate = secret.strip()
            if not (
                _rejected(secret, line, keyword) or is_benign(candidate) or _is_prose(candidate)
            ):
                return type(keyword).__name__
    return None


def detect(value: object, name: str | None = "") -> str | None:
    """The class name of the first detect-secrets detector that fires on a value, or None.

    For example ``"StripeDetector"``, ``"AWSKeyDetector"``, ``"JwtTokenDetector"``,
    ``"PrivateKeyDetector"``, ``"BasicAuthDetector"``, ``"Base64HighEntropyString"``,
    ``"HexHighEntropyString"``, ``"KeywordDetector"``. Detectors are tried in the order of
    :func:`enabled_detectors`. Each runs on the value alone (line by line) and, for a
    single-line value with a name, on a synthetic ``NAME = "value"`` line, so that the keyword
    detector can use the name. Benign values (:func:`is_benign`) never fire, and neither does a
    high-entropy or keyword match that is itself benign (an ARN after ``secret_arn=``), nor a
    keyword match that is plain prose (a tag reading "the secret: rotated weekly"). The
    high-entropy detectors are skipped under digest names (:data:`DIGEST_NAME_WORDS`).

    Thread-safe; the detectors are initialised once per process. Never logs the value.

    Raises:
        DetectionError: a detector failed on this value (the message names the detector).
        DetectorUnavailableError: detect-secrets lacks a required detector.
    """
    if value is None or isinstance(value, bool | int | float):
        return None
    text = _as_text(value)
    if is_benign(text):
        return None
    return _scan(_engine(), text, name or "")


# --------------------------------------------------------------------------------------------
# What callers need
# --------------------------------------------------------------------------------------------

#: classify() reasons other than ``"detected <Detector>"``.
REASON_SENSITIVE_NAME: Final = "sensitive name"
REASON_URL_PASSWORD: Final = "password in URL"
REASON_DETECTION_FAILED: Final = "detection failed"

_DETECTED_PREFIX: Final = "detected "
_DETECTOR_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}")


def classify(name: str | None, value: object) -> str | None:
    """Why a (name, value) pair must be treated as a literal secret, or None.

    * ``"detected <Detector>"``: a detect-secrets detector fired on the value (:func:`detect`);
    * ``"password in URL"``: a URL with a password that no detector matched
      (``redis://:pw@host``);
    * ``"sensitive name"``: the name is sensitive (:func:`is_sensitive_name`) and the value is
      a literal that is not benign;
    * ``"detection failed"``: a detector failed; the value is treated as a secret (fail closed);
    * None otherwise: benign values (ARNs, references, resource names, ...) are never secrets,
      whatever the name (``AUDIT_KMS_KEY_ARN=arn:aws:kms:...`` is None).

    The reason never contains the value. LAMBDA-SECRETS and SSM-SENSITIVE-TYPE fail when it is
    not None; :func:`redacted` turns it into the stored placeholder.
    """
    if is_benign(value):
        return None
    text = _as_text(value)
    try:
        detector = detect(text, name)
    except DetectionError as exc:
        _log.warning("secret detection failed, value treated as a secret: %s", exc)
        return REASON_DETECTION_FAILED
    if detector:
        return _DETECTED_PREFIX + detector
    if _url_has_password(text.strip()):
        return REASON_URL_PASSWORD
    if is_sensitive_name(name):
        return REASON_SENSITIVE_NAME
    return None


def redacted(reason: str | None) -> str:
    """The placeholder stored instead of a value.

    ``"[REDACTED: detected StripeDetector]"`` for a detection, ``"[REDACTED]"``
    (``redact.REDACTED``) for anything else: None, ``"sensitive name"``, other reasons, and any
    string that is not ``"detected "`` followed by a detector class name (so that nothing but a
    detector name can ever reach a snapshot through this function).
    """
    if reason and reason.startswith(_DETECTED_PREFIX):
        detector = reason[len(_DETECTED_PREFIX) :]
        if _DETECTOR_NAME.fullmatch(detector):
            return f"[REDACTED: detected {detector}]"
    return REDACTED
