"""What the audit found for each claimed item in the section it points at (facts, no verdicts).

The coverage stage fills these; the claim rules turn the failed ones into findings and the
reporters show them. Lines are 1-based lines of the claimed document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EvidenceKind = Literal["code", "math", "table"]
ItemState = Literal["found", "missing", "generic", "uncheckable", "unchecked"]


@dataclass(frozen=True, slots=True)
class TermHit:
    term: str  # as written in the item
    line: int | None  # first line of the section that mentions it (None: not found)


@dataclass(frozen=True, slots=True)
class KindHit:
    kind: EvidenceKind  # what the item's qualifier asks for ("с кодом" → code)
    line: int | None  # the block that proves it (None: the section has none that fits)


@dataclass(frozen=True, slots=True)
class ItemEvidence:
    """One claim item looked for in its section.

    ``state``: ``found`` (every named term and the demanded kind of evidence are there),
    ``missing`` (something is not: see ``missing_terms`` / ``missing_kinds``), ``generic``
    (nothing topic-specific to look for: 'Interview questions (4 Q&A)'; the count check still
    applies), ``uncheckable`` (punctuation, numbers, emoji, or too long: ``reason`` says why),
    ``unchecked`` (the section text could not be read).
    """

    text: str
    line: int  # the item's line in the tracker
    state: ItemState
    terms: tuple[TermHit, ...] = ()
    kinds: tuple[KindHit, ...] = ()
    reason: str = ""

    @property
    def missing_terms(self) -> tuple[str, ...]:
        return tuple(t.term for t in self.terms if t.line is None)

    @property
    def missing_kinds(self) -> tuple[EvidenceKind, ...]:
        return tuple(k.kind for k in self.kinds if k.line is None)

    @property
    def evidence_lines(self) -> tuple[int, ...]:
        lines = [t.line for t in self.terms if t.line is not None]
        lines += [k.line for k in self.kinds if k.line is not None]
        return tuple(sorted(set(lines)))


@dataclass(frozen=True, slots=True)
class RemainingEvidence:
    """An ``Осталось:`` item compared with what exists now."""

    text: str
    line: int
    task: str = ""  # an existing task that belongs to the gap, when the item asks for a task
    task_path: str = ""
    done_in: str = ""  # "path:line" of a claimed section that now holds the item's terms


@dataclass(frozen=True, slots=True)
class UnclaimedSection:
    """A section whose heading (or task id) matches a gap that does not claim it."""

    document: str
    heading: int  # heading index in that document
    title: str
    line: int
    number: int | None
    matched: tuple[str, ...]  # the title terms (or task id) that matched
