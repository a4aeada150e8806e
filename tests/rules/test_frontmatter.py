"""FM001 invalid YAML, FM002 not a mapping, FM003 too complex (alias bomb)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import FIXTURES
from tests.helpers import analyse_tree, keys
from tests.rules.diagnostics import check


def test_front_matter_errors_fixture() -> None:
    analysis = analyse_tree(FIXTURES / "front-matter-errors")
    assert keys(analysis.findings) == sorted(
        [
            ("FM001", "content/llm/материалы.md", 2, 26),  # unclosed quoted string
            ("FM001", "content/llm/заметки.md", 4, 1),  # tab indentation
            ("FM002", "content/tasks/llm_001_list.md", 2, 1),  # a list, no TK001 on top of it
            ("FM003", "content/llm/бомба.md", 9, 16),  # the 51st alias
        ]
    )
    messages = {f.span.path: f.message for f in analysis.findings}
    assert messages["content/llm/бомба.md"] == "front matter uses more than 50 aliases"
    assert messages["content/tasks/llm_001_list.md"] == ("front matter must be a mapping, not list")


def test_a_file_with_bad_front_matter_is_still_audited() -> None:
    analysis = analyse_tree(FIXTURES / "front-matter-errors")
    doc = next(d for d in analysis.documents if d.path == "content/llm/материалы.md")
    assert [h.text for h in doc.headings] == ["Материалы"]
    assert [link.target for link in doc.links] == ["../tasks/llm_001_list.md"]


def test_front_matter_errors_through_the_cli(fixture_tree: Callable[[str], Path]) -> None:
    assert check(fixture_tree("front-matter-errors")) == (
        1,
        [
            (
                "FM003",
                "content/llm/бомба.md",
                9,
                16,
                "error",
                "front matter uses more than 50 aliases",
            ),
            (
                "FM001",
                "content/llm/заметки.md",
                4,
                1,
                "error",
                "invalid YAML: found character '\\t' that cannot start any token",
            ),
            (
                "FM001",
                "content/llm/материалы.md",
                2,
                26,
                "error",
                "invalid YAML: found unexpected end of stream",
            ),
            (
                "FM002",
                "content/tasks/llm_001_list.md",
                2,
                1,
                "error",
                "front matter must be a mapping, not list",
            ),
        ],
    )
