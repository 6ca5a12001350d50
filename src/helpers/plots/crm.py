"""Charts of lesson 04 (the components of CRM), in the course theme and colours.

Each function takes the output of a :mod:`helpers.crm` function and returns a Figure.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import FuncFormatter

from helpers.formats import localize
from helpers.i18n import N_, _, language
from helpers.plots import (
    ACCENT,
    NEGATIVE,
    OKABE_ITO,
    PALETTES,
    SECOND,
    category,
    fixed_figure,
    money,
    month_ticks,
    percent,
    term,
)

__all__ = [
    "cash_flow_chart",
    "crm_components_diagram",
    "customer_view_figure",
    "satisfaction_by_channel_chart",
    "segment_value_chart",
    "value_curve_chart",
]

#: A customer's status as these charts show it (data), for the catalogue; the RFM segments' Spanish is
#: in the glossary. Translated where drawn, through :func:`helpers.plots.category`.
DATA_WORDS = (
    N_("active"),
    N_("lost"),
)


def _box(ax, x, y, w, h, title, lines, colour):
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle="round,pad=0.01,rounding_size=0.02",
            facecolor=colour,
            alpha=0.18,
            edgecolor=colour,
            linewidth=2,
        )
    )
    ax.text(x + w / 2, y + h - 0.035, title, ha="center", va="top", fontsize=14, fontweight="bold")
    # an item's first line after a bullet, the lines it runs on to indented under it
    rows = [f"• {row}" if i == 0 else f"   {row}" for item in lines for i, row in enumerate(item.split("\n"))]
    ax.text(
        x + 0.02,
        y + h - 0.11,
        "\n".join(rows),
        ha="left",
        va="top",
        fontsize=14,
        linespacing=1.6,
    )


def crm_components_diagram() -> Figure:
    """The idea of the lesson in one picture: CRM = strategy + people + process + technology,
    and its three components (Payne & Frow 2005).

    >>> fig = crm_components_diagram()
    """
    fig, ax = plt.subplots(figsize=(12, 6.2))
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.axis("off")
    ax.grid(False)
    pillars = [_("Strategy"), _("People"), _("Process"), _("Technology")]
    for i, name in enumerate(pillars):
        ax.add_patch(
            FancyBboxPatch(
                (0.02 + i * 0.245, 0.86),
                0.225,
                0.1,
                boxstyle="round,pad=0.005",
                facecolor=OKABE_ITO["grey"],
                alpha=0.25,
                edgecolor="none",
            )
        )
        ax.text(0.02 + i * 0.245 + 0.1125, 0.91, name, ha="center", va="center", fontsize=14, fontweight="bold")
    ax.text(
        0.5,
        0.81,
        _("CRM joins all four; software alone is not CRM (Payne & Frow 2005)"),
        ha="center",
        va="center",
        fontsize=14,
        style="italic",
    )
    _box(
        ax,
        0.02,
        0.08,
        0.3,
        0.66,
        category("operational CRM"),
        [
            _("sales, marketing, service"),
            _("records in a database"),
            _("the sales pipeline"),
            _("open service requests"),
            _("customers to call today"),
        ],
        OKABE_ITO["orange"],
    )
    _box(
        ax,
        0.35,
        0.08,
        0.3,
        0.66,
        category("analytical CRM"),
        [
            _("data warehouse\n(a star schema)"),
            _("data mining: cohorts,\nRFM segments"),
            _("customer-value ranking"),
            _("next best offer"),
        ],
        OKABE_ITO["blue"],
    )
    _box(
        ax,
        0.68,
        0.08,
        0.3,
        0.66,
        category("collaborative CRM"),
        [
            _("web, phone, e-mail,\nface to face"),
            _("channel mix per customer"),
            _("face to face: a moment\nof truth"),
            _("single customer view"),
        ],
        OKABE_ITO["green"],
    )
    for x in (0.32, 0.65):
        ax.annotate(
            "",
            xy=(x + 0.03, 0.41),
            xytext=(x, 0.41),
            arrowprops={"arrowstyle": "<|-|>", "color": OKABE_ITO["dark_grey"], "lw": 2},
        )
    ax.set_title(_("The components of CRM · Los componentes del CRM"))
    return fig


def value_curve_chart(ranking: pd.DataFrame, *, mark: float = 0.2) -> Figure:
    """Cumulative share of margin against the share of customers, best first (a Lorenz-type curve).

    Parameters
    ----------
    ranking : the result of :func:`helpers.crm.customer_value_ranking`.
    mark : share of customers to highlight (0.2 = the top 20 %).

    >>> fig = value_curve_chart(pd.DataFrame({"share_of_customers": [0.5, 1.0],
    ...                                        "cumulative_share_of_margin": [0.8, 1.0]}))
    """
    fig, ax = plt.subplots(figsize=(9, 5.5))
    x = np.concatenate([[0.0], ranking["share_of_customers"].to_numpy(float)])
    y = np.concatenate([[0.0], ranking["cumulative_share_of_margin"].to_numpy(float)])
    ax.plot(x, y, color=ACCENT, label=_("Customers, best first"))
    ax.plot([0, 1], [0, 1], color=OKABE_ITO["grey"], linestyle="--", linewidth=1.5, label=_("All customers equal"))
    at = float(np.interp(mark, x, y))
    ax.scatter([mark], [at], color=SECOND, zorder=3, s=60)
    ax.annotate(
        _("top {customers} bring {margin} of the margin").format(
            customers=localize(f"{mark:.0%}"), margin=localize(f"{at:.0%}")
        ),
        (mark, at),
        xytext=(mark + 0.08, at - 0.12),
        fontsize=12,
        arrowprops={"arrowstyle": "-", "color": OKABE_ITO["dark_grey"]},
    )
    ax.xaxis.set_major_formatter(FuncFormatter(percent))
    ax.yaxis.set_major_formatter(FuncFormatter(percent))
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1.02),
        xlabel=_("share of buying customers"),
        ylabel=_("share of gross margin"),
        title=_("Customer-value ranking: who brings the margin"),
    )
    ax.legend(loc="lower right")
    return fig


def segment_value_chart(
    table: pd.DataFrame, *, title: str = N_("RFM segments: size and value"), height: float = 6.0
) -> Figure:
    """Two panels of horizontal bars: share of customers and share of margin per segment.

    Parameters
    ----------
    table : the result of :func:`helpers.crm.rfm_segment_value` (index = segments).
    height : of the figure in inches (12 wide); the titles keep the same room at any height.

    >>> t = pd.DataFrame({"share_of_customers": [0.4, 0.6], "share_of_margin": [0.7, 0.3]}, index=["a", "b"])
    >>> [round(float(segment_value_chart(t, height=h).axes[0].get_position().y1) * h, 2) for h in (6, 4)]
    [5.25, 3.25]
    """
    fig = fixed_figure((12, height))  # fixed axes: a widget redraws this chart on every change
    bottom, top = 0.12 / height, 1 - 0.75 / height  # inches below the bars and above them (the titles)
    left = fig.add_axes((0.17, bottom, 0.37, top - bottom))
    right = fig.add_axes((0.6, bottom, 0.37, top - bottom))
    names = [category(n) for n in table.index][::-1]
    for ax, column, colour, heading in (
        (left, "share_of_customers", OKABE_ITO["grey"], _("Share of customers")),
        (right, "share_of_margin", ACCENT, _("Share of margin")),
    ):
        values = table[column].to_numpy(float)[::-1]
        bars = ax.barh(names, values, color=colour)
        ax.bar_label(bars, labels=[percent(v) for v in values], padding=3, fontsize=13)
        ax.set_xlim(0, max(values.max() * 1.3, 0.05))
        ax.tick_params(axis="y", labelsize=13)
        ax.tick_params(axis="x", bottom=False, labelbottom=False)  # the bars carry their values
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
        ax.set_title(heading, fontsize=14)
    right.set_yticks([])  # the same segments as on the left, in the same order
    fig.suptitle(_(title), fontsize=16, fontweight="bold", x=0.02, ha="left")
    return fig


def satisfaction_by_channel_chart(table: pd.DataFrame) -> Figure:
    """Mean satisfaction (with its 95 % interval) of the customers who prefer each channel.

    Parameters
    ----------
    table : the result of :func:`helpers.crm.satisfaction_by_channel`.

    >>> t = pd.DataFrame({"customers": [10, 5], "mean_satisfaction": [3.9, 4.0], "low": [3.8, 3.8],
    ...                   "high": [4.0, 4.2]}, index=["web", "phone"])
    >>> fig = satisfaction_by_channel_chart(t)
    """
    fig, ax = plt.subplots(figsize=(10, 5))
    shown = table.dropna(subset=["mean_satisfaction"])
    colours = [PALETTES["channel"][str(c)] for c in shown.index]
    positions = np.arange(len(shown))
    mean = shown["mean_satisfaction"].to_numpy(float)
    error = np.vstack([mean - shown["low"].to_numpy(float), shown["high"].to_numpy(float) - mean])
    ax.bar(positions, mean, color=colours, width=0.6)
    ax.errorbar(positions, mean, yerr=np.nan_to_num(error), fmt="none", ecolor="black", capsize=8, linewidth=2)
    for x, m, n in zip(positions, mean, shown["customers"]):
        ax.text(
            x,
            1.08,
            localize(f"{m:.2f}\n(n = {n:,})"),
            ha="center",
            va="bottom",
            fontsize=11,
            color="white",
            fontweight="bold",
        )
    ax.set_xticks(positions, [category(c) for c in shown.index])
    ax.set(
        ylim=(1, 5),
        ylabel=_("mean satisfaction (1–5)"),
        xlabel=_("preferred channel"),
        title=_("Satisfaction by preferred channel (95 % intervals)"),
    )
    return fig


def cash_flow_chart(flows: pd.DataFrame, *, title: str = N_("CRM project: net cash flow by year")) -> Figure:
    """Net cash flow per year (bars) and the cumulative flow (line) of a CRM project.

    Parameters
    ----------
    flows : the result of :func:`helpers.crm.project_cash_flows`.

    >>> f = pd.DataFrame({"net": [-100.0, 60.0, 60.0], "cumulative": [-100.0, -40.0, 20.0]})
    >>> fig = cash_flow_chart(f)
    """
    fig, ax = plt.subplots(figsize=(10, 5))
    years = [_("Year {year}").format(year=y) for y in flows.index]
    net = flows["net"].to_numpy(float)
    bars = ax.bar(years, net, color=[NEGATIVE if v < 0 else ACCENT for v in net], width=0.6, label=_("Net cash flow"))
    ax.bar_label(bars, labels=[money(v) for v in net], padding=3, fontsize=11)
    ax.plot(years, flows["cumulative"].to_numpy(float), color=SECOND, marker="o", label=_("Cumulative"))
    ax.axhline(0, color="black", linewidth=1)
    ax.yaxis.set_major_formatter(FuncFormatter(money))
    ax.margins(y=0.15)
    ax.legend(loc="upper left")
    ax.set(title=_(title), ylabel=_("currency"))
    return fig


def customer_view_figure(view: dict) -> Figure:
    """The single customer view on one page: the profile as text, purchases and contacts over time.

    Parameters
    ----------
    view : the result of :func:`helpers.crm.customer_view` / :func:`helpers.crm.customer_profile`.
    """
    # Fixed axes and date ticks: a widget redraws this page whenever another customer is chosen.
    fig = fixed_figure((12, 6.4))
    text_ax = fig.add_axes((0.003, 0.08, 0.25, 0.86))
    buy_ax = fig.add_axes((0.52, 0.54, 0.35, 0.4))
    contact_ax = fig.add_axes((0.52, 0.08, 0.35, 0.4), sharex=buy_ax)
    text_ax.axis("off")
    ident, typ, cons, stage, value = (view[k] for k in ("identity", "typology", "consumption", "stage", "value"))
    promos = view["promotions"]
    surveys = view["surveys"]
    english = language() == "en"  # the English page names bond levels, status and segment as the data does
    lines = [
        (
            _("Identity"),
            _("#{customer} · since {date}").format(customer=ident["customer_id"], date=ident["signup_date"])
            + (
                " · " + _("via {channel}").format(channel=category(ident["acquisition_channel"]))
                if ident["acquisition_channel"]
                else ""
            ),
        ),
        (
            _("Typology"),
            " · ".join(category(v) if k != "age" else _("age {age}").format(age=v) for k, v in typ.items())
            or _("not recorded"),
        ),
        (
            _("Consumption"),
            _("{purchases} purchases · {revenue} revenue").format(
                purchases=cons["purchases"], revenue=money(cons["revenue"])
            ),
        ),
        (
            "",
            _("favourite: {category} · via {channel}").format(
                category=category(cons["favourite_category"]), channel=category(cons["preferred_channel"])
            ),
        ),
        (
            _("Promotions"),
            ", ".join(f"{category(k)} {v}" for k, v in promos.items() if k != "none" and v) or _("none used"),
        ),
        (
            _("Interactions"),
            _("{contacts} contacts · {complaints} complaints").format(
                contacts=len(view["interactions"]),
                complaints=int((view["interactions"]["type"] == "complaint").sum()),
            ),
        ),
        (
            _("Surveys"),
            _("{answers} answers").format(answers=len(surveys))
            + (
                " · " + _("last satisfaction {level}").format(level=surveys["satisfaction"].iloc[0])
                if len(surveys)
                else ""
            ),
        ),
        (
            _("Bonds"),
            ", ".join(str(b) if english else term(str(b)) for b in view["bonds"]) or _("none"),
        ),
        (
            _("Stage"),
            _("{status} · {months} months · RFM {cell}").format(
                status=_(str(stage["status"])), months=f"{stage['tenure_months']:.0f}", cell=stage["rfm_cell"]
            ),
        ),
        (
            "",
            _("segment: {segment}").format(segment=stage["rfm_segment"] if english else category(stage["rfm_segment"]))
            + (
                " · " + _("left: {reason}").format(reason=category(stage["lost_reason"]))
                if stage["lost_reason"]
                else ""
            ),
        ),
        (
            _("Value"),
            _("margin {margin}").format(margin=money(value["margin"]))
            + (
                " · " + _("top {share} of buyers").format(share=localize(f"{value['top_share']:.0%}"))
                if value["top_share"] is not None
                else ""
            ),
        ),
    ]
    y = 0.97
    text_ax.text(
        0,
        1.02,
        _("Customer {customer}").format(customer=ident["customer_id"]),
        fontsize=16,
        fontweight="bold",
        va="bottom",
        transform=text_ax.transAxes,
    )
    for heading, content in lines:
        if heading:
            text_ax.text(0, y, heading, fontsize=12.5, fontweight="bold", va="top", transform=text_ax.transAxes)
        text_ax.text(0.45, y, textwrap.fill(content, 38), fontsize=12.5, va="top", transform=text_ax.transAxes)
        y -= 0.085
    purchases = view["purchases"]
    for channel, colour in PALETTES["channel"].items():
        chosen = purchases[purchases["channel"].astype(object) == channel]
        if len(chosen):
            buy_ax.scatter(chosen["date"], chosen["amount"], color=colour, s=45, label=category(channel))
    # titles at a fixed height (y=1): nothing is drawn above these axes, and matplotlib's search
    # for a clear spot measures every tick label again at each redraw
    buy_ax.set_title(_("Purchases"), y=1.0)
    buy_ax.set(ylabel=_("amount"))
    buy_ax.yaxis.set_major_formatter(FuncFormatter(money))
    if len(purchases):
        buy_ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=12.5)
    contacts = view["interactions"]
    kinds = ["purchase", "inquiry", "service_request", "complaint"]
    for channel, colour in PALETTES["channel"].items():
        chosen = contacts[contacts["channel"].astype(object) == channel]
        if len(chosen):
            rows = [kinds.index(str(t)) for t in chosen["type"]]
            contact_ax.scatter(
                chosen["date"],
                rows,
                color=colour,
                s=45,
                marker="o",
                edgecolor=np.where(chosen["resolved"], "none", "black"),
            )
    if len(surveys):
        for date, level in zip(surveys["date"], surveys["satisfaction"]):
            contact_ax.annotate(f"★{level}", (date, 3.6), fontsize=12.5, ha="center", color=OKABE_ITO["dark_grey"])
    contact_ax.set_yticks(range(len(kinds)), [category(k) for k in kinds])
    contact_ax.set_ylim(-0.6, 4.0)
    contact_ax.set_title(_("Contacts (black ring = unresolved) and survey answers (★)"), fontsize=13, y=1.0)
    contact_ax.tick_params(axis="x", labelrotation=30)
    buy_ax.tick_params(labelbottom=False)
    if len(purchases) or len(contacts):
        month_ticks(contact_ax)
    return fig
