"""A rule added to the registry without a test here fails this file, not a reviewer's memory."""

from __future__ import annotations

import re
from pathlib import Path

from tests.rules.diagnostics import registered_severities

HERE = Path(__file__).parent


def test_every_registered_code_is_named_by_a_rule_test(tmp_path: Path) -> None:
    named: set[str] = set()
    for test_file in HERE.glob("test_*.py"):
        if test_file.name != Path(__file__).name:
            named |= set(re.findall(r'"([A-Z]{2}\d{3})"', test_file.read_text(encoding="utf-8")))
    codes = set(registered_severities(tmp_path))
    assert len(codes) > 60  # the rule list was read
    assert sorted(codes - named) == []
