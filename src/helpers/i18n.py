"""The language the course speaks: English (the source) or Spanish, chosen by each lesson.

A lesson's parameters cell sets ``LANG`` and its import cell calls :func:`use`; from then on
every message of the helpers (chart titles and axes, widget labels, check feedback, the
``%%needs`` message, data errors) is looked up in the Spanish catalogue, category labels
come from the glossary (:func:`helpers.glossary.label`), and numbers are written with a
decimal comma (:func:`helpers.formats.number`)::

    from helpers import i18n
    i18n.use("es")
    _("Customers")            # "Clientes"

The English text is the source and the key. Each Spanish message lives in a gettext
catalogue (PO file) under ``helpers/locale/es/``, read and written with Babel, the library
Sphinx and Flask use for theirs; a translator edits them with any PO editor (Poedit) or a
text editor. ``python -m helpers.translate update`` adds new messages to the catalogues
and marks changed ones *fuzzy*; a test fails while a message is missing or fuzzy.

In a module, mark a message with ``_`` where it is shown (``_("Month")``), and with ``N_``
where it is defined before the language is known (a constant); format it after the lookup:
``_("{count} customers").format(count=n)``.
"""

from __future__ import annotations

import contextlib
import functools
import re
from pathlib import Path

__all__ = [
    "LANGUAGES",
    "N_",
    "_",
    "gettext",
    "language",
    "localize",
    "read_po_file",
    "show_tables_in",
    "speaking",
    "use",
]

#: The languages the course is written in; the first is the source.
LANGUAGES = ("en", "es")

#: The folder of the helpers' catalogues: ``locale/<lang>/*.po``.
LOCALE = Path(__file__).with_name("locale")

_current = {"lang": "en"}


def use(lang: str) -> None:
    """Speak ``lang`` ("en" or "es") from now on, in this Python process.

    In a notebook it also shows pandas tables with the language's decimal mark
    (:func:`show_tables_in`).

    Raises
    ------
    ValueError
        For a language the course is not written in.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"the course speaks {' or '.join(LANGUAGES)}, not {lang!r}")
    _current["lang"] = lang
    show_tables_in(lang)


def language() -> str:
    """The language in use: "en" unless :func:`use` chose another."""
    return _current["lang"]


@contextlib.contextmanager
def speaking(lang: str):
    """Speak ``lang`` inside a ``with`` block only (a tool writing a notebook of the other edition).

    >>> with speaking("es"):
    ...     language()
    'es'
    >>> language()
    'en'
    """
    if lang not in LANGUAGES:
        raise ValueError(f"the course speaks {' or '.join(LANGUAGES)}, not {lang!r}")
    before = language()
    _current["lang"] = lang
    try:
        yield
    finally:
        _current["lang"] = before


# A line of a PO file: a comment, a blank, a keyword with its string, or a string continuing the last one.
_PO_LINE = re.compile(
    r'(?:#.*|\s*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(?:[^"\\]|\\.)*"|"(?:[^"\\]|\\.)*")'
)


def read_po_file(path: Path, lang: str = "es"):
    """A PO catalogue, refused when a line is not PO: Babel would read an unclosed string silently wrong.

    Raises
    ------
    ValueError
        Naming the file, the line and its text (a translator's missing quote, say).
    """
    from babel.messages.pofile import read_po

    text = Path(path).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        if not _PO_LINE.fullmatch(line):
            raise ValueError(f"{path}, line {number}: not a line of a PO file (an unclosed quote?): {line[:80]!r}")
    with Path(path).open("rb") as file:
        return read_po(file, locale=lang)


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """Every translated message of ``lang``, by its English text (fuzzy and empty ones left out)."""
    messages = {}
    for path in sorted((LOCALE / lang).glob("*.po")):
        for message in read_po_file(path, lang):
            if message.id and message.string and not message.fuzzy:
                messages[message.id] = message.string
    return messages


def gettext(message: str) -> str:
    """``message`` in the language in use; the English text when it has no translation."""
    lang = language()
    if lang == LANGUAGES[0]:
        return message
    return catalogue(lang).get(message, message)


_ = gettext


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark ``message`` for the catalogue without translating it yet (a constant defined at import)."""
    return message


# A number as English writes it: 1,234 or 1,234.5 or 0.25 (not a date, not a version 1.2.3).
# English never writes a thousands group after a lone 0, so "0,123" is already Spanish (from number()).
_ENGLISH_NUMBER = re.compile(r"(?<![\w.,])(?:(?!0,)\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\d]|[.,]\d)")


def localize(text: str, lang: str | None = None) -> str:
    """``text`` with its English-written numbers in the language's format (default: the one in use).

    Spanish takes a decimal comma and a point between thousands. Lesson text computed
    with :func:`helpers.notebook.prose` passes through it (as do :mod:`helpers.formats` and pandas tables), so a translated sentence keeps
    the English format specifications (``{share:.1%}``) and still reads as Spanish.

    Examples
    --------
    >>> localize("1,234.5 customers, 0.25 of them, 3.5M, 12 % in 2024-01-31, version 1.2.3", "es")
    '1.234,5 customers, 0,25 of them, 3,5M, 12 % in 2024-01-31, version 1.2.3'
    >>> localize(localize("0.123 and 0.5", "es"), "es")  # a number already in Spanish stays so
    '0,123 and 0,5'
    >>> localize("1,234.5", "en")
    '1,234.5'
    """
    if (lang or language()) != "es":
        return text
    return _ENGLISH_NUMBER.sub(lambda match: match.group().translate(_TO_SPANISH), text)


_TO_SPANISH = str.maketrans({",": ".", ".": ","})


def show_tables_in(lang: str) -> None:
    """In a notebook, show pandas tables with ``lang``'s decimal mark (a comma in Spanish).

    Registers IPython display formatters for data frames (HTML and plain text, the same
    rows and columns pandas would show) and series; English removes them. Outside IPython it does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the course
        return
    shell = get_ipython()
    if shell is None:
        return
    import pandas as pd

    formatters = shell.display_formatter.formatters
    spanish = (("text/html", pd.DataFrame, _frame_html_es), ("text/plain", pd.DataFrame, _frame_text_es))
    spanish += (("text/plain", pd.Series, _series_text_es),)
    for mime, kind, printer in spanish:
        if lang == "es":
            formatters[mime].for_type(kind, printer)
        else:
            formatters[mime].type_printers.pop(kind, None)


def _frame_html_es(frame) -> str:
    from pandas import get_option
    from pandas.io.formats import format as fmt

    options = {name: get_option(f"display.{name}") for name in ("max_rows", "min_rows", "show_dimensions")}
    formatter = fmt.DataFrameFormatter(
        frame, max_cols=get_option("display.max_columns"), decimal=",", bold_rows=True, escape=True, **options
    )
    return fmt.DataFrameRenderer(formatter).to_html(notebook=True)


def _frame_text_es(frame, printer, cycle) -> None:
    from pandas.io.formats import format as fmt

    printer.text(frame.to_string(decimal=",", **fmt.get_dataframe_repr_params()))


def _series_text_es(series, printer, cycle) -> None:
    printer.text(localize(repr(series), "es"))
