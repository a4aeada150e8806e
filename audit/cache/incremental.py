"""The incremental ``check``: re-check exactly the files an edit can affect.

Rules declare a scope (``audit/rules/registry.py``). Findings of ``scope="file"`` rules are kept
per file in the cache's ``State`` with the **dependency keys** they read:

- ``f:P``: whether path P is a document, or (for another file) whether it exists;
- ``a:P#A``: whether document P has the anchor A;
- ``A:P``: every anchor of P (read when a link's anchor is missing: the "did you mean" hint);
- ``t:ID``: whether a task id is declared anywhere.

A run stats every file; only files whose stat changed are read and hashed, only files whose
content changed are parsed. Comparing the old and new facts of those files (presence, anchors,
task declarations, plus the existence of non-document link targets) gives the set of changed
keys; the reverse index key → files that read it gives the files to re-check besides the edited
ones. They are re-checked on a graph view that holds just those documents and answers lookups
from the index (no networkx graph). ``scope="global"`` rules read the whole graph; their
findings are kept with a digest of every file's *fragment* (task declarations, relations,
mentions, links, suppressions: what they can read) and recomputed on the full graph when that
digest changed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from audit.cache.inputs import requirements_fingerprint
from audit.cache.store import (
    Declaration,
    FileEntry,
    ParseCache,
    Stat,
    State,
    dumps,
    stat_entry,
    trusted_stat,
    walk_stats,
)
from audit.config import LoadedConfig
from audit.graph.build import (
    TaskDeclaration,
    TopicGraph,
    directory_candidates,
    directory_page,
    link_target,
    resolve_link,
    task_declarations,
)
from audit.model.finding import Finding
from audit.model.source import Source
from audit.stages import (
    CHECK_STAGES,
    check_tracker_findings,
    gc_paused,
    parse_all,
    parse_files_cached,
    run_stage_rules,
    tracker_findings_beside,
)

if TYPE_CHECKING:  # annotations only: a warm check with nothing changed loads no document
    from audit.model.config import Config
    from audit.model.document import Document
    from audit.model.tracker import Tracker

STAGES = CHECK_STAGES
Stat_ = Stat | None


# ------------------------------------------------------------------------------- facts
def declarations(doc: Document) -> tuple[Declaration, ...]:
    return tuple((d.task_id, d.span, d.by) for d, _heading in task_declarations(doc))


def referenced_ids(doc: Document) -> list[str]:
    """Task ids whose declaration the file's findings read (mentions, related, prerequisites)."""
    out = [m.task_id for m in doc.task_mentions if m.heading is None or doc.kind == "tracker"]
    if doc.kind == "task" and isinstance(doc.front_matter, dict):
        for key in ("related", "prerequisites"):
            values = doc.front_matter.get(key)
            if isinstance(values, list):
                out.extend(v for v in values if isinstance(v, str))
    return out


def fragment(doc: Document, content_prefix: str) -> str:
    """Digest of everything of ``doc`` the global rules can read through the graph: task
    declarations (and their spans), relations, mentions, where its links point, front matter
    spans, the front matter a tracker's coverage reads of a task (gap, track, subcategory) and
    suppressions. Prose, code and Q&A are not in it."""
    fm = doc.front_matter if isinstance(doc.front_matter, dict) else None
    links = []
    for link in doc.links:
        if link.kind in ("relative", "anchor"):
            target, escapes = link_target(doc.path, link, content_prefix)
            links.append((target, link.anchor != "", escapes))
    parts = (
        doc.kind,
        doc.stem,
        repr(fm.get("id")) if fm else "",
        repr(fm.get("related")) if fm else "",
        repr(fm.get("prerequisites")) if fm else "",
        repr([fm.get(key) for key in ("gap", "track", "subcategory")]) if fm else "",
        doc.front_matter_span,
        sorted(doc.front_matter_key_lines.items()),
        [(m.task_id, m.span, m.heading is not None) for m in doc.task_mentions],
        links,
        sorted(doc.file_ignores),
        doc.suppressions,
    )
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Index:
    """The global facts a file's findings may read, answered without a graph."""

    def __init__(
        self,
        root: Path,
        anchors: dict[str, frozenset[str]],
        declared: dict[str, list[TaskDeclaration]],
        existence: dict[str, bool] | None = None,
    ) -> None:
        self.root = root
        self.anchors = anchors
        self.declared = declared
        self.existence: dict[str, bool] = dict(existence or {})
        self._checked: set[str] = set()

    def anchors_of(self, path: str) -> frozenset[str] | None:
        return self.anchors.get(path)

    def exists(self, path: str) -> bool:
        if path not in self._checked:
            self.existence[path] = (self.root / path).exists()
            self._checked.add(path)
        return self.existence[path]


def refs_of(doc: Document, index: Index, content_prefix: str) -> frozenset[str]:
    """The dependency keys ``doc``'s file-scope findings read (see the module docstring)."""
    keys: set[str] = set()
    for link in doc.links:
        if link.kind not in ("relative", "anchor"):
            continue
        target, escapes = link_target(doc.path, link, content_prefix)
        if escapes:
            continue
        if index.anchors_of(target) is None and link.path.split("?", 1)[0].endswith("/"):
            # a directory-style link points at the first of these pages that exists (as in
            # resolve_link): one of them appearing or going changes its finding
            keys.update("f:" + page for page in directory_candidates(target))
            target = directory_page(target, index.anchors_of)
        if target == doc.path:
            continue  # own anchors: covered by the file's own digest
        keys.add("f:" + target)
        if link.anchor:
            keys.add(f"a:{target}#{link.anchor}")
            anchors = index.anchors_of(target)
            if anchors is not None and link.anchor not in anchors:
                keys.add("A:" + target)
    keys.update("t:" + task_id for task_id in referenced_ids(doc))
    return frozenset(keys)


class IndexGraph(TopicGraph):
    """A graph view for the file-scope rules: the documents to re-check, their links resolved
    against the index, lookups answered by the index. No networkx graph is built."""

    def __init__(
        self, config: Config, root: Path, documents: Iterable[Document], index: Index
    ) -> None:
        self.g = None
        self.config = config
        self.root = root
        self.content_prefix = config.content_root.strip("/")
        self.index = index
        self.documents = {d.path: d for d in sorted(documents, key=lambda d: d.path)}
        self.tasks = index.declared
        self.links = []
        self._links_index = {}
        self._links_index_size = -1
        for doc in self.documents.values():
            self._resolve(doc)

    def section_anchors(self, path: str) -> frozenset[str]:
        return self.index.anchors.get(path, frozenset())

    def _resolve(self, doc: Document) -> None:
        for link in doc.links:
            self.links.append(
                resolve_link(
                    doc.path,
                    link,
                    self.where(doc, link.span.line),
                    self.content_prefix,
                    self.index.anchors_of,
                    self.index.exists,
                )
            )


def declared_index(entries: Iterable[FileEntry]) -> dict[str, list[TaskDeclaration]]:
    out: dict[str, list[TaskDeclaration]] = {}
    for entry in entries:
        for task_id, span, by in entry.declares:
            out.setdefault(task_id, []).append(TaskDeclaration(task_id, entry.path, span, by))  # type: ignore[arg-type]
    return out


def global_digest(entries: dict[str, FileEntry], config: Config, requirements: str) -> str:
    """Digest of what the whole-tree findings can read, in two parts ``STATIC+TRACKER``.

    STATIC: every file's fragment (what the global static rules read). TRACKER, when the tree
    has a tracker: the whole content of every tracker, every materials page and every other
    page of a tracker's track (the tracker rules read the claimed sections, their Q&A and
    examples, and the overview tables; claims name pages of the tracker's own track). The
    tracker rules also read fragments (task front matter, links): they run again when either
    part changed, the global static rules only when STATIC did. TRACKER also covers the
    requirements file (``requirements``: ``inputs.requirements_fingerprint``), which defines
    what the tracker rules call covered."""
    from audit.parse.markdown import document_kind

    prefix = config.content_root.strip("/")
    kinds = {p: document_kind(p[len(prefix) + 1 :] if prefix else p, config) for p in entries}
    tracked = {track for kind, track in kinds.values() if kind == "tracker"}
    static = hashlib.blake2b(digest_size=16)
    tracker = hashlib.blake2b(digest_size=16)
    tracker.update(requirements.encode("utf-8", "surrogatepass") + b"\n")
    for path in sorted(entries):
        static.update(f"{path}\x00{entries[path].fragment}\n".encode("utf-8", "surrogatepass"))
        kind, track = kinds[path]
        if tracked and kind != "task" and (kind == "materials" or track in tracked):
            tracker.update(f"{path}\x01{entries[path].digest}\n".encode("utf-8", "surrogatepass"))
    return f"{static.hexdigest()}+{tracker.hexdigest() if tracked else ''}"


def group_by_file(
    findings: Iterable[Finding], paths: set[str]
) -> tuple[dict[str, list[Finding]], list[Finding]]:
    """Findings per file, and those located in no known document (kept, never cached per file)."""
    out: dict[str, list[Finding]] = {}
    loose: list[Finding] = []
    for finding in findings:
        if finding.span.path in paths:
            out.setdefault(finding.span.path, []).append(finding)
        else:
            loose.append(finding)
    return out, loose


def build_entries(
    documents: Sequence[Document],
    stats: dict[str, Stat_],
    file_findings: dict[str, list[Finding]],
    index: Index,
    content_prefix: str,
) -> dict[str, FileEntry]:
    out: dict[str, FileEntry] = {}
    for doc in documents:
        out[doc.path] = FileEntry(
            doc.path,
            stats.get(doc.path),
            doc.digest,
            index.anchors[doc.path],
            declarations(doc),
            refs_of(doc, index, content_prefix),
            tuple(file_findings.get(doc.path, ())),
            fragment(doc, content_prefix),
        )
    return out


def index_of(documents: Iterable[Document], root: Path) -> Index:
    docs = list(documents)
    anchors = {d.path: d.anchors() for d in docs}
    declared: dict[str, list[TaskDeclaration]] = {}
    for doc in docs:
        for decl, _heading in task_declarations(doc):
            declared.setdefault(decl.task_id, []).append(decl)
    return Index(root, anchors, declared)


def merge(
    entries: dict[str, FileEntry], global_findings: Iterable[Finding], loose: Iterable[Finding]
) -> list[Finding]:
    out = [f for path in sorted(entries) for f in entries[path].findings]
    out.extend(global_findings)
    out.extend(loose)
    out.sort(key=Finding.sort_key)
    return out


def cache_state_existence(entries: dict[str, FileEntry], index: Index) -> dict[str, bool]:
    """The non-page link targets of ``entries`` and whether each exists: what the state keeps,
    so that the next run notices a target that appeared or vanished."""
    return {t: index.exists(t) for t in non_document_targets(entries)}


def non_document_targets(entries: dict[str, FileEntry]) -> set[str]:
    out = set()
    for entry in entries.values():
        for key in entry.refs:
            if key.startswith("f:") and key[2:] not in entries:
                out.add(key[2:])
    return out


# ------------------------------------------------------------------------- the check
@dataclass
class Witness:
    """What a run can vouch for, for a replay of it (``audit/cache/replay.py``): the non-page
    link targets its result depends on and whether each exists, and whether every page was
    found by the stat walk with a stat older than the racy window."""

    existence: dict[str, bool] = field(default_factory=dict)
    pages_trusted: bool = False

    def take(self, state: State) -> None:
        self.existence = dict(state.existence)
        self.pages_trusted = state.stats_complete and all(
            entry.stat is not None for entry in state.entries.values()
        )


def check(
    loaded: LoadedConfig, jobs: int, witness: Witness | None = None
) -> tuple[list[Finding], list[str]]:
    """``check`` with the cache: (findings, document paths), equal to a ``--no-cache`` run;
    ``witness``, when given, is filled in."""
    with gc_paused():
        return _check(loaded, jobs, Witness() if witness is None else witness)


def _check(loaded: LoadedConfig, jobs: int, witness: Witness) -> tuple[list[Finding], list[str]]:
    """The steps of an incremental run, each below under its own name."""
    config, root = loaded.config, loaded.root
    started = time.time_ns()
    cache = ParseCache(root, config)
    state = cache.load_state()
    if state is None or state.stages != STAGES or state.loose:
        return _full(loaded, jobs, cache, started, witness)
    cache.use_state(state)
    old = state.entries
    scan = _scan(config, root, old, started)
    dirty, removed = _edited(old, scan.digests)
    todo = [scan.sources[p] for p in dirty]
    parsed = {d.path: d for d in parse_all(todo, config, jobs, cache)} if todo else {}
    index, declares = _new_index(root, old, scan.digests, parsed)
    kept = {p: old[p] for p in scan.digests if p not in parsed}
    changed = _changed_keys(state, dirty, removed, index, kept)
    affected = _affected(parsed, kept, changed)
    entries = dict(kept)
    loose = list(state.loose)
    if affected:
        loose = _recheck(
            loaded, jobs, cache, state, scan, parsed, affected, index, declares, entries
        )
    restated = _restat(entries, scan.stats)
    requirements = requirements_fingerprint(config.requirements, str(root))
    digest, global_findings, global_ran = _global_rules(
        loaded, cache, state, entries, parsed, removed, index, requirements
    )
    if not (affected or removed or changed or global_ran or restated):
        witness.take(state)  # its existence is as _changed_keys just found it
        return merge(entries, global_findings, loose), sorted(entries)  # nothing to record
    saved = _record_run(
        cache,
        entries,
        index,
        (digest, requirements),
        global_findings,
        started,
        scan,
        loose,
        affected,
        global_ran,
    )
    witness.take(saved)
    return merge(entries, global_findings, loose), sorted(entries)


@dataclass
class _Scan:
    """What is there now: every file's digest and stat, and the sources read to learn them."""

    sources: dict[str, Source]  # the files read this run (the stat could not vouch for them)
    digests: dict[str, str]
    stats: dict[str, Stat_]
    walked: bool  # every file was found by the stat walk (else discovery read them all)


def _scan(config: Config, root: Path, old: dict[str, FileEntry], started: int) -> _Scan:
    """Stat first, read only what the stat cannot vouch for."""
    stats = walk_stats(config, root)
    scan = _Scan({}, {}, {}, stats is not None)
    if stats is None:
        from audit.discover import discover

        for source in discover(config, root):
            scan.sources[source.path] = source
            scan.digests[source.path] = source.digest
            scan.stats[source.path] = None
        return scan
    content = (root / config.content_root).resolve()
    from audit.discover import read_source

    for rel, size, mtime, inode in stats:
        entry = old.get(rel)
        if entry is not None and entry.stat == (size, mtime, inode):
            scan.digests[rel] = entry.digest
            scan.stats[rel] = entry.stat
            continue
        source = read_source(root / rel, root, content)
        scan.sources[rel] = source
        scan.digests[rel] = source.digest
        scan.stats[rel] = (
            trusted_stat(stat_entry(rel, source.abspath), started)
            if source.data is not None
            else None
        )
    return scan


def _edited(old: dict[str, FileEntry], digests: dict[str, str]) -> tuple[list[str], list[str]]:
    """(files whose content changed or is new or unreadable, files that are gone)."""
    dirty = [
        p for p in sorted(digests) if p not in old or old[p].digest != digests[p] or not digests[p]
    ]
    removed = [p for p in old if p not in digests]
    return dirty, removed


def _new_index(
    root: Path, old: dict[str, FileEntry], digests: dict[str, str], parsed: dict[str, Document]
) -> tuple[Index, dict[str, tuple[Declaration, ...]]]:
    """The anchors and task declarations of every file now: the kept files' from the state,
    the parsed files' from their documents."""
    anchors = {p: old[p].anchors for p in digests if p not in parsed}
    anchors.update({p: d.anchors() for p, d in parsed.items()})
    declares = {p: old[p].declares for p in digests if p not in parsed}
    declares.update({p: declarations(d) for p, d in parsed.items()})
    declared: dict[str, list[TaskDeclaration]] = {}
    for path in sorted(declares):
        for task_id, span, by in declares[path]:
            declared.setdefault(task_id, []).append(TaskDeclaration(task_id, path, span, by))  # type: ignore[arg-type]
    return Index(root, anchors, declared), declares


def _changed_keys(
    state: State, dirty: list[str], removed: list[str], index: Index, kept: dict[str, FileEntry]
) -> set[str]:
    """The dependency keys whose answer differs from the last run's."""
    old = state.entries
    old_ids = {d[0] for e in old.values() for d in e.declares}
    changed: set[str] = {"t:" + i for i in old_ids.symmetric_difference(index.declared)}
    for path in [*dirty, *removed]:
        before = old[path].anchors if path in old else None
        after = index.anchors.get(path)
        if (before is None) != (after is None):
            changed.add("f:" + path)
        if before != after:
            changed.add("A:" + path)
            changed.update(
                f"a:{path}#{a}" for a in (before or frozenset()) ^ (after or frozenset())
            )
    for target in non_document_targets(kept) | set(state.existence):
        if target in index.anchors:
            continue
        if state.existence.get(target) != index.exists(target):
            changed.add("f:" + target)
    return changed


def _affected(
    parsed: dict[str, Document], kept: dict[str, FileEntry], changed: set[str]
) -> set[str]:
    """The edited files and the kept files that read a changed key."""
    affected = set(parsed)
    if changed:
        affected.update(p for p, entry in kept.items() if not entry.refs.isdisjoint(changed))
    return affected


def _recheck(
    loaded: LoadedConfig,
    jobs: int,
    cache: ParseCache,
    state: State,
    scan: _Scan,
    parsed: dict[str, Document],
    affected: set[str],
    index: Index,
    declares: dict[str, tuple[Declaration, ...]],
    entries: dict[str, FileEntry],
) -> list[Finding]:
    """Run the file-scope rules on the affected files (loaded from the cache, or parsed again
    when the cache lost them) and put their new entries into ``entries``; returns the findings
    located in no known document."""
    config, root = loaded.config, loaded.root
    content_prefix = config.content_root.strip("/")
    old = state.entries
    documents = dict(parsed)
    wanted = [(p, scan.digests[p]) for p in sorted(affected - set(parsed))]
    documents.update(cache.get_many(wanted))
    missing = [p for p, _d in wanted if p not in documents]
    if missing:
        from audit.discover import read_source

        content = (root / config.content_root).resolve()
        again = [read_source(root / p, root, content) for p in missing]
        documents.update({d.path: d for d in parse_all(again, config, jobs, cache)})
    view = IndexGraph(config, root, documents.values(), index)
    found = run_stage_rules(view, config, root, ("static",), scopes=("file",))
    per_file, new_loose = group_by_file(found, set(documents))
    loose = [f for f in state.loose if f.span.path not in documents] + new_loose
    for path, doc in documents.items():
        previous = old.get(path)
        entries[path] = FileEntry(
            path,
            scan.stats.get(path),
            doc.digest,
            index.anchors[path],
            declares[path],
            refs_of(doc, index, content_prefix),
            tuple(per_file.get(path, ())),
            fragment(doc, content_prefix)
            if path in parsed or previous is None
            else previous.fragment,
            previous.doc if previous is not None and previous.digest == doc.digest else None,
        )
    return loose


def _restat(entries: dict[str, FileEntry], stats: dict[str, Stat_]) -> bool:
    """Take the new stat of files read again whose content did not change."""
    restated = False
    for path, stat in stats.items():
        if path in entries and entries[path].stat != stat:
            entries[path].stat = stat
            restated = True
    return restated


def _global_rules(
    loaded: LoadedConfig,
    cache: ParseCache,
    state: State,
    entries: dict[str, FileEntry],
    parsed: dict[str, Document],
    removed: list[str],
    index: Index,
    requirements: str,
) -> tuple[str, list[Finding], bool]:
    """(digest, findings, whether they ran): the global rules, recomputed on the full graph
    only when what they read changed."""
    # fragments and digests change only with a parse, a removal or another requirements file
    refresh = parsed or removed or requirements != state.requirements
    digest = global_digest(entries, loaded.config, requirements) if refresh else state.global_digest
    global_findings = state.global_findings
    global_ran = digest != state.global_digest
    if digest.partition("+")[0] != state.global_digest.partition("+")[0]:
        global_findings = _global_findings(loaded, cache, entries, parsed)
    elif global_ran:  # only what the tracker rules read changed: no networkx graph needed
        global_findings = _tracker_findings_again(
            loaded, cache, entries, parsed, index, list(state.global_findings)
        )
    return digest, global_findings, global_ran


def _record_run(
    cache: ParseCache,
    entries: dict[str, FileEntry],
    index: Index,
    digests: tuple[str, str],
    global_findings: list[Finding],
    started: int,
    scan: _Scan,
    loose: list[Finding],
    affected: set[str],
    global_ran: bool,
) -> State:
    """Write the parsed documents and the new state (``digests``: the global digest and the
    requirements fingerprint it covers)."""
    digest, requirements = digests
    located = cache.flush()
    for path, ref in located.items():
        if path in entries:
            entries[path].doc = ref
    existence = cache_state_existence(entries, index)
    state = State(
        STAGES,
        entries,
        existence,
        digest,
        list(global_findings),
        started,
        scan.walked,
        loose,
        tuple(sorted(affected)),
        global_ran,
        requirements,
    )
    cache.save_state(state)
    return state


def _global_findings(
    loaded: LoadedConfig,
    cache: ParseCache,
    entries: dict[str, FileEntry],
    parsed: dict[str, Document],
) -> list[Finding]:
    """The global rules over the full graph of every document (loaded from the cache)."""
    from audit.graph.build import build_graph

    documents = _all_documents(loaded, cache, entries, parsed)
    docs = sorted(documents.values(), key=lambda d: d.path)
    return _whole_tree_findings(docs, build_graph(docs, loaded.config, loaded.root))


def _all_documents(
    loaded: LoadedConfig,
    cache: ParseCache,
    entries: dict[str, FileEntry],
    parsed: dict[str, Document],
) -> dict[str, Document]:
    """Every document: the ones parsed this run, the others from the cache (parsed again when
    the cache lost them)."""
    from audit.discover import read_source

    config, root = loaded.config, loaded.root
    documents = dict(parsed)
    documents.update(
        cache.get_many((p, e.digest) for p, e in entries.items() if p not in documents)
    )
    missing = [p for p in entries if p not in documents]
    if missing:
        content = (root / config.content_root).resolve()
        again = [read_source(root / p, root, content) for p in missing]
        documents.update({d.path: d for d in parse_all(again, config, 1, cache)})
    return documents


def _tracker_findings_again(
    loaded: LoadedConfig,
    cache: ParseCache,
    entries: dict[str, FileEntry],
    parsed: dict[str, Document],
    index: Index,
    previous: list[Finding],
) -> list[Finding]:
    """The tracker findings over every document on an index view (no networkx graph), with the
    global static findings of the last run kept: their inputs did not change."""
    from audit.rules import REGISTRY

    config, root = loaded.config, loaded.root
    documents = _all_documents(loaded, cache, entries, parsed)
    view = IndexGraph(config, root, documents.values(), index)
    kept = [f for f in previous if f.code not in REGISTRY or REGISTRY[f.code].stage != "tracker"]
    found = kept + check_tracker_findings(view.documents.values(), view, config, root)
    found.sort(key=Finding.sort_key)
    return found


def _whole_tree_findings(documents: Sequence[Document], graph: TopicGraph) -> list[Finding]:
    """The findings that need the whole graph: the global static rules, and the tracker rules
    (coverage computed without running examples)."""
    config, root = graph.config, graph.root
    found = run_stage_rules(graph, config, root, ("static",), scopes=("global",))
    if "tracker" in STAGES:
        found += check_tracker_findings(documents, graph, config, root)
    found.sort(key=Finding.sort_key)
    return found


def _full(
    loaded: LoadedConfig, jobs: int, cache: ParseCache, started: int, witness: Witness
) -> tuple[list[Finding], list[str]]:
    """A run without a usable state: every file checked, the result recorded as the state."""
    from audit.discover import discover_paths
    from audit.graph.build import build_graph

    config, root = loaded.config, loaded.root
    documents = parse_files_cached(discover_paths(config, root), config, root, jobs, cache)
    graph = build_graph(documents, config, root)
    tracked = tracker_findings_beside(documents, graph, config, root, None, jobs)
    file_findings = run_stage_rules(graph, config, root, ("static",), scopes=("file",))
    global_findings = run_stage_rules(graph, config, root, ("static",), scopes=("global",))
    global_findings += tracked()  # as _whole_tree_findings, the tracker stage on a second core
    global_findings.sort(key=Finding.sort_key)
    witness.take(
        save_full(cache, documents, graph, file_findings, global_findings, STAGES, started)
    )
    findings = sorted([*file_findings, *global_findings], key=Finding.sort_key)
    return findings, [d.path for d in documents]


def record(
    cache: ParseCache,
    documents: Sequence[Document],
    graph: TopicGraph,
    file_findings: list[Finding],
    global_findings: list[Finding],
    tracker_findings: list[Finding] | None,
    started: int,
    trackers: list[Tracker] | None = None,
) -> None:
    """Record a whole run of the static rules (``analyse`` with the cache: ``report`` too) as the
    state of ``check``; the tracker findings of ``check`` are computed when the run had none
    (from ``trackers``, the run's own, when given)."""
    if tracker_findings is None and "tracker" in STAGES:
        tracker_findings = check_tracker_findings(
            documents, graph, graph.config, graph.root, trackers
        )
    whole = sorted([*global_findings, *(tracker_findings or [])], key=Finding.sort_key)
    save_full(cache, documents, graph, file_findings, whole, STAGES, started)


def save_full(
    cache: ParseCache,
    documents: Sequence[Document],
    graph: TopicGraph,
    file_findings: list[Finding],
    global_findings: list[Finding],
    stages: tuple[str, ...],
    started: int,
) -> State:
    """Record a full run as the state the next ``check`` builds on, and return it."""
    root = graph.root
    content_prefix = graph.content_prefix
    stats_list = walk_stats(graph.config, root)
    stats: dict[str, Stat_] = {}
    if stats_list is not None:
        for rel, size, mtime, inode in stats_list:
            stats[rel] = trusted_stat((rel, size, mtime, inode), started)
    paths = {d.path for d in documents}
    per_file, loose = group_by_file(file_findings, paths)
    index = index_of(documents, root)
    entries = build_entries(documents, stats, per_file, index, content_prefix)
    for doc in documents:
        if not doc.digest:  # unreadable: read again every time
            entries[doc.path].stat = None
    located = cache.flush()
    known = cache._known()
    for path, entry in entries.items():
        ref = located.get(path) or (
            known[path][1] if path in known and known[path][0] == entry.digest else None
        )
        entry.doc = ref
    existence = cache_state_existence(entries, index)
    requirements = requirements_fingerprint(graph.config.requirements, str(root))
    state = State(
        stages,
        entries,
        existence,
        global_digest(entries, graph.config, requirements),
        list(global_findings),
        started,
        stats_list is not None,
        loose,
        tuple(sorted(entries)),
        True,
        requirements,
    )
    cache.save_state(state)
    return state


__all__ = ["Witness", "check", "dumps", "record", "save_full"]
