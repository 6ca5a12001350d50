"""Offline slide decks, instructor guide pages and handouts: ``python -m helpers slides``.

Each lesson becomes a reveal.js deck that opens from disk with no network: reveal.js, its
speaker-notes plugin and MathJax are copied beside the decks from ``etc/slides/node_modules``
(installed by ``npm ci --prefix etc/slides``, which ``make slides`` runs). The code is hidden,
a widget shows the chart saved with it, long slides are split so that each fits a
1920 × 1080 slide, and the "Speaker notes" of the lesson's instructor guide become the
notes of each section's slide (press S in the deck for the speaker view).

Beside the decks: each instructor guide as a web page, a one-page PDF handout per lesson
(:mod:`helpers.handouts`) and ``index.html``, which links them all.
"""

from __future__ import annotations

import argparse
import base64
import copy
import html
import json
import math
import re
import shutil
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import guides
from helpers.i18n import N_, _, language, speaking

#: The course's folder (the repository): lessons, guides and the deck assets live there.
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
INSTRUCTOR = ROOT / "instructor"
SLIDES_SETUP = ROOT / "etc" / "slides"
NODE_MODULES = SLIDES_SETUP / "node_modules"

#: The command that installs the deck assets (``make slides`` runs it when needed).
INSTALL_COMMAND = "npm ci --prefix etc/slides"

#: Where the decks go unless ``--out`` says otherwise.
DEFAULT_OUT = Path("build") / "slides"

#: The widget-view output a deck cannot run; the PNG saved beside it shows instead.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

#: Files copied from node_modules into ``<out>/assets``: (source, destination) under each.
ASSETS = (
    ("reveal.js/dist/reveal.css", "reveal/reveal.css"),
    ("reveal.js/dist/reveal.js", "reveal/reveal.js"),
    ("reveal.js/dist/theme/white.css", "reveal/theme/white.css"),
    ("reveal.js/dist/theme/fonts/source-sans-pro", "reveal/theme/fonts/source-sans-pro"),
    ("reveal.js/plugin/notes/notes.js", "reveal/plugin/notes/notes.js"),
    ("mathjax/es5/tex-svg.js", "mathjax/tex-svg.js"),
    ("mathjax/es5/input/tex/extensions", "mathjax/input/tex/extensions"),
)


class AssetsMissing(RuntimeError):
    """The deck assets (reveal.js, MathJax) are not installed; the message says how to install them."""


@dataclass(frozen=True)
class SlideMetrics:
    """The slide's size and the type sizes of ``etc/slides/deck/static/deck.css``, in CSS pixels.

    :func:`estimate_height` uses them to tell how tall a cell will be on a slide, so that
    :func:`paginate` can start a new slide before the content overflows. The character
    widths are averages for the deck's font (Source Sans Pro), measured in Chromium,
    rounded up to stay on the safe side.
    """

    width: int = 1920
    height: int = 1080
    padding_x: int = 60
    padding_y: int = 40
    text: float = 36
    line: float = 1.3
    char: float = 0.48
    table: float = 28
    table_row: float = 1.25 * 28 + 8
    pre: float = 28
    pre_char: float = 0.61
    image_scale: float = 1.3
    image_shrink: float = 0.7
    headings: tuple[tuple[float, float], ...] = ((64, 24), (56, 24), (46, 20))

    @property
    def content_width(self) -> float:
        """The width left for content inside the padding."""
        return self.width - 2 * self.padding_x

    @property
    def content_height(self) -> float:
        """The height left for content inside the padding, less a margin for error."""
        return self.height - 2 * self.padding_y - 40


METRICS = SlideMetrics()


# Preparing the notebook ---------------------------------------------------------------------


def png_size(data: str) -> tuple[int, int]:
    """Width and height, in pixels, of a base64-encoded PNG (as a notebook stores it).

    Examples
    --------
    >>> header = b"\\x89PNG\\r\\n\\x1a\\n" + b"\\x00\\x00\\x00\\rIHDR" + (640).to_bytes(4, "big") + (480).to_bytes(4, "big")
    >>> png_size(base64.b64encode(header + b"\\x00" * 8).decode())
    (640, 480)
    """
    raw = base64.b64decode(data if isinstance(data, str) else "".join(data))
    if raw[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    return struct.unpack(">II", raw[16:24])


def deck_outputs(outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A code cell's outputs as a deck shows them.

    A widget shows the ``image/png`` of its chart saved beside the widget view, and nothing
    when there is none (the live widget cannot run in a static deck); tables are fitted to
    the slide's width (:func:`fit_table`); warnings (stderr) are left out.

    Examples
    --------
    >>> widget = {"output_type": "display_data", "metadata": {},
    ...           "data": {WIDGET_VIEW: {"model_id": "1"}, "text/plain": "VBox(...)"}}
    >>> deck_outputs([widget])
    []
    >>> widget["data"]["image/png"] = "iVBORw0KGgo="
    >>> list(deck_outputs([widget])[0]["data"])
    ['image/png']
    """
    shown = []
    for output in outputs:
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            continue
        data = output.get("data")
        if data and WIDGET_VIEW in data:
            if "image/png" not in data:
                continue
            output = {**output, "data": {"image/png": data["image/png"]}}
        elif data and "text/html" in data and re.search(r"<tr[\s>]", guides.cell_text({"source": data["text/html"]})):
            output = {
                **output,
                "data": {**data, "text/html": fit_table(guides.cell_text({"source": data["text/html"]}))},
            }
        shown.append(output)
    return shown


def split_markdown(text: str) -> list[str]:
    """A Markdown cell's text as its top-level blocks: paragraphs, headings, list items, math, tables.

    A list item keeps its indented continuation lines; the blocks joined with blank lines
    render as the cell did.

    Examples
    --------
    >>> split_markdown("## Title\\n\\nOne paragraph\\non two lines.\\n\\n- a\\n- b\\n  more b")
    ['## Title', 'One paragraph\\non two lines.', '- a', '- b\\n  more b']
    """
    blocks: list[list[str]] = []
    in_math = False
    for line in text.splitlines():
        starts_item = re.match(r"(\s{0,3})([-*+]|\d+[.)])\s", line) is not None and not line.startswith("    ")
        if in_math:
            blocks[-1].append(line)
            in_math = line.count("$$") % 2 == 0
            continue
        if not line.strip():
            blocks.append([])
        elif line.startswith("#") or starts_item or (line.startswith("$$") and line.count("$$") % 2 == 1):
            blocks.append([line])
            in_math = line.startswith("$$") and line.count("$$") % 2 == 1
            if line.startswith("#"):
                blocks.append([])
        elif blocks and blocks[-1]:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return ["\n".join(block) for block in blocks if block]


def _plain_length(text: str) -> int:
    """Characters a Markdown line shows (links, emphasis and code marks removed)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return len(re.sub(r"[*_`]|\\[a-z]+|[{}]", "", text))


def _lines(chars: float, width: float, char_width: float) -> int:
    """Lines that ``chars`` characters take in ``width`` pixels, allowing for words wrapped whole."""
    per_line = width / char_width
    return max(1, math.ceil(chars / max(1.0, per_line - min(6.0, per_line / 8))))


def markdown_table_height(block: str, metrics: SlideMetrics = METRICS) -> float:
    """The estimated height of a Markdown table: columns share the width as their longest cells do."""
    rows = [
        [_plain_length(cell.strip()) for cell in row.strip().strip("|").split("|")]
        for row in block.splitlines()
        if not re.match(r"\s*\|\s*:?-", row)
    ]
    columns = max(len(row) for row in rows)
    longest = [max((row[i] for row in rows if i < len(row)), default=1) or 1 for i in range(columns)]
    widths = [metrics.content_width * n / sum(longest) - 28 for n in longest]
    height = 16.0
    for row in rows:
        lines = max(_lines(n, max(w, 40), metrics.char * metrics.table) for n, w in zip(row, widths, strict=False))
        height += lines * metrics.table * 1.25 + 9
    return height


def markdown_height(text: str, metrics: SlideMetrics = METRICS) -> float:
    """The estimated height, in CSS pixels, of Markdown text on a slide."""
    height = 0.0
    line = metrics.text * metrics.line
    for block in split_markdown(text):
        first = block.splitlines()[0]
        heading = re.match(r"(#{1,6})\s+(.*)", first)
        if heading:
            size, margin = metrics.headings[min(len(heading.group(1)), 3) - 1]
            height += _lines(_plain_length(heading.group(2)), metrics.content_width, 0.5 * size) * 1.15 * size + margin
        elif first.startswith("$$"):
            height += 4 * line
        elif first.lstrip().startswith("|"):
            height += markdown_table_height(block, metrics)
        else:
            item = re.match(r"\s*([-*+]|\d+[.)])\s", first)
            width = metrics.content_width - (1.4 * metrics.text if item else 0)
            chars = _plain_length(" ".join(part.strip() for part in block.splitlines()))
            lines = _lines(chars, width, metrics.char * metrics.text)
            height += lines * line + (0.2 if item else 0.5) * metrics.text
    return height + 0.5 * metrics.text


def image_height(output: dict[str, Any], metrics: SlideMetrics = METRICS) -> float:
    """The height of an output's PNG on a slide: at the width :func:`set_image_height` gave it, or
    else at its preferred size (``metrics.image_scale`` times its own, within the slide).
    """
    width, height = png_size(output["data"]["image/png"])
    given = output.get("metadata", {}).get("image/png", {}).get("width")
    if given is not None:
        return height * given / width
    shown = min(width * metrics.image_scale, metrics.content_width)
    return min(height * shown / width, metrics.content_height)


def set_image_height(output: dict[str, Any], height: float) -> None:
    """Show an output's PNG at ``height`` CSS pixels (its width follows), through its metadata."""
    width, natural = png_size(output["data"]["image/png"])
    output.setdefault("metadata", {}).setdefault("image/png", {})["width"] = int(width * height / natural)


def _cell_texts(row: str) -> list[tuple[str, str]]:
    """``(tag, text)`` of each cell of an HTML table row."""
    return [
        (tag, " ".join(re.sub(r"<[^>]+>", " ", content).split()))
        for tag, content in re.findall(r"<(t[hd])[^>]*>(.*?)</t[hd]>", row, flags=re.S)
    ]


#: A body cell longer than this many characters, with spaces, is prose: it may wrap.
PROSE_CHARS = 40


def _is_prose(tag: str, text: str) -> bool:
    return tag == "td" and len(text) > PROSE_CHARS and " " in text


def table_layout(markup: str, metrics: SlideMetrics = METRICS) -> tuple[float, float]:
    """The font size (CSS pixels) at which an HTML table fits the slide's width, and its height there.

    Body cells stay on one line, except prose (longer than :data:`PROSE_CHARS` characters),
    which wraps in the width the other columns leave; header cells may wrap after an
    underscore or a space. The font starts at ``metrics.table`` and shrinks, down to two
    thirds of it, until every column fits.
    """
    rows = [_cell_texts(row) for row in re.findall(r"<tr[\s>].*?</tr>", markup, flags=re.S)]
    columns = max((len(row) for row in rows), default=0)
    widest, prose = [0] * columns, [0] * columns
    for row in rows:
        for index, (tag, text) in enumerate(row):
            if _is_prose(tag, text):
                prose[index] = max(prose[index], len(text))
                pieces = text.split()
            else:
                pieces = re.split(r"[_\s]", text) if tag == "th" else [text]
            widest[index] = max(widest[index], max((len(piece) for piece in pieces), default=0))
    room = metrics.content_width - 28 * columns
    needed = sum(max(w, PROSE_CHARS if p else 0) for w, p in zip(widest, prose, strict=True)) * metrics.char
    font = min(metrics.table, max(metrics.table * 2 / 3, room / max(needed, 1)))
    fixed = sum(w for w, p in zip(widest, prose, strict=True) if not p) * metrics.char * font
    widths = [
        max(w * metrics.char * font, (room - fixed) * p / max(sum(prose), 1)) if p else w * metrics.char * font
        for w, p in zip(widest, prose, strict=True)
    ]
    height = 16.0
    for row in rows:
        lines = [
            _lines(len(text), widths[i], metrics.char * font)
            if _is_prose(tag, text)
            else math.ceil(len(text) / max(widest[i], 1))
            if tag == "th"
            else 1
            for i, (tag, text) in enumerate(row)
        ]
        height += max(lines, default=1) * font * 1.25 + 9
    return font, height


def fit_table(markup: str, metrics: SlideMetrics = METRICS) -> str:
    """An HTML table output made to fit the slide: header names may wrap at underscores, prose
    cells are marked to wrap, and the font shrinks as :func:`table_layout` says.
    """
    font, _ = table_layout(markup, metrics)
    markup = re.sub(
        r"(<th[^>]*>)(.*?)(</th>)",
        lambda m: m.group(1) + m.group(2).replace("_", "_<wbr>") + m.group(3),
        markup,
        flags=re.S,
    )
    markup = re.sub(
        r"<td([^>]*)>(.*?)</td>",
        lambda m: (
            f'<td{m.group(1)} class="deck-prose">{m.group(2)}</td>'
            if _is_prose("td", " ".join(re.sub(r"<[^>]+>", " ", m.group(2)).split()))
            else m.group(0)
        ),
        markup,
        flags=re.S,
    )
    return f'<div class="deck-table" style="font-size: {font:.0f}px">{markup}</div>'


def html_height(markup: str, metrics: SlideMetrics = METRICS) -> float:
    """The estimated height of an HTML output (most often a table) on a slide."""
    if re.search(r"<tr[\s>]", markup):
        return table_layout(markup, metrics)[1]
    text = re.sub(r"<[^>]+>", " ", markup)
    return _lines(len(" ".join(text.split())), metrics.content_width, metrics.char * metrics.text) * (
        metrics.text * metrics.line
    )


def output_height(output: dict[str, Any], metrics: SlideMetrics = METRICS) -> float:
    """The estimated height of one output on a slide, in CSS pixels."""
    if output.get("output_type") == "stream":
        text = output.get("text", "")
        text = "".join(text) if isinstance(text, list) else text
    else:
        data = output.get("data", {})
        if "image/png" in data:
            return image_height(output, metrics) + 16
        if "text/html" in data:
            markup = data["text/html"]
            return html_height("".join(markup) if isinstance(markup, list) else markup, metrics)
        if "text/markdown" in data:
            return markdown_height(guides.cell_text({"source": data["text/markdown"]}), metrics)
        text = data.get("text/plain", "")
        text = "".join(text) if isinstance(text, list) else text
    lines = sum(_lines(len(line), metrics.content_width, metrics.pre_char * metrics.pre) for line in text.splitlines())
    return lines * metrics.pre * 1.3 + 12


def cell_height(cell: dict[str, Any], metrics: SlideMetrics = METRICS) -> float:
    """The estimated height of a cell on a slide (code hidden: its outputs only)."""
    if guides.slide_type(cell) in ("notes", "skip"):
        return 0.0
    if cell["cell_type"] == "markdown":
        return markdown_height(guides.cell_text(cell), metrics)
    return sum(output_height(output, metrics) for output in cell.get("outputs", []))


def _with_slide_type(cell: dict[str, Any], kind: str) -> dict[str, Any]:
    cell = copy.deepcopy(cell)
    cell.setdefault("metadata", {}).setdefault("slideshow", {})["slide_type"] = kind
    return cell


_STRENGTH = {"-": 0, "fragment": 1, "subslide": 2, "slide": 3}


def visible_cells(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cells a deck shows: skipped cells and code cells left without outputs go.

    A removed cell that started a slide hands the start to the next cell shown.

    Examples
    --------
    >>> code = {"cell_type": "code", "metadata": {"slideshow": {"slide_type": "subslide"}}, "outputs": [], "source": "x = 1"}
    >>> text = {"cell_type": "markdown", "metadata": {}, "source": "Hello"}
    >>> [guides.slide_type(cell) for cell in visible_cells([code, text])]
    ['subslide']
    """
    shown, pending = [], "-"
    for cell in cells:
        kind = guides.slide_type(cell)
        if kind == "skip":
            continue
        if cell["cell_type"] == "code":
            cell = {**cell, "outputs": deck_outputs(cell.get("outputs", []))}
            if not cell["outputs"]:
                pending = max(pending, kind, key=lambda k: _STRENGTH.get(k, 0))
                continue
        if _STRENGTH.get(pending, 0) > _STRENGTH.get(kind, 0):
            cell = _with_slide_type(cell, pending)
        pending = "-"
        shown.append(cell)
    return shown


def split_output(output: dict[str, Any], metrics: SlideMetrics = METRICS) -> list[dict[str, Any]]:
    """An output taller than a slide, cut into outputs that each fit one: printed text by lines,
    a table by rows (each part keeps the header). Other outputs come back whole.

    Examples
    --------
    >>> long = {"output_type": "stream", "name": "stdout", "text": "line\\n" * 60}
    >>> [part["text"].count("\\n") for part in split_output(long)]
    [25, 25, 10]
    """
    budget = metrics.content_height - 20
    if output_height(output, metrics) <= budget:
        return [output]
    if output.get("output_type") == "stream":
        parts, lines = [], []
        for line in guides.cell_text({"source": output.get("text", "")}).splitlines(keepends=True):
            if lines and output_height({**output, "text": "".join([*lines, line])}, metrics) > budget:
                parts.append({**output, "text": "".join(lines)})
                lines = []
            lines.append(line)
        return [*parts, {**output, "text": "".join(lines)}]
    markup = guides.cell_text({"source": output.get("data", {}).get("text/html", "")})
    body = re.search(r"(<tbody[^>]*>)(.*?)(</tbody>)", markup, flags=re.S)
    if body is None:
        return [output]
    head, tail = markup[: body.end(1)], markup[body.start(3) :]
    parts, rows = [], []
    for row in re.findall(r"<tr[\s>].*?</tr>", body.group(2), flags=re.S):
        if rows and html_height(head + "".join([*rows, row]) + tail, metrics) > budget:
            parts.append(rows)
            rows = []
        rows.append(row)
    parts.append(rows)
    return [{**output, "data": {"text/html": head + "".join(rows) + tail}} for rows in parts]


def split_long_cells(cells: list[dict[str, Any]], metrics: SlideMetrics = METRICS) -> list[dict[str, Any]]:
    """Cells taller than a slide, cut into cells that each fit one.

    A Markdown cell is cut between whole blocks (paragraphs, list items), a code cell
    between its outputs and inside an output too long for a slide (:func:`split_output`).
    The first part keeps the cell's slide type; the others follow it on the same slide
    (:func:`paginate` decides where the new slides start).
    """
    result = []
    for cell in cells:
        if cell_height(cell, metrics) <= metrics.content_height:
            result.append(cell)
        elif cell["cell_type"] == "code":
            outputs = [part for output in cell["outputs"] for part in split_output(output, metrics)]
            for index, output in enumerate(outputs):
                part = copy.deepcopy(cell) if index == 0 else _with_slide_type(cell, "-")
                part["outputs"] = [output]
                result.append(part)
        else:
            part: list[str] = []
            first = True
            for block in split_markdown(guides.cell_text(cell)):
                if part and markdown_height("\n\n".join([*part, block]), metrics) > metrics.content_height:
                    result.append(_part(cell, part, first=first))
                    part, first = [], False
                part.append(block)
            result.append(_part(cell, part, first=first))
    return result


def _part(cell: dict[str, Any], blocks: list[str], *, first: bool) -> dict[str, Any]:
    part = copy.deepcopy(cell) if first else _with_slide_type(cell, "-")
    part["source"] = "\n\n".join(blocks)
    return part


def paginate(cells: list[dict[str, Any]], metrics: SlideMetrics = METRICS) -> list[dict[str, Any]]:
    """The cells with a new (sub)slide started wherever the next cell would overflow the slide.

    A chart is shown smaller (down to ``metrics.image_shrink`` of its preferred size) when
    that keeps on its slide the text that follows it (its "What to notice") or, failing
    that, the chart itself; otherwise it starts a new slide. Every chart gets an explicit
    width, so the sizes on the slide are the ones estimated.
    """
    cells = copy.deepcopy(cells)
    heights = [cell_height(cell, metrics) for cell in cells]
    starts = [guides.slide_type(cell) in ("slide", "subslide") for cell in cells]
    used = 0.0
    for index, cell in enumerate(cells):
        height = heights[index]
        images = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        for output in images:  # sized here, from the preferred size
            output.get("metadata", {}).get("image/png", {}).pop("width", None)
        wanted = sum(image_height(o, metrics) for o in images)
        if starts[index]:
            used = 0.0
        elif (
            height
            and used + height > metrics.content_height
            and not (images and metrics.content_height - used - (height - wanted) >= metrics.image_shrink * wanted)
        ):
            cell["metadata"].setdefault("slideshow", {})["slide_type"] = "subslide"
            used = 0.0
        scale = 1.0
        if images:
            after = index + 1
            while (
                after < len(cells)
                and not starts[after]
                and cell_height(cells[after], metrics) < metrics.content_height / 3
            ):
                after += 1
            tail = sum(heights[index + 1 : after])
            for room in (metrics.content_height - used - tail, metrics.content_height - used):
                fit = (room - (height - wanted)) / wanted
                if fit >= metrics.image_shrink:
                    scale = min(1.0, fit)
                    break
        for output in images:
            set_image_height(output, image_height(output, metrics) * scale)
        used += height - wanted * (1 - scale)
    return cells


def notes_markdown(guide: guides.Guide, section: str) -> str:
    """A section's speaker notes from the guide, as Markdown for the deck's notes aside.

    Examples
    --------
    >>> from pathlib import Path
    >>> guide = guides.Guide(Path("g.md"), "03", "t", 10, "", [("Intro", 10)],
    ...     {"Intro": {"say": "S.", "ask": "A?", "expect": "E.", "watch": "W."}}, [], [], [], "", "Intro", "")
    >>> print(notes_markdown(guide, "Intro"))
    *10 minutes*
    <BLANKLINE>
    **Say:** S.
    <BLANKLINE>
    **Ask:** A?
    <BLANKLINE>
    **Expect:** E.
    <BLANKLINE>
    **Watch for:** W.
    """
    minutes = dict(guide.timing).get(section)
    parts = [f"*{minutes} minutes*"] if minutes is not None else []
    notes = guide.notes[section]
    parts += [f"**{label}:** {notes[key]}" for label, key in guides.NOTE_LABELS.items()]
    return "\n\n".join(parts)


def _notes_cell(text: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "notes"}}, "source": text}


def deck_notebook(
    notebook: dict[str, Any], guide: guides.Guide | None = None, metrics: SlideMetrics = METRICS
) -> dict[str, Any]:
    """A lesson notebook prepared for its deck (a new dictionary; the lesson is left as it was).

    Hidden cells and code-only cells go, widgets show their saved chart, long cells are split
    and slides paginated to fit ``metrics``, and each section's heading cell is followed by
    the guide's speaker notes for it (the title slide gets the class time and what to
    prepare).
    """
    deck = copy.deepcopy(notebook)
    deck.setdefault("metadata", {}).pop("widgets", None)
    cells = split_long_cells(visible_cells(deck["cells"]), metrics)
    if guide is not None:
        with_notes = []
        for index, cell in enumerate(cells):
            with_notes.append(cell)
            heading = guides.slide_heading(cell)
            if heading in guide.notes:
                with_notes.append(_notes_cell(notes_markdown(guide, heading)))
            elif index == 0:
                before = f"**Before class:** {guide.before_class}" if guide.before_class else ""
                with_notes.append(_notes_cell(f"*Class time: {guide.class_minutes} minutes.*\n\n{before}"))
        cells = with_notes
    deck["cells"] = paginate(cells, metrics)
    for number, cell in enumerate(deck["cells"]):
        cell["id"] = f"deck-{number}"
    return deck


def uses_math(notebook: dict[str, Any]) -> bool:
    """Whether any Markdown cell of the notebook has TeX math (``$…$`` or ``$$…$$``)."""
    return any(
        re.search(r"(?<!\\)\$[^$\s][^$]*\$", guides.cell_text(cell)) is not None
        for cell in notebook["cells"]
        if cell["cell_type"] == "markdown"
    )


# Building -------------------------------------------------------------------------------------


def copy_assets(out_dir: Path, node_modules: Path | None = None) -> Path:
    """Copy reveal.js, its notes plugin, its font and MathJax into ``out_dir/assets``.

    ``node_modules`` defaults to :data:`NODE_MODULES`, where ``npm ci --prefix etc/slides`` installs them.

    Raises
    ------
    AssetsMissing
        When ``node_modules`` lacks a file; the message gives the command that installs them.
    """
    node_modules = Path(node_modules) if node_modules is not None else NODE_MODULES
    missing = [source for source, _ in ASSETS if not (node_modules / source).exists()]
    if missing:
        raise AssetsMissing(
            f"the slide assets are not installed (missing {node_modules / missing[0]}).\n"
            f"Install them with: {INSTALL_COMMAND}   (or run: make slides)"
        )
    assets = out_dir / "assets"
    for source, destination in ASSETS:
        target = assets / destination
        target.parent.mkdir(parents=True, exist_ok=True)
        if (node_modules / source).is_dir():
            shutil.copytree(node_modules / source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(node_modules / source, target)
    return assets


def guide_for(notebook: Path) -> Path:
    """The instructor guide of a lesson notebook: ``instructor/<same name>.md`` beside ``notebooks/``."""
    return notebook.resolve().parent.parent / "instructor" / f"{notebook.stem}.md"


def build_deck(notebook: Path, out_dir: Path, guide: Path | None = None, *, notes: bool = True) -> Path:
    """Build a lesson's offline deck into ``out_dir``; return the deck's HTML file.

    Parameters
    ----------
    notebook : the executed lesson notebook (it is read, never changed).
    out_dir : the folder for the deck; the assets go to ``out_dir/assets``.
    guide : the lesson's instructor guide, for the speaker notes; by default
        :func:`guide_for` the notebook, and no notes when that file does not exist.
    notes : False for a deck without speaker notes (the guide is not read).

    Returns
    -------
    Path
        ``out_dir/<notebook name>.html``.

    Raises
    ------
    AssetsMissing
        When the npm assets are not installed.
    helpers.guides.GuideError
        When the guide strays from its format.
    """
    import nbformat
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    notebook, out_dir = Path(notebook), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_assets(out_dir)
    guide = Path(guide) if guide is not None else guide_for(notebook)
    parsed = guides.read_guide(guide) if notes and guide.is_file() else None
    lesson = guides.read_notebook(notebook)
    deck = deck_notebook(lesson, parsed)
    config = Config()
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    exporter = SlidesExporter(config=config, template_name="deck", extra_template_basedirs=[str(SLIDES_SETUP)])
    resources = {
        "deck": {
            "title": guides.lesson_title(lesson),
            "assets": "assets",
            "math": uses_math(deck),
            "width": METRICS.width,
            "height": METRICS.height,
        },
        "metadata": {"name": notebook.stem},
    }
    body, _ = exporter.from_notebook_node(nbformat.reads(json.dumps(deck), as_version=4), resources=resources)
    target = out_dir / f"{notebook.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def build_page(notebook: Path, out_dir: Path) -> Path:
    """Write a lesson as a static page, code and outputs, into ``out_dir``; return its HTML file.

    What a student reads without Jupyter: prose cells show their text without the code that
    computed it, a widget shows the chart it last drew, and the formulas use the MathJax copied
    into ``out_dir/assets`` by :func:`copy_assets` (nothing is fetched from a network).

    Parameters
    ----------
    notebook : the executed lesson notebook (it is read, never changed).
    out_dir : the folder for the page.

    Returns
    -------
    Path
        ``out_dir/<notebook name>.page.html``.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    notebook, out_dir = Path(notebook), Path(out_dir)
    lesson = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in lesson["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = deck_outputs(cell.get("outputs", []))
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_input_tags = {"prose"}
    config.HTMLExporter.require_js_url = ""  # no widget state is stored: nothing needs require.js
    config.HTMLExporter.exclude_anchor_links = True
    exporter = HTMLExporter(config=config, template_name="page", extra_template_basedirs=[str(SLIDES_SETUP)])
    resources = {"metadata": {"name": guides.lesson_title(guides.read_notebook(notebook))}}
    body, _ = exporter.from_notebook_node(nbformat.reads(json.dumps(lesson), as_version=4), resources=resources)
    target = Path(out_dir) / f"{notebook.stem}.page.html"
    target.write_text(body, encoding="utf-8")
    return target


PAGE_STYLE = """
body { font-family: "Source Sans Pro", "Segoe UI", Helvetica, Arial, sans-serif; font-size: 19px;
       line-height: 1.5; color: #222; max-width: 60em; margin: 2em auto; padding: 0 1.5em; }
h1 { font-size: 2em; line-height: 1.2; color: #1a2a44; }
h2 { border-bottom: 2px solid #dde3ec; padding-bottom: .2em; margin-top: 1.8em; color: #1a2a44; }
h3 { margin-top: 1.4em; color: #1a2a44; }
table { border-collapse: collapse; } td, th { padding: .3em .9em; border-bottom: 1px solid #dde3ec; text-align: left; }
td:last-child, th:last-child { text-align: right; }
nav { font-size: .9em; } nav a { margin-right: 1.2em; }
code { background: #f3f5f9; padding: 0 .2em; }
@media print { nav { display: none; } body { font-size: 12pt; } }
"""


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{language()}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def page_link(url: str) -> str:
    """A link of a guide as it works among the built pages: a guide's ``.md`` becomes its page,
    ``README.md`` (the instructor overview) ``overview.html``; other links stay.

    Examples
    --------
    >>> page_link("README.md#your-classs-own-company"), page_link("03_leaky_bucket.md"), page_link("https://x.org")
    ('overview.html#your-classs-own-company', '03_leaky_bucket.guide.html', 'https://x.org')
    """
    match = re.fullmatch(r"([\w-]+)\.md(#.*)?", url)
    if match is None:
        return url
    page = "overview.html" if match.group(1) == "README" else f"{match.group(1)}.guide.html"
    return page + (match.group(2) or "")


def slug(text: str) -> str:
    """A heading's anchor as GitHub makes it, so links written for the repository work on the pages.

    Examples
    --------
    >>> slug("Your class's own company")
    'your-classs-own-company'
    """
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", html.unescape(re.sub(r"<[^>]+>", "", text)).lower()).strip())


def markdown_page(text: str) -> str:
    """Markdown (with tables) as HTML, headings with GitHub's anchors and links made to work among the pages."""
    import mistune

    class Renderer(mistune.HTMLRenderer):
        def heading(self, text: str, level: int, **attrs: Any) -> str:
            return f'<h{level} id="{slug(text)}">{text}</h{level}>\n'

        def link(self, text: str, url: str, title: str | None = None) -> str:
            return super().link(text, page_link(url), title)

    return mistune.create_markdown(renderer=Renderer(escape=False), plugins=["table"])(text)


def guide_page(guide: guides.Guide, deck: str | None = None, handout: str | None = None) -> str:
    """An instructor guide as a self-contained web page, with links to the lesson's deck and handout."""
    links = ['<a href="index.html">All lessons</a>']
    links += [f'<a href="{html.escape(deck)}">Slides</a>'] if deck else []
    links += [f'<a href="{html.escape(handout)}">Handout (PDF)</a>'] if handout else []
    return _page(guide.title, f"<nav>{''.join(links)}</nav>\n{markdown_page(guide.text)}")


def index_page(rows: list[dict[str, str | None]], overview: str | None = None, edition: str | None = None) -> str:
    """The index of the built lessons: each with its deck, guide page and handout (where they exist).

    Parameters
    ----------
    rows : per lesson, ``title`` and the relative links ``page``, ``deck``, ``guide``, ``handout`` (or None).
    overview : the link to the instructor overview page, if there is one.
    edition : the link to the Spanish edition's index, if it was built.
    """
    every = (("page", N_("Page")), ("deck", N_("Slides")), ("guide", N_("Guide")), ("handout", N_("Handout")))
    columns = [(key, label) for key, label in every if any(key in row for row in rows)]  # a lesson may lack a guide
    missing = _("no {item}")
    items = []
    for row in rows:
        links = [
            f'<a href="{html.escape(row[key])}">{_(label)}</a>'
            if row.get(key)
            else f"<span>{missing.format(item=_(label).lower())}</span>"
            for key, label in columns
        ]
        items.append(f"<tr><td>{html.escape(row['title'] or '')}</td><td>{'</td><td>'.join(links)}</td></tr>")
    headers = "".join(f"<th>{_(label)}</th>" for label in (N_("Lesson"), *(label for _key, label in columns)))
    title = _("Relationship Marketing &amp; CRM Workbook: lesson pages, slides, guides and handouts")
    how = _(
        "Open a deck and press <b>S</b> for the speaker view with the notes, <b>F</b> for full screen, "
        "<b>Esc</b> for the overview. Everything here works without a network."
    )
    spanish = _("The Spanish edition: lesson pages and slides")
    body = (
        f"<h1>{title}</h1>\n<p>{how}</p>\n"
        + (
            f'<p><a href="{html.escape(overview)}">The instructor overview</a>: preparing a class, your class\'s own company, grading.</p>\n'
            if overview
            else ""
        )
        + (f'<p><a href="{html.escape(edition)}">{spanish}</a></p>\n' if edition else "")
        + f"<table>\n<tr>{headers}</tr>\n{''.join(items)}\n</table>"
    )
    return _page(_("Lesson pages, slides, guides and handouts"), body)


def lessons(prefixes: Sequence[str] = (), folder: Path = NOTEBOOKS) -> list[Path]:
    """The lesson notebooks whose names start with one of ``prefixes`` (all lessons for none).

    Raises
    ------
    ValueError
        When a prefix matches no lesson; the message lists the lessons.
    """
    every = guides.lessons_starting_with("", folder)
    if not prefixes:
        return every
    chosen = []
    for prefix in prefixes:
        matched = guides.lessons_starting_with(prefix, folder)
        if not matched:
            names = ", ".join(path.stem for path in every)
            raise ValueError(f"no lesson starts with {prefix!r}; the lessons are: {names}")
        chosen += [path for path in matched if path not in chosen]
    return chosen


def build(notebooks: Sequence[Path], out_dir: Path, *, edition: str | None = None) -> list[str]:
    """Build decks, guide pages, handouts and the index for ``notebooks``; return the problems met.

    A lesson without a guide still gets its deck (without notes); a guide that strays from
    the format is reported and the lesson gets a deck without notes. ``edition`` is the link
    to the Spanish edition's index, when it is built too.
    """
    from helpers import handouts

    out_dir = Path(out_dir)
    copy_assets(out_dir)
    problems, rows = [], []
    for notebook in notebooks:
        guide_path = guide_for(notebook)
        guide = None
        if guide_path.is_file():
            try:
                guide = guides.read_guide(guide_path)
            except guides.GuideError as error:
                problems.append(str(error))
        else:
            problems.append(f"{notebook.stem}: no instructor guide at {guide_path}; the deck has no speaker notes")
        deck = build_deck(notebook, out_dir, guide_path, notes=guide is not None)
        row = {
            "title": guides.lesson_title(guides.read_notebook(notebook)),
            "page": build_page(notebook, out_dir).name,
            "deck": deck.name,
            "guide": None,
            "handout": None,
        }
        if guide is not None:
            handout = out_dir / f"{notebook.stem}.handout.pdf"
            try:
                handouts.build_handout(notebook, guide_path, handout)
                row["handout"] = handout.name
            except (ValueError, KeyError) as error:
                problems.append(f"{notebook.stem}: no handout: {error}")
            page = out_dir / f"{notebook.stem}.guide.html"
            page.write_text(guide_page(guide, deck.name, row["handout"]), encoding="utf-8")
            row["guide"] = page.name
        rows.append(row)
        print(f"  {notebook.stem}: " + ", ".join(v for k, v in row.items() if k != "title" and v))
    overview = INSTRUCTOR / "README.md"
    if overview.is_file():
        body = '<nav><a href="index.html">All lessons</a></nav>\n' + markdown_page(overview.read_text(encoding="utf-8"))
        (out_dir / "overview.html").write_text(_page("Instructor guides", body), encoding="utf-8")
    (out_dir / "index.html").write_text(
        index_page(rows, overview="overview.html" if overview.is_file() else None, edition=edition), encoding="utf-8"
    )
    return problems


def build_spanish(notebooks: Sequence[Path], out_dir: Path) -> None:
    """The Spanish edition's lesson pages and decks, with a Spanish index, in ``out_dir``.

    The instructor guides are written in English, so these decks have no speaker notes and
    no handout: the English deck of the same lesson has them.
    """
    out_dir = Path(out_dir)
    copy_assets(out_dir)
    rows = []
    with speaking("es"):
        for notebook in notebooks:
            deck = build_deck(notebook, out_dir, guide_for(notebook), notes=False)
            title = guides.lesson_title(guides.read_notebook(notebook))
            rows.append({"title": title, "page": build_page(notebook, out_dir).name, "deck": deck.name})
            print(f"  es/{notebook.stem}: {rows[-1]['page']}, {deck.name}")
        (out_dir / "index.html").write_text(index_page(rows), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m helpers slides [LESSON ...] [--out build/slides]``.

    Returns
    -------
    int
        0 when everything was built, 1 when something could not be (the assets are missing,
        a guide strays from its format), 2 for a usage error.
    """
    parser = argparse.ArgumentParser(
        prog="python -m helpers slides",
        description="Offline slide decks with speaker notes, instructor guide pages and one-page PDF handouts "
        "for the lessons, with an index.html that links them. The decks open from disk, with no network.",
        epilog=f"The assets (reveal.js, MathJax) are installed by: {INSTALL_COMMAND} (make slides does it).",
    )
    parser.add_argument("lessons", nargs="*", metavar="LESSON", help="lesson number prefix, e.g. 03 (default: all)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})")
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    try:
        notebooks = lessons(args.lessons)
    except ValueError as error:
        print(f"python -m helpers slides: {error}", file=sys.stderr)
        return 2
    if not notebooks:
        print(f"python -m helpers slides: no lessons in {NOTEBOOKS}", file=sys.stderr)
        return 2
    spanish = lessons(args.lessons, NOTEBOOKS / "es") if (NOTEBOOKS / "es").is_dir() else []
    try:
        problems = build(notebooks, args.out, edition="es/index.html" if spanish else None)
        if spanish:
            build_spanish(spanish, args.out / "es")
    except AssetsMissing as error:
        print(f"python -m helpers slides: {error}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"python -m helpers slides: {problem}", file=sys.stderr)
    print(f"Open {args.out / 'index.html'}")
    return 1 if problems else 0
