"""Find the Markdown files of the knowledge base and read their bytes, once."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from audit.model.source import Source

MAX_FILE_BYTES = 64 * 1024 * 1024

if TYPE_CHECKING:  # a warm check passes the plain form (audit/model/plain_config.py)
    from audit.model.config import Config


@lru_cache(maxsize=64)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def matches(path: str, patterns: list[str]) -> bool:
    return any(_glob_regex(p).match(path) for p in patterns)


def digest_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def discover(config: Config, root: Path) -> list[Source]:
    """Every included Markdown file under the content root, sorted by path.

    Files that cannot be read are still returned (with ``read_error``) so that the rules can
    report them: a file that vanishes from the audit is worse than a file with a finding.
    """
    content = (root / config.content_root).resolve()
    sources = [_read(full, content, root) for full in discover_paths(config, root)]
    sources.sort(key=lambda s: s.path)
    return sources


def discover_paths(config: Config, root: Path) -> list[Path]:
    """The files ``discover`` reads, not read yet: the parse stage reads each one just before
    parsing it (in its worker with ``-j``), so the bytes of the whole tree are never held at
    once and never sent between processes. ``read_discovered`` reads one."""
    content = (root / config.content_root).resolve()
    paths: list[Path] = []
    if not content.is_dir():
        return paths
    for dirpath, dirnames, filenames in os.walk(content, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        folder = Path(dirpath)
        names = list(filenames)
        # a directory named "x.md" is reported, not walked as Markdown
        names.extend(d for d in dirnames if d.endswith(".md"))
        for name in sorted(names):
            if name.startswith("."):
                continue
            full = folder / name
            rel_to_content = full.relative_to(content).as_posix()
            if not matches(rel_to_content, config.include) or matches(
                rel_to_content, config.exclude
            ):
                continue
            paths.append(full)
    return paths


def read_discovered(full: Path, content: Path, root: Path) -> Source:
    """One file of ``discover_paths`` read exactly as ``discover`` reads it (``content``: the
    resolved content root, resolved once per run rather than once per file)."""
    return _read(full, content, root)


def _relpath(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def printable(text: str) -> str:
    """``text`` with the undecodable bytes of an OS path (lone surrogates) replaced by U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_source(path: Path, root: Path, content: Path | None = None) -> Source:
    """Read one file the way discovery does (used for explicitly named paths)."""
    return _read(path, (content or root).resolve(), root)


def _read(full: Path, content: Path, root: Path) -> Source:
    rel = _relpath(full.absolute(), root.resolve())
    abspath = str(full)

    def failed(code: str, message: str) -> Source:
        return Source(rel, abspath, None, "", read_error=printable(message), read_error_code=code)

    if printable(rel) != rel:  # undecodable bytes in a name: shown replaced, never crash a report
        rel = printable(rel)
        return failed("IO002", "file name is not valid UTF-8 (shown with U+FFFD); not read")

    if full.is_symlink():
        try:
            target = full.resolve(strict=True)
        except RuntimeError:
            return failed("IO004", "symlink loop")
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return failed("IO004", "symlink loop")
            return failed("IO004", f"dangling symlink ({exc.strerror})")
        if content != target and content not in target.parents:
            return failed("IO005", f"symlink points outside the content root: {target}")
    if full.is_dir():
        return failed("IO006", "a directory named like a Markdown file")
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer (regular files ignore it)
        fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK)
        with open(fd, "rb") as handle:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return failed("IO001", "not a regular file (a named pipe, socket or device)")
            if st.st_size > MAX_FILE_BYTES:
                return failed(
                    "IO007", f"file is {st.st_size} bytes, above the {MAX_FILE_BYTES} byte limit"
                )
            data = handle.read()
    except PermissionError:
        return failed("IO001", "permission denied")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return failed("IO004", "symlink loop")
        return failed("IO001", f"cannot read: {exc.strerror or exc}")
    return Source(rel, abspath, data, digest_of(data))
