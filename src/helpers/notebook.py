"""Notebook conveniences: the ``%%needs`` cell magic that lets a lesson run on any data.

An analyst's own data may lack tables (surveys, bonds, ...) or columns (a customer's
segment, ...) that the course's company has. A lesson marks each cell that needs more
than the transactions with the line ``%%needs``; on data that has what the cell needs, the
cell runs as usual, otherwise it is skipped with a one-line explanation::

    %load_ext helpers.notebook            # once, in the import cell

    %%needs surveys customers.segment
    by_segment = satisfaction_by(company.surveys, company.customers, "segment")
    by_segment                            # displayed like any last expression

Each requirement is a table of ``helpers.schema.TABLES`` (``surveys``), a column of one
(``customers.segment``: the table is supplied and the column holds at least one value), or
``truth`` (the simulation's ground truth, which real data never has). The magic asks
``company.has(...)`` (see :meth:`helpers.company.Company.has`) of the variable ``company``
in the notebook. Cells that use variables defined in a skipped cell need the same line.

A requirement may also ask for *enough* data, for a section whose method needs more than
a few rows (a model to fit, a period to compare with the one before) — two forms only:

* ``table>=N``: at least N rows (``customers>=100``: at least a hundred customers);
* ``table.column>=N<unit>``: the column's dates span at least N days (``d``), months
  (``m``) or years (``y``), from the first to the last (``transactions.date>=2m``:
  purchases over at least two months, so a month can be compared with the one before).

For example ``%%needs transactions.cost customers>=100 transactions.date>=1y`` runs the
cell on data with costs, a hundred customers and a year of purchases, and otherwise prints
one line naming what is lacking (see :func:`unmet` and :func:`describe_missing`).

Lesson text whose numbers come from the data is written with :func:`prose`, the last
expression of a code cell whose input is hidden (cell metadata
``{"jupyter": {"source_hidden": true}, "tags": ["prose"]}``): JupyterLab, Voilà, the slide
decks and a static page show the sentence, and it stays true for any seed or data set::

    prose(f"**What to notice.** {share_top:.0%} of the margin comes from the top fifth.")
"""

from __future__ import annotations

import ast
import re
import shlex
import textwrap

from IPython.core.displayhook import DisplayHook
from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, magics_class

from helpers.formats import localize
from helpers.i18n import N_, _

#: The notebook variable holding the company the lesson runs on.
COMPANY_VARIABLE = "company"

#: The units of a span of dates (``transactions.date>=2m``): keyword of ``pd.DateOffset``, singular word.
SPAN_UNITS = {"d": ("days", "day"), "m": ("months", "month"), "y": ("years", "year")}

#: How a span of dates is written for readers, by unit: (one, several), ``{count}`` the number.
_SPAN_WORDS = {
    "d": (N_("{count} day"), N_("{count} days")),
    "m": (N_("{count} month"), N_("{count} months")),
    "y": (N_("{count} year"), N_("{count} years")),
}

_WORD = re.compile(r"(?P<table>[^.<>=]+)(?:\.(?P<column>[^.<>=]+))?(?:>=(?P<least>\d+)(?P<unit>[a-z]*))?")


def parse_requirements(line: str) -> list[tuple]:
    """Split a ``%%needs`` line into requirements.

    Parameters
    ----------
    line : str
        requirements separated by spaces or commas, each ``table``, ``table.column``,
        ``table>=N`` (at least N rows) or ``table.column>=N<unit>`` (the column's dates
        span at least N days, months or years: unit ``d``, ``m`` or ``y``).

    Returns
    -------
    list of tuple
        In order, one ``(table, (column,))`` or ``(table, ())`` per plain requirement, and
        ``(table, (), N)`` or ``(table, (column,), (N, unit))`` per "enough data" one.

    Examples
    --------
    >>> parse_requirements("surveys customers.segment, truth")
    [('surveys', ()), ('customers', ('segment',)), ('truth', ())]
    >>> parse_requirements("customers>=100 transactions.date>=2m")
    [('customers', (), 100), ('transactions', ('date',), (2, 'm'))]
    """
    out = []
    for word in shlex.split(line.replace(",", " ")):
        match = _WORD.fullmatch(word)
        table, column, least, unit = match.group("table", "column", "least", "unit") if match else (None,) * 4
        if word.startswith(("<", ">", "=")) or word.endswith(("<", ">", "=")):
            raise UsageError(
                _(
                    "%%needs: cannot read {word}; write a condition without spaces: "
                    "customers>=100 or transactions.date>=1y"
                ).format(word=repr(word))
            )
        if table is None or (least is None and ("=" in word or "<" in word or ">" in word)):
            raise UsageError(
                _(
                    "%%needs: cannot read {word}; write a table (surveys) or a table.column "
                    "(customers.segment), optionally with >=: customers>=100, transactions.date>=1y"
                ).format(word=repr(word))
            )
        columns = (column,) if column else ()
        if least is None:
            out.append((table, columns))
        elif column is None:
            if unit:
                raise UsageError(
                    _("%%needs: {word}: a number of rows takes no unit; write {table}>={least}").format(
                        word=repr(word), table=table, least=least
                    )
                )
            out.append((table, columns, int(least)))
        else:
            if unit not in SPAN_UNITS:
                raise UsageError(
                    _(
                        "%%needs: {word}: give the span of dates a unit, d, m or y (e.g. {table}.{column}>={least}m)"
                    ).format(word=repr(word), table=table, column=column, least=least)
                )
            out.append((table, columns, (int(least), unit)))
    if not out:
        raise UsageError(_("%%needs: name what the cell needs, e.g. %%needs surveys customers.segment"))
    return out


def unmet(company, requirements: list[tuple]) -> list[tuple]:
    """The requirements (from :func:`parse_requirements`) that ``company``'s data does not meet, in order.

    A plain requirement is met when ``company.has(table, *columns)``; ``table>=N`` when the
    table is supplied and has at least N rows; ``table.column>=N<unit>`` when the column
    has values and ``first + N <unit> <= last`` (calendar months and years, as
    ``pd.DateOffset``).

    Raises
    ------
    ValueError
        an unknown table or column (from ``company.has``), or a span asked of a column
        that does not hold dates.

    Examples
    --------
    >>> from helpers.synthetic import generate
    >>> company = generate(50, seed=1, months=6)
    >>> line = "surveys customers>=50 customers>=51 transactions.date>=5m transactions.date>=1y"
    >>> unmet(company, parse_requirements(line))
    [('customers', (), 51), ('transactions', ('date',), (1, 'y'))]
    >>> company.missing = ("surveys",)
    >>> unmet(company, parse_requirements("surveys>=1 surveys.date>=1d"))  # a missing table has neither
    [('surveys', (), 1), ('surveys', ('date',), (1, 'd'))]
    """
    import pandas as pd  # here, so that loading the extension stays light

    lacking = []
    for requirement in requirements:
        table, columns, least = requirement[0], requirement[1], requirement[2] if len(requirement) > 2 else None
        if table == "truth" and least is not None:
            raise ValueError(_("truth takes no >= condition"))
        met = company.has(table, *columns)
        if isinstance(least, int):  # table>=N: rows
            met = met and len(getattr(company, table)) >= least
        elif least is not None:  # table.column>=N<unit>: a span of dates
            count, unit = least
            values = getattr(company, table).get(columns[0])
            if values is None or not pd.api.types.is_datetime64_any_dtype(values):
                raise ValueError(
                    _("{table}.{column}>={count}{unit}: a span needs a column of dates").format(
                        table=table, column=columns[0], count=count, unit=unit
                    )
                )
            if met:
                values = values.dropna()
                met = values.min() + pd.DateOffset(**{SPAN_UNITS[unit][0]: count}) <= values.max()
        if not met:
            lacking.append(requirement)
    return lacking


def _describe(requirement: tuple) -> str:
    """The words naming one requirement, for :func:`describe_missing`, in the language in use."""
    table, columns = requirement[0], requirement[1]
    if table == "truth":
        return _("the simulation's ground truth")
    if len(requirement) > 2 and isinstance(requirement[2], int):
        return _("at least {count} rows in the {table} table").format(
            count=localize(f"{requirement[2]:,}"), table=table
        )
    if len(requirement) > 2:
        count, unit = requirement[2]
        one, several = _SPAN_WORDS[unit]
        span = _(one if count == 1 else several).format(count=count)
        return _("dates spanning at least {span} in the {column} column of the {table} table").format(
            span=span, column=columns[0], table=table
        )
    if columns:
        return _("the {column} column of the {table} table").format(column=columns[0], table=table)
    return _("the {table} table").format(table=table)


def describe_missing(requirements: list[tuple]) -> str:
    """The one-line message shown for a skipped cell, naming what the data lacks.

    Examples
    --------
    >>> describe_missing([("surveys", ()), ("customers", ("segment",))])
    '⏭ Skipped: this section needs the surveys table and the segment column of the customers table, which your data does not have.'
    >>> describe_missing([("truth", ())])
    "⏭ Skipped: this section needs the simulation's ground truth, which real data does not have."
    >>> print(describe_missing(parse_requirements("customers>=100 transactions.date>=1y")))
    ⏭ Skipped: this section needs at least 100 rows in the customers table and dates spanning at least 1 year
    in the date column of the transactions table, which your data does not have.
    """
    if [requirement[0] for requirement in requirements] == ["truth"]:
        return _("⏭ Skipped: this section needs the simulation's ground truth, which real data does not have.")
    parts = [_describe(requirement) for requirement in requirements]
    listed = (
        parts[0] if len(parts) == 1 else _("{first} and {last}").format(first=", ".join(parts[:-1]), last=parts[-1])
    )
    return _("⏭ Skipped: this section needs {listed}, which your data does not have.").format(listed=listed)


class Prose:
    """A paragraph of lesson text, shown as Markdown; its plain form is the same text.

    The plain form (``repr``) is what ``pytest --nbval`` compares, so a committed lesson
    proves that its sentences, numbers included, still come out of the data.
    """

    def __init__(self, text: str) -> None:
        self.text = localize(textwrap.dedent(text).strip())

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def prose(text: str) -> Prose:
    """Lesson text (Markdown) whose numbers are computed when the lesson runs.

    Parameters
    ----------
    text : str
        Markdown, usually an f-string; common indentation is removed.

    Returns
    -------
    Prose
        displayed as Markdown by Jupyter, as the text itself elsewhere; its numbers in
        the language in use (:func:`helpers.formats.localize`: ``0,25`` in Spanish).

    Examples
    --------
    >>> share = 0.8123
    >>> prose(f"The top fifth bring **{share:.0%}** of the margin.")
    The top fifth bring **81%** of the margin.
    """
    return Prose(text)


@magics_class
class NeedsMagics(Magics):
    """The ``%%needs`` cell magic (see the module docstring)."""

    @cell_magic
    def needs(self, line: str, cell: str):
        """Run the cell only if ``company`` has every table/column named on the line (and enough rows or dates).

        On success the cell runs in the notebook's namespace like a normal cell: its
        variables stay defined, its last expression is returned (so it is displayed) and
        its exceptions propagate. Otherwise one line says what is missing and the cell is skipped.
        """
        __tracebackhide__ = True  # a failing cell's traceback shows the cell, not this magic
        requirements = parse_requirements(line)
        company = self.shell.user_ns.get(COMPANY_VARIABLE)
        if company is None or not hasattr(company, "has"):
            raise UsageError(
                _("%%needs looks for the variable {variable} (from lesson_company); run the import cell first").format(
                    variable=repr(COMPANY_VARIABLE)
                )
            )
        try:
            lacking = unmet(company, requirements)
        except ValueError as err:
            raise UsageError(f"%%needs: {err}") from None  # the error already speaks the language
        if lacking:
            print(describe_missing(lacking))
            return None
        return self._run(cell)

    def _run(self, cell: str):
        """Execute ``cell`` in the user namespace; return the value of a final expression."""
        __tracebackhide__ = True
        shell = self.shell
        source = shell.transform_cell(cell)
        tree = shell.transform_ast(shell.compile.ast_parse(source))
        name = shell.compile.cache(source, shell.execution_count, raw_code=cell)  # tracebacks show the cell's lines
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        if tree.body:
            exec(shell.compile(tree, name, "exec"), shell.user_global_ns, shell.user_ns)  # noqa: S102
        if last is not None:
            value = eval(shell.compile(last, name, "eval"), shell.user_global_ns, shell.user_ns)  # noqa: S307
            if not DisplayHook.semicolon_at_end_of_expression(source):  # a final ';' hides the value, as usual
                return value
        return None


def load_ipython_extension(ipython) -> None:
    """Register ``%%needs`` (called by ``%load_ext helpers.notebook``)."""
    ipython.register_magics(NeedsMagics)
