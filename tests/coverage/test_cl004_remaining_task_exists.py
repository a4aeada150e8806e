"""CL004: an 'Осталось:' task item is stale when a task declares the gap."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.coverage.helpers import TRACKER, audit_tree, edit, found


def test_a_remaining_task_that_exists_is_reported_with_its_path(
    fixture_tree: Callable[[str], Path],
) -> None:
    root = fixture_tree("claims-planted")
    edit(
        root / TRACKER,
        "- Load-balancing loss\n",
        "- Load-balancing loss\n- Задача на expert parallelism\n",
    )
    (finding,) = found(audit_tree(root), "CL004")
    assert finding.span.line == 25  # not 27: a task on a named topic is a new task
    assert "content/tasks/ml_001_moe_routing.md" in finding.message


def test_without_the_task_file_the_item_is_not_stale(fixture_tree: Callable[[str], Path]) -> None:
    root = fixture_tree("claims-planted")
    edit(root / "content/tasks/ml_001_moe_routing.md", "gap: moe-routing", "gap: long-context")
    assert found(audit_tree(root), "CL004") == []
