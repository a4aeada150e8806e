"""The graph view for the HTML report: what it keeps, where it puts it, and that it is stable."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from audit.config import load_config
from audit.graph.layout import MAX_PER_COLUMN, NODE_HEIGHT, ROW, layout_graph
from audit.model.graph_view import GraphViewOut
from audit.pipeline import full_audit
from bench.corpus import generate

FIXTURE = Path(__file__).parent.parent / "fixtures" / "report-hostile-titles"


def _view(
    config: str | None = None, cwd: Path | None = None, use_cache: bool = True
) -> GraphViewOut:
    audit = full_audit(load_config(config, cwd=cwd), execute=False, use_cache=use_cache)
    return layout_graph(audit.analysis.graph)


@pytest.fixture(scope="module")
def fixture_view() -> GraphViewOut:
    # no cache: the fixture tree is the repository's own, and a test never writes into it
    return _view(str(FIXTURE / "content-audit.yaml"), use_cache=False)


def _check_geometry(view: GraphViewOut) -> None:
    xs = {c.kind: c.x for c in view.columns}
    assert [c.kind for c in view.columns] == ["gap", "section", "task"]
    assert xs["gap"] < xs["section"] < xs["task"]
    by_id = {n.id: n for n in view.nodes}
    assert len(by_id) == len(view.nodes)  # each node once
    for column in view.columns:
        ys = [n.y for n in view.nodes if n.kind == column.kind]
        assert len(ys) == column.nodes <= MAX_PER_COLUMN
        assert all(b - a >= ROW for a, b in itertools.pairwise(ys))  # no overlap
        assert all(n.x == column.x for n in view.nodes if n.kind == column.kind)
    for node in view.nodes:
        assert node.x >= 0 and node.x + node.width <= view.width
        assert node.y >= 0 and node.y + NODE_HEIGHT <= view.height
    for edge in view.edges:  # left to right, starting and ending at the boxes
        source, target = by_id[edge.source], by_id[edge.target]
        assert source.x < target.x
        assert edge.path.startswith(f"M {source.x + source.width:g} ")
        assert edge.path.endswith(f"{target.x:g} {target.y + target.height / 2:g}")


def test_fixture_nodes_states_and_edges(fixture_view: GraphViewOut) -> None:
    _check_geometry(fixture_view)
    states = {n.id: (n.kind, n.state) for n in fixture_view.nodes}
    assert states["gap:ml/evaluation"] == ("gap", "none")
    assert states["task:ml_009_eval"] == ("task", "planned")
    assert states["doc:content/tasks/ml_404_missing.md"] == ("section", "missing")
    assert states["task:ml_001_attention"] == ("task", "ok")
    edges = {(e.source, e.target, e.kind) for e in fixture_view.edges}
    assert ("gap:ml/evaluation", "task:ml_009_eval", "recommends") in edges
    assert (
        "gap:ml/attention-scriptwindow__pwned1script",
        "sec:content/ml/подготовка-к-интервью.md#1-внимание",
        "claims",
    ) in edges
    # gaps keep tracker order
    assert [n.id for n in fixture_view.nodes if n.kind == "gap"] == [
        "gap:ml/attention-scriptwindow__pwned1script",
        "gap:ml/retrieval-img-srcx-onerrorwindow__pwned2",
        "gap:ml/evaluation",
    ]


def test_labels_are_short_and_titles_whole(fixture_view: GraphViewOut) -> None:
    section = next(n for n in fixture_view.nodes if "scriptalert2" in n.id)
    assert len(section.label) <= 36 and section.label.endswith("…")
    assert "<script>alert(2)</script> и <script>alert(3)</script>" in section.title


def test_generated_corpus_layout_is_sane_and_stable(tmp_path: Path) -> None:
    generate(tmp_path, 60, seed=3)
    first, second = _view(cwd=tmp_path), _view(cwd=tmp_path)
    assert first == second
    _check_geometry(first)
    assert any(n.state == "missing" for n in first.nodes)  # the corpus plants broken references
    assert sum(c.nodes for c in first.columns) == len(first.nodes)
    assert all(c.nodes > 0 for c in first.columns) and first.edges
