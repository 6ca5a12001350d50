"""Lesson 08 helpers: the loyalty plan, its projection against doing nothing, its charts and its widget.

Worked examples use a six-customer base whose numbers are computed by hand in the comments.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import bonds, bucket, loyalty, plan, relationships, satisfaction
from helpers.bonds import LEVELS, programme_return
from helpers.bucket import BucketCalibration, simulate
from helpers.plots import plan as plan_plots
from helpers.profitability import customer_profitability, pyramid_tier
from helpers.synthetic import default_params, generate
from helpers.widgets import Scenario
from helpers.widgets.plan import PlanInputs, choices_to_plan, plan_scenario, plan_widget


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def assumptions(**actions) -> plan.PlanAssumptions:
    """Round numbers: packages ×0.8, ×0.4, ×0.2, ×0.1 against no bond, costing 2, 8, 20, 50 a month;
    churn by satisfaction 3, 2, 1.5, 1, 0.25 times a 4's; NPS by level −100, −90, −60, 0, 80."""
    return plan.PlanAssumptions(
        bond_churn=pd.Series([1.0, 0.8, 0.4, 0.2, 0.1], index=LEVELS),
        bond_cost=pd.Series([0.0, 2.0, 8.0, 20.0, 50.0], index=LEVELS),
        satisfaction_churn=pd.Series([3.0, 2.0, 1.5, 1.0, 0.25], index=range(1, 6)),
        nps_by_level=pd.Series([-100.0, -90.0, -60.0, 0.0, 80.0], index=range(1, 6)),
        actions=plan.action_catalogue(**actions),
    )


def tiny_base() -> pd.DataFrame:
    """Six customers: an apostle, three mercenaries (gold, iron, lead), a hostage and one never surveyed."""
    return pd.DataFrame(
        {
            "segment": ["apostle", "mercenary", "mercenary", "mercenary", "hostage", "not surveyed"],
            "tier": ["platinum", "gold", "iron", "lead", "gold", "gold"],
            "satisfaction": [5.0, 4.0, 4.0, 4.0, 2.0, np.nan],
            "recommend": [10.0, 8.0, 7.0, 6.0, 3.0, np.nan],
            "bond_level": [1, 0, 0, 0, 2, 0],
            "repurchase": [1.0, 0.2, 0.2, 0.2, 1.0, 0.5],
            "tenure": [1.0, 0.2, 0.2, 0.2, 1.0, 0.5],
            "bonds": [0.25, 0.0, 0.0, 0.0, 0.5, 0.0],
            "intention": [1.0, 0.2, 0.2, 0.2, 0.5, np.nan],
            "profit_per_month": [100.0, 50.0, 20.0, -5.0, 40.0, 60.0],
            "monthly_churn": [0.01, 0.03, 0.03, 0.03, 0.02, 0.04],
            "stage": ["partner", "acquaintance", "stranger", "stranger", "friend", "stranger"],
        },
        index=pd.Index([1, 2, 3, 4, 5, 6], name="customer_id"),
    )


def worked_plan(**budgets) -> pd.DataFrame:
    rows = {
        "apostle": ("social bond", 100.0),
        "mercenary": ("social bond", 10.0),
        "hostage": ("service recovery", 100.0),
        "not surveyed": ("service recovery", 100.0),
    }
    rows.update({k: (rows[k][0], v) for k, v in budgets.items()})
    return pd.DataFrame.from_dict(rows, orient="index", columns=["action", "budget_per_month"])


# --------------------------------------------------------------------------- the frame of the plan


def test_the_frame_tables_follow_the_class_notes():
    assert plan.planning_phases()["phase"].tolist() == [
        "commercial analysis",
        "loyalty objectives",
        "customer-oriented strategy",
        "organization-oriented strategy",
        "scope",
    ]
    assert plan.customer_benefits()["benefit"].tolist() == [
        "easy buying",
        "control of spending",
        "guaranteed satisfaction",
        "personal service",
        "no risk",
        "switching costs",
    ]
    assert plan.loyalty_steps()["step"].tolist() == [1, 2, 3, 4, 5]
    assert plan.loyalty_steps()["Spanish"].iloc[0] == "calidad personal e inteligencia emocional"
    kpis = set(plan.loyalty_objectives()["kpi"])
    # every projected KPI an objective names is one plan_kpis or project_plan computes
    assert {
        "retention_12m",
        "retention_12m_top_tiers",
        "nps",
        "apostle_share",
        "customer_equity",
        "profit_3_years",
    } <= kpis


# --------------------------------------------------------------------------- the base


def test_with_loyalty_type_gives_unsurveyed_customers_their_own_segment():
    table = pd.DataFrame(
        {
            "satisfaction": [5.0, 1.0, np.nan],
            "repurchase": [1.0, 0.0, 1.0],
            "tenure": [1.0, 0.0, 1.0],
            "bonds": [1.0, 0.0, 1.0],
            "intention": [1.0, 0.0, np.nan],
        }
    )
    assert plan.with_loyalty_type(table).tolist() == ["apostle", "terrorist", "not surveyed"]


def test_portfolio_counts_every_cell_and_refuses_unknown_tiers():
    segments = pd.Series(["apostle", "apostle", "mercenary"])
    table = plan.portfolio(segments, pd.Series(["gold", "gold", "lead"]), pd.Series([100.0, 50.0, -30.0]))
    assert len(table) == len(plan.PLAN_SEGMENTS) * len(plan.TIERS)
    cell = table.set_index(["segment", "tier"])
    # 150 of a total 120 of value: a share of 1.25, the lead mercenary −0.25
    assert cell.loc[("apostle", "gold"), ["customers", "value", "value_share"]].tolist() == [2, 150.0, 1.25]
    assert cell.loc[("mercenary", "lead"), "value_share"] == pytest.approx(-0.25)
    with pytest.raises(ValueError, match=r"tiers\.tier: 1 row\(s\) are not one of"):
        plan.portfolio(segments, pd.Series(["gold", "gold", "diamond"], name="tier"), pd.Series([1.0, 2, 3]))


def test_segment_churn_worked_example():
    # Segment a: 4 customers on 2024-01-01, one lost in March: retention 3/4 over 366 days = 12.02 months,
    # h = 1 − 0.75^(1/12.02) = 0.02365. Segment b keeps its customer: h = 0. A loss after end does not count.
    segments = pd.Series(["a", "a", "a", "a", "b"], index=[1, 2, 3, 4, 5], name="segment")
    lost = pd.DataFrame({"customer_id": [2, 5], "date": pd.to_datetime(["2024-03-10", "2025-02-01"])})
    table = plan.segment_churn(segments, lost, "2024-01-01", "2025-01-01")
    assert table.loc["a", ["customers", "lost"]].tolist() == [4, 1]
    assert table.loc["a", "monthly_churn"] == pytest.approx(1 - 0.75 ** (30.4375 / 366), rel=1e-9)
    assert table.loc["b", "monthly_churn"] == 0.0
    with pytest.raises(ValueError, match="already lost"):
        plan.segment_churn(segments, lost, "2024-06-01", "2025-01-01")


def test_plan_base_divides_profit_by_the_months_a_newcomer_was_there_and_refuses_gaps():
    components = pd.DataFrame(
        {
            "satisfaction": [5.0, np.nan],
            "recommend": [9.0, np.nan],
            "bonds_held": [2, 0],
            "tenure_months": [30.0, 3.0],
            "repurchase": [1.0, 1.0],
            "tenure": [1.0, 0.125],
            "bonds": [0.5, 0.0],
            "intention": [1.0, np.nan],
        },
        index=[1, 2],
    )
    segments = pd.Series(["apostle", "not surveyed"], index=[1, 2])
    tiers = pd.Series(["gold", "iron"], index=[1, 2])
    profit = pd.Series([240.0, 60.0], index=[1, 2])
    base = plan.plan_base(components, segments, tiers, profit, pd.Series({"apostle": 0.01, "not surveyed": 0.03}))
    # 240 over 12 months = 20 a month; 60 over the 3 months the newcomer was there = 20 a month
    assert base["profit_per_month"].tolist() == [20.0, 20.0]
    assert base["monthly_churn"].tolist() == [0.01, 0.03]
    with pytest.raises(ValueError, match="not surveyed"):
        plan.plan_base(components, segments, tiers, profit, pd.Series({"apostle": 0.01}))
    with pytest.raises(ValueError, match="tiers has no value for 1 customer"):
        plan.plan_base(components, segments, tiers.iloc[:1], profit, pd.Series({"apostle": 0.01, "not surveyed": 0.0}))
    with pytest.raises(ValueError, match="stages has no stage"):
        plan.plan_base(
            components,
            segments,
            tiers,
            profit,
            pd.Series({"apostle": 0.01, "not surveyed": 0.0}),
            stages=pd.Series(["friend"], index=[1]),
        )


# --------------------------------------------------------------------------- assumptions


def effects_table(estimates, lowers):
    return pd.DataFrame(
        {
            "level": ["financial", "social", "customization", "structural"],
            "method": "m",
            "estimate": estimates,
            "lower": lowers,
        }
    )


def test_measured_assumptions_never_assume_an_unmeasured_level_ends_churn():
    curve = pd.DataFrame({"churn_vs_reference": [3.0, 2.0, np.nan, 1.0, 0.3]}, index=range(1, 6))
    levels = pd.DataFrame({"nps": [-100.0, -90, -80, -10, 70]}, index=range(1, 6))
    costs = {"financial": 2, "social": 6, "customization": 12, "structural": 30}
    # structural: no member left (estimate 0, no interval); social: no estimate at all
    a = plan.measured_assumptions(
        effects_table([0.6, np.nan, 0.3, 0.0], [0.5, np.nan, 0.2, np.nan]), "m", costs, curve, levels
    )
    assert a.bond_churn.tolist() == [1.0, 0.6, 0.6, 0.3, 0.3]
    assert a.bond_cost.tolist() == [0.0, 2.0, 8.0, 20.0, 50.0]
    assert a.satisfaction_churn.tolist() == [3.0, 2.0, 1.0, 1.0, 0.3]  # level 3 had no answers: takes level 4's
    with pytest.raises(ValueError, match="method 'naive'"):
        plan.measured_assumptions(effects_table([0.6] * 4, [0.5] * 4), "naive", costs, curve, levels)


def test_true_assumptions_read_the_simulation_and_assumed_effects_list_every_move():
    params = default_params()
    truth = plan.true_assumptions(params, assumptions())
    factor, cost = params["bond_churn_factor"], params["bond_cost_per_month"]
    by_level = params["satisfaction_churn_factor"]
    # packages are cumulative: the social package holds the financial and the social bond
    assert truth.bond_churn["social"] == pytest.approx(factor["financial"] * factor["social"])
    assert truth.bond_cost["customization"] == pytest.approx(cost["financial"] + cost["social"] + cost["customization"])
    effects = plan.assumed_effects(truth)
    # 3 → 4: level 4's factor over level 3's; 4 → 5: level 5's over level 4's
    assert effects["satisfaction 3 → 4"] == pytest.approx(by_level["4"] / by_level["3"])
    assert effects["satisfaction 4 → 5"] == pytest.approx(by_level["5"] / by_level["4"])
    assert truth.nps_by_level.equals(assumptions().nps_by_level)


# --------------------------------------------------------------------------- reach


def test_reach_worked_example():
    reached = plan.reach(tiny_base(), worked_plan(), assumptions(), lowest_tier="iron")
    # Apostle 1 holds the financial bond: the social package costs 8 − 2 = 6 more, churn × 0.4 / 0.8 = 0.5.
    assert reached.loc[1, ["reached", "cost_per_month", "churn_multiplier_if_works", "bond_level_after"]].tolist() == [
        True,
        6.0,
        0.5,
        2,
    ]
    # Mercenaries 2 (gold, 50 a month) and 3 (iron, 20) cost 8 each; 10 a month buys only the more profitable one.
    # Mercenary 4 is lead, below the iron floor: not eligible.
    assert reached.loc[[2, 3, 4], "eligible"].tolist() == [True, True, False]
    assert reached.loc[[2, 3, 4], "reached"].tolist() == [True, False, False]
    assert reached.loc[2, "churn_multiplier_if_works"] == pytest.approx(0.4)
    # Hostage 5 answered 2: recovery takes them to 4 if it works (half the time), churn × 1 / 2, for 5 a month.
    assert reached.loc[5, ["works", "churn_multiplier_if_works", "satisfaction_after", "cost_per_month"]].tolist() == [
        0.5,
        0.5,
        4.0,
        5.0,
    ]
    # Nobody knows how satisfied customer 6 is: a satisfaction action cannot target them.
    assert not reached.loc[6, "eligible"]
    assert reached["cost_per_month"].sum() == pytest.approx(6 + 8 + 5)


def test_reach_refuses_unknown_actions_negative_budgets_and_unknown_tiers():
    base, a = tiny_base(), assumptions()
    with pytest.raises(ValueError, match=r"unknown action\(s\) \['free lunch'\]"):
        plan.reach(base, pd.DataFrame({"action": ["free lunch"], "budget_per_month": [1.0]}, index=["apostle"]), a)
    with pytest.raises(ValueError, match=r"plan\.budget_per_month: 1 row\(s\) are not budgets"):
        plan.reach(base, worked_plan(apostle=-5.0), a)
    with pytest.raises(ValueError, match="lowest_tier must be one of"):
        plan.reach(base, worked_plan(), a, lowest_tier="diamond")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 40), min_size=2, max_size=2), st.floats(0, 40))
def test_reach_stays_within_each_budget_and_more_money_never_reaches_fewer(budgets, extra):
    base = pd.concat([tiny_base()] * 3, ignore_index=True)
    base.index.name = "customer_id"
    base["profit_per_month"] = np.arange(len(base), dtype=float) * 7 % 50
    a = assumptions()
    small = plan.reach(base, worked_plan(mercenary=budgets[0], apostle=budgets[1]), a)
    large = plan.reach(base, worked_plan(mercenary=budgets[0] + extra, apostle=budgets[1] + extra), a)
    spent = small.groupby(base["segment"])["cost_per_month"].sum()
    assert spent.get("mercenary", 0) <= budgets[0] + 1e-9 and spent.get("apostle", 0) <= budgets[1] + 1e-9
    assert (large["reached"] | ~small["reached"]).all()


# --------------------------------------------------------------------------- returns and KPIs


def test_action_returns_are_lesson_02s_programme_return_per_customer():
    base, a = tiny_base(), assumptions()
    returns = plan.action_returns(base, a, horizon_months=36).set_index(["segment", "tier", "action"])
    # mercenary 2: churn 0.03, profit 50, social package 8 a month, churn × 0.4
    expected = programme_return(0.03, 50.0, 8.0, 0.4, horizon_months=36)["net_return"]
    assert returns.loc[("mercenary", "gold", "social bond"), "net_return"] == pytest.approx(expected)
    # hostage 5 with recovery: expected multiplier 1 − 0.5 × (1 − 0.5) = 0.75
    assert returns.loc[("hostage", "gold", "service recovery"), "churn_multiplier"] == pytest.approx(0.75)
    best = plan.best_actions(plan.action_returns(base, a)).set_index(["segment", "tier"])
    assert best.loc[("mercenary", "lead"), ["action", "net_return", "eligible"]].tolist() == ["do nothing", 0.0, 0]


def test_plan_kpis_nps_and_apostles_worked_example():
    base, a = tiny_base(), assumptions()
    kpis = plan.plan_kpis(base, plan.reach(base, worked_plan(), a, lowest_tier="iron"), a)
    # Surveyed: 10, 8, 7, 6, 3 → 1 promoter, 2 detractors of 5: NPS −20. The hostage's recovery works half the
    # time and moves them from level 2 (NPS −90) to 4 (NPS 0): + 0.5 × 90 / 5 surveyed = +9 points.
    assert kpis.loc["nps"].tolist() == pytest.approx([-20.0, -11.0])
    # Apostles among the 5 surveyed: customer 1 only; the hostage (tied, index 0.75) becomes one if satisfied.
    assert kpis.loc["apostle_share"].tolist() == pytest.approx([0.2, 0.3])
    assert kpis.loc["customers_reached", "plan"] == 3
    assert kpis.loc["plan_cost_per_month", "plan"] == pytest.approx(19.0)


def test_profit_of_a_bond_only_plan_is_the_sum_of_lesson_02s_returns_and_matches_the_cohort():
    base, a = tiny_base(), assumptions()
    bond_plan = pd.DataFrame(
        {"action": ["social bond", "financial bond"], "budget_per_month": [np.inf, np.inf]},
        index=["apostle", "mercenary"],
    )
    reached = plan.reach(base, bond_plan, a)
    kpis = plan.plan_kpis(base, reached, a, months=36)
    chosen = reached["reached"].to_numpy()
    returns = programme_return(
        base.loc[chosen, "monthly_churn"].to_numpy(),
        base.loc[chosen, "profit_per_month"].to_numpy(),
        reached.loc[chosen, "cost_per_month"].to_numpy(),
        reached.loc[chosen, "churn_multiplier_if_works"].to_numpy(),
        horizon_months=36,
    )
    gain = kpis.loc["profit_3_years", "plan"] - kpis.loc["profit_3_years", "do_nothing"]
    assert gain == pytest.approx(returns["net_return"].sum())
    cohort = plan.cohort_outlook(base, reached, months=36)
    assert cohort["profit_gain"].iloc[-1] == pytest.approx(gain)
    assert cohort["profit_plan"].iloc[-1] == pytest.approx(kpis.loc["profit_3_years", "plan"])


def test_customer_equity_is_the_sum_of_monthly_clvs():
    # One customer, 10 % a year (0.797 % a month): CLV = m r / (1 + d − r), m = 100 − 8 with the plan
    base, a = tiny_base().iloc[[1]], assumptions()
    reached = plan.reach(base, worked_plan(mercenary=np.inf), a)
    kpis = plan.plan_kpis(base, reached, a, annual_discount_rate=0.10)
    d = 1.1 ** (1 / 12) - 1
    assert kpis.loc["customer_equity", "do_nothing"] == pytest.approx(50 * 0.97 / (1 + d - 0.97))
    assert kpis.loc["customer_equity", "plan"] == pytest.approx(42 * 0.988 / (1 + d - 0.988))


# --------------------------------------------------------------------------- bucket, ladder, projection


def calibration() -> BucketCalibration:
    return BucketCalibration(
        12,
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-12-01"),
        1000,
        5000,
        100,
        100,
        50,
        50,
        0.97,
        0.03,
        33.3,
        20,
        3333,
        60,
    )


def test_bucket_outlook_is_lesson_03s_simulate_with_and_without_the_plan():
    out = plan.bucket_outlook(calibration(), churn_reduction=0.2, cost_per_customer=0.5, months=24)
    direct = simulate(
        24,
        initial_customers=1000,
        acquisition_spend=5000,
        cost_per_acquisition=50,
        churn_rate=0.03,
        revenue_per_customer=20,
        churn_reduction=0.2,
        retention_cost_per_customer=0.5,
    )
    assert np.allclose(out["customers_plan"], direct["customers_end"])
    assert np.allclose(out["plan_cost"], direct["retention_cost"])
    same = plan.bucket_outlook(calibration(), churn_reduction=0.0, cost_per_customer=0.0, months=24)
    assert np.allclose(same["customers_plan"], same["customers_do_nothing"])


def ladder():
    return np.array(
        [
            [0.5, 0.3, 0.0, 0.0, 0.2],
            [0.1, 0.6, 0.2, 0.0, 0.1],
            [0.0, 0.1, 0.8, 0.05, 0.05],
            [0.0, 0.0, 0.1, 0.9, 0.0],
            [0.0, 0.0, 0.0, 0.0, 1.0],
        ]
    )


def test_stage_outlook_cuts_each_stages_losses_by_its_own_reduction():
    counts = pd.Series({"stranger": 100, "acquaintance": 100, "friend": 100, "partner": 0})
    out = plan.stage_outlook(counts, ladder(), 0, churn_reduction=pd.Series({"friend": 1.0}), years=1)
    # Only friends keep everyone: 5 of the 100 friends were lost, now 0; strangers and acquaintances as before:
    # lost = 100 × 0.2 + 100 × 0.1 = 30 (doing nothing 35).
    assert out.loc[("plan", 1), "lost"] == pytest.approx(30.0)
    assert out.loc[("do nothing", 1), "lost"] == pytest.approx(35.0)
    uniform = plan.stage_outlook(counts, ladder(), 0, churn_reduction=0.5, years=1)
    adjusted = relationships.adjust_migration(ladder(), churn_factor=0.5)
    direct = relationships.project_stages(counts, adjusted, 1)
    assert np.allclose(uniform.loc["plan"].to_numpy(), direct.to_numpy())
    with pytest.raises(ValueError, match="unknown stage"):
        plan.stage_outlook(counts, ladder(), 0, churn_reduction=pd.Series({"lost": 0.5}))


def context() -> plan.PlanContext:
    return plan.PlanContext(
        calibration(),
        pd.DataFrame(ladder(), index=relationships.STATES, columns=relationships.STATES),
        pd.Series({"stranger": 3, "acquaintance": 1, "friend": 1, "partner": 1}),
        pd.Series({"stranger": 2}),
    )


def test_doing_nothing_projects_exactly_the_baseline():
    nothing = pd.DataFrame({"action": ["do nothing"], "budget_per_month": [np.inf]}, index=["apostle"])
    projection = plan.project_plan(tiny_base(), nothing, assumptions(), context())
    kpis = projection.kpis
    assert np.allclose(kpis["plan"].to_numpy(dtype=float), kpis["do_nothing"].to_numpy(dtype=float), equal_nan=True)
    assert np.allclose(projection.cohort["profit_gain"], 0.0)
    with pytest.raises(ValueError, match="multiple of 12"):
        plan.project_plan(tiny_base(), nothing, assumptions(), context(), months=30)


def test_a_plan_that_keeps_customers_keeps_more_in_every_model():
    projection = plan.project_plan(tiny_base(), worked_plan(mercenary=100.0), assumptions(), context())
    kpis = projection.kpis
    for kpi in ("retention_12m", "customers_3_years", "friends_partners_3_years", "customer_equity"):
        assert kpis.loc[kpi, "plan"] > kpis.loc[kpi, "do_nothing"], kpi
    assert (projection.bucket["customers_plan"] >= projection.bucket["customers_do_nothing"] - 1e-9).all()


def test_targets_worked_example():
    kpis = pd.DataFrame(
        {"do_nothing": [0.76, -4.0, 0.38, 5.0e6, 3.4e6], "plan": [0.78, -3.0, 0.44, 6.0e6, 3.3e6]},
        index=["retention_12m", "nps", "apostle_share", "customer_equity", "profit_3_years"],
    )
    targets = plan.set_targets(kpis)
    assert targets.tolist() == pytest.approx([0.81, 6.0, 0.43, 5.5e6, 3.4e6])
    check = plan.check_targets(kpis, targets)
    assert check["met"].tolist() == [False, False, True, True, False]
    with pytest.raises(ValueError, match="not in kpis"):
        plan.check_targets(kpis, pd.Series({"happiness": 1.0}))


# --------------------------------------------------------------------------- on a whole company


@pytest.fixture(scope="module")
def company_plan():
    """The lesson's pipeline on a small company of another seed."""
    company = generate(n_customers=800, seed=7, months=24)
    end = company.observation_end
    year_before = end - pd.DateOffset(months=12)
    components = loyalty.loyalty_components(
        company.customers, company.transactions, company.surveys, company.bonds, company.churn, end
    )
    segments = plan.with_loyalty_type(components)
    profit = customer_profitability(
        company.customers, company.transactions, company.interactions, company.bonds, end, churn=company.churn
    )["profit"].reindex(segments.index)
    then = loyalty.loyalty_components(
        company.customers, company.transactions, company.surveys, company.bonds, company.churn, year_before
    )
    leak = plan.segment_churn(plan.with_loyalty_type(then), company.churn, year_before, end, prior_customers=10)
    tables = (company.customers, company.transactions, company.surveys, company.bonds, company.churn)
    stages_now = relationships.stages_at(*tables, end)
    base = plan.plan_base(components, segments, pyramid_tier(profit), profit, leak["monthly_churn"], stages=stages_now)
    panel = bonds.customer_months(
        company.customers, company.churn, company.bonds, end, transactions=company.transactions
    )
    effects = bonds.bond_effects(panel, {"best": ["tenure_band", "segment", "recent_purchases"]})
    costs = company.bonds.groupby("level", observed=True)["cost_per_month"].mean().to_dict()
    curve = loyalty.satisfaction_loyalty_curve(
        loyalty.survey_outcomes(company.surveys, company.transactions, company.churn, end)
    )
    measured = plan.measured_assumptions(effects, "best", costs, curve, satisfaction.level_outcomes(company.surveys))
    stages_before = relationships.stages_at(*tables, year_before)
    with warnings.catch_warnings():  # a young company has no partner a year ago: lesson 01 warns about that row
        warnings.simplefilter("ignore", UserWarning)
        transition = relationships.transition_matrix(stages_before, stages_now)
    ctx = plan.PlanContext(
        bucket.calibrate_bucket(
            bucket.bucket_flows(company.customers, company.transactions, company.churn, end), last_periods=12
        ),
        transition,
        relationships.stage_mix(stages_now),
        relationships.newcomers(stages_now, company.customers, year_before, end),
    )
    return company, base, measured, ctx


def test_the_lesson_pipeline_runs_on_another_company(company_plan):
    company, base, measured, ctx = company_plan
    truth = plan.true_assumptions(company.truth.params, measured)
    whole = pd.DataFrame({"action": "social bond", "budget_per_month": 500.0}, index=list(plan.PLAN_SEGMENTS))
    for effects in (measured, truth):
        projection = plan.project_plan(base, whole, effects, ctx, lowest_tier="gold")
        assert np.isfinite(projection.kpis.to_numpy(dtype=float)).all()
        assert projection.kpis.loc["customers_reached", "plan"] > 0
        assert projection.kpis.loc["plan_cost_per_month", "plan"] <= 500.0 * len(plan.PLAN_SEGMENTS)
    best = plan.best_actions(plan.action_returns(base, measured))
    assert set(best["action"]) <= set(measured.actions.index)


# --------------------------------------------------------------------------- charts and widget


def test_the_charts_draw_the_lesson_tables(company_plan):
    _, base, measured, ctx = company_plan
    projection = plan.project_plan(base, worked_plan(), measured, ctx)
    figures = [
        plan_plots.planning_phases_diagram(plan.planning_phases()),
        plan_plots.loyalty_steps_diagram(plan.loyalty_steps()),
        plan_plots.portfolio_chart(plan.portfolio(base["segment"], base["tier"], base["profit_per_month"])),
        plan_plots.best_action_map(
            plan.best_actions(plan.action_returns(base, measured)), segments=plan.PLAN_SEGMENTS, tiers=plan.TIERS
        ),
        plan_plots.projection_chart(projection.cohort, projection.bucket),
        plan_plots.stage_outlook_chart(projection.stages),
        plan_plots.plan_dashboard(projection, plan.set_targets(projection.kpis)),
        plan_plots.effects_chart(pd.DataFrame({"best estimate": plan.assumed_effects(measured)})),
    ]
    for figure in figures:  # the course theme puts titles on the left; other themes in the centre
        title = figure.axes[0].get_title(loc="left") or figure.axes[0].get_title() if figure.axes else ""
        assert title, figure
    table = plan_plots.kpi_table(plan.check_targets(projection.kpis, plan.set_targets(projection.kpis)))
    assert set(table["met"]) <= {"✔", "✘"}


#: Width in px of a notebook's output in JupyterLab on a 1280 px screen with the file browser open.
OUTPUT_WIDTH_PX = 850


def drawn_texts(fig) -> list:
    """The texts matplotlib draws in ``fig``: visible, not empty, and of the tick labels only those in view."""
    from matplotlib.text import Text

    fig.canvas.draw()
    all_ticks, in_view = set(), set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                all_ticks |= {id(tick.label1), id(tick.label2)}
            if ax.axison and axis.get_visible():  # an axis turned off draws no tick label
                in_view |= {id(label) for tick in axis._update_ticks() for label in (tick.label1, tick.label2)}
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and (id(t) not in all_ticks or id(t) in in_view)
    ]


def screen_scale(fig) -> float:
    """How much JupyterLab shrinks ``fig`` (saved as the inline backend does) to fit the output beside the file browser."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    buffer.seek(0)
    return min(1.0, OUTPUT_WIDTH_PX / Image.open(buffer).size[0])


def test_every_text_of_the_lesson_charts_is_12_px_on_screen_and_none_overlaps(company_plan):
    import matplotlib as mpl

    from helpers import plots

    _, base, measured, ctx = company_plan
    with mpl.rc_context():
        plots.use_theme()
        projection = plan.project_plan(base, worked_plan(), measured, ctx)
        effects = pd.DataFrame({"best estimate": plan.assumed_effects(measured)})
        figures = {
            "phases": plan_plots.planning_phases_diagram(plan.planning_phases()),
            "steps": plan_plots.loyalty_steps_diagram(plan.loyalty_steps()),
            "best actions": plan_plots.best_action_map(
                plan.best_actions(plan.action_returns(base, measured)), segments=plan.PLAN_SEGMENTS, tiers=plan.TIERS
            ),
            "projection": plan_plots.projection_chart(projection.cohort, projection.bucket),
            "stages": plan_plots.stage_outlook_chart(projection.stages),
            "portfolio": plan_plots.portfolio_chart(
                plan.portfolio(base["segment"], base["tier"], base["profit_per_month"])
            ),
            "effects": plan_plots.effects_chart(effects),
            "gains": plan_plots.truth_gain_chart(
                pd.DataFrame({"best estimate": [1.2e6, 2.5e5], "truth": [4e5, -7e4]}, index=["equity", "profit"])
            ),
            "dashboard": plan_plots.plan_dashboard(projection, plan.set_targets(projection.kpis)),
        }
        for name, fig in figures.items():
            scale = screen_scale(fig)
            texts = drawn_texts(fig)  # drawn again after savefig: its tight bbox moves the axis labels
            smallest = min(t.get_fontsize() for t in texts) * fig.dpi / 72 * scale
            assert smallest >= 12, (name, smallest)
            renderer = fig.canvas.get_renderer()
            boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
            overlaps = [
                (a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1 :] if box_a.overlaps(box_b)
            ]
            assert not overlaps, (name, overlaps)


def test_plan_scenario_projects_the_chosen_effects_and_the_widget_redraws(company_plan):
    company, base, measured, ctx = company_plan
    truth = plan.true_assumptions(company.truth.params, measured)
    inputs = PlanInputs(base, ctx, {"measured": measured, "truth": truth})
    chosen = dict(mercenary_action="social bond", mercenary_budget=400.0)
    result = plan_scenario(inputs, effects="truth", lowest_tier="iron", **chosen)
    assert isinstance(result, Scenario) and result.figure is not None
    direct = plan.project_plan(base, choices_to_plan(**chosen), truth, ctx, lowest_tier="iron")
    assert result.data.kpis.equals(direct.kpis)
    with pytest.raises(ValueError, match="effects must be one of"):
        plan_scenario(inputs, effects="hope")
    with pytest.raises(ValueError, match="unknown choices"):
        choices_to_plan(vip_action="social bond")
    box = plan_widget(inputs, worked_plan())
    assert len(box.children) == 1 + (2 * len(plan.PLAN_SEGMENTS) + 2 + 1) // 2
    assert box.redraw().data.kpis.loc["customers_reached", "plan"] >= 0


def test_a_level_nobody_ever_held_is_not_offered():
    curve = pd.DataFrame({"churn_vs_reference": [3.0, 2.0, 1.5, 1.0, 0.3]}, index=range(1, 6))
    levels = pd.DataFrame({"nps": [-100.0, -90, -80, -10, 70]}, index=range(1, 6))
    a = plan.measured_assumptions(
        effects_table([0.6, 0.3, np.nan, np.nan], [0.5, 0.2, np.nan, np.nan]),
        "m",
        {"financial": 2, "social": 6, "structural": 30},
        curve,
        levels,
    )
    # customization was never held: neither it nor structural (which needs it) can be offered
    assert a.bond_cost.tolist()[:3] == [0.0, 2.0, 8.0] and a.bond_cost.iloc[3:].isna().all()
    base = tiny_base()
    reached = plan.reach(
        base, pd.DataFrame({"action": ["structural bond"], "budget_per_month": [np.inf]}, index=["mercenary"]), a
    )
    assert not reached["eligible"].any()
    with pytest.raises(ValueError, match="unknown level"):
        plan.measured_assumptions(effects_table([0.6] * 4, [0.5] * 4), "m", {"gold": 1.0}, curve, levels)


def test_segment_churn_shrinks_small_segments_towards_the_overall_retention():
    # a: 4 customers, 1 lost; b: 1 customer kept; c: none. Overall retention R̄ = 4 / 5 = 0.8.
    # With k = 5: a = (3 + 4) / 9, b = (1 + 4) / 6, c = R̄.
    segments = pd.Series(pd.Categorical(["a", "a", "a", "a", "b"], categories=["a", "b", "c"]), index=[1, 2, 3, 4, 5])
    lost = pd.DataFrame({"customer_id": [2], "date": pd.to_datetime(["2024-03-10"])})
    table = plan.segment_churn(segments, lost, "2024-01-01", "2025-01-01", prior_customers=5)
    assert table["retention"].tolist() == pytest.approx([7 / 9, 5 / 6, 0.8])
    assert np.isnan(plan.segment_churn(segments, lost, "2024-01-01", "2025-01-01").loc["c", "retention"])
    with pytest.raises(ValueError, match="prior_customers must be ≥ 0"):
        plan.segment_churn(segments, lost, "2024-01-01", "2025-01-01", prior_customers=-1)


def test_reach_leaves_out_customers_without_a_segment_or_a_tier():
    base = tiny_base()
    base.loc[base.index[1], "segment"] = np.nan  # the gold mercenary: no segment, so no action
    base.loc[base.index[2], "tier"] = np.nan  # the iron mercenary: no tier, so outside any tier floor
    wide = pd.DataFrame(
        {"action": ["financial bond", "social bond"], "budget_per_month": [np.inf, np.inf]},
        index=["mercenary", "not surveyed"],
    )
    reached = plan.reach(base, wide, assumptions())
    assert reached["action"].tolist() == [
        plan.DO_NOTHING,
        plan.DO_NOTHING,
        *["financial bond"] * 2,
        plan.DO_NOTHING,
        "social bond",
    ]
    assert reached["reached"].tolist()[1:4] == [False, False, True]
