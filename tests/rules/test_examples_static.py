"""EX001: a runnable example that does not compile, at its line and column in the Markdown."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES
from tests.helpers import analyse_tree, keys

LLM = "content/llm/материалы.md"


def test_example_syntax_fixture() -> None:
    analysis = analyse_tree(FIXTURES / "example-syntax")
    # skipped blocks (`python skip`, <!-- audit: skip -->) and bash are not compiled
    assert keys(analysis.findings) == [
        ("EX001", LLM, 11, 15),  # `return x +`
        ("EX001", LLM, 26, 8),  # the "(" of an indented block inside a list item
        ("EX001", LLM, 34, 1),  # unexpected indent on the first code line
    ]
    messages = [f.message for f in analysis.findings]
    assert messages[1] == "example does not compile: '(' was never closed"


def test_a_copied_example_is_reported_where_each_copy_is(tmp_path: Path) -> None:
    # the compile of a text is shared by its copies; each finding stays at its own copy
    broken = "```python\nprint('x'\n```\n"
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text(f"# A\n\n{broken}", encoding="utf-8")
    (tmp_path / "content" / "b.md").write_text(
        f"# B\n\nТекст.\n\n- пункт\n\n  {broken.replace(chr(10), chr(10) + '  ')}",
        encoding="utf-8",
    )
    analysis = analyse_tree(tmp_path)
    assert keys(analysis.findings, "EX001") == [
        ("EX001", "content/a.md", 4, 6),
        ("EX001", "content/b.md", 8, 8),
    ]
    assert {f.message for f in analysis.findings if f.code == "EX001"} == {
        "example does not compile: '(' was never closed"
    }
