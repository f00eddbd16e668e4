"""End to end: ``validate prod-abc123 --sandbox``, without and with the notebook.

Each run is a fresh process running the CLI (``bench.validate_child``: the CLI entry point
with stage timers) with ``--out`` and the findings history in a temporary directory. Wall time
and peak RSS are measured from outside (``os.wait4``: the child, or its largest waited-for
descendant such as the notebook kernel); the breakdown comes from the timers. ``provision_s``
is the median, over every run (with and without the notebook), of the sandbox's provisioning:
its server's start plus ``paymentaudit.sandbox.build`` (both environments, both accounts).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from bench.common import PYTHON, log, median, rounded, run_child

TARGET, BASELINE = "prod-abc123", "dev"
NO_NOTEBOOK_TARGET_S = 5.0
NOTEBOOK_TARGET_S = 12.0
RSS_TARGET_MB = 400.0
CHILD_TIMEOUT = 600.0
# Exit codes that mean the run completed: 0 ready, 1 not ready (the sandbox plants drifts).
COMPLETED = (0, 1)


def one_run(notebook: bool) -> dict[str, Any]:
    """One CLI run; its wall time, peak RSS, stage times and what it wrote."""
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        out = Path(tmp) / "report"
        timings = Path(tmp) / "timings.json"
        argv = [PYTHON, "-m", "bench.validate_child", str(timings), "validate", TARGET,
                "--sandbox", "--out", str(out)]  # fmt: skip
        if not notebook:
            argv.append("--no-notebook")
        # The runs' history rows go with the run, not into the checkout's reports/history.
        history = {"PAYMENTAUDIT_HISTORY": str(Path(tmp) / "history")}
        child = run_child(argv, env=history, timeout=CHILD_TIMEOUT)
        data = json.loads(timings.read_text()) if timings.is_file() else {}
        files = sorted(p.name for p in out.iterdir()) if out.is_dir() else []
    # A child that crashed (a traceback exits 1, like NOT READY) wrote the exit code it never
    # reached: its timings are not a run.
    if child.returncode not in COMPLETED or data.get("exit") != child.returncode:
        tail = "\n".join(child.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"validate exited {child.returncode}:\n{tail}")
    return {
        "wall_s": child.wall_s,
        "rss_mb": child.maxrss_mb,
        "exit": child.returncode,
        "times": data.get("times", {}),
        "info": data.get("info", {}),
        "files": files,
    }


def provision_s(run: dict[str, Any]) -> float:
    """Seconds one run spent provisioning the sandbox: its server's start and ``build``."""
    t = run["times"]
    return float(t.get("provision_server_start", 0.0) + t.get("provision_build", 0.0))


def breakdown(run: dict[str, Any]) -> dict[str, float]:
    """Stages of one run, in seconds; ``other`` is the rest of the wall time (interpreter
    start, imports, argument parsing, report directory commit, exit)."""
    t = run["times"]
    compare_and_rules = t.get("validate.compare_and_rules", 0.0)
    rules = t.get("rules", 0.0)
    reports = sum(
        v
        for k, v in t.items()
        if k.startswith("validate.report_") and k != "validate.report_notebook"
    )
    provision = provision_s(run)
    # The sandbox starts, is provisioned and stops inside validate's snapshot phase.
    inside = provision + t.get("sandbox_stop", 0.0)
    stages = {
        "provision": provision,
        "snapshot": max(0.0, t.get("validate.snapshot", 0.0) - inside),
        "compare": max(0.0, compare_and_rules - rules),
        "rules": rules,
        "reports": reports,
        "notebook": max(0.0, t.get("validate.report_notebook", 0.0) - t.get("html", 0.0)),
        "html": t.get("html", 0.0),
        "sandbox_stop": t.get("sandbox_stop", 0.0),
    }
    stages["other"] = max(0.0, run["wall_s"] - sum(stages.values()))
    return stages


def _median_breakdown(runs: list[dict[str, Any]]) -> dict[str, float | None]:
    rows = [breakdown(r) for r in runs]
    return {k: rounded(median([row[k] for row in rows])) for k in rows[0]}


def run(runs: int = 3) -> dict[str, Any]:
    """Both variants, ``runs`` times each."""
    log(f"validate: {runs} runs without the notebook")
    plain = [one_run(notebook=False) for _ in range(runs)]
    has_notebook = bool(plain[0]["info"].get("notebook_reporter"))
    with_nb: list[dict[str, Any]] = []
    reason = None
    if has_notebook:
        log(f"validate: {runs} runs with the notebook")
        with_nb = [one_run(notebook=True) for _ in range(runs)]
        if "readiness.html" not in with_nb[0]["files"]:
            reason = "the notebook reporter wrote no readiness.html"
    else:
        reason = plain[0]["info"].get("notebook_error") or (
            "paymentaudit.reporters.notebook is not there yet: rerun when it is"
        )
    no_nb_s = median([r["wall_s"] for r in plain])
    nb_s = median([r["wall_s"] for r in with_nb]) if with_nb and not reason else None
    rss = median([r["rss_mb"] for r in plain])
    provisioned = [provision_s(r) for r in plain + with_nb]
    out: dict[str, Any] = {
        "no_notebook_s": rounded(no_nb_s),
        "notebook_s": rounded(nb_s),
        "provision_s": rounded(median(provisioned)),
        "rss_mb": rounded(rss, 1),
        "breakdown": _median_breakdown(with_nb if with_nb else plain),
        "breakdown_no_notebook": _median_breakdown(plain),
        "notebook_rss_mb": rounded(median([r["rss_mb"] for r in with_nb]), 1) if with_nb else None,
        "notebook_skipped": reason,
        "exit_code": plain[0]["exit"],
        "files": with_nb[0]["files"] if with_nb else plain[0]["files"],
        "runs": {
            "no_notebook_s": [rounded(r["wall_s"]) for r in plain],
            "notebook_s": [rounded(r["wall_s"]) for r in with_nb],
            "rss_mb": [rounded(r["rss_mb"], 1) for r in plain],
            "provision_s": [rounded(p) for p in provisioned],
        },
        "targets": {
            "no_notebook_5s": no_nb_s <= NO_NOTEBOOK_TARGET_S,
            "notebook_12s": (nb_s <= NOTEBOOK_TARGET_S) if nb_s is not None else None,
            "rss_400mb": rss <= RSS_TARGET_MB,
        },
    }
    log(
        f"validate: {out['no_notebook_s']}s without, {out['notebook_s']}s with the notebook, "
        f"{out['provision_s']}s provisioning"
    )
    return out
