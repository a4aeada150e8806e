"""The stages chained in order: discover → parse → graph → rules.

The CLI, the benchmarks and the tests all go through ``analyse`` so that there is exactly one
way the stages are put together.
"""

from __future__ import annotations

import gc
import os
import pickle
import posixpath
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit.cache import ParseCache, dumps
from audit.config import LoadedConfig
from audit.discover import discover
from audit.graph import TopicGraph, build_graph
from audit.model.config import Config
from audit.model.document import Document
from audit.model.finding import Finding
from audit.model.source import Source

if TYPE_CHECKING:  # the full audit's stages are imported when full_audit runs, not by `check`
    from audit.model.coverage import Coverage
    from audit.model.example import ExampleResult
    from audit.model.tracker import Tracker

PARALLEL_MIN_FILES = 64


@dataclass
class Analysis:
    config: Config
    root: Path
    documents: list[Document]
    graph: TopicGraph
    findings: list[Finding]
    extras: dict[str, Any] = field(default_factory=dict)


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


def _parse_chunk(args: tuple[list[Source], Config]) -> list[Document]:
    from audit.parse.markdown import parse

    sources, config = args
    with gc_paused():
        return [parse(s, config) for s in sources]


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


def parse_all(
    sources: Sequence[Source], config: Config, jobs: int = 1, cache: ParseCache | None = None
) -> list[Document]:
    """Parse every source; with ``jobs > 1`` across processes, merged in path order.

    With a cache, documents whose (path, content digest) were parsed before are loaded from it
    and only the others are parsed (and kept for the cache's pack).
    """
    from audit.parse.markdown import parse

    if cache is not None:
        return _parse_cached(sources, config, jobs, cache)
    if jobs <= 1 or len(sources) < PARALLEL_MIN_FILES:
        return [parse(s, config) for s in sources]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        parts = list(pool.map(_parse_chunk, _chunks(sources, config, jobs)))
    documents = [doc for part in parts for doc in part]
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
            doc = parse(source, config)
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
                    parsed[source.path] = pickle.loads(blob)
    documents = [found[s.path] if s.path in found else parsed[s.path] for s in sources]
    documents.sort(key=lambda d: d.path)
    return documents


def analyse(
    loaded: LoadedConfig,
    jobs: int = 1,
    stages: Sequence[str] = ("static",),
    cache: bool = False,
    sources: Sequence[Source] | None = None,
    memo: dict[tuple[str, str], Document] | None = None,
) -> Analysis:
    """discover → parse → graph → rules over every document.

    With ``cache``, unchanged documents come from the parse cache, and the run is recorded as the
    state the incremental ``check`` (``audit/incremental.py``) builds on. ``sources`` replaces
    discovery (the mkdocs plugin audits the pages mkdocs builds); ``memo`` keeps parsed documents
    in memory by (path, digest) across runs of one process (``mkdocs serve``)."""
    with gc_paused():
        return _analyse(loaded, jobs, stages, cache, sources, memo)


def parse_memo(
    sources: Sequence[Source], config: Config, memo: dict[tuple[str, str], Document]
) -> list[Document]:
    """Parse what ``memo`` does not hold by (path, digest); forget the versions not asked for."""
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


def _analyse(
    loaded: LoadedConfig,
    jobs: int,
    stages: Sequence[str],
    cache: bool,
    given: Sequence[Source] | None,
    memo: dict[tuple[str, str], Document] | None,
) -> Analysis:
    from audit.rules import RuleContext, run_rules

    config, root = loaded.config, loaded.root
    started = time.time_ns()
    sources = discover(config, root) if given is None else list(given)
    parse_cache = ParseCache(root, config) if cache else None
    if memo is not None:
        documents = parse_memo(sources, config, memo)
        parse_cache = None  # memoised documents are not a full run the cache may record
    else:
        documents = parse_all(sources, config, jobs, parse_cache)
    graph = build_graph(documents, config, root)
    ctx = RuleContext(graph, config, root)
    file_findings = run_rules(ctx, stages, scopes=("file",))
    global_findings = run_rules(ctx, stages, scopes=("global",))
    findings = sorted([*file_findings, *global_findings], key=Finding.sort_key)
    if parse_cache is not None and given is None:  # only a discovered run is `check`'s state
        from audit.incremental import save_full

        save_full(
            parse_cache, documents, graph, file_findings, global_findings, tuple(stages), started
        )
    return Analysis(config, root, documents, graph, findings, ctx.extras)


_ROLE_ALIASES = (("materials.md", "materials"), ("interview.md", "interview"))


def tracker_config(tracker: Document, config: Config, documents: Sequence[Document]) -> Config:
    """The config one tracker is read with: its ``materials.md`` / ``interview.md`` (the names
    trackers write) point at the materials / interview page of its own folder when the
    configured alias target is not there and exactly one page of that role is
    (``материалы-mlops.md``, ``подготовка-mlops.md``)."""
    folder = posixpath.dirname(tracker.path)
    aliases = dict(config.documents.aliases)
    changed = False
    for alias, role in _ROLE_ALIASES:
        target = aliases.get(alias, alias)
        if any(d.path == posixpath.join(folder, target) for d in documents):
            continue
        pages = [d for d in documents if d.kind == role and posixpath.dirname(d.path) == folder]
        if len(pages) == 1:
            aliases[alias] = posixpath.basename(pages[0].path)
            changed = True
    if not changed:
        return config
    documents_config = config.documents.model_copy(update={"aliases": aliases})
    return config.model_copy(update={"documents": documents_config})


@dataclass
class Audit:
    """The full audit: static analysis plus trackers, examples and coverage."""

    analysis: Analysis
    trackers: list[Tracker]
    coverage: Coverage
    example_results: list[ExampleResult] | None
    findings: list[Finding]


def full_audit(
    loaded: LoadedConfig,
    jobs: int = 1,
    execute: bool = True,
    progress: Callable[[int, int, Sequence[ExampleResult]], None] | None = None,
    use_cache: bool = True,
    sources: Sequence[Source] | None = None,
    memo: dict[tuple[str, str], Document] | None = None,
) -> Audit:
    """discover → parse → graph → rules → trackers → examples → coverage → tracker rules.

    ``use_cache`` covers both the parse cache and the example results cache; ``sources`` and
    ``memo`` as in ``analyse``."""
    from audit.coverage import (
        compute_coverage,
        evaluate_thresholds,
        findings_error_count,
        load_requirements,
    )
    from audit.graph import add_gaps
    from audit.parse.tracker import parse_tracker
    from audit.rules import RuleContext, run_rules

    analysis = analyse(loaded, jobs, cache=use_cache, sources=sources, memo=memo)
    config, root, graph = analysis.config, analysis.root, analysis.graph
    known = {d.path for d in analysis.documents}
    trackers = [
        parse_tracker(d, tracker_config(d, config, analysis.documents), known)
        for d in analysis.documents
        if d.kind == "tracker"
    ]
    results: list[ExampleResult] | None = None
    if execute:
        from audit.examples.runner import run_examples

        results = run_examples(
            analysis.documents, config, root, jobs=jobs, use_cache=use_cache, progress=progress
        )
    spec = load_requirements(config, root)
    coverage = compute_coverage(trackers, graph, config, spec, results, root=root)
    coverage.measured = bool(trackers)
    ctx = RuleContext(
        graph,
        config,
        root,
        {"trackers": trackers, "coverage": coverage, "example_results": results},
    )
    stages = ("tracker", "examples") if execute else ("tracker",)
    findings = sorted([*analysis.findings, *run_rules(ctx, stages)], key=Finding.sort_key)
    coverage.thresholds = evaluate_thresholds(coverage, config, findings_error_count(findings))
    add_gaps(graph, trackers, coverage)
    return Audit(analysis, trackers, coverage, results, findings)
