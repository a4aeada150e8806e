"""The serve rebuild path: static findings from the incremental engine, trackers and coverage on
a graph view without networkx.

Used only when it gives the full audit's answer: the pages mkdocs builds are exactly the files
discovery finds (no exclude_docs page, no virtual page), examples are not run, and no coverage
page (whose report model reads the full graph) is asked for. The tracker stage reads only
``graph.documents``, the task declarations, the tasks' ``related``/``prerequisites`` edges and
the links of a task page (GP005), which the view gives exactly as ``build_graph`` would, the
links resolved on demand.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from audit.config import LoadedConfig
from audit.graph.build import (
    ResolvedLink,
    TaskDeclaration,
    TopicGraph,
    resolve_link,
    task_declarations,
    task_node,
)
from audit.model.audit import Analysis, Audit
from audit.model.document import Document
from audit.model.finding import Finding
from audit.model.tracker import Tracker


class _Relations:
    """The tasks' related/prerequisite edges, answering ``out_edges`` like the networkx graph."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.edges: dict[str, list[tuple[str, str, str]]] = {}
        for doc in documents:
            if doc.kind != "task" or not isinstance(doc.front_matter, dict):
                continue
            own = doc.front_matter.get("id")
            if not isinstance(own, str):
                own = doc.stem
            for key, kind in (("related", "related"), ("prerequisites", "prerequisite")):
                values = doc.front_matter.get(key)
                if not isinstance(values, list):
                    continue
                for value in values:
                    if isinstance(value, str):
                        source = task_node(own)
                        self.edges.setdefault(source, []).append((source, task_node(value), kind))

    def out_edges(self, node: str, keys: bool = True) -> Iterator[tuple[str, str, str]]:
        yield from self.edges.get(node, [])


class DocumentsView(TopicGraph):
    """What the tracker stage reads of the graph, without building the graph."""

    def __init__(self, loaded: LoadedConfig, documents: Sequence[Document]) -> None:
        self.config = loaded.config
        self.root = loaded.root
        self.content_prefix = loaded.config.content_root.strip("/")
        self.documents = {d.path: d for d in sorted(documents, key=lambda d: d.path)}
        self.tasks: dict[str, list[TaskDeclaration]] = {}
        self.links = []
        for doc in self.documents.values():
            for decl, _heading in task_declarations(doc):
                self.tasks.setdefault(decl.task_id, []).append(decl)
        self.g = _Relations(list(self.documents.values()))
        self._resolved: dict[str, list[ResolvedLink]] = {}

    def links_from(self, path: str) -> list[ResolvedLink]:
        doc = self.documents.get(path)
        if doc is None:
            return []
        if path not in self._resolved:

            def anchors_of(target: str) -> frozenset[str] | None:
                found = self.documents.get(target)
                return found.anchors() if found is not None else None

            def exists(target: str) -> bool:
                return (self.root / target).exists()

            self._resolved[path] = [
                resolve_link(
                    path,
                    link,
                    self.where(doc, link.span.line),
                    self.content_prefix,
                    anchors_of,
                    exists,
                )
                for link in doc.links
            ]
        return self._resolved[path]


def tracker_audit(
    loaded: LoadedConfig,
    documents: Sequence[Document],
    static: Sequence[Finding],
    tracker_memo: dict[tuple[str, str, int], Tracker],
) -> Audit:
    """full_audit's tail (trackers → coverage → tracker rules → thresholds) without examples,
    through the same stage functions (``audit/stages.py``) on an in-memory graph view."""
    from audit.coverage.thresholds import evaluate_thresholds, findings_error_count
    from audit.parse.tracker import parse_tracker
    from audit.rules.registry import REGISTRY
    from audit.stages import run_stage_rules, tracker_config, tracker_results

    config, root = loaded.config, loaded.root
    graph = DocumentsView(loaded, documents)
    known = frozenset(graph.documents)
    docs = list(graph.documents.values())
    trackers = []
    for d in docs:
        if d.kind != "tracker":
            continue
        key = (d.path, d.digest, hash(known))
        tracker = tracker_memo.get(key)
        if tracker is None:
            tracker = tracker_memo[key] = parse_tracker(
                d, tracker_config(d, config, docs), set(known)
            )
        trackers.append(tracker)
    tracked = tracker_results(trackers, graph, config, root, None)
    later = run_stage_rules(graph, config, root, ("tracker",), tracker=tracked)
    # `check` (the incremental engine) also answers the tracker rules, computed without
    # examples; here they run again on the full tracker stage, so only the static ones are kept
    static = [f for f in static if REGISTRY[f.code].stage == "static"]
    findings = sorted([*static, *later], key=Finding.sort_key)
    thresholds = evaluate_thresholds(tracked.coverage, config, findings_error_count(findings))
    analysis = Analysis(config, root, docs, graph, list(static), trackers)
    return Audit(analysis, trackers, tracked.coverage, thresholds, None, findings)
