"""The JSON report: the ReportModel as-is (its schema is schema/report.schema.json)."""

from __future__ import annotations

from audit.model.report import ReportModel


def render(model: ReportModel) -> str:
    return model.model_dump_json(indent=2) + "\n"
