"""The shape of the package, checked from its source: one direction, one room per role.

``discover → parse → graph → rules → coverage → report``, chained only by ``audit/pipeline.py``
(the CLI and the mkdocs/editor entry points call it). Every import counts here, the ones inside
functions and under ``TYPE_CHECKING`` too: a cycle hidden in a function body is still a cycle a
reader has to hold in their head.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

AUDIT = Path(__file__).parent.parent / "audit"
ENTRY_POINTS = {"audit.cli", "audit.mkdocs_plugin", "audit.lsp"}  # may call the pipeline
MAX_LOOSE_MODULES = 8


def _module_name(path: Path) -> str:
    parts = path.relative_to(AUDIT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(AUDIT.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """The ``audit`` modules ``path`` imports (``from audit.x import y`` counts ``audit.x.y``
    when that is a module, else ``audit.x``)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                out.add(full if full in MODULES else node.module)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return {name for name in out if name in MODULES}


def _graph() -> nx.DiGraph[str]:
    graph: nx.DiGraph[str] = nx.DiGraph()
    for name, path in MODULES.items():
        graph.add_node(name)
        for target in _imports(path):
            if target != name and not name.startswith(target + "."):  # a module and its package
                graph.add_edge(name, target)
    return graph


def test_no_import_cycle_in_the_package() -> None:
    cycles = sorted(sorted(c) for c in nx.simple_cycles(_graph()))
    assert cycles == []


def test_only_the_entry_points_call_the_pipeline() -> None:
    callers = {
        name
        for name in _graph().predecessors("audit.pipeline")
        if not any(name == e or name.startswith(e + ".") for e in ENTRY_POINTS)
    }
    assert callers == set()


def test_the_incremental_engine_is_called_by_the_pipeline_not_the_reverse() -> None:
    graph = _graph()
    assert graph.has_edge("audit.pipeline", "audit.cache.incremental")
    assert not nx.has_path(graph, "audit.cache.incremental", "audit.pipeline")
    assert graph.has_edge("audit.cache.incremental", "audit.stages")


def test_few_loose_modules_at_the_top_level() -> None:
    loose = sorted(p.name for p in AUDIT.glob("*.py") if p.name != "__init__.py")
    assert len(loose) <= MAX_LOOSE_MODULES, loose


def test_rules_read_typed_stage_results() -> None:
    for path in sorted((AUDIT / "rules").glob("*.py")):
        assert "extras" not in path.read_text(encoding="utf-8"), path.name


def _constructs_finding(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name == "Finding":
                return True
    return False


def test_findings_are_made_only_in_the_rules_package() -> None:
    makers = sorted(
        name
        for name, path in MODULES.items()
        if not name.startswith("audit.rules") and _constructs_finding(path)
    )
    assert makers == []
