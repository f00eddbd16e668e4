"""The phases of a run (synth, snapshot, compare, rules, reports, notebook): each one is
announced once (the CLI prints one progress line per phase on stderr) and its duration goes to
the debug log and the run's timings. Never a response body: only names and durations.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator

_log = logging.getLogger("paymentaudit.phases")

PHASES = ("synth", "snapshot", "compare", "rules", "reports", "notebook")


class Phases:
    """Announce and time the phases of one run."""

    def __init__(
        self,
        announce: Callable[[str], None] | None = None,
        timings: dict[str, float] | None = None,
    ) -> None:
        self.announce = announce
        self.timings = timings if timings is not None else {}

    @contextlib.contextmanager
    def __call__(self, name: str, detail: str = "") -> Iterator[None]:
        """Announce ``name`` (with ``detail``), run the block, record and log its duration."""
        if name not in PHASES:
            raise ValueError(f"unknown phase {name!r}")
        if self.announce is not None:
            self.announce(f"{name}: {detail}" if detail else name)
        _log.debug("%s: started%s", name, f" ({detail})" if detail else "")
        start = time.perf_counter()
        try:
            yield
        finally:
            took = time.perf_counter() - start
            self.timings[name] = self.timings.get(name, 0.0) + took
            _log.debug("%s: %.2f s", name, took)


def quiet() -> Phases:
    """Phases that announce nothing (library calls, tests)."""
    return Phases()
