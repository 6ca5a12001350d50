"""The course teaches its syllabus: every seed item has a home, and the exercises test understanding.

``instructor/syllabus_coverage.csv`` lists each idea of the class notes (seed item), the lesson
section that explains it and, when there is one, the exercise question that checks it.
"""

from __future__ import annotations

import csv
import importlib
import re
from pathlib import Path

import nbformat
import pytest

from helpers.data import lesson_company

ROOT = Path(__file__).resolve().parents[1]
COVERAGE = ROOT / "instructor" / "syllabus_coverage.csv"
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
STATUSES = ("explained", "exercised")
#: Conceptual questions each lesson's exercises ask at least.
LEAST_CONCEPTUAL = 3


def coverage() -> list[dict[str, str]]:
    with COVERAGE.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def headings(lesson: str) -> set[str]:
    notebook = nbformat.read(ROOT / "notebooks" / lesson, as_version=4)
    return {
        line.lstrip("#").strip()
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if re.match(r"#{2,3} ", line)
    }


def bank(lesson: str):
    """The question bank a lesson's exercises bind (``from helpers.exercises import NAME``)."""
    solution = ROOT / "solutions" / lesson
    if not solution.exists():
        return None
    source = solution.read_text(encoding="utf-8")
    name = re.search(r"from helpers\.exercises import (\w+)", source).group(1)
    return importlib.import_module(f"helpers.exercises.{name}")


def test_the_coverage_table_is_complete_and_points_at_sections_and_questions_that_exist():
    rows = coverage()
    assert rows, f"{COVERAGE} is empty"
    assert list(rows[0]) == ["seed_file", "item", "status", "lesson", "section", "exercise"]
    problems = []
    for number, row in enumerate(rows, start=2):
        where = f"{COVERAGE.name} line {number} ({row['item']!r})"
        if row["status"] not in STATUSES:
            problems.append(f"{where}: status {row['status']!r} is not one of {STATUSES}")
        if not (ROOT / "notebooks" / row["lesson"]).exists():
            problems.append(f"{where}: no lesson {row['lesson']!r}")
            continue
        if row["section"] not in headings(row["lesson"]):
            problems.append(f"{where}: {row['lesson']} has no section {row['section']!r}")
        if (row["status"] == "exercised") != bool(row["exercise"]):
            problems.append(f"{where}: an item is 'exercised' exactly when it names its exercise question")
        if row["exercise"]:
            questions = bank(row["lesson"])
            count = len(questions.QUESTIONS) if questions else 0
            if not re.fullmatch(r"q\d+", row["exercise"]) or not 1 <= int(row["exercise"][1:]) <= count:
                problems.append(f"{where}: the lesson's exercises have no question {row['exercise']!r}")
    assert not problems, "\n".join(problems)
    items = [(row["seed_file"], row["item"]) for row in rows]
    assert len(items) == len(set(items)), "a seed item is listed twice"


@pytest.fixture(scope="module")
def company():
    return lesson_company()


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_every_lesson_asks_conceptual_questions(solution):
    """Questions on the notes' frameworks (``kind="concept"``), each wrong option explained (checks.Question does)."""
    conceptual = [q.variable for q in bank(solution.name).QUESTIONS if q.kind == "concept"]
    assert len(conceptual) >= LEAST_CONCEPTUAL, f"{solution.stem}: {len(conceptual)} conceptual questions {conceptual}"


def _spellings(value: float) -> set[str]:
    """How a lesson could print an exercise's numeric answer (commas removed)."""
    if abs(value) >= 100:
        return {f"{value:.0f}", f"{value:.1f}"}
    forms = {f"{value:.3f}", f"{value:.4f}"} | ({f"{100 * value:.1f}%"} if abs(value) <= 1 else set())
    return {form for form in forms if len(re.sub(r"\D", "", form).lstrip("0")) >= 3}


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_no_numeric_answer_is_printed_in_the_lesson(solution, company):
    lesson = nbformat.read(ROOT / "notebooks" / solution.name, as_version=4)
    printed = " ".join(
        str(output.get("text", "")) + " " + str(output.get("data", {}).get("text/plain", ""))
        for cell in lesson.cells
        for output in cell.get("outputs", [])
    ).replace(",", "")
    tokens = set(re.findall(r"-?\d+(?:\.\d+)?%?", printed))
    shown = []
    for number, question in enumerate(bank(solution.name).QUESTIONS, start=1):
        if question.kind == "number":
            found = _spellings(float(question.expected(company))) & tokens
            if found:
                shown.append(f"q{number} ({question.variable}): {sorted(found)}")
    assert not shown, f"{solution.stem}: the executed lesson prints exercise answers: {shown}"
