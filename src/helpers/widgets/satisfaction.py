"""Lesson 07 widget: make one touchpoint fail less often, see satisfaction, NPS and retention.

The scenario function :func:`touchpoint_scenario` is pure (the measured tables and two slider
values in, the projection and a figure out), so tests call it without a browser;
:func:`touchpoint_widget` only wires a slider and a menu to it.
"""

from __future__ import annotations

from functools import partial

import ipywidgets as widgets
import pandas as pd

from helpers.i18n import _
from helpers.plots import label
from helpers.plots.satisfaction import projection_chart
from helpers.satisfaction import MOMENTS, project_improvement
from helpers.widgets import Scenario, slider, what_if

__all__ = ["touchpoint_options", "touchpoint_potentials", "touchpoint_scenario", "touchpoint_widget"]


def touchpoint_options(touchpoints: pd.DataFrame, moments: pd.DataFrame) -> list[str]:
    """The touchpoints a scenario can improve: in the moments table, with answers after good and bad moments.

    Examples
    --------
    >>> index = pd.MultiIndex.from_tuples([("complaint", "went well"), ("complaint", "went badly"),
    ...     ("inquiry", "went well")])
    >>> touchpoint_options(pd.DataFrame(index=index), pd.DataFrame(index=["complaint", "inquiry"]))
    ['complaint']
    """
    return [str(t) for t in moments.index if all((t, m) in touchpoints.index for m in MOMENTS)]


def touchpoint_potentials(
    levels: pd.DataFrame, touchpoints: pd.DataFrame, moments: pd.DataFrame, *, churns: float, customer_months: float
) -> pd.DataFrame:
    """The change of each measure if all of one touchpoint's bad moments went well: one column per touchpoint.

    They do not depend on the sliders: :func:`touchpoint_widget` computes them once, and
    :func:`touchpoint_scenario` draws the axes and the dashed line from them.

    Parameters
    ----------
    levels, touchpoints, moments : pandas.DataFrame
        As for :func:`touchpoint_scenario`.
    churns, customer_months : float
        customers lost and months as a customer over the period.

    Returns
    -------
    pandas.DataFrame
        Index: the measures of :func:`helpers.satisfaction.project_improvement`; columns: the
        touchpoints of :func:`touchpoint_options`.
    """
    return pd.concat(
        {
            name: project_improvement(
                levels, touchpoints, moments, name, 1.0, churns=churns, customer_months=customer_months
            ).measures["change"]
            for name in touchpoint_options(touchpoints, moments)
        },
        axis=1,
    )


def touchpoint_scenario(
    levels: pd.DataFrame,
    touchpoints: pd.DataFrame,
    moments: pd.DataFrame,
    *,
    churns: float,
    customer_months: float,
    improvement: float = 0.5,
    touchpoint: str = "complaint",
    potentials: pd.DataFrame | None = None,
) -> Scenario:
    """Satisfaction, NPS and 12-month retention if a share of one touchpoint's bad moments went well.

    A scenario on relationships measured in the data (see
    :func:`helpers.satisfaction.project_improvement`): answers after a fixed moment look like
    answers after a good one, and each bad moment prevented saves the extra losses measured
    after bad moments. Because customers with bad moments are also served worse in general,
    the projection is an upper bound for most touchpoints.

    Parameters
    ----------
    levels : pandas.DataFrame
        :func:`helpers.satisfaction.level_outcomes`.
    touchpoints : pandas.DataFrame
        :func:`helpers.satisfaction.touchpoint_table`.
    moments : pandas.DataFrame
        :func:`helpers.satisfaction.moments_of_truth`.
    churns, customer_months : float
        customers lost and months as a customer over the period.
    improvement : float, optional
        share of the touchpoint's bad moments that go well instead (0–1).
    touchpoint : str, optional
        the touchpoint improved.
    potentials : pandas.DataFrame, optional
        :func:`touchpoint_potentials` of the same data, computed once by the widget
        (default: computed here).

    Returns
    -------
    Scenario
        ``Scenario(data, figure)``: ``data`` is the
        :class:`~helpers.satisfaction.Projection`; ``figure`` shows the changes, on axes that
        reach the largest change any single touchpoint could bring (so the bars are comparable
        across touchpoints), with a dashed line at this touchpoint's change if all its bad
        moments went well.

    Examples
    --------
    >>> from helpers.data import lesson_company
    >>> from helpers.satisfaction import (contact_outcomes, level_outcomes, moments_of_truth,
    ...                                   recent_touchpoints, satisfaction_gaps, touchpoint_table)
    >>> c = lesson_company()
    >>> answers = touchpoint_table(satisfaction_gaps(c.surveys), recent_touchpoints(c.surveys, c.interactions))
    >>> moments = moments_of_truth(contact_outcomes(c.interactions, c.churn, c.observation_end))
    >>> result = touchpoint_scenario(level_outcomes(c.surveys), answers, moments, churns=2000,
    ...                              customer_months=55_000, improvement=0.0)
    >>> float(result.data.measures["change"].abs().max())   # nothing fixed, nothing changes
    0.0
    """
    projection = project_improvement(
        levels, touchpoints, moments, touchpoint, improvement, churns=churns, customer_months=customer_months
    )
    if potentials is None:
        potentials = touchpoint_potentials(levels, touchpoints, moments, churns=churns, customer_months=customer_months)
    figure = projection_chart(
        projection.measures,
        touchpoint=touchpoint,
        improvement=improvement,
        potential=potentials[touchpoint],
        axis_max=potentials.max(axis=1),
    )
    return Scenario(projection, figure)


def touchpoint_widget(
    levels: pd.DataFrame, touchpoints: pd.DataFrame, moments: pd.DataFrame, *, churns: float, customer_months: float
) -> widgets.VBox:
    """A slider (share of bad moments fixed) and a menu (touchpoint) redrawing :func:`touchpoint_scenario`."""
    options = touchpoint_options(touchpoints, moments)
    if not options:
        raise ValueError(_("no touchpoint has survey answers after both good and bad moments: nothing to project"))
    controls = {
        "improvement": slider(_("Share of bad moments that go well"), 0.5, 0.0, 1.0, 0.05, fmt=".0%"),
        "touchpoint": widgets.Dropdown(
            options=[(label(t), t) for t in options],
            value="complaint" if "complaint" in options else options[0],
            description=_("Touchpoint"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
        ),
    }
    sizes = {"churns": churns, "customer_months": customer_months}
    potentials = touchpoint_potentials(levels, touchpoints, moments, **sizes)
    return what_if(partial(touchpoint_scenario, levels, touchpoints, moments, potentials=potentials, **sizes), controls)
