"""The Spanish edition stays in step with the English source: nothing missing, nothing stale."""

from __future__ import annotations

import json
import re
import string

import pytest
from babel.messages.catalog import Catalog

from helpers import glossary, i18n, translate
from helpers.formats import localize, money, number
from helpers.translate import Message, merge

ENGLISH = translate.english_notebooks()
TIME = re.compile(r"^\*About (\d+) minutes?\.\*$", re.MULTILINE)
TIME_ES = re.compile(r"^\*Unos? (\d+) minutos?\.\*$", re.MULTILINE)


def test_every_catalogue_is_complete_and_current():
    """A stale or missing translation fails here: run `make translations`, then translate."""
    behind = [row for row in translate.status() if row[2] or row[3]]
    assert not behind, "catalogues with fuzzy or missing messages (path, translated, fuzzy, missing):\n" + "\n".join(
        map(str, behind)
    )


def test_no_catalogue_keeps_messages_the_english_no_longer_has():
    wanted = {
        translate.helper_catalogue_path(name): {m.id for m in messages}
        for name, messages in translate.helper_messages().items()
    }
    wanted |= {translate.notebook_catalogue_path(nb): {m.id for m in translate.notebook_messages(nb)} for nb in ENGLISH}
    on_disk = set(translate.LOCALE.glob("es/*.po")) | set(translate.TRANSLATIONS.glob("es/*/*.po"))
    assert on_disk == set(wanted), "catalogues without an English source, or sources without a catalogue"
    for path, ids in wanted.items():
        kept = {m.id for m in translate.read_catalogue(path) if m.id}
        assert kept == ids, f"{path.name}: run `make translations` (obsolete: {sorted(kept - ids)[:3]})"


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_committed_spanish_notebook_is_its_catalogue_applied_to_the_english(english):
    file_name, built = translate.translated_notebook(english)
    committed_path = english.parent / "es" / file_name
    assert committed_path.exists(), f"run `make notebooks`: {committed_path} is missing"
    committed = json.loads(committed_path.read_text())
    assert [c["source"] for c in committed["cells"]] == [c["source"] for c in built["cells"]], (
        f"{committed_path} is not its catalogue applied to {english.name}: run `make notebooks`"
    )
    assert committed["metadata"]["course"]["lang"] == "es"


@pytest.mark.parametrize("english", ENGLISH, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_translated_cell_keeps_the_code_and_the_lesson_timing(english):
    _file_name, spanish_notebook = translate.translated_notebook(english)
    english_cells = json.loads(english.read_text())["cells"]
    for before, after in zip(english_cells, spanish_notebook["cells"], strict=True):
        source, translated = "".join(before["source"]), "".join(after["source"])
        if before["cell_type"] == "code":
            assert translate.assigned_names(source) <= translate.assigned_names(translated), (
                f"{english.name} {before['id']}: the Spanish cell no longer assigns "
                f"{sorted(translate.assigned_names(source) - translate.assigned_names(translated))}"
            )
            needs = [line for line in source.splitlines() if line.startswith("%%")]
            assert needs == [line for line in translated.splitlines() if line.startswith("%%")], before["id"]
            if "parameters" in before["metadata"].get("tags", []):
                assert re.search(r'^LANG = "es"', translated, re.MULTILINE), (
                    f"{english.name}: LANG of the Spanish edition"
                )
        else:
            assert TIME.findall(source) == TIME_ES.findall(translated), f"{english.name} {before['id']}: section time"
            words = re.findall(r"[A-Za-z]{3,}", source)
            if len(words) >= 6:
                assert translated != source, f"{english.name} {before['id']}: left in English"


def test_helper_messages_keep_their_placeholders():
    fields = string.Formatter()
    for name in translate.helper_messages():
        for message in translate.read_catalogue(translate.helper_catalogue_path(name)):
            if message.id and message.string:
                english = sorted(f for _, f, _, _ in fields.parse(message.id) if f is not None)
                spanish = sorted(f for _, f, _, _ in fields.parse(message.string) if f is not None)
                assert english == spanish, f"{name}: {message.id!r} and its Spanish name different values"


def test_a_changed_english_cell_keeps_its_old_translation_as_fuzzy():
    old = Catalog(locale="es")
    old.add("## The idea", string="## La idea", context="cell-01")
    old.add("Customers", string="Clientes")
    new = merge([Message("## The idea, revised", "cell-01"), Message("Customers"), Message("Months")], old)
    revised = new.get("## The idea, revised", context="cell-01")
    assert revised.fuzzy and revised.string == "## La idea" and revised.previous_id == ["## The idea"]
    assert not new.get("Customers").fuzzy and new.get("Customers").string == "Clientes"
    assert new.get("Months").string == "" and not new.get("Months").fuzzy


def test_a_stale_cell_stops_the_build(tmp_path, monkeypatch):
    english = tmp_path / "notebooks" / "99_demo.ipynb"
    english.parent.mkdir()
    cell = {"cell_type": "markdown", "id": "cell-00", "metadata": {}, "source": ["# Changed title"]}
    english.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    catalogue = Catalog(locale="es")
    catalogue.add("99_demo", string="99_demostracion", context=translate.FILE_NAME)
    catalogue.add("# Old title", string="# Título anterior", context="cell-00")
    monkeypatch.setattr(translate, "ROOT", tmp_path)
    monkeypatch.setattr(translate, "TRANSLATIONS", tmp_path / "translations")
    translate.write_catalogue(catalogue, translate.notebook_catalogue_path(english))
    translate.update(only=("99_",))
    with pytest.raises(translate.StaleTranslation, match=r"cell-00 \(stale\)"):
        translate.translated_notebook(english)


def test_numbers_follow_the_language(spanish):
    assert number(1234.5, ",.1f") == "1.234,5"
    assert number(-0.25, ".1%") == "\u221225,0%"
    assert money(2_500_000) == "2,5M"
    assert localize("0.82 and 1,234") == "0,82 and 1.234"
    i18n.use("en")
    assert number(1234.5, ",.1f") == "1,234.5" and money(2_500_000) == "2.5M"


def test_labels_and_messages_follow_the_language(spanish):
    assert glossary.label("partner") == "socio"
    with pytest.raises(ValueError, match="not 'fr'"):
        i18n.use("fr")


ENGLISH_WORDS = {"the", "and", "of", "to", "is", "that", "for", "with", "are", "this", "which", "what", "how", "when"}
SPANISH_NOTEBOOKS = sorted((translate.ROOT / "notebooks" / "es").glob("*.ipynb")) + sorted(
    (translate.ROOT / "solutions" / "es").glob("*.ipynb")
)


def shown_text(output: dict) -> str:
    """What a reader sees of a cell's output, as text: printed lines, computed prose, plain results,
    and each cell of a table (one line per cell of its HTML; the glossary's English column left out)."""
    if output.get("output_type") == "stream":
        return "".join(output["text"])
    data = output.get("data", {})
    html = "".join(data.get("text/html", ""))
    if html and ">Inglés<" not in html:
        html = re.sub(r"<style.*?</style>", "", html, flags=re.DOTALL)
        return "\n".join(text.strip() for text in re.split(r"<[^>]+>", html) if text.strip())
    return "".join(data.get("text/markdown", data.get("text/plain", "")))


@pytest.mark.parametrize("notebook", SPANISH_NOTEBOOKS, ids=lambda p: f"{p.parent.parent.name}/es/{p.stem}")
def test_what_a_spanish_notebook_shows_is_spanish(notebook):
    """No English sentence in a Spanish lesson's outputs: a message that reached no catalogue shows up here.

    Lines with a ``#`` are left out: the messy shop's mapping file (lesson 09) is data, commented in English.
    """
    english = []
    for cell in json.loads(notebook.read_text())["cells"]:
        for output in cell.get("outputs", []):
            for line in shown_text(output).splitlines():
                words = re.findall(r"[A-Za-z]+(?:_[A-Za-z]+)*", line.lower())
                if "#" not in line and sum(word in ENGLISH_WORDS for word in words) >= 2:
                    english.append(f"{cell['id']}: {line.strip()[:120]}")
    assert not english, "English left in what the Spanish notebook shows:\n" + "\n".join(english[:10])


def test_a_catalogue_with_an_unclosed_quote_is_refused_with_its_line(tmp_path):
    """Babel alone would read it silently wrong ("Hol"); a translator's slip must stop the build instead."""
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "Hello"\nmsgstr "Hola\n\nmsgid "Customers"\nmsgstr "Clientes"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.po, line 2: .*'msgstr \"Hola'"):
        i18n.read_po_file(broken)
    (tmp_path / "fine.po").write_text(broken.read_text().replace('"Hola\n', '"Hola"\n'), encoding="utf-8")
    assert i18n.read_po_file(tmp_path / "fine.po").get("Hello").string == "Hola"
