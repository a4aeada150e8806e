"""Computed gap statuses written into a tracker page's built HTML (never into its Markdown).

A badge goes right after each gap heading, found by its id in the HTML (the anchor the audit
computed with the site's slug style) or, when a custom slugify makes the ids differ, by the
heading's text. The page gets one admonition with the computed coverage beside its own claim.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from audit.model.coverage import GapCoverage
from audit.model.document import Document
from audit.model.tracker import Tracker

DEFAULT_LABELS: dict[str, str] = {
    "measured": "измерено",
    "declared": "заявлено",
    "covered": "заполнено",
    "partial": "частично",
    "none": "нет",
    "unknown": "не указано",
    "unmet": "Не выполнено",
    "title": "content-audit",
    "page_claims": "страница заявляет",
    "page_claims_nothing": "страница не заявляет процент покрытия",
    "gaps": "пробелов",
}

_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1\s*>", re.S | re.I)
_ID = re.compile(r"""\bid\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_HEADERLINK = re.compile(r"<a\b[^>]*\bclass=\"[^\"]*headerlink[^\"]*\"[^>]*>.*?</a>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class GapBadge:
    gap_id: str
    anchor: str  # the heading's id as the audit computed it
    heading_text: str
    computed: str  # covered | partial | none
    declared: str  # covered | partial | none | unknown
    unmet: tuple[str, ...]  # "label: reason" of every requirement not met


@dataclass(frozen=True)
class PageSummary:
    measured: float  # percent, the track's computed coverage
    claimed: tuple[str, ...]  # the page's own coverage figures as written: "~99%"
    gaps: int


def page_badges(tracker: Tracker, doc: Document, gaps: Sequence[GapCoverage]) -> list[GapBadge]:
    by_line = {h.span.line: h for h in doc.headings}
    out = []
    for g in gaps:
        if g.gap.tracker != tracker.path:
            continue
        heading = by_line.get(g.gap.span.line)
        unmet = tuple(
            f"{r.label or r.name}: {r.reason}" if r.reason else (r.label or r.name)
            for r in g.requirements
            if not r.met
        )
        out.append(
            GapBadge(
                gap_id=g.gap.id,
                anchor=heading.anchor if heading else "",
                heading_text=heading.text if heading else g.gap.title,
                computed=g.status,
                declared=g.gap.declared_status,
                unmet=unmet,
            )
        )
    return out


def page_summary(tracker: Tracker, measured: float | None, gaps: int) -> PageSummary:
    claimed = tuple(
        f"~{f.value}%" + (f" {f.qualifier}" if f.qualifier else "")
        for f in tracker.figures
        if f.kind == "coverage-percent"
    )
    return PageSummary(measured if measured is not None else 0.0, claimed, gaps)


def _text(inner: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", _HEADERLINK.sub("", inner)))).strip()


def badge_html(badge: GapBadge, labels: Mapping[str, str]) -> str:
    esc = html.escape
    measured = f"{labels['measured']}: {labels.get(badge.computed, badge.computed)}"
    declared = f"{labels['declared']}: {labels.get(badge.declared, badge.declared)}"
    text = (
        f'<span class="content-audit-measured">{esc(measured)}</span>'
        f'<span class="content-audit-sep"> · </span>'
        f'<span class="content-audit-declared">{esc(declared)}</span>'
    )
    attrs = (
        f'class="content-audit-badge content-audit-{esc(badge.computed)}"'
        f' data-gap-id="{esc(badge.gap_id)}"'
        f' data-gap-status="{esc(badge.computed)}"'
        f' data-gap-declared="{esc(badge.declared)}"'
    )
    if not badge.unmet:
        return f'<div {attrs}><span class="content-audit-label">{text}</span></div>\n'
    tooltip = esc(labels["unmet"] + ": " + "; ".join(badge.unmet))
    items = "".join(f"<li>{esc(item)}</li>" for item in badge.unmet)
    return (
        f'<div {attrs} title="{tooltip}"><details class="content-audit-details">'
        f'<summary class="content-audit-label">{text}</summary>'
        f'<p class="content-audit-unmet-title">{esc(labels["unmet"])}:</p>'
        f'<ul class="content-audit-unmet">{items}</ul></details></div>\n'
    )


def summary_html(summary: PageSummary, labels: Mapping[str, str]) -> str:
    esc = html.escape
    measured = f"{labels['measured']} {summary.measured:.1f}%"
    if summary.claimed:
        line = f"{labels['page_claims']} {', '.join(summary.claimed)}, {measured}"
    else:
        line = f"{labels['page_claims_nothing']}; {measured}"
    return (
        '<div class="admonition info content-audit-summary" '
        f'data-coverage-measured="{summary.measured:.1f}">'
        f'<p class="admonition-title">{esc(labels["title"])}</p>'
        f"<p>{esc(line)} ({esc(labels['gaps'])}: {summary.gaps})</p></div>\n"
    )


def inject(
    page_html: str, badges: Sequence[GapBadge], summary: PageSummary, labels: Mapping[str, str]
) -> tuple[str, list[GapBadge]]:
    """The page's HTML with a badge after each gap heading and the summary at the top.

    Returns the new HTML and the badges whose heading was not found (reported by the caller).
    """
    headings = list(_HEADING.finditer(page_html))
    by_id: dict[str, re.Match[str]] = {}
    by_text: dict[str, list[re.Match[str]]] = {}
    for h in headings:
        idm = _ID.search(h.group(2))
        if idm:
            by_id.setdefault(idm.group(1) or idm.group(2) or "", h)
        by_text.setdefault(_text(h.group(3)), []).append(h)
    inserts: dict[int, list[str]] = {}
    used: set[int] = set()
    missing: list[GapBadge] = []
    for badge in badges:
        m: re.Match[str] | None = by_id.get(badge.anchor) if badge.anchor else None
        if m is None or m.start() in used:
            m = next(
                (c for c in by_text.get(badge.heading_text, []) if c.start() not in used), None
            )
        if m is None:
            missing.append(badge)
            continue
        used.add(m.start())
        inserts.setdefault(m.end(), []).append(badge_html(badge, labels))
    top = summary_html(summary, labels)
    first = headings[0] if headings else None
    if first is not None and first.group(1) == "1" and not page_html[: first.start()].strip():
        inserts.setdefault(first.end(), []).insert(0, top)
    else:
        inserts.setdefault(0, []).insert(0, top)
    out = []
    last = 0
    for pos in sorted(inserts):
        out.append(page_html[last:pos])
        out.append("\n" + "".join(inserts[pos]))
        last = pos
    out.append(page_html[last:])
    return "".join(out), missing
