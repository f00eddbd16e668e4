"""`python -m paymentaudit report DIR` re-renders everything offline; startup stays light."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ["findings.sarif", "junit.xml", "readiness.html", "readiness.ipynb", "summary.md"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_report_rerenders_offline_without_credentials(report_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "run"
    shutil.copytree(report_dir, copy)
    before = json.loads((copy / "findings.sarif").read_text(encoding="utf-8"))
    for name in GENERATED:
        (copy / name).unlink()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and k != "GITHUB_STEP_SUMMARY"
    }
    env.update(
        {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{_closed_port()}",
            "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    proc = subprocess.run(
        [sys.executable, "-m", "paymentaudit", "report", str(copy)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    # Nothing on stderr but one progress line per phase (off a terminal).
    assert proc.stderr.splitlines() == [
        "paymentaudit: reports: junit, sarif, markdown",
        "paymentaudit: notebook: readiness.ipynb and readiness.html",
    ]
    assert sorted(Path(line).name for line in proc.stdout.splitlines()) == GENERATED
    assert sorted(p.name for p in copy.iterdir()) == sorted(
        ["findings.json", "snapshots", *GENERATED]
    )
    after = json.loads((copy / "findings.sarif").read_text(encoding="utf-8"))
    assert after == before  # same findings, same fingerprints, same locations
    assert ">NOT READY<" in (copy / "readiness.html").read_text(encoding="utf-8")


def test_reporters_do_not_import_the_notebook_stack() -> None:
    code = (
        "import sys, paymentaudit.cli, paymentaudit.reporters as r; r.names(); "
        "print(sorted(m for m in ('papermill', 'nbconvert', 'nbclient', 'matplotlib') "
        "if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert proc.stdout.strip() == "[]"
