"""How fast each lesson's what-if widget answers in the browser: a slider move until the new chart shows.

Opens every lesson with a widget in JupyterLab (Debian's Chromium, a temporary copy of the
course, see ``tests/browser/lab.py``), runs all cells, then for each widget:

* single moves: 10 presses of ArrowRight (or ArrowLeft, whichever way has more room) on
  its first slider's focused handle (a number box gets ArrowUp and Enter), each to a new
  value, timed from the key press until the widget's chart image has changed and loaded:
  the median and the slowest; then 4 moves back and forth to values already drawn ("seen");
* a burst: 5 presses 60 ms apart, timed from the last press until the last chart drawn
  (after 3 s without a new one), to new values where the slider has room (else back over
  values seen, marked *); the benchmark checks that this last chart is the final value's,
  by moving away and back and comparing the images.

Not a test; run it by hand on a quiet machine::

    .venv/bin/python benchmarks/bench_widgets_browser.py             # every lesson with a widget
    .venv/bin/python benchmarks/bench_widgets_browser.py 03 05       # lessons whose name starts so
    .venv/bin/python benchmarks/bench_widgets_browser.py --json out.json 03
    .venv/bin/python benchmarks/bench_widgets_browser.py --helpers /tmp/old_src   # another helpers/ version
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import chromium  # noqa: E402
from tests.browser.lab import PANEL, Lab, cell_errors, open_notebook, run_all  # noqa: E402

MOVES = 10
BURST = 5
BURST_GAP_MS = 60
QUIET_MS = 3000
TIMEOUT_MS = 20_000

#: The top-level widget boxes of the notebook's outputs (a what-if: controls above a chart).
BOXES = f"{PANEL} .jp-OutputArea-output > .widget-vbox"

#: Watches one widget: the time of each key press, and of each chart image that has changed and loaded.
WATCH = """(box) => {
    const log = {keys: [], draws: []};
    box.__bench = log;
    box.addEventListener('keydown', e => log.keys.push({key: e.key, t: performance.now()}), true);
    const drawn = img => {
        const done = () => requestAnimationFrame(() => log.draws.push({t: performance.now(), src: img.src}));
        if (img.complete && img.naturalWidth) done(); else img.addEventListener('load', done, {once: true});
    };
    new MutationObserver(changes => {
        for (const change of changes) {
            if (change.type === 'attributes' && change.target.tagName === 'IMG') drawn(change.target);
            for (const node of change.addedNodes) {
                if (node.tagName === 'IMG') drawn(node);
                else if (node.querySelectorAll) node.querySelectorAll('img').forEach(drawn);
            }
        }
    }).observe(box, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
}"""

#: SHA-256 of the image a src points to (a data: or blob: URL), to compare two charts.
DIGEST = """async (src) => {
    const bytes = await (await fetch(src)).arrayBuffer();
    const hash = await crypto.subtle.digest('SHA-256', bytes);
    return [...new Uint8Array(hash)].map(b => b.toString(16).padStart(2, '0')).join('');
}"""


def lessons_with_widgets(prefixes: list[str]) -> list[Path]:
    """The lesson notebooks that build a widget (``widgets.`` in their source), filtered by name prefix."""
    found = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        if "widgets." in path.read_text() and (not prefixes or path.stem.startswith(tuple(prefixes))):
            found.append(path)
    return found


class Control:
    """The first control of a widget box that the keyboard can move: a slider handle or a number box."""

    def __init__(self, box) -> None:
        self.box = box
        handles = box.locator(".noUi-handle")
        numbers = box.locator("input[type=number]")
        if handles.count():
            self.element, self.slider = handles.first, True
        elif numbers.count():
            self.element, self.slider = numbers.first, False
        else:
            raise LookupError("the widget has neither a slider nor a number box")

    def room(self) -> tuple[float, float]:
        """Steps available upwards and downwards (a number box: plenty both ways)."""
        if not self.slider:
            return 100.0, 100.0
        now, low, high = (
            float(self.element.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax")
        )
        return high - now, now - low

    def press(self, page, up: bool) -> None:
        """One step up or down, sent to the focused control."""
        self.element.focus()
        if self.slider:
            page.keyboard.press("ArrowRight" if up else "ArrowLeft")
        else:
            page.keyboard.press("ArrowUp" if up else "ArrowDown")
            page.keyboard.press("Enter")


def log_of(box) -> dict:
    return box.evaluate("box => box.__bench")


def wait_for_draw(page, box, after: int, timeout_ms: int = TIMEOUT_MS) -> dict:
    """Wait for the chart drawn after the ``after``-th recorded draw; return the log."""
    page.wait_for_function(
        "([box, n]) => box.__bench.draws.length > n", arg=[box.element_handle(), after], timeout=timeout_ms
    )
    return log_of(box)


def wait_for_quiet(page, box, quiet_ms: int = QUIET_MS, timeout_ms: int = 60_000) -> dict:
    """Wait until no new chart has been drawn for ``quiet_ms``; return the log."""
    start, count, since = time.monotonic(), -1, time.monotonic()
    while time.monotonic() - start < timeout_ms / 1000:
        log = log_of(box)
        if len(log["draws"]) != count:
            count, since = len(log["draws"]), time.monotonic()
        elif time.monotonic() - since >= quiet_ms / 1000:
            return log
        page.wait_for_timeout(100)
    raise TimeoutError("the widget kept redrawing")


def digest(page, src: str) -> str:
    return page.evaluate(DIGEST, src)


def single_move(page, box, control, up: bool) -> float:
    """Milliseconds from one key press until the widget's new chart has loaded."""
    n = len(log_of(box)["draws"])
    control.press(page, up=up)
    log = wait_for_draw(page, box, n)
    wait_for_quiet(page, box, quiet_ms=300)
    return log["draws"][n]["t"] - log["keys"][-1]["t"]


def measure(page, box) -> dict:
    """Single moves to new values, moves back to values seen, and a burst, on one widget box (milliseconds)."""
    box.scroll_into_view_if_needed()
    box.evaluate(WATCH)
    control = Control(box)
    up_room, down_room = control.room()
    first_up = up = up_room >= down_room
    start = control.room()[0]
    new_values = [single_move(page, box, control, up)]
    step = abs(control.room()[0] - start) or 1.0
    seen_values = []
    for _ in range(MOVES - 1):  # new values until the end of the slider, then back over values seen
        if control.room()[0 if up else 1] < step / 2:
            up = not up
        (new_values if up == first_up else seen_values).append(single_move(page, box, control, up))
    seen_values += [single_move(page, box, control, up=not up if i % 2 == 0 else up) for i in range(4)]
    # the burst: five steps to new values where there is room, else back over values seen
    room = control.room()[0 if up else 1] / step
    burst_up = up if room >= BURST else not up
    burst_to_new_values = burst_up == first_up and up == first_up
    n = len(log_of(box)["draws"])
    for press in range(BURST):
        control.press(page, up=burst_up)
        if press < BURST - 1:
            page.wait_for_timeout(BURST_GAP_MS)
    log = wait_for_quiet(page, box)
    last_key = log["keys"][-1]["t"]
    burst_draws = log["draws"][n:]
    final = burst_draws[-1]
    final_digest = digest(page, final["src"])
    # the final value's own chart: one step away and back, each waited for
    for direction in (not burst_up, burst_up):
        n = len(log_of(box)["draws"])
        control.press(page, up=direction)
        wait_for_draw(page, box, n)
        log = wait_for_quiet(page, box, quiet_ms=500)
    return {
        "median_ms": statistics.median(new_values),
        "slowest_ms": max(new_values),
        "moves_ms": new_values,
        "seen_median_ms": statistics.median(seen_values),
        "burst_final_ms": final["t"] - last_key,
        "burst_charts": len(burst_draws),
        "burst_to_new_values": burst_to_new_values,
        "burst_final_is_last_value": digest(page, log["draws"][-1]["src"]) == final_digest,
    }


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("prefixes", nargs="*", help="lesson name prefixes, e.g. 03")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--helpers", type=Path, help="a folder holding another version of the helpers package, to compare"
    )
    args = parser.parse_args(argv)
    reason = chromium.unavailable()
    if reason:
        sys.exit(f"cannot run the browser benchmark: {reason}")
    from playwright.sync_api import sync_playwright

    results = []
    header = (
        f"{'lesson':36} {'widget':>6} {'median ms':>10} {'slowest ms':>11} {'seen ms':>8} "
        f"{'burst final ms':>15} {'charts':>7} {'final ok':>9}"
    )
    print(header, flush=True)
    env = {"PYTHONPATH": str(args.helpers.resolve())} if args.helpers else {}
    with Lab(env=env) as lab, sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        for path in lessons_with_widgets(args.prefixes):
            context = browser.new_context(viewport={"width": 1280, "height": 1000})
            page = context.new_page()
            open_notebook(page, lab, f"notebooks/{path.name}")
            run_all(page)
            errors = cell_errors(page)
            if errors:
                raise RuntimeError(f"{path.name} failed to run in JupyterLab:\n{errors[0][:2000]}")
            boxes = page.locator(BOXES)
            if not boxes.count():
                raise RuntimeError(f"{path.name} ran in JupyterLab but shows no widget")
            for number in range(boxes.count()):
                result = {"lesson": path.stem, "widget": number + 1, **measure(page, boxes.nth(number))}
                results.append(result)
                print(
                    f"{path.stem:36} {number + 1:>6} {result['median_ms']:>10.0f} {result['slowest_ms']:>11.0f} "
                    f"{result['seen_median_ms']:>8.0f} {result['burst_final_ms']:>15.0f}"
                    f"{'' if result['burst_to_new_values'] else '*'} {result['burst_charts']:>7} "
                    f"{'yes' if result['burst_final_is_last_value'] else 'NO':>9}",
                    flush=True,
                )
            context.close()
            lab.shutdown_kernels()
        browser.close()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return results


if __name__ == "__main__":
    main()
