"""How relationships evolve: strangers, acquaintances, friends and partners (lesson 01).

Johnson & Selnes (2004) describe a customer base as a portfolio of relationships at
four levels of closeness: **strangers** (extraños), **acquaintances** (conocidos),
**friends** (amigos) and **partners** (socios). Each level rests on a deeper source of
competitive advantage (attractiveness; satisfaction; + trust; + commitment) and calls
for a different primary goal (acquire, satisfy, retain, enhance). This module turns
that idea into numbers, in four steps, all pure functions over the company's tables:

* **The framework as data** — :func:`stage_table` (the seven aspects of each stage,
  English with the Spanish terms) and :func:`default_thresholds` (the rules of thumb
  that place a customer in a stage).
* **Placing customers** — :func:`observable_features` builds, for one date, what a
  company can see of each customer (tenure, recent purchases, latest survey answers,
  deepest bond held, lost or not); :func:`assign_stage` climbs the ladder rung by rung
  with documented, adjustable thresholds; :func:`stages_at` does both, and
  :func:`stage_mix_over_time` repeats it at several dates. :func:`stages_from_history`
  reads stages recorded in a table instead (for example the simulation's latent ones);
  :func:`confusion_matrix` and :func:`accuracy` compare two stage assignments.
* **Migration** — :func:`transition_matrix` counts the moves between two dates and
  turns them into probabilities per period; ``lost`` is an **absorbing** state (a lost
  customer never comes back; one who returns is a new customer). :func:`adjust_migration`
  scales promotions, demotions and losses for a what-if.
* **Projection and value** (Pfeifer & Carraway 2000) — :func:`project_stages` runs the
  Markov chain forward with new customers (:func:`newcomers`) entering as strangers; :func:`time_in_stages`
  (the fundamental matrix of an absorbing chain, Kemeny & Snell 1960) and
  :func:`steady_state` give the long run; :func:`margin_by_stage`, :func:`value_by_stage`
  and :func:`base_value` put a price on the customer base.

The states of a chain are :data:`STATES`: the four stages, then ``"lost"``.

References
----------
* Johnson, M. D. & Selnes, F. (2004). Customer portfolio management: toward a dynamic
  theory of exchange relationships. *Journal of Marketing* 68(2), 1–17.
* Dwyer, F. R., Schurr, P. H. & Oh, S. (1987). Developing buyer-seller relationships.
  *Journal of Marketing* 51(2), 11–27.
* Morgan, R. M. & Hunt, S. D. (1994). The commitment-trust theory of relationship
  marketing. *Journal of Marketing* 58(3), 20–38.
* Pfeifer, P. E. & Carraway, R. L. (2000). Modeling customer relationships as Markov
  chains. *Journal of Interactive Marketing* 14(2), 43–55.
* Kemeny, J. G. & Snell, J. L. (1960). *Finite Markov Chains*, ch. III (absorbing
  chains, the fundamental matrix). Van Nostrand.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from helpers import schema
from helpers.glossary import spanish
from helpers.i18n import N_, _, language
from helpers.validation import SHOWN_ROWS, refuse_rows, require_columns, to_dates
from helpers.value import markov_clv

__all__ = [
    "BOND_ORDER",
    "LOST",
    "STATES",
    "SURVEY_ITEMS",
    "THRESHOLD_COLUMNS",
    "accuracy",
    "adjust_migration",
    "assign_stage",
    "base_value",
    "confusion_matrix",
    "default_thresholds",
    "margin_by_stage",
    "newcomers",
    "observable_features",
    "one_rung_share",
    "project_stages",
    "stage_mix",
    "stage_mix_over_time",
    "stage_table",
    "stages_at",
    "stages_from_history",
    "steady_state",
    "time_in_stages",
    "transition_matrix",
    "value_by_stage",
]

#: The absorbing state of a customer who has left.
LOST = "lost"
#: The states of the migration chain: the four stages, then ``lost``.
STATES: tuple[str, ...] = (*schema.STAGES, LOST)
#: Bond levels from none to the deepest; a customer's *highest* bond is one of these.
BOND_ORDER: tuple[str, ...] = ("none", *schema.BOND_LEVELS)
#: Survey questions a threshold can use (1–5 scales of the surveys table).
SURVEY_ITEMS: tuple[str, ...] = ("satisfaction", "trust", "commitment")
#: Columns of the thresholds table (see :func:`default_thresholds`).
THRESHOLD_COLUMNS: tuple[str, ...] = (
    "min_tenure_months",
    "min_purchases_per_month",
    "survey_item",
    "min_answer",
    "bond",
)

_STATE_DTYPE = pd.CategoricalDtype(list(STATES))
_BOND_DTYPE = pd.CategoricalDtype(list(BOND_ORDER), ordered=True)
_DAYS_PER_MONTH = 30.4375  # 365.25 / 12, as in helpers.retention


# ---------------------------------------------------------------------------------------
# The framework as data
# ---------------------------------------------------------------------------------------

# (aspect in English, then one cell per stage; the Spanish is in the glossary). Written for this course from
# Johnson & Selnes (2004, table 1) and the class notes.
_ASPECTS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "Product offer",
        N_("Attractive next to competitors' offers or other ways of buying"),
        N_("Parity: a standard product, as good as the industry's"),
        N_("Differentiated: adapted to specific market segments"),
        N_("Customized: a product and dedicated resources for one customer or organisation"),
    ),
    (
        "Source of competitive advantage",
        N_("Attractiveness (atractivo)"),
        N_("Satisfaction (satisfacción)"),
        N_("Satisfaction + trust (satisfacción + confianza)"),
        N_("Satisfaction + trust + commitment (satisfacción + confianza + compromiso)"),
    ),
    (
        "Buying activity",
        N_("Interest, search and trial"),
        N_("Satisfaction makes buying again easy and the search for alternatives unnecessary"),
        N_("Trust in the company is what keeps the customer buying"),
        N_("Commitment, shown by sharing information and investing together, makes a customized product possible"),
    ),
    (
        "Sales focus",
        N_("Making the customer aware of the offer wins the first sale"),
        N_("Familiarity and general knowledge of the customer ease the sale"),
        N_("Knowing this customer's specific needs and situation eases the sale"),
        N_("Specific knowledge plus investments made together ease the sale"),
    ),
    (
        "Time horizon",
        N_("None: the buyer may never have dealt with the company"),
        N_("Short: the buyer switches supplier with little effort"),
        N_("Medium: trust in a differentiated position takes time to build, and to imitate"),
        N_("Long: joint activities and deep knowledge of each other take years to build"),
    ),
    (
        "Sustainability of the advantage",
        N_("Low: the company must keep finding new ways to be attractive"),
        N_("Low: competitors can match the value offered in sales and service"),
        N_(
            "Medium: depends on whether competitors understand different customers' needs and turn them into distinct offers"
        ),
        N_("High: depends on how unique and effective the joint activities of customer and supplier are"),
    ),
    (
        "Primary goal",
        N_("Acquire (adquirir) the customer's business"),
        N_("Satisfy (satisfacer) the customer's needs and wants"),
        N_("Retain (conservar) the customer's business"),
        N_("Enhance (mejorar) the relationship"),
    ),
)


def stage_table() -> pd.DataFrame:
    """The four stages of a relationship side by side, after Johnson & Selnes (2004).

    Seven aspects per stage: product offer, source of competitive advantage, buying
    activity, sales focus, time horizon, sustainability of the advantage and primary
    goal of relationship marketing. Row and column labels carry the Spanish terms of
    the class notes (in Spanish, :func:`helpers.i18n.use`, the Spanish terms alone).

    Returns
    -------
    DataFrame
        One row per aspect: column ``Aspect`` ("Product offer (oferta de producto)"),
        then one column per stage ("Stranger (extraño)", …, "Partner (socio)").

    References
    ----------
    Johnson & Selnes (2004), table 1 "Relationship portfolio".

    Examples
    --------
    >>> table = stage_table()
    >>> table.columns.tolist()
    ['Aspect', 'Stranger (extraño)', 'Acquaintance (conocido)', 'Friend (amigo)', 'Partner (socio)']
    >>> table.iloc[1, 1:].tolist()[:2]
    ['Attractiveness (atractivo)', 'Satisfaction (satisfacción)']
    """
    if language() == "es":  # the Spanish terms alone; the cells are translated where the table is shown
        columns = [_("Aspect")] + [spanish(stage).capitalize() for stage in schema.STAGES]
        rows = [[spanish(aspect).capitalize(), *cells] for aspect, *cells in _ASPECTS]
    else:
        columns = ["Aspect"] + [f"{stage.capitalize()} ({spanish(stage)})" for stage in schema.STAGES]
        rows = [[f"{aspect} ({spanish(aspect)})", *cells] for aspect, *cells in _ASPECTS]
    return pd.DataFrame(rows, columns=columns)


def default_thresholds() -> pd.DataFrame:
    """The rules that place a customer on each rung of the relationship ladder.

    One row per rung above *stranger*. A customer reaches a rung if they reached the one
    below **and** either

    * *behaviour and attitude*: tenure ≥ ``min_tenure_months``, purchases per month over
      the recent window ≥ ``min_purchases_per_month``, and their latest recent answer to
      ``survey_item`` is not below ``min_answer`` (a customer not surveyed recently is
      not held back: silence is not evidence); or
    * *a bond*: they hold the bond level ``bond`` or a deeper one (``"none"`` turns this
      route off).

    Each rung checks the source of advantage Johnson & Selnes (2004) give it:
    satisfaction for acquaintances, trust for friends, commitment for partners. The
    numbers are round rules of thumb, chosen so that the rule agrees with the latent
    stages of the course's company about three times in four; edit a copy to try others.

    Returns
    -------
    DataFrame
        Index ``stage`` (acquaintance, friend, partner); columns
        ``min_tenure_months`` (months), ``min_purchases_per_month`` (purchases per
        month), ``survey_item`` (satisfaction, trust or commitment), ``min_answer``
        (1–5) and ``bond`` (none, financial, social, customization or structural).

    Examples
    --------
    >>> default_thresholds()[["min_purchases_per_month", "survey_item", "min_answer", "bond"]]
                  min_purchases_per_month survey_item  min_answer        bond
    stage
    acquaintance                      0.6  satisfaction           3   financial
    friend                            1.2       trust           3      social
    partner                           2.5  commitment           4  structural
    """
    frame = pd.DataFrame(
        {
            "min_tenure_months": [3.0, 6.0, 12.0],
            "min_purchases_per_month": [0.6, 1.2, 2.5],
            "survey_item": ["satisfaction", "trust", "commitment"],
            "min_answer": [3, 3, 4],
            "bond": ["financial", "social", "structural"],
        },
        index=pd.Index(list(schema.STAGES[1:]), name="stage"),
    )
    return frame


# ---------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------


def _timestamp(name: str, value) -> pd.Timestamp:
    try:
        when = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise ValueError(f"{name} must be a date like '2024-12-31', got {value!r}") from None
    if pd.isna(when):
        raise ValueError(f"{name} must be a date like '2024-12-31', got {value!r}")
    return when


def _positive(name: str, value, *, allow_zero: bool = False) -> float:
    number = float(value)
    if not np.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        bound = "≥ 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return number


def _stage_series(name: str, stages) -> pd.Series:
    """``stages`` as a Series with the categories of :data:`STATES`; unknown labels refused."""
    if not isinstance(stages, pd.Series):
        raise ValueError(
            f"{name} must be a pandas Series of stages indexed by customer_id, not {type(stages).__name__}"
        )
    values = stages.astype(object)
    bad = ~values.isin(STATES)
    if bad.any():
        raise ValueError(
            f"{name}: {int(bad.sum())} value(s) are not one of {list(STATES)}. First bad rows:\n"
            f"{stages[bad].head(SHOWN_ROWS).to_string()}"
        )
    if stages.index.has_duplicates:
        duplicated = stages.index[stages.index.duplicated()].unique()[:SHOWN_ROWS].tolist()
        raise ValueError(f"{name}: each customer must appear once; repeated customer_id {duplicated}")
    return pd.Series(pd.Categorical(values, dtype=_STATE_DTYPE), index=stages.index, name="stage")


def _transition_array(transition) -> np.ndarray:
    """The transition matrix as a 5 × 5 array in :data:`STATES` order, checked."""
    if isinstance(transition, pd.DataFrame):
        if sorted(map(str, transition.index)) != sorted(STATES) or sorted(map(str, transition.columns)) != sorted(
            STATES
        ):
            raise ValueError(
                f"the transition matrix needs rows and columns {list(STATES)}; "
                f"got rows {list(transition.index)} and columns {list(transition.columns)}"
            )
        array = transition.loc[list(STATES), list(STATES)].to_numpy(dtype=float)
    else:
        array = np.asarray(transition, dtype=float)
        if array.shape != (len(STATES), len(STATES)):
            raise ValueError(
                f"the transition matrix must be {len(STATES)} × {len(STATES)} "
                f"(states {list(STATES)}); got shape {array.shape}"
            )
    if not np.isfinite(array).all():
        row = STATES[int(np.argwhere(~np.isfinite(array))[0][0])]
        raise ValueError(f"the transition matrix has a missing or infinite value in row {row!r}")
    if (array < -1e-12).any():
        row = STATES[int(np.argwhere(array < -1e-12)[0][0])]
        raise ValueError(f"the transition matrix has a negative probability in row {row!r}")
    sums = array.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-9):
        row = int(np.argmax(~np.isclose(sums, 1.0, atol=1e-9)))
        raise ValueError(
            f"each row of the transition matrix must sum to 1; row {STATES[row]!r} sums to {sums[row]:.6g}"
        )
    lost = STATES.index(LOST)
    if not np.isclose(array[lost, lost], 1.0):
        raise ValueError(
            "'lost' must be an absorbing state (its row all in the 'lost' column): a lost customer "
            "does not come back; model a returning customer as a new one"
        )
    return np.clip(array, 0.0, None)


def _counts(name: str, counts) -> np.ndarray:
    """Counts per state as an array in :data:`STATES` order (missing states count 0)."""
    series = pd.Series(counts, dtype=float) if not isinstance(counts, pd.Series) else counts.astype(float)
    unknown = [str(label) for label in series.index if str(label) not in STATES]
    if unknown:
        raise ValueError(f"{name} has unknown state(s) {unknown}; the states are {list(STATES)}")
    values = series.groupby(series.index.astype(str)).sum().reindex(list(STATES), fill_value=0.0).to_numpy()
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError(f"{name} must be finite counts ≥ 0; got {series.to_dict()}")
    return values


# ---------------------------------------------------------------------------------------
# Placing customers in stages
# ---------------------------------------------------------------------------------------


def observable_features(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    surveys: pd.DataFrame,
    bonds: pd.DataFrame,
    churn: pd.DataFrame,
    date,
    *,
    purchase_window_months: float = 12,
    survey_window_months: float = 12,
) -> pd.DataFrame:
    """What the company can see of each customer on ``date``: the inputs of :func:`assign_stage`.

    Only records dated on or before ``date`` are used, so the features are what the
    company knew that day.

    Parameters
    ----------
    customers : table with ``customer_id`` and ``signup_date``.
    transactions : table with ``customer_id`` and ``date`` (one row per purchase).
    surveys : table with ``customer_id``, ``date``, ``satisfaction``, ``trust`` and
        ``commitment`` (1–5). An empty answer means the question was not answered (or,
        for a whole column, not asked, as in many companies' surveys): it counts like
        no answer, so the rung it guards is judged on behaviour alone.
    bonds : table with ``customer_id``, ``level`` (a bond level) and ``start_date``.
    churn : table with ``customer_id`` and ``date`` (day the customer was lost).
    date : the day of the snapshot.
    purchase_window_months : recent window for the purchase rate (months, > 0).
    survey_window_months : how old a survey answer may be and still count (months, > 0).

    Returns
    -------
    DataFrame
        One row per customer who had signed up by ``date``, indexed by ``customer_id``:

        * ``tenure_months``: months since signup;
        * ``purchases``: purchases in the window ``(date − window, date]``;
        * ``purchases_per_month``: ``purchases`` / min(tenure, window), the tenure
          counted as at least one month;
        * ``satisfaction``, ``trust``, ``commitment``: the answer of the latest survey
          within the survey window (NaN if none, or if that survey left the question empty);
        * ``highest_bond``: the deepest bond level held (ordered category, ``"none"`` first);
        * ``lost``: True if the customer had left by ``date``.

    Raises
    ------
    ValueError
        For a missing column, an empty date, an unknown bond level or a survey answer
        outside 1–5, naming the table, the column and the first bad rows.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2],
    ...                           "signup_date": pd.to_datetime(["2024-01-01", "2024-05-01"])})
    >>> purchases = pd.DataFrame({"customer_id": [1, 1, 1], "date": pd.to_datetime(["2024-02-01", "2024-03-01", "2024-04-01"])})
    >>> answers = pd.DataFrame({"customer_id": [1], "date": pd.to_datetime(["2024-03-15"]),
    ...                         "satisfaction": [5], "trust": [4], "commitment": [3]})
    >>> enrolments = pd.DataFrame({"customer_id": [1], "level": ["financial"], "start_date": pd.to_datetime(["2024-02-01"])})
    >>> lost = pd.DataFrame({"customer_id": [2], "date": pd.to_datetime(["2024-06-01"])})
    >>> f = observable_features(customers, purchases, answers, enrolments, lost, "2024-06-30")
    >>> f[["purchases", "trust", "highest_bond", "lost"]]
                 purchases  trust highest_bond   lost
    customer_id
    1                    3    4.0    financial  False
    2                    0    NaN         none   True
    """
    when = _timestamp("date", date)
    purchase_window = _positive("purchase_window_months", purchase_window_months)
    survey_window = _positive("survey_window_months", survey_window_months)
    require_columns("customers", customers, ("customer_id", "signup_date"))
    require_columns("transactions", transactions, ("customer_id", "date"))
    require_columns("surveys", surveys, ("customer_id", "date", *SURVEY_ITEMS))
    require_columns("bonds", bonds, ("customer_id", "level", "start_date"))
    require_columns("churn", churn, ("customer_id", "date"))

    signup = to_dates("customers", customers, "signup_date")
    signed = (signup <= when).to_numpy()
    ids = pd.Index(customers["customer_id"].to_numpy()[signed], name="customer_id")
    if ids.has_duplicates:
        dup = customers["customer_id"].duplicated(keep=False).to_numpy() & signed
        refuse_rows("customers", "customer_id", customers, dup, "repeat a customer_id")
    tenure = (when - signup[signed]).dt.days.to_numpy() / _DAYS_PER_MONTH

    # purchases in the recent window
    purchase_dates = to_dates("transactions", transactions, "date")
    window_start = when - pd.Timedelta(days=purchase_window * _DAYS_PER_MONTH)
    recent = transactions.loc[((purchase_dates > window_start) & (purchase_dates <= when)).to_numpy(), "customer_id"]
    purchases = recent.value_counts().reindex(ids, fill_value=0).to_numpy()
    exposure = np.clip(np.minimum(tenure, purchase_window), 1.0, None)

    # latest survey answer in the survey window
    answer_dates = to_dates("surveys", surveys, "date")
    for item in SURVEY_ITEMS:
        answers = pd.to_numeric(surveys[item], errors="coerce")
        refuse_rows(
            "surveys", item, surveys, surveys[item].notna() & ~answers.between(1, 5), "are not answers on the 1–5 scale"
        )
    survey_start = when - pd.Timedelta(days=survey_window * _DAYS_PER_MONTH)
    in_window = ((answer_dates > survey_start) & (answer_dates <= when)).to_numpy()
    latest = (
        surveys.loc[in_window, ["customer_id", *SURVEY_ITEMS]]
        .assign(_date=answer_dates[in_window].to_numpy())
        .sort_values(["customer_id", "_date"], kind="stable")
        .drop_duplicates("customer_id", keep="last")
        .set_index("customer_id")[list(SURVEY_ITEMS)]
        .reindex(ids)
        .astype(float)
    )

    # deepest bond held
    levels = bonds["level"].astype(object)
    refuse_rows(
        "bonds", "level", bonds, ~levels.isin(schema.BOND_LEVELS), f"are not a bond level {list(schema.BOND_LEVELS)}"
    )
    bond_dates = to_dates("bonds", bonds, "start_date")
    held = (bond_dates <= when).to_numpy()
    depth = pd.Series(
        levels[held].map({level: i + 1 for i, level in enumerate(schema.BOND_LEVELS)}).to_numpy(dtype=int),
        index=bonds["customer_id"].to_numpy()[held],
    )
    highest = depth.groupby(level=0).max().reindex(ids, fill_value=0).to_numpy()

    churn_dates = to_dates("churn", churn, "date")
    lost_ids = churn.loc[(churn_dates <= when).to_numpy(), "customer_id"]

    features = pd.DataFrame(
        {
            "tenure_months": tenure,
            "purchases": purchases.astype(np.int64),
            "purchases_per_month": purchases / exposure,
            **{item: latest[item].to_numpy() for item in SURVEY_ITEMS},
            "highest_bond": pd.Categorical.from_codes(highest, dtype=_BOND_DTYPE),
            "lost": ids.isin(lost_ids),
        },
        index=ids,
    )
    return features


def _check_thresholds(thresholds: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(thresholds, pd.DataFrame):
        raise ValueError(f"thresholds must be a DataFrame like default_thresholds(), not {type(thresholds).__name__}")
    require_columns("thresholds", thresholds, THRESHOLD_COLUMNS)
    rungs = list(schema.STAGES[1:])
    if sorted(map(str, thresholds.index)) != sorted(rungs):
        raise ValueError(f"thresholds needs one row per stage {rungs}; it has {list(thresholds.index)}")
    table = thresholds.loc[rungs]
    for column in ("min_tenure_months", "min_purchases_per_month", "min_answer"):
        values = pd.to_numeric(table[column], errors="coerce")
        refuse_rows("thresholds", column, table, ~(values >= 0), "are not numbers ≥ 0")
    refuse_rows(
        "thresholds",
        "survey_item",
        table,
        ~table["survey_item"].isin(SURVEY_ITEMS),
        f"are not one of {list(SURVEY_ITEMS)}",
    )
    refuse_rows("thresholds", "bond", table, ~table["bond"].isin(BOND_ORDER), f"are not one of {list(BOND_ORDER)}")
    return table


def assign_stage(features: pd.DataFrame, thresholds: pd.DataFrame | None = None) -> pd.Series:
    """Place each customer in a relationship stage from what the company can observe.

    Everyone starts as a *stranger* and climbs the ladder stranger → acquaintance →
    friend → partner one rung at a time, stopping at the first rung they fail (the rule
    of :func:`default_thresholds`): a rung is reached by behaviour and attitude (enough
    tenure, enough recent purchases, and no recent survey answer below the rung's
    threshold) or by holding a deep enough bond. The rungs follow Johnson & Selnes
    (2004): satisfaction makes an acquaintance, trust a friend, commitment a partner.
    Customers who had left are ``"lost"``.

    Parameters
    ----------
    features : table from :func:`observable_features` (columns ``tenure_months``,
        ``purchases_per_month``, ``satisfaction``, ``trust``, ``commitment``,
        ``highest_bond``, ``lost``), indexed by ``customer_id``.
    thresholds : table like :func:`default_thresholds` (the default when None).

    Returns
    -------
    Series
        Stage of each customer (categories :data:`STATES`), indexed like ``features``.

    Examples
    --------
    >>> features = pd.DataFrame({
    ...     "tenure_months": [1, 8, 8, 20, 20],
    ...     "purchases_per_month": [2.0, 1.0, 1.5, 3.0, 0.2],
    ...     "satisfaction": [5, None, 4, 5, None], "trust": [4, None, 2, 4, None],
    ...     "commitment": [4, None, 3, 5, None],
    ...     "highest_bond": ["none", "none", "none", "none", "structural"],
    ...     "lost": [False, False, False, False, False]}, index=[1, 2, 3, 4, 5])
    >>> assign_stage(features).tolist()
    ['stranger', 'acquaintance', 'acquaintance', 'partner', 'partner']

    Customer 1 is too new; 2 buys often enough for an acquaintance, not a friend; 3 buys
    like a friend but trusts too little (2 < 3); 4 passes every rung; 5 holds a
    structural bond, and the lower bonds with it.
    """
    table = _check_thresholds(default_thresholds() if thresholds is None else thresholds)
    require_columns(
        "features", features, ("tenure_months", "purchases_per_month", *SURVEY_ITEMS, "highest_bond", "lost")
    )
    tenure = pd.to_numeric(features["tenure_months"], errors="coerce").to_numpy(dtype=float)
    rate = pd.to_numeric(features["purchases_per_month"], errors="coerce").to_numpy(dtype=float)
    refuse_rows("features", "tenure_months", features, np.isnan(tenure), "have no tenure")
    refuse_rows("features", "purchases_per_month", features, np.isnan(rate), "have no purchase rate")
    bond_labels = features["highest_bond"].astype(object)
    refuse_rows(
        "features", "highest_bond", features, ~bond_labels.isin(BOND_ORDER), f"are not one of {list(BOND_ORDER)}"
    )
    bond_depth = bond_labels.map({label: i for i, label in enumerate(BOND_ORDER)}).to_numpy(dtype=int)

    level = np.zeros(len(features), dtype=np.int8)
    climbing = np.ones(len(features), dtype=bool)
    for rung in table.itertuples():  # three rungs, each vectorised over all customers
        answer = pd.to_numeric(features[rung.survey_item], errors="coerce").to_numpy(dtype=float)
        behaviour = (
            (tenure >= rung.min_tenure_months) & (rate >= rung.min_purchases_per_month) & ~(answer < rung.min_answer)
        )
        bonded = (bond_depth >= BOND_ORDER.index(rung.bond)) if rung.bond != "none" else np.zeros_like(climbing)
        climbing &= behaviour | bonded
        level += climbing
    codes = np.where(features["lost"].to_numpy(dtype=bool), STATES.index(LOST), level)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=_STATE_DTYPE), index=features.index, name="stage")


def stages_at(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    surveys: pd.DataFrame,
    bonds: pd.DataFrame,
    churn: pd.DataFrame,
    date,
    thresholds: pd.DataFrame | None = None,
    *,
    purchase_window_months: float = 12,
    survey_window_months: float = 12,
) -> pd.Series:
    """Observed stage of every customer signed up by ``date``: :func:`observable_features` then :func:`assign_stage`.

    Parameters are those of the two functions.

    Returns
    -------
    Series
        Stage per ``customer_id`` (categories :data:`STATES`; ``"lost"`` for those who had left).

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1], "signup_date": pd.to_datetime(["2024-01-01"])})
    >>> nothing = pd.DataFrame({"customer_id": [], "date": pd.to_datetime([])})
    >>> no_answers = nothing.assign(satisfaction=[], trust=[], commitment=[])
    >>> no_bonds = pd.DataFrame({"customer_id": [], "level": [], "start_date": pd.to_datetime([])})
    >>> stages_at(customers, nothing, no_answers, no_bonds, nothing, "2024-03-31").tolist()
    ['stranger']
    """
    features = observable_features(
        customers,
        transactions,
        surveys,
        bonds,
        churn,
        date,
        purchase_window_months=purchase_window_months,
        survey_window_months=survey_window_months,
    )
    return assign_stage(features, thresholds)


def stages_from_history(stage_history: pd.DataFrame, customers: pd.DataFrame, churn: pd.DataFrame, date) -> pd.Series:
    """Stage of every customer signed up by ``date``, read from a table of recorded stage changes.

    Use it when stages are recorded rather than inferred: the simulation's latent stages
    (``company.truth.stage_history``), or a CRM that logs each change of stage.

    Parameters
    ----------
    stage_history : table with ``customer_id``, ``date`` (first day in the stage) and
        ``stage``; one row per stage entered.
    customers : table with ``customer_id`` and ``signup_date``.
    churn : table with ``customer_id`` and ``date`` (day the customer was lost).
    date : the day of the snapshot.

    Returns
    -------
    Series
        The latest stage entered on or before ``date`` (categories :data:`STATES`),
        ``"lost"`` for customers who had left, indexed by ``customer_id``. A customer
        signed up but with no recorded stage yet is a ``"stranger"``.

    Examples
    --------
    >>> history = pd.DataFrame({"customer_id": [1, 1, 2], "stage": ["stranger", "acquaintance", "stranger"],
    ...                         "date": pd.to_datetime(["2024-01-01", "2024-04-01", "2024-02-01"])})
    >>> customers = pd.DataFrame({"customer_id": [1, 2], "signup_date": pd.to_datetime(["2024-01-05", "2024-02-03"])})
    >>> lost = pd.DataFrame({"customer_id": [2], "date": pd.to_datetime(["2024-05-20"])})
    >>> stages_from_history(history, customers, lost, "2024-06-30").tolist()
    ['acquaintance', 'lost']
    """
    when = _timestamp("date", date)
    require_columns("stage_history", stage_history, ("customer_id", "date", "stage"))
    require_columns("customers", customers, ("customer_id", "signup_date"))
    require_columns("churn", churn, ("customer_id", "date"))
    refuse_rows(
        "stage_history",
        "stage",
        stage_history,
        ~stage_history["stage"].astype(object).isin(schema.STAGES),
        f"are not one of {list(schema.STAGES)}",
    )
    history_dates = to_dates("stage_history", stage_history, "date")
    signup = to_dates("customers", customers, "signup_date")
    ids = pd.Index(customers["customer_id"].to_numpy()[(signup <= when).to_numpy()], name="customer_id")
    known = (
        stage_history.loc[(history_dates <= when).to_numpy(), ["customer_id", "stage"]]
        .assign(_date=history_dates[(history_dates <= when).to_numpy()].to_numpy())
        .sort_values(["customer_id", "_date"], kind="stable")
        .drop_duplicates("customer_id", keep="last")
        .set_index("customer_id")["stage"]
        .astype(object)
    )
    stage = known.reindex(ids).fillna(schema.STAGES[0])
    churn_dates = to_dates("churn", churn, "date")
    lost = ids.isin(churn.loc[(churn_dates <= when).to_numpy(), "customer_id"])
    stage[lost] = LOST
    return pd.Series(pd.Categorical(stage.to_numpy(), dtype=_STATE_DTYPE), index=ids, name="stage")


def stage_mix(stages: pd.Series, *, include_lost: bool = False) -> pd.Series:
    """How many customers are in each stage.

    Parameters
    ----------
    stages : stage per customer (values in :data:`STATES`).
    include_lost : also count ``"lost"`` customers (default: active customers only).

    Returns
    -------
    Series
        Count per stage, in ladder order (then ``lost`` when included).

    Examples
    --------
    >>> stage_mix(pd.Series(["friend", "stranger", "friend", "lost"])).tolist()
    [1, 0, 2, 0]
    """
    checked = _stage_series("stages", stages)
    labels = list(STATES) if include_lost else list(schema.STAGES)
    counts = checked.value_counts().reindex(labels, fill_value=0).astype(np.int64)
    counts.index = pd.Index(labels, name="stage")
    return counts.rename("customers")


def stage_mix_over_time(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    surveys: pd.DataFrame,
    bonds: pd.DataFrame,
    churn: pd.DataFrame,
    dates: Iterable,
    thresholds: pd.DataFrame | None = None,
    **windows,
) -> pd.DataFrame:
    """Active customers per observed stage at each date (the stage mix over time).

    Parameters
    ----------
    customers, transactions, surveys, bonds, churn : the tables, as in :func:`observable_features`.
    dates : the snapshot days, e.g. month ends.
    thresholds : as in :func:`assign_stage`.
    **windows : ``purchase_window_months`` and ``survey_window_months`` (months).

    Returns
    -------
    DataFrame
        Index ``date``, one column per stage: counts of active customers.
        Divide by ``.sum(axis=1)`` for shares.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2], "signup_date": pd.to_datetime(["2024-01-01", "2024-03-01"])})
    >>> nothing = pd.DataFrame({"customer_id": [], "date": pd.to_datetime([])})
    >>> no_answers = nothing.assign(satisfaction=[], trust=[], commitment=[])
    >>> no_bonds = pd.DataFrame({"customer_id": [], "level": [], "start_date": pd.to_datetime([])})
    >>> stage_mix_over_time(customers, nothing, no_answers, no_bonds, nothing, ["2024-01-31", "2024-03-31"])["stranger"].tolist()
    [1, 2]
    """
    snapshots = [_timestamp("dates", d) for d in dates]
    rows = [
        stage_mix(stages_at(customers, transactions, surveys, bonds, churn, d, thresholds, **windows))
        for d in snapshots
    ]  # one vectorised snapshot per date
    frame = pd.DataFrame(rows, index=pd.DatetimeIndex(snapshots, name="date"))
    frame.columns.name = "stage"
    return frame


def _aligned_pair(actual: pd.Series, predicted: pd.Series) -> tuple[pd.Series, pd.Series]:
    actual = _stage_series("actual", actual)
    predicted = _stage_series("predicted", predicted)
    missing = actual.index.difference(predicted.index)
    extra = predicted.index.difference(actual.index)
    if len(missing) or len(extra):
        raise ValueError(
            "actual and predicted must describe the same customers; "
            f"only in actual: {missing[:SHOWN_ROWS].tolist()}, only in predicted: "
            f"{extra[:SHOWN_ROWS].tolist()}"
        )
    predicted = predicted.reindex(actual.index)
    one_sided = (actual == LOST) != (predicted == LOST)
    if one_sided.any():
        raise ValueError(
            f"{int(one_sided.sum())} customer(s) are lost in one series but not in the other "
            f"(first: {actual.index[one_sided.to_numpy()][:SHOWN_ROWS].tolist()}); "
            "both should use the same churn table"
        )
    active = (actual != LOST).to_numpy()
    return actual[active], predicted[active]


def confusion_matrix(actual: pd.Series, predicted: pd.Series) -> pd.DataFrame:
    """Count customers by actual stage (rows) and predicted stage (columns).

    Customers lost in both series are left out (they are no longer in a stage).

    Parameters
    ----------
    actual : the reference stages (e.g. the simulation's latent ones), by ``customer_id``.
    predicted : the stages to judge (e.g. from :func:`assign_stage`), same customers.

    Returns
    -------
    DataFrame
        4 × 4 counts; index ``actual``, columns ``predicted``, both in ladder order.
        The diagonal holds the agreements.

    Raises
    ------
    ValueError
        If the two series cover different customers, or one says lost and the other not.

    Examples
    --------
    >>> actual = pd.Series(["stranger", "friend", "friend", "partner"])
    >>> predicted = pd.Series(["stranger", "friend", "acquaintance", "friend"])
    >>> confusion_matrix(actual, predicted).loc["friend"].tolist()
    [0, 1, 1, 0]
    """
    actual, predicted = _aligned_pair(actual, predicted)
    labels = list(schema.STAGES)
    table = pd.crosstab(
        pd.Categorical(actual.astype(object), categories=labels),
        pd.Categorical(predicted.astype(object), categories=labels),
        dropna=False,
    )
    table = table.reindex(index=labels, columns=labels, fill_value=0).astype(np.int64)
    table.index, table.columns = pd.Index(labels, name="actual"), pd.Index(labels, name="predicted")
    return table


def accuracy(actual: pd.Series, predicted: pd.Series) -> float:
    """Share of active customers whose predicted stage equals the actual one.

    ``accuracy = trace(C) / sum(C)`` for the confusion matrix ``C``.

    Examples
    --------
    >>> accuracy(pd.Series(["stranger", "friend", "friend", "partner"]),
    ...          pd.Series(["stranger", "friend", "acquaintance", "friend"]))
    0.5
    """
    actual, predicted = _aligned_pair(actual, predicted)
    if len(actual) == 0:
        raise ValueError("accuracy needs at least one active customer")
    return float((actual.astype(object) == predicted.astype(object)).mean())


# ---------------------------------------------------------------------------------------
# Migration between stages (Markov chain)
# ---------------------------------------------------------------------------------------


def transition_matrix(before: pd.Series, after: pd.Series, *, normalize: bool = True) -> pd.DataFrame:
    """Stage-to-stage migration of customers between two dates.

    The population is the customers active at the first date. Each is counted in the
    cell (stage before, state after); ``lost`` means they left in between. Customers who
    joined between the dates appear only in ``after`` and are left out: they are the
    inflow (:func:`newcomers`), which :func:`project_stages` adds each period. ``lost`` is **absorbing**:
    its row keeps everyone lost, because a customer who left is gone for good (a
    returning customer counts as a new one). The period of the chain is the gap between
    the two dates.

    Parameters
    ----------
    before : stage per customer at the first date (values in :data:`STATES`).
    after : stage per customer at the second date; must include every customer of ``before``.
    normalize : True (default) for probabilities per row (moves per period); False for counts.

    Returns
    -------
    DataFrame
        5 × 5 over :data:`STATES`; index ``from``, columns ``to``. With ``normalize``,
        each row sums to 1 and ``P[i, j]`` estimates the probability that a customer in
        stage ``i`` is in state ``j`` one period later (the maximum-likelihood
        estimator ``n_ij / n_i``). A stage nobody started in has no evidence: its row
        keeps its customers in place, with a warning.

    Raises
    ------
    ValueError
        If a customer of ``before`` is missing from ``after``, or comes back from ``lost``.

    References
    ----------
    Pfeifer & Carraway (2000); Johnson & Selnes (2004) on migration through the portfolio.

    Examples
    --------
    >>> before = pd.Series(["stranger"] * 4 + ["acquaintance", "friend", "partner"])
    >>> after = pd.Series(["stranger", "acquaintance", "lost", "lost", "friend", "friend", "partner"])
    >>> matrix = transition_matrix(before, after)
    >>> matrix.loc["stranger"].tolist()
    [0.25, 0.25, 0.0, 0.0, 0.5]
    >>> matrix.loc["lost"].tolist()
    [0.0, 0.0, 0.0, 0.0, 1.0]
    """
    before = _stage_series("before", before)
    after = _stage_series("after", after)
    missing = before.index.difference(after.index)
    if len(missing):
        raise ValueError(
            f"after must give the state of every customer in before; {len(missing)} missing, "
            f"first customer_id {missing[:SHOWN_ROWS].tolist()}"
        )
    later = after.reindex(before.index)
    back = ((before == LOST) & (later != LOST)).to_numpy()
    if back.any():
        raise ValueError(
            f"{int(back.sum())} customer(s) were lost at the first date but not at the second "
            f"(first customer_id {before.index[back][:SHOWN_ROWS].tolist()}); 'lost' is absorbing"
        )
    start = (before != LOST).to_numpy()
    k = len(STATES)
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (before.cat.codes.to_numpy()[start], later.cat.codes.to_numpy()[start]), 1)
    index, columns = pd.Index(list(STATES), name="from"), pd.Index(list(STATES), name="to")
    if not normalize:
        return pd.DataFrame(counts, index=index, columns=columns)
    totals = counts.sum(axis=1, keepdims=True).astype(float)
    probabilities = np.divide(counts, totals, out=np.zeros((k, k)), where=totals > 0)
    empty = [STATES[i] for i in range(k - 1) if totals[i, 0] == 0]
    for i in range(k):
        if totals[i, 0] == 0:
            probabilities[i, i] = 1.0
    if empty:
        warnings.warn(
            f"transition_matrix: no customer started in {empty}; their row keeps them in place "
            "(probability 1 of staying). Use a longer history or earlier dates.",
            UserWarning,
            stacklevel=2,
        )
    return pd.DataFrame(probabilities, index=index, columns=columns)


def adjust_migration(
    transition, *, promotion_factor: float = 1.0, demotion_factor: float = 1.0, churn_factor: float = 1.0
) -> pd.DataFrame:
    """A what-if transition matrix: promotions, demotions and losses scaled by factors.

    In each stage's row, the probabilities of moving up (to any higher stage) are
    multiplied by ``promotion_factor``, of moving down by ``demotion_factor`` and of
    being lost by ``churn_factor``; staying put takes what is left. A row cannot give
    away more than all its customers: the loss probability is capped at 1, and if
    promotions plus demotions would then exceed what remains, both are scaled down in
    proportion so that nobody stays. The ``lost`` row stays absorbing.

    Parameters
    ----------
    transition : transition matrix over :data:`STATES` (DataFrame or 5 × 5 array).
    promotion_factor, demotion_factor, churn_factor : multipliers (≥ 0; 1 = unchanged).

    Returns
    -------
    DataFrame
        The adjusted matrix (rows sum to 1), labelled like :func:`transition_matrix`.

    Examples
    --------
    >>> base = np.array([[0.5, 0.2, 0.0, 0.0, 0.3],
    ...                  [0.1, 0.7, 0.1, 0.0, 0.1],
    ...                  [0.0, 0.0, 1.0, 0.0, 0.0],
    ...                  [0.0, 0.0, 0.0, 1.0, 0.0],
    ...                  [0.0, 0.0, 0.0, 0.0, 1.0]])
    >>> adjust_migration(base, promotion_factor=2, churn_factor=0.5).iloc[:2].round(2).to_numpy().tolist()
    [[0.45, 0.4, 0.0, 0.0, 0.15], [0.1, 0.65, 0.2, 0.0, 0.05]]
    """
    matrix = _transition_array(transition)
    factors = {
        name: _positive(name, value, allow_zero=True)
        for name, value in (
            ("promotion_factor", promotion_factor),
            ("demotion_factor", demotion_factor),
            ("churn_factor", churn_factor),
        )
    }
    k = len(STATES)
    lost = STATES.index(LOST)
    i, j = np.indices((k, k))
    stage_cells = (j != lost) & (i != lost)
    up = np.where(stage_cells & (j > i), matrix, 0.0) * factors["promotion_factor"]
    down = np.where(stage_cells & (j < i), matrix, 0.0) * factors["demotion_factor"]
    loss = np.minimum(matrix[:, lost] * factors["churn_factor"], 1.0)
    moves = up.sum(axis=1) + down.sum(axis=1)
    room = 1.0 - loss
    shrink = np.divide(room, moves, out=np.ones(k), where=moves > room)
    up, down = up * shrink[:, None], down * shrink[:, None]
    adjusted = up + down
    adjusted[:, lost] = loss
    adjusted[np.arange(k), np.arange(k)] = np.clip(1.0 - adjusted.sum(axis=1), 0.0, None)
    adjusted[lost] = np.eye(k)[lost]
    return pd.DataFrame(adjusted, index=pd.Index(list(STATES), name="from"), columns=pd.Index(list(STATES), name="to"))


def project_stages(start_counts, transition, periods: int, *, new_customers_per_period: float = 0.0) -> pd.DataFrame:
    """The stage mix projected ``periods`` periods ahead by the Markov chain.

    ``x[t+1] = x[t] · P + a``: every period, customers move by the transition matrix
    ``P`` (lost ones stay lost), then the period's newcomers ``a`` join (Pfeifer &
    Carraway 2000, with inflow). New customers start as strangers; counted at the end of
    the period in which they joined, some have already climbed, which a per-stage ``a``
    from :func:`newcomers` keeps (a plain number puts them all on the first rung). The
    period is that of ``P`` (the gap between the two dates it was estimated from).

    Parameters
    ----------
    start_counts : customers per state at period 0 (Series indexed by state, e.g.
        from :func:`stage_mix`; states left out count 0).
    transition : transition matrix over :data:`STATES` with ``lost`` absorbing.
    periods : how many periods to project (whole number ≥ 1).
    new_customers_per_period : newcomers per period: a number (≥ 0) entering as
        strangers, or counts per stage (Series, e.g. from :func:`newcomers`).

    Returns
    -------
    DataFrame
        Index ``period`` 0…``periods``; columns :data:`STATES` (expected counts). The
        ``lost`` column is cumulative: everyone lost since period 0, plus any lost at start.

    References
    ----------
    Pfeifer & Carraway (2000), "customer migration model".

    Examples
    --------
    >>> P = np.array([[0.5, 0.3, 0.0, 0.0, 0.2],
    ...               [0.0, 0.8, 0.1, 0.0, 0.1],
    ...               [0.0, 0.0, 0.9, 0.05, 0.05],
    ...               [0.0, 0.0, 0.0, 1.0, 0.0],
    ...               [0.0, 0.0, 0.0, 0.0, 1.0]])
    >>> project_stages(pd.Series({"stranger": 100}), P, 2, new_customers_per_period=10).round(1)
            stranger  acquaintance  friend  partner  lost
    period
    0          100.0           0.0     0.0      0.0   0.0
    1           60.0          30.0     0.0      0.0  20.0
    2           40.0          42.0     3.0      0.0  35.0
    """
    counts = _counts("start_counts", start_counts)
    matrix = _transition_array(transition)
    if isinstance(periods, bool) or not isinstance(periods, (int, np.integer)) or periods < 1:
        raise ValueError(f"periods must be a whole number ≥ 1, got {periods!r}")
    inflow = _inflow(new_customers_per_period)
    path = np.empty((periods + 1, len(STATES)))
    path[0] = counts
    for t in range(periods):  # a loop over periods, each a vector-matrix product
        path[t + 1] = path[t] @ matrix + inflow
    return pd.DataFrame(path, index=pd.RangeIndex(periods + 1, name="period"), columns=list(STATES))


def newcomers(stages: pd.Series, customers: pd.DataFrame, start, end) -> pd.Series:
    """Where the customers acquired during a period stand at its end: the inflow of one period.

    Every new customer starts as a stranger, but by the end of the period in which they
    joined some have already climbed, and some have left. These counts are what
    :func:`project_stages` and :func:`steady_state` add each period. (Newcomers who left
    never appear at a period's end, just as they never enter :func:`transition_matrix`,
    whose population is the customers active at its first date.)

    Parameters
    ----------
    stages : stage per customer on ``end`` (values in :data:`STATES`), e.g. from :func:`stages_at`.
    customers : table with ``customer_id`` and ``signup_date``.
    start, end : the period ``(start, end]``.

    Returns
    -------
    Series
        Newcomers still active on ``end``, per stage; ``.sum()`` is their number.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2, 3, 4], "signup_date": pd.to_datetime(
    ...     ["2023-05-01", "2024-02-01", "2024-03-01", "2024-10-01"])})
    >>> stages = pd.Series(["friend", "acquaintance", "lost", "stranger"], index=[1, 2, 3, 4])
    >>> newcomers(stages, customers, "2023-12-31", "2024-12-31").tolist()
    [1, 1, 0, 0]
    """
    checked = _stage_series("stages", stages)
    require_columns("customers", customers, ("customer_id", "signup_date"))
    begin, finish = _timestamp("start", start), _timestamp("end", end)
    if finish <= begin:
        raise ValueError(f"end ({finish.date()}) must come after start ({begin.date()})")
    signup = to_dates("customers", customers, "signup_date")
    joined = customers.loc[((signup > begin) & (signup <= finish)).to_numpy(), "customer_id"]
    unknown = pd.Index(joined).difference(checked.index)
    if len(unknown):
        raise ValueError(
            f"stages has no stage for {len(unknown)} customer(s) who joined in the period "
            f"(first customer_id {unknown[:SHOWN_ROWS].tolist()}); place them on {finish.date()}"
        )
    return stage_mix(checked[checked.index.isin(joined)]).rename("newcomers")


def _inflow(value) -> np.ndarray:
    """New customers per period as a vector over :data:`STATES`: a number enters as strangers."""
    if isinstance(value, (pd.Series, dict)):
        counts = _counts("new_customers_per_period", value)
        if counts[STATES.index(LOST)] > 0:
            raise ValueError("new_customers_per_period cannot put new customers in 'lost'")
        return counts
    inflow = np.zeros(len(STATES))
    inflow[0] = _positive("new_customers_per_period", value, allow_zero=True)
    return inflow


def _fundamental(matrix: np.ndarray, origins: np.ndarray) -> np.ndarray:
    """``(I − Q)⁻¹`` over the stages reachable from ``origins`` (zeros elsewhere), checked."""
    k = len(schema.STAGES)
    q = matrix[:k, :k]
    reachable = np.asarray(origins, dtype=bool).copy()
    leaves = matrix[:k, -1] > 0
    for _step in range(k):  # propagate along the (at most k-step) paths of the 4-stage ladder
        reachable |= (reachable.astype(float) @ (q > 0)) > 0
        leaves |= ((q > 0).astype(float) @ leaves) > 0
    trapped = [schema.STAGES[i] for i in range(k) if reachable[i] and not leaves[i]]
    if trapped:
        raise ValueError(
            f"customers in {trapped} can never be lost under this matrix, so the expected time is "
            "infinite; check the rows of these stages (a stage with no customers at the start keeps "
            "them in place)"
        )
    # Only the stages reachable from the origins matter; the others may have no way out.
    inside = np.flatnonzero(reachable)
    fundamental = np.zeros((k, k))
    fundamental[np.ix_(inside, inside)] = np.linalg.inv(np.eye(len(inside)) - q[np.ix_(inside, inside)])
    return fundamental


def time_in_stages(transition, start: str = "stranger") -> pd.Series:
    """Expected number of periods a customer starting in ``start`` spends in each stage before being lost.

    For the absorbing chain with transient part ``Q`` (the four stages), the fundamental
    matrix ``N = (I − Q)⁻¹`` gives in ``N[i, j]`` the expected number of periods spent in
    stage ``j`` by a customer now in stage ``i``, counting the current period (Kemeny &
    Snell 1960, thm 3.2.4). The row sum is the expected lifetime in periods.

    Parameters
    ----------
    transition : transition matrix over :data:`STATES` with ``lost`` absorbing.
    start : the starting stage (default ``"stranger"``, a new customer).

    Returns
    -------
    Series
        Periods per stage (one value per stage of the ladder).

    Raises
    ------
    ValueError
        If customers reachable from ``start`` can never be lost (then the time is infinite).

    Examples
    --------
    >>> P = np.array([[0.5, 0.3, 0.0, 0.0, 0.2],
    ...               [0.0, 0.8, 0.0, 0.0, 0.2],
    ...               [0.0, 0.0, 1.0, 0.0, 0.0],
    ...               [0.0, 0.0, 0.0, 1.0, 0.0],
    ...               [0.0, 0.0, 0.0, 0.0, 1.0]])
    >>> time_in_stages(P).round(2).tolist()
    [2.0, 3.0, 0.0, 0.0]
    """
    matrix = _transition_array(transition)
    if start not in schema.STAGES:
        raise ValueError(f"start must be one of {list(schema.STAGES)}, got {start!r}")
    origin = schema.STAGES.index(start)
    fundamental = _fundamental(matrix, np.arange(len(schema.STAGES)) == origin)
    return pd.Series(fundamental[origin], index=pd.Index(list(schema.STAGES), name="stage"), name="periods")


def steady_state(transition, new_customers_per_period) -> pd.Series:
    """The long-run customer base when the same newcomers arrive every period.

    With ``lost`` absorbing and a constant inflow ``a`` (newcomers per stage), the active
    base converges to ``x* = a · (I − Q)⁻¹``, the fixed point of :func:`project_stages`.
    For ``n`` newcomers entering as strangers that is ``n`` times the periods a new
    customer spends on each rung (:func:`time_in_stages`): the leaky bucket in balance,
    with as many customers lost per period as arrive. Without inflow the base empties.

    Parameters
    ----------
    transition : transition matrix over :data:`STATES` with ``lost`` absorbing.
    new_customers_per_period : newcomers per period: a number (> 0, entering as strangers)
        or counts per stage (e.g. from :func:`newcomers`).

    Returns
    -------
    Series
        Expected active customers per stage in the long run; divide by the sum for the mix.

    References
    ----------
    Kemeny & Snell (1960), ch. III; Pfeifer & Carraway (2000).

    Examples
    --------
    >>> P = np.array([[0.5, 0.3, 0.0, 0.0, 0.2],
    ...               [0.0, 0.8, 0.0, 0.0, 0.2],
    ...               [0.0, 0.0, 1.0, 0.0, 0.0],
    ...               [0.0, 0.0, 0.0, 1.0, 0.0],
    ...               [0.0, 0.0, 0.0, 0.0, 1.0]])
    >>> steady_state(P, 100).round(1).tolist()
    [200.0, 300.0, 0.0, 0.0]
    >>> steady_state(P, pd.Series({"stranger": 80, "acquaintance": 20})).round(1).tolist()
    [160.0, 340.0, 0.0, 0.0]
    """
    matrix = _transition_array(transition)
    inflow = _inflow(new_customers_per_period)[: len(schema.STAGES)]
    if inflow.sum() <= 0:
        raise ValueError(
            "steady_state needs new customers (new_customers_per_period > 0): without them everyone is eventually lost"
        )
    fundamental = _fundamental(matrix, inflow > 0)
    return pd.Series(inflow @ fundamental, index=pd.Index(list(schema.STAGES), name="stage"), name="customers")


# ---------------------------------------------------------------------------------------
# What the base is worth
# ---------------------------------------------------------------------------------------


def margin_by_stage(stages: pd.Series, transactions: pd.DataFrame, start, end) -> pd.Series:
    """Average gross margin per customer over the next period, by stage at its start.

    Every customer active on ``start`` counts, including those who leave during the
    period (their margin stops when they go), so the figure is the expected margin of
    one period for a customer who begins it in that stage: the reward of the Markov
    chain in :func:`value_by_stage`.

    Parameters
    ----------
    stages : stage per customer on ``start`` (values in :data:`STATES`).
    transactions : table with ``customer_id``, ``date``, ``amount`` and ``cost`` (currency).
    start, end : the period is ``(start, end]``: use the two dates of the transition
        matrix, so the margin and the moves cover the same period.

    Returns
    -------
    Series
        Margin (currency per customer per period) per stage; NaN for a stage with no customer.

    Examples
    --------
    >>> stages = pd.Series(["stranger", "friend", "friend", "lost"], index=[1, 2, 3, 4])
    >>> sales = pd.DataFrame({"customer_id": [1, 2, 2, 4], "amount": [50.0, 100.0, 60.0, 80.0],
    ...                       "cost": [30.0, 60.0, 40.0, 50.0],
    ...                       "date": pd.to_datetime(["2024-02-01", "2024-03-01", "2024-12-01", "2024-02-01"])})
    >>> margin_by_stage(stages, sales, "2023-12-31", "2024-12-31").tolist()
    [20.0, nan, 30.0, nan]

    The two friends earned 40 + 20 and 0: 30 each on average.
    """
    checked = _stage_series("stages", stages)
    require_columns("transactions", transactions, ("customer_id", "date", "amount", "cost"))
    begin, finish = _timestamp("start", start), _timestamp("end", end)
    if finish <= begin:
        raise ValueError(f"end ({finish.date()}) must come after start ({begin.date()})")
    dates = to_dates("transactions", transactions, "date")
    window = ((dates > begin) & (dates <= finish)).to_numpy()
    margin = (
        (transactions["amount"] - transactions["cost"])[window]
        .groupby(transactions["customer_id"].to_numpy()[window])
        .sum()
    )
    active = checked[checked != LOST]
    per_customer = margin.reindex(active.index, fill_value=0.0)
    result = per_customer.groupby(active.astype(object)).mean().reindex(list(schema.STAGES))
    result.index.name = "stage"
    return result.rename("margin")


def value_by_stage(transition, margin, discount_rate: float) -> pd.Series:
    """Expected discounted margin of a customer in each state, over the rest of the relationship.

    ``V = Σ_t [P / (1 + d)]^t · m`` with ``m`` the margin per period in each stage (0 when
    lost), so ``V = [I − P / (1 + d)]⁻¹ m``: the margin of the current period is earned
    now, later ones discounted (Pfeifer & Carraway 2000, via
    :func:`helpers.value.markov_clv`).

    Parameters
    ----------
    transition : transition matrix over :data:`STATES` with ``lost`` absorbing.
    margin : margin per customer per period in each stage (Series indexed by stage, currency).
    discount_rate : discount rate per period (fraction, > 0).

    Returns
    -------
    Series
        Value (currency) of one customer in each state; ``lost`` is worth 0.

    Examples
    --------
    >>> P = np.array([[0.5, 0.3, 0.0, 0.0, 0.2],
    ...               [0.0, 0.8, 0.0, 0.0, 0.2],
    ...               [0.0, 0.0, 1.0, 0.0, 0.0],
    ...               [0.0, 0.0, 0.0, 1.0, 0.0],
    ...               [0.0, 0.0, 0.0, 0.0, 1.0]])
    >>> margin = pd.Series({"stranger": 6.0, "acquaintance": 36.0, "friend": 0.0, "partner": 0.0})
    >>> value_by_stage(P, margin, 0.25).round(2).tolist()
    [50.0, 100.0, 0.0, 0.0, 0.0]

    By hand: ``V_acq = 36 + 0.8 · V_acq / 1.25`` gives 100; then
    ``V_str = 6 + (0.5 · V_str + 0.3 · 100) / 1.25`` gives 50.
    """
    matrix = _transition_array(transition)
    if not isinstance(margin, pd.Series):
        margin = pd.Series(margin)
    unknown = [str(label) for label in margin.index if str(label) not in schema.STAGES]
    if unknown:
        raise ValueError(f"margin has unknown stage(s) {unknown}; the stages are {list(schema.STAGES)}")
    rewards = margin.reindex(list(schema.STAGES)).astype(float)
    if rewards.isna().any():
        raise ValueError(
            f"margin needs a number for every stage; missing for {rewards.index[rewards.isna()].tolist()} "
            "(a stage with no customers has no average margin: give one yourself)"
        )
    values = markov_clv(matrix, np.append(rewards.to_numpy(), 0.0), discount_rate)
    return pd.Series(values, index=pd.Index(list(STATES), name="state"), name="value")


def base_value(counts, transition, margin, discount_rate: float) -> float:
    """What the current customer base is worth: customers per stage × value per customer.

    ``Σ_s counts_s · V_s`` with ``V`` from :func:`value_by_stage`. Only today's customers
    count; customers yet to be acquired are not part of the base.

    Parameters
    ----------
    counts : customers per stage (Series indexed by state; lost customers are worth 0).
    transition, margin : as in :func:`value_by_stage`.
    discount_rate : discount rate per period (fraction, > 0), as in :func:`value_by_stage`.

    Returns
    -------
    float
        Value of the base (currency).

    Examples
    --------
    >>> P = np.array([[0.5, 0.3, 0.0, 0.0, 0.2],
    ...               [0.0, 0.8, 0.0, 0.0, 0.2],
    ...               [0.0, 0.0, 1.0, 0.0, 0.0],
    ...               [0.0, 0.0, 0.0, 1.0, 0.0],
    ...               [0.0, 0.0, 0.0, 0.0, 1.0]])
    >>> margin = pd.Series({"stranger": 6.0, "acquaintance": 36.0, "friend": 0.0, "partner": 0.0})
    >>> base_value(pd.Series({"stranger": 3, "acquaintance": 2}), P, margin, 0.25)
    350.0
    """
    values = value_by_stage(transition, margin, discount_rate).to_numpy()
    return float(_counts("counts", counts) @ values)


def one_rung_share(counts: pd.DataFrame) -> float:
    """Share of the off-diagonal customers of a stage-by-stage count table that sit one rung away.

    For a confusion matrix (latent × observed stage) it is the share of the rule's mistakes
    that are a neighbouring rung; for a migration matrix of counts (from
    :func:`transition_matrix` with ``normalize=False``) the share of the moves between
    rungs that go one rung up or down. Only the four stages count: moves to or from
    ``lost`` are left out.

    Parameters
    ----------
    counts : customers, index and columns stages (other labels, such as ``lost``, are ignored).

    Returns
    -------
    float
        A fraction in [0, 1]; NaN when no customer is off the diagonal.

    Examples
    --------
    >>> table = pd.DataFrame([[5, 2, 1], [0, 4, 1], [0, 1, 3]],
    ...                      index=["stranger", "acquaintance", "friend"],
    ...                      columns=["stranger", "acquaintance", "friend"])
    >>> one_rung_share(table)
    0.8
    """
    stages = [stage for stage in schema.STAGES if stage in counts.index and stage in counts.columns]
    table = counts.loc[stages, stages].to_numpy(dtype=float)
    rungs = np.array([schema.STAGES.index(stage) for stage in stages])
    distance = np.abs(rungs[:, None] - rungs[None, :])
    off = table[distance > 0].sum()
    return float(table[distance == 1].sum() / off) if off > 0 else float("nan")
