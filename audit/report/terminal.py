"""The terminal summary of `content-audit report` (rich tables; plain text when not a TTY)."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from audit.model.report import ReportModel
from audit.report.github import baseline_line

_STYLE = {"covered": "green", "partial": "yellow", "none": "red", "unknown": "dim"}


def render(model: ReportModel, stream: TextIO) -> None:
    console = Console(file=stream, highlight=False, soft_wrap=False, width=120)
    table = Table(title="Gaps", show_lines=False)
    for column in ("#", "gap", "category", "declared", "computed", "score", "unproven", "missing"):
        table.add_column(column)
    for g in model.gaps:
        missing = "; ".join(f"{n}: {r.reason}" for n, r in g.requirements.items() if not r.met)
        table.add_row(
            str(g.number or ""),
            g.title,
            g.category,
            f"[{_STYLE[g.declared_status]}]{g.declared_status}[/]",
            f"[{_STYLE[g.computed_status]}]{g.computed_status}[/]",
            f"{100 * g.score:.0f}%",
            str(g.unproven_items or ""),
            missing[:90],
        )
    if model.gaps:
        console.print(table)
    thresholds = Table(title="Thresholds")
    for column in ("threshold", "required", "actual", "result"):
        thresholds.add_column(column)
    for t in model.thresholds:
        thresholds.add_row(
            t.name,
            f"{t.comparison} {t.required:g}",
            f"{t.actual:g}",
            "[green]passed[/]" if t.passed else "[red]FAILED[/]",
        )
    if model.thresholds:
        console.print(thresholds)
    s, c = model.summary, model.coverage
    verdict = "[green]passed[/]" if s.passed else "[red]failed[/]"
    examples = ", ".join(f"{k} {v}" for k, v in s.examples.items()) or (
        "not executed" if not c.examples_executed else "none"
    )
    console.print(
        f"coverage {c.overall:.1f}% (weighted {c.weighted_overall:.1f}%), "
        f"gaps: {s.covered} covered / {s.partial} partial / {s.none} none; "
        f"findings: {s.errors} errors, {s.warnings} warnings, {s.infos} notes; "
        f"examples: {examples}; {verdict}"
    )
    if model.baseline is not None:
        style = "red" if model.baseline.regressed else "green"
        console.print(f"[{style}]{escape(baseline_line(model))}[/]")
