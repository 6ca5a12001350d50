"""exercises/ is generated from solutions/ and must stay in step with it."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.exercise_builder import build, exercise_notebook, strip_solution

ROOT = Path(__file__).resolve().parents[1]


def test_answer_line_becomes_a_placeholder_keeping_indentation():
    assert strip_solution("    rate = a / b  # SOLUTION") == "    rate = ____  # your answer"


def test_tuple_answer_gets_one_placeholder_per_name():
    assert strip_solution("low, high = q.min(), q.max()  # SOLUTION") == "low, high = ____, ____  # your answer"


def test_block_becomes_your_code_here_and_the_rest_stays():
    source = "x = 1\n# BEGIN SOLUTION\ny = x + 1\nz = y * 2\n# END SOLUTION\nex.q1.check()"
    assert strip_solution(source) == "x = 1\n# your code here\nex.q1.check()"


@pytest.mark.parametrize(
    "source, problem",
    [
        ("# BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n# END SOLUTION", "without a"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
        ("print(1)  # SOLUTION", "must assign"),
    ],
)
def test_malformed_markers_are_reported_with_the_line(source, problem):
    with pytest.raises(ValueError, match=problem):
        strip_solution(source)


def test_outputs_and_counts_are_removed():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "n = 3  # SOLUTION", execution_count=4, outputs=[nbformat.v4.new_output("stream", text="3")]
            )
        ]
    )
    cell = exercise_notebook(nb).cells[0]
    assert (cell.source, cell.outputs, cell.execution_count) == ("n = ____  # your answer", [], None)
    assert nb.cells[0].outputs, "the solution notebook itself is left untouched"


def test_build_writes_then_reports_nothing_stale(tmp_path):
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("a = 1  # SOLUTION")]), tmp_path / "lesson.ipynb"
    )
    out = tmp_path / "ex"
    assert build(tmp_path, out) == [out / "lesson.ipynb"]
    assert build(tmp_path, out, check=True) == []
    (out / "lesson.ipynb").write_text("{}")
    assert build(tmp_path, out, check=True) == [out / "lesson.ipynb"]


@pytest.mark.parametrize("edition", ["", "es"])
def test_committed_exercises_are_in_sync_with_solutions(edition):
    solutions, exercises = ROOT / "solutions" / edition, ROOT / "exercises" / edition
    result = subprocess.run(
        [sys.executable, "-m", "helpers.exercise_builder", str(solutions), str(exercises), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"run `make exercises`:\n{result.stdout}{result.stderr}"
    assert sorted(p.name for p in exercises.glob("*.ipynb")) == sorted(p.name for p in solutions.glob("*.ipynb"))


def test_a_spanish_exercise_asks_in_spanish():
    solution = nbformat.v4.new_notebook(metadata={"course": {"lang": "es"}})
    solution.cells = [nbformat.v4.new_code_cell("# BEGIN SOLUTION\nx = 1\n# END SOLUTION\ny = 2  # SOLUTION")]
    assert exercise_notebook(solution).cells[0].source == "# su código aquí\ny = ____  # su respuesta"
