"""Our slug styles against the real slugify functions (Python-Markdown toc, pymdownx.slugs) and
against github-slugger's own fixtures (the rules GitHub's anchors follow)."""

from __future__ import annotations

import pytest

from audit.parse.slugs import AnchorAllocator, slugger

HEADINGS = [
    "1. Токенизация (llm_007_tokenization)",
    "2. Длинный контекст — RoPE",
    "КРИТИЧЕСКИЕ GAPS",
    "3. Квантизация (НЕТ в tasks, но ПОКРЫТО в sources)",
    "Step 1: Scope & Scale (5 min)",
    "Q: Что такое KV-cache?",
    "Ключевые формулы: \\(O(n^2)\\)",
    "Код: attention_forward",
    "  Пробелы  по краям  ",
    "Éléments naïfs — ёлка",
    "a_b-c  d--e",
    "Заблуждение: «больше = лучше»",
    "Ёжик в тумане 🙂",
    "<code>html</code> в заголовке",
]


@pytest.mark.parametrize("text", HEADINGS)
@pytest.mark.parametrize("separator", ["-", "_"])
def test_toc_styles_match_python_markdown(text: str, separator: str) -> None:
    toc = pytest.importorskip("markdown.extensions.toc")
    assert slugger("mkdocs-ascii", separator)(text) == toc.slugify(text, separator)
    assert slugger("mkdocs-unicode", separator)(text) == toc.slugify_unicode(text, separator)


@pytest.mark.parametrize("text", HEADINGS)
@pytest.mark.parametrize("case", ["none", "lower", "lower-ascii", "fold"])
def test_pymdownx_styles_match_pymdownx_slugs(text: str, case: str) -> None:
    slugs = pytest.importorskip("pymdownx.slugs")
    style = "pymdownx" if case == "none" else f"pymdownx-{case}"
    for separator in ("-", "_"):
        assert slugger(style, separator)(text) == slugs.slugify(case=case)(text, separator)


# (input, expected) in order, from github-slugger's test/fixtures.json: duplicates share a slugger
GITHUB_SEQUENCE = [
    ("alpha", "alpha"),
    ("alpha", "alpha-1"),
    ("bravoCharlieDelta", "bravocharliedelta"),
    ("echo", "echo"),
    ("echo", "echo-1"),
    ("echo 1", "echo-1-1"),
    ("echo-1", "echo-1-2"),
    ("echo", "echo-2"),
    ("foxtrot-1", "foxtrot-1"),
    ("foxtrot", "foxtrot"),
    ("foxtrot", "foxtrot-2"),
    ("heading with a - dash", "heading-with-a---dash"),
    ("heading with an _ underscore", "heading-with-an-_-underscore"),
    ("heading with a period.txt", "heading-with-a-periodtxt"),
    (
        "exchange.bind_headers(exchange, routing [, bindCallback])",
        "exchangebind_headersexchange-routing--bindcallback",
    ),
    ("apostrophe’s should be trimmed", "apostrophes-should-be-trimmed"),
    ("I ♥ unicode", "i--unicode"),
    ("en–dash", "endash"),
    ("😄 unicode emoji", "-unicode-emoji"),
    ("😄-😄 unicode emoji", "--unicode-emoji"),
    ("😄_😄 unicode emoji", "_-unicode-emoji"),
    (":smile: - a gemoji", "smile---a-gemoji"),
    ("Привет", "привет"),
    ("Профили пользователей", "профили-пользователей"),
    ("Привет non-latin 你好", "привет-non-latin-你好"),
    ("a) ] } 〉 》 」 ）b", "a------b"),
    ("c$ ¢ £ € ₽b", "c----b"),
    ("d- ֊ ‐ – — ―b", "d------b"),
    ("i« ‘ “ ‹b", "i---b"),
    ("a_ ‿ ⁀ ＿b", "a_-‿-⁀-＿b"),
    ("nⅠ Ⅱ ²b", "nⅰ-ⅱ-b"),
]


def test_github_style_follows_github_slugger_fixtures() -> None:
    allocator = AnchorAllocator("github")
    got = [allocator.unique(allocator.slug(text)) for text, _ in GITHUB_SEQUENCE]
    assert got == [expected for _, expected in GITHUB_SEQUENCE]


def test_github_style_on_real_site_headings() -> None:
    slug = slugger("github")
    assert slug("2. Длинный контекст — RoPE") == "2-длинный-контекст--rope"
    assert slug("Step 1: Scope & Scale (5 min)") == "step-1-scope--scale-5-min"
    assert slug("3. Квантизация (НЕТ в tasks)") == "3-квантизация-нет-в-tasks"
