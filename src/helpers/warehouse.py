"""The company's records in a real embedded database (SQLite): operational and analytical CRM.

Lesson 04 loads the company into SQLite with the standard library's :mod:`sqlite3`:

* the **operational** tables, one per table of :mod:`helpers.schema` (customers,
  employees, transactions, interactions, surveys, bonds, churn), with primary keys,
  foreign keys, types and ``CHECK`` constraints, so that the database refuses what does
  not fit instead of coercing it (``STRICT`` tables, ``PRAGMA foreign_keys = ON``);
* a small **star schema** for analysis (Kimball & Ross 2013): a fact table of sales
  (``fact_sales``, one row per purchase, with margin) and three dimensions
  (``dim_customer``, ``dim_date``, ``dim_channel``), filled from the operational tables
  with ``INSERT … SELECT`` — the "extract, transform, load" of a data warehouse in
  miniature.

The database is in memory by default; :func:`build` writes a file only where it is told.

An analyst's own data (:func:`helpers.data.load_own_data`) may lack tables (they stay
empty), lack columns (every value missing, e.g. no acquisition cost) and keep its own
labels for product categories, regions, acquisition channels and promotions. :func:`build`
then loosens exactly those constraints, column by column (:func:`table_ddl`): a column
without any value may be NULL, and an open label column accepts the data's labels. A
column that is only partly empty, or a label outside the course's list in any other
column, is still refused. On the course's company nothing is loosened.

The star schema follows the same rule, as a data engineer would (Kimball & Ross 2013,
ch. 3): a *measure* the data cannot give is NULL, never 0 — without a cost column
``fact_sales.margin`` is NULL ("unknown"), so ``SUM(margin)`` is NULL rather than a false
zero and ``amount`` is still summed in full; an *attribute* the data lacks (segment,
region, acquisition channel, category, promotion) is NULL; a *foreign key* is never NULL,
because a NULL key would drop the sale from every join on its dimension: without a
channel column every sale points at the member ``'unknown'`` (key 0, ``assisted`` NULL)
that :func:`build` then adds to ``dim_channel``. The minimum is customer, date and amount.
:data:`QUERIES` holds the lesson's SQL (sales pipeline, open service requests, customers
to call today, quarterly cohorts), each a plain string the notebook prints and runs.

This module belongs to the **data** layer (it does I/O); it imports only
:mod:`helpers.schema`.

References
----------
* Payne, A. & Frow, P. (2005). A strategic framework for customer relationship
  management. *Journal of Marketing* 69(4), 167–176 (operational vs analytical CRM).
* Kimball, R. & Ross, M. (2013). *The Data Warehouse Toolkit*, 3rd ed. Wiley (star schemas).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import schema
from helpers.i18n import N_

__all__ = [
    "DDL",
    "OPEN_LABELS",
    "PIPELINE_STEPS",
    "QUERIES",
    "STAR_SCHEMA_SQL",
    "UNKNOWN_CHANNEL",
    "build",
    "query",
    "scalar",
    "table_counts",
    "table_ddl",
]

#: Label columns whose labels may be an analyst's own (as in :mod:`helpers.own_data`).
OPEN_LABELS = frozenset({"category", "region", "acquisition_channel", "promotion"})

#: The ``dim_channel`` member (key 0, ``assisted`` NULL) of sales whose data records no channel.
UNKNOWN_CHANNEL = "unknown"


def _in(column: str, labels) -> str:
    """A CHECK clause allowing only ``labels`` in ``column``."""
    return f"CHECK ({column} IN ({', '.join(repr(str(label)) for label in labels)}))"


def _date(column: str, nullable: bool = False) -> str:
    """A TEXT column holding an ISO date 'YYYY-MM-DD' and nothing else."""
    check = f"CHECK ({column} IS date({column}))"
    return f"{column} TEXT {'' if nullable else 'NOT NULL '}{check}"


#: CREATE TABLE statements of the operational tables, in load order (parents first).
DDL: dict[str, str] = {
    "employees": """
CREATE TABLE employees (
    employee_id   INTEGER PRIMARY KEY,
    satisfaction  REAL NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
    tenure_months INTEGER NOT NULL CHECK (tenure_months >= 0)
) STRICT""",
    "customers": f"""
CREATE TABLE customers (
    customer_id         INTEGER PRIMARY KEY,
    {_date("signup_date")},
    acquisition_channel TEXT NOT NULL {_in("acquisition_channel", schema.ACQUISITION_CHANNELS)},
    acquisition_cost    REAL NOT NULL CHECK (acquisition_cost >= 0),
    segment             TEXT NOT NULL {_in("segment", schema.SEGMENTS)},
    region              TEXT NOT NULL {_in("region", schema.REGIONS)},
    age                 REAL CHECK (age IS NULL OR age BETWEEN 0 AND 120),
    company_size        TEXT CHECK (company_size IS NULL OR company_size IN
                                    ({", ".join(repr(s) for s in schema.COMPANY_SIZES)})),
    employee_id         INTEGER NOT NULL REFERENCES employees (employee_id)
) STRICT""",
    "transactions": f"""
CREATE TABLE transactions (
    transaction_id INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers (customer_id),
    {_date("date")},
    category       TEXT NOT NULL {_in("category", schema.CATEGORIES_OF_PRODUCT)},
    amount         REAL NOT NULL CHECK (amount >= 0),
    cost           REAL NOT NULL CHECK (cost >= 0),
    channel        TEXT NOT NULL {_in("channel", schema.CHANNELS)},
    promotion      TEXT NOT NULL {_in("promotion", schema.PROMOTIONS)}
) STRICT""",
    "interactions": f"""
CREATE TABLE interactions (
    interaction_id INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers (customer_id),
    {_date("date")},
    channel        TEXT NOT NULL {_in("channel", schema.CHANNELS)},
    type           TEXT NOT NULL {_in("type", schema.INTERACTION_TYPES)},
    employee_id    INTEGER NOT NULL REFERENCES employees (employee_id),
    resolved       INTEGER NOT NULL CHECK (resolved IN (0, 1)),
    rating         INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5)
) STRICT""",
    "surveys": f"""
CREATE TABLE surveys (
    survey_id    INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (customer_id),
    {_date("date")},
    satisfaction INTEGER NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
    recommend    INTEGER NOT NULL CHECK (recommend BETWEEN 0 AND 10),
    trust        INTEGER NOT NULL CHECK (trust BETWEEN 1 AND 5),
    commitment   INTEGER NOT NULL CHECK (commitment BETWEEN 1 AND 5),
    expectation  INTEGER NOT NULL CHECK (expectation BETWEEN 1 AND 7),
    perception   INTEGER NOT NULL CHECK (perception BETWEEN 1 AND 7)
) STRICT""",
    "bonds": f"""
CREATE TABLE bonds (
    bond_id        INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers (customer_id),
    level          TEXT NOT NULL {_in("level", schema.BOND_LEVELS)},
    {_date("start_date")},
    cost_per_month REAL NOT NULL CHECK (cost_per_month >= 0),
    UNIQUE (customer_id, level)
) STRICT""",
    "churn": f"""
CREATE TABLE churn (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (customer_id),
    {_date("date")},
    reason      TEXT NOT NULL {_in("reason", schema.CHURN_REASONS)}
) STRICT""",
}

_INDEXES = (
    "CREATE INDEX transactions_by_customer ON transactions (customer_id, date)",
    "CREATE INDEX interactions_by_customer ON interactions (customer_id, date)",
    "CREATE INDEX interactions_open ON interactions (type, resolved, date)",
    "CREATE INDEX surveys_by_customer ON surveys (customer_id, date)",
    "CREATE INDEX customers_by_employee ON customers (employee_id)",
)

#: The star schema: three dimensions and one fact table, filled from the operational tables.
STAR_SCHEMA_SQL = f"""
CREATE TABLE dim_channel (
    channel_key INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL UNIQUE {_in("channel", schema.CHANNELS)},
    assisted    INTEGER NOT NULL CHECK (assisted IN (0, 1))   -- 1 = a person serves
) STRICT;
CREATE TABLE dim_date (
    date_key    TEXT PRIMARY KEY CHECK (date_key IS date(date_key)),
    year        INTEGER NOT NULL,
    quarter     TEXT NOT NULL,            -- '2024-Q3'
    month       TEXT NOT NULL,            -- '2024-07'
    weekday     INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6)  -- 0 = Sunday
) STRICT;
CREATE TABLE dim_customer (
    customer_key        INTEGER PRIMARY KEY REFERENCES customers (customer_id),
    segment             TEXT NOT NULL,
    region              TEXT NOT NULL,
    acquisition_channel TEXT NOT NULL,
    cohort_quarter      TEXT NOT NULL,    -- quarter of signup, e.g. '2022-Q1'
    lost                INTEGER NOT NULL CHECK (lost IN (0, 1))
) STRICT;
CREATE TABLE fact_sales (
    transaction_id INTEGER PRIMARY KEY REFERENCES transactions (transaction_id),
    customer_key   INTEGER NOT NULL REFERENCES dim_customer (customer_key),
    date_key       TEXT NOT NULL REFERENCES dim_date (date_key),
    channel_key    INTEGER NOT NULL REFERENCES dim_channel (channel_key),
    category       TEXT NOT NULL,
    promotion      TEXT NOT NULL,
    amount         REAL NOT NULL,
    margin         REAL NOT NULL
) STRICT;
CREATE INDEX fact_sales_by_customer ON fact_sales (customer_key);
CREATE INDEX fact_sales_by_date ON fact_sales (date_key);

INSERT INTO dim_channel (channel_key, channel, assisted) VALUES
    (1, 'web', 0), (2, 'phone', 1), (3, 'email', 0), (4, 'face_to_face', 1);
INSERT INTO dim_customer
SELECT c.customer_id, c.segment, c.region, c.acquisition_channel,
       strftime('%Y', c.signup_date) || '-Q' || ((CAST(strftime('%m', c.signup_date) AS INTEGER) + 2) / 3),
       (ch.customer_id IS NOT NULL)
FROM customers AS c LEFT JOIN churn AS ch USING (customer_id);
INSERT INTO fact_sales
SELECT t.transaction_id, t.customer_id, t.date, d.channel_key, t.category, t.promotion,
       t.amount, ROUND(t.amount - t.cost, 2)
FROM transactions AS t LEFT JOIN dim_channel AS d USING (channel);
"""

#: The lesson's queries. Parameters are named (``:today``, ``:days``) and passed to :func:`query`.
QUERIES: dict[str, str] = {
    # Operational CRM: where every customer stands in the sales pipeline.
    "sales_pipeline": """
WITH buying AS (
    SELECT c.customer_id,
           COUNT(DISTINCT t.date)  AS purchase_days,
           COALESCE(SUM(t.amount), 0) AS revenue,
           (ch.customer_id IS NOT NULL) AS lost
    FROM customers AS c
    LEFT JOIN transactions AS t ON t.customer_id = c.customer_id
    LEFT JOIN churn AS ch ON ch.customer_id = c.customer_id
    GROUP BY c.customer_id
)
SELECT CASE WHEN lost THEN '4 lost'
            WHEN purchase_days = 0 THEN '1 signed up, no purchase yet'
            WHEN purchase_days = 1 THEN '2 first purchase'
            ELSE '3 repeat buyer' END AS pipeline_step,
       COUNT(*) AS customers,
       ROUND(SUM(revenue), 2) AS revenue
FROM buying
GROUP BY pipeline_step
ORDER BY pipeline_step""",
    # Operational CRM: service requests and complaints still open, oldest first.
    "open_service_requests": """
SELECT i.interaction_id, i.customer_id, c.segment, i.type, i.channel, i.date AS opened,
       CAST(julianday(:today) - julianday(i.date) AS INTEGER) AS days_open,
       i.employee_id
FROM interactions AS i
JOIN customers AS c USING (customer_id)
WHERE i.type IN ('service_request', 'complaint')
  AND i.resolved = 0
  AND i.date > date(:today, '-' || :days || ' days') AND i.date <= :today
  AND i.customer_id NOT IN (SELECT customer_id FROM churn WHERE date <= :today)
ORDER BY days_open DESC, i.interaction_id""",
    # Operational CRM: valuable active customers who have gone quiet — call them today.
    "customers_to_call_today": """
SELECT c.customer_id, c.segment, e.employee_id AS account_manager,
       COUNT(*) AS purchases,
       ROUND(SUM(t.amount - t.cost), 2) AS margin,
       MAX(t.date) AS last_purchase,
       CAST(julianday(:today) - julianday(MAX(t.date)) AS INTEGER) AS days_silent
FROM customers AS c
JOIN transactions AS t ON t.customer_id = c.customer_id AND t.date <= :today
LEFT JOIN employees AS e ON e.employee_id = c.employee_id
WHERE c.customer_id NOT IN (SELECT customer_id FROM churn WHERE date <= :today)
GROUP BY c.customer_id
HAVING purchases >= 3 AND days_silent >= :days
ORDER BY margin DESC
LIMIT 10""",
    # Analytical CRM: quarterly cohorts on the star schema — share of each cohort buying.
    "cohorts": """
SELECT dc.cohort_quarter,
       (CAST(substr(dd.quarter, 1, 4) AS INTEGER) * 4 + CAST(substr(dd.quarter, 7, 1) AS INTEGER))
     - (CAST(substr(dc.cohort_quarter, 1, 4) AS INTEGER) * 4 + CAST(substr(dc.cohort_quarter, 7, 1) AS INTEGER))
         AS quarters_since_signup,
       COUNT(DISTINCT f.customer_key) AS buyers,
       size.customers,
       ROUND(1.0 * COUNT(DISTINCT f.customer_key) / size.customers, 4) AS share_buying
FROM fact_sales AS f
JOIN dim_customer AS dc USING (customer_key)
JOIN dim_date AS dd USING (date_key)
JOIN (SELECT cohort_quarter, COUNT(*) AS customers FROM dim_customer GROUP BY cohort_quarter) AS size
     USING (cohort_quarter)
GROUP BY dc.cohort_quarter, quarters_since_signup
ORDER BY dc.cohort_quarter, quarters_since_signup""",
    # Analytical CRM: revenue and margin by segment and channel, from the star schema.
    "sales_by_segment_and_channel": """
SELECT dc.segment, ch.channel,
       COUNT(*) AS purchases,
       ROUND(SUM(f.amount), 2) AS revenue,
       ROUND(SUM(f.margin), 2) AS margin
FROM fact_sales AS f
JOIN dim_customer AS dc USING (customer_key)
JOIN dim_channel AS ch USING (channel_key)
GROUP BY dc.segment, ch.channel
ORDER BY dc.segment, margin DESC""",
}

#: The sales pipeline's steps, as ``QUERIES["sales_pipeline"]`` writes them: listed here for the
#: Spanish catalogue, so a table shown in Spanish reads them in Spanish (a test keeps both in step).
PIPELINE_STEPS = (N_("1 signed up, no purchase yet"), N_("2 first purchase"), N_("3 repeat buyer"), N_("4 lost"))


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------


def _unrecorded(frame: pd.DataFrame, column: str) -> bool:
    """Whether a non-empty table holds no value at all in ``column`` (the data does not record it)."""
    return len(frame) > 0 and column in frame.columns and not frame[column].notna().any()


def _loosen(ddl: str, column: str, *, allow_null: bool, own_labels: bool) -> str:
    """``ddl`` with the NOT NULL and/or the list of allowed labels removed from ``column``'s line."""
    lines = ddl.split("\n")
    for i, line in enumerate(lines):
        if re.match(rf"\s+{column}\s", line):
            if allow_null:
                line = line.replace(" NOT NULL", "", 1)
            if own_labels:
                line = re.sub(rf" CHECK \({column} IN \([^)]*\)\)", "", line)
            lines[i] = line
    return "\n".join(lines)


def table_ddl(table: str, frame: pd.DataFrame) -> str:
    """The CREATE TABLE statement of ``table`` for the rows of ``frame``: :data:`DDL`, loosened only where needed.

    A column without any value (the data does not record it) may be NULL; a column of
    :data:`OPEN_LABELS` whose labels are not the course's accepts any label. Everything
    else keeps its constraints, so a partly empty column or an unknown channel is still
    refused.

    Parameters
    ----------
    table : a table of :data:`DDL`.
    frame : the rows to be loaded (columns as in :mod:`helpers.schema`).

    Returns
    -------
    str
        The statement; exactly ``DDL[table]`` for the course's company.

    Example
    -------
    >>> own = pd.DataFrame({"transaction_id": [1], "customer_id": [1], "date": pd.to_datetime(["2024-01-05"]),
    ...     "category": ["Garden"], "amount": [9.5], "cost": [4.0], "channel": ["web"], "promotion": [None]})
    >>> ddl = table_ddl("transactions", own)  # own category labels; promotions not recorded
    >>> "category       TEXT NOT NULL," in ddl, "promotion      TEXT CHECK" in ddl
    (True, True)
    >>> table_ddl("transactions", own[:0]) == DDL["transactions"]  # no rows: nothing to loosen
    True
    """
    ddl = DDL[table]
    for column in schema.TABLES[table]:
        labels = schema.CATEGORIES.get(column.name) if column.dtype == "category" else None
        own_labels = (
            column.name in OPEN_LABELS
            and labels is not None
            and column.name in frame.columns
            and not frame[column.name].dropna().astype(str).isin(labels).all()
        )
        allow_null = not column.nullable and _unrecorded(frame, column.name)
        if own_labels or allow_null:
            ddl = _loosen(ddl, column.name, allow_null=allow_null, own_labels=own_labels)
    return ddl


def _python_values(frame: pd.DataFrame, table: str) -> list[tuple]:
    """The rows of ``frame`` as tuples of plain Python values in ``schema`` column order.

    Dates become ISO text 'YYYY-MM-DD', categories text, booleans 0/1, missing values
    None; the conversion is column by column (vectorised), never per row. A column with
    no value at all stays NULL (see :func:`table_ddl`); one with only some values missing
    is refused.
    """
    missing = [c.name for c in schema.TABLES[table] if c.name not in frame.columns]
    if missing:
        raise ValueError(f"the {table} table is missing column(s) {missing}; it has {list(frame.columns)}")
    columns = []
    for column in schema.TABLES[table]:
        values = frame[column.name]
        if not column.nullable and values.isna().any() and not _unrecorded(frame, column.name):
            bad = frame[values.isna()].head(5)
            raise ValueError(
                f"{table}.{column.name}: {int(values.isna().sum())} row(s) are empty. "
                f"First bad rows:\n{bad.to_string()}"
            )
        if column.dtype.startswith("datetime64"):
            text = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
            converted = text.astype(object).where(values.notna(), None).tolist()
        elif column.dtype == "bool":
            converted = values.astype("boolean").astype("Int64").astype(object).where(values.notna(), None).tolist()
        elif column.dtype == "category":
            converted = values.astype(object).where(values.notna(), None).tolist()
            converted = [None if v is None else str(v) for v in converted]
        else:
            converted = values.astype(object).where(values.notna(), None).tolist()
        columns.append(converted)
    return list(zip(*columns))


def table_counts(connection: sqlite3.Connection) -> pd.Series:
    """Number of rows of every table in the database, by table name.

    Example
    -------
    >>> db = sqlite3.connect(":memory:")
    >>> _ = db.execute("CREATE TABLE t (x INTEGER)")
    >>> table_counts(db).to_dict()
    {'t': 0}
    """
    names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
    return pd.Series(
        {name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names},
        name="rows",
        dtype="int64",
    )


def build(company, path: str | Path = ":memory:") -> sqlite3.Connection:
    """Load a company into a SQLite database: operational tables plus the star schema.

    Parameters
    ----------
    company : a :class:`~helpers.company.Company` (anything with the seven tables of
        :mod:`helpers.schema` as DataFrame attributes).
    path : where to put the database: ``":memory:"`` (default: nothing is written to disk)
        or a file path, which must not exist yet (a temporary folder is a good place).

    Returns
    -------
    sqlite3.Connection
        Open, with ``PRAGMA foreign_keys = ON``. Tables: those of ``DDL`` and the star
        schema (``dim_channel``, ``dim_date``, ``dim_customer``, ``fact_sales``).

    Notes
    -----
    Only customer, date and amount are required of the transactions. A column the data
    does not record at all is loaded as NULL (see :func:`table_ddl`), and in the star
    schema: no cost → ``fact_sales.margin`` NULL (unknown, not 0); no category or
    promotion → NULL; no channel → ``channel_key`` 0, the ``'unknown'`` member of
    ``dim_channel`` (:data:`UNKNOWN_CHANNEL`), so joins on the dimension keep every sale.

    Raises
    ------
    ValueError
        If a table misses a column or has empty values where none are allowed, if the
        database refuses a row (a wrong category, a broken foreign key, a bad date: the
        message names the table), or if the row counts after loading differ from the
        DataFrames.
    FileExistsError
        If ``path`` is a file that already exists.

    References
    ----------
    Payne & Frow (2005) on the operational/analytical split; Kimball & Ross (2013) on
    star schemas.

    Example
    -------
    >>> from helpers.synthetic import generate
    >>> db = build(generate(n_customers=60, seed=1, months=3))
    >>> scalar(db, "SELECT COUNT(*) FROM customers")
    60
    """
    if str(path) != ":memory:" and Path(path).exists():
        raise FileExistsError(f"{path} already exists; build the warehouse in a new file")
    connection = sqlite3.connect(str(path))
    connection.execute("PRAGMA foreign_keys = ON")
    expected = {}
    try:
        _load(connection, company, expected)
    except Exception:
        connection.close()
        raise
    counts = table_counts(connection)
    expected.update({"fact_sales": expected["transactions"], "dim_customer": expected["customers"]})
    wrong = {t: (int(counts[t]), n) for t, n in expected.items() if counts[t] != n}
    if wrong:
        connection.close()
        raise ValueError(f"row counts after loading differ (in database, in DataFrame): {wrong}")
    return connection


def _load(connection: sqlite3.Connection, company, expected: dict) -> None:
    """Create and fill the operational tables and the star schema in one transaction."""
    with connection:
        for table in DDL:
            frame = getattr(company, table)
            connection.execute(table_ddl(table, frame))
            rows = _python_values(frame, table)
            names = [c.name for c in schema.TABLES[table]]
            insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
            try:
                connection.executemany(insert, rows)
            except sqlite3.IntegrityError as error:
                raise ValueError(f"the database refused a row of the {table} table: {error}") from error
            expected[table] = len(frame)
        for index in _INDEXES:
            connection.execute(index)
        _load_star_schema(connection, company)


def _load_star_schema(connection: sqlite3.Connection, company) -> None:
    """Create and fill the star schema; ``dim_date`` covers every day of the data."""
    sql = STAR_SCHEMA_SQL
    for table, column, star_column in (
        ("customers", "segment", "segment"),
        ("customers", "region", "region"),
        ("customers", "acquisition_channel", "acquisition_channel"),
        ("transactions", "category", "category"),
        ("transactions", "promotion", "promotion"),
        ("transactions", "cost", "margin"),
    ):
        if _unrecorded(getattr(company, table), column):  # not in the data: NULL in the star schema too
            sql = _loosen(sql, star_column, allow_null=True, own_labels=False)
    if _unrecorded(company.transactions, "channel"):  # every sale points at the 'unknown' member of dim_channel
        sql = sql.replace(_in("channel", schema.CHANNELS), _in("channel", (*schema.CHANNELS, UNKNOWN_CHANNEL)))
        sql = _loosen(sql, "assisted", allow_null=True, own_labels=False)
        sql = sql.replace("(4, 'face_to_face', 1);", f"(4, 'face_to_face', 1), (0, '{UNKNOWN_CHANNEL}', NULL);")
        sql = sql.replace("t.date, d.channel_key,", "t.date, COALESCE(d.channel_key, 0),")
    statements = sql.split(";")
    for statement in statements[:4]:  # the four CREATE TABLE statements
        connection.execute(statement)
    candidates = [
        company.transactions["date"].min(),
        company.transactions["date"].max(),
        company.customers["signup_date"].min(),
        company.observation_end,
    ]
    known = [pd.Timestamp(d).normalize() for d in candidates if pd.notna(d)]
    days = pd.date_range(min(known), max(known), freq="D") if known else pd.DatetimeIndex([])
    rows = list(
        zip(
            days.strftime("%Y-%m-%d").tolist(),
            days.year.tolist(),
            (days.year.astype(str) + "-Q" + days.quarter.astype(str)).tolist(),
            days.strftime("%Y-%m").tolist(),
            ((days.day_of_week.to_numpy() + 1) % 7).tolist(),
        )
    )
    connection.executemany("INSERT INTO dim_date VALUES (?, ?, ?, ?, ?)", rows)
    for statement in statements[4:]:
        if statement.strip():
            connection.execute(statement)


# ---------------------------------------------------------------------------------------
# Querying
# ---------------------------------------------------------------------------------------


def query(connection: sqlite3.Connection, sql: str, **parameters) -> pd.DataFrame:
    """Run a SELECT and return its result as a DataFrame.

    Parameters
    ----------
    connection : an open database, e.g. from :func:`build`.
    sql : the query; named parameters are written ``:name``.
    **parameters : values of the named parameters: numbers, text, or dates (pandas
        Timestamps and ``datetime.date`` are passed as ISO text 'YYYY-MM-DD').

    Example
    -------
    >>> db = sqlite3.connect(":memory:")
    >>> query(db, "SELECT :a + 1 AS b", a=41)
       b
    0  42
    """
    values = {
        name: (
            pd.Timestamp(v).strftime("%Y-%m-%d")
            if isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "isoformat")
            else v
        )
        for name, v in parameters.items()
    }
    cursor = connection.execute(sql, values)
    columns = [d[0] for d in cursor.description]
    return pd.DataFrame(cursor.fetchall(), columns=columns)


def scalar(connection: sqlite3.Connection, sql: str, **parameters):
    """The single value of a query that returns one row and one column (e.g. a COUNT).

    Example
    -------
    >>> scalar(sqlite3.connect(":memory:"), "SELECT 6 * 7")
    42
    """
    result = query(connection, sql, **parameters)
    if result.shape != (1, 1):
        raise ValueError(
            f"the query returned {result.shape[0]} row(s) × {result.shape[1]} column(s), not a single value"
        )
    value = result.iat[0, 0]
    return value.item() if hasattr(value, "item") else value
