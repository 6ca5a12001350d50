"""Lesson 03's static page in a real browser, opened from disk with the network refused.

The page is what a student reads without Jupyter: the text (computed prose included, its
code hidden), the code and its outputs, the charts, and formulas from the local MathJax.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import slides
from tests.browser import chromium

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "notebooks" / "03_leaky_bucket.ipynb"


@pytest.fixture(scope="module")
def opened(browser, tmp_path_factory):
    """The page open at 1280 × 800, every request that is not a local file refused and recorded."""
    missing = [source for source, _ in slides.ASSETS if not (slides.NODE_MODULES / source).exists()]
    if missing:
        reason = f"the slide assets are not installed ({slides.INSTALL_COMMAND}, or make slides)"
        if chromium.REQUIRED:
            pytest.fail(f"browser tests are required here but cannot run: {reason}")
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("page")
    slides.copy_assets(out)
    target = slides.build_page(LESSON, out)
    page, refused, failed = chromium.open_offline(browser, target.as_uri(), 1280, 800)
    page.wait_for_load_state("load")
    yield page, refused, failed
    page.context.close()


def test_the_page_needs_no_network_and_renders_its_formulas(opened):
    page, refused, failed = opened
    page.wait_for_function("document.querySelectorAll('mjx-container svg').length > 0", timeout=15000)
    assert refused == [] and failed == []
    # inline formulas too, in Markdown cells and in computed prose: no "$...$" is left as text
    text = page.evaluate("document.querySelector('main').innerText")
    assert "\\text{" not in text and "$" not in text


def test_the_page_shows_text_code_and_charts_but_not_the_code_of_its_prose(opened):
    page, _, _ = opened
    text = page.evaluate("document.body.innerText")
    assert "The leaky bucket" in text and "What to notice" in text
    assert "prose(" not in text
    assert page.locator(".jp-CodeCell .jp-InputArea").count() > 5
    assert page.locator(".jp-OutputArea-output img").count() >= 3
