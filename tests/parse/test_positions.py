"""Reported positions: line and character column where the link text starts (the ``[``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.parse.positions import LineIndex, normalise_newlines
from tests.helpers import parse_text


def starts(text: str | bytes, **config: object) -> list[tuple[str, int, int]]:
    doc = parse_text(text, **config)
    return [(link.target, link.span.line, link.span.column) for link in doc.links]


def bracket_positions(text: str) -> list[tuple[int, int]]:
    """Every ``[`` that opens a link in ``text`` (test oracle, independent of the parser)."""
    out = []
    for number, line in enumerate(normalise_newlines(text.lstrip("\ufeff")).split("\n"), 1):
        for column, char in enumerate(line, 1):
            if char == "[" and "](" in line[column:]:
                out.append((number, column))
    return out


def test_line_index_round_trip() -> None:
    index = LineIndex("аб\nв\n\nгде")
    assert index.line_count == 4
    assert [index.position(o) for o in (0, 1, 3, 5, 6, 8)] == [
        (1, 1),
        (1, 2),
        (2, 1),
        (3, 1),
        (4, 1),
        (4, 3),
    ]
    assert index.offset(2) == 3 and index.line_text(4) == "где"
    assert index.offset(99) == len("аб\nв\n\nгде")


def test_cyrillic_columns_count_characters_not_bytes() -> None:
    text = "Текст [раз](a.md) и [два](б.md#якорь) конец\n"
    assert starts(text) == [("a.md", 1, 7), ("б.md#якорь", 1, 21)]
    assert bracket_positions(text) == [(1, 7), (1, 21)]


def test_crlf_and_bom() -> None:
    text = "\ufeff# Заголовок\r\n\r\nСлово [ссылка](a.md)\r\nещё [б](b.md)\r\n"
    assert starts(text.encode("utf-8")) == [("a.md", 3, 7), ("b.md", 4, 5)]


def test_lone_cr_line_ends() -> None:
    assert starts("# T\r\rx [a](a.md)\r") == [("a.md", 3, 3)]


def test_tabs_count_as_one_column() -> None:
    assert starts("-\tпункт [y](b.md)\n\nслово\t[z](c.md)\n") == [("b.md", 1, 9), ("c.md", 3, 7)]


LISTS = """\
# Списки

- один [a](a.md)
  - вложенный [b](b.md)
    1. нумерованный [c](c.md)
10. десятый [d](d.md)

| Тема | Ссылка |
|------|--------|
| Итоги | [e](e.md) и [f](f.md) |

> цитата [g](g.md)
> > вложенная [h](h.md)
>
> - список в цитате [i](i.md)
"""


def test_links_inside_lists_tables_and_blockquotes() -> None:
    assert starts(LISTS) == [
        ("a.md", 3, 8),
        ("b.md", 4, 15),
        ("c.md", 5, 21),
        ("d.md", 6, 13),
        ("e.md", 10, 11),
        ("f.md", 10, 23),
        ("g.md", 12, 10),
        ("h.md", 13, 15),
        ("i.md", 15, 21),
    ]
    assert [(line, col) for _t, line, col in starts(LISTS)] == bracket_positions(LISTS)


def test_same_target_twice_gets_two_positions() -> None:
    text = "[a](x.md) и снова [a](x.md)\n\nСтрока\n[вторая](x.md) и [третья](x.md#якорь)\n"
    assert starts(text) == [("x.md", 1, 1), ("x.md", 1, 19), ("x.md", 4, 1), ("x.md#якорь", 4, 18)]
    assert [(line, col) for _t, line, col in starts(text)] == bracket_positions(text)


def test_nested_brackets_emphasis_and_titles() -> None:
    text = (
        "*[кур](a.md)* **[жир](b.md)** [текст [вложенный]](c.md) "
        '[t](d.md "заголовок") [<>](<e f.md>)\n'
    )
    assert starts(text) == [
        ("a.md", 1, 2),
        ("b.md", 1, 17),
        ("c.md", 1, 31),
        ("d.md", 1, 57),
        ("e f.md", 1, 79),
    ]


def test_escaped_brackets_do_not_shift_the_column() -> None:
    assert starts("Текст\\[не\\] [a](a.md)\n") == [("a.md", 1, 13)]


def test_link_in_heading_and_after_front_matter() -> None:
    text = "---\ntitle: x\n---\n# Заголовок [ссылка](a.md)\n"
    assert starts(text) == [("a.md", 4, 13)]


def test_reference_links() -> None:
    text = "Ссылка [ref][r], [r] и [R][].\n\n[r]: a.md\n"
    assert starts(text) == [("a.md", 1, 8), ("a.md", 1, 18), ("a.md", 1, 24)]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_heading_and_code_positions(newline: str) -> None:
    text = newline.join(["\ufeff# Т", "", "  ## Отступ", "", "```python", "x", "```", ""])
    doc = parse_text(text.encode("utf-8"))
    assert [(h.span.line, h.span.column) for h in doc.headings] == [(1, 1), (3, 3)]
    assert [(b.span.line, b.code_line) for b in doc.code_blocks] == [(5, 6)]


_WORD = st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяABCxyz019 ", min_size=1, max_size=8)
_LINK = st.tuples(_WORD, st.sampled_from(["a.md", "../б/в.md#якорь", "#итоги", "x.md"])).map(
    lambda t: f"[{t[0].strip() or 'т'}]({t[1]})"
)
_LINE = st.lists(st.one_of(_WORD, _LINK), min_size=1, max_size=6).map(
    lambda parts: " ".join(parts).strip() or "слово"
)


@given(
    lines=st.lists(_LINE, min_size=1, max_size=8),
    crlf=st.booleans(),
    bom=st.booleans(),
    prefix=st.sampled_from(["", "- ", "> ", "1. "]),
)
def test_property_link_positions_match_brackets(
    lines: list[str], crlf: bool, bom: bool, prefix: str
) -> None:
    body = "\n\n".join(prefix + line for line in lines) + "\n"
    text = ("\ufeff" if bom else "") + (body.replace("\n", "\r\n") if crlf else body)
    found = [(line, col) for _t, line, col in starts(text.encode("utf-8"))]
    assert found == bracket_positions(text)


# ---------------------------------------------------------------- nested elements, one line each
def heading_lines(text: str) -> list[tuple[str, int, int]]:
    return [(h.text, h.span.line, h.span.column) for h in parse_text(text).headings]


def test_headings_after_a_lazy_quote_continuation_keep_their_own_lines() -> None:
    # mistune keeps every line below in the quote (lazy continuation); the two headings share
    # their text, and were both reported at line 3
    assert heading_lines("> q\ntext\n##### h3\nSetext\n# h3\n") == [("h3", 3, 1), ("h3", 5, 1)]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("- ## a\n- ## a\n- ## a\n", [1, 2, 3]),
        ("> ## a\n>\n> ## a\n", [1, 3]),
        ("1. > ## Итоги\n2. > ## Итоги\n", [1, 2]),
        # the same words in prose before the heading are not the heading
        ("- про Итоги\n- ## Итоги\n", [2]),
        ("> про Итоги, ## Итоги\n>\n> ## Итоги\n", [3]),
        # setext headings are found by their underline
        ("> x\n>\n> a\n> ===\n>\n> a\n> ---\n", [3, 6]),
        ("- Итоги\n  -----\n- Итоги\n  =====\n", [1, 3]),
        # an ATX heading of another level with the same text is not this one
        ("> ### a\n>\n> ## a\n", [1, 3]),
        # nor a comment in code nested before it, nor an ATX-like line in an HTML block
        ("- ```python\n  # x\n  ```\n- # x\n", [4]),
        ("- <div>\n  # y\n  </div>\n- # x\n", [4]),
        # mistune put the inner quote (line 1) after the list that ended it (found by
        # test_property_spans_of_nested_elements_never_share_a_line)
        ("> > # модель\n> - ```python\n>   print(1)\n>   \n> # модель\n", [1, 5]),
    ],
)
def test_equal_headings_in_one_list_or_quote_get_their_own_lines(
    text: str, lines: list[int]
) -> None:
    assert [line for _t, line, _c in heading_lines(text)] == lines


def test_anchor_suffixes_follow_nested_heading_order() -> None:
    doc = parse_text("- ## a\n- ## a\n- ## a\n")
    assert [(h.anchor, h.span.line) for h in doc.headings] == [("a", 1), ("a_1", 2), ("a_2", 3)]


def qa_lines(text: str) -> list[tuple[int, int, int | None]]:
    doc = parse_text(text)
    return [
        (q.span.line, q.span.column, q.answer_span.line if q.answer_span else None) for q in doc.qa
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Q&A in a quote were all reported at the quote's first line
        ("> Q: раз?\n> A: да\n>\n> Q: раз?\n> A: да\n", [(1, 3, 2), (4, 3, 5)]),
        ("> вступление\n>\n> **Q:** два?\n> **A:** нет\n", [(3, 3, 4)]),
        # a marker in code nested in the quote is code, not the question
        ("> ```\n> Q: x\n> ```\n> Q: да?\n> A: да\n", [(4, 3, 5)]),
        ("> - Q: x\n>\n>   A: y\n>\n> - Q: x\n>\n>   A: y\n", [(1, 5, 3), (5, 5, 7)]),
        # nor a marker in an HTML block of the quote (the question was put on line 2)
        ("> <div>\n> Q: не вопрос\n> </div>\n>\n> Q: вопрос?\n> A: да\n", [(5, 3, 6)]),
        # in a paragraph: a marker in the middle of a line is not where the question starts
        ("Текст, а Q: не тут\nQ: тут?\nA: да\n", [(2, 1, 3)]),
    ],
)
def test_qa_markers_in_quotes_and_paragraphs_get_their_own_lines(
    text: str, expected: list[tuple[int, int, int | None]]
) -> None:
    assert qa_lines(text) == expected


def code_positions(text: str) -> list[tuple[int, int, int, int]]:
    doc = parse_text(text)
    return [(b.span.line, b.span.column, b.code_line, b.code_column) for b in doc.code_blocks]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. - ```python\n     x = 007\n     ```\n", [(1, 6, 2, 6)]),
        # two equal blocks in one list: each at its own fence
        (
            "- ```python\n  x = 1\n  ```\n- ```python\n  x = 1\n  ```\n",
            [(1, 3, 2, 3), (4, 3, 5, 3)],
        ),
        # the first code line's text appears earlier in the quote, as prose
        ("> текст x = 1\n>\n> ```python\n> x = 1\n> ```\n", [(3, 3, 4, 3)]),
        # empty blocks
        ("- ```python\n  ```\n- ```python\n  ```\n", [(1, 3, 2, 3), (3, 3, 4, 3)]),
        # an indented code block in a list item (no fence: the span is the code's first line)
        ("- пункт\n\n      код\n", [(3, 7, 3, 7)]),
        (">```python\n>x = 1\n> ```\n", [(1, 2, 2, 2)]),
        # a fence-like line in an HTML block is not the fence (found by
        # test_property_spans_code_columns_locate_every_code_line); the block ends with its
        # element, as Python-Markdown ends it, so the fence after `</div>` is one
        (
            "> <div>\n> raw *html*\n> </div>\n> ```python\n> \n> ```\n[ref]: материалы.md\n",
            [(4, 3, 5, 3)],
        ),
        (
            "> <div>\n> ```python\n> </div>\n> ```python\n> x = 1\n> ```\n",
            [(4, 3, 5, 3)],
        ),
        # nor one in an HTML block followed by the same code as the real block (stepped over)
        (
            "> > <div>\n> > </div>\n> > ~~~python\n> > x = 1\n> > \n> ~~~python\n> x = 1\n",
            [(3, 5, 4, 5), (6, 3, 7, 3)],  # after `</div>` the inner fence is one too
        ),
        # `- ```` after an unclosed fence in a quote opens the next item's block: it is not
        # the quote's closing fence (found by test_property_spans_code_columns_...)
        (
            "- > ```python\n  > print(1)\n  > \n- ```\n  print(1)\n  \n",
            [(1, 5, 2, 5), (4, 3, 5, 3)],
        ),
        # the top level: the fence's indentation is stripped from the code
        ("  ```python\n  x = 1\n  ```\n", [(1, 3, 2, 3)]),
    ],
)
def test_nested_code_blocks_fence_and_code_positions(
    text: str, expected: list[tuple[int, int, int, int]]
) -> None:
    assert code_positions(text) == expected


def ex001(text: str) -> list[tuple[int, int, str]]:
    """(line, column, the file's text from that column) of every EX001 in a one-file project."""
    from types import SimpleNamespace
    from typing import cast

    from audit.graph.build import TopicGraph
    from audit.model.config import Config
    from audit.rules.examples import example_syntax_error
    from audit.rules.registry import RuleContext

    doc = parse_text(text)
    graph = cast(TopicGraph, SimpleNamespace(documents={doc.path: doc}))
    lines = normalise_newlines(text).split("\n")
    return [
        (f.span.line, f.span.column, lines[f.span.line - 1][f.span.column - 1 :])
        for f in example_syntax_error(RuleContext(graph, Config(), Path(".")))
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. - ```python\n     x = 007\n     ```\n", [(2, 10, "007")]),
        ("> - ```python\n>   a = 1\n>   x = 007\n>   ```\n", [(3, 9, "007")]),
        # the quote prefix differs from line to line: `> ` then `>`
        ("> ```python\n> x = 1\n>y = 007\n> ```\n", [(3, 6, "007")]),
        # two equal broken blocks in one list: two findings, two lines
        (
            "- ```python\n  x = (\n  ```\n- ```python\n  x = (\n  ```\n",
            [(2, 7, "("), (5, 7, "(")],
        ),
        # Cyrillic before the error: columns count characters (CPython 3.11 reports this
        # tokenizer error in bytes)
        ('- ```python\n  print("раз", 007)\n  ```\n', [(2, 16, "007)")]),
        ('> ```python\n> f("раз", (\n> ```\n', [(2, 12, "(")]),
        # top level, the fence indented by two: the code line is indented by one
        ("  ```python\n  x = 1\n y = 007\n  ```\n", [(3, 6, "007")]),
    ],
)
def test_ex001_column_is_the_error_in_the_file(
    text: str, expected: list[tuple[int, int, str]]
) -> None:
    assert ex001(text) == expected


_PREFIX = st.sampled_from(["", "- ", "1. ", "> ", ">", "> - ", "1. - ", "- > ", "  ", "10. > "])
_BROKEN = st.sampled_from(["x = 007", "x = (", "print(«ё» 1)", "def f(:", "ё = 1 +", "  y = ("])
_FINE = st.sampled_from(["x = 1", "ё = 'слово'", "# коммент", ""])


@given(
    blocks=st.lists(
        st.tuples(_PREFIX, st.lists(_FINE, max_size=2), _BROKEN, st.lists(_FINE, max_size=2)),
        min_size=1,
        max_size=4,
    ),
    separator=st.sampled_from(["\n\nТекст.\n\n", "\n"]),
)
def test_property_spans_ex001_column_lies_within_its_line(
    blocks: list[tuple[str, list[str], str, list[str]]], separator: str
) -> None:
    """Broken examples nested in lists and quotes (one list or quote holding several when the
    separator is a bare newline): every EX001 lies inside its line, on a line of its own, and
    points into the code, not at a fence."""
    parts = []
    for prefix, before, broken, after in blocks:
        pad = "".join(ch if ch == ">" else " " for ch in prefix)  # the container's continuation
        body = [prefix + "```python", *(pad + c for c in [*before, broken, *after]), pad + "```"]
        parts.append("\n".join(body))
    text = separator.join(parts) + "\n"
    found = ex001(text)
    lines = text.split("\n")
    assert len(found) == len(blocks)
    assert len({line for line, _c, _t in found}) == len(found)
    for line, column, _rest in found:
        assert 1 <= column <= len(lines[line - 1]) + 1, (line, column, lines[line - 1])
        assert "```" not in lines[line - 1]


def test_a_block_mistune_emits_after_a_later_one_keeps_its_range() -> None:
    # when a block follows the list, mistune hands the quote (lines 1-3) back after the list
    # (lines 4-9): in that order the list's range ended before it started and the quote's
    # swallowed the list (found by test_property_spans_ex001_column_lies_within_its_line)
    text = (
        "> - ```python\n>   x = 007\n>   ```\n"
        "- ```python\n  x = 007\n  ```\n- ```python\n  x = 007\n  ```\n"
        "```python\nx = 007\n```\n"
    )
    found = sorted((line, column) for line, column, _rest in ex001(text))
    assert found == [(2, 9), (5, 7), (8, 7), (11, 5)]
    headings = "> - ## a\n- ## a\n- ## a\n\n## a\n"
    assert [line for _t, line, _c in heading_lines(headings)] == [1, 2, 3, 5]


# ------------------------------------------------- decoys: link-like text the parser did not link
def test_a_code_span_before_the_link_does_not_take_its_position() -> None:
    # the code span's text was found first by the text search: XR001 was reported at 1:8
    assert starts("Текст `[a](нет2.md)` и [b](нет2.md)\n") == [("нет2.md", 1, 24)]


def test_a_fence_nested_in_a_list_item_does_not_take_the_next_items_link() -> None:
    text = "- пункт\n\n  ```\n  [c](нет3.md)\n  ```\n- [d](нет3.md)\n"
    # the link-like line in the item's code was found first: reported at 4:3
    assert starts(text) == [("нет3.md", 6, 3)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # code spans of more backticks, one holding a backtick, one spanning a line end
        ("``[x](a.md) ` `` [y](a.md)\n", [("a.md", 1, 18)]),
        ("`[x](a.md)\n[y](a.md)` и [z](a.md)\n", [("a.md", 2, 14)]),
        # inline HTML and a raw HTML block holding link-like text
        ('<span title="[x](a.md)">т</span> [y](a.md)\n', [("a.md", 1, 34)]),
        ("<div>\n[x](a.md)\n</div>\n\n[y](a.md)\n", [("a.md", 5, 1)]),
        # a fence in a quote, an indented block in a list item
        ("> ```\n> [x](a.md)\n> ```\n> [y](a.md)\n", [("a.md", 4, 3)]),
        ("- т\n\n      [x](a.md)\n\n  [y](a.md)\n", [("a.md", 5, 3)]),
        # the same link text as a reference definition's label, an image, strikethrough
        ("`[r]` [r]\n\n[r]: a.md\n", [("a.md", 1, 7)]),
        ("`![i](a.png)` ![j](a.png)\n", [("a.png", 1, 15)]),
        ("`[x](a.md)` ~~зачёркнуто [y](a.md)~~\n", [("a.md", 1, 26)]),
        # a table cell: code before the link in the same cell, an escaped pipe
        (
            "| `[x](a.md)` [y](a.md) | \\| [z](b.md) |\n|---|---|\n",
            [("a.md", 1, 15), ("b.md", 1, 30)],
        ),
        # a list item's last line with trailing blanks (mistune strips them)
        ("- `[x](a.md)` [y](a.md)   \n", [("a.md", 1, 15)]),
        # a tab after the list marker (mistune expands it)
        ("-\t`[x](a.md)` [y](a.md)\n", [("a.md", 1, 15)]),
    ],
)
def test_link_like_text_in_code_and_html_is_never_a_position(
    text: str, expected: list[tuple[str, int, int]]
) -> None:
    assert starts(text) == expected
