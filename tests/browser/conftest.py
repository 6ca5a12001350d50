"""Fixtures for the tests that drive a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

import pytest

from tests.browser import chromium


def _need_browser() -> None:
    reason = chromium.unavailable()
    if reason is None:
        return
    if chromium.REQUIRED:
        pytest.fail(f"browser tests are required here (CRM_BROWSER_TESTS=required) but cannot run: {reason}")
    pytest.skip(f"browser test skipped: {reason}")


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium shared by one test module; skipped (or failed in CI) without Chromium."""
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page (its own context: no shared cookies or storage) with a 1280×800 window."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()
