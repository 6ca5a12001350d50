"""Fixtures shared by the unit tests: companies generated once per test session.

Matplotlib's screenless backend and the closing of figures after each test live in the
project's root ``conftest.py``, which also serves the docstring examples.
"""

from __future__ import annotations

from functools import cache

import pytest

from helpers import i18n
from helpers.company import Company
from helpers.data import lesson_company
from helpers.synthetic import generate


@cache
def _generated(*args, **kwargs) -> Company:
    return generate(*args, **kwargs)


@pytest.fixture(scope="session")
def make_company():
    """``make_company(n_customers, seed=…, months=…)``: a synthetic company, generated once per session.

    Tests share it: build a changed copy (``dataclasses.replace``) rather than editing it.
    """
    return _generated


@pytest.fixture(scope="session")
def course_company() -> Company:
    """The course's bundled company, as the lessons load it."""
    return lesson_company()


@pytest.fixture
def spanish():
    """The Spanish edition for one test (``i18n.use("es")``); English again afterwards, whatever happens."""
    i18n.use("es")
    try:
        yield
    finally:
        i18n.use("en")
