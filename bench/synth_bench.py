"""Synth: cold (empty cache) against cached (second call), via ``bench.synth_child``."""

from __future__ import annotations

import importlib.util
import tempfile
from typing import Any

from bench.common import log, median, rounded, run_module

SUFFIX = "prod-abc123"
CHILD_TIMEOUT = 900.0


def available() -> str | None:
    """None when ``paymentaudit.desired.synth`` can be used, else why not."""
    try:
        if importlib.util.find_spec("paymentaudit.desired.synth") is None:
            return "paymentaudit.desired.synth does not exist yet"
    except ImportError as exc:
        return f"paymentaudit.desired cannot be imported: {exc}"
    return None


def run(runs: int = 3) -> dict[str, Any]:
    """``runs`` fresh processes, each with an empty PAYMENTAUDIT_CACHE_DIR."""
    reason = available()
    if reason:
        log(f"synth: skipped ({reason})")
        return {"cold_s": None, "cached_s": None, "skipped": reason}
    rows = []
    for i in range(runs):
        log(f"synth: run {i + 1}/{runs} (cold, then cached)")
        with tempfile.TemporaryDirectory(prefix="bench-synth-cache-") as cache:
            try:
                child = run_module(
                    "bench.synth_child",
                    [SUFFIX],
                    env={"PAYMENTAUDIT_CACHE_DIR": cache},
                    timeout=CHILD_TIMEOUT,
                )
            except RuntimeError as exc:
                reason = str(exc).splitlines()[-1] if str(exc) else "synth failed"
                log(f"synth: skipped ({reason})")
                return {"cold_s": None, "cached_s": None, "skipped": f"synth failed: {reason}"}
            rows.append(child.data)
    cold = median([r["cold_s"] for r in rows])
    cached = median([r["cached_s"] for r in rows])
    log(f"synth: cold {cold:.2f}s, cached {cached:.3f}s")
    return {
        "cold_s": rounded(cold),
        "cached_s": rounded(cached, 4),
        "speedup": rounded(cold / cached, 0) if cached else None,
        "cold_was_miss": all(r["cold_hit"] is False for r in rows),
        "cached_was_hit": all(r["cached_hit"] is True for r in rows),
        "resources": rows[0].get("resources"),
        "suffix": SUFFIX,
        "runs": {
            "cold_s": [rounded(r["cold_s"]) for r in rows],
            "cached_s": [rounded(r["cached_s"], 4) for r in rows],
        },
    }
