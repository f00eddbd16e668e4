"""Secrets found by value, with detect-secrets' detectors, at read time.

Name-based detection alone misses a literal key held by a variable
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
from typing import Final

from paymentaudit.detect.names import (
    _LEGACY_NAME_RE,
    SENSITIVE_WORDS,
    is_sensitive_name,
    name_tokens,
)
from paymentaudit.detect.scan import (
    BASE64_ENTROPY_LIMIT,
    DIGEST_NAME_WORDS,
    DISABLED_DETECTORS,
    HEX_ENTROPY_LIMIT,
    DetectionError,
    DetectorUnavailableError,
    _build_engine,
    _Engine,
    _engine,
    detect,
    enabled_detectors,
)
from paymentaudit.detect.values import (
    _ARN,
    MIN_SECRET_LENGTH,
    _as_text,
    _is_benign_url,
    _is_reference,
    _url_has_password,
    is_benign,
)
from paymentaudit.redact import REDACTED

__all__ = [
    "BASE64_ENTROPY_LIMIT",
    "DESCRIPTOR_WORDS",
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
    "_Engine",
    "_build_engine",
    "_engine",
    "classify",
    "detect",
    "enabled_detectors",
    "is_benign",
    "is_sensitive_name",
    "name_tokens",
    "redacted",
]

_log = logging.getLogger(__name__)


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

    Under a name with one of the historical words (password, secret, token, api_key, private,
    credential) only an ARN, a secret-store reference, a URL without a password or a boolean
    is benign: ``DB_PASSWORD=literal-db-passw0rd`` stays a secret even though it is shaped like
    a resource name, unless the name says what the value is (``TOKEN_TABLE``, ``SECRET_NAME``:
    see :data:`DESCRIPTOR_WORDS`). Resource names are benign under the short words (``key``,
    ``pass``, ``auth``...), where they are common (``SESSIONS_KEY_PREFIX=payment-sessions``).

    The reason never contains the value. LAMBDA-SECRETS and SSM-SENSITIVE-TYPE fail when it is
    not None; :func:`redacted` turns it into the stored placeholder.
    """
    if _benign_under_strong_name(value) if _strong_name(name) else is_benign(value):
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


#: A name ending with one of these says what its value is (a table, a name, an ARN...): the
#: value is then a resource name or reference, not the secret the other words suggest.
DESCRIPTOR_WORDS: Final[frozenset[str]] = frozenset(
    {"arn", "name", "table", "bucket", "queue", "topic", "path", "prefix", "url", "uri"}
    | {"endpoint", "id", "ids", "region", "alias", "param", "parameter", "version", "file"}
)


def _strong_name(name: str | None) -> bool:
    """A name with a historical sensitive word that does not say its value is something else."""
    if not name or _LEGACY_NAME_RE.search(name) is None:
        return False
    tokens = name_tokens(name)
    return not tokens or tokens[-1] not in DESCRIPTOR_WORDS


def _benign_under_strong_name(value: object) -> bool:
    """What may sit under a historically sensitive name without being a secret."""
    if value is None or isinstance(value, bool):
        return True
    text = _as_text(value).strip()
    if not text or text.lower() in ("true", "false"):
        return True
    return bool(_ARN.fullmatch(text)) or _is_reference(text) or _is_benign_url(text)


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
