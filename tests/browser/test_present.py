"""The code-free view of lesson 03 (make present) in Chromium: text, a working widget, no code.

The server is started as ``make present`` starts it (``python -m helpers.present``), on a free
port; it runs the committed lesson, which it must leave untouched.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from helpers import present

LESSON = present.find_lesson("03")

#: Generous for CI's two cores: the lesson runs in full before the page shows.
READY_MS = 180_000

#: The chart of the what-if widget: an image inside the widget's box, once it has loaded.
WIDGET_CHART = ".widget-vbox img"


def _digest() -> str:
    return hashlib.sha256(LESSON.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def lesson_url(browser, tmp_path_factory):
    """The URL of the code-free view of lesson 03, served by ``python -m helpers.present`` on a free port."""
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        port = probe.getsockname()[1]
    before = _digest()
    log = tmp_path_factory.mktemp("present") / "server.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "helpers.present", "03", "--port", str(port), "--no-browser"],
        cwd=present.ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: Voilà and its kernels stop together
    )
    url = f"http://localhost:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("localhost", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the lesson view did not start:\n{log.read_text()}")
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    printed = log.read_text()
    assert f"open {url}" in printed, printed
    assert _digest() == before, "serving the lesson changed the notebook file"


def _open(page, url):
    page.goto(url, timeout=READY_MS)
    page.wait_for_selector(".widget-slider", timeout=READY_MS)
    page.wait_for_function(
        f"() => [...document.querySelectorAll({WIDGET_CHART!r})].some(i => i.complete && i.naturalWidth > 0)",
        timeout=READY_MS,
    )


def test_the_page_shows_the_lesson_and_its_widget_and_no_code(page, lesson_url):
    _open(page, lesson_url)
    text = page.inner_text("#rendered_cells")
    assert "The leaky bucket" in text
    assert "What to notice" in text
    assert page.locator(".widget-slider").count() == 4
    assert "Acquisition spend per month" in text  # the sliders' labels
    assert page.locator(".jp-RenderedImage img").count() >= 5  # the lesson's charts
    # No code anywhere: no input area, no magic, no import, no setup output, no warning.
    assert page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor, .cm-editor").count() == 0
    assert "%%needs" not in text and "%load_ext" not in text
    assert re.search(r"\bimport\s+\w", text) is None
    assert page.locator('[data-mime-type="application/vnd.jupyter.stderr"]').count() == 0
    # The projector theme: large type across the width of the window.
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.jp-RenderedMarkdown p')).fontSize)")
    assert size >= 20
    width = page.evaluate("document.querySelector('.jp-RenderedMarkdown').getBoundingClientRect().width")
    assert width >= 0.85 * page.viewport_size["width"]


def test_a_slider_moved_with_the_keyboard_redraws_the_chart(page, lesson_url):
    _open(page, lesson_url)
    chart = page.locator(WIDGET_CHART).first
    before = chart.get_attribute("src")
    readout = page.locator(".widget-slider .widget-readout").first
    shown = readout.inner_text()
    handle = page.locator(".widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(4):  # four steps up the acquisition spend
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"before => {{ const i = document.querySelector({WIDGET_CHART!r}); "
        "return i && i.getAttribute('src') !== before && i.complete && i.naturalWidth > 0; }",
        arg=before,
        timeout=60_000,
    )
    assert readout.inner_text() != shown


def test_nothing_but_the_lesson_is_served(lesson_url):
    for path in ("voila/render/04_crm_components.ipynb", "voila/files/03_leaky_bucket.ipynb", "api/contents"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(lesson_url + path, timeout=60)
        assert refused.value.code in (403, 404), path
