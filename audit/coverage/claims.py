"""What a claim points at, and what the claimed section really holds (read from Documents)."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from audit.model.document import Document, QAPair
from audit.model.tracker import Claim, ClaimItem

if TYPE_CHECKING:
    from audit.model.config import Config


def h2_of(doc: Document, heading_index: int | None) -> int | None:
    """The H2 (or shallower) ancestor of a heading."""
    while heading_index is not None and doc.headings[heading_index].level > 2:
        heading_index = doc.headings[heading_index].parent
    return heading_index


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def find_section(doc: Document, claim: Claim) -> int | None:
    """Index of the H2 section a claim names, by number or by name."""
    if claim.section_number is not None:
        return doc.numbered_sections().get(claim.section_number)
    if claim.section_name:
        wanted = _norm(claim.section_name)
        for index, heading in enumerate(doc.headings):
            if heading.level == 2 and wanted and wanted in _norm(heading.text):
                return index
    return None


def suggest_section(doc: Document, topic: str) -> int | None:
    """The H2 whose title best matches a topic (for "did you mean section N?")."""
    best, best_score = None, 0.0
    target = _norm(topic)
    for index, heading in enumerate(doc.headings):
        if heading.level != 2:
            continue
        score = difflib.SequenceMatcher(None, target, _norm(heading.title)).ratio()
        if score > best_score:
            best, best_score = index, score
    return best if best_score >= 0.35 else None


def qa_in_section(doc: Document, h2_index: int) -> list[QAPair]:
    heading = doc.headings[h2_index]
    return [q for q in doc.qa if heading.span.line < q.span.line <= heading.end_line]


def answered(pairs: list[QAPair]) -> list[QAPair]:
    return [q for q in pairs if q.answer]


def in_subsection(doc: Document, pair: QAPair, config: Config) -> bool:
    index = pair.section
    names = {n.lower() for n in config.qa.subsection_headings}
    while index is not None:
        if doc.headings[index].title.strip().lower() in names:
            return True
        index = doc.headings[index].parent
    return False


def levels_present(doc: Document, h2_index: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for pair in answered(qa_in_section(doc, h2_index)):
        if pair.level:
            out[pair.level] = out.get(pair.level, 0) + 1
    return out


def count_for_item(
    doc: Document, h2_index: int, item: ClaimItem, claim: Claim, config: Config
) -> int:
    """What the section really holds for a counted claim item."""
    pairs = answered(qa_in_section(doc, h2_index))
    if item.subsection:
        return sum(1 for p in pairs if in_subsection(doc, p, config))
    levels = item.levels or ()
    if len(levels) == 1 or (levels and len(levels) < len(config.levels.names)):
        return sum(1 for p in pairs if p.level in levels)
    return len(pairs)
