"""Synthesize ``stack/`` for one suffix and environment, with a content-addressed cache.

The cache key hashes everything the synthesized JSON depends on: the stack's absolute path
(the local backend's state path in the JSON is absolute, so two checkouts must not share an
entry), the stack's sources (``stack/**/*.py``, ``stack/cdktf.json``), the packaged
``lambda/`` code, the suffix, the
environment, the stack's other input (``DB_INSTANCE_CLASS``) and the versions of the CDK
libraries the stack would import (cdktf or cdktn, per ``PAYMENTAUDIT_CDK``, as
``stack/cdk.py`` picks them). A hit reads one small JSON file; a miss runs
``sys.executable stack/main.py`` (5-15 s) in a temporary directory.

Cache: ``$PAYMENTAUDIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/paymentaudit``, else
``~/.cache/paymentaudit``; one directory per key under ``synth/``, holding the synth's
``stacks/<stack>/`` (``cdk.tf.json`` and the Lambda asset) and ``meta.json``. An entry is
built in a temporary sibling and renamed into place, so a reader never sees half of one;
when two runs race, the first rename wins and the other's copy is discarded.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paymentaudit.errors import SynthError
from paymentaudit.naming import environment_word

CACHE_SCHEMA = "paymentaudit/synth-cache/v1"
TIMEOUT_SECONDS = 600.0
# stack/cdk.py: backend -> (core package, prebuilt AWS provider package) and their modules.
CDK_BACKENDS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "cdktf": (("cdktf", "cdktf-cdktf-provider-aws"), ("cdktf", "cdktf_cdktf_provider_aws")),
    "cdktn": (("cdktn", "cdktn-provider-aws"), ("cdktn", "cdktn_provider_aws")),
}
STACK_ENV = ("ENVIRONMENT_SUFFIX", "ENVIRONMENT", "CDKTF_OUTDIR")
STACK_INPUTS = ("DB_INSTANCE_CLASS", "PAYMENTAUDIT_CDK", "AUDIT_PRINCIPAL_ARN", "AUDIT_EXTERNAL_ID")
_OUTDIR = "<synth-outdir>"  # where the printed path named the synth's out dir (meta.json)
# One synth per key at a time in this process: a second caller waits, then hits the cache.
_KEY_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()
_POOL: list[ThreadPoolExecutor] = []


@dataclass(frozen=True)
class SynthResult:
    """A synthesized stack in the cache."""

    path: Path  # .../synth/<key>/stacks/payment-<suffix>/cdk.tf.json
    key: str
    hit: bool
    seconds: float  # this call: the synth on a miss, the lookup on a hit
    stdout: str  # what main.py printed, its out dir relocated to the cache entry
    stderr: str
    meta: Mapping[str, Any]


def cache_root(environ: Mapping[str, str] | None = None) -> Path:
    """$PAYMENTAUDIT_CACHE_DIR, else $XDG_CACHE_HOME/paymentaudit, else ~/.cache/paymentaudit."""
    env = os.environ if environ is None else environ
    if env.get("PAYMENTAUDIT_CACHE_DIR"):
        return Path(env["PAYMENTAUDIT_CACHE_DIR"]).expanduser()
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]).expanduser() / "paymentaudit"
    return Path.home() / ".cache" / "paymentaudit"


def stack_environment(suffix: str) -> str:
    """The stack's ENVIRONMENT for a suffix: its environment word when dev or prod, else dev."""
    word = environment_word(suffix)
    return word if word in ("dev", "prod") else "dev"


def find_stack_dir(start: Path | None = None) -> Path:
    """``stack/`` of the working directory, else of the repository this package lives in."""
    candidates = [(start or Path.cwd()) / "stack", Path(__file__).resolve().parents[2] / "stack"]
    for candidate in candidates:
        if (candidate / "main.py").is_file():
            return candidate.resolve()
    raise SynthError(
        f"--synth: no stack/main.py in {candidates[0].parent} or {candidates[1].parent}"
    )


def backend(environ: Mapping[str, str] | None = None) -> str:
    """The CDK the stack would use: PAYMENTAUDIT_CDK, else cdktf when installed, else cdktn."""
    env = os.environ if environ is None else environ
    requested = env.get("PAYMENTAUDIT_CDK", "").strip().lower()
    if requested:
        return requested
    for name, (_, modules) in CDK_BACKENDS.items():
        if all(importlib.util.find_spec(m) is not None for m in modules):
            return name
    return "none"


def cdk_versions(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Installed versions of the selected CDK's packages (and constructs)."""
    name = backend(environ)
    packages = (*CDK_BACKENDS.get(name, ((), ()))[0], "constructs")
    out = {"backend": name}
    for package in packages:
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            out[package] = "absent"
    return out


def _packaged(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return (
        path.suffix != ".pyc"
        and "__pycache__" not in parts
        and not any(p.startswith(".") for p in parts)
    )


def source_files(stack_dir: Path) -> list[Path]:
    """What the synthesized JSON depends on: stack/**/*.py, stack/*.json (cdktf.json, the audit
    role's policy template), paymentaudit/platform/, lambda/**."""
    files = [
        p
        for p in stack_dir.rglob("*.py")
        if _packaged(p, stack_dir) and not {"cdktf.out", ".gen"} & set(p.parts)
    ]
    files += stack_dir.glob("*.json")
    files += sorted((stack_dir.parent / "paymentaudit" / "platform").glob("*.py"))  # the platform
    lambda_dir = stack_dir.parent / "lambda"
    if lambda_dir.is_dir():
        files += [p for p in lambda_dir.rglob("*") if p.is_file() and _packaged(p, lambda_dir)]
    return sorted(files)


def cache_key(
    stack_dir: Path, suffix: str, environment: str, environ: Mapping[str, str] | None = None
) -> str:
    """The hash of the stack's path and sources, lambda/, suffix, environment, inputs, CDK."""
    env = os.environ if environ is None else environ
    digest = hashlib.sha256()
    header = {
        "schema": CACHE_SCHEMA,
        "stack_dir": str(stack_dir.resolve()),
        "suffix": suffix,
        "environment": environment,
        "inputs": {k: env.get(k, "") for k in STACK_INPUTS},
        "cdk": cdk_versions(env),
    }
    digest.update(json.dumps(header, sort_keys=True).encode())
    root = stack_dir.parent
    for path in source_files(stack_dir):
        digest.update(b"\0" + str(path.relative_to(root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def run_stack(
    cmd: list[str], env: dict[str, str], cwd: Path, timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run the synth command (a function of its own, so tests can replace it)."""
    try:
        return subprocess.run(
            cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise SynthError(f"synth of {cmd[-1]} timed out after {timeout:.0f} s") from None
    except OSError as exc:
        raise SynthError(f"cannot run {cmd[0]}: {exc.strerror or exc}") from None


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def _load_hit(entry: Path, key: str, started: float) -> SynthResult | None:
    try:
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    path = entry / meta.get("json", "")
    if meta.get("schema") != CACHE_SCHEMA or not path.is_file():
        return None
    return SynthResult(
        path=path,
        key=key,
        hit=True,
        seconds=time.perf_counter() - started,
        stdout=str(meta.get("stdout", "")).replace(_OUTDIR, str(entry)),
        stderr=str(meta.get("stderr", "")),
        meta=meta,
    )


def synthesize(
    suffix: str,
    environment: str | None = None,
    *,
    stack_dir: Path | None = None,
    cache_dir: Path | None = None,
    timeout: float = TIMEOUT_SECONDS,
    environ: Mapping[str, str] | None = None,
) -> SynthResult:
    """The synthesized cdk.tf.json of ``stack/`` for a suffix: from the cache, or synthesized
    now and cached. SynthError (one line, with the synth's last stderr line) on failure.

    ``environ`` (default: os.environ) is the environment of the synth and of the cache key.
    """
    started = time.perf_counter()
    env = dict(os.environ if environ is None else environ)
    environment = environment or stack_environment(suffix)
    stack_dir = (stack_dir or find_stack_dir()).resolve()
    key = cache_key(stack_dir, suffix, environment, env)
    synth_root = (cache_dir or cache_root(env)) / "synth"
    entry = synth_root / key
    hit = _load_hit(entry, key, started)
    if hit is not None:
        return hit
    with _GUARD:
        lock = _KEY_LOCKS.setdefault(key, threading.Lock())
    with lock:
        hit = _load_hit(entry, key, started)  # another thread may have just written it
        if hit is not None:
            return hit
        try:
            synth_root.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=synth_root))
        except OSError as exc:
            raise SynthError(f"cannot write the synth cache {synth_root}: {exc.strerror}") from None
        try:
            job = _Job(stack_dir, suffix, environment, key, timeout, started, env)
            return _synth_into(work, entry, job)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def synthesize_in_background(
    suffix: str, environment: str | None = None, **kwargs: Any
) -> Future[SynthResult]:
    """:func:`synthesize` in a worker thread (the synth itself is a subprocess)."""
    with _GUARD:
        if not _POOL:
            _POOL.append(ThreadPoolExecutor(max_workers=4, thread_name_prefix="synth"))
        pool = _POOL[0]
    return pool.submit(synthesize, suffix, environment, **kwargs)


@dataclass(frozen=True)
class _Job:
    stack_dir: Path
    suffix: str
    environment: str
    key: str
    timeout: float
    started: float
    environ: Mapping[str, str]


# What to install when no CDK is there (the demo's venv has none: `make demo` installs only
# the runtime and the sandbox).
INSTALL_HINT = (
    "--synth needs the stack's CDK (cdktf or cdktn), which is not installed in "
    "{python}: run pip install -e '.[stack]' (make test installs it too)"
)


def _synth_into(work: Path, entry: Path, job: _Job) -> SynthResult:
    """Run one synth in ``work`` and move what the cache keeps into ``entry``."""
    if backend(job.environ) == "none":
        raise SynthError(INSTALL_HINT.format(python=sys.executable))
    stack_dir, suffix, environment = job.stack_dir, job.suffix, job.environment
    outdir, cwd, staged = work / "out", work / "cwd", work / "entry"
    cwd.mkdir()
    env = {k: v for k, v in job.environ.items() if k not in STACK_ENV}
    env.update(ENVIRONMENT_SUFFIX=suffix, ENVIRONMENT=environment, CDKTF_OUTDIR=str(outdir))
    proc = run_stack([sys.executable, str(stack_dir / "main.py")], env, cwd, job.timeout)
    where = f"synth of {stack_dir} for {suffix} ({environment})"
    if proc.returncode != 0:
        raise SynthError(f"{where} failed (exit {proc.returncode}): {_last_line(proc.stderr)}")
    printed = Path(_last_line(proc.stdout))
    if not printed.is_file() or outdir.resolve() not in printed.resolve().parents:
        raise SynthError(f"{where}: main.py printed {printed}, not a cdk.tf.json in {outdir}")
    relative = printed.resolve().relative_to(outdir.resolve())
    staged.mkdir()
    shutil.copytree(outdir / relative.parts[0], staged / relative.parts[0])  # stacks/
    meta = {
        "schema": CACHE_SCHEMA,
        "json": str(relative),
        "suffix": suffix,
        "environment": environment,
        "cdk": cdk_versions(job.environ),
        "stdout": proc.stdout.replace(str(outdir.resolve()), _OUTDIR).replace(str(outdir), _OUTDIR),
        "stderr": proc.stderr,
        "synth_seconds": round(time.perf_counter() - job.started, 3),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (staged / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    if entry.exists() and _load_hit(entry, job.key, job.started) is None:
        shutil.rmtree(entry, ignore_errors=True)  # a corrupt entry (no valid meta.json)
    try:
        os.rename(staged, entry)
    except OSError:
        if not (entry / "meta.json").is_file():  # not a concurrent winner: a real failure
            raise SynthError(f"cannot write the synth cache entry {entry}") from None
    result = _load_hit(entry, job.key, job.started)
    if result is None:
        raise SynthError(f"the synth cache entry {entry} is unreadable")
    return SynthResult(
        path=result.path,
        key=job.key,
        hit=False,
        seconds=time.perf_counter() - job.started,
        stdout=result.stdout,
        stderr=result.stderr,
        meta=result.meta,
    )
