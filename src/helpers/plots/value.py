"""Charts of lesson 06's customer lifetime value: CLV flows, the recency chain, BG/NBD checks.

Each function takes the output of a :mod:`helpers.value` function (or of a widget scenario
built on it) and returns a matplotlib ``Figure``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from helpers.formats import localize
from helpers.i18n import N_, _
from helpers.plots import ACCENT, SECOND, money, money_axis, percent

__all__ = ["clv_chart", "holdout_chart", "recency_chart", "truth_alive_chart"]

#: Group names lesson 10 gives its bands of P(alive) (data), for the catalogue; translated where drawn.
DATA_WORDS = (N_("below 25%"), N_("over 90%"), N_("exactly 1"))


def clv_chart(flows: pd.DataFrame, *, title: str = "") -> Figure:
    """The discounted margin a customer is expected to bring each year, and its running total.

    Parameters
    ----------
    flows : indexed by year (0, 1, …), columns ``discounted_margin`` (currency) and
        ``cumulative`` (currency), as made by :func:`helpers.widgets.value.clv_scenario`.

    >>> flows = pd.DataFrame({"discounted_margin": [80.0, 50.0], "cumulative": [80.0, 130.0]}, index=[1, 2])
    >>> len(clv_chart(flows).axes[0].patches)
    2
    """
    fig, ax = plt.subplots(figsize=(10, 5))
    ax.bar(flows.index, flows["discounted_margin"], color=ACCENT, label=_("expected discounted margin of the year"))
    ax.plot(flows.index, flows["cumulative"], color=SECOND, marker="o", ms=4, label=_("running total"))
    ax.yaxis.set_major_formatter(FuncFormatter(money))
    ax.set(xlabel=_("year of the relationship (0 = now)"), ylabel=_("currency per customer"), title=title)
    ax.set_ylim(0, max(float(flows["cumulative"].max()) * 1.12, 1.0))
    ax.legend(loc="center right")
    return fig


def recency_chart(states: pd.DataFrame, values: pd.Series) -> Figure:
    """The purchase probability and the value of a customer by months since the last purchase.

    Parameters
    ----------
    states : :func:`helpers.value.recency_states` (index ``recency``, ``purchase_probability``).
    values : value of a customer in each state (currency), same index, from :func:`helpers.value.markov_clv`.

    >>> states = pd.DataFrame({"purchase_probability": [0.6, 0.3, 0.1]}, index=pd.Index([1, 2, 3], name="recency"))
    >>> len(recency_chart(states, pd.Series([900.0, 500.0, 100.0], index=states.index)).axes)
    2
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    ticks = [str(i) for i in states.index[:-1]] + [f"{states.index[-1]}+"]
    left.bar(ticks, states["purchase_probability"], color=ACCENT)
    left.yaxis.set_major_formatter(FuncFormatter(percent))
    left.set(
        xlabel=_("months since the last purchase"),
        ylabel=_("probability of buying next month"),
        title=_("Who buys next month"),
    )
    bars = right.bar(ticks, values.to_numpy(float), color=SECOND)
    right.bar_label(bars, labels=[money(v) for v in values], padding=2, fontsize=11)
    money_axis(right.yaxis)  # one unit on the axis: 0.8k next to 1.0k, not 800
    right.margins(y=0.12)
    right.set(
        xlabel=_("months since the last purchase"),
        ylabel=_("value of the customer (currency)"),
        title=_("What the customer is worth"),
    )
    return fig


def _paired_bars(table: pd.DataFrame, bars) -> tuple[Figure, plt.Axes]:
    """Two bars per row of ``table`` (``(column, colour, legend label)`` each), labelled with its ``customers``."""
    fig, ax = plt.subplots(figsize=(11, 5))
    x = np.arange(len(table))
    for shift, (column, colour, name) in zip((-0.2, 0.2), bars):
        ax.bar(x + shift, table[column], width=0.4, color=colour, label=name)
    ax.set_xticks(x, [f"{_(str(i))}\n({localize(f'{n:,}')})" for i, n in zip(table.index, table["customers"])])
    return fig, ax


def silence_chart(curve: pd.Series, rule: float, *, repeat_purchases: int, age: float) -> Figure:
    """P(alive) of one customer against the silence since their last purchase, beside an inactivity rule.

    Parameters
    ----------
    curve : pandas.Series
        P(alive) by weeks of silence (:func:`helpers.value.alive_by_silence`).
    rule : float
        the weeks of silence after which an inactivity rule calls a customer lost.
    repeat_purchases, age : the customer's repeat purchases and weeks since the first purchase (for the title).
    """
    below = curve.index[curve.to_numpy() < 0.5]
    fig, ax = plt.subplots(figsize=(10, 4.6))
    ax.plot(curve.index, curve, color=ACCENT, lw=3, label=_("P(alive) from the BG/NBD"))
    ax.axvline(
        rule,
        color=SECOND,
        ls="--",
        lw=2,
        label=_("lesson 03's rule: lost after {days} days").format(days=f"{rule * 7:.0f}"),
    )
    ax.yaxis.set_major_formatter(percent)
    when = (
        _("after {weeks} weeks of silence").format(weeks=localize(str(below.min())))
        if below.size
        else _("not within this age")
    )
    ax.set(
        ylim=(0, 1.05),
        xlabel=_("weeks since the last purchase"),
        ylabel=_("probability of being alive"),
        title=_("{purchases} repeat purchases in {weeks} weeks: below 50 % {when}").format(
            purchases=int(repeat_purchases), weeks=int(age), when=when
        ),
    )
    ax.legend(loc="lower left")
    return fig


def holdout_chart(comparison: pd.DataFrame, *, title: str = "") -> Figure:
    """Actual against predicted purchases in the holdout period, by purchases in calibration.

    Parameters
    ----------
    comparison : :func:`helpers.value.holdout_comparison`.

    >>> c = pd.DataFrame({"customers": [5, 3], "actual": [1.0, 2.5], "predicted": [1.2, 2.0]}, index=["0", "1+"])
    >>> len(holdout_chart(c).axes[0].patches)
    4
    """
    fig, ax = _paired_bars(
        comparison, (("actual", ACCENT, _("actual")), ("predicted", SECOND, _("predicted by BG/NBD")))
    )
    ax.set(
        xlabel=_("repeat purchases in the calibration period (customers)"),
        ylabel=_("purchases per customer in the holdout"),
        title=title or _("Calibration and holdout: does the model predict what it has not seen?"),
    )
    ax.legend(loc="upper left")
    return fig


def truth_alive_chart(table: pd.DataFrame) -> Figure:
    """Mean P(alive) of each group of customers against the share truly still a customer.

    Parameters
    ----------
    table : indexed by group label, columns ``probability_alive`` and ``truly_active``
        (fractions) and ``customers``.

    >>> t = pd.DataFrame({"probability_alive": [0.1, 0.9], "truly_active": [0.05, 0.8], "customers": [10, 20]},
    ...     index=["low", "high"])
    >>> len(truth_alive_chart(t).axes[0].patches)
    4
    """
    fig, ax = _paired_bars(
        table,
        (
            ("probability_alive", SECOND, _("P(alive) from BG/NBD")),
            ("truly_active", ACCENT, _("truly still a customer (churn table)")),
        ),
    )
    ax.yaxis.set_major_formatter(FuncFormatter(percent))
    ax.set(
        ylim=(0, 1.18),
        ylabel=_("share of customers"),
        xlabel=_("customers grouped by P(alive) (customers)"),
        title=_("Is a customer still alive? The model against the truth"),
    )
    ax.legend(loc="upper left", ncols=2)
    return fig
