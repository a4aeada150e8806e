"""The tracker parser on a fixture in the seed's shape, quirks included."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.config import load_config
from audit.model.config import Config
from audit.model.tracker import Tracker
from audit.parse.tracker import gap_id, parse_tracker, pipe_rows, split_inline_items
from audit.pipeline import analyse
from tests.helpers import parse_text

FIXTURE = Path(__file__).parent.parent / "fixtures" / "tracker-seed-quirks"


@pytest.fixture(scope="module")
def tracker() -> Tracker:
    analysis = analyse(load_config(str(FIXTURE / "content-audit.yaml")))
    known = {d.path for d in analysis.documents}
    [doc] = [d for d in analysis.documents if d.kind == "tracker"]
    return parse_tracker(doc, analysis.config, known)


def test_every_gap_is_tracked_even_when_numbers_restart(tracker: Tracker) -> None:
    assert [(g.number, g.id) for g in tracker.gaps] == [
        (1, "model-architecture"),
        (2, "agentic-systems"),
        (12, "multi-modal-llms"),
        (13, "chain-of-experts"),
        (12, "cost-optimization"),
        (13, "empty-gap"),
    ]
    assert [f.code for f in tracker.problems if f.code == "GP009"] == ["GP009", "GP009"]


def test_status_in_parentheses_with_mixed_words_is_partial(tracker: Tracker) -> None:
    gap = tracker.gaps[0]
    assert gap.title == "Model Architecture"
    assert gap.declared_raw == "НЕТ в tasks, но ПОКРЫТО в sources"
    assert gap.declared_status == "partial"


def test_group_heading_with_a_status_keeps_its_name_as_category(tracker: Tracker) -> None:
    assert tracker.gaps[2].category == "НОВЫЕ ТЕМЫ 2026"
    assert tracker.gaps[2].declared_status == "none"


def test_claims_resolve_aliases_and_keep_qualifiers_and_counts(tracker: Tracker) -> None:
    materials, interview = tracker.gaps[0].claims
    assert materials.document_raw == "materials.md"
    assert materials.document == "content/ml/материалы.md"
    assert materials.section_number == 1
    assert [(i.text, i.count, i.subsection) for i in materials.items] == [
        ("Top-k routing с кодом", None, False),
        ("Interview questions (3 Q&A)", 3, True),
    ]
    assert interview.document == "content/ml/подготовка-к-интервью.md"
    assert interview.levels == ("Basic", "Medium", "Killer")
    assert interview.items[0].count == 3


def test_named_section_claim(tracker: Tracker) -> None:
    [claim] = tracker.gaps[3].claims
    assert claim.section_number is None
    assert claim.section_name == "MoE"


def test_claim_to_a_missing_document_is_kept_with_its_problem(tracker: Tracker) -> None:
    claims = tracker.gaps[4].claims
    assert [(c.document_raw, c.problem) for c in claims] == [
        ("materials.md", ""),
        ("theory.md", "missing-document"),
    ]


def test_inline_and_real_lists_both_parse(tracker: Tracker) -> None:
    assert tracker.gaps[0].asked == ("MoE routing", "GQA")
    assert tracker.gaps[1].remaining == ("Memory", "Human-in-the-loop")
    assert [i.text for i in tracker.gaps[1].claims[0].items] == [
        "ReAct loop",
        "Interview questions (1 Q&A)",
    ]


def test_frequency_recommendation_and_priority_rows(tracker: Tracker) -> None:
    assert tracker.gaps[1].frequency == 45
    assert tracker.gaps[0].recommended_tasks == ("ml_001_arch",)
    assert [(r.priority, r.gap_name, r.task_id) for r in tracker.priority_rows] == [
        (1, "Agentic Patterns", "ml_014_agentic"),
        (1, "Multimodal", "ml_013_multimodal"),
        (1, "Quantum Computing", ""),
    ]


def test_wishes_and_figures(tracker: Tracker) -> None:
    assert [(w.source, w.target) for w in tracker.wishes] == [
        ("ml_002_agents", "ml_001_arch"),
        ("ml_001_arch", "ml_002_agents"),
        ("ml_002_agents", "ml_099_missing"),
    ]
    figures = [(f.kind, f.value, f.label, f.span.line) for f in tracker.figures]
    assert ("task-count", 93, "", 7) in figures
    assert ("task-count", 41, "", 11) in figures
    assert ("subcategory-count", 40, "Agents", 17) in figures
    assert ("coverage-percent", 99, "", 93) in figures


def test_unparsable_entries_become_findings_at_their_line(tracker: Tracker) -> None:
    found = {(f.code, f.span.line) for f in tracker.problems}
    assert ("GP013", 56) in found  # "### Агентная память": no number
    assert ("GP017", 18) in found  # table row with one cell
    assert ("GP015", 70) in found  # gap with an empty body


def test_markers_are_paired(tracker: Tracker) -> None:
    assert [(m.name, m.begin_line, m.end_line) for m in tracker.markers] == [
        ("tasks-per-subcategory", 13, 19),
        ("coverage-summary", 92, 94),
    ]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("- a - b - c", ["a", "b", "c"]),
        ("- LLM-as-judge - multi-agent", ["LLM-as-judge", "multi-agent"]),
        ("просто текст", ["просто текст"]),
        ("", []),
    ],
)
def test_split_inline_items(text: str, items: list[str]) -> None:
    assert split_inline_items(text) == items


def test_gap_id_is_the_unicode_slug_of_the_title() -> None:
    assert gap_id("Evaluation & Benchmarks") == "evaluation-benchmarks"
    assert gap_id("Chain-of-Experts (CoE)") == "chain-of-experts-coe"
    assert gap_id("Оценка моделей") == "оценка-моделей"


def test_pipe_rows_read_cells_as_written() -> None:
    raw = "| a | b |\n|---|---|\n| x \\| y | 2 |\n| short |"
    assert pipe_rows(raw) == [(0, ["a", "b"]), (2, ["x | y", "2"]), (3, ["short"])]


def test_every_coverage_figure_on_the_line_is_kept_with_its_qualifier() -> None:
    path = "content/llm/пробелы-в-покрытии.md"
    doc = parse_text(
        "# Пробелы\n\n## КРИТИЧЕСКИЕ GAPS\n\n### 1. Agents — НЕТ\n\nЧто спрашивают: - ReAct\n\n"
        "## Итоговая оценка\n\n"
        "LLM Engineering текущий coverage: ~99% для LLM Engineer, ~85% для Senior+\n",
        path,
    )
    tracker = parse_tracker(doc, Config(), {path})
    assert [
        (f.kind, f.value, f.qualifier, f.span.line)
        for f in tracker.figures
        if f.kind == "coverage-percent"
    ] == [
        ("coverage-percent", 99, "для LLM Engineer", 11),
        ("coverage-percent", 85, "для Senior+", 11),
    ]
