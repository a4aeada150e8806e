"""The terminal report of `content-audit report`: what a person reads right after the run.

It must fit the terminal it is printed in (80 to 120 columns; wider terminals get 120, so lines
stay readable), so every table wraps its cells at word boundaries and the long reasons stay in
report.md/html/json: here the `missing` cell is only the names of the unmet requirements. The
gaps come one table per track (gap 1 of two trackers are two different gaps), the findings
grouped by file in `check`'s own `path:line:col: CODE [severity] message` form, capped.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from audit.model.report import Diagnostic, GapOut, ReportModel
from audit.report.github import baseline_line
from audit.report.markdown import task_count_phrase

MAX_WIDTH = 120
MAX_FINDINGS = 50
# the colours of the HTML report's pills: covered green, partial amber, none red, unknown muted
_STYLE = {"covered": "green", "partial": "yellow", "none": "red", "unknown": "dim"}
_SEVERITY = {"error": "red", "warning": "yellow", "info": "dim"}


def _console(stream: TextIO, width: int | None, color: bool | None) -> Console:
    detected = Console(file=stream).width if width is None else width
    return Console(
        file=stream,
        width=max(40, min(detected, MAX_WIDTH)),
        highlight=False,
        soft_wrap=False,
        force_terminal=color,
        no_color=color is False,
        color_system=None if color is False else "auto",
    )


def _status(status: str) -> Text:
    return Text(status, style=_STYLE.get(status, ""))


def missing_phrase(gap: GapOut) -> str:
    """The unmet requirements by name ("qa levels, practice task"): short, and made of words so
    it wraps cleanly; the reasons are in report.md."""
    parts = [name.replace("_", " ") for name in gap.unmet]
    if gap.unproven_items:  # claimed items not found where the tracker says (report.md lists them)
        n = gap.unproven_items
        parts.append(f"{n} unproven item{'' if n == 1 else 's'}")
    return ", ".join(parts)


def _gap_tables(model: ReportModel) -> list[Table]:
    by_tracker: dict[str, list[GapOut]] = {}
    for gap in model.gaps:
        by_tracker.setdefault(gap.tracker, []).append(gap)
    tables = []
    for tracker, gaps in by_tracker.items():
        table = Table(title=f"Gaps of {gaps[0].track}: {tracker}", title_justify="left")
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("gap", ratio=3)
        table.add_column("declared", no_wrap=True)
        table.add_column("computed", no_wrap=True)
        table.add_column("score", justify="right", no_wrap=True)
        table.add_column("missing", ratio=2)
        category = None
        for g in gaps:
            if g.category != category:  # a group heading of the tracker opens a section
                if category is not None:
                    table.add_section()
                category = g.category
                table.add_row("", Text(category, style="bold"), "", "", "", "")
            table.add_row(
                str(g.number) if g.number is not None else "",
                g.title,
                _status(g.declared_status),
                _status(g.computed_status),
                f"{100 * g.score:.0f}%",
                missing_phrase(g) or Text("—", style="dim"),
            )
        tables.append(table)
    return tables


def _thresholds(model: ReportModel) -> Table:
    table = Table(title="Thresholds", title_justify="left")
    table.add_column("threshold", ratio=1)
    for column in ("required", "actual"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("result", no_wrap=True)
    for t in model.thresholds:
        table.add_row(
            t.name,
            f"{t.comparison} {t.required:g}",
            f"{t.actual:g}",
            Text("passed", style="green") if t.passed else Text("FAILED", style="red"),
        )
    return table


def _finding(d: Diagnostic) -> Padding:
    line = Text(f"{d.line}:{d.column}: {d.code} ")
    line.append(f"[{d.severity}]", style=_SEVERITY.get(d.severity, ""))
    line.append(f" {d.message}" + (f" ({d.hint})" if d.hint else ""))
    return Padding(line, (0, 0, 0, 2))


def _findings(console: Console, model: ReportModel, more: str, limit: int) -> None:
    """The findings under their file's path, in the order of the report (path, line)."""
    shown = model.diagnostics[:limit]
    console.print(Text(f"Findings ({len(model.diagnostics)})", style="bold"))
    path = None
    for d in shown:
        if d.path != path:
            path = d.path
            console.print(Text(path, style="bold"))
        console.print(_finding(d))
    left = len(model.diagnostics) - len(shown)
    if left:
        console.print(Text(f"… and {left} more: {more}", style="dim"))


def summary_line(model: ReportModel) -> str:
    s, c = model.summary, model.coverage
    examples = ", ".join(f"{k} {v}" for k, v in s.examples.items()) or (
        "not executed" if not c.examples_executed else "none"
    )
    measured = (
        f"coverage {c.overall:.1f}% (weighted {c.weighted_overall:.1f}%), "
        f"gaps: {s.covered} covered / {s.partial} partial / {s.none} none"
        if c.measured
        else c.note
    )
    return (
        f"{measured}; "
        f"findings: {s.errors} errors, {s.warnings} warnings, {s.infos} notes; "
        f"examples: {examples}; {'passed' if s.passed else 'failed'}"
    )


def render(
    model: ReportModel,
    stream: TextIO,
    *,
    width: int | None = None,
    color: bool | None = None,
    quiet: bool = False,
    more: str = "report.md",
    max_findings: int = MAX_FINDINGS,
) -> None:
    """Print the report. ``width`` None: the terminal's (at most 120); ``color`` None: when the
    stream is a terminal; ``more`` names where the findings past ``max_findings`` are."""
    console = _console(stream, width, color)
    summary = Text(summary_line(model))
    summary.stylize("green" if model.summary.passed else "red", len(summary) - 6)
    if quiet:  # one line, whatever the width: the terminal wraps it if it must
        console.print(summary, soft_wrap=True)
        return
    for table in _gap_tables(model):
        console.print(table)
    if model.thresholds:
        console.print(_thresholds(model))
    if model.diagnostics:
        _findings(console, model, more, max_findings)
    c = model.coverage
    if c.task_counts:
        console.print(
            Text("tasks counted: " + "; ".join(task_count_phrase(t) for t in c.task_counts))
        )
    console.print(summary)
    if model.baseline is not None:
        style = "red" if model.baseline.regressed else "green"
        console.print(Text(baseline_line(model), style=style))
