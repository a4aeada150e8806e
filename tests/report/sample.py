"""A hand-built ReportModel that exercises every branch of the renderers: a met and an unmet
requirement, every example status, findings at each severity (Cyrillic paths, a control
character and markup in a message), and optionally a baseline."""

from __future__ import annotations

from typing import Any

from audit.model.report import (
    BaselineOut,
    CoverageOut,
    Diagnostic,
    ExampleOut,
    FindingRefOut,
    GapChangeOut,
    GapOut,
    GraphOut,
    ReportModel,
    RequirementOut,
    RuleOut,
    SummaryOut,
)
from audit.rules import all_rules

EXAMPLE_STATUSES = (
    "works",
    "failed",
    "timeout",
    "output-mismatch",
    "needs-module",
    "skipped",
    "syntax-error",
    "limit-exceeded",
)
FAILING = {"failed", "timeout", "output-mismatch", "syntax-error", "limit-exceeded"}
SKIPPED = {"needs-module", "skipped"}

TRACKER = "content/ml/пробелы-в-покрытии.md"
MATERIALS = "content/ml/материалы.md"


def _gap(number: int, title: str, met: dict[str, bool], status: Any) -> GapOut:
    return GapOut(
        id=title.lower().replace(" ", "-"),
        number=number,
        title=title,
        category="КРИТИЧЕСКИЕ GAPS",
        track="ml",
        tracker=TRACKER,
        line=5 * number,
        declared_status="covered",
        declared_raw="ЗАПОЛНЕНО",
        computed_status=status,
        priority="1",
        claims=[],
        requirements={
            name: RequirementOut(
                met=ok, evidence=[] if not ok else ["x"], reason="" if ok else f"no {name} <b>&</b>"
            )
            for name, ok in met.items()
        },
        score=sum(met.values()) / len(met),
        tasks=[],
        recommended_tasks=[],
    )


def sample_model(baseline: bool = False) -> ReportModel:
    gaps = [
        _gap(
            1,
            "MoE Routing",
            {"materials": True, "qa_levels": True, "practice_task": True},
            "covered",
        ),
        _gap(
            2,
            "Agentic Systems",
            {"materials": True, "qa_levels": False, "practice_task": False},
            "partial",
        ),
    ]
    examples = [
        ExampleOut(
            path=MATERIALS,
            line=10 + i,
            section="1" if i % 2 else "",
            status=status,
            duration_s=0.25 * i,
            cached=False,
            message="" if status == "works" else f"{status} happened",
        )
        for i, status in enumerate(EXAMPLE_STATUSES)
    ]
    diagnostics = [
        Diagnostic(
            path=MATERIALS,
            line=22,
            column=55,
            code="XR001",
            severity="error",
            message="broken link: '../tasks/ml_009_memory.md' does not exist",
            hint="check the path",
            rule="broken-link",
        ),
        Diagnostic(
            path=MATERIALS,
            line=30,
            column=3,
            code="XR002",
            severity="error",
            message="anchor '#решение' \x01 <script>alert(1)</script>",
            rule="broken-anchor",
        ),
        Diagnostic(
            path=TRACKER,
            line=7,
            column=1,
            code="GP010",
            severity="warning",
            message="the lead says 12 tasks, 50% done: a, b",
            rule="",
        ),
        Diagnostic(
            path="content/tasks/ml_001_routing.md",
            line=1,
            column=1,
            code="ZZ999",
            severity="info",
            message="a code that no rule in the registry has",
        ),
    ]
    model = ReportModel(
        tool={"name": "content-audit", "version": "0.1.0"},
        root="content",
        summary=SummaryOut(
            files=4,
            errors=2,
            warnings=1,
            infos=1,
            gaps=2,
            covered=1,
            partial=1,
            none=0,
            examples={s: 1 for s in EXAMPLE_STATUSES},
            passed=False,
        ),
        coverage=CoverageOut(
            overall=66.7,
            weighted_overall=70.0,
            examples_executed=True,
            by_category=[],
            by_priority=[],
            by_track=[],
        ),
        thresholds=[],
        gaps=gaps,
        diagnostics=diagnostics,
        examples=examples,
        graph=GraphOut(
            nodes=0, edges=0, node_kinds={}, edge_kinds={}, orphans=[], cycles=[], unresolved=[]
        ),
        rules=[
            RuleOut(
                code=r.code, name=r.name, severity=r.severity.value, summary=r.summary, doc=r.doc
            )
            for r in all_rules()
        ],
    )
    if not baseline:
        return model
    new = FindingRefOut(
        code="XR001",
        severity="error",
        path=MATERIALS,
        line=22,
        message="broken link: '../tasks/ml_009_memory.md' does not exist",
    )
    fixed = FindingRefOut(
        code="TK001",
        severity="error",
        path=MATERIALS,
        line=3,
        message="unknown task id ml_404_gone",
    )
    return model.model_copy(
        update={
            "baseline": BaselineOut(
                source="previous/report.json",
                schema_version=1,
                tool_version="0.0.9",
                previous_overall=75.0,
                current_overall=66.7,
                overall_delta=-8.3,
                previous_weighted_overall=71.0,
                current_weighted_overall=70.0,
                gaps=[
                    GapChangeOut(
                        id="agentic-systems",
                        tracker=TRACKER,
                        title="Agentic Systems",
                        change="regressed",
                        previous_status="covered",
                        current_status="partial",
                        previous_score=1.0,
                        current_score=1 / 3,
                    )
                ],
                new_findings=[new],
                fixed_findings=[fixed],
                new_errors=1,
                regressed=True,
                regressions=["coverage dropped from 75% to 66.7%", "1 new error finding"],
            )
        }
    )
