"""Lesson 08 exercises: the portfolio, the baseline, the effects, the scope and the projection of a loyalty plan.

Then five conceptual questions on the class notes' frameworks: the order of the planning phases, the two
strategies (customer- and organization-oriented), the objective and internalised views, the culture of loyalty
and consultative selling.
"""

from __future__ import annotations

import pandas as pd

from helpers import bonds, loyalty, plan, satisfaction
from helpers.checks import Question
from helpers.checks import bind as _bind
from helpers.profitability import customer_profitability, pyramid_tier

# The lines each model solution starts with (every solution runs on its own, so they repeat).
TODAY = (
    "import pandas as pd\n"
    "from helpers import bonds, loyalty, plan, satisfaction\n"
    "from helpers.profitability import customer_profitability, pyramid_tier\n"
    "end = company.observation_end\n"
    "year_before = end - pd.DateOffset(months=12)\n"
    "components = loyalty.loyalty_components(company.customers, company.transactions, company.surveys,\n"
    "                                        company.bonds, company.churn, end)\n"
    "segments = plan.with_loyalty_type(components)\n"
    "profit = customer_profitability(company.customers, company.transactions, company.interactions,\n"
    '                                company.bonds, end, churn=company.churn)["profit"]\n'
    "profit = profit.reindex(segments.index)\n"
    "tiers = pyramid_tier(profit)\n"
)
LEAK = (
    "components_then = loyalty.loyalty_components(company.customers, company.transactions, company.surveys,\n"
    "                                             company.bonds, company.churn, year_before)\n"
    "leak = plan.segment_churn(plan.with_loyalty_type(components_then), company.churn, year_before, end,\n"
    "                          prior_customers=10)\n"
)
BASE = 'base = plan.plan_base(components, segments, tiers, profit, leak["monthly_churn"])\n'
EFFECTS = (
    "panel = bonds.customer_months(company.customers, company.churn, company.bonds, end,\n"
    "                              transactions=company.transactions)\n"
    'effects = bonds.bond_effects(panel, {"best": ["tenure_band", "segment", "recent_purchases"]})\n'
    'cost_per_level = company.bonds.groupby("level", observed=True)["cost_per_month"].mean().to_dict()\n'
    "curve = loyalty.satisfaction_loyalty_curve(loyalty.survey_outcomes(company.surveys, company.transactions,\n"
    "                                                                   company.churn, end))\n"
    'assumptions = plan.measured_assumptions(effects, "best", cost_per_level, curve,\n'
    "                                        satisfaction.level_outcomes(company.surveys))\n"
)
WORKED_PLAN = (
    "worked_plan = pd.DataFrame({\n"
    '    "action": ["social bond", "social bond", "service recovery", "service recovery",\n'
    '               "social bond", "social bond"],\n'
    '    "budget_per_month": [300, 250, 150, 100, 700, 950]}, index=plan.PLAN_SEGMENTS)\n'
    'reached = plan.reach(base, worked_plan, assumptions, lowest_tier="gold")\n'
    "kpis = plan.plan_kpis(base, reached, assumptions)\n"
)


def _today(company):
    end = company.observation_end
    components = loyalty.loyalty_components(
        company.customers, company.transactions, company.surveys, company.bonds, company.churn, end
    )
    segments = plan.with_loyalty_type(components)
    profit = customer_profitability(
        company.customers, company.transactions, company.interactions, company.bonds, end, churn=company.churn
    )["profit"].reindex(segments.index)
    return components, segments, pyramid_tier(profit), profit


def _portfolio(company):
    _, segments, tiers, profit = _today(company)
    return plan.portfolio(segments, tiers, profit).set_index(["segment", "tier"])


def _leak(company):
    end = company.observation_end
    year_before = end - pd.DateOffset(months=12)
    then = loyalty.loyalty_components(
        company.customers, company.transactions, company.surveys, company.bonds, company.churn, year_before
    )
    return plan.segment_churn(plan.with_loyalty_type(then), company.churn, year_before, end, prior_customers=10)


def _assumptions(company):
    end = company.observation_end
    panel = bonds.customer_months(
        company.customers, company.churn, company.bonds, end, transactions=company.transactions
    )
    effects = bonds.bond_effects(panel, {"best": ["tenure_band", "segment", "recent_purchases"]})
    costs = company.bonds.groupby("level", observed=True)["cost_per_month"].mean().to_dict()
    curve = loyalty.satisfaction_loyalty_curve(
        loyalty.survey_outcomes(company.surveys, company.transactions, company.churn, end)
    )
    return plan.measured_assumptions(effects, "best", costs, curve, satisfaction.level_outcomes(company.surveys))


def _base(company):
    components, segments, tiers, profit = _today(company)
    return plan.plan_base(components, segments, tiers, profit, _leak(company)["monthly_churn"])


def _best_for_platinum_apostles(company):
    best = plan.best_actions(plan.action_returns(_base(company), _assumptions(company)))
    return str(best.set_index(["segment", "tier"]).loc[("apostle", "platinum"), "action"])


def _worked(company):
    """The lesson's worked plan on ``company``: who it reaches and its KPIs."""
    base, effects = _base(company), _assumptions(company)
    worked_plan = pd.DataFrame(
        {
            "action": [
                "social bond",
                "social bond",
                "service recovery",
                "service recovery",
                "social bond",
                "social bond",
            ],
            "budget_per_month": [300, 250, 150, 100, 700, 950],
        },
        index=plan.PLAN_SEGMENTS,
    )
    reached = plan.reach(base, worked_plan, effects, lowest_tier="gold")
    return {"base": base, "reached": reached, "kpis": plan.plan_kpis(base, reached, effects)}


def _reached_in(company, tier: str, column: str = "reached") -> int:
    """How many customers of ``tier`` the lesson's worked plan reaches (or finds eligible, ``column="eligible"``)."""
    worked = _worked(company)
    in_tier = worked["base"]["tier"].astype(str) == tier
    return int(worked["reached"].loc[in_tier, column].sum())


def _phase_after(phase: str) -> str:
    phases = plan.planning_phases()["phase"].tolist()
    return phases[phases.index(phase) + 1]


def _close(a, b, rel=1e-6):
    return abs(float(a) - float(b)) <= rel * max(1.0, abs(float(b)))


QUESTIONS = [
    Question(
        variable="top_apostle_profit_share",
        expected=lambda company: _portfolio(company).loc["apostle", "value_share"].loc[["platinum", "gold"]].sum(),
        kind="number",
        hints=[
            "`plan.portfolio(segments, tiers, profit)` has one row per (loyalty type, tier) cell with "
            "`value_share`, the cell's share of the 12-month profit.",
            "Keep the rows of the apostles in the platinum and gold tiers and add their `value_share`.",
        ],
        solution=(
            TODAY + 'portfolio = plan.portfolio(segments, tiers, profit).set_index(["segment", "tier"])\n'
            'top_apostle_profit_share = portfolio.loc["apostle", "value_share"].loc[["platinum", '
            '"gold"]].sum()'
        ),
        success="a few customers carry the profit: the plan must protect them first.",
        mistakes=[
            (
                lambda a, c: _close(a, _portfolio(c).loc["apostle", "customer_share"].loc[["platinum", "gold"]].sum()),
                "that is their share of the customers. The question asks for their share of the profit.",
            ),
            (
                lambda a, c: _close(a, _portfolio(c).loc[("apostle", "platinum"), "value_share"]),
                "that counts the platinum apostles only; add the gold ones.",
            ),
            (lambda a, c: a > 1, "give the share as a fraction between 0 and 1, not a percentage."),
        ],
    ),
    Question(
        variable="mercenary_monthly_churn",
        expected=lambda company: _leak(company).loc["mercenary", "monthly_churn"],
        kind="number",
        hints=[
            "Place the customers active a year before the end in their type *of that day* "
            "(`loyalty_components(..., year_before)` and `plan.with_loyalty_type`).",
            "`plan.segment_churn(types_then, company.churn, year_before, end, prior_customers=10)` follows them "
            "for 12 months; read the `monthly_churn` of the mercenaries.",
        ],
        solution=(TODAY + LEAK + 'mercenary_monthly_churn = leak.loc["mercenary", "monthly_churn"]'),
        success="satisfied, yet they leak: a reason to give them a reason to stay.",
        mistakes=[
            (
                lambda a, c: _close(a, 1 - _leak(c).loc["mercenary", "retention"]),
                "that is the share lost over the whole year. The plan needs the monthly rate: "
                "1 − retention^(1/months).",
            ),
            (
                lambda a, c: _close(a, _leak(c).loc["mercenary", "lost"] / _leak(c).loc["mercenary", "customers"]),
                "that is the raw share lost over the year; use the table's monthly churn.",
            ),
        ],
    ),
    Question(
        variable="social_after_financial",
        expected=lambda company: (
            _assumptions(company).bond_churn["social"] / _assumptions(company).bond_churn["financial"]
        ),
        kind="number",
        hints=[
            "`assumptions.bond_churn` gives each package's churn multiplier against customers without a bond.",
            "A customer who already holds the financial bond keeps its effect; moving them to the social package "
            "multiplies their churn by the social package's multiplier divided by the financial one's.",
        ],
        solution=(
            TODAY + EFFECTS + 'social_after_financial = (assumptions.bond_churn["social"]\n'
            '                          / assumptions.bond_churn["financial"])'
        ),
        success="that is what reach() uses for a customer who climbs from one bond to the next.",
        mistakes=[
            (
                lambda a, c: _close(a, _assumptions(c).bond_churn["social"]),
                "that is the social package against no bond at all. This customer already has the financial one.",
            ),
            (
                lambda a, c: _close(
                    a, 1 - _assumptions(c).bond_churn["social"] / _assumptions(c).bond_churn["financial"]
                ),
                "that is the cut in churn; the question asks for the multiplier (what churn is multiplied by).",
            ),
        ],
    ),
    Question(
        variable="best_for_platinum_apostles",
        expected=_best_for_platinum_apostles,
        kind="choice",
        choices=(
            plan.DO_NOTHING,
            "financial bond",
            "social bond",
            "customization bond",
            "structural bond",
            "service recovery",
            "delight",
        ),
        hints=[
            "`plan.action_returns(base, assumptions)` values every action in every (type, tier) cell; "
            "`plan.best_actions(...)` keeps the best.",
            "Read the row whose segment is 'apostle' and tier 'platinum'.",
        ],
        solution=(
            TODAY + LEAK + BASE + EFFECTS + "best = plan.best_actions(plan.action_returns(base, assumptions))\n"
            'best_for_platinum_apostles = best.set_index(["segment", "tier"]).loc[("apostle", '
            '"platinum"), "action"]'
        ),
        success="the most valuable customers are where a costly bond pays.",
    ),
    Question(
        variable="platinum_reached",
        expected=lambda company: _reached_in(company, "platinum"),
        kind="number",
        hints=[
            "Build the lesson's worked plan (one action and budget per type) and call "
            '`plan.reach(base, worked_plan, assumptions, lowest_tier="gold")`.',
            "Keep the customers whose `tier` in `base` is platinum and count the True values of `reached`.",
        ],
        solution=(
            TODAY
            + LEAK
            + BASE
            + EFFECTS
            + WORKED_PLAN
            + 'platinum_reached = reached.loc[base["tier"] == "platinum", "reached"].sum()'
        ),
        success="the scope of the plan: the budgets go to the most profitable customers first.",
        mistakes=[
            (
                lambda a, c: _close(a, _worked(c)["reached"]["reached"].sum()),
                "that counts every customer reached, gold as well; keep the platinum ones.",
            ),
            (
                lambda a, c: _close(a, _reached_in(c, "platinum", "eligible")),
                "that counts every eligible platinum customer; the budgets do not reach them all.",
            ),
            (
                lambda a, c: _close(a, _reached_in(c, "gold")),
                "that is the gold customers reached; the question asks for the platinum ones.",
            ),
        ],
    ),
    Question(
        variable="equity_gain",
        expected=lambda company: (
            _worked(company)["kpis"].loc["customer_equity", "plan"]
            - _worked(company)["kpis"].loc["customer_equity", "do_nothing"]
        ),
        kind="number",
        rel_tol=1e-4,
        hints=[
            "`plan.plan_kpis(base, reached, assumptions)` has a `do_nothing` and a `plan` column.",
            "Subtract the customer equity of doing nothing from the plan's.",
        ],
        solution=(
            TODAY
            + LEAK
            + BASE
            + EFFECTS
            + WORKED_PLAN
            + 'equity_gain = kpis.loc["customer_equity", "plan"] - kpis.loc["customer_equity", '
            '"do_nothing"]'
        ),
        success="customer equity counts every future year of the customers the plan keeps, net of its cost.",
        mistakes=[
            (
                lambda a, c: _close(a, _worked(c)["kpis"].loc["customer_equity", "plan"], rel=1e-4),
                "that is the plan's customer equity. The question asks for the gain over doing nothing.",
            ),
            (lambda a, c: a < 0, "the sign is reversed: plan minus doing nothing."),
        ],
    ),
    Question(
        variable="meets_retention_target",
        expected=lambda company: (
            "yes"
            if plan.check_targets(_worked(company)["kpis"], plan.set_targets(_worked(company)["kpis"])).loc[
                "retention_12m", "met"
            ]
            else "no"
        ),
        kind="choice",
        choices=("yes", "no"),
        hints=[
            "`plan.set_targets(kpis)` adds five points to the 12-month retention of doing nothing.",
            "`plan.check_targets(kpis, targets)` says in `met` whether the plan reaches each target.",
        ],
        solution=(
            TODAY + LEAK + BASE + EFFECTS + WORKED_PLAN + "check = plan.check_targets(kpis, plan.set_targets(kpis))\n"
            'meets_retention_target = "yes" if check.loc["retention_12m", "met"] else "no"'
        ),
        success="a plan aimed at the most valuable few moves their retention, not the whole base's.",
    ),
    Question(
        variable="phase_after_objectives",
        expected=_phase_after("loyalty objectives"),
        kind="concept",
        choices=(
            "commercial analysis",
            "customer-oriented strategy",
            "organization-oriented strategy",
            "scope",
        ),
        hints=[
            "The class notes plan in five phases; the lesson's first diagram draws them in order.",
            "First what the customer gains and who the customers are, then what to achieve, then what to offer to "
            "whom, then who delivers it, then whom it reaches at what cost.",
        ],
        solution='phase_after_objectives = "customer-oriented strategy"',
        success="once the objectives are set, the plan decides what to offer to whom; then who delivers it.",
        wrong={
            "commercial analysis": (
                "the commercial analysis comes first: the objectives are set from what it finds, not before it."
            ),
            "organization-oriented strategy": (
                "the organization is prepared to deliver a strategy, so the customer-oriented strategy (what to "
                "offer to whom) must exist first."
            ),
            "scope": "the scope is the last phase: whom the plan reaches and at what cost can only be fixed once both "
            "strategies are chosen.",
        },
    ),
    Question(
        variable="training_strategy",
        expected="organization-oriented",
        kind="concept",
        choices=("customer-oriented", "organization-oriented"),
        hints=[
            "The customer-oriented strategy decides what to offer to which customers and the position against "
            "competitors; the organization-oriented strategy makes the people able and willing to deliver it.",
            "Who is trained and surveyed here: customers, or employees?",
        ],
        solution='training_strategy = "organization-oriented"',
        success="it prepares and motivates the people who deliver the plan: the lower steps of loyalty.",
        wrong={
            "customer-oriented": (
                "customers gain from it in the end, but it offers them nothing directly: it prepares and motivates "
                "employees (emotional intelligence, job satisfaction), which is the organization-oriented strategy."
            ),
        },
    ),
    Question(
        variable="adviser_view",
        expected="internalised",
        kind="concept",
        choices=("objective", "internalised"),
        hints=[
            "The objective view works with tangible, countable variables: technology, service, price, distribution, "
            "quality.",
            "The internalised view works with the attributes and relationships the customer carries inside.",
        ],
        solution='adviser_view = "internalised"',
        success="a relationship with a person who knows you is carried inside, and a competitor cannot copy it by "
        "matching a number.",
        wrong={
            "objective": (
                "prices and delivery times are the objective view, and the competitor has just matched them. An "
                "adviser who knows the customer's history works on the relationship the customer carries inside: the "
                "internalised view."
            ),
        },
    ),
    Question(
        variable="not_a_key_area",
        expected="customer satisfaction",
        kind="concept",
        choices=(
            "the value of the effort",
            "the value of the customer",
            "employee satisfaction",
            "customer satisfaction",
        ),
        hints=[
            "The class notes name three key areas a company works on to build a culture of loyalty "
            "(fidelizar fidelizando).",
            "The culture of loyalty is about the organization being loyal first: whose satisfaction does it work on?",
        ],
        solution='not_a_key_area = "customer satisfaction"',
        success="the three areas are the value of the effort, the value of the customer and employee satisfaction: "
        "customer satisfaction is the result, not one of the areas.",
        wrong={
            "the value of the effort": (
                "that is a key area: what the customer gets must be worth what they give, and the employees' effort "
                "is recognised."
            ),
            "the value of the customer": (
                "that is a key area: knowing what each customer is worth, so effort goes where it counts."
            ),
            "employee satisfaction": (
                "that is a key area, and the notes insist on it: the culture of loyalty starts with satisfied "
                "employees, who then satisfy customers."
            ),
        },
    ),
    Question(
        variable="consultative_seller",
        expected="Ben, at retention",
        kind="concept",
        choices=("Ana, at the sale", "Ana, at retention", "Ben, at the sale", "Ben, at retention"),
        hints=[
            "Consultative selling starts from the customer's problem and recommends what fits, even when it is less.",
            "In the class notes, the company's work with a customer does not end when it sells; it ends at the last "
            "phase of the process.",
        ],
        solution='consultative_seller = "Ben, at retention"',
        success="consultative selling: the job ends at retention, not at the order.",
        wrong={
            "ana, at the sale": (
                "Ana's is a transactional sale: the largest order, booked, and on to the next prospect. Consultative "
                "selling starts from the customer's needs and goes on after the order."
            ),
            "ana, at retention": (
                "Ana moves on once the order is booked, so her job in fact ends at the sale: that is a transactional "
                "sale, not a consultative one."
            ),
            "ben, at the sale": (
                "Ben sells consultatively, but the job does not end at the sale: checking after delivery and staying "
                "the contact are part of it, up to the last phase, retention."
            ),
        },
    ),
]


def bind(company, namespace):
    """Lesson 08's questions tied to ``company`` and the notebook's ``globals()``."""
    return _bind(QUESTIONS, company, namespace)
