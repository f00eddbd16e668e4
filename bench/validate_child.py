"""The CLI with stage timers: ``python -m bench.validate_child TIMINGS.json ARGS...``.

Runs ``paymentaudit.cli.run(ARGS)``, exactly what ``python -m paymentaudit ARGS`` runs,
after wrapping a few library functions with timers, and writes the stage times to
TIMINGS.json: sandbox start and provisioning, ``api.validate``'s own timings (snapshot,
compare and rules, each report), the rules alone, and the notebook's execution and HTML
conversion. The process exits with the CLI's exit code.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

_T0 = time.perf_counter()
TIMES: dict[str, float] = {}


def _add(name: str, seconds: float) -> None:
    TIMES[name] = TIMES.get(name, 0.0) + seconds


def _wrap(module: Any, attr: str, name: str) -> None:
    fn = getattr(module, attr)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _add(name, time.perf_counter() - start)

    setattr(module, attr, timed)


def instrument() -> dict[str, Any]:
    """Install the timers; returns what was found (the notebook reporter may be absent)."""
    sandbox = importlib.import_module("paymentaudit.sandbox")
    audit = importlib.import_module("paymentaudit.findings.evaluate")
    api = importlib.import_module("paymentaudit.api")
    _wrap(sandbox, "build", "provision_build")
    _wrap(audit, "evaluate_rules", "rules")

    server = sandbox.server

    @contextlib.contextmanager
    def timed_server() -> Iterator[str]:
        start = time.perf_counter()
        with server() as url:
            _add("provision_server_start", time.perf_counter() - start)
            yield url
            stop = time.perf_counter()
        _add("sandbox_stop", time.perf_counter() - stop)

    sandbox.server = timed_server

    run = api.validate  # what the CLI calls: ``api.validate(opts, ...)``, looked up at call time

    def timed_run(*args: Any, **kwargs: Any) -> Any:
        result = run(*args, **kwargs)
        for key, value in result.timings.items():
            _add(f"validate.{key}", value)
        return result

    api.validate = timed_run

    info: dict[str, Any] = {"notebook_reporter": False}
    if importlib.util.find_spec("paymentaudit.reporters.notebook") is not None:
        try:
            notebook = importlib.import_module("paymentaudit.reporters.notebook")
        except Exception as exc:  # noqa: BLE001 - a reporter being written may not import
            info["notebook_error"] = f"{type(exc).__name__}: {exc}"
        else:
            for attr, name in (("execute", "notebook_execute"), ("to_html", "html")):
                if callable(getattr(notebook, attr, None)):
                    _wrap(notebook, attr, name)
            info["notebook_reporter"] = True
    return info


def main() -> None:
    """Instrument, run the CLI, write the timings, exit with the CLI's code."""
    out = Path(sys.argv[1])
    argv = sys.argv[2:]
    code = 4
    info: dict[str, Any] = {}
    run: Callable[[list[str]], int] | None = None
    try:
        info = instrument()
        from paymentaudit import cli

        run = cli.run
        TIMES["startup_in_process"] = time.perf_counter() - _T0
        start = time.perf_counter()
        code = run(argv)
        TIMES["cli_run"] = time.perf_counter() - start
    finally:
        out.write_text(json.dumps({"times": TIMES, "info": info, "exit": code}))
    sys.exit(code)


if __name__ == "__main__":
    main()
