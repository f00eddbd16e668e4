"""Environment suffixes, environment words and logical names."""

from __future__ import annotations

import re
from collections.abc import Mapping

from paymentaudit.errors import InputError

SUFFIX_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,16}[a-z0-9])?$")
SUFFIX_RULE = "1 to 18 characters of [a-z0-9-], no leading or trailing hyphen"

# Standalone hyphen-separated tokens dropped from logical names.
ENV_WORDS = frozenset({"dev", "development", "stage", "staging", "prod", "production"})
# Spellings that mean the same environment, for value normalization.
ENV_SYNONYMS = {
    "dev": ("dev", "development"),
    "development": ("dev", "development"),
    "stage": ("stage", "staging"),
    "staging": ("stage", "staging"),
    "prod": ("prod", "production"),
    "production": ("prod", "production"),
}
SUFFIX_TAG = "EnvironmentSuffix"
# What normalization makes of the environment's own account id (and the desired state of an
# account only known after apply).
ACCOUNT = "<account>"


def validate_suffix(suffix: str, what: str = "suffix") -> str:
    """Return ``suffix`` if valid, else raise InputError with the rule."""
    if not isinstance(suffix, str) or not SUFFIX_RE.match(suffix):
        raise InputError(f"invalid {what} {suffix!r}: expected {SUFFIX_RULE}")
    return suffix


def environment_word(suffix: str) -> str:
    """The suffix's environment word: its first token when that is one, else ``dev``."""
    first = suffix.split("-", 1)[0]
    return first if first in ENV_WORDS else "dev"


def default_ssm_path(suffix: str) -> str:
    """Default SSM prefix of an environment: ``/`` plus its environment word."""
    return "/" + environment_word(suffix)


def validate_ssm_path(path: str, what: str = "SSM path") -> str:
    """Return a normalized SSM path prefix (leading slash, no trailing slash) or raise."""
    if not isinstance(path, str) or not re.fullmatch(r"/[A-Za-z0-9_.\-/]*", path):
        raise InputError(f"invalid {what} {path!r}: expected an absolute path such as /prod")
    stripped = path.rstrip("/")
    return stripped or "/"


def belongs(name: str, suffix: str, tags: Mapping[str, str] | None = None) -> bool:
    """True when a name or identifier ends with ``-<suffix>`` (or is the suffix).

    A resource whose EnvironmentSuffix tag names another environment does not belong,
    whatever its name says: it keeps ``payment-x-dev`` out of environment ``dev`` when the
    tag says ``abc-dev``.
    """
    if tags:
        tagged = tags.get(SUFFIX_TAG)
        if tagged is not None:
            return tagged == suffix
    return name == suffix or name.endswith("-" + suffix)


def logical_name(name: str, suffix: str) -> str:
    """A resource's name without ``-<suffix>`` and without standalone environment words.

    ``payment-prod-vpc-prod-abc123`` -> ``payment-vpc``; ``payment-sessions-dev`` ->
    ``payment-sessions``; ``/aws/lambda/payment-processor-dev`` ->
    ``/aws/lambda/payment-processor``.
    """
    base = name
    if base.endswith("-" + suffix):
        base = base[: -len(suffix) - 1]
    segments = []
    for segment in base.split("/"):
        tokens = segment.split("-")
        kept = [t for t in tokens if t.lower() not in ENV_WORDS]
        # A segment made only of environment words keeps its first token.
        segments.append("-".join(kept) if kept else segment)
    return "/".join(segments)


def ssm_logical_name(name: str, prefix: str) -> str:
    """An SSM parameter's logical name: its path below ``prefix``, e.g. ``app/currency``."""
    prefix = prefix.rstrip("/")
    if prefix and name.startswith(prefix + "/"):
        return name[len(prefix) + 1 :]
    return name.lstrip("/")
