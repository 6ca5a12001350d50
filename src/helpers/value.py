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
  has not seen. The fits return a :class:`FitResult`, the dict of parameters with a
  convergence report, and raise :class:`ConvergenceError` if the gradient does not vanish.

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
* Bertsekas, D. P. (1982). Projected Newton methods for optimization problems with simple
  constraints. *SIAM Journal on Control and Optimization* 20(2), 221–246.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import betaln, digamma, expit, hyp2f1, polygamma

from helpers.rfm import TIME_UNITS, check_rfm_summary, rfm_summary
from helpers.validation import refuse_rows, require, require_columns, scalar_or_array, to_dates

__all__ = [
    "CLV_TIMINGS",
    "GRADIENT_TOLERANCE",
    "ConvergenceError",
    "FitResult",
    "bgnbd_expected_purchases",
    "bgnbd_expected_purchases_new",
    "bgnbd_log_likelihood",
    "bgnbd_probability_alive",
    "alive_by_silence",
    "silence_until_doubt",
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
    require((array >= 0) & (array % 1 == 0), f"{name} must be a whole number of periods ≥ 0", **{name: array})
    return array


def _parameters(params: Mapping, names: tuple[str, ...], model: str) -> tuple[float, ...]:
    """The model's parameters from a dict, checked to be positive finite numbers."""
    missing = [name for name in names if name not in params]
    if missing:
        raise ValueError(f"{model} parameters need keys {list(names)}; missing {missing}")
    values = tuple(float(params[name]) for name in names)
    bad = [name for name, value in zip(names, values) if not (np.isfinite(value) and value > 0)]
    if bad:
        raise ValueError(
            f"{model} parameters must be positive numbers; bad: "
            + ", ".join(f"{name}={params[name]!r}" for name in bad)
        )
    return values


def _summary_arrays(summary: pd.DataFrame, *, monetary: bool = False):
    check_rfm_summary(summary, monetary=monetary)
    columns = ("frequency", "recency", "T") + (("monetary_value",) if monetary else ())
    return tuple(summary[column].to_numpy(dtype=float) for column in columns)


def _rng(rng) -> np.random.Generator:
    if rng is None:
        raise ValueError("pass a numpy.random.Generator or an integer seed: draws must be reproducible")
    return np.random.default_rng(rng)


# ---------------------------------------------------------------------------------------
# Retention-based CLV
# ---------------------------------------------------------------------------------------


def clv(
    margin,
    retention,
    discount_rate,
    *,
    timing: str = "end_retained",
    horizon=None,
    acquisition_cost=0.0,
    margin_growth=0.0,
):
    """Customer lifetime value for a margin and a retention rate per period: the course's one CLV formula.

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

    A margin that grows by ``g`` a period (the first margin is ``m``, the next ``m (1 + g)``
    …) gives the same sums with ``q = r (1 + g) / (1 + d)``: e.g. ``"end"`` =
    ``m / (1 + d − r (1 + g))`` (Gupta & Lehmann 2005, ch. 2), finite when ``q < 1``.

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
    margin_growth : float or array-like
        Growth of the margin per period (fraction, > −1; default 0, a constant margin).

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
    Gupta & Lehmann (2003); Farris et al. (2010), §5.3; Fader & Hardie (2012);
    Gupta, S. & Lehmann, D. R. (2005). *Managing Customers as Investments*, ch. 2.
    Wharton School Publishing (a growing margin).

    Examples
    --------
    >>> round(clv(100, 0.8, 0.1), 2)          # 100 × 0.8 / 0.3
    266.67
    >>> round(clv(100, 0.8, 0.1, timing="start"), 2)   # 100 × 1.1 / 0.3
    366.67
    >>> round(clv(100, 0.8, 0.1, timing="end", horizon=3), 2)   # 100/1.1 + 80/1.21 + 64/1.331
    205.11
    >>> round(clv(100, 0.8, 0.1, timing="end", margin_growth=0.05), 2)   # 100 / (1.1 − 0.84)
    384.62
    """
    if timing not in CLV_TIMINGS:
        raise ValueError(f"unknown timing {timing!r}; use one of {list(CLV_TIMINGS)}")
    margin = _finite("margin", margin)
    retention = _finite("retention", retention)
    discount_rate = _finite("discount_rate", discount_rate)
    acquisition_cost = _finite("acquisition_cost", acquisition_cost)
    margin_growth = _finite("margin_growth", margin_growth)
    require(margin_growth > -1, "margin_growth must be greater than −1", margin_growth=margin_growth)
    require((retention >= 0) & (retention <= 1), "retention must be a fraction in [0, 1]", retention=retention)
    require(discount_rate > -1, "discount_rate must be greater than −1", discount_rate=discount_rate)

    discounted_survival = retention * (1 + margin_growth) / (1 + discount_rate)
    if horizon is None:
        require(
            discounted_survival < 1,
            "an infinite horizon needs retention < 1 + discount_rate, or retention × (1 + margin_growth) "
            "< 1 + discount_rate with a growing margin (else the sum diverges); pass a finite horizon",
            retention=retention,
            discount_rate=discount_rate,
        )
        payments = 1 / (1 - discounted_survival)
    else:
        horizon = _periods("horizon", horizon)
        with np.errstate(divide="ignore", invalid="ignore"):
            payments = np.where(
                discounted_survival == 1,
                horizon,
                (1 - discounted_survival**horizon) / (1 - discounted_survival),
            )
    first_payment = {"start": 1.0, "end": 1 / (1 + discount_rate), "end_retained": retention / (1 + discount_rate)}[
        timing
    ]
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
    return pd.DataFrame(
        np.asarray(values).reshape(len(retentions), len(discount_rates)),
        index=pd.Index(retentions, name="retention"),
        columns=pd.Index(discount_rates, name="discount_rate"),
    )


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
    require(
        (probabilities >= 0) & (probabilities <= 1),
        "purchase probabilities must be fractions in [0, 1]",
        purchase_probabilities=probabilities,
    )
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
        raise ValueError(f"rewards needs one value per state ({transitions.shape[0]}); got shape {rewards.shape}")
    require(transitions >= 0, "transition probabilities must not be negative", transition_matrix=transitions)
    row_sums = transitions.sum(axis=1)
    require(np.isclose(row_sums, 1.0), "each row of transition_matrix must sum to 1", row_sum=row_sums)
    require(discount_rate > -1, "discount_rate must be greater than −1", discount_rate=discount_rate)
    discounted = transitions / (1 + discount_rate)
    if horizon is None:
        require(
            discount_rate > 0,
            "an infinite horizon needs discount_rate > 0 (else the sum diverges); pass a finite horizon",
            discount_rate=discount_rate,
        )
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
    margin = (
        pd.to_numeric(transactions["amount"], errors="coerce") - pd.to_numeric(transactions["cost"], errors="coerce")
    ).to_numpy(dtype=float)
    refuse_rows(
        "transactions",
        "amount",
        transactions,
        ~np.isfinite(margin),
        "have an amount or a cost that is not a finite number",
    )
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
# Maximum-likelihood fitting (BG/NBD and Gamma-Gamma)
# ---------------------------------------------------------------------------------------


class ConvergenceError(RuntimeError):
    """A maximum-likelihood fit stopped before the gradient of its log-likelihood vanished."""


class FitResult(dict):
    """Fitted parameters — a plain ``dict`` (``params["r"]``) — and how the fit ended.

    It prints, compares and pickles like the dict of parameters; the attributes report the
    convergence test of :func:`fit_bgnbd` and :func:`fit_gamma_gamma`.

    Attributes
    ----------
    log_likelihood : float
        Total log-likelihood at the fitted parameters (sum over the customers fitted).
    gradient_norm : float
        Euclidean norm of the projected gradient of the *mean* log-likelihood with respect
        to the log-parameters (components of parameters held at a bound left out); at most
        ``GRADIENT_TOLERANCE``. It is dimensionless: the change of the mean log-likelihood
        per relative change of the parameters.
    iterations : int
        Newton steps taken.
    converged : bool
        Always True: a fit that does not converge raises :class:`ConvergenceError`.
    at_bound : tuple of str
        Parameters that the data push to 0 or ∞, stopped at the bound ``e^±15``
        (e.g. ``a`` when nobody drops out).

    Examples
    --------
    >>> result = FitResult({"p": 2.0}, log_likelihood=-1.5, gradient_norm=1e-12, iterations=9)
    >>> result, result["p"], result.converged
    ({'p': 2.0}, 2.0, True)
    """

    def __init__(
        self,
        parameters: Mapping,
        *,
        log_likelihood: float,
        gradient_norm: float,
        iterations: int,
        at_bound: tuple[str, ...] = (),
    ):
        super().__init__(parameters)
        self.log_likelihood = float(log_likelihood)
        self.gradient_norm = float(gradient_norm)
        self.iterations = int(iterations)
        self.converged = True
        self.at_bound = tuple(at_bound)


#: Largest norm of the projected gradient of the mean log-likelihood (w.r.t. the
#: log-parameters) that counts as converged; Newton's method usually ends near 1e-15.
GRADIENT_TOLERANCE = 1e-8
_POLISHED = 1e-13  # Newton's method stops below this gradient norm,
_SETTLED = 1e-10  # or after a full step shorter than this (log-parameters),
_NEWTON_STEPS = 100  # or after this many steps, or when no step along the direction helps
_LONGEST_STEP = 2.0  # a Newton step moves at most this far along each eigenvector
_NEAR_BOUND = 1e-6  # steps that end this close to a bound end on it
_NOISE = 1e-9  # gains below this (relative) are judged by the gradient, not the value


@dataclass(frozen=True)
class _DistinctCustomers:
    """Customers collapsed into distinct rows of (frequency, other columns), with weights.

    Customers with the same summary have the same likelihood, so each distinct row is
    evaluated once and weighted by the customers sharing it; terms that depend on the
    frequency alone are evaluated once per distinct frequency. Rows come sorted, so sums
    do not depend on the order of the customers.
    """

    frequency: np.ndarray  # x of each distinct row
    columns: tuple[np.ndarray, ...]  # the other columns of the distinct rows
    weights: np.ndarray  # customers per distinct row
    frequencies: np.ndarray  # the distinct frequencies, as integers
    frequency_index: np.ndarray  # position of each row's x in `frequencies`
    customers_per_frequency: np.ndarray
    customers: float

    @classmethod
    def collapse(cls, frequency: np.ndarray, *columns: np.ndarray) -> _DistinctCustomers:
        # What np.unique(np.column_stack(...), axis=0, return_counts=True) gives, 4× faster:
        # a stable sort per column, the last first, then the rows that differ from the previous.
        order = np.arange(len(frequency))
        for key in (*columns[::-1], frequency.astype(np.int64)):
            order = order[np.argsort(key[order], kind="stable")]
        keys = [key[order] for key in (frequency, *columns)]
        first = np.arange(len(order)) == 0
        for key in keys:
            first[1:] |= key[1:] != key[:-1]
        starts = np.flatnonzero(first)
        weights = np.diff(np.r_[starts, len(order)]).astype(float)
        x, *others = (key[starts] for key in keys)
        new_frequency = np.ones(len(x), dtype=bool)
        new_frequency[1:] = x[1:] != x[:-1]
        frequency_index = np.cumsum(new_frequency) - 1
        return cls(
            x,
            tuple(others),
            weights,
            x[new_frequency].astype(np.int64),
            frequency_index,
            np.bincount(frequency_index, weights=weights),
            float(len(order)),
        )


def _weighted_sums(weights: np.ndarray, *terms) -> np.ndarray:
    """``Σ weights · term`` for each term (numpy summation, not BLAS: thread-independent)."""
    return np.array([np.sum(weights * term) for term in terms])


def _fit(
    log_likelihood, customers: _DistinctCustomers, names: tuple[str, ...], model: str, *, start: Mapping | None = None
) -> FitResult:
    """Maximise a log-likelihood over the logarithms of its parameters, to a vanishing gradient.

    Newton's method with the analytic gradient and Hessian, from ``start`` and within the
    bounds ``[−15, 15]`` on the log-parameters (see :func:`_newton`). It converged when the
    projected gradient of the mean log-likelihood is at most ``GRADIENT_TOLERANCE``: a
    parameter at a bound whose gradient points out of the box (the likelihood still rises
    towards 0 or ∞) is held there and its component left out. Only numpy's elementwise
    functions and sums and 4 × 4 eigendecompositions are used: no BLAS threads, whose
    number could change the last digits.

    Parameters
    ----------
    log_likelihood : callable
        ``log_likelihood(params, customers) -> (total, gradient, hessian)``: the total
        log-likelihood and its first and second derivatives with respect to the
        parameters (not their logs).
    customers : _DistinctCustomers
        The data.
    names : tuple of str
        Parameter names, in the order ``log_likelihood`` takes them.
    model : str
        Model name for the error message.
    start : dict, optional
        Starting parameters (default: all 1), clipped into the bounds.

    Returns
    -------
    FitResult
        The parameters and the convergence report.

    Raises
    ------
    ConvergenceError
        If the projected gradient does not vanish, naming the model, the log-likelihood,
        the gradient norm and the iterations.
    """

    def mean_log_likelihood(log_params):
        # d/dθ = p d/dp and d²/dθ² = P H P + diag(p ∂/∂p) for θ = ln p
        params = np.exp(log_params)
        total, gradient, hessian = log_likelihood(params, customers)
        gradient = params * gradient
        hessian = params[:, None] * hessian * params + np.diag(gradient)
        return (total / customers.customers, gradient / customers.customers, hessian / customers.customers)

    first = np.zeros(len(names)) if start is None else np.log([float(start[name]) for name in names])
    log_params, value, gradient, steps = _newton(mean_log_likelihood, np.clip(first, -_LOG_BOUND, _LOG_BOUND))
    held = _held_at_bound(log_params, gradient)
    norm = float(np.linalg.norm(gradient[~held]))
    if not (np.isfinite(value) and norm <= GRADIENT_TOLERANCE):
        raise ConvergenceError(
            f"the {model} fit did not converge: after {steps} iterations the log-likelihood is "
            f"{value * customers.customers:.6f} and the norm of the gradient of the mean "
            f"log-likelihood (log-parameters) is {norm:.3g} > {GRADIENT_TOLERANCE:g}"
        )
    return FitResult(
        zip(names, map(float, np.exp(log_params))),
        log_likelihood=value * customers.customers,
        gradient_norm=norm,
        iterations=steps,
        at_bound=[name for name, fixed in zip(names, held) if fixed],
    )


def _held_at_bound(log_params: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """Parameters at a bound that ``slope`` pushes out of the box.

    With the gradient as slope these are held at the bound: their component of the
    projected gradient is 0.
    """
    return ((log_params <= -_LOG_BOUND) & (slope < 0)) | ((log_params >= _LOG_BOUND) & (slope > 0))


def _newton(mean_log_likelihood, log_params: np.ndarray):
    """Newton's method on the free log-parameters until the projected gradient vanishes.

    Parameters held at a bound by their gradient, or that the Newton step would push out
    of the box there, stay on the bound and the step is solved for the others (a
    projected Newton method, Bertsekas 1982); the step is then searched along
    (:func:`_step_along`). It stops when the gradient is at rounding level, after a full
    step shorter than ``_SETTLED`` (quadratic convergence: the next would be far shorter),
    or when no step along the direction helps. Near the optimum the log-likelihoods of the
    points differ by rounding only, so the point with the smallest projected gradient is
    returned: its log-parameters, mean log-likelihood, gradient, and the number of steps.
    """
    point = log_params, *mean_log_likelihood(log_params)
    best = _projected_norm(point), point
    steps = 0
    while steps < _NEWTON_STEPS:
        log_params, value, gradient, hessian = point
        free = ~_held_at_bound(log_params, gradient)
        if np.linalg.norm(gradient[free]) <= _POLISHED:
            break
        direction = _free_newton_direction(hessian, gradient, free)
        while (blocked := _held_at_bound(log_params, direction) & free).any():
            free &= ~blocked
            direction = _free_newton_direction(hessian, gradient, free)
        length = np.max(np.abs(direction))
        if length == 0:
            break
        moved = _step_along(mean_log_likelihood, point, direction)
        if moved is None:
            break
        steps += 1
        point = moved
        best = min(best, (_projected_norm(point), point), key=lambda scored: scored[0])
        if length <= _SETTLED:
            break
    log_params, value, gradient, _ = best[1]
    return log_params, value, gradient, steps


def _projected_norm(point) -> float:
    log_params, _, gradient, _ = point
    return float(np.linalg.norm(gradient[~_held_at_bound(log_params, gradient)]))


def _free_newton_direction(hessian: np.ndarray, gradient: np.ndarray, free: np.ndarray) -> np.ndarray:
    """``−H⁻¹ g`` on the free parameters (0 for the others), climbing everywhere.

    The Hessian's eigenvalues are taken in absolute value (floored), so the direction
    climbs even where the log-likelihood is not concave, and the step along each of its
    eigenvectors is at most ``_LONGEST_STEP``: along a nearly flat ridge (a parameter
    pair not identified by the data) the step stays short, while the well-determined
    directions still get their full Newton step.
    """
    direction = np.zeros_like(gradient)
    if free.any():
        curvature, axes = np.linalg.eigh(hessian[np.ix_(free, free)])
        curvature = np.maximum(np.abs(curvature), 1e-12 * np.abs(curvature).max() + 1e-300)
        along_axes = np.clip((axes.T @ gradient[free]) / curvature, -_LONGEST_STEP, _LONGEST_STEP)
        direction[free] = axes @ along_axes
    return direction


def _step_along(mean_log_likelihood, point, direction):
    """A step along ``direction``, clipped into the bounds, that helps; None if none does.

    The step is halved until it helps: while the step promises a gain ``g·d`` above
    ``_NOISE`` (relative to the mean log-likelihood), the log-likelihood must rise; below
    it, where the rounding of sums of large terms (``ln B(px, q)`` with px or q near the
    bounds) can exceed the gain, the projected gradient must shrink. A full step after
    which the log-likelihood still climbs steeply along the direction (slope above a
    quarter of the starting one; about 0 after a good Newton step) is lengthened, ×4 at a
    time up to the bounds, while the log-likelihood keeps rising beyond rounding: where it
    rises towards a bound without a maximum (``a → 0`` when nobody drops out), Newton
    steps alone would only creep there.
    """
    log_params, value, gradient, _ = point

    def at(scale):
        trial = np.clip(log_params + scale * direction, -_LOG_BOUND, _LOG_BOUND)
        trial = np.where(np.abs(trial) >= _LOG_BOUND - _NEAR_BOUND, np.copysign(_LOG_BOUND, trial), trial)
        return trial, *mean_log_likelihood(trial)

    scale_of_value = max(1.0, abs(value))
    if gradient @ direction > _NOISE * scale_of_value:

        def helps(trial):
            return trial[1] > value
    else:
        norm = _projected_norm(point)

        def helps(trial):
            return _projected_norm(trial) < norm

    for halvings in range(30):
        trial = at(0.5**halvings)
        if helps(trial):
            break
    else:
        return None
    best, scale = trial, 1.0
    still_climbing = trial[2] @ direction > 0.25 * (gradient @ direction)
    rounding = 8 * np.finfo(float).eps * scale_of_value
    while halvings == 0 and still_climbing:
        scale *= 4
        trial = at(scale)
        if np.array_equal(trial[0], best[0]) or not trial[1] > best[1] + rounding:
            break
        best = trial
    return best


# ---------------------------------------------------------------------------------------
# BG/NBD model of purchases (Fader, Hardie & Lee 2005a)
# ---------------------------------------------------------------------------------------


def _bgnbd_customers(summary: pd.DataFrame) -> _DistinctCustomers:
    """The summary's customers collapsed into distinct (frequency, recency, T) rows."""
    return _DistinctCustomers.collapse(*_summary_arrays(summary))


def _bgnbd_log_likelihood_and_derivatives(params, customers: _DistinctCustomers):
    """Total BG/NBD log-likelihood, its gradient and Hessian with respect to (r, α, a, b).

    Per customer ``ln L = ln A1 + ln A2 + ln(A3 + δ(x>0) A4)`` (FHL 2005a; note 004):
    ``ln A1 = ln Γ(r+x) − ln Γ(r) + r ln α``, ``ln A2 = ln B(a, b+x) − ln B(a, b)``,
    ``ln A3 = −(r+x) ln(α+T)``, ``ln A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x)``.

    For a whole number x the ratios are finite products, ``Γ(r+x)/Γ(r) = Π_{j<x} (r+j)``
    and ``B(a, b+x)/B(a, b) = Π_{j<x} (b+j)/(a+b+j)``, so their logs and derivatives — the
    digamma differences ``ψ(r+x) − ψ(r) = Σ_{j<x} 1/(r+j)``, ``ψ(a+b) − ψ(a+b+x)`` and
    ``ψ(b+x) − ψ(b) + ψ(a+b) − ψ(a+b+x) = Σ_{j<x} a/((b+j)(a+b+j))``, and the trigamma
    differences likewise — are cumulative sums, computed once per distinct x: exact, and
    free of the cancellation that ``ψ(b+x) − ψ(b)`` suffers when b is large (the fits where
    nobody drops out). Likewise ``r ln α + ln A3 = −r ln(1 + T/α) − x ln(α+T)`` and the
    log-odds ``d = ln A4 − ln A3 = ln a − ln(b+x−1) + (r+x) ln(1 + (T−t_x)/(α+t_x))`` stay
    accurate when r and α grow large together (no heterogeneity in the purchase rates).
    ``ln(A3 + A4) = ln A3 + ln(1 + e^d)``, whose gradient is ``∇ln A3 + σ ∇d`` and Hessian
    ``∇²ln A3 + σ ∇²d + σ(1 − σ) ∇d ∇dᵀ``, with ``σ = σ(d) = A4 / (A3 + A4)``.
    """
    r, alpha, a, b = params
    x, (recency, T), weights = customers.frequency, customers.columns, customers.weights

    # ln A1 + ln A2 less r ln α, and their derivatives: sums over j < x, per distinct x
    j = np.arange(customers.frequencies.max(initial=0))
    r_j, b_j, ab_j = r + j, b + j, a + b + j
    per_purchase = np.array(
        [
            np.log(r_j),
            1 / r_j,
            -1 / r_j**2,
            -np.log1p(a / b_j),
            -1 / ab_j,
            a / (b_j * ab_j),
            1 / ab_j**2,
            -a * (a + 2 * b_j) / (b_j * ab_j) ** 2,
        ]
    )
    below_x = np.cumsum(np.c_[np.zeros(len(per_purchase)), per_purchase], axis=1)
    ln_gamma, gamma_r, gamma_rr, ln_beta, beta_a, beta_b, beta_aa, beta_bb = below_x[:, customers.frequencies]
    by_frequency = _weighted_sums(
        customers.customers_per_frequency, ln_gamma + ln_beta, gamma_r, beta_a, beta_b, gamma_rr, beta_aa, beta_bb
    )

    # r ln α + ln A3 = −r ln(1 + T/α) − x ln(α+T), the first term for every customer
    inverse_T = 1 / (alpha + T)
    ln_age_ratio = np.log1p(T / alpha)  # ln((α+T)/α)
    age_term = T * inverse_T / alpha  # 1/α − 1/(α+T)
    everyone = _weighted_sums(weights, ln_age_ratio, age_term, age_term * (2 * alpha + T) * inverse_T / alpha)

    # −x ln(α+T) + ln(1 + e^d), repeat buyers only (rows are sorted by x: they come last)
    repeat = slice(np.searchsorted(x, 0.5), None)
    x, T, recency, inverse_T = x[repeat], T[repeat], recency[repeat], inverse_T[repeat]
    rx, inverse_t = r + x, 1 / (alpha + recency)
    silence_term = (T - recency) * inverse_T * inverse_t  # 1/(α+t_x) − 1/(α+T)
    ln_silence_ratio = np.log1p((T - recency) * inverse_t)  # ln((α+T)/(α+t_x))
    dropout_shift = b + np.maximum(customers.frequencies, 1) - 1  # b + x − 1, per distinct x
    of_row = customers.frequency_index[repeat]
    log_odds = (np.log(a) - np.log(dropout_shift))[of_row] + rx * ln_silence_ratio
    share = expit(log_odds)
    slopes = np.stack(
        [ln_silence_ratio, -rx * silence_term, np.full_like(share, 1 / a), -(1 / dropout_shift)[of_row]], axis=1
    )  # ∇d, one row per customer
    repeat_weights = weights[repeat]
    repeaters = _weighted_sums(
        repeat_weights,
        np.logaddexp(0.0, log_odds) - x * (np.log(alpha) + ln_age_ratio[repeat]),
        x * inverse_T,
        x * inverse_T**2,
    )
    shared = _weighted_sums(
        repeat_weights * share,
        *slopes.T,
        silence_term,
        rx * silence_term * (2 * alpha + T + recency) * inverse_T * inverse_t,
        (1 / dropout_shift**2)[of_row],
    )  # Σ σ ∇d, then σ's share of ∂²d/∂r∂α, ∂α², ∂b²
    # Σ σ(1 − σ) ∇d ∇dᵀ (numpy's own loops: no BLAS threads)
    spread = np.einsum("mi,mj,m->ij", slopes, slopes, repeat_weights * share * (1 - share))

    total = by_frequency[0] - r * everyone[0] + repeaters[0]
    gradient = np.array(
        [
            by_frequency[1] - everyone[0] + shared[0],
            r * everyone[1] - repeaters[1] + shared[1],
            by_frequency[2] + shared[2],
            by_frequency[3] + shared[3],
        ]
    )
    hessian = spread + np.diag(
        [
            by_frequency[4],
            -r * everyone[2] + repeaters[2] + shared[5],
            by_frequency[5] - shared[2] / a,
            by_frequency[6] + shared[6],
        ]
    )
    hessian[0, 1] += everyone[1] - shared[4]
    hessian[1, 0] = hessian[0, 1]
    hessian[2, 3] += by_frequency[5]
    hessian[3, 2] = hessian[2, 3]
    return float(total), gradient, hessian


def bgnbd_log_likelihood(params: Mapping, summary: pd.DataFrame) -> float:
    """Total log-likelihood of the BG/NBD model for a customer summary.

    For a customer with ``x`` repeat purchases, the last at ``t_x``, observed for ``T``:
    ``L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / Γ(r) · [(α+T)^−(r+x)
    + δ(x>0) a/(b+x−1) (α+t_x)^−(r+x)]``, computed on the log scale, once per distinct
    customer summary.

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
    params = _parameters(params, BGNBD_PARAMETERS, "BG/NBD")
    return _bgnbd_log_likelihood_and_derivatives(params, _bgnbd_customers(summary))[0]


def fit_bgnbd(summary: pd.DataFrame) -> FitResult:
    """Fit the BG/NBD model by maximum likelihood, to a vanishing gradient.

    Purchases while alive follow a Poisson process with rate λ ~ Gamma(r, α) across
    customers; after each repeat purchase a customer drops out with probability
    p ~ Beta(a, b). The log-likelihood (:func:`bgnbd_log_likelihood`) is maximised over
    the logarithms of the four parameters (so they stay positive), within
    ``[e^−15, e^15]``: Newton's method with the analytic gradient and Hessian, until the
    gradient of the mean log-likelihood vanishes (norm ≤ ``GRADIENT_TOLERANCE``).
    Customers with the same summary are evaluated once.

    When nobody in the data drops out, the likelihood keeps rising as the dropout
    probabilities vanish (``a → 0`` or ``b → ∞``): that parameter stops at its bound
    and is named in ``at_bound``; only the gradient of the others must vanish there.
    Such data can hold several maxima on the boundary (``a → 0`` with b large, or with
    b small: a tiny share of customers who leave at once); the fit reaches one of them
    from its start (all parameters 1), and a and b then mean little: read the forecasts.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``frequency``, ``recency``, ``T`` per customer (time unit of your choice; ``alpha``
        is then in that unit). At least one customer must have a repeat purchase.

    Returns
    -------
    FitResult
        The dict ``{"r": …, "alpha": …, "a": …, "b": …}`` of floats, whose attributes
        ``log_likelihood``, ``gradient_norm``, ``iterations``, ``converged`` and
        ``at_bound`` report the fit.

    Raises
    ------
    ValueError
        For an invalid summary or one without any repeat purchase.
    ConvergenceError
        A RuntimeError, if the gradient does not vanish.

    References
    ----------
    Fader, Hardie & Lee (2005a). Their CDNOW estimates (2,357 customers, 39 weeks):
    r = 0.243, α = 4.414, a = 0.793, b = 2.426.

    Examples
    --------
    >>> customers = simulate_bgnbd({"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43},
    ...                            5000, 39.0, rng=1)
    >>> fitted = fit_bgnbd(customers)
    >>> sorted(fitted), fitted.converged, fitted.gradient_norm < 1e-8
    (['a', 'alpha', 'b', 'r'], True, True)
    >>> print(", ".join(f"{name} = {value:.3g}" for name, value in fitted.items()))
    r = 0.243, alpha = 4.32, a = 0.6, b = 1.8
    """
    customers = _bgnbd_customers(summary)
    if not (customers.frequency > 0).any():
        raise ValueError("the BG/NBD model needs some repeat purchases; every customer in the summary has frequency 0")
    return _fit(_bgnbd_log_likelihood_and_derivatives, customers, BGNBD_PARAMETERS, "BG/NBD")


def _conditional_expected_purchases(r, alpha, a, b, t, x, t_x, T):
    """Eq. (10) of FHL 2005a, broadcast over t and the customers' arrays.

    The term ``((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; z)`` overflows for heavy
    buyers; Euler's transformation ``2F1(A, B; C; z) = (1−z)^(C−A−B) 2F1(C−A, C−B; C; z)``
    turns it into ``(1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b+x−1; z)``, with ``1 − z =
    (α+T)/(α+T+t)``, whose parameters do not grow with x.
    """
    z = t / (alpha + T + t)
    never_again = (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
    expected = ((a + b + x - 1) / (a - 1)) * (1 - never_again) * _probability_alive(r, alpha, a, b, x, t_x, T)
    return expected + 0.0  # turns the −0.0 at t = 0 (when a < 1) into 0.0


def _probability_alive(r, alpha, a, b, x, t_x, T):
    """``1 / [1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)]``, via the log-odds (no overflow)."""
    log_odds_dead = np.log(a) - np.log(b + np.maximum(x, 1) - 1) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
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
    return pd.Series(_probability_alive(r, alpha, a, b, x, t_x, T), index=summary.index, name="probability_alive")


def alive_by_silence(params: Mapping, repeat_purchases: int, age: float) -> pd.Series:
    """P(alive) of one customer by the time since their last purchase, from 0 up to ``age``.

    The customer made ``repeat_purchases`` repeat purchases and first bought ``age`` time
    units ago (weeks in the lessons); each value is :func:`bgnbd_probability_alive` with the
    last purchase that long ago (recency ``age − silence``).

    Parameters
    ----------
    params : dict
        BG/NBD parameters ``{"r", "alpha", "a", "b"}`` (time in the same unit as ``age``).
    repeat_purchases : int
        the customer's repeat purchases, x.
    age : float
        time since the first purchase, T.

    Returns
    -------
    pandas.Series
        P(alive), indexed by the whole time units of silence 0, 1, …, < ``age``, named
        ``probability_alive``; it falls as the silence grows.

    Examples
    --------
    >>> curve = alive_by_silence({"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 2.0}, 1, 3.0)
    >>> [round(p, 4) for p in curve]   # 1 / (1 + (1/2)(4/(1 + 3 - s))²); s = 2 is bgnbd_probability_alive's example
    [0.6667, 0.5294, 0.3333]
    >>> silence_until_doubt(curve), silence_until_doubt(curve, threshold=0.2)
    (2.0, inf)
    """
    silence = np.arange(0, int(np.ceil(age)))
    one = pd.DataFrame({"frequency": int(repeat_purchases), "recency": age - silence, "T": float(age)})
    return pd.Series(bgnbd_probability_alive(params, one).to_numpy(), index=silence, name="probability_alive")


def silence_until_doubt(curve: pd.Series, threshold: float = 0.5) -> float:
    """The first silence at which P(alive) falls below ``threshold`` (infinity if it never does).

    Parameters
    ----------
    curve : pandas.Series
        P(alive) by silence, as :func:`alive_by_silence` returns it.
    threshold : float, optional
        the probability under which the customer is more likely gone than not.

    Returns
    -------
    float
        a value of ``curve.index`` (as a float), or ``inf``.
    """
    below = curve.index[curve.to_numpy() < threshold]
    return float(below.min()) if len(below) else float("inf")


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
        {
            "frequency": frequency.astype(np.int64),
            "recency": recency,
            "T": T,
            "purchase_rate": rate,
            "dropout_probability": dropout,
            "alive": last_purchase_allowed > purchases_in_window,
        },
        index=pd.RangeIndex(1, n_customers + 1, name="customer_id"),
    )


# ---------------------------------------------------------------------------------------
# Gamma-Gamma model of spend (Fader, Hardie & Lee 2005b)
# ---------------------------------------------------------------------------------------


def _gamma_gamma_log_likelihood_and_derivatives(params, customers: _DistinctCustomers):
    """Total Gamma-Gamma log-likelihood, its gradient and Hessian with respect to (p, q, v).

    Per repeat buyer with ``x`` transactions of mean ``z̄`` (Fader & Hardie 2013, eq. 5):
    ``ln f = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln z̄ + px ln x
    − (px+q) ln(v + x z̄)``, computed as
    ``−ln B(px, q) − ln z̄ − px ln(1 + v/(x z̄)) − q ln(1 + x z̄/v)``, which stays accurate
    when p or q grows large (no heterogeneity left to estimate). So
    ``∂/∂p = x [ψ(px+q) − ψ(px) − ln(1 + v/(x z̄))]``,
    ``∂/∂q = ψ(px+q) − ψ(q) − ln(1 + x z̄/v)``, ``∂/∂v = (q x z̄/v − px)/(v + x z̄)``, and
    ``∂²/∂p² = x² [ψ'(px+q) − ψ'(px)]``, ``∂²/∂p∂q = x ψ'(px+q)``,
    ``∂²/∂p∂v = −x/(v + x z̄)``, ``∂²/∂q² = ψ'(px+q) − ψ'(q)``,
    ``∂²/∂q∂v = x z̄/(v (v + x z̄))``,
    ``∂²/∂v² = px/(v + x z̄)² − q x z̄ (2v + x z̄)/(v (v + x z̄))²``.
    The beta, digamma ψ and trigamma ψ' functions are evaluated once per distinct x, the
    digamma differences by :func:`_digamma_difference`.
    """
    p, q, v = params
    x, (spend,), weights = customers.frequency, customers.columns, customers.weights
    frequencies = customers.frequencies
    shape = p * frequencies  # px, per distinct x
    trigamma_sum = polygamma(1, shape + q)
    by_frequency = _weighted_sums(
        customers.customers_per_frequency,
        -betaln(shape, q),
        frequencies * _digamma_difference(shape, q),
        _digamma_difference(q, shape),
        frequencies**2 * (trigamma_sum - polygamma(1, shape)),
        frequencies * trigamma_sum,
        trigamma_sum - polygamma(1, q),
    )
    total_spend = x * spend
    inverse_sum = 1 / (v + total_spend)
    spend_over_v = np.log1p(total_spend / v)
    by_row = _weighted_sums(
        weights,
        -np.log(spend) - p * x * np.log1p(v / total_spend) - q * spend_over_v,
        -x * np.log1p(v / total_spend),
        spend_over_v,
        (q * total_spend / v - p * x) * inverse_sum,
        x * inverse_sum,
        total_spend * inverse_sum / v,
        p * x * inverse_sum**2 - q * total_spend * (2 * v + total_spend) * (inverse_sum / v) ** 2,
    )
    total = by_frequency[0] + by_row[0]
    gradient = np.array([by_frequency[1] + by_row[1], by_frequency[2] - by_row[2], by_row[3]])
    hessian = np.array(
        [
            [by_frequency[3], by_frequency[4], -by_row[4]],
            [by_frequency[4], by_frequency[5], by_row[5]],
            [-by_row[4], by_row[5], by_row[6]],
        ]
    )
    return float(total), gradient, hessian


def _digamma_difference(z, shift):
    """``ψ(z + shift) − ψ(z)`` for ``z, shift > 0``, accurate also where the two nearly cancel.

    For ``z ≥ 1000`` it is the difference of the asymptotic series
    ``ψ(z) ~ ln z − 1/(2z) − 1/(12z²) + 1/(120z⁴)``, term by term (truncation below
    ``1e-14`` relative): ``ψ(z) − ψ(z+s)`` of two numbers near ``ln z`` would lose the
    digits of a difference near ``s/z``, which the fits multiply by parameters up to 3e6.

    Examples
    --------
    >>> float(_digamma_difference(1.0, 1.0))  # ψ(2) − ψ(1) = 1
    1.0
    >>> float(_digamma_difference(1e7, 2.0) * 1e7)  # ≈ 2 − 1/z
    1.9999999...
    """
    z, shift = np.broadcast_arrays(np.asarray(z, dtype=float), np.asarray(shift, dtype=float))
    large = z >= 1000
    z_large, s, w = z[large], shift[large], (z + shift)[large]
    difference = np.asarray(digamma(z + shift) - digamma(z), dtype=float)
    difference[large] = (
        np.log1p(s / z_large)
        + s / (2 * z_large * w)
        + s * (z_large + w) / (12 * (z_large * w) ** 2)
        - s * (z_large + w) * (z_large**2 + w**2) / (120 * (z_large * w) ** 4)
    )
    return difference


def _repeat_buyers(summary: pd.DataFrame) -> _DistinctCustomers:
    """The customers with repeat purchases (spend > 0), collapsed into distinct (x, z̄) rows."""
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
        raise ValueError(
            "the Gamma-Gamma model needs customers with repeat purchases; every customer in the summary has frequency 0"
        )
    return _DistinctCustomers.collapse(x[repeat], spend[repeat])


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
    params = _parameters(params, GAMMA_GAMMA_PARAMETERS, "Gamma-Gamma")
    return _gamma_gamma_log_likelihood_and_derivatives(params, _repeat_buyers(summary))[0]


def fit_gamma_gamma(summary: pd.DataFrame) -> FitResult:
    """Fit the Gamma-Gamma spend model by maximum likelihood on the repeat buyers.

    Only customers with ``frequency > 0`` enter (their ``monetary_value`` is the mean of
    their repeat purchases). The model assumes spend is independent of purchase
    frequency: check that their correlation is small before relying on it. The
    log-likelihood (:func:`gamma_gamma_log_likelihood`) is maximised over the logarithms
    of the parameters as in :func:`fit_bgnbd`: Newton's method with the analytic gradient
    and Hessian until the gradient vanishes, buyers with the same (x, z̄) evaluated once.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``frequency``, ``recency``, ``T`` and ``monetary_value`` (currency, > 0 for the
        repeat buyers).

    Returns
    -------
    FitResult
        The dict ``{"p": …, "q": …, "v": …}`` of floats (``v`` in currency), whose
        attributes ``log_likelihood``, ``gradient_norm``, ``iterations``, ``converged``
        and ``at_bound`` report the fit.

    Raises
    ------
    ValueError
        For an invalid summary, non-positive spend of a repeat buyer, or no repeat buyer.
    ConvergenceError
        A RuntimeError, if the gradient does not vanish.

    References
    ----------
    Fader, Hardie & Lee (2005b); Fader & Hardie (2013), the Gamma-Gamma note. FHL's
    CDNOW estimates: p = 6.25, q = 3.74, v = 15.44.

    Examples
    --------
    >>> frequency = pd.Series(np.arange(1, 2001) % 7 + 1)
    >>> spend = simulate_gamma_gamma({"p": 6.25, "q": 3.74, "v": 15.44}, frequency, rng=3)
    >>> fitted = fit_gamma_gamma(spend.assign(frequency=frequency, recency=1.0, T=2.0))
    >>> sorted(fitted), fitted.converged
    (['p', 'q', 'v'], True)
    """
    return _fit(
        _gamma_gamma_log_likelihood_and_derivatives, _repeat_buyers(summary), GAMMA_GAMMA_PARAMETERS, "Gamma-Gamma"
    )


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
    return pd.Series(p * (v + x * mean_spend) / (p * x + q - 1), index=summary.index, name="expected_spend")


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
    return pd.DataFrame(
        {"monetary_value": np.where(x > 0, mean_spend, 0.0), "true_mean_spend": p / spend_rate}, index=index
    )


# ---------------------------------------------------------------------------------------
# Calibration and holdout: does the model predict purchases it has not seen?
# ---------------------------------------------------------------------------------------


def calibration_holdout(
    transactions: pd.DataFrame, calibration_end, observation_end, *, time_unit: str = "W"
) -> pd.DataFrame:
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
        raise ValueError(
            "summary needs customers and one holdout_length shared by all of them (as calibration_holdout makes)"
        )
    expected = bgnbd_expected_purchases(params, lengths[0], summary).to_numpy()
    frequency = summary["frequency"].to_numpy()
    labels = [str(i) for i in range(int(max_frequency))] + [f"{int(max_frequency)}+"]
    group = pd.Categorical(
        np.array(labels, dtype=object)[np.minimum(frequency, int(max_frequency)).astype(int)], categories=labels
    )
    frame = pd.DataFrame(
        {"group": group, "actual": summary["holdout_purchases"].to_numpy(dtype=float), "predicted": expected}
    )
    table = frame.groupby("group", observed=True).agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    table.index = pd.Index(table.index.astype(str), name="calibration_frequency")
    return table


# ---------------------------------------------------------------------------------------
# Both together
# ---------------------------------------------------------------------------------------


#: Customers valued at a time by :func:`expected_clv`.
_CLV_BLOCK = 100_000


def expected_clv(
    bgnbd_params: Mapping,
    gg_params: Mapping,
    summary: pd.DataFrame,
    *,
    periods: int,
    discount_rate: float,
    margin: float = 1.0,
    period_length: float = 1.0,
) -> pd.Series:
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
    require(discount_rate > -1, "discount_rate must be greater than −1", discount_rate=discount_rate)
    period_length = float(_finite("period_length", period_length))
    require(period_length > 0, "period_length must be positive", period_length=period_length)
    margin = float(_finite("margin", margin))

    spend = gamma_gamma_expected_spend(gg_params, summary).to_numpy()
    x, t_x, T = _summary_arrays(summary)
    times = period_length * np.arange(periods + 1)[:, None]
    discount = (1 + discount_rate) ** -np.arange(1, periods + 1)
    discounted_purchases = np.empty(len(x))
    # A block of customers at a time: each period × customer array stays small (memory ∝ periods × block).
    for block in range(0, len(x), _CLV_BLOCK):
        part = slice(block, block + _CLV_BLOCK)
        cumulative = _conditional_expected_purchases(r, alpha, a, b, times, x[part], t_x[part], T[part])
        # numpy's sum down the periods, not a BLAS product: the same bits for any block size or thread count
        discounted_purchases[part] = np.sum(discount[:, None] * np.diff(cumulative, axis=0), axis=0)
    return pd.Series(margin * spend * discounted_purchases, index=summary.index, name="expected_clv")
