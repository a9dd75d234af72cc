"""Erlang C (M/M/N, callers wait for ever): service level, ASA, occupancy, agents needed.

All figures come from the Erlang B recursion ``B(n) = A·B(n-1) / (n + A·B(n-1))``, which stays
between 0 and 1 at every step, so it never overflows the way ``A**N / N!`` does: 5,000 agents
cost 5,000 multiplications and no precision. Erlang C follows from B as
``C = N·B / (N - A·(1 - B))``.

Units: ``load`` is the offered traffic in erlangs (arrival rate x AHT), times in seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Ten thousand agents busy at once: beyond any desk this serves, and it keeps one evaluation
# (a loop of N steps) in milliseconds whatever a caller sends.
MAX_LOAD = 10_000.0
# The searches walk up one agent at a time from ``load / occupancy cap``: a tiny cap on a big
# load would walk for minutes. Twice the biggest load is room for any real cap (0.5 and up).
MAX_AGENTS = 20_000


class ErlangError(ValueError):
    """Inputs outside the model: a negative rate, a target above 1, a zero handle time."""


@dataclass(frozen=True)
class Queue:
    """One interval's queue as Erlang C sees it."""

    agents: int
    load: float  # offered erlangs
    wait_probability: float  # share of contacts that wait at all (Erlang C)
    service_level: float  # share answered within the threshold
    asa: float  # average speed of answer, seconds (over all contacts); inf if unstable
    occupancy: float  # share of staffed time spent handling contacts


def erlang_b(agents: int, load: float) -> float:
    """Blocking probability of ``agents`` servers offered ``load`` erlangs."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def wait_probability(agents: int, load: float, blocking: float | None = None) -> float:
    """Erlang C: the chance a contact waits. 1 when the agents cannot keep up (N <= A)."""
    if load <= 0:
        return 0.0
    if agents <= load:
        return 1.0
    b = erlang_b(agents, load) if blocking is None else blocking
    return agents * b / (agents - load * (1 - b))


def queue(
    agents: int, load: float, aht: float, answer_within: float, blocking: float | None = None
) -> Queue:
    """Service level, ASA and occupancy of ``agents`` on ``load`` erlangs."""
    if agents <= load:
        # The queue grows without bound: nobody is answered within any finite time on average.
        return Queue(agents, load, 1.0, 0.0, math.inf, 1.0 if agents else 0.0)
    c = wait_probability(agents, load, blocking)
    spare = agents - load
    service_level = 1.0 - c * math.exp(-spare * answer_within / aht)
    return Queue(agents, load, c, service_level, c * aht / spare, load / agents)


def agents_needed(
    load: float, aht: float, target: float, answer_within: float, max_occupancy: float = 1.0
) -> Queue:
    """The fewest agents that answer ``target`` of contacts within ``answer_within`` seconds
    and stay at or under ``max_occupancy``."""
    check(load, aht, target, answer_within, max_occupancy)
    if load == 0:
        return Queue(0, 0.0, 0.0, 1.0, 0.0, 0.0)
    # Walk B up from one agent: each step is the recursion's next term, so the search costs
    # O(N) however many agents it tries.
    floor_agents = max(math.floor(load) + 1, math.ceil(load / max_occupancy - 1e-12))
    blocking = erlang_b(floor_agents, load)
    agents = floor_agents
    while True:
        result = queue(agents, load, aht, answer_within, blocking)
        if result.service_level >= target:
            return result
        agents += 1
        blocking = load * blocking / (agents + load * blocking)


def check(
    load: float, aht: float, target: float, answer_within: float, max_occupancy: float = 1.0
) -> None:
    if not (math.isfinite(load) and load >= 0):
        raise ErlangError("the load (volume x AHT / interval) must be a finite number >= 0")
    if load > MAX_LOAD:
        raise ErlangError(f"the load is over {MAX_LOAD:,.0f} erlangs: plan smaller queues")
    if not aht > 0:
        raise ErlangError("the handle time must be > 0 seconds")
    if not 0 < target < 1:
        raise ErlangError("the service-level target must be between 0 and 1 (e.g. 0.8)")
    if not answer_within >= 0:
        raise ErlangError("the answer time must be >= 0 seconds")
    if not 0 < max_occupancy <= 1:
        raise ErlangError("the occupancy cap must be in (0, 1]")
    if load / max_occupancy > MAX_AGENTS:
        raise ErlangError(
            f"an occupancy cap of {max_occupancy:g} on {load:,.0f} erlangs means over "
            f"{MAX_AGENTS:,} agents: raise the cap or plan smaller queues"
        )
