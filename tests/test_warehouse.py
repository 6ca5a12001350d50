"""The warehouse: every row loaded, nothing coerced, bad rows refused, the lesson's SQL right."""

import sqlite3

import pandas as pd
import pytest

from helpers import warehouse
from helpers.retention import cohort_table
from helpers.synthetic import generate


@pytest.fixture(scope="module")
def company(make_company):
    return make_company(n_customers=300, seed=11, months=12)


@pytest.fixture(scope="module")
def db(company):
    return warehouse.build(company)


def test_every_table_is_loaded_in_full_and_the_star_schema_matches(company, db):
    counts = warehouse.table_counts(db)
    for name, frame in company.tables().items():
        assert counts[name] == len(frame)
    assert counts["fact_sales"] == len(company.transactions)
    assert counts["dim_customer"] == len(company.customers)
    assert counts["dim_channel"] == 4
    assert warehouse.scalar(db, "PRAGMA foreign_keys") == 1
    assert warehouse.query(db, "PRAGMA foreign_key_check").empty


def test_values_round_trip_with_their_types(company, db):
    back = warehouse.query(db, "SELECT * FROM transactions ORDER BY transaction_id")
    original = company.transactions.sort_values("transaction_id").reset_index(drop=True)
    assert back["date"].tolist() == original["date"].dt.strftime("%Y-%m-%d").tolist()
    assert back["amount"].tolist() == original["amount"].tolist()
    assert back["channel"].tolist() == original["channel"].astype(str).tolist()
    ages = warehouse.query(db, "SELECT age FROM customers ORDER BY customer_id")["age"]
    assert ages.isna().sum() == company.customers["age"].isna().sum()  # businesses: NULL, not 0 or 'nan'
    assert warehouse.scalar(db, "SELECT typeof(resolved) FROM interactions LIMIT 1") == "integer"


def test_the_database_refuses_what_does_not_fit(db):
    with pytest.raises(sqlite3.IntegrityError):  # a category that does not exist
        db.execute("INSERT INTO transactions VALUES (999999, 1, '2024-01-01', 'toys', 1.0, 0.5, 'web', 'none')")
    with pytest.raises(sqlite3.IntegrityError):  # a customer who does not exist
        db.execute("INSERT INTO transactions VALUES (999999, 999999, '2024-01-01', 'basics', 1.0, 0.5, 'web', 'none')")
    with pytest.raises(sqlite3.IntegrityError):  # not a date
        db.execute("INSERT INTO transactions VALUES (999999, 1, '01/02/2024', 'basics', 1.0, 0.5, 'web', 'none')")
    with pytest.raises(sqlite3.IntegrityError):  # STRICT: text in a REAL column is not coerced
        db.execute("INSERT INTO transactions VALUES (999999, 1, '2024-01-01', 'basics', 'ten', 0.5, 'web', 'none')")
    with pytest.raises(sqlite3.IntegrityError):  # satisfaction outside 1–5
        db.execute("INSERT INTO surveys VALUES (999999, 1, '2024-01-01', 6, 5, 3, 3, 4, 4)")


def test_build_names_the_table_of_a_refused_row_and_the_column_of_an_empty_one(company):
    bad = generate(n_customers=40, seed=2, months=3)
    bad.transactions = bad.transactions.copy()
    bad.transactions["channel"] = bad.transactions["channel"].cat.add_categories("fax")
    bad.transactions.loc[0, "channel"] = "fax"
    with pytest.raises(ValueError, match="transactions"):
        warehouse.build(bad)
    empty = generate(n_customers=40, seed=2, months=3)
    empty.customers = empty.customers.copy()
    empty.customers.loc[0, "region"] = None
    with pytest.raises(ValueError, match=r"customers\.region"):
        warehouse.build(empty)


def test_a_file_is_written_only_where_asked_and_never_overwritten(company, tmp_path):
    path = tmp_path / "nova.sqlite"
    warehouse.build(company, path).close()
    assert path.is_file()
    with pytest.raises(FileExistsError):
        warehouse.build(company, path)


def test_the_pipeline_query_accounts_for_every_customer_and_all_revenue(company, db):
    pipeline = warehouse.query(db, warehouse.QUERIES["sales_pipeline"])
    assert pipeline["customers"].sum() == len(company.customers)
    assert pipeline["revenue"].sum() == pytest.approx(company.transactions["amount"].sum(), abs=0.05)
    lost = pipeline.loc[pipeline["pipeline_step"] == "4 lost", "customers"].item()
    assert lost == len(company.churn)


def test_open_requests_match_a_pandas_filter(company, db):
    today = company.observation_end
    got = warehouse.query(db, warehouse.QUERIES["open_service_requests"], today=today, days=30)
    i = company.interactions
    lost = company.churn.loc[company.churn["date"] <= today, "customer_id"]
    wanted = i[
        i["type"].astype(str).isin(["service_request", "complaint"])
        & ~i["resolved"]
        & (i["date"] > today - pd.Timedelta(days=30))
        & (i["date"] <= today)
        & ~i["customer_id"].isin(lost)
    ]
    assert sorted(got["interaction_id"]) == sorted(wanted["interaction_id"])
    assert got["days_open"].between(0, 29).all()


def test_call_list_customers_are_active_silent_and_repeat_buyers(company, db):
    today = company.observation_end
    calls = warehouse.query(db, warehouse.QUERIES["customers_to_call_today"], today=today, days=90)
    assert len(calls) <= 10
    assert not calls["customer_id"].isin(company.churn["customer_id"]).any()
    assert (calls["purchases"] >= 3).all() and (calls["days_silent"] >= 90).all()
    assert calls["margin"].is_monotonic_decreasing


def test_cohort_query_agrees_with_the_pandas_cohort_table(company, db):
    sql = warehouse.query(db, warehouse.QUERIES["cohorts"])
    grid = sql.pivot(index="cohort_quarter", columns="quarters_since_signup", values="share_buying")
    reference = cohort_table(
        company.customers, company.transactions, observation_end=company.observation_end, freq="Q", measure="purchasing"
    ).shares
    for (cohort, age), share in grid.stack().dropna().items():
        year, quarter = cohort.split("-Q")
        row = reference.loc[[i for i in reference.index if str(i) == f"{year}Q{quarter}"][0]]
        assert share == pytest.approx(row[age], abs=1e-4)


def test_query_and_scalar_pass_dates_as_iso_text_and_refuse_tables_for_scalars(db):
    assert warehouse.scalar(db, "SELECT :d", d=pd.Timestamp("2024-03-05")) == "2024-03-05"
    with pytest.raises(ValueError, match="not a single value"):
        warehouse.scalar(db, "SELECT 1, 2")


def test_sales_with_only_customer_date_and_amount_load_with_unknown_margin_and_channel():
    """No cost, channel or category at all: margin NULL (not 0), category NULL, every sale on the 'unknown' channel."""
    poor = generate(n_customers=40, seed=3, months=3)
    sales = poor.transactions.copy()
    sales["cost"] = float("nan")
    for column in ("channel", "category"):
        sales[column] = sales[column].where(pd.Series(False, index=sales.index))
    poor.transactions = sales
    db = warehouse.build(poor)
    assert warehouse.scalar(db, "SELECT COUNT(*) FROM fact_sales") == len(sales)
    unknown = "SELECT COUNT(*) FROM fact_sales WHERE margin IS NULL AND category IS NULL"
    assert warehouse.scalar(db, unknown) == len(sales)
    assert warehouse.scalar(db, "SELECT SUM(margin) FROM fact_sales") is None  # unknown, not a false zero
    by_channel = warehouse.query(
        db,
        "SELECT ch.channel, ch.assisted, COUNT(*) AS n FROM fact_sales "
        "JOIN dim_channel AS ch USING (channel_key) GROUP BY ch.channel",
    )
    assert by_channel.to_dict("records") == [{"channel": warehouse.UNKNOWN_CHANNEL, "assisted": None, "n": len(sales)}]
    sales_by = warehouse.query(db, warehouse.QUERIES["sales_by_segment_and_channel"])
    assert sales_by["purchases"].sum() == len(sales) and sales_by["margin"].isna().all()
    assert sales_by["revenue"].sum() == pytest.approx(sales["amount"].sum(), abs=0.05)
    assert warehouse.query(db, "PRAGMA foreign_key_check").empty
    with pytest.raises(sqlite3.IntegrityError):  # the loosened schema still refuses a channel that does not exist
        db.execute("INSERT INTO dim_channel VALUES (9, 'fax', 0)")


def test_a_partly_missing_cost_is_still_refused():
    company = generate(n_customers=40, seed=3, months=3)
    company.transactions = company.transactions.copy()
    company.transactions.loc[company.transactions.index[0], "cost"] = float("nan")
    with pytest.raises(ValueError, match=r"transactions\.cost: 1 row"):
        warehouse.build(company)
