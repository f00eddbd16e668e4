"""Which parameter, variable and tag names look like they hold a secret."""

from __future__ import annotations

import re
from typing import Final

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
