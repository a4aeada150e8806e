"""What a run hands on: the static analysis, and the full audit built on it.

These are stage results, not stages, so they live with the other typed results in the model:
the report, the writeback and the mkdocs plugin read them without importing the pipeline
(``audit/pipeline.py`` builds them; only the entry points call it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from audit.model.finding import Finding

if TYPE_CHECKING:  # annotations only: a warm check loads neither documents nor coverage
    from audit.graph.build import TopicGraph
    from audit.model.config import Config
    from audit.model.coverage import Coverage, ThresholdResult
    from audit.model.document import Document
    from audit.model.example import ExampleResult
    from audit.model.tracker import Tracker


@dataclass
class Analysis:
    """discover → parse → graph → rules: what ``check`` and the full audit both start from."""

    config: Config
    root: Path
    documents: list[Document]
    graph: TopicGraph
    findings: list[Finding]
    trackers: list[Tracker]


@dataclass
class Audit:
    """The full audit: static analysis plus trackers, examples and coverage."""

    analysis: Analysis
    trackers: list[Tracker]
    coverage: Coverage
    thresholds: list[ThresholdResult]
    example_results: list[ExampleResult] | None
    findings: list[Finding]
