"""CL002: an item the audit cannot look for is said so (info), never silently credited; and
hostile items or sections give findings, not tracebacks or quadratic time."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from audit.coverage.evidence import MAX_ITEM_TERMS, item_terms
from tests.coverage.helpers import TRACKER, audit_tree, edit, found

CLAIM = "- Формула KL-дивергенции с температурой\n"


def test_punctuation_only_item_is_an_info_finding(fixture_tree: Callable[[str], Path]) -> None:
    audit = audit_tree(fixture_tree("claims-planted"))
    (finding,) = found(audit, "CL002")
    assert finding.span.line == 41 and finding.severity.value == "info"
    assert "nothing checkable in this item" in finding.message


def test_numbers_emoji_and_paragraphs_are_uncheckable_but_mixed_scripts_are_checked(
    fixture_tree: Callable[[str], Path],
) -> None:
    root = fixture_tree("claims-planted")
    paragraph = " ".join(f"слово{n} term{n}" for n in range(60))
    items = f"- 42 / 7\n- 🚀🔥\n- {paragraph}\n- KL-дивергенция\n"
    edit(root / TRACKER, CLAIM, CLAIM + items)
    audit = audit_tree(root)
    reasons = {f.span.line: f.message for f in found(audit, "CL002")}
    assert "nothing checkable" in reasons[41] and "nothing checkable" in reasons[42]
    assert "too long to check" in reasons[43]
    assert 44 not in reasons  # RAG-пайплайн style: checked, and true here
    assert 44 not in {f.span.line for f in found(audit, "CL001")}


def test_mixed_script_item_names_its_latin_part() -> None:
    terms = item_terms("RAG-пайплайн с ретривером")
    (mixed,) = [t for t in terms.terms if t.kind == "mixed"]
    assert mixed.named and mixed.parts == ("rag",)
    assert item_terms("Best practices").state == "generic"
    assert item_terms("Interview questions (4 Q&A)").state == "generic"
    assert item_terms("!!! 12 — 🚀").state == "uncheckable"
    long_item = " ".join(f"w{n}x" for n in range(MAX_ITEM_TERMS + 1))
    assert item_terms(long_item).state == "uncheckable"


def test_ten_thousand_items_and_a_five_megabyte_section_stay_linear(
    fixture_tree: Callable[[str], Path],
) -> None:
    root = fixture_tree("claims-planted")
    items = "".join(f"- Термин{n} и YaRN{n % 50}\n" for n in range(10_000))
    edit(root / TRACKER, CLAIM, CLAIM + items)
    materials = root / "content/ml/материалы.md"
    filler = "Длинная проза про дистилляцию знаний и температуру. " * 100 + "\n\n"
    big = filler * (5_000_000 // len(filler.encode()))
    edit(materials, "## 4. Квантизация", big + "## 4. Квантизация")
    started = time.monotonic()
    audit = audit_tree(root)
    elapsed = time.monotonic() - started
    assert len([f for f in found(audit, "CL001") if 41 <= f.span.line <= 10_040]) == 10_000
    assert elapsed < 120, elapsed  # a quadratic search would take hours here
