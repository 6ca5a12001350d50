"""A customer's lifetime, three ways: lessons 01, 02 and 03 agree where they should.

Lesson 01 gives a new customer's expected lifetime from its stage model (a Markov chain of
yearly moves, :mod:`helpers.relationships`), lesson 02 a median from the Kaplan–Meier curve
(:mod:`helpers.retention`) and lesson 03 ``1 / churn`` from one pooled monthly rate
(:mod:`helpers.bucket`). Lesson 03's "Three lifetimes, one customer" puts them side by side
(:func:`helpers.bucket.lifetime_views`); here, on the course company, the same quantity
computed two ways is the same number, and the differences go the way the lesson explains.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import bucket, relationships, retention


@pytest.fixture(scope="module")
def company(course_company):
    return course_company


@pytest.fixture(scope="module")
def calibration(company):
    flows = bucket.bucket_flows(company.customers, company.transactions, company.churn, company.observation_end)
    return bucket.calibrate_bucket(flows, last_periods=12)


@pytest.fixture(scope="module")
def migration(company):
    """Lesson 01's yearly migration matrix, as the lesson computes it."""
    tables = (company.customers, company.transactions, company.surveys, company.bonds, company.churn)
    end = company.observation_end
    before = relationships.stages_at(*tables, end - pd.DateOffset(months=12), relationships.default_thresholds())
    after = relationships.assign_stage(
        relationships.observable_features(*tables, end), relationships.default_thresholds()
    )
    return relationships.transition_matrix(before, after)


@pytest.fixture(scope="module")
def curve(company):
    """Lesson 02's Kaplan–Meier curve of all customers since signup."""
    durations = retention.customer_durations(company.customers, company.churn, company.observation_end)
    return retention.survival_curve(durations["duration"], durations["churned"])


@pytest.fixture(scope="module")
def views(calibration, curve, migration):
    return bucket.lifetime_views(calibration.churn_rate, curve, migration)


# ------------------------------------------------------------- the same model, two ways


def test_the_bucket_lifetime_is_one_over_churn_and_littles_law(calibration):
    """Lesson 03: 1 / churn = expected_lifetime(retention) = steady state / inflow (base = inflow × lifetime)."""
    assert calibration.expected_lifetime == pytest.approx(1 / calibration.churn_rate)
    assert calibration.expected_lifetime == pytest.approx(retention.expected_lifetime(calibration.retention_rate))
    assert calibration.steady_state / calibration.new_customers_kept == pytest.approx(calibration.expected_lifetime)


def test_the_mean_of_a_geometric_lifetime_is_one_over_churn_in_the_bucket_model(calibration):
    """A closed bucket (no inflow) holds, summed over all months, 1 / churn customer-months per customer."""
    run = bucket.simulate(
        3000,
        initial_customers=1000,
        acquisition_spend=0.0,
        cost_per_acquisition=1.0,
        churn_rate=calibration.churn_rate,
        revenue_per_customer=0.0,
    )
    assert run["customers_start"].sum() / 1000 == pytest.approx(calibration.expected_lifetime, rel=1e-9)


def test_the_stage_models_lifetime_three_ways(migration):
    """Lesson 01: the fundamental matrix, the long-run base over the inflow, and the summed survival agree."""
    fundamental = relationships.time_in_stages(migration).sum()
    little = relationships.steady_state(migration, 100).sum() / 100  # base = inflow × lifetime
    summed = bucket.chain_survival(migration, 2000).sum()  # Σ P(still a customer after t years)
    assert little == pytest.approx(fundamental)
    assert summed == pytest.approx(fundamental, rel=1e-6)


def test_the_reconciliation_table_holds_the_lessons_numbers(views, calibration, curve, migration):
    assert views.loc["pooled churn", "mean_months"] == pytest.approx(calibration.expected_lifetime)
    assert views.loc["Kaplan–Meier", "median_months"] == pytest.approx(retention.median_survival(curve))
    assert views.loc["stage model", "mean_months"] == pytest.approx(12 * relationships.time_in_stages(migration).sum())
    # the pooled rate's median is where (1 − churn)^t first reaches one half
    median = views.loc["pooled churn", "median_months"]
    assert (1 - calibration.churn_rate) ** median <= 0.5 < (1 - calibration.churn_rate) ** (median - 1)


# ------------------------------------------------------------ the differences, explained


def test_a_skewed_lifetime_has_its_median_below_its_mean(views):
    """Mean vs median: true of the geometric lifetime and, far more, of the stage model's mixture."""
    for view in ("pooled churn", "stage model"):
        assert views.loc[view, "median_months"] < views.loc[view, "mean_months"]
    # one constant churn: the median is about ln 2 of the mean; the mixture is far more skewed
    pooled, stages = views.loc["pooled churn"], views.loc["stage model"]
    assert pooled["median_months"] / pooled["mean_months"] == pytest.approx(np.log(2), abs=0.05)
    assert stages["median_months"] / stages["mean_months"] < pooled["median_months"] / pooled["mean_months"]
    # lesson 02's median (20 months at the default seed) lies below both means
    assert views.loc["Kaplan–Meier", "median_months"] < min(pooled["mean_months"], stages["mean_months"])


def test_a_mixture_of_constant_churns_outlives_its_pooled_rate():
    """Heterogeneity: customers leaking at different rates stay longer, on average, than one pooled rate says."""
    rates = np.array([0.10, 0.01])  # half leaky newcomers, half loyal customers
    mean_of_mixture = np.mean(1 / rates)
    pooled = rates.mean()
    assert mean_of_mixture > 1 / pooled
    assert bucket.median_lifetime(pooled) < 1 / pooled


def test_where_the_data_reach_the_stage_model_and_kaplan_meier_agree(views):
    """On the observed span the stage model and the data agree; one pooled churn loses too many (survivor bias)."""
    data, stages, pooled = (views.loc[v, "still_there"] for v in ("Kaplan–Meier", "stage model", "pooled churn"))
    assert stages == pytest.approx(data, abs=0.08)
    assert pooled < data
    # and the stage model's median, a whole number of years, brackets the data's
    assert abs(views.loc["stage model", "median_months"] - views.loc["Kaplan–Meier", "median_months"]) <= 12


def test_kaplan_meier_gives_no_mean_while_customers_remain(views, curve):
    assert curve["survival"].iloc[-1] > 0
    assert np.isnan(views.loc["Kaplan–Meier", "mean_months"])


def test_bad_inputs_are_refused(curve, migration):
    with pytest.raises(ValueError, match="churn_rate"):
        bucket.lifetime_views(0.0, curve, migration)
    grouped = curve.assign(group="all")
    with pytest.raises(ValueError, match="grouped"):
        bucket.lifetime_views(0.03, grouped, migration)
    with pytest.raises(ValueError, match="matrix"):
        bucket.chain_survival(np.eye(3), 5)
    with pytest.raises(ValueError, match="churn_rate"):
        bucket.median_lifetime(1.5)
    assert bucket.median_lifetime(0.0) == np.inf
