"""The manager report: one self-contained HTML page about a company's customers (lesson 09).

An analyst runs it on the company's own files::

    python -m helpers report --transactions sales.csv --out report.html
    python -m helpers report --transactions sales.csv --customers clients.csv \\
        --surveys answers.csv --out report.html
    python -m helpers report --mapping my_data.toml --out report.html
    python -m helpers report --mapping my_data.toml --out informe.html --lang es

and hands the page to a manager (in English, or in Spanish with ``--lang es``: every
heading, sentence, table header and message, with Spanish numbers such as ``1.234,5``): headline numbers, RFM segments, the retention curve,
signup cohorts, the customer pyramid, customer lifetime value and, when survey answers
exist, the loyalty matrix and the NPS. Charts are embedded as PNG images and the styles
are inline, so the file opens anywhere without a network connection and prints cleanly.

The package has three parts, each importable on its own:

* :mod:`helpers.report.compute` — the numbers: pure functions from a
  :class:`helpers.company.Company` to one result per section (no drawing, no files).
* :mod:`helpers.report.render` — the page: charts and tables as one HTML string.
* :mod:`helpers.report.cli` — the command line (``python -m helpers report``).

How customers are counted when the data has no churn table: by the course's one churn
rule, :func:`helpers.retention.inactivity_churn` (no purchase for ``inactive_days``,
default 180, days).

References
----------
* Hughes, A. M. (1994). *Strategic Database Marketing*. Probus (RFM).
* Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete
  observations. *JASA* 53(282), 457–481 (the retention curve).
* Zeithaml, V. A., Rust, R. T. & Lemon, K. N. (2001). The customer pyramid.
  *California Management Review* 43(4), 118–142.
* Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy
  way; RFM and CLV: Using iso-value curves. *Marketing Science* 24(2); *JMR* 42(4).
* Gupta, S. & Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive
  Marketing* 17(1), 9–24.
* Jones, T. O. & Sasser, W. E. (1995). Why satisfied customers defect. *Harvard Business
  Review* 73(6), 88–99 (the loyalty matrix).
* Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*
  81(12), 46–54 (NPS).
"""

from helpers.purchases import customer_base
from helpers.report.cli import main, mapping_from_options
from helpers.report.compute import (
    ReportData,
    ReportOptions,
    Skipped,
    clv_section,
    cohort_section,
    compute_report,
    customer_lifetimes,
    headline_kpis,
    loyalty_section,
    monthly_churn,
    pyramid_section,
    retention_section,
    rfm_section,
)
from helpers.report.render import LOYALTY_ACTIONS, RFM_ACTIONS, TIER_ACTIONS, build_report, render_report

__all__ = [
    "LOYALTY_ACTIONS",
    "RFM_ACTIONS",
    "TIER_ACTIONS",
    "ReportData",
    "ReportOptions",
    "Skipped",
    "build_report",
    "clv_section",
    "cohort_section",
    "compute_report",
    "customer_base",
    "customer_lifetimes",
    "headline_kpis",
    "loyalty_section",
    "main",
    "mapping_from_options",
    "monthly_churn",
    "pyramid_section",
    "render_report",
    "retention_section",
    "rfm_section",
]
