"""A deterministic layered layout of the topic graph for the HTML report.

Three columns, left to right: gaps → sections → tasks. The view keeps the nodes the coverage
story is about: every gap, the sections gaps claim (resolved or missing), sections that declare or
mention tasks the view shows, every task (missing and planned ones included) and every missing
section or document. Gaps are ordered by tracker and line; sections and tasks by the mean position
of their neighbours on the left (the barycenter heuristic, which keeps edges short and crossings
few), ties broken by id. Same graph in, same picture out: no randomness, no floating layout.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import Any

from audit.graph.build import TopicGraph
from audit.model.graph_view import (
    GraphViewColumn,
    GraphViewEdge,
    GraphViewNode,
    GraphViewOut,
    ViewKind,
    ViewState,
)

NODE_WIDTH = 270.0
NODE_HEIGHT = 20.0
ROW = 26.0
COLUMN_GAP = 110.0
MARGIN_X = 12.0
MARGIN_TOP = 40.0  # room for the column titles
MARGIN_BOTTOM = 12.0
LABEL_CHARS = 36
LABEL_INSET = 8.0
MAX_PER_COLUMN = 300

EDGE_KINDS = ("claims", "has_task", "recommends", "defines", "mentions_task")
COLUMNS: tuple[tuple[ViewKind, str], ...] = (
    ("gap", "Gaps"),
    ("section", "Sections"),
    ("task", "Tasks"),
)


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _node_text(node: str, data: dict[str, Any], recommended: bool) -> tuple[str, str]:
    """(label, title) for a node of the view."""
    kind = data.get("kind")
    if kind == "gap":
        number = data.get("number")
        prefix = f"{number}. " if number is not None else ""
        title = str(data.get("title", node))
        label = f"{data.get('track', '')}: {prefix}{title}"
        full = (
            f"gap {prefix}{title} ({data.get('category', '')}) — computed "
            f"{data.get('status', '?')}, declared {data.get('declared', '?')}"
        )
        return _short(label), full
    if kind == "task":
        task_id = str(data.get("task_id", node.removeprefix("task:")))
        title = str(data.get("title") or "")
        state = (
            ""
            if not data.get("missing")
            else "planned: a tracker recommends adding it, no task file yet"
            if data.get("planned") or recommended
            else "missing: no task file declares it"
        )
        full = " — ".join(p for p in (task_id, title, state) if p)
        return _short(task_id), full
    path = str(data.get("path") or "")
    title = str(data.get("title") or data.get("anchor") or "")
    if node.startswith("missing:"):
        raw = node.removeprefix("missing:")
        return _short(f"✗ {raw}"), f"claimed section not found: {raw}"
    base = posixpath.basename(path) if path else ""
    if kind == "document":
        return _short(f"✗ {base or node}"), f"missing file: {path or node}"
    if data.get("missing"):
        return (
            _short(f"✗ {base}#{data.get('anchor', '')}"),
            f"missing anchor: {path}#{data.get('anchor', '')}",
        )
    return _short(f"{title} · {base}"), f"{path}#{data.get('anchor', '')} — {title}"


def _state(data: dict[str, Any], recommended: bool) -> ViewState:
    """A gap's computed status; a missing task a tracker recommends adding is planned."""
    if data.get("kind") == "gap":
        status = data.get("status")
        return status if status in ("covered", "partial", "none") else "none"
    if data.get("missing") and (data.get("planned") or recommended):
        return "planned"
    if data.get("missing"):
        return "missing"
    return "ok"


def _selected(graph: TopicGraph) -> dict[ViewKind, set[str]]:
    g = graph.g
    gaps = {str(n) for n, d in g.nodes(data=True) if d.get("kind") == "gap"}
    tasks = {str(n) for n, d in g.nodes(data=True) if d.get("kind") == "task"}
    sections: set[str] = set()
    for node, data in g.nodes(data=True):
        if data.get("missing") and data.get("kind") in ("section", "document"):
            sections.add(str(node))
    for source, target, key in g.edges(keys=True):
        if key == "claims" and source in gaps:
            sections.add(str(target))
        elif key == "defines" and str(source).startswith("sec:") and target in tasks:
            sections.add(str(source))
        elif (
            key == "mentions_task"
            and str(source).startswith("sec:")
            and g.nodes[target].get("missing")
        ):
            sections.add(str(source))  # where an unresolved task id is written
    return {"gap": gaps, "section": sections, "task": tasks}


def _place(
    nodes: Iterable[str], placed: dict[str, float], neighbours: dict[str, list[str]]
) -> list[tuple[str, float]]:
    """Order by the mean y of the already placed neighbours (unconnected nodes last, by id),
    then put each node at that y, pushed down just enough to clear the node above it."""

    def key(node: str) -> tuple[int, float, str]:
        ys = [placed[n] for n in neighbours.get(node, []) if n in placed]
        if not ys:
            return (1, 0.0, node)
        return (0, sum(ys) / len(ys), node)

    out: list[tuple[str, float]] = []
    previous = MARGIN_TOP - ROW
    for node in sorted(nodes, key=key):
        unconnected, ideal, _ = key(node)
        y = previous + ROW if unconnected else max(previous + ROW, ideal)
        out.append((node, y))
        previous = y
    return out


def layout_graph(graph: TopicGraph) -> GraphViewOut:
    """The report's picture of ``graph`` (call after ``add_gaps``)."""
    g = graph.g
    chosen = _selected(graph)
    kept: set[str] = set().union(*chosen.values())
    edges: list[tuple[str, str, str]] = sorted(
        {
            (str(s), str(t), str(k))
            for s, t, k in g.edges(keys=True)
            if k in EDGE_KINDS and s in kept and t in kept and s != t
        }
    )
    neighbours: dict[str, list[str]] = {}
    for source, target, _kind in edges:
        neighbours.setdefault(target, []).append(source)
        neighbours.setdefault(source, []).append(target)

    def gap_key(node: str) -> tuple[str, str, int, str]:
        data = g.nodes[node]
        return (
            str(data.get("track", "")),
            str(data.get("path", "")),
            int(data.get("line") or 0),
            node,
        )

    recommended = {str(t) for _s, t, k in g.edges(keys=True) if k == "recommends"}
    placed: dict[str, float] = {}
    ordered: dict[ViewKind, list[tuple[str, float]]] = {}
    omitted: dict[ViewKind, int] = {}
    for kind, _title in COLUMNS:
        if kind == "gap":
            column = [
                (node, MARGIN_TOP + row * ROW)
                for row, node in enumerate(sorted(chosen[kind], key=gap_key))
            ]
        else:
            column = _place(chosen[kind], placed, neighbours)
        omitted[kind] = max(0, len(column) - MAX_PER_COLUMN)
        ordered[kind] = column[:MAX_PER_COLUMN]
        placed.update(ordered[kind])

    nodes: list[GraphViewNode] = []
    positions: dict[str, tuple[float, float]] = {}
    columns: list[GraphViewColumn] = []
    for index, (kind, title) in enumerate(COLUMNS):
        x = MARGIN_X + index * (NODE_WIDTH + COLUMN_GAP)
        columns.append(
            GraphViewColumn(
                kind=kind, title=title, x=x, nodes=len(ordered[kind]), omitted=omitted[kind]
            )
        )
        for node, y in ordered[kind]:
            positions[node] = (x, y)
            label, full = _node_text(node, g.nodes[node], node in recommended)
            nodes.append(
                GraphViewNode(
                    id=node,
                    kind=kind,
                    label=label,
                    title=full,
                    state=_state(g.nodes[node], node in recommended),
                    x=x,
                    y=y,
                    width=NODE_WIDTH,
                    height=NODE_HEIGHT,
                    label_x=LABEL_INSET,
                    label_y=NODE_HEIGHT / 2,
                )
            )

    view_edges = []
    for source, target, edge_kind in edges:
        if source not in positions or target not in positions:
            continue
        (sx, sy), (tx, ty) = positions[source], positions[target]
        if tx <= sx:  # same column or backwards: not part of the left-to-right story
            continue
        x1, y1 = sx + NODE_WIDTH, sy + NODE_HEIGHT / 2
        x2, y2 = tx, ty + NODE_HEIGHT / 2
        bend = (x2 - x1) / 2
        path = f"M {x1:g} {y1:g} C {x1 + bend:g} {y1:g}, {x2 - bend:g} {y2:g}, {x2:g} {y2:g}"
        view_edges.append(GraphViewEdge(source=source, target=target, kind=edge_kind, path=path))

    lowest = max((y for _x, y in positions.values()), default=MARGIN_TOP)
    width = MARGIN_X * 2 + len(COLUMNS) * NODE_WIDTH + (len(COLUMNS) - 1) * COLUMN_GAP
    height = lowest + NODE_HEIGHT + MARGIN_BOTTOM
    return GraphViewOut(width=width, height=height, columns=columns, nodes=nodes, edges=view_edges)
