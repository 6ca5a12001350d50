"""The leaky bucket: a stock-and-flow model of the customer base (lesson 03).

Acquisition (sales, advertising, promotion) pours customers into the bucket; defections
leak out through the holes (Ehrenberg's "leaky bucket" of marketing: a brand that only
pours in must keep pouring to stand still). Each period::

    customers_end = customers_start + inflow − outflow
    inflow        = acquisition_spend / cost_per_acquisition
    outflow       = churn_rate × (1 − churn_reduction) × customers_start

so the base settles where inflow equals outflow (:func:`steady_state`), approaching it
geometrically (:func:`periods_to_steady_state`). :func:`simulate` runs the model with its
money flows.

The module has five parts, each pure pandas/numpy (no plotting, no files):

* **The model** — :func:`simulate`, :func:`steady_state`, :func:`periods_to_steady_state`.
* **The company's own bucket** — :func:`bucket_flows` counts the customers at the start
  and end of each month (or year), the new ones and the lost ones, the acquisition spend
  and the margin; :func:`calibrate_bucket` turns them into the model's few numbers
  (retention and churn with :func:`helpers.retention.retention_rate`, cost per
  acquisition, steady state); :func:`model_vs_data` replays the history with them.
* **Why customers leave** — :func:`churn_reason_pareto` (the vital few holes, Juran
  1951), :func:`satisfaction_before_leaving` and :func:`reason_mix`.
* **Pour or plug** — :func:`cost_per_customer_saved` and :func:`pour_or_plug` compare
  the same budget spent on acquisition or on a retention programme (Blattberg & Deighton
  1996).
* **The economics of loyalty** — :func:`margin_by_tenure_year`, :func:`customer_value`,
  :func:`profit_uplift_from_retention` (Reichheld & Sasser 1990: five points more
  retention raise profits by 25 %–85 %) and :func:`retention_uplift_grid` (when that
  holds and when it does not); :func:`structural_hazard_by_month` reads the churn
  drivers of the simulation's ground truth.

Model results are expected values (deterministic); customers may be fractional.

References
----------
* Reichheld, F. F. & Sasser, W. E. (1990). Zero defections: quality comes to services.
  *Harvard Business Review* 68(5), 105–111.
* Reichheld, F. F. (1996). *The Loyalty Effect*, ch. 2 "The economics of loyalty".
  Harvard Business School Press.
* Ehrenberg, A. S. C. (1988). *Repeat-Buying: Facts, Theory and Applications* (2nd ed.).
  Griffin; and the "leaky bucket theory" of marketing it gave rise to.
* Blattberg, R. C. & Deighton, J. (1996). Manage marketing by the customer equity test.
  *Harvard Business Review* 74(4), 136–144.
* Juran, J. M. (1951). *Quality Control Handbook*, "the vital few and the trivial many".
  McGraw-Hill.
* Sterman, J. D. (2000). *Business Dynamics*, ch. 8 (first-order stock-and-flow
  systems, goal seeking). McGraw-Hill.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers.i18n import N_
from helpers.retention import expected_lifetime, retention_rate
from helpers.validation import refuse_rows, require_columns, to_dates
from helpers.value import clv

__all__ = [
    "BucketCalibration",
    "BudgetComparison",
    "SATISFACTION_BANDS",
    "bucket_flows",
    "calibrate_bucket",
    "churn_reason_pareto",
    "cost_per_customer_saved",
    "customer_value",
    "margin_by_tenure_year",
    "model_vs_data",
    "periods_to_steady_state",
    "pour_or_plug",
    "pour_or_plug_for",
    "profit_uplift_from_retention",
    "reason_mix",
    "retention_uplift_grid",
    "satisfaction_before_leaving",
    "simulate",
    "steady_state",
    "structural_hazard_by_month",
]


def _check_range(name: str, value, low: float, high: float = math.inf, *, low_open: bool = False) -> np.ndarray:
    """``value`` as a float array, refusing NaN and values outside [low, high]."""
    array = np.asarray(value, dtype=float)
    below = array <= low if low_open else array < low
    bad = np.isnan(array) | below | (array > high)
    if bad.any():
        first = np.argwhere(bad)[0]
        shown = float(array[tuple(first)])
        where = f" (first at period {first[0] + 1})" if array.ndim else ""
        bound = f"({low}, " if low_open else f"[{low}, "
        bound += "∞)" if high == math.inf else f"{high}]"
        raise ValueError(f"{name} must be in {bound}; got {shown}{where}")
    return array


def _per_period(
    name: str, value, periods: int, low: float, high: float = math.inf, *, low_open: bool = False
) -> np.ndarray:
    """A parameter given as a scalar or one value per period, as an array of ``periods``."""
    array = _check_range(name, value, low, high, low_open=low_open)
    if array.ndim == 0:
        return np.full(periods, float(array))
    if array.shape != (periods,):
        raise ValueError(f"{name} must be a number or one value per period ({periods}); got shape {array.shape}")
    return array


def simulate(
    periods: int,
    *,
    initial_customers: float,
    acquisition_spend,
    cost_per_acquisition,
    churn_rate,
    revenue_per_customer,
    margin_rate=1.0,
    retention_cost_per_customer=0.0,
    churn_reduction=0.0,
) -> pd.DataFrame:
    """Run the leaky bucket for a number of periods and account for its money.

    Period ``t`` (1, 2, …, ``periods``) starts with the customers the previous one ended
    with (``initial_customers`` for period 1), then:

    * ``inflow = acquisition_spend / cost_per_acquisition`` new customers;
    * ``outflow = effective churn × customers_start`` with
      ``effective churn = churn_rate × (1 − churn_reduction)``: the churn rate applies to
      the customers at the start of the period (new ones do not leave in the period they
      join) and the retention programme removes a share ``churn_reduction`` of it;
    * ``customers_end = customers_start + inflow − outflow``;
    * ``revenue = revenue_per_customer × customers_end`` — the customers served in the
      period, i.e. those who stayed plus those who joined (the leavers pay nothing);
    * ``margin = margin_rate × revenue``;
    * ``acquisition_cost = acquisition_spend``;
    * ``retention_cost = retention_cost_per_customer × customers_start`` — the programme
      is offered to everyone there at the start, including those who leave anyway;
    * ``profit = margin − acquisition_cost − retention_cost``, summed in
      ``cumulative_profit``.

    This is the first-order stock-and-flow system of Sterman (2000, ch. 8).

    Parameters
    ----------
    periods : int
        Number of periods to simulate (≥ 1). The period length is yours (month, year);
        keep every rate and amount per that period.
    initial_customers : float
        Customers at the start of period 1 (≥ 0).
    acquisition_spend : float or array-like
        Money spent on acquisition per period (≥ 0).
    cost_per_acquisition : float or array-like
        Money per new customer (> 0).
    churn_rate : float or array-like
        Share of the customers at the start of the period who leave, in [0, 1].
    revenue_per_customer : float or array-like
        Revenue per customer per period (≥ 0).
    margin_rate : float or array-like
        Share of revenue kept as gross margin, in [0, 1].
    retention_cost_per_customer : float or array-like
        Cost of the retention programme per customer per period (≥ 0).
    churn_reduction : float or array-like
        Share of the churn rate the retention programme removes, in [0, 1].

    Every parameter after ``initial_customers`` is a number or one value per period
    (e.g. stop acquisition after month 12).

    Returns
    -------
    pandas.DataFrame
        Index ``period`` = 1 … ``periods``; columns ``customers_start``, ``inflow``,
        ``outflow``, ``customers_end`` (customers) and ``revenue``, ``margin``,
        ``acquisition_cost``, ``retention_cost``, ``profit``, ``cumulative_profit``
        (money per period, the last one running total).

    Raises
    ------
    ValueError
        On ``periods`` < 1 or not an integer, NaN, negative money or customers, a zero
        cost per acquisition, a rate outside [0, 1], or an array of the wrong length.

    Examples
    --------
    >>> base = simulate(3, initial_customers=1000, acquisition_spend=5000,
    ...                 cost_per_acquisition=50, churn_rate=0.2, revenue_per_customer=10)
    >>> base[["customers_start", "inflow", "outflow", "customers_end"]].round(1)
    ... # doctest: +NORMALIZE_WHITESPACE
            customers_start  inflow  outflow  customers_end
    period
    1                1000.0   100.0    200.0          900.0
    2                 900.0   100.0    180.0          820.0
    3                 820.0   100.0    164.0          756.0
    """
    if isinstance(periods, bool) or not isinstance(periods, (int, np.integer)) or periods < 1:
        raise ValueError(f"periods must be an integer ≥ 1; got {periods!r}")
    start_level = float(_check_range("initial_customers", initial_customers, 0))
    spend = _per_period("acquisition_spend", acquisition_spend, periods, 0)
    unit_cost = _per_period("cost_per_acquisition", cost_per_acquisition, periods, 0, low_open=True)
    churn = _per_period("churn_rate", churn_rate, periods, 0, 1)
    revenue_each = _per_period("revenue_per_customer", revenue_per_customer, periods, 0)
    margin_share = _per_period("margin_rate", margin_rate, periods, 0, 1)
    retention_each = _per_period("retention_cost_per_customer", retention_cost_per_customer, periods, 0)
    reduction = _per_period("churn_reduction", churn_reduction, periods, 0, 1)

    inflow = spend / unit_cost
    effective_churn = churn * (1.0 - reduction)
    customers_start = np.empty(periods)
    level = start_level
    for t in range(periods):  # the stock carries over: a short loop over periods
        customers_start[t] = level
        level = level - effective_churn[t] * level + inflow[t]
    outflow = effective_churn * customers_start
    customers_end = customers_start + inflow - outflow

    revenue = revenue_each * customers_end
    margin = margin_share * revenue
    retention_cost = retention_each * customers_start
    profit = margin - spend - retention_cost
    return pd.DataFrame(
        {
            "customers_start": customers_start,
            "inflow": inflow,
            "outflow": outflow,
            "customers_end": customers_end,
            "revenue": revenue,
            "margin": margin,
            "acquisition_cost": spend,
            "retention_cost": retention_cost,
            "profit": profit,
            "cumulative_profit": np.cumsum(profit),
        },
        index=pd.RangeIndex(1, periods + 1, name="period"),
    )


def steady_state(inflow_per_period, churn_rate):
    """Size of the customer base at which the leaky bucket stops changing.

    Inflow equals outflow when ``N* = inflow / churn`` (the equilibrium of a first-order
    stock-and-flow system, Sterman 2000, ch. 8). With ``churn_rate = 0`` nothing leaks:
    the base grows without limit (``inf``), or, with no inflow either, stays wherever it
    is (no single steady state: ``nan``).

    Parameters
    ----------
    inflow_per_period : float or array-like
        New customers per period (≥ 0).
    churn_rate : float or array-like
        Share of the base lost per period, in [0, 1] (the effective churn, after any
        retention programme).

    Returns
    -------
    float or numpy.ndarray
        Steady-state number of customers.

    Examples
    --------
    >>> steady_state(100, 0.2)
    500.0
    >>> steady_state([100, 100, 0], [0.1, 0.0, 0.0])
    array([1000.,   inf,   nan])
    """
    inflow = _check_range("inflow_per_period", inflow_per_period, 0)
    churn = _check_range("churn_rate", churn_rate, 0, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = inflow / churn
    return float(level) if level.ndim == 0 else level


def periods_to_steady_state(initial, inflow, churn, tolerance: float = 0.05):
    """First period at whose end the base is within ``tolerance`` of its steady state.

    The bucket's level follows ``N_t = N* + (N_0 − N*)(1 − c)^t`` (the gap to the steady
    state ``N* = inflow / c`` shrinks by the factor ``1 − c`` each period; Sterman 2000,
    ch. 8), so ``|N_t − N*| ≤ tolerance × N*`` first holds at::

        t = ⌈ log(tolerance × N* / |N_0 − N*|) / log(1 − c) ⌉

    This is the row of :func:`simulate` (with the same constant inflow and effective
    churn) whose ``customers_end`` is first that close.

    Parameters
    ----------
    initial : float
        Customers at the start (``N_0``, ≥ 0).
    inflow : float
        New customers per period (≥ 0).
    churn : float
        Effective churn rate per period, in [0, 1].
    tolerance : float
        Allowed distance as a share of the steady state, in (0, 1).

    Returns
    -------
    int or float
        0 if the base starts within tolerance; the period number (int) otherwise; or
        ``math.inf`` when it never gets there: no churn (no finite steady state), or no
        inflow and a base that only decays towards 0 (``c < 1``).

    Examples
    --------
    >>> periods_to_steady_state(0, 100, 0.2)  # N* = 500; 0.8^t ≤ 0.05 from t = 14
    14
    >>> periods_to_steady_state(480, 100, 0.2)
    0
    """
    start = float(_check_range("initial", initial, 0))
    inflow = float(_check_range("inflow", inflow, 0))
    churn = float(_check_range("churn", churn, 0, 1))
    tolerance = float(_check_range("tolerance", tolerance, 0, 1, low_open=True))
    if churn == 0:
        return math.inf
    target = inflow / churn
    gap = abs(start - target)
    if gap <= tolerance * target:
        return 0
    if churn == 1:  # everyone leaves at once: the base is N* after one period
        return 1
    if target == 0:  # geometric decay never reaches exactly 0
        return math.inf
    return max(1, math.ceil(math.log(tolerance * target / gap) / math.log(1 - churn)))


# ---------------------------------------------------------------------------------------
# Input checks for tables
# ---------------------------------------------------------------------------------------


def _signup_of_churners(customers: pd.DataFrame, churn: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Validated (signup date, churn date) of each row of ``churn``."""
    signup = to_dates("customers", customers, "signup_date")
    refuse_rows(
        "customers", "customer_id", customers, customers["customer_id"].duplicated(keep=False), "repeat a customer_id"
    )
    lost_on = to_dates("churn", churn, "date")
    refuse_rows(
        "churn",
        "customer_id",
        churn,
        churn["customer_id"].duplicated(keep=False),
        "list the same customer more than once",
    )
    signup_by_id = pd.Series(signup.to_numpy(), index=customers["customer_id"].to_numpy())
    joined = pd.Series(signup_by_id.reindex(churn["customer_id"].to_numpy()).to_numpy(), index=churn.index)
    refuse_rows("churn", "customer_id", churn, joined.isna(), "are not in the customers table")
    refuse_rows("churn", "date", churn, lost_on < joined, "are before the customer's signup_date")
    return joined, lost_on


# ---------------------------------------------------------------------------------------
# The company's own bucket
# ---------------------------------------------------------------------------------------

_FREQUENCIES = {"month": "M", "year": "Y"}


def bucket_flows(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    churn: pd.DataFrame,
    observation_end=None,
    *,
    period: str = "month",
) -> pd.DataFrame:
    """Measure the company's bucket period by period: level, inflow, leak, spend and margin.

    For each calendar month (or year) from the first signup to ``observation_end``:

    * ``customers_start`` — customers there on the period's first day (the previous
      period's ``customers_end``; 0 for the first period);
    * ``new_customers`` — customers acquired in the period; ``new_lost_same_period`` of
      them left before it ended and ``new_customers_kept`` were still there at its end;
    * ``lost_customers`` — all customers lost in the period; ``lost_from_start`` of them
      were there at its start;
    * ``customers_end = customers_start + new_customers − lost_customers``;
    * ``acquisition_spend`` — the sum of ``acquisition_cost`` of the period's new
      customers, and ``cost_per_acquisition = acquisition_spend / new_customers``; both
      NaN (unknown) when the data does not record acquisition costs at all (the column
      is empty for every customer, as in many companies' own files);
    * ``margin`` — revenue minus cost of goods of the period's transactions, and
      ``margin_per_customer = margin / customers_end`` (the convention of
      :func:`simulate`, which earns on the customers at the end of a period);
    * ``retention_rate`` — :func:`helpers.retention.retention_rate` of
      (``customers_start``, ``customers_end``, ``new_customers_kept``), i.e. the share of
      the customers at the start still there at the end (Reichheld 1996, ch. 2); NaN
      when nobody was there at the start; ``churn_rate = 1 − retention_rate`` and
      ``expected_lifetime = 1 / churn_rate`` (periods);
    * ``complete`` — whether the whole period lies within the data.

    Customers who join and leave in the same period count as new and as lost, but not
    in the retention rate: they were not there at the start and not there at the end.
    Events after ``observation_end`` are ignored.

    Parameters
    ----------
    customers : DataFrame
        ``customer_id``, ``signup_date``, ``acquisition_cost`` (money, ≥ 0; either known
        for every customer or for none).
    transactions : DataFrame
        ``date``, ``amount`` and ``cost`` (money).
    churn : DataFrame
        ``customer_id`` and ``date`` of each defection (at most one per customer).
    observation_end : date, optional
        Last day of the data; default the latest date in the three tables.
    period : "month" or "year"
        Length of the periods.

    Returns
    -------
    pandas.DataFrame
        Indexed by the first day of each period (index name ``month`` or ``year``).

    Raises
    ------
    ValueError
        On missing columns, missing dates, repeated customers, negative or missing
        acquisition costs, churned customers not in ``customers`` or lost before they
        joined — naming the table, the column and the first bad rows.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3, 4],
    ...     "signup_date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-03", "2024-02-10"]),
    ...     "acquisition_cost": [40.0, 60.0, 50.0, 30.0]})
    >>> churn = pd.DataFrame({"customer_id": [1, 4],
    ...                       "date": pd.to_datetime(["2024-02-14", "2024-02-25"])})
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2024-01-09", "2024-02-11"]),
    ...                       "amount": [100.0, 80.0], "cost": [60.0, 50.0]})
    >>> flows = bucket_flows(customers, sales, churn, "2024-02-29")
    >>> print(flows[["customers_start", "new_customers_kept", "lost_from_start",
    ...              "customers_end", "retention_rate"]].to_string())  # doctest: +NORMALIZE_WHITESPACE
                customers_start  new_customers_kept  lost_from_start  customers_end  retention_rate
    month
    2024-01-01                0                   2                0              2             NaN
    2024-02-01                2                   1                1              2             0.5
    """
    if period not in _FREQUENCIES:
        raise ValueError(f"period must be 'month' or 'year', not {period!r}")
    freq = _FREQUENCIES[period]
    require_columns("customers", customers, ("customer_id", "signup_date", "acquisition_cost"))
    require_columns("transactions", transactions, ("date", "amount", "cost"))
    require_columns("churn", churn, ("customer_id", "date"))
    if customers.empty:
        raise ValueError("the customers table is empty: there is no bucket to measure")
    joined, lost_on = _signup_of_churners(customers, churn)
    signup = pd.to_datetime(customers["signup_date"])
    cost = pd.to_numeric(customers["acquisition_cost"], errors="coerce")
    cost_known = bool(customers["acquisition_cost"].notna().any())  # else: not recorded, spend unknown
    refuse_rows(
        "customers",
        "acquisition_cost",
        customers,
        (cost.isna() & cost_known) | (cost < 0),
        "have a missing or negative acquisition cost",
    )
    sold_on = to_dates("transactions", transactions, "date")

    if observation_end is None:
        end = pd.Series([signup.max(), lost_on.max(), sold_on.max()]).max()
    else:
        end = pd.Timestamp(observation_end)
    periods = pd.period_range(signup.min(), end, freq=freq)

    def per_period(values: pd.Series, dates: pd.Series) -> pd.Series:
        keys = dates.dt.to_period(freq)
        return values.groupby(keys).sum().reindex(periods, fill_value=0)

    joined_in = signup <= end
    new = per_period(pd.Series(1, index=signup.index)[joined_in], signup[joined_in])
    spend = per_period(cost[joined_in].astype(float), signup[joined_in])
    if not cost_known:
        spend = spend * np.nan
    left_in = lost_on <= end
    lost = per_period(pd.Series(1, index=lost_on.index)[left_in], lost_on[left_in])
    same = left_in & (lost_on.dt.to_period(freq) == joined.dt.to_period(freq))
    new_lost = per_period(pd.Series(1, index=lost_on.index)[same], lost_on[same])
    sold_in = sold_on <= end
    margin = per_period((transactions["amount"] - transactions["cost"])[sold_in].astype(float), sold_on[sold_in])

    customers_end = (new - lost).cumsum()
    customers_start = customers_end.shift(1, fill_value=0)
    kept = new - new_lost
    frame = pd.DataFrame(
        {
            "customers_start": customers_start,
            "new_customers": new,
            "new_lost_same_period": new_lost,
            "new_customers_kept": kept,
            "lost_customers": lost,
            "lost_from_start": lost - new_lost,
            "customers_end": customers_end,
            "acquisition_spend": spend,
        }
    ).astype({"acquisition_spend": float})
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["cost_per_acquisition"] = np.where(new > 0, spend / new.where(new > 0), np.nan)
        frame["margin"] = margin
        frame["margin_per_customer"] = np.where(
            customers_end > 0, margin / customers_end.where(customers_end > 0), np.nan
        )
    has_base = (customers_start > 0).to_numpy()
    kept_rate = np.full(len(frame), np.nan)
    kept_rate[has_base] = retention_rate(customers_start[has_base], customers_end[has_base], kept[has_base])
    frame["retention_rate"] = kept_rate
    frame["churn_rate"] = 1.0 - kept_rate
    lifetime = np.full(len(frame), np.nan)
    lifetime[has_base] = expected_lifetime(kept_rate[has_base])
    frame["expected_lifetime"] = lifetime
    frame["complete"] = periods.end_time.normalize() <= end.normalize()
    frame.index = periods.to_timestamp()
    frame.index.name = period
    return frame


class BucketCalibration(NamedTuple):
    """The company's bucket in a few numbers (see :func:`calibrate_bucket`).

    Amounts are money per period, rates fractions per period, customers counts.
    """

    periods_used: int
    first_period: pd.Timestamp
    last_period: pd.Timestamp
    customers_now: float
    acquisition_spend: float
    new_customers: float
    new_customers_kept: float
    cost_per_acquisition: float
    cost_per_kept_acquisition: float
    retention_rate: float
    churn_rate: float
    expected_lifetime: float
    margin_per_customer: float
    steady_state: float
    periods_to_steady_state: float

    def summary(self) -> pd.Series:
        """The numbers as a Series with readable labels (for showing in a notebook).

        >>> BucketCalibration(12, pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-01"),
        ...     3000, 9000, 150, 145, 60, 62.07, 0.965, 0.035, 28.6, 50, 4143, 58
        ...     ).summary()["churn rate per period"]
        0.035
        """
        return pd.Series(
            {
                "periods used": self.periods_used,
                "from": self.first_period.date(),
                "to": self.last_period.date(),
                "customers now": self.customers_now,
                "acquisition spend per period": self.acquisition_spend,
                "new customers per period": self.new_customers,
                "new customers kept per period (the inflow)": self.new_customers_kept,
                "cost per acquisition": self.cost_per_acquisition,
                "cost per kept acquisition": self.cost_per_kept_acquisition,
                "retention rate per period": self.retention_rate,
                "churn rate per period": self.churn_rate,
                "expected lifetime (periods)": self.expected_lifetime,
                "margin per customer per period": self.margin_per_customer,
                "steady state (customers)": self.steady_state,
                "periods to within 5% of it": self.periods_to_steady_state,
            },
            name="value",
            dtype=object,
        )


def calibrate_bucket(flows: pd.DataFrame, last_periods: int | None = None) -> BucketCalibration:
    """Estimate the leaky bucket's parameters from :func:`bucket_flows`.

    Uses the complete periods that started with customers (the last ``last_periods`` of
    them, or all) and pools them, so a large month weighs more than a small one:

    * ``retention_rate`` = :func:`helpers.retention.retention_rate` of the summed
      (start, end, new kept) counts — Σ(start − lost from start) / Σ start;
      ``churn_rate = 1 − retention_rate`` and ``expected_lifetime = 1 / churn_rate``;
    * ``acquisition_spend``, ``new_customers`` and ``new_customers_kept`` — means per
      period; ``cost_per_acquisition`` = Σ spend / Σ new customers, and
      ``cost_per_kept_acquisition`` = Σ spend / Σ new customers kept: with it,
      ``inflow = spend / cost`` counts only the newcomers still there at the period's end,
      the inflow of :func:`simulate`, whose churn applies from the next period on (the
      three are NaN when the spend is unknown);
    * ``margin_per_customer`` = Σ margin / Σ customers at the end;
    * ``steady_state`` = inflow / churn (:func:`steady_state`) and
      ``periods_to_steady_state`` from the base now (``customers_now``, the last period's
      end; :func:`periods_to_steady_state`, 5 % tolerance).

    Parameters
    ----------
    flows : DataFrame
        The output of :func:`bucket_flows`.
    last_periods : int, optional
        Use only the most recent complete periods (e.g. 12 months); default all.

    Returns
    -------
    BucketCalibration

    Raises
    ------
    ValueError
        When no complete period starts with customers, or ``last_periods`` < 1.

    Examples
    --------
    >>> flows = pd.DataFrame({
    ...     "customers_start": [0, 100, 110], "new_customers": [100, 22, 21],
    ...     "new_customers_kept": [100, 20, 20], "customers_end": [100, 110, 119],
    ...     "acquisition_spend": [5000.0, 1100.0, 1050.0], "margin": [0.0, 2200.0, 2380.0],
    ...     "complete": [True, True, True]},
    ...     index=pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]))
    >>> calibration = calibrate_bucket(flows)
    >>> round(calibration.churn_rate, 4)  # 1 − (229 − 40) / 210 = 21 / 210
    0.1
    >>> round(calibration.steady_state, 6)  # 20 kept a month / 0.1
    200.0
    """
    if last_periods is not None and (isinstance(last_periods, bool) or last_periods < 1):
        raise ValueError(f"last_periods must be a positive integer or None; got {last_periods!r}")
    usable = flows[flows["complete"].astype(bool) & (flows["customers_start"] > 0)]
    if last_periods is not None:
        usable = usable.tail(int(last_periods))
    if usable.empty:
        raise ValueError(
            "no complete period starts with customers: the bucket cannot be "
            "calibrated (is the data at least two periods long?)"
        )
    start = float(usable["customers_start"].sum())
    end = float(usable["customers_end"].sum())
    kept = float(usable["new_customers_kept"].sum())
    new = float(usable["new_customers"].sum())
    spend = float(usable["acquisition_spend"].sum(min_count=1))  # NaN when the spend is unknown
    retention = retention_rate(start, end, kept)
    churn = 1.0 - retention
    inflow = kept / len(usable)
    now = float(flows["customers_end"].iloc[-1])
    return BucketCalibration(
        periods_used=len(usable),
        first_period=usable.index[0],
        last_period=usable.index[-1],
        customers_now=now,
        acquisition_spend=spend / len(usable),
        new_customers=new / len(usable),
        new_customers_kept=inflow,
        cost_per_acquisition=spend / new if new else math.nan,
        cost_per_kept_acquisition=spend / kept if kept else math.nan,
        retention_rate=retention,
        churn_rate=churn,
        expected_lifetime=expected_lifetime(retention),
        margin_per_customer=float(usable["margin"].sum()) / end if end else math.nan,
        steady_state=steady_state(inflow, churn),
        periods_to_steady_state=periods_to_steady_state(now, inflow, churn),
    )


def model_vs_data(flows: pd.DataFrame, calibration: BucketCalibration) -> pd.DataFrame:
    """Replay the company's history with the calibrated bucket and set it beside the data.

    The model starts where the data starts (``customers_start`` of the first period),
    receives the real acquisition spend of every period, and converts it into customers
    at the calibrated ``cost_per_kept_acquisition``; it leaks at the calibrated, constant
    ``churn_rate``. Everything the model gets wrong therefore comes from two
    simplifications: one unit cost and, above all, one churn rate for every period.

    Parameters
    ----------
    flows : DataFrame
        The output of :func:`bucket_flows`.
    calibration : BucketCalibration
        The output of :func:`calibrate_bucket`.

    Returns
    -------
    pandas.DataFrame
        Same index as ``flows``; columns ``actual_customers`` and ``model_customers`` (at
        each period's end), ``gap`` (model − actual) and ``relative_gap`` (gap / actual),
        ``actual_inflow`` and ``model_inflow`` (new customers kept), ``actual_churn_rate``
        (per period) and ``model_churn_rate`` (constant).

    Examples
    --------
    >>> flows = pd.DataFrame({
    ...     "customers_start": [0, 100, 110], "new_customers": [100, 22, 21],
    ...     "new_customers_kept": [100, 20, 20], "customers_end": [100, 110, 119],
    ...     "acquisition_spend": [5000.0, 1100.0, 1050.0], "margin": [0.0, 2200.0, 2380.0],
    ...     "churn_rate": [np.nan, 0.1, 0.1], "complete": [True, True, True]},
    ...     index=pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]))
    >>> model_vs_data(flows, calibrate_bucket(flows))["model_customers"].round(1).tolist()
    [93.0, 104.2, 113.3]
    """
    run = simulate(
        len(flows),
        initial_customers=float(flows["customers_start"].iloc[0]),
        acquisition_spend=flows["acquisition_spend"].to_numpy(dtype=float),
        cost_per_acquisition=calibration.cost_per_kept_acquisition,
        churn_rate=calibration.churn_rate,
        revenue_per_customer=0.0,
    )
    actual = flows["customers_end"].astype(float)
    model = pd.Series(run["customers_end"].to_numpy(), index=flows.index)
    return pd.DataFrame(
        {
            "actual_customers": actual,
            "model_customers": model,
            "gap": model - actual,
            "relative_gap": (model - actual) / actual.where(actual > 0),
            "actual_inflow": flows["new_customers_kept"].astype(float),
            "model_inflow": run["inflow"].to_numpy(),
            "actual_churn_rate": flows["churn_rate"].astype(float),
            "model_churn_rate": calibration.churn_rate,
        }
    )


# ---------------------------------------------------------------------------------------
# Why customers leave
# ---------------------------------------------------------------------------------------


def churn_reason_pareto(churn: pd.DataFrame, threshold: float = 0.8) -> pd.DataFrame:
    """The reasons for leaving from the largest to the smallest: the holes to plug first.

    Juran's (1951) Pareto principle: a few causes ("the vital few") usually account for
    most of the effect. The vital few are the reasons needed, largest first, for their
    cumulative share to reach ``threshold``.

    Parameters
    ----------
    churn : DataFrame
        One row per lost customer with a ``reason`` column.
    threshold : float
        Cumulative share that defines the vital few, in (0, 1].

    Returns
    -------
    pandas.DataFrame
        Indexed by ``reason`` (largest first; ties in alphabetical order; reasons nobody
        gave are left out), columns ``customers``, ``share``, ``cumulative_share`` and
        ``vital_few`` (bool).

    Raises
    ------
    ValueError
        On a missing ``reason`` column, empty reasons (naming the first rows) or an empty
        table.

    Examples
    --------
    >>> churn = pd.DataFrame({"reason": ["price"] * 5 + ["service"] * 3 + ["moved"] * 2})
    >>> churn_reason_pareto(churn)  # doctest: +NORMALIZE_WHITESPACE
             customers  share  cumulative_share  vital_few
    reason
    price            5    0.5               0.5       True
    service          3    0.3               0.8       True
    moved            2    0.2               1.0      False
    """
    require_columns("churn", churn, ("reason",))
    _check_range("threshold", threshold, 0, 1, low_open=True)
    refuse_rows("churn", "reason", churn, churn["reason"].isna(), "have no reason")
    if churn.empty:
        raise ValueError("the churn table is empty: no one left, so there are no holes to rank")
    counts = churn["reason"].astype(str).value_counts().sort_index()
    counts = counts.sort_values(ascending=False, kind="stable")
    share = counts / counts.sum()
    cumulative = share.cumsum()
    before = cumulative.shift(1, fill_value=0.0)
    table = pd.DataFrame(
        {"customers": counts, "share": share, "cumulative_share": cumulative, "vital_few": before < threshold - 1e-12}
    )
    table.index.name = "reason"
    return table


#: Satisfaction bands of :func:`satisfaction_before_leaving`, in order.
SATISFACTION_BANDS = (
    N_("dissatisfied (1–2)"),
    N_("neutral (3)"),
    N_("satisfied (4)"),
    N_("completely satisfied (5)"),
    N_("no survey answer"),
)


def satisfaction_before_leaving(churn: pd.DataFrame, surveys: pd.DataFrame) -> pd.Series:
    """The last satisfaction each lost customer reported before leaving, as a band.

    For every row of ``churn``, the most recent survey answer dated on or before the day
    the customer left, grouped into :data:`SATISFACTION_BANDS` (1–2 dissatisfied, 3, 4,
    5 completely satisfied; "no survey answer" if the customer never answered). Jones &
    Sasser (1995) show why 4 and 5 must be kept apart: the completely satisfied are far
    more loyal than the merely satisfied.

    Parameters
    ----------
    churn : DataFrame
        ``customer_id`` and ``date`` of each defection.
    surveys : DataFrame
        ``customer_id``, ``date`` and ``satisfaction`` (1–5) of each answer.

    Returns
    -------
    pandas.Series
        Ordered categorical, indexed by ``customer_id`` in the order of ``churn``.

    Examples
    --------
    >>> churn = pd.DataFrame({"customer_id": [1, 2, 3],
    ...                       "date": pd.to_datetime(["2024-05-01", "2024-05-01", "2024-05-01"])})
    >>> surveys = pd.DataFrame({"customer_id": [1, 1, 2],
    ...     "date": pd.to_datetime(["2024-01-10", "2024-03-02", "2024-06-01"]),
    ...     "satisfaction": [5, 2, 4]})
    >>> satisfaction_before_leaving(churn, surveys).tolist()
    ['dissatisfied (1–2)', 'no survey answer', 'no survey answer']
    """
    require_columns("churn", churn, ("customer_id", "date"))
    require_columns("surveys", surveys, ("customer_id", "date", "satisfaction"))
    lost_on = to_dates("churn", churn, "date")
    answered = to_dates("surveys", surveys, "date")
    score = pd.to_numeric(surveys["satisfaction"], errors="coerce")
    refuse_rows("surveys", "satisfaction", surveys, ~score.between(1, 5), "are not on the 1–5 scale")
    left = pd.DataFrame(
        {
            "customer_id": churn["customer_id"].to_numpy(),
            "date": lost_on.to_numpy(dtype="datetime64[ns]"),
            "row": np.arange(len(churn)),
        }
    ).sort_values("date", kind="stable")
    answers = pd.DataFrame(
        {
            "customer_id": surveys["customer_id"].to_numpy(),
            "date": answered.to_numpy(dtype="datetime64[ns]"),
            "satisfaction": score.to_numpy(),
        }
    ).sort_values("date", kind="stable")
    last = pd.merge_asof(left, answers, on="date", by="customer_id", direction="backward")
    last = last.sort_values("row")
    bands = np.select(
        [last["satisfaction"] <= 2, last["satisfaction"] == 3, last["satisfaction"] == 4, last["satisfaction"] == 5],
        list(SATISFACTION_BANDS[:4]),
        default=SATISFACTION_BANDS[4],
    )
    return pd.Series(
        pd.Categorical(bands, categories=SATISFACTION_BANDS, ordered=True),
        index=pd.Index(churn["customer_id"].to_numpy(), name="customer_id"),
        name="satisfaction_before_leaving",
    )


def reason_mix(churn: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Share of each reason for leaving within each group of lost customers.

    Parameters
    ----------
    churn : DataFrame
        ``customer_id`` and ``reason`` of each defection.
    groups : Series
        The group of each customer (e.g. segment, or :func:`satisfaction_before_leaving`),
        indexed by ``customer_id``; it must cover every customer in ``churn``.

    Returns
    -------
    pandas.DataFrame
        One row per group that lost customers (in the groups' category order, else
        sorted), one column per reason in the order of :func:`churn_reason_pareto`
        (shares summing to 1 across a row), and a last column ``customers`` (how many
        lost customers the row describes).

    Examples
    --------
    >>> churn = pd.DataFrame({"customer_id": [1, 2, 3, 4],
    ...                       "reason": ["price", "price", "service", "price"]})
    >>> segment = pd.Series(["B2C", "B2C", "B2B", "B2B"], index=[1, 2, 3, 4])
    >>> reason_mix(churn, segment)  # doctest: +NORMALIZE_WHITESPACE
         price  service  customers
    B2B    0.5      0.5          2
    B2C    1.0      0.0          2
    """
    require_columns("churn", churn, ("customer_id", "reason"))
    order = churn_reason_pareto(churn).index
    group = groups.reindex(churn["customer_id"].to_numpy())
    refuse_rows("churn", "customer_id", churn, group.isna().to_numpy(), "have no group in the groups given")
    table = pd.crosstab(group.to_numpy(), churn["reason"].astype(str).to_numpy())
    if isinstance(groups.dtype, pd.CategoricalDtype):
        table = table.reindex([c for c in groups.cat.categories if c in table.index])
    table = table.reindex(columns=order, fill_value=0)
    counts = table.sum(axis=1)
    shares = table.div(counts, axis=0)
    shares["customers"] = counts
    shares.index.name = groups.name
    shares.columns.name = None
    return shares


# ---------------------------------------------------------------------------------------
# Pour more in, or plug the holes?
# ---------------------------------------------------------------------------------------


def cost_per_customer_saved(programme_cost_per_customer, churn_rate, churn_reduction):
    """What a retention programme pays for each customer it keeps from leaving.

    A programme offered to every customer costs ``k`` per customer per period and removes
    a share ``e`` of the churn rate ``c``; per period it keeps ``c · e`` of the customers
    it pays for, so each customer kept costs::

        k / (c · e)

    Comparing this with the cost of winning a customer is the customer-equity test of
    Blattberg & Deighton (1996): spend the next unit of money where it buys more
    customers (of equal value). In the leaky bucket it is exact: spending the same money
    on acquisition instead gives a larger steady state iff
    ``cost_per_acquisition < k / (c · e)`` (see :func:`pour_or_plug`). A programme aimed
    at the customers most likely to leave raises the ``c`` it works on, which is why
    knowing *who* leaves and *why* (the Pareto of reasons) makes plugging cheaper.

    Parameters
    ----------
    programme_cost_per_customer : float or array-like
        Cost per customer enrolled per period (money, ≥ 0).
    churn_rate : float or array-like
        Churn rate per period of the enrolled customers, in [0, 1].
    churn_reduction : float or array-like
        Share of that churn the programme removes, in [0, 1].

    Returns
    -------
    float or numpy.ndarray
        Money per customer kept; ``inf`` when the programme keeps no one (c · e = 0) and
        0 when it is free.

    Examples
    --------
    >>> round(cost_per_customer_saved(2.0, 0.04, 0.15), 2)  # 2 / 0.006
    333.33
    """
    cost = _check_range("programme_cost_per_customer", programme_cost_per_customer, 0)
    churn = _check_range("churn_rate", churn_rate, 0, 1)
    reduction = _check_range("churn_reduction", churn_reduction, 0, 1)
    saved_share = churn * reduction
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(cost == 0, 0.0, cost / saved_share)
    return float(result) if result.ndim == 0 else result


class BudgetComparison(NamedTuple):
    """The runs and the summary of :func:`pour_or_plug`."""

    runs: dict[str, pd.DataFrame]
    summary: pd.DataFrame


def pour_or_plug(
    periods: int,
    *,
    initial_customers: float,
    acquisition_spend,
    cost_per_acquisition: float,
    churn_rate: float,
    margin_per_customer: float,
    programme_cost_per_customer: float,
    churn_reduction: float,
) -> BudgetComparison:
    """The same money spent on plugging the holes or on pouring more in.

    Three runs of :func:`simulate` with the same start, spend and economics:

    * ``as is`` — the bucket as it is;
    * ``plug the holes`` — a retention programme for every customer, costing
      ``programme_cost_per_customer`` per customer per period and removing
      ``churn_reduction`` of the churn;
    * ``pour more in`` — no programme; instead, each period, exactly what the programme
      cost in that period goes into extra acquisition at ``cost_per_acquisition``.

    Both alternatives spend the same money each period, so their difference in profit is
    their difference in margin, that is in customers. In the long run plugging wins iff a
    customer saved costs less than a customer won:
    ``k / (c · e) < cost_per_acquisition`` (:func:`cost_per_customer_saved`; Blattberg &
    Deighton 1996). Assumptions: every customer is worth the same margin, acquisition
    costs the same per customer however much is spent (no saturation), and the programme
    works the same on everyone.

    Parameters
    ----------
    periods : int
        Horizon (≥ 1).
    initial_customers : float
        Customers at the start (≥ 0).
    acquisition_spend : float or array-like
        Acquisition spend per period as it is (money, ≥ 0).
    cost_per_acquisition : float
        Money per new customer (> 0).
    churn_rate : float
        Churn rate per period without the programme, in [0, 1].
    margin_per_customer : float
        Margin earned per customer per period (money, ≥ 0).
    programme_cost_per_customer : float
        Cost of the retention programme per customer per period (money, ≥ 0).
    churn_reduction : float
        Share of churn the programme removes, in [0, 1].

    Returns
    -------
    BudgetComparison
        ``runs``: the three :func:`simulate` frames by name; ``summary``: one row per
        run with ``customers_end`` (at the horizon), ``extra_customers`` (vs as is),
        ``extra_spend`` (total money spent beyond as is), ``cumulative_profit``,
        ``extra_profit`` (vs as is), ``long_run_customers`` (steady state if the last
        period's settings went on) and ``cost_per_customer`` (won or saved).

    Examples
    --------
    >>> result = pour_or_plug(120, initial_customers=1000, acquisition_spend=5000,
    ...     cost_per_acquisition=50, churn_rate=0.05, margin_per_customer=20,
    ...     programme_cost_per_customer=1.0, churn_reduction=0.5)
    >>> result.summary["cost_per_customer"].round(1).tolist()  # 1 / (0.05 · 0.5) = 40 < 50
    [nan, 40.0, 50.0]
    >>> result.summary["long_run_customers"].round().tolist()  # plugging wins
    [2000.0, 4000.0, 3600.0]
    """
    spend = _per_period("acquisition_spend", acquisition_spend, _periods_checked(periods), 0)
    common = dict(
        initial_customers=initial_customers,
        cost_per_acquisition=cost_per_acquisition,
        churn_rate=churn_rate,
        revenue_per_customer=margin_per_customer,
    )
    as_is = simulate(periods, acquisition_spend=spend, **common)
    plug = simulate(
        periods,
        acquisition_spend=spend,
        **common,
        retention_cost_per_customer=programme_cost_per_customer,
        churn_reduction=churn_reduction,
    )
    pour = simulate(periods, acquisition_spend=spend + plug["retention_cost"].to_numpy(), **common)
    runs = {N_("as is"): as_is, N_("plug the holes"): plug, N_("pour more in"): pour}

    inflow = spend[-1] / cost_per_acquisition
    plug_level = steady_state(inflow, churn_rate * (1 - churn_reduction))
    long_run = [
        steady_state(inflow, churn_rate),
        plug_level,
        steady_state(inflow + programme_cost_per_customer * plug_level / cost_per_acquisition, churn_rate)
        if math.isfinite(plug_level)
        else math.inf,
    ]
    summary = pd.DataFrame(
        {
            "customers_end": [run["customers_end"].iloc[-1] for run in runs.values()],
            "extra_spend": [0.0, plug["retention_cost"].sum(), plug["retention_cost"].sum()],
            "cumulative_profit": [run["cumulative_profit"].iloc[-1] for run in runs.values()],
            "long_run_customers": long_run,
            "cost_per_customer": [
                math.nan,
                cost_per_customer_saved(programme_cost_per_customer, churn_rate, churn_reduction),
                float(cost_per_acquisition),
            ],
        },
        index=pd.Index(list(runs), name="strategy"),
    )
    summary.insert(1, "extra_customers", summary["customers_end"] - summary["customers_end"].iloc[0])
    summary.insert(4, "extra_profit", summary["cumulative_profit"] - summary["cumulative_profit"].iloc[0])
    return BudgetComparison(runs=runs, summary=summary)


def pour_or_plug_for(
    calibration: BucketCalibration, periods: int, *, programme_cost_per_customer: float, churn_reduction: float
) -> BudgetComparison:
    """:func:`pour_or_plug` for a company's own bucket, as :func:`calibrate_bucket` measured it.

    The start is today's customers; the spend, the churn and the margin are the calibrated
    ones; a customer won costs what a newcomer still there after the first month cost
    (``cost_per_kept_acquisition``), since the bucket counts only those as inflow.

    Parameters
    ----------
    calibration : BucketCalibration
        the company's bucket (:func:`calibrate_bucket`).
    periods : int
        horizon, in the calibration's periods.
    programme_cost_per_customer, churn_reduction : float
        the retention programme, as in :func:`pour_or_plug`.

    Returns
    -------
    BudgetComparison
        as :func:`pour_or_plug`.
    """
    return pour_or_plug(
        periods,
        initial_customers=calibration.customers_now,
        acquisition_spend=calibration.acquisition_spend,
        cost_per_acquisition=calibration.cost_per_kept_acquisition,
        churn_rate=calibration.churn_rate,
        margin_per_customer=calibration.margin_per_customer,
        programme_cost_per_customer=programme_cost_per_customer,
        churn_reduction=churn_reduction,
    )


def _periods_checked(periods) -> int:
    if isinstance(periods, bool) or not isinstance(periods, (int, np.integer)) or periods < 1:
        raise ValueError(f"periods must be an integer ≥ 1; got {periods!r}")
    return int(periods)


# ---------------------------------------------------------------------------------------
# The economics of loyalty (Reichheld & Sasser 1990; Reichheld 1996)
# ---------------------------------------------------------------------------------------


def margin_by_tenure_year(
    customers: pd.DataFrame, transactions: pd.DataFrame, churn: pd.DataFrame, observation_end=None
) -> pd.DataFrame:
    """Margin per active customer in the first, second, third … year of the relationship.

    Reichheld's (1996) "loyalty effect": a customer who stays buys more, costs less to
    serve and refers others, so the profit per customer rises with tenure. This measures
    it: the margin (amount − cost) of the purchases made in tenure year ``y`` (months
    12(y − 1) … 12y − 1 after the signup month), divided by the customer-months spent in
    that year by everyone (counting the signup month and the churn month as whole
    months). The ratio is the average margin of a customer *who is there* in that year.

    Parameters
    ----------
    customers : DataFrame
        ``customer_id`` and ``signup_date``.
    transactions : DataFrame
        ``customer_id``, ``date``, ``amount`` and ``cost``.
    churn : DataFrame
        ``customer_id`` and ``date`` of each defection.
    observation_end : date, optional
        Last day of the data; default the latest date in the tables.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``tenure_year`` (1, 2, …); columns ``customer_months``, ``margin``,
        ``margin_per_customer_month`` and ``margin_per_customer_year`` (× 12).

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2],
    ...     "signup_date": pd.to_datetime(["2023-01-15", "2023-07-01"])})
    >>> sales = pd.DataFrame({"customer_id": [1, 1, 2],
    ...     "date": pd.to_datetime(["2023-03-01", "2024-02-01", "2023-08-01"]),
    ...     "amount": [100.0, 300.0, 50.0], "cost": [70.0, 180.0, 30.0]})
    >>> churn = pd.DataFrame({"customer_id": [2], "date": pd.to_datetime(["2023-12-20"])})
    >>> table = margin_by_tenure_year(customers, sales, churn, "2024-06-30")
    >>> print(table.to_string())  # doctest: +NORMALIZE_WHITESPACE
                 customer_months  margin  margin_per_customer_month  margin_per_customer_year
    tenure_year
    1                          18    50.0                   2.777778                 33.333333
    2                           6   120.0                  20.000000                240.000000
    """
    require_columns("customers", customers, ("customer_id", "signup_date"))
    require_columns("transactions", transactions, ("customer_id", "date", "amount", "cost"))
    require_columns("churn", churn, ("customer_id", "date"))
    _, lost_on = _signup_of_churners(customers, churn)
    signup = pd.to_datetime(customers["signup_date"])
    sold_on = to_dates("transactions", transactions, "date")
    if observation_end is None:
        end = pd.Series([signup.max(), lost_on.max(), sold_on.max()]).max()
    else:
        end = pd.Timestamp(observation_end)

    def month_number(dates) -> np.ndarray:
        dates = pd.DatetimeIndex(dates)
        return dates.year.to_numpy() * 12 + dates.month.to_numpy()

    signup_by_id = pd.Series(month_number(signup), index=customers["customer_id"].to_numpy())
    unknown = ~transactions["customer_id"].isin(signup_by_id.index)
    refuse_rows("transactions", "customer_id", transactions, unknown, "are not in the customers table")
    lost_by_id = pd.Series(month_number(lost_on), index=churn["customer_id"].to_numpy())
    last_month = lost_by_id.reindex(signup_by_id.index).fillna(month_number([end])[0])
    joined = signup <= end
    months_there = (last_month.to_numpy(dtype=np.int64) - signup_by_id.to_numpy() + 1)[joined.to_numpy()]
    sold_in = (sold_on <= end).to_numpy()
    tenure = (
        month_number(sold_on[sold_in])
        - signup_by_id.reindex(transactions["customer_id"][sold_in].to_numpy()).to_numpy()
    )
    year = tenure // 12 + 1
    n_years = int(max(1, np.ceil(months_there.max() / 12))) if months_there.size else 1
    years = np.arange(1, n_years + 1)
    exposure = np.clip(months_there[:, None] - 12 * (years[None, :] - 1), 0, 12).sum(axis=0)
    margin_each = (transactions["amount"] - transactions["cost"]).to_numpy(dtype=float)[sold_in]
    margin = np.bincount(year - 1, weights=margin_each, minlength=n_years)[:n_years]
    table = pd.DataFrame({"customer_months": exposure, "margin": margin}, index=pd.Index(years, name="tenure_year"))
    table = table[table["customer_months"] > 0]
    table["margin_per_customer_month"] = table["margin"] / table["customer_months"]
    table["margin_per_customer_year"] = 12 * table["margin_per_customer_month"]
    return table


def _value(retention, yearly_profits: np.ndarray, profit_growth: float, discount_rate: float, acquisition_cost: float):
    """Customer value for an array of retentions, year by year with :func:`helpers.value.clv`; NaN where it diverges."""
    r = np.asarray(retention, dtype=float)
    converges = r * (1 + profit_growth) < 1 + discount_rate
    r_safe = np.where(converges, r, 0.0)
    last = yearly_profits.size - 1
    total = -acquisition_cost
    for year, profit in enumerate(yearly_profits):
        reach = (r_safe / (1 + discount_rate)) ** year  # still there, and discounted, after `year` years
        total = total + reach * clv(
            profit,
            r_safe,
            discount_rate,
            timing="end",
            horizon=None if year == last else 1,
            margin_growth=profit_growth if year == last else 0.0,
        )
    return np.where(converges, total, np.nan)


def customer_value(
    retention,
    first_year_profit: float,
    *,
    later_year_profits: Sequence[float] = (),
    profit_growth: float = 0.0,
    discount_rate: float = 0.10,
    acquisition_cost: float = 0.0,
):
    """Present value of a newly acquired customer, net of what acquiring them cost.

    The customer is acquired at cost ``A`` at time 0, brings profit ``p_t`` in year ``t``
    if still there, stays each further year with probability ``r`` (so is there in year
    ``t`` with probability ``r^{t−1}``), and profits are discounted at rate ``d``, paid at
    the end of each year. Profits ``p_1 … p_T`` are given (``first_year_profit`` then
    ``later_year_profits``); after year ``T`` they grow at ``g`` a year::

        V(r) = −A + Σ_{t=1}^{T} p_t r^{t−1} / (1+d)^t
                  + p_T r^{T−1} / (1+d)^T · q / (1 − q),     q = r (1+g) / (1+d)

    With ``T = 1`` this is ``−A + p_1 / (1 + d − r (1+g))``, the model behind Reichheld &
    Sasser (1990) and Gupta & Lehmann's (2003) margin multiple. The series converges when
    ``q < 1``. Each year's term is the course's one CLV formula, :func:`helpers.value.clv`
    (timing ``"end"``), for that year's profit.

    Parameters
    ----------
    retention : float or array-like
        Yearly retention rate, in [0, 1].
    first_year_profit : float
        Profit in year 1 (money).
    later_year_profits : sequence of float
        Profits in years 2, 3, … (money); the last one then grows at ``profit_growth``.
    profit_growth : float
        Yearly growth of the profit after the last year given (fraction, > −1).
    discount_rate : float
        Yearly discount rate (fraction, ≥ 0).
    acquisition_cost : float
        Paid at time 0 (money, ≥ 0).

    Returns
    -------
    float or numpy.ndarray
        Value of the customer (money).

    Raises
    ------
    ValueError
        On rates out of range or a series that diverges (infinite value).

    Examples
    --------
    >>> round(customer_value(0.8, 100, profit_growth=0.05, acquisition_cost=100), 2)
    284.62
    >>> round(customer_value(0.5, 100, later_year_profits=[200], discount_rate=0.0), 2)
    300.0
    """
    r = _check_range("retention", retention, 0, 1)
    _check_range("profit_growth", profit_growth, -1, low_open=True)
    _check_range("discount_rate", discount_rate, 0)
    _check_range("acquisition_cost", acquisition_cost, 0)
    profits = np.asarray([first_year_profit, *later_year_profits], dtype=float)
    if np.isnan(profits).any():
        raise ValueError("first_year_profit and later_year_profits must be numbers, not NaN")
    ratio = r * (1 + profit_growth) / (1 + discount_rate)
    if (ratio >= 1).any():
        worst = float(np.max(r)) * (1 + profit_growth)
        raise ValueError(
            f"retention × (1 + profit_growth) = {worst:.4g} must be below 1 + discount_rate = "
            f"{1 + discount_rate:.4g}, or the customer's value is infinite"
        )
    value = _value(r, profits, profit_growth, discount_rate, acquisition_cost)
    return float(value) if np.ndim(value) == 0 else value


def profit_uplift_from_retention(
    base_retention: float,
    retention_gain: float = 0.05,
    *,
    first_year_profit: float = 100.0,
    profit_growth: float = 0.05,
    discount_rate: float = 0.10,
    acquisition_cost: float = 100.0,
    later_year_profits: Sequence[float] = (),
) -> float:
    """Relative rise in a customer's value when yearly retention rises by a few points.

    Reichheld & Sasser (1990) found that cutting defections by 5 points raised profits by
    25 % to 85 % across industries, because loyal customers are worth more each year
    (Reichheld 1996: the loyalty connectors — repeat and cross-selling, referrals, less
    price sensitivity, lower cost to serve — on top of the acquisition cost paid once).

    Model (yearly, expected values; :func:`customer_value`): a customer is acquired at
    cost ``A`` at time 0, brings profit ``m`` in year 1 and ``m (1 + g)^{t−1}`` in year
    ``t``, stays each further year with probability ``r`` (so is there in year ``t`` with
    probability ``r^{t−1}``), and profits are discounted at rate ``d``, paid at the end
    of each year::

        V(r) = −A + Σ_{t≥1} m (1+g)^{t−1} r^{t−1} / (1+d)^t
             = −A + m / (1 + d − r (1+g))

    (a geometric series; it converges when ``r (1+g) < 1 + d``). The function returns
    ``V(r + Δ) / V(r) − 1``. With ``discount_rate = 0`` the same ratio is the uplift in
    the *yearly profit of the whole base* of a firm that acquires a constant number of
    customers each year, once it has reached its steady state (tenure ``t`` then holds
    ``r^{t−1}`` of each intake). Only the ratio ``A / m`` matters, not the currency.
    ``later_year_profits`` replaces the constant growth of the first years by a measured
    profile (:func:`margin_by_tenure_year`); growth ``g`` then applies after it.

    Assumptions: constant retention at every tenure, profit growth that goes on while the
    customer stays, nothing earned from a customer after they leave.

    With a discount rate of 10 %, base retention 0.75–0.90, profit growth 0–6 % a year
    and an acquisition cost of 1–1.5 years of first-year profit, the uplift of 5 points
    lies in 25 %–85 %, Reichheld & Sasser's range. It leaves the range when retention is
    low (0.50 → 0.55 gains about 10 % with no acquisition cost), very high (0.95 → 1.00
    doubles the value), or when thin margins leave little value above the acquisition
    cost (a small ``V(r)`` makes any gain look huge).

    Parameters
    ----------
    base_retention : float
        Yearly retention rate before the improvement, in [0, 1].
    retention_gain : float
        Rise in the yearly retention rate, in points as a fraction (0.05 = 5 points);
        ``base_retention + retention_gain`` must stay ≤ 1.
    first_year_profit : float
        Profit from a customer in their first year (money, > 0).
    profit_growth : float
        Yearly growth of the profit per customer with tenure (fraction, > −1; 0.05 = 5 %).
    discount_rate : float
        Yearly discount rate (fraction, ≥ 0).
    acquisition_cost : float
        Cost of acquiring the customer, paid at time 0 (money, ≥ 0).
    later_year_profits : sequence of float
        Profits in years 2, 3, … if known (money); default: growth ``g`` from year 1.

    Returns
    -------
    float
        Relative uplift of the customer's value (0.34 = +34 %).

    Raises
    ------
    ValueError
        On rates out of range, a series that diverges, or a customer worth ≤ 0 at the
        base retention (a relative uplift would be meaningless).

    Examples
    --------
    >>> round(profit_uplift_from_retention(0.80), 3)  # 0.80 → 0.85, g 5 %, d 10 %, A = m
    0.342
    """
    _check_range("base_retention", base_retention, 0, 1)
    _check_range("retention_gain", retention_gain, 0, 1)
    if base_retention + retention_gain > 1 + 1e-12:
        raise ValueError(f"base_retention + retention_gain must not exceed 1; got {base_retention} + {retention_gain}")
    _check_range("first_year_profit", first_year_profit, 0, low_open=True)
    _check_range("profit_growth", profit_growth, -1, low_open=True)
    economics = dict(
        first_year_profit=first_year_profit,
        later_year_profits=later_year_profits,
        profit_growth=profit_growth,
        discount_rate=discount_rate,
        acquisition_cost=acquisition_cost,
    )
    before = customer_value(base_retention, **economics)
    if before <= 0:
        raise ValueError(
            f"at base_retention={base_retention} the customer is worth {before:.4g} ≤ 0 "
            f"(acquisition_cost is not recovered), so a relative uplift is meaningless"
        )
    after = customer_value(min(base_retention + retention_gain, 1.0), **economics)
    return after / before - 1


def retention_uplift_grid(
    base_retentions,
    acquisition_cost_ratios,
    *,
    retention_gain: float = 0.05,
    profit_growth: float = 0.05,
    discount_rate: float = 0.10,
) -> pd.DataFrame:
    """:func:`profit_uplift_from_retention` over a grid: when does "+5 points" pay 25–85 %?

    Only the ratio of acquisition cost to first-year profit matters (the currency
    cancels), so the grid is base retention × that ratio. Cells where the customer is
    worth nothing at the base retention (the relative uplift is meaningless), where
    ``base + gain`` exceeds 1, or where the value diverges are NaN.

    Parameters
    ----------
    base_retentions : array-like
        Yearly retention rates before the improvement, in [0, 1].
    acquisition_cost_ratios : array-like
        Acquisition cost divided by first-year profit (≥ 0).
    retention_gain, profit_growth : float
        As in :func:`profit_uplift_from_retention`.
    discount_rate : float
        Discount rate per year, the model's period (fraction, ≥ 0).

    Returns
    -------
    pandas.DataFrame
        Index ``base_retention``, columns ``acquisition_cost_ratio``, values the uplift.

    Examples
    --------
    >>> grid = retention_uplift_grid([0.5, 0.8], [0.0, 1.0])
    >>> grid.round(3)  # doctest: +NORMALIZE_WHITESPACE
    acquisition_cost_ratio    0.0    1.0
    base_retention
    0.5                     0.100  0.236
    0.8                     0.253  0.342
    """
    r = _check_range("base_retentions", base_retentions, 0, 1).reshape(-1)
    ratios = _check_range("acquisition_cost_ratios", acquisition_cost_ratios, 0).reshape(-1)
    _check_range("retention_gain", retention_gain, 0, 1)
    _check_range("profit_growth", profit_growth, -1, low_open=True)
    _check_range("discount_rate", discount_rate, 0)
    one = np.ones(1)
    gross_before = _value(r, one, profit_growth, discount_rate, 0.0)  # value + A, per unit profit
    after_r = r + retention_gain
    with np.errstate(invalid="ignore"):
        gross_after = np.where(
            after_r <= 1 + 1e-12, _value(np.minimum(after_r, 1.0), one, profit_growth, discount_rate, 0.0), np.nan
        )
    before = gross_before[:, None] - ratios[None, :]
    after = gross_after[:, None] - ratios[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        uplift = np.where(before > 0, after / before - 1, np.nan)
    return pd.DataFrame(
        uplift, index=pd.Index(r, name="base_retention"), columns=pd.Index(ratios, name="acquisition_cost_ratio")
    )


# ---------------------------------------------------------------------------------------
# The ground truth of the leak (for data that come with it)
# ---------------------------------------------------------------------------------------


def structural_hazard_by_month(
    customers: pd.DataFrame,
    churn: pd.DataFrame,
    stage_history: pd.DataFrame,
    base_churn: pd.Series,
    bonds: pd.DataFrame,
    *,
    stage_factor: Mapping[str, float],
    bond_factor: Mapping[str, float],
    observation_end=None,
) -> pd.DataFrame:
    """Who is in the bucket each month, and how leaky they are by construction.

    For the customers there on the first day of each month (signed up before it, not yet
    lost), the average of three known drivers of the monthly churn hazard and of their
    product ``base_churn × stage factor × Π bond factors``:

    * ``mean_base_churn`` — the customers' own churn-proneness: it falls when the leakiest
      customers leave first (selection);
    * ``mean_stage_factor`` — the relationship stage (stranger … partner) held that month;
    * ``mean_bond_factor`` — the retention bonds held since before the month began.

    It leaves out what changes from month to month (satisfaction, complaints), so its level
    is not the churn rate, but its *trend* shows why one constant churn rate cannot fit a
    young, growing base (a mixture of leaky and loyal customers, Fader & Hardie 2010).

    Parameters
    ----------
    customers : DataFrame
        ``customer_id`` and ``signup_date``.
    churn : DataFrame
        ``customer_id`` and ``date`` of each defection.
    stage_history : DataFrame
        ``customer_id``, ``date`` (first day of the month the stage starts) and ``stage``.
    base_churn : Series
        Monthly churn hazard of each customer before stage, satisfaction and bonds,
        indexed by ``customer_id``.
    bonds : DataFrame
        ``customer_id``, ``level`` and ``start_date`` of each enrolment (bonds never end).
    stage_factor, bond_factor : mappings
        Hazard multiplier of each stage and of each bond level.
    observation_end : date, optional
        Last day of the data; default the latest signup or churn date.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``month`` (first day), from the second month of the data; columns
        ``customers``, ``mean_base_churn``, ``mean_stage_factor``, ``mean_bond_factor``,
        ``mean_hazard``.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2],
    ...     "signup_date": pd.to_datetime(["2024-01-10", "2024-01-20"])})
    >>> churn = pd.DataFrame({"customer_id": [2], "date": pd.to_datetime(["2024-02-15"])})
    >>> history = pd.DataFrame({"customer_id": [1, 2, 1],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-03-01"]),
    ...     "stage": ["stranger", "stranger", "friend"]})
    >>> bonds = pd.DataFrame({"customer_id": [1], "level": ["financial"],
    ...                       "start_date": pd.to_datetime(["2024-02-05"])})
    >>> hazard = structural_hazard_by_month(customers, churn, history,
    ...     pd.Series([0.04, 0.10], index=[1, 2]), bonds,
    ...     stage_factor={"stranger": 1.0, "friend": 0.5}, bond_factor={"financial": 0.8},
    ...     observation_end="2024-03-31")
    >>> print(hazard.to_string())  # doctest: +NORMALIZE_WHITESPACE
                customers  mean_base_churn  mean_stage_factor  mean_bond_factor  mean_hazard
    month
    2024-02-01          2             0.07                1.0               1.0        0.070
    2024-03-01          1             0.04                0.5               0.8        0.016
    """
    require_columns("customers", customers, ("customer_id", "signup_date"))
    require_columns("stage_history", stage_history, ("customer_id", "date", "stage"))
    require_columns("bonds", bonds, ("customer_id", "level", "start_date"))
    _, lost_on = _signup_of_churners(customers, churn)
    signup = pd.to_datetime(customers["signup_date"])
    end = (
        pd.Timestamp(observation_end) if observation_end is not None else pd.Series([signup.max(), lost_on.max()]).max()
    )
    unknown_stage = ~stage_history["stage"].astype(str).isin([str(k) for k in stage_factor])
    refuse_rows("stage_history", "stage", stage_history, unknown_stage, "have a stage with no factor")
    unknown_level = ~bonds["level"].astype(str).isin([str(k) for k in bond_factor])
    refuse_rows("bonds", "level", bonds, unknown_level, "have a level with no factor")
    ids = customers["customer_id"].to_numpy()
    base = base_churn.reindex(ids)
    refuse_rows("customers", "customer_id", customers, base.isna().to_numpy(), "have no base_churn")

    def month_index(dates) -> np.ndarray:
        dates = pd.DatetimeIndex(dates)
        return dates.year.to_numpy() * 12 + dates.month.to_numpy() - 1

    first_month = month_index(signup).min()
    last_month = month_index([end])[0]
    # A customer is there at the start of month m if it joined in an earlier month and
    # left in month m or later.
    lost_month = pd.Series(month_index(lost_on), index=churn["customer_id"].to_numpy())
    leaves = lost_month.reindex(ids).fillna(last_month).to_numpy(dtype=np.int64)
    first_there = month_index(signup) + 1
    counts = np.clip(np.minimum(leaves, last_month) - first_there + 1, 0, None)
    rows = np.repeat(np.arange(ids.size), counts)
    offset = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
    month = first_there[rows] + offset
    grid = pd.DataFrame({"customer_id": ids[rows], "month": month, "base_churn": base.to_numpy()[rows]})
    grid["date"] = pd.to_datetime({"year": month // 12, "month": month % 12 + 1, "day": 1}).astype("datetime64[ns]")

    stages = pd.DataFrame(
        {
            "customer_id": stage_history["customer_id"].to_numpy(),
            "date": pd.to_datetime(stage_history["date"]).to_numpy(dtype="datetime64[ns]"),
            "stage_factor": stage_history["stage"]
            .astype(str)
            .map({str(k): float(v) for k, v in stage_factor.items()})
            .to_numpy(),
        }
    )
    grid = pd.merge_asof(
        grid.sort_values("date", kind="stable"),
        stages.sort_values("date", kind="stable"),
        on="date",
        by="customer_id",
        direction="backward",
    )
    grid["stage_factor"] = grid["stage_factor"].fillna(1.0)

    held_from = month_index(pd.to_datetime(bonds["start_date"])) + 1
    enrolments = pd.DataFrame(
        {
            "customer_id": bonds["customer_id"].to_numpy(),
            "held_from": held_from,
            "log_factor": np.log(
                bonds["level"].astype(str).map({str(k): float(v) for k, v in bond_factor.items()}).to_numpy(dtype=float)
            ),
        }
    )
    grid["row"] = np.arange(len(grid))
    pairs = grid[["row", "customer_id", "month"]].merge(enrolments, on="customer_id")
    pairs = pairs[pairs["month"] >= pairs["held_from"]]
    log_bond = pairs.groupby("row")["log_factor"].sum().reindex(grid["row"], fill_value=0.0)
    grid["bond_factor"] = np.exp(log_bond.to_numpy())
    grid["hazard"] = grid["base_churn"] * grid["stage_factor"] * grid["bond_factor"]

    months = np.arange(first_month + 1, last_month + 1)
    table = (
        grid.groupby("month")
        .agg(
            customers=("customer_id", "size"),
            mean_base_churn=("base_churn", "mean"),
            mean_stage_factor=("stage_factor", "mean"),
            mean_bond_factor=("bond_factor", "mean"),
            mean_hazard=("hazard", "mean"),
        )
        .reindex(months)
    )
    table["customers"] = table["customers"].fillna(0).astype(np.int64)
    table.index = pd.to_datetime({"year": months // 12, "month": months % 12 + 1, "day": 1})
    table.index.name = "month"
    return table


# ---------------------------------------------------------------------------------------
# One customer, three lifetimes: reconciling lessons 01, 02 and 03
# ---------------------------------------------------------------------------------------


def median_lifetime(churn_rate):
    """Median number of periods a customer stays, for a constant churn rate.

    Same convention as :func:`helpers.retention.expected_lifetime` (the period of
    acquisition counts): the survival after ``t`` periods is ``(1 − churn)^t`` and the
    median is the first ``t`` at which at most half are still there,
    ``ceil(ln 0.5 / ln(1 − churn))``. A geometric lifetime is skewed: its median is
    about ``ln 2 ≈ 0.69`` of its mean ``1 / churn``.

    Parameters
    ----------
    churn_rate : number or array-like
        Churn per period, a fraction in [0, 1].

    Returns
    -------
    float or numpy.ndarray
        The median in periods, at least 1 (``inf`` for no churn).

    Examples
    --------
    >>> median_lifetime(0.05)   # mean 1 / 0.05 = 20 periods
    14.0
    >>> median_lifetime([0.5, 1.0]).tolist()  # at least the period of acquisition
    [1.0, 1.0]
    """
    churn = _check_range("churn_rate", churn_rate, 0, 1)
    with np.errstate(divide="ignore"):
        periods = np.maximum(1.0, np.ceil(np.log(0.5) / np.log1p(-churn) - 1e-9))
    periods = np.where(churn == 0, np.inf, periods)
    return float(periods) if np.ndim(periods) == 0 else periods


def chain_survival(transition, periods: int, start: str = "stranger") -> pd.Series:
    """Share of customers starting in ``start`` not yet lost after 0, 1, …, ``periods`` periods.

    The survival of the stage model of lesson 01 (:mod:`helpers.relationships`): row
    ``start`` of the matrix powers ``Pᵗ`` gives where a customer is after ``t`` periods,
    and survival is one minus the probability of being in ``lost``. Its sum over all
    ``t ≥ 0`` is the expected lifetime, the row sum of the fundamental matrix
    (:func:`helpers.relationships.time_in_stages`).

    Parameters
    ----------
    transition : DataFrame or array
        Square matrix over the four stages and ``lost`` (last), rows summing to one.
    periods : int
        The last period to compute.
    start : str
        The starting stage.

    Returns
    -------
    Series
        Survival indexed by period ``0 … periods`` (``1.0`` at period 0).

    Examples
    --------
    >>> P = np.diag([1.0] * 5); P[0] = [0.5, 0.0, 0.0, 0.0, 0.5]
    >>> chain_survival(P, 3).tolist()
    [1.0, 0.5, 0.25, 0.125]
    """
    from helpers import schema

    matrix = np.asarray(transition, dtype=float)
    states = [*schema.STAGES, "lost"]
    if matrix.shape != (len(states), len(states)):
        raise ValueError(f"transition must be a {len(states)} × {len(states)} matrix over {states}")
    if start not in schema.STAGES:
        raise ValueError(f"start must be one of {list(schema.STAGES)}, got {start!r}")
    periods = _periods_checked(periods) if periods else 0
    where = np.zeros(len(states))
    where[states.index(start)] = 1.0
    alive = [1.0]
    for _ in range(periods):
        where = where @ matrix
        alive.append(1.0 - where[-1])
    return pd.Series(alive, index=pd.RangeIndex(periods + 1, name="period"), name="survival")


def lifetime_views(
    churn_rate: float, survival_curve: pd.DataFrame, transition, *, months_per_step: int = 12
) -> pd.DataFrame:
    """A customer's lifetime as the three lessons measure it, side by side, in months.

    * **one pooled churn rate** (lesson 03, :func:`calibrate_bucket`): every customer
      leaks at the same monthly rate, so the lifetime is geometric: mean ``1 / churn``
      (:func:`helpers.retention.expected_lifetime`), median :func:`median_lifetime`;
    * **Kaplan–Meier from signup** (lesson 02, :func:`helpers.retention.survival_curve`):
      the median read from the data (:func:`helpers.retention.median_survival`); the mean
      only if the curve reaches zero, otherwise it depends on the unseen tail (NaN);
    * **stage model** (lesson 01, :mod:`helpers.relationships`): a new stranger moving
      between stages with yearly probabilities; mean from the fundamental matrix
      (:func:`helpers.relationships.time_in_stages`), median the first whole step at
      which at most half are left (:func:`chain_survival`).

    The medians all mean "the first time at which at most half are still there", and the
    two model means count the period of acquisition in full.

    Parameters
    ----------
    churn_rate : float
        Pooled monthly churn (``calibrate_bucket(...).churn_rate``).
    survival_curve : DataFrame
        An ungrouped Kaplan–Meier curve in months.
    transition : DataFrame or array
        The stage model's migration matrix over one step (a year).
    months_per_step : int
        Months in one step of ``transition`` (12 for a yearly matrix).

    Returns
    -------
    DataFrame
        One row per view (``pooled churn``, ``Kaplan–Meier``, ``stage model``) with
        ``lesson``, ``mean_months``, ``median_months``, ``still_there`` (survival at
        ``observed_months``, the end of what the view rests on) and ``observed_months``.

    Examples
    --------
    >>> P = np.diag([1.0] * 5); P[0] = [0.5, 0.0, 0.0, 0.0, 0.5]
    >>> curve = pd.DataFrame({"time": [0.0, 6.0, 12.0], "survival": [1.0, 0.6, 0.45]})
    >>> views = lifetime_views(0.05, curve, P)
    >>> views.index.tolist()
    ['pooled churn', 'Kaplan–Meier', 'stage model']
    >>> views["mean_months"].round(1).tolist(), views["median_months"].tolist()
    ([20.0, nan, 24.0], [14.0, 12.0, 12.0])
    """
    from helpers.relationships import time_in_stages
    from helpers.retention import median_survival, restricted_mean_survival

    churn = float(_check_range("churn_rate", churn_rate, 0, 1, low_open=True))
    require_columns("survival curve", survival_curve, ("time", "survival"))
    if "group" in survival_curve.columns:
        raise ValueError("lifetime_views needs one survival curve for all customers, not a grouped one")
    observed = float(survival_curve["time"].max())
    km_end = float(survival_curve["survival"].iloc[-1])
    km_mean = restricted_mean_survival(survival_curve, observed) if km_end == 0 else math.nan
    mean_steps = float(time_in_stages(transition).sum())
    survival = chain_survival(transition, max(1, math.ceil(20 * mean_steps)))
    below = survival[survival <= 0.5]
    median_steps = float(below.index[0]) if len(below) else math.inf
    rows = {
        N_("pooled churn"): (
            "03",
            float(expected_lifetime(1 - churn)),
            median_lifetime(churn),
            (1 - churn) ** observed,
        ),
        "Kaplan–Meier": ("02", km_mean, median_survival(survival_curve), km_end),
        N_("stage model"): (
            "01",
            mean_steps * months_per_step,
            median_steps * months_per_step,
            float(np.interp(observed / months_per_step, survival.index, survival.to_numpy())),
        ),
    }
    table = pd.DataFrame.from_dict(
        rows, orient="index", columns=["lesson", "mean_months", "median_months", "still_there"]
    )
    table["observed_months"] = observed
    table.index.name = "view"
    return table
