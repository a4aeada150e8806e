"""Baseline: reading a previous report.json (or refusing it clearly) and the comparison."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from audit.errors import AuditError
from audit.model.report import REPORT_SCHEMA_VERSION, ReportModel
from audit.report.baseline import compare, load_baseline
from tests.report.sample import sample_model


def _write(tmp_path: Path, data: Any, name: str = "previous.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _previous(model: ReportModel) -> dict[str, Any]:
    return json.loads(model.model_dump_json())


def test_identical_reports_change_nothing(tmp_path: Path) -> None:
    model = sample_model()
    result = compare(load_baseline(_write(tmp_path, _previous(model))), model, "p.json")
    assert result.overall_delta == 0 and not result.regressed and result.regressions == []
    assert result.new_findings == [] and result.fixed_findings == []
    assert [g.change for g in result.gaps] == ["unchanged", "unchanged"]
    assert result.tool_version == "0.1.0" and result.schema_version == REPORT_SCHEMA_VERSION


def test_gap_changes_coverage_delta_and_findings(tmp_path: Path) -> None:
    current = sample_model()
    previous = _previous(current)
    previous["coverage"]["overall"] = 70.0
    previous["gaps"][0]["computed_status"] = "partial"  # gap 1 improved since
    previous["gaps"][0]["score"] = 0.5
    previous["gaps"][1]["score"] = 0.9  # gap 2: same status, lower score now
    previous["gaps"].append({**previous["gaps"][1], "id": "dropped-gap", "title": "Dropped"})
    previous["diagnostics"] = [
        # the broken link was there before, on another line: not new (matched without the line)
        {**previous["diagnostics"][0], "line": 3},
        {
            "path": "content/ml/материалы.md",
            "line": 9,
            "column": 1,
            "code": "TK001",
            "severity": "error",
            "message": "unknown task id ml_404_gone",
        },
    ]
    result = compare(load_baseline(_write(tmp_path, previous)), current, "p.json")
    assert result.previous_overall == 70.0 and result.current_overall == 66.7
    assert result.overall_delta == pytest.approx(-3.3)
    changes = {(g.id, g.change) for g in result.gaps}
    assert changes == {
        ("moe-routing", "improved"),
        ("agentic-systems", "regressed"),
        ("dropped-gap", "removed"),
    }
    routing = next(g for g in result.gaps if g.id == "moe-routing")
    assert (routing.previous_status, routing.current_status) == ("partial", "covered")
    assert (routing.previous_score, routing.current_score) == (0.5, 1.0)
    assert [(f.code, f.line) for f in result.new_findings] == [
        ("XR002", 30),
        ("GP010", 7),
        ("ZZ999", 1),
    ]
    assert [(f.code, f.line) for f in result.fixed_findings] == [("TK001", 9)]
    assert result.new_errors == 1 and result.regressed
    assert result.regressions == ["coverage dropped from 70% to 66.7%", "1 new error finding"]


def test_a_new_gap_and_a_duplicate_finding(tmp_path: Path) -> None:
    current = sample_model()
    previous = _previous(current)
    previous["gaps"] = previous["gaps"][:1]
    previous["coverage"]["overall"] = 50.0
    # the same finding twice now, once before: one of the two is new (the later one)
    current = current.model_copy(
        update={
            "diagnostics": [
                current.diagnostics[2],
                current.diagnostics[2].model_copy(update={"line": 40}),
            ]
        }
    )
    previous["diagnostics"] = [previous["diagnostics"][2]]
    result = compare(load_baseline(_write(tmp_path, previous)), current, "p.json")
    assert [(g.id, g.change) for g in result.gaps] == [
        ("moe-routing", "unchanged"),
        ("agentic-systems", "new"),
    ]
    assert [f.line for f in result.new_findings] == [40]
    assert result.new_errors == 0 and not result.regressed  # a new warning, coverage rose
    assert result.overall_delta > 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "invalid JSON at line 1 column 2"),
        ("[]", "not a content-audit report.json (no schema_version)"),
        ({"schema_version": REPORT_SCHEMA_VERSION + 1}, "is newer than this content-audit reads"),
        ({"schema_version": 0}, "unknown schema_version 0 (readable: 1)"),
        ({"schema_version": "1"}, "schema_version must be an integer"),
        # a `check --format json` output is not a report
        ({"schema_version": 1, "diagnostics": []}, "not a content-audit report.json: coverage"),
        (
            {
                "schema_version": 1,
                "coverage": {"overall": 1},
                "gaps": [{"id": "x"}],
                "diagnostics": [],
            },
            "gaps.0.computed_status",
        ),
    ],
)
def test_refused_with_a_clear_message(tmp_path: Path, content: Any, message: str) -> None:
    with pytest.raises(AuditError, match=r"baseline .*previous\.json") as info:
        load_baseline(_write(tmp_path, content))
    assert message in str(info.value)


def test_missing_and_undecodable(tmp_path: Path) -> None:
    with pytest.raises(AuditError, match="no such file"):
        load_baseline(tmp_path / "nope.json")
    bad = tmp_path / "previous.json"
    bad.write_bytes(b"\xff\xfe{")
    with pytest.raises(AuditError, match="cannot read"):
        load_baseline(bad)


def test_extra_fields_of_a_same_version_report_are_ignored(tmp_path: Path) -> None:
    """Only what the comparison needs is read: a field added to v1 later does not break it."""
    previous = _previous(sample_model())
    previous["future_field"] = {"x": 1}
    previous["gaps"][0]["future_field"] = 1
    result = compare(load_baseline(_write(tmp_path, previous)), sample_model(), "p.json")
    assert not result.regressed
