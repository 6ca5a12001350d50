"""What-if of lesson 01: change how often customers climb or slide down the ladder.

:func:`migration_scenario` scales the promotion, demotion and loss probabilities of a
migration matrix (:func:`helpers.relationships.adjust_migration`), projects the stage
mix with the Markov chain (Pfeifer & Carraway 2000) and values the current base, then
draws both next to the unchanged baseline. The notebook fixes the data with
``functools.partial`` and hands the sliders to :func:`helpers.widgets.what_if`::

    scenario = partial(migration_scenario, transition=P, start_counts=mix, margin=margin,
                       discount_rate=0.10, periods=5, new_customers_per_period=arrivals)
    what_if(scenario, {"promotion_factor": slider(...), "demotion_factor": slider(...)})
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from helpers import relationships, schema
from helpers.formats import localize, number
from helpers.i18n import _
from helpers.plots import money
from helpers.plots.relationships import projection_chart
from helpers.widgets import Scenario

__all__ = ["migration_scenario"]


def migration_scenario(
    promotion_factor: float = 1.0,
    demotion_factor: float = 1.0,
    churn_factor: float = 1.0,
    *,
    transition: pd.DataFrame,
    start_counts: pd.Series,
    margin: pd.Series,
    discount_rate: float,
    periods: int = 5,
    new_customers_per_period: float | pd.Series = 0.0,
) -> Scenario:
    """Project the stage mix and value the base when promotions, demotions or losses change.

    Parameters
    ----------
    promotion_factor, demotion_factor, churn_factor : multipliers of the probabilities of
        moving up, moving down and being lost (1 = as observed; see
        :func:`helpers.relationships.adjust_migration`).
    transition : the observed migration matrix per period (lost absorbing).
    start_counts : customers per stage today.
    margin : margin per customer per period in each stage (currency).
    discount_rate : per period (fraction, > 0).
    periods : how many periods to project.
    new_customers_per_period : newcomers per period: a number entering as strangers, or
        counts per stage from :func:`helpers.relationships.newcomers`.

    Returns
    -------
    Scenario
        ``data``: dict with ``transition`` (the adjusted matrix), ``projection`` and
        ``baseline_projection`` (from :func:`helpers.relationships.project_stages`),
        ``base_value`` and ``baseline_value`` (currency), ``value_change`` (fraction)
        ``final_mix`` (shares of active customers in the last period) and
        ``close_share``, ``baseline_close_share`` (share of friends and partners then);
        ``figure``: the projected customers by stage, the baseline's total as a dashed
        line, and the two values of the base in a box.

    Examples
    --------
    >>> import numpy as np
    >>> P = pd.DataFrame(np.array([[0.5, 0.3, 0.0, 0.0, 0.2], [0.0, 0.8, 0.1, 0.0, 0.1],
    ...                            [0.0, 0.05, 0.85, 0.05, 0.05], [0.0, 0.0, 0.1, 0.9, 0.0],
    ...                            [0.0, 0.0, 0.0, 0.0, 1.0]]), index=relationships.STATES, columns=relationships.STATES)
    >>> margin = pd.Series({"stranger": 10.0, "acquaintance": 40.0, "friend": 90.0, "partner": 200.0})
    >>> result = migration_scenario(1.2, transition=P, start_counts=pd.Series({"stranger": 100}),
    ...                             margin=margin, discount_rate=0.1)
    >>> result.data["value_change"] > 0
    True
    """
    adjusted = relationships.adjust_migration(
        transition, promotion_factor=promotion_factor, demotion_factor=demotion_factor, churn_factor=churn_factor
    )
    projection = relationships.project_stages(
        start_counts, adjusted, periods, new_customers_per_period=new_customers_per_period
    )
    baseline = relationships.project_stages(
        start_counts, transition, periods, new_customers_per_period=new_customers_per_period
    )
    value = relationships.base_value(start_counts, adjusted, margin, discount_rate)
    baseline_value = relationships.base_value(start_counts, transition, margin, discount_rate)
    last = projection.iloc[-1][list(schema.STAGES)]
    final_mix = last / last.sum() if last.sum() > 0 else last

    change = value / baseline_value - 1 if baseline_value else float("nan")
    close = float(final_mix[["friend", "partner"]].sum())
    before = baseline.iloc[-1][list(schema.STAGES)]
    close_before = float(before[["friend", "partner"]].sum() / before.sum()) if before.sum() > 0 else 0.0
    note = _(
        "Value of today's base\n{value}  (baseline {baseline_value}, {change})\n"
        "Friends + partners in {periods} periods\n{close}  (baseline {close_before})"
    ).format(
        value=money(value),
        baseline_value=money(baseline_value),
        change=number(change, "+.0%"),
        periods=periods,
        close=localize(f"{close:.0%}"),
        close_before=localize(f"{close_before:.0%}"),
    )
    # Fixed axes, no layout engine: the widget redraws this figure on every change, and
    # skipping the constrained layout makes each redraw about a fifth faster.
    fig = plt.figure(figsize=(10, 5.5))
    fig.set_layout_engine("none")
    ax = fig.add_axes((0.08, 0.11, 0.62, 0.8))
    projection_chart(
        projection,
        baseline=baseline,
        note=note,
        ax=ax,
        title=localize(
            _(
                "Promotions ×{promotion_factor:.2f}, demotions ×{demotion_factor:.2f}, losses ×{churn_factor:.2f}"
            ).format(promotion_factor=promotion_factor, demotion_factor=demotion_factor, churn_factor=churn_factor)
        ),
    )
    data = {
        "transition": adjusted,
        "projection": projection,
        "baseline_projection": baseline,
        "base_value": value,
        "baseline_value": baseline_value,
        "value_change": change,
        "final_mix": final_mix,
        "close_share": close,
        "baseline_close_share": close_before,
    }
    return Scenario(data=data, figure=fig)
