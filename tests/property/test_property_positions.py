"""Property tests of element positions on generated Markdown (nested lists, quotes and fences).

- no two headings, code blocks, questions or answers share a line (elements inside one list or
  quote are located by scanning forward, never by a text search that can hit an earlier line);
- a code block's recorded columns put every code line where it is in the file;
- EX001 points at a line of the block's code, at a column inside that line;
- every link starts where its ``[`` (or ``![``, or the text of ``<url>``) is in the file, and
  link-like text inside code spans, fences and HTML is never a link (nor takes a link's place).

Names contain "spans" so that ``-k spans`` (the fuzz command in the task notes) selects them.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import cast

from hypothesis import given

from audit.graph.build import TopicGraph
from audit.model.config import Config
from audit.model.document import Document
from audit.model.source import Source
from audit.parse.markdown import parse
from audit.rules.examples import example_syntax_error
from audit.rules.registry import RuleContext
from tests.property.strategies import DECOY_TEXT, markdown

CONFIG = Config()
PATH = "content/llm/подготовка-к-интервью.md"


def _parse(text: str) -> tuple[Document, list[str]]:
    data = text.encode("utf-8", "surrogatepass")
    doc = parse(Source(PATH, PATH, data, "digest"), CONFIG)
    decoded = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    return doc, decoded.split("\n")


def _distinct(lines: list[int], what: str, text: str) -> None:
    assert len(set(lines)) == len(lines), (what, lines, text)


@given(markdown())
def test_property_spans_of_nested_elements_never_share_a_line(text: str) -> None:
    doc, _lines = _parse(text)
    heading_lines = [h.span.line for h in doc.headings]
    assert heading_lines == sorted(heading_lines)
    _distinct(heading_lines, "headings", text)
    _distinct([b.span.line for b in doc.code_blocks], "code blocks", text)
    _distinct([q.span.line for q in doc.qa], "questions", text)
    answers = [q.answer_span.line for q in doc.qa if q.answer_span is not None]
    _distinct(answers + [o.span.line for o in doc.orphan_answers], "answers", text)


@given(markdown())
def test_property_spans_code_columns_locate_every_code_line(text: str) -> None:
    doc, lines = _parse(text)
    for block in doc.code_blocks:
        code_lines = block.code.split("\n")
        if block.code.endswith("\n"):
            code_lines.pop()
        for number, raw in enumerate(code_lines, start=1):
            if not raw.strip():
                continue
            in_file = lines[block.code_line + number - 2]
            column = block.column_of(number)
            if column >= 1:
                assert in_file[column - 1 : column - 1 + len(raw)] == raw, (block, number, text)
            else:  # mistune expanded a leading tab: the text after the blanks still matches
                assert in_file.endswith(raw.lstrip(" \t")), (block, number, text)


@given(markdown())
def test_property_spans_ex001_lies_inside_the_code_line(text: str) -> None:
    doc, lines = _parse(text)
    graph = cast(TopicGraph, SimpleNamespace(documents={doc.path: doc}))
    findings = list(example_syntax_error(RuleContext(graph, CONFIG, Path("."))))
    code_lines = {
        block.code_line + k
        for block in doc.code_blocks
        for k in range(max(1, block.code.count("\n") + (not block.code.endswith("\n"))))
    }
    for finding in findings:
        line, column = finding.span.line, finding.span.column
        assert line in code_lines, (finding, text)
        assert 1 <= column <= len(lines[line - 1]) + 1, (finding, lines[line - 1], text)


@given(markdown())
def test_property_spans_links_start_at_their_own_bracket(text: str) -> None:
    doc, lines = _parse(text)
    for link in doc.links:
        assert link.text != DECOY_TEXT, (link, text)  # link-like text in code is no link
        line = lines[link.span.line - 1]
        column = link.span.column
        head = line[column - 1 : column + 1]
        own = head.startswith("[") or head == "![" or line[column - 2 : column - 1] == "<"
        assert column >= 1 and own, (link, line, text)
        # ... nor does it take a link's place
        assert not line.startswith(("[" + DECOY_TEXT, "![" + DECOY_TEXT), column - 1), (link, text)
