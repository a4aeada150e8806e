"""The built tracker page of a mkdocs-material site in headless Chromium, light and dark palette:
the badges are there, readable, coloured by status, and the details list opens. Screenshots go to
build/mkdocs-plugin/ (not committed) for a human to look at.

Skips when Playwright or Chromium is missing, unless CONTENT_AUDIT_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.mkdocs_plugin.site import build, copy_site

SHOTS = Path(__file__).resolve().parents[2] / "build" / "mkdocs-plugin"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def tracker_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_site(tmp_path_factory.mktemp("material"), material=True)
    result = build(root)
    assert result.returncode == 0, result.log
    return root / "site" / "04-llm" / "пробелы" / "index.html"


def _open(browser: Any, page_file: Path, scheme: str) -> Any:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.route(  # offline: only the built site itself
        "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
    )
    page.goto(page_file.as_uri())
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    return page


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_badges_in_both_palettes(browser: Any, tracker_page: Path, scheme: str) -> None:
    page = _open(browser, tracker_page, scheme)
    badges = page.locator("[data-gap-status]")
    assert badges.count() == 3
    statuses = [badges.nth(i).get_attribute("data-gap-status") for i in range(3)]
    assert statuses == ["covered", "partial", "none"]
    for i in range(3):
        assert badges.nth(i).is_visible()
    assert badges.nth(0).inner_text() == "измерено: заполнено · заявлено: заполнено"
    assert badges.nth(1).inner_text().startswith("измерено: частично · заявлено: заполнено")
    # the unmet requirements open under the badge
    badges.nth(1).locator("summary").click()
    assert badges.nth(1).locator("li").first.is_visible()
    assert page.locator(".content-audit-summary").inner_text().count("страница заявляет ~99%") == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"tracker-{scheme}.png"), full_page=True)
    page.close()


def test_colours_follow_the_status_and_the_palette(browser: Any, tracker_page: Path) -> None:
    colour = "el => getComputedStyle(el.querySelector('.content-audit-label')).color"
    seen = {}
    for scheme in ("default", "slate"):
        page = _open(browser, tracker_page, scheme)
        for status in ("covered", "partial", "none"):
            seen[scheme, status] = page.locator(f"[data-gap-status={status}]").first.evaluate(
                colour
            )
        page.close()
    assert len({seen["default", s] for s in ("covered", "partial", "none")}) == 3
    assert seen["default", "partial"] != seen["slate", "partial"]
