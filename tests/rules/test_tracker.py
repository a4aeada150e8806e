"""The tracker family GP001–GP019: one small tree per code, asserted exactly.

Each tree ``tests/fixtures/tracker-GPxxx/`` is a track ``ml`` with a tracker page and the least
content it points at. The test runs ``content-audit check`` on a copy of it (the public surface:
the tracker stage runs inside ``check``) and compares the WHOLE diagnostic list, every code of
every family, with (code, path, line, column, severity, message): the tree shows its code at its
line, with its message, and nothing else. A quiet twin applies the smallest edit that fixes the
planted mistake and expects the code gone (and, where the fix leaves nothing else, no finding
at all).

The figure codes (GP010, GP018, GP019) against what was counted, and how the report names what it
counted, are in ``test_tracker_figures.py``; the seed-shaped tracker with all its codes at once is
the golden ``tests/golden/tracker_seed_quirks_findings.json`` (``tests/coverage/test_scoring.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.rules.diagnostics import Diagnostic, check, registered_severities

TRACKER = "content/ml/пробелы-в-покрытии.md"
MATERIALS = "content/ml/материалы.md"


def _warning(code: str, line: int, message: str) -> Diagnostic:
    return (code, TRACKER, line, 1, "warning", message)


EXPECTED: dict[str, list[Diagnostic]] = {
    "GP001": [
        _warning(
            "GP001",
            7,
            "gap 'Cost Optimization' claims section 9 of материалы.md, "
            "which content/ml/материалы.md does not have",
        )
    ],
    "GP002": [
        _warning(
            "GP002",
            8,
            "claim 'Interview questions (3 Q&A)' says 3 Q&A; "
            "content/ml/материалы.md '1. Роутинг в MoE' holds 2",
        )
    ],
    "GP003": [
        _warning(
            "GP003",
            5,
            "gap 'Cost Optimization' is declared covered ('ЗАПОЛНЕНО') but computes as none; "
            "missing: materials (the tracker claims no materials section for this gap); "
            "qa_levels (the tracker claims no interview section for this gap); "
            "working_example (no claimed section to hold an example); "
            "practice_task (no task file names this gap (front matter 'gap: cost-optimization'))",
        )
    ],
    "GP004": [
        _warning(
            "GP004",
            7,
            "gap 'Cost Optimization' recommends adding ml_001_cost, which already exists "
            "(content/tasks/ml_001_cost.md)",
        )
    ],
    "GP005": [_warning("GP005", 11, "wished link ml_002_b -> ml_001_a already exists")],
    "GP006": [
        _warning("GP006", 11, "cross-reference wish names ml_099_missing, which is not a task")
    ],
    "GP007": [_warning("GP007", 15, "priority row 'Quantum Computing' matches no gap")],
    "GP008": [
        _warning(
            "GP008",
            19,
            "priority row 'Optimization' matches several gaps: "
            "inference-optimization, cost-optimization",
        )
    ],
    "GP009": [
        _warning(
            "GP009",
            9,
            "gap number 1 repeats ('Cost Optimization' on line 5 has it too): "
            "'Inference Optimization' is tracked as 'inference-optimization'",
        )
    ],
    "GP010": [_warning("GP010", 3, "the lead says 3 tasks; the 'ml' track has 1 task files")],
    "GP011": [
        (
            "GP011",
            TRACKER,
            7,
            1,
            "error",
            "claim names 'theory.md', which is not a document of the 'ml' track",
        )
    ],
    "GP012": [
        (
            "GP012",
            TRACKER,
            7,
            1,
            "error",
            "'материалы.md' matches several documents of the 'ml' track",
        )
    ],
    "GP013": [
        _warning(
            "GP013",
            9,
            "tracker entry 'Агентная память' has no gap number: expected 'N. Title — STATUS'",
        )
    ],
    "GP014": [_warning("GP014", 1, "tracker has no gaps (no 'N. Title' headings under a group)")],
    "GP015": [_warning("GP015", 9, "gap 'Empty Gap' has an empty body")],
    "GP016": [_warning("GP016", 9, f"gap id 'cost-optimization' is also used by {TRACKER}:5")],
    "GP017": [_warning("GP017", 9, "malformed table row: 1 cells, header has 3")],
    "GP018": [_warning("GP018", 3, "the lead says 5 tasks (line 3), the heading says 4 (line 5)")],
    "GP019": [
        (
            "GP019",
            TRACKER,
            7,
            1,
            "info",
            "the table's 2 row counts were not checked: the 'ml' track has no task files "
            "and no task ids in materials headings",
        )
    ],
}


def test_every_tracker_code_of_the_registry_has_its_tree(tmp_path: Path) -> None:
    severity = registered_severities(tmp_path)
    tracker_codes = sorted(code for code in severity if code.startswith("GP"))
    assert tracker_codes == sorted(EXPECTED)
    for code in tracker_codes:
        assert {d[0] for d in EXPECTED[code]} == {code}
        assert all(d[4] == severity[code] for d in EXPECTED[code])


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_tree_of_each_code_shows_it_and_nothing_else(
    code: str, fixture_tree: Callable[[str], Path]
) -> None:
    exit_code, found = check(fixture_tree(f"tracker-{code}"))
    assert found == EXPECTED[code]
    assert exit_code == (1 if any(d[4] == "error" for d in found) else 0)


# the smallest edit that fixes the planted mistake: (file, old text, new text); None deletes the
# file. Then (code, line) of what is left: usually nothing.
Edit = tuple[str, str | None, str | None]
TWINS: dict[str, tuple[list[Edit], list[tuple[str, int]]]] = {
    # the claimed section now exists, so its items are checked: they are not there (CL001) and
    # the section is off the gap's topic (CL003); the claimed-section finding itself is gone
    "GP001": ([(TRACKER, "section 9", "section 1")], [("CL001", 8), ("CL003", 7)]),
    "GP002": ([(TRACKER, "(3 Q&A)", "(2 Q&A)")], []),
    "GP003": ([(TRACKER, " — ЗАПОЛНЕНО", " (НЕТ)")], []),
    # without the task the recommendation is a plan; the declared 'partial' now overstates
    "GP004": ([("content/tasks/ml_001_cost.md", None, None)], [("GP003", 5)]),
    "GP005": ([("content/tasks/ml_002_b.md", "related: [ml_001_a]", "related: []")], []),
    "GP007": ([(TRACKER, "Quantum Computing", "Cost Optimization")], []),
    "GP008": ([(TRACKER, "| Optimization", "| Cost Optimization")], []),
    "GP009": ([(TRACKER, "### 1. Inference", "### 2. Inference")], []),
    "GP010": ([(TRACKER, "в 3 задачах", "в 1 задаче")], []),
    "GP013": ([(TRACKER, "### Агентная память", "### 2. Агентная память (НЕТ)")], []),
    "GP014": (
        [
            (
                TRACKER,
                "Пока пусто: пробелы не разобраны.\n",
                "## КРИТИЧЕСКИЕ GAPS\n\n### 1. Cost Optimization (НЕТ)\n\nОсталось: всё\n",
            )
        ],
        [],
    ),
    "GP015": (
        [(TRACKER, "### 2. Empty Gap — НЕТ\n", "### 2. Empty Gap — НЕТ\n\nОсталось: всё\n")],
        [],
    ),
    "GP016": ([(TRACKER, "### 2. Cost Optimization", "### 2. Inference Optimization")], []),
    "GP017": ([(TRACKER, "| Broken row |\n", "")], []),
    "GP018": ([(TRACKER, "в 5 задачах", "в 4 задачах")], []),
}


@pytest.mark.parametrize("code", sorted(TWINS))
def test_the_quiet_twin_of_each_code(code: str, fixture_tree: Callable[[str], Path]) -> None:
    root = fixture_tree(f"tracker-{code}")
    edits, left = TWINS[code]
    for rel, old, new in edits:
        path = root / rel
        if old is None or new is None:
            path.unlink()
            continue
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    _, found = check(root)
    assert sorted((d[0], d[2]) for d in found) == sorted(left)
    assert code not in {d[0] for d in found}
