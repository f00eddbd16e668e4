"""The template of the synthetic snapshots: the sandbox's own snapshot, provisioned once and cached.

Nothing here restates the stack. The *template* is the payment stack as the sandbox provisions
it from ``paymentaudit.platform`` (the one declaration ``stack/`` reads too): a dev environment
provisioned once into an in-process moto sandbox (``paymentaudit.sandbox``) and snapshotted
once by the engine (``paymentaudit.engine.run.take``), so its resources have exactly the
collectors' configuration shapes (nested policies, lifecycle rules, listeners, security-group
rules, ARNs with account ids, ``vpc-``/``sg-``/``subnet-`` ids, KMS key UUIDs, ELB hashes,
environment words). It is cached as JSON under ``bench/.cache/`` (gitignored), keyed by a hash
of ``paymentaudit/platform/``, the provisioner and the collection code it goes through, and
moto's version: a cold cache costs one provisioning (a few seconds), a warm one a file read.

The template is provisioned with the suffix :data:`TEMPLATE_SUFFIX`, a marker that no name
contains otherwise (``bench/synthetic_copies.py`` finds every place a copy differs by it).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from paymentaudit import platform
from paymentaudit.naming import environment_word

# The template's environment: dev, under a suffix no name contains otherwise.
TEMPLATE_SUFFIX = "dev-benchtemplate"
TEMPLATE_WORD = environment_word(TEMPLATE_SUFFIX)
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
PACKAGE = Path(platform.__file__).resolve().parents[1]  # paymentaudit/
# What the template snapshot depends on: the declaration, the provisioner, the collection.
TEMPLATE_SOURCES = (
    "platform",
    "sandbox",
    "services",
    "engine",
    "aws.py",
    "model.py",
    "naming.py",
    "snapshots.py",
    "detect.py",
    "redact.py",
)


def template_key() -> str:
    """The cache key: a hash of the template's sources and of moto's version."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"{TEMPLATE_SUFFIX}\0moto {version('moto')}\0".encode())
    for entry in TEMPLATE_SOURCES:
        path = PACKAGE / entry
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts or not file.is_file():
                continue
            digest.update(str(file.relative_to(PACKAGE)).encode() + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()[:24]


def provision_template() -> dict[str, Any]:
    """Provision the template environment into a fresh in-process sandbox and snapshot it."""
    from paymentaudit.aws import Connection
    from paymentaudit.engine.run import take
    from paymentaudit.sandbox import CREDENTIALS, build, server

    with server() as url:
        build(url, TEMPLATE_SUFFIX, None, drifts=False)
        connection = Connection(endpoint_url=url, credentials=CREDENTIALS)
        snapshot = take([(TEMPLATE_SUFFIX, None)], connection)[TEMPLATE_SUFFIX]
    return snapshot.to_dict()


def template_path() -> Path:
    """Where the current template snapshot is cached."""
    return CACHE_DIR / f"template-{template_key()}.json"


def template_snapshot() -> dict[str, Any]:
    """The template snapshot's JSON: from bench/.cache/, else provisioned and cached first.

    Provisioning runs in a child process (``python -m bench.synthetic``): moto and boto3 stay
    out of the benchmark process, whose peak RSS is measured.
    """
    path = template_path()
    if not path.is_file():
        subprocess.run(
            [sys.executable, "-m", "bench.synthetic"],
            cwd=Path(__file__).resolve().parent.parent,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return json.loads(path.read_text(encoding="utf-8"))


def write_template() -> Path:
    """Provision the template, write it to the cache atomically and drop stale templates."""
    path = template_path()
    data = provision_template()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)
    for stale in CACHE_DIR.glob("template-*.json"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return path
