"""Golden-file comparison: rewritten only with `pytest --update-golden`, never silently."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, actual: Any, update: bool) -> None:
    path = GOLDEN / name
    text = json.dumps(actual, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"golden file {path} missing: run pytest --update-golden"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        # the first lines that differ, so the failure says what changed without a rerun
        diff = difflib.unified_diff(
            expected.splitlines(), text.splitlines(), f"golden/{name}", "actual", lineterm="", n=2
        )
        shown = "\n".join(list(diff)[:60])
        raise AssertionError(
            f"{name} differs from the golden file (pytest --update-golden):\n{shown}"
        )
