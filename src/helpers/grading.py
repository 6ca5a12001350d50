"""Grade a class's handed-in exercise notebooks: ``python -m helpers grade SUBMISSIONS``.

Each notebook runs in a kernel of its own (a fresh process, in a fresh temporary folder),
with the class's ``SEED`` (and ``DATA_DIR``) injected into its parameters cell by
papermill, and a time limit for the whole notebook. A cell that raises does not stop
the run: the following cells still run, as when a student runs them one by one. After
the last cell the kernel hands the answers (the variables the lesson's questions read)
to the grader, which judges each one with the question's own check against a company
the grader loads itself with the class's seed: the same verdicts the student saw, from
expected answers the notebook cannot change.

Who and which lesson:

* ``SUBMISSIONS/<student>_<lesson>.ipynb``: a flat folder; ``<lesson>`` is the exercise
  notebook's name (``00_welcome``) or its question bank's (``welcome``), and the student
  is what comes before it. A file whose name ends in no lesson is all the student's name.
* ``SUBMISSIONS/<student>/<any name>.ipynb``: a folder per student (at any depth below it).

The lesson is the question bank the notebook binds (``from helpers.exercises import
welcome``); only a notebook that names none is placed by its file name.

Outcomes, one row per student, lesson and question: ``correct``, ``incorrect``, ``not
attempted`` (the question's check), or ``error`` when the notebook could not be graded
there: not a notebook, no lesson, or a question whose cell never ran because the notebook
was stopped at the time limit or its kernel died. Answers computed before the stop are
graded. Student code runs with the rights of whoever runs the grader: grade untrusted
notebooks in a container or a separate account.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import csv
import importlib
import io
import json
import pickle
import pkgutil
import queue
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Sized
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

import helpers.exercises
from helpers.checks import Outcome, Verdict, bind
from helpers.synthetic import DEFAULT_SEED
from helpers.translate import file_names

#: The columns of the grades file, in order.
COLUMNS = ("student", "lesson", "question", "outcome", "message", "seconds", "file")
#: Outcome of a question the grader could not judge (the notebook failed before its cell).
ERROR = "error"
#: Every outcome a question can get, from best to worst.
OUTCOMES = (*(o.value for o in Outcome), ERROR)
#: Default time limit for running one notebook, in seconds.
DEFAULT_TIMEOUT_SECONDS = 300
#: Seconds a stopped notebook's kernel gets to answer the interrupt and hand over its answers.
STOP_GRACE_SECONDS = 10


def _lessons() -> dict[str, str]:
    """Each lesson's question bank, named like its exercise notebook: ``{"00_welcome": "helpers.exercises.welcome"}``.

    The number comes from the bank's docstring ("Lesson 00 exercises: ..."); a bank without one keeps its bare name.
    """
    found = {}
    for module in pkgutil.iter_modules(helpers.exercises.__path__):
        path = f"helpers.exercises.{module.name}"
        number = re.match(r"Lesson (\d+)", importlib.import_module(path).__doc__ or "")
        found[f"{number[1]}_{module.name}" if number else module.name] = path
    return dict(sorted(found.items()))


#: The lessons (named like their exercise notebooks, in order) and the modules of their questions.
LESSONS = _lessons()

_BANK_IMPORT = re.compile(r"helpers\.exercises(?:\s+import\s+|\.)(\w+)")


@dataclass(frozen=True)
class Submission:
    """One handed-in notebook: its file, its student and the lesson its file name suggests."""

    path: Path
    student: str
    lesson: str | None
    name: str


@dataclass
class Run:
    """What running one notebook produced.

    ``answers`` maps each question's variable the notebook assigned to its value;
    ``cell_errors`` maps a cell's index to the error it raised; ``stopped_at`` is the index
    of the cell the run was stopped in (None when every cell ran) and ``stop_reason`` why;
    ``handed_over`` says whether the kernel handed its answers over at all; ``seconds`` is
    the time the cells took.
    """

    answers: dict[str, Any] = field(default_factory=dict)
    cell_errors: dict[int, str] = field(default_factory=dict)
    stopped_at: int | None = None
    handed_over: bool = True
    stop_reason: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class Unreadable:
    """An answer the kernel could not hand over (it cannot be copied out of the notebook)."""

    reason: str


# ---------------------------------------------------------------------------------------
# Finding the submissions
# ---------------------------------------------------------------------------------------


def lesson_from_name(stem: str) -> tuple[str, str | None]:
    """Split a file name (without ``.ipynb``) into the student and the lesson it ends with.

    Parameters
    ----------
    stem : str
        ``<student>_<lesson>``, where the lesson is a question bank's name, optionally
        after its number (``00_welcome`` or ``welcome``).

    Returns
    -------
    tuple of (str, str or None)
        The student (the whole name when no lesson ends it) and the lesson (a key of
        :data:`LESSONS`, e.g. ``00_welcome``) or None. The Spanish edition's file names
        (``05_matriz_de_lealtad``) name the same lessons.

    Examples
    --------
    >>> lesson_from_name("ana_garcia_welcome")
    ('ana_garcia', '00_welcome')
    >>> lesson_from_name("01_relationship_evolution")
    ('', '01_relationship_evolution')
    >>> lesson_from_name("ana")
    ('ana', None)
    >>> lesson_from_name("ana_garcia_05_matriz_de_lealtad")  # the Spanish edition's file
    ('ana_garcia', '05_loyalty_matrix')
    """
    spanish = {english.split("_", 1)[1]: name.split("_", 1)[1] for english, name in file_names().items()}
    for lesson, path in sorted(LESSONS.items(), key=lambda item: -len(item[1])):
        bank = path.rsplit(".", 1)[1]
        names = "|".join(re.escape(name) for name in (bank, spanish.get(bank, bank)))
        match = re.fullmatch(rf"(?:(?P<student>.*?)_)??(?:\d+_)?(?:{names})", stem, flags=re.IGNORECASE)
        if match:
            return match["student"] or "", lesson
    return stem, None


def find_submissions(folder: Path) -> list[Submission]:
    """Every notebook in ``folder``: flat ``<student>_<lesson>.ipynb`` files and folders per student.

    Hidden files and folders and ``.ipynb_checkpoints`` are left out.

    Parameters
    ----------
    folder : pathlib.Path
        The class's submissions folder.

    Returns
    -------
    list of Submission
        Sorted by student, then file name.
    """
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        student, lesson = lesson_from_name(path.stem)
        if len(relative.parts) > 1:
            student = relative.parts[0]
        found.append(Submission(path, student or path.stem, lesson, relative.as_posix()))
    return sorted(found, key=lambda s: (s.student.lower(), s.name))


def lesson_of(notebook: nbformat.NotebookNode) -> str | None:
    """The lesson whose question bank a notebook imports from ``helpers.exercises``, if exactly one.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("from helpers.exercises import welcome")])
    >>> lesson_of(nb)
    '00_welcome'
    """
    source = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    named = {f"helpers.exercises.{name}" for name in _BANK_IMPORT.findall(source)}
    lessons = [lesson for lesson, path in LESSONS.items() if path in named]
    return lessons[0] if len(lessons) == 1 else None


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a notebook, with an error that says what is wrong with the file.

    Raises
    ------
    ValueError
        The file is not text, not JSON, or not a notebook.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"not a notebook: the file is not text ({err.reason} at byte {err.start})") from None
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"not a notebook: invalid JSON ({err.msg} at line {err.lineno}, column {err.colno})") from None
    try:
        notebook = nbformat.reads(text, as_version=4)
        if not all(cell.cell_type in ("code", "markdown", "raw") and "source" in cell for cell in notebook.cells):
            raise ValueError("a cell without a type or a source")
    except Exception as err:  # nbformat raises many kinds on JSON that is not a notebook
        raise ValueError(f"not a notebook: JSON, but not in the notebook format ({err})") from None
    return notebook


# ---------------------------------------------------------------------------------------
# Inside the kernel: handing the answers over
# ---------------------------------------------------------------------------------------


def save_answers(namespace: Mapping[str, Any], variables: Iterable[str], path: str) -> None:
    """Write the notebook's answers to ``path`` for the grader; run in the student's kernel.

    Each variable is pickled on its own, so one answer that cannot be copied (a generator,
    an open file) spoils only itself. Variables the notebook never assigned are left out.
    """
    answers: dict[str, Any] = {}
    for name in variables:
        if name in namespace:
            value = namespace[name]
            try:
                answers[name] = pickle.dumps(value)
            except Exception as err:  # any object may refuse to be pickled, in any way
                answers[name] = Unreadable(f"a {type(value).__name__} cannot be copied out of the notebook ({err})")
    with open(path, "wb") as file:
        pickle.dump(answers, file)


def load_answers(path: Path) -> dict[str, Any]:
    """The answers :func:`save_answers` wrote; one that cannot be read becomes :class:`Unreadable`."""
    answers = {}
    for name, value in pickle.loads(path.read_bytes()).items():
        if isinstance(value, bytes):
            try:
                value = pickle.loads(value)
            except Exception as err:  # e.g. an object of a class defined in the notebook
                detail = str(err).split(" on <module", 1)[0]  # "Can't get attribute 'X'", without the grader's module
                value = Unreadable(f"the grader cannot read it outside the notebook ({type(err).__name__}: {detail})")
        answers[name] = value
    return answers


# ---------------------------------------------------------------------------------------
# Running one notebook
# ---------------------------------------------------------------------------------------


def _cell_label(notebook: nbformat.NotebookNode, index: int) -> str:
    """'code cell 4 (`while True: pass`)': the cell's number among the student's code cells and first line."""
    cells = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and not _injected(c)]
    first = next((line.strip() for line in notebook.cells[index].source.splitlines() if line.strip()), "")
    first = first if len(first) <= 60 else first[:57] + "..."
    number = cells.index(index) + 1 if index in cells else "?"
    return f"code cell {number} (`{first}`)" if first else f"code cell {number}"


def _injected(cell: nbformat.NotebookNode) -> bool:
    return "injected-parameters" in cell.get("metadata", {}).get("tags", [])


def prepare(notebook: nbformat.NotebookNode, parameters: Mapping[str, Any]) -> nbformat.NotebookNode:
    """The notebook with ``parameters`` injected after its ``parameters`` cell (at the top if it has none)."""
    from papermill.parameterize import parameterize_notebook

    notebook = copy.deepcopy(notebook)
    notebook.metadata.setdefault("papermill", nbformat.NotebookNode())  # as papermill's own loader ensures
    for cell in notebook.cells:
        cell.setdefault("metadata", nbformat.NotebookNode()).setdefault("tags", [])
    with contextlib.redirect_stderr(io.StringIO()):  # papermill warns when the parameters cell is gone
        return parameterize_notebook(notebook, dict(parameters), kernel_name="python3", language="python")


def _quiet_when_stopped(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Silence the output watcher nbclient leaves behind when a notebook is stopped; report the rest."""
    if not isinstance(context.get("exception"), queue.Empty):
        loop.default_exception_handler(context)


async def _run(notebook: nbformat.NotebookNode, variables: Sequence[str], timeout_seconds: float, kernel: str) -> Run:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    run = Run()
    with tempfile.TemporaryDirectory(prefix="grade-") as workdir:
        answers_file = Path(workdir) / ".answers.pickle"
        client = NotebookClient(
            notebook,
            kernel_name=kernel,
            allow_errors=True,
            shutdown_kernel="immediate",
            resources={"metadata": {"path": workdir}},
            startup_timeout=120,
        )
        asyncio.get_running_loop().set_exception_handler(_quiet_when_stopped)
        async with client.async_setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            started, dead = time.monotonic(), False
            deadline = started + timeout_seconds
            client.timeout_func = lambda cell: max(deadline - time.monotonic(), 0.01)
            try:
                for index, cell in enumerate(notebook.cells):
                    if cell.cell_type == "code":
                        run.stopped_at = index
                        await client.async_execute_cell(cell, index)
                run.stopped_at = None
            except CellTimeoutError:
                run.stop_reason = f"stopped at the time limit of {timeout_seconds:g} s"
                await client.km.interrupt_kernel()
            except DeadKernelError:
                run.stop_reason = "the kernel died (the notebook's code stopped or crashed Python)"
                dead = True
            run.seconds = time.monotonic() - started
            if not dead:
                handover = nbformat.v4.new_code_cell(
                    f"from helpers.grading import save_answers as _grading_save_answers\n"
                    f"_grading_save_answers(globals(), {list(variables)!r}, {str(answers_file)!r})"
                )
                client.timeout_func = lambda cell: STOP_GRACE_SECONDS
                notebook.cells.append(handover)
                with contextlib.suppress(CellTimeoutError, DeadKernelError):
                    await client.async_execute_cell(handover, len(notebook.cells) - 1)
                notebook.cells.pop()
        try:
            run.answers = load_answers(answers_file)
        except Exception:  # missing or damaged: the kernel did not get to hand its answers over
            run.handed_over = False
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":
                run.cell_errors[index] = (
                    ": ".join(filter(None, [output.get("ename"), output.get("evalue")])) or "an error"
                )
    if run.stop_reason and run.stopped_at is not None:
        run.stop_reason += f" in {_cell_label(notebook, run.stopped_at)}"
    return run


def run_notebook(
    notebook: nbformat.NotebookNode, variables: Sequence[str], timeout_seconds: float, kernel: str = "python3"
) -> Run:
    """Execute ``notebook`` in a fresh kernel and collect the values of ``variables``.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        Executed in place (its outputs are filled in); run it on a copy.
    variables : sequence of str
        The answers to hand back.
    timeout_seconds : float
        Time limit for all the notebook's cells together; at the limit the kernel is
        interrupted, hands over the answers it has, and is killed.
    kernel : str
        The Jupyter kernel to start.

    Returns
    -------
    Run
        The answers, the cells that raised, and where and why the run stopped early.
    """
    return asyncio.run(_run(notebook, variables, timeout_seconds, kernel))


# ---------------------------------------------------------------------------------------
# Judging
# ---------------------------------------------------------------------------------------


def question_cells(notebook: nbformat.NotebookNode, variables: Sequence[str]) -> list[int | None]:
    """For each question (in order), the index of the first code cell that checks or assigns its answer."""
    found: list[int | None] = []
    for number, variable in enumerate(variables, start=1):
        pattern = re.compile(rf"\.q{number}\.check\(|^\s*{re.escape(variable)}\s*=(?!=)", flags=re.MULTILINE)
        found.append(
            next((i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and pattern.search(c.source)), None)
        )
    return found


def judge(
    questions: Sequence[Any],
    company: Any,
    run: Run,
    cells: Sequence[int | None],
) -> list[tuple[str, str]]:
    """(outcome, message) for each question, from the answers a run handed over.

    Parameters
    ----------
    questions : sequence of helpers.checks.Question
        The lesson's questions.
    company : Company
        The company expected answers are computed from (loaded by the grader).
    run : Run
        What the notebook produced.
    cells : sequence of int or None
        Each question's cell (:func:`question_cells`), to tell a question whose cell never
        ran (an ``error``) from one the student left blank, and to name a cell's error.
    """
    if not run.handed_over:
        why = run.stop_reason or "the notebook's kernel did not hand over its answers"
        return [(ERROR, f"not graded: {why}; no answers could be collected.")] * len(questions)
    bound = bind(questions, company, run.answers)
    results = []
    for number, (question, cell) in enumerate(zip(questions, cells, strict=True), start=1):
        answer = run.answers.get(question.variable)
        never_ran = run.stopped_at is not None and (cell is None or cell >= run.stopped_at)
        if answer is None and question.variable not in run.answers and never_ran:
            results.append((ERROR, f"not graded: {run.stop_reason or 'the notebook stopped'}, before this question"))
            continue
        if isinstance(answer, Unreadable):
            verdict = Verdict(Outcome.INCORRECT, f"the answer could not be graded: {answer.reason}.")
        else:
            try:
                verdict = getattr(bound, f"q{number}").verdict()
            except Exception as err:  # a strange answer may break a check in any way
                verdict = Verdict(Outcome.INCORRECT, f"the check could not judge this answer ({type(err).__name__}).")
        if cell in run.cell_errors and question.variable not in run.answers:
            verdict = Verdict(
                Outcome.INCORRECT,
                f"its cell raised {run.cell_errors[cell]} before storing an answer in `{question.variable}`.",
            )
        elif cell in run.cell_errors and verdict.outcome is not Outcome.CORRECT:
            verdict = Verdict(verdict.outcome, f"{verdict.message} (Its cell raised {run.cell_errors[cell]}.)")
        results.append((verdict.outcome.value, verdict.message))
    return results


@dataclass
class Grader:
    """Grades submissions against one company: the class's seed, or its data folder."""

    seed: int = DEFAULT_SEED
    data_dir: Path | None = None
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    kernel: str = "python3"
    _company: Any = field(default=None, repr=False)

    @property
    def company(self) -> Any:
        """The company the expected answers come from, loaded once (quietly)."""
        if self._company is None:
            from helpers.data import lesson_company

            with contextlib.redirect_stdout(io.StringIO()):
                self._company = lesson_company(self.data_dir, self.seed)
        return self._company

    def grade(self, submission: Submission) -> list[dict[str, Any]]:
        """The grades file's rows for one submission; never raises for a bad notebook."""

        def row(question: str, outcome: str, message: str, lesson: str | None, seconds: float = 0.0) -> dict:
            return {
                "student": submission.student,
                "lesson": lesson or "",
                "question": question,
                "outcome": outcome,
                "message": message,
                "seconds": round(seconds, 1),
                "file": submission.name,
            }

        lesson = submission.lesson
        try:
            notebook = read_notebook(submission.path)
            lesson = lesson_of(notebook) or lesson
            if lesson is None:
                raise ValueError(
                    "no lesson: the notebook imports no question bank from helpers.exercises and its file name "
                    f"names no lesson ({', '.join(LESSONS)})"
                )
        except (OSError, ValueError) as err:
            questions = importlib.import_module(LESSONS[lesson]).QUESTIONS if lesson else []
            return [row(f"q{n}", ERROR, str(err), lesson) for n in range(1, len(questions) + 1)] or [
                row("", ERROR, str(err), lesson)
            ]
        questions = importlib.import_module(LESSONS[lesson]).QUESTIONS
        variables = [q.variable for q in questions]
        parameters = {"SEED": self.seed, "DATA_DIR": str(self.data_dir) if self.data_dir else None}
        try:
            prepared = prepare(notebook, parameters)
            run = run_notebook(prepared, variables, self.timeout_seconds, self.kernel)
        except Exception as err:  # a kernel that cannot start, or anything else: a row, never a crash
            return [
                row(f"q{n}", ERROR, f"the notebook could not be run: {type(err).__name__}: {err}", lesson)
                for n in range(1, 1 + len(questions))
            ]
        verdicts = judge(questions, self.company, run, question_cells(prepared, variables))
        rows = [row(f"q{n}", o, m, lesson, run.seconds) for n, (o, m) in enumerate(verdicts, start=1)]
        if run.stop_reason:
            for r in rows:
                r.setdefault("stop_reason", run.stop_reason)
        for index, error in run.cell_errors.items():
            if run.stop_reason and index == run.stopped_at:
                continue  # the cell the notebook was stopped in: already its failure
            rows[0].setdefault("cell_errors", []).append(f"{_cell_label(prepared, index)}: {error}")
        return rows


# ---------------------------------------------------------------------------------------
# The summary
# ---------------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def _count(things: Sized, noun: str) -> str:
    return f"{len(things)} {noun}{'' if len(things) == 1 else 's'}"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def summary(rows: Sequence[Mapping[str, Any]], title: str = "Grades") -> str:
    """A Markdown summary for the instructor: a score per student, the share correct per question, the failures.

    Parameters
    ----------
    rows : sequence of mapping
        The grades file's rows (:data:`COLUMNS`; rows may carry ``stop_reason`` and ``cell_errors``).
    title : str
        The first heading.

    Examples
    --------
    >>> row = {"lesson": "00_welcome", "question": "q1", "message": ""}
    >>> rows = [
    ...     {**row, "student": "ana", "outcome": "correct", "file": "ana_00_welcome.ipynb"},
    ...     {**row, "student": "ben", "outcome": "incorrect", "message": "too low.", "file": "ben_00_welcome.ipynb"},
    ... ]
    >>> print(summary(rows))  # doctest: +ELLIPSIS
    # Grades
    <BLANKLINE>
    2 notebooks from 2 students, 1 lesson.
    <BLANKLINE>
    ## Scores per student
    <BLANKLINE>
    | student | 00_welcome | total | score | not attempted | not graded |
    |---|---|---|---|---|---|
    | ana | 1/1 | 1/1 | 100% | 0 | 0 |
    | ben | 0/1 | 0/1 | 0% | 0 | 0 |
    ...
    """
    students = sorted({r["student"] for r in rows}, key=str.lower)
    lessons = sorted({r["lesson"] for r in rows if r["lesson"]})
    files = sorted({r["file"] for r in rows})
    lines = [f"# {title}", "", f"{_count(files, 'notebook')} from {_count(students, 'student')}, "]
    lines[-1] += f"{_count(lessons, 'lesson')}."
    lines += ["", "## Scores per student", "", "| student | " + " | ".join(lessons) + " | total | score |"]
    lines[-1] += " not attempted | not graded |"
    lines.append("|---" * (len(lessons) + 5) + "|")
    for student in students:
        mine = [r for r in rows if r["student"] == student and r["question"]]
        cells = []
        for lesson in lessons:
            graded = [r for r in mine if r["lesson"] == lesson]
            right = sum(r["outcome"] == Outcome.CORRECT.value for r in graded)
            cells.append(f"{right}/{len(graded)}" if graded else "–")
        counts = Counter(r["outcome"] for r in mine)
        right = counts[Outcome.CORRECT.value]
        lines.append(
            f"| {_cell(student)} | " + " | ".join(cells) + f" | {right}/{len(mine)} | {_percent(right, len(mine))} | "
            f"{counts[Outcome.NOT_ATTEMPTED.value]} | {counts[ERROR]} |"
        )

    lines += ["", "## Questions", ""]
    lines += ["| lesson | question | correct | incorrect | not attempted | error | most common wrong answer |"]
    lines += ["|---|---|---|---|---|---|---|"]
    questions = sorted(
        {(r["lesson"], r["question"]) for r in rows if r["question"]},
        key=lambda lq: (lq[0], int(lq[1][1:])),
    )
    for lesson, question in questions:
        these = [r for r in rows if r["lesson"] == lesson and r["question"] == question]
        counts = Counter(r["outcome"] for r in these)
        wrong = Counter(r["message"] for r in these if r["outcome"] == Outcome.INCORRECT.value).most_common(1)
        variable = importlib.import_module(LESSONS[lesson]).QUESTIONS[int(question[1:]) - 1].variable
        right = counts[Outcome.CORRECT.value]
        lines.append(
            f"| {lesson} | {question} `{variable}` | {right} of {len(these)} ({_percent(right, len(these))}) | "
            f"{counts[Outcome.INCORRECT.value]} | {counts[Outcome.NOT_ATTEMPTED.value]} | {counts[ERROR]} | "
            + (f"{_cell(wrong[0][0])} ({wrong[0][1]}×)" if wrong else "")
            + " |"
        )

    failed = {}
    for r in rows:
        if r.get("stop_reason"):
            failed.setdefault(r["file"], (r["student"], r["stop_reason"]))
        elif r["outcome"] == ERROR and r["file"] not in failed:
            failed[r["file"]] = (r["student"], r["message"])
    lines += ["", "## Notebooks that failed", ""]
    lines += [f"- `{f}` ({_cell(s)}): {_cell(why)}" for f, (s, why) in sorted(failed.items())] or ["None."]
    raised = [(r["file"], r["student"], e) for r in rows for e in r.get("cell_errors", [])]
    lines += ["", "## Cells that raised an error (the rest of the notebook was graded)", ""]
    lines += [f"- `{f}` ({_cell(s)}): {_cell(e)}" for f, s, e in raised] or ["None."]
    return "\n".join(lines) + "\n"


def write_grades(rows: Sequence[Mapping[str, Any]], path: Path) -> None:
    """Write the rows to a CSV file with the columns :data:`COLUMNS`."""
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------

_EPILOG = f"""\
submissions:
  SUBMISSIONS/<student>_<lesson>.ipynb   e.g. ana_garcia_00_welcome.ipynb (lesson: 00_welcome or welcome)
  SUBMISSIONS/<student>/<any>.ipynb      a folder per student
  The lesson is the question bank the notebook imports; the file name only when it imports none.

output:
  --out FILE (a CSV: {", ".join(COLUMNS)}; outcome is correct, incorrect,
  not attempted or error; seconds is the time the notebook's cells took) and a Markdown summary
  next to it (FILE with .md), also printed.
  Nothing is written into SUBMISSIONS; notebooks run in temporary folders.

exit status:
  0  graded (notebooks that failed are rows with their error)
  1  nothing to grade: no notebooks, or the folder (or --data-dir) cannot be read
  2  usage error: bad options, an --out that exists (add --force) or lies inside SUBMISSIONS

Student code runs with your rights: grade untrusted notebooks in a container or a separate account."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m helpers grade",
        description="Run each handed-in exercise notebook in its own kernel with the class's seed and grade every "
        "question with its check.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS", help="the folder of handed-in notebooks")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, metavar="N", help=f"the class's SEED (default {DEFAULT_SEED})"
    )
    parser.add_argument("--data-dir", type=Path, metavar="FOLDER", help="the class's DATA_DIR, if it has one")
    parser.add_argument(
        "--out", type=Path, default=Path("grades.csv"), metavar="FILE", help="the grades file (default grades.csv)"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing grades file and summary")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"time limit per notebook in seconds (default {DEFAULT_TIMEOUT_SECONDS})",
    )
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="notebooks run at the same time (default 1)")
    parser.add_argument("--kernel", default="python3", help="the Jupyter kernel to run them in (default python3)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m helpers grade``: grade a submissions folder into a CSV file and a summary.

    Returns
    -------
    int
        0 graded, 1 nothing to grade (or an unreadable folder), 2 usage error.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)

    def usage(message: str) -> int:
        print(f"python -m helpers grade: error: {message}", file=sys.stderr)
        return 2

    folder, out = args.submissions.resolve(), args.out.resolve()
    summary_path = out.with_suffix(".md")
    if args.jobs < 1 or args.timeout <= 0:
        return usage("--jobs must be at least 1 and --timeout more than 0 seconds")
    if out.suffix.lower() == ".md":
        return usage("--out is the CSV file; the summary goes next to it with .md (give e.g. grades.csv)")
    if out.is_relative_to(folder):
        return usage(f"--out {args.out} lies inside the submissions folder, which the grader never writes into")
    if not out.parent.is_dir():
        return usage(f"the folder of --out does not exist: {out.parent}")
    existing = [p for p in (out, summary_path) if p.exists()]
    if existing and not args.force:
        return usage(f"{', '.join(map(str, existing))} already exists; add --force to replace it")
    if not folder.is_dir():
        print(f"python -m helpers grade: no submissions folder at {args.submissions}", file=sys.stderr)
        return 1
    try:
        submissions = find_submissions(folder)
    except OSError as err:
        print(f"python -m helpers grade: cannot read {args.submissions}: {err}", file=sys.stderr)
        return 1
    if not submissions:
        print(f"python -m helpers grade: nothing to grade: no .ipynb files in {args.submissions}", file=sys.stderr)
        return 1

    grader = Grader(args.seed, args.data_dir.resolve() if args.data_dir else None, args.timeout, args.kernel)
    try:
        grader.company  # noqa: B018 (load it once, before the threads need it)
    except (OSError, ValueError) as err:
        print(f"python -m helpers grade: the class's company could not be loaded: {err}", file=sys.stderr)
        return 1

    def grade_one(submission: Submission) -> list[dict[str, Any]]:
        rows = grader.grade(submission)
        counts = Counter(r["outcome"] for r in rows)
        seconds = max(r["seconds"] for r in rows)
        print(
            f"graded {submission.name}: "
            + ", ".join(f"{counts[o]} {o}" for o in OUTCOMES if counts[o])
            + f" ({seconds:g} s)",
            file=sys.stderr,
        )
        return rows

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        rows = [row for rows in pool.map(grade_one, submissions) for row in rows]
    write_grades(rows, out)
    where = f"data {args.data_dir}" if args.data_dir else f"seed {args.seed}"
    text = summary(rows, title=f"Grades: {args.submissions.name} ({where})")
    summary_path.write_text(text, encoding="utf-8")
    print(text, end="")
    print(f"Wrote {args.out} and {summary_path.name}.", file=sys.stderr)
    return 0
