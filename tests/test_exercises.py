"""Every lesson's exercises work: blank as shipped, correct when solved, on any company.

The solution notebooks are replayed by nbval (their committed outputs say "Correct" for
every check); here we prove the rest of the promise.
"""

import importlib
import math
import pkgutil
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

import helpers.exercises
from helpers.checks import Outcome, ____
from helpers.exercise_builder import BEGIN, END

ROOT = Path(__file__).resolve().parents[1]
BANKS = [
    importlib.import_module(f"helpers.exercises.{m.name}") for m in pkgutil.iter_modules(helpers.exercises.__path__)
]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


def bank_of(notebook: Path):
    """The question bank a notebook binds (`from helpers.exercises import NAME`)."""
    source = "\n".join(c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code")
    names = [b for b in BANKS if f"from helpers.exercises import {b.__name__.rsplit('.', 1)[1]}" in source]
    assert len(names) == 1, f"{notebook.name} must bind exactly one question bank"
    return names[0]


def check_outputs(notebook: nbformat.NotebookNode) -> list[str]:
    lines = []
    for cell in notebook.cells:
        if cell.cell_type == "code" and ".check()" in cell.source:
            lines += [
                line
                for o in cell.outputs
                if o.get("name") == "stdout"
                for line in o.text.splitlines()
                if line.startswith("Question")
            ]
    return lines


def test_every_bank_has_a_solution_and_an_exercise_notebook_with_five_questions_or_more():
    assert SOLUTIONS and [p.name for p in SOLUTIONS] == [p.name for p in EXERCISES]
    assert sorted(bank_of(p).__name__ for p in SOLUTIONS) == sorted(b.__name__ for b in BANKS)
    assert all(len(bank.QUESTIONS) >= 5 for bank in BANKS)


@pytest.mark.parametrize("notebook", SOLUTIONS, ids=lambda p: p.stem)
def test_committed_solutions_pass_every_check(notebook):
    nb = nbformat.read(notebook, as_version=4)
    results = check_outputs(nb)
    assert len(results) == len(bank_of(notebook).QUESTIONS)
    assert all("✔ Correct" in line for line in results), results


@pytest.mark.parametrize("notebook", SOLUTIONS, ids=lambda p: p.stem)
def test_each_model_solution_is_the_code_of_the_solution_notebook(notebook):
    blocks = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "code":
            inside = cell.source.split(BEGIN)[1].split(END)[0].strip() if BEGIN in cell.source else None
            lines = [
                line.rsplit("# SOLUTION", 1)[0].rstrip()
                for line in cell.source.splitlines()
                if line.endswith("# SOLUTION")
            ]
            blocks += ([inside] if inside else []) + lines
    for question in bank_of(notebook).QUESTIONS:
        assert question.solution in blocks, f"solution of {question.variable!r} differs from the notebook"


@pytest.mark.parametrize("notebook", EXERCISES, ids=lambda p: p.stem)
def test_exercises_run_as_shipped_and_every_check_says_not_attempted(notebook):
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(notebook.parent)}}
    ).execute()
    results = check_outputs(nb)
    assert len(results) == len(bank_of(notebook).QUESTIONS)
    assert all("Not attempted" in line for line in results), results
    # The message says what the cell holds: a blank to replace, or a place to write code.
    sources = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    for line in results:
        blank = re.search(r"replace ____ in `(\w+) = ____`", line)
        if blank:
            assert f"{blank[1]} = ____" in sources, line
        else:
            assert "`# your code here`" in line and "# your code here" in sources, line


@pytest.fixture(scope="module")
def other_company(make_company):
    """A class that regenerates the company with its own seed."""
    return make_company(n_customers=800, seed=7, months=24)


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.__name__.rsplit(".", 1)[1])
def test_model_solutions_are_correct_on_another_company_and_blanks_are_not_attempted(bank, other_company):
    for question in bank.QUESTIONS:
        namespace = {"company": other_company}
        exec(question.solution, namespace)
        answer = namespace[question.variable]
        assert question.evaluate(answer, other_company).outcome is Outcome.CORRECT, question.variable
        assert question.evaluate(____, other_company).outcome is Outcome.NOT_ATTEMPTED


@pytest.mark.parametrize("bank", BANKS, ids=lambda b: b.__name__.rsplit(".", 1)[1])
def test_a_wrong_answer_is_reported_incorrect(bank, other_company):
    for question in bank.QUESTIONS:
        namespace = {"company": other_company}
        exec(question.solution, namespace)
        right = namespace[question.variable]
        if question.kind == "number":
            wrong = right * 1.1 + 1
        elif question.kind in ("choice", "concept"):
            wrong = next(c for c in question.choices if c.lower() != str(right).lower())
        else:
            wrong = right * 1.1 + 1
        verdict = question.evaluate(wrong, other_company)
        assert verdict.outcome is Outcome.INCORRECT, question.variable
        assert not reveals(verdict.message, right, wrong), f"{question.variable}: {verdict.message}"


def reveals(message: str, right, wrong) -> bool:
    """Whether a message shows the right answer (a number in it equal to it, or its label)."""
    if isinstance(right, str):
        return f"'{right}'" in message or f'"{right}"' in message
    if isinstance(right, pd.Series):
        return False
    numbers = [float(n.replace(",", "")) for n in re.findall(r"-?\d[\d,]*\.?\d*(?:e-?\d+)?", message)]
    return any(
        math.isclose(n, float(right), rel_tol=1e-3) and not math.isclose(n, float(wrong), rel_tol=1e-3) for n in numbers
    )
