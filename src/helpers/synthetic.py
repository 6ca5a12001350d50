"""The synthetic company: a reproducible generator of customers, purchases and contacts.

Every lesson runs on one simulated firm. The simulation follows an explicit causal model,
so a lesson can compare what an analysis *finds* with what is *true* (``company.truth``).
All numbers below live in :data:`DEFAULT_PARAMS` and are copied into
``company.truth.params`` (and ``datasets/truth/params.json``), so a lesson can cite them.

Usage::

    from helpers.synthetic import generate
    company = generate(n_customers=5000, seed=2024)      # the bundled company
    company.transactions.head()

Command line (writes the CSV files with :func:`helpers.data.save_company`)::

    python -m helpers.synthetic --customers 5000 --seed 2024 --out datasets

The causal model
================
Time runs in monthly steps over ``months`` months from the first day of the month of
``start``. Every random draw comes from one ``numpy.random.Generator`` built from
``seed``; the same arguments always give identical tables. Within a month, events
(purchases, contacts, surveys, bond enrolments) fall on random days between the signup
day (in the signup month) and the churn day (in the churn month).

Customers and acquisition
    Sign-ups are spread over the period, rising gently (month weight 1 → 1.6 from the
    first to the last month), each on a random day of its month; customer ids follow the
    signup order. 20 % are businesses (B2B, with a ``company_size`` band 1-9 / 10-49 /
    50-249 / 250+ in proportions 45/30/17/8 %), 80 % consumers (B2C, age 18–80, normal
    around 44 with sd 14). Regions are roughly uniform. Acquisition channels differ in
    cost and quality:

    ============  ====  =======  =======  ===========  ========  =====================
    channel       cost  B2C mix  B2B mix  base churn   service   spend
    ============  ====  =======  =======  ===========  ========  =====================
    search_ads      40   40 %     20 %    6.0 %/month  ± 0       × 1
    social_media    25   36 %      8 %    8.5 %/month  − 0.2     × 0.85
    referral        15   20 %     20 %    3.4 %/month  + 0.2     × 1.1
    trade_fair     150    3 %     27 %    4.6 %/month  + 0.1     × 1.15
    sales_team     400    1 %     25 %    3.8 %/month  + 0.15    × 1.4
    ============  ====  =======  =======  ===========  ========  =====================

    Cost per customer varies around the channel mean (lognormal, σ = 0.25). Base churn
    is the monthly hazard of a stranger at satisfaction 4 without bonds; businesses churn
    less (× 0.8) and each customer has a personal multiplier (lognormal, σ = 0.35).
    "service" is a shift on the logit of service quality.

Employees and the service-profit chain (Heskett et al. 1994)
    One employee per 60 customers (at least 5). Job satisfaction ~ N(3.6, 0.7) on 1–5
    (one decimal); satisfied employees stay longer: tenure = 20 months ×
    e^(0.45·z) × lognormal noise (σ = 0.6), z = standardised satisfaction. Every customer
    is served by one employee (uniformly at random). Latent ``service_quality`` (0–1) =
    logistic(0.3 + 0.35·z_employee + channel shift + N(0, 0.8)): a real but noisy effect
    (employee satisfaction correlates ≈ 0.15 with a customer's survey answer, ≈ 0.6 with
    the average answer of the employee's customers).

Relationship stages (Johnson & Selnes 2004)
    stranger → acquaintance → friend → partner. A new customer is a stranger. At the end
    of each month a surviving customer moves up one stage with probability
    logistic(logit(p) + 2·(delight − 0.25) + 1·(service quality − 0.5) + 0.15·bonds held),
    p = 10 %, 3 %, 0.25 % for the three steps (+2 on the logit for a business going from
    friend to partner), where *delight* is the exponentially weighted share (weight ½) of
    recent months at satisfaction 5. Otherwise it moves down one stage with probability
    logistic(logit(1 %) + 1.6·(3 − recent satisfaction)), recent satisfaction being the
    exponentially weighted (½) latent satisfaction. The new stage holds from the first day
    of the next month; every change is a row of ``truth.stage_history``. Partners end up a
    few per cent of active consumers and about a tenth of active businesses.

Satisfaction
    Latent monthly satisfaction = 3.7 + 2·(service quality − 0.5) + stage bonus
    (0, 0.05, 0.10, 0.15) + personal level N(0, 0.6) + monthly noise N(0, 0.25)
    − 1.3 if a complaint went unresolved this month (− 0.5 the month after)
    − 0.15 if a complaint was resolved (service recovery). Rounded and clipped to 1–5, this
    is the satisfaction level: about 4 % answer 1–2, 24 % 3, 48 % 4, 24 % 5. Each active
    customer answers a survey with probability 8 % a month: satisfaction (the level),
    recommend = round(2.2·latent − 1.6 + N(0, 1)) clipped to 0–10 (so NPS is meaningful),
    trust = round(2.3 + 0.5·stage + 0.35·(latent − 3.8) + N(0, 0.6)) and
    commitment = round(1.9 + 0.75·stage + 0.2·(latent − 3.8) + 0.15·bonds + N(0, 0.6)),
    both clipped to 1–5 (stage coded 0–3), expectation = round(5 + 0.2·B2B + N(0, 0.8))
    and perception = round(expectation + (latent − 3.5) + N(0, 0.5)), both on 1–7.

Purchases (Jones & Sasser 1995: the completely satisfied are far more loyal)
    Monthly count ~ Poisson(rate by stage 0.4, 0.8, 1.2, 1.8 × 1.2 for B2B × satisfaction
    multiplier 0.5, 0.75, 0.97, 1.0, 1.8 for levels 1–5). Category by segment (B2C mostly
    basics and accessories, B2B mostly services and subscriptions). Amount = list price
    (basics 45, accessories 35, premium 220, services 120, subscriptions 40, for a consumer
    from search ads) × the customer's relative spending × noise (lognormal, σ = 0.4). Relative
    spending is lognormal (σ = 0.6, mean 1) × 3 for a business (scaled by company size
    0.5 / 1 / 1.8 / 3, average 1) × the channel's spend factor above; ``spend_level`` in
    the truth is this divided by its expected value over all customers
    (``params["spend_level"]["scale"]`` ≈ 1.4), so it averages 1. Cost = list price
    × cost ratio (basics 0.76, accessories 0.62, premium 0.55, services 0.66,
    subscriptions 0.60) × noise (lognormal, σ = 0.05). 10 % of purchases use a promotion
    (× 2.2 for members of the financial bond): discount −20 % (70 % of promotions without
    a financial bond, 45 % with), bundle −12 % (30 %, 20 %), loyalty_reward −15 % (only
    with the financial bond, 35 %); a promotion lowers the amount, not the cost. Purchase
    channel: the customer's preferred channel 75 % of the time, else a draw from the
    segment mix (B2C web 62, phone 12, email 3, face_to_face 23 %; B2B 30/30/5/35 %).

Interactions (moments of truth, Carlzon 1987)
    30 % of purchases create a 'purchase' contact (same day and channel, resolved).
    Per month: service requests ~ Poisson(0.08, 0.10, 0.14, 0.20 by stage, × 1.5 for
    B2B), inquiries ~ Poisson(0.15, 0.10, 0.08, 0.08), complaints ~ Poisson(0.10 ×
    (1 − service quality)). Resolved with probability: complaint logistic(5·(service
    quality − 0.5)), service request logistic(1.2 + 3·(service quality − 0.5)), inquiry
    93 %. Rating (1–5) = round(1.6 + 3.2·service quality + 0.7 if resolved − 0.8 for a
    complaint + N(0, 0.7)). Contact channel: the customer's preferred one 60 % of the
    time, else web 35, phone 35, email 20, face_to_face 10 %. The customer's own employee
    handles 85 % of contacts. Cost to serve a contact (``interaction_cost``, not in the
    tables): face_to_face 25, phone 8, email 3, web 1.

Retention bonds (Berry & Parasuraman 1991; Zeithaml & Bitner)
    Each month an active customer may enrol in a level it does not hold yet; levels are
    cumulative (social needs financial, customization needs social, structural needs
    customization) and never end in this simulation. Monthly enrolment probability by
    stage (stranger, acquaintance, friend, partner): financial 0, 7, 9, 9 %; social 0, 0,
    10, 15 %; customization 0, 0, 6 (B2B 8), 20 %; structural B2C 0, 0, 0, 5 %, B2B 0, 0,
    4, 25 %. Cost per month 2, 6, 12, 30. Each level held at the start of a month
    multiplies the churn hazard: financial × 0.85, social × 0.70, customization × 0.55,
    structural × 0.40.

Churn
    Monthly hazard = base churn × stage factor (1, 0.6, 0.35, 0.2) × satisfaction factor
    (3.0, 2.0, 1.02, 1.0, 0.15 for levels 1–5) × 2.0 if a complaint went unresolved this
    month × 1.5 if one went unresolved last month × the bond factors (capped at 95 %; in
    the signup month scaled by the share of the month left). A churner leaves on a random
    day of the month and does nothing afterwards. The recorded reason is drawn from a mix
    that depends on the situation (shares of price, competitor_offer, poor_service,
    unresolved_complaint, product_fit, no_longer_needed):

    - an unresolved complaint this or last month: 5, 5, 25, 55, 5, 5 %;
    - otherwise dissatisfied (level 1–2): 12, 10, 50, 8, 12, 8 %;
    - otherwise satisfied (4–5) without bonds, the mercenaries: 38, 28, 3, 1, 12, 18 %;
    - anyone else: 32, 22, 14, 3, 14, 15 %.

What emerges (5000 customers, seed 2024): about 59 % of the customers ever acquired
are still active at the end; annual retention ≈ 70–74 %; price and competitor offers
account for about half of the churn; the top 20 % of customers bring over 80 % of the
gross margin; churn falls with each deeper bond level; customers who answer 5 are
still there 180 days later 93 % of the time, against 80 % for 4 and 73 % for 3.
"""

from __future__ import annotations

import argparse
import copy
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from helpers import schema

DEFAULT_SEED = 2024
DEFAULT_CUSTOMERS = 5000
DEFAULT_START = "2022-01-01"
DEFAULT_MONTHS = 36
#: Show a progress bar automatically from this many customers on.
PROGRESS_THRESHOLD = 200_000

# Every parameter of the causal model. Keys of inner dicts are schema labels, in schema
# order, so the dict reads like a table and turns into arrays with ``_vec``.
DEFAULT_PARAMS: dict[str, Any] = {
    "signup_growth": 0.6,  # last month's signup weight is 1 + this, first month's 1
    "share_b2b": 0.20,
    "region_mix": {"north": 0.22, "south": 0.20, "east": 0.18, "west": 0.20, "centre": 0.20},
    "age": {"mean": 44.0, "sd": 14.0, "min": 18, "max": 80},
    "company_size_mix": {"1-9": 0.45, "10-49": 0.30, "50-249": 0.17, "250+": 0.08},
    "channel_mix": {
        "B2C": {"search_ads": 0.40, "social_media": 0.36, "referral": 0.20, "trade_fair": 0.03, "sales_team": 0.01},
        "B2B": {"search_ads": 0.20, "social_media": 0.08, "referral": 0.20, "trade_fair": 0.27, "sales_team": 0.25},
    },
    "acquisition_cost_mean": {"search_ads": 40.0, "social_media": 25.0, "referral": 15.0, "trade_fair": 150.0, "sales_team": 400.0},
    "acquisition_cost_sigma": 0.25,  # lognormal spread of cost around the channel mean
    "employees_per_customer": 1 / 60,
    "min_employees": 5,
    "employee_satisfaction": {"mean": 3.6, "sd": 0.7},
    "employee_tenure": {"median_months": 20.0, "per_sd_satisfaction": 0.45, "sigma": 0.6, "max_months": 300},
    "service_quality": {
        "intercept": 0.3,
        "per_sd_employee_satisfaction": 0.35,
        "noise_sd": 0.8,
        "channel_shift": {"search_ads": 0.0, "social_media": -0.2, "referral": 0.2, "trade_fair": 0.1, "sales_team": 0.15},
    },
    "spend_level": {
        "sigma": 0.6,
        "b2b_multiplier": 3.0,
        "company_size_multiplier": {"1-9": 0.5, "10-49": 1.0, "50-249": 1.8, "250+": 3.0},
        "channel_multiplier": {"search_ads": 1.0, "social_media": 0.85, "referral": 1.1, "trade_fair": 1.15, "sales_team": 1.4},
    },
    "base_churn": {
        "by_channel": {"search_ads": 0.060, "social_media": 0.085, "referral": 0.034, "trade_fair": 0.046, "sales_team": 0.038},
        "b2b_multiplier": 0.8,
        "sigma": 0.35,
    },
    "satisfaction": {
        "intercept": 3.7,
        "per_service_quality": 2.0,  # times (service_quality - 0.5)
        "stage_bonus": {"stranger": 0.0, "acquaintance": 0.05, "friend": 0.1, "partner": 0.15},
        "person_sd": 0.6,
        "month_sd": 0.25,
        "unresolved_complaint_penalty": 1.3,
        "unresolved_complaint_penalty_next_month": 0.5,
        "resolved_complaint_penalty": 0.15,
        "recent_weight": 0.5,  # weight of this month in the exponential average
    },
    "stage_promotion": {
        "base": {"stranger": 0.10, "acquaintance": 0.03, "friend": 0.0025},
        "per_delight": 2.0,  # times (recent share of completely satisfied months - 0.25), on the logit
        "per_service_quality": 1.0,  # times (service_quality - 0.5), on the logit
        "per_bond": 0.15,
        "b2b_friend_to_partner": 2.0,
    },
    "stage_demotion": {"base": 0.01, "per_dissatisfaction": 1.6},  # times (3 - recent satisfaction)
    "purchase_rate": {"stranger": 0.4, "acquaintance": 0.8, "friend": 1.2, "partner": 1.8},
    "purchase_b2b_multiplier": 1.2,
    "purchase_satisfaction_multiplier": {"1": 0.5, "2": 0.75, "3": 0.97, "4": 1.0, "5": 1.8},
    "category_mix": {
        "B2C": {"basics": 0.35, "accessories": 0.25, "premium": 0.12, "services": 0.13, "subscriptions": 0.15},
        "B2B": {"basics": 0.20, "accessories": 0.10, "premium": 0.15, "services": 0.35, "subscriptions": 0.20},
    },
    "list_price": {"basics": 45.0, "accessories": 35.0, "premium": 220.0, "services": 120.0, "subscriptions": 40.0},
    "price_sigma": 0.4,
    "cost_ratio": {"basics": 0.76, "accessories": 0.62, "premium": 0.55, "services": 0.66, "subscriptions": 0.60},
    "cost_sigma": 0.05,
    "promotion_rate": 0.10,
    "promotion_financial_bond_multiplier": 2.2,
    "promotion_mix": {
        "without_financial_bond": {"discount": 0.70, "bundle": 0.30, "loyalty_reward": 0.0},
        "with_financial_bond": {"discount": 0.45, "bundle": 0.20, "loyalty_reward": 0.35},
    },
    "promotion_discount": {"none": 0.0, "discount": 0.20, "bundle": 0.12, "loyalty_reward": 0.15},
    "purchase_channel_mix": {
        "B2C": {"web": 0.62, "phone": 0.12, "email": 0.03, "face_to_face": 0.23},
        "B2B": {"web": 0.30, "phone": 0.30, "email": 0.05, "face_to_face": 0.35},
    },
    "preferred_channel_share": 0.75,
    "contact_channel_mix": {"web": 0.35, "phone": 0.35, "email": 0.20, "face_to_face": 0.10},
    "preferred_contact_share": 0.6,
    "purchase_interaction_share": 0.30,
    "service_request_rate": {"stranger": 0.08, "acquaintance": 0.10, "friend": 0.14, "partner": 0.20},
    "service_request_b2b_multiplier": 1.5,
    "inquiry_rate": {"stranger": 0.15, "acquaintance": 0.10, "friend": 0.08, "partner": 0.08},
    "complaint_rate": 0.10,  # times (1 - service_quality)
    "complaint_resolution": {"intercept": 0.0, "per_service_quality": 5.0},
    "service_request_resolution": {"intercept": 1.2, "per_service_quality": 3.0},
    "inquiry_resolution": 0.93,
    "rating": {"intercept": 1.6, "per_service_quality": 3.2, "resolved": 0.7, "complaint": -0.8, "noise_sd": 0.7},
    "own_employee_share": 0.85,
    "interaction_cost": {"web": 1.0, "phone": 8.0, "email": 3.0, "face_to_face": 25.0},
    "survey_rate": 0.08,
    "survey": {
        "recommend": {"intercept": -1.6, "per_satisfaction": 2.2, "noise_sd": 1.0},
        "trust": {"intercept": 2.3, "per_stage": 0.5, "per_satisfaction": 0.35, "noise_sd": 0.6},
        "commitment": {"intercept": 1.9, "per_stage": 0.75, "per_satisfaction": 0.2, "per_bond": 0.15, "noise_sd": 0.6},
        "expectation": {"mean": 5.0, "b2b": 0.2, "sd": 0.8},
        "perception": {"satisfaction_centre": 3.5, "per_satisfaction": 1.0, "noise_sd": 0.5},
    },
    "bond_enrolment": {
        "financial": {"B2C": [0.0, 0.07, 0.09, 0.09], "B2B": [0.0, 0.07, 0.09, 0.09]},
        "social": {"B2C": [0.0, 0.0, 0.10, 0.15], "B2B": [0.0, 0.0, 0.10, 0.15]},
        "customization": {"B2C": [0.0, 0.0, 0.06, 0.20], "B2B": [0.0, 0.0, 0.08, 0.20]},
        "structural": {"B2C": [0.0, 0.0, 0.0, 0.05], "B2B": [0.0, 0.0, 0.04, 0.25]},
    },
    "bond_requires_previous_level": True,  # social needs financial, customization social, structural customization
    "bond_cost_per_month": {"financial": 2.0, "social": 6.0, "customization": 12.0, "structural": 30.0},
    "bond_churn_factor": {"financial": 0.85, "social": 0.70, "customization": 0.55, "structural": 0.40},
    "stage_churn_factor": {"stranger": 1.0, "acquaintance": 0.6, "friend": 0.35, "partner": 0.2},
    "satisfaction_churn_factor": {"1": 3.0, "2": 2.0, "3": 1.02, "4": 1.0, "5": 0.15},
    "unresolved_complaint_churn_factor": 2.0,
    "unresolved_complaint_churn_factor_next_month": 1.5,
    "max_monthly_churn": 0.95,
    "churn_reason_mix": {
        "unresolved_complaint": {"price": 0.05, "competitor_offer": 0.05, "poor_service": 0.25, "unresolved_complaint": 0.55, "product_fit": 0.05, "no_longer_needed": 0.05},
        "dissatisfied": {"price": 0.12, "competitor_offer": 0.10, "poor_service": 0.50, "unresolved_complaint": 0.08, "product_fit": 0.12, "no_longer_needed": 0.08},
        "satisfied_unbonded": {"price": 0.38, "competitor_offer": 0.28, "poor_service": 0.03, "unresolved_complaint": 0.01, "product_fit": 0.12, "no_longer_needed": 0.18},
        "other": {"price": 0.32, "competitor_offer": 0.22, "poor_service": 0.14, "unresolved_complaint": 0.03, "product_fit": 0.14, "no_longer_needed": 0.15},
    },
}


def default_params() -> dict[str, Any]:
    """Return a fresh copy of the parameters of the causal model.

    Returns:
        A nested, JSON-serialisable dict (see the module docstring for what each means).

    Example:
        >>> default_params()["bond_churn_factor"]["structural"]
        0.4
    """
    return copy.deepcopy(DEFAULT_PARAMS)


# --------------------------------------------------------------------------- containers


@dataclass
class Truth:
    """What only the simulation knows: the causal parameters and the latent states.

    Attributes:
        params: every parameter of the causal model plus the generator's arguments
            (``params["arguments"]``), JSON-serialisable.
        stage_history: one row per stage entered (``customer_id``, ``date`` = first day
            of the month, ``stage``); the first row of each customer is 'stranger'.
        customer_traits: latent ``service_quality``, ``spend_level``, ``base_churn``.
        signup_date: signup day per customer_id (used by :meth:`stage_at`).
    """

    params: dict
    stage_history: pd.DataFrame
    customer_traits: pd.DataFrame
    signup_date: pd.Series | None = field(default=None, repr=False)

    def stage_at(self, date) -> pd.Series:
        """Latent stage of every customer who had signed up by ``date``.

        Customers who left before ``date`` keep the stage they had when they left; use
        :meth:`Company.active_at` to keep only current customers.

        Parameters:
            date: a date (string ``YYYY-MM-DD`` or Timestamp).

        Returns:
            Categorical Series (ordered as ``schema.STAGES``) indexed by ``customer_id``.

        Example:
            >>> generate(300, seed=1).truth.stage_at("2022-06-30").value_counts().to_dict()
            {'stranger': 35, 'acquaintance': 7, 'friend': 1, 'partner': 0}
        """
        when = pd.Timestamp(date)
        history = self.stage_history
        rows = history[history["date"] <= when]
        last = rows.drop_duplicates("customer_id", keep="last")
        stage = pd.Series(pd.Categorical(last["stage"]), index=pd.Index(last["customer_id"].to_numpy(), name="customer_id"), name="stage")
        if self.signup_date is not None:
            signed = self.signup_date.index[self.signup_date.to_numpy() <= when.to_datetime64()]
            stage = stage[stage.index.isin(signed)]
        return stage.sort_index()


@dataclass
class Company:
    """The company's data: one DataFrame per table of ``schema.TABLES``, plus the truth.

    Attributes:
        customers, transactions, interactions, surveys, bonds, churn, employees:
            the tables, with exactly the columns of ``schema.TABLES``. On the course's
            data every column has the schema's dtype and no missing values (except the
            columns marked nullable). On an analyst's own data
            (:func:`helpers.data.load_own_data`) a column the data does not have is
            entirely missing: NaN for numbers (whole-number columns become ``float64``),
            NaT for dates, NaN for categories, ``<NA>`` (pandas ``boolean``) for True/False;
            the churn ``reason`` is missing when the reason is unknown.
        truth: the simulation's ground truth (None for real data).
        observation_end: the last day covered by the data.
        missing: names of the tables the data does not have. Their DataFrames are
            empty, with the schema's columns and dtypes. Always ``()`` for the course's data.
        load_report: what loading an analyst's files found and changed
            (a :class:`helpers.own_data.LoadReport`; None for the course's data).

    Use :meth:`has` to ask whether an analysis can run on this data.
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

        Parameters:
            table: a table of ``schema.TABLES``, or ``"truth"`` (the simulation's
                ground truth, which real data never has).
            columns: columns of that table; each must hold at least one non-missing value.

        Returns:
            True if the table is supplied (not in :attr:`missing`) and every named column
            has a value; for ``"truth"``, whether :attr:`truth` is set.

        Raises:
            ValueError: an unknown table or column name (a typo, not missing data).

        Example:
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
        return all(column in frame.columns and bool(frame[column].notna().any()) for column in columns)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the tables as a dict ``{name: DataFrame}`` in ``schema.TABLES`` order."""
        return {name: getattr(self, name) for name in schema.TABLES}

    def active_at(self, date) -> pd.Series:
        """Whether each customer was a customer on ``date`` (signed up, not yet lost).

        A customer is active on ``date`` if ``signup_date <= date < churn date``.

        Returns:
            Boolean Series indexed by ``customer_id``.

        Example:
            >>> company = generate(300, seed=1)
            >>> round(float(company.active_at(company.observation_end).mean()), 2)
            0.57
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

        Example:
            >>> generate(100, seed=1).summary()["customers"]
            100
        """
        out = {name: len(df) for name, df in self.tables().items()}
        out["active_at_end"] = int(self.active_at(self.observation_end).sum())
        return out


# --------------------------------------------------------------------------- helpers


def _vec(mapping: dict, labels) -> np.ndarray:
    """Values of ``mapping`` in the order of ``labels`` as a float array."""
    return np.array([mapping[label] for label in labels], dtype=np.float64)


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def _choose_rows(rng: np.random.Generator, cdf: np.ndarray) -> np.ndarray:
    """One category per row given row-wise cumulative probabilities ``cdf`` (n × k)."""
    u = rng.random(cdf.shape[0])
    idx = (u[:, None] >= cdf).sum(axis=1)
    return np.minimum(idx, cdf.shape[1] - 1).astype(np.int8)


def _choose_by_group(rng: np.random.Generator, group: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Draw a category per element; ``probs[g]`` is the distribution for group ``g``."""
    cdf = np.cumsum(probs, axis=1)
    return _choose_rows(rng, cdf[group])


def _round_half_up(x: np.ndarray) -> np.ndarray:
    return np.floor(x + 0.5)


def _lognormal_mean1(rng: np.random.Generator, sigma: float, size: int) -> np.ndarray:
    return rng.lognormal(-0.5 * sigma * sigma, sigma, size)


def _check_arguments(n_customers, seed, start, months):
    for name, value, low in (("n_customers", n_customers, 1), ("months", months, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be a whole number, got {value!r}")
        if value < low:
            raise ValueError(f"{name} must be at least {low}, got {value}")
    if months > 600:
        raise ValueError(f"months must be at most 600 (50 years), got {months}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative whole number, got {seed!r}")
    try:
        start_ts = pd.Timestamp(start)
    except (ValueError, TypeError) as err:
        raise ValueError(f"start must be a date like '2022-01-01', got {start!r}") from err
    if start_ts is pd.NaT or pd.isna(start_ts):
        raise ValueError(f"start must be a date like '2022-01-01', got {start!r}")
    if start_ts.tz is not None:
        start_ts = start_ts.tz_localize(None)
    return int(n_customers), int(seed), start_ts.normalize().replace(day=1), int(months)


def _days_to_datetime(days: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 → ``datetime64[ns]`` array."""
    return days.astype("datetime64[D]").astype("datetime64[ns]")


def _categorical(codes: np.ndarray, column: str) -> pd.Categorical:
    labels = list(schema.CATEGORIES[column])
    dtype = pd.CategoricalDtype(labels, ordered=(column == "stage"))
    return pd.Categorical.from_codes(codes.astype(np.int8), dtype=dtype)


# --------------------------------------------------------------------------- generator


def generate(
    n_customers: int = DEFAULT_CUSTOMERS,
    seed: int = DEFAULT_SEED,
    start: str | pd.Timestamp = DEFAULT_START,
    months: int = DEFAULT_MONTHS,
    progress: bool | None = None,
) -> Company:
    """Simulate the company: customers, purchases, contacts, surveys, bonds and churn.

    The causal model is described in the module docstring; its numbers are in
    :data:`DEFAULT_PARAMS` and in ``company.truth.params``.

    Parameters:
        n_customers: customers acquired over the whole period (≥ 1).
        seed: seed of the single ``numpy.random.Generator`` (default ``DEFAULT_SEED``).
        start: first month of the data (a date; rounded down to the 1st of its month).
        months: length of the period in months (≥ 1).
        progress: show a progress bar on stderr; None shows it from 200,000 customers.

    Returns:
        A :class:`Company`. Same arguments → identical tables.

    Example:
        >>> company = generate(n_customers=500, seed=1, months=12)
        >>> company.customers["customer_id"].iloc[0]
        np.int64(1)
    """
    n, seed, start_ts, months = _check_arguments(n_customers, seed, start, months)
    if progress is None:
        progress = n >= PROGRESS_THRESHOLD
    P = default_params()
    rng = np.random.default_rng(seed)

    S, B = schema.STAGES, schema.BOND_LEVELS
    n_bonds = len(B)

    month_starts = pd.date_range(start_ts, periods=months + 1, freq="MS")
    ms_days = month_starts.to_numpy().astype("datetime64[D]").astype(np.int64)
    dim = np.diff(ms_days)  # days in each month
    ms_days = ms_days[:-1]
    observation_end = month_starts[-1] - pd.Timedelta(days=1)

    # ---- customers -------------------------------------------------------------------
    weights = 1.0 + P["signup_growth"] * np.arange(months) / max(months - 1, 1)
    counts = rng.multinomial(n, weights / weights.sum())
    signup_month = np.repeat(np.arange(months, dtype=np.int16), counts)
    day_offset = np.floor(rng.random(n) * dim[signup_month]).astype(np.int64)
    signup_day = np.sort(ms_days[signup_month] + day_offset)  # ids follow signup order
    signup_off = (signup_day - ms_days[signup_month]).astype(np.int16)

    b2b = (rng.random(n) < P["share_b2b"]).astype(np.int8)
    chan_probs = np.array([_vec(P["channel_mix"][seg], schema.ACQUISITION_CHANNELS) for seg in schema.SEGMENTS])
    acq = _choose_by_group(rng, b2b, chan_probs)
    region = rng.choice(len(schema.REGIONS), size=n, p=_vec(P["region_mix"], schema.REGIONS)).astype(np.int8)
    a = P["age"]
    age = np.clip(_round_half_up(rng.normal(a["mean"], a["sd"], n)), a["min"], a["max"])
    age[b2b == 1] = np.nan
    size_probs = _vec(P["company_size_mix"], schema.COMPANY_SIZES)
    size = rng.choice(len(schema.COMPANY_SIZES), size=n, p=size_probs).astype(np.int8)
    size_code = np.where(b2b == 1, size, -1).astype(np.int8)
    cost_mean = _vec(P["acquisition_cost_mean"], schema.ACQUISITION_CHANNELS)
    acq_cost = np.round(cost_mean[acq] * _lognormal_mean1(rng, P["acquisition_cost_sigma"], n), 2)

    # ---- employees -------------------------------------------------------------------
    n_emp = max(P["min_employees"], int(round(n * P["employees_per_customer"])))
    es = P["employee_satisfaction"]
    emp_sat = np.clip(np.round(rng.normal(es["mean"], es["sd"], n_emp), 1), 1.0, 5.0)
    emp_z = (emp_sat - es["mean"]) / es["sd"]
    et = P["employee_tenure"]
    tenure = np.exp(np.log(et["median_months"]) + et["per_sd_satisfaction"] * emp_z + rng.normal(0, et["sigma"], n_emp))
    tenure = np.clip(np.round(tenure), 1, et["max_months"]).astype(np.int64)
    employee = rng.integers(0, n_emp, size=n).astype(np.int32)

    # ---- latent traits ---------------------------------------------------------------
    q = P["service_quality"]
    sq = _expit(
        q["intercept"]
        + q["per_sd_employee_satisfaction"] * emp_z[employee]
        + _vec(q["channel_shift"], schema.ACQUISITION_CHANNELS)[acq]
        + rng.normal(0, q["noise_sd"], n)
    )
    sq = np.round(sq, 4)
    sp = P["spend_level"]
    size_mult = _vec(sp["company_size_multiplier"], schema.COMPANY_SIZES)
    size_mult = size_mult / float(size_mult @ size_probs)  # average business = b2b_multiplier
    seg_mult = np.where(b2b == 1, sp["b2b_multiplier"] * size_mult[np.maximum(size_code, 0)], 1.0)
    chan_mult = _vec(sp["channel_multiplier"], schema.ACQUISITION_CHANNELS)
    # rescale so that spend_level averages 1 over all customers; list prices scale up to match
    spend_scale = float((1 - P["share_b2b"]) * chan_probs[0] @ chan_mult + P["share_b2b"] * sp["b2b_multiplier"] * chan_probs[1] @ chan_mult)
    sp["scale"] = round(spend_scale, 6)
    spend = _lognormal_mean1(rng, sp["sigma"], n) * seg_mult * chan_mult[acq] / spend_scale
    spend = np.round(spend, 4)
    bc = P["base_churn"]
    base_churn = _vec(bc["by_channel"], schema.ACQUISITION_CHANNELS)[acq] * np.where(b2b == 1, bc["b2b_multiplier"], 1.0)
    base_churn = np.round(base_churn * _lognormal_mean1(rng, bc["sigma"], n), 4)
    sat_p = P["satisfaction"]
    sat_base = sat_p["intercept"] + sat_p["per_service_quality"] * (sq - 0.5) + rng.normal(0, sat_p["person_sd"], n)
    buy_chan_probs = np.array([_vec(P["purchase_channel_mix"][seg], schema.CHANNELS) for seg in schema.SEGMENTS])
    pref_buy = _choose_by_group(rng, b2b, buy_chan_probs)
    contact_probs = _vec(P["contact_channel_mix"], schema.CHANNELS)
    pref_contact = rng.choice(len(schema.CHANNELS), size=n, p=contact_probs).astype(np.int8)

    # ---- parameter arrays for the monthly loop ------------------------------------------
    stage_bonus = _vec(sat_p["stage_bonus"], S)
    buy_rate = _vec(P["purchase_rate"], S)
    buy_seg = np.array([1.0, P["purchase_b2b_multiplier"]])
    levels = ("1", "2", "3", "4", "5")
    buy_sat = _vec(P["purchase_satisfaction_multiplier"], levels)
    churn_sat = _vec(P["satisfaction_churn_factor"], levels)
    churn_stage = _vec(P["stage_churn_factor"], S)
    bond_factor = _vec(P["bond_churn_factor"], B)
    log_bond_factor = np.log(bond_factor)
    bond_enrol = np.array([[P["bond_enrolment"][lvl][seg] for lvl in B] for seg in schema.SEGMENTS])  # seg × level × stage
    sr_rate = _vec(P["service_request_rate"], S)
    sr_seg = np.array([1.0, P["service_request_b2b_multiplier"]])
    inq_rate = _vec(P["inquiry_rate"], S)
    cat_cdf = np.cumsum([_vec(P["category_mix"][seg], schema.CATEGORIES_OF_PRODUCT) for seg in schema.SEGMENTS], axis=1)
    list_price = _vec(P["list_price"], schema.CATEGORIES_OF_PRODUCT) * spend_scale
    cost_ratio = _vec(P["cost_ratio"], schema.CATEGORIES_OF_PRODUCT)
    promo_cdf = np.cumsum(
        [_vec(P["promotion_mix"][k], schema.PROMOTIONS[1:]) for k in ("without_financial_bond", "with_financial_bond")], axis=1
    )
    promo_disc = _vec(P["promotion_discount"], schema.PROMOTIONS)
    buy_chan_cdf = np.cumsum(buy_chan_probs, axis=1)
    contact_cdf = np.cumsum(contact_probs)[None, :]
    reason_kinds = ("unresolved_complaint", "dissatisfied", "satisfied_unbonded", "other")
    reason_cdf = np.cumsum([_vec(P["churn_reason_mix"][k], schema.CHURN_REASONS) for k in reason_kinds], axis=1)
    pro = P["stage_promotion"]
    promo_logit = np.array([_logit(pro["base"][s]) for s in S[:-1]] + [-np.inf])
    dem = P["stage_demotion"]
    dem_logit = _logit(dem["base"])
    rt = P["rating"]
    sv = P["survey"]
    cres, sres = P["complaint_resolution"], P["service_request_resolution"]
    type_code = {t: i for i, t in enumerate(schema.INTERACTION_TYPES)}

    # ---- state -------------------------------------------------------------------------
    stage = np.zeros(n, dtype=np.int8)
    alive = np.ones(n, dtype=bool)
    bonds_held = np.zeros((n, n_bonds), dtype=bool)
    recent = np.zeros(n, dtype=np.float64)
    delight = np.zeros(n, dtype=np.float64)
    unres_prev = np.zeros(n, dtype=bool)
    signed_upto = np.searchsorted(signup_month, np.arange(months), side="right")

    tx, it, sv_rows, bd, ch, sh = [], [], [], [], [], []

    months_iter = range(months)
    if progress:
        from tqdm.auto import tqdm

        months_iter = tqdm(months_iter, desc="simulating months", unit="month", file=sys.stderr)

    for m in months_iter:
        A = np.flatnonzero(alive[: signed_upto[m]]).astype(np.int32)
        k = len(A)
        if k == 0:
            continue
        base_day = ms_days[m]
        new = signup_month[A] == m
        lo = np.where(new, signup_off[A], 0).astype(np.int32)
        hi = np.full(k, dim[m] - 1, dtype=np.int32)
        expo = np.where(new, (dim[m] - lo) / dim[m], 1.0)
        st = stage[A]
        seg = b2b[A]
        sqa = sq[A]
        pos_all = np.arange(k, dtype=np.int32)

        # contacts this month
        n_sr = rng.poisson(sr_rate[st] * sr_seg[seg] * expo)
        n_inq = rng.poisson(inq_rate[st] * expo)
        n_cmp = rng.poisson(P["complaint_rate"] * (1.0 - sqa) * expo)
        cmp_pos = np.repeat(pos_all, n_cmp)
        cmp_res = rng.random(len(cmp_pos)) < _expit(cres["intercept"] + cres["per_service_quality"] * (sqa[cmp_pos] - 0.5))
        n_unres = np.bincount(cmp_pos[~cmp_res], minlength=k)
        had_unres = n_unres > 0
        had_res = (n_cmp - n_unres) > 0

        # satisfaction
        s = (
            sat_base[A]
            + stage_bonus[st]
            + rng.normal(0.0, sat_p["month_sd"], k)
            - sat_p["unresolved_complaint_penalty"] * had_unres
            - sat_p["resolved_complaint_penalty"] * had_res
            - sat_p["unresolved_complaint_penalty_next_month"] * unres_prev[A]
        )
        lvl = np.clip(_round_half_up(s), 1, 5).astype(np.int8)
        w = sat_p["recent_weight"]
        rec = np.where(new, s, (1 - w) * recent[A] + w * s)
        dl = np.where(new, lvl == 5, (1 - w) * delight[A] + w * (lvl == 5))

        # purchases and surveys (counts)
        n_buy = rng.poisson(buy_rate[st] * buy_seg[seg] * buy_sat[lvl - 1] * expo)
        surveyed = rng.random(k) < P["survey_rate"]

        # churn
        held = bonds_held[A]
        hazard = (
            base_churn[A]
            * churn_stage[st]
            * churn_sat[lvl - 1]
            * np.where(had_unres, P["unresolved_complaint_churn_factor"], 1.0)
            * np.where(unres_prev[A], P["unresolved_complaint_churn_factor_next_month"], 1.0)
            * np.exp(held @ log_bond_factor)
            * expo
        )
        hazard = np.minimum(hazard, P["max_monthly_churn"])
        churned = rng.random(k) < hazard
        cpos = np.flatnonzero(churned)
        cday = lo[cpos] + np.floor(rng.random(len(cpos)) * (hi[cpos] - lo[cpos] + 1)).astype(np.int32)
        hi[cpos] = cday
        kind = np.full(len(cpos), 3, dtype=np.int64)
        sat_unbonded = (lvl[cpos] >= 4) & ~held[cpos].any(axis=1)
        kind[sat_unbonded] = 2
        kind[lvl[cpos] <= 2] = 1
        kind[had_unres[cpos] | unres_prev[A][cpos]] = 0
        reason = _choose_rows(rng, reason_cdf[kind])
        ch.append((A[cpos], base_day + cday, reason))

        span = (hi - lo + 1).astype(np.float64)

        def dates(pos: np.ndarray) -> np.ndarray:
            return (base_day + lo[pos] + np.floor(rng.random(len(pos)) * span[pos])).astype(np.int32)

        # transactions
        bpos = np.repeat(pos_all, n_buy)
        nb = len(bpos)
        bday = dates(bpos)
        cat = _choose_rows(rng, cat_cdf[seg[bpos]])
        keep_pref = rng.random(nb) < P["preferred_channel_share"]
        other = _choose_rows(rng, buy_chan_cdf[seg[bpos]])
        bchan = np.where(keep_pref, pref_buy[A[bpos]], other).astype(np.int8)
        fin = held[bpos, 0]
        has_promo = rng.random(nb) < P["promotion_rate"] * np.where(fin, P["promotion_financial_bond_multiplier"], 1.0)
        ptype = (_choose_rows(rng, promo_cdf[fin.astype(np.int8)]) + 1) * has_promo
        listp = list_price[cat] * spend[A[bpos]] * _lognormal_mean1(rng, P["price_sigma"], nb)
        amount = np.round(listp * (1.0 - promo_disc[ptype]), 2)
        cost = np.round(listp * cost_ratio[cat] * rng.lognormal(0.0, P["cost_sigma"], nb), 2)
        tx.append((A[bpos], bday, cat, amount, cost, bchan, ptype.astype(np.int8)))

        # interactions: purchase contacts, then service requests, inquiries, complaints
        pi = np.flatnonzero(rng.random(nb) < P["purchase_interaction_share"])
        ipos_parts = [bpos[pi]]
        iday_parts = [bday[pi]]
        ichan_parts = [bchan[pi]]
        itype_parts = [np.full(len(pi), type_code["purchase"], dtype=np.int8)]
        ires_parts = [np.ones(len(pi), dtype=bool)]
        for tname, cnt in (("service_request", n_sr), ("inquiry", n_inq)):
            p = np.repeat(pos_all, cnt)
            ipos_parts.append(p)
            iday_parts.append(dates(p))
            itype_parts.append(np.full(len(p), type_code[tname], dtype=np.int8))
            if tname == "service_request":
                ires_parts.append(rng.random(len(p)) < _expit(sres["intercept"] + sres["per_service_quality"] * (sqa[p] - 0.5)))
            else:
                ires_parts.append(rng.random(len(p)) < P["inquiry_resolution"])
            ichan_parts.append(None)
        ipos_parts.append(cmp_pos)
        iday_parts.append(dates(cmp_pos))
        itype_parts.append(np.full(len(cmp_pos), type_code["complaint"], dtype=np.int8))
        ires_parts.append(cmp_res)
        ichan_parts.append(None)
        for j, part in enumerate(ichan_parts):
            if part is None:
                p = ipos_parts[j]
                keep = rng.random(len(p)) < P["preferred_contact_share"]
                other = _choose_rows(rng, np.broadcast_to(contact_cdf, (len(p), contact_cdf.shape[1])))
                ichan_parts[j] = np.where(keep, pref_contact[A[p]], other).astype(np.int8)
        ipos = np.concatenate(ipos_parts)
        itype = np.concatenate(itype_parts)
        ires = np.concatenate(ires_parts)
        ni = len(ipos)
        own = rng.random(ni) < P["own_employee_share"]
        iemp = np.where(own, employee[A[ipos]], rng.integers(0, n_emp, size=ni)).astype(np.int32)
        rating = (
            rt["intercept"]
            + rt["per_service_quality"] * sqa[ipos]
            + rt["resolved"] * ires
            + rt["complaint"] * (itype == type_code["complaint"])
            + rng.normal(0.0, rt["noise_sd"], ni)
        )
        rating = np.clip(_round_half_up(rating), 1, 5).astype(np.int8)
        it.append((A[ipos], np.concatenate(iday_parts), np.concatenate(ichan_parts), itype, iemp, ires, rating))

        # surveys
        spos = np.flatnonzero(surveyed)
        ns_ = len(spos)
        ss, sst = s[spos], st[spos].astype(np.float64)
        rec_ = np.clip(_round_half_up(sv["recommend"]["intercept"] + sv["recommend"]["per_satisfaction"] * ss + rng.normal(0, sv["recommend"]["noise_sd"], ns_)), 0, 10)
        tr = sv["trust"]
        trust = np.clip(_round_half_up(tr["intercept"] + tr["per_stage"] * sst + tr["per_satisfaction"] * (ss - 3.8) + rng.normal(0, tr["noise_sd"], ns_)), 1, 5)
        cm = sv["commitment"]
        commit = np.clip(
            _round_half_up(
                cm["intercept"] + cm["per_stage"] * sst + cm["per_satisfaction"] * (ss - 3.8) + cm["per_bond"] * held[spos].sum(axis=1) + rng.normal(0, cm["noise_sd"], ns_)
            ),
            1,
            5,
        )
        ex = sv["expectation"]
        exp_c = ex["mean"] + ex["b2b"] * seg[spos] + rng.normal(0, ex["sd"], ns_)
        pe = sv["perception"]
        perc = exp_c + pe["per_satisfaction"] * (ss - pe["satisfaction_centre"]) + rng.normal(0, pe["noise_sd"], ns_)
        sv_rows.append(
            (
                A[spos],
                dates(spos),
                lvl[spos],
                rec_.astype(np.int8),
                trust.astype(np.int8),
                commit.astype(np.int8),
                np.clip(_round_half_up(exp_c), 1, 7).astype(np.int8),
                np.clip(_round_half_up(perc), 1, 7).astype(np.int8),
            )
        )

        # survivors: bond enrolment and stage moves (effective next month)
        surv = np.flatnonzero(~churned)
        ids = A[surv]
        st_s = st[surv]
        p_enrol = bond_enrol[seg[surv][:, None], np.arange(n_bonds)[None, :], st_s[:, None]]  # len × level
        enrol = (rng.random((len(surv), n_bonds)) < p_enrol) & ~held[surv]
        if P["bond_requires_previous_level"]:
            enrol[:, 1:] &= held[surv][:, :-1]
        epos, elvl = np.nonzero(enrol)
        if len(epos):
            bd.append((ids[epos], dates(surv[epos]), elvl.astype(np.int8)))
            bonds_held[ids[epos], elvl] = True
        if m + 1 < months:
            n_held = held[surv].sum(axis=1)
            up_logit = (
                promo_logit[st_s]
                + pro["per_delight"] * (dl[surv] - 0.25)
                + pro["per_service_quality"] * (sqa[surv] - 0.5)
                + pro["per_bond"] * n_held
                + pro["b2b_friend_to_partner"] * ((st_s == 2) & (seg[surv] == 1))
            )
            p_up = _expit(up_logit)
            p_down = np.where(st_s > 0, _expit(dem_logit + dem["per_dissatisfaction"] * (3.0 - rec[surv])), 0.0)
            u = rng.random(len(surv))
            move = np.where(u < p_up, 1, np.where(u < p_up + p_down, -1, 0)).astype(np.int8)
            mv = np.flatnonzero(move)
            if len(mv):
                new_stage = (st_s[mv] + move[mv]).astype(np.int8)
                stage[ids[mv]] = new_stage
                sh.append((ids[mv], np.full(len(mv), ms_days[m] + dim[m], dtype=np.int64), new_stage))

        # state updates
        recent[A] = rec
        delight[A] = dl
        unres_prev[A] = had_unres
        alive[A[cpos]] = False

    # ---- assemble the tables ---------------------------------------------------------
    def cat_parts(parts, i, dtype=None):
        arrays = [p[i] for p in parts]
        if not arrays:
            return np.zeros(0, dtype=dtype or np.int64)
        out = np.concatenate(arrays)
        return out.astype(dtype) if dtype is not None else out

    cid = np.arange(1, n + 1, dtype=np.int64)
    customers = pd.DataFrame(
        {
            "customer_id": cid,
            "signup_date": _days_to_datetime(signup_day),
            "acquisition_channel": _categorical(acq, "acquisition_channel"),
            "acquisition_cost": acq_cost,
            "segment": _categorical(b2b, "segment"),
            "region": _categorical(region, "region"),
            "age": age.astype(np.float64),
            "company_size": _categorical(size_code, "company_size"),
            "employee_id": employee.astype(np.int64) + 1,
        }
    )

    t_cust, t_day = cat_parts(tx, 0, np.int64), cat_parts(tx, 1, np.int64)
    order = np.lexsort((t_cust, t_day))
    transactions = pd.DataFrame(
        {
            "transaction_id": np.arange(1, len(order) + 1, dtype=np.int64),
            "customer_id": t_cust[order] + 1,
            "date": _days_to_datetime(t_day[order]),
            "category": _categorical(cat_parts(tx, 2, np.int8)[order], "category"),
            "amount": cat_parts(tx, 3, np.float64)[order],
            "cost": cat_parts(tx, 4, np.float64)[order],
            "channel": _categorical(cat_parts(tx, 5, np.int8)[order], "channel"),
            "promotion": _categorical(cat_parts(tx, 6, np.int8)[order], "promotion"),
        }
    )
    del tx

    i_cust, i_day = cat_parts(it, 0, np.int64), cat_parts(it, 1, np.int64)
    order = np.lexsort((i_cust, i_day))
    interactions = pd.DataFrame(
        {
            "interaction_id": np.arange(1, len(order) + 1, dtype=np.int64),
            "customer_id": i_cust[order] + 1,
            "date": _days_to_datetime(i_day[order]),
            "channel": _categorical(cat_parts(it, 2, np.int8)[order], "channel"),
            "type": _categorical(cat_parts(it, 3, np.int8)[order], "type"),
            "employee_id": cat_parts(it, 4, np.int64)[order] + 1,
            "resolved": cat_parts(it, 5, bool)[order],
            "rating": cat_parts(it, 6, np.int64)[order],
        }
    )
    del it

    s_cust, s_day = cat_parts(sv_rows, 0, np.int64), cat_parts(sv_rows, 1, np.int64)
    order = np.lexsort((s_cust, s_day))
    surveys = pd.DataFrame(
        {"survey_id": np.arange(1, len(order) + 1, dtype=np.int64), "customer_id": s_cust[order] + 1, "date": _days_to_datetime(s_day[order])}
        | {name: cat_parts(sv_rows, j, np.int64)[order] for j, name in enumerate(("satisfaction", "recommend", "trust", "commitment", "expectation", "perception"), start=2)}
    )

    b_cust, b_day, b_lvl = cat_parts(bd, 0, np.int64), cat_parts(bd, 1, np.int64), cat_parts(bd, 2, np.int8)
    order = np.lexsort((b_lvl, b_cust, b_day))
    bond_cost = _vec(P["bond_cost_per_month"], B)
    bonds = pd.DataFrame(
        {
            "bond_id": np.arange(1, len(order) + 1, dtype=np.int64),
            "customer_id": b_cust[order] + 1,
            "level": _categorical(b_lvl[order], "level"),
            "start_date": _days_to_datetime(b_day[order]),
            "cost_per_month": bond_cost[b_lvl[order]],
        }
    )

    c_cust, c_day = cat_parts(ch, 0, np.int64), cat_parts(ch, 1, np.int64)
    order = np.lexsort((c_cust, c_day))
    churn = pd.DataFrame(
        {"customer_id": c_cust[order] + 1, "date": _days_to_datetime(c_day[order]), "reason": _categorical(cat_parts(ch, 2, np.int8)[order], "reason")}
    )

    employees = pd.DataFrame({"employee_id": np.arange(1, n_emp + 1, dtype=np.int64), "satisfaction": emp_sat, "tenure_months": tenure})

    h_cust = np.concatenate([cid - 1, cat_parts(sh, 0, np.int64)])
    h_day = np.concatenate([ms_days[signup_month], cat_parts(sh, 1, np.int64)])
    h_stage = np.concatenate([np.zeros(n, dtype=np.int8), cat_parts(sh, 2, np.int8)])
    order = np.lexsort((h_day, h_cust))
    stage_history = pd.DataFrame(
        {"customer_id": h_cust[order] + 1, "date": _days_to_datetime(h_day[order]), "stage": _categorical(h_stage[order], "stage")}
    )
    traits = pd.DataFrame({"customer_id": cid, "service_quality": sq, "spend_level": spend, "base_churn": base_churn})

    P["arguments"] = {"n_customers": n, "seed": seed, "start": start_ts.strftime("%Y-%m-%d"), "months": months}
    P["observation_end"] = observation_end.strftime("%Y-%m-%d")
    P["n_employees"] = n_emp
    truth = Truth(
        params=P,
        stage_history=stage_history,
        customer_traits=traits,
        signup_date=pd.Series(customers["signup_date"].to_numpy(), index=pd.Index(cid, name="customer_id")),
    )
    return Company(
        customers=customers,
        transactions=transactions,
        interactions=interactions,
        surveys=surveys,
        bonds=bonds,
        churn=churn,
        employees=employees,
        truth=truth,
        observation_end=observation_end,
    )


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """Command line: generate a company and write it with :func:`helpers.data.save_company`.

    Example:
        python -m helpers.synthetic --customers 5000 --seed 2024 --out datasets
    """
    from helpers.data import FolderNotEmptyError, save_company

    parser = argparse.ArgumentParser(prog="python -m helpers.synthetic", description="Generate the course's synthetic company as CSV files.")
    parser.add_argument("--customers", type=int, default=DEFAULT_CUSTOMERS, help=f"customers acquired (default {DEFAULT_CUSTOMERS})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--start", default=DEFAULT_START, help=f"first month, YYYY-MM-DD (default {DEFAULT_START})")
    parser.add_argument("--months", type=int, default=DEFAULT_MONTHS, help=f"months simulated (default {DEFAULT_MONTHS})")
    parser.add_argument("--out", default="datasets", help="folder to write (default: datasets)")
    parser.add_argument("--force", action="store_true", help="overwrite even if the folder holds files the generator did not write")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help="show a progress bar")
    args = parser.parse_args(argv)
    try:
        company = generate(args.customers, seed=args.seed, start=args.start, months=args.months, progress=args.progress)
        save_company(company, args.out, force=args.force)
    except (ValueError, TypeError, FolderNotEmptyError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    counts = ", ".join(f"{k} {v:,}" for k, v in company.summary().items())
    print(f"Wrote {args.out}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
