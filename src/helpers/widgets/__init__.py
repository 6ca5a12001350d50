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

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import Image, display
from matplotlib.figure import Figure

from helpers.plots import figure_png


class Scenario(NamedTuple):
    """What a scenario function returns: the model's results and the chart that shows them."""

    data: Any
    figure: Figure | None


def slider(
    description: str, value: float, min: float, max: float, step: float, *, fmt: str = ".2f"
) -> widgets.FloatSlider:
    """A slider with a readable label and readout; ``fmt`` is a format spec (".0%", ",.0f").

    >>> slider("Monthly churn", 0.05, 0, 0.3, 0.01, fmt=".0%").readout_format
    '.0%'
    """
    return widgets.FloatSlider(
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


def what_if(
    scenario: Callable[..., Scenario], controls: Mapping[str, widgets.ValueWidget], *, columns: int = 2
) -> widgets.VBox:
    """Wire ``controls`` (keyword → widget) to ``scenario`` and redraw its figure on every change.

    Parameters
    ----------
    scenario : function whose keyword arguments are the keys of ``controls`` and which
        returns a :class:`Scenario`.
    controls : the widgets, in the order they should appear.
    columns : how many controls per row.

    Returns
    -------
    A VBox: the controls on top, the figure below. Its ``redraw()`` attribute (also used
    by the observers) recomputes and redraws once, and returns the new Scenario.
    """
    output = widgets.Output()

    def redraw(_change: object = None) -> Scenario:
        result = scenario(**{name: control.value for name, control in controls.items()})
        png = figure_png(result.figure) if result.figure is not None else None
        if result.figure is not None:
            plt.close(result.figure)
        with output:
            output.clear_output(wait=True)
            if png is not None:
                display(Image(data=png))
        return result

    for control in controls.values():
        control.observe(redraw, names="value")
    items = list(controls.values())
    rows = [widgets.HBox(items[i : i + columns]) for i in range(0, len(items), columns)]
    box = widgets.VBox([*rows, output])
    box.redraw = redraw
    redraw()
    return box
