"""A failing example's traceback is the reader's: it starts at the Markdown document, with the
Markdown line numbers, and shows none of the sandbox worker's own frames."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from tests.helpers import run_cli

MATERIALS = "content/llm/материалы.md"


def test_ex002_traceback_starts_at_the_example(fixture_tree: Callable[[str], Path]) -> None:
    root = fixture_tree("example-traceback")
    run = run_cli(["report", "--no-cache", "--format", "json"], root)
    assert run.code == 1, run.err
    [finding] = [f for f in json.loads(run.out)["diagnostics"] if f["code"] == "EX002"]
    assert finding["message"].startswith("example fails: ZeroDivisionError")
    assert finding["line"] == 10  # `return [w / total ...]`, inside the function
    frames = re.findall(r'File "([^"]+)", line (\d+)', finding["hint"])
    # the call in the second block, then the function of the first block (Python 3.11 adds the
    # list comprehension's own frame, on the same line)
    assert frames[:2] == [(MATERIALS, "17"), (MATERIALS, "10")], finding["hint"]
    assert {path for path, _ in frames} == {MATERIALS}, finding["hint"]
    assert "worker.py" not in finding["hint"]
    assert finding["hint"].startswith("Traceback (most recent call last):")
    assert "print(normalise([0, 0]))" in finding["hint"]  # the source line, from the document
