"""The Spanish edition of what students see besides the lessons' text: checks, widgets, %%needs, glossary."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from helpers import glossary, i18n, schema
from helpers.checks import Outcome, Question, ____, bind
from helpers.notebook import describe_missing, parse_requirements
from helpers.widgets import Scenario, readout_of, slider, what_if
from helpers.widgets.bonds import BudgetInputs, budget_widget
from helpers.widgets.value import clv_widget
from tests.test_checks import Shop, total_question

LOYALTY_TYPES = ("apostle", "mercenary", "hostage", "terrorist", "indifferent")


pytestmark = pytest.mark.usefixtures("spanish")


def kind_question(kind="concept"):
    return Question(
        variable="discount_leaver",
        expected="mercenary" if kind == "concept" else (lambda _company: "mercenary"),
        kind=kind,
        choices=LOYALTY_TYPES,
        hints=["Place her on the two axes."],
        solution='discount_leaver = "mercenary"',
        wrong={option: f"not {option}" for option in LOYALTY_TYPES if option != "mercenary"}
        if kind == "concept"
        else {},
    )


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


def test_a_check_speaks_spanish_when_correct_wrong_or_not_attempted(capsys):
    namespace = {"total": 3}
    ex = bind([total_question()], Shop([1, 2]), namespace)
    ex.q1.check()
    assert capsys.readouterr().out == "Pregunta 1 — ✔ Correcto: bien hecho.\n"
    namespace["total"] = 1234.5
    ex.q1.check()
    assert capsys.readouterr().out == "Pregunta 1 — ✘ Todavía no: 1.234 es demasiado alto.\n"
    namespace["total"] = 2.5
    ex.q1.check()
    assert "2,5 es demasiado bajo." in capsys.readouterr().out
    namespace["total"] = ____
    ex.q1.check()
    out = capsys.readouterr().out
    assert out.startswith("Pregunta 1 — … Sin responder: reemplace ____ en `total = ____`")
    del namespace["total"]
    ex.q1.check()
    assert "escriba el código que guarda su respuesta en `total`" in capsys.readouterr().out


def test_type_mismatches_are_explained_in_spanish():
    verdict = total_question().evaluate(pd.Series([1, 2]), Shop([1, 2]))
    assert verdict.message.startswith("la respuesta debe ser un solo número, no un Series. ¿Olvidó reducirla")
    assert "NaN (no es un número)" in total_question().evaluate(float("nan"), Shop([1, 2])).message
    assert "no es una de las opciones" in kind_question().evaluate("amigo", None).message


def test_a_concept_answer_in_spanish_counts_as_its_option():
    question = kind_question()
    for answer in ("mercenario", "Mercenario", "  MERCENARIO ", "mercenary"):
        assert question.evaluate(answer, None).outcome is Outcome.CORRECT, answer
    wrong = question.evaluate("rehén", None)
    assert wrong.outcome is Outcome.INCORRECT and wrong.message == "not hostage", "the option's own explanation"
    assert question.evaluate("rehen", None).message == "not hostage", "accents aside"
    assert question.evaluate("Apóstol", None).message == "not apostle"
    choice = kind_question("choice")
    assert choice.evaluate("mercenario", None).outcome is Outcome.CORRECT
    assert choice.evaluate("terrorista", None).outcome is Outcome.INCORRECT


def test_hints_and_solutions_speak_spanish(capsys):
    ex = bind([total_question()], Shop([1, 2]), {})
    ex.q1.hint()
    assert capsys.readouterr().out == "Pista 1 de 2: Add them up.\n"
    ex.q1.hint()
    assert capsys.readouterr().out.startswith("Pista 2 de 2:")
    ex.q1.solution()
    assert capsys.readouterr().out == "Solución de la pregunta 1:\n\ntotal = shop.sales.sum()\n"


def test_the_feedback_is_english_again_after_switching_back(capsys):
    i18n.use("en")
    bind([total_question()], Shop([1, 2]), {"total": 3}).q1.check()
    assert capsys.readouterr().out == "Question 1 — ✔ Correct: well done.\n"
    assert kind_question().evaluate("mercenario", None).outcome is Outcome.CORRECT


# ---------------------------------------------------------------------------------------------
# Widgets
# ---------------------------------------------------------------------------------------------


def test_a_widget_built_in_spanish_has_spanish_labels_and_readouts():
    box = clv_widget(margin=1500.0, retention=0.8, discount_rate=0.1)
    assert [c.description for c in box.controls.values()] == [
        "Margen anual",
        "Retención anual",
        "Tasa de descuento anual",
        "Márgenes",
    ]
    timing = box.controls["timing"]
    assert timing.label == "recibidos al final de cada año, si el cliente sigue (Gupta & Lehmann)"
    assert timing.value == "end_retained", "the value stays the name the scenario takes"
    margin = box.controls["margin"]
    assert not margin.readout and readout_of(margin).value == "1.500"
    assert readout_of(margin) in box.children[0].children, "the readout sits beside its slider"
    margin.value = 1234.0
    assert readout_of(margin).value == "1.234"
    assert readout_of(box.controls["retention"]).value == "80%"
    assert repr(box).startswith("Simulación: Margen anual, Retención anual")


def test_a_slider_readout_writes_the_decimal_comma():
    control = slider("Gasto", 1234.5, 0, 5000, 0.5, fmt=",.1f")
    box = what_if(lambda gasto: Scenario(gasto, None), {"gasto": control})
    assert readout_of(control).value == "1.234,5"
    control.value = 0.5
    assert readout_of(control).value == "0,5" and box.result.data == 0.5
    i18n.use("en")
    assert readout_of(slider("Spend", 1.5, 0, 2, 0.5)) is None, "English keeps the slider's own readout"


def test_dropdowns_show_spanish_labels_and_keep_english_values():
    packages = pd.DataFrame(
        {"cost_per_month": [2.0, 8.0, 20.0, 50.0], "churn_multiplier": [0.85, 0.6, 0.33, 0.13]},
        index=pd.Index(schema.BOND_LEVELS, name="level"),
    )
    baseline = pd.DataFrame(
        {"customers": [2000, 400], "monthly_churn": [0.05, 0.03], "margin_per_month": [20.0, 100.0]},
        index=["all", "B2B"],
    )
    box = budget_widget(BudgetInputs(baseline, {"naive estimate (data)": packages}), max_budget=12000)
    segment, effect = box.controls["segment"], box.controls["effect"]
    assert [shown for shown, _value in segment.options] == ["todos", "empresas (B2B)"] and segment.value == "all"
    assert effect.label == "estimación ingenua (datos)" and effect.value == "naive estimate (data)"
    assert box.controls["financial"].description == "Parte financiera"
    segment.value = "B2B"
    assert box.redraw().data.totals["customers"] == 400


# ---------------------------------------------------------------------------------------------
# %%needs
# ---------------------------------------------------------------------------------------------


@pytest.fixture()
def shell(make_company):
    company = make_company(120, seed=5, months=6)
    shell = InteractiveShell.instance()
    shell.extension_manager.load_extension("helpers.notebook")
    shell.user_ns["company"] = dataclasses.replace(
        company, missing=("surveys",), truth=None, surveys=company.surveys.iloc[0:0]
    )
    i18n.use("es")  # again, now that there is a shell: its tables take the decimal comma
    yield shell
    for name in ("company", "x"):
        shell.user_ns.pop(name, None)


def test_the_needs_skip_message_is_spanish(shell, capsys):
    result = shell.run_cell("%%needs surveys\nx = 1")
    assert result.success and "x" not in shell.user_ns
    assert (
        capsys.readouterr().out == "⏭ Se omite: esta sección necesita la tabla surveys, y eso no está en sus datos.\n"
    )


def test_the_needs_messages_name_what_is_lacking_in_spanish():
    lacking = parse_requirements("customers>=1000 customers.segment transactions.date>=1y surveys.date>=2m")
    assert describe_missing(lacking) == (
        "⏭ Se omite: esta sección necesita al menos 1.000 filas en la tabla customers, la columna segment de la "
        "tabla customers, fechas que abarquen al menos 1 año en la columna date de la tabla transactions y "
        "fechas que abarquen al menos 2 meses en la columna date de la tabla surveys, y eso no está en sus datos."
    )
    assert describe_missing([("truth", ())]).startswith("⏭ Se omite: esta sección necesita los valores verdaderos")
    with pytest.raises(UsageError, match="indique lo que necesita la celda"):
        parse_requirements("")
    with pytest.raises(UsageError, match="un número de filas no lleva unidad"):
        parse_requirements("customers>=100m")


def test_needs_asks_for_the_import_cell_in_spanish(shell):
    shell.user_ns.pop("company")
    result = shell.run_cell("%%needs surveys\nx = 1")
    assert "ejecute primero la celda de importación" in str(result.error_before_exec or result.error_in_exec)


# ---------------------------------------------------------------------------------------------
# Glossary
# ---------------------------------------------------------------------------------------------


def test_the_glossary_puts_the_spanish_term_first_with_its_definition_translated():
    table = glossary.terms(lesson=5)
    assert table.columns.tolist() == ["Término", "Inglés", "Definición"]
    first = table.iloc[1]
    assert (first["Término"], first["Inglés"]) == ("mercenario", "mercenary")
    assert first["Definición"] == "Satisfecho pero no vinculado: se va ante una oferta mejor."
    everything = glossary.terms()
    assert everything.columns.tolist() == ["Lección", "Término", "Inglés", "Definición"]
    assert len(everything) == 117
    i18n.use("en")
    english = glossary.terms(lesson=5)
    assert english.columns.tolist() == ["English", "Spanish", "Meaning"]
    assert english.loc[1, "Meaning"] == "Satisfied but not tied: leaves for a better offer."


def test_every_definition_has_its_spanish():
    spanish = glossary.terms()["Definición"]
    i18n.use("en")
    english = glossary.terms()["Meaning"]
    assert not (spanish == english).any(), english[spanish == english].tolist()


# ---------------------------------------------------------------------------------------------
# Tables: what a Spanish notebook shows of a data frame


def test_a_table_shown_in_spanish_reads_its_labels_and_values_in_spanish_and_keeps_its_identifiers():
    from helpers import bucket, crm, plots  # noqa: F401 - plots sets the glossary-first lookup

    table = pd.DataFrame(
        {
            "answers": ["who the customer is", "a name of the analyst's own"],
            "for the customer": pd.Categorical(["as is", "plug the holes"]),
            "share_of_margin": [0.25, 0.75],
        },
        index=pd.Index(["champions", "at risk"], name="segment"),
    )
    shown = i18n.table_in_language(table)
    assert shown["answers"].tolist() == ["quién es el cliente", "a name of the analyst's own"]
    assert shown["para el cliente"].tolist() == ["como está", "taponar los agujeros"]  # a header in words
    assert "share_of_margin" in shown.columns and "answers" in shown.columns  # identifiers: code names them
    assert shown.index.tolist() == [glossary.spanish("champions"), glossary.spanish("at risk")]
    assert table.index.tolist() == ["champions", "at risk"]  # the data is not changed
    assert shown.loc[glossary.spanish("champions"), "share_of_margin"] == 0.25
    assert i18n.table_in_language(glossary.terms(lesson=5)).equals(glossary.terms(lesson=5))  # already Spanish
    with i18n.speaking("en"):
        assert i18n.table_in_language(table) is table


def test_a_styled_table_shown_in_spanish_has_spanish_numbers_and_words():
    from helpers import plots  # noqa: F401

    styled = pd.DataFrame({"margin": [1245347.0], "share": [0.133]}, index=["champions"]).style.format(
        {"margin": "{:,.0f}", "share": "{:.1%}"}
    )
    html = i18n._styler_html_es(styled)
    assert ">1.245.347<" in html and ">13,3%<" in html
    assert f">{glossary.spanish('champions')}<" in html and ">champions<" not in html
    assert ">margin<" in html  # a column header code names stays as it is


def test_the_sales_pipeline_steps_reach_the_catalogue_as_the_query_writes_them():
    from helpers import warehouse

    assert all(f"'{step}'" in warehouse.QUERIES["sales_pipeline"] for step in warehouse.PIPELINE_STEPS)
    assert [i18n._(step) for step in warehouse.PIPELINE_STEPS][0] != warehouse.PIPELINE_STEPS[0]


def test_a_long_table_shown_in_spanish_is_the_translated_table_as_pandas_shows_it():
    """Only the rows pandas shows are translated (a table of millions appears at once); what shows is the same."""
    from pandas.io.formats import format as fmt

    from helpers import plots  # noqa: F401

    long = pd.DataFrame(
        {"strategy": ["as is", "plug the holes", "pour more in"] * 400, "customers": range(1200)},
        index=pd.Index(["champions", "lost"] * 600, name="segment"),
    )
    translated = i18n.table_in_language(long)
    expected = fmt.DataFrameRenderer(
        fmt.DataFrameFormatter(
            translated, decimal=",", bold_rows=True, escape=True, max_rows=60, min_rows=10, show_dimensions="truncate"
        )
    ).to_html(notebook=True)
    with pd.option_context("display.max_rows", 60, "display.min_rows", 10, "display.show_dimensions", "truncate"):
        shown = i18n._frame_html_es(long)
    assert shown == expected
    assert "taponar los agujeros" in shown and "1200 rows" in shown
