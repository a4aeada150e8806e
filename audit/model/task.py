"""The front matter contract of a practice task (exported as schema/task.schema.json)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class TaskFrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Equals the file stem, e.g. llm_001_rag_pipeline.")
    title: str = Field(min_length=1)
    track: str = Field(min_length=1, description="Track folder the task belongs to (llm, dl...).")
    subcategory: str = Field(min_length=1, description="Row of the tracker's coverage table.")
    difficulty: Literal["easy", "medium", "hard"]
    gap: str | None = Field(default=None, description="Stable id of the tracker gap it fills.")
    related: list[str] = Field(default_factory=list)
    prerequisites: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    audit: dict[str, Any] = Field(default_factory=dict, description="Per-file audit settings.")
