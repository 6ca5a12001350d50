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

from helpers import plots
from helpers.company import Company
from helpers.formats import percent_text, without_negative_zero
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
    "champions": "reward them; ask for referrals and reviews",
    "loyal": "offer more of the range (cross-sell, upgrades)",
    "potential loyalists": "invite them to the loyalty programme",
    "new": "welcome them well: the second purchase is the hardest",
    "promising": "make the brand familiar; a first-repeat offer",
    "need attention": "a personal, time-limited offer",
    "about to sleep": "remind them with what they bought before",
    "can't lose them": "contact them personally; find out what changed",
    "at risk": "win them back with a tailored offer",
    "hibernating": "a low-cost reactivation campaign",
    "lost": "spend little; ask why they left",
}

#: What a manager can do with each loyalty type (Jones & Sasser 1995).
LOYALTY_ACTIONS = {
    "apostle": "delight and involve them: they recommend you",
    "mercenary": "tie them with bonds beyond price",
    "hostage": "fix what annoys them before they can leave",
    "terrorist": "listen and repair, or let them go",
    "indifferent": "find out what would make them care",
}

#: What a manager can do with each tier of the customer pyramid (Zeithaml, Rust & Lemon 2001).
TIER_ACTIONS = {
    "platinum": "protect: the best service and attention",
    "gold": "grow them towards platinum",
    "iron": "serve efficiently; look for growth",
    "lead": "raise prices or lower the cost to serve",
}


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
    ("rfm", "rfm", "RFM segments"),
    ("retention", "retention", "Retention curve"),
    ("cohorts", "cohorts", "Cohorts"),
    ("pyramid", "pyramid", "Customer pyramid"),
    ("clv", "clv", "Customer lifetime value"),
    ("loyalty", "loyalty", "Loyalty matrix and NPS"),
)

#: One sentence per section: what it shows, for a manager.
_WHAT = {
    "rfm": "Customers grouped by how recently, how often and how much they buy, with the share of value "
    "each group brings: where to reward, where to win back.",
    "retention": "Out of every 100 customers, how many are still with the company after a given number of "
    "months: how fast the bucket leaks.",
    "cohorts": "Customers grouped by the period they started in: does each new group stay (or keep buying) "
    "better or worse than the ones before?",
    "pyramid": "Active customers ranked by what they brought in the last year and cut into tiers: who deserves "
    "the best service, who costs more than they bring.",
    "clv": "What an active customer is expected to bring in the coming years, from how often and how much "
    "they have bought: the value of the customer base.",
    "loyalty": "Surveyed customers placed by satisfaction and loyalty: apostles to involve, mercenaries to tie, "
    "hostages and terrorists to look after before they leave or speak badly of the company.",
}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


# Every number of the page is written by one of these: none shows "-0" or "-0%".


def _count(value: float) -> str:
    return "–" if value is None or not np.isfinite(value) else without_negative_zero(f"{value:,.0f}")


def _amount(value: float) -> str:
    return "–" if value is None or not np.isfinite(value) else without_negative_zero(f"{value:,.0f}")


def _share(value: float, digits: int = 0) -> str:
    return percent_text(value, digits)


def _money(value: float) -> str:
    return plots.money(value)


def _score(value: float) -> str:
    return without_negative_zero(f"{value:+.0f}")


def _date(value) -> str:
    return pd.Timestamp(value).strftime("%d %b %Y")


def _figure(
    draw: Callable[[], mpl.figure.Figure], alt: str, timings: dict[str, float], stage: str, caption: str = ""
) -> str:
    """Draw a figure with the course theme and embed it as a base64 PNG ``<img>``."""
    with timed(timings, stage), mpl.rc_context():
        plots.use_theme()
        figure = draw()
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
    shown.index = [plots.label(name) for name in shown.index]
    corner = _e(index_name) if index_name else None  # the index's name, shown in the top-left cell
    shown.columns = pd.Index([plots.label(name) for name in shown.columns], name=corner)
    text_columns = [plots.label(name) for name in text_columns]
    numbers = {plots.label(column): format for column, format in formats.items() if plots.label(column) in shown}
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
    return table.assign(action=[actions.get(str(name), "") for name in table.index])


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
    right.set_title(f"Share of {value_name}", fontsize=14)
    lowest = float(table["share_of_margin"].min())
    if lowest < 0:
        right.set_xlim(left=lowest * 1.25)
        right.axvline(0, color="#333333", lw=1)
    if colours is not None:
        for axes in figure.axes:  # bars are drawn from the last row up
            for bar, colour in zip(axes.patches, list(colours)[::-1]):
                bar.set_color(colour)
    return figure


def _rfm_html(result: dict, data: ReportData) -> str:
    value_name = "margin" if data.overview["costs"] else "revenue"
    segments = result["segments"]
    best = segments.sort_values("share_of_margin", ascending=False)
    top = best.index[0]
    lines = [
        f"The “{top}” segment is {_share(best['share_of_customers'].iloc[0])} of the buyers and brings "
        f"{_share(best['share_of_margin'].iloc[0])} of the {value_name}."
    ]
    for name in ("at risk", "can't lose them"):
        if name in segments.index:
            row = segments.loc[name]
            lines.append(
                f"{plots.label(name)}: {_count(row['customers'])} customers who used to buy often "
                f"({_share(row['share_of_margin'])} of the {value_name}) and have not bought lately."
            )

    def draw():
        return _share_chart(segments, f"RFM segments: share of customers and of {value_name}", value_name)

    table = _with_actions(_value_columns(segments, value_name), RFM_ACTIONS)
    return (
        _reading(lines)
        + _figure(draw, "RFM segments", data.timings, "draw rfm")
        + _table(table, _segment_formats(value_name), "rfm", index_name="segment", text_columns=("action",))
        + _notes(
            [
                f"R, F and M are quintile scores (5 = best) of the days since the last purchase, the number of "
                f"repeat purchase days and the average repeat spend; segments come from the R × F grid. "
                f"Value = {value_name} over the whole period."
            ]
        )
    )


def _retention_html(result: dict, data: ReportData) -> str:
    rule, readings = result["rule"], result["readings"]
    since = "signup" if rule == "recorded" else "first purchase"
    lines = [
        f"After {int(months)} months, {_share(share)} of customers are still there."
        for months, share in readings.items()
        if months in (6, 12, 24) and np.isfinite(share)
    ]
    median = result["median_months"]
    lines.append(
        f"Half of the customers are lost within {median:.1f} months."
        if np.isfinite(median)
        else "More than half of the customers are still there at the end of the data."
    )
    if np.isfinite(result["churn_rate"]):
        lines.append(
            f"Over the last {data.options.window_months} months, {_share(result['churn_rate'], 1)} of the "
            f"customers there at the start of a month were lost during it."
        )
    marks = [m for m in (12,) if m <= result["curve"]["time"].max()]
    figure = _figure(
        lambda: retention_plots.survival_chart(
            result["curve"],
            family=None,
            marks=marks,
            xlabel=f"months since {since}",
            title=f"Share of customers still there, by months since {since}",
        ),
        "retention curve",
        data.timings,
        "draw retention",
    )
    if rule == "recorded":
        note = "Lost = recorded in the churn table. Customers still there at the end of the data count until then."
    else:
        note = (
            f"The data have no record of lost customers, so a customer who has not bought for "
            f"{data.options.inactive_days} days "
            f"counts as lost on the day of the last purchase (one-time buyers are lost on day 0). That can only "
            f"be judged up to {_date(result['judged_until'])}, {data.options.inactive_days} days before the end."
        )
    return (
        _reading(lines)
        + figure
        + _notes([note, f"{result['customers']:,} customers followed; Kaplan–Meier estimate with its 95 % band."])
    )


def _cohorts_html(result: dict, data: ReportData) -> str:
    shares, sizes = result["shares"], result["sizes"]
    period = {"M": "month", "Q": "quarter"}[result["freq"]]
    shown = shares.copy()
    shown.index = [f"{cohort} ({size:,})" for cohort, size in zip(shares.index.astype(str), sizes)]
    start = "signup" if result["measure"] == "active" else "first purchase"
    shown.columns = pd.Index([str(age) for age in shares.columns], name=f"{start} {period} (customers)")
    styler = (
        plots.share_grid(shown, uuid="cohorts")
        .set_table_attributes("class='data cohorts'")
        .set_caption(_e(f"{plots.label(period)}s since the {start} →"))
    )
    if result["measure"] == "active":
        what = f"Each cell: the share of the cohort still a customer that many {period}s after signing up."
    else:
        what = (
            f"Each cell: the share of the cohort who bought in that {period} of their life "
            f"(column 0 is the {period} of the first purchase, so it is always 100 %)."
        )
    lines = []
    if shares.shape[1] > 1 and shares.iloc[:, 1].notna().sum() >= 2:
        column = shares.iloc[:, 1].dropna()
        doing = "still customers" if result["measure"] == "active" else "bought again"
        lines.append(
            f"One {period} after the start, {_share(column.min())} to {_share(column.max())} of a cohort "
            f"{doing}; {_share(column.iloc[-1])} in the latest cohort measured ({column.index[-1]})."
        )
    return _reading(lines) + styler.to_html() + _notes([what, "Empty cells have not happened yet."])


def _pyramid_html(result: dict, data: ReportData) -> str:
    name, table = result["value_name"], result["table"]
    lines = []
    top = table.loc[["platinum", "gold"]]
    lines.append(
        f"The top {_share(top['share_of_customers'].sum())} of active customers (platinum and gold) bring "
        f"{_share(top['share_of_margin'].sum())} of the {name}."
    )
    if table.loc["lead", "customers"] > 0:
        lead = table.loc["lead"]
        lines.append(
            f"{_count(lead['customers'])} customers ({_share(lead['share_of_customers'])}) "
            f"are lead: their {name} is below zero, {_amount(table.loc['lead', 'margin'])} in total."
        )

    def draw():
        return _share_chart(
            table,
            f"Customer pyramid: share of customers and of {name}",
            name,
            colours=plots.palette("tier", list(TIERS)),
            height=4.2,
        )

    explain = {
        "profit": f"profit = gross margin − cost to serve ({', '.join(result['cost_to_serve'])})",
        "gross margin": "gross margin = revenue − cost (the data have no contacts or bonds to price the cost to serve)",
        "revenue": "the data have no costs, so customers are ranked by revenue and none can be lead",
    }[name]
    return (
        _reading(lines)
        + _figure(draw, "customer pyramid", data.timings, "draw pyramid")
        + _table(
            _with_actions(_value_columns(table, name), TIER_ACTIONS),
            _segment_formats(name),
            "pyramid",
            index_name="tier",
            text_columns=("action",),
        )
        + _notes(
            [
                f"Last {data.options.window_months} months; {explain}. Platinum = best "
                f"{_share(data.options.platinum)}, gold = the next ones up to the best "
                f"{_share(data.options.gold)}, lead = below zero (Zeithaml, Rust & Lemon 2001)."
            ]
        )
    )


def _clv_html(result: dict, data: ReportData) -> str:
    months, value_name = result["months"], result["value_name"]
    lines = [
        f"An active customer is expected to bring {_amount(result['average'])} of {value_name} over the next "
        f"{months} months (discounted at {_share(data.options.annual_discount_rate)} a year); "
        f"{_amount(result['total'])} for the {result['customers']:,} active buyers together.",
        f"The best 10 % of them hold {_share(result['top_decile_share'])} of that value.",
    ]
    if np.isfinite(result["formula"]):
        lines.append(
            f"For comparison, the textbook formula for an average customer (yearly {value_name} × "
            f"measured retention, {months // 12} years; Gupta & Lehmann 2003) gives "
            f"{_amount(result['formula'])}."
        )
    parts = [_reading(lines)]
    notes = []
    if "by_segment" in result and len(result["by_segment"]):
        by_segment = result["by_segment"].sort_values("average_CLV", ascending=False, na_position="last")
        valued = by_segment["average_CLV"].dropna()
        if len(valued):
            parts.append(
                _figure(
                    lambda: plots.bar_chart(
                        valued,
                        horizontal=True,
                        fmt="money",
                        title=f"Average expected {value_name} per active customer, next {months} months",
                        xlabel=f"{value_name} (currency)",
                    ),
                    "CLV by RFM segment",
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
                index_name="RFM segment",
            )
        )
        notes.append(
            "Customers = every buyer of the RFM segment, as in the RFM table; customers valued = those of "
            "them still active, whose expected value is averaged (a segment of lapsed buyers has few or "
            "none)."
        )
    if value_name == "margin":
        basis = f"margin = {_share(result['margin_ratio'])} of spend (the data's average)"
    else:
        basis = "the data have no costs, so the value is revenue, not margin"
    notes.append(
        f"BG/NBD model of purchases and drop-out with the Gamma-Gamma model of spend (Fader, Hardie & Lee "
        f"2005), fitted on {result['fitted']:,} buyers; {basis}."
    )
    if result["left_out"]:
        notes.append(
            f"{result['left_out']:,} buyers whose repeat purchases add up to zero or less (returns) are left "
            f"out of the model."
        )
    return "".join(parts) + _notes(notes)


def _loyalty_html(result: dict, data: ReportData) -> str:
    summary, table = result["summary"], result["table"]
    value_name = result["value_name"]
    lines = []
    if result["nps"] is not None:
        lines.append(
            f"NPS {_score(result['nps'])} over {result['nps_answers']:,} answers in the last "
            f"{data.options.window_months} months (% promoters − % detractors)."
        )
    if result["placed"]:
        for kind in ("apostle", "terrorist"):
            row = summary.loc[kind]
            lines.append(
                f"{plots.label(kind)}s: {_count(row['customers'])} ({_share(row['share'])} of "
                f"the surveyed), {_share(row['value_share'])} of the {value_name}."
            )
    parts = [_reading(lines)]
    if result["placed"]:

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
            figure.axes[0].set_title(
                f"Loyalty matrix of {result['placed']:,} surveyed active customers; value = "
                f"{value_name}, last {data.options.window_months} months",
                fontsize=14,
            )
            return figure

        parts.append(_figure(draw, "loyalty matrix", data.timings, "draw loyalty"))
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
                index_name="type",
                text_columns=("action",),
            )
        )
    else:
        parts.append("<p class='skipped'>No active customer has a usable survey answer, so nobody can be placed.</p>")
    notes = [
        f"Satisfaction = latest answer (4–5 satisfied, 1–3 not); loyalty index = mean of "
        f"{', '.join(result['components'])} (each 0–1; loyal ≥ 0.5, loose < 0.35). Customers never surveyed "
        f"cannot be placed ({len(table) - result['placed']:,} of {len(table):,} active customers)."
    ]
    if result["left_out"]:
        notes.append(
            f"{result['left_out']:,} survey answers without a satisfaction"
            f"{' or commitment' if 'intention' in result['components'] else ''} score are left out."
        )
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


def render_report(data: ReportData, *, title: str = "Customer report", sources: Sequence[str] = ()) -> str:
    """The report as one self-contained HTML page (inline styles, charts as base64 PNG).

    Parameters
    ----------
    data : ReportData
        :func:`compute_report`.
    title : str, optional
        the page title.
    sources : sequence of str, optional
        names of the files the data came from, listed under the title.

    Returns
    -------
    str
        The HTML document as a string; it refers to no file or address outside itself.
    """
    overview = data.overview
    tables = ", ".join(
        f"{name} {rows:,} rows" + (" (derived)" if name in overview["derived"] else "")
        for name, rows in overview["rows"].items()
        if rows
    )
    header = [
        f"<h1>{_e(title)}</h1>",
        f"<p>Data from {_e(_date(overview['first_date']))} to {_e(_date(overview['observation_end']))} · "
        f"{_e(tables)}</p>",
    ]
    if sources:
        header.append(f"<p>Files: {_e(', '.join(sources))}</p>")
    body = ["<header>", *header, "</header>", _kpi_html(data.kpis)]
    body.append(
        "<nav><ol>"
        + "".join(f"<li><a href='#{anchor}'>{_e(heading)}</a></li>" for _, anchor, heading in SECTIONS)
        + "</ol></nav>"
    )
    for number, (attribute, anchor, heading) in enumerate(SECTIONS, start=1):
        result = getattr(data, attribute)
        body.append(
            f"<section id='{anchor}'><h2>{number}. {_e(heading)}</h2><p class='what'>{_e(_WHAT[attribute])}</p>"
        )
        if not isinstance(result, Skipped):
            try:
                body.append(_RENDERERS[attribute](result, data))
            except (ValueError, RuntimeError) as error:
                result = Skipped(f"this section could not be drawn on this data: {error}")
        if isinstance(result, Skipped):
            body.append(f"<p class='skipped'>Not shown: {_e(result.reason)}</p>")
        body.append("</section>")
    missing = overview["missing"]
    footer = [
        f"Recent window: the last {data.options.window_months} calendar months up to "
        f"{_date(overview['observation_end'])}. Money is in the data's currency."
    ]
    if missing:
        footer.append(f"Tables the data do not have: {', '.join(missing)}; the sections that need them say so.")
    footer.append("Made with the Relationship Marketing & CRM Workbook (python -m helpers report).")
    body.append("<footer>" + _notes(footer))
    if overview["load_report"]:
        body.append(
            f"<details><summary>How the files were read</summary><pre>{_e(overview['load_report'])}</pre></details>"
        )
    body.append("</footer>")
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def build_report(
    company: Company,
    options: ReportOptions | None = None,
    *,
    title: str = "Customer report",
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
