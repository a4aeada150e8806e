"""EX002-EX006: examples that really run in the sandbox and fail each in its own way.

The tree ``tests/fixtures/examples-EX002-EX006/`` holds one page with five examples: a division by
zero, an endless loop (the tree's timeout is 3 s), a wrong expected output, a 1 GiB allocation
(the tree's memory limit is 256 MiB) and an import of a module that is not installed. The audit
runs through the CLI (``report``, which executes the examples), so the test follows the findings,
not the runner's internals.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import run_cli

PAGE = "content/llm/материалы.md"
TREE = "examples-EX002-EX006"

EXPECTED = [
    ("EX002", PAGE, 7, 1, "error", "example fails: ZeroDivisionError: division by zero (line 7)"),
    (
        "EX003",
        PAGE,
        12,
        1,
        "error",
        "example timed out: no result within the 3 s wall-clock timeout; "
        "the process group was killed",
    ),
    ("EX004", PAGE, 19, 1, "error", "output differs from the expected output (2 lines)"),
    ("EX005", PAGE, 30, 1, "error", "example hit a limit: memory limit: MemoryError (line 30)"),
    ("EX006", PAGE, 36, 1, "info", "example skipped: needs torch"),
]


def _diagnostics(root: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    run = run_cli(["report", "--no-cache", "--format", "json", *args], root)
    assert run.code in (0, 1), run.err
    return run.code, json.loads(run.out)["diagnostics"]


@pytest.mark.skipif(
    importlib.util.find_spec("torch") is not None,
    reason="torch is installed here, so the EX006 example would import it",
)
def test_each_way_of_failing_has_its_code_and_nothing_else(
    fixture_tree: Callable[[str], Path],
) -> None:
    code, found = _diagnostics(fixture_tree(TREE))
    assert [
        (d["code"], d["path"], d["line"], d["column"], d["severity"], d["message"]) for d in found
    ] == EXPECTED
    assert code == 1
    hints = {d["code"]: d["hint"] for d in found}
    assert str(hints["EX002"]).startswith("Traceback (most recent call last):")
    assert f'File "{PAGE}", line 7' in str(hints["EX002"])
    assert hints["EX004"] == "--- expected\n+++ actual\n@@ -1 +1 @@\n-5\n+4"
    assert hints["EX003"] == hints["EX006"] == ""


def test_without_execution_the_examples_give_no_run_finding(
    fixture_tree: Callable[[str], Path],
) -> None:
    # every example compiles, so the static stage (check, report --no-exec) is quiet
    root = fixture_tree(TREE)
    assert _diagnostics(root, "--no-exec") == (0, [])
    check = run_cli(["check", "--no-cache", "--format", "json"], root)
    assert (check.code, json.loads(check.out)["diagnostics"]) == (0, [])
