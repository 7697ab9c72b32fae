"""What every browser test shares: one headless Chromium per test module."""

from __future__ import annotations

import pytest

from tests.browser.serve import CHROMIUM


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, headless, driven by Playwright (a module's tests share one browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield b
        b.close()


def pytest_collection_modifyitems(items):
    """A browser test is run once more when it fails: under the whole suite's load (two workers, each with its own
    dashboard server, Chromium and OCR) a click now and then lands while a rerun redraws the page. A test failing
    twice fails; pytest's summary names every rerun ("R")."""
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))
