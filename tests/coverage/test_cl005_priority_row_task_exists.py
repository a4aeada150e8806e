"""CL005: a priority-table row asking to add a task that exists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.coverage.helpers import TRACKER, audit_tree, edit, found


def test_an_existing_task_in_the_priority_table_is_reported(
    fixture_tree: Callable[[str], Path],
) -> None:
    root = fixture_tree("claims-planted")
    row = "| MoE Routing | Medium | ml_001_moe_routing |\n"
    edit(root / TRACKER, row, row + "| Quantization | Hard | ml_002_quantization |\n")
    (finding,) = found(audit_tree(root), "CL005")  # the planned ml_002 stays quiet
    assert finding.span.line == 53
    assert "ml_001_moe_routing" in finding.message and "content/tasks/ml_001_moe_routing.md" in (
        finding.message
    )
