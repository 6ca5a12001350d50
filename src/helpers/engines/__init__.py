"""The report's transaction aggregations on engines beyond pandas: DuckDB (out of core) and Apache Spark.

Each aggregation is written once, as SQL in DuckDB's dialect (:mod:`helpers.engines.queries`).
DuckDB runs it as it is, over a pandas DataFrame or streaming CSV / Parquet files
(:class:`DuckDBTransactions`); Spark runs the same text translated by SQLGlot
(:class:`SparkTransactions`). Only small tables come back to pandas, shaped exactly as the
course's pandas functions shape them, so everything after them is the usual pandas work:

* ``customer_base(end, window_months=)``: :func:`helpers.purchases.customer_base`, one row per customer;
* ``rfm_summary(end, time_unit=)``: :func:`helpers.rfm.rfm_summary`, one row per customer;
* ``cohort_table(end, freq=)``: :func:`helpers.retention.cohort_table` of the buyers
  (``measure="purchasing"``), one row per cohort (month or quarter of the first purchase);
* ``window_purchases(end, months=)``: :func:`helpers.purchases.window_purchases`, what
  :func:`helpers.profitability.customer_profitability` and :func:`helpers.loyalty.loyalty_components`
  use, one row per customer who bought in the window;
* ``check()``: the rows, whether ids are whole numbers and costs known, the last date.

These are the questions of :class:`helpers.purchases.Transactions`, which
:class:`helpers.purchases.InMemory` answers with pandas: the report, the pyramid and the
loyalty matrix take either one.

Rows without a customer id, with a date that is missing or cannot be read, or with an
amount that is not a number are found by a query and refused (:class:`BadRows`), naming the
column and the first rows (the DataFrame's index, or the 1-based data row of the file).

Why SQL translated by SQLGlot, not Ibis: SQLGlot is one pure-Python package (8 MB
installed, no dependencies), which Ibis itself uses to write its SQL; the queries are plain
SQL that an analyst can read, paste into DuckDB's shell or a Spark notebook, and the
translation is short to check (``for_spark(sql)``). Ibis (29 MB more, plus its
dependencies) gave the same numbers, but its version 12 cannot create a table on DuckDB 2.0
and its Spark extra holds PySpark below 4.1.

Examples
--------
>>> import pandas as pd
>>> sales = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [10.0, 20.0, 5.0],
...     "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-06"])})
>>> open_transactions(sales).rfm_summary("2024-01-31")
             frequency  recency     T  monetary_value
customer_id
1                    1     10.0  30.0            20.0
2                    0      0.0  25.0             0.0
"""

from __future__ import annotations

from helpers.engines.base import BadRows, Checked, TransactionsEngine
from helpers.engines.on_duckdb import DuckDBTransactions
from helpers.engines.on_spark import SparkTransactions, local_session, spark_unavailable

ENGINES = ("duckdb", "spark")

__all__ = [
    "ENGINES",
    "BadRows",
    "Checked",
    "DuckDBTransactions",
    "SparkTransactions",
    "TransactionsEngine",
    "local_session",
    "open_transactions",
    "spark_unavailable",
]


def open_transactions(source, *, engine: str = "duckdb", spark=None, **options) -> TransactionsEngine:
    """The transactions of ``source`` on an engine, ready for the aggregations.

    Parameters
    ----------
    source : pandas.DataFrame, Spark DataFrame, str, pathlib.Path or list of them
        the rows, or files (CSV or Parquet for DuckDB, Parquet for Spark) by path or glob.
    engine : {"duckdb", "spark"}
        the engine that computes.
    spark : pyspark.sql.SparkSession, optional
        the session, needed for ``engine="spark"``.
    **options
        passed on: ``columns`` for both, ``file_format``, ``csv_options`` and ``connection`` for DuckDB.

    Returns
    -------
    TransactionsEngine
        a :class:`DuckDBTransactions` or :class:`SparkTransactions`.

    Raises
    ------
    ValueError
        for an unknown engine, or Spark without a session.
    """
    if engine == "duckdb":
        return DuckDBTransactions(source, **options)
    if engine == "spark":
        if spark is None:
            raise ValueError(
                "engine='spark' needs a SparkSession: open_transactions(source, engine='spark', spark=...)"
            )
        return SparkTransactions(spark, source, **options)
    raise ValueError(f"engine must be one of {list(ENGINES)}; got {engine!r}")
