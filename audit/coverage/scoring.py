"""Coverage: which requirements each gap meets (with evidence and reasons), and the roll-ups.

This module only knows how to evaluate the four kinds of check the requirements
(``audit/coverage/requirements.py``) may name, and how to sum them up; what a claim resolves to
is ``matching.py``'s, which rows and tasks a gap has is ``rows.py``'s. The result is built once
and never changed afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from audit.coverage.claims import h2_of, levels_present
from audit.coverage.evidence import EvidenceFinder
from audit.coverage.matching import (
    remaining_evidence,
    resolve_claims,
    with_evidence,
    with_unclaimed,
)
from audit.coverage.rows import (
    TaskIndex,
    gap_tasks,
    match_priority_rows,
    priority_of,
    row_tasks_by_gap,
    tasks_by_gap,
)
from audit.graph.build import TopicGraph
from audit.model.coverage import (
    Bucket,
    Coverage,
    GapCoverage,
    RequirementResult,
    ResolvedClaim,
    TaskBasis,
    TaskTally,
)
from audit.model.example import ExampleResult
from audit.model.requirements import Requirement, RequirementsSpec
from audit.model.tracker import Gap, Status, Tracker
from audit.rules.examples import compile_problem

if TYPE_CHECKING:
    from audit.model.config import Config


def _requirement(
    req: Requirement,
    gap: Gap,
    claims: tuple[ResolvedClaim, ...],
    graph: TopicGraph,
    config: Config,
    tasks: tuple[str, ...],
    examples: dict[str, list[ExampleResult]] | None,
) -> RequirementResult:
    def kind_ok(path: str) -> bool:
        doc = graph.documents.get(path)
        return doc is not None and (req.document_kind == "any" or doc.kind == req.document_kind)

    relevant = [c for c in claims if c.resolved and c.credited and kind_ok(c.document)]
    if req.check == "claimed_section":
        if relevant:
            return RequirementResult(
                req.name, True, tuple(f"{c.document}#{c.section_anchor}" for c in relevant), ""
            )
        return RequirementResult(req.name, False, (), _why_no_claim(claims, req.document_kind))
    if req.check == "qa_all_levels":
        levels = config.levels.names
        best_missing: list[str] | None = None
        for c in relevant:
            doc = graph.documents[c.document]
            assert c.heading is not None
            present = levels_present(doc, c.heading)
            missing = [lv for lv in levels if not present.get(lv)]
            if not missing:
                return RequirementResult(
                    req.name,
                    True,
                    (
                        f"{c.document}#{c.section_anchor}: "
                        + ", ".join(f"{lv} {present[lv]}" for lv in levels),
                    ),
                    "",
                )
            if best_missing is None or len(missing) < len(best_missing):
                best_missing = missing
                where = f"{c.document}#{c.section_anchor}"
        if best_missing is not None:
            return RequirementResult(
                req.name, False, (), f"no answered {', '.join(best_missing)} questions in {where}"
            )
        return RequirementResult(req.name, False, (), _why_no_claim(claims, req.document_kind))
    if req.check == "working_example":
        sections = [c for c in claims if c.resolved and c.credited]
        if req.document_kind != "any":
            sections = relevant
        return _working_example(req, sections, graph, config, examples)
    if req.check == "practice_task":
        if tasks:
            return RequirementResult(req.name, True, tuple(f"task {t}" for t in tasks), "")
        planned = ", ".join(gap.recommended_tasks)
        reason = (
            f"planned task {planned} does not exist yet"
            if planned
            else "no task file names this gap (front matter 'gap: " + gap.id + "')"
        )
        return RequirementResult(req.name, False, (), reason)
    return RequirementResult(req.name, False, (), f"unknown check {req.check}")


def _why_no_claim(claims: tuple[ResolvedClaim, ...], kind: str) -> str:
    off_topic = [c for c in claims if c.resolved and not c.credited]
    if off_topic:
        c = off_topic[0]
        return (
            f"claimed {c.document}#{c.section_anchor} holds nothing of this gap "
            "(none of its items nor its title terms are found there)"
        )
    broken = [c for c in claims if not c.resolved]
    if broken:
        c = broken[0]
        target = (
            f"section {c.claim.section_number}"
            if c.claim.section_number is not None
            else f"'{c.claim.section_name}' section"
            if c.claim.section_name
            else "a section"
        )
        return f"claimed {target} of {c.claim.document_raw} does not resolve ({c.reason})"
    return (
        f"the tracker claims no {kind} section for this gap"
        if kind != "any"
        else "the tracker claims no section for this gap"
    )


def _working_example(
    req: Requirement,
    sections: list[ResolvedClaim],
    graph: TopicGraph,
    config: Config,
    examples: dict[str, list[ExampleResult]] | None,
) -> RequirementResult:
    languages = set(config.examples.languages)
    candidates = 0
    statuses: dict[str, int] = {}
    for c in sections:
        doc = graph.documents[c.document]
        heading = doc.headings[c.heading] if c.heading is not None else None
        if heading is None:
            continue
        for block in doc.code_blocks:
            if block.language not in languages:
                continue
            if not (heading.span.line < block.span.line <= heading.end_line):
                continue
            if h2_of(doc, block.section) != c.heading:
                continue
            candidates += 1
            example_id = f"{doc.path}:{block.span.line}"
            if examples is None:
                if block.skip_reason:
                    statuses["skipped"] = statuses.get("skipped", 0) + 1
                    continue
                if compile_problem(block.code) is not None:  # EX001 reports it
                    statuses["syntax-error"] = statuses.get("syntax-error", 0) + 1
                    continue
                return RequirementResult(
                    req.name, True, (example_id,), "", "static: compiles (examples not executed)"
                )
            for result in examples.get(example_id, []):
                statuses[result.status] = statuses.get(result.status, 0) + 1
                if result.status == "works":
                    return RequirementResult(req.name, True, (example_id,), "", "executed")
    # unmet: nothing compiled or worked, so the label must not say "compiles"
    label = "executed" if examples is not None else "static check (examples not executed)"
    if not sections:
        return RequirementResult(
            req.name, False, (), "no claimed section to hold an example", label
        )
    if not candidates:
        return RequirementResult(
            req.name, False, (), "no Python example in the claimed sections", label
        )
    summary = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
    return RequirementResult(req.name, False, (), f"no working example ({summary})", label)


def _status(results: tuple[RequirementResult, ...]) -> Status:
    met = sum(1 for r in results if r.met)
    if met == len(results):
        return "covered"
    return "none" if met == 0 else "partial"


def compute_coverage(
    trackers: Sequence[Tracker],
    graph: TopicGraph,
    config: Config,
    spec: RequirementsSpec,
    example_results: Sequence[ExampleResult] | None = None,
    root: Path | None = None,
    finder: EvidenceFinder | None = None,
) -> Coverage:
    """The coverage stage's one door. Thresholds are the next stage (``evaluate_thresholds``):
    they need the error count of every finding, and the tracker rules read this coverage.

    With ``root``, each claimed item is looked for in its section
    (``audit/coverage/evidence.py``) and a section counts for a gap only when it holds something
    of that gap; without it (no files to read) claims are taken as written, as before. A
    ``finder`` given by the caller is reused: its section indexes do not depend on the examples,
    so two coverages of one tree (``check``'s bound) read and index each section once."""
    if finder is None and root is not None:
        finder = EvidenceFinder(root, config)
    examples: dict[str, list[ExampleResult]] | None = None
    if example_results is not None:
        examples = {}
        for result in example_results:
            examples.setdefault(result.example_id, []).append(result)
    rows = match_priority_rows(trackers, graph, config.tracker.title_match_threshold)
    by_gap = tasks_by_gap(graph)
    gaps: list[GapCoverage] = []
    for tracker in trackers:
        row_tasks = row_tasks_by_gap(tracker, rows)
        gaps += [
            _gap_coverage(
                gap, tracker, rows, row_tasks, by_gap, graph, config, spec, examples, finder
            )
            for gap in tracker.gaps
        ]
    if finder is not None:
        gaps = with_unclaimed(gaps, graph, finder, spec)
    overall = weighted = 0.0
    if gaps:
        overall = round(100 * sum(g.score for g in gaps) / len(gaps), 1)
        total = sum(g.weight for g in gaps)
        weighted = (
            round(100 * sum(g.weight * g.score for g in gaps) / total, 1) if total > 0 else overall
        )
    task_counts = _task_counts(graph)
    return Coverage(
        gaps=gaps,
        by_category=_buckets(gaps, lambda g: f"{g.gap.track}: {g.gap.category}"),
        by_priority=_buckets(gaps, lambda g: g.priority),
        by_track=_buckets(gaps, lambda g: g.gap.track),
        by_tracker=_buckets(gaps, lambda g: g.gap.tracker),
        overall=overall,
        weighted_overall=weighted,
        examples_executed=example_results is not None,
        task_counts=task_counts,
        task_tallies=_task_tallies(trackers, graph, task_counts),
        measured=bool(trackers),
        priority_rows=rows,
    )


def _gap_coverage(
    gap: Gap,
    tracker: Tracker,
    rows: dict[tuple[str, int], tuple[str, ...]],
    row_tasks: dict[str, list[str]],
    by_gap: TaskIndex,
    graph: TopicGraph,
    config: Config,
    spec: RequirementsSpec,
    examples: dict[str, list[ExampleResult]] | None,
    finder: EvidenceFinder | None,
) -> GapCoverage:
    claims = resolve_claims(gap, graph)
    if finder is not None:
        claims = with_evidence(gap, claims, graph, finder)
    tasks = gap_tasks(gap, graph, by_gap, row_tasks)
    results = tuple(
        _requirement(r, gap, claims, graph, config, tasks, examples) for r in spec.requirements
    )
    total_weight = sum(r.weight for r in spec.requirements)
    met_weight = sum(r.weight for r, res in zip(spec.requirements, results, strict=True) if res.met)
    remaining = remaining_evidence(gap, claims, graph, finder, by_gap) if finder is not None else ()
    priority = priority_of(gap, tracker, rows)
    return GapCoverage(
        gap,
        claims,
        results,
        _status(results),
        met_weight / total_weight,
        priority,
        _weight(gap, priority, config),
        tasks,
        remaining,
    )


def _weight(gap: Gap, priority: str, config: Config) -> float:
    """Weight of a gap in the weighted coverage: priority weight × interview frequency."""
    weights = config.weights
    weight = weights.priority.get(priority, 1.0)
    if weights.frequency:
        weight *= (gap.frequency if gap.frequency else weights.default_frequency) / 100
    return weight


def _buckets(gaps: list[GapCoverage], key: Callable[[GapCoverage], str]) -> list[Bucket]:
    groups: dict[str, list[GapCoverage]] = {}
    for g in gaps:
        groups.setdefault(key(g), []).append(g)
    out = []
    for name, members in groups.items():
        out.append(
            Bucket(
                name,
                len(members),
                sum(1 for m in members if m.status == "covered"),
                sum(1 for m in members if m.status == "partial"),
                sum(1 for m in members if m.status == "none"),
                round(100 * sum(m.score for m in members) / len(members), 1),
            )
        )
    return out


def _task_counts(graph: TopicGraph) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for task_id in sorted(graph.tasks):
        decl = graph.task_file(task_id)
        if decl is None:
            continue
        fm = graph.documents[decl.path].front_matter or {}
        track = str(fm.get("track", ""))
        sub = str(fm.get("subcategory", ""))
        counts.setdefault(track, {})
        counts[track][sub] = counts[track].get(sub, 0) + 1
    return counts


# an id cell of a materials overview table ("| mlops_001 | Model serving | Medium | ... |")
def _task_tallies(
    trackers: Sequence[Tracker], graph: TopicGraph, counts: dict[str, dict[str, int]]
) -> dict[str, TaskTally]:
    """What a task is, per track: its task files when it has any, else the distinct task ids
    its materials pages declare in their headings and overview tables (the published site has
    no task pages)."""
    by_headings: dict[str, set[str]] = {}
    by_tables: dict[str, set[str]] = {}
    for task_id, decls in graph.tasks.items():
        for decl in decls:
            doc = graph.documents.get(decl.path)
            if decl.by == "file" or doc is None or doc.kind != "materials":
                continue
            found = by_headings if decl.by == "heading" else by_tables
            found.setdefault(doc.track, set()).add(task_id)
    tallies: dict[str, TaskTally] = {}
    for track in sorted({t.track for t in trackers}):
        files = counts.get(track, {})
        headings, tables = by_headings.get(track, set()), by_tables.get(track, set())
        if files:
            named = {sub: n for sub, n in files.items() if sub}
            tallies[track] = TaskTally(
                track, sum(files.values()), "task files", dict(named) if named else None
            )
        elif headings or tables:
            basis: TaskBasis = (
                "materials headings and overview tables"
                if headings and tables
                else "materials headings"
                if headings
                else "materials overview tables"
            )
            tallies[track] = TaskTally(track, len(headings | tables), basis)
        else:
            tallies[track] = TaskTally(track, 0, "nothing")
    return tallies
