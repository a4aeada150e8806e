"""The topic graph: node and edge kinds, dangling targets, orphans, cycles, and its exports."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

from audit.graph.build import doc_node, linked_task_ids, section_node, task_node
from audit.graph.export import export_graph
from bench.corpus import generate
from tests.conftest import FIXTURES
from tests.helpers import analyse_tree, run_cli

LLM = "content/llm/материалы.md"
INTERVIEW = "content/llm/подготовка-к-интервью.md"
RAG = "content/tasks/llm_001_rag_pipeline.md"


@pytest.fixture(scope="module")
def graph():  # type: ignore[no-untyped-def]
    return analyse_tree(FIXTURES / "planted-references").graph


def test_node_kinds(graph) -> None:  # type: ignore[no-untyped-def]
    g = graph.g
    assert g.nodes[doc_node(LLM)]["kind"] == "document"
    assert g.nodes[doc_node(LLM)]["doc_kind"] == "materials"
    assert g.nodes[section_node(LLM, "2-rag-и-поиск")]["kind"] == "section"
    assert g.nodes[section_node(LLM, "2-rag-и-поиск")]["number"] == 2
    assert g.nodes[task_node("llm_001_rag_pipeline")]["kind"] == "task"
    # 4 documents + 1 missing link target; 15 headings + 4 missing anchors; 3 tasks
    assert graph.counts() == {"document": 5, "section": 19, "task": 3}
    missing = sorted(n for n, d in g.nodes(data=True) if d.get("missing"))
    assert missing == sorted(
        [
            doc_node("content/tasks/llm_099_deleted.md"),
            section_node(LLM, "итог"),
            section_node(LLM, "3-длинный-контекст"),
            section_node(INTERVIEW, "99-нет-раздела"),
            section_node(INTERVIEW, "2-якоря"),
            task_node("llm_042_missing_task"),
        ]
    )


def test_external_urls_are_nodes(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content/a.md").write_text(
        "# A\n\n[сайт](https://example.com/x)\n", encoding="utf-8"
    )
    graph = analyse_tree(tmp_path).graph
    assert graph.g.nodes["url:https://example.com/x"]["kind"] == "url"
    assert [(s, t) for s, t, _ in graph.edges("links_to")] == [
        (section_node("content/a.md", "a"), "url:https://example.com/x")
    ]


def test_contains_edges_follow_the_heading_tree(graph) -> None:  # type: ignore[no-untyped-def]
    contains = {(s, t) for s, t, _ in graph.edges("contains")}
    assert (doc_node(LLM), section_node(LLM, "материалы-по-llm")) in contains
    assert (section_node(LLM, "материалы-по-llm"), section_node(LLM, "итоги_1")) in contains
    assert (
        section_node(INTERVIEW, "1-утечка-данных"),
        section_node(INTERVIEW, "basic"),
    ) in contains


def test_links_and_dangling_targets(graph) -> None:  # type: ignore[no-untyped-def]
    g = graph.g
    links = {(s, t) for s, t, _ in graph.edges("links_to")}
    assert (
        section_node(LLM, "1-токенизация-llm_007_tokenization"),
        section_node(RAG, "решение"),
    ) in links
    missing_file = doc_node("content/tasks/llm_099_deleted.md")
    assert g.nodes[missing_file] == {
        "kind": "document",
        "missing": True,
        "path": "content/tasks/llm_099_deleted.md",
    }
    dangling = section_node(INTERVIEW, "99-нет-раздела")
    assert g.nodes[dangling]["missing"] is True
    assert (section_node(LLM, "2-rag-и-поиск"), dangling) in links
    problems = sorted(
        (r.link.span.line, r.problem) for r in graph.links if r.link.span.path == LLM and r.problem
    )
    assert problems == [
        (15, "missing-anchor"),
        (17, "missing-file"),
        (22, "missing-anchor"),
        (30, "escapes-root"),
    ]


def test_task_edges(graph) -> None:  # type: ignore[no-untyped-def]
    defines = {(s, t) for s, t, _ in graph.edges("defines")}
    assert (doc_node(RAG), task_node("llm_001_rag_pipeline")) in defines
    assert (
        section_node(LLM, "1-токенизация-llm_007_tokenization"),
        task_node("llm_007_tokenization"),
    ) in defines
    mentions = {(s, t) for s, t, _ in graph.edges("mentions_task")}
    assert (section_node(LLM, "итоги"), task_node("llm_042_missing_task")) in mentions
    assert graph.g.nodes[task_node("llm_042_missing_task")]["missing"] is True
    assert graph.incoming(task_node("llm_001_rag_pipeline"), ["mentions_task"]) == [
        section_node(LLM, "итоги")
    ]


def test_related_prerequisite_edges_orphans_and_cycles() -> None:
    graph = analyse_tree(FIXTURES / "tasks-contract").graph
    prerequisites = sorted((s, t) for s, t, _ in graph.edges("prerequisite"))
    assert prerequisites == [
        (task_node("llm_001_rag_pipeline"), task_node("llm_002_lora")),
        (task_node("llm_002_lora"), task_node("llm_001_rag_pipeline")),
    ]
    related = sorted(t for s, t, _ in graph.edges("related"))
    assert related == [task_node("llm_002_lora"), task_node("llm_077_ghost")]
    assert graph.g.nodes[task_node("llm_077_ghost")]["missing"] is True
    orphan = task_node("llm_004_orphan")
    assert graph.incoming(orphan, ["mentions_task", "related", "prerequisite"]) == []
    assert graph.incoming(doc_node("content/tasks/llm_004_orphan.md"), ["links_to"]) == []
    assert graph.task_file("llm_005_right_name") is not None
    assert graph.task_file("llm_005_wrong_name") is None


@pytest.mark.parametrize("fmt", ["json", "dot", "graphml"])
def test_exports_parse_back(graph, fmt: str) -> None:  # type: ignore[no-untyped-def]
    text = export_graph(graph, fmt)
    assert text == export_graph(graph, fmt)  # deterministic
    nodes, edges = graph.g.number_of_nodes(), graph.g.number_of_edges()
    if fmt == "json":
        data = json.loads(text)
        assert data["schema_version"] == 1
        assert len(data["nodes"]) == nodes and len(data["edges"]) == edges
        assert {"id": doc_node(LLM)}.items() <= next(
            n for n in data["nodes"] if n["id"] == doc_node(LLM)
        ).items()
    elif fmt == "graphml":
        back = nx.read_graphml(io.BytesIO(text.encode("utf-8")))
        assert back.number_of_nodes() == nodes and back.number_of_edges() == edges
        assert back.nodes[section_node(LLM, "итоги_1")]["kind"] == "section"
    else:
        assert text.startswith("digraph topics {") and text.endswith("}\n")
        assert text.count(" -> ") == edges
        assert f'"{section_node(LLM, "итоги_1")}"' in text
        pydot = pytest.importorskip("pydot")
        [parsed] = pydot.graph_from_dot_data(text)
        assert len(parsed.get_edges()) == edges


@pytest.mark.parametrize("fmt", ["json", "dot", "graphml"])
def test_graph_command(tmp_path: Path, fixture_tree: Callable[[str], Path], fmt: str) -> None:
    root = fixture_tree("planted-references")
    out = tmp_path / f"graph.{fmt}"
    run = run_cli(["graph", "--format", fmt, "-o", str(out)], root)
    assert (run.code, run.err) == (0, "")
    graph = analyse_tree(root).graph
    assert out.read_text(encoding="utf-8") == export_graph(graph, fmt)
    stdout = run_cli(["graph", "--format", fmt], root)
    assert stdout.out == out.read_text(encoding="utf-8")


def test_graph_export_includes_gaps_and_their_claims(tmp_path: Path) -> None:
    import json
    import shutil
    import subprocess
    import sys

    fixture = Path(__file__).parent.parent / "fixtures" / "tracker-seed-quirks"
    root = tmp_path / "t"
    shutil.copytree(fixture, root)
    run = subprocess.run(
        [sys.executable, "-m", "audit", "graph", "--format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    graph = json.loads(run.stdout)
    gaps = {n["id"] for n in graph["nodes"] if n.get("kind") == "gap"}
    assert "gap:ml/agentic-systems" in gaps
    claims = {(e["source"], e["target"]) for e in graph["edges"] if e.get("kind") == "claims"}
    assert ("gap:ml/agentic-systems", "sec:content/ml/материалы.md#2-агентные-системы") in claims
    missing = {n["id"] for n in graph["nodes"] if n.get("missing")}
    assert "missing:materials.md#section 9" in missing


def _task_answers(graph) -> tuple[list[str], list[list[str]], dict[str, set[str]]]:  # type: ignore[no-untyped-def]
    linked = {task_id: linked_task_ids(graph, task_id) for task_id in sorted(graph.tasks)}
    return graph.orphan_tasks(), graph.prerequisite_cycles(), linked


def _trees(tmp_path: Path) -> list[Path]:
    corpus = tmp_path / "corpus"
    generate(corpus, 150, seed=5)
    # a task no page mentions and a prerequisite cycle, on top of the corpus' own
    tasks = corpus / "content" / "tasks"
    (tasks / "zz_001_alone.md").write_text(
        "---\nid: zz_001_alone\nprerequisites: [zz_002_back]\n---\n# Alone\n", encoding="utf-8"
    )
    (tasks / "zz_002_back.md").write_text(
        "---\nid: zz_002_back\nprerequisites: [zz_001_alone]\n---\n# Back\n", encoding="utf-8"
    )
    fixtures = [p for p in sorted(FIXTURES.iterdir()) if (p / "content").is_dir()]
    return [corpus, *fixtures]


def test_task_queries_without_networkx_equal_the_built_graph(tmp_path: Path) -> None:
    """`check` never builds the networkx graph: its orphan, cycle and relation answers come
    from the documents, and must be the ones the built graph gives."""
    seen_orphans = seen_cycles = seen_linked = False
    for tree in _trees(tmp_path):
        graph = analyse_tree(tree).graph
        assert graph.built() is None, tree  # the static rules ran without building it
        before = _task_answers(graph)
        assert graph.g is not None and graph.built() is graph.g
        assert _task_answers(graph) == before, tree
        seen_orphans |= bool(before[0])
        seen_cycles |= bool(before[1])
        seen_linked |= any(before[2].values())
    assert seen_orphans and seen_cycles and seen_linked  # the trees exercise every answer
