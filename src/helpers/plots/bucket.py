"""Charts of lesson 03: the leaky bucket, the holes it leaks through, and its economics.

* :func:`bucket_picture` draws an actual bucket (matplotlib patches): the water level is
  the customer base, the stream poured in on top is the inflow of new customers (its
  width shows how many), and the jets from the holes are the defections (their width
  shows how many leave, hole by hole). :func:`leaky_bucket_diagram` labels it with the
  idea of the lesson; :func:`bucket_dashboard` sets it beside the base over time (the
  widget's figure).
* :func:`pareto_chart` and :func:`reason_mix_chart` show why customers leave.
* :func:`model_vs_data_chart`, :func:`pour_or_plug_chart`, :func:`retention_uplift_chart`
  and :func:`truth_hazard_chart` show the model against the data, the same budget spent
  two ways, Reichheld & Sasser's (1990) claim and the simulation's truth.

Every function takes the tables of :mod:`helpers.bucket` and returns a matplotlib
``Figure``; the colours are the course's (Okabe–Ito), one fixed colour per reason for
leaving (:data:`REASON_COLOURS`) and per strategy (:data:`STRATEGY_COLOURS`).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Arc, Circle, FancyArrowPatch, Polygon, Rectangle
from matplotlib.ticker import FuncFormatter

from helpers.formats import localize
from helpers.i18n import N_, _, language
from helpers.plots import (
    ACCENT,
    OKABE_ITO,
    PALETTES,
    SECOND,
    category,
    count,
    money,
    money_axis,
    percent,
    text_colour_on,
)

__all__ = [
    "REASON_COLOURS",
    "STRATEGY_COLOURS",
    "bucket_dashboard",
    "bucket_picture",
    "leaky_bucket_diagram",
    "model_vs_data_chart",
    "pareto_chart",
    "pour_or_plug_chart",
    "reason_mix_chart",
    "retention_uplift_chart",
    "truth_hazard_chart",
]

_c = OKABE_ITO
#: One colour per reason for leaving: value-for-money reasons warm, service failures red
#: and purple, the offer blue, "no longer needed" (hard to plug) grey.
REASON_COLOURS = PALETTES["reason"]
#: One colour per way of spending the budget.
STRATEGY_COLOURS = {"as is": _c["grey"], "plug the holes": _c["green"], "pour more in": _c["blue"]}
#: Names these charts show that come as data (the strategies, the satisfaction bands of
#: :data:`helpers.bucket.SATISFACTION_BANDS`, the period), for the catalogue; translated where drawn.
DATA_WORDS = (
    N_("As is"),
    N_("Plug the holes"),
    N_("Pour more in"),
    N_("Dissatisfied (1–2)"),
    N_("Neutral (3)"),
    N_("Satisfied (4)"),
    N_("Completely satisfied (5)"),
    N_("No survey answer"),
    N_("Other reasons"),
    N_("month"),
)

_WATER = "#56B4E9"  # sky blue
_WATER_EDGE = "#0072B2"  # blue
_BUCKET = "#4d4d4d"
_FILL = "#f4f4f4"

# Bucket geometry, in the data coordinates of its axes (x 0–10).
_BOTTOM, _RIM = 0.8, 7.2
_BOTTOM_HALF, _RIM_HALF = 2.0, 2.9  # half widths at the bottom and at the rim
_CENTRE = 5.0


def _half_width(y: float) -> float:
    """Half the bucket's width at height ``y``."""
    return _BOTTOM_HALF + (_RIM_HALF - _BOTTOM_HALF) * (y - _BOTTOM) / (_RIM - _BOTTOM)


def _reason_colour(reason: str, position: int) -> str:
    fallback = [_c["blue"], _c["green"], _c["orange"], _c["purple"], _c["sky_blue"]]
    return REASON_COLOURS.get(str(reason), fallback[position % len(fallback)])


def _count(value: float) -> str:
    return count(value)


def bucket_picture(
    level: float,
    inflow: float,
    outflow: float,
    *,
    capacity: float,
    steady_state: float | None = None,
    holes: Mapping[str, float] | None = None,
    flow_scale: float | None = None,
    period: str = "month",
    title: str = "",
    ax: Axes | None = None,
) -> Figure:
    """Draw the customer base as a bucket: level, inflow poured in, defections leaking out.

    Parameters
    ----------
    level : float
        Customers in the bucket (the water level is ``level / capacity`` of the height).
    inflow, outflow : float
        New and lost customers per period (the widths of the stream and of the jets).
    capacity : float
        Customers that fill the bucket to the rim; a larger level overflows (shown).
    steady_state : float, optional
        Where the level settles in the long run (a dashed mark on the bucket).
    holes : mapping, optional
        Share of the outflow through each hole, e.g. by reason for leaving (up to 4
        holes are drawn; the shares are rescaled to sum to 1). Default: one hole.
    flow_scale : float, optional
        Flow (customers per period) drawn at the full width; keep it fixed to compare
        pictures. Default: 1.25 × the larger of the two flows.
    period : str
        Name of the period, for the labels.
    title : str
        Title of the axes.
    ax : Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    Figure
        Its artists carry ids (``Artist.get_gid()``) for tests and restyling: ``water``,
        ``inflow`` (the stream), ``leak:<hole>`` (each jet), ``hole:<hole>`` and
        ``overflow``. The stream's width is ``1.5 × inflow / flow_scale`` and a jet's
        ``1.5 × flow / flow_scale`` (data units, at most 1.5; a trickle keeps 0.06).

    Examples
    --------
    >>> fig = bucket_picture(3000, 150, 100, capacity=5000, steady_state=4500,
    ...                      holes={"price": 0.6, "poor_service": 0.4})
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]  # one key per hole
    ['Price: 60', 'Poor service: 40']
    """
    if capacity <= 0:
        raise ValueError(f"capacity must be positive; got {capacity}")
    if min(level, inflow, outflow) < 0:
        raise ValueError("level, inflow and outflow must not be negative")
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 6.4))
    fig = ax.figure
    scale = flow_scale or 1.25 * max(inflow, outflow, 1e-9)
    draw = ax.add_artist  # fixed limits below: no need to autoscale on every patch (faster)
    max_width = 1.5  # data units of the widest stream

    # --- the bucket: back wall, water, then the outline and handle on top
    wall = [
        (_CENTRE - _BOTTOM_HALF, _BOTTOM),
        (_CENTRE + _BOTTOM_HALF, _BOTTOM),
        (_CENTRE + _RIM_HALF, _RIM),
        (_CENTRE - _RIM_HALF, _RIM),
    ]
    draw(Polygon(wall, closed=True, facecolor=_FILL, edgecolor="none", zorder=1))
    share = level / capacity
    water_top = _BOTTOM + (_RIM - _BOTTOM) * min(share, 1.0)
    if level > 0:
        water = [
            (_CENTRE - _BOTTOM_HALF, _BOTTOM),
            (_CENTRE + _BOTTOM_HALF, _BOTTOM),
            (_CENTRE + _half_width(water_top), water_top),
            (_CENTRE - _half_width(water_top), water_top),
        ]
        draw(Polygon(water, closed=True, facecolor=_WATER, edgecolor="none", alpha=0.9, zorder=2, gid="water"))
        ax.plot(
            [_CENTRE - _half_width(water_top), _CENTRE + _half_width(water_top)],
            [water_top, water_top],
            color=_WATER_EDGE,
            lw=3,
            zorder=3,
            solid_capstyle="butt",
        )
    outline = [wall[3], wall[0], wall[1], wall[2]]  # rim-left, down, across, up to rim-right
    draw(Polygon(outline, closed=False, fill=False, edgecolor=_BUCKET, lw=5, zorder=6, joinstyle="round"))
    # the open rim drawn as a thin ellipse, the handle as an arc
    draw(Arc((_CENTRE, _RIM), 2 * _RIM_HALF, 0.5, theta1=0, theta2=360, color=_BUCKET, lw=3, zorder=6))
    draw(
        Arc(
            (_CENTRE, _RIM),
            2 * _RIM_HALF * 0.98,
            3.2,
            theta1=15,
            theta2=165,
            color="#9a9a9a",
            lw=2.5,
            zorder=0,
            linestyle=(0, (1, 0)),
        )
    )

    # --- the level, written in the water (or above it when the bucket is nearly empty)
    deep = water_top - _BOTTOM > 1.3
    noun = _("customer") if round(level) == 1 else _("customers")
    ax.text(
        _CENTRE,
        (_BOTTOM + water_top) / 2 if deep else _BOTTOM + 2.0,
        f"{_count(level)}\n{noun}",
        ha="center",
        va="center",
        fontsize=17,
        fontweight="bold",
        color="#08306b" if deep else _BUCKET,
        zorder=7,
        linespacing=1.0,
    )
    if share > 1:
        for side in (-1, 1):
            x0 = _CENTRE + side * _RIM_HALF
            draw(
                FancyArrowPatch(
                    (x0, _RIM),
                    (x0 + side * 0.8, _RIM - 1.6),
                    connectionstyle=f"arc3,rad={-0.45 * side}",
                    arrowstyle="-",
                    lw=6,
                    color=_WATER,
                    zorder=5,
                )
            )
        ax.text(
            _CENTRE + _RIM_HALF + 0.3,
            _RIM + 0.35,
            _("overflows!"),
            ha="left",
            va="bottom",
            fontsize=12,
            color=_WATER_EDGE,
            fontweight="bold",
            zorder=7,
            gid="overflow",
        )

    # --- where the level settles: a dashed mark across the bucket, labelled inside it
    if steady_state is not None and np.isfinite(steady_state) and 0 < steady_state <= capacity:
        y = _BOTTOM + (_RIM - _BOTTOM) * steady_state / capacity
        half = _half_width(y)
        ax.plot([_CENTRE - half, _CENTRE + half], [y, y], color=_BUCKET, lw=2, ls=(0, (4, 3)), zorder=4)
        ax.text(
            _CENTRE + half - 0.12,
            y + 0.08,
            _("long run {customers}").format(customers=_count(steady_state)),
            ha="right",
            va="bottom",
            fontsize=11,
            color=_BUCKET,
            zorder=7,
        )
    elif steady_state is not None and steady_state > capacity:
        ax.text(
            _CENTRE + _RIM_HALF + 0.3,
            _RIM - 0.9,
            _("long run\n{level}").format(
                level=f"{_count(steady_state)} ↑" if np.isfinite(steady_state) else _("no limit ↑")
            ),
            ha="left",
            va="top",
            fontsize=11,
            color=_BUCKET,
            zorder=7,
            linespacing=1.0,
        )

    # --- inflow: a pipe from the left and a stream falling into the bucket
    pipe_y, pipe_end = 9.3, _CENTRE - 0.6
    draw(Rectangle((0.3, pipe_y - 0.25), pipe_end - 0.3, 0.5, facecolor="#bdbdbd", edgecolor=_BUCKET, lw=1.5, zorder=5))
    draw(Rectangle((pipe_end - 0.2, pipe_y - 0.55), 0.5, 1.1, facecolor="#9e9e9e", edgecolor=_BUCKET, lw=1.5, zorder=5))
    width = max_width * min(inflow / scale, 1.0)
    if width > 0:
        stream_x = pipe_end + 0.05
        draw(
            Rectangle(
                (stream_x - width / 2, water_top),
                width,
                pipe_y - 0.55 - water_top,
                facecolor=_WATER_EDGE,
                edgecolor="none",
                alpha=0.85,
                zorder=4,
                gid="inflow",
            )
        )
    ax.text(
        0.3,
        pipe_y + 0.55,
        _("In: {customers} new customers / {period}").format(customers=_count(inflow), period=_(period)),
        ha="left",
        va="bottom",
        fontsize=13,
        fontweight="bold",
        color=_WATER_EDGE,
    )

    # --- outflow: holes low in the walls, a jet from each, its width the customers lost
    shares = dict(holes) if holes else {"": 1.0}
    total = sum(shares.values()) or 1.0
    shares = {k: v / total for k, v in list(shares.items())[:4]}
    # right, left, right, left; the lower hole first; the higher jets land further out
    spots = [(1, 1.35, 1.3), (-1, 1.35, 1.3), (1, 2.6, 2.1), (-1, 2.6, 2.1)]
    keys = []
    for (name, part), (side, y, reach), position in zip(shares.items(), spots, range(4)):
        flow = outflow * part
        x = _CENTRE + side * _half_width(y)
        colour = _reason_colour(name, position) if name else _WATER_EDGE
        if flow > 0:
            width = max(0.06, max_width * min(flow / scale, 1.0))
            t = np.linspace(0, 1, 30)
            xs = x + side * reach * t
            ys = y - (y + 0.75) * t**2
            band = np.r_[np.c_[xs, ys + width / 2], np.c_[xs, ys - width / 2][::-1]]
            draw(
                Polygon(band, closed=True, facecolor=_WATER, edgecolor="none", alpha=0.9, zorder=3, gid=f"leak:{name}")
            )
            for k, (dx, dy) in enumerate(((0.0, -1.05), (side * 0.25, -1.35))):
                draw(
                    Circle(
                        (xs[-1] + dx, dy),
                        0.06 + 0.12 * min(width / 0.6, 1.0) / (k + 1),
                        color=_WATER,
                        alpha=0.85,
                        zorder=3,
                    )
                )
        draw(
            Circle(
                (x, y),
                0.12 + 0.28 * np.sqrt(min(part, 1.0)),
                facecolor="#1a1a1a",
                edgecolor=colour,
                lw=3,
                zorder=8,
                gid=f"hole:{name}",
            )
        )
        if name:
            keys.append(
                Line2D(
                    [],
                    [],
                    ls="none",
                    marker="o",
                    markersize=13,
                    markerfacecolor="#1a1a1a",
                    markeredgecolor=colour,
                    markeredgewidth=3,
                    label=f"{category(name)}: {_count(flow)}",
                )
            )
    ax.text(
        _CENTRE,
        -1.55,
        _("Out: {customers} customers leave / {period}").format(customers=_count(outflow), period=_(period)),
        ha="center",
        va="top",
        fontsize=13,
        fontweight="bold",
        color=_c["vermillion"],
    )
    bottom = -2.5
    if keys:  # which hole is which: a key under the bucket, never over the picture
        ax.legend(
            handles=keys,
            loc="upper center",
            bbox_to_anchor=(_CENTRE, -2.25),
            bbox_transform=ax.transData,
            ncols=2,
            fontsize=11.5,
            frameon=False,
            handletextpad=0.3,
            columnspacing=1.2,
            borderaxespad=0,
        )
        bottom = -2.5 - 0.75 * ((len(keys) + 1) // 2)

    ax.set(xlim=(0, 10), ylim=(bottom, 10.6))
    ax.set_title(title, y=1.0)  # a fixed position spares a layout pass on every redraw
    ax.set_aspect("equal", adjustable="box")
    ax.axis("off")
    return fig


def leaky_bucket_diagram() -> Figure:
    """The idea of the lesson: acquisition pours customers in, defections leak out.

    A labelled :func:`bucket_picture` with round numbers (the "teoría del balde" of the
    class notes; Ehrenberg's leaky bucket; Reichheld & Sasser 1990).

    >>> fig = leaky_bucket_diagram()
    >>> len(fig.axes)
    1
    """
    fig, ax = plt.subplots(figsize=(12, 6.6))
    bucket_picture(
        2000,
        150,
        100,
        capacity=4000,
        steady_state=3000,
        holes={"price": 0.35, "competitor_offer": 0.25, "poor_service": 0.25, "no_longer_needed": 0.15},
        title="",
        ax=ax,
    )
    ax.set_xlim(-7.5, 17.5)
    notes = [
        (
            -7.3,
            9.4,
            _("Pour in — acquisition (captación)\nsales, advertising, promotion:\ntime, energy and money"),
            _WATER_EDGE,
        ),
        (
            10.6,
            6.0,
            _("The base (la base de clientes):\nwhat is in the bucket now;\nit settles where in = out"),
            "#08306b",
        ),
        (
            10.6,
            2.2,
            _(
                "Leaks — defections (deserciones)\none hole per reason for leaving;\n"
                "plug them: learn WHY customers\nleave, and spend time keeping them"
            ),
            _c["vermillion"],
        ),
    ]
    for x, y, text, colour in notes:
        ax.text(x, y, text, fontsize=12.5, color=colour, va="top", ha="left", linespacing=1.25)
    ax.set_title(_("The leaky bucket (teoría del balde)"), loc="left")
    return fig


def bucket_dashboard(
    run: pd.DataFrame,
    *,
    capacity: float,
    steady_state: float,
    periods_to_steady_state: float,
    history: pd.Series | None = None,
    baseline: pd.Series | None = None,
    holes: Mapping[str, float] | None = None,
    flow_scale: float | None = None,
    notes: str = "",
) -> Figure:
    """The widget's figure: the bucket at the end of a run beside the base over time.

    Parameters
    ----------
    run : DataFrame
        Output of :func:`helpers.bucket.simulate` (months 1 … n from now).
    capacity : float
        Customers that fill the bucket and the top of the chart.
    steady_state, periods_to_steady_state : float
        Where the run settles and when it gets within 5 %.
    history : Series, optional
        The real base at the end of past months, drawn to the left of "now" (month 0).
    baseline : Series, optional
        A reference run's ``customers_end`` (e.g. the company as it is), dashed grey.
    holes, flow_scale : optional
        As in :func:`bucket_picture`.
    notes : str
        A few lines of numbers shown under the chart (e.g. costs and profit).

    Returns
    -------
    Figure

    Examples
    --------
    >>> from helpers.bucket import simulate
    >>> run = simulate(24, initial_customers=1000, acquisition_spend=5000,
    ...                cost_per_acquisition=50, churn_rate=0.05, revenue_per_customer=10)
    >>> fig = bucket_dashboard(run, capacity=2500, steady_state=2000, periods_to_steady_state=18)
    >>> len(fig.axes)
    2
    """
    # Fixed positions, no layout engine: the widget redraws this figure on every change.
    fig = plt.figure(figsize=(14, 6.4))
    fig.set_layout_engine("none")  # (``layout="none"`` would fall back to the theme's engine)
    bucket_ax = fig.add_axes((0.0, 0.02, 0.38, 0.9))
    line_ax = fig.add_axes((0.46, 0.11, 0.515, 0.81))
    last = run.iloc[-1]
    months = len(run)
    bucket_picture(
        float(last["customers_end"]),
        float(last["inflow"]),
        float(last["outflow"]),
        capacity=capacity,
        steady_state=steady_state,
        holes=holes,
        flow_scale=flow_scale,
        ax=bucket_ax,
        title=_("The bucket in {months} months").format(months=months),
    )

    line_ax.axvline(0, color="#bbbbbb", lw=1.5)
    if history is not None and len(history):
        past = np.arange(-len(history) + 1, 1)
        line_ax.plot(past, history.to_numpy(dtype=float), color="#333333", lw=2.5, label=_("real base (the data)"))
    start = float(run["customers_start"].iloc[0])
    future = np.arange(0, months + 1)
    if baseline is not None:
        line_ax.plot(
            future,
            np.r_[start, baseline.to_numpy(dtype=float)],
            color=_c["grey"],
            lw=2.5,
            ls=(0, (5, 3)),
            label=_("as it is today"),
        )
    line_ax.plot(future, np.r_[start, run["customers_end"].to_numpy()], color=ACCENT, lw=3.5, label=_("your scenario"))
    top = max(capacity, 1.05 * float(run["customers_end"].max()))
    if np.isfinite(steady_state) and steady_state <= top:
        line_ax.axhline(steady_state, color=ACCENT, lw=1.5, ls=(0, (2, 2)))
        if steady_state == 0:
            text = _("long run 0: the bucket empties")
        elif np.isfinite(periods_to_steady_state):
            text = _("long run {customers}\n(within 5% after {months} months)").format(
                customers=_count(steady_state), months=f"{periods_to_steady_state:.0f}"
            )
        else:
            text = _("long run {customers}").format(customers=_count(steady_state))
        line_ax.text(months, steady_state + 0.01 * top, text, ha="right", va="bottom", fontsize=11.5, color=ACCENT)
    line_ax.set_ylim(0, top)
    line_ax.set_xlim(-(len(history) - 1) if history is not None and len(history) else 0, months)
    line_ax.yaxis.set_major_formatter(FuncFormatter(count))
    line_ax.set(xlabel=_("months from now"), ylabel=_("customers"))
    line_ax.set_title(_("Customers at the end of each month"), y=1.0)
    line_ax.text(0.5, 0.02, _("now"), transform=line_ax.get_xaxis_transform(), ha="left", color="#888888", fontsize=11)
    line_ax.legend(
        loc="upper left", fontsize=11.5, frameon=True, facecolor="white", edgecolor="none", framealpha=0.9
    )  # the long-run line may run behind it
    if notes:  # under the legend, left of "now", where only the history runs (low)
        line_ax.text(
            0.01,
            0.79,
            notes,
            transform=line_ax.transAxes,
            ha="left",
            va="top",
            fontsize=11.5,
            linespacing=1.35,
            bbox=dict(boxstyle="round,pad=0.4", fc="white", ec="#cccccc", alpha=0.95),
        )
    return fig


def pareto_chart(pareto: pd.DataFrame, *, threshold: float = 0.8, title: str = "", ax: Axes | None = None) -> Figure:
    """Pareto chart of the reasons for leaving: bars largest first, cumulative share line.

    Bars of the vital few are in their reason's colour, the rest light grey; the line is
    the cumulative share (right axis) with the ``threshold`` marked (Juran 1951).

    Parameters
    ----------
    pareto : DataFrame
        Output of :func:`helpers.bucket.churn_reason_pareto`.
    threshold : float
        The share marked on the right axis (0.8 for the 80/20 rule).

    Returns
    -------
    Figure

    Examples
    --------
    >>> from helpers.bucket import churn_reason_pareto
    >>> table = churn_reason_pareto(pd.DataFrame({"reason": ["price"] * 6 + ["poor_service"] * 4}))
    >>> fig = pareto_chart(table)
    >>> len(fig.axes)  # bars and the cumulative line's axis
    2
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(12, 6))
    fig = ax.figure
    reasons = [str(r) for r in pareto.index]
    colours = [_reason_colour(r, i) for i, r in enumerate(reasons)]
    positions = np.arange(len(reasons))
    bars = ax.bar(positions, pareto["customers"].to_numpy(), color=colours, edgecolor="white")
    for bar, vital in zip(bars, pareto["vital_few"]):
        if not vital:  # the trivial many, faded
            bar.set_alpha(0.35)
    ax.bar_label(bars, labels=[count(c) for c in pareto["customers"]], padding=3, fontsize=12)
    ax.set_xticks(positions, [category(r).replace(" ", "\n", 1) for r in reasons])
    ax.set_ylabel(_("customers lost"))
    ax.margins(y=0.15)
    right = ax.twinx()
    right.plot(
        positions,
        pareto["cumulative_share"].to_numpy(),
        color=_BUCKET,
        marker="o",
        markersize=8,
        lw=2.5,
        label=_("cumulative share"),
    )
    # The cumulative line only rises, so the space up and to the left of each point is
    # clear of both its segments; the offset keeps the label's box (and its padding) off
    # the marker and the incoming segment, which runs below the point's height.
    for x, y in zip(positions, pareto["cumulative_share"]):
        right.annotate(
            localize(f"{y:.0%}"),
            (x, y),
            textcoords="offset points",
            xytext=(-11, 9),
            gid="cumulative label",
            ha="right",
            va="bottom",
            fontsize=12,
            color=_BUCKET,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},  # readable on a bar
        )
    right.axhline(threshold, color=_c["vermillion"], lw=2, ls=(0, (5, 3)))
    right.text(
        len(reasons) - 0.5,
        threshold,
        localize(f"{threshold:.0%}"),
        ha="right",
        va="bottom",
        color=_c["vermillion"],
        fontsize=12,
        fontweight="bold",
    )
    right.set_ylim(0, 1.12)
    right.yaxis.set_major_formatter(FuncFormatter(percent))
    right.set_ylabel(_("cumulative share of those lost"))
    right.grid(False)
    right.spines["right"].set_visible(True)
    ax.set_title(title or _("Why customers leave: the holes in the bucket, largest first"))
    ax.set_xlabel(
        _("reason for leaving (faded: beyond the vital few that reach {share})").format(
            share=localize(f"{threshold:.0%}")
        ),
        fontsize=12,
        color="#555555",
    )
    return fig


def reason_mix_chart(mix: pd.DataFrame, *, title: str = "", ax: Axes | None = None) -> Figure:
    """Horizontal 100 % bars: the mix of reasons for leaving within each group.

    Parameters
    ----------
    mix : DataFrame
        Output of :func:`helpers.bucket.reason_mix` (shares, then a ``customers`` column).

    Returns
    -------
    Figure

    Examples
    --------
    >>> mix = pd.DataFrame({"price": [0.6, 0.2], "poor_service": [0.4, 0.8],
    ...                     "customers": [50, 20]}, index=["satisfied", "dissatisfied"])
    >>> len(reason_mix_chart(mix).axes[0].patches)
    4
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(13, 1.1 * len(mix) + 2.2))
    fig = ax.figure
    shares = mix.drop(columns="customers")
    rows = [f"{category(i)}  (n = {count(n)})" for i, n in zip(mix.index, mix["customers"])][::-1]
    left = np.zeros(len(mix))
    for position, reason in enumerate(shares.columns):
        values = shares[reason].to_numpy(dtype=float)[::-1]
        colour = _reason_colour(reason, position)
        ax.barh(rows, values, left=left, color=colour, edgecolor="white", label=category(reason), height=0.7)
        for y, (start, value) in enumerate(zip(left, values)):
            if value >= 0.07:
                ax.text(
                    start + value / 2,
                    y,
                    localize(f"{value:.0%}"),
                    ha="center",
                    va="center",
                    fontsize=12,
                    color=text_colour_on(colour),
                    fontweight="bold",
                )
        left += values
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(FuncFormatter(percent))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x")
    # one row of six reasons over the bars; the longer Spanish names take rows of three
    ncols = min(len(shares.columns), 6 if language() == "en" else 3)
    ax.legend(
        ncols=ncols,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        fontsize=11.5,
        handlelength=1.2,
        columnspacing=1.0,
        frameon=False,
    )
    rows = 1 if language() == "en" else -(-len(shares.columns) // ncols)
    ax.set_title(title or _("Reasons for leaving, by group"), pad=38 + 20 * (rows - 1))
    return fig


def model_vs_data_chart(comparison: pd.DataFrame) -> Figure:
    """The calibrated bucket against the real base, and the churn rate behind the gap.

    Top: the real active base and the model's, with the gap shaded. Bottom: the churn rate
    measured month by month and the single rate the model uses.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`helpers.bucket.model_vs_data`.

    Returns
    -------
    Figure

    Examples
    --------
    >>> comparison = pd.DataFrame({"actual_customers": [100.0, 180.0, 250.0],
    ...     "model_customers": [100.0, 185.0, 262.0], "actual_churn_rate": [np.nan, 0.1, 0.08],
    ...     "model_churn_rate": 0.09}, index=pd.date_range("2024-01-01", periods=3, freq="MS"))
    >>> len(model_vs_data_chart(comparison).axes)
    2
    """
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 7.6), sharex=True, height_ratios=[2.2, 1])
    x = comparison.index
    actual = comparison["actual_customers"]
    model = comparison["model_customers"]
    top.fill_between(x, actual, model, color=SECOND, alpha=0.25, lw=0, label=_("gap"))
    top.plot(x, actual, color="#222222", lw=3, label=_("real base (the data)"))
    top.plot(x, model, color=ACCENT, lw=3, ls=(0, (5, 2)), label=_("the bucket model"))
    worst = (model - actual).abs().idxmax()
    gap = float(model[worst] - actual[worst])
    top.annotate(
        _("largest gap: {customers} customers\n({share})").format(
            customers=localize(f"{gap:+,.0f}"), share=localize(f"{gap / actual[worst]:+.0%}")
        ),
        (worst, max(model[worst], actual[worst])),
        xytext=(0, 40),
        textcoords="offset points",
        ha="center",
        fontsize=12,
        arrowprops=dict(arrowstyle="->", color="#555555"),
    )
    top.yaxis.set_major_formatter(FuncFormatter(count))
    top.set(title=_("The calibrated bucket against the real customer base"), ylabel=_("customers"))
    top.legend(loc="upper left")
    top.margins(y=0.18)
    top.set_ylim(bottom=0)

    measured = comparison["actual_churn_rate"]
    bottom.plot(x, measured, color="#222222", lw=2, marker="o", markersize=4, label=_("measured each month"))
    bottom.plot(
        x,
        np.broadcast_to(comparison["model_churn_rate"].to_numpy(), len(x)),
        color=ACCENT,
        lw=2.5,
        ls=(0, (5, 2)),
        label=_("the model's one rate"),
    )
    bottom.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: localize(f"{v:.0%}" if v >= 0.1 else f"{v:.1%}")))
    bottom.set(ylabel=_("monthly churn"), title=_("…because the real leak is not constant"))
    bottom.set_ylim(0, None)
    bottom.legend(loc="upper right", ncols=2)
    return fig


def pour_or_plug_chart(comparison, *, title: str = "") -> Figure:
    """The same budget spent on plugging holes or pouring more in: base and profit.

    Left: customers at the end of each period for the three runs. Right: the extra
    cumulative profit against "as is" at the horizon, with the cost of a customer won or
    saved written on the bars.

    Parameters
    ----------
    comparison : BudgetComparison
        Output of :func:`helpers.bucket.pour_or_plug`.

    Returns
    -------
    Figure

    Examples
    --------
    >>> from helpers.bucket import pour_or_plug
    >>> result = pour_or_plug(24, initial_customers=1000, acquisition_spend=5000,
    ...     cost_per_acquisition=50, churn_rate=0.05, margin_per_customer=20,
    ...     programme_cost_per_customer=1.0, churn_reduction=0.5)
    >>> len(pour_or_plug_chart(result).axes)
    2
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 5.8), width_ratios=[1.5, 1])
    for name, run in comparison.runs.items():
        left.plot(
            run.index,
            run["customers_end"],
            color=STRATEGY_COLOURS.get(name, ACCENT),
            lw=3.5 if name != "as is" else 2.5,
            ls="-" if name != "as is" else (0, (5, 3)),
            label=category(name),
        )
    left.yaxis.set_major_formatter(FuncFormatter(count))
    left.set(title=_("Customers"), xlabel=_("months from now"), ylabel=_("customers at the end of the month"))
    left.legend(loc="upper left")
    summary = comparison.summary.iloc[1:]
    names = list(summary.index)[::-1]
    values = summary["extra_profit"].to_numpy()[::-1]
    bars = right.barh(
        [category(n) for n in names], values, color=[STRATEGY_COLOURS.get(n, ACCENT) for n in names], height=0.6
    )
    right.bar_label(bars, labels=[money(v) for v in values], padding=4, fontsize=13, fontweight="bold")
    for y, name in enumerate(names):
        cost = summary.loc[name, "cost_per_customer"]
        each = _("{cost} per customer saved") if name == "plug the holes" else _("{cost} per customer won")
        right.text(
            0.02,
            y - 0.42,
            each.format(cost=money(cost)),
            fontsize=11.5,
            transform=right.get_yaxis_transform(),
            va="top",
            color="#333333",
        )
    right.axvline(0, color="#555555", lw=1)
    money_axis(right.xaxis, most_ticks=4)
    right.grid(axis="y", visible=False)
    right.grid(axis="x")
    right.margins(x=0.3)
    right.set_ylim(-0.9, len(names) - 0.5)
    right.set(title=_("Extra profit over the horizon"), xlabel=_("vs as is (same money spent)"))
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=16)
    return fig


def retention_uplift_chart(
    grid: pd.DataFrame,
    *,
    company: tuple[float, float] | None = None,
    band: tuple[float, float] = (0.25, 0.85),
    max_uplift: float = 1.5,
) -> Figure:
    """How much five points more retention add to a customer's value, and when it is 25–85 %.

    One line per ratio of acquisition cost to first-year profit (the columns of
    :func:`helpers.bucket.retention_uplift_grid`), against the base yearly retention;
    the band is Reichheld & Sasser's (1990) range.

    Parameters
    ----------
    grid : DataFrame
        Output of :func:`helpers.bucket.retention_uplift_grid`.
    company : (retention, uplift), optional
        A point to mark, e.g. the company's own yearly retention and uplift.
    band : (low, high)
        The range to shade.
    max_uplift : float
        Top of the y axis (larger uplifts are cut off).

    Returns
    -------
    Figure

    Examples
    --------
    >>> from helpers.bucket import retention_uplift_grid
    >>> grid = retention_uplift_grid(np.linspace(0.5, 0.9, 5), [0.0, 1.0])
    >>> len(retention_uplift_chart(grid, company=(0.7, 0.2)).axes[0].lines)
    3
    """
    fig, ax = plt.subplots(figsize=(12, 6.4))
    ax.axhspan(*band, color=_c["green"], alpha=0.13, lw=0)
    ax.text(
        0.01,
        (band[0] + band[1]) / 2,
        _("Reichheld & Sasser (1990):\n+{low} to +{high}").format(
            low=localize(f"{band[0]:.0%}"), high=localize(f"{band[1]:.0%}")
        ),
        transform=ax.get_yaxis_transform(),
        va="center",
        ha="left",
        fontsize=12.5,
        color="#1b6e50",
        fontweight="bold",
    )
    shades = plt.get_cmap("Blues")(np.linspace(0.4, 1.0, grid.shape[1]))
    for colour, ratio in zip(shades, grid.columns):
        ax.plot(grid.index, grid[ratio].clip(upper=max_uplift * 1.05), color=colour, lw=3, label=localize(f"{ratio:g}"))
    if company is not None:
        r, uplift = company
        ax.plot(
            [r],
            [uplift],
            marker="o",
            markersize=13,
            color=_c["vermillion"],
            markeredgecolor="white",
            markeredgewidth=2,
            zorder=5,
            ls="none",
        )
        ax.annotate(
            localize(f"Nova Supply: +{uplift:.0%}"),
            (r, uplift),
            xytext=(-20, 34),
            textcoords="offset points",
            ha="right",
            fontsize=13,
            fontweight="bold",
            color=_c["vermillion"],
            arrowprops=dict(arrowstyle="->", color=_c["vermillion"]),
        )
    ax.set_ylim(0, max_uplift)
    ax.set_xlim(grid.index.min(), grid.index.max())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"+{v:.0%}"))
    ax.xaxis.set_major_formatter(FuncFormatter(percent))
    ax.set(
        xlabel=_("yearly retention before the improvement"),
        ylabel=_("rise in a customer's value"),
        title=_("What five more points of retention are worth"),
    )
    ax.legend(
        title=_("acquisition cost ÷ first-year profit"),
        loc="upper right",
        ncols=grid.shape[1],
        bbox_to_anchor=(0.97, 1.0),
        fontsize=11.5,
        title_fontsize=11.5,
        handlelength=1.5,
        columnspacing=1.0,
    )
    return fig


def truth_hazard_chart(hazard: pd.DataFrame, measured: pd.Series) -> Figure:
    """The measured churn beside the leak the simulation built in, and its three drivers.

    Top: the monthly churn rate measured from the data and the average hazard of the
    customers in the bucket (base churn × stage × bonds, from the ground truth). Bottom:
    each driver relative to its first month (1 = unchanged).

    Parameters
    ----------
    hazard : DataFrame
        Output of :func:`helpers.bucket.structural_hazard_by_month`.
    measured : Series
        The measured monthly churn rate (``bucket_flows(...)["churn_rate"]``).

    Returns
    -------
    Figure

    Examples
    --------
    >>> months = pd.date_range("2024-02-01", periods=3, freq="MS")
    >>> hazard = pd.DataFrame({"mean_base_churn": [0.06, 0.055, 0.05],
    ...     "mean_stage_factor": [1.0, 0.9, 0.8], "mean_bond_factor": [1.0, 0.98, 0.95],
    ...     "mean_hazard": [0.06, 0.05, 0.04]}, index=months)
    >>> len(truth_hazard_chart(hazard, pd.Series([0.07, 0.05, 0.04], index=months)).axes)
    2
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 5.6))
    left.plot(
        measured.index,
        measured.to_numpy(),
        color="#222222",
        lw=2,
        marker="o",
        markersize=4,
        label=_("measured churn (the data)"),
    )
    left.plot(
        hazard.index, hazard["mean_hazard"], color=_c["vermillion"], lw=3.5, label=_("built-in hazard (the truth)")
    )
    left.set_ylim(0, None)
    left.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: localize(f"{v:.1%}")))
    left.set(title=_("The leak shrinks as the base matures"), ylabel=_("monthly churn"))
    left.legend(loc="upper right")
    first = hazard.iloc[0]
    drivers = {
        _("who is in the bucket\n(base churn: selection)"): ("mean_base_churn", _c["grey"]),
        _("relationship stage\n(strangers → partners)"): ("mean_stage_factor", PALETTES["stage"]["friend"]),
        _("retention bonds held"): ("mean_bond_factor", PALETTES["bond"]["financial"]),
    }
    for name, (column, colour) in drivers.items():
        relative = hazard[column] / first[column]
        right.plot(hazard.index, relative, color=colour, lw=3.5, label=name)
        right.text(
            hazard.index[-1],
            float(relative.iloc[-1]),
            localize(f" {relative.iloc[-1] - 1:+.0%}"),
            va="center",
            ha="left",
            fontsize=12,
            color=colour,
            fontweight="bold",
        )
    right.axhline(1, color="#bbbbbb", lw=1)
    right.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0%}"))
    right.set(title=_("Its three drivers (first month = 100%)"), ylabel=_("relative to the first month"))
    right.legend(loc="lower left", fontsize=11.5)
    right.margins(x=0.12)
    return fig
