"""An audit of nothing is never green: no pages is exit 2, no tracker is 'not measured'."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_cli


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_missing_content_root_is_exit_2_and_says_what_was_looked_for(tmp_path: Path) -> None:
    for command in (["check"], ["report", "--no-exec"], ["graph"]):
        run = run_cli(command, tmp_path)
        assert run.code == 2, command
        assert "content root" in run.err and "does not exist" in run.err
        assert "mkdocs.yml" in run.err and "content_root" in run.err


def test_a_content_root_without_markdown_is_exit_2(tmp_path: Path) -> None:
    _write(tmp_path / "mkdocs.yml", "site_name: x\n")
    _write(tmp_path / "docs" / "notes.txt", "not markdown\n")
    for command in (["check"], ["check", "--no-cache"], ["report", "--no-exec"]):
        run = run_cli(command, tmp_path)
        assert run.code == 2, command
        assert "no Markdown files found under" in run.err
        assert "docs_dir of" in run.err and "mkdocs.yml" in run.err


def test_pages_without_a_tracker_are_not_measured_and_no_coverage_threshold_decides(
    tmp_path: Path,
) -> None:
    _write(tmp_path / "mkdocs.yml", "site_name: x\n")
    _write(tmp_path / "content-audit.yaml", "thresholds:\n  overall_min: 50\n")
    _write(tmp_path / "docs" / "раздел" / "страница.md", "# Страница\n\nТекст.\n")
    text = run_cli(["report", "--no-exec"], tmp_path)
    assert text.code == 0
    assert "no gap tracker found: coverage not measured (not evaluated: overall_min)" in text.out
    assert "0.0%" not in text.out
    report = json.loads(run_cli(["report", "--no-exec", "--format", "json"], tmp_path).out)
    assert report["coverage"]["measured"] is False
    assert [t["name"] for t in report["thresholds"]] == ["max_errors"]
    md = run_cli(["report", "--no-exec", "--format", "md"], tmp_path).out
    assert "**no gap tracker found: coverage not measured" in md


def test_a_tracker_makes_coverage_measured_again(tmp_path: Path) -> None:
    _write(tmp_path / "content-audit.yaml", "content_root: docs\nthresholds:\n  overall_min: 50\n")
    _write(
        tmp_path / "docs" / "llm" / "пробелы-в-покрытии.md",
        "# Пробелы\n\n## КРИТИЧЕСКИЕ GAPS\n\n### 1. Токенизация (НЕТ)\n\nНичего.\n",
    )
    report = json.loads(run_cli(["report", "--no-exec", "--format", "json"], tmp_path).out)
    assert report["coverage"]["measured"] is True
    assert "overall_min" in [t["name"] for t in report["thresholds"]]
