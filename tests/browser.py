"""The headless Chromium the browser tests share (Debian's ``chromium`` through Playwright).

Skips with the reason when Playwright or Chromium is missing, unless
CONTENT_AUDIT_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure. tests/conftest.py
offers the ``browser`` fixture to every test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("CONTENT_AUDIT_CHROMIUM", "/usr/bin/chromium"))
REQUIRED = os.environ.get("CONTENT_AUDIT_REQUIRE_BROWSER") == "1"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason} (CONTENT_AUDIT_REQUIRE_BROWSER=1 demands the browser test)")
    pytest.skip(f"browser test skipped: {reason}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        unavailable(
            "playwright is not installed (pip install playwright; never "
            "`playwright install`, the test uses the system Chromium)"
        )
        raise  # unreachable: unavailable skips or fails
    if not CHROMIUM.exists():
        unavailable(
            f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CONTENT_AUDIT_CHROMIUM)"
        )
    with sync_playwright() as p:
        try:
            instance = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        except Error as exc:
            unavailable(f"Chromium at {CHROMIUM} did not start: {exc}")
            raise
        yield instance
        instance.close()
