"""XR001 broken file link, XR002 broken anchor, XR004 duplicate explicit anchor, XR005 escape,
XR006 a page mkdocs builds but its nav leaves out, XR007 a directory-style link the published
mkdocs site resolves elsewhere."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import FIXTURES
from tests.helpers import analyse_tree, keys, run_cli, text_at
from tests.rules.diagnostics import check

LLM = "content/llm/материалы.md"
INTERVIEW = "content/llm/подготовка-к-интервью.md"
DL = "content/dl/материалы.md"

PLANTED = [
    ("XR001", LLM, 17, 19),  # ../tasks/llm_099_deleted.md
    ("XR002", DL, 5, 5),  # cross-file anchor, in a nested list
    ("XR002", DL, 5, 64),  # the same broken target again on the same line
    ("XR002", LLM, 15, 62),  # cross-file, Cyrillic anchor
    ("XR002", LLM, 22, 14),  # same-file, in a table
    ("XR002", INTERVIEW, 22, 119),  # the generated anchor an explicit {#id} replaced
    ("XR003", LLM, 26, 47),  # unresolved task id (tasks family, planted in the same corpus)
    ("XR005", LLM, 30, 13),  # ../../README.md from a block quote
]


def test_planted_references_are_found_and_nothing_else() -> None:
    root = FIXTURES / "planted-references"
    analysis = analyse_tree(root)
    assert keys(analysis.findings) == sorted(PLANTED)


def test_link_positions_point_at_the_opening_bracket() -> None:
    root = FIXTURES / "planted-references"
    for code, path, line, column in PLANTED:
        if code != "XR003":
            assert text_at(root, path, line, column) == "[", (code, path, line)


def test_messages_name_the_target_and_suggest_an_anchor() -> None:
    analysis = analyse_tree(FIXTURES / "planted-references")
    by_line = {(f.span.path, f.span.line, f.span.column): f for f in analysis.findings}
    assert by_line[(LLM, 17, 19)].message == (
        "broken link: '../tasks/llm_099_deleted.md' does not exist "
        "(resolved to content/tasks/llm_099_deleted.md)"
    )
    typo = by_line[(LLM, 22, 14)]
    assert typo.message == "broken anchor: '#итог' is not a heading of this file"
    assert typo.hint == "did you mean '#итоги'?"
    assert "leaves the content root" in by_line[(LLM, 30, 13)].message


def test_explicit_and_duplicate_anchors() -> None:
    analysis = analyse_tree(FIXTURES / "anchors-explicit-and-duplicate")
    assert keys(analysis.findings) == sorted(
        [
            ("XR002", INTERVIEW, 3, 157),  # #пример_2: only two "Пример" headings
            ("XR002", LLM, 16, 1),  # #1-внимание: the heading's anchor is the explicit #attention
            ("XR004", LLM, 11, 1),  # second {#summary}
        ]
    )


def test_explicit_and_duplicate_anchors_through_the_cli(
    fixture_tree: Callable[[str], Path],
) -> None:
    assert check(fixture_tree("anchors-explicit-and-duplicate")) == (
        1,
        [
            (
                "XR004",
                LLM,
                11,
                1,
                "error",
                "duplicate explicit anchor '#summary' (first on line 5)",
            ),
            (
                "XR002",
                LLM,
                16,
                1,
                "error",
                "broken anchor: '#1-внимание' is not a heading of this file",
            ),
            (
                "XR002",
                INTERVIEW,
                3,
                157,
                "error",
                f"broken anchor: '#пример_2' is not a heading of {LLM}",
            ),
        ],
    )


def test_links_to_existing_non_markdown_files_and_folders(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "content/llm/img").mkdir(parents=True)
    (root / "content/llm/img/схема.png").write_bytes(b"\x89PNG")
    line = (
        "![схема](img/схема.png) [папка](img/) [нет](img/нет.png) [внешняя](https://x.org)"
        " [почта](mailto:a@b.c) [сам](#м) [абсолют](/etc/passwd)"
    )
    (root / "content/llm/материалы.md").write_text(f"# М\n\n{line}\n", encoding="utf-8")
    analysis = analyse_tree(root)
    assert keys(analysis.findings) == [
        ("XR001", LLM, 3, line.index("[нет]") + 1),
        ("XR005", LLM, 3, line.index("[абсолют]") + 1),
    ]


def test_an_absolute_directory_link_is_answered_with_the_relative_page_it_names(
    tmp_path: Path,
) -> None:
    # mkdocs' own hint for `/sub/` is the page it names (sub/index.md, or sub.md)
    root = tmp_path / "p"
    (root / "content/llm/раздел").mkdir(parents=True)
    (root / "content/llm/раздел/index.md").write_text("# Раздел\n", encoding="utf-8")
    (root / "content/llm/обзор.md").write_text("# Обзор\n", encoding="utf-8")
    (root / "content/llm/материалы.md").write_text(
        "# М\n\nСм. [раздел](/llm/раздел/), [обзор](/llm/обзор/) и [нет](/llm/нет/).\n",
        encoding="utf-8",
    )
    analysis = analyse_tree(root)
    hints = sorted((f.message, f.hint) for f in analysis.findings if f.code == "XR005")
    assert hints == [
        ("link '/llm/нет/' leaves the content root (resolves to /llm/нет)", ""),
        (
            "link '/llm/обзор/' leaves the content root (resolves to /llm/обзор)",
            "did you mean 'обзор.md'?",
        ),
        (
            "link '/llm/раздел/' leaves the content root (resolves to /llm/раздел)",
            "did you mean 'раздел/index.md'?",
        ),
    ]


def _site(tmp_path: Path, pages: dict[str, str], mkdocs: str | None = "site_name: s\n") -> Path:
    """A small site tree: ``mkdocs.yml`` (None = a plain GitHub-rendered tree) and its pages."""
    docs = tmp_path / ("docs" if mkdocs is not None else "content")
    for page, text in pages.items():
        (docs / page).parent.mkdir(parents=True, exist_ok=True)
        (docs / page).write_text(text, encoding="utf-8")
    if mkdocs is not None:
        (tmp_path / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    return tmp_path


def _dir_findings(root: Path) -> list[tuple[str, str, int, int, str]]:
    from audit.config import load_config
    from audit.pipeline import analyse

    findings = analyse(load_config(cwd=root)).findings
    return sorted(
        (f.code, f.span.path, f.span.line, f.span.column, f.message)
        for f in findings
        if f.code == "XR007"
    )


DIR_PAGES = {
    "index.md": "# Главная\n\n[раздел](03-раздел/) и [основы](01-основы/материалы/#итоги)\n",
    "01-основы/материалы.md": "# Материалы\n\n## Итоги\n",
    "01-основы/пробелы.md": (
        "# Пробелы\n\nСм. [м](материалы/) и\n  [s](../03-раздел/#итоги), [файл](материалы.md).\n"
    ),
    "03-раздел/index.md": "# Раздел\n\n## Итоги\n\n[назад](../01-основы/материалы/)\n",
}


def test_a_directory_link_from_a_non_index_page_goes_one_level_too_deep(tmp_path: Path) -> None:
    root = _site(tmp_path, DIR_PAGES)
    page = "docs/01-основы/пробелы.md"
    assert _dir_findings(root) == [
        (
            "XR007",
            page,
            3,
            5,
            "directory-style link 'материалы/' on a page published at 01-основы/пробелы/ "
            "takes the browser to 01-основы/пробелы/материалы/, not to 01-основы/материалы/ "
            "where 01-основы/материалы.md is published; link the file 'материалы.md' instead "
            "(mkdocs rewrites it to the page's URL)",
        ),
        (
            "XR007",
            page,
            4,
            3,
            "directory-style link '../03-раздел/#итоги' on a page published at "
            "01-основы/пробелы/ takes the browser to 01-основы/03-раздел/, not to 03-раздел/ "
            "where 03-раздел/index.md is published; link the file '../03-раздел/index.md#итоги' "
            "instead (mkdocs rewrites it to the page's URL)",
        ),
    ]
    # index.md pages (published at their folder's URL) and the `.md` link stay quiet


def test_a_readme_page_is_its_folders_index_and_its_directory_links_work(tmp_path: Path) -> None:
    pages = {
        "a/README.md": "# A\n\n[b](b/) [c](../c/)\n",
        "a/b.md": "# B\n",
        "c/index.md": "# C\n",
    }
    assert _dir_findings(_site(tmp_path, pages)) == []


def test_without_directory_urls_only_a_link_to_a_page_not_a_folder_breaks(tmp_path: Path) -> None:
    """Pages are `x/y.html`: `sub/` reaches sub/index.html (the server's folder index), but
    `page/` names a folder that no page creates (page.md is page.html)."""
    root = _site(tmp_path, DIR_PAGES, "site_name: s\nuse_directory_urls: false\n")
    findings = _dir_findings(root)
    assert [(f[1], f[2], f[3]) for f in findings] == [
        ("docs/01-основы/пробелы.md", 3, 5),  # материалы/; ../03-раздел/#итоги works
        ("docs/03-раздел/index.md", 5, 1),  # ../01-основы/материалы/, from an index page too
        ("docs/index.md", 3, 24),  # 01-основы/материалы/#итоги; 03-раздел/ works
    ]
    assert findings[2][4] == (
        "directory-style link '01-основы/материалы/#итоги' on a page published at index.html "
        "takes the browser to 01-основы/материалы/, not to 01-основы/материалы.html where "
        "01-основы/материалы.md is published; link the file '01-основы/материалы.md#итоги' "
        "instead (mkdocs rewrites it to the page's URL)"
    )


def test_a_tree_without_mkdocs_keeps_directory_links_as_folder_links(tmp_path: Path) -> None:
    # GitHub renders `материалы/` as a folder listing; the audit resolves it as before
    assert _dir_findings(_site(tmp_path, DIR_PAGES, mkdocs=None)) == []


def test_xr006_a_page_mkdocs_builds_but_the_nav_leaves_out(tmp_path: Path) -> None:
    pages = {
        "index.md": "# Главная {#home}\n\nТекст.\n",
        "черновик.md": "# Черновик {#draft}\n\nТекст.\n",
    }
    root = _site(tmp_path, pages, "site_name: s\nnav:\n  - index.md\n")
    run = run_cli(["check", "--no-cache", "--format", "json"], root)
    found = [
        (d["code"], d["path"], d["line"], d["column"], d["severity"], d["message"])
        for d in json.loads(run.out)["diagnostics"]
    ]
    assert found == [
        (
            "XR006",
            "docs/черновик.md",
            1,
            1,
            "info",
            "page 'черновик.md' is not in the nav of mkdocs.yml",
        )
    ]
    assert run.code == 0


def test_xr006_quiet_when_the_nav_lists_every_page(tmp_path: Path) -> None:
    pages = {
        "index.md": "# Главная {#home}\n\nТекст.\n",
        "черновик.md": "# Черновик {#draft}\n\nТекст.\n",
    }
    root = _site(tmp_path, pages, "site_name: s\nnav:\n  - index.md\n  - черновик.md\n")
    run = run_cli(["check", "--no-cache", "--format", "json"], root)
    assert json.loads(run.out)["diagnostics"] == []


def test_xr007_alone_on_a_small_site_with_latin_headings(tmp_path: Path) -> None:
    # the trees above have Cyrillic headings, which mkdocs' default slugify empties (MD002 and
    # their anchors): here XR007 is the only finding of the whole tree
    pages = {
        "index.md": "# Home\n\n[section](03-section/)\n",
        "01-basics/materials.md": "# Materials\n\n## Summary\n",
        "01-basics/notes.md": "# Notes\n\nSee [m](materials/) and [f](materials.md#summary).\n",
        "03-section/index.md": "# Section\n",
    }
    assert check(_site(tmp_path, pages)) == (
        0,
        [
            (
                "XR007",
                "docs/01-basics/notes.md",
                3,
                5,
                "warning",
                "directory-style link 'materials/' on a page published at 01-basics/notes/ "
                "takes the browser to 01-basics/notes/materials/, not to 01-basics/materials/ "
                "where 01-basics/materials.md is published; link the file 'materials.md' "
                "instead (mkdocs rewrites it to the page's URL)",
            )
        ],
    )
