"""Rebuilds the way ``mkdocs serve`` does them, in one process: the config is reloaded per build
and mkdocs keeps the plugin instance (it defines on_startup). A rebuild must show the edit, not
a remembered result, and must parse only what changed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.mkdocs_plugin.site import cli_report, copy_site, read_page

TRACKER = "site/04-llm/пробелы/index.html"


def _build(root: Path) -> Any:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    return config.plugins["content-audit"]


def _statuses(root: Path) -> dict[str, str]:
    return {b["data-gap-id"]: b["data-gap-status"] for b in read_page(root / TRACKER).badges}


@pytest.mark.parametrize("drafts", [True, False], ids=["exclude_docs", "incremental"])
def test_a_rebuild_shows_the_edit_and_parses_only_the_edited_page(
    tmp_path: Path, drafts: bool
) -> None:
    """With or without an excluded draft the incremental engine answers the rebuild: discovery
    reads mkdocs.yml and honours its exclude_docs, so the pages mkdocs builds are the files
    discovery finds either way."""
    root = copy_site(tmp_path)
    if not drafts:
        shutil.rmtree(root / "docs" / "черновики")
    first = _build(root)
    assert _statuses(root)["tokenization"] == "covered"
    assert first.last_parsed >= 5

    again = _build(root)  # nothing changed: the audit's result is reused
    assert again is first and again.last_parsed == 0
    assert _statuses(root)["tokenization"] == "covered"

    interview = root / "docs" / "04-llm" / "подготовка-к-интервью.md"
    text = interview.read_text(encoding="utf-8")
    interview.write_text(text.replace("### Killer\n\nQ: Почему", "### Killer\n\nПочему"), "utf-8")
    edited = _build(root)
    assert edited is first and edited.last_parsed == 1
    assert edited.last_path == "incremental"
    statuses = _statuses(root)
    assert statuses["tokenization"] == "partial"
    cli = {g["id"]: g["computed_status"] for g in cli_report(root)["gaps"]}  # type: ignore[attr-defined]
    assert statuses == cli

    assert read_page(root / TRACKER).summaries[0]["data-coverage-measured"] == "{:.1f}".format(
        next(b["score"] for b in cli_report(root)["coverage"]["by_track"])  # type: ignore[index]
    )
    (root / "docs" / "tasks" / "llm_001_tokenization.md").unlink()
    _build(root)
    assert _statuses(root) == {
        g["id"]: g["computed_status"]
        for g in cli_report(root)["gaps"]  # type: ignore[attr-defined]
    }
