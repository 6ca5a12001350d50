"""The what-if wiring: a control change recomputes the scenario with the new values."""

import asyncio
import base64

import ipywidgets
import matplotlib.pyplot as plt

from helpers.widgets import Scenario, WhatIf, slider, what_if


def _bars(calls):
    def scenario(churn, spend):
        calls.append((churn, spend))
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.bar(["base"], [spend / churn])
        return Scenario(data=spend / churn, figure=fig)

    return scenario


def _controls():
    return {"churn": slider("Churn", 0.1, 0.01, 0.5, 0.01), "spend": slider("Spend", 100, 0, 1000, 10)}


def test_every_change_recomputes_with_all_current_values_and_closes_the_old_figure():
    calls = []
    open_before = set(plt.get_fignums())
    controls = _controls()
    box = what_if(_bars(calls), controls)
    controls["churn"].value = 0.2
    controls["spend"].value = 500
    assert calls == [(0.1, 100), (0.2, 100), (0.2, 500)]
    assert box.redraw().data == 2500
    assert set(plt.get_fignums()) == open_before, "figures drawn for the widget must not pile up"


def test_the_chart_is_an_image_whose_bytes_change_with_the_values():
    box = what_if(_bars([]), _controls())
    first = box.chart.value
    assert first[:4] == b"\x89PNG" and box.children[-1] is box.chart
    box.controls["spend"].value = 900
    assert box.chart.value[:4] == b"\x89PNG" and box.chart.value != first


def test_a_setting_seen_before_shows_its_kept_chart_without_recomputing():
    calls = []
    box = what_if(_bars(calls), _controls())
    first = box.chart.value
    box.controls["spend"].value = 900
    box.controls["spend"].value = 100
    assert calls == [(0.1, 100), (0.1, 900)], "back to the first setting: no recomputation"
    assert box.chart.value == first and box.result.data == 1000
    assert box.redraw().data == 1000 and len(calls) == 3, "redraw() always recomputes"


def test_only_the_latest_settings_are_kept():
    calls = []
    box = what_if(_bars(calls), _controls())
    spends = [500 + 10 * i for i in range(WhatIf.REMEMBER + 1)]
    for spend in spends:
        box.controls["spend"].value = spend
    box.controls["spend"].value = spends[0]  # forgotten by now: drawn again
    assert calls[-1] == (0.1, spends[0]) and len(calls) == WhatIf.REMEMBER + 3
    box.controls["spend"].value = spends[-1]  # still kept
    assert len(calls) == WhatIf.REMEMBER + 3


def test_in_a_kernel_the_next_steps_are_drawn_ahead_once_the_controls_rest():
    calls = []
    controls = _controls()
    box = what_if(_bars(calls), controls)

    async def move_then_rest(spend, rest_seconds):
        controls["spend"].value = spend
        await asyncio.sleep(rest_seconds)

    asyncio.run(move_then_rest(110, 3 * WhatIf.AHEAD_AFTER_SECONDS))
    assert calls == [(0.1, 100), (0.1, 110), (0.1, 120)], "one step on the way it moved; the step back is kept"
    controls["spend"].value = 120
    assert len(calls) == 3 and box.result.data == 1200, "the next step shows without a recomputation"

    async def two_quick_moves():
        controls["spend"].value = 500
        controls["spend"].value = 700
        await asyncio.sleep(3 * WhatIf.AHEAD_AFTER_SECONDS)

    asyncio.run(two_quick_moves())
    assert calls[3:] == [(0.1, 500), (0.1, 700), (0.1, 710), (0.1, 690)], "no chart ahead of a value already left"


def test_controls_are_laid_out_in_rows_above_the_chart():
    controls = {name: slider(name, 1, 0, 2, 1) for name in "abc"}
    box = what_if(lambda **values: Scenario(values, None), controls, columns=2)
    assert [len(row.children) for row in box.children[:-1]] == [2, 1]
    assert isinstance(box.children[-1], ipywidgets.Image)


def test_the_display_carries_the_chart_and_a_short_stable_text():
    box = what_if(_bars([]), _controls())
    bundle = box._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == box.chart.value
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == box.model_id
    assert bundle["text/plain"] == "What-if: Churn, Spend"
    long = what_if(lambda **v: Scenario(v, None), {f"x{i}": slider("A long description", 1, 0, 2, 1) for i in range(9)})
    assert len(long._repr_mimebundle_()["text/plain"]) <= 110
    assert "image/png" not in long._repr_mimebundle_(), "no chart, no picture"
    assert isinstance(box, WhatIf) and isinstance(box, ipywidgets.VBox)
