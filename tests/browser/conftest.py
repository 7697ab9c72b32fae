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
