"""Time helpers.data.load_transactions on an analyst's CSV file of 1M and 5M rows, with its peak memory.

A script, not a test: ``.venv/bin/python benchmarks/bench_load.py`` (``--sizes 200000`` for
other sizes, ``--repeats 3``). The file is synthetic, in the course's columns
(customer_id,date,amount,cost): 1 customer for every 10 transactions written as plain whole
numbers, ISO days over three years, amounts and costs with two decimals; it is written once
per size to a temporary folder. Each load runs in a fresh Python process, so that its peak
memory (the maximum resident set size, as ``/usr/bin/time -v`` reports it) is its own; the
script prints one row per size with the best time of ``--repeats`` loads, the rows read per
second, the peak memory and, for comparison, the memory of that process before loading.

Plain files like this one are read by pyarrow and converted vectorised
(:func:`helpers.own_data._plain_layout`); a file with rows that need reporting (extra
delimiters, quotes inside fields) is read row by row as before, several times slower.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2024
DAYS = 3 * 365
# The peak is the process's VmHWM (reset by exec, unlike ru_maxrss, which a child inherits
# from this process at fork); ru_maxrss where /proc is absent.
CHILD = """
import json, resource, sys, time
from helpers.data import load_transactions

def peak_kb():
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

before = peak_kb()
start = time.perf_counter()
frame = load_transactions(sys.argv[1], customer_col="customer_id", date_col="date", amount_col="amount",
                          cost_col="cost")
seconds = time.perf_counter() - start
print(json.dumps({"rows": len(frame), "seconds": seconds, "peak_kb": peak_kb(), "before_kb": before}))
"""


def write_transactions(path: Path, rows: int, rng: np.random.Generator) -> None:
    """A CSV file of ``rows`` random purchases in the course's columns."""
    days = np.datetime64("2022-01-01") + rng.integers(0, DAYS, rows).astype("timedelta64[D]")
    amount = rng.gamma(2.0, 25.0, rows).round(2)
    pd.DataFrame(
        {
            "customer_id": rng.integers(1, rows // 10 + 1, rows),
            "date": pd.Series(days).dt.strftime("%Y-%m-%d"),
            "amount": amount,
            "cost": (amount * rng.uniform(0.3, 0.7, rows)).round(2),
        }
    ).to_csv(path, index=False)


def load_once(path: Path) -> dict:
    """Load ``path`` in a fresh process: rows, seconds, peak and starting memory (kB)."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    print(f"{'rows':>11} {'file MB':>8} {'seconds':>8} {'rows/s':>11} {'peak MB':>8} {'start MB':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.sizes:
            path = Path(folder) / f"transactions_{rows}.csv"
            write_transactions(path, rows, rng)
            runs = [load_once(path) for _ in range(args.repeats)]
            best = min(runs, key=lambda run: run["seconds"])
            assert best["rows"] == rows, best
            print(
                f"{rows:>11,} {path.stat().st_size / 2**20:>8.0f} {best['seconds']:>8.2f} "
                f"{rows / best['seconds']:>11,.0f} {max(r['peak_kb'] for r in runs) / 1024:>8.0f} "
                f"{best['before_kb'] / 1024:>9.0f}"
            )
            path.unlink()


if __name__ == "__main__":
    main()
