"""The manager report's command line: ``python -m helpers report``.

:func:`main` loads the analyst's files with :mod:`helpers.data`, computes and renders the
report, and writes it with :func:`write_page`: never over an existing file unless told
to (``--force``), never over one of the input files (not even with ``--force``), never
half-written. ``--lang es`` writes the page, the messages and the help in Spanish
(:func:`helpers.i18n.use`); without it the command keeps the language in use, English
on the command line, and restores it when it ends.

Exit status (also in ``--help``):

* 0 -- the report was written;
* 1 -- the report could not be made: the data could not be read or used (a message
  names the file and the fix, no traceback), or the page could not be written;
* 2 -- usage error: unknown or conflicting options, an input file given on the command
  line that does not exist, an ``--out`` that is a folder, is in a folder that does not
  exist, already exists (without ``--force``) or is one of the input files.
"""

from __future__ import annotations

import argparse
import csv
import errno
import json
import os
import re
import shlex
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt

from helpers import i18n
from helpers.company import Company
from helpers.formats import number
from helpers.i18n import N_, _
from helpers.own_data import (
    ENGINE_CHOICES,
    EXCLUDE_ADVICE,
    IN_MAPPING,
    MAPPING_FILE,
    RETURNS,
    SET,
    DataError,
    in_mapping,
    load_own_data,
    read_mapping,
)
from helpers.report.compute import ReportOptions, Skipped, compute_report
from helpers.report.render import SECTIONS, render_report
from helpers.retention import INACTIVE_DAYS, MAX_INACTIVE_DAYS

# ---------------------------------------------------------------------------------------
# Command line: python -m helpers report ...
# ---------------------------------------------------------------------------------------

_DESCRIPTION = N_("""\
Write one self-contained HTML report for a manager from your customer files: headline
numbers, RFM segments, retention curve, cohorts, customer pyramid, customer lifetime
value and, when you give survey answers, the loyalty matrix and the NPS. Charts are
embedded, so the file opens in any browser without a network connection and prints well.

Only the transactions are required: one row per purchase with the customer id, the date
and the amount. Give your files with --transactions (and --customers, --surveys) and
name your columns with the options below, or describe them once in a mapping file (the
same one the lessons use as DATA_DIR) and pass it with --mapping.""")

_EPILOG = N_("""\
examples:
  python -m helpers report --transactions sales.csv --out report.html
  python -m helpers report --transactions ventas.csv --customer-col Cliente --date-col Fecha \\
      --amount-col Importe --cost-col Coste --date-format %d/%m/%Y --decimal , --out informe.html
  python -m helpers report --mapping datasets/examples/messy_shop --out messy.html

Column options apply to every file given: --customer-col names the customer id in the
transactions, customers and surveys files alike. When your files name it differently,
or need recoded labels, other encodings or sheets per file, write a mapping file (see
datasets/examples/README.md) and use --mapping.

The page is first written to a new temporary file in the folder of --out, then renamed
to --out: a failed run leaves no half-written report, and --out is never one of your
input files, even with --force.

exit status:
  0  the report was written
  1  the report could not be made: your data could not be read or used (the message
     names the file and says how to fix it), or the page could not be written
  2  usage error: unknown or conflicting options; a file given with --transactions,
     --customers, --surveys or --mapping that does not exist; an --out that is a folder,
     is in a folder that does not exist, already exists (add --force to replace it) or
     is one of your input files (refused even with --force)""")

#: Exit statuses of :func:`main`.
EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's layout, with its own words ("usage:") in the language in use."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m helpers report",
        description=_(_DESCRIPTION),
        epilog=_(_EPILOG),
        formatter_class=_HelpFormatter,
        add_help=False,
    )
    parser._optionals.title = _("options")  # argparse's own heading, translated like the rest
    parser.add_argument("-h", "--help", action="help", help=_("show this help message and exit"))
    files = parser.add_argument_group(_("your data (give --transactions or --mapping)"))
    files.add_argument(
        "--transactions",
        metavar="FILE",
        help=_(
            "purchases: CSV, Excel (.xlsx) or Parquet, one row per purchase; with --engine duckdb or spark "
            "also a glob ('sales/*.parquet') or a URL ('s3a://bucket/sales/*.parquet')"
        ),
    )
    files.add_argument(
        "--customers",
        metavar="FILE",
        type=Path,
        help=_("optional customer list, one row per customer (for signup dates)"),
    )
    files.add_argument(
        "--surveys",
        metavar="FILE",
        type=Path,
        help=_("optional survey answers (satisfaction 1-5, recommend 0-10): loyalty matrix and NPS"),
    )
    files.add_argument(
        "--mapping",
        metavar="PATH",
        type=Path,
        help=_("instead of the files above: a mapping file (mapping.toml) or the folder holding it"),
    )
    columns = parser.add_argument_group(_("your column names (default: the course's names)"))
    columns.add_argument("--customer-col", metavar="NAME", help=_("customer id, in every file (default customer_id)"))
    columns.add_argument(
        "--date-col", metavar="NAME", help=_("day of the purchase, and of the survey answer (default date)")
    )
    columns.add_argument("--amount-col", metavar="NAME", help=_("amount paid (default amount)"))
    columns.add_argument(
        "--cost-col",
        metavar="NAME",
        help=_("cost of goods, for margin and profit (default cost; leave out if you have none)"),
    )
    columns.add_argument(
        "--signup-col", metavar="NAME", help=_("day the customer joined, customers file (default signup_date)")
    )
    columns.add_argument(
        "--satisfaction-col", metavar="NAME", help=_("satisfaction 1-5, surveys file (default satisfaction)")
    )
    columns.add_argument(
        "--recommend-col", metavar="NAME", help=_("likelihood to recommend 0-10, surveys file (default recommend)")
    )
    reading = parser.add_argument_group(_("how your files are written"))
    reading.add_argument(
        "--date-format", metavar="FORMAT", help=_("e.g. %%d/%%m/%%Y for 31/12/2024 (default: detected)")
    )
    reading.add_argument(
        "--decimal",
        choices=(".", ","),
        metavar="SEPARATOR",
        help=_('decimal separator of numbers: "." or "," (default .)'),
    )
    reading.add_argument(
        "--encoding", metavar="NAME", help=_("text encoding of CSV files, e.g. cp1252 (default utf-8)")
    )
    reading.add_argument("--sheet", metavar="NAME", help=_("sheet of Excel files (default: the first)"))
    reading.add_argument(
        "--exclude-bad-rows",
        action="store_true",
        help=_("leave out rows with an unreadable date, amount or id (listed in the report) instead of stopping"),
    )
    reading.add_argument(
        "--exclude-returns",
        action="store_true",
        help=_("treat negative amounts as returns and leave them out (counted in the report)"),
    )
    reading.add_argument(
        "--observation-end",
        metavar="DATE",
        help=_("last day your data covers, e.g. 2024-12-31 (default: the last purchase)"),
    )
    choices = parser.add_argument_group(_("the report"))
    choices.add_argument("--out", metavar="FILE", type=Path, required=True, help=_("the HTML file to write"))
    choices.add_argument("--force", action="store_true", help=_("overwrite --out if it exists"))
    choices.add_argument("--title", help=_("title of the page (default: {title})").format(title=_("Customer report")))
    choices.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        help=_(
            "language of the report and of the messages: en (English) or es (Spanish) (default: en, or the "
            "language of the lesson that runs the command)"
        ),
    )
    choices.add_argument(
        "--inactive-days",
        metavar="DAYS",
        type=int,
        help=_(
            "without a churn file, a customer with no purchase for this many days counts as lost "
            "(default: inactive_days of the mapping, else {days})"
        ).format(days=INACTIVE_DAYS),
    )
    choices.add_argument(
        "--engine",
        choices=ENGINE_CHOICES,
        default="auto",
        help=_(
            "what reads the transactions: pandas in memory, DuckDB streaming files larger than memory, "
            "or Spark (Parquet; the session of spark-submit or pyspark); auto: DuckDB for files too large "
            "for memory or given by a glob or URL, else pandas (default: auto)"
        ),
    )
    return parser


_FILE_OPTIONS = (
    "customers",
    "surveys",
    "customer_col",
    "date_col",
    "amount_col",
    "cost_col",
    "signup_col",
    "satisfaction_col",
    "recommend_col",
    "date_format",
    "decimal",
    "encoding",
    "sheet",
    "exclude_bad_rows",
    "exclude_returns",
    "observation_end",
)


def _toml_text(value) -> str:
    """A TOML value: basic strings use JSON's escapes, which TOML shares."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def mapping_from_options(args: argparse.Namespace) -> str:
    """The mapping file (TOML text) equivalent to the command line's file and column options.

    The loader (:func:`helpers.data.load_own_data`) then reads the files exactly as it
    would for a lesson: same checks, same derived customers and churn, same load report.

    Parameters
    ----------
    args : argparse.Namespace
        the parsed options of :func:`main` (``transactions`` required).

    Returns
    -------
    str
        The TOML text, with absolute file paths.

    Examples
    --------
    >>> args = _parser().parse_args(["--transactions", "/data/sales.csv", "--customer-col", "Client",
    ...                              "--decimal", ",", "--out", "r.html"])
    >>> print(mapping_from_options(args))  # doctest: +ELLIPSIS
    [settings]
    decimal = ","
    <BLANKLINE>
    [churn]
    inactive_days = 180
    <BLANKLINE>
    [transactions]
    file = ".../data/sales.csv"
    [transactions.columns]
    customer_id = "Client"
    <BLANKLINE>
    """
    settings = {
        "date_format": args.date_format,
        "decimal": args.decimal,
        "encoding": args.encoding,
        "observation_end": args.observation_end,
        "on_bad_rows": "exclude" if args.exclude_bad_rows else None,
        "exclude_returns": True if args.exclude_returns else None,
    }
    lines = [
        "[settings]",
        *(f"{key} = {_toml_text(value)}" for key, value in settings.items() if value is not None),
        "",
    ]
    lines += ["[churn]", f"inactive_days = {args.inactive_days or INACTIVE_DAYS}", ""]
    tables = {
        "transactions": (
            args.transactions,
            {"customer_id": args.customer_col, "date": args.date_col, "amount": args.amount_col, "cost": args.cost_col},
        ),
        "customers": (args.customers, {"customer_id": args.customer_col, "signup_date": args.signup_col}),
        "surveys": (
            args.surveys,
            {
                "customer_id": args.customer_col,
                "date": args.date_col,
                "satisfaction": args.satisfaction_col,
                "recommend": args.recommend_col,
            },
        ),
    }
    for table, (path, columns) in tables.items():
        if path is None:
            continue
        where = str(path) if _is_url(path) else Path(path).expanduser().resolve()
        lines += [f"[{table}]", f"file = {_toml_text(where)}"]
        if args.sheet is not None and Path(path).suffix.lower() in (".xlsx", ".xlsm"):
            lines.append(f"sheet = {_toml_text(args.sheet)}")
        given = {course: theirs for course, theirs in columns.items() if theirs is not None}
        if given:
            lines.append(f"[{table}.columns]")
            lines += [f"{course} = {_toml_text(theirs)}" for course, theirs in given.items()]
        lines.append("")
    return "\n".join(lines)


#: The command-line option of each setting or column the loader's advice names.
_OPTION_OF = {
    "customer_id": "--customer-col",
    "date": "--date-col",
    "amount": "--amount-col",
    "cost": "--cost-col",
    "signup_date": "--signup-col",
    "satisfaction": "--satisfaction-col",
    "recommend": "--recommend-col",
    "date_format": "--date-format",
    "decimal": "--decimal",
    "encoding": "--encoding",
    "sheet": "--sheet",
    "observation_end": "--observation-end",
    "inactive_days": "--inactive-days",
}
#: The file option of each table the command line reads.
_FILE_OPTION_OF = {"transactions": "--transactions", "customers": "--customers", "surveys": "--surveys"}


def _advice_pattern() -> re.Pattern:
    """The loader's advice, ``[set ]key[ = value] under [section] in mapping.toml``, in the language in use.

    Built from the loader's own messages (:data:`helpers.own_data.IN_MAPPING` and
    :data:`helpers.own_data.SET`), so that the advice is recognised in any language.
    """
    template = _(IN_MAPPING)
    if not 0 <= template.find("{setting}") < template.find("{section}") < template.find("{file}"):
        template = IN_MAPPING  # a translation that names them in another order: the English advice
    head, rest = template.split("{setting}", 1)
    middle, tail = rest.split("{section}", 1)
    return re.compile(
        re.escape(head)
        + f"(?:{re.escape(_(SET))} )?"
        + r'(\w+)(?: = ("(?:[^"\\]|\\.)*"|[\w.-]+))?'
        + re.escape(middle)
        + r"([\w.]+)"
        + re.escape(tail.replace("{file}", MAPPING_FILE))
    )


def _as_options(message: str) -> str:
    """The loader's advice for a mapping file, rewritten as the command-line option that does the same.

    Examples
    --------
    >>> _as_options('How to fix: customer_id = "Cliente" under [transactions.columns] in mapping.toml.')
    'How to fix: use the option --customer-col Cliente.'
    >>> _as_options('Change the rule with inactive_days under [churn] in mapping.toml.')
    'Change the rule with the option --inactive-days.'
    """

    def use(option: str) -> str:
        return _("use the option {option}").format(option=option)

    def option(match: re.Match) -> str:
        key, value, section = match.groups()
        if key == "on_bad_rows" and value is not None and "exclude" in value:
            return use("--exclude-bad-rows")
        if key == "exclude_returns":
            return use("--exclude-returns")
        name = _FILE_OPTION_OF.get(section) if key == "file" else _OPTION_OF.get(key)
        if name is None:
            return match.group(0)
        if value is None:
            return _("the option {option}").format(option=name)
        text = json.loads(value) if value.startswith('"') else value
        return use(f"{name} {shlex.quote(str(text))}")

    rewritten = _advice_pattern().sub(option, message)
    if MAPPING_FILE in rewritten:
        rewritten += "\n" + _(
            "(That setting has no command-line option: write a mapping file (see datasets/examples/README.md) "
            "and pass it with --mapping.)"
        )
    return rewritten


class UsageError(Exception):
    """The command line cannot be used as given (exit status 2); the message says what to change."""


def _check_options(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Refuse conflicting or out-of-range options the way argparse does (a usage message, exit status 2)."""
    if args.mapping is not None:
        given = [f"--{name.replace('_', '-')}" for name in _FILE_OPTIONS if getattr(args, name) not in (None, False)]
        if args.transactions is not None or given:
            given = " ".join((["--transactions"] if args.transactions is not None else []) + given)
            parser.error(
                _(
                    "give either --mapping or --transactions with its options, not both (remove {options} or put "
                    "them in the mapping file)"
                ).format(options=given)
            )
    elif args.transactions is None:
        parser.error(_("give your purchases with --transactions FILE (or a mapping file with --mapping)"))
    if args.inactive_days is not None and not 1 <= args.inactive_days <= MAX_INACTIVE_DAYS:
        parser.error(
            _("--inactive-days must be a whole number of days from 1 to {most}, not {value}").format(
                most=number(MAX_INACTIVE_DAYS, ","), value=args.inactive_days
            )
        )


def _given_files(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """The input files named on the command line, as (option, path); each must exist.

    Raises
    ------
    UsageError
        when one does not exist, or is a folder where a file is needed (``--mapping`` may
        be either).
    """
    given = [
        (f"--{name}", Path(getattr(args, name)).expanduser())
        for name in ("transactions", "customers", "surveys", "mapping")
        if getattr(args, name) is not None and not _is_url(getattr(args, name))
    ]
    pattern = [(option, path) for option, path in given if option == "--transactions" and _is_glob(path)]
    for option, path in pattern:  # a glob names the files it matches
        matched = sorted(path.parent.glob(path.name))
        if not matched:
            raise UsageError(f"{option} {path}: " + _("no file matches. Check the pattern and the folder."))
        given = [item for item in given if item[0] != option] + [(option, file) for file in matched]
    for option, path in given:
        if not path.exists():
            raise UsageError(
                f"{option} {path}: "
                + _("no such file. Check the name and the folder (relative names are read from {folder}).").format(
                    folder=Path.cwd()
                )
            )
        if option != "--mapping" and not path.is_file():
            raise UsageError(_("{option} {path} is a folder; give the file itself.").format(option=option, path=path))
    return given


def _is_url(path) -> bool:
    """Whether ``path`` is a URL (``s3a://…``), read by the engines, not a local file."""
    return "://" in str(path)


def _is_glob(path) -> bool:
    """Whether ``path`` is a pattern (``sales/*.parquet``) naming several files."""
    return any(mark in str(path) for mark in "*?[")


def _same_file(first: Path, second: Path) -> bool:
    """Whether two paths name the same file: same resolved path (through symlinks) or same inode (hard links)."""
    try:
        if first.resolve() == second.resolve():
            return True
    except (OSError, RuntimeError):  # a symlink loop resolves to nothing
        pass
    try:
        return os.path.samefile(first, second)  # st_dev and st_ino: also hard links
    except (OSError, ValueError):
        return False


def _refuse_input_as_out(out: Path, inputs: Sequence[tuple[str, Path]]) -> None:
    """Raise :class:`UsageError` when ``out`` is one of the input files (whatever ``--force`` says)."""
    for option, path in inputs:
        if _same_file(out, path):
            raise UsageError(
                _(
                    "--out {out} is your input file {path} ({option}); the report would replace it. Choose another "
                    "--out (this is refused even with --force)."
                ).format(out=out, path=path, option=option)
            )


def _check_out(out: Path, inputs: Sequence[tuple[str, Path]], *, force: bool) -> None:
    """Refuse an ``--out`` that cannot or must not be written (:class:`UsageError`)."""
    if out.is_dir():
        raise UsageError(_("--out {out} is a folder; give the name of the HTML file to write.").format(out=out))
    _refuse_input_as_out(out, inputs)
    if not out.parent.is_dir():
        raise UsageError(
            _("the folder {folder} of --out does not exist; create it or choose another --out.").format(
                folder=out.parent
            )
        )
    if os.path.lexists(out) and not force:
        raise UsageError(
            _("{out} already exists; not overwritten. Add --force to replace it, or choose another --out.").format(
                out=out
            )
        )


def _mapping_files(mapping) -> list[tuple[str, Path]]:
    """The mapping file and every file it names (:func:`helpers.own_data.read_mapping`), as (where, path)."""
    files = [("--mapping", mapping.mapping_file)] if mapping.mapping_file is not None else []
    return files + [
        (_("[{table}] of --mapping").format(table=table), path) for table, (path, *_options) in mapping.tables.items()
    ]


def _bad_rows_advice() -> str:
    """The loader's advice to exclude bad rows, as the command line gives it (an option)."""
    setting = in_mapping('on_bad_rows = "exclude"', "settings", MAPPING_FILE)
    return " " + _as_options(_(EXCLUDE_ADVICE).format(setting=setting))


def _load(args: argparse.Namespace, out: Path) -> tuple[Company, int, str | None]:
    """The company from the command line's files, the inactivity limit and the load report's text.

    The load report's text is rewritten for the command line (its advice names options,
    not a mapping file) when the files were given as options; it is None with ``--mapping``
    (the report shows the loader's own).

    Raises
    ------
    DataError
        the loader's, with its advice rewritten as options.
    UsageError
        when ``out`` is a file the mapping names.
    """
    if args.mapping is not None:
        mapping = read_mapping(args.mapping)
        _refuse_input_as_out(out, _mapping_files(mapping))
        days = args.inactive_days or mapping.churn_rule.get("inactive_days") or INACTIVE_DAYS
        return load_own_data(args.mapping, inactive_days=days, engine=args.engine), days, None
    with tempfile.TemporaryDirectory(prefix="crm-report-") as folder:
        mapping = Path(folder) / MAPPING_FILE

        def for_the_command_line(text: str) -> str:
            for written in {str(mapping.resolve()), str(mapping)}:
                text = text.replace(written, _("the command line"))
            text = _as_options(text)
            if _(RETURNS) in text:  # negative amounts are returns: --exclude-bad-rows does not take them
                text = text.replace(_bad_rows_advice(), "")
            return text

        mapping.write_text(mapping_from_options(args), encoding="utf-8")
        try:
            company = load_own_data(mapping, engine=args.engine)
        except DataError as error:
            raise DataError(for_the_command_line(str(error))) from None
        text = None if company.load_report is None else for_the_command_line(str(company.load_report))
    return company, args.inactive_days or INACTIVE_DAYS, text


def _read(args: argparse.Namespace, out: Path) -> tuple[Company, int, str | None]:
    """:func:`_load`, with every failure to read the files turned into a :class:`DataError`.

    The loader explains the problems it knows (:class:`DataError`); a file it cannot
    open (permissions), a CSV parser error or any other failure while reading hostile
    files becomes a DataError that names the files, so that no traceback reaches the
    analyst.
    """
    files = ", ".join(str(path) for _, path in _given_files(args))
    try:
        return _load(args, out)
    except (UsageError, DataError):
        raise
    except OSError as error:  # e.g. a file that cannot be opened
        raise DataError(
            f"{error.filename or files}: {error.strerror or error}.\n"
            + _how_to_fix(_("check that the file can be opened (permissions, a file rather than a folder)."))
        ) from None
    except csv.Error as error:
        raise DataError(
            f"{files}: "
            + _("not readable as CSV text ({error}).").format(error=error)
            + "\n"
            + _how_to_fix(_("give a CSV, Excel (.xlsx) or Parquet file; if it is one, export it again."))
        ) from None
    except Exception as error:  # a failure the loader does not explain: still a message, not a traceback
        raise DataError(
            f"{files}: "
            + _("could not be read ({error}).").format(error=f"{type(error).__name__}: {error}")
            + "\n"
            + _how_to_fix(
                _(
                    "check that the files are CSV, Excel (.xlsx) or Parquet tables and export them again; if the "
                    "problem stays, report it to the workbook's maintainers with this message."
                )
            )
        ) from None


def _how_to_fix(fix: str) -> str:
    """The last line of a DataError, as the loader writes it."""
    return _("How to fix: {fix}").format(fix=fix)


def write_page(page: str, out: Path, *, overwrite: bool = False) -> None:
    """Write the page to ``out`` all at once, through a new temporary file in the same folder.

    The temporary file is created exclusively (:func:`tempfile.mkstemp`: an unpredictable
    name, ``O_EXCL``, so a file or symlink planted at a known name is never followed),
    written in full, then renamed to ``out`` (:func:`os.replace`, atomic on one file
    system). Whatever fails, the temporary file is removed. A symlink at ``out`` is
    replaced, never written through.

    Parameters
    ----------
    page : str
        the HTML text (written as UTF-8).
    out : pathlib.Path
        the file to write; its folder must exist.
    overwrite : bool, optional
        replace ``out`` if it exists; without it an ``out`` that appears while the page is
        written is kept (:class:`FileExistsError`).

    Raises
    ------
    OSError
        the page could not be written (FileExistsError: ``out`` exists and not ``overwrite``).
    """
    descriptor, name = tempfile.mkstemp(prefix=f".{out.name[:100]}.", suffix=".tmp", dir=out.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(page)
            handle.flush()
            os.fsync(handle.fileno())
        mask = os.umask(0o022)  # mkstemp's file is private (0600); a report gets the usual permissions
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        if overwrite:
            os.replace(temporary, out)
        else:
            try:
                os.link(temporary, out)  # fails if out exists, even as a dangling symlink: never overwrites
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links
                if os.path.lexists(out):
                    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(out)) from None
                os.replace(temporary, out)
    finally:
        try:
            temporary.unlink(missing_ok=True)  # gone after os.replace; the second name after os.link
        except OSError:  # never hide the error that brought us here
            pass


def _usage_error(parser: argparse.ArgumentParser, error: Exception) -> int:
    print(f"{parser.prog}: error: {error}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m helpers report``: load the files, compute, write the HTML page.

    Parameters
    ----------
    argv : sequence of str, optional
        the arguments after ``report`` (default: from the command line).

    Returns
    -------
    int
        The exit status: 0 (:data:`EXIT_OK`) the report was written; 1 (:data:`EXIT_DATA`)
        the report could not be made: the data could not be read or used (a message with the
        fix, no traceback) or the page could not be written; 2 (:data:`EXIT_USAGE`) usage
        error: an input file given on the command line does not exist, or ``--out`` is a
        folder, is in a missing folder, exists without ``--force`` or is one of the input
        files (also the mapping file and the files it names; refused even with ``--force``).

    Raises
    ------
    SystemExit
        with status 2, from :mod:`argparse`, for unknown, malformed or conflicting options.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    previous = i18n.language()
    try:
        requested = _requested_language(argv)
        if requested is not None:  # before the parser is made, so that --help speaks the language too
            i18n.use(requested)
        return _run(argv)
    finally:
        i18n.use(previous)


def _requested_language(argv: Sequence[str]) -> str | None:
    """The language ``--lang`` asks for (None when not given, or not one the course speaks).

    >>> _requested_language(["--lang", "es", "--out", "r.html"]), _requested_language(["--lang=en"])
    ('es', 'en')
    """
    for position, argument in enumerate(argv):
        if argument == "--":
            break
        value = None
        if argument == "--lang" and position + 1 < len(argv):
            value = argv[position + 1]
        elif argument.startswith("--lang="):
            value = argument.split("=", 1)[1]
        if value is not None:
            return value if value in i18n.LANGUAGES else None
    return None


def _run(argv: list[str]) -> int:
    """:func:`main` in the language chosen."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.lang is not None:
        i18n.use(args.lang)
    _check_options(args, parser)
    out: Path = args.out.expanduser()
    started = time.perf_counter()
    try:
        _check_out(out, _given_files(args), force=args.force)
        company, inactive_days, load_text = _read(args, out)
        data = compute_report(company, ReportOptions(inactive_days=inactive_days))
    except UsageError as error:
        return _usage_error(parser, error)
    except DataError as error:
        print(_("report: your data could not be read.") + f"\n{error}", file=sys.stderr)
        return EXIT_DATA
    except ValueError as error:  # the data were read but cannot make a report (e.g. no purchase)
        print(_("report: the report cannot be made from this data: {error}").format(error=error), file=sys.stderr)
        return EXIT_DATA
    if load_text is not None:
        data.overview["load_report"] = load_text
    sources = (
        [str(args.mapping)]
        if args.mapping is not None
        else [str(path) for path in (args.transactions, args.customers, args.surveys) if path is not None]
    )
    plt.switch_backend("Agg")
    page = render_report(data, title=args.title, sources=sources)
    try:
        write_page(page, out, overwrite=args.force)
    except FileExistsError:
        return _usage_error(
            parser,
            UsageError(
                _(
                    "{out} appeared while the report was made; not overwritten. Add --force to replace it, or "
                    "choose another --out."
                ).format(out=out)
            ),
        )
    except OSError as error:
        print(
            _("report: could not write {out}: {error}").format(out=out, error=error.strerror or error), file=sys.stderr
        )
        return EXIT_DATA
    skipped = [_(heading) for attribute, _anchor, heading in SECTIONS if isinstance(getattr(data, attribute), Skipped)]
    written = _("Report written to {out} ({size} MB, {seconds} s).").format(
        out=out, size=number(len(page) / 1e6, ".1f"), seconds=number(time.perf_counter() - started, ".1f")
    )
    if skipped:
        written += " " + _("Not shown for lack of data: {sections}.").format(sections=", ".join(skipped))
    print(written)
    return EXIT_OK
