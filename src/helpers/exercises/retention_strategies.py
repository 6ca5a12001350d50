"""Lesson 02 exercises: monitoring, retention curves, the effect of the bonds and whether they pay.

Every expected answer is computed from the student's company with the lesson's helpers
(:mod:`helpers.bonds`, :mod:`helpers.retention`), so the checks hold for a company
generated with any seed. The model solutions are self-contained (they import what they
use), because the test suite runs each one on its own.
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


def _retention_12(company):
    durations = retention.customer_durations(company.customers, company.churn, company.observation_end)
    return retention.survival_at(retention.survival_curve(durations["duration"], durations["churned"]), 12)


def _rates(company):
    return bonds.churn_by_level(_panel(company))["monthly_churn"]


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
        success="most customers never join any programme: the bonds touch a minority of the base.",
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
        variable="retention_12_months",
        expected=_retention_12,
        kind="number",
        hints=[
            "Start from `retention.customer_durations(company.customers, company.churn, company.observation_end)`.",
            "Feed its `duration` and `churned` columns to `retention.survival_curve`.",
            "Read the curve at 12 months with `retention.survival_at(curve, 12)`.",
        ],
        solution=(
            "from helpers import retention\n"
            "durations = retention.customer_durations(company.customers, company.churn, "
            "company.observation_end)\n"
            'curve = retention.survival_curve(durations["duration"], durations["churned"])\n'
            "retention_12_months = retention.survival_at(curve, 12)"
        ),
        success="Kaplan–Meier counts the customers who joined less than a year ago for as long as they were observed.",
        mistakes=[
            (
                lambda answer, company: _close(
                    answer,
                    (
                        retention.customer_durations(company.customers, company.churn, company.observation_end)[
                            "duration"
                        ]
                        > 12
                    ).mean(),
                ),
                "that is the share of *all* customers with more than 12 months of tenure, which counts recent "
                "customers (still active, but observed for less than a year) as if they had left. "
                "Use the Kaplan–Meier curve, which handles them as censored.",
            ),
            (lambda answer, company: answer > 1, "give the share as a fraction between 0 and 1."),
        ],
    ),
    Question(
        variable="monthly_churn_no_bond",
        expected=lambda company: _rates(company)["none"],
        kind="number",
        hints=[
            "Build the customer-month table with `bonds.customer_months(company.customers, company.churn, "
            "company.bonds, company.observation_end)`.",
            "Keep the rows whose `bond_level` is 'none'.",
            "Divide the number of churns (`churned.sum()`) by the months of exposure (`exposure_months.sum()`).",
        ],
        solution=(
            "from helpers import bonds\n"
            "panel = bonds.customer_months(company.customers, company.churn, company.bonds, "
            "company.observation_end)\n"
            'no_bond = panel[panel["bond_level"] == "none"]\n'
            'monthly_churn_no_bond = no_bond["churned"].sum() / no_bond["exposure_months"].sum()'
        ),
        success="a monthly hazard: customers lost per customer-month at risk.",
        mistakes=[
            (
                lambda answer, company: _close(
                    answer, (lambda p: p.loc[p["bond_level"] == "none", "churned"].mean())(_panel(company))
                ),
                "that divides by the number of rows, i.e. counts every month as a full month. The first and "
                "last months are partial: divide by the sum of `exposure_months`.",
            ),
            (
                lambda answer, company: answer > 0.3,
                "that is far too high for a *monthly* rate. Did you divide churns by customers instead of "
                "by customer-months?",
            ),
        ],
    ),
    Question(
        variable="financial_ratio_naive",
        expected=lambda company: (lambda r: r["financial"] / r["none"])(_rates(company)),
        kind="number",
        hints=[
            "`bonds.churn_by_level(panel)` gives the monthly churn of each bond level.",
            "Divide the financial level's monthly churn by that of the customer-months without any bond.",
        ],
        solution=(
            "from helpers import bonds\n"
            "panel = bonds.customer_months(company.customers, company.churn, company.bonds, "
            "company.observation_end)\n"
            'rates = bonds.churn_by_level(panel)["monthly_churn"]\n'
            'financial_ratio_naive = rates["financial"] / rates["none"]'
        ),
        success="the naive multiplier: members of the financial programme seem to churn far less than the rest.",
        mistakes=[
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
        success="members are closer, more satisfied customers who would churn less anyway: selection, not the programme.",
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
        success="close to 1: for businesses, even a modest cut in churn pays for the social programme.",
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
            "Use the simulation's true factors: `bonds.cumulative_packages(company.truth.params['bond_cost_per_month'], "
            "company.truth.params['bond_churn_factor'])`.",
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
]


def bind(company, namespace):
    """Lesson 02's questions tied to ``company`` and the notebook's ``globals()``."""
    return _bind(QUESTIONS, company, namespace)
