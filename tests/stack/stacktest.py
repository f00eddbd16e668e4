"""Helpers of the stack tests (imported by conftest.py and the test modules).

The session fixtures in conftest.py get four synths once per session, in parallel:

- prod (cdktf, this interpreter): ENVIRONMENT_SUFFIX=prod-abc123
- dev (cdktf, this interpreter): ENVIRONMENT_SUFFIX=dev
- prod with CDK Terrain: $CDKTN_PYTHON (default .venv/tools/cdktn/bin/python),
  PAYMENTAUDIT_CDK=cdktn
- prod with the audit role (cdktf, this interpreter): AUDIT_PRINCIPAL_ARN and AUDIT_EXTERNAL_ID
  set (AUDIT_PRINCIPAL, AUDIT_EXTERNAL_ID below)

prod, dev and the audit role's prod come from ``paymentaudit.desired.synth.synthesize``, the
cached synth that ``validate --synth`` and tests/desired use too: it runs
`python <repo>/stack/main.py` from a temporary cwd with CDKTF_OUTDIR in a temporary directory
(and checks that main.py printed the path of the cdk.tf.json it wrote there), then keeps
stacks/<stack>/ (cdk.tf.json and the Lambda asset) in the cache, keyed by the stack sources,
lambda/, the inputs and the CDK versions. A session thus synthesizes each at most once (none
when the cache holds them); ``Synth.stdout`` is main.py's output with the out dir relocated to
the cache entry. The CDK Terrain synth runs another interpreter, outside that cache. A synth
takes 3-15 s and up to ~1 GB.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
STACK_DIR = REPO_ROOT / "stack"
MAIN = STACK_DIR / "main.py"
if str(STACK_DIR) not in sys.path:
    sys.path.insert(0, str(STACK_DIR))

SOURCES = sorted(p for p in STACK_DIR.rglob("*.py") if "cdktf.out" not in p.parts)

PROD_SUFFIX = "prod-abc123"
DEV_SUFFIX = "dev"
# The inputs of the synth with the audit role (stack/components/audit.py).
AUDIT_PRINCIPAL = "arn:aws:iam::111122223333:role/ci-auditor"
AUDIT_EXTERNAL_ID = "paymentaudit-prod"
# Every input of stack/main.py but CDKTF_OUTDIR: base_env drops them from the environment.
STACK_INPUTS = frozenset(
    {
        "ENVIRONMENT",
        "ENVIRONMENT_SUFFIX",
        "DB_INSTANCE_CLASS",
        "PAYMENTAUDIT_CDK",
        "AUDIT_PRINCIPAL_ARN",
        "AUDIT_EXTERNAL_ID",
    }
)
SYNTH_TIMEOUT_SECONDS = 300


def string_literals() -> set[str]:
    """Every plain string constant in stack/*.py (what the audit library's locator searches)."""
    found: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def tool_path(env_var: str, default: Path, what: str) -> Path:
    """$env_var, else the repo's default tool path; fail with a hint when neither exists."""
    value = os.environ.get(env_var)
    path = Path(value) if value else default
    if not path.exists():
        pytest.fail(
            f"{what} not found at {path} (set {env_var}, or run `make test`, which installs it)",
            pytrace=False,
        )
    return path


def base_env(**overrides: str) -> dict[str, str]:
    """The current environment without the stack inputs, plus overrides."""
    env = {k: v for k, v in os.environ.items() if k not in STACK_INPUTS}
    env.update(overrides)
    return env


def assert_usage_error(result: subprocess.CompletedProcess[str], needle: str) -> None:
    """Exit 2, nothing on stdout, exactly one line on stderr mentioning needle, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert needle in lines[0]
    assert "Traceback" not in result.stderr


def run_main(
    env: dict[str, str], cwd: Path, python: str = sys.executable, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run stack/main.py (absolute path) from cwd."""
    return subprocess.run(
        [python, str(MAIN)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class Synth:
    """One synthesized stack: the parsed cdk.tf.json and where it was written."""

    suffix: str
    environment: str
    path: Path
    doc: dict[str, Any]
    stdout: str
    stderr: str
    seconds: float = 0.0

    @property
    def stack_dir(self) -> Path:
        """The directory holding cdk.tf.json and assets/."""
        return self.path.parent

    def resources(self, rtype: str) -> dict[str, dict[str, Any]]:
        """All resources of one type, by logical name (empty when none)."""
        return self.doc.get("resource", {}).get(rtype, {})

    def resource(self, rtype: str, logical: str) -> dict[str, Any]:
        """One resource by type and logical name."""
        found = self.resources(rtype)
        assert logical in found, f"no {rtype}.{logical}; have {sorted(found)}"
        return found[logical]

    def by_attr(self, rtype: str, attr: str, value: Any) -> dict[str, Any]:
        """The single resource of rtype whose attr (or tags.Name for attr='Name') is value."""
        matches = [
            r
            for r in self.resources(rtype).values()
            if (r.get("tags", {}).get("Name") if attr == "Name" else r.get(attr)) == value
        ]
        assert len(matches) == 1, f"{len(matches)} {rtype} with {attr}={value!r}"
        return matches[0]

    def ref(self, rtype: str, logical: str, attr: str) -> str:
        """The interpolation string cdktf writes for a reference: ${type.name.attr}."""
        self.resource(rtype, logical)
        return "${" + f"{rtype}.{logical}.{attr}" + "}"


@dataclass
class PendingSynth:
    """A synth subprocess started in the background."""

    label: str
    suffix: str
    environment: str
    outdir: Path
    process: subprocess.Popen[str] | None = None
    error: str | None = None
    result: Synth | None = field(default=None)
    started: float = 0.0
    cached: Future[Any] | None = None  # a paymentaudit.desired.synth.synthesize() in flight

    def wait(self) -> Synth:
        """Wait for the synth and parse its JSON (fails the test on any error)."""
        if self.error:
            pytest.fail(self.error, pytrace=False)
        if self.result is None and self.cached is not None:
            self.result = self._from_cache()
        if self.result is None:
            assert self.process is not None
            try:
                stdout, stderr = self.process.communicate(timeout=SYNTH_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.communicate()
                pytest.fail(f"{self.label} synth timed out", pytrace=False)
            seconds = time.monotonic() - self.started
            if self.process.returncode != 0:
                pytest.fail(
                    f"{self.label} synth failed (exit {self.process.returncode}):\n"
                    f"{stderr[-4000:]}",
                    pytrace=False,
                )
            path = Path(stdout.strip().splitlines()[-1])
            expected = self.outdir / "stacks" / f"payment-{self.suffix}" / "cdk.tf.json"
            assert path == expected, f"main.py printed {path}, expected {expected}"
            self.result = Synth(
                suffix=self.suffix,
                environment=self.environment,
                path=path,
                doc=json.loads(path.read_text()),
                stdout=stdout,
                stderr=stderr,
                seconds=seconds,
            )
        return self.result

    def _from_cache(self) -> Synth:
        from paymentaudit.errors import SynthError

        assert self.cached is not None
        try:
            done = self.cached.result(timeout=SYNTH_TIMEOUT_SECONDS)
        except SynthError as error:
            pytest.fail(f"{self.label} synth failed: {error}", pytrace=False)
        expected = done.path.parents[1] / f"payment-{self.suffix}" / "cdk.tf.json"
        assert done.path == expected, f"the synth wrote {done.path}, expected {expected}"
        return Synth(
            suffix=self.suffix,
            environment=self.environment,
            path=done.path,
            doc=json.loads(done.path.read_text()),
            stdout=done.stdout,
            stderr=done.stderr,
            seconds=done.seconds,
        )


def start_cached_synth(label: str, suffix: str, environment: str, **env: str) -> PendingSynth:
    """Start the cached synth of stack/ (this interpreter, cdktf) in the background; ``env``:
    stack inputs (their values are part of the cache key)."""
    from paymentaudit.desired.synth import synthesize_in_background

    pending = PendingSynth(label, suffix, environment, Path())
    pending.started = time.monotonic()
    pending.cached = synthesize_in_background(
        suffix, environment, stack_dir=STACK_DIR, environ=base_env(**env)
    )
    return pending


def start_synth(
    label: str, python: str, suffix: str, environment: str, root: Path, **env: str
) -> PendingSynth:
    """Start `python stack/main.py` for one suffix in the background."""
    outdir = root / label / "out"
    cwd = root / label / "cwd"
    cwd.mkdir(parents=True)
    pending = PendingSynth(label, suffix, environment, outdir)
    pending.started = time.monotonic()
    pending.process = subprocess.Popen(
        [python, str(MAIN)],
        env=base_env(ENVIRONMENT_SUFFIX=suffix, CDKTF_OUTDIR=str(outdir), **env),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return pending
