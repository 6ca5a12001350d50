"""Reading and writing the company's tables as CSV files, and the data dictionary.

The bundled company lives in ``datasets/`` at the root of the repository (one CSV per
table of :data:`helpers.schema.TABLES`, the ground truth under ``datasets/truth/``).

Example::

    from helpers.data import load_company
    company = load_company()              # the bundled company
    company.customers.head()

``load_company(path)`` reads another folder in the same format; set the environment
variable ``CRM_DATA_DIR`` to change the default folder.

An analyst's own files (other column names, formats, only some tables) are read by
:func:`load_own_data` and the one-table loaders :func:`load_transactions`,
:func:`load_customers`, :func:`load_surveys` and :func:`load_interactions`, which raise
:class:`DataError` with a message that says how to fix the file (they live in
:mod:`helpers.own_data` and are importable from here). :func:`lesson_company` picks the
right loader for a lesson's ``DATA_DIR``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import helpers
from helpers import schema
from helpers.company import CUSTOMER_TASTES, Company, Truth
from helpers.formats import number
from helpers.i18n import _
from helpers.own_data import (  # noqa: F401
    MAPPING_FILE,
    DataError,
    LoadReport,
    TableReport,
    derive_churn,
    empty_table,
    load_customers,
    load_interactions,
    load_own_data,
    load_surveys,
    load_transactions,
    parse_dates,
    parse_numbers,
)
from helpers.synthetic import (
    DEFAULT_CUSTOMERS,
    DEFAULT_MONTHS,
    DEFAULT_PARAMS,
    DEFAULT_SCENARIO,
    DEFAULT_SEED,
    DEFAULT_START,
    SCENARIOS,
    generate,
)

#: Environment variable that overrides the default data folder.
DATA_DIR_ENV = "CRM_DATA_DIR"
#: Name of the file that records what the generator wrote into a folder.
MANIFEST = "manifest.json"
README = "README.md"
TRUTH_DIR = "truth"
#: The customers' true product tastes (:attr:`helpers.company.Truth.customer_tastes`).
TASTES_FILE = "truth/customer_tastes.csv"
#: Subfolder of ``datasets/`` with example data sets in an analyst's own layout (see ``helpers.example_data``).
EXAMPLES_DIR = "examples"
PARAMS_FILE = "truth/params.json"

#: One-line description of each table, for the data dictionary.
TABLE_DESCRIPTIONS = {
    "customers": "One row per customer ever acquired, with how and when they were acquired.",
    "transactions": "One row per purchase (a customer can buy several times a month).",
    "interactions": "One row per contact between a customer and the company: the moments of truth.",
    "surveys": "One row per survey answer; each month about 8 % of active customers answer.",
    "bonds": "One row per enrolment of a customer in a retention programme (a bond level).",
    "churn": "One row per customer lost, with the day and the primary reason.",
    "employees": "One row per customer-facing employee, from the internal survey and HR records.",
    "stage_history": "The latent relationship stage: one row each time a customer entered a stage.",
    "customer_traits": "Latent traits the generator drew for each customer.",
}


class FolderNotEmptyError(FileExistsError):
    """Raised when writing would overwrite files that the generator did not write."""


# --------------------------------------------------------------------------- locations


def default_data_dir() -> Path:
    """The folder :func:`load_company` reads when given no path.

    ``$CRM_DATA_DIR`` if set, otherwise ``datasets/`` at the root of the repository
    (found from the installed ``helpers`` package, so it works from any working folder).

    Returns
    -------
    pathlib.Path
        The folder as a :class:`~pathlib.Path` (it may not exist).

    Examples
    --------
    >>> default_data_dir().name
    'datasets'
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return Path(helpers.__file__).resolve().parents[2] / "datasets"


# --------------------------------------------------------------------------- writing


def _decimals(table: str, column: schema.Column) -> int:
    """Decimals written for a float column: money 2, age 0, employee satisfaction 1, else 4."""
    if column.unit.startswith("currency"):
        return 2
    if column.name == "age":
        return 0
    if table == "employees" and column.name == "satisfaction":
        return 1
    return 4


def _format_floats(values: np.ndarray, decimals: int) -> list[str]:
    fmt = f"%.{decimals}f"
    return ["" if v != v else fmt % v for v in values.tolist()]


def table_to_csv(df: pd.DataFrame, table: str, columns=None) -> bytes:
    """Render one table as deterministic CSV bytes (UTF-8, ``\\n`` line ends, no index).

    Dates are written ``YYYY-MM-DD``; money with 2 decimals, rates and latent traits with
    4, ages as whole years; missing values as empty fields.

    Parameters
    ----------
    df : pandas.DataFrame
        the table, with the columns of ``schema.TABLES[table]`` (or ``TRUTH_TABLES``).
    table : str
        the table's name.
    columns : sequence of helpers.schema.Column, optional
        the schema columns (default: looked up from ``table``).

    Returns
    -------
    bytes
        The file content as bytes.

    Examples
    --------
    >>> table_to_csv(generate(300, seed=1).churn, "churn")[:30]
    b'customer_id,date,reason\\n5,2022'
    """
    columns = columns or {**schema.TABLES, **schema.TRUTH_TABLES}[table]
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for col in columns:
        series = df[col.name]
        if col.dtype == "float64":
            out[col.name] = _format_floats(series.to_numpy(dtype=np.float64), _decimals(table, col))
        else:
            out[col.name] = series.to_numpy()
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n", date_format="%Y-%m-%d")
    return buffer.getvalue().encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files_in(folder: Path) -> list[str]:
    """Relative paths of the files in ``folder`` (hidden files and folders and the
    ``examples/`` folder of analyst-style data sets ignored).
    """
    found = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if rel.parts[0] == EXAMPLES_DIR:
            continue
        if p.is_file() and not any(part.startswith(".") for part in rel.parts):
            found.append(rel.as_posix())
    return found


def _read_manifest(folder: Path) -> dict | None:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return None
    return manifest


def _check_can_write(folder: Path, force: bool) -> dict | None:
    """Refuse to write into a folder holding files the generator did not write.

    Returns the folder's previous manifest (None if there is none).
    """
    if not folder.exists():
        return None
    if not folder.is_dir():
        raise FolderNotEmptyError(_("{folder} exists and is not a folder; choose another --out").format(folder=folder))
    present = _files_in(folder)
    manifest = _read_manifest(folder)
    if not present:
        return manifest
    if manifest is None:
        foreign, modified = [p for p in present], []
    else:
        listed = manifest["files"]
        foreign = [p for p in present if p not in listed and p != MANIFEST]
        modified = [
            p
            for p in present
            if p in listed and _sha256((folder / p).read_bytes().replace(b"\r\n", b"\n")) != listed[p]
        ]
    if (foreign or modified) and not force:

        def listed(files: list[str]) -> str:
            more = " " + _("and {count} more").format(count=len(files) - 5) if len(files) > 5 else ""
            return ", ".join(files[:5]) + more

        lines = []
        if foreign:
            lines.append(_("it holds files the generator did not write: {files}").format(files=listed(foreign)))
        if modified:
            lines.append(_("these generated files were changed since: {files}").format(files=listed(modified)))
        raise FolderNotEmptyError(
            _("Refusing to write into {folder}: {problems}.").format(folder=folder, problems="; ".join(lines))
            + " "
            + _("Choose an empty or new folder, or pass force=True (--force on the command line) to overwrite.")
        )
    return manifest


def save_company(company: Company, path, *, force: bool = False) -> dict[str, str]:
    """Write a company as CSV files: one per table, the truth under ``truth/``.

    Writes ``<table>.csv`` for every table of ``schema.TABLES``; if ``company.truth`` is
    set, also ``truth/stage_history.csv``, ``truth/customer_traits.csv``,
    ``truth/customer_tastes.csv`` (when the truth has the tastes),
    ``truth/params.json`` and the data dictionary ``README.md``; and always
    ``manifest.json`` (the generator's arguments and the sha256 of every file). The output
    is deterministic: the same company gives the same bytes.

    A folder that already holds files the generator did not write (or generated files that
    were edited since) is never overwritten unless ``force=True``.

    Parameters
    ----------
    company : Company
        the company to write.
    path : str or pathlib.Path
        the folder (created if needed).
    force : bool, optional
        overwrite even a folder with foreign or edited files.

    Returns
    -------
    dict of str to str
        ``{relative file name: sha256}`` of the files written.

    Raises
    ------
    FolderNotEmptyError
        the folder holds files that are not the generator's.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "my_company"
    >>> sorted(save_company(generate(200, seed=1), folder))[:2]
    ['README.md', 'bonds.csv']
    """
    folder = Path(path)
    previous = _check_can_write(folder, force)
    files: dict[str, bytes] = {}
    for name, columns in schema.TABLES.items():
        files[f"{name}.csv"] = table_to_csv(getattr(company, name), name, columns)
    arguments = None
    if company.truth is not None:
        for name, columns in schema.TRUTH_TABLES.items():
            files[f"{TRUTH_DIR}/{name}.csv"] = table_to_csv(getattr(company.truth, name), name, columns)
        if company.truth.customer_tastes is not None:
            files[TASTES_FILE] = table_to_csv(company.truth.customer_tastes, "customer_tastes", CUSTOMER_TASTES)
        files[PARAMS_FILE] = (json.dumps(company.truth.params, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        files[README] = data_dictionary().encode("utf-8")
        arguments = company.truth.params.get("arguments")
    hashes = {name: _sha256(data) for name, data in sorted(files.items())}
    manifest = {
        "written_by": "helpers.synthetic" if company.truth is not None else "helpers.data.save_company",
        "format_version": 1,
        "arguments": arguments,
        "observation_end": pd.Timestamp(company.observation_end).strftime("%Y-%m-%d"),
        "note": "Files written by the course's generator. Regenerate with `make data`; do not edit by hand.",
        "files": hashes,
    }
    folder.mkdir(parents=True, exist_ok=True)
    if company.truth is not None:
        (folder / TRUTH_DIR).mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    if previous is not None:  # remove generated files of the previous run that were not rewritten
        for stale in previous["files"]:
            target = folder / stale
            if stale not in files and target.is_file() and ".." not in Path(stale).parts:
                target.unlink()
        truth_dir = folder / TRUTH_DIR
        if company.truth is None and truth_dir.is_dir() and not any(truth_dir.iterdir()):
            truth_dir.rmdir()
    (folder / MANIFEST).write_bytes((json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    return hashes


# --------------------------------------------------------------------------- reading


def _problem(file: Path, table: str, column: str, mask: np.ndarray, values, what: str) -> ValueError:
    rows = np.flatnonzero(mask)
    shown = ", ".join(_("line {line}: {value}").format(line=r + 2, value=repr(values[r])) for r in rows[:5])
    more = " " + _("(and {count} more)").format(count=len(rows) - 5) if len(rows) > 5 else ""
    return ValueError(
        _("{file}: table '{table}', column '{column}': {count} value(s) {what} — {values}").format(
            file=file, table=table, column=column, count=len(rows), what=what, values=shown
        )
        + more
    )


def _convert(raw: pd.Series, col: schema.Column, table: str, file: Path) -> pd.Series | pd.Categorical | np.ndarray:
    if str(raw.dtype) == col.dtype and col.dtype in ("int64", "float64", "bool"):
        return raw.to_numpy()  # already converted by the CSV parser
    values = raw.to_numpy(dtype=object)
    missing = raw.isna().to_numpy()
    if missing.any() and not col.nullable:
        raise _problem(file, table, col.name, missing, values, _("are empty but the column is required"))
    if col.dtype in ("int64", "float64"):
        num = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64)
        bad = np.isnan(num) & ~missing
        if bad.any():
            raise _problem(file, table, col.name, bad, values, _("are not numbers"))
        if col.dtype == "float64":
            return num
        bad = num != np.round(num)
        if bad.any():
            raise _problem(file, table, col.name, bad, values, _("are not whole numbers"))
        return pd.to_numeric(raw).to_numpy(dtype=np.int64)
    if col.dtype == "bool":
        mapping = {
            "True": True,
            "False": False,
            "true": True,
            "false": False,
            "TRUE": True,
            "FALSE": False,
            "1": True,
            "0": False,
        }
        mapped = raw.map(mapping)
        bad = mapped.isna().to_numpy()
        if bad.any():
            raise _problem(file, table, col.name, bad, values, _("are not True/False"))
        return mapped.to_numpy(dtype=bool)
    if col.dtype.startswith("datetime64"):
        dates = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
        bad = dates.isna().to_numpy() & ~missing
        if bad.any():
            raise _problem(file, table, col.name, bad, values, _("are not dates in the form YYYY-MM-DD"))
        return dates.to_numpy().astype("datetime64[ns]")
    if col.dtype == "category":
        labels = list(schema.CATEGORIES[col.name])
        bad = ~raw.isin(labels).to_numpy() & ~missing
        if bad.any():
            raise _problem(file, table, col.name, bad, values, _("are not one of {labels}").format(labels=labels))
        return pd.Categorical(raw, categories=labels, ordered=(col.name == "stage"))
    raise TypeError(f"schema: unknown dtype {col.dtype!r} for {table}.{col.name}")


def read_table(file, table: str, columns=None) -> pd.DataFrame:
    """Read one table's CSV file with the schema's columns and dtypes.

    Parameters
    ----------
    file : str or pathlib.Path
        path of the CSV file.
    table : str
        the table's name in ``schema.TABLES`` or ``schema.TRUTH_TABLES``.
    columns : sequence of helpers.schema.Column, optional
        the schema columns (default: looked up from ``table``).

    Returns
    -------
    pandas.DataFrame
        The table with exactly the schema's columns, in schema order and dtypes.

    Raises
    ------
    FileNotFoundError
        the file does not exist.
    ValueError
        a column is missing or unexpected, or a value does not fit its type
        (the message names the file, the column and the first bad lines).

    Examples
    --------
    >>> read_table(default_data_dir() / "churn.csv", "churn").dtypes.astype(str).to_dict()
    {'customer_id': 'int64', 'date': 'datetime64[ns]', 'reason': 'category'}
    """
    file = Path(file)
    columns = columns or {**schema.TABLES, **schema.TRUTH_TABLES}[table]
    if not file.is_file():
        raise FileNotFoundError(
            _("Table '{table}' is missing: no file {file} in {folder}").format(
                table=table, file=file.name, folder=file.parent
            )
        )
    try:
        header = pd.read_csv(file, nrows=0, dtype=str)
    except pd.errors.EmptyDataError as err:
        raise ValueError(
            _("{file}: table '{table}' is empty (expected a header line with {columns})").format(
                file=file, table=table, columns=[c.name for c in columns]
            )
        ) from err
    expected = [c.name for c in columns]
    missing = [c for c in expected if c not in header.columns]
    extra = [c for c in header.columns if c not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append(_("missing column(s) {columns}").format(columns=missing))
        if extra:
            parts.append(_("unexpected column(s) {columns}").format(columns=extra))
        raise ValueError(
            _("{file}: table '{table}' has {problems}; expected exactly {columns}").format(
                file=file,
                table=table,
                problems=parts[0]
                if len(parts) == 1
                else _("{first} and {second}").format(first=parts[0], second=parts[1]),
                columns=expected,
            )
        )
    # Fast path: let the CSV parser convert numbers and booleans. If anything does not fit,
    # read everything as text and convert column by column to report the first bad lines.
    fast = {c.name: (c.dtype if c.dtype in ("int64", "float64", "bool") else str) for c in columns}
    try:
        raw = pd.read_csv(file, dtype=fast, keep_default_na=False, na_values=[""])
        ok = all(c.nullable or c.dtype not in ("float64",) or not raw[c.name].isna().any() for c in columns)
    except (ValueError, TypeError):
        ok = False
    if not ok:
        raw = pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[""])
    return pd.DataFrame({col.name: _convert(raw[col.name], col, table, file) for col in columns})


def load_company(path=None) -> Company:
    """Load a company from a folder of CSV files (default: the bundled ``datasets/``).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        the folder; None reads ``$CRM_DATA_DIR`` if set, else the repository's
        ``datasets/`` folder.

    Returns
    -------
    Company
        A :class:`~helpers.company.Company` whose tables have exactly the columns and
        dtypes of ``schema.TABLES``. ``company.truth`` is None when the folder has no
        ``truth/`` subfolder (real data).

    Raises
    ------
    FileNotFoundError
        the folder or one of the table files is missing.
    ValueError
        a table does not fit the schema.

    Examples
    --------
    >>> company = load_company()
    >>> company.customers.shape[0]
    5000
    """
    folder = default_data_dir() if path is None else Path(path)
    if not folder.is_dir():
        hint = " " + _("Run `make data` to create it, or set CRM_DATA_DIR.") if path is None else ""
        raise FileNotFoundError(_("No data folder at {folder}.").format(folder=folder) + hint)
    absent = [f"{name}.csv" for name in schema.TABLES if not (folder / f"{name}.csv").is_file()]
    if absent:
        raise FileNotFoundError(
            _("The data folder {folder} is missing table file(s): {files}").format(
                folder=folder, files=", ".join(absent)
            )
        )
    tables = {name: read_table(folder / f"{name}.csv", name, columns) for name, columns in schema.TABLES.items()}

    truth = None
    truth_dir = folder / TRUTH_DIR
    manifest = _read_manifest(folder)
    if truth_dir.is_dir():
        needed = [f"{name}.csv" for name in schema.TRUTH_TABLES] + ["params.json"]
        absent = [n for n in needed if not (truth_dir / n).is_file()]
        if absent:
            raise FileNotFoundError(
                _("The ground-truth folder {folder} is missing: {files}").format(
                    folder=truth_dir, files=", ".join(absent)
                )
            )
        params = json.loads((truth_dir / "params.json").read_text(encoding="utf-8"))
        customers = tables["customers"]
        truth = Truth(
            params=params,
            stage_history=read_table(truth_dir / "stage_history.csv", "stage_history"),
            customer_traits=read_table(truth_dir / "customer_traits.csv", "customer_traits"),
            signup_date=pd.Series(
                customers["signup_date"].to_numpy(),
                index=pd.Index(customers["customer_id"].to_numpy(), name="customer_id"),
            ),
            customer_tastes=read_table(folder / TASTES_FILE, "customer_tastes", CUSTOMER_TASTES)
            if (folder / TASTES_FILE).is_file()
            else None,
        )
    if truth is not None and "observation_end" in truth.params:
        end = pd.Timestamp(truth.params["observation_end"])
    elif manifest is not None and manifest.get("observation_end"):
        end = pd.Timestamp(manifest["observation_end"])
    else:
        dates = [
            df[c.name].max()
            for name, df in tables.items()
            for c in schema.TABLES[name]
            if c.dtype.startswith("datetime64") and len(df)
        ]
        end = max(dates) if dates else pd.NaT
    return Company(**tables, truth=truth, observation_end=end)


def _resolve_data_dir(data_dir) -> Path:
    """``data_dir`` as given if it exists, else relative to the repository (lessons run from ``notebooks/``)."""
    path = Path(data_dir).expanduser()
    if path.exists() or path.is_absolute():
        return path
    in_repository = Path(helpers.__file__).resolve().parents[2] / path
    if not in_repository.exists():
        return path
    try:  # relative to the working folder, so that messages and reports do not depend on the machine
        return Path(os.path.relpath(in_repository))
    except ValueError:  # another drive (Windows)
        return in_repository


def is_course_layout(folder) -> bool:
    """Whether ``folder`` holds the course's own CSV files (one per table) and no mapping file.

    Examples
    --------
    >>> is_course_layout(default_data_dir()), is_course_layout(default_data_dir() / "examples" / "messy_shop")
    (True, False)
    """
    folder = Path(folder)
    return (
        folder.is_dir()
        and not (folder / MAPPING_FILE).is_file()
        and all((folder / f"{name}.csv").is_file() for name in schema.TABLES)
    )


def lesson_company(data_dir=None, seed: int = DEFAULT_SEED) -> Company:
    """The company a lesson runs on, from the two values of its ``parameters`` cell.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        None for the course's company; a folder of CSV files shaped like
        ``datasets/`` (read by :func:`load_company`); or an analyst's own data: a
        folder with a ``mapping.toml``, the path of a mapping file, or a folder of
        files named like the course's tables (read by :func:`load_own_data`, which
        prints its load report). A relative path that does not exist from the working
        folder is looked up from the repository's root, so
        ``DATA_DIR = "datasets/examples/messy_shop"`` works from ``notebooks/``.
    seed : int, optional
        used only when ``data_dir`` is None. The course's seed (2024) loads the
        bundled files; any other seed generates a company of the same size with that
        seed, so an instructor can give each class its own data.

    Examples
    --------
    >>> lesson_company().customers.shape[0]
    5000
    >>> lesson_company(seed=7).customers["signup_date"].equals(lesson_company().customers["signup_date"])
    False
    >>> own = lesson_company("datasets/examples/messy_shop")  # doctest: +ELLIPSIS
    Loaded your data from ...mapping.toml
    ...
    >>> own.missing
    ('bonds', 'employees')
    """
    if data_dir is not None:
        path = _resolve_data_dir(data_dir)
        if is_course_layout(path):
            return load_company(path)
        company = load_own_data(path, engine="pandas")  # the lessons work on the rows themselves
        print(company.load_report)
        return company
    if seed == DEFAULT_SEED:
        return load_company()
    return generate(seed=seed)


# --------------------------------------------------------------------------- data dictionary


def _type_label(col: schema.Column) -> str:
    if col.dtype == "category":
        return "category: " + ", ".join(f"`{label}`" for label in schema.CATEGORIES[col.name])
    return {"int64": "integer", "float64": "number", "bool": "True/False", "datetime64[ns]": "date"}.get(
        col.dtype, col.dtype
    )


def _column_table(table: str, columns) -> str:
    lines = ["| Column | Type | Unit | Meaning | Spanish term |", "|---|---|---|---|---|"]
    for col in columns:
        kind = _type_label(col) + (" (may be empty)" if col.nullable else "")
        lines.append(f"| `{col.name}` | {kind} | {col.unit} | {col.meaning} | {col.spanish} |")
    return "\n".join(lines)


def _pct(x: float) -> str:
    return f"{100 * x:g} %"


def _narrative() -> str:
    P = DEFAULT_PARAMS
    cost = P["acquisition_cost_mean"]
    churn = P["base_churn"]["by_channel"]
    bond_f, bond_c = P["bond_churn_factor"], P["bond_cost_per_month"]
    rate = P["purchase_rate"]
    sat_churn, sat_buy = P["satisfaction_churn_factor"], P["purchase_satisfaction_multiplier"]
    stage_f = P["stage_churn_factor"]
    icost = P["interaction_cost"]
    channels = ", ".join(f"{k} {cost[k]:g} (base churn {_pct(churn[k])}/month)" for k in schema.ACQUISITION_CHANNELS)
    return f"""## How the data was generated

The company is simulated by `helpers/synthetic.py` (its module docstring states the whole
causal model; every number is in `truth/params.json`). In plain words:

- **Customers** join over {DEFAULT_MONTHS} months from {DEFAULT_START}, a few more each month than the
  month before. {_pct(P["share_b2b"])} are businesses (B2B), the rest consumers (B2C).
  Acquisition channels differ in cost per customer and in quality: {channels}.
  Referred customers are the best; customers from social media are cheap but leave sooner.
- **Employees and service** (the service-profit chain, Heskett et al. 1994): there is one
  employee per {round(1 / P["employees_per_customer"])} customers. Customers served by a more satisfied employee
  receive better service (a latent `service_quality`), which raises their satisfaction, lowers
  their complaints and gets their complaints resolved more often.
- **Relationship stages** (Johnson & Selnes 2004): everyone starts as a *stranger*; month by
  month customers may move up to *acquaintance*, *friend* and *partner* — faster when they are
  completely satisfied, receive good service and hold bonds — or slip back one stage when
  they are dissatisfied. Partners are rare.
- **Satisfaction** is mostly 4, then 5 and 3, rarely 1–2. An unresolved complaint lowers it
  sharply for two months; a resolved one only a little (service recovery). About
  {_pct(P["survey_rate"])} of active customers answer a survey each month; the recommendation score
  (0–10), trust, commitment and the perception − expectation gap all move with satisfaction.
- **Purchases** per month: {", ".join(f"{k} {v:g}" for k, v in rate.items())} on average, multiplied by
  {", ".join(f"{v:g}" for v in sat_buy.values())} for satisfaction 1–5: the completely satisfied buy far more than the
  merely satisfied (Jones & Sasser 1995). Spending differs a lot between customers (businesses
  about five times more); promotions cut the price, not the cost, so they cut the margin.
- **Interactions** are purchases, service requests, inquiries and complaints; serving a contact
  costs {", ".join(f"{k} {v:g}" for k, v in icost.items())} (see `interaction_cost` in the parameters).
- **Retention bonds** (Berry & Parasuraman): financial, social, customization and structural
  programmes, open to later stages, cost {", ".join(f"{v:g}" for v in bond_c.values())} a month and multiply the monthly
  churn risk by {", ".join(f"{v:g}" for v in bond_f.values())}: deeper bonds hold customers more strongly.
- **Churn**: each month a customer leaves with a probability = base churn × stage factor
  ({", ".join(f"{v:g}" for v in stage_f.values())}) × satisfaction factor ({", ".join(f"{v:g}" for v in sat_churn.values())} for 1–5)
  × {P["unresolved_complaint_churn_factor"]:g} after an unresolved complaint × the bond factors. The recorded reason depends on
  the situation: dissatisfied customers cite poor service or an unresolved complaint; satisfied
  customers without bonds leave for a better price or a competitor's offer (mercenaries).
- **As the literature reports** (the default `textbook` scenario): winning a customer costs more
  than the margin of their first year (Reichheld & Sasser 1990), so keeping one is far cheaper;
  each customer has product tastes of their own around the segment's mix (Peppers & Rogers);
  loyal customers cost less to serve, pay a small premium, take fewer promotions and recommend
  more (Reichheld 1996); experienced employees serve better, as satisfied ones do (Heskett et
  al. 1994). Other scenarios (`python -m helpers generate --scenario commodity`) switch these
  off; `truth/params.json` names the scenario a company was made with.

The bundled company has {DEFAULT_CUSTOMERS:,} customers and was generated with seed {DEFAULT_SEED}:

```
make data        # = python -m helpers generate --out datasets
```

regenerates every file byte for byte; `manifest.json` records the arguments and a checksum of
each file. To make a different company (say, one per class), run
`python -m helpers generate --customers 8000 --seed 7 --out my_company` and load it with
`load_company("my_company")`.

**`truth/` holds what a real company never sees**: the latent stage of every customer month by
month, each customer's latent service quality, spending level and base churn risk, their true
product tastes (`truth/customer_tastes.csv`), and every parameter of the simulation. Lessons use it to check whether an analysis found the truth;
analyses themselves should use only the other tables.
"""


def data_dictionary() -> str:
    """The data dictionary of the company's tables as Markdown (``datasets/README.md``).

    Rendered from :mod:`helpers.schema` (one table of columns per data table, with type,
    unit, meaning and Spanish term) plus a fixed section on how the data was generated.

    Returns
    -------
    str
        The Markdown text.

    Examples
    --------
    >>> data_dictionary().splitlines()[0]
    "# The company's data: data dictionary"
    """
    parts = [
        "# The company's data: data dictionary\n",
        "<!-- Generated by helpers.data.data_dictionary() from src/helpers/schema.py; do not edit by hand. -->\n",
        "This folder holds the course's synthetic company: one CSV file per table, UTF-8, comma-separated,\n"
        "with a header line. Dates are written `YYYY-MM-DD`; money is in the company's currency with two\n"
        'decimals; rates are fractions between 0 and 1; an empty field means "not applicable".\n'
        "Load everything with:\n\n"
        "```python\nfrom helpers.data import load_company\ncompany = load_company()   # company.customers, company.transactions, ...\n```\n",
        "## Tables\n",
    ]
    for name, columns in schema.TABLES.items():
        parts.append(f"### `{name}` (`{name}.csv`)\n\n{TABLE_DESCRIPTIONS[name]}\n\n{_column_table(name, columns)}\n")
    parts.append("## Ground truth (`truth/`)\n")
    parts.append(
        "Only the simulation knows these. `truth/params.json` holds every parameter of the causal model\n"
        "and the generator's arguments.\n"
    )
    for name, columns in schema.TRUTH_TABLES.items():
        parts.append(
            f"### `{name}` (`truth/{name}.csv`)\n\n{TABLE_DESCRIPTIONS[name]}\n\n{_column_table(name, columns)}\n"
        )
    parts.append(_narrative())
    return "\n".join(parts)


# --------------------------------------------------------------------------- command line


def generate_command(argv: list[str] | None = None) -> int:
    """``python -m helpers generate``: simulate a company and write it as CSV files.

    Parameters
    ----------
    argv : list of str, optional
        The command's arguments (``--customers``, ``--seed``, ``--start``, ``--months``,
        ``--scenario``, ``--out``, ``--force``, ``--progress``); None reads them from ``sys.argv``.

    Returns
    -------
    int
        0 when the files were written, 2 for a bad argument or a folder that holds
        files the generator did not write.

    Examples
    --------
    >>> import tempfile
    >>> generate_command(["--customers", "200", "--seed", "7", "--out", tempfile.mkdtemp()])  # doctest: +ELLIPSIS
    Wrote ...: customers 200, ...
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m helpers generate", description="Generate the course's synthetic company as CSV files."
    )
    parser.add_argument(
        "--customers", type=int, default=DEFAULT_CUSTOMERS, help=f"customers acquired (default {DEFAULT_CUSTOMERS})"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--start", default=DEFAULT_START, help=f"first month, YYYY-MM-DD (default {DEFAULT_START})")
    parser.add_argument(
        "--months", type=int, default=DEFAULT_MONTHS, help=f"months simulated (default {DEFAULT_MONTHS})"
    )
    parser.add_argument(
        "--scenario",
        default=DEFAULT_SCENARIO,
        choices=list(SCENARIOS),
        help=f"the company's scenario (default {DEFAULT_SCENARIO}): "
        + "; ".join(f"{name}: {s.description}" for name, s in SCENARIOS.items()),
    )
    parser.add_argument("--out", default="datasets", help="folder to write (default: datasets)")
    parser.add_argument(
        "--force", action="store_true", help="overwrite even if the folder holds files the generator did not write"
    )
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help="show a progress bar")
    args = parser.parse_args(argv)
    try:
        company = generate(
            args.customers,
            seed=args.seed,
            start=args.start,
            months=args.months,
            progress=args.progress,
            scenario=args.scenario,
        )
        save_company(company, args.out, force=args.force)
    except (ValueError, TypeError, FolderNotEmptyError) as err:
        print(_("error: {error}").format(error=err), file=sys.stderr)
        return 2
    counts = ", ".join(f"{k} {number(v, ',')}" for k, v in company.summary().items())
    print(_("Wrote {folder}: {counts}").format(folder=args.out, counts=counts))
    return 0
