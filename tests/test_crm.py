"""Lesson 04's model functions, worked by hand, and its widgets (data, artists, speed)."""

import io
import time

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import crm
from helpers.rfm import rfm_summary
from helpers.widgets import crm as crm_widgets


@pytest.fixture(scope="module")
def company(make_company):
    return make_company(n_customers=400, seed=5, months=18)


def test_value_ranking_worked_example():
    # margins: customer 1: (10-5)+(30-15) = 20; customer 2: 50-20 = 30; customer 3: 0; total 50
    sales = pd.DataFrame(
        {"customer_id": [1, 1, 2, 3], "amount": [10.0, 30.0, 50.0, 5.0], "cost": [5.0, 15.0, 20.0, 5.0]}
    )
    ranking = crm.customer_value_ranking(sales)
    assert ranking["customer_id"].tolist() == [2, 1, 3]
    assert ranking["margin"].tolist() == [30.0, 20.0, 0.0]
    assert ranking["cumulative_share_of_margin"].tolist() == pytest.approx([0.6, 1.0, 1.0])  # 30/50, 50/50
    assert ranking["share_of_customers"].tolist() == pytest.approx([1 / 3, 2 / 3, 1.0])


def test_value_ranking_refuses_missing_costs():
    with pytest.raises(ValueError, match=r"transactions\.cost"):
        crm.customer_value_ranking(pd.DataFrame({"customer_id": [1], "amount": [1.0], "cost": [np.nan]}))


def test_channel_mix_worked_example_skips_purchase_contacts():
    # customer 1: web, web (purchases) + phone (complaint) -> 3 touchpoints, shares 2/3, 1/3
    # customer 2: phone (purchase); its 'purchase' contact repeats the sale and is not counted
    tx = pd.DataFrame({"customer_id": [1, 1, 2], "channel": ["web", "web", "phone"]})
    ix = pd.DataFrame({"customer_id": [1, 2], "channel": ["phone", "email"], "type": ["complaint", "purchase"]})
    mix = crm.channel_mix(tx, ix)
    assert mix.loc[1, "touchpoints"] == 3 and mix.loc[2, "touchpoints"] == 1
    assert mix.loc[1, "share_web"] == pytest.approx(2 / 3)
    assert mix.loc[2, "email"] == 0
    assert mix["preferred_channel"].astype(str).tolist() == ["web", "phone"]


def test_channel_mix_refuses_an_unknown_channel():
    tx = pd.DataFrame({"customer_id": [1], "channel": ["fax"]})
    ix = pd.DataFrame({"customer_id": [1], "channel": ["web"], "type": ["inquiry"]})
    with pytest.raises(ValueError, match=r"transactions\.channel"):
        crm.channel_mix(tx, ix)


def test_satisfaction_by_channel_averages_each_customer_first():
    # customer 1 answers 4 and 5 (mean 4.5), customer 2 answers 3: web mean = (4.5 + 3) / 2 = 3.75
    pref = pd.Series(["web", "web", "phone"], index=[1, 2, 3])
    answers = pd.DataFrame({"customer_id": [1, 1, 2, 3], "satisfaction": [4, 5, 3, 5]})
    table = crm.satisfaction_by_channel(pref, answers)
    assert table.loc["web", "mean_satisfaction"] == pytest.approx(3.75)
    assert table.loc["web", "customers"] == 2
    assert table.loc["phone", "share_completely_satisfied"] == 1.0
    assert table.loc["email", "customers"] == 0


def test_next_best_offer_and_hit_rates_worked_example():
    # before the cut-off: 1 bought premium, 2 basics, 3 basics  -> most popular = basics
    # after: 1 premium, 2 basics, 3 services
    # own history offers premium, basics, basics -> hits 1, 2          = 2/3
    # one for all offers basics to all           -> hit 2 only         = 1/3
    # by segment (1: B2B whose favourite is premium; 2, 3: B2C, basics) -> same as own history = 2/3
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 2, 3, 3],
            "date": pd.to_datetime(["2024-01-01", "2024-03-01"] * 3),
            "category": ["premium", "premium", "basics", "basics", "basics", "services"],
        }
    )
    segment = pd.Series({1: "B2B", 2: "B2C", 3: "B2C"})
    rates = crm.offer_hit_rates(tx, "2024-02-01", segment=segment)
    assert rates.loc["own_history", "hits"] == 2
    assert rates.loc["one_for_all", "hits"] == 1
    assert rates.loc["by_segment", "hit_rate"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="cut-off"):
        crm.offer_hit_rates(tx, "2025-01-01")


def test_next_best_offer_breaks_ties_by_popularity_and_needs_segments_for_by_segment():
    # customer 9 bought premium once and basics once; basics is more popular overall -> basics
    tx = pd.DataFrame({"customer_id": [9, 9, 1, 1], "category": ["premium", "basics", "basics", "basics"]})
    assert crm.next_best_offer(tx).loc[9] == "basics"
    with pytest.raises(ValueError, match="segment"):
        crm.next_best_offer(tx, strategy="by_segment")


def test_npv_and_payback_worked_examples():
    # -100 + 60/1.1 + 60/1.21 = -100 + 54.545 + 49.587 = 4.132
    assert crm.npv([-100.0, 60.0, 60.0], 0.10) == pytest.approx(4.1322, abs=1e-4)
    # cumulative -100, -60, -20, +20: pays back 20/40 of the way through year 3 -> 2.5
    assert crm.payback_years([-100.0, 40.0, 40.0, 40.0]) == 2.5
    assert crm.payback_years([-100.0, 10.0]) == float("inf")
    assert crm.payback_years([5.0, 1.0]) == 0.0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=8))
def test_npv_at_zero_discount_is_the_sum_and_falls_with_the_rate_for_positive_later_flows(flows):
    assert crm.npv(flows, 0.0) == pytest.approx(sum(flows), abs=1e-6)
    later = [-abs(flows[0])] + [abs(f) for f in flows[1:]]
    assert crm.npv(later, 0.2) <= crm.npv(later, 0.05) + 1e-6


def test_business_case_cash_flows_sign_costs_and_refuse_negative_entries():
    case = crm.crm_business_case(1_000_000.0)
    flows = crm.project_cash_flows(case)
    # year 0 costs: 2+3+1.5+6+0+2.5+1.5+2+1+2.5 = 22 % of the margin; benefits 0.5 %
    assert flows.loc[0, "costs"] == pytest.approx(220_000.0)
    assert flows.loc[0, "net"] == pytest.approx(-215_000.0)
    assert set(case["item"]) >= set(crm.COST_KINDS)
    case.loc[0, "year_0"] = -5.0
    with pytest.raises(ValueError, match="year_0"):
        crm.project_cash_flows(case)


def test_rfm_segment_value_shares_add_up(company):
    scores = crm.rfm_scores(rfm_summary(company.transactions))
    ranking = crm.customer_value_ranking(company.transactions)
    table = crm.rfm_segment_value(scores, ranking.set_index("customer_id")["margin"])
    assert table["customers"].sum() == len(scores)
    assert table["share_of_customers"].sum() == pytest.approx(1.0)
    assert table["share_of_margin"].sum() == pytest.approx(1.0)


def test_customer_profile_agrees_with_the_tables(company):
    buyer = int(company.transactions["customer_id"].value_counts().idxmax())
    view = crm.customer_profile(company, buyer)
    own = company.transactions[company.transactions["customer_id"] == buyer]
    assert view["consumption"]["purchases"] == len(own)
    assert view["value"]["margin"] == pytest.approx((own["amount"] - own["cost"]).sum())
    assert view["value"]["rank"] >= 1
    assert len(view["interactions"]) == (company.interactions["customer_id"] == buyer).sum()
    assert view["promotions"].sum() == len(own)
    with pytest.raises(ValueError, match="no customer"):
        crm.customer_profile(company, -1)


def _render_ms(make):
    started = time.perf_counter()
    result = make()
    result.figure.savefig(io.BytesIO(), format="png")
    matplotlib.pyplot.close(result.figure)
    return result, (time.perf_counter() - started) * 1000


def test_rfm_cutoff_scenario_returns_segment_table_and_two_bar_panels(company):
    summary = rfm_summary(company.transactions)
    margin = crm.customer_value_ranking(company.transactions).set_index("customer_id")["margin"]
    narrow, ms_narrow = _render_ms(
        lambda: crm_widgets.rfm_cutoffs_scenario(summary, margin, top_share_r=0.1, top_share_f=0.1)
    )
    wide, ms_wide = _render_ms(
        lambda: crm_widgets.rfm_cutoffs_scenario(summary, margin, top_share_r=0.4, top_share_f=0.4)
    )
    # fewer customers in the top scores -> fewer champions
    assert narrow.data.loc["champions", "customers"] < wide.data.loc["champions", "customers"]
    assert narrow.data["customers"].sum() == len(summary)
    fig = crm_widgets.rfm_cutoffs_scenario(summary, margin).figure
    assert len(fig.axes) == 2 and all(len(ax.patches) == len(narrow.data) for ax in fig.axes)
    matplotlib.pyplot.close(fig)
    print(f"rfm_cutoffs_scenario: {ms_narrow:.0f} ms, {ms_wide:.0f} ms")


def test_customer_view_scenario_shows_the_profile_and_a_timeline(company):
    buyer = int(company.transactions["customer_id"].value_counts().idxmax())
    ranking = crm.customer_value_ranking(company.transactions)
    scores = crm.rfm_scores(company.transactions, observation_end=company.observation_end)
    result, ms = _render_ms(lambda: crm_widgets.customer_view_scenario(company, buyer, ranking=ranking, scores=scores))
    assert result.data["identity"]["customer_id"] == buyer
    assert len(result.figure.axes) == 3
    purchases_axis = result.figure.axes[1]
    assert sum(len(c.get_offsets()) for c in purchases_axis.collections) == result.data["consumption"]["purchases"]
    print(f"customer_view_scenario: {ms:.0f} ms")


def test_cutoffs_for_top_share():
    assert crm_widgets.cutoffs_for_top_share(0.2) == [0.2, 0.4, 0.6, 0.8]
    with pytest.raises(ValueError):
        crm_widgets.cutoffs_for_top_share(1.0)


def test_holdout_hit_rate_agrees_with_offer_hit_rates_and_counts_missing_offers_as_misses(company):
    cutoff = company.observation_end - pd.DateOffset(months=6)
    segment = company.customers.set_index("customer_id")["segment"]
    table = crm.offer_hit_rates(company.transactions, cutoff, segment=segment)
    before = company.transactions[company.transactions["date"] <= cutoff]
    for strategy in crm.STRATEGIES:
        offer = crm.next_best_offer(before, strategy=strategy, segment=segment)
        assert crm.holdout_hit_rate(company.transactions, cutoff, offer) == pytest.approx(
            table.loc[strategy, "hit_rate"]
        )
    assert crm.holdout_hit_rate(company.transactions, cutoff, pd.Series(dtype=object)) == 0.0


def test_true_tastes_are_read_from_the_truth_one_row_per_customer(company):
    tastes = crm.true_category_tastes(company.truth)
    if tastes is None:  # a generator without individual tastes
        pytest.skip("this company's truth holds no tastes")
    assert np.allclose(tastes.sum(axis=1), 1.0, atol=1e-3)
    assert set(tastes.index) == set(company.customers["customer_id"])
