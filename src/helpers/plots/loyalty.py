"""Charts of lesson 05: the loyalty matrix (Jones & Sasser 1995) and the NPS (Reichheld 2003).

Every function takes the tables of :mod:`helpers.loyalty` and returns a matplotlib
``Figure``; colours come from the course palettes "loyalty", "nps" and "satisfaction".
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from helpers.formats import localize
from helpers.i18n import N_, _, language
from helpers.plots import ACCENT, PALETTES, SECOND, category, count, fixed_figure, money, percent, term, with_spanish

__all__ = ["curve_chart", "matrix_chart", "matrix_diagram", "nps_by_type_chart", "truth_chart", "type_plural"]

_TYPES = ("apostle", "mercenary", "hostage", "terrorist", "indifferent")
#: The loyalty types as a plural heading ("Apostles"); their Spanish comes from the glossary.
TYPE_PLURALS = {
    "apostle": "Apostles",
    "mercenary": "Mercenaries",
    "hostage": "Hostages",
    "terrorist": "Terrorists",
    "indifferent": "Indifferent",
}
#: The groups of the NPS question, as a plural heading.
_NPS_GROUPS = {"detractor": N_("Detractors"), "passive": N_("Passives"), "promoter": N_("Promoters")}


def type_plural(kind: object) -> str:
    """A loyalty type as a plural heading in the language in use: "Apostles" ("Apóstoles" in Spanish).

    >>> type_plural("apostle"), type_plural("not surveyed")
    ('Apostles', 'Not surveyed')
    """
    plural = TYPE_PLURALS.get(str(kind))
    if plural is None:
        return category(kind)
    return plural if language() == "en" else category(plural.lower())


def matrix_diagram() -> Figure:
    """The idea of the loyalty matrix: satisfaction × loyalty, four corners and a middle band.

    The four corners are Jones & Sasser's (1995) types; the middle band (the indifferent)
    is the fifth type the class notes add.

    >>> fig = matrix_diagram()
    >>> len(fig.axes[0].patches)
    6
    """
    colours = PALETTES["loyalty"]
    fig = plt.figure(figsize=(10, 6.2), layout="constrained")
    ax = fig.add_subplot()
    boxes = {  # (x, y, width, height, text)
        "hostage": (0, 0.6, 0.4, 0.4, _("Tied but unhappy: stay because\nleaving is hard, and resent it")),
        "apostle": (0.6, 0.6, 0.4, 0.4, _("Delighted and tied: stay,\nbuy more and recommend us")),
        "terrorist": (0, 0, 0.4, 0.4, _("Unhappy and loose: leave\nand speak badly of us")),
        "mercenary": (0.6, 0, 0.4, 0.4, _("Satisfied but loose: leave\nfor a better offer")),
    }
    for kind, (x, y, w, h, text) in boxes.items():
        ax.add_patch(Rectangle((x, y), w, h, color=colours[kind], alpha=0.85, lw=0))
        ax.text(
            x + w / 2,
            y + h - 0.07,
            with_spanish(TYPE_PLURALS[kind].lower(), TYPE_PLURALS[kind]),
            ha="center",
            va="top",
            fontsize=14,
            fontweight="bold",
            color="white",
        )
        ax.text(x + w / 2, y + h / 2 - 0.06, text, ha="center", va="center", fontsize=12.5, color="white")
    ax.add_patch(Rectangle((0.4, 0), 0.2, 1, color=colours["indifferent"], alpha=0.35, lw=0))
    ax.add_patch(Rectangle((0, 0.4), 1, 0.2, color=colours["indifferent"], alpha=0.35, lw=0))
    ax.text(
        0.5,
        0.5,
        _("Indifferent\n(indiferentes)\nthe middle band"),
        ha="center",
        va="center",
        fontsize=12,
        fontweight="bold",
        color="#333333",
    )
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        xticks=[0.2, 0.8],
        yticks=[0.2, 0.8],
        xticklabels=[term("dissatisfied"), term("completely satisfied")],
        yticklabels=[_("loose"), _("tied")],
        xlabel=_("Satisfaction (satisfacción) →"),
        ylabel=_("Loyalty: behaviour and intention →"),
        title=_("The loyalty matrix\nfour corners: Jones & Sasser (1995); middle band: the class notes"),
    )
    ax.grid(False)
    return fig


def curve_chart(curve: pd.DataFrame, *, window_days: int = 180) -> Figure:
    """The satisfaction–loyalty curve: retention, repurchase and purchases by satisfaction level.

    Parameters
    ----------
    curve : pandas.DataFrame
        the table of :func:`helpers.loyalty.satisfaction_loyalty_curve`.
    window_days : int, optional
        the follow-up window, for the titles.

    Examples
    --------
    >>> curve = pd.DataFrame({"answers": [5, 9, 20, 40, 20], "retention_rate": [.5, .6, .7, .8, .9],
    ...     "repurchase_rate": [.5, .7, .8, .9, .95], "purchases_per_answer": [1, 2, 3, 4, 9]},
    ...     index=pd.Index(range(1, 6), name="satisfaction"))
    >>> [ax.get_title(loc="left") or ax.get_title() for ax in curve_chart(curve).axes][1]
    'Purchases per answer'
    """
    colours = [PALETTES["satisfaction"][str(level)] for level in curve.index]
    fig = plt.figure(figsize=(12, 5.5), layout="constrained")
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    levels = curve.index.to_numpy()
    left.plot(levels, curve["retention_rate"], marker="o", color=ACCENT, label=_("still a customer"))
    left.plot(levels, curve["repurchase_rate"], marker="s", color=SECOND, label=_("bought again"), ls="--")
    for level, rate in zip(levels, curve["retention_rate"]):
        if np.isfinite(rate):
            left.annotate(
                percent(rate),
                (level, rate),
                textcoords="offset points",
                xytext=(0, -22),
                ha="center",
                color=ACCENT,
                fontsize=12,
            )
    left.yaxis.set_major_formatter(FuncFormatter(percent))
    left.set(
        ylim=(0, 1.05),
        xticks=levels,
        xlabel=_("Satisfaction answer (1 = completely dissatisfied)"),
        title=_("Share of answers, {days} days later").format(days=window_days),
    )
    left.legend(loc="lower right")
    bars = right.bar([str(level) for level in levels], curve["purchases_per_answer"], color=colours)
    right.bar_label(bars, labels=[localize(f"{v:.1f}") for v in curve["purchases_per_answer"]], padding=3)
    right.margins(y=0.12)
    right.set(
        xlabel=_("Satisfaction answer"),
        title=_("Purchases per answer"),
        ylabel=_("purchases in the next {days} days").format(days=window_days),
    )
    return fig


def _jitter(n: int, width: float) -> np.ndarray:
    """Deterministic jitter so that the same data always gives the same picture."""
    return np.random.default_rng(5).uniform(-width, width, n)


def matrix_chart(
    table: pd.DataFrame,
    index: pd.Series,
    segments: pd.Series,
    summary: pd.DataFrame,
    *,
    satisfied_from: int,
    dissatisfied_up_to: int,
    high_loyalty: float,
    low_loyalty: float,
) -> Figure:
    """The company's loyalty matrix: one dot per customer, the thresholds, sizes and value at stake.

    Each corner names its type with the number of customers (share of those placed) and the
    value at stake (sum of ``summary["value"]``, share of the total); the indifferent are
    written in the middle band.

    Parameters
    ----------
    table : pandas.DataFrame
        per-customer table with ``satisfaction`` (1–5).
    index : pandas.Series
        the loyalty index per customer (same index as ``table``).
    segments : pandas.Series
        loyalty type per customer (NaN = not placed, not drawn).
    summary : pandas.DataFrame
        the table of :func:`helpers.loyalty.segment_summary`.
    satisfied_from, dissatisfied_up_to : int
        the thresholds used.
    high_loyalty, low_loyalty : float
        the thresholds used.

    Examples
    --------
    >>> table = pd.DataFrame({"satisfaction": [5, 2]})
    >>> kinds = pd.Series(pd.Categorical(["apostle", "terrorist"], categories=_TYPES))
    >>> summary = pd.DataFrame({"customers": [1, 0, 0, 1, 0], "share": [.5, 0, 0, .5, 0],
    ...     "value": [9.0, 0, 0, 1.0, 0], "value_share": [.9, 0, 0, .1, 0]}, index=list(_TYPES))
    >>> fig = matrix_chart(table, pd.Series([0.9, 0.1]), kinds, summary, satisfied_from=4,
    ...     dissatisfied_up_to=3, high_loyalty=0.5, low_loyalty=0.35)
    >>> len(fig.axes[0].collections), len(fig.axes[0].texts)
    (1, 5)
    """
    colours = PALETTES["loyalty"]
    fig = fixed_figure((12, 6.8))  # fixed axes: a widget redraws this chart on every change
    ax = fig.add_axes((0.055, 0.08, 0.94, 0.88))
    placed = segments.notna().to_numpy()
    x = table["satisfaction"].to_numpy(dtype=float)[placed] + _jitter(int(placed.sum()), 0.3)
    y = index.to_numpy(dtype=float)[placed]
    kinds = segments[placed].astype(str).to_numpy()
    ax.scatter(x, y, c=[colours[k] for k in kinds], s=12, alpha=0.6, linewidths=0)
    ax.axhspan(low_loyalty, high_loyalty, color=colours["indifferent"], alpha=0.15, lw=0)
    if satisfied_from - dissatisfied_up_to > 1:
        ax.axvspan(dissatisfied_up_to + 0.5, satisfied_from - 0.5, color=colours["indifferent"], alpha=0.15, lw=0)
    for value in (low_loyalty, high_loyalty):
        ax.axhline(value, color="#333333", lw=1.2, ls="--")
    for value in sorted({dissatisfied_up_to + 0.5, satisfied_from - 0.5}):
        ax.axvline(value, color="#333333", lw=1.2, ls="--")
    # x in axes fractions, y in loyalty-index units: corners sit in the empty margins above 1 and below 0.
    places = {
        "hostage": (0.01, 1.2, "left", "top"),
        "apostle": (0.99, 1.2, "right", "top"),
        "terrorist": (0.01, -0.2, "left", "bottom"),
        "mercenary": (0.99, -0.2, "right", "bottom"),
        "indifferent": (0.5, (low_loyalty + high_loyalty) / 2, "center", "center"),
    }
    for kind, (px, py, ha, va) in places.items():
        row = summary.loc[kind]
        text = _("{type}: {customers} ({share}), value {value} ({value_share})").format(
            type=type_plural(kind),
            customers=count(row["customers"]),
            share=percent(row["share"]),
            value=money(row["value"]),
            value_share=percent(row["value_share"]),
        )
        ax.text(
            px,
            py,
            text,
            transform=ax.get_yaxis_transform(),
            ha=ha,
            va=va,
            fontsize=12.5,
            fontweight="bold",
            color=colours[kind] if kind != "indifferent" else "#444444",
            bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": "none", "pad": 2},
        )
    ax.set(
        xlim=(0.5, 5.5),
        ylim=(-0.23, 1.23),
        xticks=range(1, 6),
        yticks=np.linspace(0, 1, 6),
        xlabel=_("Latest satisfaction answer (1 = completely dissatisfied … 5 = completely satisfied)"),
        ylabel=_("Loyalty index (0 = loose, 1 = tied)"),
    )
    ax.set_title(
        _("Loyalty matrix of {customers} surveyed customers; value = gross margin, last 12 months").format(
            customers=count(int(placed.sum()))
        ),
        fontsize=14,
    )
    ax.grid(False)
    return fig


def nps_by_type_chart(shares: pd.DataFrame, scores: pd.Series | None = None) -> Figure:
    """How detractors, passives and promoters spread over the loyalty types (stacked bars).

    Parameters
    ----------
    shares : pandas.DataFrame
        rows = loyalty types, columns = "detractor", "passive", "promoter"; rows sum to 1.
    scores : pandas.Series, optional
        optional NPS per type, printed at the end of each bar.

    Examples
    --------
    >>> shares = pd.DataFrame({"detractor": [.1, .8], "passive": [.4, .2], "promoter": [.5, 0]},
    ...     index=["apostle", "terrorist"])
    >>> len(nps_by_type_chart(shares, pd.Series({"apostle": 40.0, "terrorist": -80.0})).axes[0].patches)
    6
    """
    colours = PALETTES["nps"]
    fig = plt.figure(figsize=(11, 5.2), layout="constrained")
    ax = fig.add_subplot()
    names = [type_plural(k) for k in shares.index][::-1]
    left = np.zeros(len(shares))
    for column in ("detractor", "passive", "promoter"):
        widths = shares[column].to_numpy(dtype=float)[::-1]
        bars = ax.barh(names, widths, left=left, color=colours[column], label=_(_NPS_GROUPS[column]))
        ax.bar_label(
            bars,
            labels=[percent(w) if w >= 0.07 else "" for w in widths],
            label_type="center",
            color="white",
            fontsize=12,
            fontweight="bold",
        )
        left += widths
    if scores is not None:
        for y, kind in enumerate(shares.index[::-1]):
            ax.text(1.02, y, f"NPS {scores[kind]:+.0f}", va="center", fontsize=12)
    ax.xaxis.set_major_formatter(FuncFormatter(percent))
    ax.set(xlim=(0, 1.16), xticks=[0, 0.25, 0.5, 0.75, 1.0], title=_("Recommendation (0–10) by loyalty type"))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.45, -0.1), ncols=3)
    return fig


def truth_chart(comparison: pd.DataFrame) -> Figure:
    """Measured effect of each satisfaction level against the simulation's true factor.

    Parameters
    ----------
    comparison : pandas.DataFrame
        indexed by satisfaction level 1–5 with columns ``churn_measured``,
        ``churn_true``, ``purchases_measured``, ``purchases_true`` (all relative to level 4).

    Examples
    --------
    >>> comparison = pd.DataFrame({"churn_measured": [2, 1.5, 1.2, 1, .3], "churn_true": [3, 2, 1, 1, .15],
    ...     "purchases_measured": [.4, .5, .8, 1, 2.5], "purchases_true": [.5, .75, .97, 1, 1.8]}, index=range(1, 6))
    >>> len(truth_chart(comparison).axes)
    2
    """
    fig = plt.figure(figsize=(12, 5.2), layout="constrained")
    axes = fig.subplots(1, 2, sharex=True)
    levels = np.arange(len(comparison))
    for ax, what, title in zip(
        axes,
        ("churn", "purchases"),
        (_("Churn risk, × that of a 'satisfied' (4)"), _("Purchases, × those of a 'satisfied' (4)")),
    ):
        for shift, kind, colour in ((-0.2, "measured", ACCENT), (0.2, "true", SECOND)):
            values = comparison[f"{what}_{kind}"].to_numpy(dtype=float)
            bars = ax.bar(
                levels + shift,
                values,
                width=0.4,
                color=colour,
                label=_("measured in the data") if kind == "measured" else _("true factor in the simulation"),
            )
            ax.bar_label(
                bars, labels=[localize(f"{v:.2f}") if np.isfinite(v) else "" for v in values], padding=2, fontsize=12
            )
        ax.axhline(1, color="#333333", lw=1)
        ax.set(
            xticks=levels,
            xticklabels=[str(i) for i in comparison.index],
            xlabel=_("Satisfaction answer"),
            title=title,
        )
        ax.margins(y=0.15)
    axes[0].legend(loc="upper right")
    return fig
