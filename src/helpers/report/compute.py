"""The manager report's numbers: pure functions from a :class:`~helpers.company.Company` to tables.

:func:`compute_report` turns a company into a :class:`ReportData` with one result per
section. Each step is a pure function (:func:`helpers.purchases.customer_base`, :func:`customer_lifetimes`,
:func:`monthly_churn`, :func:`retention_section`, :func:`cohort_section`,
:func:`rfm_section`, :func:`pyramid_section`, :func:`clv_section`,
:func:`loyalty_section`, :func:`headline_kpis`) built on the course's model modules; it
draws nothing and writes nothing. A section whose table is missing from the data is a
:class:`Skipped` with the reason, shown in the report.

Without a record of who left, customers are counted lost by the course's one churn rule,
:func:`helpers.retention.inactivity_churn`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.company import Company
from helpers.crm import rfm_segment_value
from helpers.formats import localize, money, number, percent_text, without_negative_zero
from helpers.i18n import N_, _
from helpers.loyalty import loyalty_components, loyalty_index, loyalty_segment, nps, segment_summary
from helpers.profitability import customer_profitability, pyramid_tier
from helpers.purchases import as_transactions, window_start
from helpers.retention import (
    DAYS_PER_MONTH,
    INACTIVE_DAYS,
    cohort_table,
    customer_durations,
    inactivity_churn,
    median_survival,
    survival_at,
    survival_curve,
)
from helpers.rfm import rfm_scores
from helpers.value import clv, expected_clv, fit_bgnbd, fit_gamma_gamma

# ---------------------------------------------------------------------------------------
# Settings and results
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportOptions:
    """The choices behind the report's numbers (each is stated in the report).

    Attributes
    ----------
    inactive_days : int
        without a churn table, a buyer with no purchase for this many days
        counts as lost (on the day of the last purchase).
    window_months : int
        the recent window (calendar months up to the last month of the
        data) for revenue, margin, the pyramid, the loyalty matrix and the NPS.
    clv_months : int
        horizon of the customer lifetime value, in months.
    annual_discount_rate : float
        discount rate of future margin per year (fraction).
    platinum, gold : float
        shares of customers in the top tier and in the top two tiers.
    """

    inactive_days: int = INACTIVE_DAYS
    window_months: int = 12
    clv_months: int = 36
    annual_discount_rate: float = 0.10
    platinum: float = 0.05
    gold: float = 0.20

    def __post_init__(self):
        for name in ("inactive_days", "window_months", "clv_months"):
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
# Numbers as text: one rule for the whole page
# ---------------------------------------------------------------------------------------


#: What a section's value is (``value_name``): kept in English in the results, translated where shown.
VALUE_NAMES = (N_("margin"), N_("revenue"), N_("gross margin"), N_("profit"))


def _percent(value: float, digits: int = 0) -> str:
    """:func:`helpers.formats.percent_text` with the decimal mark of the language in use."""
    return localize(percent_text(value, digits))


# ---------------------------------------------------------------------------------------
# Sections: pure functions of the company's tables
# ---------------------------------------------------------------------------------------


def _buyers_as_customers(base: pd.DataFrame) -> pd.DataFrame:
    """A customers table of the buyers in :func:`customer_base`, signed up on their first purchase."""
    return pd.DataFrame({"customer_id": base.index.to_numpy(), "signup_date": base["first_purchase"].to_numpy()})


def _has_costs(company: Company) -> bool:
    """Whether every transaction has a cost, so that margin can be measured."""
    return as_transactions(company.transactions).check().costs_known


class _RevenueAsMargin:
    """Transactions without costs, valued by their revenue: the window's margin is its revenue."""

    def __init__(self, transactions):
        self.transactions = as_transactions(transactions)

    def window_purchases(self, observation_end, *, months: int | None = 12) -> pd.DataFrame:
        bought = self.transactions.window_purchases(observation_end, months=months)
        return bought.assign(margin=bought["revenue"])


def _derived(company: Company, table: str) -> bool:
    """Whether the loader derived ``table`` from the transactions (customers, churn) instead of reading it."""
    return table in getattr(company.load_report, "derived", {})


def _has_recorded_churn(company: Company) -> bool:
    """Whether lifetimes can come from recorded churn: a churn table read from the data and every signup date."""
    return (
        "churn" not in company.missing
        and not _derived(company, "churn")
        and company.has("customers", "signup_date")
        and bool(company.customers["signup_date"].notna().all())
    )


def customer_lifetimes(company: Company, base: pd.DataFrame, *, inactive_days: int = INACTIVE_DAYS) -> pd.DataFrame:
    """Each customer's relationship as a start, a stop and whether it ended, for survival.

    Two rules, the first that the data allows:

    * **recorded churn** (a churn table read from the data and a signup date for every
      customer): from signup to the recorded churn date, or censored at the end of the
      data (:func:`helpers.retention.customer_durations`);
    * **inactivity** (otherwise): the course's churn rule
      (:func:`helpers.retention.inactivity_churn`): a buyer who has not bought for
      ``inactive_days`` days is lost, and the relationship ended on the day of the last
      purchase (a one-time buyer's relationship lasts 0 days). Whether a customer is lost
      can be judged only up to ``inactive_days`` before the end of the data, so the
      relationships are followed up to that day (``judged_until``): customers
      who bought after it are still there (censored there), and customers whose first
      purchase is after it are too new to judge and are left out. This rule also applies
      when the loader derived the churn table from inactivity
      (:func:`helpers.own_data.derive_churn`): the same customers count as lost, dated on
      the day the relationship ended rather than the day the loss was noticed.

    Parameters
    ----------
    company : Company
        the data (uses ``customers`` and ``churn`` when they allow the first rule).
    base : pandas.DataFrame
        :func:`customer_base` of the company's transactions.
    inactive_days : int, optional
        days without a purchase after which a buyer counts as lost.

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by ``customer_id`` with ``start`` and ``stop`` (dates),
        ``duration`` (months of 30.44 days) and ``churned`` (bool); ``attrs["rule"]`` is
        ``"recorded"`` or ``"inactivity"`` and ``attrs["judged_until"]`` the last day followed.

    Examples
    --------
    >>> sales = pd.DataFrame({"customer_id": [1, 1, 2, 3], "amount": 1.0,
    ...     "date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-12-01"])})
    >>> from helpers.purchases import customer_base
    >>> from helpers.synthetic import generate
    >>> no_churn_table = Company(**generate(5, seed=1, months=2).tables(), truth=None,
    ...     observation_end=pd.Timestamp("2024-12-31"), missing=("churn",))
    >>> lifetimes = customer_lifetimes(no_churn_table, customer_base(sales, "2024-12-31"), inactive_days=180)
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
        lifetimes = pd.DataFrame(
            {"start": start, "stop": stop, "duration": durations["duration"], "churned": durations["churned"]}
        )
        lifetimes.attrs.update(rule="recorded", judged_until=end)
        return lifetimes
    rule = inactivity_churn(base["last_purchase"], end, inactive_days=inactive_days)
    judged_until = rule.attrs["judged_until"]
    judged = (base["first_purchase"] <= judged_until).to_numpy()
    churned = rule["lost"].to_numpy()[judged]
    first = base["first_purchase"][judged]
    stop = base["last_purchase"][judged].where(churned, judged_until)
    lifetimes = pd.DataFrame(
        {"start": first, "stop": stop, "duration": (stop - first).dt.days / DAYS_PER_MONTH, "churned": churned}
    )
    lifetimes.attrs.update(rule="inactivity", judged_until=judged_until, inactive_days=inactive_days)
    return lifetimes


def monthly_churn(lifetimes: pd.DataFrame, *, months: int = 12) -> pd.DataFrame:
    """Churn in each of the last ``months`` months before ``lifetimes.attrs["judged_until"]``.

    Months are 30.44-day periods ending on the last day followed. For each: customers at
    its start (started before it, not yet lost), those lost during it and the churn rate
    ``lost / at_start`` (Farris et al. 2010, §5.2). The pooled rate over the period,
    ``Σ lost / Σ at_start``, is in ``attrs["churn_rate"]`` (NaN if nobody was there).

    Parameters
    ----------
    lifetimes : pandas.DataFrame
        :func:`customer_lifetimes` (``start``, ``stop``, ``churned``).
    months : int, optional
        number of months measured.

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by the month's first day with ``at_start``, ``lost`` and
        ``churn_rate`` (fraction).

    Examples
    --------
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


def _active_ids(company: Company, base: pd.DataFrame, lifetimes: pd.DataFrame | None, inactive_days: int) -> pd.Index:
    """Customers still there at the end: not lost by then (recorded churn) or bought within the inactivity limit."""
    if lifetimes is not None and lifetimes.attrs.get("rule") == "recorded":
        active = company.active_at(company.observation_end)
        return active.index[active.to_numpy()]
    lost = inactivity_churn(base["last_purchase"], company.observation_end, inactive_days=inactive_days)["lost"]
    return base.index[~lost.to_numpy()]


def retention_section(lifetimes: pd.DataFrame, *, window_months: int = 12) -> dict:
    """The retention curve (Kaplan–Meier), its readings and the recent monthly churn.

    Parameters
    ----------
    lifetimes : pandas.DataFrame
        :func:`customer_lifetimes`.
    window_months : int, optional
        months over which the monthly churn is measured.

    Returns
    -------
    dict
        dict with ``curve`` (:func:`helpers.retention.survival_curve`), ``readings`` (Series:
        share still there after 3, 6, 12, 24 and 36 months, NaN beyond the data),
        ``median_months``, ``monthly`` (:func:`monthly_churn`), ``churn_rate``,
        ``customers`` (relationships followed), ``rule`` and ``judged_until``.

    Raises
    ------
    ValueError
        when no relationship can be followed (data shorter than the inactivity limit).
    """
    if lifetimes.empty:
        raise ValueError(
            _(
                "no customer can be followed: the data cover less time than the inactivity limit used to decide "
                "that a customer is lost"
            )
        )
    curve = survival_curve(lifetimes["duration"], lifetimes["churned"], time_unit="months")
    monthly = monthly_churn(lifetimes, months=window_months)
    return {
        "curve": curve,
        "readings": survival_at(curve, [3, 6, 12, 24, 36]),
        "median_months": median_survival(curve),
        "monthly": monthly,
        "churn_rate": monthly.attrs["churn_rate"],
        "customers": len(lifetimes),
        "rule": lifetimes.attrs["rule"],
        "judged_until": lifetimes.attrs["judged_until"],
    }


def cohort_section(company: Company, base: pd.DataFrame, rule: str, *, shown: int = 12) -> dict:
    """Signup cohorts: the share of each cohort still a customer (or still buying) by age.

    With recorded churn the cohort is the signup period and the share is of customers
    still active; otherwise the cohort is the period of the first purchase and the share
    is of customers who bought in that period of their life. Periods are months, or
    quarters when the data span more than two years. The latest ``shown`` cohorts and the
    first ``shown`` ages are kept, so the table fits a page.

    Parameters
    ----------
    company : Company
        the data.
    base : pandas.DataFrame
        :func:`customer_base`.
    rule : str
        ``"recorded"`` or ``"inactivity"`` (from :func:`customer_lifetimes`).
    shown : int, optional
        cohorts (rows) and ages (columns) kept.

    Returns
    -------
    dict
        dict with ``shares`` (DataFrame, cohorts × ages, NaN where not yet observed),
        ``sizes`` (customers per cohort), ``measure`` ("active" or "purchasing") and
        ``freq`` ("M" or "Q").
    """
    end = pd.Timestamp(company.observation_end)
    first = company.customers["signup_date"].min() if rule == "recorded" else base["first_purchase"].min()
    freq = "Q" if (end.to_period("M") - pd.Timestamp(first).to_period("M")).n >= 24 else "M"
    if rule == "recorded":
        table = cohort_table(company.customers, churn=company.churn, observation_end=end, freq=freq, measure="active")
    else:
        table = as_transactions(company.transactions).cohort_table(end, freq=freq)
    shares = table.shares.iloc[-shown:, :shown]
    return {
        "shares": shares,
        "sizes": table.sizes.loc[shares.index],
        "measure": "active" if rule == "recorded" else "purchasing",
        "freq": freq,
    }


def rfm_section(transactions, observation_end, value: pd.Series) -> dict:
    """RFM scores and segments of the buyers, with the size and value of each segment.

    Parameters
    ----------
    transactions : pandas.DataFrame or helpers.purchases.Transactions
        ``customer_id``, ``date``, ``amount``; or an engine holding them.
    observation_end : date
        last day of the data.
    value : pandas.Series
        money per customer (margin if costs are known, else revenue), whole history.

    Returns
    -------
    dict
        dict with ``summary`` (:func:`helpers.rfm.rfm_summary`, in weeks), ``scores``
        (:func:`helpers.rfm.rfm_scores`) and ``segments`` (:func:`helpers.crm.rfm_segment_value`
        with an ``action`` column, empty segments left out).
    """
    summary = as_transactions(transactions).rfm_summary(observation_end, time_unit="W")
    scores = rfm_scores(summary)
    segments = rfm_segment_value(scores, value)
    segments = segments[segments["customers"] > 0].copy()
    return {"summary": summary, "scores": scores, "segments": segments}


def pyramid_section(company: Company, base: pd.DataFrame, active: pd.Index, options: ReportOptions) -> dict:
    """The customer pyramid of the active customers, ranked by what they brought recently.

    The value ranked is, by what the data allow: **profit** (margin minus the cost to
    serve, :func:`helpers.profitability.customer_profitability`) when the transactions
    have costs, the customers table has signup dates and there are contacts or bonds to
    price; the **gross margin** when there are costs only; the **revenue** otherwise (then
    no customer is lead). The window is the last ``options.window_months`` calendar months.

    Parameters
    ----------
    company : Company
        the data.
    base : pandas.DataFrame
        :func:`customer_base`.
    active : pandas.Index
        ids of the customers still there at the end.
    options : ReportOptions
        the tier shares and the window.

    Returns
    -------
    dict
        dict with ``value`` (per active customer), ``value_name`` ("profit", "gross margin"
        or "revenue"), ``tiers`` (:func:`helpers.profitability.pyramid_tier`), ``table``
        (customers and value per tier, with an ``action`` column) and ``cost_to_serve``
        (what the profit subtracts: contacts, bonds).
    """
    end = pd.Timestamp(company.observation_end)
    if _has_costs(company) and company.has("customers", "signup_date"):
        churn = company.churn if _has_recorded_churn(company) else None
        table = customer_profitability(
            company.customers,
            company.transactions,
            company.interactions,
            company.bonds,
            end,
            months=options.window_months,
            churn=churn,
        )
        served = [
            part
            for part, table_name in (
                (N_("contacts priced by channel"), "interactions"),
                (N_("retention bonds"), "bonds"),
            )
            if table_name not in company.missing
        ]
        value, name = (table["profit"], "profit") if served else (table["margin"], "gross margin")
    elif _has_costs(company):
        value, name, served = base["margin_recent"], "gross margin", []
    else:
        value, name, served = base["revenue_recent"], "revenue", []
    value = value.reindex(active).fillna(0.0).rename(name)
    tiers = pyramid_tier(value, platinum=options.platinum, gold=options.gold)
    table = rfm_segment_value(pd.DataFrame({"segment": tiers}), value).rename_axis("tier")
    return {"value": value, "value_name": name, "tiers": tiers, "table": table, "cost_to_serve": served}


def clv_section(
    summary: pd.DataFrame,
    active: pd.Index,
    *,
    margin_ratio: float,
    options: ReportOptions,
    segments: pd.Series | None = None,
    monthly_churn_rate: float = float("nan"),
    margin_per_active_year: float = float("nan"),
    value_name: str = "margin",
) -> dict:
    """Expected customer lifetime value of the active buyers (BG/NBD × Gamma-Gamma).

    The BG/NBD model (purchases and dropping out) and the Gamma-Gamma model (spend per
    purchase) are fitted on every buyer's summary; each active buyer's expected purchases
    over the next ``options.clv_months`` months, times the expected spend and the margin
    ratio, discounted monthly, is their CLV (:func:`helpers.value.expected_clv`). Buyers
    whose repeat purchases add up to zero or less (returns) cannot enter the spend model
    and are left out and counted. The retention-based formula of Gupta & Lehmann (2003)
    (:func:`helpers.value.clv`) with the measured churn is given as a cross-check.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`helpers.rfm.rfm_summary` in weeks.
    active : pandas.Index
        ids of the customers still there at the end.
    margin_ratio : float
        share of revenue that is margin (1 values revenue).
    options : ReportOptions
        horizon and discount rate.
    segments : pandas.Series, optional
        RFM segment of every buyer (``rfm_section(...)["scores"]["segment"]``), for the
        value by segment; the table counts the same buyers as the RFM table.
    monthly_churn_rate : float, optional
        measured monthly churn, for the cross-check.
    margin_per_active_year : float, optional
        margin (or revenue) per active customer in the last year.
    value_name : str, optional
        what the value is, for the report: "margin", or "revenue" without costs.

    Returns
    -------
    dict
        dict with ``values`` (CLV per active buyer), ``average``, ``total``, ``customers``,
        ``fitted`` (buyers the models were fitted on), ``left_out`` (buyers without positive
        repeat spend), ``bgnbd`` and ``gamma_gamma`` (fitted parameters),
        ``top_decile_share`` (share of the total held by the best 10 %),
        ``by_segment`` (DataFrame per segment, if ``segments``: ``customers``, every buyer of
        the segment, the same count as the RFM table's; ``customers_valued``, those of them
        valued here, i.e. active with a usable summary; ``average_CLV`` over these, NaN when
        none; ``total_CLV``; ``share_of_total``; empty segments left out, as in
        :func:`rfm_section`), ``formula`` (the cross-check, or NaN),
        ``value_name``, ``months`` and ``margin_ratio``.
    """
    valid = ~((summary["frequency"] > 0) & (summary["monetary_value"] <= 0))
    usable = summary[valid.to_numpy()]
    bgnbd = fit_bgnbd(usable)
    gamma_gamma = fit_gamma_gamma(usable)
    monthly_discount = (1 + options.annual_discount_rate) ** (1 / 12) - 1
    kept = usable[usable.index.isin(active)]
    with np.errstate(all="ignore"):  # a degenerate fit gives NaN, refused below
        values = expected_clv(
            bgnbd,
            gamma_gamma,
            kept,
            periods=options.clv_months,
            discount_rate=monthly_discount,
            margin=margin_ratio,
            period_length=DAYS_PER_MONTH / 7,
        )
    if not np.isfinite(values.to_numpy()).all():
        raise ValueError(
            _(
                "the models fitted on {buyers} buyers give no finite value for {customers} customers: too few buyers "
                "or repeat purchases to estimate them"
            ).format(
                buyers=number(len(usable), ","), customers=number(int((~np.isfinite(values.to_numpy())).sum()), ",")
            )
        )
    ordered = np.sort(values.to_numpy())[::-1]
    total = float(ordered.sum())
    top = ordered[: max(1, len(ordered) // 10)].sum() / total if total > 0 else float("nan")
    result = {
        "value_name": value_name,
        "months": options.clv_months,
        "margin_ratio": margin_ratio,
        "fitted": len(usable),
        "values": values,
        "average": float(values.mean()) if len(values) else float("nan"),
        "total": total,
        "customers": len(values),
        "left_out": int((~valid).sum()),
        "bgnbd": bgnbd,
        "gamma_gamma": gamma_gamma,
        "top_decile_share": float(top),
    }
    if segments is not None:
        # One segmentation, one count: ``customers`` is every buyer of the segment, as in the
        # RFM table; the value is that of the ones still there (``customers_valued``).
        everyone = segments.groupby(segments, observed=False).size()
        by = values.groupby(segments.reindex(values.index), observed=False)
        table = pd.DataFrame(
            {"customers": everyone, "customers_valued": by.size(), "average_CLV": by.mean(), "total_CLV": by.sum()}
        )
        table[["customers_valued", "total_CLV"]] = table[["customers_valued", "total_CLV"]].fillna(0)
        table["customers_valued"] = table["customers_valued"].astype(int)
        table["share_of_total"] = table["total_CLV"] / total if total > 0 else np.nan
        result["by_segment"] = table[table["customers"] > 0].rename_axis("segment")
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

    Parameters
    ----------
    company : Company
        the data (``surveys`` needed; ``customers``, ``bonds``, ``churn`` used if there).
    base : pandas.DataFrame
        :func:`customer_base` (first purchases stand in for missing signup dates).
    active : pandas.Index
        ids of the customers still there at the end.
    options : ReportOptions
        the recent window.

    Returns
    -------
    dict
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
    answers = surveys[complete].assign(
        recommend=surveys["recommend"][complete].fillna(0), commitment=surveys["commitment"][complete].fillna(1)
    )
    customers = company.customers if company.has("customers", "signup_date") else _buyers_as_customers(base)
    transactions = company.transactions if _has_costs(company) else _RevenueAsMargin(company.transactions)
    table = loyalty_components(
        customers, transactions, answers, company.bonds, company.churn, end, months=options.window_months
    ).drop(columns="recommend")
    table = table[table.index.isin(active)]
    weights = {name: 1.0 for name in components}
    table["loyalty_index"] = loyalty_index(table, weights=weights)
    table["loyalty_type"] = loyalty_segment(table, weights=weights)
    summary = segment_summary(table["loyalty_type"], table["margin"])
    recommend = pd.to_numeric(surveys["recommend"], errors="coerce")
    recent = (pd.to_datetime(surveys["date"]) >= window_start(end, options.window_months)).to_numpy()
    scores = recommend[recent & recommend.notna().to_numpy()]
    return {
        "table": table,
        "summary": summary,
        "value_name": "gross margin" if _has_costs(company) else "revenue",
        "components": components,
        "left_out": int((~complete).sum()),
        "placed": int(table["loyalty_type"].notna().sum()),
        "nps": nps(scores) if len(scores) else None,
        "nps_answers": len(scores),
    }


def headline_kpis(
    overview: dict, retention: dict | Skipped, clv_result: dict | Skipped, loyalty: dict | Skipped
) -> pd.DataFrame:
    """The headline numbers of the report, one row each, with what they mean.

    Returns
    -------
    pandas.DataFrame
        DataFrame with ``measure``, ``value`` (float), ``kind`` ("count", "money", "percent"
        or "score") and ``meaning``. Measures the data cannot give are left out.
    """
    window = overview["window_months"]
    on_file = overview["rows"].get("customers") if "customers" not in overview["derived"] else None
    rows = [
        (
            _("Customers"),
            overview["buyers"],
            "count",
            _("bought at least once ({count} in the customers table)").format(count=number(on_file, ","))
            if on_file
            else _("bought at least once"),
        ),
        (_("Active customers"), overview["active"], "count", overview["active_meaning"]),
        (
            _("Revenue, last {months} months").format(months=window),
            overview["revenue_recent"],
            "money",
            _("total {amount} over the whole period").format(amount=without_negative_zero(money(overview["revenue"]))),
        ),
    ]
    if overview["margin_recent"] is not None:
        rows.append(
            (
                _("Gross margin, last {months} months").format(months=window),
                overview["margin_recent"],
                "money",
                _("{share} of revenue").format(share=_percent(overview["margin_recent"] / overview["revenue_recent"]))
                if overview["revenue_recent"]
                else _("revenue − cost"),
            )
        )
    rows.append(
        (_("Repeat-purchase rate"), overview["repeat_rate"], "percent", _("buyers who came back on another day"))
    )
    if not isinstance(retention, Skipped) and np.isfinite(retention["churn_rate"]):
        rate = retention["churn_rate"]
        rows.append(
            (
                _("Monthly churn"),
                rate,
                "percent",
                _("retention {monthly} a month, {yearly} a year").format(
                    monthly=_percent(1 - rate, 1), yearly=_percent((1 - rate) ** 12)
                ),
            )
        )
    if not isinstance(clv_result, Skipped) and np.isfinite(clv_result["average"]):
        value_name = clv_result["value_name"]
        rows.append(
            (
                _("Average CLV"),
                clv_result["average"],
                "money",
                _("expected {value} per active customer, next {months} months").format(
                    value=_(value_name), months=clv_result["months"]
                ),
            )
        )
    if not isinstance(loyalty, Skipped) and loyalty["nps"] is not None:
        rows.append(
            (
                "NPS",
                loyalty["nps"],
                "score",
                _("{count} answers, last {months} months").format(
                    count=number(loyalty["nps_answers"], ","), months=window
                ),
            )
        )
    return pd.DataFrame(rows, columns=["measure", "value", "kind", "meaning"])


@contextmanager
def timed(timings: dict[str, float], stage: str):
    """Add the seconds the ``with`` block takes to ``timings[stage]``.

    Parameters
    ----------
    timings : dict of str to float
        seconds per stage, updated in place.
    stage : str
        the stage's name.
    """
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


def _attempt(timings: dict[str, float], stage: str, compute: Callable[[], dict]) -> dict | Skipped:
    """Run one section; a problem in the data becomes a Skipped with the message, not a crash."""
    with timed(timings, stage):
        try:
            return compute()
        except (ValueError, RuntimeError) as error:
            return Skipped(_("this section could not be computed on this data: {error}").format(error=error))


def compute_report(company: Company, options: ReportOptions | None = None) -> ReportData:
    """Compute every section of the report from a company's tables.

    Only ``transactions`` (``customer_id``, ``date``, ``amount``) is required; each
    section uses what else the data have and says what it lacks.

    Parameters
    ----------
    company : Company
        the data, e.g. :func:`helpers.synthetic.generate` or an analyst's files.
    options : ReportOptions, optional
        the report's choices (default :class:`ReportOptions`).

    Returns
    -------
    ReportData
        A :class:`ReportData`.

    Raises
    ------
    ValueError
        when the transactions are empty or unusable (the report needs them).

    Examples
    --------
    >>> from helpers.synthetic import generate
    >>> data = compute_report(generate(300, seed=1, months=12))
    >>> list(data.kpis["measure"])[:2]
    ['Customers', 'Active customers']
    """
    options = options or ReportOptions()
    timings: dict[str, float] = {}
    end = pd.Timestamp(company.observation_end)
    transactions = as_transactions(company.transactions)
    if len(transactions) == 0:
        raise ValueError(_("the transactions table is empty: the report needs at least one purchase"))

    with timed(timings, "customer base"):
        base = transactions.customer_base(end, window_months=options.window_months)
        costs = _has_costs(company)
    with timed(timings, "lifetimes"):
        try:
            lifetimes = customer_lifetimes(company, base, inactive_days=options.inactive_days)
        except ValueError as error:
            lifetimes = Skipped(_("customer lifetimes could not be computed on this data: {error}").format(error=error))
    followed = None if isinstance(lifetimes, Skipped) else lifetimes
    active = _active_ids(company, base, followed, options.inactive_days)
    retention = (
        lifetimes
        if isinstance(lifetimes, Skipped)
        else _attempt(timings, "retention", lambda: retention_section(lifetimes, window_months=options.window_months))
    )
    rule = followed.attrs["rule"] if followed is not None else "inactivity"
    cohorts = _attempt(timings, "cohorts", lambda: cohort_section(company, base, rule))
    value = base["margin"] if costs else base["revenue"]
    rfm = _attempt(timings, "rfm", lambda: rfm_section(transactions, end, value))
    pyramid = _attempt(timings, "pyramid", lambda: pyramid_section(company, base, active, options))

    revenue_recent = float(base["revenue_recent"].sum())
    margin_recent = float(base["margin_recent"].sum()) if costs else None
    active_buyers = base.index.isin(active)
    yearly = (
        (margin_recent if costs else revenue_recent) / max(int(active_buyers.sum()), 1) * 12 / options.window_months
    )

    def value_of_customers() -> dict:
        if isinstance(rfm, Skipped):
            raise ValueError(_("the RFM summary it needs could not be computed"))
        ratio = float(base["margin"].sum() / base["revenue"].sum()) if costs and base["revenue"].sum() else 1.0
        churn = retention["churn_rate"] if not isinstance(retention, Skipped) else float("nan")
        return clv_section(
            rfm["summary"],
            active,
            margin_ratio=ratio,
            options=options,
            segments=rfm["scores"]["segment"],
            monthly_churn_rate=churn,
            margin_per_active_year=yearly,
            value_name="margin" if costs else "revenue",
        )

    clv_result = _attempt(timings, "clv", value_of_customers)
    if not company.has("surveys", "satisfaction"):
        loyalty = Skipped(
            _(
                "the data have no survey answers with a satisfaction score (give a surveys file to see the loyalty "
                "matrix and the NPS)"
            )
        )
    else:
        loyalty = _attempt(timings, "loyalty", lambda: loyalty_section(company, base, active, options))

    first = pd.Timestamp(base["first_purchase"].min())
    inactivity_meaning = _("bought in the last {days} days").format(days=options.inactive_days)
    overview = {
        "first_date": first,
        "observation_end": end,
        "window_months": options.window_months,
        "rows": {name: len(frame) for name, frame in company.tables().items() if name not in company.missing},
        "derived": tuple(name for name in company.tables() if _derived(company, name)),
        "load_report": None if company.load_report is None else str(company.load_report),
        "missing": tuple(company.missing),
        "buyers": len(base),
        "active": len(active),
        "active_meaning": (
            _("signed up and not lost by the end of the data")
            if rule == "recorded" and followed is not None
            else inactivity_meaning
        ),
        "revenue": float(base["revenue"].sum()),
        "revenue_recent": revenue_recent,
        "margin_recent": margin_recent,
        "repeat_rate": float((base["last_purchase"].dt.normalize() > base["first_purchase"].dt.normalize()).mean()),
        "costs": costs,
    }
    with timed(timings, "kpis"):
        kpis = headline_kpis(overview, retention, clv_result, loyalty)
    return ReportData(
        options=options,
        overview=overview,
        kpis=kpis,
        retention=retention,
        cohorts=cohorts,
        rfm=rfm,
        pyramid=pyramid,
        clv=clv_result,
        loyalty=loyalty,
        timings=timings,
    )
