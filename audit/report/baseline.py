"""Baseline comparison: a previous report.json against the current ReportModel.

``load_baseline`` reads what it needs from a previous report (refusing, with an AuditError, a file
that is not JSON, not a report, or written by a newer schema); ``compare`` computes the change:
per gap (matched by tracker and id), overall coverage, and new and fixed findings. Findings are
matched by (code, path, message), not by line, so that an edit above a finding does not make it
"new"; when the same key occurs several times, only the surplus counts as new or fixed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from audit.errors import AuditError
from audit.model.report import (
    REPORT_SCHEMA_VERSION,
    BaselineOut,
    FindingRefOut,
    GapChangeOut,
    ReportModel,
)

_RANK = {"none": 0, "partial": 1, "covered": 2}
_EPSILON = 1e-9


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class PreviousGap(_Lenient):
    id: str
    tracker: str = ""
    title: str = ""
    computed_status: Literal["none", "partial", "covered"]
    score: float


class PreviousFinding(_Lenient):
    path: str
    line: int = 1
    code: str
    severity: Literal["error", "warning", "info"]
    message: str


class PreviousCoverage(_Lenient):
    overall: float
    weighted_overall: float = 0.0


class PreviousReport(_Lenient):
    """The part of a report.json a comparison needs (every schema version is read into this)."""

    schema_version: int
    tool_version: str = ""
    coverage: PreviousCoverage
    gaps: list[PreviousGap]
    diagnostics: list[PreviousFinding]


def _read_v1(data: dict[str, Any]) -> PreviousReport:
    tool = data.get("tool")
    version = tool.get("version", "") if isinstance(tool, dict) else ""
    return PreviousReport.model_validate({**data, "tool_version": str(version)})


# schema_version → reader. An older version keeps its reader here when the model changes.
READERS: dict[int, Callable[[dict[str, Any]], PreviousReport]] = {1: _read_v1}


def load_baseline(path: Path) -> PreviousReport:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise AuditError(f"baseline {path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditError(f"baseline {path}: cannot read: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AuditError(
            f"baseline {path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    if not isinstance(data, dict) or "schema_version" not in data:
        raise AuditError(f"baseline {path}: not a content-audit report.json (no schema_version)")
    version = data["schema_version"]
    if not isinstance(version, int) or isinstance(version, bool):
        raise AuditError(f"baseline {path}: schema_version must be an integer, got {version!r}")
    if version > REPORT_SCHEMA_VERSION:
        raise AuditError(
            f"baseline {path}: schema_version {version} is newer than this "
            f"content-audit reads ({REPORT_SCHEMA_VERSION}); upgrade content-audit"
        )
    reader = READERS.get(version)
    if reader is None:
        known = ", ".join(str(v) for v in sorted(READERS))
        raise AuditError(f"baseline {path}: unknown schema_version {version} (readable: {known})")
    try:
        return reader(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top)"
        raise AuditError(
            f"baseline {path}: not a content-audit report.json: {where}: {first['msg']}"
        ) from exc


def _gap_changes(previous: PreviousReport, current: ReportModel) -> list[GapChangeOut]:
    before = {(g.tracker, g.id): g for g in previous.gaps}
    out = []
    seen = set()
    for g in current.gaps:
        key = (g.tracker, g.id)
        seen.add(key)
        old = before.get(key)
        if old is None:
            out.append(
                GapChangeOut(
                    id=g.id,
                    tracker=g.tracker,
                    title=g.title,
                    change="new",
                    previous_status=None,
                    current_status=g.computed_status,
                    previous_score=None,
                    current_score=g.score,
                )
            )
            continue
        delta = (_RANK[g.computed_status] - _RANK[old.computed_status]) or (g.score - old.score)
        change: Literal["improved", "regressed", "unchanged"] = (
            "improved" if delta > _EPSILON else "regressed" if delta < -_EPSILON else "unchanged"
        )
        out.append(
            GapChangeOut(
                id=g.id,
                tracker=g.tracker,
                title=g.title,
                change=change,
                previous_status=old.computed_status,
                current_status=g.computed_status,
                previous_score=old.score,
                current_score=g.score,
            )
        )
    for key, old in before.items():
        if key not in seen:
            out.append(
                GapChangeOut(
                    id=old.id,
                    tracker=old.tracker,
                    title=old.title,
                    change="removed",
                    previous_status=old.computed_status,
                    current_status=None,
                    previous_score=old.score,
                    current_score=None,
                )
            )
    return out


def _surplus(items: list[FindingRefOut], other: list[FindingRefOut]) -> list[FindingRefOut]:
    """The items of ``items`` beyond the count of their (code, path, message) in ``other``;
    when a key is in surplus, its last occurrences (by line) are the surplus ones."""
    budget = Counter((f.code, f.path, f.message) for f in other)
    out = []
    for f in sorted(items, key=lambda f: (f.path, f.line, f.code, f.message)):
        key = (f.code, f.path, f.message)
        if budget[key] > 0:
            budget[key] -= 1
        else:
            out.append(f)
    return out


def compare(previous: PreviousReport, current: ReportModel, source: str) -> BaselineOut:
    before = [
        FindingRefOut(code=f.code, severity=f.severity, path=f.path, line=f.line, message=f.message)
        for f in previous.diagnostics
    ]
    now = [
        FindingRefOut(code=d.code, severity=d.severity, path=d.path, line=d.line, message=d.message)
        for d in current.diagnostics
    ]
    new, fixed = _surplus(now, before), _surplus(before, now)
    previous_overall = previous.coverage.overall
    current_overall = current.coverage.overall
    delta = round(current_overall - previous_overall, 4)
    new_errors = sum(1 for f in new if f.severity == "error")
    regressions = []
    if delta < -_EPSILON:
        regressions.append(f"coverage dropped from {previous_overall:g}% to {current_overall:g}%")
    if new_errors:
        regressions.append(f"{new_errors} new error finding{'s' if new_errors != 1 else ''}")
    return BaselineOut(
        source=source,
        schema_version=previous.schema_version,
        tool_version=previous.tool_version,
        previous_overall=previous_overall,
        current_overall=current_overall,
        overall_delta=delta,
        previous_weighted_overall=previous.coverage.weighted_overall,
        current_weighted_overall=current.coverage.weighted_overall,
        gaps=_gap_changes(previous, current),
        new_findings=new,
        fixed_findings=fixed,
        new_errors=new_errors,
        regressed=bool(regressions),
        regressions=regressions,
    )


def with_baseline(model: ReportModel, path: Path) -> ReportModel:
    """The model with its ``baseline`` filled from the report.json at ``path``."""
    return model.model_copy(update={"baseline": compare(load_baseline(path), model, str(path))})
