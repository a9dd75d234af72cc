"""Erlang A (M/M/N+M, Palm's model): contacts abandon after an exponential patience.

Customers hang up and chats are closed unanswered; Erlang C, which assumes everyone waits for
ever, then overstaffs (and has no answer at all when N <= A). With mean patience ``patience``
(abandonment rate θ = 1/patience) and service rate μ = 1/AHT, the number in the system is a
birth-death chain: births λ, deaths μ·min(n, N) + θ·max(n - N, 0). Its stationary weights are
summed in log space and truncated where the tail is below 1e-17 of the peak: because θ > 0
the tail always ends, and the answer is exact to double precision.

A contact that finds j others waiting is served only if it outlasts the j ahead of it; each
stage ends at rate Nμ + kθ, so (telescoping) P(served) = Nμ / (Nμ + (j+1)θ), and its time to
answer, given it is served, is a sum of exponentials with rates Nμ + mθ (m = 1..j+1), whose
e^{-θS} is Beta(Nμ/θ + 1, j + 1) distributed. Service level and ASA follow in closed form
from the regularised incomplete beta function.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from minidesk.wfm.erlang import ErlangError, check

# log(1e-17): weights further below the peak than this cannot change a double-precision sum.
_NEGLIGIBLE = -39.0
# Waiting positions the chain may hold: ample for a hundred thousand contacts arriving within
# one average patience, and it keeps an evaluation in milliseconds.
MAX_WAITING = 200_000


@dataclass(frozen=True)
class AbandoningQueue:
    agents: int
    load: float  # offered erlangs
    wait_probability: float  # share of contacts that find every agent busy
    service_level: float  # share of ALL offered contacts answered within the threshold
    asa: float  # mean wait of answered contacts, seconds
    abandon_rate: float  # share of offered contacts that give up
    occupancy: float  # answered load / agents


def queue(
    agents: int, load: float, aht: float, answer_within: float, patience: float
) -> AbandoningQueue:
    """Erlang A figures for ``agents`` on ``load`` erlangs with mean patience ``patience`` s."""
    # Imported here: SciPy adds ~28 MB to every process that imports this module (the web
    # app does, for its routes), and only a staffing calculation needs it.
    from scipy.special import betainc, gammaln

    if load == 0:
        return AbandoningQueue(agents, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)
    mu, theta = 1.0 / aht, 1.0 / patience
    rate = load * mu
    n = agents
    # Below N: Poisson-like weights A^k / k!.
    below = np.arange(n + 1, dtype=float)
    log_below = below * math.log(load) - gammaln(below + 1)
    # Above N: each extra waiting contact multiplies by λ / (Nμ + jθ).
    crest = max(0.0, (rate - n * mu) / theta)
    span = int(crest + 20 * math.sqrt(rate / theta + 1) + 50)
    if span > MAX_WAITING:
        raise ErlangError(
            "patience this long against this load is Erlang C's territory: leave out patience"
        )
    j = np.arange(1, span + 1, dtype=float)
    log_above = log_below[-1] + np.cumsum(np.log(rate / (n * mu + j * theta)))
    peak = max(log_below.max(), log_above.max() if span else -math.inf)
    keep = log_above - peak > _NEGLIGIBLE
    log_above = log_above[: int(np.nonzero(keep)[0].max()) + 1] if keep.any() else log_above[:0]
    w_below = np.exp(log_below - peak)
    w_above = np.exp(log_above - peak)
    total = float(w_below.sum() + w_above.sum())
    # An arrival finds k in the system with the stationary probability (PASTA). Those finding
    # n = N .. : j = k - N already waiting ahead.
    p_free = float(w_below[:-1].sum() / total)
    p_wait = 1.0 - p_free
    waiting_ahead = np.concatenate(([0.0], np.arange(1, len(w_above) + 1, dtype=float)))
    p_arrive = np.concatenate(([w_below[-1]], w_above)) / total  # finds N + j in the system
    if n == 0:
        served = np.zeros_like(waiting_ahead)
        within = np.zeros_like(waiting_ahead)
        mean_wait = np.zeros_like(waiting_ahead)
    else:
        served = n * mu / (n * mu + (waiting_ahead + 1) * theta)
        shape = n * mu / theta + 1
        # P(S <= t) = P(e^{-θS} >= e^{-θt}) = 1 - I_{e^{-θt}}(shape, j + 1).
        within = 1.0 - betainc(shape, waiting_ahead + 1, math.exp(-theta * answer_within))
        harmonic = np.cumsum(1.0 / (n * mu + np.arange(1, len(waiting_ahead) + 1) * theta))
        mean_wait = harmonic
    answered = p_free + float(np.dot(p_arrive, served))
    service_level = p_free + float(np.dot(p_arrive, served * within))
    waited = float(np.dot(p_arrive, served * mean_wait))
    asa = waited / answered if answered > 0 else math.inf
    abandon = 1.0 - answered
    occupancy = load * answered / n if n else 0.0
    return AbandoningQueue(n, load, p_wait, service_level, asa, abandon, occupancy)


def agents_needed(
    load: float,
    aht: float,
    target: float,
    answer_within: float,
    patience: float,
    max_occupancy: float = 1.0,
) -> AbandoningQueue:
    """The fewest agents answering ``target`` of offered contacts within ``answer_within``
    seconds (abandoned contacts count as missed) at or under ``max_occupancy``."""
    check(load, aht, target, answer_within, max_occupancy)
    if not patience > 0:
        raise ErlangError("the average patience must be > 0 seconds")
    if load == 0:
        return queue(0, 0.0, aht, answer_within, patience)

    # Service level rises and occupancy falls with every agent added, so the fewest agents
    # meeting both is found by doubling, then bisecting: O(log N) evaluations.
    def meets(agents: int) -> bool:
        result = queue(agents, load, aht, answer_within, patience)
        return result.service_level >= target and result.occupancy <= max_occupancy + 1e-12

    high = max(1, math.ceil(load))
    while not meets(high):
        high *= 2
    low = 0  # zero agents never meet a target above 0
    while high - low > 1:
        middle = (low + high) // 2
        if meets(middle):
            high = middle
        else:
            low = middle
    return queue(high, load, aht, answer_within, patience)
