"""Customer profitability and the customer pyramid: the measures behind lesson 06.

Customers are not all equal. This module measures how unequal they are, in money:

* **Customer profitability** — :func:`customer_profitability`: each customer's gross
  margin over a window, minus the cost to serve them (every contact priced by its
  channel, every retention bond by its monthly cost) and, separately, what acquiring
  them cost. :func:`profit_curve` sorts customers from the most to the least profitable
  (the Lorenz curve of profit, which rises above 100 % and falls back when some
  customers lose money: Kaplan & Cooper's "whale curve") and :func:`top_share` reads
  the share of profit that the best fifth brings.
* **The customer pyramid** (Zeithaml, Rust & Lemon 2001) — :func:`pyramid_tier` puts
  every customer in platinum, gold, iron or lead; :func:`tier_summary` counts them and
  their profit; :func:`tier_migration` follows them from one year to the next.
* **The economics of loyalty** (Reichheld 1996) — :func:`loyalty_connectors` splits
  the profit of a customer in each year of tenure into the six connectors of the class
  notes (acquisition cost, repeat sales, cross-selling, referrals, price sensitivity,
  commercial cost savings); :func:`lost_customer_value` gives the real value of a
  customer who leaves; :func:`customer_equity` adds up the value of the whole base
  (Blattberg & Deighton 1996; Gupta, Lehmann & Stuart 2004).

Every function is pure: pandas/numpy in, pandas/numpy out, no plotting, no files.

References
----------
* Zeithaml, V. A., Rust, R. T. & Lemon, K. N. (2001). The customer pyramid: Creating and
  serving profitable customers. *California Management Review* 43(4), 118–142.
* Kaplan, R. S. & Cooper, R. (1998). *Cost & Effect*. Harvard Business School Press
  (activity-based costing of customers; the whale curve).
* Reichheld, F. F. (1996). *The Loyalty Effect*. Harvard Business School Press, ch. 2.
* Reinartz, W. & Kumar, V. (2002). The mismanagement of customer loyalty. *Harvard
  Business Review* 80(7), 86–94.
* Blattberg, R. C. & Deighton, J. (1996). Manage marketing by the customer equity test.
  *Harvard Business Review* 74(4), 136–144.
* Gupta, S., Lehmann, D. R. & Stuart, J. A. (2004). Valuing customers. *Journal of
  Marketing Research* 41(1), 7–18.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers.bucket import customer_value, margin_by_tenure_year
from helpers.purchases import window_purchases, window_start
from helpers.validation import SHOWN_ROWS, refuse_rows, require, require_columns, to_dates
from helpers.value import margin_multiple

__all__ = [
    "CONNECTORS",
    "DEFAULT_INTERACTION_COSTS",
    "TIERS",
    "customer_equity",
    "customer_profitability",
    "lost_customer_value",
    "loyalty_connectors",
    "profit_curve",
    "pyramid_tier",
    "tier_migration",
    "tier_summary",
    "top_share",
]

#: The four tiers of the customer pyramid, from the most to the least profitable.
TIERS = ("platinum", "gold", "iron", "lead")

#: Cost to the company of one customer contact, by channel (currency per contact): an
#: activity-based estimate in which a visit costs what an hour of a salesperson's time
#: and travel cost, a phone call a few minutes of an agent, an e-mail a minute of one,
#: and a web contact almost nothing. Pass your own figures as ``interaction_costs``.
DEFAULT_INTERACTION_COSTS: Mapping[str, float] = {"web": 1.0, "phone": 8.0, "email": 3.0, "face_to_face": 25.0}

_DAYS_PER_MONTH = 30.4375


# ---------------------------------------------------------------------------------------
# Input checks and small tools
# ---------------------------------------------------------------------------------------


def _month_number(dates) -> np.ndarray:
    """Months since year 0 (``year × 12 + month``), so differences count calendar months."""
    dates = pd.DatetimeIndex(dates)
    return dates.year.to_numpy(dtype=np.int64) * 12 + dates.month.to_numpy(dtype=np.int64)


def _numbers(table: str, frame: pd.DataFrame, column: str) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    refuse_rows(table, column, frame, ~np.isfinite(values), "are empty or not finite numbers")
    return values


def _known_customers(table: str, frame: pd.DataFrame, ids: pd.Index) -> None:
    refuse_rows(
        table, "customer_id", frame, ~frame["customer_id"].isin(ids).to_numpy(), "are not in the customers table"
    )


def _contact_costs(interactions: pd.DataFrame, interaction_costs: Mapping[str, float] | None) -> np.ndarray:
    """The cost of each contact from its channel; an unpriced channel is refused."""
    costs = dict(DEFAULT_INTERACTION_COSTS if interaction_costs is None else interaction_costs)
    bad = [name for name, cost in costs.items() if not (np.isfinite(float(cost)) and float(cost) >= 0)]
    if bad:
        raise ValueError(f"interaction_costs must be numbers ≥ 0 (currency per contact); bad for {bad}")
    channel = interactions["channel"].astype(object)
    refuse_rows(
        "interactions",
        "channel",
        interactions,
        ~channel.isin(list(costs)).to_numpy(),
        f"have a channel without a cost in interaction_costs (priced: {sorted(costs)})",
    )
    return channel.map(costs).to_numpy(dtype=float)


# ---------------------------------------------------------------------------------------
# Customer profitability
# ---------------------------------------------------------------------------------------


def customer_profitability(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    interactions: pd.DataFrame,
    bonds: pd.DataFrame,
    observation_end,
    *,
    months: int | None = 12,
    interaction_costs: Mapping[str, float] | None = None,
    churn: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each customer's profit over a window: gross margin minus the cost to serve them.

    The window is the last ``months`` calendar months up to and including the month of
    ``observation_end`` (``months=None``: the whole history up to ``observation_end``).
    For each customer:

    * ``revenue`` and ``margin`` — sum of ``amount`` and of ``amount − cost`` of their
      purchases in the window;
    * ``contact_cost`` — every contact (interaction) in the window priced by its channel
      with ``interaction_costs`` (activity-based costing, Kaplan & Cooper 1998);
    * ``bond_cost`` — each retention bond's ``cost_per_month`` for every calendar month of
      the window in which it was held (from its start month, counted whole, to the month
      of ``observation_end``; bonds do not end in this data);
    * ``cost_to_serve`` = ``contact_cost + bond_cost``;
    * ``profit`` = ``margin − cost_to_serve``: what the customer brought in the window.
      The pyramid ranks customers by it;
    * ``acquisition_cost`` — what winning the customer cost, charged to the window in
      which they signed up (0 for a customer acquired before the window; NaN when the
      customers table has no ``acquisition_cost``), and ``net_profit`` =
      ``profit − acquisition_cost``. With ``months=None`` every customer's acquisition
      cost is charged, so ``net_profit`` says whether they have paid it back yet.

    Which customers: those who had signed up by ``observation_end`` and, when ``churn``
    is given, had not been lost by then (``signup_date ≤ observation_end < churn date``,
    as :meth:`helpers.company.Company.active_at`). Pass ``churn`` to get the active
    customer base; without it every customer is taken to be still active (for data
    without a churn table), so bonds of customers who left would be charged too.

    Parameters
    ----------
    customers : DataFrame
        ``customer_id``, ``signup_date``; ``acquisition_cost`` (currency) if known.
    transactions : DataFrame or helpers.purchases.Transactions
        ``customer_id``, ``date``, ``amount``, ``cost`` (currency); or an engine holding
        them (:mod:`helpers.engines`), which computes the window's purchases
        (:func:`helpers.purchases.window_purchases`).
    interactions : DataFrame
        ``customer_id``, ``date``, ``channel`` (may be empty: no contact cost).
    bonds : DataFrame
        ``customer_id``, ``start_date``, ``cost_per_month`` (currency per month; may be empty).
    observation_end : date
        Last day of the data.
    months : int or None
        Length of the window in calendar months (default 12, a year of buying); None for
        the whole history.
    interaction_costs : dict, optional
        Cost of one contact by channel (currency); default :data:`DEFAULT_INTERACTION_COSTS`
        (web 1, email 3, phone 8, face to face 25). Every channel in ``interactions`` needs one.
    churn : DataFrame, optional
        ``customer_id``, ``date`` of each defection; customers lost by ``observation_end``
        are left out.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (in the order of ``customers``): ``signup_date``,
        ``tenure_months`` (months since signup, 30.44-day months), ``purchases``,
        ``revenue``, ``margin``, ``contacts``, ``contact_cost``, ``bond_cost``,
        ``cost_to_serve``, ``profit``, ``acquisition_cost``, ``net_profit``.

    Raises
    ------
    ValueError
        For missing columns, unreadable dates or amounts, a customer id repeated in
        ``customers`` or unknown in another table, a contact channel without a cost, or a
        bad ``months``; the error names the table, the column and the first bad rows.

    References
    ----------
    Kaplan & Cooper (1998); Zeithaml, Rust & Lemon (2001) (profitability as the basis of
    the pyramid).

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2], "acquisition_cost": [40.0, 150.0],
    ...     "signup_date": pd.to_datetime(["2023-03-01", "2024-06-10"])})
    >>> sales = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [100.0, 60.0, 300.0],
    ...     "cost": [70.0, 40.0, 200.0], "date": pd.to_datetime(["2023-05-01", "2024-02-01", "2024-07-01"])})
    >>> contacts = pd.DataFrame({"customer_id": [1, 2, 2], "channel": ["phone", "web", "face_to_face"],
    ...     "date": pd.to_datetime(["2024-03-01", "2024-07-01", "2024-08-01"])})
    >>> held = pd.DataFrame({"customer_id": [1], "start_date": pd.to_datetime(["2024-10-15"]),
    ...     "cost_per_month": [6.0]})
    >>> table = customer_profitability(customers, sales, contacts, held, "2024-12-31")
    >>> table[["margin", "cost_to_serve", "profit", "acquisition_cost", "net_profit"]]
                 margin  cost_to_serve  profit  acquisition_cost  net_profit
    customer_id
    1              20.0           26.0    -6.0               0.0        -6.0
    2             100.0           26.0    74.0             150.0       -76.0

    Customer 1: margin 60 − 40 in the window; a phone call (8) and a bond of 6 a month
    held in October, November and December (18). Customer 2: a web contact (1) and a
    visit (25); acquired in the window, so its acquisition cost is charged.
    """
    require_columns("customers", customers, ("customer_id", "signup_date"))
    require_columns("interactions", interactions, ("customer_id", "date", "channel"))
    require_columns("bonds", bonds, ("customer_id", "start_date", "cost_per_month"))
    end = pd.Timestamp(observation_end)
    start = window_start(end, months) or pd.Timestamp.min
    ids = customers["customer_id"]
    refuse_rows("customers", "customer_id", customers, ids.duplicated().to_numpy(), "repeat a customer")
    index = pd.Index(ids.to_numpy(), name="customer_id")
    if isinstance(transactions, pd.DataFrame):  # rows in memory: checked here (an engine checks its own)
        require_columns("transactions", transactions, ("customer_id", "date", "amount", "cost"))
        _numbers("transactions", transactions, "amount")
        _numbers("transactions", transactions, "cost")
        _known_customers("transactions", transactions, index)
    for name, frame in (("interactions", interactions), ("bonds", bonds)):
        _known_customers(name, frame, index)

    # Who is a customer at the end: signed up by then and, if churn is known, not lost by then.
    signup = to_dates("customers", customers, "signup_date")
    active = (signup <= end).to_numpy().copy()
    if churn is not None:
        require_columns("churn", churn, ("customer_id", "date"))
        refuse_rows("churn", "customer_id", churn, churn["customer_id"].duplicated().to_numpy(), "repeat a customer")
        lost_on = pd.Series(to_dates("churn", churn, "date").to_numpy(), index=churn["customer_id"].to_numpy())
        active &= ~(lost_on.reindex(index).to_numpy() <= end.to_datetime64())
    table = pd.DataFrame({"signup_date": signup.to_numpy()}, index=index)[active]
    table["tenure_months"] = (end - table["signup_date"]).dt.days / _DAYS_PER_MONTH

    # Purchases in the window.
    bought = window_purchases(transactions, end, months=months)
    for column in ("purchases", "revenue", "margin"):
        table[column] = bought[column].reindex(table.index, fill_value=0).to_numpy()
    table["purchases"] = table["purchases"].astype(np.int64)

    # Contacts in the window, priced by channel.
    contacted_on = to_dates("interactions", interactions, "date")
    contacted = ((contacted_on >= start) & (contacted_on <= end)).to_numpy()
    price = _contact_costs(interactions, interaction_costs)[contacted]
    contacts = (
        pd.DataFrame({"contacts": 1, "contact_cost": price}, index=interactions["customer_id"].to_numpy()[contacted])
        .groupby(level=0)
        .sum()
    )
    table["contacts"] = contacts["contacts"].reindex(table.index, fill_value=0).to_numpy().astype(np.int64)
    table["contact_cost"] = contacts["contact_cost"].reindex(table.index, fill_value=0.0).to_numpy(dtype=float)

    # Bonds: cost per month × the months of the window in which the bond was held.
    monthly = _numbers("bonds", bonds, "cost_per_month")
    refuse_rows("bonds", "cost_per_month", bonds, monthly < 0, "are negative")
    first_month = np.maximum(_month_number(to_dates("bonds", bonds, "start_date")), _month_number([start])[0])
    held_months = np.clip(_month_number([end])[0] - first_month + 1, 0, None)
    bond_cost = pd.Series(monthly * held_months, index=bonds["customer_id"].to_numpy()).groupby(level=0).sum()
    table["bond_cost"] = bond_cost.reindex(table.index, fill_value=0.0).to_numpy(dtype=float)

    table["cost_to_serve"] = table["contact_cost"] + table["bond_cost"]
    table["profit"] = table["margin"] - table["cost_to_serve"]
    if "acquisition_cost" in customers.columns:
        paid = pd.to_numeric(customers["acquisition_cost"], errors="coerce").to_numpy(dtype=float)[active]
        refuse_rows("customers", "acquisition_cost", customers[active], paid < 0, "are negative")
    else:
        paid = np.full(len(table), np.nan)
    table["acquisition_cost"] = np.where((table["signup_date"] >= start).to_numpy(), paid, 0.0)
    table["net_profit"] = table["profit"] - table["acquisition_cost"]
    return table


# ---------------------------------------------------------------------------------------
# How unequal: the profit curve
# ---------------------------------------------------------------------------------------


def _profits(profit) -> pd.Series:
    """The profits as a float Series; missing or infinite values are refused (nothing dropped)."""
    if not isinstance(profit, pd.Series):
        profit = pd.Series(profit, dtype=float)
    values = pd.to_numeric(profit, errors="coerce").astype(float)
    bad = ~np.isfinite(values.to_numpy())
    if bad.any():
        raise ValueError(
            f"profit: {int(bad.sum())} customer(s) have no profit (empty or not a finite number); "
            f"first: {list(profit.index[bad][:SHOWN_ROWS])}"
        )
    return values


def _rank_best_first(values: pd.Series) -> np.ndarray:
    """Rank 1 … n from the highest value; ties keep the order of the Series (stable)."""
    order = np.argsort(-values.to_numpy(), kind="stable")
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(1, len(values) + 1)
    return rank


def pyramid_tier(
    profit: pd.Series, *, platinum: float = 0.05, gold: float = 0.20, lead_below: float = 0.0
) -> pd.Series:
    """Place each customer in the customer pyramid: platinum, gold, iron or lead.

    Zeithaml, Rust & Lemon (2001) rank customers by profitability and cut the ranking into
    tiers that deserve different service levels:

    * **platinum** — the most profitable customers: the best ``floor(platinum × n)``;
    * **gold** — the next ones, down to the best ``floor(gold × n)`` (``gold`` is the
      cumulative share of platinum and gold together);
    * **lead** — customers whose profit is below ``lead_below`` (default 0: they cost the
      company money). Lead wins over the other rules: a customer who loses money is never
      platinum or gold, even when so many lose money that the shares reach them;
    * **iron** — everyone else: customers who are profitable enough to keep capacity
      busy, but do not warrant special treatment.

    The authors leave the cut-offs to management; the top 5 % and the next 15 % are a
    common choice, and lead at zero profit matches their definition ("customers who
    cost the company money"). Ties in profit are broken by the order of the Series.

    Parameters
    ----------
    profit : Series
        Profit per customer (currency), e.g. ``customer_profitability(...)["profit"]``;
        every value must be a finite number.
    platinum : float
        Share of customers in the top tier, a fraction in [0, 1].
    gold : float
        Share of customers in platinum and gold together, in [``platinum``, 1].
    lead_below : float
        Profit (currency) under which a customer is lead.

    Returns
    -------
    Series
        Categorical ``tier`` with categories :data:`TIERS` in that order, same index as
        ``profit``.

    Raises
    ------
    ValueError
        For shares outside 0 ≤ platinum ≤ gold ≤ 1, or a missing profit (the first
        customers are named).

    References
    ----------
    Zeithaml, Rust & Lemon (2001), "The customer pyramid".

    Examples
    --------
    >>> profit = pd.Series([500.0, 90.0, 300.0, 40.0, -20.0, 10.0, 60.0, 5.0, 0.0, 25.0],
    ...                    index=pd.RangeIndex(1, 11, name="customer_id"))
    >>> pyramid_tier(profit, platinum=0.1, gold=0.3).tolist()
    ['platinum', 'gold', 'gold', 'iron', 'lead', 'iron', 'iron', 'iron', 'iron', 'iron']
    """
    if not (0 <= platinum <= gold <= 1):
        raise ValueError(
            "the tier shares must satisfy 0 ≤ platinum ≤ gold ≤ 1 (fractions of customers); "
            f"got platinum={platinum!r}, gold={gold!r}"
        )
    if not np.isfinite(lead_below):
        raise ValueError(f"lead_below must be a finite amount of money; got {lead_below!r}")
    values = _profits(profit)
    n = len(values)
    rank = _rank_best_first(values)
    # A tiny tolerance so that e.g. 0.15 × 100 counts 15 customers despite rounding.
    platinum_count, gold_count = np.floor(platinum * n + 1e-9), np.floor(gold * n + 1e-9)
    labels = np.select(
        [values.to_numpy() < lead_below, rank <= platinum_count, rank <= gold_count],
        ["lead", "platinum", "gold"],
        default="iron",
    )
    return pd.Series(pd.Categorical(labels, categories=TIERS), index=values.index, name="tier")


def profit_curve(profit: pd.Series) -> pd.DataFrame:
    """Customers from the most to the least profitable, with the cumulative share of profit.

    Plotting ``cumulative_share_of_profit`` against ``share_of_customers`` gives the
    Lorenz (Pareto) curve of profit. When some customers lose money it climbs above 100 %
    and falls back to 100 % at the end: the "whale curve" of activity-based costing, whose
    hump says how much profit the money-losing customers destroy (Kaplan & Cooper 1998).

    Parameters
    ----------
    profit : Series
        Profit per customer (currency), finite numbers; the total must be positive.

    Returns
    -------
    DataFrame
        One row per customer, best first, indexed like ``profit``: ``profit``, ``rank``
        (1 = best), ``share_of_customers`` (rank / n), ``cumulative_profit`` and
        ``cumulative_share_of_profit`` (cumulative profit / total profit).

    Raises
    ------
    ValueError
        For missing profits, no customer, or a total profit ≤ 0 (shares of it would mean nothing).

    References
    ----------
    Kaplan & Cooper (1998), ch. 10 (the whale curve of customer profitability).

    Examples
    --------
    >>> curve = profit_curve(pd.Series({"a": 30.0, "b": -10.0, "c": 80.0}))
    >>> curve["cumulative_share_of_profit"].tolist()
    [0.8, 1.1, 1.0]
    """
    values = _profits(profit)
    total = values.sum()
    if len(values) == 0 or not total > 0:
        raise ValueError(
            f"profit: the total profit must be positive to read shares of it; got {total:,.2f} "
            f"over {len(values)} customer(s)"
        )
    order = np.argsort(-values.to_numpy(), kind="stable")
    curve = pd.DataFrame({"profit": values.to_numpy()[order]}, index=values.index[order])
    curve["rank"] = np.arange(1, len(curve) + 1)
    curve["share_of_customers"] = curve["rank"] / len(curve)
    curve["cumulative_profit"] = curve["profit"].cumsum()
    curve["cumulative_share_of_profit"] = curve["cumulative_profit"] / total
    return curve


def top_share(profit: pd.Series, share: float = 0.2) -> float:
    """Share of the total profit brought by the best ``share`` of customers (the Pareto ratio).

    The best ``floor(share × n)`` customers count, as in :func:`pyramid_tier`. "The top
    20 % bring 80 % of the profit" is ``top_share(profit, 0.2) == 0.8``; with money-losing
    customers the answer can exceed 1.

    Parameters
    ----------
    profit : Series
        Profit per customer (currency); the total must be positive.
    share : float
        Share of customers, a fraction in [0, 1] (default 0.2, the top fifth).

    Returns
    -------
    float
        Their profit divided by the total profit.

    Examples
    --------
    >>> top_share(pd.Series([50.0, 30.0, 10.0, 10.0, 0.0]), 0.2)
    0.5
    """
    if not 0 <= share <= 1:
        raise ValueError(f"share must be a fraction of customers in [0, 1]; got {share!r}")
    curve = profit_curve(profit)
    count = int(np.floor(share * len(curve) + 1e-9))
    return float(curve["cumulative_share_of_profit"].iloc[count - 1]) if count else 0.0


def tier_summary(tiers: pd.Series, profit: pd.Series) -> pd.DataFrame:
    """Size, profit and profit range of each tier of the pyramid.

    Parameters
    ----------
    tiers : Series
        Tier per customer (from :func:`pyramid_tier`).
    profit : Series
        Profit per customer on the same index (currency).

    Returns
    -------
    DataFrame
        Indexed by ``tier`` (all of :data:`TIERS`, in order): ``customers``,
        ``share_of_customers``, ``profit`` (sum), ``share_of_profit`` (of the total,
        which lead makes smaller), ``profit_per_customer``, ``lowest_profit`` and
        ``highest_profit`` (the tier's edges; NaN for an empty tier).

    Examples
    --------
    >>> profit = pd.Series([500.0, 90.0, 300.0, -20.0])
    >>> summary = tier_summary(pyramid_tier(profit, platinum=0.25, gold=0.5), profit)
    >>> summary[["customers", "profit", "share_of_profit"]]
              customers  profit  share_of_profit
    tier
    platinum          1   500.0         0.574713
    gold              1   300.0         0.344828
    iron              1    90.0         0.103448
    lead              1   -20.0        -0.022989
    """
    if not tiers.index.equals(profit.index):
        raise ValueError("tiers and profit must have the same index (one row per customer)")
    values = _profits(profit)
    unknown = ~tiers.astype(object).isin(TIERS).to_numpy()
    if unknown.any():
        raise ValueError(
            f"tiers: {int(unknown.sum())} customer(s) have no tier among {list(TIERS)}; "
            f"first: {list(tiers.index[unknown][:SHOWN_ROWS])}"
        )
    grouped = values.groupby(pd.Categorical(tiers.astype(object), categories=TIERS), observed=False)
    summary = pd.DataFrame(
        {
            "customers": grouped.size(),
            "profit": grouped.sum(),
            "lowest_profit": grouped.min(),
            "highest_profit": grouped.max(),
        }
    )
    summary.index.name = "tier"
    total = summary["profit"].sum()
    summary.insert(1, "share_of_customers", summary["customers"] / max(len(values), 1))
    summary.insert(3, "share_of_profit", summary["profit"] / total if total else np.nan)
    summary.insert(4, "profit_per_customer", summary["profit"] / summary["customers"].where(summary["customers"] > 0))
    return summary


def tier_migration(before: pd.Series, after: pd.Series, *, normalize: bool = False) -> pd.DataFrame:
    """How customers move between the tiers of the pyramid from one date to the next.

    ``before`` holds the tier of every customer active at the first date, ``after`` of every
    customer active at the second. A customer of ``before`` missing from ``after`` has been
    **lost**; one of ``after`` missing from ``before`` is **new** (acquired in between).

    Parameters
    ----------
    before, after : Series
        Tier per customer (from :func:`pyramid_tier`), indexed by customer id.
    normalize : bool
        False (default) for counts; True for the share of each row (where each tier's
        customers went).

    Returns
    -------
    DataFrame
        Index ``from`` = :data:`TIERS` + ``"new"``, columns ``to`` = :data:`TIERS` +
        ``"lost"``; the ``new``/``lost`` cell is always 0.

    References
    ----------
    Zeithaml, Rust & Lemon (2001) on moving customers up the pyramid; the counting is that
    of a migration matrix (Pfeifer & Carraway 2000).

    Examples
    --------
    >>> before = pd.Series(["platinum", "gold", "lead"], index=[1, 2, 3])
    >>> after = pd.Series(["gold", "gold", "iron"], index=[1, 2, 4])
    >>> tier_migration(before, after).loc[["platinum", "gold", "lead", "new"], ["gold", "iron", "lost"]]
    to        gold  iron  lost
    from
    platinum     1     0     0
    gold         1     0     0
    lead         0     0     1
    new          0     1     0
    """
    for name, tiers in (("before", before), ("after", after)):
        bad = ~tiers.astype(object).isin(TIERS).to_numpy()
        if bad.any():
            raise ValueError(
                f"{name}: {int(bad.sum())} customer(s) have no tier among {list(TIERS)}; "
                f"first: {list(tiers.index[bad][:SHOWN_ROWS])}"
            )
        if tiers.index.duplicated().any():
            raise ValueError(f"{name}: customer ids repeat, first {list(tiers.index[tiers.index.duplicated()][:5])}")
    start = before.astype(object)
    end = after.astype(object).reindex(before.index).fillna("lost")
    new = after.astype(object)[~after.index.isin(before.index)]
    rows, columns = list(TIERS) + ["new"], list(TIERS) + ["lost"]
    counts = pd.crosstab(
        pd.Categorical(pd.concat([start, pd.Series("new", index=new.index)]), categories=rows),
        pd.Categorical(pd.concat([end, new]), categories=columns),
        dropna=False,
    )
    counts = counts.reindex(index=rows, columns=columns, fill_value=0).astype(np.int64)
    counts.index.name, counts.columns.name = "from", "to"
    if normalize:
        totals = counts.sum(axis=1)
        return counts.div(totals.where(totals > 0), axis=0)
    return counts


# ---------------------------------------------------------------------------------------
# The economics of loyalty: profit per customer by year of tenure (Reichheld 1996)
# ---------------------------------------------------------------------------------------

#: The columns of :func:`loyalty_connectors` that add up to the profit per customer-year:
#: the six connectors of the class notes plus the base profit they build on.
CONNECTORS = (
    "acquisition_cost",
    "base_profit",
    "repeat_sales",
    "cross_selling",
    "referrals",
    "price_sensitivity",
    "cost_savings",
)


def _months_since_signup(
    table: str, column: str, frame: pd.DataFrame, dates: pd.Series, signup_month: pd.Series
) -> np.ndarray:
    """Calendar months from the signup month (0 = that month); rows before signup are refused."""
    months = _month_number(dates) - signup_month.reindex(frame["customer_id"].to_numpy()).to_numpy()
    refuse_rows(table, column, frame, months < 0, "fall before the customer's signup month")
    return months


def _tenure_year(table: str, frame: pd.DataFrame, dates: pd.Series, signup_month: pd.Series) -> np.ndarray:
    """Year of the relationship (1, 2, …) in which each dated row falls."""
    return _months_since_signup(table, "date", frame, dates, signup_month) // 12 + 1


def _per_year(years: np.ndarray, values: np.ndarray, n_years: int) -> np.ndarray:
    return np.bincount(years - 1, weights=values, minlength=n_years)[:n_years]


def loyalty_connectors(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    interactions: pd.DataFrame,
    bonds: pd.DataFrame,
    churn: pd.DataFrame,
    surveys: pd.DataFrame,
    observation_end,
    *,
    interaction_costs: Mapping[str, float] | None = None,
    referral_channel: str = "referral",
) -> pd.DataFrame:
    """Profit per customer in each year of tenure, split into the six loyalty connectors.

    Reichheld (1996, ch. 2) drew why a customer is worth more each year they stay: the
    acquisition cost is paid once (year 0), then a base profit, and on top of it profit
    from buying more, from referrals, from a price premium and from lower operating costs.
    The class notes call these the six connectors of loyalty (*conectores de la
    fidelización*). Here every one is measured from the data, per **customer-year** of
    tenure year ``y`` (``customer_years`` = customer-months spent in that year ÷ 12, as in
    :func:`helpers.bucket.margin_by_tenure_year`, so the figure is what an average customer
    *who is there* brings in that year). With ``R`` revenue, ``g`` margin rate (margin ÷
    revenue) and ``C`` cost to serve per customer-year, and year 1 as the reference:

    * ``acquisition_cost`` — year 0 only: minus the mean acquisition cost;
    * ``base_profit`` = ``g₁ R₁ − C₁``, the profit of a first-year customer, every year;
    * ``repeat_sales`` = ``g₁ (R_y^old − R₁)``: more revenue from the product categories
      the customer already bought in their first year (*venta repetitiva*);
    * ``cross_selling`` = ``g₁ R_y^new``: revenue from categories outside the first-year
      basket (*venta cruzada*);
    * ``price_sensitivity`` = ``R_y (g_y − g₁)``: a higher (or lower) margin rate, i.e.
      fewer (or more) discounts taken (*sensibilidad al precio*);
    * ``cost_savings`` = ``C₁ − C_y``: cheaper (or dearer) to serve (*ahorro de costos
      comerciales*); ``C`` prices contacts by channel and charges bonds for every month held;
    * ``referrals`` — who referred whom is not recorded, so it is estimated: each customer
      acquired through ``referral_channel`` saved the difference between the mean
      acquisition cost of the other channels and that of referrals, and the referrals are
      shared among tenure years in proportion to promoter-years (customer-years × share of
      survey answers of 9–10 to "would you recommend us?"; Reichheld 2003). A year without
      answers takes the overall share of promoters. Without referred customers (or without
      any others) the saving cannot be measured: ``referrals`` is then NaN, not 0.

    The first five after ``acquisition_cost`` add up exactly to ``margin − cost_to_serve``
    per customer-year; ``profit`` is the sum of all seven (an unmeasured one adds nothing).

    Parameters
    ----------
    customers : DataFrame
        ``customer_id``, ``signup_date``, ``acquisition_channel``, ``acquisition_cost``.
    transactions : DataFrame
        ``customer_id``, ``date``, ``category``, ``amount``, ``cost``.
    interactions : DataFrame
        ``customer_id``, ``date``, ``channel``.
    bonds : DataFrame
        ``customer_id``, ``start_date``, ``cost_per_month``.
    churn : DataFrame
        ``customer_id``, ``date``: a bond is charged up to the month the customer left.
    surveys : DataFrame
        ``customer_id``, ``date``, ``recommend`` (0–10).
    observation_end : date
        Last day of the data; later rows are left out.
    interaction_costs : dict, optional
        Cost of a contact by channel; default :data:`DEFAULT_INTERACTION_COSTS`.
    referral_channel : str
        The ``acquisition_channel`` label of referred customers.

    Returns
    -------
    DataFrame
        Indexed by ``tenure_year`` 0, 1, 2, … (0 = acquisition): the :data:`CONNECTORS`
        columns and ``profit`` (currency per customer-year), then ``customer_years``,
        ``margin``, ``cost_to_serve`` (per customer-year) and ``promoter_share``.

    References
    ----------
    Reichheld (1996), ch. 2, "Why loyal customers are more profitable"; Reichheld (2003)
    for promoters; Reinartz & Kumar (2002) for why some connectors may fail to appear.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2], "acquisition_channel": ["search_ads", "referral"],
    ...     "acquisition_cost": [40.0, 10.0], "signup_date": pd.to_datetime(["2022-01-01", "2023-01-01"])})
    >>> sales = pd.DataFrame({"customer_id": [1, 1, 1, 2], "category": ["basics", "basics", "premium", "basics"],
    ...     "amount": [100.0, 150.0, 100.0, 100.0], "cost": [60.0, 90.0, 70.0, 60.0],
    ...     "date": pd.to_datetime(["2022-03-01", "2023-02-01", "2023-05-01", "2023-02-01"])})
    >>> none = pd.DataFrame({"customer_id": pd.Series([], dtype=int), "date": pd.Series([], dtype="datetime64[ns]"),
    ...     "channel": [], "start_date": pd.Series([], dtype="datetime64[ns]"), "cost_per_month": [],
    ...     "recommend": []})
    >>> table = loyalty_connectors(customers, sales, none, none, none, none, "2023-12-31")
    >>> print(table[["base_profit", "repeat_sales", "cross_selling", "price_sensitivity", "profit"]].to_string())
                 base_profit  repeat_sales  cross_selling  price_sensitivity  profit
    tenure_year
    0                    0.0           0.0            0.0                0.0   -25.0
    1                   40.0           0.0            0.0                0.0    40.0
    2                   40.0          20.0           40.0              -10.0    90.0

    Year 1: customers 1 (2022) and 2 (2023) each spend 12 months there, 2 customer-years,
    revenue 200 at margin rate 40 % → base 40 a customer-year. Year 2 (customer 1 in 2023):
    basics 150 (old category: repeat 0.4 × (150 − 100) = 20), premium 100 (new: 0.4 × 100 =
    40), margin 90 on 250 = 36 % (price: 250 × (0.36 − 0.40) = −10). Year 0: −(40 + 10) / 2.
    """
    require_columns("customers", customers, ("customer_id", "signup_date", "acquisition_channel", "acquisition_cost"))
    require_columns("transactions", transactions, ("customer_id", "date", "category", "amount", "cost"))
    require_columns("interactions", interactions, ("customer_id", "date", "channel"))
    require_columns("bonds", bonds, ("customer_id", "start_date", "cost_per_month"))
    require_columns("churn", churn, ("customer_id", "date"))
    require_columns("surveys", surveys, ("customer_id", "date", "recommend"))
    end = pd.Timestamp(observation_end)
    ids = pd.Index(customers["customer_id"].to_numpy(), name="customer_id")
    refuse_rows("customers", "customer_id", customers, ids.duplicated(), "repeat a customer")
    signup_month = pd.Series(_month_number(to_dates("customers", customers, "signup_date")), index=ids)
    for name, frame in (
        ("transactions", transactions),
        ("interactions", interactions),
        ("bonds", bonds),
        ("surveys", surveys),
    ):
        _known_customers(name, frame, ids)

    # Purchases: revenue, margin, and revenue from the categories of the first-year basket.
    sold_on = to_dates("transactions", transactions, "date")
    sales = transactions[(sold_on <= end).to_numpy()]
    year = _tenure_year("transactions", sales, sold_on[sold_on <= end], signup_month)
    exposure = margin_by_tenure_year(customers, transactions, churn, end)
    n_years = int(exposure.index.max())
    customer_years = exposure["customer_months"].reindex(range(1, n_years + 1), fill_value=0).to_numpy() / 12
    amount, cost = _numbers("transactions", sales, "amount"), _numbers("transactions", sales, "cost")
    keys = pd.MultiIndex.from_arrays([sales["customer_id"].to_numpy(), sales["category"].astype(object).to_numpy()])
    first_basket = keys[year == 1].unique()
    old = keys.isin(first_basket)
    revenue = _per_year(year, amount, n_years)
    margin = _per_year(year, amount - cost, n_years)
    revenue_old = _per_year(year[old], amount[old], n_years)

    # Cost to serve: contacts priced by channel, bonds for every month held until churn or the end.
    contacted_on = to_dates("interactions", interactions, "date")
    contacts = interactions[(contacted_on <= end).to_numpy()]
    contact_years = _tenure_year("interactions", contacts, contacted_on[contacted_on <= end], signup_month)
    contact_cost = _per_year(contact_years, _contact_costs(contacts, interaction_costs), n_years)
    lost_month = pd.Series(_month_number(to_dates("churn", churn, "date")), index=churn["customer_id"].to_numpy())
    started = to_dates("bonds", bonds, "start_date")
    held = bonds[(started <= end).to_numpy()]
    first = _months_since_signup("bonds", "start_date", held, started[started <= end], signup_month)
    last_month = lost_month.reindex(held["customer_id"].to_numpy()).fillna(_month_number([end])[0]).to_numpy()
    last = np.minimum(last_month, _month_number([end])[0]) - signup_month.reindex(held["customer_id"]).to_numpy()
    years = np.arange(1, n_years + 1)
    months_held = np.clip(
        np.minimum(last[:, None], 12 * years[None, :] - 1) - np.maximum(first[:, None], 12 * (years[None, :] - 1)) + 1,
        0,
        None,
    )
    bond_cost = _numbers("bonds", held, "cost_per_month") @ months_held if len(held) else np.zeros(n_years)
    cost_to_serve = contact_cost + bond_cost

    # Per customer-year, and the decomposition against year 1.
    with np.errstate(divide="ignore", invalid="ignore"):
        per = {
            name: values / customer_years
            for name, values in (("R", revenue), ("M", margin), ("R_old", revenue_old), ("C", cost_to_serve))
        }
        rate = per["M"] / per["R"]
    table = pd.DataFrame(index=pd.Index(years, name="tenure_year"))
    table["base_profit"] = per["M"][0] - per["C"][0]
    table["repeat_sales"] = rate[0] * (per["R_old"] - per["R"][0])
    table["cross_selling"] = rate[0] * (per["R"] - per["R_old"])
    table["price_sensitivity"] = per["R"] * (rate - rate[0])
    table["cost_savings"] = per["C"][0] - per["C"]

    # Referrals, shared among tenure years by promoter-years.
    answered_on = to_dates("surveys", surveys, "date")
    answers = surveys[(answered_on <= end).to_numpy()]
    answer_years = _tenure_year("surveys", answers, answered_on[answered_on <= end], signup_month)
    promoter = (pd.to_numeric(answers["recommend"], errors="coerce").to_numpy(dtype=float) >= 9).astype(float)
    answered = np.bincount(answer_years - 1, minlength=n_years)[:n_years] if len(answers) else np.zeros(n_years)
    overall = promoter.mean() if len(promoter) else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        promoter_share = np.where(answered > 0, _per_year(answer_years, promoter, n_years) / answered, overall)
    signed = customers[(to_dates("customers", customers, "signup_date") <= end).to_numpy()]
    paid = _numbers("customers", signed, "acquisition_cost")
    referred = (signed["acquisition_channel"].astype(object) == referral_channel).to_numpy()
    saving_each = (paid[~referred].mean() - paid[referred].mean()) if referred.any() and (~referred).any() else 0.0
    promoter_years = (promoter_share * customer_years).sum()
    table["referrals"] = promoter_share * referred.sum() * saving_each / promoter_years if promoter_years > 0 else 0.0

    year_zero = pd.DataFrame(
        {"acquisition_cost": [-paid.mean() if len(paid) else 0.0]}, index=pd.Index([0], name="tenure_year")
    )
    table = pd.concat([year_zero, table]).fillna(0.0)[list(CONNECTORS)]
    if not (referred.any() and (~referred).any()):  # no referred customers, or only: the saving is unmeasurable
        table["referrals"] = np.nan
    table["profit"] = table.sum(axis=1)  # an unmeasured connector adds nothing
    table["customer_years"] = np.append(np.nan, customer_years)
    table["margin"] = np.append(np.nan, per["M"])
    table["cost_to_serve"] = np.append(np.nan, per["C"])
    table["promoter_share"] = np.append(np.nan, promoter_share)
    return table


# ---------------------------------------------------------------------------------------
# What a customer is worth: the lost customer and the whole base
# ---------------------------------------------------------------------------------------


def _profile(profit_by_year) -> pd.Series:
    """Profit per customer-year indexed by tenure year 1, 2, … (year 0 dropped), checked."""
    profile = (
        pd.Series(profit_by_year, dtype=float)
        if not isinstance(profit_by_year, pd.Series)
        else profit_by_year.astype(float)
    )
    if not isinstance(profit_by_year, pd.Series):
        profile.index = range(1, len(profile) + 1)
    profile = profile[profile.index != 0]
    if len(profile) == 0 or list(profile.index) != list(range(1, len(profile) + 1)):
        raise ValueError(
            "profit_by_year must give the profit of tenure years 1, 2, … in order (year 0, the "
            f"acquisition, is ignored); got years {list(profile.index)}"
        )
    if not np.isfinite(profile.to_numpy()).all():
        raise ValueError(f"profit_by_year must be finite numbers; got {profile.tolist()}")
    return profile


def lost_customer_value(
    profit_by_year, tenure_year: int, retention: float, discount_rate: float, *, acquisition_cost: float = 0.0
) -> pd.Series:
    """The real value of a customer who leaves at the start of tenure year ``tenure_year``.

    Few companies work out what a lost customer really costs them (the class notes: *el
    valor real de un cliente perdido*). A report counts one year of profit; the real loss
    is the whole future stream, and standing still means buying a replacement who starts
    at the bottom of the tenure curve:

    * ``one_year_profit`` — ``p_y``, the profit of the year the customer would have had;
    * ``future_profit`` — ``Σ_{k≥0} p_{y+k} r^k / (1+d)^{k+1}``: the expected discounted
      profit had they stayed (profits paid at the end of each year; after the last year of
      the profile the profit stays at its last value);
    * ``replacement_acquisition_cost`` — what winning a new customer costs;
    * ``replacement_future_profit`` — the same sum for a new customer from year 1;
    * ``cost_if_replaced`` = ``future_profit − replacement_future_profit +
      replacement_acquisition_cost``: what the company is poorer by, even after replacing them.

    The sums are :func:`helpers.bucket.customer_value` of the profile.

    Parameters
    ----------
    profit_by_year : Series or sequence
        Profit per customer-year in tenure years 1, 2, … (currency), e.g. the ``profit``
        column of :func:`loyalty_connectors` (its year 0 is ignored).
    tenure_year : int
        Tenure year the customer was about to start (1 = a customer lost right after signing up).
    retention : float
        Yearly retention rate, a fraction in [0, 1).
    discount_rate : float
        Yearly discount rate (fraction, ≥ 0).
    acquisition_cost : float
        Cost of acquiring a replacement (currency, ≥ 0).

    Returns
    -------
    Series
        The five amounts above (currency), named ``value``.

    References
    ----------
    Reichheld (1996), ch. 2; Reichheld & Sasser (1990), "Zero defections".

    Examples
    --------
    >>> value = lost_customer_value([100.0, 200.0], 2, 0.5, 0.0, acquisition_cost=50.0)
    >>> value.tolist()
    [200.0, 400.0, 50.0, 300.0, 150.0]

    From year 2 the customer brings 200 a year while there: 200 × (1 + 0.5 + 0.25 + …) = 400.
    A new customer brings 100, then 200 × 0.5 × 2 = 200 more: 300.
    """
    profile = _profile(profit_by_year)
    if isinstance(tenure_year, bool) or int(tenure_year) != tenure_year or tenure_year < 1:
        raise ValueError(f"tenure_year must be a whole number ≥ 1; got {tenure_year!r}")
    if not 0 <= acquisition_cost < np.inf:
        raise ValueError(f"acquisition_cost must be a finite amount ≥ 0; got {acquisition_cost!r}")
    profits = profile.to_numpy()
    start = min(int(tenure_year), len(profits)) - 1

    def stream(first: int) -> float:
        return float(
            customer_value(
                retention, profits[first], later_year_profits=profits[first + 1 :], discount_rate=discount_rate
            )
        )

    future, replacement = stream(start), stream(0)
    return pd.Series(
        {
            "one_year_profit": float(profits[start]),
            "future_profit": future,
            "replacement_acquisition_cost": float(acquisition_cost),
            "replacement_future_profit": replacement,
            "cost_if_replaced": future - replacement + acquisition_cost,
        },
        name="value",
    )


def customer_equity(
    annual_profit,
    retention: float,
    discount_rate: float,
    *,
    new_customers_per_year: float = 0.0,
    new_customer_value: float = 0.0,
) -> pd.Series:
    """Customer equity: what the current customers, and those still to come, are worth today.

    Blattberg & Deighton (1996) proposed managing marketing by the customer equity test:
    the sum of the lifetime values of the customer base. Gupta, Lehmann & Stuart (2004)
    value a firm this way, as its current customers plus the cohorts it will acquire:

    * ``current_customers`` = ``Σ_i p_i · r / (1 + d − r)``: each current customer's
      yearly profit times the margin multiple (:func:`helpers.value.margin_multiple`;
      next year's profit needs the customer to stay);
    * ``future_customers`` = ``n · v / d``: ``n`` customers acquired at the end of every
      year, each worth ``v`` when acquired (net of what acquiring them cost), a perpetuity;
    * ``total`` — the sum.

    Parameters
    ----------
    annual_profit : Series, array-like or float
        Yearly profit of each current customer (currency), or their total.
    retention : float
        Yearly retention rate, a fraction in [0, 1).
    discount_rate : float
        Yearly discount rate (fraction; > 0 when ``new_customers_per_year`` > 0).
    new_customers_per_year : float
        Customers acquired each year from now on (≥ 0).
    new_customer_value : float
        Value of one new customer at acquisition, net of the acquisition cost (currency),
        e.g. :func:`helpers.bucket.customer_value` with ``acquisition_cost``.

    Returns
    -------
    Series
        ``current_customers``, ``future_customers``, ``total`` (currency), named ``customer_equity``.

    References
    ----------
    Blattberg & Deighton (1996); Gupta, Lehmann & Stuart (2004), eq. (1)–(3).

    Examples
    --------
    >>> customer_equity([100.0, 300.0], 0.8, 0.12, new_customers_per_year=10, new_customer_value=60.0).round(2).tolist()
    [1000.0, 5000.0, 6000.0]

    400 × 0.8 / 0.32 = 1000; 10 × 60 / 0.12 = 5000.
    """
    profits = np.asarray(annual_profit, dtype=float)
    require(np.isfinite(profits), "annual_profit must be finite numbers", annual_profit=profits)
    if not 0 <= retention < 1:
        raise ValueError(f"retention must be a fraction in [0, 1); got {retention!r}")
    if not 0 <= discount_rate < np.inf:
        raise ValueError(f"discount_rate must be ≥ 0; got {discount_rate!r}")
    if not (0 <= new_customers_per_year < np.inf and np.isfinite(new_customer_value)):
        raise ValueError(
            "new_customers_per_year must be ≥ 0 and new_customer_value a finite amount; got "
            f"{new_customers_per_year!r}, {new_customer_value!r}"
        )
    current = float(profits.sum()) * margin_multiple(retention, discount_rate)
    if new_customers_per_year > 0 and discount_rate <= 0:
        raise ValueError("valuing customers still to come needs discount_rate > 0 (a perpetuity)")
    future = new_customers_per_year * new_customer_value / discount_rate if new_customers_per_year > 0 else 0.0
    return pd.Series(
        {"current_customers": current, "future_customers": future, "total": current + future}, name="customer_equity"
    )
