"""Coverage, requirements and thresholds on the tracker fixture."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from audit.cli import main
from audit.config import load_config
from audit.pipeline import full_audit
from audit.report.build import build_report
from tests.golden import check_golden

FIXTURE = Path(__file__).parent.parent / "fixtures" / "tracker-seed-quirks"


def _report(root: Path) -> dict[str, object]:
    # no parse cache: tests must not write into tests/fixtures
    audit = full_audit(
        load_config(str(root / "content-audit.yaml")), execute=False, use_cache=False
    )
    return json.loads(build_report(audit).model_dump_json())


def test_gaps_claims_and_statuses_match_the_golden_file(update_golden: bool) -> None:
    report = _report(FIXTURE)
    gaps = report["gaps"]
    assert isinstance(gaps, list)
    keep = (
        "id",
        "number",
        "title",
        "category",
        "declared_status",
        "declared_raw",
        "computed_status",
        "priority",
        "claims",
        "requirements",
        "score",
        "tasks",
    )
    check_golden(
        "tracker_seed_quirks_gaps.json", [{k: g[k] for k in keep} for g in gaps], update_golden
    )
    check_golden(
        "tracker_seed_quirks_findings.json",
        [
            {k: d[k] for k in ("path", "line", "column", "code", "severity", "message", "hint")}
            for d in report["diagnostics"]
        ],
        update_golden,
    )


def test_computed_status_explains_the_failed_requirement() -> None:
    report = _report(FIXTURE)
    agentic = next(g for g in report["gaps"] if g["id"] == "agentic-systems")  # type: ignore[union-attr]
    assert agentic["computed_status"] == "partial"
    assert agentic["requirements"]["qa_levels"] == {
        "met": False,
        "evidence": [],
        "label": "",
        "reason": "no answered Killer questions in "
        "content/ml/подготовка-к-интервью.md#2-агентные-системы",
    }
    assert agentic["requirements"]["working_example"]["label"].startswith("static")


def test_priority_rows_match_gaps_by_loose_title() -> None:
    report = _report(FIXTURE)
    by_id = {g["id"]: g["priority"] for g in report["gaps"]}  # type: ignore[union-attr]
    assert by_id["agentic-systems"] == "P1"  # "Agentic Patterns"
    assert by_id["multi-modal-llms"] == "P1"  # "Multimodal" (by task id)
    assert by_id["cost-optimization"] == "unprioritized"


def _project(tmp_path: Path, thresholds: str) -> Path:
    root = tmp_path / "p"
    shutil.copytree(FIXTURE, root)
    (root / "content-audit.yaml").write_text(
        "content_root: content\nthresholds:\n" + thresholds, encoding="utf-8"
    )
    return root


def test_threshold_at_the_actual_value_passes_and_above_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    actual = _report(FIXTURE)["coverage"]["overall"]  # type: ignore[index]
    root = _project(tmp_path, f"  overall_min: {actual}\n  max_errors: 5\n")
    monkeypatch.chdir(root)
    assert main(["report", "--no-exec", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["thresholds"][0] == {
        "name": "overall_min",
        "required": actual,
        "actual": actual,
        "passed": True,
        "comparison": ">=",
    }
    (root / "content-audit.yaml").write_text(
        f"content_root: content\nthresholds:\n  overall_min: {actual + 0.1}\n  max_errors: 5\n",
        encoding="utf-8",
    )
    assert main(["report", "--no-exec", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["thresholds"][0]["passed"] is False
    assert out["summary"]["passed"] is False


def test_max_none_per_category_and_max_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, "  max_none_per_category: 0\n  max_errors: 0\n")
    monkeypatch.chdir(root)
    assert main(["report", "--no-exec", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    failed = {t["name"] for t in out["thresholds"] if not t["passed"]}
    assert "max_none_per_category.ml: НОВЫЕ ТЕМЫ 2026" in failed
    assert "max_errors" in failed  # the claim to theory.md is an error (GP011)


def test_requirements_are_data_relaxing_qa_to_any_document(tmp_path: Path) -> None:
    root = _project(tmp_path, "  max_errors: 5\n")
    (root / "relaxed.yaml").write_text(
        "schema_version: 1\nrequirements:\n"
        "  - {name: materials, check: claimed_section, document_kind: materials}\n"
        "  - {name: qa_levels, check: qa_all_levels, document_kind: any}\n",
        encoding="utf-8",
    )
    with (root / "content-audit.yaml").open("a", encoding="utf-8") as handle:
        handle.write("requirements: relaxed.yaml\n")
    report = _report(root)
    gap = next(g for g in report["gaps"] if g["id"] == "model-architecture")  # type: ignore[union-attr]
    assert list(gap["requirements"]) == ["materials", "qa_levels"]
    assert gap["computed_status"] == "covered"


def test_invalid_requirements_file_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, "  max_errors: 5\n")
    (root / "bad.yaml").write_text(
        "requirements:\n  - {name: x, check: telepathy}\n", encoding="utf-8"
    )
    with (root / "content-audit.yaml").open("a", encoding="utf-8") as handle:
        handle.write("requirements: bad.yaml\n")
    monkeypatch.chdir(root)
    assert main(["report", "--no-exec"]) == 2
    assert "requirements key 'requirements.0.check'" in capsys.readouterr().err


def test_weighted_coverage_uses_priority_weights_and_frequency(tmp_path: Path) -> None:
    root = _project(tmp_path, "  max_errors: 5\n")
    report = _report(root)
    coverage = report["coverage"]
    assert isinstance(coverage, dict)
    base = coverage["weighted_overall"]
    with (root / "content-audit.yaml").open("a", encoding="utf-8") as handle:
        handle.write("weights:\n  priority: {P1: 0}\n  frequency: false\n")
    reweighted = _report(root)["coverage"]
    assert isinstance(reweighted, dict)
    # with P1 gaps weighing nothing and no frequency, the weighted figure is the mean of the rest
    gaps = [g for g in _report(root)["gaps"] if g["priority"] != "P1"]  # type: ignore[union-attr]
    expected = round(100 * sum(g["score"] for g in gaps) / len(gaps), 1)
    assert reweighted["weighted_overall"] == expected
    assert reweighted["weighted_overall"] != base


@pytest.mark.parametrize(
    "example",
    [
        "import asyncio\nawait asyncio.sleep(0)\n",  # top-level await, as in a notebook
        "    steps = ['think', 'act']\n    print(len(steps))\n",  # an excerpt indented whole
        '{* ../examples/agent.py *}\nprint("done")\n',  # an include placeholder (FastAPI docs)
    ],
)
def test_a_static_working_example_is_one_ex001_accepts(tmp_path: Path, example: str) -> None:
    """Without execution, "compiles" is EX001's verdict, not a second compile of its own: an
    example EX001 accepts counts as working, one it reports does not."""
    root = _project(tmp_path, "  max_errors: 5\n")
    page = root / "content/ml/материалы.md"
    text = page.read_text(encoding="utf-8")
    old = 'steps = ["think", "act", "observe"]\nprint(len(steps))\n'
    assert old in text
    page.write_text(text.replace(old, example), encoding="utf-8")
    report = _report(root)
    agentic = next(g for g in report["gaps"] if g["id"] == "agentic-systems")  # type: ignore[union-attr]
    assert [d["code"] for d in report["diagnostics"] if d["code"] == "EX001"] == []  # type: ignore[union-attr,index]
    assert agentic["requirements"]["working_example"] == {
        "met": True,
        "evidence": ["content/ml/материалы.md:31"],
        "reason": "",
        "label": "static: compiles (examples not executed)",
    }

    page.write_text(text.replace(old, 'print("unclosed"\n'), encoding="utf-8")
    report = _report(root)
    agentic = next(g for g in report["gaps"] if g["id"] == "agentic-systems")  # type: ignore[union-attr]
    assert [d["line"] for d in report["diagnostics"] if d["code"] == "EX001"] == [32]  # type: ignore[union-attr,index]
    assert agentic["requirements"]["working_example"]["met"] is False
    assert agentic["requirements"]["working_example"]["reason"] == (
        "no working example (1 syntax-error)"
    )
