"""Lesson 01 exercises: placing customers on the relationship ladder and following their migration.

Every expected answer is computed from the student's company with :mod:`helpers.relationships`
(Johnson & Selnes 2004 for the stages; Pfeifer & Carraway 2000 for the Markov chain), so
the checks hold for a company generated with any seed.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from helpers import relationships, schema
from helpers.checks import Question
from helpers.checks import bind as _bind

_CLOSER = ("stranger", "acquaintance", "friend")


def _tables(company):
    return (company.customers, company.transactions, company.surveys, company.bonds, company.churn)


def _observed(company, date=None, thresholds=None):
    date = company.observation_end if date is None else date
    return relationships.stages_at(*_tables(company), date, thresholds)


def _latent(company):
    return relationships.stages_from_history(
        company.truth.stage_history, company.customers, company.churn, company.observation_end
    )


def _year_before(company):
    return company.observation_end - pd.DateOffset(months=12)


def _migration(company, normalize=True):
    with warnings.catch_warnings():  # a stage nobody started in is reported by the notebook, not the check
        warnings.simplefilter("ignore", UserWarning)
        return relationships.transition_matrix(
            _observed(company, _year_before(company)), _observed(company), normalize=normalize
        )


def _recognised(company):
    confusion = relationships.confusion_matrix(_latent(company), _observed(company))
    members = confusion.sum(axis=1)
    share = pd.Series(np.diag(confusion), index=confusion.index) / members.where(members > 0)
    return share.dropna()


def _projected(company, periods=3):
    projection = relationships.project_stages(relationships.stage_mix(_observed(company)), _migration(company), periods)
    return projection.loc[periods, list(schema.STAGES)]


def _close_share(company):
    active = _projected(company)
    return (active["friend"] + active["partner"]) / active.sum()


def _divided_by_everyone(answer, company):
    """The share of friends and partners among everyone in the projection, the lost included."""
    everyone = relationships.project_stages(relationships.stage_mix(_observed(company)), _migration(company), 3).loc[3]
    return abs(answer - (everyone["friend"] + everyone["partner"]) / everyone.sum()) < 1e-9


def _without_bonds(company):
    thresholds = relationships.default_thresholds()
    thresholds["bond"] = "none"
    return relationships.accuracy(_latent(company), _observed(company, thresholds=thresholds))


def _richest(company):
    margin = relationships.margin_by_stage(
        _observed(company, _year_before(company)), company.transactions, _year_before(company), company.observation_end
    )
    return str(margin.idxmax())


def _accuracy_with_lost(answer, company):
    """The accuracy computed over every customer ever signed up, lost ones counted as matches."""
    observed, latent = _observed(company), _latent(company)
    return abs(answer - float((observed.astype(object) == latent.astype(object)).mean())) < 1e-9


def _business_friends(company, stages=None):
    """Business (B2B) customers placed as friends at the end (by the rule, or by ``stages``)."""
    stages = _observed(company) if stages is None else stages
    business = company.customers.loc[company.customers["segment"] == "B2B", "customer_id"]
    return int((stages[stages.index.isin(business)] == "friend").sum())


#: Sources of competitive advantage and primary goals of the four rungs (Johnson & Selnes 2004).
ADVANTAGES = ("attractiveness", "satisfaction", "trust", "commitment")
GOALS = ("acquire", "satisfy", "retain", "enhance")
#: The two dimensions along which relationship marketing grows a relationship.
DIMENSIONS = ("duration", "depth")

CONCEPTUAL = [
    Question(
        variable="ladder_stage",
        expected="partner",
        kind="concept",
        choices=schema.STAGES,
        hints=[
            "Read the row *product offer* of the table of the four stages: whose offer is made for one customer?",
            "Sharing information and investing together is commitment. Which rung adds commitment?",
        ],
        solution="ladder_stage = 'partner'",
        success="a personalised offer, dedicated resources and shared information: commitment, the deepest "
        "source of advantage, and the hardest for a competitor to copy.",
        wrong={
            "stranger": "a stranger is drawn only by an attractive offer and has invested nothing in the relationship; "
            "this customer shares its plans and has linked its systems.",
            "acquaintance": (
                "an acquaintance is satisfied with a standard offer (product parity) and can switch without much "
                "effort; here the offer is built for this one customer and switching is costly."
            ),
            "friend": "a friend trusts an offer tailored to its *segment*; sharing information and investing together "
            "in an offer made for one customer is commitment, the mark of the rung above.",
        },
    ),
    Question(
        variable="advantage_of_friends",
        expected="trust",
        kind="concept",
        choices=ADVANTAGES,
        hints=[
            "Read the row *source of competitive advantage*: each rung adds one source to the rung below.",
            "What does a friend have on top of an acquaintance's satisfaction?",
        ],
        solution="advantage_of_friends = 'trust'",
        success="satisfaction with a standard offer is easy for a rival to match; trust in a distinctive offer "
        "takes longer to build and to imitate.",
        wrong={
            "attractiveness": (
                "attractiveness of the offer is what wins strangers, and the rival has just matched it: that is why "
                "the acquaintances left."
            ),
            "satisfaction": (
                "acquaintances are satisfied too, and they left; satisfaction with a standard offer cannot be what "
                "keeps the friends."
            ),
            "commitment": "commitment (shared information and investments) is added only at the partner rung; friends "
            "rest on satisfaction plus one more source.",
        },
    ),
    Question(
        variable="goal_for_acquaintances",
        expected="satisfy",
        kind="concept",
        choices=GOALS,
        hints=[
            "Read the last row of the table of the four stages: the primary goal of relationship marketing.",
            "Acquire, satisfy, retain, enhance: one goal per rung, from strangers to partners.",
        ],
        solution="goal_for_acquaintances = 'satisfy'",
        success="acquaintances stay while the company meets their needs with value comparable to the rivals'; "
        "trust, and the goal of retaining, come a rung later.",
        wrong={
            "acquire": (
                "acquiring is the goal with strangers, whose business is not won yet; these households already buy."
            ),
            "retain": "retaining is the goal with friends, whose trust in a distinctive offer the company must keep; "
            "acquaintances have no such trust yet.",
            "enhance": "enhancing the relationship is the goal with partners, who invest in it with the company.",
        },
    ),
    Question(
        variable="dimension_grown",
        expected="duration",
        kind="concept",
        choices=DIMENSIONS,
        hints=[
            "Relationship marketing grows a relationship in two dimensions: how long it lasts, and how much it holds.",
            "The programme changes neither purchases nor trust. What does it change?",
        ],
        solution="dimension_grown = 'duration'",
        success="staying longer is duration; depth would be buying more, sharing more, trusting more.",
        wrong={
            "depth": "depth is how much the relationship holds (purchases, information, trust, commitment), which the "
            "programme leaves unchanged; staying longer is the other dimension.",
        },
    ),
]


QUESTIONS = [
    Question(
        variable="n_business_friends",
        expected=_business_friends,
        kind="number",
        hints=[
            "`relationships.stages_at(...)` places every customer signed up by a date; pass the five tables and "
            "`company.observation_end`. The result is indexed by `customer_id`.",
            'The business customers are those with `segment == "B2B"` in `company.customers`; keep their stages '
            "with `.isin(...)` on the index.",
            'Compare the kept stages with `"friend"` and sum the True values.',
        ],
        solution=(
            "from helpers import relationships\n"
            "stages_end = relationships.stages_at(company.customers, company.transactions, company.surveys,\n"
            "                                     company.bonds, company.churn, company.observation_end)\n"
            'business = company.customers.loc[company.customers["segment"] == "B2B", "customer_id"]\n'
            'n_business_friends = int((stages_end[stages_end.index.isin(business)] == "friend").sum())'
        ),
        success="these are the business customers whose trust the company must keep: the goal with friends is to "
        "retain.",
        mistakes=[
            (
                lambda answer, company: answer == int((_observed(company) == "friend").sum()),
                "that counts every friend, households included. Keep only the business customers (segment B2B).",
            ),
            (
                lambda answer, company: answer == _business_friends(company, _latent(company)),
                "that is the number of *latent* business friends from `company.truth`. The question asks what the "
                "company's own rule sees: use `relationships.stages_at`.",
            ),
        ],
    ),
    Question(
        variable="accuracy_end",
        expected=lambda company: relationships.accuracy(_latent(company), _observed(company)),
        kind="number",
        hints=[
            "The latent stages come from `relationships.stages_from_history(company.truth.stage_history, "
            "company.customers, company.churn, company.observation_end)`.",
            "`relationships.accuracy(latent, observed)` gives the share of active customers placed in their "
            "latent stage.",
        ],
        solution=(
            "from helpers import relationships\n"
            "observed = relationships.stages_at(company.customers, company.transactions, company.surveys,\n"
            "                                   company.bonds, company.churn, company.observation_end)\n"
            "latent = relationships.stages_from_history(company.truth.stage_history, company.customers,\n"
            "                                           company.churn, company.observation_end)\n"
            "accuracy_end = relationships.accuracy(latent, observed)"
        ),
        success="good, but remember that a real company never gets to compute this number: it has no latent stages.",
        mistakes=[
            (
                lambda answer, company: answer > 1,
                "that looks like a percentage. Give the accuracy as a fraction between 0 and 1.",
            ),
            (
                _accuracy_with_lost,
                "you counted the lost customers as agreements. Accuracy is about customers who are still in a "
                "stage: use `relationships.accuracy`, which leaves the lost out.",
            ),
        ],
    ),
    Question(
        variable="worst_recognised",
        expected=lambda company: str(_recognised(company).idxmin()),
        kind="choice",
        choices=schema.STAGES,
        hints=[
            "Build the confusion matrix with `relationships.confusion_matrix(latent, observed)`: one row per "
            "latent stage.",
            "For each row, divide the diagonal cell by the row total: the share of that stage's members the rule "
            "recognises.",
            "The answer is the stage with the smallest share.",
        ],
        solution=(
            "from helpers import relationships\n"
            "observed = relationships.stages_at(company.customers, company.transactions, company.surveys,\n"
            "                                   company.bonds, company.churn, company.observation_end)\n"
            "latent = relationships.stages_from_history(company.truth.stage_history, company.customers,\n"
            "                                           company.churn, company.observation_end)\n"
            "confusion = relationships.confusion_matrix(latent, observed)\n"
            "recognised = {stage: confusion.loc[stage, stage] / confusion.loc[stage].sum()\n"
            "              for stage in confusion.index if confusion.loc[stage].sum() > 0}\n"
            "worst_recognised = min(recognised, key=recognised.get)"
        ),
        success="look where that stage's missing members went in the confusion matrix: almost always to a "
        "neighbouring rung. Between two stages a customer looks like both, and survey answers are rare.",
    ),
    Question(
        variable="stranger_loss",
        expected=lambda company: float(_migration(company).loc["stranger", "lost"]),
        kind="number",
        hints=[
            "Place the customers twice with `relationships.stages_at`: a year before the end "
            "(`company.observation_end - pd.DateOffset(months=12)`) and at the end.",
            "`relationships.transition_matrix(before, after)` gives one row per starting stage.",
            'Read the cell in row `"stranger"`, column `"lost"`.',
        ],
        solution=(
            "import pandas as pd\n"
            "from helpers import relationships\n"
            "tables = (company.customers, company.transactions, company.surveys, company.bonds, company.churn)\n"
            "year_before = company.observation_end - pd.DateOffset(months=12)\n"
            "before = relationships.stages_at(*tables, year_before)\n"
            "after = relationships.stages_at(*tables, company.observation_end)\n"
            "migration = relationships.transition_matrix(before, after)\n"
            'stranger_loss = migration.loc["stranger", "lost"]'
        ),
        success="a large hole at the bottom of the ladder: winning a customer is only the start.",
        mistakes=[
            (
                lambda answer, company: answer == _migration(company, normalize=False).loc["stranger", "lost"],
                "that is a number of customers. Give the share of the year-ago strangers: keep "
                "`normalize=True` (the default).",
            ),
            (
                lambda answer, company: abs(answer - _migration(company).loc["lost", "stranger"]) < 1e-9,
                'rows are *from*, columns are *to*: read row `"stranger"`, column `"lost"`.',
            ),
        ],
    ),
    Question(
        variable="most_lost",
        expected=lambda company: str(_migration(company).loc[list(_CLOSER), "lost"].idxmax()),
        kind="choice",
        choices=_CLOSER,
        hints=[
            "Use the migration matrix of the previous question.",
            'Compare the `"lost"` column for the rows stranger, acquaintance and friend, e.g. with `.idxmax()`.',
        ],
        solution=(
            "import pandas as pd\n"
            "from helpers import relationships\n"
            "tables = (company.customers, company.transactions, company.surveys, company.bonds, company.churn)\n"
            "year_before = company.observation_end - pd.DateOffset(months=12)\n"
            "migration = relationships.transition_matrix(relationships.stages_at(*tables, year_before),\n"
            "                                            relationships.stages_at(*tables, company.observation_end))\n"
            'most_lost = migration.loc[["stranger", "acquaintance", "friend"], "lost"].idxmax()'
        ),
        success="the closer the relationship, the smaller the leak: that is why moving customers up the ladder pays.",
    ),
    Question(
        variable="close_share_in_3",
        expected=_close_share,
        kind="number",
        hints=[
            "Start from today's mix, `relationships.stage_mix(after)`, and the migration matrix.",
            "`relationships.project_stages(today, migration, 3)` projects three periods (years) ahead without "
            "new customers.",
            "In row 3, divide friends + partners by the sum of the four stages (leave `lost` out).",
        ],
        solution=(
            "import pandas as pd\n"
            "from helpers import relationships\n"
            "tables = (company.customers, company.transactions, company.surveys, company.bonds, company.churn)\n"
            "year_before = company.observation_end - pd.DateOffset(months=12)\n"
            "before = relationships.stages_at(*tables, year_before)\n"
            "after = relationships.stages_at(*tables, company.observation_end)\n"
            "migration = relationships.transition_matrix(before, after)\n"
            "projection = relationships.project_stages(relationships.stage_mix(after), migration, 3)\n"
            'active = projection.loc[3, ["stranger", "acquaintance", "friend", "partner"]]\n'
            'close_share_in_3 = (active["friend"] + active["partner"]) / active.sum()'
        ),
        success="without new customers the base shrinks but matures: strangers leave or climb, and few come down.",
        mistakes=[
            (
                _divided_by_everyone,
                "you divided by every customer including the lost ones. The share is of the customers still "
                "active in year 3.",
            ),
            (lambda answer, company: answer > 1, "give the share as a fraction between 0 and 1."),
        ],
    ),
    Question(
        variable="accuracy_without_bonds",
        expected=_without_bonds,
        kind="number",
        hints=[
            "Copy the rules with `thresholds = relationships.default_thresholds()`.",
            'Set the column `bond` to `"none"` for every rung, then pass `thresholds` to `stages_at`.',
            "Compare with the latent stages using `relationships.accuracy`.",
        ],
        solution=(
            "from helpers import relationships\n"
            "thresholds = relationships.default_thresholds()\n"
            'thresholds["bond"] = "none"\n'
            "observed = relationships.stages_at(company.customers, company.transactions, company.surveys,\n"
            "                                   company.bonds, company.churn, company.observation_end, thresholds)\n"
            "latent = relationships.stages_from_history(company.truth.stage_history, company.customers,\n"
            "                                           company.churn, company.observation_end)\n"
            "accuracy_without_bonds = relationships.accuracy(latent, observed)"
        ),
        success="compare with your answer to question 2: the bonds a customer holds are some of the best evidence "
        "of how close they are, because the company offers deeper bonds to closer customers.",
        mistakes=[
            (
                lambda answer, company: (
                    abs(answer - relationships.accuracy(_latent(company), _observed(company))) < 1e-9
                ),
                'that is the accuracy with the default rules. Set `thresholds["bond"] = "none"` and pass '
                "`thresholds` to `stages_at`.",
            )
        ],
    ),
    Question(
        variable="richest_stage",
        expected=_richest,
        kind="choice",
        choices=schema.STAGES,
        hints=[
            "`relationships.margin_by_stage(before, company.transactions, year_before, company.observation_end)` "
            "gives the average margin per customer over the last year, by stage at its start.",
            "Take the stage with the largest value (`.idxmax()` skips a stage with no customers).",
        ],
        solution=(
            "import pandas as pd\n"
            "from helpers import relationships\n"
            "tables = (company.customers, company.transactions, company.surveys, company.bonds, company.churn)\n"
            "year_before = company.observation_end - pd.DateOffset(months=12)\n"
            "before = relationships.stages_at(*tables, year_before)\n"
            "margin = relationships.margin_by_stage(before, company.transactions, year_before,\n"
            "                                      company.observation_end)\n"
            "richest_stage = margin.idxmax()"
        ),
        success="closer customers buy more and stay longer; lesson 06 turns this into lifetime value.",
    ),
    *CONCEPTUAL,
]


def bind(company, namespace):
    """Lesson 01's questions tied to ``company`` and the notebook's ``globals()``."""
    return _bind(QUESTIONS, company, namespace)
