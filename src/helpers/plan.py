"""A measurable loyalty plan: objectives, actions per segment, and three years against doing nothing (lesson 08).

The capstone puts the earlier lessons to work on one plan. The planning phases of the
class notes (commercial analysis, loyalty objectives, customer-oriented strategy,
organization-oriented strategy, scope) become tables and numbers:

* **The plan's frame** — :func:`planning_phases`, :func:`customer_benefits`,
  :func:`loyalty_steps` and :func:`loyalty_objectives` describe what the plan decides,
  what a loyal customer gains, the five steps of loyalty and how each objective is
  measured.
* **The base** — :func:`portfolio` crosses the loyalty matrix (lesson 05) with the
  customer pyramid (lesson 06); :func:`segment_churn` measures how fast each segment
  leaked over a past year; :func:`plan_base` gathers, per current customer, the segment,
  tier, loyalty components, monthly churn and profit the plan works on.
* **The assumptions** — :class:`PlanAssumptions` holds the effects of the actions, every
  one of them a number the student can change: the churn multiplier of each bond package
  as lesson 02 measured it (:func:`measured_assumptions`, from
  :func:`helpers.bonds.bond_effects`), churn by satisfaction level as lesson 05 measured
  it (:func:`helpers.loyalty.satisfaction_loyalty_curve`), and the NPS of the answers at
  each satisfaction level (lesson 07's :func:`helpers.satisfaction.level_outcomes`);
  :func:`true_assumptions` swaps in the
  simulation's true effects. :func:`action_catalogue` lists the actions.
* **The plan** — :func:`reach` spends each segment's monthly budget on its most profitable
  eligible customers; :func:`action_returns` and :func:`best_actions` compare every action
  in every (segment, tier) cell with lesson 02's :func:`helpers.bonds.programme_return`.
* **The projection** — :func:`plan_kpis` computes the loyalty objectives as measurable
  KPIs (retention, NPS, share of apostles, customer equity with
  :func:`helpers.value.clv`); :func:`bucket_outlook` runs lesson 03's leaky bucket
  (:func:`helpers.bucket.simulate`) and :func:`stage_outlook` lesson 01's stage migration
  (:func:`helpers.relationships.project_stages`) with and without the plan;
  :func:`project_plan` does all of it and :func:`check_targets` sets the result against
  the targets.

Every function is pure (pandas/numpy in, pandas/numpy out): no plotting, no files.

References
----------
* Jones, T. O. & Sasser, W. E. (1995). Why satisfied customers defect. *Harvard Business
  Review* 73(6), 88–99 (the loyalty matrix).
* Zeithaml, V. A., Rust, R. T. & Lemon, K. N. (2001). The customer pyramid: creating and
  serving profitable customers. *California Management Review* 43(4), 118–142.
* Berry, L. L. & Parasuraman, A. (1991). *Marketing Services: Competing Through Quality*.
  Free Press (levels of retention bonds).
* Blattberg, R. C. & Deighton, J. (1996). Manage marketing by the customer equity test.
  *Harvard Business Review* 74(4), 136–144.
* Rust, R. T., Lemon, K. N. & Zeithaml, V. A. (2004). Return on marketing: using customer
  equity to focus marketing strategy. *Journal of Marketing* 68(1), 109–127.
* Gupta, S. & Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive
  Marketing* 17(1), 9–24.
* Reichheld, F. F. & Sasser, W. E. (1990). Zero defections: quality comes to services.
  *Harvard Business Review* 68(5), 105–111 (five points of retention).
* Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*
  81(12), 46–54 (NPS).
* Pfeifer, P. E. & Carraway, R. L. (2000). Modeling customer relationships as Markov
  chains. *Journal of Interactive Marketing* 14(2), 43–55.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers import schema
from helpers.bonds import LEVELS, cumulative_packages, expected_customer_months, programme_return
from helpers.bucket import BucketCalibration, simulate
from helpers.glossary import spanish
from helpers.i18n import N_, language
from helpers.loyalty import LOYALTY_TYPES, loyalty_segment
from helpers.profitability import TIERS
from helpers.relationships import adjust_migration, project_stages
from helpers.retention import DAYS_PER_MONTH
from helpers.validation import refuse_rows, require, require_columns
from helpers.value import clv

__all__ = [
    "DO_NOTHING",
    "NOT_SURVEYED",
    "PLAN_SEGMENTS",
    "TIERS",
    "PlanAssumptions",
    "PlanContext",
    "PlanProjection",
    "action_catalogue",
    "action_returns",
    "assumed_effects",
    "best_actions",
    "bucket_outlook",
    "check_targets",
    "churn_reduction",
    "cohort_outlook",
    "customer_benefits",
    "loyalty_objectives",
    "loyalty_steps",
    "measured_assumptions",
    "plan_base",
    "plan_kpis",
    "planning_phases",
    "portfolio",
    "project_plan",
    "reach",
    "segment_churn",
    "set_targets",
    "stage_outlook",
    "true_assumptions",
    "with_loyalty_type",
]

#: The label of active customers who never answered a survey (they cannot be placed in the matrix).
NOT_SURVEYED = "not surveyed"
#: The segments of the plan: the five types of the loyalty matrix, then the customers not surveyed.
PLAN_SEGMENTS: tuple[str, ...] = (*LOYALTY_TYPES, NOT_SURVEYED)
#: The action that changes nothing and costs nothing: the baseline every plan is compared with.
DO_NOTHING = "do nothing"
_LEVERS = ("none", "bond", "satisfaction")
_SATISFACTION_LEVELS = pd.Index(range(1, 6), name="satisfaction")
_MONTHS_PER_YEAR = 12


# ---------------------------------------------------------------------------------------
# The frame of the plan: phases, benefits, steps, objectives (from the class notes)
# ---------------------------------------------------------------------------------------


def _with_spanish(table: pd.DataFrame, english: str) -> pd.DataFrame:
    """The table with a ``Spanish`` column after ``english``, from the glossary (one home for the terms).

    In Spanish (:func:`helpers.i18n.use`) the table as it is: a table shown in Spanish already
    reads ``english`` as its Spanish terms (:func:`helpers.i18n.table_in_language`).
    """
    if language() == "es":
        return table
    table.insert(table.columns.get_loc(english) + 1, "Spanish", [spanish(name) for name in table[english]])
    return table


def planning_phases() -> pd.DataFrame:
    """The five phases of planning a loyalty strategy, and what each decides in this lesson.

    Returns
    -------
    pandas.DataFrame
        DataFrame with columns ``phase``, ``Spanish``, ``question`` (what the phase
        answers) and ``in the plan`` (where the lesson answers it), in planning order.

    Examples
    --------
    >>> planning_phases()["phase"].tolist()[:2]
    ['commercial analysis', 'loyalty objectives']
    """
    rows = [
        (
            "commercial analysis",
            "What does a loyal customer gain, and which customers do we have?",
            "the benefits of loyalty; the portfolio by loyalty type and pyramid tier",
        ),
        (
            "loyalty objectives",
            "What do we want to achieve, in numbers we can check?",
            "retention, NPS, share of apostles, customer equity, with targets",
        ),
        (
            "customer-oriented strategy",
            "Which bond or action for which customer, and what will it do?",
            "actions with measured effects; the best action per type and tier",
        ),
        (
            "organization-oriented strategy",
            "Are our people, at every level, prepared and motivated to deliver it?",
            "the five steps of loyalty; who owns each action",
        ),
        (
            "scope",
            "Whom exactly does the plan reach, at what cost, and what does it return?",
            "budget per customer type; three-year projection against doing nothing",
        ),
    ]
    return _with_spanish(pd.DataFrame(rows, columns=["phase", "question", "in the plan"]), "phase")


def customer_benefits() -> pd.DataFrame:
    """What a customer gains by staying loyal (the commercial analysis), and how the company can offer it.

    The class notes list six benefits a loyal customer receives; each one is a promise the
    plan's bonds must keep (Berry & Parasuraman 1991 for the bonds).

    Returns
    -------
    pandas.DataFrame
        DataFrame with columns ``benefit``, ``Spanish``, ``for the customer`` and
        ``how the company can offer it``.

    Examples
    --------
    >>> len(customer_benefits())
    6
    """
    rows = [
        (
            "easy buying",
            N_("knows how to order, whom to call, what to expect; no search each time"),
            N_("customization and structural bonds: saved preferences, shared ordering systems"),
        ),
        (
            "control of spending",
            N_("one supplier, one invoice, predictable prices"),
            N_("financial bonds: price guarantees, volume agreements, consolidated billing"),
        ),
        (
            "guaranteed satisfaction",
            N_("the result has been good before and will be again"),
            N_("consistent service and quick recovery when something fails"),
        ),
        (
            "personal service",
            N_("an employee who knows the customer and their history"),
            N_(
                "social bonds: a named contact (85 % of Nova Supply's contacts are handled by the customer's own employee)"
            ),
        ),
        ("no risk", N_("no bad surprise from an unknown supplier"), N_("keep promises (trust, lesson 01); guarantees")),
        (
            "switching costs",
            N_("leaving would cost money, time and learning"),
            N_("structural bonds; but a customer held only by switching costs is a hostage (lesson 05)"),
        ),
    ]
    return _with_spanish(
        pd.DataFrame(rows, columns=["benefit", N_("for the customer"), N_("how the company can offer it")]), "benefit"
    )


def loyalty_steps() -> pd.DataFrame:
    """The five steps of customer loyalty (los cinco peldaños de la fidelización).

    A staircase the organization climbs from the bottom: loyal customers rest on
    satisfied employees (the service-profit chain, Heskett et al. 1994), who rest on
    people with personal quality and emotional intelligence; relationship marketing is
    the top step, not the first.

    Returns
    -------
    pandas.DataFrame
        DataFrame with columns ``step`` (1–5), ``English``, ``Spanish``, ``meaning`` and
        ``in the plan``.

    Examples
    --------
    >>> loyalty_steps().loc[4, "English"]
    'relationship marketing strategies'
    """
    rows = [
        (
            1,
            "personal quality and emotional intelligence",
            N_("people who read and manage emotions, their own and the customer's"),
            N_("hire and train for it: every moment of truth depends on one person"),
        ),
        (
            2,
            "employee satisfaction",
            N_("satisfied employees stay, learn the customers and serve them better"),
            N_("measure job satisfaction; the weakest teams get help first (lesson 07)"),
        ),
        (
            3,
            "excellence in the commercial process",
            N_("loyalty starts in the sale: every step of buying works"),
            N_("fix the holes of the leaky bucket that are in the company's hands (lesson 03)"),
        ),
        (
            4,
            "value for the effort",
            N_("what the customer gets is worth what they give: money, time, attention"),
            N_("bonds that give value, not only switching costs (lesson 02)"),
        ),
        (
            5,
            "relationship marketing strategies",
            N_("bonds and actions chosen per customer type and value"),
            N_("the customer-oriented strategy of this lesson"),
        ),
    ]
    return _with_spanish(pd.DataFrame(rows, columns=["step", "English", "meaning", N_("in the plan")]), "English")


def loyalty_objectives() -> pd.DataFrame:
    """The loyalty objectives of the class notes, each turned into a KPI this lesson measures.

    Returns
    -------
    pandas.DataFrame
        DataFrame with columns ``objective``, ``Spanish`` and ``kpi`` (a row name of
        :func:`plan_kpis`, or a description when the KPI is measured but not projected).

    Examples
    --------
    >>> loyalty_objectives().set_index("kpi").loc["nps", "objective"]
    'raise customer satisfaction'
    """
    rows = [
        ("retain the most valuable customers", "retention_12m_top_tiers"),
        ("create, strengthen and keep relationships", "retention_12m"),
        ("raise customer satisfaction", "nps"),
        ("build the loyalty of the most valuable", "apostle_share"),
        ("increase the value delivered and received", "customer_equity"),
        ("increase sales", "profit_3_years"),
        (
            "know customers' behaviour and attitudes better",
            N_("share of active customers surveyed (measured, not projected)"),
        ),
    ]
    return _with_spanish(pd.DataFrame(rows, columns=["objective", "kpi"]), "objective")


# ---------------------------------------------------------------------------------------
# The base the plan works on
# ---------------------------------------------------------------------------------------


def with_loyalty_type(components: pd.DataFrame, **thresholds) -> pd.Series:
    """Each active customer's plan segment: the loyalty type, or "not surveyed".

    :func:`helpers.loyalty.loyalty_segment` leaves customers without a survey answer
    unplaced (NaN); a plan must still decide what to do with them, so they form a segment
    of their own.

    Parameters
    ----------
    components : pandas.DataFrame
        the table of :func:`helpers.loyalty.loyalty_components`.
    **thresholds
        passed to :func:`helpers.loyalty.loyalty_segment`.

    Returns
    -------
    pandas.Series
        Categorical Series ``segment`` (categories :data:`PLAN_SEGMENTS`) on the table's index.

    Examples
    --------
    >>> table = pd.DataFrame({"satisfaction": [5.0, np.nan], "repurchase": [1.0, 1.0],
    ...     "tenure": [1.0, 1.0], "bonds": [1.0, 1.0], "intention": [1.0, 1.0]})
    >>> with_loyalty_type(table).tolist()
    ['apostle', 'not surveyed']
    """
    types = loyalty_segment(components, **thresholds).astype(object)
    labels = types.where(types.notna(), NOT_SURVEYED)
    return pd.Series(pd.Categorical(labels, categories=PLAN_SEGMENTS), index=components.index, name="segment")


def portfolio(segments: pd.Series, tiers: pd.Series, value: pd.Series) -> pd.DataFrame:
    """The customer portfolio: customers and value in every (segment, tier) cell.

    Crossing the loyalty matrix (who is satisfied and tied) with the customer pyramid (who
    is profitable) shows where the value sits and where it is at risk (Jones & Sasser 1995;
    Zeithaml, Rust & Lemon 2001).

    Parameters
    ----------
    segments : pandas.Series
        plan segment per customer (e.g. :func:`with_loyalty_type`).
    tiers : pandas.Series
        pyramid tier per customer (:data:`TIERS`), same index.
    value : pandas.Series
        money per customer (e.g. profit of the last 12 months), same index.

    Returns
    -------
    pandas.DataFrame
        Long DataFrame with one row per (segment, tier) of the two category lists, in
        order: ``segment``, ``tier``, ``customers``, ``value``, ``customer_share`` and
        ``value_share`` (of all customers and of all value).

    Examples
    --------
    >>> p = portfolio(pd.Series(["apostle", "mercenary"]), pd.Series(["gold", "lead"]),
    ...               pd.Series([300.0, -20.0]))
    >>> p.set_index(["segment", "tier"]).loc[("apostle", "gold"), ["customers", "value"]].tolist()
    [1.0, 300.0]
    """
    if not (segments.index.equals(tiers.index) and segments.index.equals(value.index)):
        raise ValueError("segments, tiers and value must share one index (one row per customer)")
    frame = pd.DataFrame(
        {
            "segment": _labels("segments", segments, PLAN_SEGMENTS),
            "tier": _labels("tiers", tiers, TIERS),
            "value": pd.to_numeric(value, errors="coerce").astype(float),
        }
    )
    refuse_rows("value", "value", frame, frame["value"].isna(), "have no value")
    grouped = frame.groupby(["segment", "tier"], observed=False)["value"]
    table = pd.DataFrame({"customers": grouped.size(), "value": grouped.sum()}).reset_index()
    total_customers, total_value = table["customers"].sum(), table["value"].sum()
    table["customer_share"] = table["customers"] / total_customers if total_customers else np.nan
    table["value_share"] = table["value"] / total_value if total_value else np.nan
    return table


def _labels(name: str, series: pd.Series, categories) -> pd.Categorical:
    """The series as a categorical of ``categories``, refusing any other (or missing) label."""
    text = series.astype(object)
    bad = ~text.isin(categories).to_numpy()
    column = str(series.name) if series.name is not None else "label"
    refuse_rows(name, column, series.to_frame(column), bad, f"are not one of {list(categories)}")
    return pd.Categorical(text, categories=categories)


def segment_churn(
    segments: pd.Series, churn: pd.DataFrame, start, end, *, prior_customers: float = 0.0
) -> pd.DataFrame:
    """How fast each segment leaked over a past window: the churn the plan assumes for it.

    The customers are those active on ``start``, placed in their segment *on that day*
    (so the segment does not depend on what happened later). Over the window
    ``(start, end]`` a share of each segment was lost; with a constant monthly hazard the
    retention over ``T`` months is ``(1 − h)^T``, so::

        h = 1 − retention^(1 / T)       T = days in the window / 30.4375

    A small segment measures its retention badly (three customers who all stayed are
    not immortal). With ``prior_customers = k > 0`` each segment's retention is pulled
    towards the overall one, ``R̄ = Σ kept / Σ customers``, as if it had ``k`` more
    customers retained at that rate::

        retention = (kept + k · R̄) / (customers + k)

    the posterior mean of a beta-binomial model whose prior is worth ``k`` customers, an
    empirical-Bayes shrinkage (Casella 1985); a segment without customers gets ``R̄``.

    Parameters
    ----------
    segments : pandas.Series
        segment per customer active on ``start`` (index ``customer_id``).
    churn : pandas.DataFrame
        columns ``customer_id`` and ``date`` (the day a customer was lost).
    start, end : date
        the window; ``end`` after ``start``.
    prior_customers : float, optional
        the weight ``k`` of the overall retention, in customers (≥ 0;
        default 0: each segment's own rate, NaN for a segment without customers).

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by segment (categories kept, in order, when ``segments`` is
        categorical) with ``customers``, ``lost`` (within the window), ``retention``
        (share still a customer on ``end``, shrunk when ``prior_customers`` > 0),
        ``months`` (window length) and ``monthly_churn``.

    References
    ----------
    Casella, G. (1985). An introduction to empirical Bayes data analysis. *The
    American Statistician* 39(2), 83–87.

    Examples
    --------
    >>> segments = pd.Series(["a", "a", "a", "b"], index=[1, 2, 3, 4])
    >>> lost = pd.DataFrame({"customer_id": [1, 4], "date": pd.to_datetime(["2024-03-01", "2025-06-01"])})
    >>> segment_churn(segments, lost, "2024-01-01", "2024-12-31").round(4)[["lost", "retention", "monthly_churn"]]
       lost  retention  monthly_churn
    a     1     0.6667         0.0332
    b     0     1.0000         0.0000
    >>> segment_churn(segments, lost, "2024-01-01", "2024-12-31", prior_customers=4)["retention"].round(4).tolist()
    [0.7143, 0.8]

    With ``k = 4`` and ``R̄ = 3/4``: a = (2 + 3) / 7 = 0.7143, b = (1 + 3) / 5 = 0.8.
    """
    require_columns("churn", churn, ("customer_id", "date"))
    require(
        np.asarray(prior_customers, dtype=float) >= 0, "prior_customers must be ≥ 0", prior_customers=prior_customers
    )
    begin, finish = pd.Timestamp(start), pd.Timestamp(end)
    if finish <= begin:
        raise ValueError(f"end ({finish.date()}) must come after start ({begin.date()})")
    refuse_rows("churn", "customer_id", churn, churn["customer_id"].duplicated(keep=False), "repeat a customer")
    lost_on = pd.Series(pd.to_datetime(churn["date"]).to_numpy(), index=churn["customer_id"].to_numpy())
    when = lost_on.reindex(segments.index.to_numpy()).to_numpy()
    refuse_rows(
        "segments",
        "customer_id",
        segments.to_frame("segment"),
        when <= begin.to_datetime64(),
        f"were already lost on start ({begin.date()})",
    )
    lost = pd.Series(when <= finish.to_datetime64(), index=segments.index)
    grouped = lost.groupby(segments, observed=False)
    table = pd.DataFrame({"customers": grouped.size(), "lost": grouped.sum().astype(np.int64)})
    table.index.name = segments.name
    months = (finish - begin).days / DAYS_PER_MONTH
    kept = table["customers"] - table["lost"]
    overall = kept.sum() / table["customers"].sum() if table["customers"].sum() else np.nan
    k = float(prior_customers)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["retention"] = (kept + k * overall) / (table["customers"] + k).replace(0, np.nan)
    table["months"] = months
    table["monthly_churn"] = 1.0 - table["retention"] ** (1.0 / months)
    return table


def plan_base(
    components: pd.DataFrame,
    segments: pd.Series,
    tiers: pd.Series,
    profit: pd.Series,
    churn_by_segment: pd.Series,
    *,
    stages: pd.Series | None = None,
    months: int = 12,
) -> pd.DataFrame:
    """One row per current customer with everything the plan works on.

    Parameters
    ----------
    components : pandas.DataFrame
        :func:`helpers.loyalty.loyalty_components` on the plan's start date
        (``satisfaction``, ``recommend``, ``bonds_held``, ``tenure_months`` and the
        four loyalty components).
    segments : pandas.Series
        plan segment per customer (e.g. :func:`with_loyalty_type`).
    tiers : pandas.Series
        pyramid tier per customer (:data:`TIERS`).
    profit : pandas.Series
        profit per customer over the last ``months`` months (currency; e.g.
        lesson 06's ``customer_profitability(...)["profit"]``).
    churn_by_segment : pandas.Series
        monthly churn per segment (e.g. :func:`segment_churn`'s
        ``monthly_churn``); every segment present needs a number in [0, 1].
    stages : pandas.Series, optional
        relationship stage per customer (optional; e.g. lesson 01's
        :func:`helpers.relationships.stages_at`), so the projection can cut each
        stage's losses by what the plan does to the customers on it.
    months : int, optional
        the window of ``profit`` in months. A customer who joined later earned it
        over fewer months, so ``profit_per_month`` divides by their tenure when shorter.

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by ``customer_id``: ``segment``, ``tier``, ``satisfaction``,
        ``recommend``, ``bond_level`` (0 = none … 4 = structural, levels are cumulative),
        ``repurchase``, ``tenure``, ``bonds``, ``intention``, ``profit_per_month``,
        ``monthly_churn`` and, when ``stages`` is given, ``stage``.

    Examples
    --------
    >>> components = pd.DataFrame({"satisfaction": [5.0], "recommend": [9.0], "bonds_held": [1],
    ...     "tenure_months": [6.0], "repurchase": [1.0], "tenure": [0.25], "bonds": [0.25],
    ...     "intention": [1.0]}, index=pd.Index([7], name="customer_id"))
    >>> base = plan_base(components, pd.Series(["apostle"], index=[7]), pd.Series(["gold"], index=[7]),
    ...                  pd.Series([120.0], index=[7]), pd.Series({"apostle": 0.01}))
    >>> base.loc[7, ["bond_level", "profit_per_month", "monthly_churn"]].tolist()
    [1.0, 20.0, 0.01]
    """
    needed = ("satisfaction", "recommend", "bonds_held", "tenure_months", "repurchase", "tenure", "bonds", "intention")
    require_columns("components", components, needed)
    index = components.index
    missing = {
        name: index.difference(series.index)
        for name, series in (("segments", segments), ("tiers", tiers), ("profit", profit))
    }
    for name, absent in missing.items():
        if len(absent):
            raise ValueError(
                f"{name} has no value for {len(absent)} customer(s) of components; "
                f"first customer_id {absent[:5].tolist()}"
            )
    base = pd.DataFrame(index=index)
    base["segment"] = _labels("segments", segments.reindex(index), PLAN_SEGMENTS)
    base["tier"] = _labels("tiers", tiers.reindex(index), TIERS)
    for column in ("satisfaction", "recommend"):
        base[column] = components[column].astype(float)
    level = pd.to_numeric(components["bonds_held"], errors="coerce")
    refuse_rows(
        "components",
        "bonds_held",
        components,
        ~level.isin(range(len(LEVELS))).to_numpy(),
        f"are not whole numbers of bond levels from 0 to {len(LEVELS) - 1}",
    )
    base["bond_level"] = level.astype(np.int64)
    for column in ("repurchase", "tenure", "bonds", "intention"):
        base[column] = components[column].astype(float)
    money = pd.to_numeric(profit.reindex(index), errors="coerce").astype(float)
    refuse_rows("profit", "profit", money.to_frame("profit"), money.isna().to_numpy(), "have no profit")
    tenure = components["tenure_months"].astype(float).clip(lower=1.0, upper=float(months))
    base["profit_per_month"] = money / tenure
    rates = pd.Series(churn_by_segment, dtype=float)
    rates.index = rates.index.astype(str)
    present = [str(s) for s in base["segment"].unique()]
    unknown = [s for s in present if s not in rates.index or not 0 <= rates[s] <= 1]
    if unknown:
        raise ValueError(
            f"churn_by_segment needs a monthly churn in [0, 1] for segment(s) {unknown}; "
            f"it has {rates.round(4).to_dict()}"
        )
    base["monthly_churn"] = base["segment"].astype(str).map(rates).astype(float)
    if stages is not None:
        absent = index.difference(stages.index)
        if len(absent):
            raise ValueError(
                f"stages has no stage for {len(absent)} customer(s) of components; "
                f"first customer_id {absent[:5].tolist()}"
            )
        base["stage"] = _labels("stages", stages.reindex(index), schema.STAGES)
    return base


# ---------------------------------------------------------------------------------------
# Assumptions: the effects of the actions, measured or true
# ---------------------------------------------------------------------------------------


class PlanAssumptions(NamedTuple):
    """The numbers a projection rests on; each can be replaced by the student's own.

    ``bond_churn`` is the churn multiplier of each bond package against no bond (index
    :data:`helpers.bonds.LEVELS`, ``none`` = 1), ``bond_cost`` the package's cost per
    member per month (``none`` = 0; NaN for a package the company does not offer),
    ``satisfaction_churn`` the churn at each satisfaction level relative to level 4 (index
    1–5), ``nps_by_level`` the NPS (points, −100 to 100) of the answers at each
    satisfaction level (index 1–5), and ``actions`` the catalogue of :func:`action_catalogue`.
    """

    bond_churn: pd.Series
    bond_cost: pd.Series
    satisfaction_churn: pd.Series
    nps_by_level: pd.Series
    actions: pd.DataFrame


def action_catalogue(
    *,
    recovery_cost: float = 5.0,
    recovery_success: float = 0.5,
    delight_cost: float = 8.0,
    delight_success: float = 0.3,
) -> pd.DataFrame:
    """The actions a plan can choose per segment, with the assumptions that are not measured.

    Three kinds (``lever``):

    * ``bond`` — enrol the customer in a bond package up to ``target`` (financial,
      social, customization, structural; Berry & Parasuraman 1991). Only customers below
      that level are eligible; the cost is the package's cost minus what the customer's
      current bonds already cost, and the churn multiplier the package's against the
      customer's current level (both from :class:`PlanAssumptions`). It always "works".
    * ``satisfaction`` — raise satisfaction to ``target`` for customers answering from
      ``eligible_from`` to ``eligible_to``: *service recovery* (a call from the customer's
      own employee and a fix for what went wrong) takes the dissatisfied and neutral (1–3)
      to 4; *delight* (personal attention to satisfied customers: a visit, priority
      service) takes the 4s to 5. They work on a share ``success`` of the customers
      reached and cost ``cost_per_month`` per customer reached, worked or not. Customers
      who never answered a survey are not eligible: nobody knows how satisfied they are.
    * ``none`` — do nothing.

    The default costs and success rates are guesses, not measurements (a phone contact
    costs about 8 in the simulation, a face-to-face visit 25): change them, and test the
    action on a random half of the customers before believing them (lesson 02).

    Parameters
    ----------
    recovery_cost, delight_cost : float, optional
        money per reached customer per month.
    recovery_success, delight_success : float, optional
        share of reached customers the action works on, in [0, 1].

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by ``action`` with ``lever``, ``target`` (bond level name or
        satisfaction level), ``eligible_from``, ``eligible_to`` (satisfaction levels;
        NaN for bonds), ``cost_per_month`` (NaN for bonds: from the package costs) and
        ``success``.

    Examples
    --------
    >>> action_catalogue().loc["service recovery", ["target", "eligible_to", "success"]].astype(float).tolist()
    [4.0, 3.0, 0.5]
    """
    require(
        np.array([recovery_cost, delight_cost]) >= 0,
        "action costs must be ≥ 0",
        recovery_cost=recovery_cost,
        delight_cost=delight_cost,
    )
    successes = np.array([recovery_success, delight_success], dtype=float)
    require(
        (successes >= 0) & (successes <= 1),
        "success rates must be fractions in [0, 1]",
        recovery_success=recovery_success,
        delight_success=delight_success,
    )
    rows = [(DO_NOTHING, "none", None, np.nan, np.nan, 0.0, 0.0)]
    rows += [(f"{level} bond", "bond", level, np.nan, np.nan, np.nan, 1.0) for level in schema.BOND_LEVELS]
    rows += [
        ("service recovery", "satisfaction", 4, 1.0, 3.0, float(recovery_cost), float(recovery_success)),
        ("delight", "satisfaction", 5, 4.0, 4.0, float(delight_cost), float(delight_success)),
    ]
    table = pd.DataFrame(
        rows, columns=["action", "lever", "target", "eligible_from", "eligible_to", "cost_per_month", "success"]
    ).set_index("action")
    return table


def measured_assumptions(
    effects: pd.DataFrame,
    method: str,
    cost_per_level: Mapping[str, float],
    curve: pd.DataFrame,
    levels: pd.DataFrame,
    *,
    actions: pd.DataFrame | None = None,
) -> PlanAssumptions:
    """The plan's assumptions as lessons 02 and 05 measured them on the data.

    * Bond packages: the churn multiplier of each level's package against no bond, from
      :func:`helpers.bonds.bond_effects` with the chosen ``method`` (lesson 02 recommends
      its fairest comparison, "+ same recent purchases"), priced with the cumulative
      costs of :func:`helpers.bonds.estimated_packages`. A level the data cannot measure
      (no estimate, or no member ever left, so the estimate is 0 with no interval) takes
      the multiplier of the level below it (1 for the first): the plan assumes a deeper
      bond is at least as good as the one below, not that it ends all churn. A package
      costs the sum of its levels' costs; a level missing from ``cost_per_level`` (no
      customer ever held it) is not offered, and neither are the packages above it.
    * Satisfaction: churn at each level relative to level 4, the ``churn_vs_reference``
      column of :func:`helpers.loyalty.satisfaction_loyalty_curve` (a level without
      answers takes the value of the nearest level above it, or below for the top).
    * NPS: the ``nps`` of the answers at each level (:func:`helpers.satisfaction.level_outcomes`),
      with the same filling; it projects the NPS when an action moves a customer's satisfaction.

    Parameters
    ----------
    effects : pandas.DataFrame
        output of :func:`helpers.bonds.bond_effects` with ``reference="none"``.
    method : str
        the method of ``effects`` to use.
    cost_per_level : mapping of str to float
        cost per member per month of each level alone (e.g. the mean
        ``cost_per_month`` of the bonds table by level).
    curve : pandas.DataFrame
        output of :func:`helpers.loyalty.satisfaction_loyalty_curve` (reference level 4).
    levels : pandas.DataFrame
        output of :func:`helpers.satisfaction.level_outcomes` (column ``nps``).
    actions : pandas.DataFrame, optional
        the catalogue (default :func:`action_catalogue` with its defaults).

    Returns
    -------
    PlanAssumptions
        :class:`PlanAssumptions`.

    Examples
    --------
    >>> effects = pd.DataFrame({"level": ["financial", "social", "customization", "structural"],
    ...     "method": "best", "estimate": [0.6, 0.3, 0.2, 0.0], "lower": [0.5, 0.2, 0.1, np.nan]})
    >>> curve = pd.DataFrame({"churn_vs_reference": [3.0, 2.0, 1.5, 1.0, 0.3]}, index=range(1, 6))
    >>> levels = pd.DataFrame({"nps": [-100.0, -90, -80, -10, np.nan]}, index=range(1, 6))
    >>> a = measured_assumptions(effects, "best", {"financial": 2, "social": 6, "customization": 12,
    ...     "structural": 30}, curve, levels)
    >>> a.bond_churn.tolist(), a.bond_cost.tolist()
    ([1.0, 0.6, 0.3, 0.2, 0.2], [0.0, 2.0, 8.0, 20.0, 50.0])
    >>> a.nps_by_level.tolist()     # level 5 had no answers: it takes level 4's
    [-100.0, -90.0, -80.0, -10.0, -10.0]
    """
    require_columns("effects", effects, ("level", "method", "estimate"))
    require_columns("curve", curve, ("churn_vs_reference",))
    require_columns("levels", levels, ("nps",))
    methods = list(pd.unique(effects["method"].astype(str)))
    if method not in methods:
        raise ValueError(f"method {method!r} is not in the effects table; it has {methods}")
    unknown = [str(level) for level in cost_per_level if str(level) not in schema.BOND_LEVELS]
    if unknown:
        raise ValueError(f"cost_per_level has unknown level(s) {unknown}; the levels are {list(schema.BOND_LEVELS)}")
    chosen = effects[(effects["method"].astype(str) == method).to_numpy()]
    chosen = chosen.set_axis(chosen["level"].astype(str).to_numpy())
    estimate = chosen["estimate"].astype(float).reindex(list(schema.BOND_LEVELS))
    lower = chosen["lower"].astype(float).reindex(estimate.index) if "lower" in chosen else estimate
    unmeasurable = estimate.isna() | ((estimate == 0) & lower.isna())
    multiplier = pd.concat([pd.Series({"none": 1.0}), estimate.where(~unmeasurable)]).ffill()
    # A package holds every level up to its own: its cost is the running sum (unknown once a level is unknown).
    own = pd.Series({level: float(cost_per_level.get(level, np.nan)) for level in schema.BOND_LEVELS})
    cost = pd.concat([pd.Series({"none": 0.0}), own.cumsum(skipna=False)])
    return PlanAssumptions(
        bond_churn=_by_level(multiplier, "bond_churn"),
        bond_cost=_by_level(cost, "bond_cost", offered_only=True),
        satisfaction_churn=_by_satisfaction(curve["churn_vs_reference"], "satisfaction_churn"),
        nps_by_level=_nps_levels(levels["nps"]),
        actions=action_catalogue() if actions is None else actions,
    )


def true_assumptions(params: Mapping, measured: PlanAssumptions) -> PlanAssumptions:
    """The same assumptions with the simulation's true effects of bonds and satisfaction.

    In the simulation every bond level held multiplies the monthly churn by its factor
    (``bond_churn_factor``; packages multiply them, :func:`helpers.bonds.cumulative_packages`)
    and satisfaction multiplies it by ``satisfaction_churn_factor`` (relative to 4 here).
    Costs come from ``bond_cost_per_month``; the NPS by level and the actions are kept.

    Parameters
    ----------
    params : mapping
        ``company.truth.params``.
    measured : PlanAssumptions
        the assumptions to start from (e.g. :func:`measured_assumptions`).

    Returns
    -------
    PlanAssumptions
        :class:`PlanAssumptions`.

    Examples
    --------
    >>> from helpers.synthetic import default_params
    >>> m = PlanAssumptions(pd.Series(dtype=float), pd.Series(dtype=float), pd.Series(dtype=float),
    ...                     pd.Series(dtype=float), action_catalogue())
    >>> true_assumptions(default_params(), m).bond_churn.round(3).tolist()
    [1.0, 0.85, 0.595, 0.327, 0.131]
    """
    packages = cumulative_packages(params["bond_cost_per_month"], params["bond_churn_factor"])
    churn = pd.concat([pd.Series({"none": 1.0}), packages["churn_multiplier"]])
    cost = pd.concat([pd.Series({"none": 0.0}), packages["cost_per_month"]])
    factors = pd.Series({int(k): float(v) for k, v in params["satisfaction_churn_factor"].items()})
    return measured._replace(
        bond_churn=_by_level(churn, "bond_churn"),
        bond_cost=_by_level(cost, "bond_cost"),
        satisfaction_churn=_by_satisfaction(factors / factors[4], "satisfaction_churn"),
    )


def assumed_effects(assumptions: PlanAssumptions) -> pd.Series:
    """The churn multiplier each move of the catalogue assumes, for a customer who makes it.

    Four bond packages, each against no bond, and the two satisfaction moves of the
    catalogue (3 → 4, service recovery; 4 → 5, delight) when they work: the numbers to
    put beside another set of assumptions, or beside the truth.

    Parameters
    ----------
    assumptions : PlanAssumptions
        :class:`PlanAssumptions`.

    Returns
    -------
    pandas.Series
        Series ``churn_multiplier`` indexed by move ("financial bond" … "structural bond",
        "satisfaction 3 → 4", "satisfaction 4 → 5").

    Examples
    --------
    >>> a = PlanAssumptions(pd.Series([1, .8, .5, .4, .4], index=LEVELS),
    ...     pd.Series([0, 2, 8, 20, 50], index=LEVELS), pd.Series([3, 2, 1.5, 1, .3], index=range(1, 6)),
    ...     pd.Series(dtype=float), action_catalogue())
    >>> assumed_effects(a).round(3).tolist()
    [0.8, 0.5, 0.4, 0.4, 0.667, 0.3]
    """
    bond = _by_level(assumptions.bond_churn, "bond_churn")
    satisfaction = _by_satisfaction(assumptions.satisfaction_churn, "satisfaction_churn")
    moves = {f"{level} bond": bond[level] for level in LEVELS[1:]}
    moves[N_("satisfaction 3 → 4")] = satisfaction[4] / satisfaction[3]
    moves[N_("satisfaction 4 → 5")] = satisfaction[5] / satisfaction[4]
    return pd.Series(moves, name="churn_multiplier").rename_axis("move")


def _by_level(values: pd.Series, name: str, *, offered_only: bool = False) -> pd.Series:
    """One number ≥ 0 per level of :data:`LEVELS`; with ``offered_only``, NaN marks a level not offered."""
    out = pd.Series(values, dtype=float).reindex(list(LEVELS))
    ok = (out >= 0) | (out.isna() & offered_only & (out.index != "none"))
    require(
        ok,
        f"{name} needs a number ≥ 0 for every level {list(LEVELS)}"
        + (" (NaN for a level the company does not offer)" if offered_only else ""),
        **{name: out.to_numpy()},
    )
    out.index.name = "level"
    return out.rename(name)


def _by_satisfaction(values: pd.Series, name: str) -> pd.Series:
    out = pd.Series(values, dtype=float)
    out.index = out.index.astype(int)
    out = out.reindex(_SATISFACTION_LEVELS).bfill().ffill()
    require(
        out.notna() & (out > 0),
        f"{name} needs a positive number for every satisfaction level 1–5",
        **{name: out.to_numpy()},
    )
    return out.rename(name)


def _nps_levels(values: pd.Series) -> pd.Series:
    out = pd.Series(values, dtype=float)
    out.index = out.index.astype(int)
    out = out.reindex(_SATISFACTION_LEVELS).bfill().ffill()
    require(
        out.notna() & (out >= -100) & (out <= 100),
        "nps_by_level needs an NPS from −100 to 100 for every satisfaction level 1–5",
        nps_by_level=out.to_numpy(),
    )
    return out.rename("nps_by_level")


def _check_assumptions(assumptions: PlanAssumptions) -> None:
    if not isinstance(assumptions, PlanAssumptions):
        raise ValueError(f"assumptions must be a PlanAssumptions, not {type(assumptions).__name__}")
    _by_level(assumptions.bond_churn, "bond_churn")
    _by_level(assumptions.bond_cost, "bond_cost", offered_only=True)
    _by_satisfaction(assumptions.satisfaction_churn, "satisfaction_churn")
    require_columns(
        "actions", assumptions.actions, ("lever", "target", "eligible_from", "eligible_to", "cost_per_month", "success")
    )
    levers = assumptions.actions["lever"]
    refuse_rows(
        "actions", "lever", assumptions.actions, ~levers.isin(_LEVERS).to_numpy(), f"are not one of {list(_LEVERS)}"
    )


# ---------------------------------------------------------------------------------------
# The plan: whom each segment's budget reaches, and what each action returns
# ---------------------------------------------------------------------------------------


def _action_effects(base: pd.DataFrame, actions: pd.Series, assumptions: PlanAssumptions) -> pd.DataFrame:
    """Per customer, what the action chosen for them would do if they were reached (vectorised)."""
    catalogue = assumptions.actions
    unknown = sorted(set(actions.astype(str)) - set(catalogue.index))
    if unknown:
        raise ValueError(f"unknown action(s) {unknown}; the catalogue has {list(catalogue.index)}")
    # each distinct action is looked up once, then spread to its customers by position
    names = actions.astype(str).to_numpy()
    codes, distinct = pd.factorize(names)
    chosen = catalogue.reindex(distinct)
    spec = {column: chosen[column].to_numpy()[codes] for column in chosen.columns}
    lever = spec["lever"]
    is_bond, is_satisfaction = lever == "bond", lever == "satisfaction"

    level_now = base["bond_level"].to_numpy()
    bond_target = [LEVELS.index(str(t)) if lv == "bond" else 0 for lv, t in zip(chosen["lever"], chosen["target"])]
    target_level = np.asarray(bond_target, dtype=np.int64)[codes]
    churn_index = assumptions.bond_churn.to_numpy()
    cost_index = assumptions.bond_cost.to_numpy()
    bond_ok = is_bond & (level_now < target_level) & ~np.isnan(cost_index[target_level])
    with np.errstate(divide="ignore", invalid="ignore"):
        bond_ratio = np.where(churn_index[level_now] > 0, churn_index[target_level] / churn_index[level_now], 1.0)
    bond_cost = cost_index[target_level] - cost_index[level_now]

    satisfaction = base["satisfaction"].to_numpy(dtype=float)
    low = spec["eligible_from"].astype(float)
    high = spec["eligible_to"].astype(float)
    satisfaction_ok = is_satisfaction & ~np.isnan(satisfaction) & (satisfaction >= low) & (satisfaction <= high)
    target_satisfaction = np.where(satisfaction_ok, spec["target"].astype(object), np.nan).astype(float)
    by_level = assumptions.satisfaction_churn
    now = by_level.reindex(np.nan_to_num(satisfaction, nan=4).astype(int)).to_numpy()
    after = by_level.reindex(np.nan_to_num(target_satisfaction, nan=4).astype(int)).to_numpy()

    eligible = bond_ok | satisfaction_ok
    return pd.DataFrame(
        {
            "action": names,
            "eligible": eligible,
            "cost_per_month": np.where(bond_ok, bond_cost, np.where(satisfaction_ok, spec["cost_per_month"], 0.0)),
            "success": np.where(eligible, spec["success"].astype(float), 0.0),
            "churn_multiplier_if_works": np.where(bond_ok, bond_ratio, np.where(satisfaction_ok, after / now, 1.0)),
            "bond_level_after": np.where(bond_ok, target_level, level_now),
            "satisfaction_after": np.where(satisfaction_ok, target_satisfaction, satisfaction),
        },
        index=base.index,
    )


def _tier_rank(lowest_tier: str) -> int:
    if lowest_tier not in TIERS:
        raise ValueError(f"lowest_tier must be one of {list(TIERS)}, not {lowest_tier!r}")
    return TIERS.index(lowest_tier)


def _check_plan(plan: pd.DataFrame) -> pd.DataFrame:
    require_columns("plan", plan, ("action", "budget_per_month"))
    budget = pd.to_numeric(plan["budget_per_month"], errors="coerce")
    refuse_rows(
        "plan",
        "budget_per_month",
        plan,
        (budget.isna() | (budget < 0)).to_numpy(),
        "are not budgets ≥ 0 (use numpy.inf for no limit)",
    )
    return plan.assign(budget_per_month=budget.astype(float))


def reach(
    base: pd.DataFrame, plan: pd.DataFrame, assumptions: PlanAssumptions, *, lowest_tier: str = "lead"
) -> pd.DataFrame:
    """Whom the plan reaches: each segment's budget spent on its most profitable eligible customers.

    For each customer, the action planned for their segment (segments not in ``plan`` do
    nothing) decides whether they are *eligible* (below the bond level offered; or, for a
    satisfaction action, a surveyed customer in the eligible range) and what reaching them
    costs per month. Customers in tiers below ``lowest_tier`` are left out (Zeithaml, Rust
    & Lemon 2001: do not invest in the lead). Within each segment the eligible customers
    are taken from the highest monthly profit down, while the running cost stays within
    the segment's ``budget_per_month``.

    Parameters
    ----------
    base : pandas.DataFrame
        output of :func:`plan_base`.
    plan : pandas.DataFrame
        DataFrame indexed by segment with ``action`` (a row of ``assumptions.actions``)
        and ``budget_per_month`` (money, ≥ 0; ``numpy.inf`` reaches every eligible customer).
    assumptions : PlanAssumptions
        :class:`PlanAssumptions`.
    lowest_tier : str, optional
        the lowest tier the plan reaches (default ``"lead"``: every tier).

    Returns
    -------
    pandas.DataFrame
        DataFrame on ``base``'s index: ``action``, ``eligible`` and ``reached`` (bool),
        ``cost_per_month`` (what reaching the customer costs; 0 when not reached),
        ``works`` (probability the action works, 0 when not reached),
        ``churn_multiplier_if_works``, ``bond_level_after`` and ``satisfaction_after``
        (the customer's state if it works).

    Examples
    --------
    >>> base = pd.DataFrame({"segment": ["mercenary"] * 3, "tier": ["gold", "iron", "lead"],
    ...     "satisfaction": [4.0] * 3, "bond_level": [0, 0, 0], "profit_per_month": [30.0, 20.0, -5.0],
    ...     "monthly_churn": [0.05] * 3}, index=[1, 2, 3])
    >>> a = PlanAssumptions(pd.Series([1, .8, .5, .4, .4], index=LEVELS),
    ...     pd.Series([0, 2, 8, 20, 50], index=LEVELS), pd.Series([3, 2, 1.5, 1, .3], index=range(1, 6)),
    ...     pd.Series(dtype=float), action_catalogue())
    >>> plan = pd.DataFrame({"action": ["financial bond"], "budget_per_month": [5.0]}, index=["mercenary"])
    >>> reach(base, plan, a)[["reached", "cost_per_month", "churn_multiplier_if_works"]]
       reached  cost_per_month  churn_multiplier_if_works
    1     True             2.0                        0.8
    2     True             2.0                        0.8
    3    False             0.0                        0.8
    """
    require_columns("base", base, ("segment", "tier", "satisfaction", "bond_level", "profit_per_month"))
    _check_assumptions(assumptions)
    plan = _check_plan(plan)
    rank = _tier_rank(lowest_tier)
    # each distinct segment (and tier) is looked up once, then spread to its customers by position
    segment_code, segments = pd.factorize(base["segment"].astype(str), sort=True, use_na_sentinel=False)
    segments = pd.Series(segments, dtype=object)
    action_of = segments.map(plan["action"].astype(str)).fillna(DO_NOTHING).to_numpy(dtype=object)
    actions = pd.Series(action_of[segment_code], index=base.index)
    effects = _action_effects(base, actions, assumptions)
    tier_code, tiers = pd.factorize(base["tier"].astype(str), use_na_sentinel=False)
    tier_rank = pd.Series(tiers, dtype=object).map({tier: i for i, tier in enumerate(TIERS)}).to_numpy(dtype=float)
    in_scope = tier_rank[tier_code] <= rank
    eligible = effects["eligible"].to_numpy() & in_scope

    budget = segments.map(plan["budget_per_month"]).fillna(0.0).to_numpy(dtype=float)[segment_code]
    order = np.lexsort((-base["profit_per_month"].to_numpy(dtype=float), segment_code))
    cost_sorted = np.where(eligible, effects["cost_per_month"].to_numpy(), 0.0)[order]
    running = pd.Series(cost_sorted).groupby(segment_code[order]).cumsum().to_numpy()
    within = np.empty(len(base), dtype=bool)
    within[order] = running <= budget[order] + 1e-9
    reached = eligible & within

    effects["eligible"] = eligible
    effects.insert(2, "reached", reached)
    effects["cost_per_month"] = np.where(reached, effects["cost_per_month"], 0.0)
    effects["success"] = np.where(reached, effects["success"], 0.0)
    return effects.rename(columns={"success": "works"})


def action_returns(base: pd.DataFrame, assumptions: PlanAssumptions, *, horizon_months: float = 36) -> pd.DataFrame:
    """What every action would return, per customer reached, in every (segment, tier) cell.

    Each action is offered to every segment without a budget limit; for each eligible
    customer lesson 02's :func:`helpers.bonds.programme_return` values the extra
    customer-months at the customer's own monthly profit, minus what the action costs
    while they stay, over ``horizon_months`` (undiscounted). A satisfaction action enters
    with its expected multiplier ``1 − success × (1 − multiplier if it works)``.

    Parameters
    ----------
    base : pandas.DataFrame
        output of :func:`plan_base`.
    assumptions : PlanAssumptions
        :class:`PlanAssumptions`.
    horizon_months : float, optional
        horizon in months (default 36, the plan's three years).

    Returns
    -------
    pandas.DataFrame
        Long DataFrame: ``segment``, ``tier``, ``action``, ``eligible`` (customers),
        ``cost_per_month`` (mean, per eligible customer), ``churn_multiplier`` (mean
        expected multiplier), ``net_return`` (mean per eligible customer over the horizon)
        and ``total_return`` (sum over the eligible customers). Cells where nobody is
        eligible are left out; "do nothing" is not listed (it returns 0).

    Examples
    --------
    >>> base = pd.DataFrame({"segment": ["mercenary"], "tier": ["gold"], "satisfaction": [4.0],
    ...     "bond_level": [0], "profit_per_month": [100.0], "monthly_churn": [0.5]}, index=[1])
    >>> a = PlanAssumptions(pd.Series([1, .5, .5, .5, .5], index=LEVELS),
    ...     pd.Series([0, 10, 20, 30, 40], index=LEVELS), pd.Series([3, 2, 1.5, 1, .3], index=range(1, 6)),
    ...     pd.Series(dtype=float), action_catalogue())
    >>> r = action_returns(base, a, horizon_months=2)
    >>> round(float(r.set_index("action").loc["financial bond", "net_return"]), 6)   # lesson 02's worked example
    7.5
    """
    _check_assumptions(assumptions)
    require_columns("base", base, ("segment", "tier", "monthly_churn", "profit_per_month"))
    frames = []
    for action in assumptions.actions.index[assumptions.actions["lever"] != "none"]:
        effects = _action_effects(base, pd.Series(action, index=base.index), assumptions)
        chosen = effects["eligible"].to_numpy()
        if not chosen.any():
            continue
        part = effects[chosen]
        multiplier = 1.0 - part["success"] * (1.0 - part["churn_multiplier_if_works"])
        value = programme_return(
            base.loc[chosen, "monthly_churn"].to_numpy(),
            base.loc[chosen, "profit_per_month"].to_numpy(),
            part["cost_per_month"].to_numpy(),
            multiplier.to_numpy(),
            horizon_months=horizon_months,
        )
        frames.append(
            pd.DataFrame(
                {
                    "segment": base.loc[chosen, "segment"].astype(str).to_numpy(),
                    "tier": base.loc[chosen, "tier"].astype(str).to_numpy(),
                    "action": action,
                    "cost_per_month": part["cost_per_month"].to_numpy(),
                    "churn_multiplier": multiplier.to_numpy(),
                    "net_return": value["net_return"].to_numpy(),
                }
            )
        )
    columns = [
        "segment",
        "tier",
        "action",
        "eligible",
        "cost_per_month",
        "churn_multiplier",
        "net_return",
        "total_return",
    ]
    if not frames:
        return pd.DataFrame(columns=columns)
    rows = pd.concat(frames, ignore_index=True)
    grouped = rows.groupby(["segment", "tier", "action"], sort=False)
    table = grouped.agg(
        eligible=("net_return", "size"),
        cost_per_month=("cost_per_month", "mean"),
        churn_multiplier=("churn_multiplier", "mean"),
        net_return=("net_return", "mean"),
        total_return=("net_return", "sum"),
    ).reset_index()
    order = {"segment": {s: i for i, s in enumerate(PLAN_SEGMENTS)}, "tier": {t: i for i, t in enumerate(TIERS)}}
    table = table.sort_values(
        ["segment", "tier"], key=lambda column: column.map(order[column.name]), kind="stable"
    ).reset_index(drop=True)
    return table[columns]


def best_actions(returns: pd.DataFrame, *, value: str = "net_return") -> pd.DataFrame:
    """The action with the highest return per customer in each (segment, tier) cell.

    Parameters
    ----------
    returns : pandas.DataFrame
        output of :func:`action_returns`.
    value : str, optional
        the column to maximise (default ``net_return``, per customer reached).

    Returns
    -------
    pandas.DataFrame
        DataFrame with one row per cell that has an eligible customer: ``segment``,
        ``tier``, ``action`` (``"do nothing"`` when no action returns more than 0),
        ``net_return`` (the best, or 0) and ``eligible`` (customers the best action can
        reach; 0 for "do nothing").

    Examples
    --------
    >>> returns = pd.DataFrame({"segment": ["hostage"] * 2, "tier": ["gold"] * 2,
    ...     "action": ["financial bond", "service recovery"], "eligible": [3, 5], "net_return": [-4.0, 60.0]})
    >>> best_actions(returns)[["action", "net_return"]].values.tolist()
    [['service recovery', 60.0]]
    """
    require_columns("returns", returns, ("segment", "tier", "action", "eligible", value))
    if returns.empty:
        return pd.DataFrame(columns=["segment", "tier", "action", "net_return", "eligible"])
    best = returns.loc[returns.groupby(["segment", "tier"], sort=False)[value].idxmax()]
    best = best[["segment", "tier", "action", value, "eligible"]].reset_index(drop=True)
    losing = best[value] <= 0
    best.loc[losing, "action"] = DO_NOTHING
    best.loc[losing, [value, "eligible"]] = 0
    return best.rename(columns={value: "net_return"})


# ---------------------------------------------------------------------------------------
# The projection: KPIs, today's customers, the leaky bucket, the stage ladder
# ---------------------------------------------------------------------------------------


def _monthly_discount(annual_discount_rate: float) -> float:
    require(
        np.asarray(annual_discount_rate) > -1,
        "annual_discount_rate must be > −1",
        annual_discount_rate=annual_discount_rate,
    )
    return (1.0 + float(annual_discount_rate)) ** (1.0 / _MONTHS_PER_YEAR) - 1.0


def _outcomes(base: pd.DataFrame, reached: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Monthly churn as is and if the action works, the chance it works, profit and cost per customer."""
    require_columns("base", base, ("monthly_churn", "profit_per_month"))
    require_columns(
        "reached",
        reached,
        ("reached", "cost_per_month", "works", "churn_multiplier_if_works", "bond_level_after", "satisfaction_after"),
    )
    if not reached.index.equals(base.index):
        raise ValueError("reached must come from reach() on the same base (same customers, same order)")
    h = base["monthly_churn"].to_numpy(dtype=float)
    h_works = np.minimum(h * reached["churn_multiplier_if_works"].to_numpy(dtype=float), 1.0)
    return (
        h,
        h_works,
        reached["works"].to_numpy(dtype=float),
        base["profit_per_month"].to_numpy(dtype=float),
        reached["cost_per_month"].to_numpy(dtype=float),
    )


def churn_reduction(base: pd.DataFrame, reached: pd.DataFrame, *, by: str | None = None):
    """Share of today's expected monthly churns that the plan removes, overall or per group.

    ``1 − Σ (works·h·f + (1 − works)·h) / Σ h`` over the customers (of each group): the
    number that carries the plan into the models that have one churn rate for everyone
    (lesson 03's bucket) or one per stage (lesson 01's migration matrix).

    Parameters
    ----------
    base : pandas.DataFrame
        output of :func:`plan_base`.
    reached : pandas.DataFrame
        output of :func:`reach` on ``base``.
    by : str, optional
        a column of ``base`` to group by (e.g. ``"stage"``); None for one number.

    Returns
    -------
    float or pandas.Series
        A float in [0, 1], or a Series by group (0 for a group whose customers never churn).

    Examples
    --------
    >>> base = pd.DataFrame({"monthly_churn": [0.1, 0.1], "profit_per_month": [10.0, 10.0],
    ...                      "stage": ["friend", "stranger"]})
    >>> reached = pd.DataFrame({"reached": [True, False], "cost_per_month": [2.0, 0.0], "works": [1.0, 0.0],
    ...     "churn_multiplier_if_works": [0.5, 1.0], "bond_level_after": [1, 0], "satisfaction_after": [4.0, 4.0]})
    >>> round(churn_reduction(base, reached), 6), churn_reduction(base, reached, by="stage").to_dict()
    (0.25, {'friend': 0.5, 'stranger': 0.0})
    """
    h, h_works, works, _, _ = _outcomes(base, reached)
    with_plan = works * h_works + (1 - works) * h
    if by is None:
        return float(1.0 - with_plan.sum() / h.sum()) if h.sum() > 0 else 0.0
    require_columns("base", base, (by,))
    sums = pd.DataFrame({"now": h, "plan": with_plan}).groupby(base[by].astype(str).to_numpy()).sum()
    return (1.0 - sums["plan"] / sums["now"].where(sums["now"] > 0)).fillna(0.0).rename("churn_reduction")


def _apostle_share(base: pd.DataFrame, reached: pd.DataFrame) -> tuple[float, float]:
    """Share of placed customers who are apostles, as they are and expected after the plan."""
    placed = base["satisfaction"].notna().to_numpy()
    if not placed.any():
        return np.nan, np.nan
    components = base.loc[placed, ["satisfaction", "repurchase", "tenure", "bonds", "intention"]]
    worked = components.assign(
        satisfaction=reached.loc[placed, "satisfaction_after"].to_numpy(),
        bonds=reached.loc[placed, "bond_level_after"].to_numpy() / (len(LEVELS) - 1),
    )
    # one placement of both tables (a customer's type depends on their own row only)
    both = (loyalty_segment(pd.concat([components, worked], ignore_index=True)) == "apostle").to_numpy()
    before, after = both[: len(components)], both[len(components) :]
    works = reached.loc[placed, "works"].to_numpy()
    return float(before.mean()), float(np.mean(works * after + (1 - works) * before))


def _nps(base: pd.DataFrame, reached: pd.DataFrame, assumptions: PlanAssumptions) -> tuple[float, float]:
    """The NPS of the surveyed customers' latest answers, and expected after the satisfaction actions."""
    surveyed = base["recommend"].notna().to_numpy()
    if not surveyed.any():
        return np.nan, np.nan
    answers = base.loc[surveyed, "recommend"].to_numpy()
    now = float(100.0 * ((answers >= 9).mean() - (answers <= 6).mean()))
    works = reached["works"].to_numpy(dtype=float)
    raised = surveyed & (works > 0) & (reached["satisfaction_after"].to_numpy() != base["satisfaction"].to_numpy())
    if not raised.any():
        return now, now
    net = _nps_levels(assumptions.nps_by_level)
    before = net.reindex(base.loc[raised, "satisfaction"].astype(int)).to_numpy()
    after = net.reindex(reached.loc[raised, "satisfaction_after"].astype(int)).to_numpy()
    return now, now + float(np.sum(works[raised] * (after - before)) / surveyed.sum())


def plan_kpis(
    base: pd.DataFrame,
    reached: pd.DataFrame,
    assumptions: PlanAssumptions,
    *,
    annual_discount_rate: float = 0.10,
    months: int = 36,
) -> pd.DataFrame:
    """The loyalty objectives as measurable KPIs of today's customers, doing nothing and with the plan.

    Every reached customer's action works with probability ``works``; an outcome is that
    probability times the outcome if it works plus the rest times the outcome as they are.

    * ``retention_12m`` — expected share of today's customers still customers in 12
      months, ``(1 − h·f)^12`` averaged over customers (``h`` monthly churn, ``f`` the
      churn multiplier if the action works, 1 otherwise); ``retention_12m_top_tiers`` the
      same for platinum and gold.
    * ``monthly_churn`` — expected churns per month per customer, and ``churn_reduction``
      the share of them the plan removes (:func:`churn_reduction`).
    * ``nps`` — the NPS (Reichheld 2003) of the latest answers of the surveyed
      customers, plus the expected shift of the customers whose satisfaction an action
      raises: ``Σ works × (NPS of the new level − NPS of the old level) / N`` with the
      NPS by level of ``assumptions.nps_by_level``. Bonds do not move it.
    * ``apostle_share`` — apostles among the surveyed customers, re-placed in the loyalty
      matrix (:func:`helpers.loyalty.loyalty_segment`) with the bonds and satisfaction the
      actions give them.
    * ``customer_equity`` — what today's customers are worth (Blattberg & Deighton 1996;
      Rust, Lemon & Zeithaml 2004; lesson 06): the sum of every customer's
      :func:`helpers.value.clv`, with their own monthly profit (minus the action's cost for
      the reached) and monthly retention ``1 − h·f``, margins earned at the end of each
      month survived (Gupta & Lehmann 2003), discounted at ``annual_discount_rate`` a year. The
      plan is assumed to go on as long as the customer stays.
    * ``profit_3_years`` — profit of today's customers over the next ``months`` months,
      undiscounted: ``Σ (profit − cost) × E(h·f)`` with ``E`` the expected customer-months
      of :func:`helpers.bonds.expected_customer_months` (lesson 02's programme return,
      summed over the customers).
    * ``plan_cost_per_month`` and ``customers_reached``.

    Parameters
    ----------
    base : pandas.DataFrame
        output of :func:`plan_base`.
    reached : pandas.DataFrame
        output of :func:`reach` on ``base``.
    assumptions : PlanAssumptions
        :class:`PlanAssumptions` (for the NPS answers).
    annual_discount_rate : float, optional
        yearly discount rate (fraction; default 10 %).
    months : int, optional
        horizon of ``profit_3_years`` in months (default 36).

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by ``kpi`` with ``do_nothing`` and ``plan``.

    Examples
    --------
    >>> base = pd.DataFrame({"segment": ["mercenary"], "tier": ["gold"], "satisfaction": [np.nan],
    ...     "recommend": [np.nan], "bond_level": [0], "repurchase": [1.0], "tenure": [1.0], "bonds": [0.0],
    ...     "intention": [0.5], "profit_per_month": [20.0], "monthly_churn": [0.1]}, index=[1])
    >>> reached = pd.DataFrame({"reached": [True], "cost_per_month": [2.0], "works": [1.0],
    ...     "churn_multiplier_if_works": [0.5], "bond_level_after": [1], "satisfaction_after": [np.nan]}, index=[1])
    >>> kpis = plan_kpis(base, reached, PlanAssumptions(None, None, None, None, None), annual_discount_rate=0.0, months=2)
    >>> kpis.loc["retention_12m"].round(4).tolist()     # 0.9^12 and 0.95^12
    [0.2824, 0.5404]
    >>> kpis.loc["customer_equity"].round(2).tolist()   # 20 × 0.9 / 0.1 and 18 × 0.95 / 0.05
    [180.0, 342.0]
    >>> kpis.loc["profit_3_years"].round(2).tolist()    # 20 × (1 + 0.9) and 18 × (1 + 0.95)
    [38.0, 35.1]
    """
    require_columns(
        "base", base, ("tier", "satisfaction", "recommend", "bond_level", "repurchase", "tenure", "bonds", "intention")
    )
    h, h_works, works, profit, cost = _outcomes(base, reached)
    top = base["tier"].astype(str).isin(TIERS[:2]).to_numpy()
    kept = (1 - h) ** _MONTHS_PER_YEAR
    kept_plan = works * (1 - h_works) ** _MONTHS_PER_YEAR + (1 - works) * kept
    churns_plan = works * h_works + (1 - works) * h

    monthly_d = _monthly_discount(annual_discount_rate)
    value_now = clv(profit, 1 - h, monthly_d)
    value_plan = works * clv(profit - cost, 1 - h_works, monthly_d) + (1 - works) * clv(profit - cost, 1 - h, monthly_d)
    stay_now = expected_customer_months(h, months)
    stay_plan = works * expected_customer_months(h_works, months) + (1 - works) * stay_now
    nps_now, nps_plan = _nps(base, reached, assumptions)
    apostles_now, apostles_plan = _apostle_share(base, reached)

    def mean(values, mask=slice(None)):
        chosen = np.asarray(values)[mask]
        return float(chosen.mean()) if chosen.size else np.nan

    rows = {
        "customers": (len(base), len(base)),
        "customers_reached": (0, int(reached["reached"].sum())),
        "plan_cost_per_month": (0.0, float(cost.sum())),
        "monthly_churn": (mean(h), mean(churns_plan)),
        "churn_reduction": (0.0, churn_reduction(base, reached)),
        "retention_12m": (mean(kept), mean(kept_plan)),
        "retention_12m_top_tiers": (mean(kept, top), mean(kept_plan, top)),
        "nps": (nps_now, nps_plan),
        "apostle_share": (apostles_now, apostles_plan),
        "customer_equity": (float(np.sum(value_now)), float(np.sum(value_plan))),
        "profit_3_years": (float(np.sum(profit * stay_now)), float(np.sum((profit - cost) * stay_plan))),
    }
    table = pd.DataFrame(rows, index=["do_nothing", "plan"]).T
    table.index.name = "kpi"
    return table


def cohort_outlook(base: pd.DataFrame, reached: pd.DataFrame, *, months: int = 36) -> pd.DataFrame:
    """Today's customers month by month, doing nothing and with the plan: how many stay, what they earn.

    A customer is still there at the start of month ``t`` (t = 0, 1, …) with probability
    ``(1 − h)^t``, or ``(1 − h·f)^t`` if the action works (Berger & Nasr 1998); in month
    ``t`` they bring their monthly profit, minus the action's cost if reached. No new
    customers (those are :func:`bucket_outlook`'s); no discounting. At month ``months``
    the cumulative profits are :func:`plan_kpis`'s ``profit_3_years``.

    Parameters
    ----------
    base : pandas.DataFrame
        output of :func:`plan_base`.
    reached : pandas.DataFrame
        output of :func:`reach` on ``base``.
    months : int, optional
        horizon in months (default 36).

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by ``month`` 1…``months``: ``customers_do_nothing`` and
        ``customers_plan`` (today's customers expected at the month's end),
        ``profit_do_nothing`` and ``profit_plan`` (cumulative to the month's end) and
        ``profit_gain`` (their difference).

    Examples
    --------
    >>> base = pd.DataFrame({"monthly_churn": [0.5], "profit_per_month": [100.0]})
    >>> reached = pd.DataFrame({"reached": [True], "cost_per_month": [10.0], "works": [1.0],
    ...     "churn_multiplier_if_works": [0.5], "bond_level_after": [1], "satisfaction_after": [4.0]})
    >>> cohort_outlook(base, reached, months=2)[["customers_plan", "profit_gain"]].round(4).values.tolist()
    [[0.75, -10.0], [0.5625, 7.5]]

    By hand (lesson 02's example): with the plan, 90 in month 1 and 0.75 × 90 = 67.5 in
    month 2; doing nothing, 100 and 50: the gain is −10, then −10 + 17.5 = 7.5.
    """
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 1:
        raise ValueError(f"months must be a whole number ≥ 1, got {months!r}")
    h, h_works, works, profit, cost = _outcomes(base, reached)
    t = np.arange(months + 1)[:, None]
    stay_now = (1 - h[None, :]) ** t
    stay_plan = works * (1 - h_works[None, :]) ** t + (1 - works) * stay_now
    earned_now = (stay_now[:-1] * profit).sum(axis=1)
    earned_plan = (stay_plan[:-1] * (profit - cost)).sum(axis=1)
    out = pd.DataFrame(
        {
            "customers_do_nothing": stay_now[1:].sum(axis=1),
            "customers_plan": stay_plan[1:].sum(axis=1),
            "profit_do_nothing": np.cumsum(earned_now),
            "profit_plan": np.cumsum(earned_plan),
        },
        index=pd.RangeIndex(1, months + 1, name="month"),
    )
    out["profit_gain"] = out["profit_plan"] - out["profit_do_nothing"]
    return out


def bucket_outlook(
    calibration: BucketCalibration, *, churn_reduction: float, cost_per_customer: float, months: int = 36
) -> pd.DataFrame:
    """Lesson 03's leaky bucket run twice: doing nothing, and with the plan.

    Both runs start from today's customers with the calibrated acquisition spend, cost per
    acquisition, churn and margin (:func:`helpers.bucket.calibrate_bucket`). With the plan,
    a share ``churn_reduction`` of the churn is removed and the plan costs
    ``cost_per_customer`` per customer each month (:func:`helpers.bucket.simulate`): the
    plan is assumed to reach newcomers in the same proportion as today's customers, so
    its effect and its cost per customer stay the same while the base grows. The bucket
    gives every customer the same margin, so it shows the size of the base, not the value
    of the customers the plan keeps (:func:`cohort_outlook` does).

    Parameters
    ----------
    calibration : BucketCalibration
        :class:`helpers.bucket.BucketCalibration` (monthly periods).
    churn_reduction : float
        share of the monthly churn the plan removes, in [0, 1] (e.g.
        :func:`churn_reduction`).
    cost_per_customer : float
        plan cost per customer per month (money, ≥ 0; e.g. the plan's
        monthly cost divided by today's customers).
    months : int, optional
        horizon (default 36).

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by ``month`` 1…``months`` with ``customers_do_nothing`` and
        ``customers_plan`` (at each month's end) and ``plan_cost`` (what the plan costs
        that month, on the growing base).

    Examples
    --------
    >>> calibration = BucketCalibration(12, pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-01"),
    ...     1000, 5000, 100, 100, 50, 50, 0.9, 0.1, 10, 20, 1000, 0)
    >>> out = bucket_outlook(calibration, churn_reduction=0.5, cost_per_customer=1.0, months=2)
    >>> out.round(1).values.tolist()
    [[1000.0, 1050.0, 1000.0], [1000.0, 1097.5, 1050.0]]

    By hand: doing nothing, 1000 − 100 + 100 = 1000 customers every month; with the
    plan the churn is 5 %: 1000 − 50 + 100 = 1050, then 1050 − 52.5 + 100 = 1097.5,
    and the plan costs 1 a month for each customer there at the start.
    """
    common = dict(
        initial_customers=calibration.customers_now,
        acquisition_spend=calibration.acquisition_spend,
        cost_per_acquisition=calibration.cost_per_kept_acquisition,
        churn_rate=calibration.churn_rate,
        revenue_per_customer=calibration.margin_per_customer,
    )
    nothing = simulate(months, **common)
    plan = simulate(months, **common, churn_reduction=churn_reduction, retention_cost_per_customer=cost_per_customer)
    out = pd.DataFrame(
        {
            "customers_do_nothing": nothing["customers_end"],
            "customers_plan": plan["customers_end"],
            "plan_cost": plan["retention_cost"],
        }
    )
    out.index.name = "month"
    return out


def stage_outlook(
    stage_counts: pd.Series, transition, newcomers, *, churn_reduction, promotion_factor: float = 1.0, years: int = 3
) -> pd.DataFrame:
    """Lesson 01's stage migration projected with and without the plan.

    The plan removes a share of the losses from each stage's row of the yearly migration
    matrix (:func:`helpers.relationships.adjust_migration` with ``churn_factor = 1 −
    reduction`` of that stage; applying a monthly cut to a yearly loss probability is a
    first-order approximation, fine for small churn) and may make customers climb faster
    (``promotion_factor``; 1 = no change, the default, because no lesson has measured how
    a bond helps a customer climb). Both chains are projected with the same newcomers
    each year (:func:`helpers.relationships.project_stages`, Pfeifer & Carraway 2000).

    Parameters
    ----------
    stage_counts : pandas.Series
        today's customers per stage.
    transition : pandas.DataFrame
        yearly migration matrix over :data:`helpers.relationships.STATES`.
    newcomers : float or pandas.Series
        newcomers per year (number or counts per stage).
    churn_reduction : float or pandas.Series
        share of the losses the plan removes, in [0, 1]: one number for
        every stage, or a Series by stage (e.g. :func:`churn_reduction` with ``by="stage"``;
        stages not in it keep their losses).
    promotion_factor : float, optional
        multiplier of the promotions (≥ 0).
    years : int, optional
        horizon in years (default 3).

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by (``scenario`` "do nothing" / "plan", ``period`` 0…years) with
        one column per state (expected customers; ``lost`` cumulative).

    Examples
    --------
    >>> P = np.array([[0.5, 0.3, 0, 0, 0.2], [0, 0.8, 0, 0, 0.2], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0],
    ...               [0, 0, 0, 0, 1]])
    >>> out = stage_outlook(pd.Series({"stranger": 100}), P, 0, churn_reduction=0.5, years=1)
    >>> out.loc[("plan", 1), ["stranger", "acquaintance", "lost"]].tolist()
    [60.0, 30.0, 10.0]
    """
    stages = list(schema.STAGES)
    if isinstance(churn_reduction, pd.Series):
        unknown = [str(s) for s in churn_reduction.index if str(s) not in stages]
        if unknown:
            raise ValueError(f"churn_reduction has unknown stage(s) {unknown}; the stages are {stages}")
        cut = churn_reduction.rename(index=str).reindex(stages).fillna(0.0).to_numpy(dtype=float)
    else:
        cut = np.full(len(stages), float(churn_reduction))
    require((cut >= 0) & (cut <= 1), "churn_reduction must be in [0, 1]", churn_reduction=cut)
    adjusted = adjust_migration(transition, promotion_factor=promotion_factor)
    matrices = {0.0: adjusted.copy()}  # one adjusted matrix per distinct cut (most stages share one)
    for k in dict.fromkeys(cut.tolist()):
        if k not in matrices:
            matrices[k] = adjust_migration(transition, churn_factor=1.0 - k, promotion_factor=promotion_factor)
    adjusted.iloc[: len(stages)] = np.vstack([matrices[k].iloc[i] for i, k in enumerate(cut.tolist())])
    runs = {
        "do nothing": project_stages(stage_counts, transition, years, new_customers_per_period=newcomers),
        "plan": project_stages(stage_counts, adjusted, years, new_customers_per_period=newcomers),
    }
    return pd.concat(runs, names=["scenario"])


class PlanContext(NamedTuple):
    """What the projection takes from the earlier lessons, computed once per company.

    ``calibration`` is lesson 03's monthly bucket, ``transition`` lesson 01's yearly
    migration matrix, ``stage_counts`` today's customers per stage and ``newcomers`` a
    year's newcomers per stage; ``annual_discount_rate`` is per year.
    """

    calibration: BucketCalibration
    transition: pd.DataFrame
    stage_counts: pd.Series
    newcomers: pd.Series
    annual_discount_rate: float = 0.10


class PlanProjection(NamedTuple):
    """Result of :func:`project_plan`."""

    reached: pd.DataFrame
    """Per customer, from :func:`reach`."""
    kpis: pd.DataFrame
    """KPIs indexed by ``kpi``: ``do_nothing`` and ``plan`` (see :func:`plan_kpis`), plus
    ``customers_3_years`` (the bucket) and ``friends_partners_3_years`` (the ladder)."""
    cohort: pd.DataFrame
    """:func:`cohort_outlook`: today's customers month by month."""
    bucket: pd.DataFrame
    """:func:`bucket_outlook`: the whole base, with newcomers."""
    stages: pd.DataFrame
    """:func:`stage_outlook`: the ladder year by year."""


def project_plan(
    base: pd.DataFrame,
    plan: pd.DataFrame,
    assumptions: PlanAssumptions,
    context: PlanContext,
    *,
    lowest_tier: str = "lead",
    months: int = 36,
    promotion_factor: float = 1.0,
) -> PlanProjection:
    """The whole plan projected against doing nothing: who is reached, the KPIs, the base, the ladder.

    Composes :func:`reach`, :func:`plan_kpis` and :func:`cohort_outlook` (today's
    customers, each with their own churn and profit), :func:`bucket_outlook` (lesson 03:
    the base with newcomers, driven by the plan's overall :func:`churn_reduction` and cost
    per customer) and :func:`stage_outlook` (lesson 01: the ladder, driven by the
    reduction per stage when ``base`` has a ``stage`` column, else the overall one).

    Parameters
    ----------
    base, plan : pandas.DataFrame
        as in :func:`reach`.
    assumptions : PlanAssumptions
        as in :func:`reach`.
    lowest_tier : str, optional
        as in :func:`reach`.
    context : PlanContext
        :class:`PlanContext`.
    months : int, optional
        horizon in months (a multiple of 12; default 36).
    promotion_factor : float, optional
        passed to :func:`stage_outlook`.

    Returns
    -------
    PlanProjection
        :class:`PlanProjection`.
    """
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 12 or months % 12:
        raise ValueError(f"months must be a whole number of years (a multiple of 12), got {months!r}")
    years = months // _MONTHS_PER_YEAR
    reached = reach(base, plan, assumptions, lowest_tier=lowest_tier)
    kpis = plan_kpis(base, reached, assumptions, annual_discount_rate=context.annual_discount_rate, months=months)
    overall = float(np.clip(kpis.loc["churn_reduction", "plan"], 0.0, 1.0))
    cost_each = kpis.loc["plan_cost_per_month", "plan"] / max(len(base), 1)
    bucket = bucket_outlook(context.calibration, churn_reduction=overall, cost_per_customer=cost_each, months=months)
    by_stage = churn_reduction(base, reached, by="stage").clip(0.0, 1.0) if "stage" in base else overall
    stages = stage_outlook(
        context.stage_counts,
        context.transition,
        context.newcomers,
        churn_reduction=by_stage,
        promotion_factor=promotion_factor,
        years=years,
    )
    last = stages.xs(years, level="period")
    close = last["friend"] + last["partner"]
    extra = pd.DataFrame(
        {
            "customers_3_years": bucket[["customers_do_nothing", "customers_plan"]].iloc[-1].to_numpy(),
            "friends_partners_3_years": close.reindex(["do nothing", "plan"]).to_numpy(),
        },
        index=["do_nothing", "plan"],
    ).T
    return PlanProjection(
        reached=reached,
        kpis=pd.concat([kpis, extra]).rename_axis("kpi"),
        cohort=cohort_outlook(base, reached, months=months),
        bucket=bucket,
        stages=stages,
    )


def set_targets(
    kpis: pd.DataFrame,
    *,
    retention_points: float = 0.05,
    nps_points: float = 10.0,
    apostle_points: float = 0.05,
    equity_growth: float = 0.10,
    profit_growth: float = 0.0,
) -> pd.Series:
    """Measurable targets: each objective's KPI, doing nothing, moved by a stated amount.

    The defaults are a classic set: five points of retention (Reichheld & Sasser 1990),
    ten points of NPS, five points more apostles, 10 % more customer equity, and a plan
    that at least pays for itself within three years (profit not below doing nothing).

    Parameters
    ----------
    kpis : pandas.DataFrame
        the ``kpis`` of :func:`project_plan` (or :func:`plan_kpis`), with ``do_nothing``.
    retention_points, nps_points, apostle_points : float, optional
        points added (retention and apostles
        as fractions, NPS in points).
    equity_growth, profit_growth : float, optional
        relative growth of customer equity and of the
        three-year profit.

    Returns
    -------
    pandas.Series
        Series ``target`` indexed by KPI (only the KPIs present in ``kpis``).

    Examples
    --------
    >>> kpis = pd.DataFrame({"do_nothing": [0.70, -4.0, 0.25, 1000.0]},
    ...                     index=["retention_12m", "nps", "apostle_share", "customer_equity"])
    >>> set_targets(kpis).round(2).tolist()
    [0.75, 6.0, 0.3, 1100.0]
    """
    require_columns("kpis", kpis, ("do_nothing",))
    base = kpis["do_nothing"]
    moves = {
        "retention_12m": lambda v: v + retention_points,
        "retention_12m_top_tiers": lambda v: v + retention_points,
        "nps": lambda v: v + nps_points,
        "apostle_share": lambda v: v + apostle_points,
        "customer_equity": lambda v: v * (1 + equity_growth),
        "profit_3_years": lambda v: v + abs(v) * profit_growth,
    }
    return pd.Series({k: move(float(base[k])) for k, move in moves.items() if k in base.index}, name="target")


def check_targets(kpis: pd.DataFrame, targets: pd.Series) -> pd.DataFrame:
    """The KPIs of the targeted objectives beside their targets, and whether the plan meets them.

    Parameters
    ----------
    kpis : pandas.DataFrame
        with ``do_nothing`` and ``plan`` (e.g. :func:`project_plan`'s ``kpis``).
    targets : pandas.Series
        target per KPI (e.g. :func:`set_targets`); a higher value is better for each.

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by KPI (the targets' order) with ``do_nothing``, ``plan``,
        ``target``, ``gap`` (plan − target) and ``met`` (bool).

    Examples
    --------
    >>> kpis = pd.DataFrame({"do_nothing": [0.70], "plan": [0.74]}, index=["retention_12m"])
    >>> check_targets(kpis, pd.Series({"retention_12m": 0.75})).round(2).values.tolist()
    [[0.7, 0.74, 0.75, -0.01, False]]
    """
    require_columns("kpis", kpis, ("do_nothing", "plan"))
    missing = [k for k in targets.index if k not in kpis.index]
    if missing:
        raise ValueError(f"targets name KPIs not in kpis: {missing}; kpis has {list(kpis.index)}")
    table = kpis.loc[list(targets.index), ["do_nothing", "plan"]].astype(float)
    table["target"] = targets.astype(float).to_numpy()
    table["gap"] = table["plan"] - table["target"]
    table["met"] = table["gap"] >= -1e-12
    table.index.name = "kpi"
    return table
