"""Lesson 03's presentation layer: the bucket picture, its charts, the widget and the exercises."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers import plots
from helpers.bucket import BucketCalibration, churn_reason_pareto, pour_or_plug, retention_uplift_grid, simulate
from helpers.checks import Outcome
from helpers.exercises import leaky_bucket
from helpers.plots import bucket as charts
from helpers.widgets.bucket import bucket_capacity, bucket_scenario, bucket_widget

plots.use_theme()

DAY = pd.Timestamp("2024-01-01")
#: A bucket of 1000 customers: 5000 a month buys 100 new ones (50 each), churn 5 %.
CALIBRATION = BucketCalibration(12, DAY, DAY, 1000, 5000, 100, 100, 50, 50, 0.95, 0.05, 20, 20, 2000, 30)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def by_gid(ax, prefix):
    return [p for p in ax.get_children() if (p.get_gid() or "").startswith(prefix)]


# ------------------------------------------------------------------------ the bucket picture


def test_water_level_and_stream_width_are_proportional():
    fig = charts.bucket_picture(2500, 100, 60, capacity=5000, flow_scale=200)
    ax = fig.axes[0]
    (water,) = by_gid(ax, "water")
    heights = water.get_xy()[:, 1]
    # half full: the surface is half way from the bottom (0.8) to the rim (7.2) → 4.0
    assert heights.max() == pytest.approx(0.8 + 0.5 * (7.2 - 0.8))
    (stream,) = by_gid(ax, "inflow")
    assert stream.get_width() == pytest.approx(1.5 * 100 / 200)  # 1.5 at the full flow scale
    assert not by_gid(ax, "overflow")


def test_each_hole_leaks_its_share_of_the_outflow():
    fig = charts.bucket_picture(3000, 120, 100, capacity=5000, flow_scale=100, holes={"price": 3, "poor_service": 1})
    ax = fig.axes[0]
    assert {p.get_gid() for p in by_gid(ax, "hole:")} == {"hole:price", "hole:poor_service"}
    widths = {}
    for jet in by_gid(ax, "leak:"):
        xy = jet.get_xy()
        widths[jet.get_gid()] = xy[0, 1] - xy[-2, 1]  # upper edge − lower edge at the hole
    # 75 and 25 customers of a flow scale of 100 → 1.5 · 0.75 and 1.5 · 0.25
    assert widths["leak:price"] == pytest.approx(1.125)
    assert widths["leak:poor_service"] == pytest.approx(0.375)
    keys = [t.get_text() for t in ax.get_legend().get_texts()]
    assert keys == ["Price: 75", "Poor service: 25"]


def test_an_overfull_bucket_says_so_and_bad_sizes_are_refused():
    ax = charts.bucket_picture(9000, 100, 50, capacity=5000).axes[0]
    (water,) = by_gid(ax, "water")
    assert water.get_xy()[:, 1].max() == pytest.approx(7.2)  # filled to the rim, not beyond
    assert [t for t in ax.texts if t.get_gid() == "overflow"]
    with pytest.raises(ValueError, match="capacity"):
        charts.bucket_picture(10, 1, 1, capacity=0)
    with pytest.raises(ValueError, match="negative"):
        charts.bucket_picture(10, -1, 1, capacity=100)


def test_the_idea_diagram_and_the_dashboard_draw():
    assert len(charts.leaky_bucket_diagram().axes) == 1
    run = simulate(
        24,
        initial_customers=1000,
        acquisition_spend=5000,
        cost_per_acquisition=50,
        churn_rate=0.05,
        revenue_per_customer=10,
    )
    fig = charts.bucket_dashboard(
        run,
        capacity=4000,
        steady_state=2000,
        periods_to_steady_state=45,
        history=pd.Series([500.0, 800.0, 1000.0]),
        baseline=run["customers_end"],
        notes="a note",
    )
    bucket_ax, line_ax = fig.axes
    scenario_line = next(line for line in line_ax.lines if line.get_label() == "your scenario")
    np.testing.assert_allclose(scenario_line.get_ydata(), np.r_[1000, run["customers_end"]])
    history_line = next(line for line in line_ax.lines if line.get_label() == "real base (the data)")
    assert history_line.get_xdata().tolist() == [-2, -1, 0]


# ------------------------------------------------------------------------------ the charts


def test_pareto_chart_bars_line_and_threshold():
    churn = pd.DataFrame({"reason": ["price"] * 5 + ["poor_service"] * 3 + ["product_fit"] * 2})
    table = churn_reason_pareto(churn)
    fig = charts.pareto_chart(table)
    bars_ax, line_ax = fig.axes
    assert [bar.get_height() for bar in bars_ax.patches] == [5, 3, 2]
    assert [bar.get_alpha() for bar in bars_ax.patches] == [None, None, 0.35]  # faded: trivial many
    (cumulative,) = [line for line in line_ax.lines if line.get_label() == "cumulative share"]
    np.testing.assert_allclose(cumulative.get_ydata(), [0.5, 0.8, 1.0])
    assert any(np.allclose(line.get_ydata(), 0.8) for line in line_ax.lines if line is not cumulative)


@pytest.mark.parametrize(
    "counts",
    [
        {"price": 611, "competitor_offer": 454, "no_longer_needed": 309, "poor_service": 284, "product_fit": 216},
        {"price": 90, "poor_service": 5, "product_fit": 3, "competitor_offer": 2},  # steep, then flat
        {"price": 20, "poor_service": 19, "product_fit": 18, "competitor_offer": 17},  # nearly straight
    ],
)
def test_pareto_percentages_stay_off_the_cumulative_line(counts):
    """Each cumulative label's box (with its padding) keeps a few pixels clear of the line and its markers."""
    churn = pd.DataFrame({"reason": [r for r, n in counts.items() for _ in range(n)]})
    fig = charts.pareto_chart(churn_reason_pareto(churn))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    line_ax = fig.axes[1]
    (line,) = [line for line in line_ax.lines if line.get_label() == "cumulative share"]
    xy = line_ax.transData.transform(np.c_[line.get_xdata(), line.get_ydata()])
    # points along the line, every pixel or so; the line's half width and the markers' radius
    # in pixels, each with 3 pixels of air
    along = np.concatenate([np.linspace(a, b, 200) for a, b in zip(xy[:-1], xy[1:])])
    clear = line.get_linewidth() / 2 * fig.dpi / 72 + 3
    reach = line.get_markersize() / 2 * fig.dpi / 72 + 3
    labels = [t for t in line_ax.texts if t.get_gid() == "cumulative label"]
    assert len(labels) == len(counts)
    for text in labels:
        box = text.get_bbox_patch().get_window_extent(renderer)
        near = (
            (along[:, 0] > box.x0 - clear)
            & (along[:, 0] < box.x1 + clear)
            & (along[:, 1] > box.y0 - clear)
            & (along[:, 1] < box.y1 + clear)
        )
        assert not near.any(), f"label {text.get_text()} sits on the line"
        centres = np.hypot(np.clip(xy[:, 0], box.x0, box.x1) - xy[:, 0], np.clip(xy[:, 1], box.y0, box.y1) - xy[:, 1])
        assert (centres > reach).all(), f"label {text.get_text()} covers a marker"


def test_reason_mix_chart_stacks_the_shares():
    mix = pd.DataFrame(
        {"price": [0.6, 0.25], "poor_service": [0.4, 0.75], "customers": [50, 20]}, index=["satisfied", "dissatisfied"]
    )
    ax = charts.reason_mix_chart(mix).axes[0]
    widths = sorted(round(p.get_width(), 2) for p in ax.patches)
    assert widths == [0.25, 0.4, 0.6, 0.75]
    assert "Satisfied  (n = 50)" in [t.get_text() for t in ax.get_yticklabels()]


def test_model_vs_data_chart_draws_both_bases():
    index = pd.date_range("2024-01-01", periods=4, freq="MS")
    comparison = pd.DataFrame(
        {
            "actual_customers": [100.0, 150, 190, 220],
            "model_customers": [100.0, 160, 200, 225],
            "actual_churn_rate": [np.nan, 0.1, 0.08, 0.07],
            "model_churn_rate": 0.08,
        },
        index=index,
    )
    top, bottom = charts.model_vs_data_chart(comparison).axes
    ys = {line.get_label(): line.get_ydata() for line in top.lines}
    np.testing.assert_allclose(ys["real base (the data)"], comparison["actual_customers"])
    np.testing.assert_allclose(ys["the bucket model"], comparison["model_customers"])


def test_pour_or_plug_and_uplift_and_truth_charts_draw():
    result = pour_or_plug(
        24,
        initial_customers=1000,
        acquisition_spend=5000,
        cost_per_acquisition=50,
        churn_rate=0.05,
        margin_per_customer=20,
        programme_cost_per_customer=1.0,
        churn_reduction=0.5,
    )
    left, right = charts.pour_or_plug_chart(result).axes
    assert len(left.lines) == 3 and len(right.patches) == 2
    grid = retention_uplift_grid(np.linspace(0.5, 0.9, 9), [0.0, 1.0, 2.0])
    ax = charts.retention_uplift_chart(grid, company=(0.7, 0.2)).axes[0]
    assert len(ax.lines) == 4  # three ratios and the company's point
    months = pd.date_range("2024-02-01", periods=3, freq="MS")
    hazard = pd.DataFrame(
        {
            "mean_base_churn": [0.06, 0.055, 0.05],
            "mean_stage_factor": [1.0, 0.9, 0.8],
            "mean_bond_factor": [1.0, 0.98, 0.95],
            "mean_hazard": [0.06, 0.05, 0.04],
        },
        index=months,
    )
    _, drivers = charts.truth_hazard_chart(hazard, pd.Series([0.07, 0.05, 0.04], index=months)).axes
    stage_line = next(line for line in drivers.lines if line.get_label().startswith("relationship"))
    np.testing.assert_allclose(stage_line.get_ydata(), [1.0, 0.9, 0.8])


# ------------------------------------------------------------------------------ the widget


def test_bucket_scenario_runs_the_model_with_the_sliders():
    result = bucket_scenario(
        6000, 0.06, 0.25, 1.5, calibration=CALIBRATION, months=36, holes={"price": 0.7, "poor_service": 0.3}
    )
    run = result.data["run"]
    expected = simulate(
        36,
        initial_customers=1000,
        acquisition_spend=6000,
        cost_per_acquisition=50,
        churn_rate=0.06,
        revenue_per_customer=20,
        retention_cost_per_customer=1.5,
        churn_reduction=0.25,
    )
    pd.testing.assert_frame_equal(run, expected)
    # inflow 6000 / 50 = 120; effective churn 0.06 · 0.75 = 0.045 → steady state 2666.7
    assert result.data["effective_churn"] == pytest.approx(0.045)
    assert result.data["steady_state"] == pytest.approx(120 / 0.045)
    # a saved customer costs 1.5 / (0.06 · 0.25) = 100; a customer won 50
    assert result.data["cost_per_customer_saved"] == pytest.approx(100.0)
    assert result.data["cost_per_acquisition"] == 50
    baseline = result.data["baseline"]
    assert baseline["acquisition_cost"].eq(5000).all() and baseline["retention_cost"].eq(0).all()
    bucket_ax, line_ax = result.figure.axes
    assert {p.get_gid() for p in by_gid(bucket_ax, "hole:")} == {"hole:price", "hole:poor_service"}
    assert len(line_ax.lines) >= 2


def test_a_programme_that_removes_nothing_costs_nothing():
    result = bucket_scenario(5000, 0.05, 0.0, 3.0, calibration=CALIBRATION, months=12)
    assert result.data["run"]["retention_cost"].eq(0).all()
    assert math.isinf(result.data["cost_per_customer_saved"]) or result.data["cost_per_customer_saved"] == 0
    with pytest.raises(ValueError, match="programme"):
        bucket_scenario(5000, 0.05, 1.5, 3.0, calibration=CALIBRATION)


def test_capacity_is_a_round_number_above_twice_the_long_run():
    assert bucket_capacity(CALIBRATION) == 5000  # 2 · max(2000, 1000) = 4000 → 5000
    assert bucket_capacity(CALIBRATION._replace(steady_state=math.inf)) == 2000


def test_the_widget_recomputes_when_a_slider_moves():
    box = bucket_widget(CALIBRATION, months=12)
    sliders = [child for row in box.children[:-1] for child in row.children]
    assert [s.description for s in sliders][:2] == ["Acquisition spend per month", "Monthly churn (without programme)"]
    sliders[0].value = 10000
    assert box.redraw().data["run"]["inflow"].iloc[0] == pytest.approx(200)
    assert plt.get_fignums() == []


# ---------------------------------------------------------------------------- the exercises


@pytest.fixture(scope="module")
def company(course_company):
    return course_company


def test_every_model_solution_is_correct_on_the_course_company(company):
    for question in leaky_bucket.QUESTIONS:
        namespace = {"company": company}
        exec(question.solution, namespace)
        assert question.evaluate(namespace[question.variable], company).outcome is Outcome.CORRECT


@pytest.mark.parametrize(
    ("variable", "wrong", "words"),
    [
        ("monthly_churn", lambda c: 1 - leaky_bucket._monthly_churn(c), "retention rate"),
        ("monthly_churn", leaky_bucket._churn_with_all_new, "new_customers_kept"),
        ("lifetime_years", lambda c: 12 * leaky_bucket._lifetime_years(c), "in months"),
        ("last_vital_reason", leaky_bucket._first_trivial, "first of the trivial many"),
        ("monthly_churn", lambda c: leaky_bucket._last_year(c)["churn_rate"].mean(), "plain average"),
        ("long_run_with_programme", lambda c: leaky_bucket._calibration(c).customers_now, "today's base"),
        ("long_run_with_programme", lambda c: round(leaky_bucket._calibration(c).steady_state), "lesson prints"),
        ("long_run_with_programme", lambda c: leaky_bucket._long_run(c, 0.15), "lesson's programme"),
        ("long_run_with_programme", lambda c: leaky_bucket._long_run(c, 0.75), "*to*"),
        ("long_run_with_programme", lambda c: 1.25 * leaky_bucket._long_run(c, 0.0), "raised today's steady state"),
        (
            "saved_customer_cost",
            lambda c: leaky_bucket.PROGRAMME_COST / leaky_bucket.PROGRAMME_CUT,
            "left out the churn rate",
        ),
        ("steady_state_if_inflow_doubles", lambda c: "it stays the same", "pace of approach"),
        ("unpluggable_hole", lambda c: "poor_service", "fix the service"),
        ("plug_wins_when", lambda c: "enrolled", "cost per customer *saved*"),
        ("first_step", lambda c: "advertise more", "pours more in"),
    ],
)
def test_common_mistakes_get_their_explanation(company, variable, wrong, words):
    question = next(q for q in leaky_bucket.QUESTIONS if q.variable == variable)
    verdict = question.evaluate(wrong(company), company)
    assert verdict.outcome is Outcome.INCORRECT
    assert words in verdict.message


def test_the_pour_or_plug_money_axis_labels_do_not_run_into_each_other():
    result = pour_or_plug(
        60,
        initial_customers=3000,
        acquisition_spend=30_000,
        cost_per_acquisition=550,
        churn_rate=0.032,
        margin_per_customer=40,
        programme_cost_per_customer=2,
        churn_reduction=0.15,
    )
    fig = charts.pour_or_plug_chart(result)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ticks = [t for t in fig.axes[1].get_xticklabels() if t.get_text() and t.get_visible()]
    boxes = sorted((t.get_window_extent(renderer) for t in ticks), key=lambda b: b.x0)
    assert len(boxes) >= 3
    assert all(left.x1 < right.x0 for left, right in zip(boxes, boxes[1:], strict=False))
    plt.close(fig)
