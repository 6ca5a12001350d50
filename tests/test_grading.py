"""Grading a class's handed-in exercise notebooks: ``python -m helpers grade``.

One class of six students hands in lesson 00 and is graded once, in real kernels, with
the class's seed 7 (the module fixture ``graded``); the other tests need no kernel.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import nbformat
import pytest

from helpers import grading
from helpers.checks import ____
from helpers.data import lesson_company
from helpers.exercises import welcome
from helpers.grading import Run, Submission, Unreadable, find_submissions, judge, lesson_from_name, main, read_notebook

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "00_welcome.ipynb"
EXERCISE = ROOT / "exercises" / "00_welcome.ipynb"
VARIABLES = [q.variable for q in welcome.QUESTIONS]
N = len(VARIABLES)  # questions in lesson 00
CLASS_SEED = 7
TIME_LIMIT_SECONDS = 12  # six times what lesson 00 takes on a busy machine, yet a looping notebook costs little


def edited(source: Path, edit) -> nbformat.NotebookNode:
    """A copy of a notebook whose code cells went through ``edit(source) -> source``."""
    notebook = nbformat.read(source, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = edit(cell.source)
    return notebook


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory) -> Path:
    """Six students' lesson 00, both layouts: flat `<student>_<lesson>.ipynb` files and a folder per student."""
    folder = tmp_path_factory.mktemp("submissions")
    shutil.copy(SOLUTION, folder / "ana_garcia_00_welcome.ipynb")  # all correct
    shutil.copy(EXERCISE, folder / "ben_welcome.ipynb")  # untouched: all not attempted
    wrong = edited(
        SOLUTION, lambda s: s.replace(welcome.QUESTIONS[0].solution, "n_business_customers = len(company.customers)")
    )
    nbformat.write(wrong, folder / "cleo_00_welcome.ipynb")  # q1 counts every customer instead
    looping = edited(SOLUTION, lambda s: "while True: pass\n" + s if s.startswith("average_purchase") else s)
    nbformat.write(looping, folder / "dan_00_welcome.ipynb")  # loops in question 4's cell
    (folder / "eve_00_welcome.ipynb").write_text('{"cells": [ unfinished', encoding="utf-8")
    # Fred renamed his notebook (a folder per student) and typed in the seed-2024 company's mean purchase.
    fixed = float(lesson_company().transactions["amount"].mean())
    hard_coded = edited(SOLUTION, lambda s: f"average_purchase = {fixed!r}" if s.startswith("average_purchase") else s)
    (folder / "fred").mkdir()
    nbformat.write(hard_coded, folder / "fred" / "my work.ipynb")
    (folder / "fred" / ".ipynb_checkpoints").mkdir()
    shutil.copy(EXERCISE, folder / "fred" / ".ipynb_checkpoints" / "my work-checkpoint.ipynb")
    return folder


@pytest.fixture(scope="module")
def graded(class_folder, tmp_path_factory):
    """Grade the class once: (exit status, the CSV rows, the summary, the folder before grading, the CSV path)."""
    before = snapshot(class_folder)
    out = tmp_path_factory.mktemp("grades") / "grades.csv"
    argv = [str(class_folder), "--seed", str(CLASS_SEED), "--out", str(out)]
    status = main([*argv, "--timeout", str(TIME_LIMIT_SECONDS), "--jobs", "2"])
    with open(out, encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return status, rows, out.with_suffix(".md").read_text(encoding="utf-8"), before, out


def outcomes(rows, student) -> list[str]:
    return [r["outcome"] for r in rows if r["student"] == student]


def test_the_grader_exits_0_and_writes_one_row_per_student_and_question(graded):
    status, rows, _, _, _ = graded
    assert status == 0
    assert list(rows[0]) == list(grading.COLUMNS)
    assert sorted({r["student"] for r in rows}) == ["ana_garcia", "ben", "cleo", "dan", "eve", "fred"]
    for student in {r["student"] for r in rows}:
        mine = [r for r in rows if r["student"] == student]
        assert [r["question"] for r in mine] == [f"q{n}" for n in range(1, N + 1)], student
        assert {r["lesson"] for r in mine} == {"00_welcome"}


def test_the_solution_run_with_the_class_seed_is_all_correct(graded):
    _, rows, _, _, _ = graded
    assert outcomes(rows, "ana_garcia") == ["correct"] * N


def test_the_untouched_exercise_is_all_not_attempted(graded):
    _, rows, _, _, _ = graded
    assert outcomes(rows, "ben") == ["not attempted"] * N
    assert "replace ____ in `n_business_customers = ____`" in rows[N]["message"]


def test_a_wrong_answer_is_incorrect_with_the_checks_own_explanation(graded):
    _, rows, _, _, _ = graded
    assert outcomes(rows, "cleo") == ["incorrect"] + ["correct"] * (N - 1)
    cleo_q1 = next(r for r in rows if r["student"] == "cleo")
    assert cleo_q1["message"] == welcome.QUESTIONS[0].mistakes[0][1]


def test_a_looping_notebook_is_stopped_at_the_time_limit_and_keeps_the_answers_it_reached(graded):
    _, rows, summary, _, _ = graded
    dan = [r for r in rows if r["student"] == "dan"]
    assert [r["outcome"] for r in dan] == ["correct"] * 3 + ["error"] * (N - 3)
    assert f"time limit of {TIME_LIMIT_SECONDS} s" in dan[3]["message"] and "while True: pass" in dan[3]["message"]
    assert float(dan[0]["seconds"]) == pytest.approx(TIME_LIMIT_SECONDS, abs=3)
    assert "`dan_00_welcome.ipynb` (dan): stopped at the time limit" in summary


def test_a_file_that_is_not_json_is_a_row_with_its_error(graded):
    _, rows, summary, _, _ = graded
    eve = [r for r in rows if r["student"] == "eve"]
    assert {r["outcome"] for r in eve} == {"error"}
    assert eve[0]["message"].startswith("not a notebook: invalid JSON")
    assert "`eve_00_welcome.ipynb` (eve): not a notebook: invalid JSON" in summary


def test_answers_are_judged_against_the_class_company_not_the_course_one(graded):
    _, rows, _, _, _ = graded
    fred = [r for r in rows if r["student"] == "fred"]
    assert {r["file"] for r in fred} == {"fred/my work.ipynb"}  # the checkpoint copy is not graded
    assert [r["outcome"] for r in fred] == ["correct"] * 3 + ["incorrect"] + ["correct"] * (N - 4)
    # The typed-in number is right for the course's company (seed 2024), so only the seed made it wrong.
    fixed = float(lesson_company().transactions["amount"].mean())
    assert welcome.QUESTIONS[3].evaluate(fixed, lesson_company()).outcome == "correct"


def test_the_summary_gives_scores_shares_and_failures(graded):
    _, _, summary, _, _ = graded
    assert f"| ana_garcia | {N}/{N} | {N}/{N} | 100% | 0 | 0 |" in summary
    assert f"| ben | 0/{N} | 0/{N} | 0% | {N} | 0 |" in summary
    assert f"| cleo | {N - 1}/{N} | {N - 1}/{N} | {(N - 1) / N:.0%} | 0 | 0 |" in summary
    assert f"| eve | 0/{N} | 0/{N} | 0% | 0 | {N} |" in summary
    q1 = "| 00_welcome | q1 `n_business_customers` | 3 of 6 (50%) | 1 | 1 | 1 | that is every customer ever acquired"
    assert q1 in summary
    assert "seed 7" in summary.splitlines()[0]


def test_the_submissions_folder_is_left_untouched_and_grades_are_not_overwritten(graded, class_folder, capsys):
    _, _, _, before, out = graded
    assert snapshot(class_folder) == before
    text = out.read_text(encoding="utf-8")
    assert main([str(class_folder), "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == text


# ---------------------------------------------------------------------------------------
# Without a kernel
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stem, student, lesson",
    [
        ("ana_garcia_00_welcome", "ana_garcia", "00_welcome"),
        ("ana_garcia_welcome", "ana_garcia", "00_welcome"),
        ("ANA_00_Welcome", "ANA", "00_welcome"),
        ("bo_03_leaky_bucket", "bo", "03_leaky_bucket"),
        ("06_customer_value", "", "06_customer_value"),
        ("ana_homework", "ana_homework", None),
    ],
)
def test_the_student_and_lesson_come_from_the_file_name(stem, student, lesson):
    assert lesson_from_name(stem) == (student, lesson)


def test_flat_files_and_folders_per_student_are_both_found(tmp_path):
    for name in ["zoe_00_welcome.ipynb", "amy/lesson.ipynb", "amy/extra/03_leaky_bucket.ipynb", ".hidden.ipynb"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}", encoding="utf-8")
    found = find_submissions(tmp_path)
    assert [(s.student, s.lesson, s.name) for s in found] == [
        ("amy", "03_leaky_bucket", "amy/extra/03_leaky_bucket.ipynb"),
        ("amy", None, "amy/lesson.ipynb"),
        ("zoe", "00_welcome", "zoe_00_welcome.ipynb"),
    ]


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"\xff\xfe\x00garbage", "not text"),
        (b'{"cells": [', "invalid JSON"),
        (b'{"name": "not a notebook"}', "not in the notebook format"),
        (b'{"cells": [{"cell_type": "code"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "notebook format"),
    ],
)
def test_a_file_that_is_not_a_notebook_is_refused_with_the_reason(tmp_path, content, reason):
    path = tmp_path / "x.ipynb"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=reason):
        read_notebook(path)


def test_a_notebook_without_a_lesson_is_one_error_row_naming_the_lessons(tmp_path):
    path = tmp_path / "ana.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    rows = grading.Grader().grade(Submission(path, "ana", None, "ana.ipynb"))
    assert [(r["question"], r["outcome"]) for r in rows] == [("", "error")]
    assert "no lesson" in rows[0]["message"] and "00_welcome, 01_relationship_evolution" in rows[0]["message"]


def test_judging_a_run_that_stopped_raised_or_handed_over_odd_answers(course_company):
    solution = {q.variable: None for q in welcome.QUESTIONS}
    namespace = {"company": course_company}
    for question in welcome.QUESTIONS:
        exec(question.solution, namespace)
        solution[question.variable] = namespace[question.variable]
    answers = {
        "n_business_customers": solution["n_business_customers"],  # cell 1: correct
        "share_lost": ____,  # cell 2: left blank
        "top_channel": Unreadable("a generator cannot be copied out of the notebook"),  # cell 3
        # cell 4 (average_purchase) raised before its answer; cell 5 is where the notebook stopped
    }
    run = Run(answers=answers, cell_errors={4: "ZeroDivisionError: division by zero"}, stopped_at=5, stop_reason="X")
    verdicts = judge(welcome.QUESTIONS, course_company, run, [1, 2, 3, 4, *range(5, N + 1)])
    assert [o for o, _ in verdicts] == ["correct", "not attempted", "incorrect", "incorrect"] + ["error"] * (N - 4)
    assert "cannot be copied" in verdicts[2][1]
    assert (
        verdicts[3][1]
        == "its cell raised ZeroDivisionError: division by zero before storing an answer in `average_purchase`."
    )
    assert verdicts[4][1] == "not graded: X, before this question"


def test_answers_are_handed_over_one_by_one(tmp_path):
    path = tmp_path / "answers.pickle"
    grading.save_answers({"a": 1.5, "b": (x for x in []), "s": ____}, ["a", "b", "s", "missing"], str(path))
    answers = grading.load_answers(path)
    assert answers["a"] == 1.5 and isinstance(answers["b"], Unreadable) and "generator" in answers["b"].reason
    assert repr(answers["s"]) == "____" and "missing" not in answers


@pytest.mark.parametrize(
    "extra, status",
    [
        (["--jobs", "0"], 2),
        (["--timeout", "0"], 2),
        (["--out", "grades.md"], 2),
        (["--out", "no_such_folder/grades.csv"], 2),
        (["--out", "SUBMISSIONS/grades.csv"], 2),
        (["--no-such-option"], 2),
        (["--data-dir", "no_such_data"], 1),
    ],
)
def test_usage_errors_exit_2_and_unreadable_data_1(tmp_path, monkeypatch, extra, status):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "SUBMISSIONS").mkdir()
    shutil.copy(EXERCISE, tmp_path / "SUBMISSIONS" / "ana_00_welcome.ipynb")
    extra = [e.replace("SUBMISSIONS", str(tmp_path / "SUBMISSIONS")) for e in extra]
    assert main(["SUBMISSIONS", *extra]) == status
    assert not (tmp_path / "grades.csv").exists()


def test_nothing_to_grade_exits_1(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main([str(tmp_path / "empty"), "--out", str(tmp_path / "g.csv")]) == 1
    assert "nothing to grade" in capsys.readouterr().err
    assert main([str(tmp_path / "absent"), "--out", str(tmp_path / "g.csv")]) == 1


def test_the_class_parameters_are_injected_after_the_parameters_cell_or_at_the_top():
    notebook = nbformat.read(EXERCISE, as_version=4)
    prepared = grading.prepare(notebook, {"SEED": 7, "DATA_DIR": "/class/data"})
    index = next(i for i, c in enumerate(prepared.cells) if "parameters" in c.metadata.get("tags", []))
    injected = prepared.cells[index + 1]
    assert injected.metadata.tags == ["injected-parameters"]
    assert "SEED = 7" in injected.source and 'DATA_DIR = "/class/data"' in injected.source
    assert len(prepared.cells) == len(notebook.cells) + 1  # the submitted notebook itself is not changed
    notebook.cells = [c for c in notebook.cells if "parameters" not in c.metadata.get("tags", [])]
    assert "SEED = 7" in grading.prepare(notebook, {"SEED": 7}).cells[0].source
