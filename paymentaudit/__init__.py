"""paymentaudit: readiness evidence for the payment platform's AWS environments.

Notebook entry points (plain functions; see ``paymentaudit.api``)::

    import paymentaudit
    conn = paymentaudit.connect(profile="prod-readonly")
    prod = paymentaudit.snapshot("prod-abc123", connection=conn)
    dev = paymentaudit.snapshot("dev", connection=conn)
    result = paymentaudit.audit(dev, prod)
"""

from __future__ import annotations

import importlib
from typing import Any

from paymentaudit.version import __version__

__all__ = ["__version__"]

# Imported on first use, to keep `import paymentaudit` (and the CLI's start) light.
_API = {
    "connect",
    "snapshot",
    "audit",
    "validate",
    "diff",
    "render",
    "load_report",
    "load_snapshot",
    "Options",
}


def __getattr__(name: str) -> Any:
    """The library entry points, from ``paymentaudit.api``; ``frames`` for pandas views."""
    if name in _API:
        return getattr(importlib.import_module("paymentaudit.api"), name)
    if name == "frames":
        return importlib.import_module("paymentaudit.frames")
    raise AttributeError(f"module 'paymentaudit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API, "frames"})
