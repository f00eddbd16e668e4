"""IAM policy documents as JSON strings (json.dumps of dicts; CDK tokens interpolate inside).

The helpers are paymentaudit.platform's (the sandbox writes the same documents with them); the
statements' intents are declared there too (``platform.Statement``), rendered here with the
stack's CDK tokens.
"""

from __future__ import annotations

from typing import Any

from paymentaudit import platform
from paymentaudit.platform import allow, assume_role, document

Statement = dict[str, Any]

__all__ = ["Statement", "allow", "assume_role", "document", "render"]


def render(statements: tuple[platform.Statement, ...], **refs: str) -> str:
    """A policy document of platform statements, their resource fields filled with ``refs``."""
    return document(*(s.render(**refs) for s in statements))
