"""Environment suffixes, environment words and logical names."""

from __future__ import annotations

import re
from collections.abc import Mapping

from paymentaudit.errors import InputError

SUFFIX_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,16}[a-z0-9])?$")
SUFFIX_RULE = "1 to 18 characters of [a-z0-9-], no leading or trailing hyphen"
# RDS cluster and instance identifiers, which end with the suffix, reject "--".
DOUBLE_HYPHEN_RULE = (
    "no two consecutive hyphens (RDS DB identifiers cannot contain two consecutive hyphens, "
    "and the stack names its Aurora cluster payment-aurora-cluster-<suffix>)"
)

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
    if "--" in suffix:
        raise InputError(f"invalid {what} {suffix!r}: {DOUBLE_HYPHEN_RULE}")
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
    """A resource's name without its suffix and without standalone environment words.

    The suffix goes wherever it stands as whole hyphen-separated words, its last occurrence:
    at the end (``payment-sessions-dev`` -> ``payment-sessions``), or inside the name, as AWS
    and older layouts put it (``payment-aurora-prod-abc123-1`` -> ``payment-aurora-1``, the
    same as ``payment-aurora-dev-1``). ``payment-prod-vpc-prod-abc123`` -> ``payment-vpc``;
    ``/aws/lambda/payment-processor-dev`` -> ``/aws/lambda/payment-processor``.
    """
    base = _without_suffix(name, suffix)
    segments = []
    for segment in base.split("/"):
        tokens = segment.split("-")
        kept = [t for t in tokens if t.lower() not in ENV_WORDS]
        # A segment made only of environment words keeps its first token.
        segments.append("-".join(kept) if kept else segment)
    return "/".join(segments)


def _without_suffix(name: str, suffix: str) -> str:
    """``name`` without the last whole-word occurrence of ``suffix`` (and its hyphen)."""
    if not suffix:
        return name
    found = list(re.finditer(rf"(^|[-/]){re.escape(suffix)}(?=$|[-/])", name))
    if not found:
        return name
    match = found[-1]
    start, end = match.span()
    if match.group(1) == "-":
        return name[:start] + name[end:]
    rest = name[end:]
    if not rest.startswith("-"):  # the suffix is a whole segment (``dev``): kept
        return name
    return name[:start] + match.group(1) + rest[1:]


def ssm_logical_name(name: str, prefix: str) -> str:
    """An SSM parameter's logical name: its path below ``prefix``, e.g. ``app/currency``."""
    prefix = prefix.rstrip("/")
    if prefix and name.startswith(prefix + "/"):
        return name[len(prefix) + 1 :]
    return name.lstrip("/")
