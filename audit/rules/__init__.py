"""Rules turn the topic graph, the parse problems and the later stages' results into findings:
every finding is made in this package. ``run_rules`` is this stage's one door."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from audit.model.document import Suppression
from audit.model.finding import Finding, Severity
from audit.rules import (
    claims,
    examples,
    frontmatter,
    io,
    links,
    markdown,
    qa,
    tasks,
    tracker,
)
from audit.rules.registry import REGISTRY, Rule, RuleContext, rule

__all__ = ["REGISTRY", "Rule", "RuleContext", "all_rules", "apply_policy", "rule", "run_rules"]

_FAMILIES = (
    io,
    markdown,
    frontmatter,
    links,
    tasks,
    qa,
    examples,
    tracker,
    claims,
)


def all_rules() -> list[Rule]:
    return sorted(REGISTRY.values(), key=lambda r: r.code)


def run_rules(
    ctx: RuleContext,
    stages: Iterable[str] = ("static",),
    scopes: Iterable[str] = ("file", "global"),
) -> list[Finding]:
    """Run every enabled rule of the given stages (and scopes); apply severity overrides and
    suppressions."""
    wanted = set(stages)
    wanted_scopes = set(scopes)
    findings: list[Finding] = []
    for item in all_rules():
        if (
            item.stage not in wanted
            or item.code in ctx.config.rules.disable
            or item.scope not in wanted_scopes
        ):
            continue
        findings.extend(item.check(ctx))
    return apply_policy(ctx, findings)


def apply_policy(ctx: RuleContext, findings: Iterable[Finding]) -> list[Finding]:
    overrides = ctx.config.rules.severity
    disabled = set(ctx.config.rules.disable)
    out: list[Finding] = []
    seen: set[tuple[object, ...]] = set()
    windows: dict[str, _Windows] = {}
    for finding in findings:
        if finding.code in disabled or _suppressed(ctx, finding, windows):
            continue
        if finding.code in overrides:
            finding = Finding(
                finding.code,
                Severity(overrides[finding.code]),
                finding.span,
                finding.message,
                finding.hint,
            )
        key = (finding.code, finding.span, finding.message)
        if key in seen:
            continue
        seen.add(key)
        out.append(finding)
    out.sort(key=Finding.sort_key)
    return out


class _Windows:
    """A page's suppression comments as line windows sorted by first line, with the running
    maximum of their last lines: the windows holding a line are found by bisection (a scan
    of every window per finding was quadratic on a page with thousands of both)."""

    def __init__(self, suppressions: Sequence[Suppression]) -> None:
        self.items = sorted(suppressions, key=lambda s: (s.first_line, s.last_line))
        self.firsts = [s.first_line for s in self.items]
        self.reach: list[int] = []
        furthest = 0
        for s in self.items:
            furthest = max(furthest, s.last_line)
            self.reach.append(furthest)

    def silences(self, line: int, code: str) -> bool:
        i = bisect_right(self.firsts, line) - 1
        while i >= 0 and self.reach[i] >= line:
            s = self.items[i]
            if s.last_line >= line and (not s.codes or code in s.codes):
                return True
            i -= 1
        return False


def _suppressed(ctx: RuleContext, finding: Finding, windows: dict[str, _Windows]) -> bool:
    doc = ctx.graph.documents.get(finding.span.path)
    if doc is None:
        return False
    if finding.code in doc.file_ignores:
        return True
    if not doc.suppressions:
        return False
    index = windows.get(doc.path)
    if index is None:
        index = windows[doc.path] = _Windows(doc.suppressions)
    return index.silences(finding.span.line, finding.code)
