"""The incremental cache never hides a problem: no stale "anchor OK" after an anchor, a file or a
task id disappeared, whatever the cache holds."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from audit.cache.incremental import STAGES
from audit.cache.store import ParseCache, State
from audit.cli import main
from audit.config import load_config
from audit.model.config import Config
from audit.pipeline import analyse

PROJECT = Path(__file__).parents[2]

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


def test_warm_run_reuses_documents_and_matches_cold(
    make_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
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
def test_removed_heading_is_reported_after_warm_run(
    make_tree: Tree, aged: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_tree(FILES)
    if aged:
        age(root)
    assert check(root, capsys) == []
    assert check(root, capsys) == []  # warm: answered from the cache
    if aged:
        assert cache_of(root).unchanged_run(STAGES) is not None
    materials = root / "content/llm/материалы.md"
    materials.write_text(
        materials.read_text(encoding="utf-8").replace("## 1. Токенизация", "## 1. Токенизатор"),
        encoding="utf-8",
    )
    found = check(root, capsys)
    assert ("XR002", "content/llm/подготовка-к-интервью.md:5") in found
    assert found == check(root, capsys, "--no-cache")


def test_same_size_edit_with_new_mtime_is_seen(
    make_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_tree(FILES)
    age(root)
    assert check(root, capsys) == []
    materials = root / "content/llm/материалы.md"
    text = materials.read_text(encoding="utf-8")
    changed = text.replace("Токенизация", "Токенизацие")  # same byte length
    assert len(changed.encode()) == len(text.encode())
    materials.write_text(changed, encoding="utf-8")
    assert cache_of(root).unchanged_run(STAGES) is None
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
        " (llm_001_rag)", ""
    )
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
        " (llm_001_rag)", ""
    )
    root = make_tree(files)
    assert check(root, capsys) == []
    task = root / "content/tasks/llm_001_rag.md"
    task.write_text(TASK.replace("id: llm_001_rag", "id: llm_002_rag"), encoding="utf-8")
    found = check(root, capsys)
    assert ("XR003", "content/llm/подготовка-к-интервью.md:7") in found
    assert found == check(root, capsys, "--no-cache")


@pytest.mark.parametrize("which", ["packs", "state", "both"])
def test_damaged_entries_are_misses(
    make_tree: Tree, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    root = make_tree(FILES)
    age(root)
    expected = check(root, capsys, "--no-cache")
    check(root, capsys)
    damaged = 0
    for path in (root / ".content-audit-cache").rglob("*"):
        if (
            not path.is_file()
            or (which == "packs" and path.suffix != ".pack")
            or (which == "state" and path.name != "state.pickle")
        ):
            continue
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] + b"\x00" * 7)
        damaged += 1
    assert damaged >= (2 if which == "both" else 1)
    # the materials page changes: its dependants must be re-checked from the damaged cache
    materials = root / "content/llm/материалы.md"
    materials.write_text(materials.read_text(encoding="utf-8") + "\nЕщё абзац.\n", encoding="utf-8")
    assert check(root, capsys) == expected
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
            f"[битая](материалы.md#нет-{i})\n"
        )
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


def state_of(root: Path) -> State:
    state = cache_of(root).load_state()
    assert state is not None
    return state


def test_heading_rename_rechecks_exactly_the_linking_files(
    make_tree: Tree,
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = dict(FILES)
    for i in range(6):  # pages that link elsewhere: never re-checked for this edit
        files[f"content/llm/стр-{i}.md"] = f"# Страница {i}\n\n[задача](../tasks/llm_001_rag.md)\n"
    root = make_tree(files)
    age(root)
    check(root, capsys)
    materials = root / "content/llm/материалы.md"
    materials.write_text(
        materials.read_text(encoding="utf-8").replace("## 1. Токенизация", "## 1. Токенизатор"),
        encoding="utf-8",
    )
    found = check(root, capsys)
    assert ("XR002", "content/llm/подготовка-к-интервью.md:5") in found
    state = state_of(root)
    assert state.rechecked == ("content/llm/материалы.md", "content/llm/подготовка-к-интервью.md")
    assert not state.global_ran  # no task fact changed
    assert found == check(root, capsys, "--no-cache")


def test_prose_edit_rechecks_only_that_file(
    make_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_tree(FILES)
    age(root)
    check(root, capsys)
    task = root / "content/tasks/llm_001_rag.md"
    task.write_text(TASK + "\nЕщё абзац.\n", encoding="utf-8")
    assert check(root, capsys) == check(root, capsys, "--no-cache")
    state = state_of(root)
    assert state.rechecked == ("content/tasks/llm_001_rag.md",)
    assert not state.global_ran


def test_new_file_makes_a_broken_link_valid(
    make_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(FILES)
    interview = "content/llm/подготовка-к-интервью.md"
    files[interview] = str(files[interview]) + "\n[новое](новое.md#раздел), [схема](схема.png)\n"
    root = make_tree(files)
    age(root)
    found = check(root, capsys)
    assert [code for code, _ in found] == ["XR001", "XR001"]
    (root / "content/llm/новое.md").write_text("# Новое\n\n## Раздел\n", encoding="utf-8")
    found = check(root, capsys)
    assert found == [("XR001", "content/llm/подготовка-к-интервью.md:9")]  # the image only
    assert found == check(root, capsys, "--no-cache")
    (root / "content/llm/схема.png").write_bytes(b"\x89PNG")  # a non-Markdown target appears
    assert check(root, capsys) == [] == check(root, capsys, "--no-cache")
    (root / "content/llm/новое.md").write_text("# Новое\n\n## Другой\n", encoding="utf-8")
    found = check(root, capsys)
    assert found == [("XR002", "content/llm/подготовка-к-интервью.md:9")]
    assert found == check(root, capsys, "--no-cache")
    (root / "content/llm/схема.png").unlink()
    (root / "content/llm/новое.md").unlink()
    found = check(root, capsys)
    assert [code for code, _ in found] == ["XR001", "XR001"]
    assert found == check(root, capsys, "--no-cache")


def test_global_rules_follow_task_facts(
    make_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    files = dict(FILES)
    files["content/tasks/llm_002_gqa.md"] = TASK.replace("llm_001_rag", "llm_002_gqa").replace(
        'title: "RAG"', 'title: "GQA"\nprerequisites: [llm_001_rag]'
    )
    root = make_tree(files)
    age(root)
    found = check(root, capsys)
    assert ("TK003", "content/tasks/llm_002_gqa.md:1") in found  # nothing links to it
    interview = root / "content/llm/подготовка-к-интервью.md"
    interview.write_text(
        interview.read_text(encoding="utf-8") + "\nСм. llm_002_gqa.\n", encoding="utf-8"
    )
    found = check(root, capsys)
    assert state_of(root).global_ran
    assert ("TK003", "content/tasks/llm_002_gqa.md:1") not in found
    assert found == check(root, capsys, "--no-cache")
    task = root / "content/tasks/llm_001_rag.md"  # a prerequisite cycle appears
    task.write_text(
        TASK.replace('title: "RAG"', 'title: "RAG"\nprerequisites: [llm_002_gqa]'), encoding="utf-8"
    )
    found = check(root, capsys)
    assert "TK004" in {code for code, _ in found}
    assert found == check(root, capsys, "--no-cache")


def _edit_step(rng: random.Random, root: Path, step: int) -> str:
    """One random edit of a generated corpus; returns what it did (for the failure message)."""
    content = root / "content"
    pages = sorted(p for p in content.rglob("*.md"))
    page = rng.choice(pages)
    text = page.read_text(encoding="utf-8")
    lines = text.split("\n")
    headings = [i for i, line in enumerate(lines) if line.startswith("## ")]
    action = rng.choice(
        [
            "append",
            "rename-heading",
            "drop-heading",
            "delete",
            "move",
            "new-page",
            "task-id",
            "link",
            "restore-link-target",
        ]
    )
    if action == "append":
        page.write_text(text + f"\nПравка {step}: см. llm_0{step:02d}_x.\n", encoding="utf-8")
    elif action in ("rename-heading", "drop-heading") and headings:
        i = rng.choice(headings)
        if action == "rename-heading":
            lines[i] += f" правка{step}"
        else:
            del lines[i]
        page.write_text("\n".join(lines), encoding="utf-8")
    elif action == "delete":
        page.unlink()
    elif action == "move":
        page.rename(page.with_name(f"перенос-{step}.md"))
    elif action == "new-page":
        target = rng.choice(pages)
        rel = os.path.relpath(target, content / "llm").replace(os.sep, "/")
        (content / "llm" / f"новая-{step}.md").write_text(
            f"# Новая {step}\n\n## Раздел {step}\n\n[ссылка]({rel}), "
            f"[якорь]({rel}#раздел-{step})\n",
            encoding="utf-8",
        )
    elif action == "task-id" and "\nid: " in text:
        page.write_text(text.replace("\nid: ", f"\nid: x{step}_", 1), encoding="utf-8")
    elif action == "link":
        page.write_text(
            text + f"\n[вперёд](перенос-{step + 1}.md#раздел-{step + 1})\n", encoding="utf-8"
        )
    else:  # give an earlier broken reference a target
        (content / "llm" / f"перенос-{step - 1}.md").write_text(
            f"# Перенос\n\n## Раздел {step - 1}\n", encoding="utf-8"
        )
    # a distinct mtime per step: the stat shortcut must not be fooled by equal sizes
    past = time.time() - 7200 + step
    for path in content.rglob("*.md"):
        os.utime(path, (past, past))
    return f"{action} {page.relative_to(root)}"


def test_warm_output_equals_no_cache_after_random_edits(tmp_path: Path) -> None:
    """Property-style: after each of a bounded, seeded sequence of edits the warm check prints
    exactly (byte for byte) what a --no-cache check prints."""
    from bench.corpus import generate

    root = tmp_path / "corpus"
    generate(root, 80, seed=11)
    rng = random.Random(20261129)

    def run(*extra: str) -> bytes:
        env = dict(os.environ, PYTHONPATH=str(PROJECT))
        cmd = [sys.executable, "-m", "audit", "check", "--format", "json", "-j1", *extra]
        result = subprocess.run(cmd, cwd=root, env=env, stdout=subprocess.PIPE, check=False)
        assert result.returncode in (0, 1)
        return result.stdout

    assert run() == run("--no-cache")
    for step in range(1, 13):
        did = _edit_step(rng, root, step)
        assert run() == run("--no-cache"), f"step {step}: {did}"


TRACKER = "content/llm/пробелы-в-покрытии.md"
TRACKED: dict[str, str | bytes] = {
    **FILES,
    TRACKER: "# Пробелы в покрытии\n\n## КРИТИЧЕСКИЕ GAPS\n\n### 1. Токенизация — ЗАПОЛНЕНО\n\n"
    "Добавлено в materials.md section 1:\n- BPE и словарь\n",
    "content/dl/материалы.md": "# Материалы DL\n\n## 1. Свёртки\n\nТекст.\n",
    "content/dl/заметки.md": "# Заметки\n\nТекст.\n",
}


def test_a_tracker_is_rechecked_when_a_page_it_claims_changes(
    make_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_tree(TRACKED)
    age(root)
    assert "GP001" not in {code for code, _ in check(root, capsys)}
    materials = root / "content/llm/материалы.md"
    materials.write_text(
        materials.read_text(encoding="utf-8").replace("## 1. Токенизация", "## Токенизация"),
        encoding="utf-8",
    )
    found = check(root, capsys)
    assert ("GP001", f"{TRACKER}:7") in found  # section 1 is gone from the claimed page
    assert state_of(root).global_ran
    assert found == check(root, capsys, "--no-cache")
    # with paths (the hook): the claimed page alone does not show the tracker's finding...
    assert ("GP001", f"{TRACKER}:7") not in check(root, capsys, "content/llm/материалы.md")
    # ...the tracker does
    assert ("GP001", f"{TRACKER}:7") in check(root, capsys, TRACKER)


def test_pages_the_tracker_cannot_read_do_not_recheck_it(
    make_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_tree(TRACKED)
    age(root)
    check(root, capsys)
    task = root / "content/tasks/llm_001_rag.md"
    task.write_text(TASK + "\nЕщё абзац.\n", encoding="utf-8")  # prose of a task
    check(root, capsys)
    assert not state_of(root).global_ran
    notes = root / "content/dl/заметки.md"  # a page of a track without a tracker
    notes.write_text("# Заметки\n\nДругой текст.\n", encoding="utf-8")
    check(root, capsys)
    assert state_of(root).rechecked == ("content/dl/заметки.md",)
    assert not state_of(root).global_ran
    tracker = root / TRACKER
    tracker.write_text(
        tracker.read_text(encoding="utf-8").replace("section 1", "section 17"), encoding="utf-8"
    )
    found = check(root, capsys)
    assert state_of(root).global_ran
    assert ("GP001", f"{TRACKER}:7") in found
    assert found == check(root, capsys, "--no-cache")


def test_a_directory_link_follows_the_page_it_resolves_to(
    make_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    """`раздел/#итоги` names раздел/index.md, else раздел/README.md, else раздел.md: a warm run
    must see that page appear, change its headings and go, like a run without the cache."""
    files = dict(FILES)
    interview = "content/llm/подготовка-к-интервью.md"
    files[interview] = str(files[interview]) + "\n[итоги](раздел/#итоги)\n"
    root = make_tree(files)
    age(root)
    assert [code for code, _ in check(root, capsys)] == ["XR001"]
    (root / "content/llm/раздел.md").write_text("# Раздел\n\n## Итоги\n", encoding="utf-8")
    assert check(root, capsys) == [] == check(root, capsys, "--no-cache")
    (root / "content/llm/раздел").mkdir()
    (root / "content/llm/раздел/index.md").write_text("# Раздел\n\n## Другое\n", encoding="utf-8")
    found = check(root, capsys)  # index.md wins over раздел.md, and it has no 'итоги'
    assert [code for code, _ in found] == ["XR002"]
    assert found == check(root, capsys, "--no-cache")
    (root / "content/llm/раздел/index.md").unlink()
    assert check(root, capsys) == [] == check(root, capsys, "--no-cache")


def test_a_directory_link_misses_page_follows_its_page_and_the_site_config(
    make_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    """XR007 depends on the page a directory-style link names and on use_directory_urls: a
    warm run sees the page appear and the setting flip like a run without the cache."""
    root = make_tree(
        {
            "mkdocs.yml": "site_name: s\ndocs_dir: content\n",
            "content/index.md": "# Home\n",  # ASCII: toc's default slugify drops Cyrillic
            "content/a/y.md": "# Y\n\n[р](раздел/)\n",
        }
    )
    age(root)
    assert check(root, capsys) == [("XR001", "content/a/y.md:3")]
    (root / "content/a/раздел").mkdir()
    (root / "content/a/раздел/index.md").write_text("# Section\n", encoding="utf-8")
    found = check(root, capsys)
    assert found == [("XR007", "content/a/y.md:3")] == check(root, capsys, "--no-cache")
    (root / "mkdocs.yml").write_text(
        "site_name: s\ndocs_dir: content\nuse_directory_urls: false\n", encoding="utf-8"
    )
    assert check(root, capsys) == [] == check(root, capsys, "--no-cache")


def test_an_edited_requirements_file_rechecks_the_trackers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The requirements file says what "covered" means: dropping a requirement changes what
    the shipped trackers compute, and the warm run must see it as --no-cache does."""
    root = tmp_path / "site"
    for name in ("content", "schema"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy2(PROJECT / "content-audit.yaml", root / "content-audit.yaml")
    age(root)
    before = check(root, capsys)
    requirements = root / "schema/requirements.yaml"
    text = requirements.read_text(encoding="utf-8")
    dropped = (
        "  - name: practice_task\n    description: a task file that exists and belongs to the"
        " gap\n    check: practice_task\n    document_kind: any\n"
    )
    assert dropped in text
    requirements.write_text(text.replace(dropped, ""), encoding="utf-8")
    after = check(root, capsys)
    assert state_of(root).global_ran
    assert after == check(root, capsys, "--no-cache")
    assert after != before  # without the task requirement, more gaps compute as covered
