"""Computed coverage: per gap (with reasons), per category, priority, track and overall."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from audit.model.evidence import ItemEvidence, RemainingEvidence, UnclaimedSection
from audit.model.tracker import Claim, Gap, Status, Tracker

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
    # what the section holds for each counted item (`5 Q&A`), in item order; None: not counted
    counts: tuple[int | None, ...] = ()

    def actual(self, item: int) -> int | None:
        """What the section holds for item number ``item`` (None: not counted, or unresolved)."""
        return self.counts[item] if item < len(self.counts) else None


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

    @property
    def unmet(self) -> tuple[str, ...]:
        """The names of the requirements it does not meet, in the requirements' order."""
        return tuple(r.name for r in self.requirements if not r.met)

    @property
    def unproven_items(self) -> int:
        """Claimed items not found in their (resolved) sections."""
        return sum(1 for rc in self.claims for ev in rc.items if ev.state == "missing")


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


@dataclass(frozen=True)
class Coverage:
    """Built once by ``audit.coverage.scoring.compute_coverage``; nothing changes it later."""

    gaps: list[GapCoverage] = field(default_factory=list)
    by_category: list[Bucket] = field(default_factory=list)
    by_priority: list[Bucket] = field(default_factory=list)
    by_track: list[Bucket] = field(default_factory=list)
    by_tracker: list[Bucket] = field(default_factory=list)  # named by the tracker's path
    overall: float = 0.0
    weighted_overall: float = 0.0
    examples_executed: bool = False
    task_counts: dict[str, dict[str, int]] = field(default_factory=dict)  # track -> subcat -> n
    task_tallies: dict[str, TaskTally] = field(default_factory=dict)  # per track of a tracker
    measured: bool = True  # False when no tracker was found: there is nothing to measure
    # (tracker path, priority row line) -> the gap ids the row matched (by task id, then title)
    priority_rows: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TrackerResults:
    """What the tracker rules read: the parsed trackers and the coverage computed from them.

    ``check`` runs no example, so its coverage counts an example that compiles as working (as
    ``report --no-exec`` does) and it also computes ``if_examples_fail``: the same coverage with
    every such example counted as failing. A status or figure the rules compare is then known to
    lie between the two, and a finding that holds at both ends holds whatever the examples do.
    """

    trackers: tuple[Tracker, ...]
    coverage: Coverage
    if_examples_fail: Coverage | None = None  # set when examples were not run (``check``)
