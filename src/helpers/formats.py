"""How the course writes numbers for readers: amounts of money and percentages.

Charts (:mod:`helpers.plots`, as tick formatters) and the report's text use the same
functions, so a number reads the same everywhere. Each follows the language in use
(:func:`helpers.i18n.use`): in Spanish a decimal comma and a point between thousands
(``1.234,5``). Pure functions, no plotting.
"""

from __future__ import annotations

import math
import re

from helpers.i18n import localize

__all__ = ["localize", "money", "number", "percent", "percent_text", "without_negative_zero"]

_NONZERO_DIGIT = re.compile(r"[1-9]")


def money(value: float, _pos: object = None) -> str:
    """Format an amount of money compactly: 1234567 → '1.2M', 5300 → '5.3k'."""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return localize(without_negative_zero(f"{value / limit:.1f}{suffix}"))
    return without_negative_zero(f"{value:.0f}")


def number(value: float, spec: str = "") -> str:
    """A number for a lesson's text: formatted with ``spec``, never ``-0``, with a typographic minus.

    Examples
    --------
    >>> number(-0.82, "+.2f"), number(0.4, "+.1f"), number(-0.0004, ".1%"), number(1234.5, ",.0f")
    ('−0.82', '+0.4', '0.0%', '1,234')
    """
    return localize(without_negative_zero(format(value, spec)).replace("-", "\u2212"))


def percent(value: float, _pos: object = None) -> str:
    """Format a fraction as a percentage: 0.253 → '25%'."""
    return without_negative_zero(f"{value:.0%}")


def without_negative_zero(text: str) -> str:
    """A formatted number without the sign of a value that rounds to zero: ``"-0%"`` → ``"0%"``.

    Python keeps the sign when a small negative number is rounded for display
    (``f"{-0.001:.0%}"`` is ``"-0%"``); a reader sees a loss where there is none.

    Parameters
    ----------
    text : str
        a number already formatted (percentage, amount, score, ``"1.2k"``, ...).

    Returns
    -------
    str
        ``text``, with its leading minus sign removed when every digit shown is zero.

    Examples
    --------
    >>> without_negative_zero("-0%"), without_negative_zero("-0.0%"), without_negative_zero("-0")
    ('0%', '0.0%', '0')
    >>> without_negative_zero("-3%"), without_negative_zero("-0.4%")
    ('-3%', '-0.4%')
    """
    stripped = text.lstrip()
    if stripped[:1] in ("-", "\u2212") and not _NONZERO_DIGIT.search(stripped):
        return stripped[1:]
    return text


def percent_text(value: float | None, digits: int = 0) -> str:
    """A fraction as a percentage for the report: ``"–"`` when unknown, never ``"-0%"``.

    Parameters
    ----------
    value : float or None
        the fraction (0.25 is 25 %).
    digits : int, optional
        decimals shown.

    Returns
    -------
    str
        e.g. ``"25%"``; a small negative value that rounds to zero reads ``"0%"``.

    Examples
    --------
    >>> percent_text(0.253), percent_text(-0.004), percent_text(-0.0004, 1), percent_text(float("nan"))
    ('25%', '0%', '0.0%', '–')
    """
    if value is None or not math.isfinite(value):
        return "–"
    return without_negative_zero(f"{value:.{digits}%}")
