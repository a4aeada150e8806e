"""Gap tracker claims checked against the content: the tracker may only say what is true."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from audit.coverage.claims import suggest_section
from audit.graph.build import linked_task_ids
from audit.model.coverage import Coverage, TaskTally
from audit.model.finding import Finding, Severity
from audit.model.problem import Problem
from audit.model.span import Span
from audit.model.tracker import Claim, Tracker
from audit.rules.registry import RuleContext, problem_rule, rule

STAGE = "tracker"


def _trackers(ctx: RuleContext) -> Sequence[Tracker]:
    return ctx.trackers


def _coverage(ctx: RuleContext) -> Coverage | None:
    return ctx.coverage


def _priority_rows(ctx: RuleContext) -> dict[tuple[str, int], tuple[str, ...]]:
    """The rows' matches the coverage made (matched once: its priorities come from them)."""
    coverage = ctx.coverage
    return coverage.priority_rows if coverage is not None else {}


_ORDER: dict[str, int] = {"none": 0, "partial": 1, "covered": 2}
_NOT_RUN = "examples were not run; one that compiles was counted as working"


@rule("GP001", "claimed-section-missing", Severity.WARNING, stage=STAGE)
def claimed_section_missing(ctx: RuleContext) -> Iterator[Finding]:
    """A tracker claim names a section that its document does not have.

    What it checks: `Добавлено в <doc> section N` (or `(<Name> section)`) resolves to an H2
    section of that document, by number or by name.
    Why: section numbers move when pages are reorganised; the claim then credits nothing.
    Example: `Добавлено в materials.md section 17` when the page has 16 sections.
    Fix: update the number (the hint names the section whose title fits the gap).
    """
    coverage = _coverage(ctx)
    if coverage is None:
        return
    for gap_cov in coverage.gaps:
        for rc in gap_cov.claims:
            if rc.resolved or rc.reason not in ("missing-section", "no-section"):
                continue
            claim = rc.claim
            doc = ctx.graph.documents.get(rc.document)
            hint = ""
            if doc is not None:
                best = suggest_section(doc, gap_cov.gap.title)
                if best is not None:
                    h = doc.headings[best]
                    hint = (
                        f"did you mean section {h.number}: '{h.title}'?"
                        if h.number
                        else f"did you mean '{h.title}'?"
                    )
            what = (
                f"section {claim.section_number}"
                if claim.section_number is not None
                else f"'{claim.section_name}' section"
                if claim.section_name
                else "no section"
            )
            yield ctx.finding(
                "GP001",
                claim.span,
                f"gap '{gap_cov.gap.title}' claims {what} of {claim.document_raw}, "
                f"which {rc.document} does not have",
                hint,
            )


@rule("GP002", "claimed-count-differs", Severity.WARNING, stage=STAGE)
def claimed_count_differs(ctx: RuleContext) -> Iterator[Finding]:
    """A claimed count (`4 Q&A`) differs from what the section holds.

    What it checks: counted claim items against answered Q&A pairs in the claimed section:
    `Interview questions (N Q&A)` counts the Q&A subsection, `N Q&A (Killer level)` one level,
    `N Q&A (Basic/Medium/Killer)` the whole section.
    Why: counts typed by hand go stale as questions are added or removed.
    Example: `Interview questions (5 Q&A)` over a subsection with 4 pairs.
    Fix: correct the number, or add the missing questions.
    """
    coverage = _coverage(ctx)
    if coverage is None:
        return
    for gap_cov in coverage.gaps:
        for rc in gap_cov.claims:
            if not rc.resolved or rc.heading is None:
                continue
            for n, item in enumerate(rc.claim.items):
                actual = rc.actual(n)
                if item.count is None or actual is None:
                    continue
                if actual != item.count:
                    yield ctx.finding(
                        "GP002",
                        item.span,
                        f"claim '{item.text[:60]}' says {item.count} Q&A; "
                        f"{rc.document} '{rc.section_title}' holds {actual}",
                    )


@rule("GP003", "declared-status-differs", Severity.WARNING, stage=STAGE)
def declared_status_differs(ctx: RuleContext) -> Iterator[Finding]:
    """The status written in the tracker differs from the computed one.

    What it checks: a gap's declared status (`НЕТ`, `ЧАСТИЧНО ЗАПОЛНЕНО`, `ЗАПОЛНЕНО`...) equals
    the status computed from the requirements in schema/requirements.yaml.
    Why: this is the claim readers trust most, and the first to go stale.
    Example: `— ЧАСТИЧНО ЗАПОЛНЕНО` on a gap that meets all four requirements.
    Fix: change the status, or finish the missing requirement (the message names it).
    """
    coverage = _coverage(ctx)
    if coverage is None:
        return
    worst = ctx.tracker.if_examples_fail if ctx.tracker is not None else None
    lows = worst.gaps if worst is not None else [None] * len(coverage.gaps)
    for g, low in zip(coverage.gaps, lows, strict=True):
        declared = g.gap.declared_status
        if declared in ("unknown", g.status):
            continue
        missing = [f"{r.name} ({r.reason})" for r in g.requirements if not r.met]
        detail = "; missing: " + "; ".join(missing) if missing else "; all requirements met"
        condition, hint = "", ""
        if low is not None and low.status != g.status:  # the truth lies between low and g
            if _ORDER[low.status] <= _ORDER[declared] < _ORDER[g.status]:
                condition = " if its examples work"
                hint = f"{_NOT_RUN}; `content-audit report` runs them"
            else:
                hint = f"{_NOT_RUN}; the status differs whatever they do"
        yield ctx.finding(
            "GP003",
            g.gap.span,
            f"gap '{g.gap.title}' is declared {declared} ('{g.gap.declared_raw}') "
            f"but computes as {g.status}{condition}{detail}",
            hint,
        )


@rule("GP004", "recommended-task-exists", Severity.WARNING, stage=STAGE)
def recommended_task_exists(ctx: RuleContext) -> Iterator[Finding]:
    """A gap recommends adding a task that already exists.

    What it checks: task ids on `Рекомендация: Добавить <task_id>` lines have no task file yet.
    Why: the recommendation is done; the tracker should say so.
    Example: `Рекомендация: Добавить llm_012_architecture_deep_dive` with the file present.
    Fix: replace the recommendation with a link to the task.
    """
    for tracker in _trackers(ctx):
        for gap in tracker.gaps:
            for task_id in gap.recommended_tasks:
                decl = ctx.graph.task_file(task_id)
                if decl is not None:
                    line = _line_of(ctx, tracker.path, gap.span.line, gap.end_line, task_id)
                    yield ctx.finding(
                        "GP004",
                        Span(tracker.path, line),
                        f"gap '{gap.title}' recommends adding {task_id}, which "
                        f"already exists ({decl.path})",
                    )


@rule("GP005", "wish-already-linked", Severity.WARNING, stage=STAGE)
def wish_already_linked(ctx: RuleContext) -> Iterator[Finding]:
    """A wished-for cross-reference between tasks already exists.

    What it checks: each `a -> b` item of the cross-references wish list is not yet a link,
    `related` or `prerequisites` entry from task a to task b.
    Why: a done wish left in the list makes the list useless as a to-do.
    Example: `llm_007_tokenization -> dl_003_positional` when llm_007 links to dl_003.
    Fix: remove the item from the wish list.
    """
    for tracker in _trackers(ctx):
        for wish in tracker.wishes:
            if ctx.graph.task_file(wish.source) is None:
                continue
            if wish.target in linked_task_ids(ctx.graph, wish.source):
                yield ctx.finding(
                    "GP005", wish.span, f"wished link {wish.source} -> {wish.target} already exists"
                )


@rule("GP006", "wish-end-unresolved", Severity.WARNING, stage=STAGE)
def wish_end_unresolved(ctx: RuleContext) -> Iterator[Finding]:
    """An end of a wished-for cross-reference is not an existing task.

    What it checks: both task ids of every `a -> b` wish have task files.
    Why: a wish between tasks that do not exist cannot be fulfilled as written.
    Example: `llm_014_agentic_patterns -> llm_022_tool_calling` with no llm_022 file.
    Fix: write the task first, or correct the id.
    """
    for tracker in _trackers(ctx):
        for wish in tracker.wishes:
            for end in (wish.source, wish.target):
                if ctx.graph.task_file(end) is None:
                    yield ctx.finding(
                        "GP006", wish.span, f"cross-reference wish names {end}, which is not a task"
                    )


@rule("GP007", "priority-row-unmatched", Severity.WARNING, stage=STAGE)
def priority_row_unmatched(ctx: RuleContext) -> Iterator[Finding]:
    """A priority table row matches no gap of its tracker.

    What it checks: rows are matched to gaps by task id, then by normalised title similarity
    ("Agentic Patterns" → "Agentic Systems"); a row must match one gap.
    Why: an unmatched row is a priority nobody tracks.
    Example: a `Prompt Caching` row when no gap mentions prompt caching.
    Fix: add the gap, or rename the row after the gap it means.
    """
    trackers = _trackers(ctx)
    matches = _priority_rows(ctx)
    for tracker in trackers:
        for row in tracker.priority_rows:
            if not matches.get((tracker.path, row.span.line)):
                yield ctx.finding(
                    "GP007", row.span, f"priority row '{row.gap_name}' matches no gap"
                )


@rule("GP008", "priority-row-ambiguous", Severity.WARNING, stage=STAGE)
def priority_row_ambiguous(ctx: RuleContext) -> Iterator[Finding]:
    """A priority table row matches several gaps equally well.

    What it checks: the best title match is unique (within 0.05 similarity).
    Why: the audit refuses to guess which gap the priority belongs to.
    Example: a row `Optimization` with gaps `Cost Optimization` and `Inference Optimization`.
    Fix: use the gap's full title or its task id.
    """
    trackers = _trackers(ctx)
    matches = _priority_rows(ctx)
    for tracker in trackers:
        for row in tracker.priority_rows:
            found = matches.get((tracker.path, row.span.line), ())
            if len(found) > 1:
                yield ctx.finding(
                    "GP008",
                    row.span,
                    f"priority row '{row.gap_name}' matches several gaps: " + ", ".join(found),
                )


@rule("GP010", "hand-written-figure-differs", Severity.WARNING, stage=STAGE)
def hand_written_figure_differs(ctx: RuleContext) -> Iterator[Finding]:
    """A hand-written figure (task count, tasks per subcategory, coverage %) is wrong.

    What it checks: `N задач` in the lead and in the coverage heading against the track's
    tasks: its task files, or, when it has none, the task ids its materials headings declare
    (`## 1. Токенизация (llm_007_tokenization)`); with neither, task counts are not measured
    (GP018 still compares them with each other). Each row of the tasks-per-subcategory table
    against the task files' `subcategory`; each stated `coverage ~N%` (`~85% для Senior+`)
    against the computed coverage of the track (±5 points).
    Why: these numbers are typed once and never updated.
    Example: a heading saying 12 tasks in a track with 11 task files.
    Fix: correct the figure, or regenerate the table with `content-audit report --write`.
    """
    coverage = _coverage(ctx)
    if coverage is None:
        return
    worst = ctx.tracker.if_examples_fail if ctx.tracker is not None else None
    for tracker in _trackers(ctx):
        tally = coverage.task_tallies.get(tracker.track)
        for fig in tracker.figures:
            if fig.kind == "task-count" and tally is not None and tally.basis != "nothing":
                if fig.value != tally.count:
                    yield ctx.finding(
                        "GP010",
                        fig.span,
                        f"the {fig.context} says {fig.value} tasks; {_measured(tracker, tally)}",
                    )
            elif fig.kind == "subcategory-count" and tally is not None and tally.subcategories:
                actual = tally.subcategories.get(fig.label, 0)
                if actual != fig.value:
                    yield ctx.finding(
                        "GP010",
                        fig.span,
                        f"table row '{fig.label}' says {fig.value}; {actual} task "
                        f"files have subcategory '{fig.label}'",
                    )
            elif fig.kind == "coverage-percent":
                bucket = next((b for b in coverage.by_track if b.name == tracker.track), None)
                if bucket is not None and abs(bucket.score - fig.value) > 5:
                    stated = f"~{fig.value}%" + (f" {fig.qualifier}" if fig.qualifier else "")
                    message = (
                        f"the tracker states coverage {stated}; computed "
                        f"coverage of '{tracker.track}' is {bucket.score:.1f}%"
                    )
                    hint = ""
                    low = next(
                        (b for b in (worst.by_track if worst else ()) if b.name == tracker.track),
                        bucket,
                    )
                    if low.score != bucket.score:  # examples not run: the truth is in between
                        if low.score - 5 <= fig.value <= bucket.score + 5:
                            message += " if the track's examples work"
                            hint = (
                                f"{_NOT_RUN}; with every such example failing it is "
                                f"{low.score:.1f}%; `content-audit report` runs them"
                            )
                        else:
                            hint = f"{_NOT_RUN}; the figure is off whatever they do"
                    yield ctx.finding("GP010", fig.span, message, hint)
        rows = [f for f in tracker.figures if f.kind == "subcategory-count"]
        if rows and tally is not None and tally.subcategories:
            labels = {f.label for f in rows}
            for label, n in sorted(tally.subcategories.items()):
                if label not in labels:
                    yield ctx.finding(
                        "GP010",
                        rows[0].span,
                        f"subcategory '{label}' has {n} task file(s) but no row in the table",
                    )


def _measured(tracker: Tracker, tally: TaskTally) -> str:
    if tally.basis == "task files":
        return f"the '{tracker.track}' track has {tally.count} task files"
    return (
        f"the '{tracker.track}' track's {tally.basis} declare {tally.count} "
        f"task{'' if tally.count == 1 else 's'}"
    )


_PLACES = {"lead": "the lead", "heading": "the heading", "table": "the table's rows"}


@rule("GP018", "tracker-figures-contradict", Severity.WARNING, stage=STAGE)
def tracker_figures_contradict(ctx: RuleContext) -> Iterator[Finding]:
    """The tracker states different task counts in different places.

    What it checks: the task counts of the lead (`чего НЕТ в 93 задачах`), of the coverage
    heading (`Текущее покрытие (41 задача)`) and the sum of the coverage table's rows are one
    number. One finding per tracker names every figure with its lines.
    Why: a page that says 93 in one place and 41 in another is wrong somewhere whatever the
    tasks are, and it is the first thing a reader notices; it holds even when the track has
    nothing the audit can count (GP010 compares each figure with the measured count).
    Example: a lead saying 93 tasks over a heading and a table that say 41.
    Fix: decide which figure is right and correct the others.
    """
    coverage = _coverage(ctx)
    for tracker in _trackers(ctx):
        stated: list[tuple[int, str, str]] = []  # (value, place, lines as written)
        for fig in tracker.figures:
            if fig.kind == "task-count" and fig.context in _PLACES:
                stated.append((fig.value, fig.context, str(fig.span.line)))
        rows = [f for f in tracker.figures if f.kind == "subcategory-count"]
        if rows:
            first, last = rows[0].span.line, rows[-1].span.line
            lines = str(first) if first == last else f"{first}–{last}"
            stated.append((sum(f.value for f in rows), "table", lines))
        values = list(dict.fromkeys(value for value, _place, _lines in stated))
        if len(values) < 2:
            continue
        parts = []
        for index, value in enumerate(values):
            places = list(dict.fromkeys(p for v, p, _l in stated if v == value))
            at = [ln for v, _p, ln in stated if v == value]
            plural = len(at) > 1 or "–" in at[0]
            names = [_PLACES[p] for p in places]
            who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            # "the table's rows" is plural
            verb = "says" if places in (["lead"], ["heading"]) else "say"
            unit = " tasks" if index == 0 else ""
            where = ("lines " if plural else "line ") + ", ".join(at)
            parts.append(f"{who} {verb} {value}{unit} ({where})")
        tally = coverage.task_tallies.get(tracker.track) if coverage else None
        hint = _measured(tracker, tally) if tally is not None and tally.basis != "nothing" else ""
        first_line = min(int(ln.split("–")[0]) for _v, _p, ln in stated)
        yield ctx.finding("GP018", Span(tracker.path, first_line), ", ".join(parts), hint)


@rule("GP019", "tracker-rows-unchecked", Severity.INFO, stage=STAGE)
def tracker_rows_unchecked(ctx: RuleContext) -> Iterator[Finding]:
    """The rows of a tasks-per-subcategory table could not be checked.

    What it checks: nothing is wrong; it says that the table's per-row counts were not
    compared because the track's tasks name no subcategory (they are declared only in
    materials headings, or their task files have no `subcategory`), or there are no tasks.
    Why: a quiet audit must not look like a passed check.
    Example: a table of 8 subcategories in a track whose tasks live only in materials headings.
    Fix: nothing to fix in the tracker; write task files with a `subcategory` to have the rows
    checked.
    """
    coverage = _coverage(ctx)
    if coverage is None:
        return
    for tracker in _trackers(ctx):
        tally = coverage.task_tallies.get(tracker.track)
        rows = [f for f in tracker.figures if f.kind == "subcategory-count"]
        if not rows or tally is None or tally.subcategories:
            continue
        if tally.basis == "task files":
            why = f"the '{tracker.track}' track's {tally.count} task files name no subcategory"
        elif tally.basis == "nothing":
            why = (
                f"the '{tracker.track}' track has no task files and no task ids in materials "
                "headings"
            )
        else:
            why = (
                f"the '{tracker.track}' track's {tally.count} tasks are declared only in "
                f"{tally.basis}, which name no subcategory"
            )
        counts = "1 row count was" if len(rows) == 1 else f"{len(rows)} row counts were"
        yield ctx.finding("GP019", rows[0].span, f"the table's {counts} not checked: {why}")


@rule("GP011", "claimed-document-missing", Severity.ERROR, stage=STAGE)
def claimed_document_missing(ctx: RuleContext) -> Iterator[Finding]:
    """A claim names a document that does not exist in the tracker's track.

    What it checks: the document of `Добавлено в <doc>`, after the configured aliases
    (`materials.md` → `материалы.md`), is a file next to the tracker.
    Why: the claim points nowhere, like a broken link.
    Example: `Добавлено в theory.md section 3` with no theory.md and no alias for it.
    Fix: use the real file name, or add an alias in the config (`documents.aliases`).
    """
    for tracker, claim in _claims_with_problem(ctx, "missing-document"):
        yield ctx.finding(
            "GP011",
            claim.span,
            f"claim names '{claim.document_raw}', which is not a "
            f"document of the '{tracker.track}' track",
        )


@rule("GP012", "ambiguous-alias", Severity.ERROR, stage=STAGE)
def ambiguous_alias(ctx: RuleContext) -> Iterator[Finding]:
    """A document name in a claim matches several files.

    What it checks: an alias or name resolves to exactly one file of the track.
    Why: the audit refuses to guess which document the claim means.
    Example: `materials.md` in a track with `материалы-mlops.md` and `материалы-агенты.md`.
    Fix: write the full file name in the claim, or map the alias explicitly in the config.
    """
    for tracker, claim in _claims_with_problem(ctx, "ambiguous-alias"):
        yield ctx.finding(
            "GP012",
            claim.span,
            f"'{claim.document_raw}' matches several documents of the '{tracker.track}' track",
        )


def _claims_with_problem(ctx: RuleContext, problem: str) -> Iterator[tuple[Tracker, Claim]]:
    for tracker in _trackers(ctx):
        for gap in tracker.gaps:
            for claim in gap.claims:
                if claim.problem == problem:
                    yield tracker, claim


@rule("GP016", "gap-claimed-twice", Severity.WARNING, stage=STAGE)
def gap_claimed_twice(ctx: RuleContext) -> Iterator[Finding]:
    """Two gaps (in one tracker or two) have the same stable id.

    What it checks: gap ids (slugs of the titles) are unique across trackers.
    Why: tasks name gaps by id; two gaps with one id make `gap:` ambiguous.
    Example: `Evaluation` in both the llm and the mlsd tracker.
    Fix: make the titles distinct.
    """
    seen: dict[str, tuple[str, int]] = {}
    for tracker in _trackers(ctx):
        for gap in tracker.gaps:
            if gap.id in seen:
                path, line = seen[gap.id]
                yield ctx.finding(
                    "GP016", gap.span, f"gap id '{gap.id}' is also used by {path}:{line}"
                )
            else:
                seen[gap.id] = (tracker.path, gap.span.line)


def _tracker_problems(ctx: RuleContext) -> Iterator[Problem]:
    """What the tracker parser could not read (kept with the tracker, not the document)."""
    for tracker in _trackers(ctx):
        yield from tracker.problems


_PARSE_RULES = (
    (
        "GP009",
        "duplicate-gap-number",
        """
        Two gaps of one tracker share a number.

        What it checks: gap numbers are unique within a tracker (each gap is still tracked by
        its stable id, so nothing is lost).
        Why: "gap 12" becomes ambiguous in discussions and links.
        Example: a group that restarts its numbering at 12.
        Fix: renumber the gaps.
    """,
    ),
    (
        "GP013",
        "unparsable-tracker-entry",
        """
        A tracker entry cannot be read as a gap, claim, marker or wish.

        What it checks: headings under gap groups are `N. Title — STATUS`, claims name a
        document, markers are paired, wishes are `a -> b`.
        Why: an entry the audit cannot read would otherwise be silently dropped.
        Example: `### Agent memory` (no number) in a gap group.
        Fix: follow the format shown in the message.
    """,
    ),
    (
        "GP014",
        "tracker-without-gaps",
        """
        A tracker has no gaps.

        What it checks: a tracker document contains at least one `N. Title` gap heading.
        Why: an empty tracker measures nothing; usually the headings use an unexpected level.
        Example: gaps written as bold paragraphs instead of H3 headings.
        Fix: write gaps as `### N. Title — STATUS` under `## GROUP` headings.
    """,
    ),
    (
        "GP015",
        "gap-empty-body",
        """
        A gap has a heading but no body.

        What it checks: each gap has at least one paragraph or list.
        Why: a gap without asked topics or claims cannot be verified.
        Example: `### 7. Efficient Training — НЕТ` followed directly by the next gap.
        Fix: write what is asked and what is missing.
    """,
    ),
    (
        "GP017",
        "malformed-tracker-table",
        """
        A row of a tracker table has the wrong number of cells or no count.

        What it checks: coverage-table and priority-table rows match their header.
        Why: a malformed row is not counted, so the check of the figure would be wrong.
        Example: `| RAG Pipeline | два |`.
        Fix: correct the row.
    """,
    ),
)
for _code, _name, _doc in _PARSE_RULES:
    problem_rule(
        _code, _name, Severity.WARNING, _doc, "tracker", _tracker_problems, STAGE, "global"
    )


def _line_of(ctx: RuleContext, path: str, first: int, last: int, needle: str) -> int:
    doc = ctx.graph.documents.get(path)
    if doc is None:
        return first
    for mention in doc.task_mentions:
        if mention.task_id == needle and first <= mention.span.line <= last:
            return mention.span.line
    return first
