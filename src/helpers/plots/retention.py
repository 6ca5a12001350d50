"""Charts of retention over time: survival curves and cohort tables (lessons 02 and 09, the report).

Every function takes tidy pandas data from :mod:`helpers.retention`, draws with the course
theme and returns the ``Figure``. The survival curves are Kaplan–Meier estimates (Kaplan &
Meier 1958) with their log-log confidence bands.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from helpers.formats import localize
from helpers.i18n import N_, _
from helpers.plots import ACCENT, OKABE_ITO, axes_or_new, category, colours_for, percent

__all__ = [
    "cohort_heatmap",
    "survival_chart",
]

#: Units and periods these charts name that come as data (a curve's ``time_unit``, a cohort table's
#: columns), for the catalogue; translated where drawn.
DATA_WORDS = (
    N_("months"),
    N_("days"),
    N_("weeks"),
    N_("quarters"),
    N_("month"),
    N_("quarter"),
    N_("months since signup"),
    N_("quarters since signup"),
    N_("periods since signup"),
)


def survival_chart(
    curve: pd.DataFrame,
    *,
    family: str | None = "bond",
    title: str = "",
    xlabel: str | None = None,
    bands: bool = True,
    counts: Mapping | None = None,
    marks: Sequence[float] = (),
    ax: Axes | None = None,
) -> Figure:
    """Kaplan–Meier curves as steps, with their confidence bands.

    Parameters
    ----------
    curve : pandas.DataFrame
        Output of :func:`helpers.retention.survival_curve`, grouped or not.
    family : str, optional
        Palette family of the group labels (default "bond"); other labels use the cycle.
    title, xlabel : str
        Chart title; x-axis label (default "<time unit> since signup").
    bands : bool
        Draw the confidence bands (shaded).
    counts : mapping, optional
        Customers per group, shown in the legend (default: the curve's first ``at_risk``).
    marks : sequence of float
        Times at which to read an ungrouped curve: a dotted guide and the share still there.
    ax : matplotlib Axes, optional
        Draw on this axes instead of a new figure.

    Example
    -------
    >>> from helpers.retention import survival_curve
    >>> fig = survival_chart(survival_curve([1, 2, 3], [True, False, True]), title="All customers", marks=[2])
    >>> plt.close(fig)
    """
    fig, ax = axes_or_new(ax)
    groups = (
        [(None, curve)] if "group" not in curve.columns else list(curve.groupby("group", observed=True, sort=False))
    )
    colours = colours_for(family, [g for g, _rows in groups]) if groups[0][0] is not None else [ACCENT]
    for (group, rows), colour in zip(groups, colours):
        n = counts[group] if counts is not None and group in counts else int(rows["at_risk"].iloc[0])
        name = (
            f"{category(group, family)} (n = {localize(f'{n:,}')})"
            if group is not None
            else _("All customers (n = {customers})").format(customers=localize(f"{n:,}"))
        )
        time = rows["time"].to_numpy()
        ax.step(time, rows["survival"], where="post", color=colour, label=name)
        if bands:
            ax.fill_between(time, rows["lower"], rows["upper"], step="post", color=colour, alpha=0.15, lw=0)
    unit = curve.attrs.get("time_unit", "months")
    if groups[0][0] is None:
        time, survival = curve["time"].to_numpy(), curve["survival"].to_numpy()
        for mark in marks:
            if time[0] <= mark <= time[-1]:
                value = survival[np.searchsorted(time, mark, side="right") - 1]
                ax.plot([mark, mark], [0, value], ls=":", lw=1.5, color=OKABE_ITO["dark_grey"])
                ax.annotate(
                    _("{share} after {time} {unit}").format(
                        share=percent(value), time=localize(f"{mark:g}"), unit=_(unit)
                    ),
                    (mark, value),
                    xytext=(8, 14),
                    textcoords="offset points",
                    fontsize=12,
                    color=OKABE_ITO["dark_grey"],
                )
        ax.legend(loc="upper right")
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.yaxis.set_major_formatter(FuncFormatter(percent))
    ax.set(
        title=title,
        xlabel=xlabel or _("{unit} since signup").format(unit=_(unit)),
        ylabel=_("still a customer"),
    )
    return fig


def cohort_heatmap(
    shares: pd.DataFrame, *, sizes: pd.Series | None = None, title: str = "", ax: Axes | None = None
) -> Figure:
    """The cohort table as a heatmap: rows = signup month, columns = months since signup.

    Parameters
    ----------
    shares : pandas.DataFrame
        ``shares`` of :func:`helpers.retention.cohort_table` (fractions, NaN unobserved).
    sizes : pandas.Series, optional
        Customers per cohort; when given, the y labels show them.
    title : str
        Chart title.
    ax : matplotlib Axes, optional
        Draw on this axes instead of a new figure.

    Example
    -------
    >>> shares = pd.DataFrame([[1.0, 0.8], [1.0, np.nan]], index=["2024-01", "2024-02"])
    >>> fig = cohort_heatmap(shares, title="Active share")
    >>> plt.close(fig)
    """
    fig, ax = axes_or_new(ax, figsize=(11, 7.5))
    values = np.ma.masked_invalid(shares.to_numpy(dtype=float))
    cmap = plt.get_cmap("Blues").with_extremes(bad="white")
    image = ax.imshow(values, aspect="auto", cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    rows, cols = shares.shape
    step_y = max(1, int(np.ceil(rows / 12)))
    step_x = max(1, int(np.ceil(cols / 12)))
    names = [str(i) for i in shares.index]
    if sizes is not None:
        names = [f"{n}  ({localize(f'{int(s):,}')})" for n, s in zip(names, sizes.reindex(shares.index))]
    ax.set_yticks(range(0, rows, step_y), names[::step_y])
    ax.set_xticks(range(0, cols, step_x), [str(c) for c in shares.columns[::step_x]])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02, format=FuncFormatter(percent))
    bar.set_label(_("share of the cohort still a customer"))
    axis_name = str(shares.columns.name or "periods since signup").replace("_", " ")
    unit = str(shares.columns.name or "")
    period = unit.split("_")[0].removesuffix("s") if unit.endswith("_since_signup") else "month"  # quarter, year
    if sizes is not None:
        cohort_name = _("signup {period} (customers)").format(period=_(period))
    else:
        cohort_name = _("signup {period}").format(period=_(period))
    ax.set(title=title, xlabel=_(axis_name), ylabel=cohort_name)
    return fig
