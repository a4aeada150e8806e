"""Rules EX002-EX006 over the example results the caller passes in the rule context."""

from __future__ import annotations

from pathlib import Path

from audit.model.example import ExampleResult
from audit.rules import RuleContext, run_rules
from tests.helpers import analyse_tree, keys

PAGE = "# P\n\n## 1. S\n\n```python\nprint(1)\n```\n"
PATH = "content/llm/материалы.md"


def _ctx(tmp_path: Path, results: list[ExampleResult] | None) -> RuleContext:
    (tmp_path / "content" / "llm").mkdir(parents=True)
    (tmp_path / PATH).write_text(PAGE, encoding="utf-8")
    analysis = analyse_tree(tmp_path)
    return RuleContext(analysis.graph, analysis.config, tmp_path, example_results=results)


def _result(status: str, **extra: object) -> ExampleResult:
    return ExampleResult(f"{PATH}:5", PATH, 5, "1-s", status, **extra)  # type: ignore[arg-type]


def test_each_failing_status_has_its_rule(tmp_path: Path) -> None:
    results = [
        _result(
            "failed",
            message="ZeroDivisionError: division by zero (line 6)",
            error_line=6,
            detail="Traceback ...",
        ),
        _result("timeout", message="no result within the 10 s wall-clock timeout"),
        _result("output-mismatch", message="output differs", detail="--- expected\n+++ actual"),
        _result("limit-exceeded", message="memory limit: MemoryError"),
        _result("needs-module", message="needs torch", missing_module="torch"),
        _result("works"),
        _result("skipped"),
        _result("syntax-error"),
    ]
    findings = run_rules(_ctx(tmp_path, results), ("examples",))
    assert keys(findings, "EX") == [
        ("EX002", PATH, 6, 1),
        ("EX003", PATH, 5, 1),
        ("EX004", PATH, 5, 1),
        ("EX005", PATH, 5, 1),
        ("EX006", PATH, 5, 1),
    ]
    by_code = {f.code: f for f in findings}
    assert "ZeroDivisionError" in by_code["EX002"].message
    assert by_code["EX002"].hint == "Traceback ..."
    assert "+++ actual" in by_code["EX004"].hint
    assert by_code["EX006"].message == "example skipped: needs torch"
    assert by_code["EX006"].severity.value == "info"


def test_no_results_no_findings(tmp_path: Path) -> None:
    assert run_rules(_ctx(tmp_path, None), ("examples",)) == []


def test_examples_rules_do_not_run_in_the_static_stage(tmp_path: Path) -> None:
    findings = run_rules(_ctx(tmp_path, [_result("failed", message="x")]), ("static",))
    assert not [f for f in findings if f.code in {"EX002", "EX003", "EX004", "EX005", "EX006"}]
