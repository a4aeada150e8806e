"""Computed coverage: per gap (with reasons), per category, priority, track and overall."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from audit.model.evidence import ItemEvidence, RemainingEvidence, UnclaimedSection
from audit.model.tracker import Claim, Gap, Status

TaskBasis = Literal[
    "task files",
    "materials headings",
    "materials overview tables",
    "materials headings and overview tables",
    "nothing",
]


@dataclass(frozen=True, slots=True)
class ResolvedClaim:
    claim: Claim
    document: str
    heading: int | None  # index of the claimed H2 section in its document
    section_anchor: str
    section_title: str
    resolved: bool
    reason: str = ""  # why it did not resolve
    items: tuple[ItemEvidence, ...] = ()  # each item looked for in the section
    credited: bool = True  # the section is about the gap, so it counts for its requirements
    credit_note: str = ""  # what showed it is (or that nothing did)


@dataclass(frozen=True, slots=True)
class RequirementResult:
    name: str
    met: bool
    evidence: tuple[str, ...]
    reason: str
    label: str = ""  # e.g. "static: compiles" when examples were not executed


@dataclass(frozen=True, slots=True)
class GapCoverage:
    gap: Gap
    claims: tuple[ResolvedClaim, ...]
    requirements: tuple[RequirementResult, ...]
    status: Status
    score: float  # 0..1
    priority: str  # "P1".."Pn", a label such as "LOW", or "unprioritized"
    weight: float
    tasks: tuple[str, ...]  # practice tasks that belong to the gap and exist
    remaining: tuple[RemainingEvidence, ...] = ()  # 'Осталось:' items that look done
    unclaimed: tuple[UnclaimedSection, ...] = ()  # sections about the gap it does not claim


@dataclass(frozen=True, slots=True)
class Bucket:
    name: str
    gaps: int
    covered: int
    partial: int
    none: int
    score: float  # mean score in percent


@dataclass(frozen=True, slots=True)
class ThresholdResult:
    name: str
    required: float
    actual: float
    passed: bool
    comparison: str  # ">=" or "<="


@dataclass(frozen=True, slots=True)
class TaskTally:
    """How many tasks a track has, and what was counted to say so.

    A project either writes one file per task (front matter with a subcategory) or only declares
    tasks in its materials headings (`## 1. Токенизация (llm_007_tokenization)`), like the
    published site; a tracker's figures are checked against whichever the track has.
    """

    track: str
    count: int
    basis: TaskBasis
    subcategories: dict[str, int] | None = None  # None: the tasks name no subcategory


@dataclass
class Coverage:
    gaps: list[GapCoverage] = field(default_factory=list)
    by_category: list[Bucket] = field(default_factory=list)
    by_priority: list[Bucket] = field(default_factory=list)
    by_track: list[Bucket] = field(default_factory=list)
    overall: float = 0.0
    weighted_overall: float = 0.0
    examples_executed: bool = False
    thresholds: list[ThresholdResult] = field(default_factory=list)
    task_counts: dict[str, dict[str, int]] = field(default_factory=dict)  # track -> subcat -> n
    task_tallies: dict[str, TaskTally] = field(default_factory=dict)  # per track of a tracker
    measured: bool = True  # False when no tracker was found: there is nothing to measure
