"""Offline decks, guide pages, handouts and the ``slides`` command (helpers.slides, helpers.handouts).

The browser checks (slides counted, no network, nothing overflowing) are in tests/browser/test_slides.py.
"""

from __future__ import annotations

import base64
import copy
import re
import struct
import zlib
from pathlib import Path

import pytest

from helpers import guides, handouts, slides
from helpers.i18n import language
from tests.test_guides import SAMPLE

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "notebooks" / "03_leaky_bucket.ipynb"
M = slides.METRICS


def png(width: int, height: int) -> str:
    """A real (white) PNG of the given size, base64 as a notebook stores it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return base64.b64encode(data).decode()


def markdown(text: str, kind: str = "-") -> dict:
    return {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": kind}}, "source": text}


def code(outputs: list, kind: str = "-", source: str = "x = 1") -> dict:
    return {"cell_type": "code", "metadata": {"slideshow": {"slide_type": kind}}, "outputs": outputs, "source": source}


def image(width: int = 1000, height: int = 600) -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": {"image/png": png(width, height)}}


def slide_heights(cells: list) -> list[float]:
    """The estimated height of each (sub)slide after pagination."""
    heights: list[float] = []
    for cell in cells:
        if guides.slide_type(cell) in ("slide", "subslide") or not heights:
            heights.append(0.0)
        heights[-1] += slides.cell_height(cell)
    return heights


@pytest.fixture
def lesson_guide(tmp_path):
    """A guide for lesson 03 in the format, written under tmp (one block per real section)."""
    lesson = guides.read_notebook(LESSON)
    sections = guides.lesson_sections(lesson)
    minutes = [8] * (len(sections) - 1) + [55 - 8 * (len(sections) - 1)]
    timing = "".join(f"| {s} | {m} |\n" for s, m in zip(sections, minutes, strict=True))
    notes = "".join(
        f"### {s}\n- **Say:** say {i}.\n- **Ask:** ask {i}?\n- **Expect:** expect {i}.\n- **Watch for:** watch {i}.\n\n"
        for i, s in enumerate(sections)
    )
    questions = "".join(
        f"{i}. **{q}**\n   *Model answer:* yes.\n" for i, q in enumerate(guides.lesson_discussion(lesson), 1)
    )
    text = (
        SAMPLE.split("## Timing")[0].replace("20 minutes", "55 minutes")
        + "## Timing\n| Section | Minutes |\n|---|---|\n"
        + timing
        + "\n## Speaker notes\n"
        + notes
        + "## Discussion questions\n"
        + questions
        + "\n## Misconceptions"
        + SAMPLE.split("## Misconceptions")[1].replace("- **Main chart:** The idea", f"- **Main chart:** {sections[0]}")
    )
    path = tmp_path / "guide" / "03_leaky_bucket.md"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def assets(tmp_path, monkeypatch):
    """The real npm assets when installed; otherwise a stand-in tree with the same files."""
    if all((slides.NODE_MODULES / source).exists() for source, _ in slides.ASSETS):
        return slides.NODE_MODULES
    fake = tmp_path / "node_modules"
    for source, _ in slides.ASSETS:
        target = fake / source
        if Path(source).suffix:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("/* stand-in */")
        else:
            target.mkdir(parents=True)
            (target / "stand-in.txt").write_text("")
    monkeypatch.setattr(slides, "NODE_MODULES", fake)
    return fake


# Preparing the notebook ---------------------------------------------------------------------


def test_a_widget_shows_its_saved_chart_or_nothing():
    view = {"model_id": "1", "version_major": 2, "version_minor": 0}
    widget = {"output_type": "display_data", "metadata": {}, "data": {slides.WIDGET_VIEW: view, "text/plain": "VBox()"}}
    assert slides.deck_outputs([widget]) == []
    chart = png(20, 10)
    with_chart = copy.deepcopy(widget)
    with_chart["data"]["image/png"] = chart
    assert slides.deck_outputs([with_chart]) == [{**with_chart, "data": {"image/png": chart}}]
    warning = {"output_type": "stream", "name": "stderr", "text": "careful"}
    printed = {"output_type": "stream", "name": "stdout", "text": "42"}
    assert slides.deck_outputs([warning, printed]) == [printed]


def test_cells_without_anything_to_show_go_and_hand_on_their_slide_start():
    cells = [markdown("# Title", "slide"), code([], "skip"), code([], "subslide"), markdown("Text"), markdown("More")]
    shown = slides.visible_cells(cells)
    assert [guides.cell_text(c) for c in shown] == ["# Title", "Text", "More"]
    assert [guides.slide_type(c) for c in shown] == ["slide", "subslide", "-"]


def test_a_wide_table_is_fitted_to_the_slide():
    header = "".join(f"<th>column_number_{i}</th>" for i in range(16))
    row = "".join(f"<td>{1234567.891 * i:,.3f}</td>" for i in range(16))
    markup = f"<table><thead><tr>{header}</tr></thead><tbody><tr>{row}</tr></tbody></table>"
    font, _ = slides.table_layout(markup)
    assert font < M.table
    fitted = slides.fit_table(markup)
    assert "column_<wbr>number_<wbr>0" in fitted
    assert f"font-size: {font:.0f}px" in fitted
    narrow = "<table><tr><th>a</th></tr><tr><td>1</td></tr></table>"
    assert slides.table_layout(narrow)[0] == M.table


def test_long_outputs_and_cells_are_cut_into_parts_that_fit_a_slide():
    rows = "".join(f"<tr><th>{i}</th><td>{i * 2}</td></tr>" for i in range(80))
    table = {
        "output_type": "execute_result",
        "metadata": {},
        "data": {"text/html": f"<table><thead><tr><th></th><th>x</th></tr></thead><tbody>{rows}</tbody></table>"},
    }
    parts = slides.split_output(table)
    assert len(parts) > 1
    assert all("<thead>" in p["data"]["text/html"] for p in parts)
    assert sum(p["data"]["text/html"].count("<tr>") for p in parts) == 80 + len(parts)
    assert all(slides.output_height(p) <= M.content_height for p in parts)
    text = "\n\n".join(f"- point {i} " + "word " * 30 for i in range(40))
    cells = slides.split_long_cells([markdown("## Long\n\n" + text, "slide"), code([table])])
    assert guides.slide_type(cells[0]) == "slide" and guides.cell_text(cells[0]).startswith("## Long")
    assert all(slides.cell_height(c) <= M.content_height for c in cells)
    assert "".join(guides.cell_text(c) for c in cells if c["cell_type"] == "markdown").count("- point") == 40


def test_pagination_keeps_every_slide_within_the_slide_and_shrinks_a_chart_only_so_far():
    heading = markdown("## A section\n\n" + "Some words here. " * 40, "slide")
    notice = markdown("**What to notice.** " + "A short remark. " * 5, "fragment")
    cells = slides.paginate([heading, code([image(1000, 600)]), notice, code([image(1000, 800)])])
    assert max(slide_heights(cells)) <= M.content_height
    for cell in cells:
        for output in cell.get("outputs", []):
            width = output["metadata"]["image/png"]["width"]
            assert width >= M.image_shrink * 1000 * M.image_scale - 1
    assert guides.slide_type(cells[3]) == "subslide"


def test_the_deck_notebook_has_notes_for_each_section_and_leaves_the_lesson_alone(lesson_guide):
    lesson = guides.read_notebook(LESSON)
    before = copy.deepcopy(lesson)
    guide = guides.read_guide(lesson_guide)
    deck = slides.deck_notebook(lesson, guide)
    assert lesson == before
    cells = deck["cells"]
    notes = [i for i, c in enumerate(cells) if guides.slide_type(c) == "notes"]
    headings = [guides.slide_heading(cells[i - 1]) for i in notes]
    assert headings[1:] == guides.lesson_sections(lesson)
    assert "**Say:** say 0." in guides.cell_text(cells[notes[1]])
    assert "skip" not in {guides.slide_type(c) for c in cells}
    assert not any(slides.WIDGET_VIEW in o.get("data", {}) for c in cells for o in c.get("outputs", []))
    assert len({c["id"] for c in cells}) == len(cells)
    assert max(slide_heights(cells)) <= M.content_height
    assert "widgets" not in deck["metadata"]


def test_math_is_detected_only_where_there_is_some():
    assert slides.uses_math({"cells": [markdown("The steady state $N^* = a / c$.")]})
    assert not slides.uses_math({"cells": [markdown("It costs 5 $ or 6 $ a month.")]})


# Building -----------------------------------------------------------------------------------


def test_the_assets_missing_say_how_to_install_them(tmp_path):
    with pytest.raises(slides.AssetsMissing, match=re.escape("npm ci --prefix etc/slides")):
        slides.copy_assets(tmp_path / "out", node_modules=tmp_path / "nothing")


def test_a_deck_is_built_offline_with_its_notes_and_without_code(tmp_path, assets, lesson_guide):
    deck = slides.build_deck(LESSON, tmp_path / "out", guide=lesson_guide)
    assert deck == tmp_path / "out" / "03_leaky_bucket.html"
    page = deck.read_text(encoding="utf-8")
    for _, destination in slides.ASSETS:
        assert (tmp_path / "out" / "assets" / destination).exists()
    loaded = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert loaded and all(url.startswith("assets/") for url in loaded)
    assert "%%needs" not in page and "import " not in page
    assert page.count('<aside class="notes">') == len(guides.lesson_sections(guides.read_notebook(LESSON))) + 1
    assert "say 0." in page
    assert slides.WIDGET_VIEW not in page


def test_without_a_guide_the_deck_has_no_notes(tmp_path, assets):
    deck = slides.build_deck(LESSON, tmp_path / "out", guide=tmp_path / "none.md")
    assert '<aside class="notes">' not in deck.read_text(encoding="utf-8")


def test_guide_pages_link_among_themselves(lesson_guide):
    page = slides.guide_page(guides.read_guide(lesson_guide), "03_leaky_bucket.html", "03_leaky_bucket.handout.pdf")
    assert 'href="overview.html#your-classs-own-company"' in page
    assert 'href="03_leaky_bucket.html"' in page and 'href="03_leaky_bucket.handout.pdf"' in page
    assert "<table>" in page and "<td>1. Measure the company's own bucket</td>" in page.replace("&#x27;", "'")
    index = slides.index_page([{"title": "03 · Bucket", "deck": "03.html", "guide": None, "handout": None}])
    assert 'href="03.html"' in index and "no guide" in index


def test_the_handout_is_one_a4_page(tmp_path, lesson_guide):
    import matplotlib as mpl

    from helpers import plots

    # In a notebook the course theme is on, and it crops saved figures to their content.
    with mpl.rc_context():
        plots.use_theme("projector")
        out = handouts.build_handout(LESSON, lesson_guide, tmp_path / "03.handout.pdf")
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 1
    media = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert media and round(float(media.group(1))) == 595 and round(float(media.group(2))) == 842  # A4 in points
    assert out.with_suffix(".png").is_file()


def test_the_handout_needs_a_chart_in_the_named_section(tmp_path, lesson_guide):
    lesson = guides.read_notebook(LESSON)
    text = lesson_guide.read_text(encoding="utf-8")
    bad = tmp_path / "03_leaky_bucket.md"
    bad.write_text(text.replace(f"**Main chart:** {guides.lesson_sections(lesson)[0]}", "**Main chart:** Nowhere"))
    with pytest.raises(KeyError, match="has no section"):
        handouts.build_handout(LESSON, bad, tmp_path / "x.pdf")
    with pytest.raises(ValueError, match="has no chart"):
        handouts.main_chart({"cells": [markdown("## Words only", "slide")]}, "Words only")
    assert handouts.takeaway_items("- one **bold**\n  two\n- `code` three") == ["one bold two", "code three"]


def test_the_command_line(tmp_path, capsys):
    assert slides.main(["--help"]) == 0
    assert slides.main(["--no-such-option"]) == 2
    assert slides.main(["42", "--out", str(tmp_path)]) == 2
    assert "no lesson starts with '42'" in capsys.readouterr().err
    assert [p.stem for p in slides.lessons(["03", "0"])][:2] == ["03_leaky_bucket", "00_welcome"]


def test_the_command_says_how_to_install_missing_assets(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(slides, "NODE_MODULES", tmp_path / "nothing")
    assert slides.main(["03", "--out", str(tmp_path / "out")]) == 1
    assert "npm ci --prefix etc/slides" in capsys.readouterr().err


def test_a_lesson_page_shows_prose_as_text_and_loads_nothing_from_a_network(tmp_path, assets):
    import nbformat

    prose_cell = nbformat.v4.new_code_cell(
        'prose(f"The top fifth bring **{top_fifth:.0%}** of the margin.")',
        metadata={"tags": ["prose"], "jupyter": {"source_hidden": True}},
        outputs=[
            nbformat.v4.new_output(
                "execute_result",
                data={"text/markdown": "The top fifth bring **81%** of the margin.", "text/plain": "The top fifth"},
                execution_count=2,
            )
        ],
    )
    lesson = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# 99 · A lesson\n\nThe formula $r / (1 + d - r)$."),
            nbformat.v4.new_code_cell("top_fifth = 0.81", outputs=[]),
            prose_cell,
        ]
    )
    path = tmp_path / "99_lesson.ipynb"
    nbformat.write(lesson, path)
    slides.copy_assets(tmp_path / "out")
    page = slides.build_page(path, tmp_path / "out").read_text(encoding="utf-8")
    assert "<strong>81%</strong> of the margin" in page
    assert "top_fifth:.0%" not in page and "top_fifth" in page  # the prose cell's code is hidden, not the rest
    assert "<title>99 · A lesson</title>" in page
    loaded = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert loaded and all(url.startswith("assets/") for url in loaded), loaded


def test_the_spanish_edition_gets_its_pages_and_decks_with_a_spanish_index(tmp_path, assets):
    spanish = slides.lessons(["03"], slides.NOTEBOOKS / "es")
    assert [path.name for path in spanish] == ["03_teoria_del_balde.ipynb"]
    slides.build_spanish(spanish, tmp_path / "es")
    index = (tmp_path / "es" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in index and language() == "en"  # the process speaks English again
    assert "<th>Lección</th><th>Página</th><th>Diapositivas</th></tr>" in index
    assert "teoría del balde" in index and "03_teoria_del_balde.page.html" in index
    deck = (tmp_path / "es" / "03_teoria_del_balde.html").read_text(encoding="utf-8")
    assert "Unos 5 minutos" not in deck and "Términos clave" in deck
    assert (tmp_path / "es" / "03_teoria_del_balde.page.html").exists()
