"""Per-customer and per-cohort tables from the transactions, whatever holds them.

The report, the pyramid and the loyalty matrix ask the transactions a few questions:
each customer's history (:func:`customer_base`), what each customer bought in a recent
window (:func:`window_purchases`), the RFM summary (:func:`helpers.rfm.rfm_summary`) and
the cohorts of first purchases (:func:`helpers.retention.cohort_table`). The answers are
small (one row per customer, or per cohort), so the rows themselves may live anywhere:

* in a pandas DataFrame: :class:`InMemory` answers with the course's pandas functions;
* on an engine that streams files larger than memory, or on a cluster:
  :class:`helpers.engines.DuckDBTransactions` and :class:`helpers.engines.SparkTransactions`
  answer the same questions in SQL, with the same tables (``tests/test_engines.py``).

:func:`as_transactions` gives either one the same interface (:class:`Transactions`), so the
code that asks does not need to know where the rows are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from helpers.retention import CohortTable, cohort_table
from helpers.rfm import rfm_summary
from helpers.validation import require_columns, to_dates


@dataclass(frozen=True)
class Checked:
    """What a pass over the transactions learned: rows, id type, costs and the last date."""

    rows: int
    whole_number_ids: bool
    unknown_costs: int
    last_date: pd.Timestamp | None

    @property
    def costs_known(self) -> bool:
        """Whether every row has a cost, so that margins can be measured."""
        return self.rows > 0 and self.unknown_costs == 0


class Transactions(Protocol):
    """The questions the report asks the transactions (see the module docstring)."""

    def check(self) -> Checked:
        """The rows, whether the ids are whole numbers, the unknown costs and the last date."""

    def has(self, column: str) -> bool:
        """Whether the rows have the column with at least one value."""

    def __len__(self) -> int:
        """The number of rows."""

    def customer_base(self, observation_end, *, window_months: int = 12) -> pd.DataFrame:
        """:func:`customer_base` of the rows."""

    def window_purchases(self, observation_end, *, months: int | None = 12) -> pd.DataFrame:
        """:func:`window_purchases` of the rows."""

    def rfm_summary(self, observation_end=None, *, time_unit: str = "D") -> pd.DataFrame:
        """:func:`helpers.rfm.rfm_summary` of the rows."""

    def cohort_table(self, observation_end, *, freq: str = "M") -> CohortTable:
        """:func:`helpers.retention.cohort_table` of the buyers by the period of their first purchase."""


def window_start(observation_end, months: int | None) -> pd.Timestamp | None:
    """First day of the window of ``months`` calendar months ending with the month of the end (None: no start).

    Examples
    --------
    >>> window_start("2024-12-31", 12), window_start("2024-12-31", None)
    (Timestamp('2024-01-01 00:00:00'), None)
    """
    if months is None:
        return None
    if isinstance(months, bool) or int(months) != months or months < 1:
        raise ValueError(f"months must be a whole number ≥ 1 (or None for the whole history); got {months!r}")
    return (pd.Timestamp(observation_end).to_period("M") - (int(months) - 1)).to_timestamp()


def customer_base(transactions: pd.DataFrame, observation_end, *, window_months: int = 12) -> pd.DataFrame:
    """One row per buying customer: first and last purchase, revenue and margin.

    Parameters
    ----------
    transactions : pandas.DataFrame
        ``customer_id``, ``date`` (datetimes), ``amount`` and, if known,
        ``cost`` (currency; margin is NaN where cost is missing).
    observation_end : date
        last day of the data.
    window_months : int, optional
        the recent window in calendar months (up to the month of the end).

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by ``customer_id`` (sorted) with ``first_purchase``,
        ``last_purchase``, ``purchases`` (rows), ``revenue`` and ``margin`` (whole history),
        ``revenue_recent`` and ``margin_recent`` (the window), in currency.

    Examples
    --------
    >>> sales = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [10.0, 20.0, 5.0],
    ...     "cost": [6.0, 12.0, 4.0], "date": pd.to_datetime(["2023-01-05", "2024-06-01", "2024-07-01"])})
    >>> customer_base(sales, "2024-12-31")[["purchases", "revenue", "revenue_recent", "margin_recent"]]
                 purchases  revenue  revenue_recent  margin_recent
    customer_id
    1                    2     30.0            20.0            8.0
    2                    1      5.0             5.0            1.0
    """
    end = pd.Timestamp(observation_end)
    dates = pd.to_datetime(transactions["date"])
    amount = pd.to_numeric(transactions["amount"], errors="coerce").to_numpy(dtype=float)
    cost = (
        pd.to_numeric(transactions["cost"], errors="coerce").to_numpy(dtype=float)
        if "cost" in transactions.columns
        else np.full(len(transactions), np.nan)
    )
    recent = ((dates >= window_start(end, window_months)) & (dates <= end)).to_numpy()
    margin = amount - cost
    frame = pd.DataFrame(
        {
            "date": dates.to_numpy(),
            "purchases": 1,
            "revenue": amount,
            "margin": margin,
            "revenue_recent": np.where(recent, amount, 0.0),
            "margin_recent": np.where(recent, margin, 0.0),
        },
        index=pd.Index(transactions["customer_id"].to_numpy(), name="customer_id"),
    )
    grouped = frame.groupby(level=0, sort=True)
    base = grouped[["purchases", "revenue", "revenue_recent"]].sum()
    # min_count=1 keeps NaN (unknown margin) instead of a misleading 0 when no cost is known.
    base[["margin", "margin_recent"]] = grouped[["margin", "margin_recent"]].sum(min_count=1)
    base.insert(0, "last_purchase", grouped["date"].max())
    base.insert(0, "first_purchase", grouped["date"].min())
    return base


def window_purchases(transactions, observation_end, *, months: int | None = 12) -> pd.DataFrame:
    """What each customer bought in the window: purchases, calendar months with a purchase, revenue, margin.

    The window is the last ``months`` calendar months up to and including ``observation_end``
    (``months=None``: the whole history up to it). The pyramid's profit
    (:func:`helpers.profitability.customer_profitability`) and the loyalty matrix's repurchase
    (:func:`helpers.loyalty.loyalty_components`) are built on it.

    Parameters
    ----------
    transactions : pandas.DataFrame or Transactions
        the rows (``customer_id``, ``date``, ``amount``, ``cost``), or an engine that holds
        them (:mod:`helpers.engines`), which then computes the table.
    observation_end : date
        last day of the window.
    months : int or None, optional
        the window's length in calendar months.

    Returns
    -------
    pandas.DataFrame
        indexed by ``customer_id`` (sorted), one row per customer who bought in the window:
        ``purchases`` and ``purchase_months`` (int64), ``revenue`` and ``margin`` (float64;
        margin NaN when no cost of the customer is known).

    Examples
    --------
    >>> sales = pd.DataFrame({"customer_id": [1, 1, 1, 2], "amount": [10.0, 20.0, 5.0, 7.0],
    ...     "cost": [6.0, 12.0, 4.0, 3.0],
    ...     "date": pd.to_datetime(["2023-05-01", "2024-06-01", "2024-06-20", "2024-07-01"])})
    >>> window_purchases(sales, "2024-12-31")
                 purchases  purchase_months  revenue  margin
    customer_id
    1                    2                1     25.0     9.0
    2                    1                1      7.0     4.0
    """
    if not isinstance(transactions, pd.DataFrame):
        return transactions.window_purchases(observation_end, months=months)
    require_columns("transactions", transactions, ("customer_id", "date", "amount", "cost"))
    end = pd.Timestamp(observation_end)
    start = window_start(end, months)
    dates = to_dates("transactions", transactions, "date")
    inside = (dates <= end) if start is None else ((dates >= start) & (dates <= end))
    inside = inside.to_numpy()
    amount = pd.to_numeric(transactions["amount"], errors="coerce").to_numpy(dtype=float)[inside]
    cost = pd.to_numeric(transactions["cost"], errors="coerce").to_numpy(dtype=float)[inside]
    month = dates.to_numpy()[inside].astype("datetime64[M]").astype(np.int64)
    frame = pd.DataFrame(
        {"purchases": 1, "month": month, "revenue": amount, "margin": amount - cost},
        index=pd.Index(transactions["customer_id"].to_numpy()[inside], name="customer_id"),
    )
    grouped = frame.groupby(level=0, sort=True)
    table = grouped[["purchases", "revenue"]].sum()
    table.insert(1, "purchase_months", grouped["month"].nunique().astype(np.int64))
    table["margin"] = grouped["margin"].sum(min_count=1)
    table["purchases"] = table["purchases"].astype(np.int64)
    return table


class InMemory:
    """The transactions in a pandas DataFrame, answering as :class:`Transactions` with pandas.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``customer_id``, ``date``, ``amount`` and, if known, ``cost``.

    Examples
    --------
    >>> sales = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [10.0, 20.0, 5.0],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-02-11", "2024-01-06"])})
    >>> InMemory(sales).cohort_table("2024-02-29").shares
    months_since_signup    0    1
    cohort
    2024-01              1.0  0.5
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        return f"InMemory({len(self.frame):,} transactions)"

    def has(self, column: str) -> bool:
        """Whether the column is there with at least one value."""
        return column in self.frame.columns and bool(self.frame[column].notna().any())

    def check(self) -> Checked:
        """The rows, whether the ids are whole numbers, the unknown costs and the last date."""
        ids = self.frame["customer_id"]
        costs = self.frame["cost"] if "cost" in self.frame.columns else pd.Series(np.nan, index=self.frame.index)
        last = pd.to_datetime(self.frame["date"]).max() if len(self.frame) else None
        return Checked(
            rows=len(self.frame),
            whole_number_ids=pd.api.types.is_integer_dtype(ids.dtype),
            unknown_costs=int(costs.isna().sum()),
            last_date=None if last is None or pd.isna(last) else pd.Timestamp(last),
        )

    def customer_base(self, observation_end, *, window_months: int = 12) -> pd.DataFrame:
        """:func:`customer_base` of the rows."""
        return customer_base(self.frame, observation_end, window_months=window_months)

    def window_purchases(self, observation_end, *, months: int | None = 12) -> pd.DataFrame:
        """:func:`window_purchases` of the rows (a missing cost column counts as unknown costs)."""
        frame = self.frame if "cost" in self.frame.columns else self.frame.assign(cost=np.nan)
        return window_purchases(frame, observation_end, months=months)

    def rfm_summary(self, observation_end=None, *, time_unit: str = "D") -> pd.DataFrame:
        """:func:`helpers.rfm.rfm_summary` of the rows."""
        return rfm_summary(self.frame, observation_end=observation_end, time_unit=time_unit)

    def cohort_table(self, observation_end, *, freq: str = "M") -> CohortTable:
        """:func:`helpers.retention.cohort_table` of the buyers, by the period of their first purchase.

        A cell is the share of a cohort who bought in that period of their life
        (``measure="purchasing"``); purchases after ``observation_end`` are not counted.
        """
        # The day of the first purchase: a purchase later on the last day is still within the data.
        first = pd.to_datetime(self.frame.groupby("customer_id", sort=True)["date"].min()).dt.normalize()
        buyers = pd.DataFrame({"customer_id": first.index.to_numpy(), "signup_date": first.to_numpy()})
        return cohort_table(
            buyers,
            self.frame[["customer_id", "date"]],
            observation_end=observation_end,
            freq=freq,
            measure="purchasing",
        )


def as_transactions(transactions) -> Transactions:
    """The transactions as :class:`Transactions`: a DataFrame in :class:`InMemory`, an engine as it is."""
    return InMemory(transactions) if isinstance(transactions, pd.DataFrame) else transactions
