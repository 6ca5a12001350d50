"""Lesson 03's deck in a real browser, opened from disk with the network refused.

Counts the slides, checks that nothing but local files is requested, that no code shows,
that the speaker notes are there (and the speaker view, key S, opens with them), that the
formulas and the font render from the local copies, and that no slide's content overflows
a 1920 × 1080 slide.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import guides, slides
from tests.browser import chromium

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "notebooks" / "03_leaky_bucket.ipynb"

LEAVES = "[...document.querySelectorAll('.reveal .slides section')].filter(s => !s.querySelector('section'))"


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    missing = [source for source, _ in slides.ASSETS if not (slides.NODE_MODULES / source).exists()]
    if missing:
        reason = f"the slide assets are not installed ({slides.INSTALL_COMMAND}, or make slides)"
        if chromium.REQUIRED:
            pytest.fail(f"browser tests are required here but cannot run: {reason}")
        pytest.skip(reason)
    return slides.build_deck(LESSON, tmp_path_factory.mktemp("slides"))


@pytest.fixture(scope="module")
def opened(browser, deck):
    """The deck open at 1920 × 1080, with every request that is not a local file refused and recorded."""
    page, refused, failed = chromium.open_offline(browser, deck.as_uri(), 1920, 1080)
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    yield page, refused, failed
    page.context.close()


def test_the_deck_needs_no_network(opened):
    page, refused, failed = opened
    page.wait_for_function("document.fonts.status === 'loaded'")
    assert refused == []
    assert failed == []
    assert page.evaluate("document.fonts.check('36px \"Source Sans Pro\"')")


def test_the_lesson_is_many_slides_of_1920_by_1080(opened):
    page, _, _ = opened
    assert page.evaluate(f"{LEAVES}.length") > 10
    assert page.evaluate("[Reveal.getConfig().width, Reveal.getConfig().height]") == [1920, 1080]


def test_no_code_shows(opened):
    page, _, _ = opened
    assert page.locator(".jp-CodeCell .jp-InputArea").count() == 0
    text = page.evaluate("document.querySelector('.reveal').textContent")
    assert "%%needs" not in text and "import " not in text


def test_the_formulas_render_from_the_local_mathjax(opened):
    page, _, _ = opened
    page.wait_for_function("document.querySelectorAll('mjx-container svg').length > 0", timeout=15000)


def test_each_section_has_speaker_notes_and_the_speaker_view_opens_offline(opened):
    page, refused, _ = opened
    sections = guides.lesson_sections(guides.read_notebook(LESSON))
    if not slides.guide_for(LESSON).is_file():
        pytest.fail(f"lesson 03 has no instructor guide at {slides.guide_for(LESSON)}")
    assert page.locator("aside.notes").count() == len(sections) + 1
    first = guides.read_guide(slides.guide_for(LESSON)).notes[sections[0]]["say"]
    index = page.evaluate(
        f"(() => {{ const s = {LEAVES}.find(s => s.querySelector('aside.notes') && "
        f"s.querySelector('h2') && s.querySelector('h2').textContent.startsWith({sections[0][:20]!r})); "
        "return Reveal.getIndices(s); })()"
    )
    page.evaluate(f"Reveal.slide({index['h']}, {index['v'] or 0})")
    with page.context.expect_page() as opening:
        page.keyboard.press("s")
    speaker = opening.value
    speaker.wait_for_function("document.querySelector('.speaker-controls-notes .value') !== null")
    speaker.wait_for_function(
        "document.querySelector('.speaker-controls-notes').textContent.includes('Say:')", timeout=15000
    )
    notes = speaker.locator(".speaker-controls-notes").inner_text()
    assert " ".join(first.split()[:6]) in " ".join(notes.split())
    assert refused == []
    speaker.close()


def test_no_slide_overflows(opened):
    """Nothing sticks out of its 1920 × 1080 slide, and nothing is cut off inside a scrolling box."""
    page, _, _ = opened
    overflowing = page.evaluate(
        f"""() => {LEAVES}.map(slide => {{
            const at = Reveal.getIndices(slide);
            Reveal.slide(at.h, at.v);
            const box = slide.getBoundingClientRect();
            const out = [...slide.querySelectorAll('*')].filter(element => {{
                if (element.closest('aside.notes, mjx-assistive-mml')) return false;
                const r = element.getBoundingClientRect();
                if (r.width === 0 && r.height === 0) return false;
                const style = getComputedStyle(element);
                const cut = (element.scrollWidth > element.clientWidth + 1 && style.overflowX !== 'visible')
                    || (element.scrollHeight > element.clientHeight + 1 && style.overflowY !== 'visible');
                return cut || r.right > box.right + 1 || r.bottom > box.bottom + 1
                    || r.left < box.left - 1 || r.top < box.top - 1;
            }}).map(element => element.tagName + '.' + element.className);
            return {{h: at.h, v: at.v, tall: slide.scrollHeight - slide.clientHeight,
                     wide: slide.scrollWidth - slide.clientWidth, height: slide.clientHeight, out: out.slice(0, 3)}};
        }}).filter(s => s.tall > 0 || s.wide > 0 || s.height !== 1080 || s.out.length)"""
    )
    assert overflowing == []
