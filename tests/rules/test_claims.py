"""The claims family CL001–CL007 on the issue's planted tree, through the CLI.

``tests/fixtures/claims-planted/`` plants one false claim per code (and one gap whose declared
status is off, GP003). This test pins the complete diagnostic list of ``check`` (code, path, line,
column, severity, message); how each code reacts to edits of the tree (mutations, quiet twins,
evidence lines, inflections) is in ``tests/coverage/test_clNNN_*.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.rules.diagnostics import Diagnostic, check, registered_severities

TRACKER = "content/ml/пробелы-в-покрытии.md"
MATERIALS = "content/ml/материалы.md"


def _at(code: str, line: int, message: str, severity: str = "warning") -> Diagnostic:
    return (code, TRACKER, line, 1, severity, message)


EXPECTED = [
    _at(
        "CL001",
        12,
        "gap 'Long Context': item 'YaRN (NTK-by-parts + temperature scaling) with implementation' "
        f"is not in {MATERIALS} '1. Длинный контекст: RoPE и NTK': missing terms YaRN, "
        "NTK-by-parts, temperature; a code block mentioning YaRN or NTK-by-parts or temperature",
    ),
    _at(
        "CL004",
        25,
        "gap 'MoE Routing' still lists 'Отдельная практическая задача (ContentBlock)' as "
        "remaining, but task ml_001_moe_routing exists (content/tasks/ml_001_moe_routing.md)",
    ),
    _at(
        "CL006",
        26,
        "gap 'MoE Routing': remaining item 'Load-balancing loss' may be done: its terms are found "
        f"at {MATERIALS}:29",
        "info",
    ),
    _at(
        "GP003",
        28,
        "gap 'Chain-of-Experts' is declared partial ('ЧАСТИЧНО ЗАПОЛНЕНО') but computes as none; "
        f"missing: materials (claimed {MATERIALS}#2-mixture-of-experts holds nothing of this gap "
        "(none of its items nor its title terms are found there)); qa_levels (claimed "
        f"{MATERIALS}#2-mixture-of-experts holds nothing of this gap (none of its items nor its "
        "title terms are found there)); working_example (no claimed section to hold an example); "
        "practice_task (no task file names this gap (front matter 'gap: chain-of-experts'))",
    ),
    _at(
        "CL003",
        30,
        f"gap 'Chain-of-Experts' gets no credit from {MATERIALS} '2. Mixture of Experts': none of "
        "its items nor its title terms are found there; it is claimed by gap 'MoE Routing', whose "
        "items are there",
    ),
    _at(
        "CL001",
        31,
        "gap 'Chain-of-Experts': item 'Chain-of-Experts: последовательные эксперты с повторным "
        f"роутингом' is not in {MATERIALS} '2. Mixture of Experts': missing terms "
        "Chain-of-Experts, последовательные, повторным, роутингом",
    ),
    _at(
        "CL003",
        33,
        "gap 'Chain-of-Experts' gets no credit from content/ml/подготовка-к-интервью.md '1. MoE': "
        "none of its items nor its title terms are found there; it is claimed by gap "
        "'MoE Routing', whose items are there",
    ),
    _at(
        "CL001",
        39,
        "gap 'Knowledge Distillation': item 'Реализация DistillationLoss на PyTorch' is not in "
        f"{MATERIALS} '3. Дистилляция знаний': missing term DistillationLoss; a code block "
        "mentioning DistillationLoss",
    ),
    _at("CL002", 41, "gap 'Knowledge Distillation': nothing checkable in this item: '???'", "info"),
    _at(
        "CL007",
        43,
        f"gap 'Quantization' is declared none, but {MATERIALS}:52 '4. Квантизация весов: INT8 и "
        "INT4' is about it (matched: Quantization) and no gap claims it",
    ),
    _at(
        "CL005",
        53,
        "priority row 'MoE Routing' asks to add ml_001_moe_routing, which already exists "
        "(content/tasks/ml_001_moe_routing.md)",
    ),
]


def test_every_planted_claim_with_its_message_and_nothing_else(
    fixture_tree: Callable[[str], Path],
) -> None:
    assert check(fixture_tree("claims-planted")) == (0, EXPECTED)


def test_every_claims_code_of_the_registry_is_planted(tmp_path: Path) -> None:
    severity = registered_severities(tmp_path)
    claims = sorted(code for code in severity if code.startswith("CL"))
    assert sorted({d[0] for d in EXPECTED} - {"GP003"}) == claims
    assert all(d[4] == severity[d[0]] for d in EXPECTED)
