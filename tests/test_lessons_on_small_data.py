"""Every lesson runs on the smallest and poorest data an analyst may bring, started with papermill.

The companion of ``tests/test_lessons_on_own_data.py`` (same runs, same checks: no cell
raises, the load report is shown, the skip line appears exactly where a ``%%needs`` line
names something the data lacks), on four data sets made in a temporary folder from the
example's sales file (:func:`test_lessons_on_own_data.make_data`):

* ``one_customer`` and ``three_customers``: the purchases of the shop's most frequent
  buyer(s) only, so the sections that fit a model to many customers
  (``%%needs customers>=100``) are skipped;
* ``one_day``: every purchase on one day, which is also the last day of the data, so the
  sections that compare periods (``%%needs transactions.date>=2m``, ``>=1y``, ...) are skipped.

A separate module so that ``pytest -n 2`` (``--dist loadfile``) runs it in one worker
while the other runs the first three data sets (30 lesson runs each).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_lessons_on_own_data import (
    NOTEBOOKS,
    SMALL_DATASETS,
    check_run,
    load_quietly,
    make_data,
    run_lesson,
    slowest_cell,
)

CASES = [(data, notebook.name) for data in SMALL_DATASETS for notebook in NOTEBOOKS]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lessons_on_small_data")
    for data in SMALL_DATASETS:
        make_data(data, folder)
    return folder


@pytest.fixture(scope="module")
def companies(scratch):
    return {data: load_quietly(scratch / data) for data in SMALL_DATASETS}


def test_the_data_sets_are_what_they_say(companies):
    assert len(companies["one_customer"].customers) == 1 and len(companies["three_customers"].customers) == 3
    assert companies["three_customers"].has("transactions", "cost", "category", "channel")
    one_day = companies["one_day"]
    assert one_day.transactions["date"].nunique() == 1 and one_day.observation_end == one_day.transactions["date"].max()
    assert len(one_day.customers) > 100


@pytest.mark.parametrize("case", CASES, ids=[f"{data}-{Path(name).stem}" for data, name in CASES])
def test_lesson_runs_on_small_data(case, scratch, companies, record_property):
    data, notebook = case
    executed, error, seconds = run_lesson(notebook, data, scratch)
    record_property("seconds", round(seconds, 1))
    print(f"{notebook} on {data}: {seconds:.1f} s (slowest: {slowest_cell(executed)})")
    check_run(notebook, data, executed, error, seconds, companies[data])


def test_enough_data_conditions_are_read_strictly_and_evaluated_on_the_data(companies):
    from IPython.core.error import UsageError

    from helpers.notebook import parse_requirements, unmet

    for typo in ("customers >= 100", "customers>=", "customers>=2m", "transactions.date>=2", "transactions.date>=2w"):
        with pytest.raises(UsageError):
            parse_requirements(typo)
    one_day, three = companies["one_day"], companies["three_customers"]
    with pytest.raises(ValueError, match="a span needs a column of dates"):
        unmet(one_day, parse_requirements("transactions.amount>=1y"))
    line = parse_requirements("customers>=3 customers>=4 transactions.date>=1d transactions.date>=1y")
    assert unmet(three, line) == [("customers", (), 4)]  # three customers buying over three years
    assert unmet(one_day, line) == [("transactions", ("date",), (1, "d")), ("transactions", ("date",), (1, "y"))]
