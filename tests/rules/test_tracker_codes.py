"""GP008, GP012, GP014, GP016 and XR006, each on a small tree that shows it, asserted exactly
(code, path, line, column, message) with the absence of other findings of its family."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_cli

TRACKER = "content/llm/пробелы-в-покрытии.md"


def _tree(
    root: Path, files: dict[str, str], config: str | None = "content_root: content\n"
) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    if config is not None:
        (root / "content-audit.yaml").write_text(config, encoding="utf-8")
    return root


def _found(root: Path, prefix: str) -> list[tuple[str, str, int, int, str]]:
    run = run_cli(["check", "--no-cache", "--format", "json"], root)
    assert run.code in (0, 1), run.err
    return [
        (d["code"], d["path"], d["line"], d["column"], d["message"])
        for d in json.loads(run.out)["diagnostics"]
        if d["code"].startswith(prefix)
    ]


GAPS = """# Пробелы

## КРИТИЧЕСКИЕ GAPS

### 1. Cost Optimization (НЕТ)

Осталось: всё

### 2. Inference Optimization (НЕТ)

Осталось: всё
"""

PRIORITY = """
## Рекомендации по заполнению GAPS

### Priority 1 (Добавить в первую очередь)

| Gap | Сложность | Задача |
|---|---|---|
| {row} | Easy | — |
"""


def test_gp008_a_priority_row_that_fits_two_gaps_equally(tmp_path: Path) -> None:
    root = _tree(tmp_path, {TRACKER: GAPS + PRIORITY.format(row="Optimization")})
    assert _found(root, "GP00") == [
        (
            "GP008",
            TRACKER,
            19,
            1,
            "priority row 'Optimization' matches several gaps: "
            "inference-optimization, cost-optimization",
        )
    ]


def test_gp008_quiet_when_the_row_names_one_gap(tmp_path: Path) -> None:
    root = _tree(tmp_path, {TRACKER: GAPS + PRIORITY.format(row="Cost Optimization")})
    assert _found(root, "GP00") == []


def test_gp016_two_gaps_with_one_stable_id(tmp_path: Path) -> None:
    text = GAPS + "\n### 3. Cost Optimization (НЕТ)\n\nОсталось: всё\n"
    root = _tree(tmp_path, {TRACKER: text})
    assert [f for f in _found(root, "GP01") if f[0] == "GP016"] == [
        ("GP016", TRACKER, 13, 1, f"gap id 'cost-optimization' is also used by {TRACKER}:5")
    ]


def test_gp016_quiet_when_the_titles_differ(tmp_path: Path) -> None:
    root = _tree(tmp_path, {TRACKER: GAPS})
    assert [f for f in _found(root, "GP01") if f[0] == "GP016"] == []


def test_gp012_a_document_name_that_fits_two_pages_of_the_track(tmp_path: Path) -> None:
    page = "# Материалы\n\n## 1. Сервинг\n\nТекст про сервинг.\n"
    tracker = "content/mlops/пробелы.md"
    root = _tree(
        tmp_path,
        {
            tracker: "# Пробелы\n\n## КРИТИЧЕСКИЕ GAPS\n\n### 1. Сервинг (НЕТ)\n\n"
            "Добавлено в материалы.md section 1:\n- Сервинг\n",
            "content/mlops/материалы-mlops.md": page,
            "content/mlops/материалы-агенты.md": page,
        },
    )
    assert _found(root, "GP01") == [
        ("GP012", tracker, 7, 1, "'материалы.md' matches several documents of the 'mlops' track")
    ]


def test_gp014_a_tracker_page_with_no_gap(tmp_path: Path) -> None:
    root = _tree(tmp_path, {TRACKER: "# Пробелы\n\nПока пусто: пробелы не разобраны.\n"})
    assert _found(root, "GP01") == [
        ("GP014", TRACKER, 1, 1, "tracker has no gaps (no 'N. Title' headings under a group)")
    ]


def test_gp014_quiet_on_a_tracker_with_gaps(tmp_path: Path) -> None:
    root = _tree(tmp_path, {TRACKER: GAPS})
    assert [f for f in _found(root, "GP01") if f[0] == "GP014"] == []


def test_xr006_a_page_mkdocs_builds_but_the_nav_leaves_out(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "mkdocs.yml": "site_name: s\nnav:\n  - index.md\n",
            "docs/index.md": "# Главная {#home}\n\nТекст.\n",
            "docs/черновик.md": "# Черновик {#draft}\n\nТекст.\n",
        },
        config=None,
    )
    assert _found(root, "XR") == [
        ("XR006", "docs/черновик.md", 1, 1, "page 'черновик.md' is not in the nav of mkdocs.yml")
    ]
