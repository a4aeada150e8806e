"""The report model: everything every reporter renders, computed once (schema/report.schema.json).

Reporters (JSON, Markdown, HTML, JUnit, SARIF, terminal) only format this model.
"""

from __future__ import annotations

from functools import cached_property
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from audit.model.evidence import ItemState
from audit.model.example import ExampleStatus
from audit.model.graph_view import GraphViewOut

REPORT_SCHEMA_VERSION: Final = 1

# what an example's status means for a test report (JUnit): the others pass
EXAMPLE_FAILING: Final = frozenset(
    {"failed", "timeout", "output-mismatch", "limit-exceeded", "syntax-error"}
)
EXAMPLE_SKIPPED: Final = frozenset({"skipped", "needs-module"})
ExampleOutcome = Literal["passed", "failed", "skipped"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Diagnostic(_Model):
    path: str
    line: int = Field(ge=1)
    column: int = Field(ge=1)
    code: str
    severity: Literal["error", "warning", "info"]
    message: str
    hint: str = ""
    rule: str = ""


class TermOut(_Model):
    term: str
    line: int | None = None  # first line of the claimed section that mentions it


class ClaimItemOut(_Model):
    text: str
    count: int | None = None
    actual: int | None = None
    line: int | None = None  # the item's line in the tracker
    # looked for in the claimed section: found / missing / generic (not term-checked) /
    # uncheckable / unchecked (section unreadable); None when the claim did not resolve
    state: ItemState | None = None
    found: bool | None = None  # None: not term-checked
    terms: list[TermOut] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)  # "path:line" that proves it
    reason: str = ""  # what is missing, or why the item was not checked


class ClaimOut(_Model):
    document: str
    document_raw: str
    section: str  # "12", or a name for "(MoE section)"
    section_title: str = ""
    anchor: str = ""
    qualifiers: list[str]
    items: list[ClaimItemOut]
    resolved: bool
    reason: str = ""
    line: int
    credited: bool = True  # the section is about the gap, so it counts for its requirements
    credit_note: str = ""


class RequirementOut(_Model):
    met: bool
    evidence: list[str]
    reason: str
    label: str = ""


class GapOut(_Model):
    id: str
    number: int | None
    title: str
    category: str
    track: str
    tracker: str
    line: int
    declared_status: Literal["none", "partial", "covered", "unknown"]
    declared_raw: str
    computed_status: Literal["none", "partial", "covered"]
    priority: str
    frequency: int | None = None
    claims: list[ClaimOut]
    requirements: dict[str, RequirementOut]
    score: float = Field(ge=0, le=1)
    tasks: list[str]
    recommended_tasks: list[str]
    unproven_items: int = 0  # claimed items not found in their sections

    @property
    def unmet(self) -> list[str]:
        """The names of the requirements it does not meet, in the requirements' order."""
        return [name for name, r in self.requirements.items() if not r.met]

    @property
    def status_differs(self) -> bool:
        """The tracker declares another status than the one computed."""
        return self.declared_status != self.computed_status


class BucketOut(_Model):
    name: str
    gaps: int
    covered: int
    partial: int
    none: int
    score: float


class TaskCountOut(_Model):
    """The tasks of a track with a tracker, and what was counted: the tracker's figures are
    checked against this number (nothing counted: only against each other)."""

    track: str
    tasks: int = Field(ge=0)
    counted_from: Literal[
        "task files",
        "materials headings",
        "materials overview tables",
        "materials headings and overview tables",
        "nothing",
    ]


class CoverageOut(_Model):
    measured: bool = Field(
        default=True, description="False when no gap tracker was found (nothing to measure)."
    )
    note: str = Field(default="", description="Why coverage was not measured.")
    overall: float
    weighted_overall: float
    examples_executed: bool
    by_category: list[BucketOut]
    by_priority: list[BucketOut]
    by_track: list[BucketOut]
    task_counts: list[TaskCountOut] = Field(default_factory=list)


class ThresholdOut(_Model):
    name: str
    required: float
    actual: float
    passed: bool
    comparison: str


class GraphOut(_Model):
    nodes: int
    edges: int
    node_kinds: dict[str, int]
    edge_kinds: dict[str, int]
    orphans: list[str]
    cycles: list[list[str]]
    unresolved: list[str]


class ExampleOut(_Model):
    path: str
    line: int
    section: str  # the slug of the H2 section the example sits in ("" before any heading)
    section_title: str = ""  # that heading's text as written
    first_line: str = ""  # the example's first line of code, shown on hover
    status: ExampleStatus
    duration_s: float
    cached: bool
    message: str = ""
    isolation: list[str] = Field(default_factory=list)

    @property
    def outcome(self) -> ExampleOutcome:
        """What the status means for a test report: a failure, a skip, or a pass."""
        if self.status in EXAMPLE_FAILING:
            return "failed"
        return "skipped" if self.status in EXAMPLE_SKIPPED else "passed"


class SummaryOut(_Model):
    files: int
    errors: int
    warnings: int
    infos: int
    gaps: int
    covered: int
    partial: int
    none: int
    examples: dict[str, int]
    passed: bool


class RuleOut(_Model):
    code: str
    name: str
    severity: str
    summary: str
    doc: str


GapStatus = Literal["none", "partial", "covered"]


class GapChangeOut(_Model):
    """One gap compared with the baseline; gaps are matched by (tracker, id)."""

    id: str
    tracker: str
    title: str
    change: Literal["new", "removed", "improved", "regressed", "unchanged"]
    previous_status: GapStatus | None
    current_status: GapStatus | None
    previous_score: float | None
    current_score: float | None


class FindingRefOut(_Model):
    code: str
    severity: Literal["error", "warning", "info"]
    path: str
    line: int
    message: str


class BaselineOut(_Model):
    """The change since a previous report.json (``report --baseline``)."""

    source: str
    schema_version: int
    tool_version: str
    previous_overall: float
    current_overall: float
    overall_delta: float
    previous_weighted_overall: float
    current_weighted_overall: float
    gaps: list[GapChangeOut]
    new_findings: list[FindingRefOut]
    fixed_findings: list[FindingRefOut]
    new_errors: int
    regressed: bool
    regressions: list[str]

    @property
    def changed_gaps(self) -> list[GapChangeOut]:
        return [g for g in self.gaps if g.change != "unchanged"]

    @property
    def new_error_findings(self) -> list[FindingRefOut]:
        return [f for f in self.new_findings if f.severity == "error"]

    @cached_property
    def new_finding_keys(self) -> frozenset[tuple[str, str, int, str]]:
        return frozenset((f.code, f.path, f.line, f.message) for f in self.new_findings)

    def state_of(self, d: Diagnostic) -> Literal["new", "unchanged"]:
        """Whether a current finding is new since the baseline (SARIF's ``baselineState``)."""
        key = (d.code, d.path, d.line, d.message)
        return "new" if key in self.new_finding_keys else "unchanged"


class PageRoleOut(_Model):
    path: str
    role: Literal["tracker", "materials", "interview"]
    reason: str  # "name matches пробелы*.md", "content: 2 gap heading(s) with a status"


class ReportModel(_Model):
    schema_version: Literal[1] = REPORT_SCHEMA_VERSION
    tool: dict[str, str]
    root: str
    summary: SummaryOut
    coverage: CoverageOut
    thresholds: list[ThresholdOut]
    gaps: list[GapOut]
    diagnostics: list[Diagnostic]
    examples: list[ExampleOut]
    graph: GraphOut
    graph_view: GraphViewOut = Field(default_factory=GraphViewOut)  # layout for the HTML
    rules: list[RuleOut]
    baseline: BaselineOut | None = None
    page_roles: list[PageRoleOut] = Field(
        default_factory=list,
        description="The role each tracker/materials/interview page got, and why.",
    )

    @property
    def requirement_names(self) -> list[str]:
        """Requirement columns in the order the requirements file declares them."""
        names: dict[str, None] = {}
        for gap in self.gaps:
            names.update(dict.fromkeys(gap.requirements))
        return list(names)

    @property
    def error_diagnostics(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def gap_filters(self) -> dict[str, list[str]]:
        """The values the gaps table can be filtered by, per column."""
        return {
            "track": sorted({g.track for g in self.gaps}),
            "category": sorted({g.category for g in self.gaps}),
            "priority": sorted({g.priority for g in self.gaps}),
            "status": ["covered", "partial", "none"],
        }
