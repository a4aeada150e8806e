"""Markdown report: short enough for a PR comment or $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

from audit.model.report import ReportModel, TaskCountOut

_MARK = {True: "✅", False: "❌"}
_STATUS = {
    "covered": "🟢 covered",
    "partial": "🟡 partial",
    "none": "🔴 none",
    "unknown": "⚪ unknown",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_CHANGE = {
    "new": "🆕 new",
    "removed": "➖ removed",
    "improved": "⬆️ improved",
    "regressed": "⬇️ regressed",
    "unchanged": "unchanged",
}


def _baseline(model: ReportModel, max_findings: int) -> list[str]:
    b = model.baseline
    if b is None:
        return []
    verdict = ("❌ regressed: " + "; ".join(b.regressions)) if b.regressed else "✅ no regression"
    out = [
        "## Change since baseline",
        "",
        f"Baseline `{_cell(b.source)}` (content-audit {b.tool_version or '?'}, "
        f"schema {b.schema_version}) · {verdict}",
        "",
        f"- coverage: {b.previous_overall:.1f}% → {b.current_overall:.1f}% "
        f"({b.overall_delta:+.1f} points); weighted {b.previous_weighted_overall:.1f}% → "
        f"{b.current_weighted_overall:.1f}%",
        f"- findings: {len(b.new_findings)} new ({b.new_errors} errors), "
        f"{len(b.fixed_findings)} fixed",
        "",
    ]
    changed = b.changed_gaps
    if changed:
        out += ["| gap | change | previous | current |", "|---|---|---|---|"]
        for g in changed:
            before = (
                f"{_STATUS[g.previous_status]} {100 * (g.previous_score or 0):.0f}%"
                if g.previous_status
                else "—"
            )
            after = (
                f"{_STATUS[g.current_status]} {100 * (g.current_score or 0):.0f}%"
                if g.current_status
                else "—"
            )
            out.append(f"| {_cell(g.title)} | {_CHANGE[g.change]} | {before} | {after} |")
        out.append("")
    else:
        out += ["No gap changed status or score.", ""]
    for title, items in (("New findings", b.new_findings), ("Fixed findings", b.fixed_findings)):
        if not items:
            continue
        out += [f"**{title}**", ""]
        out += [
            f"- `{f.code}` {f.severity} {_cell(f.path)}:{f.line}: {_cell(f.message)}"
            for f in items[:max_findings]
        ]
        if len(items) > max_findings:
            out.append(f"- … and {len(items) - max_findings} more (see report.json)")
        out.append("")
    return out


def task_count_phrase(t: TaskCountOut) -> str:
    """`llm` 11 from task files: what the tracker's task figures were checked against."""
    if t.counted_from == "nothing":
        return f"{t.track}: nothing to count (figures compared with each other only)"
    return f"{t.track}: {t.tasks} from {t.counted_from}"


def _task_count(t: TaskCountOut) -> str:
    return _cell(task_count_phrase(t))


def render(model: ReportModel, max_findings: int = 50) -> str:
    s, c = model.summary, model.coverage
    verdict = "✅ passed" if s.passed else "❌ failed"
    out = [
        f"# content-audit report: {verdict}",
        "",
        (
            f"**Coverage {c.overall:.1f}%** (weighted by interview frequency: "
            f"{c.weighted_overall:.1f}%) · {s.gaps} gaps: {s.covered} covered, "
            f"{s.partial} partial, {s.none} none"
            if c.measured
            else f"**{c.note}**"
        )
        + f" · {s.files} files · {s.errors} errors, {s.warnings} warnings",
        "",
    ]
    if c.task_counts:
        out += ["Tasks counted: " + "; ".join(_task_count(t) for t in c.task_counts), ""]
    if not c.examples_executed:
        out += [
            '> Examples were not executed: "working example" means *compiles* (static check only).',
            "",
        ]
    if model.thresholds:
        out += ["## Thresholds", "", "| threshold | required | actual | |", "|---|---|---|---|"]
        for t in model.thresholds:
            out.append(
                f"| {_cell(t.name)} | {t.comparison} {t.required:g} | {t.actual:g} | "
                f"{_MARK[t.passed]} |"
            )
        out.append("")
    if model.baseline is not None:
        out += _baseline(model, max_findings)
    requirement_names = model.requirement_names
    if model.gaps:
        out += [
            "## Gaps",
            "",
            "| # | gap | category | declared | computed | unproven items | "
            + " | ".join(requirement_names)
            + " |",
            "|---|---|---|---|---|---|" + "---|" * len(requirement_names),
        ]
        for g in model.gaps:
            marks = " | ".join(_MARK[g.requirements[n].met] for n in requirement_names)
            declared = _STATUS.get(g.declared_status, g.declared_status)
            out.append(
                f"| {g.number if g.number is not None else ''} | {_cell(g.title)} | "
                f"{_cell(g.category)} | {declared} | {_STATUS[g.computed_status]} | "
                f"{g.unproven_items or ''} | {marks} |"
            )
        out.append("")
        out += [
            "## By category",
            "",
            "| category | gaps | covered | partial | none | score |",
            "|---|---|---|---|---|---|",
        ]
        for b in c.by_category:
            out.append(
                f"| {_cell(b.name)} | {b.gaps} | {b.covered} | {b.partial} | {b.none} | "
                f"{b.score:.1f}% |"
            )
        out.append("")
    if model.page_roles:
        out += ["<details><summary>Page roles</summary>", "", "| page | role | why |"]
        out.append("|---|---|---|")
        out += [f"| {_cell(r.path)} | {r.role} | {_cell(r.reason)} |" for r in model.page_roles]
        out += ["", "</details>", ""]
    if model.diagnostics:
        out += ["## Findings", ""]
        by_file: dict[str, list[str]] = {}
        for d in model.diagnostics[:max_findings]:
            by_file.setdefault(d.path, []).append(
                f"- `{d.code}` {d.severity} line {d.line}: {d.message}"
            )
        for path, lines in by_file.items():
            out += [f"**{path}**", "", *lines, ""]
        if len(model.diagnostics) > max_findings:
            out += [f"… and {len(model.diagnostics) - max_findings} more (see report.json).", ""]
    if s.examples:
        out += ["## Examples", "", ", ".join(f"{k}: {v}" for k, v in s.examples.items()), ""]
    return "\n".join(out).rstrip() + "\n"
