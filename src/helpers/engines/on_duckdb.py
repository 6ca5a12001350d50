"""The aggregations on DuckDB: over a pandas DataFrame, or streamed from CSV or Parquet files.

DuckDB (an embedded SQL engine, no server) reads the files itself, in parallel and a
piece at a time, and spills to disk what does not fit in memory, so the transactions never
pass through pandas: only the per-customer and per-cohort results come back.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from helpers.engines.base import COLUMNS, TransactionsEngine, available_memory

PARQUET_SUFFIXES = (".parquet", ".pq")
_views = itertools.count(1)  # names of their own, so that sources can share a connection


def _sql_text(text: str) -> str:
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def _identifier(name: str) -> str:
    """A quoted SQL column name."""
    return '"' + str(name).replace('"', '""') + '"'


class DuckDBTransactions(TransactionsEngine):
    """Transactions read by DuckDB, from a DataFrame or from CSV / Parquet files.

    Parameters
    ----------
    source : pandas.DataFrame, str, pathlib.Path or list of them
        the rows: a DataFrame, or files given by path or glob (``"sales/*.parquet"``), all
        CSV or all Parquet.
    columns : mapping of str to str, optional
        the source's name of each course column (``customer_id``, ``date``, ``amount`` and,
        if the data have it, ``cost``); default the course's names. A cost column the
        source lacks is left out (margins are then unknown).
    file_format : {"csv", "parquet"}, optional
        default from the files' suffix.
    csv_options : mapping, optional
        more options of DuckDB's ``read_csv`` (e.g. ``{"delim": ";"}``); every column is read
        as text and converted by the queries, so a bad cell is reported, not guessed.
    connection : duckdb.DuckDBPyConnection, optional
        a connection to use (e.g. with a memory limit or a spill folder), default a new one in memory.

    Examples
    --------
    >>> sales = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [10.0, 20.0, 5.0],
    ...     "cost": [6.0, 12.0, 4.0], "date": pd.to_datetime(["2023-01-05", "2024-06-01", "2024-07-01"])})
    >>> DuckDBTransactions(sales).customer_base("2024-12-31")[["purchases", "revenue", "margin_recent"]]
                 purchases  revenue  margin_recent
    customer_id
    1                    2     30.0            8.0
    2                    1      5.0            1.0
    """

    def __init__(
        self,
        source,
        *,
        columns: Mapping[str, str] | None = None,
        file_format: str | None = None,
        csv_options: Mapping[str, object] | None = None,
        connection=None,
    ):
        import duckdb

        if connection is None:
            # What does not fit in memory spills to a folder of its own, removed with this object
            # (DuckDB's default for an in-memory database is ".tmp" in the working folder).
            # Its memory is capped at a quarter of what is free (at least 1 GB), leaving the rest to the
            # per-customer tables in pandas; DuckDB's own default, 80 % of the machine, is for a database alone.
            self._spill = tempfile.TemporaryDirectory(prefix="crm-duckdb-")
            limit = max(available_memory() // 4, 2**30) // 2**20
            connection = duckdb.connect(config={"temp_directory": self._spill.name, "memory_limit": f"{limit}MB"})
        self.connection = connection
        number = next(_views)
        self.raw, self.view = f"raw_transactions_{number}", f"transactions_{number}"
        names = {name: name for name in COLUMNS} | dict(columns or {})
        if isinstance(source, pd.DataFrame):
            self.frame, self.files, self.file_format = source, [], None
            self.source_name = "transactions"
            present = set(source.columns)
            self._scan = f"frame_transactions_{number}"
            self.connection.register(self._scan, source)
        else:
            self.frame = None
            self.files = [str(path) for path in ([source] if isinstance(source, (str, Path)) else source)]
            if not self.files:
                raise ValueError("no transaction files given")
            self.file_format = file_format or _format_of(self.files)
            self.source_name = self.files[0] if len(self.files) == 1 else ", ".join(self.files)
            self._scan = self._reader(self.files, csv_options or {})
            present = set(self.connection.execute(f"SELECT * FROM {self._scan} LIMIT 0").df().columns)
        missing = [names[c] for c in ("customer_id", "date", "amount") if names[c] not in present]
        if missing:
            raise ValueError(
                f"{self.source_name}: no column {', '.join(map(repr, missing))} "
                f"(the columns are {', '.join(map(repr, sorted(present)))})"
            )
        self.columns = {c: _identifier(names[c]) for c in COLUMNS if names[c] in present}
        if self.file_format == "csv":
            # Blank cells are missing; NULLIF also keeps DuckDB 2.0 from turning TRY_CAST into a strict
            # cast inside its CSV reader, which then fails on a bad cell (duckdb/duckdb#23818).
            self.columns = {c: f"NULLIF({expression}, '')" for c, expression in self.columns.items()}
        self._csv_options = dict(csv_options or {})
        self.define_view(self.raw, f"SELECT * FROM {self._scan}")

    def _reader(self, files: Sequence[str], options: Mapping[str, object], *, numbered: bool = False) -> str:
        """The table function that streams the files."""
        paths = "[" + ", ".join(_sql_text(path) for path in files) + "]"
        if self.file_format == "parquet":
            extra = ", filename = true, file_row_number = true" if numbered else ""
            return f"read_parquet({paths}{extra})"
        settings = {"header": True, "all_varchar": True, **options}
        text = ", ".join(f"{key} = {_literal(value)}" for key, value in settings.items())
        return f"read_csv({paths}, {text})"

    def run(self, sql: str) -> pd.DataFrame:
        """Run a query and return its result as a pandas DataFrame."""
        return self.connection.execute(sql).df()

    def define_view(self, name: str, sql: str) -> None:
        """Make ``name`` a view of ``sql`` on this connection."""
        self.connection.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def bad_rows(self, condition: str, column: str, limit: int) -> tuple[list[str], list[object]]:
        """The first bad rows: ``row N`` (the DataFrame's index, or the 1-based data row of the file) and the value."""
        if self.frame is not None:
            found = self._numbered(self._scan, condition, column, limit)
            return [f"row {self.frame.index[n - 1]}" for n in found["n"]], list(found["value"])
        labels, values = [], []
        for path in self._expanded():
            if len(labels) >= limit:
                break
            scan = self._reader([path], self._csv_options, numbered=True)
            found = self._numbered(scan, condition, column, limit - len(labels))
            prefix = f"{path} " if len(self.files) > 1 or any(c in self.files[0] for c in "*?[") else ""
            labels += [f"{prefix}row {n}" for n in found["n"]]
            values += list(found["value"])
        return labels, values

    def _numbered(self, scan: str, condition: str, column: str, limit: int) -> pd.DataFrame:
        """Rows of ``scan`` where ``condition`` holds, numbered from 1 in their order, read on one thread."""
        number = "file_row_number + 1" if "file_row_number" in scan else "ROW_NUMBER() OVER ()"
        threads = self.connection.execute("SELECT current_setting('threads')").fetchone()[0]
        self.connection.execute("SET threads = 1")  # the order of the rows is the order of the file
        try:
            return self.connection.execute(
                f"SELECT n, value FROM ({self.numbered_rows(scan, number, column)}) AS numbered "
                f"WHERE {condition} ORDER BY n LIMIT {int(limit)}"
            ).df()
        finally:
            self.connection.execute(f"SET threads = {int(threads)}")

    def _expanded(self) -> list[str]:
        """Every file the paths and globs name, in order."""
        found = []
        for path in self.files:
            found += [
                row[0] for row in self.connection.execute("SELECT file FROM glob(?) ORDER BY file", [path]).fetchall()
            ]
        return found


def _literal(value) -> str:
    """A DuckDB literal for a read_csv option."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, Mapping):  # a struct, e.g. columns = {'name': 'VARCHAR'}
        return "{" + ", ".join(f"{_sql_text(key)}: {_literal(item)}" for key, item in value.items()) + "}"
    return _sql_text(value)


def _format_of(files: Sequence[str]) -> str:
    """``"parquet"`` or ``"csv"`` from the files' suffixes (compressed CSV included)."""
    kinds = {"parquet" if path.lower().endswith(PARQUET_SUFFIXES) else "csv" for path in files}
    if len(kinds) > 1:
        raise ValueError(f"the files mix Parquet and CSV ({', '.join(files)}): give one format at a time")
    return kinds.pop()
