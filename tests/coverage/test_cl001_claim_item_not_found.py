"""CL001: a claimed item must be found in the section the tracker points at."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.coverage.helpers import TRACKER, audit_tree, edit, found

MATERIALS = "content/ml/материалы.md"


def _items(audit: object) -> dict[str, str]:
    out = {}
    for g in audit.coverage.gaps:  # type: ignore[attr-defined]
        for rc in g.claims:
            for ev in rc.items:
                out[ev.text] = ev.state
    return out


def test_each_false_claim_is_reported_at_its_gap_and_no_true_one(
    fixture_tree: Callable[[str], Path],
) -> None:
    audit = audit_tree(fixture_tree("claims-planted"))
    lines = sorted(f.span.line for f in found(audit, "CL001"))
    assert lines == [12, 31, 39]  # YaRN, Chain-of-Experts, DistillationLoss
    assert all(f.span.path == TRACKER for f in found(audit, "CL001"))
    states = _items(audit)
    assert states["Вращение RoPE на numpy"] == "found"
    assert states["Position Interpolation: формула сжатия позиций"] == "found"
    assert states["Top-k роутинг с кодом"] == "found"
    assert states["Таблица схем MoE"] == "found"
    assert states["Формула KL-дивергенции с температурой"] == "found"
    assert states["Best practices"] == "generic"
    assert states["3 Q&A (Basic/Medium/Killer)"] == "generic"


def test_the_message_names_the_item_the_missing_term_and_the_section(
    fixture_tree: Callable[[str], Path],
) -> None:
    audit = audit_tree(fixture_tree("claims-planted"))
    by_line = {f.span.line: f.message for f in found(audit, "CL001")}
    assert "YaRN" in by_line[12] and "'1. Длинный контекст: RoPE и NTK'" in by_line[12]
    assert "missing term YaRN" in by_line[12] or "YaRN" in by_line[12].split("missing")[1]
    assert "DistillationLoss" in by_line[39].split("missing")[1]
    assert "a code block mentioning DistillationLoss" in by_line[39]


def test_evidence_lines_point_at_the_section(fixture_tree: Callable[[str], Path]) -> None:
    audit = audit_tree(fixture_tree("claims-planted"))
    item = next(
        ev
        for g in audit.coverage.gaps
        for rc in g.claims
        for ev in rc.items
        if ev.text == "Вращение RoPE на numpy"
    )
    assert item.terms[0].term == "Вращение" or any(t.term == "RoPE" for t in item.terms)
    rope = next(t for t in item.terms if t.term == "RoPE")
    assert rope.line == 3  # the heading "## 1. Длинный контекст: RoPE и NTK"
    assert item.kinds[0].kind == "code" and item.kinds[0].line is not None


def test_mutation_delete_a_term_and_the_finding_appears_put_it_back_and_it_goes(
    fixture_tree: Callable[[str], Path],
) -> None:
    root = fixture_tree("claims-planted")
    materials = root / MATERIALS
    assert 10 not in {f.span.line for f in found(audit_tree(root), "CL001")}
    original = materials.read_text(encoding="utf-8")
    mutated = original.replace("RoPE", "Поворот").replace("rope_rotate", "rotate")
    materials.write_text(mutated, encoding="utf-8")
    after = {f.span.line: f.message for f in found(audit_tree(root), "CL001")}
    assert 10 in after and "RoPE" in after[10]
    materials.write_text(original, encoding="utf-8")
    assert 10 not in {f.span.line for f in found(audit_tree(root), "CL001")}


def test_mutation_remove_the_code_and_the_code_claim_fails(
    fixture_tree: Callable[[str], Path],
) -> None:
    root = fixture_tree("claims-planted")
    materials = root / MATERIALS
    original = materials.read_text(encoding="utf-8")
    start = original.index("```python\nimport numpy as np\n\ndef route")
    end = original.index("```\n", original.index("print(route(")) + 4
    materials.write_text(original[:start] + original[end:], encoding="utf-8")
    messages = {f.span.line: f.message for f in found(audit_tree(root), "CL001")}
    assert "a code block mentioning" in messages[17]  # "Top-k роутинг с кодом"
    materials.write_text(original, encoding="utf-8")
    assert 17 not in {f.span.line for f in found(audit_tree(root), "CL001")}


def test_russian_inflection_and_case_are_tolerated(fixture_tree: Callable[[str], Path]) -> None:
    root = fixture_tree("claims-planted")
    edit(root / TRACKER, "- Таблица схем MoE", "- таблицы схемами moe")
    assert 18 not in {f.span.line for f in found(audit_tree(root), "CL001")}
