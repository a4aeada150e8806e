"""The HTML examples table names the section by its heading (slug beside it) and shows the
example's first line of code on hover; the numbers come from the report model."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from audit.config import load_config
from audit.model.report import ReportModel
from audit.pipeline import full_audit
from audit.report.build import build_report
from audit.report.html import render

FIXTURE = Path(__file__).parent.parent / "fixtures" / "report-two-gaps"
MATERIALS = "content/ml/материалы.md"


@pytest.fixture(scope="module")
def model() -> ReportModel:
    loaded = load_config(str(FIXTURE / "content-audit.yaml"))
    return build_report(full_audit(loaded, jobs=1, execute=True, use_cache=False))


class _ExampleCells(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[dict[str, str], str]]] = []
        self._in_row = False
        self._cell: tuple[dict[str, str], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "tr" and "example" in a.get("class", "").split():
            self._in_row = True
            self.rows.append([])
        elif tag == "td" and self._in_row:
            self._cell = (a, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append((self._cell[0], " ".join(" ".join(self._cell[1]).split())))
            self._cell = None
        elif tag == "tr":
            self._in_row = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1].append(data)


def test_the_model_carries_the_heading_text_and_the_first_line_of_code(
    model: ReportModel,
) -> None:
    first = next(e for e in model.examples if e.path == MATERIALS and e.line == 9)
    assert (first.section, first.section_title, first.first_line) == (
        "1-роутинг-в-moe-ml_001_routing",
        "1. Роутинг в MoE (ml_001_routing)",
        "scores = [0.1, 0.7, 0.2]",
    )


def test_the_examples_table_shows_the_heading_with_its_slug_and_the_code_on_hover(
    model: ReportModel,
) -> None:
    parser = _ExampleCells()
    parser.feed(render(model))
    by_place = {cells[0][1]: cells for cells in parser.rows}
    example, section = by_place[f"{MATERIALS}:9"][:2]
    assert example[0]["title"] == "scores = [0.1, 0.7, 0.2]"
    assert section[1] == "1. Роутинг в MoE (ml_001_routing) #1-роутинг-в-moe-ml_001_routing"
    assert section[0]["title"] == f"{MATERIALS}#1-роутинг-в-moe-ml_001_routing"
