"""The synth benchmark's child process measures the library's own desired-state load.

``make bench`` is the only caller of ``bench.synth_child``, so a rename in
``paymentaudit.desired`` once turned the synth figures into "skipped" without any test
failing. Run against the session's synth cache, both of its calls are cache hits: quick.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from desiredkit import PROD, REPO_ROOT

from paymentaudit.desired.synth import cache_root


def test_synth_child_loads_the_desired_state_through_the_cache(
    prod_synth: Any, prod_desired: Any
) -> None:
    env = {**os.environ, "PAYMENTAUDIT_CACHE_DIR": str(cache_root())}
    done = subprocess.run(
        [sys.executable, "-m", "bench.synth_child", PROD],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["cold_hit"] is True and out["cached_hit"] is True
    assert out["resources"] == len(prod_desired.resources) > 0
    assert out["cold_s"] > 0 and out["cached_s"] > 0
