"""XR001 broken file link, XR002 broken anchor, XR004 duplicate explicit anchor, XR005 escape."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES
from tests.helpers import analyse_tree, keys, text_at

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
