"""Lesson 08 widget: a plan builder. Choose an action and a monthly budget per customer type,
see the projected KPIs against doing nothing and against the targets.

The scenario function :func:`plan_scenario` is pure (the inputs and the slider values in,
a :class:`helpers.plan.PlanProjection` and a figure out), so tests call it without a
browser; :func:`plan_widget` only wires the controls to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import NamedTuple

import ipywidgets as widgets
import numpy as np
import pandas as pd

from helpers.formats import localize
from helpers.i18n import N_, _
from helpers.plan import PLAN_SEGMENTS, TIERS, PlanAssumptions, PlanContext, project_plan
from helpers.plots import label
from helpers.plots.plan import plan_dashboard
from helpers.widgets import Scenario, dropdown_options, option_label, slider, what_if

__all__ = ["PlanInputs", "choices_to_plan", "plan_scenario", "plan_widget"]

#: Keyword of each segment in the scenario's arguments (``not surveyed`` → ``not_surveyed``).
SEGMENT_KEYS = {segment: segment.replace(" ", "_") for segment in PLAN_SEGMENTS}
_LAYOUT = widgets.Layout(width="420px")
_STYLE = {"description_width": "initial"}
# What the menus show for the actions without a glossary term and for the names lesson 08
# gives its sets of effects (:func:`helpers.widgets.option_label`; the values stay these names).
_OPTION_NAMES = (N_("do nothing"), N_("delight"), N_("best estimate"), N_("naive"), N_("truth"))


class PlanInputs(NamedTuple):
    """Everything the plan builder needs besides the slider values.

    ``base`` is :func:`helpers.plan.plan_base`, ``context`` a :class:`helpers.plan.PlanContext`,
    ``assumptions`` the sets of effects to choose from (name → :class:`helpers.plan.PlanAssumptions`,
    the first is the default) and ``targets`` the targets per KPI (or None).
    """

    base: pd.DataFrame
    context: PlanContext
    assumptions: Mapping[str, PlanAssumptions]
    targets: pd.Series | None = None


def choices_to_plan(**choices) -> pd.DataFrame:
    """The plan table from the widget's keyword arguments ``<segment>_action`` and ``<segment>_budget``.

    >>> choices_to_plan(apostle_action="social bond", apostle_budget=300.0)
                  action  budget_per_month
    apostle  social bond             300.0
    """
    rows = {}
    for segment, key in SEGMENT_KEYS.items():
        if f"{key}_action" in choices:
            rows[segment] = {
                "action": choices[f"{key}_action"],
                "budget_per_month": float(choices.get(f"{key}_budget", 0.0)),
            }
    unknown = [k for k in choices if k.rsplit("_", 1)[0] not in SEGMENT_KEYS.values()]
    if unknown:
        raise ValueError(
            f"unknown choices {unknown}; use <segment>_action and <segment>_budget with segments "
            f"{list(SEGMENT_KEYS.values())}"
        )
    return pd.DataFrame.from_dict(rows, orient="index", columns=["action", "budget_per_month"])


def plan_scenario(inputs: PlanInputs, *, effects: str | None = None, lowest_tier: str = "lead", **choices) -> Scenario:
    """The plan built from the controls, projected against doing nothing.

    Parameters
    ----------
    inputs : PlanInputs
        :class:`PlanInputs`.
    effects : str, optional
        which set of ``inputs.assumptions`` to project with (default: the first).
    lowest_tier : str, optional
        the lowest pyramid tier the plan reaches.
    **choices
        ``<segment>_action`` (an action of the catalogue) and ``<segment>_budget``
        (money per month) for each segment (``apostle``, ``mercenary``, ``hostage``,
        ``terrorist``, ``indifferent``, ``not_surveyed``); a segment left out does nothing.

    Returns
    -------
    Scenario
        ``Scenario(data, figure)``: ``data`` is the :class:`helpers.plan.PlanProjection`,
        ``figure`` the dashboard of :func:`helpers.plots.plan.plan_dashboard`.
    """
    name = effects if effects is not None else next(iter(inputs.assumptions))
    if name not in inputs.assumptions:
        raise ValueError(f"effects must be one of {list(inputs.assumptions)}, not {name!r}")
    projection = project_plan(
        inputs.base, choices_to_plan(**choices), inputs.assumptions[name], inputs.context, lowest_tier=lowest_tier
    )
    spent = projection.kpis.loc["plan_cost_per_month", "plan"]
    figure = plan_dashboard(
        projection,
        inputs.targets,
        title=_("Effects: {name}  ·  {spent} a month  ·  {reached} customers reached").format(
            name=option_label(name),
            spent=localize(f"{spent:,.0f}"),
            reached=localize(f"{int(projection.kpis.loc['customers_reached', 'plan']):,}"),
        ),
    )
    return Scenario(projection, figure)


def plan_widget(
    inputs: PlanInputs, plan: pd.DataFrame, *, lowest_tier: str = "lead", max_budget: float = 3000.0
) -> widgets.VBox:
    """The plan builder: per segment a monthly budget and an action, plus the tier floor and the effects.

    Parameters
    ----------
    inputs : PlanInputs
        :class:`PlanInputs`.
    plan : pandas.DataFrame
        the starting plan (index segment; ``action`` and ``budget_per_month``), e.g. the
        lesson's worked plan; segments not in it start at "do nothing".
    lowest_tier : str, optional
        the starting tier floor.
    max_budget : float, optional
        the right end of the budget sliders (money per month).
    """
    actions = list(next(iter(inputs.assumptions.values())).actions.index)
    controls = {}
    for segment, key in SEGMENT_KEYS.items():
        start = plan.loc[segment] if segment in plan.index else pd.Series({"action": actions[0], "budget_per_month": 0})
        budget = float(np.clip(start["budget_per_month"], 0, max_budget))
        shown = label(segment)
        controls[f"{key}_budget"] = slider(
            _("{segment}: budget a month").format(segment=shown[:1].upper() + shown[1:]),
            budget,
            0,
            max_budget,
            50,
            fmt=",.0f",
        )
        controls[f"{key}_action"] = widgets.Dropdown(
            options=dropdown_options(actions),
            value=str(start["action"]),
            description=_("action"),
            style=_STYLE,
            layout=_LAYOUT,
        )
    controls["lowest_tier"] = widgets.Dropdown(
        options=dropdown_options(TIERS),
        value=lowest_tier,
        description=_("Reach down to tier"),
        style=_STYLE,
        layout=_LAYOUT,
    )
    controls["effects"] = widgets.Dropdown(
        options=dropdown_options(inputs.assumptions), description=_("Effects"), style=_STYLE, layout=_LAYOUT
    )
    return what_if(partial(plan_scenario, inputs), controls)
