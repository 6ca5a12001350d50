"""Hostile files for :mod:`helpers.own_data`: nothing is read silently wrong, every failure is a DataError.

Each test writes a small file that once loaded as something other than what it holds (ids
merged, dates shifted, infinities, columns shifted) or raised a raw exception, and checks
that loading now gives back exactly what was written or raises a :class:`DataError` naming
the file, the column, the rows (header = row 1) and how to fix it. A property test at the end
writes random small tables as CSV and Parquet and checks the same of every one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_own_data import assert_names, error_of, write

from helpers.data import DataError, load_customers, load_own_data, load_transactions, parse_dates, parse_numbers


def sales(path: Path, **kwargs) -> pd.DataFrame:
    kwargs.setdefault("observation_end", "2100-12-31")
    return load_transactions(path, customer_col="c", date_col="d", amount_col="a", **kwargs)


def own(folder: Path, transactions: str, mapping: str = "", **files: str) -> Path:
    """A folder with t.csv, the other files given, and a mapping naming t.csv's columns c, d, a."""
    write(folder, "t.csv", transactions)
    for name, text in files.items():
        write(folder, name.replace("_", "."), text)
    write(
        folder,
        "mapping.toml",
        mapping + '\n[transactions]\nfile = "t.csv"\ncolumns = {customer_id = "c", date = "d", amount = "a"}\n',
    )
    return folder


# ----------------------------------------------------------------------------- 1. ids are text, kept as written


def test_ids_with_leading_zeros_are_distinct_customers(tmp_path):
    own(tmp_path, "c,d,a\n007,2024-01-01,1\n7,2024-01-02,2\n0007,2024-01-03,3\n 007 ,2024-01-04,4\n")
    company = load_own_data(tmp_path)
    ids = company.load_report.customer_ids
    assert sorted(ids) == ["0007", "007", "7"]  # trimmed of surrounding spaces only: " 007 " is "007"
    spent = company.transactions.groupby(company.transactions["customer_id"].map(ids))["amount"].sum().to_dict()
    assert spent == {"007": 5.0, "7": 2.0, "0007": 3.0}
    assert sales(tmp_path / "t.csv")["customer_id"].tolist() == ["007", "7", "0007", "007"]


def test_a_customers_file_holding_7_and_007_has_two_customers(tmp_path):
    own(
        tmp_path,
        "c,d,a\n7,2024-01-01,1\n007,2024-01-02,2\n12.0,2024-01-03,4\n",
        '[customers]\nfile = "k.csv"\ncolumns = {customer_id = "id"}\n',
        k_csv="id\n7\n007\n12.0\n",
    )
    company = load_own_data(tmp_path)
    assert company.load_report.customer_ids.tolist() == ["7", "007", "12.0"]
    assert company.customers["customer_id"].tolist() == [1, 2, 3]
    assert company.transactions["customer_id"].tolist() == [1, 2, 3]
    # and "7" in the customers file is not "007" in the transactions
    own(
        tmp_path,
        "c,d,a\n007,2024-01-01,1\n",
        '[customers]\nfile = "k.csv"\ncolumns = {customer_id = "id"}\n',
        k_csv="id\n7\n",
    )
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "t.csv", "c", rows=(2,), fix="leading zeros")


def test_duplicates_are_judged_on_the_text_as_written(tmp_path):
    write(tmp_path, "k.csv", "id\nA7\n A7\n7\n")
    message = error_of(load_customers, tmp_path / "k.csv", customer_col="id")
    assert_names(message, "k.csv", "id", rows=(2, 3), fix="each id must appear once")
    assert "row 4" not in message


def test_plain_whole_number_ids_stay_numbers(tmp_path):
    own(tmp_path, "c,d,a\n7,2024-01-01,1\n12,2024-01-02,2\n0,2024-01-03,3\n")
    company = load_own_data(tmp_path)
    assert company.customers["customer_id"].tolist() == [0, 7, 12] and company.load_report.customer_ids is None


def test_ids_in_unicode_digits_and_other_text_are_text(tmp_path):
    write(tmp_path, "t.csv", "c,d,a\n٣,2024-01-01,1\n3,2024-01-02,2\n１２,2024-01-03,3\n")
    assert sales(tmp_path / "t.csv")["customer_id"].tolist() == ["٣", "3", "１２"]
    own(tmp_path, (tmp_path / "t.csv").read_text())
    assert sorted(load_own_data(tmp_path).load_report.customer_ids) == ["3", "٣", "１２"]


def test_excel_ids_are_the_text_the_cells_show(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["c", "d", "a"])
    for cell in ("007", 7, 7.0, 12.5, " 0007 "):
        book.active.append([cell, dt.datetime(2024, 1, 2), 1])
    book.save(tmp_path / "t.xlsx")
    assert sales(tmp_path / "t.xlsx")["customer_id"].tolist() == ["007", "7", "7", "12.5", "0007"]


def test_parquet_ids_are_kept_as_written(tmp_path):
    pytest.importorskip("pyarrow")
    pd.DataFrame({"c": ["007", "7", "0007"], "d": pd.to_datetime(["2024-01-01"] * 3), "a": [1.0, 2.0, 3.0]}).to_parquet(
        tmp_path / "t.parquet"
    )
    assert sales(tmp_path / "t.parquet")["customer_id"].tolist() == ["007", "7", "0007"]
    numbers = pd.DataFrame({"c": [7, 8], "d": pd.to_datetime(["2024-01-01"] * 2), "a": [1.0, 2.0]})
    numbers.to_parquet(tmp_path / "n.parquet")
    assert sales(tmp_path / "n.parquet")["customer_id"].tolist() == [7, 8]


def test_control_characters_in_ids_are_refused(tmp_path):
    write(tmp_path, "t.csv", 'c,d,a\n1\x00,2024-01-01,1\n2,2024-01-02,2\n"3\x1f",2024-01-03,3\n4\u200b,2024-01-03,3\n')
    message = error_of(sales, tmp_path / "t.csv")
    assert_names(message, "t.csv", "c", rows=(2, 4, 5), fix="delete the hidden characters")
    assert "'1\\x00'" in message


# ----------------------------------------------------------------------------- 2. dates are never shifted


def test_placeholder_and_out_of_range_dates_are_refused_with_their_rows(tmp_path):
    write(
        tmp_path,
        "t.csv",
        "c,d,a\n1,9999-12-31,1\n2,0001-01-01,2\n3,2262-04-12,3\n4,2024-01-01,4\n5,1899-12-31,5\n"
        "6,2024-01-02,1\n7,2024-01-03,1\n8,2024-01-04,1\n9,2024-01-05,1\n",
    )
    message = error_of(sales, tmp_path / "t.csv")
    assert_names(message, "t.csv", "d", rows=(2, 3, 4, 6), fix="date_range=")
    assert "'9999-12-31'" in message and "outside 1900-01-01 … 2100-12-31" in message
    kept = sales(tmp_path / "t.csv", on_bad_rows="exclude")
    assert kept["date"].tolist() == list(
        pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"])
    )
    assert kept.attrs["load_report"].excluded == {"date outside the accepted range": [2, 3, 4, 6]}
    dates, bad, _ = parse_dates(pd.Series(["9999-12-31", "2024-02-29"]))
    assert bad.tolist() == [True, False] and dates.isna().tolist() == [True, False]


def test_the_accepted_date_range_is_a_setting(tmp_path):
    own(tmp_path, "c,d,a\n1,1850-06-01,1\n2,2024-01-02,2\n", '[settings]\ndate_range = ["1800-01-01", "2100-12-31"]\n')
    assert load_own_data(tmp_path).transactions["date"].min() == pd.Timestamp("1850-06-01")
    own(tmp_path, "c,d,a\n1,1850-06-01,1\n2,2024-01-02,2\n", '[settings]\ndate_range = ["1000-01-01", "2100-12-31"]\n')
    assert_names(
        error_of(load_own_data, tmp_path),
        "mapping.toml",
        fix='date_range = ["1900-01-01", "2100-12-31"] under [settings]',
    )
    own(tmp_path, "c,d,a\n1,2024-06-01,1\n", '[settings]\nobservation_end = "9999-12-31"\n')
    assert "observation_end" in error_of(load_own_data, tmp_path)


def test_excel_and_parquet_dates_out_of_range_are_refused(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    pytest.importorskip("pyarrow")
    book = openpyxl.Workbook()
    book.active.append(["c", "d", "a"])
    book.active.append([1, dt.datetime(9999, 12, 31), 1])
    book.active.append([2, dt.datetime(2024, 1, 1), 1])
    book.active.append([3, dt.datetime(2024, 1, 2), 1])
    book.save(tmp_path / "t.xlsx")
    assert_names(error_of(sales, tmp_path / "t.xlsx"), "t.xlsx", "d", rows=(2,), fix="date_range")
    for values in (
        np.array(["9999-12-31", "2024-01-01", "2024-01-02"], dtype="datetime64[us]"),
        [dt.date(1, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 1, 2)],
    ):
        pd.DataFrame({"c": [1, 2, 3], "d": values, "a": [1.0, 2.0, 3.0]}).to_parquet(tmp_path / "t.parquet")
        assert_names(error_of(sales, tmp_path / "t.parquet"), "t.parquet", "d", rows=(2,), fix="date_range")


def test_times_with_an_offset_keep_their_local_date(tmp_path):
    write(
        tmp_path,
        "t.csv",
        "c,d,a\n1,2024-01-01 23:30:00+0200,1\n2,2024-01-01 23:30:00-0500,2\n3,2024-01-02 00:30:00+0900,3\n",
    )
    loaded = sales(tmp_path / "t.csv", date_format="%Y-%m-%d %H:%M:%S%z")
    assert loaded["date"].tolist() == list(pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02"]))
    assert "zone dropped" in str(loaded.attrs["load_report"])


def test_parquet_timestamps_with_a_time_zone_keep_their_local_date(tmp_path):
    pytest.importorskip("pyarrow")
    stamps = pd.to_datetime(["2024-01-01 23:30", "2024-01-02 00:30"]).tz_localize("Europe/Madrid")
    pd.DataFrame({"c": [1, 2], "d": stamps, "a": [1.0, 2.0]}).to_parquet(tmp_path / "t.parquet")
    loaded = sales(tmp_path / "t.parquet")
    assert loaded["date"].tolist() == list(pd.to_datetime(["2024-01-01", "2024-01-02"]))
    assert "time zone Europe/Madrid" in str(loaded.attrs["load_report"])


# ----------------------------------------------------------------------------- 3. amounts are finite numbers


def test_non_finite_amounts_are_refused(tmp_path):
    write(
        tmp_path,
        "t.csv",
        "c,d,a\n"
        + "".join(
            f"{i},2024-01-01,{v}\n"
            for i, v in enumerate(
                ["inf", "Infinity", "1e400", "9" * 401, "-inf", "NaN", "1", "2", "3", "4", "5", "6", "7"]
            )
        ),
    )
    message = error_of(sales, tmp_path / "t.csv")
    assert_names(message, "t.csv", "a", rows=(2, 3, 4, 5, 6), fix="correct these cells")
    assert "6 row(s) are not numbers" in message and "(401 characters)" in message
    values, bad = parse_numbers(pd.Series(["inf", "1e400", "7", None]))
    assert bad.tolist() == [True, True, False, False] and np.isnan(values[:2]).all()


def test_non_finite_amounts_in_parquet_are_refused(tmp_path):
    pytest.importorskip("pyarrow")
    pd.DataFrame({"c": [1, 2, 3], "d": pd.to_datetime(["2024-01-01"] * 3), "a": [1.0, np.inf, 2.0]}).to_parquet(
        tmp_path / "t.parquet"
    )
    assert_names(error_of(sales, tmp_path / "t.parquet"), "t.parquet", "a", rows=(3,), fix="correct these cells")


def test_whole_numbers_too_large_to_hold_exactly_are_refused(tmp_path):
    own(
        tmp_path,
        "c,d,a\n1,2024-01-01,1\n",
        '[employees]\nfile = "e.csv"\ncolumns = {tenure_months = "months"}\n',
        e_csv="employee_id,months\n1,3\n2,1e300\n3,4\n",
    )
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "e.csv", "months", rows=(3,), fix="correct these cells")
    assert "too large to be read exactly" in message


# ----------------------------------------------------------------------------- 4. the file's structure


def test_a_trailing_delimiter_is_read_exactly_and_reported(tmp_path):
    write(tmp_path, "t.csv", "c;d;a\n1;2024-01-01;5;\n;\n2;2024-01-02;6;\n")  # ";" alone: an empty row
    loaded = sales(tmp_path / "t.csv")
    assert loaded[["customer_id", "amount"]].to_dict("list") == {"customer_id": [1, 2], "amount": [5.0, 6.0]}
    assert "end with extra delimiters" in str(loaded.attrs["load_report"])


def test_rows_with_more_or_fewer_fields_than_the_header_are_refused(tmp_path):
    write(tmp_path, "t.csv", "c,d,a\n1,2024-01-01,5\n2,2024-01-02,1,5\n3,2024-01-03,7\n")
    message = error_of(sales, tmp_path / "t.csv")
    assert_names(message, "t.csv", "a", rows=(3,), fix="double quotes")
    assert "more fields than the header" in message
    write(tmp_path, "t.csv", "c,d,a\n1,2024-01-01,5\n2,2024-01-02\n3,2024-01-03,7\n")
    message = error_of(sales, tmp_path / "t.csv")
    assert_names(message, "t.csv", "a", rows=(3,), fix="add the missing cells")


def test_a_column_name_given_twice_is_refused_naming_both_columns(tmp_path):
    write(tmp_path, "t.csv", "c,a,d,a\n1,5,2024-01-01,7\n")
    message = error_of(sales, tmp_path / "t.csv")
    assert_names(message, "t.csv", "a", fix="rename one of the two columns")
    assert "column 2 (B) and column 4 (D)" in message
    write(tmp_path, "t.csv", "c,a,d,a \n1,5,2024-01-01,7\n")
    assert "column 2 (B) and column 4 (D)" in error_of(sales, tmp_path / "t.csv")
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["Exported today"])
    book.active.append(["c", "a", "d", "a"])
    book.active.append([1, 5, "2024-01-01", 7])
    book.save(tmp_path / "t.xlsx")
    message = error_of(sales, tmp_path / "t.xlsx", header_row=2)
    assert_names(message, "t.xlsx", "a", fix="rename one")
    assert "(row 2)" in message and "column 2 (B) and column 4 (D)" in message


# ----------------------------------------------------------------------------- 5. every failure is a DataError


def test_an_invalid_date_format_is_a_data_error(tmp_path):
    write(tmp_path, "t.csv", "c,d,a\n1,2024-01-01,5\n")
    assert_names(error_of(sales, tmp_path / "t.csv", date_format="%Q"), "t.csv", fix="date_format='%d/%m/%Y'")
    own(tmp_path, "c,d,a\n1,2024-01-01,5\n", '[settings]\ndate_format = "%Q"\n')
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "mapping.toml", fix='date_format = "%d/%m/%Y" under [settings]')
    assert "'Q' is a bad directive" in message


def test_an_excel_sheet_number_past_the_last_is_a_data_error(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Ventas"
    book.active.append(["c", "d", "a"])
    book.active.append([1, "2024-01-01", 5])
    book.save(tmp_path / "t.xlsx")
    message = error_of(sales, tmp_path / "t.xlsx", sheet=99)
    assert_names(message, "t.xlsx", fix="sheet='Ventas'")
    assert sales(tmp_path / "t.xlsx", sheet=0)["amount"].tolist() == [5.0]
    assert_names(error_of(sales, tmp_path / "t.xlsx", sheet=True), "t.xlsx", fix="sheet=")


@pytest.mark.parametrize(
    ("setting", "fix"),
    [
        ("file = 123", 'file = "transactions.csv" under [transactions]'),
        ('columns = "x"', "[transactions.columns]"),
        ("header_row = 0", "header_row = 1 under [transactions]"),
        ("header_row = true", "header_row = 1 under [transactions]"),
        ('values = "x"', "[transactions.values."),
        ('exclude_returns = "false"', "exclude_returns = true under [transactions]"),
        ("decimal = 1", 'decimal = "," under [transactions]'),
        ('delimiter = ";;"', 'delimiter = ";" under [transactions]'),
        ('encoding = "klingon"', 'encoding = "cp1252" under [transactions]'),
        ("observation_end = 123", 'observation_end = "2024-12-31" under [transactions]'),
        ('date_range = ["2024-01-01"]', 'date_range = ["1900-01-01", "2100-12-31"] under [transactions]'),
        ("sheet = -1", 'sheet = "Sheet1" under [transactions]'),
        ('thousands = "."', 'thousands = "," under [transactions]'),
    ],
)
def test_mapping_values_of_the_wrong_type_or_range_are_data_errors(tmp_path, setting, fix):
    write(tmp_path, "transactions.csv", "customer_id,date,amount\n1,2024-01-01,5\n")
    write(
        tmp_path,
        "mapping.toml",
        f'[transactions]\nfile = "transactions.csv"\n{setting}\n'.replace(
            'file = "transactions.csv"\nfile = 123', "file = 123"
        ),
    )
    message = error_of(load_own_data, tmp_path)
    assert_names(message, "mapping.toml", fix=fix)


@pytest.mark.parametrize(
    ("churn", "fix"),
    [
        ('derive = "false"', "derive = false"),
        ("inactive_days = 1000000000000", "inactive_days = 180"),
        ("inactive_days = 0", "inactive_days = 180"),
        ('inactive_days = "90"', "inactive_days = 180"),
    ],
)
def test_the_churn_rule_is_checked(tmp_path, churn, fix):
    write(tmp_path, "transactions.csv", "customer_id,date,amount\n1,2024-01-01,5\n")
    write(tmp_path, "mapping.toml", f'[churn]\n{churn}\n[transactions]\nfile = "transactions.csv"\n')
    assert_names(error_of(load_own_data, tmp_path), "mapping.toml", fix=fix)


def test_wrong_arguments_of_the_loaders_are_data_errors(tmp_path):
    write(tmp_path, "t.csv", "c,d,a\n1,2024-01-01,5\n")
    assert "did you mean 'decimal'" in error_of(sales, tmp_path / "t.csv", decimals=",")
    assert_names(error_of(sales, tmp_path / "t.csv", on_bad_rows="skip"), "t.csv", fix="on_bad_rows='exclude'")
    assert_names(error_of(sales, tmp_path / "t.csv", observation_end="2024-13-01"), "t.csv", fix="observation_end=")
    assert_names(error_of(load_transactions, 123, customer_col="c", date_col="d", amount_col="a"), "load_transactions")
    assert_names(
        error_of(load_transactions, tmp_path / "t.csv", customer_col=5, date_col="d", amount_col="a"),
        "t.csv",
        fix="customer_col=",
    )
    assert_names(
        error_of(load_transactions, tmp_path / "t.csv", customer_col="c", date_col="d", amount_col="a", columns="x"),
        "load_transactions",
        fix="columns=",
    )
    assert_names(error_of(load_own_data, 123), "load_own_data")
    own(tmp_path, "c,d,a\n1,2024-01-01,5\n")
    assert_names(error_of(load_own_data, tmp_path, on_bad_rows=1), "load_own_data", fix="on_bad_rows='exclude'")
    assert "unknown option 'place'" in error_of(load_own_data, tmp_path, place="x")


# ------------------------------------------------------------------------ property: exactly as written, or a DataError


#: Examples run by each property test (printed at the end of the test; see the lead's brief).
EXAMPLES = {"csv": 300, "parquet": 100, "excel": 40}
SPACES = " \t\u00a0"
LOW, HIGH = dt.date(1900, 1, 1), dt.date(2100, 12, 31)

good_ids = st.one_of(
    st.sampled_from(
        [
            "007",
            "7",
            "0007",
            "12.0",
            "12",
            "0",
            "NA",
            "null",
            "None",
            "٣",
            "１２",
            "A-1",
            "é7",
            "a,b",
            "c;d",
            'q"x',
            "x y",
        ]
    ),
    st.text(alphabet="0123456789abcñé-_.", min_size=1, max_size=6),
)
good_dates = st.dates(min_value=LOW, max_value=HIGH)
good_amounts = st.one_of(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.integers(min_value=0, max_value=10**12).map(str),
)
ids = st.tuples(
    st.sampled_from(["", " ", "  "]),
    st.one_of(
        st.sampled_from(
            [
                "007",
                "7",
                "0007",
                "12.0",
                "12",
                "0",
                "NA",
                "null",
                "None",
                "٣",
                "１２",
                "A-1",
                "é7",
                "a,b",
                "c;d",
                'q"x',
                "x y",
                "7\x00",
                "",
            ]
        ),
        st.text(alphabet="0123456789abcñé-_. ", min_size=1, max_size=6),
    ),
    st.sampled_from(["", " ", "\t"]),
).map(lambda parts: "".join(parts))
dates = st.one_of(
    st.dates(min_value=LOW, max_value=HIGH),
    st.sampled_from(
        [dt.date(9999, 12, 31), dt.date(1, 1, 1), dt.date(2262, 4, 12), dt.date(1899, 12, 31), dt.date(1677, 9, 21)]
    ),
    st.dates(),
)
amounts = st.one_of(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.integers(min_value=0, max_value=10**30).map(str),
    st.sampled_from(["inf", "-inf", "Infinity", "1e400", "9" * 401, "NaN", "-5", "1e3"]),
)
#: Half the tables have only good rows (they must load exactly), half may hold hostile values.
rows = st.booleans().flatmap(
    lambda clean: st.lists(
        st.tuples(good_ids, good_dates, good_amounts) if clean else st.tuples(ids, dates, amounts),
        min_size=1,
        max_size=6,
    )
)


def expected_id(text: str) -> str | None:
    """The id as the loader must give it back: trimmed of spaces and tabs only; None if empty."""
    return text.strip(SPACES) or None


def good_row(customer: str, day: dt.date, amount: float | None) -> bool:
    key = expected_id(customer)
    return (
        key is not None
        and not re.search(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]", key)
        and LOW <= day <= HIGH
        and amount is not None
        and np.isfinite(amount)
        and amount >= 0
    )


def check_loaded(loaded: pd.DataFrame, table: list[tuple[str, dt.date, float]]) -> None:
    """The loaded transactions are the rows written, in date order (stable), ids as text exactly as written."""
    expected = pd.DataFrame(table, columns=["customer_id", "date", "amount"])
    expected["customer_id"] = expected["customer_id"].map(expected_id)
    expected["date"] = pd.to_datetime(expected["date"])
    expected = expected.sort_values("date", kind="stable")
    assert loaded["customer_id"].map(str).tolist() == expected["customer_id"].tolist()
    assert loaded["date"].tolist() == expected["date"].tolist()
    assert loaded["amount"].tolist() == expected["amount"].astype(float).tolist()


def amount_value(text: str) -> float | None:
    try:
        value = float(text)
    except (ValueError, OverflowError):
        return None
    return value


@settings(max_examples=EXAMPLES["csv"], deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=rows,
    sep=st.sampled_from([",", ";", "\t"]),
    decimal=st.sampled_from([".", ","]),
    encoding=st.sampled_from(["utf-8", "cp1252"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    newline=st.sampled_from(["\n", "\r\n"]),
    give_format=st.booleans(),
    give_delimiter=st.booleans(),
)
def test_any_small_csv_loads_exactly_as_written_or_raises_a_data_error(
    table, sep, decimal, encoding, quoting, newline, give_format, give_delimiter
):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, quoting=quoting, lineterminator=newline)
    writer.writerow(["Cliente", "Fecha", "Importe"])
    for customer, day, amount in table:
        writer.writerow([customer, day.isoformat(), amount.replace(".", decimal)])
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    values = [(customer, day, amount_value(amount)) for customer, day, amount in table]
    options = dict(
        decimal=decimal,
        encoding=encoding,
        observation_end="2100-12-31",
        date_format="%Y-%m-%d" if give_format else None,
        delimiter=sep if give_delimiter else None,
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ventas.csv"
        path.write_bytes(data)
        try:
            loaded = load_transactions(path, customer_col="Cliente", date_col="Fecha", amount_col="Importe", **options)
        except DataError as err:
            assert "How to fix:" in str(err) and str(path) in str(err)
            # a table of good rows written the plain way must load
            plain = all(re.fullmatch(r"\d+(\.\d+)?", amount) for _, _, amount in table)
            assert not (plain and all(good_row(*v) for v in values)), str(err)
            return
    assert all(good_row(*v) for v in values)
    check_loaded(loaded, values)


@settings(max_examples=EXAMPLES["parquet"], deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=rows, infinite=st.lists(st.sampled_from([np.inf, -np.inf, np.nan]), max_size=2))
def test_any_small_parquet_loads_exactly_as_written_or_raises_a_data_error(table, infinite):
    pytest.importorskip("pyarrow")
    values = [(customer, day, amount_value(amount)) for customer, day, amount in table]
    values += [("9", dt.date(2024, 1, 1), value) for value in infinite]
    frame = pd.DataFrame(
        {
            "Cliente": [v[0] for v in values],
            "Fecha": np.array([np.datetime64(v[1], "D") for v in values]).astype("datetime64[us]"),
            "Importe": [np.nan if v[2] is None else v[2] for v in values],
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ventas.parquet"
        frame.to_parquet(path)
        try:
            loaded = load_transactions(
                path, customer_col="Cliente", date_col="Fecha", amount_col="Importe", observation_end="2100-12-31"
            )
        except DataError as err:
            assert "How to fix:" in str(err) and str(path) in str(err)
            assert not all(good_row(*v) for v in values), str(err)
            return
    assert all(good_row(*v) for v in values)
    check_loaded(loaded, values)


@settings(max_examples=EXAMPLES["excel"], deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=rows, as_numbers=st.booleans())
def test_any_small_excel_sheet_loads_exactly_as_written_or_raises_a_data_error(table, as_numbers):
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    assume(not any(ILLEGAL_CHARACTERS_RE.search(customer) for customer, _, _ in table))
    assume(all(day >= LOW for _, day, _ in table))  # Excel has no dates before 1900
    book = openpyxl.Workbook()
    book.active.append(["Cliente", "Fecha", "Importe"])
    values = []
    for customer, day, amount in table:
        # a plain whole number may be a number cell: the loader must give back the text the cell shows
        cell = int(customer) if as_numbers and re.fullmatch(r"[1-9][0-9]{0,14}", customer) else customer
        number = amount_value(amount)
        written = number if number is not None and np.isfinite(number) and abs(number) < 1e15 else amount
        book.active.append([cell, dt.datetime(day.year, day.month, day.day), written])
        values.append((customer, day, number))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ventas.xlsx"
        book.save(path)
        try:
            loaded = load_transactions(
                path, customer_col="Cliente", date_col="Fecha", amount_col="Importe", observation_end="2100-12-31"
            )
        except DataError as err:
            assert "How to fix:" in str(err) and str(path) in str(err)
            assert not all(good_row(*v) for v in values), str(err)
            return
    assert all(good_row(*v) for v in values)
    check_loaded(loaded, values)
