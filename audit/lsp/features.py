"""What the editor asks about a position: definitions, references, completions, hovers, fixes.

Everything here reads the in-memory ``State`` and answers in our own terms (project-relative
paths, 1-based lines, code point columns); ``audit/lsp/server.py`` converts to the protocol.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from audit.graph.build import link_target
from audit.lsp.positions import Lines, anchor_extent, link_extent
from audit.lsp.state import State
from audit.model.document import Document, Heading, Link
from audit.model.finding import Finding
from audit.model.span import Span

_SECTION_REF = re.compile(r"(?:section|раздел)\s+(\d+)", re.IGNORECASE)
_HINT_ANCHOR = re.compile(r"did you mean '#([^']+)'")


@dataclass(frozen=True)
class Target:
    path: str
    line: int
    column: int = 1
    end_line: int = 0
    end_column: int = 0


@dataclass(frozen=True)
class Completion:
    label: str
    kind: str  # "file", "anchor", "task", "level", "marker"
    detail: str = ""
    insert: str = ""


@dataclass(frozen=True)
class Edit:
    title: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    code: str


# ------------------------------------------------------------------- lookups
def link_at(state: State, doc: Document, lines: Lines, line: int, column: int) -> Link | None:
    for link in doc.links:
        if link.span.line != line:
            continue
        start, end = link_extent(lines, link)
        if start <= column < end:
            return link
    return None


def task_at(doc: Document, line: int, column: int) -> str | None:
    for mention in doc.task_mentions:
        span = mention.span
        if span.line == line and span.column <= column <= span.end_column:
            return mention.task_id
    fm = doc.front_matter if isinstance(doc.front_matter, dict) else None
    if fm is not None and doc.front_matter_span is not None:
        id_line = doc.front_matter_key_lines.get("id")
        if id_line == line and isinstance(fm.get("id"), str):
            return str(fm["id"])
    return None


def heading_at(doc: Document, line: int) -> Heading | None:
    return next((h for h in doc.headings if h.span.line == line), None)


def heading_target(path: str, heading: Heading) -> Target:
    return Target(path, heading.span.line, 1, heading.span.line, 1)


def resolve(state: State, doc: Document, link: Link) -> tuple[str, Heading | None, bool]:
    """(target path, target heading or None, whether the target is a known document)."""
    target, escapes = link_target(doc.path, link, state.prefix)
    if escapes:
        return target, None, False
    other = state.files.get(target)
    if other is None:
        return target, None, False
    heading = next((h for h in other.doc.headings if h.anchor == link.anchor), None)
    return target, heading if link.anchor else None, True


# ------------------------------------------------------------------- definition
def definition(state: State, path: str, line: int, column: int) -> list[Target]:
    file = state.files.get(path)
    if file is None:
        return []
    doc = file.doc
    lines = state.lines_of(path)
    link = link_at(state, doc, lines, line, column)
    if link is not None and link.kind in ("relative", "anchor"):
        target, heading, known = resolve(state, doc, link)
        if heading is not None:
            return [heading_target(target, heading)]
        if known or (state.root / target).exists():
            return [Target(target, 1)]
        return []
    task_id = task_at(doc, line, column)
    if task_id is not None:
        return [
            Target(d.path, d.span.line, d.span.column, d.span.end_line, d.span.end_column)
            for d in sorted(state.declared.get(task_id, []), key=lambda d: d.by != "file")
            if not (d.path == path and d.span.line == line)
        ]
    if doc.kind == "tracker":
        return _claim_section(state, doc, lines, line, column)
    return []


def _claim_section(
    state: State, doc: Document, lines: Lines, line: int, column: int
) -> list[Target]:
    text = lines.get(line)
    for match in _SECTION_REF.finditer(text):
        if not (match.start() + 1 <= column <= match.end() + 1):
            continue
        number = int(match.group(1))
        claims = [
            c
            for t in state.trackers
            if t.path == doc.path
            for g in t.gaps
            for c in g.claims
            if c.section_number == number and c.span.line <= line
        ]
        if not claims:
            return []
        claim = max(claims, key=lambda c: c.span.line)
        target = state.files.get(claim.document)
        if target is None:
            return []
        index = target.doc.numbered_sections().get(number)
        if index is None:
            return [Target(claim.document, 1)]
        return [heading_target(claim.document, target.doc.headings[index])]
    return []


# ------------------------------------------------------------------- references
def references(state: State, path: str, line: int, column: int) -> list[Target]:
    file = state.files.get(path)
    if file is None:
        return []
    doc = file.doc
    task_id = task_at(doc, line, column)
    if task_id is None:
        heading = heading_at(doc, line)
        if heading is not None:
            return _links_to(state, path, heading.anchor)
        return []
    out = []
    for other_path in sorted(state.files):
        other = state.files[other_path].doc
        for mention in other.task_mentions:
            if mention.task_id == task_id:
                s = mention.span
                out.append(Target(other_path, s.line, s.column, s.end_line, s.end_column))
        for link in other.links:
            if task_id in link.path and link.kind == "relative":
                out.append(_link_location(state, other_path, link))
    return out


def _links_to(state: State, path: str, anchor: str) -> list[Target]:
    out = []
    for other_path in sorted(state.files):
        other = state.files[other_path].doc
        for link in other.links:
            if link.kind not in ("relative", "anchor") or link.anchor != anchor:
                continue
            target, escapes = link_target(other_path, link, state.prefix)
            if not escapes and target == path:
                out.append(_link_location(state, other_path, link))
    return out


def _link_location(state: State, path: str, link: Link) -> Target:
    start, end = link_extent(state.lines_of(path), link)
    return Target(path, link.span.line, start, link.span.line, end)


# ------------------------------------------------------------------- completion
_LINK_ANCHOR = re.compile(r"\]\(([^()\s#]*)#([^()\s#]*)$")
_LINK_PATH = re.compile(r"\]\(([^()\s#]*)$")
_TASK_PREFIX = re.compile(r"(?<![\w/#-])([a-z]+)_([a-z0-9_]*)$")
_HEADING_START = re.compile(r"^(#{1,6})\s+(\w*)$")


def completion(state: State, path: str, line: int, column: int) -> list[Completion]:
    file = state.files.get(path)
    text = state.lines_of(path).get(line)
    before = text[: max(0, column - 1)]
    match = _LINK_ANCHOR.search(before)
    if match:
        target_path = path
        if match.group(1):
            target_path = posixpath.normpath(
                posixpath.join(posixpath.dirname(path), match.group(1))
            )
        target = state.files.get(target_path)
        if target is None:
            return []
        return [
            Completion(h.anchor, "anchor", f"{'#' * h.level} {h.text}", h.anchor)
            for h in target.doc.headings
        ]
    match = _LINK_PATH.search(before)
    if match:
        base = posixpath.dirname(path)
        return [
            Completion(posixpath.relpath(p, base), "file", state.files[p].doc.title)
            for p in sorted(state.files)
            if p != path
        ]
    match = _TASK_PREFIX.search(before)
    if match:
        prefix = match.group(1) + "_"
        return [
            Completion(task_id, "task", decls[0].path)
            for task_id, decls in sorted(state.declared.items())
            if task_id.startswith(prefix)
        ]
    if file is None or file.doc.kind != "interview":
        return []
    match = _HEADING_START.match(before)
    if match:
        names = [*state.config.levels.names, *state.config.levels.aliases]
        return [Completion(n, "level", "interview level") for n in names]
    if re.fullmatch(r"\s*\S{0,8}", before) and ":" not in before:
        markers = [*state.config.qa.question_markers, *state.config.qa.answer_markers]
        return [Completion(m, "marker", "question / answer", m + " ") for m in markers]
    return []


# ------------------------------------------------------------------- hover
def hover(state: State, path: str, line: int, column: int) -> str | None:
    file = state.files.get(path)
    if file is None:
        return None
    doc = file.doc
    if doc.kind == "tracker" and state.coverage is not None:
        for g in state.coverage.gaps:
            if g.gap.tracker == path and g.gap.span.line == line:
                rows = [
                    f"- {'✓' if r.met else '✗'} **{r.name}**"
                    + (f": {r.reason}" if r.reason and not r.met else "")
                    for r in g.requirements
                ]
                unmet = sum(1 for r in g.requirements if not r.met)
                return "\n".join(
                    [
                        f"**{g.gap.title}**",
                        "",
                        f"computed: **{g.status}** ({round(g.score * 100)} %), "
                        f"declared: **{g.gap.declared_status}** ('{g.gap.declared_raw}')",
                        "",
                        f"requirements ({unmet} unmet):",
                        *rows,
                    ]
                )
    lines = state.lines_of(path)
    link = link_at(state, doc, lines, line, column)
    if link is not None and link.kind in ("relative", "anchor"):
        target, heading, known = resolve(state, doc, link)
        if heading is not None:
            return f"→ `{target}` line {heading.span.line}: {'#' * heading.level} {heading.text}"
        if known and link.anchor:
            return f"→ `{target}`: no heading has the anchor `#{link.anchor}`"
        if known:
            title = state.files[target].doc.title
            return f"→ `{target}`" + (f": {title}" if title else "")
        return f"→ `{target}` (not a document of the knowledge base)"
    return None


# ------------------------------------------------------------------- code actions
def code_actions(state: State, path: str, findings: list[Finding]) -> list[Edit]:
    file = state.files.get(path)
    if file is None:
        return []
    lines = state.lines_of(path)
    out: list[Edit] = []
    for finding in findings:
        if finding.code == "XR002":
            edit = _anchor_fix(file.doc, lines, finding)
            if edit is not None:
                out.append(edit)
        elif finding.code == "GP003":
            edit = _status_fix(state, path, lines, finding.span)
            if edit is not None:
                out.append(edit)
    out.extend(_regions_fix(state, path, lines, findings))
    return out


def _anchor_fix(doc: Document, lines: Lines, finding: Finding) -> Edit | None:
    match = _HINT_ANCHOR.search(finding.hint)
    if not match:
        return None
    link = next((lk for lk in doc.links if lk.span == finding.span), None)
    if link is None:
        return None
    extent = anchor_extent(lines, link)
    if extent is None:
        return None
    line = link.span.line
    return Edit(
        f"Replace '#{link.anchor}' with '#{match.group(1)}'",
        doc.path,
        line,
        extent[0],
        line,
        extent[1],
        match.group(1),
        "XR002",
    )


def _status_fix(state: State, path: str, lines: Lines, span: Span) -> Edit | None:
    if state.coverage is None:
        return None
    gap = next(
        (g for g in state.coverage.gaps if g.gap.tracker == path and g.gap.span.line == span.line),
        None,
    )
    if gap is None or not gap.gap.declared_raw:
        return None
    words = getattr(state.config.tracker.statuses, gap.status)
    text = lines.get(span.line)
    at = text.rfind(gap.gap.declared_raw)
    if at < 0 or not words:
        return None
    return Edit(
        f"Set the status to '{words[0]}' (computed: {gap.status})",
        path,
        span.line,
        at + 1,
        span.line,
        at + 1 + len(gap.gap.declared_raw),
        words[0],
        "GP003",
    )


def _regions_fix(state: State, path: str, lines: Lines, findings: list[Finding]) -> list[Edit]:
    """The computed regions between audit markers, as ``report --write`` would write them."""
    if state.coverage is None:
        return []
    tracker = next((t for t in state.trackers if t.path == path), None)
    if tracker is None or not tracker.markers:
        return []
    from audit.report.writeback import regenerate

    text = "\n".join(lines.lines)
    new, regions = regenerate(text, tracker, state.coverage)
    if not regions:
        return []
    last = len(lines.lines)
    return [
        Edit(
            f"Regenerate {', '.join(regions)} (as report --write)",
            path,
            1,
            1,
            last,
            len(lines.get(last)) + 1,
            new,
            "",
        )
    ]
