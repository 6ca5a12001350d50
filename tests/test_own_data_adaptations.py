"""Lessons 00–05 on an analyst's own data: the helpers cope with what real files lack.

Real data often has no acquisition cost, no record of bonds, a survey that asks only
satisfaction and recommendation, no account managers and its own product categories.
The helpers must then give the honest answer (unknown, left out, the data's own labels)
and still refuse what is really wrong (a partly empty column, an unknown channel), and
they must give exactly the course's results when everything is there.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import sqlite3

import matplotlib
import numpy as np
import pandas as pd
import pytest

from helpers import bucket, crm, loyalty, plots, relationships, retention, warehouse
from helpers.data import derive_churn, load_own_data
from helpers.widgets.crm import customer_view_scenario

EXAMPLE = "datasets/examples/messy_shop"


@pytest.fixture(scope="module")
def company(make_company):
    return make_company(300, seed=21, months=18)


@pytest.fixture(scope="module")
def messy():
    with contextlib.redirect_stdout(io.StringIO()):
        return load_own_data(EXAMPLE)


def without(company, table: str, *columns: str):
    """A copy of ``company`` whose ``table`` has every value of ``columns`` missing (as the loader leaves them)."""
    frame = getattr(company, table).copy()
    for column in columns:
        frame[column] = pd.Series(
            np.nan, index=frame.index, dtype=object if frame[column].dtype == "category" else "float64"
        )
    return dataclasses.replace(company, **{table: frame}, truth=None)


# ---------------------------------------------------------------------------------------
# Lesson 01: a survey that asks neither trust nor commitment
# ---------------------------------------------------------------------------------------


def test_questions_the_survey_does_not_ask_count_as_no_answer():
    customers = pd.DataFrame({"customer_id": [1, 2], "signup_date": pd.to_datetime(["2023-01-01", "2023-01-01"])})
    # customer 1 buys 2 a month for a year (24 purchases), customer 2 once a month (12)
    days = pd.date_range("2023-07-05", periods=24, freq="15D")
    sales = pd.DataFrame(
        {
            "customer_id": [1] * 24 + [2] * 12,
            "date": list(days) + list(pd.date_range("2023-07-10", periods=12, freq="30D")),
        }
    )
    answers = pd.DataFrame(
        {
            "customer_id": [1, 2],
            "date": pd.to_datetime(["2024-03-01", "2024-03-01"]),
            "satisfaction": [4, 4],
            "trust": [np.nan, np.nan],
            "commitment": [np.nan, np.nan],
        }
    )
    no_bonds = pd.DataFrame({"customer_id": [], "level": [], "start_date": pd.to_datetime([])})
    nobody_lost = pd.DataFrame({"customer_id": [], "date": pd.to_datetime([])})
    features = relationships.observable_features(customers, sales, answers, no_bonds, nobody_lost, "2024-06-30")
    assert features["trust"].isna().all() and features["satisfaction"].tolist() == [4.0, 4.0]
    # 24 purchases in 12 months = 2 a month ≥ 1.2 (friend) but < 2.5 (partner); 12 = 1 a month ≥ 0.6 (acquaintance)
    assert relationships.assign_stage(features).tolist() == ["friend", "acquaintance"]


def test_an_answer_outside_the_scale_is_still_refused_next_to_empty_ones(company):
    surveys = company.surveys.copy()
    surveys["trust"] = surveys["trust"].astype(float)
    surveys.loc[surveys.index[1:], "trust"] = np.nan
    surveys.loc[surveys.index[0], "trust"] = 9
    with pytest.raises(ValueError, match=r"surveys\.trust: 1 row"):
        relationships.observable_features(
            company.customers, company.transactions, surveys, company.bonds, company.churn, company.observation_end
        )


# ---------------------------------------------------------------------------------------
# Lesson 03: a bucket without acquisition costs
# ---------------------------------------------------------------------------------------


def test_the_bucket_without_acquisition_costs_has_the_same_flows_and_an_unknown_spend(company):
    args = (company.transactions, company.churn, company.observation_end)
    known = bucket.bucket_flows(company.customers, *args)
    unknown = bucket.bucket_flows(without(company, "customers", "acquisition_cost").customers, *args)
    counts = ["customers_start", "new_customers", "lost_customers", "customers_end", "retention_rate", "margin"]
    pd.testing.assert_frame_equal(unknown[counts], known[counts])
    assert unknown["acquisition_spend"].isna().all() and unknown["cost_per_acquisition"].isna().all()
    with_cost, without_cost = bucket.calibrate_bucket(known, 12), bucket.calibrate_bucket(unknown, 12)
    assert without_cost.churn_rate == with_cost.churn_rate and without_cost.steady_state == with_cost.steady_state
    assert np.isnan(without_cost.acquisition_spend) and np.isnan(without_cost.cost_per_kept_acquisition)


def test_a_partly_missing_acquisition_cost_is_still_refused(company):
    customers = company.customers.copy()
    customers.loc[customers.index[3], "acquisition_cost"] = np.nan
    with pytest.raises(ValueError, match=r"customers\.acquisition_cost: 1 row"):
        bucket.bucket_flows(customers, company.transactions, company.churn, company.observation_end)


# ---------------------------------------------------------------------------------------
# Lesson 04: the warehouse, offers and the single customer view
# ---------------------------------------------------------------------------------------


def test_the_course_company_gets_the_course_schema_unchanged(company):
    for table in warehouse.DDL:
        assert warehouse.table_ddl(table, getattr(company, table)) == warehouse.DDL[table]


def test_the_messy_shop_loads_into_the_warehouse_with_its_own_labels(messy):
    db = warehouse.build(messy)
    counts = warehouse.table_counts(db)
    assert counts["transactions"] == counts["fact_sales"] == len(messy.transactions)
    assert counts["bonds"] == counts["employees"] == 0
    families = warehouse.query(db, "SELECT category, COUNT(*) AS n FROM fact_sales GROUP BY category")
    assert set(families["category"]) == set(messy.transactions["category"].astype(str))  # Básicos, Premium, ...
    assert warehouse.scalar(db, "SELECT COUNT(*) FROM customers WHERE acquisition_cost IS NOT NULL") == 0
    with pytest.raises(sqlite3.IntegrityError):  # channels keep the course's list: 'fax' is refused
        db.execute("INSERT INTO transactions VALUES (999999, 1, '2024-01-01', 'Jardín', 1.0, 0.5, 'fax', NULL)")
    with pytest.raises(sqlite3.IntegrityError):  # the cost is recorded, so it may not be left out
        db.execute("INSERT INTO transactions VALUES (999999, 1, '2024-01-01', 'Jardín', 1.0, NULL, 'web', NULL)")


def test_the_call_list_works_without_account_managers(messy):
    db = warehouse.build(messy)
    calls = warehouse.query(db, warehouse.QUERIES["customers_to_call_today"], today=messy.observation_end, days=90)
    assert len(calls) == 10 and calls["account_manager"].isna().all()
    assert (calls["days_silent"] >= 90).all() and calls["margin"].is_monotonic_decreasing


def test_offers_keep_the_data_s_own_product_categories(company):
    # renamed labels that sort in the course's order, so ties break the same way: the results must not change
    own = {label: f"{i} {label.title()}" for i, label in enumerate(company.transactions["category"].cat.categories)}
    renamed = company.transactions.assign(category=company.transactions["category"].astype(str).map(own))
    cutoff = company.observation_end - pd.DateOffset(months=6)
    segment = company.customers.set_index("customer_id")["segment"]
    pd.testing.assert_frame_equal(
        crm.offer_hit_rates(renamed, cutoff, segment=segment),
        crm.offer_hit_rates(company.transactions, cutoff, segment=segment),
    )
    offers = crm.next_best_offer(renamed)
    assert offers.tolist() == crm.next_best_offer(company.transactions).map(own).tolist()


def test_a_purchase_without_category_is_named(company):
    sales = company.transactions.assign(category=company.transactions["category"].astype(object))
    sales.loc[sales.index[2], "category"] = None
    with pytest.raises(ValueError, match=r"transactions\.category: 1 row\(s\) have no product category"):
        crm.next_best_offer(sales)


def test_the_single_customer_view_shows_only_what_the_data_records(company):
    bare = without(
        company, "customers", "acquisition_channel", "segment", "region", "age", "company_size", "employee_id"
    )
    customer = int(bare.churn["customer_id"].iloc[0])
    bare = dataclasses.replace(
        bare, churn=bare.churn.assign(reason=pd.Series(np.nan, index=bare.churn.index, dtype=object))
    )
    view = customer_view_scenario(bare, customer)
    assert view.data["identity"]["employee_id"] is None and view.data["identity"]["acquisition_channel"] is None
    assert view.data["typology"] == {} and view.data["stage"] == {
        **view.data["stage"],
        "status": "lost",
        "lost_reason": None,
    }
    texts = [t.get_text() for t in view.figure.axes[0].texts]
    assert "not recorded" in texts and not any("nan" in t.lower().split() for t in texts)


# ---------------------------------------------------------------------------------------
# Lesson 05: a loyalty index over the components the data measures
# ---------------------------------------------------------------------------------------


def test_components_not_measured_are_left_out_of_the_index():
    table = pd.DataFrame(
        {"repurchase": [1.0, 0.5], "tenure": [0.5, 0.25], "bonds": [np.nan, np.nan], "intention": [np.nan, np.nan]}
    )
    index = loyalty.loyalty_index(table)
    # (1 + 0.5) / 2 = 0.75 and (0.5 + 0.25) / 2 = 0.375
    assert index.tolist() == [0.75, 0.375] and index.attrs["components"] == ["repurchase", "tenure"]
    # a component missing for some customers only still makes their index unknown
    partly = table.assign(intention=[0.5, np.nan])
    assert loyalty.loyalty_index(partly).iloc[1] != loyalty.loyalty_index(partly).iloc[1]  # NaN
    # explicit weights are taken as given
    assert loyalty.loyalty_index(table, weights={"repurchase": 1, "bonds": 1}).isna().all()


def test_no_record_of_bonds_is_not_the_same_as_no_bonds(company):
    args = (company.customers, company.transactions, company.surveys)
    rest = (company.churn, company.observation_end)
    unknown = loyalty.loyalty_components(*args, None, *rest)
    none_held = loyalty.loyalty_components(*args, company.bonds.iloc[0:0], *rest)
    assert unknown["bonds"].isna().all() and (none_held["bonds"] == 0).all()
    assert loyalty.loyalty_index(unknown).attrs["components"] == ["repurchase", "tenure", "intention"]
    assert loyalty.loyalty_index(none_held).attrs["components"] == list(loyalty.LOYALTY_COMPONENTS)


def test_the_loyalty_matrix_of_the_messy_shop_uses_repurchase_and_tenure(messy):
    table = loyalty.loyalty_components(
        messy.customers, messy.transactions, messy.surveys, None, messy.churn, messy.observation_end
    )
    index = loyalty.loyalty_index(table)
    assert index.attrs["components"] == ["repurchase", "tenure"]
    answered = table["satisfaction"].notna()
    assert index[answered].notna().all()
    types = loyalty.loyalty_segment(table)
    assert types[answered].notna().all() and types[~answered].isna().all()


# ---------------------------------------------------------------------------------------
# Charts: labels outside a palette
# ---------------------------------------------------------------------------------------


def test_own_labels_get_spare_colours_and_course_labels_keep_theirs():
    colours = plots.colours_for("acquisition_channel", ["referral", "Radio", "Partner shop", "Radio"])
    assert colours[0] == plots.PALETTES["acquisition_channel"]["referral"]
    assert colours[1] == colours[3] and colours[1] != colours[2]
    assert not set(colours[1:3]) & set(plots.PALETTES["acquisition_channel"].values())


def test_a_bar_chart_of_own_labels_draws():
    fig = plots.bar_chart(pd.Series({"referral": 3, "Radio": 5}), family="acquisition_channel")
    bars = fig.axes[0].patches
    assert (
        matplotlib.colors.to_hex(bars[0].get_facecolor()).upper() == plots.PALETTES["acquisition_channel"]["referral"]
    )
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["Referral", "Radio"]


# ---------------------------------------------------------------------------------------
# Lesson 09: a churn rule against a record of who left
# ---------------------------------------------------------------------------------------


def test_churn_agreement_counts_each_customer_once_by_hand():
    # customers 1–5; the rule calls 1, 2 and 5 lost, the record 1, 3 and 5 (5 only after the end)
    rule = pd.DataFrame({"customer_id": [1, 2, 5], "date": pd.to_datetime(["2024-03-01", "2024-06-01", "2024-07-01"])})
    record = pd.DataFrame(
        {"customer_id": [1, 3, 5], "date": pd.to_datetime(["2024-01-01", "2024-05-01", "2025-02-01"])}
    )
    table = retention.churn_agreement(rule, record, [1, 2, 3, 4, 5], "2024-12-31", names=("inactivity", "truth"))
    # lost in both: 1; rule only: 2 and 5 (5 leaves after the end); record only: 3; neither: 4
    assert table.loc["lost", "lost"] == 1 and table.loc["lost", "active"] == 2
    assert table.loc["active", "lost"] == 1 and table.loc["active", "active"] == 1
    assert (table.index.name, table.columns.name) == ("inactivity", "truth") and table.to_numpy().sum() == 5
    # delays: customer 1, 2024-03-01 − 2024-01-01 = 60 days; customer 5, 2024-07-01 − 2025-02-01 = −215 days
    assert retention.churn_delay(rule, record).to_dict() == {1: 60, 5: -215}


def test_churn_agreement_refuses_a_customer_lost_twice_or_unknown():
    twice = pd.DataFrame({"customer_id": [1, 1], "date": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    once = pd.DataFrame({"customer_id": [1], "date": pd.to_datetime(["2024-01-01"])})
    with pytest.raises(ValueError, match=r"rule\.customer_id: 2 row"):
        retention.churn_agreement(twice, once, [1, 2], "2024-12-31")
    with pytest.raises(ValueError, match=r"record\.customer_id: 1 row.*not in the list of customers"):
        retention.churn_agreement(once, once.assign(customer_id=[9]), [1, 2], "2024-12-31")


def test_inactivity_agrees_with_the_simulation_mostly_and_late(company):
    derived = derive_churn(company.customers, company.transactions, company.observation_end, inactive_days=180)
    table = retention.churn_agreement(derived, company.churn, company.customers["customer_id"], company.observation_end)
    assert table.to_numpy().sum() == len(company.customers)
    assert table.loc["lost", "lost"] > table.loc["lost", "active"]  # most customers it calls lost did leave
    assert retention.churn_delay(derived, company.churn).median() > 0  # and it sees them late


def test_a_cohort_heatmap_by_quarter_says_quarter(company):
    from helpers.plots import retention as retention_plots

    cohorts = retention.cohort_table(
        company.customers, churn=company.churn, observation_end=company.observation_end, freq="Q"
    )
    ax = retention_plots.cohort_heatmap(cohorts.shares, sizes=cohorts.sizes).axes[0]
    assert (ax.get_ylabel(), ax.get_xlabel()) == ("signup quarter (customers)", "quarters since signup")
    monthly = retention.cohort_table(company.customers, churn=company.churn, observation_end=company.observation_end)
    assert retention_plots.cohort_heatmap(monthly.shares).axes[0].get_ylabel() == "signup month"
