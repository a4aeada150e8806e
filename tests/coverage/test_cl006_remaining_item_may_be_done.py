"""CL006: an 'Осталось:' item whose terms are all found in a claimed section may be done."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.coverage.helpers import TRACKER, audit_tree, edit, found


def test_a_remaining_item_found_in_the_claimed_section_is_an_info(
    fixture_tree: Callable[[str], Path],
) -> None:
    root = fixture_tree("claims-planted")
    edit(root / TRACKER, "- Load-balancing loss\n", "- Load-balancing loss\n- Expert parallelism\n")
    findings = found(audit_tree(root), "CL006")
    assert [(f.span.line, f.severity.value) for f in findings] == [(26, "info")]
    assert "content/ml/материалы.md:29" in findings[0].message


def test_mutation_remove_the_term_and_the_item_is_really_remaining(
    fixture_tree: Callable[[str], Path],
) -> None:
    root = fixture_tree("claims-planted")
    edit(root / "content/ml/материалы.md", "а load-balancing loss не даёт", "а штраф не даёт")
    edit(root / "content/ml/подготовка-к-интервью.md", "Зачем нужен load-balancing loss?", "Зачем?")
    assert found(audit_tree(root), "CL006") == []
