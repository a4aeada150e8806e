"""The incremental cache never hides a problem: no stale "anchor OK" after an anchor, a file or a
task id disappeared, whatever the cache holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from audit.cache import ParseCache
from audit.cli import main
from audit.config import load_config
from audit.model.config import Config
from audit.pipeline import analyse

PROJECT = Path(__file__).parent.parent

Tree = Callable[[dict[str, str | bytes]], Path]

TASK = """---
id: llm_001_rag
title: "RAG"
track: llm
subcategory: RAG Pipeline
difficulty: easy
---

# RAG

## Условие

Соберите пайплайн.

## Решение

```python
print(1)
```
"""

FILES: dict[str, str | bytes] = {
    "content-audit.yaml": "content_root: content\n",
    "content/llm/материалы.md": "# Материалы\n\n## 1. Токенизация\n\nТекст про токены.\n\n"
                                "## 2. RAG (llm_001_rag)\n\nТекст про поиск.\n",
    "content/llm/подготовка-к-интервью.md": "# Интервью\n\n## 1. Токены\n\n"
        "Теория: [токенизация](материалы.md#1-токенизация).\n\n"
        "Задача: [RAG](../tasks/llm_001_rag.md), см. также llm_001_rag.\n",
    "content/tasks/llm_001_rag.md": TASK,
}


def check(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> list[tuple[str, str]]:
    cwd = Path.cwd()
    os.chdir(root)
    try:
        code = main(["check", "--format", "json", "-j1", *extra])
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert code in (0, 1), out
    report = json.loads(out)
    return [(d["code"], f"{d['path']}:{d['line']}") for d in report["diagnostics"]]


def age(root: Path, seconds: int = 3600) -> None:
    """Move every mtime into the past, out of the cache's racily-clean window."""
    past = os.stat(root).st_mtime - seconds
    for folder, _dirs, files in os.walk(root / "content"):
        for name in files:
            os.utime(os.path.join(folder, name), (past, past))


def cache_of(root: Path) -> ParseCache:
    loaded = load_config(cwd=root)
    return ParseCache(loaded.root, loaded.config)


def test_warm_run_reuses_documents_and_matches_cold(make_tree: Tree,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(FILES)
    cold = check(root, capsys)
    assert cold == []
    loaded = load_config(cwd=root)
    cache = ParseCache(loaded.root, loaded.config)
    documents = analyse(loaded, cache=True).documents
    assert len(documents) == 3
    again = ParseCache(loaded.root, loaded.config)
    from audit.discover import discover

    sources = discover(loaded.config, loaded.root)
    assert all(again.get(s) is not None for s in sources)
    assert cache.dir.is_dir()


@pytest.mark.parametrize("aged", [False, True])
def test_removed_heading_is_reported_after_warm_run(make_tree: Tree, aged: bool,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(FILES)
    if aged:
        age(root)
    assert check(root, capsys) == []
    assert check(root, capsys) == []  # warm: answered from the cache
    if aged:
        assert cache_of(root).unchanged_run(("static",)) is not None
    materials = root / "content/llm/материалы.md"
    materials.write_text(materials.read_text(encoding="utf-8").replace(
        "## 1. Токенизация", "## 1. Токенизатор"), encoding="utf-8")
    found = check(root, capsys)
    assert ("XR002", "content/llm/подготовка-к-интервью.md:5") in found
    assert found == check(root, capsys, "--no-cache")


def test_same_size_edit_with_new_mtime_is_seen(make_tree: Tree,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(FILES)
    age(root)
    assert check(root, capsys) == []
    materials = root / "content/llm/материалы.md"
    text = materials.read_text(encoding="utf-8")
    changed = text.replace("Токенизация", "Токенизацие")  # same byte length
    assert len(changed.encode()) == len(text.encode())
    materials.write_text(changed, encoding="utf-8")
    assert cache_of(root).unchanged_run(("static",)) is None
    assert ("XR002", "content/llm/подготовка-к-интервью.md:5") in check(root, capsys)


def test_renamed_file_is_reported(make_tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(FILES)
    age(root)
    assert check(root, capsys) == []
    assert check(root, capsys) == []
    (root / "content/llm/материалы.md").rename(root / "content/llm/теория.md")
    found = check(root, capsys)
    assert ("XR001", "content/llm/подготовка-к-интервью.md:5") in found
    assert found == check(root, capsys, "--no-cache")


def test_removed_task_is_reported(make_tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    files = dict(FILES)
    # the heading no longer declares the task: only the task file does
    files["content/llm/материалы.md"] = str(files["content/llm/материалы.md"]).replace(
        " (llm_001_rag)", "")
    root = make_tree(files)
    age(root)
    assert check(root, capsys) == []
    assert check(root, capsys) == []
    (root / "content/tasks/llm_001_rag.md").unlink()
    found = check(root, capsys)
    codes = {code for code, _where in found}
    assert {"XR001", "XR003"} <= codes
    assert found == check(root, capsys, "--no-cache")


def test_changed_task_id_is_reported(make_tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    files = dict(FILES)
    files["content/llm/материалы.md"] = str(files["content/llm/материалы.md"]).replace(
        " (llm_001_rag)", "")
    root = make_tree(files)
    assert check(root, capsys) == []
    task = root / "content/tasks/llm_001_rag.md"
    task.write_text(TASK.replace("id: llm_001_rag", "id: llm_002_rag"), encoding="utf-8")
    found = check(root, capsys)
    assert ("XR003", "content/llm/подготовка-к-интервью.md:7") in found
    assert found == check(root, capsys, "--no-cache")


def test_damaged_entries_are_misses(make_tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_tree(FILES)
    expected = check(root, capsys, "--no-cache")
    check(root, capsys)
    damaged = 0
    for path in (root / ".content-audit-cache").rglob("*.pickle"):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        damaged += 1
    assert damaged >= 4  # three documents and the run record
    assert check(root, capsys) == expected


def test_config_change_uses_another_namespace(make_tree: Tree) -> None:
    root = make_tree(FILES)
    first = ParseCache(root, Config())
    second = ParseCache(root, Config(slug_style="github"))
    assert first.dir != second.dir
    assert first.dir.parent == root / ".content-audit-cache" / "parse"
    moved = ParseCache(root, Config(cache_dir="elsewhere/cache"))
    assert moved.dir.parent == root / "elsewhere/cache/parse"


def test_two_runs_sharing_the_cache(make_tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    files = dict(FILES)
    for i in range(40):
        files[f"content/llm/стр-{i:02d}.md"] = (
            f"# Страница {i}\n\n## Раздел {i}\n\n[назад](материалы.md#1-токенизация), "
            f"[битая](материалы.md#нет-{i})\n")
    root = make_tree(files)
    expected = check(root, capsys, "--no-cache")
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    cmd = [sys.executable, "-m", "audit", "check", "--format", "json", "-j1"]
    procs = [subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE) for _ in range(2)]
    outputs = [p.communicate()[0] for p in procs]
    for output in outputs:
        report = json.loads(output)
        got = [(d["code"], f"{d['path']}:{d['line']}") for d in report["diagnostics"]]
        assert got == expected
    assert len(expected) == 40
    leftovers = [p for p in (root / ".content-audit-cache").rglob("*.tmp")]
    assert leftovers == []
