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
    # (code, path, gap or subject); each is listed in content/README.md ("Намеренные находки")
    ("GP010", LLM, "table row RAG Pipeline"),
    ("GP018", LLM, "lead and heading 28 vs table rows 29"),
    ("GP003", LLM, "model-architecture-deep-dive"),
    ("GP004", LLM, "model-architecture-deep-dive"),
    ("GP002", LLM, "evaluation-benchmarks"),
    ("GP007", LLM, "Prompt Caching"),
    ("GP005", LLM, "llm_007_tokenization -> dl_003_positional"),
    ("GP006", LLM, "llm_022_tool_calling"),
    # the task llm_012 declares the gap, yet 'Осталось' still asks for one
    ("CL004", LLM, "model-architecture-deep-dive"),
    # a priority row still asks to add a task that exists
    ("CL005", LLM, "llm_014_agentic_patterns"),
    # info: every term of these 'Осталось' items is in a claimed section (may be done)
    ("CL006", DL, "Gradient clipping"),
    ("CL006", LLM, "diffusion-language-models"),
    ("CL006", LLM, "safety-ethics"),
    ("CL006", LLM, "inference-optimization"),
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
    diagnostics = [d for d in diagnostics if d["code"] != "CL006"]  # info, pinned below
    cl006 = sorted((d["path"], d["line"]) for d in report["diagnostics"] if d["code"] == "CL006")  # type: ignore[union-attr,index]
    assert [p for p, _ in cl006] == [DL, LLM, LLM, LLM]
    got = sorted((d["code"], d["path"], d["line"]) for d in diagnostics)
    intended = {i for i in INTENDED if i[0] != "CL006"}
    assert len(got) == len(intended), got
    codes = sorted(code for code, _path, _what in intended)
    assert sorted(code for code, _p, _l in got) == codes
    assert {p for _c, p, _l in got} == {LLM}  # warnings: only the llm tracker
    by_code_gap = {(d["code"], _gap_at(report, d["path"], d["line"])) for d in diagnostics}
    for code, _path, subject in intended:
        if "-" in subject and " " not in subject:  # a gap id
            assert (code, subject) in by_code_gap, (code, subject)


def test_statuses_of_the_shipped_trackers(report: dict[str, object]) -> None:
    statuses = {g["id"]: g["computed_status"] for g in report["gaps"]}  # type: ignore[union-attr,index]
    assert statuses["agentic-systems"] == "covered"
    assert statuses["model-architecture-deep-dive"] == "covered"
    assert statuses["safety-ethics"] == "covered"
    assert statuses["multi-modal-llms"] == "covered"
    assert statuses["llm-testing"] == "covered"
    assert statuses["normalization-layers"] == "partial"
    assert statuses["positional-encodings"] == "covered"
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert (summary["covered"], summary["partial"], summary["none"]) == (27, 2, 0)


def test_the_llm_tracker_tracks_the_24_seed_gaps_and_covers_most(report: dict[str, object]) -> None:
    gaps = [g for g in report["gaps"] if g["tracker"] == LLM]  # type: ignore[union-attr,index]
    assert len(gaps) == 24
    assert len({g["id"] for g in gaps}) == 24
    assert sorted(g["number"] for g in gaps) == list(range(1, 25))
    assert sum(g["computed_status"] == "covered" for g in gaps) >= 20
    for new_gap in (
        "model-merging",
        "advanced-peft-methods",
        "a-rag-agentic-rag",
        "semantic-cache-poisoning",
        "llm-observability",
        "neuro-symbolic-ai",
    ):
        assert any(g["id"] == new_gap for g in gaps), new_gap


def test_the_knowledge_base_has_enough_tasks_and_text() -> None:
    tasks = sorted((PROJECT / "content" / "tasks").glob("*.md"))
    with_gap = [t for t in tasks if "\ngap: " in t.read_text(encoding="utf-8").split("\n---", 1)[0]]
    assert len(tasks) >= 25 and len(with_gap) >= 25
    size = sum(p.stat().st_size for p in (PROJECT / "content").rglob("*.md"))
    assert size >= 800_000, size


def test_shipped_content_passes_its_thresholds(report: dict[str, object]) -> None:
    assert report["_exit"] == 0
    thresholds = report["thresholds"]
    assert isinstance(thresholds, list) and thresholds
    assert all(t["passed"] for t in thresholds)


def test_the_dl_tracker_is_the_clean_one(report: dict[str, object]) -> None:
    dl = [d for d in report["diagnostics"] if d["path"] == DL]  # type: ignore[union-attr,index]
    assert [d["severity"] for d in dl] == ["info"]  # one 'may be done' (CL006)


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
    assert "says 5 Q&A" in by_code["GP002"]["message"]
    assert "lines 16–39" in by_code["GP018"]["message"]


def test_check_says_which_status_needs_the_examples(checked: dict[str, object]) -> None:
    diagnostics = checked["diagnostics"]
    assert isinstance(diagnostics, list)
    gp003 = [d for d in diagnostics if d["code"] == "GP003"]
    assert len(gp003) == 1
    # declared partial, covered only if the example that compiles also runs: check cannot know
    assert "computes as covered if its examples work" in gp003[0]["message"]
    assert "examples were not run" in gp003[0]["hint"]
    # figures that need no example (task counts) carry no such hint
    assert all("examples" not in d["hint"] for d in diagnostics if d["code"] in ("GP010", "GP018"))
