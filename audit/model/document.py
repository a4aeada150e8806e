"""The parsed form of one Markdown file. Every element carries the Span where it starts."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Literal

from audit.model.problem import Problem
from audit.model.span import Span

DocumentKind = Literal["materials", "interview", "tracker", "task", "other"]
LinkKind = Literal["relative", "external", "anchor", "other"]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str  # plain text, markup stripped, {#id} removed
    anchor: str
    span: Span
    explicit_anchor: bool = False
    number: int | None = None  # "## 15. Title" -> 15
    title: str = ""  # text without the number prefix
    end_line: int = 0  # last line of the section this heading opens
    parent: int | None = None  # index of the enclosing heading


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    target: str  # raw target as written (percent-decoded)
    path: str  # file part of the target ("" for a same-file anchor)
    anchor: str  # fragment, percent-decoded ("" when none)
    kind: LinkKind
    span: Span
    image: bool = False
    line_role: str = ""  # "prerequisites" for links on a "Предварительно:" line
    # raw HTML (<a href>, <img src>) on a page mkdocs publishes as a folder of its own
    # (use_directory_urls: setup/page.md at setup/page/): the browser resolves it from there,
    # one level below the file's folder, where a Markdown link is rewritten by mkdocs
    from_html: bool = False


@dataclass(frozen=True, slots=True)
class CodeBlock:
    info: str
    language: str
    flags: tuple[str, ...]
    code: str
    span: Span  # the opening fence
    code_line: int  # first line of the code itself
    section: int | None  # index of the heading the block sits under
    skip_reason: str = ""  # why the author opted out ("" = runnable)
    expected_output: str | None = None
    expected_output_line: int = 0
    timeout_s: float | None = None
    # column in the file of the code's first character (past the fence's indentation and any
    # list/quote markers): code character k of line n sits at column code_column + k - 1
    code_column: int = 1
    # the same per code line when the lines start at different columns (`> x` then `>y`, a
    # line indented less than its fence); empty when every line starts at code_column
    code_line_columns: tuple[int, ...] = ()
    # "code", or "diagram" for a superfences custom fence (mermaid): rendered, never an example
    kind: str = "code"

    def column_of(self, code_line_number: int) -> int:
        """Column in the file where 1-based line ``code_line_number`` of ``code`` starts
        (< 1 only when the parser expanded a leading tab of that line into spaces)."""
        if 1 <= code_line_number <= len(self.code_line_columns):
            return self.code_line_columns[code_line_number - 1]
        return self.code_column


@dataclass(frozen=True, slots=True)
class QAPair:
    question: str
    answer: str | None
    span: Span  # the question marker
    answer_span: Span | None
    section: int | None  # index of the heading the pair belongs to (its level heading if any)
    level: str | None  # canonical level name or None


@dataclass(frozen=True, slots=True)
class OrphanAnswer:
    span: Span
    section: int | None


@dataclass(frozen=True, slots=True)
class TaskMention:
    task_id: str
    span: Span
    heading: int | None  # heading index when the mention sits in a heading


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A top-level text block, kept for stages that read prose (the tracker parser)."""

    text: str
    span: Span
    kind: str  # "paragraph", "list", "table", "quote", "html"
    section: int | None
    raw: str = ""
    items: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Suppression:
    codes: frozenset[str]  # empty = every code
    first_line: int
    last_line: int


@dataclass(slots=True)
class Document:
    path: str
    kind: DocumentKind
    track: str
    digest: str
    line_count: int = 0
    title: str = ""
    front_matter: dict[str, Any] | None = None
    front_matter_span: Span | None = None
    front_matter_key_lines: dict[str, int] = field(default_factory=dict)
    headings: list[Heading] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    code_blocks: list[CodeBlock] = field(default_factory=list)
    qa: list[QAPair] = field(default_factory=list)
    orphan_answers: list[OrphanAnswer] = field(default_factory=list)
    task_mentions: list[TaskMention] = field(default_factory=list)
    blocks: list[Paragraph] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    file_ignores: frozenset[str] = frozenset()
    updated: str = ""
    problems: list[Problem] = field(default_factory=list)  # what parsing could not read
    # anchors that are no heading's: footnotes (fn:1, fnref:1), ids of raw HTML elements; a
    # tuple (a class attribute) so that a Document pickled before the field existed reads as ()
    extra_anchors: tuple[str, ...] = ()
    # anchors() memo: (the headings list it was computed from, its length, the anchors); every
    # link to a page asks for them, and rebuilding the set per link made a page of 50,000
    # headings with a link under each quadratic
    _anchors: tuple[list[Heading], int, frozenset[str]] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def stem(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return name[:-3] if name.endswith(".md") else name

    def anchors(self) -> frozenset[str]:
        """The page's heading anchors, built once (again only if ``headings`` was replaced or
        grew since)."""
        memo = self._anchors
        headings = self.headings
        if memo is None or memo[0] is not headings or memo[1] != len(headings):
            memo = (
                headings,
                len(headings),
                frozenset(h.anchor for h in headings).union(self.extra_anchors),
            )
            self._anchors = memo
        return memo[2]

    def numbered_sections(self) -> dict[int, int]:
        """Map section number to heading index for the H2 sections of the page."""
        out: dict[int, int] = {}
        for i, h in enumerate(self.headings):
            if h.level == 2 and h.number is not None and h.number not in out:
                out[h.number] = i
        return out

    def section_of_line(self, line: int, level: int = 2) -> int | None:
        """Index of the innermost heading of at most ``level`` whose section holds ``line``.

        Headings are in source order, so the last one starting at or before ``line`` is found by
        bisection; from there the walk goes up through ``parent`` (every heading between a
        heading and its parent is at least as deep), so a call costs O(log n + depth) instead of
        a scan of every heading (a scan per link made a 20 MB page take minutes).
        """
        headings = self.headings
        i = bisect_right(headings, line, key=lambda h: h.span.line) - 1
        while i >= 0:
            h = headings[i]
            if h.level <= level:
                if h.end_line >= line:
                    return i
                i -= 1
            elif h.parent is not None and h.parent < i:
                i = h.parent
            else:
                i -= 1
        return None
