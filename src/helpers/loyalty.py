"""Satisfaction, loyalty and the loyalty matrix: the measures behind lesson 05.

Three ideas, from the survey answer to the customer portfolio:

* **The satisfaction–loyalty curve** (Jones & Sasser 1995). :func:`survey_outcomes` follows
  every survey answer for a fixed window (180 days by default) and records whether the
  customer was still a customer at its end and whether they bought again;
  :func:`satisfaction_loyalty_curve` turns that into rates by satisfaction level. The curve
  is not a straight line: "satisfied" (4) is far from "completely satisfied" (5).
* **The loyalty matrix** (Jones & Sasser 1995: four types, loyalist/apostle, mercenary,
  hostage and defector/terrorist; the Spanish class notes call them apóstoles, mercenarios,
  rehenes and terroristas, and add a fifth, the indiferentes in the middle band).
  :func:`loyalty_components` builds a
  per-customer table of the latest satisfaction and four behavioural and attitudinal
  components of loyalty, :func:`loyalty_index` combines them into one number in [0, 1],
  :func:`loyalty_segment` crosses it with satisfaction, and :func:`segment_summary`
  counts the customers and the value at stake in each type.
* **The Net Promoter Score** (Reichheld 2003): :func:`nps_category` and :func:`nps`.

Every function is pure: pandas/numpy in, pandas/numpy out, no plotting, no files.

References
----------
* Jones, T. O. & Sasser, W. E. (1995). Why satisfied customers defect. *Harvard Business
  Review* 73(6), 88–99.
* Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*
  81(12), 46–54.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers.glossary import spanish
from helpers.purchases import window_purchases
from helpers.validation import SHOWN_ROWS, refuse_rows, require_columns, to_dates, whole_numbers

__all__ = [
    "LOYALTY_COMPONENTS",
    "LOYALTY_TYPES",
    "NPS_CATEGORIES",
    "loyalty_components",
    "loyalty_index",
    "loyalty_segment",
    "nps",
    "nps_category",
    "satisfaction_loyalty_curve",
    "satisfaction_scale",
    "segment_summary",
    "stage_share_by_answer",
    "survey_outcomes",
]

#: The customer types of the loyalty matrix, in the order lessons show them: Jones & Sasser's four
#: and the class notes' fifth, the indifferent.
LOYALTY_TYPES = ("apostle", "mercenary", "hostage", "terrorist", "indifferent")
#: The three groups of the NPS question, from the lowest to the highest answers.
NPS_CATEGORIES = ("detractor", "passive", "promoter")
#: The columns :func:`loyalty_index` combines, each a fraction in [0, 1].
LOYALTY_COMPONENTS = ("repurchase", "tenure", "bonds", "intention")
#: Default weights of the components in the loyalty index: equal, so none dominates.
DEFAULT_WEIGHTS = {"repurchase": 0.25, "tenure": 0.25, "bonds": 0.25, "intention": 0.25}

_BOND_LEVELS = 4  # financial, social, customization, structural
_DAYS_PER_MONTH = 30.4375

_SCALE = (
    (1, "completely dissatisfied"),
    (2, "dissatisfied"),
    (3, "neither satisfied nor dissatisfied"),
    (4, "satisfied"),
    (5, "completely satisfied"),
)


# ---------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------


def _fractions(table: str, frame: pd.DataFrame, columns) -> None:
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isnan(values) & ((values < 0) | (values > 1))
        refuse_rows(table, column, frame, bad, "are not fractions in [0, 1]")


def _day_numbers(dates: pd.Series) -> np.ndarray:
    """Whole days since 1970-01-01 (the time of day is ignored)."""
    return dates.dt.floor("D").to_numpy().astype("datetime64[D]").astype(np.int64)


# ---------------------------------------------------------------------------------------
# The five-level scale and the satisfaction–loyalty curve
# ---------------------------------------------------------------------------------------


def satisfaction_scale() -> pd.DataFrame:
    """The five-level satisfaction scale, with the Spanish wording of each level.

    Returns
    -------
    pandas.DataFrame
        DataFrame with columns ``level`` (1–5), ``English`` and ``Spanish``.

    Examples
    --------
    >>> satisfaction_scale().loc[4, "English"]
    'completely satisfied'
    """
    scale = pd.DataFrame(_SCALE, columns=["level", "English"])
    return scale.assign(Spanish=[spanish(level) for level in scale["English"]])


def survey_outcomes(
    surveys: pd.DataFrame, transactions: pd.DataFrame, churn: pd.DataFrame, observation_end, *, window_days: int = 180
) -> pd.DataFrame:
    """What each surveyed customer did in the ``window_days`` days after answering.

    For an answer given on day *d*, the window is the days *d* + 1 … *d* + ``window_days``:

    * ``retained`` — 1.0 if the customer was still a customer on day *d* + ``window_days``
      (no churn date, or a churn date after it), else 0.0;
    * ``repurchased`` — 1.0 if they bought at least once in the window, else 0.0;
    * ``purchases`` — how many purchases they made in the window.

    An answer is ``observed`` only when its whole window lies within the data
    (*d* + ``window_days`` ≤ ``observation_end``); for the others the three outcomes are
    NaN, because we cannot yet know them. They are kept, not dropped, so a reader can
    count them.

    Parameters
    ----------
    surveys : pandas.DataFrame
        columns ``survey_id``, ``customer_id``, ``date``, ``satisfaction`` (1–5).
    transactions : pandas.DataFrame
        columns ``customer_id``, ``date``.
    churn : pandas.DataFrame
        columns ``customer_id``, ``date`` (the day the customer was lost).
    observation_end : date
        last day covered by the data.
    window_days : int, optional
        length of the follow-up window in days (default 180, about six months:
        long enough for a customer who buys every few months to show up, short enough
        to keep most answers observable).

    Returns
    -------
    pandas.DataFrame
        The survey rows (``survey_id``, ``customer_id``, ``date``, ``satisfaction``) plus
        ``observed`` (bool) and ``retained``, ``repurchased``, ``purchases`` (floats).

    Examples
    --------
    >>> surveys = pd.DataFrame({"survey_id": [1, 2], "customer_id": [7, 8],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-06-01"]), "satisfaction": [5, 3]})
    >>> sales = pd.DataFrame({"customer_id": [7], "date": pd.to_datetime(["2024-02-01"])})
    >>> lost = pd.DataFrame({"customer_id": [8], "date": pd.to_datetime(["2024-07-01"])})
    >>> survey_outcomes(surveys, sales, lost, "2024-12-31")[["observed", "retained", "purchases"]]
       observed  retained  purchases
    0      True       1.0        1.0
    1      True       0.0        0.0
    """
    require_columns("surveys", surveys, ("survey_id", "customer_id", "date", "satisfaction"))
    require_columns("transactions", transactions, ("customer_id", "date"))
    require_columns("churn", churn, ("customer_id", "date"))
    if int(window_days) != window_days or window_days < 1:
        raise ValueError(f"window_days must be a whole number of days ≥ 1, got {window_days!r}")
    window_days = int(window_days)
    whole_numbers("surveys", surveys, "satisfaction", 1, 5)
    answered = _day_numbers(to_dates("surveys", surveys, "date"))
    end_day = int(np.datetime64(pd.Timestamp(observation_end).floor("D"), "D").astype(np.int64))
    refuse_rows("churn", "customer_id", churn, churn["customer_id"].duplicated(), "repeat a customer")

    out = surveys[["survey_id", "customer_id", "date", "satisfaction"]].reset_index(drop=True)
    observed = answered + window_days <= end_day
    out["observed"] = observed

    # Retained: the churn day (if any) falls after the last day of the window.
    churn_day = pd.Series(_day_numbers(to_dates("churn", churn, "date")), index=churn["customer_id"].to_numpy())
    lost_on = churn_day.reindex(out["customer_id"].to_numpy()).to_numpy(dtype=float)
    retained = np.isnan(lost_on) | (lost_on > answered + window_days)

    # Purchases in the window, counted with one sorted key per (customer, day).
    customer_ids = out["customer_id"].to_numpy(dtype=np.int64)
    sale_days = _day_numbers(to_dates("transactions", transactions, "date"))
    span = int(max(sale_days.max(initial=0), answered.max(initial=0), end_day) + window_days + 2)
    offset = int(min(sale_days.min(initial=0), answered.min(initial=0), 0))
    keys = np.sort(transactions["customer_id"].to_numpy(dtype=np.int64) * (span - offset) + (sale_days - offset))
    first = customer_ids * (span - offset) + (answered - offset)
    purchases = np.searchsorted(keys, first + window_days, side="right") - np.searchsorted(keys, first, side="right")

    out["retained"] = np.where(observed, retained.astype(float), np.nan)
    out["repurchased"] = np.where(observed, (purchases > 0).astype(float), np.nan)
    out["purchases"] = np.where(observed, purchases.astype(float), np.nan)
    return out


def satisfaction_loyalty_curve(outcomes: pd.DataFrame, *, reference_level: int = 4) -> pd.DataFrame:
    """Retention and repurchase rates by satisfaction level: the satisfaction–loyalty curve.

    Jones & Sasser (1995) showed that loyalty does not rise in a straight line with
    satisfaction: it is flat between "dissatisfied" and "satisfied" and jumps at
    "completely satisfied". This table is that curve, measured on observed answers.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        the table of :func:`survey_outcomes`; only rows with ``observed`` True count.
    reference_level : int, optional
        the level the ``*_vs_reference`` columns compare with (default 4,
        "satisfied", the level most companies are content with).

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by ``satisfaction`` (1–5, every level, NaN rates where there are
        no answers) with columns ``answers`` (count), ``retention_rate``,
        ``repurchase_rate`` (fractions), ``purchases_per_answer`` (purchases in the window),
        ``churn_vs_reference`` (the level's churn rate 1 − retention divided by the
        reference level's) and ``purchases_vs_reference`` (purchases per answer divided by
        the reference level's).

    Examples
    --------
    >>> outcomes = pd.DataFrame({"satisfaction": [4, 4, 5, 5], "observed": True,
    ...     "retained": [1.0, 0.0, 1.0, 1.0], "repurchased": [1.0, 0.0, 1.0, 1.0],
    ...     "purchases": [2.0, 0.0, 3.0, 5.0]})
    >>> satisfaction_loyalty_curve(outcomes).loc[5, ["answers", "retention_rate", "purchases_vs_reference"]].tolist()
    [2.0, 1.0, 4.0]
    """
    require_columns("outcomes", outcomes, ("satisfaction", "observed", "retained", "repurchased", "purchases"))
    if reference_level not in range(1, 6):
        raise ValueError(f"reference_level must be a level from 1 to 5, got {reference_level!r}")
    used = outcomes[outcomes["observed"].astype(bool)]
    whole_numbers("outcomes", used, "satisfaction", 1, 5)
    grouped = used.groupby(used["satisfaction"].astype(int))
    curve = pd.DataFrame(
        {
            "answers": grouped.size(),
            "retention_rate": grouped["retained"].mean(),
            "repurchase_rate": grouped["repurchased"].mean(),
            "purchases_per_answer": grouped["purchases"].mean(),
        }
    ).reindex(pd.Index(range(1, 6), name="satisfaction"))
    curve["answers"] = curve["answers"].fillna(0).astype(np.int64)
    churn = 1 - curve["retention_rate"]
    curve["churn_vs_reference"] = churn / churn.loc[reference_level]
    curve["purchases_vs_reference"] = curve["purchases_per_answer"] / curve.loc[reference_level, "purchases_per_answer"]
    return curve


# ---------------------------------------------------------------------------------------
# The loyalty matrix
# ---------------------------------------------------------------------------------------


def loyalty_components(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    surveys: pd.DataFrame,
    bonds: pd.DataFrame | None,
    churn: pd.DataFrame,
    as_of,
    *,
    months: int = 12,
    full_tenure_months: float = 24.0,
) -> pd.DataFrame:
    """One row per customer active on ``as_of``: latest satisfaction and the loyalty components.

    Loyalty has a behavioural side (buying again, staying, being tied by bonds) and an
    attitudinal side (the stated wish to continue); Jones & Sasser (1995) measure it by
    both. Each component is scaled to [0, 1]:

    * ``repurchase`` — share of the last ``months`` calendar months (up to and including the
      month of ``as_of``) with at least one purchase; for a customer who joined later, the
      share of the months since joining;
    * ``tenure`` — months since signup ÷ ``full_tenure_months``, capped at 1;
    * ``bonds`` — retention bond levels held (financial, social, customization,
      structural) ÷ 4 (NaN for everyone when ``bonds`` is None: the data does not record
      bonds, which is not the same as nobody holding one);
    * ``intention`` — (latest ``commitment`` answer − 1) ÷ 4, the stated intention to continue
      (NaN for a customer who never answered a survey, or whose latest answer left the
      question empty — for everyone when the survey does not ask it).

    Only data up to ``as_of`` is used. A customer who never answered a survey has NaN
    ``satisfaction``, ``recommend`` and ``intention``: they cannot be placed on the
    satisfaction axis, and they stay in the table so they can be counted. A component
    the data does not measure for anyone is left out of :func:`loyalty_index`'s default.

    Parameters
    ----------
    customers : pandas.DataFrame
        ``customer_id``, ``signup_date``.
    transactions : pandas.DataFrame or helpers.purchases.Transactions
        ``customer_id``, ``date``, ``amount``, ``cost``; or an engine holding them
        (:mod:`helpers.engines`), which computes the window's purchases
        (:func:`helpers.purchases.window_purchases`).
    surveys : pandas.DataFrame
        ``customer_id``, ``date``, ``satisfaction`` (1–5), ``recommend`` (0–10,
        may be empty), ``commitment`` (1–5, may be empty).
    bonds : pandas.DataFrame or None
        ``customer_id``, ``level``, ``start_date``; None when the data has no record of
        bonds (an empty table means that nobody holds one).
    churn : pandas.DataFrame
        ``customer_id``, ``date``.
    as_of : date
        the day the matrix describes (usually the end of the data).
    months : int, optional
        length of the recent window in calendar months (default 12: a year covers
        every season of buying).
    full_tenure_months : float, optional
        tenure at which the tenure component reaches 1 (default 24).

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by ``customer_id`` with ``satisfaction``, ``recommend``,
        ``survey_date`` (latest answer), ``tenure_months``, ``purchase_months``,
        ``bonds_held``, ``margin`` (gross margin, amount − cost, over the recent window, in
        currency) and the components ``repurchase``, ``tenure``, ``bonds``, ``intention``.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1], "signup_date": pd.to_datetime(["2023-01-10"])})
    >>> sales = pd.DataFrame({"customer_id": [1, 1], "date": pd.to_datetime(["2024-03-02", "2024-03-20"]),
    ...     "amount": [50.0, 30.0], "cost": [30.0, 20.0]})
    >>> answers = pd.DataFrame({"customer_id": [1], "date": pd.to_datetime(["2024-05-01"]),
    ...     "satisfaction": [5], "recommend": [9], "commitment": [4]})
    >>> held = pd.DataFrame({"customer_id": [1], "level": ["financial"], "start_date": pd.to_datetime(["2023-06-01"])})
    >>> lost = pd.DataFrame({"customer_id": pd.Series([], dtype=int), "date": pd.Series([], dtype="datetime64[ns]")})
    >>> row = loyalty_components(customers, sales, answers, held, lost, "2024-12-31").loc[1]
    >>> row[["repurchase", "tenure", "bonds", "intention", "margin"]].astype(float).round(4).tolist()
    [0.0833, 0.987, 0.25, 0.75, 30.0]
    """
    require_columns("customers", customers, ("customer_id", "signup_date"))
    if isinstance(transactions, pd.DataFrame):
        require_columns("transactions", transactions, ("customer_id", "date", "amount", "cost"))
    require_columns("surveys", surveys, ("customer_id", "date", "satisfaction", "recommend", "commitment"))
    if bonds is not None:
        require_columns("bonds", bonds, ("customer_id", "level", "start_date"))
    require_columns("churn", churn, ("customer_id", "date"))
    if int(months) != months or months < 1:
        raise ValueError(f"months must be a whole number ≥ 1, got {months!r}")
    if not full_tenure_months > 0:
        raise ValueError(f"full_tenure_months must be positive, got {full_tenure_months!r}")
    months = int(months)
    when = pd.Timestamp(as_of)
    refuse_rows("customers", "customer_id", customers, customers["customer_id"].duplicated(), "repeat a customer")

    # Who is a customer on as_of: signed up by then and not lost by then.
    signup = to_dates("customers", customers, "signup_date")
    lost_on = pd.Series(to_dates("churn", churn, "date").to_numpy(), index=churn["customer_id"].to_numpy())
    lost = lost_on.reindex(customers["customer_id"].to_numpy()).to_numpy()
    active = (signup.to_numpy() <= when.to_datetime64()) & ~(lost <= when.to_datetime64())
    table = pd.DataFrame(
        {"signup_date": signup.to_numpy()[active]},
        index=pd.Index(customers["customer_id"].to_numpy()[active], name="customer_id"),
    )

    # Latest survey answer up to as_of.
    answered = to_dates("surveys", surveys, "date")
    recent_surveys = surveys[answered <= when].assign(_date=answered[answered <= when])
    whole_numbers("surveys", recent_surveys, "satisfaction", 1, 5)
    whole_numbers("surveys", recent_surveys, "recommend", 0, 10, allow_missing=True)
    whole_numbers("surveys", recent_surveys, "commitment", 1, 5, allow_missing=True)
    latest = (
        recent_surveys.sort_values(["customer_id", "_date"], kind="stable")
        .drop_duplicates("customer_id", keep="last")
        .set_index("customer_id")
    )
    for column, source in (
        ("satisfaction", "satisfaction"),
        ("recommend", "recommend"),
        ("commitment", "commitment"),
        ("survey_date", "_date"),
    ):
        table[column] = latest[source].reindex(table.index)
    for column in ("satisfaction", "recommend", "commitment"):
        table[column] = table[column].astype(float)

    # Purchases and margin in the recent window of calendar months.
    last_month = when.to_period("M")
    bought = window_purchases(transactions, when, months=months)
    table["purchase_months"] = bought["purchase_months"].reindex(table.index, fill_value=0).astype(np.int64)
    table["margin"] = bought["margin"].reindex(table.index, fill_value=0.0).astype(float)
    signup_month = table["signup_date"].dt.to_period("M")
    months_seen = (
        np.clip(last_month.ordinal - np.array([p.ordinal for p in signup_month]) + 1, 1, months)
        if len(table)
        else np.array([], dtype=np.int64)
    )
    table["tenure_months"] = (when - table["signup_date"]).dt.days / _DAYS_PER_MONTH

    if bonds is None:
        table["bonds_held"] = np.nan
    else:
        bond_dates = to_dates("bonds", bonds, "start_date")
        held = bonds[(bond_dates <= when).to_numpy()]
        bonds_held = held.groupby("customer_id", observed=True)["level"].nunique()
        table["bonds_held"] = bonds_held.reindex(table.index, fill_value=0).astype(np.int64)

    table["repurchase"] = table["purchase_months"] / months_seen
    table["tenure"] = np.minimum(table["tenure_months"] / full_tenure_months, 1.0)
    table["bonds"] = table["bonds_held"] / _BOND_LEVELS
    table["intention"] = (table["commitment"] - 1) / 4
    return table.drop(columns=["signup_date", "commitment"])


def loyalty_index(table: pd.DataFrame, *, weights: Mapping[str, float] | None = None) -> pd.Series:
    """The loyalty index: a weighted mean of the loyalty components, in [0, 1].

    ``index = Σ wₖ · componentₖ / Σ wₖ`` over the components ``repurchase``, ``tenure``,
    ``bonds`` and ``intention`` (each in [0, 1], see :func:`loyalty_components`), so 0 is
    a customer who never buys, just joined, holds no bond and does not mean to stay, and
    1 the opposite. Behaviour and stated intention together, as Jones & Sasser (1995)
    recommend. NaN when a component with a positive weight is NaN.

    Parameters
    ----------
    table : pandas.DataFrame
        a DataFrame with the component columns.
    weights : mapping of str to float, optional
        weight of each component (non-negative, not all zero; components not
        named get weight 0). Default: equal weights over the components the data
        measures — 0.25 each when all four have values; a component that is NaN for
        every customer (e.g. ``bonds`` when the data has no record of bonds, or
        ``intention`` when the survey does not ask about commitment) is left out.

    Returns
    -------
    pandas.Series
        Series ``loyalty_index`` with the table's index; ``.attrs["components"]`` lists
        the components used.

    Examples
    --------
    >>> table = pd.DataFrame({"repurchase": [1.0, 0.0], "tenure": [1.0, 0.5], "bonds": [0.5, 0.0],
    ...     "intention": [0.5, 0.25]})
    >>> loyalty_index(table).tolist()
    [0.75, 0.1875]
    >>> loyalty_index(table, weights={"repurchase": 3, "tenure": 1}).tolist()
    [1.0, 0.125]
    >>> loyalty_index(table.assign(bonds=np.nan)).tolist()  # bonds not recorded: (1 + 1 + 0.5) / 3, ...
    [0.8333333333333334, 0.25]
    """
    if weights is None:
        measured = [name for name in LOYALTY_COMPONENTS if name not in table.columns or table[name].notna().any()]
        weights = {name: DEFAULT_WEIGHTS[name] for name in measured} or DEFAULT_WEIGHTS
    weights = dict(weights)
    unknown = [name for name in weights if name not in LOYALTY_COMPONENTS]
    if unknown:
        raise ValueError(f"unknown loyalty components {unknown}; the components are {list(LOYALTY_COMPONENTS)}")
    values = np.array([weights.get(name, 0.0) for name in LOYALTY_COMPONENTS], dtype=float)
    if np.isnan(values).any() or (values < 0).any() or values.sum() <= 0:
        raise ValueError(f"weights must be non-negative numbers, not all zero; got {weights}")
    used = [name for name, w in zip(LOYALTY_COMPONENTS, values) if w > 0]
    require_columns("loyalty", table, used)
    _fractions("loyalty", table, used)
    parts = table[used].astype(float).to_numpy()
    w = values[values > 0]
    index = pd.Series(parts @ w / w.sum(), index=table.index, name="loyalty_index")
    index.attrs["components"] = used
    return index


def loyalty_segment(
    table: pd.DataFrame,
    *,
    satisfied_from: int = 4,
    dissatisfied_up_to: int = 3,
    high_loyalty: float = 0.5,
    low_loyalty: float = 0.35,
    weights: Mapping[str, float] | None = None,
) -> pd.Series:
    """Place each customer in the loyalty matrix of Jones & Sasser (1995).

    Satisfaction (the latest answer, 1–5) is crossed with the :func:`loyalty_index`:

    =====================================  ====================  =====================
    \\                                      index ≥ high_loyalty  index < low_loyalty
    =====================================  ====================  =====================
    satisfaction ≥ ``satisfied_from``      apostle               mercenary
    satisfaction ≤ ``dissatisfied_up_to``  hostage               terrorist
    =====================================  ====================  =====================

    (Jones & Sasser's loyalist/apostle, mercenary, hostage and defector/terrorist.) Everyone
    else is **indifferent**: the middle band, where the index lies between the two loyalty
    thresholds or satisfaction between the two satisfaction thresholds. This fifth type
    comes from the class notes, not from Jones & Sasser.

    Defaults: ``satisfied_from=4`` and ``dissatisfied_up_to=3`` split the scale between
    "satisfied" and "not satisfied" (a 3, "neither", is already a warning sign in Jones &
    Sasser's data); set ``satisfied_from=5`` for their strict view that only the completely
    satisfied are secure, or ``dissatisfied_up_to=2`` to make the 3s indifferent. The
    loyalty band 0.35–0.5 holds customers whose behaviour is neither clearly tied nor
    clearly loose (with equal weights, 0.5 is e.g. two years' tenure plus buying every
    other month, and 0.35 a customer who buys rarely and holds no bond).

    Parameters
    ----------
    table : pandas.DataFrame
        per-customer table with ``satisfaction`` (1–5, NaN if never surveyed) and the
        loyalty components (see :func:`loyalty_components`).
    satisfied_from, dissatisfied_up_to : int, optional
        satisfaction thresholds (levels 1–5,
        ``dissatisfied_up_to < satisfied_from``).
    high_loyalty, low_loyalty : float, optional
        index thresholds in [0, 1], ``low_loyalty ≤ high_loyalty``.
    weights : mapping of str to float, optional
        component weights passed to :func:`loyalty_index`.

    Returns
    -------
    pandas.Series
        Categorical Series ``loyalty_type`` (categories :data:`LOYALTY_TYPES`) with the
        table's index; NaN for customers without a satisfaction answer, who cannot be
        placed on the satisfaction axis (count them with ``.isna().sum()``).

    Examples
    --------
    >>> table = pd.DataFrame({"satisfaction": [5, 4, 2, 1, 3, np.nan],
    ...     "repurchase": [1, 0, 1, 0, 1, 1], "tenure": [1, 0, 1, 0, 0.2, 1],
    ...     "bonds": [1, 0, 1, 0, 0.2, 1], "intention": [1, 0.25, 0.5, 0, 0.2, 1]})
    >>> loyalty_segment(table, dissatisfied_up_to=2).tolist()
    ['apostle', 'mercenary', 'hostage', 'terrorist', 'indifferent', nan]
    """
    require_columns("loyalty", table, ("satisfaction",))
    if not (
        isinstance(satisfied_from, (int, np.integer))
        and isinstance(dissatisfied_up_to, (int, np.integer))
        and 1 <= dissatisfied_up_to < satisfied_from <= 5
    ):
        raise ValueError(
            "satisfaction thresholds must be whole levels with 1 ≤ dissatisfied_up_to < "
            f"satisfied_from ≤ 5; got dissatisfied_up_to={dissatisfied_up_to!r}, "
            f"satisfied_from={satisfied_from!r}"
        )
    if not 0 <= low_loyalty <= high_loyalty <= 1:
        raise ValueError(
            "loyalty thresholds must satisfy 0 ≤ low_loyalty ≤ high_loyalty ≤ 1; "
            f"got low_loyalty={low_loyalty!r}, high_loyalty={high_loyalty!r}"
        )
    satisfaction = whole_numbers("loyalty", table, "satisfaction", 1, 5, allow_missing=True)
    index = loyalty_index(table, weights=weights).to_numpy()
    high_s, low_s = satisfaction >= satisfied_from, satisfaction <= dissatisfied_up_to
    high_l, low_l = index >= high_loyalty, index < low_loyalty
    labels = np.select(
        [high_s & high_l, high_s & low_l, low_s & high_l, low_s & low_l],
        ["apostle", "mercenary", "hostage", "terrorist"],
        default="indifferent",
    ).astype(object)
    labels[np.isnan(satisfaction) | np.isnan(index)] = None
    return pd.Series(pd.Categorical(labels, categories=LOYALTY_TYPES), index=table.index, name="loyalty_type")


def segment_summary(segments: pd.Series, value: pd.Series) -> pd.DataFrame:
    """Size and value at stake of each loyalty type.

    Parameters
    ----------
    segments : pandas.Series
        loyalty type per customer (from :func:`loyalty_segment`; NaN = not placed,
        left out here).
    value : pandas.Series
        money per customer on the same index, e.g. the margin of the last 12 months
        (the value the company would lose if the customer left).

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by ``loyalty_type`` (all five types, in :data:`LOYALTY_TYPES`
        order) with ``customers``, ``share`` (of placed customers), ``value`` (sum, in
        currency), ``value_share`` and ``value_per_customer``.

    Examples
    --------
    >>> types = pd.Series(["apostle", "apostle", "terrorist", None])
    >>> summary = segment_summary(types, pd.Series([100.0, 50.0, 50.0, 10.0]))
    >>> summary.loc["apostle", ["customers", "share", "value", "value_share"]].tolist()
    [2.0, 0.6666666666666666, 150.0, 0.75]
    """
    if not segments.index.equals(value.index):
        raise ValueError("segments and value must have the same index (one row per customer)")
    placed = segments.notna().to_numpy()
    labels = pd.Categorical(segments[placed].astype(str), categories=LOYALTY_TYPES)
    money = pd.to_numeric(value[placed], errors="coerce").astype(float)
    if money.isna().any():
        raise ValueError(
            f"value: {int(money.isna().sum())} placed customer(s) have no value; "
            f"first: {list(money.index[money.isna()][:SHOWN_ROWS])}"
        )
    grouped = money.groupby(labels, observed=False)
    summary = pd.DataFrame({"customers": grouped.size(), "value": grouped.sum()})
    summary.index.name = "loyalty_type"
    summary["customers"] = summary["customers"].astype(np.int64)
    total_customers, total_value = summary["customers"].sum(), summary["value"].sum()
    summary.insert(1, "share", summary["customers"] / total_customers if total_customers else np.nan)
    summary["value_share"] = summary["value"] / total_value if total_value else np.nan
    summary["value_per_customer"] = summary["value"] / summary["customers"].replace(0, np.nan)
    return summary


def stage_share_by_answer(surveys: pd.DataFrame, stage_history: pd.DataFrame, stage: str) -> pd.Series:
    """Share of the answers at each satisfaction level given by customers at one relationship stage.

    Each answer is matched with the customer's stage on the day of the answer (the last
    change of stage on or before it). Real data has no stage history: this reads the
    simulation's truth (``company.truth.stage_history``) to explain who gives each answer.

    Parameters
    ----------
    surveys : pandas.DataFrame
        survey answers with ``customer_id``, ``date`` and ``satisfaction`` (1–5).
    stage_history : pandas.DataFrame
        one row per change of stage, with ``customer_id``, ``date`` and ``stage``.
    stage : str
        the stage to count, e.g. ``"stranger"``.

    Returns
    -------
    pandas.Series
        Fraction in [0, 1] per satisfaction level (index ``satisfaction``, the levels that
        have answers), of the answers given at ``stage``; answers dated before the
        customer's first stage count as not at it.

    Examples
    --------
    >>> surveys = pd.DataFrame({"customer_id": [1, 1, 2], "date": pd.to_datetime(["2022-02-01", "2022-08-01",
    ...                         "2022-03-01"]), "satisfaction": [3, 3, 5]})
    >>> history = pd.DataFrame({"customer_id": [1, 1, 2], "date": pd.to_datetime(["2022-01-01", "2022-06-01",
    ...                         "2022-01-01"]), "stage": ["stranger", "friend", "friend"]})
    >>> stage_share_by_answer(surveys, history, "stranger").to_dict()
    {3: 0.5, 5: 0.0}
    """
    require_columns("surveys", surveys, ["customer_id", "date", "satisfaction"])
    require_columns("stage_history", stage_history, ["customer_id", "date", "stage"])
    answers = surveys[["customer_id", "date", "satisfaction"]].assign(
        date=to_dates("surveys", surveys, "date"), _row=np.arange(len(surveys))
    )
    history = stage_history[["customer_id", "date", "stage"]].assign(
        date=to_dates("stage_history", stage_history, "date")
    )
    matched = pd.merge_asof(
        answers.sort_values("date"), history.sort_values("date"), on="date", by="customer_id", direction="backward"
    )
    at_stage = (matched["stage"].astype(object) == stage).astype(float)
    shares = at_stage.groupby(matched["satisfaction"].astype(int)).mean()
    return shares.rename_axis("satisfaction").rename(f"share_{stage}")


# ---------------------------------------------------------------------------------------
# Net Promoter Score
# ---------------------------------------------------------------------------------------


def _nps_scores(scores) -> np.ndarray:
    """The answers as a float array, refusing anything that is not a whole number 0–10."""
    if isinstance(scores, (str, bytes)) or np.ndim(scores) == 0:
        raise ValueError(f"scores must be a sequence of answers from 0 to 10, not {scores!r}")
    raw = pd.Series(np.asarray(scores, dtype=object).ravel())
    if raw.empty:
        raise ValueError("scores is empty: the NPS needs at least one answer from 0 to 10")
    numeric = pd.to_numeric(raw.where(~raw.map(lambda v: isinstance(v, (bool, np.bool_)))), errors="coerce")
    values = numeric.to_numpy(dtype=float)
    bad = np.isnan(values) | (values != np.round(values)) | (values < 0) | (values > 10)
    if bad.any():
        where = np.flatnonzero(bad)[:SHOWN_ROWS]
        raise ValueError(
            f"scores: {int(bad.sum())} answer(s) are not whole numbers from 0 to 10; "
            f"first at positions {where.tolist()}: {raw.iloc[where].tolist()}"
        )
    return values


def nps_category(scores) -> pd.Categorical:
    """Detractor (0–6), passive (7–8) or promoter (9–10) for each 0–10 answer (Reichheld 2003).

    Parameters
    ----------
    scores : array-like of int
        answers to "How likely is it that you would recommend us to a friend or
        colleague?", whole numbers from 0 to 10.

    Returns
    -------
    pandas.Categorical
        Categorical with categories :data:`NPS_CATEGORIES`, same length as ``scores``.

    Examples
    --------
    >>> list(nps_category([0, 6, 7, 8, 9, 10]))
    ['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']
    """
    values = _nps_scores(scores)
    labels = np.select([values <= 6, values <= 8], ["detractor", "passive"], default="promoter")
    return pd.Categorical(labels, categories=NPS_CATEGORIES)


def nps(scores) -> float:
    """Net Promoter Score: % promoters (9–10) − % detractors (0–6), in [−100, 100].

    Reichheld (2003) found that the share of customers who would recommend the company,
    net of those who would not, tracked growth better than satisfaction scores. Passives
    (7–8) count in the total but on neither side.

    Parameters
    ----------
    scores : array-like of int
        answers from 0 to 10 (whole numbers; a list, array or Series).

    Returns
    -------
    float
        The score as a float from −100 (all detractors) to 100 (all promoters).

    Raises
    ------
    ValueError
        for an empty input, or answers outside 0–10, non-integers or missing.

    Examples
    --------
    >>> nps([10, 9, 8, 7, 3])    # 2 promoters, 1 detractor out of 5: 40 % − 20 %
    20.0
    """
    values = _nps_scores(scores)
    return float(100.0 * ((values >= 9).mean() - (values <= 6).mean()))
