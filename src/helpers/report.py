"""The manager report: one self-contained HTML page about a company's customers (lesson 09).

An analyst runs it on the company's own files::

    python -m helpers report --transactions sales.csv --out report.html
    python -m helpers report --transactions sales.csv --customers clients.csv \\
        --surveys answers.csv --out report.html
    python -m helpers report --mapping my_data.toml --out report.html

and hands the page to a manager: headline numbers, RFM segments, the retention curve,
signup cohorts, the customer pyramid, customer lifetime value and, when survey answers
exist, the loyalty matrix and the NPS. Charts are embedded as PNG images and the styles
are inline, so the file opens anywhere without a network connection and prints cleanly.

The module has three parts:

* **Sections** — :func:`compute_report` turns a :class:`helpers.synthetic.Company` into a
  :class:`ReportData` with one result per section. Each step is a pure function
  (:func:`customer_base`, :func:`customer_lifetimes`, :func:`monthly_churn`,
  :func:`retention_section`, :func:`cohort_section`, :func:`rfm_section`,
  :func:`pyramid_section`, :func:`clv_section`, :func:`loyalty_section`,
  :func:`headline_kpis`) built on the course's model modules. A section whose table is
  missing from the data is a :class:`Skipped` with the reason, shown in the report.
* **Rendering** — :func:`render_report` draws the charts with :mod:`helpers.plots` and
  writes the HTML string; :func:`build_report` does both.
* **Command line** — :func:`main` (``python -m helpers report``) loads the files with
  :mod:`helpers.data`, refuses to overwrite an existing report without ``--force`` and
  prints loading problems as one clear message (exit status 2).

How customers are counted when the data has no churn table: a buyer who has not bought
for ``lapse_days`` (default 180) days counts as lost on the day of the last purchase.

References
----------
* Hughes, A. M. (1994). *Strategic Database Marketing*. Probus (RFM).
* Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete
  observations. *JASA* 53(282), 457–481 (the retention curve).
* Zeithaml, V. A., Rust, R. T. & Lemon, K. N. (2001). The customer pyramid.
  *California Management Review* 43(4), 118–142.
* Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy
  way; RFM and CLV: Using iso-value curves. *Marketing Science* 24(2); *JMR* 42(4).
* Gupta, S. & Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive
  Marketing* 17(1), 9–24.
* Jones, T. O. & Sasser, W. E. (1995). Why satisfied customers defect. *Harvard Business
  Review* 73(6), 88–99 (the loyalty matrix).
* Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*
  81(12), 46–54 (NPS).
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import re
import shlex
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers import plots
from helpers.crm import rfm_segment_value
from helpers.loyalty import loyalty_components, loyalty_index, loyalty_segment, nps, segment_summary
from helpers.plots import crm as crm_plots
from helpers.plots import loyalty as loyalty_plots
from helpers.own_data import MAPPING_FILE, DataError, load_own_data, read_mapping
from helpers.plots import retention as retention_plots
from helpers.profitability import TIERS, customer_profitability, pyramid_tier
from helpers.retention import DAYS_PER_MONTH, cohort_table, customer_durations, median_survival, survival_at, \
    survival_curve
from helpers.rfm import rfm_scores, rfm_summary
from helpers.synthetic import Company
from helpers.value import clv, expected_clv, fit_bgnbd, fit_gamma_gamma
from helpers.widgets import figure_png

__all__ = [
    "ReportData",
    "ReportOptions",
    "Skipped",
    "build_report",
    "clv_section",
    "cohort_section",
    "compute_report",
    "customer_base",
    "customer_lifetimes",
    "headline_kpis",
    "loyalty_section",
    "main",
    "mapping_from_options",
    "monthly_churn",
    "pyramid_section",
    "render_report",
    "retention_section",
    "rfm_section",
]

#: What a manager can do with each RFM segment (practitioner advice, Hughes 1994 onwards).
RFM_ACTIONS = {
    "champions": "reward them; ask for referrals and reviews",
    "loyal": "offer more of the range (cross-sell, upgrades)",
    "potential loyalists": "invite them to the loyalty programme",
    "new": "welcome them well: the second purchase is the hardest",
    "promising": "make the brand familiar; a first-repeat offer",
    "need attention": "a personal, time-limited offer",
    "about to sleep": "remind them with what they bought before",
    "can't lose them": "contact them personally; find out what changed",
    "at risk": "win them back with a tailored offer",
    "hibernating": "a low-cost reactivation campaign",
    "lost": "spend little; ask why they left",
}

#: What a manager can do with each loyalty type (Jones & Sasser 1995).
LOYALTY_ACTIONS = {
    "apostle": "delight and involve them: they recommend you",
    "mercenary": "tie them with bonds beyond price",
    "hostage": "fix what annoys them before they can leave",
    "terrorist": "listen and repair, or let them go",
    "indifferent": "find out what would make them care",
}

#: What a manager can do with each tier of the customer pyramid (Zeithaml, Rust & Lemon 2001).
TIER_ACTIONS = {
    "platinum": "protect: the best service and attention",
    "gold": "grow them towards platinum",
    "iron": "serve efficiently; look for growth",
    "lead": "raise prices or lower the cost to serve",
}


# ---------------------------------------------------------------------------------------
# Settings and results
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportOptions:
    """The choices behind the report's numbers (each is stated in the report).

    Attributes:
        lapse_days: without a churn table, a buyer with no purchase for this many days
            counts as lost (on the day of the last purchase).
        window_months: the recent window (calendar months up to the last month of the
            data) for revenue, margin, the pyramid, the loyalty matrix and the NPS.
        clv_months: horizon of the customer lifetime value, in months.
        annual_discount_rate: discount rate of future margin per year (fraction).
        platinum, gold: shares of customers in the top tier and in the top two tiers.
    """

    lapse_days: int = 180
    window_months: int = 12
    clv_months: int = 36
    annual_discount_rate: float = 0.10
    platinum: float = 0.05
    gold: float = 0.20

    def __post_init__(self):
        for name in ("lapse_days", "window_months", "clv_months"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a whole number ≥ 1; got {value!r}")
        if not -1 < self.annual_discount_rate < 1:
            raise ValueError(f"annual_discount_rate must be a fraction in (−1, 1); got {self.annual_discount_rate!r}")
        if not 0 <= self.platinum <= self.gold <= 1:
            raise ValueError(f"tier shares need 0 ≤ platinum ≤ gold ≤ 1; got {self.platinum!r}, {self.gold!r}")


@dataclass(frozen=True)
class Skipped:
    """A section that could not be shown, and why (the report prints the reason)."""

    reason: str


@dataclass
class ReportData:
    """Everything the report shows, computed from a company by :func:`compute_report`.

    Each section attribute is the section's result (a dict of tables and numbers) or a
    :class:`Skipped`. ``timings`` holds the seconds each stage took.
    """

    options: ReportOptions
    overview: dict
    kpis: pd.DataFrame
    retention: dict | Skipped
    cohorts: dict | Skipped
    rfm: dict | Skipped
    pyramid: dict | Skipped
    clv: dict | Skipped
    loyalty: dict | Skipped
    timings: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# Sections: pure functions of the company's tables
# ---------------------------------------------------------------------------------------


def _window_start(observation_end: pd.Timestamp, months: int) -> pd.Timestamp:
    """First day of the window of ``months`` calendar months ending with the month of the end."""
    return (pd.Timestamp(observation_end).to_period("M") - (months - 1)).to_timestamp()


def _buyers_as_customers(base: pd.DataFrame) -> pd.DataFrame:
    """A customers table of the buyers in :func:`customer_base`, signed up on their first purchase."""
    return pd.DataFrame({"customer_id": base.index.to_numpy(), "signup_date": base["first_purchase"].to_numpy()})


def _has_costs(company: Company) -> bool:
    """Whether every transaction has a cost, so that margin can be measured."""
    return company.has("transactions", "cost") and bool(company.transactions["cost"].notna().all())


def _derived(company: Company, table: str) -> bool:
    """Whether the loader derived ``table`` from the transactions (customers, churn) instead of reading it."""
    return table in getattr(company.load_report, "derived", {})


def _has_recorded_churn(company: Company) -> bool:
    """Whether lifetimes can come from recorded churn: a churn table read from the data and every signup date."""
    return ("churn" not in company.missing and not _derived(company, "churn")
            and company.has("customers", "signup_date") and bool(company.customers["signup_date"].notna().all()))


def customer_base(transactions: pd.DataFrame, observation_end, *, window_months: int = 12) -> pd.DataFrame:
    """One row per buying customer: first and last purchase, revenue and margin.

    Parameters:
        transactions: ``customer_id``, ``date`` (datetimes), ``amount`` and, if known,
            ``cost`` (currency; margin is NaN where cost is missing).
        observation_end: last day of the data.
        window_months: the recent window in calendar months (up to the month of the end).

    Returns:
        DataFrame indexed by ``customer_id`` (sorted) with ``first_purchase``,
        ``last_purchase``, ``purchases`` (rows), ``revenue`` and ``margin`` (whole history),
        ``revenue_recent`` and ``margin_recent`` (the window), in currency.

    Example:
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
    cost = (pd.to_numeric(transactions["cost"], errors="coerce").to_numpy(dtype=float)
            if "cost" in transactions.columns else np.full(len(transactions), np.nan))
    recent = ((dates >= _window_start(end, window_months)) & (dates <= end)).to_numpy()
    margin = amount - cost
    frame = pd.DataFrame({
        "date": dates.to_numpy(), "purchases": 1, "revenue": amount, "margin": margin,
        "revenue_recent": np.where(recent, amount, 0.0), "margin_recent": np.where(recent, margin, 0.0),
    }, index=pd.Index(transactions["customer_id"].to_numpy(), name="customer_id"))
    grouped = frame.groupby(level=0, sort=True)
    base = grouped[["purchases", "revenue", "revenue_recent"]].sum()
    # min_count=1 keeps NaN (unknown margin) instead of a misleading 0 when no cost is known.
    base[["margin", "margin_recent"]] = grouped[["margin", "margin_recent"]].sum(min_count=1)
    base.insert(0, "last_purchase", grouped["date"].max())
    base.insert(0, "first_purchase", grouped["date"].min())
    return base


def customer_lifetimes(company: Company, base: pd.DataFrame, *, lapse_days: int = 180) -> pd.DataFrame:
    """Each customer's relationship as a start, a stop and whether it ended, for survival.

    Two rules, the first that the data allows:

    * **recorded churn** (a churn table read from the data and a signup date for every
      customer): from signup to the recorded churn date, or censored at the end of the
      data (:func:`helpers.retention.customer_durations`);
    * **lapse** (otherwise): a buyer who has not bought for ``lapse_days`` days is lost on
      the day of the last purchase (a one-time buyer's relationship lasts 0 days). Whether
      a customer is lost can be judged only up to ``lapse_days`` before the end of the
      data, so the relationships are followed up to that day (``judged_until``): customers
      who bought after it are still there (censored there), and customers whose first
      purchase is after it are too new to judge and are left out. This rule also applies
      when the loader derived the churn table from inactivity
      (:func:`helpers.own_data.derive_churn`): the same customers count as lost, dated on
      the day the relationship ended rather than the day the loss was noticed.

    Parameters:
        company: the data (uses ``customers`` and ``churn`` when they allow the first rule).
        base: :func:`customer_base` of the company's transactions.
        lapse_days: days without a purchase after which a buyer counts as lost.

    Returns:
        DataFrame indexed by ``customer_id`` with ``start`` and ``stop`` (dates),
        ``duration`` (months of 30.44 days) and ``churned`` (bool); ``attrs["rule"]`` is
        ``"recorded"`` or ``"lapse"`` and ``attrs["judged_until"]`` the last day followed.

    Example:
        >>> sales = pd.DataFrame({"customer_id": [1, 1, 2, 3], "amount": 1.0,
        ...     "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-12-01"])})
        >>> from helpers.synthetic import generate
        >>> no_churn_table = Company(**generate(5, seed=1, months=2).tables(), truth=None,
        ...     observation_end=pd.Timestamp("2024-12-31"), missing=("churn",))
        >>> lifetimes = customer_lifetimes(no_churn_table, customer_base(sales, "2024-12-31"), lapse_days=180)
        >>> lifetimes[["duration", "churned"]].round(2)
                     duration  churned
        customer_id
        1                1.02     True
        2                0.00     True
    """
    end = pd.Timestamp(company.observation_end)
    if _has_recorded_churn(company):
        durations = customer_durations(company.customers, company.churn, end, unit="months")
        start = pd.Series(company.customers["signup_date"].to_numpy(), index=durations.index)
        stop = start + pd.to_timedelta(durations["duration"].to_numpy() * DAYS_PER_MONTH, unit="D")
        lifetimes = pd.DataFrame({"start": start, "stop": stop, "duration": durations["duration"],
                                  "churned": durations["churned"]})
        lifetimes.attrs.update(rule="recorded", judged_until=end)
        return lifetimes
    judged_until = end - pd.Timedelta(days=lapse_days)
    judged = base[base["first_purchase"] <= judged_until]
    churned = (judged["last_purchase"] <= judged_until).to_numpy()
    stop = judged["last_purchase"].where(churned, judged_until)
    lifetimes = pd.DataFrame({"start": judged["first_purchase"], "stop": stop,
                              "duration": (stop - judged["first_purchase"]).dt.days / DAYS_PER_MONTH,
                              "churned": churned})
    lifetimes.attrs.update(rule="lapse", judged_until=judged_until, lapse_days=lapse_days)
    return lifetimes


def monthly_churn(lifetimes: pd.DataFrame, *, months: int = 12) -> pd.DataFrame:
    """Churn in each of the last ``months`` months before ``lifetimes.attrs["judged_until"]``.

    Months are 30.44-day periods ending on the last day followed. For each: customers at
    its start (started before it, not yet lost), those lost during it and the churn rate
    ``lost / at_start`` (Farris et al. 2010, §5.2). The pooled rate over the period,
    ``Σ lost / Σ at_start``, is in ``attrs["churn_rate"]`` (NaN if nobody was there).

    Parameters:
        lifetimes: :func:`customer_lifetimes` (``start``, ``stop``, ``churned``).
        months: number of months measured.

    Returns:
        DataFrame indexed by the month's first day with ``at_start``, ``lost`` and
        ``churn_rate`` (fraction).

    Example:
        >>> lives = pd.DataFrame({"start": pd.to_datetime(["2024-01-01"] * 4),
        ...     "stop": pd.to_datetime(["2024-11-15", "2024-12-31", "2024-12-31", "2024-12-31"]),
        ...     "churned": [True, False, False, False]})
        >>> lives.attrs["judged_until"] = pd.Timestamp("2024-12-31")
        >>> table = monthly_churn(lives, months=2)
        >>> table["lost"].tolist(), round(table.attrs["churn_rate"], 3)   # 1 lost / (4 + 3 at the two starts)
        ([1, 0], 0.143)
    """
    end = pd.Timestamp(lifetimes.attrs["judged_until"])
    edges = end - pd.to_timedelta(np.arange(months, -1, -1) * DAYS_PER_MONTH, unit="D")
    start = lifetimes["start"].to_numpy()
    stop = lifetimes["stop"].to_numpy()
    churned = lifetimes["churned"].to_numpy(dtype=bool)
    at_start, lost = [], []
    for first, last in zip(edges[:-1], edges[1:]):
        there = (start < first.to_datetime64()) & (stop >= first.to_datetime64())
        at_start.append(int(there.sum()))
        lost.append(int((there & churned & (stop < last.to_datetime64())).sum()))
    table = pd.DataFrame({"at_start": at_start, "lost": lost}, index=pd.DatetimeIndex(edges[:-1], name="month_from"))
    table["churn_rate"] = table["lost"] / table["at_start"].where(table["at_start"] > 0)
    total = table["at_start"].sum()
    table.attrs["churn_rate"] = float(table["lost"].sum() / total) if total else float("nan")
    return table


def _active_ids(company: Company, base: pd.DataFrame, lifetimes: pd.DataFrame | None, lapse_days: int) -> pd.Index:
    """Customers still there at the end: not lost by then (recorded churn) or bought within the lapse."""
    if lifetimes is not None and lifetimes.attrs.get("rule") == "recorded":
        active = company.active_at(company.observation_end)
        return active.index[active.to_numpy()]
    recent = base["last_purchase"] > pd.Timestamp(company.observation_end) - pd.Timedelta(days=lapse_days)
    return base.index[recent.to_numpy()]


def retention_section(lifetimes: pd.DataFrame, *, window_months: int = 12) -> dict:
    """The retention curve (Kaplan–Meier), its readings and the recent monthly churn.

    Parameters:
        lifetimes: :func:`customer_lifetimes`.
        window_months: months over which the monthly churn is measured.

    Returns:
        dict with ``curve`` (:func:`helpers.retention.survival_curve`), ``readings`` (Series:
        share still there after 3, 6, 12, 24 and 36 months, NaN beyond the data),
        ``median_months``, ``monthly`` (:func:`monthly_churn`), ``churn_rate``,
        ``customers`` (relationships followed), ``rule`` and ``judged_until``.

    Raises:
        ValueError: when no relationship can be followed (data shorter than the lapse).
    """
    if lifetimes.empty:
        raise ValueError("no customer can be followed: the data cover less time than the lapse "
                         "used to decide that a customer is lost")
    curve = survival_curve(lifetimes["duration"], lifetimes["churned"], time_unit="months")
    monthly = monthly_churn(lifetimes, months=window_months)
    return {"curve": curve, "readings": survival_at(curve, [3, 6, 12, 24, 36]),
            "median_months": median_survival(curve), "monthly": monthly,
            "churn_rate": monthly.attrs["churn_rate"], "customers": len(lifetimes),
            "rule": lifetimes.attrs["rule"], "judged_until": lifetimes.attrs["judged_until"]}


def cohort_section(company: Company, base: pd.DataFrame, rule: str, *, shown: int = 12) -> dict:
    """Signup cohorts: the share of each cohort still a customer (or still buying) by age.

    With recorded churn the cohort is the signup period and the share is of customers
    still active; otherwise the cohort is the period of the first purchase and the share
    is of customers who bought in that period of their life. Periods are months, or
    quarters when the data span more than two years. The latest ``shown`` cohorts and the
    first ``shown`` ages are kept, so the table fits a page.

    Parameters:
        company: the data.
        base: :func:`customer_base`.
        rule: ``"recorded"`` or ``"lapse"`` (from :func:`customer_lifetimes`).
        shown: cohorts (rows) and ages (columns) kept.

    Returns:
        dict with ``shares`` (DataFrame, cohorts × ages, NaN where not yet observed),
        ``sizes`` (customers per cohort), ``measure`` ("active" or "purchasing") and
        ``freq`` ("M" or "Q").
    """
    end = pd.Timestamp(company.observation_end)
    if rule == "recorded":
        customers, first = company.customers, company.customers["signup_date"].min()
    else:
        customers, first = _buyers_as_customers(base), base["first_purchase"].min()
    freq = "Q" if (end.to_period("M") - pd.Timestamp(first).to_period("M")).n >= 24 else "M"
    if rule == "recorded":
        table = cohort_table(customers, churn=company.churn, observation_end=end, freq=freq, measure="active")
    else:
        table = cohort_table(customers, company.transactions[["customer_id", "date"]], observation_end=end,
                             freq=freq, measure="purchasing")
    shares = table.shares.iloc[-shown:, :shown]
    return {"shares": shares, "sizes": table.sizes.loc[shares.index],
            "measure": "active" if rule == "recorded" else "purchasing", "freq": freq}


def rfm_section(transactions: pd.DataFrame, observation_end, value: pd.Series) -> dict:
    """RFM scores and segments of the buyers, with the size and value of each segment.

    Parameters:
        transactions: ``customer_id``, ``date``, ``amount``.
        observation_end: last day of the data.
        value: money per customer (margin if costs are known, else revenue), whole history.

    Returns:
        dict with ``summary`` (:func:`helpers.rfm.rfm_summary`, in weeks), ``scores``
        (:func:`helpers.rfm.rfm_scores`) and ``segments`` (:func:`helpers.crm.rfm_segment_value`
        with an ``action`` column, empty segments left out).
    """
    summary = rfm_summary(transactions, observation_end=observation_end, time_unit="W")
    scores = rfm_scores(summary)
    segments = rfm_segment_value(scores, value)
    segments = segments[segments["customers"] > 0].copy()
    segments["action"] = [RFM_ACTIONS.get(str(name), "") for name in segments.index]
    return {"summary": summary, "scores": scores, "segments": segments}


def pyramid_section(company: Company, base: pd.DataFrame, active: pd.Index, options: ReportOptions) -> dict:
    """The customer pyramid of the active customers, ranked by what they brought recently.

    The value ranked is, by what the data allow: **profit** (margin minus the cost to
    serve, :func:`helpers.profitability.customer_profitability`) when the transactions
    have costs, the customers table has signup dates and there are contacts or bonds to
    price; the **gross margin** when there are costs only; the **revenue** otherwise (then
    no customer is lead). The window is the last ``options.window_months`` calendar months.

    Parameters:
        company: the data.
        base: :func:`customer_base`.
        active: ids of the customers still there at the end.
        options: the tier shares and the window.

    Returns:
        dict with ``value`` (per active customer), ``value_name`` ("profit", "gross margin"
        or "revenue"), ``tiers`` (:func:`helpers.profitability.pyramid_tier`), ``table``
        (customers and value per tier, with an ``action`` column) and ``cost_to_serve``
        (what the profit subtracts: contacts, bonds).
    """
    end = pd.Timestamp(company.observation_end)
    if _has_costs(company) and company.has("customers", "signup_date"):
        churn = company.churn if _has_recorded_churn(company) else None
        table = customer_profitability(company.customers, company.transactions, company.interactions,
                                       company.bonds, end, months=options.window_months, churn=churn)
        served = [part for part, table_name in (("contacts priced by channel", "interactions"),
                                                 ("retention bonds", "bonds")) if table_name not in company.missing]
        value, name = (table["profit"], "profit") if served else (table["margin"], "gross margin")
    elif _has_costs(company):
        value, name, served = base["margin_recent"], "gross margin", []
    else:
        value, name, served = base["revenue_recent"], "revenue", []
    value = value.reindex(active).fillna(0.0).rename(name)
    tiers = pyramid_tier(value, platinum=options.platinum, gold=options.gold)
    table = rfm_segment_value(pd.DataFrame({"segment": tiers}), value).rename_axis("tier")
    table["action"] = [TIER_ACTIONS[tier] for tier in table.index]
    return {"value": value, "value_name": name, "tiers": tiers, "table": table, "cost_to_serve": served}


def clv_section(summary: pd.DataFrame, active: pd.Index, *, margin_ratio: float, options: ReportOptions,
                segments: pd.Series | None = None, monthly_churn_rate: float = float("nan"),
                margin_per_active_year: float = float("nan"), value_name: str = "margin") -> dict:
    """Expected customer lifetime value of the active buyers (BG/NBD × Gamma-Gamma).

    The BG/NBD model (purchases and dropping out) and the Gamma-Gamma model (spend per
    purchase) are fitted on every buyer's summary; each active buyer's expected purchases
    over the next ``options.clv_months`` months, times the expected spend and the margin
    ratio, discounted monthly, is their CLV (:func:`helpers.value.expected_clv`). Buyers
    whose repeat purchases add up to zero or less (returns) cannot enter the spend model
    and are left out and counted. The retention-based formula of Gupta & Lehmann (2003)
    (:func:`helpers.value.clv`) with the measured churn is given as a cross-check.

    Parameters:
        summary: :func:`helpers.rfm.rfm_summary` in weeks.
        active: ids of the customers still there at the end.
        margin_ratio: share of revenue that is margin (1 values revenue).
        options: horizon and discount rate.
        segments: RFM segment per customer, for the value by segment (optional).
        monthly_churn_rate: measured monthly churn, for the cross-check.
        margin_per_active_year: margin (or revenue) per active customer in the last year.
        value_name: what the value is, for the report: "margin", or "revenue" without costs.

    Returns:
        dict with ``values`` (CLV per active buyer), ``average``, ``total``, ``customers``,
        ``fitted`` (buyers the models were fitted on), ``left_out`` (buyers without positive
        repeat spend), ``bgnbd`` and ``gamma_gamma`` (fitted parameters),
        ``top_decile_share`` (share of the total held by the best 10 %),
        ``by_segment`` (DataFrame, if ``segments``), ``formula`` (the cross-check, or NaN),
        ``value_name``, ``months`` and ``margin_ratio``.
    """
    valid = ~((summary["frequency"] > 0) & (summary["monetary_value"] <= 0))
    usable = summary[valid.to_numpy()]
    bgnbd = fit_bgnbd(usable)
    gamma_gamma = fit_gamma_gamma(usable)
    monthly_discount = (1 + options.annual_discount_rate) ** (1 / 12) - 1
    kept = usable[usable.index.isin(active)]
    with np.errstate(all="ignore"):  # a degenerate fit gives NaN, refused below
        values = expected_clv(bgnbd, gamma_gamma, kept, periods=options.clv_months, discount_rate=monthly_discount,
                              margin=margin_ratio, period_length=DAYS_PER_MONTH / 7)
    if not np.isfinite(values.to_numpy()).all():
        raise ValueError(f"the models fitted on {len(usable):,} buyers give no finite value for "
                         f"{int((~np.isfinite(values.to_numpy())).sum()):,} customers: too few buyers or repeat "
                         "purchases to estimate them")
    ordered = np.sort(values.to_numpy())[::-1]
    total = float(ordered.sum())
    top = ordered[:max(1, len(ordered) // 10)].sum() / total if total > 0 else float("nan")
    result = {"value_name": value_name, "months": options.clv_months, "margin_ratio": margin_ratio,
              "fitted": len(usable), "values": values, "average": float(values.mean()) if len(values) else float("nan"),
              "total": total, "customers": len(values), "left_out": int((~valid).sum()),
              "bgnbd": bgnbd, "gamma_gamma": gamma_gamma, "top_decile_share": float(top)}
    if segments is not None:
        by = values.groupby(segments.reindex(values.index), observed=True)
        table = pd.DataFrame({"customers": by.size(), "average_CLV": by.mean(), "total_CLV": by.sum()})
        table["share_of_total"] = table["total_CLV"] / total if total > 0 else np.nan
        result["by_segment"] = table.rename_axis("segment")
    years = options.clv_months / 12
    formula = float("nan")
    if np.isfinite(monthly_churn_rate) and np.isfinite(margin_per_active_year) and years == int(years):
        annual_retention = (1 - monthly_churn_rate) ** 12
        formula = clv(margin_per_active_year, annual_retention, options.annual_discount_rate, horizon=int(years))
    result["formula"] = formula
    return result


def loyalty_section(company: Company, base: pd.DataFrame, active: pd.Index, options: ReportOptions) -> dict:
    """The loyalty matrix of the surveyed active customers, and the NPS.

    Satisfaction (the latest answer, 1–5) is crossed with a loyalty index made of the
    components the data have (:func:`helpers.loyalty.loyalty_components`): repurchase and
    tenure always, bonds when a bonds table exists, intention when the surveys have a
    commitment answer (Jones & Sasser 1995). Answers without a satisfaction (or, when
    intention is used, a commitment) are left out of the matrix and counted. The NPS
    uses every recommendation answer in the recent window (Reichheld 2003).

    Parameters:
        company: the data (``surveys`` needed; ``customers``, ``bonds``, ``churn`` used if there).
        base: :func:`customer_base` (first purchases stand in for missing signup dates).
        active: ids of the customers still there at the end.
        options: the recent window.

    Returns:
        dict with ``table`` (components and ``loyalty_index``, ``loyalty_type`` per active
        customer), ``summary`` (:func:`helpers.loyalty.segment_summary` with an ``action``
        column), ``value_name``, ``components`` used, ``left_out`` answers, ``placed``
        customers, ``nps`` (or None) and ``nps_answers``.
    """
    end = pd.Timestamp(company.observation_end)
    surveys = company.surveys
    components = ["repurchase", "tenure"] + (["bonds"] if "bonds" not in company.missing else [])
    if company.has("surveys", "commitment"):
        components.append("intention")
    needed = ["satisfaction"] + (["commitment"] if "intention" in components else [])
    complete = surveys[needed].notna().all(axis=1).to_numpy()
    # loyalty_components carries the recommendation along; the matrix does not use it.
    answers = surveys[complete].assign(recommend=surveys["recommend"][complete].fillna(0),
                                       commitment=surveys["commitment"][complete].fillna(1))
    customers = company.customers if company.has("customers", "signup_date") else _buyers_as_customers(base)
    transactions = company.transactions if _has_costs(company) else company.transactions.assign(cost=0.0)
    table = loyalty_components(customers, transactions, answers, company.bonds, company.churn, end,
                               months=options.window_months).drop(columns="recommend")
    table = table[table.index.isin(active)]
    weights = {name: 1.0 for name in components}
    table["loyalty_index"] = loyalty_index(table, weights=weights)
    table["loyalty_type"] = loyalty_segment(table, weights=weights)
    summary = segment_summary(table["loyalty_type"], table["margin"])
    summary["action"] = [LOYALTY_ACTIONS[kind] for kind in summary.index]
    recommend = pd.to_numeric(surveys["recommend"], errors="coerce")
    recent = (pd.to_datetime(surveys["date"]) >= _window_start(end, options.window_months)).to_numpy()
    scores = recommend[recent & recommend.notna().to_numpy()]
    return {"table": table, "summary": summary, "value_name": "gross margin" if _has_costs(company) else "revenue",
            "components": components, "left_out": int((~complete).sum()),
            "placed": int(table["loyalty_type"].notna().sum()),
            "nps": nps(scores) if len(scores) else None, "nps_answers": len(scores)}


def headline_kpis(overview: dict, retention: dict | Skipped, clv_result: dict | Skipped,
                  loyalty: dict | Skipped) -> pd.DataFrame:
    """The headline numbers of the report, one row each, with what they mean.

    Returns:
        DataFrame with ``measure``, ``value`` (float), ``kind`` ("count", "money", "percent"
        or "score") and ``meaning``. Measures the data cannot give are left out.
    """
    window = overview["window_months"]
    on_file = overview["rows"].get("customers") if "customers" not in overview["derived"] else None
    rows = [("Customers", overview["buyers"], "count",
             f"bought at least once ({on_file:,} in the customers table)" if on_file else "bought at least once"),
            ("Active customers", overview["active"], "count", overview["active_meaning"]),
            (f"Revenue, last {window} months", overview["revenue_recent"], "money",
             f"total {plots.money(overview['revenue'])} over the whole period")]
    if overview["margin_recent"] is not None:
        rows.append((f"Gross margin, last {window} months", overview["margin_recent"], "money",
                     f"{overview['margin_recent'] / overview['revenue_recent']:.0%} of revenue"
                     if overview["revenue_recent"] else "revenue − cost"))
    rows.append(("Repeat-purchase rate", overview["repeat_rate"], "percent", "buyers who came back on another day"))
    if not isinstance(retention, Skipped) and np.isfinite(retention["churn_rate"]):
        rate = retention["churn_rate"]
        rows.append(("Monthly churn", rate, "percent",
                     f"retention {1 - rate:.1%} a month, {(1 - rate) ** 12:.0%} a year"))
    if not isinstance(clv_result, Skipped) and np.isfinite(clv_result["average"]):
        rows.append(("Average CLV", clv_result["average"], "money",
                     f"expected {clv_result['value_name']} per active customer, next {clv_result['months']} months"))
    if not isinstance(loyalty, Skipped) and loyalty["nps"] is not None:
        rows.append(("NPS", loyalty["nps"], "score", f"{loyalty['nps_answers']:,} answers, last {window} months"))
    return pd.DataFrame(rows, columns=["measure", "value", "kind", "meaning"])


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


def _attempt(timings: dict[str, float], stage: str, compute: Callable[[], dict]) -> dict | Skipped:
    """Run one section; a problem in the data becomes a Skipped with the message, not a crash."""
    with _timed(timings, stage):
        try:
            return compute()
        except (ValueError, RuntimeError) as error:
            return Skipped(f"this section could not be computed on this data: {error}")


def compute_report(company: Company, options: ReportOptions | None = None) -> ReportData:
    """Compute every section of the report from a company's tables.

    Only ``transactions`` (``customer_id``, ``date``, ``amount``) is required; each
    section uses what else the data have and says what it lacks.

    Parameters:
        company: the data, e.g. :func:`helpers.synthetic.generate` or an analyst's files.
        options: the report's choices (default :class:`ReportOptions`).

    Returns:
        A :class:`ReportData`.

    Raises:
        ValueError: when the transactions are empty or unusable (the report needs them).

    Example:
        >>> from helpers.synthetic import generate
        >>> data = compute_report(generate(300, seed=1, months=12))
        >>> list(data.kpis["measure"])[:2]
        ['Customers', 'Active customers']
    """
    options = options or ReportOptions()
    timings: dict[str, float] = {}
    end = pd.Timestamp(company.observation_end)
    transactions = company.transactions
    if transactions.empty:
        raise ValueError("the transactions table is empty: the report needs at least one purchase")

    with _timed(timings, "customer base"):
        base = customer_base(transactions, end, window_months=options.window_months)
        costs = _has_costs(company)
    with _timed(timings, "lifetimes"):
        try:
            lifetimes = customer_lifetimes(company, base, lapse_days=options.lapse_days)
        except ValueError as error:
            lifetimes = Skipped(f"customer lifetimes could not be computed on this data: {error}")
    followed = None if isinstance(lifetimes, Skipped) else lifetimes
    active = _active_ids(company, base, followed, options.lapse_days)
    retention = lifetimes if isinstance(lifetimes, Skipped) else _attempt(
        timings, "retention", lambda: retention_section(lifetimes, window_months=options.window_months))
    rule = followed.attrs["rule"] if followed is not None else "lapse"
    cohorts = _attempt(timings, "cohorts", lambda: cohort_section(company, base, rule))
    value = base["margin"] if costs else base["revenue"]
    rfm = _attempt(timings, "rfm", lambda: rfm_section(transactions, end, value))
    pyramid = _attempt(timings, "pyramid", lambda: pyramid_section(company, base, active, options))

    revenue_recent = float(base["revenue_recent"].sum())
    margin_recent = float(base["margin_recent"].sum()) if costs else None
    active_buyers = base.index.isin(active)
    yearly = (margin_recent if costs else revenue_recent) / max(int(active_buyers.sum()), 1) \
        * 12 / options.window_months

    def value_of_customers() -> dict:
        if isinstance(rfm, Skipped):
            raise ValueError("the RFM summary it needs could not be computed")
        ratio = float(base["margin"].sum() / base["revenue"].sum()) if costs and base["revenue"].sum() else 1.0
        churn = retention["churn_rate"] if not isinstance(retention, Skipped) else float("nan")
        return clv_section(rfm["summary"], active, margin_ratio=ratio, options=options,
                           segments=rfm["scores"]["segment"], monthly_churn_rate=churn,
                           margin_per_active_year=yearly, value_name="margin" if costs else "revenue")

    clv_result = _attempt(timings, "clv", value_of_customers)
    if not company.has("surveys", "satisfaction"):
        loyalty = Skipped("the data have no survey answers with a satisfaction score "
                          "(give a surveys file to see the loyalty matrix and the NPS)")
    else:
        loyalty = _attempt(timings, "loyalty", lambda: loyalty_section(company, base, active, options))

    first = pd.Timestamp(base["first_purchase"].min())
    lapse_meaning = f"bought in the last {options.lapse_days} days"
    overview = {
        "first_date": first, "observation_end": end, "window_months": options.window_months,
        "rows": {name: len(frame) for name, frame in company.tables().items() if name not in company.missing},
        "derived": tuple(name for name in company.tables() if _derived(company, name)),
        "load_report": None if company.load_report is None else str(company.load_report),
        "missing": tuple(company.missing), "buyers": len(base), "active": len(active),
        "active_meaning": ("signed up and not lost by the end of the data"
                           if rule == "recorded" and followed is not None else lapse_meaning),
        "revenue": float(base["revenue"].sum()), "revenue_recent": revenue_recent, "margin_recent": margin_recent,
        "repeat_rate": float((base["last_purchase"].dt.normalize() > base["first_purchase"].dt.normalize()).mean()),
        "costs": costs,
    }
    with _timed(timings, "kpis"):
        kpis = headline_kpis(overview, retention, clv_result, loyalty)
    return ReportData(options=options, overview=overview, kpis=kpis, retention=retention, cohorts=cohorts, rfm=rfm,
                      pyramid=pyramid, clv=clv_result, loyalty=loyalty, timings=timings)


# ---------------------------------------------------------------------------------------
# Rendering: charts as embedded PNG, tables as HTML, one page with inline styles
# ---------------------------------------------------------------------------------------

_CSS = """
:root { --ink: #1d1d1f; --muted: #555; --line: #d8d8d8; --accent: #0072B2; --soft: #f4f6f8; }
* { box-sizing: border-box; }
body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       margin: 0 auto; padding: 24px 28px 48px; max-width: 1040px; line-height: 1.45; font-size: 15px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 6px; padding-top: 10px; border-top: 2px solid var(--accent); }
header p { margin: 2px 0; color: var(--muted); }
.what { font-size: 16px; margin: 4px 0 10px; }
.reading { margin: 6px 0 12px; padding-left: 20px; }
.reading li { margin: 2px 0; }
.note { color: var(--muted); font-size: 13px; margin: 6px 0; }
.skipped { background: #fff6e0; border-left: 4px solid #E69F00; padding: 8px 12px; margin: 8px 0;
           white-space: pre-wrap; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; margin: 18px 0 8px; }
.kpi { background: var(--soft); border-radius: 6px; padding: 10px 12px; }
.kpi .value { font-size: 26px; font-weight: 700; color: var(--accent); }
.kpi .name { font-weight: 600; }
.kpi .meaning { color: var(--muted); font-size: 12.5px; }
nav ol { columns: 2; margin: 6px 0; }
figure { margin: 10px 0; }
figure img { width: 100%; height: auto; display: block; }
table.data { border-collapse: collapse; margin: 8px 0 4px; font-size: 13.5px; font-variant-numeric: tabular-nums; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: right; }
table.data th { background: var(--soft); font-weight: 600; }
table.data th.row_heading, table.data td.text { text-align: left; }
table.data caption { caption-side: top; text-align: left; font-weight: 600; padding: 2px 0 4px; }
table.cohorts td { text-align: center; min-width: 44px; }
footer { margin-top: 40px; border-top: 1px solid var(--line); color: var(--muted); font-size: 13px; }
footer pre { white-space: pre-wrap; font-size: 12px; background: var(--soft); padding: 8px 10px; }
@media print { details:not([open]) { display: none; } }
@media (max-width: 720px) { .kpis { grid-template-columns: repeat(2, 1fr); } }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  figure, table, .kpis { break-inside: avoid; }
  nav { display: none; }
  @page { margin: 14mm; }
}
"""

#: Sections in the order the report shows them: (attribute of ReportData, anchor, heading).
_SECTIONS = (
    ("rfm", "rfm", "RFM segments"),
    ("retention", "retention", "Retention curve"),
    ("cohorts", "cohorts", "Cohorts"),
    ("pyramid", "pyramid", "Customer pyramid"),
    ("clv", "clv", "Customer lifetime value"),
    ("loyalty", "loyalty", "Loyalty matrix and NPS"),
)

#: One sentence per section: what it shows, for a manager.
_WHAT = {
    "rfm": "Customers grouped by how recently, how often and how much they buy, with the share of value "
           "each group brings: where to reward, where to win back.",
    "retention": "Out of every 100 customers, how many are still with the company after a given number of "
                 "months: how fast the bucket leaks.",
    "cohorts": "Customers grouped by the period they started in: does each new group stay (or keep buying) "
               "better or worse than the ones before?",
    "pyramid": "Active customers ranked by what they brought in the last year and cut into tiers: who deserves "
               "the best service, who costs more than they bring.",
    "clv": "What an active customer is expected to bring in the coming years, from how often and how much "
           "they have bought: the value of the customer base.",
    "loyalty": "Surveyed customers placed by satisfaction and loyalty: apostles to involve, mercenaries to tie, "
               "hostages and terrorists to look after before they leave or speak badly of the company.",
}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _count(value: float) -> str:
    return f"{value:,.0f}"


def _amount(value: float) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:,.0f}"


def _share(value: float, digits: int = 0) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    return f"{0.0 if abs(value) < 0.5 * 10 ** -(digits + 2) else value:.{digits}%}"  # no "-0%"


def _date(value) -> str:
    return pd.Timestamp(value).strftime("%d %b %Y")


def _figure(draw: Callable[[], mpl.figure.Figure], alt: str, timings: dict[str, float], stage: str,
            caption: str = "") -> str:
    """Draw a figure with the course theme and embed it as a base64 PNG ``<img>``."""
    with _timed(timings, stage), mpl.rc_context():
        plots.use_theme()
        figure = draw()
        try:
            figure.set_dpi(120)
            png = figure_png(figure)
        finally:
            plt.close(figure)
    data = base64.b64encode(png).decode("ascii")
    text = f"<figcaption class='note'>{_e(caption)}</figcaption>" if caption else ""
    return f"<figure><img alt='{_e(alt)}' src='data:image/png;base64,{data}'>{text}</figure>"


def _table(frame: pd.DataFrame, formats: dict[str, Callable], key: str, *, caption: str = "",
           index_name: str | None = None, text_columns: Sequence[str] = ()) -> str:
    """A table as HTML with readable headings; cells formatted, text escaped."""
    shown = frame.copy()
    shown.index = [plots.label(name) for name in shown.index]
    corner = _e(index_name) if index_name else None  # the index's name, shown in the top-left cell
    shown.columns = pd.Index([plots.label(name) for name in shown.columns], name=corner)
    text_columns = [plots.label(name) for name in text_columns]
    numbers = {plots.label(column): format for column, format in formats.items() if plots.label(column) in shown}
    styler = (shown.style.format(na_rep="–", escape="html").format(numbers, na_rep="–", subset=list(numbers))
              .format_index(escape="html", axis=0).format_index(escape="html", axis=1)
              .set_uuid(key).set_table_attributes("class='data'")
              .set_table_styles({column: [{"selector": "th", "props": "text-align: left"}]
                                 for column in text_columns}, overwrite=False))
    if text_columns:
        classes = pd.DataFrame([["text" if c in text_columns else "" for c in shown.columns]] * len(shown),
                               index=shown.index, columns=shown.columns)
        styler = styler.set_td_classes(classes)
    if caption:
        styler = styler.set_caption(_e(caption))
    return styler.to_html()


def _reading(lines: Sequence[str]) -> str:
    return "<ul class='reading'>" + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>"


def _notes(lines: Sequence[str]) -> str:
    return "".join(f"<p class='note'>{_e(line)}</p>" for line in lines)


def _value_columns(table: pd.DataFrame, value_name: str) -> pd.DataFrame:
    """The columns of :func:`helpers.crm.rfm_segment_value` named after the value measured."""
    return table.rename(columns={"margin": value_name, "share_of_margin": f"share_of_{value_name}",
                                 "margin_per_customer": f"{value_name}_per_customer"})


def _segment_formats(value_name: str) -> dict[str, Callable]:
    return {"customers": _count, "share_of_customers": _share, value_name: _amount,
            f"share_of_{value_name}": _share, f"{value_name}_per_customer": _amount}


def _share_chart(table: pd.DataFrame, title: str, value_name: str, *, colours: Sequence[str] | None = None,
                 height: float = 6.0):
    """Share of customers and of value per group (:func:`helpers.plots.crm.segment_value_chart`), for any value.

    The right panel is named after the value and widened to show groups whose value is
    negative; ``colours`` (one per row of ``table``) replace the default bar colours.
    """
    figure = crm_plots.segment_value_chart(table, title=title, height=height)
    right = figure.axes[1]
    right.set_title(f"Share of {value_name}", fontsize=14)
    lowest = float(table["share_of_margin"].min())
    if lowest < 0:
        right.set_xlim(left=lowest * 1.25)
        right.axvline(0, color="#333333", lw=1)
    if colours is not None:
        for axes in figure.axes:  # bars are drawn from the last row up
            for bar, colour in zip(axes.patches, list(colours)[::-1]):
                bar.set_color(colour)
    return figure


def _rfm_html(result: dict, data: ReportData) -> str:
    value_name = "margin" if data.overview["costs"] else "revenue"
    segments = result["segments"]
    best = segments.sort_values("share_of_margin", ascending=False)
    top = best.index[0]
    lines = [f"The “{top}” segment is {_share(best['share_of_customers'].iloc[0])} of the buyers and brings "
             f"{_share(best['share_of_margin'].iloc[0])} of the {value_name}."]
    for name in ("at risk", "can't lose them"):
        if name in segments.index:
            row = segments.loc[name]
            lines.append(f"{plots.label(name)}: {_count(row['customers'])} customers who used to buy often "
                         f"({_share(row['share_of_margin'])} of the {value_name}) and have not bought lately.")

    def draw():
        return _share_chart(segments, f"RFM segments: share of customers and of {value_name}", value_name)

    table = _value_columns(segments, value_name)
    return (_reading(lines) + _figure(draw, "RFM segments", data.timings, "draw rfm")
            + _table(table, _segment_formats(value_name), "rfm", index_name="segment", text_columns=("action",))
            + _notes([f"R, F and M are quintile scores (5 = best) of the days since the last purchase, the number of "
                      f"repeat purchase days and the average repeat spend; segments come from the R × F grid. "
                      f"Value = {value_name} over the whole period."]))


def _retention_html(result: dict, data: ReportData) -> str:
    rule, readings = result["rule"], result["readings"]
    since = "signup" if rule == "recorded" else "first purchase"
    lines = [f"After {int(months)} months, {_share(share)} of customers are still there."
             for months, share in readings.items() if months in (6, 12, 24) and np.isfinite(share)]
    median = result["median_months"]
    lines.append(f"Half of the customers are lost within {median:.1f} months." if np.isfinite(median)
                 else "More than half of the customers are still there at the end of the data.")
    if np.isfinite(result["churn_rate"]):
        lines.append(f"Over the last {data.options.window_months} months, {_share(result['churn_rate'], 1)} of the "
                     f"customers there at the start of a month were lost during it.")
    marks = [m for m in (12,) if m <= result["curve"]["time"].max()]
    figure = _figure(lambda: retention_plots.survival_chart(
        result["curve"], family=None, marks=marks, xlabel=f"months since {since}",
        title=f"Share of customers still there, by months since {since}"),
        "retention curve", data.timings, "draw retention")
    if rule == "recorded":
        note = "Lost = recorded in the churn table. Customers still there at the end of the data count until then."
    else:
        note = (f"The data have no record of lost customers, so a customer who has not bought for "
                f"{data.options.lapse_days} days "
                f"counts as lost on the day of the last purchase (one-time buyers are lost on day 0). That can only "
                f"be judged up to {_date(result['judged_until'])}, {data.options.lapse_days} days before the end.")
    return (_reading(lines) + figure
            + _notes([note, f"{result['customers']:,} customers followed; Kaplan–Meier estimate with its 95 % "
                            "band."]))


def _cohorts_html(result: dict, data: ReportData) -> str:
    shares, sizes = result["shares"], result["sizes"]
    period = {"M": "month", "Q": "quarter"}[result["freq"]]
    shown = shares.copy()
    shown.index = [f"{cohort} ({size:,})" for cohort, size in zip(shares.index.astype(str), sizes)]
    start = "signup" if result["measure"] == "active" else "first purchase"
    shown.columns = pd.Index([str(age) for age in shares.columns], name=f"{start} {period} (customers)")
    styler = (plots.share_grid(shown, uuid="cohorts").set_table_attributes("class='data cohorts'")
              .set_caption(_e(f"{plots.label(period)}s since the {start} →")))
    if result["measure"] == "active":
        what = f"Each cell: the share of the cohort still a customer that many {period}s after signing up."
    else:
        what = (f"Each cell: the share of the cohort who bought in that {period} of their life "
                f"(column 0 is the {period} of the first purchase, so it is always 100 %).")
    lines = []
    if shares.shape[1] > 1 and shares.iloc[:, 1].notna().sum() >= 2:
        column = shares.iloc[:, 1].dropna()
        doing = "still customers" if result["measure"] == "active" else "bought again"
        lines.append(f"One {period} after the start, {_share(column.min())} to {_share(column.max())} of a cohort "
                     f"{doing}; {_share(column.iloc[-1])} in the latest cohort measured ({column.index[-1]}).")
    return _reading(lines) + styler.to_html() + _notes([what, "Empty cells have not happened yet."])


def _pyramid_html(result: dict, data: ReportData) -> str:
    name, table = result["value_name"], result["table"]
    lines = []
    top = table.loc[["platinum", "gold"]]
    lines.append(f"The top {_share(top['share_of_customers'].sum())} of active customers (platinum and gold) bring "
                 f"{_share(top['share_of_margin'].sum())} of the {name}.")
    if table.loc["lead", "customers"] > 0:
        lead = table.loc["lead"]
        lines.append(f"{_count(lead['customers'])} customers ({_share(lead['share_of_customers'])}) "
                     f"are lead: their {name} is below zero, {_amount(table.loc['lead', 'margin'])} in total.")

    def draw():
        return _share_chart(table, f"Customer pyramid: share of customers and of {name}", name,
                            colours=plots.palette("tier", list(TIERS)), height=4.2)

    explain = {"profit": f"profit = gross margin − cost to serve ({', '.join(result['cost_to_serve'])})",
               "gross margin": "gross margin = revenue − cost (the data have no contacts or bonds to price the "
                               "cost to serve)",
               "revenue": "the data have no costs, so customers are ranked by revenue and none can be lead"}[name]
    return (_reading(lines) + _figure(draw, "customer pyramid", data.timings, "draw pyramid")
            + _table(_value_columns(table, name), _segment_formats(name), "pyramid", index_name="tier",
                     text_columns=("action",))
            + _notes([f"Last {data.options.window_months} months; {explain}. Platinum = best "
                      f"{_share(data.options.platinum)}, gold = the next ones up to the best "
                      f"{_share(data.options.gold)}, lead = below zero (Zeithaml, Rust & Lemon 2001)."]))


def _clv_html(result: dict, data: ReportData) -> str:
    months, value_name = result["months"], result["value_name"]
    lines = [f"An active customer is expected to bring {_amount(result['average'])} of {value_name} over the next "
             f"{months} months (discounted at {_share(data.options.annual_discount_rate)} a year); "
             f"{_amount(result['total'])} for the {result['customers']:,} active buyers together.",
             f"The best 10 % of them hold {_share(result['top_decile_share'])} of that value."]
    if np.isfinite(result["formula"]):
        lines.append(f"For comparison, the textbook formula for an average customer (yearly {value_name} × "
                     f"measured retention, {months // 12} years; Gupta & Lehmann 2003) gives "
                     f"{_amount(result['formula'])}.")
    parts = [_reading(lines)]
    if "by_segment" in result and len(result["by_segment"]):
        by_segment = result["by_segment"].sort_values("average_CLV", ascending=False)
        parts.append(_figure(lambda: plots.bar_chart(
            by_segment["average_CLV"], horizontal=True, fmt="money",
            title=f"Average expected {value_name} per active customer, next {months} months",
            xlabel=f"{value_name} (currency)"), "CLV by RFM segment", data.timings, "draw clv"))
        parts.append(_table(by_segment, {"customers": _count, "average_CLV": _amount, "total_CLV": _amount,
                                         "share_of_total": _share}, "clv", index_name="RFM segment"))
    if value_name == "margin":
        basis = f"margin = {_share(result['margin_ratio'])} of spend (the data's average)"
    else:
        basis = "the data have no costs, so the value is revenue, not margin"
    notes = [f"BG/NBD model of purchases and drop-out with the Gamma-Gamma model of spend (Fader, Hardie & Lee 2005), "
             f"fitted on {result['fitted']:,} buyers; "
             f"{basis}."]
    if result["left_out"]:
        notes.append(f"{result['left_out']:,} buyers whose repeat purchases add up to zero or less (returns) are left "
                     f"out of the model.")
    return "".join(parts) + _notes(notes)


def _loyalty_html(result: dict, data: ReportData) -> str:
    summary, table = result["summary"], result["table"]
    value_name = result["value_name"]
    lines = []
    if result["nps"] is not None:
        lines.append(f"NPS {result['nps']:+.0f} over {result['nps_answers']:,} answers in the last "
                     f"{data.options.window_months} months (% promoters − % detractors).")
    if result["placed"]:
        for kind in ("apostle", "terrorist"):
            row = summary.loc[kind]
            lines.append(f"{plots.label(kind)}s: {_count(row['customers'])} ({_share(row['share'])} of "
                         f"the surveyed), {_share(row['value_share'])} of the {value_name}.")
    parts = [_reading(lines)]
    if result["placed"]:
        def draw():
            figure = loyalty_plots.matrix_chart(table, table["loyalty_index"], table["loyalty_type"], summary,
                                                satisfied_from=4, dissatisfied_up_to=3, high_loyalty=0.5,
                                                low_loyalty=0.35)
            figure.axes[0].set_title(f"Loyalty matrix of {result['placed']:,} surveyed active customers; value = "
                                     f"{value_name}, last {data.options.window_months} months", fontsize=14)
            return figure

        parts.append(_figure(draw, "loyalty matrix", data.timings, "draw loyalty"))
        shown = summary.rename(columns={"value": value_name, "value_share": f"share_of_{value_name}",
                                        "value_per_customer": f"{value_name}_per_customer"})
        parts.append(_table(shown, {"customers": _count, "share": _share, value_name: _amount,
                                    f"share_of_{value_name}": _share, f"{value_name}_per_customer": _amount},
                            "loyalty", index_name="type", text_columns=("action",)))
    else:
        parts.append("<p class='skipped'>No active customer has a usable survey answer, so nobody can be placed.</p>")
    notes = [f"Satisfaction = latest answer (4–5 satisfied, 1–3 not); loyalty index = mean of "
             f"{', '.join(result['components'])} (each 0–1; loyal ≥ 0.5, loose < 0.35). Customers never surveyed "
             f"cannot be placed ({len(table) - result['placed']:,} of {len(table):,} active customers)."]
    if result["left_out"]:
        notes.append(f"{result['left_out']:,} survey answers without a satisfaction"
                     f"{' or commitment' if 'intention' in result['components'] else ''} score are left out.")
    return "".join(parts) + _notes(notes)


_RENDERERS = {"rfm": _rfm_html, "retention": _retention_html, "cohorts": _cohorts_html, "pyramid": _pyramid_html,
              "clv": _clv_html, "loyalty": _loyalty_html}


def _kpi_html(kpis: pd.DataFrame) -> str:
    formats = {"count": _count, "money": plots.money, "percent": lambda v: f"{v:.1%}", "score": lambda v: f"{v:+.0f}"}
    cards = [f"<div class='kpi'><div class='name'>{_e(row.measure)}</div>"
             f"<div class='value'>{_e(formats[row.kind](row.value))}</div>"
             f"<div class='meaning'>{_e(row.meaning)}</div></div>" for row in kpis.itertuples()]
    return "<section class='kpis'>" + "".join(cards) + "</section>"


def render_report(data: ReportData, *, title: str = "Customer report", sources: Sequence[str] = ()) -> str:
    """The report as one self-contained HTML page (inline styles, charts as base64 PNG).

    Parameters:
        data: :func:`compute_report`.
        title: the page title.
        sources: names of the files the data came from, listed under the title.

    Returns:
        The HTML document as a string; it refers to no file or address outside itself.
    """
    overview = data.overview
    tables = ", ".join(f"{name} {rows:,} rows" + (" (derived)" if name in overview["derived"] else "")
                       for name, rows in overview["rows"].items() if rows)
    header = [f"<h1>{_e(title)}</h1>",
              f"<p>Data from {_e(_date(overview['first_date']))} to {_e(_date(overview['observation_end']))} · "
              f"{_e(tables)}</p>"]
    if sources:
        header.append(f"<p>Files: {_e(', '.join(sources))}</p>")
    body = ["<header>", *header, "</header>", _kpi_html(data.kpis)]
    body.append("<nav><ol>" + "".join(f"<li><a href='#{anchor}'>{_e(heading)}</a></li>"
                                      for _, anchor, heading in _SECTIONS) + "</ol></nav>")
    for number, (attribute, anchor, heading) in enumerate(_SECTIONS, start=1):
        result = getattr(data, attribute)
        body.append(f"<section id='{anchor}'><h2>{number}. {_e(heading)}</h2>"
                    f"<p class='what'>{_e(_WHAT[attribute])}</p>")
        if not isinstance(result, Skipped):
            try:
                body.append(_RENDERERS[attribute](result, data))
            except (ValueError, RuntimeError) as error:
                result = Skipped(f"this section could not be drawn on this data: {error}")
        if isinstance(result, Skipped):
            body.append(f"<p class='skipped'>Not shown: {_e(result.reason)}</p>")
        body.append("</section>")
    missing = overview["missing"]
    footer = [f"Recent window: the last {data.options.window_months} calendar months up to "
              f"{_date(overview['observation_end'])}. Money is in the data's currency."]
    if missing:
        footer.append(f"Tables the data do not have: {', '.join(missing)}; the sections that need them say so.")
    footer.append("Made with the Relationship Marketing & CRM Workbook (python -m helpers report).")
    body.append("<footer>" + _notes(footer))
    if overview["load_report"]:
        body.append("<details><summary>How the files were read</summary>"
                    f"<pre>{_e(overview['load_report'])}</pre></details>")
    body.append("</footer>")
    return ("<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
            f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n" + "\n".join(body)
            + "\n</body>\n</html>\n")


def build_report(company: Company, options: ReportOptions | None = None, *, title: str = "Customer report",
                 sources: Sequence[str] = ()) -> str:
    """Compute and render the report of a company: :func:`compute_report` then :func:`render_report`.

    Example:
        >>> from helpers.synthetic import generate
        >>> page = build_report(generate(300, seed=1, months=12), title="Test")
        >>> page.startswith("<!DOCTYPE html>"), "<h1>Test</h1>" in page
        (True, True)
    """
    return render_report(compute_report(company, options), title=title, sources=sources)


# ---------------------------------------------------------------------------------------
# Command line: python -m helpers report ...
# ---------------------------------------------------------------------------------------

_DESCRIPTION = """\
Write one self-contained HTML report for a manager from your customer files: headline
numbers, RFM segments, retention curve, cohorts, customer pyramid, customer lifetime
value and, when you give survey answers, the loyalty matrix and the NPS. Charts are
embedded, so the file opens in any browser without a network connection and prints well.

Only the transactions are required: one row per purchase with the customer id, the date
and the amount. Give your files with --transactions (and --customers, --surveys) and
name your columns with the options below, or describe them once in a mapping file (the
same one the lessons use as DATA_DIR) and pass it with --mapping."""

_EPILOG = """\
examples:
  python -m helpers report --transactions sales.csv --out report.html
  python -m helpers report --transactions ventas.csv --customer-col Cliente --date-col Fecha \\
      --amount-col Importe --cost-col Coste --date-format %d/%m/%Y --decimal , --out informe.html
  python -m helpers report --mapping datasets/examples/messy_shop --out messy.html

Column options apply to every file given: --customer-col names the customer id in the
transactions, customers and surveys files alike. When your files name it differently,
or need recoded labels, other encodings or sheets per file, write a mapping file (see
datasets/examples/README.md) and use --mapping.

exit status: 0 report written; 1 the output file exists (add --force) or cannot be
written; 2 your data or the options could not be used (the message says how to fix it)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m helpers report", description=_DESCRIPTION, epilog=_EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    files = parser.add_argument_group("your data (give --transactions or --mapping)")
    files.add_argument("--transactions", metavar="FILE", type=Path,
                       help="purchases: CSV, Excel (.xlsx) or Parquet, one row per purchase")
    files.add_argument("--customers", metavar="FILE", type=Path,
                       help="optional customer list, one row per customer (for signup dates)")
    files.add_argument("--surveys", metavar="FILE", type=Path,
                       help="optional survey answers (satisfaction 1-5, recommend 0-10): loyalty matrix and NPS")
    files.add_argument("--mapping", metavar="PATH", type=Path,
                       help="instead of the files above: a mapping file (mapping.toml) or the folder holding it")
    columns = parser.add_argument_group("your column names (default: the course's names)")
    columns.add_argument("--customer-col", metavar="NAME", help="customer id, in every file (default customer_id)")
    columns.add_argument("--date-col", metavar="NAME",
                         help="day of the purchase, and of the survey answer (default date)")
    columns.add_argument("--amount-col", metavar="NAME", help="amount paid (default amount)")
    columns.add_argument("--cost-col", metavar="NAME",
                         help="cost of goods, for margin and profit (default cost; leave out if you have none)")
    columns.add_argument("--signup-col", metavar="NAME",
                         help="day the customer joined, customers file (default signup_date)")
    columns.add_argument("--satisfaction-col", metavar="NAME",
                         help="satisfaction 1-5, surveys file (default satisfaction)")
    columns.add_argument("--recommend-col", metavar="NAME",
                         help="likelihood to recommend 0-10, surveys file (default recommend)")
    reading = parser.add_argument_group("how your files are written")
    reading.add_argument("--date-format", metavar="FORMAT",
                         help="e.g. %%d/%%m/%%Y for 31/12/2024 (default: detected)")
    reading.add_argument("--decimal", choices=(".", ","), metavar="SEPARATOR",
                         help='decimal separator of numbers: "." or "," (default .)')
    reading.add_argument("--encoding", metavar="NAME", help="text encoding of CSV files, e.g. cp1252 (default utf-8)")
    reading.add_argument("--sheet", metavar="NAME", help="sheet of Excel files (default: the first)")
    reading.add_argument("--exclude-bad-rows", action="store_true",
                         help="leave out rows with an unreadable date, amount or id (listed in the report) "
                              "instead of stopping")
    reading.add_argument("--exclude-returns", action="store_true",
                         help="treat negative amounts as returns and leave them out (counted in the report)")
    reading.add_argument("--observation-end", metavar="DATE",
                         help="last day your data covers, e.g. 2024-12-31 (default: the last purchase)")
    choices = parser.add_argument_group("the report")
    choices.add_argument("--out", metavar="FILE", type=Path, required=True, help="the HTML file to write")
    choices.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    choices.add_argument("--title", default="Customer report", help="title of the page (default: Customer report)")
    choices.add_argument("--lapse-days", metavar="DAYS", type=int,
                         help="without a churn file, a customer with no purchase for this many days counts as lost "
                              "(default: inactive_days of the mapping, else 180)")
    return parser


_FILE_OPTIONS = ("customers", "surveys", "customer_col", "date_col", "amount_col", "cost_col", "signup_col",
                 "satisfaction_col", "recommend_col", "date_format", "decimal", "encoding", "sheet",
                 "exclude_bad_rows", "exclude_returns", "observation_end")


def _toml_text(value) -> str:
    """A TOML value: basic strings use JSON's escapes, which TOML shares."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def mapping_from_options(args: argparse.Namespace) -> str:
    """The mapping file (TOML text) equivalent to the command line's file and column options.

    The loader (:func:`helpers.data.load_own_data`) then reads the files exactly as it
    would for a lesson: same checks, same derived customers and churn, same load report.

    Parameters:
        args: the parsed options of :func:`main` (``transactions`` required).

    Returns:
        The TOML text, with absolute file paths.

    Example:
        >>> args = _parser().parse_args(["--transactions", "/data/sales.csv", "--customer-col", "Client",
        ...                              "--decimal", ",", "--out", "r.html"])
        >>> print(mapping_from_options(args))  # doctest: +ELLIPSIS
        [settings]
        decimal = ","
        <BLANKLINE>
        [churn]
        inactive_days = 180
        <BLANKLINE>
        [transactions]
        file = ".../data/sales.csv"
        [transactions.columns]
        customer_id = "Client"
        <BLANKLINE>
    """
    settings = {"date_format": args.date_format, "decimal": args.decimal, "encoding": args.encoding,
                "observation_end": args.observation_end,
                "on_bad_rows": "exclude" if args.exclude_bad_rows else None,
                "exclude_returns": True if args.exclude_returns else None}
    lines = ["[settings]", *(f"{key} = {_toml_text(value)}" for key, value in settings.items() if value is not None),
             ""]
    lines += ["[churn]", f"inactive_days = {args.lapse_days or 180}", ""]
    tables = {
        "transactions": (args.transactions, {"customer_id": args.customer_col, "date": args.date_col,
                                             "amount": args.amount_col, "cost": args.cost_col}),
        "customers": (args.customers, {"customer_id": args.customer_col, "signup_date": args.signup_col}),
        "surveys": (args.surveys, {"customer_id": args.customer_col, "date": args.date_col,
                                   "satisfaction": args.satisfaction_col, "recommend": args.recommend_col}),
    }
    for table, (path, columns) in tables.items():
        if path is None:
            continue
        lines += [f"[{table}]", f"file = {_toml_text(Path(path).expanduser().resolve())}"]
        if args.sheet is not None and Path(path).suffix.lower() in (".xlsx", ".xlsm"):
            lines.append(f"sheet = {_toml_text(args.sheet)}")
        given = {course: theirs for course, theirs in columns.items() if theirs is not None}
        if given:
            lines.append(f"[{table}.columns]")
            lines += [f"{course} = {_toml_text(theirs)}" for course, theirs in given.items()]
        lines.append("")
    return "\n".join(lines)


#: The command-line option of each setting or column the loader's advice names.
_OPTION_OF = {"customer_id": "--customer-col", "date": "--date-col", "amount": "--amount-col", "cost": "--cost-col",
              "signup_date": "--signup-col", "satisfaction": "--satisfaction-col", "recommend": "--recommend-col",
              "date_format": "--date-format", "decimal": "--decimal", "encoding": "--encoding", "sheet": "--sheet",
              "observation_end": "--observation-end"}
_ADVICE = re.compile(r'(?:set )?(\w+) = ("(?:[^"\\]|\\.)*"|[\w.-]+) under \[[\w.]+\] in ' + re.escape(MAPPING_FILE))


def _as_options(message: str) -> str:
    """The loader's advice for a mapping file, rewritten as the command-line option that does the same.

    Example:
        >>> _as_options('How to fix: customer_id = "Cliente" under [transactions.columns] in mapping.toml.')
        'How to fix: use the option --customer-col Cliente.'
    """
    def option(match: re.Match) -> str:
        key, value = match.groups()
        if key == "on_bad_rows" and "exclude" in value:
            return "use the option --exclude-bad-rows"
        if key == "exclude_returns":
            return "use the option --exclude-returns"
        if key not in _OPTION_OF:
            return match.group(0)
        text = json.loads(value) if value.startswith('"') else value
        return f"use the option {_OPTION_OF[key]} {shlex.quote(str(text))}"

    rewritten = _ADVICE.sub(option, message)
    if MAPPING_FILE in rewritten:
        rewritten += ("\n(That setting has no command-line option: write a mapping file "
                      "(see datasets/examples/README.md) and pass it with --mapping.)")
    return rewritten


def _load(args: argparse.Namespace, parser: argparse.ArgumentParser):
    """The company from the command line's files (the loaders' DataError passes through)."""
    if args.mapping is not None:
        given = [f"--{name.replace('_', '-')}" for name in _FILE_OPTIONS if getattr(args, name) not in (None, False)]
        if args.transactions is not None or given:
            given = " ".join((["--transactions"] if args.transactions is not None else []) + given)
            parser.error(f"give either --mapping or --transactions with its options, not both (remove {given} "
                         "or put them in the mapping file)")
        days = read_mapping(args.mapping).churn_rule.get("inactive_days")
        return load_own_data(args.mapping), args.lapse_days or days or 180
    if args.transactions is None:
        parser.error("give your purchases with --transactions FILE (or a mapping file with --mapping)")
    with tempfile.TemporaryDirectory(prefix="crm-report-") as folder:
        mapping = Path(folder) / "mapping.toml"
        mapping.write_text(mapping_from_options(args), encoding="utf-8")
        try:
            return load_own_data(mapping), args.lapse_days or 180
        except DataError as error:
            raise DataError(_as_options(str(error).replace(str(mapping), "your options"))) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m helpers report``: load the files, compute, write the HTML page.

    Parameters:
        argv: the arguments after ``report`` (default: from the command line).

    Returns:
        The exit status: 0 written; 1 the output exists (without ``--force``) or cannot be
        written; 2 the data or the options cannot be used (a clear message, no traceback).
    """
    parser = _parser()
    args = parser.parse_args(argv)
    out: Path = args.out.expanduser()
    if out.is_dir():
        print(f"report: {out} is a folder; give the name of the HTML file to write.", file=sys.stderr)
        return 1
    if out.exists() and not args.force:
        print(f"report: {out} already exists; not overwritten. Add --force to replace it, or choose another --out.",
              file=sys.stderr)
        return 1
    if not out.parent.is_dir():
        print(f"report: the folder {out.parent} does not exist; create it or choose another --out.", file=sys.stderr)
        return 1
    if args.lapse_days is not None and args.lapse_days < 1:
        parser.error(f"--lapse-days must be a whole number of days ≥ 1, not {args.lapse_days}")
    started = time.perf_counter()
    try:
        company, lapse_days = _load(args, parser)
        data = compute_report(company, ReportOptions(lapse_days=lapse_days))
    except DataError as error:
        print(f"report: your data could not be read.\n{error}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"report: the report cannot be made from this data: {error}", file=sys.stderr)
        return 2
    sources = ([str(args.mapping)] if args.mapping is not None else
               [str(path) for path in (args.transactions, args.customers, args.surveys) if path is not None])
    plt.switch_backend("Agg")
    page = render_report(data, title=args.title, sources=sources)
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_text(page, encoding="utf-8")
        partial.replace(out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        print(f"report: could not write {out}: {error.strerror or error}", file=sys.stderr)
        return 1
    skipped = [heading for attribute, _, heading in _SECTIONS if isinstance(getattr(data, attribute), Skipped)]
    print(f"Report written to {out} ({len(page) / 1e6:.1f} MB, {time.perf_counter() - started:.1f} s)."
          + (f" Not shown for lack of data: {', '.join(skipped)}." if skipped else ""))
    return 0
