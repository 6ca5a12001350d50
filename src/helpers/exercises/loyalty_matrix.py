"""Lesson 05 exercises: the satisfaction–loyalty curve, the loyalty matrix, the NPS and what to do with each type."""

from __future__ import annotations

from helpers.checks import Question
from helpers.checks import bind as _bind
from helpers.loyalty import (
    LOYALTY_TYPES,
    loyalty_components,
    loyalty_segment,
    nps,
    nps_category,
    satisfaction_loyalty_curve,
    segment_summary,
    survey_outcomes,
)

# The lines every solution from question 4 on starts with (each solution runs on its own).
TABLE = (
    "from helpers.loyalty import loyalty_components, loyalty_segment, nps, nps_category, segment_summary\n"
    "table = loyalty_components(company.customers, company.transactions, company.surveys, "
    "company.bonds, company.churn, company.observation_end)\n"
    "types = loyalty_segment(table)\n"
)


def _curve(company):
    outcomes = survey_outcomes(company.surveys, company.transactions, company.churn, company.observation_end)
    return satisfaction_loyalty_curve(outcomes)


def _table(company):
    return loyalty_components(
        company.customers, company.transactions, company.surveys, company.bonds, company.churn, company.observation_end
    )


def _summary(company):
    table = _table(company)
    return segment_summary(loyalty_segment(table), table["margin"])


def _type_and_answer(company):
    table = _table(company)
    placed = table.assign(loyalty_type=loyalty_segment(table)).dropna(subset=["loyalty_type"])
    return placed


def _nps_of(company, kind):
    placed = _type_and_answer(company)
    return nps(placed.loc[placed["loyalty_type"] == kind, "recommend"])


def _most_detractors(company):
    placed = _type_and_answer(company)
    placed["detractor"] = nps_category(placed["recommend"]) == "detractor"
    return str(placed.groupby("loyalty_type", observed=True)["detractor"].mean().idxmax())


def _not_placed_margin(company):
    table = _table(company)
    return float(table.loc[table["satisfaction"].isna(), "margin"].sum())


def _close(a, b):
    return abs(float(a) - float(b)) < 1e-9


QUESTIONS = [
    Question(
        variable="share_satisfied",
        expected=lambda company: (company.surveys["satisfaction"] >= 4).mean(),
        kind="number",
        hints=[
            "On the five-level scale, 4 is 'satisfied' and 5 'completely satisfied'.",
            "Compare `company.surveys['satisfaction']` with 4 (`>= 4`) and take the mean of the booleans.",
        ],
        solution='share_satisfied = (company.surveys["satisfaction"] >= 4).mean()',
        success="most answers look good. The next question shows why a 4 is not a 5.",
        mistakes=[
            (
                lambda a, c: _close(a, (c.surveys["satisfaction"] == 5).mean()),
                "that counts only the 5s. 'Satisfied or better' includes the 4s.",
            ),
            (lambda a, c: a > 1, "give the share as a fraction between 0 and 1, not a percentage."),
        ],
    ),
    Question(
        variable="retention_gap",
        expected=lambda company: _curve(company).loc[5, "retention_rate"] - _curve(company).loc[4, "retention_rate"],
        kind="number",
        hints=[
            "`survey_outcomes(...)` follows each answer for 180 days; `satisfaction_loyalty_curve(outcomes)` "
            "gives the retention rate of each level.",
            "Take the retention rate of level 5 minus that of level 4 (a difference of two fractions).",
            "`curve.loc[5, 'retention_rate'] - curve.loc[4, 'retention_rate']`",
        ],
        solution=(
            "from helpers.loyalty import satisfaction_loyalty_curve, survey_outcomes\n"
            "outcomes = survey_outcomes(company.surveys, company.transactions, company.churn, "
            "company.observation_end)\n"
            "curve = satisfaction_loyalty_curve(outcomes)\n"
            'retention_gap = curve.loc[5, "retention_rate"] - curve.loc[4, "retention_rate"]'
        ),
        success="that gap between 'satisfied' and 'completely satisfied' is the heart of Jones & Sasser (1995).",
        mistakes=[
            (
                lambda a, c: _close(a, _curve(c).loc[5, "retention_rate"] / _curve(c).loc[4, "retention_rate"]),
                "that is a ratio. The question asks for the difference (level 5 minus level 4).",
            ),
            (
                lambda a, c: _close(a, 100 * (_curve(c).loc[5, "retention_rate"] - _curve(c).loc[4, "retention_rate"])),
                "give the difference as a fraction (e.g. 0.12), not in percentage points.",
            ),
            (lambda a, c: a < 0, "the sign is reversed: subtract level 4 from level 5."),
        ],
    ),
    Question(
        variable="margin_not_placed",
        expected=lambda company: _not_placed_margin(company),
        kind="number",
        hints=[
            "`loyalty_components(...)` has one row per customer active at the end of the data, with the "
            "`margin` of the last 12 months.",
            "A customer who never answered a survey has NaN in `satisfaction`: select those rows with "
            "`.isna()` and sum their `margin`.",
        ],
        solution=(
            "from helpers.loyalty import loyalty_components\n"
            "table = loyalty_components(company.customers, company.transactions, company.surveys, "
            "company.bonds, company.churn, company.observation_end)\n"
            'margin_not_placed = table.loc[table["satisfaction"].isna(), "margin"].sum()'
        ),
        success="that margin belongs to active customers the matrix cannot place until they answer a survey: "
        "reaching them is the first task.",
        mistakes=[
            (
                lambda a, c: _close(a, int(_table(c)["satisfaction"].isna().sum())),
                "that is how many customers were never surveyed. The question asks for the margin they bring.",
            ),
            (
                lambda a, c: _close(a, _table(c).loc[_table(c)["satisfaction"].notna(), "margin"].sum()),
                "that is the margin of the customers who did answer. Keep those whose `satisfaction` is NaN.",
            ),
            (
                lambda a, c: _close(a, _table(c)["margin"].sum()),
                "that is the margin of every active customer. Keep only those who never answered a survey.",
            ),
        ],
    ),
    Question(
        variable="mercenary_value_share",
        expected=lambda company: _summary(company).loc["mercenary", "value_share"],
        kind="number",
        hints=[
            "`segment_summary(loyalty_segment(table), table['margin'])` gives the value at stake of each type.",
            "Read the `value_share` of the row 'mercenary'.",
        ],
        solution=(
            TABLE + 'summary = segment_summary(types, table["margin"])\n'
            'mercenary_value_share = summary.loc["mercenary", "value_share"]'
        ),
        success="mercenaries are many and satisfied, but each brings little margin: a reason to give them "
        "a reason to stay.",
        mistakes=[
            (
                lambda a, c: _close(a, _summary(c).loc["mercenary", "share"]),
                "that is the mercenaries' share of customers. The question asks for their share of the value.",
            )
        ],
    ),
    Question(
        variable="nps_apostles",
        expected=lambda company: _nps_of(company, "apostle"),
        kind="number",
        hints=[
            "Put the loyalty type beside each customer's latest `recommend` answer in the loyalty table.",
            "Keep the apostles' answers and call `nps(...)` on them.",
        ],
        solution=(TABLE + 'nps_apostles = nps(table.loc[types == "apostle", "recommend"])'),
        success="apostles are the company's promoters, though not all of them: not every apostle recommends.",
        mistakes=[
            (
                lambda a, c: _close(a, nps(_table(c)["recommend"].dropna())),
                "that is the NPS of every surveyed customer. Keep only the apostles.",
            ),
            (lambda a, c: -1 <= a <= 1, "the NPS is in points from −100 to 100, not a fraction."),
        ],
    ),
    Question(
        variable="bigger_value_at_risk",
        expected=lambda company: str(_summary(company).loc[["mercenary", "hostage"], "value"].idxmax()),
        kind="choice",
        choices=("mercenary", "hostage"),
        hints=[
            "Both types are at risk: mercenaries leave for a better offer, hostages as soon as they can.",
            "Compare `summary.loc['mercenary', 'value']` and `summary.loc['hostage', 'value']`.",
        ],
        solution=(
            TABLE + 'summary = segment_summary(types, table["margin"])\n'
            'bigger_value_at_risk = summary.loc[["mercenary", "hostage"], "value"].idxmax()'
        ),
        success="now weigh it against how many customers each type has and what it would cost to win them over.",
    ),
    Question(
        variable="most_detractors",
        expected=_most_detractors,
        kind="choice",
        choices=LOYALTY_TYPES,
        hints=[
            "`nps_category(table['recommend'])` labels each answer detractor, passive or promoter.",
            "Group the placed customers by loyalty type and take the mean of `category == 'detractor'`; "
            "`.idxmax()` gives the type with the highest share.",
        ],
        solution=(
            TABLE + 'placed = table.assign(loyalty_type=types).dropna(subset=["loyalty_type"])\n'
            'placed["detractor"] = nps_category(placed["recommend"]) == "detractor"\n'
            'most_detractors = placed.groupby("loyalty_type", observed=True)["detractor"].mean().idxmax()'
        ),
        success="unhappy customers talk: whether they are tied or not, they are the detractors.",
    ),
    # Conceptual questions: the loyalty matrix and what to do with each type (no data needed).
    Question(
        variable="discount_leaver",
        expected="mercenary",
        kind="concept",
        choices=LOYALTY_TYPES,
        hints=[
            "Place her on the two axes: how satisfied was she, and what tied her to the company?",
            "Satisfied (a 4 every time) but held by no bond or programme: which quadrant is satisfied and loose?",
        ],
        solution='discount_leaver = "mercenary"',
        success="satisfied but not tied: a better offer is enough to take her. Only a bond a discount cannot "
        "copy (social, customization) would have kept her.",
        wrong={
            "apostle": (
                "years of satisfied buying are not a bond. An apostle is satisfied *and* tied (bonds, commitment) "
                "and does not leave for a 10 % discount; a satisfied customer who does is a mercenary."
            ),
            "hostage": "a hostage is tied but unhappy. She was satisfied, and nothing held her back.",
            "terrorist": (
                "a terrorist is dissatisfied and speaks badly of the company. She was satisfied and left quietly for "
                "price."
            ),
            "indifferent": (
                "the indifferent sit in the middle of the loyalty axis. She is clearly satisfied and clearly untied: "
                "a corner of the matrix, not its middle."
            ),
        },
    ),
    Question(
        variable="locked_in_customer",
        expected="hostage",
        kind="concept",
        choices=LOYALTY_TYPES,
        hints=[
            "Keeps buying is behaviour; rates the service 2 is satisfaction. Which axis is high and which is low?",
            "Tied (a structural bond and a contract) but dissatisfied: which quadrant is that?",
        ],
        solution='locked_in_customer = "hostage"',
        success="tied but unhappy: the contract and the built-in system hold the customer, not the service.",
        wrong={
            "apostle": "staying is not the same as wanting to stay. An apostle is completely satisfied; this customer "
            "rates the service 2 and stays because leaving is hard: a hostage.",
            "terrorist": "a terrorist is dissatisfied and *not* tied, so leaves. This one is held by a contract and a "
            "structural bond. It becomes a terrorist the day the contract ends, if nothing changes.",
            "mercenary": "a mercenary is satisfied and not tied; this customer is the opposite on both axes.",
            "indifferent": (
                "the indifferent are in the middle of the loyalty axis. A three-year contract and an ordering system "
                "built into the customer's own purchasing are about as tied as a customer gets."
            ),
        },
    ),
    Question(
        variable="hostage_action",
        expected="b",
        kind="concept",
        choices=("a", "b", "c", "d"),
        hints=[
            "Why is a hostage still a customer, and what happens on the day that reason goes away?",
            "Of the four, only one changes how the customer feels; the others change what holds them or nothing.",
        ],
        solution='hostage_action = "b"',
        success="fix the cause before the barrier falls: a hostage whose problem is solved can become an apostle, "
        "one who escapes becomes a terrorist.",
        wrong={
            "a": "a tighter lock keeps them for now and makes the resentment worse. A bond that feels like a trap "
            "scares customers (lesson 02), and when it breaks, the hostage leaves as a terrorist.",
            "c": "a hostage stays only while the barrier holds: it is a delayed defection, and meanwhile the "
            "customer is a detractor who talks (section 5 of the lesson).",
            "d": "a discount answers price, the mercenary's problem. The hostage's problem is the service; "
            "a discount leaves it unsolved and costs margin.",
        },
    ),
    Question(
        variable="demanding_terrorist",
        expected="b",
        kind="concept",
        choices=("a", "b", "c", "d"),
        hints=[
            "The class notes warn that the customer is not always right (el cliente no siempre tiene la razón).",
            "Listen and fix what is a real failure; then compare what the customer costs with what they bring.",
        ],
        solution='demanding_terrorist = "b"',
        success="the customer is not always right: fix the real failures, and let go, politely, a customer who "
        "costs more than he brings and mistreats the staff.",
        wrong={
            "a": "'the customer is always right' is the slogan the notes reject. Giving in costs more than his "
            "margin, and tells the staff the company will not back them.",
            "c": "ignoring him skips the first step: some complaints point at a real failure that affects other "
            "customers too. Listen first, then decide.",
            "d": "a points programme is a financial bond: it would tie a dissatisfied customer and make him a "
            "hostage, not solve anything.",
        },
    ),
]


def bind(company, namespace):
    """Lesson 05's questions tied to ``company`` and the notebook's ``globals()``."""
    return _bind(QUESTIONS, company, namespace)
