"""Let ``paymentaudit.snapshot(...)`` and ``paymentaudit.compare(...)`` be called directly
while staying importable modules (``from paymentaudit import snapshot``)."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any


def make_callable(module_name: str, target: Callable[[], Callable[..., Any]]) -> None:
    """Make the module ``module_name`` callable: a call goes to ``target()``."""

    class CallableModule(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return target()(*args, **kwargs)

    sys.modules[module_name].__class__ = CallableModule
