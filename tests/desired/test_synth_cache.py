"""The synth cache: hits run nothing, any input change invalidates, entries appear atomically."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from desiredkit import REPO_ROOT

from paymentaudit.desired import synth
from paymentaudit.errors import SynthError


def _no_subprocess(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a cache hit must not run the synth")


def test_a_miss_synthesizes_and_keeps_the_stack_dir(fake_stack: Path, tmp_path: Path) -> None:
    result = synth.synthesize("prod-abc123", stack_dir=fake_stack, cache_dir=tmp_path / "c")
    assert not result.hit
    assert result.path == (
        tmp_path / "c" / "synth" / result.key / "stacks" / "payment-prod-abc123" / "cdk.tf.json"
    )
    assert (result.path.parent / "assets" / "code.zip").is_file()
    # main.py's output, relocated from the temporary out dir to the cache entry.
    assert result.stdout.strip() == str(result.path)
    assert result.meta["environment"] == "prod"
    # Only the entry is left: no temporary directory, no .staging copy of the sources.
    assert [p.name for p in (tmp_path / "c" / "synth").iterdir()] == [result.key]
    assert not list((tmp_path / "c").rglob(".staging"))


def test_a_hit_runs_no_subprocess_and_is_fast(
    fake_stack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = synth.synthesize("prod-abc123", stack_dir=fake_stack, cache_dir=tmp_path)
    monkeypatch.setattr(synth, "run_stack", _no_subprocess)
    monkeypatch.setattr(subprocess, "run", _no_subprocess)
    monkeypatch.setattr(subprocess, "Popen", _no_subprocess)
    started = time.perf_counter()
    second = synth.synthesize("prod-abc123", stack_dir=fake_stack, cache_dir=tmp_path)
    assert time.perf_counter() - started < 0.5
    assert second.hit and second.path == first.path and second.key == first.key
    assert second.stdout == first.stdout


@pytest.mark.parametrize(
    "change",
    ["stack main.py", "component module", "cdktf.json", "lambda code", "new lambda file"],
)
def test_a_changed_source_invalidates(
    fake_stack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    first = synth.synthesize("dev", stack_dir=fake_stack, cache_dir=tmp_path)
    target = {
        "stack main.py": fake_stack / "main.py",
        "component module": fake_stack / "components" / "topic.py",
        "cdktf.json": fake_stack / "cdktf.json",
        "lambda code": fake_stack.parent / "lambda" / "handler.py",
        "new lambda file": fake_stack.parent / "lambda" / "util.py",
    }[change]
    with target.open("a") as handle:
        handle.write("\n# changed\n" if target.suffix == ".py" else " ")
    calls: list[list[str]] = []
    real = synth.run_stack

    def counting(cmd: list[str], *args: Any) -> Any:
        calls.append(cmd)
        return real(cmd, *args)

    monkeypatch.setattr(synth, "run_stack", counting)
    second = synth.synthesize("dev", stack_dir=fake_stack, cache_dir=tmp_path)
    assert second.key != first.key and not second.hit
    assert len(calls) == 1


def test_generated_and_ignored_files_do_not_change_the_key(fake_stack: Path) -> None:
    before = synth.cache_key(fake_stack, "dev", "dev", {})
    (fake_stack / "cdktf.out" / "stacks").mkdir(parents=True)
    (fake_stack / "cdktf.out" / "stacks" / "old.py").write_text("x = 1\n")
    (fake_stack / "__pycache__").mkdir()
    (fake_stack / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"\0")
    (fake_stack.parent / "lambda" / ".pytest_cache").mkdir()
    (fake_stack.parent / "lambda" / ".pytest_cache" / "v").write_text("x")
    (fake_stack / "notes.txt").write_text("not a stack source")
    assert synth.cache_key(fake_stack, "dev", "dev", {}) == before


def test_the_key_covers_suffix_environment_inputs_and_cdk_versions(
    fake_stack: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = synth.cache_key(fake_stack, "prod-abc123", "prod", {})
    assert synth.cache_key(fake_stack, "prod-abc123", "prod", {}) == base
    assert synth.cache_key(fake_stack, "prod-xyz", "prod", {}) != base
    assert synth.cache_key(fake_stack, "prod-abc123", "dev", {}) != base
    assert (
        synth.cache_key(fake_stack, "prod-abc123", "prod", {"DB_INSTANCE_CLASS": "db.r6g.large"})
        != base
    )
    assert synth.cache_key(fake_stack, "prod-abc123", "prod", {"PAYMENTAUDIT_CDK": "cdktn"}) != base
    real = synth.cdk_versions
    monkeypatch.setattr(synth, "cdk_versions", lambda env=None: {**real(env), "cdktf": "9.9.9"})
    assert synth.cache_key(fake_stack, "prod-abc123", "prod", {}) != base


def test_the_real_stack_key_changes_with_a_copy_of_stack_sources(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    ignore = shutil.ignore_patterns("cdktf.out", "__pycache__", "*.tfstate*", ".*")
    shutil.copytree(REPO_ROOT / "stack", repo / "stack", ignore=ignore)
    shutil.copytree(REPO_ROOT / "lambda", repo / "lambda", ignore=ignore)
    files = synth.source_files(repo / "stack")
    names = {str(p.relative_to(repo)) for p in files}
    assert {"stack/main.py", "stack/cdktf.json", "stack/components/network.py"} <= names
    assert "lambda/payment_processor.py" in names
    before = synth.cache_key(repo / "stack", "prod-abc123", "prod", {})
    with (repo / "stack" / "components" / "sessions.py").open("a") as handle:
        handle.write("\n# a change\n")
    assert synth.cache_key(repo / "stack", "prod-abc123", "prod", {}) != before


def test_two_checkouts_of_the_same_sources_do_not_share_an_entry(tmp_path: Path) -> None:
    # The synthesized JSON names the checkout (the local backend's absolute state path), so a
    # cache shared by two clones (CI and a developer, one HOME) must key them apart.
    ignore = shutil.ignore_patterns("cdktf.out", "__pycache__", "*.tfstate*", ".*")
    keys = []
    for name in ("one", "two"):
        shutil.copytree(REPO_ROOT / "stack", tmp_path / name / "stack", ignore=ignore)
        shutil.copytree(REPO_ROOT / "lambda", tmp_path / name / "lambda", ignore=ignore)
        keys.append(synth.cache_key(tmp_path / name / "stack", "prod-abc123", "prod", {}))
    assert keys[0] != keys[1]
    assert (
        synth.cache_key(tmp_path / "one" / "stack" / ".." / "stack", "prod-abc123", "prod", {})
        == keys[0]
    )


def test_the_cdk_versions_follow_the_selected_backend() -> None:
    cdktf = synth.cdk_versions({"PAYMENTAUDIT_CDK": "cdktf"})
    assert cdktf["backend"] == "cdktf"
    assert set(cdktf) == {"backend", "cdktf", "cdktf-cdktf-provider-aws", "constructs"}
    cdktn = synth.cdk_versions({"PAYMENTAUDIT_CDK": "cdktn"})
    assert set(cdktn) == {"backend", "cdktn", "cdktn-provider-aws", "constructs"}


def test_a_failed_synth_is_one_line_with_the_last_stderr_line(
    fake_stack: Path, tmp_path: Path
) -> None:
    with pytest.raises(SynthError) as info:
        synth.synthesize(
            "dev",
            stack_dir=fake_stack,
            cache_dir=tmp_path,
            environ={"FAKE_SYNTH_FAIL": "1", "PATH": "/usr/bin:/bin"},
        )
    message = str(info.value)
    assert "\n" not in message
    assert "exit 1" in message and "ValueError: the fake stack was told to fail" in message
    assert not (tmp_path / "synth").exists() or not any((tmp_path / "synth").iterdir())


def test_a_wrong_printed_path_is_a_synth_error(fake_stack: Path, tmp_path: Path) -> None:
    with pytest.raises(SynthError, match=re.escape("printed /nowhere/cdk.tf.json")):
        synth.synthesize(
            "dev",
            stack_dir=fake_stack,
            cache_dir=tmp_path,
            environ={"FAKE_SYNTH_PRINT": "/nowhere/cdk.tf.json"},
        )


def test_a_timeout_is_a_synth_error(tmp_path: Path) -> None:
    cmd = [sys.executable, "-c", "import time; time.sleep(5)"]
    started = time.perf_counter()
    with pytest.raises(SynthError, match="timed out"):
        synth.run_stack(cmd, {}, tmp_path, 0.2)
    assert time.perf_counter() - started < 4


def test_concurrent_calls_synthesize_once(
    fake_stack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = synth.run_stack

    def slow(cmd: list[str], *args: Any) -> Any:
        calls.append(1)
        time.sleep(0.2)
        return real(cmd, *args)

    monkeypatch.setattr(synth, "run_stack", slow)
    results: list[Any] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                synth.synthesize("dev", stack_dir=fake_stack, cache_dir=tmp_path)
            )
        )
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len({r.path for r in results}) == 1 and sum(not r.hit for r in results) == 1


def test_a_concurrent_writer_that_finished_first_wins(
    fake_stack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process renamed its entry in place first: ours is discarded, no error."""
    winner = synth.synthesize("dev", stack_dir=fake_stack, cache_dir=tmp_path / "other")
    real = synth.run_stack

    def racing(cmd: list[str], *args: Any) -> Any:
        done = real(cmd, *args)
        shutil.copytree(winner.path.parents[2], tmp_path / "mine" / "synth" / winner.key)
        return done

    monkeypatch.setattr(synth, "run_stack", racing)
    result = synth.synthesize("dev", stack_dir=fake_stack, cache_dir=tmp_path / "mine")
    assert result.path.is_file() and result.key == winner.key
    assert [p.name for p in (tmp_path / "mine" / "synth").iterdir()] == [winner.key]


def test_an_unreadable_entry_is_synthesized_again(fake_stack: Path, tmp_path: Path) -> None:
    first = synth.synthesize("dev", stack_dir=fake_stack, cache_dir=tmp_path)
    (first.path.parents[2] / "meta.json").write_text("{not json")
    again = synth.synthesize("dev", stack_dir=fake_stack, cache_dir=tmp_path)
    assert not again.hit and again.path.is_file()


def test_the_cache_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert synth.cache_root({"PAYMENTAUDIT_CACHE_DIR": str(tmp_path / "a")}) == tmp_path / "a"
    assert (
        synth.cache_root({"XDG_CACHE_HOME": str(tmp_path / "x")}) == tmp_path / "x" / "paymentaudit"
    )
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert synth.cache_root({}) == tmp_path / "home" / ".cache" / "paymentaudit"


def test_the_stack_environment_of_a_suffix() -> None:
    assert synth.stack_environment("prod-abc123") == "prod"
    assert synth.stack_environment("dev") == "dev"
    assert synth.stack_environment("staging-1") == "dev"  # the stack knows dev and prod only


def test_a_missing_stack_dir_is_a_synth_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(synth, "__file__", str(tmp_path / "pkg" / "desired" / "synth.py"))
    with pytest.raises(SynthError, match=re.escape("no stack/main.py")):
        synth.find_stack_dir(tmp_path)
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "main.py").write_text("")
    assert synth.find_stack_dir(tmp_path) == stack.resolve()
