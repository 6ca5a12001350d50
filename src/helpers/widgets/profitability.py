"""Lesson 06 widget: the cut-offs of the customer pyramid.

The scenario function :func:`pyramid_scenario` is pure (profits in, a table and a figure
out), so tests call it without a browser; :func:`pyramid_widget` only wires sliders to it.
"""

from __future__ import annotations

from functools import partial

import ipywidgets as widgets
import pandas as pd

from helpers.i18n import _
from helpers.plots import money, percent
from helpers.plots.profitability import pyramid_chart
from helpers.profitability import pyramid_tier, tier_summary
from helpers.widgets import Scenario, slider, what_if

__all__ = ["pyramid_scenario", "pyramid_widget"]


def pyramid_scenario(
    profit: pd.Series, *, platinum: float = 0.05, gold: float = 0.20, lead_below: float = 0.0
) -> Scenario:
    """The customer pyramid for one set of cut-offs (Zeithaml, Rust & Lemon 2001).

    A ``gold`` share below ``platinum`` is raised to it, so the widget never breaks.

    Parameters
    ----------
    profit : pandas.Series
        profit per customer (currency), e.g. the ``profit`` column of
        :func:`helpers.profitability.customer_profitability`.
    platinum, gold, lead_below : float, optional
        the cut-offs of :func:`helpers.profitability.pyramid_tier`.

    Returns
    -------
    Scenario
        ``Scenario(data, figure)``: ``data`` is the :func:`helpers.profitability.tier_summary`
        table with the cut-offs used in ``data.attrs["cut_offs"]``; ``figure`` its chart.

    Examples
    --------
    >>> profit = pd.Series([500.0, 90.0, 300.0, 40.0, -20.0])
    >>> pyramid_scenario(profit, platinum=0.4, gold=0.2).data.attrs["cut_offs"]["gold"]
    0.4
    """
    cut_offs = {"platinum": float(platinum), "gold": max(float(gold), float(platinum)), "lead_below": float(lead_below)}
    summary = tier_summary(pyramid_tier(profit, **cut_offs), profit)
    summary.attrs["cut_offs"] = cut_offs
    title = _("Pyramid: platinum = top {platinum}, gold = down to top {gold}, lead = profit below {lead}").format(
        platinum=percent(cut_offs["platinum"]), gold=percent(cut_offs["gold"]), lead=money(cut_offs["lead_below"])
    )
    return Scenario(summary, pyramid_chart(summary, title=title))


def pyramid_widget(profit: pd.Series) -> widgets.VBox:
    """Sliders for the three cut-offs of the pyramid, redrawing :func:`pyramid_scenario`."""
    controls = {
        "platinum": slider(_("Platinum: top share"), 0.05, 0.0, 0.3, 0.01, fmt=".0%"),
        "gold": slider(_("Platinum + gold: top share"), 0.20, 0.0, 0.6, 0.01, fmt=".0%"),
        "lead_below": slider(_("Lead: profit below"), 0.0, -200.0, 300.0, 10.0, fmt=",.0f"),
    }
    return what_if(partial(pyramid_scenario, profit), controls)
