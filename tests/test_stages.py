"""The shape of the check path: the pipeline calls the incremental engine, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

AUDIT = Path(__file__).parent.parent / "audit"


def _imported(module: Path) -> set[str]:
    """Every module ``module`` imports, at the top or inside a function."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return out


def test_the_engine_and_the_stages_never_import_the_pipeline() -> None:
    for name in ("incremental.py", "stages.py"):
        imported = _imported(AUDIT / name)
        assert "audit.pipeline" not in imported, name
        assert "audit.stages" in imported or name == "stages.py"
    assert "audit.incremental" in _imported(AUDIT / "pipeline.py")


def test_rules_read_typed_stage_results() -> None:
    for path in sorted((AUDIT / "rules").glob("*.py")):
        assert "extras" not in path.read_text(encoding="utf-8"), path.name
