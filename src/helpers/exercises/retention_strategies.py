"""Lesson 02 exercises: monitoring, retention curves, the effect of the bonds, whether they pay, and the levels of bond.

Every numeric answer is computed from the student's company with the lesson's helpers
(:mod:`helpers.bonds`, :mod:`helpers.retention`), so the checks hold for a company
generated with any seed, and none is printed in the executed lesson (the lesson shows
survival at 12 and 24 months and the churn of all customers; the questions ask for 18
months, the first year, and consumers only). Questions 9–12 are conceptual: they classify
tactics into the four levels of retention bonds (Berry & Parasuraman 1991; Zeithaml,
Bitner & Gremler 2018, ch. 7) and name the customer a too-tight tie creates, and every
wrong option has its own explanation of the misconception. The model solutions are
self-contained (they import what they use), because the test suite runs each one on its own.
"""

from __future__ import annotations

from helpers import bonds, retention, schema
from helpers.checks import Question
from helpers.checks import bind as _bind

SEGMENTS = schema.SEGMENTS


def _panel(company, *, transactions: bool = False):
    return bonds.customer_months(
        company.customers,
        company.churn,
        company.bonds,
        company.observation_end,
        transactions=company.transactions if transactions else None,
    )


def _main_reason_no_bond(company):
    level = bonds.bond_level_when_leaving(_panel(company))
    ids = level[level == "none"].index
    return str(company.churn.loc[company.churn["customer_id"].isin(ids), "reason"].value_counts().idxmax())


#: The four levels of retention bonds, the options of the classification questions.
BOND_LEVELS = ("financial", "social", "customization", "structural")

#: First-year customer-months: tenure at the start of the month below this many months.
FIRST_YEAR_MONTHS = 12


def _durations(company):
    return retention.customer_durations(company.customers, company.churn, company.observation_end)


def _retention_18(company):
    durations = _durations(company)
    return retention.survival_at(retention.survival_curve(durations["duration"], durations["churned"]), 18)


def _rates(company, segment: str | None = None):
    panel = _panel(company)
    if segment is not None:
        panel = panel[panel["segment"] == segment]
    return bonds.churn_by_level(panel)["monthly_churn"]


def _first_year_no_bond(company):
    panel = _panel(company)
    return panel[(panel["bond_level"] == "none") & (panel["tenure_months"] < FIRST_YEAR_MONTHS)]


def _naive_vs_truth(company):
    rates = _rates(company)
    naive = rates["financial"] / rates["none"]
    return "overstates" if naive < company.truth.params["bond_churn_factor"]["financial"] else "understates"


def _social_package_cost(company):
    cost = company.bonds.groupby("level", observed=True)["cost_per_month"].mean()
    return cost["financial"] + cost["social"]


def _margin(company, segment):
    return bonds.enrolment_baseline(_panel(company, transactions=True)).loc[segment, "margin_per_month"]


def _best_segment_social(company):
    baseline = bonds.enrolment_baseline(_panel(company, transactions=True))
    params = company.truth.params
    packages = bonds.cumulative_packages(params["bond_cost_per_month"], params["bond_churn_factor"])
    returns = bonds.programme_return_table(baseline, packages, horizon_months=36)
    return str(returns[returns["level"] == "social"].set_index("segment")["net_return"].idxmax())


def _close(answer, value) -> bool:
    return abs(float(answer) - float(value)) <= 1e-9 * max(1.0, abs(float(value)))


QUESTIONS = [
    Question(
        variable="share_enrolled",
        expected=lambda company: company.bonds["customer_id"].nunique() / len(company.customers),
        kind="number",
        hints=[
            "Each enrolment in a programme is a row of `company.bonds`; a customer can have several rows.",
            "Count the *distinct* customers in `company.bonds` (`.nunique()`) and divide by the number of customers.",
        ],
        solution='share_enrolled = company.bonds["customer_id"].nunique() / len(company.customers)',
        success="distinct customers, not enrolments: the rest of the base has never joined a programme.",
        mistakes=[
            (
                lambda answer, company: _close(answer, len(company.bonds) / len(company.customers)),
                "that counts enrolments, not customers: a customer in three programmes has three rows. "
                "Count distinct customer ids.",
            ),
            (lambda answer, company: answer > 1, "give the share as a fraction between 0 and 1 (0.25, not 25)."),
        ],
    ),
    Question(
        variable="main_reason_no_bond",
        expected=_main_reason_no_bond,
        kind="choice",
        choices=schema.CHURN_REASONS,
        hints=[
            "`bonds.bond_level_when_leaving(panel)` gives the bond each lost customer held when leaving "
            "(build `panel` with `bonds.customer_months`).",
            "Keep the customers whose level was 'none', select their rows of `company.churn`, and count the reasons.",
            "`company.churn.loc[company.churn['customer_id'].isin(ids), 'reason'].value_counts().idxmax()`",
        ],
        solution=(
            "from helpers import bonds\n"
            "panel = bonds.customer_months(company.customers, company.churn, company.bonds, "
            "company.observation_end)\n"
            "level_when_leaving = bonds.bond_level_when_leaving(panel)\n"
            'no_bond_ids = level_when_leaving[level_when_leaving == "none"].index\n'
            'reasons = company.churn.loc[company.churn["customer_id"].isin(no_bond_ids), "reason"]\n'
            "main_reason_no_bond = reasons.value_counts().idxmax()"
        ),
        success="nothing tied these customers to the company, so a better price elsewhere was enough to lose them.",
    ),
    Question(
        variable="retention_18_months",
        expected=_retention_18,
        kind="number",
        hints=[
            "Start from `retention.customer_durations(company.customers, company.churn, company.observation_end)`.",
            "Feed its `duration` and `churned` columns to `retention.survival_curve`.",
            "Read the curve at 18 months with `retention.survival_at(curve, 18)`.",
        ],
        solution=(
            "from helpers import retention\n"
            "durations = retention.customer_durations(company.customers, company.churn, "
            "company.observation_end)\n"
            'curve = retention.survival_curve(durations["duration"], durations["churned"])\n'
            "retention_18_months = retention.survival_at(curve, 18)"
        ),
        success=(
            "Kaplan–Meier counts the customers who joined less than 18 months ago for as long as they were observed."
        ),
        mistakes=[
            (
                lambda answer, company: _close(answer, (_durations(company)["duration"] > 18).mean()),
                "that is the share of *all* customers with more than 18 months of tenure, which counts recent "
                "customers (still active, but observed for less than 18 months) as if they had left. "
                "Use the Kaplan–Meier curve, which handles them as censored.",
            ),
            (
                lambda answer, company: _close(
                    answer,
                    retention.survival_at(
                        retention.survival_curve(_durations(company)["duration"], _durations(company)["churned"]),
                        [12, 24],
                    ).mean(),
                ),
                "that is the average of the 12- and 24-month values: the curve is a step function, so read "
                "it at 18 months itself.",
            ),
            (lambda answer, company: answer > 1, "give the share as a fraction between 0 and 1."),
        ],
    ),
    Question(
        variable="monthly_churn_no_bond_first_year",
        expected=lambda company: (lambda p: p["churned"].sum() / p["exposure_months"].sum())(
            _first_year_no_bond(company)
        ),
        kind="number",
        hints=[
            "Build the customer-month table with `bonds.customer_months(company.customers, company.churn, "
            "company.bonds, company.observation_end)`.",
            "Keep the rows whose `bond_level` is 'none' and whose `tenure_months` is below 12 (the first year).",
            "Divide the number of churns (`churned.sum()`) by the months of exposure (`exposure_months.sum()`).",
        ],
        solution=(
            "from helpers import bonds\n"
            "panel = bonds.customer_months(company.customers, company.churn, company.bonds, "
            "company.observation_end)\n"
            'first_year = panel[(panel["bond_level"] == "none") & (panel["tenure_months"] < 12)]\n'
            'monthly_churn_no_bond_first_year = first_year["churned"].sum() / first_year["exposure_months"].sum()'
        ),
        success="a monthly hazard: customers lost per customer-month at risk, here in the customers' first year.",
        mistakes=[
            (
                lambda answer, company: _close(answer, _first_year_no_bond(company)["churned"].mean()),
                "that divides by the number of rows, i.e. counts every month as a full month. The first and "
                "last months are partial: divide by the sum of `exposure_months`.",
            ),
            (
                lambda answer, company: _close(answer, _rates(company)["none"]),
                "that is the rate over every tenure, the one the lesson's Step 3 table shows. Keep only the "
                "first-year months: `tenure_months` below 12.",
            ),
            (
                lambda answer, company: answer > 0.3,
                "that is far too high for a *monthly* rate. Did you divide churns by customers instead of "
                "by customer-months?",
            ),
        ],
    ),
    Question(
        variable="financial_ratio_naive_b2c",
        expected=lambda company: (lambda r: r["financial"] / r["none"])(_rates(company, "B2C")),
        kind="number",
        hints=[
            "Keep the consumer customer-months: `panel[panel['segment'] == 'B2C']`.",
            "`bonds.churn_by_level(b2c)` gives the monthly churn of each bond level.",
            "Divide the financial level's monthly churn by that of the customer-months without any bond.",
        ],
        solution=(
            "from helpers import bonds\n"
            "panel = bonds.customer_months(company.customers, company.churn, company.bonds, "
            "company.observation_end)\n"
            'b2c = panel[panel["segment"] == "B2C"]\n'
            'rates = bonds.churn_by_level(b2c)["monthly_churn"]\n'
            'financial_ratio_naive_b2c = rates["financial"] / rates["none"]'
        ),
        success="the naive multiplier for consumers, before any adjustment for who joins the programme.",
        mistakes=[
            (
                lambda answer, company: _close(answer, (lambda r: r["financial"] / r["none"])(_rates(company))),
                "that is the ratio over all customers, the one the lesson shows. Keep only the consumer (B2C) "
                "customer-months first.",
            ),
            (
                lambda answer, company: answer > 1,
                "a ratio above 1 means you divided the other way round: put the financial level on top.",
            ),
        ],
    ),
    Question(
        variable="naive_vs_truth",
        expected=_naive_vs_truth,
        kind="choice",
        choices=("overstates", "understates"),
        hints=[
            "The true factor of the financial bond is `company.truth.params['bond_churn_factor']['financial']`.",
            "A multiplier further below 1 means a bigger cut in churn. Is the naive multiplier below the truth?",
        ],
        solution=(
            "from helpers import bonds\n"
            "panel = bonds.customer_months(company.customers, company.churn, company.bonds, "
            "company.observation_end)\n"
            'rates = bonds.churn_by_level(panel)["monthly_churn"]\n'
            'naive = rates["financial"] / rates["none"]\n'
            'true_multiplier = company.truth.params["bond_churn_factor"]["financial"]\n'
            'naive_vs_truth = "overstates" if naive < true_multiplier else "understates"'
        ),
        success=(
            "members are closer, more satisfied customers who would churn less anyway: selection, not the programme."
        ),
    ),
    Question(
        variable="break_even_social_b2b",
        expected=lambda company: bonds.break_even_multiplier(_social_package_cost(company), _margin(company, "B2B")),
        kind="number",
        hints=[
            "A member of the social programme also holds the financial bond: the package costs the sum of the two "
            "levels' `cost_per_month` (average over `company.bonds`).",
            "The margin per customer-month of B2B customers without a bond is in "
            "`bonds.enrolment_baseline(panel)` (build `panel` with `transactions=company.transactions`).",
            "Over a member's lifetime the programme pays if the churn multiplier is at most 1 − cost / margin: "
            "`bonds.break_even_multiplier(cost, margin)`.",
        ],
        solution=(
            "from helpers import bonds\n"
            'cost = company.bonds.groupby("level", observed=True)["cost_per_month"].mean()\n'
            'package_cost = cost["financial"] + cost["social"]\n'
            "panel = bonds.customer_months(company.customers, company.churn, company.bonds, "
            "company.observation_end,\n"
            "                              transactions=company.transactions)\n"
            'margin_b2b = bonds.enrolment_baseline(panel).loc["B2B", "margin_per_month"]\n'
            "break_even_social_b2b = bonds.break_even_multiplier(package_cost, margin_b2b)"
        ),
        success="the social programme pays for a business customer only if it multiplies churn by at most this.",
        mistakes=[
            (
                lambda answer, company: _close(answer, _social_package_cost(company) / _margin(company, "B2B")),
                "that is cost / margin, the share of the margin the programme costs. The break-even multiplier "
                "is 1 minus that.",
            ),
            (
                lambda answer, company: _close(
                    answer,
                    bonds.break_even_multiplier(
                        company.bonds.groupby("level", observed=True)["cost_per_month"].mean()["social"],
                        _margin(company, "B2B"),
                    ),
                ),
                "a social member also holds (and costs) the financial bond: add the two levels' costs.",
            ),
            (
                lambda answer, company: _close(
                    answer, bonds.break_even_multiplier(_social_package_cost(company), _margin(company, "B2C"))
                ),
                "that is the consumers' (B2C) margin; the question asks about businesses (B2B).",
            ),
        ],
    ),
    Question(
        variable="best_segment_social",
        expected=_best_segment_social,
        kind="choice",
        choices=SEGMENTS,
        hints=[
            (
                "Use the simulation's true factors: "
                "`bonds.cumulative_packages(company.truth.params['bond_cost_per_month'], "
                "company.truth.params['bond_churn_factor'])`."
            ),
            "`bonds.programme_return_table(bonds.enrolment_baseline(panel), packages, horizon_months=36)` gives the "
            "net return per enrolled customer for every segment and level.",
            "Keep the rows of the social level and take the segment with the larger `net_return`.",
        ],
        solution=(
            "from helpers import bonds\n"
            "panel = bonds.customer_months(company.customers, company.churn, company.bonds, "
            "company.observation_end,\n"
            "                              transactions=company.transactions)\n"
            "baseline = bonds.enrolment_baseline(panel)\n"
            "params = company.truth.params\n"
            'packages = bonds.cumulative_packages(params["bond_cost_per_month"], params["bond_churn_factor"])\n'
            "returns = bonds.programme_return_table(baseline, packages, horizon_months=36)\n"
            'social = returns[returns["level"] == "social"].set_index("segment")["net_return"]\n'
            "best_segment_social = social.idxmax()"
        ),
        success="the same bond, the same cost: what differs is the margin each retained month protects.",
    ),
    Question(
        variable="points_card_level",
        expected="financial",
        kind="concept",
        choices=BOND_LEVELS,
        hints=[
            (
                "Ask how the tactic ties the customer: through price, a person, a service shaped to them, or their "
                "own systems?"
            ),
            "The free coffee is the same for every card holder and rewards volume and frequency.",
        ],
        solution='points_card_level = "financial"',
        success=(
            "a reward for volume and frequency works through price: the first level, quick to launch and just as "
            "quick for a rival to copy."
        ),
        wrong={
            "structural": (
                "a card and the database behind it are not a structural bond. Structural bonds build the service "
                "into the customer's own processes (ordering, delivery, invoicing), so leaving means reorganising; a "
                "stamp card works through price, and a rival can print one tomorrow."
            ),
            "social": "nothing in the card is personal: nobody knows the customer's name or keeps in touch. The reward "
            "is a price incentive, the same for every holder.",
            "customization": (
                "nothing is adapted to the customer: every holder gets the same free coffee after the same number of "
                "purchases. Rewards for volume and frequency work through price."
            ),
        },
    ),
    Question(
        variable="configurator_level",
        expected="customization",
        kind="concept",
        choices=BOND_LEVELS,
        hints=[
            "What is adapted here: the price, a personal relationship, the product, or the customer's own systems?",
            "Varied, individually tailored products at the price of the standard range: the lesson calls it mass "
            "customization.",
        ],
        solution='configurator_level = "customization"',
        success=(
            "mass customization: flexible processes make each order to measure at the standard price, a "
            "customization bond."
        ),
        wrong={
            "structural": (
                "the customer uses the supplier's website, but nothing is built into the customer's own ordering, "
                "delivery or invoicing systems. What is adapted is the product itself, to each customer's needs."
            ),
            "financial": (
                "there is no discount or reward: the price is that of the standard range. The tie is a product "
                "shaped to the customer."
            ),
            "social": "no personal relationship is involved: the customer designs alone, online. The tie is the "
            "tailored product.",
        },
    ),
    Question(
        variable="hardest_to_imitate",
        expected="structural",
        kind="concept",
        choices=BOND_LEVELS,
        hints=[
            "The levels are ordered: each one is costlier, more durable and harder to copy than the one below.",
            "Which level would force a customer to reorganise its own processes to switch supplier?",
        ],
        solution='hardest_to_imitate = "structural"',
        success=(
            "a service woven into the customer's own ordering, delivery and invoicing is the hardest for a rival "
            "to copy, and the costliest to build."
        ),
        wrong={
            "financial": (
                "price incentives are the easiest to copy: a rival can match a discount or a points scheme tomorrow. "
                "That is their main drawback."
            ),
            "social": "social bonds are harder to copy than a price, but a rival can build relationships too, and they "
            "can leave with the salesperson who holds them. There are two deeper levels.",
            "customization": (
                "a rival can invest in flexible processes and learn preferences too. What it cannot easily undo is a "
                "service built into the customer's own systems, the level above."
            ),
        },
    ),
    Question(
        variable="too_tight_customer",
        expected="hostage",
        kind="concept",
        choices=("partner", "mercenary", "hostage"),
        hints=[
            "Is the customer satisfied? Does it stay because it wants to, or because leaving is hard?",
            "The lesson's last section names the customer a tie that is too tight creates.",
        ],
        solution='too_tight_customer = "hostage"',
        success=(
            "a hostage stays only because leaving is hard, and leaves, often complaining, as soon as it can: "
            "keep a bond valuable, not only hard to break."
        ),
        wrong={
            "partner": (
                "a partner (lesson 01) trusts the company and is committed because it wants to be. This customer is "
                "dissatisfied and its commitment is forced by the cost of switching."
            ),
            "mercenary": (
                "a mercenary is free to leave and does so for a better price. This customer would like to leave and "
                "cannot, at least not yet."
            ),
        },
    ),
]


def bind(company, namespace):
    """Lesson 02's questions tied to ``company`` and the notebook's ``globals()``."""
    return _bind(QUESTIONS, company, namespace)
