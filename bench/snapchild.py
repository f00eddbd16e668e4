"""One measured snapshot, in a fresh process: ``python -m bench.snapchild URL ACCOUNT ...``.

Runs ``paymentaudit.engine.run.take`` against the moto server at URL with a fixed latency
injected before every request (a botocore ``before-send`` hook that sleeps), and prints one
JSON line: wall time of ``take``, API calls, the engine's longest chain of dependent calls,
resources and any coverage error.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.common import emit


def latency_hook(seconds: float) -> Any:
    """A botocore ``before-send`` handler that sleeps ``seconds`` (a modelled round trip).

    It returns None, so botocore then sends the request for real.
    """

    def before_send(**_: Any) -> None:
        time.sleep(seconds)

    return before_send


def main() -> None:
    """Parse arguments, take the snapshot, print the JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.snapchild")
    parser.add_argument("url")
    parser.add_argument("account")
    parser.add_argument("--suffix", default="bench")
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    args = parser.parse_args()

    from paymentaudit.aws import Connection
    from paymentaudit.engine import run as snapshot
    from paymentaudit.engine.scheduler import Engine
    from paymentaudit.sandbox import CREDENTIALS

    engines: list[Engine] = []

    class RecordingEngine(Engine):
        """The engine, remembered so that its chain can be read after the run."""

        def run(self) -> Any:
            engines.append(self)
            return super().run()

    snapshot.Engine = RecordingEngine  # type: ignore[misc]
    connection = Connection(endpoint_url=args.url, credentials=CREDENTIALS)
    hook = latency_hook(args.latency_ms / 1000)
    cpu = time.process_time()
    start = time.perf_counter()
    snaps = snapshot.take(
        [(args.suffix, None)],
        connection,
        max_workers=args.workers,
        extra_hooks={"before-send": hook},
    )
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    snap = snaps[args.suffix]
    by_type: dict[str, int] = {}
    for res in snap.resources:
        by_type[res.type] = by_type.get(res.type, 0) + 1
    emit(
        {
            "wall_s": wall,
            "cpu_s": cpu,
            "calls": snap.api_calls,
            "chain": engines[0].chain if engines else None,
            "resources": len(snap.resources),
            "by_type": by_type,
            "errors": {c.service: c.error for c in snap.coverage if c.status != "ok"},
        }
    )


if __name__ == "__main__":
    main()
