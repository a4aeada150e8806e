"""The mkdocs-material dialect against the real renderer: `mkdocs build` of a fixture site that
uses admonitions, details, content tabs (and more), compared link by link with our findings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from audit.config import load_config

SITE = Path(__file__).parent.parent / "fixtures" / "mkdocs-material-site"
LINK_CODES = ("XR001", "XR002", "XR005")


def mkdocs_link_warnings(site: Path, out: Path) -> set[tuple[str, str]]:
    """(page, link as written) of every link/anchor warning of a real `mkdocs build`."""
    pytest.importorskip("mkdocs")
    pytest.importorskip("pymdownx")
    pytest.importorskip("material")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml", "-d", str(out)],
        cwd=site,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return set(re.findall(r"Doc file '([^']+)' contains a link '([^']+)', but", run.stderr))


def audit_link_findings(site: Path) -> set[tuple[str, str]]:
    """(page, link as written) of every link finding of ours; each one at the link's own
    line and column (the `[` of the link, the target on that line)."""
    from audit.pipeline import analyse

    analysis = analyse(load_config(cwd=site))
    by_span = {
        (r.link.span.path, r.link.span.line, r.link.span.column): r for r in analysis.graph.links
    }
    ours = set()
    for finding in analysis.findings:
        if finding.code not in LINK_CODES:
            continue
        span = finding.span
        resolved = by_span[(span.path, span.line, span.column)]
        line = (site / span.path).read_text(encoding="utf-8").splitlines()[span.line - 1]
        assert line[span.column - 1] in "[<!", (span, line)
        # an inline link's target is on its line; a reference link's is in its definition
        assert resolved.link.target in line or line.startswith("[", span.column - 1)
        ours.add((span.path.removeprefix("docs/"), resolved.link.target))
    return ours


def precision_recall(
    ours: set[tuple[str, str]], theirs: set[tuple[str, str]]
) -> tuple[float, float]:
    both = len(ours & theirs)
    return (both / len(ours) if ours else 1.0), (both / len(theirs) if theirs else 1.0)


# documented differences, each asserted to still exist (so the list cannot go stale)
MKDOCS_ONLY: set[tuple[str, str]] = set()
OURS_ONLY = {
    # links in raw HTML (a block, or a tag inside a paragraph): Python-Markdown stashes raw
    # HTML away from the tree mkdocs validates, so mkdocs never checks them; a reader's click
    # on them breaks all the same, and we check them like Markdown links
    ("01-основы/пробелы.md", "материалы.md#html-нет"),
    ("01-основы/пробелы.md", "нет.png"),
    ("01-основы/пробелы.md", "../нет-страницы.md"),
    # a directory-style link: mkdocs leaves it as is (an INFO "unrecognized relative link ...
    # did you mean 'материалы.md#нет-dir'?") and checks nothing; we check the page it names
    # (sub/index.md, sub/README.md, page.md), its anchor, and that a folder link leads anywhere.
    # From this page (published at 01-основы/пробелы/) every one that names a page is also an
    # XR007: as written, the browser resolves it one level too deep (see the test below)
    ("01-основы/пробелы.md", "материалы/#нет-dir"),
    ("01-основы/пробелы.md", "../03-раздел/#нет"),
    ("01-основы/пробелы.md", "../04-readme/#мимо"),
    ("01-основы/пробелы.md", "../05-нет/"),
}


def test_every_broken_link_mkdocs_reports_in_the_dialect_is_ours_and_back(tmp_path: Path) -> None:
    theirs = mkdocs_link_warnings(SITE, tmp_path / "site")
    ours = audit_link_findings(SITE)
    # the fixture plants them in admonitions, details, tabs, nested and in lists: a silent
    # mkdocs (or a parser that hid them in code blocks) would pass vacuously without this
    assert len(theirs) >= 10
    assert theirs >= MKDOCS_ONLY and not MKDOCS_ONLY & ours
    assert ours >= OURS_ONLY and not OURS_ONLY & theirs
    raw_precision, raw_recall = precision_recall(ours, theirs)
    precision, recall = precision_recall(ours - OURS_ONLY, theirs - MKDOCS_ONLY)
    print(
        f"mkdocs-material-site: {len(theirs)} mkdocs warnings, {len(ours)} findings of ours; "
        f"precision {raw_precision:.3f} recall {raw_recall:.3f} as is, "
        f"{precision:.3f} / {recall:.3f} past the documented differences"
    )
    assert ours - OURS_ONLY == theirs - MKDOCS_ONLY


def test_without_the_extensions_the_dialect_is_plain_markdown(tmp_path: Path) -> None:
    """A site that does not enable admonition renders `!!!` as a paragraph and its body (past
    a blank line) as code: the link there is no link, for mkdocs and for us."""
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "mkdocs.yml").write_text("site_name: s\nmarkdown_extensions:\n  - toc\n")
    (site / "docs" / "index.md").write_text(
        "# Главная\n\n!!! note\n\n    [в коде](нет.md)\n\n[видна](тоже-нет.md)\n", encoding="utf-8"
    )
    theirs = mkdocs_link_warnings(site, tmp_path / "out")
    ours = audit_link_findings(site)
    assert ours == theirs == {("index.md", "тоже-нет.md")}


def test_attr_list_ids_are_anchors_and_never_part_of_the_slug() -> None:
    from audit.model.source import Source
    from audit.parse.markdown import parse

    text = (
        '# Т\n\n## Другое { id="kv-id" }\n\n## Класс {: #with-class .important }\n\n'
        "## Просто класс { .note }\n\n## Плотно {#tight}\n"
    )
    doc = parse(Source("p.md", "p.md", text.encode(), "x"), load_config(cwd=SITE).config)
    assert [(h.text, h.anchor, h.explicit_anchor) for h in doc.headings[1:]] == [
        ("Другое", "kv-id", True),
        ("Класс", "with-class", True),
        ("Просто класс", "просто-класс", False),
        ("Плотно", "tight", True),
    ]


def test_attr_list_ids_on_paragraphs_and_list_items_are_anchors() -> None:
    # `mkdocs build` renders <p id="feedback">, <p id="fb2">, <li id="li1">; a list that is not
    # the block's last line, or one with a stray `}`, sets nothing
    from audit.model.source import Source
    from audit.parse.markdown import parse

    text = (
        "# Т\n\nАбзац отзыва.\n{: #feedback }\n\nЕщё абзац\n{ #fb2 .note }\n\n"
        '- пункт\n  { id="li1" }\n\n!!! note\n    тело\n    {: #adm }\n\n'
        "Не {: #mid } в конце.\n\nСтрока\n{: #bad } }\n\n[к отзыву](#feedback)\n"
    )
    doc = parse(Source("p.md", "p.md", text.encode(), "x"), load_config(cwd=SITE).config)
    assert doc.extra_anchors == ("feedback", "fb2", "li1", "adm")


def test_links_in_admonition_details_and_tab_titles_are_found_where_they_are() -> None:
    # `mkdocs build` renders the title's Markdown: <p class="admonition-title">Смотри <a ...>
    from audit.model.source import Source
    from audit.parse.markdown import parse

    lines = [
        "# Т",
        "",
        '!!! note "Смотри [раздел](#раздел)"',
        "    тело [вики](вики.md)",
        "",
        "- пункт",
        "",
        "    ??? tip \"Подробно <a href='q.md'>тут</a> и [там](z.md)\"",
        "        тело",
        "",
        '=== "Вкладка [с картинкой](t.md)"',
        "    текст",
    ]
    doc = parse(
        Source("p.md", "p.md", "\n".join(lines).encode(), "x"), load_config(cwd=SITE).config
    )

    def at(line: int, needle: str) -> tuple[int, int]:
        return line, lines[line - 1].index(needle) + 1

    assert [(link.target, (link.span.line, link.span.column)) for link in doc.links] == [
        ("#раздел", at(3, "[")),
        ("вики.md", at(4, "[")),
        ("q.md", at(8, "<a")),
        ("z.md", at(8, "[")),
        ("t.md", at(11, "[")),
    ]


def test_definition_bodies_are_markdown_where_def_list_is_on(tmp_path: Path) -> None:
    # `mkdocs build` with def_list: <dd><p>... <a href="x.md"></p><p>... <a href="w.md"></p></dd>
    # (an indented second paragraph, not code), a lazy line joins its definition, and a `:`
    # line with no term before it is a paragraph
    from audit.model.source import Source
    from audit.parse.markdown import parse

    (tmp_path / "mkdocs.yml").write_text("site_name: s\nmarkdown_extensions:\n  - def_list\n")
    lines = [
        "# Т",
        "",
        "Термин",
        ":   определение со [ссылкой](x.md)",
        "",
        "    второй абзац [ещё](w.md)",
        "",
        ":   вторая [д](d2.md)",
        "ленивая [строка](lz.md)",
    ]
    doc = parse(
        Source("p.md", "p.md", "\n".join(lines).encode(), "x"), load_config(cwd=tmp_path).config
    )
    assert doc.code_blocks == []
    assert [(link.target, link.span.line, link.span.column) for link in doc.links] == [
        ("x.md", 4, lines[3].index("[") + 1),
        ("w.md", 6, lines[5].index("[") + 1),
        ("d2.md", 8, lines[7].index("[") + 1),
        ("lz.md", 9, lines[8].index("[") + 1),
    ]
    (tmp_path / "mkdocs.yml").write_text("site_name: s\nmarkdown_extensions: []\n")
    doc = parse(
        Source("p.md", "p.md", "\n".join(lines).encode(), "x"), load_config(cwd=tmp_path).config
    )
    assert [block.span.line for block in doc.code_blocks] == [6]  # CommonMark: indented code


def test_raw_html_links_are_relative_to_the_built_page(tmp_path: Path) -> None:
    # with use_directory_urls, setup/page.md is served at setup/page/: mkdocs leaves raw HTML
    # as written, so the browser reads ../../assets/x.png from there (the site's assets/x.png)
    # and ../assets/x.png names setup/assets/x.png, which is not there
    from audit.pipeline import analyse

    docs = tmp_path / "docs"
    (docs / "setup").mkdir(parents=True)
    (docs / "assets").mkdir()
    (docs / "assets" / "x.png").write_bytes(b"png")
    (docs / "index.md").write_text("# Главная\n\n[Настройка](setup/page.md)\n", encoding="utf-8")
    page = (
        "# Настройка\n\n"
        '<p><img src="../../assets/x.png" alt="схема"></p>\n\n'
        'Картинка <img src="../../assets/x.png"> в тексте.\n\n'
        '<p><img src="../assets/x.png" alt="неверно"></p>\n\n'
        "[Markdown-ссылка](../assets/x.png)\n"
    )
    (docs / "setup" / "page.md").write_text(page, encoding="utf-8")
    # without folder URLs the page is setup/page.html: ../../ leaves the site (lines 3 and 5)
    for directory_urls, broken in ((True, {7}), (False, {3, 5})):
        (tmp_path / "mkdocs.yml").write_text(
            f"site_name: s\nuse_directory_urls: {str(directory_urls).lower()}\n"
        )
        analysis = analyse(load_config(cwd=tmp_path))
        html = [r for r in analysis.graph.links if r.link.image and r.link.from_html]
        assert len(html) == (3 if directory_urls else 0)
        lines = {f.span.line for f in analysis.findings if f.code in LINK_CODES}
        assert lines == broken, directory_urls


def test_footnotes_give_python_markdown_ids_and_their_bodies_are_markdown() -> None:
    from audit.model.source import Source
    from audit.parse.markdown import parse

    text = "# Т\n\nA[^1] b[^1] c[^x].\n\n[^1]: Первая,\n    [ссылка](a.md#b) в ней.\n"
    doc = parse(Source("p.md", "p.md", text.encode(), "x"), load_config(cwd=SITE).config)
    assert set(doc.extra_anchors) == {"fn:1", "fnref:1", "fnref2:1"}  # [^x] is undefined: text
    assert [(link.target, link.span.line, link.span.column) for link in doc.links] == [
        ("a.md#b", 6, 5)
    ]


def test_raw_html_ids_are_anchors_and_its_links_are_links_at_their_tag() -> None:
    from audit.model.source import Source
    from audit.parse.markdown import parse

    text = (
        '# Т\n\n<a name="n1"></a>\n\nТекст <span id="s1">x</span> и <a href="a.md#b">a</a>.\n\n'
        '<div markdown id="d1">\n[внутри](c.md)\n</div>\n\n<p><img src="i.png"></p>\n'
    )
    doc = parse(Source("p.md", "p.md", text.encode(), "x"), load_config(cwd=SITE).config)
    assert set(doc.extra_anchors) == {"n1", "s1", "d1"}
    assert [(link.target, link.span.line, link.span.column, link.image) for link in doc.links] == [
        ("a.md#b", 5, 32, False),
        ("c.md", 8, 1, False),
        ("i.png", 11, 4, True),
    ]


def test_a_heading_right_after_a_closed_html_element_is_a_heading_as_mkdocs_keeps_it() -> None:
    # `mkdocs build` renders <div id="x"></div> then <h2>; CommonMark would run the div block on
    # to the blank line and swallow the heading. An element still open keeps its lines as HTML
    from audit.model.source import Source
    from audit.parse.markdown import parse

    text = (
        '# Т\n\n<div id="x"></div>\n## Заголовок\n\n<div id="z">\n## Внутри\n</div>\n\n'
        "<p>один</p>\n[дальше](a.md)\n"
    )
    doc = parse(Source("p.md", "p.md", text.encode(), "x"), load_config(cwd=SITE).config)
    assert [(h.text, h.span.line) for h in doc.headings] == [("Т", 1), ("Заголовок", 4)]
    assert "x" in doc.extra_anchors and "z" in doc.extra_anchors
    assert [(link.target, link.span.line, link.span.column) for link in doc.links] == [
        ("a.md", 11, 1)
    ]


def test_math_is_never_links_or_emphasis_and_mermaid_is_a_diagram() -> None:
    from audit.model.source import Source
    from audit.parse.markdown import parse

    text = (
        "# Т\n\nФормула \\(p[k](t) = a_1 * b_2 * c\\) и [ссылка](x.md).\n\n"
        "$$\ns[k](ss.md) = x_1 * y_2 *\n$$\n\n```mermaid\ngraph LR\n```\n\n```python\nx = 1\n```\n"
    )
    config = load_config(cwd=SITE).config
    doc = parse(Source("p.md", "p.md", text.encode(), "x"), config)
    assert [link.target for link in doc.links] == ["x.md"]
    assert [(block.language, block.kind) for block in doc.code_blocks] == [
        ("mermaid", "diagram"),
        ("python", "code"),
    ]
    plain = parse(Source("p.md", "p.md", text.encode(), "x"), type(config)())  # no mkdocs.yml
    assert [link.target for link in plain.links] == ["x.md"]  # the dialect is on by default


def test_the_last_duplicate_reference_definition_wins_with_a_warning_on_it() -> None:
    from audit.model.source import Source
    from audit.parse.markdown import parse

    text = "# Т\n\n[ссылка][м]\n\n[м]: a.md\n\n  [М]: b.md\n"
    doc = parse(Source("p.md", "p.md", text.encode(), "x"), load_config(cwd=SITE).config)
    assert [link.target for link in doc.links] == ["b.md"]  # as mkdocs links it
    assert [(f.code, f.span.line, f.span.column) for f in doc.problems] == [("MD004", 7, 3)]
    assert "first on line 5" in doc.problems[0].message


def test_md002_names_the_heading_as_written_and_the_id_mkdocs_gives(tmp_path: Path) -> None:
    from audit.model.source import Source
    from audit.parse.markdown import parse

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: s\n")  # toc's default slugify: ASCII only
    config = load_config(cwd=tmp_path).config
    assert config.slug_style == "mkdocs-ascii"
    text = "# Токенизация\n\n## ![схема](a.png)\n\n## ???\n"
    doc = parse(Source("p.md", "p.md", text.encode(), "x"), config)
    assert [h.anchor for h in doc.headings] == ["_1", "_2", "_3"]
    messages = [f.message for f in doc.problems if f.code == "MD002"]
    assert len(messages) == 3
    assert "heading '# Токенизация'" in messages[0] and "drops Cyrillic" in messages[0]
    assert "the id '_1'" in messages[0]
    assert "heading '## ![схема](a.png)'" in messages[1] and "the id '_2'" in messages[1]
    assert "heading '## ???' has no letters or digits" in messages[2]


def test_a_question_inside_a_details_block_is_answered_there_and_ends_with_it() -> None:
    from audit.model.source import Source
    from audit.parse.markdown import parse

    text = (
        '# Т\n\n??? question "Вопрос"\n    **Q:** Зачем?\n\n    **A:** Затем.\n\n'
        '=== "Вкладка"\n\n    Текст вкладки.\n'
    )
    doc = parse(Source("p.md", "p.md", text.encode(), "x"), load_config(cwd=SITE).config)
    assert [(q.question, q.answer, q.span.line, q.span.column) for q in doc.qa] == [
        ("Зачем?", "Затем.", 4, 5)
    ]


@pytest.mark.parametrize(
    ("extensions", "on"),
    [
        ([], set()),
        (["admonition", "pymdownx.details"], {"admonition", "details"}),
        (["pymdownx.extra"], {"attr_list", "def_list", "footnotes", "md_in_html", "superfences"}),
        (["markdown.extensions.footnotes", "pymdownx.tabbed"], {"footnotes", "tabbed"}),
    ],
)
def test_a_feature_is_on_only_when_the_site_enables_its_extension(
    tmp_path: Path, extensions: list[str], on: set[str]
) -> None:
    from dataclasses import asdict

    from audit.parse.dialect import features_of

    listed = "".join(f"  - {name}\n" for name in extensions)
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: s\nmarkdown_extensions:\n{listed or '  []'}\n"
    )
    features = features_of(load_config(cwd=tmp_path).config)
    # Python-Markdown's own raw HTML block ends are no extension: on for every mkdocs site
    assert {name for name, value in asdict(features).items() if value} == on | {"html_block_ends"}


def built_directory_hrefs(out: Path, page_urls: dict[str, str]) -> dict[tuple[str, str], bool]:
    """(page, href as written, percent-decoded) of every directory-style relative link in the
    built article of each page, and whether the URL the browser resolves it to has a file."""
    import html
    import posixpath
    from urllib.parse import unquote

    found: dict[tuple[str, str], bool] = {}
    for page, url in page_urls.items():
        built = (out / url / "index.html") if url.endswith("/") or not url else out / url
        article = built.read_text(encoding="utf-8").split("<article", 1)[1]
        for href in re.findall(r'href="([^"]+)"', article.split("</article>", 1)[0]):
            written = unquote(html.unescape(href))
            path = written.split("#", 1)[0]
            if not path.endswith("/") or "://" in path:
                continue
            lands = posixpath.normpath(posixpath.join(posixpath.dirname(url) or ".", path))
            found[(page, written)] = (out / lands / "index.html").is_file()
    return found


def test_every_directory_link_xr007_reports_is_a_404_in_the_built_site(tmp_path: Path) -> None:
    """The real `mkdocs build` (use_directory_urls: true): each XR007 link, resolved against
    its page's URL, has no file in site/; the index page's directory link works and is quiet."""
    from audit.pipeline import analyse

    out = tmp_path / "site"
    mkdocs_link_warnings(SITE, out)
    pages = {"01-основы/пробелы.md": "01-основы/пробелы/", "03-раздел/index.md": "03-раздел/"}
    built = built_directory_hrefs(out, pages)
    analysis = analyse(load_config(cwd=SITE))
    by_span = {
        (r.link.span.path, r.link.span.line, r.link.span.column): r for r in analysis.graph.links
    }
    ours = {
        (f.span.path.removeprefix("docs/"), by_span[(f.span.path, f.span.line, f.span.column)])
        for f in analysis.findings
        if f.code == "XR007"
    }
    reported = {(page, resolved.link.target) for page, resolved in ours}
    assert len(reported) == 9
    assert all(built[key] is False for key in reported)
    broken = {key for key, works in built.items() if not works}
    assert broken - reported == {
        ("01-основы/пробелы.md", "../02-практика/"),  # a folder with no page: XR007 names pages
        ("01-основы/пробелы.md", "../05-нет/"),  # no such folder: XR001
    }
    assert built[("03-раздел/index.md", "../01-основы/материалы/")] is True
    assert ("03-раздел/index.md", "../01-основы/материалы/") not in reported


def test_without_directory_urls_a_page_link_breaks_and_a_folder_link_works(tmp_path: Path) -> None:
    """use_directory_urls: false publishes `x/y.md` at `x/y.html`: `../03-раздел/` reaches the
    folder's index.html, `материалы/` names a folder no page makes; XR007 says exactly that."""
    import posixpath

    from audit.pipeline import analyse

    site = tmp_path / "src"
    (site / "docs" / "01-основы").mkdir(parents=True)
    (site / "docs" / "03-раздел").mkdir()
    (site / "mkdocs.yml").write_text(
        "site_name: s\nuse_directory_urls: false\ntheme:\n  name: material\n"
    )
    (site / "docs" / "index.md").write_text("# Главная\n", encoding="utf-8")
    (site / "docs" / "01-основы" / "материалы.md").write_text("# М\n", encoding="utf-8")
    (site / "docs" / "03-раздел" / "index.md").write_text("# Р\n", encoding="utf-8")
    (site / "docs" / "01-основы" / "пробелы.md").write_text(
        "# П\n\n[м](материалы/) [р](../03-раздел/)\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    mkdocs_link_warnings(site, out)
    page = "01-основы/пробелы.md"
    built: dict[str, bool] = {}
    text = (out / "01-основы" / "пробелы.html").read_text(encoding="utf-8")
    for path in ("материалы/", "../03-раздел/"):
        assert f'href="{path}"' in text  # left as written
        lands = posixpath.normpath(posixpath.join("01-основы", path))
        built[path] = (out / lands / "index.html").is_file()
    assert built == {"материалы/": False, "../03-раздел/": True}
    findings = analyse(load_config(cwd=site)).findings
    # (the ASCII slugs of toc's default slugify are MD002s, beside the point here)
    assert [
        (f.code, f.span.path, f.span.line, f.span.column) for f in findings if f.code[:2] == "XR"
    ] == [("XR007", f"docs/{page}", 3, 1)]
