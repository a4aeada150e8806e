"""The mkdocs oracle (bench/mkdocs_oracle.py) on a small site of our own: mkdocs' real build
judges the links, our check is compared with it."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("mkdocs")

from bench.mkdocs_oracle import parse_mkdocs_log, parse_ours, run

SITE = Path(__file__).parent.parent / "fixtures" / "mkdocs-oracle-site"


def test_mkdocs_and_check_agree_on_the_broken_links_of_a_small_site() -> None:
    result = run(SITE)

    assert result.mkdocs_exit == 0  # the site's hook and the uninstalled plugin were dropped
    assert any("hooks" in note for note in result.config_notes)
    assert any("not-installed-plugin" in note for note in result.config_notes)
    assert result.oracle_keys() == {
        ("index.md", "guide/glossary.md", ""),
        ("index.md", "guide/intro.md", "кэширование"),
        ("index.md", "index.md", "итоги-года"),
    }
    assert result.absolute_keys() == {("index.md", "/guide/intro.md", "")}
    summary = result.summary()
    assert summary["recall"] == 1.0
    # the absolute link: mkdocs says INFO, XR005 says error (deliberate)
    assert summary["precision"] == 0.75
    assert summary["precision_absolute_info"] == 1.0


def test_the_three_warning_forms_of_mkdocs_1_6_are_read() -> None:
    log = [
        "WARNING -  Doc file 'a/b.md' contains a link '../c.md#x', but the target 'c.md' is not "
        "found among documentation files. Did you mean 'd.md'?",
        "WARNING -  Doc file 'a/b.md' contains a link '#%D1%8F', but there is no such anchor "
        "on this page.",
        "WARNING -  Doc file 'a/b.md' contains a link 'e.md#y', but the doc 'a/e.md' does not "
        "contain an anchor '#y'.",
        "INFO    -  Doc file 'a/b.md' contains an absolute link '/f/', it was left as is.",
    ]
    keys = [(r.level, r.kind, r.key) for r in parse_mkdocs_log(log)]
    assert keys == [
        ("WARNING", "file", ("a/b.md", "c.md", "")),
        ("WARNING", "anchor-self", ("a/b.md", "a/b.md", "я")),
        ("WARNING", "anchor", ("a/b.md", "a/e.md", "y")),
        ("INFO", "absolute", ("a/b.md", "/f/", "")),
    ]


def test_an_unknown_message_form_of_ours_stops_the_comparison() -> None:
    diag = {"path": "docs/a.md", "line": 1, "code": "XR001", "severity": "error", "message": "?"}
    with pytest.raises(SystemExit, match="unknown XR001 message form"):
        parse_ours([diag], "docs")


def test_mutation_breaks_inline_links_and_reference_definitions_only(tmp_path: Path) -> None:
    from bench.mkdocs_oracle import mutate

    page = tmp_path / "стр.md"
    page.write_text(
        "См. [раздел](other.md#итоги) и [сайт](https://example.org/x.md).\n\n[глава]: глава.md\n",
        encoding="utf-8",
    )
    changed = mutate(tmp_path, 10, seed=1)

    assert sorted(changed) == [
        "стр.md: other.md#итоги -> other.md#итоги-zz",
        "стр.md: глава.md -> глава-zz.md",
    ]
    text = page.read_text(encoding="utf-8")
    assert "(other.md#итоги-zz)" in text and "[глава]: глава-zz.md" in text
    assert "https://example.org/x.md" in text
