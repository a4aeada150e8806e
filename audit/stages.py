"""The stage functions shared by the two ways of running them.

``audit/pipeline.py`` chains them for a whole run; ``audit/cache/incremental.py`` calls them on the
part of the tree an edit can affect. Both import this module, and neither imports the other
back (the pipeline calls the incremental engine), so the stages have one definition and the
import graph has no cycle.

The order is the direction data flows: discover → parse (documents, then trackers) → graph →
static rules; trackers + graph (+ example results) → coverage → tracker rules; findings →
thresholds (``audit.coverage.thresholds.evaluate_thresholds``).
"""

from __future__ import annotations

import functools
import gc
import os
import pickle
import posixpath
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from audit.cache.store import ParseCache, dumps
from audit.graph.build import TopicGraph
from audit.model.compact import SharedStrings
from audit.model.finding import Finding
from audit.model.source import Source

if TYPE_CHECKING:  # annotations only: a warm check loads neither documents nor coverage
    from audit.model.config import Config
    from audit.model.coverage import TrackerResults
    from audit.model.document import Document
    from audit.model.example import ExampleResult
    from audit.model.tracker import Tracker

PARALLEL_MIN_FILES = 64
# what `check` runs: every rule that needs no example to be executed
CHECK_STAGES = ("static", "tracker")


def default_jobs() -> int:
    return max(
        1,
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
    )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a stage.

    Parsing keeps millions of small objects alive and frees almost nothing cyclic, so the
    collector's full passes walk an ever larger heap for nothing: 1.5 s of a 5,000-file
    ``check`` (and the reason that run grew faster than linearly). Reference counting still
    frees everything as usual; cyclic garbage, if any, waits until the stage ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ------------------------------------------------------------------------------ parse
def _parse_chunk(args: tuple[list[Source], Config]) -> list[Document]:
    from audit.parse.markdown import parse

    sources, config = args
    strings = SharedStrings()
    with gc_paused():
        return [strings.share(parse(s, config)) for s in sources]


def _parse_chunk_pickled(args: tuple[list[Source], Config]) -> list[bytes]:
    from audit.parse.markdown import parse

    sources, config = args
    with gc_paused():
        return [dumps(parse(s, config)) for s in sources]


def _chunks(
    sources: Sequence[Source], config: Config, jobs: int
) -> list[tuple[list[Source], Config]]:
    # contiguous chunks keep pickling overhead low; a few chunks per worker balance load
    chunk_count = jobs * 4
    size = max(1, -(-len(sources) // chunk_count))
    return [(list(sources[i : i + size]), config) for i in range(0, len(sources), size)]


def _parse_files_chunk(args: tuple[list[Path], Path, Path, Config]) -> list[Document]:
    from audit.discover import read_discovered
    from audit.parse.markdown import parse

    paths, content, root, config = args
    strings = SharedStrings()  # one pickle carries the chunk back: its strings stay shared
    with gc_paused():
        return [strings.share(parse(read_discovered(p, content, root), config)) for p in paths]


def _path_chunks(
    paths: Sequence[Path], content: Path, root: Path, config: Config, jobs: int
) -> list[tuple[list[Path], Path, Path, Config]]:
    """A few contiguous chunks per worker, as ``_chunks``."""
    size = max(1, -(-len(paths) // (jobs * 4)))
    return [(list(paths[i : i + size]), content, root, config) for i in range(0, len(paths), size)]


def parse_files(paths: Sequence[Path], config: Config, root: Path, jobs: int = 1) -> list[Document]:
    """Read and parse the files ``audit.discover.discover_paths`` found (no cache), merged in
    path order: the same documents as ``parse_all(discover(...))``.

    Each file is read just before it is parsed and its bytes dropped right after, and with
    ``jobs > 1`` the workers read their own files: the parent sends paths, never bytes (the
    sources of 20,000 files are 190 MB, which the parent held for the whole run and pickled
    once more to send them)."""
    root = Path(root)
    content = (root / config.content_root).resolve()
    if jobs <= 1 or len(paths) < PARALLEL_MIN_FILES:
        documents = _parse_files_chunk((list(paths), content, root, config))
    else:
        from concurrent.futures import ProcessPoolExecutor

        chunks = _path_chunks(paths, content, root, config, jobs)
        strings = SharedStrings()  # and shared across the chunks as they come
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            documents = [
                strings.share(doc) for part in pool.map(_parse_files_chunk, chunks) for doc in part
            ]
    documents.sort(key=lambda d: d.path)
    return documents


def parse_all(
    sources: Sequence[Source], config: Config, jobs: int = 1, cache: ParseCache | None = None
) -> list[Document]:
    """Parse every source; with ``jobs > 1`` across processes, merged in path order.

    With a cache, documents whose (path, content digest) were parsed before are loaded from it
    and only the others are parsed (and kept for the cache's pack).
    """

    if cache is not None:
        return _parse_cached(sources, config, jobs, cache)
    if jobs <= 1 or len(sources) < PARALLEL_MIN_FILES:
        return _parse_chunk((list(sources), config))
    from concurrent.futures import ProcessPoolExecutor

    strings = SharedStrings()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        parts = pool.map(_parse_chunk, _chunks(sources, config, jobs))
        documents = [strings.share(doc) for part in parts for doc in part]
    documents.sort(key=lambda d: d.path)
    return documents


def _parse_cached(
    sources: Sequence[Source], config: Config, jobs: int, cache: ParseCache
) -> list[Document]:
    from audit.parse.markdown import parse

    found = cache.get_many((s.path, s.digest) for s in sources if s.data is not None)
    todo = [s for s in sources if s.path not in found]
    parsed: dict[str, Document] = {}
    if jobs <= 1 or len(todo) < PARALLEL_MIN_FILES:
        for source in todo:
            doc = cache.strings.share(parse(source, config))
            cache.put(source, dumps(doc))
            parsed[source.path] = doc
    else:
        from concurrent.futures import ProcessPoolExecutor

        # workers send documents back pickled: the same bytes go to the cache
        chunks = _chunks(todo, config, jobs)
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for (chunk, _config), blobs in zip(
                chunks, pool.map(_parse_chunk_pickled, chunks), strict=True
            ):
                for source, blob in zip(chunk, blobs, strict=True):
                    cache.put(source, blob)
                    parsed[source.path] = cache.strings.share(pickle.loads(blob))
    documents = [found[s.path] if s.path in found else parsed[s.path] for s in sources]
    documents.sort(key=lambda d: d.path)
    return documents


def _parse_files_chunk_pickled(
    args: tuple[list[Path], Path, Path, Config],
) -> list[tuple[str, str, bool, bytes]]:
    """A worker's part of ``parse_files_cached``: (path, digest, readable, pickled document)."""
    from audit.discover import read_discovered
    from audit.parse.markdown import parse

    paths, content, root, config = args
    out = []
    with gc_paused():
        for full in paths:
            source = read_discovered(full, content, root)
            out.append(
                (source.path, source.digest, source.data is not None, dumps(parse(source, config)))
            )
    return out


def parse_files_cached(
    paths: Sequence[Path], config: Config, root: Path, jobs: int, cache: ParseCache
) -> list[Document]:
    """``parse_all(discover(...), cache=...)`` without holding the bytes of the tree: each file
    is read when its turn comes, hashed, and parsed unless the cache knows its (path, digest);
    each parsed document goes to the cache's pack as it is made (``ParseCache.put``). With
    ``jobs > 1`` the workers read the files the cache does not know, as in ``parse_files``.

    A cold run knows nothing, so nothing is read twice; a run that knows some documents reads
    every file once to learn its digest, and the workers read the unknown ones again."""
    from audit.discover import read_discovered
    from audit.parse.markdown import parse

    root = Path(root)
    content = (root / config.content_root).resolve()
    hits: list[tuple[str, str]] = []
    parsed: dict[str, Document] = {}
    todo: list[Path] = []
    parallel = jobs > 1 and len(paths) >= PARALLEL_MIN_FILES
    knows_any = cache.knows_any()
    for full in paths:
        if parallel and not knows_any:
            todo.append(full)
            continue
        source = read_discovered(full, content, root)
        if source.data is not None and cache.knows(source.path, source.digest):
            hits.append((source.path, source.digest))
        elif parallel:
            todo.append(full)
        else:
            doc = parsed[source.path] = cache.strings.share(parse(source, config))
            cache.put(source, dumps(doc))
    if todo:
        parsed.update(_parse_in_pool(todo, content, root, config, jobs, cache))
    found = cache.get_many(hits)
    lost = [root / path for path, _digest in hits if path not in found]  # a damaged entry
    for full in lost:
        source = read_discovered(full, content, root)
        doc = parsed[source.path] = cache.strings.share(parse(source, config))
        cache.put(source, dumps(doc))
    documents = [*found.values(), *parsed.values()]
    documents.sort(key=lambda d: d.path)
    return documents


def _parse_in_pool(
    paths: Sequence[Path], content: Path, root: Path, config: Config, jobs: int, cache: ParseCache
) -> dict[str, Document]:
    from concurrent.futures import ProcessPoolExecutor

    parsed: dict[str, Document] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunks = _path_chunks(paths, content, root, config, jobs)
        for part in pool.map(_parse_files_chunk_pickled, chunks):
            for path, digest, readable, blob in part:
                if readable:
                    cache.put_parsed(path, digest, blob)
                # made by our own worker a moment ago
                parsed[path] = cache.strings.share(pickle.loads(blob))
    return parsed


def parse_memo(
    sources: Sequence[Source], config: Config, memo: dict[tuple[str, str], Document]
) -> list[Document]:
    """Parse what ``memo`` does not hold by (path, digest); forget the versions not asked for
    (``mkdocs serve`` keeps its documents in memory between rebuilds)."""
    from audit.parse.markdown import parse

    documents = []
    wanted = set()
    for source in sources:
        key = (source.path, source.digest)
        wanted.add(key)
        doc = memo.get(key) if source.data is not None else None
        if doc is None:
            doc = parse(source, config)
            if source.data is not None:
                memo[key] = doc
        documents.append(doc)
    for key in [k for k in memo if k not in wanted]:  # forget edited and deleted versions
        del memo[key]
    documents.sort(key=lambda d: d.path)
    return documents


_ROLE_ALIASES = (("materials.md", "materials"), ("interview.md", "interview"))


class PageIndex:
    """The documents by path and by folder, for ``tracker_config``: one tracker per track folder
    looked through every document (twice) made reading the trackers quadratic in the tree."""

    __slots__ = ("by_folder", "paths")

    def __init__(self, documents: Iterable[Document]) -> None:
        self.paths: set[str] = set()
        self.by_folder: dict[str, list[Document]] = {}
        for doc in documents:
            self.paths.add(doc.path)
            self.by_folder.setdefault(posixpath.dirname(doc.path), []).append(doc)


def tracker_config(
    tracker: Document,
    config: Config,
    documents: Sequence[Document],
    pages: PageIndex | None = None,
) -> Config:
    """The config one tracker is read with: its ``materials.md`` / ``interview.md`` (the names
    trackers write) point at the materials / interview page of its own folder when the
    configured alias target is not there and exactly one page of that role is
    (``материалы-mlops.md``, ``подготовка-mlops.md``). ``pages``: ``documents`` indexed, when
    the caller reads many trackers."""
    if pages is None:
        pages = PageIndex(documents)
    folder = posixpath.dirname(tracker.path)
    aliases = dict(config.documents.aliases)
    changed = False
    for alias, role in _ROLE_ALIASES:
        target = aliases.get(alias, alias)
        if posixpath.join(folder, target) in pages.paths:
            continue
        found = [d for d in pages.by_folder.get(folder, ()) if d.kind == role]
        if len(found) == 1:
            aliases[alias] = posixpath.basename(found[0].path)
            changed = True
    if not changed:
        return config
    documents_config = config.documents.model_copy(update={"aliases": aliases})
    return config.model_copy(update={"documents": documents_config})


def parse_trackers(documents: Iterable[Document], config: Config) -> list[Tracker]:
    """The tracker documents read as trackers (part of the parse stage: it reads no graph)."""
    from audit.parse.tracker import parse_tracker

    docs = list(documents)
    pages = PageIndex(docs)
    return [
        parse_tracker(d, tracker_config(d, config, docs, pages), pages.paths)
        for d in docs
        if d.kind == "tracker"
    ]


# --------------------------------------------------------------------- coverage, rules
def tracker_results(
    trackers: Sequence[Tracker],
    graph: TopicGraph,
    config: Config,
    root: Path,
    example_results: Sequence[ExampleResult] | None,
    bound: bool = False,
) -> TrackerResults:
    """Coverage of the trackers, as the tracker rules read it.

    ``bound`` (``check``, which runs no example): also compute the coverage with every example
    counted as failing, so that the rules can tell a finding that holds whatever the examples do
    from one that holds only if they work.
    """
    from audit.coverage.evidence import EvidenceFinder
    from audit.coverage.requirements import load_requirements
    from audit.coverage.scoring import compute_coverage
    from audit.model.coverage import TrackerResults

    spec = load_requirements(config, root)
    finder = EvidenceFinder(root, config)
    coverage = compute_coverage(
        trackers, graph, config, spec, example_results, root=root, finder=finder
    )
    worst = (
        compute_coverage(trackers, graph, config, spec, (), root=root, finder=finder)
        if bound and example_results is None
        else None
    )
    return TrackerResults(tuple(trackers), coverage, worst)


def run_stage_rules(
    graph: TopicGraph,
    config: Config,
    root: Path,
    stages: Sequence[str],
    scopes: Sequence[str] = ("file", "global"),
    tracker: TrackerResults | None = None,
    example_results: Sequence[ExampleResult] | None = None,
) -> list[Finding]:
    """The rules of ``stages`` over the graph and the stage results they read."""
    from audit.rules import RuleContext, run_rules

    ctx = RuleContext(graph, config, root, tracker, example_results)
    return run_rules(ctx, stages, scopes)


def check_tracker_findings(
    documents: Iterable[Document],
    graph: TopicGraph,
    config: Config,
    root: Path,
    trackers: list[Tracker] | None = None,
) -> list[Finding]:
    """``check``'s tracker findings: coverage without examples, bounded (see above).
    ``trackers``: the documents' trackers when the caller has read them already (a second
    reading of every tracker was both time and a second copy in memory)."""
    if trackers is None:
        trackers = parse_trackers(documents, config)
    if not trackers:
        return []
    from audit.coverage.evidence import forget_words

    results = tracker_results(trackers, graph, config, root, None, bound=True)
    found = run_stage_rules(graph, config, root, ("tracker",), tracker=results)
    forget_words()
    return found


# a tracker stage started in a forked child reads its inputs here (fork copies the memory: the
# documents and the graph are not pickled to get there)
_BESIDE: Callable[[], list[Finding]] | None = None


def _run_beside() -> list[Finding]:
    if (
        _BESIDE is None
    ):  # pragma: no cover - only a child forked by tracker_findings_beside runs this
        raise RuntimeError("no tracker stage to run")
    return _BESIDE()


def tracker_findings_beside(
    documents: Sequence[Document],
    graph: TopicGraph,
    config: Config,
    root: Path,
    trackers: list[Tracker] | None,
    jobs: int,
) -> Callable[[], list[Finding]]:
    """Start ``check_tracker_findings`` on a second core while the caller runs the static rules;
    the function returned waits for its findings.

    The tracker stage (coverage twice, for the bound) is the longest serial part of a cold
    ``check -j2``, and it reads only what the parse made. With one job, a small tree, no
    ``fork`` or other threads running (forking then is unsafe), it runs in this process when
    the result is asked for. A child that dies costs only time: the stage then runs here.
    """
    work = functools.partial(check_tracker_findings, documents, graph, config, root, trackers)
    if (
        jobs <= 1
        or len(documents) < PARALLEL_MIN_FILES
        or not hasattr(os, "fork")
        or threading.active_count() > 1
    ):
        return work
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _BESIDE
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    _BESIDE = work
    try:
        # with "fork" the child is made in submit(), so it has seen _BESIDE when it returns
        future = pool.submit(_run_beside)
    except (OSError, BrokenProcessPool):  # no process to be had: the stage runs here
        pool.shutdown()
        return work
    finally:
        _BESIDE = None

    def wait() -> list[Finding]:
        try:
            return future.result()
        except BrokenProcessPool:
            return work()
        finally:
            pool.shutdown()

    return wait
