"""Tests of the ``%%needs`` cell magic that lets lessons skip what an analyst's data lacks."""

from __future__ import annotations

import dataclasses

import pytest
from IPython.core.interactiveshell import InteractiveShell

from helpers.notebook import describe_missing, parse_requirements


@pytest.fixture(scope="module")
def course_company(make_company):
    return make_company(120, seed=5, months=6)


@pytest.fixture()
def shell(course_company):
    shell = InteractiveShell.instance()
    shell.extension_manager.load_extension("helpers.notebook")
    shell.user_ns["company"] = course_company
    yield shell
    for name in ("company", "x", "y", "z", "result"):
        shell.user_ns.pop(name, None)


def own_data(company, missing=(), **tables):
    """A copy of ``company`` as if the data lacked ``missing`` and had ``tables`` replaced."""
    empty = {name: getattr(company, name).iloc[0:0] for name in missing}
    return dataclasses.replace(company, missing=tuple(missing), truth=None, **empty, **tables)


def test_runs_the_cell_when_everything_is_there(shell, capsys):
    result = shell.run_cell("%%needs surveys customers.segment truth\nx = 41\nx + 1")
    assert result.success and result.result == 42
    assert shell.user_ns["x"] == 41  # variables stay defined, like a normal cell
    assert "Skipped" not in capsys.readouterr().out


def test_the_last_expression_is_displayed_but_not_after_a_semicolon(shell, capsys):
    shell.run_cell("%%needs transactions\nlen(company.transactions)", store_history=True)
    assert str(len(shell.user_ns["company"].transactions)) in capsys.readouterr().out
    shell.run_cell("%%needs transactions\nlen(company.transactions);", store_history=True)
    assert capsys.readouterr().out == ""


def test_statements_only_and_ipython_syntax_in_the_body(shell):
    result = shell.run_cell("%%needs surveys\ny = 2\nz = %time y * 3")
    assert result.success and result.result is None
    assert shell.user_ns["z"] == 6


def test_exceptions_propagate(shell):
    result = shell.run_cell("%%needs surveys\ny = 1\n1 / 0")
    assert isinstance(result.error_in_exec, ZeroDivisionError)
    assert shell.user_ns["y"] == 1


def test_skips_a_missing_table_with_one_line(shell, course_company, capsys):
    shell.user_ns["company"] = own_data(course_company, missing=("surveys", "bonds"))
    result = shell.run_cell("%%needs surveys\nx = 1\nx")
    assert result.success and result.result is None and "x" not in shell.user_ns
    assert (
        capsys.readouterr().out == "⏭ Skipped: this section needs the surveys table, which your data does not have.\n"
    )


def test_skips_a_column_without_values_and_runs_what_is_there(shell, course_company, capsys):
    customers = course_company.customers.assign(
        segment=course_company.customers["segment"].iloc[0:0].reindex(course_company.customers.index)
    )
    shell.user_ns["company"] = own_data(course_company, customers=customers)
    shell.run_cell("%%needs customers.segment surveys\nx = 1")
    out = capsys.readouterr().out
    assert (
        out
        == "⏭ Skipped: this section needs the segment column of the customers table, which your data does not have.\n"
    )
    assert "x" not in shell.user_ns
    assert shell.run_cell("%%needs customers.signup_date surveys\nx = 1").success and shell.user_ns["x"] == 1


def test_truth_is_needed_by_the_simulation_sections(shell, course_company, capsys):
    shell.user_ns["company"] = own_data(course_company)
    shell.run_cell("%%needs truth\nx = 1")
    assert "ground truth, which real data does not have" in capsys.readouterr().out
    assert "x" not in shell.user_ns


@pytest.mark.parametrize("line", ["survey", "customers.segmnt", "truth.stage"])
def test_a_typo_is_an_error_not_a_skip(shell, line, capsys):
    result = shell.run_cell(f"%%needs {line}\nx = 1")
    assert result.error_in_exec is not None or result.error_before_exec is not None
    assert "Skipped" not in capsys.readouterr().out and "x" not in shell.user_ns


def test_without_a_company_variable_says_to_run_the_import_cell(shell):
    del shell.user_ns["company"]
    result = shell.run_cell("%%needs surveys\nx = 1")
    assert "run the import cell first" in str(result.error_in_exec)
    assert "x" not in shell.user_ns


def test_parse_and_describe():
    assert parse_requirements("surveys, customers.segment") == [("surveys", ()), ("customers", ("segment",))]
    with pytest.raises(Exception, match="table.column"):
        parse_requirements("customers.")
    with pytest.raises(Exception, match="name what the cell needs"):
        parse_requirements("  ")
    message = describe_missing([("surveys", ()), ("employees", ()), ("truth", ())])
    assert message == (
        "⏭ Skipped: this section needs the surveys table, the employees table and the simulation's "
        "ground truth, which your data does not have."
    )


def test_has_and_missing_semantics(course_company):
    assert course_company.missing == ()
    assert all(course_company.has(name) for name in course_company.tables())
    assert course_company.has("customers", "age", "company_size")  # nullable columns with some values
    lacking = own_data(course_company, missing=("surveys",))
    assert not lacking.has("surveys") and not lacking.has("surveys", "satisfaction")
    assert lacking.has("transactions", "amount") and not lacking.has("truth")
    empty_segment = lacking.customers.assign(segment=pd_na_category(lacking.customers["segment"]))
    assert not dataclasses.replace(lacking, customers=empty_segment).has("customers", "segment")
    with pytest.raises(ValueError, match="unknown table 'survey'"):
        course_company.has("survey")
    with pytest.raises(ValueError, match=r"no column\(s\) \['segmnt'\]"):
        course_company.has("customers", "segmnt")


def pd_na_category(series):
    return series.cat.set_categories(series.cat.categories).where(series.isna())


def test_company_construction_stays_backward_compatible(course_company):
    fields = {
        f.name: getattr(course_company, f.name)
        for f in dataclasses.fields(course_company)
        if f.name not in ("missing", "load_report")
    }
    rebuilt = type(course_company)(**fields)
    assert rebuilt.missing == () and rebuilt.load_report is None


def test_prose_shows_its_text_as_markdown_and_as_plain_text():
    from helpers.notebook import prose

    paragraph = prose(
        f"""
        **What to notice.** {0.8123:.0%} of the margin
        comes from {1234:,} customers.
        """
    )
    assert paragraph._repr_markdown_() == "**What to notice.** 81% of the margin\ncomes from 1,234 customers."
    assert repr(paragraph) == paragraph._repr_markdown_()
