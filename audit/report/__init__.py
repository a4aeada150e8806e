"""Renderers: they format a ReportModel and never compute anything of their own.

``ARTIFACTS`` maps a format name to (file name in --output-dir, render function); adding a
reporter touches this table and its own module only. The table is built on first use: importing
``audit.report.diagnostics`` (the ``check`` command's formats) must not pull in the report model,
jinja2 and every artifact renderer, which cost the pre-commit hook a tenth of a second.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from audit.model.report import ReportModel

    Renderer = Callable[[ReportModel], str]
    ARTIFACTS: dict[str, tuple[str, Renderer]]


def _artifacts() -> dict[str, tuple[str, Callable[[Any], str]]]:
    from audit.report import badge, html, json_report, junit, markdown, sarif

    return {
        "json": ("report.json", json_report.render),
        "md": ("report.md", markdown.render),
        "junit": ("junit.xml", junit.render),
        "sarif": ("report.sarif", sarif.render),
        "html": ("report.html", html.render),
        "badge": ("badge.svg", badge.render),
    }


def __getattr__(name: str) -> Any:
    if name == "ARTIFACTS":
        table = _artifacts()
        globals()["ARTIFACTS"] = table  # one table: later lookups (and monkeypatching) share it
        return table
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
