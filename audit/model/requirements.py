"""The requirement contract (schema/requirements.yaml): which checks make a gap covered."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CheckName = Literal["claimed_section", "qa_all_levels", "working_example", "practice_task"]


class Requirement(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = ""
    check: CheckName
    document_kind: Literal["materials", "interview", "any"] = "any"
    weight: float = Field(default=1.0, gt=0)


class RequirementsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = 1
    requirements: list[Requirement] = Field(min_length=1)
    # groups of words that name one topic in Russian and English (Квантизация, Quantization):
    # a gap's title matches a section heading through them (CL007)
    synonyms: list[list[str]] = Field(default_factory=list)
