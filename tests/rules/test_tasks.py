"""XR003 unresolved task id, TK001 schema, TK002 id/file name, TK003 orphan, TK004 cycle, TK005."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import FIXTURES
from tests.helpers import analyse_tree, keys
from tests.rules.diagnostics import check

T = "content/tasks/"
LLM = "content/llm/материалы.md"


def test_task_contract_fixture() -> None:
    analysis = analyse_tree(FIXTURES / "tasks-contract")
    assert keys(analysis.findings) == sorted(
        [
            ("XR003", LLM, 9, 12),  # llm_099_unknown in prose
            ("XR003", LLM, 9, 39),  # llm_098_in_code in a code span (fenced code is not checked)
            ("XR003", T + "llm_001_rag_pipeline.md", 7, 1),  # related: llm_077_ghost
            ("TK004", T + "llm_001_rag_pipeline.md", 8, 1),  # 001 ↔ 002, reported once
            ("TK001", T + "llm_003_agents.md", 1, 1),  # subcategory missing
            ("TK001", T + "llm_003_agents.md", 5, 1),  # difficulty: легко
            ("TK001", T + "llm_003_agents.md", 6, 1),  # owner: unknown key
            ("TK003", T + "llm_004_orphan.md", 1, 1),
            ("TK002", T + "llm_005_wrong_name.md", 2, 1),
            ("TK001", T + "llm_006_no_front_matter.md", 1, 1),
            ("TK005", T + "dl_001_dup_copy.md", 1, 1),
            ("TK002", T + "dl_001_dup_copy.md", 2, 1),
        ]
    )


def test_messages() -> None:
    analysis = analyse_tree(FIXTURES / "tasks-contract")
    messages = {
        f.code + ":" + f.span.path.rsplit("/", 1)[-1]: f.message
        for f in analysis.findings
        if f.code in ("TK002", "TK004", "TK005")
    }
    assert messages["TK004:llm_001_rag_pipeline.md"] == (
        "prerequisite cycle: llm_001_rag_pipeline → llm_002_lora → llm_001_rag_pipeline"
    )
    assert messages["TK002:llm_005_wrong_name.md"] == (
        "task id 'llm_005_right_name' differs from the file name 'llm_005_wrong_name'"
    )
    assert messages["TK005:dl_001_dup_copy.md"] == (
        "task id 'dl_001_dup' is also declared by content/tasks/dl_001_dup.md"
    )
    tk001 = sorted(
        f.message for f in analysis.findings if f.code == "TK001" and "agents" in f.span.path
    )
    assert tk001 == [
        "task front matter 'difficulty': Input should be 'easy', 'medium' or 'hard'",
        "task front matter 'owner': unknown key",
        "task front matter 'subcategory': Field required",
    ]


TASK = """---
id: {id}
title: T
track: llm
subcategory: S
difficulty: easy
prerequisites: [{pre}]
---
# T
"""


def test_longer_cycle_and_self_prerequisite(tmp_path: Path) -> None:
    tasks = tmp_path / "content" / "tasks"
    tasks.mkdir(parents=True)
    chain = {
        "llm_001_a": "llm_002_b",
        "llm_002_b": "llm_003_c",
        "llm_003_c": "llm_001_a",
        "llm_004_self": "llm_004_self",
    }
    for task_id, pre in chain.items():
        (tasks / f"{task_id}.md").write_text(TASK.format(id=task_id, pre=pre), encoding="utf-8")
    (tmp_path / "content" / "index.md").write_text(
        "# Задачи\n\n" + " ".join(chain) + "\n", encoding="utf-8"
    )
    analysis = analyse_tree(tmp_path)
    assert keys(analysis.findings) == [
        ("TK004", T + "llm_001_a.md", 7, 1),
        ("TK004", T + "llm_004_self.md", 7, 1),
    ]


def test_planned_ids_in_a_tracker_recommendation_are_not_errors(tmp_path: Path) -> None:
    (tmp_path / "content" / "llm").mkdir(parents=True)
    (tmp_path / "content/llm/пробелы-в-покрытии.md").write_text(
        "# Трекер\n\n### 1. Агенты — НЕТ\n\nРекомендация: Добавить llm_020_agents\n\n"
        "Упоминание llm_021_typo без рекомендации.\n",
        encoding="utf-8",
    )
    analysis = analyse_tree(tmp_path)
    assert keys(analysis.findings, "XR003") == [
        ("XR003", "content/llm/пробелы-в-покрытии.md", 7, 12)
    ]


def _error(path: str, line: int, code: str, message: str, column: int = 1) -> tuple[object, ...]:
    return (code, path, line, column, "error", message)


def test_task_contract_through_the_cli(fixture_tree: Callable[[str], Path]) -> None:
    rag, agents = T + "llm_001_rag_pipeline.md", T + "llm_003_agents.md"
    assert check(fixture_tree("tasks-contract")) == (
        1,
        [
            _error(
                LLM,
                9,
                "XR003",
                "unresolved task id 'llm_099_unknown': no task file declares it",
                12,
            ),
            _error(
                LLM,
                9,
                "XR003",
                "unresolved task id 'llm_098_in_code': no task file declares it",
                39,
            ),
            _error(
                T + "dl_001_dup_copy.md",
                1,
                "TK005",
                "task id 'dl_001_dup' is also declared by content/tasks/dl_001_dup.md",
            ),
            _error(
                T + "dl_001_dup_copy.md",
                2,
                "TK002",
                "task id 'dl_001_dup' differs from the file name 'dl_001_dup_copy'",
            ),
            _error(rag, 7, "XR003", "unresolved task id 'llm_077_ghost' in front matter 'related'"),
            _error(
                rag,
                8,
                "TK004",
                "prerequisite cycle: llm_001_rag_pipeline → llm_002_lora → llm_001_rag_pipeline",
            ),
            _error(agents, 1, "TK001", "task front matter 'subcategory': Field required"),
            _error(
                agents,
                5,
                "TK001",
                "task front matter 'difficulty': Input should be 'easy', 'medium' or 'hard'",
            ),
            _error(agents, 6, "TK001", "task front matter 'owner': unknown key"),
            (
                "TK003",
                T + "llm_004_orphan.md",
                1,
                1,
                "warning",
                "orphan task 'llm_004_orphan': nothing links to it or mentions it",
            ),
            _error(
                T + "llm_005_wrong_name.md",
                2,
                "TK002",
                "task id 'llm_005_right_name' differs from the file name 'llm_005_wrong_name'",
            ),
            _error(
                T + "llm_006_no_front_matter.md",
                1,
                "TK001",
                "task file has no front matter "
                "(expected id, title, track, subcategory, difficulty)",
            ),
        ],
    )
