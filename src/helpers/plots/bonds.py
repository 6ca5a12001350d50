"""Charts of lesson 02 (retention strategies): the bond ladder, bond effects, reasons for leaving, returns.

Every function takes tidy pandas data from :mod:`helpers.bonds`, draws with the course
theme and palettes (a bond level has the same colour everywhere) and returns the
``Figure``, so widgets and tests can use them without a browser. The bond levels are the
three of Berry & Parasuraman (1991) (financial, social, structural) and the customization
level that Zeithaml & Bitner add between the social and the structural.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from helpers.formats import localize
from helpers.i18n import N_, _, language
from helpers.plots import (
    ACCENT,
    NEGATIVE,
    OKABE_ITO,
    PALETTES,
    axes_or_new,
    category,
    colours_for,
    count,
    label,
    money,
    money_axis,
    percent,
    text_colour_on,
)

__all__ = [
    "METHOD_COLOURS",
    "bond_ladder",
    "budget_chart",
    "effect_chart",
    "reasons_chart",
    "return_chart",
]

#: Colours of the estimation methods in :func:`effect_chart`, in order of use.
METHOD_COLOURS = [OKABE_ITO[k] for k in ("vermillion", "orange", "sky_blue", "blue", "green", "purple")]

#: Words these charts show that come as data, for the catalogue: the bond profile's main tool and ease of
#: copying (:func:`helpers.bonds.bond_level_profile`), and the names lesson 02 gives its methods, groups
#: and panels (translated where drawn, through :func:`helpers.plots.category`).
DATA_WORDS = (
    N_("price"),
    N_("personal communication"),
    N_("the service itself"),
    N_("the service delivery system"),
    N_("easy"),
    N_("harder"),
    N_("hard"),
    N_("very hard"),
    N_("Naive"),
    N_("Same tenure & segment"),
    N_("+ same recent purchases"),
    N_("Same true stage"),
    N_("No bond"),
    N_("With a bond"),
    N_("Naive estimate"),
    N_("Best estimate from the data"),
    N_("Truth"),
)


def bond_ladder(profile: pd.DataFrame, cost_per_month: pd.Series | None = None, *, title: str = "") -> Figure:
    """The four levels of retention bonds as a staircase: each step deeper, costlier, harder to copy.

    Parameters
    ----------
    profile : pandas.DataFrame
        :func:`helpers.bonds.bond_level_profile` (index = level; uses ``spanish``,
        ``main_tool`` and ``ease_of_copying``).
    cost_per_month : pandas.Series, optional
        Cost per member per month by level (e.g. measured on the data), printed on each step.
    title : str
        Chart title.

    Example
    -------
    >>> from helpers.bonds import bond_level_profile
    >>> fig = bond_ladder(bond_level_profile(), pd.Series({"financial": 2.0}))
    >>> plt.close(fig)
    """
    fig, ax = plt.subplots(figsize=(11, 5.8))
    levels = list(profile.index)
    width, rise = 1.0, 1.0
    for i, level in enumerate(levels):
        colour = PALETTES["bond"].get(level, ACCENT)
        ax.add_patch(Rectangle((i * width, 0), width * 0.96, (i + 1) * rise, color=colour, alpha=0.9, lw=0))
        top = (i + 1) * rise
        ink = text_colour_on(colour)
        spanish = language() == "es"  # the Spanish edition names the bond once, on two lines: "Vínculo / financiero"
        name = category(level, "bond").replace(" ", "\n", 1) if spanish else label(level)
        ax.text(
            i * width + 0.48,
            top - 0.22,
            f"{i + 1}. {name}",
            ha="center",
            va="top",
            fontsize=14,
            fontweight="bold",
            color=ink,
        )
        if not spanish:
            ax.text(
                i * width + 0.48,
                top - 0.55,
                profile.loc[level, "spanish"],
                ha="center",
                va="top",
                fontsize=12,
                style="italic",
                color=ink,
            )
        lines = [
            _("tool: {tool}").format(tool=_(str(profile.loc[level, "main_tool"]))),
            _("to copy: {ease}").format(ease=_(str(profile.loc[level, "ease_of_copying"]))),
        ]
        if cost_per_month is not None and level in cost_per_month.index and pd.notna(cost_per_month[level]):
            lines.append(_("cost: {cost} / member / month").format(cost=count(cost_per_month[level])))
        ax.text(
            i * width + 0.48,
            top + 0.12,
            "\n".join(lines),
            ha="center",
            va="bottom",
            fontsize=12,
            color=OKABE_ITO["black"],
            linespacing=1.3,
        )
    n = len(levels)
    arrow = FancyArrowPatch(
        (0.1, n + 1.55), (n - 0.1, n + 1.55), arrowstyle="-|>", mutation_scale=22, color=OKABE_ITO["dark_grey"], lw=2
    )
    ax.add_patch(arrow)
    ax.text(
        n / 2,
        n + 1.7,
        _("deeper bond: costlier, harder for a competitor to copy, more durable"),
        ha="center",
        va="bottom",
        fontsize=12,
        color=OKABE_ITO["dark_grey"],
    )
    ax.set_xlim(-0.05, n + 0.05)
    ax.set_ylim(0, n + 2.3)
    ax.axis("off")
    ax.set_title(
        title
        or _(
            "Four levels of retention bonds\nthree from Berry & Parasuraman (1991), customization from Zeithaml & Bitner"
        )
    )
    return fig


def effect_chart(
    effects: pd.DataFrame, *, truth: pd.Series | None = None, title: str = "", xmax: float = 1.6, ax: Axes | None = None
) -> Figure:
    """Churn multipliers of the bond levels with their confidence intervals, by method.

    One row per level, one dot (and interval) per method; 1 means "no effect", below 1
    the level lowers churn. Optional black bars mark the true multipliers. Where members
    never churned, the estimate is 0 with no upper bound (or missing): a note says so.

    Parameters
    ----------
    effects : pandas.DataFrame
        Output of :func:`helpers.bonds.bond_effects`.
    truth : pandas.Series, optional
        True multiplier by level (e.g. the simulation's cumulative factors).
    title : str
        Chart title.
    xmax : float
        Right end of the axis; longer intervals are cut there.
    ax : matplotlib Axes, optional
        Draw on this axes instead of a new figure.

    Example
    -------
    >>> effects = pd.DataFrame({"level": ["financial"], "method": ["naive"], "estimate": [0.4],
    ...                         "lower": [0.3], "upper": [0.5], "churns": [20]})
    >>> fig = effect_chart(effects, truth=pd.Series({"financial": 0.85}))
    >>> plt.close(fig)
    """
    fig, ax = axes_or_new(ax, figsize=(11, 6))
    levels = list(pd.unique(effects["level"].astype(str)))
    methods = (
        list(effects["method"].cat.categories)
        if isinstance(effects["method"].dtype, pd.CategoricalDtype)
        else list(pd.unique(effects["method"].astype(str)))
    )
    spacing = 0.7 / max(len(methods), 1)
    silent: set[str] = set()  # levels where some method had no churn to measure
    for j, method in enumerate(methods):
        rows = effects[effects["method"].astype(str) == str(method)].set_index(
            effects["level"].astype(str)[effects["method"].astype(str) == str(method)]
        )
        y = np.array([levels.index(lv) for lv in rows.index]) + (j - (len(methods) - 1) / 2) * spacing
        estimate = rows["estimate"].to_numpy(dtype=float)
        low = np.where(np.isnan(rows["lower"].to_numpy(dtype=float)), estimate, rows["lower"].to_numpy(dtype=float))
        high = np.where(
            np.isnan(rows["upper"].to_numpy(dtype=float)),
            estimate,
            np.minimum(rows["upper"].to_numpy(dtype=float), xmax),
        )
        # no churn among the members: the estimate is 0 with no upper bound, not a measured 0 (no marker)
        unmeasured = np.isnan(estimate) | ((estimate == 0) & np.isnan(rows["upper"].to_numpy(dtype=float)))
        shown = ~unmeasured
        colour = METHOD_COLOURS[j % len(METHOD_COLOURS)]
        ax.errorbar(
            estimate[shown],
            y[shown],
            xerr=[estimate[shown] - low[shown], high[shown] - estimate[shown]],
            fmt="o",
            color=colour,
            ms=8,
            capsize=3,
            lw=2,
            label=category(method),
        )
        silent.update(rows.index[unmeasured])
    if truth is not None:
        known = [lv for lv in levels if lv in truth.index]
        half = 0.45
        ax.vlines(
            [truth[lv] for lv in known],
            [levels.index(lv) - half for lv in known],
            [levels.index(lv) + half for lv in known],
            color=OKABE_ITO["black"],
            lw=3,
            zorder=5,
            label=_("Truth (simulation)"),
        )
    for level in silent:
        ax.text(
            1.03,
            levels.index(level),
            _("not measurable:\nno member left"),
            va="center",
            ha="left",
            fontsize=12,
            color=OKABE_ITO["dark_grey"],
        )
    ax.axvline(1.0, color=OKABE_ITO["dark_grey"], ls="--", lw=1.5)
    ax.text(1.0, -0.6, " " + _("no effect"), va="center", ha="left", fontsize=12, color=OKABE_ITO["dark_grey"])
    ax.set_yticks(range(len(levels)), [category(lv, "bond") for lv in levels])
    ax.set_ylim(len(levels) - 0.5, -0.8)
    ax.set_xlim(-0.03, xmax)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set(title=title, xlabel=_("churn multiplier against customers without any bond (1 = no effect)"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def reasons_chart(
    shares: pd.DataFrame, *, family: str | None = None, title: str = "", ax: Axes | None = None
) -> Figure:
    """Stated reasons for leaving, as grouped horizontal bars (one colour per group).

    Parameters
    ----------
    shares : pandas.DataFrame
        Output of :func:`helpers.bonds.reasons_for_leaving` (rows = reasons, columns = groups).
    family : str, optional
        Palette family of the groups (e.g. "segment").
    title : str
        Chart title.
    ax : matplotlib Axes, optional
        Draw on this axes instead of a new figure.

    Example
    -------
    >>> fig = reasons_chart(pd.DataFrame({"B2C": [0.6, 0.4], "B2B": [0.3, 0.7]}, index=["price", "poor_service"]),
    ...                     family="segment")
    >>> plt.close(fig)
    """
    fig, ax = axes_or_new(ax, figsize=(10, 6))
    groups = list(shares.columns)
    colours = colours_for(family, groups)
    height = 0.8 / len(groups)
    positions = np.arange(len(shares))
    for j, (group, colour) in enumerate(zip(groups, colours)):
        y = positions + (j - (len(groups) - 1) / 2) * height
        bars = ax.barh(y, shares[group].to_numpy(), height=height * 0.95, color=colour, label=category(group, family))
        ax.bar_label(bars, labels=[percent(v) for v in shares[group]], padding=3, fontsize=12)
    ax.set_yticks(positions, [category(r) for r in shares.index])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(percent))
    ax.margins(x=0.12)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set(title=title, xlabel=_("share of the group's lost customers"))
    ax.legend(loc="lower right")
    return fig


def return_chart(
    tables: Mapping[str, pd.DataFrame],
    *,
    value: str = "net_return",
    group: str = "segment",
    programme: str = "level",
    title: str = "",
) -> Figure:
    """Return per enrolled customer by programme and group, one panel per scenario, stacked.

    The panels are stacked one above the other with a shared axis, so that the figure stays
    narrow enough to be shown unscaled beside JupyterLab's file browser (a 1280 px screen):
    every label keeps at least 12 px on screen.

    Parameters
    ----------
    tables : mapping of panel title → DataFrame
        Each DataFrame from :func:`helpers.bonds.programme_return_table` (columns
        ``group``, ``programme`` and ``value``), e.g. ``{"naive estimate": …, "truth": …}``.
    value : str
        The column to plot (money).
    group, programme : str
        Column names of the groups (bars side by side) and the programmes (x axis).
    title : str
        Figure title.

    Example
    -------
    >>> t = pd.DataFrame({"segment": ["B2C", "B2B"], "level": ["financial"] * 2, "net_return": [-5.0, 90.0]})
    >>> fig = return_chart({"truth": t})
    >>> plt.close(fig)
    """
    n = len(tables)
    fig, axes = plt.subplots(
        n, 1, figsize=(7.2, 5.6 if n == 1 else 4.3 * n + 0.9), sharex=True, sharey=True, squeeze=False
    )
    for ax, (name, table) in zip(axes[:, 0], tables.items()):
        wide = table.pivot(index=programme, columns=group, values=value)
        order = [lv for lv in PALETTES["bond"] if lv in wide.index] or list(wide.index)
        wide = wide.reindex(order)
        groups = list(wide.columns)
        colours = colours_for(group if group in PALETTES else None, groups)
        width = 0.8 / len(groups)
        x = np.arange(len(wide))
        for j, (g, colour) in enumerate(zip(groups, colours)):
            bars = ax.bar(
                x + (j - (len(groups) - 1) / 2) * width,
                wide[g].to_numpy(),
                width * 0.95,
                color=colour,
                label=category(g, group if group in PALETTES else None),
            )
            ax.bar_label(bars, labels=[money(v) for v in wide[g]], padding=2, fontsize=12)
        ax.axhline(0, color=OKABE_ITO["black"], lw=1)
        ticks = [category(lv, "bond" if programme == "level" else None) for lv in wide.index]
        if language() == "es":  # "Vínculo de / personalización": longer than the English, on two lines
            ticks = [textwrap.fill(tick, 12, break_long_words=False) for tick in ticks]
        ax.set_xticks(x, ticks)
        money_axis(ax.yaxis)  # one unit on the axis: -0.5k next to -1.0k, not -500
        ax.margins(y=0.15)
        ax.set_title(category(name), fontsize=14)
        ax.set_ylabel(_("net return per\nenrolled customer") if n > 1 else _("net return per enrolled customer"))
    if language() == "en":
        axes[0][0].legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:  # the longer Spanish groups ("Consumidores (B2C)") under the panels, so the bars keep the width
        handles, names = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", ncols=len(names))
    fig.suptitle(title, x=0.02, ha="left", fontsize=16, fontweight="bold")
    return fig


def budget_chart(projection, *, title: str = "") -> Figure:
    """The budget widget's picture: customers kept over time, and profit by programme.

    Parameters
    ----------
    projection : helpers.bonds.BudgetProjection
        Output of :func:`helpers.bonds.project_budget`.
    title : str
        Figure title (default: the totals in words).

    Example
    -------
    >>> from helpers.bonds import project_budget
    >>> packages = pd.DataFrame({"cost_per_month": [2.0], "churn_multiplier": [0.85]},
    ...                         index=pd.Index(["financial"], name="level"))
    >>> fig = budget_chart(project_budget(1000, [1.0], packages, customers=2000, monthly_churn=0.04,
    ...                                   margin_per_month=20))
    >>> plt.close(fig)
    """
    monthly, by_level, totals = projection
    # Fixed axes positions (no constrained layout) keep the widget quick to redraw; the
    # placeholder engine stops savefig from switching the theme's layout engine back on.
    fig = plt.figure(figsize=(9.6, 5.0), layout=PlaceHolderLayoutEngine(adjust_compatible=True, colorbar_gridspec=True))
    # 9.6 inches wide: shown unscaled, or nearly, beside JupyterLab's file browser on a 1280 px
    # screen, so that no label falls under 12 px.
    left = fig.add_axes((0.10, 0.14, 0.38, 0.68))
    right = fig.add_axes((0.66, 0.14, 0.31, 0.68))
    months = monthly.index.to_numpy()
    left.plot(months, monthly["without_programmes"], color=OKABE_ITO["grey"], label=_("Without programmes"))
    left.plot(months, monthly["with_programmes"], color=ACCENT, label=_("With programmes"))
    left.fill_between(months, monthly["without_programmes"], monthly["with_programmes"], color=ACCENT, alpha=0.15, lw=0)
    left.set_ylim(0, float(monthly["with_programmes"].max()) * 1.05 or 1)
    left.set_xlim(0, months[-1])
    left.yaxis.set_major_formatter(FuncFormatter(count))
    left.set(title=_("Customers kept"), xlabel=_("months from now"), ylabel=_("customers"))
    left.legend(loc="lower left")

    names = list(by_level.index)
    profit = by_level["net_profit"].to_numpy(dtype=float)
    colours = [PALETTES["bond"].get(str(n), ACCENT) for n in names]
    bars = right.barh([category(n, "bond") for n in names][::-1], profit[::-1], color=colours[::-1])
    right.bar_label(bars, labels=[money(v) for v in profit[::-1]], padding=3, fontsize=12)
    right.axvline(0, color=OKABE_ITO["black"], lw=1)
    limit = max(float(np.abs(profit).max()), 1.0) * 1.9  # room for a label beside the longest bar
    right.set_xlim(-limit, limit)
    right.xaxis.set_major_locator(MaxNLocator(4, symmetric=True))
    money_axis(right.xaxis, most_ticks=4)
    right.grid(axis="x")
    right.grid(axis="y", visible=False)
    right.set(
        title=_("Profit gain by programme"),
        xlabel=_("margin kept − cost, {months} months").format(months=len(months) - 1),
    )
    total = totals["net_profit"]
    words = _("{customers} customers after {months} months, profit {profit}").format(
        customers=localize(f"{totals['extra_customers_at_end']:+,.0f}"),
        months=len(months) - 1,
        profit=f"{'+' if total >= 0 else '−'}{money(abs(total))}",
    )
    fig.suptitle(
        title or words,
        x=0.02,
        y=0.98,
        ha="left",
        fontsize=15,
        fontweight="bold",
        color=ACCENT if total >= 0 else NEGATIVE,
    )
    return fig
