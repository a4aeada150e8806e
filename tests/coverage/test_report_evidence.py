"""The report shows the evidence of each claimed item (computed once, in the report model)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

from audit.report import html, json_report, markdown, terminal
from audit.report.build import build_report
from tests.coverage.helpers import audit_tree


def _model(fixture_tree: Callable[[str], Path]):  # type: ignore[no-untyped-def]
    return build_report(audit_tree(fixture_tree("claims-planted")))


def test_json_has_found_terms_and_evidence_per_item(fixture_tree: Callable[[str], Path]) -> None:
    data = json.loads(json_report.render(_model(fixture_tree)))
    gaps = {g["id"]: g for g in data["gaps"]}
    items = {i["text"]: i for c in gaps["long-context"]["claims"] for i in c["items"]}
    rope = items["Вращение RoPE на numpy"]
    assert rope["found"] is True and rope["state"] == "found"
    assert "content/ml/материалы.md:3" in rope["evidence"]
    assert {"term": "RoPE", "line": 3} in rope["terms"]
    yarn = items["YaRN (NTK-by-parts + temperature scaling) with implementation"]
    assert yarn["found"] is False and yarn["evidence"] == []
    assert "YaRN" in yarn["reason"] and {"term": "YaRN", "line": None} in yarn["terms"]
    assert gaps["long-context"]["unproven_items"] == 1
    coe = gaps["chain-of-experts"]
    assert [c["credited"] for c in coe["claims"]] == [False, False]
    generic = next(i for c in gaps["moe-routing"]["claims"] for i in c["items"] if i["count"])
    assert generic["found"] is None and generic["state"] == "generic"


def test_html_panel_data_carries_the_items_and_marks(fixture_tree: Callable[[str], Path]) -> None:
    page = html.render(_model(fixture_tree))
    assert '"found": false' in page or '"found":false' in page
    assert "content/ml/материалы.md:3" in page
    assert 'item.found === true ? "✓ "' in page  # the detail panel marks each item


def test_markdown_and_terminal_count_unproven_items(fixture_tree: Callable[[str], Path]) -> None:
    model = _model(fixture_tree)
    md = markdown.render(model)
    header = next(line for line in md.splitlines() if line.startswith("| # | gap |"))
    assert "unproven items" in header
    row = next(line for line in md.splitlines() if "| Chain-of-Experts |" in line)
    assert row.split("|")[6].strip() == "1"
    out = io.StringIO()
    terminal.render(model, out)
    assert "unproven" in out.getvalue()


def test_unmet_working_example_does_not_say_compiles(fixture_tree: Callable[[str], Path]) -> None:
    model = _model(fixture_tree)
    coe = next(g for g in model.gaps if g.id == "chain-of-experts")
    req = coe.requirements["working_example"]
    assert not req.met and "compiles" not in req.label
    moe = next(g for g in model.gaps if g.id == "moe-routing")
    assert moe.requirements["working_example"].label == "static: compiles (examples not executed)"
