"""The rules engine's policy: config disable/severity, suppression comments, file ignores."""

from __future__ import annotations

from pathlib import Path

from audit.model.finding import Severity
from tests.helpers import analyse_tree, keys

PAGE = "content/llm/материалы.md"
BODY = """\
# Материалы

<!-- audit: ignore XR001 -->
Подавлено: [нет](нет.md) но не якорь [якорь](#нет)

Не подавлено: [нет](нет.md)

<!-- audit: ignore -->
- [всё](нет.md) и [всё](#нет)
- строка 2

Снова: [нет](#нет)
"""


def _tree(tmp_path: Path, body: str = BODY) -> Path:
    (tmp_path / "content" / "llm").mkdir(parents=True)
    (tmp_path / PAGE).write_text(body, encoding="utf-8")
    return tmp_path


def test_suppression_comment_covers_the_next_block_only(tmp_path: Path) -> None:
    findings = analyse_tree(_tree(tmp_path)).findings
    assert keys(findings) == [
        ("XR001", PAGE, 6, 15),
        ("XR002", PAGE, 4, 38),
        ("XR002", PAGE, 12, 8),
    ]


def test_ignore_file_comment_and_front_matter(tmp_path: Path) -> None:
    body = "---\naudit:\n  ignore: [XR002]\n---\n" + BODY + "\n<!-- audit: ignore-file XR001 -->\n"
    assert keys(analyse_tree(_tree(tmp_path, body)).findings) == []


def test_config_disables_and_overrides_severity(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    analysis = analyse_tree(root, rules={"disable": ["XR002"], "severity": {"XR001": "info"}})
    assert [(f.code, f.severity) for f in analysis.findings] == [("XR001", Severity.INFO)]
