"""A finished report directory as bytes (a zip archive) and back: how a fleet task's reports
travel from a worker, which need not share a filesystem with the client, to the fleet
directory."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath

from paymentaudit.errors import PaymentAuditError


class PackError(PaymentAuditError):
    """A packed report directory that cannot be unpacked safely."""


def pack(directory: Path) -> bytes:
    """Every regular file under ``directory``, compressed (paths relative to it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in sorted(directory.rglob("*")):
            if path.is_file() and not path.is_symlink():
                zf.write(path, path.relative_to(directory).as_posix())
    return buffer.getvalue()


def unpack(data: bytes, directory: Path) -> list[Path]:
    """Write a packed directory's files under ``directory`` (created); a member that would land
    outside it is refused."""
    written = []
    directory.mkdir(parents=True, exist_ok=False)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            name = PurePosixPath(info.filename)
            if info.is_dir():
                continue
            if name.is_absolute() or ".." in name.parts or not name.parts:
                raise PackError(f"refused a packed report file outside its directory: {name}")
            target = directory.joinpath(*name.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as source, open(target, "wb") as sink:
                while chunk := source.read(1 << 20):
                    sink.write(chunk)
            written.append(target)
    return written
