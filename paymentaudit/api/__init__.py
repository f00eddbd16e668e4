"""The library's entry points: plain functions, one per thing people do.

In a notebook::

    import paymentaudit
    conn = paymentaudit.connect(sandbox=True)            # or profile=..., endpoint_url=...
    prod = paymentaudit.snapshot("prod-abc123", connection=conn)
    dev = paymentaudit.snapshot("dev", connection=conn)
    result = paymentaudit.audit(dev, prod)               # parity, rules, verdict
    paymentaudit.frames.findings_frame(result.findings)

The command line calls the same functions (``cli.py``).
"""

from __future__ import annotations

from paymentaudit.api.collection import snapshot, snapshot_to_file
from paymentaudit.api.connection import Where, connect
from paymentaudit.api.fleet import FleetOptions, merge_fleet, plan_fleet, run_fleet
from paymentaudit.api.offline import diff, history_table, iam_policy, load_report, render
from paymentaudit.api.validation import Options, Run, validate
from paymentaudit.findings.evaluate import audit
from paymentaudit.snapshots import load as load_snapshot

__all__ = [
    "FleetOptions",
    "Options",
    "Run",
    "Where",
    "audit",
    "connect",
    "diff",
    "history_table",
    "iam_policy",
    "load_report",
    "load_snapshot",
    "merge_fleet",
    "plan_fleet",
    "render",
    "run_fleet",
    "snapshot",
    "snapshot_to_file",
    "validate",
]
