"""Lesson 07 helpers: satisfaction gaps, moments of truth, service recovery, the chain, the NPS.

Worked examples use tiny tables whose answers are computed by hand in the comments.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from helpers.data import lesson_company
from helpers.loyalty import nps
from helpers.plots import satisfaction as satisfaction_plots
from helpers.satisfaction import (
    MOMENT_TYPES,
    Projection,
    chain_against_truth,
    chain_links,
    compare_risks,
    contact_outcomes,
    customer_rating_band,
    employee_chain,
    gap_table,
    level_outcomes,
    moments_of_truth,
    nps_table,
    partial_correlation,
    project_improvement,
    recent_touchpoints,
    recovery_table,
    satisfaction_gaps,
    satisfaction_grid,
    tenure_at_answer,
    touchpoint_table,
    true_chain_effects,
)
from helpers.synthetic import default_params
from helpers.widgets import Scenario
from helpers.widgets.satisfaction import touchpoint_options, touchpoint_scenario, touchpoint_widget


def dates(*days):
    return pd.to_datetime(list(days))


# Four answers: (satisfaction, expectation, perception, recommend)
ANSWERS = pd.DataFrame(
    {
        "survey_id": [1, 2, 3, 4],
        "customer_id": [10, 11, 12, 13],
        "date": dates("2024-03-31", "2024-03-31", "2024-03-31", "2024-03-31"),
        "satisfaction": [2, 4, 5, 4],
        "expectation": [6, 5, 4, 5],
        "perception": [3, 5, 6, 6],
        "recommend": [2, 8, 10, 9],
    }
)


# --------------------------------------------------------------------------- gaps


def test_gaps_by_hand():
    gaps = satisfaction_gaps(ANSWERS)
    # perception − expectation: 3 − 6 = −3, 5 − 5 = 0, 6 − 4 = 2, 6 − 5 = 1
    assert gaps["gap"].tolist() == [-3, 0, 2, 1]
    assert gaps["disconfirmation"].astype(str).tolist() == ["negative", "confirmed", "positive", "positive"]
    table = gap_table(gaps)
    row = table.loc["all answers"]
    # mean gap (−3 + 0 + 2 + 1) / 4 = 0; shares 1/4 negative, 1/4 confirmed, 2/4 positive; mean satisfaction 15/4
    assert row["gap"] == 0 and row["negative"] == 0.25 and row["positive"] == 0.5
    assert row["satisfaction"] == pytest.approx(3.75)
    by_level = gap_table(gaps, by="satisfaction")
    assert by_level.loc[4, "gap"] == pytest.approx(0.5) and by_level.loc[4, "answers"] == 2
    labels = pd.Series(["a", "b", "a", "b"], index=gaps.index)
    assert gap_table(gaps, by=labels).loc["a", "gap"] == pytest.approx(-0.5)  # (−3 + 2) / 2


@pytest.mark.parametrize(
    "column, value, words",
    [
        ("perception", 8, r"surveys\.perception: 1 row\(s\) are not whole numbers from 1 to 7"),
        ("expectation", 4.5, r"surveys\.expectation"),
        ("satisfaction", 0, r"surveys\.satisfaction"),
    ],
)
def test_gaps_refuse_values_off_the_scale(column, value, words):
    bad = ANSWERS.astype({column: float})
    bad.loc[2, column] = value
    with pytest.raises(ValueError, match=words):
        satisfaction_gaps(bad)


def test_gaps_name_a_missing_column_and_a_misaligned_grouping():
    with pytest.raises(ValueError, match=r"surveys table is missing column\(s\) \['perception'\]"):
        satisfaction_gaps(ANSWERS.drop(columns="perception"))
    with pytest.raises(ValueError, match="same index"):
        gap_table(satisfaction_gaps(ANSWERS), by=pd.Series(["a"] * 4, index=[5, 6, 7, 8]))


def test_grid_keeps_only_cells_with_enough_answers():
    gaps = satisfaction_gaps(pd.concat([ANSWERS, ANSWERS.assign(survey_id=[5, 6, 7, 8], satisfaction=[2, 5, 5, 4])]))
    grid = satisfaction_grid(gaps, min_answers=2)
    # The cell (expectation 5, perception 6) holds answers 4 and 8, both 4 → 4.0; (4, 6) holds 5 and 5 → 5.0
    assert grid.loc[5, 6] == 4.0 and grid.loc[4, 6] == 5.0
    # Cell (5, 5) holds answer 2 (4) and answer 6 (5): 4.5; every other cell is empty.
    assert grid.loc[5, 5] == 4.5
    assert grid.notna().sum().sum() == 4  # (6, 3), (5, 5), (4, 6), (5, 6): two answers each
    assert grid.attrs["answers"].to_numpy().sum() == 8
    assert satisfaction_grid(gaps, min_answers=3).isna().all().all()
    with pytest.raises(ValueError, match="min_answers"):
        satisfaction_grid(gaps, min_answers=0)


# --------------------------------------------------------------------------- touchpoints before an answer


CONTACTS = pd.DataFrame(
    {
        "interaction_id": range(1, 8),
        "customer_id": [10, 10, 10, 11, 11, 12, 13],
        # 10: 31 days before (out), 30 days before (in), on the answer day (in);
        # 11: 5 days before (in) and the day after the answer (out); 12: 2 days before; 13: none near
        "date": dates("2024-02-29", "2024-03-01", "2024-03-31", "2024-03-26", "2024-04-01", "2024-03-29", "2023-12-01"),
        "type": ["complaint", "complaint", "inquiry", "complaint", "purchase", "purchase", "inquiry"],
        "channel": ["phone", "phone", "web", "email", "web", "face_to_face", "web"],
        "resolved": [False, False, True, True, True, True, True],
        "rating": [1, 2, 4, 4, 1, 5, 3],
    }
)


def test_recent_touchpoints_window_boundaries_by_hand():
    touched = recent_touchpoints(ANSWERS, CONTACTS, window_days=30)
    rows = {(r.survey_id, r.touchpoint): (r.contacts, r.went_badly) for r in touched.itertuples()}
    # Answer 1 (customer 10, 31 March): the 1 March complaint (30 days) and the same-day inquiry count;
    # the 29 February complaint (31 days) does not.
    assert rows == {
        (1, "complaint"): (1, True),
        (1, "inquiry"): (1, False),
        (2, "complaint"): (1, False),
        (3, "purchase"): (1, False),
    }


def test_recent_touchpoints_by_type_and_channel_and_a_stricter_bad_rating():
    touched = recent_touchpoints(ANSWERS, CONTACTS, window_days=31, by=("channel", "type"), bad_rating=1)
    assert touched["touchpoint"].astype(str).tolist() == [
        "complaint · phone",
        "inquiry · web",
        "complaint · email",
        "purchase · face_to_face",
    ]
    # With 31 days both complaints of customer 10 count: ratings 1 and 2, and only 1 is "bad" now.
    assert touched.loc[0, "contacts"] == 2 and touched.loc[0, "went_badly"]
    assert touched["touchpoint"].cat.categories[0] == "purchase · web"  # schema order: type, then channel


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"by": "employee_id"}, "by must name"),
        ({"by": ()}, "by must name"),
        ({"window_days": -1}, "window_days"),
        ({"bad_rating": 6}, "bad_rating"),
    ],
)
def test_recent_touchpoints_refuses_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words):
        recent_touchpoints(ANSWERS, CONTACTS, **kwargs)


def test_recent_touchpoints_names_bad_ratings_and_types():
    with pytest.raises(ValueError, match=r"interactions\.rating: 1 row\(s\)"):
        recent_touchpoints(ANSWERS, CONTACTS.assign(rating=[1, 2, 4, 4, 1, 7, 3]))
    with pytest.raises(ValueError, match=r"interactions\.type: 1 row\(s\) are not one of"):
        recent_touchpoints(ANSWERS, CONTACTS.assign(type=["complaint"] * 6 + ["chat"]))


def test_touchpoint_table_by_hand():
    gaps = satisfaction_gaps(ANSWERS)
    table = touchpoint_table(gaps, recent_touchpoints(ANSWERS, CONTACTS))
    # complaint went badly: answer 1 (gap −3, satisfaction 2, recommend 2 → NPS −100)
    bad = table.loc[("complaint", "went badly")]
    assert (bad["answers"], bad["gap"], bad["nps"], bad["level_2"]) == (1, -3, -100, 1.0)
    # complaint went well: answer 2 (gap 0, recommend 8 → passive → NPS 0)
    assert table.loc[("complaint", "went well"), "nps"] == 0
    # inquiry went well: answer 1 again (an answer counts once per touchpoint it met)
    assert table.loc[("inquiry", "went well"), "gap"] == -3
    # no recorded contact: answer 4 only (gap 1); shares are of all 4 answers
    none = table.loc[("no recorded contact", "none")]
    assert (none["answers"], none["gap"], none["share_of_answers"]) == (1, 1, 0.25)
    levels = table[[f"level_{k}" for k in range(1, 6)]]
    np.testing.assert_allclose(levels.sum(axis=1), 1.0)


def test_touchpoint_table_refuses_answers_it_does_not_know():
    touches = pd.DataFrame({"survey_id": [99], "touchpoint": ["complaint"], "contacts": [1], "went_badly": [True]})
    with pytest.raises(ValueError, match=r"touches\.survey_id: 1 row\(s\) are not answers"):
        touchpoint_table(satisfaction_gaps(ANSWERS), touches)


# --------------------------------------------------------------------------- contacts and churn


def test_contact_outcomes_window_by_hand():
    contacts = CONTACTS.iloc[:4].assign(
        customer_id=[1, 2, 3, 4], date=dates("2024-01-01", "2024-01-01", "2024-01-01", "2024-10-03")
    )
    lost = pd.DataFrame({"customer_id": [1, 2, 3], "date": dates("2024-03-31", "2024-04-01", "2024-01-01")})
    out = contact_outcomes(contacts, lost, "2024-12-31", window_days=90)
    # 1 Jan + 90 days = 31 March (2024 is a leap year: 30 + 29 + 31): customer 1 left on the last day of
    # the window, customer 2 the day after it; customer 3 left on the contact day itself.
    # 3 October + 90 days = 1 January 2025, after the end of the data: not observed.
    assert out["observed"].tolist() == [True, True, True, False]
    np.testing.assert_array_equal(out["left"], [1.0, 0.0, 1.0, np.nan])


def test_contact_outcomes_refuses_bad_input():
    lost = pd.DataFrame({"customer_id": [10, 10], "date": dates("2024-05-01", "2024-06-01")})
    with pytest.raises(ValueError, match=r"churn\.customer_id: 1 row\(s\) repeat a customer"):
        contact_outcomes(CONTACTS, lost, "2024-12-31")
    with pytest.raises(ValueError, match=r"interactions\.resolved: 1 row\(s\) are not True/False"):
        contact_outcomes(
            CONTACTS.assign(resolved=[True, None, True, True, True, True, True]), lost.iloc[:1], "2024-12-31"
        )
    with pytest.raises(ValueError, match="window_days"):
        contact_outcomes(CONTACTS, lost.iloc[:1], "2024-12-31", window_days=0)


def test_compare_risks_by_hand():
    rows = pd.DataFrame(
        {"left": [1, 1, 0, 1, 1, 0, 0, 0], "unresolved": [1, 1, 1, 0, 1, 0, 0, 0], "band": ["poor"] * 4 + ["good"] * 4}
    )
    crude = compare_risks(rows, "left", "unresolved")
    # exposed rows 0, 1, 2, 4 → 3 of 4 left; unexposed 3, 5, 6, 7 → 1 of 4: difference 0.5, ratio 3
    assert (crude["risk_exposed"], crude["risk_unexposed"], crude["difference"], crude["ratio"]) == (0.75, 0.25, 0.5, 3)
    adjusted = compare_risks(rows, "left", "unresolved", strata="band")
    # poor: a = 2 of n1 = 3, b = 1 of n0 = 1, N = 4; good: a = 1 of n1 = 1, b = 0 of n0 = 3, N = 4
    # RR = (2·1/4 + 1·3/4) / (1·3/4 + 0·1/4) = 1.25 / 0.75 = 5/3
    # RD = ((2·1 − 1·3)/4 + (1·3 − 0·1)/4) / (3·1/4 + 1·3/4) = 0.5 / 1.5 = 1/3
    assert adjusted["ratio"] == pytest.approx(5 / 3) and adjusted["difference"] == pytest.approx(1 / 3)
    assert adjusted["strata_used"] == 2
    # A Series of stratum labels gives the same as the column.
    by_series = compare_risks(rows, "left", rows["unresolved"].to_numpy(), strata=rows["band"])
    assert by_series["ratio"] == pytest.approx(5 / 3)


def test_compare_risks_refuses_unobserved_rows():
    with pytest.raises(ValueError, match=r"frame\.left: 1 row\(s\) are not 0 or 1"):
        compare_risks(pd.DataFrame({"left": [1.0, np.nan], "x": [True, False]}), "left", "x")


strata_rows = st.lists(st.tuples(st.integers(0, 1), st.booleans(), st.integers(0, 3)), min_size=2, max_size=80)


@settings(max_examples=120, deadline=None)
@given(strata_rows)
def test_one_stratum_gives_the_crude_comparison(rows):
    frame = pd.DataFrame(rows, columns=["left", "exposed", "stratum"])
    if frame["exposed"].all() or not frame["exposed"].any() or frame.loc[~frame["exposed"], "left"].sum() == 0:
        return
    crude = compare_risks(frame, "left", "exposed")
    single = compare_risks(frame.assign(stratum=0), "left", "exposed", strata="stratum")
    assert single["ratio"] == pytest.approx(crude["ratio"])
    assert single["difference"] == pytest.approx(crude["difference"])
    assert crude["ratio"] == pytest.approx(crude["risk_exposed"] / crude["risk_unexposed"])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 30), st.integers(0, 30)), min_size=1, max_size=5))
def test_equal_risks_within_strata_give_no_difference(strata):
    # In each stratum, exposed and unexposed groups of the same size share the same number who left:
    # whatever the mix across strata, the Mantel–Haenszel difference is 0 and the ratio 1.
    rows = []
    for s, (size, left) in enumerate(strata):
        left = min(left, size)
        for exposed in (True, False):
            rows += [(1, exposed, s)] * left + [(0, exposed, s)] * (size - left)
    frame = pd.DataFrame(rows, columns=["left", "exposed", "stratum"])
    result = compare_risks(frame, "left", "exposed", strata="stratum")
    assert result["difference"] == pytest.approx(0.0, abs=1e-12)
    if frame["left"].sum():
        assert result["ratio"] == pytest.approx(1.0)


def outcomes_by_hand():
    return pd.DataFrame(
        {
            "customer_id": range(1, 11),
            "type": ["complaint"] * 5 + ["purchase"] * 5,
            "channel": "web",
            "rating": [1, 2, 2, 4, 5, 1, 4, 4, 5, 5],
            "resolved": [False, False, True, True, True, True, True, True, True, True],
            "observed": [True] * 9 + [False],
            "left": [1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, np.nan],
        }
    )


def test_moments_of_truth_by_hand():
    table = moments_of_truth(outcomes_by_hand(), detectable_from=0.5, important_from=0.2)
    complaint, purchase = table.loc["complaint"], table.loc["purchase"]
    # complaints: bad = ratings 1, 2, 2 → 3 of 5; 2 of the 3 not resolved → detectability 2/3;
    # left after bad 2/3, after good 0/2 → importance 2/3, extra losses 2/3 · 3 = 2
    assert (complaint["contacts"], complaint["bad_moments"]) == (5, 3)
    assert complaint["detectability"] == pytest.approx(2 / 3) and complaint["importance"] == pytest.approx(2 / 3)
    assert complaint["extra_losses"] == pytest.approx(2.0)
    assert complaint["moment_type"] == "detectable, more important"
    # purchases: one bad (rating 1, resolved → undetected); observed good ones: 3 (one unobserved), 1 left
    # → importance 1 − 1/3 = 2/3; all contacts count for the mean rating: (1 + 4 + 4 + 5 + 5) / 5 = 3.8
    assert purchase["detectability"] == 0 and purchase["left_after_good"] == pytest.approx(1 / 3)
    assert purchase["mean_rating"] == pytest.approx(3.8)
    assert purchase["moment_type"] == "not detectable, more important"
    assert list(table.index) == ["purchase", "complaint"]  # schema order
    assert set(table["moment_type"].cat.categories) == set(MOMENT_TYPES)


def test_moments_of_truth_thresholds_and_strata():
    table = moments_of_truth(outcomes_by_hand(), detectable_from=0.7, important_from=0.7)
    assert table.loc["complaint", "moment_type"] == "not detectable, less important"
    # A stratum that puts each contact alone leaves nothing to compare: importance unknown, no type.
    alone = moments_of_truth(outcomes_by_hand().assign(who=range(10)), strata="who")
    assert alone["importance"].isna().all() and alone["moment_type"].isna().all()
    with pytest.raises(ValueError, match="detectable_from"):
        moments_of_truth(outcomes_by_hand(), detectable_from=1.5)


def test_rating_band_and_recovery_table_by_hand():
    contacts = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 3, 4],
            "type": ["inquiry", "purchase", "complaint", "purchase", "complaint", "service_request"],
            "rating": [3, 4, 1, 5, 2, 4],
        }
    )
    bands = customer_rating_band(contacts, edges=(3.5, 4.5))
    # customer 1: (3 + 4) / 2 = 3.5 → "3.5–4.5" (a cut point belongs to the band above it)
    assert bands.astype(str).tolist() == ["3.5–4.5", "4.5 and above", "no other contact", "3.5–4.5"]
    with pytest.raises(ValueError, match="edges"):
        customer_rating_band(contacts, edges=(4.0, 3.0))
    table = recovery_table(outcomes_by_hand())
    # complaints not resolved: rows 1, 2 (left 1, 0); resolved: rows 3, 4, 5 (left 1, 0, 0); no requests here
    assert table.loc["complaint not resolved", "left_share"] == 0.5
    assert table.loc["complaint resolved", "left_share"] == pytest.approx(1 / 3)
    assert table.loc["request or inquiry, resolved", "contacts"] == 0


# --------------------------------------------------------------------------- the chain


STAFF = pd.DataFrame({"employee_id": [1, 2, 3], "satisfaction": [4.5, 2.5, 3.5], "tenure_months": [40, 10, 20]})
CLIENTS = pd.DataFrame(
    {
        "customer_id": [11, 12, 13, 14],
        "employee_id": [1, 1, 2, 2],
        "signup_date": dates("2024-01-01", "2024-07-01", "2024-01-01", "2024-01-01"),
    }
)


def test_employee_chain_by_hand():
    answers = pd.DataFrame({"customer_id": [11, 12, 13, 13], "satisfaction": [5, 4, 2, 3], "recommend": [10, 7, 3, 6]})
    lost = pd.DataFrame({"customer_id": [13], "date": dates("2024-04-01")})
    handled = pd.DataFrame({"customer_id": [11, 11, 13, 14], "employee_id": [1, 2, 2, 3], "rating": [5, 3, 2, 4]})
    chain = employee_chain(STAFF, CLIENTS, answers, lost, "2024-12-31", interactions=handled)
    one, two, three = chain.loc[1], chain.loc[2], chain.loc[3]
    # employee 1: customers 11 (365 days to 31 Dec 2024) and 12 (183 days): 548 days / 30.4375 months, no churn
    assert one["customer_months"] == pytest.approx(548 / 30.4375) and one["monthly_churn"] == 0
    # employee 2: customer 13 lost after 91 days, customer 14 active 365 days: 1 churn per 456 days
    assert two["monthly_churn"] == pytest.approx(1 / (456 / 30.4375))
    assert (one["customer_satisfaction"], two["customer_satisfaction"]) == (4.5, 2.5)
    assert (one["customer_nps"], two["customer_nps"]) == (50.0, -100.0)  # (10, 7): 1 promoter of 2
    # contacts: employee 2 handled one of its own (rating 2) and one of employee 1's customer (3)
    assert (two["rating_own_customers"], two["rating_other_customers"]) == (2.0, 3.0)
    assert np.isnan(three["rating_own_customers"]) and three["rating_other_customers"] == 4.0
    assert three["customers"] == 0 and np.isnan(three["customer_satisfaction"])
    assert chain.loc[1, "log_tenure"] == pytest.approx(math.log(40))


def test_employee_chain_refuses_unknown_employees_and_bad_satisfaction():
    answers = pd.DataFrame({"customer_id": [11], "satisfaction": [5], "recommend": [10]})
    lost = pd.DataFrame({"customer_id": pd.Series([], dtype=int), "date": pd.Series([], dtype="datetime64[ns]")})
    with pytest.raises(ValueError, match=r"customers\.employee_id: 1 row\(s\) are not employees"):
        employee_chain(STAFF, CLIENTS.assign(employee_id=[1, 1, 2, 9]), answers, lost, "2024-12-31")
    with pytest.raises(ValueError, match=r"employees\.satisfaction: 1 row\(s\) are not numbers from 1 to 5"):
        employee_chain(STAFF.assign(satisfaction=[4.5, 7.0, 3.0]), CLIENTS, answers, lost, "2024-12-31")
    with pytest.raises(ValueError, match=r"employees\.tenure_months"):
        employee_chain(STAFF.assign(tenure_months=[40, 0, 5]), CLIENTS, answers, lost, "2024-12-31")


def test_chain_links_by_hand():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [2.0, 1.0, 4.0, 3.0, 5.0], "c": [1.0, np.nan, 2, 3, 1]})
    links = chain_links(frame, [("a", "b"), ("a", "c")])
    # a, b: deviations (−2, −1, 0, 1, 2) and (−1, −2, 1, 0, 2): Σxy = 2 + 2 + 0 + 0 + 4 = 8, Σx² = Σy² = 10
    # → r = 0.8, slope 0.8; Fisher: atanh 0.8 = 1.0986, ± 1.96/√2 = ±1.3859 → tanh(−0.2873) = −0.2796,
    # tanh(2.4845) = 0.9862
    row = links.loc["a → b"]
    assert (row["n"], row["r"], row["slope"]) == (5, pytest.approx(0.8), pytest.approx(0.8))
    assert row["lower"] == pytest.approx(-0.2796, abs=1e-4) and row["upper"] == pytest.approx(0.9862, abs=1e-4)
    assert links.loc["a → c", "n"] == 4  # the row with a missing c is left out of that link only


def test_partial_correlation_matches_the_formula_and_removes_a_common_cause():
    rng = np.random.default_rng(1)
    z = rng.normal(size=400)
    frame = pd.DataFrame({"z": z, "x": z + rng.normal(size=400), "y": 0.5 * z + rng.normal(size=400)})
    r = frame.corr()
    by_formula = (r.loc["x", "y"] - r.loc["x", "z"] * r.loc["y", "z"]) / math.sqrt(
        (1 - r.loc["x", "z"] ** 2) * (1 - r.loc["y", "z"] ** 2)
    )
    result = partial_correlation(frame, "x", "y", "z")
    assert result["r"] == pytest.approx(by_formula)
    # x and y share only z: raw correlation clearly positive, partial one within its interval of 0
    assert r.loc["x", "y"] > 0.2 and result["lower"] < 0 < result["upper"]
    # the partial slope is the coefficient of x in y ~ x + z
    design = np.column_stack([np.ones(400), frame["x"], frame["z"]])
    coefficient = np.linalg.lstsq(design, frame["y"], rcond=None)[0][1]
    assert result["slope"] == pytest.approx(coefficient)


def _without_tenure_effect(params):
    quality = {k: v for k, v in params["service_quality"].items() if "tenure" not in k.lower()}
    return {**params, "service_quality": quality}


def test_true_chain_effects_agree_with_a_simulation_of_the_generator_formula():
    params = _without_tenure_effect(default_params())
    sat, ten, quality = params["employee_satisfaction"], params["employee_tenure"], params["service_quality"]
    truth = true_chain_effects(params)
    assert truth["employee satisfaction → log tenure"] == pytest.approx(ten["per_sd_satisfaction"] / sat["sd"])
    assert truth["log tenure → customer satisfaction"] == 0  # no tenure key: no tenure effect
    # Independent check: the derivative of E[k·logistic(a + c·z + shift + ε)] with respect to z, by a central
    # difference over a large random sample of ε and acquisition channels, divided by the sd of satisfaction.
    rng = np.random.default_rng(0)
    mix_b2c, mix_b2b = params["channel_mix"]["B2C"], params["channel_mix"]["B2B"]
    channels = list(mix_b2c)
    share_b2b = params["share_b2b"]
    weights = [(1 - share_b2b) * mix_b2c[c] + share_b2b * mix_b2b[c] for c in channels]
    shift = np.array([quality["channel_shift"][c] for c in channels])[
        rng.choice(len(channels), size=400_000, p=weights)
    ]
    noise = rng.normal(0, quality["noise_sd"], 400_000)
    k = params["satisfaction"]["per_service_quality"]

    def mean_satisfaction(z):
        centre = quality["intercept"] + quality["per_sd_employee_satisfaction"] * z + shift + noise
        return k * np.mean(1 / (1 + np.exp(-centre)))

    numeric = (mean_satisfaction(0.01) - mean_satisfaction(-0.01)) / 0.02 / sat["sd"]
    assert truth["employee satisfaction → customer satisfaction"] == pytest.approx(numeric, rel=0.01)


@pytest.mark.parametrize(
    ("key", "value", "per_log_month"),
    [
        ("per_log_tenure", 0.3, 0.3),
        ("per_log_tenure_months", 0.3, 0.3),
        ("per_doubling_tenure", 0.3, 0.3 / math.log(2)),
        ("per_year_tenure", 0.12, 0.12 * 20 / 12),  # at the median tenure of 20 months
    ],
)
def test_true_chain_effects_read_a_tenure_effect_however_it_is_named(key, value, per_log_month):
    base = _without_tenure_effect(default_params())
    params = {
        **base,
        "employee_tenure": {**base["employee_tenure"], "median_months": 20.0},
        "service_quality": {**base["service_quality"], key: value},
    }
    quality = np.array([0.2, 0.5, 0.7, 0.9])
    truth = true_chain_effects(params, quality)
    to_satisfaction = params["satisfaction"]["per_service_quality"] * np.mean(quality * (1 - quality))
    assert truth["log tenure → customer satisfaction"] == pytest.approx(to_satisfaction * per_log_month)
    assert truth["employee satisfaction → customer satisfaction"] == pytest.approx(
        to_satisfaction
        * params["service_quality"]["per_sd_employee_satisfaction"]
        / params["employee_satisfaction"]["sd"]
    )
    two = {**params, "service_quality": {**params["service_quality"], "tenure_bonus": 0.1}}
    with pytest.raises(ValueError, match="several tenure effects"):
        true_chain_effects(two)


def test_partial_correlation_gives_the_standard_error_of_least_squares():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"x": rng.normal(size=60), "z": rng.normal(size=60)})
    frame["y"] = 0.5 * frame["x"] + 0.3 * frame["z"] + rng.normal(size=60)
    result = partial_correlation(frame, "x", "y", "z")
    design = np.column_stack([np.ones(60), frame["x"], frame["z"]])
    coefficients, *_ = np.linalg.lstsq(design, frame["y"], rcond=None)
    residuals = frame["y"] - design @ coefficients
    covariance = residuals @ residuals / (60 - 3) * np.linalg.inv(design.T @ design)
    assert result["se"] == pytest.approx(math.sqrt(covariance[1, 1]))


# --------------------------------------------------------------------------- NPS


def test_nps_table_interval_by_hand():
    table = nps_table(pd.Series([10, 9, 8, 7, 3]))
    row = table.loc["all answers"]
    # 2 promoters, 1 detractor of 5: NPS 20; score variance 0.4 + 0.2 − 0.2² = 0.56 → SE = 100·√(0.56/5) = 33.466
    assert row["nps"] == pytest.approx(20.0)
    assert row["upper"] - row["nps"] == pytest.approx(1.959964 * 100 * math.sqrt(0.112), rel=1e-6)
    scores = pd.Series([10, 10, 0, 5])
    grouped = nps_table(scores, pd.Series(["a", "a", "b", "b"], name="group"))
    assert grouped["nps"].tolist() == [100.0, -100.0]
    assert (grouped["lower"] == grouped["upper"]).all()  # everyone in a group agrees: no sampling spread


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=120))
def test_nps_table_agrees_with_the_lesson_05_score(answers):
    table = nps_table(pd.Series(answers))
    row = table.iloc[0]
    assert row["nps"] == pytest.approx(nps(answers))
    assert row["promoters"] + row["passives"] + row["detractors"] == pytest.approx(1.0)
    assert row["lower"] <= row["nps"] <= row["upper"]


def test_nps_table_refuses_bad_groups_and_answers():
    with pytest.raises(ValueError, match="no group label"):
        nps_table(pd.Series([9, 3]), pd.Series(["a", None]))
    with pytest.raises(ValueError, match="0 to 10"):
        nps_table(pd.Series([9, 11]))


def test_tenure_bands_at_the_cut_points():
    clients = pd.DataFrame({"customer_id": [1], "signup_date": dates("2024-01-01")})
    # 182 days = 5.98 months (0–6), 183 days = 6.01 months (6–12); 31 Dec 2025 = 730 days = 23.98 months
    answers = pd.DataFrame(
        {"customer_id": [1, 1, 1, 1], "date": dates("2024-07-01", "2024-07-02", "2025-12-31", "2026-01-02")}
    )
    assert tenure_at_answer(answers, clients).astype(str).tolist() == [
        "0–6 months",
        "6–12 months",
        "12–24 months",
        "24+ months",
    ]
    with pytest.raises(ValueError, match=r"surveys\.date: 1 row\(s\) are before"):
        tenure_at_answer(answers.assign(date=dates("2023-12-01", "2024-07-02", "2025-12-31", "2026-01-02")), clients)


# --------------------------------------------------------------------------- projection


LEVELS = pd.DataFrame({"share": [0.1, 0.1, 0.2, 0.4, 0.2], "nps": [-100.0, -100, -80, 0, 60]}, index=range(1, 6))
TOUCHPOINTS = pd.DataFrame(
    {
        "share_of_answers": [0.3, 0.1],
        **{f"level_{k}": v for k, v in zip(range(1, 6), [[0, 0], [0, 0.5], [0, 0.5], [1.0, 0], [0, 0]])},
    },
    index=pd.MultiIndex.from_tuples([("complaint", "went well"), ("complaint", "went badly")]),
)
MOMENTS = pd.DataFrame({"bad_moments": [200], "importance": [0.1]}, index=["complaint"])


def test_projection_by_hand():
    projection = project_improvement(LEVELS, TOUCHPOINTS, MOMENTS, "complaint", 1.0, churns=300, customer_months=10_000)
    # w = 0.1 of the answers move from levels (2, 3) half and half to level 4:
    # shares 0.1, 0.05, 0.15, 0.5, 0.2 → satisfaction 0.1 + 0.1 + 0.45 + 2 + 1 = 3.65 (was 3.5)
    np.testing.assert_allclose(projection.levels["projected"], [0.1, 0.05, 0.15, 0.5, 0.2])
    m = projection.measures
    assert m.loc["satisfaction", "projected"] == pytest.approx(3.65)
    # NPS −24 → −24 + 0.05·100 + 0.05·80 = −15
    assert (m.loc["nps", "now"], m.loc["nps", "projected"]) == (pytest.approx(-24), pytest.approx(-15))
    # 20 losses saved of 300 over 10,000 customer-months: 0.97¹² → 0.972¹²
    assert m.loc["retention", "projected"] == pytest.approx(0.972**12)
    assert m.loc["retention", "change"] == pytest.approx(0.972**12 - 0.97**12)


def test_no_improvement_changes_nothing_and_the_nps_of_the_levels_is_the_nps_of_all_answers():
    company = lesson_company()
    levels = level_outcomes(company.surveys)
    assert (levels["share"] * levels["nps"]).sum() == pytest.approx(nps(company.surveys["recommend"]))
    projection = project_improvement(LEVELS, TOUCHPOINTS, MOMENTS, "complaint", 0.0, churns=300, customer_months=10_000)
    assert (projection.measures["change"].abs() < 1e-12).all()


@pytest.mark.parametrize(
    "touchpoint, improvement, words",
    [
        ("complaint", 1.5, "improvement"),
        ("inquiry", 0.5, "touchpoint 'inquiry'"),
    ],
)
def test_projection_refuses_bad_arguments(touchpoint, improvement, words):
    with pytest.raises(ValueError, match=words):
        project_improvement(LEVELS, TOUCHPOINTS, MOMENTS, touchpoint, improvement, churns=300, customer_months=10_000)
    with pytest.raises(ValueError, match="churns"):
        project_improvement(LEVELS, TOUCHPOINTS, MOMENTS, "complaint", 0.5, churns=300, customer_months=0)


# --------------------------------------------------------------------------- on the course's company


@pytest.fixture(scope="module")
def company(course_company):
    return course_company


def test_on_the_course_company_complaints_are_the_moment_that_costs_most(company):
    # The generator gives only complaints an effect of their own (an unresolved one doubles the churn
    # hazard), so they must come out with the most extra losses and a resolution effect above 1.
    outcomes = contact_outcomes(company.interactions, company.churn, company.observation_end)
    moments = moments_of_truth(outcomes)
    assert moments["extra_losses"].idxmax() == "complaint"
    assert moments.loc["purchase", "detectability"] == 0  # purchase contacts are always recorded as resolved
    complaints = outcomes[(outcomes["type"] == "complaint") & outcomes["observed"]]
    assert compare_risks(complaints, "left", ~complaints["resolved"])["ratio"] > 1.5


def test_on_the_course_company_the_chain_recovers_the_generator_links(company):
    # 83 employees: the measured slopes must lie within about two standard errors of the truth.
    chain = employee_chain(
        company.employees, company.customers, company.surveys, company.churn, company.observation_end
    )
    table = chain_against_truth(chain, company.truth.params, company.truth.customer_traits["service_quality"])
    assert list(table.index) == list(true_chain_effects(company.truth.params).index)
    assert (table["se"] > 0).all()
    assert (table["in_se"].abs() < 3).all(), table


# --------------------------------------------------------------------------- charts and widget


def lesson_charts(company) -> dict[str, Figure]:
    """Every chart of lesson 07, drawn from the course's company as the lesson draws it."""
    gaps = satisfaction_gaps(company.surveys)
    touches = recent_touchpoints(company.surveys, company.interactions)
    outcomes = contact_outcomes(company.interactions, company.churn, company.observation_end)
    moments = moments_of_truth(outcomes)
    chain = employee_chain(
        company.employees, company.customers, company.surveys, company.churn, company.observation_end
    )
    links = chain_links(
        chain,
        [
            ("satisfaction", "log_tenure"),
            ("log_tenure", "customer_satisfaction"),
            ("satisfaction", "customer_satisfaction"),
            ("customer_satisfaction", "monthly_churn"),
        ],
    )
    quarters = nps_table(company.surveys["recommend"], company.surveys["date"].dt.to_period("Q").rename("quarter"))
    table = touchpoint_table(gaps, touches)
    ratios = pd.DataFrame({"ratio": [2.5, 2.1]}, index=["crude", "within bands of other ratings"])
    return {
        "idea": satisfaction_plots.idea_diagram(),
        "grid": satisfaction_plots.gap_grid_chart(satisfaction_grid(gaps)),
        "touchpoints": satisfaction_plots.touchpoint_gap_chart(table),
        "moments": satisfaction_plots.moments_chart(moments),
        "recovery": satisfaction_plots.recovery_chart(recovery_table(outcomes), ratios),
        "chain": satisfaction_plots.chain_chart(chain, links),
        "nps": satisfaction_plots.nps_chart(
            quarters, nps_table(company.surveys["recommend"], tenure_at_answer(company.surveys, company.customers))
        ),
        "projection": touchpoint_scenario(
            level_outcomes(company.surveys), table, moments, churns=300, customer_months=10_000
        ).figure,
        "importance": satisfaction_plots.importance_truth_chart(
            pd.DataFrame({"crude": moments["importance"], "same true service quality": moments["importance"] / 3})
        ),
    }


def test_every_chart_returns_a_titled_figure(company):
    charts = lesson_charts(company)
    figures = list(charts.values())
    for fig in figures:
        assert isinstance(fig, Figure)
        titles = [ax.get_title(loc="left") or ax.get_title() for ax in fig.axes if ax.get_visible()]
        assert any(titles), fig
    assert len(charts["chain"].axes) == 4
    # the moments chart writes every touchpoint's name beside its bubble
    texts = " ".join(t.get_text() for t in charts["moments"].axes[0].texts)
    assert all(name in texts for name in ("Purchase", "Complaint", "Service request", "Inquiry"))
    plt.close("all")


#: Width in px that a notebook output gets in JupyterLab on a 1280 px screen with the file browser open.
OUTPUT_WIDTH_PX = 840


def smallest_text_on_screen(fig: Figure) -> float:
    """The smallest text of ``fig`` in screen px, once the image is scaled down to the output's width."""
    import io

    from matplotlib.text import Text
    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    buffer.seek(0)
    scale = min(1.0, OUTPUT_WIDTH_PX / Image.open(buffer).size[0])
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) * 100 / 72 * scale


def test_every_chart_keeps_its_text_at_12_px_beside_the_file_browser(company):
    import matplotlib as mpl

    from helpers import plots

    with mpl.rc_context():
        plots.use_theme()  # the lesson's theme, as the notebook sets it
        try:
            for name, fig in lesson_charts(company).items():
                assert smallest_text_on_screen(fig) >= 12, name
        finally:
            plt.close("all")


def _bubble_labels(fig: Figure) -> list:
    """The labels of the moments chart's bubbles (the annotations; the quadrant names are plain texts)."""
    from matplotlib.text import Annotation

    return [t for t in fig.axes[0].texts if isinstance(t, Annotation)]


@pytest.mark.parametrize(
    "detectability, importance",
    [
        ([0.0, 0.2, 0.64, 0.81], [0.072, 0.066, 0.071, 0.142]),  # seed 7: two bubbles side by side, near a line
        ([0.0, 1.0, 0.5, 0.02], [0.0, 0.05, 0.1, 0.01]),  # on the axis lines, the thresholds, each other
    ],
)
def test_moments_chart_labels_stay_clear_of_each_other_the_lines_and_the_axes(detectability, importance):
    moments = pd.DataFrame(
        {"detectability": detectability, "importance": importance, "bad_moments": [996, 953, 1060, 1089]},
        index=["purchase", "inquiry", "service_request", "complaint"],
    )
    fig = satisfaction_plots.moments_chart(moments)
    ax = fig.axes[0]
    fig.draw_without_rendering()
    boxes = [t.get_window_extent() for t in _bubble_labels(fig)]
    assert len(boxes) == 4
    frame = ax.get_window_extent()
    for i, box in enumerate(boxes):
        assert frame.x0 < box.x0 and box.x1 < frame.x1 and frame.y0 < box.y0 and box.y1 < frame.y1, "on an axis line"
        assert not any(box.overlaps(other) for other in boxes[i + 1 :]), "two labels overlap"
        for x, y in ((0.5, None), (None, 0.05)):  # the threshold lines
            if x is not None:
                assert not box.x0 < ax.transData.transform((x, 0))[0] < box.x1, "a label on the detectability line"
            else:
                assert not box.y0 < ax.transData.transform((0, y))[1] < box.y1, "a label on the importance line"
    plt.close(fig)


def test_unmeasurable_effects_are_not_drawn_at_zero():
    moments = pd.DataFrame(
        {"detectability": [0.0, 0.8, 0.3], "importance": [0.09, 0.1, np.nan], "bad_moments": [300, 900, 0]},
        index=["purchase", "complaint", "inquiry"],
    )
    fig = satisfaction_plots.moments_chart(moments)
    assert len(fig.axes[0].collections[0].get_offsets()) == 2  # no bubble for the inquiry
    assert "Inquiry" in fig.axes[0].get_xlabel() and len(_bubble_labels(fig)) == 2
    importance = satisfaction_plots.importance_truth_chart(
        pd.DataFrame(
            {"crude": [0.09, 0.1], "same true service quality": [0.02, np.nan]}, index=["purchase", "complaint"]
        )
    )
    texts = [t.get_text() for t in importance.axes[0].texts]
    assert not any("nan" in t for t in texts) and any("not\nmeasurable" in t for t in texts)
    groups = pd.DataFrame(
        {"answers": [50, 0], "nps": [-20.0, np.nan], "lower": [-35.0, np.nan], "upper": [-5.0, np.nan]},
        index=["B2B", "B2C"],
    )
    nps_texts = [t.get_text() for t in satisfaction_plots.nps_chart(groups, groups).axes[1].texts]
    assert "−20 (n = 50)" in nps_texts and "not measurable (n = 0)" in nps_texts
    plt.close("all")


def test_the_scenario_is_pure_and_the_widget_redraws(company):
    gaps = satisfaction_gaps(company.surveys)
    table = touchpoint_table(gaps, recent_touchpoints(company.surveys, company.interactions))
    moments = moments_of_truth(contact_outcomes(company.interactions, company.churn, company.observation_end))
    levels = level_outcomes(company.surveys)
    assert touchpoint_options(table, moments) == ["purchase", "service_request", "complaint", "inquiry"]
    result = touchpoint_scenario(
        levels, table, moments, churns=300, customer_months=10_000, improvement=1.0, touchpoint="complaint"
    )
    assert isinstance(result, Scenario) and isinstance(result.data, Projection)
    assert isinstance(result.figure, Figure) and len(result.figure.axes) == 3
    # Fixing bad complaints can only help: every measure rises.
    assert (result.data.measures["change"] > 0).all()
    box = touchpoint_widget(levels, table, moments, churns=300, customer_months=10_000)
    slider_control = box.children[0].children[0]
    slider_control.value = 1.0
    assert box.redraw().data.measures.loc["nps", "change"] == pytest.approx(result.data.measures.loc["nps", "change"])
