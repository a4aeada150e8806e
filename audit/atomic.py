"""Atomic file writes: a temporary file in the same folder, fsync, then rename over the target.

A run killed at any moment leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from audit.errors import AuditError


def _target_mode(path: Path) -> int:
    """Keep an existing file's permissions; new files get the usual 0666 minus the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_bytes_atomic(
    path: Path,
    data: bytes | tuple[bytes, ...] | Callable[[BinaryIO], None],
    fsync: bool = True,
    precondition: Callable[[], bool] | None = None,
) -> bool:
    """``fsync=False`` for caches: a crash may lose the entry, never leave half of it.

    ``data`` may be given in parts (written one after the other): a header and a large payload
    need not be joined into one more copy first. Or as a function that writes into the open
    temporary file: a payload streamed as it is made is never held whole in memory.

    ``precondition`` is checked after the data is on disk and right before the rename: when it
    returns False nothing is replaced (the temporary file is removed) and the result is False.
    ``report --write`` uses it to re-check that no author saved the file meanwhile.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # on first write: it drags shutil, random, bz2, lzma in

        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise AuditError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        os.fchmod(fd, _target_mode(path))
        with os.fdopen(fd, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                for part in (data,) if isinstance(data, bytes) else data:
                    handle.write(part)
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        if precondition is not None and not precondition():
            os.unlink(tmp)
            return False
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise AuditError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))
