"""The in-memory engine without a client: what a crashing rule does to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from audit.lsp.state import State, load_project
from audit.model.finding import Finding, Severity
from audit.rules import REGISTRY, Rule, RuleContext
from tests.lsp.client import project

MATERIALS = "content/ml/материалы.md"


def _explode(ctx: RuleContext) -> Iterator[Finding]:
    raise RuntimeError("boom")
    yield  # pragma: no cover


def test_a_crashing_file_rule_is_one_log_line_and_the_previous_findings_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path)
    logged: list[str] = []
    state = State(load_project(root), logged.append)
    state.load()
    text = (root / MATERIALS).read_text(encoding="utf-8")
    state.update({MATERIALS: state.source_of(MATERIALS, text.replace("#2-агентные-системы", "#x"))})
    assert [f.code for f in state.findings_of(MATERIALS)] == ["XR002"]
    crash = Rule(
        "ZZ999", "explodes", Severity.ERROR, "test", _explode, "Explodes.", "static", "file"
    )
    monkeypatch.setitem(REGISTRY, "ZZ999", crash)
    state.update({MATERIALS: state.source_of(MATERIALS, text)})
    assert logged == ["content-audit: internal error in a file rule: RuntimeError: boom"]
    assert [f.code for f in state.findings_of(MATERIALS)] == ["XR002"]  # kept, not emptied
    monkeypatch.delitem(REGISTRY, "ZZ999")
    state.update({MATERIALS: state.source_of(MATERIALS, text)})
    assert state.findings_of(MATERIALS) == []


def test_an_mkdocs_project_without_config_uses_its_docs_dir(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: kb\ndocs_dir: pages\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        encoding="utf-8",
    )
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.md").write_text("# A\n\n[b](#нет)\n", encoding="utf-8")
    state = State(load_project(tmp_path))
    state.load()
    assert [f.code for f in state.findings_of("pages/a.md")] == ["XR002"]


def test_definition_of_a_claimed_section_number_is_that_section(tmp_path: Path) -> None:
    from audit.lsp.features import definition

    root = project(tmp_path)
    state = State(load_project(root))
    state.load()
    tracker = "content/ml/пробелы-в-покрытии.md"
    line = 7  # "Добавлено в materials.md section 1:"
    text = (root / tracker).read_text(encoding="utf-8").split("\n")[line - 1]
    column = text.index("section 1") + 9  # on the number
    (target,) = definition(state, tracker, line, column)
    assert (target.path, target.line) == (MATERIALS, 5)  # "## 1. Роутинг в MoE (ml_001_routing)"


def test_task_ids_complete_after_their_prefix(tmp_path: Path) -> None:
    from audit.lsp.features import completion

    root = project(tmp_path)
    state = State(load_project(root))
    state.load()
    state.open_texts[MATERIALS] = "# x\n\nСм. задачу ml_0"
    labels = [c.label for c in completion(state, MATERIALS, 3, len("См. задачу ml_0") + 1)]
    assert labels == ["ml_001_routing"]
