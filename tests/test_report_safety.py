"""The manager report's command line writes safely and fails cleanly.

* the page goes to an exclusive temporary file in the folder of ``--out`` and is renamed
  into place; nothing is left behind when writing fails, and no file or symlink planted
  at a predictable name is ever written through;
* ``--out`` is never one of the inputs (same path, ``..``, symlink, hard link, a file the
  mapping names), not even with ``--force``;
* exit statuses: 0 written, 1 data error (a message, no traceback), 2 usage error.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import __main__ as cli
from helpers.report import cli as report_cli

ROOT = Path(__file__).resolve().parents[1]
MESSY = ROOT / "datasets" / "examples" / "messy_shop"

SALES = "customer_id,date,amount,cost\n" + "".join(
    f"{customer},2024-{month:02d}-{day:02d},{10 + customer + month}.50,{4 + month}.25\n"
    for customer in range(1, 13)
    for month, day in ((1, 5), (3, 9), (6, 14), (9, 20), (12, 1))
    if (customer + month) % 4
)
CUSTOMERS = "customer_id,signup_date\n" + "".join(f"{customer},2023-12-01\n" for customer in range(1, 13))


def run(capsys, *arguments) -> tuple[int, str, str]:
    status = cli.main(["report", *map(str, arguments)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "sales.csv").write_text(SALES)
    (tmp_path / "customers.csv").write_text(CUSTOMERS)
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry of a folder: file contents, the target of a symlink, or "folder"."""
    return {
        entry.name: (
            f"-> {os.readlink(entry)}" if entry.is_symlink() else "folder" if entry.is_dir() else entry.read_bytes()
        )
        for entry in folder.iterdir()
    }


# ---------------------------------------------------------------------------------------
# Writing: an exclusive temporary file, renamed into place, removed on failure
# ---------------------------------------------------------------------------------------


def test_a_symlink_planted_at_the_old_predictable_name_is_not_written_through(capsys, folder, tmp_path_factory):
    victim = tmp_path_factory.mktemp("elsewhere") / "precious.txt"
    victim.write_text("do not touch")
    (folder / ".report.html.partial").symlink_to(victim)  # the name the report used to write to
    status, said, _ = run(capsys, "--transactions", folder / "sales.csv", "--out", folder / "report.html")
    assert status == 0 and "Report written" in said
    assert victim.read_text() == "do not touch"
    assert (folder / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(entry.name for entry in folder.iterdir()) == [
        ".report.html.partial",
        "customers.csv",
        "report.html",
        "sales.csv",
    ]


def test_the_temporary_file_is_made_exclusively_in_the_folder_of_out(capsys, folder, monkeypatch):
    made = []
    real = report_cli.tempfile.mkstemp

    def spy(*args, **kwargs):
        made.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(report_cli.tempfile, "mkstemp", spy)
    status, _, _ = run(capsys, "--transactions", folder / "sales.csv", "--out", folder / "report.html")
    assert status == 0
    assert [Path(call["dir"]) for call in made] == [folder]


@pytest.mark.parametrize("broken", ["fsync", "replace"])
def test_a_failed_write_keeps_the_old_report_and_leaves_no_temporary_file(capsys, folder, monkeypatch, broken):
    out = folder / "report.html"
    out.write_text("last month's report")
    before = snapshot(folder)

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(report_cli.os, broken, disk_full)
    status, _, err = run(capsys, "--transactions", folder / "sales.csv", "--out", out, "--force")
    assert status == 1 and f"could not write {out}" in err and "No space left" in err
    assert "Traceback" not in err
    assert snapshot(folder) == before  # the old report intact, no temporary file left


def test_write_page_never_replaces_an_existing_file_or_symlink_without_overwrite(tmp_path):
    out = tmp_path / "r.html"
    out.write_text("keep")
    with pytest.raises(FileExistsError):
        report_cli.write_page("<html>new</html>", out)
    assert out.read_text() == "keep"
    dangling = tmp_path / "d.html"
    dangling.symlink_to(tmp_path / "nowhere.html")
    with pytest.raises(FileExistsError):
        report_cli.write_page("<html>new</html>", dangling)
    assert dangling.is_symlink() and not (tmp_path / "nowhere.html").exists()
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["d.html", "r.html"]


def test_write_page_replaces_a_symlink_at_out_instead_of_writing_through_it(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch")
    out = tmp_path / "r.html"
    out.symlink_to(victim)
    report_cli.write_page("<html>new</html>", out, overwrite=True)
    assert victim.read_text() == "do not touch"
    assert not out.is_symlink() and out.read_text(encoding="utf-8") == "<html>new</html>"


def test_the_report_gets_the_usual_permissions_not_the_temporary_files(tmp_path):
    previous = os.umask(0o022)
    try:
        report_cli.write_page("<html></html>", tmp_path / "r.html")
    finally:
        os.umask(previous)
    assert (tmp_path / "r.html").stat().st_mode & 0o777 == 0o644


# ---------------------------------------------------------------------------------------
# --out is never an input, not even with --force
# ---------------------------------------------------------------------------------------


def _same_path(folder: Path, target: Path) -> Path:
    return target


def _through_dot_dot(folder: Path, target: Path) -> Path:
    (folder / "sub").mkdir(exist_ok=True)
    return folder / "sub" / ".." / target.name


def _symlink(folder: Path, target: Path) -> Path:
    link = folder / "link.html"
    link.symlink_to(target)
    return link


def _hard_link(folder: Path, target: Path) -> Path:
    link = folder / "hard.html"
    os.link(target, link)
    return link


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("alias", [_same_path, _through_dot_dot, _symlink, _hard_link])
@pytest.mark.parametrize("option", ["--transactions", "--customers"])
def test_out_that_is_an_input_is_refused_even_with_force(capsys, folder, alias, option, force):
    target = folder / ("sales.csv" if option == "--transactions" else "customers.csv")
    out = alias(folder, target)
    before = snapshot(folder)
    status, _, err = run(
        capsys,
        "--transactions",
        folder / "sales.csv",
        "--customers",
        folder / "customers.csv",
        "--out",
        out,
        *(["--force"] if force else []),
    )
    assert status == 2, err
    assert "is your input file" in err and option in err and "even with --force" in err
    assert snapshot(folder) == before


@pytest.fixture
def messy_copy(tmp_path) -> Path:
    return Path(shutil.copytree(MESSY, tmp_path / "messy"))


@pytest.mark.parametrize("name", ["mapping.toml", "ventas.csv", "clientes.csv", "encuestas.csv"])
def test_out_that_is_the_mapping_or_a_file_it_names_is_refused_even_with_force(capsys, messy_copy, tmp_path, name):
    before = snapshot(messy_copy)
    link = tmp_path / "report.html"
    link.symlink_to(messy_copy / name)
    for out in (messy_copy / name, link):
        status, _, err = run(capsys, "--mapping", messy_copy, "--out", out, "--force")
        assert status == 2 and "is your input file" in err and "even with --force" in err, err
    assert snapshot(messy_copy) == before


# ---------------------------------------------------------------------------------------
# Exit statuses: 0 written, 1 data error, 2 usage error; never a traceback
# ---------------------------------------------------------------------------------------


def test_the_exit_statuses_are_documented_in_help(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["report", "--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "exit status: 0 the report was written" in text
    assert "1 the report could not be made: your data could not be read or used" in text
    assert "2 usage error:" in text and "refused even with --force" in text and "add --force" in text
    for status in ("0 (:data:`EXIT_OK`)", "1 (:data:`EXIT_DATA`)", "2 (:data:`EXIT_USAGE`)"):
        assert status in " ".join(report_cli.main.__doc__.split())


def test_usage_errors_exit_with_status_2(capsys, folder):
    sales = folder / "sales.csv"
    cases = {
        "no such file": ["--transactions", folder / "nowhere.csv", "--out", folder / "r.html"],
        "--customers": ["--transactions", sales, "--customers", folder / "nowhere.csv", "--out", folder / "r.html"],
        "--mapping": ["--mapping", folder / "nowhere", "--out", folder / "r.html"],
        "is a folder": ["--transactions", sales, "--out", folder],
        "does not exist": ["--transactions", sales, "--out", folder / "missing" / "r.html"],
    }
    for expected, arguments in cases.items():
        status, _, err = run(capsys, *arguments)
        assert status == 2 and expected in err and "Traceback" not in err, (expected, err)
    (folder / "r.html").write_text("old")
    status, _, err = run(capsys, "--transactions", sales, "--out", folder / "r.html")
    assert status == 2 and "already exists" in err and (folder / "r.html").read_text() == "old"
    for arguments in (
        ["--transactions", sales, "--out", folder / "x.html", "--inactive-days", "0"],
        ["--out", folder / "x.html"],
        ["--transactions", sales, "--bogus", "--out", folder / "x.html"],
    ):
        with pytest.raises(SystemExit) as stop:  # argparse's own usage errors
            run(capsys, *arguments)
        assert stop.value.code == 2
    assert not (folder / "x.html").exists()


JUNK = bytes(range(256)) * 8 + b"\x00\xff\xfe" * 100

HOSTILE_FILES = {
    "empty.csv": b"",
    "junk.csv": JUNK,
    "junk.xlsx": JUNK,
    "junk.parquet": JUNK,
    "header_only.csv": b"customer_id,date,amount\n",
    "nul.csv": b"\x00\x00\x00\n\x00\x00\n",
    "one_column.csv": b"a\n1\n2\n",
    "all_bad.csv": b"customer_id,date,amount\n1,someday,ten\n2,never,-\n",
}

HOSTILE_MAPPINGS = {
    "file_is_a_number.toml": b"[transactions]\nfile = 123\n",
    "not_toml_binary.toml": JUNK,
    "not_toml_text.toml": b"this is = not [toml\n",
    "bom.toml": b"\xef\xbb\xbf[transactions]\nfile = 'sales.csv'\n",
    "columns_not_a_table.toml": b'[transactions]\nfile = "sales.csv"\ncolumns = 5\n',
    "settings_not_a_table.toml": b'settings = 3\n[transactions]\nfile = "sales.csv"\n',
    "days_are_text.toml": b'[transactions]\nfile = "sales.csv"\n[churn]\ninactive_days = "x"\n',
    "decimal_is_a_number.toml": b'[settings]\ndecimal = 5\n[transactions]\nfile = "sales.csv"\n',
    "file_is_a_list.toml": b'[transactions]\nfile = ["sales.csv"]\n',
    "no_transactions.toml": b'[customers]\nfile = "customers.csv"\n',
    "missing_file.toml": b'[transactions]\nfile = "nowhere.csv"\n',
    "file_is_a_folder.toml": b'[transactions]\nfile = "sub"\n',
    "empty_file.toml": b'[transactions]\nfile = "empty.csv"\n',
    "empty_mapping.toml": b"",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_hostile_data_files_give_a_data_error_not_a_traceback(capsys, folder, name):
    (folder / name).write_bytes(HOSTILE_FILES[name])
    status, _, err = run(capsys, "--transactions", folder / name, "--out", folder / "r.html")
    assert status == 1, err
    assert "Traceback" not in err and err.startswith("report: ") and name in err
    assert not (folder / "r.html").exists()


@pytest.mark.parametrize("name", sorted(HOSTILE_MAPPINGS))
def test_hostile_mapping_files_give_a_data_error_not_a_traceback(capsys, folder, name):
    (folder / "sub").mkdir()
    (folder / "empty.csv").write_bytes(b"")
    (folder / name).write_bytes(HOSTILE_MAPPINGS[name])
    status, _, err = run(capsys, "--mapping", folder / name, "--out", folder / "r.html")
    assert status == 1, err
    assert "Traceback" not in err and err.startswith("report: your data could not be read.")
    assert "How to fix" in err
    assert not (folder / "r.html").exists()


def test_python_dash_m_helpers_report_prints_no_traceback_on_hostile_input(folder):
    (folder / "junk.csv").write_bytes(JUNK)
    (folder / "bad.toml").write_bytes(HOSTILE_MAPPINGS["file_is_a_number.toml"])
    (folder / "junk.toml").write_bytes(JUNK)
    for arguments, expected in (
        (["--transactions", "junk.csv"], 1),
        (["--transactions", "empty.csv"], 2),
        (["--mapping", "bad.toml"], 1),
        (["--mapping", "junk.toml"], 1),
        (["--transactions", "sales.csv", "--out", "sales.csv", "--force"], 2),
    ):
        command = [sys.executable, "-m", "helpers", "report", *arguments]
        if "--out" not in arguments:
            command += ["--out", "r.html"]
        done = subprocess.run(command, capture_output=True, text=True, cwd=folder)
        assert done.returncode == expected, (arguments, done.stderr)
        assert "Traceback" not in done.stderr and done.stderr.strip(), (arguments, done.stderr)
    assert not (folder / "r.html").exists() and (folder / "sales.csv").read_text() == SALES
