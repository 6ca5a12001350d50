"""What-if scenarios of lesson 04: RFM cut-offs, and the single customer view.

Each scenario is a pure function of the control values that calls a model function
(:mod:`helpers.crm`, :mod:`helpers.rfm`) and a plot function (:mod:`helpers.plots.crm`)
and returns a :class:`~helpers.widgets.Scenario`; the notebook wires it to controls with
:func:`helpers.widgets.what_if` (use :func:`functools.partial` to fix the data).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import crm
from helpers.formats import percent
from helpers.i18n import _
from helpers.plots import crm as crm_plots
from helpers.rfm import rfm_scores
from helpers.widgets import Scenario

__all__ = ["cutoffs_for_top_share", "customer_view_scenario", "rfm_cutoffs_scenario"]


def cutoffs_for_top_share(top_share: float, scores: int = 5) -> list[float]:
    """Quantile cut-offs that give the top score to ``top_share`` of customers, the rest evenly.

    With ``top_share = 0.2`` these are the quintiles [0.2, 0.4, 0.6, 0.8]; with 0.1 the
    lower four scores share the bottom 90 % equally: [0.225, 0.45, 0.675, 0.9].

    >>> cutoffs_for_top_share(0.1)
    [0.225, 0.45, 0.675, 0.9]
    """
    if not 0 < top_share < 1:
        raise ValueError(f"top_share must be a fraction strictly between 0 and 1; got {top_share!r}")
    return [round(float(v), 6) for v in (1 - top_share) * np.arange(1, scores) / (scores - 1)]


def rfm_cutoffs_scenario(
    summary: pd.DataFrame, margin: pd.Series, *, top_share_r: float = 0.2, top_share_f: float = 0.2
) -> Scenario:
    """RFM segments for chosen cut-offs: their sizes and value (Hughes 1994).

    Parameters
    ----------
    summary : the customer summary of :func:`helpers.rfm.rfm_summary`.
    margin : gross margin per customer (currency), indexed by customer id.
    top_share_r, top_share_f : share of customers given the top R (most recent) and
        top F (most frequent) score; the other four scores split the rest evenly.

    Returns
    -------
    Scenario
        ``data``: the table of :func:`helpers.crm.rfm_segment_value`; ``figure``: its chart.
    """
    cutoffs = {"R": cutoffs_for_top_share(top_share_r), "F": cutoffs_for_top_share(top_share_f)}
    scores = rfm_scores(summary, cutoffs=cutoffs)
    table = crm.rfm_segment_value(scores, margin)
    figure = crm_plots.segment_value_chart(
        table,
        title=_("RFM segments: top R score for {top_share_r}, top F score for {top_share_f}").format(
            top_share_r=percent(top_share_r), top_share_f=percent(top_share_f)
        ),
    )
    return Scenario(table, figure)


def customer_view_scenario(
    company, customer_id: int, *, ranking: pd.DataFrame | None = None, scores: pd.DataFrame | None = None
) -> Scenario:
    """The single customer view of one customer: the profile and its one-page figure.

    Parameters
    ----------
    company : the company (its tables are read, never changed).
    customer_id : the customer to show.
    ranking, scores : optional precomputed value ranking and RFM scores of all customers,
        so the widget answers at once (see :func:`helpers.crm.customer_view`).

    Returns
    -------
    Scenario
        ``data``: the profile dict of :func:`helpers.crm.customer_profile`; ``figure``: the page.
    """
    view = crm.customer_profile(company, int(customer_id), ranking=ranking, scores=scores)
    return Scenario(view, crm_plots.customer_view_figure(view))
