"""Coverage: which requirements each gap meets (with evidence and reasons), and the roll-ups.

Requirements are data (a project's schema/requirements.yaml, else the default shipped in the
package as audit/data/requirements.yaml); this module only knows how to evaluate the four kinds of
check they may name.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from audit.coverage.claims import find_section, h2_of, levels_present
from audit.coverage.evidence import (
    EvidenceFinder,
    ItemTerms,
    SectionIndex,
    Term,
    check_terms,
    item_terms,
)
from audit.errors import AuditError, ConfigError
from audit.graph.build import TopicGraph
from audit.model.config import Config
from audit.model.coverage import (
    Bucket,
    Coverage,
    GapCoverage,
    RequirementResult,
    ResolvedClaim,
    TaskBasis,
    TaskTally,
    ThresholdResult,
)
from audit.model.document import Document
from audit.model.evidence import RemainingEvidence, UnclaimedSection
from audit.model.example import ExampleResult
from audit.model.finding import Finding, Severity
from audit.model.requirements import Requirement, RequirementsSpec
from audit.model.tracker import Gap, PriorityRow, Status, Tracker

BUILTIN_REQUIREMENTS = "data/requirements.yaml"  # package data of `audit`


def load_requirements(config: Config, root: Path) -> RequirementsSpec:
    """The configured file, else the project's schema/requirements.yaml, else the copy shipped
    in the package (read through importlib.resources, so an installed wheel has it too)."""
    path = Path(config.requirements) if config.requirements else root / "schema/requirements.yaml"
    if not path.is_absolute():
        path = root / path
    if path.is_file():
        return _parse_requirements(_read(path), str(path))
    if config.requirements:
        raise ConfigError(f"requirements file not found: {config.requirements}")
    builtin = resources.files("audit").joinpath(BUILTIN_REQUIREMENTS)
    try:
        text = builtin.read_text(encoding="utf-8")
    except OSError as exc:  # a broken install: say so rather than guess what "covered" means
        raise AuditError(
            f"the built-in requirements (audit/{BUILTIN_REQUIREMENTS}) are missing from the "
            f"installed package: {exc}; reinstall content-audit or set `requirements:`"
        ) from exc
    return _parse_requirements(text, f"audit/{BUILTIN_REQUIREMENTS}")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read requirements: {exc}") from exc


def _parse_requirements(text: str, where: str) -> RequirementsSpec:
    try:
        return RequirementsSpec.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: cannot read requirements: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{where}: requirements key '{key}': {first['msg']}") from None


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
        out.append(ResolvedClaim(claim, claim.document, index, heading.anchor, heading.text, True))
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
    index = finder.index(doc, rc.heading)
    checkable = title.state == "checkable" or any(e.state in ("found", "missing") for e in rc.items)
    if index is not None and title.state == "checkable":
        probe = check_terms("", rc.claim.span.line, title, index)
        # one title term is enough: titles are short, carry markup ('Attention <script>'),
        # and only decide when no item of the gap was found
        if any(hit.line is not None for hit in probe.terms):
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


_TaskIndex = dict[object, list[tuple[str, object]]]
_TASK_WORDS = re.compile(r"(?<!\w)(?:задач\w*|task\w*|exercise\w*)", re.IGNORECASE)
# words of an item that asks for "a task for this gap" rather than a task on a named topic
_TASK_GENERIC = re.compile(
    r"(?<!\w)(?:отдельн\w*|практическ\w*|ещё|еще|одн\w*|нов\w*|separate|practice|practical|"
    r"hands-on|one|new|a|ContentBlock)(?!\w)",
    re.IGNORECASE,
)


def _remaining(
    gap: Gap,
    claims: tuple[ResolvedClaim, ...],
    graph: TopicGraph,
    finder: EvidenceFinder,
    by_gap: _TaskIndex,
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


def _tasks_by_gap(graph: TopicGraph) -> _TaskIndex:
    """Front matter ``gap:`` value → [(task id, front matter ``track``)] of every task file
    (built once per run: scanning every task for every gap was quadratic on large bases)."""
    index: _TaskIndex = {}
    for task_id, decls in graph.tasks.items():
        for decl in decls:
            if decl.by != "file":
                continue
            fm = graph.documents[decl.path].front_matter or {}
            gap_value = fm.get("gap")
            if isinstance(gap_value, str):
                index.setdefault(gap_value, []).append((task_id, fm.get("track")))
    return index


def _row_tasks_by_gap(
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


def _gap_tasks(
    gap: Gap, graph: TopicGraph, by_gap: _TaskIndex, row_tasks: dict[str, list[str]]
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
                try:
                    compile(block.code, example_id, "exec", dont_inherit=True)
                except (SyntaxError, ValueError):
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
) -> Coverage:
    """The coverage stage's one door. Thresholds are the next stage (``evaluate_thresholds``):
    they need the error count of every finding, and the tracker rules read this coverage.

    With ``root``, each claimed item is looked for in its section
    (``audit/coverage/evidence.py``) and a section counts for a gap only when it holds something
    of that gap; without it (no files to read) claims are taken as written, as before."""
    finder = EvidenceFinder(root, config) if root is not None else None
    examples: dict[str, list[ExampleResult]] | None = None
    if example_results is not None:
        examples = {}
        for result in example_results:
            examples.setdefault(result.example_id, []).append(result)
    rows = match_priority_rows(trackers, graph, config.tracker.title_match_threshold)
    coverage = Coverage(examples_executed=example_results is not None, measured=bool(trackers))
    by_gap = _tasks_by_gap(graph)
    for tracker in trackers:
        row_tasks = _row_tasks_by_gap(tracker, rows)
        for gap in tracker.gaps:
            claims = resolve_claims(gap, graph)
            if finder is not None:
                claims = with_evidence(gap, claims, graph, finder)
            tasks = _gap_tasks(gap, graph, by_gap, row_tasks)
            results = tuple(
                _requirement(r, gap, claims, graph, config, tasks, examples)
                for r in spec.requirements
            )
            total_weight = sum(r.weight for r in spec.requirements)
            met_weight = sum(
                r.weight for r, res in zip(spec.requirements, results, strict=True) if res.met
            )
            remaining = _remaining(gap, claims, graph, finder, by_gap) if finder is not None else ()
            priority = _priority(gap, tracker, rows)
            weight = _weight(gap, priority, config)
            coverage.gaps.append(
                GapCoverage(
                    gap,
                    claims,
                    results,
                    _status(results),
                    met_weight / total_weight,
                    priority,
                    weight,
                    tasks,
                    remaining,
                )
            )
    if finder is not None:
        coverage.gaps = _with_unclaimed(coverage.gaps, graph, finder, spec)
    coverage.by_category = _buckets(coverage.gaps, lambda g: f"{g.gap.track}: {g.gap.category}")
    coverage.by_priority = _buckets(coverage.gaps, lambda g: g.priority)
    coverage.by_track = _buckets(coverage.gaps, lambda g: g.gap.track)
    if coverage.gaps:
        coverage.overall = round(100 * sum(g.score for g in coverage.gaps) / len(coverage.gaps), 1)
        total = sum(g.weight for g in coverage.gaps)
        coverage.weighted_overall = (
            round(100 * sum(g.weight * g.score for g in coverage.gaps) / total, 1)
            if total > 0
            else coverage.overall
        )
    coverage.task_counts = _task_counts(graph)
    coverage.task_tallies = _task_tallies(trackers, graph, coverage.task_counts)
    return coverage


def _with_unclaimed(
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
    out = []
    for g in gaps:
        if g.gap.declared_status not in ("none", "partial"):
            out.append(g)
            continue
        title = item_terms(g.gap.title, finder.level_words).terms
        tasks = set(g.gap.recommended_tasks) | set(g.tasks)
        folder = g.gap.tracker.rsplit("/", 1)[0]
        candidates: list[tuple[Document, int, tuple[str, ...], bool]] = []
        for doc in graph.documents.values():
            if doc.kind not in ("materials", "interview") or doc.path.rsplit("/", 1)[0] != folder:
                continue
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


def _weight(gap: Gap, priority: str, config: Config) -> float:
    """Weight of a gap in the weighted coverage: priority weight × interview frequency."""
    weights = config.weights
    weight = weights.priority.get(priority, 1.0)
    if weights.frequency:
        weight *= (gap.frequency if gap.frequency else weights.default_frequency) / 100
    return weight


def _priority(gap: Gap, tracker: Tracker, rows: dict[tuple[str, int], tuple[str, ...]]) -> str:
    for row in tracker.priority_rows:
        if gap.id in rows.get((tracker.path, row.span.line), ()):
            return f"P{row.priority}"
    return gap.priority_label or "unprioritized"


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


def evaluate_thresholds(coverage: Coverage, config: Config, errors: int) -> list[ThresholdResult]:
    th = config.thresholds
    out: list[ThresholdResult] = []
    if not coverage.measured:  # no tracker: a coverage threshold can neither pass nor fail
        return _errors_threshold(th.max_errors, errors)
    if th.overall_min is not None:
        out.append(
            ThresholdResult(
                "overall_min",
                th.overall_min,
                coverage.overall,
                coverage.overall >= th.overall_min,
                ">=",
            )
        )
    for priority, minimum in sorted(th.per_priority_min.items()):
        bucket = next((b for b in coverage.by_priority if b.name == priority), None)
        actual = bucket.score if bucket else 0.0
        out.append(
            ThresholdResult(
                f"per_priority_min.{priority}", minimum, actual, actual >= minimum, ">="
            )
        )
    if th.max_none_per_category is not None:
        for bucket in coverage.by_category:
            out.append(
                ThresholdResult(
                    f"max_none_per_category.{bucket.name}",
                    th.max_none_per_category,
                    bucket.none,
                    bucket.none <= th.max_none_per_category,
                    "<=",
                )
            )
    return out + _errors_threshold(th.max_errors, errors)


def _errors_threshold(max_errors: int | None, errors: int) -> list[ThresholdResult]:
    if max_errors is None:
        return []
    return [ThresholdResult("max_errors", max_errors, errors, errors <= max_errors, "<=")]


def findings_error_count(findings: Sequence[Finding]) -> int:
    return sum(1 for f in findings if f.severity is Severity.ERROR)
