"""Synth, cold then cached, in a fresh process: ``python -m bench.synth_child SUFFIX``.

The parent points ``PAYMENTAUDIT_CACHE_DIR`` at an empty directory. The first call of
``paymentaudit.desired.state.load(synth=True)`` (what ``validate --synth`` runs: synthesize
``stack/`` through the cache, then map cdk.tf.json to a desired-state snapshot) is the
cold one; the second call, a cache hit, is the cached one.
"""

from __future__ import annotations

import sys
import time

from bench.common import emit


def main() -> None:
    """Two calls; one JSON line with both times and what the cache said."""
    suffix = sys.argv[1] if len(sys.argv) > 1 else "prod-abc123"
    from paymentaudit.desired.state import load

    out = {}
    for label in ("cold", "cached"):
        start = time.perf_counter()
        snap = load(None, synth=True, suffix=suffix)
        out[f"{label}_s"] = time.perf_counter() - start
        cache = dict(snap.extra.get("cache", {}))
        out[f"{label}_hit"] = cache.get("hit")
        out[f"{label}_synth_s"] = cache.get("seconds")
        out["resources"] = len(snap.resources)
    emit(out)


if __name__ == "__main__":
    main()
