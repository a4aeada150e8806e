"""EX001: a runnable example that does not compile, at its line and column in the Markdown."""

from __future__ import annotations

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
