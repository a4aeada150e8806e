"""A link inside admonitions, details and content tabs, nested at random (in lists too), is
found at its true line and column."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from audit.model.config import Config
from audit.model.source import Source
from audit.parse.markdown import parse

OPENERS = ['!!! note "Заметка"', "!!! warning", '??? info "Подробнее"', "???+ tip", '=== "Вкладка"']
WORDS = st.sampled_from(["текст", "слово", "**жирно**", "`код`", "и ещё"])


@st.composite
def nested_page(draw: st.DrawFn) -> tuple[str, int, int]:
    """(page, line, column) of the one link the page holds."""
    lines = ["# Страница", ""]
    indent = ""
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()) and indent == "":
            lines += [indent + "- пункт", ""]
            indent += "    "
        lines.append(indent + draw(st.sampled_from(OPENERS)))
        indent += "    "
        if draw(st.booleans()):
            lines += [indent + draw(WORDS), ""]
        elif draw(st.booleans()):
            lines.append("")
    before = " ".join(draw(st.lists(WORDS, max_size=3)))
    prefix = indent + (before + " " if before else "")
    lines.append(prefix + "[цель](страница.md#раздел) " + draw(WORDS))
    line = len(lines)
    lines += ["", draw(st.sampled_from(["", "после"]))]
    return "\n".join(lines) + "\n", line, len(prefix) + 1


@given(nested_page())
def test_a_link_in_nested_containers_is_found_where_it_is(case: tuple[str, int, int]) -> None:
    text, line, column = case
    doc = parse(Source("p.md", "p.md", text.encode(), "x"), Config())
    targets = [(link.target, link.span.line, link.span.column) for link in doc.links]
    assert targets == [("страница.md#раздел", line, column)], text
    assert not doc.code_blocks, text  # the bodies are Markdown, not indented code


def test_unclosed_math_openers_are_read_in_linear_time() -> None:
    """Each unclosed `\\(` once scanned to the end of its paragraph (30,000 of them: 200 s)."""
    import time

    text = "# Т\n\n" + "a \\( b " * 30000 + "\n\n" + "$$\n\n" * 5000 + "\\[ x\n\n" * 5000
    start = time.perf_counter()
    doc = parse(Source("p.md", "p.md", text.encode(), "x"), Config())
    assert time.perf_counter() - start < 30  # generous: linear is well under a few seconds
    assert doc.headings[0].text == "Т" and not doc.links
