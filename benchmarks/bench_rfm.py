"""Time helpers.rfm.rfm_summary on 1,000,000 transactions of 100,000 customers.

A script, not a test: ``.venv/bin/python benchmarks/bench_rfm.py``. Prints the best of
a few runs in milliseconds (the target is about a second).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from helpers.rfm import rfm_summary

N_TRANSACTIONS = 1_000_000
N_CUSTOMERS = 100_000
REPEATS = 3
SEED = 2005


def synthetic_transactions(rng: np.random.Generator) -> pd.DataFrame:
    """Random transactions over three years, datetime64 dates, amounts in currency."""
    start = np.datetime64("2022-01-01", "ns")
    seconds = rng.integers(0, 3 * 365 * 86_400, N_TRANSACTIONS)
    return pd.DataFrame({
        "customer_id": rng.integers(1, N_CUSTOMERS + 1, N_TRANSACTIONS),
        "date": start + seconds.astype("timedelta64[s]"),
        "amount": rng.gamma(2.0, 25.0, N_TRANSACTIONS).round(2),
    })


def main() -> None:
    transactions = synthetic_transactions(np.random.default_rng(SEED))
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        summary = rfm_summary(transactions, time_unit="W")
        timings.append(time.perf_counter() - started)
    print(f"rfm_summary: {N_TRANSACTIONS:,} transactions, {len(summary):,} customers: "
          f"best {min(timings) * 1000:.0f} ms, median {sorted(timings)[REPEATS // 2] * 1000:.0f} ms "
          f"over {REPEATS} runs")


if __name__ == "__main__":
    main()
