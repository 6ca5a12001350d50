"""Lesson 05 helpers: the satisfaction–loyalty curve, the loyalty matrix and the NPS.

Worked examples use tiny tables whose answers are computed by hand in the comments.
"""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.loyalty import (
    LOYALTY_TYPES,
    loyalty_components,
    loyalty_index,
    loyalty_segment,
    nps,
    nps_category,
    satisfaction_loyalty_curve,
    satisfaction_scale,
    segment_summary,
    stage_share_by_answer,
    survey_outcomes,
)
from helpers.plots.loyalty import curve_chart, matrix_diagram, nps_by_type_chart, truth_chart
from helpers.widgets.loyalty import matrix_scenario


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def dates(*days):
    return pd.to_datetime(list(days))


# --------------------------------------------------------------------------- NPS


def test_nps_worked_examples():
    # 2 promoters (10, 9), 2 passives, 1 detractor (3) out of 5: 40 % − 20 % = 20.
    assert nps([10, 9, 8, 7, 3]) == pytest.approx(20.0)
    # One answer of each score 0..10: promoters 9, 10 (2 of 11), detractors 0..6 (7 of 11):
    # 100 · (2 − 7) / 11 = −45.45…
    assert nps(range(11)) == pytest.approx(-500 / 11)
    # A Series and an integer array give the same.
    assert nps(pd.Series([6, 9])) == nps(np.array([6, 9])) == pytest.approx(0.0)


def test_nps_categories_at_the_boundaries():
    assert list(nps_category([0, 6, 7, 8, 9, 10])) == [
        "detractor",
        "detractor",
        "passive",
        "passive",
        "promoter",
        "promoter",
    ]
    assert list(nps_category([5.0]).categories) == ["detractor", "passive", "promoter"]


@pytest.mark.parametrize(
    "bad, words",
    [
        ([], "empty"),
        ([11], "0 to 10"),
        ([-1], "0 to 10"),
        ([7.5], "0 to 10"),
        (["seven"], "0 to 10"),
        ([np.nan, 9], "0 to 10"),
        ([True, 9], "0 to 10"),
        (7, "sequence"),
        ("9", "sequence"),
    ],
)
def test_nps_refuses_bad_answers_clearly(bad, words):
    with pytest.raises(ValueError, match=words):
        nps(bad)


def test_nps_error_points_at_the_first_bad_answers():
    with pytest.raises(ValueError, match=r"2 answer\(s\).*positions \[1, 3\]: \[12, 4.5\]"):
        nps([9, 12, 3, 4.5])


scores = st.lists(st.integers(0, 10), min_size=1, max_size=200)


@settings(max_examples=150, deadline=None)
@given(scores)
def test_nps_is_promoter_share_minus_detractor_share_within_bounds(answers):
    value = nps(answers)
    promoters = sum(a >= 9 for a in answers)
    detractors = sum(a <= 6 for a in answers)
    assert -100 <= value <= 100
    assert value == pytest.approx(100 * (promoters - detractors) / len(answers))
    assert nps(answers[::-1]) == pytest.approx(value)  # order does not matter


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(9, 10), min_size=1, max_size=50),
    st.lists(st.integers(0, 6), min_size=1, max_size=50),
    st.lists(st.integers(7, 8), min_size=1, max_size=50),
)
def test_nps_extremes_and_passives(promoters, detractors, passives):
    assert nps(promoters) == 100.0
    assert nps(detractors) == -100.0
    assert nps(passives) == 0.0
    mixed = promoters + detractors
    # Passives count in the denominator only: adding them pulls the score towards 0.
    assert abs(nps(mixed + passives)) <= abs(nps(mixed)) + 1e-9


# --------------------------------------------------------------------------- satisfaction–loyalty curve


def test_the_scale_has_five_levels_from_completely_dissatisfied_to_completely_satisfied():
    scale = satisfaction_scale()
    assert scale["level"].tolist() == [1, 2, 3, 4, 5]
    assert scale["English"].iloc[[0, -1]].tolist() == ["completely dissatisfied", "completely satisfied"]
    assert scale["Spanish"].iloc[-1] == "completamente satisfecho"


# Four answers, data ends on 31 December 2024, window 180 days.
SURVEYS = pd.DataFrame(
    {
        "survey_id": [1, 2, 3, 4],
        "customer_id": [10, 11, 12, 10],
        "date": dates("2024-01-01", "2024-01-01", "2024-03-01", "2024-11-01"),
        "satisfaction": [5, 4, 3, 5],
    }
)
SALES = pd.DataFrame(
    {
        "customer_id": [10, 10, 10, 11, 12],
        # 10: on the survey day (not counted), on day +180 (29 June, counted), after the window.
        # 11: on 1 July = day +182, after the window.  12: 2 March = day +1.
        "date": dates("2024-01-01", "2024-06-29", "2024-07-15", "2024-07-01", "2024-03-02"),
    }
)
LOST = pd.DataFrame({"customer_id": [11, 12], "date": dates("2024-06-29", "2024-09-01")})


def test_survey_outcomes_counted_by_hand():
    out = survey_outcomes(SURVEYS, SALES, LOST, "2024-12-31")
    # 1 Jan + 180 days = 29 June 2024 (2024 is a leap year: 30 + 29 + 31 + 30 + 31 + 29 = 180).
    # Answer 1 (customer 10): never lost → retained; one purchase in the window (29 June).
    # Answer 2 (customer 11): lost on 29 June = the last day of the window → not retained;
    #   its 1 July purchase is outside the window.
    # Answer 3 (customer 12): lost on 1 Sept, after 28 Aug (1 March + 180) → retained; bought 2 March.
    # Answer 4: 1 Nov + 180 days is after 31 December → not observed, outcomes NaN.
    assert out["observed"].tolist() == [True, True, True, False]
    np.testing.assert_array_equal(out["retained"], [1.0, 0.0, 1.0, np.nan])
    np.testing.assert_array_equal(out["repurchased"], [1.0, 0.0, 1.0, np.nan])
    np.testing.assert_array_equal(out["purchases"], [1.0, 0.0, 1.0, np.nan])


def test_a_shorter_window_changes_what_counts():
    out = survey_outcomes(SURVEYS, SALES, LOST, "2024-12-31", window_days=30)
    # 30 days: customer 10 made no purchase from 2 Jan to 31 Jan; answer 4 (1 Nov) is now observed.
    np.testing.assert_array_equal(out["purchases"], [0.0, 0.0, 1.0, 0.0])
    assert out["observed"].all()


def test_survey_outcomes_refuses_bad_satisfaction_and_windows():
    bad = SURVEYS.assign(satisfaction=[5, 6, 3, 5])
    with pytest.raises(ValueError, match=r"surveys\.satisfaction: 1 row\(s\) are not whole numbers from 1 to 5"):
        survey_outcomes(bad, SALES, LOST, "2024-12-31")
    with pytest.raises(ValueError, match="window_days"):
        survey_outcomes(SURVEYS, SALES, LOST, "2024-12-31", window_days=0)
    with pytest.raises(ValueError, match=r"the churn table is missing column\(s\) \['date'\]"):
        survey_outcomes(SURVEYS, SALES, LOST[["customer_id"]], "2024-12-31")


def test_curve_rates_and_ratios_by_hand():
    outcomes = pd.DataFrame(
        {
            "satisfaction": [3, 3, 4, 4, 4, 4, 5, 5, 1],
            "observed": [True] * 8 + [False],
            "retained": [0, 1, 1, 1, 1, 0, 1, 1, np.nan],
            "repurchased": [0, 1, 1, 1, 0, 0, 1, 1, np.nan],
            "purchases": [0, 2, 3, 1, 0, 0, 6, 4, np.nan],
        }
    )
    curve = satisfaction_loyalty_curve(outcomes)
    # Level 3: 2 answers, retention 1/2, purchases (0 + 2)/2 = 1.
    # Level 4: 4 answers, retention 3/4, repurchase 2/4, purchases 4/4 = 1.
    # Level 5: 2 answers, retention 1, purchases 5.  Level 1's only answer is not observed.
    assert curve["answers"].tolist() == [0, 0, 2, 4, 2]
    assert curve.loc[4, "retention_rate"] == 0.75 and curve.loc[4, "repurchase_rate"] == 0.5
    # churn vs 4: level 3 (1 − 0.5) / (1 − 0.75) = 2; level 5: 0 / 0.25 = 0.
    assert curve.loc[3, "churn_vs_reference"] == pytest.approx(2.0)
    assert curve.loc[5, "churn_vs_reference"] == 0.0
    assert curve.loc[5, "purchases_vs_reference"] == pytest.approx(5.0)
    assert curve.loc[[1, 2], "retention_rate"].isna().all()


# --------------------------------------------------------------------------- loyalty matrix


def small_company():
    customers = pd.DataFrame(
        {"customer_id": [1, 2, 3, 4], "signup_date": dates("2022-01-15", "2024-10-05", "2022-05-01", "2025-01-10")}
    )
    sales = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 2, 3],
            # 1: two purchases in March 2024 (one month) and one in 2023 (outside the 12-month window).
            "date": dates("2024-03-02", "2024-03-20", "2023-06-01", "2024-10-06", "2024-12-01", "2024-05-01"),
            "amount": [50.0, 30.0, 999.0, 20.0, 20.0, 10.0],
            "cost": [30.0, 20.0, 0.0, 5.0, 5.0, 5.0],
        }
    )
    answers = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 3],
            # 1's latest answer up to the end is 1 July (5, commitment 5); the 2025 answer is after as_of.
            "date": dates("2023-01-01", "2024-07-01", "2025-02-01", "2024-01-01"),
            "satisfaction": [2, 5, 1, 4],
            "recommend": [3, 10, 0, 8],
            "commitment": [2, 5, 1, 3],
        }
    )
    bonds = pd.DataFrame(
        {
            "customer_id": [1, 1, 2],
            "level": ["financial", "social", "financial"],
            "start_date": dates("2023-01-01", "2025-03-01", "2024-11-01"),
        }
    )
    lost = pd.DataFrame({"customer_id": [3], "date": dates("2024-06-15")})
    return customers, sales, answers, bonds, lost


def test_loyalty_components_of_a_small_company_by_hand():
    table = loyalty_components(*small_company(), "2024-12-31")
    # 3 left in June 2024 and 4 joined in 2025: only 1 and 2 are customers on 31 Dec 2024.
    assert table.index.tolist() == [1, 2]
    one, two = table.loc[1], table.loc[2]
    # Customer 1: latest answer (1 July 2024) 5, recommend 10, commitment 5 → intention (5 − 1)/4 = 1.
    assert (one["satisfaction"], one["recommend"], one["intention"]) == (5.0, 10.0, 1.0)
    # Purchases in Jan–Dec 2024: March only → 1 month of 12; margin (50 − 30) + (30 − 20) = 30.
    assert one["purchase_months"] == 1 and one["repurchase"] == pytest.approx(1 / 12)
    assert one["margin"] == pytest.approx(30.0)
    # Tenure: 15 Jan 2022 → 31 Dec 2024 = 1081 days = 35.5 months → capped at 1. Social bond starts in 2025.
    assert one["tenure"] == 1.0 and one["bonds_held"] == 1 and one["bonds"] == 0.25
    # Customer 2 joined in October 2024: months Oct, Nov, Dec seen, purchases in Oct and Dec → 2/3.
    assert two["repurchase"] == pytest.approx(2 / 3)
    # 5 Oct → 31 Dec = 87 days = 2.858 months → tenure 2.858 / 24.
    assert two["tenure"] == pytest.approx(87 / 30.4375 / 24)
    # Never surveyed: no satisfaction and no intention, but the row stays so it can be counted.
    assert np.isnan(two["satisfaction"]) and np.isnan(two["intention"])


def test_loyalty_components_as_of_an_earlier_day_uses_only_earlier_data():
    table = loyalty_components(*small_company(), "2024-03-31", months=6)
    # On 31 March 2024: 1 and 3 are customers; 1's latest answer is from 2023 (satisfaction 2).
    assert table.index.tolist() == [1, 3]
    assert table.loc[1, "satisfaction"] == 2.0
    # Window Oct 2023–Mar 2024: customer 1 bought in March only → 1/6.
    assert table.loc[1, "repurchase"] == pytest.approx(1 / 6)


def test_loyalty_index_is_the_weighted_mean_of_the_components():
    table = pd.DataFrame(
        {"repurchase": [1.0, 0.2], "tenure": [0.5, 0.2], "bonds": [0.0, 0.2], "intention": [0.5, np.nan]}
    )
    # (1 + 0.5 + 0 + 0.5) / 4 = 0.5; the second has no intention → NaN with equal weights.
    index = loyalty_index(table)
    assert index.iloc[0] == 0.5 and np.isnan(index.iloc[1])
    # Behaviour only (intention weight 0): (0.2 + 0.2 + 0.2) / 3 = 0.2.
    behaviour = loyalty_index(table, weights={"repurchase": 1, "tenure": 1, "bonds": 1})
    assert behaviour.tolist() == pytest.approx([0.5, 0.2])


@pytest.mark.parametrize(
    "weights, words",
    [
        ({"repurchase": -1}, "non-negative"),
        ({"tenure": 0}, "not all zero"),
        ({"loyalty": 1}, "unknown loyalty components"),
    ],
)
def test_loyalty_index_refuses_bad_weights(weights, words):
    with pytest.raises(ValueError, match=words):
        loyalty_index(
            pd.DataFrame({"repurchase": [1.0], "tenure": [1.0], "bonds": [1.0], "intention": [1.0]}), weights=weights
        )


def test_loyalty_index_refuses_components_outside_zero_one():
    table = pd.DataFrame({"repurchase": [0.5, 1.5], "tenure": [1.0, 1.0], "bonds": [0, 0], "intention": [0, 0]})
    with pytest.raises(ValueError, match=r"loyalty\.repurchase: 1 row\(s\) are not fractions in \[0, 1\]"):
        loyalty_index(table)


unit = st.floats(0, 1)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(unit, unit, unit, unit), min_size=1, max_size=20),
    st.tuples(unit, unit, unit, unit).filter(lambda w: sum(w) > 0.01),
)
def test_loyalty_index_stays_in_zero_one_for_any_weights(rows, weights):
    table = pd.DataFrame(rows, columns=["repurchase", "tenure", "bonds", "intention"])
    index = loyalty_index(table, weights=dict(zip(table.columns, weights)))
    assert ((index >= -1e-12) & (index <= 1 + 1e-12)).all()


def matrix_table():
    # Index = mean of four equal components, so each row's index is the value repeated.
    levels = [0.8, 0.1, 0.8, 0.1, 0.8, 0.5, 0.35, 0.4, 0.9]
    satisfaction = [5, 4, 3, 1, 4, 5, 2, 3, np.nan]
    return pd.DataFrame(
        {
            "satisfaction": satisfaction,
            **{c: levels for c in ("repurchase", "tenure", "bonds", "intention")},
            "margin": [100.0, 20, 30, 5, 60, 40, 10, 1, 999],
        },
        index=range(101, 110),
    )


def test_loyalty_segment_places_each_corner_and_the_middle_band():
    segments = loyalty_segment(matrix_table())
    # Defaults: satisfied ≥ 4, dissatisfied ≤ 3, tied ≥ 0.5, loose < 0.35.
    # Index 0.5 is exactly the high threshold → tied; 0.35 exactly the low one → not loose (middle band).
    assert segments.tolist()[:8] == [
        "apostle",
        "mercenary",
        "hostage",
        "terrorist",
        "apostle",
        "apostle",
        "indifferent",
        "indifferent",
    ]
    assert pd.isna(segments.iloc[8]), "a customer never surveyed is not placed"
    assert list(segments.cat.categories) == list(LOYALTY_TYPES)
    # A stricter view (Jones & Sasser: only 5 counts; 3 is the neutral middle):
    strict = loyalty_segment(matrix_table(), satisfied_from=5, dissatisfied_up_to=2)
    assert strict.tolist()[:5] == ["apostle", "indifferent", "indifferent", "terrorist", "indifferent"]


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"satisfied_from": 3, "dissatisfied_up_to": 3}, "dissatisfied_up_to < satisfied_from"),
        ({"satisfied_from": 4.5}, "whole levels"),
        ({"high_loyalty": 0.3, "low_loyalty": 0.4}, "low_loyalty ≤ high_loyalty"),
        ({"high_loyalty": 1.2}, "low_loyalty ≤ high_loyalty ≤ 1"),
    ],
)
def test_loyalty_segment_refuses_bad_thresholds(kwargs, words):
    with pytest.raises(ValueError, match=words):
        loyalty_segment(matrix_table(), **kwargs)


def test_loyalty_segment_refuses_satisfaction_off_the_scale():
    with pytest.raises(ValueError, match=r"loyalty\.satisfaction: 1 row\(s\) are not whole numbers from 1 to 5"):
        loyalty_segment(matrix_table().assign(satisfaction=[5, 4, 3, 1, 4, 5, 2, 3.5, 4]))


def test_segment_summary_by_hand():
    table = matrix_table()
    summary = segment_summary(loyalty_segment(table), table["margin"])
    # Placed: 8 customers. Apostles 101, 105, 106: 3 customers, 100 + 60 + 40 = 200 of a total
    # 100 + 20 + 30 + 5 + 60 + 40 + 10 + 1 = 266; the unplaced 999 is left out.
    assert summary["customers"].tolist() == [3, 1, 1, 1, 2]
    assert summary.loc["apostle", "value"] == 200.0
    assert summary.loc["apostle", "value_share"] == pytest.approx(200 / 266)
    assert summary.loc["indifferent", "value_per_customer"] == pytest.approx(5.5)
    assert summary["share"].sum() == pytest.approx(1.0)


# --------------------------------------------------------------------------- widget and charts


def test_matrix_scenario_returns_the_summary_and_a_chart_of_every_placed_customer():
    table = matrix_table()
    result = matrix_scenario(table, high_loyalty=0.6, low_loyalty=0.2, satisfied_from=5, dissatisfied_up_to=2)
    expected = segment_summary(
        loyalty_segment(table, high_loyalty=0.6, low_loyalty=0.2, satisfied_from=5, dissatisfied_up_to=2),
        table["margin"],
    )
    pd.testing.assert_frame_equal(result.data, expected)
    ax = result.figure.axes[0]
    assert len(ax.collections) == 1 and len(ax.collections[0].get_offsets()) == 8
    assert len(ax.texts) == 5  # four corners and the middle band
    assert "Apostles: 1 (12%)" in ax.texts[1].get_text()
    result.figure.savefig(io.BytesIO(), format="png")


def test_matrix_scenario_repairs_crossed_sliders_instead_of_failing():
    result = matrix_scenario(matrix_table(), high_loyalty=0.4, low_loyalty=0.7, satisfied_from=3, dissatisfied_up_to=4)
    assert result.data.attrs["thresholds"] == {
        "satisfied_from": 3,
        "dissatisfied_up_to": 2,
        "high_loyalty": 0.4,
        "low_loyalty": 0.4,
    }
    assert result.data["customers"].sum() == 8


def test_charts_draw_what_they_promise():
    assert len(matrix_diagram().axes[0].patches) == 6  # four corners and two middle bands
    curve = pd.DataFrame(
        {
            "answers": [1, 2, 3, 4, 5],
            "retention_rate": [0.4, 0.5, 0.7, 0.8, 0.9],
            "repurchase_rate": [0.5, 0.6, 0.8, 0.9, 1.0],
            "purchases_per_answer": [1, 2, 3, 4, 10],
        },
        index=pd.Index(range(1, 6), name="satisfaction"),
    )
    fig = curve_chart(curve)
    assert len(fig.axes[0].lines) == 2 and len(fig.axes[1].patches) == 5
    shares = pd.DataFrame(
        {"detractor": [0.2, 0.9], "passive": [0.3, 0.1], "promoter": [0.5, 0.0]}, index=["apostle", "terrorist"]
    )
    assert len(nps_by_type_chart(shares).axes[0].patches) == 6
    comparison = pd.DataFrame(
        {
            "churn_measured": [2.0, 1, 1, 1, 0.3],
            "churn_true": [3.0, 2, 1, 1, 0.15],
            "purchases_measured": [0.4, 0.5, 0.8, 1, 2.5],
            "purchases_true": [0.5, 0.75, 0.97, 1, 1.8],
        },
        index=range(1, 6),
    )
    assert [len(ax.patches) for ax in truth_chart(comparison).axes] == [10, 10]


def test_stage_share_by_answer_matches_each_answer_with_the_stage_on_its_day():
    # Customer 1 is a stranger until June, a friend after: the February 3 is a stranger's, the August 3 a
    # friend's, so half the 3s are strangers'. Customer 2's 5 is a friend's; customer 3 answered before
    # any recorded stage, which counts as not a stranger.
    surveys = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3],
            "date": dates("2022-02-01", "2022-08-01", "2022-03-01", "2021-12-01"),
            "satisfaction": [3, 3, 5, 5],
        }
    )
    history = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3],
            "date": dates("2022-01-01", "2022-06-01", "2022-01-01", "2022-01-01"),
            "stage": ["stranger", "friend", "friend", "stranger"],
        }
    )
    shares = stage_share_by_answer(surveys, history, "stranger")
    assert shares.to_dict() == {3: 0.5, 5: 0.0}
    assert stage_share_by_answer(surveys, history, "friend").to_dict() == {3: 0.5, 5: 0.5}
    with pytest.raises(ValueError, match="stage_history table is missing"):
        stage_share_by_answer(surveys, history.drop(columns="stage"), "stranger")
