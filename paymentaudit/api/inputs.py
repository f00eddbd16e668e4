"""Everything that can be checked before touching AWS: suffixes, flags, policy, output paths."""

from __future__ import annotations

from pathlib import Path

from paymentaudit import policy as policy_mod
from paymentaudit.aws import DEFAULT_MAX_WORKERS, SANDBOX_MAX_WORKERS
from paymentaudit.errors import InputError, PolicyError
from paymentaudit.model import FAIL_ON_CHOICES, Severity
from paymentaudit.policy import Policy


def parse_fail_on(value: str) -> Severity:
    """--fail-on: critical, high, medium or low; InputError otherwise."""
    if str(value).lower() not in FAIL_ON_CHOICES:
        raise InputError(
            f"invalid --fail-on {value!r}: expected one of {', '.join(FAIL_ON_CHOICES)}"
        )
    return Severity(str(value).lower())


def load_policy(path: str | None) -> Policy:
    """The --policy file (a policy TOML, or a pyproject.toml: its [tool.paymentaudit] table),
    else [tool.paymentaudit] of ./pyproject.toml, else the default policy."""
    if path:
        if Path(path).name == "pyproject.toml":
            found = policy_mod.from_pyproject(Path(path).parent)
            if found is None:
                raise PolicyError(f"{path}: (file): no [tool.paymentaudit] table")
            return found
        return policy_mod.load(path)
    return policy_mod.from_pyproject(Path.cwd()) or Policy()


def check_limits(max_workers: int | None, timeout: float) -> None:
    """--max-workers (None: the default) and --timeout."""
    if max_workers is not None and max_workers < 1:
        raise InputError(f"invalid --max-workers {max_workers}: must be at least 1")
    if timeout <= 0:
        raise InputError(f"invalid --timeout {timeout}: must be positive")


def workers(max_workers: int | None, sandbox: bool) -> int:
    """The pool size: ``max_workers`` when given, else the default for where the calls go (the
    sandbox's server shares this process: one worker per account is the fastest there)."""
    if max_workers is not None:
        return max_workers
    return SANDBOX_MAX_WORKERS if sandbox else DEFAULT_MAX_WORKERS


__all__ = ["check_limits", "load_policy", "parse_fail_on", "workers"]
