"""Time and peak memory of the synthetic-company generator at 10k, 100k and 1M customers.

Each size runs in its own Python process, so the peak resident memory (``ru_maxrss``) of
that process is the generator's peak. Not a test; run it by hand::

    .venv/bin/python benchmarks/bench_generate.py            # 10k, 100k, 1M
    .venv/bin/python benchmarks/bench_generate.py 50000      # other sizes
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
import numpy as np
from helpers.synthetic import generate
n = int(sys.argv[1])
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
company = generate(n_customers=n, seed=2024, progress=False)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(json.dumps({"customers": n, "seconds": seconds, "peak_mib": peak / 1024, "import_mib": baseline / 1024,
                  "summary": company.summary()}))
"""


def run(n: int) -> dict:
    """Generate ``n`` customers in a fresh process; return its timing and peak memory."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(n)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [10_000, 100_000, 1_000_000]
    print(f"{'customers':>10} {'seconds':>8} {'peak MiB':>9} {'transactions':>13} {'interactions':>13}")
    for n in sizes:
        r = run(n)
        s = r["summary"]
        print(
            f"{n:>10,} {r['seconds']:>8.1f} {r['peak_mib']:>9.0f} {s['transactions']:>13,} {s['interactions']:>13,}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
