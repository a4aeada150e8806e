"""Anchors: our slug functions against Python-Markdown's own (when `markdown` is installed)."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.parse.slugs import AnchorAllocator, slug_github, slug_mkdocs_ascii, slug_mkdocs_unicode
from tests.helpers import parse_text

HEADINGS = [
    "1. Токенизация (llm_007_tokenization)",
    "RoPE & ALiBi",
    "Что такое KV-cache?",
    "Итоги",
    "Итоги",
    "Итоги",
    "???",
    "C++ API",
    "Ёлка — ёж",
    "  пробелы   внутри  ",
    "snake_case и дефис-слово",
    "Éléments naïfs",
    "100%",
    "a_1",
    "a",
    "a",
    "Слово---слово",
    "Ω омега",
    "日本語",
    "emoji 🚀 ракета",
    "Tab\tинside",
    "¶ параграф",
]


def test_known_slugs() -> None:
    assert slug_mkdocs_unicode("1. Токенизация (BPE)") == "1-токенизация-bpe"
    assert slug_mkdocs_unicode("Что такое KV-cache?") == "что-такое-kv-cache"
    assert slug_mkdocs_ascii("1. Токенизация (BPE)") == "1-bpe"
    assert slug_mkdocs_ascii("Éléments naïfs") == "elements-naifs"
    assert slug_github("RoPE & ALiBi") == "rope--alibi"
    assert slug_github("Ёлка — ёж") == "ёлка--ёж"


@pytest.mark.parametrize(
    ("style", "first", "second", "third"),
    [
        ("mkdocs-unicode", "итоги", "итоги_1", "итоги_2"),
        ("mkdocs-ascii", "itogi", "itogi_1", "itogi_2"),
        ("github", "итоги", "итоги-1", "итоги-2"),
    ],
)
def test_duplicates(style: str, first: str, second: str, third: str) -> None:
    allocator = AnchorAllocator(style)  # type: ignore[arg-type]
    assert [allocator.unique(x) for x in (first, first, first)] == [first, second, third]


def test_reserved_explicit_anchor_pushes_generated_one() -> None:
    allocator = AnchorAllocator("mkdocs-unicode")
    allocator.reserve("итоги")
    assert allocator.unique("итоги") == "итоги_1"


def test_suffix_after_a_gap_is_reused_like_python_markdown() -> None:
    allocator = AnchorAllocator("mkdocs-unicode")
    got = [allocator.unique(x) for x in ("a_5", "a_5", "a", "a", "a")]
    assert got == ["a_5", "a_6", "a", "a_1", "a_2"]


def _toc() -> Any:
    """Python-Markdown's toc extension, or skip: `markdown` is not a declared dependency."""
    pytest.importorskip("markdown", reason="Python-Markdown is not installed")
    return importlib.import_module("markdown.extensions.toc")


@pytest.mark.parametrize("text", HEADINGS)
def test_slug_functions_match_python_markdown(text: str) -> None:
    toc = _toc()
    assert slug_mkdocs_unicode(text) == toc.slugify(text, "-", unicode=True)
    assert slug_mkdocs_ascii(text) == toc.slugify(text, "-", unicode=False)


def _python_markdown_ids(source: str, unicode: bool) -> list[str]:
    toc = _toc()
    import markdown

    def slugify(value: str, sep: str) -> str:
        return str(toc.slugify(value, sep, unicode=unicode))

    html = markdown.markdown(
        source, extensions=["toc", "attr_list"], extension_configs={"toc": {"slugify": slugify}}
    )
    return re.findall(r'<h\d id="([^"]*)"', html)


@pytest.mark.parametrize(("style", "unicode"), [("mkdocs-unicode", True), ("mkdocs-ascii", False)])
def test_page_anchors_match_python_markdown(style: str, unicode: bool) -> None:
    source = "\n\n".join(f"## {h.strip()}" for h in HEADINGS)
    source += (
        "\n\n## Явный {#итоги_1}\n\n## С `кодом` и *курсивом*\n\n"
        "## A &amp; B &lt;x&gt; <em>b</em> &#1046;\n"
    )
    doc = parse_text(source, slug_style=style)
    assert [h.anchor for h in doc.headings] == _python_markdown_ids(source, unicode)


_TITLE = st.text(alphabet="абвгд ABab_-–.!?()&01", min_size=1, max_size=12).filter(
    lambda t: t.strip() and not t.strip().startswith(("-", "#")) and "\\" not in t
)


@given(titles=st.lists(_TITLE, min_size=1, max_size=8))
def test_property_anchors_match_python_markdown(titles: list[str]) -> None:
    source = "\n\n".join(f"## {t.strip()}" for t in titles) + "\n"
    doc = parse_text(source)
    assert [h.anchor for h in doc.headings] == _python_markdown_ids(source, True)
