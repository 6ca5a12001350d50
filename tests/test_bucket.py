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

BASE = dict(initial_customers=1000, acquisition_spend=5000, cost_per_acquisition=50,
            churn_rate=0.2, revenue_per_customer=20)


def test_docstring_examples_run():
    assert doctest.testmod(bucket).failed == 0


# ------------------------------------------------------------------------------ simulate


def test_simulate_by_hand():
    # inflow = 5000 / 50 = 100; effective churn = 0.2 × (1 − 0.25) = 0.15
    # period 1: start 1000, out 150, end 950; revenue 20·950 = 19000, margin 0.4 → 7600,
    #           retention 1·1000 = 1000; profit 7600 − 5000 − 1000 = 1600
    # period 2: start 950, out 142.5, end 907.5; revenue 18150, margin 7260,
    #           retention 950; profit 7260 − 5000 − 950 = 1310; cumulative 2910
    run = simulate(2, **BASE, margin_rate=0.4, retention_cost_per_customer=1.0,
                   churn_reduction=0.25)
    expected = pd.DataFrame(
        {
            "customers_start": [1000, 950], "inflow": [100, 100], "outflow": [150, 142.5],
            "customers_end": [950, 907.5], "revenue": [19000, 18150], "margin": [7600, 7260],
            "acquisition_cost": [5000, 5000], "retention_cost": [1000, 950],
            "profit": [1600, 1310], "cumulative_profit": [1600, 2910],
        },
        index=pd.RangeIndex(1, 3, name="period"),
        dtype=float,
    )
    pd.testing.assert_frame_equal(run, expected)


def test_stock_carries_over_and_flows_balance():
    run = simulate(24, **BASE)
    np.testing.assert_allclose(run["customers_start"].iloc[1:],
                               run["customers_end"].iloc[:-1])
    np.testing.assert_allclose(run["customers_end"],
                               run["customers_start"] + run["inflow"] - run["outflow"])
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
    levels = simulate(t, initial_customers=initial, acquisition_spend=inflow,
                      cost_per_acquisition=1.0, churn_rate=churn,
                      revenue_per_customer=0.0)["customers_end"].to_numpy()
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
        (480, 100, 0.2, 0.05, 0),    # already within 5 % of 500
        (0, 100, 1.0, 0.05, 1),      # everyone leaves each period: N* after one period
    ],
)
def test_periods_to_steady_state_examples(initial, inflow, churn, tolerance, periods):
    assert periods_to_steady_state(initial, inflow, churn, tolerance) == periods
    _agrees_with_simulation(initial, inflow, churn, tolerance)


def test_periods_to_steady_state_when_there_is_none():
    assert periods_to_steady_state(100, 10, 0.0) == math.inf  # no leak: grows forever
    assert periods_to_steady_state(100, 0, 0.1) == math.inf   # decays towards 0, never there
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
    value_after = -a + np.sum(m * (1 + g) ** (years - 1) * 0.85 ** (years - 1)
                              / (1 + d) ** years)
    assert profit_uplift_from_retention(r, 0.05, first_year_profit=m, profit_growth=g,
                                        discount_rate=d, acquisition_cost=a) == pytest.approx(
        value_after / value - 1)


def test_undiscounted_uplift_is_the_steady_state_profit_uplift_of_the_firm():
    # A firm acquiring 1000 customers a year, once settled, holds 1000·r^(t−1) customers
    # of tenure t, each earning m(1+g)^(t−1); it pays 1000·A a year to acquire.
    def yearly_profit(r, m=100.0, g=0.04, a=150.0, intake=1000):
        tenure = np.arange(1, 3000)
        return np.sum(intake * r ** (tenure - 1) * m * (1 + g) ** (tenure - 1)) - intake * a

    expected = yearly_profit(0.85) / yearly_profit(0.80) - 1
    assert profit_uplift_from_retention(0.80, first_year_profit=100, profit_growth=0.04,
                                        discount_rate=0.0, acquisition_cost=150) == \
        pytest.approx(expected)


def test_five_points_give_25_to_85_percent_under_plausible_assumptions():
    # Discount 10 %, base retention 0.75–0.90, profit growth 0–6 %/yr,
    # acquisition cost 1–1.5 × first-year profit.
    grid = itertools.product(np.linspace(0.75, 0.90, 7), np.linspace(0, 0.06, 7),
                             np.linspace(100, 150, 6))
    uplifts = [profit_uplift_from_retention(r, first_year_profit=100, profit_growth=g,
                                            discount_rate=0.10, acquisition_cost=a)
               for r, g, a in grid]
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
