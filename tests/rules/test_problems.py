"""Parsing records problems, the rules make the findings: a problem's severity is its rule's."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from audit.model.finding import Severity
from audit.rules import REGISTRY
from tests.helpers import analyse_tree, parse_text

AUDIT = Path(__file__).parent.parent.parent / "audit"
CODE = re.compile(r"[A-Z]{2}\d{3}\Z")


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_the_parser_records_a_problem_without_a_severity() -> None:
    doc = parse_text("# Страница\n\n```python\nprint(1)\n")
    assert [(p.code, p.span.line, p.span.column) for p in doc.problems] == [("MD001", 3, 1)]
    assert not hasattr(doc.problems[0], "severity")


def test_the_finding_takes_the_severity_registered_for_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path, {"content/llm/материалы.md": "# Страница\n\n```python\nprint(1)\n"})
    [found] = [f for f in analyse_tree(root).findings if f.code == "MD001"]
    assert found.severity is Severity.WARNING is REGISTRY["MD001"].severity
    stricter = dataclasses.replace(REGISTRY["MD001"], severity=Severity.ERROR)
    monkeypatch.setitem(REGISTRY, "MD001", stricter)
    [found] = [f for f in analyse_tree(root).findings if f.code == "MD001"]
    assert found.severity is Severity.ERROR


def _codes_named_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value)
    }


def test_every_code_the_parsers_record_has_a_rule_to_report_it() -> None:
    """A problem whose code no rule reports would vanish without a word."""
    named: set[str] = set()
    for path in [AUDIT / "discover.py", *sorted((AUDIT / "parse").glob("*.py"))]:
        named |= _codes_named_in(path)
    assert named >= {"IO002", "MD001", "FM001", "XR004", "GP013"}
    assert sorted(code for code in named if code not in REGISTRY) == []
