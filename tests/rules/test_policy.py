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


DECOYS = """\
# Материалы

Код `[a](нет.md)` и ссылка [b](нет.md)

<!-- audit: ignore XR001 -->
- пункт

  ```
  [c](нет.md)
  ```
- [d](нет.md)
"""


def test_suppression_silences_the_real_links_block_and_keeps_the_decoy_lines_link(
    tmp_path: Path,
) -> None:
    # the ignore covers the list (lines 6-11): its real link, line 11, is silenced; the link of
    # line 3 is reported at its own column, not at the code span's
    assert keys(analyse_tree(_tree(tmp_path, DECOYS)).findings) == [("XR001", PAGE, 3, 28)]


def test_suppression_before_the_decoys_block_keeps_the_nested_link_at_its_line(
    tmp_path: Path,
) -> None:
    body = DECOYS.replace("<!-- audit: ignore XR001 -->\n", "").replace(
        "Код", "<!-- audit: ignore XR001 -->\nКод"
    )
    # the list's link is on line 11, not on the code's line 9
    assert keys(analyse_tree(_tree(tmp_path, body)).findings) == [("XR001", PAGE, 11, 3)]
