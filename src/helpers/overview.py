"""A company at a glance: the monthly movements of its customer base and its sales.

Pure functions over the company's tables (pandas in, pandas out), used by the welcome
tour and by any lesson that needs the base month by month.
"""

from __future__ import annotations

import pandas as pd

from helpers.validation import require_columns


def monthly_activity(
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    churn: pd.DataFrame,
    observation_end: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """Month-by-month flows of the customer base and of sales.

    Parameters
    ----------
    customers : table with ``customer_id`` and ``signup_date``.
    transactions : table with ``date``, ``amount`` and ``cost`` (currency).
    churn : table with ``customer_id`` and ``date`` of defection.
    observation_end : last day of the data; default the latest date in the tables.

    Returns
    -------
    DataFrame indexed by month (the month's first day), columns ``new_customers``,
    ``lost_customers``, ``active_customers`` (at the end of the month), ``revenue``,
    ``margin`` (revenue − cost of goods) and ``purchases`` (number of transactions).

    Example
    -------
    >>> customers = pd.DataFrame({"customer_id": [1, 2], "signup_date": pd.to_datetime(["2024-01-03", "2024-02-10"])})
    >>> sales = pd.DataFrame({"date": pd.to_datetime(["2024-01-05"]), "amount": [10.0], "cost": [6.0]})
    >>> lost = pd.DataFrame({"customer_id": [1], "date": pd.to_datetime(["2024-02-20"])})
    >>> monthly_activity(customers, sales, lost)["active_customers"].tolist()
    [1, 1]
    """
    require_columns("customers", customers, ["customer_id", "signup_date"])
    require_columns("transactions", transactions, ["date", "amount", "cost"])
    require_columns("churn", churn, ["customer_id", "date"])
    end = (
        pd.Timestamp(observation_end)
        if observation_end is not None
        else max(
            customers["signup_date"].max(),
            transactions["date"].max() if len(transactions) else pd.NaT,
            churn["date"].max() if len(churn) else pd.NaT,
        )
    )
    start = customers["signup_date"].min()
    months = pd.period_range(start, end, freq="M")

    def per_month(dates: pd.Series) -> pd.Series:
        return dates.dt.to_period("M").value_counts().reindex(months, fill_value=0)

    sales = transactions.assign(
        month=transactions["date"].dt.to_period("M"), margin=transactions["amount"] - transactions["cost"]
    )
    totals = sales.groupby("month")[["amount", "margin"]].sum().reindex(months, fill_value=0.0)
    frame = pd.DataFrame(
        {
            "new_customers": per_month(customers["signup_date"]),
            "lost_customers": per_month(churn["date"]),
            "revenue": totals["amount"],
            "margin": totals["margin"],
            "purchases": per_month(transactions["date"]),
        }
    )
    frame.insert(2, "active_customers", (frame["new_customers"] - frame["lost_customers"]).cumsum())
    frame.index = months.to_timestamp()
    frame.index.name = "month"
    return frame
