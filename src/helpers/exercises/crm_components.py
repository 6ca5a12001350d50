"""Lesson 04 exercises: four conceptual questions on the class notes' frameworks (the CRM
components, IDIC, CRM and ERP, face-to-face encounters), then SQL on the warehouse, RFM,
channels, one to one and the business case.

Expected answers are computed with pandas from the student's company, independently of the
SQL the student writes, so a query is checked against a second route to the same number.
"""

from __future__ import annotations

import pandas as pd

from helpers import crm
from helpers.checks import Question
from helpers.checks import bind as _bind
from helpers.rfm import RFM_SEGMENTS, rfm_scores, rfm_summary


def _unresolved_complaints(company):
    i = company.interactions
    return int(((i["type"].astype(object) == "complaint") & ~i["resolved"]).sum())


def _segment_sales(company, segment):
    sales = company.transactions.merge(company.customers[["customer_id", "segment"]], on="customer_id")
    return sales[sales["segment"].astype(object) == segment]


def _b2b_margin(company):
    sales = _segment_sales(company, "B2B")
    return float((sales["amount"] - sales["cost"]).sum())


def _top20_share(company):
    t = company.transactions
    margin = (t["amount"] - t["cost"]).groupby(t["customer_id"]).sum().sort_values(ascending=False)
    return float(margin.head(round(0.2 * len(margin))).sum() / margin.sum())


def _margin_by_customer(company):
    t = company.transactions
    return (t["amount"] - t["cost"]).groupby(t["customer_id"]).sum()


def _best_segment(company):
    scores = rfm_scores(rfm_summary(company.transactions, observation_end=company.observation_end))
    margin = _margin_by_customer(company).reindex(scores.index).fillna(0.0)
    return str(margin.groupby(scores["segment"], observed=True).mean().idxmax())


def _cutoff(company):
    return company.observation_end - pd.DateOffset(months=6)


def _best_strategy(company):
    segment = company.customers.set_index("customer_id")["segment"]
    return str(crm.offer_hit_rates(company.transactions, _cutoff(company), segment=segment)["hit_rate"].idxmax())


def _last_year_margin(company):
    t = company.transactions
    recent = t["date"] > company.observation_end - pd.DateOffset(years=1)
    return float((t["amount"] - t["cost"])[recent].sum())


def _payback_with_double_training(company):
    case = crm.crm_business_case(_last_year_margin(company))
    years = [c for c in case.columns if c.startswith("year_")]
    case.loc[case["item"] == "training", years] *= 2
    return crm.payback_years(crm.project_cash_flows(case)["net"])


def _payback_as_given(company):
    return crm.payback_years(crm.project_cash_flows(crm.crm_business_case(_last_year_margin(company)))["net"])


def _b2b_preferred(company):
    mix = crm.channel_mix(company.transactions, company.interactions)
    b2b = company.customers.loc[company.customers["segment"].astype(object) == "B2B", "customer_id"]
    chosen = mix.loc[mix.index.isin(b2b), "preferred_channel"].astype(object)
    return chosen.value_counts()


#: The three components of CRM, as labels for the conceptual question.
COMPONENTS = ("operational", "analytical", "collaborative")
#: Peppers & Rogers' four steps of one-to-one marketing, in order.
IDIC_STEPS = ("identify", "differentiate", "interact", "customize")

CONCEPTUAL = [
    Question(
        variable="crm_component",
        expected="analytical",
        kind="concept",
        choices=COMPONENTS,
        hints=[
            "Operational CRM runs the daily processes, analytical CRM learns from the records, collaborative "
            "CRM manages the channels where company and customer meet.",
            "Nobody talks to a customer here, and no order or request is handled: the team studies years of history.",
        ],
        solution='crm_component = "analytical"',
        success="a data warehouse plus data mining to find trends is the notes' analytical CRM (business "
        "intelligence); its result will later be used by the operational and collaborative parts.",
        wrong={
            "operational": (
                "operational CRM runs the daily sales, marketing and service processes: taking an order, logging a "
                "call, routing a request. Mining years of purchases for patterns is not a process step but learning "
                "from the records."
            ),
            "collaborative": "collaborative CRM manages the channels where customers and the company meet (web, phone, "
            "e-mail, face to face) and shares one history across them. Nothing here happens in a channel; "
            "a channel may use the result later.",
        },
    ),
    Question(
        variable="idic_missing_step",
        expected="interact",
        kind="concept",
        choices=IDIC_STEPS,
        hints=[
            "IDIC: identify each customer, differentiate them by needs and value, interact with them, customize "
            "the offer. Match each thing the bank does to one step.",
            "Which step turns the bank's offers into a learning relationship, in which what the customer says "
            "changes what the bank does next?",
        ],
        solution='idic_missing_step = "interact"',
        success="without a dialogue the bank customizes from guesses and never learns: interaction is what "
        "makes one to one a learning relationship (relación de aprendizaje).",
        wrong={
            "identify": "the bank knows each customer by name and account number: that is identify, the first step. "
            "Look for the step that lets the customer answer back.",
            "differentiate": (
                "ranking customers by value and needs is differentiate, and the bank does it. Look for the step that "
                "lets the customer answer back."
            ),
            "customize": "the tailored offer is customize, and the bank makes one. What it lacks comes before: hearing "
            "from the customer, so that the next offer fits better than the last.",
        },
    ),
    Question(
        variable="crm_or_erp",
        expected="ERP",
        kind="concept",
        choices=("ERP", "operational CRM", "analytical CRM"),
        hints=[
            "An ERP puts the needs of every department into one system; a CRM manages the relationship with customers.",
            "Purchasing, stock, production, accounting and payroll: do they face the customer or the company's "
            "own resources?",
        ],
        solution='crm_or_erp = "ERP"',
        success="an ERP looks inward, at resources and operations; a CRM looks outward, at customers. They "
        "share data, but neither replaces the other.",
        wrong={
            "operational crm": (
                "operational CRM runs the customer-facing processes: sales, marketing and service. Purchasing, "
                "stock, production, accounting and payroll are the company's internal resources: that system plans "
                "resources, it does not manage relationships."
            ),
            "analytical crm": (
                "analytical CRM analyses customer data (a data warehouse and data mining) to learn; it does not run "
                "purchasing, production or payroll. A system that runs every department's operations in one database "
                "is something else."
            ),
        },
    ),
    Question(
        variable="face_to_face_form",
        expected="spontaneous",
        kind="concept",
        choices=("spontaneous", "planned"),
        hints=[
            "The notes distinguish the spontaneous form (forma espontánea) from the planned one (forma prevista).",
            "What makes an encounter planned is not whether the people know each other, but whether they "
            "agreed to meet beforehand.",
        ],
        solution='face_to_face_form = "spontaneous"',
        success="no prior agreement, so the customer expects little; the notes count meetings with known and "
        "unknown people alike as spontaneous. A planned meeting raises expectations and closes more sales.",
        wrong={
            "planned": "knowing the customer does not make a meeting planned. A planned encounter needs a prior "
            "agreement between both parties, which is why the customer arrives with higher expectations; "
            "a chance meeting at a fair, with a known face or a stranger, has none.",
        },
    ),
]


QUESTIONS = [
    *CONCEPTUAL,
    Question(
        variable="unresolved_complaints",
        expected=_unresolved_complaints,
        kind="number",
        hints=[
            "Complaints are rows of the `interactions` table with `type = 'complaint'`.",
            "In the database `resolved` is stored as 0 or 1 (no True/False in SQLite).",
            "`SELECT COUNT(*) FROM interactions WHERE type = 'complaint' AND resolved = 0`",
        ],
        solution=(
            "from helpers import warehouse\n"
            "db = warehouse.build(company)\n"
            "unresolved_complaints = warehouse.scalar(\n"
            "    db, \"SELECT COUNT(*) FROM interactions WHERE type = 'complaint' AND resolved = 0\")"
        ),
        success="each of these is a customer waiting, at a higher risk of leaving.",
        mistakes=[
            (
                lambda a, c: a == int((c.interactions["type"].astype(object) == "complaint").sum()),
                "that is every complaint. Keep only those with resolved = 0.",
            ),
            (
                lambda a, c: a == int((~c.interactions["resolved"]).sum()),
                "that counts every unresolved contact, service requests included. Keep only complaints.",
            ),
        ],
    ),
    Question(
        variable="b2b_margin",
        expected=_b2b_margin,
        kind="number",
        rel_tol=1e-4,
        hints=[
            "Use the star schema: `fact_sales` has the margin of each purchase, `dim_customer` the segment.",
            "Join them on `customer_key` (`JOIN dim_customer USING (customer_key)`) and filter `segment = 'B2B'`.",
            "`SELECT SUM(f.margin) FROM fact_sales AS f JOIN dim_customer AS c USING (customer_key) "
            "WHERE c.segment = 'B2B'`",
        ],
        solution=(
            "from helpers import warehouse\n"
            "db = warehouse.build(company)\n"
            'b2b_margin = warehouse.scalar(db, """\n'
            "    SELECT SUM(f.margin) FROM fact_sales AS f\n"
            "    JOIN dim_customer AS c USING (customer_key)\n"
            '    WHERE c.segment = \'B2B\'""")'
        ),
        success="one join between the fact table and a dimension: the everyday move of analytical CRM.",
        mistakes=[
            (
                lambda a, c: abs(a - float(_segment_sales(c, "B2B")["amount"].sum())) < 1,
                "that is the revenue (amount). The question asks for the margin.",
            ),
            (
                lambda a, c: (
                    abs(a - (float((c.transactions["amount"] - c.transactions["cost"]).sum()) - _b2b_margin(c))) < 1
                ),
                "that is the consumers' (B2C) margin. Filter on segment = 'B2B'.",
            ),
        ],
    ),
    Question(
        variable="top20_margin_share",
        expected=_top20_share,
        kind="number",
        rel_tol=1e-6,
        hints=[
            "`crm.customer_value_ranking(company.transactions)` ranks the buying customers by margin, best first.",
            "Take the first round(0.2 × number of buyers) rows and divide their margin by the total margin.",
            "`ranking['margin'].head(round(0.2 * len(ranking))).sum() / ranking['margin'].sum()`",
        ],
        solution=(
            "from helpers import crm\n"
            "ranking = crm.customer_value_ranking(company.transactions)\n"
            'top20_margin_share = ranking["margin"].head(round(0.2 * len(ranking))).sum() '
            '/ ranking["margin"].sum()'
        ),
        success="the Pareto rule, measured rather than assumed.",
        mistakes=[(lambda a, c: a > 1, "give a fraction between 0 and 1, not a percentage.")],
    ),
    Question(
        variable="most_valuable_segment",
        expected=_best_segment,
        kind="choice",
        choices=RFM_SEGMENTS,
        hints=[
            "Score the customers: `rfm_scores(rfm_summary(company.transactions, "
            "observation_end=company.observation_end))`.",
            "`crm.rfm_segment_value(scores, margin)` gives `margin_per_customer` for each segment; "
            "margin per customer is `ranking.set_index('customer_id')['margin']`.",
            "Take `.idxmax()` of the `margin_per_customer` column.",
        ],
        solution=(
            "from helpers import crm\n"
            "from helpers.rfm import rfm_scores, rfm_summary\n"
            "scores = rfm_scores(rfm_summary(company.transactions, observation_end=company.observation_end))\n"
            'margin = crm.customer_value_ranking(company.transactions).set_index("customer_id")["margin"]\n'
            'most_valuable_segment = crm.rfm_segment_value(scores, margin)["margin_per_customer"].idxmax()'
        ),
        success="margin per customer, not total margin: a small segment can be the most valuable one per head.",
    ),
    Question(
        variable="best_offer_strategy",
        expected=_best_strategy,
        kind="choice",
        choices=crm.STRATEGIES,
        hints=[
            "Use `crm.offer_hit_rates(transactions, cutoff, segment=...)` with the cut-off six months "
            "before the end of the data.",
            "The segment of each customer: `company.customers.set_index('customer_id')['segment']`; "
            "the cut-off: `company.observation_end - pd.DateOffset(months=6)`.",
            "Take `.idxmax()` of the `hit_rate` column.",
        ],
        solution=(
            "import pandas as pd\n"
            "from helpers import crm\n"
            "cutoff = company.observation_end - pd.DateOffset(months=6)\n"
            'segment = company.customers.set_index("customer_id")["segment"]\n'
            "best_offer_strategy = crm.offer_hit_rates(company.transactions, cutoff, segment=segment)"
            '["hit_rate"].idxmax()'
        ),
        success="the truth section of the lesson says why, by comparing with the best offer the simulation could make.",
    ),
    Question(
        variable="payback_double_training",
        expected=_payback_with_double_training,
        kind="number",
        rel_tol=1e-6,
        hints=[
            "Start from `crm.crm_business_case(last_year_margin)`, where last_year_margin is the margin "
            "(amount − cost) of the purchases in the last year of the data.",
            "Double the training row in every year column: `case.loc[case['item'] == 'training', years] *= 2`.",
            "Then `crm.payback_years(crm.project_cash_flows(case)['net'])`.",
        ],
        solution=(
            "# BEGIN SOLUTION\n"
            "import pandas as pd\n"
            "from helpers import crm\n"
            "t = company.transactions\n"
            'recent = t["date"] > company.observation_end - pd.DateOffset(years=1)\n'
            'last_year_margin = float((t["amount"] - t["cost"])[recent].sum())\n'
            "case = crm.crm_business_case(last_year_margin)\n"
            'years = [c for c in case.columns if c.startswith("year_")]\n'
            'case.loc[case["item"] == "training", years] *= 2\n'
            'payback_double_training = crm.payback_years(crm.project_cash_flows(case)["net"])\n'
            "# END SOLUTION"
        )
        .removeprefix("# BEGIN SOLUTION\n")
        .removesuffix("\n# END SOLUTION"),
        success="training is cheap next to the benefits it protects; a project that skimps on it risks the benefits.",
        mistakes=[
            (
                lambda a, c: abs(a - _payback_as_given(c)) < 1e-9,
                "that is the payback of the table as given. Double the training cost first.",
            ),
        ],
    ),
    Question(
        variable="b2b_preferred_channels",
        expected=_b2b_preferred,
        kind="series",
        hints=[
            "`crm.channel_mix(company.transactions, company.interactions)` gives each customer's `preferred_channel`.",
            "Keep the B2B customers (`company.customers['segment'] == 'B2B'`), then `.value_counts()`.",
        ],
        solution=(
            "from helpers import crm\n"
            "mix = crm.channel_mix(company.transactions, company.interactions)\n"
            'b2b = company.customers.loc[company.customers["segment"] == "B2B", "customer_id"]\n'
            'b2b_preferred_channels = mix.loc[mix.index.isin(b2b), "preferred_channel"]'
            ".astype(str).value_counts()"
        ),
        success="businesses want people: face to face and the phone weigh far more than for consumers.",
    ),
]


def bind(company, namespace):
    """Lesson 04's questions tied to ``company`` and the notebook's ``globals()``."""
    return _bind(QUESTIONS, company, namespace)
