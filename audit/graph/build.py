"""The topic graph: documents, sections, tasks, URLs (and, later, gaps) with typed edges.

A thin typed wrapper over a networkx MultiDiGraph. Link targets are resolved here, once, so that
every rule asks the graph ("which links_to edges end at a missing node?") instead of re-resolving.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from audit.model.span import Span

if TYPE_CHECKING:  # annotations only: a warm check loads neither documents nor coverage
    from audit.model.config import Config
    from audit.model.coverage import Coverage
    from audit.model.document import Document, Link
    from audit.model.tracker import Tracker

EdgeKind = Literal[
    "contains",
    "links_to",
    "mentions_task",
    "related",
    "prerequisite",
    "defines",
    "claims",
    "recommends",
    "has_task",
    "has_example",
]
# gaps join the graph in the tracker stage (add_gaps), after coverage resolves their claims


def doc_node(path: str) -> str:
    return f"doc:{path}"


def section_node(path: str, anchor: str) -> str:
    return f"sec:{path}#{anchor}"


def task_node(task_id: str) -> str:
    return f"task:{task_id}"


@dataclass(frozen=True, slots=True)
class ResolvedLink:
    link: Link
    source: str  # node the link starts from
    target: str  # node it points to ("" for external/other links)
    target_path: str  # resolved file path relative to the project root ("" when none)
    problem: str  # "", "missing-file", "missing-anchor", "escapes-root"


@dataclass(frozen=True, slots=True)
class TaskDeclaration:
    task_id: str
    path: str
    span: Span
    by: Literal["file", "heading", "overview"]  # overview: the ID column of `Обзор задач`


def _nx() -> Any:
    """networkx, imported on first use: the incremental ``check`` answers most edits from the
    cache without building a graph, and importing networkx alone costs ~0.1 s."""
    import networkx

    return networkx


def link_target(from_path: str, link: Link, content_prefix: str) -> tuple[str, bool]:
    """(target path relative to the project root, whether it leaves the content root) of a
    relative or same-file anchor link.

    A ``?query`` is not part of the file name. A content root of ``.`` (or ``""``) is the whole
    project (a GitHub-rendered repository): only ``..`` past the project root leaves it. An
    absolute path always leaves it (the published site's root is not the file system's)."""
    prefix = _clean_prefix(content_prefix)
    raw = link.path.split("?", 1)[0]
    base = posixpath.dirname(from_path)
    if link.from_html:  # from the page's published folder (Link.from_html)
        base = posixpath.splitext(from_path)[0]
    target_path = posixpath.normpath(posixpath.join(base, raw)) if raw else from_path
    outside_project = target_path == ".." or target_path.startswith("../")
    inside = not prefix or target_path == prefix or target_path.startswith(prefix + "/")
    return target_path, outside_project or posixpath.isabs(raw) or not inside


def _clean_prefix(content_prefix: str) -> str:
    prefix = content_prefix.strip("/")
    return "" if prefix in ("", ".") else prefix


def link_problem(
    target_path: str,
    anchor: str,
    anchors_of: Callable[[str], set[str] | frozenset[str] | None],
    exists: Callable[[str], bool],
) -> str:
    """ "" or "missing-anchor" / "missing-file" for a link inside the content root.

    ``anchors_of`` gives a document's anchors (None when the path is no document), ``exists``
    whether a non-document path exists. The graph and the incremental check both classify links
    here, so they cannot disagree.
    """
    anchors = anchors_of(target_path)
    if anchors is not None:
        return "missing-anchor" if anchor and anchor not in anchors else ""
    return "" if exists(target_path) else "missing-file"


class TopicGraph:
    """The documents, their task declarations and resolved links, and (``g``) the networkx graph
    of them, built on first use.

    ``check`` reads only the first three: its rules ask for orphan tasks, prerequisite cycles
    and a task's relations, which are answered from the documents without networkx while ``g``
    is not built (a MultiDiGraph of every section, link and task of a 20,000-file tree held
    430 MB). Reading ``g`` (the report, the export, ``add_gaps``) builds it, by the same calls
    in the same order as an eager build would make, and from then on every query reads it.
    """

    def __init__(self, config: Config, root: Path) -> None:
        self._g: Any = None
        # what ``g`` is built from, until it is: the documents in path order and their links
        self._unbuilt: tuple[list[Document], list[ResolvedLink]] | None = ([], [])
        self.config = config
        self.root = root
        self.documents: dict[str, Document] = {}
        self.tasks: dict[str, list[TaskDeclaration]] = {}
        self.links: list[ResolvedLink] = []
        self.content_prefix = config.content_root.strip("/")
        self._links_index: dict[str, list[ResolvedLink]] = {}
        self._links_index_size = -1

    @property
    def g(self) -> Any:
        """The networkx MultiDiGraph (built now if it was not yet)."""
        unbuilt = getattr(self, "_unbuilt", None)
        if unbuilt is not None:
            self._unbuilt = None
            self._g = _nx().MultiDiGraph()
            _build_networkx(self, *unbuilt)
        return self._g

    @g.setter
    def g(self, value: Any) -> None:
        # a view sets its own (None: no graph; or an object answering ``out_edges``)
        self._unbuilt = None
        self._g = value

    def built(self) -> Any:
        """The graph ``g`` if it exists already, else None (never builds it)."""
        return None if getattr(self, "_unbuilt", None) is not None else self._g

    # ------------------------------------------------------------------ queries
    def add_edge(self, source: str, target: str, kind: EdgeKind, **attrs: Any) -> None:
        self.g.add_edge(source, target, key=kind, kind=kind, **attrs)

    def node(self, node_id: str, **attrs: Any) -> None:
        if node_id in self.g:
            self.g.nodes[node_id].update(attrs)
        else:
            self.g.add_node(node_id, **attrs)

    def edges(self, kind: EdgeKind) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for source, target, key, data in self.g.edges(keys=True, data=True):
            if key == kind:
                yield source, target, data

    def links_from(self, path: str) -> list[ResolvedLink]:
        """The resolved links written in ``path`` (indexed once; a scan of every link per query
        was quadratic for rules that ask per task)."""
        if self._links_index_size != len(self.links):
            index: dict[str, list[ResolvedLink]] = {}
            for resolved in self.links:
                index.setdefault(resolved.link.span.path, []).append(resolved)
            self._links_index, self._links_index_size = index, len(self.links)
        return self._links_index.get(path, [])

    def task_file(self, task_id: str) -> TaskDeclaration | None:
        for decl in self.tasks.get(task_id, []):
            if decl.by == "file":
                return decl
        return None

    def task_declared(self, task_id: str) -> bool:
        return bool(self.tasks.get(task_id))

    def section_anchors(self, path: str) -> frozenset[str]:
        doc = self.documents.get(path)
        return doc.anchors() if doc else frozenset()

    def incoming(self, node_id: str, kinds: Iterable[str]) -> list[str]:
        wanted = set(kinds)
        if node_id not in self.g:
            return []
        return [s for s, _t, k in self.g.in_edges(node_id, keys=True) if k in wanted]

    def counts(self) -> dict[str, int]:
        kinds: dict[str, int] = {}
        for _node, data in self.g.nodes(data=True):
            kind = str(data.get("kind", "?"))
            kinds[kind] = kinds.get(kind, 0) + 1
        return kinds

    def edge_counts(self) -> dict[str, int]:
        kinds: dict[str, int] = {}
        for _s, _t, key in self.g.edges(keys=True):
            kinds[str(key)] = kinds.get(str(key), 0) + 1
        return kinds

    def orphan_tasks(self) -> list[str]:
        """Task ids whose file nothing outside itself links to, mentions or relates to."""
        into = None if self.built() is not None else self._task_sources()
        out = []
        for task_id in sorted(self.tasks):
            decl = self.task_file(task_id)
            if decl is None or len(self.tasks[task_id]) > 1:
                continue
            own = (f"doc:{decl.path}", f"sec:{decl.path}#")
            node = task_node(task_id)
            if into is not None:
                sources = into.get(f"doc:{decl.path}", []) + into.get(node, [])
            else:
                sources = self.incoming(f"doc:{decl.path}", ["links_to"]) + self.incoming(
                    node, ["mentions_task", "related", "prerequisite", "defines"]
                )
            if not any(s != node and not s.startswith(own) for s in sources):
                out.append(task_id)
        return out

    def _task_sources(self) -> dict[str, list[str]]:
        """What ``orphan_tasks`` reads of ``g``, from the documents: target → sources of the
        ``links_to`` edges and of the ``mentions_task``, ``related``, ``prerequisite`` and
        ``defines`` edges (the edges ``build_graph`` would add, to the same nodes)."""
        into: dict[str, list[str]] = {}
        # the section nodes as the links are added: every heading's, then each missing anchor's
        sections = {
            section_node(d.path, h.anchor) for d in self.documents.values() for h in d.headings
        }
        for resolved in self.links:
            target, problem = resolved.target, resolved.problem
            if not target:
                continue
            if not problem and target not in sections and target.startswith("sec:"):
                target = doc_node(resolved.target_path)  # as in _add_links
            elif problem == "missing-anchor":
                sections.add(target)
            into.setdefault(target, []).append(resolved.source)
        del sections
        for doc in self.documents.values():
            for decl, heading_index in task_declarations(doc):
                source = (
                    doc_node(doc.path)
                    if heading_index is None
                    else section_node(doc.path, doc.headings[heading_index].anchor)
                )
                into.setdefault(task_node(decl.task_id), []).append(source)
            for mention in doc.task_mentions:
                if mention.heading is None or doc.kind == "tracker":
                    source = self.where(doc, mention.span.line)
                    into.setdefault(task_node(mention.task_id), []).append(source)
            for own, target, _kind in task_relations(doc):
                into.setdefault(target, []).append(own)
        return into

    def prerequisite_cycles(self) -> list[list[str]]:
        """Each prerequisite cycle once, as task ids starting from the smallest."""
        nx = _nx()
        sub = nx.DiGraph()
        if self.built() is None:
            edges: Iterable[tuple[str, str]] = (
                (own, target)
                for doc in self.documents.values()
                for own, target, kind in task_relations(doc)
                if kind == "prerequisite"
            )
        else:
            edges = ((source, target) for source, target, _data in self.edges("prerequisite"))
        for source, target in edges:
            sub.add_edge(source, target)
        cycles = []
        for cycle in nx.simple_cycles(sub):
            ids = [str(n)[5:] for n in cycle]
            start = ids.index(min(ids))
            cycles.append(ids[start:] + ids[:start])
        return sorted(cycles)

    def resolve_relative(self, from_path: str, target_path: str) -> str:
        base = posixpath.dirname(from_path)
        return posixpath.normpath(posixpath.join(base, target_path)) if target_path else from_path

    def in_content(self, path: str) -> bool:
        prefix = _clean_prefix(self.content_prefix)
        if not prefix:
            return path != ".." and not path.startswith("../")
        return path == prefix or path.startswith(prefix + "/")

    def where(self, doc: Document, line: int) -> str:
        """The node an element at ``line`` of ``doc`` belongs to (innermost section or the doc)."""
        index = doc.section_of_line(line, level=6)
        if index is None:
            return doc_node(doc.path)
        return section_node(doc.path, doc.headings[index].anchor)


def build_graph(documents: Iterable[Document], config: Config, root: Path) -> TopicGraph:
    """The graph stage's door. Trackers join later through ``add_gaps`` in the tracker stage.

    The documents, task declarations and resolved links now; the networkx graph on first use
    of ``graph.g`` (``TopicGraph``)."""
    graph = TopicGraph(config, root)
    docs = sorted(documents, key=lambda d: d.path)
    for doc in docs:
        graph.documents[doc.path] = doc
    for doc in docs:
        for decl, _heading_index in task_declarations(doc):
            graph.tasks.setdefault(decl.task_id, []).append(decl)
    for doc in docs:
        _resolve_links(graph, doc)
    graph._unbuilt = (docs, list(graph.links))
    return graph


def _build_networkx(graph: TopicGraph, docs: list[Document], links: list[ResolvedLink]) -> None:
    """Fill ``graph.g`` (an empty MultiDiGraph) with the nodes and edges of ``docs``, in the
    order of the eager build this replaces: node and edge order is what the exports show."""
    for doc in docs:
        graph.node(
            doc_node(doc.path),
            kind="document",
            doc_kind=doc.kind,
            track=doc.track,
            path=doc.path,
            title=doc.title,
        )
    for doc in docs:
        _add_sections(graph, doc)
        _declare_tasks(graph, doc)
    start = 0
    for doc in docs:
        end = start + len(doc.links)
        _add_links(graph, links[start:end])
        start = end
        _add_mentions(graph, doc)
        _add_task_relations(graph, doc)


def _add_sections(graph: TopicGraph, doc: Document) -> None:
    for heading in doc.headings:
        node = section_node(doc.path, heading.anchor)
        graph.node(
            node,
            kind="section",
            path=doc.path,
            anchor=heading.anchor,
            title=heading.text,
            level=heading.level,
            number=heading.number,
            line=heading.span.line,
        )
        parent = (
            doc_node(doc.path)
            if heading.parent is None
            else section_node(doc.path, doc.headings[heading.parent].anchor)
        )
        graph.add_edge(parent, node, "contains")


# a materials page's overview table ("Обзор задач" | ID | Задача | Сложность) lists the page's
# own tasks (mlops_001...): the ids in that section are declared there, like ids in headings
OVERVIEW_HEADINGS = ("Обзор задач",)


def task_declarations(doc: Document) -> list[tuple[TaskDeclaration, int | None]]:
    """The task ids ``doc`` declares (its own id for a task file, ids in headings elsewhere, ids
    in a materials page's task overview section), each with the index of the declaring heading
    (None for the file itself)."""
    out: list[tuple[TaskDeclaration, int | None]] = []
    if doc.kind == "task":
        fm = doc.front_matter or {}
        declared = fm.get("id") if isinstance(fm.get("id"), str) else doc.stem
        task_id = str(declared)
        span = doc.front_matter_span or Span(doc.path, 1)
        out.append((TaskDeclaration(task_id, doc.path, span, "file"), None))
    for mention in doc.task_mentions:
        if doc.kind == "tracker":
            continue
        heading = mention.heading
        by: Literal["heading", "overview"] = "heading"
        if heading is None and doc.kind == "materials":
            heading, by = _overview_section(doc, mention.span.line), "overview"
        if heading is None:
            continue
        out.append((TaskDeclaration(mention.task_id, doc.path, mention.span, by), heading))
    return out


def _overview_section(doc: Document, line: int) -> int | None:
    index = doc.section_of_line(line, level=6)
    while index is not None:
        if doc.headings[index].text.strip().startswith(OVERVIEW_HEADINGS):
            return index
        index = doc.headings[index].parent
    return None


def _declare_tasks(graph: TopicGraph, doc: Document) -> None:
    """The task nodes and ``defines`` edges (``graph.tasks`` is filled by ``build_graph``)."""
    for decl, heading_index in task_declarations(doc):
        task_id = decl.task_id
        if heading_index is None:
            graph.node(
                task_node(task_id),
                kind="task",
                task_id=task_id,
                path=doc.path,
                track=doc.track,
                title=doc.title,
            )
            graph.add_edge(doc_node(doc.path), task_node(task_id), "defines")
        else:
            heading = doc.headings[heading_index]
            graph.node(task_node(task_id), kind="task", task_id=task_id)
            graph.add_edge(section_node(doc.path, heading.anchor), task_node(task_id), "defines")


def resolve_link(
    doc_path: str,
    link: Link,
    source: str,
    content_prefix: str,
    anchors_of: Callable[[str], set[str] | frozenset[str] | None],
    exists: Callable[[str], bool],
) -> ResolvedLink:
    """Where one link points and what is wrong with it; shared by the graph and the
    incremental check so the two can never classify a link differently."""
    if link.kind == "external":
        return ResolvedLink(link, source, f"url:{link.target}", "", "")
    if link.kind == "other":
        return ResolvedLink(link, source, "", "", "")
    target_path, escapes = link_target(doc_path, link, content_prefix)
    if escapes:
        return ResolvedLink(link, source, "", target_path, "escapes-root")
    if anchors_of(target_path) is None and link.path.split("?", 1)[0].endswith("/"):
        target_path = directory_page(target_path, anchors_of)
    problem = link_problem(target_path, link.anchor, anchors_of, exists)
    is_document = anchors_of(target_path) is not None
    target = (
        section_node(target_path, link.anchor)
        if link.anchor and is_document
        else doc_node(target_path)
    )
    return ResolvedLink(link, source, target, target_path, problem)


def directory_page(
    target_path: str, anchors_of: Callable[[str], set[str] | frozenset[str] | None]
) -> str:
    """The page a directory-style link (``sub/``, ``page/#anchor``) names, as mkdocs suggests
    it ("did you mean 'sub/index.md'?"): the folder's index.md, its README.md, else the page
    ``page.md``; the path itself when none is a document (a folder of files, or nothing)."""
    for candidate in directory_candidates(target_path):
        if anchors_of(candidate) is not None:
            return candidate
    return target_path


def directory_candidates(target_path: str) -> tuple[str, str, str]:
    """The pages a directory-style link may name, in the order they are tried."""
    return (f"{target_path}/index.md", f"{target_path}/README.md", f"{target_path}.md")


def _resolve_links(graph: TopicGraph, doc: Document) -> None:
    def anchors_of(path: str) -> frozenset[str] | None:
        target = graph.documents.get(path)
        return target.anchors() if target is not None else None

    def exists(path: str) -> bool:
        return (graph.root / path).exists()

    for link in doc.links:
        source = graph.where(doc, link.span.line)
        resolved = resolve_link(doc.path, link, source, graph.content_prefix, anchors_of, exists)
        graph.links.append(resolved)


def _add_links(graph: TopicGraph, links: Iterable[ResolvedLink]) -> None:
    for resolved in links:
        link = resolved.link
        source = resolved.source
        target, problem = resolved.target, resolved.problem
        if not target:
            continue
        if not problem and target not in graph.g and target.startswith("sec:"):
            # an anchor that is no heading's (a footnote, an HTML id): the link is to the page
            target = doc_node(resolved.target_path)
        if link.kind == "external":
            graph.node(target, kind="url", url=link.target)
        elif problem == "missing-anchor":
            graph.node(
                target, kind="section", missing=True, path=resolved.target_path, anchor=link.anchor
            )
        elif problem == "missing-file":
            graph.node(target, kind="document", missing=True, path=resolved.target_path)
        elif resolved.target_path not in graph.documents:
            graph.node(target, kind="file", path=resolved.target_path)
        role = {} if link.kind == "external" else {"role": link.line_role}
        graph.add_edge(source, target, "links_to", span=link.span, **role)


def _add_mentions(graph: TopicGraph, doc: Document) -> None:
    for mention in doc.task_mentions:
        if mention.heading is not None and doc.kind != "tracker":
            continue  # a heading declares the task rather than mentioning it
        node = task_node(mention.task_id)
        if node not in graph.g:
            graph.node(node, kind="task", task_id=mention.task_id, missing=True)
        graph.add_edge(
            graph.where(doc, mention.span.line), node, "mentions_task", span=mention.span
        )


_RELATIONS: tuple[tuple[str, EdgeKind], ...] = (
    ("related", "related"),
    ("prerequisites", "prerequisite"),
)


def task_relations(doc: Document) -> Iterator[tuple[str, str, EdgeKind]]:
    """(own task node, related task node, kind) of a task page's ``related`` and
    ``prerequisites`` front matter, in the order ``build_graph`` adds their edges."""
    if doc.kind != "task" or not isinstance(doc.front_matter, dict):
        return
    own = doc.front_matter.get("id")
    if not isinstance(own, str):
        own = doc.stem
    for key, kind in _RELATIONS:
        values = doc.front_matter.get(key)
        if not isinstance(values, list):
            continue
        for value in values:
            if isinstance(value, str):
                yield task_node(own), task_node(value), kind


def _add_task_relations(graph: TopicGraph, doc: Document) -> None:
    for own, node, kind in task_relations(doc):
        if node not in graph.g:
            graph.node(node, kind="task", task_id=node[5:], missing=True)
        graph.add_edge(own, node, kind, span=doc.front_matter_span or Span(doc.path, 1))


def linked_task_ids(graph: TopicGraph, task_id: str) -> set[str]:
    """Tasks that ``task_id``'s file links to (Markdown links, related, prerequisites)."""
    decl = graph.task_file(task_id)
    out: set[str] = set()
    if decl is None:
        return out
    built = graph.built()
    if built is None:  # no networkx graph (not built yet, or a view without one): the front matter
        for each in graph.tasks.get(task_id, []):
            source = graph.documents.get(each.path) if each.by == "file" else None
            fm = source.front_matter if source is not None else None
            if isinstance(fm, dict):
                for key in ("related", "prerequisites"):
                    values = fm.get(key)
                    if isinstance(values, list):
                        out.update(v for v in values if isinstance(v, str))
    else:
        node = task_node(task_id)
        for _s, target, key in built.out_edges(node, keys=True):
            if key in ("related", "prerequisite") and str(target).startswith("task:"):
                out.add(str(target)[5:])
    doc = graph.documents.get(decl.path)
    if doc is None:
        return out
    for resolved in graph.links_from(doc.path):
        if not resolved.target_path:
            continue
        target_doc = graph.documents.get(resolved.target_path)
        if target_doc is not None and target_doc.kind == "task":
            fm = target_doc.front_matter or {}
            out.add(str(fm.get("id", target_doc.stem)))
    return out


def add_gaps(graph: TopicGraph, trackers: Iterable[Tracker], coverage: Coverage) -> None:
    """Gaps join the graph: gap → claimed sections, gap → tasks, gap → examples in its sections.

    ``coverage`` is the computed Coverage (its resolved claims and tasks are reused, so claim
    resolution happens once).
    """
    by_gap = {(g.gap.tracker, g.gap.id, g.gap.span.line): g for g in coverage.gaps}
    languages = set(graph.config.examples.languages)
    for tracker in trackers:
        for gap in tracker.gaps:
            node = f"gap:{gap.track}/{gap.id}"
            gap_cov = by_gap.get((tracker.path, gap.id, gap.span.line))
            graph.node(
                node,
                kind="gap",
                gap_id=gap.id,
                title=gap.title,
                category=gap.category,
                track=gap.track,
                declared=gap.declared_status,
                status=gap_cov.status if gap_cov else "none",
                number=gap.number,
                line=gap.span.line,
                path=tracker.path,
            )
            graph.add_edge(doc_node(tracker.path), node, "contains")
            for task_id in gap.recommended_tasks:
                target = task_node(task_id)
                if target not in graph.g:
                    graph.node(target, kind="task", task_id=task_id, missing=True, planned=True)
                graph.add_edge(node, target, "recommends")
            if gap_cov is None:
                continue
            for task_id in gap_cov.tasks:
                graph.add_edge(node, task_node(task_id), "has_task")
            for rc in gap_cov.claims:
                if rc.resolved:
                    target = section_node(rc.document, rc.section_anchor)
                    graph.add_edge(node, target, "claims", span=rc.claim.span)
                    doc = graph.documents[rc.document]
                    heading = doc.headings[rc.heading] if rc.heading is not None else None
                    if heading is None:
                        continue
                    for block in doc.code_blocks:
                        if (
                            block.language in languages
                            and heading.span.line < block.span.line <= heading.end_line
                        ):
                            example = f"example:{doc.path}:{block.span.line}"
                            graph.node(example, kind="example", path=doc.path, line=block.span.line)
                            graph.add_edge(node, example, "has_example")
                else:
                    where = (
                        f"section {rc.claim.section_number}"
                        if rc.claim.section_number is not None
                        else rc.claim.section_name or "?"
                    )
                    target = f"missing:{rc.claim.document_raw}#{where}"
                    graph.node(target, kind="section", missing=True, title=where)
                    graph.add_edge(node, target, "claims", span=rc.claim.span)
