"""Time and peak memory of the report's transaction tables: pandas vs DuckDB vs polars, at 1M and 5M rows.

A script, not a test: ``.venv/bin/python benchmarks/bench_engines.py`` (``--sizes 200000`` for
other sizes). The transactions are synthetic (a fixed seed; 1 customer for every 10
transactions, datetimes over three years, amounts and costs in cents), written once to a
Parquet file. Each measurement runs in a fresh Python process, so that its peak memory
(``resource.getrusage`` max RSS, which includes Python and the libraries, the "baseline"
column) is its own. Every engine computes the same tables: the per-customer base
(:func:`helpers.purchases.customer_base`), the RFM summary in weeks
(:func:`helpers.rfm.rfm_summary`) and the monthly purchasing cohorts:

* ``pandas``: the course's functions on the table read into memory;
* ``duckdb (memory)``: :class:`helpers.engines.DuckDBTransactions` over the same pandas table;
* ``duckdb (parquet)``: the same, streaming the Parquet file (the table never in pandas);
* ``duckdb (parquet, 1GB)``: the same with DuckDB's memory limit at 1 GB (it spills to disk past it);
* ``polars``: the same tables as polars expressions (not the course's code: a reference point).

"load" is reading the file, "compute" the three tables; the ratios are to pandas
(2.0 = twice as long or twice as much memory); "above" is the peak above the baseline.
DuckDB and polars use every core; pandas one. Before printing, the script checks that every
engine found the same customers, revenue, repeat purchase days and spend, and cohort cells.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2026
END = pd.Timestamp("2024-12-31")
ENGINES = ("pandas", "duckdb (memory)", "duckdb (parquet)", "duckdb (parquet, 1GB)", "polars")
MEMORY_LIMIT = "1GB"  # DuckDB spills to a temporary folder past this


def synthetic_transactions(rows: int, seed: int = SEED) -> pd.DataFrame:
    """Random transactions over three years: int ids, datetime64 dates, amounts and costs in currency."""
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, 3 * 365 * 86_400, rows)
    amount = rng.gamma(2.0, 25.0, rows).round(2)
    return pd.DataFrame(
        {
            "customer_id": rng.integers(1, rows // 10 + 1, rows),
            "date": np.datetime64("2022-01-01", "ns") + seconds.astype("timedelta64[s]"),
            "amount": amount,
            "cost": (amount * rng.uniform(0.4, 0.8, rows)).round(2),
        }
    )


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- one measurement (in its own process) -----------------------------------------------------


def pandas_tables(transactions: pd.DataFrame) -> dict:
    from helpers.purchases import InMemory

    return engine_tables(InMemory(transactions))


def engine_tables(engine) -> dict:
    return {
        "base": engine.customer_base(END),
        "rfm": engine.rfm_summary(END, time_unit="W"),
        "cohorts": engine.cohort_table(END, freq="M"),
    }


def polars_tables(frame) -> dict:
    import polars as pl

    start = (END.to_period("M") - 11).to_timestamp()
    recent = (pl.col("date") >= start) & (pl.col("date") <= END)
    margin = pl.col("amount") - pl.col("cost")
    base = (
        frame.group_by("customer_id")
        .agg(
            first_purchase=pl.col("date").min(),
            last_purchase=pl.col("date").max(),
            purchases=pl.len(),
            revenue=pl.col("amount").sum(),
            margin=margin.sum(),
            revenue_recent=pl.when(recent).then(pl.col("amount")).otherwise(0.0).sum(),
            margin_recent=pl.when(recent).then(margin).otherwise(0.0).sum(),
        )
        .sort("customer_id")
    )
    days = (
        frame.filter(pl.col("date").dt.date() <= END.date())
        .group_by("customer_id", pl.col("date").dt.date().alias("day"))
        .agg(pl.col("amount").sum())
        .sort("customer_id", "day")
    )
    rfm = (
        days.group_by("customer_id", maintain_order=True)
        .agg(
            frequency=pl.len() - 1,
            recency=(pl.col("day").max() - pl.col("day").min()).dt.total_days() / 7.0,
            T=(pl.lit(END.date()) - pl.col("day").min()).dt.total_days() / 7.0,
            repeat=pl.col("amount").slice(1).sum(),
        )
        .with_columns(
            monetary_value=pl.when(pl.col("frequency") > 0).then(pl.col("repeat") / pl.col("frequency")).otherwise(0.0)
        )
    )
    month = (pl.col("date").dt.year() - 1970) * 12 + pl.col("date").dt.month() - 1
    cohort = frame.group_by("customer_id").agg(cohort=month.min())
    bought = frame.filter(pl.col("date") <= END).select("customer_id", period=month).unique()
    cells = (
        bought.join(cohort, on="customer_id")
        .group_by("cohort", age=pl.col("period") - pl.col("cohort"))
        .agg(buyers=pl.len())
        .sort("cohort", "age")
    )
    return {"base": base.to_pandas(), "rfm": rfm.to_pandas(), "cohorts": cells.to_pandas()}


def cohort_buyers(cohorts) -> int:
    """Customer-months with a purchase, summed over the cohort table (a check that engines agree)."""
    if isinstance(cohorts, pd.DataFrame):  # polars: (cohort, age, buyers) cells
        return int(cohorts["buyers"].sum())
    return int(np.nansum(cohorts.shares.to_numpy() * cohorts.sizes.to_numpy()[:, None]).round())


def measure(engine: str, parquet: str) -> dict:
    """Load and compute with one engine; seconds and peak memory (MB) of this process."""
    import duckdb  # every engine pays the same imports
    import polars as pl

    from helpers.engines import DuckDBTransactions

    baseline = peak_mb()
    started = time.perf_counter()
    if engine == "polars":
        data = pl.read_parquet(parquet)
    elif engine.startswith("duckdb (parquet"):
        connection = duckdb.connect()
        if engine.endswith("1GB)"):
            spill = tempfile.mkdtemp(prefix="bench_engines_spill_")
            connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'; SET temp_directory = '{spill}'")
        data = DuckDBTransactions(parquet, connection=connection)
    else:
        data = pd.read_parquet(parquet)
    loaded = time.perf_counter()
    if engine == "pandas":
        tables = pandas_tables(data)
    elif engine == "polars":
        tables = polars_tables(data)
    elif engine == "duckdb (memory)":
        tables = engine_tables(DuckDBTransactions(data))
    else:
        tables = engine_tables(data)
    done = time.perf_counter()
    customers = len(tables["base"])
    return {
        "load_s": loaded - started,
        "compute_s": done - loaded,
        "peak_mb": peak_mb(),
        "baseline_mb": baseline,
        "customers": customers,
        "revenue": float(tables["base"]["revenue"].sum()),
        "repeat_days": int(tables["rfm"]["frequency"].sum()),
        "repeat_spend": float((tables["rfm"]["frequency"] * tables["rfm"]["monetary_value"]).sum()),
        "cohort_cells": cohort_buyers(tables["cohorts"]),
    }


# --- the driver ---------------------------------------------------------------------------------


def run_in_subprocess(engine: str, parquet: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", engine, "--parquet", str(parquet)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--measure", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--parquet", help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        synthetic_transactions(args.generate).to_parquet(args.parquet)
        return
    if args.measure:
        print(json.dumps(measure(args.measure, args.parquet)))
        return
    with tempfile.TemporaryDirectory(prefix="bench_engines_") as folder:
        for rows in args.sizes:
            parquet = Path(folder) / f"transactions_{rows}.parquet"
            started = time.perf_counter()
            # In a process of its own: a child forked from a big parent would count the parent's memory.
            subprocess.run([sys.executable, __file__, "--generate", str(rows), "--parquet", str(parquet)], check=True)
            print(
                f"\n{rows:,} transactions, {rows // 10:,} customer ids "
                f"(generated and written in {time.perf_counter() - started:.1f} s, "
                f"{parquet.stat().st_size / 1e6:.0f} MB of Parquet)"
            )
            results = {engine: run_in_subprocess(engine, parquet) for engine in ENGINES}
            reference = results["pandas"]
            for engine, result in results.items():
                exact = ("customers", "repeat_days", "cohort_cells")
                close = ("revenue", "repeat_spend")
                if any(result[k] != reference[k] for k in exact) or not all(
                    np.isclose(result[k], reference[k], rtol=1e-9) for k in close
                ):
                    raise SystemExit(f"{engine} does not agree with pandas: {result} vs {reference}")
            total = reference["load_s"] + reference["compute_s"]
            extra = reference["peak_mb"] - reference["baseline_mb"]
            print(
                f"{'engine':<24}{'load s':>8}{'compute s':>11}{'total s':>9}{'× pandas':>10}"
                f"{'peak MB':>9}{'baseline':>10}{'above':>7}{'× pandas':>10}"
            )
            for engine, r in results.items():
                seconds = r["load_s"] + r["compute_s"]
                above = r["peak_mb"] - r["baseline_mb"]
                print(
                    f"{engine:<24}{r['load_s']:>8.2f}{r['compute_s']:>11.2f}{seconds:>9.2f}{seconds / total:>10.2f}"
                    f"{r['peak_mb']:>9.0f}{r['baseline_mb']:>10.0f}{above:>7.0f}{above / extra:>10.2f}"
                )


if __name__ == "__main__":
    main()
