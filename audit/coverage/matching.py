"""Gaps matched to the evidence in the pages: each claim resolved to its section, credited only
when the section holds something of the gap, 'Осталось:' items that look done, and sections
about a gap that it does not claim.

Pure functions of the trackers, the graph and the files' text (read through ``EvidenceFinder``);
each returns new values and changes none it is given.
"""

from __future__ import annotations

import re
from dataclasses import replace

from audit.coverage.claims import count_for_item, find_section
from audit.coverage.evidence import (
    EvidenceFinder,
    ItemTerms,
    SectionIndex,
    Term,
    item_terms,
)
from audit.coverage.rows import TaskIndex
from audit.graph.build import TopicGraph
from audit.model.coverage import GapCoverage, ResolvedClaim
from audit.model.document import Document
from audit.model.evidence import RemainingEvidence, UnclaimedSection
from audit.model.requirements import RequirementsSpec
from audit.model.tracker import Gap


def resolve_claims(gap: Gap, graph: TopicGraph) -> tuple[ResolvedClaim, ...]:
    out = []
    for claim in gap.claims:
        if claim.problem or not claim.document:
            out.append(
                ResolvedClaim(
                    claim, claim.document, None, "", "", False, claim.problem or "missing-document"
                )
            )
            continue
        doc = graph.documents.get(claim.document)
        if doc is None:
            out.append(
                ResolvedClaim(claim, claim.document, None, "", "", False, "missing-document")
            )
            continue
        index = find_section(doc, claim)
        if index is None:
            out.append(
                ResolvedClaim(
                    claim,
                    claim.document,
                    None,
                    "",
                    "",
                    False,
                    "missing-section"
                    if (claim.section_number is not None or claim.section_name)
                    else "no-section",
                )
            )
            continue
        heading = doc.headings[index]
        config = graph.config
        counts = tuple(
            None if item.count is None else count_for_item(doc, index, item, claim, config)
            for item in claim.items
        )
        out.append(
            ResolvedClaim(
                claim, claim.document, index, heading.anchor, heading.text, True, counts=counts
            )
        )
    return tuple(out)


MAX_CROSS_CHECKS = 500  # other items of the gap tried on a section before it is called off-topic


def with_evidence(
    gap: Gap, claims: tuple[ResolvedClaim, ...], graph: TopicGraph, finder: EvidenceFinder
) -> tuple[ResolvedClaim, ...]:
    """Each claim with its items looked for, and whether its section is about the gap: one of
    the gap's checkable items (this claim's first, then the others') or its title is found
    there. A gap with nothing checkable at all is taken at its word."""
    title = item_terms(gap.title, finder.level_words)
    out = []
    for rc in claims:
        if not rc.resolved or rc.heading is None:
            out.append(rc)
            continue
        doc = graph.documents[rc.document]
        evidence = tuple(
            finder.check(item.text, item.span.line, doc, rc.heading) for item in rc.claim.items
        )
        out.append(replace(rc, items=evidence))
    result = []
    for rc in out:
        if not rc.resolved or rc.heading is None:
            result.append(rc)
            continue
        credited, note = _about_gap(rc, out, title, graph, finder)
        result.append(replace(rc, credited=credited, credit_note=note))
    return tuple(result)


def _about_gap(
    rc: ResolvedClaim,
    claims: list[ResolvedClaim],
    title: ItemTerms,
    graph: TopicGraph,
    finder: EvidenceFinder,
) -> tuple[bool, str]:
    assert rc.heading is not None
    states = [e.state for e in rc.items]
    if "unchecked" in states:
        return True, "section text not readable; taken as claimed"
    own = next((e for e in rc.items if e.state == "found"), None)
    if own is not None:
        return True, f"item '{own.text[:60]}' found"
    doc = graph.documents[rc.document]
    checkable = title.state == "checkable" or any(e.state in ("found", "missing") for e in rc.items)
    if title.state == "checkable":
        probe = finder.check_title(title, rc.claim.span.line, doc, rc.heading)
        # one title term is enough: titles are short, carry markup ('Attention <script>'),
        # and only decide when no item of the gap was found
        if probe is not None and any(hit.line is not None for hit in probe.terms):
            return True, "title terms found"
    tried = 0
    for other in claims:
        if other is rc:
            continue
        for item in other.claim.items:
            if tried >= MAX_CROSS_CHECKS:
                break
            ev = finder.check(item.text, item.span.line, doc, rc.heading, terms_only=True)
            if ev.state in ("generic", "uncheckable"):
                continue
            checkable = True
            tried += 1
            if ev.state == "found":
                return True, f"item '{item.text[:60]}' of another claim found"
    if not checkable and all(e.state in ("generic", "uncheckable") for e in rc.items):
        return True, "nothing checkable for this gap; taken as claimed"
    return False, "none of the gap's items nor its title terms are found in the section"


_TASK_WORDS = re.compile(r"(?<!\w)(?:задач\w*|task\w*|exercise\w*)", re.IGNORECASE)
# words of an item that asks for "a task for this gap" rather than a task on a named topic
_TASK_GENERIC = re.compile(
    r"(?<!\w)(?:отдельн\w*|практическ\w*|ещё|еще|одн\w*|нов\w*|separate|practice|practical|"
    r"hands-on|one|new|a|ContentBlock)(?!\w)",
    re.IGNORECASE,
)


def remaining_evidence(
    gap: Gap,
    claims: tuple[ResolvedClaim, ...],
    graph: TopicGraph,
    finder: EvidenceFinder,
    by_gap: TaskIndex,
) -> tuple[RemainingEvidence, ...]:
    """'Осталось:' items that look done: a task is asked for and one declares the gap in its
    front matter, or the item's terms are now found in a section the gap is credited with."""
    declared = [t for t, track in by_gap.get(gap.id, ()) if not track or track == gap.track]
    out = []
    for n, text in enumerate(gap.remaining):
        line = gap.remaining_lines[n] if n < len(gap.remaining_lines) else gap.span.line
        if _TASK_WORDS.search(text):
            if declared and not _TASK_WORDS.sub(" ", _TASK_GENERIC.sub(" ", text)).strip(
                " .,;:()-"
            ):
                decl = graph.task_file(declared[0])
                path = decl.path if decl is not None else ""
                out.append(RemainingEvidence(text, line, task=declared[0], task_path=path))
            continue
        for rc in claims:
            if not (rc.resolved and rc.credited and rc.heading is not None):
                continue
            doc = graph.documents[rc.document]
            ev = finder.check(text, line, doc, rc.heading)
            # every term (two at least), not half of the words: 'may be done' is not a guess
            every = len(ev.terms) >= 2 and all(t.line is not None for t in ev.terms)
            if ev.state == "found" and every:
                where = f"{rc.document}:{min(ev.evidence_lines, default=0)}"
                out.append(RemainingEvidence(text, line, done_in=where))
                break
    return tuple(out)


def with_unclaimed(
    gaps: list[GapCoverage], graph: TopicGraph, finder: EvidenceFinder, spec: RequirementsSpec
) -> list[GapCoverage]:
    """Gaps declared none or partial, with the sections of their track whose heading matches
    the gap's title (through the synonyms) or names its task, that no gap is credited with."""
    credited = {
        (rc.document, rc.heading)
        for g in gaps
        for rc in g.claims
        if rc.resolved and rc.credited and rc.heading is not None
    }
    groups = _synonyms(spec)
    task_ids = re.compile(finder.config.task_id_pattern)
    probes: dict[tuple[str, int], SectionIndex] = {}  # one per heading, shared by the gaps
    # a gap looks at the pages of its tracker's folder: grouped once, not found by a scan of
    # every document per gap (that scan made coverage quadratic: 10,000 gaps × 50,000 pages)
    pages: dict[str, list[Document]] = {}
    for doc in graph.documents.values():
        if doc.kind in ("materials", "interview"):
            pages.setdefault(doc.path.rsplit("/", 1)[0], []).append(doc)
    out = []
    for g in gaps:
        if g.gap.declared_status not in ("none", "partial"):
            out.append(g)
            continue
        title = item_terms(g.gap.title, finder.level_words).terms
        tasks = set(g.gap.recommended_tasks) | set(g.tasks)
        folder = g.gap.tracker.rsplit("/", 1)[0]
        candidates: list[tuple[Document, int, tuple[str, ...], bool]] = []
        for doc in pages.get(folder, ()):
            for index, heading in enumerate(doc.headings):
                if heading.level != 2:
                    continue
                taken = (doc.path, index) in credited
                named_tasks = tuple(t for t in tasks if t in heading.text)
                if named_tasks:
                    candidates.append((doc, index, named_tasks, taken))
                    continue
                probe = probes.get((doc.path, index))
                if probe is None:
                    text = task_ids.sub(" ", heading.title or heading.text)
                    probe = SectionIndex(heading.span.line, heading.span.line)
                    probe.add_line(heading.span.line, text, "heading")
                    probes[(doc.path, index)] = probe
                candidates.append((doc, index, _title_match(title, groups, probe), taken))
        # a title word found in many headings (LLM in an LLM track) names the track, not the gap
        spread: dict[str, int] = {}
        for _doc, _index, matched, _taken in candidates:
            for word in matched:
                spread[word] = spread.get(word, 0) + 1
        found = []
        for doc, index, matched, taken in candidates:
            if taken:
                continue
            kept = tuple(w for w in matched if spread[w] <= 2 or w in tasks)
            if kept and (len(kept) * 2 >= len(title) or set(kept) & tasks):
                heading = doc.headings[index]
                found.append(
                    UnclaimedSection(
                        doc.path, index, heading.text, heading.span.line, heading.number, kept
                    )
                )
        out.append(replace(g, unclaimed=tuple(found)) if found else g)
    return out


def _synonyms(spec: RequirementsSpec) -> dict[str, tuple[Term, ...]]:
    """Key (and loose key) of every word of a synonyms group → the whole group."""
    out: dict[str, tuple[Term, ...]] = {}
    for words in spec.synonyms:
        group = item_terms(" ".join(words)).terms
        for term in group:
            for key in (term.key, term.loose):
                if key:
                    out[key] = out.get(key, ()) + group
    return out


def _title_match(
    title: tuple[Term, ...], synonyms: dict[str, tuple[Term, ...]], probe: SectionIndex
) -> tuple[str, ...]:
    """Title terms found in a heading, each directly or through a synonym."""
    hits = []
    for term in title:
        candidates = (term, *synonyms.get(term.key, ()), *synonyms.get(term.loose or "\x02", ()))
        if any(probe.line_of(c) is not None for c in candidates):
            hits.append(term.text)
    return tuple(hits)
