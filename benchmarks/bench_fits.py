"""Fit BG/NBD and Gamma-Gamma on 100,000 customers: helpers against lifetimes and PyMC-Marketing.

A script, not a test: ``.venv/bin/python benchmarks/bench_fits.py`` (``--without
pymc-marketing`` skips the slowest comparison). The comparison packages are the ``bench``
extra: ``.venv/bin/pip install -e ".[bench]"``; a missing one is skipped with the command
that installs it.

Two customer bases of 100,000 customers observed for 39 weeks, drawn with
:func:`helpers.value.simulate_bgnbd` and :func:`helpers.value.simulate_gamma_gamma`:

* well-behaved: FHL's CDNOW estimates, BG/NBD r = 0.243, α = 4.414, a = 0.793, b = 2.426
  and Gamma-Gamma p = 6.25, q = 3.74, v = 15.44;
* degenerate: the same but nobody drops out (a = 1e-9): the BG/NBD likelihood rises as the
  dropout probabilities vanish, and the fit ends at a bound.

For each model and fitter: the best of three wall times (each fit from the summary table,
as a user calls it) and the log-likelihood at the fitted parameters, computed by the same
function (helpers') for all, with the ratios to helpers. The target: helpers at least 8×
faster than lifetimes, with a log-likelihood at least as high. PyMC-Marketing's fit is its
maximum a posteriori (``method="map"``) with flat priors, so that it is the maximum
likelihood too; its first fit also compiles the model, reported apart.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import time
import warnings
from collections.abc import Callable

import pandas as pd

from helpers.value import (
    bgnbd_log_likelihood,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
    simulate_bgnbd,
    simulate_gamma_gamma,
)

N_CUSTOMERS = 100_000
WEEKS = 39.0
REPEATS = 3
CDNOW_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
CDNOW_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}
DATA_SETS = {  # name: (BG/NBD parameters, seed)
    "well-behaved": (CDNOW_BGNBD, 2005),
    "degenerate (nobody drops out)": (CDNOW_BGNBD | {"a": 1e-9}, 1),
}
INSTALL = '.venv/bin/pip install -e ".[bench]"'

Fit = Callable[[pd.DataFrame], dict]


def customer_base(bgnbd: dict, seed: int) -> pd.DataFrame:
    customers = simulate_bgnbd(bgnbd, N_CUSTOMERS, WEEKS, rng=seed)
    spend = simulate_gamma_gamma(CDNOW_GAMMA_GAMMA, customers["frequency"], rng=seed)
    return customers.assign(monetary_value=spend["monetary_value"])


def repeat_buyers(summary: pd.DataFrame) -> pd.DataFrame:
    return summary[summary["frequency"] > 0]


def helpers_fitters() -> dict[str, Fit]:
    return {"BG/NBD": fit_bgnbd, "Gamma-Gamma": fit_gamma_gamma}


def lifetimes_fitters() -> dict[str, Fit]:
    """lifetimes 0.11 runs unchanged on numpy 2 and pandas 3 (no shim needed)."""
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    def bgnbd(summary):
        return BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"]).params_.to_dict()

    def gamma_gamma(summary):
        buyers = repeat_buyers(summary)
        return GammaGammaFitter().fit(buyers["frequency"], buyers["monetary_value"]).params_.to_dict()

    return {"BG/NBD": bgnbd, "Gamma-Gamma": gamma_gamma}


def pymc_marketing_fitters() -> dict[str, Fit]:
    """Maximum a posteriori with flat priors (the Gamma-Gamma model's default ones)."""
    from pymc_extras.prior import Prior
    from pymc_marketing.clv import BetaGeoModel, GammaGammaModel

    logging.getLogger("pymc").setLevel(logging.ERROR)

    def fitted(model, names):
        with contextlib.redirect_stdout(io.StringIO()):
            model.fit(method="map", progressbar=False)
        return {name: float(model.idata.posterior[name].values.ravel()[0]) for name in names}

    def bgnbd(summary):
        data = summary[["frequency", "recency", "T"]].rename_axis("customer_id").reset_index()
        flat = {name: Prior("HalfFlat") for name in CDNOW_BGNBD}
        return fitted(BetaGeoModel(data=data, model_config=flat), CDNOW_BGNBD)

    def gamma_gamma(summary):
        data = repeat_buyers(summary)[["frequency", "monetary_value"]].rename_axis("customer_id").reset_index()
        return fitted(GammaGammaModel(data=data), CDNOW_GAMMA_GAMMA)

    return {"BG/NBD": bgnbd, "Gamma-Gamma": gamma_gamma}


FITTERS = {"helpers": helpers_fitters, "lifetimes": lifetimes_fitters, "pymc-marketing": pymc_marketing_fitters}
LOG_LIKELIHOOD = {"BG/NBD": bgnbd_log_likelihood, "Gamma-Gamma": gamma_gamma_log_likelihood}


def available(names: list[str]) -> dict[str, dict[str, Fit]]:
    """The fitters of each package that imports; the others are named with how to install them."""
    found = {}
    for name in names:
        try:
            found[name] = FITTERS[name]()
        except ImportError as error:
            print(f"{name}: skipped, it does not import ({error}). Install the comparison packages with: {INSTALL}")
    return found


def timed(fit: Fit, summary: pd.DataFrame):
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        params = fit(summary)
    return time.perf_counter() - started, {name: float(value) for name, value in params.items()}


def compare(summary: pd.DataFrame, model: str, fitters: dict[str, dict[str, Fit]]) -> list[dict]:
    """Best of REPEATS interleaved runs per fitter (a busy machine slows them alike)."""
    rows = {name: {"fitter": name, "times": [], "error": None} for name in fitters}
    for round_ in range(REPEATS):
        for name, fits in fitters.items():
            row = rows[name]
            if row["error"]:
                continue
            try:
                seconds, row["params"] = timed(fits[model], summary)
            except Exception as error:  # a fitter that fails is reported, not fatal
                row["error"] = f"{type(error).__name__}: {str(error).strip().splitlines()[0][:70]}"
                continue
            row["times"].append(seconds)
            if round_ == 0:
                row["first"] = seconds
    for row in rows.values():
        if not row["error"]:
            row["best"] = min(row["times"])
            row["log_likelihood"] = LOG_LIKELIHOOD[model](row["params"], summary)
    return list(rows.values())


def print_table(title: str, rows: list[dict]) -> None:
    reference = next(row for row in rows if row["fitter"] == "helpers")
    print(f"\n{title}")
    print(f"  {'fitter':<15}{'best of 3':>11}{'÷ helpers':>11}{'log-likelihood':>19}{'− helpers':>12}  parameters")
    for row in rows:
        if row["error"]:
            print(f"  {row['fitter']:<15}failed: {row['error']}")
            continue
        params = ", ".join(f"{name} {value:.5g}" for name, value in row["params"].items())
        print(
            f"  {row['fitter']:<15}{row['best'] * 1000:>8.0f} ms{row['best'] / reference['best']:>10.1f}×"
            f"{row['log_likelihood']:>19,.5f}{row['log_likelihood'] - reference['log_likelihood']:>12.2g}  {params}"
        )
    if "first" in next((row for row in rows if row["fitter"] == "pymc-marketing"), {}):
        first = next(row for row in rows if row["fitter"] == "pymc-marketing")["first"]
        print(f"  (pymc-marketing's first fit, which compiles the model: {first:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        choices=["lifetimes", "pymc-marketing"],
        help="skip a comparison package",
    )
    arguments = parser.parse_args()
    fitters = available([name for name in FITTERS if name not in arguments.without])
    verdicts = []
    for data_name, (bgnbd, seed) in DATA_SETS.items():
        summary = customer_base(bgnbd, seed)
        distinct = len(summary[["frequency", "recency", "T"]].drop_duplicates())
        for model in ("BG/NBD", "Gamma-Gamma"):
            customers = (
                f"{N_CUSTOMERS:,} customers, {distinct:,} distinct summaries"
                if model == "BG/NBD"
                else f"{len(repeat_buyers(summary)):,} repeat buyers"
            )
            rows = compare(summary, model, fitters)
            print_table(f"{model}, {data_name} ({customers})", rows)
            helpers_row = rows[0]
            lifetimes_row = next((row for row in rows if row["fitter"] == "lifetimes"), None)
            if lifetimes_row and not lifetimes_row["error"]:
                speed_up = lifetimes_row["best"] / helpers_row["best"]
                gain = helpers_row["log_likelihood"] - lifetimes_row["log_likelihood"]
                # equal to rounding counts as "at least as high"
                as_high = gain >= -1e-9 * abs(helpers_row["log_likelihood"])
                verdicts.append(
                    f"{model}, {data_name}: {speed_up:.1f}× faster than lifetimes "
                    f"({'meets' if speed_up >= 8 else 'misses'} 8×), log-likelihood "
                    f"{gain:+.2g} ({'at least as high' if as_high else 'LOWER'})"
                )
    print("\nTarget (≥ 8× faster than lifetimes, log-likelihood at least as high):")
    for verdict in verdicts or ["lifetimes is not installed: no comparison"]:
        print(f"  {verdict}")


if __name__ == "__main__":
    main()
