"""Lesson 00 exercises: a first look at the company's data."""

from __future__ import annotations

from helpers import schema
from helpers.checks import Question
from helpers.checks import bind as _bind


def _revenue_by_segment(company):
    sales = company.transactions.merge(company.customers[["customer_id", "segment"]], on="customer_id")
    return sales.groupby("segment", observed=True)["amount"].sum()


QUESTIONS = [
    Question(
        variable="n_customers",
        expected=lambda company: len(company.customers),
        kind="number",
        hints=[
            "Each customer has exactly one row in `company.customers`.",
            "`len(table)` gives the number of rows of a table.",
        ],
        solution="n_customers = len(company.customers)",
        success="every customer ever acquired, including those who later left.",
        mistakes=[
            (
                lambda answer, company: answer == len(company.transactions),
                "that is the number of purchases (transactions). Count the customers instead.",
            )
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
]


def bind(company, namespace):
    """Lesson 00's questions tied to ``company`` and the notebook's ``globals()``."""
    return _bind(QUESTIONS, company, namespace)
