"""Lesson 06 model: customer profitability, the pyramid, the loyalty connectors and customer equity.

Worked examples use tiny tables whose answers are computed by hand in the comments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.bucket import customer_value, margin_by_tenure_year
from helpers.profitability import (
    CONNECTORS,
    DEFAULT_INTERACTION_COSTS,
    TIERS,
    customer_equity,
    customer_profitability,
    lost_customer_value,
    loyalty_connectors,
    profit_curve,
    pyramid_tier,
    tier_migration,
    tier_summary,
    top_share,
)
from helpers.value import clv


def dates(*days):
    return pd.to_datetime(list(days))


def no_rows(*columns):
    return pd.DataFrame(
        {column: pd.Series([], dtype="datetime64[ns]" if "date" in column else float) for column in columns}
    )


@pytest.fixture
def small():
    """Three customers: 1 old and bonded, 2 acquired in the window, 3 lost in the window."""
    customers = pd.DataFrame(
        {
            "customer_id": [1, 2, 3],
            "acquisition_cost": [40.0, 150.0, 25.0],
            "signup_date": dates("2022-05-10", "2024-06-10", "2023-01-01"),
        }
    )
    sales = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 3],
            "amount": [100.0, 60.0, 80.0, 300.0, 50.0],
            "cost": [70.0, 40.0, 50.0, 200.0, 30.0],
            "date": dates("2023-12-31", "2024-01-01", "2024-12-31", "2024-07-01", "2024-03-01"),
        }
    )
    contacts = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 2, 3],
            "channel": ["phone", "email", "web", "face_to_face", "phone"],
            "date": dates("2024-03-01", "2023-06-01", "2024-07-01", "2024-08-01", "2024-02-01"),
        }
    )
    bonds = pd.DataFrame(
        {"customer_id": [1, 1], "start_date": dates("2023-06-20", "2024-10-15"), "cost_per_month": [2.0, 6.0]}
    )
    churn = pd.DataFrame({"customer_id": [3], "date": dates("2024-04-15")})
    return customers, sales, contacts, bonds, churn


# --------------------------------------------------------------------------- customer profitability


def test_profitability_worked_example(small):
    customers, sales, contacts, bonds, churn = small
    table = customer_profitability(customers, sales, contacts, bonds, "2024-12-31", churn=churn)
    # Customer 3 left in April 2024: not an active customer.
    assert table.index.tolist() == [1, 2]
    one, two = table.loc[1], table.loc[2]
    # Window = Jan–Dec 2024. Customer 1: purchases of 1 Jan and 31 Dec (the one of 31 Dec 2023 is
    # out): margin 20 + 30 = 50 on revenue 140. The phone call of March (8); the e-mail of 2023
    # is out. Bond of 2 a month held all 12 months (24) + bond of 6 from October: Oct, Nov, Dec
    # (18). Cost to serve 8 + 42 = 50, profit 0. Acquired in 2022: no acquisition cost charged.
    assert (one["purchases"], one["revenue"], one["margin"]) == (2, 140.0, 50.0)
    assert (one["contacts"], one["contact_cost"], one["bond_cost"]) == (1, 8.0, 42.0)
    assert (one["cost_to_serve"], one["profit"], one["acquisition_cost"], one["net_profit"]) == (50.0, 0.0, 0.0, 0.0)
    # Customer 2: margin 100; web 1 + face to face 25; acquired in June 2024 for 150.
    assert (two["margin"], two["cost_to_serve"], two["profit"], two["net_profit"]) == (100.0, 26.0, 74.0, -76.0)
    # Tenure: 2024-06-10 → 2024-12-31 is 204 days.
    assert two["tenure_months"] == pytest.approx(204 / 30.4375)


def test_profitability_whole_history_charges_every_acquisition(small):
    customers, sales, contacts, bonds, churn = small
    table = customer_profitability(customers, sales, contacts, bonds, "2024-12-31", months=None, churn=churn)
    # Customer 1 over all time: margin 30 + 20 + 30 = 80; phone 8 + e-mail 3; bond of 2 from
    # June 2023 to December 2024 = 19 months (38) + 18; acquisition 40 → net 80 − 67 − 40 = −27.
    assert table.loc[1, "cost_to_serve"] == 8 + 3 + 38 + 18
    assert table.loc[1, "net_profit"] == pytest.approx(80 - 67 - 40)
    assert table["acquisition_cost"].tolist() == [40.0, 150.0]


def test_profitability_without_churn_keeps_everyone_and_a_shorter_window(small):
    customers, sales, contacts, bonds, _ = small
    table = customer_profitability(customers, sales, contacts, bonds, "2024-12-31", months=3)
    assert table.index.tolist() == [1, 2, 3]
    # October–December 2024: customer 1 bought on 31 Dec (30) and pays 2 + 6 for 3 months.
    assert table.loc[1, "margin"] == 30.0 and table.loc[1, "bond_cost"] == 24.0
    # Customer 3: nothing in the window, acquired before it.
    assert table.loc[3, ["margin", "cost_to_serve", "profit", "net_profit"]].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_profitability_uses_the_given_interaction_costs_and_empty_tables(small):
    customers, sales, contacts, _, churn = small
    costs = {"web": 0.0, "phone": 10.0, "email": 0.0, "face_to_face": 100.0}
    table = customer_profitability(
        customers,
        sales,
        contacts,
        no_rows("customer_id", "start_date", "cost_per_month"),
        "2024-12-31",
        interaction_costs=costs,
        churn=churn,
    )
    assert table["contact_cost"].tolist() == [10.0, 100.0]
    assert table["bond_cost"].tolist() == [0.0, 0.0]
    empty = customer_profitability(
        customers.drop(columns="acquisition_cost"),
        sales,
        no_rows("customer_id", "date", "channel"),
        no_rows("customer_id", "start_date", "cost_per_month"),
        "2024-12-31",
    )
    assert (empty["profit"] == empty["margin"]).all()
    # Unknown acquisition cost: NaN for those acquired in the window, not a silent 0.
    assert np.isnan(empty.loc[2, "acquisition_cost"]) and empty.loc[1, "acquisition_cost"] == 0.0


def test_profitability_margin_adds_up_to_the_transactions(small):
    customers, sales, contacts, bonds, _ = small
    table = customer_profitability(customers, sales, contacts, bonds, "2030-12-31", months=None)
    assert table["margin"].sum() == pytest.approx((sales["amount"] - sales["cost"]).sum())
    assert table["revenue"].sum() == pytest.approx(sales["amount"].sum())


@pytest.mark.parametrize(
    "position, change, words",
    [
        (2, lambda t: t.assign(channel=["phone", "fax", "web", "web", "web"]), "interactions.channel"),
        (1, lambda t: t.assign(customer_id=[1, 1, 1, 2, 9]), "not in the customers table"),
        (1, lambda t: t.assign(amount=[1.0, np.nan, 1.0, 1.0, 1.0]), "transactions.amount"),
        (3, lambda t: t.assign(cost_per_month=[2.0, -6.0]), "bonds.cost_per_month"),
        (0, lambda t: t.assign(customer_id=[1, 1, 3]), "repeat a customer"),
        (1, lambda t: t.drop(columns="cost"), "transactions table is missing"),
        (4, lambda t: t.assign(date=[None]), "churn.date"),
    ],
)
def test_profitability_refuses_bad_input_naming_table_and_column(small, position, change, words):
    tables = list(small)
    tables[position] = change(tables[position])
    customers, sales, contacts, bonds, churn = tables
    with pytest.raises(ValueError, match=words):
        customer_profitability(customers, sales, contacts, bonds, "2024-12-31", churn=churn)


@pytest.mark.parametrize("months", [0, 2.5, True, -1])
def test_profitability_refuses_a_bad_window(small, months):
    customers, sales, contacts, bonds, churn = small
    with pytest.raises(ValueError, match="months"):
        customer_profitability(customers, sales, contacts, bonds, "2024-12-31", months=months)


def test_default_interaction_costs_price_every_channel_of_the_course():
    from helpers.schema import CHANNELS

    assert sorted(DEFAULT_INTERACTION_COSTS) == sorted(CHANNELS)
    assert (
        DEFAULT_INTERACTION_COSTS["face_to_face"]
        > DEFAULT_INTERACTION_COSTS["phone"]
        > DEFAULT_INTERACTION_COSTS["web"]
    )


# --------------------------------------------------------------------------- the pyramid


def test_pyramid_worked_example():
    profit = pd.Series(
        [500.0, 90.0, 300.0, 40.0, -20.0, 10.0, 60.0, 5.0, 0.0, 25.0], index=pd.RangeIndex(1, 11, name="customer_id")
    )
    tiers = pyramid_tier(profit, platinum=0.1, gold=0.3)
    # Ranked: 500 (1), 300 (3), 90 (2), 60, 40, 25, 10, 5, 0, −20. Top 10 % of 10 = 1 customer,
    # top 30 % = 3 customers; −20 < 0 is lead; 0 is not below 0, so iron.
    assert tiers.tolist() == ["platinum", "gold", "gold", "iron", "lead", "iron", "iron", "iron", "iron", "iron"]
    assert list(tiers.cat.categories) == list(TIERS) and tiers.name == "tier"
    assert tiers.index.equals(profit.index)


def test_pyramid_lead_wins_and_threshold_moves():
    profit = pd.Series([-5.0, -1.0, -3.0, 2.0])
    # Everybody would be platinum with platinum=1, but those below zero are lead.
    assert pyramid_tier(profit, platinum=1.0, gold=1.0).tolist() == ["lead", "lead", "lead", "platinum"]
    # With lead below −2, only −5 and −3 are lead; the 25 % top is customer 4 (2.0).
    assert pyramid_tier(profit, platinum=0.25, gold=0.5, lead_below=-2).tolist() == ["lead", "gold", "lead", "platinum"]


def test_pyramid_breaks_ties_by_order_and_counts_shares_exactly():
    profit = pd.Series([10.0] * 20)
    tiers = pyramid_tier(profit, platinum=0.05, gold=0.15)  # 1 and 3 of 20 customers
    assert tiers.tolist() == ["platinum", "gold", "gold"] + ["iron"] * 17


@given(st.lists(st.floats(-1e4, 1e5), min_size=1, max_size=60), st.floats(0, 1), st.floats(0, 1))
@settings(max_examples=80, deadline=None)
def test_pyramid_properties(values, a, b):
    platinum, gold = min(a, b), max(a, b)
    profit = pd.Series(values)
    tiers = pyramid_tier(profit, platinum=platinum, gold=gold)
    n = len(values)
    assert (tiers == "platinum").sum() <= np.floor(platinum * n + 1e-9)
    assert ((tiers == "platinum") | (tiers == "gold")).sum() <= np.floor(gold * n + 1e-9)
    assert ((tiers == "lead") == (profit < 0)).all()
    # Higher tiers never hold a customer less profitable than a lower tier's (lead aside).
    ranked = [profit[tiers == tier] for tier in ("platinum", "gold", "iron")]
    for upper, lower in zip(ranked, ranked[1:]):
        if len(upper) and len(lower):
            assert upper.min() >= lower.max()


@pytest.mark.parametrize(
    "kwargs", [{"platinum": 0.3, "gold": 0.2}, {"platinum": -0.1}, {"gold": 1.5}, {"lead_below": np.nan}]
)
def test_pyramid_refuses_bad_cut_offs(kwargs):
    with pytest.raises(ValueError):
        pyramid_tier(pd.Series([1.0, 2.0]), **kwargs)


def test_pyramid_refuses_missing_profit_naming_the_customer():
    with pytest.raises(ValueError, match=r"\[7\]"):
        pyramid_tier(pd.Series([1.0, np.nan], index=[3, 7]))


# --------------------------------------------------------------------------- profit curve and tiers


def test_profit_curve_and_top_share_worked_example():
    profit = pd.Series({"a": 30.0, "b": -10.0, "c": 80.0, "d": 0.0, "e": 0.0})
    curve = profit_curve(profit)
    # Best first: c 80, a 30, d 0, e 0 (ties keep their order), b −10; total 100.
    assert curve.index.tolist() == ["c", "a", "d", "e", "b"]
    assert curve["cumulative_share_of_profit"].tolist() == pytest.approx([0.8, 1.1, 1.1, 1.1, 1.0])
    assert curve["share_of_customers"].tolist() == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    # The top fifth is customer c alone: 80 of 100. The top 40 %: 110 %.
    assert top_share(profit, 0.2) == pytest.approx(0.8)
    assert top_share(profit, 0.4) == pytest.approx(1.1)
    assert top_share(profit, 0.0) == 0.0 and top_share(profit, 1.0) == pytest.approx(1.0)


@given(st.lists(st.floats(0, 1e4), min_size=2, max_size=50).filter(lambda v: sum(v) > 1))
@settings(max_examples=60, deadline=None)
def test_profit_curve_without_losses_is_concave_and_above_the_diagonal(values):
    curve = profit_curve(pd.Series(values))
    shares = curve["cumulative_share_of_profit"].to_numpy()
    assert shares[-1] == pytest.approx(1.0)
    assert np.all(shares >= curve["share_of_customers"].to_numpy() - 1e-9)
    assert np.all(np.diff(np.concatenate([[0.0], shares])) >= -1e-12)


@pytest.mark.parametrize("values", [[], [-5.0, 2.0], [0.0, 0.0]])
def test_profit_curve_refuses_a_total_that_is_not_positive(values):
    with pytest.raises(ValueError, match="total profit must be positive"):
        profit_curve(pd.Series(values, dtype=float))


def test_tier_summary_counts_and_shares():
    profit = pd.Series([500.0, 90.0, 300.0, 40.0, -20.0, 10.0, 60.0, 5.0, 0.0, 25.0])
    summary = tier_summary(pyramid_tier(profit, platinum=0.1, gold=0.3), profit)
    # Total 1010: platinum 500, gold 390, lead −20, iron the other six = 140.
    assert summary["customers"].tolist() == [1, 2, 6, 1]
    assert summary["profit"].tolist() == [500.0, 390.0, 140.0, -20.0]
    assert summary["share_of_profit"].sum() == pytest.approx(1.0)
    assert summary.loc["gold", ["lowest_profit", "highest_profit", "profit_per_customer"]].tolist() == [
        90.0,
        300.0,
        195.0,
    ]
    assert summary.loc["iron", "share_of_customers"] == pytest.approx(0.6)


def test_tier_summary_keeps_empty_tiers_and_refuses_mismatches():
    profit = pd.Series([5.0, 1.0])
    summary = tier_summary(pyramid_tier(profit, platinum=0.0, gold=0.0), profit)
    assert summary["customers"].tolist() == [0, 0, 2, 0]
    assert np.isnan(summary.loc["platinum", "profit_per_customer"])
    with pytest.raises(ValueError, match="same index"):
        tier_summary(pd.Series(["gold"], index=[9]), profit)
    with pytest.raises(ValueError, match="no tier"):
        tier_summary(pd.Series(["gold", "bronze"]), profit)


def test_tier_migration_counts_new_and_lost_and_shares():
    before = pd.Series(["platinum", "gold", "gold", "lead", "iron"], index=[1, 2, 3, 4, 5])
    after = pd.Series(["platinum", "platinum", "iron", "gold"], index=[1, 2, 5, 6])
    counts = tier_migration(before, after)
    # 1 stays platinum; 2 moves up; 3 and 4 are lost; 5 stays iron; 6 is new and gold.
    assert counts.loc["platinum", "platinum"] == 1 and counts.loc["gold", "platinum"] == 1
    assert counts.loc["gold", "lost"] == 1 and counts.loc["lead", "lost"] == 1 and counts.loc["iron", "iron"] == 1
    assert counts.loc["new", "gold"] == 1
    assert counts.to_numpy().sum() == 6 and counts.loc["new", "lost"] == 0
    assert list(counts.index) == list(TIERS) + ["new"] and list(counts.columns) == list(TIERS) + ["lost"]
    shares = tier_migration(before, after, normalize=True)
    assert shares.loc["gold"].tolist() == [0.5, 0.0, 0.0, 0.0, 0.5]
    assert shares.loc["lead", "lost"] == 1.0


def test_tier_migration_refuses_unknown_tiers_and_repeated_customers():
    with pytest.raises(ValueError, match="before"):
        tier_migration(pd.Series(["tin"]), pd.Series(["gold"]))
    with pytest.raises(ValueError, match="repeat"):
        tier_migration(pd.Series(["gold", "iron"], index=[1, 1]), pd.Series(["gold"]))


# --------------------------------------------------------------------------- loyalty connectors


@pytest.fixture(scope="module")
def company(make_company):
    return make_company(n_customers=400, seed=3, months=24)


def connectors_of(company):
    return loyalty_connectors(
        company.customers,
        company.transactions,
        company.interactions,
        company.bonds,
        company.churn,
        company.surveys,
        company.observation_end,
    )


def test_connectors_worked_example_with_costs_and_referrals():
    customers = pd.DataFrame(
        {
            "customer_id": [1, 2, 3],
            "acquisition_channel": ["search_ads", "referral", "referral"],
            "acquisition_cost": [50.0, 10.0, 20.0],
            "signup_date": dates("2022-01-01", "2023-01-01", "2023-01-01"),
        }
    )
    sales = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3],
            "category": ["basics"] * 4,
            "amount": [100.0, 100.0, 50.0, 50.0],
            "cost": [50.0, 50.0, 25.0, 25.0],
            "date": dates("2022-02-01", "2023-02-01", "2023-03-01", "2023-03-01"),
        }
    )
    contacts = pd.DataFrame(
        {"customer_id": [1, 1], "channel": ["phone", "web"], "date": dates("2022-05-01", "2023-05-01")}
    )
    bonds = pd.DataFrame({"customer_id": [1], "start_date": dates("2023-07-10"), "cost_per_month": [2.0]})
    churn = pd.DataFrame({"customer_id": [3], "date": dates("2023-06-15")})
    answers = pd.DataFrame({"customer_id": [1, 2], "recommend": [10, 3], "date": dates("2023-03-01", "2023-03-01")})
    table = loyalty_connectors(customers, sales, contacts, bonds, churn, answers, "2023-12-31")
    # Exposure: year 1 = customer 1 in 2022 (12 months) + customer 2 in 2023 (12) + customer 3
    # Jan–Jun 2023 (6) = 30 months = 2.5 customer-years; year 2 = customer 1 in 2023 = 1.
    assert table["customer_years"].tolist()[1:] == [2.5, 1.0]
    # Year 1: revenue 200, margin 100 (rate 0.5), contact 8 (phone): per customer-year 80, 40, 3.2.
    # Year 2: revenue 100, margin 50, web 1 + bond Jul–Dec 6 × 2 = 13.
    assert table.loc[1, "base_profit"] == pytest.approx(40 - 3.2)
    assert table.loc[2, "repeat_sales"] == pytest.approx(0.5 * (100 - 80))
    assert table.loc[2, "cross_selling"] == 0.0 and table.loc[2, "price_sensitivity"] == pytest.approx(0.0)
    assert table.loc[2, "cost_savings"] == pytest.approx(3.2 - 13)
    # Referrals: 2 referred customers saved 50 − 15 = 35 each, 70 in all. Promoter share: year 1
    # has customer 2's answer (3: not a promoter), year 2 customer 1's (10): 0 and 1. Promoter-years
    # 0 × 2.5 + 1 × 1 = 1, so year 2 gets 70 per customer-year and year 1 nothing.
    assert table["promoter_share"].tolist()[1:] == [0.0, 1.0]
    assert table.loc[1, "referrals"] == 0.0 and table.loc[2, "referrals"] == pytest.approx(70.0)
    # Year 0: mean acquisition cost (50 + 10 + 20) / 3.
    assert table.loc[0, "acquisition_cost"] == pytest.approx(-80 / 3)
    assert table.loc[0, "profit"] == pytest.approx(-80 / 3)
    assert table.loc[2, "profit"] == pytest.approx(36.8 + 10 - 9.8 + 70)


def test_connectors_add_up_to_margin_minus_cost_to_serve_and_match_lesson_03(company):
    table = connectors_of(company)
    years = table.index[table.index > 0]
    parts = table.loc[years, ["base_profit", "repeat_sales", "cross_selling", "price_sensitivity", "cost_savings"]]
    assert parts.sum(axis=1).to_numpy() == pytest.approx(
        (table.loc[years, "margin"] - table.loc[years, "cost_to_serve"]).to_numpy()
    )
    assert table[list(CONNECTORS)].sum(axis=1).to_numpy() == pytest.approx(table["profit"].to_numpy())
    reference = margin_by_tenure_year(company.customers, company.transactions, company.churn, company.observation_end)
    assert table.loc[years, "margin"].to_numpy() == pytest.approx(reference["margin_per_customer_year"].to_numpy())
    # Year 1 is the reference: no connector moves it but referrals.
    assert table.loc[1, ["repeat_sales", "cross_selling", "price_sensitivity", "cost_savings"]].abs().max() < 1e-9


def test_connectors_cost_to_serve_adds_up_to_customer_profitability(company):
    table = connectors_of(company)
    whole = customer_profitability(
        company.customers,
        company.transactions,
        company.interactions,
        company.bonds,
        company.observation_end,
        months=None,
        churn=company.churn,
    )
    years = table.index[table.index > 0]
    by_tenure = (table.loc[years, "cost_to_serve"] * table.loc[years, "customer_years"]).sum()
    # Bonds of customers who left are charged up to their churn month by the connectors, but
    # customer_profitability keeps only the active customers: compare contacts + bonds of those.
    lost = company.churn["customer_id"]
    active_contacts = company.interactions[~company.interactions["customer_id"].isin(lost)]
    assert whole["contacts"].sum() == len(active_contacts)
    assert by_tenure >= whole["cost_to_serve"].sum()


def test_connectors_refuse_rows_before_signup(company):
    early = company.transactions.copy()
    early.loc[early.index[0], "date"] = pd.Timestamp("2000-01-01")
    with pytest.raises(ValueError, match="transactions.date"):
        loyalty_connectors(
            company.customers,
            early,
            company.interactions,
            company.bonds,
            company.churn,
            company.surveys,
            company.observation_end,
        )


# --------------------------------------------------------------------------- lost customer and equity


def test_lost_customer_value_worked_example():
    value = lost_customer_value([100.0, 200.0], 2, 0.5, 0.0, acquisition_cost=50.0)
    # From year 2: 200 (1 + 0.5 + 0.25 + …) = 400. A new customer: 100 + 0.5 × 400 = 300.
    assert value.to_dict() == pytest.approx(
        {
            "one_year_profit": 200.0,
            "future_profit": 400.0,
            "replacement_acquisition_cost": 50.0,
            "replacement_future_profit": 300.0,
            "cost_if_replaced": 150.0,
        }
    )


@given(st.floats(1, 1000), st.floats(0, 0.95), st.floats(0, 0.3), st.integers(1, 5))
@settings(max_examples=60, deadline=None)
def test_lost_customer_with_a_flat_profile_is_the_end_timing_clv(profit, retention, discount, year):
    value = lost_customer_value(pd.Series([profit] * 3, index=[1, 2, 3]), year, retention, discount)
    assert value["future_profit"] == pytest.approx(clv(profit, retention, discount, timing="end"))
    assert value["cost_if_replaced"] == pytest.approx(0.0, abs=1e-6 * profit)


def test_lost_customer_uses_the_connectors_profile_and_ignores_year_zero():
    profile = pd.Series([-60.0, 100.0, 150.0], index=pd.Index([0, 1, 2], name="tenure_year"))
    value = lost_customer_value(profile, 1, 0.8, 0.1)
    assert value["future_profit"] == pytest.approx(customer_value(0.8, 100.0, later_year_profits=[150.0]))
    with pytest.raises(ValueError, match="tenure years 1, 2"):
        lost_customer_value(pd.Series([1.0, 2.0], index=[1, 3]), 1, 0.5, 0.1)
    with pytest.raises(ValueError, match="tenure_year"):
        lost_customer_value([1.0], 0, 0.5, 0.1)


def test_customer_equity_worked_example_and_checks():
    equity = customer_equity(pd.Series([100.0, 300.0]), 0.8, 0.12, new_customers_per_year=10, new_customer_value=60.0)
    # 400 × 0.8 / (1.12 − 0.8) = 1000; 10 × 60 / 0.12 = 5000.
    assert equity.to_dict() == pytest.approx({"current_customers": 1000.0, "future_customers": 5000.0, "total": 6000.0})
    assert customer_equity(400.0, 0.8, 0.12)["future_customers"] == 0.0
    with pytest.raises(ValueError, match="retention"):
        customer_equity(400.0, 1.0, 0.12)
    with pytest.raises(ValueError, match="discount_rate > 0"):
        customer_equity(400.0, 0.5, 0.0, new_customers_per_year=5, new_customer_value=10.0)
