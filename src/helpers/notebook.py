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
``company.has(...)`` (see :meth:`helpers.synthetic.Company.has`) of the variable ``company``
in the notebook. Cells that use variables defined in a skipped cell need the same line.
"""

from __future__ import annotations

import ast
import shlex

from IPython.core.displayhook import DisplayHook
from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, magics_class

#: The notebook variable holding the company the lesson runs on.
COMPANY_VARIABLE = "company"


def parse_requirements(line: str) -> list[tuple[str, tuple[str, ...]]]:
    """Split a ``%%needs`` line into (table, columns) pairs.

    Parameters:
        line: requirements separated by spaces or commas, each ``table`` or ``table.column``.

    Returns:
        One ``(table, (column,))`` or ``(table, ())`` per requirement, in order.

    Example:
        >>> parse_requirements("surveys customers.segment, truth")
        [('surveys', ()), ('customers', ('segment',)), ('truth', ())]
    """
    out = []
    for word in shlex.split(line.replace(",", " ")):
        table, _, column = word.partition(".")
        if not table or (_ and not column) or "." in column:
            raise UsageError(f"%%needs: cannot read {word!r}; write a table (surveys) or a table.column (customers.segment)")
        out.append((table, (column,) if column else ()))
    if not out:
        raise UsageError("%%needs: name what the cell needs, e.g. %%needs surveys customers.segment")
    return out


def describe_missing(requirements: list[tuple[str, tuple[str, ...]]]) -> str:
    """The one-line message shown for a skipped cell, naming what the data lacks.

    Example:
        >>> describe_missing([("surveys", ()), ("customers", ("segment",))])
        '⏭ Skipped: this section needs the surveys table and the segment column of the customers table, which your data does not have.'
        >>> describe_missing([("truth", ())])
        "⏭ Skipped: this section needs the simulation's ground truth, which real data does not have."
    """
    if [table for table, _ in requirements] == ["truth"]:
        return "⏭ Skipped: this section needs the simulation's ground truth, which real data does not have."
    parts = []
    for table, columns in requirements:
        if table == "truth":
            parts.append("the simulation's ground truth")
        elif columns:
            parts.append(f"the {columns[0]} column of the {table} table")
        else:
            parts.append(f"the {table} table")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"⏭ Skipped: this section needs {listed}, which your data does not have."


@magics_class
class NeedsMagics(Magics):
    """The ``%%needs`` cell magic (see the module docstring)."""

    @cell_magic
    def needs(self, line: str, cell: str):
        """Run the cell only if ``company`` has every table/column named on the line.

        On success the cell runs in the notebook's namespace like a normal cell: its
        variables stay defined, its last expression is returned (so it is displayed) and
        its exceptions propagate. Otherwise one line says what is missing and the cell is skipped.
        """
        __tracebackhide__ = True  # a failing cell's traceback shows the cell, not this magic
        requirements = parse_requirements(line)
        company = self.shell.user_ns.get(COMPANY_VARIABLE)
        if company is None or not hasattr(company, "has"):
            raise UsageError(f"%%needs looks for the variable {COMPANY_VARIABLE!r} (from lesson_company); "
                             "run the import cell first")
        try:
            lacking = [(table, columns) for table, columns in requirements if not company.has(table, *columns)]
        except ValueError as err:
            raise UsageError(f"%%needs: {err}") from None
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
