"""Customer lifetime value: from the textbook formula to probabilistic models (lesson 06).

Three levels of detail:

* **Retention-based CLV** (contractual view) — :func:`clv` for a constant margin and
  retention rate, with the timing convention named explicitly (Fader & Hardie 2012);
  :func:`margin_multiple` and :func:`margin_multiple_table` are Gupta & Lehmann's
  (2003) rule of thumb ``CLV = margin × r / (1 + d − r)``.
* **Markov chains** (Pfeifer & Carraway 2000) — :func:`recency_chain` builds the
  migration model in which customers are described by the periods since their last
  purchase; :func:`recency_states` estimates its purchase probabilities from
  transactions; :func:`markov_clv` values each state.
* **Probabilistic CLV** (non-contractual view) — the BG/NBD model of purchases and
  dropout (Fader, Hardie & Lee 2005a): :func:`fit_bgnbd`, :func:`bgnbd_log_likelihood`,
  :func:`bgnbd_expected_purchases`, :func:`bgnbd_probability_alive`,
  :func:`bgnbd_expected_purchases_new`; the Gamma-Gamma model of spend (Fader, Hardie &
  Lee 2005b): :func:`fit_gamma_gamma`, :func:`gamma_gamma_expected_spend`; both together
  in :func:`expected_clv`. :func:`simulate_bgnbd` and :func:`simulate_gamma_gamma` draw
  customers from the models, so a lesson can compare estimates with the truth;
  :func:`calibration_holdout` and :func:`holdout_comparison` check a fit on purchases it
  has not seen.

The probabilistic functions take a customer summary as made by
:func:`helpers.rfm.rfm_summary` (``frequency``, ``recency``, ``T``, ``monetary_value``);
their time unit is the summary's (days or weeks), and rate parameters are per that unit.

Every function is pure: numpy/pandas in, numpy/pandas out, no plotting, no files.

References
----------
* Gupta, S. & Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive
  Marketing* 17(1), 9–24.
* Farris, P. W., Bendle, N. T., Pfeifer, P. E. & Reibstein, D. J. (2010). *Marketing
  Metrics* (2nd ed.), ch. 5. Wharton School Publishing.
* Fader, P. S. & Hardie, B. G. S. (2012). Reconciling and clarifying CLV formulas.
  Note, http://brucehardie.com/notes/024/.
* Pfeifer, P. E. & Carraway, R. L. (2000). Modeling customer relationships as Markov
  chains. *Journal of Interactive Marketing* 14(2), 43–55.
* Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005a). "Counting your customers" the easy
  way: An alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284.
* Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005b). RFM and CLV: Using iso-value curves
  for customer base analysis. *Journal of Marketing Research* 42(4), 415–430.
* Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value. Note,
  http://brucehardie.com/notes/025/.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, expit, gammaln, hyp2f1

from helpers.rfm import TIME_UNITS, check_rfm_summary, rfm_summary
from helpers.validation import refuse_rows, require, require_columns, scalar_or_array, to_dates

__all__ = [
    "CLV_TIMINGS",
    "bgnbd_expected_purchases",
    "bgnbd_expected_purchases_new",
    "bgnbd_log_likelihood",
    "bgnbd_probability_alive",
    "calibration_holdout",
    "clv",
    "expected_clv",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_expected_spend",
    "gamma_gamma_log_likelihood",
    "holdout_comparison",
    "margin_multiple",
    "margin_multiple_table",
    "markov_clv",
    "recency_chain",
    "recency_states",
    "simulate_bgnbd",
    "simulate_gamma_gamma",
]

#: The three timing conventions of :func:`clv` (Fader & Hardie 2012).
CLV_TIMINGS = ("start", "end", "end_retained")

BGNBD_PARAMETERS = ("r", "alpha", "a", "b")
GAMMA_GAMMA_PARAMETERS = ("p", "q", "v")

_LOG_BOUND = 15.0  # fitted log-parameters stay in [−15, 15]: parameters in [3e-7, 3e6]


# ---------------------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------------------


def _finite(name: str, value) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    require(np.isfinite(array), f"{name} must be a finite number", **{name: array})
    return array


def _periods(name: str, value) -> np.ndarray:
    """A whole number of periods ≥ 0 (scalar or array)."""
    array = _finite(name, value)
    require((array >= 0) & (array % 1 == 0), f"{name} must be a whole number of periods ≥ 0",
             **{name: array})
    return array


def _parameters(params: Mapping, names: tuple[str, ...], model: str) -> tuple[float, ...]:
    """The model's parameters from a dict, checked to be positive finite numbers."""
    missing = [name for name in names if name not in params]
    if missing:
        raise ValueError(f"{model} parameters need keys {list(names)}; missing {missing}")
    values = tuple(float(params[name]) for name in names)
    bad = [name for name, value in zip(names, values) if not (np.isfinite(value) and value > 0)]
    if bad:
        raise ValueError(f"{model} parameters must be positive numbers; bad: "
                         + ", ".join(f"{name}={params[name]!r}" for name in bad))
    return values


def _summary_arrays(summary: pd.DataFrame, *, monetary: bool = False):
    check_rfm_summary(summary, monetary=monetary)
    columns = ("frequency", "recency", "T") + (("monetary_value",) if monetary else ())
    return tuple(summary[column].to_numpy(dtype=float) for column in columns)


def _rng(rng) -> np.random.Generator:
    if rng is None:
        raise ValueError("pass a numpy.random.Generator or an integer seed: draws must be "
                         "reproducible")
    return np.random.default_rng(rng)


# ---------------------------------------------------------------------------------------
# Retention-based CLV
# ---------------------------------------------------------------------------------------


def clv(margin, retention, discount_rate, *, timing: str = "end_retained", horizon=None,
        acquisition_cost=0.0):
    """Customer lifetime value for a constant margin and retention rate per period.

    With ``q = r / (1 + d)`` (survival discounted one period) the three conventions of
    the literature (Fader & Hardie 2012) are, for an infinite horizon:

    * ``"start"`` — margins at t = 0, 1, 2, …, survival ``r**t`` (the first margin is
      earned now): ``m (1 + d) / (1 + d − r)`` (Farris et al. 2010, Marketing Metrics);
    * ``"end"`` — margins at t = 1, 2, …, survival ``r**(t−1)`` (the customer pays at
      the end of the first period for sure): ``m / (1 + d − r)``;
    * ``"end_retained"`` — margins at t = 1, 2, …, survival ``r**t`` (the customer must
      be retained to pay): ``m r / (1 + d − r)`` (Gupta & Lehmann 2003).

    For a finite ``horizon`` H the sums stop after H payments (``"start"``: t = 0…H−1;
    the others: t = 1…H). They are geometric partial sums, with
    ``G = (1 − q**H) / (1 − q)`` (``G = H`` when ``q = 1``):
    ``"start"`` = ``m G``, ``"end"`` = ``m G / (1 + d)``, ``"end_retained"`` = ``m q G``.
    So start = end × (1 + d) and end_retained = end × r, for any horizon.
    ``acquisition_cost`` is subtracted once.

    Parameters
    ----------
    margin : float or array-like
        Margin per period from a retained customer (currency).
    retention : float or array-like
        Retention rate per period, a fraction in [0, 1].
    discount_rate : float or array-like
        Discount rate per period (fraction, > −1; e.g. 0.1 for 10 %).
    timing : {"start", "end", "end_retained"}
        When the margins are earned (see above).
    horizon : int or array-like of int, optional
        Number of payments (periods); None (default) for an infinite sum, which needs
        ``retention < 1 + discount_rate``.
    acquisition_cost : float or array-like
        Cost of acquiring the customer (currency), subtracted once.

    Arrays are broadcast against each other.

    Returns
    -------
    float or numpy.ndarray
        Lifetime value (currency); a float for scalar input.

    Raises
    ------
    ValueError
        For an unknown ``timing``, a retention outside [0, 1], ``discount_rate ≤ −1``,
        a divergent infinite sum (``retention ≥ 1 + discount_rate``), a horizon that is
        not a whole number ≥ 0, or non-finite numbers; the first bad value is shown.

    References
    ----------
    Gupta & Lehmann (2003); Farris et al. (2010), §5.3; Fader & Hardie (2012).

    Examples
    --------
    >>> round(clv(100, 0.8, 0.1), 2)          # 100 × 0.8 / 0.3
    266.67
    >>> round(clv(100, 0.8, 0.1, timing="start"), 2)   # 100 × 1.1 / 0.3
    366.67
    >>> round(clv(100, 0.8, 0.1, timing="end", horizon=3), 2)   # 100/1.1 + 80/1.21 + 64/1.331
    205.11
    """
    if timing not in CLV_TIMINGS:
        raise ValueError(f"unknown timing {timing!r}; use one of {list(CLV_TIMINGS)}")
    margin = _finite("margin", margin)
    retention = _finite("retention", retention)
    discount_rate = _finite("discount_rate", discount_rate)
    acquisition_cost = _finite("acquisition_cost", acquisition_cost)
    require((retention >= 0) & (retention <= 1), "retention must be a fraction in [0, 1]",
             retention=retention)
    require(discount_rate > -1, "discount_rate must be greater than −1",
             discount_rate=discount_rate)

    discounted_survival = retention / (1 + discount_rate)
    if horizon is None:
        require(retention < 1 + discount_rate,
                 "an infinite horizon needs retention < 1 + discount_rate (else the sum "
                 "diverges); pass a finite horizon", retention=retention,
                 discount_rate=discount_rate)
        payments = 1 / (1 - discounted_survival)
    else:
        horizon = _periods("horizon", horizon)
        with np.errstate(divide="ignore", invalid="ignore"):
            payments = np.where(
                discounted_survival == 1, horizon,
                (1 - discounted_survival**horizon) / (1 - discounted_survival),
            )
    first_payment = {"start": 1.0, "end": 1 / (1 + discount_rate),
                     "end_retained": discounted_survival}[timing]
    return scalar_or_array(margin * first_payment * payments - acquisition_cost)


def margin_multiple(retention, discount_rate):
    """Gupta & Lehmann's margin multiple ``r / (1 + d − r)``: CLV per unit of margin.

    The lifetime value of a customer is the annual margin times this multiple, when
    margins are earned at the end of each period by retained customers
    (``clv(1, r, d, timing="end_retained")``).

    Parameters
    ----------
    retention : float or array-like
        Retention rate per period, a fraction in [0, 1].
    discount_rate : float or array-like
        Discount rate per period (fraction, > −1, and ``retention < 1 + discount_rate``).

    Returns
    -------
    float or numpy.ndarray
        The multiple (periods of margin); a float for scalar input.

    References
    ----------
    Gupta & Lehmann (2003), Table 2.

    Examples
    --------
    >>> round(margin_multiple(0.8, 0.12), 2)   # 0.8 / 0.32
    2.5
    """
    return clv(1.0, retention, discount_rate, timing="end_retained")


def margin_multiple_table(retentions, discount_rates) -> pd.DataFrame:
    """The margin multiple for every retention rate (rows) and discount rate (columns).

    Parameters
    ----------
    retentions : sequence of float
        Retention rates per period, fractions in [0, 1].
    discount_rates : sequence of float
        Discount rates per period (fractions).

    Returns
    -------
    pandas.DataFrame
        Index ``retention``, columns ``discount_rate``, values ``r / (1 + d − r)``.

    References
    ----------
    Gupta & Lehmann (2003), Table 2 (retention 60–90 %, discount 10–16 %).

    Examples
    --------
    >>> margin_multiple_table([0.6, 0.8], [0.12]).round(2)
    discount_rate  0.12
    retention
    0.6            1.15
    0.8            2.50
    """
    retentions = np.asarray(retentions, dtype=float).ravel()
    discount_rates = np.asarray(discount_rates, dtype=float).ravel()
    values = margin_multiple(retentions[:, None], discount_rates[None, :])
    return pd.DataFrame(np.asarray(values).reshape(len(retentions), len(discount_rates)),
                        index=pd.Index(retentions, name="retention"),
                        columns=pd.Index(discount_rates, name="discount_rate"))


# ---------------------------------------------------------------------------------------
# Markov chain models (Pfeifer & Carraway 2000)
# ---------------------------------------------------------------------------------------


def recency_chain(purchase_probabilities) -> np.ndarray:
    """Transition matrix of Pfeifer & Carraway's recency model of customer migration.

    State ``i`` (1…k) means "the last purchase was ``i`` periods ago". From state ``i`` a
    customer buys this period with probability ``p_i`` and moves to state 1, or does not
    and moves to state ``i + 1``. The last state ``k`` collects everyone who has not
    bought for ``k`` periods or more: its non-buyers stay in ``k``; with ``p_k = 0`` it is
    absorbing (the customer is lost for good).

    Parameters
    ----------
    purchase_probabilities : sequence of float
        ``p_1 … p_k``, probability of buying in a period from each state (fractions).

    Returns
    -------
    numpy.ndarray
        ``k × k`` transition matrix ``P`` (row = from, column = to); rows sum to 1.

    Raises
    ------
    ValueError
        When the sequence is empty or a probability is outside [0, 1].

    References
    ----------
    Pfeifer & Carraway (2000), §"Customer migration model" (the recency states).

    Examples
    --------
    >>> recency_chain([0.3, 0.2, 0.0])
    array([[0.3, 0.7, 0. ],
           [0.2, 0. , 0.8],
           [0. , 0. , 1. ]])
    """
    probabilities = _finite("purchase_probabilities", purchase_probabilities).ravel()
    if probabilities.size == 0:
        raise ValueError("purchase_probabilities needs at least one state")
    require((probabilities >= 0) & (probabilities <= 1),
             "purchase probabilities must be fractions in [0, 1]",
             purchase_probabilities=probabilities)
    states = probabilities.size
    transitions = np.zeros((states, states))
    transitions[:, 0] = probabilities
    next_state = np.minimum(np.arange(states) + 1, states - 1)
    transitions[np.arange(states), next_state] += 1 - probabilities
    return transitions


def markov_clv(transition_matrix, rewards, discount_rate, *, horizon=None) -> np.ndarray:
    """Expected discounted value of a customer in each state of a Markov chain.

    ``V = Σ_t [P / (1 + d)]**t R``, summed over t = 0, 1, …: the reward of the current
    state is earned now, the next one a period later, and so on. For an infinite horizon
    ``V = [I − P / (1 + d)]⁻¹ R`` (needs ``d > 0``); with ``horizon = H`` the sum stops
    after H periods, t = 0…H−1 (a sum written up to t = T is ``horizon = T + 1``).

    Parameters
    ----------
    transition_matrix : array-like
        ``k × k`` matrix ``P`` of transition probabilities per period (rows sum to 1),
        e.g. from :func:`recency_chain`.
    rewards : array-like
        ``R``, the net contribution earned in each state in a period (currency; e.g.
        margin − marketing cost in state 1, − marketing cost elsewhere).
    discount_rate : float
        Discount rate per period (fraction, > −1; > 0 for an infinite horizon).
    horizon : int, optional
        Number of periods; None (default) for an infinite horizon.

    Returns
    -------
    numpy.ndarray
        ``V``: the value (currency) of a customer starting in each state.

    Raises
    ------
    ValueError
        For a matrix that is not square and stochastic, rewards of the wrong length, a
        discount rate out of range, or a bad horizon.

    References
    ----------
    Pfeifer & Carraway (2000), eq. for the expected present value ``V``.

    Examples
    --------
    >>> markov_clv([[0.6, 0.4], [0.3, 0.7]], [100, -10], 0.25).round(2)
    array([268.42, 123.68])
    """
    transitions = _finite("transition_matrix", transition_matrix)
    rewards = _finite("rewards", rewards)
    discount_rate = float(_finite("discount_rate", discount_rate))
    if transitions.ndim != 2 or transitions.shape[0] != transitions.shape[1]:
        raise ValueError(f"transition_matrix must be square; got shape {transitions.shape}")
    if rewards.shape != (transitions.shape[0],):
        raise ValueError(f"rewards needs one value per state ({transitions.shape[0]}); "
                         f"got shape {rewards.shape}")
    require(transitions >= 0, "transition probabilities must not be negative",
             transition_matrix=transitions)
    row_sums = transitions.sum(axis=1)
    require(np.isclose(row_sums, 1.0), "each row of transition_matrix must sum to 1",
             row_sum=row_sums)
    require(discount_rate > -1, "discount_rate must be greater than −1",
             discount_rate=discount_rate)
    discounted = transitions / (1 + discount_rate)
    if horizon is None:
        require(discount_rate > 0, "an infinite horizon needs discount_rate > 0 (else the "
                 "sum diverges); pass a finite horizon", discount_rate=discount_rate)
        return np.linalg.solve(np.eye(len(rewards)) - discounted, rewards)
    periods = int(_periods("horizon", horizon))
    value, expected_reward = np.zeros_like(rewards), rewards
    for _ in range(periods):
        value = value + expected_reward
        expected_reward = discounted @ expected_reward
    return value


def recency_states(transactions: pd.DataFrame, observation_end=None, *, states: int = 12) -> pd.DataFrame:
    """The company's own purchase probabilities by recency, for :func:`recency_chain`.

    Months are calendar months. At the end of each month a customer who has bought at
    least once is in recency state ``i``: their last purchase was ``i`` months ago
    counting this one (state 1 = bought this month), with the last state ``states``
    collecting everyone silent for that long or longer. For every customer and every
    pair of consecutive complete months, the state at the end of the first month and
    whether the customer bought in the second are counted; the purchase probability of a
    state is the share of its customer-months followed by a purchase (the
    maximum-likelihood estimate of ``p_i`` in Pfeifer & Carraway's model). Customers who
    left the company simply stop buying: in this non-contractual view they drift to the
    last state, as they would in data that do not record defections.

    Parameters
    ----------
    transactions : pandas.DataFrame
        ``customer_id``, ``date``, ``amount`` and ``cost`` (currency).
    observation_end : date-like, optional
        Last day of the data (default: the last purchase). A month counts only when it is
        complete by then.
    states : int
        Number of recency states k (≥ 2; default 12: a year of silence or more).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``recency`` 1…k: ``customer_months`` (months that started in the state
        and have a next month in the data), ``bought_next_month``, ``purchase_probability``
        (their ratio; NaN for a state never observed) and ``margin_next_month`` (mean
        margin, amount − cost, of the next month when the customer bought; currency).

    References
    ----------
    Pfeifer & Carraway (2000), the recency model (their "customer migration model").

    Examples
    --------
    >>> sales = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [50.0, 30.0, 20.0],
    ...     "cost": [30.0, 20.0, 10.0], "date": pd.to_datetime(["2024-01-05", "2024-03-09", "2024-02-01"])})
    >>> recency_states(sales, "2024-04-30", states=3)[["customer_months", "bought_next_month"]]
             customer_months  bought_next_month
    recency
    1                      3                  0
    2                      2                  1
    3                      0                  0

    Customer 1: January state 1 → no purchase in February (state 2) → bought in March
    (state 1) → none in April. Customer 2: February state 1 → March (state 2) → April.
    """
    require_columns("transactions", transactions, ("customer_id", "date", "amount", "cost"))
    if isinstance(states, bool) or int(states) != states or states < 2:
        raise ValueError(f"states must be a whole number ≥ 2; got {states!r}")
    states = int(states)
    dates = to_dates("transactions", transactions, "date")
    end = dates.max() if observation_end is None else pd.Timestamp(observation_end)
    last_month = end.to_period("M") - (0 if end.is_month_end else 1)
    month = dates.dt.to_period("M")
    used = (month <= last_month).to_numpy()
    margin = (pd.to_numeric(transactions["amount"], errors="coerce")
              - pd.to_numeric(transactions["cost"], errors="coerce")).to_numpy(dtype=float)
    refuse_rows("transactions", "amount", transactions, ~np.isfinite(margin),
                "have an amount or a cost that is not a finite number")
    table = pd.DataFrame(index=pd.RangeIndex(1, states + 1, name="recency"))
    table["customer_months"], table["bought_next_month"], table["margin_sum"] = 0, 0, 0.0
    if used.any():
        codes, _ = pd.factorize(transactions["customer_id"].to_numpy()[used])
        first = month[used].min()
        offset = np.array([m.ordinal for m in month[used]]) - first.ordinal
        n_months = last_month.ordinal - first.ordinal + 1
        monthly = np.zeros((codes.max() + 1, n_months))
        np.add.at(monthly, (codes, offset), margin[used])
        bought = np.zeros_like(monthly, dtype=bool)
        bought[codes, offset] = True
        counts = np.zeros((2, states))
        margin_sum = np.zeros(states)
        recency = np.zeros(len(monthly), dtype=np.int64)  # 0 = no purchase yet
        for m in range(n_months - 1):
            recency = np.where(bought[:, m], 1, np.where(recency > 0, np.minimum(recency + 1, states), 0))
            seen = recency > 0
            buys = seen & bought[:, m + 1]
            counts[0] += np.bincount(recency[seen] - 1, minlength=states)
            counts[1] += np.bincount(recency[buys] - 1, minlength=states)
            margin_sum += np.bincount(recency[buys] - 1, weights=monthly[buys, m + 1], minlength=states)
        table["customer_months"], table["bought_next_month"] = counts.astype(np.int64)
        table["margin_sum"] = margin_sum
    with np.errstate(divide="ignore", invalid="ignore"):
        table["purchase_probability"] = table["bought_next_month"] / table["customer_months"].replace(0, np.nan)
        table["margin_next_month"] = table["margin_sum"] / table["bought_next_month"].replace(0, np.nan)
    return table.drop(columns="margin_sum")


# ---------------------------------------------------------------------------------------
# BG/NBD model of purchases (Fader, Hardie & Lee 2005a)
# ---------------------------------------------------------------------------------------


def _bgnbd_log_likelihood(r, alpha, a, b, x, t_x, T) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood (FHL 2005a) as ln A1 + ln A2 + ln(A3 + δ A4)."""
    ln_a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    ln_a2 = betaln(a, b + x) - betaln(a, b)
    ln_a3 = -(r + x) * np.log(alpha + T)
    ln_a4 = np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x)
    return ln_a1 + ln_a2 + np.where(x > 0, np.logaddexp(ln_a3, ln_a4), ln_a3)


def _fit(negative_mean_log_likelihood, size: int, model: str) -> np.ndarray:
    """Minimise over log-parameters from 0 (all parameters 1): L-BFGS-B, then Nelder-Mead."""
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * size
    result = minimize(negative_mean_log_likelihood, np.zeros(size), method="L-BFGS-B",
                      bounds=bounds)
    if not result.success:  # numerical gradients can stall the line search near the optimum
        result = minimize(negative_mean_log_likelihood, result.x, method="Nelder-Mead",
                          bounds=bounds, options={"xatol": 1e-8, "fatol": 1e-12,
                                                  "maxiter": 4000 * size})
    if not (result.success and np.isfinite(result.fun)):
        raise RuntimeError(f"the {model} fit did not converge: {result.message}")
    return np.exp(result.x)


def bgnbd_log_likelihood(params: Mapping, summary: pd.DataFrame) -> float:
    """Total log-likelihood of the BG/NBD model for a customer summary.

    For a customer with ``x`` repeat purchases, the last at ``t_x``, observed for ``T``:
    ``L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / Γ(r) · [(α+T)^−(r+x)
    + δ(x>0) a/(b+x−1) (α+t_x)^−(r+x)]``, computed on the log scale with ``logaddexp``.

    Parameters
    ----------
    params : dict
        ``{"r", "alpha", "a", "b"}``, positive (``alpha`` in the summary's time unit).
    summary : pandas.DataFrame
        ``frequency``, ``recency``, ``T`` per customer (see :func:`helpers.rfm.rfm_summary`).

    Returns
    -------
    float
        Sum of the customers' log-likelihoods.

    References
    ----------
    Fader, Hardie & Lee (2005a); Fader, Hardie & Lee (2005), "Implementing the BG/NBD
    model for customer base analysis in Excel" (note 004 on brucehardie.com) for the
    ln A1…A4 form.

    Examples
    --------
    >>> one = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [1.0]})
    >>> round(bgnbd_log_likelihood({"r": 1, "alpha": 1, "a": 1, "b": 1}, one), 4)  # ln(1/2)
    -0.6931
    """
    r, alpha, a, b = _parameters(params, BGNBD_PARAMETERS, "BG/NBD")
    x, t_x, T = _summary_arrays(summary)
    return float(_bgnbd_log_likelihood(r, alpha, a, b, x, t_x, T).sum())


def fit_bgnbd(summary: pd.DataFrame) -> dict[str, float]:
    """Fit the BG/NBD model by maximum likelihood.

    Purchases while alive follow a Poisson process with rate λ ~ Gamma(r, α) across
    customers; after each repeat purchase a customer drops out with probability
    p ~ Beta(a, b). The log-likelihood (:func:`bgnbd_log_likelihood`) is maximised over
    the logarithms of the four parameters (so they stay positive) with L-BFGS-B, falling
    back to Nelder-Mead if its line search stalls.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``frequency``, ``recency``, ``T`` per customer (time unit of your choice; ``alpha``
        is then in that unit). At least one customer must have a repeat purchase.

    Returns
    -------
    dict
        ``{"r": …, "alpha": …, "a": …, "b": …}`` as floats.

    Raises
    ------
    ValueError
        For an invalid summary or one without any repeat purchase.
    RuntimeError
        If the optimiser does not converge.

    References
    ----------
    Fader, Hardie & Lee (2005a). Their CDNOW estimates (2,357 customers, 39 weeks):
    r = 0.243, α = 4.414, a = 0.793, b = 2.426.

    Examples
    --------
    >>> customers = simulate_bgnbd({"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43},
    ...                            5000, 39.0, rng=1)
    >>> fitted = fit_bgnbd(customers)
    >>> sorted(fitted)
    ['a', 'alpha', 'b', 'r']
    """
    x, t_x, T = _summary_arrays(summary)
    if not (x > 0).any():
        raise ValueError("the BG/NBD model needs some repeat purchases; every customer in "
                         "the summary has frequency 0")

    def negative_mean_log_likelihood(log_params):
        return -_bgnbd_log_likelihood(*np.exp(log_params), x, t_x, T).mean()

    return dict(zip(BGNBD_PARAMETERS, map(float, _fit(negative_mean_log_likelihood, 4, "BG/NBD"))))


def _conditional_expected_purchases(r, alpha, a, b, t, x, t_x, T):
    """Eq. (10) of FHL 2005a, broadcast over t and the customers' arrays.

    The term ``((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; z)`` overflows for heavy
    buyers; Euler's transformation ``2F1(A, B; C; z) = (1−z)^(C−A−B) 2F1(C−A, C−B; C; z)``
    turns it into ``(1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b+x−1; z)``, with ``1 − z =
    (α+T)/(α+T+t)``, whose parameters do not grow with x.
    """
    z = t / (alpha + T + t)
    never_again = (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
    expected = ((a + b + x - 1) / (a - 1)) * (1 - never_again) * _probability_alive(
        r, alpha, a, b, x, t_x, T)
    return expected + 0.0  # turns the −0.0 at t = 0 (when a < 1) into 0.0


def _probability_alive(r, alpha, a, b, x, t_x, T):
    """``1 / [1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)]``, via the log-odds (no overflow)."""
    log_odds_dead = (np.log(a) - np.log(b + np.maximum(x, 1) - 1)
                     + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x)))
    return np.where(x > 0, expit(-log_odds_dead), 1.0)


def bgnbd_expected_purchases(params: Mapping, t, summary: pd.DataFrame) -> pd.Series:
    """Expected number of purchases of each customer in the next ``t`` time units.

    The conditional expectation ``E[Y(t) | x, t_x, T]`` of the BG/NBD model, eq. (10) of
    Fader, Hardie & Lee (2005a), with the Gauss hypergeometric function ``2F1``:
    ``(a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))]
    / [1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)]``.

    Parameters
    ----------
    params : dict
        ``{"r", "alpha", "a", "b"}`` as returned by :func:`fit_bgnbd` (``a ≠ 1``).
    t : float
        Length of the future period, in the summary's time unit (≥ 0).
    summary : pandas.DataFrame
        ``frequency``, ``recency``, ``T`` per customer.

    Returns
    -------
    pandas.Series
        Expected purchases per customer (same index as ``summary``), named
        ``expected_purchases``.

    References
    ----------
    Fader, Hardie & Lee (2005a), eq. (10).

    Examples
    --------
    >>> params = {"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43}
    >>> one = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [0.0]})
    >>> new = bgnbd_expected_purchases_new(params, 10.0)
    >>> bool(np.isclose(bgnbd_expected_purchases(params, 10.0, one).iloc[0], new))
    True
    """
    r, alpha, a, b = _parameters(params, BGNBD_PARAMETERS, "BG/NBD")
    if a == 1:
        raise ValueError("the BG/NBD expectation needs a ≠ 1 (it divides by a − 1)")
    t = float(_finite("t", t))
    require(t >= 0, "t must be ≥ 0 (a future period length)", t=t)
    x, t_x, T = _summary_arrays(summary)
    expected = _conditional_expected_purchases(r, alpha, a, b, t, x, t_x, T)
    return pd.Series(expected, index=summary.index, name="expected_purchases")


def bgnbd_probability_alive(params: Mapping, summary: pd.DataFrame) -> pd.Series:
    """Probability that each customer is still active at the end of observation.

    ``P(alive | x, t_x, T) = 1 / [1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)]``: 1 for
    customers without repeat purchases (in the BG/NBD model one can drop out only right
    after a repeat purchase), lower the longer the silence ``T − t_x``.

    Parameters
    ----------
    params : dict
        ``{"r", "alpha", "a", "b"}``.
    summary : pandas.DataFrame
        ``frequency``, ``recency``, ``T`` per customer.

    Returns
    -------
    pandas.Series
        Probabilities in (0, 1], same index as ``summary``, named ``probability_alive``.

    References
    ----------
    Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model" (note on
    brucehardie.com), following Fader, Hardie & Lee (2005a).

    Examples
    --------
    >>> params = {"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 2.0}
    >>> one = pd.DataFrame({"frequency": [1], "recency": [1.0], "T": [3.0]})
    >>> float(bgnbd_probability_alive(params, one).iloc[0])   # 1 / (1 + (1/2)(4/2)²)
    0.3333333333333333
    """
    r, alpha, a, b = _parameters(params, BGNBD_PARAMETERS, "BG/NBD")
    x, t_x, T = _summary_arrays(summary)
    return pd.Series(_probability_alive(r, alpha, a, b, x, t_x, T),
                     index=summary.index, name="probability_alive")


def bgnbd_expected_purchases_new(params: Mapping, t):
    """Expected repeat purchases of a new customer in their first ``t`` time units.

    ``E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r 2F1(r, b; a+b−1; t/(α+t))]``.

    Parameters
    ----------
    params : dict
        ``{"r", "alpha", "a", "b"}`` (``a ≠ 1``).
    t : float or array-like
        Time since the first purchase (the summary's time unit, ≥ 0).

    Returns
    -------
    float or numpy.ndarray
        Expected number of repeat purchases.

    References
    ----------
    Fader, Hardie & Lee (2005a), eq. (9).

    Examples
    --------
    >>> round(bgnbd_expected_purchases_new({"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43},
    ...                                    39.0), 2)
    1.19
    """
    r, alpha, a, b = _parameters(params, BGNBD_PARAMETERS, "BG/NBD")
    if a == 1:
        raise ValueError("the BG/NBD expectation needs a ≠ 1 (it divides by a − 1)")
    t = _finite("t", t)
    require(t >= 0, "t must be ≥ 0", t=t)
    expected = _conditional_expected_purchases(r, alpha, a, b, t, 0.0, 0.0, 0.0)
    return scalar_or_array(expected)


def simulate_bgnbd(params: Mapping, n_customers: int, T, rng) -> pd.DataFrame:
    """Draw customers from the BG/NBD model: their summary and their hidden truth.

    Each customer gets a purchase rate λ ~ Gamma(shape r, rate α) and a dropout
    probability p ~ Beta(a, b). From a first purchase at time 0 they buy at the times of
    a Poisson process with rate λ and drop out right after each repeat purchase with
    probability p. Vectorised: the purchase that ends the relationship is the J-th with
    J ~ Geometric(p); the purchases in (0, T] number N ~ Poisson(λT); the customer makes
    ``x = min(J, N)`` of them, and, given N, the x-th purchase time is ``T`` times the
    x-th order statistic of N uniforms, a Beta(x, N − x + 1) draw.

    Parameters
    ----------
    params : dict
        ``{"r", "alpha", "a", "b"}`` (``alpha`` per time unit of ``T``).
    n_customers : int
        How many customers to draw.
    T : float or array-like
        Observation length of each customer since their first purchase (time units).
    rng : numpy.random.Generator or int
        Source of randomness (a seed makes it reproducible; None is refused).

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id`` 1…n; ``frequency``, ``recency``, ``T`` as in
        :func:`helpers.rfm.rfm_summary`, and the truth: ``purchase_rate`` (λ, per time
        unit), ``dropout_probability`` (p) and ``alive`` (still active at T).

    References
    ----------
    Fader, Hardie & Lee (2005a), §3 (model assumptions).

    Examples
    --------
    >>> customers = simulate_bgnbd({"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43},
    ...                            3, 39.0, rng=7)
    >>> list(customers.columns)
    ['frequency', 'recency', 'T', 'purchase_rate', 'dropout_probability', 'alive']
    """
    r, alpha, a, b = _parameters(params, BGNBD_PARAMETERS, "BG/NBD")
    rng = _rng(rng)
    n_customers = int(_periods("n_customers", n_customers))
    T = np.broadcast_to(_finite("T", T), (n_customers,)).astype(float)
    require(T >= 0, "T must be ≥ 0", T=T)
    rate = rng.gamma(shape=r, scale=1 / alpha, size=n_customers)
    dropout = np.clip(rng.beta(a, b, size=n_customers), 1e-12, 1.0)
    last_purchase_allowed = rng.geometric(dropout)
    purchases_in_window = rng.poisson(rate * T)
    frequency = np.minimum(last_purchase_allowed, purchases_in_window)
    order_statistic = rng.beta(np.maximum(frequency, 1), purchases_in_window - frequency + 1)
    recency = np.where(frequency > 0, T * order_statistic, 0.0)
    return pd.DataFrame(
        {"frequency": frequency.astype(np.int64), "recency": recency, "T": T,
         "purchase_rate": rate, "dropout_probability": dropout,
         "alive": last_purchase_allowed > purchases_in_window},
        index=pd.RangeIndex(1, n_customers + 1, name="customer_id"),
    )


# ---------------------------------------------------------------------------------------
# Gamma-Gamma model of spend (Fader, Hardie & Lee 2005b)
# ---------------------------------------------------------------------------------------


def _gamma_gamma_log_likelihood(p, q, v, x, mean_spend) -> np.ndarray:
    """Log density of a customer's mean spend over x transactions (x > 0 only)."""
    return (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v)
            + (p * x - 1) * np.log(mean_spend) + p * x * np.log(x)
            - (p * x + q) * np.log(v + x * mean_spend))


def _repeat_buyers(summary: pd.DataFrame):
    """Frequency and mean spend of the customers with repeat purchases (spend > 0)."""
    x, _, _, spend = _summary_arrays(summary, monetary=True)
    repeat = x > 0
    bad = repeat & ~(spend > 0)
    if bad.any():
        raise ValueError(
            "summary.monetary_value: the Gamma-Gamma model needs a positive mean spend for "
            f"every customer with repeat purchases; {int(bad.sum())} row(s) are ≤ 0. "
            f"First bad rows:\n{summary[bad].head(5).to_string()}"
        )
    if not repeat.any():
        raise ValueError("the Gamma-Gamma model needs customers with repeat purchases; "
                         "every customer in the summary has frequency 0")
    return x[repeat], spend[repeat]


def gamma_gamma_log_likelihood(params: Mapping, summary: pd.DataFrame) -> float:
    """Total log-likelihood of the Gamma-Gamma model over customers with frequency > 0.

    A customer's transactions are Gamma(p, ν) (mean p/ν); ν ~ Gamma(q, v) across customers.
    The mean ``z̄`` of ``x`` transactions then has density
    ``Γ(px+q)/(Γ(px)Γ(q)) · v^q z̄^(px−1) x^(px) / (v + x z̄)^(px+q)``.

    Parameters
    ----------
    params : dict
        ``{"p", "q", "v"}``, positive (``v`` in currency).
    summary : pandas.DataFrame
        ``frequency``, ``recency``, ``T`` and ``monetary_value`` (mean repeat spend).

    Returns
    -------
    float
        Sum of the log-likelihoods of the customers with repeat purchases.

    References
    ----------
    Fader, Hardie & Lee (2005b); Fader & Hardie (2013).

    Examples
    --------
    >>> one = pd.DataFrame({"frequency": [1], "recency": [1.0], "T": [2.0],
    ...                     "monetary_value": [1.0]})
    >>> round(gamma_gamma_log_likelihood({"p": 1, "q": 1, "v": 1}, one), 4)  # ln(1/4)
    -1.3863
    """
    p, q, v = _parameters(params, GAMMA_GAMMA_PARAMETERS, "Gamma-Gamma")
    x, mean_spend = _repeat_buyers(summary)
    return float(_gamma_gamma_log_likelihood(p, q, v, x, mean_spend).sum())


def fit_gamma_gamma(summary: pd.DataFrame) -> dict[str, float]:
    """Fit the Gamma-Gamma spend model by maximum likelihood on the repeat buyers.

    Only customers with ``frequency > 0`` enter (their ``monetary_value`` is the mean of
    their repeat purchases). The model assumes spend is independent of purchase
    frequency: check that their correlation is small before relying on it.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``frequency``, ``recency``, ``T`` and ``monetary_value`` (currency, > 0 for the
        repeat buyers).

    Returns
    -------
    dict
        ``{"p": …, "q": …, "v": …}`` as floats (``v`` in currency).

    Raises
    ------
    ValueError
        For an invalid summary, non-positive spend of a repeat buyer, or no repeat buyer.
    RuntimeError
        If the optimiser does not converge.

    References
    ----------
    Fader, Hardie & Lee (2005b). Their CDNOW estimates: p = 6.25, q = 3.74, v = 15.44.

    Examples
    --------
    >>> frequency = pd.Series(np.arange(1, 2001) % 7 + 1)
    >>> spend = simulate_gamma_gamma({"p": 6.25, "q": 3.74, "v": 15.44}, frequency, rng=3)
    >>> sorted(fit_gamma_gamma(spend.assign(frequency=frequency, recency=1.0, T=2.0)))
    ['p', 'q', 'v']
    """
    x, mean_spend = _repeat_buyers(summary)

    def negative_mean_log_likelihood(log_params):
        return -_gamma_gamma_log_likelihood(*np.exp(log_params), x, mean_spend).mean()

    fitted = _fit(negative_mean_log_likelihood, 3, "Gamma-Gamma")
    return dict(zip(GAMMA_GAMMA_PARAMETERS, map(float, fitted)))


def gamma_gamma_expected_spend(params: Mapping, summary: pd.DataFrame) -> pd.Series:
    """Expected spend per future transaction of each customer.

    ``E[Z | x, z̄] = p (v + x z̄) / (p x + q − 1)``, a weighted average of the population
    mean ``p v / (q − 1)`` (weight ``(q − 1)/(p x + q − 1)``) and the customer's own mean
    ``z̄``; customers without repeat purchases get the population mean.

    Parameters
    ----------
    params : dict
        ``{"p", "q", "v"}`` with ``q > 1`` (else the mean spend is infinite).
    summary : pandas.DataFrame
        ``frequency``, ``recency``, ``T``, ``monetary_value`` per customer.

    Returns
    -------
    pandas.Series
        Expected spend (currency), same index as ``summary``, named ``expected_spend``.

    References
    ----------
    Fader, Hardie & Lee (2005b); Fader & Hardie (2013).

    Examples
    --------
    >>> one = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [2.0],
    ...                     "monetary_value": [0.0]})
    >>> float(gamma_gamma_expected_spend({"p": 6.0, "q": 4.0, "v": 15.0}, one).iloc[0])
    30.0
    """
    p, q, v = _parameters(params, GAMMA_GAMMA_PARAMETERS, "Gamma-Gamma")
    if q <= 1:
        raise ValueError(f"the expected spend needs q > 1 (the mean is infinite); got q={q}")
    x, _, _, mean_spend = _summary_arrays(summary, monetary=True)
    mean_spend = np.where(x > 0, mean_spend, 0.0)
    return pd.Series(p * (v + x * mean_spend) / (p * x + q - 1), index=summary.index,
                     name="expected_spend")


def simulate_gamma_gamma(params: Mapping, frequency, rng) -> pd.DataFrame:
    """Draw each customer's mean repeat spend from the Gamma-Gamma model.

    Each customer gets ν ~ Gamma(shape q, rate v); each transaction is Gamma(p, ν), so the
    mean of ``x`` transactions is Gamma(shape p x, rate ν x), drawn directly.

    Parameters
    ----------
    params : dict
        ``{"p", "q", "v"}`` (``v`` in currency).
    frequency : array-like or pandas.Series of int
        Number of repeat transactions of each customer (≥ 0); the index of a Series is kept.
    rng : numpy.random.Generator or int
        Source of randomness (None is refused).

    Returns
    -------
    pandas.DataFrame
        ``monetary_value`` (mean spend; 0 when frequency is 0, as in
        :func:`helpers.rfm.rfm_summary`) and the truth ``true_mean_spend`` (p / ν).

    References
    ----------
    Fader, Hardie & Lee (2005b), §"The model"; Fader & Hardie (2013).

    Examples
    --------
    >>> simulate_gamma_gamma({"p": 6.25, "q": 3.74, "v": 15.44}, [0, 2], rng=1).shape
    (2, 2)
    """
    p, q, v = _parameters(params, GAMMA_GAMMA_PARAMETERS, "Gamma-Gamma")
    rng = _rng(rng)
    index = frequency.index if isinstance(frequency, pd.Series) else None
    x = _periods("frequency", frequency).ravel()
    spend_rate = rng.gamma(shape=q, scale=1 / v, size=x.size)
    mean_spend = rng.gamma(shape=p * np.maximum(x, 1), scale=1 / (spend_rate * np.maximum(x, 1)))
    return pd.DataFrame({"monetary_value": np.where(x > 0, mean_spend, 0.0),
                         "true_mean_spend": p / spend_rate}, index=index)


# ---------------------------------------------------------------------------------------
# Calibration and holdout: does the model predict purchases it has not seen?
# ---------------------------------------------------------------------------------------


def calibration_holdout(transactions: pd.DataFrame, calibration_end, observation_end, *,
                        time_unit: str = "W") -> pd.DataFrame:
    """Summary of a calibration period and the purchases each customer made after it.

    The usual check of a purchase model (Fader, Hardie & Lee 2005a, §4): fit it on the
    transactions up to ``calibration_end``, then compare what it predicts for the holdout
    period (``calibration_end``, ``observation_end``] with what customers actually did.

    Parameters
    ----------
    transactions : pandas.DataFrame
        ``customer_id``, ``date``, ``amount``.
    calibration_end : date-like
        Last day of the calibration period (included in it).
    observation_end : date-like
        Last day of the holdout period, after ``calibration_end``.
    time_unit : {"D", "W"}
        Unit of ``recency``, ``T`` and ``holdout_length`` (days or weeks).

    Returns
    -------
    pandas.DataFrame
        :func:`helpers.rfm.rfm_summary` of the calibration period (customers who bought in
        it) plus ``holdout_purchases`` (purchase days in the holdout period, counted like
        ``frequency``) and ``holdout_length`` (time units).

    References
    ----------
    Fader, Hardie & Lee (2005a), §4 (calibration and holdout on CDNOW).

    Examples
    --------
    >>> sales = pd.DataFrame({"customer_id": [1, 1, 1, 2, 3],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-02-10", "2024-01-20", "2024-02-05"]),
    ...     "amount": [10.0, 20.0, 5.0, 8.0, 9.0]})
    >>> calibration_holdout(sales, "2024-01-31", "2024-02-28", time_unit="D")[["frequency", "holdout_purchases"]]
                 frequency  holdout_purchases
    customer_id
    1                    1                  1
    2                    0                  0
    """
    start, end = pd.Timestamp(calibration_end), pd.Timestamp(observation_end)
    if not end > start:
        raise ValueError(f"observation_end ({end.date()}) must come after calibration_end ({start.date()})")
    require_columns("transactions", transactions, ("customer_id", "date", "amount"))
    dates = to_dates("transactions", transactions, "date").dt.floor("D")
    summary = rfm_summary(transactions[(dates <= start).to_numpy()], observation_end=start, time_unit=time_unit)
    later = transactions[((dates > start) & (dates <= end)).to_numpy()]
    days = dates[(dates > start) & (dates <= end)]
    purchase_days = pd.Series(days.to_numpy(), index=later["customer_id"].to_numpy()).groupby(level=0).nunique()
    summary["holdout_purchases"] = purchase_days.reindex(summary.index, fill_value=0).astype(np.int64)
    summary["holdout_length"] = (end - start).days / TIME_UNITS[time_unit]
    return summary


def holdout_comparison(params: Mapping, summary: pd.DataFrame, *, max_frequency: int = 7) -> pd.DataFrame:
    """Predicted against actual holdout purchases, by the number of repeat purchases in calibration.

    The BG/NBD conditional expectation (:func:`bgnbd_expected_purchases`) over each
    customer's ``holdout_length`` is averaged within groups of calibration ``frequency``
    0, 1, …, ``max_frequency`` or more, next to the average actual ``holdout_purchases``
    (Fader, Hardie & Lee 2005a, Figure 4).

    Parameters
    ----------
    params : dict
        ``{"r", "alpha", "a", "b"}`` fitted on the calibration summary.
    summary : pandas.DataFrame
        The output of :func:`calibration_holdout`.
    max_frequency : int
        Customers with this many repeat purchases or more share the last group.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``calibration_frequency`` (labels "0", "1", …, "7+"): ``customers``,
        ``actual`` and ``predicted`` (mean purchases per customer in the holdout period).

    References
    ----------
    Fader, Hardie & Lee (2005a), §4, Figure 4 (conditional expectations).

    Examples
    --------
    >>> table = pd.DataFrame({"frequency": [0, 2, 3], "recency": [0.0, 5.0, 8.0], "T": [10.0, 10.0, 10.0],
    ...     "holdout_purchases": [0, 1, 2], "holdout_length": 5.0})
    >>> holdout_comparison({"r": 1.0, "alpha": 2.0, "a": 0.5, "b": 2.0}, table, max_frequency=2)["actual"].tolist()
    [0.0, 1.5]
    """
    require_columns("summary", summary, ("frequency", "recency", "T", "holdout_purchases", "holdout_length"))
    if isinstance(max_frequency, bool) or int(max_frequency) != max_frequency or max_frequency < 1:
        raise ValueError(f"max_frequency must be a whole number ≥ 1; got {max_frequency!r}")
    lengths = summary["holdout_length"].to_numpy(dtype=float)
    if len(summary) == 0 or not np.all(lengths == lengths[0]):
        raise ValueError("summary needs customers and one holdout_length shared by all of them "
                         "(as calibration_holdout makes)")
    expected = bgnbd_expected_purchases(params, lengths[0], summary).to_numpy()
    frequency = summary["frequency"].to_numpy()
    labels = [str(i) for i in range(int(max_frequency))] + [f"{int(max_frequency)}+"]
    group = pd.Categorical(np.array(labels, dtype=object)[np.minimum(frequency, int(max_frequency)).astype(int)],
                           categories=labels)
    frame = pd.DataFrame({"group": group, "actual": summary["holdout_purchases"].to_numpy(dtype=float),
                          "predicted": expected})
    table = frame.groupby("group", observed=True).agg(customers=("actual", "size"), actual=("actual", "mean"),
                                                      predicted=("predicted", "mean"))
    table.index = pd.Index(table.index.astype(str), name="calibration_frequency")
    return table


# ---------------------------------------------------------------------------------------
# Both together
# ---------------------------------------------------------------------------------------


def expected_clv(bgnbd_params: Mapping, gg_params: Mapping, summary: pd.DataFrame, *,
                 periods: int, discount_rate: float, margin: float = 1.0,
                 period_length: float = 1.0) -> pd.Series:
    """Expected discounted value of each customer's future purchases (BG/NBD × Gamma-Gamma).

    A simple discrete approximation of FHL (2005b)'s continuous-time CLV: the future is cut
    into ``periods`` periods of ``period_length`` time units; the purchases expected in
    period k are ``E[Y(k L)] − E[Y((k−1) L)]`` (:func:`bgnbd_expected_purchases`), each
    worth the expected spend (:func:`gamma_gamma_expected_spend`) times ``margin``, and
    discounted as if paid at the end of the period:

    ``CLV = margin · E[Z] · Σ_{k=1..K} (E[Y(kL)] − E[Y((k−1)L)]) / (1 + d)^k``.

    Parameters
    ----------
    bgnbd_params, gg_params : dict
        Fitted parameters from :func:`fit_bgnbd` and :func:`fit_gamma_gamma`.
    summary : pandas.DataFrame
        ``frequency``, ``recency``, ``T``, ``monetary_value`` per customer.
    periods : int
        Number of future periods K (≥ 0).
    discount_rate : float
        Discount rate per period (fraction, > −1).
    margin : float
        Share of spend that is margin (fraction; 1 values revenue).
    period_length : float
        Length of one period in the summary's time unit (e.g. 4.345 weeks for a month).

    Returns
    -------
    pandas.Series
        Expected CLV (currency) per customer, same index as ``summary``, named
        ``expected_clv``.

    References
    ----------
    Fader, Hardie & Lee (2005b); the discretisation is the one of the ``lifetimes``
    package's ``customer_lifetime_value``.

    Examples
    --------
    >>> one = pd.DataFrame({"frequency": [2], "recency": [30.0], "T": [39.0],
    ...                     "monetary_value": [40.0]})
    >>> value = expected_clv({"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43},
    ...                      {"p": 6.25, "q": 3.74, "v": 15.44}, one,
    ...                      periods=12, discount_rate=0.01, period_length=4.345)
    >>> bool(value.iloc[0] > 0)
    True
    """
    r, alpha, a, b = _parameters(bgnbd_params, BGNBD_PARAMETERS, "BG/NBD")
    if a == 1:
        raise ValueError("the BG/NBD expectation needs a ≠ 1 (it divides by a − 1)")
    periods = int(_periods("periods", periods))
    discount_rate = float(_finite("discount_rate", discount_rate))
    require(discount_rate > -1, "discount_rate must be greater than −1",
             discount_rate=discount_rate)
    period_length = float(_finite("period_length", period_length))
    require(period_length > 0, "period_length must be positive", period_length=period_length)
    margin = float(_finite("margin", margin))

    spend = gamma_gamma_expected_spend(gg_params, summary).to_numpy()
    x, t_x, T = _summary_arrays(summary)
    times = period_length * np.arange(periods + 1)[:, None]
    cumulative = _conditional_expected_purchases(r, alpha, a, b, times, x, t_x, T)
    discount = (1 + discount_rate) ** -np.arange(1, periods + 1)
    discounted_purchases = discount @ np.diff(cumulative, axis=0)
    return pd.Series(margin * spend * discounted_purchases, index=summary.index,
                     name="expected_clv")
