"""Tests of the synthetic company: structure, determinism, and the emergent facts lessons rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import schema
from helpers.company import Company
from helpers.data import load_company
from helpers.synthetic import DEFAULT_SEED, generate

REPO = Path(__file__).resolve().parents[1]
STAGE_CODE = {s: i for i, s in enumerate(schema.STAGES)}


@pytest.fixture(scope="module")
def company() -> Company:
    """A moderate company: big enough for the emergent facts to be stable, still fast."""
    return generate(n_customers=20_000, seed=11)


@pytest.fixture(scope="module")
def small() -> Company:
    return generate(n_customers=400, seed=5, start="2023-03-01", months=12)


def month_index(dates: pd.Series, start: pd.Timestamp) -> np.ndarray:
    return ((dates.dt.year - start.year) * 12 + dates.dt.month - start.month).to_numpy()


def churn_dates(company: Company) -> pd.Series:
    """Churn date per customer (NaT if still active), indexed by customer_id."""
    lost = company.churn.set_index("customer_id")["date"]
    return lost.reindex(company.customers["customer_id"].to_numpy())


# ----------------------------------------------------------------------------- structure


def test_tables_have_exactly_the_schema_columns_and_dtypes(company):
    for name, columns in schema.TABLES.items():
        df = getattr(company, name)
        assert list(df.columns) == [c.name for c in columns], name
        for col in columns:
            series = df[col.name]
            assert str(series.dtype) == col.dtype, (name, col.name, series.dtype)
            if col.dtype == "category":
                assert list(series.cat.categories) == list(schema.CATEGORIES[col.name])
                assert series.cat.ordered == (col.name == "stage")
            if not col.nullable:
                assert series.notna().all(), (name, col.name)
    for name, columns in schema.TRUTH_TABLES.items():
        df = getattr(company.truth, name)
        assert list(df.columns) == [c.name for c in columns]
        assert [str(t) for t in df.dtypes] == [c.dtype for c in columns]
    assert company.truth.stage_history["stage"].cat.ordered


def test_ids_unique_start_at_one_and_tables_sorted(company):
    for name, id_col, date_col in [
        ("customers", "customer_id", "signup_date"),
        ("transactions", "transaction_id", "date"),
        ("interactions", "interaction_id", "date"),
        ("surveys", "survey_id", "date"),
        ("bonds", "bond_id", "start_date"),
        ("employees", "employee_id", None),
    ]:
        df = getattr(company, name)
        assert (df[id_col].to_numpy() == np.arange(1, len(df) + 1)).all(), name
        if date_col:
            assert df[date_col].is_monotonic_increasing, name
    assert company.churn["customer_id"].is_unique
    assert company.churn["date"].is_monotonic_increasing
    history = company.truth.stage_history
    assert not history.duplicated(["customer_id", "date"]).any()


def test_referential_integrity_and_activity_windows(company):
    customers = company.customers.set_index("customer_id")
    start = company.customers["signup_date"].min().to_period("M").start_time
    end = company.observation_end
    assert company.customers["employee_id"].isin(company.employees["employee_id"]).all()
    assert company.interactions["employee_id"].isin(company.employees["employee_id"]).all()
    lost = churn_dates(company)
    for name, date_col in [
        ("transactions", "date"),
        ("interactions", "date"),
        ("surveys", "date"),
        ("bonds", "start_date"),
        ("churn", "date"),
    ]:
        df = getattr(company, name)
        assert df["customer_id"].isin(customers.index).all(), name
        dates = df[date_col]
        assert (dates >= start).all() and (dates <= end).all(), name
        signup = customers["signup_date"].reindex(df["customer_id"]).to_numpy()
        assert (dates.to_numpy() >= signup).all(), f"{name}: activity before signup"
        left = lost.reindex(df["customer_id"]).to_numpy()
        after = ~pd.isna(left) & (dates.to_numpy() > left)
        assert not after.any(), f"{name}: activity after churn"
    history = company.truth.stage_history
    assert history["customer_id"].isin(customers.index).all()
    assert company.truth.customer_traits["customer_id"].tolist() == company.customers["customer_id"].tolist()
    # one bond enrolment per customer and level
    assert not company.bonds.duplicated(["customer_id", "level"]).any()


def test_column_values_are_plausible(company):
    c = company.customers
    assert c.loc[c.segment == "B2C", "age"].between(18, 80).all()
    assert c.loc[c.segment == "B2B", "age"].isna().all()
    assert c.loc[c.segment == "B2B", "company_size"].notna().all()
    assert c.loc[c.segment == "B2C", "company_size"].isna().all()
    assert 0.15 < (c.segment == "B2B").mean() < 0.25
    cost = c.groupby("acquisition_channel", observed=True).acquisition_cost.mean()
    assert cost["referral"] < cost["social_media"] < cost["search_ads"] < cost["trade_fair"] < cost["sales_team"]
    s = company.surveys
    for col, (lo, hi) in {
        "satisfaction": (1, 5),
        "recommend": (0, 10),
        "trust": (1, 5),
        "commitment": (1, 5),
        "expectation": (1, 7),
        "perception": (1, 7),
    }.items():
        assert s[col].between(lo, hi).all(), col
    assert company.interactions["rating"].between(1, 5).all()
    assert company.employees["satisfaction"].between(1, 5).all()
    assert (company.employees["tenure_months"] >= 1).all()
    t = company.transactions
    assert (t.amount > 0).all() and (t.cost > 0).all()
    assert 0.10 <= (t.promotion != "none").mean() <= 0.20
    margin_rate = (t.amount - t.cost).groupby(t.category, observed=True).sum() / t.amount.groupby(
        t.category, observed=True
    ).sum()
    assert margin_rate.between(0.15, 0.5).all(), margin_rate
    traits = company.truth.customer_traits
    assert traits.service_quality.between(0, 1).all()


def test_stage_history_and_stage_at(company):
    history = company.truth.stage_history
    customers = company.customers
    first = history.drop_duplicates("customer_id")
    assert (first["stage"] == "stranger").all()
    signup_month_start = customers["signup_date"].dt.to_period("M").dt.start_time
    assert (first["date"].to_numpy() == signup_month_start.to_numpy()).all()
    assert (history["date"].dt.day == 1).all()
    codes = history["stage"].cat.codes.to_numpy()
    same = history["customer_id"].to_numpy()[1:] == history["customer_id"].to_numpy()[:-1]
    steps = np.diff(codes)[same]
    assert set(np.unique(steps)) <= {-1, 1}, "stages move one step at a time"
    for date in ["2022-01-10", "2023-02-01", "2023-07-15", str(company.observation_end.date())]:
        when = pd.Timestamp(date)
        got = company.truth.stage_at(date)
        assert str(got.dtype) == "category" and got.cat.ordered
        assert got.index.name == "customer_id"
        expected_ids = customers.loc[customers.signup_date <= when, "customer_id"]
        assert got.index.tolist() == expected_ids.tolist()
        expected = history[history.date <= when].groupby("customer_id")["stage"].last()
        assert (got == expected.reindex(got.index)).all()


def test_active_at_and_summary(company):
    active = company.active_at(company.observation_end)
    assert active.sum() == len(company.customers) - len(company.churn)
    summary = company.summary()
    assert summary["customers"] == len(company.customers)
    assert summary["active_at_end"] == active.sum()


def test_params_are_json_serialisable_and_complete(company):
    params = company.truth.params
    json.dumps(params)
    assert params["arguments"] == {"n_customers": 20_000, "seed": 11, "start": "2022-01-01", "months": 36}
    assert params["scenario"] == "textbook"
    assert params["interaction_cost"] == {"web": 1.0, "phone": 8.0, "email": 3.0, "face_to_face": 25.0}
    assert set(params["bond_churn_factor"]) == set(schema.BOND_LEVELS)
    assert params["observation_end"] == "2024-12-31"


# ----------------------------------------------------------------------------- determinism and arguments


def test_same_seed_same_company_and_different_seed_differs(small):
    again = generate(n_customers=400, seed=5, start="2023-03-01", months=12)
    for name in schema.TABLES:
        pd.testing.assert_frame_equal(getattr(small, name), getattr(again, name), check_exact=True)
    pd.testing.assert_frame_equal(small.truth.stage_history, again.truth.stage_history)
    pd.testing.assert_frame_equal(small.truth.customer_traits, again.truth.customer_traits)
    pd.testing.assert_frame_equal(small.truth.customer_tastes, again.truth.customer_tastes)
    assert small.truth.params == again.truth.params
    other = generate(n_customers=400, seed=6, start="2023-03-01", months=12)
    assert not other.transactions.equals(small.transactions)
    assert not other.customers.equals(small.customers)


def test_start_and_months_shape_the_period(small):
    assert small.observation_end == pd.Timestamp("2024-02-29")
    assert small.customers.signup_date.min() >= pd.Timestamp("2023-03-01")
    assert small.transactions.date.max() <= pd.Timestamp("2024-02-29")
    tiny = generate(n_customers=1, seed=0, months=1)
    assert len(tiny.customers) == 1 and len(tiny.employees) == 5
    mid = generate(n_customers=10, seed=0, start="2022-05-17", months=2)
    assert mid.customers.signup_date.min() >= pd.Timestamp("2022-05-01")


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"n_customers": 0}, ValueError),
        ({"n_customers": -5}, ValueError),
        ({"n_customers": 2.5}, TypeError),
        ({"months": 0}, ValueError),
        ({"start": "not a date"}, ValueError),
        ({"start": "2022-13-01"}, ValueError),
        ({"seed": -1}, ValueError),
        ({"scenario": "textbok"}, ValueError),
        ({"params": {"no_such_parameter": 1}}, ValueError),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, error):
    args = {"n_customers": 10, "seed": 1} | kwargs
    with pytest.raises(error, match="n_customers|months|start|seed|scenario|parameter"):
        generate(**args)


def test_default_seed_is_used():
    assert DEFAULT_SEED == 2024
    pd.testing.assert_frame_equal(generate(50).customers, generate(50, seed=2024).customers)


def test_progress_bar_only_when_asked(capsys):
    generate(n_customers=50, seed=1, months=3, progress=False)
    assert capsys.readouterr().err == ""
    generate(n_customers=50, seed=1, months=3)  # below the threshold: no bar
    assert capsys.readouterr().err == ""
    generate(n_customers=50, seed=1, months=3, progress=True)
    assert "month" in capsys.readouterr().err


# ----------------------------------------------------------------------------- emergent facts


def customer_months(company: Company) -> pd.DataFrame:
    """One row per customer and month at risk: deepest bond held at the month's start, churned that month."""
    start = company.customers.signup_date.min().to_period("M").start_time
    n_months = company.truth.params["arguments"]["months"]
    first = month_index(company.customers.signup_date, start)
    lost = churn_dates(company)
    last = np.where(lost.isna(), n_months - 1, month_index(lost.fillna(start), start))
    counts = last - first + 1
    cust = np.repeat(np.arange(len(first)), counts)
    month = np.repeat(first, counts) + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
    churned = (month == np.repeat(last, counts)) & np.repeat(lost.notna().to_numpy(), counts)
    bond_start = np.full((len(first), len(schema.BOND_LEVELS)), 10**6)
    b = company.bonds
    bond_start[b.customer_id.to_numpy() - 1, b.level.cat.codes.to_numpy()] = month_index(b.start_date, start)
    held = bond_start[cust] < month[:, None]
    deepest = np.where(held.any(axis=1), held.shape[1] - 1 - np.argmax(held[:, ::-1], axis=1), -1)
    return pd.DataFrame({"customer": cust, "month": month, "deepest": deepest, "churned": churned})


def test_bonds_lower_churn_and_deeper_bonds_lower_it_more(company):
    months = customer_months(company)
    hazard = months.groupby("deepest").churned.mean()
    # -1 no bond, 0 financial, 1 social, 2 customization, 3 structural (levels are cumulative)
    assert list(hazard.index) == [-1, 0, 1, 2, 3]
    deepest_two = months[months.deepest >= 2].churned.mean()  # structural is rare: pool it
    assert hazard[-1] > hazard[0] > hazard[1] > deepest_two, hazard
    assert hazard[2] < hazard[1] and hazard[3] < hazard[1], hazard
    assert hazard[0] < 0.7 * hazard[-1]


def survey_outcomes(company: Company, days: int = 180) -> pd.DataFrame:
    """For each survey answer with enough follow-up: left within ``days``, purchases within ``days``."""
    s = company.surveys[company.surveys.date <= company.observation_end - pd.Timedelta(days=days)]
    left = churn_dates(company).reindex(s.customer_id).to_numpy()
    horizon = (s.date + pd.Timedelta(days=days)).to_numpy()
    stayed = pd.isna(left) | (left > horizon)
    t = company.transactions
    pairs = s[["survey_id", "customer_id", "date"]].merge(
        t[["customer_id", "date"]], on="customer_id", suffixes=("", "_t")
    )
    pairs = pairs[(pairs.date_t > pairs.date) & (pairs.date_t <= pairs.date + pd.Timedelta(days=days))]
    bought = pairs.groupby("survey_id").size().reindex(s.survey_id, fill_value=0).to_numpy()
    return pd.DataFrame({"satisfaction": s.satisfaction.to_numpy(), "retained": stayed, "purchases": bought})


def test_completely_satisfied_customers_are_far_more_loyal(company):
    by_level = survey_outcomes(company).groupby("satisfaction").mean()
    ret, buy = by_level["retained"], by_level["purchases"]
    assert ret[5] > ret[4] > ret[3]
    assert ret[5] - ret[4] > 1.5 * (ret[4] - ret[3]), ret
    assert buy[5] > buy[4] > buy[3]
    assert buy[5] - buy[4] > 1.5 * (buy[4] - buy[3]), buy


def test_satisfied_employees_serve_more_satisfied_customers(company):
    answers = company.surveys.merge(company.customers[["customer_id", "employee_id"]], on="customer_id")
    per_employee = answers.groupby("employee_id").satisfaction.mean()
    emp = company.employees.set_index("employee_id").satisfaction.reindex(per_employee.index)
    rho, p = stats.spearmanr(emp, per_employee)
    assert rho > 0.3 and p < 0.001
    individual = np.corrcoef(
        company.employees.set_index("employee_id").satisfaction.reindex(answers.employee_id), answers.satisfaction
    )[0, 1]
    assert 0.05 < individual < 0.4, "a real but noisy effect"
    tenure_rho = stats.spearmanr(company.employees.satisfaction, company.employees.tenure_months)[0]
    assert tenure_rho > 0.2


def test_value_is_concentrated_and_acquisition_is_paid_back_in_the_second_year(company):
    t, c, i = company.transactions, company.customers, company.interactions
    margin = (t.amount - t.cost).groupby(t.customer_id).sum().reindex(c.customer_id, fill_value=0.0)
    top = np.sort(margin.to_numpy())[::-1]
    share = top[: len(top) // 5].sum() / top.sum()
    assert 0.6 < share < 0.95
    unit = company.truth.params["interaction_cost"]
    serve = i.channel.astype(str).map(unit).groupby(i.customer_id).sum().reindex(c.customer_id, fill_value=0.0)
    profit = margin.to_numpy() - c.acquisition_cost.to_numpy() - serve.to_numpy()
    # Reichheld & Sasser (1990): a customer costs money at first and pays back after a year or more,
    # so most customers of a young base are still in the red, most of the long-standing ones are not
    assert 0.5 < (profit < 0).mean() < 0.9
    long_standing = (c.signup_date < "2023-01-01").to_numpy() & company.active_at(company.observation_end).to_numpy()
    assert 0.05 < (profit[long_standing] < 0).mean() < 0.45


def test_true_tastes_are_recorded_and_sum_to_one(company, small):
    for c in (company, small):
        tastes = c.truth.customer_tastes
        assert list(tastes.columns) == ["customer_id", *schema.CATEGORIES_OF_PRODUCT]
        assert tastes.customer_id.tolist() == c.customers.customer_id.tolist()
        values = tastes.drop(columns="customer_id").to_numpy()
        assert (values >= 0).all() and np.allclose(values.sum(axis=1), 1.0, atol=1e-3)


def test_acquisition_channels_differ_in_churn(company):
    c = company.customers
    lost = c.customer_id.isin(company.churn.customer_id)
    rate = lost.groupby(c.acquisition_channel, observed=True).mean()
    assert rate["referral"] < rate["search_ads"] < rate["social_media"]
    table = pd.crosstab(c.acquisition_channel, lost)
    assert stats.chi2_contingency(table)[1] < 1e-6


def test_churn_reasons_are_unequal(company):
    shares = company.churn.reason.value_counts(normalize=True)
    assert 0.45 <= shares.iloc[:2].sum() <= 0.65, shares
    assert set(shares.index[:2]) == {"price", "competitor_offer"}
    assert shares.iloc[0] > 2 * shares.iloc[-1]
    # dissatisfied customers name service, unbonded satisfied ones name price
    unresolved = company.interactions.query("type == 'complaint' and not resolved")
    churn = company.churn.merge(unresolved[["customer_id", "date"]], on="customer_id", suffixes=("", "_c"))
    recent = churn[(churn.date_c <= churn.date) & (churn.date_c > churn.date - pd.Timedelta(days=62))].drop_duplicates(
        "customer_id"
    )
    service = recent.reason.isin(["poor_service", "unresolved_complaint"]).mean()
    assert service > 0.5


def test_retention_levels(company):
    end = company.observation_end
    assert 0.45 < company.active_at(end).mean() < 0.70
    for d in ["2023-01-01", "2024-01-01"]:
        before = company.active_at(d)
        after = company.active_at(pd.Timestamp(d) + pd.DateOffset(years=1) - pd.Timedelta(days=1))
        assert 0.62 < after[before].mean() < 0.82


def test_stage_mix_shifts_to_later_stages_with_tenure(company):
    end = company.observation_end
    active = company.active_at(end)
    stage = company.truth.stage_at(end)[active[active].index]
    tenure_years = ((end - company.customers.set_index("customer_id").signup_date) / pd.Timedelta(days=365.25)).reindex(
        stage.index
    )
    band = pd.cut(tenure_years, [0, 1, 2, 3.1], labels=["<1y", "1-2y", "2-3y"])
    mean_stage = stage.cat.codes.groupby(band, observed=True).mean()
    assert mean_stage.is_monotonic_increasing and mean_stage.is_unique, mean_stage
    segment = company.customers.set_index("customer_id").segment.reindex(stage.index)
    partners = (stage == "partner").groupby(segment, observed=True).mean()
    assert partners["B2C"] < 0.06 and partners["B2B"] > partners["B2C"]


def test_survey_answers_behave(company):
    s = company.surveys
    dist = s.satisfaction.value_counts(normalize=True)
    assert dist.reindex([3, 4, 5]).sum() > 0.85 and dist.reindex([1, 2]).sum() > 0.02
    rec = s.groupby("satisfaction").recommend.mean()
    assert rec.is_monotonic_increasing
    promoters = (s.recommend >= 9).groupby(s.satisfaction).mean()
    assert promoters[5] > 0.4 > promoters[4]
    gap = (s.perception - s.expectation).groupby(s.satisfaction).mean()
    assert gap.is_monotonic_increasing and gap[5] > 0 > gap[2]
    stage = company.truth.stage_history
    # trust and commitment grow with the latent stage at the time of the answer
    merged = pd.merge_asof(s.sort_values("date"), stage.sort_values("date"), on="date", by="customer_id")
    commit = merged.groupby("stage", observed=True).commitment.mean()
    assert commit.is_monotonic_increasing and commit["partner"] > 4
    assert merged.groupby("stage", observed=True).trust.mean().is_monotonic_increasing


def test_unresolved_complaints_hurt_more_than_resolved(company):
    i = company.interactions
    complaints = i[i.type == "complaint"]
    rating = complaints.groupby("resolved").rating.mean()
    assert rating[True] > rating[False]
    lost = churn_dates(company).reindex(complaints.customer_id).to_numpy()
    left_soon = ~pd.isna(lost) & (lost <= (complaints.date + pd.Timedelta(days=60)).to_numpy())
    churn_after = pd.Series(left_soon).groupby(complaints.resolved.to_numpy()).mean()
    assert churn_after[False] > 1.5 * churn_after[True]
    sq = company.truth.customer_traits.set_index("customer_id").service_quality.reindex(complaints.customer_id)
    assert np.corrcoef(sq, complaints.resolved)[0, 1] > 0.1


# ----------------------------------------------------------------------------- command line


def run_cli(*args, cwd=REPO):
    return subprocess.run(
        [sys.executable, "-m", "helpers", "generate", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_cli_round_trip(tmp_path, small):
    out = tmp_path / "company"
    result = run_cli("--customers", "400", "--seed", "5", "--start", "2023-03-01", "--months", "12", "--out", str(out))
    assert result.returncode == 0, result.stderr
    loaded = load_company(out)
    for name in schema.TABLES:
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(small, name), check_exact=True)
    pd.testing.assert_frame_equal(loaded.truth.stage_history, small.truth.stage_history, check_exact=True)
    pd.testing.assert_frame_equal(loaded.truth.customer_traits, small.truth.customer_traits, check_exact=True)
    pd.testing.assert_frame_equal(loaded.truth.customer_tastes, small.truth.customer_tastes, check_exact=True)
    assert loaded.truth.params == small.truth.params
    assert loaded.observation_end == small.observation_end


def test_committed_datasets_are_reproduced_byte_for_byte(tmp_path):
    committed = REPO / "datasets"
    result = run_cli("--out", str(tmp_path / "fresh"))
    assert result.returncode == 0, result.stderr
    fresh = tmp_path / "fresh"
    # datasets/examples/ holds the analysts' example, which has its own regeneration test.
    files = sorted(
        p.relative_to(committed).as_posix()
        for p in committed.rglob("*")
        if p.is_file() and p.relative_to(committed).parts[0] != "examples"
    )
    assert files == sorted(p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file())
    assert "transactions.csv" in files and "truth/params.json" in files and "README.md" in files
    assert "truth/customer_tastes.csv" in files
    for name in files:
        assert (committed / name).read_bytes() == (fresh / name).read_bytes(), (
            f"datasets/{name} differs from a fresh `make data`"
        )
    total = sum((committed / name).stat().st_size for name in files)
    assert total < 15 * 2**20


def test_cli_refuses_to_overwrite_a_foreign_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("my own work")
    result = run_cli("--customers", "20", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "Refusing" in result.stderr and "notes.txt" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_cli_reports_bad_arguments(tmp_path):
    result = run_cli("--customers", "0", "--out", str(tmp_path / "x"))
    assert result.returncode == 2 and "n_customers must be at least 1" in result.stderr
    result = run_cli("--start", "someday", "--out", str(tmp_path / "x"))
    assert result.returncode == 2 and "start must be a date" in result.stderr
    assert not (tmp_path / "x").exists()
