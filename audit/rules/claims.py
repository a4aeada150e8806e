"""Claims checked against what they point at: each claimed item must be in its section.

The facts (terms, evidence lines, which sections count for which gap) are computed by the
coverage stage with ``audit/evidence.py``; these rules only turn them into findings.
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
    coverage: Coverage | None = ctx.extras.get("coverage")
    return coverage


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
