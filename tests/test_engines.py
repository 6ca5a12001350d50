"""The engines (DuckDB, Spark) give the tables the pandas code gives, on the course's data and on small cases."""

from __future__ import annotations

import dataclasses
import os

import numpy as np
import pandas as pd
import pytest

from helpers import own_data
from helpers.data import DataError, lesson_company, load_own_data, table_to_csv
from helpers.engines import BadRows, DuckDBTransactions, SparkTransactions, open_transactions
from helpers.engines.on_spark import local_session, spark_unavailable
from helpers.loyalty import loyalty_components
from helpers.profitability import customer_profitability
from helpers.purchases import InMemory, customer_base, window_purchases
from helpers.report import compute_report, render_report
from helpers.report import main as report_main
from helpers.rfm import rfm_summary

END = pd.Timestamp("2024-12-31")
# PySpark 4 warns about pandas 3 (and passes it a keyword it deprecates); not the course's code.
pytestmark = [
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:Warning"),
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


def same(engine_table, pandas_table):
    """Equal columns, dtypes, index and values (floats to 1e-9 relative)."""
    if isinstance(engine_table, pd.Series):
        pd.testing.assert_series_equal(engine_table, pandas_table, check_exact=False, rtol=1e-9, atol=1e-9)
    else:
        pd.testing.assert_frame_equal(engine_table, pandas_table, check_exact=False, rtol=1e-9, atol=1e-9)


def pandas_cohorts(transactions: pd.DataFrame, end, freq: str):
    """The report's cohorts without a churn record, computed by pandas as the report does."""
    return InMemory(transactions).cohort_table(end, freq=freq)


def assert_all_tables_equal(
    engine, transactions: pd.DataFrame, end, *, freqs=("M", "Q"), windows=(12, 3), units=("D", "W")
):
    for months in windows:
        same(engine.customer_base(end, window_months=months), customer_base(transactions, end, window_months=months))
    for unit in units:
        same(engine.rfm_summary(end, time_unit=unit), rfm_summary(transactions, observation_end=end, time_unit=unit))
    for freq in freqs:
        table, expected = engine.cohort_table(end, freq=freq), pandas_cohorts(transactions, end, freq)
        same(table.shares, expected.shares)
        same(table.sizes, expected.sizes)


@pytest.fixture(scope="module")
def course():
    company = lesson_company()
    return company.transactions, pd.Timestamp(company.observation_end)


def sales(rows):
    """A small transactions table from (customer_id, date, amount, cost) tuples."""
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "amount", "cost"])
    return frame.assign(date=pd.to_datetime(frame["date"], format="ISO8601").astype("datetime64[ns]"))


SMALL = {
    "a single purchase": sales([(7, "2024-05-02", 12.5, 7.0)]),
    "same-day purchases": sales(
        [(1, "2024-03-01 09:00", 10.0, 4.0), (1, "2024-03-01 17:30", 5.0, 2.0), (2, "2024-03-01", 8.0, 3.0)]
    ),
    "returns, times of day and a purchase after the end": sales(
        [
            (3, "2023-11-30 23:59", 40.0, 20.0),
            (3, "2024-02-10", -15.0, -7.5),
            (3, "2024-02-10 12:00", 20.0, 9.0),
            (5, "2024-12-30 08:00", 3.0, 1.0),
            (5, "2025-01-03", 9.0, 1.0),
            (4, "2022-06-15", 100.0, 60.0),
        ]
    ),
    "unknown costs": sales(
        [(1, "2024-01-05", 10.0, np.nan), (1, "2024-07-05", 20.0, 8.0), (2, "2024-08-01", 5.0, np.nan)]
    ),
}


# ------------------------------------------------------------------------------------- DuckDB


def test_duckdb_equals_pandas_on_the_course_data(course):
    transactions, end = course
    assert_all_tables_equal(DuckDBTransactions(transactions), transactions, end)


def test_duckdb_streams_parquet_and_csv_files_to_the_same_tables(course, tmp_path):
    transactions, end = course
    parquet, csv = tmp_path / "sales.parquet", tmp_path / "sales.csv"
    transactions.to_parquet(parquet)
    transactions.to_csv(csv, index=False)
    for source in (parquet, str(csv)):
        engine = DuckDBTransactions(source)
        assert engine.check().rows == len(transactions)
        assert engine.check().costs_known
        assert_all_tables_equal(engine, transactions, end, freqs=("Q",))


def test_a_glob_of_parquet_files_is_read_as_one_table(course, tmp_path):
    transactions, end = course
    half = len(transactions) // 2
    transactions.iloc[:half].to_parquet(tmp_path / "part-1.parquet")
    transactions.iloc[half:].to_parquet(tmp_path / "part-2.parquet")
    engine = open_transactions(str(tmp_path / "part-*.parquet"))
    same(engine.customer_base(end), customer_base(transactions, end))


@pytest.mark.parametrize("case", list(SMALL))
def test_duckdb_equals_pandas_on_small_cases(case, tmp_path):
    transactions = SMALL[case]
    assert_all_tables_equal(DuckDBTransactions(transactions), transactions, END)
    transactions.to_csv(tmp_path / "small.csv", index=False)
    assert_all_tables_equal(DuckDBTransactions(tmp_path / "small.csv"), transactions, END)


def test_without_a_cost_column_margins_are_unknown():
    transactions = SMALL["same-day purchases"].drop(columns="cost")
    engine = DuckDBTransactions(transactions)
    base = engine.customer_base(END)
    same(base, customer_base(transactions, END))
    assert base["margin"].isna().all() and not engine.check().costs_known


def test_text_ids_stay_text_and_columns_can_be_renamed():
    transactions = SMALL["same-day purchases"].assign(customer_id=["C-1", "C-1", "C-2"])
    renamed = transactions.rename(columns={"customer_id": "client", "amount": "total"})
    engine = DuckDBTransactions(renamed, columns={"customer_id": "client", "amount": "total"})
    same(engine.rfm_summary(END), rfm_summary(transactions, observation_end=END))
    assert engine.customer_base(END).index.tolist() == ["C-1", "C-2"]


def test_a_missing_column_is_named():
    with pytest.raises(ValueError, match=r"no column 'amount' \(the columns are 'customer_id', 'date'\)"):
        DuckDBTransactions(pd.DataFrame({"customer_id": [1], "date": [END]}))


def test_bad_rows_of_a_frame_are_refused_with_their_index_and_value():
    transactions = SMALL["same-day purchases"].astype({"customer_id": object, "amount": object})
    transactions.loc[1, "customer_id"] = None
    transactions.loc[2, "amount"] = "12,50 €"
    with pytest.raises(BadRows) as refused:
        DuckDBTransactions(transactions).customer_base(END)
    message = str(refused.value)
    assert "column 'customer_id': 1 row(s) have no customer id:\n  row 1: (empty)" in message
    assert "column 'amount': 1 row(s) have no amount or an amount that is not a number:\n  row 2: '12,50 €'" in message
    assert "'date'" not in message


def test_bad_rows_of_a_file_are_refused_with_their_data_row_numbers(tmp_path):
    lines = ["customer_id,date,amount,cost"] + [f"{n % 3 + 1},2024-01-{n + 1:02d},{n}.5,1" for n in range(20)]
    lines[4] = "2,2024-13-45,3.5,1"  # data row 4: no such date
    lines[9] = " ,2024-01-09,9.5,1"  # data row 9: a blank customer id
    for row in range(12, 20):  # data rows 12 to 19: not numbers
        lines[row] = f"1,2024-01-{row:02d},n/a,1"
    path = tmp_path / "sales.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BadRows) as refused:
        DuckDBTransactions(path).check()
    message = str(refused.value)
    assert message.startswith(f"{path}, column 'customer_id': 1 row(s) have no customer id:\n  row 9: ' '")
    assert "column 'date': 1 row(s) have no date or a date that cannot be read:\n  row 4: '2024-13-45'" in message
    assert "8 row(s) have no amount" in message and "  row 12: 'n/a'\n" in message and "  row 16: 'n/a'\n" in message
    assert "  row 17" not in message and "… and 3 more" in message


def test_bad_rows_of_parquet_files_name_the_file_when_there_are_several(tmp_path):
    good = SMALL["same-day purchases"]
    good.to_parquet(tmp_path / "a.parquet")
    bad = good.assign(amount=[1.0, np.nan, 2.0])
    bad.to_parquet(tmp_path / "b.parquet")
    with pytest.raises(BadRows, match=r"row\(s\) have no amount.*:\n  .*b\.parquet row 2: \(empty\)"):
        DuckDBTransactions([tmp_path / "a.parquet", tmp_path / "b.parquet"]).check()


def test_unknown_engine_and_spark_without_session_are_refused():
    with pytest.raises(ValueError, match="engine must be one of"):
        open_transactions(SMALL["a single purchase"], engine="polars")
    with pytest.raises(ValueError, match="needs a SparkSession"):
        open_transactions(SMALL["a single purchase"], engine="spark")


# ------------------------------------------------------------------------------------- Spark


@pytest.fixture(scope="module")
def spark():
    reason = spark_unavailable()
    if reason:
        if os.environ.get("CRM_SPARK_TESTS") == "required":
            pytest.fail(f"CRM_SPARK_TESTS=required, but {reason}")
        pytest.skip(reason)
    session = local_session(cores="1", shuffle_partitions=2, app="crm-course-tests")
    yield session
    session.stop()


def test_spark_equals_pandas_on_the_course_data(spark, course):
    transactions, end = course
    frame = spark.createDataFrame(transactions[["customer_id", "date", "amount", "cost"]])
    engine = SparkTransactions(spark, frame)
    assert_all_tables_equal(engine, transactions, end, freqs=("Q",), windows=(12,), units=("W",))
    same(engine.window_purchases(end), DuckDBTransactions(transactions).window_purchases(end))


def test_spark_reads_parquet_and_refuses_bad_rows_with_their_numbers(spark, tmp_path):
    transactions = SMALL["returns, times of day and a purchase after the end"]
    transactions.to_parquet(tmp_path / "good.parquet", coerce_timestamps="us")
    engine = open_transactions(str(tmp_path / "good.parquet"), engine="spark", spark=spark)
    same(engine.customer_base(END), customer_base(transactions, END))
    same(engine.rfm_summary(END, time_unit="W"), rfm_summary(transactions, observation_end=END, time_unit="W"))
    bad = transactions.astype({"amount": str}).assign(date=transactions["date"].mask(transactions.index == 4))
    bad.loc[1, "amount"] = "abc"
    for source, rows in (
        (spark.createDataFrame(bad), ("row 5", "row 2")),
        (tmp_path / "bad.parquet", ("row 5", "row 2")),
    ):
        if not isinstance(source, type(spark.createDataFrame(bad))):
            bad.to_parquet(source, coerce_timestamps="us")
            source = str(source)
        with pytest.raises(BadRows) as refused:
            SparkTransactions(spark, source).check()
        message = str(refused.value)
        assert f"column 'date': 1 row(s) have no date or a date that cannot be read:\n  {rows[0]}: (empty)" in message
        assert (
            f"column 'amount': 1 row(s) have no amount or an amount that is not a number:\n  {rows[1]}: 'abc'"
            in message
        )


def test_window_purchases_equal_pandas_for_windows_and_the_whole_history(course):
    transactions, end = course
    engine = DuckDBTransactions(transactions)
    for months in (12, 1, None):
        same(engine.window_purchases(end, months=months), window_purchases(transactions, end, months=months))


def test_the_pyramid_and_the_loyalty_matrix_are_the_same_from_an_engine(course):
    company = lesson_company()
    transactions, end = course
    engine = DuckDBTransactions(transactions)
    for rows in (transactions, engine):
        tables = [
            customer_profitability(
                company.customers, rows, company.interactions, company.bonds, end, months=12, churn=company.churn
            ),
            loyalty_components(company.customers, rows, company.surveys, company.bonds, company.churn, end, months=12),
        ]
        if rows is transactions:
            expected = tables
    for table, wanted in zip(tables, expected):
        same(table, wanted)
    assert tables[0]["purchases"].sum() > 1000


def test_the_report_is_the_same_with_the_transactions_on_duckdb():
    company = lesson_company()
    on_duckdb = dataclasses.replace(company, transactions=DuckDBTransactions(company.transactions))
    assert on_duckdb.has("transactions", "cost") and len(on_duckdb.transactions) == len(company.transactions)
    expected, data = compute_report(company), compute_report(on_duckdb)
    same(data.kpis, expected.kpis)
    for section in ("retention", "cohorts", "rfm", "pyramid", "clv", "loyalty"):
        for key, value in getattr(expected, section).items():
            if isinstance(value, (pd.DataFrame, pd.Series)):
                same(getattr(data, section)[key], value)
    for key, value in expected.overview.items():
        assert data.overview[key] == (pytest.approx(value, rel=1e-12) if isinstance(value, float) else value), key
    assert render_report(data, sources=["sales"]) == render_report(expected, sources=["sales"])


# ------------------------------------------------------------------- the loader and the report on an engine


@pytest.fixture(scope="module")
def course_files(tmp_path_factory):
    """The course's transactions, customers and surveys as an analyst's CSV files, and in memory."""
    company = lesson_company()
    folder = tmp_path_factory.mktemp("course_files")
    for table in ("transactions", "customers", "surveys"):
        (folder / f"{table}.csv").write_bytes(table_to_csv(getattr(company, table), table))
    return folder, load_own_data(folder, engine="pandas")


def page_without_load_report(company) -> str:
    data = compute_report(company)
    data.overview["load_report"] = None
    return render_report(data, sources=["sales"])


def test_load_own_data_on_duckdb_gives_the_same_report(course_files):
    folder, in_memory = course_files
    company = load_own_data(folder, engine="duckdb")
    assert isinstance(company.transactions, DuckDBTransactions)
    assert len(company.transactions) == len(in_memory.transactions) > 50_000
    pd.testing.assert_frame_equal(company.customers, in_memory.customers)
    pd.testing.assert_frame_equal(company.churn, in_memory.churn)
    assert company.observation_end == in_memory.observation_end
    assert 'read by DuckDB (engine="duckdb")' in str(company.load_report)
    assert page_without_load_report(company) == page_without_load_report(in_memory)


def test_auto_streams_files_too_large_for_the_free_memory(course_files, monkeypatch):
    folder, _ = course_files
    size = (folder / "transactions.csv").stat().st_size
    monkeypatch.setattr(own_data, "available_memory", lambda: int(size * own_data.MEMORY_PER_FILE_BYTE["csv"]))
    engine, why = own_data.choose_engine(folder / "transactions.csv")
    assert engine == "duckdb" and "more than half of the" in why
    company = load_own_data(folder)
    assert isinstance(company.transactions, DuckDBTransactions) and why in str(company.load_report)
    monkeypatch.setattr(own_data, "available_memory", lambda: int(size * own_data.MEMORY_PER_FILE_BYTE["csv"] * 2.1))
    assert own_data.choose_engine(folder / "transactions.csv")[0] == "pandas"
    assert isinstance(load_own_data(folder).transactions, pd.DataFrame)


def write_sales(folder, text: str, mapping: str = "") -> None:
    folder.mkdir(exist_ok=True)
    (folder / "transactions.csv").write_text(text, encoding="utf-8")
    (folder / "mapping.toml").write_text('[transactions]\nfile = "transactions.csv"\n' + mapping, encoding="utf-8")


def test_bad_rows_on_an_engine_are_refused_or_left_out_and_listed(tmp_path):
    text = "customer_id,date,amount\n1,2024-01-05,10\n,2024-01-06,4\n2,2024-02-30,5\n2,2024-03-01,7\n"
    write_sales(tmp_path / "sales", text)
    with pytest.raises(DataError) as refused:
        load_own_data(tmp_path / "sales", engine="duckdb")
    message = str(refused.value)
    assert "column 'customer_id': 1 row(s) have no customer id:\n  row 2: (empty)" in message
    assert "column 'date': 1 row(s) have no date or a date that cannot be read:\n  row 3: '2024-02-30'" in message
    assert 'on_bad_rows = "exclude"' in message
    company = load_own_data(tmp_path / "sales", engine="duckdb", on_bad_rows="exclude")
    report = str(company.load_report)
    assert "4 rows read, 2 kept" in report
    assert "excluded 1 row(s): customer_id have no customer id (row 2; data rows, the header not counted)" in report
    assert "excluded 1 row(s): date have no date or a date that cannot be read (row 3;" in report
    assert list(company.customers["customer_id"]) == [1, 2] and len(company.transactions) == 2


def test_an_engine_refuses_what_it_cannot_read_and_says_what_to_do(tmp_path):
    write_sales(tmp_path / "comma", "customer_id;date;amount\n1;2024-01-05;10,5\n", '[settings]\ndecimal = ","\n')
    with pytest.raises(DataError, match=r'(?s)cannot apply decimal.*engine="pandas"'):
        load_own_data(tmp_path / "comma", engine="duckdb")
    write_sales(tmp_path / "text_ids", "customer_id,date,amount\nA7,2024-01-05,10\n")
    with pytest.raises(DataError, match="customer ids must be whole numbers"):
        load_own_data(tmp_path / "text_ids", engine="duckdb")
    write_sales(tmp_path / "late", "customer_id,date,amount\n1,2024-01-05,10\n1,2025-01-05,10\n")
    with pytest.raises(DataError, match=r"1 row\(s\) are dated after 2024-12-31:\n  row 2: '2025-01-05'"):
        load_own_data(tmp_path / "late", engine="duckdb", observation_end="2024-12-31")
    with pytest.raises(DataError, match="unknown engine"):
        load_own_data(tmp_path / "late", engine="polars")
    with pytest.raises(DataError, match="pandas reads one local file"):
        own_data.choose_engine(tmp_path / "*.csv", "pandas")


def test_the_report_command_reads_a_glob_of_parquet_files_on_duckdb(course_files, tmp_path):
    _, in_memory = course_files
    months = in_memory.transactions["date"].dt.year
    for year in sorted(months.unique()):
        in_memory.transactions[months == year].to_parquet(tmp_path / f"sales_{year}.parquet", coerce_timestamps="us")
    out = tmp_path / "report.html"
    status = report_main(["--transactions", str(tmp_path / "sales_*.parquet"), "--out", str(out)])
    assert status == 0
    page = out.read_text(encoding="utf-8")
    assert "streamed by DuckDB (engine=&quot;auto&quot;): the files are given by a glob or URL" in page
    assert f"{len(in_memory.transactions):,} transactions" in page


def test_the_report_command_runs_on_spark(spark, course_files, tmp_path):
    _, in_memory = course_files
    in_memory.transactions.to_parquet(tmp_path / "sales.parquet", coerce_timestamps="us")
    out = tmp_path / "report.html"
    argv = ["--transactions", str(tmp_path / "sales.parquet"), "--engine", "spark", "--out", str(out)]
    assert report_main(argv) == 0
    spark_page = out.read_text(encoding="utf-8")
    argv[argv.index("spark")] = "pandas"
    assert report_main([*argv, "--force"]) == 0
    pandas_page = out.read_text(encoding="utf-8")
    assert "read by Spark (engine=&quot;spark&quot;)" in spark_page
    assert spark_page.split("<details>")[0] == pandas_page.split("<details>")[0]


HOSTILE = {
    "an empty file": (b"", "the file is empty"),
    "a header without rows": (b"customer_id,date,amount\n", "no rows of transactions"),
    "a row with too few fields": (
        b"customer_id,date,amount\n1,2024-01-01,3\n2,2024-01-02\n3,2024-01-03,4,5,6\n",
        "CSV Error on Line: 3\nOriginal Line: 2,2024-01-02\nExpected Number of Columns: 3 Found: 2",
    ),
    "a repeated column name": (b"customer_id,date,amount,date\n1,2024-01-01,3,x\n", "repeated column names ('date')"),
    "text that is not UTF-8": ("customer_id,date,amount\n1,2024-01-01,3 café\n".encode("latin-1"), "not UTF-8"),
    "a negative amount": (b"customer_id,date,amount\n1,2024-01-01,-3\n", "1 row(s) are negative"),
    "an amount written NaN": (b"customer_id,date,amount\n1,2024-01-01,NaN\n", "row 1: 'NaN'"),
    "an infinite amount": (b"customer_id,date,amount\n1,2024-01-01,inf\n", "row 1: 'inf'"),
    "an id with a decimal point": (b"customer_id,date,amount\n1.5,2024-01-01,3\n", "must be whole numbers"),
    "an id with a leading zero": (b"customer_id,date,amount\n007,2024-01-01,3\n", "must be whole numbers"),
    "an id of 20 digits": (b"customer_id,date,amount\n99999999999999999999,2024-01-01,3\n", "must be whole numbers"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_file_on_duckdb_is_refused_with_a_message_never_loaded_wrong(case, tmp_path):
    content, said = HOSTILE[case]
    (tmp_path / "transactions.csv").write_bytes(content)
    with pytest.raises(DataError) as refused:
        load_own_data(tmp_path, engine="duckdb")
    assert said in str(refused.value) and "How to fix" in str(refused.value)


def test_damaged_or_missing_parquet_files_are_refused_with_a_message(tmp_path):
    (tmp_path / "sales.parquet").write_bytes(b"PAR1 not really")
    for name, said in (("sales.parquet", "magic bytes"), ("none_*.parquet", "No files found")):
        (tmp_path / "mapping.toml").write_text(f'[transactions]\nfile = "{name}"\n', encoding="utf-8")
        with pytest.raises(DataError, match=said) as refused:
            load_own_data(tmp_path, engine="duckdb")
        assert "could not read the transactions" in str(refused.value) and "SELECT" not in str(refused.value)


def test_returns_are_left_out_on_request_and_listed(tmp_path):
    write_sales(tmp_path / "sales", "customer_id,date,amount\n1,2024-01-05,10\n1,2024-02-05,-4\n")
    company = load_own_data(tmp_path / "sales", engine="duckdb", exclude_returns=True)
    assert len(company.transactions) == 1
    assert "excluded 1 row(s): amount are negative (returns or refunds?) (row 2;" in str(company.load_report)
