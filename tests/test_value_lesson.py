"""Lesson 06 pieces beyond the profitability model: recency states and holdout checks (helpers.value),
the charts, the two what-if widgets and the exercise bank's recognised mistakes."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers.checks import Outcome
from helpers.exercises import customer_value
from helpers.plots import PALETTES
from helpers.plots import profitability as profitability_plots
from helpers.plots import value as value_plots
from helpers.profitability import customer_profitability, profit_curve, pyramid_tier, tier_migration, tier_summary
from helpers.value import bgnbd_expected_purchases, calibration_holdout, clv, holdout_comparison, recency_states
from helpers.widgets.profitability import pyramid_scenario, pyramid_widget
from helpers.widgets.value import clv_scenario, clv_widget


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def company(make_company):
    return make_company(n_customers=400, seed=3, months=24)


def dates(*days):
    return pd.to_datetime(list(days))


# --------------------------------------------------------------------------- recency states


def test_recency_states_worked_example_with_the_last_state_collecting_the_silent():
    sales = pd.DataFrame(
        {
            "customer_id": [1, 1, 2],
            "amount": [50.0, 30.0, 20.0],
            "cost": [30.0, 20.0, 10.0],
            "date": dates("2024-01-05", "2024-03-09", "2024-01-20"),
        }
    )
    table = recency_states(sales, "2024-05-31", states=2)
    # Months Jan–May. Customer 1: Jan state 1 → Feb no purchase (state 2) → Mar bought (margin 10)
    # → Apr no (state 2) → May no (stays in 2). Customer 2: Jan state 1 → Feb no → Mar, Apr, May no.
    # State 1 starts: cust 1 Jan, Mar; cust 2 Jan = 3, none followed by a purchase.
    # State 2 starts: cust 1 Feb, Apr; cust 2 Feb, Mar, Apr = 5, one followed by a purchase (margin 10).
    assert table["customer_months"].tolist() == [3, 5]
    assert table["bought_next_month"].tolist() == [0, 1]
    assert table["purchase_probability"].tolist() == pytest.approx([0.0, 0.2])
    assert np.isnan(table.loc[1, "margin_next_month"]) and table.loc[2, "margin_next_month"] == 10.0


def test_recency_states_ignores_an_incomplete_last_month():
    sales = pd.DataFrame(
        {"customer_id": [1, 1], "amount": [5.0, 5.0], "cost": [1.0, 1.0], "date": dates("2024-01-05", "2024-02-03")}
    )
    # The data end on 10 February: February is incomplete, so January has no next month.
    assert recency_states(sales, "2024-02-10", states=3)["customer_months"].sum() == 0
    assert recency_states(sales, "2024-02-29", states=3)["bought_next_month"].tolist() == [1, 0, 0]


def test_recency_states_match_a_customer_by_customer_count(company):
    table = recency_states(company.transactions, company.observation_end, states=6)
    months = company.transactions["date"].dt.to_period("M")
    last = company.observation_end.to_period("M")
    counts, buys = np.zeros(6, dtype=int), np.zeros(6, dtype=int)
    for _, bought in months.groupby(company.transactions["customer_id"]):
        bought_months = set(bought)
        month, recency = min(bought_months), 0
        while month < last:
            recency = 1 if month in bought_months else min(recency + 1, 6)
            counts[recency - 1] += 1
            buys[recency - 1] += (month + 1) in bought_months
            month += 1
    assert table["customer_months"].tolist() == counts.tolist()
    assert table["bought_next_month"].tolist() == buys.tolist()


@pytest.mark.parametrize("states", [1, 2.5, True])
def test_recency_states_refuses_a_bad_number_of_states(states):
    sales = pd.DataFrame({"customer_id": [1], "amount": [5.0], "cost": [1.0], "date": dates("2024-01-05")})
    with pytest.raises(ValueError, match="states"):
        recency_states(sales, states=states)


def test_recency_states_names_bad_amounts():
    sales = pd.DataFrame({"customer_id": [1], "amount": ["lots"], "cost": [1.0], "date": dates("2024-01-05")})
    with pytest.raises(ValueError, match="transactions.amount"):
        recency_states(sales)


# --------------------------------------------------------------------------- calibration and holdout


def test_calibration_holdout_counts_purchase_days_after_the_calibration():
    sales = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 1, 2, 3],
            "date": [
                pd.Timestamp(day)
                for day in (
                    "2024-01-01",
                    "2024-01-15",
                    "2024-02-10 09:00",
                    "2024-02-10 17:00",
                    "2024-01-20",
                    "2024-02-05",
                )
            ],
            "amount": [10.0, 20.0, 5.0, 4.0, 8.0, 9.0],
        }
    )
    table = calibration_holdout(sales, "2024-01-31", "2024-02-28", time_unit="D")
    # Customer 3 first bought in the holdout: not in the calibration summary. Customer 1 bought
    # twice on 10 February: one purchase day.
    assert table.index.tolist() == [1, 2]
    assert table["holdout_purchases"].tolist() == [1, 0]
    assert table["holdout_length"].tolist() == [28.0, 28.0]
    assert table.loc[1, ["frequency", "recency", "T"]].tolist() == [1, 14.0, 30.0]
    with pytest.raises(ValueError, match="after calibration_end"):
        calibration_holdout(sales, "2024-02-28", "2024-01-31")


def test_holdout_comparison_groups_and_averages(company):
    end = company.observation_end
    table = calibration_holdout(company.transactions, end - pd.DateOffset(months=6), end)
    params = {"r": 1.0, "alpha": 5.0, "a": 0.5, "b": 2.0}
    comparison = holdout_comparison(params, table, max_frequency=3)
    assert comparison.index.tolist() == ["0", "1", "2", "3+"]
    assert comparison["customers"].sum() == len(table)
    expected = bgnbd_expected_purchases(params, table["holdout_length"].iloc[0], table)
    heavy = table["frequency"] >= 3
    assert comparison.loc["3+", "predicted"] == pytest.approx(expected[heavy].mean())
    assert comparison.loc["0", "actual"] == pytest.approx(
        table.loc[table["frequency"] == 0, "holdout_purchases"].mean()
    )
    with pytest.raises(ValueError, match="holdout_length"):
        holdout_comparison(params, table.assign(holdout_length=np.arange(len(table), dtype=float)))


# --------------------------------------------------------------------------- charts


def hex_colours(patches):
    return [matplotlib.colors.to_hex(p.get_facecolor()).upper() for p in patches]


@pytest.fixture(scope="module")
def profit(company):
    return customer_profitability(
        company.customers,
        company.transactions,
        company.interactions,
        company.bonds,
        company.observation_end,
        churn=company.churn,
    )


def test_pyramid_chart_colours_tiers_and_labels_sizes(profit):
    summary = tier_summary(pyramid_tier(profit["profit"]), profit["profit"])
    fig = profitability_plots.pyramid_chart(summary)
    left = fig.axes[0]
    assert hex_colours(left.patches) == [PALETTES["tier"][t] for t in ("lead", "iron", "gold", "platinum")]
    ticks = [t.get_text() for t in left.get_yticklabels()]
    assert (
        ticks[-1].startswith("Platinum (platino)")
        and f"{summary.loc['platinum', 'customers']:,} customers" in ticks[-1]
    )


def test_whale_curve_marks_the_top_fifth_and_the_losing_customers():
    curve = profit_curve(pd.Series([50.0, 30.0, 10.0, 10.0, -10.0]))
    ax = profitability_plots.whale_curve_chart(curve).axes[0]
    texts = " ".join(t.get_text() for t in ax.texts)
    # Top 20 % = the first customer: 50 of 90; peak 100/90 = 111 %; one customer in five loses money.
    assert "top 20% bring 56%" in texts and "peak 111%" in texts and "(20%)" in texts


def test_connectors_chart_stacks_losses_below_zero():
    table = pd.DataFrame(
        {
            "acquisition_cost": [-50.0, 0.0],
            "base_profit": [0.0, 100.0],
            "repeat_sales": [0.0, 20.0],
            "cross_selling": [0.0, 0.0],
            "referrals": [0.0, 5.0],
            "price_sensitivity": [0.0, -3.0],
            "cost_savings": [0.0, -7.0],
            "profit": [-50.0, 115.0],
        },
        index=pd.Index([0, 1], name="tenure_year"),
    )
    ax = profitability_plots.connectors_chart(table).axes[0]
    bars = [p for p in ax.patches if p.get_height() != 0 and abs(p.get_x() + p.get_width() / 2 - 1) < 0.5]
    tops = sorted((p.get_y(), p.get_y() + p.get_height()) for p in bars)
    # Year 1: price −3 from 0 to −3, cost savings −7 from −3 to −10; base 0–100, repeat 100–120, referrals 120–125.
    assert tops == [(-3.0, -10.0), (0.0, -3.0), (0.0, 100.0), (100.0, 120.0), (120.0, 125.0)]
    assert "net 115" in [t.get_text() for t in ax.texts]


def test_migration_chart_prints_every_share_and_the_row_sizes():
    before = pd.Series(["platinum", "gold", "lead"], index=[1, 2, 3])
    after = pd.Series(["gold", "gold", "iron"], index=[1, 2, 4])
    fig = profitability_plots.migration_chart(
        tier_migration(before, after, normalize=True), counts=tier_migration(before, after).sum(axis=1)
    )
    ax = fig.axes[0]
    # Rows platinum, gold, lead and new have customers (4 × 5 shares); iron has none (NaN, not printed).
    assert len(ax.texts) == 20
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Platinum (1)"


def test_lost_customer_and_holdout_and_truth_charts_draw_their_values():
    lost = pd.Series(
        {
            "one_year_profit": 700.0,
            "future_profit": 2000.0,
            "replacement_acquisition_cost": 60.0,
            "replacement_future_profit": 1500.0,
            "cost_if_replaced": 560.0,
        }
    )
    ax = profitability_plots.lost_customer_chart(lost).axes[0]
    assert sorted(p.get_width() for p in ax.patches) == [560.0, 700.0, 2000.0]
    comparison = pd.DataFrame({"customers": [5, 3], "actual": [1.0, 2.5], "predicted": [1.2, 2.0]}, index=["0", "1+"])
    ax = value_plots.holdout_chart(comparison).axes[0]
    assert [p.get_height() for p in ax.patches] == [1.0, 2.5, 1.2, 2.0]
    check = pd.DataFrame(
        {"probability_alive": [0.1, 0.9], "truly_active": [0.05, 0.8], "customers": [10, 20]}, index=["low", "high"]
    )
    assert [t.get_text() for t in value_plots.truth_alive_chart(check).axes[0].get_xticklabels()] == [
        "low\n(10)",
        "high\n(20)",
    ]


def test_recency_chart_labels_the_last_state_as_open_ended():
    states = pd.DataFrame({"purchase_probability": [0.6, 0.3, 0.1]}, index=pd.Index([1, 2, 3], name="recency"))
    fig = value_plots.recency_chart(states, pd.Series([900.0, 500.0, 100.0], index=states.index))
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["1", "2", "3+"]


# --------------------------------------------------------------------------- widgets


def test_clv_scenario_worked_example_for_the_three_timings():
    result = clv_scenario(100, 0.8, 0.1, timing="end_retained", years=3)
    # m r / (1 + d − r) = 80 / 0.3; m / 0.3; m (1.1) / 0.3.
    assert result.data["clv_by_timing"] == pytest.approx({"start": 1100 / 3, "end": 1000 / 3, "end_retained": 800 / 3})
    assert result.data["margin_multiple"] == pytest.approx(8 / 3)
    # Flows: 100 × 0.8 / 1.1, 100 × 0.64 / 1.21, 100 × 0.512 / 1.331.
    flows = result.data["flows"]
    assert flows.index.tolist() == [1, 2, 3]
    assert flows["discounted_margin"].tolist() == pytest.approx([80 / 1.1, 64 / 1.21, 51.2 / 1.331])
    assert flows["cumulative"].iloc[-1] == pytest.approx(clv(100, 0.8, 0.1, horizon=3))
    assert result.data["share_shown"] == pytest.approx(flows["cumulative"].iloc[-1] / (800 / 3))
    start = clv_scenario(100, 0.8, 0.1, timing="start", years=2)
    assert start.data["flows"].index.tolist() == [0, 1]
    assert start.data["flows"]["discounted_margin"].tolist() == pytest.approx([100.0, 80 / 1.1])
    ax = start.figure.axes[0]
    assert "CLV 367" in (ax.get_title(loc="left") or ax.get_title())


def test_clv_scenario_refuses_an_unknown_timing():
    with pytest.raises(ValueError, match="timing"):
        clv_scenario(100, 0.8, 0.1, timing="middle")


def test_pyramid_scenario_repairs_cut_offs_and_summarises(profit):
    result = pyramid_scenario(profit["profit"], platinum=0.3, gold=0.1, lead_below=20.0)
    assert result.data.attrs["cut_offs"] == {"platinum": 0.3, "gold": 0.3, "lead_below": 20.0}
    expected = tier_summary(pyramid_tier(profit["profit"], platinum=0.3, gold=0.3, lead_below=20.0), profit["profit"])
    pd.testing.assert_frame_equal(result.data, expected, check_flags=False)
    assert result.data.loc["gold", "customers"] == 0
    assert "top 30%" in result.figure._suptitle.get_text()


def test_widgets_redraw_with_the_slider_values(profit):
    box = clv_widget(margin=400.0, retention=0.7, discount_rate=0.1)
    controls = box.children[0].children
    controls[1].value = 0.9
    assert box.redraw().data["clv"] == pytest.approx(clv(400.0, 0.9, 0.1))
    box = pyramid_widget(profit["profit"])
    box.children[0].children[0].value = 0.1
    assert box.redraw().data.attrs["cut_offs"]["platinum"] == 0.1


# --------------------------------------------------------------------------- exercise bank


def bound_question(variable):
    return next(q for q in customer_value.QUESTIONS if q.variable == variable)


def test_exercise_mistakes_are_recognised(company, profit):
    losers = bound_question("n_net_losers")
    assert "`net_profit`" in losers.evaluate(int((profit["profit"] < 0).sum()), company).message
    every = customer_profitability(
        company.customers, company.transactions, company.interactions, company.bonds, company.observation_end
    )
    assert "churn=company.churn" in losers.evaluate(int((every["net_profit"] < 0).sum()), company).message
    timing = bound_question("clv_average")
    verdict = timing.evaluate(clv(profit["profit"].mean(), 0.75, 0.10, timing="start"), company)
    assert verdict.outcome is Outcome.INCORRECT and "'start' timing" in verdict.message
    silent = bound_question("p_silent_two_more_months")
    p = recency_states(company.transactions, company.observation_end)["purchase_probability"]
    assert "p₃ twice" in silent.evaluate((1 - p.loc[3]) ** 2, company).message
    assert silent.evaluate((1 - p.loc[3]) * (1 - p.loc[4]), company).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    "variable", ["connector_for_effect", "tier_action", "lost_customer_reason", "higher_base_value"]
)
def test_conceptual_questions_explain_every_wrong_option(company, variable):
    question = bound_question(variable)
    right = question.expected(company)
    for option in question.choices:
        verdict = question.evaluate(option, company)
        if option == right:
            assert verdict.outcome is Outcome.CORRECT
        else:
            assert verdict.outcome is Outcome.INCORRECT
            assert "not the one the data supports" not in verdict.message, f"{option}: no explanation of its own"


def test_exercise_choice_lists_only_connectors_that_move_with_tenure():
    question = bound_question("weakest_connector")
    assert set(question.choices) == {"repeat_sales", "cross_selling", "referrals", "price_sensitivity", "cost_savings"}
