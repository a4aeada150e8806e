"""Golden-file comparison: rewritten only with `pytest --update-golden`, never silently."""

from __future__ import annotations

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
    assert text == expected, f"{name} differs from the golden file (pytest --update-golden)"
