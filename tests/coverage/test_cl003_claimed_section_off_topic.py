"""CL003: a section counts for a gap only when it holds something of that gap."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.coverage.helpers import TRACKER, audit_tree, edit, found


def test_chain_of_experts_claiming_the_moe_sections_gets_no_credit(
    fixture_tree: Callable[[str], Path],
) -> None:
    audit = audit_tree(fixture_tree("claims-planted"))
    findings = found(audit, "CL003")
    assert sorted(f.span.line for f in findings) == [30, 33]  # both Chain-of-Experts claims
    assert all("gap 'Chain-of-Experts'" in f.message for f in findings)
    assert all("claimed by gap 'MoE Routing'" in f.message for f in findings)
    statuses = {g.gap.id: g.status for g in audit.coverage.gaps}
    assert statuses["chain-of-experts"] == "none"  # was 75% on the MoE section's Q&A and code
    assert statuses["moe-routing"] == "covered"  # the true claimant keeps its credit
    coe = next(g for g in audit.coverage.gaps if g.gap.id == "chain-of-experts")
    assert "holds nothing of this gap" in coe.requirements[0].reason


def test_the_gap_is_credited_once_the_section_mentions_it(
    fixture_tree: Callable[[str], Path],
) -> None:
    root = fixture_tree("claims-planted")
    edit(
        root / "content/ml/материалы.md",
        "## 3. Дистилляция знаний",
        "Chain-of-Experts применяет экспертов последовательно, с повторным роутингом.\n\n"
        "## 3. Дистилляция знаний",
    )
    audit = audit_tree(root)
    assert [f.span.line for f in found(audit, "CL003")] == [33]  # the interview claim only
    coe = next(g for g in audit.coverage.gaps if g.gap.id == "chain-of-experts")
    assert coe.requirements[0].met  # materials


def test_a_claim_with_only_generic_items_is_credited_by_the_title(
    fixture_tree: Callable[[str], Path],
) -> None:
    root = fixture_tree("claims-planted")
    edit(root / TRACKER, "### 3. Chain-of-Experts", "### 3. MoE Experts")
    assert 33 not in {f.span.line for f in found(audit_tree(root), "CL003")}
