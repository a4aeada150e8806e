"""CL007: a gap declared missing whose topic has a section nobody claims."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.coverage.helpers import audit_tree, edit, found


def test_the_quantization_section_is_suggested_through_the_synonyms(
    fixture_tree: Callable[[str], Path],
) -> None:
    (finding,) = found(audit_tree(fixture_tree("claims-planted")), "CL007")
    assert finding.span.line == 43  # the Quantization gap, not the claimed gaps
    assert "content/ml/материалы.md:52 '4. Квантизация весов: INT8 и INT4'" in finding.message
    assert "section 4" in finding.hint


def test_mutation_rename_the_heading_and_the_suggestion_goes(
    fixture_tree: Callable[[str], Path],
) -> None:
    root = fixture_tree("claims-planted")
    edit(root / "content/ml/материалы.md", "## 4. Квантизация весов", "## 4. Форматы весов")
    assert found(audit_tree(root), "CL007") == []
