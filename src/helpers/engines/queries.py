"""The transaction aggregations, written once as SQL in DuckDB's dialect.

Each function returns the text of one query over the view ``table`` (the checked rows) with the
columns ``customer_id``, ``date`` (a timestamp), ``amount`` and ``cost`` (doubles; ``cost``
NULL where unknown), which :data:`CLEAN_VIEW` makes from the raw rows. DuckDB runs the text
as it is; :func:`for_spark` translates it to Spark SQL with SQLGlot. Only functions that both
engines share are used (``MIN``, ``SUM``, ``COUNT``, ``CASE``, ``TRY_CAST``, ``YEAR``, ``MONTH``,
``DATE_DIFF`` on dates, ``ROW_NUMBER``), and every date the queries compare with is a literal,
so a query means the same on both engines. The results are small (one row per customer, or
per cohort and age) and :mod:`helpers.engines.base` turns them into the pandas tables of the
course's functions.
"""

from __future__ import annotations

import pandas as pd

#: The raw rows with their columns read: ids as they are, dates and numbers cast (NULL where
#: unreadable, and for the text "NaN", which is not a number of money either).
TYPED = """
SELECT {extra}{customer_id} AS customer_id,
       TRY_CAST({date} AS TIMESTAMP) AS date,
       NULLIF(TRY_CAST({amount} AS DOUBLE), CAST('NaN' AS DOUBLE)) AS amount,
       NULLIF(TRY_CAST({cost} AS DOUBLE), CAST('NaN' AS DOUBLE)) AS cost
FROM {source}
"""

#: A customer id kept as a number: a whole number written the plain way, as the loader's rule
#: (ASCII digits, no leading zero, at most 18 digits); "007", "1.5" or "A7" make the ids text.
PLAIN_NUMBER_ID = "REGEXP_MATCHES(TRIM(CAST(customer_id AS VARCHAR)), '^(0|[1-9][0-9]{0,17})$')"

#: The good rows as the aggregations read them (ids as BIGINT when all are plain whole numbers).
CLEAN_VIEW = """
SELECT {customer_id} AS customer_id, date, amount, cost
FROM ({typed}) AS typed
WHERE {good}
"""

#: The problems a row can have, with the loader's words for each; ``late`` is counted only
#: when a last day is set, ``negative`` only when returns are refused or left out.
PROBLEMS = {
    "customer_id": "have no customer id",
    "date": "have no date or a date that cannot be read",
    "amount": "have no amount or an amount that is not a number",
    "late": "are dated after {latest}",
    "negative": "are negative (returns or refunds?)",
}
#: The column each problem is about.
PROBLEM_COLUMN = {"late": "date", "negative": "amount"}


def typed(source: str, columns: dict[str, str], *extra: str) -> str:
    """:data:`TYPED` over ``source`` (``columns``: course name → SQL expression), with ``extra`` columns first."""
    return TYPED.format(source=source, extra="".join(f"{column}, " for column in extra), **columns)


def bad_row_condition(problem: str, latest=None) -> str:
    """The SQL condition (never NULL) on :data:`TYPED`'s columns that marks a row with ``problem``."""
    return {
        "customer_id": missing_text("customer_id"),
        "date": "date IS NULL",
        "amount": "amount IS NULL OR ABS(amount) = CAST('inf' AS DOUBLE)",
        "late": f"COALESCE(date > {_timestamp(latest)}, FALSE)" if latest is not None else "",
        "negative": "COALESCE(amount < 0, FALSE)",
    }[problem]


def check(typed_rows: str, *, latest=None, negative: bool = False) -> tuple[str, dict]:
    """One pass over the typed rows: the rows, the bad ones by problem, ids, costs and the last good date.

    Returns the query and the condition of each problem counted (its keys are columns of the
    result): ``late`` when ``latest`` is given, ``negative`` when ``negative`` is true.
    """
    counted = {"late": latest is not None, "negative": negative}
    conditions = {name: bad_row_condition(name, latest) for name in PROBLEMS if counted.get(name, True)}
    bad = " OR ".join(f"({condition})" for condition in conditions.values())
    counts = ",\n       ".join(
        f"COUNT(CASE WHEN {condition} THEN 1 END) AS {name}" for name, condition in conditions.items()
    )
    return (
        f"""
SELECT COUNT(*) AS n_rows,
       {counts},
       COUNT(CASE WHEN {bad} THEN 1 END) AS bad_rows,
       COUNT(CASE WHEN NOT ({bad}) AND NOT {PLAIN_NUMBER_ID} THEN 1 END) AS text_ids,
       COUNT(CASE WHEN NOT ({bad}) AND cost IS NULL THEN 1 END) AS unknown_costs,
       MAX(CASE WHEN NOT ({bad}) THEN date END) AS last_date
FROM ({typed_rows}) AS typed
""",
        conditions,
    )


def missing_text(column: str) -> str:
    """A condition true where ``column`` is NULL or blank text."""
    return f"({column} IS NULL OR TRIM(CAST({column} AS VARCHAR)) = '')"


def _timestamp(moment) -> str:
    """A timestamp literal both dialects read the same way."""
    return f"TIMESTAMP '{pd.Timestamp(moment).strftime('%Y-%m-%d %H:%M:%S.%f')}'"


def _day(moment) -> str:
    """A date literal (the calendar day of ``moment``)."""
    return f"DATE '{pd.Timestamp(moment).strftime('%Y-%m-%d')}'"


def _period(column: str, freq: str) -> str:
    """Consecutive integers numbering the calendar months (``"M"``) or quarters (``"Q"``), as pandas' periods."""
    if freq == "M":
        return f"((YEAR({column}) - 1970) * 12 + MONTH({column}) - 1)"
    if freq == "Q":
        return f"((YEAR({column}) - 1970) * 4 + CAST(FLOOR((MONTH({column}) - 1) / 3) AS INT))"
    raise ValueError(f"freq must be 'M' or 'Q'; got {freq!r}")


def customer_base(table: str, window_start, observation_end) -> str:
    """Per customer: first and last purchase, purchases, revenue and margin, whole history and recent window.

    A margin is NULL where no cost is known (``SUM`` skips NULL, and is NULL when every
    cost of the customer is unknown), as :func:`helpers.purchases.customer_base`.
    """
    recent = f"date >= {_timestamp(window_start)} AND date <= {_timestamp(observation_end)}"
    return f"""
SELECT customer_id,
       MIN(date) AS first_purchase,
       MAX(date) AS last_purchase,
       COUNT(*) AS purchases,
       SUM(amount) AS revenue,
       SUM(CASE WHEN {recent} THEN amount ELSE 0.0 END) AS revenue_recent,
       SUM(amount - cost) AS margin,
       SUM(CASE WHEN {recent} THEN amount - cost ELSE 0.0 END) AS margin_recent
FROM {table}
GROUP BY customer_id
ORDER BY customer_id
"""


def window_purchases(table: str, window_start, observation_end) -> str:
    """Per customer who bought in the window: purchases, revenue, margin and calendar months with a purchase.

    The window's numbers of :func:`helpers.purchases.window_purchases`; ``window_start`` None
    means the whole history up to ``observation_end``.
    """
    start = "" if window_start is None else f"date >= {_timestamp(window_start)} AND "
    return f"""
SELECT customer_id,
       COUNT(*) AS purchases,
       COUNT(DISTINCT {_period("date", "M")}) AS purchase_months,
       SUM(amount) AS revenue,
       SUM(amount - cost) AS margin
FROM {table}
WHERE {start}date <= {_timestamp(observation_end)}
GROUP BY customer_id
ORDER BY customer_id
"""


def purchase_days(table: str, observation_end) -> str:
    """Per customer: purchase days, first and last day in days, and the amount of the repeat days.

    Purchases of one calendar day are one purchase day (Fader, Hardie & Lee 2005); days after
    ``observation_end`` are left out; the first day's amount is not a repeat purchase.
    """
    end = _day(observation_end)
    return f"""
WITH days AS (
    SELECT customer_id, CAST(date AS DATE) AS day, SUM(amount) AS amount
    FROM {table}
    WHERE CAST(date AS DATE) <= {end}
    GROUP BY customer_id, CAST(date AS DATE)
), numbered AS (
    SELECT customer_id, day, amount, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY day) AS nth
    FROM days
)
SELECT customer_id,
       COUNT(*) - 1 AS frequency,
       DATE_DIFF('day', MIN(day), MAX(day)) AS recency_days,
       DATE_DIFF('day', MIN(day), {end}) AS age_days,
       SUM(CASE WHEN nth > 1 THEN amount ELSE 0.0 END) AS repeat_amount
FROM numbered
GROUP BY customer_id
ORDER BY customer_id
"""


def cohort_buyers(table: str, observation_end, freq: str) -> str:
    """Per cohort (period of the first purchase) and age (periods since): the customers who bought.

    Purchases after ``observation_end`` are left out of the counts, as in
    :func:`helpers.retention.cohort_table` (``measure="purchasing"``).
    """
    return f"""
WITH cohorts AS (
    SELECT customer_id, MIN({_period("date", freq)}) AS cohort FROM {table} GROUP BY customer_id
), bought AS (
    SELECT DISTINCT customer_id, {_period("date", freq)} AS period
    FROM {table}
    WHERE date <= {_timestamp(observation_end)}
)
SELECT cohorts.cohort, bought.period - cohorts.cohort AS age, COUNT(*) AS buyers
FROM bought JOIN cohorts ON bought.customer_id = cohorts.customer_id
GROUP BY cohorts.cohort, bought.period - cohorts.cohort
ORDER BY cohorts.cohort, age
"""


def cohort_sizes(table: str, freq: str) -> str:
    """Customers in each cohort (period of the first purchase)."""
    return f"""
WITH cohorts AS (
    SELECT customer_id, MIN({_period("date", freq)}) AS cohort FROM {table} GROUP BY customer_id
)
SELECT cohort, COUNT(*) AS customers FROM cohorts GROUP BY cohort ORDER BY cohort
"""


def for_spark(sql: str) -> str:
    """The query in Spark SQL, translated by SQLGlot from DuckDB's dialect.

    Examples
    --------
    >>> for_spark("SELECT DATE_DIFF('day', a, b) FROM t")
    'SELECT DATEDIFF(DAY, a, b) FROM t'
    """
    import sqlglot

    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]
