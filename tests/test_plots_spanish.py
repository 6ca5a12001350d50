"""The Spanish edition's charts: every module's titles, axes and legends speak Spanish, numbers and dates too.

Each test draws a representative chart of one plots module with ``i18n.use("es")`` and checks
its texts against the catalogues' Spanish (and the glossary's terms, through
:func:`helpers.plots.category`), and that no English label is left on it.
"""

import re

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from helpers import bonds, bucket, crm, i18n, plan, plots, retention
from helpers.plots import bonds as bond_plots
from helpers.plots import bucket as bucket_plots
from helpers.plots import category
from helpers.plots import crm as crm_plots
from helpers.plots import loyalty as loyalty_plots
from helpers.plots import plan as plan_plots
from helpers.plots import profitability as profitability_plots
from helpers.plots import relationships as relationship_plots
from helpers.plots import retention as retention_plots
from helpers.plots import satisfaction as satisfaction_plots
from helpers.plots import value as value_plots

# English words of the labels the Spanish edition replaced: none may be left on a Spanish chart.
ENGLISH = re.compile(
    r"\b(customers?|months?|share|churn|profit|margin|the|of|and|with|per|by|lost|truth|stranger|partner|"
    r"apostles?|financial|platinum|complaint|purchases?|identity|step|year)\b",
    re.IGNORECASE,
)


@pytest.fixture
def spanish(spanish):
    """The Spanish edition for one test (conftest's), with the course theme; the old theme afterwards."""
    with mpl.rc_context():
        plots.use_theme()
        yield


@pytest.fixture(scope="module")
def company(make_company):
    return make_company(300, seed=1)


def texts(fig) -> list[str]:
    """Every visible text of a drawn figure (titles, labels, ticks, legends, notes), lines joined by spaces."""
    fig.draw_without_rendering()
    found = [" ".join(t.get_text().split()) for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    plt.close(fig)
    return found


def title(ax) -> str:
    return " ".join(ax.get_title(loc) for loc in ("left", "center", "right")).strip()


def assert_spanish(found: list[str]) -> None:
    english = [text for text in found if ENGLISH.search(text)]
    assert not english, f"English left on a Spanish chart: {english}"


def test_labels_numbers_and_dates_follow_the_language(spanish):
    assert category("partner") == "Socio"
    assert category("financial", "bond") == "Vínculo financiero"
    assert category("none", "bond") == "Sin vínculo"
    assert category("naive") == "Sin ajustar"  # not a glossary term: the catalogue's
    assert category("a label of my own") == "A label of my own"  # an analyst's label: shown as it is
    assert plots.with_spanish("partner") == "Socio"  # no Spanish gloss beside the Spanish
    assert plots.count(1234) == "1.234"
    fig = plots.bar_chart(
        pd.Series({"stranger": 0.4, "acquaintance": 0.3, "friend": 0.2, "partner": 0.1}), family="stage", fmt="percent"
    )
    fig.draw_without_rendering()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == [category(s) for s in ("stranger", "acquaintance", "friend", "partner")]
    fig, ax = plt.subplots()
    months = pd.date_range("2024-01-01", periods=6, freq="MS")
    ax.plot(months, np.linspace(0, 0.75, 6))
    plots.month_ticks(ax)
    fig.draw_without_rendering()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2024", "feb", "mar", "abr", "may", "jun"]
    values = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "0,25" in values or "0,2" in values  # default ticks take the decimal comma
    assert not any("." in v for v in values)
    plots.money_axis(ax.yaxis)
    assert ax.yaxis.get_major_formatter().format_ticks([0, 1_400_000, 2_100_000]) == ["0", "1,4M", "2,1M"]


def test_english_is_spoken_again_after_the_spanish_edition(spanish):
    i18n.use("en")
    assert category("partner") == "Partner" and plots.count(1234) == "1,234"
    fig = plots.bar_chart(pd.Series({"web": 5, "phone": 3}), family="channel", title="Contacts")
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["Web", "Phone"]


def test_bond_charts_speak_spanish(spanish):
    effects = pd.DataFrame(
        {
            "level": ["financial", "social"] * 2,
            "method": ["naive"] * 2 + ["+ same recent purchases"] * 2,
            "estimate": [0.4, 0.5, 0.8, 0.9],
            "lower": [0.3, 0.4, 0.6, 0.7],
            "upper": [0.5, 0.6, 1.0, 1.1],
            "churns": [20] * 4,
        }
    )
    fig = bond_plots.effect_chart(effects, truth=pd.Series({"financial": 0.85}))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Vínculo financiero", "Vínculo social"]
    assert ax.get_xlabel() == "multiplicador del abandono frente a clientes sin vínculo (1 = sin efecto)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Verdad (simulación)",
        "Sin ajustar",
        "+ mismas compras recientes",
    ]
    assert_spanish(texts(fig))
    ladder = bond_plots.bond_ladder(bonds.bond_level_profile(), pd.Series({"financial": 2.0}))
    assert title(ladder.axes[0]).startswith("Cuatro niveles de vínculos de retención")
    found = texts(ladder)
    assert "1. Vínculo financiero" in found and "medio: precio copiar: fácil costo: 2 / miembro / mes" in found
    assert_spanish(found)


def test_bucket_charts_speak_spanish(spanish, company):
    fig = bucket_plots.pareto_chart(bucket.churn_reason_pareto(company.churn))
    ax, right = fig.axes
    assert title(ax) == "Por qué se van los clientes: los agujeros del balde, del mayor al menor"
    assert ax.get_ylabel() == "clientes perdidos" and right.get_ylabel() == "proporción acumulada de los perdidos"
    assert_spanish(texts(fig))
    picture = bucket_plots.bucket_picture(
        3000, 150, 100, capacity=5000, steady_state=4500, holes={"price": 0.6, "poor_service": 0.4}
    )
    legend = [t.get_text() for t in picture.axes[0].get_legend().get_texts()]
    assert legend == [f"{category('price')}: 60", f"{category('poor_service')}: 40"]
    found = texts(picture)
    assert "3.000 clientes" in found and "Entran: 150 clientes nuevos / mes" in found
    assert_spanish(found)


def test_crm_charts_speak_spanish(spanish, company):
    fig = crm_plots.customer_view_figure(crm.customer_profile(company, 2))
    found = texts(fig)
    assert {"Cliente 2", "Identidad", "Consumo", "Compras", "monto"} <= set(found)
    assert_spanish(found)
    diagram = crm_plots.crm_components_diagram()
    assert title(diagram.axes[0]) == "Los componentes del CRM"
    assert_spanish(texts(diagram))


def test_loyalty_charts_speak_spanish(spanish):
    fig = loyalty_plots.matrix_diagram()
    ax = fig.axes[0]
    assert title(ax).startswith("La matriz de lealtad")
    assert ax.get_xlabel() == "Satisfacción →"
    found = texts(fig)
    assert {category("apostles"), category("hostages"), category("mercenaries"), category("terrorists")} <= set(found)
    assert_spanish(found)
    shares = pd.DataFrame({"detractor": [0.1, 0.8], "passive": [0.4, 0.2], "promoter": [0.5, 0.0]})
    nps = loyalty_plots.nps_by_type_chart(shares.set_axis(["apostle", "terrorist"]))
    legend = [t.get_text() for t in nps.axes[0].get_legend().get_texts()]
    assert legend == ["Detractores", "Pasivos", "Promotores"]
    assert_spanish(texts(nps))


def test_plan_charts_speak_spanish(spanish):
    fig = plan_plots.planning_phases_diagram(plan.planning_phases())
    found = texts(fig)
    assert f"1. {category('commercial analysis')}" in found
    assert "¿Qué gana un cliente leal y qué clientes tenemos?" in found
    assert_spanish(found)
    table = pd.DataFrame({"best estimate": [0.6, 0.75], "truth": [0.85, 0.98]}, index=["financial bond", "3 → 4"])
    effects = plan_plots.effects_chart(table)
    ax = effects.axes[0]
    assert title(ax) == "Multiplicador del abandono de cada acción del plan"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Mejor estimación", "Verdad"]
    assert_spanish(texts(effects))
    assert plan_plots.kpi_words(["nps", "apostle_share"]) == "el NPS y la proporción de apóstoles"


def test_profitability_charts_speak_spanish(spanish):
    fig = profitability_plots.pyramid_diagram()
    assert title(fig.axes[0]).startswith("La pirámide de clientes (Zeithaml, Rust & Lemon 2001)")
    found = texts(fig)
    assert {category(tier) for tier in ("platinum", "gold", "iron", "lead")} <= set(found)
    assert_spanish(found)
    bridge = profitability_plots.profit_bridge_chart(
        pd.DataFrame(
            {
                "margin": [1e6],
                "contact_cost": [1e5],
                "bond_cost": [5e4],
                "profit": [8.5e5],
                "acquisition_cost": [4e5],
                "net_profit": [4.5e5],
            }
        )
    )
    found = texts(bridge)
    assert {"Margen bruto", "Ganancia neta", "1,0M"} <= set(found)
    assert_spanish(found)


def test_relationship_charts_speak_spanish(spanish):
    mix = pd.DataFrame(
        {"stranger": [10, 8], "partner": [0, 4]}, index=pd.date_range("2024-01-31", periods=2, freq="ME")
    )
    fig = relationship_plots.stage_mix_chart(mix)
    ax = fig.axes[0]
    assert title(ax) == "Clientes activos por etapa" and ax.get_ylabel() == "clientes activos"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [category("partner"), category("stranger")]
    assert_spanish(texts(fig))
    ladder = relationship_plots.relationship_ladder()
    found = texts(ladder)
    assert "Perdido: un cliente que se va no vuelve" in found and "atractivo meta: captar horizonte: ninguno" in found
    assert_spanish(found)


def test_retention_charts_speak_spanish(spanish, company):
    durations = retention.customer_durations(company.customers, company.churn, company.observation_end)
    fig = retention_plots.survival_chart(retention.survival_curve(durations["duration"], durations["churned"]))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "meses desde el alta" and ax.get_ylabel() == "sigue siendo cliente"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Todos los clientes (n = 300)"]
    assert_spanish(texts(fig))


def test_satisfaction_charts_speak_spanish(spanish):
    fig = satisfaction_plots.idea_diagram("notes")
    assert title(fig.axes[0]) == "Los apuntes de clase: la cadena empleados–clientes"
    found = texts(fig)
    assert "Empleados satisfechos" in found and "satisfacción = percepción − expectativa" in found
    assert_spanish(found)
    moments = pd.DataFrame(
        {"detectability": [0.0, 0.8], "importance": [0.09, 0.1], "bad_moments": [300, 900]},
        index=["purchase", "complaint"],
    )
    chart = satisfaction_plots.moments_chart(moments)
    assert title(chart.axes[0]) == "Momentos de la verdad: ¿detectables? ¿importantes?"
    found = texts(chart)
    assert f"{category('complaint')} 900 malos momentos" in found
    assert_spanish(found)


def test_value_charts_speak_spanish(spanish):
    comparison = pd.DataFrame(
        {"customers": [5, 3000], "actual": [1.0, 2.5], "predicted": [1.2, 2.0]}, index=["0", "1+"]
    )
    fig = value_plots.holdout_chart(comparison)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "compras repetidas en el período de calibración (clientes)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["real", "predicho por el BG/NBD"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0\n(5)", "1+\n(3.000)"]
    assert_spanish(texts(fig))
