"""The stages chained in order: discover → parse → graph → rules → coverage → thresholds.

The CLI, the benchmarks and the tests all go through ``analyse``, ``check`` and ``full_audit``
so that there is exactly one way the stages are put together. The stage functions live in
``audit/stages.py``; this module calls the incremental engine
(``audit/cache/incremental.py``), which calls those stage functions and never this module.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from audit.cache import incremental
from audit.cache.store import ParseCache
from audit.config import LoadedConfig
from audit.discover import discover, discover_paths
from audit.graph.build import build_graph
from audit.model.audit import Analysis, Audit
from audit.model.finding import Finding
from audit.model.source import Source
from audit.stages import (
    CHECK_STAGES,
    PARALLEL_MIN_FILES,
    default_jobs,
    gc_paused,
    parse_all,
    parse_files,
    parse_files_cached,
    parse_memo,
    parse_trackers,
    run_stage_rules,
    tracker_config,
    tracker_findings_beside,
    tracker_results,
)

if TYPE_CHECKING:  # annotations only: a warm check loads neither documents nor coverage
    from audit.model.document import Document
    from audit.model.example import ExampleResult

__all__ = [
    "CHECK_STAGES",
    "PARALLEL_MIN_FILES",
    "Analysis",
    "Audit",
    "analyse",
    "check",
    "default_jobs",
    "full_audit",
    "gc_paused",
    "parse_all",
    "parse_memo",
    "tracker_config",
]


def analyse(
    loaded: LoadedConfig,
    jobs: int = 1,
    stages: Sequence[str] = ("static",),
    cache: bool = False,
    sources: Sequence[Source] | None = None,
    memo: dict[tuple[str, str], Document] | None = None,
) -> Analysis:
    """discover → parse (documents, trackers) → graph → rules over every document.

    ``stages`` are ``"static"`` and, for ``check``, ``"tracker"`` (the tracker rules with
    coverage computed without examples). With ``cache``, unchanged documents come from the parse
    cache, and the run is recorded as the state the incremental ``check`` builds on. ``sources``
    replaces discovery (the mkdocs plugin audits the pages mkdocs builds); ``memo`` keeps parsed
    documents in memory by (path, digest) across runs of one process (``mkdocs serve``)."""
    with gc_paused():
        return _analyse(loaded, jobs, stages, cache, sources, memo)


def _analyse(
    loaded: LoadedConfig,
    jobs: int,
    stages: Sequence[str],
    cache: bool,
    given: Sequence[Source] | None,
    memo: dict[tuple[str, str], Document] | None,
) -> Analysis:
    config, root = loaded.config, loaded.root
    started = time.time_ns()
    parse_cache = ParseCache(root, config) if cache else None
    if given is None and memo is None:
        # each file read just before its parse (by its worker with -j): no bytes kept or sent
        paths = discover_paths(config, root)
        documents = (
            parse_files(paths, config, root, jobs)
            if parse_cache is None
            else parse_files_cached(paths, config, root, jobs, parse_cache)
        )
    else:
        sources = discover(config, root) if given is None else list(given)
        if memo is not None:
            documents = parse_memo(sources, config, memo)
            parse_cache = None  # memoised documents are not a full run the cache may record
        else:
            documents = parse_all(sources, config, jobs, parse_cache)
        del sources  # the bytes of every file: the later stages read documents only
    trackers = parse_trackers(documents, config)
    graph = build_graph(documents, config, root)
    static = [s for s in stages if s != "tracker"]
    beside = (
        tracker_findings_beside(documents, graph, config, root, trackers, jobs)
        if "tracker" in stages
        else None
    )
    file_findings = run_stage_rules(graph, config, root, static, ("file",)) if static else []
    global_findings = run_stage_rules(graph, config, root, static, ("global",)) if static else []
    tracked = beside() if beside is not None else None
    findings = sorted([*file_findings, *global_findings, *(tracked or [])], key=Finding.sort_key)
    if parse_cache is not None and "static" in stages and given is None:
        # only a discovered run is `check`'s state
        # the state the next incremental `check` builds on (it adds what it needs, if anything)
        incremental.record(
            parse_cache,
            documents,
            graph,
            file_findings,
            global_findings,
            tracked,
            started,
            trackers,
        )
    elif parse_cache is not None:
        parse_cache.flush()
    return Analysis(config, root, documents, graph, findings, trackers)


def check(
    loaded: LoadedConfig,
    jobs: int,
    use_cache: bool = True,
    witness: incremental.Witness | None = None,
) -> tuple[list[Finding], list[str]]:
    """``content-audit check``: (findings, document paths) of every rule that needs no example
    run. With the cache, only what the edits since the last run can affect is re-checked
    (``audit/cache/incremental.py``, which fills ``witness``); the output is the same either
    way."""
    if use_cache:
        return incremental.check(loaded, jobs, witness)
    analysis = analyse(loaded, jobs, CHECK_STAGES)
    return analysis.findings, [d.path for d in analysis.documents]


def full_audit(
    loaded: LoadedConfig,
    jobs: int = 1,
    execute: bool = True,
    progress: Callable[[int, int, Sequence[ExampleResult]], None] | None = None,
    use_cache: bool = True,
    sources: Sequence[Source] | None = None,
    memo: dict[tuple[str, str], Document] | None = None,
) -> Audit:
    """discover → parse → graph → static rules; examples → coverage → tracker (and example)
    rules → thresholds; then the gaps join the graph for the report's picture of it.

    ``use_cache`` covers both the parse cache and the example results cache; ``sources`` and
    ``memo`` as in ``analyse``."""
    from audit.coverage.thresholds import evaluate_thresholds, findings_error_count
    from audit.graph.build import add_gaps

    analysis = analyse(loaded, jobs, cache=use_cache, sources=sources, memo=memo)
    config, root, graph = analysis.config, analysis.root, analysis.graph
    results: list[ExampleResult] | None = None
    if execute:
        from audit.examples.execute import run_examples

        results = run_examples(
            analysis.documents, config, root, jobs=jobs, use_cache=use_cache, progress=progress
        )
    tracked = tracker_results(analysis.trackers, graph, config, root, results)
    stages = ("tracker", "examples") if execute else ("tracker",)
    later = run_stage_rules(graph, config, root, stages, tracker=tracked, example_results=results)
    findings = sorted([*analysis.findings, *later], key=Finding.sort_key)
    thresholds = evaluate_thresholds(tracked.coverage, config, findings_error_count(findings))
    add_gaps(graph, analysis.trackers, tracked.coverage)
    return Audit(analysis, analysis.trackers, tracked.coverage, thresholds, results, findings)
