"""A gap tracker as parsed from Markdown: gaps, claims, priority rows, wishes, figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from audit.model.problem import Problem
from audit.model.span import Span

Status = Literal["none", "partial", "covered"]
DeclaredStatus = Literal["none", "partial", "covered", "unknown"]


@dataclass(frozen=True, slots=True)
class ClaimItem:
    text: str
    span: Span
    count: int | None = None  # "4 Q&A" -> 4
    levels: tuple[str, ...] = ()  # canonical level names the count is about
    subsection: bool = False  # "Interview questions (4 Q&A)": counts the Q&A subsection


@dataclass(frozen=True, slots=True)
class Claim:
    document_raw: str  # as written: "materials.md"
    document: str  # resolved project-relative path ("" when unresolved)
    section_number: int | None
    section_name: str | None  # "(MoE section)" -> "MoE"
    qualifiers: tuple[str, ...]
    levels: tuple[str, ...]  # level names among the qualifiers
    items: tuple[ClaimItem, ...]
    span: Span
    problem: str = ""  # "", "missing-document", "ambiguous-alias"


@dataclass(frozen=True, slots=True)
class Gap:
    id: str
    number: int | None
    title: str
    category: str
    declared_raw: str
    declared_status: DeclaredStatus
    span: Span
    end_line: int
    track: str
    tracker: str  # path of the tracker
    asked: tuple[str, ...] = ()
    example_question: str = ""
    recommended_tasks: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()
    sources: str = ""
    remaining: tuple[str, ...] = ()
    priority_label: str = ""  # "LOW" from "Приоритет: LOW (...)"
    frequency: int | None = None  # "спрашивают в 60% интервью" -> 60
    body_blocks: int = 0
    remaining_lines: tuple[int, ...] = ()  # line of each 'remaining' item


@dataclass(frozen=True, slots=True)
class PriorityRow:
    priority: int
    heading: str
    gap_name: str
    difficulty: str
    task_id: str
    span: Span
    matches: tuple[str, ...] = ()  # gap ids the row matched


@dataclass(frozen=True, slots=True)
class Wish:
    source: str
    target: str
    reason: str
    span: Span


FigureKind = Literal["task-count", "subcategory-count", "coverage-percent"]


@dataclass(frozen=True, slots=True)
class Figure:
    kind: FigureKind
    value: int
    span: Span
    label: str = ""  # subcategory for subcategory-count
    context: str = ""  # where the figure was written ("heading", "lead", "table", "summary")
    qualifier: str = ""  # what a coverage figure is about: "для Senior+" in "~85% для Senior+"


@dataclass(frozen=True, slots=True)
class Marker:
    name: str
    begin_line: int
    end_line: int


@dataclass
class Tracker:
    path: str
    track: str
    title: str
    gaps: list[Gap] = field(default_factory=list)
    priority_rows: list[PriorityRow] = field(default_factory=list)
    wishes: list[Wish] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    subcategory_coverage_words: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # entries the parser could not read
