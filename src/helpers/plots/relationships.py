"""Charts of lesson 01: the relationship ladder, stage mixes, migration and projections.

Every function draws with the course theme and the stage colours of
:data:`helpers.plots.PALETTES` (``lost`` in the course's negative colour), takes tidy
pandas data from :mod:`helpers.relationships`, and returns the ``Figure``.

References: Johnson & Selnes (2004) for the stages; Pfeifer & Carraway (2000) for the
Markov chain of migration.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import FuncFormatter

from helpers import schema
from helpers.formats import localize
from helpers.glossary import spanish
from helpers.i18n import N_, _, language
from helpers.plots import NEGATIVE, PALETTES, axes_or_new, category, count, money, percent, with_spanish

__all__ = [
    "STATE_COLOURS",
    "confusion_heatmap",
    "migration_comparison",
    "migration_heatmap",
    "mix_comparison_chart",
    "projection_chart",
    "relationship_ladder",
    "stage_mix_chart",
    "value_bars",
]

STAGES = schema.STAGES
#: Colour of each state of the chain: the stage palette plus ``lost``.
STATE_COLOURS = {**PALETTES["stage"], "lost": NEGATIVE}

_LADDER = {  # source of advantage, primary goal and time horizon (Johnson & Selnes 2004), translated where drawn
    "stranger": (N_("attractiveness"), N_("acquire"), N_("none")),
    "acquaintance": (N_("satisfaction"), N_("satisfy"), N_("short")),
    "friend": (N_("+ trust"), N_("retain"), N_("medium")),
    "partner": (N_("+ commitment"), N_("enhance"), N_("long")),
}


def relationship_ladder(ax: Axes | None = None) -> Figure:
    """The four stages as a staircase, with promotions, demotions and the way out to *lost*.

    Each step shows the stage (English and Spanish), its source of competitive advantage
    and the primary goal of relationship marketing (Johnson & Selnes 2004).

    >>> fig = relationship_ladder()
    >>> len([p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)])
    5
    """
    fig, ax = axes_or_new(ax, figsize=(12, 6.2))
    width, height = 2.45, 1.8
    for i, stage in enumerate(STAGES):
        x, y = i * 2.95, 1.45 + i * 0.95
        ax.add_patch(
            FancyBboxPatch(
                (x, y),
                width,
                height,
                boxstyle="round,pad=0.04,rounding_size=0.15",
                facecolor=STATE_COLOURS[stage],
                edgecolor="none",
                alpha=0.95,
            )
        )
        text_colour = "white" if stage in ("friend", "partner") else "black"
        advantage, goal, horizon = _LADDER[stage]
        ax.text(
            x + width / 2,
            y + height - 0.3,
            f"{category(stage)}",
            ha="center",
            va="center",
            fontsize=17,
            fontweight="bold",
            color=text_colour,
        )
        if language() == "en":  # the Spanish edition names the stage once
            ax.text(
                x + width / 2,
                y + height - 0.68,
                f"({spanish(stage)})",
                ha="center",
                va="center",
                fontsize=14,
                style="italic",
                color=text_colour,
            )
        ax.text(
            x + width / 2,
            y + 0.5,
            _("{advantage}\ngoal: {goal}\nhorizon: {horizon}").format(
                advantage=_(advantage), goal=_(goal), horizon=_(horizon)
            ),
            ha="center",
            va="center",
            fontsize=14,
            color=text_colour,
            linespacing=1.3,
        )
        if i < len(STAGES) - 1:  # promotion (up) and demotion (back) arrows
            ax.add_patch(
                FancyArrowPatch(
                    (x + width + 0.05, y + height * 0.72),
                    (x + 2.95 - 0.05, y + 0.95 + height * 0.72),
                    arrowstyle="-|>",
                    mutation_scale=20,
                    color="#333333",
                    lw=2,
                )
            )
            ax.add_patch(
                FancyArrowPatch(
                    (x + 2.95 - 0.05, y + 0.95 + height * 0.22),
                    (x + width + 0.05, y + height * 0.22),
                    arrowstyle="-|>",
                    mutation_scale=16,
                    color="#888888",
                    lw=1.5,
                    linestyle="--",
                )
            )
        ax.add_patch(
            FancyArrowPatch(
                (x + width / 2, y - 0.04),
                (x + width / 2, 0.72),
                arrowstyle="-|>",
                mutation_scale=16,
                color=NEGATIVE,
                lw=1.5,
                alpha=0.8,
            )
        )
    ax.add_patch(
        FancyBboxPatch(
            (0, 0.05),
            3 * 2.95 + width,
            0.6,
            boxstyle="round,pad=0.04,rounding_size=0.12",
            facecolor=NEGATIVE,
            edgecolor="none",
            alpha=0.9,
        )
    )
    ax.text(
        (3 * 2.95 + width) / 2,
        0.35,
        _("Lost (perdido): a customer who leaves does not come back"),
        ha="center",
        va="center",
        fontsize=15,
        color="white",
        fontweight="bold",
    )
    ax.text(
        0.0,
        1.45 + 3 * 0.95 + height + 0.1,
        _(
            "each box: advantage, goal, horizon\n"
            "solid arrow: promotion, one stage up\ndashed arrow: demotion, one stage down\n"
            "arrow down: the customer is lost"
        ),
        ha="left",
        va="top",
        fontsize=14,
        color="#333333",
        linespacing=1.4,
    )
    ax.set_xlim(-0.15, 3 * 2.95 + width + 0.15)
    ax.set_ylim(-0.05, 1.45 + 3 * 0.95 + height + 0.15)
    ax.set_axis_off()
    ax.set_title(_("The relationship ladder (Johnson & Selnes 2004)"))
    return fig


def _heatmap(
    ax: Axes, values: np.ndarray, texts: list[list[str]], rows: list[str], columns: list[str], vmax: float
) -> None:
    ax.imshow(values, cmap="Blues", vmin=0, vmax=vmax, aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            dark = values[i, j] > 0.55 * vmax
            ax.text(
                j,
                i,
                texts[i][j],
                ha="center",
                va="center",
                fontsize=14,
                color="white" if dark else "#222222",
                fontweight="bold" if i == j else "normal",
            )
    ax.set_xticks(range(len(columns)), [category(c) for c in columns])
    ax.set_yticks(range(len(rows)), [category(r) for r in rows])
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()


def confusion_heatmap(
    confusion: pd.DataFrame, *, title: str = N_("Observed stage against the latent stage"), ax: Axes | None = None
) -> Figure:
    """Heatmap of a confusion matrix: counts, shaded by the share of each actual stage (row).

    Parameters
    ----------
    confusion : counts, index actual stage, columns predicted stage (from
        :func:`helpers.relationships.confusion_matrix`).

    >>> table = pd.DataFrame([[8, 2], [1, 9]], index=["stranger", "friend"], columns=["stranger", "friend"])
    >>> [t.get_text() for t in confusion_heatmap(table).axes[0].texts][:2]
    ['8\\n80%', '2\\n20%']
    """
    fig, ax = axes_or_new(ax, figsize=(8.5, 6))
    counts = confusion.to_numpy(dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    texts = [
        [localize(f"{int(c):,}\n{s:.0%}" if s >= 0.005 or c == 0 else f"{int(c):,}\n<1%") for c, s in zip(row_c, row_s)]
        for row_c, row_s in zip(counts, shares)
    ]
    _heatmap(ax, shares, texts, list(confusion.index), list(confusion.columns), vmax=1.0)
    ax.set_xlabel(_("observed stage (rule)"))
    ax.set_ylabel(_("latent stage (truth)"))
    ax.set_title(_(title), pad=12)
    return fig


def migration_heatmap(
    transition: pd.DataFrame, *, title: str = N_("Migration between stages in one period"), ax: Axes | None = None
) -> Figure:
    """Heatmap of a transition matrix: the probability of each move, rows *from*, columns *to*.

    >>> P = pd.DataFrame(np.eye(5), index=list(STATE_COLOURS), columns=list(STATE_COLOURS))
    >>> len(migration_heatmap(P).axes[0].texts)
    25
    """
    fig, ax = axes_or_new(ax, figsize=(9, 6))
    values = transition.to_numpy(dtype=float)
    texts = [[f"{v:.0%}" if v >= 0.005 or v == 0 else "<1%" for v in row] for row in values]
    _heatmap(ax, values, texts, list(transition.index), list(transition.columns), vmax=1.0)
    ax.set_xlabel(_("to (one period later)"))
    ax.set_ylabel(_("from"))
    ax.set_title(_(title), pad=12)
    return fig


def migration_comparison(
    observed: pd.DataFrame,
    latent: pd.DataFrame,
    *,
    titles: tuple[str, str] = (N_("Observed stages"), N_("Latent stages (truth)")),
) -> Figure:
    """Two migration heatmaps one above the other, e.g. observed stages against the latent ones.

    Stacked, each matrix keeps the size of a single :func:`migration_heatmap` (side by
    side, a notebook shrinks the wide figure and its numbers fall under 12 px), and the
    same cell of the two matrices sits in the same column.

    >>> P = pd.DataFrame(np.eye(5), index=list(STATE_COLOURS), columns=list(STATE_COLOURS))
    >>> len(migration_comparison(P, P).axes)
    2
    """
    fig, axes = plt.subplots(2, 1, figsize=(9, 11.5))
    for ax, matrix, title in zip(axes, (observed, latent), titles):
        migration_heatmap(matrix, title=title, ax=ax)
    return fig


def _stack(ax: Axes, frame: pd.DataFrame, *, share: bool) -> None:
    columns = [str(c) for c in frame.columns if str(c) in STAGES]
    data = frame[columns].astype(float)
    if share:
        data = data.div(data.sum(axis=1).replace(0, np.nan), axis=0).fillna(0.0)
    ax.stackplot(
        data.index,
        data.to_numpy().T,
        labels=[with_spanish(c) for c in columns],
        colors=[STATE_COLOURS[c] for c in columns],
        alpha=0.92,
    )
    ax.margins(x=0)
    if share:
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(FuncFormatter(percent))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(count))


def stage_mix_chart(
    mix: pd.DataFrame, *, share: bool = False, title: str = N_("Active customers by stage"), ax: Axes | None = None
) -> Figure:
    """Stacked areas of active customers per stage over time (counts, or shares with ``share=True``).

    Parameters
    ----------
    mix : index dates (or periods), one column per stage (e.g. from
        :func:`helpers.relationships.stage_mix_over_time`); other columns are ignored.

    >>> mix = pd.DataFrame({"stranger": [10, 8], "friend": [0, 4]})
    >>> len(stage_mix_chart(mix).axes[0].collections)
    2
    """
    fig, ax = axes_or_new(ax)
    _stack(ax, mix, share=share)
    handles, labels_ = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels_[::-1], loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set(title=_(title), ylabel=_("share of active customers") if share else _("active customers"))
    return fig


def mix_comparison_chart(
    observed: pd.DataFrame,
    latent: pd.DataFrame,
    *,
    share: bool = True,
    titles: tuple[str, str] = (N_("Observed stages (rule)"), N_("Latent stages (truth)")),
) -> Figure:
    """Two stage-mix charts one above the other on the same scales, with one legend.

    Stacked, each chart keeps the width of a single :func:`stage_mix_chart` (side by side,
    a notebook shrinks the wide figure and its labels fall under 12 px on screen).

    >>> mix = pd.DataFrame({"stranger": [10, 8], "friend": [0, 4]})
    >>> len(mix_comparison_chart(mix, mix).axes)
    2
    """
    fig, axes = plt.subplots(2, 1, figsize=(10, 9), sharex=True, sharey=True)
    for ax, frame, title in zip(axes, (observed, latent), titles):
        _stack(ax, frame, share=share)
        ax.set_title(_(title))
        ax.set_ylabel(_("share of active customers") if share else _("active customers"))
    handles, labels_ = axes[1].get_legend_handles_labels()
    axes[1].legend(handles[::-1], labels_[::-1], loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def projection_chart(
    projection: pd.DataFrame,
    *,
    baseline: pd.DataFrame | None = None,
    period_label: str = N_("years from now"),
    title: str = N_("Projected customers by stage"),
    note: str = "",
    ax: Axes | None = None,
) -> Figure:
    """Stacked areas of the projected active customers by stage; optionally a baseline's total.

    Parameters
    ----------
    projection : from :func:`helpers.relationships.project_stages` (index periods,
        columns stages and ``lost``; ``lost`` is written in the corner, not stacked).
    baseline : another projection, drawn as a dashed line of its active total.
    period_label : the name of the time axis.
    note : text written in a box to the right of the plot, under the legend (e.g. the
        value of the base); keep its lines short.

    >>> proj = pd.DataFrame({"stranger": [10.0, 6.0], "acquaintance": [0.0, 3.0], "friend": [0.0, 0.0],
    ...                      "partner": [0.0, 0.0], "lost": [0.0, 1.0]})
    >>> fig = projection_chart(proj, baseline=proj)
    >>> len(fig.axes[0].lines)
    1
    """
    fig, ax = axes_or_new(ax)
    _stack(ax, projection, share=False)
    if baseline is not None:
        total = baseline[[c for c in baseline.columns if c in STAGES]].sum(axis=1)
        ax.plot(total.index, total.to_numpy(), color="black", linestyle="--", linewidth=2.2, label=_("Baseline total"))
    handles, labels_ = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels_[::-1], loc="upper left", bbox_to_anchor=(1.0, 1.0))
    # Outside the plot, under the legend, so that no text ever hides the data.
    if note:
        ax.text(
            1.03,
            0.0,
            note,
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=13,
            linespacing=1.4,
            bbox={"facecolor": "white", "edgecolor": "#999999", "boxstyle": "round,pad=0.4"},
        )
    if "lost" in projection.columns:
        ax.text(
            1.03,
            0.42 if note else 0.0,
            _("Lost by the end: {customers}").format(customers=count(projection["lost"].iloc[-1])),
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=13,
            color=NEGATIVE,
        )
    ax.set_xticks(projection.index)
    ax.set(title=_(title), xlabel=_(period_label), ylabel=_("active customers"))
    return fig


def value_bars(
    values: pd.Series, *, title: str = N_("Value of the current customer base"), ax: Axes | None = None
) -> Figure:
    """Bars of money values (e.g. the base's value under two scenarios), printed on the bars.

    >>> len(value_bars(pd.Series({"baseline": 1e6, "scenario": 1.2e6})).axes[0].patches)
    2
    """
    fig, ax = axes_or_new(ax, figsize=(5, 5.5))
    colours = ["#999999"] + ["#0072B2"] * (len(values) - 1)
    bars = ax.bar([category(i) for i in values.index], values.to_numpy(dtype=float), color=colours, width=0.6)
    ax.bar_label(bars, labels=[money(v) for v in values.to_numpy(dtype=float)], padding=3, fontsize=13)
    ax.yaxis.set_major_formatter(FuncFormatter(money))
    ax.margins(y=0.15)
    ax.set(title=_(title))
    return fig
