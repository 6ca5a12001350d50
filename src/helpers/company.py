"""The data model every lesson works on: a :class:`Company` and its simulation's :class:`Truth`.

A :class:`Company` holds one DataFrame per table of ``schema.TABLES``. The synthetic
generator (:func:`helpers.synthetic.generate`), the bundled datasets
(:func:`helpers.data.load_company`) and an analyst's own files
(:func:`helpers.data.load_own_data`) all produce one, so every analysis runs on any of them.
This module sits at the bottom of the data layer: it imports only the schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from helpers import schema

#: The columns of :attr:`Truth.customer_tastes` (written as ``truth/customer_tastes.csv``).
CUSTOMER_TASTES: tuple[schema.Column, ...] = (
    schema.Column("customer_id", "int64", "", "Customer", "cliente"),
    *(
        schema.Column(
            category,
            "float64",
            "share",
            f"Probability that a purchase of this customer is {category} (the customer's own taste)",
            "gusto del cliente",
        )
        for category in schema.CATEGORIES_OF_PRODUCT
    ),
)


@dataclass
class Truth:
    """What only the simulation knows: the causal parameters and the latent states.

    Attributes
    ----------
    params : dict
        every parameter of the causal model plus the generator's arguments
        (``params["arguments"]``), JSON-serialisable.
    stage_history : pandas.DataFrame
        one row per stage entered (``customer_id``, ``date`` = first day
        of the month, ``stage``); the first row of each customer is 'stranger'.
    customer_traits : pandas.DataFrame
        latent ``service_quality``, ``spend_level``, ``base_churn``.
    signup_date : pandas.Series
        signup day per customer_id (used by :meth:`stage_at`).
    customer_tastes : pandas.DataFrame or None
        each customer's own product tastes: ``customer_id`` and one column per product
        category (``schema.CATEGORIES_OF_PRODUCT``) with the probability that a purchase
        falls in it (each row sums to 1; columns :data:`CUSTOMER_TASTES`). None when unknown
        (a truth folder written before the tastes existed).
    """

    params: dict
    stage_history: pd.DataFrame
    customer_traits: pd.DataFrame
    signup_date: pd.Series | None = field(default=None, repr=False)
    customer_tastes: pd.DataFrame | None = field(default=None, repr=False)

    def stage_at(self, date) -> pd.Series:
        """Latent stage of every customer who had signed up by ``date``.

        Customers who left before ``date`` keep the stage they had when they left; use
        :meth:`Company.active_at` to keep only current customers.

        Parameters
        ----------
        date : date
            a date (string ``YYYY-MM-DD`` or Timestamp).

        Returns
        -------
        pandas.Series
            Categorical Series (ordered as ``schema.STAGES``) indexed by ``customer_id``.

        Examples
        --------
        >>> from helpers.synthetic import generate
        >>> generate(300, seed=1).truth.stage_at("2022-06-30").value_counts().to_dict()
        {'stranger': 34, 'acquaintance': 7, 'friend': 2, 'partner': 0}
        """
        when = pd.Timestamp(date)
        history = self.stage_history
        rows = history[history["date"] <= when]
        last = rows.drop_duplicates("customer_id", keep="last")
        stage = pd.Series(
            pd.Categorical(last["stage"]),
            index=pd.Index(last["customer_id"].to_numpy(), name="customer_id"),
            name="stage",
        )
        if self.signup_date is not None:
            signed = self.signup_date.index[self.signup_date.to_numpy() <= when.to_datetime64()]
            stage = stage[stage.index.isin(signed)]
        return stage.sort_index()


@dataclass
class Company:
    """The company's data: one DataFrame per table of ``schema.TABLES``, plus the truth.

    Use :meth:`has` to ask whether an analysis can run on this data.

    Attributes
    ----------
    customers, transactions, interactions, surveys, bonds, churn, employees : pandas.DataFrame
        the tables, with exactly the columns of ``schema.TABLES``. On the course's
        data every column has the schema's dtype and no missing values (except the
        columns marked nullable). Transactions too large for memory may instead be held
        by an engine (:mod:`helpers.engines`, ``load_own_data(..., engine="duckdb")``),
        which answers the questions of :class:`helpers.purchases.Transactions`. On an analyst's own data
        (:func:`helpers.data.load_own_data`) a column the data does not have is
        entirely missing: NaN for numbers (whole-number columns become ``float64``),
        NaT for dates, NaN for categories, ``<NA>`` (pandas ``boolean``) for True/False;
        the churn ``reason`` is missing when the reason is unknown.
    truth : Truth or None
        the simulation's ground truth (None for real data).
    observation_end : pandas.Timestamp
        the last day covered by the data.
    missing : tuple of str
        names of the tables the data does not have. Their DataFrames are
        empty, with the schema's columns and dtypes. Always ``()`` for the course's data.
    load_report : helpers.own_data.LoadReport or None
        what loading an analyst's files found and changed
        (a :class:`helpers.own_data.LoadReport`; None for the course's data).
    """

    customers: pd.DataFrame
    transactions: pd.DataFrame
    interactions: pd.DataFrame
    surveys: pd.DataFrame
    bonds: pd.DataFrame
    churn: pd.DataFrame
    employees: pd.DataFrame
    truth: Truth | None
    observation_end: pd.Timestamp
    missing: tuple[str, ...] = ()
    load_report: Any = field(default=None, repr=False, compare=False)

    def has(self, table: str, *columns: str) -> bool:
        """Whether the data holds ``table`` and at least one value in each named column.

        Lessons ask this before an analysis that needs more than the transactions, so
        that they can skip it on an analyst's data that lacks the table or column.

        Parameters
        ----------
        table : str
            a table of ``schema.TABLES``, or ``"truth"`` (the simulation's
            ground truth, which real data never has).
        *columns : str
            columns of that table; each must hold at least one non-missing value.

        Returns
        -------
        bool
            True if the table is supplied (not in :attr:`missing`) and every named column
            has a value; for ``"truth"``, whether :attr:`truth` is set.

        Raises
        ------
        ValueError
            an unknown table or column name (a typo, not missing data).

        Examples
        --------
        >>> from helpers.synthetic import generate
        >>> company = generate(100, seed=1, months=6)
        >>> company.has("surveys", "satisfaction"), company.has("truth")
        (True, True)
        >>> company.missing = ("surveys",)
        >>> company.has("surveys"), company.has("customers", "segment", "age")
        (False, True)
        """
        if table == "truth":
            if columns:
                raise ValueError("has('truth') takes no column names")
            return self.truth is not None
        if table not in schema.TABLES:
            raise ValueError(f"unknown table {table!r}; the tables are {list(schema.TABLES)} and 'truth'")
        known = [c.name for c in schema.TABLES[table]]
        unknown = [c for c in columns if c not in known]
        if unknown:
            raise ValueError(f"the {table} table has no column(s) {unknown}; its columns are {known}")
        if table in self.missing:
            return False
        frame = getattr(self, table)
        if not isinstance(frame, pd.DataFrame):  # transactions held by an engine (helpers.engines)
            return all(frame.has(column) for column in columns)
        return all(column in frame.columns and bool(frame[column].notna().any()) for column in columns)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the tables as a dict ``{name: DataFrame}`` in ``schema.TABLES`` order."""
        return {name: getattr(self, name) for name in schema.TABLES}

    def active_at(self, date) -> pd.Series:
        """Whether each customer was a customer on ``date`` (signed up, not yet lost).

        A customer is active on ``date`` if ``signup_date <= date < churn date``.

        Returns
        -------
        pandas.Series
            Boolean Series indexed by ``customer_id``.

        Examples
        --------
        >>> from helpers.synthetic import generate
        >>> company = generate(300, seed=1)
        >>> round(float(company.active_at(company.observation_end).mean()), 2)
        0.58
        """
        when = pd.Timestamp(date)
        ids = self.customers["customer_id"]
        lost = pd.Series(self.churn["date"].to_numpy(), index=self.churn["customer_id"].to_numpy())
        churn_date = lost.reindex(ids.to_numpy())
        signed = self.customers["signup_date"].to_numpy() <= when.to_datetime64()
        not_lost = churn_date.isna().to_numpy() | (churn_date.to_numpy() > when.to_datetime64())
        return pd.Series(signed & not_lost, index=pd.Index(ids.to_numpy(), name="customer_id"), name="active")

    def summary(self) -> dict[str, int]:
        """Counts of rows per table plus customers still active at ``observation_end``.

        Examples
        --------
        >>> from helpers.synthetic import generate
        >>> generate(100, seed=1).summary()["customers"]
        100
        """
        out = {name: len(df) for name, df in self.tables().items()}
        out["active_at_end"] = int(self.active_at(self.observation_end).sum())
        return out
