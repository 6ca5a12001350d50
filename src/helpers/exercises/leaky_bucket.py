"""Lesson 03 exercises: measure the company's leaky bucket, find its holes, price the plugs.

Questions 1–8 compute from the data; questions 9–12 are conceptual (the steady state's
levers, the hole no programme can plug, Blattberg & Deighton's test, the notes' first step).

Every expected answer is computed from the student's company with the functions of
:mod:`helpers.bucket`, so the checks hold for a company generated with any seed. Model
solutions are self-contained (they import what they use), as the exercise tests run each
one on its own.
"""

from __future__ import annotations

from helpers import bucket
from helpers.checks import Question
from helpers.checks import bind as _bind
from helpers.schema import CHURN_REASONS

#: The retention programme of questions 3, 6 and 7: its cost per customer per month and the
#: share of churn it removes (not the lesson's programme, so the lesson does not print the answers).
PROGRAMME_COST, PROGRAMME_CUT = 1.5, 0.25
#: The share of churn the lesson's own programme removes (its section 3 prints the steady state with it).
LESSON_PROGRAMME_CUT = 0.15
#: Question 8 asks what five points are worth if acquisition cost this many times today's.
ACQUISITION_FACTOR = 2.0
#: Reichheld & Sasser's (1990) range for five more points of retention.
RANGE = (0.25, 0.85)


def _flows(company, period="month"):
    return bucket.bucket_flows(
        company.customers, company.transactions, company.churn, company.observation_end, period=period
    )


def _last_year(company):
    flows = _flows(company)
    return flows[flows["complete"] & (flows["customers_start"] > 0)].tail(12)


def _calibration(company):
    return bucket.calibrate_bucket(_flows(company), last_periods=12)


def _monthly_churn(company):
    return _calibration(company).churn_rate


def _churn_with_all_new(company):
    months = _last_year(company)
    sums = months[["customers_start", "customers_end", "new_customers"]].sum()
    retained = (sums["customers_end"] - sums["new_customers"]) / sums["customers_start"]
    return 1 - retained


def _lifetime_years(company):
    return _calibration(company).expected_lifetime / 12


def _long_run(company, cut=PROGRAMME_CUT, inflow="new_customers_kept"):
    """The steady state if a programme removes ``cut`` of the churn of the last 12 months."""
    calibration = _calibration(company)
    return bucket.steady_state(getattr(calibration, inflow), calibration.churn_rate * (1 - cut))


def _last_vital(company):
    pareto = bucket.churn_reason_pareto(company.churn)
    return str(pareto[pareto["vital_few"]].index[-1])


def _first_trivial(company):
    pareto = bucket.churn_reason_pareto(company.churn)
    trivial = pareto.index[~pareto["vital_few"].to_numpy()]
    return str(trivial[0]) if len(trivial) else None


def _satisfied_reason(company):
    bands = bucket.satisfaction_before_leaving(company.churn, company.surveys)
    satisfied = bands.isin(["satisfied (4)", "completely satisfied (5)"]).to_numpy()
    return str(company.churn.loc[satisfied, "reason"].astype(str).value_counts().idxmax())


def _saved_cost(company):
    return bucket.cost_per_customer_saved(PROGRAMME_COST, _monthly_churn(company), PROGRAMME_CUT)


def _better_use(company):
    calibration = _calibration(company)
    saved = bucket.cost_per_customer_saved(PROGRAMME_COST, calibration.churn_rate, PROGRAMME_CUT)
    return "plug the holes" if saved < calibration.cost_per_kept_acquisition else "pour more in"


def _uplift(company, acquisition_factor=ACQUISITION_FACTOR):
    yearly = bucket.calibrate_bucket(_flows(company, period="year"))
    profile = bucket.margin_by_tenure_year(
        company.customers, company.transactions, company.churn, company.observation_end
    )["margin_per_customer_year"]
    return bucket.profit_uplift_from_retention(
        yearly.retention_rate,
        0.05,
        first_year_profit=profile.iloc[0],
        later_year_profits=profile.iloc[1:].tolist(),
        profit_growth=0.0,
        discount_rate=0.10,
        acquisition_cost=acquisition_factor * company.customers["acquisition_cost"].mean(),
    )


def _verdict(company, acquisition_factor=ACQUISITION_FACTOR):
    uplift = _uplift(company, acquisition_factor)
    return "below" if uplift < RANGE[0] else "above" if uplift > RANGE[1] else "inside"


def _close(answer, value, tol=1e-6):
    return abs(float(answer) - float(value)) <= tol * max(1.0, abs(float(value)))


_FLOWS = (
    "flows = bucket_flows(company.customers, company.transactions, company.churn,\n"
    "                     company.observation_end)\n"
)

QUESTIONS = [
    Question(
        variable="monthly_churn",
        expected=_monthly_churn,
        kind="number",
        hints=[
            "`bucket_flows(...)` gives one row per month with `customers_start`, `customers_end` "
            "and `new_customers_kept`. Keep the last 12 complete months that started with customers.",
            "Pool the months: sum each of the three columns over the 12 months, then use "
            "`churn_rate(start, end, new)` from `helpers.retention`.",
            "`new` must be the newcomers still there at the end of their month "
            "(`new_customers_kept`), because churn_rate computes (end − new) / start.",
        ],
        solution=(
            "from helpers.bucket import bucket_flows\n"
            "from helpers.retention import churn_rate\n"
            + _FLOWS
            + 'last_year = flows[flows["complete"] & (flows["customers_start"] > 0)].tail(12)\n'
            'monthly_churn = churn_rate(last_year["customers_start"].sum(), '
            'last_year["customers_end"].sum(),\n'
            '                           last_year["new_customers_kept"].sum())'
        ),
        success="a few per cent a month sounds small, but it compounds: see the next question.",
        mistakes=[
            (
                lambda answer, company: _close(answer, 1 - _monthly_churn(company)),
                "that is the retention rate (the share who stay). Churn is 1 − retention.",
            ),
            (
                lambda answer, company: _close(answer, _churn_with_all_new(company)),
                "you used all new customers, including those who left within their first month. "
                "They were never in the start count, so use `new_customers_kept`.",
            ),
            (
                lambda answer, company: _close(answer, _last_year(company)["churn_rate"].mean()),
                "that is the plain average of the twelve monthly rates. Pool the counts instead "
                "(sum, then divide), so a big month weighs more than a small one.",
            ),
            (lambda answer, company: answer > 1, "give the rate as a fraction (0.03), not a percentage (3)."),
        ],
    ),
    Question(
        variable="lifetime_years",
        expected=_lifetime_years,
        kind="number",
        hints=[
            "With a constant churn rate c, a customer stays 1 / c periods on average "
            "(`expected_lifetime(retention)` in `helpers.retention`).",
            "`calibrate_bucket(flows, last_periods=12)` returns the pooled rates of the last "
            "12 months, including `expected_lifetime` (in months).",
            "The question asks for years: divide the months by 12.",
        ],
        solution=(
            "from helpers.bucket import bucket_flows, calibrate_bucket\n"
            + _FLOWS
            + "bucket = calibrate_bucket(flows, last_periods=12)\n"
            "lifetime_years = bucket.expected_lifetime / 12"
        ),
        success="the average customer stays a few years; the rest of the course asks how to "
        "make that longer, and what it is worth.",
        mistakes=[
            (
                lambda answer, company: _close(answer, 12 * _lifetime_years(company)),
                "that is the lifetime in months. The question asks for years.",
            ),
            (
                lambda answer, company: _close(answer, _lifetime_years(company) * 12 / 12**2),
                "divide the months by 12 once, not twice.",
            ),
        ],
    ),
    Question(
        variable="long_run_with_programme",
        expected=_long_run,
        kind="number",
        hints=[
            "The bucket stops rising when inflow = outflow, i.e. at inflow / churn (`steady_state(inflow, churn)`). "
            f"A programme that removes {PROGRAMME_CUT:.0%} of the churn leaves churn × (1 − {PROGRAMME_CUT:g}).",
            "Take the inflow and the churn rate of the last 12 months from `calibrate_bucket(flows, last_periods=12)`.",
            "The inflow is `new_customers_kept` (new customers still there at the end of "
            "their first month), the one that matches the churn rate.",
        ],
        solution=(
            "from helpers.bucket import bucket_flows, calibrate_bucket, steady_state\n"
            + _FLOWS
            + "bucket = calibrate_bucket(flows, last_periods=12)\n"
            "long_run_with_programme = steady_state(bucket.new_customers_kept,\n"
            f"                                       bucket.churn_rate * (1 - {PROGRAMME_CUT:g}))"
        ),
        success=f"removing {PROGRAMME_CUT:.0%} of the churn raises the ceiling by {1 / (1 - PROGRAMME_CUT) - 1:.0%} "
        f"(1 / (1 − {PROGRAMME_CUT:g})) "
        "without a single extra customer poured in: that is the plug's lever. Whether it pays depends on "
        "what the programme costs (questions 6 and 7).",
        mistakes=[
            (
                lambda answer, company: _close(answer, _long_run(company, 0.0), tol=1e-3),
                "that is the steady state at today's churn, the one the lesson prints. The question asks "
                f"where the base settles once the programme removes {PROGRAMME_CUT:.0%} of the churn: "
                f"divide the inflow by churn × (1 − {PROGRAMME_CUT:g}).",
            ),
            (
                lambda answer, company: _close(answer, _long_run(company, LESSON_PROGRAMME_CUT), tol=1e-3),
                f"that is the long run with the lesson's programme, which removes {LESSON_PROGRAMME_CUT:.0%} "
                f"of the churn. This one removes {PROGRAMME_CUT:.0%}.",
            ),
            (
                lambda answer, company: _close(answer, _long_run(company, 1 - PROGRAMME_CUT)),
                f"you divided by churn × {PROGRAMME_CUT:g}, as if churn fell *to* {PROGRAMME_CUT:.0%} of itself. Removing "
                f"{PROGRAMME_CUT:.0%} of it leaves churn × (1 − {PROGRAMME_CUT:g}).",
            ),
            (
                lambda answer, company: _close(answer, (1 + PROGRAMME_CUT) * _long_run(company, 0.0)),
                f"you raised today's steady state by {PROGRAMME_CUT:.0%}. The cut shrinks the denominator of "
                f"inflow / churn, so the level grows by 1 / (1 − {PROGRAMME_CUT:g}), more than {PROGRAMME_CUT:.0%}.",
            ),
            (
                lambda answer, company: _close(answer, _long_run(company, inflow="new_customers")),
                "you used all new customers. Some leave within their first month and never "
                "reach the start of the next one; use `new_customers_kept`.",
            ),
            (
                lambda answer, company: _close(answer, _calibration(company).customers_now),
                "that is today's base. The question asks where it settles in the long run.",
            ),
            (
                lambda answer, company: float(answer) < 0,
                f"a negative base: you subtracted {PROGRAMME_CUT:g} from the churn rate. Removing "
                f"{PROGRAMME_CUT:.0%} of the churn multiplies it by (1 − {PROGRAMME_CUT:g}).",
            ),
        ],
    ),
    Question(
        variable="last_vital_reason",
        expected=_last_vital,
        kind="choice",
        choices=CHURN_REASONS,
        hints=[
            "`churn_reason_pareto(company.churn)` ranks the reasons, largest first, with "
            "their cumulative share and a `vital_few` column.",
            "The vital few are the reasons needed, largest first, to reach 80 % of the lost "
            "customers: the one whose cumulative share crosses 80 % is the last of them.",
            "Keep the rows whose `vital_few` is True and take the last label of the index.",
        ],
        solution=(
            "from helpers.bucket import churn_reason_pareto\n"
            "pareto = churn_reason_pareto(company.churn)\n"
            'last_vital_reason = pareto[pareto["vital_few"]].index[-1]'
        ),
        success="the holes up to this one are those to look at first, though not all of them can be "
        "plugged (who can keep a customer who no longer needs the product?).",
        mistakes=[
            (
                lambda answer, company: answer == _first_trivial(company),
                "that reason comes after the cumulative share has already reached 80 %: it is "
                "the first of the trivial many, not the last of the vital few.",
            ),
            (
                lambda answer, company: answer == str(bucket.churn_reason_pareto(company.churn).index[0]),
                "that is the biggest hole. The question asks for the last one you need to reach 80 %.",
            ),
        ],
    ),
    Question(
        variable="satisfied_top_reason",
        expected=_satisfied_reason,
        kind="choice",
        choices=CHURN_REASONS,
        hints=[
            "`satisfaction_before_leaving(company.churn, company.surveys)` gives each lost "
            "customer's last satisfaction before leaving, as a band, in the order of the churn table.",
            "Keep the lost customers whose band is 'satisfied (4)' or 'completely satisfied (5)' "
            "(`.isin([...])`) and count their reasons.",
            "`company.churn.loc[mask, 'reason'].value_counts().idxmax()`",
        ],
        solution=(
            "from helpers.bucket import satisfaction_before_leaving\n"
            "bands = satisfaction_before_leaving(company.churn, company.surveys)\n"
            'satisfied = bands.isin(["satisfied (4)", "completely satisfied (5)"]).to_numpy()\n'
            'satisfied_top_reason = company.churn.loc[satisfied, "reason"].astype(str)'
            ".value_counts().idxmax()"
        ),
        success="satisfied customers who leave mostly leave for a better deal: the mercenaries of "
        "lesson 05. Service will not keep them; a bond might.",
    ),
    Question(
        variable="saved_customer_cost",
        expected=_saved_cost,
        kind="number",
        hints=[
            f"A programme for every customer costs {PROGRAMME_COST:g} per customer per month and "
            f"removes {PROGRAMME_CUT:.0%} of the churn.",
            "Each month it keeps churn × cut of the customers it pays for, so one customer "
            "saved costs cost / (churn × cut): `cost_per_customer_saved(cost, churn, cut)`.",
            "Use the monthly churn of the last 12 months (question 1, or "
            "`calibrate_bucket(flows, last_periods=12).churn_rate`).",
        ],
        solution=(
            "from helpers.bucket import bucket_flows, calibrate_bucket, cost_per_customer_saved\n"
            + _FLOWS
            + "bucket = calibrate_bucket(flows, last_periods=12)\n"
            f"saved_customer_cost = cost_per_customer_saved({PROGRAMME_COST:g}, bucket.churn_rate, "
            f"{PROGRAMME_CUT:g})"
        ),
        success="you pay for everyone, but only a few of them would have left: that is why an "
        "untargeted programme is expensive per customer it actually keeps.",
        mistakes=[
            (
                lambda answer, company: _close(answer, PROGRAMME_COST / PROGRAMME_CUT),
                "you left out the churn rate: the programme is paid for every customer, but it "
                "only saves churn × cut of them each month.",
            ),
            (
                lambda answer, company: _close(answer, PROGRAMME_COST / _monthly_churn(company)),
                "you left out the cut: the programme removes only part of the churn.",
            ),
        ],
    ),
    Question(
        variable="better_use",
        expected=_better_use,
        kind="choice",
        choices=("plug the holes", "pour more in"),
        hints=[
            "With the same money, plugging wins in the long run when a customer saved costs less "
            "than a customer won (Blattberg & Deighton 1996).",
            "Compare your answer to question 6 with the cost per kept acquisition of the last "
            "12 months (`calibrate_bucket(...).cost_per_kept_acquisition`).",
            "You can check with `pour_or_plug(...)`: look at `long_run_customers` in its summary.",
        ],
        solution=(
            "from helpers.bucket import bucket_flows, calibrate_bucket, cost_per_customer_saved\n"
            + _FLOWS
            + "bucket = calibrate_bucket(flows, last_periods=12)\n"
            f"saved = cost_per_customer_saved({PROGRAMME_COST:g}, bucket.churn_rate, {PROGRAMME_CUT:g})\n"
            'better_use = "plug the holes" if saved < bucket.cost_per_kept_acquisition else '
            '"pour more in"'
        ),
        success="the rule depends on the numbers, not on a slogan: cheap, targeted or very effective "
        "programmes beat acquisition; expensive blanket ones often do not.",
    ),
    Question(
        variable="uplift_verdict",
        expected=_verdict,
        kind="choice",
        choices=("below", "inside", "above"),
        hints=[
            "Reichheld & Sasser (1990): five more points of yearly retention raise a customer's "
            "value by 25 % to 85 %. Compute the company's own figure with "
            "`profit_uplift_from_retention`.",
            "Yearly retention: `calibrate_bucket(bucket_flows(..., period='year')).retention_rate`. "
            "Profits by year of tenure: `margin_by_tenure_year(...)['margin_per_customer_year']` "
            "(first year, then `later_year_profits`).",
            "Use profit_growth=0.0 after the measured years, discount_rate=0.10 and twice the mean "
            "`acquisition_cost`; then say where the uplift falls against 0.25 and 0.85.",
        ],
        solution=(
            "from helpers.bucket import (bucket_flows, calibrate_bucket, margin_by_tenure_year,\n"
            "                            profit_uplift_from_retention)\n"
            "yearly = calibrate_bucket(bucket_flows(company.customers, company.transactions, "
            "company.churn,\n"
            '                                       company.observation_end, period="year"))\n'
            "profile = margin_by_tenure_year(company.customers, company.transactions, company.churn,\n"
            '                                company.observation_end)["margin_per_customer_year"]\n'
            "uplift = profit_uplift_from_retention(\n"
            "    yearly.retention_rate, 0.05, first_year_profit=profile.iloc[0],\n"
            "    later_year_profits=profile.iloc[1:].tolist(), profit_growth=0.0, discount_rate=0.10,\n"
            '    acquisition_cost=2 * company.customers["acquisition_cost"].mean())\n'
            'uplift_verdict = "below" if uplift < 0.25 else "above" if uplift > 0.85 else "inside"'
        ),
        success="the famous range is not a law: it depends on retention, on how much profit grows "
        "with tenure, and on what a customer costs to win (dearer acquisition makes each customer kept "
        "worth more).",
        mistakes=[
            (
                lambda answer, company: (
                    _verdict(company, 1.0) != _verdict(company) and answer.strip().lower() == _verdict(company, 1.0)
                ),
                "that is the verdict at today's acquisition cost, the lesson's. The question doubles it.",
            ),
        ],
    ),
    # ----------------------------------------------------------------- conceptual questions
    Question(
        variable="steady_state_if_inflow_doubles",
        expected="it doubles",
        kind="concept",
        choices=("it doubles", "it rises by less than double", "it stays the same", "it halves"),
        hints=[
            "Where does the bucket settle? Where the inflow equals the outflow, churn × customers.",
            "Solve inflow = churn × N for N: the steady state is inflow / churn.",
            "Double the numerator of inflow / churn and keep the denominator.",
        ],
        solution="steady_state_if_inflow_doubles = 'it doubles'",
        wrong={
            "it rises by less than double": (
                "the outflow does grow with the base, but only until it matches the new inflow: the steady state "
                "inflow / churn is proportional to the inflow, so twice the inflow settles at exactly twice the "
                "base. What does not change is the pace: the gap still shrinks by (1 − churn) a month."
            ),
            "it stays the same": (
                "the ceiling is inflow / churn, so more inflow raises it. What doubling the inflow leaves unchanged "
                "is the pace of approach, set by churn alone."
            ),
            "it halves": "the inflow is the numerator of inflow / churn, not the denominator: more pouring raises the "
            "level; more churn (a bigger denominator) lowers it.",
        },
        success="the steady state is inflow / churn: doubling the inflow doubles it, and so does halving the "
        "churn. Two levers, one ceiling; which one to pull depends on what each costs.",
    ),
    Question(
        variable="unpluggable_hole",
        expected="no_longer_needed",
        kind="concept",
        choices=CHURN_REASONS,
        hints=[
            "Go through the reasons and ask, for each, what the company could do about it.",
            "Service holes are fixed by the company; deal-seekers can be bonded; a poor fit can be "
            "customized. Which reason lies outside the relationship altogether?",
            "Which customer would leave even from a perfect company?",
        ],
        solution="unpluggable_hole = 'no_longer_needed'",
        wrong={
            "price": "price is a hole of value for money: a financial bond, a better-targeted offer or a higher "
            "perceived value plugs part of it (lesson 02).",
            "competitor_offer": "a rival's offer can be countered: bonds that a rival cannot copy tomorrow (social, "
            "customization, structural) plug this hole.",
            "poor_service": "poor service is the hole most fully in the company's hands: fix the service.",
            "product_fit": "a poor fit can be plugged by customization (one-to-one offers, mass customization) or "
            "by steering the customer to a product that fits.",
            "unresolved_complaint": (
                "a complaint is a chance to recover: resolving it quickly and well plugs this hole."
            ),
        },
        success="a customer whose need has ended leaves whatever you do. The most a company can do is follow "
        "the customer to the next need and part on good terms; leave this hole out when you budget plugs.",
    ),
    Question(
        variable="plug_wins_when",
        expected="saved",
        kind="concept",
        choices=("saved", "enrolled", "churn", "always"),
        hints=[
            "The programme is paid for every customer enrolled; how many of them does it actually keep?",
            "Each month it keeps churn × cut of the customers it pays for, so one customer saved costs "
            "programme cost / (churn × cut).",
            "Blattberg & Deighton (1996): put the next unit of money where it buys more customers of equal "
            "value, so compare a customer saved with a customer won.",
        ],
        solution="plug_wins_when = 'saved'",
        wrong={
            "enrolled": "the programme is paid for every customer, but only churn × cut of them are saved each month: "
            "compare the cost per customer *saved*, programme cost / (churn × cut), not the cost per "
            "customer enrolled.",
            "churn": "high churn helps a plug (more of those enrolled were about to leave), but no churn level "
            "decides alone: the programme's cost, its cut and the cost of acquisition all enter the test.",
            "always": "that is the slogan the lesson tests. With low churn a blanket plug can cost several times a "
            "customer won; with dear acquisition it can cost far less. It depends on the numbers.",
        },
        success="Blattberg & Deighton's customer-equity test: plug when programme cost / (churn × cut) is "
        "below the cost per acquisition, pour otherwise, and recheck as acquisition gets dearer.",
    ),
    Question(
        variable="first_step",
        expected="learn why they leave",
        kind="concept",
        choices=("learn why they leave", "discount for everyone", "advertise more", "wait for complaints"),
        hints=[
            "The class notes give the remedy for a leaky bucket in two verbs. Which comes first?",
            "You cannot choose a plug before you know which holes there are.",
            "Think of section 2 of the lesson: the Pareto of reasons, split by satisfaction.",
        ],
        solution="first_step = 'learn why they leave'",
        wrong={
            "discount for everyone": (
                "a blanket discount is paid for every customer, including the many who would have stayed, and does "
                "nothing for those who leave over service: first find out which holes there are."
            ),
            "advertise more": "that pours more in; it plugs nothing. The notes' remedy starts with understanding why "
            "customers leave, then spending time on keeping them.",
            "wait for complaints": "most unhappy customers never complain, and in the lesson many lost customers never "
            "answered a survey at all: the notes ask for continuous monitoring, not waiting.",
        },
        success="understand why customers leave (the reasons, by satisfaction and segment), then spend time "
        "and money keeping the ones you can keep, hole by hole.",
    ),
]


def bind(company, namespace):
    """Lesson 03's questions tied to ``company`` and the notebook's ``globals()``."""
    return _bind(QUESTIONS, company, namespace)
