"""The lessons' text stays true for any class's data, and each lesson fits one class.

A number in a lesson's Markdown that comes from the data goes stale when an instructor gives
the class another ``SEED``. The lessons compute such numbers (``helpers.notebook.prose``);
here every lesson is executed with seed 7 and its Markdown is searched for numbers that the
course's data prints (at seed 2024) but seed 7's data does not: those were typed from the data.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: The seed of the other class; any seed but the course's 2024 would do.
OTHER_SEED = 7
#: At most this many words of text (Markdown and prose cells) in a lesson.
MOST_WORDS = 3_200
#: A class lasts at most this many minutes.
MOST_MINUTES = 60

#: Numbers a lesson's text states on purpose, not from the data, which the course's data happens to print too.
CHOSEN = {
    "03_leaky_bucket": {"25 %"},  # Reichheld & Sasser's (1990) "25 % to 85 % more profit"
    "05_loyalty_matrix": {"300"},  # a question to try: "if the company could afford to call 300 customers"
    "06_customer_value": {"100"},  # a question to try: "if the company could move 100 iron customers to gold"
}

_NUMBER = re.compile(r"(?<![\w.])[-−]?\d[\d,]*(?:\.\d+)?(?:\s?%|[kMB]\b)?")
_TAG = re.compile(r"<[^>]+>")
_SECTION_TIME = re.compile(r"^\*About (\d+) minutes\.\*$")


def _value(token: str) -> tuple[float, str]:
    """A number as written, as (value, unit): '1,191' → (1191, ''), '25 %' → (25, '%'), '2.5M' → (2.5, 'M')."""
    token = token.replace("−", "-").replace(" ", "")
    unit = token[-1] if token[-1] in "%kMB" else ""
    return float(token.rstrip("%kMB").replace(",", "")), unit


def _spellings(token: str) -> set[str]:
    """The ways a lesson's text could write a number its data printed as ``token``."""
    value, unit = _value(token)
    forms = set()
    for digits in (0, 1, 2):
        forms.add(f"{value:.{digits}f}{unit}")
        if not unit and abs(value) <= 1:
            forms.add(f"{100 * value:.{digits}f}%")
        if not unit and abs(value) >= 1_000:
            for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
                if abs(value) >= limit:
                    forms.add(f"{value / limit:.{digits}f}{suffix}")
                    break
    return forms


def _canonical(token: str) -> str:
    value, unit = _value(token)
    decimals = len(token.split(".")[1].rstrip("%kMB ")) if "." in token else 0
    return f"{value:.{decimals}f}{unit}"


def _is_telling(token: str) -> bool:
    """Numbers that are rarely a coincidence: two significant digits at least; a whole number without a unit
    (a count, months, a year) only from 100 on, and not if it could be a year."""
    value, unit = _value(token)
    digits = re.sub(r"\D", "", token).lstrip("0")
    if unit == "" and "." not in token and (abs(value) < 100 or 1900 <= value <= 2100):
        return False
    return len(digits) >= 2


def _output_text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                parts.append(output["text"])
            data = output.get("data", {})
            for kind in ("text/plain", "text/markdown", "text/html"):
                if kind in data:
                    parts.append(html.unescape(_TAG.sub(" ", data[kind])))
    return "\n".join(parts)


def printed_numbers(notebook: nbformat.NotebookNode) -> set[str]:
    """Every spelling of every number the executed notebook's outputs show."""
    return {form for token in _NUMBER.findall(_output_text(notebook)) for form in _spellings(token)}


def typed_numbers(notebook: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """(cell index, number) for the telling numbers written in Markdown cells."""
    return [
        (index, token.strip())
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "markdown"
        for token in _NUMBER.findall(cell.source)
        if _is_telling(token)
    ]


def stale_numbers(
    course: nbformat.NotebookNode, other: nbformat.NotebookNode, chosen: set[str] = frozenset()
) -> list[str]:
    """Numbers typed in the Markdown that the course's data printed and the other class's data did not
    (except those the lesson ``chosen`` on purpose)."""
    from_course, from_other = printed_numbers(course), printed_numbers(other)
    return [
        f"cell {index}: {token!r}"
        for index, token in typed_numbers(course)
        if token not in chosen and _canonical(token) in from_course and _canonical(token) not in from_other
    ]


def test_stale_numbers_are_found():
    """The detector itself: a typed data number is stale, a computed or literature number is not."""
    course = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("The top fifth bring 83 % of the margin; 1,191 customers; since 1990."),
            nbformat.v4.new_markdown_cell("Reichheld & Sasser found 25 % to 85 % more profit."),
            nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", text="share 0.8312\nn 1191\n")]),
        ]
    )
    other = nbformat.v4.new_notebook(
        cells=[
            *course.cells[:2],
            nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", text="share 0.7905\nn 1207\n")]),
        ]
    )
    assert stale_numbers(course, other) == ["cell 0: '83 %'", "cell 0: '1,191'"]
    assert stale_numbers(course, course) == []


@pytest.fixture(scope="module")
def executed_with_other_seed(tmp_path_factory):
    """Every lesson executed with ``SEED = 7`` (once per test session)."""
    import papermill

    folder = tmp_path_factory.mktemp("seed7")
    executed = {}
    for lesson in LESSONS:
        target = folder / lesson.name
        papermill.execute_notebook(
            str(lesson),
            str(target),
            parameters={"SEED": OTHER_SEED},
            cwd=str(lesson.parent),
            progress_bar=False,
            kernel_name="python3",
        )
        executed[lesson.name] = nbformat.read(target, as_version=4)
    return executed


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_no_number_from_the_course_data_is_typed_into_the_text(lesson, executed_with_other_seed):
    course = nbformat.read(lesson, as_version=4)
    stale = stale_numbers(course, executed_with_other_seed[lesson.name], chosen=CHOSEN.get(lesson.stem, set()))
    assert not stale, (
        f"{lesson.name}: numbers typed from the course's data, false for a class with SEED = {OTHER_SEED} "
        f"(compute them with helpers.notebook.prose): {stale}"
    )


def _text(notebook: nbformat.NotebookNode) -> str:
    """The lesson's text: Markdown cells and the prose cells' sentences."""
    parts = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    for cell in notebook.cells:
        if "prose" in cell.metadata.get("tags", []):
            parts += [o["data"].get("text/markdown", "") for o in cell.get("outputs", []) if "data" in o]
    return "\n".join(parts)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_a_lesson_fits_one_class(lesson):
    """At most about 3,000 words; every section says its time, and the times add up to the announced one."""
    from helpers.guides import lesson_minutes, read_guide

    notebook = nbformat.read(lesson, as_version=4)
    words = len(_text(notebook).split())
    assert words <= MOST_WORDS, f"{lesson.name} has {words:,} words of text; trim it or split it"
    fewest, most = lesson_minutes(notebook)
    assert most <= MOST_MINUTES, f"{lesson.name} announces up to {most} minutes; a class has {MOST_MINUTES}"
    times = {}
    for cell in notebook.cells:
        lines = cell.source.splitlines()
        if cell.cell_type == "markdown" and lines and lines[0].startswith("## "):
            found = _SECTION_TIME.match(lines[1].strip()) if len(lines) > 1 else None
            assert found, f"{lesson.name}: section {lines[0]!r} does not say its time ('*About N minutes.*')"
            times[lines[0][3:]] = int(found.group(1))
    assert fewest <= sum(times.values()) <= most, (
        f"{lesson.name}: the sections take {sum(times.values())} minutes, the lesson announces {fewest}–{most}"
    )
    guide = ROOT / "instructor" / f"{lesson.stem}.md"
    if guide.exists():  # test_guides makes sure it does
        # The guide's rows are the lesson's slide sections; a row may also hold the key terms, the take-aways or
        # the closing discussion, so it can be longer than its section, but the guide plans no more than the lesson.
        planned = dict(read_guide(guide).timing)
        short = {section: (minutes, times.get(section)) for section, minutes in planned.items()}
        short = {section: pair for section, pair in short.items() if pair[1] is None or pair[0] < pair[1]}
        assert not short, f"{guide.name} plans less time than the lesson says (guide, lesson): {short}"
        assert sum(planned.values()) <= sum(times.values()), (
            f"{guide.name} plans {sum(planned.values())} minutes, the lesson's sections add up to {sum(times.values())}"
        )


def test_the_instructor_overview_lists_every_lesson_with_its_time():
    """instructor/README.md's table of lessons gives each lesson's time as its sections add it up."""
    overview = (ROOT / "instructor" / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| (\d\d) \| .* \| (\d+) min \|", overview, flags=re.MULTILINE))
    for lesson in LESSONS:
        text = nbformat.read(lesson, as_version=4)
        minutes = sum(
            int(_SECTION_TIME.match(cell.source.splitlines()[1]).group(1))
            for cell in text.cells
            if cell.cell_type == "markdown" and cell.source.startswith("## ")
        )
        assert listed.get(lesson.stem[:2]) == str(minutes), f"instructor/README.md: {lesson.stem} takes {minutes} min"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_prose_cells_show_their_text_not_their_code(lesson):
    """A prose cell's input is hidden in JupyterLab; its only output is the text."""
    notebook = nbformat.read(lesson, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and "prose(" in cell.source and "import" not in cell.source:
            assert "prose" in cell.metadata.get("tags", []), f"{lesson.name} cell {index}: tag it 'prose'"
            assert cell.metadata.get("jupyter", {}).get("source_hidden"), f"{lesson.name} cell {index}: hide its input"
