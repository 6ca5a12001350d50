"""The aggregations on Apache Spark: the same queries, translated to Spark SQL by SQLGlot.

Give a :class:`pyspark.sql.SparkSession` and the transactions as a Spark DataFrame or as
Parquet files (a path or glob Spark can read, local or ``s3a://…``). Spark does the work on
its cluster; only the per-customer and per-cohort results come back to pandas (``toPandas``).
Dates are compared as wall-clock timestamps (``TIMESTAMP_NTZ``), so the results do not
depend on the session's time zone as long as the dates were written in it.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from helpers.engines.base import COLUMNS, TransactionsEngine
from helpers.engines.queries import for_spark

_views = itertools.count(1)

JAVA_HINT = "Spark needs a Java 17 or 21 runtime (Debian: apt-get install openjdk-17-jre-headless)"


def spark_unavailable() -> str | None:
    """Why a local Spark cannot start on this machine (no PySpark, no Java), or None when it can.

    Examples
    --------
    >>> spark_unavailable() is None or "install" in spark_unavailable()
    True
    """
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed (pip install pyspark)"
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").exists()):
        return f"Java is not installed: {JAVA_HINT}"
    return None


def local_session(*, cores: str = "*", shuffle_partitions: int = 8, app: str = "crm-course"):
    """A Spark session on this machine (local mode), quiet, with wall-clock dates in UTC.

    Parameters
    ----------
    cores : str, optional
        how many cores Spark uses: ``"*"`` for all, ``"1"`` for one.
    shuffle_partitions : int, optional
        partitions of a shuffle (Spark's default, 200, is made for clusters).
    app : str, optional
        the application's name.

    Returns
    -------
    pyspark.sql.SparkSession
        the session (an existing one is reused, as ``getOrCreate`` does).

    Raises
    ------
    RuntimeError
        when PySpark or Java is missing, saying how to install it.
    """
    reason = spark_unavailable()
    if reason:
        raise RuntimeError(f"cannot start Spark: {reason}")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app)
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkTransactions(TransactionsEngine):
    """Transactions on Spark, from a Spark DataFrame or Parquet files.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        the session to run on.
    source : pyspark.sql.DataFrame, str, pathlib.Path or list of them
        the rows, or Parquet paths / globs for ``spark.read.parquet``.
    columns : mapping of str to str, optional
        the source's name of each course column (``customer_id``, ``date``, ``amount`` and,
        if the data have it, ``cost``); default the course's names.
    """

    def __init__(self, spark, source, *, columns: Mapping[str, str] | None = None):
        self.spark = spark
        names = {name: name for name in COLUMNS} | dict(columns or {})
        if isinstance(source, (str, Path, list, tuple)):
            self.files = [str(path) for path in ([source] if isinstance(source, (str, Path)) else source)]
            self.source_name = self.files[0] if len(self.files) == 1 else ", ".join(self.files)
            try:
                self.frame = spark.read.parquet(*self.files)
            except Exception as error:  # Spark's AnalysisException, named in its message
                if "TIMESTAMP(NANOS" not in str(error):
                    raise
                raise ValueError(
                    f"{self.source_name}: Spark cannot read dates stored in nanoseconds. How to fix: write the "
                    "file with microsecond dates, e.g. pandas' to_parquet(..., coerce_timestamps='us')"
                ) from error
        else:
            self.files, self.frame, self.source_name = [], source, "transactions"
        present = set(self.frame.columns)
        missing = [names[c] for c in ("customer_id", "date", "amount") if names[c] not in present]
        if missing:
            raise ValueError(
                f"{self.source_name}: no column {', '.join(map(repr, missing))} "
                f"(the columns are {', '.join(map(repr, sorted(present)))})"
            )
        self.columns = {c: '"' + names[c].replace('"', '""') + '"' for c in COLUMNS if names[c] in present}
        number = next(_views)
        self.raw = f"raw_transactions_{number}"
        self.view = f"transactions_{number}"
        self.frame.createOrReplaceTempView(self.raw)

    def run(self, sql: str) -> pd.DataFrame:
        """Run a query (DuckDB's dialect, translated) on Spark and return its result in pandas."""
        return self.spark.sql(for_spark(sql)).toPandas()

    def define_view(self, name: str, sql: str) -> None:
        """Make ``name`` a temporary view of ``sql`` in the session."""
        self.spark.sql(for_spark(sql)).createOrReplaceTempView(name)

    def bad_rows(self, condition: str, column: str, limit: int) -> tuple[list[str], list[object]]:
        """The first bad rows: ``row N`` (1-based, in the order of the rows, per file for Parquet) and the value."""
        if self.files:
            numbered = self.frame.select("*", "_metadata.file_path", "_metadata.row_index")
            numbered = numbered.withColumnRenamed("row_index", "__row").withColumnRenamed("file_path", "__file")
        else:
            from pyspark.sql.functions import lit
            from pyspark.sql.types import LongType, StructField, StructType

            # Only when rows are bad: number them in their order (zipWithIndex keeps it, unlike a window).
            schema = StructType([*self.frame.schema.fields, StructField("__row", LongType())])
            rows = self.frame.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1]))
            numbered = self.spark.createDataFrame(rows, schema).withColumn("__file", lit(None).cast("string"))
        view = f"{self.raw}_numbered"
        numbered.createOrReplaceTempView(view)
        found = self.spark.sql(
            for_spark(
                f"SELECT file, n, value FROM ({self.numbered_rows(view, '__row + 1', column, '__file AS file')}) "
                f"AS numbered WHERE {condition} ORDER BY file, n LIMIT {int(limit)}"
            )
        ).toPandas()
        several = bool(self.files) and (len(self.files) > 1 or any(c in self.files[0] for c in "*?["))
        labels = [f"{file} row {n}" if several else f"row {n}" for file, n in zip(found["file"], found["n"])]
        return labels, list(found["value"])
