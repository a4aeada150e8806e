"""The stages chained in order: discover → parse → graph → rules.

The CLI, the benchmarks and the tests all go through ``analyse`` so that there is exactly one
way the stages are put together.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.config import LoadedConfig
from audit.discover import discover
from audit.graph import TopicGraph, build_graph
from audit.model.config import Config
from audit.model.document import Document
from audit.model.finding import Finding
from audit.model.source import Source
from audit.parse.markdown import parse
from audit.rules import RuleContext, run_rules

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
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


def _parse_chunk(args: tuple[list[Source], Config]) -> list[Document]:
    sources, config = args
    return [parse(s, config) for s in sources]


def parse_all(sources: Sequence[Source], config: Config, jobs: int = 1) -> list[Document]:
    """Parse every source; with ``jobs > 1`` across processes, merged in path order."""
    if jobs <= 1 or len(sources) < PARALLEL_MIN_FILES:
        return [parse(s, config) for s in sources]
    # contiguous chunks keep pickling overhead low; a few chunks per worker balance load
    chunk_count = jobs * 4
    size = max(1, -(-len(sources) // chunk_count))
    chunks = [(list(sources[i:i + size]), config) for i in range(0, len(sources), size)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        parts = list(pool.map(_parse_chunk, chunks))
    documents = [doc for part in parts for doc in part]
    documents.sort(key=lambda d: d.path)
    return documents


def analyse(loaded: LoadedConfig, jobs: int = 1, stages: Sequence[str] = ("static",)) -> Analysis:
    config, root = loaded.config, loaded.root
    sources = discover(config, root)
    documents = parse_all(sources, config, jobs)
    graph = build_graph(documents, config, root)
    ctx = RuleContext(graph, config, root)
    findings = run_rules(ctx, stages)
    return Analysis(config, root, documents, graph, findings, ctx.extras)
