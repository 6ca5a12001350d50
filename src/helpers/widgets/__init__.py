"""What-if widgets: sliders wired to a pure scenario function that returns data and a figure.

A widget holds no logic of its own. Each lesson writes a *scenario* function (a plain
function of the slider values that returns a :class:`Scenario`: the model's numbers and
a matplotlib figure) and hands it to :func:`what_if` with its controls. Tests call the
scenario function directly, without a browser; the widget only redraws its figure.

>>> def scenario(churn=0.1):
...     return Scenario(data={"lifetime": 1 / churn}, figure=None)
>>> scenario(churn=0.2).data["lifetime"]
5.0
"""

from __future__ import annotations

import asyncio
import base64
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from helpers.formats import number
from helpers.glossary import label
from helpers.i18n import _, language
from helpers.plots import figure_png


class Scenario(NamedTuple):
    """What a scenario function returns: the model's results and the chart that shows them."""

    data: Any
    figure: Figure | None


def slider(
    description: str, value: float, min: float, max: float, step: float, *, fmt: str = ".2f"
) -> widgets.FloatSlider:
    """A slider with a readable label and readout; ``fmt`` is a format spec (".0%", ",.0f").

    ``description`` is shown as given: translate it where it is written
    (``slider(_("Monthly churn"), ...)``). In English the slider shows its own readout.
    In another language the browser's readout would write numbers the English way
    (``5,000.5``), so the slider hides it and a label beside it (:func:`readout_of`,
    laid out by :func:`what_if`) shows the value with :func:`helpers.formats.number`
    (``5.000,5`` in Spanish).

    >>> slider("Monthly churn", 0.05, 0, 0.3, 0.01, fmt=".0%").readout_format
    '.0%'
    """
    control = widgets.FloatSlider(
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
        readout_format=fmt,
        continuous_update=False,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="420px"),
    )
    if language() != "en":
        control.readout = False
        shown = widgets.Label(layout=widgets.Layout(min_width="4.5em"))

        def show(_change: object = None) -> None:
            shown.value = number(control.value, fmt)

        control.observe(show, names="value")
        show()
        control.readout_label = shown
    return control


def readout_of(control: widgets.Widget) -> widgets.Label | None:
    """The label showing ``control``'s value in the language in use, or None (the slider's own readout).

    >>> readout_of(slider("Churn", 0.1, 0, 1, 0.1)) is None   # English: the slider's own readout
    True
    """
    return getattr(control, "readout_label", None)


def option_label(value: object) -> str:
    """How a dropdown shows one of its values: the glossary's label, else the message in the language in use.

    >>> option_label("B2C"), option_label("naive")
    ('B2C', 'naive')
    """
    try:
        return label(value) if language() != "en" else str(value)
    except KeyError:
        return _(str(value))


def dropdown_options(values) -> list:
    """The ``options`` of a dropdown over ``values``: the values themselves in English, else (label, value) pairs.

    The widget's value stays the English name the scenario function takes; only what the
    reader sees changes (:func:`option_label`).

    >>> dropdown_options(["all", "B2C"])
    ['all', 'B2C']
    """
    values = list(values)
    if language() == "en":
        return values
    return [(option_label(value), value) for value in values]


class WhatIf(widgets.VBox):
    """The controls above the chart of a scenario; see :func:`what_if`.

    The chart is an image whose bytes are replaced on each change, so the browser swaps
    one picture instead of clearing and refilling an output. A change redraws at once,
    inside the kernel's handling of the slider's message: while the kernel is busy, the
    browser holds back newer slider values and sends only the latest when it is idle
    again (ipywidgets' own throttle), so a burst of moves skips the stale values and
    ends with the last value's chart. The charts of the last :attr:`REMEMBER` settings
    are kept, so moving a slider back to a value seen before shows its chart at once; and
    in a running kernel, once the controls rest for :attr:`AHEAD_AFTER_SECONDS`, the
    charts one step either side of the slider just moved are drawn ahead, so the next
    step (an arrow key) shows at once too; any other value is drawn when it is chosen.

    Before its cell runs (an untrusted notebook, a static page), a notebook shows the
    chart saved with the widget's output: the display carries the current chart as
    ``image/png`` next to the widget view, and a short, stable ``text/plain``.
    """

    #: How many settings' charts (and results) a widget keeps, for moves back to a value seen before.
    REMEMBER = 32
    #: Seconds of rest after a change before the neighbouring steps' charts are drawn ahead.
    AHEAD_AFTER_SECONDS = 0.1

    def __init__(
        self, scenario: Callable[..., Scenario], controls: Mapping[str, widgets.ValueWidget], *, columns: int = 2
    ) -> None:
        self.scenario = scenario
        self.controls = dict(controls)
        self.chart = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.result: Scenario | None = None
        self._seen: OrderedDict[tuple, tuple[Scenario, bytes | None]] = OrderedDict()
        self._moves = 0  # changes so far; a chart drawn ahead is skipped once the controls move again
        items = list(self.controls.values())
        rows = [
            widgets.HBox([shown for control in items[i : i + columns] for shown in _with_readout(control)])
            for i in range(0, len(items), columns)
        ]
        super().__init__([*rows, self.chart])
        for control in items:
            control.observe(self._changed, names="value")
        self.redraw()

    def _values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    @staticmethod
    def _key(values: Mapping[str, Any]) -> tuple:
        """The settings as a key; floats rounded, so 0.1 + 0.2 from the browser finds 0.3."""
        return tuple((name, round(value, 9) if isinstance(value, float) else value) for name, value in values.items())

    def _keep(self, values: Mapping[str, Any], result: Scenario, png: bytes | None) -> None:
        self._seen[self._key(values)] = (result, png)
        self._seen.move_to_end(self._key(values))
        while len(self._seen) > self.REMEMBER:
            self._seen.popitem(last=False)

    def redraw(self, _change: object = None) -> Scenario:
        """Recompute the scenario with the controls' current values, show its chart and return it."""
        values = self._values()
        result, png = self._draw(values)
        if png is not None:
            self.chart.value = png
        self.result = result
        self._keep(values, result, png)
        return result

    def forget(self) -> None:
        """Drop the kept charts, so the next change draws anew (to time a redraw, or free memory)."""
        self._seen.clear()

    def _draw(self, values: Mapping[str, Any]) -> tuple[Scenario, bytes | None]:
        result = self.scenario(**values)
        png = None
        if result.figure is not None:
            png = figure_png(result.figure)
            plt.close(result.figure)
        return result, png

    def _changed(self, change: Mapping[str, Any]) -> None:
        self._moves += 1
        key = self._key(self._values())
        if key in self._seen:
            self._seen.move_to_end(key)
            self.result, png = self._seen[key]
            if png is not None:
                self.chart.value = png
        else:
            self.redraw()
        self._plan_ahead(change)

    def _plan_ahead(self, change: Mapping[str, Any]) -> None:
        """In a running kernel, schedule the charts one step either side of the moved slider (the way it moved first)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        control = change.get("owner")
        step = getattr(control, "step", None)
        if not step or not all(hasattr(control, a) for a in ("min", "max")):
            return
        name = next(name for name, c in self.controls.items() if c is control)
        values, moved_up = self._values(), change.get("new", 0) >= change.get("old", 0)
        ahead = (
            [control.value + step, control.value - step] if moved_up else [control.value - step, control.value + step]
        )
        for order, value in enumerate(v for v in ahead if control.min <= v <= control.max):
            when = self.AHEAD_AFTER_SECONDS * (order + 1)
            loop.call_later(when, self._draw_ahead, self._moves, {**values, name: value})

    def _draw_ahead(self, moves: int, values: dict[str, Any]) -> None:
        if moves != self._moves or self._key(values) in self._seen:
            return  # the controls moved since, or this chart is already kept
        try:
            drawn = self._draw(values)
        except Exception:  # a step ahead that fails is not kept; moving there reports the error as usual
            return
        self._keep(values, *drawn)

    def __repr__(self) -> str:
        names = ", ".join(str(getattr(control, "description", "") or name) for name, control in self.controls.items())
        return _("What-if: {names}").format(names=names if len(names) <= 100 else f"{names[:99]}…")

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        if self.chart.value:
            bundle["image/png"] = base64.b64encode(self.chart.value).decode("ascii")
        return bundle


def _with_readout(control: widgets.Widget) -> list[widgets.Widget]:
    """A control as laid out in its row: itself, then its readout label when it has one."""
    shown = readout_of(control)
    return [control] if shown is None else [control, shown]


def what_if(
    scenario: Callable[..., Scenario], controls: Mapping[str, widgets.ValueWidget], *, columns: int = 2
) -> WhatIf:
    """Wire ``controls`` (keyword → widget) to ``scenario`` and redraw its figure on every change.

    Parameters
    ----------
    scenario : function whose keyword arguments are the keys of ``controls`` and which
        returns a :class:`Scenario`.
    controls : the widgets, in the order they should appear.
    columns : how many controls per row.

    Returns
    -------
    WhatIf
        A VBox: the controls on top, the chart (an image) below. Its ``redraw()`` method
        recomputes and redraws once, synchronously, and returns the new Scenario; a
        control's change calls it unless that setting's chart is kept; ``result`` holds
        the latest Scenario.

    Examples
    --------
    >>> box = what_if(lambda churn: Scenario(1 / churn, None), {"churn": slider("Churn", 0.1, 0.01, 0.5, 0.01)})
    >>> box.controls["churn"].value = 0.25
    >>> box.result.data
    4.0
    >>> repr(box)
    'What-if: Churn'
    """
    return WhatIf(scenario, controls, columns=columns)
