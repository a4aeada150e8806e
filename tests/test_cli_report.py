"""`content-audit report` end to end on tests/fixtures/report-two-gaps: artifacts, output folders,
--format github and $GITHUB_STEP_SUMMARY, --baseline and --fail-on-regression."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from audit.report import ARTIFACTS
from tests.helpers import PROJECT, run_cli, run_subprocess
from tests.report.test_junit import validate_structure, validate_xsd
from tests.report.test_sarif import validate

Tree = Callable[[str], Path]
MATERIALS = "content/ml/материалы.md"
BROKEN = "[память агента](../tasks/ml_009_memory.md)"
REPORT_SCHEMA = PROJECT / "schema" / "report.schema.json"


@pytest.fixture
def tree(fixture_tree: Tree) -> Path:
    return fixture_tree("report-two-gaps")


def _fix_link(root: Path) -> None:
    path = root / MATERIALS
    path.write_text(
        path.read_text(encoding="utf-8").replace(BROKEN, "память агента"), encoding="utf-8"
    )


def test_artifacts_written_into_a_new_nested_folder(tree: Path) -> None:
    run = run_cli(["report", "--output-dir", "build/a/b"], tree)
    assert run.code == 1, run.err  # the broken link and the failing example are errors
    folder = tree / "build" / "a" / "b"
    expected = {name for name, _ in ARTIFACTS.values()}
    assert {"report.json", "report.md", "junit.xml", "report.sarif"} <= expected
    assert {p.name for p in folder.iterdir()} == expected  # and no temporary file left behind
    assert "reports written to build/a/b/" in run.err
    junit = (folder / "junit.xml").read_text(encoding="utf-8")
    validate_xsd(junit)
    root = validate_structure(junit)
    examples = root.find("testsuite[@name='examples']")
    assert examples is not None and examples.get("tests") == "3"
    assert examples.get("failures") == "1"  # the example that raises, really executed
    findings = root.find("testsuite[@name='findings']")
    assert findings is not None
    assert [c.get("name") for c in findings.iter("testcase")] == ["XR001 line 22", "EX002 line 26"]
    sarif = json.loads((folder / "report.sarif").read_text(encoding="utf-8"))
    validate(sarif)
    regions = [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"])
        for r in sarif["runs"][0]["results"]
    ]
    assert regions == [
        ("XR001", {"startLine": 22, "startColumn": 55}),
        ("EX002", {"startLine": 26, "startColumn": 1}),
    ]
    text = (tree / MATERIALS).read_text(encoding="utf-8").splitlines()[21]
    assert text[54:].startswith(BROKEN)  # column 55 (1-based) is the link


def test_output_dir_under_a_file_is_exit_2_before_the_run(tree: Path) -> None:
    (tree / "afile").write_text("x", encoding="utf-8")
    run = run_subprocess(["report", "--no-exec", "--output-dir", "afile/reports"], tree)
    assert run.code == 2
    assert "cannot create output folder afile/reports: Not a directory" in run.err
    assert "Traceback" not in run.err and "internal error" not in run.err
    run = run_subprocess(["report", "--no-exec", "--format", "json", "-o", "afile/r.json"], tree)
    assert run.code == 2 and "cannot create folder of --output" in run.err


def test_a_failing_renderer_leaves_the_previous_reports_whole(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli(["report", "--no-exec", "--output-dir", "out"], tree).code == 1
    before = {p.name: p.read_bytes() for p in (tree / "out").iterdir()}

    def broken(model: object) -> str:
        raise RuntimeError("renderer crashed")

    _fix_link(tree)  # the new run would change every report
    monkeypatch.setitem(ARTIFACTS, "sarif", ("report.sarif", broken))
    run = run_cli(["report", "--no-exec", "--output-dir", "out"], tree)
    assert run.code == 2 and "renderer crashed" in run.err
    assert {p.name: p.read_bytes() for p in (tree / "out").iterdir()} == before


def test_format_github_annotations_and_step_summary(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tree / "summary.md"
    summary.write_text("previous step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run = run_cli(["report", "--no-exec", "--format", "github"], tree)
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines[0] == (
        "::error file=content/ml/материалы.md,line=22,col=55,title=XR001::XR001 broken link: "
        "'../tasks/ml_009_memory.md' does not exist (resolved to content/tasks/ml_009_memory.md)"
    )
    assert lines[-1].startswith("coverage 75% (weighted 75%)") and lines[-1].endswith("failed")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("previous step\n# content-audit report: ❌ failed")
    assert "`XR001` error line 22" in text
    run_cli(["report", "--no-exec", "--format", "github"], tree)
    assert summary.read_text(encoding="utf-8").count("# content-audit report") == 2  # appended


def test_step_summary_only_for_the_github_format(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tree / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run_cli(["report", "--no-exec", "--format", "json"], tree)
    assert not summary.exists()


def _is_junit(text: str) -> None:
    validate_xsd(text)
    root = validate_structure(text)
    findings = root.find("testsuite[@name='findings']")
    assert findings is not None
    assert [c.get("name") for c in findings.iter("testcase")] == ["XR001 line 22"]


def _is_sarif(text: str) -> None:
    sarif = json.loads(text)
    validate(sarif)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["XR001"]


def _is_markdown(text: str) -> None:
    assert text.startswith("# content-audit report: ❌ failed\n")
    assert "**Coverage 75.0%**" in text
    assert "| 2 | Agentic Systems |" in text


def _is_json(text: str) -> None:
    report = json.loads(text)
    jsonschema.validate(report, json.loads(REPORT_SCHEMA.read_text(encoding="utf-8")))
    assert [(d["code"], d["line"]) for d in report["diagnostics"]] == [("XR001", 22)]
    assert report["coverage"]["overall"] == 75.0


FORMAT_CHECKS: dict[str, Callable[[str], None]] = {
    "junit": _is_junit,
    "sarif": _is_sarif,
    "md": _is_markdown,
    "json": _is_json,
}


@pytest.mark.parametrize("fmt", sorted(FORMAT_CHECKS))
def test_every_artifact_format_prints(tree: Path, fmt: str) -> None:
    """`--format X` prints a valid document of format X about this tree (checked on its own
    terms: schema, XSD, content), and the same text `--output-dir` writes to X's file."""
    run = run_cli(["report", "--no-exec", "--format", fmt], tree)
    assert run.code == 1
    FORMAT_CHECKS[fmt](run.out)
    run_cli(["report", "--no-exec", "--output-dir", "cmp"], tree)
    assert run.out == (tree / "cmp" / ARTIFACTS[fmt][0]).read_text(encoding="utf-8")


def test_unknown_format_and_regression_without_baseline(tree: Path) -> None:
    run = run_cli(["report", "--no-exec", "--format", "xml"], tree)
    assert run.code == 2 and "unknown report format 'xml'" in run.err
    run = run_cli(["report", "--no-exec", "--fail-on-regression"], tree)
    assert run.code == 2 and "--fail-on-regression needs --baseline" in run.err


def test_baseline_in_every_format_and_fail_on_regression(tree: Path) -> None:
    _fix_link(tree)
    first = run_cli(["report", "--no-exec", "--output-dir", "before"], tree)
    assert first.code == 0, first.out + first.err
    # lose the Killer answer of gap 1: coverage drops, no error finding appears
    interview = tree / "content/ml/подготовка-к-интервью.md"
    text = interview.read_text(encoding="utf-8")
    interview.write_text(
        text.replace("A: Дисбаланс нагрузки между экспертами.\n", ""), encoding="utf-8"
    )
    args = ["report", "--no-exec", "--baseline", "before/report.json", "--output-dir", "after"]
    run = run_cli(args, tree)
    assert run.code == 0, run.err  # a regression alone does not fail without the flag
    assert "since baseline: coverage 75% -> 62.5% (-12.5)" in run.out
    assert "REGRESSED: coverage dropped from 75%" in run.out
    report = json.loads((tree / "after/report.json").read_text(encoding="utf-8"))
    baseline = report["baseline"]
    assert baseline["overall_delta"] == -12.5 and baseline["regressed"] is True
    assert baseline["new_errors"] == 0 and baseline["fixed_findings"] == []
    assert [(g["id"], g["change"]) for g in baseline["gaps"]] == [
        ("moe-routing", "regressed"),
        ("agentic-systems", "unchanged"),
    ]
    assert "## Change since baseline" in (tree / "after/report.md").read_text(encoding="utf-8")
    assert 'name="baseline.coverage.delta" value="-12.5"' in (tree / "after/junit.xml").read_text(
        encoding="utf-8"
    )
    sarif = json.loads((tree / "after/report.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["properties"]["baseline"]["coverageDelta"] == -12.5
    run = run_cli([*args, "--fail-on-regression"], tree)
    assert run.code == 1
    assert "regression since before/report.json: coverage dropped" in run.err
    github = run_cli(
        ["report", "--no-exec", "--baseline", "before/report.json", "--format", "github"], tree
    )
    assert "::error title=content-audit regression::coverage dropped" in github.out


def test_new_error_finding_is_a_regression(tree: Path) -> None:
    _fix_link(tree)
    assert run_cli(["report", "--no-exec", "--output-dir", "before"], tree).code == 0
    path = tree / MATERIALS
    path.write_text(path.read_text(encoding="utf-8") + "\n[нет](нет-такого.md)\n", encoding="utf-8")
    run = run_cli(
        ["report", "--no-exec", "--baseline", "before/report.json", "--format", "json"], tree
    )
    baseline = json.loads(run.out)["baseline"]
    assert [(f["code"], f["severity"]) for f in baseline["new_findings"]] == [("XR001", "error")]
    assert baseline["new_errors"] == 1 and baseline["overall_delta"] == 0
    assert baseline["regressions"] == ["1 new error finding"]


def test_bad_baseline_is_exit_2_before_the_run(tree: Path) -> None:
    (tree / "old.json").write_text('{"schema_version": 99}', encoding="utf-8")
    run = run_subprocess(["report", "--baseline", "old.json", "--output-dir", "out"], tree)
    assert run.code == 2 and "schema_version 99 is newer" in run.err
    assert not (tree / "out").exists()
