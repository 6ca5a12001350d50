"""Lesson 00 exercises: a first look at the company's data."""

from __future__ import annotations

from helpers import schema
from helpers.checks import Question
from helpers.checks import bind as _bind


def _revenue_by_segment(company):
    sales = company.transactions.merge(company.customers[["customer_id", "segment"]], on="customer_id")
    return sales.groupby("segment", observed=True)["amount"].sum()


#: The seven tables of the company, as the conceptual questions name them.
TABLE_NAMES = ("customers", "transactions", "interactions", "surveys", "bonds", "churn", "employees")
#: The pairs of tables offered by the question on joining tables.
TABLE_PAIRS = ("surveys and churn", "transactions and churn", "surveys and interactions", "customers and bonds")


CONCEPTUAL = [
    Question(
        variable="table_for_unresolved",
        expected="interactions",
        kind="concept",
        choices=TABLE_NAMES,
        hints=[
            "Reread the list of tables in lesson 00: one row per *thing that happened*.",
            "A problem is raised and solved (or not) at a contact between the customer and the company.",
        ],
        solution="table_for_unresolved = 'interactions'",
        success="each contact is a row there, with its channel and whether it was resolved: a moment of truth "
        "(lesson 07).",
        wrong={
            "customers": "customers holds one row per customer and the channel they were *acquired* through, not the "
            "channel of each contact.",
            "transactions": (
                "transactions records purchases and the channel of each sale; whether a problem was solved is "
                "recorded with each contact."
            ),
            "surveys": (
                "surveys holds the occasional answer on satisfaction, trust and commitment, not what happened at "
                "each contact."
            ),
            "bonds": "bonds records enrolments in loyalty programmes; nothing there is about contacts.",
            "churn": "churn says who left and why; it knows nothing about the contacts of the customers who stayed.",
            "employees": "employees describes the staff (satisfaction, tenure), not the contacts they handle.",
        },
    ),
    Question(
        variable="tables_to_join",
        expected="surveys and churn",
        kind="concept",
        choices=TABLE_PAIRS,
        hints=[
            "The question links two facts about a customer: how satisfied they said they were, and whether they left.",
            "Which table holds each of those two facts?",
        ],
        solution="tables_to_join = 'surveys and churn'",
        success="satisfaction comes from the survey answers and leaving from the churn table; lesson 05 joins them "
        "to build the loyalty matrix.",
        wrong={
            "transactions and churn": (
                "transactions tell you what customers bought, not how satisfied they were; the 1–5 answer is in "
                "another table."
            ),
            "surveys and interactions": (
                "interactions records contacts, not whether the customer left; leaving has a table of its own."
            ),
            "customers and bonds": (
                "neither table holds satisfaction or defection: customers describes who they are, bonds which "
                "programmes they joined."
            ),
        },
    ),
    Question(
        variable="stranger_or_prospect",
        expected="stranger",
        kind="concept",
        choices=("prospect", "stranger", "acquaintance"),
        hints=[
            "Is this household in any of the company's tables? A prospect (cliente potencial) is in none.",
            "Has it formed a relationship yet, or is it only trying the company because of the offer?",
        ],
        solution="stranger_or_prospect = 'stranger'",
        success="it has bought, so it is no prospect, but it only tries the company for an attractive offer: "
        "the first rung of the ladder (lesson 01).",
        wrong={
            "prospect": "a prospect (cliente potencial) has never bought and is in none of the tables; this household "
            "signed up and bought, so it is a row in customers and in transactions.",
            "acquaintance": (
                "an acquaintance (conocido) is satisfied and familiar with the company; this household has no "
                "opinion yet and would leave for a better price: it is still on trial."
            ),
        },
    ),
]


QUESTIONS = [
    Question(
        variable="n_business_customers",
        expected=lambda company: int((company.customers["segment"] == "B2B").sum()),
        kind="number",
        hints=[
            "Each customer has exactly one row in `company.customers`; its column `segment` says B2C or B2B.",
            'Compare the column with `"B2B"` to get True/False for each customer, then sum the True values.',
        ],
        solution='n_business_customers = int((company.customers["segment"] == "B2B").sum())',
        success="every business ever acquired, including those who later left.",
        mistakes=[
            (
                lambda answer, company: answer == len(company.customers),
                "that is every customer ever acquired. Keep only the businesses (segment B2B).",
            ),
            (
                lambda answer, company: answer == int((company.customers["segment"] == "B2C").sum()),
                "that is the number of households (B2C). The question asks for the businesses.",
            ),
        ],
    ),
    Question(
        variable="share_lost",
        expected=lambda company: len(company.churn) / len(company.customers),
        kind="number",
        hints=[
            "Every customer who left has one row in `company.churn`.",
            "Divide the number of customers who left by the number of customers ever acquired.",
            "`len(company.churn) / len(company.customers)`",
        ],
        solution="share_lost = len(company.churn) / len(company.customers)",
        success="keep this number in mind: lesson 03 asks through which holes these customers leaked out.",
        mistakes=[
            (
                lambda answer, company: answer > 1,
                "that looks like a percentage. Give the share as a fraction between 0 and 1 (0.25, not 25).",
            ),
            (
                lambda answer, company: abs(answer - (1 - len(company.churn) / len(company.customers))) < 1e-9,
                "that is the share of customers still active. The question asks for the share who left.",
            ),
        ],
    ),
    Question(
        variable="top_channel",
        expected=lambda company: str(company.customers["acquisition_channel"].value_counts().idxmax()),
        kind="choice",
        choices=schema.ACQUISITION_CHANNELS,
        hints=[
            "The channel each customer came through is the column `acquisition_channel` of `company.customers`.",
            "`.value_counts()` counts each label; `.idxmax()` gives the label with the largest count.",
        ],
        solution='top_channel = company.customers["acquisition_channel"].value_counts().idxmax()',
        success="the most customers, but are they the best ones? Lesson 06 compares channels by lifetime value.",
    ),
    Question(
        variable="average_purchase",
        expected=lambda company: company.transactions["amount"].mean(),
        kind="number",
        hints=[
            "Each row of `company.transactions` is one purchase; its price is in `amount`.",
            "Take the mean of that column.",
        ],
        solution='average_purchase = company.transactions["amount"].mean()',
        success="note that a few large business orders pull the mean above the median.",
        mistakes=[
            (
                lambda answer, company: abs(answer - company.transactions["amount"].median()) < 1e-9,
                "that is the median amount. The question asks for the mean (the average).",
            )
        ],
    ),
    Question(
        variable="share_completely_satisfied",
        expected=lambda company: (company.surveys["satisfaction"] == 5).mean(),
        kind="number",
        hints=[
            "Satisfaction is on a 1–5 scale; 5 means completely satisfied.",
            "Compare the column with 5 to get True/False for each answer; the mean of booleans is a share.",
        ],
        solution='share_completely_satisfied = (company.surveys["satisfaction"] == 5).mean()',
        success="lesson 05 shows how much more loyal these customers are than the merely satisfied.",
        mistakes=[
            (
                lambda answer, company: abs(answer - (company.surveys["satisfaction"] >= 4).mean()) < 1e-9,
                "that counts satisfied (4) answers too. Only 5 means 'completely satisfied'.",
            )
        ],
    ),
    Question(
        variable="revenue_by_segment",
        expected=_revenue_by_segment,
        kind="series",
        hints=[
            "Transactions do not say whether the buyer is a business; customers do (column `segment`).",
            "Merge the transactions with `company.customers[['customer_id', 'segment']]` on `customer_id`.",
            "Then `.groupby('segment', observed=True)['amount'].sum()`.",
        ],
        solution=(
            'sales = company.transactions.merge(company.customers[["customer_id", "segment"]], '
            'on="customer_id")\n'
            'revenue_by_segment = sales.groupby("segment", observed=True)["amount"].sum()'
        ),
        success="a merge followed by a groupby: the pattern behind most of the course's analyses.",
    ),
    Question(
        variable="main_reason",
        expected=lambda company: str(company.churn["reason"].value_counts().idxmax()),
        kind="choice",
        choices=schema.CHURN_REASONS,
        hints=[
            "The reason each lost customer gave is in `company.churn['reason']`.",
            "Count the reasons and take the most frequent one.",
        ],
        solution='main_reason = company.churn["reason"].value_counts().idxmax()',
        success="the biggest hole in the bucket; lesson 03 asks what it would take to plug it.",
    ),
    *CONCEPTUAL,
]


def bind(company, namespace):
    """Lesson 00's questions tied to ``company`` and the notebook's ``globals()``."""
    return _bind(QUESTIONS, company, namespace)
