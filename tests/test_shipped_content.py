"""The shipped knowledge base: its intended findings are pinned, and it passes its thresholds.

A content edit that adds, removes or moves one of these findings fails this test on purpose:
update the list together with the tracker.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audit.cli import main

PROJECT = Path(__file__).parent.parent
LLM = "content/llm/пробелы-в-покрытии.md"
DL = "content/dl/пробелы-в-покрытии.md"

INTENDED = {
    # (code, path, gap or subject)
    ("GP010", LLM, "lead: 12 tasks"),
    ("GP010", LLM, "lead: 12 tasks (second sentence)"),
    ("GP010", LLM, "heading: 12 tasks"),
    ("GP010", LLM, "table row RAG Pipeline"),
    ("GP010", LLM, "coverage ~99%"),
    ("GP003", LLM, "model-architecture-deep-dive"),
    ("GP004", LLM, "model-architecture-deep-dive"),
    ("GP002", LLM, "evaluation-benchmarks"),
    ("GP009", LLM, "cost-optimization"),
    ("GP009", LLM, "llm-testing"),
    ("GP001", LLM, "safety-ethics"),
    ("GP007", LLM, "Prompt Caching"),
    ("GP005", LLM, "llm_007_tokenization -> dl_003_positional"),
    ("GP006", LLM, "llm_022_tool_calling"),
}


@pytest.fixture(scope="module")
def report() -> dict[str, object]:
    import contextlib
    import io
    import os

    previous = os.getcwd()
    os.chdir(PROJECT)
    try:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["report", "--no-exec", "--format", "json"])
    finally:
        os.chdir(previous)
    data: dict[str, object] = json.loads(out.getvalue())
    data["_exit"] = code
    return data


def _gap_at(report: dict[str, object], path: str, line: int) -> str:
    gaps = [g for g in report["gaps"] if g["tracker"] == path and g["line"] <= line]  # type: ignore[union-attr,index]
    return str(max(gaps, key=lambda g: g["line"])["id"]) if gaps else ""  # type: ignore[index]


def test_findings_are_exactly_the_intended_ones(report: dict[str, object]) -> None:
    diagnostics = report["diagnostics"]
    assert isinstance(diagnostics, list)
    assert all(d["severity"] != "error" for d in diagnostics)
    got = sorted((d["code"], d["path"], d["line"]) for d in diagnostics)
    assert len(got) == len(INTENDED), got
    codes = sorted(code for code, _path, _what in INTENDED)
    assert sorted(code for code, _p, _l in got) == codes
    assert {p for _c, p, _l in got} == {LLM}
    by_code_gap = {(d["code"], _gap_at(report, d["path"], d["line"])) for d in diagnostics}
    for code, _path, subject in INTENDED:
        if "-" in subject and " " not in subject:  # a gap id
            assert (code, subject) in by_code_gap, (code, subject)


def test_statuses_of_the_shipped_trackers(report: dict[str, object]) -> None:
    statuses = {g["id"]: g["computed_status"] for g in report["gaps"]}  # type: ignore[union-attr,index]
    assert statuses["agentic-systems"] == "covered"
    assert statuses["model-architecture-deep-dive"] == "covered"
    assert statuses["safety-ethics"] == "partial"
    assert statuses["multi-modal-llms"] == "none"
    assert statuses["positional-encodings"] == "covered"
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert (summary["covered"], summary["partial"], summary["none"]) == (10, 10, 3)


def test_shipped_content_passes_its_thresholds(report: dict[str, object]) -> None:
    assert report["_exit"] == 0
    thresholds = report["thresholds"]
    assert isinstance(thresholds, list) and thresholds
    assert all(t["passed"] for t in thresholds)


def test_the_dl_tracker_is_the_clean_one(report: dict[str, object]) -> None:
    assert not [d for d in report["diagnostics"] if d["path"] == DL]  # type: ignore[union-attr,index]


def test_the_json_report_validates_against_the_exported_schema(report: dict[str, object]) -> None:
    import jsonschema

    schema = json.loads((PROJECT / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    data = {k: v for k, v in report.items() if k != "_exit"}
    jsonschema.validate(data, schema)
    data["summary"] = {"files": "many"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


@pytest.fixture(scope="module")
def checked() -> dict[str, object]:
    """`content-audit check content/` (what the pre-commit hook runs), without the cache."""
    import contextlib
    import io
    import os

    previous = os.getcwd()
    os.chdir(PROJECT)
    try:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["check", "--no-cache", "--format", "json", "content"])
    finally:
        os.chdir(previous)
    data: dict[str, object] = json.loads(out.getvalue())
    data["_exit"] = code
    return data


def test_check_reports_the_intended_tracker_findings(
    checked: dict[str, object], report: dict[str, object]
) -> None:
    diagnostics = checked["diagnostics"]
    assert isinstance(diagnostics, list)
    assert checked["_exit"] == 0
    got = sorted((d["code"], d["path"], d["line"]) for d in diagnostics)
    assert sorted(code for code, _p, _l in got) == sorted(code for code, _p, _w in INTENDED)
    # the same findings as the report without execution, at the same places
    assert got == sorted((d["code"], d["path"], d["line"]) for d in report["diagnostics"])  # type: ignore[union-attr,index]
    by_code = {d["code"]: d for d in diagnostics}
    assert "section 17" in by_code["GP001"]["message"]
    assert "says 5 Q&A" in by_code["GP002"]["message"]


def test_check_says_which_status_needs_the_examples(checked: dict[str, object]) -> None:
    diagnostics = checked["diagnostics"]
    assert isinstance(diagnostics, list)
    gp003 = [d for d in diagnostics if d["code"] == "GP003"]
    assert len(gp003) == 1
    # declared partial, covered only if the example that compiles also runs: check cannot know
    assert "computes as covered if its examples work" in gp003[0]["message"]
    assert "examples were not run" in gp003[0]["hint"]
    percent = [d for d in diagnostics if d["code"] == "GP010" and "coverage ~99%" in d["message"]]
    assert len(percent) == 1
    assert "whatever they do" in percent[0]["hint"]  # 99 % is off even if every example works
