"""Lesson 06 widget: a customer lifetime value calculator; lesson 10's: when a silence means goodbye.

The scenario functions :func:`clv_scenario` and :func:`alive_scenario` are pure (numbers in,
a table and a figure out), so tests call them without a browser; :func:`clv_widget` and
:func:`alive_widget` only wire sliders to them.
"""

from __future__ import annotations

from functools import partial

import ipywidgets as widgets
import numpy as np
import pandas as pd

from helpers.formats import localize
from helpers.i18n import N_, _
from helpers.plots import money
from helpers.plots.value import clv_chart, silence_chart
from helpers.value import CLV_TIMINGS, alive_by_silence, clv, margin_multiple
from helpers.widgets import Scenario, slider, what_if

__all__ = ["alive_scenario", "alive_widget", "clv_scenario", "clv_widget"]

_TIMING_NAMES = {
    "start": N_("paid at the start of each year (Farris et al.)"),
    "end": N_("paid at the end of each year (first year for sure)"),
    "end_retained": N_("paid at the end of each year, if retained (Gupta & Lehmann)"),
}


def clv_scenario(
    margin: float = 100.0,
    retention: float = 0.8,
    discount_rate: float = 0.1,
    *,
    timing: str = "end_retained",
    years: int = 15,
) -> Scenario:
    """Customer lifetime value for one margin, retention and discount rate, with its yearly flows.

    Parameters
    ----------
    margin : float, optional
        margin per year from a retained customer (currency).
    retention : float, optional
        yearly retention rate, a fraction in [0, 1).
    discount_rate : float, optional
        yearly discount rate (fraction).
    timing : str, optional
        one of :data:`helpers.value.CLV_TIMINGS`, see :func:`helpers.value.clv`.
    years : int, optional
        how many years the chart shows (the CLV itself sums over all years).

    Returns
    -------
    Scenario
        ``Scenario(data, figure)``: ``data`` is a dict with ``clv`` (the chosen timing),
        ``clv_by_timing`` (all three), ``margin_multiple`` (r / (1 + d − r)), ``share_shown``
        (share of the CLV earned in the years shown) and ``flows`` (DataFrame of
        ``discounted_margin`` and ``cumulative`` by year); ``figure`` draws the flows.

    Examples
    --------
    >>> result = clv_scenario(100, 0.8, 0.1)
    >>> round(result.data["clv"], 2), round(result.data["margin_multiple"], 3)
    (266.67, 2.667)
    """
    if timing not in CLV_TIMINGS:
        raise ValueError(f"unknown timing {timing!r}; use one of {list(CLV_TIMINGS)}")
    by_timing = {name: clv(margin, retention, discount_rate, timing=name) for name in CLV_TIMINGS}
    cumulative = np.asarray(clv(margin, retention, discount_rate, timing=timing, horizon=np.arange(1, years + 1)))
    first_year = 0 if timing == "start" else 1
    flows = pd.DataFrame(
        {"discounted_margin": np.diff(cumulative, prepend=0.0), "cumulative": cumulative},
        index=pd.RangeIndex(first_year, first_year + years, name="year"),
    )
    value, multiple = by_timing[timing], margin_multiple(retention, discount_rate)
    share_shown = float(cumulative[-1] / value) if value else 1.0
    title = _("CLV {value} = {margin} × {times}; margin multiple r/(1+d−r) = {multiple}").format(
        value=money(value),
        margin=money(margin),
        times=localize(f"{value / margin if margin else 0:.2f}"),
        multiple=localize(f"{multiple:.2f}"),
    )
    figure = clv_chart(flows, title=title)
    figure.axes[0].text(
        0.99,
        0.04,
        _(_TIMING_NAMES[timing])
        + "\n"
        + _("{share} of the CLV comes in the first {years} years").format(
            share=localize(f"{share_shown:.1%}"), years=years
        ),
        transform=figure.axes[0].transAxes,
        ha="right",
        va="bottom",
        fontsize=11,
    )
    return Scenario(
        {
            "clv": value,
            "clv_by_timing": by_timing,
            "margin_multiple": multiple,
            "share_shown": share_shown,
            "flows": flows,
        },
        figure,
    )


def clv_widget(margin: float = 100.0, retention: float = 0.8, discount_rate: float = 0.1) -> widgets.VBox:
    """Sliders for margin, retention and discount rate, and the timing, redrawing :func:`clv_scenario`.

    Parameters
    ----------
    margin : float
        Starting margin per year (currency).
    retention : float
        Starting retention per year (fraction).
    discount_rate : float
        Starting discount rate per period, here a year (fraction).

    Returns
    -------
    ipywidgets.VBox
        The controls above the chart.
    """
    controls = {
        "margin": slider(
            _("Margin per year"), round(float(margin)), 0, max(2000, 2 * round(float(margin))), 10, fmt=",.0f"
        ),
        "retention": slider(_("Retention per year"), float(retention), 0.0, 0.95, 0.01, fmt=".0%"),
        "discount_rate": slider(_("Discount rate per year"), float(discount_rate), 0.0, 0.3, 0.01, fmt=".0%"),
        "timing": widgets.Dropdown(
            options=[(_(text), name) for name, text in _TIMING_NAMES.items()],
            value="end_retained",
            description=_("Margins"),
            layout=widgets.Layout(width="420px"),
        ),
    }
    return what_if(clv_scenario, controls)


def alive_scenario(repeat_purchases: float = 10.0, age_weeks: float = 104.0, *, params, rule_weeks: float) -> Scenario:
    """P(alive) of one customer by weeks of silence, against an inactivity rule (lesson 10).

    Parameters
    ----------
    repeat_purchases : float, optional
        the customer's repeat purchases (a slider gives a float; it is made whole).
    age_weeks : float, optional
        weeks since the first purchase.
    params : dict
        fitted BG/NBD parameters, time in weeks.
    rule_weeks : float
        weeks of silence after which the inactivity rule calls a customer lost.

    Returns
    -------
    Scenario
        ``data`` is the P(alive) curve (:func:`helpers.value.alive_by_silence`); ``figure`` draws it.

    Examples
    --------
    >>> result = alive_scenario(2, 52, params={"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}, rule_weeks=180 / 7)
    >>> bool(result.data.is_monotonic_decreasing), len(result.data)
    (True, 52)
    """
    curve = alive_by_silence(params, int(repeat_purchases), float(age_weeks))
    figure = silence_chart(curve, rule_weeks, repeat_purchases=int(repeat_purchases), age=age_weeks)
    return Scenario(curve, figure)


def alive_widget(params, rule_weeks: float) -> widgets.VBox:
    """Sliders for a customer's repeat purchases and age, redrawing :func:`alive_scenario`."""
    return what_if(
        partial(alive_scenario, params=params, rule_weeks=rule_weeks),
        {
            "repeat_purchases": slider(_("Repeat purchases"), 10, 1, 40, 1, fmt=".0f"),
            "age_weeks": slider(_("Weeks since the first purchase"), 104, 30, 160, 2, fmt=".0f"),
        },
    )
