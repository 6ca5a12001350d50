"""Input checks shared by the model functions: clear errors that name the table, the
column and the first offending rows, so that nothing is dropped or coerced silently.

>>> import pandas as pd
>>> sales = pd.DataFrame({"amount": [10.0, -3.0]})
>>> refuse_rows("transactions", "amount", sales, sales["amount"] < 0, "are negative")
Traceback (most recent call last):
...
ValueError: transactions.amount: 1 row(s) are negative. First bad rows:
   amount
1    -3.0
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.i18n import _

#: How many offending rows an error message lists.
SHOWN_ROWS = 5


def require_columns(table: str, frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Refuse a table that is not a DataFrame or lacks any of ``columns`` (listing what it has).

    >>> require_columns("churn", pd.DataFrame({"customer_id": [1]}), ["customer_id", "date"])
    Traceback (most recent call last):
    ...
    ValueError: the churn table is missing column(s) ['date']; it has ['customer_id']
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(
            _("the {table} table must be a pandas DataFrame, not {kind}").format(table=table, kind=type(frame).__name__)
        )
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            _("the {table} table is missing column(s) {missing}; it has {columns}").format(
                table=table, missing=missing, columns=list(frame.columns)
            )
        )


def refuse_rows(table: str, column: str, frame: pd.DataFrame, bad, problem: str) -> None:
    """Raise ValueError naming the table, the column and the first rows where ``bad`` holds.

    ``problem`` (e.g. "are negative") is looked up in the catalogues, so that a module that
    marks it with ``N_`` has it shown in the language in use.
    """
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        raise ValueError(
            _("{table}.{column}: {count} row(s) {problem}. First bad rows:").format(
                table=table, column=column, count=int(bad.sum()), problem=_(problem)
            )
            + f"\n{frame[bad].head(SHOWN_ROWS).to_string()}"
        )


def to_dates(table: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """The column as datetimes; empty or unreadable cells are refused and listed.

    >>> to_dates("churn", pd.DataFrame({"date": ["2024-01-31"]}), "date").dt.day.tolist()
    [31]
    """
    dates = pd.to_datetime(frame[column], errors="coerce")
    refuse_rows(table, column, frame, dates.isna(), _("have no date (empty or unreadable)"))
    return dates


def require(ok, message: str, **values) -> None:
    """Raise ``ValueError(message)`` showing the values where the array ``ok`` first fails.

    >>> require([True, False], "rates must lie in [0, 1]", rate=[0.5, 1.5])
    Traceback (most recent call last):
    ...
    ValueError: rates must lie in [0, 1]; got rate=1.5 (first at position 1)
    """
    ok = np.asarray(ok, dtype=bool)
    if ok.all():
        return
    first = np.unravel_index(np.argmin(ok), ok.shape) if ok.ndim else ()
    shown = ", ".join(f"{name}={np.broadcast_to(value, ok.shape)[first]:g}" for name, value in values.items())
    where = (
        " " + _("(first at position {position})").format(position=first[0] if len(first) == 1 else first)
        if ok.ndim
        else ""
    )
    raise ValueError(_("{message}; got {values}").format(message=_(message), values=shown) + where)


def scalar_or_array(result: np.ndarray):
    """A plain float for scalar input, the numpy array otherwise.

    >>> scalar_or_array(np.asarray(0.5)), scalar_or_array(np.asarray([0.5]))
    (0.5, array([0.5]))
    """
    return float(result) if np.ndim(result) == 0 else result


def whole_numbers(
    table: str, frame: pd.DataFrame, column: str, low: int, high: int, *, allow_missing: bool = False
) -> np.ndarray:
    """The column as floats, refusing values that are not whole numbers in [low, high] (e.g. a 1–5 scale).

    >>> whole_numbers("surveys", pd.DataFrame({"satisfaction": [5, 2]}), "satisfaction", 1, 5)
    array([5., 2.])
    """
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    missing = np.isnan(values)
    bad = ~missing & ((values != np.round(values)) | (values < low) | (values > high))
    if not allow_missing:
        bad |= missing
    refuse_rows(table, column, frame, bad, _("are not whole numbers from {low} to {high}").format(low=low, high=high))
    return values
