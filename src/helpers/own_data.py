"""Loading an analyst's own files into the course's tables, with errors that say how to fix them.

The lessons run on any company's data shaped like the course's tables
(:data:`helpers.schema.TABLES`). Only the transactions are required: one row per purchase
with who bought (``customer_id``), when (``date``) and how much (``amount``). Everything
else (customers, surveys, interactions, ...) is optional; lessons skip the sections that
need what the data lacks (see :meth:`helpers.synthetic.Company.has`).

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
    inactive_days = 180             # no purchase for this many days = lost (default 180)

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

import csv
import datetime as _dt
import difflib
import io
import re
import tomllib
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import schema
from helpers.synthetic import Company

#: Name of the mapping file looked up in a data folder.
MAPPING_FILE = "mapping.toml"
#: Inactivity (days without a purchase) after which a customer counts as lost, when churn is derived.
DEFAULT_INACTIVE_DAYS = 180
#: How many offending rows an error message lists.
SHOWN_ROWS = 5
ROW_NOTE = "(Row numbers count the header as row 1, as a spreadsheet shows them.)"

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
    "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y", "%m/%d/%y",
    "%d-%m-%y", "%d.%m.%y", "%Y%m%d", "%d-%b-%Y", "%d %b %Y", "%b %d, %Y", "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M",
)
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
#: Argument names of the one-table loaders, for the "how to fix" advice.
COLUMN_ARGUMENTS = {"customer_id": "customer_col", "date": "date_col", "amount": "amount_col",
                    "category": "category_col", "channel": "channel_col", "cost": "cost_col",
                    "signup_date": "signup_col"}
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
SETTINGS = ("date_format", "decimal", "thousands", "encoding", "delimiter", "header_row",
            "observation_end", "on_bad_rows", "exclude_returns")
TABLE_KEYS = ("file", "sheet", "columns", "values") + SETTINGS
CHURN_RULE_KEYS = ("inactive_days", "derive")


class DataError(ValueError):
    """A problem with an analyst's files; the message names the file, column, rows and fix."""


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


@dataclass(frozen=True)
class _Advice:
    """Says how to change a setting: in the mapping file, or as an argument of a loader."""

    table: str
    mapping: Path | None = None
    function: str = ""

    def setting(self, key: str, value, section: str | None = None) -> str:
        if self.mapping is not None:
            return f"{key} = {_toml(value)} under [{section or self.table}] in {self.mapping.name}"
        return f"{key}={value!r} in {self.function}(...)"

    def column(self, course: str, name: str) -> str:
        if self.mapping is not None:
            return f"{course} = {_toml(name)} under [{self.table}.columns] in {self.mapping.name}"
        argument = COLUMN_ARGUMENTS.get(course)
        if argument and (self.table == "transactions" or course in ("customer_id", "date", "signup_date")):
            return f"{argument}={name!r} in {self.function}(...)"
        return f"columns={{{course!r}: {name!r}}} in {self.function}(...)"

    def label(self, course: str, theirs: str, ours: str) -> str:
        if self.mapping is not None:
            return f"{_toml(theirs)} = {_toml(ours)} under [{self.table}.values.{course}] in {self.mapping.name}"
        return f"values={{{course!r}: {{{theirs!r}: {ours!r}, ...}}}} in {self.function}(...)"


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


# --------------------------------------------------------------------------- reports


@dataclass
class TableReport:
    """What loading one file found and changed.

    Attributes:
        table: the course's table name.
        file: the file read.
        rows_read: data rows in the file (fully empty rows not counted).
        rows_kept: rows in the loaded table.
        excluded: reason -> file row numbers (header = row 1) of the rows left out.
        notes: everything else that was read or changed (detected formats, derived values, ...).
        columns: the course's column -> the file's column, for the columns read.
    """

    table: str
    file: str
    columns: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    rows_kept: int = 0
    excluded: dict[str, list[int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def exclude(self, reason: str, rows) -> None:
        rows = [int(r) for r in rows]
        if rows:
            self.excluded.setdefault(reason, []).extend(rows)

    @property
    def rows_excluded(self) -> int:
        return sum(len(rows) for rows in self.excluded.values())

    def __str__(self) -> str:
        lines = [f"{self.table}: {self.file}: {self.rows_read:,} rows read, {self.rows_kept:,} kept"]
        lines += [f"  - {note}" for note in self.notes]
        for reason, rows in self.excluded.items():
            shown = ", ".join(str(r) for r in rows[:SHOWN_ROWS]) + (", …" if len(rows) > SHOWN_ROWS else "")
            lines.append(f"  - excluded {len(rows):,} row(s): {reason} (row{'s' if len(rows) > 1 else ''} {shown})")
        return "\n".join(lines)


@dataclass
class LoadReport:
    """What :func:`load_own_data` read, derived, excluded and could not find. ``print`` it.

    Attributes:
        source: the mapping file (or folder) loaded.
        tables: one :class:`TableReport` per file read.
        derived: table -> how it was derived from the others (customers, churn).
        missing: tables the data does not have.
        missing_columns: table -> columns without any value.
        period_start, observation_end: first transaction day and last day covered.
        observation_end_source: where the observation end came from.
        customers, transactions: rows of the loaded tables.
        customer_ids: the file's customer id for each course ``customer_id`` when the
            file's ids were text (None when they were whole numbers, kept as they are).
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

    @property
    def rows_excluded(self) -> dict[str, int]:
        """Rows excluded per table."""
        return {name: rep.rows_excluded for name, rep in self.tables.items()}

    def __str__(self) -> str:
        day = "%Y-%m-%d"
        lines = [f"Loaded your data from {self.source}",
                 f"{self.customers:,} customers, {self.transactions:,} transactions from "
                 f"{self.period_start.strftime(day)} to {self.observation_end.strftime(day)} "
                 f"(observation end {self.observation_end_source})."]
        lines += [str(rep) for rep in self.tables.values()]
        lines += [f"{name} (derived): {how}" for name, how in self.derived.items()]
        if self.missing:
            lines.append("Not in your data (lessons skip the sections that need them): " + ", ".join(self.missing))
        if self.missing_columns:
            lines.append("Columns without values: " + "; ".join(
                f"{name}: {', '.join(cols)}" for name, cols in self.missing_columns.items()))
        lines.append("Your files were only read, never changed.")
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
        return DataError(f"{self.path}: {message}\nHow to fix: {fix}")

    def describe(self, problem: _Problem, frame: pd.DataFrame, shown: pd.Series) -> str:
        rows = np.flatnonzero(problem.mask)
        where = f"column {problem.column!r}" + (f" (the course's {problem.course})" if problem.course != problem.column else "")
        lines = [f"{self.path}, {where}: {len(rows):,} row(s) {problem.what}:"]
        values = shown.to_numpy(dtype=object)
        lines += [f"  row {frame.index[r]}: {_show(values[r])}" for r in rows[:SHOWN_ROWS]]
        if len(rows) > SHOWN_ROWS:
            lines.append(f"  … and {len(rows) - SHOWN_ROWS:,} more")
        lines.append(ROW_NOTE)
        return "\n".join(lines) + f"\nHow to fix: {problem.fix}"

    def exclusion_advice(self, problem: _Problem) -> str:
        parts = []
        if problem.is_return:
            parts.append("If these are returns (refunds), set " + self.advice.setting("exclude_returns", True, "settings")
                         + " to leave them out and count them in the load report.")
        if problem.excludable:
            parts.append("To leave such rows out and list them in the load report instead, set "
                         + self.advice.setting("on_bad_rows", "exclude", "settings") + ".")
        return " ".join(parts)


def _show(value) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return "(empty)"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return repr(value)


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
    allowed = [p for p in problems if ((p.is_return and options.exclude_returns) or (p.excludable and options.on_bad_rows == "exclude"))
               and 2 * p.mask.sum() <= len(frame)]
    refused = [p for p in problems if not any(p is q for q in allowed)]
    if refused:
        first = refused[0]
        text = file.describe(first, frame, shown.get(first.course, frame.get(first.course)))
        advice = file.exclusion_advice(first) if 2 * first.mask.sum() <= len(frame) else ""
        if advice:
            text += " " + advice
        if len(refused) > 1:
            text += "\nThis file has other problems too: " + "; ".join(
                f"{int(p.mask.sum()):,} row(s) {p.reason} (column {p.column!r})" for p in refused[1:]) + "."
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


def _encoding_error(path: Path, data: bytes, err: UnicodeDecodeError, options: ReadOptions, advice: _Advice) -> DataError:
    """Where the undecodable byte is (row and column), shown as the suggested encoding would read it."""
    suggestion = "cp1252" if options.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else "utf-8"
    line_start = data.rfind(b"\n", 0, err.start) + 1
    line_end = data.find(b"\n", err.start)
    row = data.count(b"\n", 0, err.start) + 1
    text = data.decode(suggestion, errors="replace")
    delimiter = options.delimiter or _detect_delimiter(text)
    lines = text.splitlines()
    header = next(csv.reader([lines[options.header_row - 1]], delimiter=delimiter), []) if len(lines) >= options.header_row else []
    before = data[line_start:err.start].decode(suggestion, errors="replace")
    position = len(next(csv.reader([before], delimiter=delimiter), [""])) - 1 if before else 0
    column = f"column {header[position]!r}" if 0 <= position < len(header) else "a column"
    shown = data[line_start:line_end if line_end >= 0 else len(data)].decode(suggestion, errors="replace").strip()[:80]
    return DataError(
        f"{path}: the text is not valid {options.encoding}: byte 0x{data[err.start]:02X} in {column}, row {row} "
        f"({shown!r} if read as {suggestion}) cannot be read.\n{ROW_NOTE}\n"
        f"How to fix: files saved by Excel or older programs are often in the Windows encoding; set "
        f"{advice.setting('encoding', suggestion)}, or save the file again as \"CSV UTF-8\"."
    )


def _read_text(path: Path, options: ReadOptions, advice: _Advice) -> tuple[pd.DataFrame, str]:
    data = path.read_bytes()
    if not data.strip():
        raise DataError(f"{path}: the file is empty.\nHow to fix: export the table again with a header row "
                        f"and at least one row of data, or choose another file.")
    encoding = options.encoding
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        raise _encoding_error(path, data, err, options, advice) from None
    except LookupError:
        raise DataError(f"{path}: unknown text encoding {encoding!r}.\nHow to fix: use a Python encoding name such as "
                        f"\"utf-8\", \"cp1252\" or \"latin-1\": {advice.setting('encoding', 'cp1252')}.") from None
    delimiter = options.delimiter or _detect_delimiter(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_values=[""],
                            skip_blank_lines=False, skiprows=options.header_row - 1)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: no header row at row {options.header_row}: the file has nothing there.\n"
                        f"How to fix: check header_row, or {advice.setting('header_row', 1)}.") from None
    except pd.errors.ParserError as err:
        raise DataError(f"{path}: the file cannot be split into columns with the delimiter {delimiter!r}: {err}.\n"
                        f"How to fix: a field that contains the delimiter must be in double quotes; or set the right "
                        f"delimiter: {advice.setting('delimiter', ';' if delimiter != ';' else ',')}.") from None
    how = "given" if options.delimiter else "detected"
    return frame, f"read as text ({encoding}) with delimiter {delimiter!r} ({how})"


def _read_excel(path: Path, options: ReadOptions, advice: _Advice) -> tuple[pd.DataFrame, str]:
    try:
        book = pd.ExcelFile(path)
    except ImportError as err:
        raise DataError(f"{path}: reading Excel files needs the package openpyxl ({err}).\n"
                        f"How to fix: `pip install openpyxl`, or save the sheet as CSV.") from None
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise DataError(f"{path}: not a readable Excel file ({err}).\nHow to fix: open it in Excel and save it "
                        f"again as .xlsx, or save the sheet as CSV.") from None
    with book:
        sheet = options.sheet if options.sheet is not None else 0
        names = book.sheet_names
        if isinstance(sheet, str) and sheet not in names:
            close = difflib.get_close_matches(sheet, names, n=1, cutoff=0.5)
            hint = f" Closest match: {close[0]!r}." if close else ""
            raise DataError(f"{path}: no sheet named {sheet!r}; the workbook has the sheets {names}.{hint}\n"
                            f"How to fix: {advice.setting('sheet', close[0] if close else names[0])}.")
        frame = pd.read_excel(book, sheet_name=sheet, header=options.header_row - 1, dtype=object)
    frame = frame.map(lambda v: v.strip() or np.nan if isinstance(v, str) else v)  # blank cells count as empty
    name = sheet if isinstance(sheet, str) else names[sheet]
    return frame, f"read from the Excel sheet {name!r}"


def _read_raw(path: Path, options: ReadOptions, advice: _Advice) -> tuple[pd.DataFrame, str]:
    """The file's table as read (text or Excel/Parquet values), index = row numbers in the file."""
    if not path.is_file():
        folder = path.parent
        if not folder.is_dir():
            raise DataError(f"{path}: there is no folder {folder}.\nHow to fix: check the path (it is relative to "
                            f"{'the mapping file' if advice.mapping else 'the working folder, ' + str(Path.cwd())}).")
        present = sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        close = difflib.get_close_matches(path.name, present, n=1, cutoff=0.4)
        hint = f" Closest match: {close[0]!r}." if close else ""
        raise DataError(f"{path}: the file does not exist. The folder {folder} holds: {', '.join(present) or 'nothing'}.{hint}\n"
                        f"How to fix: " + (advice.setting("file", close[0] if close else path.name) if advice.mapping
                                           else "pass the right path") + ".")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        frame, how = _read_text(path, options, advice)
    elif suffix in EXCEL_SUFFIXES:
        frame, how = _read_excel(path, options, advice)
    elif suffix in PARQUET_SUFFIXES:
        try:
            frame = pd.read_parquet(path)
        except ImportError as err:
            raise DataError(f"{path}: reading Parquet files needs the package pyarrow ({err}).\n"
                            f"How to fix: `pip install pyarrow`, or save the table as CSV.") from None
        except Exception as err:  # pyarrow raises several kinds of errors for a damaged file
            raise DataError(f"{path}: not a readable Parquet file ({err}).\nHow to fix: export the table again.") from None
        how = "read from Parquet"
    else:
        raise DataError(f"{path}: cannot read {suffix or 'files without an extension'}.\nHow to fix: save the table as "
                        f"CSV (.csv), Excel (.xlsx) or Parquet (.parquet).")
    if frame.shape[1] == 0:
        raise DataError(f"{path}: the file is empty.\nHow to fix: export the table again with a header row and data.")
    frame.columns = [str(c).strip() for c in frame.columns]
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
    """course column -> the file's column, checking that the wanted columns are there."""
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
            file.report.notes.append(f"column {wanted!r} found as {same!r} (ignoring case and spaces)")
            continue
        if course not in REQUIRED[table] and course not in columns:
            continue
        if present and sum(_looks_like_data(name) for name in present) * 2 >= len(present):
            raise file.error(
                f"the first row ({', '.join(repr(p) for p in present[:6])}) looks like data, not column names: "
                f"the file has no header row.",
                "add a first row naming the columns (e.g. customer_id, date, amount), then map them; "
                "or, if the names are on a later row, " + file.advice.setting("header_row", 2) + ".")
        close = _closest(str(wanted), course, present)
        role = "the course's " + course + (", which this table needs" if course in REQUIRED[table] else "")
        listed = ", ".join(repr(p) for p in present)
        fix = file.advice.column(course, close or "<your column>")
        if len(present) == 1 and file.path.suffix.lower() in TEXT_SUFFIXES:
            fix += (f". The file seems to have a single column: if its fields are separated by another character, "
                    f"{file.advice.setting('delimiter', ';')}")
        raise DataError(
            f"{file.path}: no column {wanted!r} ({role}).\nThe file has the columns: {listed}."
            + (f"\nClosest match: {close!r}." if close else "")
            + f"\nHow to fix: name the column that holds it: {fix}.")
    return found


# --------------------------------------------------------------------------- converting columns


def _as_text(series: pd.Series) -> pd.Series:
    """The values as stripped text (empty -> missing); whole numbers from Excel without '.0'."""
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
    text = text.str.strip()
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

    Parameters:
        series: the values (text, or numbers already).
        decimal: the decimal separator, ``"."`` or ``","``.
        thousands: the thousands separator(s); None means the other one of ``.`` and ``,``.
            Spaces and apostrophes are always accepted as thousands separators.

    Returns:
        ``(values, bad)``: float array (NaN where empty or unreadable) and a boolean array
        marking the non-empty values that are not numbers.

    Example:
        >>> values, bad = parse_numbers(pd.Series(["1.234,50 €", "(12,00)", "12.5", None]), decimal=",")
        >>> values.tolist(), bad.tolist()
        ([1234.5, -12.0, nan, nan], [False, False, True, False])
    """
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
        is_number = series.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool)).to_numpy(dtype=bool)
        numbers = np.where(is_number, pd.to_numeric(series.where(is_number), errors="coerce"), np.nan)
        series = series.where(~is_number)
    text = _as_text(series)
    present = text.notna().to_numpy()
    if decimal == ".":
        fast = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        if not (present & np.isnan(fast)).any():
            return (fast if numbers is None else np.where(np.isnan(fast), numbers, fast)), np.zeros(len(text), dtype=bool)
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


def _number_fix(file: _File, raw: pd.Series, bad: np.ndarray) -> str:
    other = "," if file.options.decimal == "." else "."
    sample = raw[bad].head(200)
    _, still_bad = parse_numbers(sample, decimal=other)
    if len(sample) and not still_bad.any():
        return (f"these look like numbers written with {other!r} as the decimal separator: "
                f"{file.advice.setting('decimal', other)}.")
    return ("correct these cells (a number, optionally with a currency sign and thousands separators, "
            f"decimal separator {file.options.decimal!r}).")


def parse_dates(series: pd.Series, date_format: str | None = None) -> tuple[pd.Series, np.ndarray, str]:
    """Read dates written as text in one format (given, or detected from the values).

    Parameters:
        series: the values (text, or dates already, as Excel and Parquet give them).
        date_format: a ``strftime`` format such as ``"%d/%m/%Y"``; None or ``"auto"``
            tries :data:`DATE_FORMATS` and keeps the one that reads the most values.

    Returns:
        ``(dates, bad, how)``: the dates (``datetime64[ns]``, the day only), a boolean array
        marking non-empty values that are not dates in that format, and the format used
        with "given" or "detected".

    Raises:
        DataError: the values fit two formats that disagree (such as 03/04/2024 as
            3 April or March 4): the message asks for ``date_format``.

    Example:
        >>> dates, bad, how = parse_dates(pd.Series(["31/01/2024", "01/02/2024", "32/01/2024"]))
        >>> dates.dt.strftime("%Y-%m-%d").tolist()[:2], bad.tolist(), how
        (['2024-01-31', '2024-02-01'], [False, False, True], "'%d/%m/%Y' (detected)")
    """
    if date_format == "auto":
        date_format = None
    if pd.api.types.is_datetime64_any_dtype(series):
        dates = pd.Series(pd.to_datetime(series).to_numpy(), index=series.index)
        return dates.dt.normalize().astype("datetime64[ns]"), np.zeros(len(series), dtype=bool), "stored as dates"
    kind = pd.api.types.infer_dtype(series, skipna=True)
    native = None
    if kind not in ("string", "empty"):
        is_date = series.map(lambda v: isinstance(v, (pd.Timestamp, _dt.datetime, _dt.date))).to_numpy(dtype=bool)
        native = pd.to_datetime(series.where(is_date), errors="coerce")
        series = series.where(~is_date)
    text = _as_text(series)
    codes, uniques = pd.factorize(text)
    if date_format is not None:
        parsed, how = pd.to_datetime(uniques, format=date_format, errors="coerce"), f"{date_format!r} (given)"
    elif len(uniques) == 0:
        parsed, how = pd.DatetimeIndex([]), "stored as dates"
    else:
        tries = [(fmt, pd.to_datetime(uniques, format=fmt, errors="coerce")) for fmt in DATE_FORMATS]
        counts = [int(p.notna().sum()) for _, p in tries]
        best = max(counts)
        full = [(fmt, p) for (fmt, p), n in zip(tries, counts) if n == best]
        fmt, parsed = full[0]
        for other_fmt, other in full[1:]:
            both = parsed.notna() & other.notna()
            if (parsed[both] != other[both]).any():
                example = uniques[np.flatnonzero(both & (parsed != other))[0]]
                raise DataError(
                    f"the dates fit both {fmt!r} and {other_fmt!r}, which read {example!r} differently "
                    f"({parsed[uniques.get_loc(example)]:%d %B %Y} or {other[uniques.get_loc(example)]:%d %B %Y})")
        how = f"{fmt!r} (detected)" if best else ""
    values = np.asarray(parsed.to_numpy(dtype="datetime64[ns]"))
    dates = np.where(codes >= 0, values[np.maximum(codes, 0)] if len(values) else np.datetime64("NaT"), np.datetime64("NaT"))
    dates = pd.Series(dates.astype("datetime64[ns]"), index=text.index)
    bad = (text.notna() & dates.isna()).to_numpy()
    if native is not None:
        dates = dates.where(native.isna(), native.astype("datetime64[ns]"))
    return dates.dt.normalize().astype("datetime64[ns]"), bad, how


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
        noun = col.name.replace("_", " ")
        add(missing, f"have no {noun} (the cell is empty)",
            f"fill in the {noun} of these rows, or delete them if they are not real records.", f"no {noun}")

    if col.dtype.startswith("datetime"):
        try:
            dates, bad, how = parse_dates(raw, options.date_format)
        except DataError as err:
            raise file.error(f"column {name!r}: {err}.", advice.setting("date_format", "%d/%m/%Y") + ".") from None
        if bad.any():
            fmt = options.date_format or (how.split(" (")[0].strip("'") if how else "%d/%m/%Y")
            add(bad, f"have a date that cannot be read with the format {how}" if how else "are not dates in a format the course knows",
                f"correct these cells, or give the format your dates use, e.g. {advice.setting('date_format', fmt)} "
                "(codes: %d day, %m month, %Y year, %y two-digit year, %b month name).", "unreadable date")
        if not bad.all():
            file.report.notes.append(f"{col.name} ({name!r}): dates read as {how}")
        return dates

    if col.dtype == "category":
        text = _as_text(raw)
        given = {str(k): str(v) for k, v in options.values.get(col.name, {}).items()}
        course_labels = list(schema.CATEGORIES[col.name])
        if col.name not in OPEN_LABELS:
            wrong = {k: v for k, v in given.items() if v not in course_labels}
            if wrong:
                theirs, ours = next(iter(wrong.items()))
                raise file.error(f"the recoding of column {name!r} maps {theirs!r} to {ours!r}, which is not a label "
                                 f"of the course's {col.name}: {', '.join(course_labels)}.",
                                 advice.label(col.name, theirs, course_labels[0]))
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
            listed = ", ".join(f"{k!r} ({v:,} row{'s' if v > 1 else ''})" for k, v in counts.head(8).items())
            example = str(counts.index[0])
            guess = (difflib.get_close_matches(example.lower(), course_labels, n=1, cutoff=0.0) or course_labels)[0]
            add(mask, f"have labels the course's {col.name} does not know: {listed}; the course's labels are "
                f"{', '.join(course_labels)}",
                "say which course label each of yours means, e.g. " + advice.label(col.name, example, guess) + ".",
                f"unknown {col.name} label", excludable=False)
            return None
        changed = {k: v for k, v in recode.items() if k != v}
        if changed:
            shown = ", ".join(f"{k!r} → {v!r}" for k, v in list(changed.items())[:6]) + (", …" if len(changed) > 6 else "")
            file.report.notes.append(f"{col.name} ({name!r}): labels recoded: {shown}")
        mapped = text.map(recode)
        labels = sorted(set(recode.values()))
        if set(labels) <= set(course_labels):
            labels = course_labels
        return pd.Series(pd.Categorical(mapped, categories=labels, ordered=col.name == "stage"), index=raw.index)

    if col.dtype == "bool":
        text = _as_text(raw).str.lower()
        value = text.map(lambda v: True if v in _TRUE else (False if v in _FALSE else None))
        bad = (text.notna() & value.isna()).to_numpy(dtype=bool)
        add(bad, "are not yes/no values", "write yes/no, true/false, sí/no or 1/0 in these cells.", f"unreadable {col.name}")
        return value.astype("boolean")

    if col.name.endswith("_id"):
        text = _as_text(raw)
        if col.name == UNIQUE.get(table):
            dup = text.duplicated(keep=False).to_numpy() & text.notna().to_numpy()
            add(dup, f"repeat {col.name.replace('_', ' ')}s that must be unique in the {table} table",
                "each id must appear once: remove the duplicated rows or give them their own ids.",
                f"duplicate {col.name}", excludable=False)
        return text

    values, bad = parse_numbers(raw, options.decimal, options.thousands)
    if bad.any():
        add(bad, "are not numbers", _number_fix(file, raw, bad), f"unreadable {col.name}")
    if not bad.all() and pd.api.types.is_string_dtype(raw) and col.unit.startswith("currency"):
        file.report.notes.append(f"{col.name} ({name!r}): numbers read with decimal {options.decimal!r}")
    ok = ~np.isnan(values)
    scale = _scale(col)
    if col.dtype == "int64":
        fraction = ok & (values != np.round(values))
        add(fraction, "are not whole numbers", "write whole numbers in these cells.", f"{col.name} not whole")
        ok &= ~fraction
    if scale is not None:
        low, high = scale
        outside = ok & ((values < low) | (values > high))
        add(outside, f"are outside the {col.name} scale {low:g}–{high:g}",
            f"the course reads {col.name} on a {low:g}–{high:g} scale ({col.meaning}); correct these answers or "
            f"convert your scale to {low:g}–{high:g}.", f"{col.name} outside {low:g}–{high:g}")
    elif col.unit.startswith("currency") or col.unit in ("months", "years"):
        negative = ok & (values < 0)
        is_return = table == "transactions" and col.name == "amount"
        add(negative, "are negative" + (" (returns or refunds?)" if is_return else ""),
            "correct these cells." if not is_return else "amounts are what customers paid, so they cannot be negative.",
            "returns (negative amount)" if is_return else f"negative {col.name}", is_return=is_return)
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
            out[col.name] = (pd.Series(pd.NaT, index=frame.index) if values is None else values).astype("datetime64[ns]").to_numpy()
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

    Example:
        >>> empty_table("surveys").dtypes["satisfaction"], len(empty_table("surveys"))
        (dtype('int64'), 0)
    """
    out = {}
    for col in schema.TABLES[table]:
        if col.dtype == "category":
            out[col.name] = pd.Categorical([], categories=list(schema.CATEGORIES[col.name]), ordered=col.name == "stage")
        else:
            out[col.name] = np.array([], dtype=col.dtype)
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- one table


def _load(table: str, path, columns: dict[str, str], options: ReadOptions, advice: _Advice) -> tuple[pd.DataFrame, TableReport]:
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
        file.report.notes.append(f"skipped {len(rows):,} empty row(s) (rows {shown})")
    if len(frame) == 0:
        raise file.error(f"the file has a header ({', '.join(repr(c) for c in frame.columns[:8])}) but no rows of data.",
                         "export the table again with its rows, or leave this table out if you do not have it.")
    file.report.rows_read = len(frame)
    problems: list[_Problem] = []
    converted, shown = {}, {}
    for col in schema.TABLES[table]:
        if col.name in found:
            raw = frame[found[col.name]]
            shown[col.name] = raw
            converted[col.name] = _convert_column(file, raw, found[col.name], col, problems)
    out = pd.DataFrame({k: v for k, v in converted.items() if v is not None}, index=frame.index)
    out = _screen(file, out, problems, shown)
    for col in schema.TABLES[table]:
        if col.name.endswith("_id") and col.name != "customer_id" and col.name in out.columns:
            out[col.name] = _number_ids(out[col.name], file.report, col.name)
    file.report.rows_kept = len(out)
    return out, file.report


def _number_ids(text: pd.Series, report: TableReport, name: str) -> pd.Series:
    """Ids as integers: whole-number ids kept, text ids numbered 1, 2, ... in order of appearance."""
    present = text.dropna()
    if present.str.fullmatch(r"\d{1,18}").all():
        return pd.to_numeric(text).astype("float64" if text.isna().any() else "int64")
    codes, uniques = pd.factorize(text)
    report.notes.append(f"{name}: ids are text (e.g. {uniques[0]!r}); numbered 1–{len(uniques):,} in order of appearance")
    return pd.Series(np.where(codes >= 0, codes + 1, np.nan), index=text.index).astype("float64" if (codes < 0).any() else "int64")


def _customer_ids_as_numbers(text: pd.Series) -> pd.Series | None:
    """Whole-number customer ids as int64 (None if any id is text)."""
    present = text.dropna().astype("str")
    if len(present) and present.str.fullmatch(r"\d{1,18}").all():
        return pd.to_numeric(text).astype("int64")
    return None


def _options(defaults: ReadOptions | None = None, **settings) -> ReadOptions:
    options = defaults or ReadOptions()
    unknown = [k for k in settings if k not in ReadOptions.__dataclass_fields__]
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(ReadOptions.__dataclass_fields__), n=1)
        raise TypeError(f"unknown option {unknown[0]!r}" + (f"; did you mean {close[0]!r}?" if close else ""))
    settings = {k: v for k, v in settings.items() if v is not None or k in ("date_format", "thousands", "sheet")}
    if "observation_end" in settings and settings["observation_end"] is not None:
        settings["observation_end"] = pd.Timestamp(settings["observation_end"])
    options = replace(options, **settings)
    if options.decimal not in (".", ","):
        raise DataError(f"decimal must be \".\" or \",\", not {options.decimal!r}")
    if options.on_bad_rows not in ("raise", "exclude"):
        raise DataError(f"on_bad_rows must be \"raise\" or \"exclude\", not {options.on_bad_rows!r}")
    return options


def _single(table: str, function: str, path, columns: dict, settings: dict) -> pd.DataFrame:
    options = _options(**settings)
    advice = _Advice(table, None, function)
    frame, report = _load(table, path, {k: v for k, v in columns.items() if v is not None}, options, advice)
    file = _File(Path(path), table, advice, options)
    file.report = report
    end = options.observation_end
    frame = _check_dates(file, frame, end if end is not None else pd.Timestamp(_dt.date.today()),
                         "the observation end" if end is not None else "today")
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
    key = {"transactions": "date", "surveys": "date", "interactions": "date", "churn": "date", "bonds": "start_date"}.get(table)
    if key and key in frame.columns:
        frame = frame.sort_values(key, kind="stable")
    unique = UNIQUE.get(table)
    if table not in ("churn", "customers", "employees") and unique not in frame.columns:
        frame = frame.assign(**{unique: np.arange(1, len(frame) + 1, dtype=np.int64)})  # numbered in date order
    return frame


def _check_dates(file: _File, frame: pd.DataFrame, end: pd.Timestamp, what: str) -> pd.DataFrame:
    """Refuse (or exclude) rows dated after ``end``."""
    problems, shown = [], {}
    for col in schema.TABLES[file.table]:
        if col.dtype.startswith("datetime") and col.name in frame.columns:
            late = (frame[col.name] > end).to_numpy()
            if late.any():
                fix = ("correct these dates" + (f", or, if your data runs longer, {file.advice.setting('observation_end', '<the last day>', 'settings')}"
                                                if what == "the observation end" else "") + ".")
                problems.append(_Problem(file.report.columns.get(col.name, col.name), col.name, late,
                                         f"are after {what} ({end:%Y-%m-%d})", fix,
                                         f"{col.name} after {what}"))
                shown[col.name] = frame[col.name]
    return _screen(file, frame, problems, shown)


def load_transactions(path, *, customer_col: str, date_col: str, amount_col: str, category_col: str | None = None,
                      channel_col: str | None = None, cost_col: str | None = None, columns: dict | None = None,
                      date_format: str | None = None, decimal: str = ".", sheet=None, **options) -> pd.DataFrame:
    """Read a file of purchases into the course's ``transactions`` table.

    Parameters:
        path: a CSV (any delimiter), Excel or Parquet file.
        customer_col, date_col, amount_col: your names of the customer id, the purchase
            day and the amount paid (in your currency).
        category_col, channel_col, cost_col: your names of the optional product category,
            sales channel (recoded to web / phone / email / face_to_face with
            ``values={"channel": {...}}``) and cost of goods.
        columns: further course column -> your column (``promotion``, ``transaction_id``).
        date_format: e.g. ``"%d/%m/%Y"``; None detects it.
        decimal: ``"."`` or ``","``; thousands separators and currency signs are removed.
        sheet: the Excel sheet (name or position; default the first).
        options: any of ``thousands``, ``delimiter``, ``encoding``, ``header_row``,
            ``values``, ``on_bad_rows`` ("raise"/"exclude"), ``exclude_returns`` (bool),
            ``observation_end`` (dates after it are refused; default today).

    Returns:
        The transactions with the schema's columns (absent ones missing), sorted by date;
        ``customer_id`` is int64 when your ids are whole numbers, else your text ids (
        :func:`load_own_data` numbers them). ``frame.attrs["load_report"]`` is a
        :class:`TableReport` of what was read and excluded.

    Raises:
        DataError: the file or a value does not fit; the message says where and how to fix it.

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "sales.csv").write_text("Client;Day;Total\\n7;31/01/2024;1.234,50 €\\n")
        >>> sales = load_transactions(folder / "sales.csv", customer_col="Client", date_col="Day",
        ...                           amount_col="Total", decimal=",")
        >>> sales[["customer_id", "date", "amount"]].to_dict("records")
        [{'customer_id': 7, 'date': Timestamp('2024-01-31 00:00:00'), 'amount': 1234.5}]
    """
    mapped = {"customer_id": customer_col, "date": date_col, "amount": amount_col, "category": category_col,
              "channel": channel_col, "cost": cost_col, **(columns or {})}
    return _single("transactions", "load_transactions", path, mapped,
                   dict(date_format=date_format, decimal=decimal, sheet=sheet, **options))


def load_customers(path, *, customer_col: str, signup_col: str | None = None, columns: dict | None = None,
                   date_format: str | None = None, decimal: str = ".", sheet=None, **options) -> pd.DataFrame:
    """Read a customer list into the course's ``customers`` table (one row per customer).

    Parameters:
        path, date_format, decimal, sheet, options: as for :func:`load_transactions`.
        customer_col: your name of the customer id (must be unique).
        signup_col: your name of the day the customer joined (optional).
        columns: further course column -> your column, e.g. ``{"segment": "Tipo",
            "region": "Zona"}`` with ``values={"segment": {"Empresa": "B2B", ...}}``.

    Returns:
        The customers with the schema's columns; see :func:`load_transactions`.

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "clients.csv").write_text("id,since,type\\n1,2024-01-05,Empresa\\n")
        >>> load_customers(folder / "clients.csv", customer_col="id", signup_col="since",
        ...                columns={"segment": "type"}, values={"segment": {"Empresa": "B2B"}})["segment"].tolist()
        ['B2B']
    """
    mapped = {"customer_id": customer_col, "signup_date": signup_col, **(columns or {})}
    return _single("customers", "load_customers", path, mapped, dict(date_format=date_format, decimal=decimal, sheet=sheet, **options))


def load_surveys(path, *, customer_col: str, date_col: str, columns: dict | None = None,
                 date_format: str | None = None, decimal: str = ".", sheet=None, **options) -> pd.DataFrame:
    """Read survey answers into the course's ``surveys`` table.

    Parameters:
        path, date_format, decimal, sheet, options: as for :func:`load_transactions`.
        customer_col, date_col: your names of the customer id and the day of the answer.
        columns: course column -> your column for the scores you have: ``satisfaction``
            (1–5), ``recommend`` (0–10), ``trust``, ``commitment`` (1–5), ``expectation``,
            ``perception`` (1–7). A score outside its scale is refused.

    Returns:
        The survey answers with the schema's columns; a score with empty cells is
        ``float64`` (NaN where not answered).

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "nps.csv").write_text("who,when,score\\n3,2024-02-01,9\\n")
        >>> load_surveys(folder / "nps.csv", customer_col="who", date_col="when",
        ...              columns={"recommend": "score"})["recommend"].tolist()
        [9]
    """
    mapped = {"customer_id": customer_col, "date": date_col, **(columns or {})}
    return _single("surveys", "load_surveys", path, mapped, dict(date_format=date_format, decimal=decimal, sheet=sheet, **options))


def load_interactions(path, *, customer_col: str, date_col: str, columns: dict | None = None,
                      date_format: str | None = None, decimal: str = ".", sheet=None, **options) -> pd.DataFrame:
    """Read contacts (calls, e-mails, visits, complaints) into the course's ``interactions`` table.

    Parameters:
        path, date_format, decimal, sheet, options: as for :func:`load_transactions`.
        customer_col, date_col: your names of the customer id and the day of the contact.
        columns: course column -> your column: ``channel``, ``type`` (purchase,
            service_request, complaint, inquiry), ``resolved`` (yes/no), ``rating`` (1–5),
            ``employee_id``, ``interaction_id``.

    Returns:
        The contacts with the schema's columns.

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "calls.csv").write_text("who,when,why,ok\\n3,2024-02-01,Queja,Sí\\n")
        >>> calls = load_interactions(folder / "calls.csv", customer_col="who", date_col="when",
        ...                           columns={"type": "why", "resolved": "ok"}, values={"type": {"Queja": "complaint"}})
        >>> calls[["type", "resolved"]].to_dict("records")
        [{'type': 'complaint', 'resolved': True}]
    """
    mapped = {"customer_id": customer_col, "date": date_col, **(columns or {})}
    return _single("interactions", "load_interactions", path, mapped, dict(date_format=date_format, decimal=decimal, sheet=sheet, **options))


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
    return DataError(f"{where}: {message}\nHow to fix: {fix}")


def _check_keys(where: Path, section: str, given: dict, allowed) -> None:
    for key in given:
        if key not in allowed:
            close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.5)
            raise _mapping_error(where, f"unknown key {key!r} in [{section}].",
                                 (f"did you mean {close[0]!r}? " if close else "") + f"The keys of [{section}] are: {', '.join(allowed)}.")


def _section_options(where: Path, section: str, given: dict, base: ReadOptions) -> ReadOptions:
    settings = {k: v for k, v in given.items() if k in SETTINGS or k in ("sheet", "values")}
    for key, kind in (("decimal", str), ("thousands", str), ("encoding", str), ("delimiter", str), ("date_format", str),
                      ("on_bad_rows", str), ("exclude_returns", bool), ("header_row", int), ("values", dict)):
        if key in settings and not isinstance(settings[key], kind):
            raise _mapping_error(where, f"{key} in [{section}] must be a {kind.__name__}, not {settings[key]!r}.",
                                 "see the comments in datasets/examples/messy_shop/mapping.toml for examples.")
    if "delimiter" in settings and settings["delimiter"] in ("\\t", "tab"):
        settings["delimiter"] = "\t"
    if "observation_end" in settings:
        try:
            settings["observation_end"] = pd.Timestamp(settings["observation_end"])
        except (ValueError, TypeError):
            raise _mapping_error(where, f"observation_end = {settings['observation_end']!r} is not a date.",
                                 'write it as observation_end = "2024-12-31".') from None
    if settings.get("decimal", ".") not in (".", ","):
        raise _mapping_error(where, f"decimal in [{section}] must be \".\" or \",\".", 'decimal = ","')
    if settings.get("on_bad_rows", "raise") not in ("raise", "exclude"):
        raise _mapping_error(where, f"on_bad_rows in [{section}] must be \"raise\" or \"exclude\".", 'on_bad_rows = "exclude"')
    if settings.get("date_format") == "auto":
        settings["date_format"] = None
    return replace(base, **settings)


def read_mapping(source, **overrides) -> _Mapping:
    """Read and check a mapping file (or a folder holding ``mapping.toml`` or course-named files)."""
    path = Path(source).expanduser()
    if path.is_dir():
        mapping_file = path / MAPPING_FILE
        if not mapping_file.is_file():
            return _default_mapping(path, overrides)
    else:
        mapping_file = path
    if not mapping_file.is_file():
        raise DataError(f"{mapping_file}: no such file or folder.\nHow to fix: give the folder of your data files "
                        f"(holding a {MAPPING_FILE}) or the mapping file's path.")
    try:
        data = tomllib.loads(mapping_file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise _mapping_error(mapping_file, f"the mapping file is not valid TOML: {err}.",
                             'text values need double quotes (file = "sales.csv"); each [section] once.') from None
    except UnicodeDecodeError:
        raise _mapping_error(mapping_file, "the mapping file is not UTF-8 text.", "save it as UTF-8.") from None
    base = mapping_file.parent
    _check_keys(mapping_file, "the mapping file", data, ("settings", *schema.TABLES))
    _check_keys(mapping_file, "settings", data.get("settings", {}), SETTINGS)
    settings = _section_options(mapping_file, "settings", data.get("settings", {}), ReadOptions())
    settings = _options(settings, **overrides)
    if "transactions" not in data:
        raise _mapping_error(mapping_file, "the mapping has no [transactions] section; the transactions are the one "
                             "table every lesson needs.", '[transactions]\nfile = "your_sales.csv"\n(then its [transactions.columns])')
    tables, churn_rule = {}, {}
    for table in schema.TABLES:
        if table not in data:
            continue
        section = data[table]
        if not isinstance(section, dict):
            raise _mapping_error(mapping_file, f"{table} must be a section [{table}].", f'[{table}]\nfile = "..."')
        allowed = TABLE_KEYS + (CHURN_RULE_KEYS if table == "churn" else ())
        _check_keys(mapping_file, table, section, allowed)
        if table == "churn":
            churn_rule = {k: section[k] for k in CHURN_RULE_KEYS if k in section}
            days = churn_rule.get("inactive_days", DEFAULT_INACTIVE_DAYS)
            if not isinstance(days, int) or isinstance(days, bool) or days < 1:
                raise _mapping_error(mapping_file, f"inactive_days under [churn] must be a whole number of days, not {days!r}.",
                                     "inactive_days = 180")
            if "file" not in section:
                continue
        if "file" not in section:
            raise _mapping_error(mapping_file, f"[{table}] does not say which file holds the {table}.",
                                 f'file = "{table}.csv" under [{table}] (or remove the section if you do not have this table).')
        columns = section.get("columns", {})
        known = [c.name for c in schema.TABLES[table]]
        for course, theirs in columns.items():
            if course not in known:
                close = difflib.get_close_matches(course, known, n=1, cutoff=0.5)
                raise _mapping_error(mapping_file, f"[{table}.columns] names {course!r}, which is not a column of the "
                                     f"course's {table} table ({', '.join(known)}).",
                                     (f"did you mean {close[0]!r}? " if close else "")
                                     + "On the left the course's name, on the right yours: customer_id = \"Cliente\".")
            if not isinstance(theirs, str):
                raise _mapping_error(mapping_file, f"[{table}.columns] {course} = {theirs!r}: your column's name must be text.",
                                     f'{course} = "Your column"')
        for course in section.get("values", {}):
            if course not in known or schema.TABLES[table][known.index(course)].dtype != "category":
                labelled = [c.name for c in schema.TABLES[table] if c.dtype == "category"]
                raise _mapping_error(mapping_file, f"[{table}.values.{course}]: only label columns can be recoded; "
                                     f"those of {table} are {', '.join(labelled)}.", f"[{table}.values.{labelled[0]}]")
        options = _section_options(mapping_file, table, section, settings)
        options = _options(options, **overrides)
        tables[table] = (base / section["file"], dict(columns), options)
    return _Mapping(mapping_file, base, settings, tables, churn_rule, mapping_file)


def _default_mapping(folder: Path, overrides: dict) -> _Mapping:
    """A folder without a mapping file: files named like the course's tables, with its column names."""
    settings = _options(ReadOptions(), **overrides)
    tables = {}
    for table in schema.TABLES:
        for suffix in (".csv", ".xlsx", ".parquet", ".tsv", ".txt"):
            if (folder / f"{table}{suffix}").is_file():
                tables[table] = (folder / f"{table}{suffix}", {}, settings)
                break
    if "transactions" not in tables:
        present = sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []
        raise DataError(f"{folder}: no {MAPPING_FILE} and no transactions file (transactions.csv, .xlsx or .parquet). "
                        f"The folder holds: {', '.join(present) or 'nothing'}.\n"
                        f"How to fix: write a {MAPPING_FILE} in this folder naming your files and columns "
                        f"(see datasets/examples/README.md), or name your purchases file transactions.csv with the "
                        f"columns customer_id, date, amount.")
    return _Mapping(folder, folder, settings, tables, {}, None)


# --------------------------------------------------------------------------- the whole company


def load_own_data(source, **settings) -> Company:
    """Load an analyst's files into a :class:`~helpers.synthetic.Company` the lessons can use.

    Parameters:
        source: a folder holding ``mapping.toml`` (or, without one, files named like the
            course's tables: ``transactions.csv``, ...), or the path of a mapping file.
            The mapping file is described in this module's docstring.
        settings: override the mapping's ``[settings]``, e.g. ``on_bad_rows="raise"``.

    Returns:
        The company: supplied tables loaded and checked, customers and churn derived when
        absent (see the module docstring), other absent tables empty and listed in
        ``company.missing``; ``company.truth`` is None; ``company.load_report`` says what
        was read, derived and excluded (``print(company.load_report)``).

    Raises:
        DataError: a file, column or value does not fit (the message says where and how to fix it).

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "transactions.csv").write_text("customer_id,date,amount\\n1,2024-01-05,10\\n2,2024-03-01,5\\n")
        >>> company = load_own_data(folder)
        >>> company.missing, company.has("customers", "segment"), len(company.churn)
        (('interactions', 'surveys', 'bonds', 'employees'), False, 0)
    """
    mapping = read_mapping(source, **settings)
    report = LoadReport(source=str(mapping.source))
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, _File] = {}
    for table in ("transactions", "customers", "surveys", "interactions", "bonds", "churn", "employees"):
        if table not in mapping.tables:
            continue
        path, columns, options = mapping.tables[table]
        advice = _Advice(table, mapping.mapping_file or (mapping.base / MAPPING_FILE), "load_own_data")
        frames[table], report.tables[table] = _load(table, path, columns, options, advice)
        files[table] = _File(path, table, advice, options)
        files[table].report = report.tables[table]

    tx = frames["transactions"]
    given_end = mapping.settings.observation_end
    if given_end is not None:
        end, report.observation_end_source = given_end, "from the mapping file"
    else:
        today = pd.Timestamp(_dt.date.today())
        frames["transactions"] = tx = _check_dates(files["transactions"], tx, today, "today")
        end, report.observation_end_source = tx["date"].max(), "= the last purchase"
    for table, frame in frames.items():
        frames[table] = _check_dates(files[table], frame, end, "the observation end")
    tx = frames["transactions"]
    if len(tx) == 0:
        raise files["transactions"].error("no transactions are left after the exclusions listed in the load report.",
                                          "correct the rows instead of excluding them.")

    # Customer ids: whole numbers stay; text ids are numbered 1, 2, ... in order of signup.
    numbers = {t: _customer_ids_as_numbers(f["customer_id"]) for t, f in frames.items() if "customer_id" in f.columns}
    as_text = any(n is None for n in numbers.values())
    for table, frame in frames.items():
        if table in numbers:
            frame["customer_id"] = frame["customer_id"].astype("str") if as_text else numbers[table]
    if "customers" in frames:
        known = frames["customers"]["customer_id"]
        source_of_ids = f"the customers file ({files['customers'].path.name})"
    else:
        known = tx["customer_id"]
        source_of_ids = "the transactions (there is no customers file)"
    for table, frame in frames.items():
        if table == "customers" or "customer_id" not in frame.columns or (table == "transactions" and "customers" not in frames):
            continue
        unknown = ~frame["customer_id"].isin(known).to_numpy()
        fix = (f"check that the ids are written the same way in both files (leading zeros, prefixes), or add these "
               f"customers to {files['customers'].path.name}." if "customers" in frames else
               "supply a customers file listing every customer, or check the ids.")
        problem = _Problem(report.tables[table].columns["customer_id"], "customer_id", unknown,
                           f"belong to customers not in {source_of_ids}", fix, "unknown customer")
        frames[table] = _screen(files[table], frame, [problem], {"customer_id": frame["customer_id"]})
    tx = frames["transactions"]

    first_purchase = tx.groupby("customer_id", sort=False)["date"].min()
    if "customers" in frames:
        customers = frames["customers"]
        signup = customers["signup_date"] if "signup_date" in customers.columns else pd.Series(pd.NaT, index=customers.index)
        filled = signup.isna() & customers["customer_id"].map(first_purchase).notna()
        customers["signup_date"] = signup.where(~filled, customers["customer_id"].map(first_purchase)).astype("datetime64[ns]")
        if filled.any():
            report.tables["customers"].notes.append(
                f"signup_date: {int(filled.sum()):,} customer(s) without a signup date get the day of their first purchase")
        none = customers["signup_date"].isna().to_numpy()
        problem = _Problem(report.tables["customers"].columns.get("signup_date", "signup_date"), "signup_date", none,
                           "have no signup date and no purchase", "fill in their signup dates.", "no signup date and no purchase")
        frames["customers"] = _screen(files["customers"], customers, [problem], {"signup_date": customers["customer_id"]})
        early = (frames["customers"]["customer_id"].map(first_purchase) < frames["customers"]["signup_date"]).sum()
        if early:
            report.tables["customers"].notes.append(f"{int(early):,} customer(s) bought before their signup date (kept as they are)")
    else:
        frames["customers"] = pd.DataFrame({"customer_id": first_purchase.index, "signup_date": first_purchase.to_numpy()})
        report.derived["customers"] = (f"{len(first_purchase):,} customers from the transactions, signed up on the day of "
                                       "their first purchase; their other columns are missing")
    customers = frames["customers"].sort_values(["signup_date"], kind="stable")
    if as_text:
        course_id = pd.Series(np.arange(1, len(customers) + 1, dtype=np.int64), index=customers["customer_id"].to_numpy())
        report.customer_ids = pd.Series(customers["customer_id"].to_numpy(), index=pd.Index(course_id.to_numpy(), name="customer_id"),
                                        name="your_customer_id")
        for frame in frames.values():
            if "customer_id" in frame.columns:
                frame["customer_id"] = frame["customer_id"].map(course_id).astype("int64")
        customers["customer_id"] = course_id.to_numpy()
        (report.tables.get("customers") or report.tables["transactions"]).notes.append(
            f"customer_id: ids are text (e.g. {report.customer_ids.iloc[0]!r}); numbered 1–{len(customers):,} in order "
            "of signup (company.load_report.customer_ids maps them back)")
    else:
        customers = customers.sort_values(["customer_id"], kind="stable")
    frames["customers"] = customers

    if "churn" not in frames and mapping.churn_rule.get("derive", True):
        days = int(mapping.churn_rule.get("inactive_days", DEFAULT_INACTIVE_DAYS))
        frames["churn"] = derive_churn(frames["customers"], frames["transactions"], end, inactive_days=days)
        report.derived["churn"] = (f"{len(frames['churn']):,} customers counted as lost: no purchase for {days} days "
                                   f"(lost on the day of the last purchase, or signup, + {days} days, when that day is on or "
                                   f"before the observation end); the reason is unknown. Change the rule with inactive_days "
                                   f"under [churn] in {MAPPING_FILE}.")

    tables, missing = {}, []
    for table in schema.TABLES:
        if table in frames:
            tables[table] = _finish(table, _sorted(table, frames[table]))
        else:
            tables[table] = empty_table(table)
            missing.append(table)
    report.missing = tuple(missing)
    for table in schema.TABLES:
        if table not in missing:
            empty_cols = tuple(c.name for c in schema.TABLES[table] if not tables[table][c.name].notna().any())
            if empty_cols and len(tables[table]):
                report.missing_columns[table] = empty_cols
    report.customers, report.transactions = len(tables["customers"]), len(tables["transactions"])
    report.period_start, report.observation_end = tables["transactions"]["date"].min(), end
    for name, rep in report.tables.items():
        rep.rows_kept = len(tables[name])
    return Company(**tables, truth=None, observation_end=pd.Timestamp(end), missing=tuple(missing), load_report=report)


def derive_churn(customers: pd.DataFrame, transactions: pd.DataFrame, observation_end, *, inactive_days: int = DEFAULT_INACTIVE_DAYS) -> pd.DataFrame:
    """The churn table derived from inactivity, for data without a record of lost customers.

    A customer is counted as lost when their last activity (last purchase, or signup if
    they never bought) is at least ``inactive_days`` days before ``observation_end``; the
    churn date is that last activity + ``inactive_days`` days. The reason is unknown (NaN).

    Parameters:
        customers: ``customer_id`` and ``signup_date``.
        transactions: ``customer_id`` and ``date``.
        observation_end: the last day the data covers.
        inactive_days: days without a purchase after which a customer counts as lost.

    Returns:
        The churn table (``customer_id``, ``date``, ``reason``), sorted by date.

    Example:
        >>> customers = pd.DataFrame({"customer_id": [1, 2], "signup_date": pd.to_datetime(["2024-01-01", "2024-01-01"])})
        >>> sales = pd.DataFrame({"customer_id": [1, 2], "date": pd.to_datetime(["2024-01-10", "2024-06-01"])})
        >>> derive_churn(customers, sales, "2024-06-30", inactive_days=90)[["customer_id", "date"]].to_dict("records")
        [{'customer_id': 1, 'date': Timestamp('2024-04-09 00:00:00')}]
    """
    end = pd.Timestamp(observation_end)
    last = transactions.groupby("customer_id")["date"].max()
    signup = pd.Series(customers["signup_date"].to_numpy(), index=customers["customer_id"].to_numpy())
    activity = pd.concat([signup, last.reindex(signup.index)], axis=1).max(axis=1)
    lost_on = activity + pd.Timedelta(days=inactive_days)
    lost = lost_on[lost_on <= end].sort_values(kind="stable")
    return pd.DataFrame({"customer_id": lost.index.to_numpy(dtype=np.int64), "date": lost.to_numpy().astype("datetime64[ns]"),
                         "reason": pd.Categorical([np.nan] * len(lost), categories=list(schema.CHURN_REASONS))})
