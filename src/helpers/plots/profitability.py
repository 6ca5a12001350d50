"""Charts of lesson 06's first half: customer profitability, the whale curve, the customer pyramid, the connectors.

Each function takes the output of a :mod:`helpers.profitability` function and returns a
matplotlib ``Figure``; tiers use the course palette "tier".
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.ticker import FuncFormatter

from helpers.formats import localize
from helpers.i18n import N_, _
from helpers.plots import (
    ACCENT,
    NEGATIVE,
    OKABE_ITO,
    PALETTES,
    SECOND,
    category,
    count,
    fixed_figure,
    money,
    money_axis,
    percent,
    text_colour_on,
    with_spanish,
)

__all__ = [
    "connectors_chart",
    "lost_customer_chart",
    "migration_chart",
    "profit_bridge_chart",
    "pyramid_chart",
    "pyramid_diagram",
    "whale_curve_chart",
]

_TIERS = ("platinum", "gold", "iron", "lead")
_CONNECTOR_NAMES = {  # translated where drawn
    "acquisition_cost": N_("Acquisition cost"),
    "base_profit": N_("Base profit"),
    "repeat_sales": N_("Repeat sales"),
    "cross_selling": N_("Cross-selling"),
    "referrals": N_("Referrals"),
    "price_sensitivity": N_("Price sensitivity"),
    "cost_savings": N_("Cost savings"),
}
#: Names the migration chart shows that come as data (:func:`helpers.profitability.tier_migration`), for
#: the catalogue; translated where drawn, through :func:`helpers.plots.category`.
DATA_WORDS = (N_("New"),)
_CONNECTOR_COLOURS = {
    "acquisition_cost": NEGATIVE,
    "base_profit": OKABE_ITO["grey"],
    "repeat_sales": ACCENT,
    "cross_selling": OKABE_ITO["sky_blue"],
    "referrals": OKABE_ITO["green"],
    "price_sensitivity": SECOND,
    "cost_savings": OKABE_ITO["purple"],
}


def pyramid_diagram() -> Figure:
    """The idea of the lesson: the customer pyramid of Zeithaml, Rust & Lemon (2001).

    >>> fig = pyramid_diagram()
    >>> len(fig.axes[0].patches)
    4
    """
    colours = PALETTES["tier"]
    fig, ax = plt.subplots(figsize=(12, 6.4))
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.axis("off")
    layers = {  # tier: (bottom, top, what it is, what to do)
        "platinum": (0.75, 1.0, _("the most profitable few: heavy users,\nnot price-sensitive"), _("reward, protect")),
        "gold": (0.5, 0.75, _("profitable, but want discounts\nand buy from several suppliers"), _("move up")),
        "iron": (0.25, 0.5, _("fill capacity; profit too thin\nfor special treatment"), _("serve efficiently")),
        "lead": (0.0, 0.25, _("cost more to serve\nthan they bring"), _("re-price or let go")),
    }
    apex, base_half = 0.34, 0.29
    for tier, (bottom, top, what, action) in layers.items():
        half = [base_half * (1 - y) for y in (bottom, top)]
        ax.add_patch(
            Polygon(
                [(apex - half[0], bottom), (apex + half[0], bottom), (apex + half[1], top), (apex - half[1], top)],
                closed=True,
                color=colours[tier],
                lw=0,
            )
        )
        middle = (bottom + top) / 2
        ax.text(
            apex,
            middle - (0.03 if tier == "platinum" else 0),
            with_spanish(tier, sep="\n"),
            ha="center",
            va="center",
            fontsize=12 if tier == "platinum" else 14,
            fontweight="bold",
            color=text_colour_on(colours[tier]),
        )
        ax.text(0.63, middle + 0.04, what, ha="left", va="center", fontsize=12)
        ax.text(
            0.63,
            middle - 0.075,
            f"→ {action}",
            ha="left",
            va="center",
            fontsize=12,
            fontweight="bold",
            color=colours[tier] if tier != "iron" else OKABE_ITO["dark_grey"],
        )
    ax.annotate(
        "",
        xy=(0.02, 0.95),
        xytext=(0.02, 0.05),
        arrowprops={"arrowstyle": "->", "lw": 2, "color": OKABE_ITO["dark_grey"]},
    )
    ax.text(0.035, 0.5, _("profit per customer"), rotation=90, va="center", fontsize=12)
    ax.set_title(_("The customer pyramid (Zeithaml, Rust & Lemon 2001): customers ranked by profit"))
    return fig


def profit_bridge_chart(table: pd.DataFrame, *, title: str = "") -> Figure:
    """From gross margin to profit: the margin, what serving customers costs, and what is left.

    Parameters
    ----------
    table : per-customer table of :func:`helpers.profitability.customer_profitability`.

    >>> t = pd.DataFrame({"margin": [100.0], "contact_cost": [10.0], "bond_cost": [5.0], "profit": [85.0],
    ...     "acquisition_cost": [40.0], "net_profit": [45.0]})
    >>> [round(p.get_height()) for p in profit_bridge_chart(t).axes[0].patches]
    [100, -10, -5, 85, -40, 45]
    >>> len(profit_bridge_chart(t.assign(acquisition_cost=np.nan)).axes[0].patches)
    4
    """
    totals = table[["margin", "contact_cost", "bond_cost", "profit", "acquisition_cost", "net_profit"]].sum()
    steps = [
        (_("Gross\nmargin"), totals["margin"], 0.0, ACCENT),
        (_("Contacts"), -totals["contact_cost"], totals["margin"], NEGATIVE),
        (_("Bonds"), -totals["bond_cost"], totals["margin"] - totals["contact_cost"], NEGATIVE),
        (_("Profit"), totals["profit"], 0.0, OKABE_ITO["green"]),
    ]
    if table["acquisition_cost"].notna().any():  # unknown acquisition costs: stop at the profit
        steps += [
            (_("Acquiring\nnew ones"), -totals["acquisition_cost"], totals["profit"], NEGATIVE),
            (_("Net\nprofit"), totals["net_profit"], 0.0, OKABE_ITO["green"]),
        ]
    fig, ax = plt.subplots(figsize=(11, 5.5))
    bars = ax.bar(
        [s[0] for s in steps],
        [s[1] for s in steps],
        bottom=[s[2] for s in steps],
        color=[s[3] for s in steps],
        width=0.6,
    )
    # totals inside their bars; a cost's bar can be thinner than its label, so the label sits just above it
    ax.bar_label(
        bars,
        labels=[money(s[1]) if s[1] >= 0 else "" for s in steps],
        label_type="center",
        color="white",
        fontsize=12,
        fontweight="bold",
    )
    for bar, (_name, height, start, colour) in zip(bars, steps):
        if height < 0:
            ax.annotate(
                money(height),
                (bar.get_x() + bar.get_width() / 2, start),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                color=colour,
                fontsize=12,
                fontweight="bold",
            )
    tops = [max(s[2], s[2] + s[1]) for s in steps]
    if max(tops) > 0:  # headroom: no bar (nor its label) touches the top of the axes
        ax.set_ylim(top=max(tops) * 1.1)
    money_axis(ax.yaxis)  # one unit on the axis: 0.8M next to 1.0M, not 800.0k
    ax.set(ylabel=_("currency, all customers"), title=title or _("Where the gross margin goes"))
    return fig


def whale_curve_chart(curve: pd.DataFrame, *, mark: float = 0.2, title: str = "") -> Figure:
    """The cumulative share of profit against the share of customers, best first (the whale curve).

    Parameters
    ----------
    curve : the table of :func:`helpers.profitability.profit_curve`.
    mark : share of customers to highlight (0.2 = the top fifth).

    >>> curve = pd.DataFrame({"share_of_customers": [0.25, 0.5, 0.75, 1.0],
    ...     "cumulative_share_of_profit": [0.8, 1.1, 1.2, 1.0], "profit": [8.0, 3.0, 1.0, -2.0]})
    >>> len(whale_curve_chart(curve).axes[0].lines)
    3
    """
    fig, ax = plt.subplots(figsize=(11, 5.8))
    x = np.concatenate([[0.0], curve["share_of_customers"].to_numpy(float)])
    y = np.concatenate([[0.0], curve["cumulative_share_of_profit"].to_numpy(float)])
    ax.plot(x, y, color=ACCENT, label=_("customers, most profitable first"))
    ax.plot([0, 1], [0, 1], color=OKABE_ITO["grey"], ls="--", lw=1.5, label=_("if all customers were equal"))
    ax.axhline(1, color=OKABE_ITO["dark_grey"], lw=1)
    losing = curve["profit"].to_numpy(float) < 0
    if losing.any():
        start = float(x[1:][losing].min()) - 1 / len(curve)
        ax.axvspan(start, 1, color=PALETTES["tier"]["lead"], alpha=0.12, lw=0)
        peak = float(y.max())
        ax.annotate(
            _("peak {peak} of the profit:\nthe money-losing customers\n({losing}) give back {back}").format(
                peak=percent(peak), losing=percent(losing.mean()), back=percent(peak - 1)
            ),
            (start, peak),
            xytext=(0.5, 0.3),
            fontsize=12,
            arrowprops={"arrowstyle": "-", "color": OKABE_ITO["dark_grey"]},
        )
    at = float(np.interp(mark, x, y))
    ax.scatter([mark], [at], color=SECOND, zorder=3, s=60)
    ax.annotate(
        _("top {customers} bring {profit}").format(customers=percent(mark), profit=percent(at)),
        (mark, at),
        xytext=(mark + 0.06, at - 0.2),
        fontsize=12,
        arrowprops={"arrowstyle": "-", "color": OKABE_ITO["dark_grey"]},
    )
    ax.xaxis.set_major_formatter(FuncFormatter(percent))
    ax.yaxis.set_major_formatter(FuncFormatter(percent))
    ax.set(
        xlim=(0, 1),
        ylim=(0, max(1.05, float(y.max()) + 0.08)),
        xlabel=_("share of customers"),
        ylabel=_("cumulative share of total profit"),
        title=title or _("The whale curve of customer profit"),
    )
    ax.legend(loc="lower right")
    return fig


def pyramid_chart(summary: pd.DataFrame, *, title: str = "") -> Figure:
    """Each tier's share of customers beside its share of profit (two panels of bars).

    Parameters
    ----------
    summary : the table of :func:`helpers.profitability.tier_summary`.

    >>> s = pd.DataFrame({"customers": [1, 2, 6, 1], "share_of_customers": [.1, .2, .6, .1],
    ...     "share_of_profit": [.6, .3, .12, -.02], "profit_per_customer": [600., 150., 20., -20.]},
    ...     index=list(_TIERS))
    >>> [ax.get_title(loc="left") or ax.get_title() for ax in pyramid_chart(s).axes]
    ['Share of customers', 'Share of profit']
    """
    fig = fixed_figure((12, 4.8))  # fixed axes: a widget redraws this chart on every change
    left = fig.add_axes((0.225, 0.02, 0.375, 0.855))
    right = fig.add_axes((0.62, 0.02, 0.375, 0.855))
    names = []
    for tier, customers, each in zip(summary.index, summary["customers"], summary["profit_per_customer"]):
        detail = (
            _("{customers} customers, {profit} each").format(customers=count(customers), profit=money(each))
            if np.isfinite(each)
            else _("no customers")
        )
        names.append(f"{with_spanish(tier)}\n{detail}")
    names = names[::-1]
    colours = [PALETTES["tier"][t] for t in summary.index][::-1]
    for ax, column, panel in (
        (left, "share_of_customers", _("Share of customers")),
        (right, "share_of_profit", _("Share of profit")),
    ):
        values = summary[column].to_numpy(float)[::-1]
        bars = ax.barh(names, values, color=colours)
        ax.bar_label(bars, labels=[percent(v) for v in values], padding=4, fontsize=12)
        ax.axvline(0, color=OKABE_ITO["dark_grey"], lw=1)
        ax.set_xlim(min(0.0, values.min() * 1.4 - 0.08), max(values.max() * 1.3, 0.1))
        ax.tick_params(axis="x", bottom=False, labelbottom=False)  # the bars carry their values
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.set_title(panel)
    right.set_yticks([])  # the same tiers as on the left, in the same order
    fig.suptitle(
        title or _("The customer pyramid: size and profit of each tier"),
        fontweight="bold",
        x=0.01,
        ha="left",
        fontsize=16,
    )
    return fig


def migration_chart(shares: pd.DataFrame, *, counts: pd.Series | None = None, title: str = "") -> Figure:
    """Where each tier's customers were a year later: a heat map of row shares.

    Parameters
    ----------
    shares : :func:`helpers.profitability.tier_migration` with ``normalize=True``.
    counts : customers in each row, printed beside the row labels.

    >>> shares = pd.DataFrame([[0.5, 0.5], [0.2, 0.8]], index=["gold", "new"], columns=["gold", "lost"])
    >>> len(migration_chart(shares).axes[0].texts)
    4
    """
    fig, ax = plt.subplots(figsize=(10.5, 5.6))
    values = shares.to_numpy(dtype=float)
    ax.imshow(np.nan_to_num(values), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if np.isfinite(values[i, j]):
                ax.text(
                    j,
                    i,
                    percent(values[i, j]),
                    ha="center",
                    va="center",
                    fontsize=13,
                    color="white" if values[i, j] > 0.55 else "black",
                )
    rows = [
        f"{category(r)} ({localize(f'{counts[r]:,}')})" if counts is not None else category(r) for r in shares.index
    ]
    ax.set_xticks(range(len(shares.columns)), [category(c) for c in shares.columns])
    ax.set_yticks(range(len(shares.index)), rows)
    ax.tick_params(length=0)
    ax.grid(False)
    ax.set(
        xlabel=_("tier a year later (or lost)"),
        ylabel=_("tier at the start (customers)"),
        title=title or _("How customers move between the tiers in a year"),
    )
    return fig


def connectors_chart(table: pd.DataFrame, *, title: str = "") -> Figure:
    """Profit per customer-year by year of tenure, stacked by loyalty connector (Reichheld 1996).

    Parameters
    ----------
    table : :func:`helpers.profitability.loyalty_connectors` (index ``tenure_year``, the
        connector columns and ``profit``).

    >>> t = pd.DataFrame({"acquisition_cost": [-50.0, 0.0], "base_profit": [0.0, 100.0], "repeat_sales": [0.0, 0.0],
    ...     "cross_selling": [0.0, 0.0], "referrals": [0.0, 5.0], "price_sensitivity": [0.0, -3.0],
    ...     "cost_savings": [0.0, 0.0], "profit": [-50.0, 102.0]}, index=pd.Index([0, 1], name="tenure_year"))
    >>> len(connectors_chart(t).axes[0].patches)
    14
    """
    fig, ax = plt.subplots(figsize=(11, 6))
    years = table.index.to_numpy()
    up, down = np.zeros(len(years)), np.zeros(len(years))
    for column, name in _CONNECTOR_NAMES.items():
        values = table[column].to_numpy(float)
        if np.isnan(values).all():  # not measurable on these data: named, not drawn as a zero
            ax.bar([], [], color="none", label=_("{connector} (not measured)").format(connector=_(name)))
            continue
        values = np.nan_to_num(values)
        bottom = np.where(values >= 0, up, down)
        ax.bar(years, values, bottom=bottom, color=_CONNECTOR_COLOURS[column], label=_(name), width=0.6)
        up, down = up + np.clip(values, 0, None), down + np.clip(values, None, 0)
    ax.scatter(years, table["profit"], color="black", zorder=3, marker="D", s=40, label=_("profit (net)"))
    for year, value, top, bottom in zip(years, table["profit"], up, down):
        if not np.isfinite(value):
            continue
        above = value >= 0
        ax.annotate(
            _("net {profit}").format(profit=money(value)),
            (year, top if above else bottom),
            xytext=(0, 6 if above else -6),
            textcoords="offset points",
            ha="center",
            va="bottom" if above else "top",
            fontsize=12,
            fontweight="bold",
        )
    ax.axhline(0, color=OKABE_ITO["dark_grey"], lw=1)
    ax.margins(y=0.12)
    money_axis(ax.yaxis)  # one unit on the axis: 0.8k next to 1.0k, not 800
    ax.set_xticks(years, [_("acquisition") if y == 0 else _("year {year}").format(year=y) for y in years])
    ax.set(ylabel=_("currency per customer-year"), title=title or _("Why a loyal customer is worth more each year"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def lost_customer_chart(value: pd.Series, *, title: str = "") -> Figure:
    """What a lost customer costs: one year of profit, the future profit, and the cost if replaced.

    Parameters
    ----------
    value : :func:`helpers.profitability.lost_customer_value`.

    >>> v = pd.Series({"one_year_profit": 700.0, "future_profit": 2000.0, "replacement_acquisition_cost": 60.0,
    ...     "replacement_future_profit": 1500.0, "cost_if_replaced": 560.0})
    >>> len(lost_customer_chart(v).axes[0].patches)
    3
    """
    fig, ax = plt.subplots(figsize=(10, 4.6))
    items = {
        _("what a yearly report counts:\none year of profit"): value["one_year_profit"],
        _("what leaves with them:\nall their future profit"): value["future_profit"],
        _("still lost after paying\nfor a new customer"): value["cost_if_replaced"],
    }
    bars = ax.barh(list(items)[::-1], list(items.values())[::-1], color=[SECOND, ACCENT, OKABE_ITO["grey"]][::-1])
    ax.bar_label(bars, labels=[money(v) for v in list(items.values())[::-1]], padding=4, fontsize=13)
    money_axis(ax.xaxis)  # one unit on the axis
    ax.margins(x=0.15)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.set(xlabel=_("currency (present value)"), title=title or _("The real value of a lost customer"))
    return fig
