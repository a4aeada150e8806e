"""Markdown → Document, with a source position for every element.

mistune 3 builds the block/inline tree but records no positions. We record the parser's own
offsets: ``_PositionedBlockParser`` notes where every block starts (the block parser's cursor
at dispatch time) at every depth, each block state knows the file line of its first line (a
list item or quote is parsed from a copy of its lines, one per file line, markers stripped),
and ``_PositionedInlineParser`` notes where each link, image, code span and autolink starts in
the inline text. Links, images, headings and code blocks are placed by these offsets, not by
searching the raw text (where a code span, HTML or a nested fence holding the same text would
be found first); Q&A markers are scanned for from their paragraph's recorded line on. The old
text scans remain as the fallback for a token the hooks did not place (none on the property
corpus). Task mentions are the task-id pattern's own matches in the text, fenced code aside.
"""

from __future__ import annotations

import html
import re
import string
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, SupportsIndex
from urllib.parse import unquote

import mistune
from mistune.block_parser import BlockParser
from mistune.core import BlockState, InlineState
from mistune.inline_parser import InlineParser
from mistune.util import unescape as unescape_entities

from audit.model.document import (
    CodeBlock,
    Document,
    DocumentKind,
    Heading,
    Link,
    LinkKind,
    OrphanAnswer,
    Paragraph,
    QAPair,
    Suppression,
    TaskMention,
)
from audit.model.problem import Problem
from audit.model.source import Source
from audit.model.span import Span
from audit.parse import dialect
from audit.parse.frontmatter import load_front_matter, split_front_matter
from audit.parse.positions import LineIndex, normalise_newlines
from audit.parse.slugs import AnchorAllocator

if TYPE_CHECKING:  # annotations only: the changed page of a warm check is parsed without pydantic
    from audit.model.config import Config

Token = dict[str, Any]

_EXPLICIT_ID = re.compile(r"\s*\{\s*:?\s*#([^\s}]+)[^}]*\}\s*$")
_NUMBERED = re.compile(r"^(\d{1,6})\.\s+(.*)$")
_SUPPRESS = re.compile(r"<!--\s*audit:\s*(ignore-file|ignore|skip)\b([^>]*?)-->", re.S)
_CODES = re.compile(r"[A-Z]{2,3}\d{3}")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_FM_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_TIMEOUT = re.compile(r"^timeout=(\d+(?:\.\d+)?)s?$")
_BRACKET = re.compile(r"[\[\]]")
# a source range without a match holds no heading (ATX or setext) inside a list or quote: the
# tree walk looking for one is skipped (it visited every node of every list)
_MAYBE_HEADING = re.compile(r"^[ \t>*+\-\d.)]*#{1,6}(?:[ \t]|$)|^[ \t>]*(?:=+|-+)[ \t]*$", re.M)
# ... and no fenced or indented code block either
_MAYBE_CODE = re.compile(r"^[ \t>*+\-\d.)]*(?:```|~~~)|^[ \t>]*(?: {4}|\t)", re.M)
# the list and quote markers opening a line (`> `, `- `, `1. `, `> - `...): what is left is the
# source form of a nested element (an ATX `#`, a setext underline, a fence, a Q&A marker)
_CONTAINER_PREFIX = re.compile(r"(?:[ \t]*(?:>|(?:[*+\-]|\d{1,9}[.)])(?=[ \t]|$)))*[ \t]*")
_ATX_OPENING = {
    level: re.compile(_CONTAINER_PREFIX.pattern + rf"#{{{level}}}(?:[ \t]|$)")
    for level in range(1, 7)
}
_SETEXT_UNDERLINE = re.compile(r"(?:[ \t]*(?:>|(?:[*+\-]|\d{1,9}[.)])[ \t]))*[ \t]*(=+|-+)[ \t]*$")


class _PositionedState(BlockState):
    """A block state that knows where its text lies in the file.

    A list item or block quote is parsed from a copy of its lines with the markers stripped, one
    line of the copy per line of its parent (lazy lines too): ``origin_line`` is the file line
    of the copy's first line, so an offset in the copy maps back to a file line, and to a column
    by aligning the copy's line with the end of the file's line (only leading blanks and markers
    were removed or tab-expanded).
    """

    # where the block quote being parsed starts in ``tokens`` (innermost last): mistune puts a
    # quote that a following list (or fence, rule, HTML) ended "before the last token", but that
    # list's parse can append more than one token, and the quote landed after the list
    quote_starts: list[int]

    def __init__(self, parent: Any | None = None) -> None:
        super().__init__(parent)
        self.quote_starts = []
        self.origin_line = 1
        # offset of the first line of the block quote whose child state is created next
        self.child_start: int | None = None
        # per list being parsed (innermost last): offset of the marker line of its next item
        self.item_starts: list[int] = []
        self._line_starts: list[int] | None = None
        # every state of one parse, for release_states (env is shared with the child states)
        self.env.setdefault("_states", []).append(self)

    def prepend_token(self, token: Token) -> None:
        starts = self.quote_starts
        if starts and token.get("type") == "block_quote":
            self.tokens.insert(starts[-1], token)
        else:
            super().prepend_token(token)

    def add_paragraph(self, text: str) -> None:
        last = self.last_token()
        if last and last["type"] == "paragraph":
            _extend_paragraph(last, text)
            return
        token: Token = {"type": "paragraph", "text": text}
        if self.parent is None:
            token["_start"] = self.cursor
        self._place(token, self.cursor)
        token["_text_at"] = self.cursor
        self.tokens.append(token)

    def append_paragraph(self) -> int | None:
        last = self.last_token()
        if last and last["type"] == "paragraph":
            pos = self.find_line_end()
            _extend_paragraph(last, self.get_text(pos))
            return pos
        return None

    def child_state(self, src: str, lazy_line_starts: set[int] | None = None) -> BlockState:
        child = super().child_state(src, lazy_line_starts)
        assert isinstance(child, _PositionedState)
        start = self.child_start
        if start is not None:  # a block quote (see extract_block_quote)
            self.child_start = None
            child.origin_line = self.source_line(start)
        elif self.item_starts:  # a list item, from its marker line (the next line if empty)
            start = self.item_starts[-1]
            empty = _EMPTY_ITEM.match(self.get_line(start)) is not None
            child.origin_line = self.source_line(start) + int(empty)
            # the item's lines were collected up to and including the next item's marker line
            # (when there is a next item): that line opens it
            self.item_starts[-1] = self.src.rfind("\n", 0, max(self.cursor - 1, 0)) + 1
        else:  # no known caller: the line being parsed
            child.origin_line = self.source_line(self.cursor)
        return child

    def source_line(self, offset: int) -> int:
        """The file line of an offset in this state's text."""
        return self.origin_line + self._line_number(offset)

    def _line_number(self, offset: int) -> int:
        starts = self._line_starts
        if starts is None:
            starts = [0]
            find = self.src.find
            pos = find("\n")
            while pos >= 0:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
            self._line_starts = starts
        return bisect_right(starts, offset) - 1

    def position(self, offset: int, index: LineIndex) -> tuple[int, int]:
        """(file line, column) of an offset in this state's text. Nothing is copied but a
        short window: a 1 MB line holding 50,000 links is not sliced per link."""
        if self.parent is None:  # mistune's copy of the file: the same offsets
            return index.position(offset)
        number = self._line_number(offset)
        starts = self._line_starts
        assert starts is not None
        own_start = starts[number]
        own_end = starts[number + 1] - 1 if number + 1 < len(starts) else len(self.src)
        line = self.origin_line + number
        file_start = index.offset(line)
        lines = index.line_starts
        file_end = lines[line] - 1 if line < len(lines) else len(index.text)
        at = _aligned_offset(index.text, file_start, file_end, self.src, own_start, offset, own_end)
        return line, at - file_start + 1

    def _place(self, token: Token, offset: int) -> None:
        token["_line"] = self.source_line(offset)
        token["_origin"] = self


def release_states(state: BlockState) -> None:
    """Break the cycles of a finished parse: a state's tokens name it (``_origin``), so the
    token tree of every file was cyclic garbage, and the parse stage runs with the collector
    paused (``audit.stages.gc_paused``): 80 % of a cold run's heap was the token trees of
    files parsed long before. Emptying each state's token list lets reference counting free
    the tree as soon as the document is built."""
    for each in state.env.pop("_states", ()):
        each.tokens = []


def _extend_paragraph(token: Token, text: str) -> None:
    """Add a line to a paragraph. mistune's ``token["text"] += text`` copies the paragraph for
    every line (quadratic on a paragraph of 40,000 ``[^n]: ...`` lines, each of which the
    block parser tries as a reference definition first): the lines are kept apart and joined
    once, when the inline parser reads them."""
    more = token.get("_more")
    if more is None:
        token["_more"] = [text]
    else:
        more.append(text)


# the block types _Builder._iter_headings finds a heading in
_HEADING_HOLDERS = frozenset(("heading", "block_quote", "list"))
_EMPTY_ITEM = re.compile(r"[ \t]*(?:[*+\-]|\d{1,9}[.)])\s*$")


_WINDOW = 64  # characters compared at each end of an aligned line


def _aligned_offset(
    text: str, file_start: int, file_end: int, src: str, own_start: int, offset: int, own_end: int
) -> int:
    """Offset in ``text`` (a file line from ``file_start`` to ``file_end``) of ``src[offset]``,
    whose line of a container's child state runs from ``own_start`` to ``own_end``: the file
    line's end, minus leading markers and blanks (a leading tab maybe expanded), minus trailing
    blanks on an item's last line. Both ends of the alignment are compared, a window each."""
    for trim in (False, True):
        end, fend = own_end, file_end
        if trim:  # the container dropped the line's trailing blanks
            while end > offset and src[end - 1] in " \t":
                end -= 1
            while fend > file_start and text[fend - 1] in " \t":
                fend -= 1
        rest = end - offset
        at = fend - rest
        width = min(rest, _WINDOW)
        if (
            at >= file_start
            and text.startswith(src[offset : offset + width], at)
            and text.startswith(src[end - width : end], fend - width)
        ):
            return at
    probe = src[offset : min(own_end, offset + _WINDOW)].rstrip(" \t")
    found = text.find(probe, file_start, file_end) if probe else -1
    return found if found >= 0 else min(file_start + offset - own_start, file_end)


def _table_cells(token: Token, state: _PositionedState, start: int, pipe: bool) -> None:
    """Give every cell of a table the offset of its text, splitting the rows as mistune's table
    plugin does (a pipe table's outer pipes dropped, ``\\|`` not a separator)."""
    rows: list[list[Token]] = []
    for part in token.get("children", []) or []:
        if part.get("type") == "table_head":
            rows.append(part.get("children", []) or [])
            rows.append([])  # the alignment row
        else:
            rows.extend(row.get("children", []) or [] for row in part.get("children", []) or [])
    src = state.src
    line_start = start
    for cells in rows:
        line_end = src.find("\n", line_start)
        if line_end < 0:
            line_end = len(src)
        if cells:
            text_start = line_start
            text_end = len(src[line_start:line_end].rstrip(" \t")) + line_start
            if pipe:
                while src.startswith(" ", text_start) and not src.startswith("|", text_start):
                    text_start += 1
                text_start, text_end = text_start + 1, text_end - 1
            cell_start = text_start
            k = 0
            pos = text_start
            while pos <= text_end and k < len(cells):
                at_pipe = pos < text_end and src[pos] == "|" and not _escaped(src, pos)
                if pos == text_end or at_pipe:
                    raw = src[cell_start:pos]
                    cells[k]["_text_at"] = cell_start + len(raw) - len(raw.lstrip())
                    state._place(cells[k], cell_start)
                    k += 1
                    cell_start = pos + 1
                pos += 1
        line_start = line_end + 1


def _escaped(text: str, pos: int) -> bool:
    backslashes = 0
    pos -= 1
    while pos >= 0 and text[pos] == "\\":
        backslashes += 1
        pos -= 1
    return backslashes % 2 == 1


class _PositionedBlockParser(BlockParser):
    state_cls = _PositionedState

    def parse_method(self, m: re.Match[str], state: BlockState) -> Any:
        assert isinstance(state, _PositionedState)
        before = len(state.tokens)
        result = super().parse_method(m, state)
        if len(state.tokens) == before:
            return result
        top = state.parent is None
        rule = m.lastgroup
        start = m.start()
        line = state.source_line(start)  # _place, once for every token of this call
        for token in state.tokens[before:]:
            if "_line" in token:
                continue  # placed by a nested call (a block that ended a list, say)
            if top:
                token.setdefault("_start", start)
            token["_line"] = line
            token["_origin"] = state
            kind = token.get("type")
            if kind == "heading" and rule == "atx_heading":
                text = m.group("atx_2")
                token["_text_at"] = (
                    m.start("atx_2") + len(text) - len(text.lstrip(string.whitespace))
                )
            elif kind == "table" and rule in ("table", "nptable"):
                _table_cells(token, state, m.start(), rule == "table")
        return result

    def extract_block_quote(
        self, m: re.Match[str], state: BlockState
    ) -> tuple[str, int | None, set[int]]:
        start = state.cursor
        result = super().extract_block_quote(m, state)
        assert isinstance(state, _PositionedState)
        state.child_start = start  # the child state made next is this quote's
        return result

    def parse_block_quote(self, m: re.Match[str], state: BlockState) -> int:
        assert isinstance(state, _PositionedState)
        starts = state.quote_starts
        starts.append(len(state.tokens))
        try:
            return super().parse_block_quote(m, state)
        finally:
            starts.pop()

    def parse_list(self, m: re.Match[str], state: BlockState) -> int:
        assert isinstance(state, _PositionedState)
        state.item_starts.append(m.start())
        try:
            return super().parse_list(m, state)
        finally:
            state.item_starts.pop()

    def _parse_indent_code_fast(self, state: BlockState) -> Any:
        assert isinstance(state, _PositionedState)
        before, start = len(state.tokens), state.cursor
        result = super()._parse_indent_code_fast(state)
        if len(state.tokens) == before:
            return result
        for token in state.tokens[before:]:
            if "_line" not in token:
                if state.parent is None:
                    token.setdefault("_start", start)
                state._place(token, start)
        return result


class _Brackets(list[Any]):
    """mistune's stack of open ``[``: remembers the last one popped, which is the opener of the
    link that ``_close_bracket`` appends right after popping it."""

    last: Any = None

    def pop(self, index: SupportsIndex = -1) -> Any:
        item = super().pop(index)
        self.last = item
        return item


class _PositionedInlineState(InlineState):
    def __init__(self, env: MutableMapping[str, Any]) -> None:
        super().__init__(env)
        self.brackets = _Brackets()

    def append_token(self, token: Token) -> None:
        kind = token.get("type")
        if kind in ("link", "image") and "_at" not in token and "_autolink" not in token:
            opener = self.brackets.last if isinstance(self.brackets, _Brackets) else None
            if opener is not None:  # Bracket.start is just past its `[` (or `![`)
                token["_at"] = int(opener.start) - (2 if kind == "image" else 1)
        super().append_token(token)


class _PositionedInlineParser(InlineParser):
    """Notes on every link, image and code span the offset where the parser found it (``_at``,
    in the text the inline parser was given)."""

    state_cls = _PositionedInlineState

    def parse_method(self, m: re.Match[str], state: InlineState) -> int | None:
        before = len(state.tokens)
        end: int | None = super().parse_method(m, state)
        rule = m.lastgroup
        if not end:
            return end
        if rule == "codespan":
            for token in state.tokens[before:]:
                if token.get("type") == "codespan":
                    token.setdefault("_at", m.start())
        elif rule in ("auto_link", "auto_email"):  # the link text starts past the `<`
            for token in state.tokens[before:]:
                if token.get("type") == "link":
                    token.setdefault("_at", m.start() + 1)
        elif rule == "strikethrough":  # its content was parsed as a text of its own
            for token in state.tokens[before:]:
                for child in _descendants(token):
                    if "_at" in child:
                        child["_at"] += m.end()
        return end


class _PositionedMarkdown(mistune.Markdown):
    def _iter_render(self, tokens: Iterable[Token], state: BlockState) -> Iterable[Token]:
        for tok in tokens:
            if "children" in tok:
                tok["children"] = list(self._iter_render(tok["children"], state))
            elif "text" in tok:
                text = tok.pop("text")
                if "_more" in tok:
                    text += "".join(tok.pop("_more"))
                stripped = text.strip(" \r\n\t\f")  # as mistune's own _iter_render
                tok["children"] = self.inline(stripped, state.env)
                if "_text_at" in tok:  # where the inline parser's text starts in the state's
                    tok["_inline_at"] = tok["_text_at"] + len(text) - len(text.lstrip(" \r\n\t\f"))
            yield tok


def _new_markdown(features: dialect.Features = dialect.ALL) -> mistune.Markdown:
    md = mistune.create_markdown(renderer=None, plugins=["table", "strikethrough"])
    dialect.install(md, features)
    md.__class__ = _PositionedMarkdown
    md.block.__class__ = _PositionedBlockParser
    md.block.state_cls = _PositionedState
    md.inline.__class__ = _PositionedInlineParser
    md.inline.state_cls = _PositionedInlineState
    # rule methods were bound when the parser was built, before the class swap
    md.block._methods["block_quote"] = md.block.parse_block_quote
    md.block._methods["list"] = md.block.parse_list
    return md


_MARKDOWN: dict[dialect.Features, mistune.Markdown] = {}


def _markdown(features: dialect.Features = dialect.ALL) -> mistune.Markdown:
    md = _MARKDOWN.get(features)
    if md is None:
        md = _MARKDOWN[features] = _new_markdown(features)
    return md


def plain_text(children: list[Token] | None) -> str:
    """Inline tokens → the text a reader sees (markup dropped, line breaks kept)."""
    if not children:
        return ""
    out: list[str] = []
    stack: list[Token] = list(reversed(children))
    while stack:
        token = stack.pop()
        kind = token.get("type")
        if kind in ("softbreak", "linebreak"):
            out.append("\n")
        elif kind == "inline_html":
            continue  # tags are not text (as Python-Markdown's toc strips them)
        elif kind == "text" and "raw" in token:
            out.append(html.unescape(str(token["raw"])))  # mistune's AST keeps &amp; as is
        elif "children" in token and isinstance(token["children"], list):
            stack.extend(reversed(token["children"]))
        elif "raw" in token:
            out.append(str(token["raw"]))
        elif "text" in token:
            out.append(str(token["text"]))
    return "".join(out)


def document_kind(rel_to_content: str, config: Config) -> tuple[DocumentKind, str]:
    parts = rel_to_content.split("/")
    name = parts[-1]
    track = parts[0] if len(parts) > 1 else ""
    docs = config.documents
    if len(parts) > 1 and parts[0] == docs.tasks_dir:
        return "task", ""
    if name in docs.tracker:
        return "tracker", track
    if name in docs.materials:
        return "materials", track
    if name in docs.interview:
        return "interview", track
    return "other", track


def _problem(code: str, path: str, line: int, col: int, msg: str) -> Problem:
    return Problem(code, Span(path, line, col), msg)


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """(line, column) of a byte offset, counted the way the parser counts: BOM dropped, CRLF and
    lone CR end lines, columns in characters."""
    head = data[:offset].decode("utf-8", "replace")
    if head.startswith("\ufeff"):
        head = head[1:]
    head = normalise_newlines(head)
    return head.count("\n") + 1, len(head) - (head.rfind("\n") + 1) + 1


def decode(source: Source) -> tuple[str | None, list[Problem]]:
    """Bytes → text, and the encoding problems met; undecodable bytes are replaced, not
    dropped."""
    data = source.data or b""
    path = source.path
    problems: list[Problem] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [_problem("IO002", path, 1, 1, "file is UTF-16 encoded, not UTF-8")]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _byte_position(data, nul)
        return None, [
            _problem(
                "IO003",
                path,
                line,
                col,
                "binary file: contains NUL bytes, not Markdown text",
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start)
        problems.append(
            _problem(
                "IO002",
                path,
                line,
                col,
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start});"
                " invalid bytes were replaced to audit the rest",
            )
        )
        text = data.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
        problems.append(_problem("IO008", path, 1, 1, "file starts with a UTF-8 BOM"))
    cr = text.find("\r")
    if cr >= 0:
        line = text.count("\n", 0, cr) + 1
        problems.append(
            _problem(
                "IO009",
                path,
                line,
                cr - (text.rfind("\n", 0, cr) + 1) + 1,
                "CRLF line endings",
            )
        )
    return text, problems


def parse(source: Source, config: Config) -> Document:
    """The parse stage's one door: a Source in, a Document out, never an exception for content."""
    content_prefix = config.content_root.strip("/") + "/"
    rel = source.path
    if rel.startswith(content_prefix):
        rel = rel[len(content_prefix) :]
    kind, track = document_kind(rel, config)
    doc = Document(path=source.path, kind=kind, track=track, digest=source.digest)
    if source.data is None:
        doc.problems.append(
            _problem(
                source.read_error_code or "IO001",
                source.path,
                1,
                1,
                source.read_error or "cannot read file",
            )
        )
        return doc
    text, problems = decode(source)
    doc.problems.extend(problems)
    if text is None:
        return doc
    try:
        _Builder(doc, normalise_newlines(text), config).build()
    except RecursionError:
        doc.problems.append(
            _problem(
                "MD003",
                source.path,
                1,
                1,
                "structure nested too deeply to analyse; the file was only partly audited",
            )
        )
    return doc


def parse_info(info: str) -> tuple[str, tuple[str, ...], float | None]:
    """Info string → (language, flags, timeout); handles ``python skip``, ``{.python .no-run}``."""
    cleaned = info.strip().strip("{}").strip()
    words = [w.lstrip(".") for w in cleaned.replace(",", " ").split()]
    if not words:
        return "", (), None
    timeout = None
    flags = []
    for word in words[1:]:
        match = _TIMEOUT.match(word)
        if match:
            timeout = float(match.group(1))
        else:
            flags.append(word)
    return words[0].lower(), tuple(flags), timeout


class _Builder:
    def __init__(self, doc: Document, text: str, config: Config) -> None:
        self.doc = doc
        self.config = config
        self.path = doc.path
        self.index = LineIndex(text)
        self.text = text
        self.anchors = AnchorAllocator(config.slug_style, config.slug_separator)
        self.level_names = {n.lower(): n for n in config.levels.names}
        for alias, canonical in config.levels.aliases.items():
            self.level_names[alias.lower()] = canonical
        self.q_markers = sorted(config.qa.question_markers, key=len, reverse=True)
        self.a_markers = sorted(config.qa.answer_markers, key=len, reverse=True)
        self.code_line_ranges: list[tuple[int, int]] = []
        self.features = dialect.features_of(config)

    # ------------------------------------------------------------------ driver
    def build(self) -> None:
        doc = self.doc
        doc.line_count = self.index.line_count
        body = self.text
        if not body.strip():
            doc.problems.append(_problem("IO010", self.path, 1, 1, "empty file"))
            return
        fm_text, fm_lines = split_front_matter(body)
        if fm_text is not None:
            self._front_matter(fm_text, fm_lines)
            # keep line numbers: the front matter becomes blank lines for mistune
            cut = self.index.offset(fm_lines + 1)
            body = "\n" * fm_lines + body[cut:]
            self.text = body
            self.index = LineIndex(body)
        tokens, state = _markdown(self.features).parse(body)
        tops = [t for t in tokens if isinstance(t, dict)]
        starts = [int(t.get("_start", -1)) for t in tops]
        # tokens without a recorded start sit where their predecessor ended
        for i, start in enumerate(starts):
            if start < 0:
                starts[i] = starts[i - 1] if i else 0
        # a block handed back after a later one would get a range ending before it starts, and
        # the other would swallow it: mistune did that to a quote ended by a list (corrected in
        # _PositionedState.prepend_token); the stable sort keeps source order whatever the cause
        order = sorted(range(len(tops)), key=starts.__getitem__)
        tops = [tops[i] for i in order]
        starts = [starts[i] for i in order]
        end_offsets = [*starts[1:], len(body)]
        blocks = []
        for token, start, end in zip(tops, starts, end_offsets, strict=True):
            first = self.index.line_of(start)
            last = max(first, self.index.line_of(max(start, end - 1)))
            while last > first and not self.index.line_text(last).strip():
                last -= 1  # a block's trailing blank lines are not part of it
            blocks.append((token, first, last))
        blocks = dialect.expand(blocks, self.index.line_text)
        doc.extra_anchors = dialect.extra_anchors(state.env)
        if self.features.attr_list:
            doc.extra_anchors += tuple(dialect.block_attr_ids(tops))
        self._headings(blocks)
        self._walk(blocks)
        self._html_block_links(state.env.get(dialect.HTML_LINKS_ENV) or ())
        self._duplicate_references(state.env.get(dialect.REF_DUPLICATES_ENV) or ())
        self._task_mentions()
        if not doc.title:
            for heading in doc.headings:
                if heading.level == 1:
                    doc.title = heading.title
                    break
        release_states(state)

    # ------------------------------------------------------------- front matter
    def _front_matter(self, fm_text: str, fm_lines: int) -> None:
        fm = load_front_matter(fm_text, fm_lines)
        doc = self.doc
        doc.front_matter_span = Span(self.path, 1, 1, fm_lines, 4)
        for number, line in enumerate(fm_text.split("\n"), start=2):
            key = _FM_KEY.match(line)
            if key and key.group(1) not in doc.front_matter_key_lines:
                doc.front_matter_key_lines[key.group(1)] = number
        if fm.error:
            doc.problems.append(
                _problem(
                    fm.error_code,
                    self.path,
                    fm.error_line,
                    fm.error_column,
                    fm.error,
                )
            )
            return
        doc.front_matter = fm.data
        audit = (fm.data or {}).get("audit")
        if isinstance(audit, dict) and isinstance(audit.get("ignore"), list):
            doc.file_ignores = frozenset(str(c) for c in audit["ignore"])
        if doc.kind == "task" and isinstance(fm.data, dict):
            track = fm.data.get("track")
            if isinstance(track, str):
                doc.track = track
        title = (fm.data or {}).get("title")
        if isinstance(title, str):
            doc.title = title

    # ----------------------------------------------------------------- headings
    def _headings(self, blocks: list[tuple[Token, int, int]]) -> None:
        raw: list[tuple[int, str, int, int]] = []  # level, text, line, column
        for token, first, last in blocks:
            if token.get("type") not in _HEADING_HOLDERS:
                continue  # no generator for the paragraphs, code and blank lines
            for heading_token, line in self._iter_headings(token, first, last):
                text = plain_text(heading_token.get("children"))
                level = int(heading_token.get("attrs", {}).get("level", 1))
                line_text = self.index.line_text(line)
                column = len(line_text) - len(line_text.lstrip()) + 1
                raw.append((level, text, line, column))
        # source order: a heading nested in a quote or list may be emitted after a later one
        # (mistune hands some blocks back out of order); sections, parents, anchor suffixes
        # and Document.section_of_line's bisection all rely on headings sorted by line
        raw.sort(key=lambda item: item[2])
        # explicit anchors are reserved first so generated ones step around them
        explicit, cleaned = self._heading_ids(raw)
        seen_explicit: dict[str, int] = {}
        for anchor, (_level, _text, line, column) in zip(explicit, raw, strict=True):
            if anchor is None:
                continue
            if anchor in seen_explicit:
                self.doc.problems.append(
                    _problem(
                        "XR004",
                        self.path,
                        line,
                        column,
                        f"duplicate explicit anchor '#{anchor}' (first on line "
                        f"{seen_explicit[anchor]})",
                    )
                )
            else:
                seen_explicit[anchor] = line
            self.anchors.reserve(anchor)
        headings: list[Heading] = []
        for anchor, clean, (level, _text, line, column) in zip(explicit, cleaned, raw, strict=True):
            is_explicit = anchor is not None
            if anchor is None:
                slug = self.anchors.slug(clean)
                anchor = self.anchors.unique(slug)
                if not slug:
                    self.doc.problems.append(
                        _problem(
                            "MD002",
                            self.path,
                            line,
                            column,
                            self._empty_anchor_message(clean, line, anchor),
                        )
                    )
            number = None
            title = clean
            match = _NUMBERED.match(clean)
            if match:
                number = int(match.group(1))
                title = match.group(2).strip()
            headings.append(
                Heading(
                    level,
                    clean,
                    anchor,
                    Span(
                        self.path,
                        line,
                        column,
                        line,
                        column + len(self.index.line_text(line).strip()),
                    ),
                    is_explicit,
                    number,
                    title,
                )
            )
        # section extents and parents
        last_line = self.index.line_count
        finished: list[Heading] = []
        stack: list[int] = []
        ends = [last_line] * len(headings)
        parents: list[int | None] = [None] * len(headings)
        for i, heading in enumerate(headings):
            while stack and headings[stack[-1]].level >= heading.level:
                ends[stack.pop()] = heading.span.line - 1
            parents[i] = stack[-1] if stack else None
            stack.append(i)
        for i, heading in enumerate(headings):
            finished.append(
                Heading(
                    heading.level,
                    heading.text,
                    heading.anchor,
                    heading.span,
                    heading.explicit_anchor,
                    heading.number,
                    heading.title,
                    max(ends[i], heading.span.line),
                    parents[i],
                )
            )
        self.doc.headings = finished
        self.heading_lines = [h.span.line for h in finished]

    def _empty_anchor_message(self, clean: str, line: int, anchor: str) -> str:
        """MD002's text: the heading as written (its plain text may be empty: an image, a
        tag), why its slug is empty, and the id the generator falls back to."""
        source = self.index.line_text(line).strip()
        shown = source if len(source) <= 60 else source[:59] + "…"
        who = "GitHub" if self.config.slug_style == "github" else "mkdocs"
        fragile = f"{who} gives it the id '{anchor}', which changes when headings move"
        if self.config.slug_style == "mkdocs-ascii" and any(
            ch.isalnum() and not ch.isascii() for ch in clean
        ):
            return (
                f"heading '{shown}' has an empty anchor: the toc slugify of the site "
                "(markdown.extensions.toc.slugify) drops Cyrillic and other non-ASCII letters, "
                f"so {fragile}; give it an explicit {{#id}} or configure slugify_unicode"
            )
        return f"heading '{shown}' has no letters or digits: its anchor is empty and {fragile}"

    def _heading_ids(
        self, raw: list[tuple[int, str, int, int]]
    ) -> tuple[list[str | None], list[str]]:
        """(explicit id or None, text without the id) of every heading: with attr_list as
        Python-Markdown reads it (dialect.heading_attrs), else the ``{#id}`` the audit always
        honoured (not on a mkdocs site with attr_list: there `Title{#id}` is text)."""
        explicit: list[str | None] = []
        cleaned: list[str] = []
        attr_list = self.features.attr_list
        strict = attr_list and self.config.site.generator == "mkdocs"
        for _level, text, _line, _column in raw:
            attrs = dialect.heading_attrs(text) if attr_list else None
            if attrs is not None or strict:
                cleaned.append(attrs[0].strip() if attrs else text.strip())
                explicit.append(attrs[1] if attrs else None)
                continue
            match = _EXPLICIT_ID.search(text)
            explicit.append(match.group(1) if match else None)
            cleaned.append(_EXPLICIT_ID.sub("", text).strip() if match else text.strip())
        return explicit, cleaned

    def _iter_headings(self, token: Token, first: int, last: int) -> Iterator[tuple[Token, int]]:
        if token.get("type") == "heading":
            yield token, first
            return
        if token.get("type") in ("block_quote", "list"):
            if not _MAYBE_HEADING.search(
                self.text, self.index.offset(first), self.index.offset(last + 1)
            ):
                return
            cursor = first  # headings come in source order: each search starts past the last
            exhausted: set[str] = set()
            for child in _descendants(token):
                if child.get("type") == "heading":
                    placed = child.get("_line")
                    if isinstance(placed, int) and first <= placed <= last:
                        line, cursor = placed, placed + 1  # where the block parser found it
                    else:
                        line, cursor = self._nested_heading_line(child, cursor, last, exhausted)
                    yield child, line
                elif child.get("type") in ("block_code", "block_html"):
                    # a `# comment` in code or a `# x` line in raw HTML is no heading
                    cursor = self._nested_code_lines(child, cursor, last, exhausted)[2]

    def _nested_heading_line(
        self, token: Token, cursor: int, last: int, exhausted: set[str]
    ) -> tuple[int, int]:
        """(line of a heading inside a list or quote, where the next search starts).

        The heading is the first line at or after ``cursor`` in its source form: an ATX line
        (`#` x level after the list/quote markers) or the text line above a setext underline
        (`===` / `---` right below a line of text). The caller steps over nested code, so a
        `# comment` there is never taken. The heading's text is the last resort; a line is
        never handed out twice. A form not found from ``cursor`` is not found from any later
        cursor either: it goes into ``exhausted`` and is not scanned for again (with the
        first-match scans, this keeps a block with thousands of headings linear).
        """
        level = int(token.get("attrs", {}).get("level", 1))
        text = plain_text(token.get("children")).strip()
        needle = text.split("\n", 1)[0][:40]
        line_text = self.index.line_text
        setext = token.get("style") == "setext"
        form = f"{'setext' if setext else 'atx'}{level}"
        if form not in exhausted:
            if setext:
                underline = "=" if level == 1 else "-"
                height = text.count("\n") + 1  # a setext heading's text may span lines
                for line in range(cursor + 1, last + 1):
                    match = _SETEXT_UNDERLINE.match(line_text(line))
                    if match is None or match.group(1)[0] != underline:
                        continue
                    above = line_text(line - 1)
                    if above[_prefix_end(above) :].strip():
                        return max(cursor, line - height), line + 1
            else:
                # a line holding the text is preferred (an ATX-like line in an HTML block is
                # not a heading) until one heading's text is not found as written (markup,
                # entities): from then on the first ATX line of the level is taken
                atx = _ATX_OPENING.get(level, _ATX_OPENING[1])
                check = bool(needle) and "?" + form not in exhausted
                first_atx = None
                for line in range(cursor, last + 1):
                    current = line_text(line)
                    if atx.match(current) is None:
                        continue
                    if not check or needle in current:
                        return line, line + 1
                    if first_atx is None:
                        first_atx = line
                if first_atx is not None:
                    exhausted.add("?" + form)
                    return first_atx, first_atx + 1
            exhausted.add(form)
            line = self._find_line(cursor, last, needle) if needle else cursor
        else:
            line = cursor
        line = min(max(line, cursor), max(last, 1))
        return line, line + 1

    def _section_at(self, line: int) -> int | None:
        pos = bisect_right(self.heading_lines, line) - 1
        return pos if pos >= 0 else None

    def _marker_line(
        self,
        cursor: int,
        last: int,
        marker: str,
        exhausted: set[str],
        skip: frozenset[int] = frozenset(),
    ) -> int:
        """First line from ``cursor`` on (``skip`` lines aside) that opens with a Q&A ``marker``
        after the list and quote markers (emphasis allowed: ``**Q:**``); else the first holding
        it; else ``cursor``. Never before ``cursor``, never past ``last`` unless ``cursor`` is.
        A marker not found from ``cursor`` (written as an entity, say) goes into ``exhausted``
        and is not scanned for again: 20,000 such lines in one quote took minutes."""
        if marker not in exhausted:
            line_text = self.index.line_text
            for line in range(cursor, last + 1):
                if line in skip:
                    continue
                current = line_text(line)
                if current[_prefix_end(current) :].lstrip("*_ \t").startswith(marker):
                    return line
            exhausted.add(marker)
            return min(self._find_line(cursor, last, marker), max(last, 1))
        return min(cursor, max(last, 1))

    def _find_line(self, first: int, last: int, needle: str) -> int:
        start = self.index.offset(first)
        end = self.index.offset(last + 1)
        found = self.text.find(needle, start, end) if needle else -1
        return self.index.line_of(found) if found >= 0 else first

    # --------------------------------------------------------------- block walk
    def _walk(self, blocks: list[tuple[Token, int, int]]) -> None:
        doc = self.doc
        pending_skip: str = ""
        pending_suppress: frozenset[str] | None = None
        last_example: int | None = None  # index in doc.code_blocks of the previous block
        qa = _QACollector(self)
        # prose blocks (Document.blocks) are read by the tracker parser and the tracker half of
        # XR003 only: other pages skip them (less work, and a document a third the size to
        # keep in memory, pickle and cache)
        keep_blocks = doc.kind == "tracker"
        for token, first, last in blocks:
            kind = token.get("type")
            if kind == "blank_line":
                continue
            if kind == dialect.CONTAINER_END:
                qa.container_end(int(token["attrs"]["first"]))
                continue
            section = self._section_at(first)
            if pending_suppress is not None:
                doc.suppressions.append(Suppression(pending_suppress, first, last))
                pending_suppress = None
            follows_example = last_example
            last_example = None
            if kind == "block_html":
                raw = str(token.get("raw", ""))
                for match in _SUPPRESS.finditer(raw):
                    verb, rest = match.group(1), match.group(2)
                    if verb == "skip":
                        pending_skip = "audit: skip comment"
                    elif verb == "ignore-file":
                        doc.file_ignores = doc.file_ignores | frozenset(_CODES.findall(rest))
                    else:
                        pending_suppress = frozenset(_CODES.findall(rest))
                if keep_blocks:
                    doc.blocks.append(Paragraph(raw, Span(self.path, first), "html", section, raw))
                continue
            if kind == "heading":
                qa.heading(first, self._heading_index(first))
                self._links(token, first, last, "")
                continue
            if kind == "block_code":
                follows_example = self._code_block(
                    token, first, last, section, pending_skip, follows_example
                )
                last_example = follows_example
                pending_skip = ""
                qa.other_block(first)
                continue
            pending_skip = ""
            start, end = self.index.offset(first), self.index.offset(last + 1)
            raw_text = self.text[start:end] if keep_blocks else ""
            if kind == "paragraph":
                text = plain_text(token.get("children"))
                role = self._paragraph_role(text)
                if keep_blocks:
                    doc.blocks.append(
                        Paragraph(text, Span(self.path, first), "paragraph", section, raw_text)
                    )
                self._links(token, first, last, role)
                qa.paragraph(text, first, last)
                continue
            self._links(token, first, last, "")
            ranges_before = len(self.code_line_ranges)
            if _MAYBE_CODE.search(self.text, start, end):
                cursor = first  # blocks come in source order: each search starts past the last
                exhausted: set[str] = set()
                for child in _descendants(token):
                    if child.get("type") == "block_html":  # a fence-like line in it is HTML
                        cursor = self._nested_code_lines(child, cursor, last, exhausted)[2]
                    elif child.get("type") == "block_code":
                        placed = child.get("_line")
                        if isinstance(placed, int) and first <= placed <= last:
                            # where the block parser found it; the code starts below a fence
                            opening = placed
                            code_line = placed + int(child.get("style") == "fenced")
                            cursor = placed + 1
                        else:
                            opening, code_line, cursor = self._nested_code_lines(
                                child, cursor, last, exhausted
                            )
                        self._code_block(
                            child,
                            opening,
                            last,
                            section,
                            "",
                            None,
                            nested=True,
                            code_line=code_line,
                        )
            if kind == "list":
                if keep_blocks:
                    items = tuple(
                        plain_text(list(_inline_children(item))).strip()
                        for item in token.get("children", [])
                    )
                    doc.blocks.append(
                        Paragraph(
                            "\n".join(items),
                            Span(self.path, first),
                            "list",
                            section,
                            raw_text,
                            items=items,
                        )
                    )
                qa.other_block(first)
            elif kind == "table":
                if keep_blocks:
                    rows = tuple(
                        tuple(plain_text(cell.get("children")).strip() for cell in row)
                        for row in _table_rows(token)
                    )
                    doc.blocks.append(
                        Paragraph("", Span(self.path, first), "table", section, raw_text, rows=rows)
                    )
                qa.other_block(first)
            elif kind == "block_quote":
                texts: list[str] = []
                # per line of the joined text, the first file line it can be on: its
                # paragraph's line (from the block parser) plus its place in the paragraph
                floors: list[int] = []
                for c in _descendants(token):
                    if c.get("type") == "paragraph":
                        texts.append(plain_text(c.get("children")))
                        placed = c.get("_line")
                        base = placed if isinstance(placed, int) and placed >= first else first
                        floors.extend(base + k for k in range(texts[-1].count("\n") + 1))
                text = "\n".join(texts)
                if keep_blocks:
                    doc.blocks.append(
                        Paragraph(text, Span(self.path, first), "quote", section, raw_text)
                    )
                in_code = frozenset(
                    line
                    for low, high in self.code_line_ranges[ranges_before:]
                    for line in range(low, high + 1)
                )
                qa.paragraph(text, first, last, quoted=True, skip=in_code, floors=floors)
            else:
                qa.other_block(first)
        qa.finish()

    def _heading_index(self, line: int) -> int | None:
        pos = bisect_right(self.heading_lines, line) - 1
        if pos >= 0 and self.heading_lines[pos] == line:
            return pos
        return None

    def _paragraph_role(self, text: str) -> str:
        stripped = text.lstrip()
        for word in self.config.page.prerequisites_words:
            if stripped.startswith(word):
                return "prerequisites"
        updated = self.config.page.updated_word
        if updated in text and not self.doc.updated:
            match = _DATE.search(text, text.find(updated))
            if match:
                self.doc.updated = match.group(1)
        return ""

    # ------------------------------------------------------------------- code
    def _code_block(
        self,
        token: Token,
        first: int,
        last: int,
        section: int | None,
        skip_reason: str,
        follows: int | None,
        nested: bool = False,
        code_line: int | None = None,
    ) -> int | None:
        """Record a code block. Returns its index when it is an example (for output pairing).

        ``first`` is the opening fence (the first code line of an indented block); a nested
        block also gives ``code_line``, found by ``_nested_code_lines``."""
        info = str(token.get("attrs", {}).get("info", "") or "")
        code = str(token.get("raw", ""))
        fenced = token.get("style") == "fenced"
        examples = self.config.examples
        if fenced and not nested:
            self._check_fence_closed(token, first, last)
        code_lines = code.count("\n") + (0 if code.endswith("\n") or not code else 1)
        if code_line is None:
            code_line = first + 1 if fenced else first
        self.code_line_ranges.append((first, max(first, code_line + code_lines)))
        normalized_info = " ".join(info.split()).lower()
        if normalized_info in [o.lower() for o in examples.output_infos]:
            if follows is not None:
                self.doc.code_blocks[follows] = replace(
                    self.doc.code_blocks[follows],
                    expected_output=code,
                    expected_output_line=code_line,
                )
            return None
        language, flags, timeout = parse_info(info)
        if not skip_reason:
            skip_flags = {f.lstrip(".") for f in examples.skip_flags}
            hit = [f for f in flags if f in skip_flags]
            if hit:
                skip_reason = f"info string flag '{hit[0]}'"
        line_text = self.index.line_text(first)
        if nested:  # past the list and quote markers
            column = _prefix_end(line_text) + 1
        else:
            column = len(line_text) - len(line_text.lstrip()) + 1
        code_column, line_columns = self._code_columns(code, code_line, column)
        if nested and not fenced:
            column = code_column  # no fence: the span is the code's first character
        block = CodeBlock(
            info,
            language,
            flags,
            code,
            Span(self.path, first, column),
            code_line,
            section,
            skip_reason,
            None,
            0,
            timeout,
            code_column,
            line_columns,
            dialect.code_kind(language, self.features),
        )
        self.doc.code_blocks.append(block)
        if block.kind == "diagram":
            return None
        if language in examples.languages:
            return len(self.doc.code_blocks) - 1
        return None

    def _code_columns(self, code: str, code_line: int, default: int) -> tuple[int, tuple[int, ...]]:
        """(column where the code starts in the file, per-line columns when they differ).

        mistune strips the list/quote markers and the fence's indentation from each code line,
        so a code line is the end of its file line: the column is where that end begins. A line
        whose leading tab mistune expanded into spaces matches by its text after the blanks.
        """
        lines = code.split("\n")
        if code.endswith("\n") or not code:
            lines.pop()
        columns: list[int | None] = []
        for number, raw in enumerate(lines):
            in_file = self.index.line_text(code_line + number)
            column: int | None = None
            if raw and in_file.endswith(raw):
                column = len(in_file) - len(raw) + 1
            else:
                core = raw.lstrip(" \t")
                if core and in_file.endswith(core):
                    column = len(in_file) - len(core) + 1 - (len(raw) - len(core))
            columns.append(column)
        known = [c for c in columns if c is not None]
        first = columns[0] if columns and columns[0] is not None else (known or [default])[0]
        filled = tuple(first if c is None else c for c in columns)
        return first, filled if any(c != first for c in filled) else ()

    def _nested_code_lines(
        self, token: Token, cursor: int, last: int, exhausted: set[str]
    ) -> tuple[int, int, int]:
        """(opening line, first code line, where the next search starts) of a code block inside
        a list or quote, looked for from ``cursor``: the next fence of its marker after the
        list/quote markers (the previous block's closing fence is behind ``cursor``), or for an
        indented block the next line ending in its first code line after nothing but markers
        and blanks. A fence not found from ``cursor`` goes into ``exhausted`` and is not
        scanned for again. A raw HTML block is located like an indented one (its lines are
        verbatim too), so that the walks can step over it."""
        code = str(token.get("raw", ""))
        count = code.count("\n") + (0 if code.endswith("\n") or not code else 1)
        line_text = self.index.line_text
        if token.get("style") == "fenced":
            marker = str(token.get("marker") or "```")
            fence = marker[0] * len(marker)
            # the fence is told from a fence-like line in an HTML block by the code below it:
            # its first non-blank code line must end the file line where it belongs
            probe = next(((k, ln) for k, ln in enumerate(code.split("\n")) if ln.strip()), None)
            check = probe is not None and "?" + fence not in exhausted
            opening = first_fence = None
            for line in range(cursor, last + 1) if fence not in exhausted else ():
                current = line_text(line)
                if not current[_prefix_end(current) :].startswith(fence):
                    continue
                if first_fence is None:
                    first_fence = line
                if not check or probe is None:
                    opening = line
                    break
                k, expected = probe
                if line_text(line + 1 + k).endswith(expected.lstrip(" \t")):
                    opening = line
                    break
            if opening is None and first_fence is not None:
                exhausted.add("?" + fence)  # no line validates: take the first from now on
                opening = first_fence
            if opening is None:
                exhausted.add(fence)
                opening = min(cursor, last)
            code_line = opening + 1
            after = code_line + count  # the closing fence, when the block has one
            closing = line_text(after)
            prefix = _prefix_end(closing)
            stripped = closing[prefix:].rstrip()
            if (
                after <= last
                and stripped.startswith(fence)
                and not stripped.strip(fence[0])
                and not closing[:prefix].strip(" \t>")  # `- ```` opens a new item's block
            ):
                after += 1
            return opening, code_line, after
        first_code = code.split("\n", 1)[0]
        core = first_code.lstrip(" \t")
        found = None
        if core:
            for line in range(cursor, last + 1):
                current = line_text(line)
                if current.endswith(core):
                    before = current[: len(current) - len(core)]
                    if _prefix_end(before) == len(before):
                        found = line
                        break
            if found is None:
                found = self._find_line(cursor, last, core)
        code_line = min(found if found is not None else cursor, max(last, cursor))
        return code_line, code_line, code_line + max(count, 1)

    def _check_fence_closed(self, token: Token, first: int, last: int) -> None:
        marker = str(token.get("marker", "```"))
        char, width = marker[0], len(marker)
        for line in range(first + 1, last + 1):
            stripped = self.index.line_text(line).strip()
            if len(stripped) >= width and stripped == char * len(stripped):
                return
        if not self.text[self.index.offset(last + 1) :].strip():  # the fence ran to the end
            self.doc.problems.append(
                _problem(
                    "MD001",
                    self.path,
                    first,
                    1,
                    f"code fence {marker} is never closed: the rest of the file is code",
                )
            )

    # ------------------------------------------------------------------- links
    def _links(self, token: Token, first: int, last: int, role: str) -> None:
        start = self.index.offset(first)
        end = self.index.offset(last + 1)
        if self.text.find("[", start, end) < 0 and self.text.find("<", start, end) < 0:
            return  # every link form needs '[' or '<' in the source: no tree walk
        found = list(_link_tokens(token))
        if not found:
            return
        candidates: list[tuple[int, str]] | None = None
        by_target: dict[str, list[int]] = {}
        used = 0
        ref_from = start
        probe_from = start  # links come in source order: a text search resumes after the last
        for link_token, image, holder in found:
            url = str(link_token.get("attrs", {}).get("url", ""))
            decoded = unquote(url)
            text = plain_text(link_token.get("children"))
            place = self._parsed_position(link_token, holder)
            if place is not None:  # where the parser found it: code and HTML cannot mislead
                line, column = place
                link = self._make_link(text, decoded, line, column, image, role)
                self.doc.links.append(self._html_link(link) if link_token.get("_html") else link)
                continue
            # no recorded position (a token no rule placed): search the block's source
            if candidates is None:
                candidates = _raw_link_candidates(self.text, start, end)
                # decoded target -> candidate indices (ascending): first unused in O(log n)
                for k, (_cand_offset, cand_target) in enumerate(candidates):
                    by_target.setdefault(unquote(unescape_entities(cand_target)), []).append(k)
            offset = -1
            raw_target = decoded
            if link_token.get("label") is not None:  # reference link: [text][label], [label]
                offset, ref_from = _ref_link_offset(
                    self.text, ref_from, end, str(link_token["label"])
                )
            if offset < 0:
                indices = by_target.get(decoded, [])
                pos = bisect_left(indices, used)
                if pos < len(indices):
                    k = indices[pos]
                    offset, raw_target = candidates[k][0], decoded
                    used = k + 1
            if offset < 0:
                probe = self.text.find(url, probe_from, end)
                if probe < 0 and decoded != url:
                    probe = self.text.find(decoded, probe_from, end)
                offset = probe if probe >= 0 else start
                if probe >= 0:
                    probe_from = probe + 1
            line, column = self.index.position(offset)
            self.doc.links.append(self._make_link(text, raw_target, line, column, image, role))

    def _html_block_links(self, found: Iterable[tuple[Any, int, str, bool]]) -> None:
        """``<a href>`` / ``<img src>`` of raw HTML blocks, at their tag (dialect.html_tags)."""
        for state, offset, url, image in found:
            if isinstance(state, _PositionedState):
                line, column = state.position(offset, self.index)
                link = self._make_link("", unquote(url), line, column, image, "")
                self.doc.links.append(self._html_link(link))

    def _duplicate_references(self, found: Iterable[tuple[str, Any, int, Any, int]]) -> None:
        for label, state, offset, first_state, first_offset in found:
            if not isinstance(state, _PositionedState):
                continue
            line, column = state.position(offset, self.index)
            first = (
                first_state.position(first_offset, self.index)[0]
                if isinstance(first_state, _PositionedState)
                else 0
            )
            self.doc.problems.append(
                _problem(
                    "MD004",
                    self.path,
                    line,
                    column,
                    f"reference [{label}] is defined again (first on line {first}): mkdocs "
                    "(Python-Markdown) links to this last definition, CommonMark renderers "
                    "such as GitHub to the first",
                )
            )

    def _parsed_position(self, token: Token, holder: Token | None) -> tuple[int, int] | None:
        """(line, column) of an inline element from the offset the inline parser recorded,
        or None when there is none, or when the file does not hold the element's first
        character there (a container transformation the alignment does not know)."""
        at = token.get("_at")
        if holder is None or at is None:
            return None
        origin, base = holder.get("_origin"), holder.get("_inline_at")
        if not isinstance(origin, _PositionedState) or base is None:
            return None
        offset = int(base) + int(at)
        line, column = origin.position(offset, self.index)
        found = self.index.offset(line) + column - 1
        if self.text[found : found + 1] != origin.src[offset : offset + 1]:
            return None
        return line, column

    def _make_link(
        self, text: str, target: str, line: int, column: int, image: bool, role: str
    ) -> Link:
        kind: LinkKind
        path, _, anchor = target.partition("#")
        if target.startswith("#"):
            kind = "anchor"
        elif target.startswith(("http://", "https://", "//")):
            kind = "external"
        elif _SCHEME.match(target):
            kind = "other"
        else:
            kind = "relative"
        return Link(text, target, path, anchor, kind, Span(self.path, line, column), image, role)

    def _html_link(self, link: Link) -> Link:
        """A raw HTML link, marked when the page is published one folder deeper than its file
        (Link.from_html): mkdocs rewrites Markdown links to .md files, never raw HTML."""
        site = self.config.site
        if site.generator != "mkdocs" or not site.use_directory_urls or link.kind != "relative":
            return link
        stem = self.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if stem.lower() in ("index", "readme"):
            return link  # published at its own folder
        return replace(link, from_html=True)

    # ------------------------------------------------------------ task mentions
    def _task_mentions(self) -> None:
        try:
            pattern = re.compile(self.config.task_id_pattern)
        except re.error:
            return
        ranges = sorted(self.code_line_ranges)
        starts = [r[0] for r in ranges]
        text = self.text
        for match in pattern.finditer(text):
            before = text[match.start() - 1] if match.start() else ""
            if before in "-#/" or text.startswith(".md", match.end()):
                continue  # part of a link target or anchor: the link itself is checked
            line, column = self.index.position(match.start())
            pos = bisect_right(starts, line) - 1
            if pos >= 0 and ranges[pos][0] <= line <= ranges[pos][1]:
                continue
            self.doc.task_mentions.append(
                TaskMention(
                    match.group(0),
                    Span(self.path, line, column, line, column + len(match.group(0))),
                    self._heading_index(line),
                )
            )

    # ------------------------------------------------------------------ Q&A
    def level_of(self, heading_index: int | None) -> tuple[str | None, int | None]:
        """Walk up from a heading to the nearest level heading: (level name, its index)."""
        while heading_index is not None:
            heading = self.doc.headings[heading_index]
            name = self.level_names.get(heading.title.strip().lower())
            if name is not None:
                return name, heading_index
            heading_index = heading.parent
        return None, None


class _QACollector:
    """Pairs ``Q:``/``A:`` markers across paragraphs; answers run to the next question/heading."""

    def __init__(self, builder: _Builder) -> None:
        self.b = builder
        self.question: tuple[str, Span] | None = None
        self.answer: list[str] | None = None
        self.answer_span: Span | None = None
        self.section: int | None = None

    def _flush(self) -> None:
        if self.question is not None:
            text, span = self.question
            answer = "\n".join(self.answer).strip() if self.answer is not None else None
            level, _ = self.b.level_of(self.section)
            self.b.doc.qa.append(
                QAPair(
                    text,
                    answer,
                    span,
                    self.answer_span if answer is not None else None,
                    self.section,
                    level,
                )
            )
        self.question = None
        self.answer = None
        self.answer_span = None

    def heading(self, line: int, index: int | None) -> None:
        self._flush()
        if index is not None:
            title = self.b.doc.headings[index].text
            marker = self._marker(title, self.b.q_markers)
            if marker is not None:
                self.section = index
                self.question = (title[len(marker) :].strip(), self.b.doc.headings[index].span)

    def _marker(self, line: str, markers: list[str]) -> str | None:
        for marker in markers:
            if line.startswith(marker):
                return marker
        return None

    def paragraph(
        self,
        text: str,
        first: int,
        last: int,
        quoted: bool = False,
        skip: frozenset[int] = frozenset(),
        floors: list[int] | None = None,
    ) -> None:
        """Q&A markers of a paragraph (or of a quote's paragraphs, joined); ``skip``: lines of
        code nested in the quote, where a ``Q:`` is code, not a question; ``floors``: per line
        of a quote's text, the first file line it can be on (a ``Q:`` line of an HTML block
        before it is not this marker)."""
        lines = text.split("\n")
        b = self.b
        cursor = first  # markers come in source order: each one is looked for past the last
        exhausted: set[str] = set()
        for offset, line in enumerate(lines):
            stripped = line.strip()
            q = self._marker(stripped, b.q_markers)
            a = None if q else self._marker(stripped, b.a_markers)
            if q is None and a is None:
                if self.answer is not None:
                    self.answer.append(stripped)
                elif self.question is not None and offset > 0:
                    text_, span = self.question
                    self.question = (f"{text_} {stripped}".strip(), span)
                continue
            marker = q or a or ""
            # a paragraph's text lines are its source lines (a quote's are not: its blank
            # lines and markers are gone), so the line is at least first + offset there
            if not quoted:
                floor = first + offset
            elif floors is not None and offset < len(floors):
                floor = floors[offset]
            else:
                floor = cursor
            line_no = b._marker_line(max(cursor, floor), last, marker, exhausted, skip)
            cursor = line_no + 1
            line_text = b.index.line_text(line_no)
            col = line_text.find(marker, _prefix_end(line_text))
            if col < 0:
                col = len(line_text) - len(line_text.lstrip())
            while col > 0 and line_text[col - 1] in "*_":  # **Q:** starts at the emphasis
                col -= 1
            span = Span(b.path, line_no, col + 1)
            if q is not None:
                self._flush()
                self.section = b._section_at(first)
                self.question = (stripped[len(q) :].strip(), span)
            else:
                if self.question is not None and self.answer is None:
                    self.answer = [stripped[len(marker) :].strip()]
                    self.answer_span = span
                    if not self.answer[0]:
                        self.answer = [""]
                else:
                    self._flush()
                    b.doc.orphan_answers.append(OrphanAnswer(span, b._section_at(first)))

    def container_end(self, first: int) -> None:
        """An admonition, details or tab ends: a question asked inside it is answered there."""
        if self.question is not None and self.question[1].line >= first:
            self._flush()

    def other_block(self, line: int) -> None:
        """Lists, tables and code inside an answer belong to it; nothing to record."""

    def finish(self) -> None:
        self._flush()


def _prefix_end(line: str) -> int:
    """Where a line's content starts, after its list and quote markers."""
    match = _CONTAINER_PREFIX.match(line)
    return match.end() if match else 0


def _descendants(token: Token) -> Iterator[Token]:
    stack = list(reversed(token.get("children", []) or []))
    while stack:
        child = stack.pop()
        if not isinstance(child, dict):
            continue
        yield child
        children = child.get("children")
        if isinstance(children, list):
            stack.extend(reversed(children))


def _inline_children(item: Token) -> Iterator[Token]:
    """Inline tokens of a list item's own text (nested lists become new lines)."""
    first = True
    for child in item.get("children", []) or []:
        if child.get("type") in ("block_text", "paragraph"):
            if not first:
                yield {"type": "softbreak"}
            yield from child.get("children", []) or []
            first = False
        elif child.get("type") == "list":
            for sub in child.get("children", []) or []:
                yield {"type": "softbreak"}
                yield {"type": "text", "raw": "- "}
                yield from _inline_children(sub)


def _table_rows(token: Token) -> Iterator[list[Token]]:
    for part in token.get("children", []) or []:
        if part.get("type") == "table_head":
            yield [c for c in part.get("children", []) if c.get("type") == "table_cell"]
        elif part.get("type") == "table_body":
            for row in part.get("children", []) or []:
                yield [c for c in row.get("children", []) if c.get("type") == "table_cell"]


def _link_tokens(token: Token) -> Iterator[tuple[Token, bool, Token | None]]:
    """(link or image, whether an image, the block token whose inline text holds it)."""
    stack: list[tuple[Token, Token | None]] = [(token, None)]
    while stack:
        current, holder = stack.pop()
        if "_inline_at" in current:
            holder = current
        kind = current.get("type")
        if kind in ("link", "image"):
            yield current, kind == "image", holder
        if kind in ("block_code", "codespan", "block_html", "inline_html"):
            continue
        children = current.get("children")
        if isinstance(children, list):
            stack.extend((c, holder) for c in reversed(children) if isinstance(c, dict))


def _ref_link_offset(text: str, start: int, end: int, label: str) -> tuple[int, int]:
    """(offset of the ``[``/``![`` opening a reference link with ``label``, where to search on).

    The offset is -1 when the link is not found from ``start``.
    """
    escaped = r"\s+".join(re.escape(part) for part in label.split())
    pattern = re.compile(r"\]\s*\[" + escaped + r"\]|\[" + escaped + r"\]", re.IGNORECASE)
    match = pattern.search(text, start, end)
    if match is None:
        return -1, start
    if text[match.start()] == "[":
        opening = match.start()
    else:
        opening = _opening_bracket(text, start, match.start())
        if opening < 0:
            return -1, match.end()
    if opening > start and text[opening - 1] == "!":
        opening -= 1
    return opening, match.end()


def _opening_bracket(text: str, start: int, close: int) -> int:
    """Offset of the ``[`` matching the ``]`` at ``close`` (searching back to ``start``)."""
    depth = 0
    back = close - 1
    while back >= start:
        ch = text[back]
        escaped = back > start and text[back - 1] == "\\"
        if ch == "]" and not escaped:
            depth += 1
        elif ch == "[" and not escaped:
            if depth == 0:
                return back
            depth -= 1
        back -= 1
    return -1


def _bracket_openings(text: str, start: int, end: int) -> dict[int, int]:
    """Offset of every ``]`` in a range → offset of its matching ``[`` (one forward pass).

    Same matching as ``_opening_bracket`` (a bracket right after a backslash does not count),
    but linear: scanning back from every ``](`` is quadratic on a long line full of them.
    """
    out: dict[int, int] = {}
    stack: list[int] = []
    for match in _BRACKET.finditer(text, start, end):
        here = match.start()
        if here > start and text[here - 1] == "\\":
            continue
        if text[here] == "[":
            stack.append(here)
        elif stack:
            out[here] = stack.pop()
    return out


MAX_TARGET_CHARS = 8192  # a link target longer than this is located by text search instead


def _raw_link_candidates(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """(offset of the opening bracket, raw target) for every ``[..](target)`` in a range."""
    out: list[tuple[int, str]] = []
    pos = text.find("](", start, end)
    if pos < 0:
        return out
    openings = _bracket_openings(text, start, end)
    while pos >= 0:
        target_start = pos + 2
        cursor = target_start
        while cursor < end and text[cursor] in " \t\n":
            cursor += 1
        limit = min(end, cursor + MAX_TARGET_CHARS)
        if cursor < end and text[cursor] == "<":
            close = text.find(">", cursor, limit)
            target = text[cursor + 1 : close] if close >= 0 else ""
        else:
            depth = 0
            t_end = cursor
            while t_end < limit:
                ch = text[t_end]
                if ch == "\\" and t_end + 1 < limit:
                    t_end += 2
                    continue
                if ch == "(":
                    depth += 1
                    if depth > 32:  # CommonMark's limit: not a link destination
                        break
                elif ch == ")":
                    if depth == 0:
                        break
                    depth -= 1
                elif ch in " \t\n":
                    break
                t_end += 1
            target = text[cursor:t_end]
        opening = openings.get(pos, -1)
        if opening >= 0:
            if opening > start and text[opening - 1] == "!":
                opening -= 1
            out.append((opening, target.replace("\\", "")))
        pos = text.find("](", pos + 2, end)
    return out
