"""Charts of lesson 08 (the loyalty plan): the planning phases, the five steps, the portfolio,
the actions per type and tier, and the plan projected against doing nothing.

Every function takes the tables of :mod:`helpers.plan` and returns a matplotlib ``Figure``;
colours come from the course palettes ("loyalty", "tier", "stage", "bond").
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Polygon
from matplotlib.ticker import FuncFormatter

from helpers.formats import localize
from helpers.glossary import spanish
from helpers.i18n import N_, _, language
from helpers.plots import (
    ACCENT,
    NEGATIVE,
    OKABE_ITO,
    PALETTES,
    SECOND,
    category,
    count,
    fixed_figure,
    label,
    money,
    money_axis,
    percent,
    text_colour_on,
)
from helpers.plots.loyalty import TYPE_PLURALS, type_plural

__all__ = [
    "ACTION_COLOURS",
    "SEGMENT_COLOURS",
    "best_action_map",
    "churn_by_segment_chart",
    "effects_chart",
    "kpi_table",
    "kpi_words",
    "loyalty_steps_diagram",
    "plan_dashboard",
    "planning_phases_diagram",
    "portfolio_chart",
    "projection_chart",
    "stage_outlook_chart",
    "truth_gain_chart",
]

#: Colour of each plan segment: the loyalty types, and dark grey for customers not surveyed.
SEGMENT_COLOURS = {**PALETTES["loyalty"], "not surveyed": OKABE_ITO["dark_grey"]}
#: Colour of each action: the bond packages in their bond colours, then the satisfaction actions.
ACTION_COLOURS = {
    "do nothing": "#dddddd",
    **{f"{level} bond": colour for level, colour in PALETTES["bond"].items() if level != "none"},
    "service recovery": OKABE_ITO["purple"],
    "delight": OKABE_ITO["yellow"],
}
#: Width in inches of a chart JupyterLab shows at full size beside its file browser on a 1280 px screen
#: (about 850 px of output; savefig's tight margin adds about 10 px to the 830 px of the figure).
SCREEN_WIDTH = 8.3
_DARK_TEXT = {"do nothing", "delight", "social bond", "financial bond"}
_KPI_NAMES = {  # the English names, translated where shown
    "retention_12m": (N_("12-month retention"), "percent"),
    "retention_12m_top_tiers": (N_("12-month retention, platinum & gold"), "percent"),
    "nps": (N_("NPS (points)"), "points"),
    "apostle_share": (N_("share of apostles"), "percent"),
    "customer_equity": (N_("customer equity, today's customers"), "money"),
    "profit_3_years": (N_("3-year profit, today's customers"), "money"),
    "customers_3_years": (N_("customers in 3 years (bucket)"), "count"),
    "friends_partners_3_years": (N_("friends & partners in 3 years"), "count"),
    "plan_cost_per_month": (N_("plan cost per month"), "money"),
    "customers_reached": (N_("customers reached"), "count"),
    "churn_reduction": (N_("share of churn removed"), "percent"),
    "monthly_churn": (N_("monthly churn"), "percent"),
    "customers": (N_("customers today"), "count"),
}
#: Names these charts and tables show that come as data (the plan's actions and columns, the sets of
#: assumptions lesson 08 compares, the questions of :func:`helpers.plan.planning_phases`), for the
#: catalogue; translated where shown, through :func:`helpers.plots.category`.
DATA_WORDS = (
    N_("Do nothing"),
    N_("Plan"),
    N_("Target"),
    N_("Delight"),
    N_("Naive"),
    N_("Best estimate"),
    N_("Truth"),
    N_("Satisfaction 3 → 4"),
    N_("Satisfaction 4 → 5"),
    N_("What does a loyal customer gain, and which customers do we have?"),
    N_("What do we want to achieve, in numbers we can check?"),
    N_("Which bond or action for which customer, and what will it do?"),
    N_("Are our people, at every level, prepared and motivated to deliver it?"),
    N_("Whom exactly does the plan reach, at what cost, and what does it return?"),
)


def _format(value: float, kind: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    return {
        "percent": lambda v: localize(f"{v:.1%}"),
        "points": lambda v: localize(f"{v:+.1f}"),
        "money": money,
        "count": count,
    }[kind](value)


#: How lesson text names each KPI of :func:`helpers.plan.plan_kpis` in a sentence (translated where used).
KPI_WORDS = {
    "retention_12m": N_("overall retention"),
    "retention_12m_top_tiers": N_("the top tiers' retention"),
    "nps": N_("the NPS"),
    "apostle_share": N_("the share of apostles"),
    "customer_equity": N_("customer equity"),
    "profit_3_years": N_("three-year profit"),
}


def kpi_words(kpis) -> str:
    """KPI row names listed in words for a sentence of lesson text ("none" for an empty list).

    >>> kpi_words(["nps", "apostle_share", "customer_equity"])
    'the NPS, the share of apostles and customer equity'
    >>> kpi_words([]), kpi_words(["nps"])
    ('none', 'the NPS')
    """
    words = [_(KPI_WORDS[str(kpi)]) if str(kpi) in KPI_WORDS else category(kpi) for kpi in kpis]
    if not words:
        return _("none")
    if len(words) == 1:
        return words[0]
    return _("{items} and {last}").format(items=", ".join(words[:-1]), last=words[-1])


def kpi_table(kpis: pd.DataFrame) -> pd.DataFrame:
    """The KPIs (rows of :func:`helpers.plan.plan_kpis` / :func:`helpers.plan.check_targets`) formatted to read.

    Returns a DataFrame of strings with a readable KPI name and every numeric column
    formatted in its unit (percent, points, money, count); ``met`` becomes ✔ / ✘.

    >>> kpi_table(pd.DataFrame({"do_nothing": [0.7], "plan": [0.75]}, index=["retention_12m"]))["Plan"].tolist()
    ['75.0%']
    """
    rows = []
    for kpi, row in kpis.iterrows():
        name, kind = _KPI_NAMES[str(kpi)] if str(kpi) in _KPI_NAMES else (category(kpi), "count")
        out = {"KPI": _(name)}
        for column, value in row.items():
            if column == "met":
                out[_("met")] = "✔" if bool(value) else "✘"
            elif column == "gap":
                out[_("gap")] = _format(value, "points" if kind == "points" else kind)
            else:
                out[category(column)] = _format(float(value), kind)
        rows.append(out)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------
# The idea: the planning phases and the five steps
# ---------------------------------------------------------------------------------------


def planning_phases_diagram(phases: pd.DataFrame) -> Figure:
    """The five phases of the plan as a column of chevrons, each with its Spanish name and question.

    Parameters
    ----------
    phases : pandas.DataFrame
        :func:`helpers.plan.planning_phases`.

    Examples
    --------
    >>> from helpers.plan import planning_phases
    >>> len(planning_phases_diagram(planning_phases()).axes[0].patches)
    5
    """
    # 8.3 in wide (under 850 px with the margin savefig adds): JupyterLab shows it at full size beside
    # the file browser, so the smallest text (11 pt) stays at about 15 px; the phases run top to bottom
    fig = plt.figure(figsize=(SCREEN_WIDTH, 0.95 * len(phases) + 0.7), layout="constrained")
    ax = fig.add_subplot()
    colours = [OKABE_ITO[k] for k in ("sky_blue", "blue", "green", "orange", "purple")]
    width, tip, gap = 4.3, 0.2, 0.06
    spanish_edition = language() == "es"  # the phase's name alone: no Spanish gloss under it
    for i, (_index, row) in enumerate(phases.iterrows()):
        top, bottom = -i, -i - 1 + gap
        notch = tip if i else 0.0
        colour = colours[i % len(colours)]
        ax.add_patch(
            Polygon(
                [
                    (0, top),
                    (width / 2, top - notch),
                    (width, top),
                    (width, bottom),
                    (width / 2, bottom - tip),
                    (0, bottom),
                ],
                closed=True,
                facecolor=colour,
                edgecolor="white",
                lw=2,
            )
        )
        middle = (top - notch + bottom) / 2
        text_colour = text_colour_on(colour)
        name = ax.annotate(
            f"{i + 1}. {_wrap(category(row['phase']), 30) if spanish_edition else label(row['phase'])}",
            (width / 2, middle),
            xytext=(0, 1),
            textcoords="offset points",
            ha="center",
            va="center" if spanish_edition else "bottom",
            fontsize=12.5,
            fontweight="bold",
            color=text_colour,
        )
        if not spanish_edition:
            ax.annotate(
                f"({row['Spanish']})",
                (0.5, 0),
                xycoords=name,
                xytext=(0, -3),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=11,
                style="italic",
                color=text_colour,
            )
        question = _wrap(_(str(row["question"])), 44)
        ax.text(width + 0.25, middle, question, ha="left", va="center", fontsize=12, linespacing=1.3)
    ax.set_xlim(0, 10)
    ax.set_ylim(-len(phases) - tip, 0)
    ax.set_axis_off()
    ax.set_title(_("Planning a loyalty strategy: five phases\n(fases de la planificación)"))
    return fig


def _segment(name: str) -> str:
    """A plan segment as a row label: the type in English ("Apostle"), the group in Spanish ("Apóstoles")."""
    return label(name) if language() == "en" else type_plural(name)


def _wrap(text: str, width: int) -> str:
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def loyalty_steps_diagram(steps: pd.DataFrame) -> Figure:
    """The five steps of loyalty as a staircase climbed from the bottom left.

    Parameters
    ----------
    steps : pandas.DataFrame
        :func:`helpers.plan.loyalty_steps`.

    Examples
    --------
    >>> from helpers.plan import loyalty_steps
    >>> len(loyalty_steps_diagram(loyalty_steps()).axes[0].patches)
    5
    """
    # full size beside the file browser (SCREEN_WIDTH), no text under 10.5 pt: about 15 px on screen
    fig = plt.figure(figsize=(SCREEN_WIDTH, 6.4), layout="constrained")
    ax = fig.add_subplot()
    greens = ["#cfe8dd", "#9fd1bb", "#5fb794", "#2b9a70", OKABE_ITO["green"]]
    width, first, rise = 2.0, 2.4, 0.75
    for i, (_index, row) in enumerate(steps.iterrows()):
        x, top = i * width, first + i * rise
        ax.add_patch(
            FancyBboxPatch(
                (x + 0.04, 0),
                width - 0.08,
                top,
                boxstyle="round,pad=0,rounding_size=0.08",
                facecolor=greens[i],
                edgecolor="none",
            )
        )
        colour = text_colour_on(greens[i])
        # each text hangs below the one above it, so wrapped lines never run into the next
        step = ax.annotate(
            _("Step {number}").format(number=int(row["step"])),
            (x + width / 2, top),
            xytext=(0, -6),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=12,
            color=colour,
            fontweight="bold",
        )
        english = ax.annotate(
            _wrap(category(row["English"]), 14),
            (0.5, 0),
            xycoords=step,
            xytext=(0, -6),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=11.5,
            color=colour,
            fontweight="bold",
            linespacing=1.15,
        )
        if language() == "en":  # the Spanish edition names the step once
            ax.annotate(
                _wrap(f"({row['Spanish']})", 17),
                (0.5, 0),
                xycoords=english,
                xytext=(0, -6),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=10.5,
                color=colour,
                style="italic",
                linespacing=1.15,
            )
    last_top = first + (len(steps) - 1) * rise
    ax.annotate(
        "",
        xy=(len(steps) * width - 0.3, last_top + 0.55),
        xytext=(0.3, first + 0.3),
        arrowprops=dict(arrowstyle="-|>", color="#555555", lw=2, mutation_scale=22),
    )
    ax.text(
        0.1,
        last_top + 0.75,
        _("The organization climbs from the bottom:\nloyal customers rest on satisfied,\ncapable employees."),
        ha="left",
        va="top",
        fontsize=12,
        color="#333333",
    )
    ax.set_xlim(0, len(steps) * width)
    ax.set_ylim(0, last_top + 0.8)
    ax.set_axis_off()
    ax.set_title(_("The five steps of loyalty\n(los cinco peldaños de la fidelización)"))
    return fig


# ---------------------------------------------------------------------------------------
# The commercial analysis: portfolio and leak per segment
# ---------------------------------------------------------------------------------------


def portfolio_chart(portfolio: pd.DataFrame) -> Figure:
    """The portfolio as a grid: loyalty type (rows) × pyramid tier (columns), shaded by value.

    Each cell shows its customers and the value they bring (e.g. 12-month profit); the
    shade is the cell's share of the total value (negative shares count as 0).

    Parameters
    ----------
    portfolio : pandas.DataFrame
        :func:`helpers.plan.portfolio`.

    Examples
    --------
    >>> p = pd.DataFrame({"segment": ["apostle", "apostle"], "tier": ["gold", "lead"], "customers": [3, 1],
    ...                   "value": [300.0, -5.0], "customer_share": [.75, .25], "value_share": [1.02, -0.02]})
    >>> len(portfolio_chart(p).axes[0].texts)
    2
    """
    segments = list(pd.unique(portfolio["segment"].astype(str)))
    tiers = list(pd.unique(portfolio["tier"].astype(str)))
    grid = portfolio.assign(segment=portfolio["segment"].astype(str), tier=portfolio["tier"].astype(str))
    shares = grid.pivot(index="segment", columns="tier", values="value_share").reindex(index=segments, columns=tiers)
    customers = grid.pivot(index="segment", columns="tier", values="customers").reindex(index=segments, columns=tiers)
    values = grid.pivot(index="segment", columns="tier", values="value").reindex(index=segments, columns=tiers)
    # 10.5 in wide with no text under 12.5 pt: at least 12 px on screen when JupyterLab shrinks the
    # chart to fit a 1280 px window with the file browser open (about 850 px of output)
    fig = plt.figure(figsize=(10.5, 0.85 * len(segments) + 1.8), layout="constrained")
    ax = fig.add_subplot()
    shade = np.clip(shares.to_numpy(dtype=float), 0, None)
    vmax = max(float(np.nanmax(shade)), 1e-9)
    ax.imshow(shade, cmap="Blues", vmin=0, vmax=vmax, aspect="auto")
    for i in range(len(segments)):
        for j in range(len(tiers)):
            n, v, s = customers.iat[i, j], values.iat[i, j], shares.iat[i, j]
            dark = shade[i, j] > 0.55 * vmax
            share = _("loses money") if v < 0 else _("{share} of profit").format(share=localize(f"{s:.0%}"))
            ax.text(
                j,
                i,
                # three short lines: large enough to read
                _("{customers} customers\n{value}\n{share}").format(
                    customers=count(int(n)), value=money(v), share=share
                ),
                ha="center",
                va="center",
                fontsize=13.5,
                linespacing=1.25,
                color="white" if dark else "#222222",
            )
    ax.xaxis.tick_top()
    ax.set_xticks(range(len(tiers)), [category(t) for t in tiers], fontsize=14)
    ax.set_yticks(
        range(len(segments)),
        [
            f"{label(s)}\n({spanish(TYPE_PLURALS.get(s, s).lower())})" if language() == "en" else type_plural(s)
            for s in segments
        ],
        fontsize=13.5,
    )
    for tick, segment in zip(ax.get_yticklabels(), segments):
        tick.set_color(SEGMENT_COLOURS.get(segment, "#222222"))
        tick.set_fontweight("bold")
    for tick, tier in zip(ax.get_xticklabels(), tiers):
        tick.set_color(PALETTES["tier"].get(tier, "#222222"))
        tick.set_fontweight("bold")
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(_("The portfolio: loyalty type × pyramid tier (12-month profit)"), pad=12)
    return fig


def churn_by_segment_chart(churn: pd.DataFrame) -> Figure:
    """Retention over the past window per segment (bars), with the monthly churn it implies.

    Parameters
    ----------
    churn : pandas.DataFrame
        :func:`helpers.plan.segment_churn` (index = segment).

    Examples
    --------
    >>> churn = pd.DataFrame({"customers": [10, 20], "retention": [0.9, 0.6], "monthly_churn": [0.009, 0.042]},
    ...                      index=["apostle", "terrorist"])
    >>> len(churn_by_segment_chart(churn).axes[0].patches)
    2
    """
    fig = plt.figure(figsize=(10.5, 5.5), layout="constrained")
    ax = fig.add_subplot()
    names = [str(s) for s in churn.index]
    bars = ax.barh(
        names[::-1], churn["retention"].to_numpy()[::-1], color=[SEGMENT_COLOURS.get(s, ACCENT) for s in names[::-1]]
    )
    ax.bar_label(
        bars,
        labels=[
            _("{kept} kept  ·  {lost} lost a month  ·  {customers} customers").format(
                kept=localize(f"{r:.0%}"), lost=localize(f"{h:.1%}"), customers=count(int(n))
            )
            for r, h, n in zip(churn["retention"][::-1], churn["monthly_churn"][::-1], churn["customers"][::-1])
        ],
        padding=4,
        fontsize=12.5,
    )
    ax.set_yticks(range(len(names)), [_segment(s) for s in names[::-1]], fontsize=12.5)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.xaxis.set_major_formatter(FuncFormatter(percent))
    ax.set_xlim(0, 1.95)
    ax.spines["bottom"].set_bounds(0, 1)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.set(
        xlabel=_("share of the segment still a customer 12 months later"),
        title=_("How fast each type leaked last year (placed a year ago, followed for 12 months)"),
    )
    return fig


# ---------------------------------------------------------------------------------------
# The customer-oriented strategy: effects and the best action per cell
# ---------------------------------------------------------------------------------------


def effects_chart(multipliers: pd.DataFrame, *, title: str = N_("Churn multiplier of each move of the plan")) -> Figure:
    """Churn multipliers of the plan's moves under several sets of assumptions (bars side by side).

    Parameters
    ----------
    multipliers : pandas.DataFrame
        one row per move (e.g. "none → financial", "3 → 4"), one column per
        set of assumptions (e.g. naive, best estimate, truth); 1 = no effect.
    title : str, optional
        chart title.

    Examples
    --------
    >>> table = pd.DataFrame({"best estimate": [0.6, 0.75], "truth": [0.85, 0.98]}, index=["bond", "3 → 4"])
    >>> len(effects_chart(table).axes[0].patches)
    4
    """
    fig = plt.figure(figsize=(11, 5.8), layout="constrained")
    ax = fig.add_subplot()
    colours = {"naive": NEGATIVE, "best estimate": SECOND, "truth": OKABE_ITO["black"]}
    fallback = [ACCENT, OKABE_ITO["sky_blue"], OKABE_ITO["green"]]
    n = multipliers.shape[1]
    width = 0.8 / max(n, 1)
    x = np.arange(len(multipliers))
    top = max(1.15, float(np.nanmax(multipliers.to_numpy(dtype=float))) * 1.12)
    crowded = 0.08 * top  # a label above a bar this close below 1 would sit on the no-effect line
    for j, column in enumerate(multipliers.columns):
        colour = colours.get(str(column), fallback[j % len(fallback)])
        values = multipliers[column].to_numpy(dtype=float)
        bars = ax.bar(x + (j - (n - 1) / 2) * width, values, width, color=colour, label=category(column))
        inside = (values > 1.0 - crowded) & (values <= 1.0)
        ax.bar_label(
            bars,
            labels=["" if near else localize(f"{v:.2f}") for v, near in zip(values, inside)],
            padding=2,
            fontsize=12.5,
        )
        for bar, v in zip(bars, values):
            if 1.0 - crowded < v <= 1.0:  # written inside the top of its bar, below the line
                ax.annotate(
                    localize(f"{v:.2f}"),
                    (bar.get_x() + bar.get_width() / 2, v),
                    xytext=(0, -8),  # inside the bar, clear of the no-effect line above it
                    textcoords="offset points",
                    ha="center",
                    va="top",
                    fontsize=12.5,
                    color=text_colour_on(colour),
                )
    ax.axhline(1.0, color=OKABE_ITO["dark_grey"], ls="--", lw=1.5)
    ax.text(
        len(multipliers) - 0.45,
        1.02,
        _("no effect"),
        ha="right",
        va="bottom",
        fontsize=12.5,
        color=OKABE_ITO["dark_grey"],
    )
    if language() == "en":
        ticks = [str(i).replace(" → ", "\n→ ").replace(" bond", "\nbond") for i in multipliers.index]
    else:  # "Vínculo / financiero", "Satisfacción 3 / → 4"
        ticks = [category(i) for i in multipliers.index]
        ticks = [t.replace(" → ", "\n→ ") if " → " in t else t.replace(" ", "\n", 1) for t in ticks]
    ax.set_xticks(x, ticks, fontsize=12.5)
    ax.tick_params(axis="y", labelsize=12.5)
    ax.set_ylim(0, top)
    ax.set(ylabel=_("churn multiplier (1 = no effect)"), title=_(title))
    ax.legend(loc="upper left", ncols=n)
    return fig


def best_action_map(best: pd.DataFrame, *, segments=None, tiers=None) -> Figure:
    """The best action in every (loyalty type, tier) cell and what it returns per customer reached.

    Parameters
    ----------
    best : pandas.DataFrame
        :func:`helpers.plan.best_actions`.
    segments, tiers : sequence of str, optional
        the order of the rows and columns (default: as they appear).

    Examples
    --------
    >>> best = pd.DataFrame({"segment": ["apostle", "apostle"], "tier": ["gold", "lead"],
    ...     "action": ["social bond", "do nothing"], "net_return": [420.0, 0.0], "eligible": [30, 0]})
    >>> [t.get_text().split("\\n")[0] for t in best_action_map(best).axes[0].texts]
    ['Social bond', 'Do nothing']
    """
    segments = list(segments) if segments is not None else list(pd.unique(best["segment"].astype(str)))
    tiers = list(tiers) if tiers is not None else list(pd.unique(best["tier"].astype(str)))
    cells = best.assign(segment=best["segment"].astype(str), tier=best["tier"].astype(str)).set_index(
        ["segment", "tier"]
    )
    # full size beside the file browser (SCREEN_WIDTH), no text under 11 pt: about 15 px on screen
    fig = plt.figure(figsize=(SCREEN_WIDTH, 0.95 * len(segments) + 1.5), layout="constrained")
    ax = fig.add_subplot()
    for i, segment in enumerate(segments):
        for j, tier in enumerate(tiers):
            if (segment, tier) not in cells.index:
                ax.add_patch(plt.Rectangle((j - 0.48, i - 0.46), 0.96, 0.92, facecolor="white", edgecolor="#dddddd"))
                ax.text(j, i, _("no customer"), ha="center", va="center", fontsize=11, color="#666666")
                continue
            row = cells.loc[(segment, tier)]
            action = str(row["action"])
            ax.add_patch(
                plt.Rectangle(
                    (j - 0.48, i - 0.46), 0.96, 0.92, facecolor=ACTION_COLOURS.get(action, ACCENT), edgecolor="white"
                )
            )
            detail = (
                _("+{value} each\n{customers} eligible").format(
                    value=money(row["net_return"]), customers=count(int(row["eligible"]))
                )
                if action != "do nothing"
                else _("nothing pays")
            )
            ax.text(
                j,
                i,
                f"{_wrap(category(action), 16)}\n{detail}",  # "Customization / bond" on two lines
                ha="center",
                va="center",
                fontsize=11,
                color="#1a1a1a" if action in _DARK_TEXT else "white",
                linespacing=1.2,
            )
    ax.set_xlim(-0.5, len(tiers) - 0.5)
    ax.set_ylim(len(segments) - 0.5, -0.5)
    ax.set_xticks(range(len(tiers)), [category(t) for t in tiers])
    ax.set_yticks(range(len(segments)), [_segment(s) for s in segments])
    for tick, segment in zip(ax.get_yticklabels(), segments):
        tick.set_color(SEGMENT_COLOURS.get(segment, "#222222"))
        tick.set_fontweight("bold")
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(_("The best action per type and tier\n(three-year return per customer reached)"), pad=12)
    return fig


# ---------------------------------------------------------------------------------------
# The projection
# ---------------------------------------------------------------------------------------


def projection_chart(cohort: pd.DataFrame, bucket: pd.DataFrame) -> Figure:
    """The plan against doing nothing: the customer base (bucket) and the profit gained from today's customers.

    Parameters
    ----------
    cohort : pandas.DataFrame
        :func:`helpers.plan.cohort_outlook`.
    bucket : pandas.DataFrame
        :func:`helpers.plan.bucket_outlook`.

    Examples
    --------
    >>> months = pd.RangeIndex(1, 4, name="month")
    >>> cohort = pd.DataFrame({"profit_gain": [-10.0, 5.0, 20.0]}, index=months)
    >>> bucket = pd.DataFrame({"customers_do_nothing": [100.0, 99, 98], "customers_plan": [100.0, 100, 101]},
    ...                       index=months)
    >>> len(projection_chart(cohort, bucket).axes)
    2
    """
    # full size beside the file browser (SCREEN_WIDTH): the smallest text (11 pt) stays at about 15 px
    fig = plt.figure(figsize=(SCREEN_WIDTH, 4.8), layout="constrained")
    left, right = fig.subplots(1, 2)
    left.plot(
        bucket.index, bucket["customers_do_nothing"], color=OKABE_ITO["dark_grey"], ls="--", label=_("do nothing")
    )
    left.plot(bucket.index, bucket["customers_plan"], color=ACCENT, label=_("with the plan"))
    left.fill_between(bucket.index, bucket["customers_do_nothing"], bucket["customers_plan"], color=ACCENT, alpha=0.15)
    extra = bucket["customers_plan"].iloc[-1] - bucket["customers_do_nothing"].iloc[-1]
    left.text(
        0.98,
        0.03,
        _("with the plan:\n{customers} customers\nin month {month}").format(
            customers=localize(f"{extra:+,.0f}"), month=bucket.index[-1]
        ),
        transform=left.transAxes,
        ha="right",
        va="bottom",
        fontsize=12,
        color=ACCENT,
    )
    left.yaxis.set_major_formatter(FuncFormatter(count))
    left.tick_params(labelsize=11)
    left.set_xlabel(_("months from today"))
    left.set_ylabel(_("customers (with newcomers)"))
    left.set_title(_("Customers\n(lesson 03's leaky bucket)"), fontsize=13.5)
    left.legend(loc="upper left", fontsize=11.5)
    gain = cohort["profit_gain"]
    right.axhline(0, color=OKABE_ITO["dark_grey"], lw=1.2)
    right.plot(cohort.index, gain, color=ACCENT)
    right.fill_between(cohort.index, 0, gain, where=gain >= 0, color=OKABE_ITO["green"], alpha=0.25, interpolate=True)
    right.fill_between(cohort.index, 0, gain, where=gain < 0, color=NEGATIVE, alpha=0.25, interpolate=True)
    low, high = min(float(gain.min()), 0.0), max(float(gain.max()), 0.0)
    span = (high - low) or 1.0
    # room above the curve's end for its label, and below the zero line for the payback month
    right.set_ylim(low - 0.22 * span, high + 0.2 * span)
    positive = gain.index[gain.to_numpy() > 0]
    if len(positive) and gain.iloc[-1] > 0:
        first = int(positive[0])
        right.annotate(  # below the zero line and to the right: the curve is above the line from here on
            _("pays back in month {month}").format(month=first),
            (first, 0),
            xytext=(10, -22),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=12,
            arrowprops=dict(arrowstyle="-|>", color="#333333", shrinkA=2, shrinkB=2),
        )
    right.annotate(  # beside the end, on the side away from the curve
        _("{profit} in {months} months").format(profit=money(gain.iloc[-1]), months=cohort.index[-1]),
        (cohort.index[-1], gain.iloc[-1]),
        xytext=(4, 8 if gain.iloc[-1] >= 0 else -8),
        textcoords="offset points",
        ha="right",
        va="bottom" if gain.iloc[-1] >= 0 else "top",
        fontsize=12,
        color=ACCENT,
    )
    money_axis(right.yaxis)
    right.tick_params(labelsize=11)
    right.set_xlabel(_("months from today"))
    right.set_ylabel(_("cumulative profit gained"))
    right.set_title(_("Profit gained from today's\ncustomers (plan − do nothing)"), fontsize=13.5)
    return fig


def stage_outlook_chart(stages: pd.DataFrame) -> Figure:
    """The ladder today and in the last year of the projection, doing nothing and with the plan.

    Parameters
    ----------
    stages : pandas.DataFrame
        :func:`helpers.plan.stage_outlook`.

    Examples
    --------
    >>> runs = {s: pd.DataFrame({"stranger": [10.0, 8], "acquaintance": [5.0, 6], "friend": [2.0, 3],
    ...         "partner": [1.0, 1], "lost": [0.0, 3]}) for s in ("do nothing", "plan")}
    >>> stages = pd.concat(runs, names=["scenario", "period"])
    >>> len(stage_outlook_chart(stages).axes[0].patches)
    12
    """
    ladder = [c for c in PALETTES["stage"] if c in stages.columns]
    last = stages.index.get_level_values("period").max()
    rows = {
        _("today"): stages.xs(("do nothing", 0)),
        _("in {years} years,\ndoing nothing").format(years=last): stages.xs(("do nothing", last)),
        _("in {years} years,\nwith the plan").format(years=last): stages.xs(("plan", last)),
    }
    table = pd.DataFrame(rows).T[ladder]
    # full size beside the file browser (SCREEN_WIDTH), no text under 11 pt: about 15 px on screen;
    # the legend goes under the chart so the bars keep the width
    fig = plt.figure(figsize=(SCREEN_WIDTH, 4.4), layout="constrained")
    ax = fig.add_subplot()
    left = np.zeros(len(table))
    for stage in ladder:
        values = table[stage].to_numpy(dtype=float)
        bars = ax.barh(range(len(table)), values, left=left, color=PALETTES["stage"][stage], label=category(stage))
        ax.bar_label(
            bars,
            labels=[count(v) if v > 0.09 * table.sum(axis=1).max() else "" for v in values],
            label_type="center",
            color=text_colour_on(PALETTES["stage"][stage]),
            fontsize=11,
        )
        left += values
    ax.set_yticks(range(len(table)), list(table.index))
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(count))
    ax.tick_params(axis="x", labelsize=11)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    fig.legend(loc="outside lower center", ncols=len(ladder), fontsize=11.5)
    ax.set(xlabel=_("active customers by observed stage"), title=_("The ladder (lesson 01's migration matrix)"))
    return fig


def plan_dashboard(projection, targets: pd.Series | None = None, *, title: str = "") -> Figure:
    """One picture of a plan for the widget: profit gained over time and the KPIs against their targets.

    Parameters
    ----------
    projection : helpers.plan.PlanProjection
        :class:`helpers.plan.PlanProjection`.
    targets : pandas.Series, optional
        target per KPI (optional, :func:`helpers.plan.set_targets`).
    title : str, optional
        figure title.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> kpis = pd.DataFrame({"do_nothing": [0.7, 100.0], "plan": [0.72, 120.0]},
    ...                     index=["retention_12m", "customer_equity"])
    >>> cohort = pd.DataFrame({"profit_gain": [-1.0, 2.0]}, index=pd.RangeIndex(1, 3, name="month"))
    >>> fig = plan_dashboard(SimpleNamespace(kpis=kpis, cohort=cohort), pd.Series({"retention_12m": 0.75}))
    >>> len(fig.axes)
    2
    """
    fig = fixed_figure((12, 5))  # fixed axes: the widget redraws this dashboard on every change
    left = fig.add_axes((0.09, 0.11, 0.39, 0.77))
    right = fig.add_axes((0.495, 0.11, 0.5, 0.77))
    gain = projection.cohort["profit_gain"]
    left.axhline(0, color=OKABE_ITO["dark_grey"], lw=1.2)
    left.plot(gain.index, gain.to_numpy(), color=ACCENT if gain.iloc[-1] >= 0 else NEGATIVE)
    left.annotate(
        money(gain.iloc[-1]),
        (gain.index[-1], gain.iloc[-1]),
        xytext=(-10, 0),
        textcoords="offset points",
        ha="right",
        va="center",
        fontsize=13,
        fontweight="bold",
    )
    left.yaxis.set_major_formatter(FuncFormatter(money))
    # titles at a fixed height (y=1): nothing is drawn above these axes, and matplotlib's search
    # for a clear spot measures every tick label again at each redraw
    left.set_title(_("Profit gained from today's customers"), y=1.0)
    left.set(xlabel=_("months from today"), ylabel=_("cumulative profit, plan − do nothing"))
    shown = [
        k
        for k in (
            "customers_reached",
            "plan_cost_per_month",
            "retention_12m",
            "retention_12m_top_tiers",
            "nps",
            "apostle_share",
            "customer_equity",
            "profit_3_years",
            "customers_3_years",
        )
        if k in projection.kpis.index
    ]
    right.set_axis_off()
    right.set_title(_("KPIs: do nothing → plan (target)"), y=1.0)
    y = 0.95
    for kpi in shown:
        name, kind = _KPI_NAMES[kpi]
        now, plan = projection.kpis.loc[kpi, ["do_nothing", "plan"]]
        line = f"{_format(float(now), kind)} → {_format(float(plan), kind)}"
        colour = "#1a1a1a"
        if targets is not None and kpi in targets.index:
            met = plan >= targets[kpi] - 1e-12
            line += f"   ({_format(float(targets[kpi]), kind)}) {'✔' if met else '✘'}"
            colour = OKABE_ITO["green"] if met else NEGATIVE
        right.text(0.0, y, _(name), fontsize=12.5, va="top", ha="left", transform=right.transAxes)
        right.text(
            1.0,
            y,
            line,
            fontsize=12.5,
            va="top",
            ha="right",
            transform=right.transAxes,
            color=colour,
            fontweight="bold",
        )
        y -= 0.105
    if title:
        fig.suptitle(title, fontsize=15, fontweight="bold", x=0.01, ha="left")
    return fig


def truth_gain_chart(gains: pd.DataFrame) -> Figure:
    """What the plan promises under each set of assumptions: gains over doing nothing, side by side.

    Parameters
    ----------
    gains : pandas.DataFrame
        one row per KPI (money, e.g. customer equity and 3-year profit gains), one
        column per set of assumptions (e.g. naive, best estimate, truth).

    Examples
    --------
    >>> gains = pd.DataFrame({"best estimate": [1e6, 2e5], "truth": [4e5, 7e4]},
    ...                      index=["customer equity", "3-year profit"])
    >>> len(truth_gain_chart(gains).axes[0].patches)
    4
    """
    fig = plt.figure(figsize=(10.5, 5.2), layout="constrained")
    ax = fig.add_subplot()
    colours = {"naive": NEGATIVE, "best estimate": SECOND, "truth": OKABE_ITO["black"]}
    n = gains.shape[1]
    width = 0.8 / max(n, 1)
    y = np.arange(len(gains))
    for j, column in enumerate(gains.columns):
        bars = ax.barh(
            y + (j - (n - 1) / 2) * width,
            gains[column].to_numpy(dtype=float),
            width,
            color=colours.get(str(column), ACCENT),
            label=category(column),
        )
        ax.bar_label(bars, labels=[money(v) for v in gains[column]], padding=4, fontsize=12.5)
    ax.set_yticks(y, [_(str(i)).replace(", ", ",\n") for i in gains.index], fontsize=12.5)
    ax.tick_params(axis="x", labelsize=12.5)
    ax.invert_yaxis()
    ax.axvline(0, color=OKABE_ITO["dark_grey"], lw=1.2)
    money_axis(ax.xaxis, most_ticks=4)
    ax.margins(x=0.15)
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    ax.set(xlabel=_("gain of the plan over doing nothing"), title=_("The same plan, projected with different effects"))
    return fig
