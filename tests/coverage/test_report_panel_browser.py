"""The gap's detail panel lists the claimed items with ✓/✗ and the line proving each
(headless Chromium, like tests/report/test_html_browser.py; skipped without a browser)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audit.report.build import build_report
from audit.report.html import render
from tests.coverage.helpers import audit_tree

pytestmark = pytest.mark.browser


def test_the_panel_marks_each_item(browser: Any, fixture_tree: Callable[[str], Path]) -> None:
    root = fixture_tree("claims-planted")
    model = build_report(audit_tree(root))
    path = root.parent / "report.html"
    path.write_text(render(model), encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    index = next(i for i, g in enumerate(model.gaps) if g.id == "long-context")
    page.locator(f"#gap-{index} .gap-open").click()
    items = page.locator("#details-body ul.claim-items li").all_inner_texts()
    rope = next(t for t in items if "Вращение RoPE на numpy" in t)
    yarn = next(t for t in items if "YaRN" in t)
    assert rope.startswith("✓ ") and "content/ml/материалы.md:3" in rope
    assert yarn.startswith("✗ ") and "missing" in yarn
    assert errors == []
    context.close()
