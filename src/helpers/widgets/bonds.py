"""Lesson 02's what-if: split a retention budget across the four bond levels.

The scenario function :func:`budget_scenario` is pure: it calls the model
:func:`helpers.bonds.project_budget` and the chart :func:`helpers.plots.bonds.budget_chart`
and returns a :class:`~helpers.widgets.Scenario`. :func:`budget_widget` only wires sliders
to it. The programmes are the cumulative packages of Nova Supply's bond levels (Berry &
Parasuraman 1991; Zeithaml & Bitner): a member of the social programme also holds the
financial bond, and so on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import ipywidgets as widgets
import pandas as pd

from helpers import schema
from helpers.bonds import project_budget
from helpers.i18n import N_, _
from helpers.plots.bonds import budget_chart
from helpers.widgets import Scenario, dropdown_options, slider, what_if

__all__ = ["BudgetInputs", "budget_scenario", "budget_widget"]

# What the menus show for the names lesson 02 gives the customer groups and the views of the
# effects (:func:`helpers.widgets.option_label` looks them up; the values stay these names).
_OPTION_NAMES = (
    # Translators: the customer group "all customers", in a menu named "Customers"
    N_("all"),
    N_("truth (simulation)"),
    N_("best estimate (data)"),
    N_("naive estimate (data)"),
)
# The label of each level's share slider, by bond level.
_SHARE_LABELS = {
    "financial": N_("Financial share"),
    "social": N_("Social share"),
    "customization": N_("Customization share"),
    "structural": N_("Structural share"),
}


@dataclass(frozen=True)
class BudgetInputs:
    """What the budget model needs from the data.

    Attributes
    ----------
    baseline : pandas.DataFrame
        One row per customer group the budget can target (e.g. "all", "B2C", "B2B") with
        ``customers``, ``monthly_churn`` and ``margin_per_month``
        (:func:`helpers.bonds.enrolment_baseline`).
    packages : mapping of str to pandas.DataFrame
        One programme table per view of the effects (e.g. "truth", "naive estimate"),
        each indexed by level with ``cost_per_month`` and ``churn_multiplier``.
    """

    baseline: pd.DataFrame
    packages: Mapping[str, pd.DataFrame]


def budget_scenario(
    budget_per_month: float = 5000.0,
    financial: float = 0.4,
    social: float = 0.3,
    customization: float = 0.2,
    structural: float = 0.1,
    segment: str = "all",
    effect: str | None = None,
    *,
    inputs: BudgetInputs,
    months: int = 36,
) -> Scenario:
    """Project customers and profit for one split of the monthly retention budget.

    Parameters
    ----------
    budget_per_month : float
        Money for the programmes in the first month.
    financial, social, customization, structural : float
        Share of the budget for each programme (weights; normalised when they add up
        to more than 1).
    segment : str
        The row of ``inputs.baseline`` whose customers are enrolled.
    effect : str, optional
        The key of ``inputs.packages`` to use (default: the first).
    inputs : BudgetInputs
        The data behind the model.
    months : int
        Horizon in months (default 36, three years).

    Returns
    -------
    Scenario
        ``data`` is the :class:`helpers.bonds.BudgetProjection`; ``figure`` its chart.

    Example
    -------
    >>> packages = pd.DataFrame({"cost_per_month": [2.0, 8.0, 20.0, 50.0],
    ...     "churn_multiplier": [0.85, 0.6, 0.33, 0.13]}, index=pd.Index(schema.BOND_LEVELS, name="level"))
    >>> baseline = pd.DataFrame({"customers": [2000], "monthly_churn": [0.04], "margin_per_month": [30.0]},
    ...                         index=["all"])
    >>> result = budget_scenario(inputs=BudgetInputs(baseline, {"truth": packages}))
    >>> float(result.data.totals["enrolled"])  # 2000/2 + 1500/8 + 1000/20 + 500/50 members
    1247.5
    >>> import matplotlib.pyplot as plt; plt.close(result.figure)
    """
    if segment not in inputs.baseline.index:
        raise ValueError(f"segment must be one of {list(inputs.baseline.index)}; got {segment!r}")
    effect = effect if effect is not None else next(iter(inputs.packages))
    if effect not in inputs.packages:
        raise ValueError(f"effect must be one of {list(inputs.packages)}; got {effect!r}")
    base = inputs.baseline.loc[segment]
    shares = {"financial": financial, "social": social, "customization": customization, "structural": structural}
    projection = project_budget(
        budget_per_month,
        shares,
        inputs.packages[effect],
        customers=base["customers"],
        monthly_churn=base["monthly_churn"],
        margin_per_month=base["margin_per_month"],
        months=months,
    )
    return Scenario(data=projection, figure=budget_chart(projection))


def budget_widget(
    inputs: BudgetInputs, *, budget_per_month: float = 5000.0, max_budget: float = 30000.0, months: int = 36
) -> widgets.VBox:
    """Sliders for the budget and its split, menus for the segment and the effect view.

    Parameters
    ----------
    inputs : BudgetInputs
        The data behind the model.
    budget_per_month, max_budget : float
        Starting value and upper end of the budget slider.
    months : int
        Horizon in months.

    Returns
    -------
    ipywidgets.VBox
        The controls above the chart (see :func:`helpers.widgets.what_if`).
    """
    step = max(round(max_budget / 120, -2), 50.0)
    controls = {
        "budget_per_month": slider(_("Budget per month"), budget_per_month, 0, max_budget, step, fmt=",.0f"),
        "segment": widgets.Dropdown(
            options=dropdown_options(inputs.baseline.index),
            value=inputs.baseline.index[0],
            description=_("Customers"),
            style={"description_width": "initial"},
        ),
    }
    for level, share in zip(schema.BOND_LEVELS, (0.4, 0.3, 0.2, 0.1)):
        controls[level] = slider(_(_SHARE_LABELS[level]), share, 0, 1, 0.05, fmt=".0%")
    controls["effect"] = widgets.Dropdown(
        options=dropdown_options(inputs.packages),
        value=next(iter(inputs.packages)),
        description=_("Effects"),
        style={"description_width": "initial"},
    )
    return what_if(partial(budget_scenario, inputs=inputs, months=months), controls)
