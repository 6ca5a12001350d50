"""Tests of helpers.bucket: the leaky-bucket model and the economics of retention."""

from __future__ import annotations

import doctest
import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import bucket
from helpers.bucket import (
    periods_to_steady_state,
    profit_uplift_from_retention,
    simulate,
    steady_state,
)

BASE = dict(
    initial_customers=1000, acquisition_spend=5000, cost_per_acquisition=50, churn_rate=0.2, revenue_per_customer=20
)


def test_docstring_examples_run():
    assert doctest.testmod(bucket).failed == 0


# ------------------------------------------------------------------------------ simulate


def test_simulate_by_hand():
    # inflow = 5000 / 50 = 100; effective churn = 0.2 × (1 − 0.25) = 0.15
    # period 1: start 1000, out 150, end 950; revenue 20·950 = 19000, margin 0.4 → 7600,
    #           retention 1·1000 = 1000; profit 7600 − 5000 − 1000 = 1600
    # period 2: start 950, out 142.5, end 907.5; revenue 18150, margin 7260,
    #           retention 950; profit 7260 − 5000 − 950 = 1310; cumulative 2910
    run = simulate(2, **BASE, margin_rate=0.4, retention_cost_per_customer=1.0, churn_reduction=0.25)
    expected = pd.DataFrame(
        {
            "customers_start": [1000, 950],
            "inflow": [100, 100],
            "outflow": [150, 142.5],
            "customers_end": [950, 907.5],
            "revenue": [19000, 18150],
            "margin": [7600, 7260],
            "acquisition_cost": [5000, 5000],
            "retention_cost": [1000, 950],
            "profit": [1600, 1310],
            "cumulative_profit": [1600, 2910],
        },
        index=pd.RangeIndex(1, 3, name="period"),
        dtype=float,
    )
    pd.testing.assert_frame_equal(run, expected)


def test_stock_carries_over_and_flows_balance():
    run = simulate(24, **BASE)
    np.testing.assert_allclose(run["customers_start"].iloc[1:], run["customers_end"].iloc[:-1])
    np.testing.assert_allclose(run["customers_end"], run["customers_start"] + run["inflow"] - run["outflow"])
    np.testing.assert_allclose(run["cumulative_profit"], run["profit"].cumsum())


def test_simulate_follows_the_closed_form_and_settles_at_the_steady_state():
    run = simulate(60, **BASE)
    level = steady_state(100, 0.2)
    t = np.arange(1, 61)
    np.testing.assert_allclose(run["customers_end"], level + (1000 - level) * 0.8**t)
    assert run["customers_end"].iloc[-1] == pytest.approx(level, rel=1e-5)


def test_retention_programme_plugs_the_holes():
    leaky = simulate(36, **BASE)
    plugged = simulate(36, **BASE, churn_reduction=0.5, retention_cost_per_customer=2.0)
    assert (plugged["outflow"] < leaky["outflow"]).all()
    assert plugged["customers_end"].iloc[-1] == pytest.approx(steady_state(100, 0.1), rel=0.01)
    np.testing.assert_allclose(plugged["retention_cost"], 2.0 * plugged["customers_start"])


def test_parameters_may_change_per_period():
    spend = [5000] * 3 + [0] * 3  # the tap is turned off after period 3
    run = simulate(6, **{**BASE, "acquisition_spend": spend})
    assert run["inflow"].tolist() == [100] * 3 + [0] * 3
    assert run["acquisition_cost"].tolist() == spend
    assert (np.diff(run["customers_end"].iloc[3:]) < 0).all()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"churn_rate": 1.5}, ["churn_rate", "[0, 1]", "1.5"]),
        ({"churn_reduction": -0.1}, ["churn_reduction", "-0.1"]),
        ({"margin_rate": float("nan")}, ["margin_rate", "nan"]),
        ({"acquisition_spend": -10}, ["acquisition_spend", "-10"]),
        ({"cost_per_acquisition": 0}, ["cost_per_acquisition", "(0, ∞)"]),
        ({"initial_customers": -1}, ["initial_customers"]),
        ({"revenue_per_customer": [20, 20]}, ["revenue_per_customer", "one value per period"]),
        ({"churn_rate": [0.1, 0.2, 2.0]}, ["churn_rate", "period 3"]),
    ],
)
def test_simulate_refuses_bad_parameters(change, words):
    with pytest.raises(ValueError) as error:
        simulate(3, **{**BASE, **change})
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize("periods", [0, -3, 2.5, True, "12"])
def test_simulate_refuses_bad_period_counts(periods):
    with pytest.raises(ValueError, match="periods"):
        simulate(periods, **BASE)


# -------------------------------------------------------------------------- steady state


def test_steady_state_values():
    assert steady_state(100, 0.2) == 500.0
    assert steady_state(100, 0.0) == math.inf
    assert math.isnan(steady_state(0, 0.0))
    np.testing.assert_allclose(steady_state([50, 100], 0.25), [200, 400])
    with pytest.raises(ValueError, match="churn_rate"):
        steady_state(100, 1.2)


def _within(level: float, target: float, tolerance: float, slack: float = 1e-9) -> bool:
    return abs(level - target) <= tolerance * target * (1 + slack)


def _agrees_with_simulation(initial, inflow, churn, tolerance):
    t = periods_to_steady_state(initial, inflow, churn, tolerance)
    target = steady_state(inflow, churn)
    if t == 0:
        assert _within(initial, target, tolerance)
        return
    levels = simulate(
        t,
        initial_customers=initial,
        acquisition_spend=inflow,
        cost_per_acquisition=1.0,
        churn_rate=churn,
        revenue_per_customer=0.0,
    )["customers_end"].to_numpy()
    before = np.concatenate([[initial], levels])
    assert _within(levels[-1], target, tolerance)  # there at period t ...
    assert not _within(before[-2], target, tolerance, slack=-1e-9)  # ... not one earlier


@pytest.mark.parametrize(
    ("initial", "inflow", "churn", "tolerance", "periods"),
    [
        # N* = 500; gap 500 shrinks by 0.8 a period: 0.8^13 = 0.055 > 0.05, 0.8^14 = 0.044
        (0, 100, 0.2, 0.05, 14),
        # from above: gap 1500·0.8^t ≤ 25 needs t ≥ log(1/60) / log(0.8) = 18.35
        (2000, 100, 0.2, 0.05, 19),
        (480, 100, 0.2, 0.05, 0),  # already within 5 % of 500
        (0, 100, 1.0, 0.05, 1),  # everyone leaves each period: N* after one period
    ],
)
def test_periods_to_steady_state_examples(initial, inflow, churn, tolerance, periods):
    assert periods_to_steady_state(initial, inflow, churn, tolerance) == periods
    _agrees_with_simulation(initial, inflow, churn, tolerance)


def test_periods_to_steady_state_when_there_is_none():
    assert periods_to_steady_state(100, 10, 0.0) == math.inf  # no leak: grows forever
    assert periods_to_steady_state(100, 0, 0.1) == math.inf  # decays towards 0, never there
    assert periods_to_steady_state(0, 0, 0.1) == 0


@settings(max_examples=200, deadline=None)
@given(
    initial=st.floats(0, 5000),
    inflow=st.floats(0.1, 500),
    churn=st.floats(0.01, 1),
    tolerance=st.floats(0.01, 0.5),
)
def test_periods_to_steady_state_agrees_with_simulate(initial, inflow, churn, tolerance):
    _agrees_with_simulation(initial, inflow, churn, tolerance)


# ---------------------------------------------------------------- Reichheld & Sasser (1990)


def test_uplift_by_hand():
    # r 0.80 → 0.85, g = 5 %, d = 10 %, m = 100, A = 100:
    # V(0.80) = 100 / (1.10 − 0.80·1.05) − 100 = 100 / 0.26   − 100 = 284.615
    # V(0.85) = 100 / (1.10 − 0.85·1.05) − 100 = 100 / 0.2075 − 100 = 381.928
    # uplift = 381.928 / 284.615 − 1 = 0.3419
    assert profit_uplift_from_retention(0.80) == pytest.approx(0.3419, abs=1e-4)


def test_customer_value_is_the_discounted_profit_stream():
    r, g, d, m, a = 0.8, 0.05, 0.1, 100.0, 100.0
    years = np.arange(1, 2000)
    value = -a + np.sum(m * (1 + g) ** (years - 1) * r ** (years - 1) / (1 + d) ** years)
    value_after = -a + np.sum(m * (1 + g) ** (years - 1) * 0.85 ** (years - 1) / (1 + d) ** years)
    assert profit_uplift_from_retention(
        r, 0.05, first_year_profit=m, profit_growth=g, discount_rate=d, acquisition_cost=a
    ) == pytest.approx(value_after / value - 1)


def test_undiscounted_uplift_is_the_steady_state_profit_uplift_of_the_firm():
    # A firm acquiring 1000 customers a year, once settled, holds 1000·r^(t−1) customers
    # of tenure t, each earning m(1+g)^(t−1); it pays 1000·A a year to acquire.
    def yearly_profit(r, m=100.0, g=0.04, a=150.0, intake=1000):
        tenure = np.arange(1, 3000)
        return np.sum(intake * r ** (tenure - 1) * m * (1 + g) ** (tenure - 1)) - intake * a

    expected = yearly_profit(0.85) / yearly_profit(0.80) - 1
    assert profit_uplift_from_retention(
        0.80, first_year_profit=100, profit_growth=0.04, discount_rate=0.0, acquisition_cost=150
    ) == pytest.approx(expected)


def test_five_points_give_25_to_85_percent_under_plausible_assumptions():
    # Discount 10 %, base retention 0.75–0.90, profit growth 0–6 %/yr,
    # acquisition cost 1–1.5 × first-year profit.
    grid = itertools.product(np.linspace(0.75, 0.90, 7), np.linspace(0, 0.06, 7), np.linspace(100, 150, 6))
    uplifts = [
        profit_uplift_from_retention(r, first_year_profit=100, profit_growth=g, discount_rate=0.10, acquisition_cost=a)
        for r, g, a in grid
    ]
    assert 0.25 <= min(uplifts) and max(uplifts) <= 0.85


@pytest.mark.parametrize(
    ("kwargs", "outside"),
    [
        # low retention, no acquisition cost: 0.50 → 0.55 adds ~9 %
        ({"base_retention": 0.50, "profit_growth": 0.0, "acquisition_cost": 0.0}, "below"),
        # very high retention with growing profits: 0.95 → 1.00 more than doubles the value
        ({"base_retention": 0.95, "profit_growth": 0.05, "acquisition_cost": 0.0}, "above"),
        # thin margins: first-year profit 100 barely covers an acquisition cost of 280
        ({"base_retention": 0.80, "profit_growth": 0.0, "acquisition_cost": 280.0}, "above"),
    ],
)
def test_uplift_leaves_the_range_when_assumptions_change(kwargs, outside):
    uplift = profit_uplift_from_retention(first_year_profit=100, discount_rate=0.10, **kwargs)
    assert uplift < 0.25 if outside == "below" else uplift > 0.85


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"base_retention": 0.98, "retention_gain": 0.05}, ["must not exceed 1"]),
        ({"base_retention": 1.2}, ["base_retention", "[0, 1]"]),
        ({"base_retention": 0.90, "profit_growth": 0.25}, ["infinite"]),
        ({"base_retention": 0.50, "acquisition_cost": 500.0}, ["worth", "meaningless"]),
        ({"base_retention": 0.80, "first_year_profit": 0.0}, ["first_year_profit"]),
    ],
)
def test_uplift_refuses_meaningless_questions(kwargs, words):
    with pytest.raises(ValueError) as error:
        profit_uplift_from_retention(**kwargs)
    for word in words:
        assert word in str(error.value)


# ------------------------------------------------------------- the company's own bucket

from helpers.bucket import (  # noqa: E402  (the new parts of the module, tested below)
    BucketCalibration,
    bucket_flows,
    calibrate_bucket,
    churn_reason_pareto,
    cost_per_customer_saved,
    customer_value,
    margin_by_tenure_year,
    model_vs_data,
    pour_or_plug,
    reason_mix,
    retention_uplift_grid,
    satisfaction_before_leaving,
    structural_hazard_by_month,
)
from helpers.overview import monthly_activity  # noqa: E402
from helpers.retention import retention_rate  # noqa: E402


def _tables():
    """Six customers over three months, worked by hand below."""
    customers = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4, 5, 6],
            "signup_date": pd.to_datetime(
                ["2024-01-03", "2024-01-15", "2024-01-28", "2024-02-02", "2024-02-20", "2024-03-05"]
            ),
            "acquisition_cost": [30.0, 50.0, 40.0, 60.0, 20.0, 45.0],
        }
    )
    churn = pd.DataFrame(
        {
            "customer_id": [2, 5, 1],
            "date": pd.to_datetime(["2024-02-10", "2024-02-27", "2024-03-30"]),
            "reason": ["price", "poor_service", "price"],
        }
    )
    sales = pd.DataFrame(
        {
            "customer_id": [1, 3, 4, 6],
            "date": pd.to_datetime(["2024-01-10", "2024-02-11", "2024-03-01", "2024-03-08"]),
            "amount": [100.0, 60.0, 80.0, 40.0],
            "cost": [70.0, 30.0, 50.0, 25.0],
        }
    )
    return customers, sales, churn


def test_bucket_flows_by_hand():
    # January: 1, 2, 3 join; nobody leaves → start 0, end 3; spend 30+50+40 = 120
    # February: 4, 5 join, 2 leaves (there at the start), 5 leaves (joined this month)
    #   start 3, new 2, new lost 1, kept 1, lost 2, lost from start 1, end 3
    #   retention = (3 − 1) / 3 = 2/3; spend 60+20 = 80, cost per acquisition 40
    # March: 6 joins, 1 leaves → start 3, end 3, retention (3 − 1) / 3 = 2/3
    #   margin 30 + 15 = 45 → 15 per customer at the end
    customers, sales, churn = _tables()
    flows = bucket_flows(customers, sales, churn, "2024-03-31")
    expected = pd.DataFrame(
        {
            "customers_start": [0, 3, 3],
            "new_customers": [3, 2, 1],
            "new_lost_same_period": [0, 1, 0],
            "new_customers_kept": [3, 1, 1],
            "lost_customers": [0, 2, 1],
            "lost_from_start": [0, 1, 1],
            "customers_end": [3, 3, 3],
            "acquisition_spend": [120.0, 80.0, 45.0],
            "cost_per_acquisition": [40.0, 40.0, 45.0],
            "margin": [30.0, 30.0, 45.0],
            "margin_per_customer": [10.0, 10.0, 15.0],
            "retention_rate": [np.nan, 2 / 3, 2 / 3],
            "churn_rate": [np.nan, 1 / 3, 1 / 3],
            "expected_lifetime": [np.nan, 3.0, 3.0],
            "complete": [True, True, True],
        },
        index=pd.DatetimeIndex(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]), name="month"),
    )
    pd.testing.assert_frame_equal(flows, expected, check_dtype=False, check_freq=False)


def test_bucket_flows_by_year_and_cut_at_the_observation_end():
    customers, sales, churn = _tables()
    # Up to 15 March: customer 1 has not left yet, customer 6 has joined; the month is partial.
    flows = bucket_flows(customers, sales, churn, "2024-03-15")
    assert flows["customers_end"].iloc[-1] == 4
    assert flows["complete"].tolist() == [True, True, False]
    # One year: start 0, 6 joined, 3 left (2 and 5 and 1 all joined this year) → end 3
    yearly = bucket_flows(customers, sales, churn, "2024-12-31", period="year")
    assert yearly[["new_customers", "new_lost_same_period", "customers_end"]].iloc[0].tolist() == [6, 3, 3]
    assert not yearly["complete"].iloc[0] or yearly.index[0] == pd.Timestamp("2024-01-01")


@pytest.fixture(scope="module")
def small_company(make_company):
    return make_company(n_customers=500, seed=11, months=18)


def test_bucket_flows_agree_with_the_overview_and_with_retention_rate(small_company):
    c = small_company
    flows = bucket_flows(c.customers, c.transactions, c.churn, c.observation_end)
    overview = monthly_activity(c.customers, c.transactions, c.churn, c.observation_end)
    np.testing.assert_array_equal(flows["customers_end"], overview["active_customers"])
    np.testing.assert_array_equal(flows["new_customers"], overview["new_customers"])
    np.testing.assert_array_equal(flows["lost_customers"], overview["lost_customers"])
    np.testing.assert_allclose(flows["margin"], overview["margin"])
    np.testing.assert_array_equal(
        flows["customers_end"], flows["customers_start"] + flows["new_customers_kept"] - flows["lost_from_start"]
    )
    usable = flows[flows["customers_start"] > 0]
    np.testing.assert_allclose(
        usable["retention_rate"],
        retention_rate(usable["customers_start"], usable["customers_end"], usable["new_customers_kept"]),
    )
    yearly = bucket_flows(c.customers, c.transactions, c.churn, c.observation_end, period="year")
    assert yearly["new_customers"].sum() == flows["new_customers"].sum()
    assert yearly["customers_end"].iloc[-1] == flows["customers_end"].iloc[-1]


@pytest.mark.parametrize(
    ("table", "change", "words"),
    [
        ("customers", lambda t: t.drop(columns="acquisition_cost"), ["customers", "acquisition_cost"]),
        (
            "customers",
            lambda t: t.assign(acquisition_cost=[30.0, -5.0, 40, 60, 20, 45]),
            ["customers.acquisition_cost", "negative"],
        ),
        ("customers", lambda t: t.assign(customer_id=[1, 1, 3, 4, 5, 6]), ["customers.customer_id", "repeat"]),
        ("churn", lambda t: t.assign(customer_id=[2, 5, 99]), ["churn.customer_id", "not in the customers", "99"]),
        (
            "churn",
            lambda t: t.assign(date=pd.to_datetime(["2023-12-01", "2024-02-27", "2024-03-30"])),
            ["churn.date", "before the customer's signup_date", "2023-12-01"],
        ),
        (
            "churn",
            lambda t: t.assign(date=[pd.NaT, pd.Timestamp("2024-02-27"), pd.Timestamp("2024-03-30")]),
            ["churn.date", "no date"],
        ),
    ],
)
def test_bucket_flows_refuses_bad_tables(table, change, words):
    customers, sales, churn = _tables()
    tables = {"customers": customers, "churn": churn}
    tables[table] = change(tables[table])
    with pytest.raises(ValueError) as error:
        bucket_flows(tables["customers"], sales, tables["churn"], "2024-03-31")
    for word in words:
        assert word in str(error.value)
    with pytest.raises(ValueError, match="period"):
        bucket_flows(customers, sales, churn, period="week")


def test_calibration_pools_the_months_by_hand():
    customers, sales, churn = _tables()
    flows = bucket_flows(customers, sales, churn, "2024-03-31")
    calibration = calibrate_bucket(flows)
    # February and March: start 3 + 3, end 3 + 3, kept 1 + 1 → retention (6 − 2) / 6 = 2/3
    assert calibration.periods_used == 2
    assert calibration.retention_rate == pytest.approx(2 / 3)
    assert calibration.churn_rate == pytest.approx(1 / 3)
    assert calibration.expected_lifetime == pytest.approx(3.0)
    # spend (80 + 45) / 2 = 62.5 a month; per new customer 125 / 3; per kept one 125 / 2
    assert calibration.acquisition_spend == pytest.approx(62.5)
    assert calibration.cost_per_acquisition == pytest.approx(125 / 3)
    assert calibration.cost_per_kept_acquisition == pytest.approx(62.5)
    # inflow 1 kept a month / churn 1/3 → steady state 3, where the base already is
    assert calibration.steady_state == pytest.approx(3.0)
    assert calibration.periods_to_steady_state == 0
    assert calibration.margin_per_customer == pytest.approx(75 / 6)
    assert calibrate_bucket(flows, last_periods=1).first_period == pd.Timestamp("2024-03-01")
    assert calibration.summary()["churn rate per period"] == pytest.approx(1 / 3)


def test_calibration_refuses_data_without_a_full_period():
    customers, sales, churn = _tables()
    flows = bucket_flows(customers, sales, churn, "2024-01-31")
    with pytest.raises(ValueError, match="no complete period"):
        calibrate_bucket(flows)
    with pytest.raises(ValueError, match="last_periods"):
        calibrate_bucket(bucket_flows(customers, sales, churn, "2024-03-31"), last_periods=0)


def test_model_vs_data_is_exact_when_the_data_follow_the_model():
    # Flows generated by the bucket itself (constant churn 0.1, 50 per new customer):
    run = simulate(
        12,
        initial_customers=0,
        acquisition_spend=np.linspace(1000, 2000, 12),
        cost_per_acquisition=50,
        churn_rate=0.1,
        revenue_per_customer=5,
    )
    flows = pd.DataFrame(
        {
            "customers_start": run["customers_start"],
            "new_customers": run["inflow"],
            "new_customers_kept": run["inflow"],
            "customers_end": run["customers_end"],
            "acquisition_spend": run["acquisition_cost"],
            "margin": run["revenue"],
            "churn_rate": np.where(run["customers_start"] > 0, 0.1, np.nan),
            "complete": True,
        }
    )
    calibration = calibrate_bucket(flows)
    assert calibration.churn_rate == pytest.approx(0.1)
    comparison = model_vs_data(flows, calibration)
    np.testing.assert_allclose(comparison["model_customers"], comparison["actual_customers"])
    np.testing.assert_allclose(comparison["gap"], 0, atol=1e-9)


def test_the_constant_bucket_overshoots_a_young_base(small_company):
    # A young base churns faster than a mature one, so one pooled rate leaks too little early.
    c = small_company
    flows = bucket_flows(c.customers, c.transactions, c.churn, c.observation_end)
    comparison = model_vs_data(flows, calibrate_bucket(flows))
    first_half = comparison.iloc[1 : len(comparison) // 2]
    assert first_half["actual_churn_rate"].mean() > first_half["model_churn_rate"].mean()


# -------------------------------------------------------------------- why customers leave


def test_pareto_ranks_the_reasons_and_marks_the_vital_few():
    churn = pd.DataFrame({"reason": ["b"] * 4 + ["a"] * 4 + ["c"] * 1 + ["d"] * 1})
    # shares 0.4, 0.4, 0.1, 0.1 (ties alphabetical); cumulative 0.4, 0.8, 0.9, 1.0
    # vital few: the reasons before the cumulative share reaches 0.8, plus the one reaching it
    table = churn_reason_pareto(churn)
    assert table.index.tolist() == ["a", "b", "c", "d"]
    np.testing.assert_allclose(table["cumulative_share"], [0.4, 0.8, 0.9, 1.0])
    assert table["vital_few"].tolist() == [True, True, False, False]
    assert churn_reason_pareto(churn, threshold=0.85)["vital_few"].tolist() == [True, True, True, False]
    with pytest.raises(ValueError, match="churn.reason"):
        churn_reason_pareto(pd.DataFrame({"reason": ["a", None]}))


def test_satisfaction_before_leaving_takes_the_last_answer_up_to_the_day():
    churn = pd.DataFrame({"customer_id": [3, 1, 2], "date": pd.to_datetime(["2024-05-01", "2024-05-01", "2024-05-01"])})
    surveys = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3, 3],
            "date": pd.to_datetime(["2024-01-01", "2024-05-01", "2024-02-01", "2024-03-01", "2024-06-01"]),
            "satisfaction": [2, 5, 3, 4, 1],
        }
    )
    bands = satisfaction_before_leaving(churn, surveys)
    assert bands.index.tolist() == [3, 1, 2]
    assert bands.tolist() == ["satisfied (4)", "completely satisfied (5)", "neutral (3)"]
    with pytest.raises(ValueError, match="surveys.satisfaction"):
        satisfaction_before_leaving(churn, surveys.assign(satisfaction=[2, 5, 3, 4, 9]))


def test_reason_mix_rows_sum_to_one_and_need_every_group():
    churn = pd.DataFrame(
        {"customer_id": [1, 2, 3, 4, 5], "reason": ["price", "price", "poor_service", "price", "poor_service"]}
    )
    groups = pd.Series(
        pd.Categorical(["B2C", "B2B", "B2C", "B2C", "B2B"], categories=["B2C", "B2B"]),
        index=[1, 2, 3, 4, 5],
        name="segment",
    )
    mix = reason_mix(churn, groups)
    assert mix.index.tolist() == ["B2C", "B2B"] and mix.columns.tolist() == ["price", "poor_service", "customers"]
    np.testing.assert_allclose(mix[["price", "poor_service"]].sum(axis=1), 1.0)
    # B2C: price 2 of 3; B2B: price 1 of 2
    np.testing.assert_allclose(mix["price"], [2 / 3, 1 / 2])
    assert mix["customers"].tolist() == [3, 2]
    with pytest.raises(ValueError, match="no group"):
        reason_mix(churn, groups.drop(5))


# ---------------------------------------------------------------------------- pour or plug


def test_cost_per_customer_saved_by_hand():
    assert cost_per_customer_saved(2.0, 0.04, 0.15) == pytest.approx(2 / 0.006)  # 333.33
    assert cost_per_customer_saved(0.0, 0.04, 0.0) == 0.0
    assert cost_per_customer_saved(1.0, 0.04, 0.0) == math.inf
    np.testing.assert_allclose(cost_per_customer_saved([1.0, 3.0], 0.1, 0.5), [20.0, 60.0])
    with pytest.raises(ValueError, match="churn_reduction"):
        cost_per_customer_saved(1.0, 0.1, 1.5)


def test_pour_or_plug_spends_the_same_money_both_ways():
    result = pour_or_plug(
        36,
        initial_customers=1000,
        acquisition_spend=5000,
        cost_per_acquisition=50,
        churn_rate=0.05,
        margin_per_customer=20,
        programme_cost_per_customer=1.0,
        churn_reduction=0.5,
    )
    plug, pour = result.runs["plug the holes"], result.runs["pour more in"]
    np.testing.assert_allclose(pour["acquisition_cost"] - 5000, plug["retention_cost"])
    np.testing.assert_allclose(
        plug["acquisition_cost"] + plug["retention_cost"], pour["acquisition_cost"] + pour["retention_cost"]
    )
    summary = result.summary
    assert summary.loc["plug the holes", "extra_spend"] == pytest.approx(summary.loc["pour more in", "extra_spend"])
    # Same money, so the difference in profit is the difference in margin: 20 per customer-month
    margin_gap = 20 * (plug["customers_end"] - pour["customers_end"]).sum()
    assert (
        summary.loc["plug the holes", "cumulative_profit"] - summary.loc["pour more in", "cumulative_profit"]
    ) == pytest.approx(margin_gap)


@settings(max_examples=40, deadline=None)
@given(
    churn=st.floats(0.03, 0.3),
    cut=st.floats(0.05, 0.8),
    programme_cost=st.floats(0.1, 10),
    cost_per_acquisition=st.floats(5, 500),
)
def test_plugging_wins_in_the_long_run_iff_a_saved_customer_costs_less_than_a_new_one(
    churn, cut, programme_cost, cost_per_acquisition
):
    saved = programme_cost / (churn * cut)
    if abs(saved / cost_per_acquisition - 1) < 0.02:
        return  # too close to call within a finite horizon
    result = pour_or_plug(
        2000,
        initial_customers=0,
        acquisition_spend=1000,
        cost_per_acquisition=cost_per_acquisition,
        churn_rate=churn,
        margin_per_customer=1.0,
        programme_cost_per_customer=programme_cost,
        churn_reduction=cut,
    )
    ends = result.summary["customers_end"]
    longs = result.summary["long_run_customers"]
    assert ends["plug the holes"] == pytest.approx(longs["plug the holes"], rel=1e-3)
    assert ends["pour more in"] == pytest.approx(longs["pour more in"], rel=1e-3)
    assert (ends["plug the holes"] > ends["pour more in"]) == (saved < cost_per_acquisition)


# ------------------------------------------------------------------- economics of loyalty


def test_margin_by_tenure_year_by_hand():
    customers, sales, churn = _tables()
    # Months there up to March 2024: 1 → 3 (Jan–Mar), 2 → 2, 3 → 3, 4 → 2, 5 → 1, 6 → 1 = 12
    # Margins: 30 (1, Jan) + 30 (3, Feb) + 30 (4, Mar) + 15 (6, Mar) = 105, all in year 1
    table = margin_by_tenure_year(customers, sales, churn, "2024-03-31")
    assert table.index.tolist() == [1]
    assert table.loc[1, "customer_months"] == 12
    assert table.loc[1, "margin_per_customer_month"] == pytest.approx(105 / 12)
    assert table.loc[1, "margin_per_customer_year"] == pytest.approx(105.0)


def test_customer_value_with_a_profit_profile_is_the_discounted_sum():
    r, d, g, a = 0.7, 0.1, 0.03, 50.0
    profits = [100.0, 180.0, 220.0]
    years = np.arange(1, 3000)
    per_year = np.where(years <= 3, np.array(profits + [0.0])[np.minimum(years, 4) - 1], 220.0 * (1 + g) ** (years - 3))
    by_sum = -a + np.sum(per_year * r ** (years - 1) / (1 + d) ** years)
    assert customer_value(
        r, 100.0, later_year_profits=[180.0, 220.0], profit_growth=g, discount_rate=d, acquisition_cost=a
    ) == pytest.approx(by_sum)
    # with no profile it is the closed form m / (1 + d − r (1 + g)) − A
    assert customer_value(r, 100.0, profit_growth=g, discount_rate=d, acquisition_cost=a) == pytest.approx(
        100 / (1.1 - 0.7 * 1.03) - 50
    )
    with pytest.raises(ValueError, match="infinite"):
        customer_value(0.95, 100.0, profit_growth=0.2, discount_rate=0.1)


def test_uplift_with_a_profile_is_the_ratio_of_values():
    economics = dict(later_year_profits=[180.0, 220.0], profit_growth=0.0, discount_rate=0.1, acquisition_cost=60.0)
    expected = customer_value(0.75, 100.0, **economics) / customer_value(0.70, 100.0, **economics) - 1
    assert profit_uplift_from_retention(0.70, 0.05, first_year_profit=100.0, **economics) == pytest.approx(expected)


def test_retention_uplift_grid_matches_the_function_cell_by_cell():
    retentions, ratios = [0.5, 0.7, 0.85, 0.97], [0.0, 1.0, 2.0, 6.0]
    grid = retention_uplift_grid(retentions, ratios)
    for r in retentions:
        for ratio in ratios:
            try:
                expected = profit_uplift_from_retention(r, first_year_profit=100, acquisition_cost=100 * ratio)
            except ValueError:  # worthless customer, or base + gain above 1
                expected = np.nan
            np.testing.assert_allclose(grid.loc[r, ratio], expected)
    assert np.isnan(grid.loc[0.97, 0.0])  # 0.97 + 0.05 > 1
    assert np.isnan(grid.loc[0.5, 6.0])  # a customer worth less than nothing


def test_the_bucket_and_the_customer_model_give_the_same_uplift():
    # Yearly bucket: 1000 new customers a year at 100 each, margin 150 a customer-year.
    # Steady state N* = 1000 / churn; yearly profit = 150 N* − 100 000.
    # r 0.80: 150 · 5000 − 100 000 = 650 000; r 0.85: 150 · 6666.7 − 100 000 = 900 000.
    def settled_profit(retention):
        run = simulate(
            300,
            initial_customers=0,
            acquisition_spend=100_000,
            cost_per_acquisition=100,
            churn_rate=1 - retention,
            revenue_per_customer=150,
        )
        return run["profit"].iloc[-1]

    from_bucket = settled_profit(0.85) / settled_profit(0.80) - 1
    assert from_bucket == pytest.approx(900_000 / 650_000 - 1)
    assert profit_uplift_from_retention(
        0.80, first_year_profit=150, profit_growth=0.0, discount_rate=0.0, acquisition_cost=100
    ) == pytest.approx(from_bucket)


# --------------------------------------------------------------------------- the truth


def test_structural_hazard_counts_the_same_customers_as_the_flows(small_company):
    c = small_company
    params = c.truth.params
    hazard = structural_hazard_by_month(
        c.customers,
        c.churn,
        c.truth.stage_history,
        c.truth.customer_traits.set_index("customer_id")["base_churn"],
        c.bonds,
        stage_factor=params["stage_churn_factor"],
        bond_factor=params["bond_churn_factor"],
        observation_end=c.observation_end,
    )
    flows = bucket_flows(c.customers, c.transactions, c.churn, c.observation_end)
    np.testing.assert_array_equal(hazard["customers"], flows["customers_start"].iloc[1:])
    product = hazard["mean_base_churn"] * hazard["mean_stage_factor"] * hazard["mean_bond_factor"]
    assert (hazard["mean_hazard"] > 0).all() and (hazard["mean_bond_factor"] <= 1).all()
    assert hazard["mean_stage_factor"].iloc[-1] < hazard["mean_stage_factor"].iloc[0]
    assert product.iloc[0] == pytest.approx(hazard["mean_hazard"].iloc[0], rel=0.2)


def test_structural_hazard_needs_a_factor_for_every_stage_and_bond(small_company):
    c = small_company
    with pytest.raises(ValueError, match="stage_history.stage"):
        structural_hazard_by_month(
            c.customers,
            c.churn,
            c.truth.stage_history,
            c.truth.customer_traits.set_index("customer_id")["base_churn"],
            c.bonds,
            stage_factor={"stranger": 1.0},
            bond_factor=c.truth.params["bond_churn_factor"],
        )


def test_calibration_is_a_named_tuple_of_numbers():
    day = pd.Timestamp("2024-01-01")
    calibration = BucketCalibration(12, day, day, 3000, 9000, 150, 145, 60, 62, 0.965, 0.035, 28.6, 50, 4143, 58)
    assert calibration.churn_rate == 0.035
    assert len(calibration.summary()) == 15
