"""Satisfaction, moments of truth and the employee–customer chain: the measures behind lesson 07.

Four ideas, from one survey answer to the whole company:

* **Satisfaction as perception against expectation** (Oliver 1980; Parasuraman, Zeithaml &
  Berry 1985). :func:`satisfaction_gaps` adds to every survey answer its gap, perception −
  expectation, and the kind of disconfirmation (negative, confirmed, positive);
  :func:`gap_table` summarises gaps by any grouping and :func:`satisfaction_grid` crosses
  expectation with perception. :func:`recent_touchpoints` links each answer to the contacts
  the customer had just before answering, and :func:`touchpoint_table` gives the gap (and
  the satisfaction levels) after each touchpoint, when it went well and when it went badly.
* **Moments of truth** (Carlzon 1987). :func:`contact_outcomes` follows every contact for a
  window (90 days by default) and records whether the customer left; :func:`compare_risks`
  compares the share who left in two groups, crudely or within strata (Mantel–Haenszel
  weighting, Mantel & Haenszel 1959, in its risk form, Greenland & Robins 1985);
  :func:`moments_of_truth` classifies each touchpoint as detectable or not and as more
  or less important; :func:`recovery_table` and :func:`customer_rating_band` measure what
  resolving a complaint does (service recovery).
* **The employee–customer chain** of the class notes: satisfied employees → loyal employees
  → satisfied customers → loyal customers (*empleados satisfechos → empleados fieles →
  clientes satisfechos → clientes fieles*). It is not Heskett et al.'s (1994) **service-profit
  chain**, which runs from internal service quality through employee satisfaction, retention
  and productivity, external service value, customer satisfaction and loyalty to revenue
  growth and profit; the notes' chain keeps four of its stages. :func:`employee_chain` builds one row
  per employee with their satisfaction, tenure and what happens to their customers;
  :func:`chain_links` and :func:`partial_correlation` measure the chain link by link;
  :func:`true_chain_effects` reads the links the course's simulation really contains (built
  the Heskett way: employee satisfaction and tenure both feed service quality), and
  :func:`chain_against_truth` puts measured and true links side by side.
* **Net Promoter Score over time and by segment** (Reichheld 2003): :func:`nps_table` (built on
  :func:`helpers.loyalty.nps`) with a confidence interval, and :func:`tenure_at_answer`.

And the what-if of the lesson: :func:`level_outcomes` and :func:`project_improvement` project
satisfaction, NPS and retention when one touchpoint fails less often.

Every function is pure: pandas/numpy in, pandas/numpy out, no plotting, no files.

References
----------
* Oliver, R. L. (1980). A cognitive model of the antecedents and consequences of satisfaction
  decisions. *Journal of Marketing Research* 17(4), 460–469.
* Parasuraman, A., Zeithaml, V. A. & Berry, L. L. (1985). A conceptual model of service
  quality and its implications for future research. *Journal of Marketing* 49(4), 41–50.
* Carlzon, J. (1987). *Moments of Truth*. Ballinger.
* Heskett, J. L., Jones, T. O., Loveman, G. W., Sasser, W. E. & Schlesinger, L. A. (1994).
  Putting the service-profit chain to work. *Harvard Business Review* 72(2), 164–174.
* Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review* 81(12).
* Mantel, N. & Haenszel, W. (1959). Statistical aspects of the analysis of data from
  retrospective studies of disease. *Journal of the National Cancer Institute* 22(4), 719–748;
  Greenland, S. & Robins, J. M. (1985). Estimation of a common effect parameter from sparse
  follow-up data. *Biometrics* 41(1), 55–68 (the Mantel–Haenszel risk difference).
* Fisher, R. A. (1921). On the "probable error" of a coefficient of correlation deduced from a
  small sample. *Metron* 1, 3–32 (the z transformation behind the correlation intervals).
* McCollough, M. A. & Bharadwaj, S. G. (1992). The recovery paradox: an examination of
  consumer satisfaction in relation to disconfirmation, service quality, and attribution
  based theories. In C. T. Allen et al. (Eds.), *Marketing Theory and Applications*, p. 119.
  American Marketing Association (the service recovery paradox).
* McCollough, M. A., Berry, L. L. & Yadav, M. S. (2000). An empirical investigation of customer
  satisfaction after service failure and recovery. *Journal of Service Research* 3(2), 121–137
  (a test that found no paradox).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import product
from statistics import NormalDist
from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers import schema
from helpers.i18n import N_
from helpers.loyalty import nps, nps_category
from helpers.retention import customer_durations
from helpers.validation import refuse_rows, require_columns, to_dates, whole_numbers

__all__ = [
    "DISCONFIRMATION",
    "MOMENT_TYPES",
    "Projection",
    "chain_against_truth",
    "chain_links",
    "compare_risks",
    "contact_outcomes",
    "customer_rating_band",
    "employee_chain",
    "gap_table",
    "level_outcomes",
    "moments_of_truth",
    "nps_table",
    "partial_correlation",
    "project_improvement",
    "recent_touchpoints",
    "recovery_table",
    "satisfaction_gaps",
    "satisfaction_grid",
    "tenure_at_answer",
    "touchpoint_table",
    "true_chain_effects",
]

#: The three outcomes of comparing perception with expectation (Oliver 1980).
DISCONFIRMATION = ("negative", "confirmed", "positive")
#: The four kinds of moment of truth of the class notes, from the most to the least urgent.
MOMENT_TYPES = (
    "detectable, more important",
    "not detectable, more important",
    "detectable, less important",
    "not detectable, less important",
)
#: How a survey answer met a touchpoint: the outcomes :func:`touchpoint_table` compares.
MOMENTS = (N_("went well"), N_("went badly"))
#: The label of the answers whose customer had no recorded contact before answering.
NO_CONTACT = N_("no recorded contact")
#: Columns of the interactions table that can define a touchpoint, in the order they combine.
TOUCHPOINT_COLUMNS = ("type", "channel")

_DAYS_PER_MONTH = 30.4375
_LEVELS = range(1, 6)


# ---------------------------------------------------------------------------------------
# Small checks
# ---------------------------------------------------------------------------------------


def _whole_days(name: str, value) -> int:
    if isinstance(value, bool) or int(value) != value or value < 0:
        raise ValueError(f"{name} must be a whole number of days ≥ 0, got {value!r}")
    return int(value)


def _day_numbers(dates: pd.Series) -> np.ndarray:
    """Whole days since 1970-01-01 (the time of day is ignored)."""
    return dates.dt.floor("D").to_numpy().astype("datetime64[D]").astype(np.int64)


def _flags(table: str, frame: pd.DataFrame, column: str) -> np.ndarray:
    """A True/False column as a bool array, refusing missing or other values."""
    values = frame[column]
    ok = values.isin([True, False]).to_numpy() & values.notna().to_numpy()
    refuse_rows(table, column, frame, ~ok, "are not True/False")
    return values.astype(bool).to_numpy()


def _touchpoint_columns(by) -> list[str]:
    columns = [by] if isinstance(by, str) else list(by)
    if not columns or len(set(columns)) != len(columns) or not set(columns) <= set(TOUCHPOINT_COLUMNS):
        raise ValueError(f"by must name one or both of {list(TOUCHPOINT_COLUMNS)}, got {by!r}")
    return [c for c in TOUCHPOINT_COLUMNS if c in columns]


def _touchpoint_labels(frame: pd.DataFrame, columns: list[str]) -> pd.Categorical:
    """One label per contact ("complaint" or "complaint · phone"), ordered as in the schema."""
    for column in columns:
        allowed = schema.CATEGORIES[column]
        refuse_rows(
            "interactions",
            column,
            frame,
            ~frame[column].astype(object).isin(allowed).to_numpy(),
            f"are not one of {list(allowed)}",
        )
    names = frame[columns[0]].astype(str)
    for column in columns[1:]:
        names = names + " · " + frame[column].astype(str)
    order = [" · ".join(parts) for parts in product(*(schema.CATEGORIES[c] for c in columns))]
    return pd.Categorical(names, categories=order)


# ---------------------------------------------------------------------------------------
# Perception against expectation
# ---------------------------------------------------------------------------------------


def satisfaction_gaps(surveys: pd.DataFrame) -> pd.DataFrame:
    """Every survey answer with its satisfaction gap: perception − expectation.

    Oliver's (1980) expectancy–disconfirmation model: a customer compares the service they
    perceived with the service they expected. Perception below expectation is a *negative
    disconfirmation* (dissatisfaction), equal to it a *confirmation*, above it a *positive
    disconfirmation* (delight). Parasuraman, Zeithaml & Berry (1985) measure service quality
    by the same gap.

    Parameters
    ----------
    surveys : pandas.DataFrame
        columns ``survey_id``, ``customer_id``, ``date``, ``satisfaction`` (1–5),
        ``expectation`` and ``perception`` (whole numbers on the same 1–7 scale).

    Returns
    -------
    pandas.DataFrame
        A copy of ``surveys`` with ``gap`` (perception − expectation, in points of the 1–7
        scale, from −6 to 6) and ``disconfirmation`` (categorical :data:`DISCONFIRMATION`).

    Raises
    ------
    ValueError
        a missing column, or values that are not whole numbers on their scale
        (naming the column and the first bad rows).

    Examples
    --------
    >>> answers = pd.DataFrame({"survey_id": [1, 2, 3], "customer_id": [7, 8, 9],
    ...     "date": pd.to_datetime(["2024-01-05"] * 3), "satisfaction": [2, 4, 5],
    ...     "expectation": [6, 5, 4], "perception": [4, 5, 6]})
    >>> satisfaction_gaps(answers)[["gap", "disconfirmation"]]
       gap disconfirmation
    0   -2        negative
    1    0       confirmed
    2    2        positive
    """
    require_columns(
        "surveys", surveys, ("survey_id", "customer_id", "date", "satisfaction", "expectation", "perception")
    )
    whole_numbers("surveys", surveys, "satisfaction", 1, 5)
    expectation = whole_numbers("surveys", surveys, "expectation", 1, 7)
    perception = whole_numbers("surveys", surveys, "perception", 1, 7)
    out = surveys.copy()
    gap = perception - expectation
    out["gap"] = gap.astype(np.int64)
    out["disconfirmation"] = pd.Categorical(
        np.select([gap < 0, gap == 0], ["negative", "confirmed"], "positive"), categories=DISCONFIRMATION
    )
    return out


def gap_table(gaps: pd.DataFrame, by=None) -> pd.DataFrame:
    """Expectation, perception, gap and satisfaction of survey answers, by group.

    Parameters
    ----------
    gaps : pandas.DataFrame
        the table of :func:`satisfaction_gaps`.
    by : str, list of str or pandas.Series, optional
        how to group the answers: None (one row, ``all answers``), a column name or a list
        of column names of ``gaps``, or a Series of labels with the index of ``gaps``.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``answers``, mean ``expectation``, ``perception`` and ``gap``
        (points on the 1–7 scale), the shares ``negative``, ``confirmed`` and ``positive``
        (fractions of the group's answers) and the mean ``satisfaction`` (1–5).

    Examples
    --------
    >>> answers = satisfaction_gaps(pd.DataFrame({"survey_id": [1, 2, 3], "customer_id": [7, 8, 9],
    ...     "date": pd.to_datetime(["2024-01-05"] * 3), "satisfaction": [2, 4, 5],
    ...     "expectation": [6, 5, 4], "perception": [4, 5, 6]}))
    >>> gap_table(answers).loc["all answers", ["answers", "gap", "negative"]].tolist()
    [3.0, 0.0, 0.3333333333333333]
    """
    require_columns("gaps", gaps, ("expectation", "perception", "gap", "disconfirmation", "satisfaction"))
    frame = gaps.assign(**{kind: (gaps["disconfirmation"] == kind).astype(float) for kind in DISCONFIRMATION})
    if by is None:
        keys = pd.Series(N_("all answers"), index=gaps.index, name="group")
    elif isinstance(by, pd.Series):
        if not by.index.equals(gaps.index):
            raise ValueError("by must have the same index as gaps (one label per answer)")
        keys = by
    else:
        keys = [by] if isinstance(by, str) else list(by)
        require_columns("gaps", gaps, keys)
    table = frame.groupby(keys, observed=True, sort=True).agg(
        answers=("gap", "size"),
        expectation=("expectation", "mean"),
        perception=("perception", "mean"),
        gap=("gap", "mean"),
        negative=("negative", "mean"),
        confirmed=("confirmed", "mean"),
        positive=("positive", "mean"),
        satisfaction=("satisfaction", "mean"),
    )
    table["answers"] = table["answers"].astype(np.int64)
    return table


def satisfaction_grid(gaps: pd.DataFrame, *, min_answers: int = 20) -> pd.DataFrame:
    """Mean satisfaction for each pair (expectation, perception): the idea of the gap in one table.

    Reading along a row, the expectation is fixed and perception rises; along a column, the
    perception is fixed and the expectation rises. If satisfaction is perception *against*
    expectation, it rises along rows and falls down columns.

    Parameters
    ----------
    gaps : pandas.DataFrame
        the table of :func:`satisfaction_gaps`.
    min_answers : int, optional
        cells with fewer answers are NaN (too few to trust a mean).

    Returns
    -------
    pandas.DataFrame
        rows = expectation (1–7), columns = perception (1–7), values = mean
        satisfaction (1–5); ``attrs["answers"]`` holds the counts of every cell.

    Examples
    --------
    >>> answers = satisfaction_gaps(pd.DataFrame({"survey_id": [1, 2, 3], "customer_id": [7, 8, 9],
    ...     "date": pd.to_datetime(["2024-01-05"] * 3), "satisfaction": [2, 4, 5],
    ...     "expectation": [6, 5, 5], "perception": [4, 5, 5]}))
    >>> satisfaction_grid(answers, min_answers=2).loc[5, 5]
    np.float64(4.5)
    """
    require_columns("gaps", gaps, ("expectation", "perception", "satisfaction"))
    if isinstance(min_answers, bool) or int(min_answers) != min_answers or min_answers < 1:
        raise ValueError(f"min_answers must be a whole number ≥ 1, got {min_answers!r}")
    scale = pd.Index(range(1, 8))
    counts = pd.crosstab(gaps["expectation"], gaps["perception"]).reindex(index=scale, columns=scale, fill_value=0)
    means = gaps.pivot_table(
        index="expectation", columns="perception", values="satisfaction", aggfunc="mean", observed=True
    ).reindex(index=scale, columns=scale)
    grid = means.where(counts >= min_answers)
    grid.index.name, grid.columns.name = "expectation", "perception"
    grid.attrs["answers"] = counts
    return grid


# ---------------------------------------------------------------------------------------
# Touchpoints just before an answer
# ---------------------------------------------------------------------------------------


def recent_touchpoints(
    surveys: pd.DataFrame,
    interactions: pd.DataFrame,
    *,
    window_days: int = 30,
    by: str | Sequence[str] = "type",
    bad_rating: int = 2,
) -> pd.DataFrame:
    """The touchpoints each customer met in the days before answering a survey.

    A contact counts for an answer given on day *d* if it happened on day *d* − ``window_days``
    … *d* (the answer day included). A moment of truth **went badly** when the customer rated
    it ``bad_rating`` or less: the customer is the judge of the moment.

    Parameters
    ----------
    surveys : pandas.DataFrame
        ``survey_id``, ``customer_id``, ``date``.
    interactions : pandas.DataFrame
        ``customer_id``, ``date``, ``rating`` (1–5) and the ``by`` columns.
    window_days : int, optional
        how far back a contact counts, in days (default 30: the latest month of
        service, what a customer has in mind when answering).
    by : str or sequence of str, optional
        ``"type"`` (default), ``"channel"`` or both: what defines a touchpoint.
    bad_rating : int, optional
        the highest rating (1–5) that counts as a moment that went badly.

    Returns
    -------
    pandas.DataFrame
        One row per (answer, touchpoint met): ``survey_id``, ``touchpoint`` (categorical, in
        schema order), ``contacts`` (how many contacts at that touchpoint in the window) and
        ``went_badly`` (True if any of them was rated ``bad_rating`` or less). Answers without
        any contact in the window have no row.

    Examples
    --------
    >>> answers = pd.DataFrame({"survey_id": [1, 2], "customer_id": [7, 8],
    ...     "date": pd.to_datetime(["2024-03-31", "2024-03-31"])})
    >>> contacts = pd.DataFrame({"customer_id": [7, 7, 8], "type": ["complaint", "complaint", "inquiry"],
    ...     "date": pd.to_datetime(["2024-03-20", "2024-03-30", "2024-01-02"]), "rating": [4, 2, 5]})
    >>> recent_touchpoints(answers, contacts)
       survey_id touchpoint  contacts  went_badly
    0          1  complaint         2        True
    """
    columns = _touchpoint_columns(by)
    window_days = _whole_days("window_days", window_days)
    if bad_rating not in _LEVELS:
        raise ValueError(f"bad_rating must be a rating from 1 to 5, got {bad_rating!r}")
    require_columns("surveys", surveys, ("survey_id", "customer_id", "date"))
    require_columns("interactions", interactions, ("customer_id", "date", "rating", *columns))
    refuse_rows("surveys", "survey_id", surveys, surveys["survey_id"].duplicated(), "repeat a survey_id")
    rating = whole_numbers("interactions", interactions, "rating", 1, 5)
    contacts = pd.DataFrame(
        {
            "customer_id": interactions["customer_id"].to_numpy(),
            "contact_day": _day_numbers(to_dates("interactions", interactions, "date")),
            "touchpoint": _touchpoint_labels(interactions, columns),
            "went_badly": rating <= bad_rating,
        }
    )
    answers = pd.DataFrame(
        {
            "survey_id": surveys["survey_id"].to_numpy(),
            "customer_id": surveys["customer_id"].to_numpy(),
            "answer_day": _day_numbers(to_dates("surveys", surveys, "date")),
        }
    )
    pairs = answers.merge(contacts, on="customer_id")
    before = pairs["answer_day"] - pairs["contact_day"]
    pairs = pairs[(before >= 0) & (before <= window_days)]
    touched = (
        pairs.groupby(["survey_id", "touchpoint"], observed=True, sort=True)
        .agg(contacts=("went_badly", "size"), went_badly=("went_badly", "any"))
        .reset_index()
    )
    touched["contacts"] = touched["contacts"].astype(np.int64)
    return touched


def touchpoint_table(gaps: pd.DataFrame, touches: pd.DataFrame) -> pd.DataFrame:
    """The satisfaction gap after each touchpoint, when it went well and when it went badly.

    For each touchpoint, the answers whose customer met it in the window (see
    :func:`recent_touchpoints`) are split in two: **went badly** (at least one contact there
    rated low) and **went well** (all contacts there rated higher). An answer after several
    touchpoints counts once for each. The last row holds the answers of customers with no
    recorded contact in the window: the verdict on moments of truth the company never saw.

    Parameters
    ----------
    gaps : pandas.DataFrame
        the table of :func:`satisfaction_gaps` (with ``recommend``, 0–10).
    touches : pandas.DataFrame
        the table of :func:`recent_touchpoints` for the same answers.

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by (``touchpoint``, ``moment``) with ``answers``,
        ``share_of_answers`` (of all answers), mean ``expectation``, ``perception``, ``gap``
        and ``satisfaction``, the ``nps`` of the group's ``recommend`` answers, and
        ``level_1`` … ``level_5``: the share of the group's answers at each satisfaction level.
        Groups without answers are left out.

    Examples
    --------
    >>> answers = satisfaction_gaps(pd.DataFrame({"survey_id": [1, 2, 3], "customer_id": [7, 8, 9],
    ...     "date": pd.to_datetime(["2024-01-05"] * 3), "satisfaction": [2, 4, 5],
    ...     "expectation": [6, 5, 4], "perception": [4, 5, 6], "recommend": [3, 8, 10]}))
    >>> touches = pd.DataFrame({"survey_id": [1, 2], "touchpoint": ["complaint", "complaint"],
    ...     "contacts": [1, 1], "went_badly": [True, False]})
    >>> touchpoint_table(answers, touches)[["answers", "gap", "nps"]]
                                      answers  gap    nps
    touchpoint          moment
    complaint           went well           1  0.0    0.0
                        went badly          1 -2.0 -100.0
    no recorded contact none                1  2.0  100.0
    """
    require_columns("gaps", gaps, ("survey_id", "expectation", "perception", "gap", "satisfaction", "recommend"))
    require_columns("touches", touches, ("survey_id", "touchpoint", "went_badly"))
    unknown = ~touches["survey_id"].isin(gaps["survey_id"])
    refuse_rows("touches", "survey_id", touches, unknown.to_numpy(), "are not answers of the gaps table")
    whole_numbers("gaps", gaps, "recommend", 0, 10)
    answer = gaps.set_index("survey_id")
    touchpoints = pd.Categorical(touches["touchpoint"])
    long = answer.loc[touches["survey_id"], ["expectation", "perception", "gap", "satisfaction", "recommend"]]
    long = long.reset_index(drop=True).assign(
        touchpoint=touchpoints.astype(str),
        moment=np.where(touches["went_badly"].astype(bool).to_numpy(), "went badly", "went well"),
    )
    alone = answer.loc[
        ~answer.index.isin(touches["survey_id"]), ["expectation", "perception", "gap", "satisfaction", "recommend"]
    ]
    alone = alone.reset_index(drop=True).assign(touchpoint=NO_CONTACT, moment="none")
    rows = pd.concat([long, alone], ignore_index=True)
    order = [str(t) for t in touchpoints.categories] + [NO_CONTACT]
    rows["touchpoint"] = pd.Categorical(rows["touchpoint"], categories=order)
    rows["moment"] = pd.Categorical(rows["moment"], categories=[*MOMENTS, "none"])
    for level in _LEVELS:
        rows[f"level_{level}"] = (rows["satisfaction"] == level).astype(float)
    grouped = rows.groupby(["touchpoint", "moment"], observed=True, sort=True)
    table = grouped.agg(
        answers=("gap", "size"),
        expectation=("expectation", "mean"),
        perception=("perception", "mean"),
        gap=("gap", "mean"),
        satisfaction=("satisfaction", "mean"),
        **{f"level_{level}": (f"level_{level}", "mean") for level in _LEVELS},
    )
    table.insert(4, "nps", grouped["recommend"].agg(nps))
    table["answers"] = table["answers"].astype(np.int64)
    table.insert(1, "share_of_answers", table["answers"] / len(answer))
    return table


# ---------------------------------------------------------------------------------------
# Moments of truth and service recovery
# ---------------------------------------------------------------------------------------


def contact_outcomes(
    interactions: pd.DataFrame, churn: pd.DataFrame, observation_end, *, window_days: int = 90
) -> pd.DataFrame:
    """Whether the customer left within ``window_days`` days after each contact.

    For a contact on day *d* the window is days *d* + 1 … *d* + ``window_days``; the customer
    **left** if their churn day is on or before its last day (a contact on or after the churn
    day, with a customer already gone, counts as left too: they are not a customer at the end
    of the window, as in :func:`helpers.loyalty.survey_outcomes`). A contact is
    ``observed`` only if its whole window lies within the data; for the others ``left`` is NaN,
    since we cannot know yet. Nothing is dropped.

    Parameters
    ----------
    interactions : pandas.DataFrame
        ``interaction_id``, ``customer_id``, ``date``, ``type``, ``channel``,
        ``resolved`` (True/False) and ``rating`` (1–5).
    churn : pandas.DataFrame
        ``customer_id`` and ``date`` (the day the customer was lost), at most one row
        per customer.
    observation_end : date
        the last day covered by the data.
    window_days : int, optional
        the follow-up in days (default 90: long enough for a customer who is
        going to leave over a bad moment to do so, short enough to keep most contacts).

    Returns
    -------
    pandas.DataFrame
        The interactions with ``observed`` (bool) and ``left`` (1.0, 0.0 or NaN).

    Examples
    --------
    >>> contacts = pd.DataFrame({"interaction_id": [1, 2, 3], "customer_id": [7, 8, 9],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-12-01"]),
    ...     "type": "complaint", "channel": "phone", "resolved": [True, False, True], "rating": [4, 1, 3]})
    >>> lost = pd.DataFrame({"customer_id": [8], "date": pd.to_datetime(["2024-02-15"])})
    >>> contact_outcomes(contacts, lost, "2024-12-31")[["observed", "left"]]
       observed  left
    0      True   0.0
    1      True   1.0
    2     False   NaN
    """
    require_columns(
        "interactions", interactions, ("interaction_id", "customer_id", "date", "type", "channel", "resolved", "rating")
    )
    require_columns("churn", churn, ("customer_id", "date"))
    window_days = _whole_days("window_days", window_days)
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    whole_numbers("interactions", interactions, "rating", 1, 5)
    _flags("interactions", interactions, "resolved")
    refuse_rows("churn", "customer_id", churn, churn["customer_id"].duplicated(), "repeat a customer")
    day = _day_numbers(to_dates("interactions", interactions, "date"))
    end_day = int(np.datetime64(pd.Timestamp(observation_end).floor("D"), "D").astype(np.int64))
    lost_on = pd.Series(_day_numbers(to_dates("churn", churn, "date")), index=churn["customer_id"].to_numpy())
    lost = lost_on.reindex(interactions["customer_id"].to_numpy()).to_numpy(dtype=float)
    observed = day + window_days <= end_day
    left = ~np.isnan(lost) & (lost <= day + window_days)
    out = interactions.copy()
    out["observed"] = observed
    out["left"] = np.where(observed, left.astype(float), np.nan)
    return out


def compare_risks(frame: pd.DataFrame, outcome: str, exposed, *, strata=None) -> pd.Series:
    """Compare the share of an outcome (e.g. leaving) between exposed and unexposed rows.

    Without strata: the crude risks, their difference and ratio. With strata: the
    Mantel–Haenszel risk difference and risk ratio, which compare exposed and unexposed rows
    only *within* each stratum (e.g. customers equally well served) and average over strata::

        RD_MH = Σ (a·n0 − b·n1)/N  /  Σ n1·n0/N        RR_MH = Σ a·n0/N  /  Σ b·n1/N

    with, per stratum, ``a``/``b`` the outcomes among the ``n1`` exposed / ``n0`` unexposed
    rows and ``N = n1 + n0`` (Mantel & Haenszel 1959; Greenland & Robins 1985). Strata with
    only one group carry no information and are left out.

    Parameters
    ----------
    frame : pandas.DataFrame
        the rows compared.
    outcome : str
        a column of 0/1 values (NaN rows are refused: keep only observed rows).
    exposed : str or array-like of bool
        a column name or a boolean array/Series marking the exposed rows.
    strata : str, list of str or pandas.Series, optional
        None, a column name, a list of column names or a Series of stratum labels.

    Returns
    -------
    pandas.Series
        Series ``risk_exposed``, ``risk_unexposed`` (crude shares), ``difference`` and
        ``ratio`` (Mantel–Haenszel when stratified), ``exposed``, ``unexposed`` (row counts)
        and ``strata_used``.

    Examples
    --------
    >>> rows = pd.DataFrame({"left": [1, 1, 0, 1, 1, 0, 0, 0], "unresolved": [1, 1, 1, 0, 1, 0, 0, 0],
    ...     "band": ["poorly served"] * 4 + ["well served"] * 4})
    >>> compare_risks(rows, "left", "unresolved")[["risk_exposed", "risk_unexposed", "ratio"]].tolist()
    [0.75, 0.25, 3.0]
    >>> compare_risks(rows, "left", "unresolved", strata="band")[["difference", "ratio"]].round(4).tolist()
    [0.3333, 1.6667]
    """
    require_columns("frame", frame, (outcome,))
    values = pd.to_numeric(frame[outcome], errors="coerce").to_numpy(dtype=float)
    refuse_rows("frame", outcome, frame, ~np.isin(values, (0.0, 1.0)), "are not 0 or 1 (keep only observed rows)")
    if isinstance(exposed, str):
        require_columns("frame", frame, (exposed,))
        exposed = frame[exposed]
    group = np.asarray(exposed, dtype=bool)
    if group.shape != values.shape:
        raise ValueError("exposed must mark every row of frame")
    if strata is None:
        key = np.zeros(len(frame), dtype=np.int64)
    elif isinstance(strata, pd.Series):
        key = strata.astype(str).to_numpy()
    else:
        columns = [strata] if isinstance(strata, str) else list(strata)
        require_columns("frame", frame, columns)
        key = frame[columns].astype(str).agg("|".join, axis=1).to_numpy() if len(frame) else np.array([])
    codes, _ = pd.factorize(pd.Series(key), sort=True)
    size = int(codes.max()) + 1 if len(codes) else 0
    n1, n0 = (np.bincount(codes[side], minlength=size).astype(float) for side in (group, ~group))
    a, b = (np.bincount(codes[side], weights=values[side], minlength=size) for side in (group, ~group))
    both = (n1 > 0) & (n0 > 0)
    n1, n0, a, b = n1[both], n0[both], a[both], b[both]
    total = n1 + n0
    with np.errstate(invalid="ignore", divide="ignore"):
        difference = np.sum((a * n0 - b * n1) / total) / np.sum(n1 * n0 / total) if both.any() else np.nan
        ratio = np.sum(a * n0 / total) / np.sum(b * n1 / total) if both.any() else np.nan
        risk_exposed = values[group].mean() if group.any() else np.nan
        risk_unexposed = values[~group].mean() if (~group).any() else np.nan
    return pd.Series(
        {
            "risk_exposed": risk_exposed,
            "risk_unexposed": risk_unexposed,
            "difference": float(difference),
            "ratio": float(ratio),
            "exposed": int(group.sum()),
            "unexposed": int((~group).sum()),
            "strata_used": int(both.sum()),
        },
        name=outcome,
    )


def moments_of_truth(
    outcomes: pd.DataFrame,
    *,
    by: str | Sequence[str] = "type",
    bad_rating: int = 2,
    strata=None,
    detectable_from: float = 0.5,
    important_from: float = 0.05,
) -> pd.DataFrame:
    """Classify each touchpoint as a detectable or undetectable, more or less important moment of truth.

    Carlzon (1987) called every contact in which a customer judges the company a *moment of
    truth*; the class notes sort them on two axes. Both are measured here:

    * **importance** — what a moment that went badly (rated ``bad_rating`` or less by the
      customer) does to loyalty: the share of customers who left within the follow-up window
      after a bad moment minus the share after a good one at the same touchpoint (a risk
      difference; Mantel–Haenszel within ``strata`` if given). ``more important`` from
      ``important_from`` on.
    * **detectability** — whether the company can see, at the time, that the moment failed:
      the share of bad moments that its own record flags as not resolved. A bad moment marked
      "resolved" is invisible to the company until the customer leaves. ``detectable`` from
      ``detectable_from`` on.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        the table of :func:`contact_outcomes`. Counts and detectability use every
        contact; the churn comparison uses the observed ones.
    by : str or sequence of str, optional
        ``"type"``, ``"channel"`` or both: what defines a touchpoint.
    bad_rating : int, optional
        the highest rating (1–5) that counts as a moment that went badly.
    strata : str or list of str, optional
        None for the crude comparison, or a column name (or several) of ``outcomes``,
        e.g. a band of service quality: bad and good moments are then compared within
        each stratum (:func:`compare_risks`).
    detectable_from : float, optional
        threshold of detectability (a fraction).
    important_from : float, optional
        threshold of importance (a difference of shares, e.g. 0.05 = five
        more customers lost per 100 bad moments).

    Returns
    -------
    pandas.DataFrame
        One row per touchpoint with contacts: ``contacts``, ``bad_moments``, ``bad_share``,
        ``mean_rating``, ``detectability``, ``left_after_bad``, ``left_after_good`` (crude
        shares), ``importance``, ``extra_losses`` (importance × observed bad moments: customers
        lost beyond what good moments would have lost) and ``moment_type`` (categorical,
        :data:`MOMENT_TYPES`).

    Examples
    --------
    >>> contacts = pd.DataFrame({"type": ["complaint"] * 4 + ["purchase"] * 4,
    ...     "channel": "web", "rating": [1, 2, 4, 5, 2, 4, 4, 5],
    ...     "resolved": [False, False, True, True, True, True, True, True],
    ...     "observed": True, "left": [1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]})
    >>> moments_of_truth(contacts)[["detectability", "importance", "moment_type"]]
               detectability  importance                     moment_type
    touchpoint
    purchase             0.0         1.0  not detectable, more important
    complaint            1.0         1.0      detectable, more important
    """
    columns = _touchpoint_columns(by)
    if bad_rating not in _LEVELS:
        raise ValueError(f"bad_rating must be a rating from 1 to 5, got {bad_rating!r}")
    if not (0 <= detectable_from <= 1 and -1 <= important_from <= 1):
        raise ValueError(
            "detectable_from must lie in [0, 1] and important_from in [-1, 1]; "
            f"got {detectable_from!r}, {important_from!r}"
        )
    require_columns("outcomes", outcomes, ("rating", "resolved", "observed", "left", *columns))
    rating = whole_numbers("outcomes", outcomes, "rating", 1, 5)
    resolved = _flags("outcomes", outcomes, "resolved")
    observed = _flags("outcomes", outcomes, "observed")
    frame = pd.DataFrame(
        {
            "touchpoint": _touchpoint_labels(outcomes, columns),
            "bad": rating <= bad_rating,
            "rating": rating,
            "flagged": ~resolved,
            "observed": observed,
            "left": outcomes["left"].to_numpy(dtype=float),
        },
        index=outcomes.index,
    )
    if strata is not None:
        names = [strata] if isinstance(strata, str) else list(strata)
        require_columns("outcomes", outcomes, names)
        frame["stratum"] = outcomes[names].astype(str).agg("|".join, axis=1).to_numpy()
    rows = {}
    for touchpoint, group in frame.groupby("touchpoint", observed=True, sort=True):
        bad = group["bad"].to_numpy()
        seen = group[group["observed"]]
        risks = compare_risks(seen, "left", seen["bad"].to_numpy(), strata=None if strata is None else "stratum")
        rows[touchpoint] = {
            "contacts": len(group),
            "bad_moments": int(bad.sum()),
            "bad_share": bad.mean(),
            "mean_rating": group["rating"].mean(),
            "detectability": group.loc[bad, "flagged"].mean() if bad.any() else np.nan,
            "left_after_bad": risks["risk_exposed"],
            "left_after_good": risks["risk_unexposed"],
            "importance": risks["difference"],
            "extra_losses": risks["difference"] * risks["exposed"],
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "touchpoint"
    if table.empty:
        return table
    table[["contacts", "bad_moments"]] = table[["contacts", "bad_moments"]].astype(np.int64)
    detectable = np.where(table["detectability"] >= detectable_from, "detectable", "not detectable")
    important = np.where(table["importance"] >= important_from, "more important", "less important")
    kinds = [f"{d}, {i}" for d, i in zip(detectable, important)]
    unknown = table["detectability"].isna() | table["importance"].isna()
    table["moment_type"] = pd.Categorical(np.where(unknown, None, kinds), categories=MOMENT_TYPES)
    return table


def customer_rating_band(
    interactions: pd.DataFrame,
    *,
    exclude_types: Sequence[str] = ("complaint",),
    edges: Sequence[float] = (3.5, 4.0, 4.5),
) -> pd.Series:
    """A proxy of how well each customer is served: the mean rating of their other contacts, in bands.

    Comparing customers whose complaint was resolved with those whose complaint was not is
    unfair if the first are better served in general (better served customers also leave
    less). Their ratings of the *other* contacts (not complaints) measure that general level
    of service, so comparing within bands of it is fairer (see :func:`compare_risks`).

    Parameters
    ----------
    interactions : pandas.DataFrame
        ``customer_id``, ``type``, ``rating`` (1–5).
    exclude_types : sequence of str, optional
        contact types left out of the mean (default: complaints, the contacts
        being compared).
    edges : sequence of float, optional
        increasing cut points of the mean rating.

    Returns
    -------
    pandas.Series
        Categorical Series indexed by ``customer_id`` (every customer in ``interactions``):
        ``"below 3.5"``, ``"3.5–4"``, …, ``"4.5 and above"``, or ``"no other contact"``.

    Examples
    --------
    >>> contacts = pd.DataFrame({"customer_id": [1, 1, 2, 3], "type": ["inquiry", "complaint", "purchase",
    ...     "complaint"], "rating": [3, 1, 5, 2]})
    >>> customer_rating_band(contacts).tolist()
    ['below 3.5', '4.5 and above', 'no other contact']
    """
    require_columns("interactions", interactions, ("customer_id", "type", "rating"))
    rating = whole_numbers("interactions", interactions, "rating", 1, 5)
    cuts = np.asarray(edges, dtype=float)
    if cuts.ndim != 1 or not len(cuts) or np.any(np.diff(cuts) <= 0):
        raise ValueError(f"edges must be increasing numbers, got {list(edges)!r}")
    other = ~interactions["type"].astype(str).isin(list(exclude_types)).to_numpy()
    mean = pd.Series(rating[other]).groupby(interactions["customer_id"].to_numpy()[other]).mean()
    customers = pd.Index(pd.unique(interactions["customer_id"]), name="customer_id").sort_values()
    mean = mean.reindex(customers)
    names = [
        f"below {cuts[0]:g}",
        *(f"{lo:g}–{hi:g}" for lo, hi in zip(cuts[:-1], cuts[1:])),
        f"{cuts[-1]:g} and above",
    ]
    codes = np.searchsorted(cuts, mean.to_numpy(), side="right")
    named = np.array(names, dtype=object)[np.minimum(codes, len(names) - 1)]
    labels = np.where(mean.isna().to_numpy(), "no other contact", named)
    return pd.Series(
        pd.Categorical(labels, categories=[*names, "no other contact"]), index=customers, name="rating_band"
    )


def recovery_table(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Service recovery: who left after a complaint left unresolved, a resolved one, or no complaint.

    Three groups of observed contacts: complaints **not resolved**, complaints **resolved**
    (the company recovered the failure), and **requests and inquiries** that were resolved
    (customers who got in touch without complaining and were helped, the comparison for the
    *service recovery paradox*: are recovered complainers more loyal than customers who never
    had a failure? McCollough & Bharadwaj 1992; McCollough, Berry & Yadav 2000 found no such
    paradox). Purchase contacts are left out: buying
    is itself a sign of staying.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        the table of :func:`contact_outcomes`.

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by ``group`` with ``contacts`` (observed), ``customers`` (distinct),
        ``left`` (count) and ``left_share`` (within the follow-up window).

    Examples
    --------
    >>> contacts = pd.DataFrame({"customer_id": [1, 2, 3, 4], "type": ["complaint", "complaint", "inquiry",
    ...     "purchase"], "resolved": [False, True, True, True], "observed": True, "left": [1.0, 0.0, 0.0, 0.0]})
    >>> recovery_table(contacts)["left_share"].tolist()
    [1.0, 0.0, 0.0]
    """
    require_columns("outcomes", outcomes, ("customer_id", "type", "resolved", "observed", "left"))
    resolved = _flags("outcomes", outcomes, "resolved")
    seen = _flags("outcomes", outcomes, "observed")
    kind = outcomes["type"].astype(str).to_numpy()
    groups = {
        N_("complaint not resolved"): (kind == "complaint") & ~resolved,
        N_("complaint resolved"): (kind == "complaint") & resolved,
        N_("request or inquiry, resolved"): np.isin(kind, ("service_request", "inquiry")) & resolved,
    }
    rows = {}
    for name, chosen in groups.items():
        part = outcomes[chosen & seen]
        rows[name] = {
            "contacts": len(part),
            "customers": part["customer_id"].nunique(),
            "left": int(part["left"].sum()),
            "left_share": part["left"].mean() if len(part) else np.nan,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "group"
    return table


# ---------------------------------------------------------------------------------------
# The employee–customer chain (the class notes; Heskett et al. 1994 is the fuller chain)
# ---------------------------------------------------------------------------------------


def employee_chain(
    employees: pd.DataFrame,
    customers: pd.DataFrame,
    surveys: pd.DataFrame,
    churn: pd.DataFrame,
    observation_end,
    *,
    interactions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per employee: the links of the class notes' employee–customer chain.

    *Satisfied employees → loyal employees → satisfied customers → loyal customers*: the class
    notes' four links, a simplified form of Heskett et al.'s (1994) chain, which runs from
    internal service quality through employee satisfaction, retention and productivity,
    external service value, customer satisfaction and loyalty to revenue growth and profit.
    For each employee, the table holds their job satisfaction and tenure (the employees
    table) and what happens to the customers assigned to them (``customers.employee_id``):
    how satisfied they say they are and how fast they leave. With ``interactions``, it adds the ratings of the
    contacts the employee handled (``interactions.employee_id``), separately for their own
    customers and for other employees' customers.

    Parameters
    ----------
    employees : pandas.DataFrame
        ``employee_id`` (unique), ``satisfaction`` (1–5) and ``tenure_months`` (> 0).
    customers : pandas.DataFrame
        ``customer_id``, ``signup_date``, ``employee_id`` (an employee of the table).
    surveys : pandas.DataFrame
        ``customer_id``, ``satisfaction`` (1–5), ``recommend`` (0–10).
    churn : pandas.DataFrame
        ``customer_id``, ``date``.
    observation_end : date
        the last day covered by the data.
    interactions : pandas.DataFrame, optional
        optional; ``customer_id``, ``employee_id``, ``rating`` (1–5).

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by ``employee_id`` with ``satisfaction``, ``tenure_months``,
        ``log_tenure`` (natural log of the months: tenure is skewed, and a log turns "twice as
        long" into equal steps), ``customers``, ``customer_months`` (months as a customer,
        summed), ``churns``, ``monthly_churn`` (churns per customer-month: the customers'
        monthly churn rate), ``answers``, ``customer_satisfaction`` (mean answer, 1–5) and
        ``customer_nps``; with interactions also ``contacts_handled``,
        ``rating_own_customers`` and ``rating_other_customers`` (mean ratings, 1–5).
        Employees without customers or answers have NaN in those columns.

    Examples
    --------
    >>> staff = pd.DataFrame({"employee_id": [1, 2], "satisfaction": [4.5, 2.5], "tenure_months": [40, 10]})
    >>> clients = pd.DataFrame({"customer_id": [11, 12], "employee_id": [1, 2],
    ...     "signup_date": pd.to_datetime(["2024-01-01", "2024-01-01"])})
    >>> answers = pd.DataFrame({"customer_id": [11, 12], "satisfaction": [5, 3], "recommend": [10, 5]})
    >>> lost = pd.DataFrame({"customer_id": [12], "date": pd.to_datetime(["2024-02-01"])})
    >>> chain = employee_chain(staff, clients, answers, lost, "2024-12-31")
    >>> chain[["customers", "churns", "customer_satisfaction", "customer_nps"]]
                 customers  churns  customer_satisfaction  customer_nps
    employee_id
    1                    1       0                    5.0         100.0
    2                    1       1                    3.0        -100.0
    """
    require_columns("employees", employees, ("employee_id", "satisfaction", "tenure_months"))
    require_columns("customers", customers, ("customer_id", "signup_date", "employee_id"))
    require_columns("surveys", surveys, ("customer_id", "satisfaction", "recommend"))
    refuse_rows("employees", "employee_id", employees, employees["employee_id"].duplicated(), "repeat an employee")
    satisfaction = pd.to_numeric(employees["satisfaction"], errors="coerce")
    refuse_rows("employees", "satisfaction", employees, ~satisfaction.between(1, 5), "are not numbers from 1 to 5")
    tenure = pd.to_numeric(employees["tenure_months"], errors="coerce")
    refuse_rows("employees", "tenure_months", employees, ~(tenure > 0), "are not positive numbers of months")
    staff = pd.Index(employees["employee_id"])
    refuse_rows(
        "customers",
        "employee_id",
        customers,
        ~customers["employee_id"].isin(staff),
        "are not employees of the employees table",
    )
    whole_numbers("surveys", surveys, "satisfaction", 1, 5)
    whole_numbers("surveys", surveys, "recommend", 0, 10)

    table = pd.DataFrame(
        {"satisfaction": satisfaction.to_numpy(dtype=float), "tenure_months": tenure.to_numpy(dtype=float)},
        index=pd.Index(staff.to_numpy(), name="employee_id"),
    )
    table["log_tenure"] = np.log(table["tenure_months"])

    assigned = pd.Series(customers["employee_id"].to_numpy(), index=customers["customer_id"].to_numpy())
    durations = customer_durations(customers, churn, observation_end)
    by_employee = durations.assign(employee_id=assigned.reindex(durations.index).to_numpy()).groupby("employee_id")
    table["customers"] = by_employee.size().reindex(table.index, fill_value=0).astype(np.int64)
    table["customer_months"] = by_employee["duration"].sum().reindex(table.index, fill_value=0.0)
    table["churns"] = by_employee["churned"].sum().reindex(table.index, fill_value=0).astype(np.int64)
    table["monthly_churn"] = table["churns"] / table["customer_months"].where(table["customer_months"] > 0)

    served_by = assigned.reindex(surveys["customer_id"].to_numpy()).to_numpy()
    refuse_rows("surveys", "customer_id", surveys, pd.isna(served_by), "are not customers of the customers table")
    answers = surveys.assign(employee_id=served_by).groupby("employee_id")
    table["answers"] = answers.size().reindex(table.index, fill_value=0).astype(np.int64)
    table["customer_satisfaction"] = answers["satisfaction"].mean().reindex(table.index)
    table["customer_nps"] = answers["recommend"].agg(nps).reindex(table.index)

    if interactions is not None:
        require_columns("interactions", interactions, ("customer_id", "employee_id", "rating"))
        rating = whole_numbers("interactions", interactions, "rating", 1, 5)
        handler = interactions["employee_id"].to_numpy()
        refuse_rows(
            "interactions",
            "employee_id",
            interactions,
            ~np.isin(handler, staff.to_numpy()),
            "are not employees of the employees table",
        )
        own = handler == assigned.reindex(interactions["customer_id"].to_numpy()).to_numpy()
        ratings = pd.Series(rating)
        table["contacts_handled"] = ratings.groupby(handler).size().reindex(table.index, fill_value=0).astype(np.int64)
        table["rating_own_customers"] = ratings[own].groupby(handler[own]).mean().reindex(table.index)
        table["rating_other_customers"] = ratings[~own].groupby(handler[~own]).mean().reindex(table.index)
    return table


def _fisher_interval(r: float, n: int, controls: int, conf_level: float) -> tuple[float, float]:
    """Confidence interval of a (partial) correlation by Fisher's z transformation."""
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be in (0, 1); got {conf_level}")
    if n - 3 - controls < 1 or not np.isfinite(r) or abs(r) >= 1:
        return np.nan, np.nan
    z = NormalDist().inv_cdf((1 + conf_level) / 2)
    spread = z / np.sqrt(n - 3 - controls)
    return float(np.tanh(np.arctanh(r) - spread)), float(np.tanh(np.arctanh(r) + spread))


def _complete(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    require_columns("chain", table, columns)
    return table[list(columns)].apply(pd.to_numeric, errors="coerce").dropna()


def chain_links(table: pd.DataFrame, links: Sequence[tuple[str, str]], *, conf_level: float = 0.95) -> pd.DataFrame:
    """Measure each link of a chain: correlation (with its interval) and slope.

    For each pair (x, y): the Pearson correlation over the rows where both are known, its
    confidence interval by Fisher's (1921) z transformation (``atanh r ± z/√(n − 3)``), and the
    least-squares slope of y on x (how much y changes per unit of x). A correlation says the
    two move together; it does not say which drives which, or whether a third thing drives both.

    Parameters
    ----------
    table : pandas.DataFrame
        e.g. the table of :func:`employee_chain`.
    links : sequence of tuple of (str, str)
        pairs of column names (x, y), in the order of the chain.
    conf_level : float, optional
        confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by ``link`` (``"x → y"``) with ``x``, ``y``, ``n``, ``r``, ``lower``,
        ``upper`` and ``slope``.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 4.0, 5.0, 8.0]})
    >>> chain_links(frame, [("a", "b")])[["n", "r", "slope"]].round(4)
            n       r  slope
    link
    a → b   4  0.9812    1.9
    """
    rows = []
    for x, y in links:
        pair = _complete(table, (x, y))
        n = len(pair)
        r = float(pair[x].corr(pair[y])) if n >= 2 else np.nan
        spread = pair[x].var()
        slope = float(pair[x].cov(pair[y]) / spread) if n >= 2 and spread > 0 else np.nan
        lower, upper = _fisher_interval(r, n, 0, conf_level)
        rows.append(
            {"link": f"{x} → {y}", "x": x, "y": y, "n": n, "r": r, "lower": lower, "upper": upper, "slope": slope}
        )
    return pd.DataFrame(rows, columns=["link", "x", "y", "n", "r", "lower", "upper", "slope"]).set_index("link")


def partial_correlation(
    table: pd.DataFrame, x: str, y: str, controls: str | Sequence[str], *, conf_level: float = 0.95
) -> pd.Series:
    """The correlation of x and y once the controls are held fixed (a partial correlation).

    Both x and y are regressed on the controls (least squares with an intercept); the partial
    correlation is the correlation of the two residuals. With one control z it equals
    ``(r_xy − r_xz·r_yz) / √((1 − r_xz²)(1 − r_yz²))``. If x and y are correlated only because
    z drives both, the partial correlation is near 0.

    Parameters
    ----------
    table : pandas.DataFrame
        the data (rows with a missing value in any column used are left out).
    x, y : str
        the two columns.
    controls : str or sequence of str
        a column name or several.
    conf_level : float, optional
        confidence level of the Fisher interval (with ``n − 3 − k`` degrees, k controls).

    Returns
    -------
    pandas.Series
        Series ``r``, ``lower``, ``upper``, ``slope`` (the change of y per unit of x with the
        controls held fixed: the coefficient of x in the regression of y on x and the controls),
        ``se`` (the slope's standard error, ``√(Σe² / (n − 2 − k) / Σx̃²)`` with e the residuals
        of that regression and x̃ the residuals of x on the controls), ``n`` and ``controls`` (k).

    Examples
    --------
    >>> frame = pd.DataFrame({"z": [1.0, 2.0, 3.0, 4.0, 5.0], "x": [1.5, 1.0, 3.0, 5.0, 4.5],
    ...     "y": [3.0, 4.0, 4.0, 8.0, 11.0]})   # x = z + noise, y = 2z + other noise
    >>> round(float(frame["x"].corr(frame["y"])), 2)
    0.83
    >>> round(abs(float(partial_correlation(frame, "x", "y", "z")["r"])), 6)
    0.0
    """
    names = [controls] if isinstance(controls, str) else list(controls)
    data = _complete(table, (x, y, *names))
    n = len(data)
    design = np.column_stack([np.ones(n), data[names].to_numpy(dtype=float)])

    def residual(column: str) -> np.ndarray:
        values = data[column].to_numpy(dtype=float)
        coefficients, *_ = np.linalg.lstsq(design, values, rcond=None)
        return values - design @ coefficients

    rx, ry = residual(x), residual(y)
    denominator = np.sqrt((rx @ rx) * (ry @ ry))
    enough = n > len(names) + 1 and denominator > 0
    r = float(rx @ ry / denominator) if enough else np.nan
    slope = float(rx @ ry / (rx @ rx)) if enough else np.nan
    left = ry - slope * rx
    se = float(np.sqrt(left @ left / (n - 2 - len(names)) / (rx @ rx))) if enough and n > 2 + len(names) else np.nan
    lower, upper = _fisher_interval(r, n, len(names), conf_level)
    return pd.Series(
        {"r": r, "lower": lower, "upper": upper, "slope": slope, "se": se, "n": n, "controls": len(names)},
        name=f"{x} → {y} | {', '.join(names)}",
    )


def _tenure_effect(params: Mapping) -> tuple[float, str]:
    """The generator's effect of employee tenure on service quality, per unit of log tenure (months).

    The generator may state it in several ways (its parameter names are read, not assumed):
    per unit of log months (``per_log_tenure``, ``per_log_month``…), per doubling of tenure,
    per standard deviation of log tenure, or per year or month of tenure (then taken at the
    median tenure, where d(log t) = dt / t). No key naming tenure means no effect (0).

    Returns
    -------
    tuple of (float, str)
        the coefficient on the logit of service quality per unit of log tenure, and the key read.
    """
    quality, tenure = params.get("service_quality", {}), params.get("employee_tenure", {})
    found = {}
    for key, value in quality.items():
        if isinstance(value, Mapping):  # e.g. {"tenure": {"per_log_month": 0.2, ...}}
            found.update({f"{key}.{k}": v for k, v in value.items() if isinstance(v, (int, float))})
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            found[key] = value
    found = {
        k: float(v)
        for k, v in found.items()
        if "tenure" in k.lower()
        and not k.lower().endswith(("ref", "reference", "reference_months", "centre", "center"))
    }
    if not found:
        return 0.0, ""
    if len(found) > 1:
        raise ValueError(f"service_quality has several tenure effects, {sorted(found)}: say which one to read")
    key, value = next(iter(found.items()))
    name = key.lower()
    median = float(tenure.get("median_months", 20.0))
    if "doubling" in name:
        return value / np.log(2), key
    if "sd" in name:  # per standard deviation of log tenure: b·z from satisfaction plus the noise σ
        spread = float(tenure.get("sd_log", np.hypot(tenure.get("per_sd_satisfaction", 0.0), tenure.get("sigma", 0.0))))
        return value / spread, key
    if "log" in name:
        return value, key
    if "year" in name:
        return value * median / 12, key
    if "month" in name:
        return value * median, key
    return value, key  # a bare "tenure" coefficient: taken per unit of log months


def true_chain_effects(params: Mapping, service_quality: Sequence[float] | None = None) -> pd.Series:
    """The links of the class notes' employee–customer chain that the course's simulation really contains.

    Read from the generator's parameters (``company.truth.params``; see :mod:`helpers.synthetic`,
    which follows Heskett et al.'s 1994 service-profit chain: employee satisfaction and tenure
    both feed the service quality a customer receives). Each link is a *direct* effect, the
    other employee measure held fixed, the quantity a partial regression over employees measures:

    * ``employee satisfaction → log tenure``: tenure = median × e^(b·z) × noise with
      z = (satisfaction − mean)/sd, so the slope of log tenure is ``b / sd`` per point;
    * ``log tenure → customer satisfaction``: service quality is
      logistic(a + c·z + t·log tenure + shift + ε) and latent satisfaction rises by
      ``per_service_quality`` per unit of quality, so the slope is
      ``per_service_quality · t · E[q(1 − q)]`` (0 when the generator has no tenure effect;
      see :func:`_tenure_effect` for how ``t`` is read);
    * ``employee satisfaction → customer satisfaction``: likewise
      ``per_service_quality · (c / sd) · E[q(1 − q)]`` per point of employee satisfaction.

    ``E[q(1 − q)]``, the average slope of the logistic curve, is the mean over the customers'
    true service quality when ``service_quality`` is given (``company.truth.customer_traits``),
    else a Gauss–Hermite quadrature over the noise and the acquisition channels at the average
    employee. Survey answers are rounded to whole levels, which changes these slopes little in
    the middle of the scale.

    Parameters
    ----------
    params : mapping
        the simulation's parameters.
    service_quality : sequence of float, optional
        the customers' true service quality (0–1).

    Returns
    -------
    pandas.Series
        Series indexed by link, in points of customer satisfaction (or log-months of tenure)
        per point of employee satisfaction or per unit of log tenure.

    Examples
    --------
    >>> from helpers.synthetic import default_params
    >>> effects = true_chain_effects(default_params())
    >>> effects.index.tolist()
    ['employee satisfaction → log tenure', 'log tenure → customer satisfaction', 'employee satisfaction → customer satisfaction']
    >>> bool(effects.iloc[0] > 0 and effects.iloc[2] > 0)
    True
    """
    sat, ten, quality = params["employee_satisfaction"], params["employee_tenure"], params["service_quality"]
    per_point = 1.0 / sat["sd"]
    per_log_tenure, _ = _tenure_effect(params)
    if service_quality is not None:
        q = np.asarray(service_quality, dtype=float)
        slope_of_quality = float(np.mean(q * (1 - q)))
    else:
        nodes, weights = np.polynomial.hermite_e.hermegauss(40)
        weights = weights / weights.sum()
        share_b2b = params["share_b2b"]
        consumers, businesses = params["channel_mix"]["B2C"], params["channel_mix"]["B2B"]
        mix = {c: (1 - share_b2b) * consumers[c] + share_b2b * businesses[c] for c in consumers}
        slope_of_quality = 0.0
        for channel, share in mix.items():
            centre = quality["intercept"] + quality["channel_shift"][channel] + quality["noise_sd"] * nodes
            q = 1 / (1 + np.exp(-centre))
            slope_of_quality += share * float(weights @ (q * (1 - q)))
    to_satisfaction = params["satisfaction"]["per_service_quality"] * slope_of_quality
    return pd.Series(
        {
            N_("employee satisfaction → log tenure"): ten["per_sd_satisfaction"] * per_point,
            N_("log tenure → customer satisfaction"): to_satisfaction * per_log_tenure,
            N_("employee satisfaction → customer satisfaction"): (
                to_satisfaction * quality["per_sd_employee_satisfaction"] * per_point
            ),
        },
        name="true_slope",
    )


def chain_against_truth(
    chain: pd.DataFrame, params: Mapping, service_quality: Sequence[float] | None = None
) -> pd.DataFrame:
    """The employee–customer chain measured over employees, beside the simulation's true links.

    Measured (least squares over the rows of :func:`employee_chain`): the slope of log tenure
    on employee satisfaction; the slope of customer satisfaction on log tenure with employee
    satisfaction held fixed; and on employee satisfaction with log tenure held fixed (the
    direct effects :func:`true_chain_effects` gives). A measured slope is called ``near`` the
    truth when it lies within two standard errors of it.

    Parameters
    ----------
    chain : pandas.DataFrame
        the table of :func:`employee_chain` (``satisfaction``, ``log_tenure``, ``customer_satisfaction``).
    params : mapping
        the simulation's parameters (``company.truth.params``).
    service_quality : sequence of float, optional
        the customers' true service quality, passed on to :func:`true_chain_effects`.

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed like :func:`true_chain_effects` with ``measured``, ``se``, ``true``,
        ``difference`` (measured − true), ``in_se`` (the difference in standard errors) and
        ``near`` (True when ``|in_se| ≤ 2``).

    Examples
    --------
    >>> from helpers.synthetic import default_params
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=200)
    >>> staff = pd.DataFrame({"satisfaction": 3.6 + 0.7 * z, "log_tenure": 3 + 0.45 * z + rng.normal(0, 0.6, 200)})
    >>> true = true_chain_effects(default_params())  # built with the true direct effects
    >>> staff["customer_satisfaction"] = (3.9 + true.iloc[2] * (staff["satisfaction"] - 3.6)
    ...     + true.iloc[1] * (staff["log_tenure"] - 3) + rng.normal(0, 0.1, 200))
    >>> chain_against_truth(staff, default_params())["near"].tolist()
    [True, True, True]
    """
    truth = true_chain_effects(params, service_quality)
    fits = [
        partial_correlation(chain, "satisfaction", "log_tenure", []),
        partial_correlation(chain, "log_tenure", "customer_satisfaction", "satisfaction"),
        partial_correlation(chain, "satisfaction", "customer_satisfaction", "log_tenure"),
    ]
    table = pd.DataFrame(
        {"measured": [f["slope"] for f in fits], "se": [f["se"] for f in fits], "true": truth.to_numpy()},
        index=truth.index,
    )
    table["difference"] = table["measured"] - table["true"]
    table["in_se"] = table["difference"] / table["se"]
    table["near"] = table["in_se"].abs() <= 2
    return table


# ---------------------------------------------------------------------------------------
# Net Promoter Score over time and by segment
# ---------------------------------------------------------------------------------------


def nps_table(scores: pd.Series, by=None, *, conf_level: float = 0.95) -> pd.DataFrame:
    """Net Promoter Score by group, with the shares behind it and a confidence interval.

    The NPS (Reichheld 2003) is the mean of a score of +100 for a promoter (9–10), 0 for a
    passive (7–8) and −100 for a detractor (0–6). Its standard error follows from that of a
    mean: with shares p₊ and p₋, the variance of one answer's score (in units of 100) is
    ``p₊ + p₋ − (p₊ − p₋)²``, so ``SE = 100 · √((p₊ + p₋ − (p₊ − p₋)²) / n)`` and the interval
    is NPS ± z·SE (normal approximation; wide for small groups).

    Parameters
    ----------
    scores : pandas.Series
        answers from 0 to 10 (e.g. ``surveys["recommend"]``).
    by : pandas.Series, optional
        None (one row, ``all answers``) or a Series of group labels with the index of
        ``scores`` (a quarter, a segment, a tenure band, …). Answers with a missing label
        are refused.
    conf_level : float, optional
        confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by group with ``answers``, ``promoters``, ``passives``,
        ``detractors`` (shares), ``nps``, ``lower`` and ``upper`` (points, −100 to 100).

    Examples
    --------
    >>> nps_table(pd.Series([10, 9, 8, 7, 3])).round(2)  # doctest: +NORMALIZE_WHITESPACE
                 answers  promoters  passives  detractors   nps  lower   upper
    group
    all answers        5        0.4       0.4         0.2  20.0 -45.59   85.59
    """
    if not isinstance(scores, pd.Series):
        raise ValueError(f"scores must be a pandas Series of answers from 0 to 10, not {type(scores).__name__}")
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be in (0, 1); got {conf_level}")
    groups = nps_category(scores)  # refuses answers outside 0–10 with their positions
    if by is None:
        labels = pd.Series(N_("all answers"), index=scores.index, name="group")
    else:
        if not isinstance(by, pd.Series) or not by.index.equals(scores.index):
            raise ValueError("by must be a Series with the index of scores (one label per answer)")
        if by.isna().any():
            where = list(by.index[by.isna()][:5])
            raise ValueError(f"by: {int(by.isna().sum())} answer(s) have no group label; first: {where}")
        labels = by
    frame = pd.DataFrame(
        {kind: (np.asarray(groups) == kind).astype(float) for kind in ("promoter", "passive", "detractor")},
        index=scores.index,
    )
    grouped = frame.groupby(labels, observed=True, sort=True)
    table = pd.DataFrame(
        {
            "answers": grouped.size().astype(np.int64),
            "promoters": grouped["promoter"].mean(),
            "passives": grouped["passive"].mean(),
            "detractors": grouped["detractor"].mean(),
        }
    )
    table["nps"] = scores.groupby(labels, observed=True, sort=True).agg(nps)
    z = NormalDist().inv_cdf((1 + conf_level) / 2)
    p, d = table["promoters"], table["detractors"]
    se = 100 * np.sqrt((p + d - (p - d) ** 2) / table["answers"])
    table["lower"], table["upper"] = table["nps"] - z * se, table["nps"] + z * se
    table.index.name = labels.name or "group"
    return table


def tenure_at_answer(
    surveys: pd.DataFrame, customers: pd.DataFrame, *, edges_months: Sequence[float] = (6, 12, 24)
) -> pd.Series:
    """How long each survey answerer had been a customer when answering, in bands.

    Parameters
    ----------
    surveys : pandas.DataFrame
        ``customer_id``, ``date``.
    customers : pandas.DataFrame
        ``customer_id`` (unique), ``signup_date``.
    edges_months : sequence of float, optional
        increasing cut points in months (a month is 30.4375 days).

    Returns
    -------
    pandas.Series
        Ordered categorical Series with the index of ``surveys``: ``"0–6 months"``,
        ``"6–12 months"``, …, ``"24+ months"``.

    Examples
    --------
    >>> answers = pd.DataFrame({"customer_id": [1, 1], "date": pd.to_datetime(["2024-02-01", "2025-06-01"])})
    >>> clients = pd.DataFrame({"customer_id": [1], "signup_date": pd.to_datetime(["2024-01-01"])})
    >>> tenure_at_answer(answers, clients).tolist()
    ['0–6 months', '12–24 months']
    """
    require_columns("surveys", surveys, ("customer_id", "date"))
    require_columns("customers", customers, ("customer_id", "signup_date"))
    cuts = np.asarray(edges_months, dtype=float)
    if cuts.ndim != 1 or not len(cuts) or cuts[0] <= 0 or np.any(np.diff(cuts) <= 0):
        raise ValueError(f"edges_months must be increasing positive numbers, got {list(edges_months)!r}")
    refuse_rows("customers", "customer_id", customers, customers["customer_id"].duplicated(), "repeat a customer")
    signup = pd.Series(
        to_dates("customers", customers, "signup_date").to_numpy(), index=customers["customer_id"].to_numpy()
    )
    joined = signup.reindex(surveys["customer_id"].to_numpy())
    refuse_rows("surveys", "customer_id", surveys, joined.isna().to_numpy(), "are not customers of the customers table")
    days = (to_dates("surveys", surveys, "date").to_numpy() - joined.to_numpy()) / np.timedelta64(1, "D")
    months = days / _DAYS_PER_MONTH
    refuse_rows("surveys", "date", surveys, months < 0, "are before the customer's signup_date")
    bounds = [0.0, *cuts]
    names = [f"{lo:g}–{hi:g} months" for lo, hi in zip(bounds[:-1], bounds[1:])] + [f"{cuts[-1]:g}+ months"]
    codes = np.searchsorted(cuts, months, side="right")
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=names, ordered=True), index=surveys.index, name="tenure_at_answer"
    )


# ---------------------------------------------------------------------------------------
# What if one touchpoint failed less often
# ---------------------------------------------------------------------------------------


class Projection(NamedTuple):
    """Result of :func:`project_improvement`."""

    measures: pd.DataFrame
    """Rows ``satisfaction``, ``nps``, ``retention``; columns ``now``, ``projected``, ``change``."""
    levels: pd.DataFrame
    """Share of answers at each satisfaction level 1–5: columns ``now`` and ``projected``."""


def level_outcomes(surveys: pd.DataFrame) -> pd.DataFrame:
    """Each satisfaction level's share of the answers and the NPS of its answers.

    Parameters
    ----------
    surveys : pandas.DataFrame
        ``satisfaction`` (1–5) and ``recommend`` (0–10).

    Returns
    -------
    pandas.DataFrame
        DataFrame indexed by ``satisfaction`` 1–5 with ``answers``, ``share`` (of all answers)
        and ``nps`` (of the level's answers; NaN for a level without answers).

    Examples
    --------
    >>> answers = pd.DataFrame({"satisfaction": [3, 5, 5, 4], "recommend": [6, 10, 9, 8]})
    >>> level_outcomes(answers).loc[5].tolist()
    [2.0, 0.5, 100.0]
    """
    require_columns("surveys", surveys, ("satisfaction", "recommend"))
    level = whole_numbers("surveys", surveys, "satisfaction", 1, 5).astype(int)
    whole_numbers("surveys", surveys, "recommend", 0, 10)
    if not len(surveys):
        raise ValueError("the surveys table is empty: there are no satisfaction levels to weigh")
    index = pd.Index(list(_LEVELS), name="satisfaction")
    by_level = surveys["recommend"].groupby(level)
    table = pd.DataFrame({"answers": by_level.size().reindex(index, fill_value=0).astype(np.int64)})
    table["share"] = table["answers"] / len(surveys)
    table["nps"] = by_level.agg(nps).reindex(index)
    return table


def project_improvement(
    levels: pd.DataFrame,
    touchpoints: pd.DataFrame,
    moments: pd.DataFrame,
    touchpoint: str,
    improvement: float,
    *,
    churns: float,
    customer_months: float,
) -> Projection:
    """Project satisfaction, NPS and 12-month retention if a share of one touchpoint's bad moments went well.

    A scenario built on relationships measured in the data, not a causal model:

    * **satisfaction and NPS** — the survey answers given after a bad moment at the
      touchpoint (:func:`touchpoint_table`: their share ``w`` of all answers and their level
      mix ``q_bad``) are assumed, for a share ``f`` of them, to look like the answers after a
      good moment there (``q_good``). The level shares become ``p' = p + f·w·(q_good − q_bad)``;
      satisfaction = Σ level·p' and NPS = Σ p'·NPS_level (:func:`level_outcomes`; the NPS is
      linear in the shares, so with ``f = 0`` this gives back the NPS of all answers).
    * **retention** — every bad moment at the touchpoint costs ``importance`` customers more
      than a good one (:func:`moments_of_truth`). Preventing a share ``f`` of them removes
      ``f · importance · bad_moments`` losses from the ``churns`` of the period, so the monthly
      churn rate becomes (churns − saved) / customer_months, and 12-month retention is
      (1 − monthly churn)¹².

    Customers with a bad moment differ from the others in more than that moment (they are
    also served worse in general), so for most touchpoints the projection is an upper bound.

    Parameters
    ----------
    levels : pandas.DataFrame
        the table of :func:`level_outcomes`.
    touchpoints : pandas.DataFrame
        the table of :func:`touchpoint_table`.
    moments : pandas.DataFrame
        the table of :func:`moments_of_truth` (same touchpoint definition).
    touchpoint : str
        a touchpoint of both tables (e.g. ``"complaint"``).
    improvement : float
        the share of bad moments that go well instead, in [0, 1].
    churns : float
        customers lost over the period the contacts cover.
    customer_months : float
        months as a customer summed over all customers in that period.

    Returns
    -------
    Projection
        :class:`Projection` with ``measures`` (``satisfaction`` on 1–5, ``nps`` in points,
        ``retention`` over 12 months as a fraction; columns ``now``, ``projected``, ``change``)
        and ``levels``.

    Examples
    --------
    >>> levels = pd.DataFrame({"share": [0.1, 0.1, 0.2, 0.4, 0.2], "nps": [-100.0, -100, -80, 0, 60]},
    ...                       index=range(1, 6))
    >>> touchpoints = pd.DataFrame({"share_of_answers": [0.3, 0.1],
    ...     **{f"level_{k}": v for k, v in zip(range(1, 6), [[0, 0], [0, 0], [0, 1.0], [1.0, 0], [0, 0]])}},
    ...     index=pd.MultiIndex.from_tuples([("complaint", "went well"), ("complaint", "went badly")]))
    >>> moments = pd.DataFrame({"bad_moments": [200], "importance": [0.1]}, index=["complaint"])
    >>> project_improvement(levels, touchpoints, moments, "complaint", 0.5, churns=300,
    ...                     customer_months=10_000).measures.round(4)
                      now  projected  change
    satisfaction   3.5000     3.5500  0.0500
    nps          -24.0000   -20.0000  4.0000
    retention      0.6938     0.7025  0.0086
    """
    require_columns("levels", levels, ("share", "nps"))
    shares = [f"level_{level}" for level in _LEVELS]
    require_columns("touchpoints", touchpoints, ("share_of_answers", *shares))
    require_columns("moments", moments, ("bad_moments", "importance"))
    if not 0 <= improvement <= 1:
        raise ValueError(f"improvement must be a share in [0, 1], got {improvement!r}")
    if not (customer_months > 0 and 0 <= churns <= customer_months):
        raise ValueError(
            "customer_months must be positive and churns between 0 and customer_months; "
            f"got churns={churns!r}, customer_months={customer_months!r}"
        )
    try:
        bad = touchpoints.loc[(touchpoint, "went badly")]
        good = touchpoints.loc[(touchpoint, "went well")]
        moment = moments.loc[touchpoint]
    except KeyError:
        known = sorted(str(t) for t in moments.index)
        raise ValueError(
            f"touchpoint {touchpoint!r} needs answers after good and bad moments and a row of the "
            f"moments table; the moments table has {known}"
        ) from None
    now = levels["share"].reindex(list(_LEVELS)).to_numpy(dtype=float)
    projected = now + improvement * float(bad["share_of_answers"]) * (
        good[shares].to_numpy(dtype=float) - bad[shares].to_numpy(dtype=float)
    )
    scores = levels["nps"].reindex(list(_LEVELS)).to_numpy(dtype=float)
    scale = np.arange(1, 6, dtype=float)

    def promoters_net(weights: np.ndarray) -> float:
        used = weights > 0  # a level without answers has no NPS, and no weight
        return float(weights[used] @ scores[used])

    saved = improvement * float(moment["importance"]) * float(moment["bad_moments"])
    monthly_now = churns / customer_months
    monthly_then = max(churns - saved, 0.0) / customer_months
    measures = pd.DataFrame(
        {
            "now": [scale @ now, promoters_net(now), (1 - monthly_now) ** 12],
            "projected": [scale @ projected, promoters_net(projected), (1 - monthly_then) ** 12],
        },
        index=["satisfaction", "nps", "retention"],
    )
    measures["change"] = measures["projected"] - measures["now"]
    level_table = pd.DataFrame({"now": now, "projected": projected}, index=pd.Index(list(_LEVELS), name="satisfaction"))
    return Projection(measures, level_table)
