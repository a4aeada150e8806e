"""XR003: a tracker names tasks still to write; those are planned, every other unknown id is not."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import analyse_tree

TRACKER = """# Пробелы в покрытии LLM Engineering

## КРИТИЧЕСКИЕ GAPS

### 1. Нормализация (НЕТ)

**Рекомендация:** Добавить dl_006_normalization

Рекомендация: Добавить
- mlops_003 и agents_004

### 2. Контекст — ЧАСТИЧНО ЗАПОЛНЕНО

Осталось:
- Отдельная практическая задача (ContentBlock) llm_010_rope_scaling

Осталось: llm_012_yarn - Отдельная задача

Уже есть llm_099_phantom, и это ошибка. Рекомендация: ничего.

## Приоритеты

| Приоритет | Задача | Связанный пробел |
|---|---|---|
| P1 | llm_011_quantization_basics | упомянут llm_098_elsewhere |
"""


def test_planned_ids_are_not_unresolved_but_other_unknown_ids_are(tmp_path: Path) -> None:
    (tmp_path / "content" / "llm").mkdir(parents=True)
    (tmp_path / "content" / "llm" / "пробелы-в-покрытии.md").write_text(TRACKER, encoding="utf-8")
    analysis = analyse_tree(tmp_path)
    unresolved = sorted(
        (f.span.line, f.message.split("'")[1]) for f in analysis.findings if f.code == "XR003"
    )
    lines = TRACKER.splitlines()
    assert unresolved == [
        (
            lines.index("Уже есть llm_099_phantom, и это ошибка. Рекомендация: ничего.") + 1,
            "llm_099_phantom",
        ),
        (len(lines), "llm_098_elsewhere"),  # a cell of a column that does not name tasks
    ]


def test_a_recommendation_outside_a_tracker_is_still_unresolved(tmp_path: Path) -> None:
    (tmp_path / "content" / "llm").mkdir(parents=True)
    (tmp_path / "content" / "llm" / "материалы.md").write_text(
        "# М\n\nРекомендация: Добавить dl_006_normalization\n", encoding="utf-8"
    )
    analysis = analyse_tree(tmp_path)
    assert [f.code for f in analysis.findings] == ["XR003"]


def test_short_ids_of_the_real_site_are_task_ids(tmp_path: Path) -> None:
    from tests.helpers import parse_text

    doc = parse_text("# М\n\nmlops_001, agents_002, llm_007_tokenization, mlops_0012, xmlops_001\n")
    assert [m.task_id for m in doc.task_mentions] == [
        "mlops_001",
        "agents_002",
        "llm_007_tokenization",
    ]
