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
    "table_in_language",
    "translate_tables_with",
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
    """In a notebook, show pandas tables in ``lang``: its decimal mark (a comma in Spanish) and its words.

    Registers IPython display formatters for data frames (HTML and plain text, the same
    rows and columns pandas would show), series and styled tables; English removes them.
    A label or text value with a translation is shown translated (:func:`table_in_language`);
    the data itself is not changed, so code still names columns and categories in English.
    Outside IPython it does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the course
        return
    shell = get_ipython()
    if shell is None:
        return
    import pandas as pd
    from pandas.io.formats.style import Styler

    formatters = shell.display_formatter.formatters
    spanish = (("text/html", pd.DataFrame, _frame_html_es), ("text/plain", pd.DataFrame, _frame_text_es))
    spanish += (("text/plain", pd.Series, _series_text_es), ("text/html", Styler, _styler_html_es))
    for mime, kind, printer in spanish:
        if lang == "es":
            formatters[mime].for_type(kind, printer)
        else:
            formatters[mime].type_printers.pop(kind, None)


#: How a table shown in Spanish translates one text (a label or a value); :mod:`helpers.plots`
#: sets the glossary-first lookup (:func:`helpers.plots.table_word`), the catalogues alone until then.
_table_words = {"term": None}


def translate_tables_with(term) -> None:
    """Translate the texts of the tables shown in Spanish with ``term`` (text → translation, or the text itself)."""
    _table_words["term"] = term


def _table_term(text: str) -> str:
    term = _table_words["term"] or gettext
    return term(text)


def table_in_language(table):
    """A copy of a data frame or series whose text labels and values read in the language in use.

    Index labels, the names of index and columns, the text values of text and categorical
    columns, and the column headers written as words ("for the customer", not ``customer_id``:
    code names a column by its header) are looked up one by one; a text with no translation
    (a name from the data) is kept as it is. In English, or for a table already written in
    the language in use (``table.attrs["lang"]``, e.g. the glossary's), the table itself.

    >>> import pandas as pd
    >>> with speaking("es"):
    ...     table_in_language(pd.Series([1], index=["Customers"], name="Month")).index.tolist()
    ['Clientes']
    """
    if language() == "en" or table.attrs.get("lang") == language():
        return table
    import pandas as pd

    words: dict[str, str] = {}

    def word(value):
        if not isinstance(value, str):
            return value
        if value not in words:
            words[value] = _table_term(value)
        return words[value]

    def texts(values):
        if isinstance(values.dtype, pd.CategoricalDtype):
            renamed = [word(name) for name in values.cat.categories]
            if len(set(renamed)) == len(renamed):
                return values.cat.rename_categories(renamed)
            return values.astype(object).map(word)
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            return values.map(word)
        return values

    if isinstance(table, pd.Series):
        shown = texts(table).rename(index=word)
        shown.index = shown.index.set_names([word(name) for name in shown.index.names])
        return shown.rename(word(table.name))
    shown = table.rename(index=word, columns=lambda name: word(name) if isinstance(name, str) and " " in name else name)
    shown = shown.apply(texts) if len(shown.columns) and not shown.columns.has_duplicates else shown
    shown.index = shown.index.set_names([word(name) for name in shown.index.names])
    shown.columns = shown.columns.set_names([word(name) for name in shown.columns.names])
    return shown


def _shown_in_spanish(frame, **options):
    """The renderer of ``frame`` as pandas shows it, with a decimal comma and its shown rows and labels in Spanish.

    Only the rows pandas shows (its truncated frame) are translated, so a table of millions
    of rows appears as fast as in English.
    """
    from pandas.io.formats import format as fmt

    formatter = fmt.DataFrameFormatter(frame, decimal=",", **options)
    formatter.tr_frame = table_in_language(formatter.tr_frame)
    formatter.frame = frame.rename_axis(index=formatter.tr_frame.index.names, columns=formatter.tr_frame.columns.names)
    return fmt.DataFrameRenderer(formatter)


def _frame_html_es(frame) -> str:
    from pandas import get_option

    options = {name: get_option(f"display.{name}") for name in ("max_rows", "min_rows", "show_dimensions")}
    shown = _shown_in_spanish(frame, max_cols=get_option("display.max_columns"), bold_rows=True, escape=True, **options)
    return shown.to_html(notebook=True)


def _frame_text_es(frame, printer, cycle) -> None:
    from pandas.io.formats import format as fmt

    options = fmt.get_dataframe_repr_params()
    line_width = options.pop("line_width")
    del options["max_colwidth"]  # the display option itself, which the formatter reads
    printer.text(_shown_in_spanish(frame, **options).to_string(line_width=line_width))


def _series_text_es(series, printer, cycle) -> None:
    printer.text(localize(repr(table_in_language(series)), "es"))


_HTML_TEXT = re.compile(r"(<style.*?</style>)|>([^<]+)<", re.DOTALL)


def _styler_html_es(styler) -> str:
    """A styled table in Spanish.

    Its cells were formatted by English format specs, so their numbers are localized; a cell
    whose whole text has a translation is translated, except a column header that code names
    (one word, as in :func:`table_in_language`).
    """

    identifiers = {name for name in styler.data.columns if isinstance(name, str) and " " not in name}

    def spanish(match: re.Match) -> str:
        if match.group(1):
            return match.group(1)
        text = match.group(2)
        stripped = text.strip()
        if not stripped or stripped == "&nbsp;":
            return match.group()
        translated = stripped if stripped in identifiers else _table_term(stripped)
        return ">" + (text.replace(stripped, translated) if translated != stripped else localize(text, "es")) + "<"

    return _HTML_TEXT.sub(spanish, styler._repr_html_())
