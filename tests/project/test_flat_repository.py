"""A GitHub-rendered repository (no mkdocs.yml): its pages are the repository root."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.config import load_config
from audit.pipeline import analyse
from tests.helpers import keys, run_cli

README = """# Заметки по ML

[Пробелы](пробелы.md), [раздел](темы/llm.md#длинный-контекст--rope), [сам](#заметки-по-ml),
[с параметром](темы/llm.md?plain=1#1-токенизация), [нет](темы/нет.md?plain=1),
[якорь нет](#нет-такого), [наружу](../вне.md).
"""
LLM = """# LLM

## 1. Токенизация

## Длинный контекст — RoPE

Назад: [главная](../README.md#заметки-по-ml).
"""


def _repo(root: Path, content_root: str) -> Path:
    (root / "темы").mkdir(parents=True)
    (root / "README.md").write_text(README, encoding="utf-8")
    (root / "пробелы.md").write_text("# Пробелы\n", encoding="utf-8")
    (root / "темы" / "llm.md").write_text(LLM, encoding="utf-8")
    (root / "content-audit.yaml").write_text(
        f"content_root: {content_root}\nslug_style: github\n", encoding="utf-8"
    )
    return root


@pytest.mark.parametrize("content_root", [".", "./", "ABSOLUTE"])
def test_content_root_dot_audits_the_repository_root(tmp_path: Path, content_root: str) -> None:
    root = tmp_path / "repo"
    value = str(root.resolve()) if content_root == "ABSOLUTE" else content_root
    _repo(root, value)
    loaded = load_config(cwd=root)
    assert loaded.config.content_root == "."
    analysis = analyse(loaded)
    assert [d.path for d in analysis.documents] == ["README.md", "пробелы.md", "темы/llm.md"]
    line4 = README.splitlines()[3]
    line5 = README.splitlines()[4]
    assert keys(analysis.findings) == [
        ("XR001", "README.md", 4, line4.index("[нет]") + 1),
        ("XR002", "README.md", 5, line5.index("[якорь нет]") + 1),
        ("XR005", "README.md", 5, line5.index("[наружу]") + 1),
    ]
    messages = {f.code: f.message for f in analysis.findings}
    assert "'темы/нет.md' does not exist" in messages["XR001"]  # no ?plain=1 in the path
    assert "resolves to ../вне.md" in messages["XR005"]


def test_check_from_the_repository_root(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", ".")
    for command in (["check", "--no-cache"], ["check"], ["check"]):  # cold, cached, warm
        run = run_cli(command, root)
        assert run.code == 1
        assert "3 files checked: 3 errors" in run.out
        assert "темы/llm.md" not in run.out  # its ../README.md#… link stays inside the root


def test_an_absolute_content_root_outside_the_project_becomes_the_root(tmp_path: Path) -> None:
    pages = _repo(tmp_path / "pages", ".")
    (pages / "content-audit.yaml").unlink()
    project = tmp_path / "project"
    project.mkdir()
    (project / "content-audit.yaml").write_text(f"content_root: {pages}\n", encoding="utf-8")
    loaded = load_config(cwd=project)
    assert loaded.root == pages.resolve() and loaded.config.content_root == "."
    assert any("outside" in note for note in loaded.notes)
