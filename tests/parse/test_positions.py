"""Reported positions: line and character column where the link text starts (the ``[``)."""

from __future__ import annotations

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
        ("> - Q: x\n>\n>   A: y\n>\n> - Q: x\n>\n>   A: y\n", [(1, 5, 3), (5, 5, 7)]),
        # in a paragraph: a marker in the middle of a line is not where the question starts
        ("Текст, а Q: не тут\nQ: тут?\nA: да\n", [(2, 1, 3)]),
    ],
)
def test_qa_markers_in_quotes_and_paragraphs_get_their_own_lines(
    text: str, expected: list[tuple[int, int, int | None]]
) -> None:
    assert qa_lines(text) == expected
