"""A drawable view of the topic graph: nodes with positions and edges with paths.

Filled once from the TopicGraph (audit/graph/layout.py, called from audit/report/build.py) so that
the HTML reporter only draws it: every coordinate is decided here, none in a template.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ViewKind = Literal["gap", "section", "task"]
ViewState = Literal["covered", "partial", "none", "ok", "missing", "planned"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GraphViewNode(_Model):
    id: str
    kind: ViewKind
    label: str  # short text drawn in the box
    title: str  # full text shown on hover
    state: ViewState
    x: float
    y: float
    width: float
    height: float
    label_x: float  # where the label starts, relative to (x, y)
    label_y: float  # the label's vertical centre, relative to (x, y)


class GraphViewEdge(_Model):
    source: str
    target: str
    kind: str
    path: str  # SVG path data, e.g. "M 10 20 C 40 20, 40 60, 70 60"


class GraphViewColumn(_Model):
    kind: ViewKind
    title: str
    x: float
    nodes: int
    omitted: int = 0  # nodes of this kind left out to keep the picture readable


class GraphViewOut(_Model):
    width: float = 0
    height: float = 0
    columns: list[GraphViewColumn] = Field(default_factory=list)
    nodes: list[GraphViewNode] = Field(default_factory=list)
    edges: list[GraphViewEdge] = Field(default_factory=list)
