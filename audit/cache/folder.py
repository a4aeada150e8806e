"""The cache folder is inside the checkout: nothing in it is trusted until it proves who wrote it.

Anything under ``<root>/<cache_dir>`` may come from the repository itself: committed by accident,
or by a pull request from a fork. The parse cache is pickle, which runs code while loading, and
the example-result cache could claim that an example "works". A hash without a key only detects
accidents (whoever plants a file computes the same hash), so every cache file carries a **MAC
under a secret that lives outside the checkout**, per user: a file that verifies was written by
this user's content-audit. Nothing is unpickled, or believed, before its MAC verifies; a file
that does not verify is a miss and costs one warning line per run, never an exception.

The secret is 32 random bytes, created on first use (mode 0600, in a 0700 folder) as
``cache-key`` in the user's state folder (``platformdirs.user_state_dir``, for example
``~/.local/state/content-audit/cache-key``); ``CONTENT_AUDIT_KEY_DIR`` names another folder (tests,
CI runners with a read-only home). A key that cannot be created or read, that another user owns,
that others may read, or that lies inside the checkout is not used: the caches are off for the run
(one warning line) and the run still succeeds. Each cache derives its own key from the secret,
its purpose, the project root and its namespace, so entries copied from another project, from an
older tool version or from the other cache do not verify either.

HMAC-SHA256 (``hmac.digest``, one call into OpenSSL per entry) is the MAC: the most reviewed
construction, and measured faster on this project's machines (CPUs with SHA extensions) than both
keyed BLAKE2b and the unkeyed BLAKE2b it replaces, so a warm run does not get slower.

The same module writes ``.gitignore`` (``*``) into the cache folder when it makes the folder, as
ruff, pytest and mypy do, so that ``git add .`` never stages a cache.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from audit.cache.keyfile import KEY_BYTES, KEY_DIR_ENV, KEY_FILE
from audit.cache.keyfile import inside as _inside
from audit.cache.keyfile import read_key as _read_key

_TAG_BYTES = 32
_DERIVE = b"content-audit cache key\x00"
GITIGNORE = "# Created by content-audit: caches are never committed.\n*\n"
# what an older content-audit left in a cache folder it made: such a folder may be marked too
_OWN_NAMES = frozenset({"parse", "examples"})

_secret: bytes | None = None
_secret_failed = False
_warned: set[str] = set()
_marked: set[Path] = set()


def warn(message: str) -> None:
    print(f"content-audit: warning: {message}", file=sys.stderr)


def warn_once(kind: str, message: str) -> None:
    """One line per kind of trouble and process (a CLI run), however many entries it hits."""
    if kind not in _warned:
        _warned.add(kind)
        warn(message)


def key_dir() -> Path:
    """The folder of the secret: ``CONTENT_AUDIT_KEY_DIR``, else the user's state folder."""
    chosen = os.environ.get(KEY_DIR_ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs  # the per-platform answer (XDG on Linux, Library on macOS, AppData)

    return Path(platformdirs.user_state_dir("content-audit", appauthor=False))


def key_path() -> Path:
    return key_dir() / KEY_FILE


def _create_key(path: Path) -> None:
    """Write a new secret under a temporary name and link it into place: two runs creating it
    at once agree on one key (the loser of the link reads the winner's)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    import tempfile  # on first write: it drags shutil, random, bz2, lzma in

    fd, tmp = tempfile.mkstemp(prefix=f".{KEY_FILE}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(os.urandom(KEY_BYTES).hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: a rename, unless one appeared
            if not os.path.lexists(path):
                os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _unusable(message: str) -> None:
    global _secret_failed
    _secret_failed = True
    warn_once("key", f"cache not used: {message}")


def secret(root: Path) -> bytes | None:
    """This user's secret, created on first use; None (after one warning) when unusable."""
    global _secret
    if _secret is not None or _secret_failed:
        return _secret
    try:
        path = key_path()
    except (OSError, RuntimeError, ValueError) as exc:  # RuntimeError: no home directory
        _unusable(f"no folder for the cache key: {exc}")
        return None
    if _inside(path, root):  # checked before creating it: a key the checkout holds is no secret
        _unusable(f"the cache key {path} would be inside the checkout {root}")
        return None
    try:
        try:
            _secret = _read_key(path)
        except FileNotFoundError:
            _create_key(path)
            _secret = _read_key(path)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        _unusable(f"cannot use the cache key {path}: {reason}")
    return _secret


class _Writer:
    """A file's ``write`` that also feeds every chunk to ``seen`` (the MAC of a streamed
    payload)."""

    __slots__ = ("_handle", "_seen")

    def __init__(self, handle: BinaryIO, seen: Callable[[bytes], None]) -> None:
        self._handle = handle
        self._seen = seen

    def write(self, chunk: bytes) -> int:
        self._seen(chunk)
        return self._handle.write(chunk)


class Seal:
    """The MAC of one cache: its own key, derived from the secret and what the cache is bound to."""

    MAGIC = b"content-audit-mac\x00"

    def __init__(self, key: bytes, label: str) -> None:
        self._key = key
        self.label = label  # the cache folder, for the warning

    def tag(self, data: bytes | memoryview) -> bytes:
        return hmac.digest(self._key, data, "sha256")

    def seal(self, payload: bytes) -> bytes:
        return self.MAGIC + self.tag(payload) + payload

    def write_sealed(self, handle: BinaryIO, produce: Callable[[_Writer], object]) -> None:
        """What ``seal`` gives for the payload ``produce`` writes, written as it is produced: a
        placeholder for the header, the payload (its MAC computed on the way), then the header
        in its place. The state file of a large tree is never one ``bytes`` in memory."""
        start = handle.tell()
        handle.write(bytes(len(self.MAGIC) + _TAG_BYTES))
        mac = hmac.new(self._key, digestmod="sha256")
        produce(_Writer(handle, mac.update))
        end = handle.tell()
        handle.seek(start)
        handle.write(self.MAGIC + mac.digest())
        handle.seek(end)

    def unseal_view(self, data: bytes) -> memoryview | None:
        """``unseal`` without copying the payload out of ``data``."""
        head = len(self.MAGIC) + _TAG_BYTES
        view = memoryview(data)
        if len(data) >= head and data.startswith(self.MAGIC):
            payload = view[head:]
            if hmac.compare_digest(self.tag(payload), data[len(self.MAGIC) : head]):
                return payload
        self.reject()
        return None

    def unseal(self, data: bytes) -> bytes | None:
        """The payload when its MAC verifies; otherwise None and the run's one warning."""
        head = len(self.MAGIC) + _TAG_BYTES
        if len(data) >= head and data.startswith(self.MAGIC):
            payload = data[head:]
            if hmac.compare_digest(self.tag(payload), data[len(self.MAGIC) : head]):
                return payload
        self.reject()
        return None

    def verify(self, data: bytes, tag_hex: object) -> bool:
        """``tag_hex`` (read from a file, so of any type) is the MAC of ``data``; if not, the
        run's one warning."""
        if isinstance(tag_hex, str):
            expected = self.tag(data).hex().encode("ascii")
            if hmac.compare_digest(expected, tag_hex.encode("utf-8", "replace")):
                return True
        self.reject()
        return False

    def reject(self) -> None:
        warn_once(
            "foreign",
            f"ignoring cache entries not written by this user's content-audit ({self.label})",
        )


def seal_for(purpose: str, root: Path, namespace: str, label: str) -> Seal | None:
    """The seal of one cache (``purpose`` "parse" or "examples") of the project at ``root``;
    None when there is no usable key (the cache is then not used)."""
    master = secret(root)
    if master is None:
        return None
    return derive_seal(master, purpose, root, namespace, label)


def peek_secret(where: Path) -> bytes | None:
    """The secret if it exists and is usable from ``where``, read without creating it, warning
    or remembering anything: the cached config (read before the project root is known) must not
    change when and how the parse cache reports an unusable key."""
    if _secret is not None:
        return _secret if not _inside(key_path(), where) else None
    try:
        path = key_path()
        if _inside(path, where):
            return None
        return _read_key(path)
    except (OSError, RuntimeError, ValueError):
        return None


def key_inside(root: Path) -> bool:
    try:
        return _inside(key_path(), root)
    except (OSError, RuntimeError, ValueError):
        return True


def derive_seal(master: bytes, purpose: str, root: Path, namespace: str, label: str) -> Seal:
    binding = "\x00".join([purpose, os.path.realpath(root), namespace]).encode("utf-8")
    key = hmac.digest(master, _DERIVE + binding, "sha256")
    return Seal(key, label)


def mark_ignored(folder: Path) -> None:
    """Create the cache folder with a ``.gitignore`` of ``*`` in it.

    An existing folder is marked only when it holds nothing but what content-audit puts there
    (a cache made before this rule): a ``cache_dir`` that names a shared folder such as ``.`` or
    ``build`` must not hide everything else in it from git.
    """
    if folder in _marked:
        return
    _marked.add(folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            folder.mkdir()
        except FileExistsError:
            if os.path.lexists(folder / ".gitignore"):
                return
            if not set(os.listdir(folder)) <= _OWN_NAMES:
                return
        with open(folder / ".gitignore", "x", encoding="utf-8") as handle:
            handle.write(GITIGNORE)
    except OSError:  # read-only, or another run wrote it first: the cache still works
        return
