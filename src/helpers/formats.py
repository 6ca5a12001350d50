"""How the course writes numbers for readers: amounts of money and percentages.

Charts (:mod:`helpers.plots`, as tick formatters) and the report's text use the same
functions, so a number reads the same everywhere. Pure functions, no plotting.
"""

from __future__ import annotations

__all__ = ["money", "percent"]


def money(value: float, _pos: object = None) -> str:
    """Format an amount of money compactly: 1234567 → '1.2M', 5300 → '5.3k'."""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}{suffix}"
    return f"{value:.0f}"


def percent(value: float, _pos: object = None) -> str:
    """Format a fraction as a percentage: 0.253 → '25%'."""
    return f"{value:.0%}"
