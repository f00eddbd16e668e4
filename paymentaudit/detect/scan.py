"""detect-secrets' detectors, run in-process on one value (see the package docstring)."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from re import Pattern
from typing import Any, Final

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.filters import heuristic
from detect_secrets.plugins.base import BasePlugin
from detect_secrets.plugins.high_entropy_strings import HighEntropyStringsPlugin
from detect_secrets.plugins.keyword import (
    CONFIG_DENYLIST_REGEX_TO_GROUP,
    QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
    KeywordDetector,
)

from paymentaudit.detect.names import name_tokens
from paymentaudit.detect.values import _as_text, _is_prose, is_benign

_log = logging.getLogger("paymentaudit.detect")


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
