"""Serialise the topic graph as JSON (node-link), Graphviz DOT or GraphML."""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from audit.graph.build import TopicGraph


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "path") and hasattr(value, "line"):
        return f"{value.path}:{value.line}:{value.column}"
    return str(value)


def _simple_graph(graph: TopicGraph) -> Any:
    simple = nx.MultiDiGraph()
    for node, data in sorted(graph.g.nodes(data=True)):
        simple.add_node(node, **{k: _plain(v) for k, v in data.items() if v is not None})
    for source, target, key, data in sorted(
        graph.g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])
    ):
        simple.add_edge(
            source, target, key=key, **{k: _plain(v) for k, v in data.items() if v is not None}
        )
    return simple


def export_graph(graph: TopicGraph, fmt: str) -> str:
    simple = _simple_graph(graph)
    if fmt == "json":
        nodes = [{"id": n, **d} for n, d in simple.nodes(data=True)]
        edges = [{"source": s, "target": t, **d} for s, t, d in simple.edges(data=True)]
        return (
            json.dumps(
                {"schema_version": 1, "nodes": nodes, "edges": edges}, ensure_ascii=False, indent=1
            )
            + "\n"
        )
    if fmt == "graphml":
        buffer = io.BytesIO()
        nx.write_graphml(simple, buffer, encoding="utf-8")
        return buffer.getvalue().decode("utf-8")
    if fmt == "dot":
        return _dot(simple)
    raise ValueError(fmt)


def _dot_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_SHAPES = {
    "document": "folder",
    "section": "box",
    "task": "component",
    "url": "note",
    "gap": "hexagon",
    "file": "note",
}


def _dot(simple: Any) -> str:
    lines = ["digraph topics {", "  rankdir=LR;", '  node [fontname="sans-serif"];']
    for node, data in simple.nodes(data=True):
        kind = str(data.get("kind", ""))
        attrs = [
            f"label={_dot_quote(str(data.get('title') or node))}",
            f"shape={_SHAPES.get(kind, 'ellipse')}",
        ]
        if data.get("missing"):
            attrs.append('color="red"')
        lines.append(f"  {_dot_quote(node)} [{', '.join(attrs)}];")
    for source, target, data in simple.edges(data=True):
        lines.append(
            f"  {_dot_quote(source)} -> {_dot_quote(target)} "
            f"[label={_dot_quote(str(data.get('kind', '')))}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
