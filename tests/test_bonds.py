"""Tests of helpers.bonds: exposure table, churn ratios, programme return and budget model."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import bonds
from helpers.bonds import (
    LEVELS,
    bond_effects,
    bond_level_measures,
    bond_level_when_leaving,
    break_even_multiplier,
    cap_level,
    churn_by_level,
    cumulative_packages,
    customer_months,
    deepest_bond_level,
    enrolment_baseline,
    estimated_packages,
    expected_customer_months,
    programme_return,
    programme_return_table,
    project_budget,
    rate_ratio,
    reasons_for_leaving,
    relationship_monitor,
)
from helpers.retention import customer_durations

COSTS = {"financial": 2.0, "social": 6.0, "customization": 12.0, "structural": 30.0}
FACTORS = {"financial": 0.85, "social": 0.70, "customization": 0.55, "structural": 0.40}


def test_docstring_examples_run():
    assert doctest.testmod(bonds, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0


@pytest.fixture(scope="module")
def small_company(make_company):
    return make_company(n_customers=400, seed=3, months=18)


# ------------------------------------------------------------------------ the exposure table

CUSTOMERS = pd.DataFrame(
    {"customer_id": [1, 2], "segment": ["B2C", "B2B"], "signup_date": pd.to_datetime(["2024-01-16", "2024-02-01"])}
)
CHURN = pd.DataFrame({"customer_id": [1], "date": pd.to_datetime(["2024-03-11"])})
BONDS = pd.DataFrame(
    {
        "customer_id": [2, 2],
        "level": ["financial", "social"],
        "start_date": pd.to_datetime(["2024-02-20", "2024-03-05"]),
    }
)
TRANSACTIONS = pd.DataFrame(
    {
        "customer_id": [1, 1, 2],
        "date": pd.to_datetime(["2024-01-20", "2024-02-10", "2024-03-02"]),
        "amount": [50.0, 40.0, 100.0],
        "cost": [30.0, 30.0, 60.0],
        "promotion": ["none", "discount", "none"],
    }
)
STAGES = pd.DataFrame(
    {
        "customer_id": [1, 1, 2],
        "date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01"]),
        "stage": ["stranger", "acquaintance", "stranger"],
    }
)


def test_customer_months_by_hand():
    panel = customer_months(CUSTOMERS, CHURN, BONDS, "2024-03-31", transactions=TRANSACTIONS, stage_history=STAGES)
    # Customer 1: Jan from the 16th (16 days), Feb (29 days, 2024 is a leap year), Mar until the
    # 11th (10 days), churned in March. Customer 2: Feb (29 days), Mar until the 31st (30 days).
    assert panel["customer_id"].tolist() == [1, 1, 1, 2, 2]
    assert [str(m) for m in panel["month"]] == ["2024-01", "2024-02", "2024-03", "2024-02", "2024-03"]
    np.testing.assert_allclose(panel["exposure_months"] * 30.4375, [16, 29, 10, 29, 30])
    assert panel["churned"].tolist() == [False, False, True, False, False]
    assert panel["tenure_months"].tolist() == [0, 1, 2, 0, 1]
    # The financial bond started on 20 Feb counts from March; the social one (5 March) from April.
    assert panel["bond_level"].astype(str).tolist() == ["none", "none", "none", "none", "financial"]
    assert panel["segment"].tolist() == ["B2C", "B2C", "B2C", "B2B", "B2B"]
    # Purchases: customer 1 in Jan and Feb; recent = purchases in the three previous months.
    assert panel["purchases"].tolist() == [1, 1, 0, 0, 1]
    assert panel["recent_purchases"].tolist() == [0, 1, 2, 0, 0]
    assert panel["margin"].tolist() == [20.0, 10.0, 0.0, 0.0, 40.0]
    assert panel["promoted_purchases"].tolist() == [0, 1, 0, 0, 0]
    assert panel["stage"].astype(str).tolist() == ["stranger", "stranger", "acquaintance", "stranger", "stranger"]


def test_exposure_adds_up_to_the_survival_durations(small_company):
    c = small_company
    panel = customer_months(c.customers, c.churn, c.bonds, c.observation_end)
    durations = customer_durations(c.customers, c.churn, c.observation_end)
    per_customer = panel.groupby("customer_id")["exposure_months"].sum()
    np.testing.assert_allclose(per_customer.reindex(durations.index), durations["duration"], atol=1e-9)
    assert panel["churned"].sum() == durations["churned"].sum()
    assert (panel.groupby("customer_id")["churned"].sum() <= 1).all()


def test_bond_level_never_falls_and_matches_the_deepest_bond_before_the_month(small_company):
    c = small_company
    panel = customer_months(c.customers, c.churn, c.bonds, c.observation_end)
    codes = panel["bond_level"].cat.codes
    assert (codes.groupby(panel["customer_id"]).diff().dropna() >= 0).all()
    month = pd.Period("2022-12", "M")
    rows = panel[panel["month"] == month].set_index("customer_id")["bond_level"]
    held = deepest_bond_level(c.customers, c.bonds, on=month.to_timestamp() - pd.Timedelta(days=1))
    assert rows.astype(str).equals(held.reindex(rows.index).astype(str))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda b: b.assign(customer_id=[2, 9]), ["bonds.customer_id", "not in the customers"]),
        (lambda b: b.assign(level=["financial", "gold"]), ["bonds.level", "gold"]),
        (
            lambda b: b.assign(customer_id=[2, 1], start_date=pd.to_datetime(["2024-02-20", "2024-03-20"])),
            ["bonds.start_date", "after the customer's churn date"],
        ),  # customer 1 left on 11 March
        (
            lambda b: b.assign(start_date=pd.to_datetime(["2024-01-01", "2024-03-05"])),
            ["bonds.start_date", "before the customer's signup_date"],
        ),
        (lambda b: b.drop(columns="level"), ["bonds table is missing", "level"]),
    ],
)
def test_customer_months_names_bad_bond_rows(change, words):
    with pytest.raises(ValueError) as error:
        customer_months(CUSTOMERS, CHURN, change(BONDS.copy()), "2024-03-31")
    for word in words:
        assert word in str(error.value)


def test_customer_months_refuses_purchases_after_churn_and_repeated_customers():
    late = TRANSACTIONS.assign(date=pd.to_datetime(["2024-01-20", "2024-03-20", "2024-03-02"]))
    with pytest.raises(ValueError, match="transactions.date: 1 row.*after the customer's churn date"):
        customer_months(CUSTOMERS, CHURN, BONDS, "2024-03-31", transactions=late)
    with pytest.raises(ValueError, match="customers.customer_id: 2 row"):
        customer_months(CUSTOMERS.assign(customer_id=1), CHURN.iloc[:0], BONDS.iloc[:0], "2024-03-31")


def test_churn_after_the_end_is_not_known_yet():
    panel = customer_months(CUSTOMERS, CHURN, BONDS, "2024-02-29")
    assert not panel["churned"].any()
    assert panel.groupby("customer_id")["month"].max().astype(str).tolist() == ["2024-02", "2024-02"]


def test_deepest_bond_level_at_a_tenure_and_refusals():
    levels = deepest_bond_level(CUSTOMERS, BONDS, tenure_months=1)
    # customer 2 signed up on 1 Feb: by 1 Feb + 30.4 days (2 March) only the financial bond
    assert levels.astype(str).tolist() == ["none", "financial"]
    assert list(levels.cat.categories) == list(LEVELS)
    with pytest.raises(ValueError, match="not both"):
        deepest_bond_level(CUSTOMERS, BONDS, on="2024-03-01", tenure_months=1)


# --------------------------------------------------------------------------- churn ratios


def _panel(rows):
    """rows: (stratum, level, exposure, churns)."""
    frame = pd.DataFrame(rows, columns=["stratum", "bond_level", "exposure_months", "churned"])
    frame["bond_level"] = pd.Categorical(frame["bond_level"], categories=LEVELS, ordered=True)
    frame["customer_id"] = range(len(frame))
    return frame


TWO_STRATA = _panel(
    [("A", "none", 100.0, 10), ("A", "financial", 50.0, 2), ("B", "none", 100.0, 1), ("B", "financial", 200.0, 1)]
)


def test_mantel_haenszel_rate_ratio_by_hand():
    # Crude: (3/250) / (11/200) = 0.012 / 0.055 = 0.218182.
    crude = rate_ratio(TWO_STRATA, "financial")
    assert crude["estimate"] == pytest.approx(0.012 / 0.055)
    assert crude[["churns", "reference_churns"]].tolist() == [3, 11]
    # Stratum ratios: A (2/50)/(10/100) = 0.4, B (1/200)/(1/100) = 0.5.
    # MH numerator Σ d1·T0/T = 2·100/150 + 1·100/300 = 1.666667;
    # denominator Σ d0·T1/T = 10·50/150 + 1·200/300 = 4.0  ->  RR = 0.416667.
    # Greenland–Robins: Σ T1·T0·(d1+d0)/T² = 50·100·12/150² + 200·100·2/300² = 3.111111,
    # var(log RR) = 3.111111 / (1.666667 · 4) = 0.466667, se = 0.683130,
    # bounds 0.416667 · exp(∓1.959964 · 0.683130) = 0.109220, 1.589551.
    adjusted = rate_ratio(TWO_STRATA, "financial", strata=["stratum"])
    assert adjusted["estimate"] == pytest.approx(5 / 12)
    assert adjusted["lower"] == pytest.approx(0.109220, rel=1e-4)
    assert adjusted["upper"] == pytest.approx(1.589551, rel=1e-4)


def test_crude_interval_is_the_poisson_one():
    # one stratum: var(log RR) = 1/d1 + 1/d0 = 1/3 + 1/11
    crude = rate_ratio(TWO_STRATA, "financial", conf_level=0.9)
    half_width = 1.644854 * math.sqrt(1 / 3 + 1 / 11)
    assert math.log(crude["upper"] / crude["estimate"]) == pytest.approx(half_width, rel=1e-5)
    assert math.log(crude["estimate"] / crude["lower"]) == pytest.approx(half_width, rel=1e-5)


def test_rate_ratio_without_churn_or_without_overlap():
    no_churn = _panel([("A", "none", 100.0, 10), ("A", "social", 40.0, 0)])
    ratio = rate_ratio(no_churn, "social", strata=["stratum"])
    assert ratio["estimate"] == 0 and math.isnan(ratio["upper"])
    apart = _panel([("A", "none", 100.0, 10), ("B", "social", 40.0, 1)])
    assert math.isnan(rate_ratio(apart, "social", strata=["stratum"])["estimate"])
    with pytest.raises(ValueError, match="level must be one of"):
        rate_ratio(no_churn, "gold")
    with pytest.raises(ValueError, match="missing column"):
        rate_ratio(no_churn, "social", strata=["region"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(1, 500), st.floats(1, 500), st.integers(1, 40)), min_size=1, max_size=6),
    st.floats(0.05, 3),
)
def test_mantel_haenszel_recovers_a_common_ratio(strata, ratio):
    rows = []
    for i, (t0, t1, d0) in enumerate(strata):
        rows += [(i, "none", t0, float(d0)), (i, "customization", t1, ratio * d0 * t1 / t0)]
    panel = _panel(rows)
    assert rate_ratio(panel, "customization", strata=["stratum"])["estimate"] == pytest.approx(ratio, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(1, 500), st.floats(1, 500), st.integers(1, 40), st.integers(0, 40)), min_size=1, max_size=6
    )
)
def test_mantel_haenszel_lies_between_the_stratum_ratios(strata):
    rows = [
        row
        for i, (t0, t1, d0, d1) in enumerate(strata)
        for row in ((i, "none", t0, float(d0)), (i, "financial", t1, float(d1)))
    ]
    estimate = rate_ratio(_panel(rows), "financial", strata=["stratum"])["estimate"]
    ratios = [(d1 / t1) / (d0 / t0) for t0, t1, d0, d1 in strata]
    assert min(ratios) - 1e-9 <= estimate <= max(ratios) + 1e-9


def test_churn_by_level_and_measures_by_hand():
    table = churn_by_level(TWO_STRATA)
    assert table.loc["none", "monthly_churn"] == pytest.approx(11 / 200)
    assert table.loc["financial", "monthly_churn"] == pytest.approx(3 / 250)
    bond_rows = pd.DataFrame(
        {
            "customer_id": [1, 3],
            "level": ["financial", "financial"],
            "start_date": pd.to_datetime(["2024-01-01"] * 2),
            "cost_per_month": [2.0, 4.0],
        }
    )
    measures = bond_level_measures(TWO_STRATA, bond_rows)
    # average cost 3 per member-month over 250 member-months = 750
    assert measures.loc[
        "financial", ["members", "cost_per_member_month", "member_months", "programme_cost"]
    ].tolist() == [2, 3.0, 250.0, 750.0]
    assert measures.loc["financial", "churn_ratio"] == pytest.approx(0.012 / 0.055)
    assert measures.loc["none", "churn_ratio"] == 1.0
    assert math.isnan(measures.loc["structural", "monthly_churn"])


def test_bond_effects_on_a_company_naive_churn_falls_with_bonds(small_company):
    c = small_company
    panel = customer_months(c.customers, c.churn, c.bonds, c.observation_end, stage_history=c.truth.stage_history)
    effects = bond_effects(panel, {"naive": [], "same stage": ["stage"]})
    assert list(effects["method"].cat.categories) == ["naive", "same stage"]
    financial = effects[effects["level"] == "financial"].set_index("method")
    assert financial.loc["naive", "estimate"] < 1
    assert financial["churns"].nunique() == 1
    packages = estimated_packages(effects, "naive", COSTS)
    assert packages.loc["financial", "churn_multiplier"] == financial.loc["naive", "estimate"]
    assert packages["cost_per_month"].tolist() == [2, 8, 20, 50]


def test_cumulative_packages_multiply_factors_and_add_costs():
    packages = cumulative_packages(COSTS, FACTORS)
    # social package: 2 + 6 = 8 a month, 0.85 × 0.70 = 0.595
    assert packages.loc["social"].tolist() == pytest.approx([8.0, 0.595])
    assert packages.loc["structural", "churn_multiplier"] == pytest.approx(0.85 * 0.70 * 0.55 * 0.40)
    with pytest.raises(ValueError, match="missing"):
        cumulative_packages({"financial": 2}, FACTORS)
    with pytest.raises(ValueError, match="cost_per_month"):
        cumulative_packages({**COSTS, "social": -1}, FACTORS)


# --------------------------------------------------------------------------- monitoring


def test_relationship_monitor_by_hand():
    customers = pd.DataFrame({"customer_id": [1, 2, 3, 4], "segment": ["B2C", "B2C", "B2B", "B2B"]})
    surveys = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3],
            "satisfaction": [5, 4, 3, 5],
            "expectation": [5, 5, 6, 4],
            "perception": [6, 5, 4, 6],
            "commitment": [4, 3, 2, 5],
        }
    )
    churn = pd.DataFrame({"customer_id": [1, 2, 4], "reason": ["price", "price", "poor_service"]})
    table = relationship_monitor(customers, surveys, churn)
    # B2C: answers 5, 4, 3 -> mean 4, one of three is a 5; gaps +1, 0, −2 -> −1/3; both left for price.
    b2c = table.loc["B2C"]
    assert b2c["survey_answers"] == 3 and b2c["mean_satisfaction"] == 4.0
    assert b2c["share_completely_satisfied"] == pytest.approx(1 / 3)
    assert b2c["value_gap"] == pytest.approx(-1 / 3)
    assert (b2c["share_lost"], b2c["main_reason_for_leaving"], b2c["share_of_main_reason"]) == (1.0, "price", 1.0)
    assert table.loc["B2B", "share_lost"] == 0.5
    by_series = relationship_monitor(
        customers, surveys, churn, by=pd.Series(["x", "y", "x", "y"], index=[1, 2, 3, 4], name="group")
    )
    assert by_series.loc["x", "mean_satisfaction"] == pytest.approx((5 + 4 + 5) / 3)
    shares = reasons_for_leaving(customers, churn)
    assert shares.loc["poor_service", "B2B"] == 1.0 and shares["B2C"].sum() == 1.0
    with pytest.raises(ValueError, match="surveys.customer_id"):
        relationship_monitor(customers, surveys.assign(customer_id=[1, 1, 2, 99]), churn)


# --------------------------------------------------------------------------- money


@given(st.floats(0, 1), st.integers(0, 120))
def test_expected_customer_months_is_the_sum_of_survival(churn, months):
    brute = sum((1 - churn) ** t for t in range(months))
    assert expected_customer_months(churn, months) == pytest.approx(brute, rel=1e-9, abs=1e-9)


def test_expected_customer_months_limits():
    assert expected_customer_months(0.0, 36) == 36
    assert expected_customer_months(0.04, math.inf) == pytest.approx(25.0)
    with pytest.raises(ValueError, match="monthly_churn"):
        expected_customer_months(1.5, 12)


def test_programme_return_by_hand():
    # h = 0.1, f = 0.5, H = 3: without 1 + 0.9 + 0.81 = 2.71; with 1 + 0.95 + 0.9025 = 2.8525.
    # retained 0.1425 months × margin 40 = 5.7; cost 1 × 2.8525 = 2.8525; net 2.8475.
    r = programme_return(0.1, 40.0, 1.0, 0.5, horizon_months=3)
    assert r["months_without"] == pytest.approx(2.71)
    assert r["months_with"] == pytest.approx(2.8525)
    assert r["net_return"] == pytest.approx(2.8475)
    assert r["return_on_cost"] == pytest.approx(2.8475 / 2.8525)
    table = programme_return([0.1, 0.2], 40.0, [1.0, 0.0], 0.5, horizon_months=3)
    assert len(table) == 2 and math.isnan(table.loc[1, "return_on_cost"])


@given(st.floats(0.001, 0.5), st.floats(1, 500), st.floats(0, 100), st.floats(0, 1), st.floats(0, 1))
def test_programme_return_properties(churn, margin, cost, f_low, f_high):
    f_low, f_high = sorted((f_low, f_high))
    low, high = (programme_return(churn, margin, cost, f, horizon_months=36) for f in (f_low, f_high))
    assert low["retained_months"] >= high["retained_months"] - 1e-9  # a stronger bond keeps more
    no_effect = programme_return(churn, margin, cost, 1.0, horizon_months=36)
    assert no_effect["retained_months"] == 0
    assert no_effect["net_return"] == pytest.approx(-cost * expected_customer_months(churn, 36))


@settings(max_examples=80, deadline=None)
@given(st.floats(0.005, 0.3), st.floats(5, 500), st.floats(0.1, 1))
def test_the_return_is_zero_at_the_break_even_multiplier(churn, margin, cost_share):
    cost = cost_share * margin * 0.9
    f = break_even_multiplier(cost, margin, monthly_churn=churn, horizon_months=36)
    if f > 0:
        r = programme_return(churn, margin, cost, f, horizon_months=36)
        assert r["net_return"] == pytest.approx(0, abs=1e-6 * margin * 36)
    else:  # not even an end to all churn pays within the horizon
        assert programme_return(churn, margin, cost, 0.0, horizon_months=36)["net_return"] <= 1e-9
    # the finite horizon sets a higher bar than the lifetime rule f ≤ 1 − c/m
    assert f <= break_even_multiplier(cost, margin) + 1e-9


def test_lifetime_break_even_rule():
    # a programme costing 2 a month on a margin of 20 must cut churn by 10 %
    assert break_even_multiplier(2, 20) == pytest.approx(0.9)
    long_run = programme_return(0.05, 20.0, 2.0, 0.9, horizon_months=math.inf)
    assert long_run["net_return"] == pytest.approx(0, abs=1e-9)
    with pytest.raises(ValueError, match="monthly_churn"):
        break_even_multiplier(2, 20, horizon_months=36)


def test_programme_return_table_crosses_groups_and_programmes():
    baseline = pd.DataFrame(
        {"monthly_churn": [0.1, 0.02], "margin_per_month": [40.0, 100.0]},
        index=pd.Index(["B2C", "B2B"], name="segment"),
    )
    table = programme_return_table(baseline, cumulative_packages(COSTS, FACTORS), horizon_months=3)
    assert len(table) == 8 and list(table.columns[:2]) == ["segment", "level"]
    row = table[(table["segment"] == "B2C") & (table["level"] == "financial")].iloc[0]
    expected = programme_return(0.1, 40.0, 2.0, 0.85, horizon_months=3)
    assert row["net_return"] == pytest.approx(expected["net_return"])


def test_enrolment_baseline_on_a_company(small_company):
    c = small_company
    panel = customer_months(c.customers, c.churn, c.bonds, c.observation_end, transactions=c.transactions)
    baseline = enrolment_baseline(panel)
    none = panel[panel["bond_level"] == "none"]
    b2c = none[none["segment"] == "B2C"]
    assert baseline.loc["B2C", "monthly_churn"] == pytest.approx(b2c["churned"].sum() / b2c["exposure_months"].sum())
    assert baseline.loc["B2C", "margin_per_month"] == pytest.approx(b2c["margin"].sum() / b2c["exposure_months"].sum())
    active = c.active_at(c.observation_end)
    held = deepest_bond_level(
        c.customers, c.bonds, on=c.observation_end.to_period("M").to_timestamp() - pd.Timedelta(days=1)
    )
    segment = c.customers.set_index("customer_id")["segment"]
    expected = int((active & (held == "none") & (segment == "B2C")).sum())
    assert baseline.loc["B2C", "customers"] == expected
    overall = enrolment_baseline(panel, by=None)
    assert overall.index.tolist() == ["all"]
    assert overall.loc["all", "customers"] == baseline["customers"].sum()


PACKAGES = pd.DataFrame(
    {"cost_per_month": [5.0, 20.0], "churn_multiplier": [0.5, 0.0]},
    index=pd.Index(["financial", "structural"], name="level"),
)


def test_project_budget_by_hand():
    # Budget 600: 50 % -> 300 / 5 = 60 financial members, 50 % -> 300 / 20 = 15 structural members.
    # 1000 customers, churn 0.1, margin 10, 2 months.
    # Month 1 customers: 60·0.95 + 15·1 + 925·0.9 = 57 + 15 + 832.5 = 904.5 (without: 900).
    # Extra customer-months (months 0 and 1): financial 60·(0.95 − 0.9) = 3, structural 15·0.1 = 1.5.
    # Cost: financial 5·(60 + 57) = 585, structural 20·(15 + 15) = 600.
    p = project_budget(600, [0.5, 0.5], PACKAGES, customers=1000, monthly_churn=0.1, margin_per_month=10, months=2)
    assert p.monthly["with_programmes"].iloc[1] == pytest.approx(904.5)
    assert p.monthly["without_programmes"].tolist() == pytest.approx([1000, 900, 810])
    level = p.by_level
    assert level["enrolled"].tolist() == pytest.approx([60, 15])
    assert level["extra_customer_months"].tolist() == pytest.approx([3, 1.5])
    assert level["programme_cost"].tolist() == pytest.approx([585, 600])
    assert level["net_profit"].tolist() == pytest.approx([30 - 585, 15 - 600])
    # two months later: 60·0.95² + 15 − 60·0.81 − 15·0.81 = 54.15 + 15 − 48.6 − 12.15 = 8.4
    assert p.totals["extra_customers_at_end"] == pytest.approx(8.4)
    assert p.monthly["cumulative_profit_gain"].iloc[-1] == pytest.approx(p.totals["net_profit"])
    assert p.totals["budget_spent_first_month"] == pytest.approx(600)


def test_project_budget_scales_down_when_the_base_is_too_small_and_normalises_shares():
    p = project_budget(
        10_000,
        {"financial": 2.0, "structural": 2.0},
        PACKAGES,
        customers=100,
        monthly_churn=0.1,
        margin_per_month=10,
        months=12,
    )
    # shares 2 and 2 -> 50 % each: 1000 and 250 members asked, scaled to 100 in all (80 and 20)
    assert p.by_level["share_of_budget"].tolist() == [0.5, 0.5]
    assert p.by_level["enrolled"].tolist() == pytest.approx([80, 20])
    nothing = project_budget(0, [0.3, 0.3], PACKAGES, customers=100, monthly_churn=0.1, margin_per_month=10)
    assert nothing.totals["net_profit"] == 0
    assert nothing.monthly["with_programmes"].equals(nothing.monthly["without_programmes"])
    with pytest.raises(ValueError, match="one value per programme"):
        project_budget(100, [1.0], PACKAGES, customers=100, monthly_churn=0.1, margin_per_month=10)
    with pytest.raises(ValueError, match="not in packages"):
        project_budget(100, {"gold": 1.0}, PACKAGES, customers=100, monthly_churn=0.1, margin_per_month=10)
    with pytest.raises(ValueError, match="shares"):
        project_budget(100, [-0.1, 0.5], PACKAGES, customers=100, monthly_churn=0.1, margin_per_month=10)


@settings(max_examples=40, deadline=None)
@given(st.floats(0, 50_000), st.lists(st.floats(0, 1), min_size=2, max_size=2), st.floats(0, 0.3))
def test_project_budget_accounts_add_up(budget, shares, churn):
    p = project_budget(budget, shares, PACKAGES, customers=5000, monthly_churn=churn, margin_per_month=25)
    level = p.by_level
    assert level["enrolled"].sum() <= 5000 + 1e-6
    np.testing.assert_allclose(level["net_profit"], level["extra_margin"] - level["programme_cost"])
    assert p.monthly["cumulative_profit_gain"].iloc[-1] == pytest.approx(p.totals["net_profit"], abs=1e-6)
    assert (p.monthly["with_programmes"] >= p.monthly["without_programmes"] - 1e-9).all()


# ----------------------------------------------- lesson 02 presentation: charts and the widget

import matplotlib  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from helpers import plots  # noqa: E402
from helpers.plots import bonds as bond_plots  # noqa: E402
from helpers.plots import retention as retention_plots  # noqa: E402
from helpers.retention import survival_curve  # noqa: E402
from helpers.widgets import Scenario  # noqa: E402
from helpers.widgets import bonds as bond_widgets  # noqa: E402


def _hex(colour) -> str:
    return matplotlib.colors.to_hex(colour).upper()


@pytest.fixture(scope="module")
def budget_inputs():
    baseline = pd.DataFrame(
        {"customers": [2000, 400], "monthly_churn": [0.05, 0.03], "margin_per_month": [20.0, 100.0]},
        index=["B2C", "B2B"],
    )
    truth = cumulative_packages(COSTS, FACTORS)
    naive = truth.assign(churn_multiplier=[0.4, 0.1, 0.07, 0.0])
    return bond_widgets.BudgetInputs(baseline, {"truth": truth, "naive": naive})


def test_budget_scenario_returns_the_model_projection_and_its_chart(budget_inputs):
    plots.use_theme()
    result = bond_widgets.budget_scenario(4000, 0.5, 0.5, 0.0, 0.0, segment="B2B", effect="naive", inputs=budget_inputs)
    assert isinstance(result, Scenario)
    expected = project_budget(
        4000,
        [0.5, 0.5, 0, 0],
        budget_inputs.packages["naive"],
        customers=400,
        monthly_churn=0.03,
        margin_per_month=100.0,
    )
    pd.testing.assert_frame_equal(result.data.by_level, expected.by_level)
    # 2000 / 2 = 1000 financial and 2000 / 8 = 250 social members asked for: capped at the 400 customers
    assert result.data.by_level["enrolled"].sum() == pytest.approx(400)
    left, right = result.figure.axes
    assert [line.get_label() for line in left.get_lines()] == ["Without programmes", "With programmes"]
    bars = right.patches
    assert len(bars) == 4
    assert [_hex(b.get_facecolor()) for b in bars][::-1] == [plots.PALETTES["bond"][lv] for lv in COSTS]
    assert "customers after 36 months" in result.figure.texts[0].get_text()
    plt.close(result.figure)


def test_budget_scenario_defaults_and_refusals(budget_inputs):
    result = bond_widgets.budget_scenario(segment="B2C", inputs=budget_inputs)
    truth = project_budget(
        5000,
        [0.4, 0.3, 0.2, 0.1],
        budget_inputs.packages["truth"],
        customers=2000,
        monthly_churn=0.05,
        margin_per_month=20.0,
    )
    assert result.data.totals["net_profit"] == pytest.approx(truth.totals["net_profit"])
    plt.close(result.figure)
    with pytest.raises(ValueError, match="segment must be one of"):
        bond_widgets.budget_scenario(segment="B2X", inputs=budget_inputs)
    with pytest.raises(ValueError, match="effect must be one of"):
        bond_widgets.budget_scenario(segment="B2C", effect="guess", inputs=budget_inputs)


def test_budget_widget_wires_seven_controls(budget_inputs):
    plt.close("all")
    box = bond_widgets.budget_widget(budget_inputs, max_budget=12000)
    controls = [child for row in box.children[:-1] for child in row.children]
    assert [c.description for c in controls] == [
        "Budget per month",
        "Customers",
        "Financial share",
        "Social share",
        "Customization share",
        "Structural share",
        "Effects",
    ]
    controls[1].value = "B2B"
    assert box.redraw().data.totals["customers"] == 400
    assert plt.get_fignums() == []


def test_lesson_charts_draw_what_they_show():
    plots.use_theme()
    curve = survival_curve(
        [1, 2, 3, 4, 5, 6],
        [True, False, True, True, False, True],
        group=pd.Categorical(
            ["none", "none", "none", "financial", "financial", "financial"], categories=["none", "financial"]
        ),
    )
    fig = retention_plots.survival_chart(curve)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["None (n = 3)", "Financial (n = 3)"]
    assert [_hex(line.get_color()) for line in ax.get_lines()] == [
        plots.PALETTES["bond"]["none"],
        plots.PALETTES["bond"]["financial"],
    ]
    single = retention_plots.survival_chart(survival_curve([1, 2, 3], [True, True, False]), marks=[2])
    assert any("after 2 months" in t.get_text() for t in single.axes[0].texts)
    ladder = bond_plots.bond_ladder(bonds.bond_level_profile(), pd.Series(COSTS))
    assert sum(isinstance(p, matplotlib.patches.Rectangle) for p in ladder.axes[0].patches) == 4
    assert any("cost: 30 / member / month" in t.get_text() for t in ladder.axes[0].texts)
    effects = bond_effects(TWO_STRATA, {"naive": [], "within stratum": ["stratum"]})
    chart = bond_plots.effect_chart(effects, truth=pd.Series({"financial": 0.85}))
    labels = [t.get_text() for t in chart.axes[0].get_legend().get_texts()]
    assert labels == ["Truth (simulation)", "Naive", "Within stratum"]
    heat = retention_plots.cohort_heatmap(pd.DataFrame([[1.0, 0.5], [1.0, np.nan]]), title="Cohorts")
    assert len(heat.axes[0].images) == 1
    shares = reasons_for_leaving(
        pd.DataFrame({"customer_id": [1, 2], "segment": ["B2C", "B2B"]}),
        pd.DataFrame({"customer_id": [1, 2], "reason": ["price", "poor_service"]}),
    )
    assert len(bond_plots.reasons_chart(shares, family="segment").axes[0].patches) == 4
    table = programme_return_table(
        pd.DataFrame({"monthly_churn": [0.05], "margin_per_month": [20.0]}, index=pd.Index(["B2C"], name="segment")),
        cumulative_packages(COSTS, FACTORS),
    )
    returns = bond_plots.return_chart({"truth": table, "again": table})
    assert len(returns.axes) == 2 and len(returns.axes[0].patches) == 4
    plt.close("all")


#: Width in px that a notebook output gets in JupyterLab on a 1280 px screen with the file browser open.
OUTPUT_WIDTH_PX = 840


def smallest_text_on_screen(fig) -> float:
    """The smallest text of ``fig`` in screen px, once the image is scaled down to the output's width."""
    import io

    from matplotlib.text import Text
    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    buffer.seek(0)
    scale = min(1.0, OUTPUT_WIDTH_PX / Image.open(buffer).size[0])
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) * 100 / 72 * scale


def test_lesson_charts_keep_every_label_at_12_px_beside_the_file_browser():
    table = programme_return_table(
        pd.DataFrame(
            {"monthly_churn": [0.05, 0.03], "margin_per_month": [20.0, 100.0]},
            index=pd.Index(["B2C", "B2B"], name="segment"),
        ),
        cumulative_packages(COSTS, FACTORS),
    )
    shares = reasons_for_leaving(
        pd.DataFrame({"customer_id": [1, 2], "segment": ["B2C", "B2B"]}),
        pd.DataFrame({"customer_id": [1, 2], "reason": ["price", "poor_service"]}),
    )
    projection = bonds.project_budget(
        1000, [0.25] * 4, cumulative_packages(COSTS, FACTORS), customers=2000, monthly_churn=0.04, margin_per_month=20
    )
    figures = {
        "ladder": bond_plots.bond_ladder(bonds.bond_level_profile(), pd.Series(COSTS)),
        "reasons": bond_plots.reasons_chart(shares, family="segment"),
        "returns, one panel": bond_plots.return_chart({"truth": table}, title="Three-year return"),
        "returns, two panels": bond_plots.return_chart(
            {"naive estimate": table, "truth": table},
            title="Three-year return per enrolled customer:\nnaive estimate against the truth",
        ),
        "budget": bond_plots.budget_chart(projection),
    }
    try:
        for name, fig in figures.items():
            assert smallest_text_on_screen(fig) >= 12, name
    finally:
        plt.close("all")


def test_cap_level_pools_the_deep_levels_and_refuses_unknown_ones():
    levels = pd.Series(["customization", "none", "financial"], index=[7, 8, 9], name="bond")
    capped = cap_level(levels, "financial")
    assert capped.tolist() == ["financial or deeper", "none", "financial or deeper"]
    assert list(capped.cat.categories) == ["none", "financial or deeper"]
    assert capped.index.tolist() == [7, 8, 9] and capped.name == "bond"
    with pytest.raises(ValueError, match="gold"):
        cap_level(pd.Series(["gold"]))
    with pytest.raises(ValueError, match="deepest"):
        cap_level(levels, "none")


def test_bond_level_when_leaving_reads_the_month_of_churn():
    panel = customer_months(
        CUSTOMERS, CHURN.assign(customer_id=2, date=pd.to_datetime(["2024-03-20"])), BONDS, "2024-03-31"
    )
    # customer 2 left in March, holding the financial bond started in February
    assert bond_level_when_leaving(panel).astype(str).to_dict() == {2: "financial"}
