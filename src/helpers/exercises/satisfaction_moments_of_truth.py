"""Lesson 07 exercises: satisfaction gaps, moments of truth, service recovery, the chain and the NPS.

Questions 8–10 are conceptual, on the class notes' own frameworks: a moment of truth to place in
the 2×2 (detectable or not × more or less important), satisfaction as perception against
expectation, and the link of the employee–customer chain that a described problem breaks.
"""

from __future__ import annotations

from helpers import schema
from helpers.checks import Question
from helpers.checks import bind as _bind
from helpers.loyalty import nps
from helpers.satisfaction import (
    MOMENT_TYPES,
    chain_links,
    contact_outcomes,
    employee_chain,
    moments_of_truth,
    recovery_table,
)

# The lines the solution of question 4 starts with (each solution runs on its own).
MOMENTS = (
    "from helpers.satisfaction import contact_outcomes, moments_of_truth\n"
    "outcomes = contact_outcomes(company.interactions, company.churn, company.observation_end)\n"
    "moments = moments_of_truth(outcomes)\n"
)


def _gap(company):
    return company.surveys["perception"] - company.surveys["expectation"]


def _last_year(company):
    years = company.surveys["date"].dt.year
    return years == years.max()


def _moments(company, bad_rating=2):
    outcomes = contact_outcomes(company.interactions, company.churn, company.observation_end)
    return moments_of_truth(outcomes, bad_rating=bad_rating)


def _recovery(company, window_days=90):
    return recovery_table(
        contact_outcomes(company.interactions, company.churn, company.observation_end, window_days=window_days)
    )


def _recovery_difference(company, window_days=60):
    left = _recovery(company, window_days)["left_share"]
    return left["complaint not resolved"] - left["complaint resolved"]


def _chain(company):
    return employee_chain(company.employees, company.customers, company.surveys, company.churn, company.observation_end)


def _chain_r(company, first, second):
    return chain_links(_chain(company), [(first, second)]).iloc[0]["r"]


def _nps_of(company, segment_label, last_year_only=True):
    surveys = company.surveys
    segment = surveys["customer_id"].map(company.customers.set_index("customer_id")["segment"]).astype(str)
    chosen = segment == segment_label
    if last_year_only:
        chosen &= surveys["date"].dt.year == surveys["date"].dt.year.max()
    return nps(surveys.loc[chosen, "recommend"])


def _close(a, b):
    return abs(float(a) - float(b)) < 1e-9


QUESTIONS = [
    Question(
        variable="mean_gap_last_year",
        expected=lambda company: _gap(company)[_last_year(company)].mean(),
        kind="number",
        hints=[
            "The gap of one answer is perception − expectation (both on the 1–7 scale). Keep only the answers "
            "given in the last calendar year of the data.",
            "`gap_table(satisfaction_gaps(company.surveys), by=company.surveys['date'].dt.year)` gives the mean "
            "gap of every year; or subtract the two columns, keep the rows where "
            "`surveys['date'].dt.year == surveys['date'].dt.year.max()` and take the mean.",
        ],
        solution=(
            "surveys = company.surveys\n"
            'last_year = surveys["date"].dt.year == surveys["date"].dt.year.max()\n'
            'mean_gap_last_year = (surveys["perception"] - surveys["expectation"])[last_year].mean()'
        ),
        success="compare it with the mean over all years in section 1: a gap that shrinks while the service holds "
        "means expectations are rising.",
        mistakes=[
            (
                lambda a, c: _close(a, _gap(c).mean()),
                "that is the mean gap over all the years, the figure printed in section 1. Keep only the answers "
                "of the last calendar year.",
            ),
            (
                lambda a, c: _close(a, -_gap(c)[_last_year(c)].mean()),
                "the sign is reversed: the gap is perception minus expectation.",
            ),
            (
                lambda a, c: _close(a, c.surveys.loc[_last_year(c), "satisfaction"].mean()),
                "that is the mean satisfaction (1–5). The gap compares perception with expectation.",
            ),
        ],
    ),
    Question(
        variable="share_let_down_by_2",
        expected=lambda company: (_gap(company) <= -2).mean(),
        kind="number",
        hints=[
            "A customer is let down when the perception is *below* the expectation: a negative gap. Here only "
            "the answers let down by 2 points or more count.",
            "Compare the gap with −2 (`<= -2`) and take the mean of the booleans.",
        ],
        solution='share_let_down_by_2 = (company.surveys["perception"] - company.surveys["expectation"] <= -2).mean()',
        success="these are the deep negative disconfirmations in Oliver's terms: compare them with all the "
        "let-downs of section 1.",
        mistakes=[
            (
                lambda a, c: _close(a, (_gap(c) < 0).mean()),
                "that is the share of every let-down (gap below 0), printed in section 1. Count only the answers "
                "with a gap of −2 or less.",
            ),
            (
                lambda a, c: _close(a, (_gap(c) < -2).mean()),
                "that leaves out the gaps of exactly −2. A let-down *by 2 points or more* includes them (`<= -2`).",
            ),
            (
                lambda a, c: _close(a, (_gap(c) <= -2).sum()),
                "that is the number of answers. Give the share: divide by all the answers (or take the mean).",
            ),
            (lambda a, c: a > 1, "give the share as a fraction between 0 and 1, not a percentage."),
        ],
    ),
    Question(
        variable="complaint_detectability",
        expected=lambda company: _moments(company, bad_rating=3).loc["complaint", "detectability"],
        kind="number",
        hints=[
            "`contact_outcomes(...)` follows every contact; `moments_of_truth(outcomes, bad_rating=...)` gives "
            "one row per touchpoint with its detectability.",
            "Detectability counts only the bad moments: here those rated 1–3 (`bad_rating=3`), and it is the "
            "share of them recorded as not resolved.",
            "`moments_of_truth(outcomes, bad_rating=3).loc['complaint', 'detectability']`",
        ],
        solution=(
            "from helpers.satisfaction import contact_outcomes, moments_of_truth\n"
            "outcomes = contact_outcomes(company.interactions, company.churn, company.observation_end)\n"
            "moments = moments_of_truth(outcomes, bad_rating=3)\n"
            'complaint_detectability = moments.loc["complaint", "detectability"]'
        ),
        success="compare it with section 3 (ratings 1–2): where you draw the line for a 'bad' moment changes how "
        "visible a touchpoint looks, and so its place in the 2×2.",
        mistakes=[
            (
                lambda a, c: _close(a, _moments(c, bad_rating=2).loc["complaint", "detectability"]),
                "that counts only the complaints rated 1–2 as bad, as section 3 does. This question counts a "
                "rating of 3 as bad too: `moments_of_truth(outcomes, bad_rating=3)`.",
            ),
            (
                lambda a, c: _close(
                    a, (~c.interactions.loc[c.interactions["type"] == "complaint", "resolved"].astype(bool)).mean()
                ),
                "that is the share of *all* complaints left unresolved. Detectability looks only at the bad "
                "moments, those the customer rated 1 to 3.",
            ),
            (
                lambda a, c: _close(a, 1 - _moments(c, bad_rating=3).loc["complaint", "detectability"]),
                "that is the share of bad complaints the record does *not* flag: the undetected ones.",
            ),
        ],
    ),
    Question(
        variable="costliest_touchpoint",
        expected=lambda company: str(_moments(company)["extra_losses"].idxmax()),
        kind="choice",
        choices=schema.INTERACTION_TYPES,
        hints=[
            "`extra_losses` is the importance of a bad moment times the number of bad moments: the customers "
            "lost beyond what good moments would have lost.",
            "`moments['extra_losses'].idxmax()` gives the touchpoint with the most.",
        ],
        solution=MOMENTS + 'costliest_touchpoint = moments["extra_losses"].idxmax()',
        success="many bad moments times a large effect: that is where to start.",
    ),
    Question(
        variable="recovery_difference_60d",
        expected=_recovery_difference,
        kind="number",
        hints=[
            "Follow the contacts for 60 days: `contact_outcomes(..., window_days=60)`. Then `recovery_table` "
            "gives, for complaints not resolved and resolved, the share of customers who left in that window.",
            "Subtract the `left_share` of 'complaint resolved' from that of 'complaint not resolved'.",
        ],
        solution=(
            "from helpers.satisfaction import contact_outcomes, recovery_table\n"
            "outcomes = contact_outcomes(company.interactions, company.churn, company.observation_end, "
            "window_days=60)\n"
            "recovery = recovery_table(outcomes)\n"
            'recovery_difference_60d = (recovery.loc["complaint not resolved", "left_share"]\n'
            '                           - recovery.loc["complaint resolved", "left_share"])'
        ),
        success="compare it with the 90 days of section 5, and remember that this crude difference also contains "
        "the difference between the customers.",
        mistakes=[
            (
                lambda a, c: _close(a, _recovery_difference(c, window_days=90)),
                "that is the difference within 90 days, printed in section 5. Follow the contacts for 60 days "
                "(`window_days=60`).",
            ),
            (
                lambda a, c: _close(
                    a,
                    _recovery(c, 60).loc["complaint not resolved", "left_share"]
                    / _recovery(c, 60).loc["complaint resolved", "left_share"],
                ),
                "that is a ratio. The question asks for the difference of the two shares.",
            ),
            (
                lambda a, c: _close(a, -_recovery_difference(c)),
                "the sign is reversed: subtract the resolved complaints' share from the unresolved ones'.",
            ),
            (lambda a, c: a > 1, "give the difference as a fraction (e.g. 0.10), not in percentage points."),
        ],
    ),
    Question(
        variable="employee_churn_r",
        expected=lambda company: _chain_r(company, "satisfaction", "monthly_churn"),
        kind="number",
        hints=[
            "`employee_chain(...)` has one row per employee, with their `satisfaction` and the monthly churn rate "
            "of their customers (`monthly_churn`: churns per customer-month).",
            "`chain_links(chain, [('satisfaction', 'monthly_churn')])` gives the correlation `r`.",
        ],
        solution=(
            "from helpers.satisfaction import chain_links, employee_chain\n"
            "chain = employee_chain(company.employees, company.customers, company.surveys, company.churn, "
            "company.observation_end)\n"
            'employee_churn_r = chain_links(chain, [("satisfaction", "monthly_churn")]).iloc[0]["r"]'
        ),
        success="the chain from end to end in one number; it cannot say which link carries it, nor which way it "
        "runs: section 6 measures the links one by one.",
        mistakes=[
            (
                lambda a, c: _close(a, _chain_r(c, "satisfaction", "customer_satisfaction")),
                "that is the link to the customers' satisfaction, printed in section 6. This question goes to the "
                "end of the chain: the customers' `monthly_churn`.",
            ),
            (
                lambda a, c: _close(a, _chain_r(c, "customer_satisfaction", "monthly_churn")),
                "that is the last link alone, from the customers' satisfaction. Start from the employee's own "
                "`satisfaction`.",
            ),
            (
                lambda a, c: _close(a, _chain_r(c, "log_tenure", "monthly_churn")),
                "that starts from the employee's tenure. The question asks for their satisfaction.",
            ),
            (
                lambda a, c: _close(a, -_chain_r(c, "satisfaction", "monthly_churn")),
                "the sign is reversed: keep the sign `chain_links` gives.",
            ),
        ],
    ),
    Question(
        variable="nps_b2b_last_year",
        expected=lambda company: _nps_of(company, "B2B"),
        kind="number",
        hints=[
            "Put each answer's segment beside it: map `customer_id` to `company.customers`' `segment`.",
            "Keep the answers of businesses (B2B) given in the last calendar year of the data "
            "(`surveys['date'].dt.year == surveys['date'].dt.year.max()`), and call `nps(...)` on their "
            "`recommend` answers.",
        ],
        solution=(
            "from helpers.loyalty import nps\n"
            "surveys = company.surveys\n"
            'segment = surveys["customer_id"].map(company.customers.set_index("customer_id")["segment"])\n'
            'last_year = surveys["date"].dt.year == surveys["date"].dt.year.max()\n'
            'nps_b2b_last_year = nps(surveys.loc[(segment == "B2B") & last_year, "recommend"])'
        ),
        success="compare it with the consumers' score and with earlier years, and mind the interval.",
        mistakes=[
            (
                lambda a, c: _close(a, _nps_of(c, "B2B", last_year_only=False)),
                "that uses every year. Keep only the answers of the last calendar year.",
            ),
            (lambda a, c: _close(a, _nps_of(c, "B2C")), "that is the consumers' (B2C) score."),
            (lambda a, c: -1 <= a <= 1 and a != 0, "the NPS is in points from −100 to 100, not a fraction."),
        ],
    ),
]


#: The answers of the conceptual questions 9 and 10.
WHY_SATISFACTION_FELL = (
    "the service got worse",
    "expectations rose more than perception",
    "satisfaction does not depend on the service",
    "the survey scale changed",
)
CHAIN_LINKS = (
    "satisfied employees → loyal employees",
    "loyal employees → satisfied customers",
    "satisfied customers → loyal customers",
)


CONCEPTUAL = [
    Question(
        variable="moment_quadrant",
        kind="concept",
        choices=MOMENT_TYPES,
        expected="not detectable, more important",
        hints=[
            "Two questions: would the company's own records show that this moment went wrong? And does a bad "
            "one make customers leave?",
            "The guest said nothing and the booking system shows a normal stay; the guest never came back.",
        ],
        solution='moment_quadrant = "not detectable, more important"',
        wrong={
            "detectable, more important": (
                "it matters, but nothing in the hotel's records flags it: the guest did not complain and the stay "
                "looks normal. A moment is detectable only if the company can see it go wrong at the time."
            ),
            "detectable, less important": (
                "neither half fits: the failure left no trace in the records, and it cost a customer."
            ),
            "not detectable, less important": (
                "it is invisible, yes, but not minor: the guest took their next stays elsewhere. Importance is "
                "measured by what a bad moment does to loyalty."
            ),
        },
        success="the most dangerous quadrant: make it visible (a one-question rating at checkout, a follow-up) "
        "before it empties the bucket.",
    ),
    Question(
        variable="why_satisfaction_fell",
        kind="concept",
        choices=WHY_SATISFACTION_FELL,
        expected="expectations rose more than perception",
        hints=[
            "In the class notes, satisfaction is the result of perceptions measured against the expectations the "
            "customer had before the contact.",
            "The queue got shorter (perception up), but what did the rival's campaign do to what customers expect?",
        ],
        solution='why_satisfaction_fell = "expectations rose more than perception"',
        wrong={
            "the service got worse": (
                "the service improved: waits fell from 15 to 8 minutes. Satisfaction compares that with what the "
                "customer expected, and the rival's promise raised the expectation."
            ),
            "satisfaction does not depend on the service": (
                "it does, through perception; but perception is judged against expectation, which rose more."
            ),
            "the survey scale changed": (
                "nothing in the case says so. The same question can fall when expectations rise faster than the "
                "service improves."
            ),
        },
        success="satisfaction = perception against expectation: manage what you promise (and watch competitors' "
        "promises) as well as what you deliver.",
    ),
    Question(
        variable="broken_link",
        kind="concept",
        choices=CHAIN_LINKS,
        expected="satisfied employees → loyal employees",
        hints=[
            "Walk along the notes' chain: satisfied employees → loyal employees → satisfied customers → loyal "
            "customers. Which stage holds, and which one does not follow from the one before?",
            "The staff say they are happy, yet half leave within a year.",
        ],
        solution='broken_link = "satisfied employees → loyal employees"',
        wrong={
            "loyal employees → satisfied customers": (
                "that link works as the chain predicts: without loyal (long-serving) employees, customers start from "
                "zero and are less satisfied. The chain breaks earlier: satisfied staff do not stay."
            ),
            "satisfied customers → loyal customers": (
                "the customers are not satisfied in the first place, so this link is never tested. Look for the "
                "first stage that does not follow from the one before."
            ),
        },
        success="satisfaction alone did not keep the staff (pay, career, workload matter too); fix that link and "
        "the rest of the chain can work.",
    ),
]
QUESTIONS = QUESTIONS + CONCEPTUAL


def bind(company, namespace):
    """Lesson 07's questions tied to ``company`` and the notebook's ``globals()``."""
    return _bind(QUESTIONS, company, namespace)
