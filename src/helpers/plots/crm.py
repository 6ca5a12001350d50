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

from helpers.plots import (
    ACCENT,
    NEGATIVE,
    OKABE_ITO,
    PALETTES,
    SECOND,
    fixed_figure,
    label,
    money,
    month_ticks,
    percent,
)

__all__ = [
    "cash_flow_chart",
    "crm_components_diagram",
    "customer_view_figure",
    "satisfaction_by_channel_chart",
    "segment_value_chart",
    "value_curve_chart",
]


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
    ax.text(
        x + 0.02,
        y + h - 0.11,
        "\n".join(f"   {line.strip()}" if line.startswith("  ") else f"• {line}" for line in lines),
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
    pillars = ["Strategy", "People", "Process", "Technology"]
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
        "CRM joins all four; software alone is not CRM (Payne & Frow 2005)",
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
        "Operational CRM",
        [
            "sales, marketing, service",
            "records in a database",
            "the sales pipeline",
            "open service requests",
            "customers to call today",
        ],
        OKABE_ITO["orange"],
    )
    _box(
        ax,
        0.35,
        0.08,
        0.3,
        0.66,
        "Analytical CRM",
        [
            "data warehouse",
            "  (a star schema)",
            "data mining: cohorts,",
            "  RFM segments",
            "customer-value ranking",
            "next best offer",
        ],
        OKABE_ITO["blue"],
    )
    _box(
        ax,
        0.68,
        0.08,
        0.3,
        0.66,
        "Collaborative CRM",
        [
            "web, phone, e-mail,",
            "  face to face",
            "channel mix per customer",
            "face to face: a moment",
            "  of truth",
            "single customer view",
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
    ax.set_title("The components of CRM · Los componentes del CRM")
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
    ax.plot(x, y, color=ACCENT, label="Customers, best first")
    ax.plot([0, 1], [0, 1], color=OKABE_ITO["grey"], linestyle="--", linewidth=1.5, label="All customers equal")
    at = float(np.interp(mark, x, y))
    ax.scatter([mark], [at], color=SECOND, zorder=3, s=60)
    ax.annotate(
        f"top {mark:.0%} bring {at:.0%} of the margin",
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
        xlabel="share of buying customers",
        ylabel="share of gross margin",
        title="Customer-value ranking: who brings the margin",
    )
    ax.legend(loc="lower right")
    return fig


def segment_value_chart(
    table: pd.DataFrame, *, title: str = "RFM segments: size and value", height: float = 6.0
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
    names = [label(n) for n in table.index][::-1]
    for ax, column, colour, heading in (
        (left, "share_of_customers", OKABE_ITO["grey"], "Share of customers"),
        (right, "share_of_margin", ACCENT, "Share of margin"),
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
    fig.suptitle(title, fontsize=16, fontweight="bold", x=0.02, ha="left")
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
            x, 1.08, f"{m:.2f}\n(n = {n:,})", ha="center", va="bottom", fontsize=11, color="white", fontweight="bold"
        )
    ax.set_xticks(positions, [label(c) for c in shown.index])
    ax.set(
        ylim=(1, 5),
        ylabel="mean satisfaction (1–5)",
        xlabel="preferred channel",
        title="Satisfaction by preferred channel (95 % intervals)",
    )
    return fig


def cash_flow_chart(flows: pd.DataFrame, *, title: str = "CRM project: net cash flow by year") -> Figure:
    """Net cash flow per year (bars) and the cumulative flow (line) of a CRM project.

    Parameters
    ----------
    flows : the result of :func:`helpers.crm.project_cash_flows`.

    >>> f = pd.DataFrame({"net": [-100.0, 60.0, 60.0], "cumulative": [-100.0, -40.0, 20.0]})
    >>> fig = cash_flow_chart(f)
    """
    fig, ax = plt.subplots(figsize=(10, 5))
    years = [f"Year {y}" for y in flows.index]
    net = flows["net"].to_numpy(float)
    bars = ax.bar(years, net, color=[NEGATIVE if v < 0 else ACCENT for v in net], width=0.6, label="Net cash flow")
    ax.bar_label(bars, labels=[money(v) for v in net], padding=3, fontsize=11)
    ax.plot(years, flows["cumulative"].to_numpy(float), color=SECOND, marker="o", label="Cumulative")
    ax.axhline(0, color="black", linewidth=1)
    ax.yaxis.set_major_formatter(FuncFormatter(money))
    ax.margins(y=0.15)
    ax.legend(loc="upper left")
    ax.set(title=title, ylabel="currency")
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
    lines = [
        (
            "Identity",
            f"#{ident['customer_id']} · since {ident['signup_date']}"
            + (f" · via {label(ident['acquisition_channel'])}" if ident["acquisition_channel"] else ""),
        ),
        ("Typology", " · ".join(f"{label(v) if k != 'age' else f'age {v}'}" for k, v in typ.items()) or "not recorded"),
        ("Consumption", f"{cons['purchases']} purchases · {money(cons['revenue'])} revenue"),
        ("", f"favourite: {label(cons['favourite_category'])} · via {label(cons['preferred_channel'])}"),
        ("Promotions", ", ".join(f"{label(k)} {v}" for k, v in promos.items() if k != "none" and v) or "none used"),
        (
            "Interactions",
            f"{len(view['interactions'])} contacts · "
            f"{int((view['interactions']['type'] == 'complaint').sum())} complaints",
        ),
        (
            "Surveys",
            f"{len(surveys)} answers"
            + (f" · last satisfaction {surveys['satisfaction'].iloc[0]}" if len(surveys) else ""),
        ),
        ("Bonds", ", ".join(view["bonds"]) or "none"),
        ("Stage", f"{stage['status']} · {stage['tenure_months']:.0f} months · RFM {stage['rfm_cell']}"),
        (
            "",
            f"segment: {stage['rfm_segment']}"
            + (f" · left: {label(stage['lost_reason'])}" if stage["lost_reason"] else ""),
        ),
        (
            "Value",
            f"margin {money(value['margin'])}"
            + (f" · top {value['top_share']:.0%} of buyers" if value["top_share"] is not None else ""),
        ),
    ]
    y = 0.97
    text_ax.text(
        0,
        1.02,
        f"Customer {ident['customer_id']}",
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
            buy_ax.scatter(chosen["date"], chosen["amount"], color=colour, s=45, label=label(channel))
    # titles at a fixed height (y=1): nothing is drawn above these axes, and matplotlib's search
    # for a clear spot measures every tick label again at each redraw
    buy_ax.set_title("Purchases", y=1.0)
    buy_ax.set(ylabel="amount")
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
    contact_ax.set_yticks(range(len(kinds)), [label(k) for k in kinds])
    contact_ax.set_ylim(-0.6, 4.0)
    contact_ax.set_title("Contacts (black ring = unresolved) and survey answers (★)", fontsize=13, y=1.0)
    contact_ax.tick_params(axis="x", labelrotation=30)
    buy_ax.tick_params(labelbottom=False)
    if len(purchases) or len(contacts):
        month_ticks(contact_ax)
    return fig
