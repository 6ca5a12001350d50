"""Lesson 03 widget: pour more in, or plug the holes? The bucket redraws as you decide.

:func:`bucket_scenario` is pure: the slider values and the company's calibrated bucket
in, a :class:`~helpers.widgets.Scenario` out (the :func:`helpers.bucket.simulate` run with
its key numbers, and the figure of :func:`helpers.plots.bucket.bucket_dashboard`). Tests
call it without a browser; :func:`bucket_widget` only wires four sliders to it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import partial

import ipywidgets as widgets
import pandas as pd

from helpers.bucket import BucketCalibration, cost_per_customer_saved, periods_to_steady_state, simulate, steady_state
from helpers.i18n import _
from helpers.plots import money
from helpers.plots.bucket import bucket_dashboard
from helpers.widgets import Scenario, slider, what_if

__all__ = ["bucket_capacity", "bucket_scenario", "bucket_widget"]


def bucket_capacity(calibration: BucketCalibration) -> float:
    """A round number of customers that fills the bucket: twice today's long run or base.

    Fixed for a widget, so the water level can be compared from one setting to the next.

    >>> from helpers.bucket import BucketCalibration
    >>> import pandas as pd
    >>> day = pd.Timestamp("2024-01-01")
    >>> bucket_capacity(BucketCalibration(12, day, day, 2958, 9682, 160, 156, 60, 62, 0.968,
    ...                                   0.032, 31, 51, 4805, 62))
    10000.0
    """
    need = 2 * max(
        calibration.steady_state if math.isfinite(calibration.steady_state) else 0, calibration.customers_now, 1.0
    )
    power = 10 ** math.floor(math.log10(need))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= need:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _economics(calibration: BucketCalibration) -> dict:
    """The company's starting base, cost per (kept) acquisition and margin, as :func:`simulate` takes them."""
    return dict(
        initial_customers=calibration.customers_now,
        cost_per_acquisition=calibration.cost_per_kept_acquisition,
        revenue_per_customer=calibration.margin_per_customer,
    )


def _as_today(calibration: BucketCalibration, months: int) -> pd.DataFrame:
    """The bucket over ``months`` if the company keeps today's spend and churn."""
    return simulate(
        months,
        acquisition_spend=calibration.acquisition_spend,
        churn_rate=calibration.churn_rate,
        **_economics(calibration),
    )


def bucket_scenario(
    acquisition_spend: float,
    churn_rate: float,
    churn_reduction: float,
    programme_cost_per_customer: float,
    *,
    calibration: BucketCalibration,
    history: pd.Series | None = None,
    holes: Mapping[str, float] | None = None,
    months: int = 60,
    capacity: float | None = None,
    baseline: pd.DataFrame | None = None,
) -> Scenario:
    """The company's bucket over the next ``months`` for one setting of the sliders.

    Starts from today's base (``calibration.customers_now``) and keeps the company's cost
    per (kept) acquisition and margin per customer; the sliders set the acquisition spend,
    the churn rate without a programme, and a retention programme (its share of churn
    removed and its cost per customer per month). The leaky-bucket model of
    :func:`helpers.bucket.simulate` (Ehrenberg's leaky bucket; Reichheld & Sasser 1990).

    Parameters
    ----------
    acquisition_spend : float
        Money spent on acquisition per month (≥ 0).
    churn_rate : float
        Monthly churn without the programme, in [0, 1].
    churn_reduction : float
        Share of the churn the programme removes, in [0, 1].
    programme_cost_per_customer : float
        What the programme costs per customer per month (≥ 0); nothing is spent when the
        programme removes no churn.
    calibration : BucketCalibration
        The company's bucket (:func:`helpers.bucket.calibrate_bucket`).
    history : Series, optional
        The real base at the end of past months, drawn to the left of "now".
    holes : mapping, optional
        Share of defections by reason (the holes of the picture).
    months : int
        Horizon in months.
    capacity : float, optional
        Customers that fill the bucket; default :func:`bucket_capacity`.
    baseline : DataFrame, optional
        The company as it is today over the same months (:func:`helpers.bucket.simulate`
        with the calibration's spend and churn); the widget computes it once, default here.

    Returns
    -------
    Scenario
        ``data``: a dict with ``run`` (the simulate frame), ``baseline`` (the company as it
        is today), ``steady_state``, ``months_to_steady_state``, ``customers_end``,
        ``profit_last_month``, ``cumulative_profit``, ``effective_churn``,
        ``cost_per_customer_saved`` and ``cost_per_acquisition``; ``figure``: the bucket
        beside the base over time.

    Examples
    --------
    >>> import pandas as pd
    >>> day = pd.Timestamp("2024-01-01")
    >>> bucket = BucketCalibration(12, day, day, 1000, 5000, 100, 100, 50, 50, 0.95, 0.05,
    ...                            20, 20, 2000, 30)
    >>> result = bucket_scenario(5000, 0.05, 0.5, 1.0, calibration=bucket, months=12)
    >>> result.data["steady_state"]  # 100 a month / (0.05 × 0.5)
    4000.0
    >>> import matplotlib.pyplot as plt; plt.close(result.figure)
    """
    if programme_cost_per_customer < 0 or not 0 <= churn_reduction <= 1:
        raise ValueError("the programme needs a cost ≥ 0 and a churn reduction in [0, 1]")
    programme_cost = programme_cost_per_customer if churn_reduction > 0 else 0.0
    run = simulate(
        months,
        acquisition_spend=acquisition_spend,
        churn_rate=churn_rate,
        retention_cost_per_customer=programme_cost,
        churn_reduction=churn_reduction,
        **_economics(calibration),
    )
    if baseline is None:
        baseline = _as_today(calibration, months)
    inflow = acquisition_spend / calibration.cost_per_kept_acquisition
    effective = churn_rate * (1 - churn_reduction)
    level = steady_state(inflow, effective)
    when = periods_to_steady_state(calibration.customers_now, inflow, effective)
    saved = cost_per_customer_saved(programme_cost, churn_rate, churn_reduction)
    last = run.iloc[-1]
    lines = [
        _("Profit in month {months}: {profit} a month").format(months=months, profit=money(last["profit"])),
        _("A customer won costs {cost}").format(cost=money(calibration.cost_per_kept_acquisition)),
    ]
    if churn_reduction > 0:
        lines.append(_("A customer saved costs {cost}").format(cost=money(saved) if math.isfinite(saved) else "∞"))
    figure = bucket_dashboard(
        run,
        capacity=capacity or bucket_capacity(calibration),
        steady_state=level,
        periods_to_steady_state=when,
        history=history,
        baseline=baseline["customers_end"],
        holes=holes,
        flow_scale=2 * calibration.new_customers_kept,
        notes="\n".join(lines),
    )
    data = {
        "run": run,
        "baseline": baseline,
        "steady_state": level,
        "months_to_steady_state": when,
        "customers_end": float(last["customers_end"]),
        "profit_last_month": float(last["profit"]),
        "cumulative_profit": float(last["cumulative_profit"]),
        "effective_churn": effective,
        "cost_per_customer_saved": saved,
        "cost_per_acquisition": calibration.cost_per_kept_acquisition,
    }
    return Scenario(data=data, figure=figure)


def bucket_widget(
    calibration: BucketCalibration,
    *,
    history: pd.Series | None = None,
    holes: Mapping[str, float] | None = None,
    months: int = 60,
) -> widgets.VBox:
    """Four sliders over :func:`bucket_scenario`, starting from the company as it is.

    Sliders: acquisition spend per month (0 to three times today's), monthly churn
    (0.5 %–12 %), the programme's cut in churn (0–80 %) and its cost per customer per
    month (0–20).

    Returns
    -------
    ipywidgets.VBox
        The controls above the figure (see :func:`helpers.widgets.what_if`).
    """
    top_spend = max(1000.0, math.ceil(3 * calibration.acquisition_spend / 1000) * 1000)
    controls = {
        "acquisition_spend": slider(
            _("Acquisition spend per month"), round(calibration.acquisition_spend, -2), 0, top_spend, 500, fmt=",.0f"
        ),
        "churn_rate": slider(
            _("Monthly churn (without programme)"), round(calibration.churn_rate, 3), 0.005, 0.12, 0.0025, fmt=".1%"
        ),
        "churn_reduction": slider(_("Programme: share of churn removed"), 0.0, 0, 0.8, 0.05, fmt=".0%"),
        "programme_cost_per_customer": slider(_("Programme: cost per customer per month"), 2.0, 0, 20, 0.5, fmt=".1f"),
    }
    scenario = partial(
        bucket_scenario,
        calibration=calibration,
        history=history,
        holes=holes,
        months=months,
        capacity=bucket_capacity(calibration),
        baseline=_as_today(calibration, months),
    )
    return what_if(scenario, controls)
