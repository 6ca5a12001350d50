"""Lesson 10 exercises: the BG/NBD and Gamma-Gamma fits (expected purchases, the customers already gone, the
spend of a one-time buyer, a holdout check, the expected CLV) and four conceptual questions (contractual or not,
what "alive" means, a churn rate or the BG/NBD, what the Gamma-Gamma model assumes).
"""

from __future__ import annotations

import pandas as pd

from helpers.checks import Question
from helpers.checks import bind as _bind
from helpers.rfm import rfm_summary
from helpers.value import (
    bgnbd_expected_purchases,
    bgnbd_probability_alive,
    calibration_holdout,
    expected_clv,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_expected_spend,
)

# The lines every solution on the whole history starts with (each solution runs on its own).
FIT = (
    "from helpers.rfm import rfm_summary\n"
    "from helpers.value import fit_bgnbd\n"
    'summary = rfm_summary(company.transactions, observation_end=company.observation_end, time_unit="W")\n'
    "bgnbd = fit_bgnbd(summary)\n"
)

#: The yearly discount rate of question 5 and the monthly rate that compounds to it.
YEARLY_RATE = 0.10
MONTHLY_RATE = (1 + YEARLY_RATE) ** (1 / 12) - 1


def _summary(company, time_unit="W"):
    return rfm_summary(company.transactions, observation_end=company.observation_end, time_unit=time_unit)


def _bgnbd(company):
    summary = _summary(company)
    return summary, fit_bgnbd(summary)


def _expected_purchases(company, weeks=26.0):
    summary, params = _bgnbd(company)
    return float(bgnbd_expected_purchases(params, weeks, summary).sum())


def _alive(company):
    summary, params = _bgnbd(company)
    return bgnbd_probability_alive(params, summary)


def _one_time_spend(company):
    summary = _summary(company)
    newcomer = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [1.0], "monetary_value": [0.0]})
    return float(gamma_gamma_expected_spend(fit_gamma_gamma(summary), newcomer).iloc[0])


def _holdout_gap(company, months=6):
    end = company.observation_end - pd.DateOffset(months=months)
    calibration = calibration_holdout(company.transactions, end, company.observation_end, time_unit="W")
    params = fit_bgnbd(calibration)
    predicted = bgnbd_expected_purchases(params, calibration["holdout_length"].iloc[0], calibration).sum()
    return float(predicted / calibration["holdout_purchases"].sum() - 1)


def _margin_rate(company):
    sales = company.transactions
    return float((sales["amount"] - sales["cost"]).sum() / sales["amount"].sum())


def _total_clv(company, *, discount_rate=MONTHLY_RATE, margin=None):
    summary, params = _bgnbd(company)
    spend = fit_gamma_gamma(summary)
    value = expected_clv(
        params,
        spend,
        summary,
        periods=24,
        discount_rate=discount_rate,
        margin=_margin_rate(company) if margin is None else margin,
        period_length=52 / 12,
    )
    return float(value.sum())


def _close(a, b, tol=1e-6):
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


QUESTIONS = [
    Question(
        variable="expected_purchases_26w",
        expected=_expected_purchases,
        kind="number",
        rel_tol=1e-5,
        hints=[
            "Summarise the transactions in weeks with `rfm_summary(..., time_unit='W')` and fit the BG/NBD on the "
            "whole history with `fit_bgnbd(summary)`, as section 2 of the lesson does.",
            "`bgnbd_expected_purchases(bgnbd, 26, summary)` gives each customer's expected purchases in the next 26 "
            "weeks; add them up with `.sum()`.",
        ],
        solution=FIT + "from helpers.value import bgnbd_expected_purchases\n"
        "expected_purchases_26w = bgnbd_expected_purchases(bgnbd, 26, summary).sum()",
        success="the purchases the whole base is expected to make in the next half year, silent customers included "
        "(weighted by their chance of being alive).",
        mistakes=[
            (
                lambda a, c: _close(a, _expected_purchases(c, 52.0), 1e-4),
                "that is the next 52 weeks, as in the lesson. The question asks for the next 26.",
            ),
            (
                lambda a, c: _close(a, _expected_purchases(c, 6.0), 1e-4),
                "that is 6 weeks. The summary is in weeks, so half a year is 26 of them, not 6 months.",
            ),
            (
                lambda a, c: _close(a, _expected_purchases(c) / len(_summary(c)), 1e-4),
                "that is the average per customer. The question asks for the whole base: `.sum()`, not `.mean()`.",
            ),
        ],
    ),
    Question(
        variable="expected_already_gone",
        expected=lambda company: float((1 - _alive(company)).sum()),
        kind="number",
        rel_tol=1e-5,
        hints=[
            "Each customer has left with probability 1 − P(alive). The expected number of customers who have left "
            "is the sum of those probabilities over all customers.",
            "`alive = bgnbd_probability_alive(bgnbd, summary)`, then `(1 - alive).sum()`.",
        ],
        solution=FIT + "from helpers.value import bgnbd_probability_alive\n"
        "alive = bgnbd_probability_alive(bgnbd, summary)\n"
        "expected_already_gone = (1 - alive).sum()",
        success="the share of customers lost that a company without a record of defections does not know (la "
        "empresa desconoce el porcentaje de clientes que pierde), estimated. One-time buyers count as alive: "
        "compare the estimate with the churn table.",
        mistakes=[
            (
                lambda a, c: _close(a, (_alive(c) < 0.5).sum()),
                "that counts the customers whose P(alive) is below 50 %, a label for each. The expected number "
                "adds up every customer's probability of having left: (1 − P(alive)).sum().",
            ),
            (
                lambda a, c: _close(a, _alive(c).sum(), 1e-5),
                "that is the expected number of customers still alive. The question asks for those already gone.",
            ),
            (
                lambda a, c: _close(a, (1 - _alive(c)).mean(), 1e-5),
                "that is the expected share. The question asks for a number of customers: `.sum()`.",
            ),
        ],
    ),
    Question(
        variable="one_time_buyer_spend",
        expected=_one_time_spend,
        kind="number",
        rel_tol=1e-5,
        hints=[
            "Fit the Gamma-Gamma model on the whole history, `fit_gamma_gamma(summary)`. A customer with no repeat "
            "purchase has no average of their own: the model gives them the average of all customers.",
            "With parameters p, q and v the population's mean spend per purchase is p·v / (q − 1); "
            "`gamma_gamma_expected_spend` gives the same for any customer with `frequency` 0.",
        ],
        solution=(
            "from helpers.rfm import rfm_summary\n"
            "from helpers.value import fit_gamma_gamma\n"
            'summary = rfm_summary(company.transactions, observation_end=company.observation_end, time_unit="W")\n'
            "spend_model = fit_gamma_gamma(summary)\n"
            'one_time_buyer_spend = spend_model["p"] * spend_model["v"] / (spend_model["q"] - 1)'
        ),
        success="the Gamma-Gamma model's mean spend per purchase, which it gives to anyone without repeat purchases "
        "and mixes with each repeat buyer's own average.",
        mistakes=[
            (
                lambda a, c: _close(a, _summary(c).query("frequency > 0")["monetary_value"].mean(), 1e-5),
                "that is the plain average of the repeat buyers' own averages. The model's average of all customers "
                "is p·v / (q − 1), which weighs the spread of spend across customers.",
            ),
            (
                lambda a, c: _close(a, fit_gamma_gamma(_summary(c))["v"], 1e-5),
                "that is the parameter v alone. The mean spend is p·v / (q − 1).",
            ),
            (
                lambda a, c: _close(a, (lambda m: m["p"] * m["v"] / m["q"])(fit_gamma_gamma(_summary(c))), 1e-5),
                "close, but the denominator is q − 1, not q.",
            ),
        ],
    ),
    Question(
        variable="holdout_gap_6_months",
        expected=_holdout_gap,
        kind="number",
        rel_tol=1e-4,
        hints=[
            "As in section 1, but with the calibration ending six months before the end of the data: "
            "`company.observation_end - pd.DateOffset(months=6)`; then `calibration_holdout(..., time_unit='W')` "
            "and `fit_bgnbd` on it.",
            "Predict each customer's holdout purchases with `bgnbd_expected_purchases(fitted, "
            "calibration['holdout_length'].iloc[0], calibration)`, add them up, and divide by the purchases made "
            "(`calibration['holdout_purchases'].sum()`); subtract 1.",
        ],
        solution=(
            "import pandas as pd\n"
            "from helpers.value import bgnbd_expected_purchases, calibration_holdout, fit_bgnbd\n"
            "calibration_end = company.observation_end - pd.DateOffset(months=6)\n"
            "calibration = calibration_holdout(company.transactions, calibration_end, company.observation_end,\n"
            '                                  time_unit="W")\n'
            "fitted = fit_bgnbd(calibration)\n"
            'predicted = bgnbd_expected_purchases(fitted, calibration["holdout_length"].iloc[0], calibration).sum()\n'
            'holdout_gap_6_months = predicted / calibration["holdout_purchases"].sum() - 1'
        ),
        success="compare it with the lesson's one-year holdout: does a shorter horizon leave buying rates that "
        "change with the relationship less time to pull the forecast off?",
        mistakes=[
            (
                lambda a, c: _close(a, _holdout_gap(c, 12), 1e-4),
                "that is the lesson's one-year holdout. The question ends the calibration six months before the end.",
            ),
            (
                lambda a, c: _close(a, 1 / (1 + _holdout_gap(c)) - 1, 1e-4),
                "that divides the purchases made by the purchases predicted. The gap is predicted / made − 1.",
            ),
            (
                lambda a, c: _close(a, 100 * _holdout_gap(c), 1e-4),
                "give the gap as a fraction (e.g. −0.12), not a percentage.",
            ),
        ],
    ),
    Question(
        variable="expected_clv_2_years",
        expected=_total_clv,
        kind="number",
        rel_tol=1e-5,
        hints=[
            "Fit both models on the whole history, then `expected_clv(bgnbd, spend_model, summary, periods=24, "
            "discount_rate=..., margin=..., period_length=52 / 12)` values each customer over 24 months; add them "
            "up.",
            "The margin is the company's margin rate, (amount − cost) summed over all transactions divided by the "
            "amount; the monthly discount rate that compounds to 10 % a year is `1.10 ** (1 / 12) - 1`.",
        ],
        solution=(
            FIT + "from helpers.value import expected_clv, fit_gamma_gamma\n"
            "spend_model = fit_gamma_gamma(summary)\n"
            "sales = company.transactions\n"
            'margin_rate = (sales["amount"] - sales["cost"]).sum() / sales["amount"].sum()\n'
            "expected_clv_2_years = expected_clv(bgnbd, spend_model, summary, periods=24,\n"
            "                                    discount_rate=1.10 ** (1 / 12) - 1, margin=margin_rate,\n"
            "                                    period_length=52 / 12).sum()"
        ),
        success="the margin today's customers are expected to bring over two years, discounted: the BG/NBD's "
        "version of the value of the base (before the cost to serve).",
        mistakes=[
            (
                lambda a, c: _close(a, _total_clv(c, margin=1.0), 1e-5),
                "that values the revenue (margin 1). Use the company's margin rate, (amount − cost) / amount.",
            ),
            (
                lambda a, c: _close(a, _total_clv(c, discount_rate=YEARLY_RATE), 1e-5),
                "that discounts at 10 % a month. The periods are months: use the monthly rate 1.10 ** (1 / 12) − 1.",
            ),
        ],
    ),
    Question(
        variable="contractual_business",
        expected="phone_plan",
        kind="concept",
        choices=("phone_plan", "supermarket_loyalty_card", "online_shop_account", "wholesaler_regular_orders"),
        hints=[
            "Ask of each business: on what day does it learn that a customer has gone? If it can name that day, "
            "the relationship is contractual.",
            "A card, an account or a habit records purchases. Only a contract has to be ended, and ending it "
            "tells the company.",
        ],
        solution="contractual_business = 'phone_plan'",
        wrong={
            "supermarket_loyalty_card": (
                "a loyalty card records each purchase, but nobody hands it back when they start shopping elsewhere: "
                "the supermarket never sees the customer leave. Non-contractual."
            ),
            "online_shop_account": (
                "an account that stays open is not a relationship that goes on: a customer can stop buying and never "
                "close it. The shop sees purchases, not departures."
            ),
            "wholesaler_regular_orders": (
                "regular orders are a habit, not a contract: a customer who stops ordering tells nobody, and a late "
                "order may be a pause or a goodbye. That ambiguity is exactly what the BG/NBD models."
            ),
        },
        success="a subscriber must cancel, so the company knows the day they leave and can count its churn; the "
        "others see purchases only (relación contractual / no contractual).",
    ),
    Question(
        variable="alive_meaning",
        expected="not_yet_dropped_out",
        kind="concept",
        choices=("not_yet_dropped_out", "buys_next_month", "bought_recently", "satisfied"),
        hints=[
            "In the BG/NBD a customer's life has two parts: buying at their own rate, then a silent, final drop-out "
            "after some purchase. Which of the two does 'alive' name?",
            "A customer can be alive and still not buy for months, if their rhythm is slow.",
        ],
        solution="alive_meaning = 'not_yet_dropped_out'",
        wrong={
            "buys_next_month": (
                "alive is not about the next purchase: a live customer who buys twice a year will most likely not "
                "buy next month. The chance of buying soon is what the expected purchases give, and it also depends "
                "on the customer's rate."
            ),
            "bought_recently": (
                "recency is an input, not the meaning: the same silence is normal for a slow buyer and alarming for "
                "a fast one. And a customer who bought once, long ago, is alive by construction."
            ),
            "satisfied": (
                "the model knows only purchase dates; it says nothing about satisfaction. A hostage (lesson 05) can "
                "be alive and unhappy, and a satisfied customer can leave."
            ),
        },
        success="alive means the customer has not yet silently left; P(alive) is the chance of that, read against "
        "their own rhythm (the other side of customer mortality, mortalidad de clientes).",
    ),
    Question(
        variable="when_bgnbd",
        expected="forecast_without_defections",
        kind="concept",
        choices=("forecast_without_defections", "always", "rates_change", "few_customers"),
        hints=[
            "If a company records every cancellation, what does a model add to the count?",
            "The lesson's truth section compared lesson 03's inactivity rule with P(alive) as labels, and said what "
            "the BG/NBD gives that a rule or a churn rate cannot.",
        ],
        solution="when_bgnbd = 'forecast_without_defections'",
        wrong={
            "always": "where departures are recorded (a contractual business), the churn rate is a count, a fact; the "
            "BG/NBD would replace it with assumptions. Count what you can see.",
            "rates_change": (
                "the BG/NBD assumes each customer's buying rate stays constant; where rates change (as in the "
                "simulation, where the rate depends on the relationship stage) it misses its holdout, as section 1 "
                "showed. That is a reason for caution, not for choosing it."
            ),
            "few_customers": (
                "the BG/NBD learns how rates and drop-out chances vary across customers: it needs many of them. With "
                "a handful, there is nothing to estimate the distributions from."
            ),
        },
        success="where customers leave without telling and you need a forecast per customer (purchases, P(alive), "
        "value), the BG/NBD gives what a churn rate or an inactivity rule cannot.",
    ),
    Question(
        variable="gamma_gamma_assumption",
        expected="spend_independent_of_frequency",
        kind="concept",
        choices=(
            "spend_independent_of_frequency",
            "same_average_for_all",
            "spend_grows_with_frequency",
            "fixed_amount",
        ),
        hints=[
            "The lesson prints one number to check the Gamma-Gamma model before using it: which two quantities "
            "does it correlate?",
            "The model multiplies the BG/NBD's purchases by a spend per purchase estimated separately; that works "
            "only if knowing how often a customer buys tells you nothing about how much.",
        ],
        solution="gamma_gamma_assumption = 'spend_independent_of_frequency'",
        wrong={
            "same_average_for_all": (
                "the averages vary across customers, as a gamma distribution: that is one of the two gammas. Only a "
                "customer with no repeat purchase gets the average of all customers."
            ),
            "spend_grows_with_frequency": (
                "the opposite: the model assumes spend per purchase does not depend on how often a customer buys. If "
                "it grew with frequency, the expected CLV of frequent buyers would be too low."
            ),
            "fixed_amount": (
                "each purchase varies at random around the customer's own average: the model is about that spread. "
                "Only the average is assumed stable over time."
            ),
        },
        success="spend per purchase varies around each customer's own average, the averages vary across customers, "
        "and none of it depends on how often they buy: check the correlation before trusting the CLV.",
    ),
]


def bind(company, namespace):
    """Lesson 10's questions tied to ``company`` and the notebook's ``globals()``."""
    return _bind(QUESTIONS, company, namespace)
