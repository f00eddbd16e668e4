"""Files and directories that appear complete or not at all.

A file is written to a temporary sibling and renamed over its final name (:func:`atomic_file`,
:func:`write_json_atomic`); a report directory is built in a temporary sibling and renamed into
place, never over an existing report (:class:`ReportDir`), and ``latest`` is switched with one
rename.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Collection, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from paymentaudit.errors import InputError, OutputError

LATEST = "latest"


def timestamp() -> str:
    """UTC timestamp used as a run directory name, e.g. 20261126T055000Z."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def default_dir(suffix: str, root: str | os.PathLike[str] = "reports") -> Path:
    """reports/<suffix>/<UTC timestamp>/, with -2, -3... when a run of the same second exists."""
    base = Path(root) / suffix
    stamp = timestamp()
    candidate = base / stamp
    n = 2
    while candidate.exists():
        candidate = base / f"{stamp}-{n}"
        n += 1
    return candidate


class ReportDir:
    """A report directory under construction.

    Files go into ``.<name>.tmp-<pid>`` next to the final directory; :meth:`commit` renames
    it into place, so a directory that exists under its final name is always complete.
    Leaving the context without committing (an error, Ctrl-C) removes the temporary one.
    """

    def __init__(self, final: str | os.PathLike[str], *, link_latest: bool = False) -> None:
        self.final = Path(final)
        self.link_latest = link_latest
        self.tmp = self.final.parent / f".{self.final.name}.tmp-{os.getpid()}"
        self.committed = False

    def __enter__(self) -> ReportDir:
        self.check_final()
        writable_dir(self.final.parent, "the report directory")
        try:
            self.final.parent.mkdir(parents=True, exist_ok=True)
            self.tmp.mkdir()
            probe = self.tmp / ".write-test"
            probe.write_text("ok", encoding="utf-8")
            probe.unlink()
        except OSError as exc:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise OutputError(
                f"cannot write the report directory {self.final}: {exc.strerror or exc}"
            ) from None
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self.committed:
            shutil.rmtree(self.tmp, ignore_errors=True)

    @property
    def path(self) -> Path:
        """Where files are written until commit."""
        return self.tmp

    def check_final(self) -> None:
        """Refuse to replace an existing, non-empty directory or a file."""
        if self.final.is_symlink() or (self.final.exists() and not self.final.is_dir()):
            raise OutputError(f"output path {self.final} exists and is not a directory")
        if self.final.is_dir() and any(self.final.iterdir()):
            raise OutputError(
                f"output directory {self.final} already holds a report: "
                "choose another --out (previous reports are never overwritten)"
            )

    def commit(self) -> Path:
        """Rename the finished directory into place and switch ``latest`` to it."""
        self.check_final()
        if self.final.is_dir():
            self.final.rmdir()  # empty: checked above
        try:
            os.rename(self.tmp, self.final)
        except OSError as exc:
            raise OutputError(f"cannot move the report into {self.final}: {exc.strerror}") from None
        self.committed = True
        if self.link_latest:
            switch_latest(self.final)
        return self.final


def writable_dir(directory: Path, what: str) -> None:
    """OutputError, with the OS's own reason, unless files can be created in ``directory``
    (created with its parents when missing): checked before any work is done."""
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    reason = ""
    if not existing.is_dir():
        reason = os.strerror(errno.ENOTDIR)
        where = existing
    elif not os.access(existing, os.W_OK | os.X_OK):
        reason = os.strerror(errno.EACCES)
        where = existing
    else:
        where = directory
        try:
            directory.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=directory, prefix=".write-test-"):
                pass
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
    if reason:
        raise OutputError(f"cannot write {what} in {directory}: {where}: {reason}")


def writable_file(path: Path, what: str = "the output file") -> None:
    """OutputError, with the OS's reason, unless ``path`` can be written (checked early)."""
    if path.is_dir():
        raise OutputError(f"cannot write {what} {path}: {os.strerror(errno.EISDIR)}")
    writable_dir(path.parent, what)


def switch_latest(run_dir: Path) -> Path:
    """Point ``<run_dir>/../latest`` at ``run_dir`` atomically (a new link, then a rename)."""
    link = run_dir.parent / LATEST
    tmp = run_dir.parent / f".{LATEST}.tmp-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(run_dir.name, tmp, target_is_directory=True)
    os.replace(tmp, link)
    return link


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary sibling path; on success it replaces ``path`` atomically."""
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_json_atomic(path: Path, data: Any) -> Path:
    """Write JSON to ``path`` through a temporary sibling and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=False, default=str)
        handle.write("\n")
    return path


def read_document(path: Path, schemas: Collection[str]) -> dict[str, Any]:
    """A JSON document whose ``schema`` is one of ``schemas`` (a report's findings.json, a
    fleet's fleet.json); InputError, one line, when absent, corrupt or of another schema."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("schema") not in schemas:
        raise InputError(f"{path}: not a {' or '.join(schemas)} document")
    return doc
