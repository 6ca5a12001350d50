"""The manager report's page: charts as embedded PNG, tables as HTML, one file with inline styles.

:func:`render_report` draws the charts of a :class:`~helpers.report.compute.ReportData`
with :mod:`helpers.plots` and writes the HTML string; :func:`build_report` computes and
renders in one call. Everything a manager reads (the advice per segment, type and tier)
lives here, not in the numbers.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers import i18n, plots
from helpers.company import Company
from helpers.formats import localize, number, percent_text, without_negative_zero
from helpers.i18n import N_, _, language
from helpers.plots import crm as crm_plots
from helpers.plots import figure_png
from helpers.plots import loyalty as loyalty_plots
from helpers.plots import retention as retention_plots
from helpers.profitability import TIERS
from helpers.report.compute import (
    ReportData,
    ReportOptions,
    Skipped,
    compute_report,
    timed,
)

#: What a manager can do with each RFM segment (practitioner advice, Hughes 1994 onwards).
RFM_ACTIONS = {
    "champions": N_("reward them; ask for referrals and reviews"),
    "loyal": N_("offer more of the range (cross-sell, upgrades)"),
    "potential loyalists": N_("invite them to the loyalty programme"),
    "new": N_("welcome them well: the second purchase is the hardest"),
    "promising": N_("make the brand familiar; a first-repeat offer"),
    "need attention": N_("a personal, time-limited offer"),
    "about to sleep": N_("remind them with what they bought before"),
    "can't lose them": N_("contact them personally; find out what changed"),
    "at risk": N_("win them back with a tailored offer"),
    "hibernating": N_("a low-cost reactivation campaign"),
    "lost": N_("spend little; ask why they left"),
}

#: What a manager can do with each loyalty type (Jones & Sasser 1995).
LOYALTY_ACTIONS = {
    "apostle": N_("delight and involve them: they recommend you"),
    "mercenary": N_("tie them with bonds beyond price"),
    "hostage": N_("fix what annoys them before they can leave"),
    "terrorist": N_("listen and repair, or let them go"),
    "indifferent": N_("find out what would make them care"),
}

#: What a manager can do with each tier of the customer pyramid (Zeithaml, Rust & Lemon 2001).
TIER_ACTIONS = {
    "platinum": N_("protect: the best service and attention"),
    "gold": N_("grow them towards platinum"),
    "iron": N_("serve efficiently; look for growth"),
    "lead": N_("raise prices or lower the cost to serve"),
}

#: The names of the tables' rows and columns as the page shows them in English (``plots.label``), for the
#: catalogue: a name the glossary has no Spanish term for is translated from these.
HEADINGS = (
    N_("Customers"),
    N_("Share of customers"),
    N_("Share"),
    N_("Action"),
    N_("Customers valued"),
    N_("Average CLV"),
    N_("Total CLV"),
    N_("Share of total"),
    N_("Margin"),
    N_("Share of margin"),
    N_("Margin per customer"),
    N_("Revenue"),
    N_("Share of revenue"),
    N_("Revenue per customer"),
    N_("Gross margin"),
    N_("Share of gross margin"),
    N_("Gross margin per customer"),
    N_("Profit"),
    N_("Share of profit"),
    N_("Profit per customer"),
    N_("Lost"),
)


# ---------------------------------------------------------------------------------------
# Rendering: charts as embedded PNG, tables as HTML, one page with inline styles
# ---------------------------------------------------------------------------------------

_CSS = """
:root { --ink: #1d1d1f; --muted: #555; --line: #d8d8d8; --accent: #0072B2; --soft: #f4f6f8; }
* { box-sizing: border-box; }
body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       margin: 0 auto; padding: 24px 28px 48px; max-width: 1040px; line-height: 1.45; font-size: 15px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 6px; padding-top: 10px; border-top: 2px solid var(--accent); }
header p { margin: 2px 0; color: var(--muted); }
.what { font-size: 16px; margin: 4px 0 10px; }
.reading { margin: 6px 0 12px; padding-left: 20px; }
.reading li { margin: 2px 0; }
.note { color: var(--muted); font-size: 13px; margin: 6px 0; }
.skipped { background: #fff6e0; border-left: 4px solid #E69F00; padding: 8px 12px; margin: 8px 0;
           white-space: pre-wrap; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; margin: 18px 0 8px; }
.kpi { background: var(--soft); border-radius: 6px; padding: 10px 12px; }
.kpi .value { font-size: 26px; font-weight: 700; color: var(--accent); }
.kpi .name { font-weight: 600; }
.kpi .meaning { color: var(--muted); font-size: 12.5px; }
nav ol { columns: 2; margin: 6px 0; }
figure { margin: 10px 0; }
figure img { width: 100%; height: auto; display: block; }
table.data { border-collapse: collapse; margin: 8px 0 4px; font-size: 13.5px; font-variant-numeric: tabular-nums; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: right; }
table.data th { background: var(--soft); font-weight: 600; }
table.data th.row_heading, table.data td.text { text-align: left; }
table.data caption { caption-side: top; text-align: left; font-weight: 600; padding: 2px 0 4px; }
table.cohorts td { text-align: center; min-width: 44px; }
footer { margin-top: 40px; border-top: 1px solid var(--line); color: var(--muted); font-size: 13px; }
footer pre { white-space: pre-wrap; font-size: 12px; background: var(--soft); padding: 8px 10px; }
@media print { details:not([open]) { display: none; } }
@media (max-width: 720px) { .kpis { grid-template-columns: repeat(2, 1fr); } }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  figure, table, .kpis { break-inside: avoid; }
  nav { display: none; }
  @page { margin: 14mm; }
}
"""

#: Sections in the order the report shows them: (attribute of ReportData, anchor, heading).
SECTIONS = (
    ("rfm", "rfm", N_("RFM segments")),
    ("retention", "retention", N_("Retention curve")),
    ("cohorts", "cohorts", N_("Cohorts")),
    ("pyramid", "pyramid", N_("Customer pyramid")),
    ("clv", "clv", N_("Customer lifetime value")),
    ("loyalty", "loyalty", N_("Loyalty matrix and NPS")),
)

#: One sentence per section: what it shows, for a manager.
_WHAT = {
    "rfm": N_(
        "Customers grouped by how recently, how often and how much they buy, with the share of value "
        "each group brings: where to reward, where to win back."
    ),
    "retention": N_(
        "Out of every 100 customers, how many are still with the company after a given number of "
        "months: how fast the bucket leaks."
    ),
    "cohorts": N_(
        "Customers grouped by the period they started in: does each new group stay (or keep buying) "
        "better or worse than the ones before?"
    ),
    "pyramid": N_(
        "Active customers ranked by what they brought in the last year and cut into tiers: who deserves "
        "the best service, who costs more than they bring."
    ),
    "clv": N_(
        "What an active customer is expected to bring in the coming years, from how often and how much "
        "they have bought: the value of the customer base."
    ),
    "loyalty": N_(
        "Surveyed customers placed by satisfaction and loyalty: apostles to involve, mercenaries to tie, "
        "hostages and terrorists to look after before they leave or speak badly of the company."
    ),
}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _label(name: object) -> str:
    """A row or column name as the page shows it: ``share_of_customers`` → "Share of customers".

    In Spanish the glossary's term, else the catalogue's translation of the English label
    (:data:`HEADINGS`), as charts show it (:func:`helpers.plots.category`).
    """
    return plots.category(name)


# Every number of the page is written by one of these: none shows "-0" or "-0%".


def _count(value: float) -> str:
    return "–" if value is None or not np.isfinite(value) else localize(without_negative_zero(f"{value:,.0f}"))


def _amount(value: float) -> str:
    return "–" if value is None or not np.isfinite(value) else localize(without_negative_zero(f"{value:,.0f}"))


def _share(value: float, digits: int = 0) -> str:
    return localize(percent_text(value, digits))


def _money(value: float) -> str:
    return plots.money(value)


def _score(value: float) -> str:
    return without_negative_zero(f"{value:+.0f}")


def _date(value) -> str:
    # Translators: a strftime format for a day on the page; in Spanish "%d/%m/%Y" (month names stay English)
    return pd.Timestamp(value).strftime(_("%d %b %Y"))


def _n(count) -> str:
    """A count in a sentence: ``1,234`` (English) or ``1.234`` (Spanish)."""
    return number(count, ",")


def _drawn(draw: Callable[[], mpl.figure.Figure]) -> mpl.figure.Figure:
    """``draw()``; a chart naming a label the glossary has no Spanish term for yet is drawn in English."""
    try:
        return draw()
    except KeyError:
        lang = language()
        if lang == "en":
            raise
    i18n.use("en")
    try:
        return draw()
    finally:
        i18n.use(lang)


def _figure(
    draw: Callable[[], mpl.figure.Figure], alt: str, timings: dict[str, float], stage: str, caption: str = ""
) -> str:
    """Draw a figure with the course theme and embed it as a base64 PNG ``<img>``."""
    with timed(timings, stage), mpl.rc_context():
        plots.use_theme()
        figure = _drawn(draw)
        try:
            figure.set_dpi(120)
            png = figure_png(figure)
        finally:
            plt.close(figure)
    data = base64.b64encode(png).decode("ascii")
    text = f"<figcaption class='note'>{_e(caption)}</figcaption>" if caption else ""
    return f"<figure><img alt='{_e(alt)}' src='data:image/png;base64,{data}'>{text}</figure>"


def _table(
    frame: pd.DataFrame,
    formats: dict[str, Callable],
    key: str,
    *,
    caption: str = "",
    index_name: str | None = None,
    text_columns: Sequence[str] = (),
) -> str:
    """A table as HTML with readable headings; cells formatted, text escaped."""
    shown = frame.copy()
    shown.index = [_label(name) for name in shown.index]
    corner = _e(index_name) if index_name else None  # the index's name, shown in the top-left cell
    shown.columns = pd.Index([_label(name) for name in shown.columns], name=corner)
    text_columns = [_label(name) for name in text_columns]
    numbers = {_label(column): format for column, format in formats.items() if _label(column) in shown}
    styler = (
        shown.style.format(na_rep="–", escape="html")
        .format(numbers, na_rep="–", subset=list(numbers))
        .format_index(escape="html", axis=0)
        .format_index(escape="html", axis=1)
        .set_uuid(key)
        .set_table_attributes("class='data'")
        .set_table_styles(
            {column: [{"selector": "th", "props": "text-align: left"}] for column in text_columns}, overwrite=False
        )
    )
    if text_columns:
        classes = pd.DataFrame(
            [["text" if c in text_columns else "" for c in shown.columns]] * len(shown),
            index=shown.index,
            columns=shown.columns,
        )
        styler = styler.set_td_classes(classes)
    if caption:
        styler = styler.set_caption(_e(caption))
    return styler.to_html()


def _reading(lines: Sequence[str]) -> str:
    return "<ul class='reading'>" + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>"


def _notes(lines: Sequence[str]) -> str:
    return "".join(f"<p class='note'>{_e(line)}</p>" for line in lines)


def _value_columns(table: pd.DataFrame, value_name: str) -> pd.DataFrame:
    """The columns of :func:`helpers.crm.rfm_segment_value` named after the value measured."""
    return table.rename(
        columns={
            "margin": value_name,
            "share_of_margin": f"share_of_{value_name}",
            "margin_per_customer": f"{value_name}_per_customer",
        }
    )


def _with_actions(table: pd.DataFrame, actions: dict[str, str]) -> pd.DataFrame:
    """The table with an ``action`` column: what a manager can do with each row's group."""
    return table.assign(action=[_(actions[str(name)]) if str(name) in actions else "" for name in table.index])


def _segment_formats(value_name: str) -> dict[str, Callable]:
    return {
        "customers": _count,
        "share_of_customers": _share,
        value_name: _amount,
        f"share_of_{value_name}": _share,
        f"{value_name}_per_customer": _amount,
    }


def _share_chart(
    table: pd.DataFrame, title: str, value_name: str, *, colours: Sequence[str] | None = None, height: float = 6.0
):
    """Share of customers and of value per group (:func:`helpers.plots.crm.segment_value_chart`), for any value.

    The right panel is named after the value and widened to show groups whose value is
    negative; ``colours`` (one per row of ``table``) replace the default bar colours.
    """
    figure = crm_plots.segment_value_chart(table, title=title, height=height)
    right = figure.axes[1]
    right.set_title(_("Share of {value}").format(value=_(value_name)), fontsize=14)
    lowest = float(table["share_of_margin"].min())
    if lowest < 0:
        right.set_xlim(left=lowest * 1.25)
        right.axvline(0, color="#333333", lw=1)
    if colours is not None:
        for axes in figure.axes:  # bars are drawn from the last row up
            for bar, colour in zip(axes.patches, list(colours)[::-1]):
                bar.set_color(colour)
    return figure


#: The components of the loyalty index (helpers.loyalty), as the notes name them.
COMPONENTS = (N_("repurchase"), N_("tenure"), N_("bonds"), N_("intention"))


def _term(name: str) -> str:
    """A group's name inside a sentence: as the data write it in English (``champions``), else its label."""
    return name if language() == "en" else _label(name)


def _rfm_html(result: dict, data: ReportData) -> str:
    value_name = "margin" if data.overview["costs"] else "revenue"
    value = _(value_name)
    segments = result["segments"]
    best = segments.sort_values("share_of_margin", ascending=False)
    top = best.index[0]
    lines = [
        _("The “{segment}” segment is {customers} of the buyers and brings {value_share} of the {value}.").format(
            segment=_term(top),
            customers=_share(best["share_of_customers"].iloc[0]),
            value_share=_share(best["share_of_margin"].iloc[0]),
            value=value,
        )
    ]
    for name in ("at risk", "can't lose them"):
        if name in segments.index:
            row = segments.loc[name]
            lines.append(
                _(
                    "{segment}: {count} customers who used to buy often ({value_share} of the {value}) and have not "
                    "bought lately."
                ).format(
                    segment=_label(name),
                    count=_count(row["customers"]),
                    value_share=_share(row["share_of_margin"]),
                    value=value,
                )
            )
    title = _("RFM segments: share of customers and of {value}").format(value=value)

    def draw():
        return _share_chart(segments, title, value_name)

    table = _with_actions(_value_columns(segments, value_name), RFM_ACTIONS)
    return (
        _reading(lines)
        + _figure(draw, _("RFM segments"), data.timings, "draw rfm")
        + _table(table, _segment_formats(value_name), "rfm", index_name=_("segment"), text_columns=("action",))
        + _notes(
            [
                _(
                    "R, F and M are quintile scores (5 = best) of the days since the last purchase, the number of "
                    "repeat purchase days and the average repeat spend; segments come from the R × F grid. "
                    "Value = {value} over the whole period."
                ).format(value=value)
            ]
        )
    )


def _retention_html(result: dict, data: ReportData) -> str:
    rule, readings = result["rule"], result["readings"]
    recorded = rule == "recorded"
    lines = [
        _("After {months} months, {share} of customers are still there.").format(
            months=int(months), share=_share(share)
        )
        for months, share in readings.items()
        if months in (6, 12, 24) and np.isfinite(share)
    ]
    median = result["median_months"]
    lines.append(
        _("Half of the customers are lost within {months} months.").format(months=localize(f"{median:.1f}"))
        if np.isfinite(median)
        else _("More than half of the customers are still there at the end of the data.")
    )
    if np.isfinite(result["churn_rate"]):
        lines.append(
            _(
                "Over the last {months} months, {share} of the customers there at the start of a month were lost "
                "during it."
            ).format(months=data.options.window_months, share=_share(result["churn_rate"], 1))
        )
    marks = [m for m in (12,) if m <= result["curve"]["time"].max()]
    xlabel = _("months since signup") if recorded else _("months since first purchase")
    title = (
        _("Share of customers still there, by months since signup")
        if recorded
        else _("Share of customers still there, by months since first purchase")
    )
    figure = _figure(
        lambda: retention_plots.survival_chart(result["curve"], family=None, marks=marks, xlabel=xlabel, title=title),
        _("retention curve"),
        data.timings,
        "draw retention",
    )
    if recorded:
        note = _("Lost = recorded in the churn table. Customers still there at the end of the data count until then.")
    else:
        note = _(
            "The data have no record of lost customers, so a customer who has not bought for {days} days counts as "
            "lost on the day of the last purchase (one-time buyers are lost on day 0). That can only be judged up "
            "to {day}, {days} days before the end."
        ).format(days=data.options.inactive_days, day=_date(result["judged_until"]))
    followed = _("{count} customers followed; Kaplan–Meier estimate with its 95 % band.").format(
        count=_n(result["customers"])
    )
    return _reading(lines) + figure + _notes([note, followed])


def _cohorts_html(result: dict, data: ReportData) -> str:
    shares, sizes = result["shares"], result["sizes"]
    monthly, active = result["freq"] == "M", result["measure"] == "active"
    period = _("month") if monthly else _("quarter")
    shown = shares.copy()
    shown.index = [f"{cohort} ({_n(size)})" for cohort, size in zip(shares.index.astype(str), sizes)]
    start = _("signup") if active else _("first purchase")
    columns_name = _("{start} {period} (customers)").format(start=start, period=period)
    shown.columns = pd.Index([str(age) for age in shares.columns], name=columns_name)
    caption = {
        (True, True): _("Months since the signup →"),
        (False, True): _("Quarters since the signup →"),
        (True, False): _("Months since the first purchase →"),
        (False, False): _("Quarters since the first purchase →"),
    }[(monthly, active)]
    styler = (
        plots.share_grid(shown, uuid="cohorts").set_table_attributes("class='data cohorts'").set_caption(_e(caption))
    )
    if active:
        what = _("Each cell: the share of the cohort still a customer that many {periods} after signing up.").format(
            periods=_("months") if monthly else _("quarters")
        )
    else:
        what = _(
            "Each cell: the share of the cohort who bought in that {period} of their life (column 0 is the "
            "{period} of the first purchase, so it is always 100 %)."
        ).format(period=period)
    lines = []
    if shares.shape[1] > 1 and shares.iloc[:, 1].notna().sum() >= 2:
        column = shares.iloc[:, 1].dropna()
        lines.append(
            _(
                "One {period} after the start, {low} to {high} of a cohort {doing}; {latest} in the latest cohort "
                "measured ({cohort})."
            ).format(
                period=period,
                low=_share(column.min()),
                high=_share(column.max()),
                doing=_("still customers") if active else _("bought again"),
                latest=_share(column.iloc[-1]),
                cohort=column.index[-1],
            )
        )
    return _reading(lines) + styler.to_html() + _notes([what, _("Empty cells have not happened yet.")])


def _pyramid_html(result: dict, data: ReportData) -> str:
    name, table = result["value_name"], result["table"]
    value = _(name)
    lines = []
    top = table.loc[["platinum", "gold"]]
    lines.append(
        _("The top {share} of active customers (platinum and gold) bring {value_share} of the {value}.").format(
            share=_share(top["share_of_customers"].sum()), value_share=_share(top["share_of_margin"].sum()), value=value
        )
    )
    if table.loc["lead", "customers"] > 0:
        lead = table.loc["lead"]
        lines.append(
            _("{count} customers ({share}) are lead: their {value} is below zero, {amount} in total.").format(
                count=_count(lead["customers"]),
                share=_share(lead["share_of_customers"]),
                value=value,
                amount=_amount(table.loc["lead", "margin"]),
            )
        )
    title = _("Customer pyramid: share of customers and of {value}").format(value=value)

    def draw():
        return _share_chart(table, title, name, colours=plots.palette("tier", list(TIERS)), height=4.2)

    if name == "profit":
        explain = _("profit = gross margin − cost to serve ({parts})").format(
            parts=", ".join(_(part) for part in result["cost_to_serve"])
        )
    elif name == "gross margin":
        explain = _("gross margin = revenue − cost (the data have no contacts or bonds to price the cost to serve)")
    else:
        explain = _("the data have no costs, so customers are ranked by revenue and none can be lead")
    return (
        _reading(lines)
        + _figure(draw, _("customer pyramid"), data.timings, "draw pyramid")
        + _table(
            _with_actions(_value_columns(table, name), TIER_ACTIONS),
            _segment_formats(name),
            "pyramid",
            index_name=_("tier"),
            text_columns=("action",),
        )
        + _notes(
            [
                _(
                    "Last {months} months; {explain}. Platinum = best {platinum}, gold = the next ones up to the "
                    "best {gold}, lead = below zero (Zeithaml, Rust & Lemon 2001)."
                ).format(
                    months=data.options.window_months,
                    explain=explain,
                    platinum=_share(data.options.platinum),
                    gold=_share(data.options.gold),
                )
            ]
        )
    )


def _clv_html(result: dict, data: ReportData) -> str:
    months, value_name = result["months"], result["value_name"]
    value = _(value_name)
    lines = [
        _(
            "An active customer is expected to bring {average} of {value} over the next {months} months (discounted "
            "at {rate} a year); {total} for the {count} active buyers together."
        ).format(
            average=_amount(result["average"]),
            value=value,
            months=months,
            rate=_share(data.options.annual_discount_rate),
            total=_amount(result["total"]),
            count=_n(result["customers"]),
        ),
        _("The best 10 % of them hold {share} of that value.").format(share=_share(result["top_decile_share"])),
    ]
    if np.isfinite(result["formula"]):
        lines.append(
            _(
                "For comparison, the textbook formula for an average customer (yearly {value} × measured retention, "
                "{years} years; Gupta & Lehmann 2003) gives {amount}."
            ).format(value=value, years=months // 12, amount=_amount(result["formula"]))
        )
    parts = [_reading(lines)]
    notes = []
    if "by_segment" in result and len(result["by_segment"]):
        by_segment = result["by_segment"].sort_values("average_CLV", ascending=False, na_position="last")
        valued = by_segment["average_CLV"].dropna()
        if len(valued):
            title = _("Average expected {value} per active customer, next {months} months").format(
                value=value, months=months
            )
            xlabel = _("{value} (currency)").format(value=value)
            parts.append(
                _figure(
                    lambda: plots.bar_chart(valued, horizontal=True, fmt="money", title=title, xlabel=xlabel),
                    _("CLV by RFM segment"),
                    data.timings,
                    "draw clv",
                )
            )
        parts.append(
            _table(
                by_segment,
                {
                    "customers": _count,
                    "customers_valued": _count,
                    "average_CLV": _amount,
                    "total_CLV": _amount,
                    "share_of_total": _share,
                },
                "clv",
                index_name=_("RFM segment"),
            )
        )
        notes.append(
            _(
                "Customers = every buyer of the RFM segment, as in the RFM table; customers valued = those of "
                "them still active, whose expected value is averaged (a segment of lapsed buyers has few or "
                "none)."
            )
        )
    if value_name == "margin":
        basis = _("margin = {share} of spend (the data's average)").format(share=_share(result["margin_ratio"]))
    else:
        basis = _("the data have no costs, so the value is revenue, not margin")
    notes.append(
        _(
            "BG/NBD model of purchases and drop-out with the Gamma-Gamma model of spend (Fader, Hardie & Lee "
            "2005), fitted on {count} buyers; {basis}."
        ).format(count=_n(result["fitted"]), basis=basis)
    )
    if result["left_out"]:
        notes.append(
            _(
                "{count} buyers whose repeat purchases add up to zero or less (returns) are left out of the model."
            ).format(count=_n(result["left_out"]))
        )
    return "".join(parts) + _notes(notes)


def _loyalty_html(result: dict, data: ReportData) -> str:
    summary, table = result["summary"], result["table"]
    value_name = result["value_name"]
    value = _(value_name)
    lines = []
    if result["nps"] is not None:
        lines.append(
            _("NPS {score} over {count} answers in the last {months} months (% promoters − % detractors).").format(
                score=_score(result["nps"]), count=_n(result["nps_answers"]), months=data.options.window_months
            )
        )
    if result["placed"]:
        for kind in ("apostle", "terrorist"):
            row = summary.loc[kind]
            if language() == "en":
                kinds = f"{plots.label(kind)}s"
            else:
                kinds = _label(f"{kind}s")
                kinds = kinds[:1].upper() + kinds[1:]
            lines.append(
                _("{kind}: {count} ({share} of the surveyed), {value_share} of the {value}.").format(
                    kind=kinds,
                    count=_count(row["customers"]),
                    share=_share(row["share"]),
                    value_share=_share(row["value_share"]),
                    value=value,
                )
            )
    parts = [_reading(lines)]
    if result["placed"]:
        title = _("Loyalty matrix of {count} surveyed active customers; value = {value}, last {months} months").format(
            count=_n(result["placed"]), value=value, months=data.options.window_months
        )

        def draw():
            figure = loyalty_plots.matrix_chart(
                table,
                table["loyalty_index"],
                table["loyalty_type"],
                summary,
                satisfied_from=4,
                dissatisfied_up_to=3,
                high_loyalty=0.5,
                low_loyalty=0.35,
            )
            figure.axes[0].set_title(title, fontsize=14)
            return figure

        parts.append(_figure(draw, _("loyalty matrix"), data.timings, "draw loyalty"))
        shown = _with_actions(
            summary.rename(
                columns={
                    "value": value_name,
                    "value_share": f"share_of_{value_name}",
                    "value_per_customer": f"{value_name}_per_customer",
                }
            ),
            LOYALTY_ACTIONS,
        )
        parts.append(
            _table(
                shown,
                {
                    "customers": _count,
                    "share": _share,
                    value_name: _amount,
                    f"share_of_{value_name}": _share,
                    f"{value_name}_per_customer": _amount,
                },
                "loyalty",
                index_name=_("type"),
                text_columns=("action",),
            )
        )
    else:
        parts.append(
            "<p class='skipped'>"
            + _e(_("No active customer has a usable survey answer, so nobody can be placed."))
            + "</p>"
        )
    notes = [
        _(
            "Satisfaction = latest answer (4–5 satisfied, 1–3 not); loyalty index = mean of {components} (each "
            "0–1; loyal ≥ 0.5, loose < 0.35). Customers never surveyed cannot be placed ({unplaced} of {active} "
            "active customers)."
        ).format(
            components=", ".join(_(component) for component in result["components"]),
            unplaced=_n(len(table) - result["placed"]),
            active=_n(len(table)),
        )
    ]
    if result["left_out"]:
        left_out = (
            _("{count} survey answers without a satisfaction or commitment score are left out.")
            if "intention" in result["components"]
            else _("{count} survey answers without a satisfaction score are left out.")
        )
        notes.append(left_out.format(count=_n(result["left_out"])))
    return "".join(parts) + _notes(notes)


_RENDERERS = {
    "rfm": _rfm_html,
    "retention": _retention_html,
    "cohorts": _cohorts_html,
    "pyramid": _pyramid_html,
    "clv": _clv_html,
    "loyalty": _loyalty_html,
}


def _kpi_html(kpis: pd.DataFrame) -> str:
    formats = {"count": _count, "money": _money, "percent": lambda v: _share(v, 1), "score": _score}
    cards = [
        f"<div class='kpi'><div class='name'>{_e(row.measure)}</div>"
        f"<div class='value'>{_e(formats[row.kind](row.value))}</div>"
        f"<div class='meaning'>{_e(row.meaning)}</div></div>"
        for row in kpis.itertuples()
    ]
    return "<section class='kpis'>" + "".join(cards) + "</section>"


def render_report(data: ReportData, *, title: str | None = None, sources: Sequence[str] = ()) -> str:
    """The report as one self-contained HTML page (inline styles, charts as base64 PNG).

    Every text is in the language in use (:func:`helpers.i18n.use`), the numbers with its
    decimal mark.

    Parameters
    ----------
    data : ReportData
        :func:`compute_report`.
    title : str, optional
        the page title (default "Customer report", in the language in use).
    sources : sequence of str, optional
        names of the files the data came from, listed under the title.

    Returns
    -------
    str
        The HTML document as a string; it refers to no file or address outside itself.
    """
    title = _("Customer report") if title is None else title
    overview = data.overview
    tables = ", ".join(
        _("{table} {count} rows").format(table=name, count=_n(rows))
        + (" " + _("(derived)") if name in overview["derived"] else "")
        for name, rows in overview["rows"].items()
        if rows
    )
    period = _("Data from {start} to {end}").format(
        start=_date(overview["first_date"]), end=_date(overview["observation_end"])
    )
    header = [f"<h1>{_e(title)}</h1>", f"<p>{_e(period)} · {_e(tables)}</p>"]
    if sources:
        header.append("<p>" + _e(_("Files: {files}").format(files=", ".join(sources))) + "</p>")
    body = ["<header>", *header, "</header>", _kpi_html(data.kpis)]
    body.append(
        "<nav><ol>"
        + "".join(f"<li><a href='#{anchor}'>{_e(_(heading))}</a></li>" for _attribute, anchor, heading in SECTIONS)
        + "</ol></nav>"
    )
    for position, (attribute, anchor, heading) in enumerate(SECTIONS, start=1):
        result = getattr(data, attribute)
        body.append(
            f"<section id='{anchor}'><h2>{position}. {_e(_(heading))}</h2><p class='what'>{_e(_(_WHAT[attribute]))}</p>"
        )
        if not isinstance(result, Skipped):
            try:
                body.append(_RENDERERS[attribute](result, data))
            except (ValueError, RuntimeError) as error:
                result = Skipped(_("this section could not be drawn on this data: {error}").format(error=error))
        if isinstance(result, Skipped):
            body.append("<p class='skipped'>" + _e(_("Not shown: {reason}").format(reason=result.reason)) + "</p>")
        body.append("</section>")
    missing = overview["missing"]
    footer = [
        _("Recent window: the last {months} calendar months up to {day}. Money is in the data's currency.").format(
            months=data.options.window_months, day=_date(overview["observation_end"])
        )
    ]
    if missing:
        footer.append(
            _("Tables the data do not have: {tables}; the sections that need them say so.").format(
                tables=", ".join(missing)
            )
        )
    footer.append(_("Made with the Relationship Marketing & CRM Workbook (python -m helpers report)."))
    body.append("<footer>" + _notes(footer))
    if overview["load_report"]:
        body.append(
            "<details><summary>"
            + _e(_("How the files were read"))
            + f"</summary><pre>{_e(overview['load_report'])}</pre></details>"
        )
    body.append("</footer>")
    return (
        f"<!DOCTYPE html>\n<html lang='{language()}'>\n<head>\n<meta charset='utf-8'>\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def build_report(
    company: Company,
    options: ReportOptions | None = None,
    *,
    title: str | None = None,
    sources: Sequence[str] = (),
) -> str:
    """Compute and render the report of a company: :func:`compute_report` then :func:`render_report`.

    Examples
    --------
    >>> from helpers.synthetic import generate
    >>> page = build_report(generate(300, seed=1, months=12), title="Test")
    >>> page.startswith("<!DOCTYPE html>"), "<h1>Test</h1>" in page
    (True, True)
    """
    return render_report(compute_report(company, options), title=title, sources=sources)
