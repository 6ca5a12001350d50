"""Lesson 01: stages from observable data, migration matrices, Markov projections, charts and the widget.

Worked examples are computed by hand in the comments; properties are checked with
hypothesis; the simulation's latent stages check the readers of stage histories.
"""

from __future__ import annotations

import io
import time

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.patches import FancyBboxPatch

from helpers import plots, relationships, schema
from helpers.plots import relationships as relationship_plots
from helpers.relationships import STATES
from helpers.widgets.relationships import migration_scenario

DAY = pd.Timestamp


# ---------------------------------------------------------------------------------------
# Hand-made tables
# ---------------------------------------------------------------------------------------


@pytest.fixture()
def tables():
    """Three customers, seen on 2024-06-30 (customer 3 signs up the next day)."""
    customers = pd.DataFrame(
        {"customer_id": [1, 2, 3], "signup_date": pd.to_datetime(["2024-01-01", "2024-06-15", "2024-07-01"])}
    )
    transactions = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 1, 2],
            "date": pd.to_datetime(["2024-03-30", "2024-03-31", "2024-06-30", "2024-07-01", "2024-06-20"]),
            "amount": [10.0, 20.0, 30.0, 40.0, 50.0],
            "cost": [5.0, 10.0, 15.0, 20.0, 25.0],
        }
    )
    surveys = pd.DataFrame(
        {
            "customer_id": [1, 1, 1],
            "date": pd.to_datetime(["2024-02-01", "2024-05-01", "2024-07-05"]),
            "satisfaction": [2, 5, 1],
            "trust": [2, 4, 1],
            "commitment": [2, 3, 1],
        }
    )
    bonds = pd.DataFrame(
        {
            "customer_id": [1, 1, 1],
            "level": ["financial", "social", "customization"],
            "start_date": pd.to_datetime(["2024-03-01", "2024-06-01", "2024-07-15"]),
        }
    )
    churn = pd.DataFrame({"customer_id": [2, 1], "date": pd.to_datetime(["2024-06-30", "2024-07-10"])})
    return customers, transactions, surveys, bonds, churn


def features_frame(**columns):
    """A features table with neutral defaults: long tenure, no purchases, no answers, no bond."""
    n = len(next(iter(columns.values())))
    base = {
        "tenure_months": [24.0] * n,
        "purchases_per_month": [0.0] * n,
        "satisfaction": [np.nan] * n,
        "trust": [np.nan] * n,
        "commitment": [np.nan] * n,
        "highest_bond": ["none"] * n,
        "lost": [False] * n,
    }
    base.update(columns)
    return pd.DataFrame(base, index=pd.Index(range(1, n + 1), name="customer_id"))


@pytest.fixture(scope="module")
def company(make_company):
    return make_company(300, seed=1, months=18)


# ---------------------------------------------------------------------------------------
# The framework as data
# ---------------------------------------------------------------------------------------


def test_stage_table_has_seven_aspects_per_stage_with_the_spanish_terms():
    table = relationships.stage_table()
    assert table.shape == (7, 5)
    assert table.columns[1:].tolist() == [
        "Stranger (extraño)",
        "Acquaintance (conocido)",
        "Friend (amigo)",
        "Partner (socio)",
    ]
    goals = table.set_index("Aspect").loc["Primary goal (meta primaria del marketing de relación)"]
    assert [goal.split()[0] for goal in goals] == ["Acquire", "Satisfy", "Retain", "Enhance"]
    advantage = table.iloc[1, 1:].tolist()
    assert "confianza" in advantage[2] and "compromiso" in advantage[3]
    assert table.notna().all().all()


def test_default_thresholds_climb_with_the_stage():
    thresholds = relationships.default_thresholds()
    assert thresholds.index.tolist() == ["acquaintance", "friend", "partner"]
    assert thresholds["min_tenure_months"].is_monotonic_increasing
    assert thresholds["min_purchases_per_month"].is_monotonic_increasing
    assert thresholds["survey_item"].tolist() == ["satisfaction", "trust", "commitment"]


# ---------------------------------------------------------------------------------------
# Observable features
# ---------------------------------------------------------------------------------------


def test_observable_features_use_only_what_was_known_on_the_date(tables):
    features = relationships.observable_features(
        *tables, "2024-06-30", purchase_window_months=3, survey_window_months=2
    )
    assert features.index.tolist() == [1, 2]  # customer 3 signs up on 2024-07-01
    one, two = features.loc[1], features.loc[2]
    # tenure: 2024-01-01 → 2024-06-30 is 181 days = 181 / 30.4375 months
    assert one["tenure_months"] == pytest.approx(181 / 30.4375)
    # window: 3 × 30.4375 = 91.3125 days back from 06-30 is 03-30 16:30: 03-31 and 06-30 count, 03-30 and 07-01 not
    assert one["purchases"] == 2
    assert one["purchases_per_month"] == pytest.approx(2 / 3)
    # the survey of 07-05 is in the future; the one of 05-01 is the latest within two months
    assert (one["satisfaction"], one["trust"], one["commitment"]) == (5.0, 4.0, 3.0)
    assert one["highest_bond"] == "social"  # customization starts on 07-15
    assert not one["lost"]  # customer 1 leaves on 07-10
    # customer 2: 15 days of tenure count as one month of exposure; lost on the day itself
    assert two["purchases_per_month"] == pytest.approx(1.0)
    assert two["highest_bond"] == "none" and two["lost"]
    assert np.isnan(two["trust"])


def test_a_survey_older_than_the_window_does_not_count(tables):
    # one month back from 06-30 is 05-30 13:30: the answer of 05-01 is too old
    features = relationships.observable_features(*tables, "2024-06-30", survey_window_months=1)
    assert np.isnan(features.loc[1, "trust"])


@pytest.mark.parametrize(
    "table, column, value, message",
    [
        (3, "level", "gold", "bonds.level"),
        (2, "trust", 7, "surveys.trust"),
        (0, "signup_date", None, "customers.signup_date"),
    ],
)
def test_bad_rows_are_named_with_table_and_column(tables, table, column, value, message):
    frames = [frame.copy() for frame in tables]
    frames[table][column] = frames[table][column].astype(object)
    frames[table].loc[0, column] = value
    with pytest.raises(ValueError, match=message):
        relationships.observable_features(*frames, "2024-06-30")


def test_a_missing_column_is_named(tables):
    frames = list(tables)
    frames[2] = frames[2].drop(columns="commitment")
    with pytest.raises(ValueError, match=r"surveys table is missing column\(s\) \['commitment'\]"):
        relationships.observable_features(*frames, "2024-06-30")


# ---------------------------------------------------------------------------------------
# Assigning stages
# ---------------------------------------------------------------------------------------


def test_each_rung_needs_behaviour_without_a_veto_or_a_bond():
    features = features_frame(
        tenure_months=[2.0, 12.0, 12.0, 12.0, 12.0, 30.0, 30.0, 1.0],
        purchases_per_month=[5.0, 0.7, 1.3, 1.3, 3.0, 3.0, 3.0, 0.0],
        trust=[np.nan, np.nan, np.nan, 2.0, 4.0, 4.0, 4.0, np.nan],
        commitment=[np.nan, np.nan, np.nan, np.nan, 5.0, 3.0, 4.0, np.nan],
        highest_bond=["none"] * 7 + ["social"],
        lost=[False] * 6 + [True, False],
    )
    assert relationships.assign_stage(features).tolist() == [
        "stranger",  # 2 months < 3: too new, however much they buy
        "acquaintance",  # 0.7 ≥ 0.6 but < 1.2 purchases a month
        "friend",  # 1.3 ≥ 1.2 and 12 ≥ 6 months; no trust answer, and silence does not hold back
        "acquaintance",  # buys like a friend, but trust 2 < 3 vetoes the friend rung
        "partner",  # 12 ≥ 12 months, 3.0 ≥ 2.5 purchases a month, commitment 5 ≥ 4
        "friend",  # buys like a partner, but commitment 3 < 4 vetoes the partner rung
        "lost",  # whatever they did, they have left
        "friend",  # the social bond carries a newcomer up two rungs (financial comes with it)
    ]


def test_thresholds_can_be_edited_and_the_bond_route_turned_off():
    features = features_frame(
        purchases_per_month=[0.0, 3.0], commitment=[np.nan, 4.0], highest_bond=["structural", "none"]
    )
    assert relationships.assign_stage(features).tolist() == ["partner", "partner"]
    thresholds = relationships.default_thresholds()
    thresholds["bond"] = "none"
    thresholds.loc["partner", "min_answer"] = 5
    assert relationships.assign_stage(features, thresholds).tolist() == ["stranger", "friend"]


def test_bad_thresholds_are_refused_with_the_column_named():
    thresholds = relationships.default_thresholds()
    thresholds.loc["friend", "survey_item"] = "loyalty"
    with pytest.raises(ValueError, match="thresholds.survey_item"):
        relationships.assign_stage(features_frame(tenure_months=[1.0]), thresholds)
    with pytest.raises(ValueError, match="one row per stage"):
        relationships.assign_stage(features_frame(tenure_months=[1.0]), thresholds.drop(index="friend"))


answers = st.one_of(st.none(), st.integers(1, 5))
customer_rows = st.lists(
    st.tuples(st.floats(0, 40), st.floats(0, 6), answers, answers, answers, st.sampled_from(relationships.BOND_ORDER)),
    min_size=1,
    max_size=30,
)


def _features(rows):
    tenure, rate, sat, trust, commit, bond = zip(*rows)
    as_float = lambda values: [np.nan if v is None else float(v) for v in values]  # noqa: E731
    return features_frame(
        tenure_months=list(tenure),
        purchases_per_month=list(rate),
        satisfaction=as_float(sat),
        trust=as_float(trust),
        commitment=as_float(commit),
        highest_bond=list(bond),
    )


@settings(max_examples=60, deadline=None)
@given(customer_rows, st.floats(1, 2), st.integers(0, 1))
def test_stricter_thresholds_never_place_a_customer_higher(rows, factor, extra_answer):
    features = _features(rows)
    strict = relationships.default_thresholds()
    strict[["min_tenure_months", "min_purchases_per_month"]] *= factor
    strict["min_answer"] += extra_answer
    loose_codes = relationships.assign_stage(features).cat.codes
    strict_codes = relationships.assign_stage(features, strict).cat.codes
    assert (strict_codes <= loose_codes).all()


@settings(max_examples=60, deadline=None)
@given(customer_rows, st.floats(0, 3))
def test_buying_more_never_lowers_the_stage(rows, extra):
    features = _features(rows)
    more = features.assign(purchases_per_month=features["purchases_per_month"] + extra)
    assert (relationships.assign_stage(more).cat.codes >= relationships.assign_stage(features).cat.codes).all()


# ---------------------------------------------------------------------------------------
# Stages from a history, mixes, confusion
# ---------------------------------------------------------------------------------------


def test_stages_from_history_agree_with_the_simulations_own_reader(company):
    when = DAY("2023-03-31")
    ours = relationships.stages_from_history(company.truth.stage_history, company.customers, company.churn, when)
    active = company.active_at(when)
    theirs = company.truth.stage_at(when)
    assert ours.index.equals(theirs.index)
    assert (ours[active[active].index].astype(str) == theirs[active[active].index].astype(str)).all()
    assert (ours[~active.reindex(ours.index).to_numpy()] == "lost").all()


def test_the_mix_over_time_counts_every_active_customer(company):
    dates = pd.to_datetime(["2022-06-30", "2022-12-31", "2023-06-30"])
    mix = relationships.stage_mix_over_time(
        company.customers, company.transactions, company.surveys, company.bonds, company.churn, dates
    )
    assert mix.columns.tolist() == list(schema.STAGES)
    assert mix.sum(axis=1).tolist() == [int(company.active_at(d).sum()) for d in dates]


def test_confusion_matrix_and_accuracy_by_hand():
    actual = pd.Series(["stranger", "stranger", "friend", "partner", "lost"], index=[1, 2, 3, 4, 5])
    predicted = pd.Series(["lost", "partner", "friend", "stranger", "acquaintance"], index=[5, 4, 3, 2, 1])
    # aligned by customer: 1 stranger→acquaintance, 2 stranger→stranger, 3 friend→friend, 4 partner→partner;
    # customer 5 is lost in both and left out
    confusion = relationships.confusion_matrix(actual, predicted)
    assert confusion.to_numpy().sum() == 4
    assert confusion.loc["stranger"].tolist() == [1, 1, 0, 0]
    assert relationships.accuracy(actual, predicted) == pytest.approx(3 / 4)


def test_confusion_refuses_different_customers_or_one_sided_losses():
    with pytest.raises(ValueError, match="same customers"):
        relationships.confusion_matrix(pd.Series(["friend"], index=[1]), pd.Series(["friend"], index=[2]))
    with pytest.raises(ValueError, match="lost in one series"):
        relationships.accuracy(pd.Series(["friend"], index=[1]), pd.Series(["lost"], index=[1]))
    with pytest.raises(ValueError, match="not one of"):
        relationships.stage_mix(pd.Series(["friendly"]))


# ---------------------------------------------------------------------------------------
# Migration
# ---------------------------------------------------------------------------------------


def test_transition_matrix_by_hand():
    before = pd.Series(
        ["stranger", "stranger", "stranger", "acquaintance", "acquaintance", "friend", "partner", "lost"],
        index=range(1, 9),
    )
    after = pd.Series(
        ["acquaintance", "lost", "stranger", "friend", "acquaintance", "friend", "friend", "lost", "stranger"],
        index=range(1, 10),
    )  # customer 9 is new: inflow, not a move
    counts = relationships.transition_matrix(before, after, normalize=False)
    assert counts.to_numpy().sum() == 7  # active at the start; customer 8 was already lost
    assert counts.loc["stranger"].tolist() == [1, 1, 0, 0, 1]
    probabilities = relationships.transition_matrix(before, after)
    assert probabilities.loc["stranger"].tolist() == pytest.approx([1 / 3, 1 / 3, 0, 0, 1 / 3])
    assert probabilities.loc["acquaintance"].tolist() == [0.0, 0.5, 0.5, 0.0, 0.0]
    assert probabilities.loc["partner", "friend"] == 1.0  # a demotion
    assert probabilities.loc["lost"].tolist() == [0, 0, 0, 0, 1]


def test_transition_matrix_refuses_missing_customers_and_returns_from_lost():
    with pytest.raises(ValueError, match="missing"):
        relationships.transition_matrix(pd.Series(["friend", "friend"]), pd.Series(["friend"]))
    with pytest.raises(ValueError, match="absorbing"):
        relationships.transition_matrix(pd.Series(["lost", "friend"]), pd.Series(["friend", "friend"]))


def test_a_stage_nobody_started_in_keeps_its_customers_and_says_so():
    with pytest.warns(UserWarning, match=r"\['partner'\]"):
        matrix = relationships.transition_matrix(
            pd.Series(["stranger", "acquaintance", "friend"]), pd.Series(["friend", "lost", "partner"])
        )
    assert matrix.loc["partner", "partner"] == 1.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(schema.STAGES), st.sampled_from(STATES)), min_size=1, max_size=40))
def test_rows_are_probabilities_and_counts_cover_the_active_customers(pairs):
    before = pd.Series([p[0] for p in pairs])
    after = pd.Series([p[1] for p in pairs])
    counts = relationships.transition_matrix(before, after, normalize=False)
    assert counts.to_numpy().sum() == len(pairs)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        matrix = relationships.transition_matrix(before, after)
    assert np.allclose(matrix.sum(axis=1), 1.0)
    assert (matrix.to_numpy() >= 0).all()


def _chain():
    return pd.DataFrame(
        [
            [0.5, 0.3, 0.0, 0.0, 0.2],
            [0.1, 0.6, 0.2, 0.0, 0.1],
            [0.0, 0.1, 0.7, 0.15, 0.05],
            [0.0, 0.0, 0.1, 0.88, 0.02],
            [0.0, 0.0, 0.0, 0.0, 1.0],
        ],
        index=list(STATES),
        columns=list(STATES),
    )


def test_adjust_migration_scales_moves_and_trims_a_row_that_would_overflow():
    base = _chain()
    assert np.allclose(relationships.adjust_migration(base).to_numpy(), base.to_numpy())
    adjusted = relationships.adjust_migration(base, promotion_factor=2.0, demotion_factor=0.5, churn_factor=1.5)
    # acquaintance: up 0.2 × 2 = 0.4, down 0.1 × 0.5 = 0.05, lost 0.1 × 1.5 = 0.15, stay 1 − 0.6 = 0.4
    assert adjusted.loc["acquaintance"].tolist() == pytest.approx([0.05, 0.4, 0.4, 0.0, 0.15])
    # stranger: up 0.3 × 2 = 0.6 and lost 0.2 × 1.5 = 0.3, stay 0.1
    assert adjusted.loc["stranger"].tolist() == pytest.approx([0.1, 0.6, 0.0, 0.0, 0.3])
    # stranger with promotions × 3: 0.9 + lost 0.3 > 1, so promotions are trimmed to 0.7 and nobody stays
    trimmed = relationships.adjust_migration(base, promotion_factor=3.0, churn_factor=1.5)
    assert trimmed.loc["stranger"].tolist() == pytest.approx([0.0, 0.7, 0.0, 0.0, 0.3])


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 5), st.floats(0, 5), st.floats(0, 5))
def test_adjusted_matrices_stay_stochastic_with_lost_absorbing(up, down, lost):
    matrix = relationships.adjust_migration(_chain(), promotion_factor=up, demotion_factor=down, churn_factor=lost)
    assert np.allclose(matrix.sum(axis=1), 1.0)
    assert (matrix.to_numpy() >= -1e-12).all()
    assert matrix.loc["lost"].tolist() == [0, 0, 0, 0, 1]


def test_a_matrix_whose_lost_row_is_not_absorbing_is_refused():
    matrix = _chain()
    matrix.loc["lost"] = [1.0, 0, 0, 0, 0]
    with pytest.raises(ValueError, match="absorbing"):
        relationships.project_stages(pd.Series({"stranger": 1}), matrix, 1)
    with pytest.raises(ValueError, match="sum to 1"):
        relationships.project_stages(pd.Series({"stranger": 1}), _chain() * 0.9, 1)


# ---------------------------------------------------------------------------------------
# Projection, steady state and value
# ---------------------------------------------------------------------------------------


def test_projection_by_hand_with_new_strangers():
    projection = relationships.project_stages(
        pd.Series({"stranger": 100.0, "partner": 50.0}), _chain(), 1, new_customers_per_period=20
    )
    # stranger 100 × 0.5 + 20 new = 70; acquaintance 100 × 0.3 = 30; partner 50 × 0.88 = 44; friend 50 × 0.1 = 5
    # lost 100 × 0.2 + 50 × 0.02 = 21
    assert projection.loc[1].tolist() == pytest.approx([70.0, 30.0, 5.0, 44.0, 21.0])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1000), min_size=4, max_size=4), st.floats(0, 500), st.integers(1, 12))
def test_projection_keeps_every_customer_somewhere(start, inflow, periods):
    counts = pd.Series(start, index=list(schema.STAGES))
    projection = relationships.project_stages(counts, _chain(), periods, new_customers_per_period=inflow)
    assert projection.sum(axis=1).to_numpy() == pytest.approx(
        sum(start) + inflow * np.arange(periods + 1), rel=1e-9, abs=1e-6
    )
    assert projection["lost"].is_monotonic_increasing


def test_newcomers_are_counted_where_they_stand_at_the_end_of_the_period(tables):
    customers = tables[0]
    stages = pd.Series(["friend", "lost", "acquaintance"], index=[1, 2, 3])
    # joined in (2024-01-01, 2024-07-01]: customers 2 (lost since) and 3 (already an acquaintance)
    assert relationships.newcomers(stages, customers, "2024-01-01", "2024-07-01").tolist() == [0, 1, 0, 0]
    with pytest.raises(ValueError, match="no stage for 1 customer"):
        relationships.newcomers(stages.drop(index=3), customers, "2024-01-01", "2024-07-01")
    with pytest.raises(ValueError, match="must come after"):
        relationships.newcomers(stages, customers, "2024-07-01", "2024-01-01")


def test_newcomers_per_stage_join_where_they_stand():
    inflow = pd.Series({"stranger": 15.0, "acquaintance": 5.0})
    projection = relationships.project_stages(
        pd.Series({"stranger": 100.0}), _chain(), 1, new_customers_per_period=inflow
    )
    # stranger 100 × 0.5 + 15 = 65; acquaintance 100 × 0.3 + 5 = 35; lost 100 × 0.2 = 20
    assert projection.loc[1].tolist() == pytest.approx([65.0, 35.0, 0.0, 0.0, 20.0])
    steady = relationships.steady_state(_chain(), inflow).to_numpy()
    assert steady @ _chain().to_numpy()[:4, :4] + np.array([15.0, 5.0, 0, 0]) == pytest.approx(steady)
    with pytest.raises(ValueError, match="lost"):
        relationships.project_stages(
            pd.Series({"stranger": 1.0}), _chain(), 1, new_customers_per_period=pd.Series({"lost": 3.0})
        )
    with pytest.raises(ValueError, match="needs new customers"):
        relationships.steady_state(_chain(), 0)


def test_time_in_stages_by_hand_and_the_steady_state_is_a_fixed_point():
    geometric = np.eye(5)
    geometric[0] = [0.75, 0.0, 0.0, 0.0, 0.25]  # a stranger leaves with probability 1/4: 4 periods on average
    assert relationships.time_in_stages(geometric).tolist() == pytest.approx([4.0, 0.0, 0.0, 0.0])
    matrix = _chain()
    steady = relationships.steady_state(matrix, 100)
    q = matrix.to_numpy()[:4, :4]
    assert steady.to_numpy() @ q + np.array([100, 0, 0, 0]) == pytest.approx(steady.to_numpy())
    far = relationships.project_stages(pd.Series({"stranger": 0.0}), matrix, 400, new_customers_per_period=100)
    assert far.loc[400, list(schema.STAGES)].to_numpy() == pytest.approx(steady.to_numpy(), rel=1e-6)


def test_customers_who_can_never_leave_have_no_steady_state():
    matrix = _chain()
    matrix.loc["partner"] = [0, 0, 0, 1.0, 0]  # partners stay for ever
    with pytest.raises(ValueError, match=r"\['partner'\] can never be lost"):
        relationships.steady_state(matrix, 100)


def test_margin_by_stage_counts_customers_who_bought_nothing():
    stages = pd.Series(["stranger", "stranger", "partner", "lost"], index=[1, 2, 3, 4])
    sales = pd.DataFrame(
        {
            "customer_id": [1, 3, 3, 3, 4],
            "date": pd.to_datetime(["2024-01-10", "2024-02-01", "2024-12-31", "2025-01-05", "2024-03-01"]),
            "amount": [100.0, 300.0, 200.0, 999.0, 50.0],
            "cost": [60.0, 100.0, 100.0, 0.0, 0.0],
        }
    )
    margin = relationships.margin_by_stage(stages, sales, "2023-12-31", "2024-12-31")
    # strangers: (40 + 0) / 2 = 20; partner: 200 + 100 = 300 (2025-01-05 is after the period); lost left out
    assert margin["stranger"] == 20.0 and margin["partner"] == 300.0
    assert np.isnan(margin["acquaintance"])


def test_value_of_the_base_equals_the_discounted_margins_of_its_projection():
    matrix, discount = _chain(), 0.1
    margin = pd.Series({"stranger": 50.0, "acquaintance": 200.0, "friend": 600.0, "partner": 2000.0})
    counts = pd.Series({"stranger": 300, "acquaintance": 200, "friend": 100, "partner": 40})
    projection = relationships.project_stages(counts, matrix, 600)
    earned = projection[list(schema.STAGES)].to_numpy() @ margin.to_numpy()
    brute_force = float((earned / (1 + discount) ** np.arange(601)).sum())
    assert relationships.base_value(counts, matrix, margin, discount) == pytest.approx(brute_force, rel=1e-9)


def test_value_needs_a_margin_for_every_stage():
    with pytest.raises(ValueError, match=r"missing for \['partner'\]"):
        relationships.value_by_stage(
            _chain(), pd.Series({"stranger": 1.0, "acquaintance": 2.0, "friend": 3.0, "partner": np.nan}), 0.1
        )


# ---------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------


def _hex(colour) -> str:
    return matplotlib.colors.to_hex(colour).upper()


def test_ladder_draws_four_stages_and_lost():
    plots.use_theme()
    ax = relationship_plots.relationship_ladder().axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert [_hex(b.get_facecolor()) for b in boxes] == [*plots.palette("stage"), plots.NEGATIVE.upper()]
    texts = " ".join(t.get_text() for t in ax.texts)
    assert all(word in texts for word in ("(extraño)", "(socio)", "acquire", "enhance", "Lost (perdido)"))
    plt.close("all")


def test_heatmaps_print_every_cell():
    confusion = pd.DataFrame(
        [[9, 1, 0, 0], [2, 6, 2, 0], [0, 1, 3, 1], [0, 0, 1, 1]], index=list(schema.STAGES), columns=list(schema.STAGES)
    )
    ax = relationship_plots.confusion_heatmap(confusion).axes[0]
    assert [t.get_text() for t in ax.texts][:2] == ["9\n90%", "1\n10%"]
    migration = relationship_plots.migration_heatmap(_chain()).axes[0]
    assert len(migration.texts) == 25 and migration.texts[-1].get_text() == "100%"
    assert [t.get_text() for t in migration.get_xticklabels()] == [
        "Stranger",
        "Acquaintance",
        "Friend",
        "Partner",
        "Lost",
    ]
    assert len(relationship_plots.migration_comparison(_chain(), _chain()).axes) == 2
    plt.close("all")


def test_mix_charts_use_the_stage_colours():
    mix = pd.DataFrame({"stranger": [10, 8], "acquaintance": [0, 3], "friend": [0, 4], "partner": [0, 1]})
    ax = relationship_plots.stage_mix_chart(mix, share=True).axes[0]
    assert [_hex(c.get_facecolor()[0]) for c in ax.collections] == plots.palette("stage")
    assert ax.get_ylim() == (0, 1)
    fig = relationship_plots.mix_comparison_chart(mix, mix)
    assert len(fig.axes) == 2 and fig.axes[1].get_legend() is not None
    plt.close("all")


def test_projection_chart_shows_the_baseline_and_the_note():
    projection = relationships.project_stages(pd.Series({"stranger": 100.0}), _chain(), 3)
    ax = relationship_plots.projection_chart(projection, baseline=projection, note="value 1.0M").axes[0]
    assert len(ax.collections) == 4 and len(ax.lines) == 1
    assert any(t.get_text() == "value 1.0M" for t in ax.texts)
    bars = relationship_plots.value_bars(pd.Series({"baseline": 2.0e6, "scenario": 2.5e6})).axes[0]
    assert [t.get_text() for t in bars.texts] == ["2.0M", "2.5M"]
    plt.close("all")


# ---------------------------------------------------------------------------------------
# The widget's scenario
# ---------------------------------------------------------------------------------------


def _scenario(**factors):
    margin = pd.Series({"stranger": 50.0, "acquaintance": 200.0, "friend": 600.0, "partner": 2000.0})
    counts = pd.Series({"stranger": 300, "acquaintance": 200, "friend": 100, "partner": 40})
    return migration_scenario(
        **factors,
        transition=_chain(),
        start_counts=counts,
        margin=margin,
        discount_rate=0.1,
        periods=5,
        new_customers_per_period=150,
    )


def test_scenario_at_the_observed_rates_is_the_baseline():
    result = _scenario()
    assert result.data["value_change"] == pytest.approx(0.0)
    assert result.data["projection"].equals(result.data["baseline_projection"])
    assert result.data["base_value"] == pytest.approx(
        relationships.base_value(
            pd.Series({"stranger": 300, "acquaintance": 200, "friend": 100, "partner": 40}),
            _chain(),
            pd.Series({"stranger": 50.0, "acquaintance": 200.0, "friend": 600.0, "partner": 2000.0}),
            0.1,
        )
    )
    ax = result.figure.axes[0]
    assert len(ax.collections) == 4 and len(ax.lines) == 1  # four stages stacked, the baseline's total dashed
    assert any("Value of today's base" in t.get_text() for t in ax.texts)
    plt.close("all")


def test_more_promotions_and_fewer_demotions_are_worth_more_and_mature_the_mix():
    better = _scenario(promotion_factor=1.5, demotion_factor=0.5)
    assert better.data["value_change"] > 0
    assert better.data["close_share"] > better.data["baseline_close_share"]
    worse = _scenario(churn_factor=1.5)
    assert worse.data["value_change"] < 0
    assert worse.data["projection"]["lost"].iloc[-1] > worse.data["baseline_projection"]["lost"].iloc[-1]
    plt.close("all")


def test_scenario_timing_including_rendering_is_measured():
    plots.use_theme()
    timings = []
    for factors in ({}, {"promotion_factor": 1.4}, {"demotion_factor": 0.2, "churn_factor": 0.8}):
        start = time.perf_counter()
        result = _scenario(**factors)
        result.figure.savefig(io.BytesIO(), format="png")
        timings.append((time.perf_counter() - start) * 1000)
        plt.close(result.figure)
    print(f"migration_scenario incl. PNG rendering: slowest {max(timings):.0f} ms")  # measured, not asserted
    assert len(timings) == 3


def test_one_rung_share_counts_only_moves_between_neighbouring_rungs():
    counts = pd.DataFrame(0, index=list(relationships.STATES), columns=list(relationships.STATES))
    counts.loc["stranger", "acquaintance"] = 3  # one rung
    counts.loc["partner", "friend"] = 1  # one rung
    counts.loc["stranger", "friend"] = 4  # two rungs
    counts.loc["stranger", "lost"] = 50  # leaving is not a move between rungs
    counts.loc["friend", "friend"] = 9  # staying is not a move
    assert relationships.one_rung_share(counts) == pytest.approx(0.5)
    assert np.isnan(relationships.one_rung_share(counts * 0))


def test_the_mix_comparison_stacks_its_two_charts_at_a_single_charts_width():
    mix = pd.DataFrame({"stranger": [10, 8], "friend": [0, 4]})
    fig = relationship_plots.mix_comparison_chart(mix, mix)
    assert fig.get_size_inches()[0] <= 10
    assert fig.axes[0].get_position().y0 > fig.axes[1].get_position().y0
    plt.close("all")
