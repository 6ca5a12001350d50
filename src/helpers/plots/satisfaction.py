"""Charts of lesson 07: satisfaction gaps, moments of truth, the employee–customer chain and the NPS.

The idea diagram draws both chains, each under its own name: Heskett et al.'s (1994)
service-profit chain and the class notes' four-link employee–customer chain.

Every function takes the tables of :mod:`helpers.satisfaction` and returns a matplotlib
``Figure``; colours come from the course palettes and accents of :mod:`helpers.plots`.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import Bbox

from helpers.formats import localize
from helpers.glossary import spanish
from helpers.i18n import N_, _, language
from helpers.plots import ACCENT, NEGATIVE, OKABE_ITO, PALETTES, SECOND, category, fixed_figure, percent, with_spanish

__all__ = [
    "CHAINS",
    "chain_chart",
    "gap_grid_chart",
    "idea_diagram",
    "importance_truth_chart",
    "moments_chart",
    "nps_chart",
    "projection_chart",
    "recovery_chart",
    "touchpoint_gap_chart",
]

_GREY = OKABE_ITO["grey"]

#: Width of the wide charts, in inches. JupyterLab beside the file browser on a 1280 px screen gives an
#: output about 840 px; a wider figure is shrunk, so its smallest text (11.5 pt) must stay at 12 px or more.
_WIDE = 10.0


def _signed(value: float, spec: str) -> str:
    """A number formatted with ``spec``, with the typographic minus of the tick labels: -0.82 → '−0.82'."""
    return localize(format(value, spec).replace("-", "−"))


def _points(share: float, _pos: object = None) -> str:
    """A difference of shares as signed percentage points: 0.05 → '+5 pts', -0.02 → '−2 pts', 0 → '0'."""
    return _("{points} pts").format(points=_signed(100 * share, "+.0f")) if round(100 * share) else "0"


#: The chains :func:`idea_diagram` can draw, by the name its ``chain`` argument takes.
CHAINS = ("both", "service-profit", "notes")

#: The name each chain is drawn under (translated where drawn).
_SERVICE_PROFIT_NAME = N_("Heskett et al. (1994): the service-profit chain")
_NOTES_NAME = N_("The class notes: the employee–customer chain")

#: Heskett et al.'s (1994) service-profit chain, box by box, coloured like the class notes'
#: stages it contains (grey: a stage the class notes leave out).
_SERVICE_PROFIT_STAGES = (
    (N_("Internal\nservice\nquality"), _GREY),
    (N_("Employee\nsatisfaction"), OKABE_ITO["sky_blue"]),
    (N_("Employee\nretention and\nproductivity"), OKABE_ITO["sky_blue"]),
    (N_("External\nservice\nvalue"), _GREY),
    (N_("Customer\nsatisfaction"), ACCENT),
    (N_("Customer\nloyalty"), OKABE_ITO["green"]),
    (N_("Revenue\ngrowth and\nprofit"), _GREY),
)

#: The class notes' employee–customer chain (English names; the Spanish come from the glossary).
_NOTES_STAGES = (
    ("satisfied employees", OKABE_ITO["sky_blue"]),
    ("loyal employees", OKABE_ITO["sky_blue"]),
    ("satisfied customers", ACCENT),
    ("loyal customers", OKABE_ITO["green"]),
)


def _chain_name(name: str, term: str) -> str:
    """A chain's name, with the Spanish term in parentheses in English; in Spanish its translation says it."""
    if language() == "en":
        return f"{name} ({spanish(term)})"
    return _(name)


def _arrow(ax, start: tuple[float, float], end: tuple[float, float], *, size: float, width: float, colour: str) -> None:
    """A straight arrow between two points of the diagram."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=size, color=colour, lw=width))


def _row_heading(ax, y: float, text: str) -> None:
    """The name of one chain, above its row of boxes."""
    ax.text(0.01, y, text, ha="left", va="center", fontsize=12.5, fontweight="bold", color="#333333")


def _service_profit_row(ax, low: float, *, heading: bool) -> float:
    """Heskett et al.'s seven stages as small boxes from ``low``; returns the centre of customer satisfaction."""
    width, gap, height = 0.12, 0.022, 0.2
    for i, (text, colour) in enumerate(_SERVICE_PROFIT_STAGES):
        x = 0.01 + i * (width + gap)
        ax.add_patch(FancyBboxPatch((x, low), width, height, boxstyle="round,pad=0.008", color=colour, alpha=0.3, lw=0))
        ax.text(x + width / 2, low + height / 2, _(text), ha="center", va="center", fontsize=11, color="#222222")
        if i < len(_SERVICE_PROFIT_STAGES) - 1:
            y = low + height / 2
            _arrow(ax, (x + width + 0.003, y), (x + width + gap - 0.003, y), size=14, width=1.5, colour="#333333")
    if heading:
        _row_heading(ax, low + height + 0.09, _chain_name(_SERVICE_PROFIT_NAME, "service-profit chain"))
    return 0.01 + 4 * (width + gap) + width / 2


def _notes_row(ax, low: float, *, heading: bool) -> float:
    """The class notes' four stages as large boxes from ``low``; returns the centre of satisfied customers."""
    width, gap, height = 0.19, 0.06, 0.3
    for i, (name, colour) in enumerate(_NOTES_STAGES):
        x = 0.01 + i * (width + gap)
        english, in_spanish = name.capitalize().replace(" ", "\n", 1), spanish(name).replace(" ", "\n", 1)
        ax.add_patch(FancyBboxPatch((x, low), width, height, boxstyle="round,pad=0.01", color=colour, lw=0))
        if language() == "en":
            ax.text(
                x + width / 2,
                low + 0.19,
                english,
                ha="center",
                va="center",
                fontsize=14,
                fontweight="bold",
                color="white",
            )
            ax.text(
                x + width / 2,
                low + 0.06,
                in_spanish,
                ha="center",
                va="center",
                fontsize=11,
                color="white",
                style="italic",
            )
        else:  # the class notes' own words, once, in the middle of the box
            ax.text(
                x + width / 2,
                low + height / 2,
                in_spanish[:1].upper() + in_spanish[1:],
                ha="center",
                va="center",
                fontsize=14,
                fontweight="bold",
                color="white",
            )
        if i < len(_NOTES_STAGES) - 1:
            y = low + height / 2
            _arrow(ax, (x + width + 0.005, y), (x + width + gap - 0.005, y), size=22, width=2, colour="#333333")
    if heading:
        _row_heading(
            ax,
            low + height + 0.09,
            _chain_name(_NOTES_NAME, "employee–customer chain"),
        )
    return 0.01 + 2 * (width + gap) + width / 2


def _satisfaction_note(ax, centre: float, box_bottom: float) -> None:
    """Under the customers' satisfaction box: what satisfaction is made of, and where it is judged."""
    ax.text(
        centre,
        0.25,
        _("satisfaction = perception − expectation"),
        ha="center",
        va="center",
        fontsize=13,
        fontweight="bold",
        color=ACCENT,
    )
    ax.text(
        centre,
        0.13,
        _("judged at every moment of truth:\na purchase, a request, a complaint, an inquiry"),
        ha="center",
        va="center",
        fontsize=11.5,
        color="#333333",
    )
    _arrow(ax, (centre, 0.29), (centre, box_bottom - 0.015), size=18, width=1.5, colour=ACCENT)


def idea_diagram(chain: str = "both") -> Figure:
    """The idea of lesson 07: a chain from employees to customers, with satisfaction as perception − expectation.

    Two chains, each under its own name. Heskett et al.'s (1994) **service-profit chain**
    runs from internal service quality through employee satisfaction, retention and
    productivity, external service value, customer satisfaction and loyalty to revenue
    growth and profit. The class notes' **employee–customer chain** keeps four stages:
    satisfied employees → loyal employees → satisfied customers → loyal customers, the
    links the lesson tests on data. Boxes of the same colour are the same stage in both.

    Parameters
    ----------
    chain : {"both", "service-profit", "notes"}
        Which chain to draw: Heskett et al.'s above the class notes' (the default), or one alone.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = idea_diagram()
    >>> len(fig.axes[0].patches)  # 7 + 4 boxes, 6 + 3 arrows between them, one from the definition
    21
    >>> len(idea_diagram("service-profit").axes[0].patches), len(idea_diagram("notes").axes[0].patches)
    (14, 8)
    """
    if chain not in CHAINS:
        raise ValueError(f"chain must be one of {list(CHAINS)}, not {chain!r}")
    # The height of the figure follows the rows drawn, so boxes and text keep one size.
    top = {"both": 1.25, "service-profit": 0.6, "notes": 0.7}[chain]
    fig = plt.figure(figsize=(_WIDE, 1.1 + 5.4 * (top - 0.05)), layout="constrained")
    ax = fig.add_subplot()
    if chain == "service-profit":
        centre = _service_profit_row(ax, 0.36, heading=False)
        _satisfaction_note(ax, centre, 0.36)
        title = _chain_name(_SERVICE_PROFIT_NAME, "service-profit chain")
    elif chain == "notes":
        centre = _notes_row(ax, 0.36, heading=False)
        _satisfaction_note(ax, centre, 0.36)
        title = _chain_name(_NOTES_NAME, "employee–customer chain")
    else:
        _service_profit_row(ax, 0.9, heading=True)
        ax.text(
            0.01,
            0.84,
            _("Same colour: the same stage in both chains; grey: stages only Heskett et al. name"),
            ha="left",
            va="center",
            fontsize=11,
            color="#555555",
            style="italic",
        )
        centre = _notes_row(ax, 0.36, heading=True)
        _satisfaction_note(ax, centre, 0.36)
        title = _("Two chains from employees to customers")
    ax.set(xlim=(0, 1), ylim=(0.05, top), xticks=[], yticks=[], title=title)
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return fig


def gap_grid_chart(grid: pd.DataFrame) -> Figure:
    """Mean satisfaction for each pair (expectation, perception); the diagonals hold equal gaps.

    Only the rows and columns with at least one filled cell are drawn.

    Parameters
    ----------
    grid : pandas.DataFrame
        the table of :func:`helpers.satisfaction.satisfaction_grid`.

    Examples
    --------
    >>> grid = pd.DataFrame(np.full((7, 7), np.nan), index=range(1, 8), columns=range(1, 8))
    >>> grid.loc[5, 5], grid.loc[5, 6] = 3.7, 4.3
    >>> len(gap_grid_chart(grid).axes[0].texts)  # the two cells and the two corner notes
    4
    """
    rows = grid.index[grid.notna().any(axis=1)]
    columns = grid.columns[grid.notna().any(axis=0)]
    if len(rows):
        grid = grid.loc[rows.min() : rows.max(), columns.min() : columns.max()]
    fig = plt.figure(figsize=(10.5, 6.2), layout="constrained")
    ax = fig.add_subplot()
    values = grid.to_numpy(dtype=float)
    (y0, y1), (x0, x1) = (grid.index.min(), grid.index.max()), (grid.columns.min(), grid.columns.max())
    image = ax.imshow(
        values,
        origin="lower",
        cmap="cividis",
        vmin=1,
        vmax=5,
        aspect="auto",
        extent=(x0 - 0.5, x1 + 0.5, y0 - 0.5, y1 + 0.5),
    )
    for row, expectation in enumerate(grid.index):
        for col, perception in enumerate(grid.columns):
            value = values[row, col]
            if np.isfinite(value):
                ax.text(
                    perception,
                    expectation,
                    localize(f"{value:.1f}"),
                    ha="center",
                    va="center",
                    fontsize=13,
                    fontweight="bold",
                    color="black" if value > 3.2 else "white",
                )
    ax.text(
        0.02,
        0.97,
        _("perception below expectation:\nlet down"),
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=12,
        color="#333333",
    )
    ax.text(
        0.98,
        0.03,
        _("perception above expectation:\ndelighted"),
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=12,
        color="#333333",
    )
    ax.set(
        xticks=list(grid.columns),
        yticks=list(grid.index),
        xlabel=_("Perception (percepción), 1–7"),
        ylabel=_("Expectation (expectativa), 1–7"),
        title=_("Mean satisfaction (1–5) by expectation and perception"),
    )
    ax.grid(False)
    fig.colorbar(image, ax=ax, label=_("mean satisfaction answer (1–5)"), shrink=0.85)
    return fig


def touchpoint_gap_chart(table: pd.DataFrame) -> Figure:
    """The satisfaction gap after each touchpoint, when it went well and when it went badly.

    The answers of customers without a recorded contact get a grey bar of their own, the
    baseline to compare with.

    Parameters
    ----------
    table : pandas.DataFrame
        the table of :func:`helpers.satisfaction.touchpoint_table`.

    Examples
    --------
    >>> index = pd.MultiIndex.from_tuples([("complaint", "went well"), ("complaint", "went badly"),
    ...     ("no recorded contact", "none")], names=["touchpoint", "moment"])
    >>> table = pd.DataFrame({"answers": [100, 50, 900], "gap": [0.1, -0.8, 0.3]}, index=index)
    >>> len(touchpoint_gap_chart(table).axes[0].patches)
    3
    """
    fig = plt.figure(figsize=(_WIDE, 6.2), layout="constrained")
    ax = fig.add_subplot()
    names = [t for t in table.index.get_level_values("touchpoint").unique() if t != "no recorded contact"]
    y = np.arange(len(names))[::-1] + 1.0

    def labelled(bars, gaps, counts):
        ax.bar_label(
            bars,
            labels=[
                f"{_signed(g, '+.2f')} (n = {localize(f'{n:,}')})" if np.isfinite(g) else ""
                for g, n in zip(gaps, counts)
            ],
            padding=4,
            fontsize=11.5,
        )

    moments = (
        (0.2, "went well", _("the moment went well"), ACCENT),
        (-0.2, "went badly", _("the moment went badly"), NEGATIVE),
    )
    for shift, moment, name, colour in moments:
        gaps = [table["gap"].get((t, moment), np.nan) for t in names]
        counts = [table["answers"].get((t, moment), 0) for t in names]
        labelled(ax.barh(y + shift, gaps, height=0.38, color=colour, label=name), gaps, counts)
    ticks, tick_labels = list(y), [category(n) for n in names]
    if ("no recorded contact", "none") in table.index:
        base = table.loc[("no recorded contact", "none")]
        labelled(ax.barh([0], [base["gap"]], height=0.38, color=_GREY), [base["gap"]], [int(base["answers"])])
        ticks.append(0)
        tick_labels.append(_("No recorded contact"))
    ax.axvline(0, color="#333333", lw=1)
    ax.set(
        yticks=ticks,
        yticklabels=tick_labels,
        xlabel=_("Mean gap: perception − expectation (points, 1–7 scale)"),
        title=_("The gap after each touchpoint (30 days before the answer)"),
    )
    ax.margins(x=0.3)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    # a free band above the bars for the legend, on the wider side of the zero line, so that it covers
    # no bar, no label and no line
    ax.set_ylim(-0.6, len(names) + 1.3)
    low, high = ax.get_xlim()
    ax.legend(loc="upper left" if -low >= high else "upper right")
    return fig


def _overlap(a: Bbox, b: Bbox) -> float:
    """The area two boxes (display units) share; 0 when they do not touch."""
    width, height = min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)
    return width * height if width > 0 and height > 0 else 0.0


def _place_bubble_labels(ax, bubbles, texts, *, lines=(), avoid=()) -> list:
    """Label each bubble on the side where its text covers nothing: no other bubble or label, no line, no edge.

    Tries, for each bubble in turn, a label under it, above it, to its right, to its left and
    the corners in between, and keeps the first that overlaps nothing (else the one that
    overlaps least). Call it once the axes' limits are set: positions are measured on screen.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    bubbles : sequence of (x, y, radius)
        centres in data units, radii in points.
    texts : sequence of str
        one label per bubble.
    lines : sequence of (axis, value)
        reference lines to keep clear: ``("y", 0.05)`` is a horizontal line at 0.05, ``("x", 0.5)`` a vertical one.
    avoid : sequence of matplotlib artists
        other texts to keep clear (e.g. the quadrant names).

    Returns
    -------
    list of matplotlib.text.Annotation
    """
    fig = ax.figure
    fig.draw_without_rendering()  # settle the layout: the positions below are in screen units
    frame = ax.get_window_extent()
    to_px = fig.dpi / 72
    obstacles = [artist.get_window_extent() for artist in avoid]
    for axis, value in lines:
        if axis == "y":
            level = ax.transData.transform((0, value))[1]
            obstacles.append(Bbox.from_extents(frame.x0, level - 2, frame.x1, level + 2))
        else:
            level = ax.transData.transform((value, 0))[0]
            obstacles.append(Bbox.from_extents(level - 2, frame.y0, level + 2, frame.y1))
    for x, y, radius in bubbles:
        cx, cy = ax.transData.transform((x, y))
        r = (radius + 2) * to_px
        obstacles.append(Bbox.from_extents(cx - r, cy - r, cx + r, cy + r))
    labels = []
    for (x, y, radius), text in zip(bubbles, texts):
        step = radius + 5
        candidates = (
            ((0, -step), "center", "top"),
            ((0, step), "center", "bottom"),
            ((step, 0), "left", "center"),
            ((-step, 0), "right", "center"),
            ((-radius, -step), "left", "top"),
            ((radius, -step), "right", "top"),
            ((-radius, step), "left", "bottom"),
            ((radius, step), "right", "bottom"),
        )
        annotation = ax.annotate(
            text, (x, y), xytext=(0, 0), textcoords="offset points", fontsize=12, fontweight="bold"
        )
        best = None
        for offset, ha, va in candidates:
            annotation.xyann = offset
            annotation.set(ha=ha, va=va)
            box = annotation.get_window_extent()
            outside = box.width * box.height - _overlap(box, frame.shrunk(0.99, 0.99))
            score = 10 * outside + sum(_overlap(box, other) for other in obstacles)
            if best is None or score < best[0]:
                best = (score, offset, ha, va, box)
            if score == 0:
                break
        _, offset, ha, va, box = best
        annotation.xyann = offset
        annotation.set(ha=ha, va=va)
        obstacles.append(box)
        labels.append(annotation)
    return labels


def moments_chart(moments: pd.DataFrame, *, detectable_from: float = 0.5, important_from: float = 0.05) -> Figure:
    """The moments of truth on two axes: detectability and importance, one bubble per touchpoint.

    Each bubble's label goes where it covers no other bubble, label, threshold line, quadrant
    name or axis line (under the bubble when there is room); the vertical axis leaves room
    below the lowest bubble and above the highest. A touchpoint whose importance or detectability cannot
    be measured (no bad or no good moment followed) gets no bubble: the x-axis label names it.

    Parameters
    ----------
    moments : pandas.DataFrame
        the table of :func:`helpers.satisfaction.moments_of_truth`.
    detectable_from, important_from : float, optional
        the thresholds used to classify them.

    Examples
    --------
    >>> moments = pd.DataFrame({"detectability": [0.0, 0.8, 0.3], "importance": [0.09, 0.1, np.nan],
    ...     "bad_moments": [300, 900, 0]}, index=["purchase", "complaint", "inquiry"])
    >>> fig = moments_chart(moments)
    >>> len(fig.axes[0].collections[0].get_offsets())  # the inquiry, unmeasurable, is not drawn at zero
    2
    >>> "Inquiry" in fig.axes[0].get_xlabel()
    True
    """
    fig = plt.figure(figsize=(_WIDE, 6.6), layout="constrained")
    ax = fig.add_subplot()
    measured = moments[["detectability", "importance"]].notna().all(axis=1)
    drawn = moments[measured]
    x = drawn["detectability"].to_numpy(dtype=float)
    y = drawn["importance"].to_numpy(dtype=float)
    size = drawn["bad_moments"].to_numpy(dtype=float)
    # Room under the lowest bubble for its label (about a quarter of the height) and above the highest
    # for the quadrant names (about a sixth): solve for the span that leaves both.
    high = max(np.max(y, initial=important_from), important_from * 1.5)
    low = min(np.min(y, initial=0.0), 0.0)
    span = (high - low) / (1 - 0.27 - 0.17)
    bottom, top = low - 0.27 * span, high + 0.17 * span
    ax.axhspan(important_from, top, color=_GREY, alpha=0.12, lw=0)
    ax.axvline(detectable_from, color="#333333", ls="--", lw=1.2)
    ax.axhline(important_from, color="#333333", ls="--", lw=1.2)
    area = 80 + 1500 * size / max(size.max(initial=0), 1)  # points²
    ax.scatter(x, y, s=area, color=ACCENT, alpha=0.75, edgecolor="white", lw=1.5)
    corners = {
        "not detectable, more important": (0.01, 0.99, "left", "top"),
        "detectable, more important": (0.99, 0.99, "right", "top"),
        "not detectable, less important": (0.01, 0.01, "left", "bottom"),
        "detectable, less important": (0.99, 0.01, "right", "bottom"),
    }
    names = [
        ax.text(
            cx,
            cy,
            with_spanish(kind, sep="\n"),
            ha=ha,
            va=va,
            fontsize=11.5,
            color="#444444",
            transform=ax.transAxes,
            style="italic",
        )
        for kind, (cx, cy, ha, va) in corners.items()
    ]
    xlabel = _("Detectability: share of bad moments the company's record flags (not resolved)")
    if not measured.all():
        missing = ", ".join(category(name) for name in moments.index[~measured])
        xlabel += "\n" + _("Not drawn, not measurable (no bad or no good moment to compare): {touchpoints}").format(
            touchpoints=missing
        )
    ax.xaxis.set_major_formatter(FuncFormatter(percent))
    ax.yaxis.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(_points))
    ax.set(
        xlim=(-0.08, 1.08),
        ylim=(bottom, top),
        xlabel=xlabel,
        ylabel=_("Importance: extra customers lost\nper 100 bad moments (90 days)"),
        title=_("Moments of truth (momentos de la verdad): detectable? important?"),
    )
    _place_bubble_labels(
        ax,
        list(zip(x, y, np.sqrt(area) / 2)),
        [
            _("{touchpoint}\n{moments} bad moments").format(touchpoint=category(name), moments=localize(f"{n:,.0f}"))
            for name, n in zip(drawn.index, size)
        ],
        lines=(("y", important_from), ("x", detectable_from)),
        avoid=names,
    )
    return fig


def recovery_chart(recovery: pd.DataFrame, comparisons: pd.DataFrame) -> Figure:
    """Service recovery: who left after an unresolved or resolved complaint, or a helped request.

    Parameters
    ----------
    recovery : pandas.DataFrame
        the table of :func:`helpers.satisfaction.recovery_table`.
    comparisons : pandas.DataFrame
        rows = ways of comparing (e.g. "crude", "same rating band"), with a
        ``ratio`` column: how many times more often customers left after an unresolved
        complaint than after a resolved one.

    Examples
    --------
    >>> recovery = pd.DataFrame({"contacts": [10, 12, 40], "left_share": [0.3, 0.1, 0.1]},
    ...     index=["complaint not resolved", "complaint resolved", "request or inquiry, resolved"])
    >>> fig = recovery_chart(recovery, pd.DataFrame({"ratio": [2.5, 2.0]}, index=["crude", "same rating band"]))
    >>> len(fig.axes)
    2
    """
    fig = plt.figure(figsize=(_WIDE, 5.2), layout="constrained")
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.5, 1]})
    colours = [NEGATIVE, ACCENT, _GREY]
    names = [_("Complaint\nnot resolved"), _("Complaint\nresolved"), _("Request or inquiry,\nresolved")]
    bars = left.bar(names, recovery["left_share"].to_numpy(dtype=float), color=colours[: len(recovery)])
    shares = zip(recovery["left_share"], recovery["contacts"])
    left.bar_label(
        bars,
        labels=[
            _("{share}\n({contacts} contacts)").format(share=localize(f"{v:.0%}"), contacts=localize(f"{n:,}"))
            if np.isfinite(v)
            else _("not measurable\n({contacts} contacts)").format(contacts=localize(f"{n:,}"))
            for v, n in shares
        ],
        padding=3,
        fontsize=11.5,
    )
    left.yaxis.set_major_formatter(FuncFormatter(percent))
    left.margins(y=0.3)
    left.set(ylabel=_("share who left within 90 days"), title=_("Who left after the contact"))
    ratios = comparisons["ratio"].to_numpy(dtype=float)
    names = [textwrap.fill(category(n), 16) for n in comparisons.index][::-1]
    bars = right.barh(names, ratios[::-1], color=SECOND)
    right.bar_label(
        bars,
        labels=[localize(f"× {v:.2f}") if np.isfinite(v) else _("not measurable") for v in ratios[::-1]],
        padding=3,
    )
    right.axvline(1, color="#333333", lw=1)
    right.margins(x=0.25)
    right.set(xlabel=_("risk of leaving, unresolved ÷ resolved"), title=_("Unresolved vs resolved"))
    right.grid(axis="y", visible=False)
    right.grid(axis="x", visible=True)
    return fig


def _months_axis(ax, which: str, months: np.ndarray) -> None:
    """A log-scale axis of months with plain ticks (5, 10, 20, 50, …) instead of powers of ten."""
    getattr(ax, f"set_{which}scale")("log")
    axis = ax.xaxis if which == "x" else ax.yaxis
    ticks = [t for t in (1, 2, 5, 10, 20, 50, 100, 200, 500) if months.min() / 1.5 <= t <= months.max() * 1.5]
    axis.set_ticks(ticks, [str(t) for t in ticks])
    axis.set_minor_formatter(FuncFormatter(lambda *unused: ""))


_CHAIN_TITLES = {  # title, x label, y label of each link (translated where drawn)
    ("satisfaction", "log_tenure"): (
        N_("Satisfied → loyal employees"),
        N_("employee satisfaction (1–5)"),
        N_("tenure, months (log scale)"),
    ),
    ("log_tenure", "customer_satisfaction"): (
        N_("Loyal employees → satisfied customers"),
        N_("employee tenure, months (log scale)"),
        N_("customers' mean satisfaction (1–5)"),
    ),
    ("satisfaction", "customer_satisfaction"): (
        N_("Satisfied employees → satisfied customers"),
        N_("employee satisfaction (1–5)"),
        N_("customers' mean satisfaction (1–5)"),
    ),
    ("customer_satisfaction", "monthly_churn"): (
        N_("Satisfied → loyal customers"),
        N_("customers' mean satisfaction (1–5)"),
        N_("customers' monthly churn"),
    ),
}
#: Names these charts show that come as data (the ways lesson 07 compares, a recovery table's rows),
#: for the catalogue; translated where drawn, through :func:`helpers.plots.category`.
DATA_WORDS = (
    N_("Crude"),
    N_("Within bands of other ratings"),
    N_("Same true service quality"),
    N_("Same rating band"),
)


def chain_chart(table: pd.DataFrame, links: pd.DataFrame) -> Figure:
    """The class notes' employee–customer chain link by link: one scatter per link, one dot per employee.

    Parameters
    ----------
    table : pandas.DataFrame
        the table of :func:`helpers.satisfaction.employee_chain`.
    links : pandas.DataFrame
        the table of :func:`helpers.satisfaction.chain_links` (its ``x``, ``y``, ``r``,
        ``lower``, ``upper`` columns), up to four links.

    Examples
    --------
    >>> table = pd.DataFrame({"satisfaction": [3.0, 4.0, 5.0], "log_tenure": [2.5, 3.0, 3.6]})
    >>> links = pd.DataFrame({"x": ["satisfaction"], "y": ["log_tenure"], "r": [0.99], "lower": [0.5],
    ...     "upper": [1.0], "slope": [0.55]})
    >>> len(chain_chart(table, links).axes)
    1
    """
    count = len(links)
    fig = plt.figure(figsize=(_WIDE / 2 * min(count, 2), 4.6 * ((count + 1) // 2)), layout="constrained")
    axes = np.atleast_1d(fig.subplots((count + 1) // 2, min(count, 2))).ravel()
    for ax, (_index, link) in zip(axes, links.iterrows()):
        x, y = link["x"], link["y"]
        data = table[[x, y]].dropna()
        xs, ys = data[x].to_numpy(dtype=float), data[y].to_numpy(dtype=float)
        if x == "log_tenure":
            xs = np.exp(xs)
            _months_axis(ax, "x", xs)
        if y == "log_tenure":
            ys = np.exp(ys)
            _months_axis(ax, "y", ys)
        ax.scatter(xs, ys, s=30, color=ACCENT, alpha=0.7, lw=0)
        raw_x, raw_y = data[x].to_numpy(dtype=float), data[y].to_numpy(dtype=float)
        if len(data) >= 2 and np.ptp(raw_x) > 0:
            slope, intercept = np.polyfit(raw_x, raw_y, 1)
            line_x = np.linspace(raw_x.min(), raw_x.max(), 50)
            line_y = intercept + slope * line_x
            ax.plot(
                np.exp(line_x) if x == "log_tenure" else line_x,
                np.exp(line_y) if y == "log_tenure" else line_y,
                color=SECOND,
                lw=2.2,
            )
        names = _CHAIN_TITLES.get((x, y))
        if names is None:
            title, xlabel, ylabel = f"{category(x)} → {category(y)}", category(x), category(y)
        else:
            title, xlabel, ylabel = (_(name) for name in names)
        interval = _("r = {r} (95% CI {lower} to {upper})").format(
            r=_signed(link["r"], "+.2f"), lower=_signed(link["lower"], "+.2f"), upper=_signed(link["upper"], "+.2f")
        )
        ax.set_title(f"{title}\n{interval}", fontsize=13)
        ax.set(xlabel=xlabel, ylabel=ylabel)
        if y == "monthly_churn":
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: localize(f"{v:.1%}")))
    for ax in axes[count:]:
        ax.set_visible(False)
    return fig


def nps_chart(by_period: pd.DataFrame, by_group: pd.DataFrame, *, group_title: str = N_("NPS by group")) -> Figure:
    """NPS over time (with its confidence band) and by group (with intervals).

    Parameters
    ----------
    by_period : pandas.DataFrame
        :func:`helpers.satisfaction.nps_table` indexed by period (e.g. quarters).
    by_group : pandas.DataFrame
        :func:`helpers.satisfaction.nps_table` of one or more groupings stacked
        (index = group labels).
    group_title : str, optional
        the title of the right panel.

    Examples
    --------
    >>> table = pd.DataFrame({"answers": [50, 60], "nps": [-20.0, -10.0], "lower": [-35.0, -24.0],
    ...     "upper": [-5.0, 4.0]}, index=["2024Q1", "2024Q2"])
    >>> len(nps_chart(table, table).axes)
    2
    """
    fig = plt.figure(figsize=(_WIDE, 5.4), layout="constrained")
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.5, 1]})
    periods = [str(p) for p in by_period.index]
    steps = np.arange(len(periods))
    left.fill_between(
        steps,
        by_period["lower"],
        by_period["upper"],
        color=ACCENT,
        alpha=0.18,
        lw=0,
        label=_("95% confidence interval"),
    )
    left.plot(steps, by_period["nps"], marker="o", color=ACCENT, label="NPS")
    left.axhline(0, color="#333333", lw=1)
    every = next((k for k in (1, 2, 4, 8, 12, 20, 40) if len(periods) / k <= 4.5), 80)  # at most 5 labels
    left.set_xticks(steps[::every], periods[::every])
    left.set(ylabel=_("NPS (points)"), title=_("NPS by quarter of the answer"))
    left.legend(loc="best")
    names = [category(g) for g in by_group.index][::-1]
    y = np.arange(len(names))
    values = by_group["nps"].to_numpy(dtype=float)[::-1]
    low = by_group["lower"].to_numpy(dtype=float)[::-1]
    high = by_group["upper"].to_numpy(dtype=float)[::-1]
    colours = [PALETTES["segment"].get(str(g), ACCENT) for g in by_group.index][::-1]
    right.errorbar(values, y, xerr=[values - low, high - values], fmt="none", ecolor="#666666", capsize=4, lw=1.5)
    right.scatter(values, y, s=90, color=colours, zorder=3)
    # The values in a column right of the panel: a label above its dot would cross the zero line.
    column = right.get_yaxis_transform()
    for yi, value, n in zip(y, values, by_group["answers"].to_numpy()[::-1]):
        answers = localize(f"{n:,}")
        if np.isfinite(value):
            text = f"{_signed(value, '+.0f')} (n = {answers})"
        else:
            text = _("not measurable (n = {answers})").format(answers=answers)
        right.text(1.03, yi, text, transform=column, ha="left", va="center", fontsize=11.5)
    right.axvline(0, color="#333333", lw=1)
    right.margins(x=0.1)
    right.set(
        yticks=y, yticklabels=names, ylim=(-0.6, len(names) - 0.3), xlabel=_("NPS (points)"), title=_(group_title)
    )
    right.grid(axis="y", visible=False)
    right.grid(axis="x", visible=True)
    return fig


def projection_chart(
    measures: pd.DataFrame,
    *,
    touchpoint: str,
    improvement: float,
    potential: pd.Series | None = None,
    axis_max: pd.Series | None = None,
) -> Figure:
    """The what-if: the change in satisfaction, NPS and retention (one panel each).

    Each panel shows the projected change as a bar on an axis that starts at zero, so a small
    change looks small. ``potential`` draws a dashed line where the change would be if every bad
    moment of the touchpoint went well; ``axis_max`` fixes the end of each axis (e.g. the largest
    change any touchpoint could bring), so that moving a slider moves the bar, not the axis.

    Parameters
    ----------
    measures : pandas.DataFrame
        ``Projection.measures`` of :func:`helpers.satisfaction.project_improvement`.
    touchpoint : str
        for the title.
    improvement : float
        for the title.
    potential, axis_max : pandas.Series, optional
        optional changes indexed like ``measures`` (same units).

    Examples
    --------
    >>> measures = pd.DataFrame({"now": [3.9, -14.0, 0.64], "projected": [3.95, -13.0, 0.65],
    ...     "change": [0.05, 1.0, 0.01]}, index=["satisfaction", "nps", "retention"])
    >>> len(projection_chart(measures, touchpoint="complaint", improvement=0.5).axes)
    3
    """
    fig = fixed_figure((_WIDE, 3.8))  # fixed axes: a widget redraws this chart on every change
    axes = [fig.add_axes((left, 0.145, 0.295, 0.625)) for left in (0.025, 0.36, 0.695)]
    panels = (
        ("satisfaction", _("Mean satisfaction (1–5)"), 1.0, ".3f", "+.3f", _("change in points")),
        ("nps", "NPS", 1.0, "+.1f", "+.2f", _("change in NPS points")),
        ("retention", _("12-month retention"), 100.0, ".1f", "+.2f", _("change in percentage points")),
    )
    for ax, (row, title, unit, level_fmt, change_fmt, xlabel) in zip(axes, panels):
        now, projected = measures.loc[row, "now"] * unit, measures.loc[row, "projected"] * unit
        change = projected - now
        ends = [0.0]
        if np.isfinite(change):
            bar = ax.barh([0], [change], height=0.5, color=ACCENT if change >= 0 else NEGATIVE)
            ax.bar_label(bar, labels=[_signed(change, change_fmt)], padding=4, fontsize=13, fontweight="bold")
            ends.append(change)
        else:  # no bar at zero for a change the data cannot measure
            ax.text(0.5, 0.5, _("not measurable"), transform=ax.transAxes, ha="center", va="center", fontsize=13)
        full = float(potential[row]) * unit if potential is not None else np.nan
        if np.isfinite(full):
            ends.append(full)
        if axis_max is not None and np.isfinite(axis_max[row]):
            ends.append(float(axis_max[row]) * unit)
        low, high = min(ends), max(ends)
        span = (high - low) or 1e-3
        start, end = (low - 0.05 * span if low < 0 else 0), high + 0.3 * span
        ax.set_xlim(start, end)
        if np.isfinite(full):
            ax.axvline(full, color=SECOND, ls="--", lw=2)
            # the words on the side of the line with more room, so they never leave the panel
            right_half = (full - start) > (end - start) / 2
            ax.text(
                full,
                0.42,
                _("all fixed") + " " if right_half else " " + _("all fixed"),
                color=SECOND,
                fontsize=12,
                va="bottom",
                ha="right" if right_half else "left",
            )
        ax.axvline(0, color="#333333", lw=1)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, prune="upper"))  # no tick label at the panel's edge
        suffix = " %" if unit == 100.0 else ""
        levels = f"{_signed(now, level_fmt)}{suffix} → {_signed(projected, level_fmt)}{suffix}"
        ax.set(yticks=[], ylim=(-0.6, 0.75), xlabel=xlabel)
        ax.set_title(f"{title}\n{levels}", fontsize=14)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
    fig.suptitle(
        _("If {share} of the bad {touchpoint} moments went well").format(
            share=localize(f"{improvement:.0%}"), touchpoint=category(touchpoint).lower()
        ),
        fontsize=15,
        fontweight="bold",
        x=0.01,
        ha="left",
    )
    return fig


def importance_truth_chart(comparison: pd.DataFrame) -> Figure:
    """Importance of each touchpoint measured crudely and among equally well served customers.

    Parameters
    ----------
    comparison : pandas.DataFrame
        rows = touchpoints; columns = ways of measuring (e.g. "crude", "same true
        service quality"), values = importance (extra share of customers lost per bad moment).

    Examples
    --------
    >>> comparison = pd.DataFrame({"crude": [0.09, 0.1], "same true service quality": [0.02, 0.03]},
    ...     index=["purchase", "complaint"])
    >>> len(importance_truth_chart(comparison).axes[0].patches)
    4
    """
    fig = plt.figure(figsize=(_WIDE, 5), layout="constrained")
    ax = fig.add_subplot()
    steps = np.arange(len(comparison))
    width = 0.8 / comparison.shape[1]
    for i, (column, colour) in enumerate(zip(comparison.columns, (_GREY, ACCENT, SECOND, NEGATIVE))):
        values = comparison[column].to_numpy(dtype=float)
        bars = ax.bar(
            steps + (i - (comparison.shape[1] - 1) / 2) * width,
            values,
            width=width,
            color=colour,
            label=category(column),
        )
        ax.bar_label(
            bars, labels=[_signed(100 * v, "+.1f") if np.isfinite(v) else "" for v in values], padding=3, fontsize=11.5
        )
        for step in steps[~np.isfinite(values)]:  # no bar, and no dot at zero, for an effect the data cannot measure
            position = step + (i - (comparison.shape[1] - 1) / 2) * width
            ax.annotate(
                _("not\nmeasurable"),
                (position, 0),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                va="bottom",
                fontsize=11.5,
                color="#555555",
                style="italic",
            )
    ax.axhline(0, color="#333333", lw=1)
    ax.yaxis.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(_points))
    ax.margins(y=0.15)
    ax.set(
        xticks=steps,
        xticklabels=[category(t) for t in comparison.index],
        ylabel=_("extra customers lost\nper 100 bad moments"),
        title=_("Importance of a bad moment: how it is measured matters"),
    )
    ax.legend(loc="best")
    return fig
