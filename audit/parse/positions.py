"""Offsets ↔ (line, column) for decoded text.

mistune gives no positions, so the parser works on one normalised string (BOM removed, CRLF and
CR turned into LF exactly as mistune does) and converts offsets with this index. Columns count
characters, so a Cyrillic letter is one column although it is two bytes in UTF-8.
"""

from __future__ import annotations

from bisect import bisect_right


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class LineIndex:
    __slots__ = ("line_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self.line_starts = starts

    @property
    def line_count(self) -> int:
        count = len(self.line_starts)
        if self.text.endswith("\n"):
            count -= 1
        return max(count, 1)

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def offset(self, line: int) -> int:
        """Offset of the first character of a 1-based line (end of text past the last line)."""
        if line < 1:
            return 0
        if line > len(self.line_starts):
            return len(self.text)
        return self.line_starts[line - 1]

    def line_text(self, line: int) -> str:
        start = self.offset(line)
        end = self.text.find("\n", start)
        return self.text[start : end if end >= 0 else len(self.text)]
