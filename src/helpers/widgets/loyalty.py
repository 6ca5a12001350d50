"""Lesson 05 widget: move the thresholds of the loyalty matrix, see sizes and value at stake.

The scenario function :func:`matrix_scenario` is pure (a table and four thresholds in, the
segment summary and a figure out), so tests call it without a browser;
:func:`matrix_widget` only wires sliders to it.
"""

from __future__ import annotations

from functools import partial

import ipywidgets as widgets
import pandas as pd

from helpers.i18n import _
from helpers.loyalty import loyalty_index, loyalty_segment, segment_summary
from helpers.plots.loyalty import matrix_chart
from helpers.widgets import Scenario, slider, what_if

__all__ = ["matrix_scenario", "matrix_widget"]


def matrix_scenario(
    table: pd.DataFrame,
    *,
    high_loyalty: float = 0.5,
    low_loyalty: float = 0.35,
    satisfied_from: int = 4,
    dissatisfied_up_to: int = 3,
    value_column: str = "margin",
) -> Scenario:
    """The loyalty matrix for one set of thresholds (Jones & Sasser 1995).

    Slider combinations that make no sense are repaired rather than refused, so the widget
    never breaks: a ``low_loyalty`` above ``high_loyalty`` is lowered to it, and a
    ``dissatisfied_up_to`` at or above ``satisfied_from`` is lowered to one level below.

    Parameters
    ----------
    table : pandas.DataFrame
        per-customer table of :func:`helpers.loyalty.loyalty_components`.
    high_loyalty, low_loyalty : float, optional
        loyalty-index thresholds in [0, 1].
    satisfied_from, dissatisfied_up_to : int, optional
        satisfaction thresholds (levels 1–5).
    value_column : str, optional
        the money column that measures the value at stake (default ``margin``,
        the gross margin of the last 12 months).

    Returns
    -------
    Scenario
        ``Scenario(data, figure)``: ``data`` is the :func:`helpers.loyalty.segment_summary`
        table with the thresholds actually used in ``data.attrs["thresholds"]``; ``figure``
        is the matrix chart.

    Examples
    --------
    >>> table = pd.DataFrame({"satisfaction": [5.0, 1.0], "repurchase": [1.0, 0.0], "tenure": [1.0, 0.0],
    ...     "bonds": [1.0, 0.0], "intention": [1.0, 0.0], "margin": [100.0, 5.0]})
    >>> matrix_scenario(table, low_loyalty=0.9, high_loyalty=0.6).data.attrs["thresholds"]["low_loyalty"]
    0.6
    """
    low_loyalty = min(low_loyalty, high_loyalty)
    satisfied_from = int(satisfied_from)
    dissatisfied_up_to = min(int(dissatisfied_up_to), satisfied_from - 1)
    thresholds = {
        "satisfied_from": satisfied_from,
        "dissatisfied_up_to": dissatisfied_up_to,
        "high_loyalty": float(high_loyalty),
        "low_loyalty": float(low_loyalty),
    }
    segments = loyalty_segment(table, **thresholds)
    summary = segment_summary(segments, table[value_column])
    summary.attrs["thresholds"] = thresholds
    figure = matrix_chart(table, loyalty_index(table), segments, summary, **thresholds)
    return Scenario(summary, figure)


def matrix_widget(table: pd.DataFrame) -> widgets.VBox:
    """Sliders for the four thresholds of the loyalty matrix, redrawing :func:`matrix_scenario`."""
    controls = {
        "high_loyalty": slider(_("Tied from loyalty index"), 0.5, 0.0, 1.0, 0.05),
        "low_loyalty": slider(_("Loose below loyalty index"), 0.35, 0.0, 1.0, 0.05),
        "satisfied_from": widgets.IntSlider(
            value=4,
            min=2,
            max=5,
            description=_("Satisfied from level"),
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
        ),
        "dissatisfied_up_to": widgets.IntSlider(
            value=3,
            min=1,
            max=4,
            description=_("Dissatisfied up to level"),
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
        ),
    }
    return what_if(partial(matrix_scenario, table), controls)
