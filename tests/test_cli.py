"""The command line: exit codes, `check PATHS`, output formats, `rules`, `explain`, golden JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from audit.rules import all_rules
from tests.conftest import PROJECT
from tests.helpers import run_cli, run_subprocess

Tree = Callable[[str], Path]
LLM = "content/llm/материалы.md"
DL = "content/dl/материалы.md"
GOLDEN = PROJECT / "tests" / "golden"


def test_clean_tree_exits_0(tmp_path: Path) -> None:
    (tmp_path / "content" / "llm").mkdir(parents=True)
    (tmp_path / "content-audit.yaml").write_text("content_root: content\n", encoding="utf-8")
    (tmp_path / LLM).write_text("# М\n\n## Раздел\n\n[сюда](#раздел)\n", encoding="utf-8")
    run = run_cli(["check"], tmp_path)
    assert (run.code, run.out, run.err) == (
        0,
        "1 file checked: 0 errors, 0 warnings, 0 notes\n",
        "",
    )


def test_warnings_only_exit_0_and_errors_exit_1(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content/a.md").write_text("# A\n\n## ???\n", encoding="utf-8")
    assert run_cli(["check"], tmp_path).code == 0  # MD002 is a warning
    (tmp_path / "content/b.md").write_text("# B\n\n[x](нет.md)\n", encoding="utf-8")
    assert run_cli(["check"], tmp_path).code == 1


@pytest.mark.parametrize(
    "args",
    [
        ["nonsense"],
        ["check", "--format", "xml"],
        [],
        ["check", "missing/path.md"],
        ["check", "-j", "-1"],
    ],
)
def test_usage_errors_exit_2(fixture_tree: Tree, args: list[str]) -> None:
    run = run_cli(args, fixture_tree("planted-references"))
    assert run.code == 2


def test_check_paths_reports_only_those_files_but_resolves_the_whole_tree(
    fixture_tree: Tree,
) -> None:
    root = fixture_tree("planted-references")
    run = run_cli(["check", "--format", "json", DL], root)
    data = json.loads(run.out)
    # dl/материалы.md links into llm/материалы.md: resolved against the whole tree
    assert [(d["code"], d["path"], d["line"], d["column"]) for d in data["diagnostics"]] == [
        ("XR002", DL, 5, 5),
        ("XR002", DL, 5, 64),
    ]
    assert data["files_checked"] == 1
    assert run.code == 1
    clean = run_cli(["check", "content/tasks"], root)
    assert clean.code == 0 and clean.out.startswith("1 file checked: 0 errors")
    folder = run_cli(["check", "--format", "json", "content/llm"], root)
    assert {d["path"] for d in json.loads(folder.out)["diagnostics"]} == {
        LLM,
        "content/llm/подготовка-к-интервью.md",
    }


def test_check_paths_from_a_subfolder(fixture_tree: Tree) -> None:
    root = fixture_tree("planted-references")
    run = run_cli(["check", "--format", "json", "материалы.md"], root / "content" / "dl")
    data = json.loads(run.out)
    assert {d["path"] for d in data["diagnostics"]} == {DL}  # project-relative, not cwd-relative


def test_json_format(fixture_tree: Tree) -> None:
    run = run_cli(["check", "--format", "json"], fixture_tree("planted-references"))
    data = json.loads(run.out)
    assert data["schema_version"] == 1
    assert len(data["diagnostics"]) == 8
    for diagnostic in data["diagnostics"]:
        assert {"path", "line", "column", "code", "severity", "message"} <= set(diagnostic)
        assert diagnostic["path"].startswith("content/") and "\\" not in diagnostic["path"]
        assert diagnostic["severity"] in ("error", "warning", "info")
    assert "материалы.md" in run.out  # UTF-8, not \u escapes


def test_github_format(fixture_tree: Tree) -> None:
    run = run_cli(["check", "--format", "github"], fixture_tree("planted-references"))
    lines = run.out.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == 8
    pattern = re.compile(
        r"^::(error|warning|notice) file=([^,:]+),line=(\d+),col=(\d+),"
        r"title=([A-Z]{2}\d{3})::([A-Z]{2}\d{3}) .+$"
    )
    for line in annotations:
        assert pattern.match(line), line
    assert (
        "::error file=content/llm/материалы.md,line=17,col=19,title=XR001::XR001 broken link:"
        in run.out
    )


def test_text_format(fixture_tree: Tree) -> None:
    run = run_cli(["check"], fixture_tree("planted-references"))
    assert run.out.splitlines()[0] == (
        "content/dl/материалы.md:5:5: XR002 [error] broken anchor: '#3-длинный-контекст' is not "
        "a heading of content/llm/материалы.md"
    )
    assert run.out.splitlines()[-1] == "4 files checked: 8 errors, 0 warnings, 0 notes"


def test_rules_lists_every_registered_rule(tmp_path: Path) -> None:
    run = run_cli(["rules"], tmp_path)
    assert run.code == 0
    listed = [line.split()[0] for line in run.out.splitlines()]
    assert listed == [r.code for r in all_rules()]
    for code in (
        "XR001",
        "XR002",
        "XR003",
        "XR004",
        "XR005",
        "FM001",
        "TK001",
        "TK002",
        "TK003",
        "TK004",
        "IO002",
        "MD001",
    ):
        assert code in listed


@pytest.mark.parametrize("code", ["XR001", "xr002", "TK004", "IO004"])
def test_explain(tmp_path: Path, code: str) -> None:
    run = run_cli(["explain", code], tmp_path)
    assert run.code == 0
    assert run.out.startswith(code.upper() + " ")
    for part in ("What it checks:", "Why:", "Example:", "Fix:"):
        assert part in run.out


def test_every_rule_doc_has_four_parts() -> None:
    for item in all_rules():
        for part in ("What it checks:", "Why:", "Example:", "Fix:"):
            assert part in item.doc, (item.code, part)


def test_explain_unknown_code_exits_2(tmp_path: Path) -> None:
    run = run_cli(["explain", "ZZ999"], tmp_path)
    assert run.code == 2
    assert "unknown rule code 'ZZ999'" in run.err and run.out == ""


def test_real_process_no_traceback_and_utf8(fixture_tree: Tree) -> None:
    root = fixture_tree("planted-references")
    run = run_subprocess(["check"], root)
    assert run.code == 1 and "Traceback" not in run.err
    assert "content/llm/материалы.md:17:19: XR001" in run.out
    assert run_subprocess(["explain", "NOPE"], root).code == 2


def test_golden_json(fixture_tree: Tree, update_golden: bool) -> None:
    """The whole JSON output on a corpus with planted broken references, byte for byte."""
    run = run_cli(["check", "--format", "json"], fixture_tree("planted-references"))
    golden = GOLDEN / "check_planted-references.json"
    if update_golden:
        golden.write_text(run.out, encoding="utf-8")
    assert golden.is_file(), "run `pytest tests/test_cli.py --update-golden` once"
    assert run.out == golden.read_text(encoding="utf-8")


def test_config_is_accepted_after_the_command(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("# A\n\n[x](missing.md)\n", encoding="utf-8")
    (tmp_path / "other.yaml").write_text("content_root: content\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "audit", "check", "--config", "other.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert "content/a.md:3:1: XR001" in run.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "audit", "check", "--config", "nope.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "config file not found: nope.yaml" in bad.stderr
