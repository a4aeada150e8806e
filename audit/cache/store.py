"""Incremental cache: parsed documents by content hash, and the state of the last run.

Layout under ``<root>/<config.cache_dir>/parse/<namespace>/``, where the namespace is a hash of
the tool version (and the size and mtime of its modules), the Python and mistune versions and the
validated config, so that changing any of them starts from an empty cache instead of reading stale
entries (old namespaces are left behind; deleting the cache folder is always safe):

- ``packs/<run>.pack``: the documents one run parsed, pickled one after the other into a single
  file (one ``open`` per run instead of one per document). Each document is sealed on its own
  (magic + MAC), so a damaged byte costs that document, not the pack. A pack is written under a
  temporary name as the documents come (none is held in memory until the end of the run) and
  renamed: concurrent runs write different packs and never see half of one.
- ``state.pickle``: the last run's ``State``: for every file its stat, content digest, where its
  parsed document is, the facts other files read from it (anchors, task declarations), the
  dependency keys its own findings read, and those findings (of ``scope="file"`` rules), plus the
  findings of the global rules with a digest of the facts they read. Written atomically; when two
  runs share the folder the last one wins, and either state is whole and self-consistent.

Trust: the folder is inside the checkout, so a repository can plant files in it. Every entry is
sealed with a MAC under this user's secret (``audit/cache/folder.py``), bound to the project root
and the namespace, and nothing is unpickled before its MAC verifies: a planted, copied or damaged
entry is a miss (one warning line per run), never code. Without a usable key the cache is off.
The folder gets a ``.gitignore`` of ``*`` when it is made.

Correctness does not rest on the stat shortcut: a file whose stat is not trusted (changed,
or modified within two seconds of the run that recorded it) is read and hashed again. What is
re-checked after an edit is decided in ``audit/cache/incremental.py``. Unreadable, truncated
or foreign entries are misses; a pack another run deleted is a miss.
"""

from __future__ import annotations

import contextlib
import copyreg
import functools
import hashlib
import importlib.util
import io
import operator
import os
import pickle
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit import __version__
from audit.atomic import write_bytes_atomic
from audit.cache.folder import Seal, mark_ignored, seal_for
from audit.cache.inputs import code_fingerprint
from audit.errors import AuditError
from audit.model.compact import SharedStrings
from audit.model.finding import Finding
from audit.model.plain_config import config_digest
from audit.model.source import Source
from audit.model.span import Span

if TYPE_CHECKING:
    from audit.model.config import Config
    from audit.model.document import Document

FORMAT = 4  # 3: entries sealed with a MAC (audit/cache/folder.py); 4: the requirements file
# a file modified this close to the run that recorded it may change again within the same mtime
# tick: its stat is not trusted for the no-change shortcut (git's "racily clean" problem)
RACY_NS = 2_000_000_000
# a pack no state refers to is deleted once it is this old (a concurrent run may still read it)
PACK_GRACE_NS = 600 * 1_000_000_000

StatEntry = tuple[str, int, int, int]  # path, size, mtime_ns, inode
Stat = tuple[int, int, int]  # size, mtime_ns, inode
DocRef = tuple[str, int, int]  # pack name, offset, length
Declaration = tuple[str, Span, str]  # task id, span, "file" | "heading"


def _reducers() -> dict[type, Any]:
    """Pickle the model's slotted dataclasses as ``cls(*values)``.

    The default for slotted dataclasses calls ``dataclasses.fields()`` once per object when
    loading, which made unpickling cached documents slower than needed (profiled: 75 % of a
    warm load).
    """
    import dataclasses

    from audit.model import document, finding, problem, span

    table: dict[type, Any] = dict(copyreg.dispatch_table)
    for module in (document, finding, problem, span):
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


@functools.cache
def _dispatch() -> dict[type, Any]:
    """Built on the first ``dumps``: a warm run that writes nothing never loads the document
    model."""
    return _reducers()


def dumps(obj: object) -> bytes:
    """``pickle.dumps`` with fast reducers for the model's dataclasses."""
    buffer = io.BytesIO()
    dump_to(obj, buffer)
    return buffer.getvalue()


def dump_to(obj: object, file: Any) -> None:
    """``dumps`` into anything with a ``write`` (pickle writes 64 KiB frames as it goes)."""
    pickler = pickle.Pickler(file, protocol=5)
    pickler.dispatch_table = _dispatch()
    pickler.dump(obj)


def _mistune_fingerprint() -> str:
    """mistune's version without importing it (a warm ``check`` may never need mistune)."""
    if "mistune" in sys.modules:
        return str(getattr(sys.modules["mistune"], "__version__", ""))
    spec = importlib.util.find_spec("mistune")
    origin = spec.origin if spec is not None else None
    if not origin:
        return ""
    with contextlib.suppress(OSError):
        text = Path(origin).read_text(encoding="utf-8")
        for line in text.splitlines():
            if line.startswith("__version__"):
                return line.split("=", 1)[1].strip().strip("\"'")
    return origin


def namespace(config: Config) -> str:
    """Tool version (and code), Python, mistune and the validated config."""
    text = "\n".join(
        [
            str(FORMAT),
            __version__,
            code_fingerprint(),
            sys.version,
            _mistune_fingerprint(),
            config_digest(config),  # the same for the model and its plain form
        ]
    )
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


@dataclass(slots=True)
class FileEntry:
    """What the last run knew about one file."""

    path: str
    stat: Stat | None  # None: not trusted (racily clean or unreadable): read and hash again
    digest: str
    anchors: frozenset[str]
    declares: tuple[Declaration, ...]
    refs: frozenset[str]  # dependency keys of this file's findings (see audit/cache/incremental.py)
    findings: tuple[Finding, ...]  # of the scope="file" rules, after the config's policy
    fragment: str  # digest of what the global rules read from this file
    doc: DocRef | None = None  # where the parsed document is


@dataclass
class State:
    """What the last run saw and found."""

    stages: tuple[str, ...]
    entries: dict[str, FileEntry]
    existence: dict[str, bool]  # non-document link targets and whether they existed
    global_digest: str
    global_findings: list[Finding]
    started_ns: int
    stats_complete: bool = True  # every file was found by the stat walk (no unusual paths)
    loose: list[Finding] = field(default_factory=list)  # file findings outside any document
    # what this run did (for tests and diagnostics): files whose file-scope rules ran, whether
    # the global rules ran ("full": everything, as after a cold start)
    rechecked: tuple[str, ...] = ()
    global_ran: bool = True
    requirements: str = ""  # which requirements file the tracker findings measured against


def share_strings(state: State) -> None:
    """One string object per distinct anchor and dependency key across the state's entries.

    Most keys repeat: every file that links to a section holds the key of that section. Each
    was its own object, and pickle shares only what is the same object, so the state held (and
    wrote, and every warm run read back) each copy (at 1,000 files 8,765 keys, 3,379 distinct).
    Equal strings made one object are pickled once and come back as one.
    """
    seen: dict[str, str] = {}
    share = seen.setdefault

    def shared(keys: frozenset[str]) -> frozenset[str]:
        # a state read back from its file shares its strings already: keep its sets (making
        # them again was 30 MB of new sets at 20,000 files, in the warm run's peak)
        for key in keys:
            if share(key, key) is not key:
                return frozenset([share(k, k) for k in keys])
        return keys

    for entry in state.entries.values():
        entry.anchors = shared(entry.anchors)
        entry.refs = shared(entry.refs)


class ParseCache:
    """Documents by (path, content digest), plus the last run's state."""

    def __init__(self, root: Path, config: Config) -> None:
        self.root = root
        self.config = config
        self.folder = root / config.cache_dir
        space = namespace(config)
        self.dir = self.folder / "parse" / space
        # None: no usable key, the cache is neither read nor written this run
        self.seal: Seal | None = seal_for("parse", root, space, config.cache_dir)
        self.hits = 0
        self.misses = 0
        # path -> (digest, offset, length) in the pack being written
        self._pending: dict[str, tuple[str, int, int]] = {}
        self._pack: _PackWriter | None = None
        self._refs: dict[str, tuple[str, DocRef]] | None = None  # path -> (digest, location)
        self.written: dict[str, DocRef] = {}  # what flush() stored this run
        # this run's documents share their equal strings, whether parsed or loaded here
        self.strings = SharedStrings()

    # ------------------------------------------------------------- documents
    @staticmethod
    def key(source: Source) -> str:
        text = f"{source.path}\x00{source.digest}".encode()
        return hashlib.blake2b(text, digest_size=16).hexdigest()

    @property
    def _packs(self) -> Path:
        return self.dir / "packs"

    def _known(self) -> dict[str, tuple[str, DocRef]]:
        if self._refs is None:
            self._refs = {}
            state = self.load_state()
            if state is not None:
                for path, entry in state.entries.items():
                    if entry.doc is not None:
                        self._refs[path] = (entry.digest, entry.doc)
        return self._refs

    def use_state(self, state: State) -> None:
        """Take document locations from an already loaded state (saves reading it twice)."""
        self._refs = {p: (e.digest, e.doc) for p, e in state.entries.items() if e.doc is not None}

    def get(self, source: Source) -> Document | None:
        if source.data is None:
            return None
        return self.get_by(source.path, source.digest)

    def get_by(self, path: str, digest: str) -> Document | None:
        doc = self._load(path, digest)
        if doc is None:
            self.misses += 1
        else:
            self.hits += 1
        return doc

    def _load(self, path: str, digest: str) -> Document | None:
        pending = self._pending_blob(path, digest)
        if pending is not None:
            return self._load_doc(pending, path, digest)
        known = self._known().get(path)
        if known is None or known[0] != digest:
            return None
        name, offset, length = known[1]
        try:
            with open(self._packs / name, "rb") as handle:
                handle.seek(offset)
                data = handle.read(length)
        except OSError:
            return None
        return self._load_doc(data, path, digest)

    def get_many(self, wanted: Iterable[tuple[str, str]]) -> dict[str, Document]:
        """Several documents at once: each pack is opened once, read in offset order."""
        by_pack: dict[str, list[tuple[int, int, str, str]]] = {}
        out: dict[str, Document] = {}
        known = self._known()
        for path, digest in wanted:
            pending = self._pending_blob(path, digest)
            if pending is not None:
                doc = self._load_doc(pending, path, digest)
                if doc is not None:
                    out[path] = doc
                continue
            ref = known.get(path)
            if ref is not None and ref[0] == digest:
                name, offset, length = ref[1]
                by_pack.setdefault(name, []).append((offset, length, path, digest))
        for name, items in by_pack.items():
            items.sort()
            try:
                with open(self._packs / name, "rb") as handle:
                    for offset, length, path, digest in items:
                        handle.seek(offset)
                        doc = self._load_doc(handle.read(length), path, digest)
                        if doc is not None:
                            out[path] = doc
            except OSError:
                continue
        self.hits += len(out)
        return out

    def _load_doc(self, data: bytes, path: str, digest: str) -> Document | None:
        payload = self.seal.unseal(data) if self.seal is not None else None
        if payload is None:
            return None
        try:
            doc = pickle.loads(payload)  # written by this user's content-audit: the MAC verified
        except Exception:  # a bug, not an attack: still a miss, never a crash
            return None
        from audit.model.document import Document

        if not isinstance(doc, Document) or doc.path != path or doc.digest != digest:
            return None
        return self.strings.share(doc)

    def knows(self, path: str, digest: str) -> bool:
        """Whether a document of this (path, digest) is in the cache (no file is read)."""
        known = self._known().get(path)
        pending = self._pending.get(path)
        return (known is not None and known[0] == digest) or (
            pending is not None and pending[0] == digest
        )

    def knows_any(self) -> bool:
        return bool(self._known() or self._pending)

    def put(self, source: Source, pickled: bytes) -> None:
        """Store one document given as ``dumps(document)`` in this run's pack."""
        if source.data is not None:
            self.put_parsed(source.path, source.digest, pickled)

    def put_parsed(self, path: str, digest: str, pickled: bytes) -> None:
        """``put`` for a document a worker parsed (it sends the path, digest and pickle)."""
        if self.seal is None:
            return
        if self._pack is None:
            mark_ignored(self.folder)
            self._pack = _PackWriter(self._packs)
        place = self._pack.append(self.seal.seal(pickled))
        if place is not None:
            self._pending[path] = (digest, *place)

    def _pending_blob(self, path: str, digest: str) -> bytes | None:
        pending = self._pending.get(path)
        if pending is None or pending[0] != digest or self._pack is None:
            return None
        return self._pack.read(pending[1], pending[2])

    def flush(self) -> dict[str, DocRef]:
        """Finish this run's pack (renamed into place); returns path -> location. Failures only
        cost speed (the documents are parsed again next time)."""
        pack, self._pack = self._pack, None
        pending, self._pending = self._pending, {}
        if pack is None or not pending or not pack.commit():
            if pack is not None:
                pack.discard()
            return {}
        located = {path: (pack.name, place[1], place[2]) for path, place in pending.items()}
        known = self._known()
        for path, ref in located.items():
            known[path] = (pending[path][0], ref)
        self.written.update(located)
        return located

    # ------------------------------------------------------------------ state
    @property
    def _state_path(self) -> Path:
        return self.dir / "state.pickle"

    def load_state(self) -> State | None:
        if self.seal is None:
            return None
        try:
            payload = self.seal.unseal_view(self._state_path.read_bytes())
        except OSError:
            return None
        if payload is None:
            return None
        try:
            state = pickle.loads(payload)  # the MAC verified
        except Exception:
            return None
        return state if isinstance(state, State) else None

    def save_state(self, state: State) -> None:
        if self.seal is None:
            return
        mark_ignored(self.folder)
        share_strings(state)
        seal = self.seal
        with contextlib.suppress(AuditError):
            write_bytes_atomic(
                self._state_path,
                lambda handle: seal.write_sealed(handle, lambda out: dump_to(state, out)),
                fsync=False,
            )
        self._collect(state)

    def _collect(self, state: State) -> None:
        """Delete packs the saved state no longer refers to, once past the grace period."""
        live = {e.doc[0] for e in state.entries.values() if e.doc is not None}
        limit = time.time_ns() - PACK_GRACE_NS
        with contextlib.suppress(OSError):
            for item in os.scandir(self._packs):
                # a pack no state refers to, or one a killed run left unfinished
                if (item.name.endswith(".pack") and item.name not in live) or (
                    item.name.startswith(".") and item.name.endswith(PACK_TMP_SUFFIX)
                ):
                    with contextlib.suppress(OSError):
                        if item.stat().st_mtime_ns < limit:
                            os.unlink(item.path)

    def unchanged_run(self, stages: Iterable[str]) -> State | None:
        """The last run's state when no input changed since (checked by ``stat`` only)."""
        state = self.load_state()
        if state is None or state.stages != tuple(stages) or not state.stats_complete:
            return None
        current = walk_stats(self.config, self.root)
        if current is None or len(current) != len(state.entries):
            return None
        for path, size, mtime, inode in current:
            entry = state.entries.get(path)
            if entry is None or entry.stat != (size, mtime, inode):
                return None
        for rel, existed in state.existence.items():
            if (self.root / rel).exists() != existed:
                return None
        return state


PACK_TMP_SUFFIX = ".pack.tmp"


class _PackWriter:
    """The pack of one run, written as the documents come: each sealed document is appended to
    a temporary file in the packs folder, and ``commit`` renames it into place.

    Holding every document's bytes until the end of the run was 400 MB of a cold 20,000-file
    ``check``. A run killed before the rename leaves a temporary file that no state names (the
    next runs delete it after the grace period), never half a pack under a pack's name. Any
    ``OSError`` turns the writer off for the run: the documents are parsed again next time.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name = f"{time.time_ns():x}-{os.getpid()}-{os.urandom(4).hex()}.pack"
        self._tmp = folder / f".{self.name}.tmp"  # ends with PACK_TMP_SUFFIX
        self._handle: io.BufferedWriter | None = None
        self._size = 0
        self._broken = False

    def append(self, blob: bytes) -> tuple[int, int] | None:
        """Where ``blob`` now is (offset, length), or None when the pack cannot be written."""
        if self._broken:
            return None
        try:
            if self._handle is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                fd = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                self._handle = open(fd, "wb")  # noqa: SIM115 (kept open for the run)
            self._handle.write(blob)
        except OSError:
            self.discard()
            return None
        offset = self._size
        self._size += len(blob)
        return offset, len(blob)

    def read(self, offset: int, length: int) -> bytes | None:
        """A document appended earlier in this run (the incremental run may ask for one)."""
        if self._handle is None:
            return None
        try:
            self._handle.flush()
            with open(self._tmp, "rb") as handle:
                handle.seek(offset)
                return handle.read(length)
        except OSError:
            return None

    def commit(self) -> bool:
        if self._handle is None or self._broken:
            return False
        try:
            self._handle.close()
            os.replace(self._tmp, self.folder / self.name)
        except OSError:
            self.discard()
            return False
        self._handle = None
        return True

    def discard(self) -> None:
        self._broken = True
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.close()
            self._handle = None
        with contextlib.suppress(OSError):
            os.unlink(self._tmp)


def trusted_stat(entry: StatEntry | None, started_ns: int) -> Stat | None:
    """The stat to record for a file, or None when it was modified too close to the run."""
    if entry is None or entry[2] >= started_ns - RACY_NS:
        return None
    return entry[1], entry[2], entry[3]


def stat_entry(rel: str, abspath: str) -> StatEntry | None:
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
    like Markdown, a name that is not UTF-8) returns None so that the caller takes the full path.
    One ``lstat`` per file (from ``scandir``), paths built as strings: this is the whole cost of
    a warm ``check`` that finds nothing changed.
    """
    from audit.discover import matches

    content = (root / config.content_root).resolve()
    if not content.is_dir():
        return None
    try:
        prefix = content.relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    prefix = "" if prefix == "." else prefix + "/"
    include, exclude = config.include, config.exclude
    out: list[StatEntry] = []
    stack: list[tuple[str, str]] = [(str(content), "")]
    while stack:
        folder, rel_folder = stack.pop()
        try:
            items = list(os.scandir(folder))
        except OSError:
            return None
        for item in items:
            name = item.name
            if name.startswith("."):
                continue
            try:
                if item.is_symlink():
                    rel_to_content = rel_folder + name
                    if name.endswith(".md") or (
                        matches(rel_to_content, include) and not matches(rel_to_content, exclude)
                    ):
                        return None  # a symlinked page: discovery's own rules (IO004/IO005)
                    continue  # discovery does not follow other symlinks either
                if item.is_dir(follow_symlinks=False):
                    if name.endswith(".md"):
                        return None
                    stack.append((item.path, rel_folder + name + "/"))
                    continue
                rel_to_content = rel_folder + name
                if not matches(rel_to_content, include) or matches(rel_to_content, exclude):
                    continue
                if not item.is_file(follow_symlinks=False):
                    return None
                st = item.stat(follow_symlinks=False)
            except OSError:
                return None
            rel = prefix + rel_to_content
            if printable_path(rel) != rel:
                return None
            out.append((rel, st.st_size, st.st_mtime_ns, st.st_ino))
    out.sort()
    return out


def printable_path(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def now_ns() -> int:
    return time.time_ns()
