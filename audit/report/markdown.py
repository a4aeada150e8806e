"""Markdown report: short enough for a PR comment or $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

from audit.model.report import ReportModel

_MARK = {True: "✅", False: "❌"}
_STATUS = {"covered": "🟢 covered", "partial": "🟡 partial", "none": "🔴 none",
           "unknown": "⚪ unknown"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(model: ReportModel, max_findings: int = 50) -> str:
    s, c = model.summary, model.coverage
    verdict = "✅ passed" if s.passed else "❌ failed"
    out = [
        f"# content-audit report: {verdict}",
        "",
        f"**Coverage {c.overall:.1f}%** (weighted by interview frequency: "
        f"{c.weighted_overall:.1f}%) · {s.gaps} gaps: {s.covered} covered, {s.partial} partial, "
        f"{s.none} none · {s.files} files · {s.errors} errors, {s.warnings} warnings",
        "",
    ]
    if not c.examples_executed:
        out += ["> Examples were not executed: \"working example\" means *compiles* "
                "(static check only).", ""]
    if model.thresholds:
        out += ["## Thresholds", "", "| threshold | required | actual | |", "|---|---|---|---|"]
        for t in model.thresholds:
            out.append(f"| {_cell(t.name)} | {t.comparison} {t.required:g} | {t.actual:g} | "
                       f"{_MARK[t.passed]} |")
        out.append("")
    if model.baseline:
        out += ["## Change since baseline", ""]
        for key, value in model.baseline.items():
            if not isinstance(value, (list, dict)):
                out.append(f"- {key}: {value}")
        out.append("")
    requirement_names = list(model.gaps[0].requirements) if model.gaps else []
    if model.gaps:
        out += ["## Gaps", "",
                "| # | gap | category | declared | computed | " + " | ".join(requirement_names)
                + " |", "|---|---|---|---|---|" + "---|" * len(requirement_names)]
        for g in model.gaps:
            marks = " | ".join(_MARK[g.requirements[n].met] for n in requirement_names)
            declared = _STATUS.get(g.declared_status, g.declared_status)
            out.append(f"| {g.number if g.number is not None else ''} | {_cell(g.title)} | "
                       f"{_cell(g.category)} | {declared} | {_STATUS[g.computed_status]} | "
                       f"{marks} |")
        out.append("")
        out += ["## By category", "", "| category | gaps | covered | partial | none | score |",
                "|---|---|---|---|---|---|"]
        for b in c.by_category:
            out.append(f"| {_cell(b.name)} | {b.gaps} | {b.covered} | {b.partial} | {b.none} | "
                       f"{b.score:.1f}% |")
        out.append("")
    if model.diagnostics:
        out += ["## Findings", ""]
        by_file: dict[str, list[str]] = {}
        for d in model.diagnostics[:max_findings]:
            by_file.setdefault(d.path, []).append(
                f"- `{d.code}` {d.severity} line {d.line}: {d.message}")
        for path, lines in by_file.items():
            out += [f"**{path}**", "", *lines, ""]
        if len(model.diagnostics) > max_findings:
            out += [f"… and {len(model.diagnostics) - max_findings} more (see report.json).", ""]
    if s.examples:
        out += ["## Examples", "", ", ".join(f"{k}: {v}" for k, v in s.examples.items()), ""]
    return "\n".join(out).rstrip() + "\n"
