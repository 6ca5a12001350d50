"""The what-if wiring: a control change recomputes the scenario with the new values."""

import matplotlib.pyplot as plt

from helpers.widgets import Scenario, slider, what_if


def test_every_change_recomputes_with_all_current_values_and_closes_the_old_figure():
    calls = []

    def scenario(churn, spend):
        calls.append((churn, spend))
        fig, ax = plt.subplots()
        ax.bar(["base"], [spend / churn])
        return Scenario(data=spend / churn, figure=fig)

    open_before = set(plt.get_fignums())
    controls = {"churn": slider("Churn", 0.1, 0.01, 0.5, 0.01), "spend": slider("Spend", 100, 0, 1000, 10)}
    box = what_if(scenario, controls)
    controls["churn"].value = 0.2
    controls["spend"].value = 500
    assert calls == [(0.1, 100), (0.2, 100), (0.2, 500)]
    assert box.redraw().data == 2500
    assert set(plt.get_fignums()) == open_before, "figures drawn for the widget must not pile up"


def test_controls_are_laid_out_in_rows_above_the_output():
    controls = {name: slider(name, 1, 0, 2, 1) for name in "abc"}
    box = what_if(lambda **values: Scenario(values, None), controls, columns=2)
    assert [len(row.children) for row in box.children[:-1]] == [2, 1]
    assert box.children[-1].__class__.__name__ == "Output"
