"""Time helpers.rfm.rfm_summary against lifetimes, polars and DuckDB SQL at 1M and 5M rows.

A script, not a test: ``.venv/bin/python benchmarks/bench_rfm.py`` (``--sizes 200000`` for
other sizes, ``--repeats 5``). The transactions are synthetic: 1 customer for every 10
transactions, datetimes over three years, amounts in cents. Each implementation turns the
same pandas table into the same customer summary (frequency, recency and T in weeks, mean
repeat spend; observation ends on the last date) and returns it as a pandas table; the
script first checks that all the outputs agree, then prints one table with the best time
of ``--repeats`` runs and the ratio to helpers (2.0 = twice as long as helpers).

polars and DuckDB are also timed without the conversions, on their own frame or table
(the "native" rows), to compare the engines alone. They use every core; helpers uses one.

Missing packages are skipped with the command that installs them::

    .venv/bin/pip install polars duckdb lifetimes      # or: pip install -e '.[bench]'
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from helpers.rfm import rfm_summary

SEED = 2005
DAYS_PER_WEEK = 7.0
COLUMNS = ["frequency", "recency", "T", "monetary_value"]
INSTALL = ".venv/bin/pip install {name}   (or all of them: .venv/bin/pip install -e '.[bench]')"


def synthetic_transactions(rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """Random transactions over three years: int ids, datetime64 dates, amounts in currency."""
    start = np.datetime64("2022-01-01", "ns")
    seconds = rng.integers(0, 3 * 365 * 86_400, rows)
    return pd.DataFrame(
        {
            "customer_id": rng.integers(1, rows // 10 + 1, rows),
            "date": start + seconds.astype("timedelta64[s]"),
            "amount": rng.gamma(2.0, 25.0, rows).round(2),
        }
    )


# --- the implementations -------------------------------------------------------------------


def helpers_summary(transactions: pd.DataFrame) -> pd.DataFrame:
    return rfm_summary(transactions, time_unit="W")


def lifetimes_summary(transactions: pd.DataFrame) -> pd.DataFrame:
    from lifetimes.utils import summary_data_from_transaction_data

    # freq="D" with a multiplier of 7: weeks counted in days, as helpers does (freq="W"
    # would count calendar weeks instead).
    return summary_data_from_transaction_data(
        transactions, "customer_id", "date", monetary_value_col="amount", freq="D", freq_multiplier=7
    )


def polars_query(frame):
    """The summary in polars, written the usual way: two group-bys on a lazy frame."""
    import polars as pl

    days = pl.col("last_day").max() - pl.col("first_day")  # observation ends on the last purchase day
    return (
        frame.lazy()
        .group_by("customer_id", pl.col("date").dt.date().alias("day"))
        .agg(pl.col("amount").sum())
        .group_by("customer_id")
        .agg(
            frequency=pl.len().cast(pl.Int64) - 1,
            first_day=pl.col("day").min(),
            last_day=pl.col("day").max(),
            repeat_total=pl.col("amount").sum() - pl.col("amount").sort_by("day").first(),
        )
        .select(
            "customer_id",
            "frequency",
            recency=(pl.col("last_day") - pl.col("first_day")).dt.total_days() / DAYS_PER_WEEK,
            T=days.dt.total_days() / DAYS_PER_WEEK,
            monetary_value=pl.when(pl.col("frequency") > 0)
            .then(pl.col("repeat_total") / pl.col("frequency"))
            .otherwise(0.0),
        )
        .sort("customer_id")
        .collect()
    )


def polars_summary(transactions: pd.DataFrame) -> pd.DataFrame:
    import polars as pl

    return polars_query(pl.from_pandas(transactions)).to_pandas().set_index("customer_id")


SQL = f"""
WITH daily AS (
    SELECT customer_id, CAST(date AS DATE) AS day, SUM(amount) AS amount
    FROM transactions
    GROUP BY customer_id, day
), per_customer AS (
    SELECT customer_id,
           COUNT(*) - 1 AS frequency,
           MIN(day) AS first_day,
           MAX(day) AS last_day,
           SUM(amount) - ARG_MIN(amount, day) AS repeat_total
    FROM daily
    GROUP BY customer_id
)
SELECT customer_id,
       frequency,
       (last_day - first_day) / {DAYS_PER_WEEK} AS recency,
       ((SELECT MAX(day) FROM daily) - first_day) / {DAYS_PER_WEEK} AS "T",
       CASE WHEN frequency > 0 THEN repeat_total / frequency ELSE 0.0 END AS monetary_value
FROM per_customer
ORDER BY customer_id
"""


def duckdb_summary(transactions: pd.DataFrame) -> pd.DataFrame:
    import duckdb

    with duckdb.connect() as connection:
        connection.register("transactions", transactions)
        return connection.execute(SQL).df().set_index("customer_id")


def arrow_result(connection):
    """The summary as an Arrow table, without going through pandas (DuckDB 1.x and 2.x)."""
    relation = connection.sql(SQL)
    return relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()


# --- checks and timing ---------------------------------------------------------------------


def as_comparable(summary: pd.DataFrame) -> pd.DataFrame:
    """Sorted by customer id, the four columns as float64."""
    return summary[COLUMNS].sort_index().astype(float)


def check_agreement(results: dict[str, pd.DataFrame], reference: str) -> float:
    """Raise unless every summary has the reference's customers and frequencies and values
    within 1e-9 (relative) of it; return the largest relative difference seen."""
    expected = as_comparable(results[reference])
    worst = 0.0
    for name, summary in results.items():
        got = as_comparable(summary)
        if not got.index.equals(expected.index):
            raise SystemExit(f"{name}: other customers than {reference}")
        if not np.array_equal(got["frequency"].to_numpy(), expected["frequency"].to_numpy()):
            raise SystemExit(f"{name}: other frequencies than {reference}")
        for column in COLUMNS[1:]:
            a, b = got[column].to_numpy(), expected[column].to_numpy()
            if not np.allclose(a, b, rtol=1e-9, atol=1e-9):
                raise SystemExit(f"{name}: {column} differs from {reference} by up to {np.abs(a - b).max():g}")
            worst = max(worst, float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))))
    return worst


def best_time(run: Callable[[], object], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def available(module: str) -> str | None:
    """The version of an importable package, or None (printing how to install it)."""
    try:
        return importlib.import_module(module).__version__
    except Exception as error:  # missing, or broken with this numpy/pandas
        print(f"  {module} skipped ({type(error).__name__}: {error}); install it with: " + INSTALL.format(name=module))
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    print("Packages:")
    versions = {module: available(module) for module in ("lifetimes", "polars", "duckdb")}
    for module, version in versions.items():
        if version:
            print(f"  {module} {version}")
    rows: dict[str, tuple[str, Callable]] = {"helpers": ("helpers.rfm.rfm_summary", helpers_summary)}
    if versions["lifetimes"]:
        rows["lifetimes"] = (f"lifetimes {versions['lifetimes']} summary_data_from_transaction_data", lifetimes_summary)
    if versions["polars"]:
        rows["polars"] = (f"polars {versions['polars']} (pandas in and out)", polars_summary)
        rows["polars native"] = (f"polars {versions['polars']} (native frame)", None)
    if versions["duckdb"]:
        rows["duckdb"] = (f"DuckDB {versions['duckdb']} SQL (pandas in and out)", duckdb_summary)
        rows["duckdb native"] = (f"DuckDB {versions['duckdb']} SQL (native table)", None)

    times: dict[int, dict[str, float]] = {}
    for size in args.sizes:
        transactions = synthetic_transactions(size, np.random.default_rng(SEED))
        results = {name: run(transactions) for name, (_, run) in rows.items() if run is not None}
        worst = check_agreement(results, "helpers")
        print(
            f"{size:,} rows, {len(results['helpers']):,} customers: outputs agree (same customers and "
            f"frequencies, other columns within {worst:.1e} relative)"
        )
        times[size] = {
            name: best_time(lambda run=run: run(transactions), args.repeats)
            for name, (_, run) in rows.items()
            if run is not None
        }
        if versions["polars"]:
            import polars as pl

            frame = pl.from_pandas(transactions)
            times[size]["polars native"] = best_time(lambda: polars_query(frame), args.repeats)
            del frame
        if versions["duckdb"]:
            import duckdb

            with duckdb.connect() as connection:
                connection.register("transactions_frame", transactions)
                connection.execute("CREATE TABLE transactions AS SELECT * FROM transactions_frame")
                connection.unregister("transactions_frame")
                times[size]["duckdb native"] = best_time(lambda: arrow_result(connection), args.repeats)

    print_table(rows, times, args.sizes, args.repeats)


def print_table(rows, times, sizes, repeats) -> None:
    label_width = max(len(label) for label, _ in rows.values())
    header = f"{'':<{label_width}}" + "".join(f" | {f'{size:,} rows':>20}" for size in sizes)
    if len(sizes) > 1:
        header += f" | {f'{sizes[-1] / sizes[0]:g}× rows':>10}"
    subheader = f"{'':<{label_width}}" + " | {:>8}  {:>10}".format("seconds", "/ helpers") * len(sizes)
    if len(sizes) > 1:
        subheader += f" | {'× time':>10}"
    print(
        f"\nRFM summary, best of {repeats} runs, {os.cpu_count()} CPU cores "
        "(ratio = time / helpers' time: above 1 is slower than helpers)"
    )
    print(header)
    print(subheader)
    print("-" * len(subheader))
    for name, (label, _) in rows.items():
        line = f"{label:<{label_width}}"
        for size in sizes:
            seconds = times[size][name]
            line += f" | {seconds:>8.3f}  {seconds / times[size]['helpers']:>9.2f}×"
        if len(sizes) > 1:
            line += f" | {times[sizes[-1]][name] / times[sizes[0]][name]:>9.2f}×"
        print(line)


if __name__ == "__main__":
    main()
