"""Tests of loading an analyst's own files: clear errors, explicit exclusions, the messy example."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import schema
from helpers.data import (
    DataError,
    derive_churn,
    empty_table,
    lesson_company,
    load_company,
    load_customers,
    load_interactions,
    load_own_data,
    load_surveys,
    load_transactions,
    parse_dates,
    parse_numbers,
    save_company,
)
from helpers.example_data import (
    EXAMPLE_CUSTOMERS,
    EXAMPLE_SEED,
    SURVEY_FAULTS,
    TRANSACTION_FAULTS,
    example_dir,
    messy_shop_files,
)
from helpers.synthetic import generate

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "datasets" / "examples" / "messy_shop"
ROW_NOTE = "header as row 1"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def mapping(folder: Path, text: str) -> Path:
    return write(folder, "mapping.toml", text)


SALES_MAPPING = """
[transactions]
file = "ventas.csv"
[transactions.columns]
customer_id = "Cliente"
date = "Fecha"
amount = "Importe"
"""


def append_mapping(folder: Path, text: str) -> None:
    with (folder / "mapping.toml").open("a", encoding="utf-8") as f:
        f.write(text)


def sales(folder: Path, rows: list[str], header: str = "Cliente;Fecha;Importe", extra: str = "") -> Path:
    write(folder, "ventas.csv", "\n".join([header, *rows]) + "\n")
    mapping(folder, extra + SALES_MAPPING)
    return folder


def error_of(call, *args, **kwargs) -> str:
    with pytest.raises(DataError) as err:
        call(*args, **kwargs)
    assert isinstance(err.value, ValueError)
    return str(err.value)


def assert_names(message: str, file: str, column: str | None = None, rows=(), fix: str = "How to fix:"):
    """The message names the file, the column, the rows (header = row 1) and says how to fix it."""
    assert file in message, message
    if column is not None:
        assert f"'{column}'" in message, message
    for row in rows:
        assert re.search(rf"\brow {row}\b", message), (row, message)
    if rows:
        assert ROW_NOTE in message
    assert fix in message, message
    assert "How to fix:" in message


# ----------------------------------------------------------------------------- one malformed file per error


def test_file_missing_names_the_file_and_the_closest_one_there(tmp_path):
    sales(tmp_path, ["1;15/01/2024;10"])
    (tmp_path / "ventas.csv").rename(tmp_path / "ventas_2024.csv")
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "ventas.csv", fix='file = "ventas_2024.csv" under [transactions] in mapping.toml')
    assert "does not exist" in message and "ventas_2024.csv" in message


def test_a_folder_without_mapping_or_transactions_says_what_to_write(tmp_path):
    write(tmp_path, "notes.txt", "hello")
    message = error_of(load_own_data, tmp_path)
    assert "mapping.toml" in message and "notes.txt" in message and "How to fix:" in message


def test_empty_file(tmp_path):
    sales(tmp_path, [])
    write(tmp_path, "ventas.csv", "")
    assert_names(error_of(load_own_data, tmp_path), "ventas.csv", fix="header row")


def test_header_without_rows(tmp_path):
    sales(tmp_path, [])
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "ventas.csv", fix="export the table again")
    assert "no rows of data" in message


def test_no_header_row(tmp_path):
    sales(tmp_path, ["2;16/01/2024;12,50"], header="1;15/01/2024;10,00")
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "ventas.csv", fix="add a first row naming the columns")
    assert "no header row" in message and "'15/01/2024'" in message


def test_required_column_missing_lists_the_columns_and_the_closest_match(tmp_path):
    sales(tmp_path, ["1;15/01/2024;10"], header="Cliente;Fecha pedido;Importe")
    message = error_of(load_own_data, tmp_path)
    assert_names(
        message, "ventas.csv", "Fecha", fix='date = "Fecha pedido" under [transactions.columns] in mapping.toml'
    )
    assert "The file has the columns: 'Cliente', 'Fecha pedido', 'Importe'" in message
    assert "Closest match: 'Fecha pedido'" in message
    # the one-table loader gives the advice as an argument
    message = error_of(
        load_transactions,
        tmp_path / "ventas.csv",
        customer_col="customer",
        date_col="Fecha pedido",
        amount_col="Importe",
    )
    assert "Closest match: 'Cliente'" in message and "customer_col='Cliente' in load_transactions(...)" in message


def test_unparseable_date_names_the_rows_and_the_format(tmp_path):
    sales(
        tmp_path,
        ["1;15/01/2024;10", "2;31/02/2024;11", "3;16/01/2024;12", "4;mañana;13"],
        extra='[settings]\ndate_format = "%d/%m/%Y"\n',
    )
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "ventas.csv", "Fecha", rows=(3, 5), fix='date_format = "%d/%m/%Y"')
    assert "'31/02/2024'" in message and "'mañana'" in message and "on_bad_rows" in message


def test_date_after_the_observation_end(tmp_path):
    sales(tmp_path, ["1;15/01/2024;10", "2;16/03/2024;11"], extra='[settings]\nobservation_end = "2024-02-29"\n')
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "ventas.csv", "Fecha", rows=(3,), fix="observation_end")
    assert "after the observation end (2024-02-29)" in message and "2024-03-16" in message


def test_survey_dated_after_the_last_purchase(tmp_path):
    sales(tmp_path, ["1;15/01/2024;10", "2;16/02/2024;11"])
    write(tmp_path, "nps.csv", "who,when,score\n1,2024-01-20,9\n2,2024-03-01,7\n")
    append_mapping(
        tmp_path, '[surveys]\nfile = "nps.csv"\ncolumns = {customer_id = "who", date = "when", recommend = "score"}\n'
    )
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "nps.csv", "when", rows=(3,), fix="correct these dates")
    assert "(2024-02-16)" in message


def test_non_numeric_amount(tmp_path):
    sales(tmp_path, ["1;15/01/2024;10", "2;16/01/2024;doce", "3;17/01/2024;12"])
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "ventas.csv", "Importe", rows=(3,), fix="correct these cells")
    assert "are not numbers" in message and "'doce'" in message


def test_wrong_decimal_separator_is_caught_and_explained(tmp_path):
    sales(tmp_path, ["1;15/01/2024;1.234,50 €", "2;16/01/2024;12,00 €"])
    message = error_of(load_own_data, tmp_path)
    assert_names(
        message, "ventas.csv", "Importe", rows=(2, 3), fix='decimal = "," under [transactions] in mapping.toml'
    )
    # and the other way round: decimal "," on numbers written with "." is refused, not read 100 times too big
    sales(tmp_path, ["1;15/01/2024;12.50", "2;16/01/2024;3"], extra='[settings]\ndecimal = ","\n')
    assert 'decimal = "."' in error_of(load_own_data, tmp_path)


def test_negative_amount_is_refused_unless_returns_are_excluded(tmp_path):
    sales(tmp_path, ["1;15/01/2024;10", "1;18/01/2024;-10", "2;16/01/2024;12"])
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "ventas.csv", "Importe", rows=(3,), fix="exclude_returns = true under [settings]")
    company = load_own_data(tmp_path, exclude_returns=True)
    assert company.transactions["amount"].tolist() == [10.0, 12.0]
    assert company.load_report.tables["transactions"].excluded == {"returns (negative amount)": [3]}


def test_missing_customer_id(tmp_path):
    sales(tmp_path, ["1;15/01/2024;10", ";16/01/2024;11", " ;17/01/2024;12"])
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "ventas.csv", "Cliente", rows=(3, 4), fix="fill in the customer id")
    assert "2 row(s) have no customer id" in message


def test_duplicate_customer_ids(tmp_path):
    sales(tmp_path, ["7;15/01/2024;10"])
    write(tmp_path, "clientes.csv", "id,alta\n7,2024-01-01\n8,2024-01-02\n7,2024-01-03\n")
    append_mapping(
        tmp_path, '[customers]\nfile = "clientes.csv"\ncolumns = {customer_id = "id", signup_date = "alta"}\n'
    )
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "clientes.csv", "id", rows=(2, 4), fix="each id must appear once")
    # duplicates are never excluded silently, not even with on_bad_rows = "exclude"
    assert "appear once" in error_of(load_own_data, tmp_path, on_bad_rows="exclude")


def test_transactions_of_unknown_customers(tmp_path):
    sales(tmp_path, ["7;15/01/2024;10", "9;16/01/2024;11"])
    write(tmp_path, "clientes.csv", "id\n7\n8\n")
    append_mapping(tmp_path, '[customers]\nfile = "clientes.csv"\ncolumns = {customer_id = "id"}\n')
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "ventas.csv", "Cliente", rows=(3,), fix="add these customers to clientes.csv")
    assert "not in the customers file" in message
    company = load_own_data(tmp_path, on_bad_rows="exclude")
    assert company.transactions["customer_id"].tolist() == [7]
    assert company.load_report.tables["transactions"].excluded == {"unknown customer": [3]}
    # customer 8 never bought and has no signup date: refused too
    assert company.customers["customer_id"].tolist() == [7]
    assert company.load_report.tables["customers"].excluded == {"no signup date and no purchase": [3]}


def test_survey_score_outside_its_scale(tmp_path):
    sales(tmp_path, ["1;15/01/2024;10", "2;16/03/2024;11"])
    write(tmp_path, "nps.csv", "who,when,sat,nps\n1,2024-01-20,5,10\n2,2024-03-07,7,9\n1,2024-02-01,4,11\n")
    append_mapping(
        tmp_path,
        '[surveys]\nfile = "nps.csv"\n'
        'columns = {customer_id = "who", date = "when", satisfaction = "sat", recommend = "nps"}\n',
    )
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "nps.csv", "sat", rows=(3,), fix="convert your scale to 1–5")
    assert "outside the satisfaction scale 1–5" in message and "recommend outside 0–10" in message


def test_undecodable_encoding_names_the_column_and_the_row(tmp_path):
    sales(tmp_path, ["1;15/01/2024;10", "2;16/01/2024;11"])
    write(tmp_path, "clientes.csv", "id;zona\n1;Norte\n2;Logroño\n", encoding="cp1252")
    append_mapping(tmp_path, '[customers]\nfile = "clientes.csv"\ncolumns = {customer_id = "id"}\n')
    message = error_of(load_own_data, tmp_path)
    assert_names(
        message, "clientes.csv", "zona", rows=(3,), fix='encoding = "cp1252" under [customers] in mapping.toml'
    )
    assert "not valid utf-8" in message
    append_mapping(tmp_path, 'encoding = "cp1252"\n')
    assert len(load_own_data(tmp_path).customers) == 2


def test_unknown_label_of_a_course_category(tmp_path):
    sales(tmp_path, ["1;15/01/2024;10;Tienda", "2;16/01/2024;11;web"], header="Cliente;Fecha;Importe;Canal")
    append_mapping(tmp_path, 'channel = "Canal"\n')
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "ventas.csv", "Canal", rows=(2,), fix='"Tienda" = "')
    assert "[transactions.values.channel]" in message and "web, phone, email, face_to_face" in message


def test_ambiguous_dates_ask_for_the_format(tmp_path):
    sales(tmp_path, ["1;05/01/2024;10", "2;06/02/2024;11"])
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "ventas.csv", "Fecha", fix='date_format = "%d/%m/%Y"')
    assert "'%d/%m/%Y' and '%m/%d/%Y'" in message


def test_problems_in_the_mapping_file_are_explained(tmp_path):
    sales(tmp_path, ["1;15/01/2024;10"], extra='[settings]\non_bad_row = "exclude"\n')
    message = error_of(load_own_data, tmp_path)
    assert "unknown key 'on_bad_row'" in message and "did you mean 'on_bad_rows'" in message
    sales(tmp_path, ["1;15/01/2024;10"], extra="[settings]\ndecimal = ,\n")
    assert "not valid TOML" in error_of(load_own_data, tmp_path)
    mapping(tmp_path, SALES_MAPPING.replace("amount =", "amout ="))
    assert "did you mean 'amount'" in error_of(load_own_data, tmp_path)
    mapping(tmp_path, '[customers]\nfile = "c.csv"\n')
    assert "no [transactions] section" in error_of(load_own_data, tmp_path)


# ----------------------------------------------------------------------------- reading what analysts have


def test_delimiters_encodings_and_number_formats(tmp_path):
    write(tmp_path, "a.csv", '\ufeffcust,day,total\n1,2024-01-05,"1,234.50"\n2,2024-01-06,$12\n')
    write(tmp_path, "b.tsv", "cust\tday\ttotal\n1\t05.01.2024\t(3,50)\n", encoding="utf-8")
    a = load_transactions(tmp_path / "a.csv", customer_col="cust", date_col="day", amount_col="total")
    assert a["amount"].tolist() == [1234.5, 12.0]
    b = error_of(
        load_transactions, tmp_path / "b.tsv", customer_col="cust", date_col="day", amount_col="total", decimal=","
    )
    assert "negative" in b and "row 2" in b  # (3,50) is an accountant's -3.50
    values, bad = parse_numbers(pd.Series(["1 234,5", "12,5-", "EUR 7", "1.23,4"]), decimal=",")
    assert values[:3].tolist() == [1234.5, -12.5, 7.0] and bad.tolist() == [False, False, False, True]


def test_parse_dates_detects_the_format_and_drops_times():
    dates, bad, how = parse_dates(pd.Series(["2024-01-31 13:45:00", "2024-02-01 08:00:00", None]))
    assert how == "'%Y-%m-%d %H:%M:%S' (detected)" and not bad.any()
    assert dates.dt.strftime("%Y-%m-%d").tolist()[:2] == ["2024-01-31", "2024-02-01"] and dates.isna().tolist()[2]


def test_excel_with_a_header_below_a_title_and_a_bad_cell(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Clientes"
    sheet.append(["Customer list, exported 2024-12-31"])
    sheet.append(["Id", "Since", "Type"])
    sheet.append([101, pd.Timestamp("2024-01-05").to_pydatetime(), "Empresa"])
    sheet.append([102, "16/01/2024", "Particular"])
    sheet.append([103, "not a date", "Particular"])
    book.save(tmp_path / "clientes.xlsx")
    kwargs = dict(
        customer_col="Id",
        signup_col="Since",
        columns={"segment": "Type"},
        header_row=2,
        date_format="%d/%m/%Y",
        values={"segment": {"Empresa": "B2B", "Particular": "B2C"}},
    )
    message = error_of(load_customers, tmp_path / "clientes.xlsx", **kwargs)
    assert_names(message, "clientes.xlsx", "Since", rows=(5,), fix="date_format")
    customers = load_customers(tmp_path / "clientes.xlsx", on_bad_rows="exclude", **kwargs)
    assert customers["customer_id"].tolist() == [101, 102]
    assert customers["signup_date"].tolist() == [pd.Timestamp("2024-01-05"), pd.Timestamp("2024-01-16")]
    assert customers["segment"].tolist() == ["B2B", "B2C"]
    assert customers.attrs["load_report"].excluded == {"unreadable date": [5]}
    assert "no sheet named 'Customers'" in error_of(
        load_customers, tmp_path / "clientes.xlsx", sheet="Customers", **kwargs
    )


def test_parquet_keeps_its_types(tmp_path):
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame(
        {
            "who": [5, 6],
            "when": pd.to_datetime(["2024-03-01", "2024-03-02"]),
            "sat": [4, 2],
            "why": ["Queja", "Consulta"],
            "ok": [True, False],
        }
    )
    frame.to_parquet(tmp_path / "contacts.parquet")
    contacts = load_interactions(
        tmp_path / "contacts.parquet",
        customer_col="who",
        date_col="when",
        columns={"rating": "sat", "type": "why", "resolved": "ok"},
        values={"type": {"Queja": "complaint", "Consulta": "inquiry"}},
    )
    assert contacts[["customer_id", "rating", "type", "resolved"]].to_dict("list") == {
        "customer_id": [5, 6],
        "rating": [4, 2],
        "type": ["complaint", "inquiry"],
        "resolved": [True, False],
    }
    assert contacts.dtypes.astype(str).to_dict() == {
        "interaction_id": "int64",
        "customer_id": "int64",
        "date": "datetime64[ns]",
        "channel": "category",
        "type": "category",
        "employee_id": "float64",
        "resolved": "bool",
        "rating": "int64",
    }  # no employee: all NaN


def test_one_table_loader_surveys_with_unanswered_questions(tmp_path):
    write(tmp_path, "s.csv", "c,d,sat,nps\nA7,2024-01-01,4,\nB2,2024-01-02,5,9\n")
    surveys = load_surveys(
        tmp_path / "s.csv", customer_col="c", date_col="d", columns={"satisfaction": "sat", "recommend": "nps"}
    )
    assert surveys["customer_id"].tolist() == ["A7", "B2"]  # text ids stay text until load_own_data numbers them
    assert surveys["satisfaction"].dtype == "int64" and surveys["recommend"].isna().tolist() == [True, False]
    assert surveys["trust"].isna().all()


# ----------------------------------------------------------------------------- the company contract on own data


def test_transactions_only_derives_customers_and_churn(tmp_path):
    write(
        tmp_path,
        "transactions.csv",
        "customer_id,date,amount\n1,2024-01-05,10\n2,2024-01-10,5\n1,2024-02-01,7\n3,2024-06-30,4\n",
    )
    company = load_own_data(tmp_path)
    assert company.missing == ("interactions", "surveys", "bonds", "employees")
    assert company.observation_end == pd.Timestamp("2024-06-30") and company.truth is None
    assert company.customers[["customer_id", "signup_date"]].to_dict("list") == {
        "customer_id": [1, 2, 3],
        "signup_date": list(pd.to_datetime(["2024-01-05", "2024-01-10", "2024-06-30"])),
    }
    assert company.has("customers") and company.has("customers", "signup_date")
    assert not company.has("customers", "segment") and not company.has("surveys") and not company.has("truth")
    # default rule: 180 days without a purchase; customer 2 last bought 2024-01-10 -> lost 2024-07-08 > end: active
    assert company.churn.empty and company.has("churn") and not company.has("churn", "reason")
    for name in company.missing:
        pd.testing.assert_frame_equal(getattr(company, name), empty_table(name))
    for name, columns in schema.TABLES.items():
        assert list(getattr(company, name).columns) == [c.name for c in columns]
    report = str(company.load_report)
    assert "derived" in report and "180 days" in report and "never changed" in report


def test_churn_rule_is_a_setting_of_the_mapping(tmp_path):
    write(
        tmp_path, "t.csv", "customer_id,date,amount\n1,2024-01-05,10\n2,2024-01-10,5\n1,2024-02-01,7\n3,2024-06-30,4\n"
    )
    mapping(tmp_path, '[churn]\ninactive_days = 90\n[transactions]\nfile = "t.csv"\n')
    company = load_own_data(tmp_path)
    # hand check: last purchases 1: 02-01, 2: 01-10, 3: 06-30; + 90 days = 05-01, 04-09, 09-28; end 06-30
    assert company.churn[["customer_id", "date"]].to_dict("list") == {
        "customer_id": [2, 1],
        "date": list(pd.to_datetime(["2024-04-09", "2024-05-01"])),
    }
    assert company.churn["reason"].isna().all() and list(company.churn["reason"].cat.categories) == list(
        schema.CHURN_REASONS
    )
    assert company.active_at("2024-06-30").to_dict() == {1: False, 2: False, 3: True}
    mapping(tmp_path, '[churn]\nderive = false\n[transactions]\nfile = "t.csv"\n')
    assert "churn" in load_own_data(tmp_path).missing


def test_derive_churn_counts_signup_as_activity():
    customers = pd.DataFrame({"customer_id": [1, 2], "signup_date": pd.to_datetime(["2024-01-01", "2024-03-01"])})
    sales = pd.DataFrame({"customer_id": [1], "date": pd.to_datetime(["2024-01-02"])})
    churn = derive_churn(customers, sales, "2024-12-31", inactive_days=100)
    assert churn["date"].tolist() == list(pd.to_datetime(["2024-04-11", "2024-06-09"]))  # 01-02 + 100, 03-01 + 100


def test_lesson_company_chooses_the_loader(tmp_path, monkeypatch, capsys):
    course = tmp_path / "course"
    save_company(generate(150, seed=4, months=6), course)
    loaded = lesson_company(course)
    assert loaded.missing == () and loaded.truth is not None and capsys.readouterr().out == ""
    monkeypatch.chdir(tmp_path)  # a relative path is also looked up from the repository's root
    own = lesson_company("datasets/examples/messy_shop")
    assert own.missing == ("bonds", "employees")
    assert capsys.readouterr().out.startswith("Loaded your data from")
    assert lesson_company(EXAMPLE / "mapping.toml").summary() == own.summary()


def test_make_data_ignores_the_examples_folder(tmp_path):
    folder = tmp_path / "datasets"
    save_company(generate(100, seed=2, months=4), folder)
    (folder / "examples" / "x").mkdir(parents=True)
    (folder / "examples" / "x" / "ventas.csv").write_text("a\n")
    save_company(generate(100, seed=2, months=4), folder)
    assert load_company(folder).customers.shape[0] == 100


# ----------------------------------------------------------------------------- the messy example


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_the_messy_example_is_regenerated_byte_for_byte():
    files = messy_shop_files()
    assert example_dir() == EXAMPLE
    assert sorted(p.name for p in EXAMPLE.iterdir()) == sorted(files)
    for name, data in files.items():
        assert (EXAMPLE / name).read_bytes() == data, f"{name} differs from `python -m helpers.example_data`"
    assert sum(len(d) for d in files.values()) < 2_000_000


@pytest.fixture(scope="module")
def messy():
    before = digest(EXAMPLE)
    company = load_own_data(EXAMPLE)
    assert digest(EXAMPLE) == before  # the analyst's files are only read
    return company


def test_the_messy_example_loads_with_a_report_of_every_change(messy):
    raw = (EXAMPLE / "ventas.csv").read_bytes().decode("utf-8").split("\r\n")[1:-1]
    data_rows = [line for line in raw if line]
    returns = sum(line.split(";")[4].startswith("-") for line in data_rows)
    report = messy.load_report
    tx = report.tables["transactions"]
    assert tx.rows_read == len(data_rows) and len(raw) - len(data_rows) == 1  # one empty line, skipped and noted
    assert {reason: len(rows) for reason, rows in tx.excluded.items()} == {
        "no customer id": 1,
        "unreadable date": 2,
        "no amount": 1,
        "unreadable amount": 1,
        "returns (negative amount)": returns,
        "unknown customer": 2,
    }
    assert len(TRANSACTION_FAULTS) == 7 and 150 < returns < 300
    assert report.transactions == len(messy.transactions) == len(data_rows) - returns - len(TRANSACTION_FAULTS)
    assert tx.rows_kept == report.transactions
    assert {reason: len(rows) for reason, rows in report.tables["surveys"].excluded.items()} == {
        "satisfaction outside 1–5": 2,
        "date after the observation end": len(SURVEY_FAULTS) - 2,
    }
    assert report.customers == EXAMPLE_CUSTOMERS and report.rows_excluded["customers"] == 0
    assert report.period_start == messy.transactions["date"].min() and messy.observation_end == pd.Timestamp(
        "2024-12-31"
    )
    assert messy.missing == ("bonds", "employees") and set(report.derived) == {"churn"}
    text = str(report)
    for expected in (
        "returns (negative amount)",
        "'%d/%m/%Y' (given)",
        "cp1252",
        "'Tienda' → 'face_to_face'",
        "skipped 1 empty row(s)",
        "Not in your data",
        "never changed",
    ):
        assert expected in text, expected


def test_the_messy_example_is_the_synthetic_company_underneath(messy):
    truth = generate(EXAMPLE_CUSTOMERS, seed=EXAMPLE_SEED)
    # text ids CL-00042 are numbered in order of signup, which is the generator's order
    assert (messy.load_report.customer_ids == [f"CL-{i:05d}" for i in messy.load_report.customer_ids.index]).all()
    for column in ("customer_id", "signup_date", "segment", "region", "acquisition_channel"):
        assert messy.customers[column].astype(str).tolist() == truth.customers[column].astype(str).tolist(), column
    kept = messy.transactions
    assert len(kept) == len(truth.transactions) - (len(TRANSACTION_FAULTS))
    kept_amounts = Counter(kept["amount"].round(2).tolist())
    all_amounts = Counter(truth.transactions["amount"].round(2).tolist())
    assert not kept_amounts - all_amounts  # every amount read back exactly ("1.234,50 €" -> 1234.5)
    assert set(kept["channel"].astype(str)) == set(truth.transactions["channel"].astype(str))
    assert set(kept["category"].cat.categories) == {"Accesorios", "Básicos", "Premium", "Servicios", "Suscripciones"}
    pd.testing.assert_series_equal(messy.interactions["rating"], truth.interactions["rating"], check_names=False)
    assert messy.interactions["resolved"].tolist() == truth.interactions["resolved"].tolist()


def test_the_messy_example_answers_has(messy):
    assert messy.has("transactions", "customer_id", "date", "amount", "category", "cost", "channel")
    assert not messy.has("transactions", "promotion")
    assert messy.has("customers", "segment", "region", "acquisition_channel")
    assert not messy.has("customers", "acquisition_cost") and not messy.has("customers", "age")
    assert messy.has("surveys", "satisfaction", "recommend") and not messy.has("surveys", "trust")
    assert messy.has("interactions", "type", "resolved", "rating") and not messy.has("interactions", "employee_id")
    assert messy.has("churn") and not messy.has("churn", "reason")
    assert not messy.has("bonds") and not messy.has("employees") and not messy.has("truth")
    assert messy.transactions["customer_id"].isin(messy.customers["customer_id"]).all()
    assert messy.transactions["date"].is_monotonic_increasing and messy.transactions["transaction_id"].is_unique


def test_by_default_bad_rows_raise(messy):
    message = error_of(load_own_data, EXAMPLE, on_bad_rows="raise")
    assert_names(message, "ventas.csv", "Cliente", fix="on_bad_rows")
    assert "This file has other problems too" in message


def test_files_are_never_written_even_when_loading_fails(tmp_path):
    for name, data in messy_shop_files(n_customers=100).items():
        (tmp_path / name).write_bytes(data)
    before = digest(tmp_path)
    error_of(load_own_data, tmp_path, on_bad_rows="raise")
    load_own_data(tmp_path)
    assert digest(tmp_path) == before


def test_many_rows_with_thousands_separators_load_whole(tmp_path):
    """200,000 rows in the shop's style (timed on 1,000,000 rows by benchmarks/bench_report.py)."""
    rng = np.random.default_rng(1)
    n = 200_000
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    amounts_drawn = rng.gamma(2, 400, n)
    amounts = [f"{v:,.2f} €".replace(",", "_").replace(".", ",").replace("_", ".") for v in amounts_drawn]
    pd.DataFrame(
        {"Cliente": rng.integers(1, 20_000, n), "Fecha": days.strftime("%d/%m/%Y"), "Importe": amounts}
    ).to_csv(tmp_path / "ventas.csv", sep=";", index=False)
    mapping(tmp_path, '[settings]\ndecimal = ","\n' + SALES_MAPPING)
    company = load_own_data(tmp_path)
    assert len(company.transactions) == n
    expected = np.round(amounts_drawn, 2)
    assert np.allclose(np.sort(company.transactions["amount"].to_numpy()), np.sort(expected))


def test_excluding_most_of_a_file_is_refused_as_a_wrong_setting(tmp_path):
    sales(tmp_path, ["1;15/01/2024;10,5", "2;16/01/2024;12,25", "3;17/01/2024;1"])
    message = error_of(load_own_data, tmp_path, on_bad_rows="exclude")
    assert_names(message, "ventas.csv", "Importe", rows=(2, 3), fix='decimal = ","')
    assert "on_bad_rows" not in message  # excluding two rows out of three is no fix


# --------------------------------------------------------------------------- the fast CSV reader

# Plain files are read by pyarrow and their plain numbers and ids converted vectorised; every
# other file is read as before (pandas, each row checked in Python). Both ways give the same
# table, report and messages: each file below is loaded both ways (and fast with tiny scan
# blocks, so that quotes, line breaks and rows cross the blocks) and the results compared.
TRICKY_CSV = {
    "plain": "c,d,a,k\n7,2024-01-05,12.5,3\n12,2024-01-06,-0,0\n7,2024-01-07,5.,.5\n",
    "whole amounts, -0": "c,d,a\n1,2024-01-05,12\n2,2024-01-06,-0\n3,2024-01-07,007\n",
    "empty cost, -0": "c,d,a,k\n1,2024-01-05,-0,\n2,2024-01-06,3,-0\n",
    "long and odd numbers": "c,d,a,k\n1,2024-01-05,123456789012.125,1e3\n2,2024-01-06,+5, 12 \n3,2024-01-07,0.1234567890123456789,7\n",
    "crlf and empty lines": "c,d,a\r\n1,2024-01-05,1.5\r\n\r\n2,2024-01-06,2\r\n\r\n\r\n",
    "cr only": "c,d,a\r1,2024-01-05,1.5\r\r2,2024-01-06,2\r",
    "no final line break": "c,d,a\n1,2024-01-05,1.5\n2,2024-01-06,2",
    "quoted": 'c,d,a,n\n"1","2024-01-05","1.5","a, ""b""\nc"\n2,2024-01-06,"2",""\n3,2024-01-07,4,"x\r\ny"\n',
    "quoted header, quote at the end": '"c","d","a"\n1,2024-01-05,1.5\n2,2024-01-06,"2"',
    "quote inside a field": 'c,d,a,n\n1,2024-01-05,1.5,a"b\n2,2024-01-06,2,"x"y\n',
    "unclosed quote": 'c,d,a\n1,2024-01-05,"1.5\n2,2024-01-06,2\n',
    "trailing delimiters": "c,d,a\n1,2024-01-05,1.5,,\n2,2024-01-06,2\n",
    "too many fields": "c,d,a\n1,2024-01-05,1.5,9\n",
    "too few fields": "c,d,a\n1,2024-01-05\n",
    "blank rows": "c,d,a\n1,2024-01-05,1.5\n  \n,,\n2,2024-01-06,2\n",
    "byte order marks": "\ufeff\ufeffc,d,a\n1,2024-01-05,1.5\n",
    "unnamed columns": "c,,d,a,,\n1,x,2024-01-05,1.5,,\n",
    "title above the header": "Sales 2024\nc,d,a\n1,2024-01-05,1.5\n",
    "text ids": "c,d,a\n007,2024-01-05,1.5\n7,2024-01-06,2\n 7 ,2024-01-07,3\n",
    "hidden characters": "c,d,a\n7\x00,2024-01-05,1.5\n8\u200b,2024-01-06,2\n",
    "missing id and bad values": "c,d,a,k\n,2024-01-05,1.5,x\n2,2024-13-06,abc,\n3,2024-01-07,-4,inf\n4,2024-01-08,5,6\n5,2024-01-09,6,7\n",
    "day first": "c;d;a\n1;31/01/2024;1.234,50 €\n2;01/02/2024;(12,00)\n",
    "duplicate names": "c,d,a,a\n1,2024-01-05,1.5,2\n",
    "header only": "c,d,a\n",
    "unicode": "c,d,a,n\n1,2024-01-05,1.5,Ñandú ☃\n2,2024-01-06,2,\u00a0x\u00a0\n",
}
TRICKY_SETTINGS = {
    "day first": {"decimal": ",", "exclude_returns": True},
    "title above the header": {"header_row": 2},
    "missing id and bad values": {"on_bad_rows": "exclude", "exclude_returns": True},
}


def load_both_ways(monkeypatch, path: Path, **settings) -> list:
    """What load_transactions gives read row by row, read fast, and read fast in tiny scan blocks."""
    from helpers import own_data

    results = []
    for fast, block in ((False, own_data._SCAN_BLOCK), (True, own_data._SCAN_BLOCK), (True, 7)):
        monkeypatch.setattr(own_data, "_FAST_READ", fast)
        monkeypatch.setattr(own_data, "_SCAN_BLOCK", block)
        cost = "k" if "k" in path.read_text(encoding="utf-8", errors="replace").splitlines()[0].split(",") else None
        try:
            frame = load_transactions(path, customer_col="c", date_col="d", amount_col="a", cost_col=cost, **settings)
            results.append((frame, str(frame.attrs["load_report"])))
        except DataError as err:
            results.append((None, str(err)))
    return results


def assert_same_load(results: list) -> None:
    (slow, slow_text), *fast = results
    for frame, text in fast:
        assert text == slow_text
        if slow is None:
            assert frame is None
            continue
        pd.testing.assert_frame_equal(frame, slow, check_exact=True)
        for name in frame.columns:  # the same floats to the bit, the sign of -0.0 included
            if frame[name].dtype == np.float64:
                assert np.array_equal(frame[name].to_numpy().view(np.int64), slow[name].to_numpy().view(np.int64))


@pytest.mark.parametrize("case", sorted(TRICKY_CSV))
def test_fast_and_row_by_row_reads_give_the_same_tables_and_messages(tmp_path, monkeypatch, case):
    path = write(tmp_path, "sales.csv", TRICKY_CSV[case])
    assert_same_load(load_both_ways(monkeypatch, path, **TRICKY_SETTINGS.get(case, {})))


def test_fast_and_row_by_row_reads_agree_in_other_encodings(tmp_path, monkeypatch):
    path = write(tmp_path, "sales.csv", "c;d;a;n\n1;2024-01-05;1,5;Café €\n2;2024-01-06;2;\n", encoding="cp1252")
    assert_same_load(load_both_ways(monkeypatch, path, decimal=",", encoding="cp1252"))


def test_fast_and_row_by_row_reads_agree_on_a_simulated_shop(tmp_path, monkeypatch):
    sales = generate(3_000, seed=2024).transactions.head(20_000)
    out = sales.rename(columns={"customer_id": "c", "date": "d", "amount": "a", "cost": "k"})[["c", "d", "a", "k"]]
    out.to_csv(tmp_path / "sales.csv", index=False)
    results = load_both_ways(monkeypatch, tmp_path / "sales.csv")
    assert results[0][0] is not None and len(results[0][0]) == len(out)
    assert_same_load(results)


def test_the_fast_reader_takes_plain_files_and_leaves_the_others():
    from helpers.own_data import _plain_layout

    layout = _plain_layout(b'a,b\n1,"x,\ny"\n\n2,3', ",", 1)
    assert layout.header == ["a", "b"] and layout.rows == 3 and layout.empty.tolist() == [1] and layout.quoted_newlines
    for quoted in (b'"a","b"\n1,2\n', b'a,b\n1,"2"'):  # a quote first or last in the file: still plain
        assert _plain_layout(quoted, ",", 1).header == ["a", "b"]
    for odd in (b'a,b\n1,x"y\n', b'a,b\n1,"x"y\n', b"a,b\n1,2,\n", b"a,b\n1\n", b'a,b\n1,"2\n', b"a,b\n1,\x00\n"):
        assert _plain_layout(odd, ",", 1) is None


def test_plain_numbers_read_vectorised_are_the_numbers_pandas_reads():
    from helpers.own_data import _plain_decimals

    rng = np.random.default_rng(7)
    digits = rng.integers(0, 10**14, 20_000).astype(str)
    cut = rng.integers(0, 15, len(digits))
    values = [d[: len(d) - k] + "." + d[len(d) - k :] if 0 < k < len(d) else d for d, k in zip(digits, cut)]
    values = [("-" if i % 3 == 0 else "") + v for i, v in enumerate(values)] + ["-0", "5.", ".5", "-0.0", "007"]
    for text in (values, ["-0", "12", "007"], ["-0", "12", None]):
        series = pd.Series(text, dtype="str")
        expected = pd.to_numeric(series).to_numpy(dtype=np.float64, na_value=np.nan)
        got = _plain_decimals(series)
        if got is None:  # text not kept in Arrow (pandas 2): nothing to compare
            continue
        assert np.array_equal(got.view(np.int64), expected.view(np.int64))
    assert _plain_decimals(pd.Series(["1e3", "2"], dtype="str")) is None
