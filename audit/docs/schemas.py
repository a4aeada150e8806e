"""The JSON Schemas exported to ``schema/``: one registry, so adding a schema is one line.

``content-audit schema --write`` regenerates the files; ``--check`` (and a test) fail when a file
in ``schema/`` differs from what the models produce.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from audit.model.config import Config
from audit.model.report import ReportModel
from audit.model.requirements import RequirementsSpec
from audit.model.task import TaskFrontMatter

SCHEMA_DIR = "schema"


@dataclass(frozen=True)
class SchemaEntry:
    filename: str  # under schema/
    title: str
    build: Callable[[], dict[str, Any]]


def _model_schema(model: type[BaseModel], title: str) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        schema = model.model_json_schema()
        schema["title"] = title
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}

    return build


SCHEMAS: dict[str, SchemaEntry] = {}


def register_schema(
    name: str, filename: str, title: str, build: Callable[[], dict[str, Any]]
) -> None:
    """Add a schema to the registry (``name`` is what ``schema NAME`` would print)."""
    if name in SCHEMAS:
        raise ValueError(f"schema {name} registered twice")
    SCHEMAS[name] = SchemaEntry(filename, title, build)


def register_model(name: str, filename: str, model: type[BaseModel], title: str) -> None:
    register_schema(name, filename, title, _model_schema(model, title))


register_model("config", "config.schema.json", Config, "content-audit configuration")
register_model("task", "task.schema.json", TaskFrontMatter, "content-audit task front matter")
register_model("report", "report.schema.json", ReportModel, "content-audit report (report.json)")
register_model(
    "requirements",
    "requirements.schema.json",
    RequirementsSpec,
    "content-audit requirements (schema/requirements.yaml)",
)


def render_schema(entry: SchemaEntry) -> str:
    """Stable text: sorted keys, two-space indent, UTF-8 kept, one trailing newline."""
    return json.dumps(entry.build(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def stale_schemas(directory: Path) -> list[str]:
    """Names of the files in ``directory`` that are missing or differ from the models."""
    out = []
    for entry in SCHEMAS.values():
        path = directory / entry.filename
        try:
            current = path.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != render_schema(entry):
            out.append(entry.filename)
    return out


def write_schemas(directory: Path) -> list[str]:
    """Write every stale schema into ``directory``; return the names of the files written."""
    from audit.atomic import write_text_atomic

    changed = stale_schemas(directory)
    for entry in SCHEMAS.values():
        if entry.filename in changed:
            write_text_atomic(directory / entry.filename, render_schema(entry))
    return changed
