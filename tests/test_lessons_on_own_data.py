"""Every lesson runs on an analyst's own data, started with papermill as an analyst would start it.

Each notebook of ``notebooks/`` (found by glob, so a new lesson is included as soon as it
lands) is executed with ``papermill NOTEBOOK OUT -p DATA_DIR ...`` from the notebooks'
folder, on two data sets:

* ``messy_shop``: the deliberately messy example ``datasets/examples/messy_shop`` (other
  column names, day-first dates, amounts like ``1.234,50 €``, bad rows, cp1252, no bonds,
  no employees, churn derived from inactivity);
* ``transactions_only``: the same shop's sales file alone, so customers and churn are
  derived and every other table is missing.

A run passes when it completes with no cell raising, shows the load report (proof that
``DATA_DIR`` reached the lesson), and prints the skip line in exactly the cells whose
``%%needs`` line names something the data lacks, and nowhere else. Outputs go to a
temporary folder, never into the repository.

The runs go one after the other (about five seconds each), in the one xdist worker that
takes this file (``--dist loadfile``), while the other worker replays the notebooks.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import time
from pathlib import Path

import nbformat
import papermill
import pytest

from helpers.data import lesson_company, load_own_data
from helpers.notebook import describe_missing, parse_requirements

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXAMPLE = ROOT / "datasets" / "examples" / "messy_shop"
DATASETS = ("messy_shop", "transactions_only")
CASES = [(data, notebook.name) for data in DATASETS for notebook in NOTEBOOKS]
SKIP_MARK = "⏭ Skipped"
REPORT_MARK = "Loaded your data from"


def transactions_only(folder: Path) -> Path:
    """A copy of the example's sales file with a mapping that keeps only [settings], [churn] and [transactions]."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLE / "ventas.csv", folder / "ventas.csv")
    sections = re.split(r"(?m)^(?=\[)", (EXAMPLE / "mapping.toml").read_text(encoding="utf-8"))
    kept = [part for part in sections if part.startswith(("[settings]", "[churn]", "[transactions"))]
    (folder / "mapping.toml").write_text("".join(kept), encoding="utf-8")
    return folder


def data_dir(data: str, scratch: Path) -> str:
    """DATA_DIR as an analyst would write it in a lesson (relative to notebooks/ for the example)."""
    return "../datasets/examples/messy_shop" if data == "messy_shop" else str(scratch / "transactions_only")


def lesson_error(executed: nbformat.NotebookNode | None) -> str:
    """The first error of an executed notebook, with the cell's source ("" when no cell raised)."""
    for cell in executed.cells if executed is not None else ():
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                return f"{output.ename}: {output.evalue}\n--- the cell ---\n{cell.source}"
    return ""


def run_lesson(notebook: str, data: str, scratch: Path, *, folder: str | None = None,
               cwd: Path = ROOT / "notebooks") -> tuple[nbformat.NotebookNode | None, str, float]:
    """Run one lesson with papermill, as an analyst would: the executed notebook, its error ("" if none), the seconds.

    ``folder`` is the DATA_DIR to pass (default: :func:`data_dir`), ``cwd`` where the kernel runs.
    """
    out = scratch / data / cwd.name / notebook
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        papermill.execute_notebook(str(ROOT / "notebooks" / notebook), str(out),
                                   parameters={"DATA_DIR": folder or data_dir(data, scratch)},
                                   cwd=str(cwd), progress_bar=False, execution_timeout=300)
        failure = None
    except Exception as error:  # papermill raises after saving the notebook with the failing cell's output
        failure = error
    seconds = time.perf_counter() - start
    executed = nbformat.read(out, as_version=4) if out.exists() else None
    error = (lesson_error(executed) or f"{type(failure).__name__}: {failure}") if failure else ""
    return executed, error, seconds


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lessons_on_own_data")
    transactions_only(folder / "transactions_only")
    return folder


@pytest.fixture(scope="module")
def companies(scratch):
    """The data sets as the lessons load them (the load report is not printed here)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return {"messy_shop": load_own_data(EXAMPLE), "transactions_only": load_own_data(scratch / "transactions_only")}


def stdout_of(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream" and o.name == "stdout")


def test_every_lesson_is_found():
    names = [n.name for n in NOTEBOOKS]
    assert {"00_welcome.ipynb", "05_loyalty_matrix.ipynb", "09_your_own_data.ipynb"} <= set(names), names


@pytest.mark.parametrize("case", CASES, ids=[f"{data}-{Path(name).stem}" for data, name in CASES])
def test_lesson_runs_on_own_data(case, scratch, companies, record_property):
    data, notebook = case
    executed, error, seconds = run_lesson(notebook, data, scratch)
    record_property("seconds", round(seconds, 1))
    print(f"{notebook} on {data}: {seconds:.1f} s")
    assert not error, f"{notebook} on {data} stopped ({seconds:.1f} s): {error}"
    company = companies[data]
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    raised = [cell.source.splitlines()[:2] for cell in code
              if any(o.output_type == "error" for o in cell.get("outputs", []))]
    assert not raised, f"{notebook} on {data}: cells raised: {raised}"
    assert any(REPORT_MARK in stdout_of(cell) for cell in code), \
        f"{notebook} on {data}: no load report, so DATA_DIR did not reach the lesson"
    for cell in code:
        first, _, _ = cell.source.partition("\n")
        printed = stdout_of(cell)
        if first.startswith("%%needs"):
            requirements = parse_requirements(first.removeprefix("%%needs"))
            lacking = [(table, columns) for table, columns in requirements if not company.has(table, *columns)]
            if lacking:
                assert printed == describe_missing(lacking) + "\n", \
                    f"{notebook} on {data}: the cell starting {first!r} should print only the skip line; printed {printed!r}"
                continue
        assert SKIP_MARK not in printed, f"{notebook} on {data}: unexpected skip line in the cell starting {first!r}"


@pytest.mark.parametrize("folder", ["../datasets/examples/messy_shop", "datasets/examples/messy_shop"])
def test_lesson_company_prints_the_load_report(folder, monkeypatch, capsys):
    monkeypatch.chdir(ROOT / "notebooks")  # where the lessons run; the second path is found from the root
    company = lesson_company(folder)
    printed = capsys.readouterr().out
    assert printed == f"{company.load_report}\n"
    assert printed.startswith(REPORT_MARK) and "excluded 209 row(s): returns (negative amount)" in printed
    assert "churn (derived): " in printed and "Not in your data (lessons skip the sections that need them): bonds, employees" in printed


def test_the_readme_command_runs_a_lesson_from_the_project_root(scratch):
    """The README's papermill line runs from the project's root, with DATA_DIR written from there."""
    executed, error, _ = run_lesson("09_your_own_data.ipynb", "messy_shop", scratch,
                                    folder="datasets/examples/messy_shop", cwd=ROOT)
    assert not error, error
    printed = "".join(stdout_of(cell) for cell in executed.cells if cell.cell_type == "code")
    assert f"{REPORT_MARK} datasets/examples/messy_shop/mapping.toml" in printed
    assert "The rule sees a loss" in printed  # the example is recognised, so its truth is compared
