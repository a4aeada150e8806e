"""The per-user secret on disk: its name and how it is read, on ``os`` alone.

``audit/cache/folder.py`` says why the secret exists and where it lives; the replay of an
unchanged run (``audit/cache/replay.py``) reads it before anything heavier is imported.
"""

from __future__ import annotations

import os
import sys

KEY_DIR_ENV = "CONTENT_AUDIT_KEY_DIR"
KEY_FILE = "cache-key"
KEY_BYTES = 32


def read_key(path: str | os.PathLike[str]) -> bytes:
    """The secret, after checking that only this user can have written or read it."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if os.name == "posix":
            if st.st_uid != os.geteuid():
                raise OSError(f"{path} belongs to another user")
            if st.st_mode & 0o077:
                raise OSError(f"{path} is readable or writable by others (chmod 600 it)")
        data = os.read(fd, 4 * KEY_BYTES)
    finally:
        os.close(fd)
    try:
        secret = bytes.fromhex(data.decode("ascii").strip())
    except ValueError:
        secret = b""
    if len(secret) != KEY_BYTES:
        raise OSError(f"{path} is not a content-audit cache key")
    return secret


def quick_key_dir() -> str | None:
    """The secret's folder without ``platformdirs`` (about 10 ms of imports), where its answer
    is known: ``CONTENT_AUDIT_KEY_DIR``, else on Linux the XDG state folder. None elsewhere.

    Only the replay uses it, and its writer records a replay only where this equals
    ``folder.key_dir()`` (``platformdirs``), so a wrong guess costs a miss, never a wrong key.
    """
    chosen = os.environ.get(KEY_DIR_ENV, "").strip()
    if chosen:
        return os.path.expanduser(chosen)
    if not sys.platform.startswith("linux"):
        return None
    base = os.environ.get("XDG_STATE_HOME", "").strip()
    if not base:
        base = os.path.expanduser("~/.local/state")
    return os.path.join(base, "content-audit")


# what quick_key_dir reads: a replay records their values and is not used when one changed
KEY_DIR_INPUTS = (KEY_DIR_ENV, "XDG_STATE_HOME", "HOME")


def inside(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> bool:
    """``path`` is ``folder`` or lies below it, symlinks resolved: a key inside the checkout
    is no secret (``folder.py``), and nothing it sealed is believed (``replay.py``)."""
    try:
        real, base = os.path.realpath(path), os.path.realpath(folder)
    except OSError:
        return False
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)
