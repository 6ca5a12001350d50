"""The value of today's customer base in lessons 01, 06 and 08, reconciled on the course company.

Lesson 06's "One base, three values" runs the three models side by side and explains why they
differ. Here: the same inputs through two functions give the same value, each lesson's number is
the one its own helper computes, and every difference the explanation names pushes the way it says.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import bucket, loyalty, plan, relationships
from helpers.profitability import customer_equity, customer_profitability, pyramid_tier
from helpers.value import clv, margin_multiple, markov_clv

DISCOUNT_RATE = 0.10  # a year, as in the three lessons


@pytest.fixture(scope="module")
def views(course_company):
    company = course_company
    end = company.observation_end
    year_before = end - pd.DateOffset(years=1)
    tables = (company.customers, company.transactions, company.surveys, company.bonds, company.churn)
    profit = customer_profitability(
        company.customers,
        company.transactions,
        company.interactions,
        company.bonds,
        end,
        months=12,
        churn=company.churn,
    )
    yearly = bucket.calibrate_bucket(
        bucket.bucket_flows(company.customers, company.transactions, company.churn, end, period="year")
    )
    # lesson 01: the ladder
    stages_then, stages_now = relationships.stages_at(*tables, year_before), relationships.stages_at(*tables, end)
    migration = relationships.transition_matrix(stages_then, stages_now)
    stage_margin = relationships.margin_by_stage(stages_then, company.transactions, year_before, end)
    mix = relationships.stage_mix(stages_now)
    # lesson 08: customer by customer, with the churn of each loyalty type
    then = loyalty.loyalty_components(*tables, year_before)
    leak = plan.segment_churn(plan.with_loyalty_type(then), company.churn, year_before, end, prior_customers=10)
    components = loyalty.loyalty_components(*tables, end)
    types = plan.with_loyalty_type(components)
    tiers = pyramid_tier(profit["profit"]).reindex(types.index)
    base = plan.plan_base(components, types, tiers, profit["profit"].reindex(types.index), leak["monthly_churn"])
    return {
        "profit": profit,
        "retention": yearly.retention_rate,
        "migration": migration,
        "stage_margin": stage_margin,
        "mix": mix,
        "base": base,
        "ladder": relationships.base_value(mix, migration, stage_margin, DISCOUNT_RATE),
        "multiple": customer_equity(profit["profit"], yearly.retention_rate, DISCOUNT_RATE)["current_customers"],
        "by_type": clv(base["profit_per_month"], 1 - base["monthly_churn"], (1 + DISCOUNT_RATE) ** (1 / 12) - 1).sum(),
    }


def test_lesson_06_value_is_the_margin_multiple_of_the_total_profit(views):
    """customer_equity and clv: the same profit, retention and rate give the same value."""
    profit, r = views["profit"]["profit"], views["retention"]
    assert views["multiple"] == pytest.approx(clv(profit.sum(), r, DISCOUNT_RATE))
    assert views["multiple"] == pytest.approx(profit.sum() * margin_multiple(r, DISCOUNT_RATE))
    assert views["multiple"] == pytest.approx(len(profit) * clv(profit.mean(), r, DISCOUNT_RATE))


def test_lesson_08_value_is_the_do_nothing_customer_equity_of_plan_kpis(views):
    """The sum of clv customer by customer is lesson 08's customer equity when the plan reaches no one."""
    base = views["base"]
    nobody = pd.DataFrame(
        {
            "reached": False,
            "cost_per_month": 0.0,
            "works": 0.0,
            "churn_multiplier_if_works": 1.0,
            "bond_level_after": base["bond_level"],
            "satisfaction_after": base["satisfaction"],
        },
        index=base.index,
    )
    kpis = plan.plan_kpis(base, nobody, plan.PlanAssumptions(None, None, None, None, None))
    assert kpis.loc["customer_equity", "do_nothing"] == pytest.approx(views["by_type"])
    assert kpis.loc["customer_equity", "plan"] == pytest.approx(views["by_type"])


def test_lesson_01_value_is_the_markov_value_of_todays_mix(views):
    """base_value and markov_clv: the same chain and margins give the same value."""
    states = list(views["migration"].index)
    rewards = np.append(views["stage_margin"].reindex(states[:-1]).to_numpy(float), 0.0)
    per_state = markov_clv(views["migration"].to_numpy(float), rewards, DISCOUNT_RATE)
    counts = views["mix"].reindex(states[:-1]).to_numpy(float)
    assert views["ladder"] == pytest.approx(float(counts @ per_state[:-1]))


def test_the_three_count_the_same_customers(views):
    assert views["mix"].sum() == len(views["profit"]) == len(views["base"])


def test_every_difference_the_lesson_names_pushes_the_way_it_says(views):
    profit, r, mix = views["profit"], views["retention"], views["mix"]
    # margin or profit: the ladder's gross margin is at least the profit after the cost to serve
    assert profit["margin"].mean() >= profit["profit"].mean()
    assert (views["stage_margin"] * mix).sum() / mix.sum() > profit["profit"].mean()
    # whose retention: the ladder's customers (already customers a year ago) leave less than the bucket's
    ladder_keeps = 1 - (mix / mix.sum() * views["migration"].loc[mix.index, "lost"]).sum()
    assert ladder_keeps > r
    # when the first margin counts: now ("start") is worth more than at the year's end if retained
    assert clv(1.0, r, DISCOUNT_RATE, timing="start") > clv(1.0, r, DISCOUNT_RATE, timing="end_retained")
    # climbing: partners bring more margin a year than strangers
    assert views["stage_margin"]["partner"] > views["stage_margin"]["stranger"]
    # so the ladder values the base highest, and lesson 06's average-customer multiple lowest
    assert views["ladder"] > views["by_type"] > views["multiple"]
