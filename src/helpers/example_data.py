"""A deliberately messy example of "your own data", made from the synthetic company.

``datasets/examples/messy_shop/`` looks like what a small shop exports from its tills, CRM
and survey tool, so that the course can show (lesson 09) how to get from the first error
message to the full analysis, and every lesson can be run on data that lacks tables::

    python -m helpers.example_data          # rewrites datasets/examples/messy_shop/ byte for byte

What is messy, on purpose (each fault is handled by a line of ``mapping.toml``):

* Spanish column names and labels (``Cliente``, ``Fecha``, ``Importe``; channels ``Tienda``,
  ``Online``, ...) and text customer ids (``CL-00042``).
* Day-first dates (``31/01/2024``; the survey tool writes ``2024-01-31``).
* Amounts as currency text with thousands separators: ``1.234,50 €``; semicolon-separated
  files with Windows line ends.
* The customer list in the Windows encoding (cp1252), as old Excel versions save CSV.
* Returns as negative amounts, and a few bad rows: impossible or missing dates, unreadable
  or missing amounts, a missing customer id, purchases of a customer not in the customer
  list, survey scores outside the 1–5 scale, a survey dated after the end of the data.
* Only four tables: transactions, customers, surveys and interactions (no bonds, churn or
  employees), and no acquisition cost, age or cost of service.

The files are made deterministically from :func:`helpers.synthetic.generate` (seed
:data:`EXAMPLE_SEED`) and a second random generator with the same seed for the faults.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.retention import INACTIVE_DAYS
from helpers.synthetic import generate

EXAMPLE_NAME = "messy_shop"
EXAMPLE_SEED = 909
EXAMPLE_CUSTOMERS = 1500
#: Share of purchases later returned (written as a negative amount a few days later).
RETURN_SHARE = 0.015

CATEGORY_ES = {
    "basics": "Básicos",
    "accessories": "Accesorios",
    "premium": "Premium",
    "services": "Servicios",
    "subscriptions": "Suscripciones",
}
CHANNEL_ES = {"web": "Online", "phone": "Teléfono", "email": "E-mail", "face_to_face": "Tienda"}
SEGMENT_ES = {"B2C": "Particular", "B2B": "Empresa"}
REGION_ES = {"north": "Norte", "south": "Sur", "east": "Este", "west": "Oeste", "centre": "Centro"}
ACQUISITION_ES = {
    "search_ads": "Google Ads",
    "social_media": "Redes sociales",
    "referral": "Recomendación",
    "trade_fair": "Feria",
    "sales_team": "Comercial",
}
TYPE_ES = {"purchase": "Compra", "service_request": "Solicitud", "complaint": "Queja", "inquiry": "Consulta"}

#: The faults written into the transactions file: (column, bad value) per row.
TRANSACTION_FAULTS = (
    ("Fecha", "31/02/2023"),
    ("Fecha", "sin fecha"),
    ("Importe", "n/d"),
    ("Importe", ""),
    ("Cliente", ""),
    ("Cliente", "CL-99999"),
    ("Cliente", "CL-99999"),
)
#: The faults written into the surveys file.
SURVEY_FAULTS = (("satisfaccion", "6"), ("satisfaccion", "0"), ("fecha_respuesta", "2025-01-15"))


def _inverse(labels: dict[str, str]) -> str:
    return "\n".join(f'"{ours}" = "{course}"' for course, ours in labels.items())


MAPPING = f"""\
# How the files of this folder map to the course's tables.
# Read by helpers.data.load_own_data("datasets/examples/{EXAMPLE_NAME}"); see datasets/examples/README.md.
# Only [transactions] is required: leave out the section of a table you do not have.

[settings]                       # defaults for every file (a table's section may override them)
date_format = "%d/%m/%Y"         # day/month/year; "auto" detects the format
decimal = ","                    # 1.234,50 € = one thousand two hundred thirty-four and a half
thousands = "."
encoding = "utf-8"
observation_end = "2024-12-31"   # last day the data covers (default: the day of the last purchase)
on_bad_rows = "exclude"          # leave bad rows out and list them in the load report ("raise" stops at them)
exclude_returns = true           # negative amounts are returns: leave them out and count them

[churn]                          # there is no file of lost customers, so churn is derived:
inactive_days = {INACTIVE_DAYS}              # no purchase for {INACTIVE_DAYS} days = lost (on the last purchase + {INACTIVE_DAYS} days)

[transactions]
file = "ventas.csv"
delimiter = ";"

[transactions.columns]           # the course's name = "the column in your file"
customer_id = "Cliente"
date = "Fecha"
amount = "Importe"
cost = "Coste"
category = "Familia"             # product families keep their own names
channel = "Canal"

[transactions.values.channel]    # your label = the course's label (web, phone, email, face_to_face)
{_inverse(CHANNEL_ES)}

[customers]
file = "clientes.csv"
encoding = "cp1252"              # saved by an old Excel: Windows encoding, not UTF-8

[customers.columns]
customer_id = "Nº cliente"
signup_date = "Fecha alta"
segment = "Tipo"
region = "Zona"
acquisition_channel = "Origen"

[customers.values.segment]
{_inverse(SEGMENT_ES)}

[customers.values.region]
{_inverse(REGION_ES)}

[customers.values.acquisition_channel]
{_inverse(ACQUISITION_ES)}

[surveys]
file = "encuestas.csv"
date_format = "%Y-%m-%d"         # the survey tool writes year-month-day

[surveys.columns]
customer_id = "cliente"
date = "fecha_respuesta"
satisfaction = "satisfaccion"    # 1-5
recommend = "recomendaria_0_10"  # 0-10, the NPS question

[interactions]
file = "contactos.csv"

[interactions.columns]
customer_id = "Cliente"
date = "Fecha"
channel = "Canal"
type = "Motivo"
resolved = "Resuelto"            # Sí / No
rating = "Valoración"            # 1-5

[interactions.values.channel]
{_inverse(CHANNEL_ES)}

[interactions.values.type]
{_inverse(TYPE_ES)}
"""


def _money(values: np.ndarray, suffix: str = "") -> list[str]:
    """Spanish money text: 1234.5 -> '1.234,50 €'."""
    return [f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") + suffix for v in values.tolist()]


def _day(dates: pd.Series, fmt: str) -> list[str]:
    return pd.Series(dates).dt.strftime(fmt).tolist()


def _csv(header: list[str], columns: list[list[str]], delimiter: str, newline: str = "\n") -> str:
    rows = [delimiter.join(header)] + [delimiter.join(cells) for cells in zip(*columns)]
    return newline.join(rows) + newline


def messy_shop_files(seed: int = EXAMPLE_SEED, n_customers: int = EXAMPLE_CUSTOMERS) -> dict[str, bytes]:
    """The files of the messy example: ``{file name: bytes}``, the same bytes for the same arguments.

    Parameters
    ----------
    seed : int, optional
        seed of the synthetic company and of the faults.
    n_customers : int, optional
        customers of the synthetic company.

    Returns
    -------
    dict of str to bytes
        ``ventas.csv``, ``clientes.csv``, ``encuestas.csv``, ``contactos.csv`` and ``mapping.toml``.

    Examples
    --------
    >>> files = messy_shop_files(n_customers=100)
    >>> files["ventas.csv"].splitlines()[0].decode()
    'Fecha;Cliente;Familia;Canal;Importe;Coste'
    """
    company = generate(n_customers, seed=seed)
    rng = np.random.default_rng(seed)
    end = company.observation_end

    def cid(ids) -> list[str]:
        return [f"CL-{i:05d}" for i in np.asarray(ids).tolist()]

    # transactions: purchases plus returns (negative amounts a few days later), in date order
    tx = company.transactions
    returned = np.flatnonzero(rng.random(len(tx)) < RETURN_SHARE)
    back = tx.iloc[returned]
    later = (back["date"] + pd.to_timedelta(rng.integers(1, 21, len(back)), unit="D")).clip(upper=end)
    sales = (
        pd.DataFrame(
            {
                "date": pd.concat([tx["date"], later], ignore_index=True),
                "customer": cid(np.concatenate([tx["customer_id"].to_numpy(), back["customer_id"].to_numpy()])),
                "category": [CATEGORY_ES[c] for c in pd.concat([tx["category"], back["category"]]).astype(str)],
                "channel": [CHANNEL_ES[c] for c in pd.concat([tx["channel"], back["channel"]]).astype(str)],
                "amount": _money(np.concatenate([tx["amount"].to_numpy(), -back["amount"].to_numpy()]), " €"),
                "cost": _money(tx["cost"].to_numpy()) + [""] * len(back),
                "is_return": np.r_[np.zeros(len(tx), dtype=bool), np.ones(len(back), dtype=bool)],
            }
        )
        .sort_values("date", kind="stable")
        .reset_index(drop=True)
    )
    sales["day"] = _day(sales["date"], "%d/%m/%Y")
    columns = {"Fecha": "day", "Cliente": "customer", "Importe": "amount"}
    candidates = np.flatnonzero(~sales["is_return"].to_numpy())
    rows = np.sort(rng.choice(candidates, size=len(TRANSACTION_FAULTS), replace=False))
    for row, (column, value) in zip(rows, TRANSACTION_FAULTS):
        sales.loc[row, columns[column]] = value
    text = _csv(
        ["Fecha", "Cliente", "Familia", "Canal", "Importe", "Coste"],
        [sales[c].tolist() for c in ("day", "customer", "category", "channel", "amount", "cost")],
        ";",
        "\r\n",
    )
    lines = text.split("\r\n")
    blank = int(rng.integers(len(lines) // 3, 2 * len(lines) // 3))
    ventas = "\r\n".join(lines[:blank] + [""] + lines[blank:])  # an empty line, as hand-edited exports have

    customers = company.customers
    clientes = _csv(
        ["Nº cliente", "Fecha alta", "Tipo", "Zona", "Origen"],
        [
            cid(customers["customer_id"]),
            _day(customers["signup_date"], "%d/%m/%Y"),
            [SEGMENT_ES[s] for s in customers["segment"].astype(str)],
            [REGION_ES[r] for r in customers["region"].astype(str)],
            [ACQUISITION_ES[a] for a in customers["acquisition_channel"].astype(str)],
        ],
        ",",
        "\r\n",
    )

    sv = company.surveys
    survey = pd.DataFrame(
        {
            "customer": cid(sv["customer_id"]),
            "day": _day(sv["date"], "%Y-%m-%d"),
            "satisfaccion": sv["satisfaction"].astype(str),
            "recomendaria_0_10": sv["recommend"].astype(str),
        }
    )
    rows = np.sort(rng.choice(len(survey), size=len(SURVEY_FAULTS), replace=False))
    for row, (column, value) in zip(rows, SURVEY_FAULTS):
        survey.loc[row, "day" if column == "fecha_respuesta" else column] = value
    encuestas = _csv(
        ["cliente", "fecha_respuesta", "satisfaccion", "recomendaria_0_10"],
        [survey[c].tolist() for c in ("customer", "day", "satisfaccion", "recomendaria_0_10")],
        ",",
    )

    it = company.interactions
    contactos = _csv(
        ["Cliente", "Fecha", "Canal", "Motivo", "Resuelto", "Valoración"],
        [
            cid(it["customer_id"]),
            _day(it["date"], "%d/%m/%Y"),
            [CHANNEL_ES[c] for c in it["channel"].astype(str)],
            [TYPE_ES[t] for t in it["type"].astype(str)],
            ["Sí" if r else "No" for r in it["resolved"].tolist()],
            it["rating"].astype(str).tolist(),
        ],
        ";",
    )

    return {
        "clientes.csv": clientes.encode("cp1252"),
        "contactos.csv": contactos.encode("utf-8"),
        "encuestas.csv": encuestas.encode("utf-8"),
        "mapping.toml": MAPPING.encode("utf-8"),
        "ventas.csv": ventas.encode("utf-8"),
    }


def example_dir() -> Path:
    """``datasets/examples/messy_shop`` in the repository."""
    import helpers

    return Path(helpers.__file__).resolve().parents[2] / "datasets" / "examples" / EXAMPLE_NAME


def write_example(out=None, *, seed: int = EXAMPLE_SEED, n_customers: int = EXAMPLE_CUSTOMERS) -> dict[str, str]:
    """Write the messy example's files into ``out`` (default ``datasets/examples/messy_shop``).

    Only the example's own file names are written; nothing else in the folder is touched.

    Returns
    -------
    dict of str to str
        ``{file name: sha256}`` of the files written.
    """
    folder = Path(out) if out is not None else example_dir()
    folder.mkdir(parents=True, exist_ok=True)
    files = messy_shop_files(seed, n_customers)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m helpers.example_data [--out FOLDER]``."""
    parser = argparse.ArgumentParser(prog="python -m helpers.example_data", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None, help="folder to write (default: datasets/examples/messy_shop)")
    args = parser.parse_args(argv)
    written = write_example(args.out)
    print(f"Wrote {', '.join(sorted(written))} to {args.out or example_dir()}", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
