"""Tests of helpers.retention: period rates, Kaplan–Meier, durations and cohorts."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from helpers import retention
from helpers.retention import (
    churn_rate,
    cohort_table,
    customer_durations,
    expected_lifetime,
    landmark_durations,
    median_survival,
    restricted_mean_survival,
    retention_rate,
    survival_at,
    survival_curve,
)


def test_docstring_examples_run():
    assert doctest.testmod(retention).failed == 0


# --------------------------------------------------------------------------- period rates


def test_retention_worked_example():
    # 1000 customers at the start, 1050 at the end, 200 of them new:
    # 850 of the 1000 were kept -> retention 0.85, churn 0.15, lifetime 1 / 0.15 = 6.67.
    assert retention_rate(1000, 1050, 200) == pytest.approx(0.85)
    assert churn_rate(1000, 1050, 200) == pytest.approx(0.15)
    assert expected_lifetime(0.85) == pytest.approx(6.6667, abs=1e-4)
    assert isinstance(retention_rate(1000, 1050, 200), float)


def test_rates_are_vectorised():
    rates = retention_rate(np.array([1000, 500]), np.array([1050, 450]), np.array([200, 50]))
    np.testing.assert_allclose(rates, [0.85, 0.8])
    np.testing.assert_allclose(churn_rate([1000, 500], [1050, 450], 50), [0.0, 0.2])
    np.testing.assert_allclose(expected_lifetime([0.0, 0.5, 0.9, 1.0]), [1, 2, 10, math.inf])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((-1, 10, 0), ["customers_start", "negative", "-1"]),
        ((100, -5, 0), ["customers_end", "negative", "-5"]),
        ((100, 50, -2), ["new_customers", "negative", "-2"]),
        ((100, 50, 60), ["new_customers", "customers_end", "60"]),
        ((100, 250, 20), ["cannot exceed customers_start", "customers_end=250"]),
        ((0, 0, 0), ["customers_start", "positive", "0"]),
        ((float("nan"), 10, 0), ["customers_start", "NaN"]),
        (([100, 100], [90, 50], [0, 60]), ["new_customers", "position 1"]),
    ],
)
def test_impossible_counts_are_refused(args, words):
    with pytest.raises(ValueError) as error:
        retention_rate(*args)
    for word in words:
        assert word in str(error.value)
    with pytest.raises(ValueError):
        churn_rate(*args)


@pytest.mark.parametrize("rate", [-0.1, 1.2, float("nan")])
def test_expected_lifetime_refuses_impossible_rates(rate):
    with pytest.raises(ValueError, match="retention_rate"):
        expected_lifetime(rate)


counts = st.integers(min_value=0, max_value=10**6)


@given(start=st.integers(1, 10**6), kept_share=st.floats(0, 1), new=counts)
def test_retention_plus_churn_is_one(start, kept_share, new):
    end = math.floor(start * kept_share) + new
    kept = retention_rate(start, end, new)
    assert 0 <= kept <= 1
    assert kept + churn_rate(start, end, new) == pytest.approx(1.0)


@given(st.floats(0, 1))
def test_expected_lifetime_is_at_least_one_period(rate):
    assert expected_lifetime(rate) >= 1


# --------------------------------------------------------------------------- Kaplan–Meier

# Ten customers (duration in months, churned?) — ties at 2, 4 and 7 mix churn and censoring.
HAND_DURATIONS = [1, 2, 2, 3, 4, 4, 5, 7, 7, 9]
HAND_OBSERVED = [True, True, False, True, True, False, False, True, False, False]
# By hand (churns before censorings at the same time):
#   t  at risk  churn  censored  S(t)
#   0    10       0       0      1
#   1    10       1       0      9/10                    = 0.9
#   2     9       1       1      0.9 · 8/9               = 0.8
#   3     7       1       0      0.8 · 6/7               = 0.685714
#   4     6       1       1      0.685714 · 5/6          = 0.571429
#   5     4       0       1      0.571429
#   7     3       1       1      0.571429 · 2/3          = 0.380952
#   9     1       0       1      0.380952
# Median: first t with S(t) ≤ 0.5 -> 7 months.
HAND_TABLE = pd.DataFrame(
    {
        "time": [0.0, 1, 2, 3, 4, 5, 7, 9],
        "at_risk": [10, 10, 9, 7, 6, 4, 3, 1],
        "events": [0, 1, 1, 1, 1, 0, 1, 0],
        "censored": [0, 0, 1, 0, 1, 1, 1, 1],
        "survival": [1, 0.9, 0.8, 24 / 35, 4 / 7, 4 / 7, 8 / 21, 8 / 21],
    }
)


def test_kaplan_meier_by_hand():
    curve = survival_curve(HAND_DURATIONS, HAND_OBSERVED)
    assert list(curve.columns) == ["time", "at_risk", "events", "censored", "survival", "lower", "upper"]
    pd.testing.assert_frame_equal(curve[HAND_TABLE.columns], HAND_TABLE, check_dtype=False)
    assert median_survival(curve) == 7.0
    assert curve.attrs["time_unit"] == "months"


def test_greenwood_log_log_bound_by_hand():
    # At t = 1: S = 0.9, Greenwood Σ d/(n(n−d)) = 1/(10·9) = 1/90.
    # σ = sqrt(1/90) / |ln 0.9| = 1.000462; bounds S^exp(±1.959964·σ).
    sigma = math.sqrt(1 / 90) / abs(math.log(0.9))
    lower, upper = 0.9 ** math.exp(1.959964 * sigma), 0.9 ** math.exp(-1.959964 * sigma)
    assert (round(lower, 4), round(upper, 4)) == (0.4730, 0.9853)
    row = survival_curve(HAND_DURATIONS, HAND_OBSERVED).iloc[1]
    assert row["lower"] == pytest.approx(lower, rel=1e-5)
    assert row["upper"] == pytest.approx(upper, rel=1e-5)


def test_kaplan_meier_agrees_with_scipy():
    rng = np.random.default_rng(7)
    durations = rng.integers(0, 40, 500).astype(float)
    observed = rng.random(500) < 0.6
    curve = survival_curve(durations, observed, conf_level=0.9)
    reference = stats.ecdf(stats.CensoredData(uncensored=durations[observed], right=durations[~observed])).sf
    interval = reference.confidence_interval(0.9, method="log-log")
    at = curve["time"].to_numpy()
    np.testing.assert_allclose(curve["survival"], reference.evaluate(at))
    events = curve["events"].to_numpy() > 0  # scipy's interval steps at event times only
    np.testing.assert_allclose(curve["lower"][events], interval.low.evaluate(at[events]))
    np.testing.assert_allclose(curve["upper"][events], interval.high.evaluate(at[events]))


def test_churn_at_time_zero_lowers_the_first_point():
    curve = survival_curve([0, 0, 3, 5], [True, False, True, True])
    assert curve["time"].iloc[0] == 0
    assert curve["survival"].iloc[0] == pytest.approx(0.75)
    assert curve["survival"].iloc[-1] == 0
    assert curve[["lower", "upper"]].iloc[-1].tolist() == [0.0, 0.0]


def test_grouped_curves_equal_separate_curves():
    rng = np.random.default_rng(3)
    durations = rng.exponential(10, 300).round()
    observed = rng.random(300) < 0.7
    segment = pd.Categorical(rng.choice(["B2C", "B2B"], 300), categories=["B2C", "B2B"])
    curve = survival_curve(durations, observed, group=segment)
    assert list(curve.columns[:2]) == ["group", "time"]
    assert list(curve["group"].unique()) == ["B2C", "B2B"]  # category order kept
    for label in ("B2C", "B2B"):
        alone = survival_curve(durations[segment == label], observed[segment == label])
        part = curve[curve["group"] == label].drop(columns="group").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, alone)
    medians = median_survival(curve)
    assert list(medians.index) == ["B2C", "B2B"]
    assert medians["B2B"] == median_survival(survival_curve(durations[segment == "B2B"], observed[segment == "B2B"]))


def test_median_is_nan_when_half_never_churn():
    assert math.isnan(median_survival(survival_curve([1, 2, 3], [True, False, False])))


@pytest.mark.parametrize(
    ("durations", "observed", "words"),
    [
        ([1, -2, 3], [True, True, True], ["≥ 0", "[1]", "-2"]),
        ([1, float("nan")], [True, True], ["finite", "[1]"]),
        ([1, 2], [True], ["observed has 1", "durations has 2"]),
        ([1, 2], [1, 2], ["True/False", "[1]"]),
        ([], [], ["non-empty"]),
    ],
)
def test_survival_curve_refuses_bad_input(durations, observed, words):
    with pytest.raises(ValueError) as error:
        survival_curve(durations, observed)
    for word in words:
        assert word in str(error.value)


def test_survival_curve_refuses_missing_group_labels():
    with pytest.raises(ValueError, match="group has missing labels"):
        survival_curve([1, 2], [True, False], group=["a", None])


samples = st.lists(st.tuples(st.integers(0, 30).map(float), st.booleans()), min_size=1, max_size=60)


@given(samples)
def test_survival_is_a_non_increasing_probability(sample):
    durations, observed = zip(*sample)
    curve = survival_curve(list(durations), list(observed))
    survival = curve["survival"].to_numpy()
    assert np.all((survival >= 0) & (survival <= 1))
    assert np.all(np.diff(survival) <= 1e-12)
    assert np.all(curve["lower"] <= survival + 1e-12)
    assert np.all(survival <= curve["upper"] + 1e-12)
    assert curve["at_risk"].iloc[0] == len(sample)
    assert curve["events"].sum() + curve["censored"].sum() == len(sample)


@given(st.lists(st.integers(0, 30).map(float), min_size=1, max_size=60))
def test_without_censoring_kaplan_meier_is_the_empirical_survival(durations):
    curve = survival_curve(durations, [True] * len(durations))
    values = np.array(durations)
    empirical = [(values > t).mean() for t in curve["time"]]
    np.testing.assert_allclose(curve["survival"], empirical, atol=1e-12)


# ------------------------------------------------------------------------- customer tables


def _customers(*signups: str) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": range(1, len(signups) + 1), "signup_date": pd.to_datetime(list(signups))})


def _churn(**dates: str) -> pd.DataFrame:
    """Churn rows as c<id>="YYYY-MM-DD"."""
    return pd.DataFrame({"customer_id": [int(key[1:]) for key in dates], "date": pd.to_datetime(list(dates.values()))})


def test_customer_durations_censor_at_observation_end():
    customers = _customers("2024-01-01", "2024-01-01", "2024-02-01")
    churn = _churn(c1="2024-03-01", c3="2024-12-01")  # customer 3 leaves after the end
    durations = customer_durations(customers, churn, "2024-07-01", unit="days")
    assert durations.index.name == "customer_id"
    assert durations["duration"].tolist() == [60.0, 182.0, 151.0]
    assert durations["churned"].tolist() == [True, False, False]
    months = customer_durations(customers, churn, "2024-07-01")
    np.testing.assert_allclose(months["duration"], np.array([60, 182, 151]) / 30.4375)
    assert months.attrs["time_unit"] == "months"


def test_customer_durations_feed_the_survival_curve():
    customers = _customers("2024-01-01", "2024-01-01", "2024-01-01", "2024-01-01")
    churn = _churn(c1="2024-01-31", c2="2024-03-01")
    durations = customer_durations(customers, churn, "2024-03-31", unit="days")
    curve = survival_curve(durations["duration"], durations["churned"], time_unit="days")
    assert curve["survival"].tolist() == [1.0, 0.75, 0.5, 0.5]


@pytest.mark.parametrize(
    ("churn", "words"),
    [
        (_churn(c9="2024-03-01"), ["churn.customer_id", "not in the customers table", "9"]),
        (_churn(c2="2023-12-01"), ["churn.date", "before the customer's signup_date", "2023-12-01"]),
        (_churn(c1="2024-03-01").pipe(lambda t: pd.concat([t, t])), ["churn.customer_id", "repeat"]),
        (pd.DataFrame({"customer_id": [1]}), ["churn table is missing", "date"]),
        (pd.DataFrame({"customer_id": [1], "date": [pd.NaT]}), ["churn.date", "no date"]),
    ],
)
def test_customer_durations_name_the_bad_rows(churn, words):
    customers = _customers("2024-01-01", "2024-02-01")
    with pytest.raises(ValueError) as error:
        customer_durations(customers, churn, "2024-06-30")
    for word in words:
        assert word in str(error.value)


def test_customer_durations_refuse_bad_customers_and_units():
    with pytest.raises(ValueError, match="customers.customer_id: 2 row"):
        customer_durations(_customers("2024-01-01", "2024-01-02").assign(customer_id=7), _churn(), "2024-06-30")
    with pytest.raises(ValueError, match="customers.signup_date.*after observation_end"):
        customer_durations(_customers("2024-09-01"), _churn(), "2024-06-30")
    with pytest.raises(ValueError, match="unit"):
        customer_durations(_customers("2024-01-01"), _churn(), "2024-06-30", unit="weeks")


# ------------------------------------------------------------------------------- cohorts


def test_cohort_table_active_by_hand():
    # January cohort: 4 customers; customer 1 leaves in January, 2 in February, 3 in March
    #   (last observed month), 4 stays. Active = not churned before the month began:
    #   age 0 (Jan) 4/4, age 1 (Feb) 3/4, age 2 (Mar) 2/4.
    # February cohort: 2 customers; 6 leaves in April (after the end: not known yet).
    #   age 0 (Feb) 2/2, age 1 (Mar) 2/2, age 2 (Apr) not observed -> NaN.
    customers = _customers("2024-01-03", "2024-01-10", "2024-01-20", "2024-01-31", "2024-02-01", "2024-02-28")
    churn = _churn(c1="2024-01-25", c2="2024-02-02", c3="2024-03-30", c6="2024-04-02")
    table = cohort_table(customers, churn=churn, observation_end="2024-03-31")
    expected = pd.DataFrame(
        [[1.0, 0.75, 0.5], [1.0, 1.0, np.nan]],
        index=pd.PeriodIndex(["2024-01", "2024-02"], freq="M", name="cohort"),
        columns=pd.RangeIndex(3, name="months_since_signup"),
    )
    pd.testing.assert_frame_equal(table.shares, expected)
    assert table.sizes.tolist() == [4, 2]
    assert table.sizes.name == "customers"
    shares, sizes = table  # a named tuple unpacks
    assert sizes.index.equals(shares.index)


def test_cohort_table_purchasing_by_hand():
    # January cohort (customers 1, 2): Jan buyers {1, 2}, Feb {} , Mar {2} (twice).
    # One purchase after observation_end is ignored.
    customers = _customers("2024-01-05", "2024-01-06")
    transactions = pd.DataFrame(
        {
            "customer_id": [1, 2, 2, 2, 1],
            "date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-03-01", "2024-03-09", "2024-04-15"]),
        }
    )
    table = cohort_table(customers, transactions, observation_end="2024-03-31", measure="purchasing")
    assert table.shares.iloc[0].tolist() == [1.0, 0.0, 0.5]


def test_cohort_table_by_quarter():
    customers = _customers("2024-01-15", "2024-05-01")
    churn = _churn(c1="2024-06-01")
    table = cohort_table(customers, churn=churn, observation_end="2024-09-30", freq="Q")
    assert table.shares.columns.name == "quarters_since_signup"
    assert [str(p) for p in table.shares.index] == ["2024Q1", "2024Q2"]
    np.testing.assert_array_equal(table.shares.to_numpy(), [[1.0, 1.0, 0.0], [1.0, 1.0, np.nan]])


def test_cohort_table_rows_decline_and_agree_with_durations():
    rng = np.random.default_rng(11)
    n = 2000
    signup = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 365, n), "D")
    customers = pd.DataFrame({"customer_id": np.arange(n), "signup_date": signup})
    leaves = rng.random(n) < 0.6
    churn_day = signup[leaves] + pd.to_timedelta(rng.integers(0, 700, leaves.sum()), "D")
    churn = pd.DataFrame({"customer_id": np.arange(n)[leaves], "date": churn_day})
    shares = cohort_table(customers, churn=churn, observation_end="2024-06-30").shares
    assert (shares[0] == 1).all()
    steps = np.diff(shares.to_numpy(), axis=1)
    assert np.all(steps[~np.isnan(steps)] <= 0)
    # NaN exactly where the calendar month is after June 2024
    ages = np.arange(shares.shape[1])
    cohort_number = shares.index.year * 12 + shares.index.month
    beyond = cohort_number.to_numpy()[:, None] + ages > 2024 * 12 + 6
    np.testing.assert_array_equal(shares.isna().to_numpy(), beyond)
    # The January-2023 cohort by brute force: not churned before month k began.
    january = customers["signup_date"].dt.to_period("M") == pd.Period("2023-01", "M")
    churn_month = churn.set_index("customer_id")["date"].reindex(customers["customer_id"]).dt.to_period("M").to_numpy()
    for age in (0, 5, 17):
        month = pd.Period("2023-01", "M") + age
        active = [pd.isna(c) or c >= month for c in churn_month[january.to_numpy()]]
        assert shares.iloc[0, age] == pytest.approx(np.mean(active))


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({}, ["needs the churn table"]),
        ({"measure": "purchasing"}, ["needs the transactions table"]),
        ({"measure": "revenue"}, ["measure"]),
        ({"freq": "W"}, ["freq"]),
        (
            {"transactions": pd.DataFrame({"customer_id": [5], "date": ["2024-02-01"]}), "measure": "purchasing"},
            ["transactions.customer_id", "not in the customers"],
        ),
        (
            {"transactions": pd.DataFrame({"customer_id": [1], "date": ["2023-02-01"]}), "measure": "purchasing"},
            ["transactions.date", "before"],
        ),
    ],
)
def test_cohort_table_refuses_bad_input(kwargs, words):
    with pytest.raises(ValueError) as error:
        cohort_table(_customers("2024-01-01"), observation_end="2024-03-31", **kwargs)
    for word in words:
        assert word in str(error.value)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.one_of(st.none(), st.integers(0, 300))), min_size=1, max_size=40))
def test_cohort_shares_are_fractions_starting_at_one(rows):
    start = pd.Timestamp("2024-01-01")
    signup = [start + pd.Timedelta(days=s) for s, _ in rows]
    customers = pd.DataFrame({"customer_id": range(len(rows)), "signup_date": signup})
    churned = [(i, signup[i] + pd.Timedelta(days=d)) for i, (_, d) in enumerate(rows) if d is not None]
    churn = pd.DataFrame(churned, columns=["customer_id", "date"])
    table = cohort_table(customers, churn=churn, observation_end="2024-08-31")
    values = table.shares.to_numpy()
    assert np.all(values[~np.isnan(values)] >= 0) and np.all(values[~np.isnan(values)] <= 1)
    assert (table.shares[0] == 1).all()
    assert table.sizes.sum() == len(rows)


# ------------------------------------------------------- reading curves, landmark (lesson 02)


def test_survival_at_reads_the_step_function_by_hand():
    curve = survival_curve(HAND_DURATIONS, HAND_OBSERVED)
    # From HAND_TABLE: S = 1 before 1, 0.9 on [1, 2), 0.8 on [2, 3), 24/35 on [3, 4), 4/7 on [4, 7).
    values = survival_at(curve, [0, 0.5, 1, 2.99, 3, 6.5, 9])
    np.testing.assert_allclose(values.to_numpy(), [1, 1, 0.9, 0.8, 24 / 35, 4 / 7, 8 / 21])
    assert math.isnan(survival_at(curve, 9.5))  # after the longest follow-up
    with pytest.raises(ValueError, match="times must be ≥ 0"):
        survival_at(curve, -1)


def test_survival_at_on_grouped_curves():
    curve = survival_curve([1, 2, 3, 4], [True, True, True, False], group=["a", "a", "b", "b"])
    table = survival_at(curve, [1, 3])
    assert list(table.columns) == ["a", "b"]
    assert table.loc[1.0].tolist() == [0.5, 1.0]
    assert table.loc[3.0, "b"] == 0.5 and math.isnan(table.loc[3.0, "a"])  # 'a' is followed up to 2 only
    assert survival_at(curve, 1).to_dict() == {"a": 0.5, "b": 1.0}


def test_restricted_mean_survival_by_hand():
    curve = survival_curve(HAND_DURATIONS, HAND_OBSERVED)
    # ∫₀⁵ S = 1·1 + 1·0.9 + 1·0.8 + 1·24/35 + 1·4/7 = 3.957143
    assert restricted_mean_survival(curve, 5) == pytest.approx(1 + 0.9 + 0.8 + 24 / 35 + 4 / 7)
    assert restricted_mean_survival(curve, 0.5) == pytest.approx(0.5)
    assert math.isnan(restricted_mean_survival(curve, 10))
    grouped = survival_curve([1, 2, 3, 4], [True, True, True, False], group=["a", "a", "b", "b"])
    # a: 1·1 + 1·0.5 = 1.5 up to 2; b: nobody leaves before 3, so 2·1 = 2
    assert restricted_mean_survival(grouped, 2).to_dict() == {"a": 1.5, "b": 2.0}


@given(st.lists(st.tuples(st.integers(1, 30).map(float), st.booleans()), min_size=1, max_size=50), st.floats(0.1, 1.0))
def test_restricted_mean_is_the_mean_truncated_duration_without_censoring(sample, share):
    durations = [d for d, _ in sample]
    curve = survival_curve(durations, [True] * len(durations))
    horizon = share * max(durations)
    assert restricted_mean_survival(curve, horizon) == pytest.approx(np.minimum(durations, horizon).mean())


def test_landmark_keeps_those_still_observed_and_restarts_the_clock():
    durations = pd.DataFrame(
        {"duration": [3.0, 6.0, 6.0, 12.0, 5.0], "churned": [True, True, False, False, True], "segment": list("abcde")},
        index=pd.Index([11, 12, 13, 14, 15], name="customer_id"),
    )
    durations.attrs["time_unit"] = "months"
    kept = landmark_durations(durations, 6)
    # 11 and 15 left before month 6; 12 left exactly at 6 (not after it) and is dropped;
    # 13 is censored at 6 (still there) and kept with 0 months of follow-up.
    assert kept.index.tolist() == [13, 14]
    assert kept["duration"].tolist() == [0.0, 6.0]
    assert kept["segment"].tolist() == ["c", "d"]
    assert kept.attrs["time_unit"] == "months"
    assert landmark_durations(durations, 0).equals(durations)
    with pytest.raises(ValueError, match="landmark must be ≥ 0"):
        landmark_durations(durations, -1)
