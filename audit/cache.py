"""Incremental cache: parsed documents by content hash, and the findings of the last run.

Layout under ``<root>/<config.cache_dir>/parse/<namespace>/``, where the namespace is a hash of
the tool version (and the size and mtime of its modules), the Python and mistune versions and the
validated config, so that changing any of them starts from an empty cache instead of reading stale
entries (old namespaces are left behind; deleting the cache folder is always safe):

- ``docs/<k2>/<key>.pickle``: one parsed ``Document``, keyed by a hash of its path and content
  digest. Content-addressed: two runs that write the same key write the same bytes, and every
  write is atomic (temporary file + rename), so runs sharing the folder never see half a file.
- ``last-run.pickle``: the findings of the last full run with the fingerprint they were computed
  from (every file's path, size, mtime, inode and digest, and the existence of non-Markdown link
  targets). When nothing in the fingerprint changed, ``check`` answers from it without parsing.

Correctness does not rest on invalidation logic: the topic graph and the rules are recomputed
over all documents on every run that is not an exact fingerprint hit, so a removed heading, a
renamed file or a deleted task id can never leave a stale "anchor OK" behind. Unreadable,
truncated or foreign entries are treated as misses.
"""

from __future__ import annotations

import contextlib
import copyreg
import hashlib
import io
import operator
import os
import pickle
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit import __version__
from audit.atomic import write_bytes_atomic
from audit.errors import AuditError
from audit.model.config import Config
from audit.model.document import Document
from audit.model.finding import Finding
from audit.model.source import Source

FORMAT = 1
_MAGIC = b"content-audit-cache\x00"
# a file modified this close to the run that recorded it may change again within the same mtime
# tick: its stat is not trusted for the no-change shortcut (git's "racily clean" problem)
RACY_NS = 2_000_000_000

StatEntry = tuple[str, int, int, int]  # path, size, mtime_ns, inode


def _reducers() -> dict[type, Any]:
    """Pickle the model's slotted dataclasses as ``cls(*values)``.

    The default for slotted dataclasses calls ``dataclasses.fields()`` once per object when
    loading, which made unpickling cached documents slower than needed (profiled: 75 % of a
    warm load).
    """
    import dataclasses

    from audit.model import document, finding, span

    table: dict[type, Any] = dict(copyreg.dispatch_table)
    for module in (document, finding, span):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and dataclasses.is_dataclass(value)
                and value.__module__ == module.__name__
            ):
                names = [f.name for f in dataclasses.fields(value)]
                getter = operator.attrgetter(*names)

                def reduce(obj: Any, cls: type = value, get: Any = getter) -> tuple[Any, ...]:
                    return cls, get(obj)

                table[value] = reduce
    return table


_DISPATCH = _reducers()


def dumps(obj: object) -> bytes:
    """``pickle.dumps`` with fast reducers for the model's dataclasses."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(obj)
    return buffer.getvalue()


def code_fingerprint() -> str:
    """Size and mtime of every module of the package: an edited parser or rule (same version
    number, as during development) must not be answered from entries the old code made."""
    package = Path(__file__).resolve().parent
    parts = []
    for folder, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))
                parts.append(
                    f"{os.path.relpath(os.path.join(folder, name), package)}:"
                    f"{st.st_size}:{st.st_mtime_ns}"
                )
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=12).hexdigest()


def namespace(config: Config) -> str:
    """Tool version (and code), Python, mistune and the validated config."""
    import mistune

    text = "\n".join(
        [
            str(FORMAT),
            __version__,
            code_fingerprint(),
            sys.version,
            str(mistune.__version__),
            config.model_dump_json(),
        ]
    )
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def _seal(payload: bytes) -> bytes:
    return _MAGIC + hashlib.blake2b(payload, digest_size=16).digest() + payload


def _unseal(data: bytes) -> bytes | None:
    head = len(_MAGIC) + 16
    if len(data) < head or not data.startswith(_MAGIC):
        return None
    payload = data[head:]
    if hashlib.blake2b(payload, digest_size=16).digest() != data[len(_MAGIC) : head]:
        return None
    return payload


@dataclass
class RunRecord:
    """What the last full run saw and found."""

    stats: list[StatEntry]
    digests: list[tuple[str, str]]
    extra_paths: list[tuple[str, bool]]  # non-Markdown link targets and whether they existed
    stages: tuple[str, ...]
    findings: list[Finding]
    documents: list[str]


class ParseCache:
    """Documents by (path, content digest), plus the last run's findings."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root
        self.config = config
        self.dir = root / config.cache_dir / "parse" / namespace(config)
        self.hits = 0
        self.misses = 0

    # ------------------------------------------------------------- documents
    @staticmethod
    def key(source: Source) -> str:
        text = f"{source.path}\x00{source.digest}".encode()
        return hashlib.blake2b(text, digest_size=16).hexdigest()

    def _doc_path(self, key: str) -> Path:
        return self.dir / "docs" / key[:2] / f"{key}.pickle"

    def get(self, source: Source) -> Document | None:
        if source.data is None:
            return None
        try:
            data = self._doc_path(self.key(source)).read_bytes()
        except OSError:
            self.misses += 1
            return None
        doc = self._load_doc(data, source)
        if doc is None:
            self.misses += 1
        else:
            self.hits += 1
        return doc

    @staticmethod
    def _load_doc(data: bytes, source: Source) -> Document | None:
        payload = _unseal(data)
        if payload is None:
            return None
        try:
            doc = pickle.loads(payload)
        except Exception:  # a damaged entry is a miss, never a crash
            return None
        if not isinstance(doc, Document) or doc.path != source.path or doc.digest != source.digest:
            return None
        return doc

    def put(self, source: Source, pickled: bytes) -> None:
        """Store one document given as ``dumps(document)``; failures only cost speed."""
        if source.data is None:
            return
        with contextlib.suppress(AuditError):
            write_bytes_atomic(self._doc_path(self.key(source)), _seal(pickled), fsync=False)

    # ------------------------------------------------------------ last run
    @property
    def _run_path(self) -> Path:
        return self.dir / "last-run.pickle"

    def load_run(self) -> RunRecord | None:
        try:
            payload = _unseal(self._run_path.read_bytes())
        except OSError:
            return None
        if payload is None:
            return None
        try:
            record = pickle.loads(payload)
        except Exception:
            return None
        return record if isinstance(record, RunRecord) else None

    def save_run(
        self,
        sources: Sequence[Source],
        extra_paths: Iterable[tuple[str, bool]],
        stages: Sequence[str],
        findings: Sequence[Finding],
        documents: Sequence[str],
        started_ns: int,
    ) -> None:
        stats: list[StatEntry] = []
        for source in sources:
            entry = _stat_entry(source.path, source.abspath)
            # a racily-clean or unreadable file disables the shortcut until it settles
            if entry is None or source.data is None or entry[2] >= started_ns - RACY_NS:
                stats = []
                break
            stats.append(entry)
        record = RunRecord(
            stats,
            [(s.path, s.digest) for s in sources],
            sorted(set(extra_paths)),
            tuple(stages),
            list(findings),
            list(documents),
        )
        with contextlib.suppress(AuditError):
            write_bytes_atomic(self._run_path, _seal(dumps(record)), fsync=False)

    def unchanged_run(self, stages: Sequence[str]) -> RunRecord | None:
        """The last run's record when no input changed since (checked by ``stat`` only)."""
        record = self.load_run()
        if record is None or not record.stats or record.stages != tuple(stages):
            return None
        current = walk_stats(self.config, self.root)
        if current is None or current != record.stats:
            return None
        for rel, existed in record.extra_paths:
            if (self.root / rel).exists() != existed:
                return None
        return record


def _stat_entry(rel: str, abspath: str) -> StatEntry | None:
    try:
        st = os.stat(abspath, follow_symlinks=False)
    except OSError:
        return None
    if not os.path.isfile(abspath) or os.path.islink(abspath):
        return None
    return rel, st.st_size, st.st_mtime_ns, st.st_ino


def walk_stats(config: Config, root: Path) -> list[StatEntry] | None:
    """The (path, size, mtime, inode) of every file discovery would read, without reading.

    Mirrors ``audit.discover.discover``'s walk; anything unusual (a symlink, a directory named
    like Markdown) returns None so that the caller takes the full path.
    """
    from audit.discover import matches

    content = (root / config.content_root).resolve()
    if not content.is_dir():
        return None
    root_resolved = root.resolve()
    out: list[StatEntry] = []
    for dirpath, dirnames, filenames in os.walk(content, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if any(d.endswith(".md") for d in dirnames):
            return None
        for name in filenames:
            if name.startswith("."):
                continue
            full = os.path.join(dirpath, name)
            rel_to_content = os.path.relpath(full, content).replace(os.sep, "/")
            if not matches(rel_to_content, config.include) or matches(
                rel_to_content, config.exclude
            ):
                continue
            try:
                rel = Path(full).absolute().relative_to(root_resolved).as_posix()
            except ValueError:
                return None
            entry = _stat_entry(rel, full)
            if entry is None:
                return None
            out.append(entry)
    out.sort()
    return out


def now_ns() -> int:
    return time.time_ns()
