"""The literature's mechanisms in the synthetic company, measured with the lessons' own functions.

Each test generates a company of 5,000 customers (seed 2024, the course's, and seed 7, a
class's), measures one mechanism the way a lesson does, and checks the direction the
literature reports, with a margin; the ``commodity`` scenario must switch it off or turn
it over. The scenario machinery (names, overrides, errors, determinism, the command line)
is tested at the end.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import bucket, crm, schema
from helpers.data import load_company
from helpers.profitability import loyalty_connectors
from helpers.satisfaction import employee_chain, partial_correlation
from helpers.synthetic import DEFAULT_PARAMS, SCENARIOS, default_params, generate

REPO = Path(__file__).resolve().parents[1]
SEEDS = (2024, 7)
N = 5000

_cache: dict[tuple, object] = {}


def company(scenario: str, seed: int, n: int = N):
    """One generated company per (scenario, seed, size), shared by the tests of this module."""
    key = (scenario, seed, n)
    if key not in _cache:
        _cache[key] = generate(n, seed=seed, scenario=scenario)
    return _cache[key]


# ----------------------------------------------------------------------------- 1. acquisition vs retention


def first_year_margin(c) -> float:
    """Mean gross margin of a customer's first 12 months, over customers signed up a year before the end."""
    customers = c.customers[c.customers.signup_date <= c.observation_end - pd.DateOffset(years=1)]
    sales = c.transactions.merge(customers[["customer_id", "signup_date"]], on="customer_id")
    sales = sales[sales.date < sales.signup_date + pd.DateOffset(years=1)]
    margin = (sales.amount - sales.cost).groupby(sales.customer_id).sum()
    return float(margin.reindex(customers.customer_id, fill_value=0.0).mean())


def lesson_03_budget(c) -> tuple[bucket.BucketCalibration, pd.DataFrame]:
    """Lesson 03's comparison: 2 a customer a month removing 15 % of churn, or the same money on acquisition."""
    flows = bucket.bucket_flows(c.customers, c.transactions, c.churn, c.observation_end)
    cal = bucket.calibrate_bucket(flows, last_periods=12)
    budget = bucket.pour_or_plug(
        60,
        initial_customers=cal.customers_now,
        acquisition_spend=cal.acquisition_spend,
        cost_per_acquisition=cal.cost_per_kept_acquisition,
        churn_rate=cal.churn_rate,
        margin_per_customer=cal.margin_per_customer,
        programme_cost_per_customer=2.0,
        churn_reduction=0.15,
    )
    return cal, budget.summary


@pytest.mark.parametrize("seed", SEEDS)
def test_acquisition_costs_more_than_a_first_year_margin_and_plugging_wins(seed):
    c = company("textbook", seed)
    ratio = c.customers.acquisition_cost.mean() / first_year_margin(c)
    assert 1.0 < ratio < 1.8, ratio  # Reichheld & Sasser (1990): paid back only in the second year
    cal, summary = lesson_03_budget(c)
    bond = c.truth.params["bond_cost_per_month"]["financial"]
    assert cal.cost_per_acquisition > 5 * bond * cal.expected_lifetime  # winning ≫ keeping
    plug, pour = summary.loc["plug the holes"], summary.loc["pour more in"]
    assert plug.cost_per_customer < 0.9 * pour.cost_per_customer
    assert plug.customers_end > 1.02 * pour.customers_end
    assert plug.cumulative_profit > pour.cumulative_profit
    assert plug.long_run_customers > pour.long_run_customers


@pytest.mark.parametrize("seed", SEEDS)
def test_in_a_commodity_market_acquisition_is_cheap_and_pouring_wins(seed):
    c = company("commodity", seed)
    assert c.customers.acquisition_cost.mean() / first_year_margin(c) < 0.3
    _, summary = lesson_03_budget(c)
    assert summary.loc["pour more in", "customers_end"] > 1.2 * summary.loc["plug the holes", "customers_end"]


# ----------------------------------------------------------------------------- 2. individual tastes


def hit_rates(c) -> pd.DataFrame:
    """Lesson 04's holdout: offers from the purchases up to six months before the end."""
    segment = c.customers.set_index("customer_id")["segment"]
    return crm.offer_hit_rates(c.transactions, c.observation_end - pd.DateOffset(months=6), segment=segment)


@pytest.mark.parametrize("seed", SEEDS)
def test_one_to_one_offers_beat_segment_offers(seed):
    rates = hit_rates(company("textbook", seed))
    personal, segment = rates.loc["own_history", "hit_rate"], rates.loc["by_segment", "hit_rate"]
    n = rates.loc["own_history", "customers"]
    noise = np.sqrt((personal * (1 - personal) + segment * (1 - segment)) / n)  # as if unpaired: wider
    assert personal - segment > max(0.04, 4 * noise), rates
    assert 1.05 < personal / segment < 1.3  # the 10–15 % lift of personalisation (Arora et al. 2021)
    assert segment > rates.loc["one_for_all", "hit_rate"]


@pytest.mark.parametrize("seed", SEEDS)
def test_without_personal_tastes_the_segment_offer_wins(seed):
    rates = hit_rates(company("commodity", seed))
    assert rates.loc["own_history", "hit_rate"] < rates.loc["by_segment", "hit_rate"] - 0.02, rates


def test_the_true_tastes_are_in_the_truth_and_drive_the_purchases():
    c = company("textbook", 2024)
    tastes = c.truth.customer_tastes
    assert list(tastes.columns) == ["customer_id", *schema.CATEGORIES_OF_PRODUCT]
    assert tastes.customer_id.tolist() == c.customers.customer_id.tolist()
    shares = tastes[list(schema.CATEGORIES_OF_PRODUCT)]
    assert (shares >= 0).all().all() and np.allclose(shares.sum(axis=1), 1.0, atol=1e-3)
    # customers really differ within a segment ...
    segment = c.customers.segment.to_numpy()
    assert shares[segment == "B2C"].std().min() > 0.05
    # ... and buy what they like: observed shares of frequent buyers follow the true tastes
    counts = pd.crosstab(c.transactions.customer_id, c.transactions.category)
    frequent = counts[counts.sum(axis=1) >= 30]
    observed = frequent.div(frequent.sum(axis=1), axis=0)
    true = shares.set_axis(tastes.customer_id).reindex(observed.index)[observed.columns]
    assert len(observed) > 200
    assert np.corrcoef(observed.to_numpy().ravel(), true.to_numpy().ravel())[0, 1] > 0.8
    flat = company("commodity", 2024).truth.customer_tastes
    assert flat.drop(columns="customer_id").drop_duplicates().shape[0] == 2  # one mix per segment


# ----------------------------------------------------------------------------- 3. Reichheld's connectors


def connectors(c) -> pd.DataFrame:
    return loyalty_connectors(
        c.customers, c.transactions, c.interactions, c.bonds, c.churn, c.surveys, c.observation_end
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_loyal_customers_cost_less_pay_more_and_refer_more(seed):
    table = connectors(company("textbook", seed))
    savings, premium, referrals = table.cost_savings, table.price_sensitivity, table.referrals
    first_year_cost = table.loc[1, "cost_to_serve"]
    assert savings[2] > 0.15 * first_year_cost and savings[3] > savings[2] + 3, table.T
    assert premium[2] > 0 and premium[3] > premium[2] + 10, table.T
    assert referrals[1] > 0 and referrals[2] > 1.2 * referrals[1] and referrals[3] > referrals[2], table.T
    assert table.promoter_share[3] > table.promoter_share[1] + 0.1
    assert table.profit[3] > table.profit[2] > table.profit[1] > 0 > table.profit[0]


@pytest.mark.parametrize("seed", SEEDS)
def test_in_a_commodity_market_the_connectors_fail(seed):
    """Reinartz & Kumar (2002): loyal customers need not cost less or pay more."""
    textbook, commodity = connectors(company("textbook", seed)), connectors(company("commodity", seed))
    assert commodity.cost_savings[2] < 0 and commodity.cost_savings[3] < 0, commodity.T
    assert commodity.price_sensitivity[3] < 0 and commodity.price_sensitivity[2] < 0.25 * textbook.price_sensitivity[3]
    assert commodity.referrals[3] < 0.3 * textbook.referrals[3]


# ----------------------------------------------------------------------------- 4. Heskett's chain


def true_tenure_link(params) -> float:
    """Points of customer satisfaction per unit of the employee's log tenure, at equal satisfaction.

    Service quality q = logistic(a + … + t·log tenure + shift + ε) and latent satisfaction rises
    ``per_service_quality`` per unit of q, so the slope is per_service_quality · t · E[q(1 − q)]
    (expectation over ε and the acquisition channels, by Gauss–Hermite quadrature).
    """
    quality = params["service_quality"]
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    weights = weights / weights.sum()
    b2b = params["share_b2b"]
    slope = 0.0
    for channel in schema.ACQUISITION_CHANNELS:
        share = (1 - b2b) * params["channel_mix"]["B2C"][channel] + b2b * params["channel_mix"]["B2B"][channel]
        q = 1 / (1 + np.exp(-(quality["intercept"] + quality["channel_shift"][channel] + quality["noise_sd"] * nodes)))
        slope += share * float(weights @ (q * (1 - q)))
    return params["satisfaction"]["per_service_quality"] * quality["per_log_employee_tenure"] * slope


def tenure_link(c) -> pd.Series:
    """Lesson 07's test: log tenure against the customers' satisfaction, employee satisfaction held fixed."""
    chain = employee_chain(c.employees, c.customers, c.surveys, c.churn, c.observation_end)
    return partial_correlation(chain, "log_tenure", "customer_satisfaction", controls="satisfaction")


@pytest.mark.parametrize("seed", SEEDS)
def test_experienced_employees_serve_better_at_equal_satisfaction(seed):
    c = company("textbook", seed)
    truth = true_tenure_link(c.truth.params)
    assert 0.1 < truth < 0.16
    link = tenure_link(c)
    assert link["lower"] > 0, link  # positive, outside the noise of about 83 employees
    assert abs(link["slope"] - truth) < 0.06, (link["slope"], truth)


@pytest.mark.parametrize("seed", SEEDS)
def test_without_the_service_chain_employees_make_no_difference(seed):
    c = company("no_service_chain", seed, n=20_000)  # 333 employees: a zero is measured as about zero
    assert true_tenure_link(c.truth.params) == 0.0
    chain = employee_chain(c.employees, c.customers, c.surveys, c.churn, c.observation_end)
    for x, control in (("log_tenure", "satisfaction"), ("satisfaction", "log_tenure")):
        link = partial_correlation(chain, x, "customer_satisfaction", controls=control)
        assert link["lower"] < 0 < link["upper"] and abs(link["slope"]) < 0.05, link


# ----------------------------------------------------------------------------- the scenarios themselves


def test_scenarios_are_named_described_and_recorded():
    assert {"textbook", "commodity", "no_service_chain"} <= set(SCENARIOS)
    assert SCENARIOS["textbook"].overrides == {}
    for name, scenario in SCENARIOS.items():
        assert scenario.description and "\n" not in scenario.description, name
        json.dumps(scenario.overrides)
        assert default_params(name) == default_params(name)  # fresh copies
    assert default_params() == DEFAULT_PARAMS and default_params() is not DEFAULT_PARAMS
    assert company("textbook", 2024).truth.params["scenario"] == "textbook"
    assert company("commodity", 2024).truth.params["scenario"] == "commodity"


def test_explicit_params_override_the_scenario():
    base = generate(300, seed=3, months=12, scenario="commodity")
    tuned = generate(300, seed=3, months=12, scenario="commodity", params={"taste_concentration": 4.0})
    assert tuned.truth.params["scenario"] == "commodity"
    assert tuned.truth.params["taste_concentration"] == 4.0
    assert tuned.truth.params["bond_churn_factor"] == SCENARIOS["commodity"].overrides["bond_churn_factor"]
    assert base.truth.customer_tastes.drop(columns="customer_id").drop_duplicates().shape[0] <= 2
    assert tuned.truth.customer_tastes.drop(columns="customer_id").drop_duplicates().shape[0] > 100


def test_unknown_scenario_or_parameter_is_refused_clearly():
    with pytest.raises(ValueError, match="unknown scenario 'textbok'.*'textbook', 'commodity', 'no_service_chain'"):
        generate(10, seed=1, scenario="textbok")
    with pytest.raises(ValueError, match="unknown scenario"):
        default_params("nope")
    with pytest.raises(ValueError, match=r"unknown parameter params\['price_premium'\]\['per_month'\]"):
        generate(10, seed=1, params={"price_premium": {"per_month": 0.1}})
    with pytest.raises(TypeError, match="params must be a dict"):
        generate(10, seed=1, params=[("price_premium", 0)])


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_each_scenario_is_deterministic_and_differs_from_the_textbook(scenario):
    one = generate(400, seed=5, months=12, scenario=scenario)
    two = generate(400, seed=5, months=12, scenario=scenario)
    for name in schema.TABLES:
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name), check_exact=True)
    pd.testing.assert_frame_equal(one.truth.customer_tastes, two.truth.customer_tastes, check_exact=True)
    pd.testing.assert_frame_equal(one.truth.customer_traits, two.truth.customer_traits, check_exact=True)
    assert one.truth.params == two.truth.params
    if scenario != "textbook":
        textbook = generate(400, seed=5, months=12)
        assert not textbook.transactions.equals(one.transactions)


def _leaves(params: dict, path=()):
    for key, value in params.items():
        if isinstance(value, dict):
            yield from _leaves(value, (*path, key))
        else:
            yield (*path, key), value


LEAVES = [path for path, value in _leaves(DEFAULT_PARAMS) if isinstance(value, float)]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(LEAVES), st.floats(0.0, 1.0), st.sampled_from(sorted(SCENARIOS)))
def test_an_override_changes_exactly_its_own_parameter(path, value, scenario):
    from helpers.synthetic import _merged

    override: dict = {}
    node = override
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value
    before = default_params(scenario)
    after = _merged(before, override)
    changed = {p for p, v in _leaves(after) if dict(_leaves(before)).get(p, object()) != v}
    assert changed <= {path}
    target = after
    for key in path:
        target = target[key]
    assert target == value


def test_cli_scenario_round_trip(tmp_path):
    out = tmp_path / "commodity"
    args = ["--customers", "300", "--seed", "4", "--months", "12", "--scenario", "commodity", "--out", str(out)]
    result = subprocess.run(
        [sys.executable, "-m", "helpers", "generate", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert json.loads((out / "truth" / "params.json").read_text())["scenario"] == "commodity"
    loaded = load_company(out)
    expected = generate(300, seed=4, months=12, scenario="commodity")
    pd.testing.assert_frame_equal(loaded.transactions, expected.transactions, check_exact=True)
    pd.testing.assert_frame_equal(loaded.truth.customer_tastes, expected.truth.customer_tastes, check_exact=True)
    bad = subprocess.run(
        [sys.executable, "-m", "helpers", "generate", "--scenario", "boom", "--out", str(tmp_path / "x")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "textbook" in bad.stderr and "commodity" in bad.stderr
    assert not (tmp_path / "x").exists()
