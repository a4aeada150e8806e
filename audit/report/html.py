"""HTML report: one self-contained file (inline CSS and JS, no network), rendered with Jinja2.

Content is untrusted (headings, gap titles, messages come from the knowledge base): autoescaping
is on, nothing from the model is marked safe, and the data the page's script reads goes through
Jinja's ``tojson`` (which escapes ``<``, ``>``, ``&`` and ``'``) into a non-executable
``application/json`` script element. The script builds the details panel with ``textContent`` only.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from audit.model.report import ReportModel
from audit.report.badge import percent_text

TEMPLATE = "report.html.j2"
STATUS_LABELS = {"covered": "covered", "partial": "partial", "none": "none", "unknown": "unknown"}


def _fraction_percent(value: float) -> str:
    """A 0..1 score shown as a percentage (formatting only)."""
    return f"{value * 100:.0f}%"


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _requirement_title(name: str) -> str:
    return name.replace("_", " ")


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("audit.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pct"] = percent_text
    env.filters["fraction_pct"] = _fraction_percent
    env.filters["seconds"] = _seconds
    env.filters["requirement_title"] = _requirement_title
    return env


def render(model: ReportModel) -> str:
    gap_data: list[dict[str, Any]] = [g.model_dump(mode="json") for g in model.gaps]
    context = {
        "model": model,
        "requirement_names": model.requirement_names,
        "filters": model.gap_filters,
        "status_labels": STATUS_LABELS,
        "gap_data": gap_data,
    }
    return environment().get_template(TEMPLATE).render(context)
