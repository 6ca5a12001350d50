"""Shared test settings for the unit tests and the docstring examples."""

import matplotlib
import pytest

matplotlib.use("Agg")  # draw without a screen

import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    """Figures drawn by one test or example are closed after it, so none pile up."""
    yield
    plt.close("all")
