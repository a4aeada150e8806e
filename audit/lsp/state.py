"""The knowledge base held in memory for the server and the watch loop.

Every document is parsed once at start; an edit re-parses that one document (from the editor's
buffer when it is open, from disk otherwise) and re-runs the file-scope rules on it and on the
files that read a fact it changed, found through the same dependency keys as the incremental
``check`` (``audit/cache/incremental.py``: ``f:P``, ``a:P#A``, ``A:P``, ``t:ID``). Global rules
and the tracker stage (claims, counts, statuses; examples are never run here) read the whole
graph, so they run in a second, slower pass that the server debounces. Nothing here writes the
on-disk cache: an unsaved buffer must never become the state the next ``check`` trusts.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from audit.cache.incremental import Index, IndexGraph, declarations, fragment, refs_of
from audit.config import LoadedConfig, load_config
from audit.discover import digest_of, discover, matches, read_source
from audit.graph.build import TaskDeclaration, TopicGraph, build_graph
from audit.lsp.positions import Lines
from audit.model.config import Config
from audit.model.document import Document
from audit.model.finding import Finding
from audit.model.source import Source

if TYPE_CHECKING:
    from audit.model.coverage import Coverage
    from audit.model.tracker import Tracker

Log = Callable[[str], None]
MAX_LIVE_CHARS = 4 * 1024 * 1024  # a bigger buffer is checked from disk, on save
_DOCS_DIR = re.compile(r"^docs_dir:\s*['\"]?([^'\"#\s]+)", re.MULTILINE)


def load_project(folder: Path) -> LoadedConfig:
    """The project of a workspace folder, found like the CLI finds it (content-audit.yaml or
    ``[tool.content-audit]`` from the folder upward); without a config, an ``mkdocs.yml`` in the
    folder names the content root (its ``docs_dir``, ``docs`` by default). The line is read with
    a regular expression: mkdocs files often carry ``!!python`` tags that must not be loaded."""
    loaded = load_config(cwd=folder)
    if loaded.source is not None:
        return loaded
    mkdocs = folder / "mkdocs.yml"
    if mkdocs.is_file():
        try:
            text = mkdocs.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return loaded
        match = _DOCS_DIR.search(text)
        root = match.group(1) if match else "docs"
        return LoadedConfig(Config(content_root=root), folder.resolve(), None)
    return loaded


@dataclass
class FileState:
    doc: Document
    refs: frozenset[str] = frozenset()
    findings: list[Finding] = field(default_factory=list)
    fragment: str = ""


@dataclass
class GlobalResult:
    graph: TopicGraph
    global_findings: list[Finding]
    trackers: list[Tracker]
    coverage: Coverage | None
    tracker_findings: list[Finding]


@dataclass
class Timing:
    parsed: int = 0
    rechecked: int = 0
    seconds: float = 0.0


class State:
    """Documents, their file-scope findings, the global and tracker findings, and what is open."""

    def __init__(self, loaded: LoadedConfig, log: Log | None = None) -> None:
        self.loaded = loaded
        self.config = loaded.config
        self.root = loaded.root.resolve()
        self.content = (self.root / self.config.content_root).resolve()
        self.prefix = self.config.content_root.strip("/")
        self.log: Log = log or (lambda _line: None)
        self.files: dict[str, FileState] = {}
        self.anchors: dict[str, frozenset[str]] = {}
        self.declared: dict[str, list[TaskDeclaration]] = {}
        self.index = Index(self.root, self.anchors, self.declared)
        self.open_texts: dict[str, str] = {}  # path -> the editor's text of open documents
        self.global_findings: list[Finding] = []
        self.tracker_findings: list[Finding] = []
        self.global_by_path: dict[str, list[Finding]] = {}  # both lists above, by file
        self.graph: TopicGraph | None = None
        self.trackers: list[Tracker] = []
        self.coverage: Coverage | None = None
        self.global_dirty = True
        self.last = Timing()
        self._disk_lines: dict[str, tuple[str, Lines]] = {}
        self._trackers: dict[str, tuple[Document, frozenset[str], Tracker]] = {}
        self.generation = 0  # counts edits: a global pass on an older snapshot is redone
        self._declares: dict[str, tuple[tuple[str, object, str], ...]] = {}

    # ---------------------------------------------------------------- paths
    def path_of(self, absolute: Path) -> str | None:
        """Project-relative path of a file when it is a document of the knowledge base."""
        try:
            inside = absolute.resolve().relative_to(self.content).as_posix()
        except (ValueError, OSError):
            return None
        if not matches(inside, self.config.include) or matches(inside, self.config.exclude):
            return None
        if any(part.startswith(".") for part in inside.split("/")):
            return None
        return (Path(self.prefix) / inside).as_posix() if self.prefix else inside

    def relative(self, absolute: Path) -> str | None:
        """Project-relative path of any file under the root (for non-document link targets)."""
        try:
            return absolute.resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError):
            return None

    def source_of(self, path: str, text: str) -> Source:
        data = text.encode("utf-8", "replace")
        return Source(path, str(self.root / path), data, digest_of(data))

    def disk_changes(self, paths: Iterable[Path]) -> tuple[dict[str, Source | None], set[str]]:
        """What changed on disk among ``paths``: new sources (None: gone) of known or matching
        files whose content differs, and other touched files (images, folders) that links may
        name. A file open in the editor is skipped: its buffer wins until it is closed."""
        changes: dict[str, Source | None] = {}
        touched: set[str] = set()
        for absolute in paths:
            path = self.path_of(absolute)
            if path is None:
                rel = self.relative(absolute)
                if rel is not None and not rel.startswith(".") and "/." not in rel:
                    touched.add(rel)
                continue
            if path in self.open_texts:
                continue
            source = self.disk_source(path)
            known = self.files.get(path)
            if source is not None and known is not None and known.doc.digest == source.digest:
                continue
            changes[path] = source
        return changes, touched

    def disk_source(self, path: str) -> Source | None:
        full = self.root / path
        if not full.exists() and not full.is_symlink():
            return None
        return read_source(full, self.root, self.content)

    # ---------------------------------------------------------------- loading
    def load(self, jobs: int = 1, freeze: bool = False) -> None:
        """Parse everything on disk and run every check once.

        With ``freeze``, the parsed documents are moved out of the cyclic collector's reach
        (``gc.freeze``) before the first global pass: they live as long as the server, and full
        collections walking them landed inside edits at random. Only the documents are frozen:
        they hold no reference cycles, so a replaced one is still freed by reference counting,
        while the graphs of the global passes (networkx caches views that point back at their
        graph) must stay collectable: freezing those after every pass grew the server to 8 GB
        on 5,000 files."""
        from audit.pipeline import gc_paused, parse_all

        started = time.perf_counter()
        with gc_paused():
            sources = discover(self.config, self.root)
            documents = parse_all(sources, self.config, jobs)
            self.files = {d.path: FileState(d) for d in documents}
            self.anchors.clear()
            self.anchors.update({d.path: frozenset(d.anchors()) for d in documents})
            self._rebuild_declared()
            self._recheck(set(self.files))
            for state in self.files.values():
                state.fragment = fragment(state.doc, self.prefix)
            if freeze:
                import gc

                gc.collect()
                gc.freeze()
            self.global_dirty = True
            self.run_global()
        self.last = Timing(len(documents), len(documents), time.perf_counter() - started)

    def _rebuild_declared(self, changed: Iterable[str] | None = None) -> None:
        """The task id → declarations index; with ``changed``, only the ids those files
        declared before or declare now are recomputed (a full rebuild per keystroke cost a
        third of an edit's time on 1,000 files)."""
        if changed is None:
            self._declares = {p: declarations(s.doc) for p, s in self.files.items()}
            ids: set[str] | None = None
        else:
            ids = set()
            for path in changed:
                ids.update(d[0] for d in self._declares.pop(path, ()))
                state = self.files.get(path)
                if state is not None:
                    self._declares[path] = declarations(state.doc)
                    ids.update(d[0] for d in self._declares[path])
        if ids is None:
            self.declared.clear()
            wanted = None
        else:
            for task_id in ids:
                self.declared.pop(task_id, None)
            wanted = ids
        for path in sorted(self._declares):
            for task_id, span, by in self._declares[path]:
                if wanted is not None and task_id not in wanted:
                    continue
                self.declared.setdefault(task_id, []).append(
                    TaskDeclaration(task_id, path, span, by)  # type: ignore[arg-type]
                )
        self.index = Index(self.root, self.anchors, self.declared)

    # ---------------------------------------------------------------- edits
    def update(self, changes: dict[str, Source | None], touched: Iterable[str] = ()) -> set[str]:
        """Apply new contents (None = the file is gone) and re-check what they affect.

        ``touched`` names non-document files created or deleted (a link target such as an
        image). Returns the documents whose file-scope findings were recomputed, the edited
        ones included; global findings wait for ``run_global``."""
        from audit.parse.markdown import parse

        started = time.perf_counter()
        keys: set[str] = {"f:" + p for p in touched}
        old_ids = set(self.declared)
        parsed: set[str] = set()
        for path, source in changes.items():
            before = self.anchors.get(path)
            previous = self.files.get(path)
            if source is None:
                self.files.pop(path, None)
                self.anchors.pop(path, None)
                after = None
            else:
                try:
                    doc = parse(source, self.config)
                except Exception as exc:  # the parser promises no exception; keep serving
                    self.log(f"content-audit: cannot parse {path}: {type(exc).__name__}: {exc}")
                    continue
                state = FileState(doc, fragment=fragment(doc, self.prefix))
                if previous is not None:
                    state.refs, state.findings = previous.refs, previous.findings
                self.files[path] = state
                after = frozenset(doc.anchors())
                self.anchors[path] = after
                parsed.add(path)
                if previous is None or previous.fragment != state.fragment:
                    self.global_dirty = True
            if (before is None) != (after is None):
                keys.add("f:" + path)
                self.global_dirty = True
            if before != after:
                keys.add("A:" + path)
                keys.update(
                    f"a:{path}#{a}" for a in (before or frozenset()) ^ (after or frozenset())
                )
        self.generation += 1
        self._rebuild_declared(changes)
        keys.update("t:" + i for i in old_ids.symmetric_difference(self.declared))
        affected = set(parsed)
        if keys:
            affected.update(p for p, s in self.files.items() if not s.refs.isdisjoint(keys))
        if changes or touched:
            self.global_dirty = True  # tracker claims read prose and Q&A counts too
        self._recheck(affected)
        for path in changes:
            self._disk_lines.pop(path, None)
        self.last = Timing(len(parsed), len(affected), time.perf_counter() - started)
        return affected | set(changes)

    def _recheck(self, paths: set[str]) -> None:
        from audit.rules import RuleContext, run_rules

        documents = [self.files[p].doc for p in sorted(paths) if p in self.files]
        if not documents:
            return
        view = IndexGraph(self.config, self.root, documents, self.index)
        try:
            found = run_rules(RuleContext(view, self.config, self.root), ("static",), ("file",))
        except Exception as exc:  # a crashing rule keeps the previous findings
            self.log(f"content-audit: internal error in a file rule: {type(exc).__name__}: {exc}")
            return
        per_file: dict[str, list[Finding]] = {d.path: [] for d in documents}
        for finding in found:
            if finding.span.path in per_file:
                per_file[finding.span.path].append(finding)
        for doc in documents:
            state = self.files[doc.path]
            state.findings = per_file[doc.path]
            state.refs = refs_of(doc, self.index, self.prefix)

    def run_global(self) -> bool:
        """The global rules and the tracker stage over the full graph, in this thread.
        False when nothing changed since the last pass."""
        if not self.global_dirty:
            return False
        generation, documents = self.snapshot()
        result = self.compute_global(documents)
        self.apply_global(result, generation)
        return True

    def snapshot(self) -> tuple[int, list[Document]]:
        """What a global pass reads: the documents as they are now (never mutated later: an
        edit replaces a document, so a worker thread can read the list while edits go on)."""
        self.global_dirty = False
        return self.generation, [s.doc for s in self.files.values()]

    def compute_global(self, documents: list[Document]) -> GlobalResult | None:
        """The whole-graph pass on a snapshot; touches no state but the tracker cache, so the
        server runs it in one worker thread while the event loop keeps answering edits."""
        from audit.parse.tracker import parse_tracker
        from audit.rules import RuleContext, run_rules
        from audit.stages import run_stage_rules, tracker_config, tracker_results

        try:
            graph = build_graph(documents, self.config, self.root)
            global_findings = run_rules(
                RuleContext(graph, self.config, self.root), ("static",), ("global",)
            )
            known = frozenset(d.path for d in documents)
            trackers = []
            for doc in documents:
                if doc.kind != "tracker":
                    continue
                cached = self._trackers.get(doc.path)
                if cached is None or cached[0] is not doc or cached[1] != known:
                    config = tracker_config(doc, self.config, documents)
                    cached = (doc, known, parse_tracker(doc, config, set(known)))
                    self._trackers[doc.path] = cached
                trackers.append(cached[2])
            coverage = None
            tracker_findings: list[Finding] = []
            if trackers:
                # as `check` computes them: no example runs, statuses bounded both ways
                results = tracker_results(trackers, graph, self.config, self.root, None, bound=True)
                coverage = results.coverage
                tracker_findings = run_stage_rules(
                    graph, self.config, self.root, ("tracker",), tracker=results
                )
        except Exception as exc:  # a crashing rule keeps the previous findings
            self.log(f"content-audit: internal error in a global rule: {type(exc).__name__}: {exc}")
            return None
        return GlobalResult(graph, global_findings, trackers, coverage, tracker_findings)

    def apply_global(self, result: GlobalResult | None, generation: int) -> bool:
        """Take a pass's results; False (and a new pass due) when edits came in meanwhile."""
        if generation != self.generation:
            self.global_dirty = True
        if result is None:
            return False
        self.graph, self.trackers, self.coverage = result.graph, result.trackers, result.coverage
        self.global_findings = result.global_findings
        self.tracker_findings = result.tracker_findings
        self._index_global()
        return generation == self.generation

    def _index_global(self) -> None:
        by_path: dict[str, list[Finding]] = {}
        for finding in [*self.global_findings, *self.tracker_findings]:
            by_path.setdefault(finding.span.path, []).append(finding)
        self.global_by_path = by_path

    # ---------------------------------------------------------------- reading
    def findings_of(self, path: str) -> list[Finding]:
        state = self.files.get(path)
        out = list(state.findings) if state is not None else []
        out.extend(self.global_by_path.get(path, ()))
        out.sort(key=Finding.sort_key)
        return out

    def all_findings(self) -> list[Finding]:
        """What ``check`` reports (file and global rules), tracker findings left out."""
        out = [f for s in self.files.values() for f in s.findings]
        out.extend(self.global_findings)
        out.sort(key=Finding.sort_key)
        return out

    def lines_of(self, path: str) -> Lines:
        """The lines positions are converted on: the editor's text when open, else the disk."""
        text = self.open_texts.get(path)
        if text is not None:
            return Lines(text)
        state = self.files.get(path)
        digest = state.doc.digest if state is not None else ""
        cached = self._disk_lines.get(path)
        if cached is not None and cached[0] == digest:
            return cached[1]
        source = self.disk_source(path)
        data = source.data if source is not None and source.data is not None else b""
        decoded = data.decode("utf-8", "replace")
        lines = Lines(decoded[1:] if decoded.startswith("\ufeff") else decoded)
        self._disk_lines[path] = (digest, lines)
        return lines
