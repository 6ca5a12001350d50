"""Loading an analyst's own files into the course's tables, with errors that say how to fix them.

The lessons run on any company's data shaped like the course's tables
(:data:`helpers.schema.TABLES`). Only the transactions are required: one row per purchase
with who bought (``customer_id``), when (``date``) and how much (``amount``). Everything
else (customers, surveys, interactions, ...) is optional; lessons skip the sections that
need what the data lacks (see :meth:`helpers.company.Company.has`).

Two ways in:

* one table at a time, naming your columns::

      from helpers.data import load_transactions
      sales = load_transactions("ventas.csv", customer_col="Cliente", date_col="Fecha",
                                amount_col="Importe", decimal=",")

* a whole company from a folder holding a mapping file ``mapping.toml``::

      from helpers.data import load_own_data
      company = load_own_data("my_data")        # or load_own_data("my_data/mapping.toml")
      print(company.load_report)

Files may be CSV (any delimiter, detected or given; ``.csv``, ``.tsv``, ``.txt``), Excel
(``.xlsx``, ``.xlsm``) or Parquet (``.parquet``). Your files are only read, never written.

The mapping file
================
A TOML file (see ``datasets/examples/README.md`` for a complete, commented example)::

    [settings]                      # defaults for every table
    date_format = "%d/%m/%Y"        # how dates are written; "auto" (default) detects it
    decimal = ","                   # decimal separator of numbers: "." (default) or ","
    thousands = "."                 # thousands separator (default: the other one of . and ,)
    encoding = "utf-8"              # text encoding of CSV files, e.g. "cp1252" for old Excel exports
    observation_end = "2024-12-31"  # last day your data covers (default: the last purchase)
    date_range = ["1900-01-01", "2100-12-31"]  # dates accepted (default); others are refused with their rows
    on_bad_rows = "raise"           # "raise" (default): stop at bad rows; "exclude": leave them out and list them
    exclude_returns = false         # true: negative amounts are returns; leave them out and count them

    [transactions]                  # the only required table
    file = "ventas.csv"             # relative to the mapping file's folder
    delimiter = ";"                 # optional: detected when left out
    [transactions.columns]          # course column = "your column"
    customer_id = "Cliente"
    date = "Fecha"
    amount = "Importe"
    channel = "Canal"               # optional columns: category, channel, cost, promotion, transaction_id
    [transactions.values.channel]   # your label = the course's label
    "Tienda" = "face_to_face"

    [customers]                     # optional tables: customers, surveys, interactions, bonds, churn, employees
    file = "clientes.xlsx"
    sheet = "Clientes"              # Excel only: the sheet's name (default: the first sheet)
    header_row = 1                  # the row holding the column names (default 1)

    [churn]                         # without a churn file, churn is derived from inactivity:
    inactive_days = 180             # no purchase for this many days = lost (default: retention.INACTIVE_DAYS)

Any setting of ``[settings]`` may also be given in a table's section, for that table only.
Columns left out of ``columns`` are looked up under the course's own name. A table whose
section is absent is *missing*: its DataFrame is empty and listed in ``company.missing``.

Derived tables
    * customers absent: one customer per ``customer_id`` of the transactions, signed up on
      the day of the first purchase; their other columns are missing (so
      ``company.has("customers", "segment")`` is False).
    * customers without a signup date: the day of the first purchase, reported.
    * churn absent: a customer whose last activity (last purchase, or signup if none) is
      ``inactive_days`` or more days before the observation end is counted as lost on that
      last day + ``inactive_days`` days. The reason is unknown: ``reason`` is missing (NaN),
      so ``company.has("churn", "reason")`` is False. ``derive = false`` under ``[churn]``
      leaves churn missing instead.

What is read exactly as written
    * Ids (customer, transaction, ... ids) are text, compared exactly as written and trimmed
      of surrounding spaces only: ``007``, ``7``, ``0007`` and ``12.0`` are four customers.
      Ids written as plain whole numbers (``7``, ``42``) stay numbers; when any id of a table
      is other text, :func:`load_own_data` numbers the customers 1, 2, ... and
      ``company.load_report.customer_ids`` maps the numbers back to your ids. A number cell
      of Excel or Parquet is the text it shows (``7``, ``12.5``). Ids holding control or
      invisible characters (a NUL byte, a zero-width space) are refused.
    * Dates are refused, never shifted, when outside ``date_range`` (1900-01-01 … 2100-12-31
      unless set): a "no date" placeholder such as 9999-12-31 must be an empty cell. A time
      with a time zone or UTC offset (``%z`` in ``date_format``; zoned Parquet timestamps) is
      kept on its own local date, the zone dropped, and the load report says so.
    * Numbers must be finite: ``inf``, ``Infinity``, ``1e400`` are refused like any unreadable
      number.
    * Every row of a CSV file must have the header's number of fields: a row with more or
      fewer is refused (delimiters at the end of rows, leaving only empty fields, are ignored
      and reported). A header naming two columns alike is refused.
    * Every setting is checked for its type and range (``header_row = 0``, ``derive =
      "false"``, ``file = 123``, an unknown ``date_format`` code are refused).

Problems
    Every problem raises :class:`DataError` (a ``ValueError``) naming the file, the column,
    the first offending rows (row numbers as a spreadsheet shows them, the header being
    row 1) and how to fix it. Problems with single rows (an unreadable date or amount, a
    missing customer id, a date after the observation end, a survey score outside its
    scale, a purchase by an unknown customer) can instead be excluded with
    ``on_bad_rows = "exclude"``; the load report lists every excluded row by reason.
    Negative amounts are refused unless ``exclude_returns = true``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import difflib
import io
import os
import re
import sys
import tomllib
import warnings
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import schema
from helpers.company import Company
from helpers.engines.base import available_memory
from helpers.formats import number
from helpers.i18n import N_, _, language
from helpers.retention import INACTIVE_DAYS, MAX_INACTIVE_DAYS, inactivity_churn

#: Name of the mapping file looked up in a data folder.
MAPPING_FILE = "mapping.toml"
#: Inactivity (days without a purchase) after which a customer counts as lost, when churn is derived.
#: How many offending rows an error message lists.
SHOWN_ROWS = 5
ROW_NOTE = N_("(Row numbers count the header as row 1, as a spreadsheet shows them.)")
#: How the loader's advice names a setting of a mapping file (the report's command line reads it back).
IN_MAPPING = N_("{setting} under [{section}] in {file}")
#: The word before a setting in advice such as "set on_bad_rows = ..." (the command line removes it).
SET = N_("set")
#: What negative amounts are said to be (the report's command line recognises it).
RETURNS = N_("are negative (returns or refunds?)")
#: The advice to leave bad rows out (the report's command line rewrites it as an option).
EXCLUDE_ADVICE = N_("To leave such rows out and list them in the load report instead, set {setting}.")

#: Columns each table needs; every other column of the schema is optional.
REQUIRED: dict[str, tuple[str, ...]] = {
    "transactions": ("customer_id", "date", "amount"),
    "customers": ("customer_id",),
    "surveys": ("customer_id", "date"),
    "interactions": ("customer_id", "date"),
    "bonds": ("customer_id", "level", "start_date"),
    "churn": ("customer_id", "date"),
    "employees": ("employee_id",),
}
#: The column that must be unique in each table (numbered 1, 2, ... when the file has none).
UNIQUE: dict[str, str] = {
    "customers": "customer_id",
    "transactions": "transaction_id",
    "interactions": "interaction_id",
    "surveys": "survey_id",
    "bonds": "bond_id",
    "churn": "customer_id",
    "employees": "employee_id",
}
#: Category columns whose labels may be the analyst's own (the others must use the course's labels).
OPEN_LABELS = frozenset({"category", "region", "acquisition_channel", "promotion"})
#: Date formats tried, in order, when none is given.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d-%m-%y",
    "%d.%m.%y",
    "%Y%m%d",
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M",
)
#: Dates accepted by default (setting ``date_range``): a date outside, such as the "no date"
#: placeholder 9999-12-31 or a typo such as 0202-03-01, is refused with its rows.
DATE_RANGE = (pd.Timestamp("1900-01-01"), pd.Timestamp("2100-12-31"))
#: The widest ``date_range`` allowed (the dates the course's tables can hold).
DATE_LIMITS = (pd.Timestamp("1700-01-01"), pd.Timestamp("2261-12-31"))
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
#: Argument names of the one-table loaders, for the "how to fix" advice.
COLUMN_ARGUMENTS = {
    "customer_id": "customer_col",
    "date": "date_col",
    "amount": "amount_col",
    "category": "category_col",
    "channel": "channel_col",
    "cost": "cost_col",
    "signup_date": "signup_col",
}
#: Words that often name a course column in an analyst's file (for "closest match" hints).
SYNONYMS = {
    "customer_id": ("customer", "client", "cliente", "id cliente", "customer number", "account", "cuenta"),
    "date": ("fecha", "day", "order date", "fecha pedido", "date of purchase"),
    "amount": ("importe", "total", "revenue", "sales", "ventas", "value", "valor", "price", "precio"),
    "signup_date": ("fecha alta", "alta", "created", "registration date", "since"),
}
_TRUE = frozenset({"true", "yes", "y", "1", "si", "sí", "s", "t", "verdadero", "x"})
_FALSE = frozenset({"false", "no", "n", "0", "f", "falso"})
_CURRENCY = r"[€$£¥]|(?i:\b(?:EUR|USD|GBP|CHF|MXN|ARS|COP|CLP|PEN)\b)"
SETTINGS = (
    "date_format",
    "decimal",
    "thousands",
    "encoding",
    "delimiter",
    "header_row",
    "observation_end",
    "on_bad_rows",
    "exclude_returns",
    "date_range",
)
TABLE_KEYS = ("file", "sheet", "columns", "values") + SETTINGS
CHURN_RULE_KEYS = ("inactive_days", "derive")


class DataError(ValueError):
    """A problem with an analyst's files; the message names the file, column, rows and fix."""


# --------------------------------------------------------------------------- messages


def _n(count) -> str:
    """A count for a message, in the language in use: ``1,234`` (English) or ``1.234`` (Spanish)."""
    return number(count, ",")


def _noun(column: str) -> str:
    """A column named in a sentence: ``customer id`` in English, ``customer_id`` (as the code writes it) in Spanish."""
    return column.replace("_", " ") if language() == "en" else column


def _how_to_fix(fix: str) -> str:
    """The last line of every DataError: what to change."""
    return _("How to fix: {fix}").format(fix=fix)


def in_mapping(setting: str, section: str, file: str) -> str:
    """Advice to write ``setting`` (``key = value``, or a key) under ``[section]`` of a mapping ``file``.

    >>> in_mapping('decimal = ","', "settings", "mapping.toml")
    'decimal = "," under [settings] in mapping.toml'
    """
    return _(IN_MAPPING).format(setting=setting, section=section, file=file)


def _in_call(setting: str, function: str) -> str:
    """Advice to pass ``setting`` (``key=value``) to the loader ``function``."""
    return _("{setting} in {function}(...)").format(setting=setting, function=function)


# --------------------------------------------------------------------------- options and advice


@dataclass(frozen=True)
class ReadOptions:
    """How to read one file (the settings of the mapping file; see the module docstring)."""

    date_format: str | None = None
    decimal: str = "."
    thousands: str | None = None
    delimiter: str | None = None
    encoding: str = "utf-8"
    sheet: str | int | None = None
    header_row: int = 1
    values: dict = field(default_factory=dict)
    on_bad_rows: str = "raise"
    exclude_returns: bool = False
    observation_end: pd.Timestamp | None = None
    date_range: tuple[pd.Timestamp, pd.Timestamp] = DATE_RANGE


@dataclass(frozen=True)
class _Advice:
    """Says how to change a setting: in the mapping file, or as an argument of a loader."""

    table: str
    mapping: Path | None = None
    function: str = ""

    def setting(self, key: str, value, section: str | None = None) -> str:
        if self.mapping is not None:
            return in_mapping(f"{key} = {_toml(value)}", section or self.table, self.mapping.name)
        return _in_call(f"{key}={value!r}", self.function)

    def column(self, course: str, name: str) -> str:
        if self.mapping is not None:
            return in_mapping(f"{course} = {_toml(name)}", f"{self.table}.columns", self.mapping.name)
        argument = COLUMN_ARGUMENTS.get(course)
        if argument and (self.table == "transactions" or course in ("customer_id", "date", "signup_date")):
            return _in_call(f"{argument}={name!r}", self.function)
        return _in_call(f"columns={{{course!r}: {name!r}}}", self.function)

    def label(self, course: str, theirs: str, ours: str) -> str:
        if self.mapping is not None:
            return in_mapping(f"{_toml(theirs)} = {_toml(ours)}", f"{self.table}.values.{course}", self.mapping.name)
        return _in_call(f"values={{{course!r}: {{{theirs!r}: {ours!r}, ...}}}}", self.function)


def _toml(value) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


# --------------------------------------------------------------------------- reports


@dataclass
class TableReport:
    """What loading one file found and changed.

    Attributes
    ----------
    table : str
        the course's table name.
    file : str
        the file read.
    rows_read : int
        data rows in the file (fully empty rows not counted).
    rows_kept : int
        rows in the loaded table.
    excluded : dict of str to list of int
        reason -> file row numbers (header = row 1) of the rows left out.
    notes : list of str
        everything else that was read or changed (detected formats, derived values, ...).
    columns : dict of str to str
        the course's column -> the file's column, for the columns read.
    """

    table: str
    file: str
    columns: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    rows_kept: int = 0
    excluded: dict[str, list[int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def exclude(self, reason: str, rows) -> None:
        """Record ``rows`` (spreadsheet row numbers) as left out for ``reason``."""
        rows = [int(r) for r in rows]
        if rows:
            self.excluded.setdefault(reason, []).extend(rows)

    @property
    def rows_excluded(self) -> int:
        """How many rows were left out, for every reason together."""
        return sum(len(rows) for rows in self.excluded.values())

    def __str__(self) -> str:
        lines = [
            _("{table}: {file}: {read} rows read, {kept} kept").format(
                table=self.table, file=self.file, read=_n(self.rows_read), kept=_n(self.rows_kept)
            )
        ]
        lines += [f"  - {note}" for note in self.notes]
        for reason, rows in self.excluded.items():
            shown = ", ".join(str(r) for r in rows[:SHOWN_ROWS]) + (", …" if len(rows) > SHOWN_ROWS else "")
            excluded = (
                _("excluded {count} row(s): {reason} (rows {rows})")
                if len(rows) > 1
                else _("excluded {count} row(s): {reason} (row {rows})")
            )
            lines.append("  - " + excluded.format(count=_n(len(rows)), reason=reason, rows=shown))
        return "\n".join(lines)


@dataclass
class LoadReport:
    """What :func:`load_own_data` read, derived, excluded and could not find. ``print`` it.

    Attributes
    ----------
    source : str
        the mapping file (or folder) loaded.
    tables : dict of str to TableReport
        one :class:`TableReport` per file read.
    derived : dict of str to str
        table -> how it was derived from the others (customers, churn).
    missing : tuple of str
        tables the data does not have.
    missing_columns : dict of str to tuple of str
        table -> columns without any value.
    period_start, observation_end : pandas.Timestamp
        first transaction day and last day covered.
    observation_end_source : str
        where the observation end came from.
    customers, transactions : int
        rows of the loaded tables.
    customer_ids : pandas.Series or None
        the file's customer id for each course ``customer_id`` when the
        file's ids were text, such as ``A7`` or ``007`` (None when every id was written as
        a plain whole number, kept as it is).
    engine : str
        what read the transactions: ``"pandas"``, ``"duckdb"`` or ``"spark"`` (:func:`choose_engine`).
    """

    source: str
    tables: dict[str, TableReport] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    missing_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    period_start: pd.Timestamp | None = None
    observation_end: pd.Timestamp | None = None
    observation_end_source: str = ""
    customers: int = 0
    transactions: int = 0
    customer_ids: pd.Series | None = None
    engine: str = "pandas"

    @property
    def rows_excluded(self) -> dict[str, int]:
        """Rows excluded per table."""
        return {name: rep.rows_excluded for name, rep in self.tables.items()}

    def __str__(self) -> str:
        day = "%Y-%m-%d"
        lines = [
            _("Loaded your data from {source}").format(source=self.source),
            _(
                "{customers} customers, {transactions} transactions from {start} to {end} "
                "(observation end {end_source})."
            ).format(
                customers=_n(self.customers),
                transactions=_n(self.transactions),
                start=self.period_start.strftime(day),
                end=self.observation_end.strftime(day),
                end_source=self.observation_end_source,
            ),
        ]
        lines += [str(rep) for rep in self.tables.values()]
        lines += [_("{table} (derived): {how}").format(table=name, how=how) for name, how in self.derived.items()]
        if self.missing:
            lines.append(
                _("Not in your data (lessons skip the sections that need them): {tables}").format(
                    tables=", ".join(self.missing)
                )
            )
        if self.missing_columns:
            lines.append(
                _("Columns without values: {columns}").format(
                    columns="; ".join(f"{name}: {', '.join(cols)}" for name, cols in self.missing_columns.items())
                )
            )
        lines.append(_("Your files were only read, never changed."))
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython shows the text, not the dataclass
        printer.text(str(self))


# --------------------------------------------------------------------------- problems


@dataclass
class _Problem:
    """Rows of one column that break one rule."""

    column: str
    course: str
    mask: np.ndarray
    what: str
    fix: str
    reason: str
    excludable: bool = True
    is_return: bool = False


class _File:
    """One file being loaded: where it is, its rows' numbers and how to advise the analyst."""

    def __init__(self, path: Path, table: str, advice: _Advice, options: ReadOptions):
        self.path, self.table, self.advice, self.options = path, table, advice, options
        self.report = TableReport(table=table, file=str(path))

    def error(self, message: str, fix: str) -> DataError:
        return DataError(f"{self.path}: {message}\n{_how_to_fix(fix)}")

    def describe(self, problem: _Problem, frame: pd.DataFrame, shown: pd.Series) -> str:
        rows = np.flatnonzero(problem.mask)
        if problem.course != problem.column:
            where = _("column {column} (the course's {course})").format(
                column=repr(problem.column), course=problem.course
            )
        else:
            where = _("column {column}").format(column=repr(problem.column))
        lines = [
            _("{path}, {where}: {count} row(s) {what}:").format(
                path=self.path, where=where, count=_n(len(rows)), what=problem.what
            )
        ]
        values = shown.to_numpy(dtype=object)
        lines += [
            "  " + _("row {row}: {value}").format(row=frame.index[r], value=_show(values[r])) for r in rows[:SHOWN_ROWS]
        ]
        if len(rows) > SHOWN_ROWS:
            lines.append("  " + _("… and {count} more").format(count=_n(len(rows) - SHOWN_ROWS)))
        lines.append(_(ROW_NOTE))
        return "\n".join(lines) + "\n" + _how_to_fix(problem.fix)

    def exclusion_advice(self, problem: _Problem) -> str:
        parts = []
        if problem.is_return:
            parts.append(
                _(
                    "If these are returns (refunds), set {setting} to leave them out and count them in the load report."
                ).format(setting=self.advice.setting("exclude_returns", True, "settings"))
            )
        if problem.excludable:
            parts.append(_(EXCLUDE_ADVICE).format(setting=self.advice.setting("on_bad_rows", "exclude", "settings")))
        return " ".join(parts)


def _show(value) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return _("(empty)")
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (_dt.datetime, _dt.date)):  # Excel and Parquet dates, also those pandas cannot hold
        return value.isoformat()
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:45] + _("… ({count} characters)").format(count=_n(len(str(value))))


def _screen(file: _File, frame: pd.DataFrame, problems: list[_Problem], shown: dict[str, pd.Series]) -> pd.DataFrame:
    """Raise for the problems the options do not allow to exclude; exclude (and report) the others."""
    problems = [p for p in problems if p.mask.any()]
    if not problems:
        return frame
    options = file.options
    returns = np.zeros(len(frame), dtype=bool)
    if options.exclude_returns:
        for p in problems:
            if p.is_return:
                returns |= p.mask
        for p in problems:
            if not p.is_return:
                p.mask = p.mask & ~returns
        problems = [p for p in problems if p.mask.any()]
    # Excluding most of a file is no longer "a few bad rows" but a wrong setting: that is refused.
    allowed = [
        p
        for p in problems
        if ((p.is_return and options.exclude_returns) or (p.excludable and options.on_bad_rows == "exclude"))
        and 2 * p.mask.sum() <= len(frame)
    ]
    refused = [p for p in problems if not any(p is q for q in allowed)]
    if refused:
        first = refused[0]
        text = file.describe(first, frame, shown.get(first.course, frame.get(first.course)))
        advice = file.exclusion_advice(first) if 2 * first.mask.sum() <= len(frame) else ""
        if advice:
            text += " " + advice
        if len(refused) > 1:
            others = "; ".join(
                _("{count} row(s) {reason} (column {column})").format(
                    count=_n(int(p.mask.sum())), reason=p.reason, column=repr(p.column)
                )
                for p in refused[1:]
            )
            text += "\n" + _("This file has other problems too: {problems}.").format(problems=others)
        raise DataError(text)
    drop = np.zeros(len(frame), dtype=bool)
    for p in allowed:
        new = p.mask & ~drop
        file.report.exclude(p.reason, frame.index[new])
        drop |= p.mask
    return frame[~drop]


# --------------------------------------------------------------------------- reading files


def _detect_delimiter(text: str) -> str:
    """The delimiter (among , ; tab |) that splits the first lines into the most, equally many fields."""
    lines = [line for line in text[:200_000].splitlines()[:50] if line.strip()]
    if len(lines) > 1 and not text[:200_000].endswith(("\n", "\r")) and len(text) > 200_000:
        lines = lines[:-1]  # the sample may cut the last line
    best, best_score = ",", (False, 0)
    for delimiter in (",", ";", "\t", "|"):
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not counts or counts[0] < 2:
            continue
        score = (all(c == counts[0] for c in counts), counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _encoding_error(
    path: Path, data: bytes, err: UnicodeDecodeError, options: ReadOptions, advice: _Advice
) -> DataError:
    """Where the undecodable byte is (row and column), shown as the suggested encoding would read it."""
    suggestion = "cp1252" if options.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else "utf-8"
    line_start = data.rfind(b"\n", 0, err.start) + 1
    line_end = data.find(b"\n", err.start)
    row = data.count(b"\n", 0, err.start) + 1
    text = data.decode(suggestion, errors="replace")
    delimiter = options.delimiter or _detect_delimiter(text)
    lines = text.splitlines()
    header = (
        next(csv.reader([lines[options.header_row - 1]], delimiter=delimiter), [])
        if len(lines) >= options.header_row
        else []
    )
    before = data[line_start : err.start].decode(suggestion, errors="replace")
    before = before.replace("\r", " ")  # binary junk may hold a carriage return, which csv refuses mid-field
    position = len(next(csv.reader([before], delimiter=delimiter), [""])) - 1 if before else 0
    column = (
        _("column {column}").format(column=repr(header[position])) if 0 <= position < len(header) else _("a column")
    )
    shown = (
        data[line_start : line_end if line_end >= 0 else len(data)].decode(suggestion, errors="replace").strip()[:80]
    )
    problem = _(
        "the text is not valid {encoding}: byte {byte} in {column}, row {row} ({shown} if read as {suggestion}) "
        "cannot be read."
    ).format(
        encoding=options.encoding,
        byte=f"0x{data[err.start]:02X}",
        column=column,
        row=row,
        shown=repr(shown),
        suggestion=suggestion,
    )
    fix = _(
        "files saved by Excel or older programs are often in the Windows encoding; set {setting}, or save the "
        'file again as "CSV UTF-8".'
    ).format(setting=advice.setting("encoding", suggestion))
    return DataError(f"{path}: {problem}\n{_(ROW_NOTE)}\n{_how_to_fix(fix)}")


#: Plain CSV files (see :func:`_plain_layout`) are read by pyarrow and their plain numbers
#: converted vectorised; False reads every file with the pandas parser and checks each row in
#: Python, as before (the tests load tricky files both ways and compare).
_FAST_READ = True
#: Bytes of a CSV file examined at a time by :func:`_plain_layout` (bounds its memory).
_SCAN_BLOCK = 1 << 22


@dataclass(frozen=True)
class _Layout:
    """Where the rows of a plain CSV file are (see :func:`_plain_layout`).

    Attributes
    ----------
    header : list of str
        the header's fields, as :mod:`csv` reads them.
    start : int
        byte offset of the first data row.
    rows : int
        data rows, empty lines included (pandas reads an empty line as a row of empty cells).
    empty : numpy.ndarray
        positions (counting the data rows from 0) of the empty lines.
    quoted_newlines : bool
        whether a quoted field holds a line break.
    """

    header: list[str]
    start: int
    rows: int
    empty: np.ndarray
    quoted_newlines: bool


def _plain_layout(data, delimiter: str, header_row: int) -> _Layout | None:
    """The rows of UTF-8 CSV ``data`` when the file is plain, found vectorised; None otherwise.

    Plain: no NUL byte; every double quote opens a field, closes one (followed by the delimiter
    or a line break) or is doubled inside one, so that counting quotes tells which delimiters and
    line breaks are inside fields exactly as :mod:`csv` reads them; and every data row has the
    header's number of fields or is an empty line. :func:`_scan_fields` then has nothing to report
    and pyarrow reads the same cells as pandas. For any other file the caller scans each row in
    Python (:func:`_scan_fields`), which finds the rows to report.

    Parameters
    ----------
    data : bytes-like
        the file as UTF-8, without a byte order mark.
    delimiter : str
        the field delimiter.
    header_row : int
        the row holding the column names (1 = the first).

    Returns
    -------
    _Layout or None
    """
    if len(delimiter) != 1 or not delimiter.isascii() or delimiter in '"\r\n\x00':
        return None
    buf = np.frombuffer(data, dtype=np.uint8)
    size = len(buf)
    sep, quote, lf, cr = ord(delimiter), ord('"'), 10, 13
    bounds = np.array([sep, quote, lf, cr, -1])  # what may precede an opening quote or follow a closing one
    head = header_row - 1
    # carried from block to block: rows so far, the last row end (a line break) and its delimiter count
    rows, last_end, last_crlf, last_count = 0, -1, False, 0
    fields_wanted, header_at, start, empty = -1, None, size, []
    delimiters, inside, previous, quoted_newlines = 0, 0, -1, False  # previous byte; -1: the start of the file

    def rows_ending(ends: np.ndarray, counts: np.ndarray) -> bool:
        """Check the rows ending at ``ends`` (after ``counts`` delimiters); False when one does not fit."""
        nonlocal rows, last_end, last_crlf, last_count, fields_wanted, header_at, start
        crlf = (ends + 1 < size) & (buf[np.minimum(ends, size - 1)] == cr) & (buf[np.minimum(ends + 1, size - 1)] == lf)
        starts = np.concatenate(([last_end], ends[:-1])) + 1 + np.concatenate(([last_crlf], crlf[:-1]))
        lengths = ends - starts
        fields = np.where(lengths > 0, counts - np.concatenate(([last_count], counts[:-1])) + 1, 0)
        number = rows + np.arange(len(ends))
        if rows <= head < rows + len(ends):
            at = head - rows
            header_at, fields_wanted = (int(starts[at]), int(ends[at])), int(fields[at])
        data_rows = number > head
        if data_rows.any():
            if start == size:
                start = int(starts[np.argmax(data_rows)])
            is_empty = data_rows & (lengths == 0)
            if not (~data_rows | is_empty | (fields == fields_wanted)).all():
                return False
            empty.append(number[is_empty] - head - 1)
        rows += len(ends)
        last_end, last_crlf, last_count = int(ends[-1]), bool(crlf[-1]), int(counts[-1])
        return True

    for low in range(0, size, _SCAN_BLOCK):
        block = buf[low : low + _SCAN_BLOCK]
        if not block.all():  # a NUL byte
            return None
        is_quote = block == quote
        newline = (block == lf) | (block == cr)
        is_sep = block == sep
        if inside or is_quote.any():
            # inside a quoted field after each byte: the parity of the quotes so far (uint8 wraps, parity stays)
            parity = (np.cumsum(is_quote, dtype=np.uint8) + np.uint8(inside)) & 1
            at = np.flatnonzero(is_quote)
            # as int16, so that -1 (the start or the end of the file) is not read as the byte 255
            before = np.where(at > 0, block[at - 1].astype(np.int16), previous)
            following = low + at + 1
            after = np.where(following < size, buf[np.minimum(following, size - 1)].astype(np.int16), -1)
            if not np.isin(np.where(parity[at] == 1, before, after), bounds).all():
                return None  # a quote inside an unquoted field, or text after a closing quote
            outside = parity == 0
            quoted_newlines |= bool((newline & ~outside).any())
            newline &= outside
            is_sep &= outside
            inside = int(parity[-1])
        newline &= ~((block == lf) & np.concatenate(([previous == cr], block[:-1] == cr)))  # \r\n ends one row
        ends = np.flatnonzero(newline)
        if len(ends) and not rows_ending(ends + low, delimiters + np.searchsorted(np.flatnonzero(is_sep), ends)):
            return None
        delimiters += int(np.count_nonzero(is_sep))
        previous = int(block[-1])
    if inside or not size:
        return None  # a quoted field never closed
    if last_end + 1 + last_crlf < size and not rows_ending(np.array([size]), np.array([delimiters])):
        return None  # the last row, without a line break
    if header_at is None or header_at[0] == header_at[1] or (quoted_newlines and head > 0):
        return None
    header_text = bytes(buf[header_at[0] : header_at[1]]).decode("utf-8")
    if "\n" in header_text or "\r" in header_text or header_text.startswith("\ufeff"):
        return None  # pandas drops a byte order mark at the start; a line break in a name is left to it
    header = next(csv.reader([header_text], delimiter=delimiter))
    if len(header) != fields_wanted or any(name.startswith("Unnamed") for name in header):
        return None  # pandas renames a column "Unnamed: 1" that repeats another
    empty = np.concatenate(empty) if empty else np.array([], dtype=np.int64)
    return _Layout(header, start, rows - head - 1, empty, quoted_newlines)


def _text_dtype():
    """The dtype pandas gives text read with ``dtype=str`` (Arrow-backed ``str`` from pandas 3 on)."""
    return pd.Series(["x"], dtype=str).dtype


def _read_plain(data, layout: _Layout, delimiter: str) -> pd.DataFrame | None:
    """The data rows of a plain CSV file (see :func:`_plain_layout`) as text, read by pyarrow.

    The same table as ``pd.read_csv(..., dtype=str, keep_default_na=False, na_values=[""],
    skip_blank_lines=False)``: an empty field is missing, every other cell is its text exactly as
    written, an empty line is a row of missing cells, columns without a name are ``Unnamed: i``.
    None when pandas does not keep text in Arrow (pandas 2) or pyarrow is missing.
    """
    dtype = _text_dtype()
    if not isinstance(dtype, pd.StringDtype) or dtype.storage != "pyarrow" or layout.start >= len(data):
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pa_csv
    except ImportError:
        return None
    fields = [f"f{i}" for i in range(len(layout.header))]
    table = pa_csv.read_csv(
        pa.BufferReader(pa.py_buffer(data)[layout.start :]),
        read_options=pa_csv.ReadOptions(column_names=fields),
        parse_options=pa_csv.ParseOptions(
            delimiter=delimiter,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=layout.quoted_newlines,
            ignore_empty_lines=True,
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types={name: pa.large_string() for name in fields},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    if table.num_rows + len(layout.empty) != layout.rows:
        return None
    if len(layout.empty):  # empty lines back in place, as rows of missing cells
        positions = np.full(layout.rows, -1, dtype=np.int64)
        kept = np.ones(layout.rows, dtype=bool)
        kept[layout.empty] = False
        positions[kept] = np.arange(table.num_rows)
        table = table.take(pa.array(positions, mask=~kept))
    names = [name if name else f"Unnamed: {i}" for i, name in enumerate(layout.header)]
    columns = {
        name: pd.Series(pd.arrays.ArrowStringArray(table.column(i), dtype=dtype), copy=False)
        for i, name in enumerate(names)
    }
    return pd.DataFrame(columns, copy=False)


def _read_text(path: Path, options: ReadOptions, advice: _Advice) -> tuple[pd.DataFrame, str]:
    data = path.read_bytes()
    if not data.strip():
        raise DataError(
            f"{path}: "
            + _("the file is empty.")
            + "\n"
            + _how_to_fix(
                _("export the table again with a header row and at least one row of data, or choose another file.")
            )
        )
    encoding = options.encoding
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        raise _encoding_error(path, data, err, options, advice) from None
    except LookupError:
        raise DataError(
            f"{path}: "
            + _("unknown text encoding {encoding}.").format(encoding=repr(encoding))
            + "\n"
            + _how_to_fix(
                _('use a Python encoding name such as "utf-8", "cp1252" or "latin-1": {setting}.').format(
                    setting=advice.setting("encoding", "cp1252")
                )
            )
        ) from None
    delimiter = options.delimiter or _detect_delimiter(text)
    frame, trailing = None, []
    if _FAST_READ:  # a plain file: its rows found vectorised and read by pyarrow, no Python per row
        if codec == "utf-8-sig":
            utf8 = memoryview(data)[len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0 :]
        else:
            utf8 = text.encode("utf-8")
        text = None  # memory: decoded again if the file is not plain
        layout = _plain_layout(utf8, delimiter, options.header_row)
        if layout is not None:
            _check_header(path, layout.header, options)
            frame = _read_plain(utf8, layout, delimiter)
        del utf8
        if frame is None:
            text = data.decode(codec)
    if frame is None:
        trailing = _scan_fields(path, text, delimiter, options, advice)
        try:
            with warnings.catch_warnings():  # rows ending in extra delimiters: their empty last fields are dropped
                warnings.simplefilter("ignore", pd.errors.ParserWarning)
                # every cell as text, exactly as written ("007" stays "007"); only empty cells are missing
                # (keep_default_na=False: "NA", "null", "None" are text, not missing values)
                frame = pd.read_csv(
                    io.StringIO(text),
                    sep=delimiter,
                    dtype=str,
                    keep_default_na=False,
                    na_values=[""],
                    skip_blank_lines=False,
                    skiprows=options.header_row - 1,
                    index_col=False,
                    quotechar='"',
                    doublequote=True,
                    engine="c",
                )
        except pd.errors.EmptyDataError:
            raise DataError(
                f"{path}: "
                + _("no header row at row {row}: the file has nothing there.").format(row=options.header_row)
                + "\n"
                + _how_to_fix(_("check header_row, or {setting}.").format(setting=advice.setting("header_row", 1)))
            ) from None
        except pd.errors.ParserError as err:
            raise DataError(
                f"{path}: "
                + _("the file cannot be split into columns with the delimiter {delimiter}: {error}.").format(
                    delimiter=repr(delimiter), error=err
                )
                + "\n"
                + _how_to_fix(
                    _(
                        "a field that contains the delimiter must be in double quotes; or set the right "
                        "delimiter: {setting}."
                    ).format(setting=advice.setting("delimiter", ";" if delimiter != ";" else ","))
                )
            ) from None
    if options.delimiter:
        note = _("read as text ({encoding}) with delimiter {delimiter} (given)")
    else:
        note = _("read as text ({encoding}) with delimiter {delimiter} (detected)")
    note = note.format(encoding=encoding, delimiter=repr(delimiter))
    if trailing:
        shown = ", ".join(str(r) for r in trailing[:SHOWN_ROWS]) + (", …" if len(trailing) > SHOWN_ROWS else "")
        note += "; " + _(
            "{count} row(s) end with extra delimiters (empty fields after the last column, ignored: rows {rows})"
        ).format(count=_n(len(trailing)), rows=shown)
    return frame, note


def _read_excel(path: Path, options: ReadOptions, advice: _Advice) -> tuple[pd.DataFrame, str]:
    try:
        book = pd.ExcelFile(path)
    except ImportError as err:
        raise DataError(
            f"{path}: "
            + _("reading Excel files needs the package openpyxl ({error}).").format(error=err)
            + "\n"
            + _how_to_fix(_("`pip install openpyxl`, or save the sheet as CSV."))
        ) from None
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise DataError(
            f"{path}: "
            + _("not a readable Excel file ({error}).").format(error=err)
            + "\n"
            + _how_to_fix(_("open it in Excel and save it again as .xlsx, or save the sheet as CSV."))
        ) from None
    with book:
        sheet = options.sheet if options.sheet is not None else 0
        names = book.sheet_names
        if isinstance(sheet, str) and sheet not in names:
            close = difflib.get_close_matches(sheet, names, n=1, cutoff=0.5)
            hint = " " + _("Closest match: {name}.").format(name=repr(close[0])) if close else ""
            raise DataError(
                f"{path}: "
                + _("no sheet named {sheet}; the workbook has the sheets {sheets}.").format(
                    sheet=repr(sheet), sheets=names
                )
                + f"{hint}\n"
                + _how_to_fix(f"{advice.setting('sheet', close[0] if close else names[0])}.")
            )
        if isinstance(sheet, int) and not sheet < len(names):
            raise DataError(
                f"{path}: "
                + _(
                    "there is no sheet number {number} (counting the first sheet as 0); the workbook has "
                    "{count} sheet(s): {sheets}."
                ).format(number=sheet, count=len(names), sheets=names)
                + "\n"
                + _how_to_fix(_("name the sheet: {setting}.").format(setting=advice.setting("sheet", names[0])))
            )
        name = sheet if isinstance(sheet, str) else names[sheet]
        try:  # the header row is read as data, so that no column name is changed (pandas renames repeated ones)
            # keep_default_na=False: text cells such as "NA" or "null" are text (an id, a label), not missing values
            cells = pd.read_excel(
                book, sheet_name=sheet, header=None, dtype=object, keep_default_na=False, na_values=[""]
            )
        except Exception as err:  # openpyxl raises several kinds of errors for a damaged sheet
            raise DataError(
                f"{path}: "
                + _("the sheet {sheet} cannot be read ({error}).").format(
                    sheet=repr(name), error=f"{type(err).__name__}: {err}"
                )
                + "\n"
                + _how_to_fix(_("open it in Excel and save it again as .xlsx, or save the sheet as CSV."))
            ) from None
    if len(cells) < options.header_row:
        raise DataError(
            f"{path}: "
            + _("no header row at row {row}: the sheet {sheet} has {count} row(s).").format(
                row=options.header_row, sheet=repr(name), count=len(cells)
            )
            + "\n"
            + _how_to_fix(_("check header_row, or {setting}.").format(setting=advice.setting("header_row", 1)))
        )
    header = cells.iloc[options.header_row - 1].tolist()
    frame = cells.iloc[options.header_row :].reset_index(drop=True)
    frame.columns = [f"Unnamed: {i}" if _blank(v) else _header_text(v) for i, v in enumerate(header)]
    frame = frame.map(lambda v: v.strip() or np.nan if isinstance(v, str) else v)  # blank cells count as empty
    return frame, _("read from the Excel sheet {sheet}").format(sheet=repr(name))


def _blank(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, float) and value != value)


def _header_text(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _column_letters(position: int) -> str:
    """The spreadsheet name of a column: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _check_header(path: Path, names: list[str], options: ReadOptions) -> None:
    """Refuse a header naming two columns alike (only one of them could be read)."""
    seen: dict[str, int] = {}
    for position, name in enumerate(names):
        name = name.strip()
        if not name or name.startswith("Unnamed: "):
            continue
        if name in seen:
            first = seen[name]
            raise DataError(
                f"{path}: "
                + _(
                    "the header (row {row}) names two columns {name}: column {first} ({first_letters}) and column "
                    "{second} ({second_letters}); only one of them could be read."
                ).format(
                    row=options.header_row,
                    name=repr(name),
                    first=first + 1,
                    first_letters=_column_letters(first),
                    second=position + 1,
                    second_letters=_column_letters(position),
                )
                + "\n"
                + _how_to_fix(
                    _("rename one of the two columns (e.g. {example}) or delete the one you do not need.").format(
                        example=repr(name + " 2")
                    )
                )
            )
        seen[name] = position


def _scan_fields(path: Path, text: str, delimiter: str, options: ReadOptions, advice: _Advice) -> list[int]:
    """Check that every row has the header's number of fields; the rows ending in extra delimiters.

    A row with more fields than the header would shift or lose values, one with fewer leaves
    values unread: both are refused with their rows. Delimiters at the end of a row, leaving
    only empty fields beyond the header's columns, are read as if absent (and reported).
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    too_many, too_few, trailing = [], [], []
    header: list[str] | None = None
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(max(limit, len(text) + 1))  # a long text cell is no error (pandas has no such limit)
        for number, fields in enumerate(reader, start=1):
            if number < options.header_row:
                continue
            if header is None:
                header = fields
                named = max((i + 1 for i, name in enumerate(fields) if name.strip()), default=0)
                continue
            if not any(f.strip() for f in fields):  # an empty row (",,," too): skipped like the others
                continue
            row = number  # as pandas numbers its rows: one per record, blank lines included
            if any(f.strip() for f in fields[len(header) :]):
                too_many.append((row, fields))
            elif len(fields) < named:
                too_few.append((row, fields))
            elif len(fields) > len(header):
                trailing.append(row)
    except csv.Error as err:
        raise DataError(
            f"{path}: "
            + _("the file cannot be split into columns with the delimiter {delimiter}: {error}.").format(
                delimiter=repr(delimiter), error=err
            )
            + "\n"
            + _how_to_fix(_("save the file again as CSV from the program that made it."))
        ) from None
    finally:
        csv.field_size_limit(limit)
    header = header or []
    _check_header(path, header, options)
    for rows, what in ((too_many, "more"), (too_few, "fewer")):
        if rows:
            shown = "\n".join(
                "  "
                + _("row {row}: {count} fields: {fields}").format(
                    row=row, count=len(fields), fields=repr(delimiter.join(fields)[:80])
                )
                for row, fields in rows[:SHOWN_ROWS]
            )
            more = (
                "\n  " + _("… and {count} more").format(count=_n(len(rows) - SHOWN_ROWS))
                if len(rows) > SHOWN_ROWS
                else ""
            )
            if what == "more":
                fix = _(
                    'a value that contains the delimiter must be in double quotes ("1,5"); or, if the fields are '
                    "separated by another character than {delimiter}, {setting}."
                ).format(
                    delimiter=repr(delimiter), setting=advice.setting("delimiter", ";" if delimiter != ";" else ",")
                )
                problem = _(
                    "{count} row(s) have more fields than the header (row {row}, {columns} columns: {names}), so "
                    "their values cannot be put in the right columns:"
                )
            else:
                fix = _(
                    "add the missing cells (an empty cell still needs its delimiter), or delete these rows if they "
                    "are not records."
                )
                problem = _(
                    "{count} row(s) have fewer fields than the header (row {row}, {columns} columns: {names}), so "
                    "their values cannot be put in the right columns:"
                )
            problem = problem.format(
                count=_n(len(rows)),
                row=options.header_row,
                columns=len(header),
                names=", ".join(repr(h) for h in header[:8]),
            )
            raise DataError(f"{path}: {problem}\n{shown}{more}\n{_(ROW_NOTE)}\n{_how_to_fix(fix)}")
    return trailing


def _read_raw(path: Path, options: ReadOptions, advice: _Advice) -> tuple[pd.DataFrame, str]:
    """The file's table as read (text or Excel/Parquet values), index = row numbers in the file."""
    if not path.is_file():
        folder = path.parent
        if not folder.is_dir():
            relative_to = (
                _("the mapping file") if advice.mapping else _("the working folder, {folder}").format(folder=Path.cwd())
            )
            raise DataError(
                f"{path}: "
                + _("there is no folder {folder}.").format(folder=folder)
                + "\n"
                + _how_to_fix(_("check the path (it is relative to {place}).").format(place=relative_to))
            )
        present = sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        close = difflib.get_close_matches(path.name, present, n=1, cutoff=0.4)
        hint = " " + _("Closest match: {name}.").format(name=repr(close[0])) if close else ""
        fix = advice.setting("file", close[0] if close else path.name) if advice.mapping else _("pass the right path")
        raise DataError(
            f"{path}: "
            + _("the file does not exist. The folder {folder} holds: {files}.").format(
                folder=folder, files=", ".join(present) or _("nothing")
            )
            + f"{hint}\n"
            + _how_to_fix(f"{fix}.")
        )
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        frame, how = _read_text(path, options, advice)
    elif suffix in EXCEL_SUFFIXES:
        frame, how = _read_excel(path, options, advice)
    elif suffix in PARQUET_SUFFIXES:
        try:
            frame = pd.read_parquet(path)
        except ImportError as err:
            raise DataError(
                f"{path}: "
                + _("reading Parquet files needs the package pyarrow ({error}).").format(error=err)
                + "\n"
                + _how_to_fix(_("`pip install pyarrow`, or save the table as CSV."))
            ) from None
        except Exception as err:  # pyarrow raises several kinds of errors for a damaged file
            raise DataError(
                f"{path}: "
                + _("not a readable Parquet file ({error}).").format(error=err)
                + "\n"
                + _how_to_fix(_("export the table again."))
            ) from None
        how = _("read from Parquet")
    else:
        raise DataError(
            f"{path}: "
            + _("cannot read {kind}.").format(kind=suffix or _("files without an extension"))
            + "\n"
            + _how_to_fix(_("save the table as CSV (.csv), Excel (.xlsx) or Parquet (.parquet)."))
        )
    if frame.shape[1] == 0:
        raise DataError(
            f"{path}: "
            + _("the file is empty.")
            + "\n"
            + _how_to_fix(_("export the table again with a header row and data."))
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    _check_header(path, list(frame.columns), options)
    frame.index = pd.RangeIndex(options.header_row + 1, options.header_row + 1 + len(frame), name="row")
    return frame, how


def _looks_like_data(value: str) -> bool:
    text = str(value).strip()
    if re.fullmatch(r"[+-]?[\d.,\s]+(?:[€$£])?", text) and any(ch.isdigit() for ch in text):
        return True
    return bool(re.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}.*", text))


def _closest(wanted: str, course: str, present: list[str]) -> str | None:
    best, best_score = None, 0.0
    targets = {wanted.lower(), course.lower(), course.replace("_", " ").lower(), *SYNONYMS.get(course, ())}
    for name in present:
        lowered = name.lower()
        score = max(difflib.SequenceMatcher(None, lowered, t).ratio() for t in targets)
        if score > best_score:
            best, best_score = name, score
    return best if best_score >= 0.6 else None


def _resolve_columns(file: _File, frame: pd.DataFrame, columns: dict[str, str]) -> dict[str, str]:
    """Course column -> the file's column, checking that the wanted columns are there."""
    table, present = file.table, list(frame.columns)
    lowered = {name.lower().replace(" ", ""): name for name in present}
    found = {}
    wanted_all = dict(columns)
    for col in schema.TABLES[table]:
        if col.name not in wanted_all and col.name in present:
            wanted_all[col.name] = col.name
    for course in REQUIRED[table]:
        wanted_all.setdefault(course, course)
    for course, wanted in wanted_all.items():
        if wanted in present:
            found[course] = wanted
            continue
        same = lowered.get(str(wanted).lower().replace(" ", ""))
        if same is not None:
            found[course] = same
            file.report.notes.append(
                _("column {wanted} found as {found} (ignoring case and spaces)").format(
                    wanted=repr(wanted), found=repr(same)
                )
            )
            continue
        if course not in REQUIRED[table] and course not in columns:
            continue
        if present and sum(_looks_like_data(name) for name in present) * 2 >= len(present):
            raise file.error(
                _("the first row ({names}) looks like data, not column names: the file has no header row.").format(
                    names=", ".join(repr(p) for p in present[:6])
                ),
                _(
                    "add a first row naming the columns (e.g. customer_id, date, amount), then map them; or, if the "
                    "names are on a later row, {setting}."
                ).format(setting=file.advice.setting("header_row", 2)),
            )
        close = _closest(str(wanted), course, present)
        if course in REQUIRED[table]:
            role = _("the course's {column}, which this table needs").format(column=course)
        else:
            role = _("the course's {column}").format(column=course)
        listed = ", ".join(repr(p) for p in present)
        fix = file.advice.column(course, close or _("<your column>"))
        if len(present) == 1 and file.path.suffix.lower() in TEXT_SUFFIXES:
            fix += ". " + _(
                "The file seems to have a single column: if its fields are separated by another character, {setting}"
            ).format(setting=file.advice.setting("delimiter", ";"))
        raise DataError(
            f"{file.path}: "
            + _("no column {column} ({role}).").format(column=repr(wanted), role=role)
            + "\n"
            + _("The file has the columns: {columns}.").format(columns=listed)
            + ("\n" + _("Closest match: {name}.").format(name=repr(close)) if close else "")
            + "\n"
            + _how_to_fix(_("name the column that holds it: {fix}.").format(fix=fix))
        )
    return found


# --------------------------------------------------------------------------- converting columns


#: What is trimmed from an id: spaces (also no-break and other Unicode spaces) and tabs, nothing else.
_SPACES = " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"


def _as_text(series: pd.Series, spaces_only: bool = False) -> pd.Series:
    """The values as stripped text (empty -> missing); whole numbers from Excel without '.0'.

    ``spaces_only`` trims only spaces and tabs (for ids, whose other characters are all kept).
    """
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind in ("string", "empty"):
        text = series.astype("str")
    else:

        def one(v):
            if v is None or (isinstance(v, float) and v != v):
                return None
            if isinstance(v, float) and v.is_integer():
                return str(int(v))
            if isinstance(v, (pd.Timestamp, _dt.datetime)):
                return v.strftime("%Y-%m-%d") if v == pd.Timestamp(v).normalize() else str(v)
            return str(v)

        text = series.map(one).astype("str")
    text = text.str.strip(_SPACES) if spaces_only else text.str.strip()
    return text.where(text != "")


def _number_pattern(decimal: str, thousands: str) -> str:
    seps = "".join(re.escape(s) for s in sorted(set(thousands) | {" ", "'"}) if s != decimal)
    d = re.escape(decimal)
    return rf"[+-]?(?:\d{{1,3}}(?:[{seps}]\d{{3}})+|\d+)(?:{d}\d*)?|[+-]?{d}\d+"


def parse_numbers(series: pd.Series, decimal: str = ".", thousands: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Read numbers written as text, such as ``"1.234,50 €"``, ``"(12.00)"`` or ``"- 3,5"``.

    Currency signs and codes (€ $ £ ¥ EUR USD ...) are removed; a number in parentheses or
    with a trailing minus is negative; thousands separators must group three digits (so a
    wrong ``decimal`` is caught rather than silently multiplying by 100).

    Parameters
    ----------
    series : pandas.Series
        the values (text, or numbers already).
    decimal : str, optional
        the decimal separator, ``"."`` or ``","``.
    thousands : str, optional
        the thousands separator(s); None means the other one of ``.`` and ``,``.
        Spaces and apostrophes are always accepted as thousands separators.

    Returns
    -------
    tuple of (numpy.ndarray, numpy.ndarray)
        ``(values, bad)``: float array (NaN where empty or unreadable) and a boolean array
        marking the non-empty values that are not numbers. Numbers that are not finite
        (``inf``, ``Infinity``, ``1e400``, a 400-digit number, infinities stored in Parquet)
        count as not numbers: they are NaN and marked bad.

    Examples
    --------
    >>> values, bad = parse_numbers(pd.Series(["1.234,50 €", "(12,00)", "12.5", None]), decimal=",")
    >>> values.tolist(), bad.tolist()
    ([1234.5, -12.0, nan, nan], [False, False, True, False])
    >>> parse_numbers(pd.Series(["inf", "1e400", "7"]))[1].tolist()
    [True, True, False]
    """
    try:
        values, bad = _parse_numbers(series, decimal, thousands)
    except (OverflowError, TypeError, ValueError):  # e.g. Python ints too large for a float: one by one
        pairs = [
            _parse_numbers(series.iloc[i : i + 1], decimal, thousands)
            if _number_fits(series.iloc[i])
            else (np.array([np.inf]), np.array([False]))
            for i in range(len(series))
        ]
        values = np.concatenate([v for v, _bad in pairs]) if pairs else np.array([], dtype=np.float64)
        bad = np.concatenate([b for _values, b in pairs]) if pairs else np.array([], dtype=bool)
    values = np.array(values, dtype=np.float64)
    infinite = np.isinf(values)
    if infinite.any():
        values[infinite] = np.nan
        bad = np.asarray(bad, dtype=bool) | infinite
    return values, np.asarray(bad, dtype=bool)


def _number_fits(value) -> bool:
    try:
        float(value) if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else None
    except OverflowError:
        return False
    return True


def _parse_numbers(series: pd.Series, decimal: str, thousands: str | None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`parse_numbers` without the check that the numbers are finite."""
    if pd.api.types.is_bool_dtype(series):
        return np.full(len(series), np.nan), series.notna().to_numpy()
    if pd.api.types.is_numeric_dtype(series):
        return series.to_numpy(dtype=np.float64, na_value=np.nan), np.zeros(len(series), dtype=bool)
    thousands = ("," if decimal == "." else ".") if thousands is None else thousands
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
        return pd.to_numeric(series).to_numpy(dtype=np.float64, na_value=np.nan), np.zeros(len(series), dtype=bool)
    numbers = None
    if kind not in ("string", "empty"):  # Excel: numbers and text mixed in one column
        is_number = series.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool)).to_numpy(
            dtype=bool
        )
        numbers = np.where(is_number, pd.to_numeric(series.where(is_number), errors="coerce"), np.nan)
        series = series.where(~is_number)
    text = _as_text(series)
    present = text.notna().to_numpy()
    if decimal == "." and numbers is None and _FAST_READ:
        plain = _plain_decimals(text)
        if plain is not None:
            return plain, np.zeros(len(text), dtype=bool)
    if decimal == ".":
        fast = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        if not (present & np.isnan(fast)).any():
            return (fast if numbers is None else np.where(np.isnan(fast), numbers, fast)), np.zeros(
                len(text), dtype=bool
            )
    t = text.str.replace(_CURRENCY, "", regex=True).str.replace("[\u00a0\u202f]", " ", regex=True).str.strip()
    paren = t.str.fullmatch(r"\(.*\)").fillna(False).to_numpy(dtype=bool)
    if paren.any():
        t = t.where(~paren, "-" + t.str.slice(1, -1).str.strip())
    trailing = (t.str.endswith("-") & ~t.str.startswith("-")).fillna(False).to_numpy(dtype=bool)
    if trailing.any():
        t = t.where(~trailing, "-" + t.str.slice(0, -1).str.strip())
    t = t.str.replace(r"^([+-])\s+", r"\1", regex=True)
    valid = t.str.fullmatch(_number_pattern(decimal, thousands)).fillna(False).to_numpy(dtype=bool)
    seps = "".join(re.escape(s) for s in sorted(set(thousands) | {" ", "'"}) if s != decimal)
    cleaned = t.where(valid).str.replace(f"[{seps}]", "", regex=True)
    if decimal != ".":
        cleaned = cleaned.str.replace(decimal, ".", regex=False)
    values = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    if numbers is not None:
        values = np.where(np.isnan(numbers), values, numbers)
        present = present | ~np.isnan(numbers)
    return values, present & np.isnan(values)


#: A number written the plain way: ASCII digits, an optional minus and decimal point, no exponent.
_PLAIN_DECIMAL = r"^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$"
#: At most 15 characters, so at most 15 digits: a whole number a float holds exactly.
_PLAIN_DECIMAL_CHARS = 15


def _plain_decimals(text: pd.Series) -> np.ndarray | None:
    """Stripped text (Arrow-backed) whose every value is a plain decimal number, read vectorised.

    The same floats as ``pd.to_numeric``, which reads each value in Python: with at most 15
    digits a value is an exact whole number divided by an exact power of ten, which both round
    correctly. Like ``pd.to_numeric``, a column of whole numbers without empty cells reads
    ``-0`` as ``0.0``.

    Parameters
    ----------
    text : pandas.Series
        stripped text, empty cells missing (:func:`_as_text`).

    Returns
    -------
    numpy.ndarray or None
        the numbers (NaN where missing); None when a value is written otherwise or the text is
        not Arrow-backed (the caller then reads the column as before).
    """
    arrow = getattr(text.array, "__arrow_array__", None)
    if arrow is None or not isinstance(text.dtype, pd.StringDtype):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    values = arrow()
    plain = pc.and_(
        pc.less_equal(pc.binary_length(values), _PLAIN_DECIMAL_CHARS),
        pc.match_substring_regex(values, _PLAIN_DECIMAL),
    )
    if not pc.all(pc.fill_null(plain, True)).as_py():
        return None
    try:
        numbers = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    numbers = np.array(numbers, dtype=np.float64)  # writable, NaN where missing
    if values.null_count == 0 and not pc.any(pc.match_substring(values, ".")).as_py():
        numbers += 0.0  # whole numbers: pandas reads them as integers, so -0 is 0.0
    return numbers


def _number_fix(file: _File, raw: pd.Series, bad: np.ndarray) -> str:
    other = "," if file.options.decimal == "." else "."
    sample = raw[bad].head(200)
    still_bad = parse_numbers(sample, decimal=other)[1]
    if len(sample) and not still_bad.any():
        return _("these look like numbers written with {decimal} as the decimal separator: {setting}.").format(
            decimal=repr(other), setting=file.advice.setting("decimal", other)
        )
    return _(
        "correct these cells (a number, optionally with a currency sign and thousands separators, decimal "
        "separator {decimal})."
    ).format(decimal=repr(file.options.decimal))


def parse_dates(
    series: pd.Series, date_format: str | None = None, date_range: tuple = DATE_RANGE
) -> tuple[pd.Series, np.ndarray, str]:
    """Read dates written as text in one format (given, or detected from the values).

    Parameters
    ----------
    series : pandas.Series
        the values (text, or dates already, as Excel and Parquet give them).
    date_format : str, optional
        a ``strftime`` format such as ``"%d/%m/%Y"``; None or ``"auto"``
        tries :data:`DATE_FORMATS` and keeps the one that reads the most values.
    date_range : tuple, optional
        the first and last day accepted (default :data:`DATE_RANGE`,
        1900-01-01 … 2100-12-31): dates outside it, such as the "no date"
        placeholder 9999-12-31, are not read (a date is never shifted to fit).

    Returns
    -------
    tuple of (pandas.Series, numpy.ndarray, str)
        ``(dates, bad, how)``: the dates (``datetime64[ns]``, the day only), a boolean array
        marking non-empty values that are not dates in that format or are outside
        ``date_range``, and the format used with "given" or "detected". A time with a
        time zone or UTC offset (``%z`` in the format, or zoned timestamps in Parquet) is
        kept on its own local date, the zone dropped; ``how`` then says so.

    Raises
    ------
    DataError
        the format is not a valid ``strftime`` format, or the values fit two
        formats that disagree (such as 03/04/2024 as 3 April or March 4): the message
        asks for ``date_format``.

    Examples
    --------
    >>> dates, bad, how = parse_dates(pd.Series(["31/01/2024", "01/02/2024", "32/01/2024", "31/12/9999"]))
    >>> dates.dt.strftime("%Y-%m-%d").tolist()[:2], bad.tolist(), how
    (['2024-01-31', '2024-02-01'], [False, False, True, True], "'%d/%m/%Y' (detected)")
    """
    dates, bad, outside, how = _parse_dates(series, date_format, date_range)
    return dates, bad | outside, how


def _date_format_problem(date_format) -> str | None:
    """Why ``date_format`` is not a usable ``strftime`` format (None when it is)."""
    if not isinstance(date_format, str) or not date_format.strip():
        return _('the date format must be text such as "%d/%m/%Y", not {value}').format(value=repr(date_format))
    if "%" not in date_format:
        return _("the date format {value} has no codes (%d day, %m month, %Y year)").format(value=repr(date_format))
    try:
        _dt.datetime.strptime("", date_format)
    except ValueError as err:
        if "directive" in str(err) or "stray %" in str(err):
            return _("the date format {value} is not valid ({error})").format(value=repr(date_format), error=err)
    return None


def _strptime_days(uniques, date_format: str) -> tuple[np.ndarray, bool]:
    """Each text read with Python's strptime (any year 1–9999, offsets kept local); NaT where it does not fit."""
    days = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[D]")
    zoned = False
    for i, value in enumerate(uniques):
        try:
            moment = _dt.datetime.strptime(str(value), date_format)
        except (ValueError, OverflowError):
            continue
        zoned |= moment.tzinfo is not None
        days[i] = np.datetime64(moment.date(), "D")  # the local date: the offset is dropped, not applied
    return days, zoned


def _native_day(value):
    """A date or datetime object (Excel, Parquet) as its own (local) day; None for anything else."""
    if value is pd.NaT or not isinstance(value, (_dt.datetime, _dt.date)):
        return None
    return np.datetime64(value.date() if isinstance(value, _dt.datetime) else value, "D")


def _factorized_text(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize(_as_text(series))`` for text, stripping each distinct value once rather than every cell."""
    codes, distinct = pd.factorize(series)
    codes_of_distinct, uniques = pd.factorize(_as_text(pd.Series(distinct, dtype=series.dtype)))
    return np.where(codes >= 0, codes_of_distinct[codes], -1), uniques


def _parse_dates(series: pd.Series, date_format, date_range) -> tuple[pd.Series, np.ndarray, np.ndarray, str]:
    """:func:`parse_dates`, with the dates outside ``date_range`` apart: ``(dates, bad, outside, how)``."""
    if date_format == "auto":
        date_format = None
    if date_format is not None:
        problem = _date_format_problem(date_format)
        if problem:
            raise DataError(problem)
    # after "; ": the format is what comes before (see _convert_column)
    zone_note = "; " + _("times with a time zone are kept on their local date, the zone dropped")
    n = len(series)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        zone = str(series.dtype.tz)
        days = np.asarray(series.dt.tz_localize(None).to_numpy()).astype("datetime64[D]")
        how = _("stored as dates with the time zone {zone}").format(zone=zone) + zone_note
        bad = np.zeros(n, dtype=bool)
    elif pd.api.types.is_datetime64_any_dtype(series):
        days = np.asarray(series.to_numpy()).astype("datetime64[D]")
        bad, how = np.zeros(n, dtype=bool), _("stored as dates")
    else:
        days = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        zoned = False
        kind = pd.api.types.infer_dtype(series, skipna=True)
        if kind not in ("string", "empty"):
            native = series.map(_native_day)
            is_date = native.notna().to_numpy(dtype=bool)
            if is_date.any():
                days[is_date] = np.array(native[is_date].tolist(), dtype="datetime64[D]")
                zoned = any(getattr(v, "tzinfo", None) is not None for v in series[is_date])
            series = series.where(~is_date)
        codes, uniques = _factorized_text(series) if kind == "string" else pd.factorize(_as_text(series))
        uniques = np.asarray(uniques, dtype=object)
        how = _("stored as dates")
        if len(uniques) and date_format is not None:
            how = _("{format} (given)").format(format=repr(date_format))
            parsed = None
            if "%z" not in date_format and "%Z" not in date_format:
                try:
                    parsed = pd.to_datetime(pd.Index(uniques), format=date_format, errors="coerce")
                except (ValueError, TypeError, OverflowError):
                    parsed = None
            if parsed is None or isinstance(parsed.dtype, pd.DatetimeTZDtype):
                found, zoned_text = _strptime_days(uniques, date_format)
                zoned |= zoned_text
            else:
                found = np.asarray(parsed.to_numpy()).astype("datetime64[D]")
        elif len(uniques):
            tries = [(fmt, pd.to_datetime(pd.Index(uniques), format=fmt, errors="coerce")) for fmt in DATE_FORMATS]
            counts = [int(p.notna().sum()) for _fmt, p in tries]
            best = max(counts)
            full = [(fmt, p) for (fmt, p), count in zip(tries, counts) if count == best]
            fmt, parsed = full[0]
            for other_fmt, other in full[1:]:
                both = parsed.notna() & other.notna()
                if (parsed[both] != other[both]).any():
                    at = np.flatnonzero(both & (parsed != other))[0]
                    # Translators: a strftime format for a day; in Spanish write "%Y-%m-%d" (month names stay English)
                    day = _("%d %B %Y")
                    raise DataError(
                        _(
                            "the dates fit both {first} and {second}, which read {value} differently ({one} or {other})"
                        ).format(
                            first=repr(fmt),
                            second=repr(other_fmt),
                            value=repr(uniques[at]),
                            one=parsed[at].strftime(day),
                            other=other[at].strftime(day),
                        )
                    )
            how = _("{format} (detected)").format(format=repr(fmt)) if best else ""
            found = np.asarray(parsed.to_numpy()).astype("datetime64[D]")
        else:
            found = np.array([], dtype="datetime64[D]")
        from_text = codes >= 0
        days[from_text] = found[codes[from_text]]
        bad = from_text & np.isnat(days)
        if zoned:
            how += zone_note
    low, high = (np.datetime64(pd.Timestamp(day).date(), "D") for day in date_range)
    outside = ~np.isnat(days) & ((days < low) | (days > high))
    days = np.where(outside, np.datetime64("NaT"), days)
    dates = pd.Series(days.astype("datetime64[ns]"), index=series.index)
    return dates, bad, outside, how


def _scale(col: schema.Column) -> tuple[float, float] | None:
    match = re.fullmatch(r"(\d+)–(\d+)", col.unit)
    return (float(match.group(1)), float(match.group(2))) if match else None


def _convert_column(file: _File, raw: pd.Series, name: str, col: schema.Column, problems: list[_Problem]):
    """One column converted to the course's meaning; adds the rows that break a rule to ``problems``."""
    table, advice, options = file.table, file.advice, file.options
    required = col.name in REQUIRED[table] or col.name == UNIQUE.get(table)
    missing = raw.isna().to_numpy() if not pd.api.types.is_string_dtype(raw) else _as_text(raw).isna().to_numpy()

    def add(mask, what, fix, reason, **kw):
        problems.append(_Problem(name, col.name, np.asarray(mask, dtype=bool), what, fix, reason, **kw))

    if required and missing.any():
        noun = _noun(col.name)
        add(
            missing,
            _("have no {noun} (the cell is empty)").format(noun=noun),
            _("fill in the {noun} of these rows, or delete them if they are not real records.").format(noun=noun),
            _("no {noun}").format(noun=noun),
        )

    if col.dtype.startswith("datetime"):
        try:
            dates, bad, outside, how = _parse_dates(raw, options.date_format, options.date_range)
        except DataError as err:
            raise file.error(
                _("column {column}: {error}.").format(column=repr(name), error=err),
                advice.setting("date_format", "%d/%m/%Y") + ".",
            ) from None
        if bad.any():
            fmt = options.date_format or (how.split(" (")[0].strip("'") if how else "%d/%m/%Y")
            shown_how = how.split(";")[0]
            add(
                bad,
                _("have a date that cannot be read with the format {format}").format(format=shown_how)
                if how
                else _("are not dates in a format the course knows"),
                _(
                    "correct these cells, or give the format your dates use, e.g. {setting} (codes: %d day, "
                    "%m month, %Y year, %y two-digit year, %b month name)."
                ).format(setting=advice.setting("date_format", fmt)),
                _("unreadable date"),
            )
        if outside.any():
            low, high = (f"{day:%Y-%m-%d}" for day in options.date_range)
            empty_ok = "" if required else " " + _("(this column may have empty cells)")
            add(
                outside,
                _("have dates outside {low} … {high}, the dates the course accepts").format(low=low, high=high),
                _(
                    'correct these dates; a date such as 9999-12-31 or 1900-01-01 that stands for "no date" must be '
                    "an empty cell instead{empty_ok}. If your data really has dates outside that range, {setting}."
                ).format(empty_ok=empty_ok, setting=advice.setting("date_range", [low, high], "settings")),
                _("date outside the accepted range"),
            )
        if not (bad | outside).all():
            file.report.notes.append(
                _("{column} ({name}): dates read as {how}").format(column=col.name, name=repr(name), how=how)
            )
        return dates

    if col.dtype == "category":
        text = _as_text(raw)
        given = {str(k): str(v) for k, v in options.values.get(col.name, {}).items()}
        course_labels = list(schema.CATEGORIES[col.name])
        if col.name not in OPEN_LABELS:
            wrong = {k: v for k, v in given.items() if v not in course_labels}
            if wrong:
                theirs, ours = next(iter(wrong.items()))
                raise file.error(
                    _(
                        "the recoding of column {name} maps {theirs} to {ours}, which is not a label of the "
                        "course's {column}: {labels}."
                    ).format(
                        name=repr(name),
                        theirs=repr(theirs),
                        ours=repr(ours),
                        column=col.name,
                        labels=", ".join(course_labels),
                    ),
                    advice.label(col.name, theirs, course_labels[0]),
                )
        normal = {re.sub(r"[\s\-]+", "_", label.lower()): label for label in course_labels}
        recode, unknown = {}, []
        for label in text.dropna().unique():
            if label in given:
                recode[label] = given[label]
            elif label in course_labels:
                recode[label] = label
            elif col.name not in OPEN_LABELS and re.sub(r"[\s\-]+", "_", label.lower()) in normal:
                recode[label] = normal[re.sub(r"[\s\-]+", "_", label.lower())]
            elif col.name in OPEN_LABELS:
                recode[label] = label
            else:
                unknown.append(label)
        if unknown:
            mask = text.isin(unknown).fillna(False).to_numpy(dtype=bool)
            counts = text[mask].value_counts()
            listed = ", ".join(
                (_("{label} ({count} rows)") if v > 1 else _("{label} ({count} row)")).format(
                    label=repr(k), count=_n(v)
                )
                for k, v in counts.head(8).items()
            )
            example = str(counts.index[0])
            guess = (difflib.get_close_matches(example.lower(), course_labels, n=1, cutoff=0.0) or course_labels)[0]
            add(
                mask,
                _("have labels the course's {column} does not know: {found}; the course's labels are {labels}").format(
                    column=col.name, found=listed, labels=", ".join(course_labels)
                ),
                _("say which course label each of yours means, e.g. {recoding}.").format(
                    recoding=advice.label(col.name, example, guess)
                ),
                _("unknown {column} label").format(column=col.name),
                excludable=False,
            )
            return None
        changed = {k: v for k, v in recode.items() if k != v}
        if changed:
            shown = ", ".join(f"{k!r} → {v!r}" for k, v in list(changed.items())[:6]) + (
                ", …" if len(changed) > 6 else ""
            )
            file.report.notes.append(
                _("{column} ({name}): labels recoded: {labels}").format(column=col.name, name=repr(name), labels=shown)
            )
        mapped = text.map(recode)
        labels = sorted(set(recode.values()))
        if set(labels) <= set(course_labels):
            labels = course_labels
        return pd.Series(pd.Categorical(mapped, categories=labels, ordered=col.name == "stage"), index=raw.index)

    if col.dtype == "bool":
        text = _as_text(raw).str.lower()
        value = text.map(lambda v: True if v in _TRUE else (False if v in _FALSE else None))
        bad = (text.notna() & value.isna()).to_numpy(dtype=bool)
        add(
            bad,
            _("are not yes/no values"),
            _("write yes/no, true/false, sí/no or 1/0 in these cells."),
            _("unreadable {column}").format(column=col.name),
        )
        return value.astype("boolean")

    if col.name.endswith("_id"):
        text = _as_text(raw, spaces_only=True)
        hidden = text.str.contains(_CONTROL, regex=True).fillna(False).to_numpy(dtype=bool)
        add(
            hidden,
            _("have control or invisible characters in the id (shown escaped, e.g. '\\x00')"),
            _(
                "delete the hidden characters from these ids: an id is compared exactly as written, so '7' and "
                "'7\\x00' would be two customers."
            ),
            _("hidden characters in {column}").format(column=col.name),
        )
        if col.name == UNIQUE.get(table):
            dup = text.duplicated(keep=False).to_numpy() & text.notna().to_numpy()
            add(
                dup,
                _("repeat {noun}s that must be unique in the {table} table").format(noun=_noun(col.name), table=table),
                _("each id must appear once: remove the duplicated rows or give them their own ids."),
                _("duplicate {column}").format(column=col.name),
                excludable=False,
            )
        return text

    values, bad = parse_numbers(raw, options.decimal, options.thousands)
    if bad.any():
        add(bad, _("are not numbers"), _number_fix(file, raw, bad), _("unreadable {column}").format(column=col.name))
    if not bad.all() and pd.api.types.is_string_dtype(raw) and col.unit.startswith("currency"):
        file.report.notes.append(
            _("{column} ({name}): numbers read with decimal {decimal}").format(
                column=col.name, name=repr(name), decimal=repr(options.decimal)
            )
        )
    ok = ~np.isnan(values)
    scale = _scale(col)
    if col.dtype == "int64":
        huge = ok & (np.abs(values) > 2.0**53)  # beyond this, whole numbers are no longer exact
        add(
            huge,
            _("are too large to be read exactly"),
            _("correct these cells."),
            _("{column} too large").format(column=col.name),
        )
        ok &= ~huge
        fraction = ok & (values != np.round(values))
        add(
            fraction,
            _("are not whole numbers"),
            _("write whole numbers in these cells."),
            _("{column} not whole").format(column=col.name),
        )
        ok &= ~fraction
    if scale is not None:
        low, high = scale
        outside = ok & ((values < low) | (values > high))
        scale_text = f"{low:g}–{high:g}"
        add(
            outside,
            _("are outside the {column} scale {scale}").format(column=col.name, scale=scale_text),
            _(
                "the course reads {column} on a {scale} scale ({meaning}); correct these answers or convert your "
                "scale to {scale}."
            ).format(column=col.name, scale=scale_text, meaning=col.meaning),
            _("{column} outside {scale}").format(column=col.name, scale=scale_text),
        )
    elif col.unit.startswith("currency") or col.unit in ("months", "years"):
        negative = ok & (values < 0)
        is_return = table == "transactions" and col.name == "amount"
        add(
            negative,
            _(RETURNS) if is_return else _("are negative"),
            _("correct these cells.")
            if not is_return
            else _("amounts are what customers paid, so they cannot be negative."),
            _("returns (negative amount)") if is_return else _("negative {column}").format(column=col.name),
            is_return=is_return,
            excludable=not is_return,
        )  # returns are left out only by exclude_returns, never as bad rows
    return values


def _finish(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The table with exactly the schema's columns: typed, absent columns all missing."""
    out = {}
    for col in schema.TABLES[table]:
        values = frame[col.name] if col.name in frame.columns else None
        if col.dtype == "category":
            labels = list(schema.CATEGORIES[col.name])
            if values is None:
                out[col.name] = pd.Categorical([np.nan] * len(frame), categories=labels, ordered=col.name == "stage")
            else:
                out[col.name] = pd.Categorical(values)
        elif col.dtype.startswith("datetime"):
            out[col.name] = (
                (pd.Series(pd.NaT, index=frame.index) if values is None else values).astype("datetime64[ns]").to_numpy()
            )
        elif col.dtype == "bool":
            if values is None:
                out[col.name] = pd.array([pd.NA] * len(frame), dtype="boolean")
            else:
                values = pd.array(values, dtype="boolean")
                out[col.name] = values.to_numpy(dtype=bool) if not values.isna().any() else values
        else:
            numbers = np.full(len(frame), np.nan) if values is None else np.asarray(values, dtype=np.float64)
            if col.dtype == "int64" and len(numbers) and not np.isnan(numbers).any():
                out[col.name] = numbers.astype(np.int64)
            elif col.dtype == "int64" and not len(numbers) and values is not None:
                out[col.name] = numbers.astype(np.int64)
            else:
                out[col.name] = numbers
    return pd.DataFrame(out)


def empty_table(table: str) -> pd.DataFrame:
    """An empty table with the schema's columns and dtypes (a table the data does not have).

    Examples
    --------
    >>> empty_table("surveys").dtypes["satisfaction"], len(empty_table("surveys"))
    (dtype('int64'), 0)
    """
    out = {}
    for col in schema.TABLES[table]:
        if col.dtype == "category":
            out[col.name] = pd.Categorical(
                [], categories=list(schema.CATEGORIES[col.name]), ordered=col.name == "stage"
            )
        else:
            out[col.name] = np.array([], dtype=col.dtype)
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- one table


def _load(
    table: str, path, columns: dict[str, str], options: ReadOptions, advice: _Advice
) -> tuple[pd.DataFrame, TableReport]:
    """Read one file into the course's table: index = the file's row numbers; ids still as text."""
    path = Path(path)
    file = _File(path, table, advice, options)
    frame, how = _read_raw(path, options, advice)
    file.report.notes.append(how)
    empty = frame.isna().all(axis=1).to_numpy() if frame.shape[1] else np.zeros(len(frame), dtype=bool)
    found = _resolve_columns(file, frame, columns)
    file.report.columns = dict(found)
    if empty.any():
        rows = frame.index[empty]
        frame = frame[~empty]
        shown = ", ".join(str(r) for r in rows[:SHOWN_ROWS]) + (", …" if len(rows) > SHOWN_ROWS else "")
        file.report.notes.append(
            _("skipped {count} empty row(s) (rows {rows})").format(count=_n(len(rows)), rows=shown)
        )
    if len(frame) == 0:
        raise file.error(
            _("the file has a header ({names}) but no rows of data.").format(
                names=", ".join(repr(c) for c in frame.columns[:8])
            ),
            _("export the table again with its rows, or leave this table out if you do not have it."),
        )
    file.report.rows_read = len(frame)
    problems: list[_Problem] = []
    converted, shown = {}, {}
    for col in schema.TABLES[table]:
        if col.name in found:
            raw = frame[found[col.name]]
            shown[col.name] = raw
            converted[col.name] = _convert_column(file, raw, found[col.name], col, problems)
    out = pd.DataFrame({k: v for k, v in converted.items() if v is not None}, index=frame.index, copy=False)
    out = _screen(file, out, problems, shown)
    for col in schema.TABLES[table]:
        if col.name.endswith("_id") and col.name != "customer_id" and col.name in out.columns:
            out[col.name] = _number_ids(out[col.name], file.report, col.name)
    file.report.rows_kept = len(out)
    frame = raw = shown = converted = None  # the file's text: freed before the caller sorts and types the table
    _release_arrow_memory()
    return out, file.report


def _release_arrow_memory() -> None:
    """Give the memory pyarrow has freed back to the system (its allocator otherwise keeps it for reuse)."""
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None:
        pyarrow.default_memory_pool().release_unused()


#: Ids kept as numbers: whole numbers written the plain way (ASCII digits, no leading zero, at
#: most 18 digits). Any other id ("007", "12.0", "٣", "A7") makes the file's ids text, numbered.
_PLAIN_NUMBER_ID = r"0|[1-9][0-9]{0,17}"
#: Characters refused inside an id: control characters and invisible formatting characters.
_CONTROL = "[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]"


def _plain_number_ids(text: pd.Series) -> bool:
    """True when every id is a whole number written the plain way, so that reading it as a number merges no two ids."""
    present = text.dropna().astype("str")
    return bool(present.str.fullmatch(_PLAIN_NUMBER_ID).all())


def _number_ids(text: pd.Series, report: TableReport, name: str) -> pd.Series:
    """Ids as integers: plain whole-number ids kept, other ids numbered 1, 2, ... in order of appearance.

    Ids are text compared exactly as written (``007``, ``7`` and ``7.0`` are three ids), so
    only ids written as plain whole numbers are read as numbers.
    """
    if _plain_number_ids(text):
        return _plain_ids_as_numbers(text).astype("float64" if text.isna().any() else "int64")
    codes, uniques = pd.factorize(text)
    report.notes.append(
        _("{column}: ids are text (e.g. {example}); numbered 1–{count} in order of appearance").format(
            column=name, example=repr(uniques[0]), count=_n(len(uniques))
        )
    )
    return pd.Series(np.where(codes >= 0, codes + 1, np.nan), index=text.index).astype(
        "float64" if (codes < 0).any() else "int64"
    )


def _customer_ids_as_numbers(text: pd.Series) -> pd.Series | None:
    """Plain whole-number customer ids as int64 (None if any id is other text, e.g. ``007``)."""
    if len(text.dropna()) and _plain_number_ids(text):
        return _plain_ids_as_numbers(text).astype("int64")
    return None


def _plain_ids_as_numbers(text: pd.Series) -> pd.Series:
    """``pd.to_numeric(text)`` for ids checked by :func:`_plain_number_ids`, vectorised when none is missing.

    Plain ids have at most 18 digits, so int64 holds them exactly: Arrow's conversion gives the
    integers ``pd.to_numeric`` gives, without a Python object per id. With missing ids (read as
    floats by ``pd.to_numeric``) or text not in Arrow, ``pd.to_numeric`` itself.
    """
    arrow = getattr(text.array, "__arrow_array__", None)
    if not _FAST_READ or arrow is None or not isinstance(text.dtype, pd.StringDtype) or text.isna().any():
        return pd.to_numeric(text)
    import pyarrow as pa
    import pyarrow.compute as pc

    numbers = pc.cast(arrow(), pa.int64()).to_numpy(zero_copy_only=False)
    return pd.Series(numbers, index=text.index, name=text.name)


class _BadSetting(Exception):
    """A setting of the wrong type or out of range: what is wrong and a valid example value."""

    def __init__(self, key: str, what: str, example):
        super().__init__(what)
        self.key, self.what, self.example = key, what, example


def _as_day(key: str, value, example: str) -> pd.Timestamp:
    if isinstance(value, bool) or not isinstance(value, (str, _dt.date)):
        raise _BadSetting(
            key,
            _('{key} must be a date written as "YYYY-MM-DD", not {value}').format(key=key, value=repr(value)),
            example,
        )
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        day = pd.NaT
    if day is pd.NaT or not DATE_LIMITS[0] <= day <= DATE_LIMITS[1] + pd.Timedelta(days=1):
        raise _BadSetting(
            key,
            _("{key} = {value} is not a date from {first} to {last}").format(
                key=key, value=repr(value), first=f"{DATE_LIMITS[0]:%Y-%m-%d}", last=f"{DATE_LIMITS[1]:%Y-%m-%d}"
            ),
            example,
        )
    return day.tz_localize(None) if day.tzinfo is not None else day


def _setting(key: str, value):
    """One setting checked (type and range) and converted to what :class:`ReadOptions` holds."""

    def need(ok: bool, what: str, example) -> None:
        if not ok:
            raise _BadSetting(
                key, _("{key} {what}, not {value}").format(key=key, what=what, value=repr(value)), example
            )

    if key == "date_format":
        if value is None or value == "auto":
            return None
        problem = _date_format_problem(value)
        if problem:
            raise _BadSetting(key, problem, "%d/%m/%Y")
        return value
    if key == "decimal":
        need(value in (".", ","), _('must be "." or ","'), ",")
    elif key == "thousands":
        need(
            value is None
            or (
                isinstance(value, str)
                and len(value) <= 3
                and not any(ch.isalnum() or ch in '+-()"\n\r' for ch in value)
            ),
            _('must be the thousands separator(s), such as ".", ",", " " or "\'"'),
            ".",
        )
    elif key == "delimiter":
        if value in ("\\t", "tab"):
            return "\t"
        need(
            value is None or (isinstance(value, str) and len(value) == 1 and value not in '"\n\r'),
            _('must be the one character between the fields, such as ",", ";", "|" or "\\t"'),
            ";",
        )
    elif key == "encoding":
        need(isinstance(value, str), _("must be the name of a text encoding"), "utf-8")
        try:
            codecs.lookup(value)
        except LookupError:
            raise _BadSetting(
                key,
                _(
                    'unknown text encoding {value} (use a Python encoding name such as "utf-8", "cp1252" or "latin-1")'
                ).format(value=repr(value)),
                "cp1252",
            ) from None
    elif key == "sheet":
        need(
            value is None
            or (isinstance(value, str) and value.strip() != "")
            or (isinstance(value, int) and not isinstance(value, bool) and value >= 0),
            _("must be the sheet's name, or its position counting the first sheet as 0"),
            "Sheet1",
        )
    elif key == "header_row":
        need(
            isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 1_000_000,
            _("must be the number of the row holding the column names (1 for the first row)"),
            1,
        )
    elif key == "values":
        need(
            isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, dict) for k, v in value.items()),
            _("must be a table per column of your label = the course's label"),
            {"channel": {"Tienda": "face_to_face"}},
        )
        for column, labels in value.items():
            for theirs, ours in labels.items():
                if not isinstance(ours, str):
                    raise _BadSetting(
                        key,
                        _("values of {column}: {theirs} = {ours}: the course's label must be text").format(
                            column=repr(column), theirs=repr(theirs), ours=repr(ours)
                        ),
                        {column: {str(theirs): _("<the course's label>")}},
                    )
    elif key == "on_bad_rows":
        need(value in ("raise", "exclude"), _('must be "raise" or "exclude"'), "exclude")
    elif key == "exclude_returns":
        need(isinstance(value, bool), _("must be true or false"), True)
    elif key == "observation_end":
        return None if value is None else _as_day(key, value, "2024-12-31")
    elif key == "date_range":
        example = [f"{DATE_RANGE[0]:%Y-%m-%d}", f"{DATE_RANGE[1]:%Y-%m-%d}"]
        need(
            isinstance(value, (list, tuple)) and len(value) == 2, _("must be the first and last day accepted"), example
        )
        low, high = (_as_day(key, day, example) for day in value)
        need(low <= high, _("must give the first day before the last"), example)
        return (low.normalize(), high.normalize())
    return value


def _options(defaults: ReadOptions | None = None, place: str = "", fix=None, /, **settings) -> ReadOptions:
    """``defaults`` with ``settings`` checked and applied; a wrong one raises a DataError naming ``place``.

    ``fix(key, example)`` says how to set a key (in the mapping file, or as an argument).
    """
    options = defaults or ReadOptions()
    fix = fix or (lambda key, example: f"{key}={example!r}")
    where = f"{place}: " if place else ""
    known = [name for name in ReadOptions.__dataclass_fields__]
    unknown = [k for k in settings if k not in known]
    if unknown:
        close = difflib.get_close_matches(unknown[0], known, n=1)
        raise DataError(
            where
            + _("unknown option {option}.").format(option=repr(unknown[0]))
            + "\n"
            + _how_to_fix(
                (_("did you mean {name}?").format(name=repr(close[0])) + " " if close else "")
                + _("The options are: {options}.").format(options=", ".join(known))
            )
        )
    settings = {k: v for k, v in settings.items() if v is not None or k in ("date_format", "thousands", "sheet")}
    try:
        options = replace(options, **{k: _setting(k, v) for k, v in settings.items()})
        if options.thousands is not None and options.decimal in options.thousands:
            raise _BadSetting(
                "thousands",
                _("thousands {thousands} contains the decimal separator {decimal}").format(
                    thousands=repr(options.thousands), decimal=repr(options.decimal)
                ),
                "." if options.decimal == "," else ",",
            )
        end, (low, high) = options.observation_end, options.date_range
        if end is not None and not low <= end <= high:
            raise _BadSetting(
                "observation_end",
                _("observation_end {end} is outside the dates accepted, {low} … {high} (setting date_range)").format(
                    end=f"{end:%Y-%m-%d}", low=f"{low:%Y-%m-%d}", high=f"{high:%Y-%m-%d}"
                ),
                "2024-12-31",
            )
    except _BadSetting as bad:
        raise DataError(f"{where}{bad.what}.\n" + _how_to_fix(f"{fix(bad.key, bad.example)}.")) from None
    return options


def _columns_argument(columns, function: str) -> dict:
    """The ``columns`` argument of a one-table loader, checked."""
    if columns is None:
        return {}
    if not isinstance(columns, dict):
        raise DataError(
            f"{function}(...): "
            + _("columns must be a dict of the course's column -> your column, not {value}.").format(
                value=repr(columns)
            )
            + "\n"
            + _how_to_fix(_in_call("columns={'category': 'Familia'}", function) + ".")
        )
    return columns


def _single(table: str, function: str, path, columns: dict, settings: dict) -> pd.DataFrame:
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise DataError(
            f"{function}(...): "
            + _("the path must be the file's name (text or a Path), not {value}.").format(value=repr(path))
            + "\n"
            + _how_to_fix(f'{function}("sales.csv", ...).')
        )
    options = _options(None, f"{path}", lambda key, example: _in_call(f"{key}={example!r}", function), **settings)
    advice = _Advice(table, None, function)
    for course, theirs in columns.items():
        if theirs is not None and (not isinstance(theirs, str) or not theirs.strip()):
            raise DataError(
                f"{path}: "
                + _("the name of your column for the course's {column} must be text, not {value}.").format(
                    column=course, value=repr(theirs)
                )
                + "\n"
                + _how_to_fix(advice.column(course, _("Your column")) + ".")
            )
    frame, report = _load(table, path, {k: v for k, v in columns.items() if v is not None}, options, advice)
    file = _File(Path(path), table, advice, options)
    file.report = report
    end = options.observation_end
    frame = _check_dates(
        file,
        frame,
        end if end is not None else pd.Timestamp(_dt.date.today()),
        _OBSERVATION_END if end is not None else _TODAY,
    )
    text_ids = None
    if "customer_id" in frame.columns:
        numbers = _customer_ids_as_numbers(frame["customer_id"])
        if numbers is None:
            text_ids = frame.pop("customer_id")
        else:
            frame["customer_id"] = numbers
    frame = _sorted(table, frame)
    out = _finish(table, frame)
    if text_ids is not None:  # load_own_data numbers text ids consistently across the tables
        out["customer_id"] = text_ids.reindex(frame.index).to_numpy()
    report.rows_kept = len(out)
    out.attrs["load_report"] = report
    return out


def _sorted(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    key = {
        "transactions": "date",
        "surveys": "date",
        "interactions": "date",
        "churn": "date",
        "bonds": "start_date",
    }.get(table)
    if key and key in frame.columns:
        frame = frame.sort_values(key, kind="stable")
    unique = UNIQUE.get(table)
    if table not in ("churn", "customers", "employees") and unique not in frame.columns:
        frame = frame.assign(**{unique: np.arange(1, len(frame) + 1, dtype=np.int64)})  # numbered in date order
    return frame


#: The two last days a row may be dated (:func:`_check_dates`), as messages name them.
_OBSERVATION_END, _TODAY = N_("the observation end"), N_("today")


def _check_dates(file: _File, frame: pd.DataFrame, end: pd.Timestamp, what: str) -> pd.DataFrame:
    """Refuse (or exclude) rows dated after ``end`` (``what``: :data:`_OBSERVATION_END` or :data:`_TODAY`)."""
    problems, shown = [], {}
    for col in schema.TABLES[file.table]:
        if col.dtype.startswith("datetime") and col.name in frame.columns:
            late = (frame[col.name] > end).to_numpy()
            if late.any():
                if what == _OBSERVATION_END:
                    fix = _("correct these dates, or, if your data runs longer, {setting}.").format(
                        setting=file.advice.setting("observation_end", _("<the last day>"), "settings")
                    )
                else:
                    fix = _("correct these dates.")
                problems.append(
                    _Problem(
                        file.report.columns.get(col.name, col.name),
                        col.name,
                        late,
                        _("are after {moment} ({day})").format(moment=_(what), day=f"{end:%Y-%m-%d}"),
                        fix,
                        _("{column} after {moment}").format(column=col.name, moment=_(what)),
                    )
                )
                shown[col.name] = frame[col.name]
    return _screen(file, frame, problems, shown)


def load_transactions(
    path,
    *,
    customer_col: str,
    date_col: str,
    amount_col: str,
    category_col: str | None = None,
    channel_col: str | None = None,
    cost_col: str | None = None,
    columns: dict | None = None,
    date_format: str | None = None,
    decimal: str = ".",
    sheet=None,
    **options,
) -> pd.DataFrame:
    """Read a file of purchases into the course's ``transactions`` table.

    Parameters
    ----------
    path : str or pathlib.Path
        a CSV (any delimiter), Excel or Parquet file.
    customer_col, date_col, amount_col : str
        your names of the customer id, the purchase
        day and the amount paid (in your currency).
    category_col, channel_col, cost_col : str, optional
        your names of the optional product category,
        sales channel (recoded to web / phone / email / face_to_face with
        ``values={"channel": {...}}``) and cost of goods.
    columns : dict, optional
        further course column -> your column (``promotion``, ``transaction_id``).
    date_format : str, optional
        e.g. ``"%d/%m/%Y"``; None detects it.
    decimal : str, optional
        ``"."`` or ``","``; thousands separators and currency signs are removed.
    sheet : str or int, optional
        the Excel sheet (its name, or its position counting the first as 0; default the first).
    **options
        any of ``thousands``, ``delimiter``, ``encoding``, ``header_row``,
        ``values``, ``on_bad_rows`` ("raise"/"exclude"), ``exclude_returns`` (bool),
        ``observation_end`` (dates after it are refused; default today), ``date_range``
        (first and last day accepted; default :data:`DATE_RANGE`).

    Returns
    -------
    pandas.DataFrame
        The transactions with the schema's columns (absent ones missing), sorted by date;
        ``customer_id`` is int64 when your ids are all plain whole numbers (``7``, not
        ``007``), else your ids as text, exactly as written (:func:`load_own_data` numbers
        them). ``frame.attrs["load_report"]`` is a
        :class:`TableReport` of what was read and excluded.

    Raises
    ------
    DataError
        the file or a value does not fit; the message says where and how to fix it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "sales.csv").write_text("Client;Day;Total\\n7;31/01/2024;1.234,50 €\\n")
    >>> sales = load_transactions(folder / "sales.csv", customer_col="Client", date_col="Day",
    ...                           amount_col="Total", decimal=",")
    >>> sales[["customer_id", "date", "amount"]].to_dict("records")
    [{'customer_id': 7, 'date': Timestamp('2024-01-31 00:00:00'), 'amount': 1234.5}]
    """
    mapped = {
        "customer_id": customer_col,
        "date": date_col,
        "amount": amount_col,
        "category": category_col,
        "channel": channel_col,
        "cost": cost_col,
        **_columns_argument(columns, "load_transactions"),
    }
    return _single(
        "transactions",
        "load_transactions",
        path,
        mapped,
        dict(date_format=date_format, decimal=decimal, sheet=sheet, **options),
    )


def load_customers(
    path,
    *,
    customer_col: str,
    signup_col: str | None = None,
    columns: dict | None = None,
    date_format: str | None = None,
    decimal: str = ".",
    sheet=None,
    **options,
) -> pd.DataFrame:
    """Read a customer list into the course's ``customers`` table (one row per customer).

    Parameters
    ----------
    path : str or pathlib.Path
        as for :func:`load_transactions`.
    date_format : str, optional
        as for :func:`load_transactions`.
    decimal : str, optional
        as for :func:`load_transactions`.
    sheet : str or int, optional
        as for :func:`load_transactions`.
    **options
        as for :func:`load_transactions`.
    customer_col : str
        your name of the customer id (must be unique).
    signup_col : str, optional
        your name of the day the customer joined (optional).
    columns : dict, optional
        further course column -> your column, e.g. ``{"segment": "Tipo",
        "region": "Zona"}`` with ``values={"segment": {"Empresa": "B2B", ...}}``.

    Returns
    -------
    pandas.DataFrame
        The customers with the schema's columns; see :func:`load_transactions`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "clients.csv").write_text("id,since,type\\n1,2024-01-05,Empresa\\n")
    >>> load_customers(folder / "clients.csv", customer_col="id", signup_col="since",
    ...                columns={"segment": "type"}, values={"segment": {"Empresa": "B2B"}})["segment"].tolist()
    ['B2B']
    """
    mapped = {"customer_id": customer_col, "signup_date": signup_col, **_columns_argument(columns, "load_customers")}
    return _single(
        "customers",
        "load_customers",
        path,
        mapped,
        dict(date_format=date_format, decimal=decimal, sheet=sheet, **options),
    )


def load_surveys(
    path,
    *,
    customer_col: str,
    date_col: str,
    columns: dict | None = None,
    date_format: str | None = None,
    decimal: str = ".",
    sheet=None,
    **options,
) -> pd.DataFrame:
    """Read survey answers into the course's ``surveys`` table.

    Parameters
    ----------
    path : str or pathlib.Path
        as for :func:`load_transactions`.
    date_format : str, optional
        as for :func:`load_transactions`.
    decimal : str, optional
        as for :func:`load_transactions`.
    sheet : str or int, optional
        as for :func:`load_transactions`.
    **options
        as for :func:`load_transactions`.
    customer_col, date_col : str
        your names of the customer id and the day of the answer.
    columns : dict, optional
        course column -> your column for the scores you have: ``satisfaction``
        (1–5), ``recommend`` (0–10), ``trust``, ``commitment`` (1–5), ``expectation``,
        ``perception`` (1–7). A score outside its scale is refused.

    Returns
    -------
    pandas.DataFrame
        The survey answers with the schema's columns; a score with empty cells is
        ``float64`` (NaN where not answered).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "nps.csv").write_text("who,when,score\\n3,2024-02-01,9\\n")
    >>> load_surveys(folder / "nps.csv", customer_col="who", date_col="when",
    ...              columns={"recommend": "score"})["recommend"].tolist()
    [9]
    """
    mapped = {"customer_id": customer_col, "date": date_col, **_columns_argument(columns, "load_surveys")}
    return _single(
        "surveys", "load_surveys", path, mapped, dict(date_format=date_format, decimal=decimal, sheet=sheet, **options)
    )


def load_interactions(
    path,
    *,
    customer_col: str,
    date_col: str,
    columns: dict | None = None,
    date_format: str | None = None,
    decimal: str = ".",
    sheet=None,
    **options,
) -> pd.DataFrame:
    """Read contacts (calls, e-mails, visits, complaints) into the course's ``interactions`` table.

    Parameters
    ----------
    path : str or pathlib.Path
        as for :func:`load_transactions`.
    date_format : str, optional
        as for :func:`load_transactions`.
    decimal : str, optional
        as for :func:`load_transactions`.
    sheet : str or int, optional
        as for :func:`load_transactions`.
    **options
        as for :func:`load_transactions`.
    customer_col, date_col : str
        your names of the customer id and the day of the contact.
    columns : dict, optional
        course column -> your column: ``channel``, ``type`` (purchase,
        service_request, complaint, inquiry), ``resolved`` (yes/no), ``rating`` (1–5),
        ``employee_id``, ``interaction_id``.

    Returns
    -------
    pandas.DataFrame
        The contacts with the schema's columns.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "calls.csv").write_text("who,when,why,ok\\n3,2024-02-01,Queja,Sí\\n")
    >>> calls = load_interactions(folder / "calls.csv", customer_col="who", date_col="when",
    ...                           columns={"type": "why", "resolved": "ok"}, values={"type": {"Queja": "complaint"}})
    >>> calls[["type", "resolved"]].to_dict("records")
    [{'type': 'complaint', 'resolved': True}]
    """
    mapped = {"customer_id": customer_col, "date": date_col, **_columns_argument(columns, "load_interactions")}
    return _single(
        "interactions",
        "load_interactions",
        path,
        mapped,
        dict(date_format=date_format, decimal=decimal, sheet=sheet, **options),
    )


# --------------------------------------------------------------------------- the mapping file


@dataclass
class _Mapping:
    source: Path
    base: Path
    settings: ReadOptions
    tables: dict[str, tuple[Path, dict[str, str], ReadOptions]]
    churn_rule: dict
    mapping_file: Path | None


def _mapping_error(where: Path, message: str, fix: str) -> DataError:
    return DataError(f"{where}: {message}\n{_how_to_fix(fix)}")


def _check_keys(where: Path, section: str, given: dict, allowed) -> None:
    for key in given:
        if key not in allowed:
            close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.5)
            raise _mapping_error(
                where,
                _("unknown key {key} in [{section}].").format(key=repr(key), section=section),
                (_("did you mean {name}?").format(name=repr(close[0])) + " " if close else "")
                + _("The keys of [{section}] are: {keys}.").format(section=section, keys=", ".join(allowed)),
            )


def _section_options(where: Path, section: str, given: dict, base: ReadOptions) -> ReadOptions:
    """The settings of one section of the mapping file over ``base``, each checked (type and range)."""
    settings = {k: v for k, v in given.items() if k in SETTINGS or k in ("sheet", "values")}

    def fix(key, example) -> str:
        return in_mapping(f"{key} = {_toml_value(example)}", section, where.name)

    return _options(base, f"{where} [{section}]", fix, **settings)


def _toml_value(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return _toml(value)


def read_mapping(source, **overrides) -> _Mapping:
    """Read and check a mapping file (or a folder holding ``mapping.toml`` or course-named files)."""
    if not isinstance(source, (str, os.PathLike)) or not str(source).strip():
        raise DataError(
            "load_own_data(...): "
            + _("the source must be a folder or a mapping file's path, not {value}.").format(value=repr(source))
            + "\n"
            + _how_to_fix(
                _("{first} or {second}.").format(
                    first='load_own_data("my_data")', second=f'load_own_data("my_data/{MAPPING_FILE}")'
                )
            )
        )
    path = Path(source).expanduser()
    if path.is_dir():
        mapping_file = path / MAPPING_FILE
        if not mapping_file.is_file():
            return _default_mapping(path, overrides)
    else:
        mapping_file = path
    if not mapping_file.is_file():
        raise _mapping_error(
            mapping_file,
            _("no such file or folder."),
            _("give the folder of your data files (holding a {file}) or the mapping file's path.").format(
                file=MAPPING_FILE
            ),
        )
    try:
        data = tomllib.loads(mapping_file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise _mapping_error(
            mapping_file,
            _("the mapping file is not valid TOML: {error}.").format(error=err),
            _('text values need double quotes (file = "sales.csv"); each [section] once.'),
        ) from None
    except UnicodeDecodeError:
        raise _mapping_error(mapping_file, _("the mapping file is not UTF-8 text."), _("save it as UTF-8.")) from None
    base = mapping_file.parent
    _check_keys(mapping_file, _("the mapping file"), data, ("settings", *schema.TABLES))
    if not isinstance(data.get("settings", {}), dict):
        raise _mapping_error(mapping_file, _("settings must be a section [settings]."), '[settings]\ndecimal = ","')
    _check_keys(mapping_file, "settings", data.get("settings", {}), SETTINGS)
    settings = _section_options(mapping_file, "settings", data.get("settings", {}), ReadOptions())
    settings = _options(settings, *_override_place(), **overrides)
    if "transactions" not in data:
        raise _mapping_error(
            mapping_file,
            _("the mapping has no [transactions] section; the transactions are the one table every lesson needs."),
            '[transactions]\nfile = "your_sales.csv"\n' + _("(then its [transactions.columns])"),
        )
    tables, churn_rule = {}, {}
    for table in schema.TABLES:
        if table not in data:
            continue
        section = data[table]
        if not isinstance(section, dict):
            raise _mapping_error(
                mapping_file, _("{table} must be a section [{table}].").format(table=table), f'[{table}]\nfile = "..."'
            )
        allowed = TABLE_KEYS + (CHURN_RULE_KEYS if table == "churn" else ())
        _check_keys(mapping_file, table, section, allowed)
        if table == "churn":
            churn_rule = {k: section[k] for k in CHURN_RULE_KEYS if k in section}
            days = churn_rule.get("inactive_days", INACTIVE_DAYS)
            if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_INACTIVE_DAYS:
                raise _mapping_error(
                    mapping_file,
                    _(
                        "inactive_days under [churn] must be a whole number of days from 1 to {most}, not {value}."
                    ).format(most=_n(MAX_INACTIVE_DAYS), value=repr(days)),
                    f"inactive_days = {INACTIVE_DAYS}",
                )
            if not isinstance(churn_rule.get("derive", True), bool):
                raise _mapping_error(
                    mapping_file,
                    _("derive under [churn] must be true or false (without quotes), not {value}.").format(
                        value=repr(churn_rule["derive"])
                    ),
                    "derive = false",
                )
            if "file" not in section:
                continue
        if "file" not in section:
            raise _mapping_error(
                mapping_file,
                _("[{table}] does not say which file holds the {table}.").format(table=table),
                _("{setting} under [{section}] (or remove the section if you do not have this table).").format(
                    setting=f'file = "{table}.csv"', section=table
                ),
            )
        if not isinstance(section["file"], str) or not section["file"].strip():
            raise _mapping_error(
                mapping_file,
                _("file under [{table}] must be the file's name in double quotes, not {value}.").format(
                    table=table, value=repr(section["file"])
                ),
                _("{setting} under [{section}]").format(setting=f'file = "{table}.csv"', section=table),
            )
        columns = section.get("columns", {})
        if not isinstance(columns, dict):
            raise _mapping_error(
                mapping_file,
                _("columns under [{table}] must be a table of the course's column = your column, not {value}.").format(
                    table=table, value=repr(columns)
                ),
                f'[{table}.columns]\ncustomer_id = "Cliente"',
            )
        if not isinstance(section.get("values", {}), dict):
            raise _mapping_error(
                mapping_file,
                _("values under [{table}] must be a table per column, not {value}.").format(
                    table=table, value=repr(section["values"])
                ),
                f'[{table}.values.<column>]\n"Your label" = "course_label"',
            )
        known = [c.name for c in schema.TABLES[table]]
        for course, theirs in columns.items():
            if course not in known:
                close = difflib.get_close_matches(course, known, n=1, cutoff=0.5)
                raise _mapping_error(
                    mapping_file,
                    _(
                        "[{table}.columns] names {name}, which is not a column of the course's {table} table ({columns})."
                    ).format(table=table, name=repr(course), columns=", ".join(known)),
                    (_("did you mean {name}?").format(name=repr(close[0])) + " " if close else "")
                    + _('On the left the course\'s name, on the right yours: customer_id = "Cliente".'),
                )
            if not isinstance(theirs, str) or not theirs.strip():
                raise _mapping_error(
                    mapping_file,
                    _("[{table}.columns] {column} = {value}: your column's name must be text.").format(
                        table=table, column=course, value=repr(theirs)
                    ),
                    f"{course} = " + '"' + _("Your column") + '"',
                )
        for course in section.get("values", {}):
            if course not in known or schema.TABLES[table][known.index(course)].dtype != "category":
                labelled = [c.name for c in schema.TABLES[table] if c.dtype == "category"]
                raise _mapping_error(
                    mapping_file,
                    _(
                        "[{table}.values.{column}]: only label columns can be recoded; those of {table} are {labels}."
                    ).format(table=table, column=course, labels=", ".join(labelled)),
                    f"[{table}.values.{labelled[0]}]",
                )
        options = _section_options(mapping_file, table, section, settings)
        options = _options(options, *_override_place(), **overrides)
        where = section["file"]  # a URL (s3a://…) is the engines' to read; a path is relative to the mapping
        tables[table] = (where if "://" in where else base / where, dict(columns), options)
    return _Mapping(mapping_file, base, settings, tables, churn_rule, mapping_file)


def _override_place() -> tuple:
    """Where the overrides of :func:`load_own_data` come from and how to change them (for :func:`_options`)."""
    return "load_own_data(...)", lambda key, example: _in_call(f"{key}={example!r}", "load_own_data")


def _default_mapping(folder: Path, overrides: dict) -> _Mapping:
    """A folder without a mapping file: files named like the course's tables, with its column names."""
    settings = _options(ReadOptions(), *_override_place(), **overrides)
    tables = {}
    for table in schema.TABLES:
        for suffix in (".csv", ".xlsx", ".parquet", ".tsv", ".txt"):
            if (folder / f"{table}{suffix}").is_file():
                tables[table] = (folder / f"{table}{suffix}", {}, settings)
                break
    if "transactions" not in tables:
        present = sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []
        raise DataError(
            f"{folder}: "
            + _(
                "no {mapping} and no transactions file (transactions.csv, .xlsx or .parquet). The folder holds: "
                "{files}."
            ).format(mapping=MAPPING_FILE, files=", ".join(present) or _("nothing"))
            + "\n"
            + _how_to_fix(
                _(
                    "write a {mapping} in this folder naming your files and columns (see datasets/examples/README.md), "
                    "or name your purchases file transactions.csv with the columns customer_id, date, amount."
                ).format(mapping=MAPPING_FILE)
            )
        )
    return _Mapping(folder, folder, settings, tables, {}, None)


# --------------------------------------------------------------------------- the whole company


def load_own_data(source, *, inactive_days: int | None = None, engine: str = "auto", spark=None, **settings) -> Company:
    """Load an analyst's files into a :class:`~helpers.company.Company` the lessons can use.

    Parameters
    ----------
    source : str or pathlib.Path
        a folder holding ``mapping.toml`` (or, without one, files named like the
        course's tables: ``transactions.csv``, ...), or the path of a mapping file.
        The mapping file is described in this module's docstring.
    inactive_days : int, optional
        overrides ``inactive_days`` under ``[churn]`` (the days without a
        purchase after which a customer counts as lost, when churn is derived).
    engine : {"auto", "pandas", "duckdb", "spark"}, optional
        what reads and aggregates the transactions (the other tables are small and always
        read by pandas). ``"pandas"`` loads them in memory; ``"duckdb"`` streams them from
        CSV or Parquet files (paths or globs) without loading them, for files larger than
        memory; ``"spark"`` reads Parquet on Apache Spark (``spark=`` a session, default
        ``SparkSession.builder.getOrCreate()``). ``"auto"`` (the default) picks DuckDB
        when the transactions would take more than half the free memory, or are given by a
        glob or URL, and pandas otherwise (:func:`choose_engine`). On an engine,
        ``company.transactions`` is that engine (:class:`helpers.purchases.Transactions`):
        the report and the lessons' aggregations run on it; customer ids must be whole numbers.
    spark : pyspark.sql.SparkSession, optional
        the session for ``engine="spark"``.
    **settings
        override the mapping's ``[settings]``, e.g. ``on_bad_rows="raise"``.

    Returns
    -------
    Company
        The company: supplied tables loaded and checked, customers and churn derived when
        absent (see the module docstring), other absent tables empty and listed in
        ``company.missing``; ``company.truth`` is None; ``company.load_report`` says what
        was read, derived and excluded (``print(company.load_report)``).

    Raises
    ------
    DataError
        a file, column or value does not fit (the message says where and how to fix it).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "transactions.csv").write_text("customer_id,date,amount\\n1,2024-01-05,10\\n2,2024-03-01,5\\n")
    >>> company = load_own_data(folder)
    >>> company.missing, company.has("customers", "segment"), len(company.churn)
    (('interactions', 'surveys', 'bonds', 'employees'), False, 0)
    """
    if inactive_days is not None and (
        isinstance(inactive_days, bool)
        or not isinstance(inactive_days, int)
        or not 1 <= inactive_days <= MAX_INACTIVE_DAYS
    ):
        raise DataError(
            f"load_own_data(inactive_days={inactive_days!r}): "
            + _(
                "the days without a purchase after which a customer counts as lost must be a whole number from 1 "
                "to {most}."
            ).format(most=_n(MAX_INACTIVE_DAYS))
            + "\n"
            + _how_to_fix(_("e.g. {example}.").format(example=f"inactive_days={INACTIVE_DAYS}"))
        )
    mapping = read_mapping(source, **settings)
    report = LoadReport(source=str(mapping.source))
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, _File] = {}
    given_end = mapping.settings.observation_end
    report.engine, why = choose_engine(mapping.tables["transactions"][0], engine)
    held = None  # the transactions on an engine, when they are not loaded in memory
    for table in ("transactions", "customers", "surveys", "interactions", "bonds", "churn", "employees"):
        if table not in mapping.tables:
            continue
        path, columns, options = mapping.tables[table]
        advice = _Advice(table, mapping.mapping_file or (mapping.base / MAPPING_FILE), "load_own_data")
        if table == "transactions" and report.engine != "pandas":
            held, report.tables[table] = _on_engine(report.engine, path, columns, options, advice, given_end, spark)
            report.tables[table].notes.insert(0, why)
            continue
        frames[table], report.tables[table] = _load(table, path, columns, options, advice)
        files[table] = _File(path, table, advice, options)
        files[table].report = report.tables[table]
    tx = frames.get("transactions")
    if given_end is not None:
        end, report.observation_end_source = given_end, _("from the mapping file")
    elif held is not None:
        end, report.observation_end_source = held.check().last_date, _("= the last purchase")
    else:
        today = pd.Timestamp(_dt.date.today())
        frames["transactions"] = tx = _check_dates(files["transactions"], tx, today, _TODAY)
        end, report.observation_end_source = tx["date"].max(), _("= the last purchase")
    for table, frame in frames.items():
        frames[table] = _check_dates(files[table], frame, end, _OBSERVATION_END)
    tx = frames.get("transactions")
    if held is None and len(tx) == 0:
        raise files["transactions"].error(
            _("no transactions are left after the exclusions listed in the load report."),
            _("correct the rows instead of excluding them."),
        )

    # Customer ids: whole numbers stay; text ids are numbered 1, 2, ... in order of signup.
    numbers = {t: _customer_ids_as_numbers(f["customer_id"]) for t, f in frames.items() if "customer_id" in f.columns}
    as_text = any(n is None for n in numbers.values())
    for table, frame in frames.items():
        if table in numbers:
            frame["customer_id"] = frame["customer_id"].astype("str") if as_text else numbers[table]
    base = None if held is None else _engine_base(held, end, frames, report, as_text)
    if "customers" in frames:
        known = frames["customers"]["customer_id"]
        source_of_ids = _("the customers file ({file})").format(file=files["customers"].path.name)
    else:
        known = tx["customer_id"] if held is None else base.index.to_series()
        source_of_ids = _("the transactions (there is no customers file)")
    for table, frame in frames.items():
        if (
            table == "customers"
            or "customer_id" not in frame.columns
            or (table == "transactions" and "customers" not in frames)
        ):
            continue
        unknown = ~frame["customer_id"].isin(known).to_numpy()
        fix = (
            _(
                "check that the ids are written the same way in both files (leading zeros, prefixes), or add these "
                "customers to {file}."
            ).format(file=files["customers"].path.name)
            if "customers" in frames
            else _("supply a customers file listing every customer, or check the ids.")
        )
        problem = _Problem(
            report.tables[table].columns["customer_id"],
            "customer_id",
            unknown,
            _("belong to customers not in {source}").format(source=source_of_ids),
            fix,
            _("unknown customer"),
        )
        frames[table] = _screen(files[table], frame, [problem], {"customer_id": frame["customer_id"]})
    tx = frames.get("transactions")

    if held is not None:
        first_purchase, last_purchases = base["first_purchase"], base["last_purchase"].reset_index(name="date")
    else:
        first_purchase, last_purchases = tx.groupby("customer_id", sort=False)["date"].min(), tx

    if "customers" in frames:
        customers = frames["customers"]
        signup = (
            customers["signup_date"] if "signup_date" in customers.columns else pd.Series(pd.NaT, index=customers.index)
        )
        filled = signup.isna() & customers["customer_id"].map(first_purchase).notna()
        customers["signup_date"] = signup.where(~filled, customers["customer_id"].map(first_purchase)).astype(
            "datetime64[ns]"
        )
        if filled.any():
            report.tables["customers"].notes.append(
                _("signup_date: {count} customer(s) without a signup date get the day of their first purchase").format(
                    count=_n(int(filled.sum()))
                )
            )
        none = customers["signup_date"].isna().to_numpy()
        problem = _Problem(
            report.tables["customers"].columns.get("signup_date", "signup_date"),
            "signup_date",
            none,
            _("have no signup date and no purchase"),
            _("fill in their signup dates."),
            _("no signup date and no purchase"),
        )
        frames["customers"] = _screen(
            files["customers"], customers, [problem], {"signup_date": customers["customer_id"]}
        )
        early = (frames["customers"]["customer_id"].map(first_purchase) < frames["customers"]["signup_date"]).sum()
        if early:
            report.tables["customers"].notes.append(
                _("{count} customer(s) bought before their signup date (kept as they are)").format(count=_n(int(early)))
            )
    else:
        frames["customers"] = pd.DataFrame(
            {"customer_id": first_purchase.index, "signup_date": first_purchase.to_numpy()}
        )
        report.derived["customers"] = _(
            "{count} customers from the transactions, signed up on the day of their first purchase; their other "
            "columns are missing"
        ).format(count=_n(len(first_purchase)))
    customers = frames["customers"].sort_values(["signup_date"], kind="stable")
    if as_text:
        course_id = pd.Series(
            np.arange(1, len(customers) + 1, dtype=np.int64), index=customers["customer_id"].to_numpy()
        )
        report.customer_ids = pd.Series(
            customers["customer_id"].to_numpy(),
            index=pd.Index(course_id.to_numpy(), name="customer_id"),
            name="your_customer_id",
        )
        for frame in frames.values():
            if "customer_id" in frame.columns:
                frame["customer_id"] = frame["customer_id"].map(course_id).astype("int64")
        customers["customer_id"] = course_id.to_numpy()
        (report.tables.get("customers") or report.tables["transactions"]).notes.append(
            _(
                "customer_id: ids are text (e.g. {example}); numbered 1–{count} in order of signup "
                "(company.load_report.customer_ids maps them back)"
            ).format(example=repr(report.customer_ids.iloc[0]), count=_n(len(customers)))
        )
    else:
        customers = customers.sort_values(["customer_id"], kind="stable")
    frames["customers"] = customers

    if "churn" not in frames and mapping.churn_rule.get("derive", True):
        days = int(inactive_days or mapping.churn_rule.get("inactive_days", INACTIVE_DAYS))
        frames["churn"] = derive_churn(frames["customers"], last_purchases, end, inactive_days=days)
        report.derived["churn"] = _(
            "{count} customers counted as lost: no purchase for {days} days (lost on the day of the last purchase, "
            "or signup, + {days} days, when that day is on or before the observation end); the reason is unknown. "
            "Change the rule with {setting}."
        ).format(count=_n(len(frames["churn"])), days=days, setting=in_mapping("inactive_days", "churn", MAPPING_FILE))

    tables, missing = {}, []
    for table in schema.TABLES:
        if table == "transactions" and held is not None:
            tables[table] = held
        elif table in frames:
            tables[table] = _finish(table, _sorted(table, frames[table]))
        else:
            tables[table] = empty_table(table)
            missing.append(table)
    report.missing = tuple(missing)
    for table in schema.TABLES:
        if table not in missing and not (table == "transactions" and held is not None):
            empty_cols = tuple(c.name for c in schema.TABLES[table] if not tables[table][c.name].notna().any())
            if empty_cols and len(tables[table]):
                report.missing_columns[table] = empty_cols
    report.customers, report.transactions = len(tables["customers"]), len(tables["transactions"])
    report.period_start = first_purchase.min() if held is not None else tables["transactions"]["date"].min()
    report.observation_end = end
    for name, rep in report.tables.items():
        rep.rows_kept = len(tables[name])
    return Company(**tables, truth=None, observation_end=pd.Timestamp(end), missing=tuple(missing), load_report=report)


def derive_churn(
    customers: pd.DataFrame, transactions: pd.DataFrame, observation_end, *, inactive_days: int = INACTIVE_DAYS
) -> pd.DataFrame:
    """The churn table derived from inactivity, for data without a record of lost customers.

    Applies the course's churn rule (:func:`helpers.retention.inactivity_churn`) to each
    customer's last activity (last purchase, or signup if they never bought): a customer
    silent for ``inactive_days`` days by ``observation_end`` is lost, dated on the day the
    loss is noticed (last activity + ``inactive_days``). The reason is unknown (NaN).

    Parameters
    ----------
    customers : pandas.DataFrame
        ``customer_id`` and ``signup_date``.
    transactions : pandas.DataFrame
        ``customer_id`` and ``date``.
    observation_end : date
        The last day the data covers.
    inactive_days : int
        Days without a purchase after which a customer counts as lost.

    Returns
    -------
    pandas.DataFrame
        The churn table (``customer_id``, ``date``, ``reason``), sorted by date.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": [1, 2], "signup_date": pd.to_datetime(["2024-01-01", "2024-01-01"])})
    >>> sales = pd.DataFrame({"customer_id": [1, 2], "date": pd.to_datetime(["2024-01-10", "2024-06-01"])})
    >>> derive_churn(customers, sales, "2024-06-30", inactive_days=90)[["customer_id", "date"]].to_dict("records")
    [{'customer_id': 1, 'date': Timestamp('2024-04-09 00:00:00')}]
    """
    last = transactions.groupby("customer_id")["date"].max()
    signup = pd.Series(customers["signup_date"].to_numpy(), index=customers["customer_id"].to_numpy())
    activity = pd.concat([signup, last.reindex(signup.index)], axis=1).max(axis=1)
    rule = inactivity_churn(activity, observation_end, inactive_days=inactive_days)
    lost = rule.loc[rule["lost"], "noticed_on"].sort_values(kind="stable")
    return pd.DataFrame(
        {
            "customer_id": lost.index.to_numpy(dtype=np.int64),
            "date": lost.to_numpy().astype("datetime64[ns]"),
            "reason": pd.Categorical([np.nan] * len(lost), categories=list(schema.CHURN_REASONS)),
        }
    )


# --------------------------------------------------------------------------- transactions on an engine

#: How the engines number rows (they stream the files: the spreadsheet's numbering is the loader's).
ENGINE_ROW_NOTE = N_("(Row numbers count the data rows from 1, the header not counted.)")
#: What may read the transactions: see :func:`load_own_data`.
ENGINE_CHOICES = ("auto", "pandas", "duckdb", "spark")
#: Bytes of memory the report takes per byte of the transactions file, with room to spare
#: (benchmarks/bench_report_scale.py: 6.6–7.9 for CSV at 5–20M rows; Parquet is about 3× smaller).
MEMORY_PER_FILE_BYTE = {"csv": 10.0, "parquet": 30.0}


def choose_engine(path, engine: str = "auto") -> tuple[str, str]:
    """The engine that reads the transactions at ``path``, and why (a note for the load report).

    ``"auto"`` picks DuckDB when the files are given by a glob or a URL (pandas reads one
    local file), or when they would take more than half the free memory once loaded
    (:data:`MEMORY_PER_FILE_BYTE` × their size, against :func:`available_memory`); pandas
    otherwise. Other choices are kept as they are.

    Examples
    --------
    >>> choose_engine("sales/*.parquet")
    ('duckdb', 'streamed by DuckDB (engine="auto"): the files are given by a glob or URL')
    >>> choose_engine("sales.csv", "spark")
    ('spark', 'read by Spark (engine="spark")')
    """
    if engine not in ENGINE_CHOICES:
        raise DataError(
            f"load_own_data(engine={engine!r}): "
            + _("unknown engine.")
            + "\n"
            + _how_to_fix(_("one of {choices}.").format(choices=", ".join(ENGINE_CHOICES)))
        )
    text = str(path)
    several = "://" in text or any(mark in text for mark in "*?[")
    if engine == "pandas":
        if several:
            raise DataError(
                f"{text}: "
                + _("pandas reads one local file, not a glob or a URL.")
                + "\n"
                + _how_to_fix(_('engine="duckdb" (or "spark") reads them, or name one file.'))
            )
        return "pandas", _('read in memory by pandas (engine="pandas")')
    if engine != "auto":
        return engine, _('read by {name} (engine="{engine}")').format(
            name="DuckDB" if engine == "duckdb" else "Spark", engine=engine
        )
    if several:
        return "duckdb", _('streamed by DuckDB (engine="auto"): the files are given by a glob or URL')
    file = Path(path)
    kind = (
        "csv"
        if file.suffix.lower() in TEXT_SUFFIXES
        else "parquet"
        if file.suffix.lower() in PARQUET_SUFFIXES
        else None
    )
    if kind is None or not file.is_file():
        return "pandas", _('read in memory by pandas (engine="auto")')
    need, free = file.stat().st_size * MEMORY_PER_FILE_BYTE[kind], available_memory()
    if need > free / 2:
        return "duckdb", _(
            'streamed by DuckDB (engine="auto"): {size} MB of {kind} would take about {need} GB in memory, more '
            "than half of the {free} GB free"
        ).format(
            size=number(file.stat().st_size / 1e6, ",.0f"),
            kind=kind,
            need=number(need / 1e9, ",.1f"),
            free=number(free / 1e9, ",.1f"),
        )
    return "pandas", _('read in memory by pandas (engine="auto")')


def _on_engine(engine: str, path, columns: dict, options: ReadOptions, advice: _Advice, given_end, spark):
    """The transactions file(s) on DuckDB or Spark, checked by query, with their :class:`TableReport`."""
    from helpers.engines import BadRows, DuckDBTransactions, SparkTransactions, spark_unavailable

    text = str(path)
    report = TableReport(
        "transactions", text, columns={c: columns.get(c, c) for c in ("customer_id", "date", "amount", "cost")}
    )
    unsupported = {
        "decimal": options.decimal != ".",
        "thousands": options.thousands is not None,
        "date_format": options.date_format is not None,
        "encoding": options.encoding.lower().replace("_", "-") not in ("utf-8", "utf8"),
        "header_row": options.header_row != 1,
        "values": bool(options.values),
    }
    unsupported = [key for key, used in unsupported.items() if used]
    suffix = Path(text.split("://")[-1]).suffix.lower()
    if suffix in EXCEL_SUFFIXES or (engine == "spark" and suffix not in PARQUET_SUFFIXES):
        unsupported.append(_("files of type {suffix}").format(suffix=suffix or _("(none)")))
    if unsupported:
        reads = (
            _('engine="{engine}" reads UTF-8 CSV with ISO dates and "." decimals, or Parquet; it cannot apply {what}.')
            if engine == "duckdb"
            else _(
                'engine="{engine}" reads UTF-8 CSV with ISO dates and "." decimals, or Parquet only; it cannot '
                "apply {what}."
            )
        )
        raise DataError(
            f"{text}: "
            + reads.format(engine=engine, what=", ".join(unsupported))
            + "\n"
            + _how_to_fix(
                _(
                    'convert the files to Parquet (or that CSV form), or load them with engine="pandas" if they fit '
                    "in memory."
                )
            )
        )
    latest = given_end if given_end is not None else pd.Timestamp(_dt.date.today())
    try:
        if engine == "spark":
            if spark is None:
                problem = spark_unavailable()
                if problem:
                    raise DataError(f"{text}: {problem}")
                from pyspark.sql import SparkSession

                spark = SparkSession.builder.getOrCreate()
            held = SparkTransactions(spark, text, columns=columns)
        else:
            layout = {} if suffix in PARQUET_SUFFIXES or "://" in text else _csv_layout(text, options)
            held = DuckDBTransactions(text, columns=columns, csv_options=layout)
        held.on_bad_rows, held.latest = options.on_bad_rows, latest
        held.returns = "exclude" if options.exclude_returns else "raise"
        checked = held.check()
    except DataError:
        raise
    except BadRows as error:
        fix = (
            advice.setting("exclude_returns", True, "settings")
            if "are negative" in str(error)
            else advice.setting("on_bad_rows", "exclude", "settings")
        )
        raise DataError(
            f"{error}\n{_(ENGINE_ROW_NOTE)}\n"
            + _how_to_fix(_("correct these rows, or leave them out: {setting}.").format(setting=fix))
        ) from None
    except Exception as error:  # a missing column, file or glob match, a damaged file, a ragged CSV row
        lines = [line for line in str(error).splitlines() if line.strip() and not line.startswith("LINE ")]
        what = "\n".join(line for line in lines[:3] if "^^^" not in line)
        raise DataError(
            f"{text}: "
            + _("{engine} could not read the transactions: {error}").format(engine=engine, error=what)
            + "\n"
            + _how_to_fix(
                _(
                    'check the path and the column names ({mapping}); load the file with engine="pandas" to have a '
                    "damaged file explained."
                ).format(mapping=MAPPING_FILE)
            )
        ) from None
    if checked.rows == 0:
        raise DataError(
            f"{text}: "
            + (
                _("no rows of transactions are left after the exclusions.")
                if held.excluded
                else _("no rows of transactions.")
            )
            + "\n"
            + _how_to_fix(_('export the table again with its rows, or check on_bad_rows = "exclude".'))
        )
    excluded = sum(count for count, _where in held.excluded.values())
    report.rows_read, report.rows_kept = checked.rows + excluded, checked.rows
    for what, (count, where) in held.excluded.items():
        shown = ", ".join(where) + (", …" if count > len(where) else "")
        report.notes.append(
            _("excluded {count} row(s): {reason} ({rows}; data rows, the header not counted)").format(
                count=_n(count), reason=what, rows=shown
            )
        )
    return held, report


def _csv_layout(pattern: str, options: ReadOptions) -> dict:
    """DuckDB's CSV options from the first file's header: its delimiter and names, every column text.

    Reading with these (no detection) makes a row with more or fewer fields an error
    that names its line, instead of a header guessed from the widest rows.
    """
    first = Path(pattern)
    if any(mark in pattern for mark in "*?["):
        matched = sorted(first.parent.glob(first.name))
        if not matched:
            raise DataError(
                f"{pattern}: " + _("no file matches.") + "\n" + _how_to_fix(_("check the pattern and the folder."))
            )
        first = matched[0]
    with open(first, "rb") as file:
        sample = file.read(200_000)
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if len(sample) < 200_000 or len(sample) - error.start > 3:  # not a character cut by the sample's end
            raise DataError(
                f"{first}: "
                + _("the text is not UTF-8 (byte {byte}).").format(byte=f"0x{sample[error.start]:02X}")
                + "\n"
                + _how_to_fix(_('save it as "CSV UTF-8", or load it with engine="pandas" and its encoding.'))
            ) from None
        text = sample[: error.start].decode("utf-8-sig")
    if not text.strip():
        raise DataError(
            f"{first}: "
            + _("the file is empty.")
            + "\n"
            + _how_to_fix(_("export the table again with a header row and rows."))
        )
    delimiter = options.delimiter or _detect_delimiter(text)
    names = [name.strip() for name in next(csv.reader(text.splitlines()[:1], delimiter=delimiter))]
    repeated = sorted({name for name in names if names.count(name) > 1 or not name})
    if repeated:
        raise DataError(
            f"{first}: "
            + _("the header has empty or repeated column names ({names}).").format(names=", ".join(map(repr, repeated)))
            + "\n"
            + _how_to_fix(_("give every column its own name."))
        )
    return {
        "delim": delimiter,
        "header": True,
        "auto_detect": False,
        "quote": '"',
        "escape": '"',
        "columns": dict.fromkeys(names, "VARCHAR"),
    }


def _engine_base(held, end, frames: dict, report: LoadReport, ids_as_text: bool) -> pd.DataFrame:
    """The per-customer table of transactions on an engine, after checking their ids against the other files."""
    if ids_as_text or not held.check().whole_number_ids:
        raise DataError(
            f"{report.tables['transactions'].file}: "
            + _(
                "on an engine the customer ids must be whole numbers in every file (text ids such as 'A7' or '007' "
                "are numbered in memory)."
            )
            + "\n"
            + _how_to_fix(
                _('number the customers in your files, or load them with engine="pandas" if they fit in memory.')
            )
        )
    base = held.customer_base(end)
    if "customers" in frames:
        unknown = base.index[~base.index.isin(frames["customers"]["customer_id"])]
        if len(unknown):
            shown = ", ".join(str(i) for i in unknown[:SHOWN_ROWS]) + (", …" if len(unknown) > SHOWN_ROWS else "")
            raise DataError(
                f"{report.tables['transactions'].file}: "
                + _("{count} customer(s) bought but are not in the customers file ({file}): {ids}.").format(
                    count=_n(len(unknown)), file=report.tables["customers"].file, ids=shown
                )
                + "\n"
                + _how_to_fix(
                    _("add them to the customers file, or check that the ids are written the same way in both files.")
                )
            )
    return base
