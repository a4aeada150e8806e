"""run_examples (order, pool, progress) and the `content-audit examples` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from audit.examples.execute import run_examples
from tests.examples.conftest import config_with
from tests.helpers import parse_text, run_cli

PAGE = "".join(f"## {i}. S{i}\n\n```python\nprint({i})\n```\n\n" for i in range(1, 5))


def test_pool_results_come_back_in_document_order(tmp_path: Path) -> None:
    calls: list[tuple[int, int, int]] = []

    def progress(done: int, total: int, results: Any) -> None:
        calls.append((done, total, len(results)))

    results = run_examples(
        [parse_text(PAGE)], config_with(), tmp_path, jobs=2, use_cache=False, progress=progress
    )
    assert [r.line for r in results] == sorted(r.line for r in results)
    assert [r.status for r in results] == ["works"] * 4
    assert sorted(c[0] for c in calls) == [1, 2, 3, 4]
    assert {c[1] for c in calls} == {4}


def _tree(tmp_path: Path, body: str) -> Path:
    root = tmp_path / "project"
    (root / "content" / "llm").mkdir(parents=True)
    (root / "content" / "llm" / "материалы.md").write_text(body, encoding="utf-8")
    (root / "content" / "other.md").write_text(
        "## X\n\n```python\nraise ValueError\n```\n", encoding="utf-8"
    )
    return root


def test_cli_json_lists_every_example_and_fails_on_failure(tmp_path: Path) -> None:
    root = _tree(tmp_path, PAGE)
    run = run_cli(["examples", "--format", "json", "--no-cache"], root)
    assert run.code == 1
    rows = json.loads(run.out)
    assert {tuple(sorted(r)) for r in rows} == {
        tuple(
            sorted(
                [
                    "path",
                    "line",
                    "section",
                    "status",
                    "duration_s",
                    "cached",
                    "message",
                    "error_line",
                    "isolation",
                ]
            )
        )
    }
    assert [(r["path"], r["status"]) for r in rows][-1] == ("content/other.md", "failed")
    assert "[5/5]" in run.err  # plain progress lines (not a TTY)


def test_cli_paths_restrict_the_run_and_text_summarises(tmp_path: Path) -> None:
    root = _tree(tmp_path, PAGE)
    run = run_cli(["examples", "content/llm", "-j", "1"], root)
    assert run.code == 0
    assert "4 examples: 4 works" in run.out
    assert "content/other.md" not in run.out
    again = run_cli(["examples", "content/llm"], root)
    assert again.out.count(" works cached ") == 4


def test_cli_rejects_negative_jobs(tmp_path: Path) -> None:
    root = _tree(tmp_path, PAGE)
    assert run_cli(["examples", "-j", "-1"], root).code == 2
