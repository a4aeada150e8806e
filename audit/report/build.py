"""Audit → ReportModel. The only place report numbers are gathered; renderers format them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from audit import __version__
from audit.graph.layout import layout_graph
from audit.model.audit import Audit
from audit.model.config import Config
from audit.model.document import Document
from audit.model.evidence import ItemEvidence
from audit.model.example import ExampleResult
from audit.model.finding import Finding
from audit.model.report import (
    BucketOut,
    ClaimItemOut,
    ClaimOut,
    CoverageOut,
    Diagnostic,
    ExampleOut,
    GapOut,
    GraphOut,
    PageRoleOut,
    ReportModel,
    RequirementOut,
    RuleOut,
    SummaryOut,
    TaskCountOut,
    TermOut,
    ThresholdOut,
)
from audit.project.roles import RoleAssignment
from audit.rules import REGISTRY, all_rules


def diagnostic(f: Finding) -> Diagnostic:
    rule = REGISTRY.get(f.code)
    return Diagnostic(
        path=f.span.path,
        line=max(1, f.span.line),
        column=max(1, f.span.column),
        code=f.code,
        severity=f.severity.value,
        message=f.message,
        hint=f.hint,
        rule=rule.name if rule else "",
    )


def _example(r: ExampleResult, doc: Document | None) -> ExampleOut:
    title = first_line = ""
    if doc is not None:
        title = next((h.text for h in doc.headings if h.level == 2 and h.anchor == r.section), "")
        block = next((b for b in doc.code_blocks if b.span.line == r.line), None)
        if block is not None:
            first_line = next((ln.strip() for ln in block.code.splitlines() if ln.strip()), "")
    return ExampleOut(
        path=r.path,
        line=r.line,
        section=r.section,
        section_title=title,
        first_line=first_line[:200],
        status=r.status,
        duration_s=round(r.duration_s, 3),
        cached=r.cached,
        message=r.message,
        isolation=list(r.isolation),
    )


def _item_out(
    text: str, count: int | None, actual: int | None, ev: ItemEvidence | None, document: str
) -> ClaimItemOut:
    if ev is None:
        return ClaimItemOut(text=text, count=count, actual=actual)
    from audit.rules.claims import describe_missing

    reason = ev.reason
    if ev.state == "missing":
        reason = "missing " + describe_missing(ev)
    elif ev.state == "generic":
        reason = "generic item: not term-checked"
    return ClaimItemOut(
        text=text,
        count=count,
        actual=actual,
        line=ev.line,
        state=ev.state,
        found=None if ev.state in ("generic", "uncheckable", "unchecked") else ev.state == "found",
        terms=[TermOut(term=t.term, line=t.line) for t in ev.terms],
        evidence=[f"{document}:{n}" for n in ev.evidence_lines] if ev.state == "found" else [],
        reason=reason,
    )


def build_report(audit: Audit, roles: Sequence[RoleAssignment] = ()) -> ReportModel:
    """The report of one audit; ``roles`` are the page roles settled when the config was
    loaded (the report says which role each page got and why)."""
    analysis, coverage = audit.analysis, audit.coverage
    graph = analysis.graph
    gaps = []
    for g in coverage.gaps:
        claims = []
        for rc in g.claims:
            evidence = dict(enumerate(rc.items))
            items = [
                _item_out(item.text, item.count, rc.actual(n), evidence.get(n), rc.document)
                for n, item in enumerate(rc.claim.items)
            ]
            section = (
                str(rc.claim.section_number)
                if rc.claim.section_number is not None
                else rc.claim.section_name or ""
            )
            claims.append(
                ClaimOut(
                    document=rc.document,
                    document_raw=rc.claim.document_raw,
                    section=section,
                    section_title=rc.section_title,
                    anchor=rc.section_anchor,
                    qualifiers=list(rc.claim.qualifiers),
                    items=items,
                    resolved=rc.resolved,
                    reason=rc.reason,
                    line=rc.claim.span.line,
                    credited=rc.credited,
                    credit_note=rc.credit_note,
                )
            )
        gaps.append(
            GapOut(
                id=g.gap.id,
                number=g.gap.number,
                title=g.gap.title,
                category=g.gap.category,
                track=g.gap.track,
                tracker=g.gap.tracker,
                line=g.gap.span.line,
                declared_status=g.gap.declared_status,
                declared_raw=g.gap.declared_raw,
                computed_status=g.status,
                priority=g.priority,
                frequency=g.gap.frequency,
                claims=claims,
                requirements={
                    r.name: RequirementOut(
                        met=r.met, evidence=list(r.evidence), reason=r.reason, label=r.label
                    )
                    for r in g.requirements
                },
                score=round(g.score, 4),
                tasks=list(g.tasks),
                recommended_tasks=list(g.gap.recommended_tasks),
                unproven_items=g.unproven_items,
            )
        )
    diagnostics = [diagnostic(f) for f in audit.findings]
    examples = [_example(r, graph.documents.get(r.path)) for r in audit.example_results or []]
    by_status: dict[str, int] = {}
    for e in examples:
        by_status[e.status] = by_status.get(e.status, 0) + 1
    counts = {"error": 0, "warning": 0, "info": 0}
    for d in diagnostics:
        counts[d.severity] += 1
    thresholds = [
        ThresholdOut(
            name=t.name,
            required=t.required,
            actual=t.actual,
            passed=t.passed,
            comparison=t.comparison,
        )
        for t in audit.thresholds
    ]
    unresolved = sorted(str(n) for n, d in graph.g.nodes(data=True) if d.get("missing"))
    summary = SummaryOut(
        files=len(analysis.documents),
        errors=counts["error"],
        warnings=counts["warning"],
        infos=counts["info"],
        gaps=len(gaps),
        covered=sum(1 for g in gaps if g.computed_status == "covered"),
        partial=sum(1 for g in gaps if g.computed_status == "partial"),
        none=sum(1 for g in gaps if g.computed_status == "none"),
        examples=dict(sorted(by_status.items())),
        # errors fail the run unless the config sets its own max_errors threshold
        passed=all(t.passed for t in thresholds)
        and (counts["error"] == 0 or analysis.config.thresholds.max_errors is not None),
    )
    return ReportModel(
        tool={"name": "content-audit", "version": __version__},
        root=analysis.config.content_root,
        summary=summary,
        coverage=CoverageOut(
            measured=coverage.measured,
            note="" if coverage.measured else _unmeasured_note(analysis.config),
            overall=coverage.overall,
            weighted_overall=coverage.weighted_overall,
            examples_executed=coverage.examples_executed,
            by_category=[BucketOut(**asdict(b)) for b in coverage.by_category],
            by_priority=[BucketOut(**asdict(b)) for b in coverage.by_priority],
            by_track=[BucketOut(**asdict(b)) for b in coverage.by_track],
            task_counts=[
                TaskCountOut(track=t.track, tasks=t.count, counted_from=t.basis)
                for t in coverage.task_tallies.values()
            ],
        ),
        thresholds=thresholds,
        gaps=gaps,
        diagnostics=diagnostics,
        examples=examples,
        graph=GraphOut(
            nodes=graph.g.number_of_nodes(),
            edges=graph.g.number_of_edges(),
            node_kinds=dict(sorted(graph.counts().items())),
            edge_kinds=dict(sorted(graph.edge_counts().items())),
            orphans=graph.orphan_tasks(),
            cycles=graph.prerequisite_cycles(),
            unresolved=unresolved,
        ),
        graph_view=layout_graph(graph),
        page_roles=[
            PageRoleOut(path=_project_path(analysis.config, r.path), role=r.role, reason=r.reason)
            for r in roles
        ],
        rules=[
            RuleOut(
                code=r.code, name=r.name, severity=r.severity.value, summary=r.summary, doc=r.doc
            )
            for r in all_rules()
        ],
    )


def _unmeasured_note(config: Config) -> str:
    """What the report says instead of a coverage figure when no tracker was found, naming the
    coverage thresholds that were therefore neither passed nor failed."""
    th = config.thresholds
    skipped = [
        *(["overall_min"] if th.overall_min is not None else []),
        *(f"per_priority_min.{name}" for name in sorted(th.per_priority_min)),
        *(["max_none_per_category"] if th.max_none_per_category is not None else []),
    ]
    note = "no gap tracker found: coverage not measured"
    return f"{note} (not evaluated: {', '.join(skipped)})" if skipped else note


def _project_path(config: Config, rel_to_content: str) -> str:
    """A content-relative path as the rest of the report writes paths (project-relative)."""
    prefix = config.content_root.strip("/")
    return rel_to_content if prefix in ("", ".") else f"{prefix}/{rel_to_content}"
