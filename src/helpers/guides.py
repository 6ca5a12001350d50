"""Instructor guides and the lesson anatomy they follow.

An instructor guide (``instructor/NN_<lesson>.md``) is the one source for a lesson's guide
page, the speaker notes of its slide deck and its printable handout. :func:`read_guide`
parses one into a :class:`Guide`; a guide that strays from the format raises
:class:`GuideError` naming the file and the line.

The functions ``lesson_*`` read the parts of a lesson notebook the guide refers to: its
sections (the slide-level ``## `` cells, without "Key terms" and "Take-aways"), the time the
first cell announces, the take-aways and the discussion questions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The guide's level-2 headings, in the order the format requires.
HEADINGS = (
    "Timing",
    "Speaker notes",
    "Discussion questions",
    "Misconceptions",
    "Exercises to assign",
    "Your class's own company",
    "Handout",
)

#: The bullets of a speaker-notes block: the label in the guide and the key in ``Guide.notes``.
NOTE_LABELS = {"Say": "say", "Ask": "ask", "Expect": "expect", "Watch for": "watch"}

#: Slide-level ``## `` cells of a lesson that are not sections (they have no speaker notes).
NOT_SECTIONS = ("Key terms · Términos clave", "Take-aways")

#: The heading that ends the take-aways inside the lesson's "Take-aways" cell.
DISCUSSION_HEADING = "## For discussion in class"

#: The slide that holds the questions of a lesson whose take-aways have no discussion part.
YOUR_TURN = "Your turn"


class GuideError(ValueError):
    """An instructor guide that does not follow the format; the message names the file and the line."""


@dataclass(frozen=True)
class Guide:
    """One lesson's instructor guide, as :func:`read_guide` parses it.

    Attributes
    ----------
    path : the guide's file.
    lesson : the lesson's number as written in the file name, e.g. ``"03"``.
    title : the title line without the leading ``# ``.
    class_minutes : the class time in minutes.
    before_class : what to prepare (the text after "Before class:").
    timing : ``(section, minutes)`` in lesson order.
    notes : for each section, its ``say``, ``ask``, ``expect`` and ``watch`` text.
    discussion : ``(question, model answer)`` in the lesson's order.
    misconceptions : ``(misconception, correction)``.
    exercises : the bullets of "Exercises to assign".
    own_company : the text of "Your class's own company".
    main_chart_section : the lesson section whose first chart goes on the handout.
    text : the whole guide, Markdown.
    """

    path: Path
    lesson: str
    title: str
    class_minutes: int
    before_class: str
    timing: list[tuple[str, int]]
    notes: dict[str, dict[str, str]]
    discussion: list[tuple[str, str]]
    misconceptions: list[tuple[str, str]]
    exercises: list[str]
    own_company: str
    main_chart_section: str
    text: str = field(repr=False)


class _Lines:
    """The guide's lines with their numbers, for messages that point at the line."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()

    def error(self, number: int, message: str) -> GuideError:
        return GuideError(f"{self.path}, line {number}: {message}")


def _join(lines: list[str]) -> str:
    """Lines of one bullet or paragraph (continuations indented) as one line of text."""
    return " ".join(line.strip() for line in lines if line.strip())


def _items(body: list[tuple[int, str]], marker: str) -> list[tuple[int, str]]:
    """The top-level list items of a part (``marker``: a regex for the bullet) as ``(line, text)``."""
    items: list[tuple[int, list[str]]] = []
    for number, line in body:
        if re.match(marker, line):
            items.append((number, [re.sub(marker, "", line, count=1)]))
        elif items and (line.startswith((" ", "\t")) or not line.strip()):
            items[-1][1].append(line)
        elif line.strip():
            raise ValueError(number)
    return [(number, _join(lines)) for number, lines in items]


def _bold_lead(text: str) -> tuple[str, str] | None:
    """``**lead** rest`` as ``(lead, rest)``, or None."""
    match = re.match(r"\*\*(.+?)\*\*\s*(.*)", text, re.S)
    return (match.group(1).strip(), match.group(2).strip()) if match else None


def read_guide(path: str | Path) -> Guide:
    """An instructor guide, parsed and checked against the format.

    Parameters
    ----------
    path : the guide's Markdown file, ``instructor/NN_<lesson>.md``.

    Returns
    -------
    Guide

    Raises
    ------
    GuideError
        When the file strays from the format: the message names the file, the line and what
        was expected there.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    lines = _Lines(path, text)
    lesson = re.match(r"\d+", path.name)
    if lesson is None:
        raise GuideError(f"{path}: the file name must start with the lesson's number, e.g. 03_leaky_bucket.md")
    numbered = list(enumerate(lines.lines, start=1))
    # The title and the preamble, up to the first "## ".
    starts = [(n, line[3:].strip()) for n, line in numbered if line.startswith("## ")]
    first = starts[0][0] if starts else len(numbered) + 1
    preamble = [(n, line) for n, line in numbered if n < first and line.strip()]
    if not preamble or not preamble[0][1].startswith("# "):
        raise lines.error(
            preamble[0][0] if preamble else 1,
            "the guide must start with its title: '# NN · <lesson>: instructor guide'",
        )
    title = preamble[0][1][2:].strip()
    rest = " ".join(line for _, line in preamble[1:])
    minutes = re.search(r"\*\*Class time:\*\*\s*(\d+)\s*minutes", rest)
    if minutes is None:
        where = preamble[1][0] if len(preamble) > 1 else preamble[0][0]
        raise lines.error(where, "expected '**Class time:** NN minutes.' after the title")
    before = re.search(r"\*\*Before class:\*\*\s*(.*)", rest)
    # The parts, in the format's order.
    found = [heading for _, heading in starts]
    if found != list(HEADINGS):
        for (number, heading), expected in zip(starts + [(len(numbered), None)], HEADINGS, strict=False):
            if heading != expected:
                got = f"'## {heading}'" if heading else "the end of the file"
                raise lines.error(
                    number,
                    f"expected '## {expected}' here, found {got} (the parts are, in order: {', '.join(HEADINGS)})",
                )
        raise lines.error(
            starts[len(HEADINGS)][0], f"unexpected part '## {starts[len(HEADINGS)][1]}' after '## Handout'"
        )
    bounds = [n for n, _ in starts] + [len(numbered) + 1]
    parts = {
        heading: [(n, numbered[n - 1][1]) for n in range(start + 1, end)]
        for (start, heading), end in zip(starts, bounds[1:], strict=True)
    }
    timing = _read_timing(lines, parts["Timing"], starts[0][0])
    notes = _read_notes(lines, parts["Speaker notes"], [section for section, _ in timing], starts[1][0])
    discussion = _read_discussion(lines, parts["Discussion questions"], starts[2][0])
    misconceptions = []
    for number, item in _list(lines, parts["Misconceptions"], r"- ", "a '- **misconception** correction' bullet"):
        lead = _bold_lead(item)
        if lead is None:
            raise lines.error(number, "a misconception starts with the claim in bold: '- **\"...\"** why it is wrong'")
        misconceptions.append(lead)
    exercises = [item for _, item in _list(lines, parts["Exercises to assign"], r"- ", "a '- ' bullet")]
    handout = dict(
        lead
        for _, item in _list(lines, parts["Handout"], r"- ", "a '- **Main chart:** <section>' bullet")
        if (lead := _bold_lead(item))
    )
    chart = handout.get("Main chart:", "")
    if not chart:
        raise lines.error(
            starts[6][0], "'## Handout' needs a bullet '- **Main chart:** <the exact heading of a section>'"
        )
    return Guide(
        path=path,
        lesson=lesson.group(0),
        title=title,
        class_minutes=int(minutes.group(1)),
        before_class=before.group(1).strip() if before else "",
        timing=timing,
        notes=notes,
        discussion=discussion,
        misconceptions=misconceptions,
        exercises=exercises,
        own_company=_join([line for _, line in parts["Your class's own company"]]),
        main_chart_section=chart,
        text=text,
    )


def _list(lines: _Lines, body: list[tuple[int, str]], marker: str, what: str) -> list[tuple[int, str]]:
    try:
        return _items(body, marker)
    except ValueError as error:
        number = error.args[0]
        raise lines.error(
            number, f"expected {what} or an indented continuation, found {lines.lines[number - 1]!r}"
        ) from None


def _read_timing(lines: _Lines, body: list[tuple[int, str]], heading: int) -> list[tuple[str, int]]:
    rows = [(n, line.strip()) for n, line in body if line.strip()]
    if len(rows) < 3 or not re.fullmatch(r"\|\s*Section\s*\|\s*Minutes\s*\|", rows[0][1]):
        raise lines.error(
            rows[0][0] if rows else heading, "the timing is a table '| Section | Minutes |', one row per section"
        )
    timing = []
    for number, row in rows[2:]:
        match = re.fullmatch(r"\|\s*(.+?)\s*\|\s*(\d+)\s*\|", row)
        if match is None:
            raise lines.error(number, f"expected a row '| <section> | <minutes> |', found {row!r}")
        timing.append((match.group(1), int(match.group(2))))
    return timing


def _read_notes(
    lines: _Lines, body: list[tuple[int, str]], sections: list[str], heading: int
) -> dict[str, dict[str, str]]:
    blocks: list[tuple[int, str, list[tuple[int, str]]]] = []
    for number, line in body:
        if line.startswith("### "):
            blocks.append((number, line[4:].strip(), []))
        elif blocks:
            blocks[-1][2].append((number, line))
        elif line.strip():
            raise lines.error(number, "speaker notes are '### <section>' blocks; found text before the first one")
    names = [name for _, name, _ in blocks]
    if names != sections:
        for index, (number, name, _) in enumerate(blocks):
            if index >= len(sections) or name != sections[index]:
                expected = f"'### {sections[index]}'" if index < len(sections) else "no more blocks"
                raise lines.error(
                    number, f"speaker notes follow the timing table: expected {expected}, found '### {name}'"
                )
        raise lines.error(
            heading, f"no speaker notes for {sections[len(blocks)]!r} (one '###' block per timing row, in order)"
        )
    notes = {}
    for number, name, block in blocks:
        bullets = {}
        for item_line, item in _list(lines, block, r"- ", "a '- **Say:** ...' bullet"):
            lead = _bold_lead(item)
            label = lead[0].rstrip(":") if lead else None
            if label not in NOTE_LABELS:
                raise lines.error(
                    item_line, f"a speaker-notes bullet starts with one of {[f'**{k}:**' for k in NOTE_LABELS]}"
                )
            bullets[NOTE_LABELS[label]] = lead[1]
        missing = [label for label, key in NOTE_LABELS.items() if key not in bullets]
        if missing or list(bullets) != list(NOTE_LABELS.values()):
            raise lines.error(
                number,
                f"'### {name}' needs the four bullets Say, Ask, Expect, Watch for, in that order (missing: {missing})",
            )
        notes[name] = bullets
    return notes


def _read_discussion(lines: _Lines, body: list[tuple[int, str]], heading: int) -> list[tuple[str, str]]:
    discussion = []
    for number, item in _list(lines, body, r"\d+\.\s+", "a numbered question '1. **<question>**'"):
        lead = _bold_lead(item)
        answer = re.match(r"\*Model answer:\*\s*(.*)", lead[1], re.S) if lead else None
        if answer is None:
            raise lines.error(
                number, "a discussion item is '1. **<question>**' and, indented below, '*Model answer:* ...'"
            )
        discussion.append((lead[0], answer.group(1).strip()))
    if not discussion:
        raise lines.error(heading, "no discussion questions (one numbered item per question of the lesson)")
    return discussion


# The lesson notebook's anatomy ------------------------------------------------------------


def lessons_starting_with(prefix: str, folder: Path) -> list[Path]:
    """The lesson notebooks in ``folder`` whose file names start with ``prefix``, in order.

    ``03``, ``03_leaky`` and the whole name (with or without ``.ipynb``) all work; a lone
    digit means its lesson (``3`` is ``03``). The slide builder and the code-free view share
    this rule; each says what to do when no lesson, or several, match.

    >>> [path.name for path in lessons_starting_with("3", Path("notebooks"))]
    ['03_leaky_bucket.ipynb']
    >>> len(lessons_starting_with("0", Path("notebooks")))
    10
    """
    every = sorted(path for path in Path(folder).glob("[0-9][0-9]_*.ipynb"))
    prefix = prefix.strip().removesuffix(".ipynb")
    matches = [path for path in every if path.name.startswith(prefix)]
    if not matches and prefix.isdigit():
        matches = [path for path in every if path.name.startswith(prefix.zfill(2))]
    return matches


def read_notebook(path: str | Path) -> dict[str, Any]:
    """A notebook file as a plain dictionary (nbformat 4 JSON), as decks, guides and handouts read it.

    A prose cell (tag ``prose``, see :func:`helpers.notebook.prose`) is lesson text whose
    numbers were computed: it is read as the Markdown cell it shows. The students' section
    times are left out (:func:`without_section_time`): the instructor's timing is the guide's.
    """
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    notebook["cells"] = [without_section_time(as_text(cell)) for cell in notebook["cells"]]
    return notebook


#: The line under a lesson's section heading that tells students its time ("*About 8 minutes.*", in the
#: Spanish edition "*Unos 8 minutos.*").
SECTION_TIME = re.compile(r"^(#{2,3} [^\n]*)\n\*(?:About \d+ minutes?|Unos? \d+ minutos?)\.\*[ \t]*(?:\n|$)")


def without_section_time(cell: dict[str, Any]) -> dict[str, Any]:
    """A Markdown cell without the students' time line under its heading (the guide has the timing).

    Examples
    --------
    >>> cell = {"cell_type": "markdown", "source": "## Take-aways\\n*About 5 minutes.*\\n- one"}
    >>> without_section_time(cell)["source"]
    '## Take-aways\\n- one'
    >>> without_section_time({"cell_type": "markdown", "source": "## Ideas\\n*Unos 5 minutos.*\\n- una"})["source"]
    '## Ideas\\n- una'
    """
    if cell.get("cell_type") != "markdown":
        return cell
    return {**cell, "source": SECTION_TIME.sub(r"\1\n", cell_text(cell), count=1)}


def as_text(cell: dict[str, Any]) -> dict[str, Any]:
    """A prose cell as a Markdown cell holding the text it displayed; any other cell unchanged.

    Examples
    --------
    >>> prose = {"cell_type": "code", "metadata": {"tags": ["prose"], "slideshow": {"slide_type": "-"}},
    ...          "source": "prose(f'{n} customers')", "execution_count": 3,
    ...          "outputs": [{"output_type": "execute_result", "metadata": {}, "execution_count": 3,
    ...                       "data": {"text/markdown": "5 customers", "text/plain": "5 customers"}}]}
    >>> as_text(prose)
    {'cell_type': 'markdown', 'metadata': {'slideshow': {'slide_type': '-'}}, 'source': '5 customers'}
    """
    if cell.get("cell_type") != "code" or "prose" not in cell.get("metadata", {}).get("tags", []):
        return cell
    shown = [
        cell_text({"source": o["data"]["text/markdown"]})
        for o in cell.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    ]
    metadata = {key: value for key, value in cell.get("metadata", {}).items() if key not in ("tags", "jupyter")}
    return {"cell_type": "markdown", "metadata": metadata, "source": "\n\n".join(shown)}


def cell_text(cell: dict[str, Any]) -> str:
    """A cell's source as one string."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def slide_type(cell: dict[str, Any]) -> str:
    """A cell's slide type (``slide``, ``subslide``, ``fragment``, ``skip``, ``notes`` or ``-``)."""
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def slide_heading(cell: dict[str, Any]) -> str | None:
    """The ``## `` heading of a slide-level Markdown cell, or None for any other cell."""
    text = cell_text(cell)
    if cell["cell_type"] == "markdown" and slide_type(cell) == "slide" and text.startswith("## "):
        return text.splitlines()[0][3:].strip()
    return None


def lesson_sections(notebook: dict[str, Any]) -> list[str]:
    """The lesson's sections, in order: slide-level ``## `` cells but "Key terms" and "Take-aways".

    Examples
    --------
    >>> cells = [{"cell_type": "markdown", "metadata": {"slideshow": {"slide_type": "slide"}}, "source": s}
    ...          for s in ("# 03 · Title", "## Key terms · Términos clave", "## The idea", "## Take-aways")]
    >>> lesson_sections({"cells": cells})
    ['The idea']
    """
    return [h for cell in notebook["cells"] if (h := slide_heading(cell)) and h not in NOT_SECTIONS]


def section_cells(notebook: dict[str, Any], section: str) -> list[dict[str, Any]]:
    """The cells of one section: its heading cell up to the next slide-level ``## `` cell.

    Raises
    ------
    KeyError
        When the lesson has no such section; the message lists the sections it has.
    """
    cells = notebook["cells"]
    starts = [i for i, cell in enumerate(cells) if slide_heading(cell) == section]
    if not starts:
        raise KeyError(f"the lesson has no section {section!r}; its sections are {lesson_sections(notebook)}")
    end = next((i for i in range(starts[0] + 1, len(cells)) if slide_heading(cells[i])), len(cells))
    return cells[starts[0] : end]


def lesson_title(notebook: dict[str, Any]) -> str:
    """The lesson's title: the first ``# `` line of its first Markdown cell."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for line in cell_text(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError("the lesson has no '# ' title in its first Markdown cell")


def lesson_minutes(notebook: dict[str, Any]) -> tuple[int, int]:
    """The class time the lesson announces ("**Time:** 45–60 minutes"), as (fewest, most) minutes.

    "N minutes" and "about N minutes" give (N, N); "…, plus M for …" adds M to the most.

    Examples
    --------
    >>> cell = {"cell_type": "markdown", "metadata": {}, "source": "**Time:** 60–75 minutes, plus 20 for the analysts"}
    >>> lesson_minutes({"cells": [cell]})
    (60, 95)
    """
    for cell in notebook["cells"]:
        match = re.search(r"\*\*Time:\*\*\s*([^.*]*)", cell_text(cell))
        if match:
            said = match.group(1)
            numbers = re.match(r"(?:about\s+)?(\d+)(?:\s*[–-]\s*(\d+))?\s*minutes", said.strip())
            if numbers is None:
                raise ValueError(f"cannot read the lesson's time {said.strip()!r}; expected e.g. '45–60 minutes'")
            low = int(numbers.group(1))
            high = int(numbers.group(2) or low)
            extra = re.search(r"plus\s+(\d+)", said)
            return low, high + (int(extra.group(1)) if extra else 0)
    raise ValueError("the lesson's first cell says no '**Time:** NN–NN minutes'")


def _takeaways_cell(notebook: dict[str, Any]) -> str:
    for cell in notebook["cells"]:
        if slide_heading(cell) == "Take-aways":
            return cell_text(cell)
    raise ValueError("the lesson has no '## Take-aways' cell")


def lesson_takeaways(notebook: dict[str, Any]) -> str:
    """The take-aways (Markdown) of the "## Take-aways" cell, up to "## For discussion in class"."""
    text = _takeaways_cell(notebook)
    body = text.split("\n", 1)[1] if "\n" in text else ""
    return body.split(DISCUSSION_HEADING)[0].strip()


def lesson_discussion(notebook: dict[str, Any]) -> list[str]:
    """The lesson's discussion questions, one line each, in order (empty when it has none).

    They are the numbered items under "## For discussion in class" in the Take-aways cell;
    a lesson without that part (lesson 09) asks its questions in a "## Your turn" slide.
    """
    text = _takeaways_cell(notebook)
    if DISCUSSION_HEADING in text:
        part = re.split(r"^## ", text.split(DISCUSSION_HEADING, 1)[1], flags=re.M)[0]
    else:
        turn = [cell_text(cell) for cell in notebook["cells"] if slide_heading(cell) == YOUR_TURN]
        if not turn:
            return []
        part = turn[0]
    questions = re.split(r"^\d+\.\s+", part, flags=re.M)[1:]
    return [" ".join(question.split()) for question in questions]


def plain(text: str) -> str:
    """Markdown text without emphasis marks and with single spaces, for comparing wordings.

    Examples
    --------
    >>> plain("**Why** do  *customers*\\n leave?")
    'Why do customers leave?'
    """
    return " ".join(re.sub(r"(\*\*|__|(?<!\w)[*_]|[*_](?!\w))", "", text).split())
