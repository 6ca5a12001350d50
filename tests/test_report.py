"""The manager report: its sections, the page it writes and the command line that writes it."""

from __future__ import annotations

import base64
import dataclasses
import html
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import __main__ as cli
from helpers import report
from helpers.company import Company
from helpers.data import derive_churn, load_own_data
from helpers.report import ReportOptions, Skipped
from helpers.report import cli as report_cli
from helpers.report.render import SECTIONS
from helpers.retention import customer_durations
from helpers.synthetic import generate

ROOT = Path(__file__).resolve().parents[1]
MESSY = ROOT / "datasets" / "examples" / "messy_shop"
SECTION_HEADINGS = [heading for _, _, heading in SECTIONS]
OPTIONAL_TABLES = ("customers", "interactions", "surveys", "bonds", "churn", "employees")


def transactions_only(company: Company) -> Company:
    """The same company with nothing but its transactions, as an analyst's sales export would be."""
    empty = {name: getattr(company, name).iloc[:0] for name in OPTIONAL_TABLES}
    return dataclasses.replace(company, **empty, truth=None, missing=OPTIONAL_TABLES)


@pytest.fixture(scope="module")
def company() -> Company:
    return generate(600, seed=11, months=24)


@pytest.fixture(scope="module")
def full(company):
    data = report.compute_report(company)
    return data, report.render_report(data, title="Full company")


@pytest.fixture(scope="module")
def sales_only(company):
    data = report.compute_report(transactions_only(company))
    return data, report.render_report(data, title="Sales only")


def image_sources(page: str) -> list[str]:
    return re.findall(r"<img[^>]*\ssrc='([^']*)'", page)


# ---------------------------------------------------------------------------------------
# Sections on the course's company and on transactions only
# ---------------------------------------------------------------------------------------


def test_every_section_is_computed_on_a_company_with_all_tables(full):
    data, page = full
    for attribute, _, heading in SECTIONS:
        assert not isinstance(getattr(data, attribute), Skipped), f"{attribute}: {getattr(data, attribute)}"
        assert heading in page
    assert "Not shown" not in page
    assert list(data.kpis["measure"]) == [
        "Customers",
        "Active customers",
        "Revenue, last 12 months",
        "Gross margin, last 12 months",
        "Repeat-purchase rate",
        "Monthly churn",
        "Average CLV",
        "NPS",
    ]
    assert data.retention["rule"] == "recorded" and data.cohorts["measure"] == "active"
    assert data.pyramid["value_name"] == "profit"


def test_headline_numbers_match_the_tables(company, full):
    data, _ = full
    kpi = data.kpis.set_index("measure")["value"]
    sales = company.transactions
    assert kpi["Customers"] == sales["customer_id"].nunique()
    assert kpi["Active customers"] == company.active_at(company.observation_end).sum()
    recent = sales["date"] >= pd.Timestamp("2023-01-01")  # the last 12 calendar months of 2022-2023
    assert kpi["Revenue, last 12 months"] == pytest.approx(sales.loc[recent, "amount"].sum())
    assert kpi["Gross margin, last 12 months"] == pytest.approx((sales["amount"] - sales["cost"])[recent].sum())
    days = sales.assign(day=sales["date"].dt.normalize()).groupby("customer_id")["day"].nunique()
    assert kpi["Repeat-purchase rate"] == pytest.approx((days >= 2).mean())
    surveys = company.surveys[company.surveys["date"] >= pd.Timestamp("2023-01-01")]
    recommend = surveys["recommend"]
    assert kpi["NPS"] == pytest.approx(100 * ((recommend >= 9).mean() - (recommend <= 6).mean()))
    assert kpi["Average CLV"] == pytest.approx(data.clv["values"].mean())


def test_transactions_only_skips_the_loyalty_matrix_with_a_note_and_keeps_the_rest(sales_only):
    data, page = sales_only
    assert isinstance(data.loyalty, Skipped) and "survey" in data.loyalty.reason
    assert "Not shown: the data have no survey answers" in page
    for attribute in ("retention", "cohorts", "rfm", "pyramid", "clv"):
        assert not isinstance(getattr(data, attribute), Skipped), attribute
    assert data.retention["rule"] == "inactivity" and data.cohorts["measure"] == "purchasing"
    assert data.pyramid["value_name"] == "gross margin"  # costs, but no contacts or bonds to price
    assert "NPS" not in set(data.kpis["measure"])
    assert "Tables the data do not have: customers, interactions, surveys, bonds, churn, employees" in page


def test_without_costs_the_report_values_revenue_and_says_so(company):
    no_costs = transactions_only(company)
    no_costs = dataclasses.replace(no_costs, transactions=no_costs.transactions.assign(cost=np.nan))
    data = report.compute_report(no_costs)
    assert not any("margin" in measure.lower() for measure in data.kpis["measure"])
    assert data.pyramid["value_name"] == "revenue" and data.clv["value_name"] == "revenue"
    assert (data.pyramid["tiers"] == "lead").sum() == 0  # nobody brings negative revenue
    assert data.clv["margin_ratio"] == 1.0
    page = report.render_report(data)
    assert "ranked by revenue and none can be lead" in page


def test_a_section_the_data_cannot_support_is_skipped_with_the_reason_not_a_crash(company):
    once = company.transactions.drop_duplicates("customer_id")  # nobody ever buys twice
    data = report.compute_report(dataclasses.replace(transactions_only(company), transactions=once))
    assert isinstance(data.clv, Skipped) and "repeat purchases" in data.clv.reason
    assert "Average CLV" not in set(data.kpis["measure"])
    assert "Not shown: this section could not be computed on this data" in report.render_report(data)


def test_a_few_days_of_data_still_give_a_page_that_says_what_it_cannot_show():
    frame = sales([(1, "2024-03-01", 10.0, 5.0), (2, "2024-03-01", 30.0, 12.0), (1, "2024-03-05", 3.0, 4.0)])
    data = report.compute_report(only(frame, "2024-03-31"))
    assert isinstance(data.retention, Skipped) and "less time than the inactivity limit" in data.retention.reason
    assert isinstance(data.clv, Skipped)
    assert data.kpis.set_index("measure")["value"]["Revenue, last 12 months"] == 43.0
    page = report.render_report(data)
    assert page.count("Not shown:") == 3  # retention, CLV, loyalty
    assert page.rstrip().endswith("</html>")


def test_empty_transactions_are_refused(company):
    with pytest.raises(ValueError, match="transactions table is empty"):
        report.compute_report(dataclasses.replace(company, transactions=company.transactions.iloc[:0]))


def test_options_are_checked():
    with pytest.raises(ValueError, match="inactive_days"):
        ReportOptions(inactive_days=0)
    with pytest.raises(ValueError, match="platinum ≤ gold"):
        ReportOptions(platinum=0.3, gold=0.2)


# ---------------------------------------------------------------------------------------
# The pure building blocks, on examples worked by hand
# ---------------------------------------------------------------------------------------


def sales(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "amount", "cost"])
    return frame.assign(date=pd.to_datetime(frame["date"]))


def test_customer_base_sums_by_hand():
    base = report.customer_base(
        sales([(1, "2023-06-30", 100.0, 60.0), (1, "2024-01-01", 50.0, 20.0), (2, "2024-12-31", 10.0, 12.0)]),
        "2024-12-31",
        window_months=12,
    )
    # Window = Jan-Dec 2024: customer 1 has only the 50 (margin 30) in it; customer 2 loses 2.
    assert base["revenue"].tolist() == [150.0, 10.0]
    assert base["revenue_recent"].tolist() == [50.0, 10.0]
    assert base["margin"].tolist() == [70.0, -2.0]
    assert base["margin_recent"].tolist() == [30.0, -2.0]
    assert base["first_purchase"].tolist() == list(pd.to_datetime(["2023-06-30", "2024-12-31"]))


def only(transactions: pd.DataFrame, end: str) -> Company:
    template = transactions_only(generate(5, seed=1, months=1))
    return dataclasses.replace(template, transactions=transactions, observation_end=pd.Timestamp(end))


def test_inactivity_rule_by_hand():
    # End 2024-12-31, inactive for 100 days: judged until 2024-09-22.
    frame = sales(
        [
            (1, "2024-01-01", 1, 0),
            (1, "2024-03-01", 1, 0),  # last purchase before: lost on 1 March
            (2, "2024-02-01", 1, 0),
            (2, "2024-10-01", 1, 0),  # bought after: censored on 22 September
            (3, "2024-05-01", 1, 0),  # one purchase: lost on day 0
            (4, "2024-12-01", 1, 0),
        ]
    )  # started after 22 September: too new
    company = only(frame, "2024-12-31")
    lifetimes = report.customer_lifetimes(company, report.customer_base(frame, "2024-12-31"), inactive_days=100)
    assert lifetimes.attrs["rule"] == "inactivity"
    assert lifetimes.attrs["judged_until"] == pd.Timestamp("2024-09-22")
    assert lifetimes.index.tolist() == [1, 2, 3]
    assert lifetimes["churned"].tolist() == [True, False, True]
    # 1 Jan -> 1 Mar 2024 = 60 days; 1 Feb -> 22 Sep = 234 days; 0 days.
    assert lifetimes["duration"].tolist() == pytest.approx([60 / 30.4375, 234 / 30.4375, 0.0])


def test_report_and_loader_apply_the_one_churn_rule_alike(company):
    days = 150
    base = report.customer_base(company.transactions, company.observation_end)
    lifetimes = report.customer_lifetimes(
        only(company.transactions, str(company.observation_end.date())), base, inactive_days=days
    )
    buyers = pd.DataFrame({"customer_id": base.index, "signup_date": base["first_purchase"].to_numpy()})
    derived = derive_churn(buyers, company.transactions, company.observation_end, inactive_days=days)
    lost_here = set(lifetimes.index[lifetimes["churned"].to_numpy()])
    assert lost_here == set(derived["customer_id"])
    # The loader dates the loss when it is noticed; the report when the relationship ended.
    noticed = derived.set_index("customer_id")["date"]
    ended = lifetimes.loc[list(lost_here), "stop"]
    assert ((noticed.reindex(ended.index) - ended) == pd.Timedelta(days=days)).all()


def test_recorded_churn_uses_the_retention_module(company):
    base = report.customer_base(company.transactions, company.observation_end)
    lifetimes = report.customer_lifetimes(company, base)
    expected = customer_durations(company.customers, company.churn, company.observation_end)
    assert lifetimes.attrs["rule"] == "recorded"
    np.testing.assert_allclose(lifetimes["duration"], expected["duration"])
    assert lifetimes["churned"].tolist() == expected["churned"].tolist()


def test_monthly_churn_by_hand():
    # Two 30.4375-day months ending 31 Dec 2024: edges 1 Nov 00:00, 1 Dec 11:15, 31 Dec.
    lives = pd.DataFrame(
        {
            "start": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01", "2024-11-20"]),
            "stop": pd.to_datetime(["2024-11-15", "2024-12-10", "2024-12-31", "2024-12-31"]),
            "churned": [True, True, False, False],
        }
    )
    lives.attrs["judged_until"] = pd.Timestamp("2024-12-31")
    table = report.monthly_churn(lives, months=2)
    # Month 1: three customers at its start, one lost (15 Nov). Month 2: three at its start
    # (the one who started on 20 Nov joins), one lost (10 Dec). Pooled: 2 / 6.
    assert table["at_start"].tolist() == [3, 3]
    assert table["lost"].tolist() == [1, 1]
    assert table.attrs["churn_rate"] == pytest.approx(2 / 6)


def test_cohorts_use_quarters_for_long_data_and_keep_the_latest_twelve():
    company = generate(300, seed=4, months=36)
    data = report.compute_report(company)
    assert data.cohorts["freq"] == "Q"
    shares = data.cohorts["shares"]
    assert shares.shape == (12, 12)
    assert str(shares.index[-1]) == "2024Q4"
    assert (shares.iloc[:, 0] == 1.0).all()  # everybody is a customer in the quarter they joined


def test_pyramid_shares_and_actions(full):
    data, page = full
    tiers = data.pyramid["tiers"]
    n = len(tiers)
    assert (tiers == "platinum").sum() <= int(0.05 * n)
    assert (data.pyramid["value"][tiers == "lead"] < 0).all()
    assert "action" not in data.pyramid["table"]  # advice is display text: the page adds it
    assert all(html.escape(action) in page for action in report.TIER_ACTIONS.values())


def test_loyalty_uses_only_the_components_the_data_have(company):
    without_bonds = dataclasses.replace(company, bonds=company.bonds.iloc[:0], missing=("bonds",))
    data = report.compute_report(without_bonds)
    assert data.loyalty["components"] == ["repurchase", "tenure", "intention"]
    no_commitment = dataclasses.replace(company, surveys=company.surveys.assign(commitment=np.nan))
    assert report.compute_report(no_commitment).loyalty["components"] == ["repurchase", "tenure", "bonds"]


# ---------------------------------------------------------------------------------------
# The page: self-contained, escaped, reproducible
# ---------------------------------------------------------------------------------------


def test_the_page_needs_no_network(full, sales_only):
    for _, page in (full, sales_only):
        assert "http://" not in page and "https://" not in page
        assert "<link" not in page and "<script" not in page and "@import" not in page and "url(" not in page
        for address in re.findall(r"""\s(?:src|href)\s*=\s*["']([^"']*)""", page):
            assert address.startswith(("data:image/png;base64,", "#")), address


def test_charts_are_embedded_png_images(full, sales_only):
    assert len(image_sources(full[1])) == 5 and len(image_sources(sales_only[1])) == 4  # no loyalty matrix
    for source in image_sources(full[1]):
        assert base64.b64decode(source.removeprefix("data:image/png;base64,"))[:8] == b"\x89PNG\r\n\x1a\n"


def test_text_from_the_data_and_options_is_escaped(sales_only):
    page = report.render_report(sales_only[0], title="<b>Q4</b> & co", sources=["<ventas>.csv"])
    assert "<title>&lt;b&gt;Q4&lt;/b&gt; &amp; co</title>" in page
    assert "&lt;ventas&gt;.csv" in page and "<ventas>" not in page


def test_the_same_data_give_the_same_page(company, sales_only):
    assert report.build_report(transactions_only(company), title="Sales only") == sales_only[1]


# ---------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sales_csv(tmp_path_factory, company) -> Path:
    folder = tmp_path_factory.mktemp("own")
    path = folder / "ventas.csv"
    frame = company.transactions[["customer_id", "date", "amount", "cost"]]
    frame.set_axis(["Cliente", "Fecha", "Importe", "Coste"], axis=1).to_csv(
        path, sep=";", decimal=",", index=False, date_format="%d/%m/%Y"
    )
    return path


def run(capsys, *arguments) -> tuple[int, str, str]:
    status = cli.main(["report", *map(str, arguments)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


SPANISH = (
    "--customer-col",
    "Cliente",
    "--date-col",
    "Fecha",
    "--amount-col",
    "Importe",
    "--cost-col",
    "Coste",
    "--date-format",
    "%d/%m/%Y",
    "--decimal",
    ",",
)


def test_cli_writes_the_report_from_a_file_with_its_own_column_names(capsys, tmp_path, sales_csv, company):
    out = tmp_path / "informe.html"
    status, said, _ = run(capsys, "--transactions", sales_csv, *SPANISH, "--title", "Ventas", "--out", out)
    assert status == 0 and f"Report written to {out}" in said and "Loyalty matrix and NPS" in said
    page = out.read_text(encoding="utf-8")
    assert "<h1>Ventas</h1>" in page and "How the files were read" in page
    assert f"{company.transactions['customer_id'].nunique():,}" in page
    assert "Gross margin, last 12 months" in page


def test_cli_refuses_to_overwrite_without_force(capsys, tmp_path, sales_csv):
    out = tmp_path / "report.html"
    out.write_text("the manager's annotated copy")
    status, _, err = run(capsys, "--transactions", sales_csv, *SPANISH, "--out", out)
    assert status == 2 and "already exists" in err and "--force" in err  # a usage error
    assert out.read_text() == "the manager's annotated copy"
    status, _, _ = run(capsys, "--transactions", sales_csv, *SPANISH, "--out", out, "--force")
    assert status == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_turns_loader_errors_into_advice_about_its_options(capsys, tmp_path, sales_csv):
    out = tmp_path / "report.html"
    status, _, err = run(capsys, "--transactions", sales_csv, "--out", out)  # the course's column names
    assert status == 1 and not out.exists()  # a data error
    assert "no column 'customer_id'" in err and "use the option --customer-col Cliente" in err
    assert "Traceback" not in err and "mapping.toml" not in err
    status, _, err = run(capsys, "--transactions", tmp_path / "nowhere.csv", "--out", out)
    assert status == 2 and "nowhere.csv" in err and "no such file" in err  # a usage error: the option names it


def test_cli_output_folder_must_exist(capsys, tmp_path, sales_csv):
    status, _, err = run(capsys, "--transactions", sales_csv, *SPANISH, "--out", tmp_path / "missing" / "r.html")
    assert status == 2 and "does not exist" in err


def test_cli_mapping_excludes_the_file_options(capsys, tmp_path, sales_csv):
    with pytest.raises(SystemExit) as stop:
        run(capsys, "--mapping", MESSY, "--decimal", ",", "--out", tmp_path / "r.html")
    assert stop.value.code == 2 and "either --mapping or --transactions" in capsys.readouterr().err


def test_cli_on_the_messy_example(capsys, tmp_path):
    out = tmp_path / "messy.html"
    status, said, _ = run(capsys, "--mapping", MESSY, "--out", out)
    assert status == 0 and "Not shown" not in said
    page = out.read_text(encoding="utf-8")
    company = load_own_data(MESSY)
    assert all(heading in page for heading in SECTION_HEADINGS) and "Not shown" not in page
    assert f"{company.transactions['customer_id'].nunique():,}" in page
    assert "churn" in page and "(derived)" in page  # the loader derived churn from inactivity
    assert "excluded" in page  # the load report lists the rows left out
    assert "https://" not in page and "http://" not in page


def test_mapping_from_options_is_valid_toml_even_with_awkward_names(tmp_path):
    args = report_cli._parser().parse_args(
        [
            "--transactions",
            str(tmp_path / "a b.csv"),
            "--customer-col",
            'Nº "id"',
            "--surveys",
            str(tmp_path / "s.xlsx"),
            "--sheet",
            "Hoja 1",
            "--exclude-bad-rows",
            "--out",
            "r.html",
        ]
    )
    mapping = tomllib.loads(report.mapping_from_options(args))
    assert mapping["settings"] == {"on_bad_rows": "exclude"}
    assert mapping["transactions"]["file"] == str((tmp_path / "a b.csv").resolve())
    assert mapping["transactions"]["columns"] == {"customer_id": 'Nº "id"'}
    assert mapping["surveys"]["sheet"] == "Hoja 1" and "sheet" not in mapping["transactions"]
    assert mapping["churn"] == {"inactive_days": 180}


def test_loader_advice_is_rewritten_as_options():
    advice = (
        'How to fix: to leave them out instead, set on_bad_rows = "exclude" under [settings] in mapping.toml. '
        'Or date_format = "%d/%m/%Y" under [transactions] in mapping.toml.'
    )
    assert report_cli._as_options(advice) == (
        "How to fix: to leave them out instead, use the option --exclude-bad-rows. "
        "Or use the option --date-format %d/%m/%Y."
    )
    untranslated = report_cli._as_options("header_row = 3 under [transactions] in mapping.toml")
    assert "pass it with --mapping" in untranslated


def test_command_dispatch(capsys):
    assert cli.main(["--help"]) == 0 and "report" in capsys.readouterr().out
    assert cli.main([]) == 2 and "no command" in capsys.readouterr().err
    assert cli.main(["repport"]) == 2
    err = capsys.readouterr().err
    assert "unknown command 'repport'. Did you mean 'report'?" in err and "python -m helpers <command>" in err


def test_python_dash_m_helpers_report_exits_cleanly_on_bad_data(tmp_path):
    bad = tmp_path / "sales.csv"
    bad.write_text("customer_id,date,amount\n1,2024-01-05,ten\n")
    done = subprocess.run(
        [sys.executable, "-m", "helpers", "report", "--transactions", str(bad), "--out", str(tmp_path / "r.html")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stderr  # a data error
    assert "Traceback" not in done.stderr and "amount" in done.stderr and "How to fix" in done.stderr
    assert not (tmp_path / "r.html").exists()


# ---------------------------------------------------------------------------------------
# One report, one story: the same segments, no "-0%", a load report that fits the command
# ---------------------------------------------------------------------------------------


def test_the_clv_table_counts_the_same_customers_per_segment_as_the_rfm_table(full, sales_only):
    # The CLV is computed for active customers only; its table used to count only those,
    # so "at risk" (mostly customers who stopped buying) had far fewer customers there
    # than in the RFM table. Both now count every buyer of the one RFM segmentation.
    for data, page in (full, sales_only):
        rfm, by_segment = data.rfm["segments"], data.clv["by_segment"]
        assert list(by_segment.index.sort_values()) == list(rfm.index.sort_values())
        assert by_segment["customers"].to_dict() == rfm["customers"].to_dict()
        assert (by_segment["customers_valued"] <= by_segment["customers"]).all()
        assert by_segment["customers_valued"].sum() == data.clv["customers"] == len(data.clv["values"])
        assert by_segment["total_CLV"].sum() == pytest.approx(data.clv["total"])
        lapsed = by_segment.loc["at risk"]
        assert lapsed["customers_valued"] < lapsed["customers"]  # the difference the old table hid
        assert "Customers = every buyer of the RFM segment, as in the RFM table" in page


def test_the_clv_and_rfm_tables_of_the_messy_example_agree_on_every_segment():
    data = report.compute_report(load_own_data(MESSY))
    counts = data.clv["by_segment"]["customers"]
    assert counts.to_dict() == data.rfm["segments"]["customers"].to_dict()
    assert counts["at risk"] == data.rfm["segments"].loc["at risk", "customers"]


NEGATIVE_ZERO = re.compile(r"[-−]\s*0(?:[.,]0+)?\s*%|[-−]0(?![\d.,])")


def page_text(page: str) -> str:
    return re.sub(r"data:image/png;base64,[^'\"]*", "", page)


def test_no_negative_zero_anywhere_on_a_page_with_a_margin_just_below_zero(company):
    # Cost equal to the amount, and one purchase sold at a small loss: margins of -0.5.
    sold_at_cost = transactions_only(company)
    frame = sold_at_cost.transactions.assign(cost=sold_at_cost.transactions["amount"])
    frame.loc[frame.index[-1], "cost"] += 0.5
    data = report.compute_report(dataclasses.replace(sold_at_cost, transactions=frame))
    assert -1 < data.overview["margin_recent"] < 0  # the numbers behind the page are tiny negatives
    page = report.render_report(data)
    assert NEGATIVE_ZERO.search(page_text(page)) is None, NEGATIVE_ZERO.search(page_text(page))
    assert "0% of revenue" in page


def test_numbers_that_round_to_zero_lose_their_sign():
    from helpers.formats import percent_text, without_negative_zero
    from helpers.report import render

    assert [percent_text(v) for v in (-0.004, -0.0049999, 0.0, -0.006)] == ["0%", "0%", "0%", "-1%"]
    assert percent_text(-0.0004, 1) == "0.0%" and percent_text(-0.0006, 1) == "-0.1%"
    assert render._share(-0.005) == "0%" and render._amount(-0.4) == "0" and render._amount(-0.6) == "-1"
    assert render._money(-0.3) == "0" and render._score(-0.2) == "0" and render._score(3) == "+3"
    assert without_negative_zero("−0%") == "0%" and without_negative_zero("-0.0k") == "0.0k"


def write_sales(path: Path, rows: list[tuple], *, header=("customer_id", "date", "amount", "cost")) -> Path:
    path.write_text(",".join(header) + "\n" + "".join(",".join(map(str, row)) + "\n" for row in rows))
    return path


@pytest.fixture
def sales_with_problems(tmp_path, company) -> tuple[Path, Path]:
    """Two copies of the company's sales as CSV: one with an unreadable amount, one with it and a return too."""
    frame = company.transactions[["customer_id", "date", "amount", "cost"]].head(400)
    rows = [(c, d.strftime("%Y-%m-%d"), a, k) for c, d, a, k in frame.itertuples(index=False)]
    bad = list(rows)
    bad[3] = (bad[3][0], bad[3][1], "ten", bad[3][3])
    returned = list(bad)
    returned[7] = (returned[7][0], returned[7][1], -12.5, returned[7][3])
    return write_sales(tmp_path / "bad.csv", bad), write_sales(tmp_path / "returned.csv", returned)


def load_report_of(page: str) -> str:
    found = re.search(r"<details><summary>How the files were read</summary><pre>(.*?)</pre>", page, re.S)
    assert found, "the page has no load report"
    return html.unescape(found.group(1))


def test_exclude_bad_rows_load_report_cites_the_command_line_and_its_options(capsys, tmp_path, sales_with_problems):
    bad, _ = sales_with_problems
    out = tmp_path / "r.html"
    status, _, err = run(capsys, "--transactions", bad, "--exclude-bad-rows", "--inactive-days", "90", "--out", out)
    assert status == 0, err
    text = load_report_of(out.read_text(encoding="utf-8"))
    assert "excluded 1 row(s): unreadable amount (row 5)" in text
    assert text.startswith("Loaded your data from the command line")
    assert "crm-report-" not in text and "mapping.toml" not in text and "inactive_days" not in text
    assert "no purchase for 90 days" in text and "Change the rule with the option --inactive-days" in text
    assert str(bad) in text  # the file actually read


def test_exclude_bad_rows_does_not_drop_returns(capsys, tmp_path, sales_with_problems):
    _, returned = sales_with_problems
    out = tmp_path / "r.html"
    status, _, err = run(capsys, "--transactions", returned, "--exclude-bad-rows", "--out", out)
    assert status == 1 and not out.exists()
    assert "1 row(s) are negative (returns or refunds?)" in err and "row 9: " in err and "--exclude-returns" in err
    assert "--exclude-bad-rows" not in err  # returns are not bad rows
    assert "Traceback" not in err and "mapping.toml" not in err
    # Without any option the advice for returns is --exclude-returns, not --exclude-bad-rows.
    only_returns = returned.with_name("only_returns.csv")
    only_returns.write_text(returned.read_text().replace(",ten,", ",10.0,"))
    status, _, err = run(capsys, "--transactions", only_returns, "--out", out)
    assert status == 1 and "are negative (returns or refunds?)" in err
    assert "use the option --exclude-returns" in err and "--exclude-bad-rows" not in err
    # Returns are left out (and counted) by --exclude-returns only.
    status, _, err = run(capsys, "--transactions", returned, "--exclude-bad-rows", "--exclude-returns", "--out", out)
    assert status == 0, err
    text = load_report_of(out.read_text(encoding="utf-8"))
    assert "returns (negative amount) (row 9)" in text and "unreadable amount (row 5)" in text


def test_loader_advice_on_files_and_the_churn_rule_is_rewritten_as_options():
    assert (
        report_cli._as_options("Change the rule with inactive_days under [churn] in mapping.toml.")
        == "Change the rule with the option --inactive-days."
    )
    assert (
        report_cli._as_options("set inactive_days = 90 under [churn] in mapping.toml")
        == "use the option --inactive-days 90"
    )
    assert (
        report_cli._as_options('How to fix: file = "sales 2.csv" under [customers] in mapping.toml.')
        == "How to fix: use the option --customers 'sales 2.csv'."
    )


def test_inactive_days_on_the_command_line_reaches_the_loaders_derived_churn(capsys, tmp_path):
    out = tmp_path / "messy.html"
    status, _, err = run(capsys, "--mapping", MESSY, "--inactive-days", "90", "--out", out)
    assert status == 0, err
    text = load_report_of(out.read_text(encoding="utf-8"))
    assert "no purchase for 90 days" in text and "no purchase for 180 days" not in text
    assert len(load_own_data(MESSY, inactive_days=90).churn) > len(load_own_data(MESSY).churn)
