"""The Spanish edition of an analyst's data: data errors, the load report and the manager report in Spanish.

An analyst in a Spanish-speaking company points the course at her own files (lesson 09):
every :class:`~helpers.own_data.DataError` still names the file, the column, the rows and the
fix, now in Spanish; the load report speaks Spanish with Spanish numbers (``1.500``); and
``python -m helpers report --lang es`` writes the manager's page in Spanish. English stays
the default: each test restores it.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import __main__ as cli
from helpers import i18n
from helpers.data import load_own_data, load_transactions, read_table
from helpers.report.render import SECTIONS
from helpers.validation import refuse_rows
from tests.test_own_data import error_of, write

ROOT = Path(__file__).resolve().parents[1]
MESSY = ROOT / "datasets" / "examples" / "messy_shop"
ROW_NOTE_ES = "contando el encabezado como fila 1"


def assert_names_es(message: str, file: str, column: str | None = None, rows=(), fix: str = "Cómo corregirlo:"):
    """The Spanish message names the file, the column, the rows (header = row 1) and says how to fix it."""
    assert file in message, message
    if column is not None:
        assert f"'{column}'" in message, message
    for row in rows:
        assert re.search(rf"\bfila {row}\b", message), (row, message)
    if rows:
        assert ROW_NOTE_ES in message, message
    assert fix in message, message
    assert "Cómo corregirlo:" in message and "How to fix" not in message, message


def sales(path: Path, **kwargs) -> pd.DataFrame:
    kwargs.setdefault("observation_end", "2100-12-31")
    return load_transactions(path, customer_col="Cliente", date_col="Fecha", amount_col="Importe", **kwargs)


# ----------------------------------------------------------------------------- data errors


def test_a_missing_column_is_named_in_spanish(spanish, tmp_path):
    path = write(tmp_path, "ventas.csv", "Client;Fecha;Importe\n1;2024-01-05;10\n")
    message = error_of(sales, path)
    assert_names_es(message, "ventas.csv", "Cliente", fix="customer_col='Client' en load_transactions(...)")
    assert "no hay ninguna columna 'Cliente'" in message and "El nombre más parecido: 'Client'." in message


def test_a_bad_date_names_the_file_the_column_and_the_row_in_spanish(spanish, tmp_path):
    path = write(tmp_path, "ventas.csv", "Cliente;Fecha;Importe\n1;2024-01-05;10\n2;31/02/2024;5\n3;2024-01-07;7\n")
    message = error_of(sales, path)
    assert_names_es(message, "ventas.csv", "Fecha", rows=(3,), fix="date_format='%Y-%m-%d' en load_transactions(...)")
    assert "tienen una fecha que no se puede leer" in message and "'31/02/2024'" in message
    assert "defina on_bad_rows='exclude'" in message  # the advice to exclude bad rows instead


def test_an_empty_file_is_refused_in_spanish(spanish, tmp_path):
    path = write(tmp_path, "vacio.csv", "")
    message = error_of(sales, path)
    assert_names_es(message, "vacio.csv", fix="vuelva a exportar la tabla")
    assert "el archivo está vacío" in message


def test_counts_in_a_spanish_message_use_a_point_between_thousands(spanish, tmp_path):
    rows = "\n".join(f"{i};2024-01-05;-{i}" for i in range(1, 1202))
    message = error_of(sales, write(tmp_path, "ventas.csv", "Cliente;Fecha;Importe\n" + rows + "\n"))
    assert_names_es(message, "ventas.csv", "Importe", rows=(2, 3), fix="no pueden ser negativos")
    assert "1.201 fila(s) tienen importes negativos (¿devoluciones o reembolsos?)" in message
    assert "… y 1.196 más" in message


def test_a_mapping_file_is_advised_in_spanish(spanish, tmp_path):
    write(tmp_path, "ventas.csv", "Cliente;Fecha;Importe\n1;2024-01-05;10\n2;sin fecha;5\n3;2024-01-07;7\n")
    write(
        tmp_path,
        "mapping.toml",
        '[transactions]\nfile = "ventas.csv"\n'
        'columns = {customer_id = "Cliente", date = "Fecha", amount = "Importe"}\n',
    )
    message = error_of(load_own_data, tmp_path)
    assert_names_es(message, "ventas.csv", "Fecha", rows=(3,))
    assert 'defina on_bad_rows = "exclude" en la sección [settings] de mapping.toml' in message
    write(tmp_path, "mapping.toml", '[transactions]\nfile = "ventas.csv"\nfichero = "x"\n')
    message = error_of(load_own_data, tmp_path)
    assert "clave desconocida 'fichero' en [transactions]" in message and "Cómo corregirlo:" in message


def test_the_same_problem_stays_in_english_by_default(tmp_path):
    path = write(tmp_path, "ventas.csv", "Cliente;Fecha;Importe\n1;2024-01-05;10\n2;31/02/2024;5\n")
    assert i18n.language() == "en"
    message = error_of(sales, path)
    assert "How to fix:" in message and "row 3" in message and "Cómo" not in message


def test_course_tables_and_model_checks_speak_spanish(spanish, tmp_path):
    path = write(tmp_path, "churn.csv", "customer_id,date,reason\n1,2024-13-01,price\n")
    with pytest.raises(ValueError, match="no son fechas con la forma AAAA-MM-DD") as err:
        read_table(path, "churn")
    assert "columna 'date'" in str(err.value) and "línea 2: '2024-13-01'" in str(err.value)
    frame = pd.DataFrame({"amount": [10.0, -3.0]})
    with pytest.raises(ValueError, match=r"transactions\.amount: 1 fila\(s\) .*Primeras filas erróneas"):
        refuse_rows("transactions", "amount", frame, np.array([False, True]), "have no date (empty or unreadable)")


# ----------------------------------------------------------------------------- the load report


def test_the_load_report_speaks_spanish(spanish):
    company = load_own_data(MESSY, engine="pandas")
    text = str(company.load_report)
    assert text.startswith("Datos cargados desde ")
    assert "1.500 clientes, 15.274 transacciones del 2022-01-08 al 2024-12-31" in text
    assert "15.501 filas leídas, 15.274 conservadas" in text
    assert "220 fila(s) excluida(s): devoluciones (importe negativo)" in text
    assert "churn (derivada): 536 clientes contados como perdidos" in text
    assert "inactive_days en la sección [churn] de mapping.toml" in text
    assert text.endswith("Sus archivos solo se leyeron; no se modificaron.")
    assert "rows read" not in text and "excluded" not in text


# ----------------------------------------------------------------------------- the manager report


def run(capsys, *arguments) -> tuple[int, str, str]:
    status = cli.main(["report", *map(str, arguments)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_report_lang_es_writes_a_spanish_page(capsys, tmp_path):
    out = tmp_path / "informe.html"
    status, said, err = run(capsys, "--mapping", MESSY, "--out", out, "--lang", "es")
    assert status == 0, err
    assert said.startswith(f"Informe escrito en {out} (") and "MB" in said
    assert i18n.language() == "en"  # the command restores the language it found
    page = out.read_text(encoding="utf-8")
    assert "<html lang='es'>" in page and "<h1>Informe de clientes</h1>" in page
    i18n.use("es")
    try:
        headings = [i18n.gettext(heading) for _attribute, _anchor, heading in SECTIONS]
    finally:
        i18n.use("en")
    assert headings[0] == "Segmentos RFM" and headings[-1] == "Matriz de lealtad y NPS"
    for number, heading in enumerate(headings, start=1):
        assert f"<h2>{number}. {heading}</h2>" in page
    assert "Cómo se leyeron los archivos" in page and "Datos cargados desde" in page
    assert "Clientes activos" in page and "Pirámide de clientes" in page and "1.500 en la tabla de clientes" in page
    assert "How the files were read" not in page and "Customers" not in page and "Not shown" not in page


def test_report_lang_es_gives_its_advice_as_spanish_options(capsys, tmp_path):
    path = write(tmp_path, "ventas.csv", "Cliente;Fecha;Importe\n1;2024-01-05;10\n2;2024-02-05;7\n")
    status, _, err = run(capsys, "--transactions", path, "--out", tmp_path / "r.html", "--lang", "es")
    assert status == 1 and not (tmp_path / "r.html").exists()
    assert err.startswith("report: no se pudieron leer sus datos.")
    assert "no hay ninguna columna 'customer_id'" in err and "use la opción --customer-col Cliente" in err
    assert "mapping.toml" not in err and "Traceback" not in err
    status, _, err = run(capsys, "--transactions", tmp_path / "nada.csv", "--out", tmp_path / "r.html", "--lang", "es")
    assert status == 2 and "nada.csv: no existe ese archivo" in err
    assert i18n.language() == "en"
