"""Renderers: they format a ReportModel and never compute anything of their own.

``ARTIFACTS`` maps a format name to (file name in --output-dir, render function); adding a
reporter touches this table and its own module only.
"""

from __future__ import annotations

from collections.abc import Callable

from audit.model.report import ReportModel
from audit.report import badge, html, json_report, junit, markdown, sarif

Renderer = Callable[[ReportModel], str]

ARTIFACTS: dict[str, tuple[str, Renderer]] = {
    "json": ("report.json", json_report.render),
    "md": ("report.md", markdown.render),
    "junit": ("junit.xml", junit.render),
    "sarif": ("report.sarif", sarif.render),
    "html": ("report.html", html.render),
    "badge": ("badge.svg", badge.render),
}
