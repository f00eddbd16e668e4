"""Reporters: one output format per module, looked up by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paymentaudit.audit import AuditResult

# name -> write(result, directory) -> files written
Writer = Callable[["AuditResult", Path], list[Path]]
_REGISTRY: dict[str, Writer] = {}


def register(name: str) -> Callable[[Writer], Writer]:
    """Decorator: register a writer under ``name``; a duplicate name raises."""

    def deco(fn: Writer) -> Writer:
        if name in _REGISTRY:
            raise ValueError(f"duplicate reporter {name!r}")
        _REGISTRY[name] = fn
        return fn

    return deco


def get(name: str) -> Writer:
    """The writer registered under ``name``; KeyError names the known ones."""
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(
            f"unknown reporter {name!r} (known: {', '.join(sorted(_REGISTRY))})"
        ) from None


def names() -> list[str]:
    """Registered reporter names, in registration order."""
    _load()
    return list(_REGISTRY)


def _load() -> None:
    # Importing the modules registers them; done lazily to keep start-up light.
    # The notebook reporter imports papermill/nbconvert only when it runs.
    from paymentaudit.reporters import (  # noqa: F401
        json_,
        junit,
        markdown,
        notebook,
        sarif,
    )
