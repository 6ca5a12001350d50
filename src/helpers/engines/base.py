"""The aggregations once, for every engine: SQL in (:mod:`helpers.engines.queries`), pandas tables out.

:class:`TransactionsEngine` holds the steps every engine shares: check the raw rows, run
each aggregation and shape its result exactly as the course's pandas functions do (same
columns, dtypes, index and values). An engine only says how to run a query and how to find
the numbers of bad rows (:class:`helpers.engines.on_duckdb.DuckDBTransactions`,
:class:`helpers.engines.on_spark.SparkTransactions`).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from helpers.engines import queries
from helpers.purchases import Checked, window_start
from helpers.retention import CohortTable
from helpers.rfm import TIME_UNITS
from helpers.validation import SHOWN_ROWS

#: The transactions' columns the aggregations read, by their course names.
COLUMNS = ("customer_id", "date", "amount", "cost")


def available_memory() -> int:
    """Bytes of memory free for a new process (``MemAvailable`` on Linux, else the free pages)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


class BadRows(ValueError):
    """Rows of the transactions that cannot be used; the message names the source, the column and the rows."""


class TransactionsEngine:
    """The report's transaction aggregations on one source of rows, run by an engine.

    Subclasses implement :meth:`run` (a query in DuckDB's dialect → a pandas DataFrame),
    :meth:`bad_rows` (row numbers of the rows a condition marks) and set ``source_name``
    (how messages name the data), ``raw`` and ``view`` (the SQL names of the raw and checked rows) and ``columns``
    (course name → SQL expression of that column in ``raw``; ``cost`` may be missing).
    """

    source_name: str = "transactions"
    raw: str = "raw_transactions"
    view: str = "transactions"
    columns: dict[str, str]
    #: ``"raise"``: refuse bad rows; ``"exclude"``: leave them out, listed in :attr:`excluded` after :meth:`check`.
    on_bad_rows: str = "raise"
    #: negative amounts: None keeps them (returns are purchases too); ``"raise"`` or ``"exclude"`` them.
    returns: str | None = None
    #: rows dated after this day are bad rows (None: no limit).
    latest: pd.Timestamp | None = None
    #: problem → (rows, where the first ones are), of the rows left out by :meth:`check`.
    excluded: dict[str, tuple[int, list[str]]]

    # ----------------------------------------------------------------------- engine's part

    def run(self, sql: str) -> pd.DataFrame:
        """Run a query written in DuckDB's dialect and return its (small) result."""
        raise NotImplementedError

    def bad_rows(self, condition: str, column: str, limit: int) -> tuple[list[str], list[object]]:
        """Where-labels (e.g. ``"row 12"``) and raw values of ``column`` of the first ``limit`` bad rows.

        ``condition`` is on the columns of :data:`helpers.engines.queries.TYPED`
        (:meth:`numbered_rows` gives them with the row numbers).
        """
        raise NotImplementedError

    def define_view(self, name: str, sql: str) -> None:
        """Make ``name`` a view of ``sql`` for the following queries."""
        raise NotImplementedError

    # ----------------------------------------------------------------------- shared part

    def numbered_rows(self, source: str, number: str, column: str, *extra: str) -> str:
        """The typed rows of ``source`` with their number ``n`` and ``column``'s raw value, for :meth:`bad_rows`."""
        return queries.typed(source, self._expressions(), f"{number} AS n", f"{column} AS value", *extra)

    def _expressions(self) -> dict[str, str]:
        cost = self.columns.get("cost") or "CAST(NULL AS DOUBLE)"
        return {**{name: self.columns[name] for name in ("customer_id", "date", "amount")}, "cost": cost}

    def check(self) -> Checked:
        """Count the unusable rows in one pass; refuse them (:class:`BadRows`) or leave them out.

        A row is unusable without a customer id, with a date that is missing or cannot be
        read, with an amount that is missing or not a finite number, or, when ``self.latest``
        is set, dated after that day. With ``self.on_bad_rows == "raise"`` (the default) the
        first ones are named in the error; with ``"exclude"`` they are left out and listed in
        ``self.excluded``. Negative amounts are treated as ``self.returns`` says. The good rows become the view ``self.view``
        (:data:`helpers.engines.queries.CLEAN_VIEW`) the aggregations read.

        Returns
        -------
        Checked
            the number of good rows, whether every customer id is a whole number (then the
            ids are read as ``int64``), the unknown costs, and the last date.

        Raises
        ------
        BadRows
            naming the source, each bad column, the count, and the first rows with their value.
        """
        cached = getattr(self, "_checked", None)
        if cached is not None:
            return cached
        names = self._expressions()
        query, conditions = queries.check(
            queries.typed(self.raw, names), latest=self.latest, negative=self.returns is not None
        )
        counts = self.run(query).iloc[0]
        refused, self.excluded = [], {}
        for problem, condition in conditions.items():
            count = int(counts[problem])
            if not count:
                continue
            column = queries.PROBLEM_COLUMN.get(problem, problem)
            what = queries.PROBLEMS[problem].format(latest=f"{self.latest:%Y-%m-%d}" if self.latest else "")
            where, values = self.bad_rows(condition, names[column], SHOWN_ROWS)
            if (self.returns if problem == "negative" else self.on_bad_rows) == "exclude":
                self.excluded[f"{column} {what}"] = (count, where)
                continue
            lines = [f"{self.source_name}, column {column!r}: {count:,} row(s) {what}:"]
            lines += [f"  {label}: {_show(value)}" for label, value in zip(where, values)]
            if count > len(where):
                lines.append(f"  … and {count - len(where):,} more")
            refused.append("\n".join(lines))
        if refused:
            raise BadRows("\n".join(refused))
        whole = int(counts["text_ids"]) == 0
        good = " AND ".join(f"NOT ({condition})" for condition in conditions.values())
        clean = queries.CLEAN_VIEW.format(
            customer_id="CAST(TRIM(CAST(customer_id AS VARCHAR)) AS BIGINT)" if whole else "customer_id",
            typed=queries.typed(self.raw, names),
            good=good,
        )
        self.define_view(self.view, clean)
        rows, last = int(counts["n_rows"]) - int(counts["bad_rows"]), counts["last_date"]
        self._checked = Checked(
            rows=rows,
            whole_number_ids=whole,
            unknown_costs=int(counts["unknown_costs"]) if "cost" in self.columns else rows,
            last_date=None if pd.isna(last) else pd.Timestamp(last),
        )
        return self._checked

    def __len__(self) -> int:
        return self.check().rows

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.source_name}: {len(self):,} transactions)"

    def has(self, column: str) -> bool:
        """Whether the rows have ``column`` with at least one value (``cost``: at least one known cost)."""
        if column == "cost":
            checked = self.check()
            return "cost" in self.columns and checked.unknown_costs < checked.rows
        return column in self.columns and self.check().rows > 0

    def _customer_index(self, ids: pd.Series) -> pd.Index:
        values = ids.to_numpy(dtype=np.int64) if self.check().whole_number_ids else ids.astype(str).to_numpy()
        return pd.Index(values, name="customer_id")

    def customer_base(self, observation_end, *, window_months: int = 12) -> pd.DataFrame:
        """:func:`helpers.purchases.customer_base` of these transactions, computed by the engine.

        The same table: indexed by ``customer_id`` (sorted) with ``first_purchase``,
        ``last_purchase`` (``datetime64[ns]``), ``purchases`` (int64), ``revenue``, ``margin``,
        ``revenue_recent`` and ``margin_recent`` (float64; margins NaN without a cost).
        """
        self.check()
        end = pd.Timestamp(observation_end)
        result = self.run(queries.customer_base(self.view, window_start(end, window_months), end))
        base = pd.DataFrame(
            {
                "first_purchase": _datetimes(result["first_purchase"]),
                "last_purchase": _datetimes(result["last_purchase"]),
                "purchases": result["purchases"].to_numpy(dtype=np.int64),
                "revenue": result["revenue"].to_numpy(dtype=float),
                "revenue_recent": result["revenue_recent"].to_numpy(dtype=float),
                "margin": pd.to_numeric(result["margin"]).to_numpy(dtype=float, na_value=np.nan),
                "margin_recent": pd.to_numeric(result["margin_recent"]).to_numpy(dtype=float, na_value=np.nan),
            },
            index=self._customer_index(result["customer_id"]),
        )
        return base

    def window_purchases(self, observation_end, *, months: int | None = 12) -> pd.DataFrame:
        """:func:`helpers.purchases.window_purchases` of these transactions, computed by the engine.

        Parameters
        ----------
        observation_end : date
            last day of the window.
        months : int or None, optional
            the window in calendar months up to the month of the end (None: the whole history).

        Returns
        -------
        pandas.DataFrame
            indexed by ``customer_id`` (sorted), one row per customer who bought in the
            window: ``purchases`` and ``purchase_months`` (int64), ``revenue`` and ``margin``
            (float64; margin NaN when no cost is known).
        """
        self.check()
        end = pd.Timestamp(observation_end)
        result = self.run(queries.window_purchases(self.view, window_start(end, months), end))
        return pd.DataFrame(
            {
                "purchases": result["purchases"].to_numpy(dtype=np.int64),
                "purchase_months": result["purchase_months"].to_numpy(dtype=np.int64),
                "revenue": result["revenue"].to_numpy(dtype=float),
                "margin": pd.to_numeric(result["margin"]).to_numpy(dtype=float, na_value=np.nan),
            },
            index=self._customer_index(result["customer_id"]),
        )

    def rfm_summary(self, observation_end=None, *, time_unit: str = "D") -> pd.DataFrame:
        """:func:`helpers.rfm.rfm_summary` of these transactions, computed by the engine.

        Parameters
        ----------
        observation_end : date, optional
            last day observed (included); default the last date in the data.
        time_unit : {"D", "W"}
            unit of ``recency`` and ``T``.

        Returns
        -------
        pandas.DataFrame
            indexed by ``customer_id`` (sorted): ``frequency`` (int64), ``recency``, ``T``
            and ``monetary_value`` (float64).
        """
        if time_unit not in TIME_UNITS:
            raise ValueError(f"unknown time_unit {time_unit!r}; use one of {list(TIME_UNITS)}")
        checked = self.check()
        end = pd.Timestamp(observation_end) if observation_end is not None else checked.last_date
        if end is None:
            return pd.DataFrame(
                {"frequency": np.zeros(0, np.int64), **{c: np.zeros(0) for c in ("recency", "T", "monetary_value")}},
                index=self._customer_index(pd.Series([], dtype=object)),
            )
        result = self.run(queries.purchase_days(self.view, end))
        frequency = result["frequency"].to_numpy(dtype=np.int64)
        repeat = result["repeat_amount"].to_numpy(dtype=float)
        days_per_unit = TIME_UNITS[time_unit]
        return pd.DataFrame(
            {
                "frequency": frequency,
                "recency": result["recency_days"].to_numpy(dtype=np.int64).astype(float) / days_per_unit,
                "T": result["age_days"].to_numpy(dtype=np.int64).astype(float) / days_per_unit,
                "monetary_value": np.divide(repeat, frequency, out=np.zeros(len(frequency)), where=frequency > 0),
            },
            index=self._customer_index(result["customer_id"]),
        )

    def cohort_table(self, observation_end, *, freq: str = "M") -> CohortTable:
        """The report's cohorts without a churn record, computed by the engine.

        The cohort of a customer is the period of the first purchase, and a cell the share
        of the cohort who bought in that period of their life: :func:`helpers.retention.cohort_table`
        with ``measure="purchasing"`` and the buyers as customers, as
        :meth:`helpers.purchases.InMemory.cohort_table`.

        Parameters
        ----------
        observation_end : date
            last day of the data (later purchases are not counted).
        freq : {"M", "Q"}
            calendar months or quarters.

        Returns
        -------
        CohortTable
            ``shares`` (cohorts × ages, NaN where not yet observed) and ``sizes``.
        """
        self.check()
        end = pd.Timestamp(observation_end)
        sizes = self.run(queries.cohort_sizes(self.view, freq))
        counts = self.run(queries.cohort_buyers(self.view, end, freq))
        cohorts = sizes["cohort"].to_numpy(dtype=np.int64)
        last_period = int(pd.Series([end]).dt.to_period(freq).array.asi8[0])
        n_ages = last_period - int(cohorts[0]) + 1 if len(cohorts) else 0
        cells = np.zeros((len(cohorts), max(n_ages, 0)), dtype=np.int64)
        row = np.searchsorted(cohorts, counts["cohort"].to_numpy(dtype=np.int64))
        cells[row, counts["age"].to_numpy(dtype=np.int64)] = counts["buyers"].to_numpy(dtype=np.int64)
        customers = sizes["customers"].to_numpy(dtype=np.int64)
        shares = cells / customers[:, None]
        shares[cohorts[:, None] + np.arange(max(n_ages, 0))[None, :] > last_period] = np.nan
        index = pd.PeriodIndex.from_ordinals(cohorts, freq=freq, name="cohort")
        columns = pd.RangeIndex(max(n_ages, 0), name=f"{'months' if freq == 'M' else 'quarters'}_since_signup")
        return CohortTable(
            shares=pd.DataFrame(shares, index=index, columns=columns),
            sizes=pd.Series(customers, index=index, name="customers"),
        )


def _datetimes(values: pd.Series) -> np.ndarray:
    """Naive datetimes in nanoseconds, as the course's tables hold dates."""
    dates = pd.to_datetime(values)
    if getattr(dates.dtype, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return dates.to_numpy(dtype="datetime64[ns]")


def _show(value) -> str:
    """A cell as the loader shows it: empty, or its text quoted."""
    if value is None or (np.ndim(value) == 0 and pd.isna(value)):
        return "(empty)"
    return repr(str(value))
