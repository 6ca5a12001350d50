"""One-page printable handouts: a lesson's title, key terms, main chart and take-aways on A4.

:func:`build_handout` reads the committed, executed lesson notebook (never runs it): the
chart is the first ``image/png`` output of the section the instructor guide names under
"Handout → Main chart", the take-aways are the lesson's "## Take-aways" cell up to its
discussion questions, and the key terms come from :func:`helpers.glossary.terms`.
The page is drawn with matplotlib; text shrinks (not below :data:`SMALLEST_POINTS`) until
everything fits one page.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import matplotlib as mpl

from helpers import glossary, guides

#: A4 portrait, inches.
A4 = (8.27, 11.69)
MARGIN = 0.6
#: The smallest type on the page, in points: still readable when printed.
SMALLEST_POINTS = 8.5
INK, MUTED, ACCENT = "#1a1a1a", "#555555", "#1a2a44"


def main_chart(notebook: dict, section: str) -> bytes:
    """The PNG of the first chart in a lesson section.

    Raises
    ------
    KeyError
        When the lesson has no such section.
    ValueError
        When the section has no chart (no ``image/png`` output).
    """
    for cell in guides.section_cells(notebook, section):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                return base64.b64decode(guides.cell_text({"source": data["image/png"]}))
    raise ValueError(f"the section {section!r} has no chart (no image/png output) for the handout")


def takeaway_items(markdown: str) -> list[str]:
    """The bullets of the take-aways as plain text, one string each.

    Examples
    --------
    >>> takeaway_items("- The base is a **bucket**:\\n  it settles.\\n- Plug *holes*.")
    ['The base is a bucket: it settles.', 'Plug holes.']
    """
    items: list[list[str]] = []
    for line in markdown.splitlines():
        if re.match(r"\s*[-*+]\s", line):
            items.append([re.sub(r"^\s*[-*+]\s", "", line)])
        elif line.strip() and items:
            items[-1].append(line)
        elif line.strip():
            items.append([line])
    return [guides.plain(re.sub(r"`([^`]*)`", r"\1", " ".join(item))) for item in items]


class _Page:
    """Text laid out from the top of an A4 figure, measured with the figure's renderer."""

    def __init__(self, figure, scale: float):
        self.figure = figure
        self.renderer = figure.canvas.get_renderer()
        self.scale = scale
        self.top = A4[1] - MARGIN  # inches from the bottom
        self.width = A4[0] - 2 * MARGIN

    def width_of(self, text: str, size: float, weight: str = "normal") -> float:
        """Width of one line of text, in inches."""
        from matplotlib.font_manager import FontProperties

        width, _, _ = self.renderer.get_text_width_height_descent(
            text, FontProperties(size=size, weight=weight), ismath=False
        )
        return width / self.figure.dpi

    def wrap(self, text: str, size: float, width: float, weight: str = "normal") -> list[str]:
        lines, line = [], ""
        for word in text.split():
            candidate = f"{line} {word}".strip()
            if line and self.width_of(candidate, size, weight) > 0.97 * width:
                lines.append(line)
                line = word
            else:
                line = candidate
        return [*lines, line] if line else lines

    def text(self, text: str, size: float, *, x: float = 0.0, weight="normal", color=INK, style="normal", gap=0.3):
        """Wrapped text at the current height; returns the height used, in inches."""
        size = size * self.scale
        lines = self.wrap(text, size, self.width - x, weight)
        height = len(lines) * size * 1.3 / 72
        self.figure.text(
            (MARGIN + x) / A4[0],
            self.top / A4[1],
            "\n".join(lines),
            fontsize=size,
            weight=weight,
            color=color,
            style=style,
            va="top",
            ha="left",
            linespacing=1.3,
        )
        self.top -= height + gap * size / 72
        return height


def _draw(
    figure, title: str, terms, chart: bytes | None, items: list[str], exercises: str, scale: float, chart_inches: float
) -> float:
    """Draw the handout on ``figure`` at a type ``scale``, the chart at most ``chart_inches`` tall;
    return the space left at the bottom, in inches.
    """
    import matplotlib.image as mpimg

    page = _Page(figure, scale)
    page.text("Relationship Marketing & CRM Workbook · handout", 9, color=MUTED, gap=0.4)
    page.text(title, 17, weight="bold", color=ACCENT, gap=0.6)
    page.text("Key terms · Términos clave", 12, weight="bold", color=ACCENT, gap=0.3)
    half = (len(terms) + 1) // 2
    columns = [terms.iloc[:half], terms.iloc[half:]]
    top = page.top
    bottoms = []
    for index, column in enumerate(columns):
        page.top = top
        for english, spanish in zip(column["English"], column["Spanish"], strict=True):
            x = index * page.width / 2
            old_width = page.width
            page.width = x + page.width / 2 - 0.3
            page.text(f"{english} — {spanish}", 10, x=x, gap=0.15)
            page.width = old_width
        bottoms.append(page.top)
    page.top = min(bottoms) - 0.12
    if chart is not None:
        image = mpimg.imread(io.BytesIO(chart), format="png")
        height_px, width_px = image.shape[:2]
        width = page.width
        height = min(width * height_px / width_px, chart_inches)
        width = height * width_px / height_px
        left = MARGIN + (page.width - width) / 2
        axes = figure.add_axes([left / A4[0], (page.top - height) / A4[1], width / A4[0], height / A4[1]])
        axes.imshow(image, interpolation="lanczos")
        axes.set_axis_off()
        page.top -= height + 0.2
    page.text("Take-aways", 12, weight="bold", color=ACCENT, gap=0.3)
    for item in items:
        page.text("•", 10.5, gap=0)
        page.top += 10.5 * scale * 1.3 / 72
        page.text(item, 10.5, x=0.2, gap=0.35)
    if exercises:
        page.text(exercises, 9, color=MUTED, style="italic", gap=0)
    return page.top - MARGIN


def build_handout(notebook: Path, guide: Path, out: Path) -> Path:
    """Write a lesson's one-page A4 handout (PDF) and return its path.

    Parameters
    ----------
    notebook : the executed lesson notebook (read, never run or changed).
    guide : the lesson's instructor guide (for the main chart's section).
    out : the PDF to write; a ``.png`` of the same page is written beside it for a preview.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    helpers.guides.GuideError
        When the guide strays from its format.
    KeyError, ValueError
        When the guide's main-chart section does not exist or has no chart, or the lesson
        has no take-aways.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    notebook, out = Path(notebook), Path(out)
    parsed = guides.read_guide(guide)
    lesson = guides.read_notebook(notebook)
    chart = main_chart(lesson, parsed.main_chart_section)
    items = takeaway_items(guides.lesson_takeaways(lesson))
    if not items:
        raise ValueError(f"{notebook}: the '## Take-aways' cell has no take-aways")
    terms = glossary.terms(lesson=int(parsed.lesson))
    exercise = notebook.resolve().parent.parent / "exercises" / notebook.name
    exercises = f"Practise: exercises/{notebook.name}" if exercise.is_file() else ""

    def draw(scale: float, chart_inches: float):
        figure = Figure(figsize=A4, dpi=150, layout="none")  # placed by hand; no theme layout
        FigureCanvasAgg(figure)
        return figure, _draw(figure, guides.lesson_title(lesson), terms, chart, items, exercises, scale, chart_inches)

    scale, chart_inches = 1.0, 4.3
    figure, left = draw(scale, chart_inches)
    while left < 0 and 10.5 * scale > SMALLEST_POINTS:
        scale *= 0.95
        chart_inches *= 0.95
        figure, left = draw(scale, chart_inches)
    if left < 0:
        raise ValueError(f"{notebook}: the handout does not fit one page even at {SMALLEST_POINTS} pt")
    if left > 0.3:  # room to spare: a bigger chart (as wide as the page allows)
        figure, left = draw(scale, chart_inches + left - 0.2)
    out.parent.mkdir(parents=True, exist_ok=True)
    # The whole A4 page, whatever the course theme set for savefig (it crops charts to their content).
    with mpl.rc_context({"savefig.bbox": "standard", "figure.constrained_layout.use": False}):
        figure.savefig(out, format="pdf", metadata={"Title": f"{guides.lesson_title(lesson)}: handout"})
        figure.savefig(out.with_suffix(".png"), format="png", dpi=100)
    return out
