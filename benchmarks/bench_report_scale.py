"""Time the manager report at scale: pandas in memory, DuckDB out of core, Spark on this machine.

A script, not a test: ``.venv/bin/python benchmarks/bench_report_scale.py`` (all cases, about an
hour on 2 cores and 30 GB of disk in the temporary folder), or pick the cases::

    .venv/bin/python benchmarks/bench_report_scale.py --memory 1000000 5000000 --out-of-core 0 --spark 0

Each case is one ``python -m helpers report`` in a fresh process, as an analyst runs it, on
synthetic transactions (one customer for every 20 purchases, three years of days, amounts and
costs in cents): the time from start to the page written, and the process's peak resident
memory. Spark's own memory is that of its Java process, not counted here (local mode, its
default 1 GB driver).

* **in memory**: the same CSV file read by pandas (``--engine pandas``) and streamed by DuckDB
  (``--engine duckdb``), side by side with their ratio;
* **out of core**: Parquet files (ten of them) given as a glob, read by DuckDB;
* **Spark**: the Parquet files of one size read by local Spark (``--engine spark``).

Every page is compared with the pandas page of the same data (or, out of core, with DuckDB's
page of the CSV of the same rows when that was made): everything but the line naming the
files and the load report must be identical, to the byte.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

SEED = 2026
PURCHASES_PER_CUSTOMER = 20
FIRST_DAY = np.datetime64("2022-01-01", "D")
DAYS = 3 * 365
CHUNK = 5_000_000


def synthetic_chunk(rows: int, customers: int, rng: np.random.Generator) -> pa.Table:
    """Random purchases: whole-number ids, days over three years, amounts and costs in cents."""
    amount = np.round(rng.gamma(2.0, 25.0, rows) + 1.0, 2)
    return pa.table(
        {
            "customer_id": rng.integers(1, customers + 1, rows),
            "date": (FIRST_DAY + rng.integers(0, DAYS, rows)).astype("datetime64[us]"),
            "amount": amount,
            "cost": np.round(amount * rng.uniform(0.5, 0.8, rows), 2),
        }
    )


SCHEMA = synthetic_chunk(1, 1, np.random.default_rng(0)).schema


def write_rows(rows: int, folder: Path, *, parquet_files: int = 0) -> Path:
    """``rows`` purchases as ``folder/sales.csv``, or as ``parquet_files`` Parquet files; the path or glob."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([SEED, rows])
    customers = max(rows // PURCHASES_PER_CUSTOMER, 1)
    chunks = [min(CHUNK, rows - start) for start in range(0, rows, CHUNK)]
    if parquet_files:
        per_file = -(-len(chunks) // parquet_files)
        for number in range(parquet_files):
            part = chunks[number * per_file : (number + 1) * per_file]
            if part:
                with pq.ParquetWriter(folder / f"sales_{number:02d}.parquet", SCHEMA) as out:
                    for size in part:
                        out.write_table(synthetic_chunk(size, customers, rng))
        return folder / "sales_*.parquet"
    path = folder / "sales.csv"
    with pa_csv.CSVWriter(path, SCHEMA.set(1, pa.field("date", pa.date32()))) as out:
        for size in chunks:
            table = synthetic_chunk(size, customers, rng)
            out.write_table(table.set_column(1, "date", table["date"].cast(pa.date32())))
    return path


def run_report(transactions: str, engine: str, out: Path) -> dict:
    """One report in a fresh process: seconds, peak memory in MB and the page."""
    command = [sys.executable, __file__, "--child", transactions, engine, str(out)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"the report failed ({engine}, {transactions}):\n{done.stderr[-3000:]}")
    peak = json.loads(done.stdout.strip().splitlines()[-1])["peak_mb"]
    return {"seconds": seconds, "peak_mb": peak, "page": out.read_text(encoding="utf-8")}


def child(transactions: str, engine: str, out: str) -> None:
    """The report as ``python -m helpers report`` makes it, then this process's peak memory."""
    from helpers.report import main

    status = main(["--transactions", transactions, "--engine", engine, "--out", out, "--force"])
    if status:
        sys.exit(status)
    print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def comparable(page: str) -> str:
    """The page without what names the files and how they were read."""
    page = re.sub(r"<p>Files: .*?</p>", "", page)
    return re.sub(r"<details><summary>How the files were read</summary>.*?</details>", "", page, flags=re.S)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--memory", type=int, nargs="*", default=[1_000_000, 5_000_000, 20_000_000])
    parser.add_argument("--out-of-core", type=int, default=100_000_000, help="rows read from Parquet (0: none)")
    parser.add_argument("--spark", type=int, default=5_000_000, help="rows read by local Spark (0: none)")
    parser.add_argument("--keep", type=Path, help="a folder to write the data and pages to (default: temporary)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-scale-") as temporary:
        root = args.keep or Path(temporary)
        rows_out = []
        for rows in args.memory:
            csv_path = write_rows(rows, root / f"csv_{rows}")
            size = csv_path.stat().st_size / 1e6
            pandas = run_report(str(csv_path), "pandas", root / f"pandas_{rows}.html")
            duckdb = run_report(str(csv_path), "duckdb", root / f"duckdb_{rows}.html")
            same = comparable(pandas["page"]) == comparable(duckdb["page"])
            rows_out.append((f"{rows:,} rows, CSV {size:,.0f} MB", "pandas", pandas, 1.0, "reference"))
            rows_out.append(
                ("", "DuckDB", duckdb, duckdb["seconds"] / pandas["seconds"], "same page" if same else "DIFFERENT")
            )
        for rows, engine in ((args.spark, "spark"), (args.out_of_core, "duckdb")):
            if not rows:
                continue
            pattern = write_rows(rows, root / f"parquet_{rows}", parquet_files=10)
            size = sum(path.stat().st_size for path in pattern.parent.glob(pattern.name)) / 1e6
            result = run_report(str(pattern), engine, root / f"{engine}_parquet_{rows}.html")
            reference = next((r for r in rows_out if r[0].startswith(f"{rows:,} rows") and r[1] == "pandas"), None)
            check = (
                "no reference"
                if reference is None
                else ("same page" if comparable(result["page"]) == comparable(reference[2]["page"]) else "DIFFERENT")
            )
            name = "Spark (local)" if engine == "spark" else "DuckDB"
            rows_out.append((f"{rows:,} rows, Parquet {size:,.0f} MB", name, result, None, check))
    print(f"\nThe report end to end, one run each ({Path(sys.executable).name}, {_cores()} cores)")
    print(f"{'data':<36}{'engine':<15}{'seconds':>10}{'peak MB':>10}{'time ratio':>12}  check")
    for data, engine, result, ratio, check in rows_out:
        shown = "" if ratio is None else f"{ratio:.2f}×"
        print(f"{data:<36}{engine:<15}{result['seconds']:>10.1f}{result['peak_mb']:>10,.0f}{shown:>12}  {check}")


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
    else:
        main()
