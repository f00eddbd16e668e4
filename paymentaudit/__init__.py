"""paymentaudit: readiness evidence for the payment platform's AWS environments.

Notebook entry points::

    import paymentaudit
    prod = paymentaudit.snapshot("prod-abc123", profile="...")   # a Snapshot
    dev = paymentaudit.snapshot("dev", profile="...")
    result = paymentaudit.compare(dev, prod)                     # an AuditResult
    result.findings_frame()
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {"snapshot", "compare", "audit", "validate", "load"}


def __getattr__(name: str) -> Any:
    """Import the notebook entry points on first use (keeps `import paymentaudit` light)."""
    if name == "load":
        return importlib.import_module("paymentaudit.snapshot").load
    if name in _LAZY:
        return importlib.import_module(f"paymentaudit.{name}")
    raise AttributeError(f"module 'paymentaudit' has no attribute {name!r}")
