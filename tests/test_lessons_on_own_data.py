"""Every lesson runs on an analyst's own data, started with papermill as an analyst would start it.

Each notebook of ``notebooks/`` (found by glob, so a new lesson is included as soon as it
lands) is executed with ``papermill NOTEBOOK OUT -p DATA_DIR ...`` from the notebooks'
folder, on three data sets:

* ``messy_shop``: the deliberately messy example ``datasets/examples/messy_shop`` (other
  column names, day-first dates, amounts like ``1.234,50 €``, bad rows, cp1252, no bonds,
  no employees, churn derived from inactivity);
* ``transactions_only``: the same shop's sales file alone, so customers and churn are
  derived and every other table is missing;
* ``customer_date_amount``: that file with only the customer, date and amount columns
  (no cost, category or channel at all: lesson 04's warehouse has NULL margins and the
  'unknown' channel, sections on margins or channels are skipped).

``tests/test_lessons_on_small_data.py`` runs the lessons on three more data sets, also made
from that sales file by :func:`make_data` (:data:`SMALL_DATASETS`): one customer, three
customers, every purchase on one day.

A run passes when it completes with no cell raising, shows the load report (proof that
``DATA_DIR`` reached the lesson), and prints the skip line in exactly the cells whose
``%%needs`` line names something the data lacks (a table, a column, enough rows or a
long enough span of dates: :func:`helpers.notebook.unmet`), and nowhere else
(:func:`check_run`). Outputs go to a temporary folder, never into the repository.

The runs go one after the other (about four seconds each), in the one xdist worker that
takes this file (``--dist loadfile``), while the other takes the small data sets' module
(30 runs each, about 80 seconds per worker with ``-n 2``; see :data:`CELL_TIMEOUT` for the
occasional extra minute).
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import time
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from helpers import warehouse
from helpers.data import lesson_company, load_own_data
from helpers.notebook import describe_missing, parse_requirements, unmet

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXAMPLE = ROOT / "datasets" / "examples" / "messy_shop"
DATASETS = ("messy_shop", "transactions_only", "customer_date_amount")
#: Data sets of tests/test_lessons_on_small_data.py, made from the example's sales file by :func:`make_data`.
SMALL_DATASETS = ("one_customer", "three_customers", "one_day")
CASES = [(data, notebook.name) for data in DATASETS for notebook in NOTEBOOKS]
SKIP_MARK = "⏭ Skipped"
#: Seconds a cell may take. Every cell takes a few seconds at most, but now and then (about one run
#: in fifty, always in a cell showing a widget) papermill's client misses the kernel's reply, which
#: came at once, and finds it only when this timeout expires: the run passes, just that much slower
#: (https://github.com/jupyter/nbclient/issues/312, open).
CELL_TIMEOUT = 60
REPORT_MARK = "Loaded your data from"


def transactions_only(folder: Path) -> Path:
    """A copy of the example's sales file with a mapping that keeps only [settings], [churn] and [transactions]."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLE / "ventas.csv", folder / "ventas.csv")
    sections = re.split(r"(?m)^(?=\[)", (EXAMPLE / "mapping.toml").read_text(encoding="utf-8"))
    kept = [part for part in sections if part.startswith(("[settings]", "[churn]", "[transactions"))]
    (folder / "mapping.toml").write_text("".join(kept), encoding="utf-8")
    return folder


def sales_data(
    folder: Path,
    *,
    columns: tuple[str, ...] = ("customer_id", "date", "amount", "cost", "category", "channel"),
    customers: int | None = None,
    one_day: str | None = None,
) -> Path:
    """A data set made of the example's sales file alone, as :func:`transactions_only`, but smaller or poorer.

    ``columns``: the course's columns to keep (the others are left out of the file and of
    the mapping); ``customers``: keep only the purchases of this many customers, those who
    bought most often; ``one_day``: move every purchase to this day (``dd/mm/yyyy``) and let
    the data end on it (no ``observation_end``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    mapping = (EXAMPLE / "mapping.toml").read_text(encoding="utf-8")
    theirs = dict(re.findall(r'(?m)^(\w+) = "([^"]+)"', mapping.split("[transactions.columns]")[1].split("\n[")[0]))
    sales = pd.read_csv(EXAMPLE / "ventas.csv", sep=";", dtype=str, keep_default_na=False, encoding="utf-8")
    if customers is not None:
        often = sales["Cliente"].value_counts().sort_index().sort_values(ascending=False, kind="stable")
        sales = sales[sales["Cliente"].isin(often.index[:customers])]
    if one_day is not None:
        sales = sales.assign(**{theirs["date"]: one_day})
    sales[[theirs[c] for c in columns]].to_csv(folder / "ventas.csv", sep=";", index=False, encoding="utf-8")
    sections = re.split(r"(?m)^(?=\[)", mapping)
    kept = [
        part
        for part in sections
        if part.startswith(("[settings]", "[churn]", "[transactions]"))
        or (part.startswith("[transactions.values.channel]") and "channel" in columns)
    ]
    if one_day is not None:
        kept = [re.sub(r"(?m)^observation_end.*\n", "", part) for part in kept]
    listed = "".join(f'{c} = "{theirs[c]}"\n' for c in columns)
    (folder / "mapping.toml").write_text("".join(kept) + f"\n[transactions.columns]\n{listed}", encoding="utf-8")
    return folder


def make_data(data: str, scratch: Path) -> Path:
    """Make the data set ``data`` (of :data:`DATASETS` or :data:`SMALL_DATASETS`) in ``scratch``; return its folder."""
    folder = scratch / data
    if data == "messy_shop":
        return EXAMPLE
    if data == "transactions_only":
        return transactions_only(folder)
    if data == "customer_date_amount":  # no cost, category or channel column at all
        return sales_data(folder, columns=("customer_id", "date", "amount"))
    if data == "one_customer":
        return sales_data(folder, customers=1)
    if data == "three_customers":
        return sales_data(folder, customers=3)
    if data == "one_day":  # every purchase on 15 June 2024, and the data ends that day
        return sales_data(folder, one_day="15/06/2024")
    raise ValueError(f"unknown data set {data!r}")


def load_quietly(folder: Path):
    """The data set as the lessons load it (the load report is not printed here)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return load_own_data(folder)


def data_dir(data: str, scratch: Path) -> str:
    """DATA_DIR as an analyst would write it in a lesson (relative to notebooks/ for the example)."""
    return "../datasets/examples/messy_shop" if data == "messy_shop" else str(scratch / data)


def lesson_error(executed: nbformat.NotebookNode | None) -> str:
    """The first error of an executed notebook, with the cell's source ("" when no cell raised)."""
    for cell in executed.cells if executed is not None else ():
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                return f"{output.ename}: {output.evalue}\n--- the cell ---\n{cell.source}"
    return ""


def run_lesson(
    notebook: str, data: str, scratch: Path, *, folder: str | None = None, cwd: Path = ROOT / "notebooks"
) -> tuple[nbformat.NotebookNode | None, str, float]:
    """Run one lesson with papermill, as an analyst would: the executed notebook, its error ("" if none), the seconds.

    ``folder`` is the DATA_DIR to pass (default: :func:`data_dir`), ``cwd`` where the kernel runs.
    """
    out = scratch / data / cwd.name / notebook
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(ROOT / "notebooks" / notebook),
            str(out),
            parameters={"DATA_DIR": folder or data_dir(data, scratch)},
            cwd=str(cwd),
            progress_bar=False,
            execution_timeout=CELL_TIMEOUT,
        )
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
    for data in DATASETS:
        make_data(data, folder)
    return folder


@pytest.fixture(scope="module")
def companies(scratch):
    """The data sets as the lessons load them (the load report is not printed here)."""
    return {data: load_quietly(make_data(data, scratch)) for data in DATASETS}


def stdout_of(cell) -> str:
    return "".join(
        o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream" and o.name == "stdout"
    )


def slowest_cell(executed) -> str:
    """The slowest cell of an executed notebook, for the log: 'N.N s in the cell starting …'."""
    timed = [
        (cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0, cell.source.partition("\n")[0])
        for cell in (executed.cells if executed is not None else ())
        if cell.cell_type == "code"
    ]
    seconds, first = max(timed, default=(0.0, ""))
    return f"{seconds:.1f} s in the cell starting {first[:60]!r}"


def check_run(notebook: str, data: str, executed, error: str, seconds: float, company) -> None:
    """Assert that a lesson ran on ``data``: no cell raised, the load report is shown, skip lines exactly where due.

    A cell whose ``%%needs`` line names something ``company`` lacks (:func:`helpers.notebook.unmet`)
    must print the skip line naming it and nothing else; every other cell must print no skip line.
    """
    assert not error, f"{notebook} on {data} stopped ({seconds:.1f} s): {error}"
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    raised = [
        cell.source.splitlines()[:2] for cell in code if any(o.output_type == "error" for o in cell.get("outputs", []))
    ]
    assert not raised, f"{notebook} on {data}: cells raised: {raised}"
    assert any(REPORT_MARK in stdout_of(cell) for cell in code), (
        f"{notebook} on {data}: no load report, so DATA_DIR did not reach the lesson"
    )
    for cell in code:
        first, _, _ = cell.source.partition("\n")
        printed = stdout_of(cell)
        if first.startswith("%%needs"):
            lacking = unmet(company, parse_requirements(first.removeprefix("%%needs")))
            if lacking:
                assert printed == describe_missing(lacking) + "\n", (
                    f"{notebook} on {data}: the cell starting "
                    f"{first!r} should print only the skip line; "
                    f"printed {printed!r}"
                )
                continue
        assert SKIP_MARK not in printed, f"{notebook} on {data}: unexpected skip line in the cell starting {first!r}"


def test_sales_without_cost_channel_or_category_load_into_the_warehouse(companies):
    poor = companies["customer_date_amount"]
    assert not any(poor.has("transactions", column) for column in ("cost", "category", "channel"))
    db = warehouse.build(poor)
    assert warehouse.scalar(db, "SELECT COUNT(*) FROM fact_sales") == len(poor.transactions)
    assert warehouse.scalar(db, "SELECT COUNT(*) FROM fact_sales WHERE margin IS NOT NULL OR category IS NOT NULL") == 0
    channels = "SELECT DISTINCT ch.channel FROM fact_sales JOIN dim_channel AS ch USING (channel_key)"
    assert warehouse.scalar(db, channels) == warehouse.UNKNOWN_CHANNEL


def test_every_lesson_is_found():
    names = [n.name for n in NOTEBOOKS]
    assert {"00_welcome.ipynb", "05_loyalty_matrix.ipynb", "09_your_own_data.ipynb"} <= set(names), names


@pytest.mark.parametrize("case", CASES, ids=[f"{data}-{Path(name).stem}" for data, name in CASES])
def test_lesson_runs_on_own_data(case, scratch, companies, record_property):
    data, notebook = case
    executed, error, seconds = run_lesson(notebook, data, scratch)
    record_property("seconds", round(seconds, 1))
    print(f"{notebook} on {data}: {seconds:.1f} s (slowest: {slowest_cell(executed)})")
    check_run(notebook, data, executed, error, seconds, companies[data])


@pytest.mark.parametrize("folder", ["../datasets/examples/messy_shop", "datasets/examples/messy_shop"])
def test_lesson_company_prints_the_load_report(folder, monkeypatch, capsys):
    monkeypatch.chdir(ROOT / "notebooks")  # where the lessons run; the second path is found from the root
    company = lesson_company(folder)
    printed = capsys.readouterr().out
    assert printed == f"{company.load_report}\n"
    assert printed.startswith(REPORT_MARK) and re.search(
        r"excluded [\d,]+ row\(s\): returns \(negative amount\)", printed
    )
    assert (
        "churn (derived): " in printed
        and "Not in your data (lessons skip the sections that need them): bonds, employees" in printed
    )


def test_the_readme_command_runs_a_lesson_from_the_project_root(scratch):
    """The README's papermill line runs from the project's root, with DATA_DIR written from there."""
    executed, error, _ = run_lesson(
        "09_your_own_data.ipynb", "messy_shop", scratch, folder="datasets/examples/messy_shop", cwd=ROOT
    )
    assert not error, error
    printed = "".join(stdout_of(cell) for cell in executed.cells if cell.cell_type == "code")
    assert f"{REPORT_MARK} datasets/examples/messy_shop/mapping.toml" in printed
    assert "The rule sees a loss" in printed  # the example is recognised, so its truth is compared
