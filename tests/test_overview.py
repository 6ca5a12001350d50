"""Monthly flows of the customer base, checked on a tiny company counted by hand."""

import pandas as pd
import pytest

from helpers.glossary import terms
from helpers.overview import monthly_activity

CUSTOMERS = pd.DataFrame(
    {"customer_id": [1, 2, 3], "signup_date": pd.to_datetime(["2024-01-03", "2024-01-20", "2024-03-01"])}
)
SALES = pd.DataFrame(
    {
        "date": pd.to_datetime(["2024-01-05", "2024-01-25", "2024-03-02"]),
        "amount": [10.0, 20.0, 5.0],
        "cost": [6.0, 15.0, 1.0],
    }
)
LOST = pd.DataFrame({"customer_id": [1], "date": pd.to_datetime(["2024-02-20"])})


def test_flows_by_month_counted_by_hand():
    # Jan: 2 join, 0 leave → 2 active; Feb: 1 leaves → 1; Mar: 1 joins → 2.
    frame = monthly_activity(CUSTOMERS, SALES, LOST)
    assert list(frame.index.strftime("%Y-%m")) == ["2024-01", "2024-02", "2024-03"]
    assert frame["new_customers"].tolist() == [2, 0, 1]
    assert frame["lost_customers"].tolist() == [0, 1, 0]
    assert frame["active_customers"].tolist() == [2, 1, 2]
    assert frame["revenue"].tolist() == [30.0, 0.0, 5.0]
    assert frame["margin"].tolist() == [9.0, 0.0, 4.0]
    assert frame["purchases"].tolist() == [2, 0, 1]


def test_observation_end_extends_the_months():
    frame = monthly_activity(CUSTOMERS, SALES, LOST, observation_end="2024-05-31")
    assert len(frame) == 5 and frame["active_customers"].iloc[-1] == 2


def test_missing_column_is_named():
    with pytest.raises(ValueError, match=r"transactions table is missing column\(s\) \['cost'\]"):
        monthly_activity(CUSTOMERS, SALES.drop(columns="cost"), LOST)


def test_glossary_has_each_term_once_with_spanish_and_meaning():
    table = terms()
    assert table["English"].is_unique
    assert (table[["Spanish", "Meaning"]].apply(lambda s: s.str.len()) > 0).all().all()
    assert set(terms(lesson=5)["English"]) >= {"apostle", "mercenary", "hostage", "terrorist"}
    with pytest.raises(ValueError, match="no terms for lesson 42"):
        terms(lesson=42)
    with pytest.raises(ValueError, match="no glossary terms \\['loyality'\\]"):
        terms(lesson=5, recall=("loyality",))
