"""The components of CRM on the company's data: analytical, collaborative, one to one (lesson 04).

Pure functions (pandas in, pandas out; no plotting, no files), in the **model** layer:
this module imports only :mod:`helpers.schema` and :mod:`helpers.rfm`.
:func:`customer_profile` takes a company but only reads its table attributes.

* **Database marketing** — :data:`DATA_TYPES` maps the kinds of customer data
  (typological, consumption, promotional history, relationship) onto the columns.
* **Analytical CRM** — :func:`customer_value_ranking` (who brings the margin),
  :func:`rfm_segment_value` (size and value of each RFM segment).
* **Collaborative CRM** — :func:`channel_mix` (each customer's use of web, phone,
  e-mail and face to face) and :func:`satisfaction_by_channel`.
* **One to one** (Peppers & Rogers 1993, 1999: identify, differentiate, interact,
  customize) — :func:`next_best_offer` and :func:`offer_hit_rates`, measured on a holdout;
  :func:`holdout_hit_rate` for other offers and :func:`true_category_tastes` for the simulation's truth.
* **The single customer view** — :func:`customer_view` / :func:`customer_profile`.
* **Implementing CRM** — :func:`crm_business_case` (an editable cost–benefit table),
  :func:`project_cash_flows`, :func:`npv`, :func:`payback_years`.

References
----------
* Peppers, D. & Rogers, M. (1993). *The One to One Future*. Doubleday; Peppers, D.,
  Rogers, M. & Dorf, B. (1999). Is your company ready for one-to-one marketing?
  *Harvard Business Review* 77(1), 151–160 (IDIC).
* Payne, A. & Frow, P. (2005). A strategic framework for customer relationship
  management. *Journal of Marketing* 69(4), 167–176.
* Hughes, A. M. (1994). *Strategic Database Marketing*. Probus.
* Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: Using iso-value curves
  for customer base analysis. *Journal of Marketing Research* 42(4), 415–430.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers import schema
from helpers.glossary import spanish
from helpers.i18n import N_
from helpers.rfm import rfm_scores
from helpers.validation import refuse_rows, require_columns

__all__ = [
    "DATA_TYPES",
    "channel_mix",
    "crm_business_case",
    "customer_profile",
    "customer_value_ranking",
    "customer_view",
    "next_best_offer",
    "STRATEGIES",
    "COST_KINDS",
    "npv",
    "holdout_hit_rate",
    "offer_hit_rates",
    "true_category_tastes",
    "payback_years",
    "project_cash_flows",
    "rfm_segment_value",
    "satisfaction_by_channel",
]

#: Database marketing's kinds of data (Hughes 1994), mapped onto the company's columns.
DATA_TYPES = pd.DataFrame(
    [
        (
            "typological",
            N_("who the customer is"),
            N_("customers: segment, region, age, company_size, signup_date, acquisition_channel"),
        ),
        (
            "consumption",
            N_("what, when, how much and where they buy"),
            N_("transactions: date, category, amount, cost, channel"),
        ),
        (
            "promotional history",
            N_("which offers they received and used"),
            N_("transactions: promotion; bonds: level, start_date, cost_per_month"),
        ),
        (
            "relationship",
            N_("every contact and what they told us"),
            N_("interactions: channel, type, resolved, rating; surveys: satisfaction … perception; churn: reason"),
        ),
    ],
    columns=[N_("data type"), N_("answers"), N_("columns in the company's tables")],
)
DATA_TYPES.insert(1, "Spanish", [spanish(kind) for kind in DATA_TYPES["data type"]])


def _check_labels(table: str, frame: pd.DataFrame, column: str, labels: Sequence[str]) -> None:
    refuse_rows(
        table, column, frame, ~frame[column].astype(object).isin(list(labels)), f"are not one of {list(labels)}"
    )


# ---------------------------------------------------------------------------------------
# Analytical CRM
# ---------------------------------------------------------------------------------------


def customer_value_ranking(transactions: pd.DataFrame) -> pd.DataFrame:
    """Customers ranked by the gross margin they brought, with the cumulative share of margin.

    Parameters
    ----------
    transactions : one row per purchase with ``customer_id``, ``amount`` and ``cost`` (currency).

    Returns
    -------
    pandas.DataFrame
        One row per buying customer, best first: ``customer_id``, ``purchases``,
        ``revenue``, ``margin`` (= revenue − cost), ``rank`` (1 = best),
        ``share_of_customers`` (rank / n) and ``cumulative_share_of_margin`` — the curve
        behind "the top 20 % bring 80 %" (a Lorenz curve of customer value).

    Example
    -------
    >>> sales = pd.DataFrame({"customer_id": [1, 1, 2, 3], "amount": [10.0, 30.0, 50.0, 5.0],
    ...                       "cost": [5.0, 15.0, 20.0, 5.0]})
    >>> customer_value_ranking(sales)[["customer_id", "margin", "cumulative_share_of_margin"]]
       customer_id  margin  cumulative_share_of_margin
    0            2    30.0                         0.6
    1            1    20.0                         1.0
    2            3     0.0                         1.0
    """
    require_columns("transactions", transactions, ("customer_id", "amount", "cost"))
    for column in ("amount", "cost"):
        refuse_rows(
            "transactions",
            column,
            transactions,
            ~np.isfinite(pd.to_numeric(transactions[column], errors="coerce").to_numpy(float)),
            "are empty or not numbers",
        )
    per_customer = (
        transactions.assign(margin=transactions["amount"] - transactions["cost"])
        .groupby("customer_id", sort=True)
        .agg(purchases=("amount", "size"), revenue=("amount", "sum"), margin=("margin", "sum"))
        .sort_values(["margin", "revenue"], ascending=False, kind="stable")
        .reset_index()
    )
    total = per_customer["margin"].sum()
    per_customer["rank"] = np.arange(1, len(per_customer) + 1)
    per_customer["share_of_customers"] = per_customer["rank"] / max(len(per_customer), 1)
    per_customer["cumulative_share_of_margin"] = per_customer["margin"].cumsum() / total if total else 0.0
    return per_customer


def rfm_segment_value(scores: pd.DataFrame, margin: pd.Series) -> pd.DataFrame:
    """Size and value of each RFM segment.

    Parameters
    ----------
    scores : the result of :func:`helpers.rfm.rfm_scores` (indexed by customer, with ``segment``).
    margin : gross margin per customer (currency), indexed by customer id; customers
        missing from it count as 0.

    Returns
    -------
    pandas.DataFrame
        Indexed by segment (every category, empty ones with 0): ``customers``,
        ``share_of_customers``, ``margin``, ``share_of_margin`` and
        ``margin_per_customer`` (NaN for an empty segment).

    References
    ----------
    Hughes (1994) for RFM segmentation; the segment names come from
    :func:`helpers.rfm.rfm_segment_grid`.

    Example
    -------
    >>> scores = pd.DataFrame({"segment": pd.Categorical(["a", "b", "a"], categories=["a", "b", "c"])},
    ...                       index=[1, 2, 3])
    >>> rfm_segment_value(scores, pd.Series({1: 10.0, 2: 5.0, 3: 30.0}))["margin_per_customer"].tolist()
    [20.0, 5.0, nan]
    """
    require_columns("scores", scores, ("segment",))
    values = margin.reindex(scores.index).fillna(0.0).to_numpy(float)
    frame = pd.DataFrame({"segment": scores["segment"].array, "margin": values})
    table = frame.groupby("segment", observed=False).agg(customers=("margin", "size"), margin=("margin", "sum"))
    table["share_of_customers"] = table["customers"] / max(len(frame), 1)
    total = table["margin"].sum()
    table["share_of_margin"] = table["margin"] / total if total else 0.0
    table["margin_per_customer"] = table["margin"] / table["customers"].where(table["customers"] > 0)
    return table[["customers", "share_of_customers", "margin", "share_of_margin", "margin_per_customer"]]


# ---------------------------------------------------------------------------------------
# Collaborative CRM
# ---------------------------------------------------------------------------------------


def channel_mix(transactions: pd.DataFrame, interactions: pd.DataFrame) -> pd.DataFrame:
    """Each customer's touchpoints by channel: counts, shares and the preferred channel.

    A touchpoint is a purchase (``transactions``) or a contact that is not a purchase
    (``interactions`` of type service_request, complaint or inquiry; the 'purchase'
    contacts repeat a transaction and are not counted twice).

    Parameters
    ----------
    transactions, interactions : tables with ``customer_id`` and ``channel`` (one of
        web, phone, email, face_to_face); ``interactions`` also needs ``type``.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id: one count column per channel, ``touchpoints``, one
        ``share_<channel>`` column per channel (fractions summing to 1) and
        ``preferred_channel`` (the most used; a tie goes to the first channel in the order
        web, phone, email, face_to_face).

    Example
    -------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "channel": ["web", "web", "phone"]})
    >>> ix = pd.DataFrame({"customer_id": [1, 2], "channel": ["phone", "email"],
    ...                    "type": ["complaint", "purchase"]})
    >>> channel_mix(tx, ix)[["web", "phone", "touchpoints", "preferred_channel"]]
                 web  phone  touchpoints preferred_channel
    customer_id
    1              2      1            3               web
    2              0      1            1             phone
    """
    require_columns("transactions", transactions, ("customer_id", "channel"))
    require_columns("interactions", interactions, ("customer_id", "channel", "type"))
    _check_labels("transactions", transactions, "channel", schema.CHANNELS)
    _check_labels("interactions", interactions, "channel", schema.CHANNELS)
    contacts = interactions.loc[interactions["type"].astype(object) != "purchase", ["customer_id", "channel"]]
    both = pd.concat([transactions[["customer_id", "channel"]], contacts], ignore_index=True)
    counts = pd.crosstab(both["customer_id"], both["channel"].astype(object))
    counts = counts.reindex(columns=list(schema.CHANNELS), fill_value=0)
    counts.columns.name = None
    counts.index.name = "customer_id"
    counts["touchpoints"] = counts[list(schema.CHANNELS)].sum(axis=1)
    for channel in schema.CHANNELS:
        counts[f"share_{channel}"] = counts[channel] / counts["touchpoints"]
    counts["preferred_channel"] = pd.Categorical(
        np.asarray(schema.CHANNELS)[counts[list(schema.CHANNELS)].to_numpy().argmax(axis=1)], categories=schema.CHANNELS
    )
    return counts


def satisfaction_by_channel(preferred_channel: pd.Series, surveys: pd.DataFrame) -> pd.DataFrame:
    """Mean survey satisfaction of the customers who prefer each channel, with a 95 % interval.

    Each customer counts once: their answers are averaged first, so frequent respondents
    do not weigh more.

    Parameters
    ----------
    preferred_channel : the preferred channel of each customer, indexed by customer id
        (e.g. ``channel_mix(...)["preferred_channel"]``).
    surveys : one row per answer with ``customer_id`` and ``satisfaction`` (1–5).

    Returns
    -------
    pandas.DataFrame
        Indexed by channel: ``customers`` (with at least one answer),
        ``mean_satisfaction``, ``low`` and ``high`` (mean ± 1.96 standard errors) and
        ``share_completely_satisfied`` (customers whose mean answer is 5).

    Example
    -------
    >>> pref = pd.Series(["web", "web", "phone"], index=[1, 2, 3])
    >>> answers = pd.DataFrame({"customer_id": [1, 1, 2, 3], "satisfaction": [4, 5, 3, 5]})
    >>> satisfaction_by_channel(pref, answers)["mean_satisfaction"].round(2).to_dict()
    {'web': 3.75, 'phone': 5.0, 'email': nan, 'face_to_face': nan}
    """
    require_columns("surveys", surveys, ("customer_id", "satisfaction"))
    levels = pd.to_numeric(surveys["satisfaction"], errors="coerce")
    refuse_rows("surveys", "satisfaction", surveys, ~levels.between(1, 5), "are not on the 1–5 scale")
    per_customer = levels.groupby(surveys["customer_id"].to_numpy()).mean()
    frame = pd.DataFrame(
        {
            "channel": preferred_channel.reindex(per_customer.index).astype(object),
            "satisfaction": per_customer.to_numpy(),
        }
    ).dropna(subset=["channel"])
    grouped = frame.groupby("channel")["satisfaction"]
    table = pd.DataFrame(
        {
            "customers": grouped.size(),
            "mean_satisfaction": grouped.mean(),
            "sd": grouped.std(ddof=1),
            "share_completely_satisfied": grouped.apply(lambda s: (s == 5).mean()),
        }
    )
    table = table.reindex(list(schema.CHANNELS))
    table["customers"] = table["customers"].fillna(0).astype(int)
    half = 1.96 * table["sd"] / np.sqrt(table["customers"].where(table["customers"] > 0))
    table["low"], table["high"] = table["mean_satisfaction"] - half, table["mean_satisfaction"] + half
    table.index.name = "channel"
    return table[["customers", "mean_satisfaction", "low", "high", "share_completely_satisfied"]]


# ---------------------------------------------------------------------------------------
# One to one: next best offer
# ---------------------------------------------------------------------------------------


#: The offer strategies of :func:`next_best_offer`, from the most personal to the least.
STRATEGIES = ("own_history", "by_segment", "one_for_all")


def _category_labels(transactions: pd.DataFrame) -> list[str]:
    """The product categories to consider: the course's, then any of the data's own labels (sorted)."""
    own = set(transactions["category"].dropna().astype(str)) - set(schema.CATEGORIES_OF_PRODUCT)
    return [*schema.CATEGORIES_OF_PRODUCT, *sorted(own)]


def _check_categories(transactions: pd.DataFrame) -> None:
    """Every purchase needs a category; the labels may be the course's or the data's own."""
    refuse_rows(
        "transactions", "category", transactions, transactions["category"].isna().to_numpy(), "have no product category"
    )


def _popularity(transactions: pd.DataFrame, labels: Sequence[str]) -> list[str]:
    """Categories from the most to the least bought (ties in the order of ``labels``)."""
    counts = transactions["category"].astype(object).value_counts().reindex(list(labels), fill_value=0)
    order = np.argsort(-counts.to_numpy(), kind="stable")
    return [labels[i] for i in order]


def next_best_offer(
    transactions: pd.DataFrame,
    *,
    strategy: str = "own_history",
    customers: pd.Index | Sequence | None = None,
    segment: pd.Series | None = None,
) -> pd.Series:
    """The product category to offer each customer next.

    Strategies
    ----------
    * ``"own_history"`` — one to one (Peppers & Rogers: *differentiate* customers by
      their needs, *customize* the offer): the category the customer bought most often;
      ties go to the more popular category overall;
    * ``"by_segment"`` — segmentation: the most popular category among the buyers of the
      customer's segment (needs ``segment``);
    * ``"one_for_all"`` — mass marketing: the most popular category, for everyone.

    A customer with no purchases gets the most popular category (of their segment, for
    ``"by_segment"``).

    Parameters
    ----------
    transactions : one row per purchase with ``customer_id`` and ``category`` (the
        course's labels or the data's own, e.g. an analyst's product families).
    strategy : "own_history", "by_segment" or "one_for_all".
    customers : the customers to make an offer to (default: every buyer in ``transactions``).
    segment : the segment of each customer (e.g. B2C/B2B), indexed by customer id; needed
        for ``"by_segment"``.

    Returns
    -------
    pandas.Series
        The offered category (str), indexed by customer id, named ``offer``.

    Example
    -------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2], "category":
    ...     ["premium", "premium", "basics", "basics", "services"]})
    >>> next_best_offer(tx).to_dict()
    {1: 'premium', 2: 'basics'}
    >>> next_best_offer(tx, strategy="one_for_all", customers=[1, 2, 3]).to_dict()
    {1: 'basics', 2: 'basics', 3: 'basics'}
    >>> next_best_offer(tx, strategy="by_segment", segment=pd.Series({1: "B2B", 2: "B2C"})).to_dict()
    {1: 'premium', 2: 'basics'}
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {list(STRATEGIES)}; got {strategy!r}")
    if strategy == "by_segment" and segment is None:
        raise ValueError("strategy 'by_segment' needs the segment of each customer (segment=...)")
    require_columns("transactions", transactions, ("customer_id", "category"))
    _check_categories(transactions)
    index = pd.Index(
        sorted(transactions["customer_id"].unique()) if customers is None else customers, name="customer_id"
    )
    labels = _category_labels(transactions)
    popular = _popularity(transactions, labels)
    default = popular[0] if len(transactions) else schema.CATEGORIES_OF_PRODUCT[0]
    if strategy == "one_for_all":
        return pd.Series(default, index=index, name="offer", dtype=object)
    if strategy == "by_segment":
        groups = segment.astype(object)
        bought_by = groups.reindex(transactions["customer_id"].to_numpy()).to_numpy()
        refuse_rows(
            "transactions", "customer_id", transactions, pd.isna(bought_by), "are customers whose segment is not given"
        )
        favourite = {
            group: _popularity(transactions[bought_by == group], labels)[0] for group in pd.unique(groups.dropna())
        }
        chosen = groups.reindex(index).map(favourite)
        return chosen.fillna(default).rename("offer").astype(object)
    counts = pd.crosstab(transactions["customer_id"], transactions["category"].astype(object))
    counts = counts.reindex(columns=popular, fill_value=0)  # most popular first: argmax breaks ties
    best = pd.Series(np.asarray(popular, dtype=object)[counts.to_numpy().argmax(axis=1)], index=counts.index)
    return best.reindex(index).fillna(default).rename("offer").astype(object)


def _holdout(transactions: pd.DataFrame, cutoff) -> tuple[pd.DataFrame, pd.Index, pd.DataFrame]:
    """The purchases up to ``cutoff``, the customers who bought before and after it, and what they bought after."""
    require_columns("transactions", transactions, ("customer_id", "date", "category"))
    cut = pd.Timestamp(cutoff)
    before = transactions[transactions["date"] <= cut]
    after = transactions[transactions["date"] > cut]
    evaluated = pd.Index(sorted(set(before["customer_id"]) & set(after["customer_id"])), name="customer_id")
    if len(evaluated) == 0:
        raise ValueError(f"transactions.date: no customer bought both up to and after the cut-off {cut.date()}")
    _check_categories(transactions)
    bought_after = (
        pd.crosstab(after["customer_id"], after["category"].astype(object)).reindex(
            index=evaluated, columns=_category_labels(transactions), fill_value=0
        )
        > 0
    )
    return before, evaluated, bought_after


def _hits(bought_after: pd.DataFrame, offer: pd.Series) -> int:
    """How many of ``bought_after``'s customers bought the category offered to them."""
    column = bought_after.columns.get_indexer(offer.reindex(bought_after.index).astype(object).to_numpy())
    found = column >= 0
    rows = np.arange(len(bought_after))[found]
    return int(bought_after.to_numpy()[rows, column[found]].sum())


def offer_hit_rates(transactions: pd.DataFrame, cutoff, segment: pd.Series | None = None) -> pd.DataFrame:
    """Compare a one-to-one offer with one offer for all (and one per segment) on a holdout period.

    Offers are made from the purchases up to ``cutoff`` (included); an offer *hits* if
    the customer buys the offered category at least once after ``cutoff``. Measured on the
    customers who bought both before and after the cut-off.

    Parameters
    ----------
    transactions : one row per purchase with ``customer_id``, ``date`` and ``category``
        (the course's labels or the data's own).
    cutoff : date-like; the last day of the history used to make the offers.
    segment : optional segment of each customer (indexed by customer id); when given,
        the ``by_segment`` strategy is compared too.

    Returns
    -------
    pandas.DataFrame
        Indexed by strategy (``own_history``, [``by_segment``,] ``one_for_all``): ``customers`` (evaluated),
        ``hits`` and ``hit_rate`` (hits / customers, in [0, 1]).

    Raises
    ------
    ValueError
        If no customer bought both before and after the cut-off.

    Example
    -------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3, 3],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-03-01"] * 3),
    ...     "category": ["premium", "premium", "basics", "basics", "basics", "services"]})
    >>> offer_hit_rates(tx, "2024-02-01")["hit_rate"].round(3).to_dict()
    {'own_history': 0.667, 'one_for_all': 0.333}
    """
    before, evaluated, bought_after = _holdout(transactions, cutoff)
    rows = {}
    for strategy in STRATEGIES:
        if strategy == "by_segment" and segment is None:
            continue
        offer = next_best_offer(before, strategy=strategy, customers=evaluated, segment=segment)
        hits = _hits(bought_after, offer)
        rows[strategy] = {"customers": len(evaluated), "hits": hits, "hit_rate": hits / len(evaluated)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "strategy"
    return table


def holdout_hit_rate(transactions: pd.DataFrame, cutoff, offer: pd.Series) -> float:
    """The hit rate of given offers on the holdout of :func:`offer_hit_rates`.

    For offers made another way, e.g. from the simulation's true tastes (the best offer
    possible), measured on the same customers as :func:`offer_hit_rates`: those who bought
    both up to and after ``cutoff``.

    Parameters
    ----------
    transactions : one row per purchase with ``customer_id``, ``date`` and ``category``.
    cutoff : date-like; the last day before the holdout.
    offer : the category offered to each customer, indexed by customer id (a customer
        without an offer counts as a miss).

    Returns
    -------
    float
        the share of the evaluated customers who bought their offered category after ``cutoff``, in [0, 1].

    Example
    -------
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 2],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-03-01"] * 2),
    ...     "category": ["premium", "premium", "basics", "services"]})
    >>> holdout_hit_rate(tx, "2024-02-01", pd.Series({1: "premium", 2: "services"}))
    1.0
    """
    _, evaluated, bought_after = _holdout(transactions, cutoff)
    return _hits(bought_after, offer) / len(evaluated)


def true_category_tastes(truth) -> pd.DataFrame | None:
    """Each customer's true probability of buying each category (the simulation's tastes).

    Parameters
    ----------
    truth : the simulation's :class:`~helpers.company.Truth` (``company.truth``).

    Returns
    -------
    pandas.DataFrame or None
        customers (index ``customer_id``) × product categories, rows summing to 1; ``None``
        when the truth holds no tastes (a truth folder written before they existed).

    Example
    -------
    >>> from types import SimpleNamespace
    >>> true_category_tastes(SimpleNamespace(customer_tastes=None)) is None
    True
    >>> tastes = pd.DataFrame({"customer_id": [7], "basics": [0.9], "premium": [0.1]})
    >>> true_category_tastes(SimpleNamespace(customer_tastes=tastes)).idxmax(axis=1).to_dict()
    {7: 'basics'}
    """
    table = getattr(truth, "customer_tastes", None)
    if not isinstance(table, pd.DataFrame) or table.empty:
        return None
    tastes = table.set_index("customer_id")
    return tastes[[c for c in _category_labels(pd.DataFrame({"category": tastes.columns})) if c in tastes.columns]]


# ---------------------------------------------------------------------------------------
# The single customer view
# ---------------------------------------------------------------------------------------


def _text_or_none(value) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def customer_view(
    customer_id: int,
    *,
    customers: pd.DataFrame,
    transactions: pd.DataFrame,
    interactions: pd.DataFrame,
    surveys: pd.DataFrame,
    bonds: pd.DataFrame,
    churn: pd.DataFrame,
    observation_end,
    ranking: pd.DataFrame | None = None,
    scores: pd.DataFrame | None = None,
) -> dict:
    """Everything the company knows about one customer, in one place (the single customer view).

    Parameters
    ----------
    customer_id : the customer.
    customers, transactions, interactions, surveys, bonds, churn : the company's tables
        (columns as in :mod:`helpers.schema`).
    observation_end : the last day of the data (for tenure and the RFM scores).
    ranking, scores : optional, already computed :func:`customer_value_ranking` and
        :func:`helpers.rfm.rfm_scores` of all customers (a widget computes them once).

    Returns
    -------
    dict
        ``identity`` (dict: id, signup date, acquisition channel, employee; None for what
        the data does not record), ``typology`` (dict: segment, region, age or company
        size, each only when known),
        ``consumption`` (dict: purchases, revenue, margin, favourite category, last purchase,
        preferred channel), ``promotions`` (Series: purchases by promotion),
        ``interactions`` (DataFrame: the contacts, newest first), ``surveys``
        (DataFrame: the answers, newest first), ``bonds`` (list of levels held),
        ``stage`` (dict: status active/lost, tenure in months, RFM cell and segment) and
        ``value`` (dict: margin, rank among buyers, top share — e.g. 0.05 = in the top 5 %),
        plus the customer's ``purchases`` (DataFrame) for a timeline.

    Raises
    ------
    ValueError
        If the customer is not in the customers table.

    References
    ----------
    Peppers & Rogers (1993): *identify* each customer and remember every interaction.

    Example
    -------
    >>> from helpers.synthetic import generate
    >>> c = generate(n_customers=50, seed=3, months=6)
    >>> view = customer_profile(c, 1)
    >>> sorted(view)[:4]
    ['bonds', 'consumption', 'identity', 'interactions']
    """
    row = customers.loc[customers["customer_id"] == customer_id]
    if row.empty:
        raise ValueError(
            f"customers.customer_id: no customer {customer_id!r} "
            f"(ids run from {customers['customer_id'].min()} to {customers['customer_id'].max()})"
        )
    person = row.iloc[0]
    end = pd.Timestamp(observation_end)
    own = transactions.loc[transactions["customer_id"] == customer_id].sort_values("date")
    contacts = interactions.loc[interactions["customer_id"] == customer_id].sort_values("date", ascending=False)
    answers = surveys.loc[surveys["customer_id"] == customer_id].sort_values("date", ascending=False)
    lost = churn.loc[churn["customer_id"] == customer_id]
    last_day = lost["date"].iloc[0] if len(lost) else end

    ranking = customer_value_ranking(transactions) if ranking is None else ranking
    mine = ranking.loc[ranking["customer_id"] == customer_id]
    rank = int(mine["rank"].iloc[0]) if len(mine) else None
    margin = float((own["amount"] - own["cost"]).sum())
    if len(own):
        scores = rfm_scores(transactions, observation_end=end) if scores is None else scores
        mine_scores = scores.loc[customer_id]
        rfm_cell, rfm_segment = str(mine_scores["rfm_cell"]), str(mine_scores["segment"])
    else:
        rfm_cell, rfm_segment = "—", "no purchase yet"
    typology = {key: str(person[key]) for key in ("segment", "region") if pd.notna(person.get(key))}
    if pd.notna(person.get("age")):
        typology["age"] = int(person["age"])
    if pd.notna(person.get("company_size")):
        typology["company_size"] = str(person["company_size"])
    touch = pd.concat(
        [
            own["channel"].astype(object),
            contacts.loc[contacts["type"].astype(object) != "purchase", "channel"].astype(object),
        ]
    )
    return {
        "identity": {
            "customer_id": int(customer_id),
            "signup_date": person["signup_date"].date(),
            "acquisition_channel": _text_or_none(person.get("acquisition_channel")),
            "employee_id": int(person["employee_id"]) if pd.notna(person.get("employee_id")) else None,
        },
        "typology": typology,
        "consumption": {
            "purchases": len(own),
            "revenue": float(own["amount"].sum()),
            "margin": margin,
            "favourite_category": (str(own["category"].astype(object).value_counts().idxmax()) if len(own) else "—"),
            "last_purchase": own["date"].max().date() if len(own) else None,
            "preferred_channel": (
                str(touch.value_counts().reindex(list(schema.CHANNELS), fill_value=0).idxmax()) if len(touch) else "—"
            ),
        },
        "promotions": own["promotion"].astype(object).value_counts().reindex(list(schema.PROMOTIONS), fill_value=0),
        "interactions": contacts[["date", "channel", "type", "resolved", "rating"]].reset_index(drop=True),
        "surveys": answers[["date", "satisfaction", "recommend", "trust", "commitment"]].reset_index(drop=True),
        "bonds": [str(level) for level in bonds.loc[bonds["customer_id"] == customer_id, "level"]],
        "stage": {
            "status": "lost" if len(lost) else "active",
            "lost_reason": _text_or_none(lost["reason"].iloc[0]) if len(lost) else None,
            "tenure_months": round((last_day - person["signup_date"]).days / 30.4375, 1),
            "rfm_cell": rfm_cell,
            "rfm_segment": rfm_segment,
        },
        "value": {
            "margin": margin,
            "rank": rank,
            "buyers": len(ranking),
            "top_share": rank / len(ranking) if rank else None,
        },
        "purchases": own[["date", "category", "amount", "channel", "promotion"]].reset_index(drop=True),
    }


def customer_profile(company, customer_id: int, **precomputed) -> dict:
    """The single customer view of one customer of ``company`` (see :func:`customer_view`).

    ``company`` is anything with the tables of :mod:`helpers.schema` as attributes and an
    ``observation_end`` (e.g. a :class:`~helpers.company.Company`); only its tables are read.

    Example
    -------
    >>> from helpers.synthetic import generate
    >>> customer_profile(generate(n_customers=50, seed=3, months=6), 2)["identity"]["customer_id"]
    2
    """
    return customer_view(
        customer_id,
        customers=company.customers,
        transactions=company.transactions,
        interactions=company.interactions,
        surveys=company.surveys,
        bonds=company.bonds,
        churn=company.churn,
        observation_end=company.observation_end,
        **precomputed,
    )


# ---------------------------------------------------------------------------------------
# Implementing CRM: the business case
# ---------------------------------------------------------------------------------------

#: The kinds of cost of a CRM project (and the kinds of benefit), as in the lesson.
COST_KINDS = (
    N_("analysis"),
    N_("design"),
    N_("hardware"),
    N_("software"),
    N_("maintenance"),
    N_("project management"),
    N_("training"),
    N_("process re-engineering"),
    N_("learning"),
    N_("efficiency drop"),
)


def crm_business_case(annual_margin: float, *, years: int = 4) -> pd.DataFrame:
    """A starting cost–benefit table of a CRM project, for the student to edit.

    Costs follow the implementation steps (analysis, design, implementation strategy,
    launch) and include the human costs (process re-engineering, learning, a temporary
    drop in efficiency). The benefits are assumptions stated as shares of the company's
    annual gross margin: retention gained (a few points more customers kept), cross-selling
    and cheaper service. Every number is an assumption meant to be changed.

    Parameters
    ----------
    annual_margin : the company's gross margin in a year (currency).
    years : columns ``year_0`` … ``year_{years-1}`` (year 0 = the project year).

    Returns
    -------
    pandas.DataFrame
        Rows = items, columns ``item``, ``kind`` ("cost" or "benefit"), ``human``
        (True for the human and business costs) and one column per year (currency,
        positive numbers; :func:`project_cash_flows` gives costs their sign).

    References
    ----------
    Payne & Frow (2005): CRM is strategy, people, process and technology, so its costs
    are more than software.

    Example
    -------
    >>> table = crm_business_case(1_000_000.0)
    >>> table.loc[table["item"] == "software", "year_0"].item()
    60000.0
    """
    if not np.isfinite(annual_margin) or annual_margin <= 0:
        raise ValueError(f"annual_margin must be a positive amount; got {annual_margin!r}")
    if years < 2:
        raise ValueError(f"years must be at least 2; got {years!r}")
    m = float(annual_margin)
    # item, kind, human, year 0, then every later year (share of annual margin)
    plan = [
        ("analysis", "cost", False, 0.020, 0.0),
        ("design", "cost", False, 0.030, 0.0),
        ("hardware", "cost", False, 0.015, 0.0),
        ("software", "cost", False, 0.060, 0.020),
        ("maintenance", "cost", False, 0.0, 0.012),
        ("project management", "cost", False, 0.025, 0.005),
        ("training", "cost", False, 0.015, 0.004),
        ("process re-engineering", "cost", True, 0.020, 0.0),
        ("learning", "cost", True, 0.010, 0.003),
        ("efficiency drop", "cost", True, 0.025, 0.0),
        (N_("retention gained"), "benefit", False, 0.0, 0.100),
        (N_("cross-selling"), "benefit", False, 0.0, 0.050),
        (N_("cheaper service"), "benefit", False, 0.005, 0.020),
    ]
    rows = []
    for item, kind, human, first, later in plan:
        rows.append(
            {
                "item": item,
                "kind": kind,
                "human": human,
                **{f"year_{y}": round(m * (first if y == 0 else later), 0) for y in range(years)},
            }
        )
    return pd.DataFrame(rows)


def project_cash_flows(table: pd.DataFrame) -> pd.DataFrame:
    """Costs, benefits and net cash flow by year from a cost–benefit table.

    Parameters
    ----------
    table : rows with ``kind`` ("cost" or "benefit") and columns ``year_0``, ``year_1``, …
        holding positive amounts (currency), as made by :func:`crm_business_case`.

    Returns
    -------
    pandas.DataFrame
        Indexed by year (0, 1, …): ``costs``, ``benefits``, ``net`` (= benefits − costs)
        and ``cumulative`` (running sum of ``net``).

    Example
    -------
    >>> t = pd.DataFrame({"kind": ["cost", "benefit"], "year_0": [100.0, 0.0], "year_1": [10.0, 80.0]})
    >>> project_cash_flows(t)["net"].tolist()
    [-100.0, 70.0]
    """
    require_columns("table", table, ("kind",))
    year_columns = sorted(
        (c for c in table.columns if str(c).startswith("year_")), key=lambda c: int(str(c).split("_")[1])
    )
    if not year_columns:
        raise ValueError(f"the table has no year columns (year_0, year_1, …); it has {list(table.columns)}")
    refuse_rows("table", "kind", table, ~table["kind"].isin(["cost", "benefit"]), "are not 'cost' or 'benefit'")
    amounts = table[year_columns].apply(pd.to_numeric, errors="coerce")
    for column in year_columns:
        refuse_rows(
            "table",
            column,
            table,
            ~np.isfinite(amounts[column].to_numpy(float)) | (amounts[column] < 0),
            "are empty, not numbers or negative (enter costs as positive amounts)",
        )
    is_cost = (table["kind"] == "cost").to_numpy()
    costs = amounts[is_cost].sum().to_numpy(float)
    benefits = amounts[~is_cost].sum().to_numpy(float)
    flows = pd.DataFrame(
        {"costs": costs, "benefits": benefits, "net": benefits - costs},
        index=pd.Index([int(str(c).split("_")[1]) for c in year_columns], name="year"),
    )
    flows["cumulative"] = flows["net"].cumsum()
    return flows


def npv(net_cash_flows, discount_rate: float) -> float:
    """Net present value of yearly cash flows, the first at year 0: Σ CFₜ / (1 + d)ᵗ.

    Parameters
    ----------
    net_cash_flows : the net flow of years 0, 1, 2, … (currency).
    discount_rate : per year, a fraction (0.10 = 10 %), greater than −1.

    Example
    -------
    >>> round(npv([-100.0, 60.0, 60.0], 0.10), 2)   # −100 + 60/1.1 + 60/1.21
    4.13
    """
    if not discount_rate > -1:
        raise ValueError(f"discount_rate must be greater than -1; got {discount_rate!r}")
    flows = np.asarray(net_cash_flows, dtype=float)
    return float(np.sum(flows / (1 + discount_rate) ** np.arange(len(flows))))


def payback_years(net_cash_flows) -> float:
    """Years until the cumulative net cash flow turns non-negative (linear within a year).

    Flows are yearly, the first at year 0 (the moment of the investment): payback 1.5 means
    half-way through the second year after it. ``inf`` if the project never pays back
    within the flows given; 0 if year 0 is already non-negative.

    Example
    -------
    >>> payback_years([-100.0, 40.0, 40.0, 40.0])   # −100, −60, −20, +20 → 2 + 20/40
    2.5
    """
    flows = np.asarray(net_cash_flows, dtype=float)
    cumulative = np.cumsum(flows)
    if len(flows) == 0:
        raise ValueError("net_cash_flows is empty")
    if cumulative[0] >= 0:
        return 0.0
    after = np.nonzero(cumulative >= 0)[0]
    if len(after) == 0:
        return float("inf")
    year = int(after[0])
    return float(year - 1 + (-cumulative[year - 1]) / flows[year])
