"""One look for the whole course: a projector-readable theme and one colour per label.

Every lesson calls :func:`use_theme` once and draws with the functions below, so a
stage, a bond level, a loyalty type or a pyramid tier has the same colour in every chart.
The colours come from the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"),
which stays distinguishable for the common kinds of colour blindness.

Plot functions take tidy pandas data, draw on a new or given ``Axes`` and return the
``Figure``, so a widget callback or a test can use them without a browser.

Every chart speaks the language in use (:func:`helpers.i18n.use`): its texts are
messages of the catalogues (``_("...")``), its category labels come from the glossary
(:func:`category`), and its numbers follow :mod:`helpers.formats` (a decimal comma in
Spanish, month names on date axes too).
"""

from __future__ import annotations

import datetime
import re
import struct
import zlib
from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.scale as mscale
import matplotlib.units as munits
import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import ConciseDateFormatter, date2num, num2date
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.ticker import FixedLocator, Formatter, FuncFormatter, MaxNLocator, ScalarFormatter

from helpers.formats import localize, money, percent
from helpers.glossary import label
from helpers.glossary import spanish as spanish_term
from helpers.i18n import _, language, table_in_language, translate_tables_with

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
    "dark_grey": "#555555",
}
_c = OKABE_ITO

#: One colour per label, for every family of labels the course uses.
PALETTES: dict[str, dict[str, str]] = {
    "stage": {"stranger": _c["grey"], "acquaintance": _c["sky_blue"], "friend": _c["blue"], "partner": _c["green"]},
    "bond": {
        "none": _c["grey"],
        "financial": _c["orange"],
        "social": _c["sky_blue"],
        "customization": _c["green"],
        "structural": _c["blue"],
    },
    "loyalty": {
        "apostle": _c["green"],
        "mercenary": _c["orange"],
        "hostage": _c["purple"],
        "terrorist": _c["vermillion"],
        "indifferent": _c["grey"],
    },
    "tier": {"platinum": _c["blue"], "gold": _c["orange"], "iron": _c["grey"], "lead": _c["dark_grey"]},
    "segment": {"B2C": _c["sky_blue"], "B2B": _c["blue"]},
    "channel": {"web": _c["sky_blue"], "phone": _c["orange"], "email": _c["purple"], "face_to_face": _c["green"]},
    "acquisition_channel": {
        "search_ads": _c["sky_blue"],
        "social_media": _c["purple"],
        "referral": _c["green"],
        "trade_fair": _c["orange"],
        "sales_team": _c["blue"],
    },
    "satisfaction": {"1": _c["vermillion"], "2": _c["orange"], "3": _c["grey"], "4": _c["sky_blue"], "5": _c["blue"]},
    "nps": {"detractor": _c["vermillion"], "passive": _c["grey"], "promoter": _c["green"]},
    "reason": {
        "price": _c["orange"],
        "competitor_offer": _c["blue"],
        "poor_service": _c["vermillion"],
        "unresolved_complaint": _c["purple"],
        "product_fit": _c["sky_blue"],
        "no_longer_needed": _c["grey"],
        "other reasons": _c["dark_grey"],
    },
}

#: Colours for quantities that are not labels (lines of a time series, money).
ACCENT = _c["blue"]
SECOND = _c["orange"]
NEGATIVE = _c["vermillion"]


def category(name: object, family: str | None = None) -> str:
    """A category's label as a chart shows it, in the language in use.

    In English, :func:`helpers.glossary.label` (``face_to_face`` → ``Face to face``). In
    Spanish, the glossary's term with a capital first letter (``partner`` → ``Socio``); a
    bond level reads as its bond (``financial`` → ``Vínculo financiero``) when ``family``
    is "bond". A name the glossary does not know (an analyst's own label, a method) is
    looked up in the catalogues by its English label, and shown as it is when it has no
    translation.

    Parameters
    ----------
    name : object
        A category, column or group name (underscores allowed).
    family : str, optional
        The palette family the name belongs to (e.g. "bond").

    Returns
    -------
    str

    Examples
    --------
    >>> category("face_to_face"), category("financial", "bond")
    ('Face to face', 'Financial')
    """
    english = label(name, "en")
    if language() == "en":
        return english
    text = str(name).replace("_", " ")
    if family == "bond":
        if text == "none":
            return _("No bond")
        if text.endswith(" or deeper"):
            return _("{level} or deeper").format(level=category(text.removesuffix(" or deeper"), family))
        if text in PALETTES["bond"]:
            text = f"{text} bond"
    try:
        term = spanish_term(text)
    except KeyError:
        return _(english)
    return term[:1].upper() + term[1:]


def term(name: str) -> str:
    """A name inside a chart's text, in the language in use: as written in English, or its Spanish term.

    Unlike :func:`category`, the English keeps its case ("dissatisfied"); a name the glossary
    does not know is looked up in the catalogues.

    >>> term("completely satisfied")
    'completely satisfied'
    """
    if language() == "en":
        return name
    try:
        return spanish_term(name)
    except KeyError:
        return _(name)


def table_word(text: str) -> str:
    """A text of a table, in the language in use: :func:`term`, or the label a chart draws for it.

    Charts capitalize their labels (:func:`category`), so a lower-case name a chart also
    shows ("same true service quality") is found under its capitalized form, and comes
    back lower-case.

    >>> from helpers.i18n import speaking
    >>> with speaking("es"):
    ...     table_word("naive")
    'ingenua'
    """
    translated = term(text)
    if translated != text or not text[:2].islower():
        return translated
    capital = text[0].upper() + text[1:]
    found = _(capital)
    if found == capital:
        return text
    return found[0].lower() + found[1:] if found[1:2].islower() else found


translate_tables_with(table_word)


def with_spanish(name: str, english: str | None = None, sep: str = " ") -> str:
    """A glossary term with its Spanish beside it in English (``Partner (socio)``); the Spanish term alone in Spanish.

    Parameters
    ----------
    name : str
        The English name the glossary knows (e.g. "partner", "apostles").
    english : str, optional
        The English text to show (default: :func:`helpers.glossary.label` of ``name``).
    sep : str
        What separates the English text from the Spanish in parentheses (a space or a new line).

    Examples
    --------
    >>> with_spanish("partner"), with_spanish("apostles", "Apostles", "\\n")
    ('Partner (socio)', 'Apostles\\n(apóstoles)')
    """
    if language() == "en":
        return f"{english or label(name)}{sep}({spanish_term(name)})"
    return category(name)


def count(value: float, _pos: object = None) -> str:
    """A count with separators between thousands, in the language in use: 1234 → '1,234' ('1.234' in Spanish).

    >>> count(1234.4)
    '1,234'
    """
    return localize(f"{value:,.0f}")


_MONTHS = dict(
    zip(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"),
    )
)
_MONTH_NAME = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b")


def local_dates(text: str) -> str:
    """A date label written by matplotlib (English month names) in the language in use.

    >>> local_dates("2024-Apr")
    '2024-Apr'
    """
    if language() == "en":
        return text
    return _MONTH_NAME.sub(lambda match: _MONTHS[match.group()], text)


class _ConciseDates(ConciseDateFormatter):
    """Matplotlib's concise date labels ("2024", "Apr"), with the month names of the language in use."""

    def __call__(self, x, pos=None):
        return local_dates(super().__call__(x, pos))

    def format_ticks(self, values):
        return [local_dates(text) for text in super().format_ticks(values)]

    def get_offset(self):
        return local_dates(super().get_offset())


class _ConciseDateConverter(mdates.ConciseDateConverter):
    """The theme's date converter ("date.converter": "concise") with :class:`_ConciseDates` labels."""

    def axisinfo(self, unit, axis):
        info = super().axisinfo(unit, axis)
        info.majfmt = _ConciseDates(
            info.majloc,
            tz=unit,
            formats=self._formats,
            zero_formats=self._zero_formats,
            offset_formats=self._offset_formats,
            show_offset=self._show_offset,
        )
        return info


class _DateConverter:
    """Matplotlib's converter of dates (:rc:`date.converter`), with month names in the language in use."""

    @staticmethod
    def _get_converter():
        interval_multiples = mpl.rcParams["date.interval_multiples"]
        if mpl.rcParams["date.converter"] == "concise":
            return _ConciseDateConverter(interval_multiples=interval_multiples)
        return mdates.DateConverter(interval_multiples=interval_multiples)

    def axisinfo(self, *args, **kwargs):
        return self._get_converter().axisinfo(*args, **kwargs)

    def default_units(self, *args, **kwargs):
        return self._get_converter().default_units(*args, **kwargs)

    def convert(self, *args, **kwargs):
        return self._get_converter().convert(*args, **kwargs)


class _LocalNumbers(ScalarFormatter):
    """Matplotlib's default tick labels (0.25, 0.50, …) with the decimal mark of the language in use."""

    def __call__(self, x, pos=None):
        return localize(super().__call__(x, pos))

    def get_offset(self):
        return localize(super().get_offset())


class _LinearScale(mscale.LinearScale):
    """Matplotlib's linear scale (the default of every axis), with :class:`_LocalNumbers` tick labels."""

    def __init__(self, *args, **kwargs):  # no named *axis* parameter: matplotlib 3.11 is phasing it out
        super().__init__(*args, **kwargs)

    def set_default_locators_and_formatters(self, axis):
        super().set_default_locators_and_formatters(axis)
        axis.set_major_formatter(_LocalNumbers())


mscale.register_scale(_LinearScale)  # its name is "linear": every new axis has it
_MATPLOTLIB_DATES = getattr(mdates, "_SwitchableDateConverter", None)
for _type in (np.datetime64, datetime.date, datetime.datetime):
    if _MATPLOTLIB_DATES is not None and type(munits.registry.get(_type)) is _MATPLOTLIB_DATES:  # not pandas'
        munits.registry[_type] = _DateConverter()


def use_theme(context: str = "notebook") -> None:
    """Apply the course theme to matplotlib (and so to seaborn).

    Parameters
    ----------
    context : "notebook" or "projector"
        "projector" enlarges fonts and lines further for presenting to a class.

    Example
    -------
    >>> use_theme("projector")
    """
    if context not in ("notebook", "projector"):
        raise ValueError(f"context must be 'notebook' or 'projector', not {context!r}")
    scale = 1.0 if context == "notebook" else 1.3
    mpl.rcParams.update(
        {
            "figure.figsize": (10, 5.5),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "figure.constrained_layout.use": True,
            "font.size": 13 * scale,
            "axes.titlesize": 16 * scale,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 13 * scale,
            "xtick.labelsize": 12 * scale,
            "ytick.labelsize": 12 * scale,
            "legend.fontsize": 12 * scale,
            "legend.frameon": False,
            "lines.linewidth": 2.5 * scale,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "axes.grid.axis": "y",
            "axes.axisbelow": True,
            "date.converter": "concise",  # short, non-overlapping date labels on every time axis
            "grid.color": "#dddddd",
            "axes.prop_cycle": mpl.cycler(
                color=[_c[k] for k in ("blue", "orange", "green", "vermillion", "sky_blue", "purple", "black")]
            ),
        }
    )


def palette(family: str, labels: Sequence[str] | None = None) -> list[str]:
    """Colours of ``labels`` (default: all labels) of a palette family, in order.

    >>> palette("stage")[:2]
    ['#999999', '#56B4E9']
    """
    try:
        colours = PALETTES[family]
    except KeyError:
        raise KeyError(f"no palette {family!r}; the families are {sorted(PALETTES)}") from None
    if labels is None:
        return list(colours.values())
    missing = [str(label) for label in labels if str(label) not in colours]
    if missing:
        raise KeyError(f"palette {family!r} has no colour for {missing}; it knows {list(colours)}")
    return [colours[str(label)] for label in labels]


def colours_for(family: str | None, labels: Sequence[str]) -> list[str]:
    """Colours of ``labels``: the family's colour for its own labels, spare colours for the others.

    An analyst's data may keep its own labels (say, acquisition channels called "Radio"
    or "Partner shop"). They get the Okabe–Ito colours the family does not use, in turn, so a chart still draws; :func:`palette` stays strict and names unknown labels.
    A pooled label such as ``"customization or deeper"`` takes its first level's colour.

    Parameters
    ----------
    family : str or None
        A family of :data:`PALETTES`; None gives every label a spare colour.
    labels : sequence of str
        The labels to colour, in order.

    Returns
    -------
    list of str
        One hex colour per label.

    Examples
    --------
    >>> colours_for("segment", ["B2B", "Wholesale"]) == [PALETTES["segment"]["B2B"], OKABE_ITO["black"]]
    True
    >>> colours_for("bond", ["customization or deeper"]) == [PALETTES["bond"]["customization"]]
    True
    """
    names = [str(name) for name in labels]
    known = dict(PALETTES[family]) if family else {}
    known.update(
        {
            name: known[name.removesuffix(" or deeper")]
            for name in names
            if name.endswith(" or deeper") and name.removesuffix(" or deeper") in known
        }
    )
    taken = set(known.values())  # a spare colour never looks like one of the family's labels
    spare = [c for c in OKABE_ITO.values() if c not in taken] or [OKABE_ITO["grey"]]
    others = dict.fromkeys(name for name in names if name not in known)
    extra = {name: spare[i % len(spare)] for i, name in enumerate(others)}
    return [known.get(name) or extra[name] for name in names]


def text_colour_on(fill: str) -> str:
    """Black or white text, whichever contrasts more with ``fill`` (WCAG 2.1 contrast ratio).

    Parameters
    ----------
    fill : str
        A background colour as ``#RRGGBB``.

    Returns
    -------
    str
        ``OKABE_ITO["black"]`` or ``"white"``.

    References
    ----------
    W3C (2018). Web Content Accessibility Guidelines 2.1: relative luminance and contrast ratio.

    Examples
    --------
    >>> text_colour_on(OKABE_ITO["blue"]), text_colour_on(OKABE_ITO["yellow"])
    ('white', '#000000')
    """
    red, green, blue = (int(fill.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # contrast with black (L + 0.05) / 0.05 against with white 1.05 / (L + 0.05)
    return OKABE_ITO["black"] if (luminance + 0.05) ** 2 > 0.0525 else "white"


def axes_or_new(ax: Axes | None, figsize: tuple[float, float] | None = None) -> tuple[Figure, Axes]:
    """The given axes and their figure, or a new figure with one axes (for ``ax=None``)."""
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax


def fixed_figure(figsize: tuple[float, float]) -> Figure:
    """A new figure without a layout engine, for a chart a widget redraws on every change.

    The theme's constrained layout measures every text of a figure twice before each draw,
    about a third of a widget's redraw; a chart made with this figure places its axes
    itself, with ``fig.add_axes((left, bottom, width, height))`` in figure fractions. The
    placeholder engine also stops ``savefig`` from switching the theme's engine back on.

    >>> fig = fixed_figure((6, 3)); ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    >>> fig.get_layout_engine().adjust_compatible
    True
    >>> plt.close(fig)
    """
    return plt.figure(figsize=figsize, layout=PlaceHolderLayoutEngine(adjust_compatible=True, colorbar_gridspec=True))


def month_ticks(ax: Axes, *, most: int = 8) -> None:
    """Fix the date ticks of ``ax``'s x axis: the first of a month, every 1, 2, 3, 6 or 12·n months.

    Matplotlib's automatic date locator picks such ticks too, but reruns a dateutil rule
    at every draw (and several times per draw), much of a widget's redraw time; these are
    computed once from the current x limits, which are then kept. Labels stay concise
    ("2024", "Apr", "Jul"). A span without the first of a month keeps the automatic ticks.

    >>> fig, ax = plt.subplots(); lines = ax.plot(pd.to_datetime(["2023-02-10", "2024-05-01"]), [1, 2])
    >>> month_ticks(ax)
    >>> [d.strftime("%Y-%m") for d in num2date(ax.get_xticks())]
    ['2023-04', '2023-07', '2023-10', '2024-01', '2024-04']
    >>> plt.close(fig)
    """
    low, high = ax.get_xlim()
    start, end = (pd.Timestamp(d.replace(tzinfo=None)) for d in num2date([low, high]))
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = next(s for s in (1, 2, 3, 6, *(12 * n for n in range(1, 1000))) if months / s <= most)
    ticks = pd.date_range(pd.Timestamp(start.year, 1, 1), end, freq=f"{step}MS")
    ticks = ticks[ticks >= start]
    if not len(ticks):
        return
    locator = FixedLocator(date2num(ticks.to_pydatetime()))
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(_ConciseDates(locator))
    ax.set_xlim(low, high)


class _MoneyAxisFormatter(Formatter):
    """Tick labels of money in one unit, the unit of the axis's largest amount (see :func:`money_axis`)."""

    def __init__(self) -> None:
        self._unit, self._suffix, self._decimals = 1.0, "", 0

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        ticks = np.asarray(locs, dtype=float)
        ticks = ticks[np.isfinite(ticks)]
        ends = np.asarray(self.axis.get_view_interval(), dtype=float) if self.axis is not None else ticks
        largest = float(np.nanmax(np.abs(np.concatenate([ticks, ends])))) if ticks.size or ends.size else 0.0
        self._unit, self._suffix = next(
            ((limit, suffix) for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")) if largest >= limit), (1.0, "")
        )
        scaled = ticks / self._unit
        # the fewest decimals that print every tick exactly; one at least below 10 units (0.8M, 1.0M)
        self._decimals = next((d for d in range(4) if np.allclose(np.round(scaled, d), scaled, atol=1e-9)), 3)
        if self._suffix and self._decimals == 0 and scaled.size and np.nanmax(np.abs(scaled)) < 10:
            self._decimals = 1

    def __call__(self, value: float, pos: object = None) -> str:
        if value == 0:
            return "0"
        return localize(f"{value / self._unit:.{self._decimals}f}{self._suffix}")


def money_axis(axis, *, most_ticks: int | None = None) -> None:
    """Label an axis's ticks as money in one unit, picked from the axis's largest amount.

    :func:`helpers.formats.money` picks the unit of each value on its own, so one axis
    could read "800.0k" next to "1.0M"; here every tick shares the unit of the largest
    amount on the axis (0.8M, 1.0M) and the same number of decimals.

    Parameters
    ----------
    axis : matplotlib Axis
        e.g. ``ax.yaxis`` or ``ax.xaxis``.
    most_ticks : int, optional
        at most this many intervals between ticks (a narrow horizontal axis needs few).

    Examples
    --------
    >>> fig, ax = plt.subplots(); bars = ax.bar(["a", "b"], [1_400_000, 800_000])
    >>> money_axis(ax.yaxis)
    >>> ax.yaxis.get_major_formatter().format_ticks([0, 400_000, 800_000, 1_200_000])
    ['0', '0.4M', '0.8M', '1.2M']
    >>> limits = ax.set_ylim(0, 900_000); ax.yaxis.get_major_formatter().format_ticks([0, 250_000, 500_000, 750_000])
    ['0', '250k', '500k', '750k']
    >>> plt.close(fig)
    """
    axis.set_major_formatter(_MoneyAxisFormatter())
    if most_ticks is not None:
        axis.set_major_locator(MaxNLocator(nbins=most_ticks))


def bar_chart(
    values: pd.Series,
    *,
    family: str | None = None,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    horizontal: bool = False,
    fmt: str = "count",
    ax: Axes | None = None,
) -> Figure:
    """Bars of a Series (index = labels), coloured by ``family`` and annotated with values.

    Parameters
    ----------
    values : Series whose index holds the labels and whose values are the bar heights.
    family : palette family for the labels (e.g. "stage"); None uses the accent colour.
        Labels outside the family get spare colours (see :func:`colours_for`).
    fmt : how to print values on the bars: "count", "money" or "percent".

    Example
    -------
    >>> fig = bar_chart(pd.Series({"web": 5, "phone": 3}), family="channel", title="Contacts")
    """
    formatters = {"count": count, "money": money, "percent": percent}
    if fmt not in formatters:
        raise ValueError(f"fmt must be one of {sorted(formatters)}, not {fmt!r}")
    fig, ax = axes_or_new(ax)
    names = [str(i) for i in values.index]
    colours = colours_for(family, names) if family else [ACCENT] * len(values)
    ticks = [category(n, family) for n in names]
    if horizontal:
        bars = ax.barh(ticks[::-1], values.to_numpy()[::-1], color=colours[::-1])
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
    else:
        bars = ax.bar(ticks, values.to_numpy(), color=colours)
    ax.bar_label(
        bars, labels=[formatters[fmt](v) for v in (values.to_numpy()[::-1] if horizontal else values)], padding=3
    )
    value_axis = ax.xaxis if horizontal else ax.yaxis
    if fmt != "count":
        value_axis.set_major_formatter(FuncFormatter(formatters[fmt]))
    ax.margins(x=0.12) if horizontal else ax.margins(y=0.12)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return fig


def line_chart(
    frame: pd.DataFrame,
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    family: str | None = None,
    fmt: str = "count",
    ax: Axes | None = None,
) -> Figure:
    """One line per column of ``frame`` against its index (e.g. months).

    Columns are coloured by ``family`` when given, else by the theme's cycle; a legend
    appears when there is more than one line.

    >>> fig = line_chart(pd.DataFrame({"active": [10, 12, 15]}), title="Customers")
    """
    fig, ax = axes_or_new(ax)
    colours = palette(family, [str(c) for c in frame.columns]) if family else [None] * frame.shape[1]
    for column, colour in zip(frame.columns, colours):
        ax.plot(frame.index, frame[column], label=category(column, family), color=colour)
    if frame.shape[1] > 1:
        ax.legend()
    if fmt == "money":
        ax.yaxis.set_major_formatter(FuncFormatter(money))
    elif fmt == "percent":
        ax.yaxis.set_major_formatter(FuncFormatter(percent))
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return fig


def stacked_share_chart(
    shares: pd.DataFrame, *, family: str, title: str = "", xlabel: str = "", ax: Axes | None = None
) -> Figure:
    """Stacked areas of shares over the index (rows sum to 1), e.g. the stage mix by month.

    >>> fig = stacked_share_chart(pd.DataFrame({"friend": [.5, .6], "partner": [.5, .4]}), family="stage")
    """
    fig, ax = axes_or_new(ax)
    columns = [str(c) for c in shares.columns]
    ax.stackplot(
        shares.index,
        shares.to_numpy().T,
        labels=[category(c, family) for c in columns],
        colors=palette(family, columns),
        alpha=0.9,
    )
    ax.yaxis.set_major_formatter(FuncFormatter(percent))
    ax.set_ylim(0, 1)
    ax.margins(x=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set(title=title, xlabel=xlabel)
    return fig


def share_grid(shares: pd.DataFrame, *, uuid: str = "shares"):
    """A table of shares (0–1) as a heat map: percentages on one blue scale, empty cells blank.

    The scale is fixed from 0 to 1, so two grids can be compared by eye. Empty cells (a
    cohort too young for that column) stay white: a colour map would paint them black.
    ``uuid`` names the table's CSS, so the HTML is the same at every run.

    >>> grid = share_grid(pd.DataFrame({"0": [0.5, 0.25], "1": [0.4, None]}))
    >>> html = grid.to_html()
    >>> "50%" in html and ">nan<" not in html and "background-color: white" in html
    True
    """
    return (
        shares.style.set_uuid(uuid)
        .format("{:.0%}", na_rep="")
        .background_gradient(cmap="Blues", vmin=0, vmax=1, axis=None, text_color_threshold=0.2)
        .highlight_null(color="white")
    )


def table(frame: pd.DataFrame, *, index: bool = False) -> HTML:
    """Show a table in full (no truncated text), e.g. a glossary or a comparison of stages.

    >>> table(pd.DataFrame({"English": ["partner"], "Spanish": ["socio"]}))
    <IPython.core.display.HTML object>
    """
    decimal = "," if language() == "es" else "."
    shown = table_in_language(frame)
    return HTML(shown.to_html(index=index, escape=True, border=0, classes="crm-table", decimal=decimal))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data and its CRC (PNG specification, section 5.3)."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def rgb_png(rgb: np.ndarray) -> bytes:
    """PNG bytes of an 8-bit RGB image (height × width × 3), written quickly for a widget's redraw.

    Rows are stored unfiltered and compressed at zlib's fastest level: a chart is mostly
    flat colour, so this costs about half of Pillow's adaptive filtering for a file only
    about a tenth larger (PNG specification, ISO/IEC 15948:2004).

    >>> png = rgb_png(np.zeros((2, 3, 3), dtype=np.uint8))
    >>> png[:8], struct.unpack(">II", png[16:24])
    (b'\\x89PNG\\r\\n\\x1a\\n', (3, 2))
    """
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"rgb must be an 8-bit height × width × 3 array, not {rgb.dtype} of shape {rgb.shape}")
    height, width = rgb.shape[:2]
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # each row starts with its filter type, 0 = none
    rows[:, 1:].reshape(height, width, 3)[...] = rgb  # splitting the last axis is a view: one copy in all
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, truecolour, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 1))
        + _png_chunk(b"IEND", b"")
    )


def figure_png(figure: Figure) -> bytes:
    """Render a figure to PNG bytes quickly, for a widget's redraw.

    ``savefig`` draws the figure twice and compresses hard; a widget needs one draw and
    a light compression (:func:`rgb_png`), which roughly halves the time of a redraw. Text
    is drawn without font hinting (at screen resolution it looks the same, and text is most
    of a redraw: about a fifth faster), and the opaque image is stored as RGB.

    >>> fig, ax = plt.subplots(); lines = ax.plot([0, 1])
    >>> figure_png(fig)[:4]
    b'\\x89PNG'
    >>> plt.close(fig)
    """
    canvas = FigureCanvasAgg(figure)
    with mpl.rc_context({"text.hinting": "no_hinting"}):
        canvas.draw()
    return rgb_png(np.asarray(canvas.buffer_rgba())[..., :3])
