"""Claims checked against what they point at: each claimed item must be in its section.

The facts (terms, evidence lines, which sections count for which gap) are computed by the
coverage stage with ``audit/coverage/evidence.py``; these rules only turn them into findings.
"""

from __future__ import annotations

from collections.abc import Iterator

from audit.model.coverage import Coverage, GapCoverage, ResolvedClaim
from audit.model.evidence import ItemEvidence
from audit.model.finding import Finding, Severity
from audit.model.span import Span
from audit.rules.registry import RuleContext, rule

STAGE = "tracker"


def _coverage(ctx: RuleContext) -> Coverage | None:
    return ctx.coverage


def _items(ctx: RuleContext) -> Iterator[tuple[GapCoverage, ResolvedClaim, ItemEvidence]]:
    coverage = _coverage(ctx)
    if coverage is None:
        return
    for gap_cov in coverage.gaps:
        for rc in gap_cov.claims:
            for evidence in rc.items:
                yield gap_cov, rc, evidence


def _where(rc: ResolvedClaim) -> str:
    return f"{rc.document} '{rc.section_title}'"


def describe_missing(evidence: ItemEvidence) -> str:
    """What is missing, in the words of the item ('YaRN'; 'a code block mentioning X')."""
    parts = []
    terms = evidence.missing_terms
    if terms:
        parts.append("term" + ("s " if len(terms) > 1 else " ") + ", ".join(terms))
    for kind in evidence.missing_kinds:
        named = [t.term for t in evidence.terms]
        if kind == "code":
            parts.append("a code block mentioning " + (" or ".join(named[:3]) or "the item"))
        elif kind == "math":
            parts.append("a formula (math)")
        else:
            parts.append("a table")
    return "; ".join(parts)


@rule("CL001", "claim-item-not-found", Severity.WARNING, stage=STAGE)
def claim_item_not_found(ctx: RuleContext) -> Iterator[Finding]:
    """A claimed item is not in the section the tracker says holds it.

    What it checks: the distinctive terms of each `Добавлено в` item (acronyms such as YaRN or
    GQA, identifiers such as DistillationLoss, hyphenated names, content words with Russian
    inflection tolerated) are found in the claimed section's headings, prose, tables, math or
    code; `с кодом` / `implementation` / `на numpy` also need a code block that mentions the
    item, `формула` math, `таблица` / `comparison` a table.
    Why: a real section that does not hold what is claimed would otherwise be credited.
    Example: `YaRN (NTK-by-parts + temperature scaling) with implementation` on a section that
    never mentions YaRN.
    Fix: write the missing part into the section, point the claim at the section that has it,
    or remove the item.
    """
    for gap_cov, rc, evidence in _items(ctx):
        if evidence.state != "missing":
            continue
        yield ctx.finding(
            "CL001",
            Span(rc.claim.span.path, evidence.line),
            f"gap '{gap_cov.gap.title}': item '{evidence.text[:70]}' is not in "
            f"{_where(rc)}: missing {describe_missing(evidence)}",
        )


@rule("CL002", "claim-item-uncheckable", Severity.INFO, stage=STAGE)
def claim_item_uncheckable(ctx: RuleContext) -> Iterator[Finding]:
    """A claimed item has nothing the audit can look for.

    What it checks: an item holds at least one word (not only punctuation, numbers or emoji)
    and is an item, not a paragraph (at most 40 distinct terms).
    Why: such an item is credited on trust; saying so beats silence.
    Example: `- ???` or `- 42` under `Добавлено в materials.md section 3:`.
    Fix: name what the section holds (`Формула KL-дивергенции с температурой`).
    """
    for gap_cov, rc, evidence in _items(ctx):
        if evidence.state != "uncheckable":
            continue
        yield ctx.finding(
            "CL002",
            Span(rc.claim.span.path, evidence.line),
            f"gap '{gap_cov.gap.title}': {evidence.reason}: '{evidence.text[:70]}'",
        )


@rule("CL003", "claimed-section-off-topic", Severity.WARNING, stage=STAGE)
def claimed_section_off_topic(ctx: RuleContext) -> Iterator[Finding]:
    """A claimed section holds nothing of the gap, so it earns the gap no credit.

    What it checks: a section counts for a gap's requirements only when one of the gap's
    checkable claim items, or its title terms, is found there. A section claimed by two gaps
    where one finds nothing of its own is named with the gap it does belong to.
    Why: a tracker can point at a real, well-filled section about something else (the MoE
    section for a Chain-of-Experts gap) and the gap would be credited with its Q&A and code.
    Example: `### 3. Chain-of-Experts` claiming the MoE sections, which never mention it.
    Fix: write the gap's own content and claim it, or remove the claim.
    """
    coverage = _coverage(ctx)
    if coverage is None:
        return
    credited: dict[tuple[str, int], list[str]] = {}
    for gap_cov in coverage.gaps:
        for rc in gap_cov.claims:
            if rc.resolved and rc.credited and rc.heading is not None:
                credited.setdefault((rc.document, rc.heading), []).append(gap_cov.gap.title)
    for gap_cov in coverage.gaps:
        for rc in gap_cov.claims:
            if not rc.resolved or rc.credited or rc.heading is None:
                continue
            others = [
                t for t in credited.get((rc.document, rc.heading), []) if t != gap_cov.gap.title
            ]
            shared = (
                f"; it is claimed by gap '{others[0]}', whose items are there" if others else ""
            )
            yield ctx.finding(
                "CL003",
                rc.claim.span,
                f"gap '{gap_cov.gap.title}' gets no credit from {_where(rc)}: none of its items "
                f"nor its title terms are found there{shared}",
            )


@rule("CL004", "remaining-task-exists", Severity.WARNING, stage=STAGE)
def remaining_task_exists(ctx: RuleContext) -> Iterator[Finding]:
    """An `Осталось:` item asks for a practice task that already exists.

    What it checks: an item of a gap's remaining list that mentions a task (`задача`, `task`)
    while a task file declares the gap in its front matter (`gap: <id>`).
    Why: the to-do list says the work is missing when it is done; readers plan by it.
    Example: `Осталось: - Отдельная практическая задача (ContentBlock)` with `tasks/ml_001_x.md`
    carrying `gap: moe-routing`.
    Fix: remove the item (the hint names the task file).
    """
    coverage = _coverage(ctx)
    if coverage is None:
        return
    for gap_cov in coverage.gaps:
        for rem in gap_cov.remaining:
            if rem.task:
                yield ctx.finding(
                    "CL004",
                    Span(gap_cov.gap.tracker, rem.line),
                    f"gap '{gap_cov.gap.title}' still lists '{rem.text[:60]}' as remaining, "
                    f"but task {rem.task} exists ({rem.task_path})",
                )


@rule("CL005", "priority-row-task-exists", Severity.WARNING, stage=STAGE)
def priority_row_task_exists(ctx: RuleContext) -> Iterator[Finding]:
    """A priority table row asks to add a task that already exists.

    What it checks: the task id in each row of a `Priority N` table has no task file yet
    (`Рекомендация:` lines are GP004).
    Why: the table is the plan of tasks to write; a written one left in it hides the real
    backlog.
    Example: `| Agentic Patterns | Medium | llm_014_agentic_patterns |` with the file present.
    Fix: remove the row, or mark it done.
    """
    for tracker in ctx.trackers:
        for row in tracker.priority_rows:
            if not row.task_id:
                continue
            decl = ctx.graph.task_file(row.task_id)
            if decl is not None:
                yield ctx.finding(
                    "CL005",
                    row.span,
                    f"priority row '{row.gap_name}' asks to add {row.task_id}, which already "
                    f"exists ({decl.path})",
                )


@rule("CL006", "remaining-item-may-be-done", Severity.INFO, stage=STAGE)
def remaining_item_may_be_done(ctx: RuleContext) -> Iterator[Finding]:
    """An `Осталось:` item's terms are now found in a section the gap claims.

    What it checks: each remaining item (not about a task) looked for, like a claim item, in
    the sections the gap is credited with.
    Why: the item may be done; the tracker should then move it to a claim.
    Example: `Осталось: - Load-balancing loss` while the claimed MoE section explains it.
    Fix: move the item under `Добавлено в`, or say what is really still missing.
    """
    coverage = _coverage(ctx)
    if coverage is None:
        return
    for gap_cov in coverage.gaps:
        for rem in gap_cov.remaining:
            if rem.done_in:
                yield ctx.finding(
                    "CL006",
                    Span(gap_cov.gap.tracker, rem.line),
                    f"gap '{gap_cov.gap.title}': remaining item '{rem.text[:60]}' may be done: "
                    f"its terms are found at {rem.done_in}",
                )


@rule("CL007", "unclaimed-section-matches-gap", Severity.WARNING, stage=STAGE)
def unclaimed_section_matches_gap(ctx: RuleContext) -> Iterator[Finding]:
    """A gap declared missing or partial has a section about it that nobody claims.

    What it checks: for gaps declared `НЕТ` or partial, the H2 sections of the track's
    materials and interview pages that no gap is credited with, whose heading matches the
    gap's title (directly or through the RU↔EN `synonyms` of schema/requirements.yaml) or
    names one of its tasks.
    Why: the content exists but the tracker undersells it, so the coverage is understated.
    Example: `### 5. Quantization (НЕТ)` while materials has `## 4. Квантизация весов`.
    Fix: add the claim the hint suggests, then re-check the status.
    """
    coverage = _coverage(ctx)
    if coverage is None:
        return
    for gap_cov in coverage.gaps:
        for sec in gap_cov.unclaimed:
            name = sec.document.rsplit("/", 1)[-1]
            where = f"section {sec.number}" if sec.number is not None else f"'{sec.title}'"
            yield ctx.finding(
                "CL007",
                gap_cov.gap.span,
                f"gap '{gap_cov.gap.title}' is declared {gap_cov.gap.declared_status}, but "
                f"{sec.document}:{sec.line} '{sec.title}' is about it "
                f"(matched: {', '.join(sec.matched)}) and no gap claims it",
                f"add 'Добавлено в {name} {where}:' with what it holds",
            )
