"""Retention bonds: what each level costs, how much it lowers churn, and whether it pays (lesson 02).

Berry & Parasuraman (1991) order relationship marketing in three levels (financial, social,
structural), each tying the customer more closely to the company; Zeithaml & Bitner add
customization bonds between the social and the structural level and present four levels of
retention strategies: **financial** bonds (price incentives), **social** bonds (personal
relationships), **customization** bonds (a service adapted to the customer) and
**structural** bonds (the service built into the customer's own processes). Each level
is costlier, harder for a competitor to copy and more durable than the one below.

This module measures the levels on a company's data, in four steps:

* **Monitoring** — :func:`relationship_monitor` and :func:`reasons_for_leaving` summarise
  what the surveys and the customer database say, group by group.
* **Exposure** — :func:`customer_months` turns the customers, churn and bonds tables into
  one row per customer per calendar month, with the deepest bond level held at the start
  of the month, the months of exposure and whether the customer churned. Churn per
  customer-month is a hazard (a monthly churn rate) free of the *immortal time* that
  biases comparisons of customers grouped by the bond they reached in the end.
* **Effects** — :func:`churn_by_level`, :func:`rate_ratio` (crude or Mantel–Haenszel,
  stratified) and :func:`bond_effects` estimate how much each level multiplies churn,
  naively or among comparable customers; :func:`bond_level_measures` gathers cost,
  churn and promotions per level.
* **Money** — :func:`expected_customer_months`, :func:`programme_return`,
  :func:`break_even_multiplier`, :func:`programme_return_table` and
  :func:`project_budget` turn a churn multiplier into retained customer-months, margin,
  cost and profit.

Every function is pure (pandas/numpy in, pandas/numpy out): no plotting, no files.

References
----------
* Berry, L. L. & Parasuraman, A. (1991). *Marketing Services: Competing Through Quality*,
  ch. 8 "Marketing to existing customers" (three levels of relationship marketing).
  Free Press.
* Zeithaml, V. A., Bitner, M. J. & Gremler, D. D. (2018). *Services Marketing:
  Integrating Customer Focus Across the Firm* (7th ed.), ch. 7 "Relationship marketing"
  (retention strategies: financial, social, customization and structural bonds).
  McGraw-Hill.
* Mantel, N. & Haenszel, W. (1959). Statistical aspects of the analysis of data from
  retrospective studies of disease. *Journal of the National Cancer Institute* 22(4),
  719–748 (the Mantel–Haenszel odds ratio, for case-control data).
* Rothman, K. J. & Boice, J. D. (1979). *Epidemiologic Analysis with a Programmable
  Calculator* (NIH Publication No. 79-1649). U.S. Government Printing Office (the
  Mantel–Haenszel estimator of the rate ratio, for person-time data).
* Greenland, S. & Robins, J. M. (1985). Estimation of a common effect parameter from
  sparse follow-up data. *Biometrics* 41(1), 55–68 (the Mantel–Haenszel rate ratio and
  its variance).
* Rothman, K. J., Greenland, S. & Lash, T. L. (2008). *Modern Epidemiology* (3rd ed.),
  ch. 15 "Introduction to stratified analysis". Lippincott Williams & Wilkins.
* Gupta, S. & Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive
  Marketing* 17(1), 9–24 (margin × retention over the customer's lifetime).
* Berger, P. D. & Nasr, N. I. (1998). Customer lifetime value: marketing models and
  applications. *Journal of Interactive Marketing* 12(1), 17–30.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import NormalDist
from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers import schema
from helpers.glossary import spanish
from helpers.i18n import N_
from helpers.retention import DAYS_PER_MONTH
from helpers.validation import refuse_rows, require_columns, to_dates

__all__ = [
    "LEVELS",
    "BudgetProjection",
    "bond_effects",
    "bond_level_measures",
    "bond_level_profile",
    "bond_level_when_leaving",
    "break_even_multiplier",
    "cap_level",
    "churn_by_level",
    "cumulative_packages",
    "customer_months",
    "deepest_bond_level",
    "enrolment_baseline",
    "estimated_packages",
    "expected_customer_months",
    "programme_return",
    "programme_return_table",
    "project_budget",
    "rate_ratio",
    "reasons_for_leaving",
    "relationship_monitor",
]

#: Bond levels from none to the deepest, in order (``schema.BOND_LEVELS`` with "none").
LEVELS: tuple[str, ...] = ("none", *schema.BOND_LEVELS)
LEVEL_TYPE = pd.CategoricalDtype(LEVELS, ordered=True)
#: Tenure bands (calendar months since the signup month) used to compare like with like.
TENURE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 2, "0–2"),
    (3, 5, "3–5"),
    (6, 11, "6–11"),
    (12, 23, "12–23"),
    (24, 10**6, "24+"),
)


# ---------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------


def _positions_of(table: str, frame: pd.DataFrame, ids: pd.Index) -> np.ndarray:
    """Row position in ``ids`` of each ``frame.customer_id``; unknown customers are refused."""
    position = ids.get_indexer(frame["customer_id"])
    refuse_rows(table, "customer_id", frame, position < 0, "refer to customers not in the customers table")
    return position


def _array(name: str, value, *, low: float = -np.inf, high: float = np.inf, low_open: bool = False) -> np.ndarray:
    """``value`` as a float array, refusing NaN and values outside the bounds (named)."""
    array = np.asarray(value, dtype=float)
    below = array <= low if low_open else array < low
    bad = np.isnan(array) | below | (array > high)
    if bad.any():
        first = np.argwhere(bad)[0] if array.ndim else ()
        shown = float(array[tuple(first)])
        bound = ("(" if low_open else "[") + f"{low:g}, {high:g}]"
        where = f" (first at position {tuple(int(i) for i in first)})" if array.ndim else ""
        raise ValueError(f"{name} must be a number in {bound}; got {shown:g}{where}")
    return array


def _group_labels(customers: pd.DataFrame, by) -> pd.Series:
    """The group of each customer: a column of ``customers`` or a Series by customer_id."""
    if isinstance(by, str):
        require_columns("customers", customers, ("customer_id", by))
        return pd.Series(customers[by].array, index=pd.Index(customers["customer_id"], name="customer_id"), name=by)
    if isinstance(by, pd.Series):
        return by.reindex(customers["customer_id"].to_numpy()).rename_axis("customer_id")
    raise ValueError(f"by must be a column of the customers table or a Series indexed by customer_id; got {by!r}")


# ---------------------------------------------------------------------------------------
# The four levels (literature)
# ---------------------------------------------------------------------------------------


def bond_level_profile() -> pd.DataFrame:
    """The four levels of retention bonds as the literature describes them.

    Berry & Parasuraman (1991) rank relationship marketing in levels by the kind of bond
    (financial, social, structural), the main marketing tool and the potential for a
    lasting advantage over competitors; Zeithaml & Bitner add customization bonds
    between the social and the structural level. The last columns are the literature's
    judgement, not a measurement: the lesson measures cost and churn on the data.

    Returns
    -------
    pandas.DataFrame
        One row per level (index ``level`` in :data:`LEVELS` order, without "none"),
        columns ``spanish``, ``what_ties_the_customer``, ``example_tactics``,
        ``main_tool``, ``ease_of_copying`` and ``lasting_advantage``.

    Examples
    --------
    >>> bond_level_profile().loc["structural", "ease_of_copying"]
    'very hard'
    """
    rows = [
        (
            "financial",
            N_("better prices for staying or buying more"),
            N_("volume discounts, points and rewards, bundles, price guarantees for loyal customers"),
            N_("price"),
            N_("easy"),
            N_("low"),
        ),
        (
            "social",
            N_("personal relationships with the company's people (and other customers)"),
            N_("a named contact who keeps in touch, personal touches and cards, clubs and events"),
            N_("personal communication"),
            N_("harder"),
            N_("medium"),
        ),
        (
            "customization",
            N_("a service adapted to the customer's own needs"),
            N_("one-to-one offers, remembered preferences, mass customization, anticipating needs"),
            N_("the service itself"),
            N_("hard"),
            N_("medium to high"),
        ),
        (
            "structural",
            N_("the service built into the customer's systems and processes"),
            N_("shared ordering, delivery and invoicing systems, integrated technology, joint investments"),
            N_("the service delivery system"),
            N_("very hard"),
            N_("high"),
        ),
    ]
    columns = [
        "level",
        "what_ties_the_customer",
        "example_tactics",
        "main_tool",
        "ease_of_copying",
        "lasting_advantage",
    ]
    profile = pd.DataFrame(rows, columns=columns)
    profile.insert(1, "spanish", [spanish(f"{level} bond") for level in profile["level"]])
    return profile.set_index("level")


# ---------------------------------------------------------------------------------------
# Monitoring: the surveys and the customer database
# ---------------------------------------------------------------------------------------


def relationship_monitor(
    customers: pd.DataFrame, surveys: pd.DataFrame, churn: pd.DataFrame, *, by="segment"
) -> pd.DataFrame:
    """What the surveys and the customer database say about each group of customers.

    Continuous monitoring of relationships (Berry & Parasuraman 1991, ch. 8; Zeithaml &
    Bitner, ch. 7) rests on two sources: surveys of current customers (satisfaction,
    perceived value against expectation, commitment) and the customer database (who the
    customers are, who left and why).

    Parameters
    ----------
    customers : pandas.DataFrame
        Columns ``customer_id`` and, when ``by`` names one, the grouping column.
    surveys : pandas.DataFrame
        Columns ``customer_id``, ``satisfaction`` (1–5), ``expectation`` and
        ``perception`` (1–7) and ``commitment`` (1–5).
    churn : pandas.DataFrame
        Columns ``customer_id`` and ``reason``.
    by : str or pandas.Series
        A column of ``customers`` (default ``"segment"``) or a label per customer_id.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``customers``, ``share_lost`` (fraction who left),
        ``survey_answers``, ``mean_satisfaction``, ``share_completely_satisfied`` (answers
        of 5), ``value_gap`` (mean perception − expectation: below 0 means the service fell
        short of what was expected), ``mean_commitment``, ``main_reason_for_leaving`` and
        ``share_of_main_reason`` (among the group's lost customers).

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3], "segment": ["B2C", "B2C", "B2B"]})
    >>> surveys = pd.DataFrame({"customer_id": [1, 2, 3], "satisfaction": [5, 3, 4],
    ...     "expectation": [5, 5, 6], "perception": [6, 4, 6], "commitment": [4, 2, 3]})
    >>> churn = pd.DataFrame({"customer_id": [2], "reason": ["price"]})
    >>> relationship_monitor(customers, surveys, churn)[["customers", "share_lost", "value_gap"]]
             customers  share_lost  value_gap
    segment
    B2B              1         0.0        0.0
    B2C              2         0.5        0.0
    """
    require_columns("customers", customers, ("customer_id",))
    require_columns("surveys", surveys, ("customer_id", "satisfaction", "expectation", "perception", "commitment"))
    require_columns("churn", churn, ("customer_id", "reason"))
    ids = pd.Index(customers["customer_id"])
    refuse_rows("customers", "customer_id", customers, ids.duplicated(keep=False), "repeat a customer_id")
    group = _group_labels(customers, by)
    name = group.name or "group"
    survey_group = group.to_numpy()[_positions_of("surveys", surveys, ids)]
    churn_group = group.to_numpy()[_positions_of("churn", churn, ids)]
    answers = (
        pd.DataFrame(
            {
                name: survey_group,
                "satisfaction": surveys["satisfaction"].to_numpy(dtype=float),
                "complete": surveys["satisfaction"].to_numpy() == 5,
                "gap": surveys["perception"].to_numpy(dtype=float) - surveys["expectation"].to_numpy(dtype=float),
                "commitment": surveys["commitment"].to_numpy(dtype=float),
            }
        )
        .groupby(name, observed=True, dropna=True)
        .agg(
            survey_answers=("satisfaction", "size"),
            mean_satisfaction=("satisfaction", "mean"),
            share_completely_satisfied=("complete", "mean"),
            value_gap=("gap", "mean"),
            mean_commitment=("commitment", "mean"),
        )
    )
    counts = group.groupby(group.to_numpy(), observed=True, dropna=True).size().rename("customers")
    lost = pd.Series(churn_group).value_counts().reindex(counts.index, fill_value=0)
    reasons = pd.crosstab(churn_group, churn["reason"].to_numpy())
    table = pd.concat([counts, (lost / counts).rename("share_lost"), answers], axis=1)
    table["survey_answers"] = table["survey_answers"].fillna(0).astype(int)
    table["main_reason_for_leaving"] = reasons.idxmax(axis=1).reindex(table.index)
    table["share_of_main_reason"] = (reasons.max(axis=1) / reasons.sum(axis=1)).reindex(table.index)
    if isinstance(group.dtype, pd.CategoricalDtype):  # keep the labels' natural order
        table = table.reindex([g for g in group.cat.categories if g in table.index])
    table.index.name = name
    return table


def reasons_for_leaving(customers: pd.DataFrame, churn: pd.DataFrame, *, by="segment") -> pd.DataFrame:
    """Share of each stated reason for leaving, within each group of lost customers.

    Parameters
    ----------
    customers : pandas.DataFrame
        Columns ``customer_id`` and, when ``by`` names one, the grouping column.
    churn : pandas.DataFrame
        Columns ``customer_id`` and ``reason``.
    by : str or pandas.Series
        A column of ``customers`` or a label per customer_id (e.g. the bond level held
        when the customer left).

    Returns
    -------
    pandas.DataFrame
        Rows = reasons (in the order of the reason column's categories when it is
        categorical), columns = groups; each column sums to 1.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3], "segment": ["B2C", "B2C", "B2B"]})
    >>> churn = pd.DataFrame({"customer_id": [1, 2, 3], "reason": ["price", "price", "poor_service"]})
    >>> reasons_for_leaving(customers, churn)  # doctest: +NORMALIZE_WHITESPACE
    segment       B2B  B2C
    reason
    poor_service  1.0  0.0
    price         0.0  1.0
    """
    require_columns("customers", customers, ("customer_id",))
    require_columns("churn", churn, ("customer_id", "reason"))
    refuse_rows("churn", "reason", churn, churn["reason"].isna(), "have no reason")
    group = _group_labels(customers, by)
    labels = group.to_numpy()[_positions_of("churn", churn, pd.Index(customers["customer_id"]))]
    reason = churn["reason"]
    table = pd.crosstab(reason.to_numpy(), labels, normalize="columns")
    if isinstance(reason.dtype, pd.CategoricalDtype):
        table = table.reindex([r for r in reason.cat.categories if r in table.index])
    if isinstance(group.dtype, pd.CategoricalDtype):
        table = table[[g for g in group.cat.categories if g in table.columns]]
    table.index.name, table.columns.name = "reason", group.name
    return table


# ---------------------------------------------------------------------------------------
# Bond levels held
# ---------------------------------------------------------------------------------------


def _check_bonds(bonds: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    require_columns("bonds", bonds, ("customer_id", "level", "start_date"))
    level = bonds["level"].astype(str)
    refuse_rows(
        "bonds",
        "level",
        bonds,
        ~level.isin(schema.BOND_LEVELS),
        f"have a level that is not one of {list(schema.BOND_LEVELS)}",
    )
    codes = level.map({name: i for i, name in enumerate(LEVELS)}).to_numpy(dtype=np.int64)
    return to_dates("bonds", bonds, "start_date"), codes


def deepest_bond_level(
    customers: pd.DataFrame, bonds: pd.DataFrame, *, on=None, tenure_months: float | None = None
) -> pd.Series:
    """The deepest bond level each customer held: ever, on a date, or at a tenure.

    Levels are ordered as in :data:`LEVELS` (none < financial < social < customization
    < structural); a customer with no bond row (by then) gets "none".

    Parameters
    ----------
    customers : pandas.DataFrame
        Columns ``customer_id`` and (for ``tenure_months``) ``signup_date``.
    bonds : pandas.DataFrame
        Columns ``customer_id``, ``level`` and ``start_date``.
    on : date-like, optional
        Count only the bonds started on or before this date.
    tenure_months : float, optional
        Count only the bonds started on or before ``signup_date + tenure_months``
        (a month is 30.4375 days). Give ``on`` or ``tenure_months``, not both.

    Returns
    -------
    pandas.Series
        Ordered categorical (categories :data:`LEVELS`) indexed by ``customer_id``.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3],
    ...     "signup_date": pd.to_datetime(["2024-01-01"] * 3)})
    >>> bonds = pd.DataFrame({"customer_id": [1, 1, 2], "level": ["financial", "social", "financial"],
    ...     "start_date": pd.to_datetime(["2024-02-01", "2024-09-01", "2024-03-01"])})
    >>> deepest_bond_level(customers, bonds).tolist()
    ['social', 'financial', 'none']
    >>> deepest_bond_level(customers, bonds, tenure_months=6).tolist()
    ['financial', 'financial', 'none']
    """
    if on is not None and tenure_months is not None:
        raise ValueError("give on= or tenure_months=, not both")
    require_columns("customers", customers, ("customer_id",))
    ids = pd.Index(customers["customer_id"])
    start, codes = _check_bonds(bonds)
    position = _positions_of("bonds", bonds, ids)
    counted = np.ones(len(bonds), dtype=bool)
    if on is not None:
        counted = (start <= pd.Timestamp(on)).to_numpy()
    elif tenure_months is not None:
        months = float(_array("tenure_months", tenure_months, low=0))
        require_columns("customers", customers, ("signup_date",))
        cutoff = to_dates("customers", customers, "signup_date") + pd.Timedelta(days=months * DAYS_PER_MONTH)
        counted = start.to_numpy() <= cutoff.to_numpy()[position]
    deepest = np.zeros(len(ids), dtype=np.int64)
    np.maximum.at(deepest, position[counted], codes[counted])
    return pd.Series(
        pd.Categorical.from_codes(deepest, dtype=LEVEL_TYPE), index=ids.rename("customer_id"), name="bond_level"
    )


def cap_level(levels: pd.Series, deepest: str = "social") -> pd.Series:
    """Pool the levels from ``deepest`` down into one group, e.g. when few customers hold them.

    Parameters
    ----------
    levels : pandas.Series
        Bond levels (labels of :data:`LEVELS`), e.g. from :func:`deepest_bond_level`.
    deepest : str
        The last level kept on its own; it and every deeper level become
        "<deepest> or deeper".

    Returns
    -------
    pandas.Series
        Ordered categorical with the levels up to ``deepest`` (the last one renamed), same
        index and name.

    Examples
    --------
    >>> cap_level(pd.Series(["none", "structural", "social", "financial"])).tolist()
    ['none', 'social or deeper', 'social or deeper', 'financial']
    """
    if deepest not in LEVELS[1:]:
        raise ValueError(f"deepest must be one of {list(LEVELS[1:])}; got {deepest!r}")
    text = levels.astype(str)
    bad = ~text.isin(LEVELS)
    if bad.any():
        raise ValueError(f"levels must be labels of {list(LEVELS)}; got {sorted(set(text[bad]))[:5]}")
    position = LEVELS.index(deepest)
    pooled = f"{deepest} or deeper"
    names = [*LEVELS[:position], pooled]
    codes = np.minimum(text.map({lv: i for i, lv in enumerate(LEVELS)}).to_numpy(dtype=int), position)
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=names, ordered=True), index=levels.index, name=levels.name
    )


def bond_level_when_leaving(panel: pd.DataFrame) -> pd.Series:
    """The deepest bond each lost customer held at the start of the month in which they left.

    Parameters
    ----------
    panel : pandas.DataFrame
        Output of :func:`customer_months`.

    Returns
    -------
    pandas.Series
        Ordered categorical (:data:`LEVELS`) indexed by the ``customer_id`` of the
        customers who churned, named ``bond_level_when_leaving``.

    Examples
    --------
    >>> panel = pd.DataFrame({"customer_id": [1, 1, 2], "churned": [False, True, False],
    ...     "bond_level": pd.Categorical(["none", "financial", "none"], categories=LEVELS)})
    >>> bond_level_when_leaving(panel).to_dict()
    {1: 'financial'}
    """
    require_columns("customer-months", panel, ("customer_id", "bond_level", "churned"))
    rows = panel[panel["churned"].to_numpy(dtype=bool)]
    return pd.Series(
        pd.Categorical(rows["bond_level"].astype(str), dtype=LEVEL_TYPE),
        index=pd.Index(rows["customer_id"].to_numpy(), name="customer_id"),
        name="bond_level_when_leaving",
    )


# ---------------------------------------------------------------------------------------
# One row per customer per month
# ---------------------------------------------------------------------------------------


def _tenure_band(tenure: np.ndarray) -> pd.Categorical:
    edges = np.array([low for low, _, _ in TENURE_BANDS[1:]])
    labels = [name for _, _, name in TENURE_BANDS]
    return pd.Categorical.from_codes(np.searchsorted(edges, tenure, side="right"), categories=labels, ordered=True)


def customer_months(
    customers: pd.DataFrame,
    churn: pd.DataFrame,
    bonds: pd.DataFrame,
    observation_end,
    *,
    transactions: pd.DataFrame | None = None,
    stage_history: pd.DataFrame | None = None,
    customer_columns: Sequence[str] = ("segment",),
) -> pd.DataFrame:
    """One row per customer per calendar month as a customer: the exposure table.

    A customer has a row for every calendar month from the signup month to the month of
    churn (or of ``observation_end``). Each row says how long the customer was a
    customer that month (``exposure_months``), whether they churned in it, and the
    deepest bond level they held *at the start of the month* (a bond started during a
    month counts from the next one). Summing churns and exposure by level gives monthly
    churn rates (hazards) per level that compare customers on the same footing: every
    customer-month counts under the level actually held then, so the months before a
    customer enrolled are not credited to the programme (no immortal-time bias).

    Parameters
    ----------
    customers : pandas.DataFrame
        Columns ``customer_id`` (unique), ``signup_date`` and ``customer_columns``.
    churn : pandas.DataFrame
        Columns ``customer_id`` and ``date`` (at most one row per customer). Churn after
        ``observation_end`` is not known yet and is ignored.
    bonds : pandas.DataFrame
        Columns ``customer_id``, ``level`` (a :data:`schema.BOND_LEVELS` label) and
        ``start_date``; bonds started after ``observation_end`` are ignored.
    observation_end : date-like
        Last day of observation.
    transactions : pandas.DataFrame, optional
        Columns ``customer_id``, ``date`` and, if present, ``amount``, ``cost`` and
        ``promotion``; adds ``purchases``, ``recent_purchases`` (in the three previous
        calendar months), ``margin`` (amount − cost) and ``promoted_purchases`` (promotion
        other than "none").
    stage_history : pandas.DataFrame, optional
        The simulation's ``truth.stage_history`` (``customer_id``, ``date``, ``stage``);
        adds ``stage``, the latent stage at the start of the month.
    customer_columns : sequence of str
        Columns of ``customers`` copied to every row (default ``("segment",)``; those
        missing from ``customers`` are skipped).

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id``, ``month`` (Period[M]), ``tenure_months`` (calendar months
        since the signup month), ``tenure_band`` (0–2, 3–5, 6–11, 12–23, 24+),
        ``bond_level`` (ordered categorical, :data:`LEVELS`), ``exposure_months`` (days as
        a customer that month / 30.4375, so a customer's rows add up to the duration of
        :func:`helpers.retention.customer_durations`), ``churned`` (bool), then the
        optional columns. Sorted by customer, then month.

    Raises
    ------
    ValueError
        Naming the table, column and first bad rows: missing columns or dates, repeated
        customers or churn rows, unknown customers, churn, bonds or purchases before
        signup, bonds or purchases after the customer's churn date, unknown levels.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2], "segment": ["B2C", "B2B"],
    ...     "signup_date": pd.to_datetime(["2024-01-16", "2024-02-01"])})
    >>> churn = pd.DataFrame({"customer_id": [1], "date": pd.to_datetime(["2024-03-11"])})
    >>> bonds = pd.DataFrame({"customer_id": [2], "level": ["financial"],
    ...     "start_date": pd.to_datetime(["2024-02-20"])})
    >>> panel = customer_months(customers, churn, bonds, "2024-03-31")
    >>> panel[["customer_id", "month", "bond_level", "churned"]]
       customer_id    month bond_level  churned
    0            1  2024-01       none    False
    1            1  2024-02       none    False
    2            1  2024-03       none     True
    3            2  2024-02       none    False
    4            2  2024-03  financial    False
    """
    require_columns("customers", customers, ("customer_id", "signup_date"))
    require_columns("churn", churn, ("customer_id", "date"))
    end = pd.Timestamp(observation_end)
    ids = pd.Index(customers["customer_id"])
    refuse_rows("customers", "customer_id", customers, ids.duplicated(keep=False), "repeat a customer_id")
    signup = to_dates("customers", customers, "signup_date")
    refuse_rows("customers", "signup_date", customers, signup > end, f"are after observation_end ({end.date()})")

    churn_position = _positions_of("churn", churn, ids)
    refuse_rows(
        "churn",
        "customer_id",
        churn,
        churn["customer_id"].duplicated(keep=False),
        "repeat a customer_id (a customer can churn only once)",
    )
    churn_date = to_dates("churn", churn, "date")
    refuse_rows(
        "churn",
        "date",
        churn,
        churn_date.to_numpy() < signup.to_numpy()[churn_position],
        "are before the customer's signup_date",
    )
    left = np.full(len(ids), np.datetime64("NaT"), dtype="datetime64[ns]")
    known = (churn_date <= end).to_numpy()
    left[churn_position[known]] = churn_date.to_numpy()[known]
    churned_customer = ~np.isnat(left)
    stop_date = np.where(churned_customer, left, end.to_datetime64())

    first_month = signup.dt.to_period("M").array.asi8
    last_month = pd.Series(stop_date).dt.to_period("M").array.asi8
    n_rows = last_month - first_month + 1
    row_start = np.concatenate([[0], np.cumsum(n_rows)[:-1]])
    who = np.repeat(np.arange(len(ids)), n_rows)
    offset = np.arange(n_rows.sum()) - row_start[who]
    month = first_month[who] + offset
    periods = pd.PeriodIndex.from_ordinals(month, freq="M")
    month_start = periods.to_timestamp().to_numpy()
    next_start = (periods + 1).to_timestamp().to_numpy()
    begins = np.maximum(month_start, signup.to_numpy()[who])
    ends = np.minimum(next_start, stop_date[who])
    exposure = (ends - begins) / np.timedelta64(1, "D") / DAYS_PER_MONTH

    def row_of(position: np.ndarray, months: np.ndarray) -> np.ndarray:
        """Panel row of (customer position, month ordinal), −1 outside the customer's months."""
        inside = (months >= first_month[position]) & (months <= last_month[position])
        return np.where(inside, row_start[position] + months - first_month[position], -1)

    # Deepest level held at the start of each month: a bond counts from the month after it starts.
    start, codes = _check_bonds(bonds)
    bond_position = _positions_of("bonds", bonds, ids)
    refuse_rows(
        "bonds",
        "start_date",
        bonds,
        start.to_numpy() < signup.to_numpy()[bond_position],
        "are before the customer's signup_date",
    )
    refuse_rows(
        "bonds",
        "start_date",
        bonds,
        start.to_numpy() > np.where(churned_customer, left, np.datetime64("2262-01-01"))[bond_position],
        "are after the customer's churn date",
    )
    seen = (start <= end).to_numpy()
    effective = start.dt.to_period("M").array.asi8 + 1
    rows = row_of(bond_position[seen], effective[seen])
    level = np.zeros(month.size, dtype=np.int64)
    np.maximum.at(level, rows[rows >= 0], codes[seen][rows >= 0])
    level = pd.Series(level).groupby(who).cummax().to_numpy()

    panel = pd.DataFrame(
        {
            "customer_id": ids.to_numpy()[who],
            "month": periods,
            "tenure_months": offset,
            "tenure_band": _tenure_band(offset),
            "bond_level": pd.Categorical.from_codes(level, dtype=LEVEL_TYPE),
            "exposure_months": exposure,
            "churned": churned_customer[who] & (month == last_month[who]),
        }
    )
    for column in customer_columns:
        if column in customers.columns:
            panel[column] = customers[column].array.take(who)  # keeps a categorical's order

    if transactions is not None:
        require_columns("transactions", transactions, ("customer_id", "date"))
        buyer = _positions_of("transactions", transactions, ids)
        bought = to_dates("transactions", transactions, "date")
        refuse_rows(
            "transactions",
            "date",
            transactions,
            bought.to_numpy() < signup.to_numpy()[buyer],
            "are before the customer's signup_date",
        )
        refuse_rows(
            "transactions",
            "date",
            transactions,
            churned_customer[buyer] & (bought.to_numpy() > left[buyer]),
            "are after the customer's churn date",
        )
        in_window = (bought <= end).to_numpy()
        rows = row_of(buyer[in_window], bought.dt.to_period("M").array.asi8[in_window])
        purchases = np.bincount(rows, minlength=month.size).astype(np.int64)
        panel["purchases"] = purchases
        before = np.concatenate([[0], np.cumsum(purchases)[:-1]])  # purchases in the customer's earlier rows
        three_back = np.maximum(np.arange(month.size) - 3, row_start[who])
        panel["recent_purchases"] = before - before[three_back]
        if {"amount", "cost"} <= set(transactions.columns):
            margin = (transactions["amount"] - transactions["cost"]).to_numpy(dtype=float)[in_window]
            panel["margin"] = np.bincount(rows, weights=margin, minlength=month.size)
        if "promotion" in transactions.columns:
            promoted = (transactions["promotion"].astype(str) != "none").to_numpy()[in_window]
            panel["promoted_purchases"] = np.bincount(rows, weights=promoted, minlength=month.size).astype(np.int64)

    if stage_history is not None:
        require_columns("stage_history", stage_history, ("customer_id", "date", "stage"))
        stage_position = _positions_of("stage_history", stage_history, ids)
        entered = to_dates("stage_history", stage_history, "date").dt.to_period("M").array.asi8
        entered = np.maximum(entered, first_month[stage_position])
        rows = row_of(stage_position, entered)
        stage_codes = pd.Categorical(stage_history["stage"].astype(str), categories=schema.STAGES).codes
        stage = np.full(month.size, np.nan)
        order = np.argsort(entered, kind="stable")  # the latest change within a month wins
        stage[rows[order][rows[order] >= 0]] = stage_codes[order][rows[order] >= 0]
        stage = pd.Series(stage).groupby(who).ffill().to_numpy()
        panel["stage"] = pd.Categorical.from_codes(
            np.nan_to_num(stage, nan=-1).astype(int), categories=schema.STAGES, ordered=True
        )
    panel.attrs["observation_end"] = end
    return panel


# ---------------------------------------------------------------------------------------
# Churn per level and its ratios
# ---------------------------------------------------------------------------------------


def _z(conf_level: float) -> float:
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be in (0, 1); got {conf_level}")
    return NormalDist().inv_cdf((1 + conf_level) / 2)


def _require_panel(panel: pd.DataFrame, extra: Sequence[str] = ()) -> None:
    require_columns("customer-months", panel, ("bond_level", "exposure_months", "churned", *extra))


def churn_by_level(panel: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Monthly churn rate of the customer-months at each bond level (the hazard).

    ``monthly_churn = churns / exposure_months``: the number of customers lost per
    customer-month at risk, the incidence rate of epidemiology (Rothman et al. 2008,
    ch. 3). Each customer-month counts under the deepest level held at its start.

    Parameters
    ----------
    panel : pandas.DataFrame
        Output of :func:`customer_months`.
    by : str or sequence of str, optional
        Further panel columns to split by (e.g. ``"segment"``).

    Returns
    -------
    pandas.DataFrame
        One row per level (and group): ``customers`` (distinct customers with months at
        that level), ``exposure_months``, ``churns`` and ``monthly_churn``; levels without
        any exposure are left out.

    Examples
    --------
    >>> panel = pd.DataFrame({"customer_id": [1, 1, 2, 3], "exposure_months": [1.0, 1.0, 1.0, 2.0],
    ...     "bond_level": pd.Categorical(["none", "none", "none", "financial"], categories=LEVELS),
    ...     "churned": [False, True, False, False]})
    >>> churn_by_level(panel)  # doctest: +NORMALIZE_WHITESPACE
                customers  exposure_months  churns  monthly_churn
    bond_level
    none                2              3.0       1       0.333333
    financial           1              2.0       0       0.000000
    """
    _require_panel(panel, ("customer_id",))
    keys = ([by] if isinstance(by, str) else list(by or [])) + ["bond_level"]
    table = panel.groupby(keys, observed=True, sort=True).agg(
        customers=("customer_id", "nunique"), exposure_months=("exposure_months", "sum"), churns=("churned", "sum")
    )
    table = table[table["exposure_months"] > 0]
    table["churns"] = table["churns"].astype(int)
    table["monthly_churn"] = table["churns"] / table["exposure_months"]
    return table


def rate_ratio(
    panel: pd.DataFrame, level: str, *, reference: str = "none", strata: Sequence[str] = (), conf_level: float = 0.95
) -> pd.Series:
    """How many times the monthly churn at ``level`` is that at ``reference``, fairly compared.

    Without strata this is the crude ratio of the two churn rates. With strata (columns
    of the panel such as tenure band and segment) it is the Mantel–Haenszel rate ratio:
    the person-time form (Rothman & Boice 1979; Greenland & Robins 1985; Rothman et al.
    2008, ch. 15) of the estimator that Mantel & Haenszel (1959) gave for the odds ratio.
    It is a weighted average of the ratios *within* each stratum, so that customers are
    compared only with customers of the same tenure, segment, …::

        RR_MH = Σ_s d1_s·T0_s/T_s  /  Σ_s d0_s·T1_s/T_s

    (``d`` churns, ``T`` exposure; 1 = level, 0 = reference, ``T_s = T1_s + T0_s``).
    The confidence interval uses the Greenland & Robins (1985) variance of ``log RR_MH``,
    ``Σ_s T1_s·T0_s·(d1_s + d0_s)/T_s² / ((Σ_s d1_s·T0_s/T_s)·(Σ_s d0_s·T1_s/T_s))``,
    which for a single stratum is ``1/d1 + 1/d0``.

    Parameters
    ----------
    panel : pandas.DataFrame
        Output of :func:`customer_months`.
    level, reference : str
        The bond levels compared (labels of :data:`LEVELS`).
    strata : sequence of str
        Panel columns defining the strata; empty for the crude ratio.
    conf_level : float
        Confidence level of the interval, in (0, 1).

    Returns
    -------
    pandas.Series
        ``estimate``, ``lower``, ``upper`` (NaN where not estimable: the interval when
        either group has no churn in the informative strata, everything when no stratum
        holds both groups), ``churns``, ``exposure_months`` (at ``level``, in the strata
        that hold both groups) and ``reference_churns``, ``reference_exposure_months``.

    Examples
    --------
    >>> panel = pd.DataFrame({"exposure_months": [100.0, 50.0], "churned": [10, 2],
    ...     "bond_level": pd.Categorical(["none", "financial"], categories=LEVELS)})
    >>> rate_ratio(panel, "financial")[["estimate", "churns"]].round(6).tolist()  # (2/50) / (10/100)
    [0.4, 2.0]
    """
    _require_panel(panel, strata)
    for name in (level, reference):
        if name not in LEVELS:
            raise ValueError(f"level must be one of {list(LEVELS)}; got {name!r}")
    z = _z(conf_level)
    text_level = panel["bond_level"].astype(str)
    chosen = panel[text_level.isin([level, reference]).to_numpy()]
    exposed = (text_level[text_level.isin([level, reference])] == level).to_numpy()
    if strata:
        key = chosen.groupby(list(strata), observed=True, sort=False, dropna=False).ngroup().to_numpy()
    else:
        key = np.zeros(len(chosen), dtype=np.int64)
    size = int(key.max()) + 1 if len(key) else 0
    exposure = chosen["exposure_months"].to_numpy(dtype=float)
    churns = chosen["churned"].to_numpy(dtype=float)
    t1, t0 = (np.bincount(key[side], weights=exposure[side], minlength=size) for side in (exposed, ~exposed))
    d1, d0 = (np.bincount(key[side], weights=churns[side], minlength=size) for side in (exposed, ~exposed))
    both = (t1 > 0) & (t0 > 0)
    t1, t0, d1, d0 = t1[both], t0[both], d1[both], d0[both]
    total = t1 + t0
    numerator = np.sum(d1 * t0 / total)
    denominator = np.sum(d0 * t1 / total)
    counts = {
        "churns": int(d1.sum()),
        "exposure_months": float(t1.sum()),
        "reference_churns": int(d0.sum()),
        "reference_exposure_months": float(t0.sum()),
    }
    if not both.any() or denominator == 0:
        return pd.Series({"estimate": np.nan, "lower": np.nan, "upper": np.nan, **counts}, name=level)
    estimate = numerator / denominator
    if numerator > 0:
        variance = np.sum(t1 * t0 * (d1 + d0) / total**2) / (numerator * denominator)
        spread = np.exp(z * np.sqrt(variance))
        lower, upper = estimate / spread, estimate * spread
    else:
        lower = upper = np.nan
    return pd.Series({"estimate": estimate, "lower": lower, "upper": upper, **counts}, name=level)


def bond_effects(
    panel: pd.DataFrame, adjustments: Mapping[str, Sequence[str]], *, reference: str = "none", conf_level: float = 0.95
) -> pd.DataFrame:
    """The churn multiplier of every bond level against ``reference``, by several methods.

    Each method is a set of strata for :func:`rate_ratio`: an empty set gives the naive
    (crude) comparison; tenure band and segment compare customers of the same age and
    kind; a latent stage (in a simulation) compares customers equally close to the
    company. The further apart the methods, the more the naive estimate is driven by who
    joins a programme rather than by the programme.

    Parameters
    ----------
    panel : pandas.DataFrame
        Output of :func:`customer_months`.
    adjustments : mapping of str to sequence of str
        Method name → strata columns, e.g. ``{"naive": [], "same tenure": ["tenure_band"]}``.
    reference : str
        The level compared against (default "none": each level's whole package of bonds).
    conf_level : float
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per (level, method) for the levels above ``reference`` that have
        exposure: ``level``, ``method``, ``estimate``, ``lower``, ``upper``, ``churns``,
        ``exposure_months``.

    Examples
    --------
    >>> panel = pd.DataFrame({"exposure_months": [100.0, 50.0], "churned": [10, 2],
    ...     "bond_level": pd.Categorical(["none", "financial"], categories=LEVELS)})
    >>> bond_effects(panel, {"naive": []})[["level", "method", "estimate"]]
           level method  estimate
    0  financial  naive       0.4
    """
    _require_panel(panel)
    present = set(panel.loc[panel["exposure_months"] > 0, "bond_level"].astype(str))
    levels = [lv for lv in LEVELS[LEVELS.index(reference) + 1 :] if lv in present]
    rows = []
    for lv in levels:
        for method, strata in adjustments.items():
            ratio = rate_ratio(panel, lv, reference=reference, strata=list(strata), conf_level=conf_level)
            rows.append(
                {
                    "level": lv,
                    "method": method,
                    **ratio[["estimate", "lower", "upper", "churns", "exposure_months"]].to_dict(),
                }
            )
    table = pd.DataFrame(rows, columns=["level", "method", "estimate", "lower", "upper", "churns", "exposure_months"])
    table["level"] = pd.Categorical(table["level"], categories=LEVELS, ordered=True)
    table["method"] = pd.Categorical(table["method"], categories=list(adjustments))
    table["churns"] = table["churns"].astype(int)
    return table


def cumulative_packages(cost_per_month: Mapping[str, float], churn_multiplier: Mapping[str, float]) -> pd.DataFrame:
    """Cost and churn multiplier of each level *with all the levels below it*.

    When levels are cumulative (a social bond needs the financial one, and so on, as in
    Nova Supply's programmes), a customer at level ``k`` pays for and benefits from
    levels 1…k: the package costs ``Σ cost`` per month and multiplies churn by
    ``∏ multiplier`` (hazard multipliers compose by multiplication).

    Parameters
    ----------
    cost_per_month : mapping level → money per customer per month (≥ 0).
    churn_multiplier : mapping level → factor on the monthly churn hazard (≥ 0; 1 = no
        effect), for the levels of :data:`schema.BOND_LEVELS`.

    Returns
    -------
    pandas.DataFrame
        Index ``level`` (financial … structural), columns ``cost_per_month`` and
        ``churn_multiplier`` of the packages.

    Examples
    --------
    >>> cumulative_packages({"financial": 2, "social": 6, "customization": 12, "structural": 30},
    ...                     {"financial": 0.85, "social": 0.7, "customization": 0.55, "structural": 0.4}).round(3)
    ... # doctest: +NORMALIZE_WHITESPACE
                   cost_per_month  churn_multiplier
    level
    financial                 2.0             0.850
    social                    8.0             0.595
    customization            20.0             0.327
    structural               50.0             0.131
    """
    levels = list(schema.BOND_LEVELS)
    missing = [lv for lv in levels if lv not in cost_per_month or lv not in churn_multiplier]
    if missing:
        raise ValueError(f"cost_per_month and churn_multiplier need a value for every level; missing {missing}")
    cost = _array("cost_per_month", [cost_per_month[lv] for lv in levels], low=0)
    factor = _array("churn_multiplier", [churn_multiplier[lv] for lv in levels], low=0)
    return pd.DataFrame(
        {"cost_per_month": np.cumsum(cost), "churn_multiplier": np.cumprod(factor)},
        index=pd.Index(levels, name="level"),
    )


def bond_level_measures(panel: pd.DataFrame, bonds: pd.DataFrame, *, conf_level: float = 0.95) -> pd.DataFrame:
    """Each bond level measured on the data: members, cost, churn and promotions.

    Parameters
    ----------
    panel : pandas.DataFrame
        Output of :func:`customer_months` (with transactions for the promotion column).
    bonds : pandas.DataFrame
        Columns ``customer_id``, ``level``, ``start_date`` and ``cost_per_month``.
    conf_level : float
        Confidence level of the churn ratio's interval.

    Returns
    -------
    pandas.DataFrame
        One row per level of :data:`LEVELS` (index ``level``):

        * ``members`` — customers ever enrolled at that level (for "none": customers
          with months without any bond);
        * ``cost_per_member_month`` — average ``cost_per_month`` of the level's bonds;
        * ``member_months`` — customer-months holding the level (or a deeper one);
        * ``programme_cost`` — ``cost_per_member_month × member_months``;
        * ``monthly_churn`` — churn per customer-month among those whose deepest level it is;
        * ``churn_ratio``, ``ratio_lower``, ``ratio_upper`` — that churn over the churn
          without any bond (the naive multiplier of the level's package, crude ratio);
        * ``promotion_share`` — share of purchases made with a promotion (if known).

    Examples
    --------
    >>> panel = pd.DataFrame({"customer_id": [1, 1, 2], "exposure_months": [10.0, 10.0, 10.0],
    ...     "bond_level": pd.Categorical(["none", "financial", "none"], categories=LEVELS),
    ...     "churned": [False, True, True]})
    >>> bonds = pd.DataFrame({"customer_id": [1], "level": ["financial"],
    ...     "start_date": pd.to_datetime(["2024-01-01"]), "cost_per_month": [2.0]})
    >>> bond_level_measures(panel, bonds).loc["financial", ["members", "programme_cost", "churn_ratio"]].tolist()
    [1.0, 20.0, 2.0]
    """
    _require_panel(panel, ("customer_id",))
    require_columns("bonds", bonds, ("customer_id", "level", "cost_per_month"))
    _check_bonds(bonds)
    level = bonds["level"].astype(str)
    members = bonds.groupby(level.to_numpy())["customer_id"].nunique()
    members["none"] = panel.loc[panel["bond_level"].astype(str) == "none", "customer_id"].nunique()
    cost = bonds.groupby(level.to_numpy())["cost_per_month"].mean()
    cost["none"] = 0.0
    codes = (
        panel["bond_level"].cat.codes.to_numpy()
        if isinstance(panel["bond_level"].dtype, pd.CategoricalDtype)
        else pd.Categorical(panel["bond_level"], dtype=LEVEL_TYPE).codes
    )
    exposure = panel["exposure_months"].to_numpy(dtype=float)
    holding = [float(exposure[codes >= k].sum()) for k in range(len(LEVELS))]
    rates = churn_by_level(panel)
    table = pd.DataFrame(index=pd.Index(LEVELS, name="level"))
    table["members"] = members.reindex(LEVELS).fillna(0).astype(int)
    table["cost_per_member_month"] = cost.reindex(LEVELS)
    table["member_months"] = holding
    table["member_months"] = table["member_months"].where(
        table.index != "none", rates["exposure_months"].get("none", 0.0)
    )
    table["programme_cost"] = table["cost_per_member_month"].fillna(0) * table["member_months"]
    table["monthly_churn"] = rates["monthly_churn"].reindex(LEVELS)
    ratios = pd.DataFrame(
        [rate_ratio(panel, lv, conf_level=conf_level)[["estimate", "lower", "upper"]] for lv in LEVELS[1:]],
        index=list(LEVELS[1:]),
    )
    table["churn_ratio"] = ratios["estimate"].reindex(LEVELS)
    table["ratio_lower"] = ratios["lower"].reindex(LEVELS)
    table["ratio_upper"] = ratios["upper"].reindex(LEVELS)
    table.loc["none", ["churn_ratio", "ratio_lower", "ratio_upper"]] = 1.0
    if {"purchases", "promoted_purchases"} <= set(panel.columns):
        sums = panel.groupby("bond_level", observed=False)[["purchases", "promoted_purchases"]].sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            table["promotion_share"] = (sums["promoted_purchases"] / sums["purchases"].replace(0, np.nan)).reindex(
                LEVELS
            )
    return table


# ---------------------------------------------------------------------------------------
# Money: retained customer-months, programme return, budget
# ---------------------------------------------------------------------------------------


def expected_customer_months(monthly_churn, months):
    """Expected months, out of the next ``months``, that a current customer stays.

    With a constant monthly churn ``h`` a customer is still there at the start of month
    ``t`` (t = 0, 1, …) with probability ``(1 − h)^t``, so the expected customer-months
    in a horizon of ``H`` months are the geometric sum (Berger & Nasr 1998; Gupta &
    Lehmann 2003)::

        E = Σ_{t=0}^{H−1} (1 − h)^t = (1 − (1 − h)^H) / h      (= H when h = 0)

    Parameters
    ----------
    monthly_churn : number or array-like
        Monthly churn probability ``h``, in [0, 1].
    months : number or array-like
        Horizon ``H`` in months (≥ 0; ``inf`` gives ``1 / h``).

    Returns
    -------
    float or numpy.ndarray
        Expected customer-months (a float for scalar input).

    Examples
    --------
    >>> expected_customer_months(0.5, 3)  # 1 + 0.5 + 0.25
    1.75
    >>> expected_customer_months([0.0, 0.1], 12).round(4)
    array([12.    ,  7.1757])
    """
    h = _array("monthly_churn", monthly_churn, low=0, high=1)
    horizon = _array("months", months, low=0, high=np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):  # expm1/log1p stay exact for tiny churn
        kept = -np.expm1(horizon * np.log1p(-h))
        result = np.where(horizon == 0, 0.0, np.where(h > 0, kept / np.where(h > 0, h, 1.0), horizon))
    return float(result) if np.ndim(result) == 0 else result


def programme_return(monthly_churn, margin_per_month, cost_per_month, churn_multiplier, *, horizon_months: float = 36):
    """What a retention programme returns per enrolled customer over a horizon.

    A member's monthly churn falls from ``h`` to ``h × f`` (``f`` = churn multiplier).
    Over ``H`` months the member stays ``E(h·f) − E(h)`` more customer-months
    (:func:`expected_customer_months`), each earning the margin ``m``, while the
    programme costs ``c`` for every month the member stays::

        return = m · (E(h·f) − E(h)) − c · E(h·f)

    This is the retained-margin logic of customer lifetime value (Gupta & Lehmann 2003),
    undiscounted and at constant margin.

    Parameters
    ----------
    monthly_churn : number or array-like
        Monthly churn ``h`` of the customers the programme enrols, without it, in [0, 1].
    margin_per_month : number or array-like
        Gross margin per customer-month (money).
    cost_per_month : number or array-like
        Programme cost per member per month (money, ≥ 0).
    churn_multiplier : number or array-like
        Factor ``f`` on the monthly churn (≥ 0; 1 = no effect). ``h·f`` is capped at 1.
    horizon_months : float
        Horizon ``H`` in months (default 36, three years).

    Arrays broadcast against each other.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        ``months_without`` and ``months_with`` (expected customer-months),
        ``retained_months`` (their difference), ``extra_margin``, ``programme_cost``,
        ``net_return`` and ``return_on_cost`` (net return / programme cost; NaN at zero
        cost). A Series for scalar input, a DataFrame (one row per element) otherwise.

    Examples
    --------
    >>> r = programme_return(0.5, 100.0, 10.0, 0.5, horizon_months=2)
    >>> # without: 1 + 0.5 = 1.5 months; with churn 0.25: 1 + 0.75 = 1.75 months
    >>> r[["retained_months", "extra_margin", "programme_cost", "net_return"]].round(9).tolist()
    [0.25, 25.0, 17.5, 7.5]
    """
    h = _array("monthly_churn", monthly_churn, low=0, high=1)
    margin = _array("margin_per_month", margin_per_month)
    cost = _array("cost_per_month", cost_per_month, low=0)
    factor = _array("churn_multiplier", churn_multiplier, low=0)
    horizon = float(_array("horizon_months", horizon_months, low=0))
    h, margin, cost, factor = np.broadcast_arrays(h, margin, cost, factor)
    without = np.asarray(expected_customer_months(h, horizon))
    with_programme = np.asarray(expected_customer_months(np.minimum(h * factor, 1.0), horizon))
    retained = with_programme - without
    spent = cost * with_programme
    net = margin * retained - spent
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        on_cost = np.where(spent > 0, net / np.where(spent > 0, spent, 1.0), np.nan)
    columns = {
        "months_without": without,
        "months_with": with_programme,
        "retained_months": retained,
        "extra_margin": margin * retained,
        "programme_cost": spent,
        "net_return": net,
        "return_on_cost": on_cost,
    }
    if h.ndim == 0:
        return pd.Series({k: float(v) for k, v in columns.items()}, name="programme_return")
    return pd.DataFrame({k: np.ravel(v) for k, v in columns.items()})


def break_even_multiplier(cost_per_month, margin_per_month, *, monthly_churn=None, horizon_months=None):
    """The churn multiplier a programme must reach to pay for itself.

    Over an unlimited horizon (undiscounted) a member stays ``1/(h·f)`` months instead of
    ``1/h``; the programme pays when ``m·(1/(h·f) − 1/h) ≥ c/(h·f)``, that is when::

        f ≤ 1 − c / m

    whatever the churn ``h``: a programme costing 10 % of the monthly margin must cut
    churn by at least 10 %; one costing the whole margin never pays (result 0).

    Over a finite horizon ``H`` the bar is higher, because the months kept beyond ``H``
    do not count: with ``E`` of :func:`expected_customer_months`, the programme breaks
    even where ``(m − c)·E(h·f) = m·E(h)``, solved for ``f`` by bisection (0 when even a
    programme that stopped all churn would not pay).

    Parameters
    ----------
    cost_per_month : number or array-like
        Programme cost per member per month (≥ 0).
    margin_per_month : number or array-like
        Margin per customer-month (> 0).
    monthly_churn : number or array-like, optional
        Monthly churn without the programme, in [0, 1]; needed with ``horizon_months``.
    horizon_months : float, optional
        Finite horizon in months; None for the unlimited horizon.

    Returns
    -------
    float or numpy.ndarray
        The largest multiplier at which the programme breaks even, in [0, 1].

    Examples
    --------
    >>> break_even_multiplier(2.0, 20.0)
    0.9
    >>> break_even_multiplier([8.0, 50.0], 20.0)
    array([0.6, 0. ])
    >>> round(break_even_multiplier(2.0, 20.0, monthly_churn=0.05, horizon_months=36), 3)
    0.841
    """
    cost = _array("cost_per_month", cost_per_month, low=0)
    margin = _array("margin_per_month", margin_per_month, low=0, low_open=True)
    if horizon_months is None:
        result = np.clip(1.0 - cost / margin, 0.0, 1.0)
        return float(result) if np.ndim(result) == 0 else result
    if monthly_churn is None:
        raise ValueError("a finite horizon_months needs the monthly_churn without the programme")
    h = _array("monthly_churn", monthly_churn, low=0, high=1)
    horizon = float(_array("horizon_months", horizon_months, low=0, low_open=True))
    cost, margin, h = np.broadcast_arrays(cost, margin, h)
    with np.errstate(divide="ignore", invalid="ignore"):
        target = np.where(
            margin > cost,
            margin * np.asarray(expected_customer_months(h, horizon)) / np.where(margin > cost, margin - cost, 1.0),
            np.inf,
        )
    reachable = target <= horizon  # E(0) = H is the most a member can stay
    low, high = np.zeros(h.shape), h.astype(float).copy()  # churn with the programme, E(low) ≥ target
    for _ in range(60):
        middle = (low + high) / 2
        above = np.asarray(expected_customer_months(middle, horizon)) >= target
        low, high = np.where(above, middle, low), np.where(above, high, middle)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(reachable & (h > 0), low / np.where(h > 0, h, 1.0), 0.0)
    result = np.clip(result, 0.0, 1.0)
    return float(result) if np.ndim(result) == 0 else result


def estimated_packages(effects: pd.DataFrame, method: str, cost_per_month: Mapping[str, float]) -> pd.DataFrame:
    """Programmes (packages of cumulative levels) priced from the data and one estimate of their effect.

    The estimates of :func:`bond_effects` against "none" are already the multipliers of
    each level's whole package; this pairs them with the cumulative cost (as in
    :func:`cumulative_packages`). A level without an estimate (no members, or members
    in no stratum shared with unbonded customers) gets multiplier 1: no measurable effect.

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`bond_effects` with ``reference="none"``.
    method : str
        One of the methods in ``effects``.
    cost_per_month : mapping level → cost per member per month of that level alone.

    Returns
    -------
    pandas.DataFrame
        Index ``level``, columns ``cost_per_month`` and ``churn_multiplier``.

    Examples
    --------
    >>> effects = pd.DataFrame({"level": ["financial", "social"], "method": ["naive", "naive"],
    ...                         "estimate": [0.5, float("nan")]})
    >>> estimated_packages(effects, "naive", {"financial": 2, "social": 6, "customization": 12, "structural": 30})
                   cost_per_month  churn_multiplier
    level
    financial                 2.0               0.5
    social                    8.0               1.0
    customization            20.0               1.0
    structural               50.0               1.0
    """
    require_columns("effects", effects, ("level", "method", "estimate"))
    methods = list(pd.unique(effects["method"].astype(str)))
    if method not in methods:
        raise ValueError(f"method {method!r} is not in the effects table; it has {methods}")
    chosen = effects[effects["method"].astype(str) == method]
    estimate = pd.Series(chosen["estimate"].to_numpy(dtype=float), index=chosen["level"].astype(str))
    packages = cumulative_packages(cost_per_month, {lv: 1.0 for lv in schema.BOND_LEVELS})
    packages["churn_multiplier"] = estimate.reindex(packages.index).fillna(1.0).to_numpy()
    return packages


def enrolment_baseline(panel: pd.DataFrame, *, by: str | None = "segment", level: str = "none") -> pd.DataFrame:
    """Who a programme could enrol, and what they are worth without it, per group.

    The pool is the customers active at the end of the data whose deepest bond is
    ``level`` (default: no bond). Their churn and margin without the programme are
    measured on all the customer-months at that level in the group.

    Parameters
    ----------
    panel : pandas.DataFrame
        Output of :func:`customer_months` with transactions (it needs ``margin``).
    by : str or None
        Panel column to group by (default ``"segment"``); None for one overall row.
    level : str
        The bond level of the pool.

    Returns
    -------
    pandas.DataFrame
        One row per group (index = group, or ``["all"]``): ``customers`` (active at the
        end at that level), ``monthly_churn`` (churns / exposure) and
        ``margin_per_month`` (margin / exposure).

    Examples
    --------
    >>> panel = pd.DataFrame({"customer_id": [1, 1, 2, 2], "segment": ["B2C"] * 4,
    ...     "month": pd.PeriodIndex(["2024-01", "2024-02"] * 2, freq="M"),
    ...     "bond_level": pd.Categorical(["none"] * 4, categories=LEVELS),
    ...     "exposure_months": [1.0, 1.0, 1.0, 0.5], "churned": [False, False, False, True],
    ...     "margin": [10.0, 20.0, 5.0, 0.0]})
    >>> enrolment_baseline(panel).round(3)  # doctest: +NORMALIZE_WHITESPACE
             customers  monthly_churn  margin_per_month
    segment
    B2C              1          0.286            10.0
    """
    _require_panel(panel, ("customer_id", "month", "margin", *([by] if by else [])))
    pool = panel[panel["bond_level"].astype(str) == level]
    last = panel["month"].max()
    active = pool[(pool["month"] == last) & ~pool["churned"].to_numpy(dtype=bool)]
    keys = pool[by] if by else pd.Series("all", index=pool.index)
    sums = pool.groupby(keys.to_numpy() if not by else keys, observed=True).agg(
        exposure=("exposure_months", "sum"), churns=("churned", "sum"), margin=("margin", "sum")
    )
    counts = active.groupby(active[by] if by else pd.Series("all", index=active.index), observed=True)[
        "customer_id"
    ].nunique()
    table = pd.DataFrame(
        {
            "customers": counts.reindex(sums.index, fill_value=0).astype(int),
            "monthly_churn": sums["churns"] / sums["exposure"],
            "margin_per_month": sums["margin"] / sums["exposure"],
        }
    )
    table.index.name = by
    return table


def programme_return_table(
    baseline: pd.DataFrame, packages: pd.DataFrame, *, horizon_months: float = 36
) -> pd.DataFrame:
    """:func:`programme_return` for every group of ``baseline`` and every programme of ``packages``.

    Parameters
    ----------
    baseline : pandas.DataFrame
        One row per group with ``monthly_churn`` and ``margin_per_month`` (e.g. from
        :func:`enrolment_baseline`).
    packages : pandas.DataFrame
        One row per programme with ``cost_per_month`` and ``churn_multiplier`` (e.g. from
        :func:`cumulative_packages`).
    horizon_months : float
        Horizon in months.

    Returns
    -------
    pandas.DataFrame
        One row per (group, programme): the two index names as columns, then
        ``cost_per_month``, ``churn_multiplier``, ``break_even_multiplier`` (over the same
        horizon, :func:`break_even_multiplier`) and the columns of :func:`programme_return`.

    Examples
    --------
    >>> baseline = pd.DataFrame({"monthly_churn": [0.5], "margin_per_month": [100.0]},
    ...                         index=pd.Index(["B2C"], name="segment"))
    >>> packages = pd.DataFrame({"cost_per_month": [10.0], "churn_multiplier": [0.5]},
    ...                         index=pd.Index(["financial"], name="level"))
    >>> programme_return_table(baseline, packages, horizon_months=2)[["segment", "level", "net_return"]]
      segment      level  net_return
    0     B2C  financial         7.5
    """
    require_columns("baseline", baseline, ("monthly_churn", "margin_per_month"))
    require_columns("packages", packages, ("cost_per_month", "churn_multiplier"))
    group_name, level_name = baseline.index.name or "group", packages.index.name or "programme"
    grid = pd.MultiIndex.from_product([baseline.index, packages.index], names=[group_name, level_name])
    groups, levels = grid.get_level_values(0), grid.get_level_values(1)
    h = baseline["monthly_churn"].reindex(groups).to_numpy()
    m = baseline["margin_per_month"].reindex(groups).to_numpy()
    c = packages["cost_per_month"].reindex(levels).to_numpy()
    f = packages["churn_multiplier"].reindex(levels).to_numpy()
    result = programme_return(h, m, c, f, horizon_months=horizon_months)
    front = pd.DataFrame(
        {
            group_name: groups,
            level_name: levels,
            "cost_per_month": c,
            "churn_multiplier": f,
            "break_even_multiplier": break_even_multiplier(c, m, monthly_churn=h, horizon_months=horizon_months),
        }
    )
    return pd.concat([front, result], axis=1)


class BudgetProjection(NamedTuple):
    """Result of :func:`project_budget`."""

    monthly: pd.DataFrame
    """Index month 0…H: ``with_programmes`` and ``without_programmes`` (customers at the
    start of the month), ``programme_cost`` and ``cumulative_profit_gain``."""
    by_level: pd.DataFrame
    """One row per programme: ``share_of_budget``, ``enrolled``, ``cost_per_month``,
    ``churn_multiplier``, ``extra_customers_at_end``, ``extra_customer_months``,
    ``extra_margin``, ``programme_cost``, ``net_profit``."""
    totals: pd.Series
    """The sums of ``by_level`` plus ``customers``, ``budget_spent_first_month`` and
    ``customers_at_end_without``."""


def project_budget(
    budget_per_month: float,
    shares,
    packages: pd.DataFrame,
    *,
    customers: float,
    monthly_churn: float,
    margin_per_month: float,
    months: int = 36,
) -> BudgetProjection:
    """Split a monthly retention budget across programmes and project customers and profit.

    A base of ``customers`` current customers churns at ``monthly_churn`` a month. The
    budget is split by ``shares``; programme ``k`` enrols ``budget · share_k / cost_k``
    customers (if that is more than the base, every programme is scaled down in
    proportion). A member's churn is multiplied by the programme's ``churn_multiplier``
    for as long as they stay, and the programme costs ``cost_per_month`` for every member
    still there at the start of a month, so the spending falls as members leave. With
    ``n_k`` members, the expected customers at the start of month ``t`` are::

        N_t = Σ_k n_k (1 − h·f_k)^t  +  (N − Σ_k n_k)(1 − h)^t

    and the profit gain over ``H`` months is the extra margin of the extra customer-months
    minus the programmes' cost (Gupta & Lehmann 2003), undiscounted, with no new
    customers (acquisition is lesson 03's leaky bucket).

    Parameters
    ----------
    budget_per_month : float
        Money available for the programmes in the first month (≥ 0).
    shares : mapping or sequence of float
        Share of the budget per programme (≥ 0), in the order of ``packages`` (or a
        mapping by programme). Shares are weights: when they add up to more than 1 they
        are divided by their sum; when less, the remainder is not spent.
    packages : pandas.DataFrame
        One row per programme with ``cost_per_month`` (> 0) and ``churn_multiplier``
        (≥ 0), e.g. :func:`cumulative_packages`.
    customers : float
        Customers in the base (≥ 0).
    monthly_churn : float
        Their monthly churn without programmes, in [0, 1].
    margin_per_month : float
        Margin per customer-month.
    months : int
        Horizon in months (default 36).

    Returns
    -------
    BudgetProjection
        ``(monthly, by_level, totals)``.

    Examples
    --------
    >>> packages = pd.DataFrame({"cost_per_month": [5.0], "churn_multiplier": [0.5]},
    ...                         index=pd.Index(["financial"], name="level"))
    >>> p = project_budget(500, [1.0], packages, customers=1000, monthly_churn=0.1,
    ...                    margin_per_month=20, months=1)
    >>> p.by_level.loc["financial", ["enrolled", "programme_cost", "net_profit"]].tolist()
    [100.0, 500.0, -500.0]
    >>> p.monthly["with_programmes"].tolist()  # 100·(1 − 0.05) + 900·(1 − 0.1) = 95 + 810
    [1000.0, 905.0]
    """
    require_columns("packages", packages, ("cost_per_month", "churn_multiplier"))
    budget = float(_array("budget_per_month", budget_per_month, low=0))
    base = float(_array("customers", customers, low=0))
    h = float(_array("monthly_churn", monthly_churn, low=0, high=1))
    margin = float(_array("margin_per_month", margin_per_month))
    horizon = int(_array("months", months, low=1, high=1200))
    if isinstance(shares, Mapping):
        unknown = [k for k in shares if k not in packages.index]
        if unknown:
            raise ValueError(f"shares name programmes not in packages: {unknown}; packages are {list(packages.index)}")
        weights = np.array([float(shares.get(k, 0.0)) for k in packages.index])
    else:
        weights = np.asarray(shares, dtype=float)
        if weights.shape != (len(packages),):
            raise ValueError(
                f"shares must have one value per programme ({len(packages)}); got {weights.shape[0] if weights.ndim else 'a scalar'}"
            )
    weights = _array("shares", weights, low=0)
    if weights.sum() > 1:
        weights = weights / weights.sum()
    cost = _array("packages.cost_per_month", packages["cost_per_month"].to_numpy(), low=0, low_open=True)
    factor = _array("packages.churn_multiplier", packages["churn_multiplier"].to_numpy(), low=0)

    enrolled = budget * weights / cost
    if enrolled.sum() > base:
        enrolled = enrolled * base / enrolled.sum()
    t = np.arange(horizon + 1)
    member_hazard = np.minimum(h * factor, 1.0)
    members = enrolled[:, None] * (1.0 - member_hazard[:, None]) ** t[None, :]  # programme × month
    others = (base - enrolled.sum()) * (1.0 - h) ** t
    without = base * (1.0 - h) ** t
    baseline_members = enrolled[:, None] * (1.0 - h) ** t[None, :]
    months_counted = slice(0, horizon)  # months 0 … H−1 earn margin and cost
    extra_months = (members - baseline_members)[:, months_counted].sum(axis=1)
    spent = cost * members[:, months_counted].sum(axis=1)
    with_programmes = members.sum(axis=0) + others
    monthly_cost = (cost[:, None] * members).sum(axis=0)
    gain_per_month = margin * (with_programmes - without) - monthly_cost
    gain_per_month[horizon] = 0.0  # month H is the end point, not a month of business
    monthly = pd.DataFrame(
        {
            "with_programmes": with_programmes,
            "without_programmes": without,
            "programme_cost": np.where(t < horizon, monthly_cost, 0.0),
            "cumulative_profit_gain": np.concatenate([[0.0], np.cumsum(gain_per_month)[:-1]]),
        },
        index=pd.Index(t, name="month"),
    )
    by_level = pd.DataFrame(
        {
            "share_of_budget": weights,
            "enrolled": enrolled,
            "cost_per_month": cost,
            "churn_multiplier": factor,
            "extra_customers_at_end": members[:, horizon] - baseline_members[:, horizon],
            "extra_customer_months": extra_months,
            "extra_margin": margin * extra_months,
            "programme_cost": spent,
            "net_profit": margin * extra_months - spent,
        },
        index=packages.index,
    )
    totals = by_level[
        ["enrolled", "extra_customers_at_end", "extra_customer_months", "extra_margin", "programme_cost", "net_profit"]
    ].sum()
    totals["customers"] = base
    totals["budget_spent_first_month"] = float((enrolled * cost).sum())
    totals["customers_at_end_without"] = float(without[horizon])
    return BudgetProjection(monthly=monthly, by_level=by_level, totals=totals)
