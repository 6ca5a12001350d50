"""Time the manager report (``python -m helpers report``) on about 1,000,000 transactions.

A script, not a test: ``.venv/bin/python benchmarks/bench_report.py``. It generates a
synthetic company of 95,000 customers (about a million purchases), writes its tables as
CSV files in a temporary folder and times

* the command end to end, as an analyst runs it (a fresh ``python -m helpers report``
  process: start-up, reading the files, every section, the charts, writing the page);
* each stage in this process: loading the files, each section, each chart, the HTML.

Two data sets: the transactions alone, and the transactions with the customers and
surveys files (which add the recorded signup dates, the loyalty matrix and the NPS).
The target is well under a minute end to end.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers import report
from helpers.data import load_own_data, table_to_csv
from helpers.synthetic import generate

N_CUSTOMERS = 95_000
SEED = 2024


def write_tables(company, folder: Path, tables: tuple[str, ...]) -> None:
    """The company's tables as the course's CSV files (course column names) in ``folder``."""
    folder.mkdir()
    for table in tables:
        (folder / f"{table}.csv").write_bytes(table_to_csv(getattr(company, table), table))


def stages(folder: Path) -> tuple[dict[str, float], int]:
    """Seconds per stage of the report made in this process from the files in ``folder``."""
    started = time.perf_counter()
    company = load_own_data(folder)
    timings = {"load files": time.perf_counter() - started}
    data = report.compute_report(company)
    page = report.render_report(data, sources=[str(folder)])
    timings.update(data.timings)
    started = time.perf_counter()
    (folder / "in_process.html").write_text(page, encoding="utf-8")
    timings["write page"] = time.perf_counter() - started
    return timings, len(page)


def end_to_end(arguments: list[str], out: Path) -> float:
    """Wall-clock seconds of a fresh ``python -m helpers report`` process."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "helpers", "report", *arguments, "--out", str(out), "--force"],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started


def main() -> None:
    started = time.perf_counter()
    company = generate(N_CUSTOMERS, seed=SEED, progress=False)
    print(
        f"generated {len(company.transactions):,} transactions of {N_CUSTOMERS:,} customers "
        f"({company.transactions['customer_id'].nunique():,} buyers), {len(company.surveys):,} survey answers "
        f"in {time.perf_counter() - started:.1f} s"
    )
    with tempfile.TemporaryDirectory(prefix="bench-report-") as temporary:
        root = Path(temporary)
        sets = {
            "transactions only": (root / "sales", ("transactions",)),
            "+ customers, surveys": (root / "full", ("transactions", "customers", "surveys")),
        }
        results, sizes, totals = {}, {}, {}
        for name, (folder, tables) in sets.items():
            write_tables(company, folder, tables)
            arguments = (
                ["--transactions", str(folder / "transactions.csv")]
                if tables == ("transactions",)
                else ["--mapping", str(folder)]
            )
            totals[name] = end_to_end(arguments, folder / "report.html")
            results[name], sizes[name] = stages(folder)
    names = list(sets)
    rows = list(dict.fromkeys(stage for name in reversed(names) for stage in results[name]))  # the fuller set first
    print(f"\n{'stage (seconds)':<24}" + "".join(f"{name:>24}" for name in names))
    for stage in rows:
        print(
            f"{stage:<24}"
            + "".join(f"{results[name][stage]:>24.2f}" if stage in results[name] else f"{'–':>24}" for name in names)
        )
    print(f"{'sum of the stages':<24}" + "".join(f"{sum(results[name].values()):>24.2f}" for name in names))
    print(f"{'end to end (new process)':<24}" + "".join(f"{totals[name]:>24.2f}" for name in names))
    print(f"{'page size (MB)':<24}" + "".join(f"{sizes[name] / 1e6:>24.2f}" for name in names))


if __name__ == "__main__":
    main()
