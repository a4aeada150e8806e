"""`report --format github`: workflow annotations for the findings (the same lines as
`check --format github`), an annotation per baseline regression, and a one-line summary.

The Markdown report for ``$GITHUB_STEP_SUMMARY`` is audit/report/markdown.py; the CLI appends it.
"""

from __future__ import annotations

from audit.model.report import ReportModel
from audit.report.diagnostics import _escape_data, _escape_property, github_annotation


def baseline_line(model: ReportModel) -> str:
    """The change since the baseline in one line ("" without a baseline)."""
    b = model.baseline
    if b is None:
        return ""
    return (
        f"since baseline: coverage {b.previous_overall:g}% -> {b.current_overall:g}% "
        f"({b.overall_delta:+g}), {len(b.new_findings)} new findings "
        f"({b.new_errors} errors), {len(b.fixed_findings)} fixed"
        + (f"; REGRESSED: {'; '.join(b.regressions)}" if b.regressed else "")
    )


def gap_annotations(model: ReportModel) -> list[str]:
    """A notice on the heading line of each gap that is not covered, naming what is missing, so
    the pull request shows the tracker's state where the tracker is edited (the findings about
    the tracker are annotations already)."""
    lines = []
    for g in model.gaps:
        if g.computed_status == "covered":
            continue
        reasons = "; ".join(f"{n}: {g.requirements[n].reason}" for n in g.unmet)
        number = f"{g.number}. " if g.number is not None else ""
        title = _escape_property(f"gap {number}{g.title}: {g.computed_status}")
        text = f"gap '{g.title}' computes as {g.computed_status} ({100 * g.score:.0f}%)" + (
            f"; missing {reasons}" if reasons else ""
        )
        lines.append(
            f"::notice file={_escape_property(g.tracker)},line={g.line},title={title}::"
            f"{_escape_data(text)}"
        )
    return lines


def render(model: ReportModel) -> str:
    lines = [
        github_annotation(d.severity, d.path, d.line, d.column, d.code, d.message, d.hint)
        for d in model.diagnostics
    ]
    lines += gap_annotations(model)
    if model.baseline is not None:
        for reason in model.baseline.regressions:
            title = _escape_property("content-audit regression")
            lines.append(f"::error title={title}::{_escape_data(reason)}")
    s, c = model.summary, model.coverage
    lines.append(
        f"coverage {c.overall:g}% (weighted {c.weighted_overall:g}%), gaps: "
        f"{s.covered} covered / {s.partial} partial / {s.none} none; findings: "
        f"{s.errors} errors, {s.warnings} warnings, {s.infos} notes; "
        f"{'passed' if s.passed else 'failed'}"
    )
    if model.baseline is not None:
        lines.append(baseline_line(model))
    return "\n".join(lines) + "\n"
