"""The synthetic company: a reproducible generator of customers, purchases and contacts.

Every lesson runs on one simulated firm. The simulation follows an explicit causal model,
so a lesson can compare what an analysis *finds* with what is *true* (``company.truth``).
All numbers below live in :data:`DEFAULT_PARAMS` and are copied into
``company.truth.params`` (and ``datasets/truth/params.json``), so a lesson can cite them.

By default the company behaves as the relationship-marketing literature reports (the
``"textbook"`` scenario): winning a customer costs far more than keeping one, customers
have tastes of their own, loyal customers cost less to serve, pay more and recommend more
(Reichheld's connectors), and both the satisfaction and the experience of employees feed
the service (Heskett et al.). Other named scenarios (:data:`SCENARIOS`) switch these off
on purpose, so that a lesson can show when a claim fails.

Usage::

    from helpers.synthetic import generate
    company = generate(n_customers=5000, seed=2024)      # the bundled company
    company.transactions.head()
    commodity = generate(5000, seed=2024, scenario="commodity")
    custom = generate(5000, seed=2024, params={"price_premium": {"per_year": 0.0}})

Command line (writes the CSV files with :func:`helpers.data.save_company`)::

    python -m helpers generate --customers 5000 --seed 2024 --out datasets
    python -m helpers generate --scenario commodity --out commodity_company

Scenarios
=========
``generate(..., scenario=name)`` starts from :data:`DEFAULT_PARAMS`, applies the scenario's
overrides (``SCENARIOS[name].overrides``) and then any explicit ``params``; the name is
recorded as ``company.truth.params["scenario"]``.

================  ==========================================================================
scenario          what changes
================  ==========================================================================
textbook          nothing: the default company described below (the four mechanisms on)
commodity         a commodity market: acquisition about 0.15 × a first-year margin (search
                  ads 40, social media 25, referral 15, trade fair 150, sales team 400); no
                  personal tastes (every customer buys the segment mix); no connectors (no
                  contact learning or self-service, no price premium, promotions do not
                  fade, recommending does not grow with tenure); bonds cheap to copy (churn
                  × 0.97, 0.94, 0.90, 0.85); satisfaction protects less (churn factors 2.5,
                  1.8, 1.1, 1.0, 0.7 for levels 1–5) and customers differ less in their
                  base churn (σ = 0.2): satisfied leavers cite price 52 % and competitors
                  33 % (others 42 %, 28 %): mercenaries dominate
no_service_chain  employees make no difference: service quality ignores their satisfaction
                  and tenure (the chain's employee links are 0)
================  ==========================================================================

The four literature mechanisms of the textbook company
======================================================
1. **Acquisition several times dearer than retention.** Reichheld & Sasser (1990) show a
   customer's acquisition cost recovered only in the second year or later (their credit-card
   example: 51 to acquire against a first-year profit of 30, about 1.7×); Reichheld (1996,
   ch. 2) draws the same curve. The common rule of thumb that winning a customer costs five
   times as much as keeping one is repeated from marketing textbooks (e.g. Kotler) with little
   published evidence; Gallo (2014, *HBR*) gives "5 to 25 times" depending on the study. The
   channel costs below make the mean acquisition cost about 1.4 × a customer's mean
   first-year gross margin (540 against 386 at seed 2024), about 17 times the financial
   bond's cost over an expected lifetime (1 a month × about 31 months), so the lesson-03
   programme (2 a month removing 15 % of churn) keeps a customer for about 410 while
   acquisition costs about 550 per newcomer kept: plugging the holes beats pouring in.
2. **Individual tastes** (Peppers & Rogers 1993: customers differ in needs, so one-to-one
   offers can beat segment offers). Each customer's category mix is drawn from a Dirichlet
   distribution centred on the segment's mix with concentration ``taste_concentration`` = 4
   (lower: more individual). Sized so that offering each customer the category they bought
   most hits about 10–15 % more often than the segment's favourite (0.84 against 0.76 at
   seed 2024, on about 2,100 customers, 6 months after the cut-off), the revenue lift that
   personalisation most often brings according to McKinsey's survey (Arora et al. 2021:
   10–15 %, 5–25 % by company). The true tastes are ``company.truth.customer_tastes``
   (``datasets/truth/customer_tastes.csv``).
3. **Reichheld's loyalty connectors** (Reichheld & Sasser 1990; Reichheld 1996, ch. 2, for
   direction and rough size): customers learn, so service requests, inquiries and purchase
   contacts fall with tenure (``contact_learning``) and move to the web (``self_service``),
   and deeper bonds need fewer contacts (``bond_contact_factor``); loyal customers pay a
   premium (``price_premium``: +2 % a year of tenure, at most +6 %) and take fewer
   promotions (``promotion_decline_per_year``); they recommend more (the 0–10 answer rises
   0.3 a year of tenure, for three years at most), which is how
   :func:`helpers.profitability.loyalty_connectors` credits referrals. Reinartz & Kumar
   (2002) found that in many firms long-standing customers were *not* cheaper to serve and
   did not pay more: the ``commodity`` scenario shows that company.
4. **Employee satisfaction and tenure both feed service quality** (Heskett et al. 1994:
   satisfied employees stay, and experienced employees serve better, through productivity
   and capability). Service quality rises 0.35 on the logit per standard deviation of
   employee satisfaction and 0.3 per unit of log tenure (doubling tenure: +0.21), so at
   equal satisfaction customers served by longer-serving employees are more satisfied
   (about 0.13 points of customer satisfaction per unit of log tenure).

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
    search_ads     360   40 %     20 %    6.0 %/month  ± 0       × 1
    social_media   230   36 %      8 %    8.5 %/month  − 0.2     × 0.85
    referral       130   20 %     20 %    3.4 %/month  + 0.2     × 1.1
    trade_fair    1300    3 %     27 %    4.6 %/month  + 0.1     × 1.15
    sales_team    3500    1 %     25 %    3.8 %/month  + 0.15    × 1.4
    ============  ====  =======  =======  ===========  ========  =====================

    Cost per customer varies around the channel mean (lognormal, σ = 0.25). The costs are
    set so that acquisition costs about 1.4 × a customer's first-year gross margin (see
    mechanism 1 above; the ``commodity`` scenario divides them by about 9). Base churn
    is the monthly hazard of a stranger at satisfaction 4 without bonds; businesses churn
    less (× 0.8) and each customer has a personal multiplier (lognormal, σ = 0.35).
    "service" is a shift on the logit of service quality.

Employees and the service-profit chain (Heskett et al. 1994)
    One employee per 60 customers (at least 5). Job satisfaction ~ N(3.6, 0.7) on 1–5
    (one decimal); satisfied employees stay longer: tenure = 20 months ×
    e^(0.45·z) × lognormal noise (σ = 0.6), z = standardised satisfaction. Every customer
    is served by one employee (uniformly at random). Latent ``service_quality`` (0–1) =
    logistic(0.3 + 0.35·z_employee + 0.3·(log tenure − log 20) + channel shift + N(0, 0.8)):
    a real but noisy effect (employee satisfaction correlates ≈ 0.15 with a customer's
    survey answer, ≈ 0.6 with the average answer of the employee's customers); experience
    counts on its own, so at equal satisfaction longer-serving employees have more
    satisfied customers.

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
    recommend = round(2.2·latent − 1.6 + 0.3·min(years of tenure, 3) + N(0, 1)) clipped to
    0–10 (so NPS is meaningful, and long-standing customers recommend more),
    trust = round(2.3 + 0.5·stage + 0.35·(latent − 3.8) + N(0, 0.6)) and
    commitment = round(1.9 + 0.75·stage + 0.2·(latent − 3.8) + 0.15·bonds + N(0, 0.6)),
    both clipped to 1–5 (stage coded 0–3), expectation = round(5 + 0.2·B2B + N(0, 0.8))
    and perception = round(expectation + (latent − 3.5) + N(0, 0.5)), both on 1–7.

Purchases (Jones & Sasser 1995: the completely satisfied are far more loyal)
    Monthly count ~ Poisson(rate by stage 0.4, 0.8, 1.2, 1.8 × 1.2 for B2B × satisfaction
    multiplier 0.5, 0.75, 0.97, 1.0, 1.8 for levels 1–5). Category from the customer's own
    tastes: a Dirichlet draw (concentration 4) around the segment's mix (B2C 35, 25, 12, 13,
    15 % basics, accessories, premium, services, subscriptions; B2B 20, 10, 15, 35, 20 %).
    Amount = list price (basics 45, accessories 35, premium 220, services 120, subscriptions
    40, for a consumer from search ads) × the customer's relative spending × noise
    (lognormal, σ = 0.4) × the price premium of loyalty, 1 + min(0.02 × years of tenure,
    0.06) (the cost does not carry it). Relative
    spending is lognormal (σ = 0.6, mean 1) × 3 for a business (scaled by company size
    0.5 / 1 / 1.8 / 3, average 1) × the channel's spend factor above; ``spend_level`` in
    the truth is this divided by its expected value over all customers
    (``params["spend_level"]["scale"]`` ≈ 1.4), so it averages 1. Cost = list price
    × cost ratio (basics 0.76, accessories 0.62, premium 0.55, services 0.66,
    subscriptions 0.60) × noise (lognormal, σ = 0.05). 10 % of a new customer's purchases use
    a promotion, × e^(−0.3 × years of tenure) (loyal customers take fewer deals; × 2.2 for
    members of the financial bond): discount −20 % (70 % of promotions without
    a financial bond, 45 % with), bundle −12 % (30 %, 20 %), loyalty_reward −15 % (only
    with the financial bond, 35 %); a promotion lowers the amount, not the cost. Purchase
    channel: the customer's preferred channel 75 % of the time, else a draw from the
    segment mix (B2C web 62, phone 12, email 3, face_to_face 23 %; B2B 30/30/5/35 %).

Interactions (moments of truth, Carlzon 1987)
    30 % of purchases × the learning factor create a 'purchase' contact (same day and
    channel, resolved). Per month: service requests ~ Poisson(0.08, 0.10, 0.14, 0.20 by
    stage, × 1.5 for B2B, × the learning factor), inquiries ~ Poisson(0.15, 0.10, 0.08,
    0.08, × the learning factor), complaints ~ Poisson(0.10 × (1 − service quality)).
    Customers learn (Reichheld 1996): the learning factor is 0.1 + 2.9 × ½^(t / 15) at t
    whole months of tenure (3 in the signup month, 1 after about two years, falling
    towards 0.1), × 0.8, 0.7, 0.6 for each social, customization and structural bond held (the
    company knows the customer's needs and systems); and a purchase or contact moves to the
    web with probability 0.8 × (1 − ½^(t / 15)) (self-service). With interactions priced
    as below, the cost to serve a customer-year falls by about a quarter in the second year
    and a third in the third, bonds included. Resolved with probability: complaint logistic(5·(service
    quality − 0.5)), service request logistic(1.2 + 3·(service quality − 0.5)), inquiry
    93 %. Rating (1–5) = round(1.6 + 3.2·service quality + 0.7 if resolved − 0.8 for a
    complaint + N(0, 0.7)). Contact channel: the customer's preferred one 60 % of the
    time, else web 35, phone 35, email 20, face_to_face 10 % (before self-service). The
    customer's own employee
    handles 85 % of contacts. Cost to serve a contact (``interaction_cost``, not in the
    tables): face_to_face 25, phone 8, email 3, web 1.

Retention bonds (Berry & Parasuraman 1991; Zeithaml & Bitner)
    Each month an active customer may enrol in a level it does not hold yet; levels are
    cumulative (social needs financial, customization needs social, structural needs
    customization) and never end in this simulation. Monthly enrolment probability by
    stage (stranger, acquaintance, friend, partner): financial 0, 7, 9, 9 %; social 0, 0,
    10, 15 %; customization 0, 0, 6 (B2B 8), 20 %; structural B2C 0, 0, 0, 5 %, B2B 0, 0,
    4, 25 %. Cost per month 1, 2, 3, 6 (small beside a margin of about 30 a month, so that
    bonds held for years do not outweigh the savings of serving a loyal customer). Each
    level held at the start of a month
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

What emerges (5000 customers, seed 2024, textbook): about 60 % of the customers ever
acquired are still active at the end; annual retention ≈ 72 %; price and competitor
offers account for about half of the churn; the top 20 % of customers bring about 85 % of
the gross margin; churn falls with each deeper bond level; customers who answer 5 are
still there 180 days later 94 % of the time, against 81 % for 4 and 78 % for 3. Measured
with the lessons' own functions: mean acquisition cost 1.4 × the mean first-year gross
margin, and the lesson-03 retention programme keeps about 150 more customers over five
years than the same money spent on acquisition (:func:`helpers.bucket.pour_or_plug`); the
personal offer hits 84 % against 76 % for the segment's and 70 % for one offer for all
(:func:`helpers.crm.offer_hit_rates`); cost savings, price premium and referrals are all
positive and grow from the second to the third year of tenure
(:func:`helpers.profitability.loyalty_connectors`: about 22 → 29, 12 → 59 and 99 → 125 a
customer-year against 68 in the first year for referrals); and at equal employee
satisfaction the partial correlation of log tenure with the employee's customers'
satisfaction is about 0.46 (:func:`helpers.satisfaction.partial_correlation`). Most
customers acquired in the last two years have not yet paid back their acquisition cost;
about two thirds of those who stayed two years have. In the ``commodity`` scenario each of
these turns over: pouring in wins, the segment offer beats the personal one, cost savings
and price premium are negative, and about 70 % of churners cite price or a competitor.

References
----------
* Arora, N., Dahlstrom, P., Hazan, E., Khan, H. & Khanna, R. (2021). The value of getting
  personalization right—or wrong—is multiplying. McKinsey & Company.
* Gallo, A. (2014). The value of keeping the right customers. *Harvard Business Review*
  (online, 29 October).
* Heskett, J. L., Jones, T. O., Loveman, G. W., Sasser, W. E. & Schlesinger, L. A. (1994).
  Putting the service-profit chain to work. *Harvard Business Review* 72(2), 164–174.
* Peppers, D. & Rogers, M. (1993). *The One to One Future*. Currency Doubleday.
* Reichheld, F. F. & Sasser, W. E. (1990). Zero defections: quality comes to services.
  *Harvard Business Review* 68(5), 105–111.
* Reichheld, F. F. (1996). *The Loyalty Effect*, ch. 2. Harvard Business School Press.
* Reinartz, W. & Kumar, V. (2002). The mismanagement of customer loyalty. *Harvard
  Business Review* 80(7), 86–94.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from helpers import schema
from helpers.company import Company, Truth

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
    "acquisition_cost_mean": {
        "search_ads": 360.0,
        "social_media": 230.0,
        "referral": 130.0,
        "trade_fair": 1300.0,
        "sales_team": 3500.0,
    },
    "acquisition_cost_sigma": 0.25,  # lognormal spread of cost around the channel mean
    "employees_per_customer": 1 / 60,
    "min_employees": 5,
    "employee_satisfaction": {"mean": 3.6, "sd": 0.7},
    "employee_tenure": {"median_months": 20.0, "per_sd_satisfaction": 0.45, "sigma": 0.6, "max_months": 300},
    "service_quality": {
        "intercept": 0.3,
        "per_sd_employee_satisfaction": 0.35,
        "per_log_employee_tenure": 0.3,  # times (log tenure months − log median): experience serves better
        "noise_sd": 0.8,
        "channel_shift": {
            "search_ads": 0.0,
            "social_media": -0.2,
            "referral": 0.2,
            "trade_fair": 0.1,
            "sales_team": 0.15,
        },
    },
    "spend_level": {
        "sigma": 0.6,
        "b2b_multiplier": 3.0,
        "company_size_multiplier": {"1-9": 0.5, "10-49": 1.0, "50-249": 1.8, "250+": 3.0},
        "channel_multiplier": {
            "search_ads": 1.0,
            "social_media": 0.85,
            "referral": 1.1,
            "trade_fair": 1.15,
            "sales_team": 1.4,
        },
    },
    "base_churn": {
        "by_channel": {
            "search_ads": 0.060,
            "social_media": 0.085,
            "referral": 0.034,
            "trade_fair": 0.046,
            "sales_team": 0.038,
        },
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
    # each customer's own category mix ~ Dirichlet(concentration × segment mix); None: the segment mix for all
    "taste_concentration": 4.0,
    "list_price": {"basics": 45.0, "accessories": 35.0, "premium": 220.0, "services": 120.0, "subscriptions": 40.0},
    "price_sigma": 0.4,
    "cost_ratio": {"basics": 0.76, "accessories": 0.62, "premium": 0.55, "services": 0.66, "subscriptions": 0.60},
    "cost_sigma": 0.05,
    "promotion_rate": 0.10,
    "promotion_decline_per_year": 0.3,  # promotion rate × e^(−this × years of tenure)
    "price_premium": {"per_year": 0.02, "max": 0.06},  # amount × (1 + min(per_year × years of tenure, max))
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
    # service requests, inquiries and purchase contacts × floor + (start − floor) × ½^(months of tenure / half-life)
    "contact_learning": {"start": 3.0, "floor": 0.1, "half_life_months": 15.0},
    # share of purchases and contacts that move to the web as customers learn: max_share × (1 − ½^(months / half-life))
    "self_service": {"max_share": 0.8, "half_life_months": 15.0},
    # each bond level held multiplies the contacts above: the company knows the customer's needs and systems
    "bond_contact_factor": {"financial": 1.0, "social": 0.8, "customization": 0.7, "structural": 0.6},
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
        "recommend": {
            "intercept": -1.6,
            "per_satisfaction": 2.2,
            "per_tenure_year": 0.3,
            "max_years": 3.0,
            "noise_sd": 1.0,
        },
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
    "bond_cost_per_month": {"financial": 1.0, "social": 2.0, "customization": 3.0, "structural": 6.0},
    "bond_churn_factor": {"financial": 0.85, "social": 0.70, "customization": 0.55, "structural": 0.40},
    "stage_churn_factor": {"stranger": 1.0, "acquaintance": 0.6, "friend": 0.35, "partner": 0.2},
    "satisfaction_churn_factor": {"1": 3.0, "2": 2.0, "3": 1.02, "4": 1.0, "5": 0.15},
    "unresolved_complaint_churn_factor": 2.0,
    "unresolved_complaint_churn_factor_next_month": 1.5,
    "max_monthly_churn": 0.95,
    "churn_reason_mix": {
        "unresolved_complaint": {
            "price": 0.05,
            "competitor_offer": 0.05,
            "poor_service": 0.25,
            "unresolved_complaint": 0.55,
            "product_fit": 0.05,
            "no_longer_needed": 0.05,
        },
        "dissatisfied": {
            "price": 0.12,
            "competitor_offer": 0.10,
            "poor_service": 0.50,
            "unresolved_complaint": 0.08,
            "product_fit": 0.12,
            "no_longer_needed": 0.08,
        },
        "satisfied_unbonded": {
            "price": 0.38,
            "competitor_offer": 0.28,
            "poor_service": 0.03,
            "unresolved_complaint": 0.01,
            "product_fit": 0.12,
            "no_longer_needed": 0.18,
        },
        "other": {
            "price": 0.32,
            "competitor_offer": 0.22,
            "poor_service": 0.14,
            "unresolved_complaint": 0.03,
            "product_fit": 0.14,
            "no_longer_needed": 0.15,
        },
    },
}


class Scenario(NamedTuple):
    """A named variant of the company: a one-line description and the parameters it changes."""

    description: str
    overrides: dict


#: The named scenarios of :func:`generate`: each changes some of :data:`DEFAULT_PARAMS`.
#: ``"textbook"`` (the default) is the company as the literature describes it.
SCENARIOS: dict[str, Scenario] = {
    "textbook": Scenario(
        "the literature's company: acquisition dearer than retention, personal tastes, "
        "Reichheld's loyalty connectors, employee satisfaction and tenure both feeding service",
        {},
    ),
    "commodity": Scenario(
        "a commodity market: cheap acquisition, no personal tastes, no loyalty connectors, "
        "bonds cheap to copy, mercenaries who leave for price",
        {
            "acquisition_cost_mean": {
                "search_ads": 40.0,
                "social_media": 25.0,
                "referral": 15.0,
                "trade_fair": 150.0,
                "sales_team": 400.0,
            },
            "taste_concentration": None,
            "contact_learning": {"start": 1.0, "floor": 1.0},
            "promotion_decline_per_year": 0.0,
            "price_premium": {"per_year": 0.0, "max": 0.0},
            "survey": {"recommend": {"per_tenure_year": 0.0}},
            "base_churn": {"sigma": 0.2},
            "bond_churn_factor": {"financial": 0.97, "social": 0.94, "customization": 0.9, "structural": 0.85},
            "satisfaction_churn_factor": {"1": 2.5, "2": 1.8, "3": 1.1, "4": 1.0, "5": 0.7},
            "churn_reason_mix": {
                "satisfied_unbonded": {
                    "price": 0.52,
                    "competitor_offer": 0.33,
                    "poor_service": 0.02,
                    "unresolved_complaint": 0.01,
                    "product_fit": 0.04,
                    "no_longer_needed": 0.08,
                },
                "other": {
                    "price": 0.42,
                    "competitor_offer": 0.28,
                    "poor_service": 0.10,
                    "unresolved_complaint": 0.03,
                    "product_fit": 0.07,
                    "no_longer_needed": 0.10,
                },
            },
        },
    ),
    "no_service_chain": Scenario(
        "employees make no difference: neither their satisfaction nor their tenure changes the service",
        {"service_quality": {"per_sd_employee_satisfaction": 0.0, "per_log_employee_tenure": 0.0}},
    ),
}
DEFAULT_SCENARIO = "textbook"


def _merged(base: dict, overrides, where: str = "params") -> dict:
    """``base`` with ``overrides`` put in, key by key at any depth; unknown keys are refused."""
    if not isinstance(overrides, dict):
        raise TypeError(f"{where} must be a dict of parameter overrides, got {type(overrides).__name__}")
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if key not in base:
            known = ", ".join(map(str, base))
            raise ValueError(f"unknown parameter {where}[{key!r}]; the parameters there are: {known}")
        if isinstance(base[key], dict) and isinstance(value, dict):
            out[key] = _merged(base[key], value, f"{where}[{key!r}]")
        else:
            out[key] = copy.deepcopy(value)
    return out


def _check_scenario(scenario) -> str:
    if not isinstance(scenario, str) or scenario not in SCENARIOS:
        names = ", ".join(repr(name) for name in SCENARIOS)
        raise ValueError(f"unknown scenario {scenario!r}; the scenarios are {names}")
    return scenario


def default_params(scenario: str = DEFAULT_SCENARIO) -> dict[str, Any]:
    """Return a fresh copy of the parameters of the causal model in a scenario.

    Parameters
    ----------
    scenario : str
        A name of :data:`SCENARIOS` (default ``"textbook"``: :data:`DEFAULT_PARAMS` as they are).

    Returns
    -------
    dict
        A nested, JSON-serialisable dict (see the module docstring for what each means).

    Raises
    ------
    ValueError
        An unknown scenario (the message lists the names).

    Examples
    --------
    >>> default_params()["bond_churn_factor"]["structural"]
    0.4
    >>> default_params("commodity")["bond_churn_factor"]["structural"]
    0.85
    """
    return _merged(DEFAULT_PARAMS, SCENARIOS[_check_scenario(scenario)].overrides)


# --------------------------------------------------------------------------- helpers

#: Satisfaction levels as the keys of the parameters indexed by level.
_SATISFACTION_LEVELS = ("1", "2", "3", "4", "5")
#: The situations a churner leaves in; each has its own mix of reasons (``churn_reason_mix``).
_CHURN_SITUATIONS = ("unresolved_complaint", "dissatisfied", "satisfied_unbonded", "other")
_INTERACTION_TYPE = {name: code for code, name in enumerate(schema.INTERACTION_TYPES)}
_STAGE = {name: code for code, name in enumerate(schema.STAGES)}


def _vec(mapping: dict, labels) -> np.ndarray:
    """Values of ``mapping`` in the order of ``labels`` as a float array."""
    return np.array([mapping[label] for label in labels], dtype=np.float64)


def _by_segment(mapping: dict, labels) -> np.ndarray:
    """A segment × label array from ``{segment: {label: value}}`` (rows in ``schema.SEGMENTS`` order)."""
    return np.array([_vec(mapping[segment], labels) for segment in schema.SEGMENTS])


def _expit(x: np.ndarray) -> np.ndarray:
    """The logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    """The log-odds of probability ``p``."""
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


def _preferred_or_drawn(rng: np.random.Generator, share: float, preferred: np.ndarray, cdf: np.ndarray) -> np.ndarray:
    """The preferred channel with probability ``share``, else a draw from the row-wise ``cdf``."""
    keep = rng.random(len(preferred)) < share
    other = _choose_rows(rng, cdf)
    return np.where(keep, preferred, other).astype(np.int8)


def _round_half_up(x: np.ndarray) -> np.ndarray:
    """Round to whole numbers, halves up."""
    return np.floor(x + 0.5)


def _answer(x: np.ndarray, low: int, high: int) -> np.ndarray:
    """A latent score as a survey answer: rounded half up and clipped to ``low``–``high``."""
    return np.clip(_round_half_up(x), low, high).astype(np.int8)


def _lognormal_mean1(rng: np.random.Generator, sigma: float, size: int) -> np.ndarray:
    """Lognormal noise with mean 1 and log-scale spread ``sigma``."""
    return rng.lognormal(-0.5 * sigma * sigma, sigma, size)


def _random_day(rng: np.random.Generator, first: np.ndarray | int, last: np.ndarray) -> np.ndarray:
    """A uniformly random whole day between ``first`` and ``last`` (inclusive), element-wise."""
    return first + np.floor(rng.random(len(last)) * (last - first + 1)).astype(np.int64)


def _resolution_probability(coefficients: dict, service_quality: np.ndarray) -> np.ndarray:
    """Probability that a contact is resolved: logistic in (service quality − 0.5)."""
    return _expit(coefficients["intercept"] + coefficients["per_service_quality"] * (service_quality - 0.5))


def _check_arguments(n_customers, seed, start, months):
    """Validate :func:`generate`'s arguments; return them normalised (start → 1st of its month)."""
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
    """Integer codes → the schema's categorical for ``column`` (ordered only for ``stage``)."""
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
    *,
    scenario: str = DEFAULT_SCENARIO,
    params: dict | None = None,
) -> Company:
    """Simulate the company: customers, purchases, contacts, surveys, bonds and churn.

    The causal model is described in the module docstring; its numbers are in
    :data:`DEFAULT_PARAMS`, changed by the ``scenario`` (:data:`SCENARIOS`) and then by
    ``params``, and are copied into ``company.truth.params`` with the scenario's name
    (``params["scenario"]``).

    Parameters
    ----------
    n_customers : int
        Customers acquired over the whole period (≥ 1).
    seed : int
        Seed of the single ``numpy.random.Generator`` (default ``DEFAULT_SEED``).
    start : str or pandas.Timestamp
        First month of the data (a date; rounded down to the 1st of its month).
    months : int
        Length of the period in months (1 to 600).
    progress : bool or None
        Show a progress bar on stderr; None shows it from ``PROGRESS_THRESHOLD``
        (200,000) customers on.
    scenario : str
        A name of :data:`SCENARIOS`: ``"textbook"`` (default; the company as the literature
        describes it), ``"commodity"`` or ``"no_service_chain"``.
    params : dict, optional
        Parameter overrides put in after the scenario's, at any depth, e.g.
        ``{"price_premium": {"per_year": 0.0}}``; keys must exist in :data:`DEFAULT_PARAMS`.

    Returns
    -------
    Company
        The tables and their ``truth``. Same arguments → identical tables.

    Raises
    ------
    TypeError
        If ``n_customers`` or ``months`` is not a whole number, or ``params`` not a dict.
    ValueError
        If an argument is out of range, ``start`` is not a date, the scenario is unknown
        (the message lists the names) or ``params`` names an unknown parameter.

    Examples
    --------
    >>> company = generate(n_customers=500, seed=1, months=12)
    >>> company.customers["customer_id"].iloc[0]
    np.int64(1)
    >>> generate(500, seed=1, months=12, scenario="commodity").truth.params["scenario"]
    'commodity'
    """
    n, seed, start_ts, months = _check_arguments(n_customers, seed, start, months)
    if progress is None:
        progress = n >= PROGRESS_THRESHOLD
    P = default_params(scenario)
    if params is not None:
        P = _merged(P, params)
    spend_scale = _spend_scale(P)
    rng = np.random.default_rng(seed)

    calendar = _calendar(start_ts, months)
    customers = _draw_customers(rng, P, n, calendar)
    employees = _draw_employees(rng, P, n)
    traits = _draw_traits(rng, P, customers, employees, spend_scale)
    rates = _monthly_rates(P, spend_scale)
    events = _simulate_months(rng, P, rates, calendar, customers, traits, employees, progress)

    P["spend_level"]["scale"] = round(spend_scale, 6)
    P["scenario"] = scenario
    P["arguments"] = {"n_customers": n, "seed": seed, "start": start_ts.strftime("%Y-%m-%d"), "months": months}
    P["observation_end"] = calendar.observation_end.strftime("%Y-%m-%d")
    P["n_employees"] = employees.n
    return _assemble(P, calendar, customers, employees, traits, events)


# ---- the period -------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    """The simulated months: their first days (days since 1970-01-01), lengths and the last day."""

    first_day: np.ndarray
    n_days: np.ndarray
    observation_end: pd.Timestamp

    @property
    def months(self) -> int:
        """Number of months simulated."""
        return len(self.first_day)


def _calendar(start: pd.Timestamp, months: int) -> _Calendar:
    """The calendar of ``months`` months from ``start`` (the 1st of a month)."""
    month_starts = pd.date_range(start, periods=months + 1, freq="MS")
    days = month_starts.to_numpy().astype("datetime64[D]").astype(np.int64)
    return _Calendar(first_day=days[:-1], n_days=np.diff(days), observation_end=month_starts[-1] - pd.Timedelta(days=1))


# ---- who the customers and employees are -----------------------------------------


@dataclass(frozen=True)
class _Customers:
    """What the customer table shows, one array element per customer (in id order)."""

    signup_month: np.ndarray  # index of the signup month
    signup_day: np.ndarray  # days since 1970-01-01
    signup_offset: np.ndarray  # day within the signup month (0 = the 1st)
    b2b: np.ndarray  # segment code: 0 B2C, 1 B2B
    channel: np.ndarray  # acquisition channel code
    region: np.ndarray
    age: np.ndarray  # NaN for businesses
    company_size: np.ndarray  # code, −1 for consumers
    acquisition_cost: np.ndarray


def _draw_customers(rng: np.random.Generator, P: dict, n: int, calendar: _Calendar) -> _Customers:
    """Sign-ups over the period, then segment, acquisition channel, region, age, company size and cost."""
    months = calendar.months
    weights = 1.0 + P["signup_growth"] * np.arange(months) / max(months - 1, 1)
    counts = rng.multinomial(n, weights / weights.sum())
    signup_month = np.repeat(np.arange(months, dtype=np.int16), counts)
    month_start = calendar.first_day[signup_month]
    signup_day = np.sort(
        month_start + _random_day(rng, 0, calendar.n_days[signup_month] - 1)
    )  # ids follow signup order

    b2b = (rng.random(n) < P["share_b2b"]).astype(np.int8)
    channel = _choose_by_group(rng, b2b, _by_segment(P["channel_mix"], schema.ACQUISITION_CHANNELS))
    region = rng.choice(len(schema.REGIONS), size=n, p=_vec(P["region_mix"], schema.REGIONS)).astype(np.int8)
    a = P["age"]
    age = np.clip(_round_half_up(rng.normal(a["mean"], a["sd"], n)), a["min"], a["max"])
    age[b2b == 1] = np.nan
    size = rng.choice(len(schema.COMPANY_SIZES), size=n, p=_vec(P["company_size_mix"], schema.COMPANY_SIZES)).astype(
        np.int8
    )
    cost_mean = _vec(P["acquisition_cost_mean"], schema.ACQUISITION_CHANNELS)
    return _Customers(
        signup_month=signup_month,
        signup_day=signup_day,
        signup_offset=(signup_day - month_start).astype(np.int16),
        b2b=b2b,
        channel=channel,
        region=region,
        age=age,
        company_size=np.where(b2b == 1, size, -1).astype(np.int8),
        acquisition_cost=np.round(cost_mean[channel] * _lognormal_mean1(rng, P["acquisition_cost_sigma"], n), 2),
    )


@dataclass(frozen=True)
class _Employees:
    """The employees' job satisfaction and tenure, and which employee serves each customer."""

    satisfaction: np.ndarray  # 1–5, one decimal
    satisfaction_z: np.ndarray  # standardised
    tenure_months: np.ndarray
    of_customer: np.ndarray  # employee index serving each customer

    @property
    def n(self) -> int:
        """Number of employees."""
        return len(self.satisfaction)


def _draw_employees(rng: np.random.Generator, P: dict, n_customers: int) -> _Employees:
    """Employees (one per 60 customers): satisfaction, tenure (longer when satisfied), customers served."""
    n_emp = max(P["min_employees"], int(round(n_customers * P["employees_per_customer"])))
    es = P["employee_satisfaction"]
    satisfaction = np.clip(np.round(rng.normal(es["mean"], es["sd"], n_emp), 1), 1.0, 5.0)
    z = (satisfaction - es["mean"]) / es["sd"]
    et = P["employee_tenure"]
    tenure = np.exp(np.log(et["median_months"]) + et["per_sd_satisfaction"] * z + rng.normal(0, et["sigma"], n_emp))
    return _Employees(
        satisfaction=satisfaction,
        satisfaction_z=z,
        tenure_months=np.clip(np.round(tenure), 1, et["max_months"]).astype(np.int64),
        of_customer=rng.integers(0, n_emp, size=n_customers).astype(np.int32),
    )


def _spend_scale(P: dict) -> float:
    """Expected relative spending over all customers (``spend_level`` is divided by it)."""
    sp = P["spend_level"]
    chan_probs = _by_segment(P["channel_mix"], schema.ACQUISITION_CHANNELS)
    chan_mult = _vec(sp["channel_multiplier"], schema.ACQUISITION_CHANNELS)
    share_b2b = P["share_b2b"]
    return float(
        (1 - share_b2b) * chan_probs[0] @ chan_mult + share_b2b * sp["b2b_multiplier"] * chan_probs[1] @ chan_mult
    )


@dataclass(frozen=True)
class _Traits:
    """Latent traits of each customer, fixed for life."""

    service_quality: np.ndarray  # 0–1
    spend_level: np.ndarray  # relative spending, average 1
    base_churn: np.ndarray  # monthly hazard of a stranger at satisfaction 4 without bonds
    satisfaction_base: np.ndarray  # satisfaction before stage, complaints and monthly noise
    purchase_channel: np.ndarray  # preferred channel code for purchases
    contact_channel: np.ndarray  # preferred channel code for contacts
    tastes: np.ndarray  # customer × product category: the customer's own category mix (rows sum to 1)


def _draw_traits(
    rng: np.random.Generator, P: dict, customers: _Customers, employees: _Employees, spend_scale: float
) -> _Traits:
    """Service quality, spend level, base churn, personal satisfaction level and preferred channels."""
    b2b, channel = customers.b2b, customers.channel
    n = len(b2b)
    q = P["service_quality"]
    experience = np.log(employees.tenure_months) - np.log(P["employee_tenure"]["median_months"])
    service_quality = _expit(
        q["intercept"]
        + q["per_sd_employee_satisfaction"] * employees.satisfaction_z[employees.of_customer]
        + q["per_log_employee_tenure"] * experience[employees.of_customer]
        + _vec(q["channel_shift"], schema.ACQUISITION_CHANNELS)[channel]
        + rng.normal(0, q["noise_sd"], n)
    )
    service_quality = np.round(service_quality, 4)
    sp = P["spend_level"]
    size_mult = _vec(sp["company_size_multiplier"], schema.COMPANY_SIZES)
    size_probs = _vec(P["company_size_mix"], schema.COMPANY_SIZES)
    size_mult = size_mult / float(size_mult @ size_probs)  # average business = b2b_multiplier
    seg_mult = np.where(b2b == 1, sp["b2b_multiplier"] * size_mult[np.maximum(customers.company_size, 0)], 1.0)
    chan_mult = _vec(sp["channel_multiplier"], schema.ACQUISITION_CHANNELS)
    # divided by its expected value so that spend_level averages 1; list prices scale up to match
    spend = _lognormal_mean1(rng, sp["sigma"], n) * seg_mult * chan_mult[channel] / spend_scale
    bc = P["base_churn"]
    base_churn = _vec(bc["by_channel"], schema.ACQUISITION_CHANNELS)[channel] * np.where(
        b2b == 1, bc["b2b_multiplier"], 1.0
    )
    base_churn = np.round(base_churn * _lognormal_mean1(rng, bc["sigma"], n), 4)
    sat = P["satisfaction"]
    personal = rng.normal(0, sat["person_sd"], n)
    satisfaction_base = sat["intercept"] + sat["per_service_quality"] * (service_quality - 0.5) + personal
    purchase_channel = _choose_by_group(rng, b2b, _by_segment(P["purchase_channel_mix"], schema.CHANNELS))
    contact_probs = _vec(P["contact_channel_mix"], schema.CHANNELS)
    contact_channel = rng.choice(len(schema.CHANNELS), size=n, p=contact_probs).astype(np.int8)
    return _Traits(
        service_quality=service_quality,
        spend_level=np.round(spend, 4),
        base_churn=base_churn,
        satisfaction_base=satisfaction_base,
        purchase_channel=purchase_channel,
        contact_channel=contact_channel,
        tastes=_draw_tastes(rng, P, b2b),
    )


def _draw_tastes(rng: np.random.Generator, P: dict, b2b: np.ndarray) -> np.ndarray:
    """Each customer's category mix: Dirichlet(concentration × segment mix), or the segment mix (None)."""
    mix = _by_segment(P["category_mix"], schema.CATEGORIES_OF_PRODUCT)
    mix = mix / mix.sum(axis=1, keepdims=True)
    concentration = P["taste_concentration"]
    if concentration is None:
        return mix[b2b]
    # a Dirichlet draw per row: independent gammas with the row's shapes, divided by their sum
    gammas = rng.standard_gamma(float(concentration) * mix[b2b])
    total = gammas.sum(axis=1, keepdims=True)
    tastes = np.where(total > 0, gammas / np.where(total > 0, total, 1.0), mix[b2b])
    tastes = np.round(tastes, 4)
    tastes[:, -1] = np.round(1.0 - tastes[:, :-1].sum(axis=1), 4)  # rows sum to 1 as written (4 decimals)
    return np.maximum(tastes, 0.0)


# ---- the monthly simulation ------------------------------------------------------


@dataclass(frozen=True)
class _Rates:
    """The parameters the monthly loop needs, as arrays indexed by stage, segment, level or category."""

    stage_bonus: np.ndarray  # satisfaction bonus by stage
    purchase_rate: np.ndarray  # by stage
    purchase_segment: np.ndarray  # purchase multiplier by segment
    purchase_satisfaction: np.ndarray  # purchase multiplier by satisfaction level − 1
    churn_stage: np.ndarray  # churn factor by stage
    churn_satisfaction: np.ndarray  # churn factor by satisfaction level − 1
    log_bond_churn: np.ndarray  # log churn factor by bond level
    bond_enrolment: np.ndarray  # enrolment probability, segment × bond level × stage
    service_request_rate: np.ndarray  # by stage
    service_request_segment: np.ndarray  # multiplier by segment
    inquiry_rate: np.ndarray  # by stage
    list_price: np.ndarray  # by category, times the spend scale
    cost_ratio: np.ndarray  # by category
    promotion_cdf: np.ndarray  # without / with financial bond × promotion (without 'none')
    promotion_discount: np.ndarray  # by promotion
    purchase_channel_cdf: np.ndarray  # segment × channel
    contact_channel_cdf: np.ndarray  # by channel
    churn_reason_cdf: np.ndarray  # churn situation × reason
    stage_up_logit: np.ndarray  # logit of moving up a stage, by stage (−inf for partners)
    stage_down_logit: float


def _monthly_rates(P: dict, spend_scale: float) -> _Rates:
    """The arrays of :class:`_Rates` from the parameters."""
    S, B = schema.STAGES, schema.BOND_LEVELS
    promotions = [
        _vec(P["promotion_mix"][k], schema.PROMOTIONS[1:]) for k in ("without_financial_bond", "with_financial_bond")
    ]
    return _Rates(
        stage_bonus=_vec(P["satisfaction"]["stage_bonus"], S),
        purchase_rate=_vec(P["purchase_rate"], S),
        purchase_segment=np.array([1.0, P["purchase_b2b_multiplier"]]),
        purchase_satisfaction=_vec(P["purchase_satisfaction_multiplier"], _SATISFACTION_LEVELS),
        churn_stage=_vec(P["stage_churn_factor"], S),
        churn_satisfaction=_vec(P["satisfaction_churn_factor"], _SATISFACTION_LEVELS),
        log_bond_churn=np.log(_vec(P["bond_churn_factor"], B)),
        bond_enrolment=np.array([[P["bond_enrolment"][level][seg] for level in B] for seg in schema.SEGMENTS]),
        service_request_rate=_vec(P["service_request_rate"], S),
        service_request_segment=np.array([1.0, P["service_request_b2b_multiplier"]]),
        inquiry_rate=_vec(P["inquiry_rate"], S),
        list_price=_vec(P["list_price"], schema.CATEGORIES_OF_PRODUCT) * spend_scale,
        cost_ratio=_vec(P["cost_ratio"], schema.CATEGORIES_OF_PRODUCT),
        promotion_cdf=np.cumsum(promotions, axis=1),
        promotion_discount=_vec(P["promotion_discount"], schema.PROMOTIONS),
        purchase_channel_cdf=np.cumsum(_by_segment(P["purchase_channel_mix"], schema.CHANNELS), axis=1),
        contact_channel_cdf=np.cumsum(_vec(P["contact_channel_mix"], schema.CHANNELS)),
        churn_reason_cdf=np.cumsum(
            [_vec(P["churn_reason_mix"][k], schema.CHURN_REASONS) for k in _CHURN_SITUATIONS], axis=1
        ),
        stage_up_logit=np.array([_logit(P["stage_promotion"]["base"][s]) for s in S[:-1]] + [-np.inf]),
        stage_down_logit=_logit(P["stage_demotion"]["base"]),
    )


@dataclass
class _State:
    """What the simulation carries from one month to the next, one element (row) per customer."""

    stage: np.ndarray  # stage code
    alive: np.ndarray  # not churned (yet)
    bonds_held: np.ndarray  # customer × bond level
    recent_satisfaction: np.ndarray  # exponentially weighted latent satisfaction
    delight: np.ndarray  # exponentially weighted share of months at level 5
    unresolved_last_month: np.ndarray  # a complaint went unresolved last month

    @classmethod
    def at_start(cls, n: int) -> _State:
        """Everyone a stranger without bonds or history."""
        return cls(
            stage=np.zeros(n, dtype=np.int8),
            alive=np.ones(n, dtype=bool),
            bonds_held=np.zeros((n, len(schema.BOND_LEVELS)), dtype=bool),
            recent_satisfaction=np.zeros(n, dtype=np.float64),
            delight=np.zeros(n, dtype=np.float64),
            unresolved_last_month=np.zeros(n, dtype=bool),
        )


@dataclass
class _Events:
    """The rows of each event table, one tuple of column arrays per month (customer index, day, ...)."""

    transactions: list = field(default_factory=list)
    interactions: list = field(default_factory=list)
    surveys: list = field(default_factory=list)
    bonds: list = field(default_factory=list)
    churn: list = field(default_factory=list)
    stage_moves: list = field(default_factory=list)


@dataclass
class _Month:
    """The customers active in one month, as they start it, and the days each can act on.

    Arrays have one element per active customer; a *position* indexes them.
    """

    first_day: np.int64  # days since 1970-01-01
    n_days: np.int64
    active: np.ndarray  # customer index
    positions: np.ndarray  # 0 … number active − 1
    is_new: np.ndarray  # signed up this month
    first: np.ndarray  # first day (0 = the 1st) the customer can act on: the signup day for new customers
    last: np.ndarray  # last day the customer can act on: the churn day for churners
    exposure: np.ndarray  # share of the month the customer is there (below 1 only in the signup month)
    stage: np.ndarray
    segment: np.ndarray
    service_quality: np.ndarray
    held: np.ndarray  # bonds held, position × bond level
    unresolved_last_month: np.ndarray
    tenure_months: np.ndarray  # whole months since the signup month (0 in it)
    learning: np.ndarray  # contact multiplier: new customers ask more, and learn (``contact_learning``)
    self_service: np.ndarray  # probability that a purchase or contact moves to the web (``self_service``)

    @property
    def size(self) -> int:
        """Number of active customers."""
        return len(self.active)

    def random_dates(self, rng: np.random.Generator, pos: np.ndarray) -> np.ndarray:
        """A random day (days since 1970-01-01) in the active days of the customers at ``pos``."""
        return self.first_day + _random_day(rng, self.first[pos], self.last[pos])


def _open_month(
    m: int, P: dict, active: np.ndarray, calendar: _Calendar, customers: _Customers, traits: _Traits, state: _State
) -> _Month:
    """Month ``m`` for the ``active`` customers."""
    is_new = customers.signup_month[active] == m
    first = np.where(is_new, customers.signup_offset[active], 0).astype(np.int32)
    n_days = calendar.n_days[m]
    tenure = (m - customers.signup_month[active]).astype(np.int32)
    cl = P["contact_learning"]
    learning = cl["floor"] + (cl["start"] - cl["floor"]) * 0.5 ** (tenure / cl["half_life_months"])
    held = state.bonds_held[active]
    learning = learning * np.exp(held @ np.log(_vec(P["bond_contact_factor"], schema.BOND_LEVELS)))
    ss = P["self_service"]
    self_service = ss["max_share"] * (1.0 - 0.5 ** (tenure / ss["half_life_months"]))
    return _Month(
        first_day=calendar.first_day[m],
        n_days=n_days,
        active=active,
        positions=np.arange(len(active), dtype=np.int32),
        is_new=is_new,
        first=first,
        last=np.full(len(active), n_days - 1, dtype=np.int32),
        exposure=np.where(is_new, (n_days - first) / n_days, 1.0),
        stage=state.stage[active],
        segment=customers.b2b[active],
        service_quality=traits.service_quality[active],
        held=held,
        unresolved_last_month=state.unresolved_last_month[active],
        tenure_months=tenure,
        learning=learning,
        self_service=self_service,
    )


def _months(months: int, progress: bool):
    """The month indices, with a progress bar on stderr if ``progress``."""
    if not progress:
        return range(months)
    from tqdm.auto import tqdm

    return tqdm(range(months), desc="simulating months", unit="month", file=sys.stderr)


def _simulate_months(
    rng: np.random.Generator,
    P: dict,
    rates: _Rates,
    calendar: _Calendar,
    customers: _Customers,
    traits: _Traits,
    employees: _Employees,
    progress: bool,
) -> _Events:
    """Run the months one after the other; return the events they produced."""
    state = _State.at_start(len(customers.b2b))
    events = _Events()
    signed_up_by = np.searchsorted(customers.signup_month, np.arange(calendar.months), side="right")
    for m in _months(calendar.months, progress):
        active = np.flatnonzero(state.alive[: signed_up_by[m]]).astype(np.int32)
        if len(active) == 0:
            continue
        month = _open_month(m, P, active, calendar, customers, traits, state)
        _simulate_month(rng, P, rates, traits, employees, state, month, events, is_last=m + 1 == calendar.months)
    return events


def _simulate_month(
    rng: np.random.Generator,
    P: dict,
    rates: _Rates,
    traits: _Traits,
    employees: _Employees,
    state: _State,
    month: _Month,
    events: _Events,
    is_last: bool,
) -> None:
    """One month: contacts, satisfaction, purchases, churn, the month's events, then bonds and stage moves."""
    # The steps draw from ``rng`` in this order; reordering them (or the draws inside) changes every table.
    contacts = _draw_contacts(rng, P, rates, month)
    mood = _draw_satisfaction(rng, P, rates, traits, state, month, contacts)
    n_purchases, surveyed = _draw_purchase_counts_and_surveys(rng, P, rates, month, mood.level)
    churned, churn_rows = _draw_churn(rng, P, rates, traits, month, contacts, mood.level)
    events.churn.append(churn_rows)

    purchases, transaction_rows = _draw_transactions(rng, P, rates, traits, month, n_purchases)
    events.transactions.append(transaction_rows)
    events.interactions.append(_draw_interactions(rng, P, rates, traits, employees, month, contacts, purchases))
    events.surveys.append(_draw_survey_answers(rng, P, month, mood, np.flatnonzero(surveyed)))

    survivors = np.flatnonzero(~churned)
    bond_rows = _enrol_bonds(rng, P, rates, state, month, survivors)
    if bond_rows is not None:
        events.bonds.append(bond_rows)
    if not is_last:  # a move takes effect from next month on
        move_rows = _move_stages(rng, P, rates, state, month, survivors, mood)
        if move_rows is not None:
            events.stage_moves.append(move_rows)

    state.recent_satisfaction[month.active] = mood.recent
    state.delight[month.active] = mood.delight
    state.unresolved_last_month[month.active] = contacts.had_unresolved
    state.alive[month.active[churned]] = False


class _Contacts(NamedTuple):
    """The month's service requests, inquiries and complaints."""

    service_requests: np.ndarray  # count per position
    inquiries: np.ndarray  # count per position
    complaint_pos: np.ndarray  # position of each complaint
    complaint_resolved: np.ndarray  # per complaint
    had_unresolved: np.ndarray  # per position: a complaint went unresolved
    had_resolved: np.ndarray  # per position: a complaint was resolved


def _draw_contacts(rng: np.random.Generator, P: dict, rates: _Rates, month: _Month) -> _Contacts:
    """How many service requests, inquiries and complaints each customer makes; which complaints are resolved."""
    stage, exposure, quality = month.stage, month.exposure, month.service_quality
    n_requests = rng.poisson(
        rates.service_request_rate[stage] * rates.service_request_segment[month.segment] * month.learning * exposure
    )
    n_inquiries = rng.poisson(rates.inquiry_rate[stage] * month.learning * exposure)
    n_complaints = rng.poisson(P["complaint_rate"] * (1.0 - quality) * exposure)
    complaint_pos = np.repeat(month.positions, n_complaints)
    resolved = rng.random(len(complaint_pos)) < _resolution_probability(
        P["complaint_resolution"], quality[complaint_pos]
    )
    n_unresolved = np.bincount(complaint_pos[~resolved], minlength=month.size)
    return _Contacts(
        n_requests, n_inquiries, complaint_pos, resolved, n_unresolved > 0, (n_complaints - n_unresolved) > 0
    )


class _Satisfaction(NamedTuple):
    """The month's satisfaction of each active customer."""

    latent: np.ndarray
    level: np.ndarray  # latent rounded and clipped to 1–5
    recent: np.ndarray  # exponentially weighted latent satisfaction, this month included
    delight: np.ndarray  # exponentially weighted share of months at level 5, this month included


def _draw_satisfaction(
    rng: np.random.Generator, P: dict, rates: _Rates, traits: _Traits, state: _State, month: _Month, contacts: _Contacts
) -> _Satisfaction:
    """Latent satisfaction: personal level + stage bonus + noise − complaint penalties; its level and recent averages."""
    sat = P["satisfaction"]
    latent = (
        traits.satisfaction_base[month.active]
        + rates.stage_bonus[month.stage]
        + rng.normal(0.0, sat["month_sd"], month.size)
        - sat["unresolved_complaint_penalty"] * contacts.had_unresolved
        - sat["resolved_complaint_penalty"] * contacts.had_resolved
        - sat["unresolved_complaint_penalty_next_month"] * month.unresolved_last_month
    )
    level = np.clip(_round_half_up(latent), 1, 5).astype(np.int8)
    w = sat["recent_weight"]
    recent = np.where(month.is_new, latent, (1 - w) * state.recent_satisfaction[month.active] + w * latent)
    delight = np.where(month.is_new, level == 5, (1 - w) * state.delight[month.active] + w * (level == 5))
    return _Satisfaction(latent, level, recent, delight)


def _draw_purchase_counts_and_surveys(
    rng: np.random.Generator, P: dict, rates: _Rates, month: _Month, level: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """How many purchases each customer makes this month, and whether the customer answers a survey."""
    rate = (
        rates.purchase_rate[month.stage]
        * rates.purchase_segment[month.segment]
        * rates.purchase_satisfaction[level - 1]
    )
    return rng.poisson(rate * month.exposure), rng.random(month.size) < P["survey_rate"]


def _draw_churn(
    rng: np.random.Generator,
    P: dict,
    rates: _Rates,
    traits: _Traits,
    month: _Month,
    contacts: _Contacts,
    level: np.ndarray,
) -> tuple[np.ndarray, tuple]:
    """Who leaves, on which day (which ends their month there) and why: (churned per position, churn rows)."""
    hazard = (
        traits.base_churn[month.active]
        * rates.churn_stage[month.stage]
        * rates.churn_satisfaction[level - 1]
        * np.where(contacts.had_unresolved, P["unresolved_complaint_churn_factor"], 1.0)
        * np.where(month.unresolved_last_month, P["unresolved_complaint_churn_factor_next_month"], 1.0)
        * np.exp(month.held @ rates.log_bond_churn)
        * month.exposure
    )
    hazard = np.minimum(hazard, P["max_monthly_churn"])
    churned = rng.random(month.size) < hazard
    pos = np.flatnonzero(churned)
    day = _random_day(rng, month.first[pos], month.last[pos])
    month.last[pos] = day
    # each situation overrides the ones above it: an unresolved complaint matters most
    situation = np.full(len(pos), _CHURN_SITUATIONS.index("other"), dtype=np.int64)
    situation[(level[pos] >= 4) & ~month.held[pos].any(axis=1)] = _CHURN_SITUATIONS.index("satisfied_unbonded")
    situation[level[pos] <= 2] = _CHURN_SITUATIONS.index("dissatisfied")
    situation[contacts.had_unresolved[pos] | month.unresolved_last_month[pos]] = _CHURN_SITUATIONS.index(
        "unresolved_complaint"
    )
    reason = _choose_rows(rng, rates.churn_reason_cdf[situation])
    return churned, (month.active[pos], month.first_day + day, reason)


class _Purchases(NamedTuple):
    """The month's purchases: who bought (position), on which day, through which channel."""

    pos: np.ndarray
    day: np.ndarray
    channel: np.ndarray


def _draw_transactions(
    rng: np.random.Generator, P: dict, rates: _Rates, traits: _Traits, month: _Month, n_purchases: np.ndarray
) -> tuple[_Purchases, tuple]:
    """Day, category, channel, promotion, amount and cost of each purchase: (purchases, transaction rows)."""
    pos = np.repeat(month.positions, n_purchases)
    n = len(pos)
    customer = month.active[pos]
    segment = month.segment[pos]
    day = month.random_dates(rng, pos)
    category = _choose_rows(rng, np.cumsum(traits.tastes[customer], axis=1))
    preferred = traits.purchase_channel[customer]
    channel = _preferred_or_drawn(rng, P["preferred_channel_share"], preferred, rates.purchase_channel_cdf[segment])
    channel = _to_web(rng, month, pos, channel)
    financial = month.held[pos, 0]
    years = month.tenure_months[pos] / 12.0
    has_promotion = rng.random(n) < P["promotion_rate"] * np.exp(-P["promotion_decline_per_year"] * years) * np.where(
        financial, P["promotion_financial_bond_multiplier"], 1.0
    )
    promotion = (_choose_rows(rng, rates.promotion_cdf[financial.astype(np.int8)]) + 1) * has_promotion
    list_price = rates.list_price[category] * traits.spend_level[customer] * _lognormal_mean1(rng, P["price_sigma"], n)
    premium = 1.0 + np.minimum(P["price_premium"]["per_year"] * years, P["price_premium"]["max"])
    amount = np.round(list_price * premium * (1.0 - rates.promotion_discount[promotion]), 2)
    cost = np.round(list_price * rates.cost_ratio[category] * rng.lognormal(0.0, P["cost_sigma"], n), 2)
    return _Purchases(pos, day, channel), (customer, day, category, amount, cost, channel, promotion.astype(np.int8))


def _draw_interactions(
    rng: np.random.Generator,
    P: dict,
    rates: _Rates,
    traits: _Traits,
    employees: _Employees,
    month: _Month,
    contacts: _Contacts,
    purchases: _Purchases,
) -> tuple:
    """Purchase contacts, service requests, inquiries and complaints with day, channel, outcome, employee and rating."""
    quality = month.service_quality
    purchase = np.flatnonzero(
        rng.random(len(purchases.pos)) < P["purchase_interaction_share"] * month.learning[purchases.pos]
    )
    requests = np.repeat(month.positions, contacts.service_requests)
    request_days = month.random_dates(rng, requests)
    request_resolved = rng.random(len(requests)) < _resolution_probability(
        P["service_request_resolution"], quality[requests]
    )
    inquiries = np.repeat(month.positions, contacts.inquiries)
    inquiry_days = month.random_dates(rng, inquiries)
    inquiry_resolved = rng.random(len(inquiries)) < P["inquiry_resolution"]
    complaints = contacts.complaint_pos
    complaint_days = month.random_dates(rng, complaints)
    channels = [_contact_channel(rng, P, rates, traits, month, p) for p in (requests, inquiries, complaints)]

    kinds = ("purchase", "service_request", "inquiry", "complaint")
    parts = (purchases.pos[purchase], requests, inquiries, complaints)
    pos = np.concatenate(parts)
    kind = np.repeat(np.array([_INTERACTION_TYPE[k] for k in kinds], dtype=np.int8), [len(p) for p in parts])
    day = np.concatenate([purchases.day[purchase], request_days, inquiry_days, complaint_days])
    channel = np.concatenate([purchases.channel[purchase], *channels])
    purchase_resolved = np.ones(len(purchase), dtype=bool)
    resolved = np.concatenate([purchase_resolved, request_resolved, inquiry_resolved, contacts.complaint_resolved])
    employee, rating = _handle_and_rate(rng, P, employees, month, pos, kind, resolved)
    return (month.active[pos], day, channel, kind, employee, resolved, rating)


def _contact_channel(
    rng: np.random.Generator, P: dict, rates: _Rates, traits: _Traits, month: _Month, pos: np.ndarray
) -> np.ndarray:
    """Channel of each contact by the customers at ``pos``: mostly the customer's preferred one."""
    cdf = np.broadcast_to(rates.contact_channel_cdf, (len(pos), len(rates.contact_channel_cdf)))
    channel = _preferred_or_drawn(rng, P["preferred_contact_share"], traits.contact_channel[month.active[pos]], cdf)
    return _to_web(rng, month, pos, channel)


_WEB = schema.CHANNELS.index("web")


def _to_web(rng: np.random.Generator, month: _Month, pos: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """The channels, each moved to the web with the customer's self-service probability."""
    moved = rng.random(len(pos)) < month.self_service[pos]
    return np.where(moved, _WEB, channel).astype(np.int8)


def _handle_and_rate(
    rng: np.random.Generator,
    P: dict,
    employees: _Employees,
    month: _Month,
    pos: np.ndarray,
    kind: np.ndarray,
    resolved: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Employee handling each contact (mostly the customer's own) and the customer's rating of it."""
    n = len(pos)
    own = rng.random(n) < P["own_employee_share"]
    employee = np.where(own, employees.of_customer[month.active[pos]], rng.integers(0, employees.n, size=n)).astype(
        np.int32
    )
    rt = P["rating"]
    rating = (
        rt["intercept"]
        + rt["per_service_quality"] * month.service_quality[pos]
        + rt["resolved"] * resolved
        + rt["complaint"] * (kind == _INTERACTION_TYPE["complaint"])
        + rng.normal(0.0, rt["noise_sd"], n)
    )
    return employee, np.clip(_round_half_up(rating), 1, 5).astype(np.int8)


def _draw_survey_answers(
    rng: np.random.Generator, P: dict, month: _Month, mood: _Satisfaction, pos: np.ndarray
) -> tuple:
    """Answers of the customers surveyed (at ``pos``): satisfaction, recommend, trust, commitment, expectation, perception."""
    sv = P["survey"]
    n = len(pos)
    latent, stage = mood.latent[pos], month.stage[pos].astype(np.float64)
    rec, tr, cm, ex, pe = (sv[k] for k in ("recommend", "trust", "commitment", "expectation", "perception"))
    years = np.minimum(month.tenure_months[pos] / 12.0, rec["max_years"])
    recommend = (
        rec["intercept"]
        + rec["per_satisfaction"] * latent
        + rec["per_tenure_year"] * years
        + rng.normal(0, rec["noise_sd"], n)
    )
    trust = (
        tr["intercept"]
        + tr["per_stage"] * stage
        + tr["per_satisfaction"] * (latent - 3.8)
        + rng.normal(0, tr["noise_sd"], n)
    )
    commitment = (
        cm["intercept"]
        + cm["per_stage"] * stage
        + cm["per_satisfaction"] * (latent - 3.8)
        + cm["per_bond"] * month.held[pos].sum(axis=1)
        + rng.normal(0, cm["noise_sd"], n)
    )
    expectation = ex["mean"] + ex["b2b"] * month.segment[pos] + rng.normal(0, ex["sd"], n)
    perception = (
        expectation + pe["per_satisfaction"] * (latent - pe["satisfaction_centre"]) + rng.normal(0, pe["noise_sd"], n)
    )
    return (
        month.active[pos],
        month.random_dates(rng, pos),
        mood.level[pos],
        _answer(recommend, 0, 10),
        _answer(trust, 1, 5),
        _answer(commitment, 1, 5),
        _answer(expectation, 1, 7),
        _answer(perception, 1, 7),
    )


def _enrol_bonds(
    rng: np.random.Generator, P: dict, rates: _Rates, state: _State, month: _Month, survivors: np.ndarray
) -> tuple | None:
    """Enrol survivors (positions) in bond levels they do not hold yet; the bond rows, or None if nobody enrols."""
    held = month.held[survivors]
    levels = np.arange(held.shape[1])
    p_enrol = rates.bond_enrolment[month.segment[survivors][:, None], levels[None, :], month.stage[survivors][:, None]]
    enrol = (rng.random(held.shape) < p_enrol) & ~held
    if P["bond_requires_previous_level"]:
        enrol[:, 1:] &= held[:, :-1]
    who, level = np.nonzero(enrol)
    if len(who) == 0:
        return None
    customer = month.active[survivors[who]]
    state.bonds_held[customer, level] = True
    return (customer, month.random_dates(rng, survivors[who]), level.astype(np.int8))


def _move_stages(
    rng: np.random.Generator,
    P: dict,
    rates: _Rates,
    state: _State,
    month: _Month,
    survivors: np.ndarray,
    mood: _Satisfaction,
) -> tuple | None:
    """Move survivors (positions) up or down one stage from next month on; the moves' rows, or None if nobody moves."""
    up, down = P["stage_promotion"], P["stage_demotion"]
    stage = month.stage[survivors]
    up_logit = (
        rates.stage_up_logit[stage]
        + up["per_delight"] * (mood.delight[survivors] - 0.25)
        + up["per_service_quality"] * (month.service_quality[survivors] - 0.5)
        + up["per_bond"] * month.held[survivors].sum(axis=1)
        + up["b2b_friend_to_partner"] * ((stage == _STAGE["friend"]) & (month.segment[survivors] == 1))
    )
    p_up = _expit(up_logit)
    down_logit = rates.stage_down_logit + down["per_dissatisfaction"] * (3.0 - mood.recent[survivors])
    p_down = np.where(stage > 0, _expit(down_logit), 0.0)
    u = rng.random(len(survivors))
    move = np.where(u < p_up, 1, np.where(u < p_up + p_down, -1, 0)).astype(np.int8)
    moved = np.flatnonzero(move)
    if len(moved) == 0:
        return None
    customer = month.active[survivors[moved]]
    new_stage = (stage[moved] + move[moved]).astype(np.int8)
    state.stage[customer] = new_stage
    return (customer, np.full(len(moved), month.first_day + month.n_days, dtype=np.int64), new_stage)


# ---- the tables -------------------------------------------------------------------


def _column(rows: list[tuple], i: int, dtype) -> np.ndarray:
    """Column ``i`` of the monthly row tuples as one array of ``dtype``."""
    if not rows:
        return np.zeros(0, dtype=dtype)
    return np.concatenate([r[i] for r in rows]).astype(dtype)


def _events_by_date(rows: list[tuple], dtypes: tuple, then_by: tuple[int, ...] = ()) -> list[np.ndarray]:
    """The columns of the monthly (customer, day, ...) rows, sorted by day, customer, then the columns ``then_by``."""
    columns = [_column(rows, i, dtype) for i, dtype in enumerate(dtypes)]
    order = np.lexsort(tuple(columns[i] for i in reversed(then_by)) + (columns[0], columns[1]))
    return [c[order] for c in columns]


def _numbered(id_column: str, customer: np.ndarray, day: np.ndarray) -> dict:
    """The leading columns of an event table: running id from 1, ``customer_id`` and ``date``."""
    running_id = np.arange(1, len(customer) + 1, dtype=np.int64)
    return {id_column: running_id, "customer_id": customer + 1, "date": _days_to_datetime(day)}


def _customer_table(customers: _Customers, employees: _Employees) -> pd.DataFrame:
    """The customers table."""
    return pd.DataFrame(
        {
            "customer_id": np.arange(1, len(customers.b2b) + 1, dtype=np.int64),
            "signup_date": _days_to_datetime(customers.signup_day),
            "acquisition_channel": _categorical(customers.channel, "acquisition_channel"),
            "acquisition_cost": customers.acquisition_cost,
            "segment": _categorical(customers.b2b, "segment"),
            "region": _categorical(customers.region, "region"),
            "age": customers.age.astype(np.float64),
            "company_size": _categorical(customers.company_size, "company_size"),
            "employee_id": employees.of_customer.astype(np.int64) + 1,
        }
    )


def _transaction_table(rows: list[tuple]) -> pd.DataFrame:
    """The transactions table, by date and customer."""
    customer, day, category, amount, cost, channel, promotion = _events_by_date(
        rows, (np.int64, np.int64, np.int8, np.float64, np.float64, np.int8, np.int8)
    )
    return pd.DataFrame(
        _numbered("transaction_id", customer, day)
        | {
            "category": _categorical(category, "category"),
            "amount": amount,
            "cost": cost,
            "channel": _categorical(channel, "channel"),
            "promotion": _categorical(promotion, "promotion"),
        }
    )


def _interaction_table(rows: list[tuple]) -> pd.DataFrame:
    """The interactions table, by date and customer."""
    customer, day, channel, kind, employee, resolved, rating = _events_by_date(
        rows, (np.int64, np.int64, np.int8, np.int8, np.int64, bool, np.int64)
    )
    return pd.DataFrame(
        _numbered("interaction_id", customer, day)
        | {
            "channel": _categorical(channel, "channel"),
            "type": _categorical(kind, "type"),
            "employee_id": employee + 1,
            "resolved": resolved,
            "rating": rating,
        }
    )


def _survey_table(rows: list[tuple]) -> pd.DataFrame:
    """The surveys table, by date and customer."""
    customer, day, *answers = _events_by_date(rows, (np.int64,) * 8)
    names = ("satisfaction", "recommend", "trust", "commitment", "expectation", "perception")
    return pd.DataFrame(_numbered("survey_id", customer, day) | dict(zip(names, answers)))


def _bond_table(rows: list[tuple], P: dict) -> pd.DataFrame:
    """The bonds table, by start date, customer and level."""
    customer, day, level = _events_by_date(rows, (np.int64, np.int64, np.int8), then_by=(2,))
    bond_cost = _vec(P["bond_cost_per_month"], schema.BOND_LEVELS)
    return pd.DataFrame(
        {
            "bond_id": np.arange(1, len(customer) + 1, dtype=np.int64),
            "customer_id": customer + 1,
            "level": _categorical(level, "level"),
            "start_date": _days_to_datetime(day),
            "cost_per_month": bond_cost[level],
        }
    )


def _churn_table(rows: list[tuple]) -> pd.DataFrame:
    """The churn table, by date and customer."""
    customer, day, reason = _events_by_date(rows, (np.int64, np.int64, np.int8))
    return pd.DataFrame(
        {"customer_id": customer + 1, "date": _days_to_datetime(day), "reason": _categorical(reason, "reason")}
    )


def _stage_history(rows: list[tuple], customers: _Customers, calendar: _Calendar) -> pd.DataFrame:
    """Every stage entered: stranger from the signup month, then the moves; by customer and date."""
    n = len(customers.b2b)
    customer = np.concatenate([np.arange(n, dtype=np.int64), _column(rows, 0, np.int64)])
    day = np.concatenate([calendar.first_day[customers.signup_month], _column(rows, 1, np.int64)])
    stage = np.concatenate([np.zeros(n, dtype=np.int8), _column(rows, 2, np.int8)])
    order = np.lexsort((day, customer))
    return pd.DataFrame(
        {
            "customer_id": customer[order] + 1,
            "date": _days_to_datetime(day[order]),
            "stage": _categorical(stage[order], "stage"),
        }
    )


def _assemble(
    P: dict, calendar: _Calendar, customers: _Customers, employees: _Employees, traits: _Traits, events: _Events
) -> Company:
    """The company: its tables from the customers, employees and events, and the truth behind them."""
    customer_table = _customer_table(customers, employees)
    transactions = _transaction_table(events.transactions)
    events.transactions.clear()  # free the monthly pieces before building the next table
    interactions = _interaction_table(events.interactions)
    events.interactions.clear()
    cid = customer_table["customer_id"].to_numpy()
    truth = Truth(
        params=P,
        stage_history=_stage_history(events.stage_moves, customers, calendar),
        customer_traits=pd.DataFrame(
            {
                "customer_id": cid,
                "service_quality": traits.service_quality,
                "spend_level": traits.spend_level,
                "base_churn": traits.base_churn,
            }
        ),
        signup_date=pd.Series(customer_table["signup_date"].to_numpy(), index=pd.Index(cid, name="customer_id")),
        customer_tastes=pd.DataFrame(
            {"customer_id": cid} | dict(zip(schema.CATEGORIES_OF_PRODUCT, traits.tastes.T, strict=True))
        ),
    )
    return Company(
        customers=customer_table,
        transactions=transactions,
        interactions=interactions,
        surveys=_survey_table(events.surveys),
        bonds=_bond_table(events.bonds, P),
        churn=_churn_table(events.churn),
        employees=pd.DataFrame(
            {
                "employee_id": np.arange(1, employees.n + 1, dtype=np.int64),
                "satisfaction": employees.satisfaction,
                "tenure_months": employees.tenure_months,
            }
        ),
        truth=truth,
        observation_end=calendar.observation_end,
    )
