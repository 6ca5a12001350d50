"""Tests of reading and writing the company's CSV files and of the data dictionary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import schema
from helpers.data import (
    DATA_DIR_ENV,
    FolderNotEmptyError,
    data_dictionary,
    default_data_dir,
    load_company,
    read_table,
    save_company,
    table_to_csv,
)
from helpers.synthetic import generate

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def company(make_company):
    return make_company(n_customers=300, seed=3, months=12)


@pytest.fixture()
def saved(tmp_path, company):
    folder = tmp_path / "company"
    save_company(company, folder)
    return folder


def assert_same_company(a, b):
    for name in schema.TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert a.observation_end == b.observation_end


# ----------------------------------------------------------------------------- the bundled data


def test_default_folder_is_the_repository_datasets(monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert default_data_dir() == REPO / "datasets"


def test_load_bundled_company_with_schema_dtypes(monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    company = load_company()
    assert len(company.customers) == 5000
    for name, columns in schema.TABLES.items():
        df = getattr(company, name)
        assert list(df.columns) == [c.name for c in columns]
        assert [str(t) for t in df.dtypes] == [c.dtype for c in columns], name
        for col in columns:
            if col.dtype == "category":
                assert list(df[col.name].cat.categories) == list(schema.CATEGORIES[col.name])
    assert company.truth is not None
    assert company.truth.stage_history["stage"].cat.ordered
    assert company.observation_end == pd.Timestamp("2024-12-31")
    assert company.truth.params["arguments"]["seed"] == 2024


def test_committed_readme_is_the_data_dictionary():
    assert (REPO / "datasets" / "README.md").read_text(encoding="utf-8") == data_dictionary()


def test_data_dictionary_covers_every_column():
    text = data_dictionary()
    for tables in (schema.TABLES, schema.TRUTH_TABLES):
        for name, columns in tables.items():
            assert f"`{name}`" in text
            for col in columns:
                assert f"| `{col.name}` |" in text and col.spanish in text
    assert "How the data was generated" in text and "make data" in text and "2024" in text


def test_env_var_overrides_the_default_folder(monkeypatch, saved, company):
    monkeypatch.setenv(DATA_DIR_ENV, str(saved))
    assert default_data_dir() == saved
    assert_same_company(load_company(), company)


# ----------------------------------------------------------------------------- round trip and format


def test_save_then_load_gives_equal_frames(saved, company):
    loaded = load_company(saved)
    assert_same_company(loaded, company)
    pd.testing.assert_frame_equal(loaded.truth.stage_history, company.truth.stage_history, check_exact=True)
    pd.testing.assert_frame_equal(loaded.truth.customer_traits, company.truth.customer_traits, check_exact=True)
    assert loaded.truth.params == company.truth.params
    pd.testing.assert_series_equal(loaded.truth.stage_at("2022-07-01"), company.truth.stage_at("2022-07-01"))


def test_saving_is_deterministic_and_manifest_lists_every_file(tmp_path, company):
    first = save_company(company, tmp_path / "a")
    second = save_company(company, tmp_path / "b")
    assert first == second
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    files = sorted(p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert sorted(manifest["files"]) == [f for f in files if f != "manifest.json"]
    assert manifest["arguments"] == {"n_customers": 300, "seed": 3, "start": "2022-01-01", "months": 12}
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_csv_format(saved):
    lines = (saved / "transactions.csv").read_text().splitlines()
    assert lines[0] == "transaction_id,customer_id,date,category,amount,cost,channel,promotion"
    fields = lines[1].split(",")
    assert len(fields[2]) == 10 and fields[2][4] == "-"
    assert len(fields[4].split(".")[1]) == 2
    assert b"\r\n" not in (saved / "customers.csv").read_bytes()
    traits = (saved / "truth" / "customer_traits.csv").read_text().splitlines()[1].split(",")
    assert all(len(v.split(".")[1]) == 4 for v in traits[1:])
    customers = (saved / "customers.csv").read_text().splitlines()
    b2c = next(line for line in customers[1:] if ",B2C," in line)
    assert ",," in b2c  # empty company_size for a consumer


def test_table_to_csv_rounds_money_and_writes_missing_as_empty():
    df = pd.DataFrame(
        {
            "customer_id": [1],
            "service_quality": [0.123456],
            "spend_level": [np.float64(2)],
            "base_churn": [0.05],
        }
    )
    text = table_to_csv(df, "customer_traits").decode()
    assert text == "customer_id,service_quality,spend_level,base_churn\n1,0.1235,2.0000,0.0500\n"


# ----------------------------------------------------------------------------- errors


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="No data folder"):
        load_company(tmp_path / "nowhere")


def test_missing_table_names_folder_and_file(saved):
    (saved / "surveys.csv").unlink()
    with pytest.raises(FileNotFoundError, match=r"surveys\.csv") as err:
        load_company(saved)
    assert str(saved) in str(err.value)


def test_missing_truth_file_is_a_clear_error(saved):
    (saved / "truth" / "params.json").unlink()
    with pytest.raises(FileNotFoundError, match="params.json"):
        load_company(saved)


def test_without_truth_folder_truth_is_none(saved, company):
    shutil.rmtree(saved / "truth")
    loaded = load_company(saved)
    assert loaded.truth is None
    assert_same_company(loaded, company)


def test_without_truth_or_manifest_observation_end_is_the_last_date(saved, company):
    shutil.rmtree(saved / "truth")
    (saved / "manifest.json").unlink()
    loaded = load_company(saved)
    assert loaded.observation_end <= company.observation_end
    assert loaded.observation_end >= company.transactions.date.max()


def test_bad_category_value_names_table_column_and_line(saved):
    path = saved / "customers.csv"
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace(",B2C,", ",consumer,").replace(",B2B,", ",consumer,")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"customers.*'segment'.*line 4.*consumer"):
        load_company(saved)


def test_bad_number_and_date_are_reported(saved):
    path = saved / "transactions.csv"
    df = pd.read_csv(path, dtype=str)
    df.loc[4, "amount"] = "twelve"
    df.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"'amount'.*not numbers.*line 6"):
        read_table(path, "transactions")
    df.loc[4, "amount"] = "12.00"
    df.loc[2, "date"] = "03/04/2022"
    df.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"'date'.*YYYY-MM-DD"):
        read_table(path, "transactions")


def test_missing_or_extra_column_is_reported(saved):
    path = saved / "churn.csv"
    df = pd.read_csv(path, dtype=str)
    df.drop(columns="reason").to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['reason'\]"):
        load_company(saved)
    df.assign(note="x").to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"unexpected column\(s\) \['note'\]"):
        load_company(saved)


def test_empty_required_value_is_reported(saved):
    path = saved / "interactions.csv"
    df = pd.read_csv(path, dtype=str)
    df.loc[0, "rating"] = None
    df.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"'rating'.*empty.*line 2"):
        load_company(saved)


# ----------------------------------------------------------------------------- never overwrite a user's files


def test_refuses_a_folder_with_foreign_files(tmp_path, company):
    (tmp_path / "my_analysis.xlsx").write_bytes(b"precious")
    with pytest.raises(FolderNotEmptyError, match="my_analysis.xlsx"):
        save_company(company, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["my_analysis.xlsx"]
    save_company(company, tmp_path, force=True)
    assert (tmp_path / "my_analysis.xlsx").read_bytes() == b"precious"
    assert (tmp_path / "customers.csv").is_file()


def test_overwrites_its_own_folder_but_not_edited_files(saved, company):
    other = generate(n_customers=100, seed=9, months=6)
    save_company(other, saved)  # the generator's own folder: fine
    assert len(load_company(saved).customers) == 100
    with (saved / "customers.csv").open("a") as f:
        f.write("999,2022-01-01,referral,1.00,B2C,north,30,,1\n")
    with pytest.raises(FolderNotEmptyError, match="changed since"):
        save_company(company, saved)


def test_hidden_files_are_ignored(saved, company):
    (saved / ".gitkeep").write_text("")
    save_company(company, saved)


def test_saving_real_data_removes_stale_truth(saved, company):
    real = generate(n_customers=100, seed=9, months=6)
    real.truth = None
    save_company(real, saved)
    assert not (saved / "truth").exists() and not (saved / "README.md").exists()
    assert load_company(saved).truth is None
