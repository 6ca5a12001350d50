"""How fast each lesson's what-if widget answers a slider move.

Runs every lesson notebook's code (without a browser) up to each widget cell, then moves
the widget's first control back and forth and times the redraw: the scenario's model,
the figure and its PNG. Not a test; run it by hand on a quiet machine::

    .venv/bin/python benchmarks/bench_widgets.py            # every lesson
    .venv/bin/python benchmarks/bench_widgets.py 03         # lessons whose name starts with 03
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import ipywidgets  # noqa: E402
import nbformat  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MOVES = 10


def controls_of(box: ipywidgets.Widget) -> list[ipywidgets.ValueWidget]:
    """The value widgets inside a widget tree, in display order."""
    found = []
    for child in getattr(box, "children", ()):
        if isinstance(child, ipywidgets.ValueWidget) and not isinstance(child, (ipywidgets.Output, ipywidgets.Image)):
            found.append(child)
        found += controls_of(child)
    return found


def run_cell(shell: InteractiveShell, source: str) -> object:
    """Execute a cell as Jupyter would (magics included); return the value of its last expression.

    A ``%%needs`` line only guards a cell against data that lacks a table; the course data
    has every table, so the body runs directly and its value is returned.
    """
    if source.startswith("%%needs"):
        source = source.split("\n", 1)[1]
    result = shell.run_cell(source)
    result.raise_error()
    return result.result


def time_widget(box: ipywidgets.Widget) -> list[float]:
    """Milliseconds of each redraw while the first control moves between two values (nothing kept from before)."""
    control = controls_of(box)[0]
    start = control.value
    other = (
        start + (control.step or 1)
        if hasattr(control, "max") and start + (control.step or 1) <= control.max
        else start - (control.step or 1)
    )
    times = []
    for move in range(MOVES):
        if hasattr(box, "forget"):  # a widget that keeps charts would answer from memory
            box.forget()
        t0 = time.perf_counter()
        control.value = other if move % 2 == 0 else start
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main(prefix: str = "") -> None:
    print(f"{'lesson':36} {'widget':>6} {'median ms':>10} {'slowest ms':>11}")
    for path in sorted((ROOT / "notebooks").glob(f"{prefix}*.ipynb")):
        shell = InteractiveShell.instance()
        shell.reset()
        number = 0
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            with contextlib.redirect_stdout(io.StringIO()):
                value = run_cell(shell, cell.source)
            if "nbval-ignore-output" in cell.metadata.get("tags", []) and isinstance(value, ipywidgets.Widget):
                number += 1
                with contextlib.redirect_stdout(io.StringIO()):
                    times = time_widget(value)
                print(f"{path.stem:36} {number:>6} {statistics.median(times):>10.0f} {max(times):>11.0f}")


if __name__ == "__main__":
    main(*sys.argv[1:])
