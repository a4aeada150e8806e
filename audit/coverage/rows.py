"""Which priority rows and which practice tasks belong to a gap.

A priority row names a gap loosely ("Agentic Patterns" for "Agentic Systems") or by a task id;
a task file names its gap in front matter. Matched once per run: the tracker rules and the
scoring read the same answer.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from audit.graph.build import TopicGraph
from audit.model.tracker import Gap, PriorityRow, Tracker

TaskIndex = dict[object, list[tuple[str, object]]]


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def title_similarity(a: str, b: str) -> float:
    """Loose title match for priority rows ("Agentic Patterns" ~ "Agentic Systems")."""
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    ca, cb = na.replace(" ", ""), nb.replace(" ", "")
    if ca in cb or cb in ca:
        return 0.9
    words_a, words_b = set(na.split()), set(nb.split())
    overlap = len(words_a & words_b) / max(1, min(len(words_a), len(words_b)))
    ratio = difflib.SequenceMatcher(None, na, nb).ratio()
    return max(ratio, 0.75 * overlap)


def match_priority_rows(
    trackers: Sequence[Tracker], graph: TopicGraph, threshold: float
) -> dict[tuple[str, int], tuple[str, ...]]:
    """(tracker path, row line) → matched gap ids; by task id first, then by title."""
    out: dict[tuple[str, int], tuple[str, ...]] = {}
    for tracker in trackers:
        for row in tracker.priority_rows:
            out[(tracker.path, row.span.line)] = _match_row(row, tracker, graph, threshold)
    return out


def _match_row(
    row: PriorityRow, tracker: Tracker, graph: TopicGraph, threshold: float
) -> tuple[str, ...]:
    if row.task_id:
        by_task = [g.id for g in tracker.gaps if row.task_id in g.recommended_tasks]
        decl = graph.task_file(row.task_id)
        if decl is not None:
            fm = graph.documents[decl.path].front_matter or {}
            by_task += [g.id for g in tracker.gaps if fm.get("gap") == g.id]
        if by_task:
            return tuple(dict.fromkeys(by_task))
    scored = sorted(
        ((title_similarity(row.gap_name, g.title), g.id) for g in tracker.gaps), reverse=True
    )
    if not scored or scored[0][0] < threshold:
        return ()
    best = scored[0][0]
    return tuple(gid for score, gid in scored if score >= threshold and best - score < 0.05)


def tasks_by_gap(graph: TopicGraph) -> TaskIndex:
    """Front matter ``gap:`` value → [(task id, front matter ``track``)] of every task file
    (built once per run: scanning every task for every gap was quadratic on large bases)."""
    index: TaskIndex = {}
    for task_id, decls in graph.tasks.items():
        for decl in decls:
            if decl.by != "file":
                continue
            fm = graph.documents[decl.path].front_matter or {}
            gap_value = fm.get("gap")
            if isinstance(gap_value, str):
                index.setdefault(gap_value, []).append((task_id, fm.get("track")))
    return index


def row_tasks_by_gap(
    tracker: Tracker, rows: dict[tuple[str, int], tuple[str, ...]]
) -> dict[str, list[str]]:
    """Gap id → task ids of the priority rows matched to it, for one tracker."""
    out: dict[str, list[str]] = {}
    for row in tracker.priority_rows:
        if not row.task_id:
            continue
        for gap_id in rows.get((tracker.path, row.span.line), ()):
            out.setdefault(gap_id, []).append(row.task_id)
    return out


def gap_tasks(
    gap: Gap, graph: TopicGraph, by_gap: TaskIndex, row_tasks: dict[str, list[str]]
) -> tuple[str, ...]:
    found: list[str] = []
    for task_id, track in by_gap.get(gap.id, ()):
        if not track or track == gap.track or not gap.track:
            found.append(task_id)
    for task_id in gap.recommended_tasks:
        if graph.task_file(task_id) is not None:
            found.append(task_id)
    for task_id in row_tasks.get(gap.id, ()):
        if graph.task_file(task_id) is not None:
            found.append(task_id)
    return tuple(sorted(set(found)))


def priority_of(gap: Gap, tracker: Tracker, rows: dict[tuple[str, int], tuple[str, ...]]) -> str:
    for row in tracker.priority_rows:
        if gap.id in rows.get((tracker.path, row.span.line), ()):
            return f"P{row.priority}"
    return gap.priority_label or "unprioritized"
