"""The Spanish edition, kept in step with the English source through gettext catalogues.

English is the source of everything; the Spanish lives in PO catalogues, read and written
with Babel (:mod:`babel.messages`), so any PO editor (Poedit, Lokalize) or a text editor
serves a translator:

* **the helpers' messages** (chart labels, widget labels, check feedback, data errors,
  the question banks' hints and explanations, the glossary's definitions), one catalogue
  per module: ``src/helpers/locale/es/<module>.po`` (``plots.bonds.po``, ``checks.po``, ...);
  a message is its English text, marked ``_("...")`` or ``N_("...")`` in the code;
* **the notebooks' cells**, one catalogue per notebook: ``translations/es/<folder>/<name>.po``
  for ``notebooks/`` and ``solutions/``. A cell is one message: its context is the cell's
  id, its text the whole cell (Markdown, or code whose comments and strings speak English).
  The entry ``file name`` gives the Spanish notebook's file name.

A translator's loop, after an English change::

    python -m helpers.translate update   # new messages empty, changed ones fuzzy (old text kept)
    # edit the .po files: translate, then remove the fuzzy flag
    python -m helpers.translate status   # what is still missing or fuzzy
    make notebooks                       # writes notebooks/es, solutions/es, exercises/es and runs them

``build`` writes the Spanish notebooks from the English ones and their catalogues; it
refuses while a cell's translation is missing or stale (the test suite checks the same).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import importlib
import io
import json
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import write_po

from helpers.i18n import LOCALE, read_po_file, speaking

__all__ = [
    "EDITIONS",
    "build",
    "helper_messages",
    "notebook_messages",
    "status",
    "update",
]

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(__file__).resolve().parent
#: The folders of English notebooks with a Spanish edition, and where their catalogues live.
EDITIONS = ("notebooks", "solutions")
TRANSLATIONS = ROOT / "translations"
#: The context of the entry that names a notebook's Spanish file.
FILE_NAME = "file name"
# Comments that are markers for tools, not text for readers.
_MARKERS = re.compile(r"#\s*(BEGIN SOLUTION|END SOLUTION|SOLUTION|noqa\b.*|type: .*|fmt: .*)\s*$")
_WORDS = re.compile(r"[A-Za-z]{2,}[^\n\w]+[A-Za-z]{2,}")


@dataclass(frozen=True)
class Message:
    """One message of a catalogue: its English text, where it comes from, and a note for the translator."""

    id: str
    context: str | None = None
    note: str = ""


# ---------------------------------------------------------------------------------------------
# What to translate
# ---------------------------------------------------------------------------------------------


def helper_messages() -> dict[str, list[Message]]:
    """The helpers' messages to translate, by catalogue name (the module's dotted name under ``helpers``).

    Messages marked ``_()`` or ``N_()`` in a module's code, plus the texts students read
    that are data: each question bank's hints, success and mistake explanations, and the
    glossary's definitions.
    """
    catalogues: dict[str, list[Message]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
        found = extract_from_file("python", str(path), keywords={"_": None, "N_": None}, comment_tags=("Translators:",))
        for _line, text, comments, _context in found:
            if isinstance(text, str) and text:
                _add(catalogues, name, Message(text, note=" ".join(comments)))
    for name, message in _data_messages():
        _add(catalogues, name, message)
    return catalogues


def _add(catalogues: dict[str, list[Message]], name: str, message: Message) -> None:
    messages = catalogues.setdefault(name, [])
    if all(m.id != message.id for m in messages):
        messages.append(message)


def _data_messages():
    """The question banks' and the glossary's texts (data, not code marked with ``_``)."""
    from helpers import glossary

    for path in sorted((PACKAGE / "exercises").glob("[!_]*.py")):
        bank = path.stem
        module = importlib.import_module(f"helpers.exercises.{bank}")
        for number, question in enumerate(module.QUESTIONS, start=1):
            note = f"question {number} ({question.variable})"
            texts = [*question.hints, question.success, *(why for _test, why in question.mistakes)]
            for text in texts:
                yield f"exercises.{bank}", Message(text, note=note)
    with speaking("en"):
        terms = glossary.terms()[["English", "Meaning"]]
    for english, meaning in terms.itertuples(index=False):
        yield "glossary", Message(meaning, note=f"definition of {english}")


def notebook_messages(path: Path) -> list[Message]:
    """The cells of an English notebook that a translator translates, in order.

    Every Markdown cell, and every code cell with a comment or a string of words (code
    alone is the same in both editions). First comes the notebook's file name.
    """
    notebook = json.loads(Path(path).read_text())
    messages = [Message(Path(path).stem, FILE_NAME, "the Spanish file name, e.g. 03_balde_con_fugas")]
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            messages.append(Message(source, cell["id"], "Markdown"))
        elif cell["cell_type"] == "code" and speaks(source):
            messages.append(Message(source, cell["id"], "code: translate its comments and texts, keep the code"))
    return messages


def speaks(source: str) -> bool:
    """Whether a code cell has words for readers: a comment, or a string of two words or more.

    >>> speaks('x = 1  # SOLUTION'), speaks('print(f"{n} customers left")'), speaks('df["retention_rate"]')
    (False, True, False)
    """
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code + "\n").readline))
    except (tokenize.TokenError, SyntaxError):  # pragma: no cover - cells are valid Python
        return True
    for token in tokens:
        if token.type == tokenize.COMMENT and not _MARKERS.fullmatch(token.string):
            return True
        if token.type in (tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", -1)) and _WORDS.search(token.string):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Catalogues
# ---------------------------------------------------------------------------------------------


def helper_catalogue_path(name: str, lang: str = "es") -> Path:
    """Where the catalogue of the helpers' module ``name`` lives."""
    return LOCALE / lang / f"{name}.po"


def notebook_catalogue_path(notebook: Path, lang: str = "es") -> Path:
    """Where the catalogue of an English notebook (``notebooks/03_leaky_bucket.ipynb``) lives."""
    return TRANSLATIONS / lang / notebook.parent.name / f"{notebook.stem}.po"


def english_notebooks() -> list[Path]:
    """The English notebooks that have a Spanish edition."""
    return sorted(path for folder in EDITIONS for path in (ROOT / folder).glob("*.ipynb"))


def read_catalogue(path: Path) -> Catalog:
    """A PO catalogue; an empty one when the file does not exist yet."""
    if not path.exists():
        return Catalog(locale="es", project="Relationship Marketing & CRM Workbook", fuzzy=False)
    return read_po_file(path)


HEADER = """\
Spanish edition of the Relationship Marketing & CRM Workbook (Latin American Spanish).
The English text is the source: run `python -m helpers.translate update` after an English
change, translate what is new or marked fuzzy, then `make notebooks`."""


def merge(messages: list[Message], old: Catalog) -> Catalog:
    """``messages`` as a catalogue, keeping ``old``'s translations.

    Unchanged messages keep theirs as they are; a changed one (same cell, or a close
    English text) keeps the old translation marked *fuzzy*, with its previous English.
    """
    new = Catalog(
        locale="es",
        project="Relationship Marketing & CRM Workbook",
        creation_date=old.creation_date,
        revision_date=old.revision_date,
        language_team="Español (América Latina)",
        fuzzy=False,
        header_comment="\n".join(f"# {line}" for line in HEADER.splitlines()),
    )
    by_key = {(m.id, m.context): m for m in old if m.id}
    by_context = {m.context: m for m in old if m.id and m.context}
    unused = [m.id for m in old if m.id and not m.context]
    for message in messages:
        previous = by_key.get((message.id, message.context))
        fuzzy, previous_id = False, None
        if previous is None and message.context and message.context in by_context:
            previous = by_context[message.context]
        if previous is None and not message.context:
            close = difflib.get_close_matches(message.id, unused, n=1, cutoff=0.8)
            previous = by_key.get((close[0], None)) if close else None
        if previous is not None and (previous.id != message.id or previous.fuzzy):
            fuzzy = bool(previous.string)
            previous_id = previous.previous_id if previous.id == message.id else [previous.id]
        new.add(
            message.id,
            string=previous.string if previous is not None else "",
            context=message.context,
            auto_comments=[message.note] if message.note else [],
            flags=["fuzzy"] if fuzzy else [],
            previous_id=previous_id or (),
        )
    return new


def write_catalogue(catalogue: Catalog, path: Path) -> None:
    """Write a catalogue without wrapping lines, with the previous English of fuzzy entries."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalogue, width=0, include_previous=True, omit_header=False)
    path.write_bytes(buffer.getvalue())


def update(lang: str = "es", only: tuple[str, ...] = ()) -> list[Path]:
    """Bring every catalogue (or those whose file name starts with one of ``only``) in step with the English.

    Returns the files written.
    """
    sources = [(helper_catalogue_path(name, lang), messages) for name, messages in helper_messages().items()]
    sources += [(notebook_catalogue_path(nb, lang), notebook_messages(nb)) for nb in english_notebooks()]
    written = []
    for path, messages in sources:
        if not only or path.name.startswith(only):
            write_catalogue(merge(messages, read_catalogue(path)), path)
            written.append(path)
    return written


def status(lang: str = "es") -> list[tuple[str, int, int, int]]:
    """For each catalogue: (its path from the project root, messages translated, fuzzy, missing).

    It compares with the English source as it is now, without writing anything.
    """
    rows = []
    sources = [(helper_catalogue_path(n, lang), m) for n, m in helper_messages().items()]
    sources += [(notebook_catalogue_path(nb, lang), notebook_messages(nb)) for nb in english_notebooks()]
    for path, messages in sources:
        catalogue = read_catalogue(path)
        current = {(m.id, m.context): m for m in catalogue if m.id}
        done = fuzzy = missing = 0
        for message in messages:
            found = current.get((message.id, message.context))
            if found is None or not found.string:
                missing += 1
            elif found.fuzzy:
                fuzzy += 1
            else:
                done += 1
        rows.append((str(path.relative_to(ROOT)), done, fuzzy, missing))
    return rows


# ---------------------------------------------------------------------------------------------
# The Spanish notebooks
# ---------------------------------------------------------------------------------------------


class StaleTranslation(ValueError):
    """A cell whose translation is missing, or was made for an older English text."""


def translated_notebook(english: Path, lang: str = "es") -> tuple[str, dict]:
    """The Spanish edition of an English notebook: (its file name, the notebook without outputs).

    Raises
    ------
    StaleTranslation
        Naming the catalogue and every cell whose translation is missing or stale.
    """
    path = notebook_catalogue_path(english, lang)
    catalogue = {(m.id, m.context): m for m in read_catalogue(path) if m.id}
    problems = []

    def translation(message: Message) -> str:
        found = catalogue.get((message.id, message.context))
        if found is None or not found.string or found.fuzzy:
            problems.append(f"{message.context} ({'stale' if found is not None and found.fuzzy else 'missing'})")
            return message.id
        return found.string

    messages = notebook_messages(english)
    file_name = translation(messages[0])
    spanish = {message.context: translation(message) for message in messages[1:]}
    if problems:
        raise StaleTranslation(
            f"{path.relative_to(ROOT)}: {len(problems)} cells not translated for the current English of "
            f"{english.relative_to(ROOT)}: {', '.join(problems[:8])}{' …' if len(problems) > 8 else ''}; "
            "run python -m helpers.translate update, then translate them"
        )
    notebook = json.loads(english.read_text())
    for cell in notebook["cells"]:
        if cell["id"] in spanish:
            cell["source"] = spanish[cell["id"]].splitlines(keepends=True)
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    notebook["metadata"]["course"] = {"lang": lang, "source": f"../../{english.parent.name}/{english.name}"}
    return f"{file_name}.ipynb", notebook


def file_names(folder: str = "solutions", lang: str = "es") -> dict[str, str]:
    """The translated file name of each English notebook of ``folder``, by English name (no ``.ipynb``).

    >>> file_names()["05_loyalty_matrix"]
    '05_matriz_de_lealtad'
    """
    names = {}
    for path in sorted((TRANSLATIONS / lang / folder).glob("*.po")):
        entry = read_catalogue(path).get(path.stem, context=FILE_NAME)
        if entry is not None and entry.string:
            names[path.stem] = entry.string
    return names


def spanish_path(english: Path, lang: str = "es") -> Path:
    """Where the Spanish edition of an English notebook is written."""
    file_name = translated_notebook(english, lang)[0]
    return english.parent / lang / file_name


def build(lang: str = "es", notebooks: list[Path] | None = None) -> list[Path]:
    """Write the Spanish notebooks (``notebooks/es``, ``solutions/es``) from the English ones (or ``notebooks``).

    A cell whose text did not change keeps its outputs from the last run, so only the
    cells a translator touched need running again (``make notebooks`` runs them all).
    """
    written = []
    for english in [Path(path).resolve() for path in notebooks] if notebooks else english_notebooks():
        file_name, notebook = translated_notebook(english, lang)
        target = english.parent / lang / file_name
        if target.exists():
            before = {cell["id"]: cell for cell in json.loads(target.read_text())["cells"]}
            for cell in notebook["cells"]:
                old = before.get(cell["id"])
                if cell["cell_type"] == "code" and old is not None and old["source"] == cell["source"]:
                    cell["outputs"], cell["execution_count"] = old["outputs"], old["execution_count"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
        written.append(target)
    return written


def assigned_names(source: str) -> set[str]:
    """The names a code cell assigns (what later cells may use): the same in both editions.

    >>> sorted(assigned_names("%%needs surveys\\nx, y = 1, 2\\nimport pandas as pd\\ndef f(): pass"))
    ['f', 'pd', 'x', 'y']
    """
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.translate {update,status,build}``."""
    parser = argparse.ArgumentParser(prog="python -m helpers.translate", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("update", "status", "build"))
    parser.add_argument(
        "only", nargs="*", help="build: only these English notebooks; update: only catalogues whose name starts so"
    )
    parser.add_argument("--lang", default="es", choices=("es",))
    args = parser.parse_args(argv)
    if args.command == "update":
        for path in update(args.lang, tuple(args.only)):
            print(path.relative_to(ROOT))
    elif args.command == "status":
        rows = status(args.lang)
        for path, done, fuzzy, missing in rows:
            print(f"{path:70} {done:5} translated {fuzzy:4} fuzzy {missing:4} missing")
        return 1 if any(fuzzy or missing for _path, _done, fuzzy, missing in rows) else 0
    else:
        try:
            for path in build(args.lang, [Path(p) for p in args.only]):
                print(path.relative_to(ROOT))
        except StaleTranslation as error:
            print(error, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
