"""Lesson 07 exercises: satisfaction gaps, moments of truth, service recovery, the chain and the NPS."""

from __future__ import annotations

from helpers import schema
from helpers.checks import Question
from helpers.checks import bind as _bind
from helpers.loyalty import nps
from helpers.satisfaction import chain_links, contact_outcomes, employee_chain, moments_of_truth, recovery_table

# The lines the solutions of questions 3 and 4 start with (each solution runs on its own).
MOMENTS = (
    "from helpers.satisfaction import contact_outcomes, moments_of_truth\n"
    "outcomes = contact_outcomes(company.interactions, company.churn, company.observation_end)\n"
    "moments = moments_of_truth(outcomes)\n"
)


def _gap(company):
    return company.surveys["perception"] - company.surveys["expectation"]


def _moments(company):
    return moments_of_truth(contact_outcomes(company.interactions, company.churn, company.observation_end))


def _recovery(company):
    return recovery_table(contact_outcomes(company.interactions, company.churn, company.observation_end))


def _chain(company):
    return employee_chain(company.employees, company.customers, company.surveys, company.churn, company.observation_end)


def _answer_level_r(company):
    served_by = company.surveys["customer_id"].map(company.customers.set_index("customer_id")["employee_id"])
    employee_satisfaction = served_by.map(company.employees.set_index("employee_id")["satisfaction"])
    return employee_satisfaction.corr(company.surveys["satisfaction"])


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
        variable="mean_gap",
        expected=lambda company: _gap(company).mean(),
        kind="number",
        hints=[
            "The gap of one answer is perception − expectation (both on the 1–7 scale).",
            "Subtract the two columns of `company.surveys` and take the mean.",
        ],
        solution='mean_gap = (company.surveys["perception"] - company.surveys["expectation"]).mean()',
        success="on average the service beats what customers expect, but an average hides the let-downs.",
        mistakes=[
            (lambda a, c: _close(a, -_gap(c).mean()), "the sign is reversed: the gap is perception minus expectation."),
            (
                lambda a, c: _close(a, c.surveys["satisfaction"].mean()),
                "that is the mean satisfaction (1–5). The gap compares perception with expectation.",
            ),
        ],
    ),
    Question(
        variable="share_let_down",
        expected=lambda company: (_gap(company) < 0).mean(),
        kind="number",
        hints=[
            "A customer is let down when the perception is *below* the expectation: a negative gap.",
            "Compare the gap with 0 (`< 0`) and take the mean of the booleans.",
        ],
        solution='share_let_down = (company.surveys["perception"] < company.surveys["expectation"]).mean()',
        success="these answers are negative disconfirmations in Oliver's terms.",
        mistakes=[
            (
                lambda a, c: _close(a, (_gap(c) <= 0).mean()),
                "that includes the gaps of exactly 0. A gap of 0 is a confirmation, not a let-down.",
            ),
            (lambda a, c: a > 1, "give the share as a fraction between 0 and 1, not a percentage."),
        ],
    ),
    Question(
        variable="complaint_detectability",
        expected=lambda company: _moments(company).loc["complaint", "detectability"],
        kind="number",
        hints=[
            "`contact_outcomes(...)` follows every contact; `moments_of_truth(outcomes)` gives one row per "
            "touchpoint with its detectability.",
            "Detectability counts only the bad moments (rated 1–2): the share of them recorded as not resolved.",
            "`moments.loc['complaint', 'detectability']`",
        ],
        solution=MOMENTS + 'complaint_detectability = moments.loc["complaint", "detectability"]',
        success="most failed complaints are visible in the records, so the company can act on them in time.",
        mistakes=[
            (
                lambda a, c: _close(
                    a, (~c.interactions.loc[c.interactions["type"] == "complaint", "resolved"].astype(bool)).mean()
                ),
                "that is the share of *all* complaints left unresolved. Detectability looks only at the bad "
                "moments, those the customer rated 1 or 2.",
            ),
            (
                lambda a, c: _close(a, 1 - _moments(c).loc["complaint", "detectability"]),
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
        variable="recovery_difference",
        expected=lambda company: (
            _recovery(company).loc["complaint not resolved", "left_share"]
            - _recovery(company).loc["complaint resolved", "left_share"]
        ),
        kind="number",
        hints=[
            "`recovery_table(outcomes)` gives, for complaints not resolved and resolved, the share of "
            "customers who left within 90 days.",
            "Subtract the `left_share` of 'complaint resolved' from that of 'complaint not resolved'.",
        ],
        solution=(
            "from helpers.satisfaction import contact_outcomes, recovery_table\n"
            "outcomes = contact_outcomes(company.interactions, company.churn, company.observation_end)\n"
            "recovery = recovery_table(outcomes)\n"
            'recovery_difference = (recovery.loc["complaint not resolved", "left_share"]\n'
            '                       - recovery.loc["complaint resolved", "left_share"])'
        ),
        success="remember that this crude difference also contains the difference between the customers.",
        mistakes=[
            (
                lambda a, c: _close(
                    a,
                    _recovery(c).loc["complaint not resolved", "left_share"]
                    / _recovery(c).loc["complaint resolved", "left_share"],
                ),
                "that is a ratio. The question asks for the difference of the two shares.",
            ),
            (
                lambda a, c: a < 0,
                "the sign is reversed: subtract the resolved complaints' share from the unresolved ones'.",
            ),
            (lambda a, c: a > 1, "give the difference as a fraction (e.g. 0.10), not in percentage points."),
        ],
    ),
    Question(
        variable="employee_customer_r",
        expected=lambda company: chain_links(_chain(company), [("satisfaction", "customer_satisfaction")]).iloc[0]["r"],
        kind="number",
        hints=[
            "`employee_chain(...)` has one row per employee, with their `satisfaction` and the mean satisfaction "
            "of their customers' answers (`customer_satisfaction`).",
            "`chain_links(chain, [('satisfaction', 'customer_satisfaction')])` gives the correlation `r`.",
        ],
        solution=(
            "from helpers.satisfaction import chain_links, employee_chain\n"
            "chain = employee_chain(company.employees, company.customers, company.surveys, company.churn, "
            "company.observation_end)\n"
            'employee_customer_r = chain_links(chain, [("satisfaction", "customer_satisfaction")]).iloc[0]["r"]'
        ),
        success="employees and their customers move together; a correlation does not say which way it runs.",
        mistakes=[
            (
                lambda a, c: _close(a, _answer_level_r(c)),
                "that correlates every single answer with its employee's satisfaction. The chain is measured "
                "per employee: average each employee's customers' answers first (`employee_chain`).",
            ),
            (
                lambda a, c: _close(a, chain_links(_chain(c), [("log_tenure", "customer_satisfaction")]).iloc[0]["r"]),
                "that is the link from the employee's tenure. The question asks for their satisfaction.",
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


def bind(company, namespace):
    """Lesson 07's questions tied to ``company`` and the notebook's ``globals()``."""
    return _bind(QUESTIONS, company, namespace)
