"""The course in JupyterLab, in a real browser: a lesson's widget answers, an exercise's check speaks.

Each test opens a notebook of a temporary copy of the course (``tests/browser/lab.py``),
so nothing here can change a committed notebook.
"""

from __future__ import annotations

import pytest

from tests.browser.lab import PANEL, Lab, cell_errors, open_notebook, run_all

LESSON = "notebooks/03_leaky_bucket.ipynb"
EXERCISE = "exercises/03_leaky_bucket.ipynb"
WIDGET = f"{PANEL} .jp-OutputArea-output > .widget-vbox"


@pytest.fixture(scope="module")
def lab(browser):
    """JupyterLab on a copy of the course, shared by this module's tests."""
    with Lab() as running:
        yield running


def test_before_it_runs_a_lesson_shows_the_saved_chart_where_the_widget_will_be(lab, page):
    open_notebook(page, lab, LESSON)
    cell = page.locator(f"{PANEL} .jp-CodeCell", has_text="bucket_widget(calibration")
    cell.scroll_into_view_if_needed()
    picture = cell.locator(".jp-OutputArea-output[data-mime-type='image/png'] img")
    assert picture.count() == 1, (
        f"no saved chart under the widget cell: {cell.locator('.jp-OutputArea').inner_text()[:300]!r}"
    )
    assert picture.evaluate("img => img.naturalWidth") > 400
    assert "VBox(children" not in cell.locator(".jp-OutputArea").inner_text()


def test_a_lesson_runs_in_jupyterlab_and_a_slider_move_redraws_its_chart(lab, page):
    open_notebook(page, lab, LESSON)
    run_all(page)
    assert cell_errors(page) == []
    box = page.locator(WIDGET).first
    box.scroll_into_view_if_needed()
    chart = box.locator("img").last
    chart.wait_for()
    before = chart.get_attribute("src")
    readout = box.locator(".widget-readout").first.inner_text()
    box.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("([img, src]) => img.src !== src && img.complete", arg=[chart.element_handle(), before])
    assert box.locator(".widget-readout").first.inner_text() != readout
    assert chart.evaluate("img => img.naturalWidth") > 400


def test_an_exercise_check_shows_its_feedback(lab, page):
    open_notebook(page, lab, EXERCISE)
    run_all(page)
    first_check = page.locator(f"{PANEL} .jp-CodeCell", has_text="ex.q1.check()").first
    first_check.scroll_into_view_if_needed()
    assert "Not attempted" in first_check.locator(".jp-OutputArea").inner_text()


LESSON_ES = "notebooks/es/03_teoria_del_balde.ipynb"
EXERCISE_ES = "exercises/es/03_teoria_del_balde.ipynb"


def widget_words(page) -> set[str]:
    """The words of the first widget's labels and buttons (numbers and symbols left out)."""
    box = page.locator(WIDGET).first
    box.scroll_into_view_if_needed()
    texts = box.locator(".widget-label, .widget-button, .widget-dropdown select option, .widget-toggle-button")
    return {word for text in texts.all_inner_texts() for word in text.split() if word.isalpha() and len(word) > 3}


def test_the_spanish_edition_runs_and_its_widget_speaks_spanish(lab, page):
    open_notebook(page, lab, LESSON)
    run_all(page)
    english = widget_words(page)
    open_notebook(page, lab, LESSON_ES)
    run_all(page)
    assert cell_errors(page) == []
    spanish = widget_words(page)
    assert english and spanish
    assert not english & spanish, f"English words left in the Spanish widget: {sorted(english & spanish)}"
    box = page.locator(WIDGET).first
    chart = box.locator("img").last
    before = chart.get_attribute("src")
    box.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("([img, src]) => img.src !== src && img.complete", arg=[chart.element_handle(), before])


def test_a_spanish_exercise_check_answers_in_spanish(lab, page):
    open_notebook(page, lab, EXERCISE_ES)
    run_all(page)
    first_check = page.locator(f"{PANEL} .jp-CodeCell", has_text="ex.q1.check()").first
    first_check.scroll_into_view_if_needed()
    feedback = first_check.locator(".jp-OutputArea").inner_text()
    assert "Pregunta 1" in feedback and "Not attempted" not in feedback, feedback
