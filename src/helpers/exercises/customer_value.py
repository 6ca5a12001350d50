"""Lesson 06 exercises: customer profitability, the pyramid, lifetime value, the loyalty connectors and four
conceptual questions (which connector, which tier and action, the real value of a lost customer, why lessons
value the base differently).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.checks import Question
from helpers.checks import bind as _bind
from helpers.profitability import customer_profitability, loyalty_connectors, pyramid_tier, tier_migration, top_share
from helpers.value import clv, markov_clv, recency_chain, recency_states

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


def _silent_two_more_months(company):
    probability = _states(company)["purchase_probability"]
    return (1 - probability.loc[3]) * (1 - probability.loc[4])


def _close(a, b, tol=1e-6):
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


QUESTIONS = [
    Question(
        variable="n_net_losers",
        expected=lambda company: int((_active_profit(company)["net_profit"] < 0).sum()),
        kind="number",
        hints=[
            "`customer_profitability(...)` gives each active customer's last 12 months; pass `churn=company.churn` "
            "so that only the customers still with the company count.",
            "`net_profit` charges this year's acquisition cost to the customers who joined in these 12 months: "
            "count the rows where it is below 0, `(profit['net_profit'] < 0).sum()`.",
        ],
        solution=PROFIT + 'n_net_losers = (profit["net_profit"] < 0).sum()',
        success="besides the lead customers, many newcomers have not yet earned back what winning them cost.",
        mistakes=[
            (
                lambda a, c: _close(a, (_active_profit(c)["profit"] < 0).sum()),
                "that counts `profit` (the lead customers), before the acquisition cost. The question charges "
                "this year's acquisition cost too: use `net_profit`.",
            ),
            (
                lambda a, c: _close(a, (_profit(c)["net_profit"] < 0).sum()),
                "that counts every customer ever acquired. Pass `churn=company.churn` to keep the active ones.",
            ),
        ],
    ),
    Question(
        variable="top_tenth_share",
        expected=lambda company: top_share(_active_profit(company)["profit"], 0.1),
        kind="number",
        hints=[
            "Sort the active customers by profit, best first, and add up the profit of the best 10 %.",
            "`top_share(profit['profit'], 0.1)` from `helpers.profitability` does exactly that.",
        ],
        solution=(
            PROFIT.replace("import customer_profitability", "import customer_profitability, top_share")
            + 'top_tenth_share = top_share(profit["profit"], 0.1)'
        ),
        success="a tenth of the customers bring a large part of the profit: compare it with the top fifth's share "
        "in the lesson.",
        mistakes=[
            (
                lambda a, c: _close(a, top_share(_active_profit(c)["profit"], 0.2)),
                "that is the best fifth (0.2). The question asks for the best tenth (0.1).",
            ),
            (
                lambda a, c: _close(a, top_share(_active_profit(c)["margin"], 0.1)),
                "that is the top tenth's share of the gross margin. Use the profit, after the cost to serve.",
            ),
            (lambda a, c: a > 1.5, "give the share as a fraction (e.g. 0.6), not a percentage."),
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
        variable="p_silent_two_more_months",
        expected=_silent_two_more_months,
        kind="number",
        rel_tol=5e-3,
        hints=[
            "`recency_states(company.transactions, company.observation_end)` gives, for each number of months since "
            "the last purchase, the probability of buying next month.",
            "A customer at recency 3 who does not buy moves to recency 4; to stay silent two more months they must "
            "not buy at 3 and then not buy at 4: multiply (1 − p₃) by (1 − p₄).",
        ],
        solution=(
            "from helpers.value import recency_states\n"
            "states = recency_states(company.transactions, company.observation_end)\n"
            'p = states["purchase_probability"]\n'
            "p_silent_two_more_months = (1 - p.loc[3]) * (1 - p.loc[4])"
        ),
        success="the chain moves one state a month: every month of silence makes the next purchase less likely.",
        mistakes=[
            (
                lambda a, c: _close(a, (1 - _states(c).loc[3, "purchase_probability"]) ** 2, 1e-3),
                "that uses p₃ twice. After a silent month the customer is at recency 4: use p₄ for the second month.",
            ),
            (
                lambda a, c: _close(
                    a, _states(c).loc[3, "purchase_probability"] * _states(c).loc[4, "purchase_probability"], 1e-3
                ),
                (
                    "that is the chance of buying in both months. The question asks for buying in neither: (1 − "
                    "p₃)(1 − p₄)."
                ),
            ),
            (
                lambda a, c: _close(a, 1 - _states(c).loc[3, "purchase_probability"], 1e-3),
                "that is one silent month. The question asks for two: (1 − p₃)(1 − p₄).",
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
        success="the weakest connector of a loyal customer's profit. Is it below zero? Reinartz & Kumar (2002) found "
        "that some connectors go the wrong way in real firms: measure them in each company.",
    ),
    Question(
        variable="connector_for_effect",
        expected="cost_savings",
        kind="concept",
        choices=("acquisition_cost", *MOVING_CONNECTORS),
        hints=[
            "Ask what changes for the company: does the customer buy more, buy other things, bring someone, pay a "
            "different price, or cost less to look after?",
            "Ordering on the web portal instead of phoning, and needing no visit, lowers what each order costs the "
            "company to handle: the contacts priced by channel of section 1.",
        ],
        solution="connector_for_effect = 'cost_savings'",
        wrong={
            "repeat_sales": (
                "repeat sales are more purchases of the same products. Here she buys the same; what changes is how "
                "much it costs to serve her."
            ),
            "cross_selling": "cross-selling is buying categories outside the first basket. Nothing new is bought here.",
            "referrals": "referrals are new customers a loyal one brings. She brings no one in this story.",
            "price_sensitivity": (
                "price sensitivity is about the price she pays (discounts taken or a premium accepted). Her price "
                "does not change here; the company's cost of handling her orders does."
            ),
            "acquisition_cost": (
                "the acquisition cost is paid once, when the customer is won. She is in her fourth year; this effect "
                "recurs every year she stays."
            ),
        },
        success="a loyal customer who knows the company and uses its cheapest channels costs less to serve: "
        "Reichheld's cost savings (ahorro de costos comerciales).",
    ),
    Question(
        variable="tier_action",
        expected="gold_cross_sell",
        kind="concept",
        choices=("platinum_protect", "gold_cross_sell", "iron_serve_efficiently", "lead_change_terms"),
        hints=[
            "Place her first: the top 5 % are platinum, the next 15 % gold, negative profit is lead, the rest iron.",
            "Just below the top 5 % and inside the top 20 % is gold. What does the pyramid prescribe for a "
            "profitable customer who buys part of her needs elsewhere?",
        ],
        solution="tier_action = 'gold_cross_sell'",
        wrong={
            "platinum_protect": (
                "platinum is the top 5 %; she is just below it. And protecting is not enough when half her spend "
                "goes to a competitor: the gold tier's task is to move her up."
            ),
            "iron_serve_efficiently": (
                "iron customers bring thin profit; she is in the top 20 %. Serving her the cheapest way would risk "
                "the spend you still have and miss the part you do not."
            ),
            "lead_change_terms": (
                "lead customers cost more than they bring; her profit is high. Changing her terms would push a "
                "profitable customer towards the competitor."
            ),
        },
        success="gold: profitable but sharing her buying with competitors. Cross-sell, deepen the bond and learn "
        "what keeps the rest of her spend elsewhere (Zeithaml, Rust & Lemon 2001).",
    ),
    Question(
        variable="lost_customer_reason",
        expected="future_and_replacement",
        kind="concept",
        choices=("future_and_replacement", "discounting", "only_one_year", "revenue_not_profit"),
        hints=[
            "What does a yearly report count when a customer leaves, and what does the company actually lose?",
            "Section 8 adds up every future year the customer would have stayed, then the cost of winning a "
            "replacement who starts at the bottom of the tenure curve.",
        ],
        solution="lost_customer_reason = 'future_and_replacement'",
        wrong={
            "discounting": "discounting makes future profit worth *less* today, not more. The loss is large despite "
            "discounting, because it runs over every future year.",
            "only_one_year": (
                "that is the yearly report's view. The customer would have stayed several more years, with a profit "
                "that grows with tenure; all of it leaves with them."
            ),
            "revenue_not_profit": (
                "counting revenue instead of profit would overstate every year, lost or not. The real value is "
                "larger because of the years it counts, not because of what it counts in each."
            ),
        },
        success="the lost customer takes every future year's profit, and a replacement costs an acquisition and "
        "starts again at the bottom of the tenure curve (el valor real de un cliente perdido).",
    ),
    Question(
        variable="higher_base_value",
        expected="lesson_01",
        kind="concept",
        choices=("lesson_01", "lesson_06", "the_same"),
        hints=[
            "Go through the differences one at a time and ask which way each pushes the value: gross margin or "
            "profit after the cost to serve; the first margin counted now or at the end of the year if retained; "
            "customers who climb to stages that buy more, or stay at the average.",
            "Gross margin ≥ profit; counting now ≥ counting later and only if retained; climbing ≥ standing still. "
            "All three point the same way.",
        ],
        solution="higher_base_value = 'lesson_01'",
        wrong={
            "lesson_06": (
                "lesson 06 subtracts the cost to serve, waits a year (and for the customer to stay) before counting "
                "the first margin, and lets no one grow: each choice lowers the value."
            ),
            "the_same": (
                "the same retention is not the same model: what is counted each year, when the first year counts and "
                "whether customers climb all differ, and all push lesson 01's value up."
            ),
        },
        success="every difference pushes lesson 01's value up; that is why a base's value must be quoted with its "
        "model (section 8, One base, three values).",
    ),
]


def bind(company, namespace):
    """Lesson 06's questions tied to ``company`` and the notebook's ``globals()``."""
    return _bind(QUESTIONS, company, namespace)
