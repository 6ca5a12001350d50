"""Lesson 06 exercises: customer profitability, the pyramid, lifetime value and the loyalty connectors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.checks import Question
from helpers.checks import bind as _bind
from helpers.profitability import customer_profitability, loyalty_connectors, pyramid_tier, tier_migration, top_share
from helpers.rfm import rfm_summary
from helpers.value import bgnbd_expected_purchases, clv, fit_bgnbd, markov_clv, recency_chain, recency_states

# The lines every solution that needs the customers' profit starts with (each solution runs on its own).
PROFIT = (
    "from helpers.profitability import customer_profitability\n"
    "profit = customer_profitability(company.customers, company.transactions, company.interactions,\n"
    "                                company.bonds, company.observation_end, churn=company.churn)\n"
)

#: The connectors that can grow or shrink with tenure (acquisition cost and base profit cannot).
MOVING_CONNECTORS = ("repeat_sales", "cross_selling", "referrals", "price_sensitivity", "cost_savings")


def _profit(company, end=None, **options):
    return customer_profitability(
        company.customers,
        company.transactions,
        company.interactions,
        company.bonds,
        company.observation_end if end is None else end,
        **options,
    )


def _active_profit(company, end=None):
    return _profit(company, end, churn=company.churn)


def _platinum_stay(company):
    year_before = company.observation_end - pd.DateOffset(years=1)
    moves = tier_migration(
        pyramid_tier(_active_profit(company, year_before)["profit"]),
        pyramid_tier(_active_profit(company)["profit"]),
        normalize=True,
    )
    return moves.loc["platinum", "platinum"]


def _states(company):
    return recency_states(company.transactions, company.observation_end)


def _value_after_purchase(company, *, discount_rate=None):
    states = _states(company)
    margin = (states["margin_next_month"] * states["bought_next_month"]).sum() / states["bought_next_month"].sum()
    rewards = np.r_[margin, np.zeros(len(states) - 1)]
    monthly = 1.10 ** (1 / 12) - 1 if discount_rate is None else discount_rate
    return markov_clv(recency_chain(states["purchase_probability"]), rewards, monthly)[0]


def _connectors(company):
    return loyalty_connectors(
        company.customers,
        company.transactions,
        company.interactions,
        company.bonds,
        company.churn,
        company.surveys,
        company.observation_end,
    )


def _weakest(company):
    table = _connectors(company)
    return str(table.loc[table.index.max(), list(MOVING_CONNECTORS)].astype(float).idxmin())


def _expected_purchases(company):
    summary = rfm_summary(company.transactions, observation_end=company.observation_end, time_unit="W")
    return float(bgnbd_expected_purchases(fit_bgnbd(summary), 52, summary).sum())


def _close(a, b, tol=1e-6):
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


QUESTIONS = [
    Question(
        variable="n_lead",
        expected=lambda company: int((_active_profit(company)["profit"] < 0).sum()),
        kind="number",
        hints=[
            "`customer_profitability(...)` gives each active customer's profit over the last 12 months; pass "
            "`churn=company.churn` so that only the customers still with the company count.",
            "Count the rows whose `profit` (margin − cost to serve) is below 0: `(profit['profit'] < 0).sum()`.",
        ],
        solution=PROFIT + 'n_lead = (profit["profit"] < 0).sum()',
        success="these lead customers cost more to serve than they bring. Look at what they have in common.",
        mistakes=[
            (
                lambda a, c: _close(a, (_active_profit(c)["net_profit"] < 0).sum()),
                "that counts `net_profit`, which also charges the acquisition cost of this year's new "
                "customers. Use `profit`, the margin minus the cost to serve.",
            ),
            (
                lambda a, c: _close(a, (_profit(c)["profit"] < 0).sum()),
                "that counts every customer ever acquired. Pass `churn=company.churn` to keep the active ones.",
            ),
        ],
    ),
    Question(
        variable="top_fifth_share",
        expected=lambda company: top_share(_active_profit(company)["profit"], 0.2),
        kind="number",
        hints=[
            "Sort the active customers by profit, best first, and add up the profit of the best 20 %.",
            "`top_share(profit['profit'], 0.2)` from `helpers.profitability` does exactly that.",
        ],
        solution=(
            PROFIT.replace("import customer_profitability", "import customer_profitability, top_share")
            + 'top_fifth_share = top_share(profit["profit"], 0.2)'
        ),
        success="a fifth of the customers bring most of the profit: Pareto's rule, measured on profit.",
        mistakes=[
            (
                lambda a, c: _close(a, top_share(_active_profit(c)["margin"], 0.2)),
                "that is the top fifth's share of the gross margin. Use the profit, after the cost to serve.",
            ),
            (lambda a, c: a > 1.5, "give the share as a fraction (e.g. 0.75), not a percentage."),
        ],
    ),
    Question(
        variable="platinum_stay",
        expected=_platinum_stay,
        kind="number",
        hints=[
            "Compute the profit of the 12 months up to a year before the end (`observation_end` minus one "
            "year) and of the last 12 months, and put each in the pyramid with `pyramid_tier`.",
            "`tier_migration(before, after, normalize=True)` gives, for each tier, where its customers went; "
            "read the row 'platinum', column 'platinum'.",
        ],
        solution=(
            "import pandas as pd\n"
            "from helpers.profitability import customer_profitability, pyramid_tier, tier_migration\n"
            "def profit_up_to(end):\n"
            "    return customer_profitability(company.customers, company.transactions, company.interactions,\n"
            '                                  company.bonds, end, churn=company.churn)["profit"]\n'
            "year_before = company.observation_end - pd.DateOffset(years=1)\n"
            "moves = tier_migration(pyramid_tier(profit_up_to(year_before)),\n"
            "                       pyramid_tier(profit_up_to(company.observation_end)), normalize=True)\n"
            'platinum_stay = moves.loc["platinum", "platinum"]'
        ),
        success="most platinum customers stay platinum, but not all: the top of the pyramid must be earned again "
        "every year.",
        mistakes=[(lambda a, c: a > 1.5, "give the share as a fraction between 0 and 1.")],
    ),
    Question(
        variable="clv_average",
        expected=lambda company: clv(_active_profit(company)["profit"].mean(), 0.75, 0.10),
        kind="number",
        hints=[
            "The margin is the average profit of an active customer over the last 12 months.",
            "`clv(margin, 0.75, 0.10)` from `helpers.value`: the default timing, 'end_retained', is Gupta & "
            "Lehmann's: margins paid at the end of each year by the customers still there.",
        ],
        solution=(PROFIT + 'from helpers.value import clv\nclv_average = clv(profit["profit"].mean(), 0.75, 0.10)'),
        success="that is the margin times the margin multiple r / (1 + d − r) = 0.75 / 0.35 ≈ 2.14.",
        mistakes=[
            (
                lambda a, c: _close(a, clv(_active_profit(c)["profit"].mean(), 0.75, 0.10, timing="start")),
                "that is the 'start' timing (a margin earned today, as in Farris et al.). The question uses "
                "margins paid at the end of each year by retained customers.",
            ),
            (
                lambda a, c: _close(a, clv(_active_profit(c)["profit"].mean(), 0.75, 0.10, timing="end")),
                "that is the 'end' timing, where the first year's margin is certain. With 'end_retained' the "
                "customer must also be retained to pay it.",
            ),
            (
                lambda a, c: _close(a, clv(_active_profit(c)["margin"].mean(), 0.75, 0.10)),
                "that uses the gross margin. Use the profit, after the cost to serve.",
            ),
        ],
    ),
    Question(
        variable="p_buy_after_3",
        expected=lambda company: _states(company).loc[3, "purchase_probability"],
        kind="number",
        hints=[
            "`recency_states(company.transactions, company.observation_end)` counts, for each number of months "
            "since the last purchase, how often a purchase followed the next month.",
            "Read the `purchase_probability` of the row with recency 3.",
        ],
        solution=(
            "from helpers.value import recency_states\n"
            "states = recency_states(company.transactions, company.observation_end)\n"
            'p_buy_after_3 = states.loc[3, "purchase_probability"]'
        ),
        success="compare it with recency 1: every month of silence makes the next purchase less likely.",
        mistakes=[
            (
                lambda a, c: _close(a, _states(c).loc[1, "purchase_probability"]),
                "that is recency 1 (bought this month). The question asks about a last purchase 3 months ago.",
            ),
            (
                lambda a, c: _close(a, _states(c).iloc[2]["bought_next_month"]),
                "that is a count of customer-months. Give the probability (a fraction).",
            ),
        ],
    ),
    Question(
        variable="value_after_purchase",
        expected=_value_after_purchase,
        kind="number",
        rel_tol=1e-5,
        hints=[
            "Build the chain with `recency_chain(states['purchase_probability'])`. The reward is the average "
            "margin of a month with a purchase in state 1 (the mean of `margin_next_month` weighted by "
            "`bought_next_month`) and 0 in every other state.",
            "Use the monthly rate that compounds to 10 % a year, `1.10 ** (1 / 12) - 1`, in "
            "`markov_clv(P, rewards, monthly_rate)`, and take the value of the first state.",
        ],
        solution=(
            "import numpy as np\n"
            "from helpers.value import markov_clv, recency_chain, recency_states\n"
            "states = recency_states(company.transactions, company.observation_end)\n"
            'P = recency_chain(states["purchase_probability"])\n'
            'margin = (states["margin_next_month"] * states["bought_next_month"]).sum() '
            '/ states["bought_next_month"].sum()\n'
            "rewards = np.r_[margin, np.zeros(len(states) - 1)]\n"
            "value_after_purchase = markov_clv(P, rewards, 1.10 ** (1 / 12) - 1)[0]"
        ),
        success="the value of a customer who has just bought, counting that month's margin and every purchase "
        "the chain expects after it (Pfeifer & Carraway 2000).",
        mistakes=[
            (
                lambda a, c: _close(a, _value_after_purchase(c, discount_rate=0.10), 1e-4),
                "that discounts at 10 % a month. The chain moves month by month: use the monthly rate "
                "1.10 ** (1 / 12) − 1.",
            )
        ],
    ),
    Question(
        variable="weakest_connector",
        expected=_weakest,
        kind="choice",
        choices=MOVING_CONNECTORS,
        hints=[
            "`loyalty_connectors(...)` has one row per tenure year; the columns are the connectors, in currency "
            "per customer-year.",
            "Take the row of the last tenure year, keep the five connectors that can move with tenure, and "
            "find the smallest with `.idxmin()`.",
        ],
        solution=(
            "from helpers.profitability import loyalty_connectors\n"
            "table = loyalty_connectors(company.customers, company.transactions, company.interactions,\n"
            "                           company.bonds, company.churn, company.surveys, company.observation_end)\n"
            'moving = ["repeat_sales", "cross_selling", "referrals", "price_sensitivity", "cost_savings"]\n'
            "weakest_connector = table.loc[table.index.max(), moving].astype(float).idxmin()"
        ),
        success="not every connector of the textbook works for every company (Reinartz & Kumar 2002). Why does "
        "this one go the wrong way here?",
    ),
    Question(
        variable="expected_purchases_next_year",
        expected=_expected_purchases,
        kind="number",
        rel_tol=1e-4,
        hints=[
            "Summarise the transactions in weeks: `rfm_summary(company.transactions, "
            "observation_end=company.observation_end, time_unit='W')`, and fit `fit_bgnbd(summary)`.",
            "`bgnbd_expected_purchases(params, 52, summary)` gives each customer's expected purchases in the "
            "next 52 weeks; add them up.",
        ],
        solution=(
            "from helpers.rfm import rfm_summary\n"
            "from helpers.value import bgnbd_expected_purchases, fit_bgnbd\n"
            "summary = rfm_summary(company.transactions, observation_end=company.observation_end,\n"
            '                      time_unit="W")\n'
            "params = fit_bgnbd(summary)\n"
            "expected_purchases_next_year = bgnbd_expected_purchases(params, 52, summary).sum()"
        ),
        success="the BG/NBD model's forecast for the whole base. The lesson's holdout check says whether to trust it.",
        mistakes=[
            (
                lambda a, c: a < 100,
                "that looks like one customer's figure or a mean. Add up the expected purchases of all customers.",
            )
        ],
    ),
]


def bind(company, namespace):
    """Lesson 06's questions tied to ``company`` and the notebook's ``globals()``."""
    return _bind(QUESTIONS, company, namespace)
