"""Our columns (1-based, counted in code points) ↔ LSP positions (0-based, UTF-16 code units).

The protocol counts columns in UTF-16 by default, so an emoji is two units and a Cyrillic letter
one; converting at the border keeps every other stage in code points.
"""

from __future__ import annotations

import re

from lsprotocol import types

from audit.model.document import Link
from audit.model.finding import Finding


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def to_utf16(line_text: str, column: int) -> int:
    """0-based UTF-16 offset of 1-based code point ``column`` in ``line_text``."""
    return utf16_len(line_text[: max(0, column - 1)])


def from_utf16(line_text: str, character: int) -> int:
    """0-based code point index of UTF-16 offset ``character`` (clamped to the line)."""
    units = 0
    for index, char in enumerate(line_text):
        if units >= character:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line_text)


class Lines:
    """The lines of one text, split like the parser splits them (CRLF, CR and LF end a line)."""

    __slots__ = ("lines",)

    def __init__(self, text: str) -> None:
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def get(self, line: int) -> str:
        """1-based line (empty past the end)."""
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def position(self, line: int, column: int) -> types.Position:
        return types.Position(max(0, line - 1), to_utf16(self.get(line), column))

    def column_at(self, position: types.Position) -> tuple[int, int]:
        """1-based (line, code point column) of an LSP position."""
        text = self.get(position.line + 1)
        return position.line + 1, from_utf16(text, position.character) + 1


_WORD = re.compile(r"[\w-]+")


def link_extent(lines: Lines, link: Link) -> tuple[int, int]:
    """1-based code point columns [start, end) of ``[text](target)`` on the link's line.

    The parser gives where the link starts; the end is where its target closes on that line (or
    the end of the line when the link spans lines)."""
    text = lines.get(link.span.line)
    start = link.span.column
    mark = text.find("](", start - 1)
    if mark < 0:
        return start, len(text) + 1
    close = text.find(")", mark + 2)
    return start, (close + 2) if close >= 0 else len(text) + 1


def anchor_extent(lines: Lines, link: Link) -> tuple[int, int] | None:
    """Columns [start, end) of the anchor text after ``#`` in the link's target (for an edit)."""
    text = lines.get(link.span.line)
    mark = text.find("](", link.span.column - 1)
    if mark < 0:
        return None
    close = text.find(")", mark + 2)
    hash_at = text.find("#", mark + 2, close if close >= 0 else len(text))
    if hash_at < 0:
        return None
    end = close if close >= 0 else len(text)
    return hash_at + 2, end + 1


def finding_range(
    lines: Lines, finding: Finding, links: dict[tuple[int, int], Link]
) -> types.Range:
    """The range a diagnostic underlines: the span's own end when the parser gave one, the
    whole link for a link finding, otherwise the word at the start (at least one character)."""
    span = finding.span
    if span.end_line > span.line or span.end_column > span.column:
        return types.Range(
            lines.position(span.line, span.column), lines.position(span.end_line, span.end_column)
        )
    link = links.get((span.line, span.column))
    if link is not None:
        start, end = link_extent(lines, link)
        return types.Range(lines.position(span.line, start), lines.position(span.line, end))
    text = lines.get(span.line)
    match = _WORD.match(text, max(0, span.column - 1))
    end = match.end() + 1 if match and match.end() > span.column - 1 else span.column + 1
    if span.column == 1 and not match:
        end = len(text) + 1  # a whole-line finding (a heading, a claim) underlines the line
    end = min(max(end, span.column + 1), len(text) + 1) if text else span.column
    return types.Range(lines.position(span.line, span.column), lines.position(span.line, end))
