"""The HTML report in a real browser: headless Chromium (Debian's ``chromium``) and Playwright.

Opens the report from ``file://`` and checks what a reader sees: the coverage figure, the
thresholds, the matrix, the SVG graph; that the hostile titles of the fixture stay text (no
script runs, no dialog opens, no request leaves the page); that filters hide and show rows and a
click shows the reason. Skips with a message when Playwright or Chromium is missing, unless
CONTENT_AUDIT_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audit.config import load_config
from audit.model.report import ReportModel
from audit.pipeline import full_audit
from audit.report.build import build_report
from audit.report.html import render

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent.parent / "fixtures" / "report-hostile-titles"


@pytest.fixture(scope="module")
def model() -> ReportModel:
    return build_report(
        full_audit(load_config(str(FIXTURE / "content-audit.yaml")), execute=False, use_cache=False)
    )


@pytest.fixture(scope="module")
def report_file(model: ReportModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render(model), encoding="utf-8")
    return path


class Watch:
    """What the page did that it must not: dialogs, script errors, requests leaving file://."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []


@pytest.fixture
def page(browser: Any, report_file: Path) -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    watch = Watch()

    def dialog(d: Any) -> None:
        watch.dialogs.append(d.message)
        d.dismiss()

    def route(r: Any) -> None:
        if r.request.url.startswith(("file://", "data:", "about:")):
            r.continue_()
        else:
            watch.requests.append(r.request.url)
            r.abort()

    page.on("dialog", dialog)
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    page.route("**/*", route)
    page.goto(report_file.as_uri())
    yield page, watch
    context.close()


def _visible_rows(page: Any) -> list[str]:
    return [str(t) for t in page.locator("tr.gap-row:visible .gap-open").all_inner_texts()]


def test_key_elements_are_there(page: tuple[Any, Watch], model: ReportModel) -> None:
    p, watch = page
    assert p.locator("#coverage-overall").inner_text() == "50%"
    assert p.locator("#verdict").inner_text() == "FAILED"
    rows = p.locator("#thresholds tr.threshold")
    assert rows.count() == 2
    assert rows.nth(0).locator("td").nth(0).inner_text() == "overall_min"
    assert rows.nth(0).locator(".pill").inner_text() == "failed"
    assert rows.nth(1).locator(".pill").inner_text() == "passed"
    assert _visible_rows(p) == [g.title for g in model.gaps]
    assert p.locator("#gap-matrix .mark").count() == 3 * 4
    nodes = p.locator("svg#topic-graph g.node")
    assert nodes.count() == len(model.graph_view.nodes)
    assert p.locator("svg#topic-graph g.node.state-missing").count() == 2
    assert p.locator("svg#topic-graph g.node.state-planned").count() == 1
    box = p.locator("svg#topic-graph").bounding_box()
    assert box is not None and box["width"] > 500 and box["height"] > 100
    assert p.locator("details.file").count() == len({d.path for d in model.diagnostics})
    assert watch.errors == [] and watch.requests == []


def test_injected_markup_stays_text(page: tuple[Any, Watch], model: ReportModel) -> None:
    p, watch = page
    for mark in p.locator("#gap-matrix .mark").all():  # open every details panel
        mark.click()
    for node in p.locator("svg#topic-graph g.node").all():
        node.hover()
    p.locator(".gap-open").first.click()
    assert p.locator("#details-title").inner_text() == f"1. {model.gaps[0].title}"
    assert p.evaluate("typeof window.__pwned") == "undefined"
    assert watch.dialogs == []
    assert p.evaluate("document.querySelectorAll('img, [onerror]').length") == 0
    assert p.evaluate("document.scripts.length") == 2  # the JSON data block and the page's code
    assert "<script>window.__pwned=1</script>" in p.locator("#gap-matrix").inner_text()
    assert watch.errors == [] and watch.requests == []


def test_filters_hide_and_show_rows(page: tuple[Any, Watch], model: ReportModel) -> None:
    p, _watch = page
    every = [g.title for g in model.gaps]
    p.select_option("#filter-status", "none")
    assert _visible_rows(p) == ["Evaluation"]
    assert p.locator("#shown-count").inner_text() == "1 of 3 gaps shown"
    p.select_option("#filter-status", "")
    p.select_option("#filter-category", "КРИТИЧЕСКИЕ GAPS")
    assert _visible_rows(p) == every[:2]
    p.select_option("#filter-priority", "P1")
    assert _visible_rows(p) == every[:1]
    p.select_option("#filter-priority", "unprioritized")
    p.select_option("#filter-status", "covered")
    assert _visible_rows(p) == []
    assert p.locator("#empty-filter").is_visible()
    p.click("#filter-reset")
    assert _visible_rows(p) == every
    p.fill("#filter-text", "retrieval")
    assert _visible_rows(p) == every[1:2]
    p.select_option("#filter-track", "ml")
    assert _visible_rows(p) == every[1:2]


def test_a_click_shows_the_reason(page: tuple[Any, Watch], model: ReportModel) -> None:
    p, _watch = page
    reason = model.gaps[1].requirements["qa_levels"].reason
    mark = p.locator('#gap-1 .mark[data-req="qa_levels"]')
    assert reason in str(mark.get_attribute("title"))  # on hover
    assert p.locator("#details").is_hidden()
    mark.click()
    panel = p.locator("#details")
    assert panel.is_visible()
    focused = panel.locator('.req-block.focus[data-req="qa_levels"]')
    assert focused.locator(".req-reason").inner_text() == reason
    p.keyboard.press("Escape")
    assert panel.is_hidden()


def test_severity_filter_hides_findings(page: tuple[Any, Watch]) -> None:
    p, _watch = page
    total = p.locator("tr.finding").count()
    p.select_option("#filter-severity", "error")
    errors = p.locator("tr.finding:visible").count()
    assert 0 < errors < total
    assert p.locator("tr.finding:visible .pill").all_inner_texts() == ["error"] * errors


def test_screenshot(page: tuple[Any, Watch], tmp_path: Path) -> None:
    p, _watch = page
    full, narrow = tmp_path / "report.png", tmp_path / "report-narrow.png"
    p.screenshot(path=str(full), full_page=True)
    p.set_viewport_size({"width": 420, "height": 800})  # responsive: no sideways page scroll
    assert p.evaluate("document.documentElement.scrollWidth") <= 420
    p.screenshot(path=str(narrow), full_page=False)
    for shot in (full, narrow):
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
