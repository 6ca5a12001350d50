"""RFM: how recently, how often and how much each customer buys (lesson 06).

Two steps, both pure (pandas in, pandas out, no plotting, no files):

* :func:`rfm_summary` turns a transactions table into one row per customer with the
  ``frequency``, ``recency``, ``T`` and ``monetary_value`` of Fader, Hardie & Lee (2005a,
  2005b) — the input of the probabilistic models in :mod:`helpers.value` and the same
  conventions as ``summary_data_from_transaction_data`` in the ``lifetimes``/``btyd``
  packages.
* :func:`rfm_scores` ranks the customers into R, F and M scores (1 = worst, 5 = best by
  default), the three-digit RFM cell (``"515"``) and named segments (champions, loyal,
  at risk, lost, ...) from the R × F grid of :func:`rfm_segment_grid`.

:func:`check_rfm_summary` validates a summary table, for instance one an analyst brings.

References
----------
* Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005a). "Counting your customers" the easy
  way: An alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284.
* Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005b). RFM and CLV: Using iso-value curves
  for customer base analysis. *Journal of Marketing Research* 42(4), 415–430.
* Hughes, A. M. (1994). *Strategic Database Marketing*. Probus (RFM quintile scoring).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers.validation import refuse_rows, require_columns

__all__ = [
    "RFM_SEGMENTS",
    "SUMMARY_COLUMNS",
    "TIME_UNITS",
    "check_rfm_summary",
    "rfm_scores",
    "rfm_segment_grid",
    "rfm_summary",
]

#: Days in one unit of ``time_unit``: ``"D"`` days, ``"W"`` weeks.
TIME_UNITS: Mapping[str, float] = {"D": 1.0, "W": 7.0}

#: Columns of the customer summary returned by :func:`rfm_summary`.
SUMMARY_COLUMNS = ("frequency", "recency", "T", "monetary_value")

#: The named segments of the default grid, from the best customers to the worst.
RFM_SEGMENTS = (
    "champions",
    "loyal",
    "potential loyalists",
    "new",
    "promising",
    "need attention",
    "about to sleep",
    "can't lose them",
    "at risk",
    "hibernating",
    "lost",
)

# Rows: R = 5 (bought most recently) down to R = 1; columns: F = 1 … 5.
_SEGMENT_ROWS = (
    ("new", "potential loyalists", "potential loyalists", "champions", "champions"),
    ("promising", "potential loyalists", "potential loyalists", "loyal", "loyal"),
    ("about to sleep", "about to sleep", "need attention", "loyal", "loyal"),
    ("hibernating", "hibernating", "at risk", "at risk", "can't lose them"),
    ("lost", "lost", "at risk", "at risk", "can't lose them"),
)


# ---------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------


def _days_per_unit(time_unit: str) -> float:
    if time_unit not in TIME_UNITS:
        raise ValueError(f"unknown time_unit {time_unit!r}; use one of {list(TIME_UNITS)}")
    return TIME_UNITS[time_unit]


def _day_numbers(dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Calendar days since 1970-01-01 (int64) of valid datetimes, local wall-clock day."""
    if getattr(dates.dtype, "tz", None) is not None:
        dates = dates.dt.tz_localize(None) if isinstance(dates, pd.Series) else dates.tz_localize(None)
    return np.asarray(dates, dtype="datetime64[ns]").astype("datetime64[D]").view(np.int64)


def _purchase_days(transactions: pd.DataFrame, date_col: str) -> np.ndarray:
    raw = transactions[date_col]
    if pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_bool_dtype(raw):
        raise ValueError(
            f"transactions.{date_col} must hold dates, not numbers (dtype {raw.dtype}); "
            "convert it with pandas.to_datetime first"
        )
    dates = pd.to_datetime(raw, errors="coerce")  # the format of the first date, inferred
    if dates.isna().any() and raw.dtype != dates.dtype:  # maybe ISO dates with and without times
        iso_dates = pd.to_datetime(raw, errors="coerce", format="ISO8601")
        if iso_dates.isna().sum() < dates.isna().sum():
            dates = iso_dates
    refuse_rows("transactions", date_col, transactions, dates.isna(), "have no date or a date that cannot be read")
    return _day_numbers(dates)


def _amounts(transactions: pd.DataFrame, amount_col: str) -> np.ndarray:
    raw = transactions[amount_col]
    numbers = raw if pd.api.types.is_numeric_dtype(raw) else pd.to_numeric(raw, errors="coerce")
    numbers = np.asarray(numbers, dtype=float)
    refuse_rows(
        "transactions",
        amount_col,
        transactions,
        ~np.isfinite(numbers),
        "have no amount or an amount that is not a finite number",
    )
    return numbers


def check_rfm_summary(summary: pd.DataFrame, *, monetary: bool = False) -> pd.DataFrame:
    """Check that a table is a valid customer summary (as made by :func:`rfm_summary`).

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer with ``frequency`` (repeat purchases, an integer ≥ 0),
        ``recency`` and ``T`` (time units, ``0 ≤ recency ≤ T``; ``recency = 0`` when
        ``frequency = 0``) and, if ``monetary`` is True, ``monetary_value`` (currency).
        Other columns are ignored.
    monetary : bool
        Whether ``monetary_value`` is required too.

    Returns
    -------
    pandas.DataFrame
        The same table, unchanged, so the check can be chained.

    Raises
    ------
    ValueError
        Naming the missing columns, or the column and the first rows that break a rule.

    References
    ----------
    Fader, Hardie & Lee (2005a), §2 (the summary ``x, t_x, T``).

    Examples
    --------
    >>> table = pd.DataFrame({"frequency": [2, 0], "recency": [5.0, 0.0], "T": [9.0, 4.0]})
    >>> check_rfm_summary(table) is table
    True
    """
    columns = ["frequency", "recency", "T"] + (["monetary_value"] if monetary else [])
    require_columns("summary", summary, columns)
    values = {}
    for column in columns:
        raw = summary[column]
        numbers = np.asarray(pd.to_numeric(raw, errors="coerce"), dtype=float)
        refuse_rows("summary", column, summary, ~np.isfinite(numbers), "are empty or not finite numbers")
        values[column] = numbers
    frequency, recency, T = values["frequency"], values["recency"], values["T"]
    refuse_rows(
        "summary",
        "frequency",
        summary,
        (frequency < 0) | (frequency % 1 != 0),
        "are not whole numbers ≥ 0 (repeat purchases)",
    )
    refuse_rows("summary", "recency", summary, (recency < 0) | (recency > T), "are outside [0, T]")
    refuse_rows(
        "summary", "recency", summary, (frequency == 0) & (recency != 0), "have frequency 0 but a recency other than 0"
    )
    return summary


# ---------------------------------------------------------------------------------------
# Grouping by customer and day: one sort of packed integer keys
# ---------------------------------------------------------------------------------------
#
# The first version grouped with pandas (``groupby(["customer", "day"]).sum()``, then
# ``groupby("customer")``); most of its time went into factorising the two key columns.
# The functions below give the same table, bit for bit, from one ``np.sort`` of int64 keys
# that pack (customer code, day, row number). Bit for bit means adding the amounts in the
# same order and the same way as pandas 2.2–3.x: a group sum over rows already sorted by
# group is ``np.add.reduceat`` (pandas' fast path for sorted groups), otherwise a
# Kahan-compensated sum in row order (pandas' Cython ``group_sum``).

# Once fewer runs than this are still being added, the rest of each is added in Python.
_MIN_VECTOR_RUNS = 48
# Bits of an int64 sort key that can hold (customer, day, row); beyond, a stable argsort.
_KEY_BITS = 63


def _run_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Positions where a run of equal values begins in a sorted array (0 comes first)."""
    change = np.empty(len(sorted_keys), dtype=bool)
    if len(sorted_keys):
        change[0] = True
        np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=change[1:])
    return np.flatnonzero(change)


def _compensated_run_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Kahan-compensated sum of each run of ``values``, as pandas' Cython group sum does it.

    Parameters
    ----------
    values : numpy.ndarray
        Floats, the rows of each run in their original order. NaN are skipped, as pandas
        skips them (an amount is never NaN, but a day's total can be: see ``rfm_summary``).
    starts : numpy.ndarray
        Increasing positions where the runs begin (the first is 0; a run ends where the
        next begins).

    Returns
    -------
    numpy.ndarray
        One sum per run: the additions of pandas' ``group_sum`` in the same order, so the
        same bits. All runs longer than one value advance one position at a time together,
        longest first; when fewer than ``_MIN_VECTOR_RUNS`` remain, they finish in Python
        (so a run of a million purchases costs a million steps, not a million array calls).
    """
    missing = np.isnan(values)
    if missing.any():
        kept = values[~missing]
        kept_starts = np.concatenate([[0], np.cumsum(~missing)])[starts]
        filled = np.diff(kept_starts, append=len(kept)) > 0  # runs not all NaN
        totals = np.zeros(len(starts))
        totals[filled] = _compensated_run_sums(kept, kept_starts[filled])
        return totals
    sizes = np.empty_like(starts)
    np.subtract(starts[1:], starts[:-1], out=sizes[:-1])
    sizes[-1:] = len(values) - starts[-1:]
    totals = values[starts]
    totals += 0.0  # the first addition, to a total of 0.0: compensation 0
    longer = np.flatnonzero(sizes > 1)
    if not len(longer):
        return totals
    longer = longer[np.argsort(-sizes[longer], kind="stable")]
    run_start, run_size = starts[longer], sizes[longer]
    run_total, run_compensation = totals[longer], np.zeros(len(longer))
    # Runs are longest first, so those with more than k values are the first runs_over[k].
    runs_over = np.searchsorted(-run_size, -np.arange(run_size[0]), side="left")
    position = 1
    while position < run_size[0] and runs_over[position] >= _MIN_VECTOR_RUNS:
        total = run_total[: runs_over[position]]
        compensation = run_compensation[: runs_over[position]]
        y = values[run_start[: runs_over[position]] + position] - compensation
        t = total + y
        new_compensation = (t - total) - y
        new_compensation[~np.isfinite(new_compensation)] = 0.0  # pandas: overflow to ±inf
        total[...] = t
        compensation[...] = new_compensation
        position += 1
    if position < run_size[0]:
        for run in range(runs_over[position]):
            total, compensation = float(run_total[run]), float(run_compensation[run])
            begin = run_start[run]
            for value in values[begin + position : begin + run_size[run]].tolist():
                y = value - compensation
                t = total + y
                compensation = (t - total) - y
                if not math.isfinite(compensation):
                    compensation = 0.0
                total = t
            run_total[run] = total
    totals[longer] = run_total
    return totals


def _customer_codes(customers: np.ndarray, customer_col: str) -> tuple[np.ndarray, pd.Index]:
    """Codes 0 … C − 1 of the customer ids in sorted id order, and the sorted unique ids.

    Parameters
    ----------
    customers : numpy.ndarray
        The customer ids (no missing ones), as ``Series.to_numpy()`` gives them.
    customer_col : str
        Name of the returned index.

    Returns
    -------
    codes : numpy.ndarray
        int64, one code per id.
    index : pandas.Index
        The unique ids, sorted, with the dtype the pandas group-by gave them.
    """
    if customers.dtype.kind in "iu" and len(customers):
        wide = np.uint64 if customers.dtype.kind == "u" else np.int64
        low = customers.min()
        span = int(customers.max()) - int(low) + 1
        if span <= 2 * len(customers) + 65_536:  # dense ids: count them, no hashing
            offsets = (customers.astype(wide, copy=False) - wide(low)).astype(np.intp, copy=False)
            present = np.bincount(offsets, minlength=span).astype(bool)
            codes = (np.cumsum(present) - 1)[offsets]
            uniques = (np.flatnonzero(present).astype(wide) + wide(low)).astype(customers.dtype)
        else:
            codes, uniques = pd.factorize(customers, sort=True)
        return codes.astype(np.int64, copy=False), pd.Index(uniques, name=customer_col)
    # Other ids (text, categories, dates, mixed objects): pandas factorises and sorts them,
    # and the index comes from the first version's two group-bys, run on the unique ids only,
    # so that its dtype is inferred as before (object integers become int64, text str, ...).
    column = pd.DataFrame({"customer": customers})["customer"]
    codes, uniques = pd.factorize(column, sort=True)
    index = (
        pd.DataFrame({"customer": np.asarray(uniques), "day": 0})
        .groupby(["customer", "day"], sort=True, observed=True)
        .size()
        .reset_index()
        .groupby("customer", sort=True, observed=True)
        .size()
        .index
    )
    return codes.astype(np.int64, copy=False), index.rename(customer_col)


def _customer_days(codes: np.ndarray, days: np.ndarray, amounts: np.ndarray):
    """Each customer's purchase days and their total amounts, sorted by customer and day.

    Parameters
    ----------
    codes, days, amounts : numpy.ndarray
        Per transaction: customer code (int64, 0 … C − 1, all present), calendar day
        (int64) and amount (finite float). Not empty.

    Returns
    -------
    day_customer, day, day_amount : numpy.ndarray
        One row per customer and purchase day, sorted by customer then day: the customer
        code, the day and the amount of that day (summed as pandas sums a group).
    """
    # In place where possible: at millions of rows every new array costs page faults.
    day_low = days.min()
    day_bits = int(days.max() - day_low).bit_length()
    row_bits = (len(days) - 1).bit_length()
    customer_bits = int(codes.max()).bit_length()
    key = codes << day_bits  # sorts as (customer, day)
    key |= days - day_low
    if bool(np.all(key[1:] >= key[:-1])):
        # Rows already in (customer, day) order: pandas adds each day with ufunc.reduceat.
        starts = _run_starts(key)
        day_amount = np.add.reduceat(amounts, starts)
    else:
        if customer_bits + day_bits + row_bits <= _KEY_BITS:
            # The row number in the low bits makes the plain (fast) sort a stable argsort.
            key <<= row_bits
            key |= np.arange(len(key))
            key.sort()
            order = key & ((1 << row_bits) - 1)
            key >>= row_bits
        else:
            order = np.argsort(key, kind="stable")
            key = key[order]
        starts = _run_starts(key)
        day_amount = _compensated_run_sums(amounts[order], starts)
    day_key = key[starts]
    day = day_key & ((1 << day_bits) - 1)
    day += day_low
    day_key >>= day_bits
    return day_key, day, day_amount


# ---------------------------------------------------------------------------------------
# The customer summary
# ---------------------------------------------------------------------------------------


def rfm_summary(
    transactions: pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    observation_end=None,
    time_unit: str = "D",
) -> pd.DataFrame:
    """Frequency, recency, age and average spend of each customer, from transactions.

    The conventions of Fader, Hardie & Lee (2005a, 2005b), also used by
    ``summary_data_from_transaction_data`` of the ``lifetimes``/``btyd`` packages:

    1. purchases of one customer on one calendar day are summed into one purchase day;
       transactions after ``observation_end`` are left out;
    2. ``frequency`` = number of purchase days − 1 (the *repeat* purchases);
    3. ``recency`` = time from the first to the last purchase day (0 for one-time buyers);
    4. ``T`` = time from the first purchase day to ``observation_end`` (the customer's age);
    5. ``monetary_value`` = mean amount of the repeat purchase days (the first purchase is
       left out, as in the Gamma-Gamma model); 0 when there is no repeat purchase.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per transaction.
    customer_col, date_col, amount_col : str
        Columns with the customer id, the date (datetimes or text pandas can read; a time
        of day is ignored) and the amount paid (currency).
    observation_end : date-like, optional
        Last day observed (included). Default: the last date in the data.
    time_unit : {"D", "W"}
        Unit of ``recency`` and ``T``: days, or weeks (days / 7).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id (sorted), columns ``frequency`` (int), ``recency`` and
        ``T`` (float, in ``time_unit``) and ``monetary_value`` (float, currency).

    Raises
    ------
    ValueError
        For a missing column (the columns present are listed), missing customer ids,
        missing or unreadable dates, amounts that are missing or not numbers (naming the
        column and the first bad rows), or an unknown ``time_unit``.

    Notes
    -----
    The grouping by customer and day is one ``numpy.sort`` of int64 keys that pack the
    customer, the day and the row number, so the time grows with the number of rows
    (about 40 ns a row: 0.2 s for 5 million transactions on one core; see
    ``benchmarks/bench_rfm.py``). The amounts of a day, and the repeat days of a customer,
    are added in the same order and the same way as pandas' group-by sum, so the result is
    the one of the first version of this function (two pandas group-bys) to the last bit.

    Examples
    --------
    >>> sales = pd.DataFrame({"customer_id": [1, 1, 1, 2],
    ...                       "date": pd.to_datetime(["2024-01-01", "2024-01-01",
    ...                                               "2024-01-11", "2024-01-06"]),
    ...                       "amount": [10.0, 5.0, 30.0, 8.0]})
    >>> rfm_summary(sales)
                 frequency  recency     T  monetary_value
    customer_id
    1                    1     10.0  10.0            30.0
    2                    0      0.0   5.0             0.0
    """
    days_per_unit = _days_per_unit(time_unit)
    require_columns("transactions", transactions, (customer_col, date_col, amount_col))
    customers = transactions[customer_col]
    refuse_rows("transactions", customer_col, transactions, customers.isna(), "have no customer id")
    days = _purchase_days(transactions, date_col)
    amounts = _amounts(transactions, amount_col)

    if observation_end is not None:
        try:
            end = pd.Timestamp(observation_end)
        except (TypeError, ValueError) as error:
            raise ValueError(f"observation_end {observation_end!r} is not a date") from error
        if pd.isna(end):
            raise ValueError(f"observation_end {observation_end!r} is not a date")
        end_day = _day_numbers(pd.DatetimeIndex([end]))[0]
    elif len(days):
        end_day = days.max()
    else:
        end_day = 0
    customer_ids = customers.to_numpy()
    observed = days <= end_day
    if not observed.all():
        customer_ids, days, amounts = customer_ids[observed], days[observed], amounts[observed]

    codes, index = _customer_codes(customer_ids, customer_col)
    if len(days):
        day_customer, day, day_amount = _customer_days(codes, days, amounts)
        first_row = _run_starts(day_customer)  # each customer's first purchase day
        last_row = np.append(first_row[1:], len(day)) - 1
        first_day, last_day = day[first_row], day[last_row]
        # Mean of the repeat days: the first day counts 0.0, added as pandas adds sorted groups
        # (ufunc.reduceat, or its Cython sum when a day's total is NaN: +inf and -inf added).
        repeat_amount = day_amount  # (not needed any more)
        repeat_amount[first_row] = 0.0
        if np.isnan(repeat_amount).any():
            repeat_total = _compensated_run_sums(repeat_amount, first_row)
        else:
            repeat_total = np.add.reduceat(repeat_amount, first_row)
        frequency = last_row - first_row
    else:
        first_day = last_day = frequency = np.zeros(0, dtype=np.int64)
        repeat_total = np.zeros(0)

    summary = pd.DataFrame(
        {
            "frequency": frequency.astype(np.int64),
            "recency": (last_day - first_day).astype(float) / days_per_unit,
            "T": (end_day - first_day).astype(float) / days_per_unit,
            "monetary_value": np.divide(repeat_total, frequency, out=np.zeros(len(frequency)), where=frequency > 0),
        },
        index=index,
    )
    return summary


# ---------------------------------------------------------------------------------------
# Scores and segments
# ---------------------------------------------------------------------------------------


def rfm_segment_grid() -> pd.DataFrame:
    """The segment of each (R, F) score pair: a 5 × 5 table, R = 5…1 down, F = 1…5 across.

    Common RFM practice names segments from the recency and frequency scores only
    (monetary value follows frequency closely). This grid follows the widely used
    R × F map — champions (R 5, F 4–5), loyal (R 3–4, F 4–5), potential loyalists,
    new (R 5, F 1), promising (R 4, F 1), need attention (R 3, F 3), about to sleep
    (R 3, F 1–2), at risk (R 1–2, F 3–4), can't lose them (R 1–2, F 5) — and splits its
    low corner into hibernating (R 2, F 1–2) and lost (R 1, F 1–2).

    Returns
    -------
    pandas.DataFrame
        Index ``R`` (5 to 1), columns ``F`` (1 to 5), values segment names from
        :data:`RFM_SEGMENTS`. A fresh copy: edit it to pass your own to :func:`rfm_scores`.

    References
    ----------
    Hughes (1994), RFM scoring by quintiles; the R × F segment map is practitioner
    convention, not a published standard.

    Examples
    --------
    >>> rfm_segment_grid().loc[5, 5]
    'champions'
    """
    return pd.DataFrame(
        [list(row) for row in _SEGMENT_ROWS],
        index=pd.Index([5, 4, 3, 2, 1], name="R"),
        columns=pd.Index([1, 2, 3, 4, 5], name="F"),
    )


def _cutoffs(letter: str, bins: int, cutoffs) -> np.ndarray:
    """The quantile cut-offs of one score, checked: increasing, inside (0, 1), 1 to 8."""
    if isinstance(cutoffs, Mapping):
        unknown = set(cutoffs) - {"R", "F", "M"}
        if unknown:
            raise ValueError(f"cutoffs keys must be 'R', 'F' or 'M'; got {sorted(unknown)}")
        cutoffs = cutoffs.get(letter)
    if cutoffs is None:
        if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or not 2 <= bins <= 9:
            raise ValueError(f"bins must be a whole number from 2 to 9; got {bins!r}")
        return np.arange(1, bins) / bins
    values = np.asarray(cutoffs, dtype=float).ravel()
    if not (1 <= values.size <= 8 and np.all((values > 0) & (values < 1)) and np.all(np.diff(values) > 0)):
        raise ValueError(
            f"cutoffs for {letter} must be 1 to 8 increasing quantiles strictly between 0 "
            f"and 1 (e.g. [0.2, 0.4, 0.6, 0.8]); got {list(np.atleast_1d(cutoffs))}"
        )
    return values


def _score(values: pd.Series, cutoffs: np.ndarray, ties: str) -> np.ndarray:
    """Score 1 + (number of cut-offs below the customer's position); higher value = better.

    The position is the share of the *other* customers with a lower rank,
    ``(rank − 1) / (n − 1)`` in [0, 1], so with ``ties="first"`` the scores equal
    ``pandas.qcut(values.rank(method="first"), bins)`` for the default cut-offs.
    """
    rank = values.rank(method="first" if ties == "first" else "min").to_numpy()
    count = len(values)
    position = (rank - 1) / (count - 1) if count > 1 else np.zeros(count)
    return 1 + np.searchsorted(cutoffs, position, side="left")


def rfm_scores(
    summary_or_transactions: pd.DataFrame,
    *,
    bins: int = 5,
    cutoffs=None,
    ties: str = "first",
    segment_grid: pd.DataFrame | None = None,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    observation_end=None,
    time_unit: str = "D",
) -> pd.DataFrame:
    """R, F and M scores by quantiles, the RFM cell and a named segment for each customer.

    * **R** ranks the time since the last purchase, ``T − recency``: the most recent
      buyers get the top score;
    * **F** ranks ``frequency`` (repeat purchase days): the most frequent get the top;
    * **M** ranks ``monetary_value`` (mean repeat spend; 0 for one-time buyers, who
      therefore share the bottom of M with the lowest spenders).

    Each score is ``1 + number of cut-offs below the customer's position``, where the
    position ``(rank − 1) / (n − 1)`` is the share of the other customers ranked lower.
    With the default cut-offs (quintiles) and ``ties="first"`` this is exactly
    ``pandas.qcut(values.rank(method="first"), 5, labels=[1, 2, 3, 4, 5])``: equal-sized
    groups even when many customers share a value (for instance frequency 0), ties being
    broken by row order (customer id for a table from :func:`rfm_summary`). With
    ``ties="shared"`` equal values share the lowest score of their group instead
    (``rank(method="min")``); the groups are then unequal and some scores may be empty.

    Parameters
    ----------
    summary_or_transactions : pandas.DataFrame
        A customer summary with the columns of :data:`SUMMARY_COLUMNS` (as returned by
        :func:`rfm_summary`), or a transactions table, summarised first with
        ``customer_col``, ``date_col``, ``amount_col``, ``observation_end`` and
        ``time_unit`` (see :func:`rfm_summary`; ignored for a summary).
    bins : int
        Number of scores, 2 to 9 (default 5: quintiles, scores 1–5).
    cutoffs : sequence of float or dict, optional
        Explicit cut-offs as quantiles in (0, 1), increasing, replacing ``bins``: e.g.
        ``[0.5, 0.8, 0.9, 0.95]`` makes 5 scores, the top one for the best 5 %. A dict
        ``{"R": [...], "F": [...], "M": [...]}`` sets them per score (missing keys use
        ``bins``).
    ties : {"first", "shared"}
        How equal values are ranked (see above).
    segment_grid : pandas.DataFrame, optional
        Segment name for each (R, F) pair: index R scores, columns F scores. Default:
        :func:`rfm_segment_grid` (needs 5 R and 5 F scores).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id: the summary columns, ``time_since_last_purchase`` (time
        units), ``R``, ``F``, ``M`` (int), ``rfm_cell`` (str, e.g. ``"515"``) and
        ``segment`` (categorical, ordered as :data:`RFM_SEGMENTS` for the default grid).

    Raises
    ------
    ValueError
        For bad cut-offs, an unknown ``ties``, an invalid summary or transactions table,
        or a segment grid whose R and F scores differ from the scores in use.

    References
    ----------
    Hughes (1994) for quintile RFM scores; Fader, Hardie & Lee (2005b) for the summary.

    Examples
    --------
    >>> summary = pd.DataFrame({"frequency": [0, 3, 8, 1, 5], "recency": [0, 20, 90, 5, 60],
    ...                         "T": [100, 100, 95, 30, 200], "monetary_value": [0, 40, 35, 20, 60]},
    ...                        index=pd.Index([1, 2, 3, 4, 5], name="customer_id"))
    >>> rfm_scores(summary)[["R", "F", "M", "rfm_cell", "segment"]]
                 R  F  M rfm_cell              segment
    customer_id
    1            2  1  1      211          hibernating
    2            3  3  4      334       need attention
    3            5  5  3      553            champions
    4            4  2  2      422  potential loyalists
    5            1  4  5      145              at risk
    """
    if ties not in ("first", "shared"):
        raise ValueError(f"ties must be 'first' or 'shared'; got {ties!r}")
    if set(SUMMARY_COLUMNS) <= set(summary_or_transactions.columns):
        summary = check_rfm_summary(summary_or_transactions, monetary=True)
    else:
        summary = rfm_summary(summary_or_transactions, customer_col, date_col, amount_col, observation_end, time_unit)

    time_since_last_purchase = summary["T"] - summary["recency"]
    ranked = {"R": -time_since_last_purchase, "F": summary["frequency"], "M": summary["monetary_value"]}
    letter_cutoffs = {letter: _cutoffs(letter, bins, cutoffs) for letter in ranked}
    scores = {letter: _score(values.astype(float), letter_cutoffs[letter], ties) for letter, values in ranked.items()}
    result = summary.assign(time_since_last_purchase=time_since_last_purchase, **scores)
    # Scores are single digits (at most 9 of them), so "515" is the number 515 as text.
    result["rfm_cell"] = (result["R"] * 100 + result["F"] * 10 + result["M"]).astype(str)
    result["segment"] = _segments(
        result["R"], result["F"], segment_grid, len(letter_cutoffs["R"]) + 1, len(letter_cutoffs["F"]) + 1
    )
    return result


def _segments(
    r_scores: pd.Series, f_scores: pd.Series, grid: pd.DataFrame | None, r_count: int, f_count: int
) -> pd.Categorical:
    """Look up each (R, F) pair in a grid that must have exactly the scores in use."""
    default = grid is None
    grid = rfm_segment_grid() if default else grid
    if sorted(grid.index) != list(range(1, r_count + 1)) or sorted(grid.columns) != list(range(1, f_count + 1)):
        raise ValueError(
            f"the segment grid has R scores {sorted(grid.index)} and F scores "
            f"{sorted(grid.columns)}, but the scores in use are R 1–{r_count} and "
            f"F 1–{f_count}; use 5 scores for R and F or pass a segment_grid for your scores"
        )
    names = grid.to_numpy()
    dtype = pd.CategoricalDtype(RFM_SEGMENTS if default else list(dict.fromkeys(names.ravel())))
    # Look up category codes, not names: no text to hash for every customer.
    grid_codes = dtype.categories.get_indexer(names.ravel()).reshape(names.shape)
    codes = grid_codes[grid.index.get_indexer(r_scores), grid.columns.get_indexer(f_scores)]
    return pd.Categorical.from_codes(codes, dtype=dtype)
