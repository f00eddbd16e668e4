"""The pool size: 16 concurrent calls against AWS, one per account on the in-process sandbox.

The sandbox's moto server runs in the audit's own process, so its calls cost CPU, not
waiting: more threads only contend for the GIL. An explicit --max-workers always wins, and an
invalid one is exit 2.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from paymentaudit import cli
from paymentaudit.api import inputs, validation
from paymentaudit.aws import DEFAULT_MAX_WORKERS, SANDBOX_MAX_WORKERS


class _Stop(Exception):
    """Raised by the captured take_all: the test needs the arguments, not the snapshot (the
    command line then reports an internal error, exit 4)."""


def test_the_default_depends_on_where_the_calls_go() -> None:
    assert inputs.workers(None, sandbox=False) == DEFAULT_MAX_WORKERS == 16
    assert inputs.workers(None, sandbox=True) == SANDBOX_MAX_WORKERS == 1
    assert inputs.workers(4, sandbox=True) == 4
    assert inputs.workers(4, sandbox=False) == 4


@pytest.mark.parametrize(
    ("flags", "expected"),
    [([], SANDBOX_MAX_WORKERS), (["--max-workers", "8"], 8)],
)
def test_validate_on_the_sandbox_passes_its_pool_size(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, flags: list[str], expected: int
) -> None:
    seen: dict[str, Any] = {}

    @contextlib.contextmanager
    def opened(target: str, baseline: str | None, **_: Any) -> Iterator[dict[str, Any]]:
        yield {target: object(), baseline: object()}

    def take_all(envs: Any, **kwargs: Any) -> Any:
        seen.update(kwargs)
        raise _Stop

    monkeypatch.setattr(validation, "sandbox_opened", opened)
    monkeypatch.setattr(validation, "take_all", take_all)
    argv = ["validate", "prod-abc123", "--sandbox", "--no-notebook", "--out", str(tmp_path / "r")]
    assert cli.run([*argv, *flags]) == 4
    assert seen["max_workers"] == expected


def test_validate_against_aws_keeps_sixteen(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    seen: dict[str, Any] = {}

    def take_all(envs: Any, **kwargs: Any) -> Any:
        seen.update(kwargs)
        raise _Stop

    monkeypatch.setattr(validation, "take_all", take_all)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    argv = ["validate", "prod-abc123", "--endpoint-url", "http://127.0.0.1:9", "--no-notebook"]
    assert cli.run([*argv, "--out", str(tmp_path / "r")]) == 4
    assert seen["max_workers"] == DEFAULT_MAX_WORKERS


@pytest.mark.parametrize("bad", ["0", "-3"])
def test_an_invalid_pool_size_is_exit_2(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.run(["validate", "prod-abc123", "--sandbox", "--max-workers", bad])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--max-workers" in err[0]
