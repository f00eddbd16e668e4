"""Reporters: one output format per module, each a ``write(result, directory)`` function.

:data:`FORMATS` lists them in the order a run writes them; ``json`` comes first because
findings.json and the snapshots are the single source every other format (and the notebook) is
rendered from. The notebook reporter imports papermill and nbconvert only when it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from paymentaudit.findings.result import AuditResult
from paymentaudit.reporters import json_, junit, markdown, notebook, sarif

Writer = Callable[[AuditResult, Path], list[Path]]

FORMATS: dict[str, Writer] = {
    "json": json_.write,
    "junit": junit.write,
    "sarif": sarif.write,
    "markdown": markdown.write,
    "notebook": notebook.write,
}


def get(name: str) -> Writer:
    """The writer of a format; KeyError names the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise KeyError(f"unknown reporter {name!r} (known: {', '.join(FORMATS)})") from None


def names() -> list[str]:
    """The formats, in the order a run writes them."""
    return list(FORMATS)
