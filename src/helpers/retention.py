"""Retention, churn and survival of customers: the measures behind lessons 03 and 06.

Three levels of detail, from the boardroom number to the customer-level curve:

* **Period rates** — :func:`retention_rate`, :func:`churn_rate` and
  :func:`expected_lifetime` turn three counts (customers at the start, at the end, new
  ones) into the classic ratios of Reichheld (1996) and Farris et al. (2010).
* **Survival** — :func:`customer_durations` turns the customers and churn tables into
  right-censored durations; :func:`survival_curve` is a hand-written Kaplan–Meier
  estimator (Kaplan & Meier 1958); :func:`median_survival`, :func:`survival_at` and
  :func:`restricted_mean_survival` read its median, its value at chosen times and the
  area under it (the expected months a customer stays within a horizon);
  :func:`landmark_durations` restarts the clock at a landmark so that groups formed
  during follow-up can be compared fairly (Anderson, Cain & Gelber 1983).
* **Cohorts** — :func:`cohort_table` is the signup-month × age table of the share of
  each cohort still active (or still buying).
* **Two records of churn** — :func:`churn_agreement` and :func:`churn_delay` set a churn
  rule (such as inactivity, for data without a record of lost customers) against a record
  of who really left: whom the rule misses or calls lost too soon, and how late it is.

Every function is pure: pandas/numpy in, pandas/numpy out, no plotting, no files.

References
----------
* Reichheld, F. F. (1996). *The Loyalty Effect*. Harvard Business School Press.
* Farris, P. W., Bendle, N. T., Pfeifer, P. E. & Reibstein, D. J. (2010).
  *Marketing Metrics* (2nd ed.), ch. 5 "Customer profitability". Wharton School Publishing.
* Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete
  observations. *Journal of the American Statistical Association* 53(282), 457–481.
* Greenwood, M. (1926). *The natural duration of cancer*. Reports on Public Health and
  Medical Subjects 33. HMSO.
* Kalbfleisch, J. D. & Prentice, R. L. (2002). *The Statistical Analysis of Failure Time
  Data* (2nd ed.), §1.4 (log-log confidence intervals). Wiley.
* Anderson, J. R., Cain, K. C. & Gelber, R. D. (1983). Analysis of survival by tumor
  response. *Journal of Clinical Oncology* 1(11), 710–719 (the landmark method).
* Royston, P. & Parmar, M. K. B. (2013). Restricted mean survival time: an alternative to
  the hazard ratio. *BMC Medical Research Methodology* 13, 152.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers.validation import SHOWN_ROWS, refuse_rows, require, require_columns, scalar_or_array, to_dates

__all__ = [
    "DAYS_PER_MONTH",
    "CohortTable",
    "churn_agreement",
    "churn_delay",
    "churn_rate",
    "cohort_table",
    "customer_durations",
    "expected_lifetime",
    "landmark_durations",
    "inactivity_churn",
    "median_survival",
    "restricted_mean_survival",
    "retention_rate",
    "survival_at",
    "survival_curve",
]

#: Average length of a month in the Gregorian calendar (365.25 / 12 days).
DAYS_PER_MONTH = 30.4375

#: The course's inactivity rule: without a record of who left, a customer with no purchase
#: for this many days counts as lost (:func:`inactivity_churn`).
INACTIVE_DAYS = 180
#: The longest silence the rule accepts (100 years): a longer one is a typing error.
MAX_INACTIVE_DAYS = 36_525


# ---------------------------------------------------------------------------------------
# Input checks shared by the functions below
# ---------------------------------------------------------------------------------------


def _numbers(name: str, value) -> np.ndarray:
    """``value`` as a float array; NaN and infinity are refused with the argument's name."""
    array = np.asarray(value, dtype=float)
    require(~np.isnan(array), f"{name} must be a number, not NaN", **{name: array})
    require(np.isfinite(array), f"{name} must be finite", **{name: array})
    return array


# ---------------------------------------------------------------------------------------
# Period rates
# ---------------------------------------------------------------------------------------


def retention_rate(customers_start, customers_end, new_customers):
    """Share of the customers at the start of a period who are still customers at its end.

    ``retention = (customers_end − new_customers) / customers_start``: the customers at
    the end who were not acquired during the period, over those there were to keep
    (Reichheld 1996, ch. 2; Farris et al. 2010, §5.2 "retention rate").

    Parameters
    ----------
    customers_start : number or array-like
        Customers at the start of the period (count, > 0).
    customers_end : number or array-like
        Customers at the end of the period (count, ≥ 0).
    new_customers : number or array-like
        Customers acquired during the period and still there at its end (count, ≥ 0).

    Arrays are broadcast against each other, one element per period or per segment.

    Returns
    -------
    float or numpy.ndarray
        Retention rate, a fraction in [0, 1] (a float for scalar input).

    Raises
    ------
    ValueError
        On NaN, negative counts, ``new_customers > customers_end``,
        ``customers_end − new_customers > customers_start`` (more retained than there
        were) or ``customers_start == 0``, naming the argument and the first bad value.

    Examples
    --------
    >>> retention_rate(1000, 1050, 200)
    0.85
    >>> retention_rate([1000, 500], [1050, 450], [200, 50])
    array([0.85, 0.8 ])
    """
    start = _numbers("customers_start", customers_start)
    end = _numbers("customers_end", customers_end)
    new = _numbers("new_customers", new_customers)
    for name, count in (("customers_start", start), ("customers_end", end), ("new_customers", new)):
        require(count >= 0, f"{name} must not be negative", **{name: count})
    require(start > 0, "customers_start must be positive: there is no one to retain", customers_start=start)
    require(new <= end, "new_customers cannot exceed customers_end", new_customers=new, customers_end=end)
    require(
        end - new <= start,
        "customers_end − new_customers (the customers retained) cannot exceed customers_start",
        customers_end=end,
        new_customers=new,
        customers_start=start,
    )
    return scalar_or_array((end - new) / start)


def churn_rate(customers_start, customers_end, new_customers):
    """Share of the customers at the start of a period who left during it.

    ``churn = 1 − retention_rate(customers_start, customers_end, new_customers)``
    (Farris et al. 2010, §5.2: the attrition or defection rate). Arguments, units, checks
    and broadcasting are those of :func:`retention_rate`.

    Returns
    -------
    float or numpy.ndarray
        Churn rate, a fraction in [0, 1].

    Examples
    --------
    >>> round(churn_rate(1000, 1050, 200), 10)
    0.15
    """
    return 1.0 - retention_rate(customers_start, customers_end, new_customers)


def expected_lifetime(retention_rate):
    """Expected number of periods a customer stays, for a constant retention rate.

    With the same retention ``r`` every period the tenure is geometric, so the mean
    lifetime is ``1 / (1 − r)`` periods — the churn rate's reciprocal (Reichheld 1996,
    ch. 2; Farris et al. 2010, §5.2 "average customer lifetime"). It counts the period
    of acquisition, so it is at least 1; ``r = 1`` gives ``inf`` (no one ever leaves).

    Parameters
    ----------
    retention_rate : number or array-like
        Retention rate per period, a fraction in [0, 1].

    Returns
    -------
    float or numpy.ndarray
        Expected lifetime in the same periods as the rate (years for a yearly rate).

    Examples
    --------
    >>> round(expected_lifetime(0.85), 2)
    6.67
    >>> expected_lifetime([0.5, 1.0])
    array([ 2., inf])
    """
    rate = np.asarray(retention_rate, dtype=float)
    require(~np.isnan(rate), "retention_rate must be a number, not NaN", retention_rate=rate)
    require((rate >= 0) & (rate <= 1), "retention_rate must be in [0, 1]", retention_rate=rate)
    with np.errstate(divide="ignore"):
        return scalar_or_array(1.0 / (1.0 - rate))


# ---------------------------------------------------------------------------------------
# Survival (Kaplan–Meier)
# ---------------------------------------------------------------------------------------


def _kaplan_meier(durations: np.ndarray, observed: np.ndarray, z: float) -> pd.DataFrame:
    """The Kaplan–Meier table of one group (validated numpy input)."""
    n = durations.size
    times, position, leaving = np.unique(durations, return_inverse=True, return_counts=True)
    events = np.bincount(position, weights=observed, minlength=times.size).astype(np.int64)
    if times[0] > 0:  # the curve always starts at time 0
        times = np.concatenate([[0.0], times])
        leaving = np.concatenate([[0], leaving])
        events = np.concatenate([[0], events])
    # At risk at t: everyone whose duration is ≥ t, i.e. n minus those who left before t.
    # Churn and censoring at the same t both count as at risk at t: events come first.
    at_risk = n - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    survival = np.cumprod(1.0 - events / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(events / (at_risk * (at_risk - events)))  # Var(S)/S²
        # log-log interval: log(−log S) ± z·σ with σ² = Greenwood / (log S)²
        spread = np.exp(z * np.sqrt(greenwood) / np.abs(np.log(survival)))
        lower = survival**spread
        upper = survival ** (1.0 / spread)
    lower = np.where(survival >= 1.0, 1.0, np.where(survival <= 0.0, 0.0, lower))
    upper = np.where(survival >= 1.0, 1.0, np.where(survival <= 0.0, 0.0, upper))
    return pd.DataFrame(
        {
            "time": times,
            "at_risk": at_risk,
            "events": events,
            "censored": leaving - events,
            "survival": survival,
            "lower": lower,
            "upper": upper,
        }
    )


def _positions(values: pd.Series, bad: np.ndarray) -> list:
    return list(values.index[bad][:SHOWN_ROWS])


def survival_curve(
    durations, observed, *, group=None, time_unit: str = "months", conf_level: float = 0.95
) -> pd.DataFrame:
    """Kaplan–Meier estimate of the share of customers still with the company after t.

    For right-censored data: each customer has a duration (time from signup to churn,
    or to the end of observation if still active) and a flag saying whether churn was
    observed. At each distinct time ``t`` the estimator multiplies in the share of those
    at risk who did not churn::

        S(t) = ∏_{t_i ≤ t} (1 − d_i / n_i)

    (Kaplan & Meier 1958), with ``d_i`` churns at ``t_i`` and ``n_i`` customers whose
    duration is ≥ ``t_i``. Ties follow the standard convention: churns at ``t`` happen
    before censorings at ``t`` (the censored still count as at risk at ``t``).

    The confidence bounds use Greenwood's (1926) variance on the log-log scale
    (Kalbfleisch & Prentice 2002), ``S^exp(±z·σ)`` with
    ``σ² = Σ d_i / (n_i (n_i − d_i)) / (log S)²``; they always lie in [0, 1] and equal
    the estimate where it is 1 or 0.

    Parameters
    ----------
    durations : array-like of float
        Time from signup to churn or censoring, ≥ 0, in ``time_unit``.
    observed : array-like of bool
        True if the customer churned at that duration, False if still active
        (censored). 0/1 integers are accepted.
    group : array-like, optional
        A label per customer (e.g. segment); one curve per group, sorted by label
        (categories keep their order).
    time_unit : str
        Name of the unit of ``durations`` ("months", "days", ...), kept in
        ``curve.attrs["time_unit"]`` for axis labels.
    conf_level : float
        Confidence level of the bounds, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per distinct time (events and censorings), sorted by time within group,
        columns ``[group,] time, at_risk, events, censored, survival, lower, upper``.
        The first row of each group is time 0 with ``survival`` 1 (below 1 only if some
        customers churned at duration 0, since ``S(t)`` is the share still there *after*
        ``t``). Plot it as a step function (``where="post"``).

    Examples
    --------
    >>> curve = survival_curve([1, 2, 2, 3, 4], [True, True, False, True, False])
    >>> curve[["time", "at_risk", "events", "censored", "survival"]]
       time  at_risk  events  censored  survival
    0   0.0        5       0         0       1.0
    1   1.0        5       1         0       0.8
    2   2.0        4       1         1       0.6
    3   3.0        2       1         0       0.3
    4   4.0        1       0         1       0.3
    """
    times = pd.Series(durations) if not isinstance(durations, pd.Series) else durations
    values = np.asarray(times, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError("durations must be a non-empty one-dimensional array")
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(f"durations must be finite numbers; missing or infinite at rows {_positions(times, bad)}")
    bad = values < 0
    if bad.any():
        raise ValueError(
            f"durations must be ≥ 0; negative at rows {_positions(times, bad)}: {values[bad][:SHOWN_ROWS].tolist()}"
        )

    flags = pd.Series(observed) if not isinstance(observed, pd.Series) else observed
    if len(flags) != values.size:
        raise ValueError(f"observed has {len(flags)} values but durations has {values.size}")
    flag_values = np.asarray(flags)
    if flag_values.dtype != bool:
        numeric = pd.to_numeric(flags, errors="coerce").to_numpy(dtype=float)
        bad = ~np.isin(numeric, (0.0, 1.0))
        if bad.any():
            raise ValueError(
                f"observed must be True/False (or 1/0); bad values at rows "
                f"{_positions(flags, bad)}: "
                f"{flags[bad].head(SHOWN_ROWS).tolist()}"
            )
        flag_values = numeric.astype(bool)

    if not isinstance(time_unit, str) or not time_unit:
        raise ValueError(f"time_unit must name a unit such as 'months'; got {time_unit!r}")
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be in (0, 1); got {conf_level}")
    z = NormalDist().inv_cdf((1 + conf_level) / 2)

    if group is None:
        curve = _kaplan_meier(values, flag_values, z)
    else:
        labels = pd.Series(group) if not isinstance(group, pd.Series) else group
        if len(labels) != values.size:
            raise ValueError(f"group has {len(labels)} values but durations has {values.size}")
        bad = labels.isna().to_numpy()
        if bad.any():
            raise ValueError(f"group has missing labels at rows {_positions(labels, bad)}")
        labels = labels.reset_index(drop=True)
        members = labels.groupby(labels, sort=True, observed=True).indices
        curve = pd.concat(
            [_kaplan_meier(values[rows], flag_values[rows], z).assign(group=label) for label, rows in members.items()],
            ignore_index=True,
        )
        curve = curve[["group", *curve.columns[:-1]]]
        if isinstance(labels.dtype, pd.CategoricalDtype):
            curve["group"] = curve["group"].astype(labels.dtype)
    curve.attrs.update(time_unit=time_unit, conf_level=conf_level)
    return curve


def median_survival(curve: pd.DataFrame):
    """Median customer lifetime read from a Kaplan–Meier curve.

    The smallest time at which the estimated survival is at or below one half,
    ``min{t : S(t) ≤ 0.5}`` (the usual Kaplan–Meier median, Kalbfleisch & Prentice 2002).
    NaN if the curve never gets there (more than half the customers outlived the
    observation window).

    Parameters
    ----------
    curve : pandas.DataFrame
        Output of :func:`survival_curve`, grouped or not.

    Returns
    -------
    float or pandas.Series
        The median in the curve's time unit; a Series indexed by group for a grouped curve.

    Examples
    --------
    >>> median_survival(survival_curve([1, 2, 2, 3, 4], [True, True, False, True, False]))
    3.0
    """
    require_columns("survival curve", curve, ("time", "survival"))
    reached = curve[curve["survival"] <= 0.5]
    if "group" not in curve.columns:
        return float(reached["time"].iloc[0]) if len(reached) else float("nan")
    groups = curve["group"].drop_duplicates()
    medians = reached.groupby("group", observed=True, sort=False)["time"].first()
    return medians.reindex(pd.Index(groups, name="group")).rename("median_survival")


def _curve_groups(curve: pd.DataFrame):
    """(label, rows) pairs of a curve, one pair with label None for an ungrouped curve."""
    require_columns("survival curve", curve, ("time", "survival"))
    if "group" not in curve.columns:
        return [(None, curve)]
    return [(label, rows) for label, rows in curve.groupby("group", observed=True, sort=False)]


def survival_at(curve: pd.DataFrame, times):
    """Read a Kaplan–Meier curve at chosen times: the share still there after each time.

    ``S(t)`` is a step function, so its value at ``t`` is the survival of the last curve
    row with ``time ≤ t`` (Kaplan & Meier 1958). Times beyond the curve's last time (the
    longest follow-up) are NaN: the data cannot tell what happened after it.

    Parameters
    ----------
    curve : pandas.DataFrame
        Output of :func:`survival_curve`, grouped or not.
    times : number or array-like of numbers
        Times (≥ 0) in the curve's time unit, e.g. ``[6, 12, 24]`` months.

    Returns
    -------
    float, pandas.Series or pandas.DataFrame
        A float for one time on an ungrouped curve; a Series indexed by time for several
        times; for a grouped curve a DataFrame with one row per time and one column per
        group (a Series indexed by group for a single time).

    Examples
    --------
    >>> curve = survival_curve([1, 2, 2, 3, 4], [True, True, False, True, False])
    >>> round(survival_at(curve, 2.5), 6)
    0.6
    >>> survival_at(curve, [0, 3, 9]).round(6).tolist()
    [1.0, 0.3, nan]
    """
    values = _numbers("times", times)
    require(values >= 0, "times must be ≥ 0", times=values)
    grid = np.atleast_1d(values)
    columns = {}
    for label, rows in _curve_groups(curve):
        time = rows["time"].to_numpy(dtype=float)
        survival = rows["survival"].to_numpy(dtype=float)
        position = np.searchsorted(time, grid, side="right") - 1
        read = survival[np.clip(position, 0, None)]
        columns[label] = np.where(grid > time[-1], np.nan, read)
    index = pd.Index(grid, name="time")
    if list(columns) == [None]:
        if np.ndim(values) == 0:
            return float(columns[None][0])
        return pd.Series(columns[None], index=index, name="survival")
    table = pd.DataFrame(columns, index=index)
    table.columns.name = "group"
    return table.iloc[0].rename("survival") if np.ndim(values) == 0 else table


def restricted_mean_survival(curve: pd.DataFrame, horizon: float):
    """Expected time a customer stays within a horizon: the area under the curve up to it.

    The restricted mean survival time ``RMST(τ) = ∫₀^τ S(t) dt`` (Irwin 1949; Royston &
    Parmar 2013) is the average number of months, out of the first ``τ``, that a customer
    is still a customer. The difference between two groups' RMST is the customer-months
    one group keeps more than the other, which turns a retention gain into money
    (customer-months × margin). NaN if ``horizon`` is beyond the curve's last time.

    Parameters
    ----------
    curve : pandas.DataFrame
        Output of :func:`survival_curve`, grouped or not.
    horizon : float
        The horizon ``τ`` (> 0) in the curve's time unit.

    Returns
    -------
    float or pandas.Series
        The RMST in the curve's time unit; a Series indexed by group for a grouped curve.

    Examples
    --------
    >>> curve = survival_curve([1, 2, 2, 3, 4], [True, True, False, True, False])
    >>> round(restricted_mean_survival(curve, 3), 6)  # 1·1 + 1·0.8 + 1·0.6
    2.4
    """
    tau = float(_numbers("horizon", horizon))
    require(tau > 0, "horizon must be positive", horizon=tau)
    areas = {}
    for label, rows in _curve_groups(curve):
        time = rows["time"].to_numpy(dtype=float)
        survival = rows["survival"].to_numpy(dtype=float)
        if tau > time[-1]:
            areas[label] = float("nan")
            continue
        edges = np.append(np.minimum(time, tau), tau)
        areas[label] = float(np.sum(survival * np.diff(edges)))
    if list(areas) == [None]:
        return areas[None]
    return pd.Series(areas, name="restricted_mean_survival").rename_axis("group")


def landmark_durations(durations: pd.DataFrame, landmark: float) -> pd.DataFrame:
    """Restart the survival clock at a landmark time, keeping the customers still there.

    Comparing customers by something that happens *during* the relationship (joining a
    loyalty programme, say) from the signup date credits the group with the months before
    it happened, when its members could not yet leave as members: the *immortal time*
    bias. The landmark method (Anderson, Cain & Gelber 1983) fixes a time ``L``, keeps the
    customers still observed at ``L`` (churned after ``L``, or censored at or after it),
    classifies them by their situation at ``L`` and measures survival from ``L`` on.

    Parameters
    ----------
    durations : pandas.DataFrame
        Columns ``duration`` (≥ 0) and ``churned`` (bool), e.g. from
        :func:`customer_durations`; other columns are kept.
    landmark : float
        The landmark ``L`` (≥ 0) in the unit of ``duration``.

    Returns
    -------
    pandas.DataFrame
        The kept rows with ``duration`` reduced by ``landmark`` (time since the landmark),
        same index and ``attrs``.

    Examples
    --------
    >>> d = pd.DataFrame({"duration": [3.0, 8.0, 12.0, 5.0], "churned": [True, True, False, False]})
    >>> landmark_durations(d, 5)
       duration  churned
    1       3.0     True
    2       7.0    False
    3       0.0    False
    """
    require_columns("durations", durations, ("duration", "churned"))
    point = float(_numbers("landmark", landmark))
    require(point >= 0, "landmark must be ≥ 0", landmark=point)
    duration = durations["duration"].to_numpy(dtype=float)
    churned = durations["churned"].to_numpy(dtype=bool)
    keep = np.where(churned, duration > point, duration >= point)
    kept = durations[keep].copy()
    kept["duration"] = duration[keep] - point
    kept.attrs = dict(durations.attrs)
    return kept


# ---------------------------------------------------------------------------------------
# From the customers and churn tables to durations and cohorts
# ---------------------------------------------------------------------------------------


def _customer_dates(customers: pd.DataFrame, churn: pd.DataFrame | None, observation_end: pd.Timestamp) -> pd.DataFrame:
    """Signup and churn date per customer (NaT if no churn), after checking both tables."""
    require_columns("customers", customers, ("customer_id", "signup_date"))
    signup = to_dates("customers", customers, "signup_date")
    refuse_rows(
        "customers", "customer_id", customers, customers["customer_id"].duplicated(keep=False), "repeat a customer_id"
    )
    refuse_rows(
        "customers",
        "signup_date",
        customers,
        signup > observation_end,
        f"are after observation_end ({observation_end.date()})",
    )
    dates = pd.DataFrame(
        {"signup_date": signup.to_numpy(), "churn_date": pd.NaT}, index=pd.Index(customers["customer_id"])
    )
    dates["churn_date"] = dates["churn_date"].astype(signup.dtype)
    if churn is None:
        return dates

    require_columns("churn", churn, ("customer_id", "date"))
    churn_date = to_dates("churn", churn, "date")
    known = churn["customer_id"].isin(dates.index)
    refuse_rows("churn", "customer_id", churn, ~known, "refer to customers not in the customers table")
    refuse_rows(
        "churn",
        "customer_id",
        churn,
        churn["customer_id"].duplicated(keep=False),
        "repeat a customer_id (a customer can churn only once)",
    )
    signup_of_churner = dates["signup_date"].reindex(churn["customer_id"]).to_numpy()
    refuse_rows(
        "churn", "date", churn, churn_date.to_numpy() < signup_of_churner, "are before the customer's signup_date"
    )
    dates.loc[churn["customer_id"].to_numpy(), "churn_date"] = churn_date.to_numpy()
    return dates


def customer_durations(
    customers: pd.DataFrame, churn: pd.DataFrame, observation_end, *, unit: str = "months"
) -> pd.DataFrame:
    """Each customer's tenure, right-censored at the end of observation, for survival.

    A customer who churned on or before ``observation_end`` has
    ``duration = churn date − signup_date`` and ``churned = True``. Anyone else (no churn
    row, or a churn dated after ``observation_end``) is still active as far as we know:
    ``duration = observation_end − signup_date`` and ``churned = False`` (right-censored).

    Parameters
    ----------
    customers : pandas.DataFrame
        Columns ``customer_id`` (unique) and ``signup_date``.
    churn : pandas.DataFrame
        Columns ``customer_id`` and ``date`` (day the customer was lost); at most one
        row per customer.
    observation_end : date-like
        Last day of observation (e.g. the date the data was extracted).
    unit : {"months", "days"}
        Unit of ``duration``; a month is 30.4375 days (365.25 / 12).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id`` in the order of ``customers``, columns ``duration``
        (float, in ``unit``, also in ``attrs["time_unit"]``) and ``churned`` (bool).
        Ready for ``survival_curve(d.duration, d.churned)``.

    Raises
    ------
    ValueError
        Naming the table, column and first bad rows for: missing columns or dates,
        repeated customer ids, signups after ``observation_end``, churn rows of unknown
        customers, repeated churn rows, churn before signup; or an unknown ``unit``.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2],
    ...     "signup_date": pd.to_datetime(["2024-01-01", "2024-03-01"])})
    >>> churn = pd.DataFrame({"customer_id": [1], "date": pd.to_datetime(["2024-01-31"])})
    >>> durations = customer_durations(customers, churn, "2024-03-31", unit="days")
    >>> durations  # doctest: +NORMALIZE_WHITESPACE
                 duration  churned
    customer_id
    1                30.0     True
    2                30.0    False
    """
    if unit not in ("months", "days"):
        raise ValueError(f"unit must be 'months' or 'days'; got {unit!r}")
    end = pd.Timestamp(observation_end)
    dates = _customer_dates(customers, churn, end)
    churned = (dates["churn_date"] <= end).to_numpy()
    stop = dates["churn_date"].where(churned, end)
    days = (stop - dates["signup_date"]) / pd.Timedelta(days=1)
    result = pd.DataFrame(
        {
            "duration": days / DAYS_PER_MONTH if unit == "months" else days,
            "churned": churned,
        }
    )
    result.attrs["time_unit"] = unit
    return result


class CohortTable(NamedTuple):
    """Result of :func:`cohort_table`: the shares and the size of each cohort."""

    shares: pd.DataFrame
    """Rows = cohort (signup period), columns = periods since signup, values in [0, 1]."""
    sizes: pd.Series
    """Customers who signed up in each cohort (same index as ``shares``)."""


_PERIOD_NAMES = {"M": "months", "Q": "quarters"}


def _period_numbers(dates: pd.Series | pd.DatetimeIndex, freq: str) -> np.ndarray:
    """Consecutive integers numbering calendar periods (month or quarter) of the dates."""
    return pd.Series(dates).dt.to_period(freq).array.asi8


def cohort_table(
    customers: pd.DataFrame,
    transactions: pd.DataFrame | None = None,
    churn: pd.DataFrame | None = None,
    *,
    observation_end,
    freq: str = "M",
    measure: str = "active",
) -> CohortTable:
    """Share of each signup cohort still active (or still buying) at each age.

    Customers are grouped by the calendar period (month or quarter) of their signup: the
    cohort. Age ``k`` is the ``k``-th calendar period after the cohort's own (age 0 = the
    signup period). Two measures:

    * ``"active"`` (needs ``churn``): a customer is *active at age k* if they had not
      churned before calendar period ``cohort + k`` began — churn period ≥ cohort + k. A
      customer is active in the period in which they leave, so age 0 is always 1.0.
      Churn dated after ``observation_end`` is not yet known and is ignored.
    * ``"purchasing"`` (needs ``transactions``): the share of the cohort with at least
      one purchase in calendar period ``cohort + k`` (transactions after
      ``observation_end`` are ignored).

    Cells whose calendar period is after the period containing ``observation_end``
    have not been observed and are NaN (never 0). The period containing
    ``observation_end`` is shown even if observation stops part-way through it.

    Parameters
    ----------
    customers : pandas.DataFrame
        Columns ``customer_id`` (unique) and ``signup_date``.
    transactions : pandas.DataFrame, optional
        Columns ``customer_id`` and ``date``; needed for ``measure="purchasing"``.
    churn : pandas.DataFrame, optional
        Columns ``customer_id`` and ``date``; needed for ``measure="active"``.
    observation_end : date-like
        Last day of observation.
    freq : {"M", "Q"}
        Cohort and age period: calendar month or quarter.
    measure : {"active", "purchasing"}
        What the shares count (see above).

    Returns
    -------
    CohortTable
        A named tuple ``(shares, sizes)``. ``shares`` has one row per cohort that has
        customers (a ``PeriodIndex`` named ``cohort``) and columns 0, 1, 2, … named
        ``months_since_signup`` (or ``quarters_since_signup``); values are fractions of
        the cohort, NaN beyond ``observation_end``. ``sizes`` (name ``customers``) is the
        number of customers in each cohort, the denominator of each row.

    Raises
    ------
    ValueError
        As :func:`customer_durations` for the customers and churn tables; transactions
        of unknown customers or before signup; a missing table for ``measure``; an
        unknown ``freq`` or ``measure``.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3],
    ...     "signup_date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-10"])})
    >>> churn = pd.DataFrame({"customer_id": [1], "date": pd.to_datetime(["2024-02-15"])})
    >>> table = cohort_table(customers, churn=churn, observation_end="2024-03-31")
    >>> table.shares  # doctest: +NORMALIZE_WHITESPACE
    months_since_signup    0    1    2
    cohort
    2024-01              1.0  1.0  0.5
    2024-02              1.0  1.0  NaN
    >>> table.sizes.tolist()
    [2, 1]
    """
    if freq not in _PERIOD_NAMES:
        raise ValueError(f"freq must be one of {list(_PERIOD_NAMES)}; got {freq!r}")
    if measure not in ("active", "purchasing"):
        raise ValueError(f"measure must be 'active' or 'purchasing'; got {measure!r}")
    needed = {"active": ("churn", churn), "purchasing": ("transactions", transactions)}
    name, table = needed[measure]
    if table is None:
        raise ValueError(f"measure={measure!r} needs the {name} table")

    end = pd.Timestamp(observation_end)
    dates = _customer_dates(customers, churn if measure == "active" else None, end)
    cohort_of_customer = _period_numbers(dates["signup_date"], freq)
    last_period = int(_period_numbers(pd.Series([end]), freq)[0])
    cohorts, row = np.unique(cohort_of_customer, return_inverse=True)
    n_ages = last_period - int(cohorts[0]) + 1

    if measure == "active":
        churned = (dates["churn_date"] <= end).to_numpy()
        churn_period = np.full(churned.size, last_period)
        churn_period[churned] = _period_numbers(dates["churn_date"][churned], freq)
        last_active_age = churn_period - cohort_of_customer  # active at ages 0..this
        ended = np.bincount(row * n_ages + last_active_age, minlength=cohorts.size * n_ages)
        counts = ended.reshape(cohorts.size, n_ages)[:, ::-1].cumsum(axis=1)[:, ::-1]
    else:
        require_columns("transactions", transactions, ("customer_id", "date"))
        purchase_date = to_dates("transactions", transactions, "date")
        customer = dates.index.get_indexer(transactions["customer_id"])
        refuse_rows(
            "transactions", "customer_id", transactions, customer < 0, "refer to customers not in the customers table"
        )
        refuse_rows(
            "transactions",
            "date",
            transactions,
            purchase_date.to_numpy() < dates["signup_date"].to_numpy()[customer],
            "are before the customer's signup_date",
        )
        seen = (purchase_date <= end).to_numpy()
        age = _period_numbers(purchase_date[seen], freq) - cohort_of_customer[customer[seen]]
        # once each: sorted, then repeats dropped (np.unique hashes, 50x slower at millions of rows)
        buyer_age = np.sort(customer[seen].astype(np.int64) * n_ages + age)
        buyer_age = buyer_age[np.r_[True, buyer_age[1:] != buyer_age[:-1]]]
        cells = row[buyer_age // n_ages] * n_ages + buyer_age % n_ages
        counts = np.bincount(cells, minlength=cohorts.size * n_ages).reshape(-1, n_ages)

    sizes = np.bincount(row)
    shares = counts / sizes[:, None]
    unobserved = cohorts[:, None] + np.arange(n_ages)[None, :] > last_period
    shares[unobserved] = np.nan
    index = pd.PeriodIndex.from_ordinals(cohorts, freq=freq, name="cohort")
    columns = pd.RangeIndex(n_ages, name=f"{_PERIOD_NAMES[freq]}_since_signup")
    return CohortTable(
        shares=pd.DataFrame(shares, index=index, columns=columns),
        sizes=pd.Series(sizes, index=index, name="customers"),
    )


# ---------------------------------------------------------------------------------------
# Two records of churn side by side (a rule against what really happened)
# ---------------------------------------------------------------------------------------


def inactivity_churn(last_activity: pd.Series, observation_end, *, inactive_days: int = INACTIVE_DAYS) -> pd.DataFrame:
    """The course's one churn rule for data without a record of who left: lost after a silence.

    A customer whose last activity (last purchase, or signup for one who never bought) is
    at least ``inactive_days`` days before ``observation_end`` counts as lost. The loss
    can be *noticed* only ``inactive_days`` after that last activity (``noticed_on``),
    while the relationship *ended* on the last activity itself; the loaders date a derived
    churn table by the first, survival analyses by the second. Whether a customer is lost
    can be judged only for activity up to ``judged_until = observation_end −
    inactive_days``; later activity means the customer is still there.

    Parameters
    ----------
    last_activity : pandas.Series of datetime64
        The last activity of each customer, indexed by ``customer_id``.
    observation_end : date
        The last day the data covers.
    inactive_days : int
        Days without activity after which a customer counts as lost (default
        :data:`INACTIVE_DAYS`, 180).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``last_activity``, with ``last_activity``, ``lost`` (bool) and
        ``noticed_on`` (``last_activity + inactive_days``, a date); ``attrs`` holds
        ``judged_until`` and ``inactive_days``.

    Examples
    --------
    >>> last = pd.Series(pd.to_datetime(["2024-01-10", "2024-06-01"]), index=pd.Index([1, 2], name="customer_id"))
    >>> rule = inactivity_churn(last, "2024-06-30", inactive_days=90)
    >>> rule["lost"].tolist(), rule.loc[1, "noticed_on"].date(), rule.attrs["judged_until"].date()
    ([True, False], datetime.date(2024, 4, 9), datetime.date(2024, 4, 1))
    """
    if (
        isinstance(inactive_days, bool)
        or not isinstance(inactive_days, (int, np.integer))
        or not 1 <= inactive_days <= MAX_INACTIVE_DAYS
    ):
        raise ValueError(
            f"inactive_days must be a whole number of days from 1 to {MAX_INACTIVE_DAYS:,}, not {inactive_days!r}"
        )
    days = int(inactive_days)
    end = pd.Timestamp(observation_end)
    judged_until = end - pd.Timedelta(days=days)
    last = pd.to_datetime(last_activity)
    rule = pd.DataFrame(
        {
            "last_activity": last,
            "lost": (last <= judged_until).to_numpy(),
            "noticed_on": last + pd.Timedelta(days=days),
        },
        index=last_activity.index,
    )
    rule.attrs.update(judged_until=judged_until, inactive_days=days)
    return rule


def _lost_on(name: str, churn: pd.DataFrame, customer_ids: pd.Index) -> pd.Series:
    """The churn date of each customer in a churn table, indexed by customer, after checking the table."""
    require_columns(name, churn, ("customer_id", "date"))
    dates = to_dates(name, churn, "date")
    refuse_rows(
        name,
        "customer_id",
        churn,
        churn["customer_id"].duplicated(keep=False),
        "repeat a customer_id (a customer can churn only once)",
    )
    refuse_rows(
        name,
        "customer_id",
        churn,
        ~churn["customer_id"].isin(customer_ids),
        "refer to customers not in the list of customers",
    )
    return pd.Series(dates.to_numpy(), index=pd.Index(churn["customer_id"].to_numpy(), name="customer_id"))


def churn_agreement(
    rule: pd.DataFrame,
    record: pd.DataFrame,
    customer_ids,
    observation_end,
    *,
    names: tuple[str, str] = ("rule", "record"),
) -> pd.DataFrame:
    """How far a churn rule agrees with a record of who left: a 2 × 2 table of customers.

    Data without a file of lost customers gets its churn from a rule, typically
    inactivity (no purchase for 180 days, :func:`inactivity_churn`). Set
    against a record of who really left (a cancellation file, or the simulation's truth),
    the table shows the rule's two errors: customers it calls lost who are still
    customers (false alarms: quiet, not gone), and customers who left but whom it still
    calls active (they left too recently for the rule to see, or kept buying until they
    left). Counted among ``customer_ids``, lost meaning lost on or before ``observation_end``.

    Parameters
    ----------
    rule, record : churn tables with ``customer_id`` and ``date`` (at most one row per customer).
    customer_ids : the customers to count (e.g. ``customers["customer_id"]``).
    observation_end : the last day of the data; later churn dates count as active.
    names : what to call the two records in the table's labels.

    Returns
    -------
    pandas.DataFrame
        Index ``names[0]`` and columns ``names[1]``, each ``["lost", "active"]``; values are
        numbers of customers (they add up to the number of customers).

    Examples
    --------
    >>> rule = pd.DataFrame({"customer_id": [1, 2], "date": pd.to_datetime(["2024-03-01", "2024-06-01"])})
    >>> record = pd.DataFrame({"customer_id": [1, 3], "date": pd.to_datetime(["2024-01-01", "2024-05-01"])})
    >>> table = churn_agreement(rule, record, [1, 2, 3, 4], "2024-12-31")
    >>> table.index.name, table.columns.name, table.to_numpy().tolist()  # rows: rule lost, active
    ('rule', 'record', [[1, 1], [1, 1]])
    """
    ids = pd.Index(pd.unique(np.asarray(customer_ids)), name="customer_id")
    end = pd.Timestamp(observation_end)
    states = pd.CategoricalDtype(["lost", "active"])
    flags = {}
    for name, churn in zip(names, (rule, record)):
        lost_on = _lost_on(name, churn, ids)
        lost = ids.isin(lost_on.index[lost_on.to_numpy() <= end.to_datetime64()])
        flags[name] = pd.Categorical(np.where(lost, "lost", "active"), dtype=states)
    table = pd.crosstab(flags[names[0]], flags[names[1]], dropna=False)
    return table.reindex(
        index=pd.Index(["lost", "active"], name=names[0]),
        columns=pd.Index(["lost", "active"], name=names[1]),
        fill_value=0,
    )


def churn_delay(rule: pd.DataFrame, record: pd.DataFrame) -> pd.Series:
    """Days between the recorded churn date and the rule's, for customers lost in both (rule − record).

    Positive values mean the rule sees the loss late: the inactivity rule
    (:func:`inactivity_churn`) can only call a customer lost ``inactive_days`` after their
    last purchase.

    Parameters
    ----------
    rule, record : churn tables with ``customer_id`` and ``date`` (at most one row per customer).

    Returns
    -------
    pandas.Series
        Whole days, indexed by ``customer_id`` (sorted), named ``delay_days``.

    Examples
    --------
    >>> rule = pd.DataFrame({"customer_id": [1, 2], "date": pd.to_datetime(["2024-03-01", "2024-06-01"])})
    >>> record = pd.DataFrame({"customer_id": [1, 3], "date": pd.to_datetime(["2024-01-01", "2024-05-01"])})
    >>> churn_delay(rule, record).to_dict()  # 31 days of January + 29 of February 2024
    {1: 60}
    """
    everyone = pd.Index(pd.concat([rule["customer_id"], record["customer_id"]]).unique())
    first, second = _lost_on("rule", rule, everyone), _lost_on("record", record, everyone)
    both = first.index.intersection(second.index).sort_values()
    return (first[both] - second[both]).dt.days.rename("delay_days")
