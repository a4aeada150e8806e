"""The tracker's hand-written figures: against each other first, then against what was counted.

Each fixture is a small tree under tests/fixtures/; the audit runs on it without the parse cache
(tests never write into tests/fixtures) and without executing examples.
"""

from __future__ import annotations

from pathlib import Path

from audit.config import load_config
from audit.pipeline import Audit, full_audit
from audit.report.build import build_report
from audit.report.markdown import render as render_markdown

FIXTURES = Path(__file__).parent.parent / "fixtures"
FIGURE_CODES = ("GP010", "GP018", "GP019")


def _audit(name: str) -> Audit:
    loaded = load_config(str(FIXTURES / name / "content-audit.yaml"))
    return full_audit(loaded, execute=False, use_cache=False)


def _figures(audit: Audit) -> list[tuple[str, str, str, int, str]]:
    """(code, severity, path, line, message) of the figure findings, in report order."""
    return [
        (f.code, f.severity.value, f.span.path, f.span.line, f.message)
        for f in audit.findings
        if f.code in FIGURE_CODES
    ]


def test_a_lead_of_93_over_a_heading_of_41_is_one_contradiction_and_no_zero_task_files() -> None:
    audit = _audit("tracker-figures-contradict")
    tracker = "content/mlsd/пробелы-в-покрытии.md"
    assert _figures(audit) == [
        (
            "GP018",
            "warning",
            tracker,
            5,
            "the lead says 93 tasks (line 5), the heading and the table's rows say 41 "
            "(lines 7, 11–15)",
        ),
        (
            "GP019",
            "info",
            tracker,
            11,
            "the table's 5 row counts were not checked: the 'mlsd' track has no task files "
            "and no task ids in materials headings",
        ),
    ]
    assert not any("0 task files" in f.message for f in audit.findings)
    assert not any(f.code == "GP018" and f.hint for f in audit.findings)  # nothing was counted
    counts = build_report(audit).coverage.task_counts
    assert [(t.track, t.tasks, t.counted_from) for t in counts] == [("mlsd", 0, "nothing")]


def test_tasks_declared_only_in_materials_headings_are_counted_from_there() -> None:
    audit = _audit("tracker-tasks-in-headings")
    tracker = "content/llm/пробелы-в-покрытии.md"
    measured = "the 'llm' track's materials headings declare 2 tasks"
    assert _figures(audit) == [
        ("GP010", "warning", tracker, 5, f"the lead says 3 tasks; {measured}"),
        ("GP010", "warning", tracker, 7, f"the heading says 3 tasks; {measured}"),
        (
            "GP019",
            "info",
            tracker,
            11,
            "the table's 2 row counts were not checked: the 'llm' track's 2 tasks are declared "
            "only in materials headings, which name no subcategory",
        ),
        # '~25% для Middle' on the same line matches the computed 25.0% and is quiet
        (
            "GP010",
            "warning",
            tracker,
            24,
            "the tracker states coverage ~85% для Senior+; computed coverage of 'llm' is 25.0%",
        ),
    ]
    model = build_report(audit)
    assert [(t.track, t.tasks, t.counted_from) for t in model.coverage.task_counts] == [
        ("llm", 2, "materials headings")
    ]
    assert "Tasks counted: llm: 2 from materials headings" in render_markdown(model)


def test_figures_that_agree_with_each_other_and_with_the_task_files_are_quiet() -> None:
    audit = _audit("tracker-figures-consistent")
    assert _figures(audit) == []
    counts = build_report(audit).coverage.task_counts
    assert [(t.track, t.tasks, t.counted_from) for t in counts] == [("dl", 2, "task files")]


def test_the_seed_shaped_tracker_keeps_its_figure_findings_and_gains_the_contradiction() -> None:
    audit = _audit("tracker-seed-quirks")
    tracker = "content/ml/пробелы-в-покрытии.md"
    files = "the 'ml' track has 2 task files"
    assert _figures(audit) == [
        ("GP010", "warning", tracker, 7, f"the lead says 93 tasks; {files}"),
        (
            "GP018",
            "warning",
            tracker,
            7,
            "the lead says 93 tasks (lines 7, 9), the heading and the table's rows say 41 "
            "(lines 11, 16–17)",
        ),
        ("GP010", "warning", tracker, 9, f"the lead says 93 tasks; {files}"),
        ("GP010", "warning", tracker, 11, f"the heading says 41 tasks; {files}"),
        (
            "GP010",
            "warning",
            tracker,
            17,
            "table row 'Agents' says 40; 1 task files have subcategory 'Agents'",
        ),
        (
            "GP010",
            "warning",
            tracker,
            93,
            "the tracker states coverage ~99%; computed coverage of 'ml' is 29.2%",
        ),
    ]
    contradiction = next(f for f in audit.findings if f.code == "GP018")
    assert contradiction.hint == files


def test_ids_of_a_materials_overview_table_are_counted_and_named_as_such(tmp_path: Path) -> None:
    """The 06 pages have no task files and no ids in headings: their `Обзор задач` table is
    where the tasks are declared, and the report says that is what it counted."""
    track = tmp_path / "content" / "mlops"
    track.mkdir(parents=True)
    (track / "материалы.md").write_text(
        "# MLOps: учебные материалы\n\n## Обзор задач\n\n"
        "| ID | Задача | Сложность | Ключевые темы |\n|---|---|---|---|\n"
        "| mlops_001 | Model Serving | Medium | батчинг |\n"
        "| mlops_002 | Feature Store | Hard | онлайн и офлайн |\n\n"
        "## 1. Сервинг\n\nТекст.\n",
        encoding="utf-8",
    )
    (track / "пробелы-в-покрытии.md").write_text(
        "# MLOps: Пробелы (Gaps)\n\nЧего НЕТ в 3 задачах.\n\n## Текущее покрытие (3 задачи)\n\n"
        "| Подкатегория | Задач | Покрытие |\n|---|---|---|\n| Serving | 3 | Хорошее |\n\n"
        "## КРИТИЧЕСКИЕ GAPS\n\n### 1. Feature stores (НЕТ)\n\nОсталось: всё\n",
        encoding="utf-8",
    )
    (tmp_path / "content-audit.yaml").write_text("content_root: content\n", encoding="utf-8")
    audit = full_audit(
        load_config(str(tmp_path / "content-audit.yaml")), execute=False, use_cache=False
    )
    counts = build_report(audit).coverage.task_counts
    assert [(t.track, t.tasks, t.counted_from) for t in counts] == [
        ("mlops", 2, "materials overview tables")
    ]
    assert [f.message for f in audit.findings if f.code == "GP010"] == [
        "the lead says 3 tasks; the 'mlops' track's materials overview tables declare 2 tasks",
        "the heading says 3 tasks; the 'mlops' track's materials overview tables declare 2 tasks",
    ]


def test_the_table_alone_against_the_lead_and_heading_reads_as_plural(tmp_path: Path) -> None:
    """'the table's rows' takes a plural verb even when it is the only place with its figure."""
    tracker = tmp_path / "content" / "mlsd" / "пробелы-в-покрытии.md"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(
        "# Пробелы\n\nЧего нет в 3 задачах.\n\n## Текущее покрытие (3 задачи)\n\n"
        "| Подкатегория | Задач | Покрытие |\n|---|---|---|\n| A | 2 | x |\n| B | 2 | x |\n\n"
        "## КРИТИЧЕСКИЕ GAPS\n\n### 1. Тема (НЕТ)\n\nОсталось: всё\n",
        encoding="utf-8",
    )
    (tmp_path / "content-audit.yaml").write_text("content_root: content\n", encoding="utf-8")
    audit = full_audit(
        load_config(str(tmp_path / "content-audit.yaml")), execute=False, use_cache=False
    )
    found = [f for f in audit.findings if f.code == "GP018"]
    assert [f.message for f in found] == [
        "the lead and the heading say 3 tasks (lines 3, 5), the table's rows say 4 (lines 9–10)"
    ]
