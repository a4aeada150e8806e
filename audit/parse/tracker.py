"""A tracker Document → Tracker: gaps, claims, priority rows, wishes and hand-written figures.

The tracker is prose written by hand, so the parser is forgiving about shape (inline ` - a - b`
lists or real lists, statuses after an em dash or in parentheses, numbers that restart) and strict
about loss: an entry it cannot read becomes a problem at its line (a GP rule reports it), never
a silent drop.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from audit.model.document import Document, Heading, Paragraph
from audit.model.problem import Problem
from audit.model.span import Span
from audit.model.tracker import (
    Claim,
    ClaimItem,
    DeclaredStatus,
    Figure,
    Gap,
    Marker,
    PriorityRow,
    Tracker,
    Wish,
)
from audit.parse.slugs import slug_mkdocs_unicode

if TYPE_CHECKING:
    from audit.model.config import Config

_NUMBERED_GAP = re.compile(r"^(\d{1,40})\.\s+(.+)$")
_DASH_STATUS = re.compile(r"^(.*?)\s+(?:—|–|--)\s+(.+)$")
_PAREN_TAIL = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_QA_COUNT = re.compile(r"(\d+)\s*(?:Q&A|Q/A|QA|вопрос\w*)", re.IGNORECASE)
_MARKER = re.compile(r"<!--\s*audit:(begin|end)\s+([\w.-]+)\s*-->")
_WISH = re.compile(r"`?([\w]+)`?\s*(?:->|→|—>)\s*`?([\w]+)`?\s*(?:\((.*)\))?")
_SECTION_REF = re.compile(r"(?:section|раздел|§)\s*(\d+)", re.IGNORECASE)
_INLINE_ITEM_SPLIT = re.compile(r"(?:^|\s)-\s+")
# further figures on a coverage line: "~85%" in "coverage: ~99% для LLM Engineer, ~85% для Senior+"
_MORE_PERCENT = re.compile(r"~\s*(\d{1,3})\s*%")


_DELIMITER_ROW = re.compile(r"^\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?$")


def pipe_rows(raw: str) -> list[tuple[int, list[str]]]:
    """(line offset, cells) of a pipe table as written, header included, delimiter row skipped.

    Read from the raw text rather than the Markdown tree so that a row with a wrong number of
    cells is seen as written (mistune pads or rejects such tables).
    """
    rows = []
    for offset, line in enumerate(raw.split("\n")):
        stripped = line.strip()
        if not stripped.startswith("|") or _DELIMITER_ROW.match(stripped):
            continue
        body = stripped[1:-1] if stripped.endswith("|") and len(stripped) > 1 else stripped[1:]
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", body)]
        rows.append((offset, cells))
    return rows


def _is_table(block: Paragraph) -> bool:
    return block.kind == "table" or (
        block.kind == "paragraph" and block.raw.lstrip().startswith("|")
    )


def gap_id(title: str) -> str:
    """Stable id of a gap: the unicode slug of its title ("Evaluation & Benchmarks" → ...)."""
    return slug_mkdocs_unicode(title) or "gap"


def normalise_title(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def split_inline_items(text: str) -> list[str]:
    """``- a - b - c`` (a list flattened into one paragraph) → [a, b, c]."""
    stripped = text.strip()
    if not stripped.startswith("-"):
        return [stripped] if stripped else []
    return [part.strip() for part in _INLINE_ITEM_SPLIT.split(stripped) if part.strip()]


class _TrackerParser:
    def __init__(self, doc: Document, config: Config, known_paths: set[str]) -> None:
        self.doc = doc
        self.config = config
        self.tc = config.tracker
        self.known = known_paths
        self.tracker = Tracker(doc.path, doc.track, doc.title)
        self.level_names = {n.lower(): n for n in config.levels.names}
        for alias, canonical in config.levels.aliases.items():
            self.level_names[alias.lower()] = canonical
        statuses: list[tuple[str, str]] = []
        for word in self.tc.statuses.none:
            statuses.append((word, "none"))
        for word in self.tc.statuses.partial:
            statuses.append((word, "partial"))
        for word in self.tc.statuses.covered:
            statuses.append((word, "covered"))
        self.statuses = sorted(statuses, key=lambda s: len(s[0]), reverse=True)
        self.task_pattern = re.compile(config.task_id_pattern)

    def problem(self, code: str, line: int, message: str, column: int = 1) -> None:
        self.tracker.problems.append(Problem(code, Span(self.doc.path, line, column), message))

    # -------------------------------------------------------------------- main
    def parse(self) -> Tracker:
        doc = self.doc
        self._markers()
        headings = doc.headings
        h2_indices = [i for i, h in enumerate(headings) if h.level == 2]
        first_h2_line = headings[h2_indices[0]].span.line if h2_indices else doc.line_count + 1
        self._lead_figures(first_h2_line)
        for index in h2_indices:
            group = headings[index]
            children = [i for i, h in enumerate(headings) if h.parent == index]
            if re.search(self.tc.coverage_table_heading_pattern, group.text):
                self._coverage_table(group)
                continue
            if any(group.text.startswith(w) for w in self.tc.cross_reference_headings):
                self._wishes(group)
                continue
            priority_children = [
                i for i in children if re.match(self.tc.priority_heading_pattern, headings[i].text)
            ]
            if priority_children:
                for child in priority_children:
                    self._priority_table(headings[child])
            if re.search(
                self.tc.coverage_percent_pattern, self._section_text(group), re.IGNORECASE
            ):
                self._coverage_summary(group)
            gap_children = [i for i in children if i not in priority_children]
            category, group_status = self._split_status(group.text)
            numbered = [i for i in gap_children if _NUMBERED_GAP.match(headings[i].text)]
            if not numbered:
                continue
            for child in gap_children:
                heading = headings[child]
                if _NUMBERED_GAP.match(heading.text):
                    self._gap(heading, category or group.text)
                else:
                    self.problem(
                        "GP013",
                        heading.span.line,
                        f"tracker entry '{heading.text[:60]}' has no gap number: "
                        "expected 'N. Title — STATUS'",
                        heading.span.column,
                    )
            del group_status
        empty = any(p.code == "IO010" for p in self.doc.problems)  # said once, by IO010
        if not self.tracker.gaps and not empty:
            self.problem("GP014", 1, "tracker has no gaps (no 'N. Title' headings under a group)")
        self._duplicate_numbers()
        return self.tracker

    # ---------------------------------------------------------------- helpers
    def _blocks_between(self, first: int, last: int) -> list[Paragraph]:
        return [b for b in self.doc.blocks if first < b.span.line <= last]

    def _section_text(self, heading: Heading) -> str:
        return "\n".join(
            b.text
            for b in self._blocks_between(heading.span.line, heading.end_line)
            if b.kind in ("paragraph", "list", "quote")
        )

    def _split_status(self, text: str) -> tuple[str, str]:
        """'Title — STATUS' / 'Title (STATUS)' → (title, raw status or '')."""
        match = _DASH_STATUS.match(text)
        if match and self._status_of(match.group(2)) != "unknown":
            return match.group(1).strip(), match.group(2).strip()
        match = _PAREN_TAIL.match(text)
        if match and self._status_of(match.group(2)) != "unknown":
            return match.group(1).strip(), match.group(2).strip()
        return text.strip(), ""

    def _status_of(self, raw: str) -> DeclaredStatus:
        found: list[str] = []
        rest = raw
        for word, status in self.statuses:
            if word in rest:
                found.append(status)
                rest = rest.replace(word, " ")
        kinds = set(found)
        if not kinds:
            return "unknown"
        if len(kinds) == 1:
            only = found[0]
            return "none" if only == "none" else "partial" if only == "partial" else "covered"
        return "partial"  # "НЕТ в tasks, но ПОКРЫТО в sources": mixed → partially covered

    def _markers(self) -> None:
        open_markers: dict[str, int] = {}
        for block in self.doc.blocks:
            if block.kind != "html":
                continue
            for offset, line_text in enumerate(block.raw.split("\n")):
                for match in _MARKER.finditer(line_text):
                    verb, name = match.group(1), match.group(2)
                    line = block.span.line + offset
                    if verb == "begin":
                        open_markers[name] = line
                    elif name in open_markers:
                        self.tracker.markers.append(Marker(name, open_markers.pop(name), line))
                    else:
                        self.problem("GP013", line, f"'audit:end {name}' without a matching begin")
        for name, line in open_markers.items():
            self.problem("GP013", line, f"'audit:begin {name}' is never closed")

    # ----------------------------------------------------------------- figures
    def _lead_figures(self, before_line: int) -> None:
        pattern = re.compile(self.tc.task_count_pattern)
        for block in self.doc.blocks:
            if block.span.line >= before_line or block.kind != "paragraph":
                continue
            for line_offset, text in enumerate(block.text.split("\n")):
                for match in pattern.finditer(text):
                    self.tracker.figures.append(
                        Figure(
                            "task-count",
                            int(match.group(1)),
                            Span(self.doc.path, block.span.line + line_offset),
                            context="lead",
                        )
                    )

    def _coverage_table(self, heading: Heading) -> None:
        match = re.search(self.tc.task_count_pattern, heading.text)
        if match:
            self.tracker.figures.append(
                Figure("task-count", int(match.group(1)), heading.span, context="heading")
            )
        tables = [
            b for b in self._blocks_between(heading.span.line, heading.end_line) if _is_table(b)
        ]
        if not tables:
            return
        table = tables[0]
        rows = pipe_rows(table.raw)
        if not rows:
            return
        width = len(rows[0][1])
        for offset, row in rows[1:]:
            line = table.span.line + offset
            if len(row) != width or len(row) < 2:
                self.problem(
                    "GP017", line, f"malformed table row: {len(row)} cells, header has {width}"
                )
                continue
            label, count_text = row[0].strip(), row[1].strip()
            count = re.match(r"^\s*(\d+)", count_text)
            if not count:
                self.problem("GP017", line, f"table row '{label}': '{count_text}' is not a count")
                continue
            if len(row) > 2:
                self.tracker.subcategory_coverage_words[label] = row[2].strip()
            self.tracker.figures.append(
                Figure(
                    "subcategory-count",
                    int(count.group(1)),
                    Span(self.doc.path, line),
                    label,
                    "table",
                )
            )

    def _coverage_summary(self, heading: Heading) -> None:
        """The first line stating coverage, with every figure on it and what each is about.

        `coverage: ~99% для LLM Engineer, ~85% для Senior+` states two figures; each is checked,
        and its qualifier stays with it so the finding can say which one is wrong.
        """
        pattern = re.compile(self.tc.coverage_percent_pattern, re.IGNORECASE)
        for block in self._blocks_between(heading.span.line, heading.end_line):
            for offset, text in enumerate(block.text.split("\n")):
                match = pattern.search(text)
                if not match:
                    continue
                span = Span(self.doc.path, block.span.line + offset)
                more = list(_MORE_PERCENT.finditer(text, match.end()))
                values = [(int(match.group(1)), match.end())]
                values += [(int(m.group(1)), m.end()) for m in more]
                for index, (value, end) in enumerate(values):
                    stop = more[index].start() if index < len(more) else len(text)
                    qualifier = text[end:stop].strip(" ,;.\t")
                    self.tracker.figures.append(
                        Figure(
                            "coverage-percent",
                            value,
                            span,
                            context="summary",
                            qualifier=qualifier[:80],
                        )
                    )
                return

    # ----------------------------------------------------------- priorities
    def _priority_table(self, heading: Heading) -> None:
        match = re.match(self.tc.priority_heading_pattern, heading.text)
        priority = int(match.group(1)) if match else 0
        for block in self._blocks_between(heading.span.line, heading.end_line):
            if not _is_table(block):
                continue
            rows = pipe_rows(block.raw)
            header = rows[0][1] if rows else []
            for offset, row in rows[1:]:
                line = block.span.line + offset
                if len(row) != len(header) or not row:
                    self.problem(
                        "GP017",
                        line,
                        f"malformed priority row: {len(row)} cells, header has {len(header)}",
                    )
                    continue
                task = self.task_pattern.search(" ".join(row))
                self.tracker.priority_rows.append(
                    PriorityRow(
                        priority,
                        heading.text,
                        row[0].strip(),
                        row[1].strip() if len(row) > 1 else "",
                        task.group(0) if task else "",
                        Span(self.doc.path, line),
                    )
                )

    def _wishes(self, heading: Heading) -> None:
        for block in self._blocks_between(heading.span.line, heading.end_line):
            if block.kind != "list":
                continue
            line = block.span.line
            for item in block.items:
                match = _WISH.search(item)
                if match:
                    self.tracker.wishes.append(
                        Wish(
                            match.group(1),
                            match.group(2),
                            (match.group(3) or "").strip(),
                            Span(self.doc.path, line),
                        )
                    )
                else:
                    self.problem(
                        "GP013",
                        line,
                        f"cross-reference item '{item[:60]}' is not 'a -> b (reason)'",
                    )
                line += 1 + item.count("\n")

    # -------------------------------------------------------------------- gaps
    def _gap(self, heading: Heading, category: str) -> None:
        match = _NUMBERED_GAP.match(heading.text)
        assert match is not None
        number_text, rest = match.group(1), match.group(2)
        number = int(number_text)
        title, raw_status = self._split_status(rest)
        if not raw_status:
            self.problem(
                "GP013",
                heading.span.line,
                f"gap '{title[:60]}' has no status (expected '— STATUS' or '(STATUS)')",
                heading.span.column,
            )
        declared = self._status_of(raw_status) if raw_status else "unknown"
        blocks = self._blocks_between(heading.span.line, heading.end_line)
        asked: list[str] = []
        example = ""
        recommended: list[str] = []
        claims: list[Claim] = []
        sources = ""
        remaining: list[str] = []
        remaining_lines: list[int] = []
        priority_label = ""
        frequency = None
        freq_pattern = re.compile(self.tc.frequency_pattern)
        i = 0
        while i < len(blocks):
            block = blocks[i]
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            text = block.text.strip()
            freq = freq_pattern.search(text)
            if freq and frequency is None:
                frequency = int(freq.group(1))
            consumed_next = False
            if block.kind == "paragraph":
                lead, after = self._lead(text, self.tc.asked_words)
                if lead:
                    asked, consumed_next = self._items(after, following)
                elif self._lead(text, self.tc.example_question_words)[0]:
                    after = self._lead(text, self.tc.example_question_words)[1].strip()
                    if (
                        not after
                        and following is not None
                        and following.kind in ("paragraph", "quote")
                    ):
                        example = following.text.strip().strip('"«»')
                        consumed_next = True
                    else:
                        example = after.strip('"«»')
                elif self._lead(text, self.tc.recommendation_words)[0]:
                    recommended.extend(m.group(0) for m in self.task_pattern.finditer(text))
                elif self._lead(text, self.tc.claim_words)[0]:
                    claim, consumed_next = self._claim(block, following)
                    if claim is not None:
                        claims.append(claim)
                elif self._lead(text, self.tc.sources_words)[0]:
                    sources = self._lead(text, self.tc.sources_words)[1].strip()
                elif self._lead(text, self.tc.remaining_words)[0]:
                    after = self._lead(text, self.tc.remaining_words)[1]
                    remaining, consumed_next = self._items(after, following)
                    first = following.span.line if consumed_next and following else block.span.line
                    remaining_lines = [
                        first + (n if consumed_next else 0) for n in range(len(remaining))
                    ]
                elif self._lead(text, self.tc.priority_words)[0]:
                    after = self._lead(text, self.tc.priority_words)[1].strip()
                    priority_label = after.split()[0].strip(".,;:()") if after else ""
            i += 2 if consumed_next else 1
        if not blocks:
            self.problem(
                "GP015",
                heading.span.line,
                f"gap '{title[:60]}' has an empty body",
                heading.span.column,
            )
        self.tracker.gaps.append(
            Gap(
                gap_id(title),
                number,
                title,
                category,
                raw_status,
                declared,
                heading.span,
                heading.end_line,
                self.doc.track,
                self.doc.path,
                tuple(asked),
                example,
                tuple(dict.fromkeys(recommended)),
                tuple(claims),
                sources,
                tuple(remaining),
                priority_label,
                frequency,
                len(blocks),
                tuple(remaining_lines),
            )
        )

    @staticmethod
    def _lead(text: str, words: Iterable[str]) -> tuple[str, str]:
        for word in words:
            if text.startswith(word):
                rest = text[len(word) :]
                colon = rest.find(":")
                if not word.endswith(":") and colon >= 0:
                    rest = rest[colon + 1 :]
                return word, rest
        return "", ""

    @staticmethod
    def _items(after: str, following: Paragraph | None) -> tuple[list[str], bool]:
        """Items after a lead word: inline ``- a - b`` or the next block's real list."""
        inline = split_inline_items(after)
        if inline:
            return inline, False
        if following is not None and following.kind == "list":
            return [item.strip() for item in following.items], True
        return [], False

    def _claim(self, block: Paragraph, following: Paragraph | None) -> tuple[Claim | None, bool]:
        text = block.text.strip()
        header, colon, after = text.partition(":")
        body = header
        for word in self.tc.claim_words:
            if body.startswith(word):
                body = body[len(word) :].strip()
                break
        doc_match = re.match(r"^(\S+\.md)\b(.*)$", body)
        if not doc_match:
            doc_match = re.match(r"^(\S+)(.*)$", body)
        if not doc_match or not colon:
            self.problem(
                "GP013",
                block.span.line,
                f"claim '{text[:70]}' names no document "
                "(expected 'Добавлено в <file>.md section N:')",
            )
            return None, False
        document_raw, rest = doc_match.group(1), doc_match.group(2)
        number = None
        ref = _SECTION_REF.search(rest)
        if ref:
            number = int(ref.group(1))
        qualifiers: list[str] = []
        section_name = None
        for paren in re.findall(r"\(([^()]*)\)", rest):
            parts = [p.strip() for p in re.split(r"[,;]", paren) if p.strip()]
            for part in parts:
                named = re.match(r"^(.*?)\s+(?:section|раздел)$", part, re.IGNORECASE)
                if named:
                    section_name = named.group(1).strip()
                else:
                    qualifiers.append(part)
        levels = self._levels(qualifiers)
        document, problem = self._resolve_document(document_raw)
        items_text, consumed = self._items(after, following)
        item_line = block.span.line if not consumed or following is None else following.span.line
        items = []
        for offset, item in enumerate(items_text):
            line = item_line + (offset if consumed else 0)
            items.append(self._claim_item(item, Span(self.doc.path, line)))
        return Claim(
            document_raw,
            document,
            number,
            section_name,
            tuple(qualifiers),
            levels,
            tuple(items),
            block.span,
            problem,
        ), consumed

    def _levels(self, words: Iterable[str]) -> tuple[str, ...]:
        found: list[str] = []
        for word in words:
            for piece in re.split(r"[/,\s]+", word):
                name = self.level_names.get(piece.strip().lower())
                if name and name not in found:
                    found.append(name)
        return tuple(found)

    def _claim_item(self, text: str, span: Span) -> ClaimItem:
        count = _QA_COUNT.search(text)
        if not count:
            return ClaimItem(text, span)
        subsection = (
            any(h.lower() in text.lower() for h in self.config.qa.subsection_headings if h != "Q&A")
            or "interview questions" in text.lower()
        )
        parens = re.findall(r"\(([^()]*)\)", text)
        levels = self._levels([p for p in parens] + [text[count.end() :]])
        return ClaimItem(text, span, int(count.group(1)), levels, subsection)

    def _resolve_document(self, raw: str) -> tuple[str, str]:
        """Tracker's name for a document → project path via aliases, within the tracker's track."""
        aliases = self.config.documents.aliases
        name = aliases.get(raw, raw)
        folder = posixpath.dirname(self.doc.path)
        direct = posixpath.normpath(posixpath.join(folder, name))
        if direct in self.known:
            return direct, ""
        stem = name[:-3] if name.endswith(".md") else name
        candidates = sorted(
            p
            for p in self.known
            if posixpath.dirname(p) == folder and posixpath.basename(p).startswith(stem)
        )
        if len(candidates) == 1:
            return candidates[0], ""
        if len(candidates) > 1:
            return "", "ambiguous-alias"
        return "", "missing-document"

    def _duplicate_numbers(self) -> None:
        seen: dict[int, Gap] = {}
        for gap in self.tracker.gaps:
            if gap.number is None:
                continue
            if gap.number in seen:
                first = seen[gap.number]
                self.problem(
                    "GP009",
                    gap.span.line,
                    f"gap number {gap.number} repeats ('{first.title}' on line "
                    f"{first.span.line} has it too): '{gap.title}' is tracked as "
                    f"'{gap.id}'",
                    gap.span.column,
                )
            else:
                seen[gap.number] = gap


def parse_tracker(doc: Document, config: Config, known_paths: set[str]) -> Tracker:
    """The tracker stage's one door."""
    return _TrackerParser(doc, config, known_paths).parse()
