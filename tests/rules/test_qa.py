"""QA001 question without answer (or empty answer), QA002 answer without question."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import FIXTURES
from tests.helpers import analyse_tree, keys
from tests.rules.diagnostics import check

INTERVIEW = "content/llm/подготовка-к-интервью.md"


def test_qa_fixture() -> None:
    analysis = analyse_tree(FIXTURES / "qa-incomplete")
    assert keys(analysis.findings) == [
        ("QA001", INTERVIEW, 10, 1),  # **Вопрос:** with no answer before the next heading
        ("QA001", INTERVIEW, 23, 1),  # "Ответ:" with nothing after it
        ("QA001", INTERVIEW, 25, 1),  # last question of the file
        ("QA002", INTERVIEW, 17, 1),  # answer after an already answered question
    ]
    doc = next(d for d in analysis.documents if d.path == INTERVIEW)
    assert [(q.level, q.answer is not None and bool(q.answer)) for q in doc.qa] == [
        ("Basic", True),
        ("Basic", False),
        ("Medium", True),
        ("Killer", False),
        ("Killer", False),
    ]
    materials = next(d for d in analysis.documents if d.path.endswith("материалы.md"))
    assert [(q.question, q.answer) for q in materials.qa] == [
        ("Вопрос в материалах?", "Ответ в материалах.")
    ]


def test_qa_fixture_through_the_cli(fixture_tree: Callable[[str], Path]) -> None:
    assert check(fixture_tree("qa-incomplete")) == (
        0,
        [
            ("QA001", INTERVIEW, 10, 1, "warning", "question without an answer: 'Как её найти?'"),
            ("QA002", INTERVIEW, 17, 1, "warning", "answer without a question"),
            ("QA001", INTERVIEW, 23, 1, "warning", "empty answer after 'A:'"),
            (
                "QA001",
                INTERVIEW,
                25,
                1,
                "warning",
                "question without an answer: 'Последний вопрос без ответа'",
            ),
        ],
    )
